//! Crash-safe persistence of originator state: future-key / intermediate
//! derivation key registers and the counter, sealed with AES-256-GCM
//! (NIST SP 800-38D) under a sub-key of the device key that only this
//! module can compute.
//!
//! # Blob format, version 3
//! ```text
//! offset  length  field
//! 0       4       magic "PCDK"
//! 4       1       version = 3
//! 5       1       flavour: 1 TDES, 2 AES
//! 6       1       exportability of the initial key: 'E', 'N' or 'S' (TR-31)
//! 7       1       00
//! 8       12      nonce (from the caller's CryptoRng)
//! 20      n       ciphertext of the state (TDES n = 350, AES n = 1041)
//! 20+n    16      GCM tag
//! ```
//! The 8-byte header is the GCM additional data. The sealing key is
//! `HKDF-SHA256(IKM = device key, salt = none, info = "paycore DUKPT
//! originator state" || header, L = 32)` (RFC 5869): it never exists as a
//! [`Key`], so the public [`crate::aead`] API (and `paycore_aead_open` /
//! `_seal` in C) cannot open or re-seal a blob even though they accept the
//! device key; and because the header is part of `info`, a blob sealed for
//! one version, flavour or exportability opens under no other.
//!
//! Plaintext: TDES `KSN (10) | register bitmap (4, big-endian) | 21 × 16`;
//! AES `KSN (12) | key type code (1) | register bitmap (4) | 32 × 32`.
//!
//! The exportability byte is that of the initial key the registers descend
//! from: every key the restored originator releases inherits it. Older
//! versions are refused ([`DukptError::InvalidState`]), never read as
//! exportable: version 1 had no exportability byte, version 2 was sealed
//! under the device key itself and could be opened and re-sealed through
//! the AEAD API (issue 11.1), so neither its exportability nor its counter
//! can be trusted. A terminal upgrading from them loads its initial key again.
//!
//! Registers descended from a non-exportable (`N`) initial key are sealed
//! only under a non-exportable device key: whoever can export the device key
//! could compute the sealing key offline (see [`require_device_key`]).
//!
//! # Example
//! ```
//! use paycore::keys::dukpt::{StateStore, TDES_STATE_LEN};
//!
//! /// A store that keeps the latest blob in RAM (a real one writes flash
//! /// atomically and returns only once the write is durable).
//! struct Ram(Vec<u8>);
//! impl StateStore for Ram {
//!     fn persist(&mut self, blob: &[u8]) -> Result<(), paycore::Error> {
//!         self.0 = blob.to_vec();
//!         Ok(())
//!     }
//! }
//! assert_eq!(TDES_STATE_LEN, 386);
//! ```
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use core::fmt;

use rand_core::CryptoRngCore;
use zeroize::{Zeroize, ZeroizeOnDrop};

use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::aead::{NONCE_LEN, TAG_LEN, open_raw, seal_raw};
use crate::error::{DukptError, Error, KeyError};
use crate::keys::{Algorithm, Exportability, Key, KeyUsage, Operation};

/// Where an originator writes its state before releasing a key.
///
/// Contract: `persist` returns `Ok(())` only once `blob` is durably stored
/// (it replaces the previous blob atomically). The originator calls it with
/// the state *after* the counter it is about to use has been consumed and
/// its key erased, and releases the transaction key only if `persist`
/// succeeded. Hence:
/// - persist fails → no key is released; the in-memory originator has
///   still moved past the counter, and the old blob on storage never
///   released it, so neither a retry nor a restart reuses a released counter;
/// - crash after persist, before use → restart from the new blob, which
///   is past the counter: the counter is skipped, never reused.
///
/// A storage that can be rolled back to an *older* blob after a key was
/// released would make the originator reuse counters: an old blob is as
/// authentic as the newest, so the seal cannot tell. Keep the originator's
/// next counter (`ksn().counter()`) in monotonic secure storage (a hardware
/// monotonic counter, tamper-responsive memory) after each successful call
/// and pass it as `min_counter` to `Originator::restore`, which then refuses
/// the older blob with [`DukptError::StateRolledBack`].
pub trait StateStore {
    /// Durably stores `blob`, replacing the previous state.
    ///
    /// # Errors
    /// Any error: the originator then withholds the transaction key.
    fn persist(&mut self, blob: &[u8]) -> Result<(), Error>;
}

const MAGIC: [u8; 4] = *b"PCDK";
/// Version 3: sealed under the HKDF sub-key (versions 1 and 2 are refused).
const VERSION: u8 = 3;
/// HKDF `info` prefix of the state-sealing key; the header follows it.
const SEALING_LABEL: &[u8] = b"paycore DUKPT originator state";
pub(crate) const HEADER_LEN: usize = 8;
/// Bytes a blob adds around the plaintext state.
pub(crate) const OVERHEAD: usize = HEADER_LEN + NONCE_LEN + TAG_LEN;

/// TDES plaintext: KSN (10) | register bitmap (4) | 21 × 16 key bytes.
pub(crate) const TDES_PLAIN_LEN: usize = 10 + 4 + 21 * 16;
/// AES plaintext: KSN (12) | key type (1) | register bitmap (4) | 32 × 32 key bytes.
pub(crate) const AES_PLAIN_LEN: usize = 12 + 1 + 4 + 32 * 32;
/// Length of a sealed TDES originator state blob.
pub const TDES_STATE_LEN: usize = OVERHEAD + TDES_PLAIN_LEN;
/// Length of a sealed AES originator state blob.
pub const AES_STATE_LEN: usize = OVERHEAD + AES_PLAIN_LEN;

/// Which originator a blob belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavour {
    Tdes = 1,
    Aes = 2,
}

/// The device key must be a data-encryption key (`D0`): AES-GCM sealing
/// of state is data encryption, and a `K0` key-encryption key must not
/// double as one (see [`crate::aead`]).
const DEVICE_KEY_USAGES: &[KeyUsage] = &[KeyUsage::DataEncryption];

fn header(flavour: Flavour, exportability: Exportability) -> [u8; HEADER_LEN] {
    let [a, b, c, d] = MAGIC;
    [a, b, c, d, VERSION, flavour as u8, exportability.code(), 0]
}

/// Checks that `device_key` may seal or open state of `exportability`: an
/// AES `D0` key permitting `op`, and, for registers descended from a
/// non-exportable (`N`) initial key, itself non-exportable. Sealing key
/// material under a key is an export of it (TR-31 exportability `N`: the
/// key leaves the device under no key); an exportable device key would let
/// whoever exports it derive the sealing key offline and read or re-seal
/// the registers.
///
/// # Errors
/// Key usage errors; [`KeyError::NotExportable`] for an `N` state under a
/// device key that is not itself `N`.
pub(crate) fn require_device_key(
    device_key: &Key,
    op: Operation,
    exportability: Exportability,
) -> Result<(), Error> {
    device_key.require(DEVICE_KEY_USAGES, op)?;
    if !device_key.algorithm().is_aes() {
        return Err(KeyError::WrongAlgorithm.into());
    }
    if exportability == Exportability::NonExportable
        && device_key.attributes().exportability != Exportability::NonExportable
    {
        return Err(KeyError::NotExportable.into());
    }
    Ok(())
}

/// The AES-256 state-sealing key for a blob with header `hdr` (see the
/// module docs). Kept in a `Zeroizing` buffer. The `hkdf`/`hmac`/`sha2`
/// crates have no zeroize support, so their internal copies on the stack
/// are not wiped (as in [`crate::sign::seal`]).
fn sealing_key(device_key: &Key, hdr: &[u8; HEADER_LEN]) -> Result<Zeroizing<[u8; 32]>, Error> {
    let hk = Hkdf::<Sha256>::new(None, device_key.material());
    let mut key = Zeroizing::new([0u8; 32]);
    hk.expand_multi_info(&[SEALING_LABEL, hdr], &mut *key)
        .map_err(|_| Error::invalid_argument("hkdf length"))?;
    Ok(key)
}

/// Seals `plain` (wiped afterwards) into `out`, which must be exactly
/// `OVERHEAD + plain.len()` bytes; `exportability` (that of the initial
/// key) is bound into the authenticated header.
pub(crate) fn seal(
    device_key: &Key,
    rng: &mut impl CryptoRngCore,
    flavour: Flavour,
    exportability: Exportability,
    plain: &mut [u8],
    out: &mut [u8],
) -> Result<(), Error> {
    require_device_key(device_key, Operation::Encrypt, exportability)?;
    let hdr = header(flavour, exportability);
    let key = sealing_key(device_key, &hdr)?;
    let mut nonce = [0u8; NONCE_LEN];
    rng.try_fill_bytes(&mut nonce)
        .map_err(|_| Error::RandomFailure)?;
    let provided = out.len();
    let (h, rest) = out
        .split_at_mut_checked(HEADER_LEN)
        .ok_or(Error::buffer_too_small(OVERHEAD, provided))?;
    let (n, rest) = rest
        .split_at_mut_checked(NONCE_LEN)
        .ok_or(Error::invalid_argument("state buffer"))?;
    let (body, t) = rest
        .split_at_mut_checked(plain.len())
        .ok_or(Error::invalid_argument("state buffer"))?;
    if t.len() != TAG_LEN {
        return Err(Error::invalid_argument("state buffer"));
    }
    h.copy_from_slice(&hdr);
    n.copy_from_slice(&nonce);
    body.copy_from_slice(plain);
    plain.zeroize();
    let tag = seal_raw(Algorithm::Aes256, &*key, &nonce, &hdr, body)?;
    t.copy_from_slice(&tag);
    Ok(())
}

/// Opens `blob` into `plain` (exactly the plaintext length of `flavour`);
/// returns the exportability recorded in the authenticated header.
pub(crate) fn open(
    device_key: &Key,
    flavour: Flavour,
    blob: &[u8],
    plain: &mut [u8],
) -> Result<Exportability, Error> {
    let invalid = || Error::Dukpt(DukptError::InvalidState);
    if blob.len() != OVERHEAD + plain.len() {
        return Err(invalid());
    }
    let (h, rest) = blob.split_at_checked(HEADER_LEN).ok_or_else(invalid)?;
    let (n, rest) = rest.split_at_checked(NONCE_LEN).ok_or_else(invalid)?;
    let (body, t) = rest.split_at_checked(plain.len()).ok_or_else(invalid)?;
    let exportability = h
        .get(6)
        .and_then(|&c| Exportability::from_code(c).ok())
        .ok_or_else(invalid)?;
    let hdr = header(flavour, exportability);
    if h != hdr {
        return Err(invalid());
    }
    require_device_key(device_key, Operation::Decrypt, exportability)?;
    let key = sealing_key(device_key, &hdr)?;
    let nonce: [u8; NONCE_LEN] = n.try_into().map_err(|_| invalid())?;
    let tag: [u8; TAG_LEN] = t.try_into().map_err(|_| invalid())?;
    plain.copy_from_slice(body);
    open_raw(Algorithm::Aes256, &*key, &nonce, &hdr, plain, &tag)?;
    Ok(exportability)
}

/// `N` key registers of `L` bytes with an in-use bitmap. Secret: zeroized
/// on drop, redacted `Debug`, no `Clone`.
pub(crate) struct Registers<const N: usize, const L: usize> {
    keys: [[u8; L]; N],
    in_use: u32,
}

impl<const N: usize, const L: usize> Registers<N, L> {
    pub(crate) const fn new() -> Self {
        Self {
            keys: [[0; L]; N],
            in_use: 0,
        }
    }

    pub(crate) const fn in_use(&self) -> u32 {
        self.in_use
    }

    pub(crate) fn get(&self, index: u32) -> Option<&[u8; L]> {
        if self.in_use & (1u32.checked_shl(index)?) == 0 {
            return None;
        }
        self.keys.get(usize::try_from(index).ok()?)
    }

    pub(crate) fn set(&mut self, index: u32, key: &[u8; L]) -> Result<(), Error> {
        let slot = usize::try_from(index)
            .ok()
            .and_then(|i| self.keys.get_mut(i))
            .ok_or(Error::Dukpt(DukptError::InvalidState))?;
        slot.copy_from_slice(key);
        self.in_use |= 1 << index;
        Ok(())
    }

    pub(crate) fn erase(&mut self, index: u32) {
        if let Some(slot) = usize::try_from(index)
            .ok()
            .and_then(|i| self.keys.get_mut(i))
        {
            slot.zeroize();
        }
        self.in_use &= !(1u32.checked_shl(index).unwrap_or(0));
    }

    pub(crate) fn erase_all(&mut self) {
        self.keys.zeroize();
        self.in_use = 0;
    }

    /// Writes bitmap (4, big-endian) then every register into `out`.
    pub(crate) fn write(&self, out: &mut [u8]) -> Result<(), Error> {
        let bad = || Error::invalid_argument("state buffer");
        let (bitmap, mut rest) = out.split_at_mut_checked(4).ok_or_else(bad)?;
        bitmap.copy_from_slice(&self.in_use.to_be_bytes());
        for key in &self.keys {
            let (slot, tail) = rest.split_at_mut_checked(L).ok_or_else(bad)?;
            slot.copy_from_slice(key);
            rest = tail;
        }
        if rest.is_empty() { Ok(()) } else { Err(bad()) }
    }

    /// Reads what [`Registers::write`] wrote.
    pub(crate) fn read(input: &[u8]) -> Result<Self, Error> {
        let bad = || Error::Dukpt(DukptError::InvalidState);
        let (bitmap, mut rest) = input.split_at_checked(4).ok_or_else(bad)?;
        let mut out = Self::new();
        out.in_use = u32::from_be_bytes(bitmap.try_into().map_err(|_| bad())?);
        if N < 32 && out.in_use >> N != 0 {
            return Err(bad());
        }
        for key in &mut out.keys {
            let (slot, tail) = rest.split_at_checked(L).ok_or_else(bad)?;
            key.copy_from_slice(slot);
            rest = tail;
        }
        if rest.is_empty() { Ok(out) } else { Err(bad()) }
    }
}

impl<const N: usize, const L: usize> Drop for Registers<N, L> {
    fn drop(&mut self) {
        self.keys.zeroize();
    }
}

impl<const N: usize, const L: usize> ZeroizeOnDrop for Registers<N, L> {}

impl<const N: usize, const L: usize> fmt::Debug for Registers<N, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Registers { .. }")
    }
}

/// Refuses a restored `counter` below the caller's recorded `min_counter`
/// (rollback). Counter zero marks an exhausted originator, which is past
/// every counter and is never a rollback.
pub(crate) fn check_not_rolled_back(counter: u32, min_counter: u32) -> Result<(), Error> {
    if counter != 0 && counter < min_counter {
        return Err(DukptError::StateRolledBack.into());
    }
    Ok(())
}

/// Finds the counter an originator uses next: starting at `counter`, skip
/// forward past counters whose register is empty (X9.24-3-2017 B.6.3
/// "Generate Working Keys", X9.24-1:2009 A.2 "Request PIN Entry 1").
/// Returns the counter and its register index, or `CounterExhausted`.
pub(crate) fn current_counter(
    mut counter: u32,
    in_use: u32,
    counter_bits: u32,
) -> Result<(u32, u32), Error> {
    loop {
        if counter == 0 || u64::from(counter) >> counter_bits != 0 {
            return Err(DukptError::CounterExhausted.into());
        }
        let index = counter.trailing_zeros();
        if in_use & (1 << index) != 0 {
            return Ok((counter, index));
        }
        counter = advance(counter, index, false, counter_bits);
    }
}

/// The counter after `counter` (register `index`): `counter + 1` if the
/// counter may still spawn future keys, else `counter + 2^index`, which
/// skips counters with too many one-bits. Zero means exhausted.
pub(crate) fn advance(counter: u32, index: u32, spawned: bool, counter_bits: u32) -> u32 {
    let step = if spawned { 1 } else { 1u64 << index };
    let next = u64::from(counter) + step;
    if next >> counter_bits != 0 {
        0
    } else {
        u32::try_from(next).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_debug_is_redacted() {
        let mut r = Registers::<21, 16>::new();
        r.set(3, &[7; 16]).unwrap();
        assert_eq!(format!("{r:?}"), "Registers { .. }");
        assert_eq!(r.get(3), Some(&[7; 16]));
        r.erase(3);
        assert_eq!(r.get(3), None);
        assert!(r.set(21, &[1; 16]).is_err());
    }

    #[test]
    fn rollback_check() {
        assert_eq!(check_not_rolled_back(5, 0), Ok(()));
        assert_eq!(check_not_rolled_back(5, 5), Ok(()));
        assert_eq!(
            check_not_rolled_back(4, 5),
            Err(Error::Dukpt(DukptError::StateRolledBack))
        );
        // Exhausted (counter 0) is past every counter.
        assert_eq!(check_not_rolled_back(0, u32::MAX), Ok(()));
    }

    /// The sealing key is neither the device key nor shared across headers.
    #[test]
    fn sealing_key_is_a_separate_key_per_header() {
        use crate::keys::{KeyAttributes, ModeOfUse};
        let dk = Key::new(
            Algorithm::Aes256,
            &[7; 32],
            KeyAttributes::new(KeyUsage::DataEncryption, ModeOfUse::EncryptDecrypt),
        )
        .unwrap();
        let a = sealing_key(&dk, &header(Flavour::Aes, Exportability::Exportable)).unwrap();
        let b = sealing_key(&dk, &header(Flavour::Aes, Exportability::NonExportable)).unwrap();
        let c = sealing_key(&dk, &header(Flavour::Tdes, Exportability::Exportable)).unwrap();
        assert_ne!(&a[..], dk.material());
        assert_ne!(*a, *b);
        assert_ne!(*a, *c);
    }

    #[test]
    fn skipping_and_exhaustion() {
        // 21-bit counter, register 0 empty: 0x000003 skips to 0x000004.
        assert_eq!(current_counter(3, 0b100, 21), Ok((4, 2)));
        assert_eq!(
            current_counter(0x10_0000, 0, 21),
            Err(Error::Dukpt(DukptError::CounterExhausted))
        );
        assert_eq!(advance(0x1F_F800, 11, false, 21), 0);
        assert_eq!(advance(0xFFFF_0000, 16, false, 32), 0);
        assert_eq!(advance(0xFFFE_0000, 17, true, 32), 0xFFFE_0001);
    }
}
