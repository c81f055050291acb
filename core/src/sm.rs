//! The Chinese national algorithms (国密) outside the key model: the SM3
//! hash (GB/T 32905-2016 / GM/T 0004-2012) and SM2 digital signatures with a
//! distinguishing identifier (GB/T 32918.2-2016 / GM/T 0003.2-2012; test
//! vector of GM/T 0003.5-2012 Annex A). SM4 is a key [`Algorithm`](crate::keys::Algorithm)
//! (`Sm4`) and is used through [`crate::cup`]. Feature `sm`.
//!
//! SM2 signing: `e = SM3(Z_A || M)` with
//! `Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A)`
//! (GB/T 32918.2-2016 §5.5 and §6.1), where `ENTL_A` is the bit length of the
//! identifier as two bytes. The default identifier is the ASCII string
//! `1234567812345678` (GM/T 0009-2012 §10). Signatures are `r || s`
//! (64 bytes) or DER (`SEQUENCE { r INTEGER, s INTEGER }`, GM/T 0009-2012
//! §7.3), parsed strictly.
//!
//! The signature arithmetic is RustCrypto `sm2` 0.13 (fiat-crypto field
//! arithmetic, not independently audited; see [`crate::manual`]). Its
//! signing key type does not wipe itself, so paycore keeps the secret scalar
//! in [`Sm2SigningKey`] (zeroized on drop) and builds the signer only for
//! the duration of one signature.
//!
//! # Example
//! ```
//! use paycore::sm::{self, Sm2SigningKey, DEFAULT_SM2_ID};
//!
//! assert_eq!(
//!     sm::sm3(b"abc")[..4],
//!     [0x66, 0xC7, 0xF0, 0xF4] // GB/T 32905-2016 Annex A.1
//! );
//! let key = Sm2SigningKey::generate(&mut rand::rngs::OsRng);
//! let signature = key.sign(DEFAULT_SM2_ID, b"record", &mut rand::rngs::OsRng)?;
//! let public = key.public_key();
//! sm::sm2_verify(&public, DEFAULT_SM2_ID, b"record", &signature)?;
//! assert!(sm::sm2_verify(&public, b"ALICE123@YAHOO.COM", b"record", &signature).is_err());
//! # Ok::<(), paycore::Error>(())
//! ```

use core::fmt;

use rand_core::CryptoRngCore;
use sm2::dsa::signature::RandomizedSigner;
use sm2::dsa::signature::hazmat::PrehashVerifier;
use sm2::elliptic_curve::sec1::ToEncodedPoint;
use sm3::Digest;

use crate::error::{Error, SignError};

/// Length of an SM3 digest.
pub const SM3_LEN: usize = 32;
/// Length of an SM2 secret scalar.
pub const SM2_SECRET_LEN: usize = 32;
/// Length of an uncompressed SEC1 SM2 public key (`04 || x || y`).
pub const SM2_PUBLIC_LEN: usize = 65;
/// Length of an `r || s` SM2 signature.
pub const SM2_SIGNATURE_LEN: usize = 64;
/// Longest DER SM2 signature (two 33-byte INTEGERs in a SEQUENCE).
pub const SM2_DER_MAX_LEN: usize = 72;
/// The default distinguishing identifier, ASCII `1234567812345678`
/// (GM/T 0009-2012 §10).
pub const DEFAULT_SM2_ID: &[u8] = b"1234567812345678";
/// Longest distinguishing identifier: `ENTL` is 16 bits of bit length.
pub const MAX_SM2_ID_LEN: usize = 8191;

/// SM3 of `data` (GB/T 32905-2016).
#[must_use]
pub fn sm3(data: &[u8]) -> [u8; SM3_LEN] {
    sm3::Sm3::digest(data).into()
}

/// SM3 of the concatenation of `parts`.
#[must_use]
pub fn sm3_parts(parts: &[&[u8]]) -> [u8; SM3_LEN] {
    let mut h = sm3::Sm3::new();
    for part in parts {
        h.update(part);
    }
    h.finalize().into()
}

/// The SM2 curve coefficients and generator (GB/T 32918.5-2017 §5.2),
/// in the order `Z_A` hashes them: a, b, x_G, y_G.
const CURVE_PARAMS: [[u8; 32]; 4] = [
    hex32("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC"),
    hex32("28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93"),
    hex32("32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7"),
    hex32("BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0"),
];

const fn hex32(s: &str) -> [u8; 32] {
    let b = s.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = (nibble(b[2 * i]) << 4) | nibble(b[2 * i + 1]);
        i += 1;
    }
    out
}

const fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

fn check_id(id: &[u8]) -> Result<&str, Error> {
    if id.len() > MAX_SM2_ID_LEN {
        return Err(Error::invalid_argument("sm2 id"));
    }
    // The `sm2` crate takes the identifier as text; every identifier in
    // use (the GM/T default, e-mail style IDs) is ASCII.
    core::str::from_utf8(id).map_err(|_| Error::invalid_argument("sm2 id"))
}

fn public_point(public_key: &[u8]) -> Result<sm2::PublicKey, Error> {
    sm2::PublicKey::from_sec1_bytes(public_key).map_err(|_| SignError::MalformedKey.into())
}

/// `Z_A` for an identifier and a SEC1 public key (compressed or not)
/// (GB/T 32918.2-2016 §5.5).
///
/// # Errors
/// [`SignError::MalformedKey`] for a public key that is not a curve point;
/// `InvalidArgument("sm2 id")` for an identifier longer than
/// [`MAX_SM2_ID_LEN`] bytes or not UTF-8.
pub fn sm2_za(public_key: &[u8], id: &[u8]) -> Result<[u8; SM3_LEN], Error> {
    check_id(id)?;
    let point = public_point(public_key)?;
    let encoded = point.to_encoded_point(false);
    let bits = u16::try_from(id.len() * 8).map_err(|_| Error::invalid_argument("sm2 id"))?;
    let [a, b, xg, yg] = &CURVE_PARAMS;
    let (x, y) = match (encoded.x(), encoded.y()) {
        (Some(x), Some(y)) => (x.as_slice(), y.as_slice()),
        _ => return Err(SignError::MalformedKey.into()),
    };
    Ok(sm3_parts(&[&bits.to_be_bytes(), id, a, b, xg, yg, x, y]))
}

/// An SM2 signing key: the secret scalar, zeroized on drop; `Debug` is
/// redacted; no `Clone`.
pub struct Sm2SigningKey {
    secret: sm2::SecretKey,
}

impl Sm2SigningKey {
    /// A fresh key from `rng`.
    #[must_use]
    pub fn generate(rng: &mut impl CryptoRngCore) -> Self {
        Self {
            secret: sm2::SecretKey::random(rng),
        }
    }

    /// A key from its 32-byte big-endian secret scalar.
    ///
    /// # Errors
    /// [`SignError::MalformedKey`] unless `scalar` is 32 bytes in `[1, n-1]`.
    pub fn from_bytes(scalar: &[u8]) -> Result<Self, Error> {
        if scalar.len() != SM2_SECRET_LEN {
            return Err(SignError::MalformedKey.into());
        }
        let secret =
            sm2::SecretKey::from_slice(scalar).map_err(|_| Error::Sign(SignError::MalformedKey))?;
        Ok(Self { secret })
    }

    /// The secret scalar, for key export (CLI `sm2 keygen`).
    #[must_use]
    pub fn dangerous_export_secret(&self) -> crate::secret::SecretBytes<SM2_SECRET_LEN> {
        let bytes = zeroize::Zeroizing::new(self.secret.to_bytes());
        // A 32-byte scalar always fits the 32-byte buffer.
        crate::secret::SecretBytes::from_slice(bytes.as_slice())
            .unwrap_or_else(|_| crate::secret::SecretBytes::new())
    }

    /// The uncompressed SEC1 public key `04 || x || y`.
    #[must_use]
    pub fn public_key(&self) -> [u8; SM2_PUBLIC_LEN] {
        let mut out = [0u8; SM2_PUBLIC_LEN];
        let encoded = self.secret.public_key().to_encoded_point(false);
        let bytes = encoded.as_bytes();
        if let Some(dst) = out.get_mut(..bytes.len()) {
            dst.copy_from_slice(bytes);
        }
        out
    }

    /// Signs `message` for the signer identity `id`: `e = SM3(Z_A || M)`,
    /// then the SM2 signature with a nonce derived from the key, `e` and
    /// randomness from `rng` (hedged RFC 6979 style). Returns `r || s`.
    ///
    /// # Errors
    /// `InvalidArgument("sm2 id")` for an identifier longer than
    /// [`MAX_SM2_ID_LEN`] or not UTF-8; [`SignError::MalformedSignature`]
    /// if signing fails (not expected).
    pub fn sign(
        &self,
        id: &[u8],
        message: &[u8],
        rng: &mut impl CryptoRngCore,
    ) -> Result<[u8; SM2_SIGNATURE_LEN], Error> {
        let id = check_id(id)?;
        let signer = sm2::dsa::SigningKey::new(id, &self.secret)
            .map_err(|_| Error::invalid_argument("sm2 id"))?;
        let signature: sm2::dsa::Signature = signer
            .try_sign_with_rng(rng, message)
            .map_err(|_| Error::Sign(SignError::MalformedSignature))?;
        Ok(signature.to_bytes())
    }
}

impl fmt::Debug for Sm2SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sm2SigningKey { .. }")
    }
}

/// Verifies an SM2 signature (`r || s`, 64 bytes, or DER) over `message`
/// for the identity `id` and SEC1 public key `public_key`.
///
/// # Errors
/// [`SignError::MalformedKey`], [`SignError::MalformedSignature`] (the
/// encoding, or `r` or `s` outside `[1, n-1]`), `InvalidArgument("sm2 id")`;
/// [`Error::VerificationFailed`] if the signature does not verify (wrong
/// key, message or identifier).
pub fn sm2_verify(
    public_key: &[u8],
    id: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), Error> {
    let raw = if signature.len() == SM2_SIGNATURE_LEN {
        let mut raw = [0u8; SM2_SIGNATURE_LEN];
        raw.copy_from_slice(signature);
        raw
    } else {
        sm2_signature_from_der(signature)?
    };
    let sig = sm2::dsa::Signature::from_slice(&raw)
        .map_err(|_| Error::Sign(SignError::MalformedSignature))?;
    let za = sm2_za(public_key, id)?;
    let e = sm3_parts(&[&za, message]);
    let verifier = sm2::dsa::VerifyingKey::new(check_id(id)?, public_point(public_key)?)
        .map_err(|_| Error::Sign(SignError::MalformedKey))?;
    verifier
        .verify_prehash(&e, &sig)
        .map_err(|_| Error::VerificationFailed)
}

/// Encodes `r || s` as DER (`SEQUENCE { INTEGER r, INTEGER s }`, minimal
/// integers) into `out`; returns the length written.
///
/// # Errors
/// [`SignError::MalformedSignature`] unless `raw` is 64 bytes;
/// `BufferTooSmall` if `out` is shorter than the encoding.
pub fn sm2_signature_to_der(raw: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    let (r, s) = raw
        .split_at_checked(32)
        .filter(|(_, s)| s.len() == 32)
        .ok_or(Error::Sign(SignError::MalformedSignature))?;
    let mut buf = [0u8; SM2_DER_MAX_LEN];
    let mut n = 2;
    for int in [r, s] {
        let first = int.iter().position(|b| *b != 0).unwrap_or(31);
        let digits = int.get(first..).unwrap_or(&[]);
        let pad = usize::from(digits.first().copied().unwrap_or(0) >= 0x80);
        let len = digits.len() + pad;
        let dst = buf
            .get_mut(n..n + 2 + len)
            .ok_or(Error::Sign(SignError::MalformedSignature))?;
        dst[0] = 0x02;
        dst[1] = u8::try_from(len).map_err(|_| Error::Sign(SignError::MalformedSignature))?;
        dst[2 + pad..].copy_from_slice(digits);
        n += 2 + len;
    }
    buf[0] = 0x30;
    buf[1] = u8::try_from(n - 2).map_err(|_| Error::Sign(SignError::MalformedSignature))?;
    let provided = out.len();
    let dst =
        out.get_mut(..n)
            .ok_or(Error::ApiMisuse(crate::error::ApiMisuse::BufferTooSmall {
                required: n,
                provided,
            }))?;
    dst.copy_from_slice(buf.get(..n).unwrap_or(&[]));
    Ok(n)
}

/// Parses a DER SM2 signature strictly (definite short lengths, minimal
/// positive integers of at most 32 significant bytes, no trailing bytes)
/// into `r || s`.
///
/// # Errors
/// [`SignError::MalformedSignature`].
pub fn sm2_signature_from_der(der: &[u8]) -> Result<[u8; SM2_SIGNATURE_LEN], Error> {
    let bad = || Error::Sign(SignError::MalformedSignature);
    let (head, body) = der.split_at_checked(2).ok_or_else(bad)?;
    if head != [0x30, u8::try_from(body.len()).map_err(|_| bad())?] || body.len() > 0x7F {
        return Err(bad());
    }
    let mut out = [0u8; SM2_SIGNATURE_LEN];
    let mut rest = body;
    for half in out.chunks_exact_mut(32) {
        let (tl, tail) = rest.split_at_checked(2).ok_or_else(bad)?;
        let [0x02, len] = *tl else {
            return Err(bad());
        };
        let (int, tail) = tail.split_at_checked(usize::from(len)).ok_or_else(bad)?;
        match int {
            [] => return Err(bad()),
            [first, ..] if *first >= 0x80 => return Err(bad()),
            [0, second, ..] if *second < 0x80 => return Err(bad()),
            _ => {}
        }
        let digits = match int {
            [0, digits @ ..] if !digits.is_empty() => digits,
            _ => int,
        };
        let dst = half
            .get_mut(32usize.checked_sub(digits.len()).ok_or_else(bad)?..)
            .ok_or_else(bad)?;
        dst.copy_from_slice(digits);
        rest = tail;
    }
    if !rest.is_empty() {
        return Err(bad());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    #[test]
    fn der_round_trip_and_strictness() {
        let mut raw = [0u8; 64];
        raw[0] = 0x80;
        raw[31] = 1;
        raw[63] = 0x7F;
        let mut der = [0u8; SM2_DER_MAX_LEN];
        let n = sm2_signature_to_der(&raw, &mut der).unwrap();
        assert_eq!(&der[..n][..6], &[0x30, 0x26, 0x02, 0x21, 0x00, 0x80]);
        assert_eq!(&der[n - 3..n], &[0x02, 0x01, 0x7F]);
        assert_eq!(sm2_signature_from_der(&der[..n]).unwrap(), raw);
        // Trailing byte, non-minimal integer, negative integer.
        let mut long = der[..n].to_vec();
        long.push(0);
        assert!(sm2_signature_from_der(&long).is_err());
        assert!(sm2_signature_from_der(&h("3008020200010202007f")).is_err());
        assert!(sm2_signature_from_der(&h("300602018002017f")).is_err());
        assert!(sm2_signature_from_der(&[]).is_err());
        assert!(sm2_signature_to_der(&raw[..63], &mut der).is_err());
        assert!(sm2_signature_to_der(&raw, &mut der[..10]).is_err());
    }

    #[test]
    fn debug_is_redacted() {
        let k = Sm2SigningKey::from_bytes(&[1; 32]).unwrap();
        assert_eq!(format!("{k:?}"), "Sm2SigningKey { .. }");
        assert!(Sm2SigningKey::from_bytes(&[0; 32]).is_err());
        assert!(Sm2SigningKey::from_bytes(&[1; 31]).is_err());
    }
}
