//! Message authentication codes: ISO/IEC 9797-1 MAC algorithms 1 and 3
//! (ANSI X9.19 retail MAC), CMAC (NIST SP 800-38B, AES and TDES) and
//! HMAC-SHA256 (RFC 2104 / FIPS 198-1).
//!
//! Every operation checks the key first: its usage must be the one the
//! algorithm needs and its mode of use must permit [`Operation::Generate`]
//! (for [`MacGenerator`] / [`generate`]) or [`Operation::Verify`] (for
//! [`MacVerifier`] / [`verify`]). A verify-only key (mode `V`) cannot make
//! a MAC, so it cannot forge one either.
//!
//! | algorithm | key usage (TR-31) | key algorithm | full MAC |
//! |---|---|---|---|
//! | [`MacAlgorithm::Iso9797Alg1`] (CBC-MAC) | `M0`, `M1` | the key's block cipher (TDES or AES) | 8 / 16 bytes |
//! | [`MacAlgorithm::RetailMac`] (ISO 9797-1 alg. 3, X9.19) | `M3` | double-length TDES: `K` = left half, `K'` = right half | 8 bytes |
//! | [`MacAlgorithm::Cmac`] (ISO 9797-1:2011 alg. 5) | `M6` | TDES or AES | 8 / 16 bytes |
//! | [`MacAlgorithm::HmacSha256`] | `M7` | [`Algorithm::HmacSha256`], any length | 32 bytes |
//!
//! **HMAC keys.** An HMAC-SHA256 key is a [`Key`] of algorithm
//! [`Algorithm::HmacSha256`] and usage `M7` (`MacHmac`), of any length
//! from 1 to [`MAX_HMAC_KEY_LEN`](crate::keys::MAX_HMAC_KEY_LEN) bytes: RFC
//! 2104 §3 allows any length, HMAC itself hashes a key longer than the
//! 64-byte SHA-256 block, and RFC 4231 tests keys of 4, 20, 25 and 131
//! bytes. 32 bytes is the recommended length (RFC 4868 §2.1.1). An `M7` key
//! of a TDES or AES algorithm (the earlier way to carry a 16-, 24- or
//! 32-byte HMAC key) is still accepted, its bytes used as the HMAC key.
//!
//! **Padding** (ISO/IEC 9797-1 §6.3) applies to algorithms 1 and 3 only:
//! method 1 appends zero bytes up to a block boundary (the empty message
//! becomes one zero block; a message already on a block boundary is not
//! padded), method 2 appends `0x80` then zero bytes (always at least one
//! byte). CMAC and HMAC define their own padding.
//!
//! **Truncation.** A MAC may be truncated to its leftmost `len` bytes,
//! `MIN_MAC_LEN <= len <= full length` (ISO/IEC 9797-1 §7.7; X9.19 and
//! X9.24-1 print the leftmost 4 bytes). Verification compares in constant
//! time and gives the single opaque [`Error::VerificationFailed`].
//!
//! Both a streaming API ([`MacGenerator`], [`MacVerifier`]: `update` then
//! `finalize` / `verify`) and one-shot functions are provided; neither
//! allocates.
//!
//! # Example
//! ```
//! use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
//! use paycore::mac::{self, MacAlgorithm, Padding};
//!
//! // ANSI X9.24-1:2009 Annex A.4.2, first KSN: X9.19 MAC of the request
//! // message under the derived MAC request key.
//! let key = Key::new(
//!     Algorithm::Tdes2,
//!     &[0x04, 0x26, 0x66, 0xB4, 0x91, 0x84, 0x30, 0xA3,
//!       0x68, 0xDE, 0x96, 0x28, 0xD0, 0x39, 0x84, 0xC9],
//!     KeyAttributes::new(KeyUsage::MacIso9797Alg3, ModeOfUse::GenerateVerify),
//! )?;
//! let alg = MacAlgorithm::RetailMac { padding: Padding::Method1 };
//! let tag = mac::generate(&key, alg, b"4012345678909D987", 4)?;
//! assert_eq!(tag.as_bytes(), &[0x9C, 0xCC, 0x78, 0x17]);
//! mac::verify(&key, alg, b"4012345678909D987", tag.as_bytes())?;
//! assert!(mac::verify(&key, alg, b"4012345678909D988", tag.as_bytes()).is_err());
//! # Ok::<(), paycore::Error>(())
//! ```

use core::fmt;

use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit, generic_array::GenericArray};
use cmac::Mac as _;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use crate::error::{Error, KeyError};
use crate::keys::cipher::{BlockCipher, BlockOps};
use crate::keys::{Algorithm, Key, KeyUsage, Operation};

/// Shortest MAC this crate generates or accepts (ISO/IEC 9797-1 §7.7
/// recommends at least 32 bits).
pub const MIN_MAC_LEN: usize = 4;
/// Longest MAC (HMAC-SHA256).
pub const MAX_MAC_LEN: usize = 32;

/// ISO/IEC 9797-1 §6.3 padding methods for algorithms 1 and 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Padding {
    /// Method 1: zero bytes up to a block boundary; the empty message is one
    /// zero block.
    Method1,
    /// Method 2: `0x80`, then zero bytes up to a block boundary.
    Method2,
}

/// A MAC algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MacAlgorithm {
    /// ISO/IEC 9797-1 MAC algorithm 1: CBC-MAC under the key's block cipher
    /// (TDES: ISO 16609; AES). Key usage `M0` or `M1`.
    Iso9797Alg1 {
        /// Padding method.
        padding: Padding,
    },
    /// ISO/IEC 9797-1 MAC algorithm 3, the ANSI X9.19 retail MAC: single-DES
    /// CBC-MAC under `K`, then the last output block deciphered under `K'`
    /// and enciphered under `K`. Double-length TDES key `K || K'`; key usage `M3`.
    RetailMac {
        /// Padding method.
        padding: Padding,
    },
    /// CMAC (NIST SP 800-38B; RFC 4493 for AES-128), AES or TDES. Key usage `M6`.
    Cmac,
    /// HMAC-SHA256 (RFC 2104, FIPS 198-1). Key usage `M7`.
    HmacSha256,
}

impl MacAlgorithm {
    /// The key usages this algorithm accepts.
    const fn usages(self) -> &'static [KeyUsage] {
        match self {
            Self::Iso9797Alg1 { .. } => &[KeyUsage::MacIso16609, KeyUsage::MacIso9797Alg1],
            Self::RetailMac { .. } => &[KeyUsage::MacIso9797Alg3],
            Self::Cmac => &[KeyUsage::MacCmac],
            Self::HmacSha256 => &[KeyUsage::MacHmac],
        }
    }
}

/// A computed (possibly truncated) MAC. Not secret, but compared only in
/// constant time ([`Mac::ct_eq`]); `Debug` shows only the length.
#[derive(Clone, Copy)]
pub struct Mac {
    bytes: [u8; MAX_MAC_LEN],
    len: usize,
}

impl Mac {
    /// A MAC from computed bytes (crate-internal: the China UnionPay MACs).
    #[cfg(feature = "sm")]
    pub(crate) fn from_parts(bytes: &[u8]) -> Result<Self, Error> {
        let mut out = [0u8; MAX_MAC_LEN];
        out.get_mut(..bytes.len())
            .ok_or(Error::invalid_argument("mac length"))?
            .copy_from_slice(bytes);
        Ok(Self {
            bytes: out,
            len: bytes.len(),
        })
    }

    /// The MAC bytes (the leftmost `len` bytes of the full MAC).
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }

    /// Length in bytes.
    #[must_use]
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Always false: a MAC has at least [`MIN_MAC_LEN`] bytes.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Constant-time equality with `other` (lengths are public).
    #[must_use]
    pub fn ct_eq(&self, other: &[u8]) -> bool {
        bool::from(self.as_bytes().ct_eq(other))
    }
}

impl fmt::Debug for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mac {{ len: {}, .. }}", self.len)
    }
}

type HmacSha256 = hmac::Hmac<Sha256>;

/// CMAC over each supported block cipher.
enum CmacState {
    Tdes2(cmac::Cmac<des::TdesEde2>),
    Tdes3(cmac::Cmac<des::TdesEde3>),
    Aes128(cmac::Cmac<aes::Aes128>),
    Aes192(cmac::Cmac<aes::Aes192>),
    Aes256(cmac::Cmac<aes::Aes256>),
}

/// The block cipher behind a CBC-MAC: the key's cipher (algorithm 1) or
/// single DES under `K` with the `K'` output transformation (algorithm 3).
// Inline on purpose: no allocator on the core path, so no Box.
#[allow(clippy::large_enum_variant)]
enum CbcCipher {
    Full(BlockCipher),
    Retail(RetailDes),
}

/// A block cipher as a CBC-MAC uses it.
trait CbcBlock {
    fn block_len(&self) -> usize;
    fn encrypt_block(&self, block: &mut [u8]) -> Result<(), Error>;
    /// The algorithm-3 output transformation of the last chaining value
    /// (decipher under `K'`, encipher under `K`); none for algorithm 1.
    fn output_transform(&self, chain: &mut [u8]) -> Result<(), Error>;
}

/// ISO/IEC 9797-1 algorithm 3 (the retail MAC): single DES under `K` and
/// `K'`.
struct RetailDes {
    left: des::Des,
    right: des::Des,
}

impl CbcBlock for RetailDes {
    fn block_len(&self) -> usize {
        8
    }

    fn encrypt_block(&self, block: &mut [u8]) -> Result<(), Error> {
        if block.len() != 8 {
            return Err(Error::invalid_argument("block length"));
        }
        BlockEncrypt::encrypt_block(&self.left, GenericArray::from_mut_slice(block));
        Ok(())
    }

    fn output_transform(&self, chain: &mut [u8]) -> Result<(), Error> {
        let block = GenericArray::from_mut_slice(
            chain
                .get_mut(..8)
                .ok_or(Error::invalid_argument("block length"))?,
        );
        BlockDecrypt::decrypt_block(&self.right, block);
        BlockEncrypt::encrypt_block(&self.left, block);
        Ok(())
    }
}

impl RetailDes {
    /// The two single-DES keys of a double-length TDES key.
    fn new(key: &Key) -> Result<Self, Error> {
        if key.algorithm() != Algorithm::Tdes2 {
            return Err(KeyError::WrongAlgorithm.into());
        }
        let bad_len = |_| {
            Error::Key(KeyError::InvalidLength {
                length: key.material().len(),
            })
        };
        let (k, k_prime) = key
            .material()
            .split_at_checked(8)
            .ok_or(KeyError::InvalidLength {
                length: key.material().len(),
            })?;
        Ok(Self {
            left: des::Des::new_from_slice(k).map_err(bad_len)?,
            right: des::Des::new_from_slice(k_prime).map_err(bad_len)?,
        })
    }
}

impl CbcBlock for CbcCipher {
    fn block_len(&self) -> usize {
        match self {
            Self::Full(c) => c.block_len(),
            Self::Retail(r) => r.block_len(),
        }
    }

    fn encrypt_block(&self, block: &mut [u8]) -> Result<(), Error> {
        match self {
            Self::Full(c) => c.encrypt_block(block),
            Self::Retail(r) => r.encrypt_block(block),
        }
    }

    fn output_transform(&self, chain: &mut [u8]) -> Result<(), Error> {
        match self {
            Self::Full(_) => Ok(()),
            Self::Retail(r) => r.output_transform(chain),
        }
    }
}

/// ISO/IEC 9797-1 algorithms 1 and 3, streaming.
struct CbcMac<C: CbcBlock = CbcCipher> {
    cipher: C,
    padding: Padding,
    /// Chaining value H_i.
    chain: [u8; 16],
    /// Unprocessed input: up to one full block (kept until more input shows
    /// it is not the last one).
    pending: [u8; 16],
    pending_len: usize,
}

impl<C: CbcBlock> CbcMac<C> {
    fn new(cipher: C, padding: Padding) -> Self {
        Self {
            cipher,
            padding,
            chain: [0; 16],
            pending: [0; 16],
            pending_len: 0,
        }
    }

    fn absorb_pending(&mut self) -> Result<(), Error> {
        let n = self.cipher.block_len();
        let chain = self
            .chain
            .get_mut(..n)
            .ok_or(Error::invalid_argument("block length"))?;
        for (c, p) in chain.iter_mut().zip(self.pending.iter()) {
            *c ^= p;
        }
        self.cipher.encrypt_block(chain)?;
        self.pending_len = 0;
        Ok(())
    }

    fn update(&mut self, mut data: &[u8]) -> Result<(), Error> {
        let n = self.cipher.block_len();
        while !data.is_empty() {
            if self.pending_len == n {
                self.absorb_pending()?;
            }
            let room = n.saturating_sub(self.pending_len);
            let take = room.min(data.len());
            let (head, rest) = data.split_at(take);
            self.pending
                .get_mut(self.pending_len..self.pending_len + take)
                .ok_or(Error::invalid_argument("block length"))?
                .copy_from_slice(head);
            self.pending_len += take;
            data = rest;
        }
        Ok(())
    }

    /// Pads, absorbs the last block, applies the algorithm-3 output
    /// transformation, and returns the full MAC length.
    fn finalize(&mut self, out: &mut [u8; MAX_MAC_LEN]) -> Result<usize, Error> {
        let n = self.cipher.block_len();
        match self.padding {
            Padding::Method1 => {
                // Empty message or partial last block: zero-fill (the empty
                // message becomes one zero block, ISO/IEC 9797-1 §6.3.1).
                // A full last block is absorbed as is.
                if let Some(tail) = self.pending.get_mut(self.pending_len..n) {
                    tail.fill(0);
                }
                self.pending_len = n;
                self.absorb_pending()?;
            }
            Padding::Method2 => {
                if self.pending_len == n {
                    self.absorb_pending()?;
                }
                if let Some(tail) = self.pending.get_mut(self.pending_len..n) {
                    tail.fill(0);
                    if let Some(first) = tail.first_mut() {
                        *first = 0x80;
                    }
                }
                self.pending_len = n;
                self.absorb_pending()?;
            }
        }
        self.cipher.output_transform(&mut self.chain)?;
        out.get_mut(..n)
            .ok_or(Error::invalid_argument("block length"))?
            .copy_from_slice(self.chain.get(..n).unwrap_or(&[]));
        Ok(n)
    }
}

impl<C: CbcBlock> Drop for CbcMac<C> {
    fn drop(&mut self) {
        self.chain.zeroize();
        self.pending.zeroize();
    }
}

enum State {
    Cbc(CbcMac),
    Cmac(CmacState),
    Hmac(HmacSha256),
}

impl State {
    fn new(key: &Key, algorithm: MacAlgorithm, operation: Operation) -> Result<Self, Error> {
        Self::with_usages(key, algorithm, algorithm.usages(), operation)
    }

    /// As [`State::new`], accepting the key usages `usages` instead of the
    /// algorithm's `M` usages (EMV `E0`/`E2` keys, [`crate::emv`]).
    fn with_usages(
        key: &Key,
        algorithm: MacAlgorithm,
        usages: &[KeyUsage],
        operation: Operation,
    ) -> Result<Self, Error> {
        key.require(usages, operation)?;
        let bad_len = |_| {
            Error::Key(KeyError::InvalidLength {
                length: key.material().len(),
            })
        };
        Ok(match algorithm {
            MacAlgorithm::Iso9797Alg1 { padding } => Self::Cbc(CbcMac::new(
                CbcCipher::Full(key.cipher_unchecked()?),
                padding,
            )),
            MacAlgorithm::RetailMac { padding } => Self::Cbc(CbcMac::new(
                CbcCipher::Retail(RetailDes::new(key)?),
                padding,
            )),
            MacAlgorithm::Cmac => {
                let m = key.material();
                Self::Cmac(match key.algorithm() {
                    Algorithm::Tdes2 => CmacState::Tdes2(
                        <cmac::Cmac<des::TdesEde2> as KeyInit>::new_from_slice(m)
                            .map_err(bad_len)?,
                    ),
                    Algorithm::Tdes3 => CmacState::Tdes3(
                        <cmac::Cmac<des::TdesEde3> as KeyInit>::new_from_slice(m)
                            .map_err(bad_len)?,
                    ),
                    Algorithm::Aes128 => CmacState::Aes128(
                        <cmac::Cmac<aes::Aes128> as KeyInit>::new_from_slice(m).map_err(bad_len)?,
                    ),
                    Algorithm::Aes192 => CmacState::Aes192(
                        <cmac::Cmac<aes::Aes192> as KeyInit>::new_from_slice(m).map_err(bad_len)?,
                    ),
                    Algorithm::Aes256 => CmacState::Aes256(
                        <cmac::Cmac<aes::Aes256> as KeyInit>::new_from_slice(m).map_err(bad_len)?,
                    ),
                    Algorithm::HmacSha256 => return Err(KeyError::WrongAlgorithm.into()),
                    #[cfg(feature = "sm")]
                    Algorithm::Des | Algorithm::Sm4 => {
                        return Err(KeyError::WrongAlgorithm.into());
                    }
                })
            }
            MacAlgorithm::HmacSha256 => Self::Hmac(hmac_key(key.material())?),
        })
    }

    fn update(&mut self, data: &[u8]) -> Result<(), Error> {
        match self {
            Self::Cbc(c) => c.update(data)?,
            Self::Cmac(CmacState::Tdes2(m)) => m.update(data),
            Self::Cmac(CmacState::Tdes3(m)) => m.update(data),
            Self::Cmac(CmacState::Aes128(m)) => m.update(data),
            Self::Cmac(CmacState::Aes192(m)) => m.update(data),
            Self::Cmac(CmacState::Aes256(m)) => m.update(data),
            Self::Hmac(m) => m.update(data),
        }
        Ok(())
    }

    /// Writes the full MAC into `out` and returns its length.
    fn finalize(self, out: &mut [u8; MAX_MAC_LEN]) -> Result<usize, Error> {
        fn put(out: &mut [u8; MAX_MAC_LEN], bytes: &[u8]) -> Result<usize, Error> {
            out.get_mut(..bytes.len())
                .ok_or(Error::invalid_argument("mac length"))?
                .copy_from_slice(bytes);
            Ok(bytes.len())
        }
        match self {
            Self::Cbc(mut c) => c.finalize(out),
            Self::Cmac(CmacState::Tdes2(m)) => put(out, &m.finalize().into_bytes()),
            Self::Cmac(CmacState::Tdes3(m)) => put(out, &m.finalize().into_bytes()),
            Self::Cmac(CmacState::Aes128(m)) => put(out, &m.finalize().into_bytes()),
            Self::Cmac(CmacState::Aes192(m)) => put(out, &m.finalize().into_bytes()),
            Self::Cmac(CmacState::Aes256(m)) => put(out, &m.finalize().into_bytes()),
            Self::Hmac(m) => put(out, &m.finalize().into_bytes()),
        }
    }
}

fn hmac_key(material: &[u8]) -> Result<HmacSha256, Error> {
    <HmacSha256 as KeyInit>::new_from_slice(material).map_err(|_| {
        Error::Key(KeyError::InvalidLength {
            length: material.len(),
        })
    })
}

/// Streaming MAC generation. Built only from a key whose mode of use
/// permits [`Operation::Generate`].
pub struct MacGenerator {
    state: State,
}

impl MacGenerator {
    /// Starts a MAC under `key`.
    ///
    /// # Errors
    /// [`KeyError::UsageNotPermitted`] / [`KeyError::ModeNotPermitted`] if
    /// the key's usage does not match the algorithm (see the module table)
    /// or its mode of use forbids generation; [`KeyError::WrongAlgorithm`]
    /// for a retail MAC under anything but a double-length TDES key.
    pub fn new(key: &Key, algorithm: MacAlgorithm) -> Result<Self, Error> {
        Ok(Self {
            state: State::new(key, algorithm, Operation::Generate)?,
        })
    }

    /// Feeds more message bytes.
    ///
    /// # Errors
    /// None in practice; internal block-length checks only.
    pub fn update(&mut self, data: &[u8]) -> Result<(), Error> {
        self.state.update(data)
    }

    /// Finishes and returns the leftmost `len` bytes of the MAC.
    ///
    /// # Errors
    /// [`ApiMisuse::InvalidArgument`](crate::error::ApiMisuse) `mac length`
    /// if `len` is below [`MIN_MAC_LEN`] or above the algorithm's full length.
    pub fn finalize(self, len: usize) -> Result<Mac, Error> {
        let mut bytes = [0u8; MAX_MAC_LEN];
        let full = self.state.finalize(&mut bytes)?;
        if len < MIN_MAC_LEN || len > full {
            return Err(Error::invalid_argument("mac length"));
        }
        if let Some(tail) = bytes.get_mut(len..) {
            tail.fill(0);
        }
        Ok(Mac { bytes, len })
    }
}

impl fmt::Debug for MacGenerator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MacGenerator { .. }")
    }
}

/// Streaming MAC verification. Built only from a key whose mode of use
/// permits [`Operation::Verify`].
pub struct MacVerifier {
    state: State,
}

impl MacVerifier {
    /// Starts verifying a MAC under `key`.
    ///
    /// # Errors
    /// As [`MacGenerator::new`], with [`Operation::Verify`].
    pub fn new(key: &Key, algorithm: MacAlgorithm) -> Result<Self, Error> {
        Ok(Self {
            state: State::new(key, algorithm, Operation::Verify)?,
        })
    }

    /// Feeds more message bytes.
    ///
    /// # Errors
    /// None in practice; internal block-length checks only.
    pub fn update(&mut self, data: &[u8]) -> Result<(), Error> {
        self.state.update(data)
    }

    /// Compares `expected` (a possibly truncated MAC) with the leftmost
    /// `expected.len()` bytes of the computed MAC in constant time.
    ///
    /// # Errors
    /// [`Error::VerificationFailed`] on mismatch;
    /// [`ApiMisuse::InvalidArgument`](crate::error::ApiMisuse) `mac length`
    /// if `expected` is shorter than [`MIN_MAC_LEN`] or longer than the full MAC.
    pub fn verify(self, expected: &[u8]) -> Result<(), Error> {
        let mut bytes = [0u8; MAX_MAC_LEN];
        let full = self.state.finalize(&mut bytes)?;
        if expected.len() < MIN_MAC_LEN || expected.len() > full {
            return Err(Error::invalid_argument("mac length"));
        }
        let computed = bytes.get(..expected.len()).unwrap_or(&[]);
        if bool::from(computed.ct_eq(expected)) {
            Ok(())
        } else {
            Err(Error::VerificationFailed)
        }
    }
}

impl fmt::Debug for MacVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MacVerifier { .. }")
    }
}

/// One-shot MAC of `data`, truncated to `len` bytes.
///
/// # Errors
/// As [`MacGenerator::new`] and [`MacGenerator::finalize`].
pub fn generate(key: &Key, algorithm: MacAlgorithm, data: &[u8], len: usize) -> Result<Mac, Error> {
    let mut bytes = [0u8; MAX_MAC_LEN];
    let full = once(key, algorithm, Operation::Generate, data, &mut bytes)?;
    if len < MIN_MAC_LEN || len > full {
        bytes.zeroize();
        return Err(Error::invalid_argument("mac length"));
    }
    if let Some(tail) = bytes.get_mut(len..) {
        tail.fill(0);
    }
    Ok(Mac { bytes, len })
}

/// One-shot constant-time verification of `expected` over `data`.
///
/// # Errors
/// [`Error::VerificationFailed`] on mismatch; as [`MacVerifier::new`] and
/// [`MacVerifier::verify`].
pub fn verify(
    key: &Key,
    algorithm: MacAlgorithm,
    data: &[u8],
    expected: &[u8],
) -> Result<(), Error> {
    let mut bytes = [0u8; MAX_MAC_LEN];
    let full = once(key, algorithm, Operation::Verify, data, &mut bytes)?;
    let result = if expected.len() < MIN_MAC_LEN || expected.len() > full {
        Err(Error::invalid_argument("mac length"))
    } else if bool::from(bytes.get(..expected.len()).unwrap_or(&[]).ct_eq(expected)) {
        Ok(())
    } else {
        Err(Error::VerificationFailed)
    };
    bytes.zeroize();
    result
}

/// The full one-shot MAC of `data` into `out`, returning its length. CMAC
/// and HMAC build only their own algorithm's state (in a frame of its own)
/// instead of the streaming [`State`], whose value and constructor hold
/// room for every algorithm: a small stack for bare-metal callers. Same
/// checks, in the same order, as [`State::new`].
fn once(
    key: &Key,
    algorithm: MacAlgorithm,
    operation: Operation,
    data: &[u8],
    out: &mut [u8; MAX_MAC_LEN],
) -> Result<usize, Error> {
    key.require(algorithm.usages(), operation)?;
    let m = key.material();
    match (algorithm, key.algorithm()) {
        (MacAlgorithm::Cmac, Algorithm::Tdes2) => {
            mac_once::<cmac::Cmac<des::TdesEde2>>(m, data, out)
        }
        (MacAlgorithm::Cmac, Algorithm::Tdes3) => {
            mac_once::<cmac::Cmac<des::TdesEde3>>(m, data, out)
        }
        (MacAlgorithm::Cmac, Algorithm::Aes128) => {
            mac_once::<cmac::Cmac<aes::Aes128>>(m, data, out)
        }
        (MacAlgorithm::Cmac, Algorithm::Aes192) => {
            mac_once::<cmac::Cmac<aes::Aes192>>(m, data, out)
        }
        (MacAlgorithm::Cmac, Algorithm::Aes256) => {
            mac_once::<cmac::Cmac<aes::Aes256>>(m, data, out)
        }
        (MacAlgorithm::Cmac, Algorithm::HmacSha256) => Err(KeyError::WrongAlgorithm.into()),
        #[cfg(feature = "sm")]
        (MacAlgorithm::Cmac, Algorithm::Des | Algorithm::Sm4) => {
            Err(KeyError::WrongAlgorithm.into())
        }
        (MacAlgorithm::HmacSha256, _) => mac_once::<HmacSha256>(m, data, out),
        (MacAlgorithm::RetailMac { padding }, _) => retail_once(key, padding, data, out),
        (MacAlgorithm::Iso9797Alg1 { padding }, _) => alg1_once(key, padding, data, out),
    }
}

/// One-shot MAC with one RustCrypto `Mac` type.
#[inline(never)]
fn mac_once<M: cmac::Mac + KeyInit>(
    key: &[u8],
    data: &[u8],
    out: &mut [u8; MAX_MAC_LEN],
) -> Result<usize, Error> {
    let mut mac = <M as KeyInit>::new_from_slice(key)
        .map_err(|_| Error::Key(KeyError::InvalidLength { length: key.len() }))?;
    mac.update(data);
    let tag = mac.finalize().into_bytes();
    let n = tag.len();
    out.get_mut(..n)
        .ok_or(Error::invalid_argument("mac length"))?
        .copy_from_slice(&tag);
    Ok(n)
}

/// One-shot retail MAC (ISO/IEC 9797-1 algorithm 3) with only the two
/// DES key schedules on the stack.
#[inline(never)]
fn retail_once(
    key: &Key,
    padding: Padding,
    data: &[u8],
    out: &mut [u8; MAX_MAC_LEN],
) -> Result<usize, Error> {
    let mut mac = CbcMac::new(RetailDes::new(key)?, padding);
    mac.update(data)?;
    mac.finalize(out)
}

/// One-shot CBC-MAC (ISO/IEC 9797-1 algorithm 1) with only the key's own
/// cipher schedule on the stack.
#[inline(never)]
fn alg1_once(
    key: &Key,
    padding: Padding,
    data: &[u8],
    out: &mut [u8; MAX_MAC_LEN],
) -> Result<usize, Error> {
    BlockCipher::with(key.algorithm(), key.material(), |cipher, len| {
        let mut mac = CbcMac::new(Keyed { cipher, len }, padding);
        mac.update(data)?;
        mac.finalize(out)
    })
}

/// A borrowed key schedule of one algorithm, for [`alg1_once`].
struct Keyed<'a> {
    cipher: &'a dyn BlockOps,
    len: usize,
}

impl CbcBlock for Keyed<'_> {
    fn block_len(&self) -> usize {
        self.len
    }

    fn encrypt_block(&self, block: &mut [u8]) -> Result<(), Error> {
        self.cipher.encrypt_block(block)
    }

    fn output_transform(&self, _: &mut [u8]) -> Result<(), Error> {
        Ok(())
    }
}

/// MAC of the concatenation of `parts` under a key whose usage is one of
/// `usages` (crate-internal: EMV application cryptograms, ARPCs and
/// issuer-script MACs run ISO/IEC 9797-1 algorithm 3 or CMAC under `E0`/`E2`
/// keys, not under `M` keys).
pub(crate) fn generate_with_usages(
    key: &Key,
    algorithm: MacAlgorithm,
    usages: &[KeyUsage],
    parts: &[&[u8]],
    len: usize,
) -> Result<Mac, Error> {
    let mut g = MacGenerator {
        state: State::with_usages(key, algorithm, usages, Operation::Generate)?,
    };
    for p in parts {
        g.update(p)?;
    }
    g.finalize(len)
}

/// Constant-time verification counterpart of [`generate_with_usages`].
pub(crate) fn verify_with_usages(
    key: &Key,
    algorithm: MacAlgorithm,
    usages: &[KeyUsage],
    parts: &[&[u8]],
    expected: &[u8],
) -> Result<(), Error> {
    let mut v = MacVerifier {
        state: State::with_usages(key, algorithm, usages, Operation::Verify)?,
    };
    for p in parts {
        v.update(p)?;
    }
    v.verify(expected)
}

/// HMAC-SHA256 over the concatenation of `parts` under raw key bytes of any
/// length (crate-internal: PAN tokens and journal entries after their own
/// usage checks; RFC 4231 tests).
pub(crate) fn hmac_sha256_raw(key: &[u8], parts: &[&[u8]]) -> Result<[u8; 32], Error> {
    let mut m = hmac_key(key)?;
    for p in parts {
        m.update(p);
    }
    Ok(m.finalize().into_bytes().into())
}

#[cfg(test)]
mod tests;
