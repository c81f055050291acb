//! TR-31 / ANSI X9.143 key blocks: unwrap (A, B, C, D), wrap (B, D),
//! header and optional block inspection.

use paycore::keys::tr31::{self, KeyBlockHeader};
// Wrapping builds its header on the heap: hosted builds only.
#[cfg(feature = "std")]
use paycore::keys::tr31::{HEADER_LEN, MAX_BLOCK_LEN, OptionalBlock, Version};

use crate::io::{Out, put};
use crate::keys::{key_out, key_ref, paycore_key};
use crate::result::paycore_result;
#[cfg(feature = "std")]
use crate::rng::CallerRng;
use crate::{ffi_boundary, try_ffi};

/// The clear header fields of a key block (ANSI X9.143 §6.2), all as
/// ASCII characters. Written by [`paycore_tr31_unwrap`] and
/// [`paycore_tr31_header_parse`].
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct paycore_tr31_header {
    /// Key block version (`'A'`, `'B'`, `'C'`, `'D'`).
    pub version: u8,
    /// Key usage, two characters (e.g. `"P0"`), no NUL.
    pub key_usage: [u8; 2],
    /// Algorithm of the wrapped key (`'T'`, `'A'`, ...).
    pub algorithm: u8,
    /// Mode of use (e.g. `'E'`).
    pub mode_of_use: u8,
    /// Key version number, two characters (`"00"` when unused), no NUL.
    pub key_version: [u8; 2],
    /// Exportability (`'E'`, `'N'`, `'S'`).
    pub exportability: u8,
    /// Number of optional blocks, the padding block `PB` included.
    pub optional_block_count: u32,
    /// The declared key block length in characters.
    pub block_len: u32,
}

/// Key block text: NULL with a length is `NULL_PARAMETER`, non-UTF-8 bytes
/// are `MALFORMED` (a key block is printable ASCII).
///
/// # Safety
/// As `io::input`.
pub(crate) unsafe fn text<'a>(ptr: *const u8, len: usize) -> Result<&'a str, paycore_result> {
    // SAFETY: forwarded caller contract.
    let bytes = unsafe { crate::io::input(ptr, len) }?;
    std::str::from_utf8(bytes).map_err(|_| paycore_result::Malformed)
}

fn header_info(h: &KeyBlockHeader<'_>) -> paycore_tr31_header {
    let attrs = h.key_attributes();
    paycore_tr31_header {
        version: h.version().code(),
        key_usage: attrs.usage.code(),
        algorithm: h.algorithm().code(),
        mode_of_use: attrs.mode_of_use.code(),
        key_version: attrs.version.code(),
        exportability: attrs.exportability.code(),
        // Both bounded by the parser (≤ 99 blocks, ≤ 9999 characters).
        optional_block_count: u32::try_from(h.optional_block_count()).unwrap_or(u32::MAX),
        block_len: u32::try_from(h.block_len()).unwrap_or(u32::MAX),
    }
}

/// Unwraps a key block under `kbpk` (usage `K1` or `K0`, mode `B`, `D` or
/// `N`; TDES for A/B/C, AES for D). The authenticator is checked in
/// constant time before any key byte is used; any change to the block gives
/// `PAYCORE_RESULT_VERIFICATION_FAILED` or `PAYCORE_RESULT_MALFORMED` and no
/// key. On success `*out` is a new key handle carrying the header's usage,
/// mode of use, key version and exportability, and `*header` (optional,
/// may be NULL) receives the header fields.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `kbpk` a live handle; `block` valid for `block_len` bytes (ASCII, no
/// NUL needed); `out` valid for a pointer write; `header` NULL or valid for
/// a struct write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_tr31_unwrap(
    kbpk: *const paycore_key,
    block: *const u8,
    block_len: usize,
    out: *mut *mut paycore_key,
    header: *mut paycore_tr31_header,
) -> paycore_result {
    ffi_boundary!({
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: forwarded caller contract.
        let kbpk = try_ffi!(unsafe { key_ref(kbpk) });
        // SAFETY: forwarded caller contract.
        let block = try_ffi!(unsafe { text(block, block_len) });
        let unwrapped = try_ffi!(tr31::unwrap(kbpk, block).map_err(paycore_result::from));
        let info = header_info(unwrapped.header());
        if !header.is_null() {
            // SAFETY: non-NULL and writable per the caller's contract.
            try_ffi!(unsafe { put(header, info) });
        }
        // SAFETY: `out` checked non-NULL above.
        unsafe { key_out(unwrapped.into_key(), out) }
    })
}

/// Parses the clear header of a key block (or a header alone) without
/// any key: nothing is authenticated, so use it only to route the block.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `block` valid for `block_len` bytes; `header` for a struct write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_tr31_header_parse(
    block: *const u8,
    block_len: usize,
    header: *mut paycore_tr31_header,
) -> paycore_result {
    ffi_boundary!({
        if header.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: forwarded caller contract.
        let block = try_ffi!(unsafe { text(block, block_len) });
        let h = try_ffi!(KeyBlockHeader::parse(block).map_err(paycore_result::from));
        // SAFETY: `header` checked non-NULL above.
        try_ffi!(unsafe { put(header, header_info(&h)) });
        paycore_result::Ok
    })
}

/// The optional block at `index` (header order, `PB` included) of a key
/// block's clear header: its two-character ID into `id_out` (2 bytes) and
/// its data into `(out, out_cap, out_len)`. `PAYCORE_RESULT_INVALID_ARGUMENT`
/// if `index` is past the last block. Unauthenticated unless the block was
/// unwrapped successfully.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `block` valid for `block_len` bytes; `id_out` for 2 writable bytes;
/// `out` for `out_cap` writable bytes; `out_len` for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_tr31_optional_block(
    block: *const u8,
    block_len: usize,
    index: usize,
    id_out: *mut u8,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        if id_out.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        // SAFETY: forwarded caller contract.
        let block = try_ffi!(unsafe { text(block, block_len) });
        let h = try_ffi!(KeyBlockHeader::parse(block).map_err(paycore_result::from));
        let Some(ob) = h.optional_blocks().nth(index) else {
            return paycore_result::InvalidArgument;
        };
        let rc = out.write(ob.data().as_bytes());
        if rc == paycore_result::Ok {
            let [a, b] = ob.id().code();
            // SAFETY: `id_out` non-NULL, valid for 2 bytes per the contract.
            try_ffi!(unsafe { put(id_out.cast::<[u8; 2]>(), [a, b]) });
        }
        rc
    })
}

#[cfg(feature = "std")]
/// Counts the optional blocks in their encoded form (ID, length, data),
/// walking only the length fields; the core parser validates the rest.
fn count_optional_blocks(text: &[u8]) -> Result<usize, paycore_result> {
    fn hex(digits: Option<&[u8]>) -> Result<usize, paycore_result> {
        let digits = digits.ok_or(paycore_result::Malformed)?;
        let s = std::str::from_utf8(digits).map_err(|_| paycore_result::Malformed)?;
        usize::from_str_radix(s, 16).map_err(|_| paycore_result::Malformed)
    }
    let mut pos = 0usize;
    let mut count = 0usize;
    while pos < text.len() {
        let at = |a: usize, b: usize| text.get(pos.checked_add(a)?..pos.checked_add(b)?);
        let mut len = hex(at(2, 4))?;
        if len == 0 {
            let len_of_len = hex(at(4, 6))?;
            if !(1..=2).contains(&len_of_len) {
                return Err(paycore_result::Malformed);
            }
            len = hex(at(6, 6 + 2 * len_of_len))?;
        }
        if len == 0 {
            return Err(paycore_result::Malformed);
        }
        pos = pos.checked_add(len).ok_or(paycore_result::Malformed)?;
        count += 1;
        if count > tr31::MAX_OPTIONAL_BLOCKS {
            return Err(paycore_result::LimitExceeded);
        }
    }
    if pos != text.len() {
        return Err(paycore_result::Malformed);
    }
    Ok(count)
}

#[cfg(feature = "std")]
fn version_from_code(code: u8) -> Result<Version, paycore_result> {
    Version::from_code(code).map_err(|_| paycore_result::InvalidArgument)
}

#[cfg(feature = "std")]
/// Shared body of the two wrap functions.
///
/// # Safety
/// As [`paycore_tr31_wrap_with_padding`].
#[allow(clippy::too_many_arguments)]
unsafe fn wrap_impl(
    kbpk: *const paycore_key,
    key: *const paycore_key,
    version: u8,
    optional_blocks: *const u8,
    optional_blocks_len: usize,
    padding: Option<&[u8]>,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    // SAFETY: forwarded caller contract.
    let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
    // SAFETY: forwarded caller contract.
    let kbpk = try_ffi!(unsafe { key_ref(kbpk) });
    // SAFETY: forwarded caller contract.
    let key = try_ffi!(unsafe { key_ref(key) });
    let version = try_ffi!(version_from_code(version));
    // SAFETY: forwarded caller contract.
    let blocks_text = try_ffi!(unsafe { text(optional_blocks, optional_blocks_len) });
    let count = try_ffi!(count_optional_blocks(blocks_text.as_bytes()));
    // A synthetic header lets the core parser validate the blocks.
    let template = format!("B0000P0TE00E{count:02}00{blocks_text}");
    let parsed = try_ffi!(KeyBlockHeader::parse(&template).map_err(paycore_result::from));
    if parsed.len() != HEADER_LEN + blocks_text.len() {
        return paycore_result::Malformed;
    }
    let blocks: Vec<OptionalBlock<'_>> = parsed
        .optional_blocks()
        .filter(|b| b.id() != tr31::OptionalBlockId::PB)
        .collect();
    let mut buf = vec![0u8; MAX_BLOCK_LEN];
    let n = try_ffi!(
        match padding {
            Some(p) => tr31::wrap_with_padding(kbpk, key, version, &blocks, p, &mut buf),
            None => tr31::wrap(kbpk, key, version, &blocks, &mut CallerRng::new(), &mut buf),
        }
        .map_err(paycore_result::from)
    );
    match buf.get(..n) {
        Some(block) => out.write(block),
        None => paycore_result::Internal,
    }
}

#[cfg(feature = "std")]
/// Wraps `key` under `kbpk` (usage `K1`/`K0`, mode `B`, `E` or `N`) in a
/// version `'B'` (TDES) or `'D'` (AES) key block, written to `out` as ASCII
/// without NUL. The header comes from the key's attributes. Padding is
/// random (registered RNG, else OS).
///
/// `optional_blocks` is the encoded optional-block section (ID, 2 hex
/// length counting the whole block, data; e.g. `"KS1800604B120F9292800000"`),
/// or `(NULL, 0)`; blocks are sorted by ID, a `PB` block is dropped and
/// recomputed. Refused: non-exportable keys (`PAYCORE_RESULT_KEY_USAGE`),
/// keys stronger than the KBPK and versions A/C (`PAYCORE_RESULT_UNSUPPORTED`).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// Handles live; `optional_blocks` valid for `optional_blocks_len` bytes;
/// `out` for `out_cap` writable bytes; `out_len` for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_tr31_wrap(
    kbpk: *const paycore_key,
    key: *const paycore_key,
    version: u8,
    optional_blocks: *const u8,
    optional_blocks_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        unsafe {
            wrap_impl(
                kbpk,
                key,
                version,
                optional_blocks,
                optional_blocks_len,
                None,
                out,
                out_cap,
                out_len,
            )
        }
    })
}

#[cfg(feature = "std")]
/// [`paycore_tr31_wrap`] with caller-chosen padding bytes, to reproduce
/// published vectors: `2 + key length + padding_len` must be a multiple of
/// the cipher block length. Never use fixed padding in production.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_tr31_wrap`]; `padding` valid for `padding_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_tr31_wrap_with_padding(
    kbpk: *const paycore_key,
    key: *const paycore_key,
    version: u8,
    optional_blocks: *const u8,
    optional_blocks_len: usize,
    padding: *const u8,
    padding_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let padding = try_ffi!(unsafe { crate::io::input(padding, padding_len) });
        // SAFETY: forwarded caller contract.
        unsafe {
            wrap_impl(
                kbpk,
                key,
                version,
                optional_blocks,
                optional_blocks_len,
                Some(padding),
                out,
                out_cap,
                out_len,
            )
        }
    })
}
