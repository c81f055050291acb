//! EMV host-side ARQC verification (`paycore::emv::verify_arqc`, Visa CVN
//! 18 vector of pyemv tests/test_cvn_hsm.py): ICC master key derivation,
//! session key derivation and the ISO/IEC 9797-1 algorithm 3 MAC, beside
//! its floor in the same criterion group: exactly the block-cipher work the
//! algorithm needs, done with raw RustCrypto `des`:
//!
//! - ICC MK (Book 2 A1.4): 1 TDES key schedule + 2 TDES block encryptions;
//! - session key (A1.3.1): 1 TDES key schedule + 2 TDES block encryptions;
//! - MAC (43 data bytes, padding method 2 → 6 blocks): 2 single-DES key
//!   schedules, 6 DES encryptions, then 1 DES decryption and 1 DES
//!   encryption (the output transformation).
//!
//! The pieces are also priced alone (`floor/tdes2-schedule+2-blocks`,
//! `floor/retail-mac-6-blocks`) so the overhead of key objects, usage
//! checks and constant-time comparison can be read off.
#![allow(missing_docs)]
// A benchmark aborts on a broken fixture; that is the intended failure mode.
#![allow(clippy::unwrap_used)]

use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit, generic_array::GenericArray};
use criterion::{BenchmarkId, Criterion, Throughput, black_box, criterion_group, criterion_main};
use paycore::emv::{self, Cvn, Transaction};
use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};

const IMK: &str = "0123456789ABCDEFFEDCBA9876543210";
const DATA: &str =
    "0000000040000000000000000124800004800001241911050152BF45851800001C06011203A0B800";
const ARQC: &str = "7A788EA6B8A3E733";

/// TDES: key schedule and two block encryptions (one derivation step).
fn tdes_schedule_two_blocks(key: &[u8], blocks: &mut [[u8; 8]; 2]) {
    let cipher = des::TdesEde2::new_from_slice(key).unwrap();
    for b in blocks.iter_mut() {
        cipher.encrypt_block(GenericArray::from_mut_slice(b));
    }
}

/// ISO/IEC 9797-1 algorithm 3 over whole 8-byte blocks with raw DES.
fn retail_mac(key: &[u8], padded: &[u8]) -> [u8; 8] {
    let (k1, k2) = key.split_at(8);
    let left = des::Des::new_from_slice(k1).unwrap();
    let right = des::Des::new_from_slice(k2).unwrap();
    let mut chain = GenericArray::from([0u8; 8]);
    for block in padded.chunks_exact(8) {
        for (c, d) in chain.iter_mut().zip(block) {
            *c ^= d;
        }
        left.encrypt_block(&mut chain);
    }
    right.decrypt_block(&mut chain);
    left.encrypt_block(&mut chain);
    chain.into()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("emv");
    let imk_bytes = hex::decode(IMK).unwrap();
    let data = hex::decode(DATA).unwrap();
    let arqc = hex::decode(ARQC).unwrap();
    g.throughput(Throughput::Bytes(data.len() as u64));

    let mut padded = data.clone();
    padded.push(0x80);
    while padded.len() % 8 != 0 {
        padded.push(0);
    }
    assert_eq!(padded.len(), 48);

    g.bench_function(BenchmarkId::new("floor", "tdes2-schedule+2-blocks"), |b| {
        b.iter(|| {
            let mut blocks = [[0x11u8; 8], [0xEE; 8]];
            tdes_schedule_two_blocks(black_box(&imk_bytes), &mut blocks);
            blocks
        });
    });
    g.bench_function(BenchmarkId::new("floor", "retail-mac-6-blocks"), |b| {
        b.iter(|| retail_mac(black_box(&imk_bytes), black_box(&padded)));
    });
    g.bench_function(BenchmarkId::new("floor", "verify-arqc-visa18-ops"), |b| {
        b.iter(|| {
            // ICC MK, then session key (each: schedule + 2 blocks), then the MAC.
            let mut mk = [[0x12u8; 8], [0xED; 8]];
            tdes_schedule_two_blocks(black_box(&imk_bytes), &mut mk);
            let mut sk = [
                [0x00u8, 0x1C, 0xF0, 0, 0, 0, 0, 0],
                [0x00, 0x1C, 0x0F, 0, 0, 0, 0, 0],
            ];
            tdes_schedule_two_blocks(mk.as_flattened(), &mut sk);
            let mac = retail_mac(sk.as_flattened(), black_box(&padded));
            black_box(mac)
        });
    });

    let imk = Key::new(
        Algorithm::Tdes2,
        &imk_bytes,
        KeyAttributes::new(KeyUsage::EmvApplicationCryptogram, ModeOfUse::Derive),
    )
    .unwrap();
    let tx = Transaction {
        pan: b"1234567890123456",
        psn: Some(0),
        atc: [0x00, 0x1C],
        unpredictable_number: [0x52, 0xBF, 0x45, 0x85],
        data: &data,
        arqc: &arqc,
    };
    // The fixture must verify, or the bench measures the failure path.
    emv::verify_arqc(&imk, Cvn::Visa18, &tx).unwrap();
    g.bench_function(BenchmarkId::new("verify-arqc", "visa18"), |b| {
        b.iter(|| emv::verify_arqc(&imk, Cvn::Visa18, black_box(&tx)).unwrap());
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
