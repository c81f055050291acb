//! The transaction record: canonical encoding and decoding, PAN tokens and
//! masked PANs.
//!
//! [`paycore_record`] mirrors the core `TransactionRecord`. Its text fields
//! are `(const uint8_t *, size_t)` pairs of ASCII (no NUL needed). After
//! [`paycore_record_decode`] (and [`paycore_verify_record`](crate::paycore_verify_record))
//! they point INTO the encoded input buffer (zero copy): the decoded
//! struct is valid only as long as that buffer is alive and unchanged.

use paycore::card::pan::Pan;
use paycore::keys::Key;
use paycore::sign::record::{
    EntryMode, MAX_ENCODED_LEN, MaskedPan, PAN_TOKEN_LEN, PanToken, TransactionRecord,
    TransactionType,
};

use crate::io::{Out, input, input_str, put, read_in};
use crate::keys::{key_ref, paycore_key};
use crate::result::paycore_result;
use crate::{ffi_boundary, try_ffi};

/// Longest encoded record, in bytes.
pub const PAYCORE_RECORD_MAX_ENCODED_LEN: usize = 149;
const _: () = assert!(PAYCORE_RECORD_MAX_ENCODED_LEN == MAX_ENCODED_LEN);
/// PAN token length, in bytes.
pub const PAYCORE_PAN_TOKEN_LEN: usize = 16;
const _: () = assert!(PAYCORE_PAN_TOKEN_LEN == PAN_TOKEN_LEN);
/// Signature image hash (SHA-256) length, in bytes.
pub const PAYCORE_RECORD_HASH_LEN: usize = 32;

/// Transaction type: purchase (code `0x01`).
pub const PAYCORE_TRANSACTION_TYPE_SALE: u32 = 1;
/// Transaction type: refund (`0x02`).
pub const PAYCORE_TRANSACTION_TYPE_REFUND: u32 = 2;
/// Transaction type: void (`0x03`).
pub const PAYCORE_TRANSACTION_TYPE_VOID: u32 = 3;
/// Transaction type: pre-authorization (`0x04`).
pub const PAYCORE_TRANSACTION_TYPE_PRE_AUTHORIZATION: u32 = 4;
/// Transaction type: completion (`0x05`).
pub const PAYCORE_TRANSACTION_TYPE_COMPLETION: u32 = 5;
/// Transaction type: reversal (`0x06`).
pub const PAYCORE_TRANSACTION_TYPE_REVERSAL: u32 = 6;

/// Entry mode: contact chip (code `0x01`).
pub const PAYCORE_ENTRY_MODE_CHIP: u32 = 1;
/// Entry mode: contactless (`0x02`).
pub const PAYCORE_ENTRY_MODE_CONTACTLESS: u32 = 2;
/// Entry mode: magnetic stripe (`0x03`).
pub const PAYCORE_ENTRY_MODE_MAGSTRIPE: u32 = 3;
/// Entry mode: EMVCo QR code (`0x04`).
pub const PAYCORE_ENTRY_MODE_QR: u32 = 4;
/// Entry mode: manual key entry (`0x05`).
pub const PAYCORE_ENTRY_MODE_MANUAL: u32 = 5;
/// Entry mode: magstripe fallback after a chip failure (`0x06`).
pub const PAYCORE_ENTRY_MODE_FALLBACK: u32 = 6;

/// A transaction record (see core `paycore::sign::record` for the field
/// rules and the canonical encoding). Text fields are ASCII
/// `(pointer, length)` pairs; `(NULL, 0)` is the empty text (which every
/// mandatory text field rejects). Optional fields have a presence flag
/// (0 = absent, 1 = present; other values are `INVALID_ARGUMENT`); when
/// absent their other members are ignored on input and zero on output.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct paycore_record {
    /// Merchant ID (ISO 8583 DE 42), 1-15 printable ASCII.
    pub merchant_id: *const u8,
    /// Length of `merchant_id`.
    pub merchant_id_len: usize,
    /// Terminal ID (DE 41), 1-8 printable ASCII.
    pub terminal_id: *const u8,
    /// Length of `terminal_id`.
    pub terminal_id_len: usize,
    /// System trace audit number (DE 11), 0-999999.
    pub stan: u32,
    /// ISO 4217 numeric currency code, 1-999.
    pub currency: u16,
    /// Amount in minor units (DE 4), 0-999999999999.
    pub amount_minor: u64,
    /// One of `PAYCORE_TRANSACTION_TYPE_*`.
    pub transaction_type: u32,
    /// One of `PAYCORE_ENTRY_MODE_*`.
    pub entry_mode: u32,
    /// UTC seconds since the Unix epoch.
    pub timestamp: u64,
    /// Masked PAN: 12-19 characters, first 6 and last 4 digits, `*` between.
    pub masked_pan: *const u8,
    /// Length of `masked_pan`.
    pub masked_pan_len: usize,
    /// Keyed PAN token (see [`paycore_pan_token`]).
    pub pan_token: [u8; PAYCORE_PAN_TOKEN_LEN],
    /// 1 if `authorization_code` is present, 0 if absent.
    pub has_authorization_code: u8,
    /// Authorization code (DE 38): 6 ASCII letters, digits or spaces.
    pub authorization_code: *const u8,
    /// Length of `authorization_code`.
    pub authorization_code_len: usize,
    /// Response code (DE 39): 2 ASCII letters or digits.
    pub response_code: *const u8,
    /// Length of `response_code`.
    pub response_code_len: usize,
    /// 1 if `signature_image_hash` is present, 0 if absent.
    pub has_signature_image_hash: u8,
    /// SHA-256 of the cardholder's signature image.
    pub signature_image_hash: [u8; PAYCORE_RECORD_HASH_LEN],
}

fn flag(value: u8) -> Result<bool, paycore_result> {
    match value {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(paycore_result::InvalidArgument),
    }
}

/// Borrows the C record as a core record.
///
/// # Safety
/// `record` must be NULL or valid for a read, and its text pointers valid
/// for their lengths for `'a`.
pub(crate) unsafe fn record_from_c<'a>(
    record: *const paycore_record,
) -> Result<TransactionRecord<'a>, paycore_result> {
    if record.is_null() {
        return Err(paycore_result::NullParameter);
    }
    // SAFETY: non-NULL and readable per the caller's contract (plain data:
    // pointers, integers and byte arrays have no invalid bit patterns).
    let r = unsafe { read_in(record) }?;
    let transaction_type = u8::try_from(r.transaction_type)
        .ok()
        .and_then(|c| TransactionType::from_code(c).ok())
        .ok_or(paycore_result::InvalidArgument)?;
    let entry_mode = u8::try_from(r.entry_mode)
        .ok()
        .and_then(|c| EntryMode::from_code(c).ok())
        .ok_or(paycore_result::InvalidArgument)?;
    let authorization_code = if flag(r.has_authorization_code)? {
        // SAFETY: forwarded caller contract.
        Some(unsafe { input_str(r.authorization_code, r.authorization_code_len) }?)
    } else {
        None
    };
    let signature_image_hash = if flag(r.has_signature_image_hash)? {
        Some(r.signature_image_hash)
    } else {
        None
    };
    Ok(TransactionRecord {
        // SAFETY: forwarded caller contract (each pair below).
        merchant_id: unsafe { input_str(r.merchant_id, r.merchant_id_len) }?,
        // SAFETY: as above.
        terminal_id: unsafe { input_str(r.terminal_id, r.terminal_id_len) }?,
        stan: r.stan,
        amount_minor: r.amount_minor,
        currency: r.currency,
        transaction_type,
        entry_mode,
        timestamp: r.timestamp,
        // SAFETY: as above.
        masked_pan: unsafe { input_str(r.masked_pan, r.masked_pan_len) }?,
        pan_token: PanToken::from_bytes(r.pan_token),
        authorization_code,
        // SAFETY: as above.
        response_code: unsafe { input_str(r.response_code, r.response_code_len) }?,
        signature_image_hash,
    })
}

/// The C view of a core record (pointers into the core record's text).
pub(crate) fn record_to_c(r: &TransactionRecord<'_>) -> paycore_record {
    let (has_authorization_code, authorization_code, authorization_code_len) =
        match r.authorization_code {
            Some(code) => (1, code.as_ptr(), code.len()),
            None => (0, core::ptr::null(), 0),
        };
    let (has_signature_image_hash, signature_image_hash) = match r.signature_image_hash {
        Some(hash) => (1, hash),
        None => (0, [0; PAYCORE_RECORD_HASH_LEN]),
    };
    paycore_record {
        merchant_id: r.merchant_id.as_ptr(),
        merchant_id_len: r.merchant_id.len(),
        terminal_id: r.terminal_id.as_ptr(),
        terminal_id_len: r.terminal_id.len(),
        stan: r.stan,
        currency: r.currency,
        amount_minor: r.amount_minor,
        transaction_type: u32::from(r.transaction_type.code()),
        entry_mode: u32::from(r.entry_mode.code()),
        timestamp: r.timestamp,
        masked_pan: r.masked_pan.as_ptr(),
        masked_pan_len: r.masked_pan.len(),
        pan_token: *r.pan_token.as_bytes(),
        has_authorization_code,
        authorization_code,
        authorization_code_len,
        response_code: r.response_code.as_ptr(),
        response_code_len: r.response_code.len(),
        has_signature_image_hash,
        signature_image_hash,
    }
}

/// Encodes a record into its canonical version-2 bytes (at most
/// `PAYCORE_RECORD_MAX_ENCODED_LEN`).
///
/// # Errors
/// `NULL_PARAMETER`; `INVALID_ARGUMENT` (unknown type/entry-mode code, bad
/// presence flag, text not UTF-8); `MALFORMED` (a field breaks the record
/// rules); `BUFFER_TOO_SMALL` (`*out_len` = encoded length).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `record` must be valid for a read and its text pointers for their
/// lengths; `out` valid for `out_cap` writable bytes; `out_len` for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_record_encode(
    record: *const paycore_record,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let record = try_ffi!(unsafe { record_from_c(record) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        let mut buf = [0u8; MAX_ENCODED_LEN];
        let n = try_ffi!(record.encode(&mut buf).map_err(paycore_result::from));
        out.write(buf.get(..n).unwrap_or(&[]))
    })
}

/// Decodes a canonical version-2 record strictly (version 1 is
/// `MALFORMED`). On success `*out` holds the fields, its text pointers pointing into `encoded` (zero copy: keep
/// `encoded` alive while using `*out`). `*out` is written only on success.
///
/// # Errors
/// `NULL_PARAMETER`; `MALFORMED` (any deviation from the canonical encoding
/// or an invalid field).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `encoded` must be valid for `encoded_len` bytes; `out` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_record_decode(
    encoded: *const u8,
    encoded_len: usize,
    out: *mut paycore_record,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let encoded = try_ffi!(unsafe { input(encoded, encoded_len) });
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        let record = try_ffi!(TransactionRecord::decode(encoded).map_err(paycore_result::from));
        // SAFETY: checked non-NULL; caller guarantees it is writable.
        try_ffi!(unsafe { put(out, record_to_c(&record)) });
        paycore_result::Ok
    })
}

/// Computes the keyed PAN token: HMAC-SHA256 of the PAN's ASCII digits
/// under `key` (usage `M7`, mode permitting generation), leftmost
/// `PAYCORE_PAN_TOKEN_LEN` bytes. The PAN is 12-19 ASCII digits; its Luhn
/// digit is not enforced.
///
/// # Errors
/// `NULL_PARAMETER`; `INVALID_PAN`; `KEY_USAGE`; `BUFFER_TOO_SMALL`
/// (`*out_len` = 16).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; `pan` valid for `pan_len` bytes; `out`
/// valid for `out_cap` writable bytes; `out_len` for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_pan_token(
    key: *const paycore_key,
    pan: *const u8,
    pan_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key: &Key = try_ffi!(unsafe { key_ref(key) });
        // SAFETY: forwarded caller contract.
        let pan = try_ffi!(unsafe { input(pan, pan_len) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        let pan = try_ffi!(Pan::from_ascii(pan).map_err(paycore_result::from));
        let token = try_ffi!(PanToken::compute(key, &pan).map_err(paycore_result::from));
        out.write(token.as_bytes())
    })
}

/// Masks a PAN (12-19 ASCII digits, Luhn not enforced) for a record:
/// first 6 and last 4 digits kept, `*` between (PCI DSS 3.4). Writes the
/// masked text (same length as the PAN, no NUL).
///
/// # Errors
/// `NULL_PARAMETER`; `INVALID_PAN`; `BUFFER_TOO_SMALL` (`*out_len` = PAN length).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `pan` valid for `pan_len` bytes; `out` valid for `out_cap` writable
/// bytes; `out_len` for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_pan_mask(
    pan: *const u8,
    pan_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let pan = try_ffi!(unsafe { input(pan, pan_len) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        let pan = try_ffi!(Pan::from_ascii(pan).map_err(paycore_result::from));
        out.write(MaskedPan::from_pan(&pan).as_str().as_bytes())
    })
}
