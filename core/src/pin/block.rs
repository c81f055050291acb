//! PINs, fills and clear PIN blocks: ISO 9564-1:2017 §9.3 encoding and
//! strict decoding.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use core::fmt;

use rand_core::CryptoRngCore;
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::PinBlockFormat;
use crate::card::pan::PinBlockPan;
use crate::error::{Error, PinBlockError};

/// Fewest PIN digits (ISO 9564-1:2017 §8.1).
pub const MIN_PIN_LEN: usize = 4;
/// Most PIN digits (ISO 9564-1:2017 §8.1).
pub const MAX_PIN_LEN: usize = 12;

/// Nibbles in an 8-byte block.
const NIBBLES_8: usize = 16;
/// Nibbles in a 16-byte block.
const NIBBLES_16: usize = 32;

/// A personal identification number: 4-12 decimal digits, held inline and
/// zeroized on drop.
///
/// `Debug` prints `Pin { .. }`; there is no `Clone` and no `PartialEq`
/// (compare with [`ConstantTimeEq`]). The digits are reachable only through
/// [`Pin::expose_secret`].
pub struct Pin {
    /// ASCII digits; only `..len` is meaningful.
    digits: [u8; MAX_PIN_LEN],
    len: usize,
}

impl Pin {
    /// A PIN from a string of 4-12 decimal digits.
    ///
    /// # Errors
    /// [`PinBlockError::InvalidPin`] for another length or a non-digit.
    pub fn new(pin: &str) -> Result<Self, Error> {
        Self::from_ascii(pin.as_bytes())
    }

    /// A PIN from 4-12 ASCII decimal digits.
    ///
    /// # Errors
    /// [`PinBlockError::InvalidPin`] for another length or a non-digit.
    pub fn from_ascii(pin: &[u8]) -> Result<Self, Error> {
        if !(MIN_PIN_LEN..=MAX_PIN_LEN).contains(&pin.len()) || !pin.iter().all(u8::is_ascii_digit)
        {
            return Err(PinBlockError::InvalidPin.into());
        }
        let mut out = Self {
            digits: [0; MAX_PIN_LEN],
            len: pin.len(),
        };
        for (d, c) in out.digits.iter_mut().zip(pin) {
            *d = *c;
        }
        Ok(out)
    }

    /// A PIN from digit values 0-9 (one per byte), as found in a block.
    fn from_values(values: &[u8]) -> Result<Self, Error> {
        if !(MIN_PIN_LEN..=MAX_PIN_LEN).contains(&values.len()) {
            return Err(PinBlockError::InvalidPinLength.into());
        }
        let mut out = Self {
            digits: [0; MAX_PIN_LEN],
            len: values.len(),
        };
        for (d, v) in out.digits.iter_mut().zip(values) {
            if *v > 9 {
                return Err(PinBlockError::InvalidPinDigit.into());
            }
            *d = b'0' + v;
        }
        Ok(out)
    }

    /// Number of digits (4-12).
    #[must_use]
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Always false: a PIN has at least [`MIN_PIN_LEN`] digits.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The clear digits. Each call site documents why (`// EXPOSE:`).
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        core::str::from_utf8(self.ascii()).unwrap_or("")
    }

    fn ascii(&self) -> &[u8] {
        self.digits.get(..self.len).unwrap_or(&[])
    }

    /// Digit values 0-9.
    fn values(&self) -> impl Iterator<Item = u8> + '_ {
        self.ascii().iter().map(|c| c.wrapping_sub(b'0'))
    }
}

impl ConstantTimeEq for Pin {
    fn ct_eq(&self, other: &Self) -> Choice {
        // The length is compared in the clear: the slice comparison does so too.
        self.ascii().ct_eq(other.ascii())
    }
}

impl Drop for Pin {
    fn drop(&mut self) {
        self.digits.zeroize();
        self.len = 0;
    }
}

impl ZeroizeOnDrop for Pin {}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin { .. }")
    }
}

/// The nibbles of a PIN block the encoder chooses: the transaction-unique
/// fill of format 1, the random `A`-`F` fill of format 3, or the 8 random
/// bytes (16 nibbles) of the format 4 PIN field (ISO 9564-1:2017 §9.3).
/// Formats 0 and 2 have none.
///
/// Given explicitly only to reproduce published vectors (CLI `--fill HEX`);
/// otherwise [`ClearPinBlock::encode`] draws it from the caller's RNG.
/// A fill is not secret by itself, but `Debug` shows only its length.
#[derive(Clone)]
pub struct Fill {
    nibbles: [u8; NIBBLES_8],
    len: usize,
}

impl Fill {
    /// No fill (formats 0 and 2).
    pub const NONE: Self = Self {
        nibbles: [0; NIBBLES_8],
        len: 0,
    };

    /// A fill from nibble values (each 0-15), in block order.
    ///
    /// # Errors
    /// [`ApiMisuse::InvalidArgument`](crate::error::ApiMisuse::InvalidArgument)
    /// `fill` for more than 16 nibbles or a value above 15.
    pub fn from_nibbles(nibbles: &[u8]) -> Result<Self, Error> {
        if nibbles.len() > NIBBLES_8 || nibbles.iter().any(|n| *n > 0xF) {
            return Err(Error::invalid_argument("fill"));
        }
        let mut out = Self::NONE;
        for (d, n) in out.nibbles.iter_mut().zip(nibbles) {
            *d = *n;
        }
        out.len = nibbles.len();
        Ok(out)
    }

    /// A fill from hexadecimal characters, one per nibble (either case).
    ///
    /// # Errors
    /// [`ApiMisuse::InvalidArgument`](crate::error::ApiMisuse::InvalidArgument)
    /// `fill` for more than 16 characters or a non-hex character.
    pub fn from_hex(hex: &str) -> Result<Self, Error> {
        let mut values = [0u8; NIBBLES_8];
        if hex.len() > NIBBLES_8 {
            return Err(Error::invalid_argument("fill"));
        }
        for (v, c) in values.iter_mut().zip(hex.bytes()) {
            *v = hex_value(c).ok_or(Error::invalid_argument("fill"))?;
        }
        Self::from_nibbles(values.get(..hex.len()).unwrap_or(&[]))
    }

    /// The nibble values, in block order.
    #[must_use]
    pub fn as_nibbles(&self) -> &[u8] {
        self.nibbles.get(..self.len).unwrap_or(&[])
    }

    /// Number of nibbles.
    #[must_use]
    pub const fn len(&self) -> usize {
        self.len
    }

    /// True for no fill.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl fmt::Debug for Fill {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fill")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

const fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// A nibble buffer that is wiped on every exit path (it holds PIN digits).
struct Nibbles([u8; NIBBLES_16]);

impl Nibbles {
    const fn new() -> Self {
        Self([0; NIBBLES_16])
    }

    fn unpack(bytes: &[u8]) -> Self {
        let mut out = Self::new();
        for (pair, b) in out.0.chunks_exact_mut(2).zip(bytes) {
            if let [hi, lo] = pair {
                *hi = b >> 4;
                *lo = b & 0x0F;
            }
        }
        out
    }

    fn pack_into(&self, out: &mut [u8]) {
        for (b, pair) in out.iter_mut().zip(self.0.chunks_exact(2)) {
            if let [hi, lo] = pair {
                *b = (hi << 4) | lo;
            }
        }
    }

    fn get(&self, range: core::ops::Range<usize>) -> &[u8] {
        self.0.get(range).unwrap_or(&[])
    }

    fn get_mut(&mut self, range: core::ops::Range<usize>) -> &mut [u8] {
        self.0.get_mut(range).unwrap_or(&mut [])
    }

    fn set(&mut self, i: usize, value: u8) {
        if let Some(slot) = self.0.get_mut(i) {
            *slot = value;
        }
    }

    fn at(&self, i: usize) -> u8 {
        self.0.get(i).copied().unwrap_or(0)
    }
}

impl Drop for Nibbles {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// XORs the format 0/3 PAN field into the first 16 nibbles
/// (ISO 9564-1:2017 §9.3.2): `0000` then the 12 rightmost PAN digits
/// excluding the check digit; when the PAN without its check digit has
/// fewer than 12 digits (a PAN of 1-12 digits), they are right-justified
/// and padded on the left with zeros (a 1-digit PAN gives an all-zero
/// field).
fn xor_pan_field(n: &mut Nibbles, pan: &PinBlockPan) {
    // EXPOSE: the PAN digits enter the PAN field, which never leaves this module in clear.
    let digits = pan.ascii();
    let without_check = digits.get(..digits.len().saturating_sub(1)).unwrap_or(&[]);
    let take = without_check.len().min(12);
    let tail = without_check
        .get(without_check.len() - take..)
        .unwrap_or(&[]);
    let field = n.get_mut(NIBBLES_8 - take..NIBBLES_8);
    for (d, c) in field.iter_mut().zip(tail) {
        *d ^= c.wrapping_sub(b'0');
    }
}

/// The format 4 PAN field (ISO 9564-1:2017 §9.3.6): one nibble M = PAN
/// length - 12 (0 for a shorter PAN, whose digits are then left-padded with
/// zeros to 12), the PAN, then zeros to 32 nibbles. Written straight into
/// bytes: this is on the encipherment hot path.
pub(super) fn iso4_pan_field(pan: &PinBlockPan) -> [u8; 16] {
    let mut field = [0u8; 16];
    // EXPOSE: the PAN digits enter the PAN field, used only inside the encipherment.
    let digits = pan.ascii();
    let len = digits.len();
    let (m, pad) = if len >= 12 {
        (len - 12, 0)
    } else {
        (0, 12 - len)
    };
    let mut put = |nibble: usize, value: u8| {
        if let Some(b) = field.get_mut(nibble / 2) {
            *b |= if nibble % 2 == 0 {
                value << 4
            } else {
                value & 0x0F
            };
        }
    };
    put(0, u8::try_from(m).unwrap_or(0) & 0x0F);
    for (k, c) in digits.iter().enumerate() {
        put(1 + pad + k, c.wrapping_sub(b'0'));
    }
    field
}

/// Number of nibbles the encoder chooses for `format` and a PIN of `pin_len`.
const fn fill_len(format: PinBlockFormat, pin_len: usize) -> usize {
    match format {
        PinBlockFormat::Iso0 | PinBlockFormat::Iso2 => 0,
        PinBlockFormat::Iso1 | PinBlockFormat::Iso3 => NIBBLES_8 - 2 - pin_len,
        PinBlockFormat::Iso4 => NIBBLES_8,
    }
}

/// Whether `nibble` is allowed as chosen fill for `format`.
const fn fill_nibble_ok(format: PinBlockFormat, nibble: u8) -> bool {
    match format {
        PinBlockFormat::Iso3 => nibble >= 0xA && nibble <= 0xF,
        _ => nibble <= 0xF,
    }
}

/// A clear PIN block: 8 bytes for formats 0-3, or the 16-byte PIN field
/// for format 4 (whose PAN is bound at encipherment, §9.4.2.3).
///
/// Secret: zeroized on drop, `Debug` prints only the format, no `Clone` and
/// no `PartialEq` (use [`ConstantTimeEq`]). The bytes are reachable only
/// through [`ClearPinBlock::expose_secret`].
pub struct ClearPinBlock {
    bytes: [u8; 16],
    format: PinBlockFormat,
    /// True when built by an encoder or a strict decode: well-formed.
    checked: bool,
}

impl ClearPinBlock {
    /// Encodes `pin` in `format`, drawing the fill (formats 1 and 3) or the
    /// random half of the PIN field (format 4) from `rng`
    /// (ISO 9564-1:2017 §9.3).
    ///
    /// `pan` is required for formats 0 and 3 and not used by formats 1, 2
    /// and 4 (format 4 binds the PAN in [`encipher`](super::encipher)). It
    /// may have 1-19 digits ([`PinBlockPan`]; a [`Pan`](crate::card::pan::Pan)
    /// dereferences to one).
    ///
    /// # Errors
    /// [`PinBlockError::PanRequired`] for format 0 or 3 without a PAN;
    /// [`Error::RandomFailure`] if `rng` fails (`try_fill_bytes`) while
    /// drawing the fill of format 1, 3 or 4.
    pub fn encode(
        format: PinBlockFormat,
        pin: &Pin,
        pan: Option<&PinBlockPan>,
        rng: &mut (impl CryptoRngCore + ?Sized),
    ) -> Result<Self, Error> {
        let fill = random_fill(format, pin.len(), rng)?;
        Self::encode_with_fill(format, pin, pan, &fill)
    }

    /// Encodes `pin` in `format` with an explicit [`Fill`], to reproduce
    /// published vectors. Production code uses [`ClearPinBlock::encode`]:
    /// ISO 9564-1 requires the format 1 fill to be transaction-unique and
    /// the format 3 and 4 fill to be random.
    ///
    /// The fill has exactly as many nibbles as the format leaves to the
    /// encoder: none for formats 0 and 2, `14 - PIN length` for formats 1
    /// and 3 (each `A`-`F` for format 3), 16 for format 4.
    ///
    /// # Errors
    /// [`PinBlockError::PanRequired`]; [`PinBlockError::InvalidFill`] for a
    /// format 3 fill nibble outside `A`-`F`;
    /// [`ApiMisuse::InvalidArgument`](crate::error::ApiMisuse::InvalidArgument)
    /// `fill` for the wrong number of nibbles.
    pub fn encode_with_fill(
        format: PinBlockFormat,
        pin: &Pin,
        pan: Option<&PinBlockPan>,
        fill: &Fill,
    ) -> Result<Self, Error> {
        let pin_len = pin.len();
        if fill.len() != fill_len(format, pin_len) {
            return Err(Error::invalid_argument("fill"));
        }
        if !fill.as_nibbles().iter().all(|n| fill_nibble_ok(format, *n)) {
            return Err(PinBlockError::InvalidFill.into());
        }
        let pan = match (format.is_pan_bound(), format, pan) {
            (true, PinBlockFormat::Iso4, _) | (false, _, _) => None,
            (true, _, Some(pan)) => Some(pan),
            (true, _, None) => return Err(PinBlockError::PanRequired.into()),
        };
        let mut n = Nibbles::new();
        n.set(0, format.code());
        n.set(1, u8::try_from(pin_len).unwrap_or(0));
        for (d, v) in n.get_mut(2..2 + pin_len).iter_mut().zip(pin.values()) {
            *d = v;
        }
        let pad = match format {
            PinBlockFormat::Iso0 | PinBlockFormat::Iso2 => 0xF,
            PinBlockFormat::Iso4 => 0xA,
            PinBlockFormat::Iso1 | PinBlockFormat::Iso3 => 0,
        };
        let rest = n.get_mut(2 + pin_len..NIBBLES_8);
        rest.fill(pad);
        match format {
            PinBlockFormat::Iso1 | PinBlockFormat::Iso3 => {
                for (d, f) in rest.iter_mut().zip(fill.as_nibbles()) {
                    *d = *f;
                }
            }
            PinBlockFormat::Iso4 => {
                for (d, f) in n
                    .get_mut(NIBBLES_8..NIBBLES_16)
                    .iter_mut()
                    .zip(fill.as_nibbles())
                {
                    *d = *f;
                }
            }
            PinBlockFormat::Iso0 | PinBlockFormat::Iso2 => {}
        }
        if let Some(pan) = pan {
            xor_pan_field(&mut n, pan);
        }
        let mut out = Self {
            bytes: [0; 16],
            format,
            checked: true,
        };
        n.pack_into(out.bytes.get_mut(..format.block_len()).unwrap_or(&mut []));
        Ok(out)
    }

    /// Takes a clear block in `format` from raw bytes, checking only its
    /// length and control field; [`ClearPinBlock::decode`] checks the rest.
    ///
    /// # Errors
    /// [`PinBlockError::InvalidLength`] unless the block is 8 bytes (formats
    /// 0-3) or 16 bytes (format 4); [`PinBlockError::InvalidControl`] if
    /// the first nibble is not the format's control value.
    pub fn from_bytes(format: PinBlockFormat, bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() != format.block_len() {
            return Err(PinBlockError::InvalidLength.into());
        }
        let control = bytes.first().map_or(0xFF, |b| b >> 4);
        if control != format.code() {
            return Err(PinBlockError::InvalidControl.into());
        }
        let mut out = Self {
            bytes: [0; 16],
            format,
            checked: false,
        };
        if let Some(dst) = out.bytes.get_mut(..bytes.len()) {
            dst.copy_from_slice(bytes);
        }
        Ok(out)
    }

    /// The format.
    #[must_use]
    pub const fn format(&self) -> PinBlockFormat {
        self.format
    }

    /// Block length in bytes (8, or 16 for format 4).
    #[must_use]
    pub const fn len(&self) -> usize {
        self.format.block_len()
    }

    /// Always false.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        false
    }

    /// The clear block. Each call site documents why (`// EXPOSE:`).
    #[must_use]
    pub fn expose_secret(&self) -> &[u8] {
        self.bytes.get(..self.len()).unwrap_or(&[])
    }

    /// The block as a mutable buffer (crate-internal, for decipherment).
    pub(super) fn buf_mut(&mut self) -> &mut [u8] {
        let len = self.len();
        self.bytes.get_mut(..len).unwrap_or(&mut [])
    }

    /// An all-zero, unchecked block to decipher into (crate-internal).
    pub(super) const fn zeroed(format: PinBlockFormat) -> Self {
        Self {
            bytes: [0; 16],
            format,
            checked: false,
        }
    }

    /// Whether the block is known to be well-formed (built by an encoder or
    /// passed through a strict decode).
    pub(super) const fn is_checked(&self) -> bool {
        self.checked
    }

    /// Marks the block well-formed after a strict decode succeeded.
    pub(super) fn mark_checked(&mut self) {
        self.checked = true;
    }

    /// Strictly decodes the PIN (ISO 9564-1:2017 §9.3).
    ///
    /// Checks, in this order: the control field, the PIN length (4-12,
    /// hex `4`-`C`), every PIN digit (0-9), every fill nibble (`F` for
    /// formats 0 and 2, `A`-`F` for format 3, `A` in the format 4 PIN field;
    /// format 1 fill is any nibble). For formats 0 and 3 the PAN field is
    /// removed first, so a wrong PAN shows up as a digit or fill error —
    /// or, where the XOR happens to leave valid digits and fill, as a wrong
    /// PIN: the formats cannot detect every wrong PAN. No error carries a
    /// digit of the PIN or PAN.
    ///
    /// # Errors
    /// [`PinBlockError::PanRequired`] for format 0 or 3 without a PAN;
    /// [`PinBlockError::InvalidControl`], [`PinBlockError::InvalidPinLength`],
    /// [`PinBlockError::InvalidPinDigit`] or [`PinBlockError::InvalidFill`].
    pub fn decode(&self, pan: Option<&PinBlockPan>) -> Result<Pin, Error> {
        self.decode_with_fill(pan).map(|(pin, _)| pin)
    }

    /// As [`ClearPinBlock::decode`], also returning the fill the block
    /// carries, so that [`ClearPinBlock::encode_with_fill`] rebuilds the
    /// same block.
    ///
    /// # Errors
    /// As [`ClearPinBlock::decode`].
    pub fn decode_with_fill(&self, pan: Option<&PinBlockPan>) -> Result<(Pin, Fill), Error> {
        let format = self.format;
        let mut n = Nibbles::unpack(self.expose_secret());
        if n.at(0) != format.code() {
            return Err(PinBlockError::InvalidControl.into());
        }
        match (format, pan) {
            (PinBlockFormat::Iso0 | PinBlockFormat::Iso3, Some(pan)) => {
                xor_pan_field(&mut n, pan);
            }
            (PinBlockFormat::Iso0 | PinBlockFormat::Iso3, None) => {
                return Err(PinBlockError::PanRequired.into());
            }
            _ => {}
        }
        let pin_len = usize::from(n.at(1));
        if !(MIN_PIN_LEN..=MAX_PIN_LEN).contains(&pin_len) {
            return Err(PinBlockError::InvalidPinLength.into());
        }
        let pin = Pin::from_values(n.get(2..2 + pin_len))?;
        let rest = n.get(2 + pin_len..NIBBLES_8);
        let rest_ok = match format {
            PinBlockFormat::Iso0 | PinBlockFormat::Iso2 => rest.iter().all(|x| *x == 0xF),
            PinBlockFormat::Iso3 => rest.iter().all(|x| *x >= 0xA),
            PinBlockFormat::Iso4 => rest.iter().all(|x| *x == 0xA),
            PinBlockFormat::Iso1 => true,
        };
        if !rest_ok {
            return Err(PinBlockError::InvalidFill.into());
        }
        let fill = match format {
            PinBlockFormat::Iso0 | PinBlockFormat::Iso2 => Fill::NONE,
            PinBlockFormat::Iso1 | PinBlockFormat::Iso3 => Fill::from_nibbles(rest)?,
            PinBlockFormat::Iso4 => Fill::from_nibbles(n.get(NIBBLES_8..NIBBLES_16))?,
        };
        Ok((pin, fill))
    }
}

/// Draws the fill for `format` from `rng`.
fn random_fill(
    format: PinBlockFormat,
    pin_len: usize,
    rng: &mut (impl CryptoRngCore + ?Sized),
) -> Result<Fill, Error> {
    let want = fill_len(format, pin_len);
    let mut fill = Fill::NONE;
    let mut random = [0u8; 16];
    while fill.len < want {
        if rng.try_fill_bytes(&mut random).is_err() {
            random.zeroize();
            return Err(Error::RandomFailure);
        }
        for nibble in random.iter().flat_map(|b| [b >> 4, b & 0x0F]) {
            if fill.len >= want {
                break;
            }
            let value = match format {
                // 12 of 16 values accepted, mapped 2:1 onto A-F: uniform.
                PinBlockFormat::Iso3 if nibble < 12 => 0xA + nibble % 6,
                PinBlockFormat::Iso3 => continue,
                _ => nibble,
            };
            if let Some(slot) = fill.nibbles.get_mut(fill.len) {
                *slot = value;
                fill.len += 1;
            }
        }
    }
    random.zeroize();
    Ok(fill)
}

impl ConstantTimeEq for ClearPinBlock {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.expose_secret().ct_eq(other.expose_secret())
    }
}

impl Drop for ClearPinBlock {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl ZeroizeOnDrop for ClearPinBlock {}

impl fmt::Debug for ClearPinBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClearPinBlock")
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_debug_is_redacted_exactly() {
        let pin = Pin::new("1234").unwrap();
        assert_eq!(format!("{pin:?}"), "Pin { .. }");
        assert_eq!(format!("{pin:#?}"), "Pin { .. }");
    }

    #[test]
    fn clear_block_debug_is_redacted_exactly() {
        let pin = Pin::new("1234").unwrap();
        let b =
            ClearPinBlock::encode_with_fill(PinBlockFormat::Iso2, &pin, None, &Fill::NONE).unwrap();
        assert_eq!(format!("{b:?}"), "ClearPinBlock { format: Iso2, .. }");
    }

    #[test]
    fn fill_debug_shows_length_only() {
        let f = Fill::from_hex("ABCDEF").unwrap();
        assert_eq!(format!("{f:?}"), "Fill { len: 6, .. }");
    }

    #[test]
    fn pin_validation() {
        assert!(Pin::new("123").is_err());
        assert!(Pin::new("1234567890123").is_err());
        assert!(Pin::new("12a4").is_err());
        assert!(Pin::new("").is_err());
        assert_eq!(Pin::new("123456789012").unwrap().len(), 12);
        assert_eq!(
            Pin::new("12 4").unwrap_err(),
            Error::PinBlock(PinBlockError::InvalidPin)
        );
    }

    #[test]
    fn pin_ct_eq() {
        let a = Pin::new("1234").unwrap();
        assert!(bool::from(a.ct_eq(&Pin::new("1234").unwrap())));
        assert!(!bool::from(a.ct_eq(&Pin::new("1235").unwrap())));
        assert!(!bool::from(a.ct_eq(&Pin::new("12345").unwrap())));
    }

    // Published format 4 PAN fields.
    #[test]
    fn iso4_pan_field_vectors() {
        let cases = [
            // ANSI X9.24-3-2017 supplement test vectors, p.31 (via
            // openemv/pinblock test/pinblock_format4_test.c).
            ("4111111111111111", "44111111111111111000000000000000"),
            // moov-io/pinblock formats/iso4_test.go (encode logs).
            ("432198765432109870", "64321987654321098700000000000000"),
            // knovichikhin/psec tests/test_pinblock.py test_encode_pan_field_iso_4.
            ("112233445566778899", "61122334455667788990000000000000"),
            // Shorter than 12 digits: M = 0, right-justified, zero-padded
            // (§9.3.6); knovichikhin/psec@90ccbf3ae0ef psec/pinblock.py
            // encode_pan_field_iso_4, run on the PANs of its short-PAN test.
            ("1", "00000000000010000000000000000000"),
            ("123456789", "00001234567890000000000000000000"),
        ];
        for (pan, field) in cases {
            let pan = PinBlockPan::parse(pan).unwrap();
            assert_eq!(hex::encode_upper(iso4_pan_field(&pan)), field, "{pan:?}");
        }
    }

    #[test]
    fn fill_parsing() {
        assert_eq!(Fill::from_hex("aF0").unwrap().as_nibbles(), &[0xA, 0xF, 0]);
        assert!(Fill::from_hex("G").is_err());
        assert!(Fill::from_hex("00000000000000000").is_err());
        assert!(Fill::from_nibbles(&[0x10]).is_err());
        assert!(Fill::NONE.is_empty());
    }

    #[test]
    fn random_fill_ranges() {
        let mut rng = rand::rngs::OsRng;
        for _ in 0..200 {
            let f = random_fill(PinBlockFormat::Iso3, 4, &mut rng).unwrap();
            assert_eq!(f.len(), 10);
            assert!(f.as_nibbles().iter().all(|n| (0xA..=0xF).contains(n)));
        }
        assert_eq!(
            random_fill(PinBlockFormat::Iso4, 12, &mut rng)
                .unwrap()
                .len(),
            16
        );
        assert_eq!(
            random_fill(PinBlockFormat::Iso1, 12, &mut rng)
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            random_fill(PinBlockFormat::Iso0, 12, &mut rng)
                .unwrap()
                .len(),
            0
        );
    }

    /// A generator whose every draw fails, as a faulty firmware TRNG would.
    struct FailingRng;

    impl rand_core::RngCore for FailingRng {
        fn next_u32(&mut self) -> u32 {
            0
        }
        fn next_u64(&mut self) -> u64 {
            0
        }
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            dest.fill(0);
        }
        fn try_fill_bytes(&mut self, _: &mut [u8]) -> Result<(), rand_core::Error> {
            Err(rand_core::Error::from(
                core::num::NonZeroU32::new(rand_core::Error::CUSTOM_START).unwrap(),
            ))
        }
    }

    impl rand_core::CryptoRng for FailingRng {}

    #[test]
    fn failing_rng_is_random_failure() {
        let err = random_fill(PinBlockFormat::Iso3, 4, &mut FailingRng).unwrap_err();
        assert_eq!(err, Error::RandomFailure);
        assert_eq!(err.kind(), crate::ErrorKind::RandomFailure);
        // Formats without random fill never draw.
        assert!(random_fill(PinBlockFormat::Iso0, 4, &mut FailingRng).is_ok());
    }
}
