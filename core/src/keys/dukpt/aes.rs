//! AES DUKPT, ANSI X9.24-3-2017: initial key derivation, host-side
//! transaction (intermediate derivation) keys, working keys of every usage
//! and type, the originator with its 32 intermediate derivation key
//! registers, and "Update Initial Key" (§B.6.3).
//!
//! Derivation data (X9.24-3-2017 §6.3.2, 16 bytes): `01` | block counter |
//! key usage (2) | key type (2) | key length in bits (2) | then either the
//! full initial key ID (initial key, usage `8001`) or initial key ID bytes
//! 4-7 and the 32-bit counter. Each 16-byte block is AES-ECB under the
//! derivation key; a derived key is never stronger than its derivation key.
//!
//! # Example
//! ```
//! use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
//! use paycore::keys::dukpt::{aes, AesKsn, WorkingKeyType, WorkingKeyUsage};
//!
//! // X9.24-3-2017 supplement test BDK and initial key ID.
//! let bdk = Key::new(
//!     Algorithm::Aes128,
//!     &[0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1],
//!     KeyAttributes::new(KeyUsage::Bdk, ModeOfUse::Derive),
//! ).unwrap();
//! let ksn = AesKsn::new([0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56], 1);
//! let tx = aes::derive_transaction_key_from_bdk(&bdk, &ksn).unwrap();
//! let pin_key = tx.working_key(WorkingKeyUsage::PinEncryption, WorkingKeyType::Aes128).unwrap();
//! assert_eq!(
//!     pin_key.dangerous_expose_secret().unwrap(),
//!     &[0xAF, 0x8C, 0xB1, 0x33, 0xA7, 0x8F, 0x8D, 0xC2, 0xD1, 0x35, 0x9F, 0x18, 0x52, 0x75, 0x93, 0xFB],
//! );
//! // An AES-256 working key from an AES-128 BDK is refused.
//! assert!(tx.working_key(WorkingKeyUsage::PinEncryption, WorkingKeyType::Aes256).is_err());
//! ```

use core::fmt;

use rand_core::CryptoRngCore;
use zeroize::Zeroizing;

use super::state::{self, AES_STATE_LEN, Flavour, Registers, StateStore};
use super::{AES_MAX_ONE_BITS, AesKsn, Holder, WorkingKeyType, WorkingKeyUsage};
use crate::error::{DukptError, Error, KeyError};
use crate::keys::cipher::BlockCipher;
use crate::keys::{
    Algorithm, Exportability, Key, KeyAttributes, KeyUsage, MAX_KEY_LEN, ModeOfUse, Operation,
};
use crate::secret::SecretBytes;

/// Number of intermediate derivation key registers (X9.24-3-2017 §6.5, `NUMREG`).
pub const REGISTERS: usize = 32;
const COUNTER_BITS: u32 = 32;
/// Key usage indicator "key derivation" (X9.24-3-2017 Table 2).
const USAGE_KEY_DERIVATION: u16 = 0x8000;
/// Key usage indicator "key derivation, initial key".
const USAGE_INITIAL_KEY: u16 = 0x8001;
/// Key usage indicator "key encryption key".
const USAGE_KEK: u16 = 0x0002;

/// Derivation data bytes 8-15 for a counter: initial key ID bytes 4-7 and
/// the counter.
fn counter_info(ksn: &AesKsn, counter: u32) -> [u8; 8] {
    let [.., a, b, c, d] = ksn.initial_key_id();
    let [e, f, g, h] = counter.to_be_bytes();
    [a, b, c, d, e, f, g, h]
}

/// `Derive_Key` of X9.24-3-2017 §6.3.1 with the derivation data of §6.3.2.
///
/// Temporaries (issue 11.10b, checked): each block is enciphered in a
/// `Zeroizing` buffer (it holds derived key bytes), the result is written
/// straight into `SecretBytes`, the AES key schedule is zeroized on drop
/// (the `aes` crate's `zeroize` feature), and the derivation key is only
/// borrowed; no plain copy of key material is made.
fn derive_raw(
    derivation_algorithm: Algorithm,
    derivation_key: &[u8],
    usage: u16,
    key_type: WorkingKeyType,
    info: [u8; 8],
) -> Result<SecretBytes<MAX_KEY_LEN>, Error> {
    if !derivation_algorithm.is_aes() {
        return Err(KeyError::WrongAlgorithm.into());
    }
    let algorithm = key_type.algorithm();
    if algorithm.strength_bits() > derivation_algorithm.strength_bits() {
        return Err(DukptError::KeyTypeTooStrong.into());
    }
    let len = algorithm.key_len();
    let bits = u16::try_from(len * 8).map_err(|_| Error::invalid_argument("key length"))?;
    let mut out = SecretBytes::<MAX_KEY_LEN>::zeroed(len)?;
    let [u0, u1] = usage.to_be_bytes();
    let [t0, t1] = key_type.aes_code().to_be_bytes();
    let [l0, l1] = bits.to_be_bytes();
    let [i0, i1, i2, i3, i4, i5, i6, i7] = info;
    BlockCipher::with(derivation_algorithm, derivation_key, |cipher, _| {
        for (counter, chunk) in (1u8..).zip(out.expose_secret_mut().chunks_mut(16)) {
            let mut block = Zeroizing::new([
                1, counter, u0, u1, t0, t1, l0, l1, i0, i1, i2, i3, i4, i5, i6, i7,
            ]);
            cipher.encrypt_block(&mut *block)?;
            let part = block
                .get(..chunk.len())
                .ok_or(Error::invalid_argument("key length"))?;
            chunk.copy_from_slice(part);
        }
        Ok(())
    })?;
    Ok(out)
}

fn check_bdk(bdk: &Key) -> Result<(), Error> {
    bdk.require(&[KeyUsage::Bdk], Operation::Derive)?;
    if !bdk.algorithm().is_aes() {
        return Err(KeyError::WrongAlgorithm.into());
    }
    Ok(())
}

fn check_initial_key(initial_key: &Key) -> Result<(), Error> {
    initial_key.require(&[KeyUsage::InitialDukptKey], Operation::Derive)?;
    if !initial_key.algorithm().is_aes() {
        return Err(KeyError::WrongAlgorithm.into());
    }
    Ok(())
}

fn initial_key_raw(bdk: &Key, initial_key_id: &[u8; 8]) -> Result<SecretBytes<MAX_KEY_LEN>, Error> {
    check_bdk(bdk)?;
    let key_type = WorkingKeyType::from_algorithm(bdk.algorithm())?;
    derive_raw(
        bdk.algorithm(),
        bdk.material(),
        USAGE_INITIAL_KEY,
        key_type,
        *initial_key_id,
    )
}

/// Derives the initial key of the device with `initial_key_id` from an AES
/// `B0` BDK (X9.24-3-2017 §6.3.3 / B.5 "Derive Initial Key"): same type as
/// the BDK, usage `B1`, mode `X`, and the BDK's exportability (a
/// non-exportable BDK yields a non-exportable initial key).
///
/// # Errors
/// Key usage errors unless `bdk` is `B0` permitting derivation;
/// [`KeyError::WrongAlgorithm`] for a TDES BDK.
pub fn derive_initial_key(bdk: &Key, initial_key_id: &[u8; 8]) -> Result<Key, Error> {
    let raw = initial_key_raw(bdk, initial_key_id)?;
    Key::from_secret(
        bdk.algorithm(),
        raw,
        KeyAttributes::new(KeyUsage::InitialDukptKey, ModeOfUse::Derive)
            .with_exportability(bdk.attributes().exportability),
    )
}

/// B.5 "Host Derive Working Key", first half: the intermediate derivation
/// key for `ksn`'s counter, one derivation per one-bit.
fn transaction_raw(
    algorithm: Algorithm,
    initial_key: &[u8],
    ksn: &AesKsn,
) -> Result<SecretBytes<MAX_KEY_LEN>, Error> {
    let counter = ksn.counter();
    if counter == 0 {
        return Err(DukptError::InvalidCounter.into());
    }
    let key_type = WorkingKeyType::from_algorithm(algorithm)?;
    let mut key = SecretBytes::from_slice(initial_key)?;
    let mut working = 0u32;
    for bit in (0..COUNTER_BITS).rev() {
        if counter & (1 << bit) != 0 {
            working |= 1 << bit;
            // EXPOSE: derivation chain inside the DUKPT module.
            key = derive_raw(
                algorithm,
                key.expose_secret(),
                USAGE_KEY_DERIVATION,
                key_type,
                counter_info(ksn, working),
            )?;
        }
    }
    Ok(key)
}

/// Host side: the transaction (intermediate derivation) key for `ksn` from
/// the device's initial key (`B1`).
///
/// # Errors
/// Key usage errors unless `initial_key` is an AES `B1` key that may derive;
/// [`DukptError::InvalidCounter`] for counter zero.
pub fn derive_transaction_key(initial_key: &Key, ksn: &AesKsn) -> Result<TransactionKey, Error> {
    check_initial_key(initial_key)?;
    let key = transaction_raw(initial_key.algorithm(), initial_key.material(), ksn)?;
    Ok(TransactionKey {
        key,
        algorithm: initial_key.algorithm(),
        ksn: *ksn,
        holder: Holder::Host,
        exportability: initial_key.attributes().exportability,
    })
}

/// Host side: the transaction key for `ksn` from the BDK. Accepts any
/// non-zero counter, including counters no originator uses (the X9.24-3
/// supplement publishes such host values).
///
/// # Errors
/// As [`derive_initial_key`]; [`DukptError::InvalidCounter`] for counter zero.
pub fn derive_transaction_key_from_bdk(bdk: &Key, ksn: &AesKsn) -> Result<TransactionKey, Error> {
    let initial = initial_key_raw(bdk, &ksn.initial_key_id())?;
    // EXPOSE: derivation chain inside the DUKPT module.
    let key = transaction_raw(bdk.algorithm(), initial.expose_secret(), ksn)?;
    Ok(TransactionKey {
        key,
        algorithm: bdk.algorithm(),
        ksn: *ksn,
        holder: Holder::Host,
        exportability: bdk.attributes().exportability,
    })
}

/// Host side of "Update Initial Key" (X9.24-3-2017 §B.6.3): enciphers
/// `new_initial_key` (`B1`, AES) under the key-encryption working key of
/// the originator's current `ksn`, AES-ECB, zero-padded to whole blocks.
/// Returns the number of bytes written to `out` (16 or 32).
///
/// This is the standard's unauthenticated transport; prefer a TR-31 key
/// block where the terminal supports it. A non-exportable new initial key
/// is refused (wrapping it is an export). The originator keeps the
/// exportability of the initial key it was first loaded with.
///
/// # Errors
/// [`KeyError::NotExportable`] if `new_initial_key` is non-exportable (`N`);
/// key usage errors for `bdk` or `new_initial_key`;
/// [`DukptError::KeyTypeTooStrong`] if the new key is stronger than the
/// BDK; [`ApiMisuse::BufferTooSmall`](crate::error::ApiMisuse::BufferTooSmall).
pub fn wrap_initial_key_update(
    bdk: &Key,
    ksn: &AesKsn,
    new_initial_key: &Key,
    out: &mut [u8],
) -> Result<usize, Error> {
    check_initial_key(new_initial_key)?;
    // Wrapping is an export: refuse non-exportable keys before any work.
    let material = new_initial_key.dangerous_expose_secret()?;
    let tx = derive_transaction_key_from_bdk(bdk, ksn)?;
    let key_type = WorkingKeyType::from_algorithm(new_initial_key.algorithm())?;
    // EXPOSE: KEK derivation inside the DUKPT module.
    let kek = derive_raw(
        tx.algorithm,
        tx.key.expose_secret(),
        USAGE_KEK,
        key_type,
        counter_info(ksn, ksn.counter()),
    )?;
    let len = material.len().div_ceil(16) * 16;
    let provided = out.len();
    let dst = out
        .get_mut(..len)
        .ok_or(Error::buffer_too_small(len, provided))?;
    dst.fill(0);
    dst.get_mut(..material.len())
        .ok_or(Error::invalid_argument("key"))?
        .copy_from_slice(material);
    // EXPOSE: KEK used inside the DUKPT module.
    BlockCipher::new(new_initial_key.algorithm(), kek.expose_secret())?.encrypt_ecb(dst)?;
    Ok(len)
}

/// One transaction's intermediate derivation key with its KSN; working
/// keys of any usage and type derive from it. Zeroized on drop, redacted
/// `Debug`.
///
/// It carries the exportability of the key it descends from (BDK, initial
/// key, or the initial key an originator was loaded with); every working
/// key inherits it.
pub struct TransactionKey {
    key: SecretBytes<MAX_KEY_LEN>,
    algorithm: Algorithm,
    ksn: AesKsn,
    holder: Holder,
    exportability: Exportability,
}

impl TransactionKey {
    /// The KSN to send with the transaction.
    #[must_use]
    pub const fn ksn(&self) -> AesKsn {
        self.ksn
    }

    /// The derivation key type (that of the BDK).
    #[must_use]
    pub const fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Who derived this key.
    #[must_use]
    pub const fn holder(&self) -> Holder {
        self.holder
    }

    /// The exportability inherited from the parent key.
    #[must_use]
    pub const fn exportability(&self) -> Exportability {
        self.exportability
    }

    /// The working key of `usage` and `key_type` (X9.24-3-2017 §6.3.3,
    /// B.5 "final derivation"), with the TR-31 attributes of the holder.
    ///
    /// # Errors
    /// [`DukptError::KeyTypeTooStrong`] if `key_type` is stronger than the
    /// derivation key.
    pub fn working_key(
        &self,
        usage: WorkingKeyUsage,
        key_type: WorkingKeyType,
    ) -> Result<Key, Error> {
        // EXPOSE: working-key derivation inside the DUKPT module.
        let raw = derive_raw(
            self.algorithm,
            self.key.expose_secret(),
            usage.aes_code(),
            key_type,
            counter_info(&self.ksn, self.ksn.counter()),
        )?;
        Key::from_secret(
            key_type.algorithm(),
            raw,
            usage
                .attributes(self.holder, KeyUsage::MacCmac)
                .with_exportability(self.exportability),
        )
    }

    /// The raw intermediate derivation key (for tests against published
    /// vectors). Refused when the parent key was non-exportable.
    ///
    /// # Errors
    /// [`KeyError::NotExportable`] when the exportability is `N`.
    pub fn dangerous_expose_secret(&self) -> Result<&[u8], Error> {
        self.exportability.ensure_exportable()?;
        // EXPOSE: explicitly requested through a dangerous_ call.
        Ok(self.key.expose_secret())
    }
}

impl fmt::Debug for TransactionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransactionKey")
            .field("ksn", &self.ksn)
            .finish_non_exhaustive()
    }
}

/// An AES DUKPT originator: initial key ID, 32-bit counter and 32
/// intermediate derivation key registers (X9.24-3-2017 §B.6.3 "Load
/// Initial Key", "Generate Working Keys", "Update State for next
/// Transaction", "Update Derivation Keys", "Update Initial Key"). Counters
/// with more than 16 one-bits are skipped. Every state change is persisted
/// through a [`StateStore`] before a key is released.
pub struct Originator {
    /// KSN whose counter is the next counter to use; counter 0 = exhausted.
    ksn: AesKsn,
    algorithm: Algorithm,
    registers: Registers<REGISTERS, MAX_KEY_LEN>,
    /// Exportability of the initial key; inherited by every released key
    /// and persisted in the state blob.
    exportability: Exportability,
}

impl Originator {
    /// "Load Initial Key": fills the 32 registers from the initial key
    /// (`B1`, AES), sets the counter to 1, and persists the state. The
    /// initial key's exportability is kept (and persisted): every key the
    /// originator releases inherits it, including after
    /// [`update_initial_key`](Self::update_initial_key).
    ///
    /// # Errors
    /// Key usage errors unless `initial_key` is an AES `B1` key that may
    /// derive; device key errors (AES, `D0`, encrypt permitted); any error of `store`.
    pub fn load_initial_key(
        initial_key: &Key,
        initial_key_id: [u8; 8],
        device_key: &Key,
        rng: &mut impl CryptoRngCore,
        store: &mut impl StateStore,
    ) -> Result<Self, Error> {
        check_initial_key(initial_key)?;
        let mut this = Self {
            ksn: AesKsn::new(initial_key_id, 0),
            algorithm: initial_key.algorithm(),
            registers: Registers::new(),
            exportability: initial_key.attributes().exportability,
        };
        this.load(initial_key.material())?;
        this.persist(device_key, rng, store)?;
        Ok(this)
    }

    fn load(&mut self, initial_key: &[u8]) -> Result<(), Error> {
        self.registers.erase_all();
        self.ksn = self.ksn.with_counter(0);
        self.spawn(initial_key, 0, COUNTER_BITS)?;
        self.ksn = self.ksn.with_counter(1);
        Ok(())
    }

    /// "Update Derivation Keys": registers `below-1 .. 0` from `key`, the
    /// key of `counter`.
    fn spawn(&mut self, key: &[u8], counter: u32, below: u32) -> Result<(), Error> {
        let key_type = WorkingKeyType::from_algorithm(self.algorithm)?;
        for bit in (0..below).rev() {
            let info = counter_info(&self.ksn, counter | (1 << bit));
            let derived = derive_raw(self.algorithm, key, USAGE_KEY_DERIVATION, key_type, info)?;
            let mut slot = Zeroizing::new([0u8; MAX_KEY_LEN]);
            // EXPOSE: stored into the secret register file.
            let src = derived.expose_secret();
            slot.get_mut(..src.len())
                .ok_or(Error::invalid_argument("key"))?
                .copy_from_slice(src);
            self.registers.set(bit, &slot)?;
        }
        Ok(())
    }

    fn register_key(&self, index: u32) -> Result<SecretBytes<MAX_KEY_LEN>, Error> {
        let slot = self.registers.get(index).ok_or(DukptError::InvalidState)?;
        SecretBytes::from_slice(
            slot.get(..self.algorithm.key_len())
                .ok_or(DukptError::InvalidState)?,
        )
    }

    /// The KSN of the next transaction (counter 0 once exhausted).
    #[must_use]
    pub const fn ksn(&self) -> AesKsn {
        self.ksn
    }

    /// The derivation key type.
    #[must_use]
    pub const fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// "Generate Working Keys" + "Update State for next Transaction": takes
    /// the intermediate derivation key of the current counter, derives the
    /// registers it spawns (if the counter has fewer than 16 one-bits),
    /// erases it, advances the counter, persists, and only then returns
    /// the transaction key.
    ///
    /// # Errors
    /// [`DukptError::CounterExhausted`]; device key errors; any error of
    /// `store` (the key is then withheld and its counter never used).
    pub fn next_transaction(
        &mut self,
        device_key: &Key,
        rng: &mut impl CryptoRngCore,
        store: &mut impl StateStore,
    ) -> Result<TransactionKey, Error> {
        state::require_device_key(device_key, Operation::Encrypt, self.exportability)?;
        let (counter, index) =
            state::current_counter(self.ksn.counter(), self.registers.in_use(), COUNTER_BITS)?;
        let key = self.register_key(index)?;
        let spawn = counter.count_ones() < AES_MAX_ONE_BITS;
        if spawn {
            // EXPOSE: deriving future registers inside the DUKPT module.
            self.spawn(key.expose_secret(), counter, index)?;
        }
        self.registers.erase(index);
        let next = state::advance(counter, index, spawn, COUNTER_BITS);
        self.ksn = self.ksn.with_counter(next);
        if next == 0 {
            self.registers.erase_all();
        }
        self.persist(device_key, rng, store)?;
        Ok(TransactionKey {
            key,
            algorithm: self.algorithm,
            ksn: self.ksn.with_counter(counter),
            holder: Holder::Originator,
            exportability: self.exportability,
        })
    }

    /// "Update Initial Key" (X9.24-3-2017 §B.6.3): deciphers a new initial
    /// key sent by the host (see [`wrap_initial_key_update`]) under the
    /// key-encryption working key of the current counter, loads it with
    /// `new_initial_key_id`, and persists the new state.
    ///
    /// # Errors
    /// [`DukptError::CounterExhausted`]; [`KeyError::WrongAlgorithm`] for a
    /// TDES `new_key_type`; [`DukptError::KeyTypeTooStrong`];
    /// [`KeyError::InvalidLength`] if `encrypted` is not the padded key
    /// length; device key and store errors.
    pub fn update_initial_key(
        &mut self,
        encrypted: &[u8],
        new_key_type: WorkingKeyType,
        new_initial_key_id: [u8; 8],
        device_key: &Key,
        rng: &mut impl CryptoRngCore,
        store: &mut impl StateStore,
    ) -> Result<(), Error> {
        state::require_device_key(device_key, Operation::Encrypt, self.exportability)?;
        let algorithm = new_key_type.algorithm();
        if !algorithm.is_aes() {
            return Err(KeyError::WrongAlgorithm.into());
        }
        let padded = algorithm.key_len().div_ceil(16) * 16;
        if encrypted.len() != padded {
            return Err(KeyError::InvalidLength {
                length: encrypted.len(),
            }
            .into());
        }
        let (counter, index) =
            state::current_counter(self.ksn.counter(), self.registers.in_use(), COUNTER_BITS)?;
        let key = self.register_key(index)?;
        // EXPOSE: KEK derivation inside the DUKPT module.
        let kek = derive_raw(
            self.algorithm,
            key.expose_secret(),
            USAGE_KEK,
            new_key_type,
            counter_info(&self.ksn, counter),
        )?;
        let mut clear = SecretBytes::<MAX_KEY_LEN>::zeroed(padded)?;
        clear.expose_secret_mut().copy_from_slice(encrypted);
        // EXPOSE: KEK used inside the DUKPT module.
        BlockCipher::new(algorithm, kek.expose_secret())?.decrypt_ecb(clear.expose_secret_mut())?;
        let new_key = SecretBytes::<MAX_KEY_LEN>::from_slice(
            clear
                .expose_secret()
                .get(..algorithm.key_len())
                .ok_or(Error::invalid_argument("key"))?,
        )?;
        self.algorithm = algorithm;
        self.ksn = AesKsn::new(new_initial_key_id, 0);
        // EXPOSE: loading the new initial key into the registers.
        self.load(new_key.expose_secret())?;
        self.persist(device_key, rng, store)
    }

    fn persist(
        &self,
        device_key: &Key,
        rng: &mut impl CryptoRngCore,
        store: &mut impl StateStore,
    ) -> Result<(), Error> {
        let mut plain = Zeroizing::new([0u8; state::AES_PLAIN_LEN]);
        let (ksn, rest) = plain.split_at_mut(AesKsn::LEN);
        ksn.copy_from_slice(self.ksn.as_bytes());
        let (kind, regs) = rest.split_at_mut(1);
        kind.copy_from_slice(
            &WorkingKeyType::from_algorithm(self.algorithm)?
                .aes_code()
                .to_be_bytes()[1..],
        );
        self.registers.write(regs)?;
        let mut blob = [0u8; AES_STATE_LEN];
        state::seal(
            device_key,
            rng,
            Flavour::Aes,
            self.exportability,
            &mut *plain,
            &mut blob,
        )?;
        store.persist(&blob)
    }

    /// Restores an originator from a blob written through a [`StateStore`]
    /// (format: version 3, see the [`dukpt`](super) module docs).
    ///
    /// `min_counter` is the rollback guard: the next counter the caller
    /// recorded in monotonic secure storage after its last successful call
    /// (this originator's `ksn().counter()`), or 0 if it keeps none. A
    /// genuine blob whose counter is lower (storage rolled back to a state
    /// whose counters may already have been used) is refused; an exhausted
    /// blob (counter 0) never is. The seal alone cannot detect a rollback:
    /// an old blob is as authentic as the newest.
    ///
    /// The counter is per initial key: after
    /// [`update_initial_key`](Self::update_initial_key) reset the recorded
    /// counter, and compare the restored [`ksn`](Self::ksn)'s initial key ID
    /// with the one recorded, or an older blob of the previous key passes.
    ///
    /// # Errors
    /// [`DukptError::InvalidState`] for a blob of the wrong length, header,
    /// version (only version 3 is read) or content;
    /// [`Error::VerificationFailed`] if it was altered, forged or sealed
    /// under another device key; [`DukptError::StateRolledBack`] if its
    /// counter is below `min_counter`;
    /// [`KeyError::NotExportable`] if it descends from a non-exportable
    /// initial key and `device_key` is not itself non-exportable; device
    /// key usage errors.
    pub fn restore(device_key: &Key, blob: &[u8], min_counter: u32) -> Result<Self, Error> {
        let bad = || Error::Dukpt(DukptError::InvalidState);
        let mut plain = Zeroizing::new([0u8; state::AES_PLAIN_LEN]);
        let exportability = state::open(device_key, Flavour::Aes, blob, &mut *plain)?;
        let (ksn, rest) = plain.split_at(AesKsn::LEN);
        let ksn = AesKsn::from_bytes(ksn)?;
        let (kind, regs) = rest.split_first().ok_or_else(bad)?;
        let algorithm = match kind {
            2 => Algorithm::Aes128,
            3 => Algorithm::Aes192,
            4 => Algorithm::Aes256,
            _ => return Err(bad()),
        };
        let registers = Registers::read(regs)?;
        let counter = ksn.counter();
        state::check_not_rolled_back(counter, min_counter)?;
        if counter != 0 && counter.count_ones() > AES_MAX_ONE_BITS {
            return Err(bad());
        }
        Ok(Self {
            ksn,
            algorithm,
            registers,
            exportability,
        })
    }
}

impl fmt::Debug for Originator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Originator")
            .field("ksn", &self.ksn)
            .finish_non_exhaustive()
    }
}

impl Drop for Originator {
    fn drop(&mut self) {
        self.registers.erase_all();
    }
}

impl zeroize::ZeroizeOnDrop for Originator {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::DukptError;

    const VECTORS: &str =
        include_str!("../../../../tests/vectors/dukpt_aes_x9_24_3_2017_aes128.json");

    struct Ram(Option<Vec<u8>>);
    impl StateStore for Ram {
        fn persist(&mut self, blob: &[u8]) -> Result<(), Error> {
            self.0 = Some(blob.to_vec());
            Ok(())
        }
    }

    /// X9.24-3-2017 supplement: AES-128 initial key for IKID 1234567890123456.
    fn initial_key() -> [u8; 16] {
        hex::decode("1273671EA26AC29AFA4D1084127652A1")
            .unwrap()
            .try_into()
            .unwrap()
    }

    fn ksn(counter: u32) -> AesKsn {
        AesKsn::new([0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56], counter)
    }

    fn device_key() -> Key {
        Key::new(
            Algorithm::Aes128,
            &[1; 16],
            KeyAttributes::new(KeyUsage::DataEncryption, ModeOfUse::EncryptDecrypt),
        )
        .unwrap()
    }

    /// Originator state when `counter` is next, from host derivation.
    fn at_counter(counter: u32) -> Originator {
        let mut registers = Registers::new();
        let lsb = counter.trailing_zeros();
        for b in lsb..COUNTER_BITS {
            if b != lsb && counter & (1 << b) != 0 {
                continue;
            }
            let k = u32::try_from(((u64::from(counter) >> (b + 1)) << (b + 1)) | (1 << b)).unwrap();
            if (k & !(1 << b)).count_ones() >= AES_MAX_ONE_BITS {
                continue;
            }
            let key = transaction_raw(Algorithm::Aes128, &initial_key(), &ksn(k)).unwrap();
            let mut slot = [0u8; 32];
            slot[..16].copy_from_slice(key.expose_secret());
            registers.set(b, &slot).unwrap();
        }
        Originator {
            ksn: ksn(counter),
            algorithm: Algorithm::Aes128,
            registers,
            exportability: Exportability::Exportable,
        }
    }

    fn published(counter: u32) -> Option<String> {
        let v: serde_json::Value = serde_json::from_str(VECTORS).unwrap();
        v["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["counter"] == format!("{counter:08X}").as_str())
            .map(|x| x["transaction_derivation_key"].as_str().unwrap().to_owned())
    }

    /// Runs from `start`; counters must be exactly the ascending counters with
    /// at most 16 one-bits; keys equal the host's and the published ones.
    fn run(start: u32, limit: usize) -> (Vec<u32>, bool) {
        let mut o = at_counter(start);
        let dk = device_key();
        let mut store = Ram(None);
        let mut rng = rand::rngs::OsRng;
        let mut expected =
            (u64::from(start)..1 << 32).filter(|c| c.count_ones() <= AES_MAX_ONE_BITS);
        let mut seen = Vec::new();
        for _ in 0..limit {
            match o.next_transaction(&dk, &mut rng, &mut store) {
                Ok(tx) => {
                    let c = tx.ksn().counter();
                    assert_eq!(Some(u64::from(c)), expected.next());
                    let host =
                        transaction_raw(Algorithm::Aes128, &initial_key(), &tx.ksn()).unwrap();
                    assert_eq!(tx.dangerous_expose_secret().unwrap(), host.expose_secret());
                    if let Some(p) = published(c) {
                        assert_eq!(
                            hex::encode_upper(tx.dangerous_expose_secret().unwrap()),
                            p,
                            "{c:08X}"
                        );
                    }
                    seen.push(c);
                }
                Err(e) => {
                    assert_eq!(e, Error::Dukpt(DukptError::CounterExhausted));
                    assert_eq!(expected.next(), None);
                    let mut again = Originator::restore(&dk, store.0.as_ref().unwrap(), 0).unwrap();
                    assert!(again.next_transaction(&dk, &mut rng, &mut store).is_err());
                    return (seen, true);
                }
            }
        }
        (seen, false)
    }

    #[test]
    fn helper_matches_a_real_originator() {
        let ik = Key::new(
            Algorithm::Aes128,
            &initial_key(),
            KeyAttributes::new(KeyUsage::InitialDukptKey, ModeOfUse::Derive),
        )
        .unwrap();
        let o = Originator::load_initial_key(
            &ik,
            ksn(0).initial_key_id(),
            &device_key(),
            &mut rand::rngs::OsRng,
            &mut Ram(None),
        )
        .unwrap();
        let mut o = o;
        let mut store = Ram(None);
        for _ in 0..300 {
            let h = at_counter(o.ksn().counter());
            assert_eq!(o.registers.in_use(), h.registers.in_use());
            for b in 0..32 {
                assert_eq!(o.registers.get(b), h.registers.get(b));
            }
            o.next_transaction(&device_key(), &mut rand::rngs::OsRng, &mut store)
                .unwrap();
        }
    }

    /// Published counters 0x0001FFFE (16 one-bits, used), 0x0001FFFF (17,
    /// skipped by the originator), 0x00020000, 0x00020001.
    #[test]
    fn skips_seventeen_bit_counter() {
        let (seen, exhausted) = run(0x0001_FFF0, 20);
        assert!(!exhausted);
        assert!(
            seen.contains(&0x0001_FFFE)
                && seen.contains(&0x0002_0000)
                && seen.contains(&0x0002_0001)
        );
        assert!(!seen.contains(&0x0001_FFFF));
    }

    /// Published counters 0xFFFE2000, 0xFFFE4000, 0xFFFE8000, 0xFFFF0000 are
    /// the last ones; then the originator is exhausted.
    #[test]
    fn last_counters_then_exhaustion() {
        let (seen, exhausted) = run(0xFFFE_0000, 100);
        assert!(exhausted);
        assert_eq!(seen.len(), 18);
        assert_eq!(seen.last(), Some(&0xFFFF_0000));
        assert!(seen.contains(&0xFFFE_2000));
    }

    #[test]
    fn debug_is_redacted() {
        assert_eq!(
            format!("{:?}", at_counter(3)),
            "Originator { ksn: AesKsn(123456789012345600000003), .. }"
        );
    }
}
