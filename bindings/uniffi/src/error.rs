//! The one exception type Kotlin sees: `PaycoreException`, a sealed class
//! with one subclass per [`paycore::ErrorKind`], plus the binding's own
//! `StateNotPersisted` (a DUKPT persistence callback threw or refused).
//!
//! Messages are core's `Display` text: positions, lengths, tags and limits,
//! never card data, PINs or key material.

use core::fmt;

use paycore::ErrorKind;

/// Every error paycore raises; Kotlin: `PaycoreException` and its subclasses.
#[derive(Debug, uniffi::Error)]
#[uniffi(flat_error)]
#[non_exhaustive]
pub enum PaycoreError {
    /// Input data (TLV, track, QR, key block, DER, record, state blob) is malformed.
    Malformed(String),
    /// A PAN is malformed (non-digit, wrong length, bad check digit).
    InvalidPan(String),
    /// A PIN or PIN block is malformed or did not decode.
    InvalidPin(String),
    /// Key material is of the wrong length or algorithm.
    InvalidKey(String),
    /// The key's usage or mode of use forbids the operation.
    KeyUsage(String),
    /// A MAC, KCV, tag or signature did not verify (no detail, on purpose).
    VerificationFailed(String),
    /// A DUKPT transaction counter is exhausted.
    CounterExhausted(String),
    /// An output would exceed its limit.
    BufferTooSmall(String),
    /// A configured limit (length, depth, count) was exceeded.
    LimitExceeded(String),
    /// The operation or combination is not supported, or forbidden by policy.
    Unsupported(String),
    /// A caller-supplied argument is invalid.
    InvalidArgument(String),
    /// The DUKPT persistence callback threw or returned `false`: the state was
    /// not stored, so the transaction key was withheld.
    StateNotPersisted(String),
}

impl fmt::Display for PaycoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (Self::Malformed(m)
        | Self::InvalidPan(m)
        | Self::InvalidPin(m)
        | Self::InvalidKey(m)
        | Self::KeyUsage(m)
        | Self::VerificationFailed(m)
        | Self::CounterExhausted(m)
        | Self::BufferTooSmall(m)
        | Self::LimitExceeded(m)
        | Self::Unsupported(m)
        | Self::InvalidArgument(m)
        | Self::StateNotPersisted(m)) = self;
        f.write_str(m)
    }
}

impl core::error::Error for PaycoreError {}

impl From<paycore::Error> for PaycoreError {
    fn from(e: paycore::Error) -> Self {
        // Core's Display carries no secret (checked by core's own tests).
        let message = e.to_string();
        match e.kind() {
            ErrorKind::Malformed => Self::Malformed(message),
            ErrorKind::InvalidPan => Self::InvalidPan(message),
            ErrorKind::InvalidPin => Self::InvalidPin(message),
            ErrorKind::InvalidKey => Self::InvalidKey(message),
            ErrorKind::KeyUsage => Self::KeyUsage(message),
            ErrorKind::VerificationFailed => Self::VerificationFailed(message),
            ErrorKind::CounterExhausted => Self::CounterExhausted(message),
            ErrorKind::BufferTooSmall => Self::BufferTooSmall(message),
            ErrorKind::LimitExceeded => Self::LimitExceeded(message),
            ErrorKind::Unsupported => Self::Unsupported(message),
            // InvalidArgument, and any kind a later core adds.
            _ => Self::InvalidArgument(message),
        }
    }
}

impl PaycoreError {
    /// An invalid argument named by the binding (never its value).
    pub(crate) fn argument(name: &str) -> Self {
        Self::InvalidArgument(format!("invalid argument: {name}"))
    }
}

/// Result of every fallible export.
pub(crate) type Result<T> = core::result::Result<T, PaycoreError>;

/// Maps a core result.
pub(crate) fn core<T>(r: core::result::Result<T, paycore::Error>) -> Result<T> {
    r.map_err(PaycoreError::from)
}
