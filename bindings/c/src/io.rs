//! Pointer checks, the output convention and the handle machinery.
//!
//! Every pointer the C caller hands in goes through this module, which
//! enforces the three boundary rules documented in `include/paycore.h`:
//!
//! - **Lengths.** A `(pointer, length)` pair whose byte length exceeds
//!   `PTRDIFF_MAX` (`isize::MAX`), or whose range wraps the address space,
//!   is refused with `PAYCORE_RESULT_INVALID_ARGUMENT` before any slice is
//!   formed (`slice::from_raw_parts` requires it).
//! - **No aliasing.** Within one call, an output (a buffer, `*out_len`, an
//!   out-pointer, a mutable handle) must not overlap any input or any other
//!   output. Inputs may overlap one another. Each borrowed range is recorded
//!   in a per-thread, per-call [`Scope`] opened by `ffi_boundary!`; a range
//!   that overlaps a conflicting one is refused with
//!   `PAYCORE_RESULT_INVALID_ARGUMENT` before a reference to it exists, so
//!   Rust never holds `&[u8]` and `&mut [u8]` over the same bytes.
//! - **Tagged handles.** Every heap handle is a [`Tagged`] value whose first
//!   word is a per-type magic number, checked on entry and overwritten on
//!   free: a handle of the wrong type is refused with
//!   `PAYCORE_RESULT_INVALID_ARGUMENT`. A freed handle is caught only while
//!   its memory has not been reused (best effort; using it is still a bug).
//!
//! # Bare metal (no `std` feature)
//! - The borrow record is one `static`, not a thread-local: the firmware
//!   calls paycore from one task on one core, never from an interrupt
//!   handler that can preempt a paycore call (document it in the firmware's
//!   design). A persist callback re-entering paycore works as in the hosted
//!   build (each call sees only its own [`Scope`]). The record holds at most
//!   [`MAX_SPANS`] borrowed input and output ranges across nested calls; a
//!   call that would exceed that is refused with `INVALID_ARGUMENT`, and so
//!   is one that finds the record busy (preemption, which is unsupported).
//! - Handles come from a fixed static pool per type (no heap); see
//!   `PAYCORE_*_POOL_CAPACITY` (pool.rs) for the capacities. A full pool gives
//!   `PAYCORE_RESULT_OUT_OF_HANDLES`; `_free` drops (zeroizing) the value,
//!   wipes the slot and returns it to the pool.

#[cfg(feature = "std")]
use std::cell::RefCell;
use std::mem::size_of;
use std::slice;

use crate::dukpt::{paycore_dukpt_originator, paycore_dukpt_tx};
use crate::keys::paycore_key;
use crate::mac::{paycore_mac, paycore_mac_verifier};
use crate::result::paycore_result;
#[cfg(feature = "std")]
use crate::seal::paycore_recipient_key;
use crate::sign::paycore_signing_key;

// ---------------------------------------------------------------------------
// Borrowed ranges of the current call
// ---------------------------------------------------------------------------

/// A half-open address range `[start, end)` of caller memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
}

impl Span {
    /// The bytes of `count` values of `T` at `ptr`, or `INVALID_ARGUMENT`
    /// when they exceed `isize::MAX` bytes or wrap the address space.
    fn of<T>(ptr: *const T, count: usize) -> Result<Self, paycore_result> {
        let bytes = count
            .checked_mul(size_of::<T>())
            .filter(|&bytes| isize::try_from(bytes).is_ok())
            .ok_or(paycore_result::InvalidArgument)?;
        let start = ptr.addr();
        let end = start
            .checked_add(bytes)
            .ok_or(paycore_result::InvalidArgument)?;
        Ok(Self { start, end })
    }

    /// True when both ranges share at least one byte.
    const fn overlaps(self, other: Self) -> bool {
        self.start < other.end && other.start < self.end
    }

    const fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// The ranges borrowed by the calls running on this thread; each call sees
/// only the ranges from its own [`Scope`] (a persist callback may re-enter
/// paycore while the outer call is suspended).
#[derive(Debug)]
struct Borrows {
    inputs: Spans,
    outputs: Spans,
    /// Where the innermost scope's ranges start.
    inputs_base: usize,
    outputs_base: usize,
    /// Open scopes; 0 outside any C call (nothing is recorded then).
    depth: usize,
    /// The innermost call refused an overlapping range.
    refused: bool,
}

impl Borrows {
    const fn new() -> Self {
        Self {
            inputs: Spans::new(),
            outputs: Spans::new(),
            inputs_base: 0,
            outputs_base: 0,
            depth: 0,
            refused: false,
        }
    }

    fn live_inputs(&self) -> &[Span] {
        self.inputs.get(self.inputs_base..).unwrap_or(&[])
    }

    fn live_outputs(&self) -> &[Span] {
        self.outputs.get(self.outputs_base..).unwrap_or(&[])
    }

    fn conflicts(&self, span: Span, with_inputs: bool) -> bool {
        !span.is_empty()
            && (self.live_outputs().iter().any(|o| o.overlaps(span))
                || (with_inputs && self.live_inputs().iter().any(|i| i.overlaps(span))))
    }
}

#[cfg(feature = "std")]
type Spans = Vec<Span>;

/// Appends `span`; false when the record is full (bare metal only).
#[cfg(feature = "std")]
fn push_span(spans: &mut Spans, span: Span) -> bool {
    spans.push(span);
    true
}

#[cfg(feature = "std")]
thread_local! {
    static BORROWS: RefCell<Borrows> = const { RefCell::new(Borrows::new()) };
}

/// What the checks do when the record cannot be reached: skip them during
/// thread teardown (hosted build).
#[cfg(feature = "std")]
const UNREACHABLE_RECORD_OK: bool = true;

/// Runs `f` on this thread's borrows; `None` during thread teardown.
#[cfg(feature = "std")]
fn with_borrows<R>(f: impl FnOnce(&mut Borrows) -> R) -> Option<R> {
    BORROWS
        .try_with(|cell| cell.try_borrow_mut().ok().map(|mut b| f(&mut b)))
        .ok()
        .flatten()
}

/// Borrowed ranges recorded at once, over all nested calls (bare metal).
#[cfg(not(feature = "std"))]
pub(crate) const MAX_SPANS: usize = 32;

/// A fixed-capacity list of spans (bare metal: no heap).
#[cfg(not(feature = "std"))]
#[derive(Debug)]
struct Spans {
    spans: [Span; MAX_SPANS],
    len: usize,
}

#[cfg(not(feature = "std"))]
impl Spans {
    const fn new() -> Self {
        Self {
            spans: [Span { start: 0, end: 0 }; MAX_SPANS],
            len: 0,
        }
    }

    fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }

    fn remove(&mut self, at: usize) {
        if at < self.len {
            self.spans.copy_within(at + 1..self.len, at);
            self.len -= 1;
        }
    }
}

#[cfg(not(feature = "std"))]
impl core::ops::Deref for Spans {
    type Target = [Span];
    fn deref(&self) -> &[Span] {
        self.spans.get(..self.len).unwrap_or(&[])
    }
}

/// Appends `span`; false when the record is full.
#[cfg(not(feature = "std"))]
fn push_span(spans: &mut Spans, span: Span) -> bool {
    match spans.spans.get_mut(spans.len) {
        Some(slot) => {
            *slot = span;
            spans.len += 1;
            true
        }
        None => false,
    }
}

/// The one borrow record of a single-core, non-preemptive caller, with a
/// busy flag so that an (unsupported) preempting call is refused rather
/// than corrupting it.
#[cfg(not(feature = "std"))]
struct SingleCore {
    busy: core::sync::atomic::AtomicBool,
    borrows: core::cell::UnsafeCell<Borrows>,
}

// SAFETY: `borrows` is only reached through `with_borrows`, which holds
// `busy` for the whole access.
#[cfg(not(feature = "std"))]
unsafe impl Sync for SingleCore {}

#[cfg(not(feature = "std"))]
static BORROWS: SingleCore = SingleCore {
    busy: core::sync::atomic::AtomicBool::new(false),
    borrows: core::cell::UnsafeCell::new(Borrows::new()),
};

/// A busy record means a preempting call: refuse.
#[cfg(not(feature = "std"))]
const UNREACHABLE_RECORD_OK: bool = false;

/// Runs `f` on the borrow record; `None` if it is busy (a call preempting
/// another, which the bare-metal build does not support).
#[cfg(not(feature = "std"))]
fn with_borrows<R>(f: impl FnOnce(&mut Borrows) -> R) -> Option<R> {
    use core::sync::atomic::Ordering;
    if BORROWS.busy.swap(true, Ordering::Acquire) {
        return None;
    }
    // SAFETY: `busy` was false and is now ours: no other reference to the
    // record exists until it is released below (`f` cannot re-enter, it
    // never calls out of this module).
    let result = f(unsafe { &mut *BORROWS.borrows.get() });
    BORROWS.busy.store(false, Ordering::Release);
    Some(result)
}

/// The ranges borrowed by one C call. Opened by `ffi_boundary!` before the
/// body runs and closed (forgetting the call's ranges) when dropped.
#[derive(Debug)]
pub(crate) struct Scope {
    saved: Option<(usize, usize, bool)>,
}

impl Scope {
    /// Opens a scope for one C call.
    pub(crate) fn enter() -> Self {
        let saved = with_borrows(|b| {
            let saved = (b.inputs_base, b.outputs_base, b.refused);
            b.refused = false;
            b.inputs_base = b.inputs.len();
            b.outputs_base = b.outputs.len();
            b.depth += 1;
            saved
        });
        Self { saved }
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        if let Some((inputs_base, outputs_base, refused)) = self.saved {
            let _ = with_borrows(|b| {
                b.inputs.truncate(b.inputs_base);
                b.outputs.truncate(b.outputs_base);
                b.inputs_base = inputs_base;
                b.outputs_base = outputs_base;
                b.refused = refused;
                b.depth = b.depth.saturating_sub(1);
            });
        }
    }
}

/// How a range is about to be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// A shared borrow kept for the call: must not overlap an output.
    Borrow,
    /// An exclusive borrow kept for the call: must not overlap anything.
    BorrowMut,
    /// A one-off read by value: must not overlap an output.
    Read,
    /// A one-off write by value: must not overlap anything.
    Write,
}

/// Checks `span` against the call's live ranges and, for a borrow, records
/// it. `INVALID_ARGUMENT` on a conflict.
fn claim(span: Span, access: Access) -> Result<(), paycore_result> {
    let ok = with_borrows(|b| {
        if b.depth == 0 || span.is_empty() {
            return true;
        }
        let exclusive = matches!(access, Access::BorrowMut | Access::Write);
        if b.conflicts(span, exclusive) {
            b.refused = true;
            return false;
        }
        let recorded = match access {
            Access::Borrow => push_span(&mut b.inputs, span),
            Access::BorrowMut => push_span(&mut b.outputs, span),
            Access::Read | Access::Write => true,
        };
        b.refused |= !recorded;
        recorded
    });
    // During thread teardown nothing can be recorded: the checks are
    // skipped (bare metal: a busy record refuses).
    if ok.unwrap_or(UNREACHABLE_RECORD_OK) {
        Ok(())
    } else {
        Err(paycore_result::InvalidArgument)
    }
}

/// Forgets an exclusive borrow recorded by [`claim`] (its reference is gone).
fn release(span: Span) {
    let _ = with_borrows(|b| {
        let base = b.outputs_base;
        if let Some(at) = b.outputs.iter().rposition(|o| *o == span) {
            if at >= base {
                b.outputs.remove(at);
            }
        }
    });
}

/// Checks `span` against the call's live ranges without recording it.
fn is_free(span: Span, access: Access) -> bool {
    with_borrows(|b| {
        let free = b.depth == 0 || !b.conflicts(span, access == Access::Write);
        b.refused |= !free;
        free
    })
    .unwrap_or(UNREACHABLE_RECORD_OK)
}

/// True once the current call has refused an overlapping range: its
/// secret outputs are then left as they are, because zeroing them would
/// destroy the caller's input (no secret was written to them yet).
fn aliasing_refused() -> bool {
    with_borrows(|b| b.refused).unwrap_or(false)
}

// ---------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------

/// Borrows `(ptr, count)` as a slice of `T`; `(NULL, 0)` is the empty
/// slice, `(NULL, n > 0)` is `NULL_PARAMETER`. `INVALID_ARGUMENT` for more
/// than `isize::MAX` bytes, a misaligned pointer, or a range overlapping an
/// output of the call.
///
/// # Safety
/// If non-NULL, `ptr` must be valid for reads of `count` values for `'a`.
pub(crate) unsafe fn input_array<'a, T>(
    ptr: *const T,
    count: usize,
) -> Result<&'a [T], paycore_result> {
    if ptr.is_null() {
        return if count == 0 {
            Ok(&[])
        } else {
            Err(paycore_result::NullParameter)
        };
    }
    if !ptr.is_aligned() {
        return Err(paycore_result::InvalidArgument);
    }
    claim(Span::of(ptr, count)?, Access::Borrow)?;
    // SAFETY: non-NULL, aligned, at most `isize::MAX` bytes without
    // wrapping, not overlapping any `&mut` this call holds; readable for
    // `count` values per the caller's contract.
    Ok(unsafe { slice::from_raw_parts(ptr, count) })
}

/// Borrows `(ptr, len)` as bytes; see [`input_array`].
///
/// # Safety
/// If non-NULL, `ptr` must be valid for reads of `len` bytes for `'a`.
pub(crate) unsafe fn input<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], paycore_result> {
    // SAFETY: forwarded caller contract.
    unsafe { input_array(ptr, len) }
}

/// Borrows `(ptr, len)` as UTF-8 text (`INVALID_ARGUMENT` if it is not).
///
/// # Safety
/// As [`input`].
pub(crate) unsafe fn input_str<'a>(ptr: *const u8, len: usize) -> Result<&'a str, paycore_result> {
    // SAFETY: forwarded caller contract.
    let bytes = unsafe { input(ptr, len) }?;
    std::str::from_utf8(bytes).map_err(|_| paycore_result::InvalidArgument)
}

/// Reads one `T` by value (no borrow is kept, so a later output may reuse
/// the memory). `NULL_PARAMETER` for NULL; `INVALID_ARGUMENT` if it is
/// misaligned or overlaps an output the call already holds.
///
/// # Safety
/// If non-NULL, `ptr` must be valid for a read of `T`.
pub(crate) unsafe fn read_in<T: Copy>(ptr: *const T) -> Result<T, paycore_result> {
    if ptr.is_null() {
        return Err(paycore_result::NullParameter);
    }
    if !ptr.is_aligned() || !is_free(Span::of(ptr, 1)?, Access::Read) {
        return Err(paycore_result::InvalidArgument);
    }
    // SAFETY: non-NULL, aligned, no live `&mut` over it; readable per the
    // caller's contract.
    Ok(unsafe { ptr.read() })
}

// ---------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------

/// Borrows `(ptr, count)` as a mutable slice of `T` for the call; `(NULL,
/// 0)` is the empty slice, `(NULL, n > 0)` is `NULL_PARAMETER`.
/// `INVALID_ARGUMENT` for more than `isize::MAX` bytes, a misaligned
/// pointer, or a range overlapping any other range the call holds.
///
/// # Safety
/// If non-NULL, `ptr` must be valid for writes of `count` values for `'a`.
pub(crate) unsafe fn output_array<'a, T>(
    ptr: *mut T,
    count: usize,
) -> Result<&'a mut [T], paycore_result> {
    if ptr.is_null() {
        return if count == 0 {
            Ok(&mut [])
        } else {
            Err(paycore_result::NullParameter)
        };
    }
    if !ptr.is_aligned() {
        return Err(paycore_result::InvalidArgument);
    }
    claim(Span::of(ptr, count)?, Access::BorrowMut)?;
    // SAFETY: non-NULL, aligned, at most `isize::MAX` bytes without
    // wrapping, overlapping nothing else this call holds; writable for
    // `count` values per the caller's contract.
    Ok(unsafe { slice::from_raw_parts_mut(ptr, count) })
}

/// Borrows one `T` mutably for the call (`NULL_PARAMETER` for NULL).
///
/// # Safety
/// If non-NULL, `ptr` must be valid for reads and writes of `T` for `'a`.
pub(crate) unsafe fn output_one<'a, T>(ptr: *mut T) -> Result<&'a mut T, paycore_result> {
    if ptr.is_null() {
        return Err(paycore_result::NullParameter);
    }
    // SAFETY: forwarded caller contract.
    let slot = unsafe { output_array(ptr, 1) }?;
    slot.first_mut().ok_or(paycore_result::Internal)
}

/// The checked triple `(out, cap, out_len)` as a buffer and a length slot,
/// both borrowed for the call. Nothing is recorded unless both pass.
///
/// # Safety
/// If non-NULL, `out` must be valid for writes of `cap` bytes and `out_len`
/// for a write of one `size_t`, both for `'a`.
pub(crate) unsafe fn out_parts<'a>(
    out: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> Result<(&'a mut [u8], &'a mut usize), paycore_result> {
    if out_len.is_null() || (out.is_null() && cap > 0) {
        return Err(paycore_result::NullParameter);
    }
    let buf_span = if out.is_null() {
        Span::of(out, 0)?
    } else {
        Span::of(out, cap)?
    };
    if !out_len.is_aligned() || Span::of(out_len, 1)?.overlaps(buf_span) {
        return Err(paycore_result::InvalidArgument);
    }
    if !is_free(buf_span, Access::Write) {
        return Err(paycore_result::InvalidArgument);
    }
    // SAFETY: forwarded caller contract.
    let len = unsafe { output_one(out_len) }?;
    // SAFETY: forwarded caller contract; cannot fail after the checks
    // above (the length slot lies outside the buffer).
    let buf = unsafe { output_array(out, cap) }?;
    Ok((buf, len))
}

/// An output buffer `(out, cap, out_len)`, checked before any work is done.
///
/// A secret output (made by [`Out::new_secret`]) is zeroed when it is
/// dropped without a successful [`Out::write`]: every error return after
/// its creation, a too-small buffer, or a caught panic. The one exception
/// is a call refused for aliasing, which leaves every buffer untouched.
pub(crate) struct Out<'a> {
    buf: &'a mut [u8],
    len: &'a mut usize,
    secret: bool,
    written: bool,
}

/// The ranges an [`Out`] borrows, released when it is dropped (so that the
/// same triple may be checked again later in the call).
fn out_spans(out: &Out<'_>) -> [Span; 2] {
    let buf = out.buf.as_ptr();
    let len: *const usize = &*out.len;
    // Both were accepted by `Span::of` when the `Out` was made.
    [
        Span::of(buf, out.buf.len()).unwrap_or(Span { start: 0, end: 0 }),
        Span::of(len, 1).unwrap_or(Span { start: 0, end: 0 }),
    ]
}

impl core::fmt::Debug for Out<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Out { .. }")
    }
}

impl Out<'_> {
    /// Checks the output pointers (see [`out_parts`]).
    ///
    /// # Safety
    /// If non-NULL, `out` must be valid for writes of `cap` bytes and
    /// `out_len` valid for a write of one `size_t`, both for the call.
    pub(crate) unsafe fn new(
        out: *mut u8,
        cap: usize,
        out_len: *mut usize,
    ) -> Result<Self, paycore_result> {
        // SAFETY: forwarded caller contract.
        let (buf, len) = unsafe { out_parts(out, cap, out_len) }?;
        Ok(Out {
            buf,
            len,
            secret: false,
            written: false,
        })
    }

    /// As [`Out::new`], for a secret output. Create it before checking any
    /// other argument: if the triple itself is refused, `out[..cap]` is
    /// still zeroed whenever that is sound (non-NULL, a valid length, and
    /// not refused for aliasing).
    ///
    /// # Safety
    /// As [`Out::new`].
    pub(crate) unsafe fn new_secret(
        out: *mut u8,
        cap: usize,
        out_len: *mut usize,
    ) -> Result<Self, paycore_result> {
        // SAFETY: forwarded caller contract.
        match unsafe { Self::new(out, cap, out_len) } {
            Ok(mut o) => {
                o.secret = true;
                Ok(o)
            }
            Err(code) => {
                // SAFETY: forwarded caller contract.
                unsafe { wipe_raw(out, cap) };
                Err(code)
            }
        }
    }

    /// Writes `data` (success) or reports the size needed.
    pub(crate) fn write(mut self, data: &[u8]) -> paycore_result {
        *self.len = data.len();
        match self.buf.get_mut(..data.len()) {
            Some(dst) => {
                dst.copy_from_slice(data);
                self.written = true;
                paycore_result::Ok
            }
            None => paycore_result::BufferTooSmall,
        }
    }

    /// Writes secret `data`; on a too-small buffer the buffer is zeroed.
    pub(crate) fn write_secret(mut self, data: &[u8]) -> paycore_result {
        self.secret = true;
        self.write(data)
    }

    /// Zeroes the whole buffer (a failed secret output).
    pub(crate) fn wipe(mut self) {
        self.secret = true;
    }
}

impl Drop for Out<'_> {
    fn drop(&mut self) {
        if self.secret && !self.written && !aliasing_refused() {
            self.buf.fill(0);
        }
        for span in out_spans(self) {
            if !span.is_empty() {
                release(span);
            }
        }
    }
}

/// Zeroes `out[..cap]` when that is sound: non-NULL, at most `isize::MAX`
/// bytes, and not overlapping any range the current call holds.
///
/// # Safety
/// If non-NULL, `out` must be valid for writes of `cap` bytes.
pub(crate) unsafe fn wipe_raw(out: *mut u8, cap: usize) {
    if out.is_null() {
        return;
    }
    if let Ok(span) = Span::of(out, cap) {
        if !aliasing_refused() && is_free(span, Access::Write) {
            // SAFETY: writable per the caller's contract; no reference to
            // these bytes is live in this call.
            unsafe { std::ptr::write_bytes(out, 0, cap) };
        }
    }
}

/// Writes a value through a nullable out-pointer (`NULL_PARAMETER`), which
/// must be aligned and not overlap anything the call holds
/// (`INVALID_ARGUMENT`).
///
/// # Safety
/// If non-NULL, `ptr` must be valid for a write of `T`.
pub(crate) unsafe fn put<T>(ptr: *mut T, value: T) -> Result<(), paycore_result> {
    if ptr.is_null() {
        return Err(paycore_result::NullParameter);
    }
    if !ptr.is_aligned() || !is_free(Span::of(ptr, 1)?, Access::Write) {
        return Err(paycore_result::InvalidArgument);
    }
    // SAFETY: non-NULL, aligned, no live reference over it; writable per
    // the caller's contract.
    unsafe { ptr.write(value) };
    Ok(())
}

// ---------------------------------------------------------------------------
// Handles
// ---------------------------------------------------------------------------

/// A type handed to C as an opaque heap handle, with its type tag.
pub(crate) trait Handle: Sized + 'static {
    /// The tag stored in the first word of every live handle of this type.
    const MAGIC: u64;
    /// The static pool this type's handles live in (bare metal).
    #[cfg(not(feature = "std"))]
    fn pool() -> &'static pool::Pool<Tagged<Self>>;
}

/// The tag written over a handle's magic when it is freed.
const FREED: u64 = u64::from_be_bytes(*b"pc:freed");

/// Declares each handle type's tag and, on bare metal, its static pool
/// (`type, tag, pool capacity`). The capacities are the documented limits
/// of a firmware image: live keys, MAC states, verifiers, originators,
/// DUKPT transactions and signing keys at any one time.
macro_rules! handles {
    ($($ty:ty, $tag:expr, $capacity:expr;)*) => {$(
        impl Handle for $ty {
            const MAGIC: u64 = u64::from_be_bytes(*$tag);
            #[cfg(not(feature = "std"))]
            fn pool() -> &'static pool::Pool<Tagged<Self>> {
                static SLOTS: pool::Slots<Tagged<$ty>, { $capacity }> = pool::Slots::new();
                static POOL: pool::Pool<Tagged<$ty>> = pool::Pool::new(&SLOTS);
                &POOL
            }
        }
    )*};
}

handles! {
    paycore_key, b"pc:key\0\0", crate::PAYCORE_KEY_POOL_CAPACITY;
    paycore_mac, b"pc:mac\0\0", crate::PAYCORE_MAC_POOL_CAPACITY;
    paycore_mac_verifier, b"pc:macv\0", crate::PAYCORE_MAC_VERIFIER_POOL_CAPACITY;
    paycore_dukpt_originator, b"pc:dkorg", crate::PAYCORE_DUKPT_ORIGINATOR_POOL_CAPACITY;
    paycore_dukpt_tx, b"pc:dktx\0", crate::PAYCORE_DUKPT_TX_POOL_CAPACITY;
    paycore_signing_key, b"pc:sign\0", crate::PAYCORE_SIGNING_KEY_POOL_CAPACITY;
}

#[cfg(feature = "std")]
impl Handle for paycore_recipient_key {
    const MAGIC: u64 = u64::from_be_bytes(*b"pc:rcpt\0");
}

#[repr(C)]
#[derive(Debug)]
pub(crate) struct Tagged<T> {
    magic: u64,
    value: T,
}

/// Moves `value` into a new heap handle and returns the pointer C sees.
pub(crate) fn new_handle<T: Handle>(value: T) -> Result<*mut T, paycore_result> {
    let tagged = Tagged {
        magic: T::MAGIC,
        value,
    };
    #[cfg(feature = "std")]
    let ptr = Box::into_raw(Box::new(tagged));
    #[cfg(not(feature = "std"))]
    let ptr = T::pool()
        .alloc(tagged)
        .ok_or(paycore_result::OutOfHandles)?;
    Ok(ptr.cast())
}

/// The tagged allocation behind `handle`: `NULL_PARAMETER` for NULL,
/// `INVALID_ARGUMENT` for a misaligned pointer or a wrong (or freed) tag.
///
/// # Safety
/// If non-NULL, `handle` must point to readable memory of at least 8 bytes
/// (any paycore handle does, whatever its type).
unsafe fn tagged<T: Handle>(handle: *const T) -> Result<*mut Tagged<T>, paycore_result> {
    if handle.is_null() {
        return Err(paycore_result::NullParameter);
    }
    let tagged = handle.cast::<Tagged<T>>().cast_mut();
    if !tagged.is_aligned() {
        return Err(paycore_result::InvalidArgument);
    }
    // Even the tag must not be read while the call holds it as an output.
    if !is_free(Span::of(handle.cast::<u64>(), 1)?, Access::Read) {
        return Err(paycore_result::InvalidArgument);
    }
    // SAFETY: aligned and readable for the tag word per the caller's
    // contract; `read_volatile` so a just-freed tag is really re-read.
    let magic = unsafe { std::ptr::addr_of!((*tagged).magic).read_volatile() };
    if magic == T::MAGIC {
        Ok(tagged)
    } else {
        Err(paycore_result::InvalidArgument)
    }
}

/// Borrows the value behind a handle for the call.
///
/// # Safety
/// `handle` must be NULL or a handle made by paycore (of any type); a
/// handle of this type must not be mutated concurrently.
pub(crate) unsafe fn handle_ref<'a, T: Handle>(handle: *const T) -> Result<&'a T, paycore_result> {
    // SAFETY: forwarded caller contract.
    let tagged = unsafe { tagged(handle) }?;
    claim(Span::of(tagged.cast_const(), 1)?, Access::Borrow)?;
    // SAFETY: a live handle of this type (tag checked), shared per the
    // caller's contract.
    Ok(unsafe { &(*tagged).value })
}

/// Borrows the value behind a handle mutably for the call.
///
/// # Safety
/// `handle` must be NULL or a handle made by paycore (of any type), not
/// used concurrently.
pub(crate) unsafe fn handle_mut<'a, T: Handle>(
    handle: *mut T,
) -> Result<&'a mut T, paycore_result> {
    // SAFETY: forwarded caller contract.
    let tagged = unsafe { tagged(handle) }?;
    claim(Span::of(tagged.cast_const(), 1)?, Access::BorrowMut)?;
    // SAFETY: a live handle of this type (tag checked), exclusively used
    // per the caller's contract.
    Ok(unsafe { &mut (*tagged).value })
}

/// Moves `value` into a new heap handle written to `*out`.
///
/// # Safety
/// `out` must be NULL (refused) or valid for a pointer write.
pub(crate) unsafe fn box_handle<T: Handle>(value: T, out: *mut *mut T) -> paycore_result {
    if out.is_null() {
        return paycore_result::NullParameter;
    }
    let handle = match new_handle(value) {
        Ok(handle) => handle,
        Err(code) => return code,
    };
    // SAFETY: forwarded caller contract.
    match unsafe { put(out, handle) } {
        Ok(()) => paycore_result::Ok,
        Err(code) => {
            // SAFETY: made just above and never shared.
            unsafe { free_handle(handle) };
            code
        }
    }
}

/// Drops a handle made by [`new_handle`]; NULL is a no-op, and so is a
/// pointer without this type's tag (a wrong type, or a handle already
/// freed while its memory still holds the freed tag). Dropping runs the
/// inner type's `Drop`, which zeroizes its secrets.
///
/// # Safety
/// `handle` must be NULL or a handle made by paycore (of any type) that no
/// other thread is using.
pub(crate) unsafe fn free_handle<T: Handle>(handle: *mut T) {
    // SAFETY: forwarded caller contract.
    if let Ok(tagged) = unsafe { tagged(handle) } {
        // SAFETY: a live handle of this type, exclusively owned per the
        // caller's contract; the tag is overwritten before the memory is
        // released so that a second free finds `FREED`.
        unsafe {
            std::ptr::addr_of_mut!((*tagged).magic).write_volatile(FREED);
            #[cfg(feature = "std")]
            drop(Box::from_raw(tagged));
            #[cfg(not(feature = "std"))]
            T::pool().release(tagged);
        }
    }
}

/// Fixed static pools of handle slots for the bare-metal build.
#[cfg(not(feature = "std"))]
pub(crate) mod pool {
    use core::cell::UnsafeCell;
    use core::mem::{MaybeUninit, size_of};
    use core::sync::atomic::{AtomicBool, Ordering};

    /// `N` slots for values of type `T`, each with an in-use flag.
    #[derive(Debug)]
    pub(crate) struct Slots<T, const N: usize> {
        used: [AtomicBool; N],
        slots: UnsafeCell<[MaybeUninit<T>; N]>,
    }

    // SAFETY: a slot is reached only by the caller that won its `used` flag
    // (in `Pool::alloc`) until `Pool::release` clears the flag.
    unsafe impl<T, const N: usize> Sync for Slots<T, N> {}

    impl<T, const N: usize> Slots<T, N> {
        pub(crate) const fn new() -> Self {
            Self {
                used: [const { AtomicBool::new(false) }; N],
                slots: UnsafeCell::new([const { MaybeUninit::uninit() }; N]),
            }
        }
    }

    /// A capacity-erased view of [`Slots`].
    #[derive(Debug)]
    pub(crate) struct Pool<T: 'static> {
        used: &'static [AtomicBool],
        base: *mut T,
    }

    // SAFETY: as for `Slots`: `base` points into a `Slots` whose slots are
    // handed out one owner at a time through the flags.
    unsafe impl<T> Sync for Pool<T> {}

    impl<T> Pool<T> {
        pub(crate) const fn new<const N: usize>(slots: &'static Slots<T, N>) -> Self {
            Self {
                used: &slots.used,
                base: slots.slots.get().cast::<T>(),
            }
        }

        /// Moves `value` into a free slot; `None` when the pool is full.
        pub(crate) fn alloc(&self, value: T) -> Option<*mut T> {
            let index = self.used.iter().position(|flag| {
                flag.compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
            })?;
            // SAFETY: `index < N`, inside the slot array; the slot is ours
            // (flag won above) and holds no value.
            let slot = unsafe { self.base.add(index) };
            // SAFETY: as above; properly aligned (an array element).
            unsafe { slot.write(value) };
            Some(slot)
        }

        /// Drops the value at `ptr` (its own `Drop` zeroizes secrets),
        /// wipes the slot's bytes and frees it. A pointer that is not a
        /// used slot of this pool is ignored.
        ///
        /// # Safety
        /// `ptr` came from [`Pool::alloc`] of this pool and is not used
        /// again.
        pub(crate) unsafe fn release(&self, ptr: *mut T) {
            let size = size_of::<T>().max(1);
            let Some(offset) = ptr.addr().checked_sub(self.base.addr()) else {
                return;
            };
            let index = offset / size;
            let Some(flag) = self.used.get(index) else {
                return;
            };
            if offset % size != 0 || !flag.load(Ordering::Acquire) {
                return;
            }
            // SAFETY: a used slot of this pool, owned by the caller.
            unsafe { core::ptr::drop_in_place(ptr) };
            let bytes = ptr.cast::<u8>();
            for i in 0..size_of::<T>() {
                // SAFETY: within the slot; volatile so the wipe is kept.
                unsafe { bytes.add(i).write_volatile(0) };
            }
            flag.store(false, Ordering::Release);
        }
    }
}
