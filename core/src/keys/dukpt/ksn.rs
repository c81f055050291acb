//! Key serial numbers (KSN) for TDES DUKPT (ANSI X9.24-1:2009 §A.1, 10
//! bytes, 21-bit transaction counter) and AES DUKPT (ANSI X9.24-3-2017
//! §6.1, 12 bytes: 8-byte initial key ID and a 32-bit counter).
//!
//! A KSN is public: it travels in the clear with every transaction.
//!
//! # Example
//! ```
//! use paycore::keys::dukpt::{Ksn, TdesKsn};
//!
//! let ksn = Ksn::parse(&[0xFF, 0xFF, 0x98, 0x76, 0x54, 0x32, 0x10, 0xE0, 0x00, 0x03]).unwrap();
//! let Ksn::Tdes(tdes) = ksn else { unreachable!() };
//! assert_eq!(tdes.counter(), 3);
//! assert!(Ksn::parse(&[0; 11]).is_err());
//! ```
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use core::fmt;

use crate::error::{DukptError, Error};

/// Number of counter bits in a TDES KSN (X9.24-1:2009 §A.1).
pub const TDES_COUNTER_BITS: u32 = 21;
/// Largest number of one-bits in a counter a TDES originator uses
/// (X9.24-1:2009 §A.2).
pub const TDES_MAX_ONE_BITS: u32 = 10;
/// Largest number of one-bits in a counter an AES originator uses
/// (X9.24-3-2017 §6.5, `MAX_WORK`).
pub const AES_MAX_ONE_BITS: u32 = 16;

const TDES_COUNTER_MASK: u32 = (1 << TDES_COUNTER_BITS) - 1;

/// A TDES DUKPT key serial number: 59-bit initial KSN (key set ID and
/// device ID) followed by a 21-bit transaction counter (X9.24-1:2009 §A.1).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TdesKsn([u8; TdesKsn::LEN]);

impl TdesKsn {
    /// Length in bytes.
    pub const LEN: usize = 10;

    /// A KSN from its 10 bytes.
    #[must_use]
    pub const fn from_array(bytes: [u8; Self::LEN]) -> Self {
        Self(bytes)
    }

    /// Parses a KSN.
    ///
    /// # Errors
    /// [`DukptError::InvalidKsnLength`] unless `bytes` is exactly 10 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        <[u8; Self::LEN]>::try_from(bytes).map(Self).map_err(|_| {
            DukptError::InvalidKsnLength {
                length: bytes.len(),
            }
            .into()
        })
    }

    /// The 10 bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; Self::LEN] {
        &self.0
    }

    /// The 21-bit transaction counter.
    #[must_use]
    pub const fn counter(&self) -> u32 {
        let [.., a, b, c] = self.0;
        u32::from_be_bytes([0, a, b, c]) & TDES_COUNTER_MASK
    }

    /// The same KSN with the counter replaced by the low 21 bits of `counter`.
    #[must_use]
    pub const fn with_counter(&self, counter: u32) -> Self {
        let mut out = self.0;
        let [_, a, b, c] = (counter & TDES_COUNTER_MASK).to_be_bytes();
        out[7] = (out[7] & 0xE0) | a;
        out[8] = b;
        out[9] = c;
        Self(out)
    }

    /// The rightmost 8 bytes (64 bits), the input of the non-reversible
    /// key generation process (X9.24-1:2009 §A.2 "KSN register").
    #[must_use]
    pub(crate) const fn right_register(&self) -> [u8; 8] {
        let [_, _, r @ ..] = self.0;
        r
    }

    /// True if an originator could have produced this KSN: the counter is
    /// non-zero and has at most 10 one-bits (X9.24-1:2009 §A.2). A host may
    /// use [`TdesKsn::check_originator_counter`] to refuse the others.
    #[must_use]
    pub const fn is_originator_counter(&self) -> bool {
        let c = self.counter();
        c != 0 && c.count_ones() <= TDES_MAX_ONE_BITS
    }

    /// Refuses counters no originator produces (zero, or more than 10 one-bits).
    ///
    /// # Errors
    /// [`DukptError::InvalidCounter`].
    pub const fn check_originator_counter(&self) -> Result<(), Error> {
        if self.is_originator_counter() {
            Ok(())
        } else {
            Err(Error::Dukpt(DukptError::InvalidCounter))
        }
    }
}

/// An AES DUKPT key serial number: 8-byte initial key ID (BDK ID and
/// derivation ID) followed by a 32-bit transaction counter
/// (X9.24-3-2017 §6.1).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AesKsn([u8; AesKsn::LEN]);

impl AesKsn {
    /// Length in bytes.
    pub const LEN: usize = 12;

    /// A KSN from an initial key ID and a counter.
    #[must_use]
    pub const fn new(initial_key_id: [u8; 8], counter: u32) -> Self {
        let [a, b, c, d, e, f, g, h] = initial_key_id;
        let [i, j, k, l] = counter.to_be_bytes();
        Self([a, b, c, d, e, f, g, h, i, j, k, l])
    }

    /// A KSN from its 12 bytes.
    #[must_use]
    pub const fn from_array(bytes: [u8; Self::LEN]) -> Self {
        Self(bytes)
    }

    /// Parses a KSN.
    ///
    /// # Errors
    /// [`DukptError::InvalidKsnLength`] unless `bytes` is exactly 12 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        <[u8; Self::LEN]>::try_from(bytes).map(Self).map_err(|_| {
            DukptError::InvalidKsnLength {
                length: bytes.len(),
            }
            .into()
        })
    }

    /// The 12 bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; Self::LEN] {
        &self.0
    }

    /// The 8-byte initial key ID.
    #[must_use]
    pub const fn initial_key_id(&self) -> [u8; 8] {
        let [a, b, c, d, e, f, g, h, ..] = self.0;
        [a, b, c, d, e, f, g, h]
    }

    /// The 32-bit transaction counter.
    #[must_use]
    pub const fn counter(&self) -> u32 {
        let [.., a, b, c, d] = self.0;
        u32::from_be_bytes([a, b, c, d])
    }

    /// The same initial key ID with another counter.
    #[must_use]
    pub const fn with_counter(&self, counter: u32) -> Self {
        Self::new(self.initial_key_id(), counter)
    }

    /// True if an originator could have produced this KSN: the counter is
    /// non-zero and has at most 16 one-bits (X9.24-3-2017 §6.5).
    #[must_use]
    pub const fn is_originator_counter(&self) -> bool {
        let c = self.counter();
        c != 0 && c.count_ones() <= AES_MAX_ONE_BITS
    }

    /// Refuses counters no originator produces (zero, or more than 16 one-bits).
    ///
    /// # Errors
    /// [`DukptError::InvalidCounter`].
    pub const fn check_originator_counter(&self) -> Result<(), Error> {
        if self.is_originator_counter() {
            Ok(())
        } else {
            Err(Error::Dukpt(DukptError::InvalidCounter))
        }
    }
}

/// A KSN of either flavour; the length decides (10 bytes TDES, 12 bytes AES).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum Ksn {
    /// ANSI X9.24-1:2009 TDES DUKPT.
    Tdes(TdesKsn),
    /// ANSI X9.24-3-2017 AES DUKPT.
    Aes(AesKsn),
}

impl Ksn {
    /// Parses 10 (TDES) or 12 (AES) bytes.
    ///
    /// # Errors
    /// [`DukptError::InvalidKsnLength`] for any other length.
    pub fn parse(bytes: &[u8]) -> Result<Self, Error> {
        match bytes.len() {
            TdesKsn::LEN => TdesKsn::from_bytes(bytes).map(Self::Tdes),
            AesKsn::LEN => AesKsn::from_bytes(bytes).map(Self::Aes),
            length => Err(DukptError::InvalidKsnLength { length }.into()),
        }
    }

    /// The KSN bytes (10 or 12).
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Tdes(k) => k.as_bytes(),
            Self::Aes(k) => k.as_bytes(),
        }
    }

    /// The transaction counter.
    #[must_use]
    pub const fn counter(&self) -> u32 {
        match self {
            Self::Tdes(k) => k.counter(),
            Self::Aes(k) => k.counter(),
        }
    }
}

fn write_hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    bytes.iter().try_for_each(|b| write!(f, "{b:02X}"))
}

impl fmt::Display for TdesKsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}

impl fmt::Debug for TdesKsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TdesKsn(")?;
        write_hex(f, &self.0)?;
        f.write_str(")")
    }
}

impl fmt::Display for AesKsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}

impl fmt::Debug for AesKsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AesKsn(")?;
        write_hex(f, &self.0)?;
        f.write_str(")")
    }
}

impl fmt::Display for Ksn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, self.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tdes_counter_fields() {
        let ksn = TdesKsn::from_array([0xFF, 0xFF, 0x98, 0x76, 0x54, 0x32, 0x10, 0xE0, 0x00, 0x15]);
        assert_eq!(ksn.counter(), 0x15);
        let k2 = ksn.with_counter(0x1F_FFFF);
        assert_eq!(k2.as_bytes()[7], 0xFF);
        assert_eq!(k2.counter(), 0x1F_FFFF);
        assert_eq!(k2.with_counter(0).as_bytes()[7], 0xE0);
        assert_eq!(format!("{ksn}"), "FFFF9876543210E00015");
        assert_eq!(format!("{ksn:?}"), "TdesKsn(FFFF9876543210E00015)");
    }

    #[test]
    fn aes_fields() {
        let ksn = AesKsn::new(
            [0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56],
            0xFFFE_4000,
        );
        assert_eq!(ksn.counter(), 0xFFFE_4000);
        assert_eq!(ksn.initial_key_id()[7], 0x56);
        assert!(ksn.is_originator_counter());
        assert!(!ksn.with_counter(0x0001_FFFF).is_originator_counter());
        assert!(!ksn.with_counter(0).is_originator_counter());
    }

    #[test]
    fn lengths() {
        for len in [0usize, 1, 9, 11, 13, 64] {
            assert_eq!(
                Ksn::parse(&vec![0; len]),
                Err(Error::Dukpt(DukptError::InvalidKsnLength { length: len }))
            );
        }
        assert!(matches!(Ksn::parse(&[0; 10]), Ok(Ksn::Tdes(_))));
        assert!(matches!(Ksn::parse(&[0; 12]), Ok(Ksn::Aes(_))));
    }
}
