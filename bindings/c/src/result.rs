//! Result codes. Codes come in groups of a hundred per domain and are never
//! renumbered; retired codes stay reserved.

use std::ffi::c_char;

use paycore::{Error, ErrorKind};

/// The outcome of every paycore C function. `PAYCORE_RESULT_OK` is 0.
#[repr(u32)]
// A C enum: exhaustive matching in Rust code is fine, C sees plain integers.
#[allow(clippy::exhaustive_enums)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum paycore_result {
    /// Success.
    Ok = 0,
    /// A required pointer was NULL.
    NullParameter = 100,
    /// The output buffer is too small; `*out_len` holds the size needed.
    BufferTooSmall = 101,
    /// An argument is out of range (unknown algorithm, bad code).
    InvalidArgument = 102,
    /// A panic was caught at the boundary: a bug in paycore.
    Internal = 103,
    /// The random number generator failed (the callback registered with
    /// `paycore_set_rng` returned non-zero, or none is registered on bare
    /// metal); nothing was produced.
    RandomFailure = 104,
    /// Bare metal: the static pool of this handle type is full (free a
    /// handle first; capacities are in the README).
    OutOfHandles = 105,
    /// Input data (TLV, track, QR, key block, DER, record) is malformed.
    Malformed = 200,
    /// A PAN is malformed.
    InvalidPan = 201,
    /// A length, depth or count limit was exceeded.
    LimitExceeded = 202,
    /// A PIN or PIN block is malformed or did not decode.
    InvalidPin = 300,
    /// Key material has the wrong length or algorithm.
    InvalidKey = 400,
    /// The key's usage or mode of use forbids the operation.
    KeyUsage = 401,
    /// A DUKPT transaction counter is exhausted.
    CounterExhausted = 402,
    /// The caller's persist callback refused the DUKPT state: no key was
    /// released and that counter is never used.
    StateNotPersisted = 403,
    /// A genuine DUKPT state blob is older than the minimum counter the
    /// caller recorded: its storage was rolled back.
    StateRolledBack = 404,
    /// A MAC, KCV, tag or signature did not verify.
    VerificationFailed = 500,
    /// The operation is not supported or forbidden by policy.
    Unsupported = 600,
}

impl From<ErrorKind> for paycore_result {
    fn from(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::Malformed => Self::Malformed,
            ErrorKind::InvalidPan => Self::InvalidPan,
            ErrorKind::InvalidPin => Self::InvalidPin,
            ErrorKind::InvalidKey => Self::InvalidKey,
            ErrorKind::KeyUsage => Self::KeyUsage,
            ErrorKind::VerificationFailed => Self::VerificationFailed,
            ErrorKind::CounterExhausted => Self::CounterExhausted,
            ErrorKind::BufferTooSmall => Self::BufferTooSmall,
            ErrorKind::LimitExceeded => Self::LimitExceeded,
            ErrorKind::Unsupported => Self::Unsupported,
            ErrorKind::InvalidArgument => Self::InvalidArgument,
            ErrorKind::StateRolledBack => Self::StateRolledBack,
            ErrorKind::RandomFailure => Self::RandomFailure,
            _ => Self::Internal,
        }
    }
}

impl From<Error> for paycore_result {
    fn from(err: Error) -> Self {
        err.kind().into()
    }
}

/// A static, NUL-terminated description of `result` (never NULL).
#[unsafe(no_mangle)]
pub extern "C" fn paycore_result_str(result: u32) -> *const c_char {
    let text: &'static [u8] = match result {
        0 => b"ok\0",
        100 => b"a required pointer was NULL\0",
        101 => b"output buffer too small\0",
        102 => b"invalid argument\0",
        103 => b"internal error (bug)\0",
        104 => b"random number generator failed\0",
        105 => b"no free handle slot\0",
        200 => b"malformed input\0",
        201 => b"invalid PAN\0",
        202 => b"limit exceeded\0",
        300 => b"invalid PIN or PIN block\0",
        400 => b"invalid key\0",
        401 => b"key usage does not permit this operation\0",
        402 => b"DUKPT counter exhausted\0",
        403 => b"DUKPT state not persisted; no key released\0",
        404 => b"DUKPT state rolled back (older than the recorded counter)\0",
        500 => b"verification failed\0",
        600 => b"unsupported\0",
        _ => b"unknown result code\0",
    };
    text.as_ptr().cast()
}

/// True when `result` is a verification failure (MAC, KCV, tag, signature).
#[unsafe(no_mangle)]
pub extern "C" fn paycore_result_is_verification_failure(result: u32) -> bool {
    result == paycore_result::VerificationFailed as u32
}

/// True when `result` reports bad input data (as opposed to a caller mistake).
#[unsafe(no_mangle)]
pub extern "C" fn paycore_result_is_bad_input(result: u32) -> bool {
    (200..400).contains(&result)
}

/// The library version as a static NUL-terminated string, e.g. "0.1.0".
#[unsafe(no_mangle)]
pub extern "C" fn paycore_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
