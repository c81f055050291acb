//! DUKPT known-answer and behaviour tests.
//!
//! Vectors: tests/vectors/dukpt_tdes_x9_24_1_annex_a4_2.json (ANSI X9.24-1:2009
//! Annex A.4.2, via openemv/dukpt and moov-io/dukpt) and
//! tests/vectors/dukpt_aes_x9_24_3_2017_aes128.json (ANSI X9.24-3-2017
//! supplement test vectors, via openemv/dukpt, moov-io/dukpt, QRCS-CORP/CEX);
//! every vector carries its own "source" field.

// Test helpers outside #[test] fns panic on bad fixtures by design.
#![allow(clippy::unwrap_used, clippy::panic, clippy::std_instead_of_core)]

use std::collections::HashSet;

use des::cipher::{BlockEncrypt, KeyInit, generic_array::GenericArray};
use paycore::error::{DukptError, KeyError};
use paycore::keys::dukpt::{
    self, AesKsn, Holder, Ksn, StateStore, TdesKsn, WorkingKeyType, WorkingKeyUsage, aes, tdes,
};
use paycore::keys::{Algorithm, Exportability, Key, KeyAttributes, KeyUsage, ModeOfUse};
use paycore::{Error, ErrorKind};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::Value;

const TDES_VECTORS: &str = include_str!("../../tests/vectors/dukpt_tdes_x9_24_1_annex_a4_2.json");
const AES_VECTORS: &str = include_str!("../../tests/vectors/dukpt_aes_x9_24_3_2017_aes128.json");

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

fn s<'a>(v: &'a Value, field: &str) -> &'a str {
    v[field]
        .as_str()
        .unwrap_or_else(|| panic!("missing field {field} in {v}"))
}

fn key(algorithm: Algorithm, hex: &str, usage: KeyUsage, mode: ModeOfUse) -> Key {
    Key::new(algorithm, &unhex(hex), KeyAttributes::new(usage, mode)).unwrap()
}

fn bytes(k: &Key) -> String {
    hex::encode_upper(k.dangerous_expose_secret().unwrap())
}

fn device_key() -> Key {
    Key::new(
        Algorithm::Aes256,
        &[0x5A; 32],
        KeyAttributes::new(KeyUsage::DataEncryption, ModeOfUse::EncryptDecrypt),
    )
    .unwrap()
}

/// Keeps every durable blob; can be told to fail before or after writing.
#[derive(Default)]
struct Store {
    durable: Option<Vec<u8>>,
    fail_before_write: bool,
    fail_after_write: bool,
    writes: usize,
}

impl StateStore for Store {
    fn persist(&mut self, blob: &[u8]) -> Result<(), Error> {
        if std::mem::take(&mut self.fail_before_write) {
            return Err(Error::invalid_argument("simulated flash failure"));
        }
        self.durable = Some(blob.to_vec());
        self.writes += 1;
        if std::mem::take(&mut self.fail_after_write) {
            return Err(Error::invalid_argument("simulated error after write"));
        }
        Ok(())
    }
}

fn rng() -> StdRng {
    StdRng::seed_from_u64(0xD0C_4B7)
}

// ---------------------------------------------------------------- TDES

struct Tdes {
    common: Value,
    vectors: Vec<Value>,
}

fn tdes_vectors() -> Tdes {
    let v: Value = serde_json::from_str(TDES_VECTORS).unwrap();
    Tdes {
        common: v["common"].clone(),
        vectors: v["vectors"].as_array().unwrap().clone(),
    }
}

fn tdes_bdk(t: &Tdes) -> Key {
    key(
        Algorithm::Tdes2,
        s(&t.common, "bdk"),
        KeyUsage::Bdk,
        ModeOfUse::Derive,
    )
}

fn tdes_ksn(hex: &str) -> TdesKsn {
    TdesKsn::from_bytes(&unhex(hex)).unwrap()
}

fn check_tdes_keys(tx: &tdes::TransactionKey, v: &Value) {
    let id = s(v, "id");
    assert_eq!(
        hex::encode_upper(tx.dangerous_expose_secret().unwrap()),
        s(v, "transaction_key"),
        "{id}"
    );
    assert_eq!(bytes(&tx.pin_key().unwrap()), s(v, "pin_key"), "{id}");
    assert_eq!(
        bytes(&tx.mac_request_key().unwrap()),
        s(v, "mac_request_key"),
        "{id}"
    );
    assert_eq!(
        bytes(&tx.mac_response_key().unwrap()),
        s(v, "mac_response_key"),
        "{id}"
    );
    assert_eq!(
        bytes(&tx.data_request_key().unwrap()),
        s(v, "data_request_key"),
        "{id}"
    );
    assert_eq!(
        bytes(&tx.data_response_key().unwrap()),
        s(v, "data_response_key"),
        "{id}"
    );
}

/// ANSI X9.24-1:2009 Annex A.4: IPEK from BDK and initial KSN.
#[test]
fn tdes_ipek_x9_24_1_a4() {
    let t = tdes_vectors();
    let ipek = tdes::derive_ipek(&tdes_bdk(&t), &tdes_ksn(s(&t.common, "initial_ksn"))).unwrap();
    assert_eq!(bytes(&ipek), s(&t.common, "ipek"));
    assert_eq!(ipek.usage(), KeyUsage::InitialDukptKey);
    assert_eq!(ipek.mode_of_use(), ModeOfUse::Derive);
    // Any KSN of the device gives the same IPEK (counter ignored).
    let ipek2 = tdes::derive_ipek(&tdes_bdk(&t), &tdes_ksn(s(&t.vectors[7], "ksn"))).unwrap();
    assert_eq!(bytes(&ipek2), s(&t.common, "ipek"));
}

/// ANSI X9.24-1:2009 Annex A.4.2: every KSN, every key, host side from the
/// BDK, from the IPEK, and through the one-call `derive`.
#[test]
fn tdes_host_all_vectors() {
    let t = tdes_vectors();
    let bdk = tdes_bdk(&t);
    let ipek = key(
        Algorithm::Tdes2,
        s(&t.common, "ipek"),
        KeyUsage::InitialDukptKey,
        ModeOfUse::Derive,
    );
    assert_eq!(t.vectors.len(), 21);
    for v in &t.vectors {
        let ksn = tdes_ksn(s(v, "ksn"));
        assert_eq!(format!("{:06X}", ksn.counter()), s(v, "counter"));
        let tx = tdes::derive_transaction_key_from_bdk(&bdk, &ksn).unwrap();
        check_tdes_keys(&tx, v);
        let tx = tdes::derive_transaction_key(&ipek, &ksn).unwrap();
        check_tdes_keys(&tx, v);
        let raw = unhex(s(v, "ksn"));
        for (usage, field) in [
            (WorkingKeyUsage::PinEncryption, "pin_key"),
            (WorkingKeyUsage::MacGenerate, "mac_request_key"),
            (WorkingKeyUsage::MacBoth, "mac_request_key"),
            (WorkingKeyUsage::MacVerify, "mac_response_key"),
            (WorkingKeyUsage::DataEncrypt, "data_request_key"),
            (WorkingKeyUsage::DataBoth, "data_request_key"),
            (WorkingKeyUsage::DataDecrypt, "data_response_key"),
        ] {
            let k = dukpt::derive(&bdk, &raw, usage, WorkingKeyType::Tdes2).unwrap();
            assert_eq!(bytes(&k), s(v, field), "{} {usage}", s(v, "id"));
        }
        // The published enciphered PIN block: ISO format 0 block under the
        // PIN key, TDES-ECB (checked with the RustCrypto `des` crate).
        let pin_key = tx.pin_key().unwrap();
        let cipher =
            des::TdesEde2::new_from_slice(pin_key.dangerous_expose_secret().unwrap()).unwrap();
        let mut block =
            GenericArray::clone_from_slice(&unhex(s(&t.common, "clear_pin_block_iso0")));
        cipher.encrypt_block(&mut block);
        assert_eq!(
            hex::encode_upper(block),
            s(v, "encrypted_pin_block"),
            "{}",
            s(v, "id")
        );
    }
}

#[test]
fn tdes_key_attributes() {
    let t = tdes_vectors();
    let ksn = tdes_ksn(s(&t.vectors[0], "ksn"));
    let tx = tdes::derive_transaction_key_from_bdk(&tdes_bdk(&t), &ksn).unwrap();
    assert_eq!(tx.holder(), Holder::Host);
    let pin = tx.pin_key().unwrap();
    assert_eq!(
        (pin.usage(), pin.mode_of_use()),
        (KeyUsage::PinEncryption, ModeOfUse::Decrypt)
    );
    let mac = tx.mac_request_key().unwrap();
    assert_eq!(
        (mac.usage(), mac.mode_of_use()),
        (KeyUsage::MacIso9797Alg3, ModeOfUse::Verify)
    );
    let mac = tx.working_key(WorkingKeyUsage::MacBoth).unwrap();
    assert_eq!(mac.mode_of_use(), ModeOfUse::GenerateVerify);
    let data = tx.data_response_key().unwrap();
    assert_eq!(
        (data.usage(), data.mode_of_use()),
        (KeyUsage::DataEncryption, ModeOfUse::Encrypt)
    );
    assert_eq!(
        format!("{tx:?}"),
        "TransactionKey { ksn: TdesKsn(FFFF9876543210E00001), .. }"
    );
}

/// The originator loaded with the Annex A.4 IPEK produces the published KSN
/// sequence and keys, then keeps agreeing with the host for 50 transactions.
#[test]
fn tdes_originator_matches_vectors_and_host() {
    let t = tdes_vectors();
    let bdk = tdes_bdk(&t);
    let ipek = tdes::derive_ipek(&bdk, &tdes_ksn(s(&t.common, "initial_ksn"))).unwrap();
    let dk = device_key();
    let mut store = Store::default();
    let mut rng = rng();
    let mut o = tdes::Originator::load_initial_key(
        &ipek,
        &tdes_ksn(s(&t.common, "initial_ksn")),
        &dk,
        &mut rng,
        &mut store,
    )
    .unwrap();
    assert_eq!(
        format!("{o:?}"),
        "Originator { ksn: TdesKsn(FFFF9876543210E00001), .. }"
    );
    for v in &t.vectors {
        let tx = o.next_transaction(&dk, &mut rng, &mut store).unwrap();
        assert_eq!(tx.ksn().to_string(), s(v, "ksn"));
        assert_eq!(tx.holder(), Holder::Originator);
        check_tdes_keys(&tx, v);
        assert_eq!(tx.pin_key().unwrap().mode_of_use(), ModeOfUse::Encrypt);
    }
    let mut last = 0x15;
    for _ in 21..50 {
        let tx = o.next_transaction(&dk, &mut rng, &mut store).unwrap();
        assert!(tx.ksn().counter() > last);
        last = tx.ksn().counter();
        let host = tdes::derive_transaction_key_from_bdk(&bdk, &tx.ksn()).unwrap();
        assert_eq!(
            tx.dangerous_expose_secret().unwrap(),
            host.dangerous_expose_secret().unwrap()
        );
    }
}

// ----------------------------------------------------------------- AES

fn aes_json() -> Value {
    serde_json::from_str(AES_VECTORS).unwrap()
}

fn parse_usage(name: &str) -> WorkingKeyUsage {
    match name {
        "PIN" => WorkingKeyUsage::PinEncryption,
        "MAC_GEN" => WorkingKeyUsage::MacGenerate,
        "MAC_VER" => WorkingKeyUsage::MacVerify,
        "MAC_BOTH" => WorkingKeyUsage::MacBoth,
        "DATA_ENC" => WorkingKeyUsage::DataEncrypt,
        "DATA_DEC" => WorkingKeyUsage::DataDecrypt,
        "DATA_BOTH" => WorkingKeyUsage::DataBoth,
        "KEK" => WorkingKeyUsage::KeyEncryption,
        other => panic!("unknown usage {other}"),
    }
}

fn parse_type(name: &str) -> WorkingKeyType {
    match name {
        "2TDEA" => WorkingKeyType::Tdes2,
        "3TDEA" => WorkingKeyType::Tdes3,
        "AES128" => WorkingKeyType::Aes128,
        "AES192" => WorkingKeyType::Aes192,
        "AES256" => WorkingKeyType::Aes256,
        other => panic!("unknown key type {other}"),
    }
}

fn check_aes_keys(tx: &aes::TransactionKey, v: &Value) {
    let id = s(v, "id");
    assert_eq!(
        hex::encode_upper(tx.dangerous_expose_secret().unwrap()),
        s(v, "transaction_derivation_key"),
        "{id}"
    );
    let wk = v["working_keys"].as_object().unwrap();
    assert!(wk.len() >= 24, "{id}");
    for (name, expected) in wk {
        let (usage, kt) = name.split_once('/').unwrap();
        let k = tx.working_key(parse_usage(usage), parse_type(kt)).unwrap();
        assert_eq!(bytes(&k), expected.as_str().unwrap(), "{id} {name}");
        assert_eq!(k.algorithm(), parse_type(kt).algorithm());
    }
}

/// X9.24-3-2017 supplement: initial keys from the AES-128 and AES-256 BDKs.
#[test]
fn aes_initial_keys() {
    let j = aes_json();
    let c = &j["common"];
    let ikid: [u8; 8] = unhex(s(c, "initial_key_id")).try_into().unwrap();
    for (alg, bdk, ik) in [
        (Algorithm::Aes128, "bdk_aes128", "initial_key_aes128"),
        (Algorithm::Aes256, "bdk_aes256", "initial_key_aes256"),
    ] {
        let bdk = key(alg, s(c, bdk), KeyUsage::Bdk, ModeOfUse::NoRestrictions);
        let k = aes::derive_initial_key(&bdk, &ikid).unwrap();
        assert_eq!(bytes(&k), s(c, ik));
        assert_eq!(
            (k.usage(), k.mode_of_use(), k.algorithm()),
            (KeyUsage::InitialDukptKey, ModeOfUse::Derive, alg)
        );
    }
    let v = &j["vectors"][0];
    assert_eq!(s(v, "kind"), "initial_key");
    let bdk = key(
        Algorithm::Aes128,
        s(v, "bdk"),
        KeyUsage::Bdk,
        ModeOfUse::Derive,
    );
    let ikid: [u8; 8] = unhex(s(v, "initial_key_id")).try_into().unwrap();
    assert_eq!(
        bytes(&aes::derive_initial_key(&bdk, &ikid).unwrap()),
        s(v, "initial_key")
    );
}

/// X9.24-3-2017 supplement: every KSN, transaction derivation key and every
/// listed working key (usage × type), host side from the BDK and the IK.
#[test]
fn aes_host_all_vectors() {
    let j = aes_json();
    let c = &j["common"];
    let bdk = key(
        Algorithm::Aes128,
        s(c, "bdk_aes128"),
        KeyUsage::Bdk,
        ModeOfUse::Derive,
    );
    let ik = key(
        Algorithm::Aes128,
        s(c, "initial_key_aes128"),
        KeyUsage::InitialDukptKey,
        ModeOfUse::Derive,
    );
    let mut n = 0;
    for v in j["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["kind"] == "transaction")
    {
        let raw = unhex(s(v, "ksn"));
        let ksn = AesKsn::from_bytes(&raw).unwrap();
        assert_eq!(format!("{:08X}", ksn.counter()), s(v, "counter"));
        assert_eq!(
            u64::from(ksn.counter().count_ones()),
            v["one_bits"].as_u64().unwrap()
        );
        if let Some(valid) = v["valid_for_originator"].as_bool() {
            assert_eq!(ksn.is_originator_counter(), valid, "{}", s(v, "id"));
        }
        check_aes_keys(
            &aes::derive_transaction_key_from_bdk(&bdk, &ksn).unwrap(),
            v,
        );
        check_aes_keys(&aes::derive_transaction_key(&ik, &ksn).unwrap(), v);
        let k = dukpt::derive(
            &bdk,
            &raw,
            WorkingKeyUsage::PinEncryption,
            WorkingKeyType::Aes128,
        )
        .unwrap();
        assert_eq!(bytes(&k), s(&v["working_keys"], "PIN/AES128"));
        n += 1;
    }
    assert_eq!(n, 17);
}

#[test]
fn aes_key_attributes_and_strength() {
    let j = aes_json();
    let bdk = key(
        Algorithm::Aes128,
        s(&j["common"], "bdk_aes128"),
        KeyUsage::Bdk,
        ModeOfUse::Derive,
    );
    let ksn = AesKsn::new(unhex("1234567890123456").try_into().unwrap(), 1);
    let tx = aes::derive_transaction_key_from_bdk(&bdk, &ksn).unwrap();
    for kt in [WorkingKeyType::Aes192, WorkingKeyType::Aes256] {
        for usage in WorkingKeyUsage::ALL {
            assert_eq!(
                tx.working_key(usage, kt).unwrap_err(),
                Error::Dukpt(DukptError::KeyTypeTooStrong)
            );
        }
        let err = dukpt::derive(&bdk, ksn.as_bytes(), WorkingKeyUsage::MacBoth, kt).unwrap_err();
        assert_eq!(err, Error::Dukpt(DukptError::KeyTypeTooStrong));
        assert_eq!(err.kind(), ErrorKind::Unsupported);
    }
    let mac = tx
        .working_key(WorkingKeyUsage::MacGenerate, WorkingKeyType::Aes128)
        .unwrap();
    assert_eq!(
        (mac.usage(), mac.mode_of_use()),
        (KeyUsage::MacCmac, ModeOfUse::Verify)
    );
    let kek = tx
        .working_key(WorkingKeyUsage::KeyEncryption, WorkingKeyType::Aes128)
        .unwrap();
    assert_eq!(
        (kek.usage(), kek.mode_of_use()),
        (KeyUsage::KeyEncryption, ModeOfUse::Encrypt)
    );
    let kd = tx
        .working_key(WorkingKeyUsage::KeyDerivation, WorkingKeyType::Tdes3)
        .unwrap();
    assert_eq!(
        (kd.usage(), kd.mode_of_use(), kd.algorithm()),
        (KeyUsage::KeyDerivation, ModeOfUse::Derive, Algorithm::Tdes3)
    );
    assert_eq!(
        format!("{tx:?}"),
        "TransactionKey { ksn: AesKsn(123456789012345600000001), .. }"
    );

    // An AES-256 BDK may give every key type.
    let bdk256 = key(
        Algorithm::Aes256,
        s(&j["common"], "bdk_aes256"),
        KeyUsage::Bdk,
        ModeOfUse::Derive,
    );
    let tx = aes::derive_transaction_key_from_bdk(&bdk256, &ksn).unwrap();
    for kt in WorkingKeyType::ALL {
        assert_eq!(
            tx.working_key(WorkingKeyUsage::DataBoth, kt)
                .unwrap()
                .algorithm(),
            kt.algorithm()
        );
    }
}

/// The AES originator produces the supplement's counters 1..8 and keys, then
/// agrees with the host for 50 transactions.
#[test]
fn aes_originator_matches_vectors_and_host() {
    let j = aes_json();
    let c = &j["common"];
    let bdk = key(
        Algorithm::Aes128,
        s(c, "bdk_aes128"),
        KeyUsage::Bdk,
        ModeOfUse::Derive,
    );
    let ikid: [u8; 8] = unhex(s(c, "initial_key_id")).try_into().unwrap();
    let ik = aes::derive_initial_key(&bdk, &ikid).unwrap();
    let dk = device_key();
    let mut store = Store::default();
    let mut rng = rng();
    let mut o = aes::Originator::load_initial_key(&ik, ikid, &dk, &mut rng, &mut store).unwrap();
    assert_eq!(
        format!("{o:?}"),
        "Originator { ksn: AesKsn(123456789012345600000001), .. }"
    );
    let vectors = j["vectors"].as_array().unwrap();
    for v in vectors
        .iter()
        .filter(|v| v["kind"] == "transaction")
        .take(8)
    {
        let tx = o.next_transaction(&dk, &mut rng, &mut store).unwrap();
        assert_eq!(tx.ksn().to_string(), s(v, "ksn"));
        check_aes_keys(&tx, v);
        let pin = tx
            .working_key(WorkingKeyUsage::PinEncryption, WorkingKeyType::Aes128)
            .unwrap();
        assert_eq!(pin.mode_of_use(), ModeOfUse::Encrypt);
    }
    for _ in 8..50 {
        let tx = o.next_transaction(&dk, &mut rng, &mut store).unwrap();
        let host = aes::derive_transaction_key_from_bdk(&bdk, &tx.ksn()).unwrap();
        assert_eq!(
            tx.dangerous_expose_secret().unwrap(),
            host.dangerous_expose_secret().unwrap()
        );
        for usage in WorkingKeyUsage::ALL {
            let a = tx.working_key(usage, WorkingKeyType::Tdes3).unwrap();
            let b = host.working_key(usage, WorkingKeyType::Tdes3).unwrap();
            assert_eq!(bytes(&a), bytes(&b));
        }
    }
}

/// Update Initial Key (X9.24-3-2017 §B.6.3): the host wraps a new initial
/// key under the current KEK working key; afterwards the terminal's keys
/// match host derivation from the new BDK.
#[test]
fn aes_update_initial_key() {
    let j = aes_json();
    let c = &j["common"];
    let bdk = key(
        Algorithm::Aes256,
        s(c, "bdk_aes256"),
        KeyUsage::Bdk,
        ModeOfUse::Derive,
    );
    let ikid: [u8; 8] = unhex(s(c, "initial_key_id")).try_into().unwrap();
    let ik = aes::derive_initial_key(&bdk, &ikid).unwrap();
    let dk = device_key();
    let mut store = Store::default();
    let mut rng = rng();
    let mut o = aes::Originator::load_initial_key(&ik, ikid, &dk, &mut rng, &mut store).unwrap();
    for _ in 0..3 {
        o.next_transaction(&dk, &mut rng, &mut store).unwrap();
    }
    let new_bdk = Key::new(
        Algorithm::Aes128,
        &[0x42; 16],
        KeyAttributes::new(KeyUsage::Bdk, ModeOfUse::Derive),
    )
    .unwrap();
    let new_ikid = [9, 8, 7, 6, 5, 4, 3, 2];
    let new_ik = aes::derive_initial_key(&new_bdk, &new_ikid).unwrap();
    let mut wrapped = [0u8; 32];
    let n = aes::wrap_initial_key_update(&bdk, &o.ksn(), &new_ik, &mut wrapped).unwrap();
    assert_eq!(n, 16);
    // Wrong length and TDES key types are refused.
    assert!(
        o.update_initial_key(
            &wrapped[..15],
            WorkingKeyType::Aes128,
            new_ikid,
            &dk,
            &mut rng,
            &mut store
        )
        .is_err()
    );
    assert_eq!(
        o.update_initial_key(
            &wrapped[..16],
            WorkingKeyType::Tdes2,
            new_ikid,
            &dk,
            &mut rng,
            &mut store
        )
        .unwrap_err(),
        Error::Key(KeyError::WrongAlgorithm)
    );
    o.update_initial_key(
        &wrapped[..n],
        WorkingKeyType::Aes128,
        new_ikid,
        &dk,
        &mut rng,
        &mut store,
    )
    .unwrap();
    assert_eq!(o.ksn(), AesKsn::new(new_ikid, 1));
    assert_eq!(o.algorithm(), Algorithm::Aes128);
    for _ in 0..5 {
        let tx = o.next_transaction(&dk, &mut rng, &mut store).unwrap();
        let host = aes::derive_transaction_key_from_bdk(&new_bdk, &tx.ksn()).unwrap();
        assert_eq!(
            tx.dangerous_expose_secret().unwrap(),
            host.dangerous_expose_secret().unwrap()
        );
    }
    // A restart continues under the new initial key.
    let r = aes::Originator::restore(&dk, store.durable.as_ref().unwrap(), 0).unwrap();
    assert_eq!(r.ksn(), AesKsn::new(new_ikid, 6));
}

// ------------------------------------------- primitive helpers (RustCrypto)

fn tdes_cbc_iv0(key: &[u8], data: &[u8]) -> Vec<u8> {
    let c = des::TdesEde2::new_from_slice(key).unwrap();
    let mut chain = [0u8; 8];
    let mut out = Vec::new();
    for block in data.chunks(8) {
        let mut b = [0u8; 8];
        for (i, x) in block.iter().enumerate() {
            b[i] = x ^ chain[i];
        }
        let mut ga = GenericArray::from(b);
        c.encrypt_block(&mut ga);
        chain.copy_from_slice(&ga);
        out.extend_from_slice(&ga);
    }
    out
}

/// ANSI X9.19 / ISO 9797-1 MAC algorithm 3 (single-DES CBC under the left
/// half, last block decrypted with the right half and re-encrypted).
fn x919(key: &[u8], data: &[u8]) -> Vec<u8> {
    use des::cipher::BlockDecrypt;
    let left = des::Des::new_from_slice(&key[..8]).unwrap();
    let right = des::Des::new_from_slice(&key[8..16]).unwrap();
    let mut chain = GenericArray::from([0u8; 8]);
    for block in data.chunks(8) {
        for (i, x) in block.iter().enumerate() {
            chain[i] ^= x;
        }
        left.encrypt_block(&mut chain);
    }
    right.decrypt_block(&mut chain);
    left.encrypt_block(&mut chain);
    chain.to_vec()
}

fn aes128_block(key: &[u8], block: &[u8]) -> Vec<u8> {
    let c = ::aes::Aes128::new_from_slice(key).unwrap();
    let mut b = GenericArray::clone_from_slice(block);
    c.encrypt_block(&mut b);
    b.to_vec()
}

fn aes128_cbc_iv0(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut chain = vec![0u8; 16];
    let mut out = Vec::new();
    for block in data.chunks(16) {
        let x: Vec<u8> = block.iter().zip(&chain).map(|(a, b)| a ^ b).collect();
        chain = aes128_block(key, &x);
        out.extend_from_slice(&chain);
    }
    out
}

fn aes_cmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    use cmac::Mac;
    let mut m = <cmac::Cmac<::aes::Aes128> as Mac>::new_from_slice(key).unwrap();
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

/// Published outputs that use the derived keys: TDES-CBC data (request and
/// response) and ANSI X9.19 MACs, X9.24-1:2009 Annex A.4.2 / moov-io.
#[test]
fn tdes_keys_reproduce_published_mac_and_data() {
    let t = tdes_vectors();
    let bdk = tdes_bdk(&t);
    let msg = unhex(s(&t.common, "message_padded_hex"));
    let ascii = unhex(s(&t.common, "message_hex"));
    let mut mac_msg = ascii.clone();
    mac_msg.resize(ascii.len().div_ceil(8) * 8, 0);
    for v in &t.vectors {
        let tx = tdes::derive_transaction_key_from_bdk(&bdk, &tdes_ksn(s(v, "ksn"))).unwrap();
        let id = s(v, "id");
        let req = tx.data_request_key().unwrap();
        let resp = tx.data_response_key().unwrap();
        assert_eq!(
            hex::encode_upper(tdes_cbc_iv0(req.dangerous_expose_secret().unwrap(), &msg)),
            s(v, "encrypted_request_data"),
            "{id}"
        );
        assert_eq!(
            hex::encode_upper(tdes_cbc_iv0(resp.dangerous_expose_secret().unwrap(), &msg)),
            s(v, "encrypted_response_data"),
            "{id}"
        );
        let mreq = tx.mac_request_key().unwrap();
        let mresp = tx.mac_response_key().unwrap();
        assert_eq!(
            hex::encode_upper(x919(mreq.dangerous_expose_secret().unwrap(), &mac_msg)),
            s(v, "mac_request_x919"),
            "{id}"
        );
        assert_eq!(
            hex::encode_upper(x919(mresp.dangerous_expose_secret().unwrap(), &mac_msg)),
            s(v, "mac_response_x919"),
            "{id}"
        );
    }
}

/// Published outputs that use AES working keys: the ISO 9564 format 4 PIN
/// block of the X9.24-3-2017 supplement (p.31) and moov-io's CMAC / CBC.
#[test]
fn aes_keys_reproduce_published_pin_block_mac_and_data() {
    let j = aes_json();
    let bdk = key(
        Algorithm::Aes128,
        s(&j["common"], "bdk_aes128"),
        KeyUsage::Bdk,
        ModeOfUse::Derive,
    );
    let mut n = 0;
    for v in j["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v.get("pin_block_format4").is_some())
    {
        let id = s(v, "id");
        let tx = aes::derive_transaction_key_from_bdk(
            &bdk,
            &AesKsn::from_bytes(&unhex(s(v, "ksn"))).unwrap(),
        )
        .unwrap();
        let pb = &v["pin_block_format4"];
        let pin = tx
            .working_key(WorkingKeyUsage::PinEncryption, WorkingKeyType::Aes128)
            .unwrap();
        let pin = pin.dangerous_expose_secret().unwrap();
        let a = aes128_block(pin, &unhex(s(pb, "plaintext_pin_field")));
        assert_eq!(hex::encode_upper(&a), s(pb, "intermediate_block_a"), "{id}");
        let b: Vec<u8> = a
            .iter()
            .zip(unhex(s(pb, "plaintext_pan_field")))
            .map(|(x, y)| x ^ y)
            .collect();
        assert_eq!(
            hex::encode_upper(aes128_block(pin, &b)),
            s(pb, "enciphered_pin_block"),
            "{id}"
        );

        let mc = &v["message_crypto"];
        let msg = unhex(s(mc, "message_zero_padded_hex"));
        let k = |u| tx.working_key(u, WorkingKeyType::Aes128).unwrap();
        let gen_key = k(WorkingKeyUsage::MacGenerate);
        let ver_key = k(WorkingKeyUsage::MacVerify);
        let enc = k(WorkingKeyUsage::DataEncrypt);
        let dec = k(WorkingKeyUsage::DataDecrypt);
        let ascii = &msg[..s(mc, "message_ascii").len()];
        assert_eq!(
            hex::encode_upper(aes_cmac(gen_key.dangerous_expose_secret().unwrap(), ascii)),
            s(mc, "cmac_request_mac_gen_key"),
            "{id}"
        );
        assert_eq!(
            hex::encode_upper(aes_cmac(ver_key.dangerous_expose_secret().unwrap(), ascii)),
            s(mc, "cmac_response_mac_ver_key"),
            "{id}"
        );
        assert_eq!(
            hex::encode_upper(aes128_cbc_iv0(enc.dangerous_expose_secret().unwrap(), &msg)),
            s(mc, "aes_cbc_iv0_request_data_enc_key"),
            "{id}"
        );
        assert_eq!(
            hex::encode_upper(aes128_cbc_iv0(dec.dangerous_expose_secret().unwrap(), &msg)),
            s(mc, "aes_cbc_iv0_response_data_dec_key"),
            "{id}"
        );
        n += 1;
    }
    assert_eq!(n, 8);
}

// ----------------------------------------------------- crash safety

/// Which step of a transaction the simulated power cut hits.
#[derive(Clone, Copy, Debug)]
enum Event {
    Normal,
    /// The flash write fails; the terminal keeps running.
    PersistFails,
    /// The flash write fails and the terminal reboots from the old blob.
    PersistFailsThenRestart,
    /// The write lands but an error is reported; reboot from the new blob.
    TornWriteThenRestart,
    /// The write succeeds, power is cut before the key is used.
    CrashAfterPersist,
}

const EVENTS: [Event; 5] = [
    Event::Normal,
    Event::PersistFails,
    Event::PersistFailsThenRestart,
    Event::TornWriteThenRestart,
    Event::CrashAfterPersist,
];

trait Terminal: Sized + std::fmt::Debug {
    fn next(
        &mut self,
        dk: &Key,
        rng: &mut StdRng,
        store: &mut Store,
    ) -> Result<(Vec<u8>, Vec<u8>), Error>;
    fn restore(dk: &Key, blob: &[u8], min_counter: u32) -> Result<Self, Error>;
    /// The counter the next transaction uses.
    fn next_counter(&self) -> u32;
}

impl Terminal for tdes::Originator {
    fn next(
        &mut self,
        dk: &Key,
        rng: &mut StdRng,
        store: &mut Store,
    ) -> Result<(Vec<u8>, Vec<u8>), Error> {
        let tx = self.next_transaction(dk, rng, store)?;
        Ok((
            tx.ksn().as_bytes().to_vec(),
            tx.dangerous_expose_secret().unwrap().to_vec(),
        ))
    }
    fn restore(dk: &Key, blob: &[u8], min_counter: u32) -> Result<Self, Error> {
        tdes::Originator::restore(dk, blob, min_counter)
    }
    fn next_counter(&self) -> u32 {
        self.ksn().counter()
    }
}

impl Terminal for aes::Originator {
    fn next(
        &mut self,
        dk: &Key,
        rng: &mut StdRng,
        store: &mut Store,
    ) -> Result<(Vec<u8>, Vec<u8>), Error> {
        let tx = self.next_transaction(dk, rng, store)?;
        Ok((
            tx.ksn().as_bytes().to_vec(),
            tx.dangerous_expose_secret().unwrap().to_vec(),
        ))
    }
    fn restore(dk: &Key, blob: &[u8], min_counter: u32) -> Result<Self, Error> {
        aes::Originator::restore(dk, blob, min_counter)
    }
    fn next_counter(&self) -> u32 {
        self.ksn().counter()
    }
}

/// Runs every event at every position of a 5^2-long schedule and checks no
/// KSN is ever released twice and every released key is the host's.
fn crash_schedule<T: Terminal>(
    mut t: T,
    mut store: Store,
    host: impl Fn(&[u8]) -> Vec<u8>,
) -> usize {
    let dk = device_key();
    let mut rng = rng();
    let mut released = HashSet::new();
    // The terminal's monotonic counter: the next counter, recorded after
    // every call that released a key. Every restart passes it to restore,
    // and the first blob (a storage rollback) is refused once it is stale.
    let first_blob = store.durable.clone().unwrap();
    let first_counter = t.next_counter();
    let mut recorded = 0u32;
    let restart = |store: &Store, recorded: u32| {
        if recorded > first_counter {
            assert_eq!(
                T::restore(&dk, &first_blob, recorded).unwrap_err(),
                Error::Dukpt(DukptError::StateRolledBack)
            );
        }
        T::restore(&dk, store.durable.as_ref().unwrap(), recorded).unwrap()
    };
    for step in 0..75 {
        let event = EVENTS[(step + step / 5) % 5];
        match event {
            Event::Normal => {
                let (ksn, key) = t.next(&dk, &mut rng, &mut store).unwrap();
                assert_eq!(key, host(&ksn));
                assert!(released.insert(ksn), "KSN reused at step {step}");
                recorded = t.next_counter();
            }
            Event::PersistFails | Event::PersistFailsThenRestart => {
                store.fail_before_write = true;
                let before = store.durable.clone();
                assert!(
                    t.next(&dk, &mut rng, &mut store).is_err(),
                    "key released without persistence"
                );
                assert_eq!(store.durable, before);
                if matches!(event, Event::PersistFailsThenRestart) {
                    t = restart(&store, recorded);
                }
            }
            Event::TornWriteThenRestart => {
                store.fail_after_write = true;
                assert!(t.next(&dk, &mut rng, &mut store).is_err());
                t = restart(&store, recorded);
            }
            Event::CrashAfterPersist => {
                let (ksn, _unused_key) = t.next(&dk, &mut rng, &mut store).unwrap();
                // Released (even if never used): it must never come back.
                assert!(released.insert(ksn), "KSN reused at step {step}");
                // The crash may come before the counter is recorded.
                t = restart(&store, recorded);
                recorded = t.next_counter();
            }
        }
    }
    released.len()
}

#[test]
fn tdes_crash_at_every_step_never_reuses_a_ksn() {
    let t = tdes_vectors();
    let bdk = tdes_bdk(&t);
    let initial = tdes_ksn(s(&t.common, "initial_ksn"));
    let ipek = tdes::derive_ipek(&bdk, &initial).unwrap();
    let mut store = Store::default();
    let o =
        tdes::Originator::load_initial_key(&ipek, &initial, &device_key(), &mut rng(), &mut store)
            .unwrap();
    let n = crash_schedule(o, store, |ksn| {
        let ksn = TdesKsn::from_bytes(ksn).unwrap();
        tdes::derive_transaction_key_from_bdk(&bdk, &ksn)
            .unwrap()
            .dangerous_expose_secret()
            .unwrap()
            .to_vec()
    });
    assert_eq!(n, 30, "two of five events release a key");
}

#[test]
fn aes_crash_at_every_step_never_reuses_a_ksn() {
    let j = aes_json();
    let bdk = key(
        Algorithm::Aes128,
        s(&j["common"], "bdk_aes128"),
        KeyUsage::Bdk,
        ModeOfUse::Derive,
    );
    let ikid = [1, 2, 3, 4, 5, 6, 7, 8];
    let ik = aes::derive_initial_key(&bdk, &ikid).unwrap();
    let mut store = Store::default();
    let o = aes::Originator::load_initial_key(&ik, ikid, &device_key(), &mut rng(), &mut store)
        .unwrap();
    let n = crash_schedule(o, store, |ksn| {
        let ksn = AesKsn::from_bytes(ksn).unwrap();
        aes::derive_transaction_key_from_bdk(&bdk, &ksn)
            .unwrap()
            .dangerous_expose_secret()
            .unwrap()
            .to_vec()
    });
    assert_eq!(n, 30, "two of five events release a key");
}

/// Without a durable write the load itself fails and no originator exists.
#[test]
fn load_requires_persistence() {
    let t = tdes_vectors();
    let initial = tdes_ksn(s(&t.common, "initial_ksn"));
    let ipek = tdes::derive_ipek(&tdes_bdk(&t), &initial).unwrap();
    let mut store = Store {
        fail_before_write: true,
        ..Store::default()
    };
    assert!(
        tdes::Originator::load_initial_key(&ipek, &initial, &device_key(), &mut rng(), &mut store)
            .is_err()
    );
}

#[test]
fn tampered_truncated_and_foreign_blobs_are_refused() {
    let t = tdes_vectors();
    let initial = tdes_ksn(s(&t.common, "initial_ksn"));
    let ipek = tdes::derive_ipek(&tdes_bdk(&t), &initial).unwrap();
    let dk = device_key();
    let mut store = Store::default();
    let mut o =
        tdes::Originator::load_initial_key(&ipek, &initial, &dk, &mut rng(), &mut store).unwrap();
    o.next_transaction(&dk, &mut rng(), &mut store).unwrap();
    let blob = store.durable.clone().unwrap();
    assert_eq!(blob.len(), dukpt::TDES_STATE_LEN);
    assert_eq!(
        tdes::Originator::restore(&dk, &blob, 0)
            .unwrap()
            .ksn()
            .counter(),
        2
    );
    for i in 0..blob.len() {
        let mut bad = blob.clone();
        bad[i] ^= 0x01;
        let err = tdes::Originator::restore(&dk, &bad, 0).unwrap_err();
        if i < 8 {
            assert_eq!(
                err,
                Error::Dukpt(DukptError::InvalidState),
                "header byte {i}"
            );
        } else {
            assert_eq!(err, Error::VerificationFailed, "byte {i}");
        }
    }
    for len in [0, 1, 8, 20, blob.len() - 1] {
        assert_eq!(
            tdes::Originator::restore(&dk, &blob[..len], 0).unwrap_err(),
            Error::Dukpt(DukptError::InvalidState)
        );
    }
    let mut long = blob.clone();
    long.push(0);
    assert_eq!(
        tdes::Originator::restore(&dk, &long, 0).unwrap_err(),
        Error::Dukpt(DukptError::InvalidState)
    );
    // Another device's key.
    let other = Key::new(
        Algorithm::Aes256,
        &[0x5B; 32],
        KeyAttributes::new(KeyUsage::DataEncryption, ModeOfUse::EncryptDecrypt),
    )
    .unwrap();
    assert_eq!(
        tdes::Originator::restore(&other, &blob, 0).unwrap_err(),
        Error::VerificationFailed
    );
    // A TDES blob is not an AES state.
    assert_eq!(
        aes::Originator::restore(&dk, &blob, 0).unwrap_err(),
        Error::Dukpt(DukptError::InvalidState)
    );
    // A device key that may not decrypt, or of the wrong usage.
    let enc_only = Key::new(
        Algorithm::Aes256,
        &[0x5A; 32],
        KeyAttributes::new(KeyUsage::DataEncryption, ModeOfUse::Encrypt),
    )
    .unwrap();
    assert_eq!(
        tdes::Originator::restore(&enc_only, &blob, 0).unwrap_err(),
        Error::Key(KeyError::ModeNotPermitted)
    );
    let mac = Key::new(
        Algorithm::Aes256,
        &[0x5A; 32],
        KeyAttributes::new(KeyUsage::MacCmac, ModeOfUse::NoRestrictions),
    )
    .unwrap();
    assert_eq!(
        tdes::Originator::restore(&mac, &blob, 0).unwrap_err(),
        Error::Key(KeyError::UsageNotPermitted)
    );
    // Two seals of the same state differ (fresh nonce).
    let mut o = tdes::Originator::restore(&dk, &blob, 0).unwrap();
    let mut s2 = Store::default();
    o.next_transaction(&dk, &mut rng(), &mut s2).unwrap();
    let mut o2 = tdes::Originator::restore(&dk, &blob, 0).unwrap();
    let mut s3 = Store::default();
    o2.next_transaction(&dk, &mut StdRng::seed_from_u64(7), &mut s3)
        .unwrap();
    assert_ne!(s2.durable, s3.durable);
}

#[test]
fn aes_blob_tamper_and_truncation() {
    let ik = Key::new(
        Algorithm::Aes128,
        &[3; 16],
        KeyAttributes::new(KeyUsage::InitialDukptKey, ModeOfUse::Derive),
    )
    .unwrap();
    let dk = device_key();
    let mut store = Store::default();
    aes::Originator::load_initial_key(&ik, [0; 8], &dk, &mut rng(), &mut store).unwrap();
    let blob = store.durable.clone().unwrap();
    assert_eq!(blob.len(), dukpt::AES_STATE_LEN);
    for i in (8..blob.len()).step_by(7) {
        let mut bad = blob.clone();
        bad[i] ^= 0x80;
        assert_eq!(
            aes::Originator::restore(&dk, &bad, 0).unwrap_err(),
            Error::VerificationFailed,
            "byte {i}"
        );
    }
    assert_eq!(
        aes::Originator::restore(&dk, &blob[..blob.len() - 1], 0).unwrap_err(),
        Error::Dukpt(DukptError::InvalidState)
    );
}

// ----------------------------------------------------------- rejections

#[test]
fn wrong_key_usage_is_refused() {
    let t = tdes_vectors();
    let ksn = tdes_ksn(s(&t.vectors[0], "ksn"));
    let bdk_hex = s(&t.common, "bdk");
    // A PIN key or an IPEK is not a BDK.
    for usage in [
        KeyUsage::PinEncryption,
        KeyUsage::InitialDukptKey,
        KeyUsage::KeyDerivation,
    ] {
        let k = key(Algorithm::Tdes2, bdk_hex, usage, ModeOfUse::NoRestrictions);
        assert_eq!(
            tdes::derive_ipek(&k, &ksn).unwrap_err(),
            Error::Key(KeyError::UsageNotPermitted)
        );
        assert_eq!(
            dukpt::derive(
                &k,
                ksn.as_bytes(),
                WorkingKeyUsage::PinEncryption,
                WorkingKeyType::Tdes2
            )
            .unwrap_err(),
            Error::Key(KeyError::UsageNotPermitted)
        );
    }
    // A BDK whose mode forbids derivation.
    let k = key(Algorithm::Tdes2, bdk_hex, KeyUsage::Bdk, ModeOfUse::Encrypt);
    assert_eq!(
        tdes::derive_ipek(&k, &ksn).unwrap_err(),
        Error::Key(KeyError::ModeNotPermitted)
    );
    // The originator and the IPEK-based host path want B1, not B0.
    let bdk = tdes_bdk(&t);
    assert_eq!(
        tdes::derive_transaction_key(&bdk, &ksn).unwrap_err(),
        Error::Key(KeyError::UsageNotPermitted)
    );
    assert_eq!(
        tdes::Originator::load_initial_key(
            &bdk,
            &ksn,
            &device_key(),
            &mut rng(),
            &mut Store::default()
        )
        .unwrap_err(),
        Error::Key(KeyError::UsageNotPermitted)
    );
    // A TDES BDK for AES DUKPT and vice versa.
    let aes_ksn = [0u8; 12];
    assert_eq!(
        dukpt::derive(
            &bdk,
            &aes_ksn,
            WorkingKeyUsage::PinEncryption,
            WorkingKeyType::Tdes2
        )
        .unwrap_err(),
        Error::Key(KeyError::WrongAlgorithm)
    );
    let aes_bdk = Key::new(
        Algorithm::Aes128,
        &[1; 16],
        KeyAttributes::new(KeyUsage::Bdk, ModeOfUse::Derive),
    )
    .unwrap();
    assert_eq!(
        tdes::derive_ipek(&aes_bdk, &ksn).unwrap_err(),
        Error::Key(KeyError::WrongAlgorithm)
    );
    let aes_ik = Key::new(
        Algorithm::Aes128,
        &[1; 16],
        KeyAttributes::new(KeyUsage::Bdk, ModeOfUse::Derive),
    )
    .unwrap();
    assert_eq!(
        aes::Originator::load_initial_key(
            &aes_ik,
            [0; 8],
            &device_key(),
            &mut rng(),
            &mut Store::default()
        )
        .unwrap_err(),
        Error::Key(KeyError::UsageNotPermitted)
    );
    // A TDES device key cannot seal state.
    let tdes_dk = Key::new(
        Algorithm::Tdes2,
        &[1; 16],
        KeyAttributes::new(KeyUsage::DataEncryption, ModeOfUse::EncryptDecrypt),
    )
    .unwrap();
    let ipek = tdes::derive_ipek(&bdk, &ksn).unwrap();
    assert_eq!(
        tdes::Originator::load_initial_key(
            &ipek,
            &ksn,
            &tdes_dk,
            &mut rng(),
            &mut Store::default()
        )
        .unwrap_err(),
        Error::Key(KeyError::WrongAlgorithm)
    );
}

#[test]
fn bad_ksn_lengths_and_counters() {
    let t = tdes_vectors();
    let bdk = tdes_bdk(&t);
    for len in [0usize, 8, 9, 11, 13, 16] {
        let err = dukpt::derive(
            &bdk,
            &vec![0xFF; len],
            WorkingKeyUsage::PinEncryption,
            WorkingKeyType::Tdes2,
        )
        .unwrap_err();
        assert_eq!(
            err,
            Error::Dukpt(DukptError::InvalidKsnLength { length: len })
        );
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        assert_eq!(TdesKsn::from_bytes(&vec![0; len]).unwrap_err(), err);
        assert!(AesKsn::from_bytes(&vec![0; len]).is_err());
    }
    // Counter zero is the IPEK itself: refused on the host.
    let zero = tdes_ksn(s(&t.common, "initial_ksn"));
    assert_eq!(
        tdes::derive_transaction_key_from_bdk(&bdk, &zero).unwrap_err(),
        Error::Dukpt(DukptError::InvalidCounter)
    );
    let aes_bdk = Key::new(
        Algorithm::Aes128,
        &[1; 16],
        KeyAttributes::new(KeyUsage::Bdk, ModeOfUse::Derive),
    )
    .unwrap();
    assert_eq!(
        aes::derive_transaction_key_from_bdk(&aes_bdk, &AesKsn::new([0; 8], 0)).unwrap_err(),
        Error::Dukpt(DukptError::InvalidCounter)
    );
    // More than 10 one-bits: derivable by the host (X9.24-1 §A.3 does not
    // restrict it) but refused by the strict originator-counter check.
    let eleven = zero.with_counter(0x7FF);
    assert!(tdes::derive_transaction_key_from_bdk(&bdk, &eleven).is_ok());
    assert_eq!(
        eleven.check_originator_counter().unwrap_err(),
        Error::Dukpt(DukptError::InvalidCounter)
    );
    assert!(zero.with_counter(0x3FF).check_originator_counter().is_ok());
    let seventeen = AesKsn::new([0; 8], 0x0001_FFFF);
    assert_eq!(
        seventeen.check_originator_counter().unwrap_err(),
        Error::Dukpt(DukptError::InvalidCounter)
    );
    // TDES DUKPT has only 2TDEA keys and no KEK / derivation usage.
    let ksn = s(&t.vectors[0], "ksn");
    for kt in [
        WorkingKeyType::Tdes3,
        WorkingKeyType::Aes128,
        WorkingKeyType::Aes256,
    ] {
        assert_eq!(
            dukpt::derive(&bdk, &unhex(ksn), WorkingKeyUsage::PinEncryption, kt).unwrap_err(),
            Error::Dukpt(DukptError::KeyTypeTooStrong)
        );
    }
    for usage in [
        WorkingKeyUsage::KeyEncryption,
        WorkingKeyUsage::KeyDerivation,
    ] {
        let err = dukpt::derive(&bdk, &unhex(ksn), usage, WorkingKeyType::Tdes2).unwrap_err();
        assert_eq!(err, Error::Dukpt(DukptError::UnsupportedUsage));
        assert_eq!(err.kind(), ErrorKind::Unsupported);
    }
    assert!(matches!(Ksn::parse(&unhex(ksn)).unwrap(), Ksn::Tdes(_)));
}

// ------------------------------------------------- exportability (H4)

fn non_exportable(algorithm: Algorithm, material: &[u8], usage: KeyUsage) -> Key {
    Key::new(
        algorithm,
        material,
        KeyAttributes::new(usage, ModeOfUse::Derive)
            .with_exportability(Exportability::NonExportable),
    )
    .unwrap()
}

fn assert_all_working_keys(exportable: Exportability, keys: &[Key]) {
    for k in keys {
        assert_eq!(k.attributes().exportability, exportable, "{k:?}");
        if exportable == Exportability::NonExportable {
            assert_eq!(
                k.dangerous_expose_secret().unwrap_err(),
                Error::Key(KeyError::NotExportable)
            );
        }
    }
}

/// Security review H4: a non-exportable TDES BDK yields a non-exportable
/// IPEK, transaction key and working keys (host side, both paths), none of
/// which can be exposed; an exportable BDK still gives exportable keys.
#[test]
fn tdes_derived_keys_inherit_non_exportable() {
    let t = tdes_vectors();
    let bdk_hex = s(&t.common, "bdk");
    let bdk_n = non_exportable(Algorithm::Tdes2, &unhex(bdk_hex), KeyUsage::Bdk);
    let bdk_e = tdes_bdk(&t);
    let ksn = TdesKsn::from_bytes(&unhex(s(&t.vectors[0], "ksn"))).unwrap();
    let ipek = tdes::derive_ipek(&bdk_n, &ksn).unwrap();
    assert_eq!(
        ipek.attributes().exportability,
        Exportability::NonExportable
    );
    assert_eq!(
        ipek.dangerous_expose_secret().unwrap_err(),
        Error::Key(KeyError::NotExportable)
    );
    for tx in [
        tdes::derive_transaction_key_from_bdk(&bdk_n, &ksn).unwrap(),
        tdes::derive_transaction_key(&ipek, &ksn).unwrap(),
    ] {
        assert_eq!(tx.exportability(), Exportability::NonExportable);
        assert_eq!(
            tx.dangerous_expose_secret().unwrap_err(),
            Error::Key(KeyError::NotExportable)
        );
        let keys: Vec<Key> = [
            WorkingKeyUsage::PinEncryption,
            WorkingKeyUsage::MacGenerate,
            WorkingKeyUsage::MacVerify,
            WorkingKeyUsage::DataEncrypt,
            WorkingKeyUsage::DataDecrypt,
        ]
        .into_iter()
        .map(|u| tx.working_key(u).unwrap())
        .collect();
        assert_all_working_keys(Exportability::NonExportable, &keys);
    }
    let dk = dukpt::derive(
        &bdk_n,
        ksn.as_bytes(),
        WorkingKeyUsage::PinEncryption,
        WorkingKeyType::Tdes2,
    )
    .unwrap();
    assert_all_working_keys(Exportability::NonExportable, &[dk]);
    // The exportable BDK still gives exportable keys (unchanged behaviour).
    let tx = tdes::derive_transaction_key_from_bdk(&bdk_e, &ksn).unwrap();
    assert_eq!(tx.exportability(), Exportability::Exportable);
    assert!(tx.dangerous_expose_secret().is_ok());
    assert_all_working_keys(Exportability::Exportable, &[tx.pin_key().unwrap()]);
}

/// H4, TDES originator: a non-exportable IPEK gives non-exportable keys,
/// and the exportability survives a restart from the state blob.
#[test]
fn tdes_originator_keeps_non_exportable_across_restore() {
    let t = tdes_vectors();
    let bdk = non_exportable(Algorithm::Tdes2, &unhex(s(&t.common, "bdk")), KeyUsage::Bdk);
    let ksn = TdesKsn::from_bytes(&unhex(s(&t.vectors[0], "ksn"))).unwrap();
    let ipek = tdes::derive_ipek(&bdk, &ksn).unwrap();
    let dk = device_key_n();
    let mut store = Store::default();
    let mut rng = rng();
    let mut o = tdes::Originator::load_initial_key(&ipek, &ksn, &dk, &mut rng, &mut store).unwrap();
    let tx = o.next_transaction(&dk, &mut rng, &mut store).unwrap();
    assert_eq!(tx.exportability(), Exportability::NonExportable);
    assert_eq!(
        tx.dangerous_expose_secret().unwrap_err(),
        Error::Key(KeyError::NotExportable)
    );
    assert_all_working_keys(
        Exportability::NonExportable,
        &[tx.pin_key().unwrap(), tx.data_request_key().unwrap()],
    );
    let blob = store.durable.clone().unwrap();
    let mut again = tdes::Originator::restore(&dk, &blob, 0).unwrap();
    let tx = again.next_transaction(&dk, &mut rng, &mut store).unwrap();
    assert_eq!(tx.exportability(), Exportability::NonExportable);
    assert_all_working_keys(Exportability::NonExportable, &[tx.pin_key().unwrap()]);
    // The exportability byte is authenticated: flipping N to E is caught.
    let mut forged = blob.clone();
    assert_eq!(forged[6], b'N');
    forged[6] = b'E';
    assert_eq!(
        tdes::Originator::restore(&dk, &forged, 0).unwrap_err(),
        Error::VerificationFailed
    );
    // An unknown exportability character or a version-1 header is refused.
    let mut bad = blob.clone();
    bad[6] = b'X';
    assert_eq!(
        tdes::Originator::restore(&dk, &bad, 0).unwrap_err(),
        Error::Dukpt(DukptError::InvalidState)
    );
    let mut v1 = blob;
    v1[4] = 1;
    v1[6] = 0;
    assert_eq!(
        tdes::Originator::restore(&dk, &v1, 0).unwrap_err(),
        Error::Dukpt(DukptError::InvalidState)
    );
}

/// H4, AES: host paths and originator (through restore and an initial key
/// update) keep the initial key's `N`; `wrap_initial_key_update` refuses a
/// non-exportable new initial key.
#[test]
fn aes_derived_keys_inherit_non_exportable() {
    let j = aes_json();
    let c = &j["common"];
    let bdk = non_exportable(Algorithm::Aes256, &unhex(s(c, "bdk_aes256")), KeyUsage::Bdk);
    let ikid: [u8; 8] = unhex(s(c, "initial_key_id")).try_into().unwrap();
    let ik = aes::derive_initial_key(&bdk, &ikid).unwrap();
    assert_eq!(ik.attributes().exportability, Exportability::NonExportable);
    let ksn = AesKsn::new(ikid, 1);
    for tx in [
        aes::derive_transaction_key_from_bdk(&bdk, &ksn).unwrap(),
        aes::derive_transaction_key(&ik, &ksn).unwrap(),
    ] {
        assert_eq!(tx.exportability(), Exportability::NonExportable);
        assert_eq!(
            tx.dangerous_expose_secret().unwrap_err(),
            Error::Key(KeyError::NotExportable)
        );
        let keys: Vec<Key> = WorkingKeyUsage::ALL
            .into_iter()
            .map(|u| tx.working_key(u, WorkingKeyType::Aes128).unwrap())
            .collect();
        assert_all_working_keys(Exportability::NonExportable, &keys);
    }

    let dk = device_key_n();
    let mut store = Store::default();
    let mut rng = rng();
    let mut o = aes::Originator::load_initial_key(&ik, ikid, &dk, &mut rng, &mut store).unwrap();
    let tx = o.next_transaction(&dk, &mut rng, &mut store).unwrap();
    assert_eq!(tx.exportability(), Exportability::NonExportable);
    let mut o = aes::Originator::restore(&dk, store.durable.as_ref().unwrap(), 0).unwrap();
    let tx = o.next_transaction(&dk, &mut rng, &mut store).unwrap();
    assert_eq!(tx.exportability(), Exportability::NonExportable);
    assert_all_working_keys(
        Exportability::NonExportable,
        &[
            tx.working_key(WorkingKeyUsage::PinEncryption, WorkingKeyType::Aes128)
                .unwrap(),
        ],
    );

    // Update with an exportable new initial key (host wraps under the
    // exportable BDK twin): the device keeps its original N.
    let bdk_e = key(
        Algorithm::Aes256,
        s(c, "bdk_aes256"),
        KeyUsage::Bdk,
        ModeOfUse::Derive,
    );
    let new_bdk = Key::new(
        Algorithm::Aes128,
        &[0x42; 16],
        KeyAttributes::new(KeyUsage::Bdk, ModeOfUse::Derive),
    )
    .unwrap();
    let new_ikid = [9, 8, 7, 6, 5, 4, 3, 2];
    let new_ik = aes::derive_initial_key(&new_bdk, &new_ikid).unwrap();
    let mut wrapped = [0u8; 32];
    let n = aes::wrap_initial_key_update(&bdk_e, &o.ksn(), &new_ik, &mut wrapped).unwrap();
    o.update_initial_key(
        &wrapped[..n],
        WorkingKeyType::Aes128,
        new_ikid,
        &dk,
        &mut rng,
        &mut store,
    )
    .unwrap();
    let tx = o.next_transaction(&dk, &mut rng, &mut store).unwrap();
    assert_eq!(tx.exportability(), Exportability::NonExportable);

    // A non-exportable new initial key is never wrapped for transport.
    let new_bdk_n = non_exportable(Algorithm::Aes128, &[0x42; 16], KeyUsage::Bdk);
    let new_ik_n = aes::derive_initial_key(&new_bdk_n, &new_ikid).unwrap();
    let mut out = [0xEEu8; 32];
    assert_eq!(
        aes::wrap_initial_key_update(&bdk_e, &o.ksn(), &new_ik_n, &mut out).unwrap_err(),
        Error::Key(KeyError::NotExportable)
    );
    assert_eq!(out, [0xEE; 32], "nothing written");
}

/// M1: the state-sealing device key must be `D0`; a `K0` KEK is refused
/// before any counter is consumed.
#[test]
fn device_key_must_be_data_encryption() {
    let t = tdes_vectors();
    let ipek = tdes::derive_ipek(
        &tdes_bdk(&t),
        &TdesKsn::from_bytes(&unhex(s(&t.vectors[0], "ksn"))).unwrap(),
    )
    .unwrap();
    let ksn = TdesKsn::from_bytes(&unhex(s(&t.vectors[0], "ksn"))).unwrap();
    let kek = Key::new(
        Algorithm::Aes256,
        &[0x5A; 32],
        KeyAttributes::new(KeyUsage::KeyEncryption, ModeOfUse::EncryptDecrypt),
    )
    .unwrap();
    let mut store = Store::default();
    assert_eq!(
        tdes::Originator::load_initial_key(&ipek, &ksn, &kek, &mut rng(), &mut store).unwrap_err(),
        Error::Key(KeyError::UsageNotPermitted)
    );
    let dk = device_key();
    let mut o =
        tdes::Originator::load_initial_key(&ipek, &ksn, &dk, &mut rng(), &mut store).unwrap();
    assert_eq!(
        o.next_transaction(&kek, &mut rng(), &mut store)
            .unwrap_err(),
        Error::Key(KeyError::UsageNotPermitted)
    );
    assert_eq!(o.ksn().counter(), 1, "no counter consumed");
    let blob = store.durable.clone().unwrap();
    assert_eq!(
        tdes::Originator::restore(&kek, &blob, 0).unwrap_err(),
        Error::Key(KeyError::UsageNotPermitted)
    );
}

// ---- Issue 11.1: state-sealing isolation and rollback ----------------------

/// A state-sealing device key (`D0`, both directions) that is non-exportable,
/// as a terminal's should be.
fn device_key_n() -> Key {
    Key::new(
        Algorithm::Aes256,
        &[0x5A; 32],
        KeyAttributes::new(KeyUsage::DataEncryption, ModeOfUse::EncryptDecrypt)
            .with_exportability(Exportability::NonExportable),
    )
    .unwrap()
}

/// The attack of issue 11.1 through the public AEAD API only: open the
/// persisted blob (header = AAD, then nonce, body, tag) with the device key,
/// let `edit` change the header and the plaintext state, and re-seal.
fn reseal_through_public_aead(
    dk: &Key,
    blob: &[u8],
    edit: impl FnOnce(&mut [u8; 8], &mut [u8]),
) -> Result<Vec<u8>, Error> {
    let (header, rest) = blob.split_at(8);
    let (nonce, rest) = rest.split_at(12);
    let (body, tag) = rest.split_at(rest.len() - 16);
    let nonce: [u8; 12] = nonce.try_into().unwrap();
    let tag: [u8; 16] = tag.try_into().unwrap();
    let mut header: [u8; 8] = header.try_into().unwrap();
    let mut plain = body.to_vec();
    paycore::aead::open_in_place(dk, &nonce, &header, &mut plain, &tag)?;
    edit(&mut header, &mut plain);
    let tag = paycore::aead::seal_in_place(dk, &nonce, &header, &mut plain)?;
    Ok([&header[..], &nonce[..], &plain, &tag[..]].concat())
}

/// AES originator loaded from an `N` initial key under an `N` device key.
fn aes_n_originator(dk: &Key, store: &mut Store) -> aes::Originator {
    let j = aes_json();
    let c = &j["common"];
    let bdk = non_exportable(Algorithm::Aes128, &unhex(s(c, "bdk_aes128")), KeyUsage::Bdk);
    let ikid: [u8; 8] = unhex(s(c, "initial_key_id")).try_into().unwrap();
    let ik = aes::derive_initial_key(&bdk, &ikid).unwrap();
    assert_eq!(ik.attributes().exportability, Exportability::NonExportable);
    aes::Originator::load_initial_key(&ik, ikid, dk, &mut rng(), store).unwrap()
}

/// Issue 11.1 reproduction, Rust: the AEAD API must not open the sealed
/// state, so neither the exportability byte (here `N` → `E`, which would
/// release the clear PIN key) nor the counter (rollback) can be re-sealed.
#[test]
fn sealed_state_is_out_of_reach_of_the_public_aead_api() {
    let dk = device_key_n();
    let mut store = Store::default();
    let mut o = aes_n_originator(&dk, &mut store);
    drop(o.next_transaction(&dk, &mut rng(), &mut store).unwrap());
    let blob = store.durable.clone().unwrap();
    assert_eq!(blob.len(), dukpt::AES_STATE_LEN);

    // Step 1: open the blob (the KSN and all 32 registers would be read).
    let (header, rest) = blob.split_at(8);
    let (nonce, rest) = rest.split_at(12);
    let (body, tag) = rest.split_at(rest.len() - 16);
    let mut plain = body.to_vec();
    let opened = paycore::aead::open_in_place(
        &dk,
        nonce.try_into().unwrap(),
        header,
        &mut plain,
        tag.try_into().unwrap(),
    );

    // Steps 2-4: E in the header, re-seal, restore, next, PIN key export.
    let forged = reseal_through_public_aead(&dk, &blob, |h, _| h[6] = b'E');
    if let Ok(forged) = &forged {
        let mut again = aes::Originator::restore(&dk, forged, 0).unwrap();
        let tx = again.next_transaction(&dk, &mut rng(), &mut store).unwrap();
        let pin = tx
            .working_key(WorkingKeyUsage::PinEncryption, WorkingKeyType::Aes128)
            .unwrap();
        assert_eq!(
            pin.dangerous_expose_secret().map(<[u8]>::len),
            Err(Error::Key(KeyError::NotExportable)),
            "the forged blob released a clear PIN key"
        );
    }
    assert_eq!(opened, Err(Error::VerificationFailed), "state opened");
    assert_eq!(
        plain,
        vec![0u8; plain.len()],
        "nothing of the state released"
    );
    assert_eq!(forged.unwrap_err(), Error::VerificationFailed);

    // The same path would roll the counter back to 1.
    let rolled =
        reseal_through_public_aead(&dk, &blob, |_, p| p[8..12].copy_from_slice(&[0, 0, 0, 1]));
    assert_eq!(rolled.unwrap_err(), Error::VerificationFailed);
}

/// Same for TDES (the state layout differs, the sealing does not).
#[test]
fn tdes_sealed_state_is_out_of_reach_of_the_public_aead_api() {
    let t = tdes_vectors();
    let bdk = non_exportable(Algorithm::Tdes2, &unhex(s(&t.common, "bdk")), KeyUsage::Bdk);
    let ksn = TdesKsn::from_bytes(&unhex(s(&t.vectors[0], "ksn"))).unwrap();
    let ipek = tdes::derive_ipek(&bdk, &ksn).unwrap();
    let dk = device_key_n();
    let mut store = Store::default();
    let mut o =
        tdes::Originator::load_initial_key(&ipek, &ksn, &dk, &mut rng(), &mut store).unwrap();
    drop(o.next_transaction(&dk, &mut rng(), &mut store).unwrap());
    let blob = store.durable.clone().unwrap();
    let forged = reseal_through_public_aead(&dk, &blob, |h, _| h[6] = b'E');
    if let Ok(forged) = &forged {
        let mut again = tdes::Originator::restore(&dk, forged, 0).unwrap();
        let tx = again.next_transaction(&dk, &mut rng(), &mut store).unwrap();
        assert_eq!(
            tx.pin_key()
                .unwrap()
                .dangerous_expose_secret()
                .map(<[u8]>::len),
            Err(Error::Key(KeyError::NotExportable)),
            "the forged blob released a clear PIN key"
        );
    }
    assert_eq!(forged.unwrap_err(), Error::VerificationFailed);
}

/// Non-exportable registers are never sealed under a device key that can
/// itself be exported (its holder could open the blob offline), and a blob
/// saying `N` is refused under an exportable twin of the device key.
#[test]
fn non_exportable_state_needs_a_non_exportable_device_key() {
    let exportable_dk = device_key();
    assert_eq!(
        exportable_dk.attributes().exportability,
        Exportability::Exportable
    );
    let j = aes_json();
    let c = &j["common"];
    let bdk = non_exportable(Algorithm::Aes128, &unhex(s(c, "bdk_aes128")), KeyUsage::Bdk);
    let ikid: [u8; 8] = unhex(s(c, "initial_key_id")).try_into().unwrap();
    let ik = aes::derive_initial_key(&bdk, &ikid).unwrap();
    let mut store = Store::default();
    assert_eq!(
        aes::Originator::load_initial_key(&ik, ikid, &exportable_dk, &mut rng(), &mut store)
            .unwrap_err(),
        Error::Key(KeyError::NotExportable)
    );
    assert_eq!(store.writes, 0, "nothing sealed");

    let dk = device_key_n();
    let mut o = aes_n_originator(&dk, &mut store);
    let before = o.ksn();
    assert_eq!(
        o.next_transaction(&exportable_dk, &mut rng(), &mut store)
            .unwrap_err(),
        Error::Key(KeyError::NotExportable)
    );
    assert_eq!(o.ksn(), before, "no counter consumed");
    let blob = store.durable.clone().unwrap();
    assert_eq!(
        aes::Originator::restore(&exportable_dk, &blob, 0).unwrap_err(),
        Error::Key(KeyError::NotExportable)
    );
    // An exportable initial key may be sealed under either kind.
    let bdk_e = key(
        Algorithm::Aes128,
        s(c, "bdk_aes128"),
        KeyUsage::Bdk,
        ModeOfUse::Derive,
    );
    let ik_e = aes::derive_initial_key(&bdk_e, &ikid).unwrap();
    for dk in [device_key(), device_key_n()] {
        let mut o =
            aes::Originator::load_initial_key(&ik_e, ikid, &dk, &mut rng(), &mut store).unwrap();
        let tx = o.next_transaction(&dk, &mut rng(), &mut store).unwrap();
        assert_eq!(tx.exportability(), Exportability::Exportable);
        let again = aes::Originator::restore(&dk, store.durable.as_ref().unwrap(), 0).unwrap();
        assert_eq!(again.ksn().counter(), 2);
    }
}

/// Old blob versions are refused, never read as exportable: version 1 had no
/// exportability byte, version 2 was sealed under the device key itself
/// (reachable through `aead`, issue 11.1).
#[test]
fn old_state_versions_are_refused() {
    let dk = device_key_n();
    let mut store = Store::default();
    let _o = aes_n_originator(&dk, &mut store);
    let blob = store.durable.clone().unwrap();
    assert_eq!(&blob[..4], b"PCDK");
    assert_eq!(blob[4], 3, "state blob version");
    for version in [0u8, 1, 2, 4, 0xFF] {
        let mut old = blob.clone();
        old[4] = version;
        assert_eq!(
            aes::Originator::restore(&dk, &old, 0).unwrap_err(),
            Error::Dukpt(DukptError::InvalidState),
            "version {version}"
        );
    }
    // Every header byte and the exportability are authenticated.
    for (i, value) in [(5, 1u8), (6, b'E'), (6, b'S'), (7, 1)] {
        let mut edited = blob.clone();
        edited[i] = value;
        assert!(
            aes::Originator::restore(&dk, &edited, 0).is_err(),
            "byte {i}"
        );
    }
}

/// Rollback: a terminal that records the next counter in monotonic secure
/// storage refuses an older (genuine) blob with a typed error.
#[test]
fn restore_refuses_a_rolled_back_blob() {
    let dk = device_key_n();
    let mut store = Store::default();
    let mut o = aes_n_originator(&dk, &mut store);
    for _ in 0..3 {
        drop(o.next_transaction(&dk, &mut rng(), &mut store).unwrap());
    }
    let old = store.durable.clone().unwrap();
    let old_counter = o.ksn().counter();
    assert_eq!(old_counter, 4);
    for _ in 0..5 {
        drop(o.next_transaction(&dk, &mut rng(), &mut store).unwrap());
    }
    let recorded = o.ksn().counter();
    let current = store.durable.clone().unwrap();

    let err = aes::Originator::restore(&dk, &old, recorded).unwrap_err();
    assert_eq!(err, Error::Dukpt(DukptError::StateRolledBack));
    assert_eq!(err.kind(), ErrorKind::StateRolledBack);
    assert_eq!(
        err.to_string(),
        "DUKPT: originator state is older than the recorded counter"
    );
    assert_eq!(
        aes::Originator::restore(&dk, &current, recorded)
            .unwrap()
            .ksn()
            .counter(),
        recorded
    );
    assert_eq!(
        aes::Originator::restore(&dk, &old, old_counter)
            .unwrap()
            .ksn()
            .counter(),
        old_counter
    );
    assert_eq!(
        aes::Originator::restore(&dk, &current, recorded + 1).unwrap_err(),
        Error::Dukpt(DukptError::StateRolledBack)
    );

    // TDES, including an exhausted blob (counter 0 = past every counter).
    let t = tdes_vectors();
    let ksn = TdesKsn::from_bytes(&unhex(s(&t.vectors[0], "ksn"))).unwrap();
    let ipek = tdes::derive_ipek(&tdes_bdk(&t), &ksn).unwrap();
    let mut store = Store::default();
    let mut o =
        tdes::Originator::load_initial_key(&ipek, &ksn, &dk, &mut rng(), &mut store).unwrap();
    let first = store.durable.clone().unwrap();
    drop(o.next_transaction(&dk, &mut rng(), &mut store).unwrap());
    let recorded = o.ksn().counter();
    assert_eq!(
        tdes::Originator::restore(&dk, &first, recorded).unwrap_err(),
        Error::Dukpt(DukptError::StateRolledBack)
    );
    assert!(tdes::Originator::restore(&dk, store.durable.as_ref().unwrap(), recorded).is_ok());
}
