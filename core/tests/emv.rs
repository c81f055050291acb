//! Known-answer and rejection tests for `paycore::emv`, reading the shared
//! vectors in `tests/vectors/emv_cryptogram.json` (each vector names its
//! source: pyemv commit, file and test).
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use paycore::Error;
use paycore::emv::{self, Cvn, MasterKeyOption, ScriptEncipherment, Transaction};
use paycore::error::{ApiMisuse, KeyError, PanError};
use paycore::keys::kcv::{Kcv, KcvMethod};
use paycore::keys::{Algorithm, Exportability, Key, KeyAttributes, KeyUsage, ModeOfUse};
use paycore::mac::Padding;
use paycore::pin::Pin;
use serde_json::Value;

fn file() -> Value {
    serde_json::from_str(include_str!("../../tests/vectors/emv_cryptogram.json")).unwrap()
}

fn group(name: &str) -> Vec<Value> {
    let v: Vec<Value> = file()["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["kind"] == name)
        .cloned()
        .collect();
    assert!(!v.is_empty(), "group {name} is empty");
    for e in &v {
        assert!(!e["source"].as_str().unwrap().is_empty());
    }
    v
}

fn h(v: &Value, name: &str) -> Vec<u8> {
    hex::decode(v[name].as_str().unwrap_or_else(|| panic!("field {name}"))).unwrap()
}

fn key(usage: KeyUsage, mode: ModeOfUse, bytes: &[u8]) -> Key {
    Key::new(Algorithm::Tdes2, bytes, KeyAttributes::new(usage, mode)).unwrap()
}

fn imk(bytes: &[u8]) -> Key {
    key(KeyUsage::EmvApplicationCryptogram, ModeOfUse::Derive, bytes)
}

fn ac_key(bytes: &[u8]) -> Key {
    key(
        KeyUsage::EmvApplicationCryptogram,
        ModeOfUse::GenerateVerify,
        bytes,
    )
}

fn psn(v: &Value) -> Option<u8> {
    v["psn"].as_u64().map(|p| u8::try_from(p).unwrap())
}

fn option(v: &Value) -> MasterKeyOption {
    match v["option"].as_str().unwrap() {
        "a" => MasterKeyOption::A,
        "b" => MasterKeyOption::B,
        o => panic!("option {o}"),
    }
}

fn padding(v: &Value) -> Padding {
    match v["padding"].as_u64().unwrap() {
        1 => Padding::Method1,
        2 => Padding::Method2,
        p => panic!("padding {p}"),
    }
}

fn kcv2(k: &Key) -> String {
    let kcv = Kcv::compute(k, KcvMethod::Legacy, 3).unwrap();
    hex::encode_upper(&kcv.as_bytes()[..2])
}

fn check_key(k: &Key, v: &Value, full: &str, kcv: &str, what: &str) {
    if let Some(want) = v[full].as_str() {
        assert_eq!(
            hex::encode_upper(k.dangerous_expose_secret().unwrap()),
            want,
            "{what}: {}",
            v["source"]
        );
    }
    if let Some(want) = v[kcv].as_str() {
        assert_eq!(kcv2(k), want, "{what} kcv: {}", v["source"]);
    }
}

fn script_method(s: &str) -> ScriptEncipherment {
    match s {
        "emv" => ScriptEncipherment::Emv,
        "mastercard" => ScriptEncipherment::Mastercard,
        "visa" => ScriptEncipherment::Visa,
        m => panic!("method {m}"),
    }
}

fn cvn(s: &str) -> Cvn {
    match s {
        "visa10" => Cvn::Visa10,
        "visa18" => Cvn::Visa18,
        "visa22" => Cvn::Visa22,
        "mastercard16" => Cvn::Mastercard16,
        "mastercard17" => Cvn::Mastercard17,
        "mastercard20" => Cvn::Mastercard20,
        "mastercard21" => Cvn::Mastercard21,
        c => panic!("cvn {c}"),
    }
}

#[test]
fn icc_master_key_vectors() {
    let mut n = 0;
    for v in group("icc_master_key") {
        let k = emv::derive_icc_master_key(
            &imk(&h(&v, "imk")),
            v["pan"].as_str().unwrap().as_bytes(),
            psn(&v),
            option(&v),
        )
        .unwrap();
        assert_eq!(k.usage(), KeyUsage::EmvApplicationCryptogram);
        assert_eq!(k.mode_of_use(), ModeOfUse::NoRestrictions);
        check_key(&k, &v, "key", "kcv", "icc mk");
        n += 1;
    }
    assert_eq!(n, 11);
}

#[test]
fn session_key_vectors() {
    for v in group("session_key") {
        let mk = imk(&h(&v, "mk"));
        let sk = match v["method"].as_str().unwrap() {
            "common" => emv::derive_session_key(&mk, &h(&v, "r")).unwrap(),
            "visa-sm" => {
                let atc: [u8; 2] = h(&v, "atc").try_into().unwrap();
                emv::visa_secure_messaging_session_key(&mk, atc).unwrap()
            }
            m => panic!("{m}"),
        };
        assert_eq!(sk.mode_of_use(), ModeOfUse::GenerateVerify);
        check_key(&sk, &v, "key", "kcv", "session key");
    }
}

#[test]
fn chain_vectors_derive_mac_and_answer() {
    let mut n = 0;
    for v in group("chain") {
        let mk = emv::derive_icc_master_key(
            &imk(&h(&v, "imk")),
            v["pan"].as_str().unwrap().as_bytes(),
            psn(&v),
            option(&v),
        )
        .unwrap();
        check_key(&mk, &v, "-", "icc_mk_kcv", "icc mk");
        let sk = emv::derive_session_key(&mk, &h(&v, "r")).unwrap();
        check_key(&sk, &v, "-", "sk_kcv", "session key");
        let data = h(&v, "data");
        let ac = emv::generate_ac(&sk, &data, padding(&v)).unwrap();
        assert_eq!(ac.as_bytes().to_vec(), h(&v, "ac"), "{}", v["source"]);
        emv::verify_ac(&sk, &data, padding(&v), &h(&v, "ac")).unwrap();
        let a = &v;
        let arpc_key = if a["arpc_key"] == "icc_mk" { &mk } else { &sk };
        let arqc = h(&v, "ac");
        let got = match a["arpc_method"].as_u64().unwrap() {
            1 => {
                let r = emv::arpc_method1(arpc_key, &arqc, &h(a, "arc")).unwrap();
                emv::verify_arpc_method1(arpc_key, &arqc, &h(a, "arc"), r.as_bytes()).unwrap();
                r
            }
            2 => {
                let r =
                    emv::arpc_method2(arpc_key, &arqc, &h(a, "csu"), &h(a, "proprietary")).unwrap();
                emv::verify_arpc_method2(
                    arpc_key,
                    &arqc,
                    &h(a, "csu"),
                    &h(a, "proprietary"),
                    r.as_bytes(),
                )
                .unwrap();
                r
            }
            m => panic!("{m}"),
        };
        assert_eq!(got.as_bytes(), h(a, "arpc"), "{}", v["source"]);
        n += 1;
    }
    assert_eq!(n, 13);
}

#[test]
fn ac_and_arpc_vectors() {
    for v in group("ac") {
        let k = ac_key(&h(&v, "key"));
        let ac = emv::generate_ac(&k, &h(&v, "data"), padding(&v)).unwrap();
        assert_eq!(ac.as_bytes().to_vec(), h(&v, "ac"), "{}", v["source"]);
    }
    for v in group("arpc") {
        let k = ac_key(&h(&v, "key"));
        let arpc = match v["arpc_method"].as_u64().unwrap() {
            1 => emv::arpc_method1(&k, &h(&v, "arqc"), &h(&v, "arc")).unwrap(),
            _ => {
                emv::arpc_method2(&k, &h(&v, "arqc"), &h(&v, "csu"), &h(&v, "proprietary")).unwrap()
            }
        };
        assert_eq!(arpc.as_bytes(), h(&v, "arpc"), "{}", v["source"]);
    }
}

#[allow(clippy::type_complexity)]
fn tx_parts(v: &Value) -> (Vec<u8>, [u8; 2], [u8; 4], Vec<u8>, Vec<u8>) {
    (
        v["pan"].as_str().unwrap().as_bytes().to_vec(),
        h(v, "atc").try_into().unwrap(),
        h(v, "un").try_into().unwrap(),
        h(v, "data"),
        h(v, "arqc"),
    )
}

#[test]
fn cvn_host_checks_and_rejections() {
    let mut n = 0;
    for v in group("cvn") {
        let cvn = cvn(v["cvn"].as_str().unwrap());
        let k = imk(&h(&v, "imk"));
        let (pan, atc, un, data, arqc) = tx_parts(&v);
        let tx = Transaction {
            pan: &pan,
            psn: psn(&v),
            atc,
            unpredictable_number: un,
            data: &data,
            arqc: &arqc,
        };
        let verified = emv::verify_arqc(&k, cvn, &tx).unwrap();
        let a = &v;
        let arpc = match a["arpc_method"].as_u64().unwrap() {
            1 => {
                assert!(verified.arpc_method2(&[0; 4], &[]).is_err());
                verified.arpc_method1(&h(a, "arc")).unwrap()
            }
            _ => {
                assert!(verified.arpc_method1(&[0; 2]).is_err());
                verified
                    .arpc_method2(&h(a, "csu"), &h(a, "proprietary"))
                    .unwrap()
            }
        };
        assert_eq!(arpc.as_bytes(), h(a, "arpc"), "{}", v["source"]);
        assert_eq!(
            format!("{verified:?}"),
            format!("VerifiedArqc {{ cvn: {cvn:?}, .. }}")
        );

        // A flipped ARQC bit.
        for bit in [0usize, 37, 63] {
            let mut bad = arqc.clone();
            bad[bit / 8] ^= 1 << (bit % 8);
            let t = Transaction { arqc: &bad, ..tx };
            assert_eq!(
                emv::verify_arqc(&k, cvn, &t).unwrap_err(),
                Error::VerificationFailed
            );
        }
        // A changed amount (last bit of 9F02, the first 6 bytes).
        let mut bad = data.clone();
        bad[5] ^= 0x01;
        let t = Transaction { data: &bad, ..tx };
        assert_eq!(
            emv::verify_arqc(&k, cvn, &t).unwrap_err(),
            Error::VerificationFailed
        );
        // The wrong ATC (the session key changes; Visa CVN 10 has none, but
        // its ATC is inside the MACed data).
        let t = Transaction {
            atc: [atc[0], atc[1] ^ 1],
            ..tx
        };
        if cvn == Cvn::Visa10 {
            let mut bad = data.clone();
            let at = bad.len() - 6;
            bad[at] ^= 1;
            let t = Transaction { data: &bad, ..tx };
            assert_eq!(
                emv::verify_arqc(&k, cvn, &t).unwrap_err(),
                Error::VerificationFailed
            );
        } else {
            assert_eq!(
                emv::verify_arqc(&k, cvn, &t).unwrap_err(),
                Error::VerificationFailed
            );
        }
        // Another card (PSN 01).
        let t = Transaction { psn: Some(1), ..tx };
        assert_eq!(
            emv::verify_arqc(&k, cvn, &t).unwrap_err(),
            Error::VerificationFailed
        );
        // Keys of the wrong usage: a MAC key, a PIN key, and an EMV key
        // that is not E0.
        for usage in [
            KeyUsage::MacIso9797Alg3,
            KeyUsage::PinEncryption,
            KeyUsage::EmvSecureMessagingIntegrity,
        ] {
            let wrong = key(usage, ModeOfUse::NoRestrictions, &h(&v, "imk"));
            assert_eq!(
                emv::verify_arqc(&wrong, cvn, &tx).unwrap_err(),
                Error::Key(KeyError::UsageNotPermitted)
            );
        }
        n += 1;
    }
    assert_eq!(n, 7);
}

#[test]
fn derivation_refuses_other_usages_modes_and_algorithms() {
    let m = [0x11; 16];
    for usage in [
        KeyUsage::MacIso9797Alg3,
        KeyUsage::DataEncryption,
        KeyUsage::KeyEncryption,
        KeyUsage::Bdk,
    ] {
        let k = key(usage, ModeOfUse::Derive, &m);
        assert_eq!(
            emv::derive_icc_master_key(&k, b"1234567890123456", None, MasterKeyOption::A)
                .unwrap_err(),
            Error::Key(KeyError::UsageNotPermitted)
        );
        assert_eq!(
            emv::derive_session_key(&k, &[0; 8]).unwrap_err(),
            Error::Key(KeyError::UsageNotPermitted)
        );
        assert_eq!(
            emv::visa_secure_messaging_session_key(&k, [0, 1]).unwrap_err(),
            Error::Key(KeyError::UsageNotPermitted)
        );
    }
    for usage in emv::EMV_KEY_USAGES {
        let k = key(usage, ModeOfUse::Derive, &m);
        let mk = emv::derive_icc_master_key(&k, b"1234567890123456", Some(1), MasterKeyOption::B)
            .unwrap();
        assert_eq!(mk.usage(), usage);
        let sk = emv::derive_session_key(&mk, &[0; 8]).unwrap();
        assert_eq!(sk.usage(), usage);
    }
    // Generate-only E0 key cannot derive.
    let k = key(KeyUsage::EmvApplicationCryptogram, ModeOfUse::Generate, &m);
    assert_eq!(
        emv::derive_session_key(&k, &[0; 8]).unwrap_err(),
        Error::Key(KeyError::ModeNotPermitted)
    );
    // AES and 3TDEA issuer master keys are not derived from.
    let aes = Key::new(
        Algorithm::Aes128,
        &m,
        KeyAttributes::new(KeyUsage::EmvApplicationCryptogram, ModeOfUse::Derive),
    )
    .unwrap();
    assert_eq!(
        emv::derive_session_key(&aes, &[0; 8]).unwrap_err(),
        Error::Key(KeyError::WrongAlgorithm)
    );
}

#[test]
fn derived_keys_inherit_exportability() {
    let attrs = KeyAttributes::new(KeyUsage::EmvApplicationCryptogram, ModeOfUse::Derive)
        .with_exportability(Exportability::NonExportable);
    let k = Key::new(Algorithm::Tdes2, &[0x22; 16], attrs).unwrap();
    let mk = emv::derive_icc_master_key(&k, b"1234567890123456", None, MasterKeyOption::A).unwrap();
    assert_eq!(mk.attributes().exportability, Exportability::NonExportable);
    assert_eq!(
        mk.dangerous_expose_secret().unwrap_err(),
        Error::Key(KeyError::NotExportable)
    );
    let sk = emv::ac_session_key(&mk, [0, 1]).unwrap();
    assert_eq!(sk.attributes().exportability, Exportability::NonExportable);
    let sm = emv::visa_secure_messaging_session_key(&mk, [0, 1]).unwrap();
    assert_eq!(sm.attributes().exportability, Exportability::NonExportable);
}

#[test]
fn malformed_inputs_are_typed_errors() {
    let k = imk(&[0x33; 16]);
    let d = |pan: &[u8], psn| emv::derive_icc_master_key(&k, pan, psn, MasterKeyOption::B);
    assert_eq!(
        d(b"12345678901x3456", None).unwrap_err(),
        Error::Pan(PanError::NonDigit { position: 11 })
    );
    assert_eq!(
        d(b"12345678901", None).unwrap_err(),
        Error::Pan(PanError::InvalidLength { length: 11 })
    );
    assert_eq!(
        d(b"12345678901234567890", None).unwrap_err(),
        Error::Pan(PanError::InvalidLength { length: 20 })
    );
    assert_eq!(
        d(b"1234567890123456", Some(100)).unwrap_err(),
        Error::ApiMisuse(ApiMisuse::InvalidArgument { name: "psn" })
    );
    assert_eq!(
        emv::derive_session_key(&k, &[0; 7]).unwrap_err(),
        Error::ApiMisuse(ApiMisuse::InvalidArgument { name: "r" })
    );
    let sk = ac_key(&[0x44; 16]);
    assert!(emv::verify_ac(&sk, b"x", Padding::Method2, &[0; 7]).is_err());
    assert!(emv::arpc_method1(&sk, &[0; 7], &[0; 2]).is_err());
    assert!(emv::arpc_method1(&sk, &[0; 8], &[0; 3]).is_err());
    assert!(emv::arpc_method2(&sk, &[0; 8], &[0; 3], &[]).is_err());
    assert!(emv::arpc_method2(&sk, &[0; 8], &[0; 4], &[0; 9]).is_err());
    assert_eq!(
        emv::verify_arpc_method1(&sk, &[0; 8], &[0; 2], &[0; 8]).unwrap_err(),
        Error::VerificationFailed
    );
    // A verify-only key cannot make a cryptogram or an ARPC.
    let v = key(
        KeyUsage::EmvApplicationCryptogram,
        ModeOfUse::Verify,
        &[0x44; 16],
    );
    assert_eq!(
        emv::generate_ac(&v, b"data", Padding::Method2).unwrap_err(),
        Error::Key(KeyError::ModeNotPermitted)
    );
    assert_eq!(
        emv::arpc_method1(&v, &[0; 8], &[0; 2]).unwrap_err(),
        Error::Key(KeyError::ModeNotPermitted)
    );
    let tx = Transaction {
        pan: b"1234567890123456",
        psn: None,
        atc: [0, 1],
        unpredictable_number: [0; 4],
        data: b"",
        arqc: &[0; 9],
    };
    assert_eq!(
        emv::verify_arqc(&k, Cvn::Visa18, &tx).unwrap_err(),
        Error::ApiMisuse(ApiMisuse::InvalidArgument { name: "cryptogram" })
    );
    // Debug never shows the PAN.
    assert_eq!(
        format!("{tx:?}"),
        "Transaction { psn: None, atc: [0, 1], .. }"
    );
    // Debug never shows a cryptogram.
    let ac = emv::generate_ac(&sk, b"data", Padding::Method1).unwrap();
    assert_eq!(format!("{ac:?}"), "ApplicationCryptogram { .. }");
    let arpc = emv::arpc_method2(&sk, &[0; 8], &[0; 4], &[]).unwrap();
    assert_eq!(format!("{arpc:?}"), "Arpc { len: 4, .. }");
}

#[test]
fn aes_cryptograms_are_cmac() {
    // An AES E0 key MACs with AES-CMAC: RFC 4493 §4 example 2 (16 bytes),
    // truncated to the 8-byte cryptogram.
    let k = Key::new(
        Algorithm::Aes128,
        &hex::decode("2b7e151628aed2a6abf7158809cf4f3c").unwrap(),
        KeyAttributes::new(
            KeyUsage::EmvApplicationCryptogram,
            ModeOfUse::GenerateVerify,
        ),
    )
    .unwrap();
    let msg = hex::decode("6bc1bee22e409f96e93d7e117393172a").unwrap();
    let ac = emv::generate_ac(&k, &msg, Padding::Method2).unwrap();
    assert_eq!(hex::encode(ac.as_bytes()), "070a16b46b4d4144");
    emv::verify_ac(
        &k,
        &msg,
        Padding::Method2,
        &hex::decode("070a16b46b4d4144").unwrap(),
    )
    .unwrap();
    assert!(emv::generate_ac(&k, &msg, Padding::Method1).is_err());
    assert_eq!(
        emv::arpc_method1(&k, &[0; 8], &[0; 2]).unwrap_err(),
        Error::Key(KeyError::WrongAlgorithm)
    );
    let arpc = emv::arpc_method2(&k, &msg[..8], &msg[8..12], &msg[12..]).unwrap();
    assert_eq!(hex::encode(arpc.as_bytes()), "070a16b4");
}

#[test]
fn script_mac_and_encipherment_vectors() {
    for v in group("script_mac") {
        let k = key(
            KeyUsage::EmvSecureMessagingIntegrity,
            ModeOfUse::GenerateVerify,
            &h(&v, "key"),
        );
        let mac = emv::script_mac(&k, &h(&v, "data"), 8).unwrap();
        assert_eq!(mac.as_bytes(), h(&v, "mac"), "{}", v["source"]);
        emv::script::verify_script_mac(&k, &h(&v, "data"), &h(&v, "mac")).unwrap();
        let mut bad = h(&v, "data");
        bad[0] ^= 0x80;
        assert_eq!(
            emv::script::verify_script_mac(&k, &bad, &h(&v, "mac")).unwrap_err(),
            Error::VerificationFailed
        );
        // The AC key may not MAC scripts.
        assert_eq!(
            emv::script_mac(&ac_key(&h(&v, "key")), &h(&v, "data"), 8).unwrap_err(),
            Error::Key(KeyError::UsageNotPermitted)
        );
    }
    for v in group("script_encipherment") {
        let k = key(
            KeyUsage::EmvSecureMessagingConfidentiality,
            ModeOfUse::EncryptDecrypt,
            &h(&v, "key"),
        );
        let mut out = [0u8; 64];
        let n = emv::encipher_command_data(
            &k,
            &h(&v, "data"),
            script_method(v["method"].as_str().unwrap()),
            &mut out,
        )
        .unwrap();
        assert_eq!(out[..n].to_vec(), h(&v, "out"), "{}", v["source"]);
        let mut small = [0u8; 4];
        assert!(matches!(
            emv::encipher_command_data(&k, &h(&v, "data"), ScriptEncipherment::Emv, &mut small),
            Err(Error::ApiMisuse(ApiMisuse::BufferTooSmall { .. }))
        ));
        assert_eq!(small, [0; 4]);
    }
}

#[test]
fn issuer_script_vectors_from_cvn_tests() {
    let mut n = 0;
    for v in group("issuer_script") {
        let pan = v["pan"].as_str().unwrap().as_bytes();
        let atc: [u8; 2] = h(&v, "atc").try_into().unwrap();
        let arqc = h(&v, "arqc");
        let derive = |imk_field: &str, usage: KeyUsage| {
            let imk = key(usage, ModeOfUse::Derive, &h(&v, imk_field));
            let mk = emv::derive_icc_master_key(&imk, pan, psn(&v), option(&v)).unwrap();
            match v["sm_key"].as_str().unwrap() {
                "visa" => emv::visa_secure_messaging_session_key(&mk, atc).unwrap(),
                _ => emv::derive_session_key(&mk, &arqc).unwrap(),
            }
        };
        let smi = derive("imk_smi", KeyUsage::EmvSecureMessagingIntegrity);
        let header = h(&v, "header");
        let data = [header.as_slice(), &atc, &arqc].concat();
        let mac = emv::script_mac(&smi, &data, 8).unwrap();
        assert_eq!(mac.as_bytes(), h(&v, "mac"), "{}", v["source"]);
        if v.get("pin").is_some() {
            let pc = &v;
            let smc = derive("imk_smc", KeyUsage::EmvSecureMessagingConfidentiality);
            assert_eq!(smc.mode_of_use(), ModeOfUse::EncryptDecrypt);
            let pin = Pin::new(pc["pin"].as_str().unwrap()).unwrap();
            let mut enc = [0u8; 32];
            let m = script_method(pc["pin_method"].as_str().unwrap());
            let len = if v["pin_block"] == "vis" {
                let imk = imk(&h(&v, "imk"));
                let mk_ac = emv::derive_icc_master_key(&imk, pan, psn(&v), option(&v)).unwrap();
                let current = v["current_pin"].as_str().map(|p| Pin::new(p).unwrap());
                // The SM-C key is not the AC key: swapped, refused.
                assert_eq!(
                    emv::encipher_vis_pin_change(&smc, &smc, &pin, current.as_ref(), &mut enc)
                        .unwrap_err(),
                    Error::Key(KeyError::UsageNotPermitted)
                );
                emv::encipher_vis_pin_change(&smc, &mk_ac, &pin, current.as_ref(), &mut enc)
                    .unwrap()
            } else {
                emv::encipher_pin_change(&smc, &pin, m, &mut enc).unwrap()
            };
            let command = h(pc, "pin_command");
            let header = &command[..5];
            assert_eq!(&command[5..5 + len], &enc[..len], "{}", v["source"]);
            let data = [header, &atc, &arqc, &enc[..len]].concat();
            let mac = emv::script_mac(&smi, &data, 8).unwrap();
            assert_eq!(mac.as_bytes(), &command[5 + len..], "{}", v["source"]);
            // The SM-I key cannot encipher, the SM-C key cannot MAC.
            assert!(emv::encipher_pin_change(&smi, &pin, m, &mut enc).is_err());
            assert!(emv::script_mac(&smc, &data, 8).is_err());
            n += 1;
        }
    }
    assert_eq!(n, 10);
}

#[test]
fn cdol1_data_is_assembled_from_tlvs() {
    for v in group("cdol1") {
        let mut out = [0u8; 64];
        let n = emv::cdol_data(&h(&v, "cdol1"), &h(&v, "tlv"), &mut out).unwrap();
        assert_eq!(out[..n].to_vec(), h(&v, "data"), "{}", v["source"]);
        // The assembled data is the terminal part of the CVN 18 vector's ARQC data.
        let cvn18 = &group("cvn")[1];
        assert_eq!(cvn18["cvn"], "visa18");
        assert!(h(cvn18, "data").starts_with(&out[..n]));
        let mut small = [0u8; 8];
        assert!(emv::cdol_data(&h(&v, "cdol1"), &h(&v, "tlv"), &mut small).is_err());
        assert!(emv::cdol_data(&h(&v, "cdol1"), &[0x9F, 0x02, 0x06, 0x00], &mut out).is_err());
        assert!(emv::cdol_data(&[0x9F, 0x02], &h(&v, "tlv"), &mut out).is_err());
    }
}

mod roundtrip {
    use super::*;
    use proptest::prelude::*;

    const CVNS: [Cvn; 7] = [
        Cvn::Visa10,
        Cvn::Visa18,
        Cvn::Visa22,
        Cvn::Mastercard16,
        Cvn::Mastercard17,
        Cvn::Mastercard20,
        Cvn::Mastercard21,
    ];

    proptest! {
        /// Card side (derive, session key for the CVN, ARQC) and host side
        /// (`verify_arqc`, ARPC) agree for every CVN, PAN length 12-19 and
        /// data length; one flipped data bit is refused.
        #[test]
        fn card_and_host_agree(
            cvn_index in 0usize..7,
            pan in "[0-9]{12,19}",
            psn in proptest::option::of(0u8..100),
            atc in any::<[u8; 2]>(),
            un in any::<[u8; 4]>(),
            data in proptest::collection::vec(any::<u8>(), 1..80),
            flip in any::<usize>(),
        ) {
            let cvn = CVNS[cvn_index];
            let imk = imk(&[0x3C; 16]);
            let mk = emv::derive_icc_master_key(&imk, pan.as_bytes(), psn, cvn.master_key_option())
                .unwrap();
            let sk = match cvn {
                Cvn::Visa10 => None,
                Cvn::Mastercard16 | Cvn::Mastercard17 => {
                    Some(emv::mastercard_session_key(&mk, atc, un).unwrap())
                }
                _ => Some(emv::ac_session_key(&mk, atc).unwrap()),
            };
            let ac_key = sk.as_ref().unwrap_or(&mk);
            let arqc = emv::generate_ac(ac_key, &data, cvn.padding()).unwrap();
            let tx = Transaction {
                pan: pan.as_bytes(),
                psn,
                atc,
                unpredictable_number: un,
                data: &data,
                arqc: arqc.as_bytes(),
            };
            let verified = emv::verify_arqc(&imk, cvn, &tx).unwrap();
            if cvn.arpc_method() == emv::ArpcMethod::Method2 {
                let arpc = verified.arpc_method2(&[1, 2, 3, 4], &[]).unwrap();
                emv::verify_arpc_method2(ac_key, arqc.as_bytes(), &[1, 2, 3, 4], &[], arpc.as_bytes())
                    .unwrap();
            } else {
                let arpc = verified.arpc_method1(&[0x30, 0x30]).unwrap();
                let key = if matches!(cvn, Cvn::Mastercard20 | Cvn::Mastercard21) { ac_key } else { &mk };
                emv::verify_arpc_method1(key, arqc.as_bytes(), &[0x30, 0x30], arpc.as_bytes()).unwrap();
            }
            let mut bad = data.clone();
            let bit = flip % (bad.len() * 8);
            bad[bit / 8] ^= 1 << (bit % 8);
            let t = Transaction { data: &bad, ..tx };
            prop_assert_eq!(emv::verify_arqc(&imk, cvn, &t).unwrap_err(), Error::VerificationFailed);
        }
    }
}
