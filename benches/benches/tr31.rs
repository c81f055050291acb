//! TR-31 / X9.143 unwrap against its primitive floors, in one group:
//! - AES-128 key schedule + one block encryption;
//! - AES-256 CMAC (key schedule, subkey, CBC chain) over the 64 bytes a
//!   version D block with an AES-256 key authenticates (16-byte header +
//!   48-byte key data);
//! - unwrap version D (AES-256 key under an AES-256 KBPK) and version B
//!   (3TDEA key under a 3TDEA KBPK): parse, KDF (4 CMACs), decrypt, CMAC,
//!   constant-time compare.
#![allow(missing_docs, clippy::unwrap_used)]

use aes::cipher::{BlockEncrypt, KeyInit, generic_array::GenericArray};
use criterion::{BenchmarkId, Criterion, Throughput, black_box, criterion_group, criterion_main};
use paycore::keys::tr31::{self, Version};
use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
use rand::SeedableRng;

fn key(algorithm: Algorithm, byte: u8, usage: KeyUsage) -> Key {
    Key::new(
        algorithm,
        &vec![byte; algorithm.key_len()],
        KeyAttributes::new(usage, ModeOfUse::EncryptDecrypt),
    )
    .unwrap()
}

fn block(kbpk: &Key, wrapped: &Key, version: Version) -> String {
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let mut out = vec![0u8; 512];
    let n = tr31::wrap(kbpk, wrapped, version, &[], &mut rng, &mut out).unwrap();
    String::from_utf8(out[..n].to_vec()).unwrap()
}

/// NIST SP 800-38B CMAC with AES-256, written out over the `aes` crate as
/// the floor (the benches crate has no `cmac` dependency).
fn aes256_cmac(key: &[u8; 32], msg: &[u8]) -> [u8; 16] {
    let cipher = aes::Aes256::new(GenericArray::from_slice(key));
    let mut l = GenericArray::from([0u8; 16]);
    cipher.encrypt_block(&mut l);
    let msb = l[0] >> 7;
    let mut k1 = [0u8; 16];
    for i in 0..16 {
        k1[i] = (l[i] << 1) | l.get(i + 1).map_or(0, |n| n >> 7);
    }
    k1[15] ^= 0x87 * msb;
    let mut state = GenericArray::from([0u8; 16]);
    let blocks = msg.chunks_exact(16);
    let last = blocks.len().saturating_sub(1);
    for (i, chunk) in blocks.enumerate() {
        for j in 0..16 {
            state[j] ^= chunk[j] ^ if i == last { k1[j] } else { 0 };
        }
        cipher.encrypt_block(&mut state);
    }
    state.into()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("tr31");

    g.throughput(Throughput::Bytes(16));
    g.bench_function("floor/aes128_key_schedule_and_block", |b| {
        let k = [0x2Bu8; 16];
        b.iter(|| {
            let cipher = aes::Aes128::new(GenericArray::from_slice(black_box(&k)));
            let mut blk = GenericArray::from([0u8; 16]);
            cipher.encrypt_block(&mut blk);
            blk
        });
    });

    g.throughput(Throughput::Bytes(64));
    g.bench_function("floor/aes256_cmac_64_bytes", |b| {
        let k = [0x4Du8; 32];
        let msg = [0x11u8; 64];
        b.iter(|| aes256_cmac(black_box(&k), black_box(&msg)));
    });

    let kbpk_d = key(Algorithm::Aes256, 0xD5, KeyUsage::KeyBlockProtection);
    let wrapped_d = key(Algorithm::Aes256, 0x77, KeyUsage::DataEncryption);
    let block_d = block(&kbpk_d, &wrapped_d, Version::D);
    g.throughput(Throughput::Bytes(block_d.len() as u64));
    g.bench_with_input(
        BenchmarkId::new("unwrap", "D/aes256-under-aes256"),
        &block_d,
        |b, blk| b.iter(|| tr31::unwrap(&kbpk_d, black_box(blk)).unwrap().into_key()),
    );

    let kbpk_b = key(Algorithm::Tdes3, 0x5B, KeyUsage::KeyBlockProtection);
    let wrapped_b = key(Algorithm::Tdes3, 0x66, KeyUsage::DataEncryption);
    let block_b = block(&kbpk_b, &wrapped_b, Version::B);
    g.throughput(Throughput::Bytes(block_b.len() as u64));
    g.bench_with_input(
        BenchmarkId::new("unwrap", "B/tdes3-under-tdes3"),
        &block_b,
        |b, blk| b.iter(|| tr31::unwrap(&kbpk_b, black_box(blk)).unwrap().into_key()),
    );
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
