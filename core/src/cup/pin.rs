//! The 16-byte SM4 PIN block of CUP 国密 terminals.
//!
//! ISO 9564 format 0 widened to 16 bytes (GB/T 21078.4-2023 names SM4 as an
//! approved PIN encipherment algorithm; the block layout follows terminal
//! code, the CUP specification is not public):
//! - PIN field: `0`, the PIN length `L` (one nibble), the `L` PIN digits,
//!   then padding to 32 nibbles: `F` ([`Sm4PinPadding::F`]) or random
//!   nibbles ([`Sm4PinPadding::Random`], Newland `SEC_PIN_SM4_3`);
//! - PAN field, [`PanFill::Fill1`] ("主账号填充方式1", the default): 20 zero
//!   nibbles then the 12 rightmost PAN digits excluding the check digit
//!   (bytes 10-15); [`PanFill::Fill2`]: 4 zero nibbles, the same 12 digits
//!   (bytes 2-7), then 8 zero bytes;
//! - block = PIN field XOR PAN field (or the PIN field alone without a
//!   PAN, Newland `SEC_PIN_SM4_1`), enciphered with SM4 under the PIN key.
//!
//! Decipherment strictly decodes the block; every failure after
//! decipherment is the one opaque [`PinBlockError::Undecodable`], as in
//! [`crate::pin`] (PAN-substitution oracle). With random padding the fill
//! cannot be checked, only the control nibble, length and digits.

use rand_core::CryptoRngCore;
use zeroize::Zeroize;

use crate::card::pan::Pan;
use crate::error::{Error, KeyError, PinBlockError};
use crate::keys::{Algorithm, Key, KeyUsage, Operation};
use crate::pin::Pin;

/// Length of the SM4 PIN block.
pub const SM4_PIN_BLOCK_LEN: usize = 16;

const NIBBLES: usize = 2 * SM4_PIN_BLOCK_LEN;

/// Where the PAN digits sit in the 16-byte PAN field (an acquirer choice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum PanFill {
    /// PAN fill 1: the 12 digits right-aligned (bytes 10-15). The default.
    #[default]
    Fill1,
    /// PAN fill 2: the 12 digits at bytes 2-7, as in ISO format 0, then 8
    /// zero bytes.
    Fill2,
}

/// How the PIN field is padded after the PIN digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Sm4PinPadding {
    /// `F` nibbles (the default).
    #[default]
    F,
    /// Random nibbles (`0`-`F`).
    Random,
}

const PIN_USAGES: [KeyUsage; 1] = [KeyUsage::PinEncryption];

fn check_key(key: &Key, op: Operation) -> Result<(), Error> {
    key.require(&PIN_USAGES, op)?;
    if key.algorithm() != Algorithm::Sm4 {
        return Err(KeyError::WrongAlgorithm.into());
    }
    Ok(())
}

/// XORs the PAN field for `fill` into `block`.
fn xor_pan(block: &mut [u8; SM4_PIN_BLOCK_LEN], pan: &Pan, fill: PanFill) {
    // EXPOSE: the PAN digits enter the PAN field, used only inside the encipherment.
    let digits = pan.ascii();
    let without_check = digits.get(..digits.len().saturating_sub(1)).unwrap_or(&[]);
    let take = without_check.len().min(12);
    let tail = without_check
        .get(without_check.len() - take..)
        .unwrap_or(&[]);
    // Nibble index one past the last PAN digit.
    let end = match fill {
        PanFill::Fill1 => NIBBLES,
        PanFill::Fill2 => 16,
    };
    for (k, c) in tail.iter().enumerate() {
        let nibble = end - take + k;
        let v = c.wrapping_sub(b'0') & 0x0F;
        if let Some(b) = block.get_mut(nibble / 2) {
            *b ^= if nibble % 2 == 0 { v << 4 } else { v };
        }
    }
}

/// Builds the clear block with `fill` nibbles (already checked) after the
/// PIN digits.
fn encode(pin: &Pin, pan: Option<&Pan>, pan_fill: PanFill, fill: &[u8]) -> [u8; 16] {
    let mut nibbles = [0u8; NIBBLES];
    // EXPOSE: the PIN digits enter the clear block, enciphered before return.
    let digits = pin.expose_secret().as_bytes();
    nibbles[1] = u8::try_from(digits.len()).unwrap_or(0);
    for (d, c) in nibbles.iter_mut().skip(2).zip(digits) {
        *d = c.wrapping_sub(b'0');
    }
    for (d, f) in nibbles.iter_mut().skip(2 + digits.len()).zip(fill) {
        *d = *f;
    }
    let mut block = [0u8; SM4_PIN_BLOCK_LEN];
    for (b, pair) in block.iter_mut().zip(nibbles.chunks_exact(2)) {
        if let [hi, lo] = pair {
            *b = (hi << 4) | (lo & 0x0F);
        }
    }
    nibbles.zeroize();
    if let Some(pan) = pan {
        xor_pan(&mut block, pan, pan_fill);
    }
    block
}

fn encipher_block(key: &Key, mut block: [u8; 16]) -> Result<[u8; 16], Error> {
    let cipher = key.cup_cipher(&PIN_USAGES, Operation::Encrypt)?;
    let result = cipher.encrypt_block(&mut block);
    if result.is_err() {
        block.zeroize();
    }
    result.map(|()| block)
}

/// Encodes `pin` in the 16-byte SM4 PIN block and enciphers it under `key`
/// (usage `P0`, SM4, mode permitting encryption). Without `pan` the block
/// is the no-PAN form. Random padding comes from `rng`.
///
/// # Errors
/// [`KeyError::UsageNotPermitted`], [`KeyError::ModeNotPermitted`],
/// [`KeyError::WrongAlgorithm`] for a key that is not SM4.
pub fn encipher_sm4_pin(
    key: &Key,
    pin: &Pin,
    pan: Option<&Pan>,
    pan_fill: PanFill,
    padding: Sm4PinPadding,
    rng: &mut (impl CryptoRngCore + ?Sized),
) -> Result<[u8; SM4_PIN_BLOCK_LEN], Error> {
    check_key(key, Operation::Encrypt)?;
    let mut fill = [0xFu8; NIBBLES];
    if padding == Sm4PinPadding::Random {
        let mut bytes = [0u8; NIBBLES];
        rng.fill_bytes(&mut bytes);
        fill.iter_mut().zip(bytes).for_each(|(f, b)| *f = b & 0x0F);
    }
    encipher_block(key, encode(pin, pan, pan_fill, &fill))
}

/// As [`encipher_sm4_pin`] with the padding given as `30 - L` nibble values
/// (`0`-`15`), to reproduce published vectors.
///
/// # Errors
/// As [`encipher_sm4_pin`]; `InvalidArgument("fill")` for the wrong
/// number of nibbles or a value above 15.
pub fn encipher_sm4_pin_with_fill(
    key: &Key,
    pin: &Pin,
    pan: Option<&Pan>,
    pan_fill: PanFill,
    fill: &[u8],
) -> Result<[u8; SM4_PIN_BLOCK_LEN], Error> {
    check_key(key, Operation::Encrypt)?;
    if fill.len() != NIBBLES - 2 - pin.len() || fill.iter().any(|n| *n > 0xF) {
        return Err(Error::invalid_argument("fill"));
    }
    encipher_block(key, encode(pin, pan, pan_fill, fill))
}

/// Deciphers a 16-byte SM4 PIN block and strictly decodes it: control
/// nibble `0`, PIN length 4-12, decimal digits and (with
/// [`Sm4PinPadding::F`]) `F` padding. `pan` and `pan_fill` must be those of
/// the encipherment (`None` for the no-PAN form).
///
/// # Errors
/// Key errors as [`encipher_sm4_pin`] (mode permitting decryption);
/// [`PinBlockError::InvalidLength`] unless `block` is 16 bytes;
/// [`PinBlockError::Undecodable`] for any decode failure.
pub fn decipher_sm4_pin(
    key: &Key,
    block: &[u8],
    pan: Option<&Pan>,
    pan_fill: PanFill,
    padding: Sm4PinPadding,
) -> Result<Pin, Error> {
    check_key(key, Operation::Decrypt)?;
    let mut clear: [u8; SM4_PIN_BLOCK_LEN] = block
        .try_into()
        .map_err(|_| Error::PinBlock(PinBlockError::InvalidLength))?;
    let result = (|| {
        let cipher = key.cup_cipher(&PIN_USAGES, Operation::Decrypt)?;
        cipher.decrypt_block(&mut clear)?;
        if let Some(pan) = pan {
            xor_pan(&mut clear, pan, pan_fill);
        }
        decode(&clear, padding).ok_or(Error::PinBlock(PinBlockError::Undecodable))
    })();
    clear.zeroize();
    result
}

fn decode(clear: &[u8; 16], padding: Sm4PinPadding) -> Option<Pin> {
    let nibble = |i: usize| {
        clear
            .get(i / 2)
            .map(|b| if i % 2 == 0 { b >> 4 } else { b & 0x0F })
    };
    if nibble(0)? != 0 {
        return None;
    }
    let len = usize::from(nibble(1)?);
    if !(crate::pin::MIN_PIN_LEN..=crate::pin::MAX_PIN_LEN).contains(&len) {
        return None;
    }
    let mut ascii = [0u8; crate::pin::MAX_PIN_LEN];
    let mut ok = true;
    for (i, a) in ascii.iter_mut().take(len).enumerate() {
        let d = nibble(2 + i)?;
        ok &= d <= 9;
        *a = b'0' + (d & 0x0F);
    }
    if padding == Sm4PinPadding::F {
        for i in 2 + len..NIBBLES {
            ok &= nibble(i)? == 0xF;
        }
    }
    let pin = if ok {
        Pin::from_ascii(ascii.get(..len).unwrap_or(&[])).ok()
    } else {
        None
    };
    ascii.zeroize();
    pin
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{KeyAttributes, ModeOfUse};

    fn key(alg: Algorithm, material: &[u8]) -> Key {
        Key::new(
            alg,
            material,
            KeyAttributes::new(KeyUsage::PinEncryption, ModeOfUse::EncryptDecrypt),
        )
        .unwrap()
    }

    // Clear block of the M_Kerry blog example (UNIONPAY note §5.3):
    // PIN 123654, PAN 6230606601007726888, PAN fill 1, F padding.
    #[test]
    fn clear_block_fill1() {
        let pan = Pan::parse("6230606601007726888").unwrap();
        let pin = Pin::new("123654").unwrap();
        let block = encode(&pin, Some(&pan), PanFill::Fill1, &[0xF; 32]);
        assert_eq!(hex::encode_upper(block), "06123654FFFFFFFFFFFF99FEFF88D977");
    }

    #[test]
    fn wrong_algorithm_and_length() {
        let pin = Pin::new("1234").unwrap();
        let tdes = key(Algorithm::Tdes2, &[0x15; 16]);
        let mut rng = rand::rngs::OsRng;
        assert_eq!(
            encipher_sm4_pin(
                &tdes,
                &pin,
                None,
                PanFill::Fill1,
                Sm4PinPadding::F,
                &mut rng
            )
            .unwrap_err(),
            Error::Key(KeyError::WrongAlgorithm)
        );
        let sm4 = key(Algorithm::Sm4, &[0x15; 16]);
        assert_eq!(
            decipher_sm4_pin(&sm4, &[0; 8], None, PanFill::Fill1, Sm4PinPadding::F).unwrap_err(),
            Error::PinBlock(PinBlockError::InvalidLength)
        );
        let block = encipher_sm4_pin(
            &sm4,
            &pin,
            None,
            PanFill::Fill1,
            Sm4PinPadding::Random,
            &mut rng,
        )
        .unwrap();
        let back =
            decipher_sm4_pin(&sm4, &block, None, PanFill::Fill1, Sm4PinPadding::Random).unwrap();
        assert_eq!(back.expose_secret(), "1234");
        assert!(encipher_sm4_pin_with_fill(&sm4, &pin, None, PanFill::Fill1, &[0xF; 25]).is_err());
        assert!(encipher_sm4_pin_with_fill(&sm4, &pin, None, PanFill::Fill1, &[0x10; 26]).is_err());
    }
}
