//! DUKPT (ANSI X9.24-1:2009 TDES, X9.24-3-2017 AES): host-side derivation
//! and the originator (terminal) with crash-safe persisted state.
//!
//! Persistence contract (X9.24 forward secrecy + crash safety): every
//! originator call that consumes or replaces state first seals the new
//! state into a blob (AES-GCM under the device key) and hands it to the
//! caller's `persist` callback. The callback must return 0 only once the
//! blob is durably stored, replacing the previous blob atomically. Any
//! non-zero return withholds the transaction key (the call fails with
//! `PAYCORE_RESULT_STATE_NOT_PERSISTED`); the in-memory originator has still moved
//! past that counter, so no counter whose key was released is ever reused,
//! neither after a retry nor after a restart from the last stored blob.
//!
//! The blob is sealed under a sub-key derived from the device key (HKDF,
//! see the core `dukpt` state docs), which `paycore_aead_open` /
//! `paycore_aead_seal` can never reach even though they accept the device
//! key. Storage rollback is refused when the caller passes the counter it
//! recorded in monotonic storage to [`paycore_dukpt_originator_restore`].

use std::ffi::{c_int, c_void};

use paycore::Error;
use paycore::keys::Key;
use paycore::keys::dukpt::{
    self, AES_STATE_LEN, AesKsn, StateStore, TDES_STATE_LEN, TdesKsn, WorkingKeyType,
    WorkingKeyUsage, aes, tdes,
};

use crate::io::{Out, box_handle, free_handle, handle_mut, handle_ref, input, put};
use crate::keys::{key_out, key_ref, paycore_key};
use crate::result::paycore_result;
use crate::rng::CallerRng;
use crate::{ffi_boundary, try_ffi};

/// DUKPT working key usage: PIN encryption (TR-31 `P0`).
pub const PAYCORE_DUKPT_USAGE_PIN: u32 = 1;
/// MAC generation (TDES: MAC request key; `M3` TDES / `M6` AES).
pub const PAYCORE_DUKPT_USAGE_MAC_GENERATE: u32 = 2;
/// MAC verification (TDES: MAC response key).
pub const PAYCORE_DUKPT_USAGE_MAC_VERIFY: u32 = 3;
/// MAC generation and verification (TDES: MAC request key).
pub const PAYCORE_DUKPT_USAGE_MAC_BOTH: u32 = 4;
/// Data encryption (TDES: data request key; `D0`).
pub const PAYCORE_DUKPT_USAGE_DATA_ENCRYPT: u32 = 5;
/// Data decryption (TDES: data response key).
pub const PAYCORE_DUKPT_USAGE_DATA_DECRYPT: u32 = 6;
/// Data encryption and decryption (TDES: data request key).
pub const PAYCORE_DUKPT_USAGE_DATA_BOTH: u32 = 7;
/// Key encryption key (`K0`, AES DUKPT only).
pub const PAYCORE_DUKPT_USAGE_KEK: u32 = 8;
/// Key derivation key (`B3`, AES DUKPT only).
pub const PAYCORE_DUKPT_USAGE_KEY_DERIVATION: u32 = 9;

/// Working key type two-key TDES (the only type for TDES DUKPT).
pub const PAYCORE_DUKPT_KEY_TYPE_TDES2: u32 = 1;
/// Working key type three-key TDES (AES DUKPT).
pub const PAYCORE_DUKPT_KEY_TYPE_TDES3: u32 = 2;
/// Working key type AES-128.
pub const PAYCORE_DUKPT_KEY_TYPE_AES128: u32 = 3;
/// Working key type AES-192.
pub const PAYCORE_DUKPT_KEY_TYPE_AES192: u32 = 4;
/// Working key type AES-256.
pub const PAYCORE_DUKPT_KEY_TYPE_AES256: u32 = 5;

/// Originator flavour: TDES DUKPT (10-byte KSN).
pub const PAYCORE_DUKPT_FLAVOUR_TDES: u32 = 1;
/// Originator flavour: AES DUKPT (12-byte KSN).
pub const PAYCORE_DUKPT_FLAVOUR_AES: u32 = 2;

/// Length of a TDES KSN.
pub const PAYCORE_DUKPT_TDES_KSN_LEN: usize = 10;
/// Length of an AES KSN.
pub const PAYCORE_DUKPT_AES_KSN_LEN: usize = 12;
/// Length of an AES initial key ID.
pub const PAYCORE_DUKPT_INITIAL_KEY_ID_LEN: usize = 8;
/// Length of a persisted TDES originator state blob.
pub const PAYCORE_DUKPT_TDES_STATE_LEN: usize = 386;
/// Length of a persisted AES originator state blob.
pub const PAYCORE_DUKPT_AES_STATE_LEN: usize = 1077;
// Literals for cbindgen; checked against the core at compile time.
const _: () = assert!(PAYCORE_DUKPT_TDES_STATE_LEN == TDES_STATE_LEN);
const _: () = assert!(PAYCORE_DUKPT_AES_STATE_LEN == AES_STATE_LEN);

/// The DUKPT originator persist callback.
///
/// Contract (crash safety and X9.24 forward secrecy): store `blob` (`len`
/// bytes; the originator state sealed with AES-GCM under the device key, so
/// not secret, but integrity-protected) durably, atomically replacing the
/// previous blob, and return 0 only once it is durable (e.g. after
/// write-to-temp + fsync + rename). The originator calls it with the state
/// *after* the counter it is about to use was consumed and its key erased,
/// and releases the transaction key only if it returned 0. Hence:
/// - callback fails (non-zero): no key is released, the call returns
///   `PAYCORE_RESULT_STATE_NOT_PERSISTED`; the in-memory originator has still moved
///   past that counter and the old stored blob never released it, so neither
///   a retry nor a restart reuses a released counter;
/// - crash after the callback, before the key is used: restart from the new
///   blob ([`paycore_dukpt_originator_restore`]); the counter is skipped,
///   never reused.
///
/// Storage that can be rolled back to an older blob after a key was released
/// would reuse counters. Keep the originator's next counter
/// ([`paycore_dukpt_originator_ksn`], last 21 bits TDES / 4 bytes AES) in
/// monotonic secure storage after each successful call and pass it to
/// [`paycore_dukpt_originator_restore`] as `min_counter`: an older blob is
/// then refused with `PAYCORE_RESULT_STATE_ROLLED_BACK`. The callback must not call back into the same
/// originator, and must not unwind (C++ exceptions) across paycore.
pub type paycore_dukpt_persist_fn =
    Option<unsafe extern "C" fn(ctx: *mut c_void, blob: *const u8, len: usize) -> c_int>;

fn usage_from_code(code: u32) -> Result<WorkingKeyUsage, paycore_result> {
    Ok(match code {
        PAYCORE_DUKPT_USAGE_PIN => WorkingKeyUsage::PinEncryption,
        PAYCORE_DUKPT_USAGE_MAC_GENERATE => WorkingKeyUsage::MacGenerate,
        PAYCORE_DUKPT_USAGE_MAC_VERIFY => WorkingKeyUsage::MacVerify,
        PAYCORE_DUKPT_USAGE_MAC_BOTH => WorkingKeyUsage::MacBoth,
        PAYCORE_DUKPT_USAGE_DATA_ENCRYPT => WorkingKeyUsage::DataEncrypt,
        PAYCORE_DUKPT_USAGE_DATA_DECRYPT => WorkingKeyUsage::DataDecrypt,
        PAYCORE_DUKPT_USAGE_DATA_BOTH => WorkingKeyUsage::DataBoth,
        PAYCORE_DUKPT_USAGE_KEK => WorkingKeyUsage::KeyEncryption,
        PAYCORE_DUKPT_USAGE_KEY_DERIVATION => WorkingKeyUsage::KeyDerivation,
        _ => return Err(paycore_result::InvalidArgument),
    })
}

fn key_type_from_code(code: u32) -> Result<WorkingKeyType, paycore_result> {
    Ok(match code {
        PAYCORE_DUKPT_KEY_TYPE_TDES2 => WorkingKeyType::Tdes2,
        PAYCORE_DUKPT_KEY_TYPE_TDES3 => WorkingKeyType::Tdes3,
        PAYCORE_DUKPT_KEY_TYPE_AES128 => WorkingKeyType::Aes128,
        PAYCORE_DUKPT_KEY_TYPE_AES192 => WorkingKeyType::Aes192,
        PAYCORE_DUKPT_KEY_TYPE_AES256 => WorkingKeyType::Aes256,
        _ => return Err(paycore_result::InvalidArgument),
    })
}

fn core<T>(r: Result<T, Error>) -> Result<T, paycore_result> {
    r.map_err(paycore_result::from)
}

/// A [`StateStore`] calling the C callback; remembers a refusal so the C
/// caller gets a distinct result.
struct CallbackStore {
    persist: unsafe extern "C" fn(*mut c_void, *const u8, usize) -> c_int,
    ctx: *mut c_void,
    refused: bool,
}

impl CallbackStore {
    fn new(persist: paycore_dukpt_persist_fn, ctx: *mut c_void) -> Result<Self, paycore_result> {
        let persist = persist.ok_or(paycore_result::NullParameter)?;
        Ok(Self {
            persist,
            ctx,
            refused: false,
        })
    }

    /// Maps a core error, reporting a refused persist as
    /// `PAYCORE_RESULT_STATE_NOT_PERSISTED`.
    fn map(&self, e: Error) -> paycore_result {
        if self.refused {
            paycore_result::StateNotPersisted
        } else {
            e.into()
        }
    }
}

impl StateStore for CallbackStore {
    fn persist(&mut self, blob: &[u8]) -> Result<(), Error> {
        // SAFETY: the C caller supplied a valid function pointer and its
        // context; `blob` is valid for `blob.len()` bytes during the call.
        let rc = unsafe { (self.persist)(self.ctx, blob.as_ptr(), blob.len()) };
        if rc == 0 {
            Ok(())
        } else {
            self.refused = true;
            Err(Error::invalid_argument("persist"))
        }
    }
}

/// Host side, one call: the working key of `usage` (`PAYCORE_DUKPT_USAGE_*`)
/// and `key_type` (`PAYCORE_DUKPT_KEY_TYPE_*`) for the KSN, from the BDK
/// (usage `B0`, mode permitting derivation). A 10-byte KSN selects TDES
/// DUKPT (X9.24-1:2009 §A.3; key type must be TDES2), a 12-byte KSN AES
/// DUKPT (X9.24-3-2017 §6.3). The key carries host-side attributes (the PIN
/// key decrypts, the MAC-generate key verifies, ...).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `bdk` must be a live handle; `ksn` valid for `ksn_len` bytes; `out` for a
/// pointer write. Free the result with `paycore_key_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_dukpt_derive(
    bdk: *const paycore_key,
    ksn: *const u8,
    ksn_len: usize,
    usage: u32,
    key_type: u32,
    out: *mut *mut paycore_key,
) -> paycore_result {
    ffi_boundary!({
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: forwarded caller contract.
        let bdk = try_ffi!(unsafe { key_ref(bdk) });
        // SAFETY: forwarded caller contract.
        let ksn = try_ffi!(unsafe { input(ksn, ksn_len) });
        let usage = try_ffi!(usage_from_code(usage));
        let key_type = try_ffi!(key_type_from_code(key_type));
        let key = try_ffi!(core(dukpt::derive(bdk, ksn, usage, key_type)));
        // SAFETY: `out` checked non-NULL above.
        unsafe { key_out(key, out) }
    })
}

/// Host side from a device's initial key (`B1`) rather than the BDK: the
/// working key for `ksn`, as [`paycore_dukpt_derive`].
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_dukpt_derive`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_dukpt_derive_from_initial_key(
    initial_key: *const paycore_key,
    ksn: *const u8,
    ksn_len: usize,
    usage: u32,
    key_type: u32,
    out: *mut *mut paycore_key,
) -> paycore_result {
    ffi_boundary!({
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: forwarded caller contract.
        let ik = try_ffi!(unsafe { key_ref(initial_key) });
        // SAFETY: forwarded caller contract.
        let ksn = try_ffi!(unsafe { input(ksn, ksn_len) });
        let usage = try_ffi!(usage_from_code(usage));
        let key_type = try_ffi!(key_type_from_code(key_type));
        let key = try_ffi!(core(match dukpt::Ksn::parse(ksn) {
            Ok(dukpt::Ksn::Tdes(ksn)) => {
                if key_type == WorkingKeyType::Tdes2 {
                    tdes::derive_transaction_key(ik, &ksn).and_then(|tx| tx.working_key(usage))
                } else {
                    Err(paycore::error::DukptError::KeyTypeTooStrong.into())
                }
            }
            Ok(dukpt::Ksn::Aes(ksn)) =>
                aes::derive_transaction_key(ik, &ksn).and_then(|tx| tx.working_key(usage, key_type)),
            Ok(_) => Err(Error::invalid_argument("ksn")),
            Err(e) => Err(e),
        }));
        // SAFETY: `out` checked non-NULL above.
        unsafe { key_out(key, out) }
    })
}

/// TDES DUKPT: the IPEK (initial PIN encryption key, usage `B1`, mode `X`)
/// of the device with the 10-byte `ksn` (counter bits ignored), from a TDES
/// BDK (X9.24-1:2009 §A.6 "Derive Initial Key").
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `bdk` must be a live handle; `ksn` valid for `ksn_len` bytes; `out` for a
/// pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_dukpt_derive_ipek(
    bdk: *const paycore_key,
    ksn: *const u8,
    ksn_len: usize,
    out: *mut *mut paycore_key,
) -> paycore_result {
    ffi_boundary!({
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: forwarded caller contract.
        let bdk = try_ffi!(unsafe { key_ref(bdk) });
        // SAFETY: forwarded caller contract.
        let ksn = try_ffi!(unsafe { input(ksn, ksn_len) });
        let ksn = try_ffi!(core(TdesKsn::from_bytes(ksn)));
        let key = try_ffi!(core(tdes::derive_ipek(bdk, &ksn)));
        // SAFETY: `out` checked non-NULL above.
        unsafe { key_out(key, out) }
    })
}

/// AES DUKPT: the initial key (usage `B1`, mode `X`, type of the BDK) of the
/// device with the 8-byte `initial_key_id` (X9.24-3-2017 §6.3.3).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `bdk` must be a live handle; `initial_key_id` valid for `id_len` bytes;
/// `out` for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_dukpt_derive_initial_key(
    bdk: *const paycore_key,
    initial_key_id: *const u8,
    id_len: usize,
    out: *mut *mut paycore_key,
) -> paycore_result {
    ffi_boundary!({
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: forwarded caller contract.
        let bdk = try_ffi!(unsafe { key_ref(bdk) });
        // SAFETY: forwarded caller contract.
        let id = try_ffi!(unsafe { input(initial_key_id, id_len) });
        let id: [u8; 8] = try_ffi!(id.try_into().map_err(|_| paycore_result::InvalidArgument));
        let key = try_ffi!(core(aes::derive_initial_key(bdk, &id)));
        // SAFETY: `out` checked non-NULL above.
        unsafe { key_out(key, out) }
    })
}

/// AES DUKPT host side of "Update Initial Key" (X9.24-3-2017 §B.6.3):
/// enciphers `new_initial_key` (AES `B1`) under the KEK working key of the
/// originator's current 12-byte `ksn`. Output 16 or 32 bytes (enciphered,
/// not secret). This transport is unauthenticated; prefer TR-31.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `bdk`, `new_initial_key` live handles; `ksn` valid for `ksn_len` bytes;
/// `out` for `out_cap` writable bytes; `out_len` for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_dukpt_wrap_initial_key_update(
    bdk: *const paycore_key,
    ksn: *const u8,
    ksn_len: usize,
    new_initial_key: *const paycore_key,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        // SAFETY: forwarded caller contract.
        let bdk = try_ffi!(unsafe { key_ref(bdk) });
        // SAFETY: forwarded caller contract.
        let new_key = try_ffi!(unsafe { key_ref(new_initial_key) });
        // SAFETY: forwarded caller contract.
        let ksn = try_ffi!(unsafe { input(ksn, ksn_len) });
        let ksn = try_ffi!(core(AesKsn::from_bytes(ksn)));
        let mut buf = [0u8; 32];
        let n = try_ffi!(core(aes::wrap_initial_key_update(
            bdk, &ksn, new_key, &mut buf
        )));
        match buf.get(..n) {
            Some(data) => out.write(data),
            None => paycore_result::Internal,
        }
    })
}

// The handle is boxed whole, so the variant size difference costs nothing.
#[allow(clippy::large_enum_variant)]
enum Flavour {
    Tdes(tdes::Originator),
    Aes(aes::Originator),
}

/// A DUKPT originator (terminal / PIN pad): TDES (21 future-key registers)
/// or AES (32 intermediate derivation key registers). Opaque; create with
/// `paycore_dukpt_originator_load_tdes` / `_load_aes` / `_restore`, destroy
/// with [`paycore_dukpt_originator_free`] (zeroizes the registers).
///
/// Not synchronised: calls on one originator must not run concurrently
/// (one terminal has one originator; serialise its transactions).
pub struct paycore_dukpt_originator {
    inner: Flavour,
}

impl core::fmt::Debug for paycore_dukpt_originator {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("paycore_dukpt_originator { .. }")
    }
}

/// One transaction's key (TDES transaction key / AES intermediate
/// derivation key) with its KSN; working keys derive from it with
/// [`paycore_dukpt_tx_working_key`]. Free with [`paycore_dukpt_tx_free`]
/// (zeroizes).
pub struct paycore_dukpt_tx {
    inner: TxKey,
}

enum TxKey {
    Tdes(tdes::TransactionKey),
    Aes(aes::TransactionKey),
}

impl core::fmt::Debug for paycore_dukpt_tx {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("paycore_dukpt_tx { .. }")
    }
}

/// # Safety
/// `out` non-NULL and valid for a pointer write.
unsafe fn originator_out(
    inner: Flavour,
    out: *mut *mut paycore_dukpt_originator,
) -> paycore_result {
    // SAFETY: forwarded caller contract.
    unsafe { box_handle(paycore_dukpt_originator { inner }, out) }
}

/// TDES DUKPT "Load Initial Key" (X9.24-1:2009 §A.2): fills the 21 future
/// key registers from the IPEK (`B1`, TDES2) and the 10-byte initial KSN,
/// sets the counter to 1 and persists the state through `persist` (see the
/// module contract) before returning the originator.
///
/// `device_key` seals the state (under an HKDF sub-key of it, never
/// usable through `paycore_aead_*`): an AES key of usage `D0` whose mode
/// permits encryption and decryption (`B`). If the initial key is
/// non-exportable (`N`), the device key must be `N` too
/// (`PAYCORE_RESULT_KEY_USAGE` otherwise, nothing persisted): whoever could
/// export it could read and re-seal the registers. Give the device key the
/// same attributes for its whole life.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// Key handles live; `initial_ksn` valid for `ksn_len` bytes; `persist` a
/// valid callback (or NULL → error) called with `ctx`; `out` valid for a
/// pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_dukpt_originator_load_tdes(
    ipek: *const paycore_key,
    initial_ksn: *const u8,
    ksn_len: usize,
    device_key: *const paycore_key,
    persist: paycore_dukpt_persist_fn,
    ctx: *mut c_void,
    out: *mut *mut paycore_dukpt_originator,
) -> paycore_result {
    ffi_boundary!({
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: forwarded caller contract.
        let ipek = try_ffi!(unsafe { key_ref(ipek) });
        // SAFETY: forwarded caller contract.
        let device_key = try_ffi!(unsafe { key_ref(device_key) });
        // SAFETY: forwarded caller contract.
        let ksn = try_ffi!(unsafe { input(initial_ksn, ksn_len) });
        let ksn = try_ffi!(core(TdesKsn::from_bytes(ksn)));
        let mut store = try_ffi!(CallbackStore::new(persist, ctx));
        let o = match tdes::Originator::load_initial_key(
            ipek,
            &ksn,
            device_key,
            &mut CallerRng::new(),
            &mut store,
        ) {
            Ok(o) => o,
            Err(e) => return store.map(e),
        };
        // SAFETY: `out` checked non-NULL above.
        unsafe { originator_out(Flavour::Tdes(o), out) }
    })
}

/// AES DUKPT "Load Initial Key" (X9.24-3-2017 §B.6.3): fills the 32
/// registers from the initial key (`B1`, AES) and its 8-byte initial key
/// ID, sets the counter to 1 and persists the state (see
/// [`paycore_dukpt_originator_load_tdes`] for `device_key` and `persist`).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_dukpt_originator_load_tdes`]; `initial_key_id` valid for
/// `id_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_dukpt_originator_load_aes(
    initial_key: *const paycore_key,
    initial_key_id: *const u8,
    id_len: usize,
    device_key: *const paycore_key,
    persist: paycore_dukpt_persist_fn,
    ctx: *mut c_void,
    out: *mut *mut paycore_dukpt_originator,
) -> paycore_result {
    ffi_boundary!({
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: forwarded caller contract.
        let ik = try_ffi!(unsafe { key_ref(initial_key) });
        // SAFETY: forwarded caller contract.
        let device_key = try_ffi!(unsafe { key_ref(device_key) });
        // SAFETY: forwarded caller contract.
        let id = try_ffi!(unsafe { input(initial_key_id, id_len) });
        let id: [u8; 8] = try_ffi!(id.try_into().map_err(|_| paycore_result::InvalidArgument));
        let mut store = try_ffi!(CallbackStore::new(persist, ctx));
        let o = match aes::Originator::load_initial_key(
            ik,
            id,
            device_key,
            &mut CallerRng::new(),
            &mut store,
        ) {
            Ok(o) => o,
            Err(e) => return store.map(e),
        };
        // SAFETY: `out` checked non-NULL above.
        unsafe { originator_out(Flavour::Aes(o), out) }
    })
}

/// Restores an originator from the last blob its `persist` callback stored
/// (the flavour follows from the blob length,
/// `PAYCORE_DUKPT_TDES_STATE_LEN` or `PAYCORE_DUKPT_AES_STATE_LEN`).
/// `PAYCORE_RESULT_VERIFICATION_FAILED` if the blob was altered or sealed
/// under another device key; `PAYCORE_RESULT_MALFORMED` for a bad blob or
/// an older blob version (state blobs are version 3; earlier versions are
/// refused, load the initial key again); `PAYCORE_RESULT_KEY_USAGE` if the
/// blob descends from a non-exportable initial key and `device_key` is not
/// itself non-exportable.
///
/// Rollback: `min_counter` is the next counter the caller recorded in
/// monotonic secure storage (0 when it keeps none, or after loading or
/// updating the initial key). A blob whose next counter is below it
/// (storage rolled back to a state whose counters may already have been
/// used) is refused with `PAYCORE_RESULT_STATE_ROLLED_BACK`. An exhausted
/// blob (counter 0) is never a rollback. The counter is per initial key:
/// after an AES "Update Initial Key" also compare the restored KSN's
/// initial key ID with the one recorded.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `device_key` a live handle; `blob` valid for `blob_len` bytes; `out`
/// for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_dukpt_originator_restore(
    device_key: *const paycore_key,
    blob: *const u8,
    blob_len: usize,
    min_counter: u32,
    out: *mut *mut paycore_dukpt_originator,
) -> paycore_result {
    ffi_boundary!({
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: forwarded caller contract.
        let device_key = try_ffi!(unsafe { key_ref(device_key) });
        // SAFETY: forwarded caller contract.
        let blob = try_ffi!(unsafe { input(blob, blob_len) });
        let inner = if blob.len() == AES_STATE_LEN {
            Flavour::Aes(try_ffi!(core(aes::Originator::restore(
                device_key,
                blob,
                min_counter
            ))))
        } else {
            Flavour::Tdes(try_ffi!(core(tdes::Originator::restore(
                device_key,
                blob,
                min_counter
            ))))
        };
        // SAFETY: `out` checked non-NULL above.
        unsafe { originator_out(inner, out) }
    })
}

/// Destroys an originator, zeroizing its registers. NULL is accepted.
///
/// # Safety
/// `originator` must be NULL or a live handle not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_dukpt_originator_free(originator: *mut paycore_dukpt_originator) {
    let _ = ffi_boundary!({
        // SAFETY: NULL or a live handle of this type, not yet freed (the
        // caller's contract); dropping it zeroizes its secrets.
        unsafe { free_handle(originator) };
        paycore_result::Ok
    });
}

/// Writes the originator's flavour (`PAYCORE_DUKPT_FLAVOUR_*`) to `*out`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `originator` a live handle; `out` valid for a `uint32_t` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_dukpt_originator_flavour(
    originator: *const paycore_dukpt_originator,
    out: *mut u32,
) -> paycore_result {
    ffi_boundary!({
        if originator.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: non-NULL live handle per the caller's contract.
        let o = &try_ffi!(unsafe { handle_ref(originator) }).inner;
        let code = match o {
            Flavour::Tdes(_) => PAYCORE_DUKPT_FLAVOUR_TDES,
            Flavour::Aes(_) => PAYCORE_DUKPT_FLAVOUR_AES,
        };
        // SAFETY: forwarded caller contract.
        try_ffi!(unsafe { put(out, code) });
        paycore_result::Ok
    })
}

/// Writes the KSN the next transaction will use (counter 0 once exhausted):
/// 10 bytes (TDES) or 12 (AES).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `originator` a live handle; `out` valid for `out_cap` writable bytes;
/// `out_len` for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_dukpt_originator_ksn(
    originator: *const paycore_dukpt_originator,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        if originator.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        // SAFETY: non-NULL live handle per the caller's contract.
        match &try_ffi!(unsafe { handle_ref(originator) }).inner {
            Flavour::Tdes(o) => out.write(o.ksn().as_bytes()),
            Flavour::Aes(o) => out.write(o.ksn().as_bytes()),
        }
    })
}

/// "Generate Working Keys" + "Update State for next Transaction": consumes
/// the current counter, erases its register, persists the advanced state
/// through `persist` and only if that returned 0 releases the transaction
/// key as a new handle in `*tx_out` and writes its KSN to `ksn_out`.
///
/// The KSN buffer is checked (size 10 TDES / 12 AES) before any counter is
/// consumed. If `persist` refuses, the result is
/// `PAYCORE_RESULT_STATE_NOT_PERSISTED`, nothing is released and that counter is
/// skipped for good (call again for the next one).
/// `PAYCORE_RESULT_COUNTER_EXHAUSTED` when no counter is left.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `originator`, `device_key` live handles; `persist` a valid callback
/// called with `ctx`; `ksn_out` valid for `ksn_cap` writable bytes;
/// `ksn_len`, `tx_out` valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_dukpt_originator_next(
    originator: *mut paycore_dukpt_originator,
    device_key: *const paycore_key,
    persist: paycore_dukpt_persist_fn,
    ctx: *mut c_void,
    ksn_out: *mut u8,
    ksn_cap: usize,
    ksn_len: *mut usize,
    tx_out: *mut *mut paycore_dukpt_tx,
) -> paycore_result {
    ffi_boundary!({
        if originator.is_null() || tx_out.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(ksn_out, ksn_cap, ksn_len) });
        // SAFETY: forwarded caller contract.
        let device_key = try_ffi!(unsafe { key_ref(device_key) });
        let mut store = try_ffi!(CallbackStore::new(persist, ctx));
        // SAFETY: non-NULL live handle, exclusively borrowed for the call.
        let o = &mut try_ffi!(unsafe { handle_mut(originator) }).inner;
        let need = match o {
            Flavour::Tdes(_) => PAYCORE_DUKPT_TDES_KSN_LEN,
            Flavour::Aes(_) => PAYCORE_DUKPT_AES_KSN_LEN,
        };
        if ksn_cap < need {
            // Reports the size needed; writes nothing.
            return out.write(&[0u8; PAYCORE_DUKPT_AES_KSN_LEN][..need]);
        }
        let tx = match o {
            Flavour::Tdes(o) => o
                .next_transaction(device_key, &mut CallerRng::new(), &mut store)
                .map(TxKey::Tdes),
            Flavour::Aes(o) => o
                .next_transaction(device_key, &mut CallerRng::new(), &mut store)
                .map(TxKey::Aes),
        };
        let tx = match tx {
            Ok(tx) => tx,
            Err(e) => return store.map(e),
        };
        let rc = match &tx {
            TxKey::Tdes(t) => out.write(t.ksn().as_bytes()),
            TxKey::Aes(t) => out.write(t.ksn().as_bytes()),
        };
        if rc != paycore_result::Ok {
            return rc;
        }
        // SAFETY: `tx_out` checked non-NULL above.
        unsafe { box_handle(paycore_dukpt_tx { inner: tx }, tx_out) }
    })
}

/// AES DUKPT "Update Initial Key" (X9.24-3-2017 §B.6.3) at the originator:
/// deciphers `encrypted` (from [`paycore_dukpt_wrap_initial_key_update`])
/// under the KEK of the current counter, loads it as the new initial key
/// (type `new_key_type`, an AES `PAYCORE_DUKPT_KEY_TYPE_*`) with the 8-byte
/// `new_initial_key_id`, and persists the new state. `PAYCORE_RESULT_UNSUPPORTED`
/// for a TDES originator; `PAYCORE_RESULT_STATE_NOT_PERSISTED` for a refused
/// persist.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// Handles live; `encrypted` valid for `encrypted_len` bytes,
/// `new_initial_key_id` for `id_len`; `persist` a valid callback.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_dukpt_originator_update_initial_key(
    originator: *mut paycore_dukpt_originator,
    encrypted: *const u8,
    encrypted_len: usize,
    new_key_type: u32,
    new_initial_key_id: *const u8,
    id_len: usize,
    device_key: *const paycore_key,
    persist: paycore_dukpt_persist_fn,
    ctx: *mut c_void,
) -> paycore_result {
    ffi_boundary!({
        if originator.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: forwarded caller contract.
        let device_key = try_ffi!(unsafe { key_ref(device_key) });
        // SAFETY: forwarded caller contract.
        let encrypted = try_ffi!(unsafe { input(encrypted, encrypted_len) });
        // SAFETY: forwarded caller contract.
        let id = try_ffi!(unsafe { input(new_initial_key_id, id_len) });
        let id: [u8; 8] = try_ffi!(id.try_into().map_err(|_| paycore_result::InvalidArgument));
        let key_type = try_ffi!(key_type_from_code(new_key_type));
        let mut store = try_ffi!(CallbackStore::new(persist, ctx));
        // SAFETY: non-NULL live handle, exclusively borrowed for the call.
        let Flavour::Aes(o) = &mut try_ffi!(unsafe { handle_mut(originator) }).inner else {
            return paycore_result::Unsupported;
        };
        match o.update_initial_key(
            encrypted,
            key_type,
            id,
            device_key,
            &mut CallerRng::new(),
            &mut store,
        ) {
            Ok(()) => paycore_result::Ok,
            Err(e) => store.map(e),
        }
    })
}

/// The working key of `usage` and `key_type` from a transaction key, with
/// the attributes of its holder (originator: the PIN key encrypts, the
/// MAC-generate key generates, ...). TDES DUKPT has only
/// `PAYCORE_DUKPT_KEY_TYPE_TDES2` and no KEK / key-derivation usages.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `tx` a live handle; `out` valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_dukpt_tx_working_key(
    tx: *const paycore_dukpt_tx,
    usage: u32,
    key_type: u32,
    out: *mut *mut paycore_key,
) -> paycore_result {
    ffi_boundary!({
        if tx.is_null() || out.is_null() {
            return paycore_result::NullParameter;
        }
        let usage = try_ffi!(usage_from_code(usage));
        let key_type = try_ffi!(key_type_from_code(key_type));
        // SAFETY: non-NULL live handle per the caller's contract.
        let key: Result<Key, Error> = match &try_ffi!(unsafe { handle_ref(tx) }).inner {
            TxKey::Tdes(t) => {
                if key_type == WorkingKeyType::Tdes2 {
                    t.working_key(usage)
                } else {
                    Err(paycore::error::DukptError::KeyTypeTooStrong.into())
                }
            }
            TxKey::Aes(t) => t.working_key(usage, key_type),
        };
        let key = try_ffi!(core(key));
        // SAFETY: `out` checked non-NULL above.
        unsafe { key_out(key, out) }
    })
}

/// Host side: the transaction key for `ksn` from the BDK (10-byte KSN: TDES
/// DUKPT, 12-byte: AES DUKPT) as a handle, to derive several working keys of
/// one transaction with [`paycore_dukpt_tx_working_key`] (host-side
/// attributes). Counter zero is refused (`PAYCORE_RESULT_MALFORMED`).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `bdk` a live handle; `ksn` valid for `ksn_len` bytes; `out` for a
/// pointer write. Free the result with [`paycore_dukpt_tx_free`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_dukpt_host_transaction(
    bdk: *const paycore_key,
    ksn: *const u8,
    ksn_len: usize,
    out: *mut *mut paycore_dukpt_tx,
) -> paycore_result {
    ffi_boundary!({
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: forwarded caller contract.
        let bdk = try_ffi!(unsafe { key_ref(bdk) });
        // SAFETY: forwarded caller contract.
        let ksn = try_ffi!(unsafe { input(ksn, ksn_len) });
        let tx = try_ffi!(core(match dukpt::Ksn::parse(ksn) {
            Ok(dukpt::Ksn::Tdes(ksn)) =>
                tdes::derive_transaction_key_from_bdk(bdk, &ksn).map(TxKey::Tdes),
            Ok(dukpt::Ksn::Aes(ksn)) =>
                aes::derive_transaction_key_from_bdk(bdk, &ksn).map(TxKey::Aes),
            Ok(_) => Err(Error::invalid_argument("ksn")),
            Err(e) => Err(e),
        }));
        // SAFETY: `out` checked non-NULL above.
        unsafe { box_handle(paycore_dukpt_tx { inner: tx }, out) }
    })
}

/// Writes the transaction's KSN (10 or 12 bytes).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `tx` a live handle; `out` valid for `out_cap` writable bytes; `out_len`
/// for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_dukpt_tx_ksn(
    tx: *const paycore_dukpt_tx,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        if tx.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        // SAFETY: non-NULL live handle per the caller's contract.
        match &try_ffi!(unsafe { handle_ref(tx) }).inner {
            TxKey::Tdes(t) => out.write(t.ksn().as_bytes()),
            TxKey::Aes(t) => out.write(t.ksn().as_bytes()),
        }
    })
}

/// Destroys a transaction key handle, zeroizing it. NULL is accepted.
///
/// # Safety
/// `tx` must be NULL or a live handle not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_dukpt_tx_free(tx: *mut paycore_dukpt_tx) {
    let _ = ffi_boundary!({
        // SAFETY: NULL or a live handle of this type, not yet freed (the
        // caller's contract); dropping it zeroizes its secrets.
        unsafe { free_handle(tx) };
        paycore_result::Ok
    });
}
