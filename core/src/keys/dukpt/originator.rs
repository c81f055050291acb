//! One type for both DUKPT flavours, chosen by the KSN (10 bytes TDES,
//! ANSI X9.24-1:2009; 12 bytes AES, ANSI X9.24-3-2017) or by the state
//! blob: what a binding needs so that it holds no flavour dispatch of its
//! own.

use core::fmt;

use rand_core::CryptoRngCore;

use super::{AES_STATE_LEN, Ksn, StateStore, WorkingKeyType, WorkingKeyUsage, aes, tdes};
use crate::error::{DukptError, Error};
use crate::keys::Key;

/// A DUKPT originator (terminal / PIN pad) of either flavour.
///
/// Its `Debug` names the flavour only; the registers are zeroized on drop
/// by the flavour's own type.
#[non_exhaustive]
// Boxing the AES registers would need alloc (core is no_std); an originator
// is one long-lived value per terminal, so the size difference costs nothing.
#[allow(clippy::large_enum_variant)]
pub enum Originator {
    /// TDES DUKPT: 21 future key registers (X9.24-1:2009 §A.2).
    Tdes(tdes::Originator),
    /// AES DUKPT: 32 intermediate derivation key registers (X9.24-3-2017 §6.5).
    Aes(aes::Originator),
}

impl Originator {
    /// Restores an originator from the last blob its [`StateStore`] stored;
    /// the flavour follows from the blob length ([`AES_STATE_LEN`] for AES,
    /// anything else is tried as TDES). `min_counter` is the next counter
    /// the caller recorded in monotonic storage (0 if it keeps none): an
    /// older blob is refused.
    ///
    /// # Errors
    /// As [`tdes::Originator::restore`] and [`aes::Originator::restore`]:
    /// [`Error::VerificationFailed`] for an altered blob or another device
    /// key, [`DukptError::StateRolledBack`] below `min_counter`.
    pub fn restore(device_key: &Key, blob: &[u8], min_counter: u32) -> Result<Self, Error> {
        if blob.len() == AES_STATE_LEN {
            aes::Originator::restore(device_key, blob, min_counter).map(Self::Aes)
        } else {
            tdes::Originator::restore(device_key, blob, min_counter).map(Self::Tdes)
        }
    }

    /// The KSN of the next transaction.
    #[must_use]
    pub const fn ksn(&self) -> Ksn {
        match self {
            Self::Tdes(o) => Ksn::Tdes(o.ksn()),
            Self::Aes(o) => Ksn::Aes(o.ksn()),
        }
    }

    /// The next transaction's key, released only once `store` has durably
    /// stored the state that no longer holds it (see the flavours'
    /// `next_transaction`).
    ///
    /// # Errors
    /// As [`tdes::Originator::next_transaction`] and
    /// [`aes::Originator::next_transaction`]; the error of `store`.
    pub fn next_transaction(
        &mut self,
        device_key: &Key,
        rng: &mut impl CryptoRngCore,
        store: &mut impl StateStore,
    ) -> Result<TransactionKey, Error> {
        match self {
            Self::Tdes(o) => o
                .next_transaction(device_key, rng, store)
                .map(TransactionKey::Tdes),
            Self::Aes(o) => o
                .next_transaction(device_key, rng, store)
                .map(TransactionKey::Aes),
        }
    }

    /// AES DUKPT "Update Initial Key" (X9.24-3-2017 §B.6.3), see
    /// [`aes::Originator::update_initial_key`].
    ///
    /// # Errors
    /// [`DukptError::UnsupportedUsage`] for a TDES originator; otherwise as
    /// [`aes::Originator::update_initial_key`].
    pub fn update_initial_key(
        &mut self,
        encrypted: &[u8],
        new_key_type: WorkingKeyType,
        new_initial_key_id: [u8; 8],
        device_key: &Key,
        rng: &mut impl CryptoRngCore,
        store: &mut impl StateStore,
    ) -> Result<(), Error> {
        match self {
            Self::Tdes(_) => Err(DukptError::UnsupportedUsage.into()),
            Self::Aes(o) => o.update_initial_key(
                encrypted,
                new_key_type,
                new_initial_key_id,
                device_key,
                rng,
                store,
            ),
        }
    }
}

impl fmt::Debug for Originator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tdes(_) => f.write_str("Originator::Tdes { .. }"),
            Self::Aes(_) => f.write_str("Originator::Aes { .. }"),
        }
    }
}

/// One transaction's key of either flavour (TDES transaction key, AES
/// intermediate derivation key) with its KSN; working keys derive from it.
#[non_exhaustive]
pub enum TransactionKey {
    /// TDES DUKPT.
    Tdes(tdes::TransactionKey),
    /// AES DUKPT.
    Aes(aes::TransactionKey),
}

impl TransactionKey {
    /// Host side: the transaction key for `ksn` from the BDK (`B0`).
    ///
    /// # Errors
    /// [`DukptError::InvalidKsnLength`]; as the flavours'
    /// `derive_transaction_key_from_bdk`.
    pub fn from_bdk(bdk: &Key, ksn: &[u8]) -> Result<Self, Error> {
        match Ksn::parse(ksn)? {
            Ksn::Tdes(ksn) => tdes::derive_transaction_key_from_bdk(bdk, &ksn).map(Self::Tdes),
            Ksn::Aes(ksn) => aes::derive_transaction_key_from_bdk(bdk, &ksn).map(Self::Aes),
        }
    }

    /// Host side: the transaction key for `ksn` from the device's initial
    /// key (`B1`, the IPEK for TDES).
    ///
    /// # Errors
    /// [`DukptError::InvalidKsnLength`]; as the flavours'
    /// `derive_transaction_key`.
    pub fn from_initial_key(initial_key: &Key, ksn: &[u8]) -> Result<Self, Error> {
        match Ksn::parse(ksn)? {
            Ksn::Tdes(ksn) => tdes::derive_transaction_key(initial_key, &ksn).map(Self::Tdes),
            Ksn::Aes(ksn) => aes::derive_transaction_key(initial_key, &ksn).map(Self::Aes),
        }
    }

    /// The transaction's KSN.
    #[must_use]
    pub const fn ksn(&self) -> Ksn {
        match self {
            Self::Tdes(t) => Ksn::Tdes(t.ksn()),
            Self::Aes(t) => Ksn::Aes(t.ksn()),
        }
    }

    /// The working key of `usage` and `key_type`. TDES DUKPT has one key
    /// type, [`WorkingKeyType::Tdes2`] (anything else is stronger than the
    /// 2TDEA transaction key).
    ///
    /// # Errors
    /// [`DukptError::KeyTypeTooStrong`]; as the flavours' `working_key`.
    pub fn working_key(
        &self,
        usage: WorkingKeyUsage,
        key_type: WorkingKeyType,
    ) -> Result<Key, Error> {
        match self {
            Self::Tdes(t) => {
                if key_type == WorkingKeyType::Tdes2 {
                    t.working_key(usage)
                } else {
                    Err(DukptError::KeyTypeTooStrong.into())
                }
            }
            Self::Aes(t) => t.working_key(usage, key_type),
        }
    }
}

impl fmt::Debug for TransactionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tdes(_) => f.write_str("TransactionKey::Tdes { .. }"),
            Self::Aes(_) => f.write_str("TransactionKey::Aes { .. }"),
        }
    }
}

/// Host side from a device's initial key (`B1`) rather than the BDK: the
/// working key for `ksn`, as [`super::derive`] does from the BDK.
///
/// # Errors
/// As [`TransactionKey::from_initial_key`] and
/// [`TransactionKey::working_key`].
pub fn derive_from_initial_key(
    initial_key: &Key,
    ksn: &[u8],
    usage: WorkingKeyUsage,
    key_type: WorkingKeyType,
) -> Result<Key, Error> {
    TransactionKey::from_initial_key(initial_key, ksn)?.working_key(usage, key_type)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{Algorithm, KeyAttributes, KeyUsage, ModeOfUse};

    fn key(usage: KeyUsage, hex: &str) -> Key {
        let material: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        Key::new(
            Algorithm::Tdes2,
            &material,
            KeyAttributes::new(usage, ModeOfUse::Derive),
        )
        .unwrap()
    }

    /// X9.24-1:2009 Annex A.4.2 (tests/vectors/dukpt_tdes_x9_24_1_annex_a4_2.json):
    /// from the BDK and from the IPEK, the same PIN key for counter 1.
    #[test]
    fn tdes_from_bdk_and_initial_key_agree() {
        let bdk = key(KeyUsage::Bdk, "0123456789ABCDEFFEDCBA9876543210");
        let ipek = key(
            KeyUsage::InitialDukptKey,
            "6AC292FAA1315B4D858AB3A3D7D5933A",
        );
        let ksn = [0xFF, 0xFF, 0x98, 0x76, 0x54, 0x32, 0x10, 0xE0, 0x00, 0x01];
        let usage = WorkingKeyUsage::PinEncryption;
        let a = super::super::derive(&bdk, &ksn, usage, WorkingKeyType::Tdes2).unwrap();
        let b = derive_from_initial_key(&ipek, &ksn, usage, WorkingKeyType::Tdes2).unwrap();
        let pin_key = [
            0x04, 0x26, 0x66, 0xB4, 0x91, 0x84, 0xCF, 0x5C, 0x68, 0xDE, 0x96, 0x28, 0xD0, 0x39,
            0x7B, 0x36,
        ];
        assert_eq!(a.dangerous_expose_secret().unwrap(), pin_key);
        assert_eq!(b.dangerous_expose_secret().unwrap(), pin_key);
        let tx = TransactionKey::from_initial_key(&ipek, &ksn).unwrap();
        assert_eq!(format!("{tx:?}"), "TransactionKey::Tdes { .. }");
        assert_eq!(tx.ksn().as_bytes(), ksn);
        assert_eq!(
            tx.working_key(usage, WorkingKeyType::Aes128).unwrap_err(),
            Error::Dukpt(DukptError::KeyTypeTooStrong)
        );
        assert!(TransactionKey::from_bdk(&bdk, &ksn[..9]).is_err());
    }
}
