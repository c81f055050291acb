//! DOL known-answer and rejection tests (EMV 4.4 Book 3 §5.4).
//! Vectors: tests/vectors/dol.json, each with its source.

// Test crate: helpers outside #[test] fns may unwrap and panic too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use paycore::card::dol::{Dol, ValueSource};
use paycore::card::tlv::Tag;
use paycore::error::TlvError;
use paycore::{Error, ErrorKind};
use proptest::prelude::*;
use serde_json::Value;

const VECTORS: &str = include_str!("../../tests/vectors/dol.json");

fn vectors() -> Value {
    serde_json::from_str(VECTORS).expect("dol.json parses")
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).expect("hex")
}

#[test]
fn parse_vectors() {
    let v = vectors();
    for (i, case) in v["parse"].as_array().unwrap().iter().enumerate() {
        let id = case["id"].as_str().unwrap();
        let data = unhex(case["inputs"]["hex"].as_str().unwrap());
        let dol = Dol::parse(&data).unwrap_or_else(|e| panic!("vector {i} ({id}): {e}"));
        let expected = case["expected"]["entries"].as_array().unwrap();
        assert_eq!(dol.len(), expected.len(), "vector {i} ({id})");
        for (entry, want) in dol.entries().zip(expected) {
            assert_eq!(entry.tag().to_string(), want["tag"], "vector {i} ({id})");
            assert_eq!(entry.length() as u64, want["length"], "vector {i} ({id})");
        }
        assert_eq!(
            dol.total_len() as u64,
            case["expected"]["total_len"],
            "vector {i} ({id})"
        );
    }
}

#[test]
fn build_vectors() {
    let v = vectors();
    for (i, case) in v["build"].as_array().unwrap().iter().enumerate() {
        let id = case["id"].as_str().unwrap();
        let dol_bytes = unhex(case["inputs"]["dol"].as_str().unwrap());
        let values: Vec<(Tag, Vec<u8>)> = case["inputs"]["values"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| {
                (
                    Tag::from_bytes(&unhex(k)).unwrap(),
                    unhex(v.as_str().unwrap()),
                )
            })
            .collect();
        let expected = unhex(case["expected"]["hex"].as_str().unwrap());
        let dol = Dol::parse(&dol_bytes).unwrap();
        assert_eq!(dol.total_len(), expected.len(), "vector {i} ({id})");

        // Closure source.
        let mut out = vec![0xAA; expected.len()];
        let n = dol
            .build(&mut out, |tag| {
                values
                    .iter()
                    .find(|(t, _)| *t == tag)
                    .map(|(_, v)| v.as_slice())
            })
            .unwrap();
        assert_eq!(n, expected.len(), "vector {i} ({id})");
        assert_eq!(out, expected, "vector {i} ({id})");

        // Slice source.
        let pairs: Vec<(Tag, &[u8])> = values.iter().map(|(t, v)| (*t, v.as_slice())).collect();
        let mut out2 = vec![0x55; expected.len()];
        dol.build_from(pairs.as_slice(), &mut out2).unwrap();
        assert_eq!(out2, expected, "vector {i} ({id})");
        assert_eq!(
            pairs.as_slice().value(Tag::new(0xDF7F)),
            None,
            "vector {i} ({id})"
        );

        // Vec output.
        #[cfg(feature = "alloc")]
        let out3 = dol
            .build_to_vec(|tag| pairs.iter().find(|(t, _)| *t == tag).map(|(_, v)| *v))
            .unwrap();
        #[cfg(feature = "alloc")]
        assert_eq!(out3, expected, "vector {i} ({id})");

        // One byte short: BufferTooSmall, buffer untouched.
        if !expected.is_empty() {
            let mut short = vec![0x77; expected.len() - 1];
            let err = dol.build(&mut short, |_| None).unwrap_err();
            assert_eq!(
                err,
                Error::buffer_too_small(expected.len(), expected.len() - 1)
            );
            assert!(short.iter().all(|b| *b == 0x77));
        }
    }
}

#[test]
fn reject_vectors() {
    let v = vectors();
    for (i, case) in v["reject"].as_array().unwrap().iter().enumerate() {
        let id = case["id"].as_str().unwrap();
        let data = unhex(case["inputs"]["hex"].as_str().unwrap());
        let err = Dol::parse(&data).expect_err(&format!("vector {i} ({id})"));
        let (kind, offset) = match err {
            Error::Tlv(TlvError::Truncated { offset }) => ("Truncated", offset),
            Error::Tlv(TlvError::TagTooLong { offset }) => ("TagTooLong", offset),
            Error::Tlv(TlvError::Dol { offset }) => ("Dol", offset),
            other => panic!("vector {i} ({id}): unexpected {other:?}"),
        };
        assert_eq!(kind, case["expected"]["error"], "vector {i} ({id})");
        assert_eq!(
            offset as u64, case["expected"]["offset"],
            "vector {i} ({id})"
        );
        assert_eq!(err.kind(), ErrorKind::Malformed);
    }
}

#[test]
fn unknown_primitive_tag_with_a_value_is_binary() {
    // Not in the dictionary: treated as format b (keep left, pad right).
    let dol = Dol::parse(&[0xDF, 0x7F, 0x03, 0xDF, 0x7E, 0x01]).unwrap();
    let mut out = [0u8; 4];
    dol.build(&mut out, |tag| match tag.as_u32() {
        0xDF7F => Some(&[0x01, 0x02][..]),
        0xDF7E => Some(&[0x09, 0x08][..]),
        _ => None,
    })
    .unwrap();
    assert_eq!(out, [0x01, 0x02, 0x00, 0x09]);
}

proptest! {
    #[test]
    fn output_length_is_the_sum_of_requested_lengths(
        entries in prop::collection::vec((prop::sample::select(vec![
            0x9F02u32, 0x9F03, 0x9F1A, 0x95, 0x5F2A, 0x9A, 0x9C, 0x9F37, 0x5A, 0x5F2D, 0x9F66, 0xDF01, 0x70,
        ]), 0u8..=255), 0..12),
        values in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..40), 13),
    ) {
        let mut dol_bytes = Vec::new();
        for (t, l) in &entries {
            dol_bytes.extend_from_slice(Tag::new(*t).as_bytes());
            dol_bytes.push(*l);
        }
        let dol = Dol::parse(&dol_bytes).unwrap();
        let sum: usize = entries.iter().map(|(_, l)| usize::from(*l)).sum();
        prop_assert_eq!(dol.total_len(), sum);
        let mut out = vec![0u8; sum];
        let n = dol.build(&mut out, |tag| {
            let i = usize::try_from(tag.as_u32() % 13).unwrap();
            values.get(i).map(Vec::as_slice)
        }).unwrap();
        prop_assert_eq!(n, sum);
    }
}
