//! TR-31 / ANSI X9.143 key blocks against published vectors
//! (tests/vectors/tr31.json: TR-31:2018 Annex A, Thales payShield output
//! from openemv/tr31, psec's test suite), plus rejection rules and
//! round-trip properties.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::type_complexity
)]

use std::collections::BTreeMap;

use paycore::keys::kcv::{Kcv, KcvMethod, KcvWithheld};
use paycore::keys::tr31::{
    self, KeyBlockHeader, OptionalBlock, OptionalBlockId, UnwrapPolicy, Version,
};
use paycore::keys::{
    Algorithm, Exportability, Key, KeyAttributes, KeyUsage, KeyVersion, ModeOfUse, Operation,
};
use paycore::{Error, ErrorKind};
use proptest::prelude::*;
use rand::SeedableRng;
use serde_json::Value;

const VECTORS: &str = include_str!("../../tests/vectors/tr31.json");

fn vectors() -> Value {
    serde_json::from_str(VECTORS).unwrap()
}

fn hex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

fn kbpk(material: &[u8], aes: bool) -> Key {
    Key::new(
        Algorithm::from_len(aes, material.len()).unwrap(),
        material,
        KeyAttributes::new(KeyUsage::KeyBlockProtection, ModeOfUse::EncryptDecrypt),
    )
    .unwrap()
}

fn kbpk_for(material_hex: &str, block: &str) -> Key {
    kbpk(
        &hex(material_hex),
        block.starts_with('D') || block.starts_with('E'),
    )
}

/// Unwrap with the legacy opt-in, for vectors of every version (A and C
/// are refused by the default policy, see `legacy_versions_refused_by_default`).
fn unwrap_legacy<'a>(k: &Key, block: &'a str) -> Result<tr31::Unwrapped<'a>, Error> {
    tr31::unwrap_with(k, block, UnwrapPolicy::ALLOW_LEGACY)
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

fn code2(c: [u8; 2]) -> String {
    String::from_utf8(c.to_vec()).unwrap()
}

#[test]
fn published_unwrap_vectors() {
    let v = vectors();
    let list = v["unwrap"].as_array().unwrap();
    assert!(list.len() >= 20);
    for (i, t) in list.iter().enumerate() {
        let id = s(&t["id"]);
        let block = s(&t["inputs"]["block"]);
        let e = &t["expected"];
        let k = kbpk_for(s(&t["inputs"]["kbpk"]), block);
        let out = unwrap_legacy(&k, block).unwrap_or_else(|err| panic!("#{i} {id}: {err}"));
        let h = out.header();
        let key = out.key();
        assert_eq!(
            hex::encode_upper(key.dangerous_expose_secret().unwrap_or_default()),
            if key.attributes().exportability == Exportability::NonExportable {
                String::new()
            } else {
                s(&e["key"]).to_string()
            },
            "#{i} {id}: key"
        );
        assert_eq!(
            char::from(h.version().code()).to_string(),
            s(&e["version"]),
            "{id}"
        );
        assert_eq!(code2(h.key_usage().code()), s(&e["key_usage"]), "{id}");
        assert_eq!(
            char::from(h.algorithm().code()).to_string(),
            s(&e["algorithm"]),
            "{id}"
        );
        assert_eq!(
            char::from(h.mode_of_use().code()).to_string(),
            s(&e["mode_of_use"]),
            "{id}"
        );
        assert_eq!(code2(h.key_version().code()), s(&e["key_version"]), "{id}");
        assert_eq!(
            char::from(h.exportability().code()).to_string(),
            s(&e["exportability"]),
            "{id}"
        );
        // The key carries the header's attributes.
        assert_eq!(key.attributes(), h.key_attributes(), "{id}");
        assert_eq!(code2(key.usage().code()), s(&e["key_usage"]), "{id}");
        let blocks: BTreeMap<String, String> = h
            .optional_blocks()
            .map(|b| (b.id().to_string(), b.data().to_string()))
            .collect();
        let expected: BTreeMap<String, String> = e["optional_blocks"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), s(v).to_string()))
            .collect();
        assert_eq!(blocks, expected, "{id}: optional blocks");
        if let Some(kcv) = e.get("kcv") {
            let method = match s(&e["kcv_method"]) {
                "legacy" => KcvMethod::Legacy,
                "cmac" => KcvMethod::Cmac,
                other => panic!("{other}"),
            };
            // The published value checks for every key, a verify-only MAC
            // key included (verification releases only match/mismatch).
            let published = hex::decode(s(kcv)).unwrap();
            assert!(Kcv::verify(key, method, &published).is_ok(), "{id}: kcv");
            if e.get("kcv_withheld").is_some() {
                // ...but as a side output it is withheld, with the reason.
                assert_eq!(
                    Kcv::side_output(key).unwrap_err(),
                    KcvWithheld::VerifyOnlyMacKey,
                    "{id}"
                );
                assert!(Kcv::compute(key, method, 3).is_err(), "{id}");
            } else {
                assert_eq!(
                    Kcv::compute(key, method, 3).unwrap().to_string(),
                    s(kcv),
                    "{id}: kcv"
                );
            }
        }
        if let Some(p) = e.get("padding") {
            assert_eq!(
                hex::encode_upper(out.dangerous_padding()),
                s(p),
                "{id}: padding"
            );
        }
    }
}

/// Issue 11.5: versions A and C (4-byte CBC-MAC) are refused by the
/// default policy before the KBPK is used, with a typed error; the opt-in
/// accepts them (checked on every A/C vector of the file).
#[test]
fn legacy_versions_refused_by_default() {
    use paycore::error::Tr31Error as T;
    let v = vectors();
    let mut refused = 0;
    for t in v["unwrap"].as_array().unwrap() {
        let id = s(&t["id"]);
        let block = s(&t["inputs"]["block"]);
        let k = kbpk_for(s(&t["inputs"]["kbpk"]), block);
        let legacy = block.starts_with('A') || block.starts_with('C');
        assert_eq!(
            Version::from_code(block.as_bytes()[0]).unwrap().is_legacy(),
            legacy
        );
        if legacy {
            assert_eq!(
                tr31::unwrap(&k, block).unwrap_err(),
                Error::Tr31(T::LegacyVersionRefused),
                "{id}"
            );
            assert_eq!(
                tr31::unwrap_with(&k, block, UnwrapPolicy::STRICT).unwrap_err(),
                Error::Tr31(T::LegacyVersionRefused),
                "{id}"
            );
            // Refused before the KBPK is looked at: a wrong KBPK (even one
            // of the wrong family) gives the same answer.
            assert_eq!(
                tr31::unwrap(&kbpk(&[0x11; 32], true), block).unwrap_err(),
                Error::Tr31(T::LegacyVersionRefused),
                "{id}"
            );
            assert!(unwrap_legacy(&k, block).is_ok(), "{id}");
            refused += 1;
        } else {
            assert!(tr31::unwrap(&k, block).is_ok(), "{id}");
        }
    }
    assert!(refused >= 9, "{refused}");
    assert_eq!(UnwrapPolicy::default(), UnwrapPolicy::STRICT);
    assert!(!UnwrapPolicy::default().allows_legacy());
    assert!(UnwrapPolicy::STRICT.allows(Version::B) && UnwrapPolicy::STRICT.allows(Version::D));
    assert!(!UnwrapPolicy::STRICT.allows(Version::A) && !UnwrapPolicy::STRICT.allows(Version::C));
    let err = Error::from(T::LegacyVersionRefused);
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    assert_eq!(
        err.to_string(),
        "TR-31: legacy key block version (A or C) refused: importing it needs the legacy opt-in"
    );
}

#[test]
fn published_rejection_vectors() {
    let v = vectors();
    for t in v["reject"].as_array().unwrap() {
        let id = s(&t["id"]);
        let block = s(&t["inputs"]["block"]);
        let k = kbpk_for(s(&t["inputs"]["kbpk"]), block);
        let err = unwrap_legacy(&k, block).expect_err(id);
        assert_eq!(
            err.kind().as_str(),
            s(&t["expected"]["error_kind"]),
            "{id}: {err}"
        );
    }
}

#[test]
fn published_wrap_vectors() {
    let v = vectors();
    for t in v["wrap"].as_array().unwrap() {
        let id = s(&t["id"]);
        let i = &t["inputs"];
        let version = Version::from_code(s(&i["version"]).as_bytes()[0]).unwrap();
        let k = kbpk(&hex(s(&i["kbpk"])), version.is_aes());
        let material = hex(s(&i["key"]));
        let usage = KeyUsage::from_code(s(&i["key_usage"]).as_bytes().try_into().unwrap()).unwrap();
        let attrs = KeyAttributes::new(
            usage,
            ModeOfUse::from_code(s(&i["mode_of_use"]).as_bytes()[0]).unwrap(),
        )
        .with_version(KeyVersion::new(s(&i["key_version"]).as_bytes().try_into().unwrap()).unwrap())
        .with_exportability(
            Exportability::from_code(s(&i["exportability"]).as_bytes()[0]).unwrap(),
        );
        let alg = tr31::HeaderAlgorithm::from_code(s(&i["algorithm"]).as_bytes()[0])
            .unwrap()
            .key_algorithm(material.len())
            .unwrap();
        let key = Key::new(alg, &material, attrs).unwrap();
        let blocks: Vec<(OptionalBlockId, String)> = i["optional_blocks"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| {
                (
                    OptionalBlockId::new(k.as_bytes().try_into().unwrap()).unwrap(),
                    s(v).to_string(),
                )
            })
            .collect();
        let blocks: Vec<OptionalBlock<'_>> = blocks
            .iter()
            .map(|(id, d)| OptionalBlock::new(*id, d).unwrap())
            .collect();
        if attrs.exportability == Exportability::NonExportable {
            // A Key marked N cannot be wrapped; the sender holding the clear
            // material uses a header template (version E has no padding,
            // so the result is deterministic).
            assert!(s(&i["padding"]).is_empty(), "{id}");
            #[cfg(feature = "alloc")]
            let header = format!(
                "{}0000{}{}{}{}{}0000",
                s(&i["version"]),
                s(&i["key_usage"]),
                s(&i["algorithm"]),
                s(&i["mode_of_use"]),
                s(&i["key_version"]),
                s(&i["exportability"])
            );
            #[cfg(feature = "alloc")]
            {
                let mut rng = rand::rngs::StdRng::seed_from_u64(0);
                let block = tr31::wrap_template(&k, &material, &header, &mut rng).unwrap();
                assert_eq!(block, s(&t["expected"]["block"]), "{id}");
            }
            continue;
        }
        let mut out = vec![0u8; 9999];
        let n =
            tr31::wrap_with_padding(&k, &key, version, &blocks, &hex(s(&i["padding"])), &mut out)
                .unwrap();
        assert_eq!(
            core::str::from_utf8(&out[..n]).unwrap(),
            s(&t["expected"]["block"]),
            "{id}"
        );
    }
}

/// Every unwrap vector re-wrapped with its own header and padding gives
/// the published block back (B and D only: A and C are import-only).
#[test]
fn rewrap_reproduces_published_blocks() {
    let v = vectors();
    let mut checked = 0;
    for t in v["unwrap"].as_array().unwrap() {
        let block = s(&t["inputs"]["block"]);
        if !(block.starts_with('B') || block.starts_with('D') || block.starts_with('E')) {
            continue;
        }
        let k = kbpk_for(s(&t["inputs"]["kbpk"]), block);
        let out = tr31::unwrap(&k, block).unwrap();
        if out.key().attributes().exportability == Exportability::NonExportable {
            assert_eq!(
                tr31::wrap_with_header(
                    &k,
                    out.key(),
                    out.header(),
                    out.dangerous_padding(),
                    &mut [0; 9999]
                ),
                Err(Error::Key(paycore::error::KeyError::NotExportable))
            );
            continue;
        }
        let mut buf = vec![0u8; 9999];
        let n = tr31::wrap_with_header(
            &k,
            out.key(),
            out.header(),
            out.dangerous_padding(),
            &mut buf,
        )
        .unwrap();
        assert_eq!(
            core::str::from_utf8(&buf[..n]).unwrap(),
            block,
            "{}",
            s(&t["id"])
        );
        checked += 1;
    }
    assert!(checked >= 4);
}

fn tamper_char(c: u8) -> [u8; 2] {
    // A different character of the same class and one of another class.
    let same = match c {
        b'0'..=b'8' | b'A'..=b'E' => c + 1,
        b'9' => b'A',
        b'F' => b'0',
        b'G'..=b'Y' | b'a'..=b'y' => c + 1,
        _ => b'A',
    };
    [same, b'#']
}

#[test]
fn tamper_every_position_fails_without_key_bytes() {
    let v = vectors();
    for t in v["unwrap"].as_array().unwrap() {
        let id = s(&t["id"]);
        let block = s(&t["inputs"]["block"]);
        let k = kbpk_for(s(&t["inputs"]["kbpk"]), block);
        for pos in 0..block.len() {
            for replacement in tamper_char(block.as_bytes()[pos]) {
                let mut b = block.as_bytes().to_vec();
                b[pos] = replacement;
                let b = String::from_utf8(b).unwrap();
                let Err(err) = unwrap_legacy(&k, &b) else {
                    panic!("{id}: tampered at {pos} accepted")
                };
                // Messages carry no block or key material.
                let msg = err.to_string();
                assert!(!msg.contains(&block[16..24]), "{id}: {msg}");
                assert!(!msg.contains(s(&t["expected"]["key"])), "{id}: {msg}");
            }
        }
        // Truncations and extensions fail too.
        for len in 0..block.len() {
            assert!(
                unwrap_legacy(&k, &block[..len]).is_err(),
                "{id}: truncated to {len}"
            );
        }
        assert!(unwrap_legacy(&k, &format!("{block}0")).is_err());
        // Lower-case hex is another encoding: refused.
        assert!(unwrap_legacy(&k, &block.to_lowercase()).is_err());
    }
}

#[test]
fn wrong_kbpk_is_verification_failure() {
    let block = "D0112P0AE00E0000B82679114F470F540165EDFBF7E250FCEA43F810D215F8D207E2E417C07156A27E8E31DA05F7425509593D03A457DC34";
    let mut m = hex("88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6");
    m[31] ^= 1;
    assert_eq!(
        tr31::unwrap(&kbpk(&m, true), block).unwrap_err(),
        Error::VerificationFailed
    );
    let b = "B0080P0TE00E000094B420079CC80BA3461F86FE26EFC4A3B8E4FA4C5F5341176EED7B727B8A248E";
    let a = "A0072P0TE00E0000F5161ED902807AF26F1D62263644BD24192FDB3193C730301CEE8701";
    let wrong = kbpk(&[0x11; 16], false);
    assert_eq!(
        tr31::unwrap(&wrong, b).unwrap_err(),
        Error::VerificationFailed
    );
    assert_eq!(
        unwrap_legacy(&wrong, a).unwrap_err(),
        Error::VerificationFailed
    );
}

#[test]
fn kbpk_usage_mode_and_algorithm_are_enforced() {
    use paycore::error::KeyError;
    let b = "B0080P0TE00E000094B420079CC80BA3461F86FE26EFC4A3B8E4FA4C5F5341176EED7B727B8A248E";
    let m = hex("DD7515F2BFC17F85CE48F3CA25CB21F6");
    let with =
        |usage, mode| Key::new(Algorithm::Tdes2, &m, KeyAttributes::new(usage, mode)).unwrap();
    assert_eq!(
        tr31::unwrap(&with(KeyUsage::PinEncryption, ModeOfUse::EncryptDecrypt), b).unwrap_err(),
        Error::Key(KeyError::UsageNotPermitted)
    );
    assert_eq!(
        tr31::unwrap(&with(KeyUsage::KeyBlockProtection, ModeOfUse::Encrypt), b).unwrap_err(),
        Error::Key(KeyError::ModeNotPermitted)
    );
    // K0 with decrypt-only mode may unwrap (documented).
    assert!(tr31::unwrap(&with(KeyUsage::KeyEncryption, ModeOfUse::Decrypt), b).is_ok());
    // An AES KBPK cannot open a TDES version, nor a TDES KBPK version D.
    assert_eq!(
        tr31::unwrap(&kbpk(&[1; 16], true), b).unwrap_err(),
        Error::Key(KeyError::WrongAlgorithm)
    );
    let d = "D0112P0AE00E0000B82679114F470F540165EDFBF7E250FCEA43F810D215F8D207E2E417C07156A27E8E31DA05F7425509593D03A457DC34";
    assert_eq!(
        tr31::unwrap(&kbpk(&[1; 24], false), d).unwrap_err(),
        Error::Key(KeyError::WrongAlgorithm)
    );
}

#[test]
fn unwrapped_key_usage_follows_the_header() {
    let d = "D0112P0AE00E0000B82679114F470F540165EDFBF7E250FCEA43F810D215F8D207E2E417C07156A27E8E31DA05F7425509593D03A457DC34";
    let k = kbpk(
        &hex("88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6"),
        true,
    );
    let key = tr31::unwrap(&k, d).unwrap().into_key();
    assert!(
        key.require(&[KeyUsage::PinEncryption], Operation::Encrypt)
            .is_ok()
    );
    assert!(
        key.require(&[KeyUsage::PinEncryption], Operation::Decrypt)
            .is_err()
    );
    assert!(
        key.require(&[KeyUsage::DataEncryption], Operation::Encrypt)
            .is_err()
    );
    assert_eq!(
        format!("{key:?}"),
        "Key { algorithm: Aes128, usage: PinEncryption, mode_of_use: Encrypt, .. }"
    );
}

#[test]
fn header_errors_name_field_and_offset() {
    use paycore::error::Tr31Error as T;
    let cases: &[(&str, Error)] = &[
        (
            "",
            T::InvalidHeaderField {
                field: "version",
                offset: 0,
            }
            .into(),
        ),
        ("F0016P0TE00N0000", T::UnsupportedVersion.into()),
        ("X0016P0TE00N0000", T::UnsupportedVersion.into()),
        (
            "B00X6P0TE00N0000",
            T::InvalidHeaderField {
                field: "key block length",
                offset: 1,
            }
            .into(),
        ),
        (
            "B0016P_TE00N0000",
            T::InvalidHeaderField {
                field: "key usage",
                offset: 5,
            }
            .into(),
        ),
        (
            "B0016P0QE00N0000",
            T::InvalidHeaderField {
                field: "algorithm",
                offset: 7,
            }
            .into(),
        ),
        (
            "B0016P0T_00N0000",
            T::InvalidHeaderField {
                field: "mode of use",
                offset: 8,
            }
            .into(),
        ),
        (
            "B0016P0TE0_N0000",
            T::InvalidHeaderField {
                field: "key version",
                offset: 9,
            }
            .into(),
        ),
        (
            "B0016P0TE00X0000",
            T::InvalidHeaderField {
                field: "exportability",
                offset: 11,
            }
            .into(),
        ),
        (
            "B0016P0TE00N0X00",
            T::InvalidHeaderField {
                field: "number of optional blocks",
                offset: 12,
            }
            .into(),
        ),
        (
            "B0016P0TE00N0001",
            T::InvalidHeaderField {
                field: "reserved",
                offset: 14,
            }
            .into(),
        ),
        (
            "B0016P0TE00N",
            T::InvalidHeaderField {
                field: "number of optional blocks",
                offset: 12,
            }
            .into(),
        ),
    ];
    for (input, want) in cases {
        assert_eq!(
            KeyBlockHeader::parse(input).unwrap_err(),
            *want,
            "{input:?}"
        );
    }
    assert_eq!(
        Error::from(T::InvalidHeaderField {
            field: "key usage",
            offset: 5
        })
        .to_string(),
        "TR-31: invalid header field key usage at offset 5"
    );
}

/// psec tests/test_tr31.py test_header_load_* and
/// test_header_block_load_exceptions (https://github.com/knovichikhin/psec).
#[test]
fn optional_block_parsing_psec_cases() {
    let ok: &[(&str, usize, &[(&str, &str)])] = &[
        (
            "B0000P0TE00N0100KS1800604B120F9292800000xxxxxxxx",
            40,
            &[("KS", "00604B120F9292800000")],
        ),
        (
            "B0000P0TE00N0200KS1200604B120F9292PB0600",
            40,
            &[("KS", "00604B120F9292"), ("PB", "00")],
        ),
        (
            "B0000P0TE00N0200KS00011600604B120F9292PB0A000000",
            48,
            &[("KS", "00604B120F9292"), ("PB", "000000")],
        ),
        (
            "B0000P0TE00N0400KS1800604B120F9292800000T104T20600PB0600",
            56,
            &[
                ("KS", "00604B120F9292800000"),
                ("T1", ""),
                ("T2", "00"),
                ("PB", "00"),
            ],
        ),
    ];
    for (input, len, blocks) in ok {
        let h = KeyBlockHeader::parse(input).unwrap();
        assert_eq!(h.len(), *len, "{input}");
        let got: Vec<(String, &str)> = h
            .optional_blocks()
            .map(|b| (b.id().to_string(), b.data()))
            .collect();
        let want: Vec<(String, &str)> = blocks.iter().map(|(a, b)| (a.to_string(), *b)).collect();
        assert_eq!(got, want, "{input}");
    }
    // X9.143-2022 form: length of length 04 counts characters (its own
    // §8.5/§8.6 samples, openemv/tr31); 03 likewise.
    let long = format!("D0000P0AE00N0200KS0004010A{}PB0600", "P".repeat(256));
    let h = KeyBlockHeader::parse(&long).unwrap();
    assert_eq!(h.len(), 288);
    assert_eq!(
        h.optional_block(OptionalBlockId::KS).unwrap(),
        "P".repeat(256)
    );
    let three = format!("D0000P0AE00N0200KS0003109{}PB07000", "P".repeat(256));
    let h = KeyBlockHeader::parse(&three).unwrap();
    assert_eq!(
        h.optional_block(OptionalBlockId::KS).unwrap(),
        "P".repeat(256)
    );
    assert_eq!(tr31::count_optional_blocks(&long[16..]).unwrap(), 2);
    // TR-31:2018 / psec form: 02 counts bytes (4 characters).
    let long = format!("B0000P0TE00N0200KS0002010A{}PB0600", "P".repeat(256));
    let h = KeyBlockHeader::parse(&long).unwrap();
    assert_eq!(h.len(), 288);
    assert_eq!(
        h.optional_block(OptionalBlockId::KS).unwrap(),
        "P".repeat(256)
    );

    for bad in [
        "B0000P0TE00N0100",
        "B0000P0TE00N0100K",
        "B0000P0TE00N0100KS",
        "B0000P0TE00N0100KS1",
        "B0000P0TE00N0100KS1Y",
        "B0000P0TE00N0100KS02",
        "B0000P0TE00N0100KS071",
        "B0000P0TE00N0100KS00",
        "B0000P0TE00N0100KS001",
        "B0000P0TE00N0100KS001S",
        "B0000P0TE00N0100KS0000",
        "B0000P0TE00N0100KS0001",
        "B0000P0TE00N0100KS00010",
        "B0000P0TE00N0100KS00010H",
        "B0000P0TE00N0100KS000101",
        "B0000P0TE00N0100KS0001FF",
        "B0000P0TE00N0200KS07000T",
        "B0000P0TE00N0200KS0600TT",
        "B0000P0TE00N0200KS050TT1",
        "B0000P0TE00N0200KS04TT1X",
        "B0000P0TE00N0200KS04TT03",
        "B0000P0TE00N0200KS04TT05",
        "B0000P0TE00N0200KS04TT0000",
        "B0000P0TE00N0200KS04TT00011F",
        "B0000P0TE00N0100**04",
        "B0000P0TE00N0200KS0600??04",
        "B0000P0TE00N0100KS05\u{3}",
        "B0000P0TE00N0200KS04TT05\u{7f}",
        // PB must be the last optional block.
        "B0000P0TE00N0200PB04KS04",
        // Lower-case hex length.
        "B0000P0TE00N0100KS0a000000",
        // Extended form: length of length 00 or above 04, overrun,
        // non-hex, shorter than its own prefix.
        "B0000P0TE00N0100KS0000PPPPPPPP",
        "B0000P0TE00N0100KS00050000A0PPPP",
        "B0000P0TE00N0100KS00040FFFPPPPPP",
        "B0000P0TE00N0100KS00040G10PPPPPP",
        "B0000P0TE00N0100KS00040009PPPPPP",
        "B0000P0TE00N0100KS0004000",
    ] {
        let err = KeyBlockHeader::parse(bad).expect_err(bad);
        assert_eq!(err.kind(), ErrorKind::Malformed, "{bad:?}: {err}");
    }
}

#[test]
fn limits() {
    use paycore::error::Tr31Error as T;
    let k = kbpk(&[1; 16], false);
    let huge = format!("B9999P0TE00N0000{}", "0".repeat(9984));
    assert_eq!(huge.len(), 10000);
    assert_eq!(
        tr31::unwrap(&k, &huge).unwrap_err(),
        Error::from(T::TooLong)
    );
    assert_eq!(Error::from(T::TooLong).kind(), ErrorKind::LimitExceeded);
    // A header that is not aligned to the cipher block (no PB).
    let unaligned = format!("D0088P0AE00N0100KS080000{}", "0".repeat(64));
    assert!(matches!(
        tr31::unwrap(&kbpk(&[1; 16], true), &unaligned),
        Err(Error::Tr31(T::HeaderNotAligned { length: 24 }))
    ));
}

fn tdes_key(usage: KeyUsage, mode: ModeOfUse, export: Exportability) -> Key {
    Key::new(
        Algorithm::Tdes2,
        &hex("3F419E1CB7079442AA37474C2EFBF8B8"),
        KeyAttributes::new(usage, mode).with_exportability(export),
    )
    .unwrap()
}

#[test]
fn wrap_refusals() {
    use paycore::error::{KeyError, Tr31Error as T};
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let mut out = [0u8; 512];
    let kb2 = kbpk(&[0x21; 16], false);
    let n = tdes_key(
        KeyUsage::PinEncryption,
        ModeOfUse::Encrypt,
        Exportability::NonExportable,
    );
    assert_eq!(
        tr31::wrap(&kb2, &n, Version::B, &[], &mut rng, &mut out),
        Err(Error::Key(KeyError::NotExportable))
    );
    // Stronger key than KBPK: 3TDEA under 2TDEA, AES-256 under AES-128.
    let k3 = Key::new(
        Algorithm::Tdes3,
        &[0x33; 24],
        KeyAttributes::new(KeyUsage::DataEncryption, ModeOfUse::EncryptDecrypt),
    )
    .unwrap();
    assert_eq!(
        tr31::wrap(&kb2, &k3, Version::B, &[], &mut rng, &mut out),
        Err(Error::Tr31(T::KbpkTooWeak))
    );
    let a256 = Key::new(
        Algorithm::Aes256,
        &[0x44; 32],
        KeyAttributes::new(KeyUsage::DataEncryption, ModeOfUse::EncryptDecrypt),
    )
    .unwrap();
    assert_eq!(
        tr31::wrap(
            &kbpk(&[5; 16], true),
            &a256,
            Version::D,
            &[],
            &mut rng,
            &mut out
        ),
        Err(Error::Tr31(T::KbpkTooWeak))
    );
    assert_eq!(Error::from(T::KbpkTooWeak).kind(), ErrorKind::Unsupported);
    // A and C are import-only.
    let e = tdes_key(
        KeyUsage::PinEncryption,
        ModeOfUse::Encrypt,
        Exportability::Exportable,
    );
    for v in [Version::A, Version::C] {
        assert_eq!(
            tr31::wrap(&kb2, &e, v, &[], &mut rng, &mut out),
            Err(Error::Tr31(T::UnsupportedVersion))
        );
    }
    // KBPK of the wrong family, usage or mode.
    assert_eq!(
        tr31::wrap(&kb2, &e, Version::D, &[], &mut rng, &mut out),
        Err(Error::Key(KeyError::WrongAlgorithm))
    );
    let decrypt_only = Key::new(
        Algorithm::Tdes2,
        &[0x21; 16],
        KeyAttributes::new(KeyUsage::KeyBlockProtection, ModeOfUse::Decrypt),
    )
    .unwrap();
    assert_eq!(
        tr31::wrap(&decrypt_only, &e, Version::B, &[], &mut rng, &mut out),
        Err(Error::Key(KeyError::ModeNotPermitted))
    );
    // Duplicate optional block IDs, small buffer, unaligned padding.
    let ks = OptionalBlock::new(OptionalBlockId::KS, "00604B120F9292800000").unwrap();
    assert!(matches!(
        tr31::wrap(&kb2, &e, Version::B, &[ks, ks], &mut rng, &mut out),
        Err(Error::Tr31(T::InvalidOptionalBlock { .. }))
    ));
    assert_eq!(
        tr31::wrap(&kb2, &e, Version::B, &[], &mut rng, &mut [0; 79]),
        Err(Error::buffer_too_small(80, 79))
    );
    assert_eq!(
        tr31::wrap_with_padding(&kb2, &e, Version::B, &[], &[0; 5], &mut out),
        Err(Error::invalid_argument("padding"))
    );
    // Too many optional blocks.
    let ids: Vec<String> = (0..100).map(|i| format!("{i:02}")).collect();
    let many: Vec<OptionalBlock<'_>> = ids
        .iter()
        .map(|id| {
            OptionalBlock::new(
                OptionalBlockId::new(id.as_bytes().try_into().unwrap()).unwrap(),
                "PPPP",
            )
            .unwrap()
        })
        .collect();
    assert!(tr31::wrap(&kb2, &e, Version::B, &many, &mut rng, &mut [0; 9999]).is_err());
    assert!(OptionalBlock::new(OptionalBlockId::KS, "bad\u{1}").is_err());
}

#[test]
fn wrap_sorts_blocks_and_pads_header() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let k = kbpk(&[0x5A; 32], true);
    let key = tdes_key(KeyUsage::Bdk, ModeOfUse::Derive, Exportability::Sensitive);
    let ts = OptionalBlock::new(OptionalBlockId::TS, "20260101120000Z").unwrap();
    let ks = OptionalBlock::new(OptionalBlockId::KS, "00604B120F9292800000").unwrap();
    let mut out = [0u8; 512];
    let n = tr31::wrap(&k, &key, Version::D, &[ts, ks], &mut rng, &mut out).unwrap();
    let block = core::str::from_utf8(&out[..n]).unwrap();
    assert_eq!(n, tr31::wrapped_len(Version::D, &key, &[ts, ks]).unwrap());
    assert!(
        block.starts_with("D0160B0TX00S0300KS1800604B120F9292800000TS1320260101120000ZPB050"),
        "{block}"
    );
    let h = KeyBlockHeader::parse(block).unwrap();
    assert_eq!(h.len() % 16, 0);
    assert!(
        block[h.len()..]
            .bytes()
            .all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(&c))
    );
    let back = tr31::unwrap(&k, block).unwrap();
    assert_eq!(
        back.header().optional_block(OptionalBlockId::TS),
        Some("20260101120000Z")
    );
}

#[cfg(feature = "alloc")]
#[test]
fn template_wrap_for_the_cli() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    let k = kbpk(
        &hex("88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6"),
        true,
    );
    let material = hex("3F419E1CB7079442AA37474C2EFBF8B8");
    let block = tr31::wrap_template(&k, &material, "D9999P0AE00E0000", &mut rng).unwrap();
    assert_eq!(&block[..16], "D0112P0AE00E0000");
    let back = tr31::unwrap(&k, &block).unwrap();
    assert_eq!(
        back.key().dangerous_expose_secret().unwrap(),
        material.as_slice()
    );
    // Template algorithm disagreeing with the key length.
    assert!(tr31::wrap_template(&k, &material[..8], "D0000P0AE00E0000", &mut rng).is_err());
    assert!(tr31::wrap_template(&k, &material, "D0000P0DE00E0000", &mut rng).is_err());
    // Template optional blocks are kept, its PB recomputed.
    let block = tr31::wrap_template(
        &k,
        &material,
        "D0000P0AE00E0200KS1800604B120F9292800000PB080000",
        &mut rng,
    )
    .unwrap();
    assert_eq!(
        &block[..48],
        "D0144P0AE00E0200KS1800604B120F9292800000PB080000"
    );
}

/// Security review M3: a template whose exportability (header position
/// 11) is `N` wraps (the sender holds the clear key) and the block unwraps
/// to a key marked `N`; `wrap` of a `Key` already marked `N` is still
/// refused, and so is re-wrapping the unwrapped key.
#[cfg(feature = "alloc")]
#[test]
fn template_wrap_with_non_exportable_header() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    for (kbpk_hex, aes, header) in [
        (
            "88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6",
            true,
            "D0000P0AN00N0000",
        ),
        (
            "DD7515F2BFC17F85CE48F3CA25CB21F6",
            false,
            "B0000P0TE00N0000",
        ),
    ] {
        let k = kbpk(&hex(kbpk_hex), aes);
        let material = hex("3F419E1CB7079442AA37474C2EFBF8B8");
        let block = tr31::wrap_template(&k, &material, header, &mut rng).unwrap();
        assert_eq!(block.as_bytes()[11], b'N', "{block}");
        assert_eq!(&block[5..16], &header[5..16]);
        let back = tr31::unwrap(&k, &block).unwrap();
        assert_eq!(back.header().exportability(), Exportability::NonExportable);
        let key = back.into_key();
        assert_eq!(key.attributes().exportability, Exportability::NonExportable);
        assert_eq!(
            key.dangerous_expose_secret().unwrap_err(),
            Error::Key(paycore::error::KeyError::NotExportable)
        );
        // The key material is the one wrapped (same KCV as a fresh copy).
        let fresh = Key::new(
            key.algorithm(),
            &material,
            KeyAttributes::new(KeyUsage::PinEncryption, ModeOfUse::NoRestrictions),
        )
        .unwrap();
        assert_eq!(
            Kcv::compute(&key, KcvMethod::Cmac, 5).unwrap().as_bytes(),
            Kcv::compute(&fresh, KcvMethod::Cmac, 5).unwrap().as_bytes()
        );
        // The receiver cannot wrap it onwards.
        let version = if aes { Version::D } else { Version::B };
        assert_eq!(
            tr31::wrap_to_string(&k, &key, version, &[], &mut rng).unwrap_err(),
            Error::Key(paycore::error::KeyError::NotExportable)
        );
    }
}

fn arb_blocks() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::btree_map("[A-O0-9][A-Z0-9]", "[ -~]{0,300}", 0..5)
        .prop_map(|m| m.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn wrap_unwrap_round_trip(
        d in any::<bool>(),
        e in any::<bool>(),
        kbpk_bytes in prop::collection::vec(any::<u8>(), 32),
        key_bytes in prop::collection::vec(any::<u8>(), 32),
        key_len_choice in 0usize..3,
        blocks in arb_blocks(),
        seed in any::<u64>(),
        usage in prop::sample::select(vec![KeyUsage::PinEncryption, KeyUsage::MacIso9797Alg3, KeyUsage::DataEncryption, KeyUsage::Bdk]),
        mode in prop::sample::select(vec![ModeOfUse::Encrypt, ModeOfUse::GenerateVerify, ModeOfUse::NoRestrictions, ModeOfUse::Derive]),
        export in prop::sample::select(vec![Exportability::Exportable, Exportability::Sensitive]),
    ) {
        let (version, kb, alg) = if d {
            let key_alg = [Algorithm::Aes128, Algorithm::Aes192, Algorithm::Aes256][key_len_choice];
            (if e { Version::E } else { Version::D }, kbpk(&kbpk_bytes, true), key_alg)
        } else {
            let key_alg = [Algorithm::Tdes2, Algorithm::Tdes3, Algorithm::Tdes2][key_len_choice];
            (Version::B, kbpk(&kbpk_bytes[..24], false), key_alg)
        };
        let key = Key::new(alg, &key_bytes[..alg.key_len()], KeyAttributes::new(usage, mode).with_exportability(export)).unwrap();
        let blocks: Vec<OptionalBlock<'_>> = blocks
            .iter()
            .filter(|(id, _)| id != "PB")
            .map(|(id, data)| OptionalBlock::new(OptionalBlockId::new(id.as_bytes().try_into().unwrap()).unwrap(), data).unwrap())
            .collect();
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let mut out = vec![0u8; 9999];
        let n = tr31::wrap(&kb, &key, version, &blocks, &mut rng, &mut out).unwrap();
        let block = core::str::from_utf8(&out[..n]).unwrap();
        let back = tr31::unwrap(&kb, block).unwrap();
        prop_assert_eq!(back.key().dangerous_expose_secret().unwrap(), &key_bytes[..alg.key_len()]);
        prop_assert_eq!(back.key().attributes(), key.attributes());
        prop_assert_eq!(back.key().algorithm(), alg);
        for b in &blocks {
            prop_assert_eq!(back.header().optional_block(b.id()), Some(b.data()));
        }
        // Sorted IDs.
        let ids: Vec<OptionalBlockId> = back.header().optional_blocks().map(|b| b.id()).filter(|i| *i != OptionalBlockId::PB).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        prop_assert_eq!(ids, sorted);
        // Re-wrap with the same header and padding: identical.
        let mut again = vec![0u8; 9999];
        let m = tr31::wrap_with_header(&kb, back.key(), back.header(), back.dangerous_padding(), &mut again).unwrap();
        prop_assert_eq!(&again[..m], block.as_bytes());
        // A flipped character anywhere in the key data or MAC is refused.
        let pos = back.header().len() + (usize::try_from(seed % 4096).unwrap() % (n - back.header().len()));
        let mut t = block.as_bytes().to_vec();
        t[pos] = if t[pos] == b'0' { b'1' } else { b'0' };
        prop_assert!(tr31::unwrap(&kb, core::str::from_utf8(&t).unwrap()).is_err());
    }
}

#[test]
fn error_messages_name_offsets_not_bytes() {
    let k = kbpk(&hex("DD7515F2BFC17F85CE48F3CA25CB21F6"), false);
    let good = "B0080P0TE00E000094B420079CC80BA3461F86FE26EFC4A3B8E4FA4C5F5341176EED7B727B8A248E";
    let mut bad = good.as_bytes().to_vec();
    bad[20] = b'G';
    let err = tr31::unwrap(&k, core::str::from_utf8(&bad).unwrap()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "TR-31: non-hexadecimal character in key data at offset 20"
    );
    let mut bad = good.as_bytes().to_vec();
    bad[70] = b'x';
    let err = tr31::unwrap(&k, core::str::from_utf8(&bad).unwrap()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "TR-31: non-hexadecimal character in authenticator at offset 70"
    );
    let err = KeyBlockHeader::parse("B0000P0TE00N0100KS1Y").unwrap_err();
    assert_eq!(
        err.to_string(),
        "TR-31: non-hexadecimal character in optional block length at offset 19"
    );
    let err = KeyBlockHeader::parse("B0000P0TE00N0100KS071").unwrap_err();
    assert_eq!(
        err.to_string(),
        "TR-31: invalid optional block at offset 16"
    );
    assert_eq!(
        tr31::unwrap(&k, &good.replace("B0080", "B0088"))
            .unwrap_err()
            .to_string(),
        "TR-31: block length does not match its header"
    );
    assert_eq!(Error::VerificationFailed.to_string(), "verification failed");
    assert!(OptionalBlock::new(OptionalBlockId::KS, &"P".repeat(10_000)).is_err());
}

/// A block carrying a key stronger than its KBPK is refused on import too
/// (X9.24-1 §7.2). Variant binding (version A) does not bind the KBPK
/// length, and 3TDEA with K3 = K1 is 2TDEA, so a 3TDEA key wrapped under
/// K1‖K2‖K1 verifies under the 2TDEA KBPK K1‖K2. The block below was made
/// with psec 1.3.0 `tr31.wrap(K1K2K1, "A0000D0TB00E0000", 6D*24)` (a
/// third-party tool, used only to build this rejection input).
#[test]
fn import_refuses_key_stronger_than_kbpk() {
    use paycore::error::Tr31Error as T;
    let block =
        "A0088D0TB00E0000EB38D78C8BFF794583E72E73CECDDC794A6416335587E161AE5E843B7EDC16B0B93C0C01";
    let two = hex("0123456789ABCDEFFEDCBA9876543210");
    let mut three = two.clone();
    three.extend_from_slice(&two[..8]);
    let back = unwrap_legacy(&kbpk(&three, false), block).unwrap();
    assert_eq!(back.key().dangerous_expose_secret().unwrap(), &[0x6D; 24]);
    assert_eq!(
        unwrap_legacy(&kbpk(&two, false), block).unwrap_err(),
        Error::from(T::KbpkTooWeak)
    );
    assert_eq!(Error::from(T::KbpkTooWeak).kind(), ErrorKind::Unsupported);
}

/// X9.143-2021 §8.5 (RSA) and §8.6 (EC P-256) samples from
/// tests/vectors/tr31.json `unwrap_private_key`: asymmetric private keys
/// (DER) with certificate blocks in the extended length form.
#[cfg(feature = "alloc")]
#[test]
fn published_private_key_vectors() {
    use paycore::error::{KeyError, Tr31Error as T};
    let v = vectors();
    let list = v["unwrap_private_key"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    for t in list {
        let id = s(&t["id"]);
        let block = s(&t["inputs"]["block"]);
        let e = &t["expected"];
        let k = kbpk_for(s(&t["inputs"]["kbpk"]), block);
        let out = tr31::unwrap_private_key(&k, block).unwrap_or_else(|err| panic!("{id}: {err}"));
        let h = out.header();
        assert_eq!(char::from(h.version().code()).to_string(), s(&e["version"]));
        assert_eq!(code2(h.key_usage().code()), s(&e["key_usage"]));
        assert_eq!(
            char::from(h.algorithm().code()).to_string(),
            s(&e["algorithm"])
        );
        assert_eq!(
            char::from(h.mode_of_use().code()).to_string(),
            s(&e["mode_of_use"])
        );
        assert_eq!(
            char::from(h.exportability().code()).to_string(),
            s(&e["exportability"])
        );
        let ids: Vec<String> = h.optional_blocks().map(|b| b.id().to_string()).collect();
        let want: Vec<String> = e["optional_block_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| s(i).to_string())
            .collect();
        assert_eq!(ids, want, "{id}");
        for (bid, data) in e["optional_blocks"].as_object().unwrap() {
            let bid = OptionalBlockId::new(bid.as_bytes().try_into().unwrap()).unwrap();
            assert_eq!(h.optional_block(bid), Some(s(data)), "{id}");
        }
        // The certificate block is long (extended length form).
        assert!(
            h.optional_block(OptionalBlockId::new(*b"CT").unwrap())
                .unwrap()
                .len()
                > 255
        );
        let der = hex(s(&e["der"]));
        assert_eq!(out.der_len(), der.len(), "{id}");
        // Marked N: the DER is not handed out.
        assert_eq!(
            out.dangerous_expose_der().unwrap_err(),
            Error::Key(KeyError::NotExportable)
        );
        let debug = format!("{out:?}");
        assert!(
            debug.starts_with("UnwrappedPrivateKey { header: KeyBlockHeader {")
                && debug.ends_with(" }, .. }")
                && !debug.contains(&s(&e["der"])[..40]),
            "{id}: Debug must show the header only"
        );
        // The symmetric unwrap refuses an asymmetric block.
        assert_eq!(
            tr31::unwrap(&k, block).unwrap_err(),
            Error::Tr31(T::UnsupportedAlgorithm),
            "{id}"
        );
        // Re-wrap the DER under the same header as exportable and check it
        // comes back byte for byte (exercises the extended-length writer).
        let header = h.as_str().replacen("S00N", "S00E", 1);
        let mut rng = rand::rngs::StdRng::seed_from_u64(5);
        let again = tr31::wrap_private_key(&k, &der, &header, &mut rng).unwrap();
        let back = tr31::unwrap_private_key(&k, &again).unwrap();
        assert_eq!(back.dangerous_expose_der().unwrap(), der.as_slice(), "{id}");
        assert_eq!(
            back.header()
                .optional_block(OptionalBlockId::new(*b"CT").unwrap()),
            h.optional_block(OptionalBlockId::new(*b"CT").unwrap())
        );
        assert!(
            again.contains("CT0004"),
            "{id}: X9.143 extended form written"
        );
        // Tamper with the key data and the MAC: refused.
        for pos in [h.len() + 3, block.len() - 1] {
            let mut b = block.as_bytes().to_vec();
            b[pos] = if b[pos] == b'0' { b'1' } else { b'0' };
            assert_eq!(
                tr31::unwrap_private_key(&k, core::str::from_utf8(&b).unwrap()).unwrap_err(),
                Error::VerificationFailed,
                "{id} at {pos}"
            );
        }
        match h.algorithm() {
            tr31::HeaderAlgorithm::EllipticCurve => {
                let signing = out.to_ecdsa_p256().unwrap();
                assert_eq!(
                    hex::encode_upper(signing.verifying_key().to_sec1_uncompressed()),
                    s(&e["p256_public_key"])
                );
                let sig = signing.sign(b"transaction").unwrap();
                signing
                    .verifying_key()
                    .verify(
                        b"transaction",
                        &sig,
                        paycore::sign::ecdsa::SPolicy::RejectHighS,
                    )
                    .unwrap();
            }
            _ => assert_eq!(
                out.to_ecdsa_p256().unwrap_err(),
                Error::Tr31(T::AlgorithmMismatch)
            ),
        }
    }
}

#[cfg(feature = "alloc")]
#[test]
fn private_key_rules() {
    use paycore::error::{KeyError, SignError, Tr31Error as T};
    let k = kbpk(&[0x21; 32], true);
    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    // A minimal P-256 ECPrivateKey (RFC 5915) without optional fields.
    let mut der = hex("30250201010420");
    der.extend_from_slice(&[0x11; 32]);
    for header in ["D0000S0ES00E0000", "E0000S0ES00E0000", "B0000S0ES00E0000"] {
        let kb = if header.starts_with('B') {
            kbpk(&[0x21; 24], false)
        } else {
            kbpk(&[0x21; 32], true)
        };
        let block = tr31::wrap_private_key(&kb, &der, header, &mut rng).unwrap();
        let back = tr31::unwrap_private_key(&kb, &block).unwrap();
        assert_eq!(back.dangerous_expose_der().unwrap(), der.as_slice());
        assert!(back.to_ecdsa_p256().is_ok());
    }
    // Usage / mode / algorithm rules.
    let block = tr31::wrap_private_key(&k, &der, "D0000S0EV00E0000", &mut rng).unwrap();
    assert_eq!(
        tr31::unwrap_private_key(&k, &block)
            .unwrap()
            .to_ecdsa_p256()
            .unwrap_err(),
        Error::Key(KeyError::ModeNotPermitted)
    );
    let block = tr31::wrap_private_key(&k, &der, "D0000S1ES00E0000", &mut rng).unwrap();
    assert_eq!(
        tr31::unwrap_private_key(&k, &block)
            .unwrap()
            .to_ecdsa_p256()
            .unwrap_err(),
        Error::Key(KeyError::UsageNotPermitted)
    );
    assert_eq!(
        tr31::wrap_private_key(&k, &der, "D0000P0AE00E0000", &mut rng).unwrap_err(),
        Error::Key(KeyError::UsageNotPermitted)
    );
    assert_eq!(
        tr31::wrap_private_key(&k, &der, "D0000S0AS00E0000", &mut rng).unwrap_err(),
        Error::Tr31(T::AlgorithmMismatch)
    );
    assert_eq!(
        tr31::wrap_private_key(&k, &der, "A0000S0ES00E0000", &mut rng).unwrap_err(),
        Error::Tr31(T::UnsupportedVersion)
    );
    // Not one DER SEQUENCE: refused on wrap.
    for bad in [
        &der[..20],
        &[0x04, 0x01, 0x00][..],
        &[der.as_slice(), &[0]].concat(),
    ] {
        assert_eq!(
            tr31::wrap_private_key(&k, bad, "D0000S0ES00E0000", &mut rng).unwrap_err(),
            Error::Tr31(T::InvalidKeyLength)
        );
    }
    // Wrong curve OID / scalar length: the conversion refuses.
    let mut other = hex("30310201010420");
    other.extend_from_slice(&[0x11; 32]);
    other.extend_from_slice(&hex("A00A06082A8648CE3D030108"));
    let block = tr31::wrap_private_key(&k, &other, "D0000S0ES00E0000", &mut rng).unwrap();
    assert_eq!(
        tr31::unwrap_private_key(&k, &block)
            .unwrap()
            .to_ecdsa_p256()
            .unwrap_err(),
        Error::Sign(SignError::MalformedKey)
    );
    // The asymmetric unwrap refuses a symmetric block before decrypting.
    let d = "D0112P0AE00E0000B82679114F470F540165EDFBF7E250FCEA43F810D215F8D207E2E417C07156A27E8E31DA05F7425509593D03A457DC34";
    assert_eq!(
        tr31::unwrap_private_key(&kbpk(&[1; 32], true), d).unwrap_err(),
        Error::Key(KeyError::UsageNotPermitted)
    );
    // Legacy versions follow the default policy here too.
    assert_eq!(
        tr31::unwrap_private_key(
            &kbpk(&[1; 16], false),
            "A0072P0TE00E0000F5161ED902807AF26F1D62263644BD24192FDB3193C730301CEE8701"
        )
        .unwrap_err(),
        Error::Tr31(T::LegacyVersionRefused)
    );
}

/// The writer uses the extended length form only when the short form
/// (at most 255 characters including ID and length) cannot hold the block.
#[test]
fn extended_length_only_when_needed() {
    let k = kbpk(&[0x5A; 32], true);
    let key = tdes_key(KeyUsage::Bdk, ModeOfUse::Derive, Exportability::Sensitive);
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    for (len, prefix) in [(251, "KSFF"), (252, "KS00040106")] {
        let data = "P".repeat(len);
        let ks = OptionalBlock::new(OptionalBlockId::KS, &data).unwrap();
        assert_eq!(ks.encoded_len(), len + prefix.len());
        let mut out = [0u8; 512];
        let n = tr31::wrap(&k, &key, Version::E, &[ks], &mut rng, &mut out).unwrap();
        let block = core::str::from_utf8(&out[..n]).unwrap();
        assert_eq!(&block[16..16 + prefix.len()], prefix, "{len}");
        let back = tr31::unwrap(&k, block).unwrap();
        assert_eq!(
            back.header().optional_block(OptionalBlockId::KS),
            Some(data.as_str())
        );
    }
}

#[cfg(feature = "alloc")]
proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Any DER SEQUENCE wraps and unwraps as a private key under B, D and
    /// E, and a flipped character is refused.
    #[test]
    fn private_key_round_trip(
        content in prop::collection::vec(any::<u8>(), 0..600),
        version in prop::sample::select(vec!['B', 'D', 'E']),
        algorithm in prop::sample::select(vec!['R', 'E', 'S']),
        seed in any::<u64>(),
    ) {
        let mut der = vec![0x30u8];
        match content.len() {
            0..=0x7F => der.push(u8::try_from(content.len()).unwrap()),
            0x80..=0xFF => der.extend_from_slice(&[0x81, u8::try_from(content.len()).unwrap()]),
            l => der.extend_from_slice(&[0x82, u8::try_from(l >> 8).unwrap(), u8::try_from(l & 0xFF).unwrap()]),
        }
        der.extend_from_slice(&content);
        let k = if version == 'B' { kbpk(&[0x3C; 24], false) } else { kbpk(&[0x3C; 32], true) };
        let header = format!("{version}0000S0{algorithm}S00E0000");
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let block = tr31::wrap_private_key(&k, &der, &header, &mut rng).unwrap();
        let back = tr31::unwrap_private_key(&k, &block).unwrap();
        prop_assert_eq!(back.dangerous_expose_der().unwrap(), der.as_slice());
        let pos = 16 + usize::try_from(seed % 4096).unwrap() % (block.len() - 16);
        let mut t = block.into_bytes();
        t[pos] = if t[pos] == b'0' { b'1' } else { b'0' };
        prop_assert!(tr31::unwrap_private_key(&k, core::str::from_utf8(&t).unwrap()).is_err());
    }
}
