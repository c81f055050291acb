//! Transaction signing: the transaction record and its canonical encoding
//! ([`record`]), ECDSA P-256 device signatures ([`ecdsa`]), sealed envelopes
//! for the host ([`seal`]) and the tamper-evident offline journal
//! ([`journal`]).
//!
//! # Example
//! ```
//! use paycore::sign::ecdsa::{DeviceSigningKey, SPolicy};
//! use paycore::sign::record::{
//!     EntryMode, MAX_ENCODED_LEN, PanToken, TransactionRecord, TransactionType,
//! };
//!
//! let device = DeviceSigningKey::from_secret_scalar(&[0x42; 32])?;
//! let record = TransactionRecord {
//!     merchant_id: "SHOP42",
//!     terminal_id: "T0000001",
//!     stan: 1,
//!     amount_minor: 250,
//!     currency: 840,
//!     transaction_type: TransactionType::Sale,
//!     entry_mode: EntryMode::Chip,
//!     timestamp: 1_700_000_000,
//!     masked_pan: "476173******0119",
//!     pan_token: PanToken::from_bytes([0xA5; 16]),
//!     authorization_code: Some("123456"),
//!     response_code: "00",
//!     signature_image_hash: None,
//! };
//! let mut buf = [0u8; MAX_ENCODED_LEN];
//! let (signature, len) = device.sign_record(&record, &mut buf)?;
//! // Host side: verify, then read the record.
//! let verified = device
//!     .verifying_key()
//!     .verify_record(&buf[..len], &signature, SPolicy::RejectHighS)?;
//! assert_eq!(verified.amount_minor, 250);
//! # Ok::<(), paycore::Error>(())
//! ```

pub mod ecdsa;
pub mod journal;
pub mod record;
pub mod seal;
