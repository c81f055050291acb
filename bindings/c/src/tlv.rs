//! EMV BER-TLV (EMV 4.4 Book 3 Annex B), the tag dictionary (Annex A) and
//! Data Object Lists (Book 3 §5.4) through the C ABI.
//!
//! # Zero-copy iteration without in/out parameters
//! [`paycore_tlv_next`] parses the one data object that starts at (or after
//! padding following) a byte `offset` of the caller's buffer and describes
//! it in a [`paycore_tlv`] by *positions into that buffer*: nothing is
//! copied and nothing is allocated. The offset is a plain input; the
//! position to continue from comes back in `paycore_tlv.next_offset`. So
//! the STYLE rule "no in/out parameters" holds and an iteration is a pure
//! function of `(data, len, offset)`, which a caller can restart, replay or
//! run from several threads at once:
//!
//! ```c
//! paycore_tlv t; bool found;
//! for (size_t off = 0;
//!      paycore_tlv_next(buf, len, off, &found, &t) == PAYCORE_RESULT_OK && found;
//!      off = t.next_offset) {
//!     if (t.constructed) {
//!         // children: iterate (buf + t.value_offset, t.value_len) the same way
//!     }
//! }
//! ```
//!
//! A cursor struct was considered and rejected: it would be an in/out
//! parameter in disguise, and it would have to hold a pointer into the
//! caller's buffer across calls. `found == false` (with `PAYCORE_RESULT_OK`)
//! marks the end of the level (the rest of the buffer is empty or only
//! padding); any malformed object gives `PAYCORE_RESULT_MALFORMED`
//! or `PAYCORE_RESULT_LIMIT_EXCEEDED`.
//!
//! Padding is the core reader's rule (`paycore::card::tlv`, "Padding"): `00`
//! is always padding; `FF` is padding unless the next byte is `81`-`FE`,
//! when it starts a tag of three or more bytes (EMV Book C-2 `FF8105` Data
//! Record, `FF8106` Discretionary Data). Length fields have at most three
//! bytes (EMV Book 3 Annex B2): `83 xx xx xx` and longer are
//! `PAYCORE_RESULT_MALFORMED`.
//!
//! Nested iteration is done by the caller on the value range, so the
//! caller bounds the recursion; offsets are then relative to the pointer
//! passed. [`paycore_tlv_validate`] checks the whole tree (depth limit 8,
//! values up to 65 535 bytes) and [`paycore_tlv_find`] searches it
//! depth-first, reporting offsets relative to the top-level buffer.

use std::ffi::c_char;

use paycore::card::dol::{self, Dol};
use paycore::card::tags::{self, Format, Source, TagInfo};
use paycore::card::tlv::{self, Iter, Limits, Tag, Tlv};

use crate::card::out_in_place;
use crate::io::{input, put};
use crate::result::paycore_result;
use crate::{ffi_boundary, try_ffi};

/// One BER-TLV data object, described by positions into the caller's
/// buffer (EMV Book 3 Annex B). All offsets are relative to the `data`
/// pointer given to the call that produced it.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct paycore_tlv {
    /// The tag as a big-endian integer (`9F 02` is `0x9F02`).
    pub tag: u32,
    /// Number of tag bytes (1-4).
    pub tag_len: usize,
    /// Offset of the tag's first byte.
    pub offset: usize,
    /// Offset of the value's first byte.
    pub value_offset: usize,
    /// Length of the value in bytes.
    pub value_len: usize,
    /// Offset just after this object: the `offset` to pass to
    /// [`paycore_tlv_next`] for the following sibling.
    pub next_offset: usize,
    /// Nesting level: 1 for [`paycore_tlv_next`] (the level of the buffer
    /// passed); the real tree level for [`paycore_tlv_find`].
    pub level: u32,
    /// True for a template (bit 6 of the first tag byte): the value is a
    /// sequence of data objects.
    pub constructed: bool,
    /// True when the length field used the shortest form.
    pub minimal_length: bool,
    /// True when the tag dictionary marks the value as cardholder or PIN
    /// data (mask it in any display).
    pub sensitive: bool,
}

fn describe(t: &Tlv<'_>, base: usize) -> paycore_tlv {
    paycore_tlv {
        tag: t.tag().as_u32(),
        tag_len: t.tag().encoded_len(),
        offset: base + t.offset(),
        value_offset: base + t.value_offset(),
        value_len: t.value().len(),
        next_offset: base + t.offset() + t.encoded_len(),
        level: u32::try_from(t.level()).unwrap_or(u32::MAX),
        constructed: t.is_constructed(),
        minimal_length: t.has_minimal_length(),
        sensitive: t.is_sensitive(),
    }
}

/// A well-formed tag from its big-endian integer form.
fn checked_tag(raw: u32) -> Result<Tag, paycore_result> {
    // The tag is a caller argument, so any defect is an invalid argument
    // (not malformed input).
    Tag::from_bytes(Tag::new(raw).as_bytes()).map_err(|_| paycore_result::InvalidArgument)
}

/// Parses the data object at `offset` of `data` (after skipping padding:
/// `00`, and `FF` unless followed by `81`-`FE`, which starts an `FF81xx`
/// tag) without descending into it (EMV Book 3 Annex B). On success
/// `*found` tells whether an object was there; if so `*out` describes it,
/// by positions into `data` (zero-copy), and `out->next_offset` is where
/// the next sibling starts. `*found == false` marks the end of the level
/// (the rest is empty or only padding).
///
/// Iteration, with children iterated by the caller on the value range
/// (offsets are then relative to the pointer passed; the caller bounds
/// the recursion):
///
/// ```c
/// paycore_tlv t; bool found;
/// for (size_t off = 0;
///      paycore_tlv_next(buf, len, off, &found, &t) == PAYCORE_RESULT_OK && found;
///      off = t.next_offset) {
///     if (t.constructed) {
///         // children: iterate (buf + t.value_offset, t.value_len) the same way
///     }
/// }
/// ```
///
/// Design: the offset is a plain input and the continuation comes back in
/// the result, so there is no in/out parameter (STYLE, C ABI rule 3) and
/// no cursor object holding a pointer into the caller's buffer between
/// calls; each call is a pure function of `(data, len, offset)` that can
/// be restarted or replayed. The loop above stops on an error as on the
/// end: check the result code when the difference matters. Each call
/// checks one object only; use [`paycore_tlv_validate`] to check a whole
/// tree first.
///
/// # Errors
/// `PAYCORE_RESULT_NULL_PARAMETER` for NULL `found`/`out` (or `data` with
/// `len > 0`); `PAYCORE_RESULT_INVALID_ARGUMENT` for `offset > len`;
/// `PAYCORE_RESULT_MALFORMED` for a truncated object, an indefinite or
/// invalid length, a length field of more than three bytes (which a value
/// over 65 535 bytes would need) or a tag longer than 4 bytes. Nothing
/// is written on failure.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `data` must be valid for `len` bytes; `found` and `out` valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_tlv_next(
    data: *const u8,
    len: usize,
    offset: usize,
    found: *mut bool,
    out: *mut paycore_tlv,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let data = try_ffi!(unsafe { input(data, len) });
        if found.is_null() || out.is_null() {
            return paycore_result::NullParameter;
        }
        let Some(rest) = data.get(offset..) else {
            return paycore_result::InvalidArgument;
        };
        match Iter::new(rest, Limits::default()).next() {
            None => {
                // SAFETY: checked non-NULL; caller guarantees writability.
                try_ffi!(unsafe { put(found, false) });
            }
            Some(Err(e)) => return e.into(),
            Some(Ok(t)) => {
                // SAFETY: checked non-NULL; caller guarantees writability.
                try_ffi!(unsafe { put(out, describe(&t, offset)) });
                // SAFETY: as above.
                try_ffi!(unsafe { put(found, true) });
            }
        }
        paycore_result::Ok
    })
}

/// Searches the whole tree of `data` depth-first (parents before children)
/// for the first object with `tag` (EMV Book 3 Annex B). Offsets in `*out`
/// are relative to `data`; `out->level` is the tree level (1 = top).
///
/// # Errors
/// `PAYCORE_RESULT_NULL_PARAMETER`; `PAYCORE_RESULT_MALFORMED` /
/// `PAYCORE_RESULT_LIMIT_EXCEEDED` (depth over 8) for malformed data met
/// before the match. Nothing is written on failure.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `data` must be valid for `len` bytes; `found` and `out` valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_tlv_find(
    data: *const u8,
    len: usize,
    tag: u32,
    found: *mut bool,
    out: *mut paycore_tlv,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let data = try_ffi!(unsafe { input(data, len) });
        if found.is_null() || out.is_null() {
            return paycore_result::NullParameter;
        }
        let hit = try_ffi!(
            tlv::find(data, Tag::new(tag), Limits::default()).map_err(paycore_result::from)
        );
        if let Some(t) = hit {
            // SAFETY: checked non-NULL; caller guarantees writability.
            try_ffi!(unsafe { put(out, describe(&t, 0)) });
        }
        // SAFETY: as above.
        try_ffi!(unsafe { put(found, hit.is_some()) });
        paycore_result::Ok
    })
}

/// Parses the whole tree of `data`, descending into every template, and
/// writes the number of data objects to `*count` (EMV Book 3 Annex B;
/// depth limit 8, values up to 65 535 bytes). An empty buffer is valid
/// (count 0).
///
/// # Errors
/// `PAYCORE_RESULT_NULL_PARAMETER`; `PAYCORE_RESULT_MALFORMED` or
/// `PAYCORE_RESULT_LIMIT_EXCEEDED` for the first problem anywhere in the
/// tree. `*count` is written only on success.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `data` must be valid for `len` bytes; `count` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_tlv_validate(
    data: *const u8,
    len: usize,
    count: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let data = try_ffi!(unsafe { input(data, len) });
        if count.is_null() {
            return paycore_result::NullParameter;
        }
        let n = try_ffi!(tlv::validate(data, Limits::default()).map_err(paycore_result::from));
        // SAFETY: checked non-NULL; caller guarantees writability.
        try_ffi!(unsafe { put(count, n) });
        paycore_result::Ok
    })
}

/// Encodes one data object: `tag`, the minimal length field and `value`
/// (EMV Book 3 Annex B; ISO/IEC 8825-1 §8.1.3). For a template, `value` is
/// the encoding of its children. `tag` is the big-endian integer form and
/// must be one well-formed tag (`0x9F02`, not `0x9F` or `0x9F8080`).
///
/// # Errors
/// `PAYCORE_RESULT_NULL_PARAMETER`; `PAYCORE_RESULT_INVALID_ARGUMENT` for
/// a malformed tag (or one a reader takes for padding: first byte `00`, or
/// `FF` not followed by `81`-`FE`; `0xFF8105` is fine) or a value longer
/// than 65 535 bytes (EMV Book 3 Annex B2: at most three length bytes);
/// `PAYCORE_RESULT_BUFFER_TOO_SMALL` (with `*out_len` =
/// size needed, nothing written).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `value` must be valid for `value_len` bytes; `out` for `out_cap`
/// writable bytes (it must not overlap `value`); `out_len` valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_tlv_encode(
    tag: u32,
    value: *const u8,
    value_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let value = try_ffi!(unsafe { input(value, value_len) });
        // SAFETY: forwarded caller contract.
        let (buf, written) = try_ffi!(unsafe { out_in_place(out, out_cap, out_len) });
        let tag = try_ffi!(checked_tag(tag));
        let required = try_ffi!(tlv::encoded_len(tag, value.len()).map_err(paycore_result::from));
        if required > buf.len() {
            *written = required;
            return paycore_result::BufferTooSmall;
        }
        let n = try_ffi!(tlv::encode(tag, value, buf).map_err(paycore_result::from));
        *written = n;
        paycore_result::Ok
    })
}

// ---------------------------------------------------------------------------
// Tag dictionary
// ---------------------------------------------------------------------------

/// Format `a` (alphabetic), EMV Book 1 §4.3.
pub const PAYCORE_TAG_FORMAT_A: u32 = 1;
/// Format `an` (alphanumeric).
pub const PAYCORE_TAG_FORMAT_AN: u32 = 2;
/// Format `ans` (alphanumeric and special).
pub const PAYCORE_TAG_FORMAT_ANS: u32 = 3;
/// Format `b` (binary).
pub const PAYCORE_TAG_FORMAT_B: u32 = 4;
/// Format `cn` (compressed numeric, `F`-padded on the right).
pub const PAYCORE_TAG_FORMAT_CN: u32 = 5;
/// Format `n` (numeric BCD, zero-padded on the left).
pub const PAYCORE_TAG_FORMAT_N: u32 = 6;
/// Format `var.` (template or variable structure).
pub const PAYCORE_TAG_FORMAT_VAR: u32 = 7;
/// A format this version does not name.
pub const PAYCORE_TAG_FORMAT_OTHER: u32 = 0;

/// Source: the card (ICC), EMV Book 3 Annex A.
pub const PAYCORE_TAG_SOURCE_ICC: u32 = 1;
/// Source: the issuer.
pub const PAYCORE_TAG_SOURCE_ISSUER: u32 = 2;
/// Source: the terminal.
pub const PAYCORE_TAG_SOURCE_TERMINAL: u32 = 3;
/// A source this version does not name.
pub const PAYCORE_TAG_SOURCE_OTHER: u32 = 0;

/// One tag dictionary entry (EMV Book 3 Annex A).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct paycore_tag_info {
    /// The tag as a big-endian integer.
    pub tag: u32,
    /// The EMV name: a static NUL-terminated string (never freed).
    pub name: *const c_char,
    /// A `PAYCORE_TAG_FORMAT_*` constant.
    pub format: u32,
    /// A `PAYCORE_TAG_SOURCE_*` constant.
    pub source: u32,
    /// True for cardholder or PIN data that a display must mask.
    pub sensitive: bool,
}

/// NUL-terminated copies of the dictionary names, built once on first use
/// (the core keeps Rust `&str`s, which have no terminator).
/// Number of dictionary entries.
const TAG_COUNT: usize = tags::all().len();

/// Bytes of all dictionary names, each followed by a NUL.
const NAMES_LEN: usize = {
    let all = tags::all();
    let mut total = 0;
    let mut i = 0;
    while i < all.len() {
        total += all[i].name().len() + 1;
        i += 1;
    }
    total
};

/// The dictionary names as NUL-terminated strings, built at compile time
/// (no heap, no lazy initialisation): the bytes and each name's offset.
static NAMES: ([u8; NAMES_LEN], [usize; TAG_COUNT]) = {
    let all = tags::all();
    let mut bytes = [0u8; NAMES_LEN];
    let mut offsets = [0usize; TAG_COUNT];
    let mut at = 0;
    let mut i = 0;
    while i < all.len() {
        offsets[i] = at;
        let name = all[i].name().as_bytes();
        let mut j = 0;
        while j < name.len() {
            // Dictionary names are ASCII text without NUL.
            assert!(name[j] != 0, "NUL in a tag name");
            bytes[at] = name[j];
            at += 1;
            j += 1;
        }
        at += 1; // the NUL (already zero)
        i += 1;
    }
    (bytes, offsets)
};

fn name_of(info: &'static TagInfo) -> *const c_char {
    tags::all()
        .iter()
        .position(|i| std::ptr::eq(i, info))
        .and_then(|index| NAMES.1.get(index))
        .and_then(|&offset| NAMES.0.get(offset..))
        .map_or(std::ptr::null(), |s| s.as_ptr().cast())
}

fn info_of(info: &'static TagInfo) -> paycore_tag_info {
    paycore_tag_info {
        tag: info.tag().as_u32(),
        name: name_of(info),
        format: match info.format() {
            Format::A => PAYCORE_TAG_FORMAT_A,
            Format::An => PAYCORE_TAG_FORMAT_AN,
            Format::Ans => PAYCORE_TAG_FORMAT_ANS,
            Format::B => PAYCORE_TAG_FORMAT_B,
            Format::Cn => PAYCORE_TAG_FORMAT_CN,
            Format::N => PAYCORE_TAG_FORMAT_N,
            Format::Var => PAYCORE_TAG_FORMAT_VAR,
            _ => PAYCORE_TAG_FORMAT_OTHER,
        },
        source: match info.source() {
            Source::Icc => PAYCORE_TAG_SOURCE_ICC,
            Source::Issuer => PAYCORE_TAG_SOURCE_ISSUER,
            Source::Terminal => PAYCORE_TAG_SOURCE_TERMINAL,
            _ => PAYCORE_TAG_SOURCE_OTHER,
        },
        sensitive: info.sensitive(),
    }
}

/// The EMV name of `tag` (EMV Book 3 Annex A) as a static NUL-terminated
/// string, or NULL if the tag is not in the dictionary. The string is
/// never freed (a static table).
#[unsafe(no_mangle)]
pub extern "C" fn paycore_tag_name(tag: u32) -> *const c_char {
    tags::lookup(Tag::new(tag)).map_or(std::ptr::null(), name_of)
}

/// True when `tag` is in the dictionary and marked as cardholder or PIN
/// data (PCI DSS: PAN, track data, name, expiry, service code; PIN data).
/// Unknown tags give false; a cautious display may mask them too.
#[unsafe(no_mangle)]
pub extern "C" fn paycore_tag_is_sensitive(tag: u32) -> bool {
    tags::is_sensitive(Tag::new(tag))
}

/// Looks `tag` up in the dictionary (EMV Book 3 Annex A); `*found` tells
/// whether it is known, and if so `*out` is filled.
///
/// # Errors
/// `PAYCORE_RESULT_NULL_PARAMETER`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `found` and `out` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_tag_lookup(
    tag: u32,
    found: *mut bool,
    out: *mut paycore_tag_info,
) -> paycore_result {
    ffi_boundary!({
        if found.is_null() || out.is_null() {
            return paycore_result::NullParameter;
        }
        let info = tags::lookup(Tag::new(tag));
        if let Some(info) = info {
            // SAFETY: checked non-NULL; caller guarantees writability.
            try_ffi!(unsafe { put(out, info_of(info)) });
        }
        // SAFETY: as above.
        try_ffi!(unsafe { put(found, info.is_some()) });
        paycore_result::Ok
    })
}

/// Number of entries in the tag dictionary (for listing with
/// [`paycore_tag_at`]).
#[unsafe(no_mangle)]
pub extern "C" fn paycore_tag_count() -> usize {
    tags::all().len()
}

/// The dictionary entry number `index` (0 to [`paycore_tag_count`] - 1).
///
/// # Errors
/// `PAYCORE_RESULT_NULL_PARAMETER`; `PAYCORE_RESULT_INVALID_ARGUMENT` for
/// an index out of range.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `out` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_tag_at(
    index: usize,
    out: *mut paycore_tag_info,
) -> paycore_result {
    ffi_boundary!({
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        let Some(info) = tags::all().get(index) else {
            return paycore_result::InvalidArgument;
        };
        // SAFETY: checked non-NULL; caller guarantees writability.
        try_ffi!(unsafe { put(out, info_of(info)) });
        paycore_result::Ok
    })
}

// ---------------------------------------------------------------------------
// Data Object Lists
// ---------------------------------------------------------------------------

/// One DOL entry (EMV Book 3 §5.4): a tag and a requested length.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct paycore_dol_entry {
    /// The requested tag, big-endian integer form.
    pub tag: u32,
    /// The requested value length in bytes (0-255).
    pub length: usize,
    /// Offset of the entry's tag in the DOL.
    pub offset: usize,
    /// Offset of the next entry: the `offset` for the next
    /// [`paycore_dol_next`] call.
    pub next_offset: usize,
}

/// Checks a whole DOL (EMV Book 3 §5.4) and writes its number of entries
/// and the sum of the requested lengths (the size [`paycore_dol_build`]
/// writes).
///
/// # Errors
/// `PAYCORE_RESULT_NULL_PARAMETER`; `PAYCORE_RESULT_MALFORMED` for a DOL
/// ending inside an entry, a tag over 4 bytes or an entry starting with
/// `00`/`FF`. Nothing is written on failure.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `dol` must be valid for `dol_len` bytes; `count` and `total_len` valid
/// for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_dol_parse(
    dol: *const u8,
    dol_len: usize,
    count: *mut usize,
    total_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let dol = try_ffi!(unsafe { input(dol, dol_len) });
        if count.is_null() || total_len.is_null() {
            return paycore_result::NullParameter;
        }
        let parsed = try_ffi!(Dol::parse(dol).map_err(paycore_result::from));
        // SAFETY: checked non-NULL; caller guarantees writability.
        try_ffi!(unsafe { put(count, parsed.len()) });
        // SAFETY: as above.
        try_ffi!(unsafe { put(total_len, parsed.total_len()) });
        paycore_result::Ok
    })
}

/// The DOL entry starting at `offset` (0 for the first; then the previous
/// entry's `next_offset`). The whole DOL is checked on every call.
/// `*found` is false at the end (`offset == dol_len`).
///
/// # Errors
/// `PAYCORE_RESULT_NULL_PARAMETER`; `PAYCORE_RESULT_MALFORMED` as
/// [`paycore_dol_parse`]; `PAYCORE_RESULT_INVALID_ARGUMENT` if `offset` is
/// not the start of an entry or the end.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `dol` must be valid for `dol_len` bytes; `found` and `out` valid for
/// writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_dol_next(
    dol: *const u8,
    dol_len: usize,
    offset: usize,
    found: *mut bool,
    out: *mut paycore_dol_entry,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let bytes = try_ffi!(unsafe { input(dol, dol_len) });
        if found.is_null() || out.is_null() {
            return paycore_result::NullParameter;
        }
        let parsed = try_ffi!(Dol::parse(bytes).map_err(paycore_result::from));
        if offset == bytes.len() {
            // SAFETY: checked non-NULL; caller guarantees writability.
            try_ffi!(unsafe { put(found, false) });
            return paycore_result::Ok;
        }
        let Some(entry) = parsed.entries().find(|e| e.offset() == offset) else {
            return paycore_result::InvalidArgument;
        };
        let described = paycore_dol_entry {
            tag: entry.tag().as_u32(),
            length: entry.length(),
            offset,
            next_offset: offset + entry.tag().encoded_len() + 1,
        };
        // SAFETY: checked non-NULL; caller guarantees writability.
        try_ffi!(unsafe { put(out, described) });
        // SAFETY: as above.
        try_ffi!(unsafe { put(found, true) });
        paycore_result::Ok
    })
}

/// Builds the data a DOL asks for (EMV Book 3 §5.4): for each entry, the
/// value of that tag taken from `values` — a list of BER-TLV data objects
/// (top level only; the first object with the tag wins) — fitted to the
/// requested length by the §5.4 rules (absent, unknown or constructed:
/// zeros; format `n` keeps the rightmost bytes / pads on the left with
/// `00`; `cn` pads with `FF`; others keep the leftmost / pad with `00`).
/// Writes exactly the DOL's total length.
///
/// # Errors
/// `PAYCORE_RESULT_NULL_PARAMETER`; `PAYCORE_RESULT_MALFORMED` for a
/// malformed DOL or `values` list; `PAYCORE_RESULT_BUFFER_TOO_SMALL` (with
/// `*out_len` = total length, nothing written).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `dol` and `values` must be valid for their lengths; `out` for `out_cap`
/// writable bytes not overlapping the inputs; `out_len` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_dol_build(
    dol: *const u8,
    dol_len: usize,
    values: *const u8,
    values_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let dol = try_ffi!(unsafe { input(dol, dol_len) });
        // SAFETY: forwarded caller contract.
        let values = try_ffi!(unsafe { input(values, values_len) });
        // SAFETY: forwarded caller contract.
        let (buf, written) = try_ffi!(unsafe { out_in_place(out, out_cap, out_len) });
        let parsed = try_ffi!(Dol::parse(dol).map_err(paycore_result::from));
        for item in Iter::new(values, Limits::default()) {
            try_ffi!(item.map_err(paycore_result::from));
        }
        if parsed.total_len() > buf.len() {
            *written = parsed.total_len();
            return paycore_result::BufferTooSmall;
        }
        let source = |tag: Tag| {
            Iter::new(values, Limits::default())
                .filter_map(Result::ok)
                .find(|t| t.tag() == tag)
                .map(|t| t.value())
        };
        let n = try_ffi!(parsed.build(buf, source).map_err(paycore_result::from));
        *written = n;
        paycore_result::Ok
    })
}

/// Fits `value` to `length` bytes by the truncation and padding rules of
/// EMV Book 3 §5.4 c and d for `format` (a `PAYCORE_TAG_FORMAT_*`): `n`
/// keeps the rightmost bytes and pads on the left with `00`; `cn` keeps
/// the leftmost and pads on the right with `FF`; every other format keeps
/// the leftmost and pads with `00`. Writes exactly `length` bytes.
///
/// # Errors
/// `PAYCORE_RESULT_NULL_PARAMETER`; `PAYCORE_RESULT_INVALID_ARGUMENT` for
/// an unknown format; `PAYCORE_RESULT_BUFFER_TOO_SMALL` if `out_cap <
/// length` (with `*out_len` = `length`, nothing written).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `value` must be valid for `value_len` bytes; `out` for `out_cap`
/// writable bytes not overlapping `value`; `out_len` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_dol_fit_value(
    format: u32,
    value: *const u8,
    value_len: usize,
    length: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let value = try_ffi!(unsafe { input(value, value_len) });
        // SAFETY: forwarded caller contract.
        let (buf, written) = try_ffi!(unsafe { out_in_place(out, out_cap, out_len) });
        let format = match format {
            PAYCORE_TAG_FORMAT_A => Format::A,
            PAYCORE_TAG_FORMAT_AN => Format::An,
            PAYCORE_TAG_FORMAT_ANS => Format::Ans,
            PAYCORE_TAG_FORMAT_B => Format::B,
            PAYCORE_TAG_FORMAT_CN => Format::Cn,
            PAYCORE_TAG_FORMAT_N => Format::N,
            PAYCORE_TAG_FORMAT_VAR => Format::Var,
            _ => return paycore_result::InvalidArgument,
        };
        let Some(field) = buf.get_mut(..length) else {
            *written = length;
            return paycore_result::BufferTooSmall;
        };
        dol::fit_value(format, value, field);
        *written = length;
        paycore_result::Ok
    })
}
