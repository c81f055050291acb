//! Field 53 (security-related control information, n16) and the "SM016"
//! sub-element that carries the 16-byte SM4 PIN block on some acquirers.
//!
//! Field 53: 53.1 PIN format (`1` ANSI X9.8 without PAN, `2` with PAN),
//! 53.2 algorithm flag (`0` single-length, `6` double-length; for 国密 `3`
//! in PAX terminal code, `4` on the bestpay host: an acquirer choice), 53.3
//! track encryption (`1` encrypted, `0` not), then 13 zeros. Sources:
//! user-1234/iso8583 `Packager.java`, PAX `PackIso8583.setBitData53`,
//! bestpay `ServiceProcess.setStateKeySign` (UNIONPAY design note §2.6).
//!
//! Field 52 is 8 bytes, so the 16-byte SM4 PIN block travels elsewhere:
//! field 59 in the PAX template, or as `"SM016"` + 16 bytes in field 62
//! (bestpay host) or 63 (bestpay upstream). [`sm016`] builds that
//! sub-element; which field carries it is the caller's (acquirer's) choice.

use crate::error::{CupError, Error};

/// 53.2 for single-length keys.
pub const FIELD53_SINGLE: u8 = b'0';
/// 53.2 for double-length keys.
pub const FIELD53_DOUBLE: u8 = b'6';
/// 53.2 for 国密 as PAX terminal code sends it (the default choice).
pub const FIELD53_SM_PAX: u8 = b'3';
/// 53.2 for 国密 as the bestpay POSP host expects it.
pub const FIELD53_SM_BESTPAY: u8 = b'4';

/// Builds field 53 (16 ASCII digits).
///
/// # Errors
/// `InvalidArgument("field 53 algorithm flag")` unless `algorithm_flag` is
/// an ASCII digit.
pub fn field53(
    pin_with_pan: bool,
    algorithm_flag: u8,
    track_encrypted: bool,
) -> Result<[u8; 16], Error> {
    if !algorithm_flag.is_ascii_digit() {
        return Err(Error::invalid_argument("field 53 algorithm flag"));
    }
    let mut out = [b'0'; 16];
    out[0] = if pin_with_pan { b'2' } else { b'1' };
    out[1] = algorithm_flag;
    out[2] = if track_encrypted { b'1' } else { b'0' };
    Ok(out)
}

/// The `"SM016"` sub-element (tag `SM`, 3-digit length `016`, then the 16
/// bytes of the SM4 PIN block): 21 bytes.
#[must_use]
pub fn sm016(block: &[u8; 16]) -> [u8; 21] {
    let mut out = [0u8; 21];
    out[..5].copy_from_slice(b"SM016");
    out[5..].copy_from_slice(block);
    out
}

/// The SM4 PIN block of an `"SM016"` sub-element.
///
/// # Errors
/// [`CupError::Sm016`] unless `element` is 21 bytes starting with
/// `SM016`.
pub fn parse_sm016(element: &[u8]) -> Result<[u8; 16], Error> {
    match element.split_at_checked(5) {
        Some((b"SM016", block)) => block.try_into().map_err(|_| CupError::Sm016.into()),
        _ => Err(CupError::Sm016.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field53_and_sm016() {
        assert_eq!(
            &field53(true, FIELD53_DOUBLE, true).unwrap(),
            b"2610000000000000"
        );
        assert_eq!(
            &field53(false, FIELD53_SM_PAX, false).unwrap(),
            b"1300000000000000"
        );
        assert!(field53(true, b'x', false).is_err());
        let e = sm016(&[0xAB; 16]);
        assert_eq!(&e[..5], b"SM016");
        assert_eq!(parse_sm016(&e).unwrap(), [0xAB; 16]);
        assert!(parse_sm016(&e[..20]).is_err());
        assert!(parse_sm016(b"SM015AAAAAAAAAAAAAAAA").is_err());
    }
}
