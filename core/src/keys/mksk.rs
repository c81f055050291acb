//! Master/session key management: a terminal master key (TMK, usage `K0`)
//! delivers working keys — PIN (`P0`), MAC (`M0`-`M8`) and data (`D0`) —
//! enciphered under it, either in ECB mode (ANSI X9.24-1 / ISO 11568-2
//! master/session scheme) or as TR-31 / X9.143 key blocks.
//!
//! Each working key arrives with a key check value (legacy: the leftmost
//! bytes of a zero block enciphered under the key; or CMAC, X9.24-1:2017
//! §7.4) and is accepted only if it matches. [`install`] takes the whole set
//! and returns either every key or an error: one bad check value installs
//! nothing, and the keys already deciphered are zeroized.
//!
//! Rules:
//! - the TMK must have usage `K0` and a mode of use permitting decryption
//!   (`B`, `D` or `N`);
//! - a working key may not be stronger than the TMK (ANSI X9.24-1 §7.2;
//!   reported as [`Tr31Error::KbpkTooWeak`], the TMK acting as the
//!   protection key);
//! - working key usages are limited to `P0`, `M0`-`M8` and `D0`;
//! - ECB cryptograms are exactly one key long and a whole number of the
//!   TMK's cipher blocks;
//! - a delivered key is never more exportable than the TMK (order
//!   `N` < `S` < `E`): its exportability is the lesser of the one requested
//!   (ECB attributes or TR-31 header) and the TMK's, so a non-exportable TMK
//!   only ever yields non-exportable working keys;
//! - check values must be at least [`MIN_CHECK_VALUE_LEN`] (3) bytes: with
//!   one or two bytes a forged or replayed cryptogram passes by chance
//!   (1 in 256 / 65 536);
//! - TDES working keys whose 8-byte parts repeat (ignoring parity bits:
//!   `K1 = K2`, `K2 = K3`, `K1 = K3`) or that are another key of the same
//!   delivery with its parts swapped (reversed) are refused
//!   ([`Tr31Error::WeakKey`]): under a TDES TMK in ECB mode each 8-byte
//!   cryptogram block can be cut out and pasted independently, which is
//!   how single-DES-strength or swapped-halves keys are assembled from
//!   genuine cryptograms. Other splices (a key made of parts of different
//!   genuine keys) cannot be recognised from the keys alone.
//!
//! # ECB delivery does not bind usage
//! An ECB cryptogram is only the key enciphered under the TMK; nothing ties
//! it to the attributes the message claims. Whoever can replay a
//! cryptogram (say of a PIN key) can have it installed with other
//! attributes (say as a data key, `D0`, to decrypt with it) and its check
//! value still matches. The rules above limit the damage (no gain in
//! exportability, no half-key splicing), but they cannot stop a change of
//! usage. **Prefer [`Cryptogram::Tr31`]**: a TR-31 / X9.143 key block
//! authenticates the header with the key, so usage, mode of use and
//! exportability are bound to it. The legacy versions `A` and `C` (4-byte
//! CBC-MAC) are refused unless [`install_with`] is given
//! [`tr31::UnwrapPolicy::ALLOW_LEGACY`] (see the manual's legacy key-block
//! policy).
//!
//! # Example
//! ```
//! use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
//! use paycore::keys::kcv::KcvMethod;
//! use paycore::keys::mksk::{self, Cryptogram, WorkingKeyDelivery};
//!
//! # fn hex(s: &str) -> Vec<u8> { (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect() }
//! // TMK and cryptogram from FIPS 197 Appendix C.1 (AES-128).
//! let tmk = Key::new(
//!     Algorithm::Aes128,
//!     &hex("000102030405060708090A0B0C0D0E0F"),
//!     KeyAttributes::new(KeyUsage::KeyEncryption, ModeOfUse::EncryptDecrypt),
//! )
//! .unwrap();
//! let cryptogram = hex("69C4E0D86A7B0430D8CDB78070B4C55A");
//! let delivery = |kcv: &'static [u8]| WorkingKeyDelivery {
//!     cryptogram: Cryptogram::Ecb {
//!         algorithm: Algorithm::Aes128,
//!         attributes: KeyAttributes::new(KeyUsage::PinEncryption, ModeOfUse::Encrypt),
//!         enciphered: &cryptogram,
//!     },
//!     check_value: kcv,
//!     kcv_method: KcvMethod::Cmac,
//! };
//! let keys = mksk::install(&tmk, &[delivery(&[0x53, 0xE1, 0x07])]).unwrap();
//! assert_eq!(keys.len(), 1);
//! assert_eq!(keys.find(KeyUsage::PinEncryption).unwrap().algorithm(), Algorithm::Aes128);
//! // A wrong check value installs nothing.
//! assert!(mksk::install(&tmk, &[delivery(&[0x53, 0xE1, 0x08])]).is_err());
//! ```

#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use core::fmt;

use super::kcv::{Kcv, KcvMethod};
use super::tr31;
use subtle::ConstantTimeEq;

use super::{Algorithm, Exportability, Key, KeyAttributes, KeyUsage, MAX_KEY_LEN, Operation};
use crate::error::{Error, KeyError, Tr31Error};
use crate::secret::SecretBytes;

/// Most working keys one [`install`] call accepts.
pub const MAX_WORKING_KEYS: usize = 8;

/// Shortest check value [`install`] accepts (bytes).
pub const MIN_CHECK_VALUE_LEN: usize = 3;

/// Working key usages a TMK may deliver.
const WORKING_USAGES: [KeyUsage; 11] = [
    KeyUsage::PinEncryption,
    KeyUsage::MacIso16609,
    KeyUsage::MacIso9797Alg1,
    KeyUsage::MacIso9797Alg2,
    KeyUsage::MacIso9797Alg3,
    KeyUsage::MacIso9797Alg4,
    KeyUsage::MacIso9797Alg5,
    KeyUsage::MacCmac,
    KeyUsage::MacHmac,
    KeyUsage::MacIso9797Alg6,
    KeyUsage::DataEncryption,
];

/// How a working key is enciphered under the TMK.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Cryptogram<'a> {
    /// The key enciphered in ECB mode under the TMK; its algorithm and
    /// attributes are given by the delivery message and are NOT
    /// authenticated (see the module docs; prefer [`Cryptogram::Tr31`]).
    /// The exportability is capped at the TMK's.
    Ecb {
        /// Algorithm (and so length) of the working key.
        algorithm: Algorithm,
        /// Usage, mode of use, version and exportability of the working key.
        attributes: KeyAttributes,
        /// The enciphered key, exactly `algorithm.key_len()` bytes.
        enciphered: &'a [u8],
    },
    /// A TR-31 / X9.143 key block protected by the TMK; the attributes come
    /// from its header. Versions B, D and E; A and C only through
    /// [`install_with`] and the legacy opt-in.
    Tr31(&'a str),
}

/// One working key as delivered: cryptogram and check value.
#[derive(Debug, Clone, Copy)]
pub struct WorkingKeyDelivery<'a> {
    /// The enciphered key.
    pub cryptogram: Cryptogram<'a>,
    /// The check value sent with it ([`MIN_CHECK_VALUE_LEN`] bytes up to
    /// [`Kcv::max_len`]).
    pub check_value: &'a [u8],
    /// How the check value was computed.
    pub kcv_method: KcvMethod,
}

/// An installed set of working keys, in delivery order.
pub struct WorkingKeys {
    keys: [Option<Key>; MAX_WORKING_KEYS],
    len: usize,
}

impl WorkingKeys {
    /// Number of keys.
    #[must_use]
    pub const fn len(&self) -> usize {
        self.len
    }

    /// True if the set is empty (never, after a successful [`install`]).
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The key at `index` (delivery order).
    #[must_use]
    pub fn get(&self, index: usize) -> Option<&Key> {
        self.keys.get(index).and_then(Option::as_ref)
    }

    /// The first key with `usage`.
    #[must_use]
    pub fn find(&self, usage: KeyUsage) -> Option<&Key> {
        self.iter().find(|k| k.usage() == usage)
    }

    /// Takes the key at `index` out of the set (its slot becomes empty).
    pub fn take(&mut self, index: usize) -> Option<Key> {
        self.keys.get_mut(index).and_then(Option::take)
    }

    /// The keys still in the set, in delivery order.
    pub fn iter(&self) -> impl Iterator<Item = &Key> {
        self.keys.iter().filter_map(Option::as_ref)
    }
}

impl fmt::Debug for WorkingKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Deciphers and checks every working key in `deliveries` under `tmk`:
/// all of them, or none.
///
/// # Errors
/// - [`crate::error::ApiMisuse::InvalidArgument`] (`deliveries`) for an
///   empty set or more than [`MAX_WORKING_KEYS`];
/// - [`KeyError::UsageNotPermitted`] / [`KeyError::ModeNotPermitted`] if the
///   TMK is not `K0` for decryption, or a working key's usage is not `P0`,
///   `M0`-`M8` or `D0`;
/// - [`KeyError::InvalidLength`] / [`KeyError::WrongAlgorithm`] for an ECB
///   cryptogram that does not fit the algorithms;
/// - [`KeyError::InvalidKcvLength`] for a check value shorter than
///   [`MIN_CHECK_VALUE_LEN`] (checked before anything is deciphered) or
///   longer than the method allows;
/// - [`Tr31Error::KbpkTooWeak`] for a working key stronger than the TMK;
/// - [`Tr31Error::WeakKey`] for a TDES key with repeated 8-byte parts or
///   sharing a part with another key of the set;
/// - TR-31 errors from [`tr31::unwrap`], among them
///   [`Tr31Error::LegacyVersionRefused`] for a version `A`/`C` block (the
///   default legacy key-block policy; [`install_with`] opts in);
/// - [`Error::VerificationFailed`] if a key block or a check value does not
///   verify.
pub fn install(tmk: &Key, deliveries: &[WorkingKeyDelivery<'_>]) -> Result<WorkingKeys, Error> {
    install_with(tmk, deliveries, tr31::UnwrapPolicy::STRICT)
}

/// [`install`] with an explicit TR-31 [`tr31::UnwrapPolicy`] for the
/// key-block deliveries: [`tr31::UnwrapPolicy::ALLOW_LEGACY`] also accepts
/// version `A`/`C` blocks (4-byte CBC-MAC; for legacy key-injection
/// systems only).
///
/// # Errors
/// As [`install`].
pub fn install_with(
    tmk: &Key,
    deliveries: &[WorkingKeyDelivery<'_>],
    policy: tr31::UnwrapPolicy,
) -> Result<WorkingKeys, Error> {
    if deliveries.is_empty() || deliveries.len() > MAX_WORKING_KEYS {
        return Err(Error::invalid_argument("deliveries"));
    }
    tmk.require(&[KeyUsage::KeyEncryption], Operation::Decrypt)?;
    if let Some(short) = deliveries
        .iter()
        .find(|d| d.check_value.len() < MIN_CHECK_VALUE_LEN)
    {
        return Err(KeyError::InvalidKcvLength {
            length: short.check_value.len(),
        }
        .into());
    }
    let cap = tmk.attributes().exportability;
    let mut set = WorkingKeys {
        keys: Default::default(),
        len: 0,
    };
    for (i, delivery) in deliveries.iter().enumerate() {
        let key = decipher(tmk, &delivery.cryptogram, cap, policy)?;
        if !WORKING_USAGES.contains(&key.usage()) {
            return Err(KeyError::UsageNotPermitted.into());
        }
        if key.algorithm().strength_bits() > tmk.algorithm().strength_bits() {
            return Err(Tr31Error::KbpkTooWeak.into());
        }
        check_tdes_parts(&key, set.iter())?;
        Kcv::verify(&key, delivery.kcv_method, delivery.check_value)?;
        let slot = set
            .keys
            .get_mut(i)
            .ok_or(Error::invalid_argument("deliveries"))?;
        *slot = Some(key);
        set.len += 1;
    }
    Ok(set)
}

/// Rank for "not more exportable than": `N` < `S` < `E`.
const fn export_rank(e: Exportability) -> u8 {
    match e {
        Exportability::NonExportable => 0,
        Exportability::Sensitive => 1,
        Exportability::Exportable => 2,
    }
}

/// The lesser of `requested` and `cap` in the order `N` < `S` < `E`.
fn capped(requested: Exportability, cap: Exportability) -> Exportability {
    if export_rank(requested) <= export_rank(cap) {
        requested
    } else {
        cap
    }
}

/// The 8-byte parts of a TDES key with the DES parity bits cleared.
fn tdes_parts(key: &Key) -> impl Iterator<Item = [u8; 8]> + '_ {
    let tdes = matches!(key.algorithm(), Algorithm::Tdes2 | Algorithm::Tdes3);
    key.material()
        .chunks_exact(8)
        .filter(move |_| tdes)
        .map(|c| {
            let mut part = [0u8; 8];
            part.iter_mut().zip(c).for_each(|(p, b)| *p = b & 0xFE);
            part
        })
}

/// [`Tr31Error::WeakKey`] if `key` is TDES and two of its parts are equal,
/// or a key of the same algorithm in `others` is `key` with its parts in
/// reverse order (constant-time comparisons; parity ignored).
fn check_tdes_parts<'k>(key: &Key, others: impl Iterator<Item = &'k Key>) -> Result<(), Error> {
    let mut clash = subtle::Choice::from(0);
    let mut parts = zeroize::Zeroizing::new([[0u8; 8]; 3]);
    let mut n = 0;
    for (slot, part) in parts.iter_mut().zip(tdes_parts(key)) {
        *slot = part;
        n += 1;
    }
    let mine = parts.get(..n).unwrap_or(&[]);
    for (i, a) in mine.iter().enumerate() {
        for b in mine.iter().skip(i + 1) {
            clash |= a.ct_eq(b);
        }
    }
    for other in others.filter(|o| o.algorithm() == key.algorithm()) {
        // Swapped: `other`'s parts are `key`'s in reverse order.
        let mut swapped = subtle::Choice::from(1);
        for (a, b) in mine.iter().rev().zip(tdes_parts(other)) {
            let b = zeroize::Zeroizing::new(b);
            swapped &= a.ct_eq(&*b);
        }
        clash |= swapped & subtle::Choice::from(u8::from(n > 0));
    }
    if bool::from(clash) {
        return Err(Tr31Error::WeakKey.into());
    }
    Ok(())
}

/// Deciphers one working key; its exportability is capped at `cap` (the
/// TMK's).
fn decipher(
    tmk: &Key,
    cryptogram: &Cryptogram<'_>,
    cap: Exportability,
    policy: tr31::UnwrapPolicy,
) -> Result<Key, Error> {
    match *cryptogram {
        Cryptogram::Ecb {
            algorithm,
            attributes,
            enciphered,
        } => {
            // Single DES and SM4 keys are delivered by `crate::cup` only.
            if !algorithm.is_tdes_or_aes() {
                return Err(KeyError::WrongAlgorithm.into());
            }
            if enciphered.len() != algorithm.key_len() {
                return Err(KeyError::InvalidLength {
                    length: enciphered.len(),
                }
                .into());
            }
            if enciphered.len() % tmk.algorithm().block_len() != 0 {
                return Err(KeyError::WrongAlgorithm.into());
            }
            let cipher = tmk.cipher(&[KeyUsage::KeyEncryption], Operation::Decrypt)?;
            let mut clear = SecretBytes::<MAX_KEY_LEN>::from_slice(enciphered)?;
            cipher.decrypt_ecb(clear.expose_secret_mut())?;
            let attributes = attributes.with_exportability(capped(attributes.exportability, cap));
            Key::from_secret(algorithm, clear, attributes)
        }
        Cryptogram::Tr31(block) => {
            let key = tr31::unwrap_with(tmk, block, policy)?.into_key();
            let attributes = key.attributes();
            let exportability = capped(attributes.exportability, cap);
            if exportability == attributes.exportability {
                return Ok(key);
            }
            Key::from_secret(
                key.algorithm(),
                SecretBytes::from_slice(key.material())?,
                attributes.with_exportability(exportability),
            )
        }
    }
}
