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
        let rendered = parsed.to_string();
        let result = out.write(rendered.as_bytes());
        if result == paycore_result::Ok {
            // SAFETY: checked non-NULL above; caller guarantees writability.
            try_ffi!(unsafe { put(luhn_valid, parsed.luhn_valid()) });
            // SAFETY: as above.
            try_ffi!(unsafe { put(brand, brand_code(parsed.brand())) });
        }
        result
    })
}
