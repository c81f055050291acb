//! Keys: the key type with its TR-31 attributes, key check values, TR-31 /
//! ANSI X9.143 key blocks, DUKPT (TDES and AES) and master/session keys.
//!
//! # Example
//! ```
//! use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
//! use paycore::keys::kcv::{Kcv, KcvMethod};
//!
//! let kek = Key::new(
//!     Algorithm::Aes128,
//!     &[0x2B; 16],
//!     KeyAttributes::new(KeyUsage::KeyEncryption, ModeOfUse::EncryptDecrypt),
//! ).unwrap();
//! let kcv = Kcv::compute(&kek, KcvMethod::Cmac, 5).unwrap();
//! assert_eq!(kcv.as_bytes().len(), 5);
//! ```

pub(crate) mod cipher;
pub mod dukpt;
pub mod kcv;
mod key;
pub mod mksk;
pub mod tr31;

pub use key::{
    Algorithm, Exportability, Key, KeyAttributes, KeyUsage, KeyVersion, MAX_HMAC_KEY_LEN,
    MAX_KEY_LEN, ModeOfUse, Operation,
};
