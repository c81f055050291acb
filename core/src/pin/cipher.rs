//! Encipherment, decipherment and translation of PIN blocks under a PIN
//! encryption key (ISO 9564-1:2017 §9.4; PCI PIN Security Requirements
//! 2-3 and 3-3).
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use core::fmt;

use rand_core::CryptoRngCore;
use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroize;

use super::PinBlockFormat;
use super::block::{ClearPinBlock, Pin, iso4_pan_field};
use crate::card::pan::PinBlockPan;
use crate::error::{Error, KeyError, PinBlockError};
use crate::keys::cipher::BlockOps;
use crate::keys::{Algorithm, Key, KeyUsage, Operation};

/// The only key usage that may encipher or decipher a PIN block.
const USAGES: &[KeyUsage] = &[KeyUsage::PinEncryption];

/// An enciphered PIN block: 8 bytes (TDES, formats 0, 1, 3) or 16 bytes
/// (AES, format 4). Public data; equality is constant-time.
#[derive(Clone, Copy)]
pub struct EncipheredPinBlock {
    bytes: [u8; 16],
    len: usize,
}

impl EncipheredPinBlock {
    /// An enciphered block from its bytes.
    ///
    /// # Errors
    /// [`PinBlockError::InvalidLength`] unless 8 or 16 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() != 8 && bytes.len() != 16 {
            return Err(PinBlockError::InvalidLength.into());
        }
        let mut out = Self {
            bytes: [0; 16],
            len: bytes.len(),
        };
        if let Some(dst) = out.bytes.get_mut(..bytes.len()) {
            dst.copy_from_slice(bytes);
        }
        Ok(out)
    }

    /// The bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }

    /// Length in bytes (8 or 16).
    #[must_use]
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Always false.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl ConstantTimeEq for EncipheredPinBlock {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.as_bytes().ct_eq(other.as_bytes())
    }
}

impl PartialEq for EncipheredPinBlock {
    fn eq(&self, other: &Self) -> bool {
        bool::from(self.ct_eq(other))
    }
}

impl Eq for EncipheredPinBlock {}

impl fmt::Debug for EncipheredPinBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EncipheredPinBlock(")?;
        for b in self.as_bytes() {
            write!(f, "{b:02X}")?;
        }
        f.write_str(")")
    }
}

/// Checks that `algorithm` may encipher `format` (ISO 9564-1:2017 §9.4 and
/// PCI PIN Security Requirement 2-3): TDES (2- or 3-key) for formats 0, 1
/// and 3; AES for format 4 only. Format 2 is never enciphered here: it is
/// for ICC offline PIN only (PCI PIN 3-2), and having neither PAN nor random
/// fill, its encipherment under a fixed key would be a codebook of PINs.
fn check_algorithm(format: PinBlockFormat, algorithm: Algorithm) -> Result<(), Error> {
    match format {
        PinBlockFormat::Iso2 => Err(PinBlockError::FormatNotPermitted.into()),
        PinBlockFormat::Iso4 if algorithm.is_aes() => Ok(()),
        PinBlockFormat::Iso0 | PinBlockFormat::Iso1 | PinBlockFormat::Iso3
            if matches!(algorithm, Algorithm::Tdes2 | Algorithm::Tdes3) =>
        {
            Ok(())
        }
        _ => Err(KeyError::WrongAlgorithm.into()),
    }
}

/// The PAN a format 4 encipherment binds.
fn iso4_pan(
    format: PinBlockFormat,
    pan: Option<&PinBlockPan>,
) -> Result<Option<&PinBlockPan>, Error> {
    match (format, pan) {
        (PinBlockFormat::Iso4, None) => Err(PinBlockError::PanRequired.into()),
        (PinBlockFormat::Iso4, Some(pan)) => Ok(Some(pan)),
        _ => Ok(None),
    }
}

fn xor_in_place(dst: &mut [u8], src: &[u8]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d ^= s;
    }
}

/// Enciphers a clear PIN block under a PIN encryption key.
///
/// Formats 0, 1 and 3: one TDES block encipherment. Format 4
/// (ISO 9564-1:2017 §9.4.2.3): `C = E(K, E(K, PIN field) XOR PAN field)`.
///
/// The key must have usage `P0` and a mode of use permitting encryption;
/// its algorithm must suit the format. A block taken from raw bytes
/// ([`ClearPinBlock::from_bytes`]) is strictly decoded first, so a malformed
/// block is never enciphered (encoded and deciphered blocks are well-formed
/// by construction). `pan` is required for the PAN-bound formats 0, 3 and 4.
///
/// # Errors
/// [`KeyError::UsageNotPermitted`], [`KeyError::ModeNotPermitted`],
/// [`KeyError::WrongAlgorithm`]; [`PinBlockError::FormatNotPermitted`] for
/// format 2; [`PinBlockError::PanRequired`]; the decode errors of
/// [`ClearPinBlock::decode`].
pub fn encipher(
    key: &Key,
    clear: &ClearPinBlock,
    pan: Option<&PinBlockPan>,
) -> Result<EncipheredPinBlock, Error> {
    key.require(USAGES, Operation::Encrypt)?;
    let format = clear.format();
    check_algorithm(format, key.algorithm())?;
    if format.is_pan_bound() && pan.is_none() {
        return Err(PinBlockError::PanRequired.into());
    }
    let iso4_pan = iso4_pan(format, pan)?;
    if !clear.is_checked() {
        drop(clear.decode(pan)?);
    }
    // The schedule of exactly this algorithm, on the stack: no copy of the
    // large all-algorithms enum on this hot path.
    key.with_cipher(USAGES, Operation::Encrypt, |cipher| {
        encipher_with(cipher, clear, iso4_pan)
    })
}

fn encipher_with(
    cipher: &dyn BlockOps,
    clear: &ClearPinBlock,
    iso4_pan: Option<&PinBlockPan>,
) -> Result<EncipheredPinBlock, Error> {
    let mut out = EncipheredPinBlock {
        bytes: [0; 16],
        len: clear.len(),
    };
    let len = out.len;
    let buf = out.bytes.get_mut(..len).unwrap_or(&mut []);
    // EXPOSE: the clear block is copied only to be enciphered in place.
    buf.copy_from_slice(clear.expose_secret());
    cipher.encrypt_block(buf)?;
    if let Some(pan) = iso4_pan {
        let mut field = iso4_pan_field(pan);
        xor_in_place(buf, &field);
        field.zeroize();
        cipher.encrypt_block(buf)?;
    }
    Ok(out)
}

/// Deciphers a PIN block enciphered in `format` and strictly decodes it;
/// only a well-formed clear block is returned.
///
/// Format 4 (ISO 9564-1:2017 §9.4.2.4): `PIN field = D(K, D(K, C) XOR PAN
/// field)`. A wrong key, a wrong PAN or a malformed block all give the one
/// opaque [`PinBlockError::Undecodable`]: see the
/// [module docs](crate::pin) on the decode oracle.
///
/// # Errors
/// Key usage, mode and algorithm errors as for [`encipher`];
/// [`PinBlockError::InvalidLength`] if the block length does not suit the
/// format; [`PinBlockError::PanRequired`]; [`PinBlockError::Undecodable`]
/// if the deciphered block does not decode.
pub fn decipher(
    key: &Key,
    format: PinBlockFormat,
    block: &EncipheredPinBlock,
    pan: Option<&PinBlockPan>,
) -> Result<ClearPinBlock, Error> {
    decipher_checked(key, format, block, pan).map(|(clear, _)| clear)
}

/// Deciphers and strictly decodes: the checked clear block and its PIN.
fn decipher_checked(
    key: &Key,
    format: PinBlockFormat,
    block: &EncipheredPinBlock,
    pan: Option<&PinBlockPan>,
) -> Result<(ClearPinBlock, Pin), Error> {
    key.require(USAGES, Operation::Decrypt)?;
    check_algorithm(format, key.algorithm())?;
    if block.len() != format.block_len() {
        return Err(PinBlockError::InvalidLength.into());
    }
    if format.is_pan_bound() && pan.is_none() {
        return Err(PinBlockError::PanRequired.into());
    }
    let iso4_pan = iso4_pan(format, pan)?;
    // The schedule of exactly this algorithm, as in `encipher`.
    let mut clear = key.with_cipher(USAGES, Operation::Decrypt, |cipher| {
        decipher_with(cipher, format, block, iso4_pan)
    })?;
    // One opaque error for every decode failure after decipherment: the
    // precise error (control, length, digit, fill) would tell a host that
    // chooses the PAN which PIN digits the XOR turned into non-digits
    // (PAN-substitution attack on formats 0 and 3).
    let pin = clear
        .decode(pan)
        .map_err(|_| Error::PinBlock(PinBlockError::Undecodable))?;
    clear.mark_checked();
    Ok((clear, pin))
}

fn decipher_with(
    cipher: &dyn BlockOps,
    format: PinBlockFormat,
    block: &EncipheredPinBlock,
    iso4_pan: Option<&PinBlockPan>,
) -> Result<ClearPinBlock, Error> {
    let mut clear = ClearPinBlock::zeroed(format);
    let buf = clear.buf_mut();
    buf.copy_from_slice(block.as_bytes());
    cipher.decrypt_block(buf)?;
    if let Some(pan) = iso4_pan {
        let mut field = iso4_pan_field(pan);
        xor_in_place(buf, &field);
        field.zeroize();
        cipher.decrypt_block(buf)?;
    }
    Ok(clear)
}

/// Encodes `pin` in `format` with fill from `rng` and enciphers it:
/// [`ClearPinBlock::encode`] then [`encipher`] in one call, the clear block
/// wiped on return.
///
/// # Errors
/// As [`ClearPinBlock::encode`] and [`encipher`].
pub fn encipher_pin(
    key: &Key,
    format: PinBlockFormat,
    pin: &Pin,
    pan: Option<&PinBlockPan>,
    rng: &mut (impl CryptoRngCore + ?Sized),
) -> Result<EncipheredPinBlock, Error> {
    key.require(USAGES, Operation::Encrypt)?;
    check_algorithm(format, key.algorithm())?;
    let clear = ClearPinBlock::encode(format, pin, pan, rng)?;
    encipher(key, &clear, pan)
}

/// Deciphers and decodes a PIN block: [`decipher`] then
/// [`ClearPinBlock::decode`], the clear block wiped on return.
///
/// # Errors
/// As [`decipher`] (a decode failure is [`PinBlockError::Undecodable`]).
pub fn decipher_pin(
    key: &Key,
    format: PinBlockFormat,
    block: &EncipheredPinBlock,
    pan: Option<&PinBlockPan>,
) -> Result<Pin, Error> {
    decipher_checked(key, format, block, pan).map(|(_, pin)| pin)
}

/// Whether a PIN block may be translated from format `from` to format
/// `to`, following PCI PIN Security Requirement 3-3 (and ISO 9564-1:2017
/// §9.3/§9.4):
///
/// | from \ to | 0, 3, 4 | 1 | 2 |
/// |---|---|---|---|
/// | 0, 3, 4 | allowed (same PAN) | **no**: would unbind the PIN from the PAN | **no** |
/// | 1 | allowed | allowed | **no** |
/// | 2 | **no** | **no** | **no** |
///
/// Format 2 is for ICC offline PIN only and is never enciphered here, so it
/// is neither a source nor a target. A change of PAN is impossible: one
/// [`translate`] call takes one PAN.
#[must_use]
pub const fn translation_permitted(from: PinBlockFormat, to: PinBlockFormat) -> bool {
    use PinBlockFormat as F;
    matches!(
        (from, to),
        (
            F::Iso0 | F::Iso1 | F::Iso3 | F::Iso4,
            F::Iso0 | F::Iso3 | F::Iso4
        ) | (F::Iso1, F::Iso1)
    )
}

/// Translates a PIN block: deciphers it under `from_key` in `from_format`,
/// then re-encodes the PIN in `to_format` (fresh fill from `rng`) and
/// enciphers it under `to_key`, in one call. The clear PIN and both clear
/// blocks never leave this function and are wiped on return.
///
/// The translation must be permitted ([`translation_permitted`]; PCI PIN
/// Security Requirement 3-3): `0/1/3/4 -> 0/3/4` and `1 -> 1`. `pan` is the
/// one PAN of the transaction, used on both sides, so the PAN cannot change.
/// `from_key` must permit decryption and `to_key` encryption, both with
/// usage `P0`.
///
/// # Errors
/// [`PinBlockError::ForbiddenTranslation`] before any key is used; then the
/// errors of [`decipher`] (a decode failure of the source block is
/// [`PinBlockError::Undecodable`]), [`ClearPinBlock::encode`] and
/// [`encipher`].
pub fn translate(
    from_key: &Key,
    from_format: PinBlockFormat,
    block: &EncipheredPinBlock,
    to_key: &Key,
    to_format: PinBlockFormat,
    pan: Option<&PinBlockPan>,
    rng: &mut (impl CryptoRngCore + ?Sized),
) -> Result<EncipheredPinBlock, Error> {
    if !translation_permitted(from_format, to_format) {
        return Err(PinBlockError::ForbiddenTranslation.into());
    }
    from_key.require(USAGES, Operation::Decrypt)?;
    to_key.require(USAGES, Operation::Encrypt)?;
    check_algorithm(from_format, from_key.algorithm())?;
    check_algorithm(to_format, to_key.algorithm())?;
    let pin = decipher_pin(from_key, from_format, block, pan)?;
    let clear = ClearPinBlock::encode(to_format, &pin, pan, rng)?;
    drop(pin);
    encipher(to_key, &clear, pan)
}
