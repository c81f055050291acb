//! Master/session key installation: working keys enciphered under a
//! terminal master key (TMK, usage `K0`), all or nothing.

use paycore::keys::kcv::KcvMethod;
use paycore::keys::mksk::{self, Cryptogram, MAX_WORKING_KEYS, WorkingKeyDelivery};
use paycore::keys::{Exportability, KeyAttributes, KeyUsage, KeyVersion, ModeOfUse};

use crate::io::{free_handle, input, input_array, new_handle, output_array, output_one};
use crate::keys::{
    PAYCORE_KCV_CMAC, PAYCORE_KCV_LEGACY, algorithm_from_code, key_ref, paycore_key,
};
use crate::result::paycore_result;
use crate::{ffi_boundary, try_ffi};

/// Delivery kind: the key enciphered in ECB mode under the TMK (ANSI X9.24-1
/// / ISO 11568-2 master/session); attributes come from the delivery struct.
pub const PAYCORE_MKSK_ECB: u32 = 1;
/// Delivery kind: a TR-31 / X9.143 key block protected by the TMK; the
/// attributes come from its authenticated header. Versions B, D and E;
/// the legacy versions A and C are refused (`PAYCORE_RESULT_UNSUPPORTED`).
pub const PAYCORE_MKSK_TR31: u32 = 2;
/// Most working keys one [`paycore_mksk_install`] call accepts.
pub const PAYCORE_MKSK_MAX_KEYS: usize = 8;
// A literal for cbindgen; checked against the core at compile time.
const _: () = assert!(PAYCORE_MKSK_MAX_KEYS == MAX_WORKING_KEYS);

/// One working key as delivered. For `PAYCORE_MKSK_TR31` only `kind`,
/// `cryptogram` (the block text), `kcv` and `kcv_method` are read.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct paycore_mksk_delivery {
    /// `PAYCORE_MKSK_ECB` or `PAYCORE_MKSK_TR31`.
    pub kind: u32,
    /// ECB: the working key's `PAYCORE_ALGORITHM_*`.
    pub algorithm: u32,
    /// ECB: two-character TR-31 usage (`"P0"`, `"M0"`..`"M8"`, `"D0"`).
    pub key_usage: [u8; 2],
    /// ECB: TR-31 mode of use character.
    pub mode_of_use: u8,
    /// ECB: two-character key version (`"00"` when unused).
    pub key_version: [u8; 2],
    /// ECB: exportability character (`'E'`, `'N'`, `'S'`).
    pub exportability: u8,
    /// ECB: the enciphered key bytes; TR-31: the key block characters.
    pub cryptogram: *const u8,
    /// Length of `cryptogram`.
    pub cryptogram_len: usize,
    /// The check value sent with the key.
    pub kcv: *const u8,
    /// Length of `kcv`.
    pub kcv_len: usize,
    /// `PAYCORE_KCV_LEGACY` or `PAYCORE_KCV_CMAC`.
    pub kcv_method: u32,
}

/// Converts one C delivery.
///
/// # Safety
/// The pointers in `d` must be valid for their lengths for `'a`.
unsafe fn delivery<'a>(
    d: &paycore_mksk_delivery,
) -> Result<WorkingKeyDelivery<'a>, paycore_result> {
    let kcv_method = match d.kcv_method {
        PAYCORE_KCV_LEGACY => KcvMethod::Legacy,
        PAYCORE_KCV_CMAC => KcvMethod::Cmac,
        _ => return Err(paycore_result::InvalidArgument),
    };
    // SAFETY: forwarded caller contract.
    let check_value = unsafe { input(d.kcv, d.kcv_len) }?;
    let cryptogram = match d.kind {
        PAYCORE_MKSK_ECB => {
            let algorithm = algorithm_from_code(d.algorithm)?;
            let err = |e: paycore::Error| paycore_result::from(e);
            let attributes = KeyAttributes::new(
                KeyUsage::from_code(d.key_usage).map_err(err)?,
                ModeOfUse::from_code(d.mode_of_use).map_err(err)?,
            )
            .with_version(KeyVersion::new(d.key_version).map_err(err)?)
            .with_exportability(Exportability::from_code(d.exportability).map_err(err)?);
            // SAFETY: forwarded caller contract.
            let enciphered = unsafe { input(d.cryptogram, d.cryptogram_len) }?;
            Cryptogram::Ecb {
                algorithm,
                attributes,
                enciphered,
            }
        }
        PAYCORE_MKSK_TR31 => {
            // SAFETY: forwarded caller contract.
            let block = unsafe { crate::tr31::text(d.cryptogram, d.cryptogram_len) }?;
            Cryptogram::Tr31(block)
        }
        _ => return Err(paycore_result::InvalidArgument),
    };
    Ok(WorkingKeyDelivery {
        cryptogram,
        check_value,
        kcv_method,
    })
}

/// Installs `count` working keys (1 to `PAYCORE_MKSK_MAX_KEYS`) delivered
/// under `tmk` (usage `K0`, mode permitting decryption), all or nothing:
/// each is deciphered, checked against its usage (`P0`, `M0`-`M8`, `D0`),
/// strength (not above the TMK) and check value
/// (`PAYCORE_RESULT_VERIFICATION_FAILED` on mismatch). Only if every key
/// passes are `count` new handles written to `keys_out[0..count]` (delivery
/// order) and `*keys_len` set to `count`. On any failure no handle is
/// created, every deciphered key is zeroized and `keys_out[0..keys_cap]`
/// is set to NULL. `keys_cap < count` gives `PAYCORE_RESULT_BUFFER_TOO_SMALL`
/// with `*keys_len = count`, before any work.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `tmk` a live handle; `deliveries` valid for `count` structs whose
/// pointers are valid for their lengths; `keys_out` for `keys_cap` pointer
/// writes; `keys_len` for a write. Free each returned handle with
/// `paycore_key_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_mksk_install(
    tmk: *const paycore_key,
    deliveries: *const paycore_mksk_delivery,
    count: usize,
    keys_out: *mut *mut paycore_key,
    keys_cap: usize,
    keys_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        if keys_out.is_null() || keys_len.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: non-NULL and valid for `keys_cap` writes per the contract.
        let slots = try_ffi!(unsafe { output_array(keys_out, keys_cap) });
        slots.fill(core::ptr::null_mut());
        // SAFETY: non-NULL and writable per the contract.
        let len = try_ffi!(unsafe { output_one(keys_len) });
        *len = 0;
        if count == 0 || count > MAX_WORKING_KEYS {
            return paycore_result::InvalidArgument;
        }
        if keys_cap < count {
            *len = count;
            return paycore_result::BufferTooSmall;
        }
        if deliveries.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: forwarded caller contract.
        let tmk = try_ffi!(unsafe { key_ref(tmk) });
        // SAFETY: non-NULL, `count` ≤ 8 structs readable per the contract.
        let raw = try_ffi!(unsafe { input_array(deliveries, count) });
        let Some(first) = raw.first() else {
            return paycore_result::Internal;
        };
        // SAFETY: forwarded caller contract.
        let mut converted = [try_ffi!(unsafe { delivery(first) }); MAX_WORKING_KEYS];
        for (slot, d) in converted.iter_mut().zip(raw) {
            // SAFETY: forwarded caller contract.
            *slot = try_ffi!(unsafe { delivery(d) });
        }
        let Some(converted) = converted.get(..count) else {
            return paycore_result::Internal;
        };
        let mut set = try_ffi!(mksk::install(tmk, converted).map_err(paycore_result::from));
        for index in 0..count {
            let made = set
                .take(index)
                .ok_or(paycore_result::Internal)
                .and_then(|key| new_handle(paycore_key { key }));
            match (made, slots.get_mut(index)) {
                (Ok(handle), Some(slot)) => *slot = handle,
                (made, _) => {
                    if let Ok(handle) = made {
                        // SAFETY: made just above, never shared.
                        unsafe { free_handle(handle) };
                    }
                    // Nothing half-made is returned: free what was made.
                    for slot in slots.iter_mut() {
                        // SAFETY: NULL or made above in this call, never
                        // shared.
                        unsafe { free_handle(*slot) };
                        *slot = core::ptr::null_mut();
                    }
                    return made.err().unwrap_or(paycore_result::Internal);
                }
            }
        }
        *len = count;
        paycore_result::Ok
    })
}
