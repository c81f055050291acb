//! Card data: PAN.

use paycore::card::pan::{Brand, Pan};

use crate::io::{Out, input_str, put};
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
        if luhn_valid.is_null() || brand.is_null() {
            return paycore_result::NullParameter;
        }
        let parsed = try_ffi!(Pan::parse_lenient(text).map_err(paycore_result::from));
        let rendered = masked_pan(&parsed);
        let result = out.write(rendered.buf.get(..rendered.len).unwrap_or(&[]));
        if result == paycore_result::Ok {
            // SAFETY: checked non-NULL above; caller guarantees writability.
            try_ffi!(unsafe { put(luhn_valid, parsed.luhn_valid()) });
            // SAFETY: as above.
            try_ffi!(unsafe { put(brand, brand_code(parsed.brand())) });
        }
        result
    })
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
    if out_len.is_null() || (out.is_null() && cap > 0) {
        return Err(paycore_result::NullParameter);
    }
    let buf: &mut [u8] = if out.is_null() {
        &mut []
    } else {
        // SAFETY: non-NULL and the caller guarantees `cap` writable bytes.
        unsafe { std::slice::from_raw_parts_mut(out, cap) }
    };
    // SAFETY: non-NULL and the caller guarantees it is writable.
    let len = unsafe { &mut *out_len };
    Ok((buf, len))
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
