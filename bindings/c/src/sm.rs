//! China UnionPay terminals and the Chinese national algorithms (国密):
//! SM3, SM2 signatures with a distinguishing ID, and the CUP
//! master/session scheme (working-key unwrap, sign-on field 62, the 16-byte
//! SM4 PIN block, the POS ECB / CBC / 9606 MACs, TDK track encryption).
//!
//! Keys are `paycore_key` handles with algorithm `PAYCORE_ALGORITHM_DES`
//! or `PAYCORE_ALGORITHM_SM4` (or TDES); SM2 keys travel as bytes (32-byte
//! secret scalar, 65-byte SEC1 public key). IDs are bytes; `(NULL, 0)`
//! selects the default `1234567812345678` (GM/T 0009-2012 §10).

use crate::rng::CallerRng;
use paycore::card::pan::Pan;
use paycore::cup::{self, CupRole, Field62, MacOutput, PanFill, SignOnLayout, Sm4PinPadding};
use paycore::keys::{KeyAttributes, KeyUsage, ModeOfUse};
use paycore::pin::Pin;
use paycore::sm::{self, DEFAULT_SM2_ID, Sm2SigningKey};

use crate::io::{Out, input};
use crate::keys::{algorithm_from_code, key_out, key_ref, paycore_key};
use crate::result::paycore_result;
use crate::{ffi_boundary, try_ffi};

/// SM3 digest length.
pub const PAYCORE_SM3_LEN: usize = 32;
/// SM2 secret scalar length.
pub const PAYCORE_SM2_SECRET_LEN: usize = 32;
/// SM2 uncompressed SEC1 public key length.
pub const PAYCORE_SM2_PUBLIC_LEN: usize = 65;
/// SM2 `r || s` signature length.
pub const PAYCORE_SM2_SIGNATURE_LEN: usize = 64;
/// POS ECB MAC output: ASCII of the first 8 hex characters (default).
pub const PAYCORE_CUP_MAC_OUTPUT_ASCII: u32 = 0;
/// POS ECB MAC output: first 8 bytes of the final block.
pub const PAYCORE_CUP_MAC_OUTPUT_BYTES: u32 = 1;
/// SM4 PIN block PAN fill method 1 (digits in bytes 10-15; default).
pub const PAYCORE_CUP_PAN_FILL_1: u32 = 1;
/// SM4 PIN block PAN fill method 2 (digits in bytes 2-7).
pub const PAYCORE_CUP_PAN_FILL_2: u32 = 2;
/// Field 62 installed by the terminal (PIK/TDK encrypt-only).
pub const PAYCORE_CUP_ROLE_TERMINAL: u32 = 0;
/// Field 62 installed by the host (PIK/TDK decrypt-only).
pub const PAYCORE_CUP_ROLE_HOST: u32 = 1;

fn err(e: paycore::Error) -> paycore_result {
    paycore_result::from(e)
}

fn id_or_default(id: &[u8]) -> &[u8] {
    if id.is_empty() { DEFAULT_SM2_ID } else { id }
}

/// SM3 of `data` (32 bytes).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `data` valid for `data_len` bytes; `out` for `out_cap` writable bytes;
/// `out_len` for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_sm3(
    data: *const u8,
    data_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let data = try_ffi!(unsafe { input(data, data_len) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        out.write(&sm::sm3(data))
    })
}

/// Generates an SM2 key: writes the 32-byte secret scalar to `secret_out`
/// and the 65-byte public key to `public_out`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// Each output valid for its capacity; the length pointers for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_sm2_generate(
    secret_out: *mut u8,
    secret_cap: usize,
    secret_len: *mut usize,
    public_out: *mut u8,
    public_cap: usize,
    public_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let secret_out = try_ffi!(unsafe { Out::new(secret_out, secret_cap, secret_len) });
        // SAFETY: forwarded caller contract.
        let public_out = try_ffi!(unsafe { Out::new(public_out, public_cap, public_len) });
        if secret_cap < PAYCORE_SM2_SECRET_LEN || public_cap < PAYCORE_SM2_PUBLIC_LEN {
            // Report through the output that is short; nothing is generated.
            let short = public_cap < PAYCORE_SM2_PUBLIC_LEN;
            return if short {
                public_out.write(&[0; PAYCORE_SM2_PUBLIC_LEN])
            } else {
                secret_out.write(&[0; PAYCORE_SM2_SECRET_LEN])
            };
        }
        let mut rng = CallerRng::new();
        let key = Sm2SigningKey::generate(&mut rng);
        if rng.failed() {
            return paycore_result::RandomFailure;
        }
        let code = public_out.write(&key.public_key());
        if code != paycore_result::Ok {
            return code;
        }
        // EXPOSE: generating a key for the caller means handing it over.
        secret_out.write_secret(key.dangerous_export_secret().expose_secret())
    })
}

/// The 65-byte public key of a 32-byte SM2 secret scalar.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_sm3`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_sm2_public_key(
    secret: *const u8,
    secret_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let secret = try_ffi!(unsafe { input(secret, secret_len) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        let key = try_ffi!(Sm2SigningKey::from_bytes(secret).map_err(err));
        out.write(&key.public_key())
    })
}

/// Signs `data` for the identity `id` (`(NULL, 0)`: the default ID) with a
/// 32-byte secret scalar: `r || s`, 64 bytes.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// Every `(pointer, length)` pair valid for reads; `out` for `out_cap`
/// writable bytes; `out_len` for a write.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_sm2_sign(
    secret: *const u8,
    secret_len: usize,
    id: *const u8,
    id_len: usize,
    data: *const u8,
    data_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let secret = try_ffi!(unsafe { input(secret, secret_len) });
        // SAFETY: forwarded caller contract.
        let id = try_ffi!(unsafe { input(id, id_len) });
        // SAFETY: forwarded caller contract.
        let data = try_ffi!(unsafe { input(data, data_len) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        let key = try_ffi!(Sm2SigningKey::from_bytes(secret).map_err(err));
        let mut rng = CallerRng::new();
        let sig = try_ffi!(key.sign(id_or_default(id), data, &mut rng).map_err(err));
        if rng.failed() {
            return paycore_result::RandomFailure;
        }
        out.write(&sig)
    })
}

/// Verifies an SM2 signature (`r || s` or DER) over `data` for the identity
/// `id` (`(NULL, 0)`: the default ID) and a SEC1 public key.
/// `PAYCORE_RESULT_VERIFICATION_FAILED` if it does not verify.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// Every `(pointer, length)` pair valid for reads.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_sm2_verify(
    public_key: *const u8,
    public_key_len: usize,
    id: *const u8,
    id_len: usize,
    data: *const u8,
    data_len: usize,
    signature: *const u8,
    signature_len: usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let public_key = try_ffi!(unsafe { input(public_key, public_key_len) });
        // SAFETY: forwarded caller contract.
        let id = try_ffi!(unsafe { input(id, id_len) });
        // SAFETY: forwarded caller contract.
        let data = try_ffi!(unsafe { input(data, data_len) });
        // SAFETY: forwarded caller contract.
        let signature = try_ffi!(unsafe { input(signature, signature_len) });
        match sm::sm2_verify(public_key, id_or_default(id), data, signature) {
            Ok(()) => paycore_result::Ok,
            Err(e) => err(e),
        }
    })
}

/// Deciphers one working key (`algorithm`: `PAYCORE_ALGORITHM_DES`, TDES or
/// `_SM4`) enciphered in ECB under `tmk` (usage `K0`) and creates a key
/// handle with TR-31 `usage` (2 bytes) and `mode_of_use`, only if
/// `check_value` (4 bytes, or 8 for SM4) matches.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `tmk` a live handle; every `(pointer, length)` pair valid for reads;
/// `usage` valid for 2 bytes; `out` for a pointer write.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_cup_unwrap(
    tmk: *const paycore_key,
    algorithm: u32,
    cryptogram: *const u8,
    cryptogram_len: usize,
    check_value: *const u8,
    check_value_len: usize,
    usage: *const u8,
    mode_of_use: u8,
    out: *mut *mut paycore_key,
) -> paycore_result {
    ffi_boundary!({
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: forwarded caller contract.
        let tmk = try_ffi!(unsafe { key_ref(tmk) });
        // SAFETY: forwarded caller contract.
        let cryptogram = try_ffi!(unsafe { input(cryptogram, cryptogram_len) });
        // SAFETY: forwarded caller contract.
        let check_value = try_ffi!(unsafe { input(check_value, check_value_len) });
        // SAFETY: forwarded caller contract (2 bytes).
        let usage = try_ffi!(unsafe { input(usage, if usage.is_null() { 0 } else { 2 }) });
        let [u0, u1] = usage else {
            return paycore_result::NullParameter;
        };
        let algorithm = try_ffi!(algorithm_from_code(algorithm));
        let usage = try_ffi!(KeyUsage::from_code([*u0, *u1]).map_err(err));
        let mode = try_ffi!(ModeOfUse::from_code(mode_of_use).map_err(err));
        let key = try_ffi!(
            cup::unwrap_working_key(
                tmk,
                algorithm,
                cryptogram,
                check_value,
                KeyAttributes::new(usage, mode)
            )
            .map_err(err)
        );
        // SAFETY: `out` checked non-NULL above.
        unsafe { key_out(key, out) }
    })
}

/// Parses sign-on field 62 (`layout` = the field 60.3 code 1, 3, 4, 5 or 6;
/// `kcv_len` 4, or 8 for SM4 layouts), deciphers every key under `tmk` and
/// verifies every check value; only then writes the PIK, MAK and (layouts 4
/// and 6) TDK handles. `role`: `PAYCORE_CUP_ROLE_TERMINAL` or `_HOST`.
/// `tdk_out` may be NULL for layouts without a TDK. On any error no handle
/// is written.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `tmk` a live handle; `field62` valid for `field62_len` bytes; the
/// non-NULL outputs valid for a pointer write.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_cup_field62_install(
    tmk: *const paycore_key,
    layout: u32,
    kcv_len: usize,
    role: u32,
    field62: *const u8,
    field62_len: usize,
    pik_out: *mut *mut paycore_key,
    mak_out: *mut *mut paycore_key,
    tdk_out: *mut *mut paycore_key,
) -> paycore_result {
    ffi_boundary!({
        if pik_out.is_null() || mak_out.is_null() {
            return paycore_result::NullParameter;
        }
        // SAFETY: forwarded caller contract.
        let tmk = try_ffi!(unsafe { key_ref(tmk) });
        // SAFETY: forwarded caller contract.
        let bytes = try_ffi!(unsafe { input(field62, field62_len) });
        let layout = try_ffi!(
            u16::try_from(layout)
                .map_err(|_| paycore_result::InvalidArgument)
                .and_then(|c| SignOnLayout::from_code(c).map_err(err))
        );
        if layout.has_tdk() && tdk_out.is_null() {
            return paycore_result::NullParameter;
        }
        let role = match role {
            PAYCORE_CUP_ROLE_TERMINAL => CupRole::Terminal,
            PAYCORE_CUP_ROLE_HOST => CupRole::Host,
            _ => return paycore_result::InvalidArgument,
        };
        let parsed = try_ffi!(Field62::parse(layout, kcv_len, bytes).map_err(err));
        let keys = try_ffi!(cup::install(tmk, &parsed, role).map_err(err));
        // SAFETY: outputs checked non-NULL above (TDK only when present).
        unsafe {
            let code = key_out(keys.pik, pik_out);
            if code != paycore_result::Ok {
                return code;
            }
            let code = key_out(keys.mak, mak_out);
            if code != paycore_result::Ok {
                return code;
            }
            match keys.tdk {
                Some(tdk) => key_out(tdk, tdk_out),
                None => paycore_result::Ok,
            }
        }
    })
}

/// The CUP "POS ECB" MAC (field 64, 8 bytes) of `data` under a MAK (usage
/// `M0`/`M1`; DES, TDES or SM4). `output`: `PAYCORE_CUP_MAC_OUTPUT_*`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_sm3`]; `key` a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_cup_pos_ecb_mac(
    key: *const paycore_key,
    output: u32,
    data: *const u8,
    data_len: usize,
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
        let output = match output {
            PAYCORE_CUP_MAC_OUTPUT_ASCII => MacOutput::Ascii,
            PAYCORE_CUP_MAC_OUTPUT_BYTES => MacOutput::Bytes,
            _ => return paycore_result::InvalidArgument,
        };
        let mac = try_ffi!(cup::pos_ecb_mac(key, data, output).map_err(err));
        out.write(mac.as_bytes())
    })
}

/// CBC-MAC with zero IV and zero padding (X9.9 for DES/TDES, 8 bytes; SM4
/// CBC-MAC, 16 bytes) under a MAK (`M0`/`M1`).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_cup_pos_ecb_mac`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_cup_cbc_mac(
    key: *const paycore_key,
    data: *const u8,
    data_len: usize,
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
        let mac = try_ffi!(cup::cbc_mac(key, data).map_err(err));
        out.write(mac.as_bytes())
    })
}

/// The "9606" MAC: XOR of all zero-padded blocks, enciphered once; one
/// block, under a MAK (`M0`/`M1`).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_cup_pos_ecb_mac`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_cup_xor_encrypt_mac(
    key: *const paycore_key,
    data: *const u8,
    data_len: usize,
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
        let mac = try_ffi!(cup::xor_encrypt_mac(key, data).map_err(err));
        out.write(mac.as_bytes())
    })
}

fn pan_fill(code: u32) -> Result<PanFill, paycore_result> {
    match code {
        PAYCORE_CUP_PAN_FILL_1 => Ok(PanFill::Fill1),
        PAYCORE_CUP_PAN_FILL_2 => Ok(PanFill::Fill2),
        _ => Err(paycore_result::InvalidArgument),
    }
}

fn pan_from(bytes: &[u8]) -> Result<Option<Pan>, paycore_result> {
    if bytes.is_empty() {
        return Ok(None);
    }
    Pan::from_ascii(bytes).map(Some).map_err(err)
}

/// Encodes `pin` (ASCII digits) in the 16-byte SM4 PIN block with `F`
/// padding and enciphers it under an SM4 PIN key (`P0`). `pan` `(NULL, 0)`
/// gives the no-PAN form; `pan_fill` is `PAYCORE_CUP_PAN_FILL_1` or `_2`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_cup_pos_ecb_mac`].
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_cup_sm4_pin_encipher(
    key: *const paycore_key,
    pin: *const u8,
    pin_len: usize,
    pan: *const u8,
    pan_len: usize,
    pan_fill_method: u32,
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
        let pan = try_ffi!(unsafe { input(pan, pan_len) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        let pin = try_ffi!(Pin::from_ascii(pin).map_err(err));
        let pan = try_ffi!(pan_from(pan));
        let fill = try_ffi!(pan_fill(pan_fill_method));
        let block = try_ffi!(
            cup::encipher_sm4_pin(
                key,
                &pin,
                pan.as_ref(),
                fill,
                Sm4PinPadding::F,
                &mut CallerRng::new()
            )
            .map_err(err)
        );
        out.write(&block)
    })
}

/// Deciphers and strictly decodes a 16-byte SM4 PIN block (`F` padding);
/// writes the PIN's ASCII digits. On failure the output buffer is zeroed.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_cup_pos_ecb_mac`].
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_cup_sm4_pin_decipher(
    key: *const paycore_key,
    block: *const u8,
    block_len: usize,
    pan: *const u8,
    pan_len: usize,
    pan_fill_method: u32,
    pin_out: *mut u8,
    pin_cap: usize,
    pin_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { key_ref(key) });
        // SAFETY: forwarded caller contract.
        let block = try_ffi!(unsafe { input(block, block_len) });
        // SAFETY: forwarded caller contract.
        let pan = try_ffi!(unsafe { input(pan, pan_len) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(pin_out, pin_cap, pin_len) });
        let result = (|| {
            let pan = pan_from(pan)?;
            let fill = pan_fill(pan_fill_method)?;
            cup::decipher_sm4_pin(key, block, pan.as_ref(), fill, Sm4PinPadding::F).map_err(err)
        })();
        match result {
            // EXPOSE: the caller asked for the clear PIN.
            Ok(pin) => out.write_secret(pin.expose_secret().as_bytes()),
            Err(code) => {
                out.wipe();
                code
            }
        }
    })
}

/// Encrypts track data (ASCII digits, `=` or `D`) with the CUP block rule
/// under a TDK (`D0`; TDES or SM4); writes the packed bytes.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_cup_pos_ecb_mac`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_cup_track_encrypt(
    key: *const paycore_key,
    track: *const u8,
    track_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { key_ref(key) });
        // SAFETY: forwarded caller contract.
        let track = try_ffi!(unsafe { input(track, track_len) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        let mut buf = [0u8; 52];
        let n = try_ffi!(cup::encrypt_track(key, track, &mut buf).map_err(err));
        out.write(buf.get(..n).unwrap_or(&[]))
    })
}

/// Decrypts packed track data of `digits` digits; writes ASCII (`=` as the
/// separator). On failure the output buffer is zeroed.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_cup_pos_ecb_mac`].
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_cup_track_decrypt(
    key: *const paycore_key,
    packed: *const u8,
    packed_len: usize,
    digits: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { key_ref(key) });
        // SAFETY: forwarded caller contract.
        let packed = try_ffi!(unsafe { input(packed, packed_len) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        let mut buf = [0u8; 104];
        let code = match cup::decrypt_track(key, packed, digits, &mut buf) {
            Ok(n) => out.write_secret(buf.get(..n).unwrap_or(&[])),
            Err(e) => {
                out.wipe();
                err(e)
            }
        };
        // Wipe the clear track (not optimised away: read back through black_box).
        buf.fill(0);
        core::hint::black_box(&buf);
        code
    })
}

/// The acquirer host's side of [`paycore_cup_unwrap`]: enciphers `key` in
/// ECB under `tmk` (usage `K0` permitting encryption; SM4 under SM4, DES
/// and TDES under TDES; the key must be exportable). Writes the cryptogram
/// (the key's length); its check value is [`paycore_key_kcv`](crate::paycore_key_kcv)
/// with `PAYCORE_KCV_CUP`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `tmk` and `key` live handles; `out` valid for `out_cap` writable bytes;
/// `out_len` for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_cup_wrap(
    tmk: *const paycore_key,
    key: *const paycore_key,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let tmk = try_ffi!(unsafe { key_ref(tmk) });
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { key_ref(key) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        let mut buf = [0u8; 32];
        let n = try_ffi!(cup::wrap_working_key(tmk, key, &mut buf).map_err(err));
        out.write(buf.get(..n).unwrap_or(&[]))
    })
}
