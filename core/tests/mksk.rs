//! Master/session key installation against published vectors
//! (tests/vectors/mksk.json: NIST SP 800-67 Appendix B, FIPS 197 C.1,
//! TR-31:2018 Annex A) and the all-or-nothing rule.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use paycore::Error;
use paycore::error::{KeyError, Tr31Error};
use paycore::keys::kcv::KcvMethod;
use paycore::keys::mksk::{self, Cryptogram, MAX_WORKING_KEYS, WorkingKeyDelivery};
use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
use serde_json::Value;

const VECTORS: &str = include_str!("../../tests/vectors/mksk.json");

fn hex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

fn tmk(material: &[u8], aes: bool, usage: KeyUsage, mode: ModeOfUse) -> Key {
    Key::new(
        Algorithm::from_len(aes, material.len()).unwrap(),
        material,
        KeyAttributes::new(usage, mode),
    )
    .unwrap()
}

/// Owned inputs of one delivery, so tests can corrupt them.
struct Owned {
    ecb: Option<(Algorithm, KeyAttributes, Vec<u8>)>,
    block: String,
    kcv: Vec<u8>,
    method: KcvMethod,
}

impl Owned {
    fn delivery(&self) -> WorkingKeyDelivery<'_> {
        let cryptogram = match &self.ecb {
            Some((algorithm, attributes, enciphered)) => Cryptogram::Ecb {
                algorithm: *algorithm,
                attributes: *attributes,
                enciphered,
            },
            None => Cryptogram::Tr31(&self.block),
        };
        WorkingKeyDelivery {
            cryptogram,
            check_value: &self.kcv,
            kcv_method: self.method,
        }
    }
}

fn owned(d: &Value) -> Owned {
    let method = match s(&d["kcv_method"]) {
        "legacy" => KcvMethod::Legacy,
        _ => KcvMethod::Cmac,
    };
    let ecb = (s(&d["type"]) == "ecb").then(|| {
        let algorithm = match s(&d["algorithm"]) {
            "tdes2" => Algorithm::Tdes2,
            "tdes3" => Algorithm::Tdes3,
            "aes128" => Algorithm::Aes128,
            other => panic!("{other}"),
        };
        let usage = KeyUsage::from_code(s(&d["key_usage"]).as_bytes().try_into().unwrap()).unwrap();
        let mode = ModeOfUse::from_code(s(&d["mode_of_use"]).as_bytes()[0]).unwrap();
        (
            algorithm,
            KeyAttributes::new(usage, mode),
            hex(s(&d["enciphered"])),
        )
    });
    Owned {
        ecb,
        block: d.get("block").map(|b| s(b).to_string()).unwrap_or_default(),
        kcv: hex(s(&d["kcv"])),
        method,
    }
}

fn cases() -> Vec<(String, Key, Vec<Owned>, Vec<String>)> {
    let v: Value = serde_json::from_str(VECTORS).unwrap();
    v["install"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let i = &t["inputs"];
            (
                s(&t["id"]).to_string(),
                tmk(
                    &hex(s(&i["tmk"])),
                    i["tmk_aes"].as_bool().unwrap(),
                    KeyUsage::KeyEncryption,
                    ModeOfUse::EncryptDecrypt,
                ),
                i["deliveries"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(owned)
                    .collect(),
                t["expected"]["keys"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|k| s(k).to_string())
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn published_sets_install() {
    let all = cases();
    assert_eq!(all.len(), 4);
    for (id, tmk, owned, expected) in &all {
        let deliveries: Vec<_> = owned.iter().map(Owned::delivery).collect();
        let keys = mksk::install(tmk, &deliveries).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(keys.len(), expected.len(), "{id}");
        for (i, want) in expected.iter().enumerate() {
            let k = keys.get(i).unwrap();
            assert_eq!(
                hex::encode_upper(k.dangerous_expose_secret().unwrap()),
                *want,
                "{id} #{i}"
            );
            if let Some((alg, attrs, _)) = &owned[i].ecb {
                assert_eq!(k.algorithm(), *alg);
                assert_eq!(k.attributes(), *attrs);
            }
        }
    }
}

#[test]
fn one_bad_check_value_installs_nothing() {
    for (id, tmk, owned, _) in cases() {
        for bad in 0..owned.len() {
            for corrupt_cryptogram in [false, true] {
                let mut owned: Vec<Owned> = owned
                    .iter()
                    .map(|o| Owned {
                        ecb: o.ecb.clone(),
                        block: o.block.clone(),
                        kcv: o.kcv.clone(),
                        method: o.method,
                    })
                    .collect();
                let o = &mut owned[bad];
                if corrupt_cryptogram {
                    match &mut o.ecb {
                        Some((_, _, c)) => c[0] ^= 0x01,
                        None => {
                            // Change one key-data character of the block.
                            let mut b = o.block.clone().into_bytes();
                            b[20] = if b[20] == b'0' { b'1' } else { b'0' };
                            o.block = String::from_utf8(b).unwrap();
                        }
                    }
                } else {
                    o.kcv[2] ^= 0x80;
                }
                let deliveries: Vec<_> = owned.iter().map(Owned::delivery).collect();
                assert_eq!(
                    mksk::install(&tmk, &deliveries).unwrap_err(),
                    Error::VerificationFailed,
                    "{id}: delivery {bad} corrupt_cryptogram={corrupt_cryptogram}"
                );
            }
        }
    }
}

fn ecb(algorithm: Algorithm, usage: KeyUsage, enciphered: &[u8]) -> WorkingKeyDelivery<'_> {
    WorkingKeyDelivery {
        cryptogram: Cryptogram::Ecb {
            algorithm,
            attributes: KeyAttributes::new(usage, ModeOfUse::NoRestrictions),
            enciphered,
        },
        check_value: &[0, 0, 0],
        kcv_method: KcvMethod::Legacy,
    }
}

#[test]
fn rules() {
    let m3 = hex("0123456789ABCDEF23456789ABCDEF01456789ABCDEF0123");
    let c = hex("A826FD8CE53B855FCCE21C8112256FE668D5C05DD9B6B900");
    let good = tmk(
        &m3,
        false,
        KeyUsage::KeyEncryption,
        ModeOfUse::EncryptDecrypt,
    );
    // TMK must be K0 permitting decryption.
    let k1 = tmk(
        &m3,
        false,
        KeyUsage::KeyBlockProtection,
        ModeOfUse::EncryptDecrypt,
    );
    let enc_only = tmk(&m3, false, KeyUsage::KeyEncryption, ModeOfUse::Encrypt);
    let d = [ecb(Algorithm::Tdes2, KeyUsage::PinEncryption, &c[..16])];
    assert_eq!(
        mksk::install(&k1, &d).unwrap_err(),
        Error::Key(KeyError::UsageNotPermitted)
    );
    assert_eq!(
        mksk::install(&enc_only, &d).unwrap_err(),
        Error::Key(KeyError::ModeNotPermitted)
    );
    // Working key usage restricted to P0, M*, D0.
    let kek = [ecb(Algorithm::Tdes2, KeyUsage::KeyEncryption, &c[..16])];
    assert_eq!(
        mksk::install(&good, &kek).unwrap_err(),
        Error::Key(KeyError::UsageNotPermitted)
    );
    // Cryptogram length must match the algorithm.
    let short = [ecb(Algorithm::Tdes3, KeyUsage::PinEncryption, &c[..16])];
    assert_eq!(
        mksk::install(&good, &short).unwrap_err(),
        Error::Key(KeyError::InvalidLength { length: 16 })
    );
    // Stronger than the TMK: 3TDEA working key under a 2TDEA TMK.
    let weak = tmk(
        &m3[..16],
        false,
        KeyUsage::KeyEncryption,
        ModeOfUse::EncryptDecrypt,
    );
    let strong = [ecb(Algorithm::Tdes3, KeyUsage::PinEncryption, &c)];
    assert_eq!(
        mksk::install(&weak, &strong).unwrap_err(),
        Error::Tr31(Tr31Error::KbpkTooWeak)
    );
    // A 3TDEA key is not a whole number of AES blocks.
    let aes = tmk(
        &[7; 32],
        true,
        KeyUsage::KeyEncryption,
        ModeOfUse::EncryptDecrypt,
    );
    assert_eq!(
        mksk::install(&aes, &strong).unwrap_err(),
        Error::Key(KeyError::WrongAlgorithm)
    );
    // Set size.
    assert_eq!(
        mksk::install(&good, &[]).unwrap_err(),
        Error::invalid_argument("deliveries")
    );
    let many = vec![d[0]; MAX_WORKING_KEYS + 1];
    assert_eq!(
        mksk::install(&good, &many).unwrap_err(),
        Error::invalid_argument("deliveries")
    );
    // A TR-31 block whose usage is not a working key (B0, TR-31:2018 A.7.3.1).
    let bdk_tmk = tmk(
        &hex("B8ED59E0A279A295E9F5ED7944FD06B9"),
        false,
        KeyUsage::KeyEncryption,
        ModeOfUse::Decrypt,
    );
    let bdk = [WorkingKeyDelivery {
        cryptogram: Cryptogram::Tr31(
            "C0096B0TX12S0100KS1800604B120F9292800000BFB9B689CB567E66FC3FEE5AD5F52161FC6545B9D60989015D02155C",
        ),
        check_value: &[0xF4, 0xB0, 0x8D],
        kcv_method: KcvMethod::Legacy,
    }];
    assert_eq!(
        mksk::install(&bdk_tmk, &bdk).unwrap_err(),
        Error::Key(KeyError::UsageNotPermitted)
    );
}

#[test]
fn debug_is_redacted() {
    let (_, tmk, owned, _) = cases().into_iter().next().unwrap();
    let deliveries: Vec<_> = owned.iter().map(Owned::delivery).collect();
    let mut keys = mksk::install(&tmk, &deliveries).unwrap();
    assert_eq!(
        format!("{keys:?}"),
        "[Key { algorithm: Tdes2, usage: PinEncryption, mode_of_use: Encrypt, .. }, \
         Key { algorithm: Tdes2, usage: MacIso9797Alg3, mode_of_use: GenerateVerify, .. }, \
         Key { algorithm: Tdes3, usage: DataEncryption, mode_of_use: EncryptDecrypt, .. }]"
    );
    assert!(keys.find(KeyUsage::MacIso9797Alg3).is_some());
    let pin = keys.take(0).unwrap();
    assert_eq!(pin.usage(), KeyUsage::PinEncryption);
    assert!(keys.get(0).is_none());
    assert_eq!(keys.iter().count(), 2);
}
