//! Key block binding, authentication and encryption (ANSI X9.143-2022 §7,
//! TR-31:2018 §5.3 and Annex A, ISO 20038:2017 §6): unwrap versions A, B,
//! C, D, E (A and C only under the legacy opt-in); wrap B, D and E.

#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use core::fmt;

#[cfg(feature = "alloc")]
use alloc::{string::String, vec::Vec};

use cmac::{Cmac, Mac};
use rand_core::CryptoRngCore;
use subtle::ConstantTimeEq;

use super::header::{
    HEADER_LEN, HeaderAlgorithm, KeyBlockHeader, MAX_BLOCK_LEN, MAX_OPTIONAL_BLOCKS, OptionalBlock,
    OptionalBlockId, Version, field, hex_value,
};
use crate::error::{Error, KeyError, Tr31Error};
#[cfg(feature = "alloc")]
use crate::keys::Exportability;
use crate::keys::cipher::BlockCipher;
use crate::keys::{Algorithm, Key, KeyAttributes, KeyUsage, MAX_KEY_LEN, Operation};
use crate::secret::SecretBytes;

/// Largest decrypted key data field (2-byte length, key, padding) accepted,
/// in bytes. Symmetric keys are at most 32 bytes; the rest leaves room for
/// key-length masking padding.
pub const MAX_KEY_DATA_LEN: usize = 256;

/// KBPK usages accepted: `K1` (TR-31 KBPK) or `K0` (key encryption key).
/// The mode of use must permit the operation: `B`/`D`/`N` to unwrap,
/// `B`/`E`/`N` to wrap.
const KBPK_USAGES: [KeyUsage; 2] = [KeyUsage::KeyBlockProtection, KeyUsage::KeyEncryption];

/// A key unwrapped from a key block, with the header it came in.
pub struct Unwrapped<'a> {
    header: KeyBlockHeader<'a>,
    key: Key,
    padding: SecretBytes<MAX_KEY_DATA_LEN>,
}

impl<'a> Unwrapped<'a> {
    /// The authenticated header.
    #[must_use]
    pub const fn header(&self) -> &KeyBlockHeader<'a> {
        &self.header
    }

    /// The key; its attributes (usage, mode of use, version,
    /// exportability) are the header's.
    #[must_use]
    pub const fn key(&self) -> &Key {
        &self.key
    }

    /// Takes the key.
    #[must_use]
    pub fn into_key(self) -> Key {
        self.key
    }

    /// The random padding that followed the key, for reproducing a block
    /// exactly with [`wrap_with_header`] (tests, fuzzing).
    #[doc(hidden)]
    #[must_use]
    pub fn dangerous_padding(&self) -> &[u8] {
        // EXPOSE: random fill, not key material; used to re-wrap identically.
        self.padding.expose_secret()
    }
}

impl fmt::Debug for Unwrapped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Unwrapped")
            .field("header", &self.header)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

/// Which key block versions an unwrap accepts (the legacy key-block
/// policy; see [`crate::manual`]).
///
/// Versions `A` and `C` bind the key with the variant method and
/// authenticate it with a 4-byte TDES CBC-MAC (TR-31:2018 §5.3.2.2): a
/// forged block with a chosen header is accepted with probability 2^-32 per
/// try, and nothing limits the tries. X9.143-2022 keeps them for import
/// from legacy systems only. The default ([`UnwrapPolicy::STRICT`]) accepts
/// `B` and `D` (key derivation binding, 8- and 16-byte CMAC) and refuses
/// `A`/`C` with [`Tr31Error::LegacyVersionRefused`];
/// [`UnwrapPolicy::ALLOW_LEGACY`] is the explicit opt-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct UnwrapPolicy {
    allow_legacy: bool,
}

impl UnwrapPolicy {
    /// The default: key derivation binding versions only (`B`, `D`).
    pub const STRICT: Self = Self {
        allow_legacy: false,
    };
    /// Also accept the legacy variant-binding versions `A` and `C`.
    pub const ALLOW_LEGACY: Self = Self { allow_legacy: true };

    /// True if this policy accepts key blocks of `version`.
    #[must_use]
    pub const fn allows(self, version: Version) -> bool {
        self.allow_legacy || !version.is_legacy()
    }

    /// True if this policy accepts the legacy versions `A` and `C`.
    #[must_use]
    pub const fn allows_legacy(self) -> bool {
        self.allow_legacy
    }

    /// [`Tr31Error::LegacyVersionRefused`] unless `version` is allowed.
    ///
    /// # Errors
    /// [`Tr31Error::LegacyVersionRefused`].
    pub const fn check(self, version: Version) -> Result<(), Error> {
        if self.allows(version) {
            Ok(())
        } else {
            Err(Error::Tr31(Tr31Error::LegacyVersionRefused))
        }
    }
}

/// Verifies and decrypts a key block under the default
/// [`UnwrapPolicy::STRICT`] (versions `B` and `D`; `A` and `C` are refused
/// with [`Tr31Error::LegacyVersionRefused`]). See [`unwrap_with`].
///
/// # Errors
/// As [`unwrap_with`].
pub fn unwrap<'a>(kbpk: &Key, block: &'a str) -> Result<Unwrapped<'a>, Error> {
    unwrap_with(kbpk, block, UnwrapPolicy::STRICT)
}

/// Verifies and decrypts a key block whose version `policy` allows
/// (`B`, `D`; with [`UnwrapPolicy::ALLOW_LEGACY`] also `A`, `C`).
///
/// The authenticator is checked in constant time before anything decrypted
/// is used; on any failure the decrypted buffer is zeroized.
///
/// The KBPK must have usage `K1` or `K0` with a mode of use permitting
/// decryption (`B`, `D`, `N`); TDES for A, B and C, AES for D and E.
/// Asymmetric keys (algorithm `R`, `E`, `S`) are refused here with
/// [`Tr31Error::UnsupportedAlgorithm`] before any cryptography: use
/// `unwrap_private_key` (with `alloc`).
///
/// # Errors
/// - [`Tr31Error::TooLong`] above [`MAX_BLOCK_LEN`] characters or
///   [`MAX_KEY_DATA_LEN`] bytes of key data;
/// - header errors from [`KeyBlockHeader::parse`];
/// - [`Tr31Error::LegacyVersionRefused`] for `A`/`C` unless the policy
///   allows them (checked before the KBPK is used);
/// - [`Tr31Error::LengthMismatch`] if the length field disagrees with the
///   block or the block cannot hold key data and an authenticator;
/// - [`Tr31Error::HeaderNotAligned`], [`Tr31Error::InvalidHex`];
/// - [`KeyError`] if the KBPK's usage, mode or algorithm is wrong;
/// - [`Error::VerificationFailed`] if the authenticator does not verify;
/// - [`Tr31Error::InvalidKeyLength`], [`Tr31Error::AlgorithmMismatch`],
///   [`Tr31Error::UnsupportedAlgorithm`] for an authentic block whose key
///   paycore cannot represent;
/// - [`Tr31Error::KbpkTooWeak`] for an authentic block carrying a key
///   stronger than the KBPK (X9.24-1 §7.2, enforced on import too).
pub fn unwrap_with<'a>(
    kbpk: &Key,
    block: &'a str,
    policy: UnwrapPolicy,
) -> Result<Unwrapped<'a>, Error> {
    let sealed = Sealed::parse(kbpk, block, policy)?;
    if !matches!(
        sealed.header.algorithm(),
        HeaderAlgorithm::Aes | HeaderAlgorithm::Tdes
    ) {
        // Asymmetric keys (`R`, `E`, `S`) come out of `unwrap_private_key`;
        // single DES and HMAC keys are not held by paycore.
        return Err(Tr31Error::UnsupportedAlgorithm.into());
    }
    if sealed.data_len > MAX_KEY_DATA_LEN {
        return Err(Tr31Error::TooLong.into());
    }
    let header = sealed.header;
    let mut data = SecretBytes::<MAX_KEY_DATA_LEN>::zeroed(sealed.data_len)?;
    sealed.open(kbpk, data.expose_secret_mut())?;
    // EXPOSE: parsing the authenticated key data field into the key.
    let (material, padding) = split_key_data(data.expose_secret(), MAX_KEY_LEN)?;
    let algorithm = header.algorithm().key_algorithm(material.len())?;
    if algorithm.strength_bits() > kbpk.algorithm().strength_bits() {
        // X9.24-1 §7.2 applies on import as on export.
        return Err(Tr31Error::KbpkTooWeak.into());
    }
    let key = Key::from_secret(
        algorithm,
        SecretBytes::from_slice(material)?,
        header.key_attributes(),
    )?;
    Ok(Unwrapped {
        header,
        key,
        padding: SecretBytes::from_slice(padding)?,
    })
}

/// A parsed, not yet verified key block: header, encrypted key data (hex)
/// and authenticator.
pub(super) struct Sealed<'a> {
    pub(super) header: KeyBlockHeader<'a>,
    enc_hex: &'a [u8],
    mac: [u8; 16],
    enc_offset: usize,
    /// Length of the key data field in bytes.
    pub(super) data_len: usize,
}

impl<'a> Sealed<'a> {
    /// Parses `block` and checks the policy and the KBPK, before any
    /// cryptography.
    pub(super) fn parse(kbpk: &Key, block: &'a str, policy: UnwrapPolicy) -> Result<Self, Error> {
        if block.len() > MAX_BLOCK_LEN {
            return Err(Tr31Error::TooLong.into());
        }
        let header = KeyBlockHeader::parse(block)?;
        if header.block_len() != block.len() {
            return Err(Tr31Error::LengthMismatch.into());
        }
        let version = header.version();
        policy.check(version)?;
        check_kbpk(kbpk, version, Operation::Decrypt)?;
        let n = version.cipher_block_len();
        let header_len = header.len();
        if header_len % n != 0 {
            return Err(Tr31Error::HeaderNotAligned { length: header_len }.into());
        }
        let mac_len = version.mac_len();
        let body = block
            .as_bytes()
            .get(header_len..)
            .ok_or(Tr31Error::LengthMismatch)?;
        let enc_chars = body
            .len()
            .checked_sub(2 * mac_len)
            .ok_or(Tr31Error::LengthMismatch)?;
        let (enc_hex, mac_hex) = body
            .split_at_checked(enc_chars)
            .ok_or(Tr31Error::LengthMismatch)?;
        // CBC versions carry whole cipher blocks; E (CTR) whole bytes.
        let unit = if version.pads_to_block() { 2 * n } else { 2 };
        if enc_hex.is_empty() || enc_hex.len() % unit != 0 {
            return Err(Tr31Error::LengthMismatch.into());
        }
        let mut mac = [0u8; 16];
        decode_hex(
            mac_hex,
            mac.get_mut(..mac_len).ok_or(Tr31Error::LengthMismatch)?,
            header_len + enc_chars,
            "authenticator",
        )?;
        Ok(Self {
            header,
            enc_hex,
            mac,
            enc_offset: header_len,
            data_len: enc_hex.len() / 2,
        })
    }

    /// Decodes, authenticates and decrypts the key data into `data`
    /// (exactly `data_len` bytes). The authenticator is compared in
    /// constant time; on failure `data` is zeroized and the error is the
    /// opaque [`Error::VerificationFailed`].
    pub(super) fn open(&self, kbpk: &Key, data: &mut [u8]) -> Result<(), Error> {
        let result = self.open_inner(kbpk, data);
        if result.is_err() {
            data.iter_mut().for_each(|b| *b = 0);
        }
        result
    }

    fn open_inner(&self, kbpk: &Key, data: &mut [u8]) -> Result<(), Error> {
        decode_hex(self.enc_hex, data, self.enc_offset, "key data")?;
        let version = self.header.version();
        let mac_len = version.mac_len();
        let mac = self.mac.get(..mac_len).ok_or(Tr31Error::LengthMismatch)?;
        let header_bytes = self.header.as_str().as_bytes();
        let ok = match version {
            Version::A | Version::C => {
                let (kbek, kbak) = variant_keys(kbpk)?;
                let mut tag = [0u8; 8];
                cbc_mac(&kbak, header_bytes, data, &mut tag)?;
                let ok = tag.get(..mac_len).is_some_and(|t| bool::from(t.ct_eq(mac)));
                if ok {
                    let iv = header_bytes.get(..8).ok_or(Tr31Error::LengthMismatch)?;
                    kbek.decrypt_cbc(iv, data)?;
                }
                ok
            }
            Version::B | Version::D | Version::E => {
                let keys = derive_keys(kbpk, version)?;
                let cipher = BlockCipher::new(kbpk.algorithm(), keys.kbek.expose_secret())?;
                if version == Version::E {
                    aes_ctr(&cipher, mac, data)?;
                } else {
                    cipher.decrypt_cbc(mac, data)?;
                }
                let mut tag = [0u8; 16];
                cmac(
                    kbpk.algorithm(),
                    keys.kbak.expose_secret(),
                    &[header_bytes, data],
                    &mut tag,
                )?;
                tag.get(..mac_len).is_some_and(|t| bool::from(t.ct_eq(mac)))
            }
        };
        if ok {
            Ok(())
        } else {
            Err(Error::VerificationFailed)
        }
    }
}

/// Splits an authenticated key data field (2-byte length in bits, key,
/// padding) into key and padding; the key is at most `max_len` bytes.
///
/// # Errors
/// [`Tr31Error::InvalidKeyLength`].
pub(super) fn split_key_data(clear: &[u8], max_len: usize) -> Result<(&[u8], &[u8]), Error> {
    let (len_field, rest) = clear
        .split_at_checked(2)
        .ok_or(Tr31Error::InvalidKeyLength)?;
    let bits = len_field
        .iter()
        .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
    if bits == 0 || bits % 8 != 0 || bits / 8 > max_len {
        return Err(Tr31Error::InvalidKeyLength.into());
    }
    Ok(rest
        .split_at_checked(bits / 8)
        .ok_or(Tr31Error::InvalidKeyLength)?)
}

/// Length in characters of the block [`wrap`] produces.
///
/// # Errors
/// As [`wrap`] for the version, key length and optional blocks.
pub fn wrapped_len(
    version: Version,
    key: &Key,
    optional_blocks: &[OptionalBlock<'_>],
) -> Result<usize, Error> {
    let n = version.cipher_block_len();
    let (header_len, _, _) = canonical_header_len(optional_blocks, n)?;
    block_len(
        version,
        header_len,
        data_len(key, default_padding_len(version, key)),
    )
}

/// Wraps `key` under `kbpk` in a version B, D or E key block, writing the
/// block's characters to `out` and returning their number.
///
/// The header comes from the key: usage, mode of use, key version and
/// exportability from its attributes, the algorithm from its type.
/// Optional blocks are written sorted by ID (a caller `PB` is dropped and
/// a padding block is added as needed to align the header, X9.143
/// §6.3.6); hex is upper-case; the key is padded with random bytes from
/// `rng` to the cipher block length.
///
/// # Errors
/// - [`Tr31Error::UnsupportedVersion`] for A and C (import only);
/// - [`KeyError`] if the KBPK's usage/mode/algorithm is wrong, or
///   [`KeyError::NotExportable`] if the key's exportability is `N`;
/// - [`Tr31Error::KbpkTooWeak`] if the key is stronger than the KBPK
///   (X9.24-1 §7.2);
/// - [`Tr31Error::InvalidOptionalBlock`] for a duplicate ID,
///   [`Tr31Error::InvalidHeaderField`] for more than 99 blocks,
///   [`Tr31Error::TooLong`] above 9999 characters;
/// - [`crate::error::ApiMisuse::BufferTooSmall`] if `out` is too small.
pub fn wrap(
    kbpk: &Key,
    key: &Key,
    version: Version,
    optional_blocks: &[OptionalBlock<'_>],
    rng: &mut impl CryptoRngCore,
    out: &mut [u8],
) -> Result<usize, Error> {
    wrap_as(
        kbpk,
        key,
        key.attributes(),
        version,
        optional_blocks,
        rng,
        out,
    )
}

/// [`wrap`], but the header carries `header_attributes` instead of the
/// key's own (crate-internal: [`wrap_template`], where the header's
/// exportability restricts the receiver, not the sender). `key` itself
/// must still pass the export checks.
fn wrap_as(
    kbpk: &Key,
    key: &Key,
    header_attributes: KeyAttributes,
    version: Version,
    optional_blocks: &[OptionalBlock<'_>],
    rng: &mut impl CryptoRngCore,
    out: &mut [u8],
) -> Result<usize, Error> {
    let mut padding = [0u8; 16];
    let padding = padding
        .get_mut(..default_padding_len(version, key))
        .ok_or(Error::invalid_argument("padding"))?;
    rng.try_fill_bytes(padding)
        .map_err(|_| Error::RandomFailure)?;
    wrap_with_padding_as(
        kbpk,
        key,
        header_attributes,
        version,
        optional_blocks,
        padding,
        out,
    )
}

/// [`wrap`] with caller-chosen padding bytes, for reproducing published
/// vectors. `2 + key length + padding.len()` must be a multiple of the
/// cipher block length (extra blocks mask the key length).
///
/// # Errors
/// As [`wrap`]; [`crate::error::ApiMisuse::InvalidArgument`] (`padding`)
/// if the padding length does not align the key data.
pub fn wrap_with_padding(
    kbpk: &Key,
    key: &Key,
    version: Version,
    optional_blocks: &[OptionalBlock<'_>],
    padding: &[u8],
    out: &mut [u8],
) -> Result<usize, Error> {
    wrap_with_padding_as(
        kbpk,
        key,
        key.attributes(),
        version,
        optional_blocks,
        padding,
        out,
    )
}

/// [`wrap_with_padding`] writing `attrs` into the header (see [`wrap_as`]).
fn wrap_with_padding_as(
    kbpk: &Key,
    key: &Key,
    attrs: KeyAttributes,
    version: Version,
    optional_blocks: &[OptionalBlock<'_>],
    padding: &[u8],
    out: &mut [u8],
) -> Result<usize, Error> {
    check_wrap(kbpk, key, version)?;
    if data_len(key, padding.len()) > MAX_KEY_DATA_LEN {
        return Err(Error::invalid_argument("padding"));
    }
    write_block(
        kbpk,
        key.material(),
        HeaderAlgorithm::of(key.algorithm()),
        attrs,
        version,
        optional_blocks,
        padding,
        out,
    )
}

/// Writes a whole key block for `material` (checks on the key and KBPK
/// done by the caller): canonical header, then [`seal`].
#[allow(clippy::too_many_arguments)]
pub(super) fn write_block(
    kbpk: &Key,
    material: &[u8],
    algorithm: HeaderAlgorithm,
    attrs: KeyAttributes,
    version: Version,
    optional_blocks: &[OptionalBlock<'_>],
    padding: &[u8],
    out: &mut [u8],
) -> Result<usize, Error> {
    let n = version.cipher_block_len();
    let (header_len, count, pb_len) = canonical_header_len(optional_blocks, n)?;
    let total = block_len(version, header_len, 2 + material.len() + padding.len())?;
    let provided = out.len();
    let out = out
        .get_mut(..total)
        .ok_or(Error::buffer_too_small(total, provided))?;
    let (header_out, body_out) = out
        .split_at_mut_checked(header_len)
        .ok_or(Error::buffer_too_small(total, total))?;
    let mut w = Writer {
        buf: header_out,
        pos: 0,
    };
    w.put(&[version.code()])?;
    w.put_decimal(total, 4)?;
    w.put(&attrs.usage.code())?;
    w.put(&[algorithm.code()])?;
    w.put(&[attrs.mode_of_use.code()])?;
    w.put(&attrs.version.code())?;
    w.put(&[attrs.exportability.code()])?;
    w.put_decimal(count, 2)?;
    w.put(b"00")?;
    let mut last: Option<OptionalBlockId> = None;
    while let Some(block) = next_sorted(optional_blocks, last) {
        w.put_optional_block(block.id(), block.data())?;
        last = Some(block.id());
    }
    if pb_len > 0 {
        w.put_padding_block(pb_len)?;
    }
    seal(kbpk, material, version, padding, header_out, body_out)?;
    Ok(total)
}

/// Wraps `key` (version B, D or E) under an existing header, written
/// verbatim except for the recomputed length digits: re-wrapping an
/// unwrapped block with its header and padding reproduces it exactly.
/// The header's attributes and algorithm must be the key's.
///
/// # Errors
/// As [`wrap_with_padding`]; [`Tr31Error::AlgorithmMismatch`] or
/// [`crate::error::ApiMisuse::InvalidArgument`] (`header`) if the header does
/// not describe `key`; [`Tr31Error::HeaderNotAligned`].
pub fn wrap_with_header(
    kbpk: &Key,
    key: &Key,
    header: &KeyBlockHeader<'_>,
    padding: &[u8],
    out: &mut [u8],
) -> Result<usize, Error> {
    let version = header.version();
    check_wrap(kbpk, key, version)?;
    if header.algorithm().key_algorithm(key.material().len())? != key.algorithm() {
        return Err(Tr31Error::AlgorithmMismatch.into());
    }
    if header.key_attributes() != key.attributes() {
        return Err(Error::invalid_argument("header"));
    }
    let header_len = header.len();
    if header_len % version.cipher_block_len() != 0 {
        return Err(Tr31Error::HeaderNotAligned { length: header_len }.into());
    }
    if data_len(key, padding.len()) > MAX_KEY_DATA_LEN {
        return Err(Error::invalid_argument("padding"));
    }
    let total = block_len(version, header_len, data_len(key, padding.len()))?;
    let provided = out.len();
    let out = out
        .get_mut(..total)
        .ok_or(Error::buffer_too_small(total, provided))?;
    let (header_out, body_out) = out
        .split_at_mut_checked(header_len)
        .ok_or(Error::buffer_too_small(total, total))?;
    header_out.copy_from_slice(header.as_str().as_bytes());
    let mut w = Writer {
        buf: header_out,
        pos: 1,
    };
    w.put_decimal(total, 4)?;
    seal(kbpk, key.material(), version, padding, header_out, body_out)?;
    Ok(total)
}

/// [`wrap`] into a new `String`.
///
/// # Errors
/// As [`wrap`].
#[cfg(feature = "alloc")]
pub fn wrap_to_string(
    kbpk: &Key,
    key: &Key,
    version: Version,
    optional_blocks: &[OptionalBlock<'_>],
    rng: &mut impl CryptoRngCore,
) -> Result<String, Error> {
    let mut out = alloc::vec![0u8; wrapped_len(version, key, optional_blocks)?];
    let n = wrap(kbpk, key, version, optional_blocks, rng, &mut out)?;
    out.truncate(n);
    String::from_utf8(out).map_err(|_| Error::invalid_argument("block"))
}

/// Wraps raw key material under a header template such as
/// `"D0000P0AE00E0000"` (what `paycore tr31 wrap --header` takes): the
/// key's attributes and algorithm come from the template, its length
/// digits are ignored and recomputed, its optional blocks are kept
/// (sorted, padding block recomputed).
///
/// The template's exportability is written into the block as given, `N`
/// included: it restricts what the *receiver* may do with the key. The
/// caller here holds the clear material, so the export itself is not
/// restricted (unlike [`wrap`], which refuses a [`Key`] marked `N`).
///
/// # Errors
/// Header errors from [`KeyBlockHeader::parse`];
/// [`Tr31Error::AlgorithmMismatch`]/[`Tr31Error::UnsupportedAlgorithm`] if
/// the key length does not fit the template's algorithm; as [`wrap`].
#[cfg(feature = "alloc")]
pub fn wrap_template(
    kbpk: &Key,
    key_material: &[u8],
    header: &str,
    rng: &mut impl CryptoRngCore,
) -> Result<String, Error> {
    let template = KeyBlockHeader::parse(header)?;
    let algorithm = template.algorithm().key_algorithm(key_material.len())?;
    let header_attributes = template.key_attributes();
    // The sender's copy is exportable (it is given in the clear); only the
    // block's header carries the template's exportability.
    let sender_attributes = match header_attributes.exportability {
        Exportability::NonExportable => {
            header_attributes.with_exportability(Exportability::Exportable)
        }
        _ => header_attributes,
    };
    let key = Key::new(algorithm, key_material, sender_attributes)?;
    let blocks: Vec<OptionalBlock<'_>> = template
        .optional_blocks()
        .filter(|b| b.id() != OptionalBlockId::PB)
        .collect();
    let version = template.version();
    let mut out = alloc::vec![0u8; wrapped_len(version, &key, &blocks)?];
    let n = wrap_as(
        kbpk,
        &key,
        header_attributes,
        version,
        &blocks,
        rng,
        &mut out,
    )?;
    out.truncate(n);
    String::from_utf8(out).map_err(|_| Error::invalid_argument("block"))
}

// ---------------------------------------------------------------------------

pub(super) fn check_kbpk(kbpk: &Key, version: Version, operation: Operation) -> Result<(), Error> {
    kbpk.require(&KBPK_USAGES, operation)?;
    if !kbpk.algorithm().is_tdes_or_aes() || kbpk.algorithm().is_aes() != version.is_aes() {
        return Err(KeyError::WrongAlgorithm.into());
    }
    Ok(())
}

fn check_wrap(kbpk: &Key, key: &Key, version: Version) -> Result<(), Error> {
    if version.is_legacy() {
        return Err(Tr31Error::UnsupportedVersion.into());
    }
    check_kbpk(kbpk, version, Operation::Encrypt)?;
    // Only TDES and AES keys are unwrapped (header algorithm `T`/`A`):
    // wrapping an HMAC key (`H`, whose hash an `HM` block would name) would
    // make a block this crate then refuses to import.
    if key.algorithm() == Algorithm::HmacSha256 {
        return Err(Tr31Error::UnsupportedAlgorithm.into());
    }
    // Single DES and SM4 have no TR-31 algorithm paycore writes.
    if !key.algorithm().is_tdes_or_aes() {
        return Err(KeyError::WrongAlgorithm.into());
    }
    key.attributes().exportability.ensure_exportable()?;
    if key.algorithm().strength_bits() > kbpk.algorithm().strength_bits() {
        return Err(Tr31Error::KbpkTooWeak.into());
    }
    Ok(())
}

/// Smallest random padding aligning `2 + key` to the cipher block (none
/// for `E`, which encrypts in counter mode).
fn default_padding_len(version: Version, key: &Key) -> usize {
    if !version.pads_to_block() {
        return 0;
    }
    let n = version.cipher_block_len();
    (n - (2 + key.material().len()) % n) % n
}

fn data_len(key: &Key, padding: usize) -> usize {
    2 + key.material().len() + padding
}

pub(super) fn block_len(
    version: Version,
    header_len: usize,
    data_len: usize,
) -> Result<usize, Error> {
    let unit = if version.pads_to_block() {
        version.cipher_block_len()
    } else {
        1
    };
    if data_len % unit != 0 {
        return Err(Error::invalid_argument("padding"));
    }
    let total = header_len + 2 * data_len + 2 * version.mac_len();
    if total > MAX_BLOCK_LEN {
        return Err(Tr31Error::TooLong.into());
    }
    Ok(total)
}

/// Header length, optional block count and padding block length for the
/// canonical header holding `blocks` (without any caller `PB`).
pub(super) fn canonical_header_len(
    blocks: &[OptionalBlock<'_>],
    n: usize,
) -> Result<(usize, usize, usize), Error> {
    let mut len = HEADER_LEN;
    let mut count = 0usize;
    for (i, block) in blocks.iter().enumerate() {
        if block.id() == OptionalBlockId::PB {
            continue;
        }
        if blocks
            .iter()
            .skip(i + 1)
            .any(|other| other.id() == block.id())
        {
            return Err(Tr31Error::InvalidOptionalBlock { offset: i }.into());
        }
        len += block.encoded_len();
        count += 1;
    }
    let mut pb_len = 0;
    if count > 0 && len % n != 0 {
        pb_len = n - len % n;
        if pb_len < 4 {
            pb_len += n;
        }
        count += 1;
    }
    if count > MAX_OPTIONAL_BLOCKS {
        return Err(field("number of optional blocks", 12));
    }
    Ok((len + pb_len, count, pb_len))
}

/// The block with the smallest ID above `after` (selection sort, no alloc).
fn next_sorted<'b, 'a>(
    blocks: &'b [OptionalBlock<'a>],
    after: Option<OptionalBlockId>,
) -> Option<&'b OptionalBlock<'a>> {
    blocks
        .iter()
        .filter(|b| b.id() != OptionalBlockId::PB && after.is_none_or(|a| b.id() > a))
        .min_by_key(|b| b.id())
}

/// Builds key data (2-byte length in bits, key, padding), authenticates
/// and encrypts it (X9.143 §7.3: MAC over header || clear key data; CBC
/// with IV = MAC for B and D, CTR from the MAC for E) and writes
/// hex(ciphertext) || hex(MAC) to `body`. The key data is built in a
/// zeroize-on-drop buffer: inline for symmetric keys, on the heap (with
/// `alloc`) for the longer asymmetric payloads.
fn seal(
    kbpk: &Key,
    material: &[u8],
    version: Version,
    padding: &[u8],
    header: &[u8],
    body: &mut [u8],
) -> Result<(), Error> {
    let len = 2 + material.len() + padding.len();
    if len <= MAX_KEY_DATA_LEN {
        let mut data = SecretBytes::<MAX_KEY_DATA_LEN>::zeroed(len)?;
        seal_in(
            kbpk,
            material,
            version,
            padding,
            header,
            data.expose_secret_mut(),
            body,
        )
    } else {
        seal_large(kbpk, material, version, padding, header, len, body)
    }
}

#[cfg(feature = "alloc")]
fn seal_large(
    kbpk: &Key,
    material: &[u8],
    version: Version,
    padding: &[u8],
    header: &[u8],
    len: usize,
    body: &mut [u8],
) -> Result<(), Error> {
    let mut data = super::asymmetric::SecretVec::zeroed(len);
    seal_in(
        kbpk,
        material,
        version,
        padding,
        header,
        data.as_mut_slice(),
        body,
    )
}

#[cfg(not(feature = "alloc"))]
fn seal_large(
    _: &Key,
    _: &[u8],
    _: Version,
    _: &[u8],
    _: &[u8],
    _: usize,
    _: &mut [u8],
) -> Result<(), Error> {
    Err(Tr31Error::TooLong.into())
}

fn seal_in(
    kbpk: &Key,
    material: &[u8],
    version: Version,
    padding: &[u8],
    header: &[u8],
    buf: &mut [u8],
    body: &mut [u8],
) -> Result<(), Error> {
    let len = buf.len();
    {
        let bits = u16::try_from(material.len() * 8).map_err(|_| Tr31Error::InvalidKeyLength)?;
        let (len_field, rest) = buf
            .split_at_mut_checked(2)
            .ok_or(Tr31Error::InvalidKeyLength)?;
        len_field.copy_from_slice(&bits.to_be_bytes());
        let (key_field, pad_field) = rest
            .split_at_mut_checked(material.len())
            .ok_or(Tr31Error::InvalidKeyLength)?;
        key_field.copy_from_slice(material);
        if pad_field.len() != padding.len() {
            return Err(Error::invalid_argument("padding"));
        }
        pad_field.copy_from_slice(padding);
    }
    let keys = derive_keys(kbpk, version)?;
    let mut tag = [0u8; 16];
    cmac(
        kbpk.algorithm(),
        keys.kbak.expose_secret(),
        &[header, buf],
        &mut tag,
    )?;
    let mac = tag
        .get(..version.mac_len())
        .ok_or(Error::invalid_argument("mac"))?;
    let cipher = BlockCipher::new(kbpk.algorithm(), keys.kbek.expose_secret())?;
    if version == Version::E {
        aes_ctr(&cipher, mac, buf)?;
    } else {
        cipher.encrypt_cbc(mac, buf)?;
    }
    let provided = body.len();
    let (enc_out, mac_out) = body
        .split_at_mut_checked(2 * len)
        .ok_or(Error::buffer_too_small(2 * len, provided))?;
    encode_hex(buf, enc_out);
    encode_hex(mac, mac_out);
    Ok(())
}

/// KBEK and KBAK derived from the KBPK (X9.143 §7.2, TR-31:2018 §5.3.2.1
/// for TDES and §5.3.2.3 for AES, ISO 20038:2017 §6.3 Table 1): CMAC(KBPK,
/// counter || usage || 00 || algorithm || length in bits), counter from 1
/// until the KBPK's length is filled. Usage `0000` is the CBC encryption
/// key (B, D), `0002` the CTR encryption key (E), `0001` the MAC key.
struct DerivedKeys {
    kbek: SecretBytes<MAX_KEY_LEN>,
    kbak: SecretBytes<MAX_KEY_LEN>,
}

fn derive_keys(kbpk: &Key, version: Version) -> Result<DerivedKeys, Error> {
    let algorithm = kbpk.algorithm();
    let (indicator, bits): (u8, u16) = match algorithm {
        Algorithm::Tdes2 => (0, 0x80),
        Algorithm::Tdes3 => (1, 0xC0),
        Algorithm::Aes128 => (2, 0x80),
        Algorithm::Aes192 => (3, 0xC0),
        Algorithm::Aes256 => (4, 0x100),
        Algorithm::HmacSha256 => return Err(KeyError::WrongAlgorithm.into()),
        #[cfg(feature = "sm")]
        Algorithm::Des | Algorithm::Sm4 => return Err(KeyError::WrongAlgorithm.into()),
    };
    let keyed = KeyedCmac::new(algorithm, kbpk.material())?;
    let derive = |usage: u8| -> Result<SecretBytes<MAX_KEY_LEN>, Error> {
        let mut out = SecretBytes::<MAX_KEY_LEN>::zeroed(algorithm.key_len())?;
        let [bits_hi, bits_lo] = bits.to_be_bytes();
        for (counter, chunk) in
            (1u8..).zip(out.expose_secret_mut().chunks_mut(algorithm.block_len()))
        {
            let input = [counter, 0, usage, 0, 0, indicator, bits_hi, bits_lo];
            let mut tag = [0u8; 16];
            keyed.tag(&[&input], &mut tag);
            let n = chunk.len();
            chunk.copy_from_slice(tag.get(..n).ok_or(Error::invalid_argument("kdf"))?);
        }
        Ok(out)
    };
    let encryption = if version == Version::E { 0x02 } else { 0x00 };
    Ok(DerivedKeys {
        kbek: derive(encryption)?,
        kbak: derive(0x01)?,
    })
}

/// Variant binding (TR-31:2018 §5.3.2.2): KBEK = KBPK ⊕ 45…, KBAK = KBPK ⊕ 4D….
fn variant_keys(kbpk: &Key) -> Result<(BlockCipher, BlockCipher), Error> {
    let variant = |v: u8| -> Result<BlockCipher, Error> {
        let mut k = SecretBytes::<MAX_KEY_LEN>::from_slice(kbpk.material())?;
        k.expose_secret_mut().iter_mut().for_each(|b| *b ^= v);
        BlockCipher::new(kbpk.algorithm(), k.expose_secret())
    };
    Ok((variant(0x45)?, variant(0x4D)?))
}

/// AES-CTR (NIST SP 800-38A §6.5) in place: the initial counter block is
/// the 16-byte authenticator, incremented as a 128-bit big-endian number
/// (ISO 20038:2017 §6.4, version E).
fn aes_ctr(cipher: &BlockCipher, initial: &[u8], data: &mut [u8]) -> Result<(), Error> {
    let mut counter = [0u8; 16];
    if initial.len() != counter.len() {
        return Err(Tr31Error::LengthMismatch.into());
    }
    counter.copy_from_slice(initial);
    let mut keystream = zeroize::Zeroizing::new([0u8; 16]);
    for chunk in data.chunks_mut(16) {
        keystream.copy_from_slice(&counter);
        cipher.encrypt_block(keystream.as_mut_slice())?;
        chunk
            .iter_mut()
            .zip(keystream.iter())
            .for_each(|(d, k)| *d ^= k);
        for byte in counter.iter_mut().rev() {
            let (next, carry) = byte.overflowing_add(1);
            *byte = next;
            if !carry {
                break;
            }
        }
    }
    Ok(())
}

/// ISO 9797-1 MAC algorithm 1 (CBC-MAC, no padding: the inputs are whole
/// blocks) over `a || b` with TDES.
fn cbc_mac(cipher: &BlockCipher, a: &[u8], b: &[u8], out: &mut [u8; 8]) -> Result<(), Error> {
    if a.len() % 8 != 0 || b.len() % 8 != 0 {
        return Err(Tr31Error::LengthMismatch.into());
    }
    *out = [0; 8];
    for block in a.chunks_exact(8).chain(b.chunks_exact(8)) {
        out.iter_mut().zip(block).for_each(|(o, i)| *o ^= i);
        cipher.encrypt_block(out)?;
    }
    Ok(())
}

/// A CMAC (NIST SP 800-38B) keyed once; each tag clones the keyed state,
/// so the key schedule and subkeys are computed once per key. The states
/// are zeroized on drop by the `cmac` crate's `zeroize` feature.
#[derive(Clone)]
enum KeyedCmac {
    Tdes2(Cmac<des::TdesEde2>),
    Tdes3(Cmac<des::TdesEde3>),
    Aes128(Cmac<aes::Aes128>),
    Aes192(Cmac<aes::Aes192>),
    Aes256(Cmac<aes::Aes256>),
}

impl KeyedCmac {
    fn new(algorithm: Algorithm, key: &[u8]) -> Result<Self, Error> {
        let bad = |_| Error::Key(KeyError::InvalidLength { length: key.len() });
        Ok(match algorithm {
            Algorithm::Tdes2 => Self::Tdes2(Mac::new_from_slice(key).map_err(bad)?),
            Algorithm::Tdes3 => Self::Tdes3(Mac::new_from_slice(key).map_err(bad)?),
            Algorithm::Aes128 => Self::Aes128(Mac::new_from_slice(key).map_err(bad)?),
            Algorithm::Aes192 => Self::Aes192(Mac::new_from_slice(key).map_err(bad)?),
            Algorithm::Aes256 => Self::Aes256(Mac::new_from_slice(key).map_err(bad)?),
            Algorithm::HmacSha256 => return Err(KeyError::WrongAlgorithm.into()),
            #[cfg(feature = "sm")]
            Algorithm::Des | Algorithm::Sm4 => return Err(KeyError::WrongAlgorithm.into()),
        })
    }

    /// The tag over the concatenation of `parts`, left-aligned in `out`.
    fn tag(&self, parts: &[&[u8]], out: &mut [u8; 16]) {
        fn run<M: Mac + Clone>(mac: &M, parts: &[&[u8]], out: &mut [u8; 16]) {
            let mut mac = mac.clone();
            for part in parts {
                mac.update(part);
            }
            let tag = mac.finalize().into_bytes();
            out.iter_mut().zip(tag.iter()).for_each(|(o, t)| *o = *t);
        }
        match self {
            Self::Tdes2(m) => run(m, parts, out),
            Self::Tdes3(m) => run(m, parts, out),
            Self::Aes128(m) => run(m, parts, out),
            Self::Aes192(m) => run(m, parts, out),
            Self::Aes256(m) => run(m, parts, out),
        }
    }
}

/// CMAC over the concatenation of `parts` with a one-off key.
fn cmac(
    algorithm: Algorithm,
    key: &[u8],
    parts: &[&[u8]],
    out: &mut [u8; 16],
) -> Result<(), Error> {
    KeyedCmac::new(algorithm, key)?.tag(parts, out);
    Ok(())
}

fn decode_hex(
    hex: &[u8],
    out: &mut [u8],
    base: usize,
    field_name: &'static str,
) -> Result<(), Error> {
    if hex.len() != out.len() * 2 {
        return Err(Tr31Error::LengthMismatch.into());
    }
    for (i, (pair, o)) in hex.chunks_exact(2).zip(out.iter_mut()).enumerate() {
        let digit = |j: usize| {
            pair.get(j)
                .copied()
                .and_then(hex_value)
                .ok_or(Tr31Error::InvalidHex {
                    field: field_name,
                    offset: base + 2 * i + j,
                })
        };
        *o = (digit(0)? << 4) | digit(1)?;
    }
    Ok(())
}

fn encode_hex(bytes: &[u8], out: &mut [u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for (b, pair) in bytes.iter().zip(out.chunks_exact_mut(2)) {
        for (slot, nibble) in pair.iter_mut().zip([b >> 4, b & 0x0F]) {
            *slot = HEX.get(usize::from(nibble)).copied().unwrap_or(b'0');
        }
    }
}

struct Writer<'b> {
    buf: &'b mut [u8],
    pos: usize,
}

impl Writer<'_> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let end = self.pos + bytes.len();
        self.buf
            .get_mut(self.pos..end)
            .ok_or(Error::invalid_argument("header"))?
            .copy_from_slice(bytes);
        self.pos = end;
        Ok(())
    }

    fn put_decimal(&mut self, value: usize, digits: u32) -> Result<(), Error> {
        for i in (0..digits).rev() {
            let d = (value / 10usize.pow(i)) % 10;
            self.put(&[b'0' + u8::try_from(d).map_err(|_| Error::invalid_argument("n"))?])?;
        }
        Ok(())
    }

    fn put_hex(&mut self, value: usize, digits: u32) -> Result<(), Error> {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        for i in (0..digits).rev() {
            let d = (value >> (4 * i)) & 0xF;
            self.put(&[HEX.get(d).copied().unwrap_or(b'0')])?;
        }
        Ok(())
    }

    fn put_optional_block(&mut self, id: OptionalBlockId, data: &str) -> Result<(), Error> {
        self.put(&id.code())?;
        if data.len() + 4 <= 0xFF {
            self.put_hex(data.len() + 4, 2)?;
        } else {
            // X9.143-2022 §6.3.6 extended form: `00`, length of length
            // `04` (characters), 4 hex characters.
            self.put(b"0004")?;
            self.put_hex(data.len() + 10, 4)?;
        }
        self.put(data.as_bytes())
    }

    fn put_padding_block(&mut self, len: usize) -> Result<(), Error> {
        self.put(&OptionalBlockId::PB.code())?;
        self.put_hex(len, 2)?;
        for _ in 4..len {
            self.put(b"0")?;
        }
        Ok(())
    }
}
