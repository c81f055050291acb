//! MACs: ISO/IEC 9797-1 algorithms 1 and 3 (X9.19 retail MAC), CMAC and
//! HMAC-SHA256, one-shot and streaming.
//!
//! Algorithm and padding arrive as `u32` codes (`PAYCORE_MAC_ALG_*`,
//! `PAYCORE_MAC_PADDING_*`). Padding applies to algorithms 1 and 3 only
//! (ISO/IEC 9797-1 §6.3): those need `PAYCORE_MAC_PADDING_METHOD1` or
//! `_METHOD2`; CMAC and HMAC define their own padding and need
//! `PAYCORE_MAC_PADDING_NONE`. Any other combination is
//! `PAYCORE_RESULT_INVALID_ARGUMENT`.
//!
//! The key's usage must match the algorithm (`M0`/`M1` algorithm 1, `M3`
//! retail MAC, `M6` CMAC, `M7` HMAC) and its mode of use must permit
//! generation (generate) or verification (verify), else
//! `PAYCORE_RESULT_KEY_USAGE`. Verification compares in constant time and
//! fails with `PAYCORE_RESULT_VERIFICATION_FAILED`.

use paycore::keys::{Algorithm, Key};
use paycore::mac::{self, MacAlgorithm, MacGenerator, MacVerifier, Padding};

use crate::io::{Out, box_handle, free_handle, handle_mut, input};
use crate::keys::{key_ref, paycore_key};
use crate::result::paycore_result;
use crate::{ffi_boundary, try_ffi};

/// ISO/IEC 9797-1 MAC algorithm 1 (CBC-MAC under the key's TDES or AES
/// cipher; ISO 16609). Key usage `M0` or `M1`.
pub const PAYCORE_MAC_ALG_ISO9797_ALG1: u32 = 1;
/// ISO/IEC 9797-1 MAC algorithm 3, the ANSI X9.19 retail MAC
/// (double-length TDES key). Key usage `M3`.
pub const PAYCORE_MAC_ALG_RETAIL: u32 = 2;
/// CMAC (NIST SP 800-38B), AES or TDES. Key usage `M6`.
pub const PAYCORE_MAC_ALG_CMAC: u32 = 3;
/// HMAC-SHA256 (RFC 2104, FIPS 198-1). Key usage `M7`.
pub const PAYCORE_MAC_ALG_HMAC_SHA256: u32 = 4;

/// No padding parameter (CMAC, HMAC).
pub const PAYCORE_MAC_PADDING_NONE: u32 = 0;
/// ISO/IEC 9797-1 §6.3.1 padding method 1 (zero bytes).
pub const PAYCORE_MAC_PADDING_METHOD1: u32 = 1;
/// ISO/IEC 9797-1 §6.3.2 padding method 2 (`0x80` then zero bytes).
pub const PAYCORE_MAC_PADDING_METHOD2: u32 = 2;

/// Shortest MAC generated or accepted (ISO/IEC 9797-1 §7.7), in bytes.
pub const PAYCORE_MAC_MIN_LEN: usize = 4;
const _: () = assert!(PAYCORE_MAC_MIN_LEN == mac::MIN_MAC_LEN);
/// Longest MAC (HMAC-SHA256), in bytes.
pub const PAYCORE_MAC_MAX_LEN: usize = 32;
const _: () = assert!(PAYCORE_MAC_MAX_LEN == mac::MAX_MAC_LEN);

/// Maps the C codes to a core algorithm.
fn algorithm_from_codes(algorithm: u32, padding: u32) -> Result<MacAlgorithm, paycore_result> {
    let padding = match padding {
        PAYCORE_MAC_PADDING_NONE => None,
        PAYCORE_MAC_PADDING_METHOD1 => Some(Padding::Method1),
        PAYCORE_MAC_PADDING_METHOD2 => Some(Padding::Method2),
        _ => return Err(paycore_result::InvalidArgument),
    };
    Ok(match (algorithm, padding) {
        (PAYCORE_MAC_ALG_ISO9797_ALG1, Some(padding)) => MacAlgorithm::Iso9797Alg1 { padding },
        (PAYCORE_MAC_ALG_RETAIL, Some(padding)) => MacAlgorithm::RetailMac { padding },
        (PAYCORE_MAC_ALG_CMAC, None) => MacAlgorithm::Cmac,
        (PAYCORE_MAC_ALG_HMAC_SHA256, None) => MacAlgorithm::HmacSha256,
        _ => return Err(paycore_result::InvalidArgument),
    })
}

/// The full (untruncated) MAC length of `algorithm` under `key`'s algorithm.
fn full_len(algorithm: MacAlgorithm, key_algorithm: Algorithm) -> usize {
    match algorithm {
        MacAlgorithm::RetailMac { .. } => 8,
        MacAlgorithm::HmacSha256 => PAYCORE_MAC_MAX_LEN,
        _ => key_algorithm.block_len(),
    }
}

/// Checks a requested MAC length before any work.
fn check_len(len: usize, full: usize) -> Result<(), paycore_result> {
    if (PAYCORE_MAC_MIN_LEN..=full).contains(&len) {
        Ok(())
    } else {
        Err(paycore_result::InvalidArgument)
    }
}

/// Computes the MAC of `data` under `key` and writes its leftmost `mac_len`
/// bytes (`PAYCORE_MAC_MIN_LEN` up to the algorithm's full length: 8 for
/// TDES and the retail MAC, 16 for AES CBC-MAC/CMAC, 32 for HMAC-SHA256).
///
/// # Errors
/// `NULL_PARAMETER`, `INVALID_ARGUMENT` (unknown algorithm/padding code,
/// padding not matching the algorithm, `mac_len` out of range),
/// `KEY_USAGE` (usage/mode forbid generation), `INVALID_KEY` (e.g. retail
/// MAC under a non-double-length key), `BUFFER_TOO_SMALL` (`*out_len` =
/// `mac_len`).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; `data` valid for `data_len` bytes; `out`
/// valid for `out_cap` writable bytes; `out_len` valid for a write.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_mac_generate(
    key: *const paycore_key,
    algorithm: u32,
    padding: u32,
    data: *const u8,
    data_len: usize,
    mac_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { key_ref(key) });
        // SAFETY: forwarded caller contract.
        let data = try_ffi!(unsafe { input(data, data_len) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        let algorithm = try_ffi!(algorithm_from_codes(algorithm, padding));
        try_ffi!(check_len(mac_len, full_len(algorithm, key.algorithm())));
        let tag =
            try_ffi!(mac::generate(key, algorithm, data, mac_len).map_err(paycore_result::from));
        out.write(tag.as_bytes())
    })
}

/// Verifies `expected` (a MAC, possibly truncated to at least
/// `PAYCORE_MAC_MIN_LEN` bytes) over `data` under `key`, in constant time.
///
/// # Errors
/// `VERIFICATION_FAILED` on mismatch; `NULL_PARAMETER`; `INVALID_ARGUMENT`
/// (codes, or `expected_len` outside `PAYCORE_MAC_MIN_LEN..=` full length);
/// `KEY_USAGE` (usage/mode forbid verification); `INVALID_KEY`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; `data` and `expected` valid for their lengths.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_mac_verify(
    key: *const paycore_key,
    algorithm: u32,
    padding: u32,
    data: *const u8,
    data_len: usize,
    expected: *const u8,
    expected_len: usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { key_ref(key) });
        // SAFETY: forwarded caller contract.
        let data = try_ffi!(unsafe { input(data, data_len) });
        // SAFETY: forwarded caller contract.
        let expected = try_ffi!(unsafe { input(expected, expected_len) });
        let algorithm = try_ffi!(algorithm_from_codes(algorithm, padding));
        match mac::verify(key, algorithm, data, expected) {
            Ok(()) => paycore_result::Ok,
            Err(e) => e.into(),
        }
    })
}

/// A streaming MAC generation. Opaque; create with [`paycore_mac_new`],
/// feed with [`paycore_mac_update`], finish with [`paycore_mac_finalize`],
/// destroy with [`paycore_mac_free`] (which zeroizes the state). After a
/// successful finalize the handle is spent: update and finalize return
/// `PAYCORE_RESULT_INVALID_ARGUMENT`, but it must still be freed.
pub struct paycore_mac {
    state: Option<MacGenerator>,
    full_len: usize,
}

impl core::fmt::Debug for paycore_mac {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("paycore_mac { .. }")
    }
}

/// A streaming MAC verification. Opaque; create with
/// [`paycore_mac_verifier_new`], feed with [`paycore_mac_verifier_update`],
/// finish with [`paycore_mac_verifier_verify`], destroy with
/// [`paycore_mac_verifier_free`]. Spent after a verify, whatever its outcome.
pub struct paycore_mac_verifier {
    state: Option<MacVerifier>,
}

impl core::fmt::Debug for paycore_mac_verifier {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("paycore_mac_verifier { .. }")
    }
}

/// Starts a streaming MAC generation under `key` (see
/// [`paycore_mac_generate`] for the codes and key checks, which happen here).
///
/// # Errors
/// `NULL_PARAMETER`, `INVALID_ARGUMENT`, `KEY_USAGE`, `INVALID_KEY`; `*out`
/// is left untouched on failure.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle (it may be freed after this call: the state
/// holds its own key schedule); `out` valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_mac_new(
    key: *const paycore_key,
    algorithm: u32,
    padding: u32,
    out: *mut *mut paycore_mac,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key: &Key = try_ffi!(unsafe { key_ref(key) });
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        let algorithm = try_ffi!(algorithm_from_codes(algorithm, padding));
        let state = try_ffi!(MacGenerator::new(key, algorithm).map_err(paycore_result::from));
        let handle = paycore_mac {
            state: Some(state),
            full_len: full_len(algorithm, key.algorithm()),
        };
        // SAFETY: `out` checked non-NULL; caller guarantees it is writable.
        unsafe { box_handle(handle, out) }
    })
}

/// Feeds `data` to a streaming MAC.
///
/// # Errors
/// `NULL_PARAMETER`; `INVALID_ARGUMENT` if the handle is spent.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `mac` must be a live handle not used concurrently; `data` valid for
/// `data_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_mac_update(
    mac: *mut paycore_mac,
    data: *const u8,
    data_len: usize,
) -> paycore_result {
    ffi_boundary!({
        if mac.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: non-NULL live handle, exclusively used per the contract.
        let handle = try_ffi!(unsafe { handle_mut(mac) });
        // SAFETY: forwarded caller contract.
        let data = try_ffi!(unsafe { input(data, data_len) });
        let Some(state) = handle.state.as_mut() else {
            return paycore_result::InvalidArgument;
        };
        match state.update(data) {
            Ok(()) => paycore_result::Ok,
            Err(e) => e.into(),
        }
    })
}

/// Finishes a streaming MAC and writes its leftmost `mac_len` bytes. The
/// pointers, `mac_len` and the buffer size are checked first: on
/// `NULL_PARAMETER`, `INVALID_ARGUMENT` or `BUFFER_TOO_SMALL` (`*out_len` =
/// `mac_len`) the handle stays usable. On success the handle is spent.
///
/// # Errors
/// As above; `INVALID_ARGUMENT` if the handle is already spent.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `mac` must be a live handle; `out` valid for `out_cap` writable bytes;
/// `out_len` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_mac_finalize(
    mac: *mut paycore_mac,
    mac_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        if mac.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: non-NULL live handle, exclusively used per the contract.
        let handle = try_ffi!(unsafe { handle_mut(mac) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        if handle.state.is_none() {
            return paycore_result::InvalidArgument;
        }
        try_ffi!(check_len(mac_len, handle.full_len));
        if out_cap < mac_len {
            // Reports the size needed and writes nothing.
            return out.write(&[0u8; PAYCORE_MAC_MAX_LEN][..mac_len]);
        }
        let Some(state) = handle.state.take() else {
            return paycore_result::InvalidArgument;
        };
        let tag = try_ffi!(state.finalize(mac_len).map_err(paycore_result::from));
        out.write(tag.as_bytes())
    })
}

/// Destroys a streaming MAC handle, zeroizing its state. NULL is accepted.
/// Must not be called twice on the same handle.
///
/// # Safety
/// `mac` must be NULL or a handle from [`paycore_mac_new`] not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_mac_free(mac: *mut paycore_mac) {
    let _ = ffi_boundary!({
        // SAFETY: NULL or a live handle of this type, not yet freed (the
        // caller's contract); dropping it zeroizes its secrets.
        unsafe { free_handle(mac) };
        paycore_result::Ok
    });
}

/// Starts a streaming MAC verification under `key` (the key's mode of use
/// must permit verification).
///
/// # Errors
/// `NULL_PARAMETER`, `INVALID_ARGUMENT`, `KEY_USAGE`, `INVALID_KEY`; `*out`
/// is left untouched on failure.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; `out` valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_mac_verifier_new(
    key: *const paycore_key,
    algorithm: u32,
    padding: u32,
    out: *mut *mut paycore_mac_verifier,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { key_ref(key) });
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        let algorithm = try_ffi!(algorithm_from_codes(algorithm, padding));
        let state = try_ffi!(MacVerifier::new(key, algorithm).map_err(paycore_result::from));
        let handle = paycore_mac_verifier { state: Some(state) };
        // SAFETY: `out` checked non-NULL; caller guarantees it is writable.
        unsafe { box_handle(handle, out) }
    })
}

/// Feeds `data` to a streaming MAC verification.
///
/// # Errors
/// `NULL_PARAMETER`; `INVALID_ARGUMENT` if the handle is spent.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `verifier` must be a live handle not used concurrently; `data` valid
/// for `data_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_mac_verifier_update(
    verifier: *mut paycore_mac_verifier,
    data: *const u8,
    data_len: usize,
) -> paycore_result {
    ffi_boundary!({
        if verifier.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: non-NULL live handle, exclusively used per the contract.
        let handle = try_ffi!(unsafe { handle_mut(verifier) });
        // SAFETY: forwarded caller contract.
        let data = try_ffi!(unsafe { input(data, data_len) });
        let Some(state) = handle.state.as_mut() else {
            return paycore_result::InvalidArgument;
        };
        match state.update(data) {
            Ok(()) => paycore_result::Ok,
            Err(e) => e.into(),
        }
    })
}

/// Compares `expected` with the MAC of everything fed so far, in constant
/// time. The handle is spent afterwards (unless a pointer was NULL).
///
/// # Errors
/// `VERIFICATION_FAILED` on mismatch; `NULL_PARAMETER`; `INVALID_ARGUMENT`
/// (spent handle, `expected_len` out of range).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `verifier` must be a live handle; `expected` valid for `expected_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_mac_verifier_verify(
    verifier: *mut paycore_mac_verifier,
    expected: *const u8,
    expected_len: usize,
) -> paycore_result {
    ffi_boundary!({
        if verifier.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: non-NULL live handle, exclusively used per the contract.
        let handle = try_ffi!(unsafe { handle_mut(verifier) });
        // SAFETY: forwarded caller contract.
        let expected = try_ffi!(unsafe { input(expected, expected_len) });
        let Some(state) = handle.state.take() else {
            return paycore_result::InvalidArgument;
        };
        match state.verify(expected) {
            Ok(()) => paycore_result::Ok,
            Err(e) => e.into(),
        }
    })
}

/// Destroys a streaming MAC verification handle. NULL is accepted. Must
/// not be called twice on the same handle.
///
/// # Safety
/// `verifier` must be NULL or a handle from [`paycore_mac_verifier_new`]
/// not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_mac_verifier_free(verifier: *mut paycore_mac_verifier) {
    let _ = ffi_boundary!({
        // SAFETY: NULL or a live handle of this type, not yet freed (the
        // caller's contract); dropping it zeroizes its secrets.
        unsafe { free_handle(verifier) };
        paycore_result::Ok
    });
}
