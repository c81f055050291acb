//! Sign-on (0800/0810) field 62: the working keys under the TMK.
//!
//! | 60.3 | layout | length (4-byte CV) |
//! |---|---|---|
//! | `001` | PIK(8) ‖ CV(4) ‖ MAK(8) ‖ CV(4), single DES | 24 |
//! | `003` | PIK(16) ‖ CV(4) ‖ MAK(8) ‖ 00×8 ‖ CV(4), TDES PIK, DES MAK | 40 |
//! | `004` | `003` ‖ TDK(16) ‖ CV(4) | 60 |
//! | `005` | PIK(16) ‖ CV ‖ MAK(16) ‖ CV, SM4 | 40 (inferred) |
//! | `006` | `005` ‖ TDK(16) ‖ CV, SM4 | 60 |
//!
//! Sources: chfenix/iso8583 `SignResponse.java` and alon0808/ProjectAfcApp
//! `qpboc_8583.c` (001/003/004); PAX `TransOnline.posLogon` and bestpay
//! `M_SignInChecker` (005/006). In `003`/`004` the MAK is single-length
//! ("前8个字节是密文，再8个字节是二进制零"): its 8 trailing bytes must be
//! zero and it is installed as a single-DES key, its check value computed
//! with single DES. Each key is enciphered in ECB under the TMK; the check
//! value is the leftmost bytes of the key's cipher over a zero block
//! ([`KcvMethod::Cup`](crate::keys::kcv::KcvMethod::Cup)): 4 bytes, or 8
//! for SM4 layouts when the acquirer sends 8 (a parameter).

use super::decipher_key;
use crate::error::{CupError, Error};
use crate::keys::kcv::{Kcv, KcvMethod};
use crate::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};

/// The field 62 layout, named by the sign-on's field 60.3 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignOnLayout {
    /// `001`: single-length DES PIK and MAK.
    Des001,
    /// `003`: double-length TDES PIK, single-length MAK.
    Tdes003,
    /// `004`: `003` plus a double-length TDES TDK.
    Tdes004,
    /// `005`: 国密 SM4 PIK and MAK.
    Sm4005,
    /// `006`: 国密 SM4 PIK, MAK and TDK.
    Sm4006,
}

impl SignOnLayout {
    /// The field 60.3 network-management code (1, 3, 4, 5 or 6).
    #[must_use]
    pub const fn code(self) -> u16 {
        match self {
            Self::Des001 => 1,
            Self::Tdes003 => 3,
            Self::Tdes004 => 4,
            Self::Sm4005 => 5,
            Self::Sm4006 => 6,
        }
    }

    /// The layout for a field 60.3 code.
    ///
    /// # Errors
    /// `InvalidArgument("sign-on layout")` for another code.
    pub const fn from_code(code: u16) -> Result<Self, Error> {
        match code {
            1 => Ok(Self::Des001),
            3 => Ok(Self::Tdes003),
            4 => Ok(Self::Tdes004),
            5 => Ok(Self::Sm4005),
            6 => Ok(Self::Sm4006),
            _ => Err(Error::invalid_argument("sign-on layout")),
        }
    }

    /// True for the SM4 layouts (`005`, `006`).
    #[must_use]
    pub const fn is_sm4(self) -> bool {
        matches!(self, Self::Sm4005 | Self::Sm4006)
    }

    /// True when a TDK follows (`004`, `006`).
    #[must_use]
    pub const fn has_tdk(self) -> bool {
        matches!(self, Self::Tdes004 | Self::Sm4006)
    }

    /// (PIK, MAK, TDK) key algorithms.
    #[must_use]
    pub const fn algorithms(self) -> (Algorithm, Algorithm, Algorithm) {
        match self {
            Self::Des001 => (Algorithm::Des, Algorithm::Des, Algorithm::Des),
            Self::Tdes003 | Self::Tdes004 => (Algorithm::Tdes2, Algorithm::Des, Algorithm::Tdes2),
            Self::Sm4005 | Self::Sm4006 => (Algorithm::Sm4, Algorithm::Sm4, Algorithm::Sm4),
        }
    }

    /// Bytes the MAK occupies (16 in `003`/`004`: 8 key bytes, 8 zeros).
    const fn mak_slot(self) -> usize {
        match self {
            Self::Des001 => 8,
            _ => 16,
        }
    }

    /// Whether `kcv_len` is allowed: 4, or 8 for the SM4 layouts.
    const fn kcv_len_ok(self, kcv_len: usize) -> bool {
        kcv_len == 4 || (kcv_len == 8 && self.is_sm4())
    }

    /// Length of field 62 for this layout with `kcv_len`-byte check values.
    ///
    /// # Errors
    /// `InvalidArgument("check value length")` unless `kcv_len` is 4, or 8
    /// for an SM4 layout.
    pub const fn encoded_len(self, kcv_len: usize) -> Result<usize, Error> {
        if !self.kcv_len_ok(kcv_len) {
            return Err(Error::invalid_argument("check value length"));
        }
        let (pik, _, tdk) = self.algorithms();
        let tdk = if self.has_tdk() {
            tdk.key_len() + kcv_len
        } else {
            0
        };
        Ok(pik.key_len() + kcv_len + self.mak_slot() + kcv_len + tdk)
    }
}

/// One working key of field 62: its cryptogram under the TMK and check value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field62Key<'a> {
    /// The key enciphered in ECB under the TMK (8 bytes for a DES MAK in
    /// `003`/`004`: the zero bytes after it are not part of it).
    pub cryptogram: &'a [u8],
    /// The check value (4 or 8 bytes).
    pub check_value: &'a [u8],
}

/// Field 62 of a sign-on response, split into its keys (public data:
/// cryptograms and check values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field62<'a> {
    /// The layout.
    pub layout: SignOnLayout,
    /// PIN key.
    pub pik: Field62Key<'a>,
    /// MAC key.
    pub mak: Field62Key<'a>,
    /// Track-data key (`004`, `006`).
    pub tdk: Option<Field62Key<'a>>,
}

fn bad_len(expected: usize, actual: usize) -> Error {
    CupError::Field62Length { expected, actual }.into()
}

impl<'a> Field62<'a> {
    /// Splits `bytes` per `layout` with `kcv_len`-byte check values (4, or
    /// 8 for SM4 layouts when the acquirer sends 8).
    ///
    /// # Errors
    /// `InvalidArgument("check value length")`; [`CupError::Field62Length`]
    /// unless `bytes` is exactly [`SignOnLayout::encoded_len`] long;
    /// [`CupError::Field62MakPadding`] if the 8 bytes after a `003`/`004`
    /// MAK are not zero.
    pub fn parse(layout: SignOnLayout, kcv_len: usize, bytes: &'a [u8]) -> Result<Self, Error> {
        let expected = layout.encoded_len(kcv_len)?;
        if bytes.len() != expected {
            return Err(bad_len(expected, bytes.len()));
        }
        let actual = bytes.len();
        let (pik_alg, mak_alg, tdk_alg) = layout.algorithms();
        let take = |rest: &mut &'a [u8], n: usize| -> Result<&'a [u8], Error> {
            let (head, tail) = rest
                .split_at_checked(n)
                .ok_or_else(|| bad_len(expected, actual))?;
            *rest = tail;
            Ok(head)
        };
        let mut rest = bytes;
        let pik = Field62Key {
            cryptogram: take(&mut rest, pik_alg.key_len())?,
            check_value: take(&mut rest, kcv_len)?,
        };
        let mak_cryptogram = take(&mut rest, mak_alg.key_len())?;
        let padding = take(&mut rest, layout.mak_slot() - mak_alg.key_len())?;
        if padding.iter().any(|b| *b != 0) {
            return Err(CupError::Field62MakPadding.into());
        }
        let mak = Field62Key {
            cryptogram: mak_cryptogram,
            check_value: take(&mut rest, kcv_len)?,
        };
        let tdk = if layout.has_tdk() {
            Some(Field62Key {
                cryptogram: take(&mut rest, tdk_alg.key_len())?,
                check_value: take(&mut rest, kcv_len)?,
            })
        } else {
            None
        };
        if !rest.is_empty() {
            return Err(bad_len(expected, actual));
        }
        Ok(Self {
            layout,
            pik,
            mak,
            tdk,
        })
    }

    /// Encodes the field into `out`; returns the length written.
    ///
    /// # Errors
    /// `InvalidArgument("field 62 key")` if a cryptogram does not fit the
    /// layout, the check values differ in length or a TDK is present or
    /// missing against the layout; `InvalidArgument("check value length")`;
    /// `BufferTooSmall`.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, Error> {
        let layout = self.layout;
        let kcv_len = self.pik.check_value.len();
        let n = layout.encoded_len(kcv_len)?;
        let (pik_alg, mak_alg, tdk_alg) = layout.algorithms();
        let bad = || Error::invalid_argument("field 62 key");
        let mut parts: [(&Field62Key<'_>, Algorithm); 3] = [
            (&self.pik, pik_alg),
            (&self.mak, mak_alg),
            (&self.pik, tdk_alg),
        ];
        let count = match (layout.has_tdk(), &self.tdk) {
            (true, Some(tdk)) => {
                parts[2] = (tdk, tdk_alg);
                3
            }
            (false, None) => 2,
            _ => return Err(bad()),
        };
        for (key, alg) in parts.iter().take(count) {
            if key.cryptogram.len() != alg.key_len() || key.check_value.len() != kcv_len {
                return Err(bad());
            }
        }
        let provided = out.len();
        let dst =
            out.get_mut(..n)
                .ok_or(Error::ApiMisuse(crate::error::ApiMisuse::BufferTooSmall {
                    required: n,
                    provided,
                }))?;
        dst.fill(0);
        let mut at = 0;
        for (i, (key, _)) in parts.iter().take(count).enumerate() {
            let slot = if i == 1 {
                layout.mak_slot()
            } else {
                key.cryptogram.len()
            };
            dst.get_mut(at..at + key.cryptogram.len())
                .ok_or_else(bad)?
                .copy_from_slice(key.cryptogram);
            at += slot;
            dst.get_mut(at..at + kcv_len)
                .ok_or_else(bad)?
                .copy_from_slice(key.check_value);
            at += kcv_len;
        }
        Ok(n)
    }
}

/// Which side installs the keys: it sets the modes of use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum CupRole {
    /// The terminal: PIK encrypt-only (`P0`/`E`), MAK generate and verify
    /// (`M1`/`C`), TDK encrypt-only (`D0`/`E`). The default.
    #[default]
    Terminal,
    /// The acquirer host: PIK decrypt-only (`P0`/`D`), MAK generate and
    /// verify (`M1`/`C`), TDK decrypt-only (`D0`/`D`).
    Host,
}

/// The working keys of one sign-on.
#[derive(Debug)]
pub struct CupWorkingKeys {
    /// PIN key (`P0`). Single DES in layout `001`: installable but refused
    /// by every PIN function.
    pub pik: Key,
    /// MAC key (`M1`): single DES in `001`/`003`/`004`, SM4 in `005`/`006`.
    pub mak: Key,
    /// Track-data key (`D0`), layouts `004` and `006`.
    pub tdk: Option<Key>,
}

/// Deciphers every key of `field62` under `tmk` and verifies every check
/// value; returns all keys or none (keys already deciphered are zeroized on
/// the error path). The TMK must be TDES for `001`/`003`/`004` and SM4 for
/// `005`/`006`, with usage `K0` permitting decryption; each key's
/// exportability is capped at the TMK's. See [`super::unwrap_working_key`]
/// for the checks made on each key.
///
/// # Errors
/// The errors of [`super::unwrap_working_key`];
/// [`Error::VerificationFailed`] if any check value does not match.
pub fn install(tmk: &Key, field62: &Field62<'_>, role: CupRole) -> Result<CupWorkingKeys, Error> {
    let (pik_mode, tdk_mode) = match role {
        CupRole::Terminal => (ModeOfUse::Encrypt, ModeOfUse::Encrypt),
        CupRole::Host => (ModeOfUse::Decrypt, ModeOfUse::Decrypt),
    };
    let (pik_alg, mak_alg, tdk_alg) = field62.layout.algorithms();
    let one = |entry: &Field62Key<'_>, alg: Algorithm, attrs: KeyAttributes| {
        let key = decipher_key(tmk, alg, entry.cryptogram, attrs)?;
        Kcv::verify(&key, KcvMethod::Cup, entry.check_value)?;
        Ok::<Key, Error>(key)
    };
    let pik = one(
        &field62.pik,
        pik_alg,
        KeyAttributes::new(KeyUsage::PinEncryption, pik_mode),
    )?;
    let mak = one(
        &field62.mak,
        mak_alg,
        KeyAttributes::new(KeyUsage::MacIso9797Alg1, ModeOfUse::GenerateVerify),
    )?;
    let tdk = match &field62.tdk {
        Some(entry) => Some(one(
            entry,
            tdk_alg,
            KeyAttributes::new(KeyUsage::DataEncryption, tdk_mode),
        )?),
        None => None,
    };
    Ok(CupWorkingKeys { pik, mak, tdk })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        let cases = [
            (SignOnLayout::Des001, 4, 24),
            (SignOnLayout::Tdes003, 4, 40),
            (SignOnLayout::Tdes004, 4, 60),
            (SignOnLayout::Sm4005, 4, 40),
            (SignOnLayout::Sm4006, 4, 60),
            (SignOnLayout::Sm4006, 8, 72),
        ];
        for (layout, kcv, len) in cases {
            assert_eq!(layout.encoded_len(kcv).unwrap(), len);
            assert_eq!(SignOnLayout::from_code(layout.code()).unwrap(), layout);
        }
        assert!(SignOnLayout::Tdes004.encoded_len(8).is_err());
        assert!(SignOnLayout::from_code(2).is_err());
    }

    #[test]
    fn parse_encode_round_trip_and_mak_padding() {
        let mut bytes: Vec<u8> = (1..=40).collect();
        bytes[28..36].fill(0);
        let f = Field62::parse(SignOnLayout::Tdes003, 4, &bytes).unwrap();
        assert_eq!(f.mak.cryptogram, &bytes[20..28]);
        assert_eq!(f.mak.check_value, &bytes[36..40]);
        let mut out = [0u8; 40];
        assert_eq!(f.encode(&mut out).unwrap(), 40);
        assert_eq!(&out[..], &bytes[..]);
        let mut bytes = bytes.clone();
        bytes[30] = 1;
        assert!(Field62::parse(SignOnLayout::Tdes003, 4, &bytes).is_err());
        assert!(Field62::parse(SignOnLayout::Tdes003, 4, &bytes[..39]).is_err());
        assert!(f.encode(&mut out[..39]).is_err());
    }
}
