//! The one error model of paycore.
//!
//! [`Error`] wraps a per-domain enum ([`TlvError`], [`TrackError`], …) so a
//! caller can match as finely as it needs, and [`Error::kind`] folds every
//! variant into a small, stable [`ErrorKind`] that the C result codes and the
//! UniFFI exception map from.
//!
//! Variants carry positions, lengths, tags and limits — never input bytes,
//! PAN digits, PINs, keys or MACs. Every failed MAC, KCV, tag or signature
//! check is the single opaque [`Error::VerificationFailed`].
//!
//! # Example
//! ```
//! use paycore::{Error, ErrorKind};
//! use paycore::card::pan::Pan;
//!
//! let err = Pan::parse("4111x11111111111").unwrap_err();
//! assert_eq!(err.kind(), ErrorKind::InvalidPan);
//! // The message names the position, not the digits.
//! assert_eq!(err.to_string(), "PAN: non-digit character at position 4");
//! ```

use core::fmt;

/// Every error paycore returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A MAC, KCV, AEAD tag, signature or key-block authenticator did not
    /// verify. Deliberately carries no detail.
    VerificationFailed,
    /// The caller used the API wrongly (as opposed to hostile input).
    ApiMisuse(ApiMisuse),
    /// BER-TLV or DOL data is malformed.
    Tlv(TlvError),
    /// Magnetic-stripe track or tag 57 data is malformed.
    Track(TrackError),
    /// A PAN is malformed.
    Pan(PanError),
    /// An EMVCo merchant-presented QR payload is malformed.
    Qr(QrError),
    /// A PIN or PIN block is malformed or does not decode.
    PinBlock(PinBlockError),
    /// A key is unusable for the requested operation.
    Key(KeyError),
    /// A TR-31 / X9.143 key block is malformed.
    Tr31(Tr31Error),
    /// A DUKPT operation failed.
    Dukpt(DukptError),
    /// A signature, record, envelope or journal operation failed.
    Sign(SignError),
    /// China UnionPay message data (sign-on field 62, track data, `SM016`)
    /// is malformed (feature `sm`).
    Cup(CupError),
    /// The random number generator failed (`RngCore::try_fill_bytes`
    /// returned an error, e.g. a firmware TRNG fault). Nothing was produced.
    RandomFailure,
}

/// A coarse, stable classification of [`Error`], for FFI result codes and
/// for callers that only need to decide what to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Input data (TLV, track, QR, key block, DER, record) is malformed.
    Malformed,
    /// A PAN is malformed (non-digit, wrong length, bad check digit).
    InvalidPan,
    /// A PIN or PIN block is malformed or did not decode.
    InvalidPin,
    /// Key material is of the wrong length or algorithm.
    InvalidKey,
    /// The key's usage or mode of use forbids the operation.
    KeyUsage,
    /// A MAC, KCV, tag or signature did not verify.
    VerificationFailed,
    /// A DUKPT transaction counter is exhausted.
    CounterExhausted,
    /// An output buffer is too small.
    BufferTooSmall,
    /// A configured limit (length, depth, count) was exceeded.
    LimitExceeded,
    /// The operation or combination is not supported (or forbidden by policy).
    Unsupported,
    /// A caller-supplied argument is invalid.
    InvalidArgument,
    /// A DUKPT originator state blob is older than the counter the caller
    /// recorded (a storage rollback).
    StateRolledBack,
    /// The random number generator failed; nothing was produced.
    RandomFailure,
}

impl ErrorKind {
    /// A short, stable, lower-case name for this kind (used in CLI JSON).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Malformed => "malformed",
            Self::InvalidPan => "invalid_pan",
            Self::InvalidPin => "invalid_pin",
            Self::InvalidKey => "invalid_key",
            Self::KeyUsage => "key_usage",
            Self::VerificationFailed => "verification_failed",
            Self::CounterExhausted => "counter_exhausted",
            Self::BufferTooSmall => "buffer_too_small",
            Self::LimitExceeded => "limit_exceeded",
            Self::Unsupported => "unsupported",
            Self::InvalidArgument => "invalid_argument",
            Self::StateRolledBack => "state_rolled_back",
            Self::RandomFailure => "random_failure",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Mistakes by the caller, kept apart from hostile input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiMisuse {
    /// The output buffer is too small.
    BufferTooSmall {
        /// Bytes the operation needs.
        required: usize,
        /// Bytes the caller provided.
        provided: usize,
    },
    /// An argument is out of its documented range.
    InvalidArgument {
        /// The argument's name.
        name: &'static str,
    },
}

/// BER-TLV (EMV Book 3 Annex B) and DOL errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlvError {
    /// The data ended inside a tag, length or value.
    Truncated {
        /// Offset where the truncated item starts.
        offset: usize,
    },
    /// A multi-byte tag never ended (or exceeds the supported tag size).
    TagTooLong {
        /// Offset of the tag.
        offset: usize,
    },
    /// Indefinite length (0x80) is not allowed in EMV.
    IndefiniteLength {
        /// Offset of the length byte.
        offset: usize,
    },
    /// A length field is malformed (the reserved first byte `FF`).
    InvalidLength {
        /// Offset of the length field.
        offset: usize,
    },
    /// A long-form length field of more than three bytes (`83 xx xx xx` or
    /// longer): valid BER and ISO/IEC 7816-4, but EMV Book 3 Annex B2 allows
    /// at most three length bytes.
    LengthFieldTooLong {
        /// Offset of the length field.
        offset: usize,
    },
    /// A length exceeds the configured maximum.
    LengthLimit {
        /// Offset of the length field.
        offset: usize,
        /// The configured limit.
        limit: usize,
    },
    /// Nesting exceeds the configured maximum depth.
    DepthLimit {
        /// Offset of the template that went too deep.
        offset: usize,
        /// The configured limit.
        limit: usize,
    },
    /// A DOL entry could not be satisfied or is malformed.
    Dol {
        /// Offset of the DOL entry.
        offset: usize,
    },
}

/// ISO/IEC 7813 track 1 / track 2 and EMV tag 57 errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TrackError {
    /// A character is not allowed at this position.
    InvalidCharacter {
        /// Character position (0-based).
        position: usize,
    },
    /// A required field separator is missing.
    MissingSeparator {
        /// The field that should have ended.
        field: &'static str,
    },
    /// A field has the wrong length.
    InvalidField {
        /// The field name.
        field: &'static str,
    },
    /// The track exceeds its maximum length.
    TooLong {
        /// The maximum allowed length.
        max: usize,
    },
    /// The longitudinal redundancy check does not match.
    LrcMismatch,
    /// The data is empty or truncated.
    Truncated,
}

/// PAN errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PanError {
    /// A non-digit character.
    NonDigit {
        /// Character position (0-based).
        position: usize,
    },
    /// Length outside 12-19 digits.
    InvalidLength {
        /// The actual length.
        length: usize,
    },
    /// The Luhn check digit is wrong.
    LuhnCheckFailed,
}

/// EMVCo merchant-presented QR errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum QrError {
    /// The payload ended inside a data object.
    Truncated {
        /// Byte offset in the payload.
        offset: usize,
    },
    /// An ID or length field is not two decimal digits.
    InvalidHeader {
        /// Byte offset in the payload.
        offset: usize,
    },
    /// A data object ID appears twice in one template.
    DuplicateId {
        /// The ID.
        id: u8,
    },
    /// A mandatory data object is missing.
    MissingId {
        /// The ID.
        id: u8,
    },
    /// A data object is not where the specification puts it (ID 00 must
    /// be first, ID 63 last).
    Misplaced {
        /// The ID.
        id: u8,
    },
    /// A data object's value is invalid for its ID.
    InvalidValue {
        /// The ID.
        id: u8,
    },
    /// The CRC (ID 63) is missing, not last, or does not match.
    CrcMismatch,
    /// The payload exceeds the maximum length.
    TooLong {
        /// The maximum.
        max: usize,
    },
}

/// ISO 9564-1 PIN and PIN block errors. Never carries PIN or PAN digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PinBlockError {
    /// The PIN is not 4-12 decimal digits.
    InvalidPin,
    /// The PIN block's control (format) nibble is wrong.
    InvalidControl,
    /// The PIN length nibble is out of range.
    InvalidPinLength,
    /// A PIN digit nibble is not a decimal digit.
    InvalidPinDigit,
    /// A fill nibble is not the value the format requires.
    InvalidFill,
    /// The PAN does not match the block.
    PanMismatch,
    /// The format needs a PAN and none was given.
    PanRequired,
    /// The block has the wrong length for its format.
    InvalidLength,
    /// The requested translation is forbidden.
    ForbiddenTranslation,
    /// The format may not be used for this operation (format 2 is for ICC
    /// offline PIN only and is never enciphered under a PIN key).
    FormatNotPermitted,
    /// A deciphered PIN block does not decode under this key and PAN. The
    /// one opaque error of [`decipher`](crate::pin::decipher),
    /// [`decipher_pin`](crate::pin::decipher_pin) and
    /// [`translate`](crate::pin::translate) after decipherment: which field
    /// failed is not told, since with a host-chosen PAN that would reveal
    /// PIN digits.
    Undecodable,
}

/// Key errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// Key material has the wrong length for the algorithm.
    InvalidLength {
        /// The length provided.
        length: usize,
    },
    /// The algorithm cannot be used for this operation.
    WrongAlgorithm,
    /// The key usage forbids this operation.
    UsageNotPermitted,
    /// The key's mode of use forbids this operation.
    ModeNotPermitted,
    /// The key may not be exported.
    NotExportable,
    /// A key check value is malformed (wrong length).
    InvalidKcvLength {
        /// The length provided.
        length: usize,
    },
    /// A value (e.g. version, usage code) is invalid.
    InvalidAttribute {
        /// The attribute name.
        attribute: &'static str,
    },
}

/// TR-31 / ANSI X9.143 key block errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Tr31Error {
    /// A header field is invalid.
    InvalidHeaderField {
        /// Field name.
        field: &'static str,
        /// Character offset of the field.
        offset: usize,
    },
    /// The block length does not match the length field.
    LengthMismatch,
    /// The key block version is not supported for this operation.
    UnsupportedVersion,
    /// An optional block is malformed.
    InvalidOptionalBlock {
        /// Character offset of the optional block.
        offset: usize,
    },
    /// The decrypted key length field is invalid.
    InvalidKeyLength,
    /// The block is too large.
    TooLong,
    /// A field that must be hexadecimal holds another character.
    InvalidHex {
        /// Field name.
        field: &'static str,
        /// Character offset of the offending character.
        offset: usize,
    },
    /// The header (with its optional blocks) is not a multiple of the
    /// cipher block length, so it needs a padding block (`PB`).
    HeaderNotAligned {
        /// Header length in characters.
        length: usize,
    },
    /// The header algorithm does not agree with the key (its length or family).
    AlgorithmMismatch,
    /// The header names an algorithm paycore cannot hold as a [`crate::keys::Key`]
    /// (single DES, HMAC; EC, RSA and DSA private keys come out of
    /// `tr31::unwrap_private_key` instead).
    UnsupportedAlgorithm,
    /// The key to wrap is stronger than the key block protection key
    /// (ANSI X9.24-1 §7.2: a key is protected by one at least as strong).
    KbpkTooWeak,
    /// A delivered TDES key is degenerate: two of its 8-byte parts are
    /// equal (ignoring parity), or it is another key of the same delivery
    /// with its parts swapped (signs of spliced ECB cryptogram blocks).
    WeakKey,
    /// A version `A` or `C` key block (key variant binding, 4-byte TDES
    /// CBC-MAC) was refused by the default unwrap policy; importing it
    /// needs an explicit legacy opt-in
    /// ([`crate::keys::tr31::UnwrapPolicy::ALLOW_LEGACY`]).
    LegacyVersionRefused,
}

/// DUKPT errors (ANSI X9.24-1 and X9.24-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DukptError {
    /// KSN has the wrong length.
    InvalidKsnLength {
        /// The length provided.
        length: usize,
    },
    /// The transaction counter is invalid (e.g. too many one-bits).
    InvalidCounter,
    /// The originator has no transaction keys left.
    CounterExhausted,
    /// The requested working-key type is stronger than the derivation key.
    KeyTypeTooStrong,
    /// The persisted state blob is malformed (truncated, unknown version,
    /// inconsistent registers).
    InvalidState,
    /// The working-key usage does not exist in this DUKPT flavour (e.g. a
    /// key-encryption key from TDES DUKPT).
    UnsupportedUsage,
    /// The persisted state is genuine but its counter is below the minimum
    /// the caller recorded in monotonic storage: the storage was rolled
    /// back to an older blob, whose counters may already have been used.
    StateRolledBack,
}

/// China UnionPay message-data errors (feature `sm`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CupError {
    /// Sign-on field 62 does not have the length of its layout.
    Field62Length {
        /// Bytes the layout and check-value length need.
        expected: usize,
        /// Bytes received.
        actual: usize,
    },
    /// The 8 bytes after a single-length MAK (layouts `003`/`004`) are not zero.
    Field62MakPadding,
    /// Track data is too short for a TDB before its last byte, or too long.
    TrackLength {
        /// Digits received.
        digits: usize,
    },
    /// Track data holds a character other than a digit or separator.
    TrackCharacter {
        /// Zero-based position.
        position: usize,
    },
    /// Decrypted track data is not digits and separators (wrong key or data).
    TrackUndecodable,
    /// An `SM016` sub-element is malformed.
    Sm016,
}

/// Signature, transaction record, envelope and journal errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignError {
    /// DER or raw signature encoding is malformed.
    MalformedSignature,
    /// A public or private key encoding is malformed.
    MalformedKey,
    /// A transaction record encoding is malformed.
    MalformedRecord {
        /// Byte offset.
        offset: usize,
    },
    /// A sealed envelope is malformed.
    MalformedEnvelope,
    /// A record field is invalid.
    InvalidField {
        /// Field name.
        field: &'static str,
    },
    /// A journal entry encoding is malformed.
    MalformedJournalEntry {
        /// Byte offset.
        offset: usize,
    },
}

impl Error {
    /// The coarse kind of this error.
    #[must_use]
    pub const fn kind(&self) -> ErrorKind {
        match self {
            Self::VerificationFailed => ErrorKind::VerificationFailed,
            Self::RandomFailure => ErrorKind::RandomFailure,
            Self::ApiMisuse(ApiMisuse::BufferTooSmall { .. }) => ErrorKind::BufferTooSmall,
            Self::ApiMisuse(ApiMisuse::InvalidArgument { .. }) => ErrorKind::InvalidArgument,
            Self::Tlv(TlvError::LengthLimit { .. } | TlvError::DepthLimit { .. }) => {
                ErrorKind::LimitExceeded
            }
            Self::Tr31(Tr31Error::TooLong) => ErrorKind::LimitExceeded,
            Self::Tr31(
                Tr31Error::UnsupportedVersion
                | Tr31Error::LegacyVersionRefused
                | Tr31Error::UnsupportedAlgorithm
                | Tr31Error::KbpkTooWeak,
            ) => ErrorKind::Unsupported,
            Self::Tlv(_) | Self::Track(_) | Self::Qr(_) | Self::Tr31(_) => ErrorKind::Malformed,
            Self::Pan(_) => ErrorKind::InvalidPan,
            Self::PinBlock(
                PinBlockError::ForbiddenTranslation | PinBlockError::FormatNotPermitted,
            ) => ErrorKind::Unsupported,
            Self::PinBlock(_) => ErrorKind::InvalidPin,
            Self::Key(KeyError::UsageNotPermitted | KeyError::ModeNotPermitted) => {
                ErrorKind::KeyUsage
            }
            Self::Key(KeyError::NotExportable) => ErrorKind::KeyUsage,
            Self::Key(_) => ErrorKind::InvalidKey,
            Self::Dukpt(DukptError::CounterExhausted) => ErrorKind::CounterExhausted,
            Self::Dukpt(DukptError::StateRolledBack) => ErrorKind::StateRolledBack,
            Self::Dukpt(DukptError::UnsupportedUsage) => ErrorKind::Unsupported,
            Self::Dukpt(DukptError::KeyTypeTooStrong) => ErrorKind::Unsupported,
            Self::Dukpt(DukptError::InvalidKsnLength { .. }) => ErrorKind::InvalidArgument,
            Self::Dukpt(_) => ErrorKind::Malformed,
            Self::Sign(_) | Self::Cup(_) => ErrorKind::Malformed,
        }
    }

    /// Shorthand for [`ApiMisuse::BufferTooSmall`].
    #[must_use]
    pub const fn buffer_too_small(required: usize, provided: usize) -> Self {
        Self::ApiMisuse(ApiMisuse::BufferTooSmall { required, provided })
    }

    /// Shorthand for [`ApiMisuse::InvalidArgument`].
    #[must_use]
    pub const fn invalid_argument(name: &'static str) -> Self {
        Self::ApiMisuse(ApiMisuse::InvalidArgument { name })
    }
}

macro_rules! from_domain {
    ($($variant:ident($ty:ty)),* $(,)?) => {$(
        impl From<$ty> for Error {
            fn from(e: $ty) -> Self {
                Self::$variant(e)
            }
        }
    )*};
}

from_domain!(
    ApiMisuse(ApiMisuse),
    Tlv(TlvError),
    Track(TrackError),
    Pan(PanError),
    Qr(QrError),
    PinBlock(PinBlockError),
    Key(KeyError),
    Tr31(Tr31Error),
    Dukpt(DukptError),
    Sign(SignError),
    Cup(CupError),
);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::VerificationFailed => f.write_str("verification failed"),
            Self::RandomFailure => f.write_str("random number generator failed"),
            Self::ApiMisuse(e) => fmt::Display::fmt(e, f),
            Self::Tlv(e) => write!(f, "TLV: {e}"),
            Self::Track(e) => write!(f, "track: {e}"),
            Self::Pan(e) => write!(f, "PAN: {e}"),
            Self::Qr(e) => write!(f, "QR: {e}"),
            Self::PinBlock(e) => write!(f, "PIN block: {e}"),
            Self::Key(e) => write!(f, "key: {e}"),
            Self::Tr31(e) => write!(f, "TR-31: {e}"),
            Self::Dukpt(e) => write!(f, "DUKPT: {e}"),
            Self::Sign(e) => write!(f, "signing: {e}"),
            Self::Cup(e) => write!(f, "CUP: {e}"),
        }
    }
}

impl fmt::Display for ApiMisuse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BufferTooSmall { required, provided } => write!(
                f,
                "output buffer too small: {required} bytes required, {provided} provided"
            ),
            Self::InvalidArgument { name } => write!(f, "invalid argument `{name}`"),
        }
    }
}

impl fmt::Display for TlvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated { offset } => write!(f, "data truncated at offset {offset}"),
            Self::TagTooLong { offset } => write!(f, "tag at offset {offset} does not end"),
            Self::IndefiniteLength { offset } => {
                write!(f, "indefinite length at offset {offset} is not allowed")
            }
            Self::InvalidLength { offset } => write!(f, "invalid length at offset {offset}"),
            Self::LengthFieldTooLong { offset } => write!(
                f,
                "length field at offset {offset} is longer than the 3 bytes EMV allows"
            ),
            Self::LengthLimit { offset, limit } => {
                write!(f, "length at offset {offset} exceeds the limit of {limit}")
            }
            Self::DepthLimit { offset, limit } => {
                write!(
                    f,
                    "nesting at offset {offset} exceeds the depth limit of {limit}"
                )
            }
            Self::Dol { offset } => write!(f, "invalid DOL entry at offset {offset}"),
        }
    }
}

impl fmt::Display for TrackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidCharacter { position } => {
                write!(f, "invalid character at position {position}")
            }
            Self::MissingSeparator { field } => write!(f, "missing separator after {field}"),
            Self::InvalidField { field } => write!(f, "invalid {field} field"),
            Self::TooLong { max } => write!(f, "longer than {max} characters"),
            Self::LrcMismatch => f.write_str("LRC mismatch"),
            Self::Truncated => f.write_str("truncated"),
        }
    }
}

impl fmt::Display for PanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NonDigit { position } => write!(f, "non-digit character at position {position}"),
            Self::InvalidLength { length } => {
                write!(f, "length {length} is outside 12-19 digits")
            }
            Self::LuhnCheckFailed => f.write_str("Luhn check failed"),
        }
    }
}

impl fmt::Display for QrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated { offset } => write!(f, "payload truncated at offset {offset}"),
            Self::InvalidHeader { offset } => {
                write!(f, "invalid ID or length at offset {offset}")
            }
            Self::DuplicateId { id } => write!(f, "duplicate ID {id:02}"),
            Self::MissingId { id } => write!(f, "mandatory ID {id:02} missing"),
            Self::Misplaced { id } => write!(f, "ID {id:02} out of place"),
            Self::InvalidValue { id } => write!(f, "invalid value for ID {id:02}"),
            Self::CrcMismatch => f.write_str("CRC missing or mismatched"),
            Self::TooLong { max } => write!(f, "payload longer than {max} characters"),
        }
    }
}

impl fmt::Display for PinBlockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::InvalidPin => "PIN must be 4-12 decimal digits",
            Self::InvalidControl => "invalid control field",
            Self::InvalidPinLength => "invalid PIN length field",
            Self::InvalidPinDigit => "invalid PIN digit",
            Self::InvalidFill => "invalid fill",
            Self::PanMismatch => "PAN does not match",
            Self::PanRequired => "format requires a PAN",
            Self::InvalidLength => "invalid block length",
            Self::ForbiddenTranslation => "translation between these formats is forbidden",
            Self::FormatNotPermitted => "format not permitted for this operation",
            Self::Undecodable => "PIN block does not decode under this key and PAN",
        })
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidLength { length } => {
                write!(f, "key length {length} is invalid for the algorithm")
            }
            Self::WrongAlgorithm => f.write_str("wrong algorithm for this operation"),
            Self::UsageNotPermitted => f.write_str("key usage does not permit this operation"),
            Self::ModeNotPermitted => f.write_str("mode of use does not permit this operation"),
            Self::NotExportable => f.write_str("key is not exportable"),
            Self::InvalidKcvLength { length } => write!(f, "KCV length {length} is invalid"),
            Self::InvalidAttribute { attribute } => write!(f, "invalid {attribute}"),
        }
    }
}

impl fmt::Display for Tr31Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidHeaderField { field, offset } => {
                write!(f, "invalid header field {field} at offset {offset}")
            }
            Self::LengthMismatch => f.write_str("block length does not match its header"),
            Self::UnsupportedVersion => f.write_str("unsupported key block version"),
            Self::InvalidOptionalBlock { offset } => {
                write!(f, "invalid optional block at offset {offset}")
            }
            Self::InvalidKeyLength => f.write_str("invalid key length in key block"),
            Self::TooLong => f.write_str("key block too long"),
            Self::InvalidHex { field, offset } => {
                write!(f, "non-hexadecimal character in {field} at offset {offset}")
            }
            Self::HeaderNotAligned { length } => write!(
                f,
                "header length {length} is not a multiple of the cipher block length"
            ),
            Self::AlgorithmMismatch => f.write_str("header algorithm does not match the key"),
            Self::UnsupportedAlgorithm => f.write_str("unsupported key algorithm in header"),
            Self::KbpkTooWeak => f.write_str("key is stronger than the key block protection key"),
            Self::WeakKey => f.write_str("TDES key has repeated or swapped key parts"),
            Self::LegacyVersionRefused => f.write_str(
                "legacy key block version (A or C) refused: importing it needs the legacy opt-in",
            ),
        }
    }
}

impl fmt::Display for DukptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidKsnLength { length } => write!(f, "KSN length {length} is invalid"),
            Self::InvalidCounter => f.write_str("invalid transaction counter"),
            Self::CounterExhausted => f.write_str("transaction counter exhausted"),
            Self::KeyTypeTooStrong => {
                f.write_str("working key type is stronger than the derivation key")
            }
            Self::InvalidState => f.write_str("invalid originator state"),
            Self::StateRolledBack => {
                f.write_str("originator state is older than the recorded counter")
            }
            Self::UnsupportedUsage => {
                f.write_str("working-key usage not defined for this DUKPT variant")
            }
        }
    }
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MalformedSignature => f.write_str("malformed signature encoding"),
            Self::MalformedKey => f.write_str("malformed key encoding"),
            Self::MalformedRecord { offset } => write!(f, "malformed record at offset {offset}"),
            Self::MalformedEnvelope => f.write_str("malformed envelope"),
            Self::InvalidField { field } => write!(f, "invalid record field {field}"),
            Self::MalformedJournalEntry { offset } => {
                write!(f, "malformed journal entry at offset {offset}")
            }
        }
    }
}

impl fmt::Display for CupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Field62Length { expected, actual } => {
                write!(f, "field 62 is {actual} bytes, its layout needs {expected}")
            }
            Self::Field62MakPadding => f.write_str("field 62 MAK padding is not zero"),
            Self::TrackLength { digits } => {
                write!(
                    f,
                    "track data of {digits} digits does not fit the cipher block"
                )
            }
            Self::TrackCharacter { position } => {
                write!(
                    f,
                    "track data has an invalid character at position {position}"
                )
            }
            Self::TrackUndecodable => f.write_str("decrypted track data does not decode"),
            Self::Sm016 => f.write_str("malformed SM016 element"),
        }
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
mod tests;
