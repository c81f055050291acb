//! PIN block encipherment and translation against their primitive floors,
//! in one criterion group: raw single-block TDES and AES-128 (key schedule
//! prebuilt, and key schedule built per call, as `Key` does), then format 0
//! TDES encipher, format 4 AES-128 encipher and a format 0 TDES -> format 4
//! AES translation.
// Benchmark setup with fixed, valid inputs: a failure is a bug to surface loudly.
#![allow(missing_docs, clippy::expect_used)]

use core::hint::black_box;

use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit, generic_array::GenericArray};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use paycore::card::pan::Pan;
use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
use paycore::pin::{self, ClearPinBlock, Fill, Pin, PinBlockFormat};
use rand::SeedableRng;
use rand::rngs::StdRng;

const TDES_KEY: [u8; 16] = [
    0x04, 0x26, 0x66, 0xB4, 0x91, 0x84, 0xCF, 0x5C, 0x68, 0xDE, 0x96, 0x28, 0xD0, 0x39, 0x7B, 0x36,
];
const AES_KEY: [u8; 16] = [
    0xAF, 0x8C, 0xB1, 0x33, 0xA7, 0x8F, 0x8D, 0xC2, 0xD1, 0x35, 0x9F, 0x18, 0x52, 0x75, 0x93, 0xFB,
];

fn pin_key(algorithm: Algorithm, material: &[u8]) -> Key {
    Key::new(
        algorithm,
        material,
        KeyAttributes::new(KeyUsage::PinEncryption, ModeOfUse::EncryptDecrypt),
    )
    .expect("valid key")
}

fn bench_pin(c: &mut Criterion) {
    let mut group = c.benchmark_group("pin");

    // Floors: raw primitives.
    group.throughput(Throughput::Bytes(8));
    let tdes = des::TdesEde2::new_from_slice(&TDES_KEY).expect("key");
    group.bench_function(
        BenchmarkId::new("floor/tdes2-block", "schedule-prebuilt"),
        |b| {
            let mut block =
                GenericArray::clone_from_slice(&[0x04u8, 0x12, 0x74, 0xED, 0xCB, 0xA9, 0x87, 0x6F]);
            b.iter(|| tdes.encrypt_block(black_box(&mut block)));
        },
    );
    group.bench_function(
        BenchmarkId::new("floor/tdes2-block", "schedule-per-call"),
        |b| {
            let mut block =
                GenericArray::clone_from_slice(&[0x04u8, 0x12, 0x74, 0xED, 0xCB, 0xA9, 0x87, 0x6F]);
            b.iter(|| {
                let c = des::TdesEde2::new_from_slice(black_box(&TDES_KEY)).expect("key");
                c.encrypt_block(&mut block);
            });
        },
    );
    group.throughput(Throughput::Bytes(16));
    let aes128 = aes::Aes128::new_from_slice(&AES_KEY).expect("key");
    group.bench_function(
        BenchmarkId::new("floor/aes128-block", "schedule-prebuilt"),
        |b| {
            let mut block = GenericArray::clone_from_slice(&[0x44u8; 16]);
            b.iter(|| aes128.encrypt_block(black_box(&mut block)));
        },
    );
    group.bench_function(
        BenchmarkId::new("floor/aes128-2-blocks", "schedule-per-call"),
        |b| {
            let mut block = GenericArray::clone_from_slice(&[0x44u8; 16]);
            b.iter(|| {
                let c = aes::Aes128::new_from_slice(black_box(&AES_KEY)).expect("key");
                c.encrypt_block(&mut block);
                c.encrypt_block(&mut block);
            });
        },
    );
    group.bench_function(
        BenchmarkId::new("floor/tdes-dec+aes128-2-enc", "schedules-per-call"),
        |b| {
            let mut t =
                GenericArray::clone_from_slice(&[0x1Bu8, 0x9C, 0x18, 0x45, 0xEB, 0x99, 0x3A, 0x7A]);
            let mut a = GenericArray::clone_from_slice(&[0x44u8; 16]);
            b.iter(|| {
                let td = des::TdesEde2::new_from_slice(black_box(&TDES_KEY)).expect("key");
                td.decrypt_block(&mut t);
                let ae = aes::Aes128::new_from_slice(black_box(&AES_KEY)).expect("key");
                ae.encrypt_block(&mut a);
                ae.encrypt_block(&mut a);
            });
        },
    );

    // paycore operations.
    let pan = Pan::parse("4111111111111111").expect("pan");
    let pin = Pin::new("1234").expect("pin");
    let tdes_key = pin_key(Algorithm::Tdes2, &TDES_KEY);
    let aes_key = pin_key(Algorithm::Aes128, &AES_KEY);

    group.throughput(Throughput::Bytes(8));
    let clear0 =
        ClearPinBlock::encode_with_fill(PinBlockFormat::Iso0, &pin, Some(&pan), &Fill::NONE)
            .expect("encode");
    group.bench_function(BenchmarkId::new("encipher/iso0", "tdes2"), |b| {
        b.iter(|| {
            pin::encipher(black_box(&tdes_key), black_box(&clear0), Some(&pan)).expect("encipher")
        });
    });

    group.throughput(Throughput::Bytes(16));
    let fill = Fill::from_hex("2F69ADDE2E9E7ACE").expect("fill");
    let clear4 =
        ClearPinBlock::encode_with_fill(PinBlockFormat::Iso4, &pin, None, &fill).expect("encode");
    group.bench_function(BenchmarkId::new("encipher/iso4", "aes128"), |b| {
        b.iter(|| {
            pin::encipher(black_box(&aes_key), black_box(&clear4), Some(&pan)).expect("encipher")
        });
    });

    let enc0 = pin::encipher(&tdes_key, &clear0, Some(&pan)).expect("encipher");
    let mut rng = StdRng::seed_from_u64(7);
    group.bench_function(
        BenchmarkId::new("translate/iso0-tdes2-to-iso4-aes128", "seeded-rng"),
        |b| {
            b.iter(|| {
                pin::translate(
                    black_box(&tdes_key),
                    PinBlockFormat::Iso0,
                    black_box(&enc0),
                    black_box(&aes_key),
                    PinBlockFormat::Iso4,
                    Some(&pan),
                    &mut rng,
                )
                .expect("translate")
            });
        },
    );

    group.finish();
}

criterion_group!(benches, bench_pin);
criterion_main!(benches);
