//! EMV application cryptography (EMV 4.4 Book 2 §8, §9, Annex A1): ICC
//! master key and session key derivation, ARQC/TC/AAC generation and
//! verification, ARPC methods 1 and 2, issuer-script MAC and encipherment,
//! CDOL1 data, and the one-call host check [`paycore_emv_verify_arqc`].
//!
//! Keys are `paycore_key` handles with TR-31 usages `E0`-`E6`: derivation
//! needs a mode permitting derivation (`X` or `N`), cryptograms and ARPCs
//! an `E0` key, script MACs `E2`, script encipherment `E1`; otherwise
//! `PAYCORE_RESULT_KEY_USAGE`. Derived keys are new handles (free them with
//! `paycore_key_free`) with the parent's usage and exportability. PANs are
//! ASCII digits; a PSN is 0-99 and 0 when the card has none (EMV uses
//! `00` then). Every verification is constant-time and fails with
//! `PAYCORE_RESULT_VERIFICATION_FAILED`.

use paycore::emv::{self, Cvn, MasterKeyOption, ScriptEncipherment, Transaction};
use paycore::mac::Padding;
use paycore::pin::Pin;

use crate::io::{Out, input};
use crate::keys::{key_out, key_ref, paycore_key};
use crate::result::paycore_result;
use crate::{ffi_boundary, try_ffi};

/// ICC master key derivation option A (EMV Book 2 A1.4.1).
pub const PAYCORE_EMV_OPTION_A: u32 = 1;
/// ICC master key derivation option B (EMV Book 2 A1.4.2; option A for PANs of 16 digits or fewer).
pub const PAYCORE_EMV_OPTION_B: u32 = 2;

/// Visa CVN 10.
pub const PAYCORE_EMV_CVN_VISA_10: u32 = 10;
/// Visa CVN 18.
pub const PAYCORE_EMV_CVN_VISA_18: u32 = 18;
/// Visa CVN 22.
pub const PAYCORE_EMV_CVN_VISA_22: u32 = 22;
/// Mastercard CVN 16 (M/Chip session key from ATC and UN).
pub const PAYCORE_EMV_CVN_MASTERCARD_16: u32 = 116;
/// Mastercard CVN 17.
pub const PAYCORE_EMV_CVN_MASTERCARD_17: u32 = 117;
/// Mastercard CVN 20 (common session key).
pub const PAYCORE_EMV_CVN_MASTERCARD_20: u32 = 120;
/// Mastercard CVN 21.
pub const PAYCORE_EMV_CVN_MASTERCARD_21: u32 = 121;

/// Script encipherment: padding method 2, TDES CBC, zero IV.
pub const PAYCORE_EMV_SCRIPT_EMV: u32 = 1;
/// Script encipherment: padding method 2 only if not block-aligned, TDES CBC, zero IV.
pub const PAYCORE_EMV_SCRIPT_MASTERCARD: u32 = 2;
/// Script encipherment: length byte, data, padding method 2, TDES ECB.
pub const PAYCORE_EMV_SCRIPT_VISA: u32 = 3;

/// Length of an application cryptogram, bytes.
pub const PAYCORE_EMV_AC_LEN: usize = 8;
const _: () = assert!(PAYCORE_EMV_AC_LEN == emv::AC_LEN);

fn padding_from_code(code: u32) -> Result<Padding, paycore_result> {
    match code {
        1 => Ok(Padding::Method1),
        2 => Ok(Padding::Method2),
        _ => Err(paycore_result::InvalidArgument),
    }
}

fn cvn_from_code(code: u32) -> Result<Cvn, paycore_result> {
    Ok(match code {
        PAYCORE_EMV_CVN_VISA_10 => Cvn::Visa10,
        PAYCORE_EMV_CVN_VISA_18 => Cvn::Visa18,
        PAYCORE_EMV_CVN_VISA_22 => Cvn::Visa22,
        PAYCORE_EMV_CVN_MASTERCARD_16 => Cvn::Mastercard16,
        PAYCORE_EMV_CVN_MASTERCARD_17 => Cvn::Mastercard17,
        PAYCORE_EMV_CVN_MASTERCARD_20 => Cvn::Mastercard20,
        PAYCORE_EMV_CVN_MASTERCARD_21 => Cvn::Mastercard21,
        _ => return Err(paycore_result::InvalidArgument),
    })
}

fn psn_from(psn: u8) -> Option<u8> {
    (psn != 0).then_some(psn)
}

/// Derives the ICC master key from the issuer master key `imk` (EMV Book 2
/// A1.4; `option` one of `PAYCORE_EMV_OPTION_*`), written as a new handle
/// to `*out`.
///
/// # Errors
/// `NULL_PARAMETER`; `INVALID_ARGUMENT` (option, PSN above 99); `INVALID_PAN`;
/// `KEY_USAGE` (not `E0`-`E6`, or mode forbids derivation); `INVALID_KEY`
/// (not double-length TDES). `*out` is untouched on failure.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `imk` must be a live handle; `pan` valid for `pan_len` bytes; `out`
/// valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_emv_icc_master_key(
    imk: *const paycore_key,
    pan: *const u8,
    pan_len: usize,
    psn: u8,
    option: u32,
    out: *mut *mut paycore_key,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let imk = try_ffi!(unsafe { key_ref(imk) });
        // SAFETY: forwarded caller contract.
        let pan = try_ffi!(unsafe { input(pan, pan_len) });
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        let option = match option {
            PAYCORE_EMV_OPTION_A => MasterKeyOption::A,
            PAYCORE_EMV_OPTION_B => MasterKeyOption::B,
            _ => return paycore_result::InvalidArgument,
        };
        let mk = try_ffi!(
            emv::derive_icc_master_key(imk, pan, psn_from(psn), option)
                .map_err(paycore_result::from)
        );
        // SAFETY: `out` checked non-NULL above.
        unsafe { key_out(mk, out) }
    })
}

/// Derives the EMV common session key (EMV Book 2 A1.3.1) of the card
/// master key `mk` for the 8-byte diversification value `r` (for example
/// `ATC || 00…00`, `ATC || 00 00 || UN`, or the ARQC), as a new handle.
///
/// # Errors
/// `NULL_PARAMETER`; `INVALID_ARGUMENT` (`r_len` not 8); `KEY_USAGE`; `INVALID_KEY`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `mk` must be a live handle; `r` valid for `r_len` bytes; `out` valid
/// for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_emv_session_key(
    mk: *const paycore_key,
    r: *const u8,
    r_len: usize,
    out: *mut *mut paycore_key,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let mk = try_ffi!(unsafe { key_ref(mk) });
        // SAFETY: forwarded caller contract.
        let r = try_ffi!(unsafe { input(r, r_len) });
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        let sk = try_ffi!(emv::derive_session_key(mk, r).map_err(paycore_result::from));
        // SAFETY: `out` checked non-NULL above.
        unsafe { key_out(sk, out) }
    })
}

/// Derives the Visa secure-messaging session key of `mk` for the 2-byte
/// ATC `atc`, as a new handle.
///
/// # Errors
/// `NULL_PARAMETER`; `INVALID_ARGUMENT` (`atc_len` not 2); `KEY_USAGE`; `INVALID_KEY`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `mk` must be a live handle; `atc` valid for `atc_len` bytes; `out` valid
/// for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_emv_visa_sm_session_key(
    mk: *const paycore_key,
    atc: *const u8,
    atc_len: usize,
    out: *mut *mut paycore_key,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let mk = try_ffi!(unsafe { key_ref(mk) });
        // SAFETY: forwarded caller contract.
        let atc = try_ffi!(unsafe { input(atc, atc_len) });
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        let Ok(atc) = <[u8; 2]>::try_from(atc) else {
            return paycore_result::InvalidArgument;
        };
        let sk =
            try_ffi!(emv::visa_secure_messaging_session_key(mk, atc).map_err(paycore_result::from));
        // SAFETY: `out` checked non-NULL above.
        unsafe { key_out(sk, out) }
    })
}

/// Generates an application cryptogram (ARQC, TC, AAC; 8 bytes) over
/// `data` under the `E0` key `key` (ISO/IEC 9797-1 algorithm 3 with
/// `padding` 1 or 2 for TDES, AES-CMAC with `padding` 2 for AES).
///
/// # Errors
/// `NULL_PARAMETER`; `INVALID_ARGUMENT`; `KEY_USAGE`; `INVALID_KEY`;
/// `BUFFER_TOO_SMALL` (`*out_len` = 8).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; `data` valid for `data_len` bytes; `out`
/// valid for `out_cap` writable bytes; `out_len` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_emv_ac_generate(
    key: *const paycore_key,
    data: *const u8,
    data_len: usize,
    padding: u32,
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
        let padding = try_ffi!(padding_from_code(padding));
        let ac = try_ffi!(emv::generate_ac(key, data, padding).map_err(paycore_result::from));
        out.write(ac.as_bytes())
    })
}

/// Verifies an application cryptogram (8 bytes) over `data` in constant time.
///
/// # Errors
/// `VERIFICATION_FAILED` on mismatch; `NULL_PARAMETER`; `INVALID_ARGUMENT`
/// (padding code, `ac_len` not 8); `KEY_USAGE`; `INVALID_KEY`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; `data` and `ac` valid for their lengths.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_emv_ac_verify(
    key: *const paycore_key,
    data: *const u8,
    data_len: usize,
    padding: u32,
    ac: *const u8,
    ac_len: usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { key_ref(key) });
        // SAFETY: forwarded caller contract.
        let data = try_ffi!(unsafe { input(data, data_len) });
        // SAFETY: forwarded caller contract.
        let ac = try_ffi!(unsafe { input(ac, ac_len) });
        let padding = try_ffi!(padding_from_code(padding));
        match emv::verify_ac(key, data, padding, ac) {
            Ok(()) => paycore_result::Ok,
            Err(e) => e.into(),
        }
    })
}

/// ARPC method 1 (EMV Book 2 §8.2.1): `TDES(key)[ARQC ⊕ (ARC || 00…00)]`,
/// 8 bytes, for the 8-byte `arqc` and 2-byte `arc`.
///
/// # Errors
/// `NULL_PARAMETER`; `INVALID_ARGUMENT` (lengths); `KEY_USAGE`;
/// `INVALID_KEY` (not 2TDEA); `BUFFER_TOO_SMALL` (`*out_len` = 8).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; inputs valid for their lengths; `out`
/// valid for `out_cap` writable bytes; `out_len` valid for a write.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_emv_arpc_method1(
    key: *const paycore_key,
    arqc: *const u8,
    arqc_len: usize,
    arc: *const u8,
    arc_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { key_ref(key) });
        // SAFETY: forwarded caller contract.
        let arqc = try_ffi!(unsafe { input(arqc, arqc_len) });
        // SAFETY: forwarded caller contract.
        let arc = try_ffi!(unsafe { input(arc, arc_len) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        let arpc = try_ffi!(emv::arpc_method1(key, arqc, arc).map_err(paycore_result::from));
        out.write(arpc.as_bytes())
    })
}

/// ARPC method 2 (EMV Book 2 §8.2.2): 4-byte MAC over `ARQC || CSU ||
/// proprietary` (CSU 4 bytes, proprietary data 0-8 bytes).
///
/// # Errors
/// `NULL_PARAMETER`; `INVALID_ARGUMENT` (lengths); `KEY_USAGE`;
/// `INVALID_KEY`; `BUFFER_TOO_SMALL` (`*out_len` = 4).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_emv_arpc_method1`].
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_emv_arpc_method2(
    key: *const paycore_key,
    arqc: *const u8,
    arqc_len: usize,
    csu: *const u8,
    csu_len: usize,
    proprietary: *const u8,
    proprietary_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { key_ref(key) });
        // SAFETY: forwarded caller contract.
        let arqc = try_ffi!(unsafe { input(arqc, arqc_len) });
        // SAFETY: forwarded caller contract.
        let csu = try_ffi!(unsafe { input(csu, csu_len) });
        // SAFETY: forwarded caller contract.
        let proprietary = try_ffi!(unsafe { input(proprietary, proprietary_len) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        let arpc =
            try_ffi!(emv::arpc_method2(key, arqc, csu, proprietary).map_err(paycore_result::from));
        out.write(arpc.as_bytes())
    })
}

/// The whole issuer-host check for `cvn` (`PAYCORE_EMV_CVN_*`): derives the
/// ICC master key and session key from the `E0` issuer master key `imk`,
/// verifies `arqc` over `data` in constant time and, if it matches, writes
/// the ARPC the CVN prescribes. `response` is the 2-byte ARC for CVNs
/// using ARPC method 1 (Visa 10, Mastercard 16/17/20/21), or the 4-byte CSU
/// followed by 0-8 bytes of proprietary authentication data for method 2
/// (Visa 18/22). `atc` is 2 bytes, `un` 4 bytes (used by Mastercard 16/17).
///
/// # Errors
/// `VERIFICATION_FAILED` if the ARQC does not match (nothing written);
/// `NULL_PARAMETER`; `INVALID_ARGUMENT` (CVN code, lengths, PSN);
/// `INVALID_PAN`; `KEY_USAGE` (not `E0`, or mode forbids derivation);
/// `INVALID_KEY`; `BUFFER_TOO_SMALL` (`*out_len` = ARPC length).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `imk` must be a live handle; every input valid for its length (`atc`
/// for 2 bytes, `un` for 4); `out` valid for `out_cap` writable bytes;
/// `out_len` valid for a write.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_emv_verify_arqc(
    imk: *const paycore_key,
    cvn: u32,
    pan: *const u8,
    pan_len: usize,
    psn: u8,
    atc: *const u8,
    un: *const u8,
    data: *const u8,
    data_len: usize,
    arqc: *const u8,
    arqc_len: usize,
    response: *const u8,
    response_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let imk = try_ffi!(unsafe { key_ref(imk) });
        // SAFETY: forwarded caller contract.
        let pan = try_ffi!(unsafe { input(pan, pan_len) });
        if atc.is_null() || un.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: non-NULL; the caller guarantees 2 readable bytes.
        let atc = try_ffi!(unsafe { input(atc, 2) });
        // SAFETY: non-NULL; the caller guarantees 4 readable bytes.
        let un = try_ffi!(unsafe { input(un, 4) });
        // SAFETY: forwarded caller contract.
        let data = try_ffi!(unsafe { input(data, data_len) });
        // SAFETY: forwarded caller contract.
        let arqc = try_ffi!(unsafe { input(arqc, arqc_len) });
        // SAFETY: forwarded caller contract.
        let response = try_ffi!(unsafe { input(response, response_len) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        let cvn = try_ffi!(cvn_from_code(cvn));
        let (Ok(atc), Ok(un)) = (<[u8; 2]>::try_from(atc), <[u8; 4]>::try_from(un)) else {
            return paycore_result::InvalidArgument;
        };
        let tx = Transaction {
            pan,
            psn: psn_from(psn),
            atc,
            unpredictable_number: un,
            data,
            arqc,
        };
        let verified = try_ffi!(emv::verify_arqc(imk, cvn, &tx).map_err(paycore_result::from));
        let arpc = match cvn.arpc_method() {
            emv::ArpcMethod::Method1 => verified.arpc_method1(response),
            _ => {
                let (csu, proprietary) = response.split_at(response.len().min(4));
                verified.arpc_method2(csu, proprietary)
            }
        };
        let arpc = try_ffi!(arpc.map_err(paycore_result::from));
        out.write(arpc.as_bytes())
    })
}

/// The MAC of an issuer script command (EMV Book 2 §9.2.3) under the `E2`
/// session key `key`, truncated to `mac_len` (4-8) bytes.
///
/// # Errors
/// `NULL_PARAMETER`; `INVALID_ARGUMENT` (`mac_len`); `KEY_USAGE`;
/// `INVALID_KEY`; `BUFFER_TOO_SMALL` (`*out_len` = `mac_len`).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; `data` valid for `data_len` bytes; `out`
/// valid for `out_cap` writable bytes; `out_len` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_emv_script_mac(
    key: *const paycore_key,
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
        let mac = try_ffi!(emv::script_mac(key, data, mac_len).map_err(paycore_result::from));
        out.write(mac.as_bytes())
    })
}

/// Enciphers issuer-script command data (for example a new PIN as an ISO
/// 9564-1 format 2 block) under the `E1` session key `key` with `method`
/// (`PAYCORE_EMV_SCRIPT_*`).
///
/// # Errors
/// `NULL_PARAMETER`; `INVALID_ARGUMENT` (method, empty or over-long data);
/// `KEY_USAGE`; `INVALID_KEY`; `BUFFER_TOO_SMALL` (`*out_len` = size needed).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; `data` valid for `data_len` bytes; `out`
/// valid for `out_cap` writable bytes; `out_len` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_emv_encipher_command_data(
    key: *const paycore_key,
    data: *const u8,
    data_len: usize,
    method: u32,
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
        let method = try_ffi!(script_method(method));
        let mut buf = [0u8; emv::script::MAX_ENCIPHERED_LEN];
        let n = try_ffi!(
            emv::encipher_command_data(key, data, method, &mut buf).map_err(paycore_result::from)
        );
        out.write(buf.get(..n).unwrap_or(&[]))
    })
}

fn script_method(code: u32) -> Result<ScriptEncipherment, paycore_result> {
    match code {
        PAYCORE_EMV_SCRIPT_EMV => Ok(ScriptEncipherment::Emv),
        PAYCORE_EMV_SCRIPT_MASTERCARD => Ok(ScriptEncipherment::Mastercard),
        PAYCORE_EMV_SCRIPT_VISA => Ok(ScriptEncipherment::Visa),
        _ => Err(paycore_result::InvalidArgument),
    }
}

/// The PIN-change command data: the new PIN (`pin`, 4-12 ASCII digits) as
/// an ISO 9564-1 format 2 block, enciphered under the `E1` session key
/// `key` with `method` (`PAYCORE_EMV_SCRIPT_*`; Mastercard and Visa CVN 22
/// PIN changes without the current PIN).
///
/// # Errors
/// `NULL_PARAMETER`; `INVALID_ARGUMENT` (method); `INVALID_PIN`;
/// `KEY_USAGE`; `INVALID_KEY`; `BUFFER_TOO_SMALL` (`*out_len` = size needed).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; `pin` valid for `pin_len` bytes; `out`
/// valid for `out_cap` writable bytes; `out_len` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_emv_encipher_pin_change(
    key: *const paycore_key,
    pin: *const u8,
    pin_len: usize,
    method: u32,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { key_ref(key) });
        // SAFETY: forwarded caller contract.
        let pin = try_ffi!(unsafe { input(pin, pin_len) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        let method = try_ffi!(script_method(method));
        let pin = try_ffi!(Pin::from_ascii(pin).map_err(paycore_result::from));
        let mut buf = [0u8; 32];
        let n = try_ffi!(
            emv::encipher_pin_change(key, &pin, method, &mut buf).map_err(paycore_result::from)
        );
        out.write(buf.get(..n).unwrap_or(&[]))
    })
}

/// The Visa PIN-change command data (VIS PIN block of the new PIN, folded
/// with the current PIN when `current_pin` is not `(NULL, 0)`, masked with
/// bytes 5-8 of the card's `E0` ICC master key `icc_mk_ac`), enciphered
/// under the `E1` session key `key` (Visa CVN 10/18/22).
///
/// # Errors
/// `NULL_PARAMETER`; `INVALID_PIN`; `KEY_USAGE` (`key` not `E1`,
/// `icc_mk_ac` not `E0`); `INVALID_KEY`; `BUFFER_TOO_SMALL`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` and `icc_mk_ac` must be live handles; the PINs valid for their
/// lengths; `out` valid for `out_cap` writable bytes; `out_len` valid for a write.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_emv_encipher_vis_pin_change(
    key: *const paycore_key,
    icc_mk_ac: *const paycore_key,
    pin: *const u8,
    pin_len: usize,
    current_pin: *const u8,
    current_pin_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { key_ref(key) });
        // SAFETY: forwarded caller contract.
        let icc_mk_ac = try_ffi!(unsafe { key_ref(icc_mk_ac) });
        // SAFETY: forwarded caller contract.
        let pin = try_ffi!(unsafe { input(pin, pin_len) });
        // SAFETY: forwarded caller contract.
        let current = try_ffi!(unsafe { input(current_pin, current_pin_len) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        let pin = try_ffi!(Pin::from_ascii(pin).map_err(paycore_result::from));
        let current = if current.is_empty() {
            None
        } else {
            Some(try_ffi!(
                Pin::from_ascii(current).map_err(paycore_result::from)
            ))
        };
        let mut buf = [0u8; 32];
        let n = try_ffi!(
            emv::encipher_vis_pin_change(key, icc_mk_ac, &pin, current.as_ref(), &mut buf)
                .map_err(paycore_result::from)
        );
        out.write(buf.get(..n).unwrap_or(&[]))
    })
}

/// The card side of ARPC method 1: checks the 8-byte `arpc` in constant time.
///
/// # Errors
/// `VERIFICATION_FAILED` on mismatch; as [`paycore_emv_arpc_method1`] with
/// a key whose mode permits verification.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; inputs valid for their lengths.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_emv_arpc_verify_method1(
    key: *const paycore_key,
    arqc: *const u8,
    arqc_len: usize,
    arc: *const u8,
    arc_len: usize,
    arpc: *const u8,
    arpc_len: usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { key_ref(key) });
        // SAFETY: forwarded caller contract.
        let arqc = try_ffi!(unsafe { input(arqc, arqc_len) });
        // SAFETY: forwarded caller contract.
        let arc = try_ffi!(unsafe { input(arc, arc_len) });
        // SAFETY: forwarded caller contract.
        let arpc = try_ffi!(unsafe { input(arpc, arpc_len) });
        match emv::verify_arpc_method1(key, arqc, arc, arpc) {
            Ok(()) => paycore_result::Ok,
            Err(e) => e.into(),
        }
    })
}

/// The card side of ARPC method 2: checks the 4-byte `arpc` in constant time.
///
/// # Errors
/// `VERIFICATION_FAILED` on mismatch; as [`paycore_emv_arpc_method2`] with
/// a key whose mode permits verification.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; inputs valid for their lengths.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_emv_arpc_verify_method2(
    key: *const paycore_key,
    arqc: *const u8,
    arqc_len: usize,
    csu: *const u8,
    csu_len: usize,
    proprietary: *const u8,
    proprietary_len: usize,
    arpc: *const u8,
    arpc_len: usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { key_ref(key) });
        // SAFETY: forwarded caller contract.
        let arqc = try_ffi!(unsafe { input(arqc, arqc_len) });
        // SAFETY: forwarded caller contract.
        let csu = try_ffi!(unsafe { input(csu, csu_len) });
        // SAFETY: forwarded caller contract.
        let proprietary = try_ffi!(unsafe { input(proprietary, proprietary_len) });
        // SAFETY: forwarded caller contract.
        let arpc = try_ffi!(unsafe { input(arpc, arpc_len) });
        match emv::verify_arpc_method2(key, arqc, csu, proprietary, arpc) {
            Ok(()) => paycore_result::Ok,
            Err(e) => e.into(),
        }
    })
}

/// Builds CDOL1 (or CDOL2) data: the values the DOL `cdol` asks for, taken
/// from the BER-TLV data objects in `tlv` (EMV Book 3 §5.4).
///
/// # Errors
/// `NULL_PARAMETER`; `MALFORMED` (DOL or TLV data); `BUFFER_TOO_SMALL`
/// (`*out_len` = the DOL's total length).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// Inputs valid for their lengths; `out` valid for `out_cap` writable
/// bytes; `out_len` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_emv_cdol_data(
    cdol: *const u8,
    cdol_len: usize,
    tlv: *const u8,
    tlv_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let cdol = try_ffi!(unsafe { input(cdol, cdol_len) });
        // SAFETY: forwarded caller contract.
        let tlv = try_ffi!(unsafe { input(tlv, tlv_len) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        let total = try_ffi!(
            paycore::card::dol::Dol::parse(cdol)
                .map(|d| d.total_len())
                .map_err(paycore_result::from)
        );
        #[cfg(feature = "std")]
        let mut buf = vec![0u8; total];
        // Bare metal: CDOL1 data fits a fixed stack buffer (EMV Book 3
        // §5.4: the DOL-related data of a GENERATE AC is under 256 bytes).
        #[cfg(not(feature = "std"))]
        let mut buf = [0u8; 256];
        #[cfg(not(feature = "std"))]
        if total > buf.len() {
            return paycore_result::LimitExceeded;
        }
        let n = try_ffi!(emv::cdol_data(cdol, tlv, &mut buf).map_err(paycore_result::from));
        out.write(buf.get(..n).unwrap_or(&[]))
    })
}
