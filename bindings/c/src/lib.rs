//! The paycore C ABI.
//!
//! Conventions (rustls-ffi style, see STYLE.md):
//! - every function returns a [`paycore_result`]; `PAYCORE_RESULT_OK` is 0;
//! - inputs are `(const uint8_t *p, size_t len)`; `(NULL, 0)` is accepted
//!   as the empty input, `(NULL, n > 0)` is `PAYCORE_RESULT_NULL_PARAMETER`;
//! - outputs come last as `(uint8_t *out, size_t out_cap, size_t *out_len)`
//!   and are written only on success; secret outputs are zeroed on failure;
//!   on `PAYCORE_RESULT_BUFFER_TOO_SMALL`, `*out_len` receives the size needed;
//! - every pointer is NULL-checked; every body runs inside a panic boundary
//!   that turns a panic into `PAYCORE_RESULT_INTERNAL` (a panic is a bug: the
//!   core is panic-free on all inputs, which fuzzing checks);
//! - keys are opaque handles (`paycore_key_new` / `paycore_key_free`); free
//!   zeroizes and accepts NULL;
//! - lengths: a `(pointer, length)` pair or output capacity above
//!   `PTRDIFF_MAX` bytes is `PAYCORE_RESULT_INVALID_ARGUMENT`;
//! - aliasing: no output (buffer, `*out_len`, out-pointer, mutable handle)
//!   may overlap an input or another output of the same call, else
//!   `PAYCORE_RESULT_INVALID_ARGUMENT` (inputs may overlap each other);
//! - handles carry a per-type tag checked on entry: a handle of the wrong
//!   type gives `PAYCORE_RESULT_INVALID_ARGUMENT`; a freed handle is
//!   detected only on a best-effort basis (its memory may be reused).
//!
//! The checks live in `io.rs`; see its module docs.
//!
//! Without the default `std` feature the crate is `no_std` for bare-metal
//! firmware (see `firmware.rs`): handles come from static pools, random
//! bytes from [`paycore_set_rng`], and a panic calls the firmware's
//! `paycore_panic`. The functions that need a heap (AEAD, sealed envelopes,
//! the journal, TR-31 wrapping) are hosted-only.
#![cfg_attr(not(feature = "std"), no_std)]
#![allow(non_camel_case_types)]
// `std::` paths name `core` items (aliased below for the bare-metal build).
#![allow(clippy::std_instead_of_core)]

// Bare metal: the `std::` paths of the shared code (`std::ptr`, `std::str`,
// `std::ffi::c_char`, ...) resolve to the same items in `core`.
#[cfg(not(feature = "std"))]
extern crate core as std;

#[cfg(feature = "std")]
mod aead;
#[cfg(test)]
mod boundary_tests;
mod card;
mod dukpt;
mod emv;
#[cfg(not(feature = "std"))]
mod firmware;
mod io;
#[cfg(feature = "std")]
mod journal;
mod keys;
mod mac;
mod mksk;
mod pin;
mod pool;
mod qr;
mod record;
mod result;
mod rng;
#[cfg(feature = "std")]
mod seal;
mod sign;
mod sm;
mod tlv;
mod tr31;
mod track;

#[cfg(feature = "std")]
pub use aead::*;
pub use card::*;
pub use dukpt::*;
pub use emv::*;
#[cfg(feature = "std")]
pub use journal::*;
pub use keys::*;
pub use mac::*;
pub use mksk::*;
pub use pin::*;
pub use pool::*;
pub use qr::*;
pub use record::*;
pub use result::*;
pub use rng::*;
#[cfg(feature = "std")]
pub use seal::*;
pub use sign::*;
pub use sm::*;
pub use tlv::*;
pub use tr31::*;
pub use track::*;

/// Runs `$body` (an expression producing a `paycore_result`) inside a panic
/// boundary and a fresh [`io::Scope`] (the ranges the call borrows, checked
/// for aliasing).
#[cfg(feature = "std")]
macro_rules! ffi_boundary {
    ($body:block) => {{
        let _scope = $crate::io::Scope::enter();
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(
            || -> $crate::result::paycore_result { $body },
        )) {
            Ok(result) => result,
            Err(_) => $crate::result::paycore_result::Internal,
        }
    }};
}
/// Bare metal: a panic cannot unwind (`panic = "abort"`); it reaches the
/// `#[panic_handler]`, which calls the firmware's `paycore_panic`. The
/// [`io::Scope`] is opened as in the hosted build.
#[cfg(not(feature = "std"))]
macro_rules! ffi_boundary {
    ($body:block) => {{
        let _scope = $crate::io::Scope::enter();
        $crate::run_body(|| -> $crate::result::paycore_result { $body })
    }};
}

/// Runs a C function's body (bare metal: no unwinding to catch); a
/// closure, so that `return` in the body ends only the body.
#[cfg(not(feature = "std"))]
#[inline(always)]
fn run_body(body: impl FnOnce() -> paycore_result) -> paycore_result {
    body()
}
pub(crate) use ffi_boundary;

/// Evaluates a `Result<T, paycore_result>`, returning the error code.
macro_rules! try_ffi {
    ($e:expr) => {
        match $e {
            Ok(value) => value,
            Err(code) => return code,
        }
    };
}
pub(crate) use try_ffi;
