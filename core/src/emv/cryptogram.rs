//! Application cryptograms (ARQC, TC, AAC; EMV 4.4 Book 2 §8.1 and Annex
//! A1.2), authorisation response cryptograms (ARPC, Book 2 §8.2) and the
//! CDOL1 data they are computed over (Book 3 §5.4).
//!
//! | key algorithm | cryptogram MAC (Book 2 A1.2) |
//! |---|---|
//! | 2TDEA | ISO/IEC 9797-1 MAC algorithm 3 (single-DES CBC under `K_L`, output transformation under `K_R`), padding method 1 or 2 |
//! | AES | AES-CMAC (ISO/IEC 9797-1:2011 MAC algorithm 5), its own padding |
//!
//! An application cryptogram is the leftmost 8 bytes of that MAC. Keys
//! must have usage `E0`; generation needs a mode of use permitting
//! [`Operation::Generate`], verification one permitting
//! [`Operation::Verify`]. Every verification compares in constant time and
//! fails with the single opaque [`Error::VerificationFailed`].

use subtle::ConstantTimeEq;

use crate::card::dol::Dol;
use crate::card::tlv::{self, Limits};
use crate::error::{Error, KeyError};
use crate::keys::{Algorithm, Key, KeyUsage, Operation};
use crate::mac::{self, MacAlgorithm, Padding};

/// Length of an application cryptogram (tag `9F26`), bytes.
pub const AC_LEN: usize = 8;
/// Length of an ARPC of method 1, bytes.
pub const ARPC_METHOD1_LEN: usize = 8;
/// Length of an ARPC of method 2, bytes.
pub const ARPC_METHOD2_LEN: usize = 4;
/// Longest proprietary authentication data of ARPC method 2, bytes.
pub const MAX_PROPRIETARY_AUTH_DATA_LEN: usize = 8;

const AC_USAGE: [KeyUsage; 1] = [KeyUsage::EmvApplicationCryptogram];

/// An application cryptogram (ARQC, TC or AAC): 8 bytes, not secret, but
/// compared only in constant time; `Debug` shows nothing of it.
#[derive(Clone, Copy)]
pub struct ApplicationCryptogram([u8; AC_LEN]);

impl ApplicationCryptogram {
    /// The 8 bytes (tag `9F26`).
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; AC_LEN] {
        &self.0
    }
}

impl core::fmt::Debug for ApplicationCryptogram {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ApplicationCryptogram { .. }")
    }
}

/// An authorisation response cryptogram: 8 bytes (method 1) or 4 bytes
/// (method 2). `Debug` shows only the length.
#[derive(Clone, Copy)]
pub struct Arpc {
    bytes: [u8; ARPC_METHOD1_LEN],
    len: usize,
}

impl Arpc {
    /// The ARPC bytes (the first field of Issuer Authentication Data, tag `91`).
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }
}

impl core::fmt::Debug for Arpc {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Arpc {{ len: {}, .. }}", self.len)
    }
}

/// The MAC algorithm of EMV Book 2 A1.2 for `key`'s algorithm.
pub(crate) fn emv_mac(key: &Key, padding: Padding) -> Result<MacAlgorithm, Error> {
    match key.algorithm() {
        Algorithm::Tdes2 => Ok(MacAlgorithm::RetailMac { padding }),
        a if a.is_aes() => match padding {
            // CMAC pads by itself; only the EMV default is accepted so that
            // no caller believes method 1 was applied.
            Padding::Method2 => Ok(MacAlgorithm::Cmac),
            _ => Err(Error::invalid_argument("padding")),
        },
        _ => Err(KeyError::WrongAlgorithm.into()),
    }
}

/// Generates an application cryptogram over `data` (the CDOL1 or CDOL2
/// data, for the scheme's CVN possibly followed by card data such as the
/// AIP, ATC and issuer application data) under the session key (or, for
/// Visa CVN 10, the ICC master key) `key`.
///
/// EMV 4.4 Book 2 §8.1.2 and Annex A1.2: ISO/IEC 9797-1 algorithm 3 with
/// `padding` for a 2TDEA key; AES-CMAC for an AES key (then `padding` must
/// be [`Padding::Method2`]). The cryptogram is the leftmost 8 bytes.
///
/// # Errors
/// [`KeyError::UsageNotPermitted`] unless `key` is `E0`;
/// [`KeyError::ModeNotPermitted`] unless its mode permits generation;
/// [`KeyError::WrongAlgorithm`] for a 3TDEA key;
/// [`crate::error::ApiMisuse::InvalidArgument`] `padding` for padding
/// method 1 with an AES key.
pub fn generate_ac(
    key: &Key,
    data: &[u8],
    padding: Padding,
) -> Result<ApplicationCryptogram, Error> {
    let algorithm = emv_mac(key, padding)?;
    let tag = mac::generate_with_usages(key, algorithm, &AC_USAGE, &[data], AC_LEN)?;
    let mut out = [0u8; AC_LEN];
    out.copy_from_slice(tag.as_bytes());
    Ok(ApplicationCryptogram(out))
}

/// Verifies an application cryptogram `ac` (8 bytes) over `data`, in
/// constant time (the host side of [`generate_ac`]).
///
/// # Errors
/// [`Error::VerificationFailed`] if it does not match;
/// [`crate::error::ApiMisuse::InvalidArgument`] `cryptogram` unless `ac` is
/// 8 bytes; as [`generate_ac`], with [`Operation::Verify`].
pub fn verify_ac(key: &Key, data: &[u8], padding: Padding, ac: &[u8]) -> Result<(), Error> {
    if ac.len() != AC_LEN {
        return Err(Error::invalid_argument("cryptogram"));
    }
    let algorithm = emv_mac(key, padding)?;
    mac::verify_with_usages(key, algorithm, &AC_USAGE, &[data], ac)
}

fn arqc_array(arqc: &[u8]) -> Result<[u8; AC_LEN], Error> {
    arqc.try_into().map_err(|_| Error::invalid_argument("arqc"))
}

fn arpc1(key: &Key, arqc: &[u8], arc: &[u8], operation: Operation) -> Result<Arpc, Error> {
    let mut block = arqc_array(arqc)?;
    let [r0, r1]: [u8; 2] = arc.try_into().map_err(|_| Error::invalid_argument("arc"))?;
    if key.algorithm() != Algorithm::Tdes2 {
        return Err(KeyError::WrongAlgorithm.into());
    }
    let cipher = key.cipher(&AC_USAGE, operation)?;
    for (b, x) in block.iter_mut().zip([r0, r1]) {
        *b ^= x;
    }
    cipher.encrypt_block(&mut block)?;
    Ok(Arpc {
        bytes: block,
        len: ARPC_METHOD1_LEN,
    })
}

/// ARPC method 1 (EMV 4.4 Book 2 §8.2.1): `TDES(key)[ARQC ⊕ (ARC || 00…00)]`
/// for the 8-byte ARQC and the 2-byte Authorisation Response Code `arc`.
/// The key is the AC session key or, for Visa CVN 10 and Mastercard CVN
/// 16/17, the ICC master key; 2TDEA only.
///
/// # Errors
/// [`KeyError::UsageNotPermitted`] unless `key` is `E0`;
/// [`KeyError::ModeNotPermitted`] unless its mode permits generation;
/// [`KeyError::WrongAlgorithm`] unless it is 2TDEA;
/// [`crate::error::ApiMisuse::InvalidArgument`] `arqc` / `arc` for other
/// lengths than 8 / 2 bytes.
pub fn arpc_method1(key: &Key, arqc: &[u8], arc: &[u8]) -> Result<Arpc, Error> {
    arpc1(key, arqc, arc, Operation::Generate)
}

/// The card side of [`arpc_method1`]: checks `arpc` (8 bytes) in constant time.
///
/// # Errors
/// [`Error::VerificationFailed`] on mismatch or a wrong `arpc` length; as
/// [`arpc_method1`] with [`Operation::Verify`].
pub fn verify_arpc_method1(key: &Key, arqc: &[u8], arc: &[u8], arpc: &[u8]) -> Result<(), Error> {
    let expected = arpc1(key, arqc, arc, Operation::Verify)?;
    if bool::from(expected.as_bytes().ct_eq(arpc)) {
        Ok(())
    } else {
        Err(Error::VerificationFailed)
    }
}

fn arpc2_check(arqc: &[u8], csu: &[u8], proprietary: &[u8]) -> Result<(), Error> {
    arqc_array(arqc)?;
    if csu.len() != 4 {
        return Err(Error::invalid_argument("csu"));
    }
    if proprietary.len() > MAX_PROPRIETARY_AUTH_DATA_LEN {
        return Err(Error::invalid_argument("proprietary authentication data"));
    }
    Ok(())
}

/// ARPC method 2 (EMV 4.4 Book 2 §8.2.2): the leftmost 4 bytes of the MAC
/// (Book 2 A1.2, padding method 2 for 2TDEA, CMAC for AES) of
/// `ARQC || CSU || proprietary authentication data` under the AC session
/// key; `csu` is the 4-byte Card Status Update, `proprietary` 0-8 bytes.
///
/// # Errors
/// As [`arpc_method1`] (AES keys are accepted);
/// [`crate::error::ApiMisuse::InvalidArgument`] `arqc`, `csu` or
/// `proprietary authentication data` for a wrong length.
pub fn arpc_method2(key: &Key, arqc: &[u8], csu: &[u8], proprietary: &[u8]) -> Result<Arpc, Error> {
    arpc2_check(arqc, csu, proprietary)?;
    let algorithm = emv_mac(key, Padding::Method2)?;
    let tag = mac::generate_with_usages(
        key,
        algorithm,
        &AC_USAGE,
        &[arqc, csu, proprietary],
        ARPC_METHOD2_LEN,
    )?;
    let mut bytes = [0u8; ARPC_METHOD1_LEN];
    if let Some(dst) = bytes.get_mut(..ARPC_METHOD2_LEN) {
        dst.copy_from_slice(tag.as_bytes());
    }
    Ok(Arpc {
        bytes,
        len: ARPC_METHOD2_LEN,
    })
}

/// The card side of [`arpc_method2`]: checks the 4-byte `arpc` in constant time.
///
/// # Errors
/// [`Error::VerificationFailed`] on mismatch;
/// [`crate::error::ApiMisuse::InvalidArgument`] for wrong lengths (the
/// `arpc` included); as [`arpc_method2`] with [`Operation::Verify`].
pub fn verify_arpc_method2(
    key: &Key,
    arqc: &[u8],
    csu: &[u8],
    proprietary: &[u8],
    arpc: &[u8],
) -> Result<(), Error> {
    arpc2_check(arqc, csu, proprietary)?;
    if arpc.len() != ARPC_METHOD2_LEN {
        return Err(Error::invalid_argument("arpc"));
    }
    let algorithm = emv_mac(key, Padding::Method2)?;
    mac::verify_with_usages(key, algorithm, &AC_USAGE, &[arqc, csu, proprietary], arpc)
}

/// Builds the CDOL1 (or CDOL2) data: the values the DOL `cdol` (the value
/// of tag `8C` / `8D`) asks for, taken from the BER-TLV data objects in
/// `tlv_data` (terminal and card data, searched depth-first) and fitted by
/// the rules of EMV 4.4 Book 3 §5.4 ([`crate::card::dol`]). Absent data
/// objects give zeros. Returns the number of bytes written.
///
/// # Errors
/// [`crate::error::TlvError`] if `cdol` or `tlv_data` is malformed;
/// [`Error::buffer_too_small`] if `out` is shorter than the DOL's total length.
pub fn cdol_data(cdol: &[u8], tlv_data: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    let dol = Dol::parse(cdol)?;
    let limits = Limits::default();
    tlv::validate(tlv_data, limits)?;
    dol.build(out, |tag| {
        tlv::find(tlv_data, tag, limits)
            .ok()
            .flatten()
            .map(|t| t.value())
    })
}
