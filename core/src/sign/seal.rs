//! Sealing data for the host: ECIES-style hybrid encryption with ECDH
//! P-256, HKDF-SHA256 and AES-256-GCM.
//!
//! # Construction (version 1)
//!
//! 1. The terminal draws an ephemeral P-256 key pair `(e, E)` from the
//!    caller's RNG and computes the ECDH shared secret `Z` = x-coordinate of
//!    `e·R` (SEC 1 v2 §3.3.1; 32 bytes), where `R` is the host's public key.
//! 2. `K = HKDF-SHA256(IKM = Z, salt = E || R, info = "paycore seal v1 AES-256-GCM", L = 32)`
//!    (RFC 5869), with `E` and `R` as 65-byte SEC1 uncompressed points.
//! 3. A 12-byte nonce `N` is drawn from the RNG (`K` is fresh for every
//!    envelope, so the nonce is defence in depth).
//! 4. `C || T = AES-256-GCM(K, N, AAD = caller's associated data, plaintext)`
//!    (NIST SP 800-38D, 16-byte tag).
//!
//! The envelope is
//!
//! ```text
//! offset  length  field
//! 0       1       version = 0x01
//! 1       65      E, SEC1 uncompressed (0x04 || x || y)
//! 66      12      N
//! 78      n       C (same length as the plaintext)
//! 78+n    16      T
//! ```
//!
//! so it is [`OVERHEAD`] bytes longer than the plaintext. The associated data
//! (for example the encoded transaction record that the sealed card data
//! belongs to) is not carried in the envelope; the host must supply the same
//! bytes to open it. Changing any byte of the envelope or of the associated
//! data makes [`open`] fail with [`Error::VerificationFailed`] (or
//! [`SignError::MalformedEnvelope`] when the version or point no longer
//! parses), and no plaintext is released.
//!
//! # Example
//! ```
//! use paycore::sign::seal::{self, RecipientSecretKey, OVERHEAD};
//! # use rand_core::{CryptoRng, RngCore};
//! # struct Rng(u64);
//! # impl RngCore for Rng {
//! #     fn next_u32(&mut self) -> u32 { self.next_u64() as u32 }
//! #     fn next_u64(&mut self) -> u64 { self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1); self.0 }
//! #     fn fill_bytes(&mut self, d: &mut [u8]) { for b in d { *b = self.next_u64() as u8 } }
//! #     fn try_fill_bytes(&mut self, d: &mut [u8]) -> Result<(), rand_core::Error> { self.fill_bytes(d); Ok(()) }
//! # }
//! # impl CryptoRng for Rng {}
//! # let mut rng = Rng(1); // tests only: use the OS RNG in real code
//! let host = RecipientSecretKey::generate(&mut rng);
//! let host_public = host.public_key();
//!
//! let mut envelope = [0u8; 4 + OVERHEAD];
//! let n = seal::seal(&host_public, b"record", b"card", &mut rng, &mut envelope)?;
//! let mut clear = [0u8; 4];
//! let m = seal::open(&host, b"record", &envelope[..n], &mut clear)?;
//! assert_eq!(&clear[..m], b"card");
//! assert!(seal::open(&host, b"other record", &envelope[..n], &mut clear).is_err());
//! # Ok::<(), paycore::Error>(())
//! ```
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use core::fmt;

use hkdf::Hkdf;
use rand_core::CryptoRngCore;
use sha2::Sha256;
use zeroize::Zeroize;

use crate::aead::{self, NONCE_LEN, TAG_LEN};
use crate::error::{Error, SignError};
use crate::keys::Algorithm;

/// Envelope version byte.
pub const VERSION: u8 = 0x01;
/// HKDF info string.
pub const HKDF_INFO: &[u8] = b"paycore seal v1 AES-256-GCM";
/// SEC1 uncompressed point length.
const POINT_LEN: usize = 65;
/// Header length: version, ephemeral point, nonce.
pub const HEADER_LEN: usize = 1 + POINT_LEN + NONCE_LEN;
/// Envelope length minus plaintext length.
pub const OVERHEAD: usize = HEADER_LEN + TAG_LEN;

/// The host's public key, to which terminals seal.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RecipientPublicKey(p256::PublicKey);

impl RecipientPublicKey {
    /// Parses a SEC1 point (compressed or uncompressed).
    ///
    /// # Errors
    /// [`SignError::MalformedKey`] if it is not a P-256 point.
    pub fn from_sec1(bytes: &[u8]) -> Result<Self, Error> {
        p256::PublicKey::from_sec1_bytes(bytes)
            .map(Self)
            .map_err(|_| SignError::MalformedKey.into())
    }

    /// SEC1 uncompressed point.
    #[must_use]
    pub fn to_sec1_uncompressed(self) -> [u8; POINT_LEN] {
        uncompressed(&self.0)
    }
}

impl fmt::Debug for RecipientPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecipientPublicKey(")?;
        for b in self.to_sec1_uncompressed() {
            write!(f, "{b:02X}")?;
        }
        f.write_str(")")
    }
}

/// The host's secret key that opens envelopes. Zeroized on drop; `Debug`
/// prints `RecipientSecretKey { .. }`; no `Clone`.
pub struct RecipientSecretKey(p256::SecretKey);

impl RecipientSecretKey {
    /// Generates a key from the caller's cryptographic RNG.
    #[must_use]
    pub fn generate(rng: &mut impl CryptoRngCore) -> Self {
        Self(p256::SecretKey::random(rng))
    }

    /// Imports a secret scalar (32 bytes, big-endian, `1..n`).
    ///
    /// # Errors
    /// [`SignError::MalformedKey`] otherwise.
    pub fn from_secret_scalar(scalar: &[u8]) -> Result<Self, Error> {
        if scalar.len() != 32 {
            return Err(SignError::MalformedKey.into());
        }
        p256::SecretKey::from_slice(scalar)
            .map(Self)
            .map_err(|_| SignError::MalformedKey.into())
    }

    /// The matching public key.
    #[must_use]
    pub fn public_key(&self) -> RecipientPublicKey {
        RecipientPublicKey(self.0.public_key())
    }
}

impl fmt::Debug for RecipientSecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecipientSecretKey { .. }")
    }
}

fn uncompressed(key: &p256::PublicKey) -> [u8; POINT_LEN] {
    use p256::elliptic_curve::sec1::ToEncodedPoint;
    let point = key.to_encoded_point(false);
    let mut out = [0u8; POINT_LEN];
    out.iter_mut()
        .zip(point.as_bytes())
        .for_each(|(o, b)| *o = *b);
    out
}

/// HKDF-SHA256 from the shared secret to the AES-256 key.
fn derive_key(
    shared: &p256::ecdh::SharedSecret,
    ephemeral: &[u8; POINT_LEN],
    recipient: &[u8; POINT_LEN],
) -> Result<[u8; 32], Error> {
    let mut salt = [0u8; 2 * POINT_LEN];
    salt.iter_mut()
        .zip(ephemeral.iter().chain(recipient.iter()))
        .for_each(|(s, b)| *s = *b);
    let hk = Hkdf::<Sha256>::new(Some(&salt), shared.raw_secret_bytes());
    let mut key = [0u8; 32];
    hk.expand(HKDF_INFO, &mut key)
        .map_err(|_| Error::invalid_argument("hkdf length"))?;
    Ok(key)
}

/// Seals `plaintext` to `recipient`, binding `aad`, into `out`; returns the
/// envelope length (`plaintext.len() + OVERHEAD`).
///
/// # Errors
/// [`ApiMisuse::BufferTooSmall`](crate::error::ApiMisuse) if `out` is short.
pub fn seal(
    recipient: &RecipientPublicKey,
    aad: &[u8],
    plaintext: &[u8],
    rng: &mut impl CryptoRngCore,
    out: &mut [u8],
) -> Result<usize, Error> {
    let total = plaintext.len() + OVERHEAD;
    let provided = out.len();
    let out = out
        .get_mut(..total)
        .ok_or(Error::buffer_too_small(total, provided))?;
    let ephemeral = p256::ecdh::EphemeralSecret::random(rng);
    let e_point = uncompressed(&ephemeral.public_key());
    let r_point = recipient.to_sec1_uncompressed();
    let shared = ephemeral.diffie_hellman(&recipient.0);
    let mut key = derive_key(&shared, &e_point, &r_point)?;
    let mut nonce = [0u8; NONCE_LEN];
    rng.try_fill_bytes(&mut nonce)
        .map_err(|_| Error::RandomFailure)?;

    let (header, rest) = out
        .split_at_mut_checked(HEADER_LEN)
        .ok_or(Error::buffer_too_small(total, provided))?;
    let (body, tag_out) = rest
        .split_at_mut_checked(plaintext.len())
        .ok_or(Error::buffer_too_small(total, provided))?;
    header
        .iter_mut()
        .zip(
            core::iter::once(&VERSION)
                .chain(e_point.iter())
                .chain(nonce.iter()),
        )
        .for_each(|(o, b)| *o = *b);
    body.copy_from_slice(plaintext);
    let result = aead::seal_raw(Algorithm::Aes256, &key, &nonce, aad, body);
    key.zeroize();
    let tag = result?;
    tag_out.copy_from_slice(&tag);
    Ok(total)
}

/// Opens `envelope` with the host's secret key, checking `aad`; writes the
/// plaintext into `out` and returns its length. On failure nothing of the
/// plaintext is left in `out`.
///
/// # Errors
/// [`SignError::MalformedEnvelope`] if the envelope is too short, has
/// another version or its ephemeral point is not on P-256;
/// [`Error::VerificationFailed`] if the tag does not verify (any altered
/// byte, wrong key or wrong AAD);
/// [`ApiMisuse::BufferTooSmall`](crate::error::ApiMisuse) if `out` is short.
pub fn open(
    recipient: &RecipientSecretKey,
    aad: &[u8],
    envelope: &[u8],
    out: &mut [u8],
) -> Result<usize, Error> {
    let malformed = || Error::Sign(SignError::MalformedEnvelope);
    let (header, rest) = envelope
        .split_at_checked(HEADER_LEN)
        .ok_or_else(malformed)?;
    let body_len = rest.len().checked_sub(TAG_LEN).ok_or_else(malformed)?;
    let (body, tag) = rest.split_at_checked(body_len).ok_or_else(malformed)?;
    let (version, header_rest) = header.split_first().ok_or_else(malformed)?;
    if *version != VERSION {
        return Err(malformed());
    }
    let (point, nonce) = header_rest
        .split_at_checked(POINT_LEN)
        .ok_or_else(malformed)?;
    let e_point: [u8; POINT_LEN] = point.try_into().map_err(|_| malformed())?;
    let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| malformed())?;
    let tag: [u8; TAG_LEN] = tag.try_into().map_err(|_| malformed())?;
    // Only the uncompressed form is produced; accept nothing else so the
    // envelope has one encoding.
    if e_point.first() != Some(&0x04) {
        return Err(malformed());
    }
    let ephemeral = p256::PublicKey::from_sec1_bytes(&e_point).map_err(|_| malformed())?;
    let provided = out.len();
    let out = out
        .get_mut(..body_len)
        .ok_or(Error::buffer_too_small(body_len, provided))?;
    let r_point = uncompressed(&recipient.0.public_key());
    let shared = p256::ecdh::diffie_hellman(recipient.0.to_nonzero_scalar(), ephemeral.as_affine());
    let mut key = derive_key(&shared, &e_point, &r_point)?;
    out.copy_from_slice(body);
    let result = aead::open_raw(Algorithm::Aes256, &key, &nonce, aad, out, &tag);
    key.zeroize();
    result?;
    Ok(body_len)
}
