//! AES-GCM sealing on caller buffers.

use paycore::aead::{self, NONCE_LEN, TAG_LEN};

use crate::io::{Out, input};
use crate::keys::{key_ref, paycore_key};
use crate::result::paycore_result;
use crate::{ffi_boundary, try_ffi};

/// AES-GCM nonce length in bytes.
pub const PAYCORE_AEAD_NONCE_LEN: usize = 12;
const _: () = assert!(PAYCORE_AEAD_NONCE_LEN == NONCE_LEN);
/// AES-GCM tag length in bytes.
pub const PAYCORE_AEAD_TAG_LEN: usize = 16;
const _: () = assert!(PAYCORE_AEAD_TAG_LEN == TAG_LEN);

/// AES-GCM encrypts `plaintext` under `key` (an AES key with usage `D0`
/// and a mode permitting encryption; any other usage, `K0` included, is
/// `PAYCORE_RESULT_KEY_USAGE`) and writes `ciphertext || tag`
/// (`plaintext_len + PAYCORE_AEAD_TAG_LEN` bytes) to `out`. The nonce must
/// never repeat under one key. DUKPT originator state blobs are sealed under
/// a sub-key of the device key that this function never uses, so it can
/// neither open nor forge them.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; `nonce` valid for `PAYCORE_AEAD_NONCE_LEN`
/// bytes; `aad` and `plaintext` valid for their lengths; `out` valid for
/// `out_cap` writable bytes; `out_len` valid for a write.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_aead_seal(
    key: *const paycore_key,
    nonce: *const u8,
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
        let key = try_ffi!(unsafe { key_ref(key) });
        // SAFETY: forwarded caller contract.
        let nonce = try_ffi!(unsafe { input(nonce, NONCE_LEN) });
        // SAFETY: forwarded caller contract.
        let aad = try_ffi!(unsafe { input(aad, aad_len) });
        // SAFETY: forwarded caller contract.
        let plaintext = try_ffi!(unsafe { input(plaintext, plaintext_len) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        let Ok(nonce) = <&[u8; NONCE_LEN]>::try_from(nonce) else {
            return paycore_result::NullParameter;
        };
        let mut buf = plaintext.to_vec();
        let tag =
            try_ffi!(aead::seal_in_place(key, nonce, aad, &mut buf).map_err(paycore_result::from));
        buf.extend_from_slice(&tag);
        out.write(&buf)
    })
}

/// Verifies and decrypts `sealed` (`ciphertext || tag`) and writes the
/// plaintext (`sealed_len - PAYCORE_AEAD_TAG_LEN` bytes). On any failure
/// nothing is written and `out` is zeroed;
/// `PAYCORE_RESULT_VERIFICATION_FAILED` for a wrong key, nonce, AAD or tag.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_aead_seal`].
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_aead_open(
    key: *const paycore_key,
    nonce: *const u8,
    aad: *const u8,
    aad_len: usize,
    sealed: *const u8,
    sealed_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // Made first: a secret output is zeroed on every failure.
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new_secret(out, out_cap, out_len) });
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { key_ref(key) });
        // SAFETY: forwarded caller contract.
        let nonce = try_ffi!(unsafe { input(nonce, NONCE_LEN) });
        // SAFETY: forwarded caller contract.
        let aad = try_ffi!(unsafe { input(aad, aad_len) });
        // SAFETY: forwarded caller contract.
        let sealed = try_ffi!(unsafe { input(sealed, sealed_len) });
        let Ok(nonce) = <&[u8; NONCE_LEN]>::try_from(nonce) else {
            return paycore_result::NullParameter;
        };
        let Some((ciphertext, tag)) = sealed.split_last_chunk::<TAG_LEN>() else {
            out.wipe();
            return paycore_result::Malformed;
        };
        let mut buf = ciphertext.to_vec();
        match aead::open_in_place(key, nonce, aad, &mut buf, tag) {
            Ok(()) => {
                let result = out.write_secret(&buf);
                buf.fill(0);
                result
            }
            Err(e) => {
                out.wipe();
                e.into()
            }
        }
    })
}
