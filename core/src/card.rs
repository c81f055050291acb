//! Card data: EMV BER-TLV and DOLs, magnetic-stripe tracks and tag 57,
//! PANs, and EMVCo merchant-presented QR codes.
//!
//! Every parser here is zero-copy where it can be, never panics, and names
//! positions (never card data) in its errors.
//!
//! # Example
//! ```
//! use paycore::card::pan::Pan;
//!
//! let pan = Pan::parse("5555555555554444").unwrap();
//! assert_eq!(pan.to_string(), "555555******4444");
//! ```

pub mod dol;
pub mod pan;
pub mod qr;
pub mod tags;
pub mod tlv;
pub mod track;
