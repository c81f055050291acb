#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod aead;
pub mod card;
#[cfg(feature = "sm")]
pub mod cup;
pub mod emv;
pub mod error;
pub mod keys;
pub mod mac;
pub mod manual;
pub mod pin;
pub mod secret;
pub mod sign;
#[cfg(feature = "sm")]
pub mod sm;

pub use error::{Error, ErrorKind};
