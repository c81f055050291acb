//! UniFFI bindings for paycore: the Kotlin (Android POS app) and Python face
//! of the library, generated in library mode by `uniffi-bindgen`
//! (`bindings/uniffi-bindgen`).
//!
//! A thin layer: argument conversion only, every rule lives in core.
//! - Secrets (keys, the device signing key, DUKPT state, clear PIN blocks,
//!   track data) are `uniffi::Object`s: `AutoCloseable` in Kotlin, zeroized
//!   when closed or collected (the core types zeroize on drop), with no
//!   `toString()` export, so Kotlin prints only `ClassName@hash`.
//! - PINs and key material cross as byte arrays (`ByteArray`), never strings.
//! - Records (Kotlin data classes) carry public data only.
//! - One error type, [`PaycoreError`] (`PaycoreException` in Kotlin).

uniffi::setup_scaffolding!();

pub mod card;
pub mod dukpt;
pub mod error;
pub mod keys;
pub mod mac;
pub mod mksk;
pub mod pin;
pub mod sign;
pub mod timing;

pub use error::PaycoreError;
