//! AES-GCM (NIST SP 800-38D) on caller buffers: in-place encryption with a
//! detached 16-byte tag, no alloc.
//!
//! The key must be an AES key whose usage is data encryption (`D0`) and
//! whose mode of use permits the operation. Key-encryption keys (`K0`) are
//! refused: a KEK protects keys only through key-block formats (TR-31) and
//! must not double as a general data-encryption key (ANSI X9.143 §6.3.1,
//! key separation; a `K0` used for data would let anything sealed under it
//! be confused with wrapped key material).
//! DUKPT originator state is sealed under an HKDF sub-key of the device key
//! that is never a [`Key`], so these functions cannot open or forge it even
//! with the device key (issue 11.1; see [`crate::manual`]).
//! Nonces are the caller's responsibility: never reuse one under a key
//! (SP 800-38D §8); callers draw them from a `CryptoRng`.
//!
//! # Example
//! ```
//! use paycore::aead;
//! use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
//!
//! let key = Key::new(
//!     Algorithm::Aes256,
//!     &[7; 32],
//!     KeyAttributes::new(KeyUsage::DataEncryption, ModeOfUse::EncryptDecrypt),
//! ).unwrap();
//! let nonce = [1u8; 12];
//! let mut buf = *b"secret state";
//! let tag = aead::seal_in_place(&key, &nonce, b"header", &mut buf).unwrap();
//! aead::open_in_place(&key, &nonce, b"header", &mut buf, &tag).unwrap();
//! assert_eq!(&buf, b"secret state");
//! ```

use aes_gcm::aead::{AeadInPlace, KeyInit, generic_array::GenericArray};
use aes_gcm::{AesGcm, aes::Aes192};

use crate::error::{Error, KeyError};
use crate::keys::{Algorithm, Key, KeyUsage, Operation};

/// GCM nonce length (96 bits, SP 800-38D §8.2 recommendation).
pub const NONCE_LEN: usize = 12;
/// GCM tag length.
pub const TAG_LEN: usize = 16;

const USAGES: &[KeyUsage] = &[KeyUsage::DataEncryption];

type Aes192Gcm = AesGcm<Aes192, aes_gcm::aead::consts::U12>;

/// Encrypts `buf` in place and returns the tag.
///
/// # Errors
/// [`KeyError::WrongAlgorithm`] for a TDES key; key usage errors.
pub fn seal_in_place(
    key: &Key,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    buf: &mut [u8],
) -> Result<[u8; TAG_LEN], Error> {
    key.require(USAGES, Operation::Encrypt)?;
    seal_raw(key.algorithm(), key.material(), nonce, aad, buf)
}

/// Decrypts `buf` in place after checking `tag`. On failure `buf` is zeroed
/// and nothing of the plaintext is returned.
///
/// # Errors
/// [`Error::VerificationFailed`] on a wrong tag, key, nonce or AAD;
/// [`KeyError::WrongAlgorithm`]; key usage errors.
pub fn open_in_place(
    key: &Key,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    buf: &mut [u8],
    tag: &[u8; TAG_LEN],
) -> Result<(), Error> {
    key.require(USAGES, Operation::Decrypt)?;
    open_raw(key.algorithm(), key.material(), nonce, aad, buf, tag)
}

/// Seal under raw AES material (crate-internal: derived keys).
pub(crate) fn seal_raw(
    algorithm: Algorithm,
    material: &[u8],
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    buf: &mut [u8],
) -> Result<[u8; TAG_LEN], Error> {
    let n = GenericArray::from_slice(nonce);
    let bad_key = |_| {
        Error::Key(KeyError::InvalidLength {
            length: material.len(),
        })
    };
    let tag = match algorithm {
        Algorithm::Aes128 => aes_gcm::Aes128Gcm::new_from_slice(material)
            .map_err(bad_key)?
            .encrypt_in_place_detached(n, aad, buf),
        Algorithm::Aes192 => Aes192Gcm::new_from_slice(material)
            .map_err(bad_key)?
            .encrypt_in_place_detached(n, aad, buf),
        Algorithm::Aes256 => aes_gcm::Aes256Gcm::new_from_slice(material)
            .map_err(bad_key)?
            .encrypt_in_place_detached(n, aad, buf),
        _ => return Err(KeyError::WrongAlgorithm.into()),
    }
    .map_err(|_| Error::invalid_argument("plaintext length"))?;
    Ok(tag.into())
}

/// Open under raw AES material (crate-internal: derived keys).
pub(crate) fn open_raw(
    algorithm: Algorithm,
    material: &[u8],
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    buf: &mut [u8],
    tag: &[u8; TAG_LEN],
) -> Result<(), Error> {
    let n = GenericArray::from_slice(nonce);
    let t = GenericArray::from_slice(tag);
    let bad_key = |_| {
        Error::Key(KeyError::InvalidLength {
            length: material.len(),
        })
    };
    let result = match algorithm {
        Algorithm::Aes128 => aes_gcm::Aes128Gcm::new_from_slice(material)
            .map_err(bad_key)?
            .decrypt_in_place_detached(n, aad, buf, t),
        Algorithm::Aes192 => Aes192Gcm::new_from_slice(material)
            .map_err(bad_key)?
            .decrypt_in_place_detached(n, aad, buf, t),
        Algorithm::Aes256 => aes_gcm::Aes256Gcm::new_from_slice(material)
            .map_err(bad_key)?
            .decrypt_in_place_detached(n, aad, buf, t),
        _ => return Err(KeyError::WrongAlgorithm.into()),
    };
    result.map_err(|_| {
        buf.fill(0);
        Error::VerificationFailed
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{KeyAttributes, ModeOfUse};

    fn key(hex_key: &str, mode: ModeOfUse) -> Key {
        let k = hex::decode(hex_key).unwrap();
        let alg = Algorithm::from_len(true, k.len()).unwrap();
        Key::new(alg, &k, KeyAttributes::new(KeyUsage::DataEncryption, mode)).unwrap()
    }

    // NIST GCM test vectors (McGrew & Viega, "The Galois/Counter Mode of
    // Operation", Test Case 4: AES-128, 60-byte plaintext, 20-byte AAD).
    #[test]
    fn gcm_spec_test_case_4() {
        let k = key(
            "feffe9928665731c6d6a8f9467308308",
            ModeOfUse::EncryptDecrypt,
        );
        let nonce: [u8; 12] = hex::decode("cafebabefacedbaddecaf888")
            .unwrap()
            .try_into()
            .unwrap();
        let aad = hex::decode("feedfacedeadbeeffeedfacedeadbeefabaddad2").unwrap();
        let pt = hex::decode("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39").unwrap();
        let mut buf = pt.clone();
        let tag = seal_in_place(&k, &nonce, &aad, &mut buf).unwrap();
        assert_eq!(
            hex::encode(&buf),
            "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
        );
        assert_eq!(hex::encode(tag), "5bc94fbc3221a5db94fae95ae7121a47");
        open_in_place(&k, &nonce, &aad, &mut buf, &tag).unwrap();
        assert_eq!(buf, pt);
    }

    #[test]
    fn tamper_and_usage() {
        let k = key(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            ModeOfUse::EncryptDecrypt,
        );
        let nonce = [9u8; 12];
        let mut buf = *b"0123456789abcdef0123";
        let tag = seal_in_place(&k, &nonce, b"aad", &mut buf).unwrap();
        for i in 0..buf.len() {
            let mut t = buf;
            t[i] ^= 1;
            assert_eq!(
                open_in_place(&k, &nonce, b"aad", &mut t, &tag),
                Err(Error::VerificationFailed)
            );
            assert_eq!(t, [0u8; 20]);
        }
        for i in 0..16 {
            let mut bad = tag;
            bad[i] ^= 0x80;
            let mut t = buf;
            assert_eq!(
                open_in_place(&k, &nonce, b"aad", &mut t, &bad),
                Err(Error::VerificationFailed)
            );
        }
        let enc_only = key("000102030405060708090a0b0c0d0e0f", ModeOfUse::Encrypt);
        let mut t = buf;
        assert_eq!(
            open_in_place(&enc_only, &nonce, b"aad", &mut t, &tag),
            Err(Error::Key(KeyError::ModeNotPermitted))
        );
    }

    /// Security review M1: only `D0` keys; a `K0` KEK (or any other usage)
    /// is refused for both directions.
    #[test]
    fn only_data_encryption_keys() {
        use crate::keys::{KeyAttributes, KeyUsage};
        let nonce = [3u8; 12];
        for usage in [KeyUsage::KeyEncryption, KeyUsage::PinEncryption] {
            let k = Key::new(
                Algorithm::Aes128,
                &[5; 16],
                KeyAttributes::new(usage, ModeOfUse::EncryptDecrypt),
            )
            .unwrap();
            let mut buf = *b"state";
            assert_eq!(
                seal_in_place(&k, &nonce, b"", &mut buf),
                Err(Error::Key(KeyError::UsageNotPermitted))
            );
            assert_eq!(
                open_in_place(&k, &nonce, b"", &mut buf, &[0; 16]),
                Err(Error::Key(KeyError::UsageNotPermitted))
            );
        }
    }
}
