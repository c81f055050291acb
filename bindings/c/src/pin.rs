//! ISO 9564-1 PIN blocks: encipher, decipher, translate.
//!
//! Formats are `PAYCORE_PIN_FORMAT_ISO0`..`ISO4`. PINs are ASCII digits
//! `(const uint8_t *, size_t)`; PANs are 1-19 ASCII digits (ISO 9564-1: a
//! PAN shorter than 12 digits is right-justified and zero-padded in the PAN
//! field), `(NULL, 0)` where the format takes none. Random fill comes from
//! the RNG registered with `paycore_set_rng` (else the OS; bare metal: none
//! gives `PAYCORE_RESULT_RANDOM_FAILURE`).

use paycore::pin::{
    self, ClearPinBlock, EncipheredPinBlock, Fill, Pin, PinBlockFormat, PinBlockPan,
};

use crate::io::{Out, input, input_str};
use crate::keys::{key_ref, paycore_key};
use crate::result::paycore_result;
use crate::rng::CallerRng;
use crate::{ffi_boundary, try_ffi};

/// ISO 9564-1 format 0 (8 bytes, TDES, PAN-bound).
pub const PAYCORE_PIN_FORMAT_ISO0: u32 = 0;
/// ISO 9564-1 format 1 (8 bytes, TDES, not PAN-bound).
pub const PAYCORE_PIN_FORMAT_ISO1: u32 = 1;
/// ISO 9564-1 format 2 (ICC offline PIN only; clear only).
pub const PAYCORE_PIN_FORMAT_ISO2: u32 = 2;
/// ISO 9564-1 format 3 (8 bytes, TDES, PAN-bound, random fill).
pub const PAYCORE_PIN_FORMAT_ISO3: u32 = 3;
/// ISO 9564-1 format 4 (16 bytes, AES, PAN-bound).
pub const PAYCORE_PIN_FORMAT_ISO4: u32 = 4;
/// Largest PIN block (format 4), in bytes.
pub const PAYCORE_PIN_BLOCK_MAX_LEN: usize = 16;
/// Largest PIN, in digits.
pub const PAYCORE_PIN_MAX_LEN: usize = 12;

fn format_from_code(code: u32) -> Result<PinBlockFormat, paycore_result> {
    u8::try_from(code)
        .ok()
        .and_then(|c| PinBlockFormat::from_code(c).ok())
        .ok_or(paycore_result::InvalidArgument)
}

fn pan_from(bytes: &[u8]) -> Result<Option<PinBlockPan>, paycore_result> {
    if bytes.is_empty() {
        return Ok(None);
    }
    PinBlockPan::from_ascii(bytes)
        .map(Some)
        .map_err(paycore_result::from)
}

/// Builds a clear block: explicit `fill` (ASCII hex nibbles) if given,
/// random from the registered RNG (`paycore_set_rng`, else the OS) otherwise.
fn clear_block(
    format: PinBlockFormat,
    pin: &Pin,
    pan: Option<&PinBlockPan>,
    fill: &str,
) -> Result<ClearPinBlock, paycore_result> {
    let result = if fill.is_empty() {
        ClearPinBlock::encode(format, pin, pan, &mut CallerRng::new())
    } else {
        Fill::from_hex(fill).and_then(|f| ClearPinBlock::encode_with_fill(format, pin, pan, &f))
    };
    result.map_err(paycore_result::from)
}

/// Encodes `pin` in `format` and enciphers it under `key` (usage `P0`,
/// TDES for formats 0/1/3, AES for 4). `fill` is `(NULL, 0)` for random fill
/// from the registered RNG (`paycore_set_rng`, else the OS), or ASCII hex nibbles to reproduce published vectors.
/// Writes 8 or 16 bytes.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `key` must be a live handle; every `(pointer, length)` pair valid for
/// reads; `out` valid for `out_cap` writable bytes; `out_len` for a write.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_pin_block_encipher(
    key: *const paycore_key,
    format: u32,
    pin: *const u8,
    pin_len: usize,
    pan: *const u8,
    pan_len: usize,
    fill: *const u8,
    fill_len: usize,
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
        let fill = try_ffi!(unsafe { input_str(fill, fill_len) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        let format = try_ffi!(format_from_code(format));
        let pin = try_ffi!(Pin::from_ascii(pin).map_err(paycore_result::from));
        let pan = try_ffi!(pan_from(pan));
        let clear = try_ffi!(clear_block(format, &pin, pan.as_ref(), fill));
        let block =
            try_ffi!(pin::encipher(key, &clear, pan.as_ref()).map_err(paycore_result::from));
        out.write(block.as_bytes())
    })
}

/// Deciphers and strictly decodes a PIN block; writes the PIN's ASCII
/// digits (4-12 bytes, no NUL). On failure the output buffer is zeroed.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_pin_block_encipher`].
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_pin_block_decipher(
    key: *const paycore_key,
    format: u32,
    block: *const u8,
    block_len: usize,
    pan: *const u8,
    pan_len: usize,
    pin_out: *mut u8,
    pin_cap: usize,
    pin_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // Made first: a secret output is zeroed on every failure.
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new_secret(pin_out, pin_cap, pin_len) });
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { key_ref(key) });
        // SAFETY: forwarded caller contract.
        let block = try_ffi!(unsafe { input(block, block_len) });
        // SAFETY: forwarded caller contract.
        let pan = try_ffi!(unsafe { input(pan, pan_len) });
        let result = (|| {
            let format = format_from_code(format)?;
            let block = EncipheredPinBlock::from_bytes(block).map_err(paycore_result::from)?;
            let pan = pan_from(pan)?;
            pin::decipher_pin(key, format, &block, pan.as_ref()).map_err(paycore_result::from)
        })();
        match result {
            // EXPOSE: the caller asked for the clear PIN (e.g. offline PIN to the ICC).
            Ok(pin) => out.write_secret(pin.expose_secret().as_bytes()),
            Err(code) => {
                out.wipe();
                code
            }
        }
    })
}

/// Translates a PIN block from (`from_key`, `from_format`) to (`to_key`,
/// `to_format`) in one call; the clear PIN never leaves paycore. Forbidden
/// translations (PCI PIN 3-3: from a PAN-bound format to format 1, or to
/// format 2) give `PAYCORE_RESULT_UNSUPPORTED` before any key is used.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_pin_block_encipher`]; `to_key` must be a live handle.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_pin_block_translate(
    from_key: *const paycore_key,
    from_format: u32,
    block: *const u8,
    block_len: usize,
    to_key: *const paycore_key,
    to_format: u32,
    pan: *const u8,
    pan_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let from_key = try_ffi!(unsafe { key_ref(from_key) });
        // SAFETY: forwarded caller contract.
        let to_key = try_ffi!(unsafe { key_ref(to_key) });
        // SAFETY: forwarded caller contract.
        let block = try_ffi!(unsafe { input(block, block_len) });
        // SAFETY: forwarded caller contract.
        let pan = try_ffi!(unsafe { input(pan, pan_len) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
        let from_format = try_ffi!(format_from_code(from_format));
        let to_format = try_ffi!(format_from_code(to_format));
        let block = try_ffi!(EncipheredPinBlock::from_bytes(block).map_err(paycore_result::from));
        let pan = try_ffi!(pan_from(pan));
        let translated = try_ffi!(
            pin::translate(
                from_key,
                from_format,
                &block,
                to_key,
                to_format,
                pan.as_ref(),
                &mut CallerRng::new()
            )
            .map_err(paycore_result::from)
        );
        out.write(translated.as_bytes())
    })
}

/// Encodes a clear PIN block (secret: handle with care). For format 4 this
/// is the 16-byte PIN field; the PAN is bound at encipherment. `fill` as in
/// [`paycore_pin_block_encipher`]. On failure the output is zeroed.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_pin_block_encipher`].
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_pin_block_encode(
    format: u32,
    pin: *const u8,
    pin_len: usize,
    pan: *const u8,
    pan_len: usize,
    fill: *const u8,
    fill_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // Made first: a secret output is zeroed on every failure.
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new_secret(out, out_cap, out_len) });
        // SAFETY: forwarded caller contract.
        let pin = try_ffi!(unsafe { input(pin, pin_len) });
        // SAFETY: forwarded caller contract.
        let pan = try_ffi!(unsafe { input(pan, pan_len) });
        // SAFETY: forwarded caller contract.
        let fill = try_ffi!(unsafe { input_str(fill, fill_len) });
        let result = (|| {
            let format = format_from_code(format)?;
            let pin = Pin::from_ascii(pin).map_err(paycore_result::from)?;
            let pan = pan_from(pan)?;
            clear_block(format, &pin, pan.as_ref(), fill)
        })();
        match result {
            // EXPOSE: the caller asked for the clear block.
            Ok(clear) => out.write_secret(clear.expose_secret()),
            Err(code) => {
                out.wipe();
                code
            }
        }
    })
}

/// Strictly decodes a clear PIN block; writes the PIN's ASCII digits.
/// On failure the output is zeroed.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_pin_block_encipher`].
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_pin_block_decode(
    format: u32,
    block: *const u8,
    block_len: usize,
    pan: *const u8,
    pan_len: usize,
    pin_out: *mut u8,
    pin_cap: usize,
    pin_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // Made first: a secret output is zeroed on every failure.
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new_secret(pin_out, pin_cap, pin_len) });
        // SAFETY: forwarded caller contract.
        let block = try_ffi!(unsafe { input(block, block_len) });
        // SAFETY: forwarded caller contract.
        let pan = try_ffi!(unsafe { input(pan, pan_len) });
        let result = (|| {
            let format = format_from_code(format)?;
            let clear = ClearPinBlock::from_bytes(format, block).map_err(paycore_result::from)?;
            let pan = pan_from(pan)?;
            clear.decode(pan.as_ref()).map_err(paycore_result::from)
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
