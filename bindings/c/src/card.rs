//! Card data: PAN (ISO/IEC 7812-1), Luhn and brand; shared helpers for
//! the TLV, track and QR bindings.

use std::ffi::c_char;

use paycore::card::pan::{self, Brand, Pan};

use crate::io::{Out, input, input_str, put};
use crate::result::paycore_result;
use crate::{ffi_boundary, try_ffi};

/// Card brands as returned by [`paycore_pan_inspect`].
pub const PAYCORE_BRAND_UNKNOWN: u32 = 0;
/// Visa.
pub const PAYCORE_BRAND_VISA: u32 = 1;
/// Mastercard.
pub const PAYCORE_BRAND_MASTERCARD: u32 = 2;
/// American Express.
pub const PAYCORE_BRAND_AMEX: u32 = 3;
/// Discover.
pub const PAYCORE_BRAND_DISCOVER: u32 = 4;
/// JCB.
pub const PAYCORE_BRAND_JCB: u32 = 5;
/// Diners Club.
pub const PAYCORE_BRAND_DINERS: u32 = 6;
/// Maestro.
pub const PAYCORE_BRAND_MAESTRO: u32 = 7;
/// China UnionPay.
pub const PAYCORE_BRAND_UNIONPAY: u32 = 8;
/// Mir.
pub const PAYCORE_BRAND_MIR: u32 = 9;
/// RuPay.
pub const PAYCORE_BRAND_RUPAY: u32 = 10;

/// Largest masked PAN, in bytes (19 characters; no NUL is written).
pub const PAYCORE_PAN_MAX_LEN: usize = 19;

fn brand_code(brand: Brand) -> u32 {
    match brand {
        Brand::Visa => PAYCORE_BRAND_VISA,
        Brand::Mastercard => PAYCORE_BRAND_MASTERCARD,
        Brand::Amex => PAYCORE_BRAND_AMEX,
        Brand::Discover => PAYCORE_BRAND_DISCOVER,
        Brand::Jcb => PAYCORE_BRAND_JCB,
        Brand::Diners => PAYCORE_BRAND_DINERS,
        Brand::Maestro => PAYCORE_BRAND_MAESTRO,
        Brand::UnionPay => PAYCORE_BRAND_UNIONPAY,
        Brand::Mir => PAYCORE_BRAND_MIR,
        Brand::RuPay => PAYCORE_BRAND_RUPAY,
        _ => PAYCORE_BRAND_UNKNOWN,
    }
}

/// Inspects a PAN (ASCII digits, 12-19): writes the PCI-masked form
/// (first 6 / last 4, no NUL) to `masked`, the Luhn result and the brand.
/// The Luhn digit is reported, not enforced.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `pan` must be valid for `pan_len` bytes; `masked` for `masked_cap`
/// writable bytes; `masked_len`, `luhn_valid` and `brand` must be valid for
/// writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_pan_inspect(
    pan: *const u8,
    pan_len: usize,
    luhn_valid: *mut bool,
    brand: *mut u32,
    masked: *mut u8,
    masked_cap: usize,
    masked_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let text = try_ffi!(unsafe { input_str(pan, pan_len) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(masked, masked_cap, masked_len) });
        // SAFETY: forwarded caller contract.
        unsafe { inspect_into(Pan::parse_lenient(text), out, luhn_valid, brand) }
    })
}

/// The common part of the PAN inspect functions: writes the masked form,
/// then the Luhn result and the brand, all only on success. NULL checks on
/// the flag outputs come before the parse result is looked at.
///
/// # Safety
/// `luhn_valid` and `brand` must be NULL or valid for writes.
unsafe fn inspect_into(
    parsed: Result<Pan, paycore::Error>,
    out: Out<'_>,
    luhn_valid: *mut bool,
    brand: *mut u32,
) -> paycore_result {
    if luhn_valid.is_null() || brand.is_null() {
        return paycore_result::NullParameter;
    }
    let parsed = try_ffi!(parsed.map_err(paycore_result::from));
    let rendered = masked_pan(&parsed);
    let result = out.write(rendered.buf.get(..rendered.len).unwrap_or(&[]));
    if result == paycore_result::Ok {
        // SAFETY: checked non-NULL above; caller guarantees writability.
        try_ffi!(unsafe { put(luhn_valid, parsed.luhn_valid()) });
        // SAFETY: as above.
        try_ffi!(unsafe { put(brand, brand_code(parsed.brand())) });
    }
    result
}

/// Inspects a PAN in compressed numeric form, the value of EMV tag 5A
/// (EMV Book 3 Annex A: BCD, right-padded with `F`): as
/// [`paycore_pan_inspect`] (masked form, Luhn result, brand).
///
/// # Errors
/// `PAYCORE_RESULT_NULL_PARAMETER`; `PAYCORE_RESULT_INVALID_PAN` for a
/// non-decimal nibble before the padding, a non-`F` nibble after it, or
/// not 12-19 digits; `PAYCORE_RESULT_BUFFER_TOO_SMALL` (with
/// `*masked_len` = size needed). Outputs are written only on success.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_pan_inspect`], with `bcd` valid for `bcd_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_pan_bcd_inspect(
    bcd: *const u8,
    bcd_len: usize,
    luhn_valid: *mut bool,
    brand: *mut u32,
    masked: *mut u8,
    masked_cap: usize,
    masked_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let bcd = try_ffi!(unsafe { input(bcd, bcd_len) });
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new(masked, masked_cap, masked_len) });
        // SAFETY: forwarded caller contract.
        unsafe { inspect_into(Pan::from_bcd(bcd), out, luhn_valid, brand) }
    })
}

/// Writes the clear PAN digits (ASCII, no NUL) of a tag 5A value (EMV
/// Book 3 Annex A, compressed numeric). **Sensitive**: the buffer is
/// zeroed on every failure.
///
/// # Errors
/// As [`paycore_pan_bcd_inspect`].
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `bcd` must be valid for `bcd_len` bytes; `out` for `out_cap` writable
/// bytes; `out_len` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_pan_bcd_expose(
    bcd: *const u8,
    bcd_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new_secret(out, out_cap, out_len) });
        // SAFETY: forwarded caller contract.
        let parsed = unsafe { input(bcd, bcd_len) }
            .and_then(|b| Pan::from_bcd(b).map_err(paycore_result::from));
        match parsed {
            // EXPOSE: the caller asked for the clear PAN, into its own buffer.
            Ok(p) => out.write_secret(p.expose_secret().as_bytes()),
            Err(e) => {
                out.wipe();
                e
            }
        }
    })
}

/// Checks the Luhn (mod 10) check digit of ASCII digits, the last being
/// the check digit (ISO/IEC 7812-1 Annex B).
///
/// # Errors
/// `PAYCORE_RESULT_NULL_PARAMETER`; `PAYCORE_RESULT_INVALID_PAN` for an
/// empty input or a non-digit. `*valid` is written only on success.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `digits` must be valid for `len` bytes; `valid` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_luhn_check(
    digits: *const u8,
    len: usize,
    valid: *mut bool,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let digits = try_ffi!(unsafe { input(digits, len) });
        if valid.is_null() {
            return paycore_result::NullParameter;
        }
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return paycore_result::InvalidPan;
        }
        // SAFETY: checked non-NULL; caller guarantees writability.
        try_ffi!(unsafe { put(valid, pan::luhn_valid(digits)) });
        paycore_result::Ok
    })
}

/// The Luhn check digit (ASCII `'0'`-`'9'`) to append to `digits` (ISO/IEC
/// 7812-1 Annex B).
///
/// # Errors
/// `PAYCORE_RESULT_NULL_PARAMETER`; `PAYCORE_RESULT_INVALID_PAN` for a
/// non-digit. `*check_digit` is written only on success.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `digits` must be valid for `len` bytes; `check_digit` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_luhn_check_digit(
    digits: *const u8,
    len: usize,
    check_digit: *mut u8,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let digits = try_ffi!(unsafe { input(digits, len) });
        if check_digit.is_null() {
            return paycore_result::NullParameter;
        }
        let Some(digit) = pan::luhn_check_digit(digits) else {
            return paycore_result::InvalidPan;
        };
        // SAFETY: checked non-NULL; caller guarantees writability.
        try_ffi!(unsafe { put(check_digit, digit) });
        paycore_result::Ok
    })
}

/// The brand (`PAYCORE_BRAND_*`) of a PAN prefix by issuer identification
/// number range (ISO/IEC 7812-1; network IIN tables): at least six ASCII
/// digits are needed, fewer give `PAYCORE_BRAND_UNKNOWN`.
///
/// # Errors
/// `PAYCORE_RESULT_NULL_PARAMETER`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `digits` must be valid for `len` bytes; `brand` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_brand_from_iin(
    digits: *const u8,
    len: usize,
    brand: *mut u32,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let digits = try_ffi!(unsafe { input(digits, len) });
        // SAFETY: `put` checks NULL; caller guarantees writability.
        try_ffi!(unsafe { put(brand, brand_code(Brand::from_iin(digits))) });
        paycore_result::Ok
    })
}

/// A stable lower-case name for a `PAYCORE_BRAND_*` code (`"visa"`,
/// `"mastercard"`, …; `"unknown"` for `PAYCORE_BRAND_UNKNOWN` and any
/// other value), as a static NUL-terminated string (never NULL).
#[unsafe(no_mangle)]
pub extern "C" fn paycore_brand_name(brand: u32) -> *const c_char {
    let text: &'static [u8] = match brand {
        PAYCORE_BRAND_VISA => b"visa\0",
        PAYCORE_BRAND_MASTERCARD => b"mastercard\0",
        PAYCORE_BRAND_AMEX => b"amex\0",
        PAYCORE_BRAND_DISCOVER => b"discover\0",
        PAYCORE_BRAND_JCB => b"jcb\0",
        PAYCORE_BRAND_DINERS => b"diners\0",
        PAYCORE_BRAND_MAESTRO => b"maestro\0",
        PAYCORE_BRAND_UNIONPAY => b"unionpay\0",
        PAYCORE_BRAND_MIR => b"mir\0",
        PAYCORE_BRAND_RUPAY => b"rupay\0",
        _ => b"unknown\0",
    };
    text.as_ptr().cast()
}

// ---------------------------------------------------------------------------
// Helpers shared by the card-data modules (tlv.rs, track.rs, qr.rs).
// ---------------------------------------------------------------------------

/// An output triple `(out, cap, out_len)` checked exactly as `io::Out::new`
/// does, but handing back the buffer itself so that the core can write into
/// it in place (no intermediate copy, no heap). Used only where the core
/// checks the capacity before writing anything, so "outputs are written
/// only on success" still holds.
///
/// # Safety
/// As `io::Out::new`.
pub(crate) unsafe fn out_in_place<'a>(
    out: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> Result<(&'a mut [u8], &'a mut usize), paycore_result> {
    // SAFETY: forwarded caller contract.
    unsafe { crate::io::out_parts(out, cap, out_len) }
}

/// A fixed-capacity text sink for `core::fmt` (masked PANs without heap).
pub(crate) struct FixedText<const N: usize> {
    pub(crate) buf: [u8; N],
    pub(crate) len: usize,
}

impl<const N: usize> FixedText<N> {
    pub(crate) const fn new() -> Self {
        Self {
            buf: [0; N],
            len: 0,
        }
    }
}

impl<const N: usize> core::fmt::Write for FixedText<N> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(core::fmt::Error)?;
        self.buf
            .get_mut(self.len..end)
            .ok_or(core::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// The PCI-masked form of `pan` (first 6 / last 4) in a fixed buffer.
pub(crate) fn masked_pan(pan: &Pan) -> FixedText<PAYCORE_PAN_MAX_LEN> {
    use core::fmt::Write as _;
    let mut text = FixedText::new();
    // A masked PAN has at most 19 characters, so this cannot fail; if it
    // did, the text would be shorter, never unmasked.
    let _ = write!(text, "{pan}");
    text
}

/// The brand code of `pan` (a `PAYCORE_BRAND_*` constant).
pub(crate) fn pan_brand(pan: &Pan) -> u32 {
    brand_code(pan.brand())
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use super::*;

    #[test]
    fn brand_names_match_the_core() {
        for brand in [
            Brand::Amex,
            Brand::Diners,
            Brand::Discover,
            Brand::Jcb,
            Brand::Maestro,
            Brand::Mastercard,
            Brand::Mir,
            Brand::RuPay,
            Brand::UnionPay,
            Brand::Visa,
            Brand::Unknown,
        ] {
            // SAFETY: paycore_brand_name returns a static NUL-terminated string.
            let name = unsafe { CStr::from_ptr(paycore_brand_name(brand_code(brand))) };
            assert_eq!(name.to_str().unwrap(), brand.as_str());
        }
    }

    #[test]
    fn masked_pan_is_first6_last4() {
        // Stripe test PAN (https://docs.stripe.com/testing).
        let pan = Pan::parse("4111111111111111").unwrap();
        let masked = masked_pan(&pan);
        assert_eq!(&masked.buf[..masked.len], b"411111******1111");
    }
}
