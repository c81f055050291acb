//! Sealed envelopes for the host: ECDH P-256 + HKDF-SHA256 + AES-256-GCM
//! (construction and envelope layout in core `paycore::sign::seal`).
//!
//! The terminal seals to the host's public key (SEC1 bytes); the host opens
//! with its secret key, an opaque [`paycore_recipient_key`] handle. The
//! ephemeral key and nonce come from the registered RNG (`paycore_set_rng`, else the OS).

use paycore::sign::seal::{self, OVERHEAD, RecipientPublicKey, RecipientSecretKey};

use crate::io::{Out, box_handle, free_handle, handle_ref, input};
use crate::result::paycore_result;
use crate::rng::CallerRng;
use crate::{ffi_boundary, try_ffi};

/// Envelope length minus plaintext length, in bytes.
pub const PAYCORE_SEAL_OVERHEAD: usize = 94;
const _: () = assert!(PAYCORE_SEAL_OVERHEAD == OVERHEAD);

/// The host's secret key that opens envelopes. Opaque; create with
/// [`paycore_recipient_key_generate`] or
/// [`paycore_recipient_key_from_scalar`], destroy with
/// [`paycore_recipient_key_free`] (which zeroizes).
pub struct paycore_recipient_key {
    key: RecipientSecretKey,
}

impl core::fmt::Debug for paycore_recipient_key {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Debug::fmt(&self.key, f)
    }
}

/// # Safety
/// `out` must be non-NULL and valid for a pointer write.
unsafe fn recipient_key_out(
    key: RecipientSecretKey,
    out: *mut *mut paycore_recipient_key,
) -> paycore_result {
    // SAFETY: forwarded caller contract (non-NULL, checked by the callers).
    unsafe { box_handle(paycore_recipient_key { key }, out) }
}

/// # Safety
/// `key` must be NULL or a live handle.
unsafe fn recipient_key_ref<'a>(
    key: *const paycore_recipient_key,
) -> Result<&'a RecipientSecretKey, paycore_result> {
    // SAFETY: forwarded caller contract.
    unsafe { handle_ref(key) }.map(|handle| &handle.key)
}

/// Generates a recipient (host) key pair from the registered RNG (`paycore_set_rng`, else the OS);
/// `RANDOM_FAILURE` if it fails.
///
/// # Errors
/// `NULL_PARAMETER`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `out` must be valid for a pointer write. Free with
/// [`paycore_recipient_key_free`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_recipient_key_generate(
    out: *mut *mut paycore_recipient_key,
) -> paycore_result {
    ffi_boundary!({
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        let mut rng = CallerRng::new();
        let key = RecipientSecretKey::generate(&mut rng);
        if rng.failed() {
            return paycore_result::RandomFailure;
        }
        // SAFETY: checked non-NULL; caller guarantees it is writable.
        unsafe { recipient_key_out(key, out) }
    })
}

/// Imports a recipient secret key from its scalar (32 bytes, big-endian,
/// in `1..n`).
///
/// # Errors
/// `NULL_PARAMETER`; `MALFORMED` (wrong length or range); `*out` untouched
/// on failure.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `scalar` valid for `scalar_len` bytes; `out` valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_recipient_key_from_scalar(
    scalar: *const u8,
    scalar_len: usize,
    out: *mut *mut paycore_recipient_key,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let scalar = try_ffi!(unsafe { input(scalar, scalar_len) });
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        let key =
            try_ffi!(RecipientSecretKey::from_secret_scalar(scalar).map_err(paycore_result::from));
        // SAFETY: checked non-NULL; caller guarantees it is writable.
        unsafe { recipient_key_out(key, out) }
    })
}

/// Destroys a recipient key handle, zeroizing it. NULL is accepted. Must
/// not be called twice on the same handle.
///
/// # Safety
/// `key` must be NULL or a handle from paycore not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_recipient_key_free(key: *mut paycore_recipient_key) {
    let _ = ffi_boundary!({
        // SAFETY: NULL or a live handle of this type, not yet freed (the
        // caller's contract); dropping it zeroizes its secrets.
        unsafe { free_handle(key) };
        paycore_result::Ok
    });
}

/// Writes the recipient's public key as a SEC1 uncompressed point
/// (`PAYCORE_P256_SEC1_UNCOMPRESSED_LEN` bytes), to give to terminals.
///
/// # Errors
/// `NULL_PARAMETER`; `BUFFER_TOO_SMALL`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; `out` valid for `out_cap` writable bytes;
/// `out_len` for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_recipient_key_public_key(
    key: *const paycore_recipient_key,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { recipient_key_ref(key) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        out.write(&key.public_key().to_sec1_uncompressed())
    })
}

/// Seals `plaintext` to `recipient_public` (SEC1 point, compressed or
/// uncompressed), binding `aad` (not carried in the envelope: the host must
/// pass the same bytes to [`paycore_open`]). Writes the envelope,
/// `plaintext_len + PAYCORE_SEAL_OVERHEAD` bytes.
///
/// # Errors
/// `NULL_PARAMETER`; `MALFORMED` (not a P-256 point); `BUFFER_TOO_SMALL`
/// (`*out_len` = envelope length).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// Every `(pointer, length)` pair valid for reads; `out` valid for
/// `out_cap` writable bytes; `out_len` for a write.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_seal(
    recipient_public: *const u8,
    recipient_public_len: usize,
    aad: *const u8,
    aad_len: usize,
    plaintext: *const u8,
    plaintext_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let recipient = try_ffi!(unsafe { input(recipient_public, recipient_public_len) });
        // SAFETY: forwarded caller contract.
        let aad = try_ffi!(unsafe { input(aad, aad_len) });
        // SAFETY: forwarded caller contract.
        let plaintext = try_ffi!(unsafe { input(plaintext, plaintext_len) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        let recipient =
            try_ffi!(RecipientPublicKey::from_sec1(recipient).map_err(paycore_result::from));
        let Some(total) = plaintext.len().checked_add(OVERHEAD) else {
            return paycore_result::LimitExceeded;
        };
        let mut envelope = vec![0u8; total];
        let mut rng = CallerRng::new();
        let n = try_ffi!(
            seal::seal(&recipient, aad, plaintext, &mut rng, &mut envelope)
                .map_err(paycore_result::from)
        );
        if rng.failed() {
            return paycore_result::RandomFailure;
        }
        out.write(envelope.get(..n).unwrap_or(&[]))
    })
}

/// Opens `envelope` with the recipient's secret key, checking `aad`, and
/// writes the plaintext (`envelope_len - PAYCORE_SEAL_OVERHEAD` bytes). On
/// any failure after the pointer checks, the whole of `out` is zeroed and
/// no plaintext is released.
///
/// # Errors
/// `VERIFICATION_FAILED` (any altered byte, wrong key or wrong AAD);
/// `MALFORMED` (too short, wrong version, bad ephemeral point);
/// `NULL_PARAMETER`; `BUFFER_TOO_SMALL` (`*out_len` = plaintext length).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `recipient` must be a live handle; every `(pointer, length)` pair valid
/// for reads; `out` valid for `out_cap` writable bytes; `out_len` for a write.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_open(
    recipient: *const paycore_recipient_key,
    aad: *const u8,
    aad_len: usize,
    envelope: *const u8,
    envelope_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new_secret(out, out_cap, out_len) });
        let inputs = (|| {
            // SAFETY: forwarded caller contract.
            let recipient = unsafe { recipient_key_ref(recipient) }?;
            // SAFETY: forwarded caller contract.
            let aad = unsafe { input(aad, aad_len) }?;
            // SAFETY: forwarded caller contract.
            let envelope = unsafe { input(envelope, envelope_len) }?;
            Ok((recipient, aad, envelope))
        })();
        let (recipient, aad, envelope) = match inputs {
            Ok(v) => v,
            Err(code) => {
                out.wipe();
                return code;
            }
        };
        let Some(clear_len) = envelope.len().checked_sub(OVERHEAD) else {
            out.wipe();
            return paycore_result::Malformed;
        };
        let mut clear = vec![0u8; clear_len];
        if out_cap < clear_len {
            // Zeroes `out`, reports the size needed; nothing was decrypted.
            return out.write_secret(&clear);
        }
        let result = match seal::open(recipient, aad, envelope, &mut clear) {
            Ok(n) => out.write_secret(clear.get(..n).unwrap_or(&[])),
            Err(e) => {
                out.wipe();
                e.into()
            }
        };
        clear.fill(0);
        std::hint::black_box(&mut clear);
        result
    })
}
