//! ISO 9564-1 PIN blocks: published known-answer vectors
//! (tests/vectors/pin.json, each with its source), rejection rules, key
//! checks, translation rules and proptest round trips.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use paycore::card::pan::Pan;
use paycore::error::{ApiMisuse, KeyError, PinBlockError};
use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
use paycore::pin::{
    self, ClearPinBlock, EncipheredPinBlock, Fill, Pin, PinBlockFormat, PinBlockPan,
    translation_permitted,
};
use paycore::{Error, ErrorKind};
use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::{OsRng, StdRng};
use serde_json::Value;
use subtle::ConstantTimeEq;

const VECTORS: &str = include_str!("../../tests/vectors/pin.json");

const ALL: [PinBlockFormat; 5] = [
    PinBlockFormat::Iso0,
    PinBlockFormat::Iso1,
    PinBlockFormat::Iso2,
    PinBlockFormat::Iso3,
    PinBlockFormat::Iso4,
];

fn format(v: &Value) -> PinBlockFormat {
    PinBlockFormat::from_code(u8::try_from(v.as_u64().unwrap()).unwrap()).unwrap()
}

fn pan_of(inputs: &Value) -> Option<PinBlockPan> {
    inputs
        .get("pan")
        .map(|p| PinBlockPan::parse(p.as_str().unwrap()).unwrap())
}

fn algorithm(name: &str) -> Algorithm {
    match name {
        "tdes2" => Algorithm::Tdes2,
        "tdes3" => Algorithm::Tdes3,
        "aes128" => Algorithm::Aes128,
        "aes192" => Algorithm::Aes192,
        "aes256" => Algorithm::Aes256,
        other => panic!("unknown algorithm {other}"),
    }
}

fn pin_key(alg: Algorithm, material: &[u8], mode: ModeOfUse) -> Key {
    Key::new(
        alg,
        material,
        KeyAttributes::new(KeyUsage::PinEncryption, mode),
    )
    .unwrap()
}

fn key_of(inputs: &Value) -> Key {
    pin_key(
        algorithm(inputs["key_algorithm"].as_str().unwrap()),
        &hex::decode(inputs["key"].as_str().unwrap()).unwrap(),
        ModeOfUse::EncryptDecrypt,
    )
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("missing {k}"))
}

fn fill_hex(fill: &Fill) -> String {
    fill.as_nibbles().iter().map(|n| format!("{n:X}")).collect()
}

fn pin_block_error(name: &str) -> PinBlockError {
    match name {
        "InvalidControl" => PinBlockError::InvalidControl,
        "InvalidLength" => PinBlockError::InvalidLength,
        "InvalidPinLength" => PinBlockError::InvalidPinLength,
        "InvalidPinDigit" => PinBlockError::InvalidPinDigit,
        "InvalidFill" => PinBlockError::InvalidFill,
        "Undecodable" => PinBlockError::Undecodable,
        other => panic!("unknown error {other}"),
    }
}

/// Every vector of tests/vectors/pin.json, dispatched on its kind; a failure
/// names the index and id.
#[test]
fn published_vectors() {
    let doc: Value = serde_json::from_str(VECTORS).unwrap();
    let vectors = doc["vectors"].as_array().unwrap();
    assert!(vectors.len() > 60);
    let mut per_kind = std::collections::BTreeMap::<&str, usize>::new();
    for (i, v) in vectors.iter().enumerate() {
        let id = s(v, "id");
        assert!(!s(v, "source").is_empty(), "#{i} {id}: no source");
        let kind = s(v, "kind");
        *per_kind.entry(kind).or_default() += 1;
        let inputs = &v["inputs"];
        let expected = &v["expected"];
        let fmt = format(&inputs["format"]);
        let pan = pan_of(inputs);
        let ctx = format!("#{i} {id}");
        match kind {
            "encode" => {
                let pin = Pin::new(s(inputs, "pin")).unwrap();
                let fill = Fill::from_hex(s(inputs, "fill")).unwrap();
                let block = ClearPinBlock::encode_with_fill(fmt, &pin, pan.as_ref(), &fill)
                    .unwrap_or_else(|e| panic!("{ctx}: {e}"));
                // EXPOSE: test compares the clear block with the published one.
                assert_eq!(
                    hex::encode_upper(block.expose_secret()),
                    s(expected, "clear_block"),
                    "{ctx}"
                );
            }
            "encode_prefix" => {
                let pin = Pin::new(s(inputs, "pin")).unwrap();
                for _ in 0..8 {
                    let block = ClearPinBlock::encode(fmt, &pin, pan.as_ref(), &mut OsRng).unwrap();
                    // EXPOSE: test compares the clear block with the published prefix.
                    let got = hex::encode_upper(block.expose_secret());
                    assert!(got.starts_with(s(expected, "clear_block_prefix")), "{ctx}");
                    assert_eq!(
                        block.decode(pan.as_ref()).unwrap().expose_secret(),
                        s(inputs, "pin"),
                        "{ctx}"
                    );
                }
            }
            "decode" => {
                let bytes = hex::decode(s(inputs, "clear_block")).unwrap();
                let block = ClearPinBlock::from_bytes(fmt, &bytes).unwrap();
                let (pin, fill) = block
                    .decode_with_fill(pan.as_ref())
                    .unwrap_or_else(|e| panic!("{ctx}: {e}"));
                assert_eq!(pin.expose_secret(), s(expected, "pin"), "{ctx}");
                assert_eq!(fill_hex(&fill), s(expected, "fill"), "{ctx}");
            }
            "encipher" => {
                let key = key_of(inputs);
                let pin = Pin::new(s(inputs, "pin")).unwrap();
                let fill = Fill::from_hex(s(inputs, "fill")).unwrap();
                let clear = ClearPinBlock::encode_with_fill(fmt, &pin, pan.as_ref(), &fill)
                    .unwrap_or_else(|e| panic!("{ctx}: {e}"));
                // EXPOSE: test compares the clear block with the published one.
                assert_eq!(
                    hex::encode_upper(clear.expose_secret()),
                    s(expected, "clear_block"),
                    "{ctx}"
                );
                let enc = pin::encipher(&key, &clear, pan.as_ref())
                    .unwrap_or_else(|e| panic!("{ctx}: {e}"));
                assert_eq!(
                    hex::encode_upper(enc.as_bytes()),
                    s(expected, "enciphered_block"),
                    "{ctx}"
                );
                let back = pin::decipher_pin(&key, fmt, &enc, pan.as_ref()).unwrap();
                assert!(bool::from(back.ct_eq(&pin)), "{ctx}");
            }
            "decipher" => {
                let key = key_of(inputs);
                let enc = EncipheredPinBlock::from_bytes(
                    &hex::decode(s(inputs, "enciphered_block")).unwrap(),
                )
                .unwrap();
                let pin = pin::decipher_pin(&key, fmt, &enc, pan.as_ref())
                    .unwrap_or_else(|e| panic!("{ctx}: {e}"));
                assert_eq!(pin.expose_secret(), s(expected, "pin"), "{ctx}");
            }
            "reject_decode" => {
                let want = Error::PinBlock(pin_block_error(s(expected, "error")));
                let bytes = hex::decode(s(inputs, "clear_block")).unwrap();
                let got = ClearPinBlock::from_bytes(fmt, &bytes)
                    .and_then(|b| b.decode(pan.as_ref()))
                    .map(|_| ())
                    .unwrap_err();
                assert_eq!(got, want, "{ctx}");
                assert_eq!(got.kind().as_str(), s(expected, "kind"), "{ctx}");
            }
            "reject_decipher" => {
                let want = Error::PinBlock(pin_block_error(s(expected, "error")));
                let key = key_of(inputs);
                let enc = EncipheredPinBlock::from_bytes(
                    &hex::decode(s(inputs, "enciphered_block")).unwrap(),
                )
                .unwrap();
                let got = pin::decipher(&key, fmt, &enc, pan.as_ref()).unwrap_err();
                assert_eq!(got, want, "{ctx}");
                assert_eq!(got.kind().as_str(), s(expected, "kind"), "{ctx}");
            }
            other => panic!("{ctx}: unknown kind {other}"),
        }
    }
    // Every kind is exercised, so a renamed kind cannot silently skip vectors.
    for kind in [
        "encode",
        "encode_prefix",
        "decode",
        "encipher",
        "decipher",
        "reject_decode",
        "reject_decipher",
    ] {
        assert!(per_kind.get(kind).copied().unwrap_or(0) > 0, "{kind}");
    }
}

/// Three-key TDES with K3 = K1 is two-key TDES, so the X9.24-1 Annex A.4.2
/// vector (KSN ...E00001) must also hold under the equivalent 3TDEA key.
#[test]
fn tdes3_key_equivalent_to_published_tdes2_vector() {
    let k = hex::decode("042666B49184CF5C68DE9628D0397B36").unwrap();
    let mut k3 = k.clone();
    k3.extend_from_slice(&k[..8]);
    let key = pin_key(Algorithm::Tdes3, &k3, ModeOfUse::EncryptDecrypt);
    let pan = Pan::parse("4012345678909").unwrap();
    let pin = Pin::new("1234").unwrap();
    let clear =
        ClearPinBlock::encode_with_fill(PinBlockFormat::Iso0, &pin, Some(&pan), &Fill::NONE)
            .unwrap();
    let enc = pin::encipher(&key, &clear, Some(&pan)).unwrap();
    assert_eq!(hex::encode_upper(enc.as_bytes()), "1B9C1845EB993A7A");
}

fn tdes_key() -> Key {
    pin_key(
        Algorithm::Tdes2,
        &hex::decode("042666B49184CF5C68DE9628D0397B36").unwrap(),
        ModeOfUse::EncryptDecrypt,
    )
}

fn aes_key() -> Key {
    pin_key(
        Algorithm::Aes128,
        &hex::decode("AF8CB133A78F8DC2D1359F18527593FB").unwrap(),
        ModeOfUse::EncryptDecrypt,
    )
}

fn key_for(format: PinBlockFormat) -> Key {
    if format == PinBlockFormat::Iso4 {
        aes_key()
    } else {
        tdes_key()
    }
}

#[test]
fn mac_key_is_refused() {
    let mac = Key::new(
        Algorithm::Tdes2,
        &[0x11; 16],
        KeyAttributes::new(KeyUsage::MacIso9797Alg3, ModeOfUse::GenerateVerify),
    )
    .unwrap();
    let pan = Pan::parse("4012345678909").unwrap();
    let pin = Pin::new("1234").unwrap();
    let clear = ClearPinBlock::encode(PinBlockFormat::Iso0, &pin, Some(&pan), &mut OsRng).unwrap();
    let want = Error::Key(KeyError::UsageNotPermitted);
    assert_eq!(pin::encipher(&mac, &clear, Some(&pan)).unwrap_err(), want);
    let enc = EncipheredPinBlock::from_bytes(&[0; 8]).unwrap();
    assert_eq!(
        pin::decipher(&mac, PinBlockFormat::Iso0, &enc, Some(&pan)).unwrap_err(),
        want
    );
    assert_eq!(
        pin::encipher_pin(&mac, PinBlockFormat::Iso0, &pin, Some(&pan), &mut OsRng).unwrap_err(),
        want
    );
    // A MAC key with an AES algorithm still fails on usage first.
    let aes_mac = Key::new(
        Algorithm::Aes128,
        &[0x11; 16],
        KeyAttributes::new(KeyUsage::MacCmac, ModeOfUse::GenerateVerify),
    )
    .unwrap();
    assert_eq!(
        pin::encipher(&aes_mac, &clear, Some(&pan)).unwrap_err(),
        want
    );
    assert_eq!(want.kind(), ErrorKind::KeyUsage);
}

#[test]
fn mode_of_use_is_enforced() {
    let material = hex::decode("042666B49184CF5C68DE9628D0397B36").unwrap();
    let enc_only = pin_key(Algorithm::Tdes2, &material, ModeOfUse::Encrypt);
    let dec_only = pin_key(Algorithm::Tdes2, &material, ModeOfUse::Decrypt);
    let pan = Pan::parse("4012345678909").unwrap();
    let pin = Pin::new("1234").unwrap();
    let block = pin::encipher_pin(
        &enc_only,
        PinBlockFormat::Iso0,
        &pin,
        Some(&pan),
        &mut OsRng,
    )
    .unwrap();
    assert_eq!(
        pin::decipher(&enc_only, PinBlockFormat::Iso0, &block, Some(&pan)).unwrap_err(),
        Error::Key(KeyError::ModeNotPermitted)
    );
    let back = pin::decipher_pin(&dec_only, PinBlockFormat::Iso0, &block, Some(&pan)).unwrap();
    assert_eq!(back.expose_secret(), "1234");
    assert_eq!(
        pin::encipher_pin(
            &dec_only,
            PinBlockFormat::Iso0,
            &pin,
            Some(&pan),
            &mut OsRng
        )
        .unwrap_err(),
        Error::Key(KeyError::ModeNotPermitted)
    );
}

#[test]
fn wrong_algorithm_is_refused() {
    let pan = Pan::parse("4111111111111111").unwrap();
    let pin = Pin::new("1234").unwrap();
    let wrong = Error::Key(KeyError::WrongAlgorithm);
    // AES key with formats 0, 1, 3.
    for f in [
        PinBlockFormat::Iso0,
        PinBlockFormat::Iso1,
        PinBlockFormat::Iso3,
    ] {
        let clear = ClearPinBlock::encode(f, &pin, Some(&pan), &mut OsRng).unwrap();
        assert_eq!(
            pin::encipher(&aes_key(), &clear, Some(&pan)).unwrap_err(),
            wrong
        );
        let enc = EncipheredPinBlock::from_bytes(&[0; 8]).unwrap();
        assert_eq!(
            pin::decipher(&aes_key(), f, &enc, Some(&pan)).unwrap_err(),
            wrong
        );
    }
    // TDES keys (2- and 3-key) with format 4.
    let clear = ClearPinBlock::encode(PinBlockFormat::Iso4, &pin, None, &mut OsRng).unwrap();
    let tdes3 = pin_key(Algorithm::Tdes3, &[0x5A; 24], ModeOfUse::EncryptDecrypt);
    for key in [tdes_key(), tdes3] {
        assert_eq!(pin::encipher(&key, &clear, Some(&pan)).unwrap_err(), wrong);
        let enc = EncipheredPinBlock::from_bytes(&[0; 16]).unwrap();
        assert_eq!(
            pin::decipher(&key, PinBlockFormat::Iso4, &enc, Some(&pan)).unwrap_err(),
            wrong
        );
    }
    // AES-192 and AES-256 are accepted for format 4.
    for (alg, len) in [(Algorithm::Aes192, 24), (Algorithm::Aes256, 32)] {
        let key = pin_key(alg, &vec![0x3C; len], ModeOfUse::EncryptDecrypt);
        let enc = pin::encipher(&key, &clear, Some(&pan)).unwrap();
        let back = pin::decipher_pin(&key, PinBlockFormat::Iso4, &enc, Some(&pan)).unwrap();
        assert_eq!(back.expose_secret(), "1234");
    }
}

#[test]
fn format2_is_never_enciphered() {
    let pin = Pin::new("1234").unwrap();
    let clear = ClearPinBlock::encode(PinBlockFormat::Iso2, &pin, None, &mut OsRng).unwrap();
    let want = Error::PinBlock(PinBlockError::FormatNotPermitted);
    assert_eq!(pin::encipher(&tdes_key(), &clear, None).unwrap_err(), want);
    assert_eq!(pin::encipher(&aes_key(), &clear, None).unwrap_err(), want);
    let enc = EncipheredPinBlock::from_bytes(&[0; 8]).unwrap();
    assert_eq!(
        pin::decipher(&tdes_key(), PinBlockFormat::Iso2, &enc, None).unwrap_err(),
        want
    );
    assert_eq!(want.kind(), ErrorKind::Unsupported);
}

#[test]
fn translation_rules() {
    use PinBlockFormat::*;
    let allowed = [
        (Iso0, Iso0),
        (Iso0, Iso3),
        (Iso0, Iso4),
        (Iso1, Iso0),
        (Iso1, Iso1),
        (Iso1, Iso3),
        (Iso1, Iso4),
        (Iso3, Iso0),
        (Iso3, Iso3),
        (Iso3, Iso4),
        (Iso4, Iso0),
        (Iso4, Iso3),
        (Iso4, Iso4),
    ];
    let pan = Pan::parse("4111111111111111").unwrap();
    let pin = Pin::new("98765432").unwrap();
    for from in ALL {
        for to in ALL {
            let permitted = allowed.contains(&(from, to));
            assert_eq!(
                translation_permitted(from, to),
                permitted,
                "{from:?}->{to:?}"
            );
            let source = if from == Iso2 {
                EncipheredPinBlock::from_bytes(&[0; 8]).unwrap()
            } else {
                pin::encipher_pin(&key_for(from), from, &pin, Some(&pan), &mut OsRng).unwrap()
            };
            let result = pin::translate(
                &key_for(from),
                from,
                &source,
                &key_for(to),
                to,
                Some(&pan),
                &mut OsRng,
            );
            if permitted {
                let out = result.unwrap_or_else(|e| panic!("{from:?}->{to:?}: {e}"));
                assert_eq!(out.len(), to.block_len());
                let back = pin::decipher_pin(&key_for(to), to, &out, Some(&pan)).unwrap();
                assert!(bool::from(back.ct_eq(&pin)), "{from:?}->{to:?}");
            } else {
                assert_eq!(
                    result.unwrap_err(),
                    Error::PinBlock(PinBlockError::ForbiddenTranslation),
                    "{from:?}->{to:?}"
                );
            }
        }
    }
}

/// Format 0 TDES (X9.24-1 Annex A.4.2) to format 4 AES: the PIN survives and
/// the output deciphers under the new key and PAN only.
#[test]
fn translate_published_tdes_block_to_format4() {
    let pan = Pan::parse("4012345678909").unwrap();
    let enc = EncipheredPinBlock::from_bytes(&hex::decode("1B9C1845EB993A7A").unwrap()).unwrap();
    let out = pin::translate(
        &tdes_key(),
        PinBlockFormat::Iso0,
        &enc,
        &aes_key(),
        PinBlockFormat::Iso4,
        Some(&pan),
        &mut OsRng,
    )
    .unwrap();
    let back = pin::decipher_pin(&aes_key(), PinBlockFormat::Iso4, &out, Some(&pan)).unwrap();
    assert_eq!(back.expose_secret(), "1234");
    // Key checks happen even for a permitted translation.
    let mac = Key::new(
        Algorithm::Aes128,
        &[1; 16],
        KeyAttributes::new(KeyUsage::MacCmac, ModeOfUse::GenerateVerify),
    )
    .unwrap();
    assert_eq!(
        pin::translate(
            &tdes_key(),
            PinBlockFormat::Iso0,
            &enc,
            &mac,
            PinBlockFormat::Iso4,
            Some(&pan),
            &mut OsRng
        )
        .unwrap_err(),
        Error::Key(KeyError::UsageNotPermitted)
    );
    // Translating with the wrong source key fails to decode.
    let wrong = pin_key(Algorithm::Tdes2, &[0x77; 16], ModeOfUse::EncryptDecrypt);
    let err = pin::translate(
        &wrong,
        PinBlockFormat::Iso0,
        &enc,
        &aes_key(),
        PinBlockFormat::Iso4,
        Some(&pan),
        &mut OsRng,
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidPin);
}

#[test]
fn wrong_pan_is_detected_in_these_cases() {
    // X9.24-3 format 4 block under another PAN.
    let key = aes_key();
    let enc =
        EncipheredPinBlock::from_bytes(&hex::decode("A912150391AB65A67E52883D81CE2D15").unwrap())
            .unwrap();
    let right = Pan::parse("4111111111111111").unwrap();
    let wrong = Pan::parse("4111111111111129").unwrap();
    assert!(pin::decipher(&key, PinBlockFormat::Iso4, &enc, Some(&right)).is_ok());
    let err = pin::decipher(&key, PinBlockFormat::Iso4, &enc, Some(&wrong)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidPin);
    // psec format 0 block (PAN 5555555551234567) under the X9.24-1 PAN.
    let clear = ClearPinBlock::from_bytes(
        PinBlockFormat::Iso0,
        &hex::decode("041261AAAAEDCBA9").unwrap(),
    )
    .unwrap();
    let other = Pan::parse("4012345678909").unwrap();
    assert_eq!(
        clear.decode(Some(&other)).unwrap_err().kind(),
        ErrorKind::InvalidPin
    );
}

#[test]
fn pan_is_required_for_bound_formats() {
    let pin = Pin::new("1234").unwrap();
    let req = Error::PinBlock(PinBlockError::PanRequired);
    for f in [PinBlockFormat::Iso0, PinBlockFormat::Iso3] {
        assert_eq!(
            ClearPinBlock::encode(f, &pin, None, &mut OsRng).unwrap_err(),
            req
        );
    }
    let pan = Pan::parse("4012345678909").unwrap();
    let clear = ClearPinBlock::encode(PinBlockFormat::Iso0, &pin, Some(&pan), &mut OsRng).unwrap();
    assert_eq!(clear.decode(None).unwrap_err(), req);
    assert_eq!(pin::encipher(&tdes_key(), &clear, None).unwrap_err(), req);
    let clear4 = ClearPinBlock::encode(PinBlockFormat::Iso4, &pin, None, &mut OsRng).unwrap();
    assert_eq!(pin::encipher(&aes_key(), &clear4, None).unwrap_err(), req);
    let enc = EncipheredPinBlock::from_bytes(&[0; 16]).unwrap();
    assert_eq!(
        pin::decipher(&aes_key(), PinBlockFormat::Iso4, &enc, None).unwrap_err(),
        req
    );
}

#[test]
fn malformed_clear_block_is_not_enciphered() {
    let pan = Pan::parse("4012345678909").unwrap();
    // X9.24-1 clear block 041274EDCBA9876F with its last nibble changed: bad fill.
    let bad = ClearPinBlock::from_bytes(
        PinBlockFormat::Iso0,
        &hex::decode("041274EDCBA98760").unwrap(),
    )
    .unwrap();
    assert_eq!(
        pin::encipher(&tdes_key(), &bad, Some(&pan)).unwrap_err(),
        Error::PinBlock(PinBlockError::InvalidFill)
    );
}

#[test]
fn block_length_and_format_mismatch() {
    let pan = Pan::parse("4111111111111111").unwrap();
    assert_eq!(
        EncipheredPinBlock::from_bytes(&[0; 12]).unwrap_err(),
        Error::PinBlock(PinBlockError::InvalidLength)
    );
    let short = EncipheredPinBlock::from_bytes(&[0; 8]).unwrap();
    assert_eq!(
        pin::decipher(&aes_key(), PinBlockFormat::Iso4, &short, Some(&pan)).unwrap_err(),
        Error::PinBlock(PinBlockError::InvalidLength)
    );
    // A format 3 block deciphered as format 0 fails (on the control field,
    // reported opaquely after decipherment).
    let pin = Pin::new("1234").unwrap();
    let enc = pin::encipher_pin(
        &tdes_key(),
        PinBlockFormat::Iso3,
        &pin,
        Some(&pan),
        &mut OsRng,
    )
    .unwrap();
    assert_eq!(
        pin::decipher(&tdes_key(), PinBlockFormat::Iso0, &enc, Some(&pan)).unwrap_err(),
        Error::PinBlock(PinBlockError::Undecodable)
    );
    assert_eq!(
        ClearPinBlock::from_bytes(
            PinBlockFormat::Iso1,
            &hex::decode("041234FFFFFFFFFF").unwrap()
        )
        .unwrap_err(),
        Error::PinBlock(PinBlockError::InvalidControl)
    );
}

#[test]
fn fill_rules() {
    let pin = Pin::new("1234").unwrap();
    let pan = Pan::parse("4012345678909").unwrap();
    let bad_arg = Error::ApiMisuse(ApiMisuse::InvalidArgument { name: "fill" });
    // Wrong number of nibbles.
    for (f, fill) in [
        (PinBlockFormat::Iso0, "F"),
        (PinBlockFormat::Iso2, "F"),
        (PinBlockFormat::Iso1, "FFFFFFFFF"),
        (PinBlockFormat::Iso3, "AAAAAAAAAAA"),
        (PinBlockFormat::Iso4, "00"),
    ] {
        let fill = Fill::from_hex(fill).unwrap();
        assert_eq!(
            ClearPinBlock::encode_with_fill(f, &pin, Some(&pan), &fill).unwrap_err(),
            bad_arg,
            "{f:?}"
        );
    }
    // Format 3 fill must be A-F.
    let fill = Fill::from_hex("AAAAAAAAA9").unwrap();
    assert_eq!(
        ClearPinBlock::encode_with_fill(PinBlockFormat::Iso3, &pin, Some(&pan), &fill).unwrap_err(),
        Error::PinBlock(PinBlockError::InvalidFill)
    );
    // Format 1 fill may be any nibble.
    let fill = Fill::from_hex("0123456789").unwrap();
    let b = ClearPinBlock::encode_with_fill(PinBlockFormat::Iso1, &pin, None, &fill).unwrap();
    assert_eq!(fill_hex(&b.decode_with_fill(None).unwrap().1), "0123456789");
}

#[test]
fn fresh_fill_differs_between_blocks() {
    let pin = Pin::new("1234").unwrap();
    let pan = Pan::parse("4012345678909").unwrap();
    for f in [
        PinBlockFormat::Iso1,
        PinBlockFormat::Iso3,
        PinBlockFormat::Iso4,
    ] {
        let a = pin::encipher_pin(&key_for(f), f, &pin, Some(&pan), &mut OsRng).unwrap();
        let b = pin::encipher_pin(&key_for(f), f, &pin, Some(&pan), &mut OsRng).unwrap();
        assert_ne!(a, b, "{f:?}");
    }
}

#[test]
fn redacted_debug_and_error_text() {
    let enc = EncipheredPinBlock::from_bytes(&hex::decode("1B9C1845EB993A7A").unwrap()).unwrap();
    assert_eq!(format!("{enc:?}"), "EncipheredPinBlock(1B9C1845EB993A7A)");
    let pin = Pin::new("987654").unwrap();
    assert_eq!(format!("{pin:?}"), "Pin { .. }");
    let pan = Pan::parse("4012345678909").unwrap();
    let clear = ClearPinBlock::encode(PinBlockFormat::Iso3, &pin, Some(&pan), &mut OsRng).unwrap();
    assert_eq!(format!("{clear:?}"), "ClearPinBlock { format: Iso3, .. }");
    for e in [
        PinBlockError::InvalidPin,
        PinBlockError::InvalidControl,
        PinBlockError::InvalidPinLength,
        PinBlockError::InvalidPinDigit,
        PinBlockError::InvalidFill,
        PinBlockError::PanMismatch,
        PinBlockError::PanRequired,
        PinBlockError::InvalidLength,
        PinBlockError::ForbiddenTranslation,
        PinBlockError::FormatNotPermitted,
        PinBlockError::Undecodable,
    ] {
        let text = Error::PinBlock(e).to_string();
        assert!(text.starts_with("PIN block: "), "{text}");
        // Static messages: no PIN or PAN digit can appear in them.
        assert!(
            !text.contains("987654") && !text.contains("4012345678909"),
            "{text}"
        );
    }
    assert_eq!(
        Error::PinBlock(PinBlockError::FormatNotPermitted).to_string(),
        "PIN block: format not permitted for this operation"
    );
}

/// H3: after decipherment every decode failure is the one opaque
/// `Undecodable`, so a host substituting PANs learns no more than
/// success/failure (formats 0 and 3: the PAN is XORed into the PIN field).
#[test]
fn decipher_errors_are_opaque_under_pan_substitution() {
    let pan = Pan::parse("4012345678909").unwrap();
    let pin = Pin::new("1234").unwrap();
    let mut seen_failure = 0;
    for f in [PinBlockFormat::Iso0, PinBlockFormat::Iso3] {
        let enc = pin::encipher_pin(&tdes_key(), f, &pin, Some(&pan), &mut OsRng).unwrap();
        // Substitute PANs differing in one digit of the 12 bound digits:
        // some make a PIN nibble a non-digit, some the fill or length wrong.
        for digit in 0..10u8 {
            for pos in 3..12 {
                let mut s: Vec<u8> = b"4012345678909".to_vec();
                s[pos] = b'0' + digit;
                let other = Pan::parse_lenient(core::str::from_utf8(&s).unwrap()).unwrap();
                for result in [
                    pin::decipher(&tdes_key(), f, &enc, Some(&other)).map(|_| ()),
                    pin::decipher_pin(&tdes_key(), f, &enc, Some(&other)).map(|_| ()),
                    pin::translate(
                        &tdes_key(),
                        f,
                        &enc,
                        &tdes_key(),
                        PinBlockFormat::Iso0,
                        Some(&other),
                        &mut OsRng,
                    )
                    .map(|_| ()),
                ] {
                    if let Err(e) = result {
                        assert_eq!(e, Error::PinBlock(PinBlockError::Undecodable), "{f:?}");
                        assert_eq!(e.kind(), ErrorKind::InvalidPin);
                        seen_failure += 1;
                    }
                }
            }
        }
    }
    assert!(seen_failure > 0);
    // A wrong key on format 4 gives the same error.
    let pan = Pan::parse("4111111111111111").unwrap();
    let enc = pin::encipher_pin(
        &aes_key(),
        PinBlockFormat::Iso4,
        &pin,
        Some(&pan),
        &mut OsRng,
    )
    .unwrap();
    let other_key = pin_key(
        Algorithm::Aes128,
        &hex::decode("2B7E151628AED2A6ABF7158809CF4F3C").unwrap(),
        ModeOfUse::EncryptDecrypt,
    );
    assert_eq!(
        pin::decipher(&other_key, PinBlockFormat::Iso4, &enc, Some(&pan)).unwrap_err(),
        Error::PinBlock(PinBlockError::Undecodable)
    );
    // The clear-block calculator keeps its precise errors.
    let bad = ClearPinBlock::from_bytes(
        PinBlockFormat::Iso0,
        &hex::decode("041274EDCBA98760").unwrap(),
    )
    .unwrap();
    assert_eq!(
        bad.decode(Some(&Pan::parse("4012345678909").unwrap()))
            .unwrap_err(),
        Error::PinBlock(PinBlockError::InvalidFill)
    );
    assert_eq!(
        Error::PinBlock(PinBlockError::Undecodable).to_string(),
        "PIN block: PIN block does not decode under this key and PAN"
    );
}

/// ISO 9564-1 takes PANs of 1-19 digits; empty, non-digit and 20-digit
/// PANs are refused, and a card `Pan` still needs 12-19 digits.
#[test]
fn pin_block_pan_lengths() {
    use paycore::error::PanError;
    for len in 1..=19 {
        let digits = "1234567890123456789"[..len].to_string();
        let pan = PinBlockPan::parse(&digits).unwrap();
        assert_eq!(pan.len(), len);
        assert_eq!(
            format!("{pan:?}"),
            format!("PinBlockPan {{ len: {len}, .. }}")
        );
        assert_eq!(Pan::parse_lenient(&digits).is_ok(), len >= 12, "{len}");
    }
    assert_eq!(
        PinBlockPan::parse("").unwrap_err(),
        Error::Pan(PanError::InvalidLength { length: 0 })
    );
    assert_eq!(
        PinBlockPan::parse("12345678901234567890").unwrap_err(),
        Error::Pan(PanError::InvalidLength { length: 20 })
    );
    assert_eq!(
        PinBlockPan::parse("12a4").unwrap_err(),
        Error::Pan(PanError::NonDigit { position: 2 })
    );
    assert!(PinBlockPan::from_ascii(b" 123").is_err());
    // A card PAN is accepted as it is (it dereferences to a PinBlockPan),
    // and gives the same block as the same digits taken as a PinBlockPan.
    let pin = Pin::new("1234").unwrap();
    let card = Pan::parse("4012345678909").unwrap();
    let short = PinBlockPan::parse("4012345678909").unwrap();
    let a = ClearPinBlock::encode_with_fill(PinBlockFormat::Iso0, &pin, Some(&card), &Fill::NONE)
        .unwrap();
    let b = ClearPinBlock::encode_with_fill(PinBlockFormat::Iso0, &pin, Some(&short), &Fill::NONE)
        .unwrap();
    assert!(bool::from(a.ct_eq(&b)));
    // A short PAN binds the PIN: another short PAN does not decode to it.
    let nine = PinBlockPan::parse("123456789").unwrap();
    let other = PinBlockPan::parse("123456780").unwrap();
    let key = Key::new(
        Algorithm::Aes128,
        &[0x2B; 16],
        KeyAttributes::new(KeyUsage::PinEncryption, ModeOfUse::EncryptDecrypt),
    )
    .unwrap();
    let enc = pin::encipher_pin(&key, PinBlockFormat::Iso4, &pin, Some(&nine), &mut OsRng).unwrap();
    assert_eq!(
        pin::decipher_pin(&key, PinBlockFormat::Iso4, &enc, Some(&nine))
            .unwrap()
            .expose_secret(),
        "1234"
    );
    assert_eq!(
        pin::decipher_pin(&key, PinBlockFormat::Iso4, &enc, Some(&other)).unwrap_err(),
        Error::PinBlock(PinBlockError::Undecodable)
    );
}

fn pan_strategy() -> impl Strategy<Value = String> {
    // ISO 9564-1 takes PANs of 1-19 digits (shorter than 12: zero-padded).
    proptest::collection::vec(0u8..10, 1..=19)
        .prop_map(|d| d.into_iter().map(|x| char::from(b'0' + x)).collect())
}

fn pin_strategy() -> impl Strategy<Value = String> {
    proptest::collection::vec(0u8..10, 4..=12)
        .prop_map(|d| d.into_iter().map(|x| char::from(b'0' + x)).collect())
}

proptest! {
    /// Every format, every PIN length 4-12 (10-12 included: the length
    /// nibble is hex A-C) and PAN length 1-19: encode/decode, fill
    /// round trip, and (except format 2) encipher/decipher.
    #[test]
    fn round_trip(pin in pin_strategy(), pan in pan_strategy(), code in 0u8..5, seed: u64) {
        let format = PinBlockFormat::from_code(code).unwrap();
        let pan = PinBlockPan::parse(&pan).unwrap();
        let pin = Pin::new(&pin).unwrap();
        let mut rng = StdRng::seed_from_u64(seed);
        let clear = ClearPinBlock::encode(format, &pin, Some(&pan), &mut rng).unwrap();
        prop_assert_eq!(clear.len(), format.block_len());
        let (back, fill) = clear.decode_with_fill(Some(&pan)).unwrap();
        prop_assert_eq!(back.expose_secret(), pin.expose_secret());
        let again = ClearPinBlock::encode_with_fill(format, &pin, Some(&pan), &fill).unwrap();
        prop_assert!(bool::from(again.ct_eq(&clear)));
        // EXPOSE: the test re-parses the clear bytes.
        let reparsed = ClearPinBlock::from_bytes(format, clear.expose_secret()).unwrap();
        let decoded = reparsed.decode(Some(&pan)).unwrap();
        prop_assert_eq!(decoded.expose_secret(), pin.expose_secret());
        if format != PinBlockFormat::Iso2 {
            let key = key_for(format);
            let enc = pin::encipher(&key, &clear, Some(&pan)).unwrap();
            prop_assert_eq!(enc.len(), format.block_len());
            let dec = pin::decipher(&key, format, &enc, Some(&pan)).unwrap();
            prop_assert!(bool::from(dec.ct_eq(&clear)));
        }
    }

    /// Translation keeps the PIN for every permitted pair.
    #[test]
    fn translate_round_trip(pin in pin_strategy(), pan in pan_strategy(), from in 0u8..5, to in 0u8..5, seed: u64) {
        let from = PinBlockFormat::from_code(from).unwrap();
        let to = PinBlockFormat::from_code(to).unwrap();
        prop_assume!(translation_permitted(from, to));
        let pan = PinBlockPan::parse(&pan).unwrap();
        let pin = Pin::new(&pin).unwrap();
        let mut rng = StdRng::seed_from_u64(seed);
        let enc = pin::encipher_pin(&key_for(from), from, &pin, Some(&pan), &mut rng).unwrap();
        let out = pin::translate(&key_for(from), from, &enc, &key_for(to), to, Some(&pan), &mut rng).unwrap();
        let back = pin::decipher_pin(&key_for(to), to, &out, Some(&pan)).unwrap();
        prop_assert!(bool::from(back.ct_eq(&pin)));
    }

    /// Arbitrary blocks never panic; whatever decodes re-encodes to itself.
    #[test]
    fn arbitrary_blocks(bytes in proptest::collection::vec(any::<u8>(), 16), pan in pan_strategy(), code in 0u8..5) {
        let format = PinBlockFormat::from_code(code).unwrap();
        let pan = PinBlockPan::parse(&pan).unwrap();
        let bytes = &bytes[..format.block_len()];
        if let Ok(block) = ClearPinBlock::from_bytes(format, bytes) {
            if let Ok((pin, fill)) = block.decode_with_fill(Some(&pan)) {
                let again = ClearPinBlock::encode_with_fill(format, &pin, Some(&pan), &fill).unwrap();
                // EXPOSE: the test compares clear bytes.
                prop_assert_eq!(again.expose_secret(), bytes);
            }
        }
    }
}
