//! EMVCo merchant-presented QR payloads (EMV QRCPS-MPM v1.1) through the
//! C ABI: structural decode with a CRC report, strict validation, zero-copy
//! field iteration and a builder.
//!
//! # Reading fields
//! [`paycore_qr_next`] works like `paycore_tlv_next`: it describes the data
//! object starting at byte `offset` of the caller's payload by positions
//! into that payload ([`paycore_qr_field`]), and returns where the next
//! sibling starts in `next_offset`, so no parameter is in/out. The first
//! top-level object is at offset 0; the first child of a template `t` is
//! at `t.value_offset`, iterated by passing `&t` as `parent` (the ID of the
//! parent decides which children are templates: inside 62, IDs 50-99).
//! Offsets and lengths are in bytes of the UTF-8 payload (the lengths in
//! the payload itself count characters). Each call re-checks the payload
//! structure (at most 512 characters), so a caller cannot be misled by a
//! stale or forged `parent`.

use paycore::card::qr::{Builder, DataObject, MAX_PAYLOAD_LEN, Payload, crc16_ccitt_false};

use crate::io::{Out, input, input_array, put, read_in};
use crate::result::paycore_result;
use crate::{ffi_boundary, try_ffi};

/// Longest payload in bytes the builder can produce (512 characters of up
/// to 4 UTF-8 bytes; QRCPS-MPM §4.1).
pub const PAYCORE_QR_MAX_PAYLOAD_BYTES: usize = 2048;

// A literal above so that cbindgen emits a number; kept equal to the core's.
const _: () = assert!(PAYCORE_QR_MAX_PAYLOAD_BYTES == 4 * MAX_PAYLOAD_LEN);

/// Builder item: a primitive data object `id` with `value`.
pub const PAYCORE_QR_ITEM_PRIMITIVE: u32 = 1;
/// Builder item: opens template `id` (value ignored); its children follow.
pub const PAYCORE_QR_ITEM_TEMPLATE_BEGIN: u32 = 2;
/// Builder item: closes the innermost open template (id and value ignored).
pub const PAYCORE_QR_ITEM_TEMPLATE_END: u32 = 3;

/// One data object of a payload, by position in the caller's payload
/// buffer (QRCPS-MPM §4.1).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct paycore_qr_field {
    /// The two-digit ID, 0-99.
    pub id: u32,
    /// Byte offset of the object's ID.
    pub offset: usize,
    /// Byte offset of the value.
    pub value_offset: usize,
    /// Value length in bytes.
    pub value_len: usize,
    /// Byte offset of the next sibling (or the end of the parent).
    pub next_offset: usize,
    /// True for a template: iterate its children with this field as
    /// `parent`, starting at `value_offset`.
    pub is_template: bool,
}

/// One builder instruction for [`paycore_qr_build`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct paycore_qr_item {
    /// A `PAYCORE_QR_ITEM_*` constant.
    pub kind: u32,
    /// The data object ID, 0-99 (63 is written by the builder).
    pub id: u32,
    /// The UTF-8 value of a primitive (may be NULL when `value_len` is 0).
    pub value: *const u8,
    /// Length of `value` in bytes.
    pub value_len: usize,
}

/// The payload as text; bytes that are not UTF-8 are malformed input.
///
/// # Safety
/// As `io::input`.
unsafe fn payload_text<'a>(data: *const u8, len: usize) -> Result<&'a str, paycore_result> {
    // SAFETY: forwarded caller contract.
    let bytes = unsafe { input(data, len) }?;
    std::str::from_utf8(bytes).map_err(|_| paycore_result::Malformed)
}

fn describe(text: &str, o: &DataObject<'_>) -> paycore_qr_field {
    let value_offset = o
        .value()
        .as_ptr()
        .addr()
        .saturating_sub(text.as_ptr().addr());
    paycore_qr_field {
        id: u32::from(o.id()),
        offset: value_offset.saturating_sub(4),
        value_offset,
        value_len: o.value().len(),
        next_offset: value_offset + o.value().len(),
        is_template: o.is_template(),
    }
}

/// Finds the template described by `want` anywhere in the tree.
fn locate<'a>(
    text: &str,
    objects: impl Iterator<Item = DataObject<'a>>,
    want: &paycore_qr_field,
) -> Option<DataObject<'a>> {
    for o in objects {
        let d = describe(text, &o);
        if !o.is_template() {
            continue;
        }
        if d.id == want.id && d.value_offset == want.value_offset && d.value_len == want.value_len {
            return Some(o);
        }
        if let Some(hit) = locate(text, o.children(), want) {
            return Some(hit);
        }
    }
    None
}

/// Decodes a payload structurally (QRCPS-MPM §4.1: at most 512 characters,
/// well-formed objects, no duplicate IDs in a template, bounded nesting)
/// and reports whether ID 63 holds the right CRC (§4.7.3, either hex case).
/// For display and diagnostics only: accept a payment only after
/// [`paycore_qr_parse`].
///
/// # Errors
/// `PAYCORE_RESULT_NULL_PARAMETER`; `PAYCORE_RESULT_MALFORMED` for a
/// structural error, text that is not UTF-8 or more than 512 characters.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `payload` must be valid for `len` bytes; `crc_valid` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_qr_decode(
    payload: *const u8,
    len: usize,
    crc_valid: *mut bool,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let text = try_ffi!(unsafe { payload_text(payload, len) });
        if crc_valid.is_null() {
            return paycore_result::NullParameter;
        }
        let decoded = try_ffi!(Payload::decode(text).map_err(paycore_result::from));
        // SAFETY: checked non-NULL; caller guarantees writability.
        try_ffi!(unsafe { put(crc_valid, decoded.crc_valid()) });
        paycore_result::Ok
    })
}

/// Validates a payload strictly (QRCPS-MPM v1.1 §4): structure, ID 00
/// first with `01`, the mandatory IDs (a merchant account 02-51, 52, 53,
/// 58, 59, 60) with valid values, template rules, and ID 63 last with the
/// right CRC in upper-case hex. `PAYCORE_RESULT_OK` means the payload may
/// be used for a payment.
///
/// # Errors
/// `PAYCORE_RESULT_NULL_PARAMETER`; `PAYCORE_RESULT_MALFORMED` for any
/// rule broken, including a CRC mismatch.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `payload` must be valid for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_qr_parse(payload: *const u8, len: usize) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let text = try_ffi!(unsafe { payload_text(payload, len) });
        try_ffi!(Payload::parse(text).map_err(paycore_result::from));
        paycore_result::Ok
    })
}

/// Describes the data object starting at byte `offset` of the payload,
/// among the top-level objects (`parent` NULL) or the children of the
/// template `*parent` (a field previously returned for this payload). On
/// success `*found` is false at the end of that level; otherwise `*out`
/// describes the object by byte positions into `payload` (zero-copy) and
/// `out->next_offset` is the `offset` of the next sibling. Start at 0 for
/// the top level and at `parent->value_offset` for a template's children.
/// As `paycore_tlv_next`, the offset is a plain input, never in/out. Each
/// call re-checks the payload structure (at most 512 characters), so a
/// stale or forged `parent` is rejected, not trusted.
///
/// ```c
/// paycore_qr_field f; bool found;
/// for (size_t off = 0;
///      paycore_qr_next(p, len, NULL, off, &found, &f) == PAYCORE_RESULT_OK && found;
///      off = f.next_offset) {
///     // if f.is_template: paycore_qr_next(p, len, &f, f.value_offset, ...)
/// }
/// ```
///
/// # Errors
/// `PAYCORE_RESULT_NULL_PARAMETER`; `PAYCORE_RESULT_MALFORMED` as
/// [`paycore_qr_decode`]; `PAYCORE_RESULT_INVALID_ARGUMENT` if `*parent` is
/// not a template of this payload or `offset` is not the start of an object
/// of that level (nor its end).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `payload` must be valid for `len` bytes; `parent` NULL or valid for a
/// read; `found` and `out` valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_qr_next(
    payload: *const u8,
    len: usize,
    parent: *const paycore_qr_field,
    offset: usize,
    found: *mut bool,
    out: *mut paycore_qr_field,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let text = try_ffi!(unsafe { payload_text(payload, len) });
        if found.is_null() || out.is_null() {
            return paycore_result::NullParameter;
        }
        let decoded = try_ffi!(Payload::decode(text).map_err(paycore_result::from));
        let (level, end) = if parent.is_null() {
            (decoded.fields(), text.len())
        } else {
            // SAFETY: non-NULL and readable per the caller's contract.
            let want = try_ffi!(unsafe { read_in(parent) });
            let Some(template) = locate(text, decoded.fields(), &want) else {
                return paycore_result::InvalidArgument;
            };
            (template.children(), want.value_offset + want.value_len)
        };
        if offset == end {
            // SAFETY: checked non-NULL; caller guarantees writability.
            try_ffi!(unsafe { put(found, false) });
            return paycore_result::Ok;
        }
        let Some(field) = level
            .map(|o| describe(text, &o))
            .find(|d| d.offset == offset)
        else {
            return paycore_result::InvalidArgument;
        };
        // SAFETY: checked non-NULL; caller guarantees writability.
        try_ffi!(unsafe { put(out, field) });
        // SAFETY: as above.
        try_ffi!(unsafe { put(found, true) });
        paycore_result::Ok
    })
}

/// Finds the object with `id` among the top-level objects (`parent` NULL)
/// or the children of `*parent`; `*found` tells whether it is there.
///
/// # Errors
/// As [`paycore_qr_next`].
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_qr_next`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_qr_find(
    payload: *const u8,
    len: usize,
    parent: *const paycore_qr_field,
    id: u32,
    found: *mut bool,
    out: *mut paycore_qr_field,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let text = try_ffi!(unsafe { payload_text(payload, len) });
        if found.is_null() || out.is_null() {
            return paycore_result::NullParameter;
        }
        let decoded = try_ffi!(Payload::decode(text).map_err(paycore_result::from));
        let hit = if parent.is_null() {
            decoded.fields().find(|o| u32::from(o.id()) == id)
        } else {
            // SAFETY: non-NULL and readable per the caller's contract.
            let want = try_ffi!(unsafe { read_in(parent) });
            let Some(template) = locate(text, decoded.fields(), &want) else {
                return paycore_result::InvalidArgument;
            };
            template.children().find(|o| u32::from(o.id()) == id)
        };
        if let Some(o) = hit {
            // SAFETY: checked non-NULL; caller guarantees writability.
            try_ffi!(unsafe { put(out, describe(text, &o)) });
        }
        // SAFETY: as above.
        try_ffi!(unsafe { put(found, hit.is_some()) });
        paycore_result::Ok
    })
}

/// CRC-16/CCITT-FALSE of `data` (polynomial 0x1021, initial 0xFFFF, no
/// reflection, no final XOR; QRCPS-MPM §4.7.3, ISO/IEC 13239).
///
/// # Errors
/// `PAYCORE_RESULT_NULL_PARAMETER`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `data` must be valid for `len` bytes; `crc` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_qr_crc16(
    data: *const u8,
    len: usize,
    crc: *mut u16,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let data = try_ffi!(unsafe { input(data, len) });
        // SAFETY: caller guarantees writability if non-NULL (put checks NULL).
        try_ffi!(unsafe { put(crc, crc16_ccitt_false(data)) });
        paycore_result::Ok
    })
}

/// Builds a payload from `items` in order, then appends ID 63 with the CRC
/// (QRCPS-MPM §4.7.3). The builder checks the encoding (IDs 0-99, values
/// 1-99 characters, at most two nested templates, 512 characters in all),
/// not the semantic rules: run [`paycore_qr_parse`] on the result to check
/// those. The payload is built in a 2 KiB stack scratch buffer and copied
/// out only on success.
///
/// # Errors
/// `PAYCORE_RESULT_NULL_PARAMETER` (also for an item with a NULL value and
/// `value_len > 0`); `PAYCORE_RESULT_INVALID_ARGUMENT` for an unknown item
/// kind, an ID over 99, a top-level ID 63, unbalanced templates or a value
/// that is not UTF-8; `PAYCORE_RESULT_MALFORMED` for an empty or too long
/// value or payload; `PAYCORE_RESULT_BUFFER_TOO_SMALL` (with `*out_len` =
/// size needed).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `items` must be valid for `count` reads (NULL allowed when `count` is
/// 0), each item's `value` for its `value_len` bytes; `out` for `out_cap`
/// writable bytes; `out_len` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_qr_build(
    items: *const paycore_qr_item,
    count: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        let items: &[paycore_qr_item] = if items.is_null() {
            if count > 0 {
                return paycore_result::NullParameter;
            }
            &[]
        } else {
            // SAFETY: non-NULL and the caller guarantees `count` items.
            try_ffi!(unsafe { input_array(items, count) })
        };
        let mut scratch = [0u8; PAYCORE_QR_MAX_PAYLOAD_BYTES];
        let mut builder = Builder::new(&mut scratch);
        for item in items {
            let id = try_ffi!(u8::try_from(item.id).map_err(|_| paycore_result::InvalidArgument));
            let step = match item.kind {
                PAYCORE_QR_ITEM_PRIMITIVE => {
                    // SAFETY: the caller guarantees `value_len` readable bytes.
                    let bytes = try_ffi!(unsafe { input(item.value, item.value_len) });
                    let value = try_ffi!(
                        std::str::from_utf8(bytes).map_err(|_| paycore_result::InvalidArgument)
                    );
                    builder.primitive(id, value).map(|_| ())
                }
                PAYCORE_QR_ITEM_TEMPLATE_BEGIN => builder.begin_template(id).map(|_| ()),
                PAYCORE_QR_ITEM_TEMPLATE_END => builder.end_template().map(|_| ()),
                _ => return paycore_result::InvalidArgument,
            };
            try_ffi!(step.map_err(paycore_result::from));
        }
        let text = try_ffi!(builder.finish().map_err(paycore_result::from));
        out.write(text.as_bytes())
    })
}
