//! Keys: opaque handles with TR-31 attributes, and key check values.

use paycore::keys::kcv::{Kcv, KcvMethod};
use paycore::keys::{Algorithm, Exportability, Key, KeyAttributes, KeyUsage, ModeOfUse};

use crate::io::{Out, box_handle, free_handle, handle_ref, input, put};
use crate::result::paycore_result;
use crate::{ffi_boundary, try_ffi};

/// Two-key triple DES (16 bytes).
pub const PAYCORE_ALGORITHM_TDES2: u32 = 1;
/// Three-key triple DES (24 bytes).
pub const PAYCORE_ALGORITHM_TDES3: u32 = 2;
/// AES-128.
pub const PAYCORE_ALGORITHM_AES128: u32 = 3;
/// AES-192.
pub const PAYCORE_ALGORITHM_AES192: u32 = 4;
/// AES-256.
pub const PAYCORE_ALGORITHM_AES256: u32 = 5;
/// HMAC-SHA256 key of any length from 1 to `PAYCORE_MAX_HMAC_KEY_LEN`
/// bytes (RFC 2104 §3; usage `M7`).
pub const PAYCORE_ALGORITHM_HMAC_SHA256: u32 = 6;
/// Longest HMAC-SHA256 key a `paycore_key` holds, in bytes.
pub const PAYCORE_MAX_HMAC_KEY_LEN: usize = 256;
const _: () = assert!(PAYCORE_MAX_HMAC_KEY_LEN == paycore::keys::MAX_HMAC_KEY_LEN);

/// Single DES (8 bytes): China UnionPay legacy MAKs only (`paycore_cup_*`).
pub const PAYCORE_ALGORITHM_DES: u32 = 7;
/// SM4 (16 bytes): China UnionPay 国密 keys (`paycore_cup_*`).
pub const PAYCORE_ALGORITHM_SM4: u32 = 8;

/// KCV: encipher a zero block, leftmost bytes.
pub const PAYCORE_KCV_LEGACY: u32 = 1;
/// KCV: CMAC of a zero block, leftmost bytes (X9.24-1:2017).
pub const PAYCORE_KCV_CMAC: u32 = 2;
/// KCV: China UnionPay, encipher a zero block (DES, TDES or SM4), leftmost
/// 4 bytes (up to 8 for SM4).
pub const PAYCORE_KCV_CUP: u32 = 3;

/// Maps a `PAYCORE_KCV_*` code to a method.
pub(crate) fn kcv_method(code: u32) -> Result<KcvMethod, paycore_result> {
    Ok(match code {
        PAYCORE_KCV_LEGACY => KcvMethod::Legacy,
        PAYCORE_KCV_CMAC => KcvMethod::Cmac,
        PAYCORE_KCV_CUP => KcvMethod::Cup,
        _ => return Err(paycore_result::InvalidArgument),
    })
}

/// A key with its TR-31 attributes. Opaque; create with
/// [`paycore_key_new`], destroy with [`paycore_key_free`] (which zeroizes).
pub struct paycore_key {
    pub(crate) key: Key,
}

impl core::fmt::Debug for paycore_key {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Debug::fmt(&self.key, f)
    }
}

pub(crate) fn algorithm_from_code(code: u32) -> Result<Algorithm, paycore_result> {
    Ok(match code {
        PAYCORE_ALGORITHM_TDES2 => Algorithm::Tdes2,
        PAYCORE_ALGORITHM_TDES3 => Algorithm::Tdes3,
        PAYCORE_ALGORITHM_AES128 => Algorithm::Aes128,
        PAYCORE_ALGORITHM_AES192 => Algorithm::Aes192,
        PAYCORE_ALGORITHM_AES256 => Algorithm::Aes256,
        PAYCORE_ALGORITHM_HMAC_SHA256 => Algorithm::HmacSha256,
        PAYCORE_ALGORITHM_DES => Algorithm::Des,
        PAYCORE_ALGORITHM_SM4 => Algorithm::Sm4,
        _ => return Err(paycore_result::InvalidArgument),
    })
}

/// Borrows the key behind a handle (`INVALID_ARGUMENT` for a handle of
/// another type).
///
/// # Safety
/// `key` must be NULL or a live paycore handle (of any type).
pub(crate) unsafe fn key_ref<'a>(key: *const paycore_key) -> Result<&'a Key, paycore_result> {
    // SAFETY: forwarded caller contract.
    unsafe { handle_ref(key) }.map(|handle| &handle.key)
}

/// Boxes a key into a new handle written to `out`.
///
/// # Safety
/// `out` must be valid for a write of one pointer.
pub(crate) unsafe fn key_out(key: Key, out: *mut *mut paycore_key) -> paycore_result {
    // SAFETY: forwarded caller contract.
    unsafe { box_handle(paycore_key { key }, out) }
}

/// Creates a key from raw material and TR-31 attributes.
///
/// - `algorithm`: one of `PAYCORE_ALGORITHM_*`;
/// - `usage`: the two-character TR-31 key usage (e.g. `"P0"`), two bytes, no NUL needed;
/// - `mode_of_use`: the TR-31 mode character (e.g. `'E'`);
/// - `exportability`: `'E'`, `'N'` or `'S'`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `material` must be valid for `material_len` bytes, `usage` for 2 bytes,
/// `out` for a pointer write. Free the handle with [`paycore_key_free`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_key_new(
    algorithm: u32,
    material: *const u8,
    material_len: usize,
    usage: *const u8,
    mode_of_use: u8,
    exportability: u8,
    out: *mut *mut paycore_key,
) -> paycore_result {
    ffi_boundary!({
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        let algorithm = try_ffi!(algorithm_from_code(algorithm));
        // SAFETY: forwarded caller contract.
        let material = try_ffi!(unsafe { input(material, material_len) });
        // SAFETY: forwarded caller contract (2 bytes).
        let usage = try_ffi!(unsafe { input(usage, if usage.is_null() { 0 } else { 2 }) });
        let [u0, u1] = usage else {
            return paycore_result::NullParameter;
        };
        let usage = try_ffi!(KeyUsage::from_code([*u0, *u1]).map_err(paycore_result::from));
        let mode = try_ffi!(ModeOfUse::from_code(mode_of_use).map_err(paycore_result::from));
        let export =
            try_ffi!(Exportability::from_code(exportability).map_err(paycore_result::from));
        let attributes = KeyAttributes::new(usage, mode).with_exportability(export);
        let key = try_ffi!(Key::new(algorithm, material, attributes).map_err(paycore_result::from));
        // SAFETY: `out` checked non-NULL above.
        unsafe { key_out(key, out) }
    })
}

/// Destroys a key handle, zeroizing the key. NULL is accepted. Must not be
/// called twice on the same handle.
///
/// # Safety
/// `key` must be NULL or a handle from paycore not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_key_free(key: *mut paycore_key) {
    let _ = ffi_boundary!({
        // SAFETY: NULL or a live handle of this type, not yet freed (the
        // caller's contract); dropping it zeroizes its secrets.
        unsafe { free_handle(key) };
        paycore_result::Ok
    });
}

/// Computes the key check value of `key` (`method` one of `PAYCORE_KCV_*`,
/// `len` bytes: up to the block length for legacy, up to 5 for CMAC).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; `out` valid for `out_cap` writable bytes;
/// `out_len` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_key_kcv(
    key: *const paycore_key,
    method: u32,
    len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { key_ref(key) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        let method = try_ffi!(kcv_method(method));
        let kcv = try_ffi!(Kcv::compute(key, method, len).map_err(paycore_result::from));
        out.write(kcv.as_bytes())
    })
}

/// Verifies `key` against an expected check value, in constant time.
/// Returns `PAYCORE_RESULT_VERIFICATION_FAILED` on mismatch.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; `expected` valid for `expected_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_key_kcv_verify(
    key: *const paycore_key,
    method: u32,
    expected: *const u8,
    expected_len: usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { key_ref(key) });
        // SAFETY: forwarded caller contract.
        let expected = try_ffi!(unsafe { input(expected, expected_len) });
        let method = try_ffi!(kcv_method(method));
        match Kcv::verify(key, method, expected) {
            Ok(()) => paycore_result::Ok,
            Err(e) => e.into(),
        }
    })
}

/// Maps an algorithm to its `PAYCORE_ALGORITHM_*` code.
pub(crate) const fn algorithm_code(algorithm: Algorithm) -> u32 {
    match algorithm {
        Algorithm::Tdes2 => PAYCORE_ALGORITHM_TDES2,
        Algorithm::Tdes3 => PAYCORE_ALGORITHM_TDES3,
        Algorithm::Aes128 => PAYCORE_ALGORITHM_AES128,
        Algorithm::Aes192 => PAYCORE_ALGORITHM_AES192,
        Algorithm::Aes256 => PAYCORE_ALGORITHM_AES256,
        Algorithm::HmacSha256 => PAYCORE_ALGORITHM_HMAC_SHA256,
        Algorithm::Des => PAYCORE_ALGORITHM_DES,
        Algorithm::Sm4 => PAYCORE_ALGORITHM_SM4,
        // Algorithm is non-exhaustive: a future algorithm has no C code yet.
        _ => 0,
    }
}

/// Writes the key's algorithm (`PAYCORE_ALGORITHM_*`) to `*out`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; `out` valid for a `uint32_t` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_key_algorithm(
    key: *const paycore_key,
    out: *mut u32,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { key_ref(key) });
        // SAFETY: forwarded caller contract.
        try_ffi!(unsafe { put(out, algorithm_code(key.algorithm())) });
        paycore_result::Ok
    })
}

/// Writes the key's two-character TR-31 key usage (e.g. `"P0"`, no NUL) to
/// `out` (2 bytes; `*out_len` = 2).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; `out` valid for `out_cap` writable bytes;
/// `out_len` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_key_usage(
    key: *const paycore_key,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { key_ref(key) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        out.write(&key.usage().code())
    })
}

/// Writes the key's TR-31 mode of use character (e.g. `'E'`) to `*out`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; `out` valid for a one-byte write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_key_mode_of_use(
    key: *const paycore_key,
    out: *mut u8,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { key_ref(key) });
        // SAFETY: forwarded caller contract.
        try_ffi!(unsafe { put(out, key.mode_of_use().code()) });
        paycore_result::Ok
    })
}

/// Writes the key's two-character TR-31 key version number (`"00"` when
/// unused, no NUL) to `out` (2 bytes; `*out_len` = 2).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; `out` valid for `out_cap` writable bytes;
/// `out_len` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_key_version(
    key: *const paycore_key,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { key_ref(key) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        out.write(&key.attributes().version.code())
    })
}

/// Writes the key's TR-31 exportability character (`'E'`, `'N'` or `'S'`)
/// to `*out`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; `out` valid for a one-byte write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_key_exportability(
    key: *const paycore_key,
    out: *mut u8,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { key_ref(key) });
        // SAFETY: forwarded caller contract.
        try_ffi!(unsafe { put(out, key.attributes().exportability.code()) });
        paycore_result::Ok
    })
}

/// DANGEROUS: writes the clear key bytes to `out` (`*out_len` = key length).
///
/// Refused with `PAYCORE_RESULT_KEY_USAGE` for a non-exportable key
/// (exportability `'N'`). The output is secret: on any failure the whole of
/// `out` is zeroed. The caller must wipe it after use (e.g. `explicit_bzero`).
/// Prefer [`paycore_tr31_wrap`](crate::paycore_tr31_wrap) to move keys.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; `out` valid for `out_cap` writable bytes;
/// `out_len` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_key_export(
    key: *const paycore_key,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // Made first: a secret output is zeroed on every failure.
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new_secret(out, out_cap, out_len) });
        // SAFETY: forwarded caller contract.
        let key = match unsafe { key_ref(key) } {
            Ok(key) => key,
            Err(code) => {
                out.wipe();
                return code;
            }
        };
        // EXPOSE: the caller asked for the clear key through paycore_key_export.
        match key.dangerous_expose_secret() {
            Ok(material) => out.write_secret(material),
            Err(e) => {
                out.wipe();
                e.into()
            }
        }
    })
}
