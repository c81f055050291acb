//! Pointer checks and the output convention.

use std::slice;

use crate::result::paycore_result;

/// Borrows `(ptr, len)` as a slice; `(NULL, 0)` is the empty slice.
///
/// # Safety
/// If non-NULL, `ptr` must be valid for reads of `len` bytes for `'a`.
pub(crate) unsafe fn input<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], paycore_result> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(paycore_result::NullParameter)
        };
    }
    // SAFETY: non-NULL and the caller guarantees `len` readable bytes.
    Ok(unsafe { slice::from_raw_parts(ptr, len) })
}

/// Borrows `(ptr, len)` as UTF-8 text.
///
/// # Safety
/// As [`input`].
pub(crate) unsafe fn input_str<'a>(ptr: *const u8, len: usize) -> Result<&'a str, paycore_result> {
    // SAFETY: forwarded contract.
    let bytes = unsafe { input(ptr, len) }?;
    std::str::from_utf8(bytes).map_err(|_| paycore_result::InvalidArgument)
}

/// An output buffer `(out, cap, out_len)`, checked before any work is done.
pub(crate) struct Out<'a> {
    buf: &'a mut [u8],
    len: &'a mut usize,
}

impl Out<'_> {
    /// Checks the output pointers.
    ///
    /// # Safety
    /// If non-NULL, `out` must be valid for writes of `cap` bytes and
    /// `out_len` valid for a write of one `size_t`, both for the call.
    pub(crate) unsafe fn new(
        out: *mut u8,
        cap: usize,
        out_len: *mut usize,
    ) -> Result<Self, paycore_result> {
        if out_len.is_null() || (out.is_null() && cap > 0) {
            return Err(paycore_result::NullParameter);
        }
        let buf: &mut [u8] = if out.is_null() {
            &mut []
        } else {
            // SAFETY: non-NULL and the caller guarantees `cap` writable bytes.
            unsafe { slice::from_raw_parts_mut(out, cap) }
        };
        // SAFETY: non-NULL and the caller guarantees it is writable.
        let len = unsafe { &mut *out_len };
        Ok(Out { buf, len })
    }

    /// Writes `data` (success) or reports the size needed.
    pub(crate) fn write(self, data: &[u8]) -> paycore_result {
        *self.len = data.len();
        match self.buf.get_mut(..data.len()) {
            Some(dst) => {
                dst.copy_from_slice(data);
                paycore_result::Ok
            }
            None => paycore_result::BufferTooSmall,
        }
    }

    /// Writes secret `data`; on a too-small buffer the buffer is zeroed.
    pub(crate) fn write_secret(self, data: &[u8]) -> paycore_result {
        if self.buf.len() < data.len() {
            self.buf.fill(0);
        }
        self.write(data)
    }

    /// Zeroes the whole buffer (a failed secret output).
    pub(crate) fn wipe(self) {
        self.buf.fill(0);
    }
}

/// Writes a value through a nullable out-pointer.
///
/// # Safety
/// If non-NULL, `ptr` must be valid for a write of `T`.
pub(crate) unsafe fn put<T>(ptr: *mut T, value: T) -> Result<(), paycore_result> {
    if ptr.is_null() {
        return Err(paycore_result::NullParameter);
    }
    // SAFETY: non-NULL and writable per the caller's contract.
    unsafe { ptr.write(value) };
    Ok(())
}

/// Moves `value` into a new heap handle written to `*out`.
///
/// # Safety
/// `out` must be NULL (refused) or valid for a pointer write.
pub(crate) unsafe fn box_handle<T>(value: T, out: *mut *mut T) -> paycore_result {
    if out.is_null() {
        return paycore_result::NullParameter;
    }
    // SAFETY: non-NULL and writable per the caller's contract.
    unsafe { out.write(Box::into_raw(Box::new(value))) };
    paycore_result::Ok
}

/// Drops a handle made by [`box_handle`]; NULL is a no-op. Dropping runs
/// the inner type's `Drop`, which zeroizes its secrets.
///
/// # Safety
/// `handle` must be NULL or a live handle from [`box_handle`] (or
/// `Box::into_raw` of the same type) not yet freed.
pub(crate) unsafe fn free_handle<T>(handle: *mut T) {
    if !handle.is_null() {
        // SAFETY: a live, unshared handle per the caller's contract.
        drop(unsafe { Box::from_raw(handle) });
    }
}
