//! DUKPT benchmarks: host derivation of a PIN key (AES X9.24-3-2017 and
//! TDES X9.24-1:2009) and the AES originator's next transaction, beside
//! their primitive floors (one raw AES-128 / TDES block with its key
//! schedule) in the same criterion group.
#![allow(missing_docs)]
// A benchmark aborts on a broken fixture; that is the intended failure mode.
#![allow(clippy::unwrap_used)]

use aes::cipher::{BlockEncrypt, KeyInit, generic_array::GenericArray};
use criterion::{BenchmarkId, Criterion, black_box, criterion_group, criterion_main};
use paycore::Error;
use paycore::keys::dukpt::{self, StateStore, WorkingKeyType, WorkingKeyUsage, aes as aes_dukpt};
use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};

/// Discards the blob: measures the originator, not the flash.
struct Discard;

impl StateStore for Discard {
    fn persist(&mut self, blob: &[u8]) -> Result<(), Error> {
        black_box(blob);
        Ok(())
    }
}

fn key(algorithm: Algorithm, material: &[u8], usage: KeyUsage, mode: ModeOfUse) -> Key {
    Key::new(algorithm, material, KeyAttributes::new(usage, mode)).unwrap()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("dukpt");
    let aes_bdk_bytes = hex::decode("FEDCBA9876543210F1F1F1F1F1F1F1F1").unwrap();
    let tdes_bdk_bytes = hex::decode("0123456789ABCDEFFEDCBA9876543210").unwrap();

    g.bench_function(BenchmarkId::new("floor", "aes128-schedule+block"), |b| {
        b.iter(|| {
            let cipher = aes::Aes128::new_from_slice(black_box(&aes_bdk_bytes)).unwrap();
            let mut block = GenericArray::from([0u8; 16]);
            cipher.encrypt_block(&mut block);
            block
        });
    });
    g.bench_function(BenchmarkId::new("floor", "tdes2-schedule+block"), |b| {
        b.iter(|| {
            let cipher = des::TdesEde2::new_from_slice(black_box(&tdes_bdk_bytes)).unwrap();
            let mut block = GenericArray::from([0u8; 8]);
            cipher.encrypt_block(&mut block);
            block
        });
    });

    // Counter 0x00845FED: 14 one-bits, close to the AES worst case (16).
    let aes_bdk = key(
        Algorithm::Aes128,
        &aes_bdk_bytes,
        KeyUsage::Bdk,
        ModeOfUse::Derive,
    );
    let aes_ksn = hex::decode("123456789012345600845FED").unwrap();
    g.bench_function(BenchmarkId::new("host-pin-key", "aes128-14-bits"), |b| {
        b.iter(|| {
            dukpt::derive(
                &aes_bdk,
                black_box(&aes_ksn),
                WorkingKeyUsage::PinEncryption,
                WorkingKeyType::Aes128,
            )
            .unwrap()
        });
    });

    // Counter 0x0FFC00: 10 one-bits, the TDES worst case.
    let tdes_bdk = key(
        Algorithm::Tdes2,
        &tdes_bdk_bytes,
        KeyUsage::Bdk,
        ModeOfUse::Derive,
    );
    let tdes_ksn = hex::decode("FFFF9876543210EFFC00").unwrap();
    g.bench_function(BenchmarkId::new("host-pin-key", "tdes2-10-bits"), |b| {
        b.iter(|| {
            dukpt::derive(
                &tdes_bdk,
                black_box(&tdes_ksn),
                WorkingKeyUsage::PinEncryption,
                WorkingKeyType::Tdes2,
            )
            .unwrap()
        });
    });

    let device_key = key(
        Algorithm::Aes128,
        &[7; 16],
        KeyUsage::DataEncryption,
        ModeOfUse::EncryptDecrypt,
    );
    let ikid = [0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56];
    let ik = aes_dukpt::derive_initial_key(&aes_bdk, &ikid).unwrap();
    let mut rng = rand::rngs::OsRng;
    let mut originator =
        aes_dukpt::Originator::load_initial_key(&ik, ikid, &device_key, &mut rng, &mut Discard)
            .unwrap();
    g.bench_function(BenchmarkId::new("originator-next", "aes128+seal"), |b| {
        b.iter(|| {
            if originator.ksn().counter() == 0 {
                originator = aes_dukpt::Originator::load_initial_key(
                    &ik,
                    ikid,
                    &device_key,
                    &mut rng,
                    &mut Discard,
                )
                .unwrap();
            }
            let tx = originator
                .next_transaction(&device_key, &mut rng, &mut Discard)
                .unwrap();
            tx.working_key(WorkingKeyUsage::PinEncryption, WorkingKeyType::Aes128)
                .unwrap()
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
