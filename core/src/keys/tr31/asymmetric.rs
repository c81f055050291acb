//! Asymmetric private keys in key blocks (ANSI X9.143-2022 §6.3.2 Table 5,
//! key usages `S0`, `S1`, `S2`; algorithms `R` RSA, `E` elliptic curve,
//! `S` DSA): the key data is the DER encoding of the private key (X9.143
//! §8.5 RSA `RSAPrivateKey`, §8.6 EC `ECPrivateKey`, RFC 5915). These
//! payloads are longer than any symmetric key, so this path needs `alloc`.

#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use rand_core::CryptoRngCore;
use zeroize::Zeroize;

use super::header::{HeaderAlgorithm, KeyBlockHeader, OptionalBlock, OptionalBlockId};
use super::wrap::{
    Sealed, UnwrapPolicy, block_len, canonical_header_len, check_kbpk, split_key_data, write_block,
};
use crate::error::{Error, KeyError, SignError, Tr31Error};
use crate::keys::{Exportability, Key, KeyAttributes, KeyUsage, ModeOfUse, Operation};
use crate::sign::ecdsa::DeviceSigningKey;

/// Largest private key accepted, in bytes: the key length field counts
/// bits in 16 bits, and a key block holds at most 9999 characters.
pub const MAX_PRIVATE_KEY_LEN: usize = 4096;

/// Key usages of asymmetric key pairs (X9.143 Table 5).
const ASYMMETRIC_USAGES: [KeyUsage; 3] = [
    KeyUsage::AsymmetricSignature,
    KeyUsage::AsymmetricCa,
    KeyUsage::AsymmetricOther,
];

/// A heap buffer that is zeroized on drop and never reallocated; `Debug`
/// prints `SecretVec { .. }`.
pub(super) struct SecretVec(Vec<u8>);

impl SecretVec {
    /// `len` zero bytes, allocated once.
    pub(super) fn zeroed(len: usize) -> Self {
        Self(alloc::vec![0u8; len])
    }

    pub(super) fn as_mut_slice(&mut self) -> &mut [u8] {
        self.0.as_mut_slice()
    }

    fn as_slice(&self) -> &[u8] {
        self.0.as_slice()
    }
}

impl Drop for SecretVec {
    fn drop(&mut self) {
        self.0.as_mut_slice().zeroize();
    }
}

impl zeroize::ZeroizeOnDrop for SecretVec {}

impl fmt::Debug for SecretVec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretVec { .. }")
    }
}

/// An asymmetric private key unwrapped from a key block: its DER
/// encoding, with the authenticated header. Zeroized on drop; `Debug`
/// shows the header only.
pub struct UnwrappedPrivateKey<'a> {
    header: KeyBlockHeader<'a>,
    der: SecretVec,
}

impl<'a> UnwrappedPrivateKey<'a> {
    /// The authenticated header.
    #[must_use]
    pub const fn header(&self) -> &KeyBlockHeader<'a> {
        &self.header
    }

    /// Length of the DER private key in bytes.
    #[must_use]
    pub fn der_len(&self) -> usize {
        self.der.as_slice().len()
    }

    /// The DER private key, for export paths. Refused when the block
    /// marks the key non-exportable (`N`), as for symmetric keys.
    ///
    /// # Errors
    /// [`KeyError::NotExportable`].
    pub fn dangerous_expose_der(&self) -> Result<&[u8], Error> {
        self.header.exportability().ensure_exportable()?;
        // EXPOSE: the caller asked for the clear private key with a dangerous_ call.
        Ok(self.der.as_slice())
    }

    /// The key as the crate's ECDSA P-256 signing key, for a terminal that
    /// receives its signing key in a key block. The block must declare an
    /// EC key (`E`) for signatures: usage `S0` with mode of use `S`
    /// (signature only), `T` or `N`; the DER must be an RFC 5915
    /// `ECPrivateKey` on P-256 (named curve, if present, `prime256v1`), and
    /// its public key, if present, must match the private scalar.
    /// Exportability does not matter: the key stays in a secret type.
    ///
    /// # Errors
    /// [`Tr31Error::AlgorithmMismatch`] for another algorithm,
    /// [`KeyError::UsageNotPermitted`] / [`KeyError::ModeNotPermitted`],
    /// [`SignError::MalformedKey`] for any other DER or curve.
    pub fn to_ecdsa_p256(&self) -> Result<DeviceSigningKey, Error> {
        if self.header.algorithm() != HeaderAlgorithm::EllipticCurve {
            return Err(Tr31Error::AlgorithmMismatch.into());
        }
        if self.header.key_usage() != KeyUsage::AsymmetricSignature {
            return Err(KeyError::UsageNotPermitted.into());
        }
        if !matches!(
            self.header.mode_of_use(),
            ModeOfUse::Sign | ModeOfUse::SignDecrypt | ModeOfUse::NoRestrictions
        ) {
            return Err(KeyError::ModeNotPermitted.into());
        }
        // EXPOSE: parsed into the signing key, which zeroizes its scalar.
        let parsed = parse_ec_private_key(self.der.as_slice())?;
        let key = DeviceSigningKey::from_secret_scalar(parsed.scalar)?;
        if let Some(public) = parsed.public_key {
            let ours = key.verifying_key().to_sec1_uncompressed();
            if public != ours.as_slice() {
                return Err(SignError::MalformedKey.into());
            }
        }
        Ok(key)
    }
}

impl fmt::Debug for UnwrappedPrivateKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnwrappedPrivateKey")
            .field("header", &self.header)
            .finish_non_exhaustive()
    }
}

/// Unwraps an asymmetric private key block under the default
/// [`UnwrapPolicy::STRICT`]. See [`unwrap_private_key_with`].
///
/// # Errors
/// As [`unwrap_private_key_with`].
pub fn unwrap_private_key<'a>(
    kbpk: &Key,
    block: &'a str,
) -> Result<UnwrappedPrivateKey<'a>, Error> {
    unwrap_private_key_with(kbpk, block, UnwrapPolicy::STRICT)
}

/// Verifies and decrypts a key block carrying an asymmetric private key
/// (usage `S0`, `S1` or `S2`; algorithm `R`, `E` or `S`). The
/// authenticator is verified in constant time before the payload is used;
/// the key data must be a single DER `SEQUENCE` of the declared length.
///
/// # Errors
/// - as [`super::unwrap_with`] for the header, policy, KBPK, lengths, hex
///   and authenticator ([`Error::VerificationFailed`]);
/// - [`KeyError::UsageNotPermitted`] if the usage is not `S0`-`S2`,
///   [`Tr31Error::AlgorithmMismatch`] if the algorithm is not `R`/`E`/`S`
///   (checked before any cryptography);
/// - [`Tr31Error::InvalidKeyLength`] if the key data's length field or the
///   DER framing is wrong.
pub fn unwrap_private_key_with<'a>(
    kbpk: &Key,
    block: &'a str,
    policy: UnwrapPolicy,
) -> Result<UnwrappedPrivateKey<'a>, Error> {
    let sealed = Sealed::parse(kbpk, block, policy)?;
    check_asymmetric_header(&sealed.header)?;
    let mut data = SecretVec::zeroed(sealed.data_len);
    sealed.open(kbpk, data.as_mut_slice())?;
    let (material, _padding) = split_key_data(data.as_slice(), MAX_PRIVATE_KEY_LEN)?;
    if der_sequence_len(material) != Some(material.len()) {
        return Err(Tr31Error::InvalidKeyLength.into());
    }
    let mut der = SecretVec::zeroed(material.len());
    der.as_mut_slice().copy_from_slice(material);
    Ok(UnwrappedPrivateKey {
        header: sealed.header,
        der,
    })
}

/// Wraps a DER private key under a header template such as
/// `"D0000S0ES00E0000"` (usage `S0`-`S2`, algorithm `R`/`E`/`S`, version
/// B, D or E): length digits recomputed, optional blocks kept (sorted,
/// padding block recomputed), key data padded with random bytes to the
/// cipher block (none for E).
///
/// # Errors
/// Header errors from [`KeyBlockHeader::parse`];
/// [`KeyError::UsageNotPermitted`] / [`Tr31Error::AlgorithmMismatch`] for a
/// symmetric template; [`Tr31Error::UnsupportedVersion`] for A/C;
/// [`Tr31Error::InvalidKeyLength`] if `der` is not one DER `SEQUENCE` or
/// is longer than [`MAX_PRIVATE_KEY_LEN`]; KBPK errors as
/// [`super::wrap`]; [`Tr31Error::TooLong`] above 9999 characters.
pub fn wrap_private_key(
    kbpk: &Key,
    der: &[u8],
    header: &str,
    rng: &mut impl CryptoRngCore,
) -> Result<String, Error> {
    let template = KeyBlockHeader::parse(header)?;
    let version = template.version();
    let n = version.cipher_block_len();
    let padding_len = if version.pads_to_block() {
        (n - (2 + der.len()) % n) % n
    } else {
        0
    };
    let mut padding = [0u8; 16];
    let padding = padding
        .get_mut(..padding_len)
        .ok_or(Error::invalid_argument("padding"))?;
    rng.fill_bytes(padding);
    wrap_private_key_with_padding(kbpk, der, header, padding)
}

/// [`wrap_private_key`] with caller-chosen padding (tests, published
/// vectors): `2 + der.len() + padding.len()` must be a multiple of the
/// cipher block length for B and D (any length for E).
///
/// # Errors
/// As [`wrap_private_key`]; [`crate::error::ApiMisuse::InvalidArgument`]
/// (`padding`) if the padding does not align the key data.
pub fn wrap_private_key_with_padding(
    kbpk: &Key,
    der: &[u8],
    header: &str,
    padding: &[u8],
) -> Result<String, Error> {
    let template = KeyBlockHeader::parse(header)?;
    let version = template.version();
    if version.is_legacy() {
        return Err(Tr31Error::UnsupportedVersion.into());
    }
    check_kbpk(kbpk, version, Operation::Encrypt)?;
    check_asymmetric_header(&template)?;
    if der.len() > MAX_PRIVATE_KEY_LEN || der_sequence_len(der) != Some(der.len()) {
        return Err(Tr31Error::InvalidKeyLength.into());
    }
    let blocks: Vec<OptionalBlock<'_>> = template
        .optional_blocks()
        .filter(|b| b.id() != OptionalBlockId::PB)
        .collect();
    let (header_len, _, _) = canonical_header_len(&blocks, version.cipher_block_len())?;
    let total = block_len(version, header_len, 2 + der.len() + padding.len())?;
    let mut out = alloc::vec![0u8; total];
    let attrs: KeyAttributes = template.key_attributes();
    let n = write_block(
        kbpk,
        der,
        template.algorithm(),
        attrs,
        version,
        &blocks,
        padding,
        &mut out,
    )?;
    out.truncate(n);
    String::from_utf8(out).map_err(|_| Error::invalid_argument("block"))
}

/// Usage `S0`-`S2` and algorithm `R`, `E` or `S`.
fn check_asymmetric_header(header: &KeyBlockHeader<'_>) -> Result<(), Error> {
    if !ASYMMETRIC_USAGES.contains(&header.key_usage()) {
        return Err(KeyError::UsageNotPermitted.into());
    }
    if !matches!(
        header.algorithm(),
        HeaderAlgorithm::Rsa | HeaderAlgorithm::EllipticCurve | HeaderAlgorithm::Dsa
    ) {
        return Err(Tr31Error::AlgorithmMismatch.into());
    }
    // Exportability is carried as declared (`E`, `S`, `N`).
    let _: Exportability = header.exportability();
    Ok(())
}

/// A DER TLV at the start of `der`: (tag, contents, total length).
fn der_tlv(der: &[u8]) -> Option<(u8, &[u8], usize)> {
    let tag = *der.first()?;
    let first = *der.get(1)?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let count = usize::from(first & 0x7F);
        if count == 0 || count > 2 {
            return None;
        }
        let bytes = der.get(2..2 + count)?;
        let len = bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        // Definite, minimal long form.
        if len < 0x80 || bytes.first() == Some(&0) {
            return None;
        }
        (len, 2 + count)
    };
    let contents = der.get(header..header.checked_add(len)?)?;
    Some((tag, contents, header + len))
}

/// Total length of the DER `SEQUENCE` at the start of `der`.
fn der_sequence_len(der: &[u8]) -> Option<usize> {
    match der_tlv(der)? {
        (0x30, _, total) => Some(total),
        _ => None,
    }
}

/// The fields of an RFC 5915 `ECPrivateKey` this crate needs.
struct EcPrivateKey<'d> {
    scalar: &'d [u8],
    public_key: Option<&'d [u8]>,
}

/// DER of the P-256 curve OID 1.2.840.10045.3.1.7 (`prime256v1`).
const P256_OID: [u8; 10] = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];

/// The next TLV of `rest` (advancing it): its tag and contents.
fn take<'d>(rest: &mut &'d [u8]) -> Option<(u8, &'d [u8])> {
    let (tag, contents, len) = der_tlv(rest)?;
    *rest = rest.get(len..)?;
    Some((tag, contents))
}

/// Parses `ECPrivateKey ::= SEQUENCE { version INTEGER (1), privateKey
/// OCTET STRING, [0] parameters OPTIONAL, [1] publicKey BIT STRING
/// OPTIONAL }` (RFC 5915 §3) for P-256.
fn parse_ec_private_key(der: &[u8]) -> Result<EcPrivateKey<'_>, Error> {
    let bad = || Error::Sign(SignError::MalformedKey);
    let (tag, mut rest, total) = der_tlv(der).ok_or_else(bad)?;
    if tag != 0x30 || total != der.len() {
        return Err(bad());
    }
    let version = take(&mut rest).ok_or_else(bad)?;
    if version != (0x02, [0x01].as_slice()) {
        return Err(bad());
    }
    let (tag, scalar) = take(&mut rest).ok_or_else(bad)?;
    if tag != 0x04 || scalar.len() != 32 {
        return Err(bad());
    }
    let mut public_key = None;
    while !rest.is_empty() {
        match take(&mut rest).ok_or_else(bad)? {
            (0xA0, params) => {
                if params != P256_OID.as_slice() {
                    return Err(bad());
                }
            }
            (0xA1, bits) => match der_tlv(bits) {
                Some((0x03, contents, len)) if len == bits.len() => match contents.split_first() {
                    Some((0, point)) if point.len() == 65 => public_key = Some(point),
                    _ => return Err(bad()),
                },
                _ => return Err(bad()),
            },
            _ => return Err(bad()),
        }
    }
    Ok(EcPrivateKey { scalar, public_key })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_vec_debug_is_redacted() {
        let mut v = SecretVec::zeroed(3);
        v.as_mut_slice().copy_from_slice(&[1, 2, 3]);
        assert_eq!(format!("{v:?}"), "SecretVec { .. }");
    }

    #[test]
    fn der_framing() {
        // Short and minimal long forms.
        assert_eq!(der_sequence_len(&[0x30, 0x01, 0x00]), Some(3));
        let mut long = vec![0x30, 0x81, 0x80];
        long.extend_from_slice(&[0; 0x80]);
        assert_eq!(der_sequence_len(&long), Some(0x83));
        let mut two = vec![0x30, 0x82, 0x01, 0x00];
        two.extend_from_slice(&[0; 0x100]);
        assert_eq!(der_sequence_len(&two), Some(0x104));
        // Not a SEQUENCE, indefinite, non-minimal, too many length bytes,
        // truncated.
        for bad in [
            &[0x31, 0x00][..],
            &[0x30, 0x80],
            &[0x30, 0x81, 0x05, 0, 0, 0, 0, 0],
            &[0x30, 0x82, 0x00, 0x80],
            &[0x30, 0x83, 0x00, 0x00, 0x01, 0x00],
            &[0x30, 0x02, 0x00],
            &[0x30],
            &[],
        ] {
            assert_eq!(der_sequence_len(bad), None, "{bad:02X?}");
        }
    }

    #[test]
    fn ec_private_key_fields() {
        let mut der = vec![0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20];
        der.extend_from_slice(&[7; 32]);
        let parsed = parse_ec_private_key(&der).unwrap();
        assert_eq!(parsed.scalar, &[7; 32]);
        assert!(parsed.public_key.is_none());
        // Version 0, a 31-byte scalar, trailing bytes, an unknown field.
        let mut v0 = der.clone();
        v0[4] = 0;
        let mut short = vec![0x30, 0x24, 0x02, 0x01, 0x01, 0x04, 0x1F];
        short.extend_from_slice(&[7; 31]);
        let mut trailing = der.clone();
        trailing.push(0);
        let mut unknown = der.clone();
        unknown[1] += 2;
        unknown.extend_from_slice(&[0xA2, 0x00]);
        for bad in [v0, short, trailing, unknown] {
            assert!(parse_ec_private_key(&bad).is_err(), "{bad:02X?}");
        }
    }
}
