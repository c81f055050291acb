//! DUKPT originator state blobs: genuine blobs edited by the fuzzer, and
//! arbitrary bytes, restored with an arbitrary minimum counter.
//!
//! Oracles (issue 11.1): an edited blob never restores (no accept after
//! tamper: header, version, exportability, nonce, body or tag), and fails
//! only with `InvalidState` or `VerificationFailed`; the genuine blob
//! restores exactly when its counter is not below the minimum, otherwise
//! `StateRolledBack`; the public AEAD API never opens a genuine blob with
//! the device key; nothing panics.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use paycore::Error;
use paycore::error::DukptError;
use paycore::keys::dukpt::{StateStore, TdesKsn, aes, tdes};
use paycore::keys::{Algorithm, Exportability, Key, KeyAttributes, KeyUsage, ModeOfUse};

/// Nonce source for building the fixtures (unique, not secret: fuzzing only).
struct Counter(u64);
impl rand_core::RngCore for Counter {
    fn next_u32(&mut self) -> u32 {
        self.next_u64() as u32
    }
    fn next_u64(&mut self) -> u64 {
        self.0 += 1;
        self.0
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            let v = self.next_u64().to_be_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}
impl rand_core::CryptoRng for Counter {}

struct Last(Vec<u8>);
impl StateStore for Last {
    fn persist(&mut self, blob: &[u8]) -> Result<(), Error> {
        self.0 = blob.to_vec();
        Ok(())
    }
}

fn device_key() -> Key {
    Key::new(
        Algorithm::Aes128,
        &[0x0D; 16],
        KeyAttributes::new(KeyUsage::DataEncryption, ModeOfUse::EncryptDecrypt)
            .with_exportability(Exportability::NonExportable),
    )
    .unwrap()
}

fn initial_key(algorithm: Algorithm, len: usize) -> Key {
    Key::new(
        algorithm,
        &vec![0x3C; len],
        KeyAttributes::new(KeyUsage::InitialDukptKey, ModeOfUse::Derive)
            .with_exportability(Exportability::NonExportable),
    )
    .unwrap()
}

/// Genuine TDES and AES blobs after three transactions (counter 4 next).
fn genuine() -> &'static [Vec<u8>; 2] {
    static BLOBS: OnceLock<[Vec<u8>; 2]> = OnceLock::new();
    BLOBS.get_or_init(|| {
        let dk = device_key();
        let mut rng = Counter(0);
        let mut t = Last(Vec::new());
        let ksn =
            TdesKsn::from_bytes(&[0xFF, 0xFF, 0x98, 0x76, 0x54, 0x32, 0x10, 0xE0, 0, 0]).unwrap();
        let mut o = tdes::Originator::load_initial_key(
            &initial_key(Algorithm::Tdes2, 16),
            &ksn,
            &dk,
            &mut rng,
            &mut t,
        )
        .unwrap();
        let mut a = Last(Vec::new());
        let mut p = aes::Originator::load_initial_key(
            &initial_key(Algorithm::Aes128, 16),
            [1, 2, 3, 4, 5, 6, 7, 8],
            &dk,
            &mut rng,
            &mut a,
        )
        .unwrap();
        for _ in 0..3 {
            drop(o.next_transaction(&dk, &mut rng, &mut t).unwrap());
            drop(p.next_transaction(&dk, &mut rng, &mut a).unwrap());
        }
        for blob in [&t.0, &a.0] {
            let (header, rest) = blob.split_at(8);
            let (nonce, rest) = rest.split_at(12);
            let (body, tag) = rest.split_at(rest.len() - 16);
            let mut plain = body.to_vec();
            assert_eq!(
                paycore::aead::open_in_place(
                    &dk,
                    nonce.try_into().unwrap(),
                    header,
                    &mut plain,
                    tag.try_into().unwrap(),
                ),
                Err(Error::VerificationFailed)
            );
        }
        [t.0, a.0]
    })
}

fn restore(dk: &Key, blob: &[u8], aes_flavour: bool, min: u32) -> Result<u32, Error> {
    if aes_flavour {
        aes::Originator::restore(dk, blob, min).map(|o| o.ksn().counter())
    } else {
        tdes::Originator::restore(dk, blob, min).map(|o| o.ksn().counter())
    }
}

fuzz_target!(|data: &[u8]| {
    let dk = device_key();
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Some((min, edits)) = rest.split_first_chunk::<4>() else {
        return;
    };
    let min = u32::from_be_bytes(*min);
    let aes_flavour = selector & 1 == 1;
    if selector & 2 == 2 {
        // Arbitrary bytes: never a valid blob.
        let r = restore(&dk, edits, aes_flavour, min);
        assert!(
            matches!(
                r,
                Err(Error::Dukpt(DukptError::InvalidState) | Error::VerificationFailed)
            ),
            "{r:?}"
        );
        return;
    }
    let original = &genuine()[usize::from(aes_flavour)];
    let mut blob = original.clone();
    for pair in edits.chunks_exact(3) {
        let offset = usize::from(u16::from_be_bytes([pair[0], pair[1]])) % blob.len();
        blob[offset] ^= pair[2];
    }
    let r = restore(&dk, &blob, aes_flavour, min);
    if blob == *original {
        if min <= 4 {
            assert_eq!(r, Ok(4));
        } else {
            assert_eq!(r, Err(Error::Dukpt(DukptError::StateRolledBack)));
        }
    } else {
        assert!(
            matches!(
                r,
                Err(Error::Dukpt(DukptError::InvalidState) | Error::VerificationFailed)
            ),
            "edited blob: {r:?}"
        );
    }
});
