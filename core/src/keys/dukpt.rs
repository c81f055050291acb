//! DUKPT — Derived Unique Key Per Transaction: TDES DUKPT (ANSI
//! X9.24-1:2009 Annex A) and AES DUKPT (ANSI X9.24-3-2017).
//!
//! # Key hierarchy
//! ```text
//! BDK (B0, host HSM only)
//!  └─ initial key / IPEK (B1), one per device, from BDK + initial KSN
//!      └─ transaction key for counter c          (`tdes::TransactionKey`, `aes::TransactionKey`)
//!          └─ working keys: PIN (P0), MAC (M3 / M6), data (D0), KEK (K0), derivation (B3)
//! ```
//! Two parties compute the same keys:
//! - the **originator** (terminal / PIN pad) holds only the initial key,
//!   turned at load time into a set of future-key registers
//!   ([`tdes::Originator`], 21 registers; [`aes::Originator`], 32 registers);
//!   every transaction consumes one counter value and erases the key it used,
//!   so a key captured later cannot decrypt earlier transactions;
//! - the **host** holds the BDK and derives the transaction key of any KSN it
//!   receives ([`tdes::derive_transaction_key_from_bdk`],
//!   [`aes::derive_transaction_key_from_bdk`], or the one-call [`derive()`]).
//!
//! # Modes of use: the host is the mirror image
//! A derived working key carries the TR-31 usage and the mode of use of the
//! party holding it ([`Holder`]): the terminal's PIN key only encrypts (`E`),
//! the host's only decrypts (`D`); a "MAC generation" key generates at the
//! originator and verifies at the host; "both" usages get `C` / `B`.
//!
//! | usage ([`WorkingKeyUsage`]) | TR-31 usage | originator | host |
//! |---|---|---|---|
//! | `pin` | P0 | E | D |
//! | `mac-gen` (TDES: MAC request) | M3 TDES / M6 AES | G | V |
//! | `mac-verify` (TDES: MAC response) | M3 / M6 | V | G |
//! | `mac-both` (TDES: MAC request) | M3 / M6 | C | C |
//! | `data-enc` (TDES: data request) | D0 | E | D |
//! | `data-dec` (TDES: data response) | D0 | D | E |
//! | `data-both` (TDES: data request) | D0 | B | B |
//! | `kek` (AES only) | K0 | D | E |
//! | `key-derivation` (AES only) | B3 | X | X |
//!
//! # Exportability is inherited
//! Every derived key carries the exportability of its parent: BDK → initial
//! key / IPEK → transaction key → working keys. An originator keeps the
//! exportability of the initial key it was loaded with (persisted in its
//! state blob). A non-exportable (`N`) parent therefore yields keys whose
//! `dangerous_expose_secret` fails with
//! [`KeyError::NotExportable`](crate::error::KeyError::NotExportable).
//!
//! # Counters the host accepts
//! The host algorithms (X9.24-1:2009 §A.3, X9.24-3-2017 §6.3) derive a key
//! for *any* counter, and the X9.24-3 supplement publishes host values for
//! counters an originator never uses (e.g. `0x0001FFFF`, 17 one-bits). The
//! host derivations here therefore accept every non-zero counter; counter
//! zero (the initial key itself) is refused with
//! [`DukptError::InvalidCounter`].
//! A host that wants to refuse KSNs no genuine originator can produce calls
//! [`TdesKsn::check_originator_counter`] / [`AesKsn::check_originator_counter`].
//!
//! # Crash-safe originator state
//! Each originator call that consumes a counter first seals the advanced
//! state into a small authenticated blob (AES-GCM under a device key) and
//! hands it to a [`StateStore`]; the transaction key is released only after
//! the store reports success. See [`StateStore`] for the contract.
//!
//! State blob, version 3 (older versions are refused):
//! ```text
//! "PCDK" | 03 | flavour (01 TDES, 02 AES) | exportability ('E'/'N'/'S') | 00
//!        | nonce (12) | AES-256-GCM ciphertext | tag (16)
//! ```
//! The first 8 bytes are the GCM additional data. The sealing key is
//! `HKDF-SHA256(IKM = device key, info = "paycore DUKPT originator state"
//! || those 8 bytes, L = 32)` (RFC 5869): never a [`Key`], so
//! [`crate::aead`] cannot open or forge a blob with the device key.
//! Registers of a non-exportable initial key are sealed only under a
//! non-exportable device key. Rollback of the storage to an older, genuine
//! blob is refused by `restore(.., min_counter)` when the caller keeps a
//! monotonic counter (see [`crate::manual`]).
//!
//! # Example
//! ```
//! use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
//! use paycore::keys::dukpt::{self, WorkingKeyType, WorkingKeyUsage};
//!
//! // ANSI X9.24-1:2009 Annex A.4 test BDK and KSN.
//! let bdk = Key::new(
//!     Algorithm::Tdes2,
//!     &[0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10],
//!     KeyAttributes::new(KeyUsage::Bdk, ModeOfUse::Derive),
//! ).unwrap();
//! let ksn = [0xFF, 0xFF, 0x98, 0x76, 0x54, 0x32, 0x10, 0xE0, 0x00, 0x01];
//! let usage: WorkingKeyUsage = "pin".parse().unwrap();
//! let pin_key = dukpt::derive(&bdk, &ksn, usage, WorkingKeyType::Tdes2).unwrap();
//! assert_eq!(pin_key.usage(), KeyUsage::PinEncryption);
//! assert_eq!(pin_key.mode_of_use(), ModeOfUse::Decrypt); // host side
//! assert_eq!(
//!     pin_key.dangerous_expose_secret().unwrap(),
//!     &[0x04, 0x26, 0x66, 0xB4, 0x91, 0x84, 0xCF, 0x5C, 0x68, 0xDE, 0x96, 0x28, 0xD0, 0x39, 0x7B, 0x36],
//! );
//! ```

use core::fmt;
use core::str::FromStr;

use crate::error::{DukptError, Error};
use crate::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};

pub mod aes;
mod ksn;
mod originator;
mod state;
pub mod tdes;

pub use ksn::{AES_MAX_ONE_BITS, AesKsn, Ksn, TDES_COUNTER_BITS, TDES_MAX_ONE_BITS, TdesKsn};
pub use originator::{Originator, TransactionKey, derive_from_initial_key};
pub use state::{AES_STATE_LEN, StateStore, TDES_STATE_LEN};

/// Who holds a derived working key; decides its mode of use (see the
/// module table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Holder {
    /// The transaction-originating device (terminal, PIN pad).
    Originator,
    /// The receiving host that derives keys from the BDK.
    Host,
}

/// Working-key usages (X9.24-3-2017 Table 2 "Key Usage Indicator"; the
/// TDES mapping is in the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WorkingKeyUsage {
    /// PIN encryption (`pin`, X9.24-3 `1000`).
    PinEncryption,
    /// MAC generation (`mac-gen`, `2000`).
    MacGenerate,
    /// MAC verification (`mac-verify`, `2001`).
    MacVerify,
    /// MAC generation and verification (`mac-both`, `2002`).
    MacBoth,
    /// Data encryption (`data-enc`, `3000`).
    DataEncrypt,
    /// Data decryption (`data-dec`, `3001`).
    DataDecrypt,
    /// Data encryption and decryption (`data-both`, `3002`).
    DataBoth,
    /// Key encryption key (`kek`, `0002`; AES DUKPT only).
    KeyEncryption,
    /// Key derivation key (`key-derivation`, `8000`; AES DUKPT only).
    KeyDerivation,
}

impl WorkingKeyUsage {
    /// Every usage, in the order of X9.24-3 Table 2 as listed above.
    pub const ALL: [Self; 9] = [
        Self::PinEncryption,
        Self::MacGenerate,
        Self::MacVerify,
        Self::MacBoth,
        Self::DataEncrypt,
        Self::DataDecrypt,
        Self::DataBoth,
        Self::KeyEncryption,
        Self::KeyDerivation,
    ];

    /// The CLI name (`pin`, `mac-gen`, …).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::PinEncryption => "pin",
            Self::MacGenerate => "mac-gen",
            Self::MacVerify => "mac-verify",
            Self::MacBoth => "mac-both",
            Self::DataEncrypt => "data-enc",
            Self::DataDecrypt => "data-dec",
            Self::DataBoth => "data-both",
            Self::KeyEncryption => "kek",
            Self::KeyDerivation => "key-derivation",
        }
    }

    /// Parses a CLI name (ASCII case-insensitive).
    ///
    /// # Errors
    /// [`ApiMisuse::InvalidArgument`](crate::error::ApiMisuse::InvalidArgument) for an unknown name.
    pub fn from_name(name: &str) -> Result<Self, Error> {
        Self::ALL
            .into_iter()
            .find(|u| u.name().eq_ignore_ascii_case(name))
            .ok_or(Error::invalid_argument("usage"))
    }

    /// The X9.24-3-2017 key usage indicator (derivation data bytes 2-3).
    #[must_use]
    pub const fn aes_code(self) -> u16 {
        match self {
            Self::PinEncryption => 0x1000,
            Self::MacGenerate => 0x2000,
            Self::MacVerify => 0x2001,
            Self::MacBoth => 0x2002,
            Self::DataEncrypt => 0x3000,
            Self::DataDecrypt => 0x3001,
            Self::DataBoth => 0x3002,
            Self::KeyEncryption => 0x0002,
            Self::KeyDerivation => 0x8000,
        }
    }

    /// TR-31 attributes of a key of this usage held by `holder`; `mac_usage`
    /// is the MAC algorithm usage of the DUKPT flavour (M3 or M6).
    pub(crate) fn attributes(self, holder: Holder, mac_usage: KeyUsage) -> KeyAttributes {
        use ModeOfUse as M;
        let host = matches!(holder, Holder::Host);
        let pick =
            |originator: ModeOfUse, host_mode: ModeOfUse| if host { host_mode } else { originator };
        let (usage, mode) = match self {
            Self::PinEncryption => (KeyUsage::PinEncryption, pick(M::Encrypt, M::Decrypt)),
            Self::MacGenerate => (mac_usage, pick(M::Generate, M::Verify)),
            Self::MacVerify => (mac_usage, pick(M::Verify, M::Generate)),
            Self::MacBoth => (mac_usage, M::GenerateVerify),
            Self::DataEncrypt => (KeyUsage::DataEncryption, pick(M::Encrypt, M::Decrypt)),
            Self::DataDecrypt => (KeyUsage::DataEncryption, pick(M::Decrypt, M::Encrypt)),
            Self::DataBoth => (KeyUsage::DataEncryption, M::EncryptDecrypt),
            Self::KeyEncryption => (KeyUsage::KeyEncryption, pick(M::Decrypt, M::Encrypt)),
            Self::KeyDerivation => (KeyUsage::KeyDerivation, M::Derive),
        };
        KeyAttributes::new(usage, mode)
    }
}

impl FromStr for WorkingKeyUsage {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::from_name(s)
    }
}

impl fmt::Display for WorkingKeyUsage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Working-key types (X9.24-3-2017 Table 3 "Key Type Indicator").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WorkingKeyType {
    /// Two-key TDEA (`tdes2`, `0000`).
    Tdes2,
    /// Three-key TDEA (`tdes3`, `0001`).
    Tdes3,
    /// AES-128 (`aes128`, `0002`).
    Aes128,
    /// AES-192 (`aes192`, `0003`).
    Aes192,
    /// AES-256 (`aes256`, `0004`).
    Aes256,
}

impl WorkingKeyType {
    /// Every key type, in the order of X9.24-3 Table 3.
    pub const ALL: [Self; 5] = [
        Self::Tdes2,
        Self::Tdes3,
        Self::Aes128,
        Self::Aes192,
        Self::Aes256,
    ];

    /// The CLI name (`tdes2`, …, `aes256`).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Tdes2 => "tdes2",
            Self::Tdes3 => "tdes3",
            Self::Aes128 => "aes128",
            Self::Aes192 => "aes192",
            Self::Aes256 => "aes256",
        }
    }

    /// Parses a CLI name (ASCII case-insensitive).
    ///
    /// # Errors
    /// [`ApiMisuse::InvalidArgument`](crate::error::ApiMisuse::InvalidArgument) for an unknown name.
    pub fn from_name(name: &str) -> Result<Self, Error> {
        Self::ALL
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(name))
            .ok_or(Error::invalid_argument("key type"))
    }

    /// The key algorithm.
    #[must_use]
    pub const fn algorithm(self) -> Algorithm {
        match self {
            Self::Tdes2 => Algorithm::Tdes2,
            Self::Tdes3 => Algorithm::Tdes3,
            Self::Aes128 => Algorithm::Aes128,
            Self::Aes192 => Algorithm::Aes192,
            Self::Aes256 => Algorithm::Aes256,
        }
    }

    /// The key type of `algorithm`.
    ///
    /// # Errors
    /// [`KeyError::WrongAlgorithm`](crate::error::KeyError::WrongAlgorithm)
    /// for an algorithm that is no DUKPT key type (HMAC; single DES and SM4
    /// with feature `sm`).
    pub const fn from_algorithm(algorithm: Algorithm) -> Result<Self, Error> {
        Ok(match algorithm {
            #[cfg(feature = "sm")]
            Algorithm::Des | Algorithm::Sm4 => {
                return Err(Error::Key(crate::error::KeyError::WrongAlgorithm));
            }
            Algorithm::Tdes2 => Self::Tdes2,
            Algorithm::Tdes3 => Self::Tdes3,
            Algorithm::Aes128 => Self::Aes128,
            Algorithm::Aes192 => Self::Aes192,
            Algorithm::Aes256 => Self::Aes256,
            Algorithm::HmacSha256 => {
                return Err(Error::Key(crate::error::KeyError::WrongAlgorithm));
            }
        })
    }

    /// The X9.24-3-2017 key type indicator (derivation data bytes 4-5).
    #[must_use]
    pub const fn aes_code(self) -> u16 {
        match self {
            Self::Tdes2 => 0,
            Self::Tdes3 => 1,
            Self::Aes128 => 2,
            Self::Aes192 => 3,
            Self::Aes256 => 4,
        }
    }
}

impl FromStr for WorkingKeyType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::from_name(s)
    }
}

impl fmt::Display for WorkingKeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Host-side one-call derivation (what `paycore dukpt derive` runs): the
/// KSN length chooses TDES DUKPT (10 bytes, X9.24-1:2009) or AES DUKPT
/// (12 bytes, X9.24-3-2017); the working key is returned with host-side
/// attributes ([`Holder::Host`]).
///
/// For TDES DUKPT the only key type is `tdes2` (anything else is stronger
/// than the 2TDEA BDK) and `kek` / `key-derivation` do not exist.
///
/// # Errors
/// [`DukptError::InvalidKsnLength`]; [`DukptError::InvalidCounter`] for
/// counter zero; [`DukptError::KeyTypeTooStrong`]; [`DukptError::UnsupportedUsage`];
/// key usage errors if `bdk` is not a `B0` key usable for derivation;
/// [`KeyError::WrongAlgorithm`](crate::error::KeyError::WrongAlgorithm) for a
/// BDK of the other family.
pub fn derive(
    bdk: &Key,
    ksn: &[u8],
    usage: WorkingKeyUsage,
    key_type: WorkingKeyType,
) -> Result<Key, Error> {
    match Ksn::parse(ksn)? {
        Ksn::Tdes(ksn) => {
            if key_type != WorkingKeyType::Tdes2 {
                return Err(DukptError::KeyTypeTooStrong.into());
            }
            tdes::derive_transaction_key_from_bdk(bdk, &ksn)?.working_key(usage)
        }
        Ksn::Aes(ksn) => {
            aes::derive_transaction_key_from_bdk(bdk, &ksn)?.working_key(usage, key_type)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for u in WorkingKeyUsage::ALL {
            assert_eq!(u.name().parse::<WorkingKeyUsage>().unwrap(), u);
            assert_eq!(
                u.to_string()
                    .to_uppercase()
                    .parse::<WorkingKeyUsage>()
                    .unwrap(),
                u
            );
        }
        for t in WorkingKeyType::ALL {
            assert_eq!(t.name().parse::<WorkingKeyType>().unwrap(), t);
            assert_eq!(WorkingKeyType::from_algorithm(t.algorithm()).unwrap(), t);
        }
        assert!("pinx".parse::<WorkingKeyUsage>().is_err());
        assert!("aes512".parse::<WorkingKeyType>().is_err());
    }

    #[test]
    fn errors_name_no_input() {
        use crate::ErrorKind;
        let cases = [
            (
                DukptError::InvalidKsnLength { length: 11 },
                "DUKPT: KSN length 11 is invalid",
                ErrorKind::InvalidArgument,
            ),
            (
                DukptError::InvalidCounter,
                "DUKPT: invalid transaction counter",
                ErrorKind::Malformed,
            ),
            (
                DukptError::CounterExhausted,
                "DUKPT: transaction counter exhausted",
                ErrorKind::CounterExhausted,
            ),
            (
                DukptError::KeyTypeTooStrong,
                "DUKPT: working key type is stronger than the derivation key",
                ErrorKind::Unsupported,
            ),
            (
                DukptError::InvalidState,
                "DUKPT: invalid originator state",
                ErrorKind::Malformed,
            ),
            (
                DukptError::UnsupportedUsage,
                "DUKPT: working-key usage not defined for this DUKPT variant",
                ErrorKind::Unsupported,
            ),
        ];
        for (e, text, kind) in cases {
            let e = Error::from(e);
            assert_eq!(e.to_string(), text);
            assert_eq!(e.kind(), kind);
        }
    }

    proptest::proptest! {
        #[test]
        fn ksn_round_trips(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..16), counter in 0u32..) {
            match Ksn::parse(&bytes) {
                Ok(ksn) => {
                    proptest::prop_assert_eq!(ksn.as_bytes(), &bytes[..]);
                    match ksn {
                        Ksn::Tdes(k) => {
                            let c = counter & 0x1F_FFFF;
                            proptest::prop_assert_eq!(k.with_counter(c).counter(), c);
                            let moved = k.with_counter(c);
                            proptest::prop_assert_eq!(&moved.as_bytes()[..7], &bytes[..7]);
                            proptest::prop_assert_eq!(k.with_counter(k.counter()), k);
                        }
                        Ksn::Aes(k) => {
                            proptest::prop_assert_eq!(k.with_counter(counter).counter(), counter);
                            proptest::prop_assert_eq!(k.with_counter(counter).initial_key_id(), k.initial_key_id());
                        }
                    }
                }
                Err(e) => {
                    proptest::prop_assert!(bytes.len() != 10 && bytes.len() != 12);
                    proptest::prop_assert_eq!(e, Error::Dukpt(DukptError::InvalidKsnLength { length: bytes.len() }));
                }
            }
        }

        /// Host derivation from the BDK equals derivation from the IPEK / IK
        /// for any KSN.
        #[test]
        fn bdk_and_initial_key_paths_agree(id in proptest::array::uniform8(proptest::num::u8::ANY), counter in 1u32..) {
            let attrs = KeyAttributes::new(KeyUsage::Bdk, ModeOfUse::Derive);
            let aes_bdk = Key::new(Algorithm::Aes128, &[0x3C; 16], attrs).unwrap();
            let ksn = AesKsn::new(id, counter);
            let ik = aes::derive_initial_key(&aes_bdk, &id).unwrap();
            let a = aes::derive_transaction_key_from_bdk(&aes_bdk, &ksn).unwrap();
            let b = aes::derive_transaction_key(&ik, &ksn).unwrap();
            proptest::prop_assert_eq!(a.dangerous_expose_secret(), b.dangerous_expose_secret());

            let tdes_bdk = Key::new(Algorithm::Tdes2, &[0x3C; 16], attrs).unwrap();
            let [a0, a1, a2, a3, a4, a5, a6, a7] = id;
            let tksn = TdesKsn::from_array([a0, a1, a2, a3, a4, a5, a6, a7, 0, 0]).with_counter(counter.max(1) & 0x1F_FFFF);
            if tksn.counter() != 0 {
                let ipek = tdes::derive_ipek(&tdes_bdk, &tksn).unwrap();
                let a = tdes::derive_transaction_key_from_bdk(&tdes_bdk, &tksn).unwrap();
                let b = tdes::derive_transaction_key(&ipek, &tksn).unwrap();
                proptest::prop_assert_eq!(a.dangerous_expose_secret(), b.dangerous_expose_secret());
            }
        }
    }

    #[test]
    fn host_is_mirror_of_originator() {
        for u in WorkingKeyUsage::ALL {
            let o = u.attributes(Holder::Originator, KeyUsage::MacCmac);
            let h = u.attributes(Holder::Host, KeyUsage::MacCmac);
            assert_eq!(o.usage, h.usage);
        }
        let pin = WorkingKeyUsage::PinEncryption;
        assert_eq!(
            pin.attributes(Holder::Originator, KeyUsage::MacCmac)
                .mode_of_use,
            ModeOfUse::Encrypt
        );
        assert_eq!(
            pin.attributes(Holder::Host, KeyUsage::MacCmac).mode_of_use,
            ModeOfUse::Decrypt
        );
    }
}
