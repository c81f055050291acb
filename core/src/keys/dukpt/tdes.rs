//! TDES DUKPT, ANSI X9.24-1:2009 Annex A: IPEK derivation, host-side
//! transaction keys, PIN / MAC / data variants, and the originator with its
//! 21 future-key registers.
//!
//! # Example
//! ```
//! use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
//! use paycore::keys::dukpt::{StateStore, TdesKsn, tdes};
//!
//! # struct Ram(Vec<u8>);
//! # impl StateStore for Ram {
//! #     fn persist(&mut self, blob: &[u8]) -> Result<(), paycore::Error> { self.0 = blob.to_vec(); Ok(()) }
//! # }
//! let bdk = Key::new(
//!     Algorithm::Tdes2,
//!     &[0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10],
//!     KeyAttributes::new(KeyUsage::Bdk, ModeOfUse::Derive),
//! ).unwrap();
//! let initial_ksn = TdesKsn::from_bytes(&[0xFF, 0xFF, 0x98, 0x76, 0x54, 0x32, 0x10, 0xE0, 0x00, 0x00]).unwrap();
//! // Key-injection station: IPEK for the terminal.
//! let ipek = tdes::derive_ipek(&bdk, &initial_ksn).unwrap();
//!
//! // Terminal: load the IPEK, then one transaction.
//! let device_key = Key::new(
//!     Algorithm::Aes256, &[9; 32],
//!     KeyAttributes::new(KeyUsage::DataEncryption, ModeOfUse::EncryptDecrypt),
//! ).unwrap();
//! let mut store = Ram(Vec::new());
//! let mut rng = rand::rngs::OsRng;
//! let mut terminal = tdes::Originator::load_initial_key(&ipek, &initial_ksn, &device_key, &mut rng, &mut store).unwrap();
//! let tx = terminal.next_transaction(&device_key, &mut rng, &mut store).unwrap();
//! assert_eq!(tx.ksn().counter(), 1);
//!
//! // Host: the same key from the BDK and the KSN.
//! let host = tdes::derive_transaction_key_from_bdk(&bdk, &tx.ksn()).unwrap();
//! assert_eq!(
//!     tx.pin_key().unwrap().dangerous_expose_secret().unwrap(),
//!     host.pin_key().unwrap().dangerous_expose_secret().unwrap(),
//! );
//! // A restart from the stored blob continues after counter 1.
//! let mut again = tdes::Originator::restore(&device_key, &store.0, 0).unwrap();
//! assert_eq!(again.ksn().counter(), 2);
//! ```

use core::fmt;

use des::Des;
use des::cipher::{BlockEncrypt, KeyInit, generic_array::GenericArray};
use rand_core::CryptoRngCore;
use zeroize::Zeroizing;

use super::state::{self, Flavour, Registers, StateStore, TDES_STATE_LEN};
use super::{Holder, TDES_COUNTER_BITS, TDES_MAX_ONE_BITS, TdesKsn, WorkingKeyUsage};
use crate::error::{DukptError, Error, KeyError};
use crate::keys::cipher::BlockCipher;
use crate::keys::{
    Algorithm, Exportability, Key, KeyAttributes, KeyUsage, MAX_KEY_LEN, ModeOfUse, Operation,
};
use crate::secret::SecretBytes;

/// Number of future-key registers (X9.24-1:2009 §A.2).
pub const REGISTERS: usize = 21;

/// `C0C0C0C000000000C0C0C0C000000000`, the key-register mask of
/// X9.24-1:2009 §A.6 (IPEK) and §A.2 (non-reversible key generation).
const KEY_MASK: [u8; 16] = [
    0xC0, 0xC0, 0xC0, 0xC0, 0, 0, 0, 0, 0xC0, 0xC0, 0xC0, 0xC0, 0, 0, 0, 0,
];

/// Variant masks of X9.24-1:2009 §A.4 (PIN, MAC request / response, data
/// request / response): `FF` in byte `n` of each half.
const PIN_VARIANT: [u8; 16] = variant(7);
const MAC_REQUEST_VARIANT: [u8; 16] = variant(6);
const MAC_RESPONSE_VARIANT: [u8; 16] = variant(4);
const DATA_REQUEST_VARIANT: [u8; 16] = variant(5);
const DATA_RESPONSE_VARIANT: [u8; 16] = variant(3);

const fn variant(byte: usize) -> [u8; 16] {
    let mut v = [0u8; 16];
    v[byte] = 0xFF;
    v[byte + 8] = 0xFF;
    v
}

type Block = [u8; 8];
type DoubleKey = [u8; 16];

/// One half of the non-reversible key generation process (X9.24-1:2009
/// §A.2): `out = DES[key left](register ⊕ key right) ⊕ key right`.
///
/// Computed in `out` itself (a half of the caller's `Zeroizing` result), so
/// no key half, cipher input or cipher output is left in an unwiped stack
/// temporary: `key` is only borrowed, and the DES key schedule is zeroized
/// on drop (the `des` crate's `zeroize` feature). Issue 11.10b: the former
/// version copied both key halves and the XOR/DES results into plain arrays.
fn half_step(key: &DoubleKey, register: &Block, out: &mut [u8]) -> Result<(), Error> {
    let bad = || Error::Key(KeyError::InvalidLength { length: 8 });
    let (left, right) = key.split_first_chunk::<8>().ok_or_else(bad)?;
    if out.len() != 8 || right.len() != 8 {
        return Err(bad());
    }
    out.iter_mut()
        .zip(right.iter().zip(register))
        .for_each(|(o, (k, c))| *o = k ^ c);
    let cipher = Des::new_from_slice(left).map_err(|_| bad())?;
    cipher.encrypt_block(GenericArray::from_mut_slice(out));
    out.iter_mut().zip(right).for_each(|(o, k)| *o ^= k);
    Ok(())
}

/// The non-reversible key generation process (X9.24-1:2009 §A.2): a new
/// key from `key` and the 64-bit crypto register `register`. The right
/// half comes from `key`, the left half from `key ⊕ C0C0C0C000000000…`;
/// every intermediate lives in a `Zeroizing` buffer (see [`half_step`]).
fn non_reversible(key: &DoubleKey, register: &Block) -> Result<Zeroizing<DoubleKey>, Error> {
    let mut masked = Zeroizing::new([0u8; 16]);
    masked
        .iter_mut()
        .zip(key.iter().zip(KEY_MASK))
        .for_each(|(o, (k, m))| *o = k ^ m);
    let mut out = Zeroizing::new([0u8; 16]);
    let (left, right) = out.split_at_mut(8);
    half_step(key, register, right)?;
    half_step(&masked, register, left)?;
    Ok(out)
}

fn check_bdk(bdk: &Key) -> Result<(), Error> {
    bdk.require(&[KeyUsage::Bdk], Operation::Derive)?;
    if bdk.algorithm() != Algorithm::Tdes2 {
        return Err(KeyError::WrongAlgorithm.into());
    }
    Ok(())
}

fn check_initial_key(initial_key: &Key) -> Result<(), Error> {
    initial_key.require(&[KeyUsage::InitialDukptKey], Operation::Derive)?;
    if initial_key.algorithm() != Algorithm::Tdes2 {
        return Err(KeyError::WrongAlgorithm.into());
    }
    Ok(())
}

fn ipek_raw(bdk: &Key, ksn: &TdesKsn) -> Result<Zeroizing<DoubleKey>, Error> {
    check_bdk(bdk)?;
    let [a, b, c, d, e, f, g, h, ..] = *ksn.with_counter(0).as_bytes();
    let data = [a, b, c, d, e, f, g, h];
    let mut out = Zeroizing::new([0u8; 16]);
    let (left, right) = out.split_at_mut(8);
    left.copy_from_slice(&data);
    BlockCipher::new(Algorithm::Tdes2, bdk.material())?.encrypt_block(left)?;
    let mut masked = Zeroizing::new([0u8; 16]);
    masked.copy_from_slice(bdk.material());
    masked.iter_mut().zip(KEY_MASK).for_each(|(k, m)| *k ^= m);
    right.copy_from_slice(&data);
    BlockCipher::new(Algorithm::Tdes2, &*masked)?.encrypt_block(right)?;
    Ok(out)
}

fn to_key(material: &DoubleKey, attributes: KeyAttributes) -> Result<Key, Error> {
    let mut secret = SecretBytes::<MAX_KEY_LEN>::zeroed(16)?;
    secret.expose_secret_mut().copy_from_slice(material);
    Key::from_secret(Algorithm::Tdes2, secret, attributes)
}

/// Derives the initial PIN encryption key (IPEK) of the device with
/// `ksn` (its counter is ignored) from a `B0` BDK (X9.24-1:2009 §A.6).
/// The result has usage `B1`, mode `X`, and the BDK's exportability (a
/// non-exportable BDK yields a non-exportable IPEK).
///
/// # Errors
/// Key usage errors unless `bdk` is `B0` with mode `X` or `N`;
/// [`KeyError::WrongAlgorithm`] unless it is 2TDEA.
pub fn derive_ipek(bdk: &Key, ksn: &TdesKsn) -> Result<Key, Error> {
    let ipek = ipek_raw(bdk, ksn)?;
    to_key(
        &ipek,
        KeyAttributes::new(KeyUsage::InitialDukptKey, ModeOfUse::Derive)
            .with_exportability(bdk.attributes().exportability),
    )
}

/// Host derivation of the key for `ksn`'s counter from the initial key
/// (X9.24-1:2009 §A.3, at most 10 iterations for an originator counter,
/// 21 at most for any counter).
fn transaction_raw(ipek: &DoubleKey, ksn: &TdesKsn) -> Result<Zeroizing<DoubleKey>, Error> {
    let counter = ksn.counter();
    if counter == 0 {
        return Err(DukptError::InvalidCounter.into());
    }
    let mut register = u64::from_be_bytes(ksn.with_counter(0).right_register());
    let mut key = Zeroizing::new(*ipek);
    for bit in (0..TDES_COUNTER_BITS).rev() {
        if counter & (1 << bit) != 0 {
            register |= 1 << bit;
            key = non_reversible(&key, &register.to_be_bytes())?;
        }
    }
    Ok(key)
}

/// Host side: the transaction key for `ksn` from the device's initial key
/// (`B1`).
///
/// # Errors
/// Key usage errors unless `initial_key` is `B1` permitting derivation;
/// [`KeyError::WrongAlgorithm`]; [`DukptError::InvalidCounter`] for counter zero.
pub fn derive_transaction_key(initial_key: &Key, ksn: &TdesKsn) -> Result<TransactionKey, Error> {
    check_initial_key(initial_key)?;
    // Copied straight into a wiped buffer (no plain-array temporary).
    let material = initial_key.material();
    if material.len() != 16 {
        return Err(KeyError::InvalidLength {
            length: material.len(),
        }
        .into());
    }
    let mut ipek = Zeroizing::new([0u8; 16]);
    ipek.copy_from_slice(material);
    let key = transaction_raw(&ipek, ksn)?;
    TransactionKey::new(
        &key,
        *ksn,
        Holder::Host,
        initial_key.attributes().exportability,
    )
}

/// Host side: the transaction key for `ksn` from the BDK (IPEK, then
/// §A.3). Accepts any non-zero counter; see the module docs of
/// [`dukpt`](super) for why.
///
/// # Errors
/// As [`derive_ipek`]; [`DukptError::InvalidCounter`] for counter zero.
pub fn derive_transaction_key_from_bdk(bdk: &Key, ksn: &TdesKsn) -> Result<TransactionKey, Error> {
    let ipek = ipek_raw(bdk, ksn)?;
    let key = transaction_raw(&ipek, ksn)?;
    TransactionKey::new(&key, *ksn, Holder::Host, bdk.attributes().exportability)
}

/// The key of one transaction (the "current key" of X9.24-1:2009 §A.2)
/// with its KSN; the PIN, MAC and data keys are its variants. Zeroized on
/// drop, redacted `Debug`.
///
/// It carries the exportability of the key it descends from (BDK, IPEK,
/// or the initial key an originator was loaded with); every working key
/// inherits it.
pub struct TransactionKey {
    key: SecretBytes<16>,
    ksn: TdesKsn,
    holder: Holder,
    exportability: Exportability,
}

impl TransactionKey {
    fn new(
        key: &DoubleKey,
        ksn: TdesKsn,
        holder: Holder,
        exportability: Exportability,
    ) -> Result<Self, Error> {
        Ok(Self {
            key: SecretBytes::from_slice(key)?,
            ksn,
            holder,
            exportability,
        })
    }

    /// The exportability inherited from the parent key.
    #[must_use]
    pub const fn exportability(&self) -> Exportability {
        self.exportability
    }

    /// The KSN to send with the transaction.
    #[must_use]
    pub const fn ksn(&self) -> TdesKsn {
        self.ksn
    }

    /// Who derived this key.
    #[must_use]
    pub const fn holder(&self) -> Holder {
        self.holder
    }

    fn masked(&self, variant: &DoubleKey) -> Zeroizing<DoubleKey> {
        let mut out = Zeroizing::new([0u8; 16]);
        // EXPOSE: variant derivation inside the DUKPT module.
        out.iter_mut()
            .zip(self.key.expose_secret().iter().zip(variant))
            .for_each(|(o, (k, v))| *o = k ^ v);
        out
    }

    /// The one-way data-key step of X9.24-1:2009 §A.4: each half of the
    /// variant key enciphered under the variant key (TDES, 2TDEA).
    fn data_key(&self, variant: &DoubleKey) -> Result<Zeroizing<DoubleKey>, Error> {
        let mut key = self.masked(variant);
        let cipher = BlockCipher::new(Algorithm::Tdes2, &*key)?;
        cipher.encrypt_ecb(&mut *key)?;
        Ok(key)
    }

    /// The PIN encryption key: transaction key ⊕ `00000000000000FF…FF`
    /// (X9.24-1:2009 §A.4). Usage `P0`; mode `E` at the originator, `D` at the host.
    ///
    /// # Errors
    /// Only internal length errors (not expected).
    pub fn pin_key(&self) -> Result<Key, Error> {
        self.working_key(WorkingKeyUsage::PinEncryption)
    }

    /// The request MAC key: ⊕ `000000000000FF00…` (X9.24-1:2009 §A.4).
    /// Usage `M3` (X9.19); mode `G` at the originator, `V` at the host.
    ///
    /// # Errors
    /// Only internal length errors (not expected).
    pub fn mac_request_key(&self) -> Result<Key, Error> {
        self.working_key(WorkingKeyUsage::MacGenerate)
    }

    /// The response MAC key: ⊕ `00000000FF000000…`. Usage `M3`; mode `V` at
    /// the originator, `G` at the host.
    ///
    /// # Errors
    /// Only internal length errors (not expected).
    pub fn mac_response_key(&self) -> Result<Key, Error> {
        self.working_key(WorkingKeyUsage::MacVerify)
    }

    /// The request data key: ⊕ `0000000000FF0000…` then the one-way step.
    /// Usage `D0`; mode `E` at the originator, `D` at the host.
    ///
    /// # Errors
    /// Only internal length errors (not expected).
    pub fn data_request_key(&self) -> Result<Key, Error> {
        self.working_key(WorkingKeyUsage::DataEncrypt)
    }

    /// The response data key: ⊕ `000000FF00000000…` then the one-way step.
    /// Usage `D0`; mode `D` at the originator, `E` at the host.
    ///
    /// # Errors
    /// Only internal length errors (not expected).
    pub fn data_response_key(&self) -> Result<Key, Error> {
        self.working_key(WorkingKeyUsage::DataDecrypt)
    }

    /// The working key for `usage`: `mac-gen` / `mac-both` are the request
    /// MAC key, `mac-verify` the response MAC key, `data-enc` / `data-both`
    /// the request data key, `data-dec` the response data key.
    ///
    /// # Errors
    /// [`DukptError::UnsupportedUsage`] for `kek` and `key-derivation`.
    pub fn working_key(&self, usage: WorkingKeyUsage) -> Result<Key, Error> {
        use WorkingKeyUsage as U;
        let material = match usage {
            U::PinEncryption => self.masked(&PIN_VARIANT),
            U::MacGenerate | U::MacBoth => self.masked(&MAC_REQUEST_VARIANT),
            U::MacVerify => self.masked(&MAC_RESPONSE_VARIANT),
            U::DataEncrypt | U::DataBoth => self.data_key(&DATA_REQUEST_VARIANT)?,
            U::DataDecrypt => self.data_key(&DATA_RESPONSE_VARIANT)?,
            U::KeyEncryption | U::KeyDerivation => return Err(DukptError::UnsupportedUsage.into()),
        };
        to_key(
            &material,
            usage
                .attributes(self.holder, KeyUsage::MacIso9797Alg3)
                .with_exportability(self.exportability),
        )
    }

    /// The raw transaction key (for tests against published vectors and
    /// for export paths that need it). Refused when the parent key was
    /// non-exportable.
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

/// A TDES DUKPT originator (terminal): KSN register and 21 future-key
/// registers, processing per X9.24-1:2009 §A.2 ("Load Initial Key",
/// "Request PIN Entry", "New Key", "New Key-1..4"), with every state
/// change persisted through a [`StateStore`] before a key is released.
///
/// Future-key register `i` holds the key for the current counter with bit
/// `i` set (register index = bit position, 0 = rightmost counter bit).
pub struct Originator {
    /// KSN whose counter is the next counter to use; counter 0 = exhausted.
    ksn: TdesKsn,
    registers: Registers<REGISTERS, 16>,
    /// Exportability of the initial key; inherited by every released key
    /// and persisted in the state blob.
    exportability: Exportability,
}

impl Originator {
    /// "Load Initial Key": fills the 21 future-key registers from the IPEK
    /// (`B1`), sets the counter to 1, and persists the state. The IPEK's
    /// exportability is kept (and persisted): every transaction key and
    /// working key the originator releases inherits it.
    ///
    /// # Errors
    /// Key usage errors unless `initial_key` is a 2TDEA `B1` key that may
    /// derive; device key errors (AES, `D0`, encrypt permitted); any
    /// error of `store` (then no originator is returned).
    pub fn load_initial_key(
        initial_key: &Key,
        initial_ksn: &TdesKsn,
        device_key: &Key,
        rng: &mut impl CryptoRngCore,
        store: &mut impl StateStore,
    ) -> Result<Self, Error> {
        check_initial_key(initial_key)?;
        let mut ipek = Zeroizing::new([0u8; 16]);
        ipek.copy_from_slice(initial_key.material());
        let mut this = Self {
            ksn: initial_ksn.with_counter(0),
            registers: Registers::new(),
            exportability: initial_key.attributes().exportability,
        };
        this.spawn(&ipek, 0, TDES_COUNTER_BITS)?;
        this.ksn = this.ksn.with_counter(1);
        this.persist(device_key, rng, store)?;
        Ok(this)
    }

    /// Generates future keys for registers `below-1 .. 0` from `key`, the
    /// key of the current counter ("New Key-1 / New Key-3").
    fn spawn(&mut self, key: &DoubleKey, counter: u32, below: u32) -> Result<(), Error> {
        let base = self.ksn.with_counter(counter);
        for bit in (0..below).rev() {
            let register = base.with_counter(counter | (1 << bit)).right_register();
            let future = non_reversible(key, &register)?;
            self.registers.set(bit, &future)?;
        }
        Ok(())
    }

    /// The KSN of the next transaction (counter 0 once exhausted).
    #[must_use]
    pub const fn ksn(&self) -> TdesKsn {
        self.ksn
    }

    /// "Request PIN Entry" then "New Key": takes the key of the current
    /// counter, generates the future keys it spawns, erases it, advances
    /// the counter (skipping counters with more than 10 one-bits), persists
    /// the new state, and only then returns the transaction key.
    ///
    /// # Errors
    /// [`DukptError::CounterExhausted`] once no counter is left; device key
    /// errors; any error of `store` (the key is then withheld and its
    /// counter is never used).
    pub fn next_transaction(
        &mut self,
        device_key: &Key,
        rng: &mut impl CryptoRngCore,
        store: &mut impl StateStore,
    ) -> Result<TransactionKey, Error> {
        // Fail before consuming anything if the device key cannot seal.
        state::require_device_key(device_key, Operation::Encrypt, self.exportability)?;
        let (counter, index) = state::current_counter(
            self.ksn.counter(),
            self.registers.in_use(),
            TDES_COUNTER_BITS,
        )?;
        // Copied straight into a wiped buffer (no plain-array temporary).
        let mut key = Zeroizing::new([0u8; 16]);
        key.copy_from_slice(self.registers.get(index).ok_or(DukptError::InvalidState)?);
        let spawn = counter.count_ones() < TDES_MAX_ONE_BITS;
        if spawn {
            self.spawn(&key, counter, index)?;
        }
        self.registers.erase(index);
        let next = state::advance(counter, index, spawn, TDES_COUNTER_BITS);
        self.ksn = self.ksn.with_counter(next);
        if next == 0 {
            self.registers.erase_all();
        }
        self.persist(device_key, rng, store)?;
        TransactionKey::new(
            &key,
            self.ksn.with_counter(counter),
            Holder::Originator,
            self.exportability,
        )
    }

    fn persist(
        &self,
        device_key: &Key,
        rng: &mut impl CryptoRngCore,
        store: &mut impl StateStore,
    ) -> Result<(), Error> {
        let mut plain = Zeroizing::new([0u8; state::TDES_PLAIN_LEN]);
        let (ksn, regs) = plain.split_at_mut(TdesKsn::LEN);
        ksn.copy_from_slice(self.ksn.as_bytes());
        self.registers.write(regs)?;
        let mut blob = [0u8; TDES_STATE_LEN];
        state::seal(
            device_key,
            rng,
            Flavour::Tdes,
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
        let mut plain = Zeroizing::new([0u8; state::TDES_PLAIN_LEN]);
        let exportability = state::open(device_key, Flavour::Tdes, blob, &mut *plain)?;
        let (ksn, regs) = plain.split_at(TdesKsn::LEN);
        let ksn = TdesKsn::from_bytes(ksn)?;
        let registers = Registers::read(regs)?;
        let counter = ksn.counter();
        state::check_not_rolled_back(counter, min_counter)?;
        if counter != 0 && counter.count_ones() > TDES_MAX_ONE_BITS {
            return Err(DukptError::InvalidState.into());
        }
        Ok(Self {
            ksn,
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

    struct Ram(Option<[u8; TDES_STATE_LEN]>);
    impl StateStore for Ram {
        fn persist(&mut self, blob: &[u8]) -> Result<(), Error> {
            self.0 = Some(
                blob.try_into()
                    .map_err(|_| Error::invalid_argument("blob"))?,
            );
            Ok(())
        }
    }

    // ANSI X9.24-1:2009 Annex A.4 IPEK and initial KSN.
    const IPEK: DoubleKey = [
        0x6A, 0xC2, 0x92, 0xFA, 0xA1, 0x31, 0x5B, 0x4D, 0x85, 0x8A, 0xB3, 0xA3, 0xD7, 0xD5, 0x93,
        0x3A,
    ];
    const KSN: TdesKsn =
        TdesKsn::from_array([0xFF, 0xFF, 0x98, 0x76, 0x54, 0x32, 0x10, 0xE0, 0, 0]);

    fn device_key() -> Key {
        Key::new(
            Algorithm::Aes128,
            &[1; 16],
            KeyAttributes::new(KeyUsage::DataEncryption, ModeOfUse::EncryptDecrypt),
        )
        .unwrap()
    }

    /// The state an originator is in when `counter` is next, built from
    /// host derivation (register `b` holds the key of the smallest counter
    /// above `counter` whose lowest one-bit is `b` and whose parent spawned).
    fn at_counter(counter: u32) -> Originator {
        let mut registers = Registers::new();
        let lsb = counter.trailing_zeros();
        for b in lsb..TDES_COUNTER_BITS {
            if b != lsb && counter & (1 << b) != 0 {
                continue;
            }
            let k = ((counter >> (b + 1)) << (b + 1)) | (1 << b);
            if (k & !(1 << b)).count_ones() >= TDES_MAX_ONE_BITS {
                continue;
            }
            let key = transaction_raw(&IPEK, &KSN.with_counter(k)).unwrap();
            registers.set(b, &key).unwrap();
        }
        Originator {
            ksn: KSN.with_counter(counter),
            registers,
            exportability: Exportability::Exportable,
        }
    }

    /// Runs from `start` until exhaustion or `limit` transactions; checks
    /// the counters are exactly the ascending counters with at most 10
    /// one-bits and each key equals the host's.
    fn run(start: u32, limit: usize) -> (Originator, usize) {
        let mut o = at_counter(start);
        let dk = device_key();
        let mut store = Ram(None);
        let mut rng = rand::rngs::OsRng;
        let mut expected =
            (start..1 << TDES_COUNTER_BITS).filter(|c| c.count_ones() <= TDES_MAX_ONE_BITS);
        let mut n = 0;
        while n < limit {
            match o.next_transaction(&dk, &mut rng, &mut store) {
                Ok(tx) => {
                    assert_eq!(Some(tx.ksn().counter()), expected.next());
                    let host = transaction_raw(&IPEK, &tx.ksn()).unwrap();
                    assert_eq!(tx.dangerous_expose_secret().unwrap(), &host[..]);
                    n += 1;
                }
                Err(e) => {
                    assert_eq!(e, Error::Dukpt(DukptError::CounterExhausted));
                    assert_eq!(expected.next(), None, "exhausted early");
                    let blob = store.0.unwrap();
                    let mut again = Originator::restore(&dk, &blob, 0).unwrap();
                    assert_eq!(
                        again
                            .next_transaction(&dk, &mut rng, &mut store)
                            .unwrap_err(),
                        Error::Dukpt(DukptError::CounterExhausted)
                    );
                    assert_eq!(again.registers.in_use(), 0);
                    break;
                }
            }
        }
        (o, n)
    }

    #[test]
    fn helper_matches_a_real_originator() {
        let ipek = to_key(
            &IPEK,
            KeyAttributes::new(KeyUsage::InitialDukptKey, ModeOfUse::Derive),
        )
        .unwrap();
        let o = Originator::load_initial_key(
            &ipek,
            &KSN,
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
            for b in 0..21 {
                assert_eq!(o.registers.get(b), h.registers.get(b));
            }
            o.next_transaction(&device_key(), &mut rand::rngs::OsRng, &mut store)
                .unwrap();
        }
    }

    #[test]
    fn stretch_across_ten_bit_counters() {
        // 0x0FFC has 10 one-bits: its successors skip to 0x1000.
        let (_, n) = run(0x0FF0, 40);
        assert_eq!(n, 40);
        let (_, n) = run(0x0000_03FF, 30);
        assert_eq!(n, 30);
    }

    #[test]
    fn last_counters_then_exhaustion() {
        // 0x1FF000 has 9 one-bits; the last usable counter is 0x1FF800.
        let (o, n) = run(0x1F_F000, 100);
        assert_eq!(n, 13);
        assert_eq!(o.ksn().counter(), 0);
    }

    #[test]
    fn debug_is_redacted() {
        let o = at_counter(1);
        assert_eq!(
            format!("{o:?}"),
            "Originator { ksn: TdesKsn(FFFF9876543210E00001), .. }"
        );
    }
}
