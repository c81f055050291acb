//! Secret containers: fixed-size, inline, zeroized on drop, redacted `Debug`,
//! constant-time equality.
//!
//! [`SecretBytes<N>`] holds up to `N` secret bytes inline (no heap), so keys,
//! PINs, clear PIN blocks and track data can live in firmware without an
//! allocator. The only way to read the bytes is [`SecretBytes::expose_secret`];
//! every call site carries an `// EXPOSE:` comment saying why.
//!
//! # Example
//! ```
//! use paycore::secret::SecretBytes;
//!
//! let key = SecretBytes::<16>::from_slice(&[0x11; 16]).unwrap();
//! assert_eq!(format!("{key:?}"), "SecretBytes { .. }");
//! assert!(key.ct_eq_bytes(&[0x11; 16]));
//! ```

use core::fmt;

use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::{ApiMisuse, Error};

/// Up to `N` secret bytes held inline. Zeroized on drop; `Debug` prints
/// `SecretBytes { .. }`; no `Clone`, no `PartialEq` (use [`ConstantTimeEq`]).
pub struct SecretBytes<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> SecretBytes<N> {
    /// An empty container.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            buf: [0; N],
            len: 0,
        }
    }

    /// Copies `bytes` into a new container.
    ///
    /// # Errors
    /// [`ApiMisuse::InvalidArgument`] if `bytes` is longer than `N`.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, Error> {
        let mut out = Self::new();
        let dst =
            out.buf
                .get_mut(..bytes.len())
                .ok_or(Error::ApiMisuse(ApiMisuse::InvalidArgument {
                    name: "secret length",
                }))?;
        dst.copy_from_slice(bytes);
        out.len = bytes.len();
        Ok(out)
    }

    /// Takes ownership of a full array, zeroizing the caller's copy.
    #[must_use]
    pub fn from_array(bytes: &mut [u8; N]) -> Self {
        let out = Self {
            buf: *bytes,
            len: N,
        };
        bytes.zeroize();
        out
    }

    /// Number of bytes held.
    #[must_use]
    pub const fn len(&self) -> usize {
        self.len
    }

    /// True when no bytes are held.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The secret bytes. Every caller documents why with an `// EXPOSE:` comment.
    #[must_use]
    pub fn expose_secret(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }

    /// Mutable access for in-place construction inside the crate.
    pub(crate) fn expose_secret_mut(&mut self) -> &mut [u8] {
        self.buf.get_mut(..self.len).unwrap_or(&mut [])
    }

    /// Sets the length to `len` bytes (all zero) for in-place filling.
    ///
    /// # Errors
    /// [`ApiMisuse::InvalidArgument`] if `len > N`.
    pub(crate) fn zeroed(len: usize) -> Result<Self, Error> {
        if len > N {
            return Err(Error::invalid_argument("secret length"));
        }
        let mut out = Self::new();
        out.len = len;
        Ok(out)
    }

    /// Constant-time comparison with plain bytes (length is not secret).
    #[must_use]
    pub fn ct_eq_bytes(&self, other: &[u8]) -> bool {
        bool::from(self.expose_secret().ct_eq(other))
    }
}

impl<const N: usize> Default for SecretBytes<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> ConstantTimeEq for SecretBytes<N> {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.expose_secret().ct_eq(other.expose_secret())
    }
}

impl<const N: usize> Drop for SecretBytes<N> {
    fn drop(&mut self) {
        self.buf.zeroize();
        self.len = 0;
    }
}

impl<const N: usize> ZeroizeOnDrop for SecretBytes<N> {}

impl<const N: usize> fmt::Debug for SecretBytes<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretBytes { .. }")
    }
}

/// Constant-time equality of two byte strings (lengths are public).
#[must_use]
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted_exactly() {
        let s = SecretBytes::<8>::from_slice(b"\x12\x34").unwrap();
        assert_eq!(format!("{s:?}"), "SecretBytes { .. }");
        assert_eq!(format!("{s:#?}"), "SecretBytes { .. }");
    }

    #[test]
    fn from_slice_bounds() {
        assert!(SecretBytes::<2>::from_slice(&[1, 2, 3]).is_err());
        let s = SecretBytes::<4>::from_slice(&[1, 2]).unwrap();
        assert_eq!(s.expose_secret(), &[1, 2]);
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn constant_time_equality() {
        let a = SecretBytes::<4>::from_slice(&[1, 2, 3]).unwrap();
        let b = SecretBytes::<4>::from_slice(&[1, 2, 3]).unwrap();
        let c = SecretBytes::<4>::from_slice(&[1, 2, 4]).unwrap();
        let d = SecretBytes::<4>::from_slice(&[1, 2]).unwrap();
        assert!(bool::from(a.ct_eq(&b)));
        assert!(!bool::from(a.ct_eq(&c)));
        assert!(!bool::from(a.ct_eq(&d)));
        assert!(a.ct_eq_bytes(&[1, 2, 3]));
    }

    #[test]
    fn from_array_wipes_source() {
        let mut src = [7u8; 4];
        let s = SecretBytes::from_array(&mut src);
        assert_eq!(src, [0; 4]);
        assert_eq!(s.expose_secret(), &[7; 4]);
    }
}
