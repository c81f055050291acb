//! Key derivation for EMV application cryptography: the ICC master key from
//! the issuer master key (EMV 4.4 Book 2 Annex A1.4), the EMV common session
//! key (Book 2 Annex A1.3.1), the Mastercard M/Chip session key (`R` = ATC,
//! `00 00`, unpredictable number) and the Visa secure-messaging session key.
//!
//! Only double-length TDES (2TDEA) keys are derived here: EMV Book 2 Annex
//! A1.3/A1.4 as implemented by the schemes paycore supports (Visa CVN 10,
//! 18, 22; Mastercard CVN 16, 17, 20, 21). AES issuer master keys are
//! refused with [`KeyError::WrongAlgorithm`] rather than guessed at.
//!
//! Every derivation requires a parent key of usage `E0`-`E6` whose mode of
//! use permits [`Operation::Derive`] (`X` or `N`). The derived key keeps the
//! parent's usage, version and exportability (a non-exportable issuer master
//! key only ever yields non-exportable card keys); see the module docs of
//! [`crate::emv`] for the modes of use it gets.

use sha1::{Digest, Sha1};
use zeroize::Zeroizing;

use crate::error::{Error, KeyError, PanError};
use crate::keys::{Algorithm, Key, KeyAttributes, KeyUsage, MAX_KEY_LEN, ModeOfUse, Operation};
use crate::secret::SecretBytes;

/// The TR-31 usages of EMV issuer and card keys, `E0`-`E6` (ANSI X9.143 Table 6).
pub const EMV_KEY_USAGES: [KeyUsage; 7] = [
    KeyUsage::EmvApplicationCryptogram,
    KeyUsage::EmvSecureMessagingConfidentiality,
    KeyUsage::EmvSecureMessagingIntegrity,
    KeyUsage::EmvDataAuthenticationCode,
    KeyUsage::EmvDynamicNumbers,
    KeyUsage::EmvCardPersonalization,
    KeyUsage::EmvOther,
];

/// The ICC master key derivation method (EMV 4.4 Book 2 Annex A1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MasterKeyOption {
    /// Option A (A1.4.1): the rightmost 16 digits of PAN || PSN.
    A,
    /// Option B (A1.4.2): for PANs of more than 16 digits, SHA-1 of
    /// PAN || PSN, decimalised. For a PAN of 16 digits or fewer it is
    /// option A, as A1.4.2 prescribes.
    B,
}

/// Checks a PAN given as ASCII digits (EMV allows up to 19 digits).
fn check_pan(pan: &[u8]) -> Result<(), Error> {
    if let Some(position) = pan.iter().position(|b| !b.is_ascii_digit()) {
        return Err(PanError::NonDigit { position }.into());
    }
    if !(12..=19).contains(&pan.len()) {
        return Err(PanError::InvalidLength { length: pan.len() }.into());
    }
    Ok(())
}

/// The decimal digits (0-9 values) of PAN || PSN: at most 21.
fn pan_psn_digits(pan: &[u8], psn: Option<u8>) -> Result<([u8; 21], usize), Error> {
    check_pan(pan)?;
    let psn = psn.unwrap_or(0);
    if psn > 99 {
        return Err(Error::invalid_argument("psn"));
    }
    let mut digits = [0u8; 21];
    let mut n = 0;
    for (slot, d) in digits
        .iter_mut()
        .zip(pan.iter().map(|b| b - b'0').chain([psn / 10, psn % 10]))
    {
        *slot = d;
        n += 1;
    }
    Ok((digits, n))
}

/// Packs 16 digit/nibble values into 8 bytes.
fn pack16(nibbles: &[u8]) -> [u8; 8] {
    let mut y = [0u8; 8];
    for (byte, pair) in y.iter_mut().zip(nibbles.chunks_exact(2)) {
        if let [hi, lo] = pair {
            *byte = (hi << 4) | (lo & 0x0F);
        }
    }
    y
}

/// Option A `Y`: the rightmost 16 digits of PAN || PSN, left-padded with zeros.
fn y_option_a(digits: &[u8]) -> [u8; 8] {
    let mut nibbles = [0u8; 16];
    let take = digits.len().min(16);
    let src = digits.get(digits.len() - take..).unwrap_or(&[]);
    if let Some(dst) = nibbles.get_mut(16 - take..) {
        dst.copy_from_slice(src);
    }
    pack16(&nibbles)
}

/// Option B `Y` (A1.4.2): SHA-1 over PAN || PSN (BCD, a leading zero nibble
/// for an odd count), then the first 16 decimal nibbles of the hash; if
/// fewer than 16, completed with the hash's nibbles `A`-`F` decimalised
/// (`A`→0 … `F`→5) in order.
fn y_option_b(digits: &[u8]) -> [u8; 8] {
    let mut packed = [0u8; 11];
    let odd = digits.len() % 2;
    let nibble_at = |i: usize| -> u8 {
        if i < odd {
            0
        } else {
            digits.get(i - odd).copied().unwrap_or(0)
        }
    };
    let total = digits.len() + odd;
    for (i, byte) in packed.iter_mut().take(total / 2).enumerate() {
        *byte = (nibble_at(2 * i) << 4) | nibble_at(2 * i + 1);
    }
    let hash = Sha1::digest(packed.get(..total / 2).unwrap_or(&[]));
    let nibbles = hash.iter().flat_map(|b| [b >> 4, b & 0x0F]);
    let mut out = [0u8; 16];
    let mut n = 0;
    for d in nibbles
        .clone()
        .filter(|d| *d < 10)
        .chain(nibbles.filter(|d| *d >= 10).map(|d| d - 10))
    {
        if let Some(slot) = out.get_mut(n) {
            *slot = d;
            n += 1;
        }
    }
    pack16(&out)
}

/// Sets odd parity on every byte (the DES parity bit is the least significant).
fn adjust_parity(key: &mut [u8]) {
    for b in key {
        let v = *b & 0xFE;
        *b = if v.count_ones() % 2 == 0 { v | 1 } else { v };
    }
}

/// Checks a parent key: usage `E0`-`E6`, mode permitting derivation, 2TDEA.
fn check_parent(parent: &Key) -> Result<(), Error> {
    parent.require(&EMV_KEY_USAGES, Operation::Derive)?;
    if parent.algorithm() != Algorithm::Tdes2 {
        return Err(KeyError::WrongAlgorithm.into());
    }
    Ok(())
}

/// `TDES(parent)[left] || TDES(parent)[right]`, parity-adjusted, as a key
/// with `mode` and the parent's usage, version and exportability.
fn derive_pair(
    parent: &Key,
    left: &[u8; 8],
    right: &[u8; 8],
    mode: ModeOfUse,
) -> Result<Key, Error> {
    let cipher = parent.cipher_unchecked()?;
    let mut z = SecretBytes::<MAX_KEY_LEN>::zeroed(16)?;
    {
        let buf = z.expose_secret_mut();
        let (l, r) = buf.split_at_mut(8);
        l.copy_from_slice(left);
        r.copy_from_slice(right);
        cipher.encrypt_ecb(buf)?;
        adjust_parity(buf);
    }
    let parent_attributes = parent.attributes();
    let attributes = KeyAttributes::new(parent.usage(), mode)
        .with_version(parent_attributes.version)
        .with_exportability(parent_attributes.exportability);
    Key::from_secret(Algorithm::Tdes2, z, attributes)
}

/// The mode of use of a session key: encipherment for `E1` (secure
/// messaging for confidentiality), MAC generation and verification for
/// every other EMV usage.
const fn session_mode(usage: KeyUsage) -> ModeOfUse {
    match usage {
        KeyUsage::EmvSecureMessagingConfidentiality => ModeOfUse::EncryptDecrypt,
        _ => ModeOfUse::GenerateVerify,
    }
}

/// Derives the ICC master key `MK` from the issuer master key `imk`, the PAN
/// (ASCII digits) and the PAN sequence number (tag `5F34`, 0-99; `None`
/// when the card has none, which EMV replaces by `00`).
///
/// EMV 4.4 Book 2 Annex A1.4: `Z = TDES(IMK)[Y] || TDES(IMK)[Y ⊕ FF…FF]`
/// with `Y` from [`MasterKeyOption`]; `MK` is `Z` with odd parity. The
/// result has `imk`'s usage, version and exportability and mode of use `N`
/// (it derives session keys and, for Visa CVN 10 and the ARPC of Mastercard
/// CVN 16/17, computes cryptograms directly).
///
/// # Errors
/// [`KeyError::UsageNotPermitted`] unless `imk` is `E0`-`E6`;
/// [`KeyError::ModeNotPermitted`] unless its mode permits derivation;
/// [`KeyError::WrongAlgorithm`] unless it is a 2TDEA key;
/// [`PanError`] for a PAN that is not 12-19 ASCII digits;
/// [`crate::error::ApiMisuse::InvalidArgument`] `psn` above 99.
pub fn derive_icc_master_key(
    imk: &Key,
    pan: &[u8],
    psn: Option<u8>,
    option: MasterKeyOption,
) -> Result<Key, Error> {
    check_parent(imk)?;
    let (digits, n) = pan_psn_digits(pan, psn)?;
    let digits = digits.get(..n).unwrap_or(&[]);
    let y = match option {
        MasterKeyOption::B if pan.len() > 16 => y_option_b(digits),
        _ => y_option_a(digits),
    };
    let y_inv = y.map(|b| !b);
    derive_pair(imk, &y, &y_inv, ModeOfUse::NoRestrictions)
}

/// The EMV common session key (EMV 4.4 Book 2 Annex A1.3.1) of the card
/// master key `mk` for the 8-byte diversification value `r`:
/// `SK = TDES(MK)[R0 R1 F0 R3…R7] || TDES(MK)[R0 R1 0F R3…R7]`, with odd
/// parity.
///
/// `R` is `ATC || 00…00` for application cryptograms (Visa CVN 18/22,
/// Mastercard CVN 20/21; see [`ac_session_key`]), `ATC || 00 00 || UN` for
/// Mastercard M/Chip ([`mastercard_session_key`]) and the ARQC for
/// secure-messaging keys (EMV SU-46).
///
/// The session key has `mk`'s usage, version and exportability; its mode
/// of use is `B` (encrypt/decrypt) for an `E1` key and `C`
/// (generate/verify) otherwise.
///
/// # Errors
/// As [`derive_icc_master_key`] for `mk`;
/// [`crate::error::ApiMisuse::InvalidArgument`] `r` unless it is 8 bytes.
pub fn derive_session_key(mk: &Key, r: &[u8]) -> Result<Key, Error> {
    check_parent(mk)?;
    let r: [u8; 8] = r.try_into().map_err(|_| Error::invalid_argument("r"))?;
    let [r0, r1, _, r3, r4, r5, r6, r7] = r;
    let f1 = Zeroizing::new([r0, r1, 0xF0, r3, r4, r5, r6, r7]);
    let f2 = Zeroizing::new([r0, r1, 0x0F, r3, r4, r5, r6, r7]);
    derive_pair(mk, &f1, &f2, session_mode(mk.usage()))
}

/// The application cryptogram session key with `R = ATC || 00…00` (EMV
/// common session key, Book 2 Annex A1.3.1, as Visa CVN 18/22 and
/// Mastercard CVN 20/21 use it).
///
/// # Errors
/// As [`derive_session_key`].
pub fn ac_session_key(mk: &Key, atc: [u8; 2]) -> Result<Key, Error> {
    let [a0, a1] = atc;
    derive_session_key(mk, &[a0, a1, 0, 0, 0, 0, 0, 0])
}

/// The Mastercard M/Chip session key (SKD): the common session key with
/// `R = ATC || 00 00 || UN` (ATC tag `9F36`, unpredictable number tag `9F37`),
/// as Mastercard CVN 16/17 use it.
///
/// # Errors
/// As [`derive_session_key`].
pub fn mastercard_session_key(mk: &Key, atc: [u8; 2], un: [u8; 4]) -> Result<Key, Error> {
    let [a0, a1] = atc;
    let [u0, u1, u2, u3] = un;
    derive_session_key(mk, &[a0, a1, 0, 0, u0, u1, u2, u3])
}

/// The Visa secure-messaging session key (Visa CVN 10/18):
/// `SK_L = MK_L ⊕ (00…00 || ATC)`, `SK_R = MK_R ⊕ (00…00 || ~ATC)`, with
/// odd parity. The result has `mk`'s attributes as [`derive_session_key`].
///
/// # Errors
/// As [`derive_icc_master_key`] for `mk`.
pub fn visa_secure_messaging_session_key(mk: &Key, atc: [u8; 2]) -> Result<Key, Error> {
    check_parent(mk)?;
    // EXPOSE: crate-internal derivation; the copy is zeroized on drop.
    let mut z = SecretBytes::<MAX_KEY_LEN>::from_slice(mk.material())?;
    {
        let buf = z.expose_secret_mut();
        let [a0, a1] = atc;
        for (b, x) in buf
            .iter_mut()
            .skip(6)
            .zip([a0, a1, 0, 0, 0, 0, 0, 0, !a0, !a1])
        {
            *b ^= x;
        }
        adjust_parity(buf);
    }
    let parent_attributes = mk.attributes();
    let attributes = KeyAttributes::new(mk.usage(), session_mode(mk.usage()))
        .with_version(parent_attributes.version)
        .with_exportability(parent_attributes.exportability);
    Key::from_secret(Algorithm::Tdes2, z, attributes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parity_is_odd() {
        let mut k = [0x00, 0x01, 0xFE, 0xFF, 0x12];
        adjust_parity(&mut k);
        assert!(k.iter().all(|b| b.count_ones() % 2 == 1));
        assert_eq!(k, [0x01, 0x01, 0xFE, 0xFE, 0x13]);
    }

    #[test]
    fn option_a_takes_rightmost_sixteen_digits() {
        let (d, n) = pan_psn_digits(b"12345678901234567", Some(45)).unwrap();
        assert_eq!(
            y_option_a(&d[..n]),
            [0x45, 0x67, 0x89, 0x01, 0x23, 0x45, 0x67, 0x45]
        );
        let (d, n) = pan_psn_digits(b"123456789012", None).unwrap();
        assert_eq!(
            y_option_a(&d[..n]),
            [0x00, 0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x00]
        );
    }

    #[test]
    fn bad_pan_and_psn_are_refused() {
        assert!(pan_psn_digits(b"1234567890x2", None).is_err());
        assert!(pan_psn_digits(b"12345678901", None).is_err());
        assert!(pan_psn_digits(b"12345678901234567890", None).is_err());
        assert!(pan_psn_digits(b"123456789012", Some(100)).is_err());
    }
}
