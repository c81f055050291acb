//! EMV BER-TLV: a zero-copy parser, a full-tree validator and a
//! minimal-length encoder (EMV 4.4 Book 3 Annex B; ISO/IEC 8825-1 §8.1;
//! ISO/IEC 7816-4 §5.2).
//!
//! [`Iter`] walks the data objects of one level of a byte slice and yields
//! [`Tlv`] views that borrow the input. A constructed object (bit 6, `0x20`,
//! of the first tag byte set) exposes its children through
//! [`Tlv::children`]. [`validate`] and [`walk`] descend the whole tree;
//! [`find`] searches it depth-first.
//!
//! # What is accepted
//! - Tags of one to [`MAX_TAG_LEN`] bytes: a first byte whose low five bits
//!   are `11111` continues with subsequent bytes while their bit 8 is set
//!   (Annex B1). A longer tag gives [`TlvError::TagTooLong`]. Tags whose
//!   first byte is `FF` are accepted when they are three or more bytes long,
//!   such as the EMV Contactless Book C-2 templates `FF8105` (Data Record)
//!   and `FF8106` (Discretionary Data); see "Padding" below.
//! - Lengths in short form (`00`-`7F`) and long form `81 xx` and `82 xx xx`:
//!   EMV Book 3 Annex B2 allows a length field of at most three bytes.
//!   Non-minimal long forms (`81 05`) are accepted as BER allows them;
//!   [`Tlv::has_minimal_length`] tells them apart.
//!
//! # Padding: `00` and `FF` between data objects
//! Where a data object may start (before the first, between two, after the
//! last, at every level), the reader decides on the byte there, and for
//! `FF` on the byte after it:
//!
//! | bytes at the boundary | read as | clause |
//! |---|---|---|
//! | `00` | one padding byte | EMV Book 3 Annex B1 ("'00' bytes without any meaning may occur"); ISO/IEC 7816-4:2005 §5.2.2.1 ('00' is invalid as a first tag byte) |
//! | `FF` `81`-`FE` | the first byte of a tag of three or more bytes | ISO/IEC 8825-1 §8.1.2.4: `FF` has tag-number bits `11111`, so subsequent bytes follow; a first subsequent byte with bit 8 set continues the tag (EMV Book C-2 `FF81xx`) |
//! | `FF` `00`-`80`, `FF` `FF`, or `FF` last | one padding byte | ISO/IEC 7816-4 (1995 Annex D.1; 2005 §5.2.2.1): "'00' or 'FF' bytes without any meaning may occur" |
//!
//! So a two-byte tag `FFxx` (`xx` = `1F`-`7F`) cannot be expressed: EMV
//! assigns none, and reading `FF 5A 08 …` as padding and a PAN keeps erased
//! (`FF`-filled) records readable. `FF 80` is not a tag start (ISO/IEC
//! 8825-1 §8.1.2.4.2 c forbids a first subsequent byte `80`) and `FF FF`
//! is a run of erased bytes. The one ambiguous case is padding `FF`
//! directly before a data object whose tag starts with `81`-`FE`
//! (`FF 9F02 …`): it is read as the tag `FF9F02`, as EMV, which knows no
//! `FF` padding, reads it. [`Tag::from_bytes`], [`encode`] and [`Writer`]
//! refuse the tags this rule would read as padding, so whatever they write
//! reads back as written.
//!
//! # What is rejected
//! - Indefinite length `80` ([`TlvError::IndefiniteLength`]: EMV uses
//!   definite lengths only); a long-form length field of more than three
//!   bytes, `83 xx xx xx` to `FE …` ([`TlvError::LengthFieldTooLong`]:
//!   ISO/IEC 7816-4 and BER allow it, EMV Book 3 Annex B2 does not); `FF`
//!   ([`TlvError::InvalidLength`]: reserved, ISO/IEC 8825-1 §8.1.3.5 c).
//! - Data ending inside a tag, length or value ([`TlvError::Truncated`]).
//! - A value longer than [`Limits::max_length`] ([`TlvError::LengthLimit`])
//!   and nesting deeper than [`Limits::max_depth`] ([`TlvError::DepthLimit`]).
//!
//! Errors name offsets, never bytes of the input.
//!
//! # Example
//! ```
//! use paycore::card::tlv::{self, Limits, Tag, Writer};
//!
//! // SELECT PPSE response (FCI template).
//! let fci = [
//!     0x6F, 0x1A, 0x84, 0x0E, b'2', b'P', b'A', b'Y', b'.', b'S', b'Y', b'S',
//!     b'.', b'D', b'D', b'F', b'0', b'1', 0xA5, 0x08, 0x88, 0x01, 0x01, 0x5F,
//!     0x2D, 0x02, b'e', b'n',
//! ];
//! let limits = Limits::default();
//! assert_eq!(tlv::validate(&fci, limits).unwrap(), 5);
//! let sfi = tlv::find(&fci, Tag::SFI, limits).unwrap().unwrap();
//! assert_eq!(sfi.value(), [0x01]);
//!
//! let top = tlv::Iter::new(&fci, limits).next().unwrap().unwrap();
//! assert_eq!(top.tag(), Tag::FCI_TEMPLATE);
//! let names: Vec<Tag> = top.children().unwrap().map(|c| c.unwrap().tag()).collect();
//! assert_eq!(names, [Tag::DF_NAME, Tag::FCI_PROPRIETARY_TEMPLATE]);
//!
//! // Build it again without allocating.
//! let mut buf = [0u8; 64];
//! let mut w = Writer::new(&mut buf);
//! w.constructed(Tag::FCI_TEMPLATE, |w| {
//!     w.primitive(Tag::DF_NAME, b"2PAY.SYS.DDF01")?;
//!     w.constructed(Tag::FCI_PROPRIETARY_TEMPLATE, |w| {
//!         w.primitive(Tag::SFI, &[0x01])?;
//!         w.primitive(Tag::LANGUAGE_PREFERENCE, b"en")
//!     })
//! })
//! .unwrap();
//! assert_eq!(w.written(), fci);
//! ```

#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use core::fmt;
use core::ops::ControlFlow;

use crate::card::tags::{self, TagInfo};
use crate::error::{Error, TlvError};
#[cfg(all(feature = "alloc", not(test)))]
use alloc::vec::Vec;

/// Longest tag accepted, in bytes. EMV assigns tags of at most three bytes;
/// four leaves room for ISO/IEC 7816-4 proprietary tags.
pub const MAX_TAG_LEN: usize = 4;

/// Largest value length an EMV length field can express, and so the largest
/// the encoder writes: `82 FF FF` (EMV Book 3 Annex B2: at most three length
/// bytes).
pub const MAX_ENCODABLE_LEN: usize = 0xFFFF;

/// Hard ceiling on [`Limits::max_depth`], which bounds recursion (and so
/// stack use) in [`validate`], [`walk`] and [`find`].
pub const MAX_DEPTH_CAP: usize = 32;

/// True when `second`, following a first tag byte `FF`, makes `FF` the start
/// of a tag rather than padding: a first subsequent tag byte with bit 8 set
/// (more bytes follow) that is not the forbidden `80` (ISO/IEC 8825-1
/// §8.1.2.4.2 c) nor `FF` (a run of erased bytes). See the module docs.
const fn ff_starts_tag(second: u8) -> bool {
    matches!(second, 0x81..=0xFE)
}

/// True when the byte at the start of `rest`, at a data-object boundary, is
/// padding rather than the first byte of a tag (module docs, "Padding").
pub(crate) const fn is_padding_at(rest: &[u8]) -> bool {
    match rest {
        [0x00, ..] | [0xFF] => true,
        [0xFF, second, ..] => !ff_starts_tag(*second),
        _ => false,
    }
}

// ---------------------------------------------------------------------------
// Tag
// ---------------------------------------------------------------------------

/// A BER-TLV tag of one to [`MAX_TAG_LEN`] bytes (EMV Book 3 Annex B1).
///
/// Named constants for the EMV tags live in [`crate::card::tags`]
/// (`Tag::PAN`, `Tag::TRACK2_EQUIVALENT_DATA`, …). `Debug` prints the hex and,
/// when the tag is in the dictionary, its name; `Display` prints the hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag {
    bytes: [u8; MAX_TAG_LEN],
    len: u8,
}

/// The class of a tag: bits 8-7 of its first byte (ISO/IEC 8825-1 §8.1.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TagClass {
    /// `00`: universal.
    Universal,
    /// `01`: application (most EMV tags, e.g. `5A`, `6F`).
    Application,
    /// `10`: context-specific (e.g. `84`, `9F02`, `A5`, `BF0C`).
    ContextSpecific,
    /// `11`: private (e.g. `DF..`, `FF..`).
    Private,
}

impl Tag {
    /// The tag whose bytes are the big-endian, significant bytes of `raw`
    /// (`Tag::new(0x9F02)` is the two-byte tag `9F 02`; `Tag::new(0)` is the
    /// one-byte `00`). It does not check that the bytes form a well-formed
    /// multi-byte tag; use [`Tag::from_bytes`] for untrusted input.
    #[must_use]
    pub const fn new(raw: u32) -> Self {
        let [b0, b1, b2, b3] = raw.to_be_bytes();
        let (bytes, len) = if raw > 0x00FF_FFFF {
            ([b0, b1, b2, b3], 4)
        } else if raw > 0xFFFF {
            ([b1, b2, b3, 0], 3)
        } else if raw > 0xFF {
            ([b2, b3, 0, 0], 2)
        } else {
            ([b3, 0, 0, 0], 1)
        };
        Self { bytes, len }
    }

    /// Parses exactly one well-formed tag occupying all of `bytes`.
    ///
    /// # Errors
    /// [`TlvError::Truncated`] if the tag does not end, [`TlvError::TagTooLong`]
    /// beyond [`MAX_TAG_LEN`] bytes, [`Error::invalid_argument`] (`"tag"`) if
    /// bytes follow the tag, it is empty, or a reader would take its first
    /// byte for padding (`00`, or `FF` not followed by `81`-`FE`: see the
    /// module docs).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        if is_padding_at(bytes) || bytes.is_empty() {
            return Err(Error::invalid_argument("tag"));
        }
        let (tag, used) = parse_tag(bytes, 0)?;
        if used != bytes.len() {
            return Err(Error::invalid_argument("tag"));
        }
        Ok(tag)
    }

    /// The tag as a big-endian integer (`9F 02` is `0x9F02`).
    #[must_use]
    pub const fn as_u32(self) -> u32 {
        // len is 1..=4, so the shift is 0..=24.
        u32::from_be_bytes(self.bytes) >> (8 * (4 - self.len as u32))
    }

    /// The encoded tag bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// Number of bytes in the encoded tag (1 to [`MAX_TAG_LEN`]).
    #[must_use]
    pub const fn encoded_len(self) -> usize {
        self.len as usize
    }

    /// True when bit 6 of the first byte is set: the value is itself a
    /// sequence of data objects (a template).
    #[must_use]
    pub const fn is_constructed(self) -> bool {
        self.bytes[0] & 0x20 != 0
    }

    /// The tag's class.
    #[must_use]
    pub const fn class(self) -> TagClass {
        match self.bytes[0] >> 6 {
            0 => TagClass::Universal,
            1 => TagClass::Application,
            2 => TagClass::ContextSpecific,
            _ => TagClass::Private,
        }
    }

    /// The dictionary entry for this tag (EMV Book 3 Annex A), if known.
    #[must_use]
    pub fn info(self) -> Option<&'static TagInfo> {
        tags::lookup(self)
    }

    /// The dictionary name for this tag, if known.
    #[must_use]
    pub fn name(self) -> Option<&'static str> {
        self.info().map(TagInfo::name)
    }
}

impl Tag {
    /// True when a reader would take this tag's first byte for padding, so
    /// the tag cannot be written (module docs, "Padding").
    fn reads_as_padding(self) -> bool {
        is_padding_at(self.as_bytes())
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.as_bytes() {
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "Tag({self} {name:?})"),
            None => write!(f, "Tag({self})"),
        }
    }
}

// ---------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------

/// Parser limits. The defaults suit any EMV card response: depth 8 (a PPSE
/// response nests five: 6F/A5/BF0C/61/4F), values up to 65 535 bytes (an extended-length
/// APDU).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    max_depth: usize,
    max_length: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self::new()
    }
}

impl Limits {
    /// The default limits.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            max_depth: 8,
            max_length: 0xFFFF,
        }
    }

    /// Sets the maximum number of nesting levels; top-level objects are
    /// level 1, so `1` forbids descending into any template. Clamped to
    /// `1..=`[`MAX_DEPTH_CAP`].
    #[must_use]
    pub const fn with_max_depth(mut self, levels: usize) -> Self {
        self.max_depth = if levels == 0 {
            1
        } else if levels > MAX_DEPTH_CAP {
            MAX_DEPTH_CAP
        } else {
            levels
        };
        self
    }

    /// Sets the largest accepted value length, in bytes.
    #[must_use]
    pub const fn with_max_length(mut self, bytes: usize) -> Self {
        self.max_length = bytes;
        self
    }

    /// Maximum number of nesting levels.
    #[must_use]
    pub const fn max_depth(&self) -> usize {
        self.max_depth
    }

    /// Largest accepted value length, in bytes.
    #[must_use]
    pub const fn max_length(&self) -> usize {
        self.max_length
    }
}

// ---------------------------------------------------------------------------
// Header parsing
// ---------------------------------------------------------------------------

/// Parses a tag at the start of `data`; `offset` is `data`'s position in the
/// caller's buffer, for errors. Returns the tag and its length in bytes.
pub(crate) fn parse_tag(data: &[u8], offset: usize) -> Result<(Tag, usize), Error> {
    let first = *data.first().ok_or(TlvError::Truncated { offset })?;
    let mut bytes = [0u8; MAX_TAG_LEN];
    bytes[0] = first;
    if first & 0x1F != 0x1F {
        return Ok((Tag { bytes, len: 1 }, 1));
    }
    let mut len = 1usize;
    loop {
        let b = *data.get(len).ok_or(TlvError::Truncated { offset })?;
        let slot = bytes.get_mut(len).ok_or(TlvError::TagTooLong { offset })?;
        *slot = b;
        len += 1;
        if b & 0x80 == 0 {
            break;
        }
    }
    #[allow(clippy::cast_possible_truncation)] // len <= MAX_TAG_LEN
    Ok((
        Tag {
            bytes,
            len: len as u8,
        },
        len,
    ))
}

/// Parses a length field at the start of `data` (`offset` as above).
/// Returns the value length and the length field's size.
fn parse_length(data: &[u8], offset: usize) -> Result<(usize, usize), Error> {
    let first = *data.first().ok_or(TlvError::Truncated { offset })?;
    match first {
        0x00..=0x7F => Ok((usize::from(first), 1)),
        0x80 => Err(TlvError::IndefiniteLength { offset }.into()),
        0x81 | 0x82 => {
            let n = usize::from(first & 0x7F);
            let bytes = data.get(1..=n).ok_or(TlvError::Truncated { offset })?;
            let len = bytes
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            Ok((len, 1 + n))
        }
        0x83..=0xFE => Err(TlvError::LengthFieldTooLong { offset }.into()),
        0xFF => Err(TlvError::InvalidLength { offset }.into()),
    }
}

/// Number of bytes of the minimal length field for `value_len`.
///
/// # Errors
/// [`Error::invalid_argument`] (`"value"`) above [`MAX_ENCODABLE_LEN`].
pub const fn length_field_len(value_len: usize) -> Result<usize, Error> {
    match value_len {
        0..=0x7F => Ok(1),
        0x80..=0xFF => Ok(2),
        0x100..=MAX_ENCODABLE_LEN => Ok(3),
        _ => Err(Error::invalid_argument("value")),
    }
}

// ---------------------------------------------------------------------------
// Tlv and Iter
// ---------------------------------------------------------------------------

/// One data object, borrowing its value from the input.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    tag: Tag,
    value: &'a [u8],
    offset: usize,
    header_len: usize,
    level: usize,
    limits: Limits,
}

impl<'a> Tlv<'a> {
    /// The tag.
    #[must_use]
    pub const fn tag(&self) -> Tag {
        self.tag
    }

    /// The value bytes (for a template: its encoded children).
    #[must_use]
    pub const fn value(&self) -> &'a [u8] {
        self.value
    }

    /// Offset of the tag's first byte in the buffer given to the top-level
    /// [`Iter`].
    #[must_use]
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// Offset of the value's first byte, as for [`Tlv::offset`].
    #[must_use]
    pub const fn value_offset(&self) -> usize {
        self.offset + self.header_len
    }

    /// Tag, length and value bytes together.
    #[must_use]
    pub const fn encoded_len(&self) -> usize {
        self.header_len + self.value.len()
    }

    /// Nesting level: 1 for a top-level object, 2 for its children, …
    #[must_use]
    pub const fn level(&self) -> usize {
        self.level
    }

    /// True for a template (see [`Tag::is_constructed`]).
    #[must_use]
    pub const fn is_constructed(&self) -> bool {
        self.tag.is_constructed()
    }

    /// True when the length field used the shortest form (DER-style);
    /// `81 05` instead of `05` is valid BER but not minimal.
    #[must_use]
    pub fn has_minimal_length(&self) -> bool {
        length_field_len(self.value.len())
            .is_ok_and(|l| self.tag.encoded_len() + l == self.header_len)
    }

    /// The dictionary entry for the tag, if known.
    #[must_use]
    pub fn info(&self) -> Option<&'static TagInfo> {
        self.tag.info()
    }

    /// True when the dictionary marks the tag as cardholder or PIN data
    /// ([`TagInfo::sensitive`]); a display should mask the value.
    #[must_use]
    pub fn is_sensitive(&self) -> bool {
        tags::is_sensitive(self.tag)
    }

    /// An iterator over the children of a template, or `None` for a
    /// primitive object. If the children would exceed
    /// [`Limits::max_depth`], the iterator yields one
    /// [`TlvError::DepthLimit`].
    #[must_use]
    pub fn children(&self) -> Option<Iter<'a>> {
        if !self.is_constructed() {
            return None;
        }
        let level = self.level + 1;
        let pending = (level > self.limits.max_depth).then_some(
            TlvError::DepthLimit {
                offset: self.offset,
                limit: self.limits.max_depth,
            }
            .into(),
        );
        Some(Iter {
            data: self.value,
            pos: 0,
            base: self.value_offset(),
            level,
            limits: self.limits,
            pending,
            done: false,
        })
    }
}

impl fmt::Debug for Tlv<'_> {
    /// Prints tag, offset and length, never the value (it may be card data).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tlv")
            .field("tag", &self.tag)
            .field("offset", &self.offset)
            .field("length", &self.value.len())
            .finish_non_exhaustive()
    }
}

/// Iterator over the data objects of one level (EMV Book 3 Annex B).
///
/// Yields `Err` once on malformed input, then ends. `Debug` prints the
/// position and level only, never the bytes (they may hold a PAN or track
/// data): `Iter { offset: 0, level: 1, .. }`.
#[derive(Clone)]
pub struct Iter<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
    level: usize,
    limits: Limits,
    pending: Option<Error>,
    done: bool,
}

impl fmt::Debug for Iter<'_> {
    /// Position (in the top-level buffer) and level, never the data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Iter")
            .field("offset", &(self.base + self.pos))
            .field("level", &self.level)
            .finish_non_exhaustive()
    }
}

impl<'a> Iter<'a> {
    /// Iterates the top-level objects of `data`.
    #[must_use]
    pub const fn new(data: &'a [u8], limits: Limits) -> Self {
        Self {
            data,
            pos: 0,
            base: 0,
            level: 1,
            limits,
            pending: None,
            done: false,
        }
    }

    fn parse_next(&mut self) -> Result<Option<Tlv<'a>>, Error> {
        let rest = self.data.get(self.pos..).unwrap_or(&[]);
        let mut rest = rest;
        while is_padding_at(rest) {
            self.pos += 1;
            rest = rest.get(1..).unwrap_or(&[]);
        }
        if rest.is_empty() {
            return Ok(None);
        }
        let offset = self.base + self.pos;
        let (tag, tag_len) = parse_tag(rest, offset)?;
        let len_offset = offset + tag_len;
        let (value_len, len_len) = parse_length(rest.get(tag_len..).unwrap_or(&[]), len_offset)?;
        if value_len > self.limits.max_length {
            return Err(TlvError::LengthLimit {
                offset: len_offset,
                limit: self.limits.max_length,
            }
            .into());
        }
        let header_len = tag_len + len_len;
        let value = header_len
            .checked_add(value_len)
            .and_then(|end| rest.get(header_len..end))
            .ok_or(TlvError::Truncated { offset })?;
        self.pos += header_len + value_len;
        Ok(Some(Tlv {
            tag,
            value,
            offset,
            header_len,
            level: self.level,
            limits: self.limits,
        }))
    }
}

impl<'a> Iterator for Iter<'a> {
    type Item = Result<Tlv<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        if let Some(e) = self.pending.take() {
            self.done = true;
            return Some(Err(e));
        }
        match self.parse_next() {
            Ok(Some(tlv)) => Some(Ok(tlv)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

impl core::iter::FusedIterator for Iter<'_> {}

// ---------------------------------------------------------------------------
// Whole-tree helpers
// ---------------------------------------------------------------------------

fn walk_level<'a, B, F>(iter: Iter<'a>, visit: &mut F) -> Result<ControlFlow<B>, Error>
where
    F: FnMut(&Tlv<'a>) -> ControlFlow<B>,
{
    for item in iter {
        let tlv = item?;
        if let ControlFlow::Break(b) = visit(&tlv) {
            return Ok(ControlFlow::Break(b));
        }
        if let Some(children) = tlv.children() {
            if let ControlFlow::Break(b) = walk_level(children, visit)? {
                return Ok(ControlFlow::Break(b));
            }
        }
    }
    Ok(ControlFlow::Continue(()))
}

/// Visits every data object of `data` depth-first, parents before children,
/// descending into every template (recursion bounded by
/// [`Limits::max_depth`]). Stops early when `visit` breaks, and returns the
/// break value.
///
/// # Errors
/// The first [`TlvError`] met, anywhere in the tree.
pub fn walk<'a, B>(
    data: &'a [u8],
    limits: Limits,
    mut visit: impl FnMut(&Tlv<'a>) -> ControlFlow<B>,
) -> Result<Option<B>, Error> {
    match walk_level(Iter::new(data, limits), &mut visit)? {
        ControlFlow::Break(b) => Ok(Some(b)),
        ControlFlow::Continue(()) => Ok(None),
    }
}

/// Parses the whole tree, descending into every template, and returns the
/// number of data objects.
///
/// # Errors
/// The first [`TlvError`] met, anywhere in the tree.
pub fn validate(data: &[u8], limits: Limits) -> Result<usize, Error> {
    let mut count = 0usize;
    walk::<()>(data, limits, |_| {
        count += 1;
        ControlFlow::Continue(())
    })?;
    Ok(count)
}

/// The first data object with `tag`, searching depth-first through nested
/// templates. Objects after the match are not parsed.
///
/// # Errors
/// A [`TlvError`] met before the match.
pub fn find<'a>(data: &'a [u8], tag: Tag, limits: Limits) -> Result<Option<Tlv<'a>>, Error> {
    walk(data, limits, |tlv| {
        if tlv.tag() == tag {
            ControlFlow::Break(*tlv)
        } else {
            ControlFlow::Continue(())
        }
    })
}

// ---------------------------------------------------------------------------
// Encoder
// ---------------------------------------------------------------------------

/// Size of the encoding of `tag` with a value of `value_len` bytes, with the
/// minimal length field.
///
/// # Errors
/// [`Error::invalid_argument`] (`"value"`) above [`MAX_ENCODABLE_LEN`].
pub fn encoded_len(tag: Tag, value_len: usize) -> Result<usize, Error> {
    Ok(tag.encoded_len() + length_field_len(value_len)? + value_len)
}

/// Writes the minimal length field for `value_len` into `out`; returns its size.
fn write_length(value_len: usize, out: &mut [u8]) -> Result<usize, Error> {
    let n = length_field_len(value_len)?;
    let provided = out.len();
    let field = out
        .get_mut(..n)
        .ok_or(Error::buffer_too_small(n, provided))?;
    let be = value_len.to_be_bytes();
    match field {
        [only] => *only = be.last().copied().unwrap_or(0),
        [first, rest @ ..] => {
            #[allow(clippy::cast_possible_truncation)] // n <= 4
            {
                *first = 0x80 | (rest.len() as u8);
            }
            let tail = be.get(be.len() - rest.len()..).unwrap_or(&[]);
            rest.copy_from_slice(tail);
        }
        [] => {}
    }
    Ok(n)
}

/// Encodes one data object (tag, minimal length, value) into `out` and
/// returns the number of bytes written. For a template, `value` is the
/// encoding of its children.
///
/// # Errors
/// [`Error::buffer_too_small`] if `out` is too short (nothing is
/// written); [`Error::invalid_argument`] (`"value"`) above
/// [`MAX_ENCODABLE_LEN`]; [`Error::invalid_argument`] (`"tag"`) for a tag
/// that a reader takes for padding (first byte `00`, or `FF` not followed
/// by `81`-`FE`; module docs).
pub fn encode(tag: Tag, value: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    if tag.reads_as_padding() {
        return Err(Error::invalid_argument("tag"));
    }
    let total = encoded_len(tag, value.len())?;
    let provided = out.len();
    let dst = out
        .get_mut(..total)
        .ok_or(Error::buffer_too_small(total, provided))?;
    let (tag_dst, rest) = dst.split_at_mut(tag.encoded_len());
    tag_dst.copy_from_slice(tag.as_bytes());
    let n = write_length(value.len(), rest)?;
    rest.get_mut(n..)
        .ok_or(Error::buffer_too_small(total, provided))?
        .copy_from_slice(value);
    Ok(total)
}

/// Appends one data object (tag, minimal length, value) to `out`.
///
/// # Errors
/// As [`encode`] (never `BufferTooSmall`).
#[cfg(feature = "alloc")]
pub fn encode_to_vec(tag: Tag, value: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
    let total = encoded_len(tag, value.len())?;
    let start = out.len();
    out.resize(start + total, 0);
    let dst = out.get_mut(start..).unwrap_or(&mut []);
    if let Err(e) = encode(tag, value, dst) {
        out.truncate(start);
        return Err(e);
    }
    Ok(())
}

/// Builds a sequence of data objects, with nested templates, in a caller
/// buffer, without allocating. `Debug` prints the position and capacity
/// only, never the bytes: `Writer { position: 0, capacity: 64, .. }`.
pub struct Writer<'b> {
    buf: &'b mut [u8],
    pos: usize,
}

impl fmt::Debug for Writer<'_> {
    /// Position and capacity, never the written bytes (they may be card data).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Writer")
            .field("position", &self.pos)
            .field("capacity", &self.buf.len())
            .finish_non_exhaustive()
    }
}

impl<'b> Writer<'b> {
    /// A writer that fills `buf` from its start.
    #[must_use]
    pub const fn new(buf: &'b mut [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    /// Appends a primitive data object (or a template from ready-made
    /// child bytes).
    ///
    /// # Errors
    /// As [`encode`]; on error nothing is written.
    pub fn primitive(&mut self, tag: Tag, value: &[u8]) -> Result<(), Error> {
        let provided = self.buf.len();
        let pos = self.pos;
        let dst = self.buf.get_mut(pos..).unwrap_or(&mut []);
        let n = encode(tag, value, dst).map_err(|e| shift_required(e, pos, provided))?;
        self.pos += n;
        Ok(())
    }

    /// Appends a template whose children `build` writes into the writer it
    /// is given. The length field is made minimal once the children are known.
    ///
    /// # Errors
    /// [`Error::buffer_too_small`] (with `required` a lower bound of the size
    /// needed) or any error `build` returns; [`Error::invalid_argument`]
    /// (`"tag"`) for a primitive tag or as in [`encode`]. On error the position is unchanged (bytes
    /// after it may have been overwritten).
    pub fn constructed<F>(&mut self, tag: Tag, build: F) -> Result<(), Error>
    where
        F: FnOnce(&mut Writer<'_>) -> Result<(), Error>,
    {
        if !tag.is_constructed() || tag.reads_as_padding() {
            return Err(Error::invalid_argument("tag"));
        }
        let provided = self.buf.len();
        let start = self.pos;
        // Children are written after a short-form header and moved up if
        // their length needs a long form, so an exactly-sized buffer works.
        let reserve = tag.encoded_len() + 1;
        let children_start = start + reserve;
        let child_buf = self
            .buf
            .get_mut(children_start..)
            .ok_or(Error::buffer_too_small(children_start, provided))?;
        let mut child = Writer::new(child_buf);
        build(&mut child).map_err(|e| shift_required(e, children_start, provided))?;
        let children_len = child.pos;
        let header = tag.encoded_len() + length_field_len(children_len)?;
        let total = header + children_len;
        let dst = self
            .buf
            .get_mut(start..start + total)
            .ok_or(Error::buffer_too_small(start + total, provided))?;
        if header > reserve {
            dst.copy_within(reserve..reserve + children_len, header);
        }
        let (tag_dst, rest) = dst.split_at_mut(tag.encoded_len());
        tag_dst.copy_from_slice(tag.as_bytes());
        write_length(children_len, rest)?;
        self.pos = start + total;
        Ok(())
    }

    /// The bytes written so far.
    #[must_use]
    pub fn written(&self) -> &[u8] {
        self.buf.get(..self.pos).unwrap_or(&[])
    }

    /// Number of bytes written so far.
    #[must_use]
    pub const fn position(&self) -> usize {
        self.pos
    }
}

/// Rebases a nested `BufferTooSmall` onto the outer buffer.
fn shift_required(e: Error, base: usize, provided: usize) -> Error {
    match e {
        Error::ApiMisuse(crate::error::ApiMisuse::BufferTooSmall { required, .. }) => {
            Error::buffer_too_small(base.saturating_add(required), provided)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests;
