//! ECDSA over P-256 with SHA-256 (FIPS 186-5 §6; SEC 1 v2): the device
//! signing key, signatures in raw `r || s` and DER form, and public keys in
//! SEC1 and SubjectPublicKeyInfo (RFC 5480) form.
//!
//! * Nonces are deterministic (RFC 6979 §3.2, HMAC-SHA256), so signing needs
//!   no RNG and cannot leak the key through a bad one.
//! * Signatures are produced low-S normalized (`s <= n/2`, as in BIP 62 /
//!   Bitcoin's malleability rule). Verification accepts high-S signatures
//!   only under [`SPolicy::AcceptHighS`]; [`SPolicy::RejectHighS`] refuses
//!   them, so a host can insist that each record has exactly one valid
//!   signature encoding.
//! * DER signatures (X9.62 `ECDSA-Sig-Value`) are parsed strictly: BER
//!   variants (long-form lengths, missing or extra leading zeros, trailing
//!   bytes) are always rejected, whatever the policy. An accepted DER
//!   signature therefore re-encodes to the same bytes.
//!
//! # Signature domains
//!
//! One device key signs several kinds of message, so every signature is
//! bound to the kind it was made for: paycore signs
//! `SHA-256(label || message)`, where `label` is a fixed ASCII string ending
//! in a NUL byte, one per [`Domain`]:
//!
//! | domain | label | made by | checked by |
//! |---|---|---|---|
//! | [`Domain::Record`] | `paycore/record/v2\0` | [`DeviceSigningKey::sign_record`] | [`VerifyingKey::verify_record`] |
//! | [`Domain::JournalEntry`] | `paycore/journal/v2\0` | [`JournalWriter::append`](super::journal::JournalWriter::append) | [`JournalEntry::verify`](super::journal::JournalEntry::verify) |
//! | [`Domain::Generic`] | `paycore/generic/v1\0` | [`DeviceSigningKey::sign`] | [`VerifyingKey::verify`] |
//!
//! The labels are prefix-free (each ends in its only NUL byte and no label
//! is a prefix of another), so the hash inputs of two domains never
//! coincide, and a signature made in one domain verifies in no other
//! (short of a SHA-256 collision). In particular the generic
//! [`sign`](DeviceSigningKey::sign), whatever bytes it is given, never
//! yields a valid record or journal signature.
//!
//! For interoperability with verifiers outside paycore,
//! [`sign_raw`](DeviceSigningKey::sign_raw) and
//! [`verify_raw`](VerifyingKey::verify_raw) are plain ECDSA-SHA256 over the
//! message itself (no label). They refuse any message that starts with
//! [`RESERVED_PREFIX`] (`paycore/`), which every label starts with, so a raw
//! signature can never be a signature of any domain either.
//!
//! # Example
//! ```
//! use paycore::sign::ecdsa::{DeviceSigningKey, SPolicy, Signature};
//!
//! let key = DeviceSigningKey::from_secret_scalar(&[0x11; 32])?;
//! let public = key.verifying_key();
//! let sig = key.sign(b"record bytes")?;
//! assert!(sig.is_low_s());
//! public.verify(b"record bytes", &sig, SPolicy::RejectHighS)?;
//! let mut der = [0u8; paycore::sign::ecdsa::MAX_DER_SIGNATURE_LEN];
//! let n = sig.encode_der(&mut der)?;
//! let parsed = Signature::from_der(&der[..n])?;
//! assert_eq!(parsed.to_raw(), sig.to_raw());
//! assert!(public.verify(b"other bytes", &sig, SPolicy::RejectHighS).is_err());
//! // A generic signature is not a raw one, nor the reverse.
//! assert!(public.verify_raw(b"record bytes", &sig, SPolicy::RejectHighS).is_err());
//! # Ok::<(), paycore::Error>(())
//! ```

use core::fmt;

use p256::ecdsa::signature::{DigestSigner, DigestVerifier, Signer, Verifier};
use rand_core::CryptoRngCore;
use sha2::{Digest, Sha256};

use super::record::TransactionRecord;
use crate::error::{Error, SignError};

/// Raw `r || s` signature length.
pub const SIGNATURE_LEN: usize = 64;
/// Longest DER `ECDSA-Sig-Value` for P-256.
pub const MAX_DER_SIGNATURE_LEN: usize = 72;
/// SEC1 compressed point length.
pub const SEC1_COMPRESSED_LEN: usize = 33;
/// SEC1 uncompressed point length.
pub const SEC1_UNCOMPRESSED_LEN: usize = 65;
/// DER SubjectPublicKeyInfo length for an uncompressed P-256 key.
pub const SPKI_DER_LEN: usize = 91;
/// Secret scalar length.
pub const SECRET_SCALAR_LEN: usize = 32;

/// The fixed DER prefix of a P-256 SubjectPublicKeyInfo with an
/// uncompressed point (RFC 5480 §2: `id-ecPublicKey`, `secp256r1`, BIT
/// STRING of 66 bytes); the 65-byte SEC1 point follows.
const SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// The prefix every domain label starts with. Raw signing and verification
/// ([`DeviceSigningKey::sign_raw`], [`VerifyingKey::verify_raw`]) refuse
/// messages that start with it.
pub const RESERVED_PREFIX: &[u8] = b"paycore/";

/// What a signature is for (see the module docs, "Signature domains").
/// Each domain hashes a distinct label before the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Domain {
    /// A transaction record encoding, version 2 ([`super::record`]).
    Record,
    /// A journal entry, version 2 ([`super::journal`]).
    JournalEntry,
    /// Any other message ([`DeviceSigningKey::sign`]).
    Generic,
}

impl Domain {
    /// The label hashed before the message: ASCII, NUL-terminated,
    /// starting with [`RESERVED_PREFIX`].
    #[must_use]
    pub const fn label(self) -> &'static [u8] {
        match self {
            Self::Record => b"paycore/record/v2\0",
            Self::JournalEntry => b"paycore/journal/v2\0",
            Self::Generic => b"paycore/generic/v1\0",
        }
    }

    /// SHA-256 state over the label then `message`.
    fn digest(self, message: &[u8]) -> Sha256 {
        Sha256::new_with_prefix(self.label()).chain_update(message)
    }
}

/// Refuses a raw message in the reserved namespace.
fn check_raw(message: &[u8]) -> Result<(), Error> {
    if message.starts_with(RESERVED_PREFIX) {
        return Err(Error::invalid_argument(
            "message (reserved prefix paycore/)",
        ));
    }
    Ok(())
}

/// Whether verification accepts a high-S signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SPolicy {
    /// Accept `s > n/2` (plain FIPS 186-5 verification).
    AcceptHighS,
    /// Reject `s > n/2` (non-malleable: only the low-S form verifies).
    RejectHighS,
}

/// An ECDSA P-256 signature.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature(p256::ecdsa::Signature);

impl Signature {
    /// Parses raw `r || s` (32 bytes each, big-endian).
    ///
    /// # Errors
    /// [`SignError::MalformedSignature`] for a wrong length or `r`/`s` not in `1..n`.
    pub fn from_raw(bytes: &[u8]) -> Result<Self, Error> {
        p256::ecdsa::Signature::from_slice(bytes)
            .map(Self)
            .map_err(|_| SignError::MalformedSignature.into())
    }

    /// Parses a strict DER `ECDSA-Sig-Value` (X9.62; ITU-T X.690 DER).
    ///
    /// # Errors
    /// [`SignError::MalformedSignature`] for any non-DER encoding or values
    /// out of range.
    pub fn from_der(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() > MAX_DER_SIGNATURE_LEN {
            return Err(SignError::MalformedSignature.into());
        }
        p256::ecdsa::Signature::from_der(bytes)
            .map(Self)
            .map_err(|_| SignError::MalformedSignature.into())
    }

    /// Raw `r || s`.
    #[must_use]
    pub fn to_raw(self) -> [u8; SIGNATURE_LEN] {
        self.0.to_bytes().into()
    }

    /// Writes the DER form into `out` and returns its length (at most
    /// [`MAX_DER_SIGNATURE_LEN`]).
    ///
    /// # Errors
    /// [`ApiMisuse::BufferTooSmall`](crate::error::ApiMisuse) if `out` is short.
    pub fn encode_der(&self, out: &mut [u8]) -> Result<usize, Error> {
        let der = self.0.to_der();
        let bytes = der.as_bytes();
        let provided = out.len();
        out.get_mut(..bytes.len())
            .ok_or(Error::buffer_too_small(bytes.len(), provided))?
            .copy_from_slice(bytes);
        Ok(bytes.len())
    }

    /// True if `s <= n/2`.
    #[must_use]
    pub fn is_low_s(&self) -> bool {
        self.0.normalize_s().is_none()
    }

    /// The low-S form of this signature (itself if already low-S).
    #[must_use]
    pub fn normalize_s(&self) -> Self {
        Self(self.0.normalize_s().unwrap_or(self.0))
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signature(")?;
        for b in self.to_raw() {
            write!(f, "{b:02X}")?;
        }
        f.write_str(")")
    }
}

/// The device's ECDSA P-256 signing key. The secret scalar is zeroized on
/// drop (p256's `SigningKey` is `ZeroizeOnDrop`); `Debug` prints
/// `DeviceSigningKey { .. }`; no `Clone`.
pub struct DeviceSigningKey(p256::ecdsa::SigningKey);

impl DeviceSigningKey {
    /// Generates a fresh key from the caller's cryptographic RNG.
    #[must_use]
    pub fn generate(rng: &mut impl CryptoRngCore) -> Self {
        Self(p256::ecdsa::SigningKey::random(rng))
    }

    /// Imports a secret scalar (32 bytes, big-endian, `1..n`).
    ///
    /// # Errors
    /// [`SignError::MalformedKey`] for a wrong length, zero or a value `>= n`.
    pub fn from_secret_scalar(scalar: &[u8]) -> Result<Self, Error> {
        if scalar.len() != SECRET_SCALAR_LEN {
            return Err(SignError::MalformedKey.into());
        }
        p256::ecdsa::SigningKey::from_slice(scalar)
            .map(Self)
            .map_err(|_| SignError::MalformedKey.into())
    }

    /// The secret scalar, for sealed backup or provisioning only.
    #[must_use]
    pub fn dangerous_export_secret_scalar(&self) -> crate::secret::SecretBytes<SECRET_SCALAR_LEN> {
        let mut bytes: [u8; SECRET_SCALAR_LEN] = self.0.to_bytes().into();
        // EXPOSE: the caller asked for the scalar with a dangerous_ call;
        // from_array wipes the stack copy.
        crate::secret::SecretBytes::from_array(&mut bytes)
    }

    /// The matching public key.
    #[must_use]
    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey(*self.0.verifying_key())
    }

    /// Signs `message` in the [`Domain::Generic`] domain: ECDSA over
    /// `SHA-256("paycore/generic/v1\0" || message)`, RFC 6979 nonce, low-S.
    /// Such a signature never verifies as a record or journal signature,
    /// nor under [`VerifyingKey::verify_raw`].
    ///
    /// # Errors
    /// [`SignError::MalformedKey`] in the (negligible) event that signing fails.
    pub fn sign(&self, message: &[u8]) -> Result<Signature, Error> {
        self.sign_in(Domain::Generic, message)
    }

    /// Signs `message` in `domain` (crate-internal: the record and journal
    /// domains are reachable only through their own encoders).
    pub(crate) fn sign_in(&self, domain: Domain, message: &[u8]) -> Result<Signature, Error> {
        let sig: p256::ecdsa::Signature = self
            .0
            .try_sign_digest(domain.digest(message))
            .map_err(|_| Error::Sign(SignError::MalformedKey))?;
        Ok(Signature(sig.normalize_s().unwrap_or(sig)))
    }

    /// Plain ECDSA-SHA256 over `message` itself, with no domain label
    /// (FIPS 186-5 §6.4; RFC 6979 nonce; low-S), for verifiers outside
    /// paycore and for the RFC 6979 known answers. Refuses a message
    /// starting with [`RESERVED_PREFIX`], so it cannot produce a signature
    /// of any [`Domain`].
    ///
    /// # Errors
    /// [`ApiMisuse::InvalidArgument`](crate::error::ApiMisuse) `message` for
    /// a message in the reserved namespace; [`SignError::MalformedKey`] in
    /// the (negligible) event that signing fails.
    pub fn sign_raw(&self, message: &[u8]) -> Result<Signature, Error> {
        check_raw(message)?;
        let sig: p256::ecdsa::Signature = self
            .0
            .try_sign(message)
            .map_err(|_| Error::Sign(SignError::MalformedKey))?;
        Ok(Signature(sig.normalize_s().unwrap_or(sig)))
    }

    /// Encodes `record` into `scratch` (see [`TransactionRecord::encode`])
    /// and signs the encoding in the [`Domain::Record`] domain: ECDSA over
    /// `SHA-256("paycore/record/v2\0" || encoding)`. Returns the signature
    /// and the encoded length; send `scratch[..len]` with the signature.
    ///
    /// # Errors
    /// As [`TransactionRecord::encode`] and [`sign`](Self::sign).
    pub fn sign_record(
        &self,
        record: &TransactionRecord<'_>,
        scratch: &mut [u8],
    ) -> Result<(Signature, usize), Error> {
        let len = record.encode(scratch)?;
        let bytes = scratch.get(..len).ok_or(Error::buffer_too_small(len, 0))?;
        Ok((self.sign_in(Domain::Record, bytes)?, len))
    }
}

impl fmt::Debug for DeviceSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeviceSigningKey { .. }")
    }
}

/// An ECDSA P-256 public key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct VerifyingKey(p256::ecdsa::VerifyingKey);

impl VerifyingKey {
    /// Parses a SEC1 point (compressed or uncompressed; SEC 1 v2 §2.3.4).
    ///
    /// # Errors
    /// [`SignError::MalformedKey`] if the bytes are not a point on P-256.
    pub fn from_sec1(bytes: &[u8]) -> Result<Self, Error> {
        p256::ecdsa::VerifyingKey::from_sec1_bytes(bytes)
            .map(Self)
            .map_err(|_| SignError::MalformedKey.into())
    }

    /// Parses a DER SubjectPublicKeyInfo (RFC 5480) holding a P-256 key.
    ///
    /// # Errors
    /// [`SignError::MalformedKey`] for anything else.
    pub fn from_spki_der(bytes: &[u8]) -> Result<Self, Error> {
        use p256::pkcs8::DecodePublicKey;
        p256::ecdsa::VerifyingKey::from_public_key_der(bytes)
            .map(Self)
            .map_err(|_| SignError::MalformedKey.into())
    }

    /// SEC1 compressed point.
    #[must_use]
    pub fn to_sec1_compressed(self) -> [u8; SEC1_COMPRESSED_LEN] {
        let point = self.0.to_encoded_point(true);
        let mut out = [0u8; SEC1_COMPRESSED_LEN];
        out.iter_mut()
            .zip(point.as_bytes())
            .for_each(|(o, b)| *o = *b);
        out
    }

    /// SEC1 uncompressed point (`0x04 || x || y`).
    #[must_use]
    pub fn to_sec1_uncompressed(self) -> [u8; SEC1_UNCOMPRESSED_LEN] {
        let point = self.0.to_encoded_point(false);
        let mut out = [0u8; SEC1_UNCOMPRESSED_LEN];
        out.iter_mut()
            .zip(point.as_bytes())
            .for_each(|(o, b)| *o = *b);
        out
    }

    /// DER SubjectPublicKeyInfo (RFC 5480) with the uncompressed point.
    #[must_use]
    pub fn to_spki_der(self) -> [u8; SPKI_DER_LEN] {
        let mut out = [0u8; SPKI_DER_LEN];
        out.iter_mut()
            .zip(SPKI_PREFIX.iter().chain(self.to_sec1_uncompressed().iter()))
            .for_each(|(o, b)| *o = *b);
        out
    }

    /// Verifies a [`Domain::Generic`] signature over `message` (see
    /// [`DeviceSigningKey::sign`]). Record, journal and raw signatures fail.
    ///
    /// # Errors
    /// [`Error::VerificationFailed`] if it does not verify, or if it is
    /// high-S under [`SPolicy::RejectHighS`].
    pub fn verify(
        &self,
        message: &[u8],
        signature: &Signature,
        policy: SPolicy,
    ) -> Result<(), Error> {
        self.verify_in(Domain::Generic, message, signature, policy)
    }

    /// Verifies a signature of `domain` over `message` (crate-internal).
    pub(crate) fn verify_in(
        &self,
        domain: Domain,
        message: &[u8],
        signature: &Signature,
        policy: SPolicy,
    ) -> Result<(), Error> {
        if policy == SPolicy::RejectHighS && !signature.is_low_s() {
            return Err(Error::VerificationFailed);
        }
        // (r, s) and (r, n - s) verify alike; normalizing first makes the
        // outcome independent of the backend's own high-S stance.
        self.0
            .verify_digest(domain.digest(message), &signature.normalize_s().0)
            .map_err(|_| Error::VerificationFailed)
    }

    /// Verifies a plain ECDSA-SHA256 signature over `message` itself (no
    /// domain label; FIPS 186-5 §6.5), as made by
    /// [`DeviceSigningKey::sign_raw`] or by a signer outside paycore.
    /// Refuses a message starting with [`RESERVED_PREFIX`], so a record,
    /// journal or generic signature never passes as a raw one.
    ///
    /// # Errors
    /// [`ApiMisuse::InvalidArgument`](crate::error::ApiMisuse) `message` for
    /// a message in the reserved namespace; [`Error::VerificationFailed`]
    /// as [`verify`](Self::verify).
    pub fn verify_raw(
        &self,
        message: &[u8],
        signature: &Signature,
        policy: SPolicy,
    ) -> Result<(), Error> {
        check_raw(message)?;
        if policy == SPolicy::RejectHighS && !signature.is_low_s() {
            return Err(Error::VerificationFailed);
        }
        self.0
            .verify(message, &signature.normalize_s().0)
            .map_err(|_| Error::VerificationFailed)
    }

    /// Verifies a DER [`Domain::Generic`] signature; malformed DER is
    /// always rejected.
    ///
    /// # Errors
    /// [`SignError::MalformedSignature`] for bad DER, then as [`verify`](Self::verify).
    pub fn verify_der(&self, message: &[u8], der: &[u8], policy: SPolicy) -> Result<(), Error> {
        self.verify(message, &Signature::from_der(der)?, policy)
    }

    /// Verifies the [`Domain::Record`] signature over an encoded record,
    /// then decodes it. The record is returned only if the signature
    /// verifies. A record of another encoding version (such as version 1,
    /// whose signatures carried no domain label) is refused before any
    /// signature check.
    ///
    /// # Errors
    /// [`SignError::MalformedRecord`] at offset 0 for an encoding version
    /// other than [`record::VERSION`](super::record::VERSION);
    /// [`Error::VerificationFailed`], then as [`TransactionRecord::decode`].
    pub fn verify_record<'a>(
        &self,
        encoded: &'a [u8],
        signature: &Signature,
        policy: SPolicy,
    ) -> Result<TransactionRecord<'a>, Error> {
        if encoded.first() != Some(&super::record::VERSION) {
            return Err(SignError::MalformedRecord { offset: 0 }.into());
        }
        self.verify_in(Domain::Record, encoded, signature, policy)?;
        TransactionRecord::decode(encoded)
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("VerifyingKey(")?;
        for b in self.to_sec1_compressed() {
            write!(f, "{b:02X}")?;
        }
        f.write_str(")")
    }
}
