//! TR-31 / ANSI X9.143 key blocks: unwrap (B, D, E; A and C with the
//! legacy opt-in), wrap (B, D, E), asymmetric private keys (unwrap as DER
//! or as an ECDSA P-256 signing key, wrap), header and optional block
//! inspection.

use paycore::keys::tr31::{self, KeyBlockHeader, UnwrapPolicy};
// Wrapping and private keys need the heap: hosted builds only.
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
    /// Key block version (`'A'`, `'B'`, `'C'`, `'D'`, `'E'`).
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

/// Shared body of the two unwrap functions.
///
/// # Safety
/// As [`paycore_tr31_unwrap`].
unsafe fn unwrap_impl(
    kbpk: *const paycore_key,
    block: *const u8,
    block_len: usize,
    out: *mut *mut paycore_key,
    header: *mut paycore_tr31_header,
    policy: UnwrapPolicy,
) -> paycore_result {
    if out.is_null() {
        return paycore_result::NullParameter;
    }
    // SAFETY: forwarded caller contract.
    let kbpk = try_ffi!(unsafe { key_ref(kbpk) });
    // SAFETY: forwarded caller contract.
    let block = try_ffi!(unsafe { text(block, block_len) });
    let unwrapped = try_ffi!(tr31::unwrap_with(kbpk, block, policy).map_err(paycore_result::from));
    let info = header_info(unwrapped.header());
    if !header.is_null() {
        // SAFETY: non-NULL and writable per the caller's contract.
        try_ffi!(unsafe { put(header, info) });
    }
    // SAFETY: `out` checked non-NULL above.
    unsafe { key_out(unwrapped.into_key(), out) }
}

/// Unwraps a key block under `kbpk` (usage `K1` or `K0`, mode `B`, `D` or
/// `N`; TDES for B, AES for D and E). The authenticator is checked in
/// constant time before any key byte is used; any change to the block gives
/// `PAYCORE_RESULT_VERIFICATION_FAILED` or `PAYCORE_RESULT_MALFORMED` and no
/// key. On success `*out` is a new key handle carrying the header's usage,
/// mode of use, key version and exportability, and `*header` (optional,
/// may be NULL) receives the header fields.
///
/// Legacy key-block policy: versions `A` and `C` (4-byte CBC-MAC) are
/// refused with `PAYCORE_RESULT_UNSUPPORTED` before the KBPK is used;
/// [`paycore_tr31_unwrap_legacy`] is the explicit opt-in.
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
        // SAFETY: forwarded caller contract.
        unsafe { unwrap_impl(kbpk, block, block_len, out, header, UnwrapPolicy::STRICT) }
    })
}

/// [`paycore_tr31_unwrap`] that also accepts the legacy variant-binding
/// versions `A` and `C` (TDES, 4-byte CBC-MAC: a forged block is accepted
/// with probability 2^-32 per try). For import from legacy systems only.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_tr31_unwrap`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_tr31_unwrap_legacy(
    kbpk: *const paycore_key,
    block: *const u8,
    block_len: usize,
    out: *mut *mut paycore_key,
    header: *mut paycore_tr31_header,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        unsafe {
            unwrap_impl(
                kbpk,
                block,
                block_len,
                out,
                header,
                UnwrapPolicy::ALLOW_LEGACY,
            )
        }
    })
}

#[cfg(feature = "std")]
/// Unwraps a key block carrying an asymmetric private key (usage `S0`,
/// `S1`, `S2`; algorithm `R`, `E`, `S`; ANSI X9.143 §8.5/§8.6) and writes
/// its DER encoding to `(out, out_cap, out_len)` as a secret output
/// (zeroed on failure; on `PAYCORE_RESULT_BUFFER_TOO_SMALL`, `*out_len` is
/// the size needed). A block marked non-exportable (`N`) gives
/// `PAYCORE_RESULT_KEY_USAGE` and no bytes: use
/// [`paycore_tr31_unwrap_ecdsa_p256`] to keep a P-256 key inside a handle.
/// Versions A and C are refused (`PAYCORE_RESULT_UNSUPPORTED`). `*header`
/// (optional, may be NULL) receives the header fields.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `kbpk` a live handle; `block` valid for `block_len` bytes; `out` for
/// `out_cap` writable bytes; `out_len` for a write; `header` NULL or valid
/// for a struct write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_tr31_unwrap_private_key(
    kbpk: *const paycore_key,
    block: *const u8,
    block_len: usize,
    header: *mut paycore_tr31_header,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new_secret(out, out_cap, out_len) });
        // SAFETY: forwarded caller contract.
        let unwrapped = match unsafe { unwrap_private_key_impl(kbpk, block, block_len) } {
            Ok(unwrapped) => unwrapped,
            Err(rc) => {
                out.wipe();
                return rc;
            }
        };
        // EXPOSE: the DER goes to the caller's secret output.
        let der = match unwrapped.dangerous_expose_der() {
            Ok(der) => der,
            Err(e) => {
                out.wipe();
                return paycore_result::from(e);
            }
        };
        if der.len() <= out_cap && !header.is_null() {
            // SAFETY: non-NULL and writable per the caller's contract.
            try_ffi!(unsafe { put(header, header_info(unwrapped.header())) });
        }
        out.write_secret(der)
    })
}

#[cfg(feature = "std")]
/// The checked inputs and the core unwrap of a private key block.
///
/// # Safety
/// As [`paycore_tr31_unwrap_private_key`].
unsafe fn unwrap_private_key_impl<'a>(
    kbpk: *const paycore_key,
    block: *const u8,
    block_len: usize,
) -> Result<tr31::UnwrappedPrivateKey<'a>, paycore_result> {
    // SAFETY: forwarded caller contract.
    let kbpk = unsafe { key_ref(kbpk) }?;
    // SAFETY: forwarded caller contract.
    let block = unsafe { text(block, block_len) }?;
    tr31::unwrap_private_key(kbpk, block).map_err(paycore_result::from)
}

#[cfg(feature = "std")]
/// Unwraps a key block carrying an EC P-256 private key (algorithm `E`,
/// usage `S0`, mode `S`, `T` or `N`; DER `ECPrivateKey`, ANSI X9.143 §8.6)
/// into a new ECDSA signing key handle (free with
/// `paycore_signing_key_free`). Works for non-exportable blocks: the key
/// never leaves the handle. Versions A and C are refused.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `kbpk` a live handle; `block` valid for `block_len` bytes; `out` valid
/// for a pointer write; `header` NULL or valid for a struct write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_tr31_unwrap_ecdsa_p256(
    kbpk: *const paycore_key,
    block: *const u8,
    block_len: usize,
    out: *mut *mut crate::sign::paycore_signing_key,
    header: *mut paycore_tr31_header,
) -> paycore_result {
    ffi_boundary!({
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: forwarded caller contract.
        let unwrapped = try_ffi!(unsafe { unwrap_private_key_impl(kbpk, block, block_len) });
        let key = try_ffi!(unwrapped.to_ecdsa_p256().map_err(paycore_result::from));
        if !header.is_null() {
            // SAFETY: non-NULL and writable per the caller's contract.
            try_ffi!(unsafe { put(header, header_info(unwrapped.header())) });
        }
        // SAFETY: `out` checked non-NULL above.
        unsafe { crate::io::box_handle(crate::sign::paycore_signing_key { key }, out) }
    })
}

#[cfg(feature = "std")]
/// Wraps a DER private key (`der`, one DER `SEQUENCE`) under a header
/// template such as `"D0000S0ES00E0000"` (usage `S0`-`S2`, algorithm
/// `R`/`E`/`S`, version B, D or E; optional blocks kept, `PB` and length
/// recomputed, extended length form for blocks over 255 characters) and
/// writes the block to `out` (ASCII, no NUL). Padding is random (OS RNG).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `kbpk` a live handle; `der` valid for `der_len` bytes; `header` for
/// `header_len` bytes; `out` for `out_cap` writable bytes; `out_len` for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_tr31_wrap_private_key(
    kbpk: *const paycore_key,
    der: *const u8,
    der_len: usize,
    header: *const u8,
    header_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        // SAFETY: forwarded caller contract.
        let kbpk = try_ffi!(unsafe { key_ref(kbpk) });
        // SAFETY: forwarded caller contract.
        let der = try_ffi!(unsafe { crate::io::input(der, der_len) });
        // SAFETY: forwarded caller contract.
        let header = try_ffi!(unsafe { text(header, header_len) });
        let block = try_ffi!(
            tr31::wrap_private_key(kbpk, der, header, &mut CallerRng::new())
                .map_err(paycore_result::from)
        );
        out.write(block.as_bytes())
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
    let count = try_ffi!(tr31::count_optional_blocks(blocks_text).map_err(paycore_result::from));
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
/// version `'B'` (TDES), `'D'` or `'E'` (AES, ISO 20038) key block, written to `out` as ASCII
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
