//! Randomness from the caller: a registered RNG callback.
//!
//! paycore draws random bytes for PIN block fill (ISO 9564-1 formats 1, 3
//! and 4), TR-31 padding, the DUKPT originator's sealing nonce, ECDSA key
//! generation and sealed envelopes. The hosted build (feature `std`) uses
//! the operating system's generator unless a callback is registered with
//! [`paycore_set_rng`]; the bare-metal build has no other source and fails
//! every random draw with `PAYCORE_RESULT_RANDOM_FAILURE` until one is.
//!
//! A callback that returns non-zero (a TRNG fault, a failed health test)
//! makes the operation fail with `PAYCORE_RESULT_RANDOM_FAILURE`; nothing
//! drawn from it is returned.

use core::ffi::{c_int, c_void};
use core::sync::atomic::{AtomicPtr, Ordering};

use rand_core::{CryptoRng, RngCore};

use crate::result::paycore_result;

/// A random number generator: fills `out[0..len]` with cryptographically
/// strong random bytes (a TRNG or a DRBG seeded from one) and returns 0, or
/// returns non-zero on failure. `ctx` is the pointer given to
/// [`paycore_set_rng`]. It must not call back into paycore.
pub type paycore_rng_fn =
    Option<unsafe extern "C" fn(ctx: *mut c_void, out: *mut u8, len: usize) -> c_int>;

static RNG_FN: AtomicPtr<()> = AtomicPtr::new(core::ptr::null_mut());
static RNG_CTX: AtomicPtr<c_void> = AtomicPtr::new(core::ptr::null_mut());

/// Registers the random number generator paycore draws from, with an
/// opaque `ctx` passed back on every call; `rng` NULL removes it (the
/// hosted build then uses the operating system's generator again, the
/// bare-metal build fails every draw with `PAYCORE_RESULT_RANDOM_FAILURE`).
///
/// Call it once at start-up, before any other paycore call and not
/// concurrently with one.
///
/// # Errors
/// None: always `PAYCORE_RESULT_OK`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `rng`, if set, must be safe to call with `ctx` and a writable
/// `(out, len)` range for as long as it stays registered.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_set_rng(rng: paycore_rng_fn, ctx: *mut c_void) -> paycore_result {
    RNG_FN.store(core::ptr::null_mut(), Ordering::SeqCst);
    RNG_CTX.store(ctx, Ordering::SeqCst);
    if let Some(f) = rng {
        RNG_FN.store(f as *mut (), Ordering::SeqCst);
    }
    paycore_result::Ok
}

/// The registered callback, if any.
fn registered() -> Option<(
    unsafe extern "C" fn(*mut c_void, *mut u8, usize) -> c_int,
    *mut c_void,
)> {
    let f = RNG_FN.load(Ordering::SeqCst);
    if f.is_null() {
        return None;
    }
    // SAFETY: only `paycore_set_rng` stores a non-NULL value, and it is a
    // function pointer of exactly this type.
    let f = unsafe {
        core::mem::transmute::<*mut (), unsafe extern "C" fn(*mut c_void, *mut u8, usize) -> c_int>(
            f,
        )
    };
    Some((f, RNG_CTX.load(Ordering::SeqCst)))
}

/// The generator of one C call: the registered callback, else (hosted
/// build) the operating system's. Remembers whether any draw failed, so a
/// caller using a dependency that draws infallibly (`fill_bytes`, as p256
/// key generation does) can still report `RANDOM_FAILURE`.
#[derive(Debug, Default)]
pub(crate) struct CallerRng {
    failed: bool,
}

impl CallerRng {
    pub(crate) const fn new() -> Self {
        Self { failed: false }
    }

    /// True when any draw of this call failed; its results must be
    /// discarded.
    pub(crate) const fn failed(&self) -> bool {
        self.failed
    }

    fn draw(dest: &mut [u8]) -> bool {
        if dest.is_empty() {
            return true;
        }
        match registered() {
            // SAFETY: `dest` is a live writable range; the registration
            // contract covers the callback itself.
            Some((f, ctx)) => unsafe { f(ctx, dest.as_mut_ptr(), dest.len()) == 0 },
            #[cfg(feature = "std")]
            None => rand_core::OsRng.try_fill_bytes(dest).is_ok(),
            #[cfg(not(feature = "std"))]
            None => false,
        }
    }
}

/// A custom `rand_core` error code for a failed draw.
fn rng_error() -> rand_core::Error {
    match core::num::NonZeroU32::new(rand_core::Error::CUSTOM_START) {
        Some(code) => rand_core::Error::from(code),
        // CUSTOM_START is a non-zero constant.
        None => rand_core::Error::from(core::num::NonZeroU32::MIN),
    }
}

impl RngCore for CallerRng {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }

    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }

    /// Infallible draws (used inside p256) cannot report a failure: the
    /// bytes are then a fixed non-zero pattern (so rejection loops end) and
    /// the call that owns this generator discards its result.
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        if self.try_fill_bytes(dest).is_err() {
            dest.fill(0x5A);
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        if Self::draw(dest) {
            Ok(())
        } else {
            dest.fill(0);
            self.failed = true;
            Err(rng_error())
        }
    }
}

impl CryptoRng for CallerRng {}
