//! EMV application cryptography, host and card side: ICC master key and
//! session key derivation, application cryptograms (ARQC / TC / AAC),
//! authorisation response cryptograms (ARPC) and issuer-script secure
//! messaging (EMV 4.4 Book 2 §8, §9 and Annex A1).
//!
//! # The key hierarchy
//! ```text
//! issuer master key IMK (E0 AC, E1 SM-C, E2 SM-I, …; mode X or N; held by the issuer host)
//!   └─ ICC master key MK = f(IMK, PAN, PSN)     Book 2 A1.4 option A/B  (personalised into the card)
//!        └─ session key SK = g(MK, R)            Book 2 A1.3.1; R = ATC‖0…, ATC‖00 00‖UN, or ARQC
//!             └─ ARQC / TC / AAC, ARPC method 2, script MAC, script encipherment
//! ```
//! Derived keys keep the parent's usage, version and exportability. An ICC
//! master key gets mode of use `N` (it derives session keys and, in some
//! CVNs, computes cryptograms itself); a session key gets `C`
//! (generate/verify), or `B` (encrypt/decrypt) for `E1`. Derivation takes
//! only parents of usage `E0`-`E6` whose mode permits derivation;
//! cryptograms and ARPCs only `E0` keys, script MACs `E2`, script
//! encipherment `E1`.
//!
//! # The host call
//! [`verify_arqc`] does the whole issuer-side check for one of the common
//! cryptogram versions ([`Cvn`]): derive the ICC master key, derive the
//! session key, verify the ARQC in constant time. On success it returns a
//! [`VerifiedArqc`] that computes the ARPC with the key and method that CVN
//! prescribes. Every failed check is the opaque [`Error::VerificationFailed`].
//!
//! | CVN | ICC MK | AC key | AC padding | ARPC |
//! |---|---|---|---|---|
//! | Visa 10 | option A | ICC MK | method 1 | method 1, ICC MK |
//! | Visa 18, 22 | option B | common SK, `R = ATC‖00…` | method 2 | method 2, SK |
//! | Mastercard 16, 17 | option A | M/Chip SK, `R = ATC‖00 00‖UN` | method 2 | method 1, ICC MK |
//! | Mastercard 20, 21 | option A | common SK, `R = ATC‖00…` | method 2 | method 1, SK |
//!
//! (The CVN also fixes which data the card MACs, for example the CVR or
//! the whole issuer application data and the counters; the caller passes
//! that data, so CVNs 16/17 and 20/21 differ only in what it contains.)
//!
//! # Example
//! ```
//! use paycore::emv::{self, Cvn};
//! use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
//!
//! # fn hex(s: &str) -> Vec<u8> { (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect() }
//! // pyemv tests/test_cvn_hsm.py, test_visa_cvn18.
//! let imk = Key::new(
//!     Algorithm::Tdes2,
//!     &hex("0123456789ABCDEFFEDCBA9876543210"),
//!     KeyAttributes::new(KeyUsage::EmvApplicationCryptogram, ModeOfUse::Derive),
//! )?;
//! let data = hex("0000000040000000000000000124800004800001241911050152BF45851800001C06011203A0B800");
//! let arqc = hex("7A788EA6B8A3E733");
//! let tx = emv::Transaction {
//!     pan: b"1234567890123456",
//!     psn: Some(0),
//!     atc: [0x00, 0x1C],
//!     unpredictable_number: [0x52, 0xBF, 0x45, 0x85],
//!     data: &data,
//!     arqc: &arqc,
//! };
//! let verified = emv::verify_arqc(&imk, Cvn::Visa18, &tx)?;
//! let arpc = verified.arpc_method2(&[0, 0, 0, 0], &[])?;
//! assert_eq!(arpc.as_bytes(), hex("9AF514C1"));
//!
//! // One bit of the amount changed: refused.
//! let mut tampered = data.clone();
//! tampered[5] ^= 0x01;
//! let tx = emv::Transaction { data: &tampered, ..tx };
//! assert_eq!(emv::verify_arqc(&imk, Cvn::Visa18, &tx).unwrap_err(), paycore::Error::VerificationFailed);
//! # Ok::<(), paycore::Error>(())
//! ```

#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

pub mod cryptogram;
pub mod derivation;
pub mod script;

pub use cryptogram::{
    AC_LEN, ApplicationCryptogram, Arpc, arpc_method1, arpc_method2, cdol_data, generate_ac,
    verify_ac, verify_arpc_method1, verify_arpc_method2,
};
pub use derivation::{
    EMV_KEY_USAGES, MasterKeyOption, ac_session_key, derive_icc_master_key, derive_session_key,
    mastercard_session_key, visa_secure_messaging_session_key,
};
pub use script::{
    ScriptEncipherment, encipher_command_data, encipher_pin_change, encipher_vis_pin_change,
    script_mac,
};

use crate::error::Error;
use crate::keys::{Key, KeyUsage, Operation};
use crate::mac::Padding;

/// A cryptogram version number: the scheme's choice of derivation,
/// padding and ARPC method (see the table in the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Cvn {
    /// Visa CVN 10 (`0A`): no session key, padding method 1, ARPC method 1.
    Visa10,
    /// Visa CVN 18 (`12`): option B, common session key, ARPC method 2.
    Visa18,
    /// Visa CVN 22 (`22`): as CVN 18 for cryptograms and ARPC.
    Visa22,
    /// Mastercard CVN 16 (`10`): M/Chip session key (ATC and UN), ARPC method 1 under the ICC MK.
    Mastercard16,
    /// Mastercard CVN 17 (`11`): as CVN 16, with counters in the data.
    Mastercard17,
    /// Mastercard CVN 20 (`14`): common session key, ARPC method 1 under the session key.
    Mastercard20,
    /// Mastercard CVN 21 (`15`): as CVN 20, with counters in the data.
    Mastercard21,
}

/// The ARPC method a CVN uses (EMV 4.4 Book 2 §8.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ArpcMethod {
    /// Method 1: ARQC ⊕ ARC, enciphered (8 bytes).
    Method1,
    /// Method 2: MAC over ARQC, CSU and proprietary data (4 bytes).
    Method2,
}

impl Cvn {
    /// The ICC master key derivation option.
    #[must_use]
    pub const fn master_key_option(self) -> MasterKeyOption {
        match self {
            Self::Visa18 | Self::Visa22 => MasterKeyOption::B,
            _ => MasterKeyOption::A,
        }
    }

    /// The padding of the application cryptogram MAC.
    #[must_use]
    pub const fn padding(self) -> Padding {
        match self {
            Self::Visa10 => Padding::Method1,
            _ => Padding::Method2,
        }
    }

    /// The ARPC method.
    #[must_use]
    pub const fn arpc_method(self) -> ArpcMethod {
        match self {
            Self::Visa18 | Self::Visa22 => ArpcMethod::Method2,
            _ => ArpcMethod::Method1,
        }
    }
}

/// What the issuer host receives for one online authorisation. `Debug`
/// shows the PSN and ATC only (never the PAN).
#[derive(Clone, Copy)]
pub struct Transaction<'a> {
    /// The application PAN (tag `5A`) as ASCII digits.
    pub pan: &'a [u8],
    /// The PAN sequence number (tag `5F34`, 0-99), `None` if the card has none.
    pub psn: Option<u8>,
    /// The application transaction counter (tag `9F36`).
    pub atc: [u8; 2],
    /// The unpredictable number (tag `9F37`; used by Mastercard CVN 16/17).
    pub unpredictable_number: [u8; 4],
    /// The data the card MACed (CDOL1 data and the card data the CVN adds).
    pub data: &'a [u8],
    /// The ARQC (tag `9F26`), 8 bytes.
    pub arqc: &'a [u8],
}

impl core::fmt::Debug for Transaction<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Transaction")
            .field("psn", &self.psn)
            .field("atc", &self.atc)
            .finish_non_exhaustive()
    }
}

/// A verified ARQC: holds the key the ARPC is computed under (zeroized on
/// drop). `Debug` shows only the CVN.
pub struct VerifiedArqc {
    cvn: Cvn,
    arpc_key: Key,
    arqc: [u8; AC_LEN],
}

impl core::fmt::Debug for VerifiedArqc {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("VerifiedArqc")
            .field("cvn", &self.cvn)
            .finish_non_exhaustive()
    }
}

impl VerifiedArqc {
    /// The CVN the ARQC was verified under.
    #[must_use]
    pub const fn cvn(&self) -> Cvn {
        self.cvn
    }

    /// The ARPC of method 1 for the Authorisation Response Code `arc` (2 bytes).
    ///
    /// # Errors
    /// [`crate::error::ApiMisuse::InvalidArgument`] `arpc method` if the CVN
    /// uses method 2; as [`arpc_method1`].
    pub fn arpc_method1(&self, arc: &[u8]) -> Result<Arpc, Error> {
        if self.cvn.arpc_method() != ArpcMethod::Method1 {
            return Err(Error::invalid_argument("arpc method"));
        }
        arpc_method1(&self.arpc_key, &self.arqc, arc)
    }

    /// The ARPC of method 2 for the Card Status Update `csu` (4 bytes) and
    /// proprietary authentication data (0-8 bytes).
    ///
    /// # Errors
    /// [`crate::error::ApiMisuse::InvalidArgument`] `arpc method` if the CVN
    /// uses method 1; as [`arpc_method2`].
    pub fn arpc_method2(&self, csu: &[u8], proprietary: &[u8]) -> Result<Arpc, Error> {
        if self.cvn.arpc_method() != ArpcMethod::Method2 {
            return Err(Error::invalid_argument("arpc method"));
        }
        arpc_method2(&self.arpc_key, &self.arqc, csu, proprietary)
    }
}

/// The issuer host's ARQC check for `cvn`: derives the ICC master key from
/// `imk` (usage `E0`, mode permitting derivation), the session key, and
/// verifies `tx.arqc` over `tx.data` in constant time (EMV 4.4 Book 2 §8.1,
/// Annex A1.3 and A1.4; the scheme choices of the table in the module docs).
///
/// # Errors
/// [`Error::VerificationFailed`] if the ARQC does not match (a changed
/// amount, a wrong ATC, another card or key);
/// [`crate::error::KeyError::UsageNotPermitted`] unless `imk` is `E0`;
/// [`crate::error::KeyError::ModeNotPermitted`] /
/// [`crate::error::KeyError::WrongAlgorithm`] as [`derive_icc_master_key`];
/// [`crate::error::PanError`] for a malformed PAN;
/// [`crate::error::ApiMisuse::InvalidArgument`] `psn` or `cryptogram` for
/// a PSN above 99 or an ARQC that is not 8 bytes.
pub fn verify_arqc(imk: &Key, cvn: Cvn, tx: &Transaction<'_>) -> Result<VerifiedArqc, Error> {
    imk.require(&[KeyUsage::EmvApplicationCryptogram], Operation::Derive)?;
    let arqc: [u8; AC_LEN] = tx
        .arqc
        .try_into()
        .map_err(|_| Error::invalid_argument("cryptogram"))?;
    let mk = derive_icc_master_key(imk, tx.pan, tx.psn, cvn.master_key_option())?;
    let session = match cvn {
        Cvn::Visa10 => None,
        Cvn::Mastercard16 | Cvn::Mastercard17 => Some(mastercard_session_key(
            &mk,
            tx.atc,
            tx.unpredictable_number,
        )?),
        Cvn::Visa18 | Cvn::Visa22 | Cvn::Mastercard20 | Cvn::Mastercard21 => {
            Some(ac_session_key(&mk, tx.atc)?)
        }
    };
    let ac_key = session.as_ref().unwrap_or(&mk);
    verify_ac(ac_key, tx.data, cvn.padding(), &arqc)?;
    let arpc_key = match (cvn, session) {
        (Cvn::Visa10 | Cvn::Mastercard16 | Cvn::Mastercard17, _) | (_, None) => mk,
        (_, Some(sk)) => sk,
    };
    Ok(VerifiedArqc {
        cvn,
        arpc_key,
        arqc,
    })
}
