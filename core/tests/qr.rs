//! Known-answer, rejection, rebuild and round-trip tests for `card::qr`,
//! reading the shared vectors in `tests/vectors/qr.json`.

// Test helpers outside #[test] fns may unwrap and panic on bad vectors.
#![allow(clippy::unwrap_used, clippy::panic, clippy::std_instead_of_core)]

use paycore::Error;
use paycore::card::qr::{Builder, DataObject, Payload, PointOfInitiation, crc16_ccitt_false};
use proptest::prelude::*;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct Vector {
    id: String,
    inputs: Inputs,
    expected: Expected,
    source: String,
}

#[derive(Deserialize)]
struct Inputs {
    payload: String,
}

#[derive(Deserialize)]
struct Expected {
    /// `None`: the structure itself is rejected (decode fails too).
    crc_valid: Option<bool>,
    /// `"ok"` or the Debug text of the strict-parse error.
    strict: String,
    /// For a decodable payload that breaks a strict rule: the error's
    /// Display text, as `paycore qr decode` prints it in
    /// `strict_error.message`.
    #[serde(default)]
    strict_message: Option<String>,
    #[serde(default)]
    values: BTreeMap<String, String>,
}

fn vectors() -> Vec<Vector> {
    serde_json::from_str(include_str!("../../tests/vectors/qr.json")).unwrap()
}

/// Follows a dotted ID path such as `62.50.01`.
fn lookup<'a>(payload: &Payload<'a>, path: &str) -> Option<&'a str> {
    let mut ids = path.split('.').map(|s| s.parse::<u8>().unwrap());
    let mut obj: DataObject<'a> = payload.get(ids.next()?)?;
    for id in ids {
        obj = obj.child(id)?;
    }
    Some(obj.value())
}

/// Rebuilds a payload from its parsed objects with the public builder.
fn rebuild(payload: &Payload<'_>, out: &mut [u8]) -> Result<String, Error> {
    fn add(b: &mut Builder<'_>, o: DataObject<'_>) -> Result<(), Error> {
        if o.is_template() {
            b.begin_template(o.id())?;
            for c in o.children() {
                add(b, c)?;
            }
            b.end_template()?;
        } else {
            b.primitive(o.id(), o.value())?;
        }
        Ok(())
    }
    let mut b = Builder::new(out);
    for o in payload.fields().filter(|o| o.id() != 63) {
        add(&mut b, o)?;
    }
    b.finish().map(str::to_owned)
}

#[test]
fn published_vectors() {
    let vectors = vectors();
    assert!(vectors.len() >= 25);
    for v in &vectors {
        let ctx = format!("vector {} ({})", v.id, v.source);
        let text = v.inputs.payload.as_str();
        let decoded = Payload::decode(text);
        match (&decoded, v.expected.crc_valid) {
            (Ok(p), Some(crc)) => assert_eq!(p.crc_valid(), crc, "{ctx}"),
            (Err(e), None) => assert_eq!(format!("{e:?}"), v.expected.strict, "{ctx}"),
            (d, _) => panic!("{ctx}: decode gave {d:?}"),
        }
        let strict = Payload::parse(text);
        match &strict {
            Ok(_) => assert_eq!(v.expected.strict, "ok", "{ctx}"),
            Err(e) => assert_eq!(format!("{e:?}"), v.expected.strict, "{ctx}"),
        }
        if let Ok(p) = decoded {
            // The verdict on a decoded payload is exactly the strict parse's.
            let verdict = p.check_strict();
            assert_eq!(verdict.err(), strict.as_ref().err().copied(), "{ctx}");
            assert_eq!(
                verdict.err().map(|e| e.to_string()),
                v.expected.strict_message,
                "{ctx}: strict_message"
            );
            for (path, want) in &v.expected.values {
                assert_eq!(lookup(&p, path), Some(want.as_str()), "{ctx}: {path}");
            }
        }
        if let Ok(p) = strict {
            assert!(p.crc_valid(), "{ctx}");
            let mut buf = [0u8; 2048];
            assert_eq!(rebuild(&p, &mut buf).unwrap(), text, "{ctx}: rebuild");
        }
    }
}

#[test]
fn typed_accessors_on_the_emvco_example() {
    let v = vectors();
    let text = &v
        .iter()
        .find(|v| v.id == "emvco-mpm-example")
        .unwrap()
        .inputs
        .payload;
    let p = Payload::parse(text).unwrap();
    assert_eq!(p.point_of_initiation(), Some(PointOfInitiation::Dynamic));
    assert_eq!(p.merchant_category_code(), Some("4111"));
    assert_eq!(p.currency(), Some("156"));
    assert_eq!(p.amount(), Some("23.72"));
    assert_eq!(p.country_code(), Some("CN"));
    assert_eq!(p.merchant_name(), Some("BEST TRANSPORT"));
    assert_eq!(p.merchant_city(), Some("BEIJING"));
    assert_eq!(p.as_str(), text);
    let ids: Vec<u8> = p.fields().map(|o| o.id()).collect();
    assert_eq!(
        ids,
        [0, 1, 29, 31, 52, 58, 59, 60, 64, 54, 53, 55, 62, 91, 63]
    );
    // A primitive has no children; 64 is a template.
    assert_eq!(p.get(59).unwrap().children().count(), 0);
    assert!(p.get(64).unwrap().is_template());
    assert_eq!(
        crc16_ccitt_false(&text.as_bytes()[..text.len() - 4]),
        0xA13A
    );
}

#[cfg(feature = "alloc")]
#[test]
fn build_string_matches_buffer_builder() {
    let s = paycore::card::qr::build_string(|b| {
        b.primitive(0, "01")?.primitive(1, "11")?;
        b.begin_template(26)?
            .primitive(0, "com.example")?
            .end_template()?;
        for (id, v) in [
            (52, "5812"),
            (53, "702"),
            (58, "SG"),
            (59, "SHOP"),
            (60, "SINGAPORE"),
        ] {
            b.primitive(id, v)?;
        }
        Ok(())
    })
    .unwrap();
    let p = Payload::parse(&s).unwrap();
    assert_eq!(p.point_of_initiation(), Some(PointOfInitiation::Static));
    assert_eq!(lookup(&p, "26.00"), Some("com.example"));
}

prop_compose! {
    fn ans(max: usize)(s in proptest::string::string_regex(&format!("[A-Za-z0-9 .*/-]{{1,{max}}}")).unwrap()) -> String { s }
}

proptest! {
    #[test]
    fn build_then_parse(
        dynamic in any::<bool>(),
        gui in ans(32),
        account in proptest::collection::btree_map(1u8..100, ans(20), 0..3),
        mcc in "[0-9]{4}",
        currency in "[0-9]{3}",
        amount in proptest::option::of("[0-9]{1,7}(\\.[0-9]{2})?"),
        country in "[A-Z]{2}",
        name in ans(25),
        city in ans(15),
        bill in proptest::option::of(ans(25)),
        unicode_name in proptest::option::of("[\\p{Han}]{1,10}"),
    ) {
        let mut buf = [0u8; 2048];
        let mut b = Builder::new(&mut buf);
        b.primitive(0, "01").unwrap();
        b.primitive(1, if dynamic { "12" } else { "11" }).unwrap();
        b.begin_template(26).unwrap();
        b.primitive(0, &gui).unwrap();
        for (id, v) in &account {
            b.primitive(*id, v).unwrap();
        }
        b.end_template().unwrap();
        b.primitive(52, &mcc).unwrap();
        b.primitive(53, &currency).unwrap();
        if let Some(a) = &amount {
            b.primitive(54, a).unwrap();
        }
        b.primitive(58, &country).unwrap();
        b.primitive(59, &name).unwrap();
        b.primitive(60, &city).unwrap();
        if let Some(bill) = &bill {
            b.begin_template(62).unwrap();
            b.primitive(1, bill).unwrap();
            b.begin_template(50).unwrap();
            b.primitive(0, "X").unwrap();
            b.end_template().unwrap();
            b.end_template().unwrap();
        }
        if let Some(u) = &unicode_name {
            b.begin_template(64).unwrap();
            b.primitive(0, "ZH").unwrap();
            b.primitive(1, u).unwrap();
            b.end_template().unwrap();
        }
        let text = b.finish().unwrap().to_owned();
        let p = Payload::parse(&text).unwrap();
        prop_assert_eq!(lookup(&p, "26.00"), Some(gui.as_str()));
        for (id, v) in &account {
            prop_assert_eq!(p.get(26).unwrap().child(*id).map(|c| c.value()), Some(v.as_str()));
        }
        prop_assert_eq!(p.merchant_name(), Some(name.as_str()));
        prop_assert_eq!(p.merchant_city(), Some(city.as_str()));
        prop_assert_eq!(p.amount(), amount.as_deref());
        prop_assert_eq!(lookup(&p, "62.01"), bill.as_deref());
        prop_assert_eq!(lookup(&p, "64.01"), unicode_name.as_deref());
        let mut again = [0u8; 2048];
        prop_assert_eq!(rebuild(&p, &mut again).unwrap(), text.clone());
        // Any single-character change is rejected or detected by the CRC.
        let mut bytes = text.clone().into_bytes();
        let i = bytes.len() / 2;
        if bytes[i].is_ascii_alphanumeric() {
            bytes[i] = if bytes[i] == b'7' { b'8' } else { b'7' };
            if let Ok(s) = std::str::from_utf8(&bytes) {
                prop_assert!(Payload::parse(s).is_err());
            }
        }
    }
}
