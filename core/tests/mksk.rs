//! Master/session key installation against published vectors
//! (tests/vectors/mksk.json: NIST SP 800-67 Appendix B, FIPS 197 C.1,
//! TR-31:2018 Annex A) and the all-or-nothing rule.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use paycore::Error;
use paycore::error::{KeyError, Tr31Error};
use paycore::keys::kcv::KcvMethod;
use paycore::keys::mksk::{self, Cryptogram, MAX_WORKING_KEYS, WorkingKeyDelivery};
use paycore::keys::tr31;
use paycore::keys::{Algorithm, Exportability, Key, KeyAttributes, KeyUsage, ModeOfUse};
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
    // Version C is refused by the default legacy key-block policy before
    // anything else; with the opt-in, the usage rule applies.
    assert_eq!(
        mksk::install(&bdk_tmk, &bdk).unwrap_err(),
        Error::Tr31(Tr31Error::LegacyVersionRefused)
    );
    assert_eq!(
        mksk::install_with(&bdk_tmk, &bdk, tr31::UnwrapPolicy::ALLOW_LEGACY).unwrap_err(),
        Error::Key(KeyError::UsageNotPermitted)
    );
    // The same key as a version B block (TR-31:2018 A.7.3.2): usage refused.
    let bdk_tmk_b = tmk(
        &hex("1D22BF32387C600AD97F9B97A51311AC"),
        false,
        KeyUsage::KeyEncryption,
        ModeOfUse::Decrypt,
    );
    let bdk_b = [WorkingKeyDelivery {
        cryptogram: Cryptogram::Tr31(
            "B0104B0TX12S0100KS1800604B120F9292800000BB68BE8680A400D9191AD4ECE45B6E6C0D21C4738A52190E248719E24B433627",
        ),
        check_value: &[0x9A, 0x42, 0x12],
        kcv_method: KcvMethod::Legacy,
    }];
    assert_eq!(
        mksk::install(&bdk_tmk_b, &bdk_b).unwrap_err(),
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

// ------------------------------------------------ security review (H1)

const SP800_67_KEYS: &str = "0123456789ABCDEF23456789ABCDEF01456789ABCDEF0123";
const SP800_67_CT: &str = "A826FD8CE53B855FCCE21C8112256FE668D5C05DD9B6B900";
/// Legacy KCV of the first published working key (mksk.json, set
/// sp800-67-tdea-ecb-set, delivery 0).
const PIN_KCV: [u8; 3] = [0xCE, 0x83, 0xEC];

fn tmk_with(exportability: Exportability) -> Key {
    Key::new(
        Algorithm::Tdes3,
        &hex(SP800_67_KEYS),
        KeyAttributes::new(KeyUsage::KeyEncryption, ModeOfUse::EncryptDecrypt)
            .with_exportability(exportability),
    )
    .unwrap()
}

fn ecb_as<'a>(
    algorithm: Algorithm,
    attributes: KeyAttributes,
    enciphered: &'a [u8],
    kcv: &'a [u8],
) -> WorkingKeyDelivery<'a> {
    WorkingKeyDelivery {
        cryptogram: Cryptogram::Ecb {
            algorithm,
            attributes,
            enciphered,
        },
        check_value: kcv,
        kcv_method: KcvMethod::Legacy,
    }
}

/// The replay attack of the review: a PIN-key cryptogram re-sent labelled
/// as an exportable data key. Its check value still matches (ECB does not
/// bind usage), but under a non-exportable TMK the installed key is
/// non-exportable and cannot be exposed.
#[test]
fn replayed_pin_cryptogram_cannot_be_exported_under_non_exportable_tmk() {
    let c = hex(SP800_67_CT);
    let tmk = tmk_with(Exportability::NonExportable);
    let genuine = ecb_as(
        Algorithm::Tdes2,
        KeyAttributes::new(KeyUsage::PinEncryption, ModeOfUse::Encrypt),
        &c[..16],
        &PIN_KCV,
    );
    let keys = mksk::install(&tmk, &[genuine]).unwrap();
    assert_eq!(
        keys.get(0).unwrap().attributes().exportability,
        Exportability::NonExportable
    );
    let replay = ecb_as(
        Algorithm::Tdes2,
        KeyAttributes::new(KeyUsage::DataEncryption, ModeOfUse::EncryptDecrypt)
            .with_exportability(Exportability::Exportable),
        &c[..16],
        &PIN_KCV,
    );
    let keys = mksk::install(&tmk, &[replay]).unwrap();
    let k = keys.get(0).unwrap();
    assert_eq!(k.usage(), KeyUsage::DataEncryption);
    assert_eq!(k.attributes().exportability, Exportability::NonExportable);
    assert_eq!(
        k.dangerous_expose_secret().unwrap_err(),
        Error::Key(KeyError::NotExportable)
    );
    // Sensitive TMK: E is lowered to S, N stays N.
    let s_tmk = tmk_with(Exportability::Sensitive);
    for (asked, got) in [
        (Exportability::Exportable, Exportability::Sensitive),
        (Exportability::Sensitive, Exportability::Sensitive),
        (Exportability::NonExportable, Exportability::NonExportable),
    ] {
        let d = ecb_as(
            Algorithm::Tdes2,
            KeyAttributes::new(KeyUsage::PinEncryption, ModeOfUse::Encrypt)
                .with_exportability(asked),
            &c[..16],
            &PIN_KCV,
        );
        let keys = mksk::install(&s_tmk, &[d]).unwrap();
        assert_eq!(keys.get(0).unwrap().attributes().exportability, got);
    }
    // An exportable TMK keeps the requested exportability (unchanged).
    let keys = mksk::install(&tmk_with(Exportability::Exportable), &[replay]).unwrap();
    assert_eq!(
        keys.get(0).unwrap().attributes().exportability,
        Exportability::Exportable
    );
}

/// TR-31 deliveries are capped the same way: the TR-31:2018 A.7.2.2 block
/// (header exportability `E`) under the same KBPK marked `N` installs a
/// non-exportable key.
#[test]
fn tr31_delivery_capped_by_non_exportable_tmk() {
    let v: Value = serde_json::from_str(VECTORS).unwrap();
    let set = v["install"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "x9tr31-2018-a722-as-tmk-delivery")
        .unwrap();
    let inputs = &set["inputs"];
    let tmk = Key::new(
        Algorithm::Tdes2,
        &hex(s(&inputs["tmk"])),
        KeyAttributes::new(KeyUsage::KeyEncryption, ModeOfUse::EncryptDecrypt)
            .with_exportability(Exportability::NonExportable),
    )
    .unwrap();
    let d = &inputs["deliveries"][0];
    let block = s(&d["block"]);
    assert_eq!(block.as_bytes()[11], b'E');
    let kcv = hex(s(&d["kcv"]));
    let delivery = WorkingKeyDelivery {
        cryptogram: Cryptogram::Tr31(block),
        check_value: &kcv,
        kcv_method: KcvMethod::Legacy,
    };
    let keys = mksk::install(&tmk, &[delivery]).unwrap();
    let k = keys.get(0).unwrap();
    assert_eq!(k.usage(), KeyUsage::PinEncryption);
    assert_eq!(k.attributes().exportability, Exportability::NonExportable);
    assert!(k.dangerous_expose_secret().is_err());
}

/// Check values shorter than 3 bytes are refused before anything is
/// deciphered (1 byte would let a forged cryptogram through 1 time in 256).
#[test]
fn short_check_values_refused() {
    let c = hex(SP800_67_CT);
    let tmk = tmk_with(Exportability::Exportable);
    let attrs = KeyAttributes::new(KeyUsage::PinEncryption, ModeOfUse::Encrypt);
    for len in [0, 1, 2] {
        let d = ecb_as(Algorithm::Tdes2, attrs, &c[..16], &PIN_KCV[..len]);
        assert_eq!(
            mksk::install(&tmk, &[d]).unwrap_err(),
            Error::Key(KeyError::InvalidKcvLength { length: len })
        );
    }
    assert_eq!(mksk::MIN_CHECK_VALUE_LEN, 3);
    // A short one anywhere in the set refuses the whole set.
    let good = ecb_as(Algorithm::Tdes2, attrs, &c[..16], &PIN_KCV);
    let bad = ecb_as(Algorithm::Tdes2, attrs, &c[8..24], &PIN_KCV[..1]);
    assert_eq!(
        mksk::install(&tmk, &[good, bad]).unwrap_err(),
        Error::Key(KeyError::InvalidKcvLength { length: 1 })
    );
    assert!(mksk::install(&tmk, &[good]).is_ok());
}

/// TDES keys with repeated parts (spliced ECB blocks) and swapped-halves
/// twins in one delivery are refused.
#[test]
fn degenerate_tdes_keys_refused() {
    use des::TdesEde3;
    use des::cipher::{BlockEncrypt, KeyInit, generic_array::GenericArray};
    let c = hex(SP800_67_CT);
    let (b1, b2) = (&c[..8], &c[8..16]);
    let tmk = tmk_with(Exportability::Exportable);
    let attrs = KeyAttributes::new(KeyUsage::PinEncryption, ModeOfUse::Encrypt);
    let weak = Error::Tr31(Tr31Error::WeakKey);
    // K1 = K2 (2TDEA from one cryptogram block twice).
    let twice = [b1, b1].concat();
    assert_eq!(
        mksk::install(&tmk, &[ecb_as(Algorithm::Tdes2, attrs, &twice, &PIN_KCV)]).unwrap_err(),
        weak
    );
    // 3TDEA with K1 = K3 or K2 = K3.
    for parts in [[b1, b2, b1], [b1, b2, b2]] {
        let k3 = parts.concat();
        assert_eq!(
            mksk::install(&tmk, &[ecb_as(Algorithm::Tdes3, attrs, &k3, &PIN_KCV)]).unwrap_err(),
            weak
        );
    }
    // Halves equal up to the DES parity bits: clear key X || X^01 enciphered
    // under the TMK here (NIST SP 800-67 TDEA-ECB with the des crate).
    let x = *b"\x10\x32\x54\x76\x98\xBA\xDC\xFE";
    let mut clear = [0u8; 16];
    clear[..8].copy_from_slice(&x);
    clear[8..].copy_from_slice(&x.map(|b| b ^ 1));
    let cipher = TdesEde3::new_from_slice(&hex(SP800_67_KEYS)).unwrap();
    let mut enc = clear;
    for block in enc.chunks_exact_mut(8) {
        cipher.encrypt_block(GenericArray::from_mut_slice(block));
    }
    assert_eq!(
        mksk::install(&tmk, &[ecb_as(Algorithm::Tdes2, attrs, &enc, &PIN_KCV)]).unwrap_err(),
        weak
    );
    // Swapped halves: the genuine PIN key and B2 || B1 in the same set.
    let swapped = [b2, b1].concat();
    let mac = KeyAttributes::new(KeyUsage::MacIso9797Alg3, ModeOfUse::GenerateVerify);
    let set = [
        ecb_as(Algorithm::Tdes2, attrs, &c[..16], &PIN_KCV),
        ecb_as(Algorithm::Tdes2, mac, &swapped, &PIN_KCV),
    ];
    assert_eq!(mksk::install(&tmk, &set).unwrap_err(), weak);
    // The genuine key alone still installs.
    assert!(mksk::install(&tmk, &set[..1]).is_ok());
    assert_eq!(
        Error::from(Tr31Error::WeakKey).to_string(),
        "TR-31: TDES key has repeated or swapped key parts"
    );
}
