//! The transaction record of a POS sale and its canonical binary encoding.
//!
//! A [`TransactionRecord`] holds what a terminal signs, seals and journals
//! for one transaction. It never holds the clear PAN: only the masked PAN
//! (PCI DSS 3.4: first 6 / last 4 digits when 15 digits or more, last 4
//! only below that, see [`MaskedPan`]) and a keyed [`PanToken`]
//! (HMAC-SHA256 of the PAN under a tokenization key, truncated to 16 bytes).
//!
//! # Encoding, version 2 (byte for byte)
//!
//! ```text
//! record  = version field*
//! version = 0x02
//! field   = tag(1 byte) length(1 byte) value(length bytes)
//! ```
//!
//! Fields appear in strictly increasing tag order; optional fields are
//! omitted entirely when absent. Integers are unsigned big-endian of the
//! fixed length given. Text is ASCII.
//!
//! | tag | field | length | value |
//! |---|---|---|---|
//! | `0x01` | merchant ID (ISO 8583 DE 42) | 1-15 | printable ASCII `0x20..=0x7E` |
//! | `0x02` | terminal ID (DE 41) | 1-8 | printable ASCII |
//! | `0x03` | STAN (DE 11) | 4 | u32, `0..=999_999` |
//! | `0x04` | amount in minor units (DE 4) | 8 | u64, `0..=999_999_999_999` |
//! | `0x05` | currency, ISO 4217 numeric (DE 49) | 2 | u16, `1..=999` |
//! | `0x06` | transaction type | 1 | [`TransactionType`] code |
//! | `0x07` | entry mode | 1 | [`EntryMode`] code |
//! | `0x08` | timestamp, UTC seconds since 1970-01-01 | 8 | u64 |
//! | `0x09` | masked PAN | 12-19 | ASCII: last 4 are digits; first 6 are digits if length ≥ 15, else `*`; all others `*` |
//! | `0x0A` | PAN token | 16 | bytes |
//! | `0x0B` | authorization code (DE 38), optional | 6 | ASCII letters/digits/space |
//! | `0x0C` | response code (DE 39) | 2 | ASCII letters/digits |
//! | `0x0D` | SHA-256 of the signature image, optional | 32 | bytes |
//!
//! Decoding is strict: a wrong version, an unknown tag, a repeated or
//! out-of-order tag, a missing mandatory field, a wrong length, an invalid
//! value or any trailing byte is rejected; so every accepted encoding is the
//! one [`TransactionRecord::encode`] produces (the encoding is canonical).
//! The longest record is [`MAX_ENCODED_LEN`] bytes.
//!
//! # Signature (version 2)
//!
//! The device signs `SHA-256("paycore/record/v2\0" || encoding)` with
//! ECDSA P-256 ([`DeviceSigningKey::sign_record`](super::ecdsa::DeviceSigningKey::sign_record),
//! checked by [`VerifyingKey::verify_record`](super::ecdsa::VerifyingKey::verify_record));
//! see [`ecdsa`](super::ecdsa), "Signature domains". The label keeps a
//! record signature apart from every other signature the device key makes.
//!
//! Version 1 had the same field table but its signature covered the bare
//! encoding, so a generic signature over the same bytes passed as a record
//! signature. Version 1 encodings are refused (decoding and verification
//! fail with [`SignError::MalformedRecord`] at offset 0); re-sign the
//! record to move it to version 2.
//!
//! # Example
//! ```
//! use paycore::sign::record::{EntryMode, MaskedPan, PanToken, TransactionRecord, TransactionType};
//!
//! let masked = MaskedPan::parse("411111******1111")?;
//! let record = TransactionRecord {
//!     merchant_id: "MERCHANT0000001",
//!     terminal_id: "TERM0001",
//!     stan: 123,
//!     amount_minor: 1_999,
//!     currency: 978,
//!     transaction_type: TransactionType::Sale,
//!     entry_mode: EntryMode::Contactless,
//!     timestamp: 1_700_000_000,
//!     masked_pan: masked.as_str(),
//!     pan_token: PanToken::from_bytes([7; 16]),
//!     authorization_code: Some("A1B2C3"),
//!     response_code: "00",
//!     signature_image_hash: None,
//! };
//! let mut buf = [0u8; paycore::sign::record::MAX_ENCODED_LEN];
//! let n = record.encode(&mut buf)?;
//! let back = TransactionRecord::decode(&buf[..n])?;
//! assert_eq!(back, record);
//! # Ok::<(), paycore::Error>(())
//! ```
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use core::fmt;

use subtle::{Choice, ConstantTimeEq};

use crate::card::pan::{Pan, mask_keeps};
use crate::error::{Error, SignError};
use crate::keys::{Key, KeyUsage, Operation};

/// Encoding version byte (version 2: domain-separated signatures).
pub const VERSION: u8 = 0x02;
/// Longest encoded record: version byte plus every field at its maximum.
pub const MAX_ENCODED_LEN: usize = 1
    + (2 + 15)
    + (2 + 8)
    + (2 + 4)
    + (2 + 8)
    + (2 + 2)
    + (2 + 1)
    + (2 + 1)
    + (2 + 8)
    + (2 + 19)
    + (2 + 16)
    + (2 + 6)
    + (2 + 2)
    + (2 + 32);
/// Length of a [`PanToken`].
pub const PAN_TOKEN_LEN: usize = 16;

const MAX_STAN: u32 = 999_999;
const MAX_AMOUNT: u64 = 999_999_999_999;

mod tag {
    pub(super) const MERCHANT_ID: u8 = 0x01;
    pub(super) const TERMINAL_ID: u8 = 0x02;
    pub(super) const STAN: u8 = 0x03;
    pub(super) const AMOUNT: u8 = 0x04;
    pub(super) const CURRENCY: u8 = 0x05;
    pub(super) const TRANSACTION_TYPE: u8 = 0x06;
    pub(super) const ENTRY_MODE: u8 = 0x07;
    pub(super) const TIMESTAMP: u8 = 0x08;
    pub(super) const MASKED_PAN: u8 = 0x09;
    pub(super) const PAN_TOKEN: u8 = 0x0A;
    pub(super) const AUTHORIZATION_CODE: u8 = 0x0B;
    pub(super) const RESPONSE_CODE: u8 = 0x0C;
    pub(super) const SIGNATURE_IMAGE_HASH: u8 = 0x0D;
}

/// What the transaction does. Codes are this crate's (record encoding).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransactionType {
    /// `0x01` Purchase.
    Sale,
    /// `0x02` Refund (credit to the cardholder).
    Refund,
    /// `0x03` Void of an earlier transaction.
    Void,
    /// `0x04` Pre-authorization.
    PreAuthorization,
    /// `0x05` Completion of a pre-authorization.
    Completion,
    /// `0x06` Reversal.
    Reversal,
}

impl TransactionType {
    /// The encoding byte.
    #[must_use]
    pub const fn code(self) -> u8 {
        match self {
            Self::Sale => 0x01,
            Self::Refund => 0x02,
            Self::Void => 0x03,
            Self::PreAuthorization => 0x04,
            Self::Completion => 0x05,
            Self::Reversal => 0x06,
        }
    }

    /// Parses the encoding byte.
    ///
    /// # Errors
    /// [`SignError::InvalidField`] `transaction_type` for an unknown code.
    pub const fn from_code(code: u8) -> Result<Self, Error> {
        Ok(match code {
            0x01 => Self::Sale,
            0x02 => Self::Refund,
            0x03 => Self::Void,
            0x04 => Self::PreAuthorization,
            0x05 => Self::Completion,
            0x06 => Self::Reversal,
            _ => return Err(invalid("transaction_type")),
        })
    }
}

/// How the card data was captured. Codes are this crate's (record encoding).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EntryMode {
    /// `0x01` Contact chip (EMV).
    Chip,
    /// `0x02` Contactless (EMV or magstripe mode).
    Contactless,
    /// `0x03` Magnetic stripe.
    Magstripe,
    /// `0x04` EMVCo QR code.
    Qr,
    /// `0x05` Manual key entry.
    Manual,
    /// `0x06` Magnetic stripe as fallback after a chip failure.
    Fallback,
}

impl EntryMode {
    /// The encoding byte.
    #[must_use]
    pub const fn code(self) -> u8 {
        match self {
            Self::Chip => 0x01,
            Self::Contactless => 0x02,
            Self::Magstripe => 0x03,
            Self::Qr => 0x04,
            Self::Manual => 0x05,
            Self::Fallback => 0x06,
        }
    }

    /// Parses the encoding byte.
    ///
    /// # Errors
    /// [`SignError::InvalidField`] `entry_mode` for an unknown code.
    pub const fn from_code(code: u8) -> Result<Self, Error> {
        Ok(match code {
            0x01 => Self::Chip,
            0x02 => Self::Contactless,
            0x03 => Self::Magstripe,
            0x04 => Self::Qr,
            0x05 => Self::Manual,
            0x06 => Self::Fallback,
            _ => return Err(invalid("entry_mode")),
        })
    }
}

/// A keyed PAN token: HMAC-SHA256 (FIPS 198-1) of the PAN's ASCII digits
/// under a tokenization key, truncated to the leftmost 16 bytes. The same
/// PAN under the same key always gives the same token, so the host can
/// link transactions without the clear PAN; without the key the token
/// reveals nothing of the PAN.
///
/// No `PartialEq`/`Hash`: a token compared with `==` would leak, through
/// timing, how many leading bytes of a guessed token are right. Compare with
/// [`PanToken::ct_eq`] (constant time, `subtle`).
#[derive(Clone, Copy)]
pub struct PanToken([u8; PAN_TOKEN_LEN]);

impl PanToken {
    /// Tokenizes `pan` under `key`: HMAC-SHA256(key, PAN ASCII digits),
    /// leftmost 16 bytes. The key needs usage `M7` (HMAC) and a mode of use
    /// permitting [`Operation::Generate`]; its material is 16, 24 or 32 bytes.
    ///
    /// # Errors
    /// Key usage / mode errors.
    pub fn compute(key: &Key, pan: &Pan) -> Result<Self, Error> {
        key.require(&[KeyUsage::MacHmac], Operation::Generate)?;
        // EXPOSE: the PAN digits are the HMAC input; they stay in this frame.
        let digest =
            crate::mac::hmac_sha256_raw(key.material(), &[pan.expose_secret().as_bytes()])?;
        let mut out = [0u8; PAN_TOKEN_LEN];
        out.iter_mut().zip(digest.iter()).for_each(|(o, d)| *o = *d);
        Ok(Self(out))
    }

    /// A token from its bytes (as received from the host or decoded).
    #[must_use]
    pub const fn from_bytes(bytes: [u8; PAN_TOKEN_LEN]) -> Self {
        Self(bytes)
    }

    /// The token bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; PAN_TOKEN_LEN] {
        &self.0
    }

    /// Constant-time equality (`subtle`): the time taken does not depend on
    /// where the tokens differ. `bool::from(a.ct_eq(&b))` for a plain bool.
    #[must_use]
    pub fn ct_eq(&self, other: &Self) -> Choice {
        self.0.ct_eq(&other.0)
    }
}

impl ConstantTimeEq for PanToken {
    fn ct_eq(&self, other: &Self) -> Choice {
        Self::ct_eq(self, other)
    }
}

impl fmt::Debug for PanToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PanToken(")?;
        for b in self.0 {
            write!(f, "{b:02X}")?;
        }
        f.write_str(")")
    }
}

/// A masked PAN (PCI DSS requirement 3.4): `NNNNNN***…NNNN`, first 6 and
/// last 4 digits kept and the rest `*`, when at least 5 digits stay hidden
/// (PANs of 15-19 digits); `********NNNN`, only the last 4 kept, for PANs
/// of 12-14 digits. The same rule as [`Pan`]'s `Display`. Owned, inline,
/// no alloc.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct MaskedPan {
    text: [u8; 19],
    len: usize,
}

impl MaskedPan {
    /// Masks `pan`.
    #[must_use]
    pub fn from_pan(pan: &Pan) -> Self {
        // EXPOSE: the digits are copied only to keep those the mask shows.
        let digits = pan.expose_secret().as_bytes();
        let len = digits.len().min(19);
        let mut text = [b'*'; 19];
        for (i, (t, d)) in text.iter_mut().zip(digits.iter()).enumerate() {
            if mask_keeps(i, len) {
                *t = *d;
            }
        }
        Self { text, len }
    }

    /// Checks a masked PAN received in text form.
    ///
    /// # Errors
    /// [`SignError::InvalidField`] `masked_pan` unless it is 12-19 characters
    /// masked as [`MaskedPan::from_pan`] does: the last 4 are digits, the
    /// first 6 are digits if the length is 15 or more and `*` otherwise,
    /// all others are `*`.
    pub fn parse(text: &str) -> Result<Self, Error> {
        check_masked_pan(text.as_bytes())?;
        let mut out = [b'*'; 19];
        out.iter_mut().zip(text.bytes()).for_each(|(o, c)| *o = c);
        Ok(Self {
            text: out,
            len: text.len(),
        })
    }

    /// The masked text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(self.text.get(..self.len).unwrap_or(&[])).unwrap_or("")
    }
}

impl fmt::Debug for MaskedPan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MaskedPan({})", self.as_str())
    }
}

impl fmt::Display for MaskedPan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One POS transaction, as signed, sealed and journaled. Text fields
/// borrow from the caller or, after [`decode`](Self::decode), from the
/// encoded bytes (zero-copy). Every field is validated by
/// [`encode`](Self::encode) and [`decode`](Self::decode) against the
/// table in the module docs.
///
/// Equality compares every field, the [`PanToken`] in constant time.
#[derive(Debug, Clone, Copy)]
pub struct TransactionRecord<'a> {
    /// Merchant ID (card acceptor ID, ISO 8583 DE 42), 1-15 printable ASCII.
    pub merchant_id: &'a str,
    /// Terminal ID (DE 41), 1-8 printable ASCII.
    pub terminal_id: &'a str,
    /// System trace audit number (DE 11), `0..=999_999`.
    pub stan: u32,
    /// Amount in minor units of `currency` (DE 4), `0..=999_999_999_999`.
    pub amount_minor: u64,
    /// ISO 4217 numeric currency code, `1..=999`.
    pub currency: u16,
    /// Transaction type.
    pub transaction_type: TransactionType,
    /// Card data entry mode.
    pub entry_mode: EntryMode,
    /// UTC time, seconds since the Unix epoch.
    pub timestamp: u64,
    /// Masked PAN (see [`MaskedPan`]).
    pub masked_pan: &'a str,
    /// Keyed PAN token.
    pub pan_token: PanToken,
    /// Authorization code (DE 38): 6 ASCII letters, digits or spaces; absent
    /// when declined or offline.
    pub authorization_code: Option<&'a str>,
    /// Response code (DE 39): 2 ASCII letters or digits.
    pub response_code: &'a str,
    /// SHA-256 of the cardholder's electronic signature image, if captured.
    pub signature_image_hash: Option<[u8; 32]>,
}

impl PartialEq for TransactionRecord<'_> {
    fn eq(&self, other: &Self) -> bool {
        // Destructured so that a new field cannot be forgotten here.
        let Self {
            merchant_id,
            terminal_id,
            stan,
            amount_minor,
            currency,
            transaction_type,
            entry_mode,
            timestamp,
            masked_pan,
            pan_token,
            authorization_code,
            response_code,
            signature_image_hash,
        } = self;
        let token_eq = bool::from(pan_token.ct_eq(&other.pan_token));
        token_eq
            & (*merchant_id == other.merchant_id)
            & (*terminal_id == other.terminal_id)
            & (*stan == other.stan)
            & (*amount_minor == other.amount_minor)
            & (*currency == other.currency)
            & (*transaction_type == other.transaction_type)
            & (*entry_mode == other.entry_mode)
            & (*timestamp == other.timestamp)
            & (*masked_pan == other.masked_pan)
            & (*authorization_code == other.authorization_code)
            & (*response_code == other.response_code)
            & (*signature_image_hash == other.signature_image_hash)
    }
}

impl Eq for TransactionRecord<'_> {}

const fn invalid(field: &'static str) -> Error {
    Error::Sign(SignError::InvalidField { field })
}

const fn malformed(offset: usize) -> Error {
    Error::Sign(SignError::MalformedRecord { offset })
}

fn check_text(
    v: &[u8],
    field: &'static str,
    min: usize,
    max: usize,
    ok: fn(u8) -> bool,
) -> Result<(), Error> {
    if v.len() < min || v.len() > max || !v.iter().all(|c| ok(*c)) {
        return Err(invalid(field));
    }
    Ok(())
}

const fn printable(c: u8) -> bool {
    matches!(c, 0x20..=0x7E)
}

fn check_masked_pan(v: &[u8]) -> Result<(), Error> {
    if v.len() < 12 || v.len() > 19 {
        return Err(invalid("masked_pan"));
    }
    let len = v.len();
    let ok = v.iter().enumerate().all(|(i, c)| {
        if mask_keeps(i, len) {
            c.is_ascii_digit()
        } else {
            *c == b'*'
        }
    });
    if ok {
        Ok(())
    } else {
        Err(invalid("masked_pan"))
    }
}

/// A bounded writer over the caller's buffer.
struct Writer<'b> {
    out: &'b mut [u8],
    pos: usize,
}

impl Writer<'_> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let end = self.pos + bytes.len();
        let provided = self.out.len();
        self.out
            .get_mut(self.pos..end)
            .ok_or(Error::buffer_too_small(end, provided))?
            .copy_from_slice(bytes);
        self.pos = end;
        Ok(())
    }

    fn field(&mut self, tag: u8, value: &[u8]) -> Result<(), Error> {
        let len = u8::try_from(value.len()).map_err(|_| invalid("length"))?;
        self.put(&[tag, len])?;
        self.put(value)
    }
}

impl<'a> TransactionRecord<'a> {
    /// Validates every field against the module table.
    ///
    /// # Errors
    /// [`SignError::InvalidField`] naming the first invalid field.
    pub fn validate(&self) -> Result<(), Error> {
        check_text(self.merchant_id.as_bytes(), "merchant_id", 1, 15, printable)?;
        check_text(self.terminal_id.as_bytes(), "terminal_id", 1, 8, printable)?;
        if self.stan > MAX_STAN {
            return Err(invalid("stan"));
        }
        if self.amount_minor > MAX_AMOUNT {
            return Err(invalid("amount"));
        }
        if self.currency == 0 || self.currency > 999 {
            return Err(invalid("currency"));
        }
        check_masked_pan(self.masked_pan.as_bytes())?;
        if let Some(code) = self.authorization_code {
            check_text(code.as_bytes(), "authorization_code", 6, 6, |c| {
                c.is_ascii_alphanumeric() || c == b' '
            })?;
        }
        check_text(self.response_code.as_bytes(), "response_code", 2, 2, |c| {
            c.is_ascii_alphanumeric()
        })?;
        Ok(())
    }

    /// The encoded length of this record.
    #[must_use]
    pub fn encoded_len(&self) -> usize {
        1 + (2 + self.merchant_id.len())
            + (2 + self.terminal_id.len())
            + (2 + 4)
            + (2 + 8)
            + (2 + 2)
            + (2 + 1)
            + (2 + 1)
            + (2 + 8)
            + (2 + self.masked_pan.len())
            + (2 + PAN_TOKEN_LEN)
            + self.authorization_code.map_or(0, |c| 2 + c.len())
            + (2 + self.response_code.len())
            + self.signature_image_hash.map_or(0, |_| 2 + 32)
    }

    /// Writes the canonical version-2 encoding into `out` and returns its
    /// length. Nothing is written if validation fails.
    ///
    /// # Errors
    /// [`SignError::InvalidField`] for an invalid field;
    /// [`ApiMisuse::BufferTooSmall`](crate::error::ApiMisuse) if `out` is short.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, Error> {
        self.validate()?;
        let need = self.encoded_len();
        if out.len() < need {
            return Err(Error::buffer_too_small(need, out.len()));
        }
        let mut w = Writer { out, pos: 0 };
        w.put(&[VERSION])?;
        w.field(tag::MERCHANT_ID, self.merchant_id.as_bytes())?;
        w.field(tag::TERMINAL_ID, self.terminal_id.as_bytes())?;
        w.field(tag::STAN, &self.stan.to_be_bytes())?;
        w.field(tag::AMOUNT, &self.amount_minor.to_be_bytes())?;
        w.field(tag::CURRENCY, &self.currency.to_be_bytes())?;
        w.field(tag::TRANSACTION_TYPE, &[self.transaction_type.code()])?;
        w.field(tag::ENTRY_MODE, &[self.entry_mode.code()])?;
        w.field(tag::TIMESTAMP, &self.timestamp.to_be_bytes())?;
        w.field(tag::MASKED_PAN, self.masked_pan.as_bytes())?;
        w.field(tag::PAN_TOKEN, self.pan_token.as_bytes())?;
        if let Some(code) = self.authorization_code {
            w.field(tag::AUTHORIZATION_CODE, code.as_bytes())?;
        }
        w.field(tag::RESPONSE_CODE, self.response_code.as_bytes())?;
        if let Some(hash) = &self.signature_image_hash {
            w.field(tag::SIGNATURE_IMAGE_HASH, hash)?;
        }
        Ok(w.pos)
    }

    /// Decodes a version-2 encoding strictly and without copying.
    ///
    /// # Errors
    /// [`SignError::MalformedRecord`] with the offset of a wrong version,
    /// truncated field, unknown, repeated or out-of-order tag, missing
    /// mandatory field, wrong fixed length or trailing byte;
    /// [`SignError::InvalidField`] for a field whose value is invalid.
    pub fn decode(bytes: &'a [u8]) -> Result<Self, Error> {
        let (version, mut rest) = bytes.split_first().ok_or(malformed(0))?;
        if *version != VERSION {
            return Err(malformed(0));
        }
        let mut fields: [Option<&'a [u8]>; 14] = [None; 14];
        let mut last_tag = 0u8;
        let mut offset = 1usize;
        while let Some((&t, after_tag)) = rest.split_first() {
            if t == 0 || t > tag::SIGNATURE_IMAGE_HASH || t <= last_tag {
                return Err(malformed(offset));
            }
            let (&len, after_len) = after_tag.split_first().ok_or(malformed(offset))?;
            let (value, next) = after_len
                .split_at_checked(usize::from(len))
                .ok_or(malformed(offset))?;
            *fields.get_mut(usize::from(t)).ok_or(malformed(offset))? = Some(value);
            last_tag = t;
            offset += 2 + value.len();
            rest = next;
        }
        let get = |t: u8| fields.get(usize::from(t)).copied().flatten();
        let need = |t: u8| get(t).ok_or(malformed(offset));
        fn fixed<const N: usize>(v: &[u8], field: &'static str) -> Result<[u8; N], Error> {
            <[u8; N]>::try_from(v).map_err(|_| invalid(field))
        }
        let text = |v: &'a [u8], field| core::str::from_utf8(v).map_err(|_| invalid(field));
        let record = Self {
            merchant_id: text(need(tag::MERCHANT_ID)?, "merchant_id")?,
            terminal_id: text(need(tag::TERMINAL_ID)?, "terminal_id")?,
            stan: u32::from_be_bytes(fixed(need(tag::STAN)?, "stan")?),
            amount_minor: u64::from_be_bytes(fixed(need(tag::AMOUNT)?, "amount")?),
            currency: u16::from_be_bytes(fixed(need(tag::CURRENCY)?, "currency")?),
            transaction_type: TransactionType::from_code(
                fixed::<1>(need(tag::TRANSACTION_TYPE)?, "transaction_type")?[0],
            )?,
            entry_mode: EntryMode::from_code(fixed::<1>(need(tag::ENTRY_MODE)?, "entry_mode")?[0])?,
            timestamp: u64::from_be_bytes(fixed(need(tag::TIMESTAMP)?, "timestamp")?),
            masked_pan: text(need(tag::MASKED_PAN)?, "masked_pan")?,
            pan_token: PanToken(fixed(need(tag::PAN_TOKEN)?, "pan_token")?),
            authorization_code: get(tag::AUTHORIZATION_CODE)
                .map(|v| text(v, "authorization_code"))
                .transpose()?,
            response_code: text(need(tag::RESPONSE_CODE)?, "response_code")?,
            signature_image_hash: get(tag::SIGNATURE_IMAGE_HASH)
                .map(|v| fixed(v, "signature_image_hash"))
                .transpose()?,
        };
        record.validate()?;
        Ok(record)
    }
}
