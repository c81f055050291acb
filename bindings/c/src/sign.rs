//! ECDSA P-256 / SHA-256 device signatures (FIPS 186-5, RFC 6979 nonces,
//! low-S output), public keys, and signed transaction records.
//!
//! The device signing key is an opaque handle ([`paycore_signing_key`]).
//! Public keys are plain bytes: a SEC1 point (33-byte compressed or 65-byte
//! uncompressed, SEC 1 v2 §2.3.3) or a DER SubjectPublicKeyInfo (RFC 5480),
//! told apart by the first byte (`0x02`/`0x03`/`0x04` SEC1, `0x30` DER).
//!
//! Every signature belongs to one domain (core `paycore::sign::ecdsa`,
//! "Signature domains"): ECDSA over `SHA-256(label || message)`.
//! [`paycore_sign`] / [`paycore_sign_der`] / [`paycore_verify`] use the
//! generic label `paycore/generic/v1\0`; [`paycore_sign_record`] /
//! [`paycore_verify_record`] the record label `paycore/record/v2\0`; the
//! ECDSA journal functions the journal label `paycore/journal/v2\0`. A
//! signature of one domain fails in every other. [`paycore_sign_raw`] /
//! [`paycore_verify_raw`] are plain ECDSA-SHA256 over the message itself,
//! for verifiers outside paycore; they refuse a message starting with
//! `paycore/` (`INVALID_ARGUMENT`), so they never reach a domain either.

use paycore::sign::ecdsa::{
    DeviceSigningKey, MAX_DER_SIGNATURE_LEN, SEC1_COMPRESSED_LEN, SEC1_UNCOMPRESSED_LEN,
    SECRET_SCALAR_LEN, SIGNATURE_LEN, SPKI_DER_LEN, SPolicy, Signature, VerifyingKey,
};
use paycore::sign::record::MAX_ENCODED_LEN;

use crate::io::{Out, box_handle, free_handle, handle_ref, input, put};
use crate::record::{paycore_record, record_from_c, record_to_c};
use crate::result::paycore_result;
use crate::rng::CallerRng;
use crate::{ffi_boundary, try_ffi};

/// Raw `r || s` signature length, in bytes.
pub const PAYCORE_ECDSA_P256_SIG_LEN: usize = 64;
const _: () = assert!(PAYCORE_ECDSA_P256_SIG_LEN == SIGNATURE_LEN);
/// Longest DER signature, in bytes.
pub const PAYCORE_ECDSA_P256_DER_SIG_MAX_LEN: usize = 72;
const _: () = assert!(PAYCORE_ECDSA_P256_DER_SIG_MAX_LEN == MAX_DER_SIGNATURE_LEN);
/// Secret scalar length, in bytes.
pub const PAYCORE_ECDSA_P256_SCALAR_LEN: usize = 32;
const _: () = assert!(PAYCORE_ECDSA_P256_SCALAR_LEN == SECRET_SCALAR_LEN);
/// SEC1 compressed public key length.
pub const PAYCORE_P256_SEC1_COMPRESSED_LEN: usize = 33;
const _: () = assert!(PAYCORE_P256_SEC1_COMPRESSED_LEN == SEC1_COMPRESSED_LEN);
/// SEC1 uncompressed public key length.
pub const PAYCORE_P256_SEC1_UNCOMPRESSED_LEN: usize = 65;
const _: () = assert!(PAYCORE_P256_SEC1_UNCOMPRESSED_LEN == SEC1_UNCOMPRESSED_LEN);
/// DER SubjectPublicKeyInfo length (uncompressed point).
pub const PAYCORE_P256_SPKI_DER_LEN: usize = 91;
const _: () = assert!(PAYCORE_P256_SPKI_DER_LEN == SPKI_DER_LEN);

/// Public key format: SEC1 uncompressed point (`0x04 || x || y`).
pub const PAYCORE_PUBLIC_KEY_SEC1_UNCOMPRESSED: u32 = 1;
/// Public key format: SEC1 compressed point.
pub const PAYCORE_PUBLIC_KEY_SEC1_COMPRESSED: u32 = 2;
/// Public key format: DER SubjectPublicKeyInfo (RFC 5480).
pub const PAYCORE_PUBLIC_KEY_SPKI_DER: u32 = 3;

/// Signature format: raw `r || s` (64 bytes).
pub const PAYCORE_SIGNATURE_RAW: u32 = 1;
/// Signature format: strict DER `ECDSA-Sig-Value` (X9.62).
pub const PAYCORE_SIGNATURE_DER: u32 = 2;

/// Verification policy: reject high-S signatures (`s > n/2`), so each
/// message has one valid signature encoding. Recommended.
pub const PAYCORE_S_POLICY_REJECT_HIGH_S: u32 = 1;
/// Verification policy: accept high-S signatures (plain FIPS 186-5).
pub const PAYCORE_S_POLICY_ACCEPT_HIGH_S: u32 = 2;

/// The device's ECDSA P-256 signing key. Opaque; create with
/// [`paycore_signing_key_generate`] or [`paycore_signing_key_from_scalar`],
/// destroy with [`paycore_signing_key_free`] (which zeroizes).
pub struct paycore_signing_key {
    pub(crate) key: DeviceSigningKey,
}

impl core::fmt::Debug for paycore_signing_key {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Debug::fmt(&self.key, f)
    }
}

/// Borrows the key behind a handle.
///
/// # Safety
/// `key` must be NULL or a live handle.
pub(crate) unsafe fn signing_key_ref<'a>(
    key: *const paycore_signing_key,
) -> Result<&'a DeviceSigningKey, paycore_result> {
    // SAFETY: forwarded caller contract.
    unsafe { handle_ref(key) }.map(|handle| &handle.key)
}

/// Parses a public key given as SEC1 or SPKI DER bytes.
pub(crate) fn verifying_key_from(bytes: &[u8]) -> Result<VerifyingKey, paycore_result> {
    let parsed = match bytes.first() {
        Some(0x30) => VerifyingKey::from_spki_der(bytes),
        _ => VerifyingKey::from_sec1(bytes),
    };
    parsed.map_err(paycore_result::from)
}

fn policy_from_code(code: u32) -> Result<SPolicy, paycore_result> {
    match code {
        PAYCORE_S_POLICY_REJECT_HIGH_S => Ok(SPolicy::RejectHighS),
        PAYCORE_S_POLICY_ACCEPT_HIGH_S => Ok(SPolicy::AcceptHighS),
        _ => Err(paycore_result::InvalidArgument),
    }
}

fn signature_from(bytes: &[u8], format: u32) -> Result<Signature, paycore_result> {
    match format {
        PAYCORE_SIGNATURE_RAW => Signature::from_raw(bytes).map_err(paycore_result::from),
        PAYCORE_SIGNATURE_DER => Signature::from_der(bytes).map_err(paycore_result::from),
        _ => Err(paycore_result::InvalidArgument),
    }
}

/// Boxes a signing key into a handle written to `out` (checked non-NULL).
///
/// # Safety
/// `out` must be non-NULL and valid for a pointer write.
unsafe fn signing_key_out(
    key: DeviceSigningKey,
    out: *mut *mut paycore_signing_key,
) -> paycore_result {
    // SAFETY: forwarded caller contract (non-NULL, checked by the callers).
    unsafe { box_handle(paycore_signing_key { key }, out) }
}

/// Generates a fresh device signing key from the registered RNG
/// (`paycore_set_rng`, else the OS);
/// `PAYCORE_RESULT_RANDOM_FAILURE` if it fails (no handle is made).
///
/// # Errors
/// `NULL_PARAMETER`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `out` must be valid for a pointer write. Free the handle with
/// [`paycore_signing_key_free`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_signing_key_generate(
    out: *mut *mut paycore_signing_key,
) -> paycore_result {
    ffi_boundary!({
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        let mut rng = CallerRng::new();
        let key = DeviceSigningKey::generate(&mut rng);
        if rng.failed() {
            return paycore_result::RandomFailure;
        }
        // SAFETY: checked non-NULL; caller guarantees it is writable.
        unsafe { signing_key_out(key, out) }
    })
}

/// Imports a device signing key from its secret scalar
/// (`PAYCORE_ECDSA_P256_SCALAR_LEN` bytes, big-endian, in `1..n`).
///
/// # Errors
/// `NULL_PARAMETER`; `MALFORMED` (wrong length, zero or `>= n`); `*out` is
/// left untouched on failure.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `scalar` valid for `scalar_len` bytes; `out` valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_signing_key_from_scalar(
    scalar: *const u8,
    scalar_len: usize,
    out: *mut *mut paycore_signing_key,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let scalar = try_ffi!(unsafe { input(scalar, scalar_len) });
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        let key =
            try_ffi!(DeviceSigningKey::from_secret_scalar(scalar).map_err(paycore_result::from));
        // SAFETY: checked non-NULL; caller guarantees it is writable.
        unsafe { signing_key_out(key, out) }
    })
}

/// Destroys a signing key handle, zeroizing the scalar. NULL is accepted.
/// Must not be called twice on the same handle.
///
/// # Safety
/// `key` must be NULL or a handle from paycore not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_signing_key_free(key: *mut paycore_signing_key) {
    let _ = ffi_boundary!({
        // SAFETY: NULL or a live handle of this type, not yet freed (the
        // caller's contract); dropping it zeroizes its secrets.
        unsafe { free_handle(key) };
        paycore_result::Ok
    });
}

/// Writes the public key of `key` in `format` (`PAYCORE_PUBLIC_KEY_*`):
/// 65, 33 or 91 bytes.
///
/// # Errors
/// `NULL_PARAMETER`; `INVALID_ARGUMENT` (format); `BUFFER_TOO_SMALL`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; `out` valid for `out_cap` writable bytes;
/// `out_len` for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_signing_key_public_key(
    key: *const paycore_signing_key,
    format: u32,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { signing_key_ref(key) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        let public = key.verifying_key();
        match format {
            PAYCORE_PUBLIC_KEY_SEC1_UNCOMPRESSED => out.write(&public.to_sec1_uncompressed()),
            PAYCORE_PUBLIC_KEY_SEC1_COMPRESSED => out.write(&public.to_sec1_compressed()),
            PAYCORE_PUBLIC_KEY_SPKI_DER => out.write(&public.to_spki_der()),
            _ => paycore_result::InvalidArgument,
        }
    })
}

/// Exports the secret scalar (32 bytes), for sealed backup or provisioning
/// only. `out` is zeroed on `BUFFER_TOO_SMALL`.
///
/// # Errors
/// `NULL_PARAMETER`; `BUFFER_TOO_SMALL` (`*out_len` = 32).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; `out` valid for `out_cap` writable bytes;
/// `out_len` for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_signing_key_dangerous_export_scalar(
    key: *const paycore_signing_key,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new_secret(out, out_cap, out_len) });
        // SAFETY: forwarded caller contract.
        let key = match unsafe { signing_key_ref(key) } {
            Ok(key) => key,
            Err(code) => {
                out.wipe();
                return code;
            }
        };
        let scalar = key.dangerous_export_secret_scalar();
        // EXPOSE: the caller asked for the scalar through a dangerous_ call.
        out.write_secret(scalar.expose_secret())
    })
}

/// Signs `message` in the generic domain (ECDSA over
/// `SHA-256("paycore/generic/v1\0" || message)`, RFC 6979 deterministic
/// nonce, low-S) and writes the raw `r || s` signature
/// (`PAYCORE_ECDSA_P256_SIG_LEN` bytes). The signature never verifies as a
/// record or journal signature, nor under [`paycore_verify_raw`].
///
/// # Errors
/// `NULL_PARAMETER`; `BUFFER_TOO_SMALL` (`*out_len` = 64).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; `message` valid for `message_len` bytes;
/// `out` valid for `out_cap` writable bytes; `out_len` for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_sign(
    key: *const paycore_signing_key,
    message: *const u8,
    message_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { signing_key_ref(key) });
        // SAFETY: forwarded caller contract.
        let message = try_ffi!(unsafe { input(message, message_len) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        if out_cap < SIGNATURE_LEN {
            return out.write(&[0u8; SIGNATURE_LEN]);
        }
        let sig = try_ffi!(key.sign(message).map_err(paycore_result::from));
        out.write(&sig.to_raw())
    })
}

/// As [`paycore_sign`], writing the strict DER `ECDSA-Sig-Value` (at most
/// `PAYCORE_ECDSA_P256_DER_SIG_MAX_LEN` bytes; its exact length varies).
///
/// # Errors
/// `NULL_PARAMETER`; `BUFFER_TOO_SMALL` (`*out_len` = the DER length).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_sign`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_sign_der(
    key: *const paycore_signing_key,
    message: *const u8,
    message_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { signing_key_ref(key) });
        // SAFETY: forwarded caller contract.
        let message = try_ffi!(unsafe { input(message, message_len) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        let sig = try_ffi!(key.sign(message).map_err(paycore_result::from));
        let mut der = [0u8; MAX_DER_SIGNATURE_LEN];
        let n = try_ffi!(sig.encode_der(&mut der).map_err(paycore_result::from));
        out.write(der.get(..n).unwrap_or(&[]))
    })
}

/// Verifies a generic-domain `signature` (format `PAYCORE_SIGNATURE_RAW` or
/// `_DER`, as made by [`paycore_sign`]) over `message` under `public_key`
/// (SEC1 or SPKI DER, see the module docs) with `policy`
/// (`PAYCORE_S_POLICY_*`). Record, journal and raw signatures fail.
///
/// # Errors
/// `VERIFICATION_FAILED` (wrong signature, or high-S under
/// `PAYCORE_S_POLICY_REJECT_HIGH_S`); `MALFORMED` (public key not a P-256
/// key, signature not strict DER / raw length or range); `NULL_PARAMETER`;
/// `INVALID_ARGUMENT` (format or policy code).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// Every `(pointer, length)` pair must be valid for reads.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_verify(
    public_key: *const u8,
    public_key_len: usize,
    message: *const u8,
    message_len: usize,
    signature: *const u8,
    signature_len: usize,
    signature_format: u32,
    policy: u32,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let public_key = try_ffi!(unsafe { input(public_key, public_key_len) });
        // SAFETY: forwarded caller contract.
        let message = try_ffi!(unsafe { input(message, message_len) });
        // SAFETY: forwarded caller contract.
        let signature = try_ffi!(unsafe { input(signature, signature_len) });
        let policy = try_ffi!(policy_from_code(policy));
        if !matches!(
            signature_format,
            PAYCORE_SIGNATURE_RAW | PAYCORE_SIGNATURE_DER
        ) {
            return paycore_result::InvalidArgument;
        }
        let public = try_ffi!(verifying_key_from(public_key));
        let signature = try_ffi!(signature_from(signature, signature_format));
        match public.verify(message, &signature, policy) {
            Ok(()) => paycore_result::Ok,
            Err(e) => e.into(),
        }
    })
}

/// Plain ECDSA-SHA256 over `message` itself, with no domain label (FIPS
/// 186-5; RFC 6979 nonce; low-S), for verifiers outside paycore. Writes the
/// signature in `signature_format` (`PAYCORE_SIGNATURE_RAW`: 64 bytes;
/// `PAYCORE_SIGNATURE_DER`: at most `PAYCORE_ECDSA_P256_DER_SIG_MAX_LEN`).
/// A message starting with `paycore/` (the namespace of the domain labels)
/// is refused, so a raw signature is never a record, journal or generic one.
///
/// # Errors
/// `NULL_PARAMETER`; `INVALID_ARGUMENT` (format, or a message starting with
/// `paycore/`); `BUFFER_TOO_SMALL` (`*out_len` = the signature length).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_sign`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_sign_raw(
    key: *const paycore_signing_key,
    message: *const u8,
    message_len: usize,
    signature_format: u32,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { signing_key_ref(key) });
        // SAFETY: forwarded caller contract.
        let message = try_ffi!(unsafe { input(message, message_len) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        if !matches!(
            signature_format,
            PAYCORE_SIGNATURE_RAW | PAYCORE_SIGNATURE_DER
        ) {
            return paycore_result::InvalidArgument;
        }
        let sig = try_ffi!(key.sign_raw(message).map_err(paycore_result::from));
        match signature_format {
            PAYCORE_SIGNATURE_RAW => out.write(&sig.to_raw()),
            PAYCORE_SIGNATURE_DER => {
                let mut der = [0u8; MAX_DER_SIGNATURE_LEN];
                let n = try_ffi!(sig.encode_der(&mut der).map_err(paycore_result::from));
                out.write(der.get(..n).unwrap_or(&[]))
            }
            _ => paycore_result::InvalidArgument,
        }
    })
}

/// Verifies a plain ECDSA-SHA256 `signature` over `message` itself (no
/// domain label), as made by [`paycore_sign_raw`] or a signer outside
/// paycore; arguments as [`paycore_verify`]. A message starting with
/// `paycore/` is refused, so a record, journal or generic signature never
/// passes as a raw one.
///
/// # Errors
/// As [`paycore_verify`]; `INVALID_ARGUMENT` for a message starting with
/// `paycore/`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_verify`].
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_verify_raw(
    public_key: *const u8,
    public_key_len: usize,
    message: *const u8,
    message_len: usize,
    signature: *const u8,
    signature_len: usize,
    signature_format: u32,
    policy: u32,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let public_key = try_ffi!(unsafe { input(public_key, public_key_len) });
        // SAFETY: forwarded caller contract.
        let message = try_ffi!(unsafe { input(message, message_len) });
        // SAFETY: forwarded caller contract.
        let signature = try_ffi!(unsafe { input(signature, signature_len) });
        let policy = try_ffi!(policy_from_code(policy));
        let public = try_ffi!(verifying_key_from(public_key));
        let signature = try_ffi!(signature_from(signature, signature_format));
        match public.verify_raw(message, &signature, policy) {
            Ok(()) => paycore_result::Ok,
            Err(e) => e.into(),
        }
    })
}

/// Encodes `record` canonically (version 2) and signs the encoding with
/// `key` in the record domain (ECDSA over
/// `SHA-256("paycore/record/v2\0" || encoding)`). Writes
/// the encoded record (at most `PAYCORE_RECORD_MAX_ENCODED_LEN` bytes) to
/// `encoded` and the raw signature (`PAYCORE_ECDSA_P256_SIG_LEN` bytes) to
/// `signature`: send both to the host. Both outputs are written only if
/// both fit; on `BUFFER_TOO_SMALL` both `*encoded_len` and
/// `*signature_len` receive the sizes needed.
///
/// # Errors
/// As [`paycore_record_encode`](crate::paycore_record_encode); `NULL_PARAMETER`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; `record` as in `paycore_record_encode`;
/// each output valid for its capacity; the length pointers for writes.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_sign_record(
    key: *const paycore_signing_key,
    record: *const paycore_record,
    encoded: *mut u8,
    encoded_cap: usize,
    encoded_len: *mut usize,
    signature: *mut u8,
    signature_cap: usize,
    signature_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { signing_key_ref(key) });
        // SAFETY: forwarded caller contract.
        let record = try_ffi!(unsafe { record_from_c(record) });
        // Pointer checks only; the Outs are rebuilt below.
        // SAFETY: forwarded caller contract.
        let _ = try_ffi!(unsafe { Out::new(encoded, encoded_cap, encoded_len) });
        // SAFETY: forwarded caller contract.
        let _ = try_ffi!(unsafe { Out::new(signature, signature_cap, signature_len) });
        let mut buf = [0u8; MAX_ENCODED_LEN];
        let (sig, n) = try_ffi!(
            key.sign_record(&record, &mut buf)
                .map_err(paycore_result::from)
        );
        let fits = encoded_cap >= n && signature_cap >= SIGNATURE_LEN;
        // With a capacity of 0 an Out only reports the size needed.
        let (enc_cap, sig_cap) = if fits {
            (encoded_cap, signature_cap)
        } else {
            (0, 0)
        };
        // SAFETY: as checked above; caps are at most the caller's.
        let enc_out = try_ffi!(unsafe { Out::new(encoded, enc_cap, encoded_len) });
        let enc_result = enc_out.write(buf.get(..n).unwrap_or(&[]));
        // SAFETY: as above.
        let sig_out = try_ffi!(unsafe { Out::new(signature, sig_cap, signature_len) });
        let sig_result = sig_out.write(&sig.to_raw());
        if enc_result == paycore_result::Ok {
            sig_result
        } else {
            enc_result
        }
    })
}

/// Verifies the record-domain `signature` (format `PAYCORE_SIGNATURE_*`)
/// over the encoded record under `public_key`, then decodes it into `*out`
/// (text pointers into `encoded`, zero copy). `*out` is written only if the
/// signature verifies and the record decodes. A generic or raw signature
/// over the same bytes fails.
///
/// # Errors
/// `MALFORMED` for a record encoding version other than 2 (version 1
/// records, signed without a domain label, are refused before any
/// signature check); as [`paycore_verify`], then as
/// [`paycore_record_decode`](crate::paycore_record_decode).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// Every `(pointer, length)` pair valid for reads; `out` valid for a write.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_verify_record(
    public_key: *const u8,
    public_key_len: usize,
    encoded: *const u8,
    encoded_len: usize,
    signature: *const u8,
    signature_len: usize,
    signature_format: u32,
    policy: u32,
    out: *mut paycore_record,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let public_key = try_ffi!(unsafe { input(public_key, public_key_len) });
        // SAFETY: forwarded caller contract.
        let encoded = try_ffi!(unsafe { input(encoded, encoded_len) });
        // SAFETY: forwarded caller contract.
        let signature = try_ffi!(unsafe { input(signature, signature_len) });
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        let policy = try_ffi!(policy_from_code(policy));
        if !matches!(
            signature_format,
            PAYCORE_SIGNATURE_RAW | PAYCORE_SIGNATURE_DER
        ) {
            return paycore_result::InvalidArgument;
        }
        let public = try_ffi!(verifying_key_from(public_key));
        let signature = try_ffi!(signature_from(signature, signature_format));
        let record = try_ffi!(
            public
                .verify_record(encoded, &signature, policy)
                .map_err(paycore_result::from)
        );
        // SAFETY: checked non-NULL; caller guarantees it is writable.
        try_ffi!(unsafe { put(out, record_to_c(&record)) });
        paycore_result::Ok
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{PAYCORE_ALGORITHM_AES256, paycore_key, paycore_key_free, paycore_key_new};
    use crate::mac::{
        PAYCORE_MAC_ALG_HMAC_SHA256, PAYCORE_MAC_PADDING_NONE, paycore_mac, paycore_mac_free,
        paycore_mac_new, paycore_mac_verifier, paycore_mac_verifier_free, paycore_mac_verifier_new,
    };
    use crate::seal::{
        paycore_recipient_key, paycore_recipient_key_free, paycore_recipient_key_from_scalar,
    };

    // The handles' Debug output never shows key material (exact texts).
    #[test]
    fn handle_debug_texts_are_redacted() {
        let mut key: *mut paycore_signing_key = core::ptr::null_mut();
        let mut host: *mut paycore_recipient_key = core::ptr::null_mut();
        let mut mac_key: *mut paycore_key = core::ptr::null_mut();
        let mut mac: *mut paycore_mac = core::ptr::null_mut();
        let mut verifier: *mut paycore_mac_verifier = core::ptr::null_mut();
        let alg = PAYCORE_MAC_ALG_HMAC_SHA256;
        let pad = PAYCORE_MAC_PADDING_NONE;
        // SAFETY: every pointer passed is valid for the call; each handle is
        // created successfully (asserted) before it is dereferenced, and
        // freed exactly once at the end.
        unsafe {
            let scalar = [0x11u8; 32];
            assert_eq!(
                paycore_signing_key_from_scalar(scalar.as_ptr(), 32, &mut key),
                paycore_result::Ok
            );
            assert_eq!(
                format!("{:?}", handle_ref(key).unwrap()),
                "DeviceSigningKey { .. }"
            );
            let scalar = [0x22u8; 32];
            assert_eq!(
                paycore_recipient_key_from_scalar(scalar.as_ptr(), 32, &mut host),
                paycore_result::Ok
            );
            assert_eq!(
                format!("{:?}", handle_ref(host).unwrap()),
                "RecipientSecretKey { .. }"
            );
            let material = [0x33u8; 32];
            let usage = *b"M7";
            assert_eq!(
                paycore_key_new(
                    PAYCORE_ALGORITHM_AES256,
                    material.as_ptr(),
                    32,
                    usage.as_ptr(),
                    b'C',
                    b'N',
                    &mut mac_key,
                ),
                paycore_result::Ok
            );
            assert_eq!(
                paycore_mac_new(mac_key, alg, pad, &mut mac),
                paycore_result::Ok
            );
            assert_eq!(
                paycore_mac_verifier_new(mac_key, alg, pad, &mut verifier),
                paycore_result::Ok
            );
            assert_eq!(
                format!("{:?}", handle_ref(mac).unwrap()),
                "paycore_mac { .. }"
            );
            assert_eq!(
                format!("{:?}", handle_ref(verifier).unwrap()),
                "paycore_mac_verifier { .. }"
            );
            paycore_mac_free(mac);
            paycore_mac_verifier_free(verifier);
            paycore_key_free(mac_key);
            paycore_recipient_key_free(host);
            paycore_signing_key_free(key);
        }
    }
}
