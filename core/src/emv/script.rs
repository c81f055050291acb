//! Issuer scripts: secure messaging for integrity (the command MAC, EMV 4.4
//! Book 2 §9.2) and for confidentiality (enciphered command data such as a
//! new PIN, Book 2 §9.3 and Annex A1.1).
//!
//! The MAC key has usage `E2` (secure messaging for integrity), the
//! encipherment key `E1` (secure messaging for confidentiality); both are
//! session keys derived from the card's `E2` / `E1` master keys (for
//! example [`crate::emv::derivation::derive_session_key`] with `R` = the
//! ARQC, EMV SU-46, or the Visa method of
//! [`crate::emv::derivation::visa_secure_messaging_session_key`]).

use zeroize::Zeroizing;

use crate::emv::cryptogram::emv_mac;
use crate::error::{Error, KeyError};
use crate::keys::{Algorithm, Key, KeyUsage, Operation};
use crate::mac::{self, Mac, Padding};
use crate::pin::{ClearPinBlock, Fill, Pin, PinBlockFormat};
use crate::secret::SecretBytes;

/// Longest command data [`encipher_command_data`] takes, bytes (a short
/// APDU carries at most 255 bytes, of which the enciphered data, its
/// padding and the MAC are a part).
pub const MAX_COMMAND_DATA_LEN: usize = 232;

/// Largest enciphered output: the data, a length byte and a padding block.
pub const MAX_ENCIPHERED_LEN: usize = MAX_COMMAND_DATA_LEN + 16;

const SMI_USAGE: [KeyUsage; 1] = [KeyUsage::EmvSecureMessagingIntegrity];
const SMC_USAGE: [KeyUsage; 1] = [KeyUsage::EmvSecureMessagingConfidentiality];

/// The MAC of an issuer script command (EMV 4.4 Book 2 §9.2.3): ISO/IEC
/// 9797-1 MAC algorithm 3 with padding method 2 under a 2TDEA key, AES-CMAC
/// under an AES key, over `data` (the command header, and what the scheme
/// adds: for example `CLA INS P1 P2 Lc || ATC || ARQC || command data`),
/// truncated to `len` bytes (4-8, Book 2 §9.2.3).
///
/// # Errors
/// [`KeyError::UsageNotPermitted`] unless `key` is `E2`;
/// [`KeyError::ModeNotPermitted`] unless its mode permits generation;
/// [`KeyError::WrongAlgorithm`] for 3TDEA;
/// [`crate::error::ApiMisuse::InvalidArgument`] `mac length` for `len`
/// outside 4-8.
pub fn script_mac(key: &Key, data: &[u8], len: usize) -> Result<Mac, Error> {
    if len > 8 {
        return Err(Error::invalid_argument("mac length"));
    }
    mac::generate_with_usages(
        key,
        emv_mac(key, Padding::Method2)?,
        &SMI_USAGE,
        &[data],
        len,
    )
}

/// Verifies an issuer script MAC (4-8 bytes) in constant time (the card
/// side of [`script_mac`]).
///
/// # Errors
/// [`Error::VerificationFailed`] on mismatch; as [`script_mac`] with
/// [`Operation::Verify`].
pub fn verify_script_mac(key: &Key, data: &[u8], expected: &[u8]) -> Result<(), Error> {
    if expected.len() > 8 {
        return Err(Error::invalid_argument("mac length"));
    }
    mac::verify_with_usages(
        key,
        emv_mac(key, Padding::Method2)?,
        &SMI_USAGE,
        &[data],
        expected,
    )
}

/// How command data is padded and enciphered (EMV 4.4 Book 2 Annex A1.1,
/// with the scheme variants in use).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ScriptEncipherment {
    /// EMV: padding method 2 (`80 00…`), then TDES in CBC mode with a zero IV.
    Emv,
    /// Mastercard: padding method 2 only when the data is not a whole
    /// number of blocks, then TDES CBC with a zero IV.
    Mastercard,
    /// Visa: a length byte, the data, padding method 2, then TDES in ECB mode.
    Visa,
}

/// Enciphers issuer-script command data under the `E1` session key `key`
/// with `method`, writing the cryptogram into `out`; returns its length.
/// 2TDEA keys only. The padded clear data is zeroized before returning.
///
/// # Errors
/// [`KeyError::UsageNotPermitted`] unless `key` is `E1`;
/// [`KeyError::ModeNotPermitted`] unless its mode permits encryption;
/// [`KeyError::WrongAlgorithm`] unless it is 2TDEA;
/// [`crate::error::ApiMisuse::InvalidArgument`] `command data` when `data`
/// is empty or longer than [`MAX_COMMAND_DATA_LEN`];
/// [`Error::buffer_too_small`] (nothing written) if `out` is too short.
pub fn encipher_command_data(
    key: &Key,
    data: &[u8],
    method: ScriptEncipherment,
    out: &mut [u8],
) -> Result<usize, Error> {
    if data.is_empty() || data.len() > MAX_COMMAND_DATA_LEN {
        return Err(Error::invalid_argument("command data"));
    }
    if key.algorithm() != Algorithm::Tdes2 {
        return Err(KeyError::WrongAlgorithm.into());
    }
    let cipher = key.cipher(&SMC_USAGE, Operation::Encrypt)?;
    let mut buf = Zeroizing::new([0u8; MAX_ENCIPHERED_LEN]);
    let prefix = usize::from(method == ScriptEncipherment::Visa);
    let body_len = prefix + data.len();
    if method == ScriptEncipherment::Visa {
        // `data.len()` <= MAX_COMMAND_DATA_LEN < 256, checked above.
        if let Some(first) = buf.first_mut() {
            *first =
                u8::try_from(data.len()).map_err(|_| Error::invalid_argument("command data"))?;
        }
    }
    buf.get_mut(prefix..body_len)
        .ok_or(Error::invalid_argument("command data"))?
        .copy_from_slice(data);
    let pad = !(method == ScriptEncipherment::Mastercard && body_len % 8 == 0);
    let total = if pad {
        if let Some(b) = buf.get_mut(body_len) {
            *b = 0x80;
        }
        (body_len / 8 + 1) * 8
    } else {
        body_len
    };
    let provided = out.len();
    let dst = out
        .get_mut(..total)
        .ok_or(Error::buffer_too_small(total, provided))?;
    let clear = buf
        .get_mut(..total)
        .ok_or(Error::invalid_argument("command data"))?;
    match method {
        ScriptEncipherment::Visa => cipher.encrypt_ecb(clear)?,
        _ => cipher.encrypt_cbc(&[0u8; 8], clear)?,
    }
    dst.copy_from_slice(clear);
    Ok(total)
}

/// The PIN-change command data (EMV 4.4 Book 2 §9.3; the PIN CHANGE/UNBLOCK
/// command): `new_pin` as an ISO 9564-1 format 2 PIN block, enciphered
/// with [`encipher_command_data`].
///
/// # Errors
/// As [`encipher_command_data`].
pub fn encipher_pin_change(
    key: &Key,
    new_pin: &Pin,
    method: ScriptEncipherment,
    out: &mut [u8],
) -> Result<usize, Error> {
    let block = ClearPinBlock::encode_with_fill(PinBlockFormat::Iso2, new_pin, None, &Fill::NONE)?;
    // EXPOSE: the clear PIN block is enciphered at once under the E1 key.
    encipher_command_data(key, block.expose_secret(), method, out)
}

/// The Visa PIN-change command data (VIS PIN block, as Visa CVN 10/18/22
/// issuer scripts carry it), enciphered with [`ScriptEncipherment::Visa`]
/// under the `E1` session key `key`:
///
/// - `A = 00 00 00 00 || MK_AC[4..8]` (bytes 5-8 of the card's `E0` ICC
///   master key `icc_mk_ac`);
/// - `B = L || new PIN digits || F…F` (8 bytes, `L` the PIN length);
/// - block `= A ⊕ B`, and with `current_pin` also `⊕` its digits
///   left-justified and zero-filled (PIN change with the current PIN).
///
/// # Errors
/// [`KeyError::UsageNotPermitted`] unless `icc_mk_ac` is `E0` (its mode
/// must permit derivation) and `key` is `E1`; otherwise as
/// [`encipher_command_data`].
pub fn encipher_vis_pin_change(
    key: &Key,
    icc_mk_ac: &Key,
    new_pin: &Pin,
    current_pin: Option<&Pin>,
    out: &mut [u8],
) -> Result<usize, Error> {
    icc_mk_ac.require(&[KeyUsage::EmvApplicationCryptogram], Operation::Derive)?;
    if icc_mk_ac.algorithm() != Algorithm::Tdes2 {
        return Err(KeyError::WrongAlgorithm.into());
    }
    let mut block = SecretBytes::<8>::zeroed(8)?;
    {
        let b = block.expose_secret_mut();
        // B: length, PIN digits, F fill.
        let mut nibbles = Zeroizing::new([0x0Fu8; 14]);
        // EXPOSE: the new PIN is packed into the block enciphered below.
        for (n, d) in nibbles.iter_mut().zip(new_pin.expose_secret().bytes()) {
            *n = d.wrapping_sub(b'0') & 0x0F;
        }
        let len = u8::try_from(new_pin.len()).map_err(|_| Error::invalid_argument("pin"))?;
        for (i, byte) in b.iter_mut().enumerate() {
            *byte = if i == 0 {
                len
            } else {
                let hi = nibbles.get(2 * i - 2).copied().unwrap_or(0x0F);
                let lo = nibbles.get(2 * i - 1).copied().unwrap_or(0x0F);
                (hi << 4) | lo
            };
        }
        // A: bytes 5-8 of the ICC master key for AC, right-justified.
        for (byte, k) in b
            .iter_mut()
            .skip(4)
            .zip(icc_mk_ac.material().iter().skip(4))
        {
            *byte ^= k;
        }
        if let Some(current) = current_pin {
            let mut cur = Zeroizing::new([0u8; 16]);
            // EXPOSE: the current PIN is folded into the same block.
            for (n, d) in cur.iter_mut().zip(current.expose_secret().bytes()) {
                *n = d.wrapping_sub(b'0') & 0x0F;
            }
            for (i, byte) in b.iter_mut().enumerate() {
                let hi = cur.get(2 * i).copied().unwrap_or(0);
                let lo = cur.get(2 * i + 1).copied().unwrap_or(0);
                *byte ^= (hi << 4) | lo;
            }
        }
    }
    // EXPOSE: the clear VIS PIN block is enciphered at once under the E1 key.
    encipher_command_data(key, block.expose_secret(), ScriptEncipherment::Visa, out)
}
