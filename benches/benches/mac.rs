//! MAC benchmarks: retail MAC (ISO 9797-1 alg. 3) and CMAC (AES-128,
//! TDES) over 64 B and 1 KiB, each beside its block-cipher floor (raw
//! single-DES / TDES / AES CBC over the same bytes) in the same group.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use aes::cipher::{BlockEncrypt, KeyInit, generic_array::GenericArray};
use criterion::{BenchmarkId, Criterion, Throughput, black_box, criterion_group, criterion_main};
use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
use paycore::mac::{self, MacAlgorithm, Padding};

const SIZES: [usize; 2] = [64, 1024];

fn cbc_last<C: BlockEncrypt>(cipher: &C, data: &[u8], block: usize) -> [u8; 16] {
    let mut chain = [0u8; 16];
    for chunk in data.chunks(block) {
        for (c, d) in chain.iter_mut().zip(chunk) {
            *c ^= d;
        }
        cipher.encrypt_block(GenericArray::from_mut_slice(&mut chain[..block]));
    }
    chain
}

fn bench_retail(c: &mut Criterion) {
    let mut g = c.benchmark_group("mac/retail_x9_19");
    let key = Key::new(
        Algorithm::Tdes2,
        &hex::decode("042666B4918430A368DE9628D03984C9").unwrap(),
        KeyAttributes::new(KeyUsage::MacIso9797Alg3, ModeOfUse::GenerateVerify),
    )
    .unwrap();
    let des_key =
        des::Des::new_from_slice(&[0x04, 0x26, 0x66, 0xB4, 0x91, 0x84, 0x30, 0xA3]).unwrap();
    let alg = MacAlgorithm::RetailMac {
        padding: Padding::Method1,
    };
    for size in SIZES {
        let data = vec![0xA5u8; size];
        g.throughput(Throughput::Bytes(size as u64));
        g.bench_with_input(BenchmarkId::new("paycore_generate", size), &data, |b, d| {
            b.iter(|| mac::generate(&key, alg, black_box(d), 8).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("paycore_verify", size), &data, |b, d| {
            let tag = mac::generate(&key, alg, d, 8).unwrap();
            b.iter(|| mac::verify(&key, alg, black_box(d), tag.as_bytes()).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("floor_des_cbc", size), &data, |b, d| {
            b.iter(|| cbc_last(&des_key, black_box(d), 8))
        });
    }
    g.finish();
}

fn bench_cmac(c: &mut Criterion) {
    let mut g = c.benchmark_group("mac/cmac");
    let aes_key = Key::new(
        Algorithm::Aes128,
        &hex::decode("2B7E151628AED2A6ABF7158809CF4F3C").unwrap(),
        KeyAttributes::new(KeyUsage::MacCmac, ModeOfUse::GenerateVerify),
    )
    .unwrap();
    let tdes_key = Key::new(
        Algorithm::Tdes2,
        &hex::decode("4CF15134A2850DD58A3D10BA80570D38").unwrap(),
        KeyAttributes::new(KeyUsage::MacCmac, ModeOfUse::GenerateVerify),
    )
    .unwrap();
    let raw_aes =
        aes::Aes128::new_from_slice(&hex::decode("2B7E151628AED2A6ABF7158809CF4F3C").unwrap())
            .unwrap();
    let raw_tdes =
        des::TdesEde2::new_from_slice(&hex::decode("4CF15134A2850DD58A3D10BA80570D38").unwrap())
            .unwrap();
    for size in SIZES {
        let data = vec![0x5Au8; size];
        g.throughput(Throughput::Bytes(size as u64));
        g.bench_with_input(BenchmarkId::new("paycore_aes128", size), &data, |b, d| {
            b.iter(|| mac::generate(&aes_key, MacAlgorithm::Cmac, black_box(d), 16).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("floor_aes128_cbc", size), &data, |b, d| {
            b.iter(|| cbc_last(&raw_aes, black_box(d), 16))
        });
        g.bench_with_input(BenchmarkId::new("paycore_tdes2", size), &data, |b, d| {
            b.iter(|| mac::generate(&tdes_key, MacAlgorithm::Cmac, black_box(d), 8).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("floor_tdes2_cbc", size), &data, |b, d| {
            b.iter(|| cbc_last(&raw_tdes, black_box(d), 8))
        });
    }
    g.finish();
}

criterion_group!(benches, bench_retail, bench_cmac);
criterion_main!(benches);
