//! MACs: ISO 9797-1 algorithms 1 and 3 (retail MAC), CMAC, HMAC-SHA256;
//! verification in constant time.

use paycore::mac::{self as core_mac, MacAlgorithm as CoreAlgorithm, Padding};

use crate::error::{PaycoreError, Result, core};
use crate::keys::Key;

/// ISO/IEC 9797-1 padding method (§6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
#[non_exhaustive]
pub enum MacPadding {
    /// Method 1: zero bytes up to a block boundary.
    Method1,
    /// Method 2: `0x80`, then zero bytes up to a block boundary.
    Method2,
}

/// A MAC algorithm; the key's usage must match it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
#[non_exhaustive]
pub enum MacAlgorithm {
    /// ISO/IEC 9797-1 algorithm 1 (CBC-MAC; ISO 16609 for TDES). Usage `M0`/`M1`.
    Iso9797Alg1 {
        /// Padding method.
        padding: MacPadding,
    },
    /// ISO/IEC 9797-1 algorithm 3, the ANSI X9.19 retail MAC. Usage `M3`.
    RetailMac {
        /// Padding method.
        padding: MacPadding,
    },
    /// CMAC (NIST SP 800-38B), AES or TDES. Usage `M6`.
    Cmac,
    /// HMAC-SHA256 (RFC 2104, FIPS 198-1). Usage `M7`.
    HmacSha256,
}

const fn padding(p: MacPadding) -> Padding {
    match p {
        MacPadding::Method1 => Padding::Method1,
        MacPadding::Method2 => Padding::Method2,
    }
}

impl MacAlgorithm {
    const fn to_core(self) -> CoreAlgorithm {
        match self {
            Self::Iso9797Alg1 { padding: p } => CoreAlgorithm::Iso9797Alg1 {
                padding: padding(p),
            },
            Self::RetailMac { padding: p } => CoreAlgorithm::RetailMac {
                padding: padding(p),
            },
            Self::Cmac => CoreAlgorithm::Cmac,
            Self::HmacSha256 => CoreAlgorithm::HmacSha256,
        }
    }
}

/// Generates a MAC of `length` bytes (4 up to the algorithm's output size)
/// over `data`.
///
/// # Errors
/// `KeyUsage` if the key's usage or mode does not permit generation;
/// `InvalidArgument`/`InvalidKey` for a bad length or key algorithm.
#[uniffi::export]
pub fn mac_generate(
    key: &Key,
    algorithm: MacAlgorithm,
    data: Vec<u8>,
    length: u32,
) -> Result<Vec<u8>> {
    let length = usize::try_from(length).map_err(|_| PaycoreError::argument("length"))?;
    Ok(core(core_mac::generate(
        &key.inner,
        algorithm.to_core(),
        &data,
        length,
    ))?
    .as_bytes()
    .to_vec())
}

/// Verifies `expected` (its length is the MAC length) over `data`, in
/// constant time.
///
/// # Errors
/// `VerificationFailed` on mismatch; `KeyUsage` if the key may not verify.
#[uniffi::export]
pub fn mac_verify(
    key: &Key,
    algorithm: MacAlgorithm,
    data: Vec<u8>,
    expected: Vec<u8>,
) -> Result<()> {
    core(core_mac::verify(
        &key.inner,
        algorithm.to_core(),
        &data,
        &expected,
    ))
}
