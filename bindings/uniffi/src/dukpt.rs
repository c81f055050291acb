//! DUKPT: host-side derivation (ANSI X9.24-1:2009 TDES, X9.24-3-2017 AES,
//! chosen by the KSN length) and the originator (terminal) whose state the
//! app persists through a Kotlin callback.

use std::sync::{Arc, Mutex};

use paycore::keys::dukpt::{
    self as core_dukpt, AesKsn, Originator as CoreOriginator, StateStore, TdesKsn,
    TransactionKey as CoreTransactionKey, WorkingKeyType, WorkingKeyUsage, aes, tdes,
};
use rand_core::OsRng;

use crate::error::{PaycoreError, Result, core};
use crate::keys::Key;

/// DUKPT working key usage (X9.24-3-2017 Table 2; TDES: the variants of
/// X9.24-1:2009 §A.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
#[non_exhaustive]
pub enum DukptKeyUsage {
    /// PIN encryption (`P0`).
    PinEncryption,
    /// MAC generation (TDES: MAC request key).
    MacGenerate,
    /// MAC verification (TDES: MAC response key).
    MacVerify,
    /// MAC generation and verification (TDES: MAC request key).
    MacBoth,
    /// Data encryption (TDES: data request key).
    DataEncrypt,
    /// Data decryption (TDES: data response key).
    DataDecrypt,
    /// Data encryption and decryption (TDES: data request key).
    DataBoth,
    /// Key encryption key (`K0`, AES DUKPT only).
    KeyEncryption,
    /// Key derivation key (`B3`, AES DUKPT only).
    KeyDerivation,
}

impl DukptKeyUsage {
    const fn to_core(self) -> WorkingKeyUsage {
        match self {
            Self::PinEncryption => WorkingKeyUsage::PinEncryption,
            Self::MacGenerate => WorkingKeyUsage::MacGenerate,
            Self::MacVerify => WorkingKeyUsage::MacVerify,
            Self::MacBoth => WorkingKeyUsage::MacBoth,
            Self::DataEncrypt => WorkingKeyUsage::DataEncrypt,
            Self::DataDecrypt => WorkingKeyUsage::DataDecrypt,
            Self::DataBoth => WorkingKeyUsage::DataBoth,
            Self::KeyEncryption => WorkingKeyUsage::KeyEncryption,
            Self::KeyDerivation => WorkingKeyUsage::KeyDerivation,
        }
    }
}

/// DUKPT working key type (TDES DUKPT has only `Tdes2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
#[non_exhaustive]
pub enum DukptKeyType {
    /// Two-key TDES.
    Tdes2,
    /// Three-key TDES (AES DUKPT).
    Tdes3,
    /// AES-128.
    Aes128,
    /// AES-192.
    Aes192,
    /// AES-256.
    Aes256,
}

impl DukptKeyType {
    const fn to_core(self) -> WorkingKeyType {
        match self {
            Self::Tdes2 => WorkingKeyType::Tdes2,
            Self::Tdes3 => WorkingKeyType::Tdes3,
            Self::Aes128 => WorkingKeyType::Aes128,
            Self::Aes192 => WorkingKeyType::Aes192,
            Self::Aes256 => WorkingKeyType::Aes256,
        }
    }
}

/// Host side, one call: the working key for `ksn` (10 bytes TDES, 12 bytes
/// AES) from the BDK (`B0`), with host-side attributes.
///
/// # Errors
/// `InvalidArgument` for a bad KSN length; `Unsupported` for a key type
/// too strong for TDES or a usage TDES lacks; `KeyUsage` for a non-BDK.
#[uniffi::export]
pub fn dukpt_derive(
    bdk: &Key,
    ksn: Vec<u8>,
    usage: DukptKeyUsage,
    key_type: DukptKeyType,
) -> Result<Arc<Key>> {
    Ok(Key::wrap(core(core_dukpt::derive(
        &bdk.inner,
        &ksn,
        usage.to_core(),
        key_type.to_core(),
    ))?))
}

/// Host side from a device's initial key (`B1`; the IPEK for TDES).
///
/// # Errors
/// As `dukptDerive`.
#[uniffi::export]
pub fn dukpt_derive_from_initial_key(
    initial_key: &Key,
    ksn: Vec<u8>,
    usage: DukptKeyUsage,
    key_type: DukptKeyType,
) -> Result<Arc<Key>> {
    Ok(Key::wrap(core(core_dukpt::derive_from_initial_key(
        &initial_key.inner,
        &ksn,
        usage.to_core(),
        key_type.to_core(),
    ))?))
}

/// TDES DUKPT: the IPEK (`B1`) of the device with the 10-byte `ksn`
/// (X9.24-1:2009 §A.6).
///
/// # Errors
/// `InvalidArgument` for a bad KSN; `KeyUsage` for a non-BDK.
#[uniffi::export]
pub fn dukpt_derive_ipek(bdk: &Key, ksn: Vec<u8>) -> Result<Arc<Key>> {
    let ksn = core(TdesKsn::from_bytes(&ksn))?;
    Ok(Key::wrap(core(tdes::derive_ipek(&bdk.inner, &ksn))?))
}

/// AES DUKPT: the initial key (`B1`) of the device with the 8-byte
/// `initialKeyId` (X9.24-3-2017 §6.3.3).
///
/// # Errors
/// `InvalidArgument` for an ID that is not 8 bytes; `KeyUsage` for a non-BDK.
#[uniffi::export]
pub fn dukpt_derive_initial_key(bdk: &Key, initial_key_id: Vec<u8>) -> Result<Arc<Key>> {
    let id = key_id(&initial_key_id)?;
    Ok(Key::wrap(core(aes::derive_initial_key(&bdk.inner, &id))?))
}

/// AES DUKPT host side of "Update Initial Key" (X9.24-3-2017 §B.6.3):
/// `newInitialKey` (`B1`, AES) enciphered under the key-encryption working
/// key of the originator's current 12-byte `ksn` (16 or 32 bytes, not
/// secret). Unauthenticated transport: prefer TR-31 where the terminal
/// supports it.
///
/// # Errors
/// `KeyUsage` for a non-exportable new key or a wrong BDK; `Unsupported`
/// if the new key is stronger than the BDK; `InvalidArgument` for the KSN.
#[uniffi::export]
pub fn dukpt_wrap_initial_key_update(
    bdk: &Key,
    ksn: Vec<u8>,
    new_initial_key: &Key,
) -> Result<Vec<u8>> {
    let ksn = core(AesKsn::from_bytes(&ksn))?;
    let mut out = vec![0u8; 32];
    let n = core(aes::wrap_initial_key_update(
        &bdk.inner,
        &ksn,
        &new_initial_key.inner,
        &mut out,
    ))?;
    out.truncate(n);
    Ok(out)
}

fn key_id(id: &[u8]) -> Result<[u8; 8]> {
    id.try_into()
        .map_err(|_| PaycoreError::argument("initial key id"))
}

/// Where a DUKPT originator stores its sealed state: implemented by the app
/// (e.g. write to a temporary file, fsync, rename).
///
/// `persist` must return `true` only once `blob` (AES-GCM sealed under the
/// device key: not secret, integrity-protected) is durably stored,
/// atomically replacing the previous blob. Returning `false` or throwing
/// withholds the transaction key (`PaycoreException.StateNotPersisted`);
/// the originator has still moved past that counter, so no released
/// counter is ever reused. Must not call back into the same originator.
#[uniffi::export(with_foreign)]
pub trait DukptStateStore: Send + Sync {
    /// Stores `blob` durably; `true` once it is.
    ///
    /// # Errors
    /// Any exception counts as a refusal.
    fn persist(&self, blob: Vec<u8>) -> Result<bool>;
}

impl From<uniffi::UnexpectedUniFFICallbackError> for PaycoreError {
    fn from(_: uniffi::UnexpectedUniFFICallbackError) -> Self {
        // The app's exception text is not echoed: it is the app's business.
        refused()
    }
}

fn refused() -> PaycoreError {
    PaycoreError::StateNotPersisted("DUKPT state not persisted: the key was withheld".into())
}

/// Adapts the app's store to core's [`StateStore`], remembering a refusal.
struct Store<'a> {
    app: &'a dyn DukptStateStore,
    refused: bool,
}

impl StateStore for Store<'_> {
    fn persist(&mut self, blob: &[u8]) -> core::result::Result<(), paycore::Error> {
        match self.app.persist(blob.to_vec()) {
            Ok(true) => Ok(()),
            _ => {
                self.refused = true;
                Err(paycore::Error::invalid_argument("persist"))
            }
        }
    }
}

impl Store<'_> {
    fn map<T>(&self, r: core::result::Result<T, paycore::Error>) -> Result<T> {
        r.map_err(|e| if self.refused { refused() } else { e.into() })
    }
}

/// A DUKPT originator (terminal / PIN pad), TDES or AES. Secret state:
/// `AutoCloseable`, registers zeroized on `close()`. Calls are serialised.
#[derive(uniffi::Object)]
pub struct DukptOriginator {
    inner: Mutex<CoreOriginator>,
    store: Arc<dyn DukptStateStore>,
}

impl core::fmt::Debug for DukptOriginator {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("DukptOriginator { .. }")
    }
}

impl DukptOriginator {
    fn new(inner: CoreOriginator, store: Arc<dyn DukptStateStore>) -> Arc<Self> {
        Arc::new(Self {
            inner: Mutex::new(inner),
            store,
        })
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, CoreOriginator>> {
        // A poisoned lock means a panic mid-transaction: refuse further use.
        self.inner
            .lock()
            .map_err(|_| PaycoreError::Unsupported("originator unusable".into()))
    }
}

#[uniffi::export]
impl DukptOriginator {
    /// TDES DUKPT "Load Initial Key" (X9.24-1:2009 §A.2): from the IPEK
    /// (`B1`) and the 10-byte initial KSN; the first state is persisted
    /// through `store` before this returns. `deviceKey` (AES, usage `D0`,
    /// mode `B`) seals the state.
    ///
    /// # Errors
    /// `StateNotPersisted` if `store` refused; `KeyUsage`/`InvalidKey` for
    /// the keys; `InvalidArgument` for the KSN.
    #[uniffi::constructor]
    pub fn load_tdes(
        ipek: &Key,
        initial_ksn: Vec<u8>,
        device_key: &Key,
        store: Arc<dyn DukptStateStore>,
    ) -> Result<Arc<Self>> {
        let ksn = core(TdesKsn::from_bytes(&initial_ksn))?;
        let mut adapter = Store {
            app: store.as_ref(),
            refused: false,
        };
        let r = tdes::Originator::load_initial_key(
            &ipek.inner,
            &ksn,
            &device_key.inner,
            &mut OsRng,
            &mut adapter,
        );
        let o = adapter.map(r)?;
        Ok(Self::new(CoreOriginator::Tdes(o), store))
    }

    /// AES DUKPT "Load Initial Key" (X9.24-3-2017 §6.5): from the initial
    /// key (`B1`) and its 8-byte ID; persisted as `loadTdes`.
    ///
    /// # Errors
    /// As `loadTdes`.
    #[uniffi::constructor]
    pub fn load_aes(
        initial_key: &Key,
        initial_key_id: Vec<u8>,
        device_key: &Key,
        store: Arc<dyn DukptStateStore>,
    ) -> Result<Arc<Self>> {
        let id = key_id(&initial_key_id)?;
        let mut adapter = Store {
            app: store.as_ref(),
            refused: false,
        };
        let r = aes::Originator::load_initial_key(
            &initial_key.inner,
            id,
            &device_key.inner,
            &mut OsRng,
            &mut adapter,
        );
        let o = adapter.map(r)?;
        Ok(Self::new(CoreOriginator::Aes(o), store))
    }

    /// Restores an originator from the last blob `store` stored (flavour
    /// from the blob length). `minCounter`: the next counter recorded in
    /// monotonic storage (0 if none); an older blob is refused.
    ///
    /// # Errors
    /// `VerificationFailed` for an altered blob or another device key;
    /// `Malformed` for a rolled-back or bad blob.
    #[uniffi::constructor]
    pub fn restore(
        device_key: &Key,
        blob: Vec<u8>,
        min_counter: u32,
        store: Arc<dyn DukptStateStore>,
    ) -> Result<Arc<Self>> {
        let o = core(CoreOriginator::restore(
            &device_key.inner,
            &blob,
            min_counter,
        ))?;
        Ok(Self::new(o, store))
    }

    /// Whether this is an AES DUKPT originator (else TDES).
    ///
    /// # Errors
    /// `Unsupported` if a previous call panicked.
    pub fn is_aes(&self) -> Result<bool> {
        Ok(matches!(*self.lock()?, CoreOriginator::Aes(_)))
    }

    /// The KSN the next transaction will use.
    ///
    /// # Errors
    /// As `isAes`.
    pub fn ksn(&self) -> Result<Vec<u8>> {
        Ok(self.lock()?.ksn().as_bytes().to_vec())
    }

    /// The counter of the next transaction (record it in monotonic storage
    /// for `restore`'s `minCounter`).
    ///
    /// # Errors
    /// As `isAes`.
    pub fn counter(&self) -> Result<u32> {
        Ok(self.lock()?.ksn().counter())
    }

    /// The next transaction's key: the new state is persisted through the
    /// store first, and the key is released only if it stored it.
    ///
    /// # Errors
    /// `StateNotPersisted` if the store threw or refused; `CounterExhausted`;
    /// `KeyUsage` for a wrong device key.
    pub fn next_transaction(&self, device_key: &Key) -> Result<Arc<DukptTransaction>> {
        let mut o = self.lock()?;
        let mut adapter = Store {
            app: self.store.as_ref(),
            refused: false,
        };
        let r = o.next_transaction(&device_key.inner, &mut OsRng, &mut adapter);
        let tx = adapter.map(r)?;
        Ok(Arc::new(DukptTransaction { inner: tx }))
    }

    /// AES DUKPT "Update Initial Key" (X9.24-3-2017 §B.6.3): installs the new
    /// initial key sent enciphered under the current KEK working key.
    ///
    /// # Errors
    /// `Unsupported` for a TDES originator; `StateNotPersisted`; as core.
    pub fn update_initial_key(
        &self,
        encrypted: Vec<u8>,
        new_key_type: DukptKeyType,
        new_initial_key_id: Vec<u8>,
        device_key: &Key,
    ) -> Result<()> {
        let id = key_id(&new_initial_key_id)?;
        let mut o = self.lock()?;
        let mut adapter = Store {
            app: self.store.as_ref(),
            refused: false,
        };
        let r = o.update_initial_key(
            &encrypted,
            new_key_type.to_core(),
            id,
            &device_key.inner,
            &mut OsRng,
            &mut adapter,
        );
        adapter.map(r)
    }
}

/// One DUKPT transaction's key (TDES transaction key / AES intermediate
/// derivation key) and its KSN. Secret: `AutoCloseable`, zeroized on `close()`.
#[derive(uniffi::Object)]
pub struct DukptTransaction {
    inner: CoreTransactionKey,
}

impl core::fmt::Debug for DukptTransaction {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("DukptTransaction { .. }")
    }
}

#[uniffi::export]
impl DukptTransaction {
    /// Host side: the transaction for `ksn` from the BDK (`B0`).
    ///
    /// # Errors
    /// As `dukptDerive`.
    #[uniffi::constructor]
    pub fn from_bdk(bdk: &Key, ksn: Vec<u8>) -> Result<Arc<Self>> {
        Ok(Arc::new(Self {
            inner: core(CoreTransactionKey::from_bdk(&bdk.inner, &ksn))?,
        }))
    }

    /// Host side: the transaction for `ksn` from the initial key (`B1`).
    ///
    /// # Errors
    /// As `dukptDerive`.
    #[uniffi::constructor]
    pub fn from_initial_key(initial_key: &Key, ksn: Vec<u8>) -> Result<Arc<Self>> {
        Ok(Arc::new(Self {
            inner: core(CoreTransactionKey::from_initial_key(
                &initial_key.inner,
                &ksn,
            ))?,
        }))
    }

    /// The transaction's KSN (send it with the request).
    pub fn ksn(&self) -> Vec<u8> {
        self.inner.ksn().as_bytes().to_vec()
    }

    /// The working key of `usage` and `keyType`.
    ///
    /// # Errors
    /// `Unsupported` for a key type too strong for TDES or a usage TDES lacks.
    pub fn working_key(&self, usage: DukptKeyUsage, key_type: DukptKeyType) -> Result<Arc<Key>> {
        Ok(Key::wrap(core(
            self.inner.working_key(usage.to_core(), key_type.to_core()),
        )?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{Algorithm, Exportability, KeyAttributes, KeyUsage, ModeOfUse};

    #[test]
    fn debug_is_redacted() {
        let bdk = Key::new(
            Algorithm::Tdes2,
            vec![0x01; 16],
            KeyAttributes {
                usage: KeyUsage::Bdk,
                mode_of_use: ModeOfUse::Derive,
                exportability: Exportability::Exportable,
                version: "00".into(),
            },
        )
        .unwrap();
        assert_eq!(format!("{bdk:?}"), "Key { .. }");
        let tx = DukptTransaction::from_bdk(
            &bdk,
            vec![0xFF, 0xFF, 0x98, 0x76, 0x54, 0x32, 0x10, 0xE0, 0x00, 0x01],
        )
        .unwrap();
        assert_eq!(format!("{tx:?}"), "DukptTransaction { .. }");
        let err = DukptTransaction::from_bdk(&bdk, vec![0; 11]).unwrap_err();
        assert!(matches!(err, PaycoreError::InvalidArgument(_)), "{err:?}");
    }
}
