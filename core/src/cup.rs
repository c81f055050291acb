//! China UnionPay (CUP) terminal cryptography: the master/session key
//! scheme of the CUP POS 8583 protocol, in its DES/TDES form and its 国密
//! (SM4) form. Feature `sm`.
//!
//! The CUP terminal specifications (Q/CUP POS, UPTS 2.0/3.0) are not
//! public. Everything here follows what production terminal and acquirer
//! code does, reproduced against the public vectors in
//! `tests/vectors/sm.json` (sources beside each vector).
//!
//! | function | what | keys |
//! |---|---|---|
//! | [`wrap_working_key`] | host side: a working key enciphered in ECB under the TMK | TMK `K0` |
//! | [`unwrap_working_key`] | one working key in ECB under the TMK, refused unless its check value matches | TMK `K0` (TDES or SM4) |
//! | [`Field62`], [`install`] | sign-on (0800/0810) field 62 layouts `001`, `003`, `004`, `005`, `006`; all keys or none | TMK `K0` |
//! | [`encipher_sm4_pin`], [`decipher_sm4_pin`] | the 16-byte SM4 PIN block | `P0`, SM4 |
//! | [`pos_ecb_mac`] | the CUP "POS ECB" MAC (field 64) | `M0`/`M1`: DES, TDES or SM4 |
//! | [`cbc_mac`] | ANSI X9.9 / ISO 9797-1 alg. 1 CBC-MAC, SM4 CBC-MAC (zero IV, zero padding) | `M0`/`M1` |
//! | [`xor_encrypt_mac`] | the "9606" MAC: XOR of all blocks, enciphered once | `M0`/`M1` |
//! | [`x919_mac`] | ANSI X9.19 (ISO 9797-1 alg. 3), zero padding | `M3`, 2-key TDES |
//! | [`encrypt_track`], [`decrypt_track`] | TDK track-data encryption with the CUP block-selection rule | `D0`: TDES or SM4 |
//!
//! Single DES ([`Algorithm::Des`]) and SM4 ([`Algorithm::Sm4`]) keys are
//! used by this module and by check values only; the ISO 9564, ISO 9797,
//! TR-31, DUKPT and master/session paths refuse them.
//!
//! # Acquirer-specific choices
//! Each is an explicit parameter; the default is what most of the public
//! terminal code does (UNIONPAY design note §9):
//! - check value length: 4 bytes (`check_value.len()`; 8 accepted for SM4);
//! - sign-on layout: [`SignOnLayout`] (`006` for 国密 with a TDK; `005`
//!   exists in terminal code only, its length is inferred);
//! - SM4 PIN block PAN fill: [`PanFill::Fill1`] (default) or
//!   [`PanFill::Fill2`]; padding [`Sm4PinPadding::F`] (default) or random;
//!   where the 16-byte block travels (field 59, 62 or 63) is the caller's;
//! - POS ECB MAC output: [`MacOutput::Ascii`] (default) or
//!   [`MacOutput::Bytes`];
//! - field 53.2 for SM: [`field53`]'s `algorithm_flag` (`3` as in PAX
//!   terminal code, [`FIELD53_SM_PAX`]; `4` for the bestpay host,
//!   [`FIELD53_SM_BESTPAY`]).
//!
//! # Example
//! ```
//! use paycore::cup::{self, CupRole, Field62, MacOutput, PanFill, SignOnLayout, Sm4PinPadding};
//! use paycore::card::pan::Pan;
//! use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
//! use paycore::pin::Pin;
//!
//! # fn hex(s: &str) -> Vec<u8> { (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect() }
//! // The SM4 TMK and a 006 sign-on response (tests/vectors/sm.json, f62-006).
//! let tmk = Key::new(
//!     Algorithm::Sm4,
//!     &[0x11; 16],
//!     KeyAttributes::new(KeyUsage::KeyEncryption, ModeOfUse::Decrypt),
//! )?;
//! let f62 = hex(concat!(
//!     "0A8DF7D17CBF0CBA6684F43766E64B47730E17FB", // PIK 15x16 || CV
//!     "E97748E56A3D1F883832852C305242E86642C0C2", // MAK 17x16 || CV
//!     "02359058E7187F6356A6839B263656CFEBA30574", // TDK 19x16 || CV
//! ));
//! let keys = cup::install(&tmk, &Field62::parse(SignOnLayout::Sm4006, 4, &f62)?, CupRole::Terminal)?;
//! let pan = Pan::parse("6225885916163157")?;
//! let block = cup::encipher_sm4_pin(
//!     &keys.pik, &Pin::new("1234")?, Some(&pan), PanFill::Fill1, Sm4PinPadding::F,
//!     &mut rand::rngs::OsRng,
//! )?;
//! assert_eq!(block.len(), 16);
//! let mac = cup::pos_ecb_mac(&keys.mak, b"0200...MAB...", MacOutput::Ascii)?;
//! assert!(mac.as_bytes().iter().all(u8::is_ascii_hexdigit));
//! // One wrong check value and nothing is installed.
//! let mut bad = f62.clone();
//! bad[17] ^= 1;
//! assert!(cup::install(&tmk, &Field62::parse(SignOnLayout::Sm4006, 4, &bad)?, CupRole::Terminal).is_err());
//! # Ok::<(), paycore::Error>(())
//! ```

mod field53;
mod field62;
mod mac;
mod pin;
mod track;

pub use field53::{
    FIELD53_DOUBLE, FIELD53_SINGLE, FIELD53_SM_BESTPAY, FIELD53_SM_PAX, field53, parse_sm016, sm016,
};
pub use field62::{CupRole, CupWorkingKeys, Field62, Field62Key, SignOnLayout, install};
pub use mac::{
    MacOutput, cbc_mac, cbc_mac_verify, pos_ecb_mac, pos_ecb_mac_verify, x919_mac, xor_encrypt_mac,
    xor_encrypt_mac_verify,
};
pub use pin::{
    PanFill, SM4_PIN_BLOCK_LEN, Sm4PinPadding, decipher_sm4_pin, encipher_sm4_pin,
    encipher_sm4_pin_with_fill,
};
pub use track::{decrypt_track, encrypt_track};

use subtle::ConstantTimeEq;

use crate::error::{Error, KeyError, Tr31Error};
use crate::keys::kcv::{Kcv, KcvMethod};
use crate::keys::{Algorithm, Exportability, Key, KeyAttributes, KeyUsage, MAX_KEY_LEN, Operation};
use crate::secret::SecretBytes;

/// Deciphers one working key delivered in ECB mode under the TMK and
/// accepts it only if `check_value` (the leftmost 4 bytes, or 8 for SM4, of
/// the key's cipher over a zero block: [`KcvMethod::Cup`]) matches.
///
/// - The TMK must have usage `K0` and a mode of use permitting decryption.
/// - SM4 working keys need an SM4 TMK; single DES and TDES working keys a
///   TDES TMK (2- or 3-key); a working key may not be stronger than the TMK.
/// - A TDES working key with equal 8-byte parts (ignoring parity) is
///   refused: under ECB its halves can be spliced from other cryptograms.
/// - The key's exportability is capped at the TMK's.
///
/// Like every ECB delivery this does not bind the usage to the key (see
/// [`crate::keys::mksk`]); the caller chooses `attributes`.
///
/// # Errors
/// [`KeyError::UsageNotPermitted`] / [`KeyError::ModeNotPermitted`] for the
/// TMK or for a usage `algorithm` cannot carry;
/// [`KeyError::WrongAlgorithm`] for a TMK/working-key pair not listed above;
/// [`KeyError::InvalidLength`] for a cryptogram that is not one key long;
/// [`KeyError::InvalidKcvLength`] for a check value of other than 3 to 4
/// bytes (3 to 8 for SM4); [`Tr31Error::KbpkTooWeak`];
/// [`Tr31Error::WeakKey`]; [`Error::VerificationFailed`] if the check
/// value does not match.
pub fn unwrap_working_key(
    tmk: &Key,
    algorithm: Algorithm,
    cryptogram: &[u8],
    check_value: &[u8],
    attributes: KeyAttributes,
) -> Result<Key, Error> {
    let key = decipher_key(tmk, algorithm, cryptogram, attributes)?;
    Kcv::verify(&key, KcvMethod::Cup, check_value)?;
    Ok(key)
}

/// Enciphers `key` in ECB under `tmk` for delivery (the acquirer host's
/// side of [`unwrap_working_key`] and of building [`Field62`]): writes the
/// cryptogram (the key's length) into `out` and returns its length. Pair,
/// strength and weak-key rules as for [`unwrap_working_key`]; the key must
/// be exportable. The check value to send with it is
/// [`Kcv::compute`] with [`KcvMethod::Cup`].
///
/// # Errors
/// [`KeyError::UsageNotPermitted`] / [`KeyError::ModeNotPermitted`] unless
/// the TMK has usage `K0` permitting encryption; [`KeyError::NotExportable`];
/// [`KeyError::WrongAlgorithm`]; [`Tr31Error::KbpkTooWeak`];
/// [`Tr31Error::WeakKey`]; `BufferTooSmall`.
pub fn wrap_working_key(tmk: &Key, key: &Key, out: &mut [u8]) -> Result<usize, Error> {
    tmk.require(&[KeyUsage::KeyEncryption], Operation::Encrypt)?;
    let algorithm = key.algorithm();
    if !pair_ok(tmk.algorithm(), algorithm) {
        return Err(KeyError::WrongAlgorithm.into());
    }
    key.attributes().exportability.ensure_exportable()?;
    if algorithm.strength_bits() > tmk.algorithm().strength_bits() {
        return Err(Tr31Error::KbpkTooWeak.into());
    }
    let n = algorithm.key_len();
    let mut clear = SecretBytes::<MAX_KEY_LEN>::from_slice(key.material())?;
    if matches!(algorithm, Algorithm::Tdes2 | Algorithm::Tdes3) && repeated_parts(&clear) {
        return Err(Tr31Error::WeakKey.into());
    }
    let provided = out.len();
    let dst =
        out.get_mut(..n)
            .ok_or(Error::ApiMisuse(crate::error::ApiMisuse::BufferTooSmall {
                required: n,
                provided,
            }))?;
    let cipher = tmk.cup_cipher(&[KeyUsage::KeyEncryption], Operation::Encrypt)?;
    cipher.encrypt_ecb(clear.expose_secret_mut())?;
    dst.copy_from_slice(clear.expose_secret());
    Ok(n)
}

/// Whether a working key of `algorithm` may travel under a TMK of `tmk`:
/// SM4 under SM4, single DES and TDES under TDES.
fn pair_ok(tmk: Algorithm, algorithm: Algorithm) -> bool {
    let tdes_tmk = matches!(tmk, Algorithm::Tdes2 | Algorithm::Tdes3);
    match algorithm {
        Algorithm::Des | Algorithm::Tdes2 | Algorithm::Tdes3 => tdes_tmk,
        Algorithm::Sm4 => tmk == Algorithm::Sm4,
        _ => false,
    }
}

/// Deciphers one ECB cryptogram under the TMK after the algorithm, length,
/// strength and usage checks; no check value yet.
fn decipher_key(
    tmk: &Key,
    algorithm: Algorithm,
    cryptogram: &[u8],
    attributes: KeyAttributes,
) -> Result<Key, Error> {
    tmk.require(&[KeyUsage::KeyEncryption], Operation::Decrypt)?;
    if !pair_ok(tmk.algorithm(), algorithm) {
        return Err(KeyError::WrongAlgorithm.into());
    }
    if !algorithm.permits_usage(attributes.usage) {
        return Err(KeyError::UsageNotPermitted.into());
    }
    if cryptogram.len() != algorithm.key_len() {
        return Err(KeyError::InvalidLength {
            length: cryptogram.len(),
        }
        .into());
    }
    if algorithm.strength_bits() > tmk.algorithm().strength_bits() {
        return Err(Tr31Error::KbpkTooWeak.into());
    }
    let cipher = tmk.cup_cipher(&[KeyUsage::KeyEncryption], Operation::Decrypt)?;
    let mut clear = SecretBytes::<MAX_KEY_LEN>::from_slice(cryptogram)?;
    cipher.decrypt_ecb(clear.expose_secret_mut())?;
    if matches!(algorithm, Algorithm::Tdes2 | Algorithm::Tdes3) && repeated_parts(&clear) {
        return Err(Tr31Error::WeakKey.into());
    }
    let cap = tmk.attributes().exportability;
    let exportability = if export_rank(attributes.exportability) <= export_rank(cap) {
        attributes.exportability
    } else {
        cap
    };
    Key::from_secret(
        algorithm,
        clear,
        attributes.with_exportability(exportability),
    )
}

/// Whether two 8-byte parts of a TDES key are equal, parity bits ignored
/// (constant time).
fn repeated_parts(material: &SecretBytes<MAX_KEY_LEN>) -> bool {
    let parts = material.expose_secret();
    let mut clash = subtle::Choice::from(0);
    for (i, a) in parts.chunks_exact(8).enumerate() {
        for b in parts.chunks_exact(8).skip(i + 1) {
            let mut eq = subtle::Choice::from(1);
            for (x, y) in a.iter().zip(b) {
                eq &= (x & 0xFE).ct_eq(&(y & 0xFE));
            }
            clash |= eq;
        }
    }
    bool::from(clash)
}

/// Rank for "not more exportable than": `N` < `S` < `E`.
const fn export_rank(e: Exportability) -> u8 {
    match e {
        Exportability::NonExportable => 0,
        Exportability::Sensitive => 1,
        Exportability::Exportable => 2,
    }
}

/// Zero-pads `data` block by block (ISO 9797-1 padding method 1; the empty
/// message is one zero block) and calls `f` on each block.
fn for_each_padded_block(
    data: &[u8],
    n: usize,
    mut f: impl FnMut(&[u8]) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut chunks = data.chunks(n);
    let mut block = [0u8; 16];
    let mut any = false;
    for chunk in chunks.by_ref() {
        any = true;
        let b = block.get_mut(..n).ok_or(Error::invalid_argument("block"))?;
        b.fill(0);
        b.get_mut(..chunk.len())
            .ok_or(Error::invalid_argument("block"))?
            .copy_from_slice(chunk);
        f(b)?;
    }
    if !any {
        f(block.get(..n).ok_or(Error::invalid_argument("block"))?)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::ModeOfUse;

    fn tmk(alg: Algorithm, material: &[u8]) -> Key {
        Key::new(
            alg,
            material,
            KeyAttributes::new(KeyUsage::KeyEncryption, ModeOfUse::Decrypt),
        )
        .unwrap()
    }

    #[test]
    fn pairs_lengths_and_weak_keys() {
        let attrs = KeyAttributes::new(KeyUsage::PinEncryption, ModeOfUse::Encrypt);
        let sm4 = tmk(Algorithm::Sm4, &[0x11; 16]);
        let tdes = tmk(Algorithm::Tdes2, &[0x11; 16]);
        // SM4 under TDES and TDES under SM4 are refused.
        assert_eq!(
            decipher_key(&tdes, Algorithm::Sm4, &[0; 16], attrs).unwrap_err(),
            Error::Key(KeyError::WrongAlgorithm)
        );
        assert_eq!(
            decipher_key(&sm4, Algorithm::Tdes2, &[0; 16], attrs).unwrap_err(),
            Error::Key(KeyError::WrongAlgorithm)
        );
        // An SM4 cryptogram of the wrong length.
        assert_eq!(
            decipher_key(&sm4, Algorithm::Sm4, &[0; 8], attrs).unwrap_err(),
            Error::Key(KeyError::InvalidLength { length: 8 })
        );
        // A TDES key whose halves decipher equal (same cryptogram twice).
        assert_eq!(
            decipher_key(&tdes, Algorithm::Tdes2, &[0x42; 16], attrs).unwrap_err(),
            Error::Tr31(Tr31Error::WeakKey)
        );
        // A single DES key cannot carry a TR-31 key-block usage.
        let kbpk = KeyAttributes::new(KeyUsage::KeyBlockProtection, ModeOfUse::Decrypt);
        assert_eq!(
            decipher_key(&tdes, Algorithm::Des, &[0; 8], kbpk).unwrap_err(),
            Error::Key(KeyError::UsageNotPermitted)
        );
    }
}
