//! Primary account numbers (PAN): ISO/IEC 7812 digits, Luhn check digit,
//! card brand by IIN range, PCI DSS masking.
//!
//! A [`Pan`] is sensitive: it is zeroized on drop and its `Display` and
//! `Debug` show it masked (PCI DSS v4.0 Requirement 3.4.1): the first six
//! and last four digits when at least five digits stay hidden (PANs of 15
//! digits or more), otherwise only the last four (`********9012` for a
//! 12-digit PAN). The clear digits are reachable only through
//! [`Pan::expose_secret`].
//!
//! # Example
//! ```
//! use paycore::card::pan::{Brand, Pan};
//!
//! let pan = Pan::parse("4111111111111111").unwrap();
//! assert_eq!(pan.to_string(), "411111******1111");
//! assert_eq!(pan.brand(), Brand::Visa);
//! assert!(Pan::parse("4111111111111112").is_err()); // Luhn
//! ```

use core::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::{Error, PanError};

/// Shortest PAN accepted (ISO/IEC 7812-1 allows 8, payment cards use 12+).
pub const MIN_PAN_LEN: usize = 12;
/// Longest PAN (ISO/IEC 7812-1).
pub const MAX_PAN_LEN: usize = 19;

/// Shortest PAN a PIN block takes (ISO 9564-1:2017 §9.3.2, §9.3.6).
pub const MIN_PIN_BLOCK_PAN_LEN: usize = 1;

/// The PAN as the PIN block formats take it (ISO 9564-1:2017 §9.3.2,
/// §9.3.5, §9.3.6): 1-19 ASCII digits, no Luhn check. A PAN shorter than
/// 12 digits is right-justified in the 12-digit PAN field and padded on
/// the left with zeros (format 4: length nibble 0); an empty PAN or a
/// non-digit is refused.
///
/// Every [`Pan`] is one (`Pan` dereferences to `PinBlockPan`), so
/// `Some(&pan)` works wherever a PIN block function asks for a PAN; build a
/// `PinBlockPan` directly only for PANs shorter than [`MIN_PAN_LEN`], which
/// [`Pan`] refuses.
///
/// Sensitive: zeroized on drop; `Debug` shows only the length
/// (`PinBlockPan { len: 9, .. }`), as a short PAN masked to its last four
/// digits would show most of it. No `Clone`, no `PartialEq`.
pub struct PinBlockPan {
    digits: [u8; MAX_PAN_LEN],
    len: usize,
}

impl PinBlockPan {
    /// A PIN block PAN from 1-19 decimal digits.
    ///
    /// # Errors
    /// [`PanError::NonDigit`] or [`PanError::InvalidLength`] (empty or
    /// longer than [`MAX_PAN_LEN`]).
    pub fn parse(pan: &str) -> Result<Self, Error> {
        Self::from_ascii(pan.as_bytes())
    }

    /// As [`PinBlockPan::parse`], from ASCII bytes.
    ///
    /// # Errors
    /// [`PanError::NonDigit`] or [`PanError::InvalidLength`].
    pub fn from_ascii(pan: &[u8]) -> Result<Self, Error> {
        Self::with_min_len(pan, MIN_PIN_BLOCK_PAN_LEN)
    }

    /// Digits `min_len..=MAX_PAN_LEN` long.
    fn with_min_len(pan: &[u8], min_len: usize) -> Result<Self, Error> {
        if let Some(position) = pan.iter().position(|c| !c.is_ascii_digit()) {
            return Err(PanError::NonDigit { position }.into());
        }
        let mut digits = [0u8; MAX_PAN_LEN];
        digits
            .get_mut(..pan.len())
            .filter(|_| pan.len() >= min_len)
            .ok_or(PanError::InvalidLength { length: pan.len() })?
            .copy_from_slice(pan);
        Ok(Self {
            digits,
            len: pan.len(),
        })
    }

    /// Number of digits (1-19).
    #[must_use]
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Always false: a PIN block PAN has at least one digit.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The clear digits. Each call site documents why (`// EXPOSE:`).
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        core::str::from_utf8(self.ascii()).unwrap_or("")
    }

    /// The digits as ASCII bytes (crate-internal).
    pub(crate) fn ascii(&self) -> &[u8] {
        self.digits.get(..self.len).unwrap_or(&[])
    }
}

impl Drop for PinBlockPan {
    fn drop(&mut self) {
        self.digits.zeroize();
    }
}

impl ZeroizeOnDrop for PinBlockPan {}

impl fmt::Debug for PinBlockPan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PinBlockPan")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

/// A primary account number: 12-19 ASCII digits, zeroized on drop.
pub struct Pan {
    /// Always `MIN_PAN_LEN..=MAX_PAN_LEN` digits.
    digits: PinBlockPan,
}

impl core::ops::Deref for Pan {
    type Target = PinBlockPan;

    /// A PAN is a valid PIN block PAN (ISO 9564-1 takes 1-19 digits).
    fn deref(&self) -> &PinBlockPan {
        &self.digits
    }
}

impl Pan {
    /// Parses a PAN and requires a valid Luhn check digit.
    ///
    /// # Errors
    /// [`PanError::NonDigit`], [`PanError::InvalidLength`] or
    /// [`PanError::LuhnCheckFailed`].
    pub fn parse(pan: &str) -> Result<Self, Error> {
        let pan = Self::parse_lenient(pan)?;
        if !pan.luhn_valid() {
            return Err(PanError::LuhnCheckFailed.into());
        }
        Ok(pan)
    }

    /// Parses a PAN without checking the Luhn digit (some private-label and
    /// test PANs have none); see [`Pan::luhn_valid`].
    ///
    /// # Errors
    /// [`PanError::NonDigit`] or [`PanError::InvalidLength`].
    pub fn parse_lenient(pan: &str) -> Result<Self, Error> {
        Self::from_ascii(pan.as_bytes())
    }

    /// As [`Pan::parse_lenient`], from ASCII bytes.
    ///
    /// # Errors
    /// [`PanError::NonDigit`] or [`PanError::InvalidLength`].
    pub fn from_ascii(pan: &[u8]) -> Result<Self, Error> {
        PinBlockPan::with_min_len(pan, MIN_PAN_LEN).map(|digits| Self { digits })
    }

    /// Parses a PAN from compressed numeric (BCD, right-padded with `F`),
    /// as in EMV tag 5A (EMV Book 3 Annex A).
    ///
    /// # Errors
    /// [`PanError::NonDigit`] for a non-decimal nibble before the padding or a
    /// non-`F` nibble after it; [`PanError::InvalidLength`].
    pub fn from_bcd(bcd: &[u8]) -> Result<Self, Error> {
        let mut digits = [0u8; MAX_PAN_LEN];
        let mut len = 0usize;
        let mut padding = false;
        for (position, nibble) in bcd.iter().flat_map(|b| [b >> 4, b & 0x0F]).enumerate() {
            match nibble {
                0..=9 if !padding => {
                    let Some(slot) = digits.get_mut(len) else {
                        digits.zeroize();
                        return Err(PanError::InvalidLength { length: len + 1 }.into());
                    };
                    *slot = b'0' + nibble;
                    len += 1;
                }
                0x0F => padding = true,
                _ => {
                    digits.zeroize();
                    return Err(PanError::NonDigit { position }.into());
                }
            }
        }
        if len < MIN_PAN_LEN {
            digits.zeroize();
            return Err(PanError::InvalidLength { length: len }.into());
        }
        Ok(Self {
            digits: PinBlockPan { digits, len },
        })
    }

    /// Number of digits.
    #[must_use]
    pub const fn len(&self) -> usize {
        self.digits.len
    }

    /// Always false: a PAN has at least [`MIN_PAN_LEN`] digits.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.digits.len == 0
    }

    /// The clear PAN digits. Each call site documents why (`// EXPOSE:`).
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        self.digits.expose_secret()
    }

    /// The digits as ASCII bytes (crate-internal).
    pub(crate) fn ascii(&self) -> &[u8] {
        self.digits.ascii()
    }

    /// True when the last digit is the Luhn check digit of the others
    /// (ISO/IEC 7812-1 Annex B).
    #[must_use]
    pub fn luhn_valid(&self) -> bool {
        luhn_valid(self.ascii())
    }

    /// The card brand from the IIN.
    #[must_use]
    pub fn brand(&self) -> Brand {
        Brand::from_iin(self.ascii())
    }

    /// Writes the masked PAN (see [`mask_keeps`]).
    fn write_masked(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.ascii().iter().enumerate() {
            let c = if mask_keeps(i, self.len()) {
                char::from(*d)
            } else {
                '*'
            };
            fmt::Write::write_char(f, c)?;
        }
        Ok(())
    }
}

/// Fewest digits a masked PAN hides.
pub(crate) const MASK_MIN_HIDDEN: usize = 5;

/// Whether the masked form of a PAN of `len` digits shows the digit at
/// `position`: always the last 4; the first 6 (the BIN) only if at least
/// [`MASK_MIN_HIDDEN`] digits stay hidden, i.e. `len >= 15`. Below that
/// (12-14 digits) first-6/last-4 would hide only 2-4 digits, so only the
/// last 4 are shown. One rule for [`Pan`]'s `Display`/`Debug` and for
/// transaction records (`sign::record::MaskedPan`).
pub(crate) const fn mask_keeps(position: usize, len: usize) -> bool {
    let last4 = position + 4 >= len;
    let first6 = position < 6 && len >= 6 + 4 + MASK_MIN_HIDDEN;
    last4 || first6
}

// The digits are a `PinBlockPan`, which zeroizes itself on drop.
impl ZeroizeOnDrop for Pan {}

impl fmt::Display for Pan {
    /// The masked PAN, e.g. `411111******1111`, or `********9012` for a
    /// PAN shorter than 15 digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_masked(f)
    }
}

impl fmt::Debug for Pan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pan(")?;
        self.write_masked(f)?;
        f.write_str(")")
    }
}

/// Luhn sum of ASCII digits, doubling every second digit counted from the
/// right starting at `first_doubled` (0 = rightmost).
fn luhn_sum(digits: &[u8], first_doubled: usize) -> u32 {
    digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let d = u32::from(c.wrapping_sub(b'0'));
            if i % 2 == first_doubled {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum()
}

/// Luhn (mod 10) check over ASCII digits, the last being the check digit
/// (ISO/IEC 7812-1 Annex B). Non-digits make it false.
#[must_use]
pub fn luhn_valid(digits: &[u8]) -> bool {
    !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) && luhn_sum(digits, 1) % 10 == 0
}

/// The Luhn check digit (ASCII) to append to `digits`, or `None` if any
/// byte is not a digit.
#[must_use]
pub fn luhn_check_digit(digits: &[u8]) -> Option<u8> {
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let check = (10 - luhn_sum(digits, 0) % 10) % 10;
    u8::try_from(check).ok().map(|c| b'0' + c)
}

/// Card brand (payment network) by issuer identification number range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Brand {
    /// American Express: 34, 37.
    Amex,
    /// Diners Club International: 300-305, 3095, 36, 38-39.
    Diners,
    /// Discover: 6011, 644-649, 65.
    Discover,
    /// JCB: 3528-3589.
    Jcb,
    /// Maestro: 50, 56-58, 6304, 6759, 6761-6763.
    Maestro,
    /// Mastercard: 51-55, 2221-2720.
    Mastercard,
    /// Mir: 2200-2204.
    Mir,
    /// RuPay: 508500-508999, 606985-607984, 608001-608500, 652150-653149.
    RuPay,
    /// China UnionPay: 62 (81 for domestic UnionPay-only cards).
    UnionPay,
    /// Visa: 4.
    Visa,
    /// No known range matched.
    Unknown,
}

impl Brand {
    /// The brand for a PAN's leading ASCII digits (at least six needed).
    #[must_use]
    pub fn from_iin(digits: &[u8]) -> Self {
        if digits.len() < 6 || !digits.iter().all(u8::is_ascii_digit) {
            return Self::Unknown;
        }
        let prefix = |n: usize| -> u32 {
            digits
                .iter()
                .take(n)
                .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
        };
        let (p1, p2, p3, p4, p6) = (prefix(1), prefix(2), prefix(3), prefix(4), prefix(6));
        // Most specific ranges first (RuPay and Mir sit inside wider ranges).
        if matches!(
            p6,
            508_500..=508_999 | 606_985..=607_984 | 608_001..=608_500 | 652_150..=653_149
        ) {
            Self::RuPay
        } else if matches!(p4, 2200..=2204) {
            Self::Mir
        } else if matches!(p4, 2221..=2720) || matches!(p2, 51..=55) {
            Self::Mastercard
        } else if p1 == 4 {
            Self::Visa
        } else if matches!(p2, 34 | 37) {
            Self::Amex
        } else if matches!(p4, 3528..=3589) {
            Self::Jcb
        } else if matches!(p3, 300..=305) || p4 == 3095 || matches!(p2, 36 | 38 | 39) {
            Self::Diners
        } else if p2 == 62 || p2 == 81 {
            Self::UnionPay
        } else if p4 == 6011 || matches!(p3, 644..=649) || p2 == 65 {
            Self::Discover
        } else if matches!(p2, 50 | 56..=58) || matches!(p4, 6304 | 6759 | 6761..=6763) {
            Self::Maestro
        } else {
            Self::Unknown
        }
    }

    /// A stable lower-case name (used in CLI JSON).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Amex => "amex",
            Self::Diners => "diners",
            Self::Discover => "discover",
            Self::Jcb => "jcb",
            Self::Maestro => "maestro",
            Self::Mastercard => "mastercard",
            Self::Mir => "mir",
            Self::RuPay => "rupay",
            Self::UnionPay => "unionpay",
            Self::Visa => "visa",
            Self::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Brand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test PANs published by processors for testing (Stripe "Testing" docs,
    // https://docs.stripe.com/testing; UnionPay/Mir/RuPay numbers built from
    // their IIN ranges with a computed Luhn digit); all pass Luhn.
    #[test]
    fn brands_of_published_test_pans() {
        let cases = [
            ("4111111111111111", Brand::Visa),
            ("4242424242424242", Brand::Visa),
            ("5555555555554444", Brand::Mastercard),
            ("2223003122003222", Brand::Mastercard),
            ("378282246310005", Brand::Amex),
            ("6011111111111117", Brand::Discover),
            ("3566002020360505", Brand::Jcb),
            ("36227206271667", Brand::Diners),
            ("6200000000000005", Brand::UnionPay),
            ("6759649826438453", Brand::Maestro),
            ("2200000000000004", Brand::Mir),
            ("6521500000000006", Brand::RuPay),
        ];
        for (pan, brand) in cases {
            let parsed = Pan::parse(pan).unwrap_or_else(|e| panic!("{pan}: {e}"));
            assert_eq!(parsed.brand(), brand, "{pan}");
        }
    }

    #[test]
    fn masking_display_and_debug() {
        let pan = Pan::parse("5555555555554444").unwrap();
        assert_eq!(pan.to_string(), "555555******4444");
        assert_eq!(format!("{pan:?}"), "Pan(555555******4444)");
        // M5: below 15 digits first-6/last-4 would hide too little; only
        // the last 4 are shown.
        let pan = Pan::parse_lenient("123456789012").unwrap();
        assert_eq!(pan.to_string(), "********9012");
        assert_eq!(format!("{pan:?}"), "Pan(********9012)");
        let pan = Pan::parse_lenient("12345678901234").unwrap();
        assert_eq!(pan.to_string(), "**********1234");
        // 15 digits: 5 hidden, first 6 shown.
        let pan = Pan::parse_lenient("123456789012345").unwrap();
        assert_eq!(pan.to_string(), "123456*****2345");
        let pan = Pan::parse_lenient("6011000990139424004").unwrap();
        assert_eq!(pan.to_string(), "601100*********4004");
        for len in 12..=19 {
            let hidden = (0..len).filter(|i| !mask_keeps(*i, len)).count();
            assert!(hidden >= MASK_MIN_HIDDEN || hidden == len - 4, "{len}");
            assert!(hidden >= 8 || len >= 15, "{len}");
        }
    }

    #[test]
    fn rejections() {
        assert_eq!(
            Pan::parse("41111111111a1111").unwrap_err(),
            Error::Pan(PanError::NonDigit { position: 11 })
        );
        assert_eq!(
            Pan::parse("41111111111").unwrap_err(),
            Error::Pan(PanError::InvalidLength { length: 11 })
        );
        assert_eq!(
            Pan::parse("41111111111111111111").unwrap_err(),
            Error::Pan(PanError::InvalidLength { length: 20 })
        );
        assert_eq!(
            Pan::parse("4111111111111112").unwrap_err(),
            Error::Pan(PanError::LuhnCheckFailed)
        );
        assert!(Pan::parse("").is_err());
    }

    #[test]
    fn bcd() {
        let pan = Pan::from_bcd(&[0x54, 0x13, 0x33, 0x00, 0x89, 0x02, 0x00, 0x01, 0x3F]).unwrap();
        assert_eq!(pan.expose_secret(), "54133300890200013");
        // A digit after padding, a non-decimal nibble, too short.
        assert!(Pan::from_bcd(&[0x54, 0x13, 0x3F, 0x00, 0x89, 0x02, 0x00, 0x01]).is_err());
        assert!(Pan::from_bcd(&[0x41, 0x11, 0x11, 0x11, 0x11, 0x1A, 0x11]).is_err());
        assert!(Pan::from_bcd(&[0x41, 0x11, 0xFF]).is_err());
        assert!(Pan::from_bcd(&[0x11; 10]).is_err());
    }

    // Luhn examples: ISO/IEC 7812-1 Annex B worked example digits 7992739871(3).
    #[test]
    fn check_digit() {
        assert_eq!(luhn_check_digit(b"411111111111111"), Some(b'1'));
        assert_eq!(luhn_check_digit(b"7992739871"), Some(b'3'));
        assert!(luhn_valid(b"79927398713"));
        assert!(!luhn_valid(b"79927398710"));
        assert_eq!(luhn_check_digit(b"12a"), None);
    }

    proptest::proptest! {
        #[test]
        fn check_digit_makes_valid(body in "[0-9]{11,18}") {
            let mut digits = body.into_bytes();
            let c = luhn_check_digit(&digits).unwrap();
            digits.push(c);
            proptest::prop_assert!(luhn_valid(&digits));
            let pan = Pan::from_ascii(&digits).unwrap();
            proptest::prop_assert!(pan.luhn_valid());
            proptest::prop_assert_eq!(pan.expose_secret().as_bytes(), &digits[..]);
        }
    }
}
