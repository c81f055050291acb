//! Known-answer, rejection and round-trip tests for `card::track`, reading
//! the shared vectors in `tests/vectors/track.json` (each with its source).

// Test helpers outside #[test] fns may unwrap and panic on bad vectors.
#![allow(clippy::unwrap_used, clippy::panic, clippy::std_instead_of_core)]

use paycore::Error;
use paycore::card::pan::Pan;
use paycore::card::track::{Expiry, ServiceCode, Track1, Track2, TrackEncoding};
use proptest::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Vector {
    id: String,
    inputs: Inputs,
    expected: Expected,
    source: String,
}

#[derive(Deserialize)]
struct Inputs {
    kind: String,
    data: String,
}

#[derive(Deserialize)]
struct Expected {
    #[serde(default)]
    pan: Option<String>,
    #[serde(default)]
    expiry: Option<String>,
    #[serde(default)]
    service_code: Option<String>,
    #[serde(default)]
    discretionary: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

fn vectors() -> Vec<Vector> {
    serde_json::from_str(include_str!("../../tests/vectors/track.json")).unwrap()
}

fn yymm(e: Option<Expiry>) -> Option<String> {
    e.map(|e| format!("{:02}{:02}", e.year, e.month))
}

/// Parsed fields in a comparable form (test-only; exposes card data).
#[derive(Debug, PartialEq)]
struct Fields {
    pan: String,
    expiry: Option<String>,
    service_code: Option<String>,
    discretionary: String,
    name: Option<String>,
}

fn fields2(t: &Track2) -> Fields {
    Fields {
        // EXPOSE: test comparison against published vectors.
        pan: t.pan().expose_secret().to_owned(),
        expiry: yymm(t.expiry()),
        service_code: t.service_code().map(|s| s.as_str().to_owned()),
        // EXPOSE: test comparison.
        discretionary: t.expose_discretionary().to_owned(),
        name: None,
    }
}

fn fields1(t: &Track1) -> Fields {
    Fields {
        // EXPOSE: test comparison against published vectors.
        pan: t.pan().expose_secret().to_owned(),
        expiry: yymm(t.expiry()),
        service_code: t.service_code().map(|s| s.as_str().to_owned()),
        // EXPOSE: test comparison.
        discretionary: t.expose_discretionary().to_owned(),
        // EXPOSE: test comparison.
        name: Some(t.expose_name().to_owned()),
    }
}

/// The framing the input had, to re-encode it the same way.
fn framing(data: &str, start: char) -> TrackEncoding {
    let sentinels = data.starts_with(start);
    TrackEncoding {
        sentinels,
        lrc: sentinels && !data.ends_with('?'),
    }
}

enum Parsed {
    One(Track1),
    Two(Track2),
}

fn parse(v: &Vector) -> Result<Parsed, Error> {
    match v.inputs.kind.as_str() {
        "track1" => Track1::parse(&v.inputs.data).map(Parsed::One),
        "track2" => Track2::parse(&v.inputs.data).map(Parsed::Two),
        "tag57" => Track2::from_tag57(&hex::decode(&v.inputs.data).unwrap()).map(Parsed::Two),
        other => panic!("unknown kind {other}"),
    }
}

#[test]
fn published_vectors() {
    let vectors = vectors();
    assert!(vectors.len() >= 30);
    for v in &vectors {
        let ctx = format!("vector {} ({})", v.id, v.source);
        let result = parse(v);
        if let Some(err) = &v.expected.error {
            let e = result.err().unwrap_or_else(|| panic!("{ctx}: accepted"));
            assert_eq!(&format!("{e:?}"), err, "{ctx}");
            // Errors never carry card data.
            assert!(!e.to_string().contains("5266"), "{ctx}");
            continue;
        }
        let parsed = result.unwrap_or_else(|e| panic!("{ctx}: {e}"));
        let want = Fields {
            pan: v.expected.pan.clone().unwrap(),
            expiry: v.expected.expiry.clone(),
            service_code: v.expected.service_code.clone(),
            discretionary: v.expected.discretionary.clone().unwrap(),
            name: v.expected.name.clone(),
        };
        let mut out = [0u8; 80];
        match parsed {
            Parsed::One(t) => {
                assert_eq!(fields1(&t), want, "{ctx}");
                let n = t.encode(framing(&v.inputs.data, '%'), &mut out).unwrap();
                assert_eq!(&out[..n], v.inputs.data.as_bytes(), "{ctx}: re-encode");
            }
            Parsed::Two(t) => {
                assert_eq!(fields2(&t), want, "{ctx}");
                if v.inputs.kind == "tag57" {
                    let n = t.to_tag57(&mut out).unwrap();
                    assert_eq!(hex::encode_upper(&out[..n]), v.inputs.data, "{ctx}");
                } else {
                    let n = t.encode(framing(&v.inputs.data, ';'), &mut out).unwrap();
                    let canonical = v.inputs.data.replace('D', "=");
                    assert_eq!(&out[..n], canonical.as_bytes(), "{ctx}: re-encode");
                }
            }
        }
    }
}

#[test]
fn name_parts_and_service_code_meaning() {
    let t = Track1::parse("%B4012002000060016^VI TEST CREDIT^251210118039000000000396?").unwrap();
    // EXPOSE: test of the name accessor.
    assert_eq!(t.expose_name_parts(), ("VI TEST CREDIT", None));
    let t = Track1::parse(
        "%B5266092201416174^FATEHI/SUALEH^16042010000000000000000000000000000567001000?",
    )
    .unwrap();
    // EXPOSE: test of the name accessor.
    assert_eq!(t.expose_name_parts(), ("FATEHI", Some("SUALEH")));
    let sc = t.service_code().unwrap();
    assert!(sc.requires_chip());
    assert!(!sc.pin_required());
    assert_eq!(sc.allowed_services().description(), "no restrictions");
}

#[test]
fn tag57_from_track2_text() {
    // The same card as the globalpayments visaEmvTrack tag 57 value.
    let t = Track2::parse("4761739001010119=22122011143804400000").unwrap();
    let mut out = [0u8; 19];
    let n = t.to_tag57(&mut out).unwrap();
    assert_eq!(
        hex::encode_upper(&out[..n]),
        "4761739001010119D22122011143804400000F"
    );
}

#[test]
fn builders_reject_bad_fields() {
    let pan = Pan::parse_lenient("5266092201416174").unwrap();
    let sc = ServiceCode::from_ascii(b"201").ok();
    let exp = Expiry::new(16, 4).ok();
    assert!(Track2::new(&pan, exp, sc, b"12A").is_err());
    assert!(Track2::new(&pan, exp, sc, &[b'1'; 30]).is_err()); // too long
    assert!(Track1::new(&pan, "A", exp, sc, b"").is_err());
    assert!(Track1::new(&pan, "AB^CD", exp, sc, b"").is_err());
    assert!(Track1::new(&pan, "FATEHI/SUALEH", exp, sc, b"a").is_err());
    assert!(Track1::new(&pan, "FATEHI/SUALEH", exp, sc, b"12?").is_err());
    assert!(Track1::new(&pan, "FATEHI/SUALEH", exp, sc, &[b'0'; 60]).is_err());
}

fn name_strategy() -> impl Strategy<Value = String> {
    "[A-Z][A-Z /.]{1,25}"
}

proptest! {
    #[test]
    fn track2_round_trip(
        pan in "[0-9]{12,19}",
        exp in proptest::option::of((0u8..100, 1u8..13)),
        sc in proptest::option::of("[0-9]{3}"),
        disc in "[0-9]{0,12}",
        enc in 0usize..3,
    ) {
        // Keep within the 37 data characters of track 2.
        let mut disc = disc;
        disc.truncate(37 - (pan.len() + 1 + 4 + 3));
        let pan = Pan::parse_lenient(&pan).unwrap();
        let exp = exp.map(|(y, m)| Expiry::new(y, m).unwrap());
        let sc = sc.map(|s| ServiceCode::from_ascii(s.as_bytes()).unwrap());
        let t = Track2::new(&pan, exp, sc, disc.as_bytes()).unwrap();
        let enc = [TrackEncoding::BARE, TrackEncoding::SENTINELS, TrackEncoding::FULL][enc];
        let mut out = [0u8; 40];
        let n = t.encode(enc, &mut out).unwrap();
        let back = Track2::from_ascii(&out[..n]).unwrap();
        prop_assert_eq!(fields2(&back), fields2(&t));
        prop_assert_eq!(back.pan().expose_secret(), pan.expose_secret());
        prop_assert_eq!(back.expiry(), exp);
        prop_assert_eq!(back.service_code(), sc);
        prop_assert_eq!(back.expose_discretionary(), disc.as_str());
        let mut tag = [0u8; 19];
        let m = t.to_tag57(&mut tag).unwrap();
        let from_tag = Track2::from_tag57(&tag[..m]).unwrap();
        prop_assert_eq!(fields2(&from_tag), fields2(&t));
    }

    #[test]
    fn track1_round_trip(
        pan in "[0-9]{12,19}",
        name in name_strategy(),
        exp in proptest::option::of((0u8..100, 1u8..13)),
        sc in proptest::option::of("[0-9]{3}"),
        disc in "[0-9A-Z /]{0,20}",
        enc in 0usize..3,
    ) {
        let pan = Pan::parse_lenient(&pan).unwrap();
        let exp = exp.map(|(y, m)| Expiry::new(y, m).unwrap());
        let sc = sc.map(|s| ServiceCode::from_ascii(s.as_bytes()).unwrap());
        let t = Track1::new(&pan, &name, exp, sc, disc.as_bytes()).unwrap();
        let enc = [TrackEncoding::BARE, TrackEncoding::SENTINELS, TrackEncoding::FULL][enc];
        let mut out = [0u8; 79];
        let n = t.encode(enc, &mut out).unwrap();
        let back = Track1::from_ascii(&out[..n]).unwrap();
        prop_assert_eq!(fields1(&back), fields1(&t));
        prop_assert_eq!(back.expose_name(), name.as_str());
        prop_assert_eq!(back.expose_discretionary(), disc.as_str());
        // Any change to a data character is caught by the LRC.
        if enc.lrc {
            let mut tampered = out;
            tampered[3] = if tampered[3] == b'1' { b'2' } else { b'1' };
            prop_assert!(Track1::from_ascii(&tampered[..n]).is_err());
        }
    }
}
