//! Crate-internal block-cipher dispatch over TDES and AES (ECB and CBC on
//! caller buffers, no alloc). Key schedules are zeroized on drop by the
//! RustCrypto `zeroize` features.
//!
//! With feature `sm`, single DES and SM4 are dispatched too, but only by
//! [`BlockCipher::new_any`] and [`Key::cup_cipher`]: [`BlockCipher::new`]
//! and [`Key::with_cipher`], which every international path (ISO 9564 PIN,
//! ISO 9797 MAC, TR-31, DUKPT, master/session) uses, refuse them with
//! [`KeyError::WrongAlgorithm`]. A DES or SM4 key therefore cannot slip
//! into a path that was written for TDES and AES.

use core::fmt;

use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit, generic_array::GenericArray};

use super::key::{Algorithm, Key, KeyUsage, Operation};
use crate::error::{Error, KeyError};

/// A keyed block cipher.
pub(crate) enum BlockCipher {
    Tdes2(des::TdesEde2),
    Tdes3(des::TdesEde3),
    Aes128(aes::Aes128),
    Aes192(aes::Aes192),
    Aes256(aes::Aes256),
    #[cfg(feature = "sm")]
    Des(des::Des),
    #[cfg(feature = "sm")]
    Sm4(sm4::Sm4),
}

impl BlockCipher {
    /// Builds the key schedule for `algorithm` (TDES or AES) from raw `key`
    /// bytes.
    ///
    /// # Errors
    /// [`KeyError::WrongAlgorithm`] for single DES and SM4 (see the module
    /// docs); [`KeyError::InvalidLength`].
    #[inline]
    pub(crate) fn new(algorithm: Algorithm, key: &[u8]) -> Result<Self, Error> {
        if !algorithm.is_tdes_or_aes() {
            return Err(KeyError::WrongAlgorithm.into());
        }
        Self::new_any(algorithm, key)
    }

    /// Builds the key schedule for any algorithm, single DES and SM4
    /// included: for check values and the China UnionPay functions only.
    #[inline]
    pub(crate) fn new_any(algorithm: Algorithm, key: &[u8]) -> Result<Self, Error> {
        let bad = |_| Error::Key(KeyError::InvalidLength { length: key.len() });
        Ok(match algorithm {
            #[cfg(feature = "sm")]
            Algorithm::Des => Self::Des(des::Des::new_from_slice(key).map_err(bad)?),
            #[cfg(feature = "sm")]
            Algorithm::Sm4 => Self::Sm4(sm4::Sm4::new_from_slice(key).map_err(bad)?),
            Algorithm::Tdes2 => Self::Tdes2(des::TdesEde2::new_from_slice(key).map_err(bad)?),
            Algorithm::Tdes3 => Self::Tdes3(des::TdesEde3::new_from_slice(key).map_err(bad)?),
            Algorithm::Aes128 => Self::Aes128(aes::Aes128::new_from_slice(key).map_err(bad)?),
            Algorithm::Aes192 => Self::Aes192(aes::Aes192::new_from_slice(key).map_err(bad)?),
            Algorithm::Aes256 => Self::Aes256(aes::Aes256::new_from_slice(key).map_err(bad)?),
            Algorithm::HmacSha256 => return Err(KeyError::WrongAlgorithm.into()),
        })
    }

    /// Runs `f` with the key schedule of exactly `algorithm` built on the
    /// stack (zeroized on drop) and the block length: unlike
    /// [`BlockCipher::new`], whose value is as large as the largest
    /// schedule, only the one schedule's frame is live (bare-metal stack).
    #[inline]
    pub(crate) fn with<R>(
        algorithm: Algorithm,
        key: &[u8],
        f: impl FnOnce(&dyn BlockOps, usize) -> Result<R, Error>,
    ) -> Result<R, Error> {
        let bad = |_| Error::Key(KeyError::InvalidLength { length: key.len() });
        match algorithm {
            Algorithm::Tdes2 => f(&des::TdesEde2::new_from_slice(key).map_err(bad)?, 8),
            Algorithm::Tdes3 => f(&des::TdesEde3::new_from_slice(key).map_err(bad)?, 8),
            Algorithm::Aes128 => f(&aes::Aes128::new_from_slice(key).map_err(bad)?, 16),
            Algorithm::Aes192 => f(&aes::Aes192::new_from_slice(key).map_err(bad)?, 16),
            Algorithm::Aes256 => f(&aes::Aes256::new_from_slice(key).map_err(bad)?, 16),
            Algorithm::HmacSha256 => Err(KeyError::WrongAlgorithm.into()),
            // Fenced off the international paths (see `BlockCipher::new`).
            #[cfg(feature = "sm")]
            Algorithm::Des | Algorithm::Sm4 => Err(KeyError::WrongAlgorithm.into()),
        }
    }

    /// [`BlockCipher::with`] that also builds single DES and SM4 (feature
    /// `sm`), as [`BlockCipher::new_any`] does for the enum: for check
    /// values and the `cup` functions only.
    #[inline]
    pub(crate) fn with_any<R>(
        algorithm: Algorithm,
        key: &[u8],
        f: impl FnOnce(&dyn BlockOps, usize) -> Result<R, Error>,
    ) -> Result<R, Error> {
        #[cfg(feature = "sm")]
        {
            let bad = |_| Error::Key(KeyError::InvalidLength { length: key.len() });
            match algorithm {
                Algorithm::Des => return f(&des::Des::new_from_slice(key).map_err(bad)?, 8),
                Algorithm::Sm4 => return f(&sm4::Sm4::new_from_slice(key).map_err(bad)?, 16),
                _ => {}
            }
        }
        Self::with(algorithm, key, f)
    }

    /// The cipher's block length (8 or 16).
    pub(crate) const fn block_len(&self) -> usize {
        match self {
            Self::Tdes2(_) | Self::Tdes3(_) => 8,
            #[cfg(feature = "sm")]
            Self::Des(_) => 8,
            _ => 16,
        }
    }

    fn check(&self, len: usize) -> Result<(), Error> {
        if len == 0 || len % self.block_len() != 0 {
            return Err(Error::invalid_argument("block length"));
        }
        Ok(())
    }

    /// Enciphers exactly one block in place.
    #[inline]
    pub(crate) fn encrypt_block(&self, block: &mut [u8]) -> Result<(), Error> {
        match self {
            Self::Tdes2(c) => BlockOps::encrypt_block(c, block),
            Self::Tdes3(c) => BlockOps::encrypt_block(c, block),
            Self::Aes128(c) => BlockOps::encrypt_block(c, block),
            Self::Aes192(c) => BlockOps::encrypt_block(c, block),
            Self::Aes256(c) => BlockOps::encrypt_block(c, block),
            #[cfg(feature = "sm")]
            Self::Des(c) => BlockOps::encrypt_block(c, block),
            #[cfg(feature = "sm")]
            Self::Sm4(c) => BlockOps::encrypt_block(c, block),
        }
    }

    /// Deciphers exactly one block in place.
    #[inline]
    pub(crate) fn decrypt_block(&self, block: &mut [u8]) -> Result<(), Error> {
        match self {
            Self::Tdes2(c) => BlockOps::decrypt_block(c, block),
            Self::Tdes3(c) => BlockOps::decrypt_block(c, block),
            Self::Aes128(c) => BlockOps::decrypt_block(c, block),
            Self::Aes192(c) => BlockOps::decrypt_block(c, block),
            Self::Aes256(c) => BlockOps::decrypt_block(c, block),
            #[cfg(feature = "sm")]
            Self::Des(c) => BlockOps::decrypt_block(c, block),
            #[cfg(feature = "sm")]
            Self::Sm4(c) => BlockOps::decrypt_block(c, block),
        }
    }

    /// ECB-enciphers `data` (a whole number of blocks) in place.
    pub(crate) fn encrypt_ecb(&self, data: &mut [u8]) -> Result<(), Error> {
        self.check(data.len())?;
        for block in data.chunks_exact_mut(self.block_len()) {
            self.encrypt_block(block)?;
        }
        Ok(())
    }

    /// ECB-deciphers `data` (a whole number of blocks) in place.
    pub(crate) fn decrypt_ecb(&self, data: &mut [u8]) -> Result<(), Error> {
        self.check(data.len())?;
        for block in data.chunks_exact_mut(self.block_len()) {
            self.decrypt_block(block)?;
        }
        Ok(())
    }

    /// CBC-enciphers `data` (a whole number of blocks) in place under `iv`.
    pub(crate) fn encrypt_cbc(&self, iv: &[u8], data: &mut [u8]) -> Result<(), Error> {
        self.check(data.len())?;
        if iv.len() != self.block_len() {
            return Err(Error::invalid_argument("iv length"));
        }
        let mut chain = [0u8; 16];
        let n = self.block_len();
        let chain = chain
            .get_mut(..n)
            .ok_or(Error::invalid_argument("iv length"))?;
        chain.copy_from_slice(iv);
        for block in data.chunks_exact_mut(n) {
            for (b, c) in block.iter_mut().zip(chain.iter()) {
                *b ^= c;
            }
            self.encrypt_block(block)?;
            chain.copy_from_slice(block);
        }
        Ok(())
    }

    /// CBC-deciphers `data` (a whole number of blocks) in place under `iv`.
    pub(crate) fn decrypt_cbc(&self, iv: &[u8], data: &mut [u8]) -> Result<(), Error> {
        self.check(data.len())?;
        if iv.len() != self.block_len() {
            return Err(Error::invalid_argument("iv length"));
        }
        let n = self.block_len();
        let mut chain = [0u8; 16];
        let mut next = [0u8; 16];
        let chain = chain
            .get_mut(..n)
            .ok_or(Error::invalid_argument("iv length"))?;
        let next = next
            .get_mut(..n)
            .ok_or(Error::invalid_argument("iv length"))?;
        chain.copy_from_slice(iv);
        for block in data.chunks_exact_mut(n) {
            next.copy_from_slice(block);
            self.decrypt_block(block)?;
            for (b, c) in block.iter_mut().zip(chain.iter()) {
                *b ^= c;
            }
            chain.copy_from_slice(next);
        }
        Ok(())
    }
}

/// Block operations over one concrete cipher, so hot paths can build the
/// schedule of exactly the key's algorithm on the stack instead of the
/// largest-variant [`BlockCipher`] enum (see [`Key::with_cipher`]).
pub(crate) trait BlockOps {
    /// Enciphers exactly one block in place.
    fn encrypt_block(&self, block: &mut [u8]) -> Result<(), Error>;
    /// Deciphers exactly one block in place.
    fn decrypt_block(&self, block: &mut [u8]) -> Result<(), Error>;
}

macro_rules! block_ops {
    ($($ty:ty => $len:literal),* $(,)?) => {$(
        impl BlockOps for $ty {
            #[inline]
            fn encrypt_block(&self, block: &mut [u8]) -> Result<(), Error> {
                if block.len() != $len {
                    return Err(Error::invalid_argument("block length"));
                }
                // Length checked above, so from_mut_slice cannot panic.
                BlockEncrypt::encrypt_block(self, GenericArray::from_mut_slice(block));
                Ok(())
            }

            #[inline]
            fn decrypt_block(&self, block: &mut [u8]) -> Result<(), Error> {
                if block.len() != $len {
                    return Err(Error::invalid_argument("block length"));
                }
                BlockDecrypt::decrypt_block(self, GenericArray::from_mut_slice(block));
                Ok(())
            }
        }
    )*};
}

block_ops!(
    des::TdesEde2 => 8,
    des::TdesEde3 => 8,
    aes::Aes128 => 16,
    aes::Aes192 => 16,
    aes::Aes256 => 16,
);

#[cfg(feature = "sm")]
block_ops!(
    des::Des => 8,
    sm4::Sm4 => 16,
);

impl fmt::Debug for BlockCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BlockCipher { .. }")
    }
}

impl Key {
    /// Checks usage and mode of use, then builds the key schedule.
    #[inline]
    pub(crate) fn cipher(
        &self,
        usages: &[KeyUsage],
        operation: Operation,
    ) -> Result<BlockCipher, Error> {
        self.require(usages, operation)?;
        BlockCipher::new(self.algorithm(), self.material())
    }

    /// Checks usage and mode of use, then runs `f` with the key schedule of
    /// exactly this key's algorithm, built on the stack and dropped
    /// (zeroized) when `f` returns.
    #[inline]
    pub(crate) fn with_cipher<R>(
        &self,
        usages: &[KeyUsage],
        operation: Operation,
        f: impl FnOnce(&dyn BlockOps) -> Result<R, Error>,
    ) -> Result<R, Error> {
        self.require(usages, operation)?;
        let material = self.material();
        let bad = |_| {
            Error::Key(KeyError::InvalidLength {
                length: material.len(),
            })
        };
        match self.algorithm() {
            Algorithm::Tdes2 => f(&des::TdesEde2::new_from_slice(material).map_err(bad)?),
            Algorithm::Tdes3 => f(&des::TdesEde3::new_from_slice(material).map_err(bad)?),
            Algorithm::Aes128 => f(&aes::Aes128::new_from_slice(material).map_err(bad)?),
            Algorithm::Aes192 => f(&aes::Aes192::new_from_slice(material).map_err(bad)?),
            Algorithm::Aes256 => f(&aes::Aes256::new_from_slice(material).map_err(bad)?),
            Algorithm::HmacSha256 => Err(KeyError::WrongAlgorithm.into()),
            #[cfg(feature = "sm")]
            Algorithm::Des | Algorithm::Sm4 => Err(KeyError::WrongAlgorithm.into()),
        }
    }

    /// Checks usage and mode of use, then builds the key schedule of any
    /// algorithm, single DES and SM4 included (China UnionPay functions).
    #[cfg(feature = "sm")]
    #[inline]
    pub(crate) fn cup_cipher(
        &self,
        usages: &[KeyUsage],
        operation: Operation,
    ) -> Result<BlockCipher, Error> {
        self.require(usages, operation)?;
        BlockCipher::new_any(self.algorithm(), self.material())
    }

    /// Builds the key schedule without a usage check, for derivations that
    /// have checked the usage themselves (KCV, DUKPT, TR-31 key derivation).
    #[inline]
    pub(crate) fn cipher_unchecked(&self) -> Result<BlockCipher, Error> {
        BlockCipher::new(self.algorithm(), self.material())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // NIST SP 800-38A F.1.1 (ECB-AES128.Encrypt), F.2.1 (CBC-AES128.Encrypt), block 1.
    #[test]
    fn aes_ecb_cbc_sp800_38a() {
        let key = hex::decode("2b7e151628aed2a6abf7158809cf4f3c").unwrap();
        let c = BlockCipher::new(Algorithm::Aes128, &key).unwrap();
        let mut b = hex::decode("6bc1bee22e409f96e93d7e117393172a").unwrap();
        c.encrypt_ecb(&mut b).unwrap();
        assert_eq!(hex::encode(&b), "3ad77bb40d7a3660a89ecaf32466ef97");
        c.decrypt_ecb(&mut b).unwrap();
        assert_eq!(hex::encode(&b), "6bc1bee22e409f96e93d7e117393172a");
        let iv = hex::decode("000102030405060708090a0b0c0d0e0f").unwrap();
        c.encrypt_cbc(&iv, &mut b).unwrap();
        assert_eq!(hex::encode(&b), "7649abac8119b246cee98e9b12e9197d");
        c.decrypt_cbc(&iv, &mut b).unwrap();
        assert_eq!(hex::encode(&b), "6bc1bee22e409f96e93d7e117393172a");
    }

    #[test]
    fn wrong_lengths_are_errors() {
        let c = BlockCipher::new(Algorithm::Tdes2, &[1; 16]).unwrap();
        assert!(c.encrypt_block(&mut [0; 16]).is_err());
        assert!(c.encrypt_ecb(&mut [0; 12]).is_err());
        assert!(c.encrypt_ecb(&mut []).is_err());
        assert!(BlockCipher::new(Algorithm::Tdes3, &[1; 16]).is_err());
    }
}
