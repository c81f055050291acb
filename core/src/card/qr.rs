//! EMVCo merchant-presented mode (MPM) QR code payloads (EMV QRCPS-MPM
//! v1.1): zero-copy parse, CRC check and a builder into caller buffers.
//!
//! A payload is a sequence of data objects `ID LEN VALUE`: a two-digit ID, a
//! two-digit length counted in *characters* (QRCPS-MPM §4.1; values may be
//! UTF-8, e.g. in the Merchant Information — Language Template) and the
//! value. These IDs are templates whose value is itself a sequence of data
//! objects (QRCPS-MPM §4.2, §4.7, §4.8):
//! - top level 26-51 (Merchant Account Information), 62 (Additional Data
//!   Field Template), 64 (Merchant Information — Language Template) and
//!   80-99 (Unreserved Templates);
//! - inside 62, IDs 50-99 (Payment System specific templates).
//!
//! IDs 02-25 (reserved for payment networks, e.g. 15/16 UnionPay) and every
//! other ID are primitive.
//!
//! # Strict and lenient
//! [`Payload::parse`] enforces the specification: at most 512 characters,
//! well-formed objects, no duplicate ID in a template, ID 00 first with
//! value `01`, ID 01 `11`/`12` if present, at least one Merchant Account
//! Information (02-51), the mandatory IDs 52, 53, 58, 59, 60 with valid
//! values, Globally Unique Identifier (sub-ID 00) in templates 26-51 and
//! 80-99, language template sub-IDs 00 and 01, and ID 63 last with length
//! `04` and the right CRC in **upper-case** hex (QRCPS-MPM §4.7.3 and §4.8
//! say the CRC is presented in upper-case hexadecimal; accepting only that
//! keeps one encoding per payload). [`Payload::decode`] checks only the
//! object structure and duplicates and reports whether the CRC (either
//! case) matches through [`Payload::crc_valid`]; it is meant for display
//! (`paycore qr decode`), never for accepting a payment.
//!
//! The CRC is CRC-16/CCITT-FALSE ([`crc16_ccitt_false`]: polynomial 0x1021,
//! initial value 0xFFFF, no reflection, no final XOR) over the UTF-8 bytes
//! of the payload up to and including `6304` (QRCPS-MPM §4.7.3).
//!
//! # Example
//! ```
//! use paycore::card::qr::{Builder, Payload};
//!
//! // A PromptPay payload (no merchant name/city, so not strictly valid).
//! let p = "00020101021129370016A000000677010111011300668123456785204000053037645406100.505802TH6304ACCB";
//! let decoded = Payload::decode(p).unwrap();
//! assert!(decoded.crc_valid());
//! let account = decoded.get(29).unwrap();
//! assert_eq!(account.children().next().unwrap().value(), "A000000677010111");
//!
//! let mut buf = [0u8; 512];
//! let mut b = Builder::new(&mut buf);
//! b.primitive(0, "01").unwrap();
//! b.begin_template(26).unwrap();
//! b.primitive(0, "com.example").unwrap();
//! b.end_template().unwrap();
//! for (id, v) in [(52, "5812"), (53, "702"), (58, "SG"), (59, "SHOP"), (60, "SINGAPORE")] {
//!     b.primitive(id, v).unwrap();
//! }
//! let built = b.finish().unwrap();
//! assert!(Payload::parse(built).unwrap().crc_valid());
//! ```
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use core::fmt;

#[cfg(feature = "alloc")]
use alloc::string::String;

use crate::error::{Error, QrError};

/// Maximum payload length in characters (QRCPS-MPM §4.1: 512).
pub const MAX_PAYLOAD_LEN: usize = 512;
/// Maximum depth of template nesting (top level, template, template in 62).
const MAX_DEPTH: u8 = 3;

const ID_FORMAT: u8 = 0;
const ID_INITIATION: u8 = 1;
const ID_MCC: u8 = 52;
const ID_CURRENCY: u8 = 53;
const ID_AMOUNT: u8 = 54;
const ID_TIP: u8 = 55;
const ID_FEE_FIXED: u8 = 56;
const ID_FEE_PERCENT: u8 = 57;
const ID_COUNTRY: u8 = 58;
const ID_NAME: u8 = 59;
const ID_CITY: u8 = 60;
const ID_POSTAL: u8 = 61;
const ID_ADDITIONAL: u8 = 62;
const ID_CRC: u8 = 63;
const ID_LANGUAGE: u8 = 64;

/// CRC-16/CCITT-FALSE (ISO/IEC 13239; polynomial 0x1021, init 0xFFFF, no
/// reflection, no final XOR), as QRCPS-MPM §4.7.3 requires. Check value
/// for `"123456789"` is 0x29B1.
#[must_use]
pub fn crc16_ccitt_false(data: &[u8]) -> u16 {
    data.iter().fold(0xFFFF_u16, |crc, &byte| {
        let index = usize::from((crc >> 8) ^ u16::from(byte)) & 0xFF;
        (crc << 8) ^ CRC_TABLE.get(index).copied().unwrap_or(0)
    })
}

/// Byte-wise table for [`crc16_ccitt_false`], built at compile time.
const CRC_TABLE: [u16; 256] = {
    let mut table = [0u16; 256];
    let mut i = 0u16;
    while i < 256 {
        let mut crc = i << 8;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
            bit += 1;
        }
        // Const evaluation: an out-of-range index would fail the build,
        // never run time (and i < 256 anyway).
        #[allow(clippy::indexing_slicing)]
        {
            table[i as usize] = crc;
        }
        i += 1;
    }
    table
};

fn qr(e: QrError) -> Error {
    Error::Qr(e)
}

/// True when `id` at this nesting (`parent` = enclosing template ID, `None`
/// at top level) is a template.
const fn is_template(parent: Option<u8>, id: u8) -> bool {
    match parent {
        None => matches!(id, 26..=51 | ID_ADDITIONAL | ID_LANGUAGE | 80..=99),
        Some(ID_ADDITIONAL) => matches!(id, 50..=99),
        Some(_) => false,
    }
}

/// One raw object: (id, value, byte offset of the object, rest).
type Raw<'a> = (u8, &'a str, &'a str);

/// Reads one object from `s` (at byte `offset` in the payload).
fn read_object(s: &str, offset: usize) -> Result<Raw<'_>, Error> {
    let header = s
        .as_bytes()
        .get(..4)
        .ok_or(qr(QrError::Truncated { offset }))?;
    let digit = |i: usize| -> Result<u8, Error> {
        header
            .get(i)
            .filter(|c| c.is_ascii_digit())
            .map(|c| c - b'0')
            .ok_or(qr(QrError::InvalidHeader { offset }))
    };
    let id = digit(0)? * 10 + digit(1)?;
    let len = usize::from(digit(2)? * 10 + digit(3)?);
    // The header is four ASCII bytes, so byte 4 is a char boundary.
    let body = s.get(4..).ok_or(qr(QrError::Truncated { offset }))?;
    let end = match body.char_indices().nth(len) {
        Some((end, _)) => end,
        None if body.chars().count() == len => body.len(),
        None => return Err(qr(QrError::Truncated { offset })),
    };
    let (value, rest) = body
        .split_at_checked(end)
        .ok_or(qr(QrError::Truncated { offset }))?;
    Ok((id, value, rest))
}

/// Walks a template's objects, checking structure, duplicates and nesting.
fn walk(s: &str, base: usize, parent: Option<u8>, depth: u8) -> Result<(), Error> {
    let mut seen = [false; 100];
    let mut rest = s;
    while !rest.is_empty() {
        let offset = base + (s.len() - rest.len());
        let (id, value, next) = read_object(rest, offset)?;
        let slot = seen
            .get_mut(usize::from(id))
            .ok_or(qr(QrError::InvalidHeader { offset }))?;
        if *slot {
            return Err(qr(QrError::DuplicateId { id }));
        }
        *slot = true;
        if is_template(parent, id) {
            if depth + 1 >= MAX_DEPTH {
                return Err(qr(QrError::InvalidHeader { offset }));
            }
            walk(value, offset + 4, Some(id), depth + 1)?;
        }
        rest = next;
    }
    Ok(())
}

/// Data objects of one template (or of the payload), in order.
///
/// Created from a payload that has been checked, so it yields only
/// well-formed objects.
#[derive(Clone, Debug)]
pub struct Fields<'a> {
    rest: &'a str,
    parent: Option<u8>,
}

impl<'a> Iterator for Fields<'a> {
    type Item = DataObject<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        match read_object(self.rest, 0) {
            Ok((id, value, rest)) => {
                self.rest = rest;
                Some(DataObject {
                    id,
                    value,
                    template: is_template(self.parent, id),
                })
            }
            Err(_) => {
                self.rest = "";
                None
            }
        }
    }
}

/// One data object: an ID with a primitive value or template children.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataObject<'a> {
    id: u8,
    value: &'a str,
    template: bool,
}

impl<'a> DataObject<'a> {
    /// The two-digit ID, 0-99.
    #[must_use]
    pub const fn id(&self) -> u8 {
        self.id
    }

    /// The raw value (for a template, its encoded children).
    #[must_use]
    pub const fn value(&self) -> &'a str {
        self.value
    }

    /// True when this object is a template (see the module docs).
    #[must_use]
    pub const fn is_template(&self) -> bool {
        self.template
    }

    /// The children of a template; empty for a primitive object.
    #[must_use]
    pub fn children(&self) -> Fields<'a> {
        Fields {
            rest: if self.template { self.value } else { "" },
            parent: Some(self.id),
        }
    }

    /// The child with this ID, if this is a template that has it.
    #[must_use]
    pub fn child(&self, id: u8) -> Option<DataObject<'a>> {
        self.children().find(|c| c.id == id)
    }
}

/// Point of Initiation Method, ID 01 (QRCPS-MPM §4.7.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PointOfInitiation {
    /// `11`: static — the same code for many transactions.
    Static,
    /// `12`: dynamic — a code for one transaction.
    Dynamic,
}

/// A checked EMVCo MPM payload borrowed from the input text.
#[derive(Clone, Copy, Debug)]
pub struct Payload<'a> {
    text: &'a str,
    crc_valid: bool,
}

impl<'a> Payload<'a> {
    /// Parses and validates a payload strictly (see the module docs).
    ///
    /// # Errors
    /// [`QrError::TooLong`], [`QrError::Truncated`], [`QrError::InvalidHeader`],
    /// [`QrError::DuplicateId`], [`QrError::Misplaced`], [`QrError::MissingId`],
    /// [`QrError::InvalidValue`], or [`QrError::CrcMismatch`] when ID 63 is
    /// missing, malformed, not upper-case hex or does not match.
    pub fn parse(text: &'a str) -> Result<Self, Error> {
        let payload = Self::decode(text)?;
        payload.check_strict()?;
        Ok(payload)
    }

    /// The strict verdict on a payload from [`Payload::decode`]: `Ok` exactly
    /// when [`Payload::parse`] accepts the same text, otherwise the first
    /// strict rule it breaks (module docs, "Strict and lenient"). Lets a
    /// display show the object tree *and* say what is wrong with it (a
    /// format indicator `02`, a missing merchant name, a bad CRC).
    ///
    /// # Errors
    /// [`QrError::Misplaced`], [`QrError::MissingId`],
    /// [`QrError::InvalidValue`], or [`QrError::CrcMismatch`] when ID 63 is
    /// missing, malformed, not upper-case hex or does not match.
    pub fn check_strict(&self) -> Result<(), Error> {
        self.check_rules()?;
        if !self.crc_valid || !self.crc_upper_case() {
            return Err(qr(QrError::CrcMismatch));
        }
        Ok(())
    }

    /// Decodes the object structure only (length limit, well-formed
    /// objects, no duplicate IDs, bounded nesting) and records whether the
    /// CRC matches. For display and diagnostics, not for accepting payments.
    ///
    /// # Errors
    /// [`QrError::TooLong`], [`QrError::Truncated`], [`QrError::InvalidHeader`]
    /// or [`QrError::DuplicateId`].
    pub fn decode(text: &'a str) -> Result<Self, Error> {
        if text.chars().count() > MAX_PAYLOAD_LEN {
            return Err(qr(QrError::TooLong {
                max: MAX_PAYLOAD_LEN,
            }));
        }
        walk(text, 0, None, 0)?;
        let mut payload = Self {
            text,
            crc_valid: false,
        };
        payload.crc_valid = payload.compute_crc_valid();
        Ok(payload)
    }

    fn last(&self) -> Option<DataObject<'a>> {
        self.fields().last()
    }

    fn compute_crc_valid(&self) -> bool {
        let Some(last) = self.last().filter(|o| o.id == ID_CRC) else {
            return false;
        };
        let value = last.value.as_bytes();
        if value.len() != 4 || !value.iter().all(u8::is_ascii_hexdigit) {
            return false;
        }
        let covered = self
            .text
            .as_bytes()
            .get(..self.text.len() - 4)
            .unwrap_or(&[]);
        let given = value
            .iter()
            .fold(0u16, |acc, &c| (acc << 4) | u16::from(hex_value(c)));
        crc16_ccitt_false(covered) == given
    }

    fn crc_upper_case(&self) -> bool {
        self.last()
            .is_some_and(|o| !o.value.bytes().any(|c| c.is_ascii_lowercase()))
    }

    fn check_rules(&self) -> Result<(), Error> {
        let mut fields = self.fields();
        match fields.next() {
            Some(o) if o.id == ID_FORMAT => {
                if o.value != "01" {
                    return Err(qr(QrError::InvalidValue { id: ID_FORMAT }));
                }
            }
            Some(_) => return Err(qr(QrError::Misplaced { id: ID_FORMAT })),
            None => return Err(qr(QrError::MissingId { id: ID_FORMAT })),
        }
        let mut seen = [false; 100];
        for o in self.fields() {
            if let Some(s) = seen.get_mut(usize::from(o.id)) {
                *s = true;
            }
            check_value(&o)?;
        }
        for id in [ID_MCC, ID_CURRENCY, ID_COUNTRY, ID_NAME, ID_CITY, ID_CRC] {
            if !seen.get(usize::from(id)).copied().unwrap_or(false) {
                return Err(qr(QrError::MissingId { id }));
            }
        }
        if !seen.get(2..=51).is_some_and(|s| s.iter().any(|&b| b)) {
            return Err(qr(QrError::MissingId { id: 2 }));
        }
        match self.last() {
            Some(o) if o.id == ID_CRC => {}
            _ => return Err(qr(QrError::Misplaced { id: ID_CRC })),
        }
        Ok(())
    }

    /// True when ID 63 is last, four hex digits, and matches the CRC of
    /// the payload up to and including `6304`. Always true after
    /// [`Payload::parse`].
    #[must_use]
    pub const fn crc_valid(&self) -> bool {
        self.crc_valid
    }

    /// The payload text.
    #[must_use]
    pub const fn as_str(&self) -> &'a str {
        self.text
    }

    /// The top-level data objects in order (including ID 63).
    #[must_use]
    pub const fn fields(&self) -> Fields<'a> {
        Fields {
            rest: self.text,
            parent: None,
        }
    }

    /// The top-level object with this ID.
    #[must_use]
    pub fn get(&self, id: u8) -> Option<DataObject<'a>> {
        self.fields().find(|o| o.id == id)
    }

    fn value(&self, id: u8) -> Option<&'a str> {
        self.get(id).map(|o| o.value)
    }

    /// ID 01, if present and valid.
    #[must_use]
    pub fn point_of_initiation(&self) -> Option<PointOfInitiation> {
        match self.value(ID_INITIATION)? {
            "11" => Some(PointOfInitiation::Static),
            "12" => Some(PointOfInitiation::Dynamic),
            _ => None,
        }
    }

    /// ID 52, Merchant Category Code (ISO 18245).
    #[must_use]
    pub fn merchant_category_code(&self) -> Option<&'a str> {
        self.value(ID_MCC)
    }

    /// ID 53, Transaction Currency (ISO 4217 numeric).
    #[must_use]
    pub fn currency(&self) -> Option<&'a str> {
        self.value(ID_CURRENCY)
    }

    /// ID 54, Transaction Amount.
    #[must_use]
    pub fn amount(&self) -> Option<&'a str> {
        self.value(ID_AMOUNT)
    }

    /// ID 58, Country Code (ISO 3166-1 alpha-2).
    #[must_use]
    pub fn country_code(&self) -> Option<&'a str> {
        self.value(ID_COUNTRY)
    }

    /// ID 59, Merchant Name.
    #[must_use]
    pub fn merchant_name(&self) -> Option<&'a str> {
        self.value(ID_NAME)
    }

    /// ID 60, Merchant City.
    #[must_use]
    pub fn merchant_city(&self) -> Option<&'a str> {
        self.value(ID_CITY)
    }
}

fn hex_value(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

/// QRCPS-MPM §4.7.1 amount format: digits with at most one `.` decimal
/// mark, at least one digit, at most 13 characters.
fn is_amount(v: &str) -> bool {
    let digits = v.bytes().filter(u8::is_ascii_digit).count();
    let dots = v.bytes().filter(|&c| c == b'.').count();
    (1..=13).contains(&v.len()) && digits >= 1 && dots <= 1 && digits + dots == v.len()
}

fn is_digits(v: &str, len: usize) -> bool {
    v.len() == len && v.bytes().all(|c| c.is_ascii_digit())
}

/// Per-ID value rules of QRCPS-MPM §4.7-§4.8 for a top-level object.
fn check_value(o: &DataObject<'_>) -> Result<(), Error> {
    let v = o.value;
    let chars = v.chars().count();
    let ok = match o.id {
        ID_FORMAT => v == "01",
        ID_INITIATION => v == "11" || v == "12",
        2..=25 => chars >= 1,
        26..=51 | 80..=99 => o.child(0).is_some_and(|g| !g.value.is_empty()),
        ID_MCC => is_digits(v, 4),
        ID_CURRENCY => is_digits(v, 3),
        ID_AMOUNT | ID_FEE_FIXED => is_amount(v),
        ID_FEE_PERCENT => is_amount(v) && v.len() <= 5,
        ID_TIP => matches!(v, "01" | "02" | "03"),
        ID_COUNTRY => v.len() == 2 && v.bytes().all(|c| c.is_ascii_uppercase()),
        ID_NAME => (1..=25).contains(&chars),
        ID_CITY => (1..=15).contains(&chars),
        ID_POSTAL => (1..=10).contains(&chars),
        // §4.8: Additional Data Field sub-IDs 01-09 are ans ..25.
        ID_ADDITIONAL => o
            .children()
            .filter(|c| (1..=9).contains(&c.id))
            .all(|c| c.value.chars().count() <= 25),
        // §4.9: language preference (2), alternate name ..25, city ..15.
        ID_LANGUAGE => {
            o.child(0).is_some_and(|l| l.value.len() == 2)
                && o.child(1).is_some_and(|n| n.value.chars().count() <= 25)
                && o.child(2).is_none_or(|c| c.value.chars().count() <= 15)
        }
        ID_CRC => v.len() == 4,
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(qr(QrError::InvalidValue { id: o.id }))
    }
}

/// Writes a payload into a caller buffer, data object by data object in
/// the order given, then appends ID 63 with the CRC (QRCPS-MPM §4.7.3).
///
/// The builder checks the encoding (IDs 0-99, lengths 1-99 characters,
/// template nesting, 512 characters in all) but not the semantic rules;
/// run [`Payload::parse`] on the result to check those.
pub struct Builder<'b> {
    out: &'b mut [u8],
    len: usize,
    chars: usize,
    /// Open templates: (byte offset of the length field, chars at value start, id).
    open: [(usize, usize, u8); 2],
    depth: usize,
}

impl fmt::Debug for Builder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("len", &self.len)
            .field("depth", &self.depth)
            .finish_non_exhaustive()
    }
}

impl<'b> Builder<'b> {
    /// A builder writing into `out` (at most 2048 bytes are ever needed:
    /// 512 characters of up to 4 UTF-8 bytes).
    #[must_use]
    pub fn new(out: &'b mut [u8]) -> Self {
        Self {
            out,
            len: 0,
            chars: 0,
            open: [(0, 0, 0); 2],
            depth: 0,
        }
    }

    fn put(&mut self, bytes: &[u8], chars: usize) -> Result<(), Error> {
        let end = self.len + bytes.len();
        let provided = self.out.len();
        self.out
            .get_mut(self.len..end)
            .ok_or(Error::buffer_too_small(end, provided))?
            .copy_from_slice(bytes);
        self.len = end;
        self.chars += chars;
        if self.chars > MAX_PAYLOAD_LEN {
            return Err(qr(QrError::TooLong {
                max: MAX_PAYLOAD_LEN,
            }));
        }
        Ok(())
    }

    fn header(&mut self, id: u8, len: usize) -> Result<(), Error> {
        if id > 99 || id == ID_CRC && self.depth == 0 {
            return Err(Error::invalid_argument("id"));
        }
        let len = u8::try_from(len)
            .ok()
            .filter(|l| (1..=99).contains(l))
            .ok_or(qr(QrError::InvalidValue { id }))?;
        self.put(&two_digits(id), 2)?;
        self.put(&two_digits(len), 2)
    }

    /// Appends a primitive data object.
    ///
    /// # Errors
    /// [`crate::error::ApiMisuse::InvalidArgument`] for an ID above 99 or a
    /// top-level ID 63 (the builder writes the CRC);
    /// [`QrError::InvalidValue`] for a value of 0 or more than 99
    /// characters; [`QrError::TooLong`]; buffer too small.
    pub fn primitive(&mut self, id: u8, value: &str) -> Result<&mut Self, Error> {
        let chars = value.chars().count();
        self.header(id, chars)?;
        self.put(value.as_bytes(), chars)?;
        Ok(self)
    }

    /// Opens a template; its children follow until [`Builder::end_template`].
    ///
    /// # Errors
    /// [`crate::error::ApiMisuse::InvalidArgument`] for an ID above 99, ID
    /// 63, or nesting deeper than two templates; [`QrError::TooLong`];
    /// buffer too small.
    pub fn begin_template(&mut self, id: u8) -> Result<&mut Self, Error> {
        if self.depth >= self.open.len() {
            return Err(Error::invalid_argument("template depth"));
        }
        // Placeholder length, patched by end_template.
        self.header(id, 1)?;
        let slot = self
            .open
            .get_mut(self.depth)
            .ok_or(Error::invalid_argument("template depth"))?;
        *slot = (self.len - 2, self.chars, id);
        self.depth += 1;
        Ok(self)
    }

    /// Closes the innermost open template and writes its length.
    ///
    /// # Errors
    /// [`crate::error::ApiMisuse::InvalidArgument`] if no template is open;
    /// [`QrError::InvalidValue`] if the template is empty or longer than 99
    /// characters.
    pub fn end_template(&mut self) -> Result<&mut Self, Error> {
        self.depth = self
            .depth
            .checked_sub(1)
            .ok_or(Error::invalid_argument("end_template"))?;
        let (at, start, id) = self
            .open
            .get(self.depth)
            .copied()
            .ok_or(Error::invalid_argument("end_template"))?;
        let len = u8::try_from(self.chars - start)
            .ok()
            .filter(|l| (1..=99).contains(l))
            .ok_or(qr(QrError::InvalidValue { id }))?;
        self.out
            .get_mut(at..at + 2)
            .ok_or(Error::invalid_argument("end_template"))?
            .copy_from_slice(&two_digits(len));
        Ok(self)
    }

    /// Appends `6304` and the CRC and returns the payload text.
    ///
    /// # Errors
    /// [`crate::error::ApiMisuse::InvalidArgument`] if a template is still
    /// open; [`QrError::TooLong`]; buffer too small.
    pub fn finish(mut self) -> Result<&'b str, Error> {
        if self.depth != 0 {
            return Err(Error::invalid_argument("unclosed template"));
        }
        if self.chars + 8 > MAX_PAYLOAD_LEN {
            return Err(qr(QrError::TooLong {
                max: MAX_PAYLOAD_LEN,
            }));
        }
        self.put(b"6304", 4)?;
        let crc = crc16_ccitt_false(self.out.get(..self.len).unwrap_or(&[]));
        let hex = *b"0123456789ABCDEF";
        let digits = [12u16, 8, 4, 0].map(|shift| {
            hex.get(usize::from((crc >> shift) & 0xF))
                .copied()
                .unwrap_or(b'0')
        });
        self.put(&digits, 4)?;
        let len = self.len;
        let out: &'b [u8] = self.out;
        core::str::from_utf8(out.get(..len).unwrap_or(&[]))
            .map_err(|_| Error::invalid_argument("utf-8"))
    }
}

fn two_digits(n: u8) -> [u8; 2] {
    [b'0' + n / 10 % 10, b'0' + n % 10]
}

/// Builds a payload into a `String` with a closure that adds the objects.
///
/// # Errors
/// Any error of the closure or of [`Builder::finish`].
#[cfg(feature = "alloc")]
pub fn build_string(
    add: impl FnOnce(&mut Builder<'_>) -> Result<(), Error>,
) -> Result<String, Error> {
    let mut buf = [0u8; 4 * MAX_PAYLOAD_LEN];
    let mut builder = Builder::new(&mut buf);
    add(&mut builder)?;
    builder.finish().map(String::from)
}

#[cfg(test)]
mod tests;
