//! China UnionPay / 国密 operations beside their primitive floors, in one
//! criterion group: one raw SM4 block (key schedule prebuilt and per
//! call) and one SM3 compression; then the SM4 PIN block (encipher), the
//! CUP POS ECB MAC over a 200-byte MAB (SM4 and single DES), and SM2
//! verify and sign.
// Benchmark setup with fixed, valid inputs: a failure is a bug to surface loudly.
#![allow(missing_docs, clippy::expect_used)]

use core::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use paycore::card::pan::Pan;
use paycore::cup::{self, MacOutput, PanFill, Sm4PinPadding};
use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
use paycore::pin::Pin;
use paycore::sm::{self, DEFAULT_SM2_ID, Sm2SigningKey};
use rand::SeedableRng;
use rand::rngs::StdRng;
use sm3::digest::core_api::{Block, UpdateCore};
use sm4::cipher::{BlockEncrypt, KeyInit, generic_array::GenericArray};

const SM4_KEY: [u8; 16] = [
    0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10,
];

fn key(algorithm: Algorithm, material: &[u8], usage: KeyUsage, mode: ModeOfUse) -> Key {
    Key::new(algorithm, material, KeyAttributes::new(usage, mode)).expect("valid key")
}

fn bench_sm(c: &mut Criterion) {
    let mut group = c.benchmark_group("sm");

    // Floors.
    group.throughput(Throughput::Bytes(16));
    let raw = sm4::Sm4::new_from_slice(&SM4_KEY).expect("key");
    group.bench_function(
        BenchmarkId::new("floor/sm4-block", "schedule-prebuilt"),
        |b| {
            let mut block = GenericArray::clone_from_slice(&SM4_KEY);
            b.iter(|| raw.encrypt_block(black_box(&mut block)));
        },
    );
    group.bench_function(
        BenchmarkId::new("floor/sm4-block", "schedule-per-call"),
        |b| {
            let mut block = GenericArray::clone_from_slice(&SM4_KEY);
            b.iter(|| {
                let c = sm4::Sm4::new_from_slice(black_box(&SM4_KEY)).expect("key");
                c.encrypt_block(&mut block);
            });
        },
    );
    group.throughput(Throughput::Bytes(64));
    group.bench_function("floor/sm3-compress", |b| {
        let mut core = sm3::Sm3Core::default();
        let block = Block::<sm3::Sm3Core>::default();
        b.iter(|| core.update_blocks(black_box(core::slice::from_ref(&block))));
    });

    // SM4 PIN block.
    group.throughput(Throughput::Bytes(16));
    let pik = key(
        Algorithm::Sm4,
        &[0x15; 16],
        KeyUsage::PinEncryption,
        ModeOfUse::EncryptDecrypt,
    );
    let pin = Pin::new("123456").expect("pin");
    let pan = Pan::parse("6225885916163157").expect("pan");
    let mut rng = StdRng::seed_from_u64(7);
    group.bench_function("sm4-pin-block/encipher", |b| {
        b.iter(|| {
            cup::encipher_sm4_pin(
                &pik,
                black_box(&pin),
                Some(&pan),
                PanFill::Fill1,
                Sm4PinPadding::F,
                &mut rng,
            )
            .expect("encipher")
        });
    });
    let block = cup::encipher_sm4_pin(
        &pik,
        &pin,
        Some(&pan),
        PanFill::Fill1,
        Sm4PinPadding::F,
        &mut rng,
    )
    .expect("encipher");
    group.bench_function("sm4-pin-block/decipher", |b| {
        b.iter(|| {
            cup::decipher_sm4_pin(
                &pik,
                black_box(&block),
                Some(&pan),
                PanFill::Fill1,
                Sm4PinPadding::F,
            )
            .expect("decipher")
        });
    });

    // CUP POS ECB MAC over a 200-byte MAB.
    let mab = [0x5Au8; 200];
    group.throughput(Throughput::Bytes(200));
    let sm4_mak = key(
        Algorithm::Sm4,
        &[0x17; 16],
        KeyUsage::MacIso9797Alg1,
        ModeOfUse::GenerateVerify,
    );
    let des_mak = key(
        Algorithm::Des,
        &[0x15; 8],
        KeyUsage::MacIso9797Alg1,
        ModeOfUse::GenerateVerify,
    );
    group.bench_function(BenchmarkId::new("cup-ecb-mac-200", "sm4"), |b| {
        b.iter(|| cup::pos_ecb_mac(&sm4_mak, black_box(&mab), MacOutput::Ascii).expect("mac"));
    });
    group.bench_function(BenchmarkId::new("cup-ecb-mac-200", "des"), |b| {
        b.iter(|| cup::pos_ecb_mac(&des_mak, black_box(&mab), MacOutput::Ascii).expect("mac"));
    });

    // SM2 (the GM/T 0003.5 Annex A key and message).
    group.throughput(Throughput::Elements(1));
    let signer = Sm2SigningKey::from_bytes(&[
        0x39, 0x45, 0x20, 0x8F, 0x7B, 0x21, 0x44, 0xB1, 0x3F, 0x36, 0xE3, 0x8A, 0xC6, 0xD3, 0x9F,
        0x95, 0x88, 0x93, 0x93, 0x69, 0x28, 0x60, 0xB5, 0x1A, 0x42, 0xFB, 0x81, 0xEF, 0x4D, 0xF7,
        0xC5, 0xB8,
    ])
    .expect("key");
    let public = signer.public_key();
    let message = b"message digest";
    let signature = signer
        .sign(DEFAULT_SM2_ID, message, &mut rng)
        .expect("sign");
    group.bench_function("sm2/verify", |b| {
        b.iter(|| {
            sm::sm2_verify(&public, DEFAULT_SM2_ID, black_box(message), &signature).expect("verify")
        });
    });
    group.bench_function("sm2/sign", |b| {
        b.iter(|| {
            signer
                .sign(DEFAULT_SM2_ID, black_box(message), &mut rng)
                .expect("sign")
        });
    });
    group.finish();
}

criterion_group!(benches, bench_sm);
criterion_main!(benches);
