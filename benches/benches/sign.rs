//! Signing benchmarks: record sign / verify beside raw p256 ECDSA over the
//! same bytes; seal / open of a 256-byte record beside raw AES-256-GCM.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use aes_gcm::aead::{AeadInPlace, KeyInit};
use criterion::{BenchmarkId, Criterion, Throughput, black_box, criterion_group, criterion_main};
use p256::ecdsa::signature::{Signer, Verifier};
use paycore::sign::ecdsa::{DeviceSigningKey, SPolicy};
use paycore::sign::record::{
    EntryMode, MAX_ENCODED_LEN, PanToken, TransactionRecord, TransactionType,
};
use paycore::sign::seal::{self, OVERHEAD, RecipientSecretKey};
use rand::SeedableRng;

fn record() -> TransactionRecord<'static> {
    TransactionRecord {
        merchant_id: "MERCHANT0000001",
        terminal_id: "TERM0001",
        stan: 123,
        amount_minor: 1_999,
        currency: 978,
        transaction_type: TransactionType::Sale,
        entry_mode: EntryMode::Contactless,
        timestamp: 1_700_000_000,
        masked_pan: "411111******1111",
        pan_token: PanToken::from_bytes([0x11; 16]),
        authorization_code: Some("A1B2C3"),
        response_code: "00",
        signature_image_hash: Some([0x22; 32]),
    }
}

fn bench_ecdsa(c: &mut Criterion) {
    let mut g = c.benchmark_group("sign/ecdsa_p256_record");
    let key = DeviceSigningKey::from_secret_scalar(&[0x42; 32]).unwrap();
    let public = key.verifying_key();
    let raw_key = p256::ecdsa::SigningKey::from_slice(&[0x42; 32]).unwrap();
    let raw_public = *raw_key.verifying_key();
    let mut buf = [0u8; MAX_ENCODED_LEN];
    let (sig, n) = key.sign_record(&record(), &mut buf).unwrap();
    let bytes = buf[..n].to_vec();
    let raw_sig: p256::ecdsa::Signature = raw_key.sign(&bytes);
    g.throughput(Throughput::Bytes(n as u64));
    g.bench_function(BenchmarkId::new("paycore_sign_record", n), |b| {
        let mut scratch = [0u8; MAX_ENCODED_LEN];
        b.iter(|| key.sign_record(black_box(&record()), &mut scratch).unwrap())
    });
    g.bench_function(BenchmarkId::new("floor_p256_sign", n), |b| {
        b.iter(|| -> p256::ecdsa::Signature { raw_key.sign(black_box(&bytes)) })
    });
    g.bench_function(BenchmarkId::new("paycore_verify_record", n), |b| {
        b.iter(|| {
            public
                .verify_record(black_box(&bytes), &sig, SPolicy::RejectHighS)
                .unwrap()
        })
    });
    g.bench_function(BenchmarkId::new("floor_p256_verify", n), |b| {
        b.iter(|| raw_public.verify(black_box(&bytes), &raw_sig).unwrap())
    });
    g.finish();
}

fn bench_seal(c: &mut Criterion) {
    let mut g = c.benchmark_group("sign/seal_256");
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let host = RecipientSecretKey::generate(&mut rng);
    let host_public = host.public_key();
    let data = [0x5Au8; 256];
    let aad = b"record header";
    let mut env = [0u8; 256 + OVERHEAD];
    seal::seal(&host_public, aad, &data, &mut rng, &mut env).unwrap();
    let gcm = aes_gcm::Aes256Gcm::new_from_slice(&[9; 32]).unwrap();
    let nonce = aes_gcm::Nonce::from_slice(&[1; 12]);
    g.throughput(Throughput::Bytes(256));
    g.bench_function("paycore_seal", |b| {
        let mut out = [0u8; 256 + OVERHEAD];
        b.iter(|| seal::seal(&host_public, aad, black_box(&data), &mut rng, &mut out).unwrap())
    });
    g.bench_function("paycore_open", |b| {
        let mut out = [0u8; 256];
        b.iter(|| seal::open(&host, aad, black_box(&env), &mut out).unwrap())
    });
    g.bench_function("floor_aes256gcm_seal", |b| {
        let mut buf = data;
        b.iter(|| {
            gcm.encrypt_in_place_detached(nonce, aad, black_box(&mut buf))
                .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench_ecdsa, bench_seal);
criterion_main!(benches);
