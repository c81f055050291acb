//! Key check values (KCV).
//!
//! - **Legacy** (ANSI X9.24-1:2009 Annex A / common HSM practice): encipher a
//!   block of zero bytes under the key in ECB mode and keep the leftmost
//!   bytes: at most 3 (the X9.24-1 practice of the leftmost 6 hex digits).
//! - **CMAC** (ANSI X9.24-1:2017 §7.4, used for AES keys): AES-CMAC (or
//!   TDES-CMAC) of a block of zero bytes, leftmost bytes (up to 5).
//!
//! - **China UnionPay** (`KcvMethod::Cup`, feature `sm`): the same zero
//!   block enciphered under the key (single DES, TDES or SM4), but the
//!   leftmost 4 bytes as CUP sign-on field 62 carries them, or 8 bytes for
//!   SM4 as some acquirers send (UnionPay CloudPOS `CHECK_TYPE_CUP`; PAX
//!   `KCV_SM4_ENCRYPT_0`). Capped at 4 bytes for 8-byte-block ciphers and 8
//!   bytes for SM4 (half of its block).
//!
//! A KCV is public, but a check compares it in constant time anyway.
//!
//! **A KCV is a truncated MAC of a zero block.** A full-length legacy KCV is
//! the ISO 9797-1 algorithm 1 (and, for one block, retail MAC) tag of one
//! zero block; a CMAC KCV is a truncated CMAC tag. Hence the caps (3 bytes
//! legacy, 5 bytes CMAC), and [`Kcv::compute`] refuses MAC keys (`M0`-`M8`)
//! whose mode of use does not permit generating a MAC: a verify-only MAC key
//! must not yield a MAC. [`Kcv::verify`] needs at least [`Kcv::MIN_VERIFY_LEN`]
//! bytes, since a 1-byte check passes one time in 256.
//!
//! **A KCV next to a key is a side output.** Where a key is derived,
//! unwrapped or shown and its check value is printed alongside, use
//! [`Kcv::side_output`]: it gives the conventional KCV or a typed
//! [`KcvWithheld`] reason, and the policy refusal never fails the operation
//! that produced the key (a host's DUKPT MAC-generation key is verify-only
//! on the host, yet deriving it is right).
//!
//! # Example
//! ```
//! use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
//! use paycore::keys::kcv::{Kcv, KcvMethod};
//!
//! // The classic double-length test key 0123456789ABCDEFFEDCBA9876543210.
//! let key = Key::new(
//!     Algorithm::Tdes2,
//!     &[0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10],
//!     KeyAttributes::new(KeyUsage::PinEncryption, ModeOfUse::Encrypt),
//! ).unwrap();
//! let kcv = Kcv::compute(&key, KcvMethod::Legacy, 3).unwrap();
//! assert_eq!(kcv.as_bytes(), &[0x08, 0xD7, 0xB4]);
//! ```

use core::fmt;

use subtle::ConstantTimeEq;

use super::cipher::{BlockCipher, BlockOps};
use super::key::{Algorithm, Key, KeyUsage, Operation};
use crate::error::{Error, KeyError};

/// How the KCV is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KcvMethod {
    /// Encipher a zero block, keep the leftmost bytes.
    Legacy,
    /// CMAC over a zero block, keep the leftmost bytes (X9.24-1:2017).
    Cmac,
    /// China UnionPay check value: encipher a zero block (single DES, TDES
    /// or SM4), keep the leftmost 4 bytes (at most 4 for DES/TDES, 8 for SM4).
    #[cfg(feature = "sm")]
    Cup,
}

/// A key check value: 1 to 16 public bytes.
#[derive(Clone, Copy)]
pub struct Kcv {
    bytes: [u8; 16],
    len: usize,
}

impl Kcv {
    /// Shortest expected value [`Kcv::verify`] accepts: 3 bytes (6 hex
    /// digits, X9.24-1 practice). A shorter check passes by chance too often
    /// (1 in 256 for one byte).
    pub const MIN_VERIFY_LEN: usize = 3;

    /// Largest length for `method` on `algorithm`: 3 bytes for legacy (the
    /// leftmost 6 hex digits, X9.24-1 practice; a longer value is a usable
    /// ISO 9797-1 MAC of a zero block), 5 bytes for CMAC (X9.24-1:2017 §7.4).
    /// The same for every algorithm today; `algorithm` is kept so callers
    /// need not change if a method's limit comes to depend on it.
    #[must_use]
    pub const fn max_len(method: KcvMethod, algorithm: Algorithm) -> usize {
        match method {
            KcvMethod::Legacy => {
                if algorithm.block_len() < 3 {
                    algorithm.block_len()
                } else {
                    3
                }
            }
            KcvMethod::Cmac => 5,
            #[cfg(feature = "sm")]
            KcvMethod::Cup => {
                if algorithm.block_len() == 16 {
                    8
                } else {
                    4
                }
            }
        }
    }

    /// Computes the KCV of `key` with `len` bytes.
    ///
    /// # Errors
    /// [`KeyError::ModeNotPermitted`] for a MAC key (usage `M0`-`M8`) whose
    /// mode of use does not permit generating a MAC (a KCV is a truncated
    /// MAC of a zero block); [`KeyError::InvalidKcvLength`] if `len` is 0 or
    /// above [`Kcv::max_len`].
    pub fn compute(key: &Key, method: KcvMethod, len: usize) -> Result<Self, Error> {
        if withheld_by_policy(key).is_some() {
            return Err(KeyError::ModeNotPermitted.into());
        }
        Self::compute_raw(key.algorithm(), key.material(), method, len)
    }

    /// The method and length conventionally printed next to a key of
    /// `algorithm`: legacy, 3 bytes, for TDES (X9.24-1:2009 Annex A
    /// practice); CMAC, 5 bytes, for AES (X9.24-1:2017 §7.4); CUP, 4 bytes,
    /// for single DES and SM4 (feature `sm`). `None` for an algorithm without
    /// a check-value method.
    #[must_use]
    pub const fn conventional(algorithm: Algorithm) -> Option<(KcvMethod, usize)> {
        match algorithm {
            Algorithm::Tdes2 | Algorithm::Tdes3 => Some((KcvMethod::Legacy, 3)),
            Algorithm::Aes128 | Algorithm::Aes192 | Algorithm::Aes256 => Some((KcvMethod::Cmac, 5)),
            Algorithm::HmacSha256 => None,
            // China UnionPay: the cipher of a zero block, 4 bytes.
            #[cfg(feature = "sm")]
            Algorithm::Des | Algorithm::Sm4 => Some((KcvMethod::Cup, 4)),
        }
    }

    /// The conventional check value ([`Kcv::conventional`]) to print or
    /// return *alongside* `key`, or why there is none. A refusal here is not
    /// an error of the operation that produced the key: callers show the
    /// key with the reason instead of failing.
    ///
    /// # Errors
    /// [`KcvWithheld::VerifyOnlyMacKey`] for a MAC key whose mode of use
    /// forbids generating a MAC (the policy of [`Kcv::compute`]);
    /// [`KcvWithheld::NoMethod`] for an algorithm without a KCV method.
    pub fn side_output(key: &Key) -> Result<Self, KcvWithheld> {
        if let Some(reason) = withheld_by_policy(key) {
            return Err(reason);
        }
        let (method, len) = Self::conventional(key.algorithm()).ok_or(KcvWithheld::NoMethod)?;
        // With a valid key and the conventional method and length nothing
        // below can fail; if it ever did, no method applies to this key.
        Self::compute_raw(key.algorithm(), key.material(), method, len)
            .map_err(|_| KcvWithheld::NoMethod)
    }

    /// Computes a KCV over raw material (crate-internal: derived keys).
    pub(crate) fn compute_raw(
        algorithm: Algorithm,
        material: &[u8],
        method: KcvMethod,
        len: usize,
    ) -> Result<Self, Error> {
        if len == 0 || len > Self::max_len(method, algorithm) {
            return Err(KeyError::InvalidKcvLength { length: len }.into());
        }
        // No CMAC check value is defined for single DES or SM4.
        #[cfg(feature = "sm")]
        if matches!(method, KcvMethod::Cmac) && matches!(algorithm, Algorithm::Des | Algorithm::Sm4)
        {
            return Err(KeyError::WrongAlgorithm.into());
        }
        let mut block = [0u8; 16];
        // Only the key's own schedule on the stack (bare-metal budget).
        BlockCipher::with_any(algorithm, material, |cipher, n| {
            let full = block.get_mut(..n).ok_or(Error::invalid_argument("block"))?;
            match method {
                KcvMethod::Legacy => cipher.encrypt_block(full),
                #[cfg(feature = "sm")]
                KcvMethod::Cup => cipher.encrypt_block(full),
                KcvMethod::Cmac => cmac_zero_block(cipher, full),
            }
        })?;
        let mut bytes = [0u8; 16];
        bytes
            .get_mut(..len)
            .ok_or(Error::invalid_argument("len"))?
            .copy_from_slice(block.get(..len).ok_or(Error::invalid_argument("len"))?);
        Ok(Self { bytes, len })
    }

    /// A KCV received from elsewhere (1-16 bytes).
    ///
    /// # Errors
    /// [`KeyError::InvalidKcvLength`] if empty or longer than 16 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut out = [0u8; 16];
        out.get_mut(..bytes.len())
            .filter(|_| !bytes.is_empty())
            .ok_or(KeyError::InvalidKcvLength {
                length: bytes.len(),
            })?
            .copy_from_slice(bytes);
        Ok(Self {
            bytes: out,
            len: bytes.len(),
        })
    }

    /// The check value bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }

    /// Verifies `key` against `expected` (its method and length taken from
    /// `method` and `expected`), in constant time.
    ///
    /// Unlike [`Kcv::compute`] this accepts a verify-only MAC key: it
    /// releases only match or mismatch, as MAC verification does.
    ///
    /// # Errors
    /// [`KeyError::InvalidKcvLength`] if `expected` is shorter than
    /// [`Kcv::MIN_VERIFY_LEN`] or longer than [`Kcv::max_len`];
    /// [`Error::VerificationFailed`] on mismatch.
    pub fn verify(key: &Key, method: KcvMethod, expected: &[u8]) -> Result<(), Error> {
        if expected.len() < Self::MIN_VERIFY_LEN {
            return Err(KeyError::InvalidKcvLength {
                length: expected.len(),
            }
            .into());
        }
        let actual = Self::compute_raw(key.algorithm(), key.material(), method, expected.len())?;
        if bool::from(actual.as_bytes().ct_eq(expected)) {
            Ok(())
        } else {
            Err(Error::VerificationFailed)
        }
    }
}

impl fmt::Debug for Kcv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Kcv(")?;
        for b in self.as_bytes() {
            write!(f, "{b:02X}")?;
        }
        f.write_str(")")
    }
}

impl fmt::Display for Kcv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.as_bytes() {
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

/// Why [`Kcv::side_output`] gives no check value for a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KcvWithheld {
    /// A MAC key (`M0`-`M8`) whose mode of use does not permit generating a
    /// MAC (e.g. `V`): its KCV would be a MAC of a zero block, which the key
    /// may not produce. [`Kcv::verify`] still checks a KCV received with it.
    VerifyOnlyMacKey,
    /// The key's algorithm has no check-value method.
    NoMethod,
}

impl KcvWithheld {
    /// A short, stable, lower-case reason (the CLI's `kcv_withheld`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::VerifyOnlyMacKey => {
                "verify-only MAC key: a check value would be a MAC it may not generate"
            }
            Self::NoMethod => "no check-value method for this key algorithm",
        }
    }
}

impl fmt::Display for KcvWithheld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The policy of [`Kcv::compute`]: a MAC key that may not generate a MAC
/// gives no KCV (it would be a MAC of a zero block).
fn withheld_by_policy(key: &Key) -> Option<KcvWithheld> {
    (is_mac_usage(key.usage()) && !key.mode_of_use().permits(Operation::Generate))
        .then_some(KcvWithheld::VerifyOnlyMacKey)
}

/// The TR-31 MAC key usages `M0`-`M8` (ANSI X9.143 Table 6).
const fn is_mac_usage(usage: KeyUsage) -> bool {
    matches!(
        usage,
        KeyUsage::MacIso16609
            | KeyUsage::MacIso9797Alg1
            | KeyUsage::MacIso9797Alg2
            | KeyUsage::MacIso9797Alg3
            | KeyUsage::MacIso9797Alg4
            | KeyUsage::MacIso9797Alg5
            | KeyUsage::MacCmac
            | KeyUsage::MacHmac
            | KeyUsage::MacIso9797Alg6
    )
}

/// CMAC (NIST SP 800-38B) of one all-zero block: with a complete final
/// block, MAC = E(K, 0 XOR K1) where K1 is the first subkey.
fn cmac_zero_block(cipher: &dyn BlockOps, out: &mut [u8]) -> Result<(), Error> {
    let n = out.len();
    // L = E(K, 0^n)
    out.fill(0);
    cipher.encrypt_block(out)?;
    // K1 = L << 1, XOR Rb if the MSB of L was set.
    let rb: u8 = if n == 16 { 0x87 } else { 0x1B };
    let msb = out.first().copied().unwrap_or(0) >> 7;
    let mut carry = 0u8;
    for b in out.iter_mut().rev() {
        let next = *b >> 7;
        *b = (*b << 1) | carry;
        carry = next;
    }
    if let Some(last) = out.last_mut() {
        *last ^= rb & 0u8.wrapping_sub(msb);
    }
    // M_last = 0^n XOR K1 = K1
    cipher.encrypt_block(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{KeyAttributes, KeyUsage, ModeOfUse};

    fn key(alg: Algorithm, hex_key: &str) -> Key {
        Key::new(
            alg,
            &hex::decode(hex_key).unwrap(),
            KeyAttributes::new(KeyUsage::KeyEncryption, ModeOfUse::EncryptDecrypt),
        )
        .unwrap()
    }

    // CMAC of one zero block must equal RFC 4493's AES-CMAC over a 16-byte
    // message when the message is all zero: cross-checked with the `cmac` crate.
    #[test]
    fn cmac_kcv_matches_cmac_crate() {
        use cmac::{Cmac, Mac};
        let k = hex::decode("2b7e151628aed2a6abf7158809cf4f3c").unwrap();
        let mut mac = <Cmac<aes::Aes128> as Mac>::new_from_slice(&k).unwrap();
        mac.update(&[0u8; 16]);
        let tag = mac.finalize().into_bytes();
        let kcv = Kcv::compute(
            &key(Algorithm::Aes128, "2b7e151628aed2a6abf7158809cf4f3c"),
            KcvMethod::Cmac,
            5,
        )
        .unwrap();
        assert_eq!(kcv.as_bytes(), &tag[..5]);

        let k3 = "0123456789abcdeffedcba987654321089abcdef01234567";
        let mut mac =
            <Cmac<des::TdesEde3> as Mac>::new_from_slice(&hex::decode(k3).unwrap()).unwrap();
        mac.update(&[0u8; 8]);
        let tag = mac.finalize().into_bytes();
        let kcv = Kcv::compute(&key(Algorithm::Tdes3, k3), KcvMethod::Cmac, 5).unwrap();
        assert_eq!(kcv.as_bytes(), &tag[..5]);
    }

    #[test]
    fn lengths_and_verify() {
        let k = key(Algorithm::Tdes2, "0123456789abcdeffedcba9876543210");
        assert!(Kcv::compute(&k, KcvMethod::Legacy, 0).is_err());
        assert!(Kcv::compute(&k, KcvMethod::Legacy, 9).is_err());
        // Capped at 3 bytes: 4..=8 would be a usable MAC of a zero block.
        for len in 4..=8 {
            assert_eq!(
                Kcv::compute(&k, KcvMethod::Legacy, len).unwrap_err(),
                Error::Key(KeyError::InvalidKcvLength { length: len })
            );
        }
        assert_eq!(Kcv::max_len(KcvMethod::Legacy, Algorithm::Tdes2), 3);
        assert_eq!(Kcv::max_len(KcvMethod::Legacy, Algorithm::Aes128), 3);
        assert_eq!(Kcv::max_len(KcvMethod::Cmac, Algorithm::Aes256), 5);
        let aes = key(Algorithm::Aes128, "2b7e151628aed2a6abf7158809cf4f3c");
        assert!(Kcv::compute(&aes, KcvMethod::Legacy, 4).is_err());
        assert!(Kcv::compute(&aes, KcvMethod::Cmac, 5).is_ok());
        assert!(Kcv::compute(&k, KcvMethod::Cmac, 6).is_err());
        assert!(Kcv::verify(&k, KcvMethod::Legacy, &[0x08, 0xD7, 0xB4]).is_ok());
        assert_eq!(
            Kcv::verify(&k, KcvMethod::Legacy, &[0x08, 0xD7, 0xB5]),
            Err(Error::VerificationFailed)
        );
        assert_eq!(
            format!("{:?}", Kcv::from_bytes(&[0xAB, 0x01]).unwrap()),
            "Kcv(AB01)"
        );
        assert!(Kcv::from_bytes(&[]).is_err());
        // Verify needs at least 3 bytes: a 1-byte check passes 1 in 256.
        for short in [&[0x08][..], &[0x08, 0xD7]] {
            assert_eq!(
                Kcv::verify(&k, KcvMethod::Legacy, short),
                Err(Error::Key(KeyError::InvalidKcvLength {
                    length: short.len()
                }))
            );
        }
        assert_eq!(
            Kcv::verify(&k, KcvMethod::Legacy, &[0x08, 0xD7, 0xB4, 0x00]),
            Err(Error::Key(KeyError::InvalidKcvLength { length: 4 }))
        );
    }

    /// A KCV of a MAC key is a truncated MAC of a zero block: refused unless
    /// the key may generate MACs; verification stays allowed.
    #[test]
    fn verify_only_mac_key_gives_no_kcv() {
        let material = hex::decode("0123456789abcdeffedcba9876543210").unwrap();
        for usage in [
            KeyUsage::MacIso16609,
            KeyUsage::MacIso9797Alg1,
            KeyUsage::MacIso9797Alg3,
            KeyUsage::MacCmac,
            KeyUsage::MacIso9797Alg6,
        ] {
            let verify_only = Key::new(
                Algorithm::Tdes2,
                &material,
                KeyAttributes::new(usage, ModeOfUse::Verify),
            )
            .unwrap();
            for method in [KcvMethod::Legacy, KcvMethod::Cmac] {
                assert_eq!(
                    Kcv::compute(&verify_only, method, 3).unwrap_err(),
                    Error::Key(KeyError::ModeNotPermitted),
                    "{usage:?}"
                );
            }
            assert!(Kcv::verify(&verify_only, KcvMethod::Legacy, &[0x08, 0xD7, 0xB4]).is_ok());
            for mode in [ModeOfUse::Generate, ModeOfUse::GenerateVerify] {
                let k =
                    Key::new(Algorithm::Tdes2, &material, KeyAttributes::new(usage, mode)).unwrap();
                assert_eq!(
                    Kcv::compute(&k, KcvMethod::Legacy, 3).unwrap().as_bytes(),
                    &[0x08, 0xD7, 0xB4]
                );
            }
        }
        // As a side output the refusal is a typed reason, not an error.
        let verify_only = Key::new(
            Algorithm::Tdes2,
            &material,
            KeyAttributes::new(KeyUsage::MacIso9797Alg3, ModeOfUse::Verify),
        )
        .unwrap();
        assert_eq!(
            Kcv::side_output(&verify_only).unwrap_err(),
            KcvWithheld::VerifyOnlyMacKey
        );
        assert_eq!(
            KcvWithheld::VerifyOnlyMacKey.to_string(),
            "verify-only MAC key: a check value would be a MAC it may not generate"
        );
        // A non-MAC key with a decrypt-only mode still has a KCV.
        let dec = Key::new(
            Algorithm::Tdes2,
            &material,
            KeyAttributes::new(KeyUsage::PinEncryption, ModeOfUse::Decrypt),
        )
        .unwrap();
        assert!(Kcv::compute(&dec, KcvMethod::Legacy, 3).is_ok());
        assert_eq!(
            Kcv::side_output(&dec).unwrap().as_bytes(),
            &[0x08, 0xD7, 0xB4]
        );
    }

    /// The conventional side output: 3-byte legacy for TDES, 5-byte CMAC
    /// for AES (the AES one cross-checked against `Kcv::compute`).
    #[test]
    fn side_output_is_the_conventional_kcv() {
        let tdes = key(Algorithm::Tdes2, "0123456789abcdeffedcba9876543210");
        assert_eq!(Kcv::side_output(&tdes).unwrap().to_string(), "08D7B4");
        let aes = key(Algorithm::Aes128, "2b7e151628aed2a6abf7158809cf4f3c");
        assert_eq!(
            Kcv::side_output(&aes).unwrap().as_bytes(),
            Kcv::compute(&aes, KcvMethod::Cmac, 5).unwrap().as_bytes()
        );
        assert_eq!(
            Kcv::conventional(Algorithm::Tdes3),
            Some((KcvMethod::Legacy, 3))
        );
        assert_eq!(
            Kcv::conventional(Algorithm::Aes256),
            Some((KcvMethod::Cmac, 5))
        );
    }
}
