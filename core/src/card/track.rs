//! Magnetic-stripe track 1 (format B) and track 2 (ISO/IEC 7813), and EMV
//! tag 57 Track 2 Equivalent Data (EMV Book 3 Annex A).
//!
//! # Accepted input
//! - **Track 1** (ISO/IEC 7813 §10.2, format code `B`):
//!   `%B` PAN `^` NAME `^` YYMM SSS discretionary `?` LRC.
//! - **Track 2** (ISO/IEC 7813 §10.3): `;` PAN `=` YYMM SSS discretionary `?` LRC.
//!   `D` is accepted in place of `=` (some readers and ICC sources use it).
//! - Start and end sentinels are optional but come as a pair (a track with a
//!   start sentinel and no end sentinel, or the reverse, is rejected as
//!   truncated). The LRC character is optional and may only follow the end
//!   sentinel; when present it is verified (see [`track1_lrc`], [`track2_lrc`]).
//! - An absent expiry date or service code is encoded as its field separator
//!   alone (ISO/IEC 7813: "if the field is not present, the field separator is
//!   encoded"), e.g. `PAN==201…` has no expiry date.
//! - Lengths: track 1 at most [`TRACK1_MAX_LEN`] = 79 characters and track 2
//!   at most [`TRACK2_MAX_LEN`] = 40 characters, *including* sentinels and
//!   LRC (ISO/IEC 7813 §8), so at most 76 / 37 data characters.
//! - Discretionary data: track 2 and tag 57 digits only; track 1 any
//!   character of the 6-bit set except `%`, `^` and `?`. The cardholder name
//!   is 2-26 such characters (`SURNAME/FIRST NAME` convention).
//!
//! # Canonical form
//! [`Track1::encode`] and [`Track2::encode`] write the canonical text: `=` as
//! the track 2 separator, sentinels and LRC as requested by
//! [`TrackEncoding`]. Parsing the canonical text yields the same fields, and
//! re-encoding any accepted track with the framing it had gives back the
//! input (after `D` → `=`). Tag 57 has exactly one encoding:
//! [`Track2::to_tag57`] of [`Track2::from_tag57`] returns the input bytes.
//!
//! # Sensitivity
//! Track data is cardholder data. [`Track1`] and [`Track2`] hold it inline
//! (no heap), zeroize it on drop, and print only the masked PAN in `Debug`.
//! The name and discretionary data are reachable only through `expose_*`
//! accessors; call sites carry an `// EXPOSE:` comment.
//!
//! # Example
//! ```
//! use paycore::card::track::{Track2, TrackEncoding, Interchange};
//!
//! // Sample track from the sualeh/magnetictrackparser test suite.
//! let t2 = Track2::parse(";5266092201416174=16042010000056700100?").unwrap();
//! assert_eq!(format!("{t2:?}"), "Track2 { pan: 526609******6174, .. }");
//! let expiry = t2.expiry().unwrap();
//! assert_eq!((expiry.year, expiry.month), (16, 4));
//! let sc = t2.service_code().unwrap();
//! assert_eq!(sc.interchange(), Interchange::InternationalIcc);
//! assert!(sc.requires_chip());
//!
//! let mut out = [0u8; 40];
//! let n = t2.encode(TrackEncoding::SENTINELS, &mut out).unwrap();
//! assert_eq!(&out[..n], b";5266092201416174=16042010000056700100?");
//! ```
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use core::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::card::pan::{MAX_PAN_LEN, Pan};
use crate::error::{Error, TrackError};

/// Maximum track 1 length including sentinels and LRC (ISO/IEC 7813 §8: 79).
pub const TRACK1_MAX_LEN: usize = 79;
/// Maximum track 2 length including sentinels and LRC (ISO/IEC 7813 §8: 40).
pub const TRACK2_MAX_LEN: usize = 40;
/// Maximum data characters of track 1 (between the sentinels).
const TRACK1_MAX_DATA: usize = TRACK1_MAX_LEN - 3;
/// Maximum data characters of track 2 (between the sentinels).
const TRACK2_MAX_DATA: usize = TRACK2_MAX_LEN - 3;
/// Maximum length of EMV tag 57 (EMV Book 3 Annex A: `b`, var. up to 19).
pub const TAG57_MAX_LEN: usize = 19;
/// Cardholder name length bounds (ISO/IEC 7813 §10.2.1).
const NAME_MIN: usize = 2;
const NAME_MAX: usize = 26;

const T1_START: u8 = b'%';
const T1_SEP: u8 = b'^';
const T2_START: u8 = b';';
const T2_SEP: u8 = b'=';
const END: u8 = b'?';

/// Which framing characters [`Track1::encode`] / [`Track2::encode`] write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TrackEncoding {
    /// Write the start and end sentinels.
    pub sentinels: bool,
    /// Write the LRC after the end sentinel (requires `sentinels`).
    pub lrc: bool,
}

impl TrackEncoding {
    /// Data characters only, as most readers report a track.
    pub const BARE: Self = Self {
        sentinels: false,
        lrc: false,
    };
    /// Start and end sentinels, no LRC.
    pub const SENTINELS: Self = Self {
        sentinels: true,
        lrc: false,
    };
    /// Sentinels and LRC: everything that is on the stripe.
    pub const FULL: Self = Self {
        sentinels: true,
        lrc: true,
    };
}

/// Card expiry date, YYMM (ISO/IEC 7813 §10.2.3). `month` is 1-12.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Expiry {
    /// Two-digit year, 0-99.
    pub year: u8,
    /// Month, 1-12.
    pub month: u8,
}

impl Expiry {
    /// A validated expiry date.
    ///
    /// # Errors
    /// [`TrackError::InvalidField`] (`"expiry"`) if `year > 99` or `month`
    /// is not 1-12.
    pub const fn new(year: u8, month: u8) -> Result<Self, Error> {
        if year > 99 || month == 0 || month > 12 {
            return Err(Error::Track(TrackError::InvalidField { field: "expiry" }));
        }
        Ok(Self { year, month })
    }

    /// Parses four ASCII digits YYMM.
    fn from_ascii(yymm: &[u8]) -> Result<Self, Error> {
        let bad = Error::Track(TrackError::InvalidField { field: "expiry" });
        let [y1, y2, m1, m2] = *yymm else {
            return Err(bad);
        };
        let (year, month) = (
            two_digits(y1, y2).ok_or(bad)?,
            two_digits(m1, m2).ok_or(bad)?,
        );
        Self::new(year, month)
    }

    /// The YYMM digits as ASCII.
    fn to_ascii(self) -> [u8; 4] {
        [
            b'0' + self.year / 10,
            b'0' + self.year % 10,
            b'0' + self.month / 10,
            b'0' + self.month % 10,
        ]
    }
}

fn two_digits(a: u8, b: u8) -> Option<u8> {
    (a.is_ascii_digit() && b.is_ascii_digit()).then(|| (a - b'0') * 10 + (b - b'0'))
}

/// Service code digit 1: interchange and technology (ISO/IEC 7813 §10.2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Interchange {
    /// 1: international interchange OK.
    International,
    /// 2: international interchange, use IC (chip) where feasible.
    InternationalIcc,
    /// 5: national interchange only, except under bilateral agreement.
    National,
    /// 6: national interchange only, use IC (chip) where feasible.
    NationalIcc,
    /// 7: no interchange except under bilateral agreement (closed loop).
    Private,
    /// 9: test.
    Test,
    /// 0, 3, 4, 8: reserved for future use by ISO.
    Reserved,
}

impl Interchange {
    const fn from_digit(d: u8) -> Self {
        match d {
            1 => Self::International,
            2 => Self::InternationalIcc,
            5 => Self::National,
            6 => Self::NationalIcc,
            7 => Self::Private,
            9 => Self::Test,
            _ => Self::Reserved,
        }
    }

    /// A human-readable description.
    #[must_use]
    pub const fn description(self) -> &'static str {
        match self {
            Self::International => "international interchange",
            Self::InternationalIcc => "international interchange, integrated circuit card",
            Self::National => "national interchange only",
            Self::NationalIcc => "national interchange only, integrated circuit card",
            Self::Private => "no interchange except under bilateral agreement",
            Self::Test => "test card",
            Self::Reserved => "reserved for future use",
        }
    }
}

/// Service code digit 2: authorization processing (ISO/IEC 7813 §10.2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Authorization {
    /// 0: transactions are authorized following the normal rules.
    Normal,
    /// 2: transactions are authorized by the issuer (online).
    ByIssuer,
    /// 4: by the issuer, except under bilateral agreement.
    ByIssuerUnlessBilateral,
    /// 1, 3, 5-9: reserved for future use by ISO.
    Reserved,
}

impl Authorization {
    const fn from_digit(d: u8) -> Self {
        match d {
            0 => Self::Normal,
            2 => Self::ByIssuer,
            4 => Self::ByIssuerUnlessBilateral,
            _ => Self::Reserved,
        }
    }

    /// A human-readable description.
    #[must_use]
    pub const fn description(self) -> &'static str {
        match self {
            Self::Normal => "normal authorization",
            Self::ByIssuer => "contact issuer via online means",
            Self::ByIssuerUnlessBilateral => {
                "contact issuer via online means except under bilateral agreement"
            }
            Self::Reserved => "reserved for future use",
        }
    }
}

/// Service code digit 3: allowed services and PIN requirements
/// (ISO/IEC 7813 §10.2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AllowedServices {
    /// 0: no restrictions, PIN required.
    NoRestrictionsPinRequired,
    /// 1: no restrictions.
    NoRestrictions,
    /// 2: goods and services only (no cash).
    GoodsAndServices,
    /// 3: ATM only, PIN required.
    AtmOnlyPinRequired,
    /// 4: cash only.
    CashOnly,
    /// 5: goods and services only (no cash), PIN required.
    GoodsAndServicesPinRequired,
    /// 6: no restrictions, prompt for PIN if a PIN entry device is present.
    NoRestrictionsPinIfPed,
    /// 7: goods and services only, prompt for PIN if a PIN entry device is present.
    GoodsAndServicesPinIfPed,
    /// 8, 9: reserved for future use by ISO.
    Reserved,
}

impl AllowedServices {
    const fn from_digit(d: u8) -> Self {
        match d {
            0 => Self::NoRestrictionsPinRequired,
            1 => Self::NoRestrictions,
            2 => Self::GoodsAndServices,
            3 => Self::AtmOnlyPinRequired,
            4 => Self::CashOnly,
            5 => Self::GoodsAndServicesPinRequired,
            6 => Self::NoRestrictionsPinIfPed,
            7 => Self::GoodsAndServicesPinIfPed,
            _ => Self::Reserved,
        }
    }

    /// A human-readable description.
    #[must_use]
    pub const fn description(self) -> &'static str {
        match self {
            Self::NoRestrictionsPinRequired => "no restrictions, PIN required",
            Self::NoRestrictions => "no restrictions",
            Self::GoodsAndServices => "goods and services only",
            Self::AtmOnlyPinRequired => "ATM only, PIN required",
            Self::CashOnly => "cash only",
            Self::GoodsAndServicesPinRequired => "goods and services only, PIN required",
            Self::NoRestrictionsPinIfPed => "no restrictions, PIN if PIN entry device present",
            Self::GoodsAndServicesPinIfPed => {
                "goods and services only, PIN if PIN entry device present"
            }
            Self::Reserved => "reserved for future use",
        }
    }
}

/// A three-digit service code (ISO/IEC 7813 §10.2.4).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ServiceCode {
    digits: [u8; 3],
}

impl ServiceCode {
    /// Parses three ASCII digits.
    ///
    /// # Errors
    /// [`TrackError::InvalidField`] (`"service code"`) unless `code` is three
    /// decimal digits.
    pub fn from_ascii(code: &[u8]) -> Result<Self, Error> {
        match *code {
            [a, b, c] if code.iter().all(u8::is_ascii_digit) => Ok(Self { digits: [a, b, c] }),
            _ => Err(TrackError::InvalidField {
                field: "service code",
            }
            .into()),
        }
    }

    /// The three digits as a string, e.g. `"201"`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.digits).unwrap_or("")
    }

    /// The digit values, 0-9 each.
    #[must_use]
    pub const fn digits(&self) -> [u8; 3] {
        let [a, b, c] = self.digits;
        [a - b'0', b - b'0', c - b'0']
    }

    /// Digit 1: interchange and technology.
    #[must_use]
    pub const fn interchange(&self) -> Interchange {
        Interchange::from_digit(self.digits()[0])
    }

    /// Digit 2: authorization processing.
    #[must_use]
    pub const fn authorization(&self) -> Authorization {
        Authorization::from_digit(self.digits()[1])
    }

    /// Digit 3: allowed services and PIN requirements.
    #[must_use]
    pub const fn allowed_services(&self) -> AllowedServices {
        AllowedServices::from_digit(self.digits()[2])
    }

    /// True when digit 1 is 2 or 6: the card has a chip that must be used
    /// where the terminal supports it (no magstripe fallback without reason).
    #[must_use]
    pub const fn requires_chip(&self) -> bool {
        matches!(
            self.interchange(),
            Interchange::InternationalIcc | Interchange::NationalIcc
        )
    }

    /// True when digit 3 is 0, 3 or 5: a PIN is required. Digits 6 and 7
    /// ask for a PIN only when a PIN entry device is present; see
    /// [`ServiceCode::pin_if_ped_present`].
    #[must_use]
    pub const fn pin_required(&self) -> bool {
        matches!(
            self.allowed_services(),
            AllowedServices::NoRestrictionsPinRequired
                | AllowedServices::AtmOnlyPinRequired
                | AllowedServices::GoodsAndServicesPinRequired
        )
    }

    /// True when digit 3 is 6 or 7: prompt for a PIN if a PIN entry device
    /// is present.
    #[must_use]
    pub const fn pin_if_ped_present(&self) -> bool {
        matches!(
            self.allowed_services(),
            AllowedServices::NoRestrictionsPinIfPed | AllowedServices::GoodsAndServicesPinIfPed
        )
    }
}

impl fmt::Debug for ServiceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ServiceCode({})", self.as_str())
    }
}

impl fmt::Display for ServiceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The track 2 LRC character (ISO/IEC 7811-2 §9 / ISO/IEC 7813): the XOR of
/// the 4-bit values (`char - 0x30`) of every character from the start
/// sentinel through the end sentinel, written back as `0x30 + value`
/// (parity bits are not part of the text form).
///
/// `framed` must include the sentinels. Returns `None` if a character is
/// outside the track 2 set `0x30..=0x3F`.
#[must_use]
pub fn track2_lrc(framed: &[u8]) -> Option<u8> {
    framed
        .iter()
        .try_fold(0u8, |acc, &c| {
            c.checked_sub(0x30).filter(|v| *v <= 0x0F).map(|v| acc ^ v)
        })
        .map(|v| 0x30 + v)
}

/// The track 1 LRC character (ISO/IEC 7811-2 §9 / ISO/IEC 7813): the XOR of
/// the 6-bit values (`char - 0x20`) of every character from the start
/// sentinel through the end sentinel, written back as `0x20 + value`.
///
/// `framed` must include the sentinels. Returns `None` if a character is
/// outside the track 1 set `0x20..=0x5F`.
#[must_use]
pub fn track1_lrc(framed: &[u8]) -> Option<u8> {
    framed
        .iter()
        .try_fold(0u8, |acc, &c| {
            c.checked_sub(0x20).filter(|v| *v <= 0x3F).map(|v| acc ^ v)
        })
        .map(|v| 0x20 + v)
}

fn err(e: TrackError) -> Error {
    Error::Track(e)
}

/// Strips optional sentinels and LRC, checks the LRC, returns the data
/// characters and the offset of the first one in `input`.
fn unframe(
    input: &[u8],
    start: u8,
    max: usize,
    normalize: fn(u8) -> u8,
    lrc: fn(&[u8]) -> Option<u8>,
) -> Result<(&[u8], usize), Error> {
    if input.len() > max {
        return Err(err(TrackError::TooLong { max }));
    }
    let Some((&first, rest)) = input.split_first() else {
        return Err(err(TrackError::Truncated));
    };
    let end_at = input.iter().position(|&c| c == END);
    if first != start {
        // No sentinels: no end sentinel either.
        return match end_at {
            Some(position) => Err(err(TrackError::InvalidCharacter { position })),
            None => Ok((input, 0)),
        };
    }
    let Some(end_at) = end_at else {
        return Err(err(TrackError::MissingSeparator {
            field: "end sentinel",
        }));
    };
    let (framed, after) = input.split_at_checked(end_at + 1).unwrap_or((input, &[]));
    let data = rest.get(..end_at.saturating_sub(1)).unwrap_or(&[]);
    match after {
        [] => {}
        [given] => {
            // The LRC covers the framed characters as encoded; normalize
            // separators first (`D` in track 2 stands for `=`).
            let mut acc = [0u8; TRACK1_MAX_LEN];
            let n = framed.len();
            for (dst, &c) in acc.iter_mut().zip(framed) {
                *dst = normalize(c);
            }
            let expected = lrc(acc.get(..n).unwrap_or(&[]));
            acc.zeroize();
            if expected != Some(*given) {
                return Err(err(TrackError::LrcMismatch));
            }
        }
        _ => {
            return Err(err(TrackError::InvalidCharacter {
                position: end_at + 2,
            }));
        }
    }
    Ok((data, 1))
}

/// Scans the PAN digits up to `sep`; returns (pan digits, rest after sep).
fn split_pan(data: &[u8], sep: fn(u8) -> bool, base: usize) -> Result<(&[u8], &[u8]), Error> {
    for (i, &c) in data.iter().enumerate() {
        if sep(c) {
            let (pan, rest) = data.split_at_checked(i).unwrap_or((data, &[]));
            return Ok((pan, rest.get(1..).unwrap_or(&[])));
        }
        if !c.is_ascii_digit() {
            return Err(err(TrackError::InvalidCharacter { position: base + i }));
        }
        if i >= MAX_PAN_LEN {
            return Err(err(TrackError::MissingSeparator { field: "PAN" }));
        }
    }
    Err(err(TrackError::MissingSeparator { field: "PAN" }))
}

/// Parses `[YYMM | sep] [SSS | sep] discretionary` after the PAN (or name)
/// separator. Returns expiry, service code and the discretionary slice.
#[allow(clippy::type_complexity)]
fn split_tail(
    tail: &[u8],
    sep: fn(u8) -> bool,
) -> Result<(Option<Expiry>, Option<ServiceCode>, &[u8]), Error> {
    let (expiry, rest) = match tail.split_first() {
        Some((&c, rest)) if sep(c) => (None, rest),
        _ => {
            let (yymm, rest) = tail
                .split_at_checked(4)
                .ok_or(err(TrackError::InvalidField { field: "expiry" }))?;
            (Some(Expiry::from_ascii(yymm)?), rest)
        }
    };
    let (service_code, rest) = match rest.split_first() {
        Some((&c, rest)) if sep(c) => (None, rest),
        _ => {
            let (sc, rest) = rest
                .split_at_checked(3)
                .ok_or(err(TrackError::InvalidField {
                    field: "service code",
                }))?;
            (Some(ServiceCode::from_ascii(sc)?), rest)
        }
    };
    Ok((expiry, service_code, rest))
}

/// Appends bytes to `buf` at `*len`.
fn push(buf: &mut [u8], len: &mut usize, bytes: &[u8], max: usize) -> Result<(), Error> {
    let end = *len + bytes.len();
    buf.get_mut(*len..end)
        .filter(|_| end <= max)
        .ok_or(err(TrackError::TooLong { max: max + 3 }))?
        .copy_from_slice(bytes);
    *len = end;
    Ok(())
}

/// Writes `start data END lrc` into `out` per `enc`.
fn frame(
    data: &[u8],
    start: u8,
    enc: TrackEncoding,
    lrc: fn(&[u8]) -> Option<u8>,
    out: &mut [u8],
) -> Result<usize, Error> {
    if enc.lrc && !enc.sentinels {
        return Err(Error::invalid_argument("lrc without sentinels"));
    }
    let extra = if enc.sentinels { 2 } else { 0 } + usize::from(enc.lrc);
    let required = data.len() + extra;
    let provided = out.len();
    let dst = out
        .get_mut(..required)
        .ok_or(Error::buffer_too_small(required, provided))?;
    if !enc.sentinels {
        dst.copy_from_slice(data);
        return Ok(required);
    }
    let (first, rest) = dst
        .split_first_mut()
        .ok_or(Error::buffer_too_small(required, provided))?;
    *first = start;
    let (body, tail) = rest
        .split_at_mut_checked(data.len())
        .ok_or(Error::buffer_too_small(required, provided))?;
    body.copy_from_slice(data);
    if let Some(es) = tail.first_mut() {
        *es = END;
    }
    if enc.lrc {
        let value = lrc(dst.get(..required - 1).unwrap_or(&[]))
            .ok_or(Error::invalid_argument("track character"))?;
        if let Some(slot) = dst.last_mut() {
            *slot = value;
        }
    }
    Ok(required)
}

/// Track 2 data (ISO/IEC 7813 §10.3), also the result of parsing EMV tag 57.
///
/// Holds the canonical data characters inline (at most 37), zeroized on
/// drop; `Debug` prints only the masked PAN.
pub struct Track2 {
    /// Canonical data characters: PAN `=` tail (no sentinels).
    data: [u8; TRACK2_MAX_LEN],
    len: usize,
    pan: Pan,
    expiry: Option<Expiry>,
    service_code: Option<ServiceCode>,
    /// Offset of the discretionary data in `data`.
    discretionary_at: usize,
}

fn is_t2_sep(c: u8) -> bool {
    c == T2_SEP || c == b'D'
}

fn t2_normalize(c: u8) -> u8 {
    if c == b'D' { T2_SEP } else { c }
}

impl Track2 {
    /// Parses track 2 text, with or without sentinels and LRC.
    ///
    /// # Errors
    /// [`TrackError`] for framing, separator, field, length or LRC errors;
    /// [`crate::error::PanError`] if the PAN is not 12-19 digits.
    pub fn parse(track: &str) -> Result<Self, Error> {
        Self::from_ascii(track.as_bytes())
    }

    /// As [`Track2::parse`], from ASCII bytes.
    ///
    /// # Errors
    /// As [`Track2::parse`].
    pub fn from_ascii(track: &[u8]) -> Result<Self, Error> {
        let (data, base) = unframe(track, T2_START, TRACK2_MAX_LEN, t2_normalize, track2_lrc)?;
        Self::from_data(data, base)
    }

    /// Parses EMV tag 57 (Track 2 Equivalent Data, EMV Book 3 Annex A): the
    /// value bytes, compressed numeric with `D` as field separator and one
    /// trailing `F` pad nibble if the digit count is odd.
    ///
    /// # Errors
    /// [`TrackError::TooLong`] above 19 bytes; [`TrackError::InvalidCharacter`]
    /// (nibble position) for a nibble other than 0-9 and `D`, or an `F`
    /// anywhere but the last nibble; then as [`Track2::parse`].
    pub fn from_tag57(value: &[u8]) -> Result<Self, Error> {
        if value.len() > TAG57_MAX_LEN {
            return Err(err(TrackError::TooLong { max: TAG57_MAX_LEN }));
        }
        let mut ascii = [0u8; 2 * TAG57_MAX_LEN];
        let total = value.len() * 2;
        let mut n = 0usize;
        for (position, nibble) in value.iter().flat_map(|b| [b >> 4, b & 0x0F]).enumerate() {
            let c = match nibble {
                0..=9 => b'0' + nibble,
                0x0D => T2_SEP,
                0x0F if position + 1 == total => break,
                _ => {
                    ascii.zeroize();
                    return Err(err(TrackError::InvalidCharacter { position }));
                }
            };
            if let Some(slot) = ascii.get_mut(n) {
                *slot = c;
            }
            n += 1;
        }
        let result = if n > TRACK2_MAX_DATA {
            Err(err(TrackError::TooLong {
                max: TRACK2_MAX_LEN,
            }))
        } else {
            Self::from_data(ascii.get(..n).unwrap_or(&[]), 0)
        };
        ascii.zeroize();
        result
    }

    fn from_data(data: &[u8], base: usize) -> Result<Self, Error> {
        if data.len() > TRACK2_MAX_DATA {
            return Err(err(TrackError::TooLong {
                max: TRACK2_MAX_LEN,
            }));
        }
        let (pan_digits, tail) = split_pan(data, is_t2_sep, base)?;
        let pan = Pan::from_ascii(pan_digits)?;
        let (expiry, service_code, discretionary) = split_tail(tail, is_t2_sep)?;
        let disc_at = data.len() - discretionary.len();
        if let Some(i) = discretionary.iter().position(|c| !c.is_ascii_digit()) {
            return Err(err(TrackError::InvalidCharacter {
                position: base + disc_at + i,
            }));
        }
        let mut out = Self {
            data: [0; TRACK2_MAX_LEN],
            len: data.len(),
            pan,
            expiry,
            service_code,
            discretionary_at: disc_at,
        };
        for (dst, &c) in out.data.iter_mut().zip(data) {
            *dst = t2_normalize(c);
        }
        Ok(out)
    }

    /// Builds track 2 from its fields (for encoding).
    ///
    /// # Errors
    /// [`TrackError::InvalidCharacter`] if `discretionary` is not all digits;
    /// [`TrackError::TooLong`] if the data exceeds 37 characters.
    pub fn new(
        pan: &Pan,
        expiry: Option<Expiry>,
        service_code: Option<ServiceCode>,
        discretionary: &[u8],
    ) -> Result<Self, Error> {
        let mut buf = [0u8; TRACK2_MAX_LEN];
        let mut len = 0;
        let result = build_tail(
            &mut buf,
            &mut len,
            pan,
            None,
            T2_SEP,
            expiry,
            service_code,
            discretionary,
            TRACK2_MAX_DATA,
            u8::is_ascii_digit,
        )
        .and_then(|()| Self::from_data(buf.get(..len).unwrap_or(&[]), 0));
        buf.zeroize();
        result
    }

    /// The PAN (masked in `Display`/`Debug`; `luhn_valid()` tells whether
    /// its check digit is right — track data is parsed leniently).
    #[must_use]
    pub const fn pan(&self) -> &Pan {
        &self.pan
    }

    /// The expiry date, if encoded.
    #[must_use]
    pub const fn expiry(&self) -> Option<Expiry> {
        self.expiry
    }

    /// The service code, if encoded.
    #[must_use]
    pub const fn service_code(&self) -> Option<ServiceCode> {
        self.service_code
    }

    /// The discretionary data (digits). **Sensitive**: it may hold the
    /// PVV/CVV and other verification values; call sites carry an
    /// `// EXPOSE:` comment.
    #[must_use]
    pub fn expose_discretionary(&self) -> &str {
        let d = self
            .data
            .get(self.discretionary_at..self.len)
            .unwrap_or(&[]);
        core::str::from_utf8(d).unwrap_or("")
    }

    /// Writes the canonical track text (`=` separator) into `out`; returns
    /// the length written (at most [`TRACK2_MAX_LEN`]).
    ///
    /// # Errors
    /// [`crate::error::ApiMisuse::BufferTooSmall`] if `out` is too small;
    /// [`crate::error::ApiMisuse::InvalidArgument`] for `lrc` without
    /// `sentinels`.
    pub fn encode(&self, encoding: TrackEncoding, out: &mut [u8]) -> Result<usize, Error> {
        let data = self.data.get(..self.len).unwrap_or(&[]);
        frame(data, T2_START, encoding, track2_lrc, out)
    }

    /// Writes the EMV tag 57 value (compressed numeric, `D` separator,
    /// `F`-padded) into `out`; returns the length written (at most 19).
    ///
    /// # Errors
    /// [`crate::error::ApiMisuse::BufferTooSmall`] if `out` is too small;
    /// [`TrackError::TooLong`] if the track has more than 38 characters
    /// (cannot happen for a track 2 of at most 37 data characters).
    pub fn to_tag57(&self, out: &mut [u8]) -> Result<usize, Error> {
        let data = self.data.get(..self.len).unwrap_or(&[]);
        let required = data.len().div_ceil(2);
        if required > TAG57_MAX_LEN {
            return Err(err(TrackError::TooLong { max: TAG57_MAX_LEN }));
        }
        let provided = out.len();
        let dst = out
            .get_mut(..required)
            .ok_or(Error::buffer_too_small(required, provided))?;
        let nibble = |c: u8| {
            if c == T2_SEP {
                0x0D
            } else {
                c.wrapping_sub(b'0') & 0x0F
            }
        };
        for (byte, pair) in dst.iter_mut().zip(data.chunks(2)) {
            let hi = pair.first().map_or(0x0F, |&c| nibble(c));
            let lo = pair.get(1).map_or(0x0F, |&c| nibble(c));
            *byte = (hi << 4) | lo;
        }
        Ok(required)
    }
}

/// Writes PAN, optional name, expiry, service code and discretionary data.
#[allow(clippy::too_many_arguments)]
fn build_tail(
    buf: &mut [u8],
    len: &mut usize,
    pan: &Pan,
    name: Option<&[u8]>,
    sep: u8,
    expiry: Option<Expiry>,
    service_code: Option<ServiceCode>,
    discretionary: &[u8],
    max: usize,
    allowed: fn(&u8) -> bool,
) -> Result<(), Error> {
    // EXPOSE: the PAN is copied into the track being built.
    push(buf, len, pan.expose_secret().as_bytes(), max)?;
    push(buf, len, &[sep], max)?;
    if let Some(name) = name {
        push(buf, len, name, max)?;
        push(buf, len, &[sep], max)?;
    }
    match expiry {
        Some(e) => push(buf, len, &e.to_ascii(), max)?,
        None => push(buf, len, &[sep], max)?,
    }
    match service_code {
        Some(sc) => push(buf, len, &sc.digits, max)?,
        None => push(buf, len, &[sep], max)?,
    }
    if let Some(i) = discretionary.iter().position(|c| !allowed(c)) {
        return Err(err(TrackError::InvalidCharacter { position: *len + i }));
    }
    push(buf, len, discretionary, max)
}

impl Drop for Track2 {
    fn drop(&mut self) {
        self.data.zeroize();
        self.len = 0;
    }
}

impl ZeroizeOnDrop for Track2 {}

impl fmt::Debug for Track2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Track2 {{ pan: {}, .. }}", self.pan)
    }
}

/// Track 1 format B data (ISO/IEC 7813 §10.2).
///
/// Holds the canonical data characters inline (at most 76), zeroized on
/// drop; `Debug` prints only the masked PAN.
pub struct Track1 {
    /// Data characters: `B` PAN `^` NAME `^` tail (no sentinels).
    data: [u8; TRACK1_MAX_LEN],
    len: usize,
    pan: Pan,
    name_at: usize,
    name_len: usize,
    expiry: Option<Expiry>,
    service_code: Option<ServiceCode>,
    discretionary_at: usize,
}

fn is_t1_sep(c: u8) -> bool {
    c == T1_SEP
}

/// A track 1 data character usable in name and discretionary data.
fn is_t1_text(c: &u8) -> bool {
    (0x20..=0x5F).contains(c) && !matches!(*c, T1_START | T1_SEP | END)
}

impl Track1 {
    /// Parses track 1 format B text, with or without sentinels and LRC.
    ///
    /// # Errors
    /// [`TrackError`] for framing, format code, separator, field, length or
    /// LRC errors; [`crate::error::PanError`] if the PAN is not 12-19 digits.
    pub fn parse(track: &str) -> Result<Self, Error> {
        Self::from_ascii(track.as_bytes())
    }

    /// As [`Track1::parse`], from ASCII bytes.
    ///
    /// # Errors
    /// As [`Track1::parse`].
    pub fn from_ascii(track: &[u8]) -> Result<Self, Error> {
        let (data, base) = unframe(track, T1_START, TRACK1_MAX_LEN, |c| c, track1_lrc)?;
        Self::from_data(data, base)
    }

    fn from_data(data: &[u8], base: usize) -> Result<Self, Error> {
        if data.len() > TRACK1_MAX_DATA {
            return Err(err(TrackError::TooLong {
                max: TRACK1_MAX_LEN,
            }));
        }
        let Some((&b'B', body)) = data.split_first() else {
            return Err(err(if data.is_empty() {
                TrackError::Truncated
            } else {
                TrackError::InvalidField {
                    field: "format code",
                }
            }));
        };
        let (pan_digits, after_pan) = split_pan(body, is_t1_sep, base + 1)?;
        let pan = Pan::from_ascii(pan_digits)?;
        let name_at = 1 + pan_digits.len() + 1;
        let Some(name_len) = after_pan.iter().position(|&c| c == T1_SEP) else {
            return Err(err(TrackError::MissingSeparator { field: "name" }));
        };
        let (name, tail) = after_pan
            .split_at_checked(name_len)
            .unwrap_or((after_pan, &[]));
        if !(NAME_MIN..=NAME_MAX).contains(&name_len) {
            return Err(err(TrackError::InvalidField { field: "name" }));
        }
        if let Some(i) = name.iter().position(|c| !is_t1_text(c)) {
            return Err(err(TrackError::InvalidCharacter {
                position: base + name_at + i,
            }));
        }
        let tail = tail.get(1..).unwrap_or(&[]);
        let (expiry, service_code, discretionary) = split_tail(tail, is_t1_sep)?;
        let disc_at = data.len() - discretionary.len();
        if let Some(i) = discretionary.iter().position(|c| !is_t1_text(c)) {
            return Err(err(TrackError::InvalidCharacter {
                position: base + disc_at + i,
            }));
        }
        let mut out = Self {
            data: [0; TRACK1_MAX_LEN],
            len: data.len(),
            pan,
            name_at,
            name_len,
            expiry,
            service_code,
            discretionary_at: disc_at,
        };
        for (dst, &c) in out.data.iter_mut().zip(data) {
            *dst = c;
        }
        Ok(out)
    }

    /// Builds track 1 format B from its fields (for encoding).
    ///
    /// # Errors
    /// [`TrackError::InvalidField`] for a name outside 2-26 characters;
    /// [`TrackError::InvalidCharacter`] for a character outside the track 1
    /// set (or `%`, `^`, `?`) in name or discretionary data;
    /// [`TrackError::TooLong`] if the data exceeds 76 characters.
    pub fn new(
        pan: &Pan,
        name: &str,
        expiry: Option<Expiry>,
        service_code: Option<ServiceCode>,
        discretionary: &[u8],
    ) -> Result<Self, Error> {
        let name = name.as_bytes();
        if !(NAME_MIN..=NAME_MAX).contains(&name.len()) {
            return Err(err(TrackError::InvalidField { field: "name" }));
        }
        if let Some(i) = name.iter().position(|c| !is_t1_text(c)) {
            return Err(err(TrackError::InvalidCharacter {
                position: 2 + pan.len() + i,
            }));
        }
        let mut buf = [0u8; TRACK1_MAX_LEN];
        let mut len = 1;
        if let Some(first) = buf.first_mut() {
            *first = b'B';
        }
        let result = build_tail(
            &mut buf,
            &mut len,
            pan,
            Some(name),
            T1_SEP,
            expiry,
            service_code,
            discretionary,
            TRACK1_MAX_DATA,
            is_t1_text,
        )
        .and_then(|()| Self::from_data(buf.get(..len).unwrap_or(&[]), 0));
        buf.zeroize();
        result
    }

    /// The PAN (masked in `Display`/`Debug`; see [`Pan::luhn_valid`]).
    #[must_use]
    pub const fn pan(&self) -> &Pan {
        &self.pan
    }

    /// The expiry date, if encoded.
    #[must_use]
    pub const fn expiry(&self) -> Option<Expiry> {
        self.expiry
    }

    /// The service code, if encoded.
    #[must_use]
    pub const fn service_code(&self) -> Option<ServiceCode> {
        self.service_code
    }

    /// The cardholder name field as encoded (e.g. `"FATEHI/SUALEH"`, often
    /// space-padded). **Sensitive** cardholder data; call sites carry an
    /// `// EXPOSE:` comment.
    #[must_use]
    pub fn expose_name(&self) -> &str {
        let end = self.name_at + self.name_len;
        core::str::from_utf8(self.data.get(self.name_at..end).unwrap_or(&[])).unwrap_or("")
    }

    /// The name split at the first `/` into (surname, first name and
    /// title), trailing spaces trimmed (ISO/IEC 7813 §10.2.1 convention).
    /// Without `/` the whole name is the surname. **Sensitive**.
    #[must_use]
    pub fn expose_name_parts(&self) -> (&str, Option<&str>) {
        let name = self.expose_name();
        match name.split_once('/') {
            Some((surname, first)) => (surname.trim_end(), Some(first.trim_end())),
            None => (name.trim_end(), None),
        }
    }

    /// The discretionary data. **Sensitive** (may hold PVV/CVV); call sites
    /// carry an `// EXPOSE:` comment.
    #[must_use]
    pub fn expose_discretionary(&self) -> &str {
        let d = self
            .data
            .get(self.discretionary_at..self.len)
            .unwrap_or(&[]);
        core::str::from_utf8(d).unwrap_or("")
    }

    /// Writes the canonical track text into `out`; returns the length
    /// written (at most [`TRACK1_MAX_LEN`]).
    ///
    /// # Errors
    /// [`crate::error::ApiMisuse::BufferTooSmall`] if `out` is too small;
    /// [`crate::error::ApiMisuse::InvalidArgument`] for `lrc` without
    /// `sentinels`.
    pub fn encode(&self, encoding: TrackEncoding, out: &mut [u8]) -> Result<usize, Error> {
        let data = self.data.get(..self.len).unwrap_or(&[]);
        frame(data, T1_START, encoding, track1_lrc, out)
    }
}

impl Drop for Track1 {
    fn drop(&mut self) {
        self.data.zeroize();
        self.len = 0;
    }
}

impl ZeroizeOnDrop for Track1 {}

impl fmt::Debug for Track1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Track1 {{ pan: {}, .. }}", self.pan)
    }
}

#[cfg(test)]
mod tests;
