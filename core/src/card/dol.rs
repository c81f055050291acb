//! Data Object Lists (PDOL `9F38`, CDOL1 `8C`, CDOL2 `8D`, DDOL `9F49`,
//! TDOL `97`): parsing and building the concatenated data a card asks for
//! (EMV 4.4 Book 3 §5.4).
//!
//! A DOL is a list of tag + one-byte length pairs, with no values. The
//! terminal answers with the values of those data objects, concatenated,
//! each fitted to the requested length by the rules of §5.4:
//!
//! - a. unknown or constructed tag: the requested length of `00` bytes;
//! - b. data absent: `00` bytes;
//! - c. value longer than requested: for format `n` keep the rightmost bytes
//!   (the leftmost are truncated), for every other format keep the leftmost;
//! - d. value shorter than requested: format `n` is padded with leading
//!   `00`, format `cn` with trailing `FF`, every other format with
//!   trailing `00`.
//!
//! The format comes from the tag dictionary ([`crate::card::tags`]); a tag
//! that the value source knows but the dictionary does not is treated as
//! format `b`.
//!
//! # Example
//! ```
//! use paycore::card::dol::Dol;
//! use paycore::card::tlv::Tag;
//!
//! // PDOL: TTQ (4), Amount Authorised (6), Unpredictable Number (4),
//! // Transaction Currency Code (2).
//! let pdol = Dol::parse(&[0x9F, 0x66, 0x04, 0x9F, 0x02, 0x06, 0x9F, 0x37, 0x04, 0x5F, 0x2A, 0x02])
//!     .unwrap();
//! assert_eq!(pdol.total_len(), 16);
//!
//! let values: &[(Tag, &[u8])] = &[
//!     (Tag::TTQ, &[0x36, 0x00, 0x40, 0x00]),
//!     (Tag::AMOUNT_AUTHORISED, &[0x10, 0x00]), // n: padded on the left
//!     (Tag::UNPREDICTABLE_NUMBER, &[0xDE, 0xAD, 0xBE, 0xEF]),
//! ];
//! let mut out = [0u8; 16];
//! let n = pdol.build_from(values, &mut out).unwrap();
//! assert_eq!(n, 16);
//! assert_eq!(
//!     out,
//!     [
//!         0x36, 0x00, 0x40, 0x00, // 9F66
//!         0x00, 0x00, 0x00, 0x00, 0x10, 0x00, // 9F02
//!         0xDE, 0xAD, 0xBE, 0xEF, // 9F37
//!         0x00, 0x00, // 5F2A absent: zeros
//!     ]
//! );
//! ```

#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use crate::card::tags::{self, Format};
use crate::card::tlv::{Tag, is_padding_at, parse_tag};
use crate::error::{Error, TlvError};
#[cfg(all(feature = "alloc", not(test)))]
use alloc::{vec, vec::Vec};

/// One DOL entry: a tag and the number of value bytes requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DolEntry {
    tag: Tag,
    length: usize,
    offset: usize,
}

impl DolEntry {
    /// The requested tag.
    #[must_use]
    pub const fn tag(&self) -> Tag {
        self.tag
    }

    /// The requested length, in bytes (0-255).
    #[must_use]
    pub const fn length(&self) -> usize {
        self.length
    }

    /// Offset of the entry's tag within the DOL.
    #[must_use]
    pub const fn offset(&self) -> usize {
        self.offset
    }
}

/// Parses one entry at `pos`. `None` at the end of the DOL.
fn parse_entry(data: &[u8], pos: usize) -> Result<Option<(DolEntry, usize)>, Error> {
    let Some(rest) = data.get(pos..).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    // A DOL has no padding (EMV Book 3 §5.4), so a byte the TLV reader
    // would skip as padding (`00`, or `FF` not followed by `81`-`FE`) is an
    // error here; `FF81xx` tags (EMV Book C-2) are entries like any other.
    if is_padding_at(rest) {
        return Err(TlvError::Dol { offset: pos }.into());
    }
    let (tag, tag_len) = parse_tag(rest, pos)?;
    let length = *rest
        .get(tag_len)
        .ok_or(TlvError::Truncated { offset: pos })?;
    Ok(Some((
        DolEntry {
            tag,
            length: usize::from(length),
            offset: pos,
        },
        tag_len + 1,
    )))
}

/// A parsed, well-formed Data Object List borrowing its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dol<'a> {
    data: &'a [u8],
    count: usize,
    total: usize,
}

impl<'a> Dol<'a> {
    /// Parses and checks a whole DOL (the value of tag `9F38`, `8C`, …).
    ///
    /// # Errors
    /// [`TlvError::Truncated`] if the DOL ends inside an entry,
    /// [`TlvError::TagTooLong`] for an unterminated tag, [`TlvError::Dol`]
    /// for an entry starting with a byte the TLV reader takes for padding
    /// (`00`, or `FF` not followed by `81`-`FE`; see
    /// [`crate::card::tlv`], "Padding").
    pub fn parse(data: &'a [u8]) -> Result<Self, Error> {
        let mut pos = 0usize;
        let mut count = 0usize;
        let mut total = 0usize;
        while let Some((entry, used)) = parse_entry(data, pos)? {
            pos += used;
            count += 1;
            total = total.saturating_add(entry.length);
        }
        Ok(Self { data, count, total })
    }

    /// The entries in order.
    #[must_use]
    pub fn entries(&self) -> Entries<'a> {
        Entries {
            data: self.data,
            pos: 0,
        }
    }

    /// Number of entries.
    #[must_use]
    pub const fn len(&self) -> usize {
        self.count
    }

    /// True for an empty DOL.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Sum of the requested lengths: the size of the data [`Dol::build`]
    /// writes.
    #[must_use]
    pub const fn total_len(&self) -> usize {
        self.total
    }

    /// Writes the concatenated data for this DOL into `out`, taking each
    /// value from `source` (`None` = absent) and fitting it by the rules of
    /// EMV Book 3 §5.4 (see the module docs). Returns [`Dol::total_len`].
    ///
    /// # Errors
    /// [`Error::buffer_too_small`] if `out` is shorter than
    /// [`Dol::total_len`]; nothing is written then.
    pub fn build<'v>(
        &self,
        out: &mut [u8],
        mut source: impl FnMut(Tag) -> Option<&'v [u8]>,
    ) -> Result<usize, Error> {
        let provided = out.len();
        let out = out
            .get_mut(..self.total)
            .ok_or(Error::buffer_too_small(self.total, provided))?;
        let mut pos = 0usize;
        for entry in self.entries() {
            let end = pos + entry.length;
            let Some(field) = out.get_mut(pos..end) else {
                // Unreachable: total is the sum of the lengths.
                return Err(Error::buffer_too_small(end, provided));
            };
            let value = if entry.tag.is_constructed() {
                None // rule a
            } else {
                source(entry.tag)
            };
            match value {
                None => field.fill(0), // rules a and b
                Some(v) => {
                    let format = tags::lookup(entry.tag).map_or(Format::B, |i| i.format());
                    fit_value(format, v, field);
                }
            }
            pos = end;
        }
        Ok(pos)
    }

    /// As [`Dol::build`], with values from a [`ValueSource`].
    ///
    /// # Errors
    /// As [`Dol::build`].
    pub fn build_from<S: ValueSource + ?Sized>(
        &self,
        source: &S,
        out: &mut [u8],
    ) -> Result<usize, Error> {
        self.build(out, |tag| source.value(tag))
    }

    /// As [`Dol::build`], into a new vector.
    ///
    /// # Errors
    /// None in practice; the signature matches [`Dol::build`].
    #[cfg(feature = "alloc")]
    pub fn build_to_vec<'v>(
        &self,
        source: impl FnMut(Tag) -> Option<&'v [u8]>,
    ) -> Result<Vec<u8>, Error> {
        let mut out = vec![0u8; self.total];
        self.build(&mut out, source)?;
        Ok(out)
    }
}

/// Iterator over the entries of a parsed [`Dol`].
#[derive(Debug, Clone)]
pub struct Entries<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Iterator for Entries<'_> {
    type Item = DolEntry;

    fn next(&mut self) -> Option<DolEntry> {
        // The DOL was checked by `Dol::parse`, so errors cannot occur here.
        let (entry, used) = parse_entry(self.data, self.pos).ok().flatten()?;
        self.pos += used;
        Some(entry)
    }
}

/// Supplies terminal (or card) data object values for [`Dol::build_from`].
pub trait ValueSource {
    /// The value of `tag`, or `None` if absent.
    fn value(&self, tag: Tag) -> Option<&[u8]>;
}

impl ValueSource for [(Tag, &[u8])] {
    fn value(&self, tag: Tag) -> Option<&[u8]> {
        self.iter().find(|(t, _)| *t == tag).map(|(_, v)| *v)
    }
}

impl<const N: usize> ValueSource for [(Tag, &[u8]); N] {
    fn value(&self, tag: Tag) -> Option<&[u8]> {
        self.as_slice().value(tag)
    }
}

/// Fits `value` into `out` (the requested length) by the truncation and
/// padding rules of EMV Book 3 §5.4 c and d for `format`.
pub fn fit_value(format: Format, value: &[u8], out: &mut [u8]) {
    let want = out.len();
    let have = value.len();
    if have >= want {
        // Rule c: numeric keeps the rightmost bytes, others the leftmost.
        let kept = if format == Format::N {
            value.get(have - want..)
        } else {
            value.get(..want)
        };
        out.copy_from_slice(kept.unwrap_or(&[]));
        return;
    }
    // Rule d.
    let (data_part, pad_part, pad) = match format {
        Format::N => {
            let (pad_part, data_part) = out.split_at_mut(want - have);
            (data_part, pad_part, 0x00)
        }
        Format::Cn => {
            let (data_part, pad_part) = out.split_at_mut(have);
            (data_part, pad_part, 0xFF)
        }
        _ => {
            let (data_part, pad_part) = out.split_at_mut(have);
            (data_part, pad_part, 0x00)
        }
    };
    data_part.copy_from_slice(value);
    pad_part.fill(pad);
}

#[cfg(test)]
mod tests;
