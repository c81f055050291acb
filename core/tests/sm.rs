//! China UnionPay and 国密 (feature `sm`) against the vectors of
//! tests/vectors/sm.json (GM/T and GB/T standards, Newland NDK test tool,
//! pgate, the blog worked examples; sources beside each vector), and the
//! rejections: a wrong check value installs nothing, a wrong key usage is
//! refused, an SM4 block of the wrong length is refused, an SM2 signature
//! with a wrong identifier fails.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use paycore::Error;
use paycore::card::pan::Pan;
use paycore::cup::{self, CupRole, Field62, MacOutput, PanFill, SignOnLayout, Sm4PinPadding};
use paycore::error::{CupError, KeyError, PinBlockError};
use paycore::keys::kcv::{Kcv, KcvMethod};
use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
use paycore::pin::{self, ClearPinBlock, Pin, PinBlockFormat};
use paycore::sm::{self, Sm2SigningKey};
use serde_json::Value;

const VECTORS: &str = include_str!("../../tests/vectors/sm.json");

fn hex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("field {k}"))
}

fn vectors(kind: &str) -> Vec<Value> {
    let all: Value = serde_json::from_str(VECTORS).unwrap();
    let out: Vec<Value> = all["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["kind"] == kind)
        .inspect(|v| assert!(!s(v, "source").is_empty()))
        .cloned()
        .collect();
    assert!(!out.is_empty(), "no {kind} vectors");
    out
}

fn algorithm(cipher: &str, len: usize) -> Algorithm {
    match (cipher, len) {
        ("des", 8) => Algorithm::Des,
        ("tdes", 16) => Algorithm::Tdes2,
        ("tdes", 24) => Algorithm::Tdes3,
        ("sm4", 16) => Algorithm::Sm4,
        other => panic!("cipher {other:?}"),
    }
}

fn key(cipher: &str, material: &[u8], usage: KeyUsage, mode: ModeOfUse) -> Key {
    Key::new(
        algorithm(cipher, material.len()),
        material,
        KeyAttributes::new(usage, mode),
    )
    .unwrap()
}

fn mak(v: &Value) -> Key {
    let i = &v["inputs"];
    key(
        s(i, "cipher"),
        &hex(s(i, "key")),
        KeyUsage::MacIso9797Alg1,
        ModeOfUse::GenerateVerify,
    )
}

#[test]
fn sm3_vectors() {
    for v in vectors("sm3") {
        let d = sm::sm3(&hex(s(&v["inputs"], "data")));
        assert_eq!(
            hex::encode_upper(d),
            s(&v["expected"], "digest"),
            "{}",
            v["id"]
        );
    }
}

#[test]
fn sm2_annex_a() {
    for v in vectors("sm2") {
        let (i, e) = (&v["inputs"], &v["expected"]);
        let public = hex(s(i, "public_key"));
        let id = hex(s(i, "distid"));
        let msg = hex(s(i, "message"));
        let key = Sm2SigningKey::from_bytes(&hex(s(i, "private_key"))).unwrap();
        assert_eq!(key.public_key().to_vec(), public);
        let za = sm::sm2_za(&public, &id).unwrap();
        assert_eq!(hex::encode_upper(za), s(e, "za"));
        assert_eq!(hex::encode_upper(sm::sm3_parts(&[&za, &msg])), s(e, "e"));
        let raw = hex(s(e, "signature"));
        let der = hex(s(e, "signature_der"));
        sm::sm2_verify(&public, &id, &msg, &raw).unwrap();
        sm::sm2_verify(&public, &id, &msg, &der).unwrap();
        assert_eq!(sm::sm2_signature_from_der(&der).unwrap().to_vec(), raw);
        let mut out = [0u8; sm::SM2_DER_MAX_LEN];
        let n = sm::sm2_signature_to_der(&raw, &mut out).unwrap();
        assert_eq!(out[..n].to_vec(), der);
        // Rejections: wrong identifier, tampered message, tampered signature.
        assert_eq!(
            sm::sm2_verify(&public, b"1234567812345679", &msg, &raw),
            Err(Error::VerificationFailed)
        );
        assert_eq!(
            sm::sm2_verify(&public, &id, b"message digesT", &raw),
            Err(Error::VerificationFailed)
        );
        let mut bad = raw.clone();
        bad[63] ^= 1;
        assert_eq!(
            sm::sm2_verify(&public, &id, &msg, &bad),
            Err(Error::VerificationFailed)
        );
        assert!(sm::sm2_verify(&public, &id, &msg, &raw[..63]).is_err());
        assert!(sm::sm2_verify(&public[..64], &id, &msg, &raw).is_err());
        // Our own signature verifies, under the right identifier only.
        let mut rng = rand::rngs::OsRng;
        let sig = key.sign(&id, &msg, &mut rng).unwrap();
        sm::sm2_verify(&public, &id, &msg, &sig).unwrap();
        assert!(sm::sm2_verify(&public, sm::DEFAULT_SM2_ID, &msg, &sig).is_ok());
        assert!(sm::sm2_verify(&public, b"ALICE123@YAHOO.COM", &msg, &sig).is_err());
    }
}

#[test]
fn kcv_vectors() {
    for v in vectors("kcv") {
        let i = &v["inputs"];
        let k = key(
            s(i, "algorithm"),
            &hex(s(i, "key")),
            KeyUsage::KeyEncryption,
            ModeOfUse::EncryptDecrypt,
        );
        let len = usize::try_from(i["length"].as_u64().unwrap()).unwrap();
        let kcv = Kcv::compute(&k, KcvMethod::Cup, len).unwrap();
        assert_eq!(kcv.to_string(), s(&v["expected"], "kcv"), "{}", v["id"]);
        Kcv::verify(&k, KcvMethod::Cup, &hex(s(&v["expected"], "kcv"))).unwrap();
    }
    // SM4: at most 8 bytes; DES/TDES at most 4.
    let sm4 = key(
        "sm4",
        &[0x17; 16],
        KeyUsage::KeyEncryption,
        ModeOfUse::Decrypt,
    );
    assert!(Kcv::compute(&sm4, KcvMethod::Cup, 9).is_err());
    let des = key(
        "des",
        &[0x15; 8],
        KeyUsage::MacIso9797Alg1,
        ModeOfUse::GenerateVerify,
    );
    assert!(Kcv::compute(&des, KcvMethod::Cup, 4).is_ok());
    assert!(Kcv::compute(&des, KcvMethod::Cup, 5).is_err());
}

fn tmk(material: &[u8], sm4: bool) -> Key {
    let alg = if sm4 {
        Algorithm::Sm4
    } else {
        Algorithm::from_len(false, material.len()).unwrap()
    };
    Key::new(
        alg,
        material,
        KeyAttributes::new(KeyUsage::KeyEncryption, ModeOfUse::Decrypt),
    )
    .unwrap()
}

#[test]
fn unwrap_vectors_and_wrong_check_value() {
    for v in vectors("unwrap") {
        let (i, e) = (&v["inputs"], &v["expected"]);
        let cipher = s(i, "algorithm");
        let cryptogram = hex(s(i, "key"));
        let alg = algorithm(cipher, cryptogram.len());
        let t = tmk(&hex(s(i, "tmk")), cipher == "sm4");
        let attrs = KeyAttributes::new(KeyUsage::MacIso9797Alg1, ModeOfUse::GenerateVerify);
        let cv = hex(s(i, "check_value"));
        let k = cup::unwrap_working_key(&t, alg, &cryptogram, &cv, attrs).unwrap();
        assert_eq!(k.dangerous_expose_secret().unwrap(), hex(s(e, "clear")));
        assert_eq!(
            Kcv::compute(&k, KcvMethod::Cup, 4).unwrap().to_string(),
            s(e, "kcv")
        );
        // The host side: wrapping the clear key gives the same cryptogram
        // (under a TMK that may encrypt).
        let host_tmk = Key::new(
            t.algorithm(),
            &hex(s(i, "tmk")),
            KeyAttributes::new(KeyUsage::KeyEncryption, ModeOfUse::Encrypt),
        )
        .unwrap();
        let mut wrapped = [0u8; 16];
        let n = cup::wrap_working_key(&host_tmk, &k, &mut wrapped).unwrap();
        assert_eq!(&wrapped[..n], &cryptogram[..], "{}", v["id"]);
        assert_eq!(
            cup::wrap_working_key(&t, &k, &mut wrapped).unwrap_err(),
            Error::Key(KeyError::ModeNotPermitted)
        );
        let mut wrong = cv.clone();
        wrong[0] ^= 0x01;
        assert_eq!(
            cup::unwrap_working_key(&t, alg, &cryptogram, &wrong, attrs).unwrap_err(),
            Error::VerificationFailed,
            "{}",
            v["id"]
        );
    }
}

#[test]
fn mac_vectors() {
    for v in vectors("cup_ecb") {
        let (k, data, e) = (mak(&v), hex(s(&v["inputs"], "data")), &v["expected"]);
        let ascii = cup::pos_ecb_mac(&k, &data, MacOutput::Ascii).unwrap();
        assert_eq!(
            hex::encode_upper(ascii.as_bytes()),
            s(e, "ascii"),
            "{}",
            v["id"]
        );
        cup::pos_ecb_mac_verify(&k, &data, MacOutput::Ascii, &hex(s(e, "ascii"))).unwrap();
        if let Some(bytes) = e["bytes"].as_str() {
            let b = cup::pos_ecb_mac(&k, &data, MacOutput::Bytes).unwrap();
            assert_eq!(hex::encode_upper(b.as_bytes()), bytes);
        }
        let mut wrong = hex(s(e, "ascii"));
        wrong[7] ^= 1;
        assert_eq!(
            cup::pos_ecb_mac_verify(&k, &data, MacOutput::Ascii, &wrong),
            Err(Error::VerificationFailed)
        );
    }
    for v in vectors("cbc") {
        let (k, data) = (mak(&v), hex(s(&v["inputs"], "data")));
        let m = cup::cbc_mac(&k, &data).unwrap();
        assert_eq!(
            hex::encode_upper(m.as_bytes()),
            s(&v["expected"], "mac"),
            "{}",
            v["id"]
        );
        cup::cbc_mac_verify(&k, &data, &m.as_bytes()[..4]).unwrap();
    }
    for v in vectors("xor_encrypt") {
        let (k, data) = (mak(&v), hex(s(&v["inputs"], "data")));
        let m = cup::xor_encrypt_mac(&k, &data).unwrap();
        assert_eq!(
            hex::encode_upper(m.as_bytes()),
            s(&v["expected"], "mac"),
            "{}",
            v["id"]
        );
        cup::xor_encrypt_mac_verify(&k, &data, m.as_bytes()).unwrap();
    }
}

#[test]
fn mac_key_usage_and_algorithm_are_enforced() {
    // A PIN key is not a MAK.
    let pik = key(
        "sm4",
        &[0x15; 16],
        KeyUsage::PinEncryption,
        ModeOfUse::Encrypt,
    );
    assert_eq!(
        cup::pos_ecb_mac(&pik, b"x", MacOutput::Ascii).unwrap_err(),
        Error::Key(KeyError::UsageNotPermitted)
    );
    // A verify-only MAK cannot generate.
    let v = key(
        "sm4",
        &[0x15; 16],
        KeyUsage::MacIso9797Alg1,
        ModeOfUse::Verify,
    );
    assert_eq!(
        cup::cbc_mac(&v, b"x").unwrap_err(),
        Error::Key(KeyError::ModeNotPermitted)
    );
    // AES is not a CUP MAK.
    let aes = Key::new(
        Algorithm::Aes128,
        &[0x15; 16],
        KeyAttributes::new(KeyUsage::MacIso9797Alg1, ModeOfUse::GenerateVerify),
    )
    .unwrap();
    assert_eq!(
        cup::xor_encrypt_mac(&aes, b"x").unwrap_err(),
        Error::Key(KeyError::WrongAlgorithm)
    );
    // Single DES and SM4 never reach the ISO 9797 / ISO 9564 / TR-31 paths.
    let des = key(
        "des",
        &[0x15; 8],
        KeyUsage::MacIso9797Alg1,
        ModeOfUse::GenerateVerify,
    );
    let iso = paycore::mac::MacAlgorithm::Iso9797Alg1 {
        padding: paycore::mac::Padding::Method1,
    };
    assert_eq!(
        paycore::mac::generate(&des, iso, b"x", 8).unwrap_err(),
        Error::Key(KeyError::WrongAlgorithm)
    );
    let sm4_pin = key(
        "sm4",
        &[0x15; 16],
        KeyUsage::PinEncryption,
        ModeOfUse::Encrypt,
    );
    let clear = ClearPinBlock::encode(
        PinBlockFormat::Iso0,
        &Pin::new("1234").unwrap(),
        Some(&Pan::parse("6225885916163157").unwrap()),
        &mut rand::rngs::OsRng,
    )
    .unwrap();
    assert_eq!(
        pin::encipher(
            &sm4_pin,
            &clear,
            Some(&Pan::parse("6225885916163157").unwrap())
        )
        .unwrap_err(),
        Error::Key(KeyError::WrongAlgorithm)
    );
    let kbpk = key(
        "sm4",
        &[0x11; 16],
        KeyUsage::KeyBlockProtection,
        ModeOfUse::EncryptDecrypt,
    );
    assert!(paycore::keys::tr31::unwrap(&kbpk, "B0096P0TE00E0000").is_err());
    // The international master/session install refuses SM4 TMKs and DES
    // or SM4 working keys.
    use paycore::keys::mksk::{self, Cryptogram, WorkingKeyDelivery};
    let delivery = |algorithm, enciphered: &'static [u8]| WorkingKeyDelivery {
        cryptogram: Cryptogram::Ecb {
            algorithm,
            attributes: KeyAttributes::new(KeyUsage::MacIso9797Alg1, ModeOfUse::GenerateVerify),
            enciphered,
        },
        check_value: &[0, 0, 0],
        kcv_method: KcvMethod::Legacy,
    };
    let tdes_tmk = tmk(&hex("11111111111111111313131313131313"), false);
    for (t, alg, ct) in [
        (&tdes_tmk, Algorithm::Des, &[0u8; 8][..]),
        (&tdes_tmk, Algorithm::Sm4, &[0u8; 16][..]),
        (&tmk(&[0x11; 16], true), Algorithm::Tdes2, &[0u8; 16][..]),
    ] {
        assert_eq!(
            mksk::install(t, &[delivery(alg, ct)]).unwrap_err(),
            Error::Key(KeyError::WrongAlgorithm),
            "{alg:?}"
        );
    }
    // Single DES may not carry a key-encryption usage at all.
    assert_eq!(
        Key::new(
            Algorithm::Des,
            &[0x15; 8],
            KeyAttributes::new(KeyUsage::KeyEncryption, ModeOfUse::Decrypt)
        )
        .unwrap_err(),
        Error::Key(KeyError::UsageNotPermitted)
    );
}

fn pin_inputs(v: &Value) -> (Key, Pin, Option<Pan>, PanFill) {
    let i = &v["inputs"];
    let k = key(
        "sm4",
        &hex(s(i, "key")),
        KeyUsage::PinEncryption,
        ModeOfUse::EncryptDecrypt,
    );
    let pan = i["pan"].as_str().map(|p| Pan::parse(p).unwrap());
    let fill = if i["pan_fill"] == 2 {
        PanFill::Fill2
    } else {
        PanFill::Fill1
    };
    (k, Pin::new(s(i, "pin")).unwrap(), pan, fill)
}

#[test]
fn sm4_pin_vectors() {
    let mut rng = rand::rngs::OsRng;
    for v in vectors("sm4_pin") {
        let (k, pin, pan, fill) = pin_inputs(&v);
        let block = cup::encipher_sm4_pin(&k, &pin, pan.as_ref(), fill, Sm4PinPadding::F, &mut rng)
            .unwrap();
        assert_eq!(
            hex::encode_upper(block),
            s(&v["expected"], "block"),
            "{}",
            v["id"]
        );
        let back = cup::decipher_sm4_pin(&k, &block, pan.as_ref(), fill, Sm4PinPadding::F).unwrap();
        assert_eq!(back.expose_secret(), pin.expose_secret());
        // The other PAN fill (or a PAN where there was none) does not decode.
        if let Some(p) = &pan {
            let other = if fill == PanFill::Fill1 {
                PanFill::Fill2
            } else {
                PanFill::Fill1
            };
            assert_eq!(
                cup::decipher_sm4_pin(&k, &block, Some(p), other, Sm4PinPadding::F).unwrap_err(),
                Error::PinBlock(PinBlockError::Undecodable)
            );
        }
        // An SM4 block of the wrong length is refused.
        assert_eq!(
            cup::decipher_sm4_pin(&k, &block[..8], pan.as_ref(), fill, Sm4PinPadding::F)
                .unwrap_err(),
            Error::PinBlock(PinBlockError::InvalidLength)
        );
        assert_eq!(
            cup::decipher_sm4_pin(
                &k,
                &[block, block].concat(),
                pan.as_ref(),
                fill,
                Sm4PinPadding::F
            )
            .unwrap_err(),
            Error::PinBlock(PinBlockError::InvalidLength)
        );
    }
}

#[test]
fn field62_install_all_or_nothing() {
    for v in vectors("field62") {
        let (i, e) = (&v["inputs"], &v["expected"]);
        let layout =
            SignOnLayout::from_code(u16::try_from(i["layout"].as_u64().unwrap()).unwrap()).unwrap();
        let kcv_len = usize::try_from(i["kcv_len"].as_u64().unwrap()).unwrap();
        let t = tmk(&hex(s(i, "tmk")), layout.is_sm4());
        let bytes = hex(s(i, "field62"));
        let f = Field62::parse(layout, kcv_len, &bytes).unwrap();
        let mut out = vec![0u8; bytes.len()];
        assert_eq!(f.encode(&mut out).unwrap(), bytes.len());
        assert_eq!(out, bytes, "{}", v["id"]);
        let keys = cup::install(&t, &f, CupRole::Terminal).unwrap();
        assert_eq!(
            keys.pik.dangerous_expose_secret().unwrap(),
            hex(s(e, "pik"))
        );
        assert_eq!(
            keys.mak.dangerous_expose_secret().unwrap(),
            hex(s(e, "mak"))
        );
        assert_eq!(
            keys.tdk
                .as_ref()
                .map(|k| k.dangerous_expose_secret().unwrap().to_vec()),
            e["tdk"].as_str().map(hex)
        );
        assert_eq!(keys.pik.usage(), KeyUsage::PinEncryption);
        assert_eq!(keys.mak.usage(), KeyUsage::MacIso9797Alg1);
        // Any one wrong check value installs nothing.
        let cv_offsets: Vec<usize> = {
            let mut offs = vec![
                f.pik.check_value.as_ptr() as usize - bytes.as_ptr() as usize,
                f.mak.check_value.as_ptr() as usize - bytes.as_ptr() as usize,
            ];
            if let Some(t) = f.tdk {
                offs.push(t.check_value.as_ptr() as usize - bytes.as_ptr() as usize);
            }
            offs
        };
        for off in cv_offsets {
            let mut bad = bytes.clone();
            bad[off + 1] ^= 0x80;
            let f = Field62::parse(layout, kcv_len, &bad).unwrap();
            assert_eq!(
                cup::install(&t, &f, CupRole::Terminal).unwrap_err(),
                Error::VerificationFailed,
                "{} offset {off}",
                v["id"]
            );
        }
        // Wrong length, wrong TMK algorithm.
        assert_eq!(
            Field62::parse(layout, kcv_len, &bytes[..bytes.len() - 1]).unwrap_err(),
            Error::Cup(CupError::Field62Length {
                expected: bytes.len(),
                actual: bytes.len() - 1
            })
        );
        let wrong_tmk = tmk(&[0x11; 16], !layout.is_sm4());
        assert_eq!(
            cup::install(&wrong_tmk, &f, CupRole::Terminal).unwrap_err(),
            Error::Key(KeyError::WrongAlgorithm)
        );
    }
}

#[test]
fn track_vectors() {
    for v in vectors("track") {
        let i = &v["inputs"];
        let material = hex(s(i, "key"));
        let track = s(i, "track").as_bytes();
        let enc = key(
            s(i, "cipher"),
            &material,
            KeyUsage::DataEncryption,
            ModeOfUse::Encrypt,
        );
        let dec = key(
            s(i, "cipher"),
            &material,
            KeyUsage::DataEncryption,
            ModeOfUse::Decrypt,
        );
        let mut packed = [0u8; 64];
        let n = cup::encrypt_track(&enc, track, &mut packed).unwrap();
        assert_eq!(
            hex::encode_upper(&packed[..n]),
            s(&v["expected"], "encrypted"),
            "{}",
            v["id"]
        );
        let mut ascii = [0u8; 128];
        let m = cup::decrypt_track(&dec, &packed[..n], track.len(), &mut ascii).unwrap();
        assert_eq!(&ascii[..m], track);
        // Encrypt-only TDK cannot decrypt; wrong digit count refused.
        assert_eq!(
            cup::decrypt_track(&enc, &packed[..n], track.len(), &mut ascii).unwrap_err(),
            Error::Key(KeyError::ModeNotPermitted)
        );
        assert!(cup::decrypt_track(&dec, &packed[..n], track.len() + 2, &mut ascii).is_err());
    }
    let tdk = key(
        "sm4",
        &[0x19; 16],
        KeyUsage::DataEncryption,
        ModeOfUse::Encrypt,
    );
    let mut out = [0u8; 64];
    // Too short for an SM4 TDB, and a bad character.
    assert_eq!(
        cup::encrypt_track(&tdk, b"6225885916163157=4912", &mut out).unwrap_err(),
        Error::Cup(CupError::TrackLength { digits: 21 })
    );
    assert_eq!(
        cup::encrypt_track(&tdk, b"6225885916163157=49121010000012300000X", &mut out).unwrap_err(),
        Error::Cup(CupError::TrackCharacter { position: 37 })
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn pin_key(material: &[u8; 16]) -> Key {
        key(
            "sm4",
            material,
            KeyUsage::PinEncryption,
            ModeOfUse::EncryptDecrypt,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Every PIN length 4-12, PAN length 12-19 or no PAN, both PAN
        /// fills and both paddings: encipher then decipher gives the PIN
        /// back; the other fill (with a PAN) or another key does not.
        #[test]
        fn sm4_pin_round_trip(
            pin in "[0-9]{4,12}",
            pan in proptest::option::of("[1-9][0-9]{11,18}"),
            fill2: bool,
            random: bool,
            material: [u8; 16],
            seed: u64,
        ) {
            let k = pin_key(&material);
            let pin = Pin::new(&pin).unwrap();
            let pan = pan.map(|p| Pan::parse_lenient(&p).unwrap());
            let fill = if fill2 { PanFill::Fill2 } else { PanFill::Fill1 };
            let padding = if random { Sm4PinPadding::Random } else { Sm4PinPadding::F };
            let mut rng = StdRng::seed_from_u64(seed);
            let block = cup::encipher_sm4_pin(&k, &pin, pan.as_ref(), fill, padding, &mut rng).unwrap();
            let back = cup::decipher_sm4_pin(&k, &block, pan.as_ref(), fill, padding).unwrap();
            prop_assert_eq!(back.expose_secret(), pin.expose_secret());
            if padding == Sm4PinPadding::F {
                let mut other = material;
                other[0] ^= 1;
                // Another key almost never yields a well-formed F-padded block.
                prop_assert!(
                    cup::decipher_sm4_pin(&pin_key(&other), &block, pan.as_ref(), fill, padding)
                        .is_err()
                );
            }
        }

        /// Host wraps three random SM4 keys under the TMK, builds field 62
        /// (006, 4- or 8-byte check values); the terminal parses and
        /// installs exactly those keys.
        #[test]
        fn field62_host_to_terminal(
            tmk_material: [u8; 16],
            keys in proptest::array::uniform3(any::<[u8; 16]>()),
            kcv8: bool,
        ) {
            let kcv_len = if kcv8 { 8 } else { 4 };
            let host_tmk = Key::new(
                Algorithm::Sm4,
                &tmk_material,
                KeyAttributes::new(KeyUsage::KeyEncryption, ModeOfUse::Encrypt),
            )
            .unwrap();
            let mut cts = [[0u8; 16]; 3];
            let mut cvs = [[0u8; 8]; 3];
            for ((m, ct), cv) in keys.iter().zip(cts.iter_mut()).zip(cvs.iter_mut()) {
                let k = key("sm4", m, KeyUsage::DataEncryption, ModeOfUse::EncryptDecrypt);
                cup::wrap_working_key(&host_tmk, &k, ct).unwrap();
                cv[..kcv_len].copy_from_slice(
                    Kcv::compute(&k, KcvMethod::Cup, kcv_len).unwrap().as_bytes(),
                );
            }
            let entry = |i: usize| cup::Field62Key {
                cryptogram: &cts[i],
                check_value: &cvs[i][..kcv_len],
            };
            let f = Field62 {
                layout: SignOnLayout::Sm4006,
                pik: entry(0),
                mak: entry(1),
                tdk: Some(entry(2)),
            };
            let mut bytes = [0u8; 72];
            let n = f.encode(&mut bytes).unwrap();
            let parsed = Field62::parse(SignOnLayout::Sm4006, kcv_len, &bytes[..n]).unwrap();
            prop_assert_eq!(parsed, f);
            let t = tmk(&tmk_material, true);
            let installed = cup::install(&t, &parsed, CupRole::Host).unwrap();
            prop_assert_eq!(installed.pik.dangerous_expose_secret().unwrap(), &keys[0][..]);
            prop_assert_eq!(installed.mak.dangerous_expose_secret().unwrap(), &keys[1][..]);
            let tdk = installed.tdk.unwrap();
            prop_assert_eq!(tdk.dangerous_expose_secret().unwrap(), &keys[2][..]);
        }
    }
}
