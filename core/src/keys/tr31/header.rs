//! Key block header parsing (ANSI X9.143-2022 §6.2, TR-31:2018 §A.5):
//! zero-copy, never panics, every error names the field and its offset.

#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use core::fmt;

use crate::error::{Error, Tr31Error};
use crate::keys::{Algorithm, Exportability, KeyAttributes, KeyUsage, KeyVersion, ModeOfUse};

/// Length of the fixed part of the header (X9.143 Table 1).
pub const HEADER_LEN: usize = 16;

/// Largest key block, in characters: the length field has four digits.
pub const MAX_BLOCK_LEN: usize = 9999;

/// Largest number of optional blocks (two decimal digits).
pub const MAX_OPTIONAL_BLOCKS: usize = 99;

/// Key block version ID (header byte 0, X9.143 Table 2).
///
/// `A` and `C` use the key variant binding method (legacy, TR-31:2018 §5.3.2.1:
/// unwrap only here); `B` uses TDES key derivation binding and `D` AES key
/// derivation binding (X9.143-2022 §7); `E` is the ISO 20038:2017 AES key
/// block (AES-CMAC key derivation with a distinct encryption-key constant,
/// AES-CTR encryption, no padding). Anything else is rejected as
/// [`Tr31Error::UnsupportedVersion`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Version {
    /// `A`: key variant binding, TDES (deprecated).
    A,
    /// `B`: TDES key derivation binding.
    B,
    /// `C`: key variant binding, TDES (as A, with clarified header values).
    C,
    /// `D`: AES key derivation binding.
    D,
    /// `E`: ISO 20038 AES key block (key derivation binding, AES-CTR).
    E,
}

impl Version {
    /// The version character.
    #[must_use]
    pub const fn code(self) -> u8 {
        match self {
            Self::A => b'A',
            Self::B => b'B',
            Self::C => b'C',
            Self::D => b'D',
            Self::E => b'E',
        }
    }

    /// Parses the version character.
    ///
    /// # Errors
    /// [`Tr31Error::UnsupportedVersion`] for anything but `A`-`E`.
    pub const fn from_code(code: u8) -> Result<Self, Error> {
        match code {
            b'A' => Ok(Self::A),
            b'B' => Ok(Self::B),
            b'C' => Ok(Self::C),
            b'D' => Ok(Self::D),
            b'E' => Ok(Self::E),
            _ => Err(Error::Tr31(Tr31Error::UnsupportedVersion)),
        }
    }

    /// Cipher block length of the protection algorithm (8 TDES, 16 AES).
    #[must_use]
    pub const fn cipher_block_len(self) -> usize {
        match self {
            Self::D | Self::E => 16,
            Self::A | Self::B | Self::C => 8,
        }
    }

    /// Authenticator length in bytes (A, C: 4; B: 8; D, E: 16).
    #[must_use]
    pub const fn mac_len(self) -> usize {
        match self {
            Self::A | Self::C => 4,
            Self::B => 8,
            Self::D | Self::E => 16,
        }
    }

    /// True if the key data is padded to the cipher block (CBC versions);
    /// `E` encrypts in counter mode and needs no padding (ISO 20038 §6.4).
    #[must_use]
    pub const fn pads_to_block(self) -> bool {
        !matches!(self, Self::E)
    }

    /// True for the legacy variant-binding versions `A` and `C`, which
    /// [`super::unwrap`] refuses unless the policy opts in
    /// ([`super::UnwrapPolicy::ALLOW_LEGACY`]).
    #[must_use]
    pub const fn is_legacy(self) -> bool {
        matches!(self, Self::A | Self::C)
    }

    /// True for the AES versions (the KBPK must then be AES).
    #[must_use]
    pub const fn is_aes(self) -> bool {
        matches!(self, Self::D | Self::E)
    }
}

/// Algorithm of the wrapped key (header byte 7, X9.143 Table 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HeaderAlgorithm {
    /// `A` AES.
    Aes,
    /// `D` single DES (recognised, cannot be unwrapped into a [`crate::keys::Key`]).
    Des,
    /// `E` Elliptic curve.
    EllipticCurve,
    /// `H` HMAC.
    Hmac,
    /// `R` RSA.
    Rsa,
    /// `S` DSA.
    Dsa,
    /// `T` Triple DES.
    Tdes,
}

impl HeaderAlgorithm {
    /// The algorithm character.
    #[must_use]
    pub const fn code(self) -> u8 {
        match self {
            Self::Aes => b'A',
            Self::Des => b'D',
            Self::EllipticCurve => b'E',
            Self::Hmac => b'H',
            Self::Rsa => b'R',
            Self::Dsa => b'S',
            Self::Tdes => b'T',
        }
    }

    /// Parses the algorithm character.
    ///
    /// # Errors
    /// [`Tr31Error::InvalidHeaderField`] (`algorithm`, offset 7).
    pub const fn from_code(code: u8) -> Result<Self, Error> {
        Ok(match code {
            b'A' => Self::Aes,
            b'D' => Self::Des,
            b'E' => Self::EllipticCurve,
            b'H' => Self::Hmac,
            b'R' => Self::Rsa,
            b'S' => Self::Dsa,
            b'T' => Self::Tdes,
            _ => return Err(field("algorithm", 7)),
        })
    }

    /// The header algorithm of a paycore key algorithm.
    #[must_use]
    pub const fn of(algorithm: Algorithm) -> Self {
        match algorithm {
            Algorithm::Tdes2 | Algorithm::Tdes3 => Self::Tdes,
            Algorithm::Aes128 | Algorithm::Aes192 | Algorithm::Aes256 => Self::Aes,
            Algorithm::HmacSha256 => Self::Hmac,
            // Never wrapped (`wrap` refuses them); `D` (DEA) is the nearest
            // header letter for single DES, and SM4 has none in X9.143.
            #[cfg(feature = "sm")]
            Algorithm::Des | Algorithm::Sm4 => Self::Tdes,
        }
    }

    /// The key algorithm for a key of `len` bytes under this header algorithm.
    ///
    /// # Errors
    /// [`Tr31Error::AlgorithmMismatch`] if the length does not fit the family,
    /// [`Tr31Error::UnsupportedAlgorithm`] for algorithms other than `A`/`T`.
    pub const fn key_algorithm(self, len: usize) -> Result<Algorithm, Error> {
        let aes = match self {
            Self::Aes => true,
            Self::Tdes => false,
            _ => return Err(Error::Tr31(Tr31Error::UnsupportedAlgorithm)),
        };
        match Algorithm::from_len(aes, len) {
            Ok(a) => Ok(a),
            Err(_) => Err(Error::Tr31(Tr31Error::AlgorithmMismatch)),
        }
    }
}

/// An optional block ID (X9.143 Table 11): two alphanumeric characters.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OptionalBlockId([u8; 2]);

impl OptionalBlockId {
    /// `HM` HMAC hash algorithm.
    pub const HM: Self = Self(*b"HM");
    /// `IK` Initial key identifier (AES DUKPT).
    pub const IK: Self = Self(*b"IK");
    /// `KC` Key check value of the wrapped key.
    pub const KC: Self = Self(*b"KC");
    /// `KP` Key check value of the KBPK.
    pub const KP: Self = Self(*b"KP");
    /// `KS` Key set identifier (TDES DUKPT KSN).
    pub const KS: Self = Self(*b"KS");
    /// `PB` Padding block.
    pub const PB: Self = Self(*b"PB");
    /// `TS` Time stamp.
    pub const TS: Self = Self(*b"TS");

    /// An ID from two alphanumeric ASCII characters.
    ///
    /// # Errors
    /// [`Tr31Error::InvalidOptionalBlock`] (offset 0) otherwise.
    pub const fn new(code: [u8; 2]) -> Result<Self, Error> {
        if code[0].is_ascii_alphanumeric() && code[1].is_ascii_alphanumeric() {
            Ok(Self(code))
        } else {
            Err(Error::Tr31(Tr31Error::InvalidOptionalBlock { offset: 0 }))
        }
    }

    /// The two characters.
    #[must_use]
    pub const fn code(self) -> [u8; 2] {
        self.0
    }

    /// The two characters as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Debug for OptionalBlockId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OptionalBlockId({})", self.as_str())
    }
}

impl fmt::Display for OptionalBlockId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One optional block: its ID and its data (printable ASCII, X9.143 §6.3.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionalBlock<'a> {
    id: OptionalBlockId,
    data: &'a str,
}

impl<'a> OptionalBlock<'a> {
    /// A block with `data`, which must be printable ASCII and short enough
    /// for a key block.
    ///
    /// # Errors
    /// [`Tr31Error::InvalidOptionalBlock`] (offset: the bad character's
    /// index in `data`) or [`Tr31Error::TooLong`].
    pub fn new(id: OptionalBlockId, data: &'a str) -> Result<Self, Error> {
        if let Some(bad) = data.bytes().position(|b| !is_printable(b)) {
            return Err(Tr31Error::InvalidOptionalBlock { offset: bad }.into());
        }
        if data.len() > MAX_BLOCK_LEN {
            return Err(Tr31Error::TooLong.into());
        }
        Ok(Self { id, data })
    }

    /// The block ID.
    #[must_use]
    pub const fn id(&self) -> OptionalBlockId {
        self.id
    }

    /// The block data.
    #[must_use]
    pub const fn data(&self) -> &'a str {
        self.data
    }

    /// Characters this block takes when encoded (ID, length, data), using
    /// the X9.143-2022 §6.3.6 extended length form (`00`, length of length
    /// `04`, 4 hex characters) only when the short form's 255 limit is
    /// exceeded.
    #[must_use]
    pub const fn encoded_len(&self) -> usize {
        if self.data.len() + 4 <= 0xFF {
            self.data.len() + 4
        } else {
            self.data.len() + 10
        }
    }
}

/// Iterator over the optional blocks of a parsed header (excluding none:
/// the padding block `PB` is returned too).
#[derive(Debug, Clone)]
pub struct OptionalBlocks<'a> {
    header: &'a str,
    pos: usize,
    remaining: usize,
}

impl<'a> Iterator for OptionalBlocks<'a> {
    type Item = OptionalBlock<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        // The header was validated when parsed, so this cannot fail; if it
        // did, iteration simply ends.
        let (block, next) = parse_optional_block(self.header, self.pos).ok()?;
        self.pos = next;
        self.remaining -= 1;
        Some(block)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.remaining))
    }
}

/// A parsed key block header (X9.143 §6.2), borrowing the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyBlockHeader<'a> {
    raw: &'a str,
    version: Version,
    block_len: usize,
    key_usage: KeyUsage,
    algorithm: HeaderAlgorithm,
    mode_of_use: ModeOfUse,
    key_version: KeyVersion,
    exportability: Exportability,
    optional_count: usize,
}

impl<'a> KeyBlockHeader<'a> {
    /// Parses the header at the start of `input` (a whole key block, or a
    /// header alone used as a template). The declared block length is
    /// parsed but not compared with `input` here ([`super::unwrap`] does).
    ///
    /// # Errors
    /// [`Tr31Error::InvalidHeaderField`] with the field name and offset,
    /// [`Tr31Error::UnsupportedVersion`], [`Tr31Error::InvalidOptionalBlock`]
    /// or [`Tr31Error::InvalidHex`]; [`Tr31Error::TooLong`] if the input
    /// exceeds [`MAX_BLOCK_LEN`].
    pub fn parse(input: &'a str) -> Result<Self, Error> {
        if input.len() > MAX_BLOCK_LEN {
            return Err(Tr31Error::TooLong.into());
        }
        let b = input.as_bytes();
        let at = |i: usize| b.get(i).copied();
        let version = Version::from_code(at(0).ok_or(field("version", 0))?)?;
        let block_len = decimal(b, 1, 4).ok_or(field("key block length", 1))?;
        let usage_code = [
            at(5).ok_or(field("key usage", 5))?,
            at(6).ok_or(field("key usage", 5))?,
        ];
        let key_usage = KeyUsage::from_code(usage_code).map_err(|_| field("key usage", 5))?;
        let algorithm = HeaderAlgorithm::from_code(at(7).ok_or(field("algorithm", 7))?)?;
        let mode_of_use = ModeOfUse::from_code(at(8).ok_or(field("mode of use", 8))?)
            .map_err(|_| field("mode of use", 8))?;
        let kv = [
            at(9).ok_or(field("key version", 9))?,
            at(10).ok_or(field("key version", 9))?,
        ];
        let key_version = KeyVersion::new(kv).map_err(|_| field("key version", 9))?;
        let exportability = Exportability::from_code(at(11).ok_or(field("exportability", 11))?)
            .map_err(|_| field("exportability", 11))?;
        let optional_count = decimal(b, 12, 2).ok_or(field("number of optional blocks", 12))?;
        if b.get(14..16) != Some(b"00".as_slice()) {
            return Err(field("reserved", 14));
        }
        let mut pos = HEADER_LEN;
        for index in 0..optional_count {
            let (block, next) = parse_optional_block(input, pos)?;
            if block.id == OptionalBlockId::PB && index + 1 != optional_count {
                // X9.143 §6.3.6: the padding block, if present, is last.
                return Err(Tr31Error::InvalidOptionalBlock { offset: pos }.into());
            }
            pos = next;
        }
        let raw = input.get(..pos).ok_or(field("header", pos))?;
        Ok(Self {
            raw,
            version,
            block_len,
            key_usage,
            algorithm,
            mode_of_use,
            key_version,
            exportability,
            optional_count,
        })
    }

    /// The header text (fixed part and optional blocks).
    #[must_use]
    pub const fn as_str(&self) -> &'a str {
        self.raw
    }

    /// Header length in characters, optional blocks included.
    #[must_use]
    pub const fn len(&self) -> usize {
        self.raw.len()
    }

    /// Always false: a header has at least 16 characters.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// Key block version.
    #[must_use]
    pub const fn version(&self) -> Version {
        self.version
    }

    /// The declared key block length (header bytes 1-4).
    #[must_use]
    pub const fn block_len(&self) -> usize {
        self.block_len
    }

    /// Key usage (bytes 5-6).
    #[must_use]
    pub const fn key_usage(&self) -> KeyUsage {
        self.key_usage
    }

    /// Algorithm of the wrapped key (byte 7).
    #[must_use]
    pub const fn algorithm(&self) -> HeaderAlgorithm {
        self.algorithm
    }

    /// Mode of use (byte 8).
    #[must_use]
    pub const fn mode_of_use(&self) -> ModeOfUse {
        self.mode_of_use
    }

    /// Key version number (bytes 9-10).
    #[must_use]
    pub const fn key_version(&self) -> KeyVersion {
        self.key_version
    }

    /// Exportability (byte 11).
    #[must_use]
    pub const fn exportability(&self) -> Exportability {
        self.exportability
    }

    /// Number of optional blocks (bytes 12-13), padding block included.
    #[must_use]
    pub const fn optional_block_count(&self) -> usize {
        self.optional_count
    }

    /// The optional blocks, in header order.
    #[must_use]
    pub const fn optional_blocks(&self) -> OptionalBlocks<'a> {
        OptionalBlocks {
            header: self.raw,
            pos: HEADER_LEN,
            remaining: self.optional_count,
        }
    }

    /// The data of the first optional block with `id`.
    #[must_use]
    pub fn optional_block(&self, id: OptionalBlockId) -> Option<&'a str> {
        self.optional_blocks().find(|b| b.id == id).map(|b| b.data)
    }

    /// The attributes a key unwrapped from this block carries.
    #[must_use]
    pub const fn key_attributes(&self) -> KeyAttributes {
        KeyAttributes::new(self.key_usage, self.mode_of_use)
            .with_version(self.key_version)
            .with_exportability(self.exportability)
    }
}

pub(super) const fn field(name: &'static str, offset: usize) -> Error {
    Error::Tr31(Tr31Error::InvalidHeaderField {
        field: name,
        offset,
    })
}

const fn is_printable(b: u8) -> bool {
    matches!(b, 0x20..=0x7E)
}

/// `len` decimal digits at `start`.
fn decimal(b: &[u8], start: usize, len: usize) -> Option<usize> {
    let digits = b.get(start..start.checked_add(len)?)?;
    digits.iter().try_fold(0usize, |acc, &d| {
        d.is_ascii_digit().then(|| acc * 10 + usize::from(d - b'0'))
    })
}

/// An upper-case hex digit (X9.143 §6.1: key blocks use `0-9`, `A-F`
/// only, so each block has exactly one encoding).
pub(super) const fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Hex characters at `start..start+len` (len ≤ 8) as a number; a
/// truncated field is an invalid optional block at `block`.
fn hex_number(b: &[u8], start: usize, len: usize, block: usize) -> Result<usize, Error> {
    let digits = b
        .get(start..start + len)
        .ok_or(Tr31Error::InvalidOptionalBlock { offset: block })?;
    let mut acc = 0usize;
    for (i, &c) in digits.iter().enumerate() {
        let v = hex_value(c).ok_or(Tr31Error::InvalidHex {
            field: "optional block length",
            offset: start + i,
        })?;
        acc = (acc << 4) | usize::from(v);
    }
    Ok(acc)
}

/// Hex characters of an extended length field for a length-of-length
/// value (X9.143-2022 §6.3.6; TR-31:2018 §A.5.6).
///
/// Two conventions are published. TR-31:2018 (and psec) count the
/// length of the length in *bytes*, so `01` and `02` are followed by 2 and
/// 4 hex characters (`KS0002010A…`). X9.143-2022 counts *characters*: its
/// own samples (§8.5, §8.6) write `CT0004` + 4 characters, as does
/// openemv/tr31. A key block holds at most 9999 characters, so a length
/// never needs more than 4 hex characters: `01`→2, `02`→4 (byte
/// convention), `03`→3, `04`→4 (character convention), anything else is
/// refused. The mapping is a function of the field alone, so a header has
/// exactly one reading.
const fn extended_length_chars(length_of_length: usize) -> Option<usize> {
    match length_of_length {
        1 => Some(2),
        2 => Some(4),
        3 => Some(3),
        4 => Some(4),
        _ => None,
    }
}

/// Parses the optional block starting at `pos`; returns it and the offset
/// of the next one (X9.143 §6.3.6: lengths count characters and include
/// the ID and length fields; `00` introduces the extended form: a
/// length of length, then the length, see [`extended_length_chars`]).
fn parse_optional_block(input: &str, pos: usize) -> Result<(OptionalBlock<'_>, usize), Error> {
    let b = input.as_bytes();
    let bad = Error::Tr31(Tr31Error::InvalidOptionalBlock { offset: pos });
    let id_bytes = b.get(pos..pos + 2).ok_or(bad)?;
    let id = OptionalBlockId::new([
        id_bytes.first().copied().unwrap_or(0),
        id_bytes.get(1).copied().unwrap_or(0),
    ])
    .map_err(|_| bad)?;
    let short = hex_number(b, pos + 2, 2, pos)?;
    let (length, prefix) = if short == 0 {
        let length_of_length = hex_number(b, pos + 4, 2, pos)?;
        let chars = extended_length_chars(length_of_length).ok_or(bad)?;
        (hex_number(b, pos + 6, chars, pos)?, 6 + chars)
    } else {
        (short, 4)
    };
    if length < prefix {
        return Err(bad);
    }
    let data = input.get(pos + prefix..pos + length).ok_or(bad)?;
    if !data.bytes().all(is_printable) {
        return Err(bad);
    }
    Ok((OptionalBlock { id, data }, pos + length))
}

/// Counts the optional blocks of an encoded optional-block section (what
/// follows the 16-character fixed header), validating each block as
/// [`KeyBlockHeader::parse`] does. Used to build a header around a
/// caller-supplied section (the C ABI's wrap).
///
/// # Errors
/// [`Tr31Error::InvalidOptionalBlock`] / [`Tr31Error::InvalidHex`] (offsets
/// relative to `section`), [`Tr31Error::InvalidHeaderField`] (`number of
/// optional blocks`) above [`MAX_OPTIONAL_BLOCKS`].
pub fn count_optional_blocks(section: &str) -> Result<usize, Error> {
    let mut pos = 0;
    let mut count = 0;
    while pos < section.len() {
        let (_, next) = parse_optional_block(section, pos)?;
        pos = next;
        count += 1;
        if count > MAX_OPTIONAL_BLOCKS {
            return Err(field("number of optional blocks", 12));
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_fields() {
        let h = KeyBlockHeader::parse("B0016P0TE00N0000xxxxxxxx").unwrap();
        assert_eq!(h.version(), Version::B);
        assert_eq!(h.block_len(), 16);
        assert_eq!(h.key_usage(), KeyUsage::PinEncryption);
        assert_eq!(h.algorithm(), HeaderAlgorithm::Tdes);
        assert_eq!(h.mode_of_use(), ModeOfUse::Encrypt);
        assert_eq!(h.key_version(), KeyVersion::NONE);
        assert_eq!(h.exportability(), Exportability::NonExportable);
        assert_eq!(h.len(), 16);
        assert_eq!(h.optional_blocks().count(), 0);
    }

    #[test]
    fn id_debug_text() {
        assert_eq!(format!("{:?}", OptionalBlockId::KS), "OptionalBlockId(KS)");
    }
}
