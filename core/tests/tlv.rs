//! BER-TLV known-answer, rejection and round-trip tests (EMV 4.4 Book 3
//! Annex B). Vectors: tests/vectors/tlv.json, each with its source.

// Test crate: helpers outside #[test] fns may unwrap and panic too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use core::ops::ControlFlow;

use paycore::card::tags;
use paycore::card::tlv::{self, Iter, Limits, Tag, Tlv, Writer};
use paycore::error::TlvError;
use paycore::{Error, ErrorKind};
use proptest::prelude::*;
use serde_json::{Value, json};

const VECTORS: &str = include_str!("../../tests/vectors/tlv.json");

fn vectors() -> Value {
    serde_json::from_str(VECTORS).expect("tlv.json parses")
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).expect("hex")
}

/// The tree of `iter` in the vector format.
fn tree(iter: Iter<'_>) -> Result<Value, Error> {
    let mut nodes = Vec::new();
    for item in iter {
        let t = item?;
        let node = match t.children() {
            Some(children) => json!({"tag": t.tag().to_string(), "children": tree(children)?}),
            None => json!({"tag": t.tag().to_string(), "value": hex::encode_upper(t.value())}),
        };
        nodes.push(node);
    }
    Ok(Value::Array(nodes))
}

/// Re-encodes a parsed tree with the writer.
fn rebuild(iter: Iter<'_>, w: &mut Writer<'_>) -> Result<(), Error> {
    for item in iter {
        let t = item?;
        match t.children() {
            Some(children) => w.constructed(t.tag(), |w| rebuild(children, w))?,
            None => w.primitive(t.tag(), t.value())?,
        }
    }
    Ok(())
}

fn error_name(e: Error) -> (&'static str, usize) {
    match e {
        Error::Tlv(TlvError::Truncated { offset }) => ("Truncated", offset),
        Error::Tlv(TlvError::TagTooLong { offset }) => ("TagTooLong", offset),
        Error::Tlv(TlvError::IndefiniteLength { offset }) => ("IndefiniteLength", offset),
        Error::Tlv(TlvError::InvalidLength { offset }) => ("InvalidLength", offset),
        Error::Tlv(TlvError::LengthFieldTooLong { offset }) => ("LengthFieldTooLong", offset),
        Error::Tlv(TlvError::LengthLimit { offset, .. }) => ("LengthLimit", offset),
        Error::Tlv(TlvError::DepthLimit { offset, .. }) => ("DepthLimit", offset),
        Error::Tlv(TlvError::Dol { offset }) => ("Dol", offset),
        other => panic!("unexpected error {other:?}"),
    }
}

#[test]
fn parse_vectors() {
    let v = vectors();
    let cases = v["parse"].as_array().unwrap();
    assert!(cases.len() >= 20);
    for (i, case) in cases.iter().enumerate() {
        let id = case["id"].as_str().unwrap();
        let data = unhex(case["inputs"]["hex"].as_str().unwrap());
        let got = tree(Iter::new(&data, Limits::default()))
            .unwrap_or_else(|e| panic!("vector {i} ({id}): {e}"));
        assert_eq!(got, case["expected"]["tree"], "vector {i} ({id})");
        tlv::validate(&data, Limits::default())
            .unwrap_or_else(|e| panic!("vector {i} ({id}): {e}"));
    }
}

#[test]
fn card_responses_reencode_exactly() {
    // Real card responses use minimal lengths and no padding, so the
    // writer must reproduce them byte for byte.
    let v = vectors();
    for case in v["parse"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        if !(id.starts_with("card_") || id.starts_with("moov_")) {
            continue;
        }
        let data = unhex(case["inputs"]["hex"].as_str().unwrap());
        let mut buf = vec![0u8; data.len()];
        let mut w = Writer::new(&mut buf);
        rebuild(Iter::new(&data, Limits::default()), &mut w).unwrap();
        assert_eq!(w.written(), data.as_slice(), "{id}");

        // Too small by one byte: BufferTooSmall, never a panic.
        let mut small = vec![0u8; data.len() - 1];
        let mut w = Writer::new(&mut small);
        let err = rebuild(Iter::new(&data, Limits::default()), &mut w).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BufferTooSmall, "{id}");
    }
}

#[test]
fn encode_vectors() {
    let v = vectors();
    for (i, case) in v["encode"].as_array().unwrap().iter().enumerate() {
        let id = case["id"].as_str().unwrap();
        let tag = Tag::from_bytes(&unhex(case["inputs"]["tag"].as_str().unwrap())).unwrap();
        let value = unhex(case["inputs"]["value"].as_str().unwrap());
        let expected = unhex(case["expected"]["hex"].as_str().unwrap());

        let mut buf = vec![0u8; expected.len()];
        let n = tlv::encode(tag, &value, &mut buf).unwrap();
        assert_eq!(&buf[..n], expected.as_slice(), "vector {i} ({id})");
        assert_eq!(tlv::encoded_len(tag, value.len()).unwrap(), expected.len());

        let mut short = vec![0u8; expected.len() - 1];
        assert_eq!(
            tlv::encode(tag, &value, &mut short).unwrap_err(),
            Error::buffer_too_small(expected.len(), expected.len() - 1),
            "vector {i} ({id})"
        );

        #[cfg(feature = "alloc")]
        {
            let mut vec_out = vec![0xEE];
            tlv::encode_to_vec(tag, &value, &mut vec_out).unwrap();
            assert_eq!(&vec_out[1..], expected.as_slice(), "vector {i} ({id})");
        }
    }
}

#[test]
fn reject_vectors() {
    let v = vectors();
    let cases = v["reject"].as_array().unwrap();
    for (i, case) in cases.iter().enumerate() {
        let id = case["id"].as_str().unwrap();
        let data = unhex(case["inputs"]["hex"].as_str().unwrap());
        let err = tlv::validate(&data, Limits::default())
            .expect_err(&format!("vector {i} ({id}) must be rejected"));
        let (kind, offset) = error_name(err);
        assert_eq!(kind, case["expected"]["error"], "vector {i} ({id})");
        assert_eq!(
            offset as u64, case["expected"]["offset"],
            "vector {i} ({id})"
        );
        assert_eq!(err.kind(), ErrorKind::Malformed, "vector {i} ({id})");
    }
}

#[test]
fn length_limit() {
    // 9C 81 90 + 0x90 bytes: fine by default, rejected with a 0x8F limit.
    let mut data = vec![0x9C, 0x81, 0x90];
    data.resize(3 + 0x90, 0x11);
    assert_eq!(tlv::validate(&data, Limits::default()).unwrap(), 1);
    let limits = Limits::default().with_max_length(0x8F);
    let err = tlv::validate(&data, limits).unwrap_err();
    assert_eq!(
        err,
        Error::Tlv(TlvError::LengthLimit {
            offset: 1,
            limit: 0x8F
        })
    );
    assert_eq!(err.kind(), ErrorKind::LimitExceeded);
    // A hostile 82 FF FF length over the limit is a limit error, not a
    // truncation.
    let err = tlv::validate(&[0x9C, 0x82, 0xFF, 0xFF], limits).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LimitExceeded);
    // 83 FF FF FF is no EMV length field at all (Annex B2: three bytes at most).
    let err = tlv::validate(&[0x9C, 0x83, 0xFF, 0xFF, 0xFF], Limits::default()).unwrap_err();
    assert_eq!(err, Error::Tlv(TlvError::LengthFieldTooLong { offset: 1 }));
    assert_eq!(err.kind(), ErrorKind::Malformed);
}

#[test]
fn depth_limit() {
    // E1 { E1 { E1 { 5A 01 12 } } }: four levels.
    let data = [0xE1, 0x07, 0xE1, 0x05, 0xE1, 0x03, 0x5A, 0x01, 0x12];
    assert_eq!(
        tlv::validate(&data, Limits::default().with_max_depth(4)).unwrap(),
        4
    );
    let err = tlv::validate(&data, Limits::default().with_max_depth(3)).unwrap_err();
    assert_eq!(
        err,
        Error::Tlv(TlvError::DepthLimit {
            offset: 4,
            limit: 3
        })
    );
    assert_eq!(err.kind(), ErrorKind::LimitExceeded);
    let err = tlv::validate(&data, Limits::default().with_max_depth(1)).unwrap_err();
    assert_eq!(
        err,
        Error::Tlv(TlvError::DepthLimit {
            offset: 0,
            limit: 1
        })
    );
    // 40 levels nested: rejected by the default limit, no stack blow-up.
    let mut deep = vec![0x5A, 0x00];
    for _ in 0..40 {
        let mut outer = vec![0xE1, u8::try_from(deep.len()).unwrap_or(0x7F)];
        if deep.len() > 0x7F {
            outer = vec![0xE1, 0x81, u8::try_from(deep.len()).unwrap()];
        }
        outer.extend_from_slice(&deep);
        deep = outer;
    }
    assert_eq!(
        tlv::validate(&deep, Limits::default()).unwrap_err().kind(),
        ErrorKind::LimitExceeded
    );
}

#[test]
fn iterator_stops_after_an_error() {
    let mut it = Iter::new(
        &[0x9C, 0x01, 0x01, 0x9C, 0x80, 0x9C, 0x00],
        Limits::default(),
    );
    assert!(it.next().unwrap().is_ok());
    assert!(it.next().unwrap().is_err());
    assert!(it.next().is_none());
    assert!(it.next().is_none());
}

#[test]
fn find_through_templates() {
    let v = vectors();
    let case = v["parse"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "card_read_record_sfi2_rec1")
        .unwrap();
    let data = unhex(case["inputs"]["hex"].as_str().unwrap());
    let pan = tlv::find(&data, Tag::PAN, Limits::default())
        .unwrap()
        .unwrap();
    assert_eq!(hex::encode_upper(pan.value()), "5375050000160110");
    assert_eq!(pan.level(), 2);
    assert_eq!(pan.offset(), 20);
    assert!(pan.has_minimal_length());
    assert!(
        tlv::find(&data, Tag::new(0x9F26), Limits::default())
            .unwrap()
            .is_none()
    );
    // The PPSE AID is at level 5: 6F / A5 / BF0C / 61 / 4F.
    let ppse = v["parse"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "card_ppse")
        .unwrap();
    let data = unhex(ppse["inputs"]["hex"].as_str().unwrap());
    let aid = tlv::find(&data, Tag::AID, Limits::default())
        .unwrap()
        .unwrap();
    assert_eq!(aid.value(), [0xA0, 0x00, 0x00, 0x00, 0x04, 0x10, 0x10]);
    assert_eq!(aid.level(), 5);
}

#[test]
fn sensitive_tags_in_a_real_record() {
    let v = vectors();
    let mut seen = Vec::new();
    for case in v["parse"].as_array().unwrap() {
        if !case["id"].as_str().unwrap().starts_with("card_read_record") {
            continue;
        }
        let data = unhex(case["inputs"]["hex"].as_str().unwrap());
        tlv::walk::<()>(&data, Limits::default(), |t: &Tlv<'_>| {
            assert_eq!(t.is_sensitive(), tags::is_sensitive(t.tag()));
            if t.is_sensitive() {
                seen.push(t.tag().to_string());
            }
            ControlFlow::Continue(())
        })
        .unwrap();
    }
    seen.sort();
    assert_eq!(seen, ["56", "57", "5A", "5F24", "9F6B"]);
}

#[test]
fn non_minimal_length_is_flagged() {
    let it = Iter::new(
        &[0x9C, 0x81, 0x01, 0xFF, 0x9C, 0x01, 0xFF],
        Limits::default(),
    )
    .map(|t| t.unwrap().has_minimal_length())
    .collect::<Vec<_>>();
    assert_eq!(it, [false, true]);
}

#[test]
fn encoder_rejects_padding_tags_and_huge_values() {
    let mut buf = [0u8; 8];
    assert_eq!(
        tlv::encode(Tag::new(0x00), &[], &mut buf).unwrap_err(),
        Error::invalid_argument("tag")
    );
    assert_eq!(
        tlv::encode(Tag::new(0xFF), &[], &mut buf).unwrap_err(),
        Error::invalid_argument("tag")
    );
    assert_eq!(
        tlv::encoded_len(Tag::PAN, tlv::MAX_ENCODABLE_LEN + 1).unwrap_err(),
        Error::invalid_argument("value")
    );
    let mut w = Writer::new(&mut buf);
    assert!(w.constructed(Tag::new(0xFF), |_| Ok(())).is_err());
    // A primitive tag cannot be built as a template.
    assert_eq!(
        w.constructed(Tag::PAN, |_| Ok(())).unwrap_err(),
        Error::invalid_argument("tag")
    );
    assert_eq!(w.position(), 0);
}

#[test]
fn writer_reports_required_size() {
    let mut buf = [0u8; 4];
    let mut w = Writer::new(&mut buf);
    let err = w
        .constructed(Tag::RECORD_TEMPLATE, |w| w.primitive(Tag::PAN, &[0x11; 8]))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BufferTooSmall);
    assert_eq!(w.position(), 0);
    // Exactly the needed size (70 0A 5A 08 + 8 bytes) fits.
    let mut buf = [0u8; 12];
    let mut w = Writer::new(&mut buf);
    w.constructed(Tag::RECORD_TEMPLATE, |w| w.primitive(Tag::PAN, &[0x11; 8]))
        .unwrap();
    assert_eq!(w.written().len(), 12);
    assert_eq!(&w.written()[..4], [0x70, 0x0A, 0x5A, 0x08]);
}

// ---------------------------------------------------------------------------
// Property tests: build -> parse round trip over random trees.
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Node {
    Primitive(Vec<u8>, Vec<u8>),
    Constructed(Vec<u8>, Vec<Node>),
}

/// A well-formed tag: class, constructed bit, then one byte or a 2-3 byte
/// multi-byte form. Never one the reader takes for padding: no `00` first
/// byte, and `FF` only with a second byte `81`-`FE` (EMV Book C-2 `FF81xx`).
fn tag_strategy(constructed: bool) -> impl Strategy<Value = Vec<u8>> {
    let c = if constructed { 0x20u8 } else { 0 };
    (
        0u8..4,
        1u8..31,
        prop::bool::ANY,
        1u8..0x80,
        prop::option::of(0x80u8..=0xFF),
    )
        .prop_filter_map(
            "first byte must not be padding",
            move |(class, number, multi, last, middle)| {
                let first_low = if multi { 0x1F } else { number };
                let first = (class << 6) | c | first_low;
                if first == 0x00 || (first == 0xFF && !matches!(middle, Some(0x81..=0xFE))) {
                    return None;
                }
                let mut tag = vec![first];
                if multi {
                    if let Some(m) = middle {
                        tag.push(m);
                    }
                    tag.push(last);
                }
                Some(tag)
            },
        )
}

fn node_strategy() -> impl Strategy<Value = Node> {
    let leaf = (
        tag_strategy(false),
        prop::collection::vec(any::<u8>(), 0..300),
    )
        .prop_map(|(t, v)| Node::Primitive(t, v));
    leaf.prop_recursive(5, 64, 6, |inner| {
        (tag_strategy(true), prop::collection::vec(inner, 0..6))
            .prop_map(|(t, c)| Node::Constructed(t, c))
    })
}

/// Appends one object with the slice encoder (no `alloc` feature needed).
fn push(tag: &[u8], value: &[u8], out: &mut Vec<u8>) {
    let tag = Tag::from_bytes(tag).unwrap();
    let start = out.len();
    out.resize(start + tlv::encoded_len(tag, value.len()).unwrap(), 0);
    tlv::encode(tag, value, &mut out[start..]).unwrap();
}

fn build_vec(nodes: &[Node], out: &mut Vec<u8>) {
    for n in nodes {
        match n {
            Node::Primitive(t, v) => push(t, v, out),
            Node::Constructed(t, c) => {
                let mut inner = Vec::new();
                build_vec(c, &mut inner);
                push(t, &inner, out);
            }
        }
    }
}

fn build_writer(nodes: &[Node], w: &mut Writer<'_>) -> Result<(), Error> {
    for n in nodes {
        match n {
            Node::Primitive(t, v) => w.primitive(Tag::from_bytes(t)?, v)?,
            Node::Constructed(t, c) => {
                w.constructed(Tag::from_bytes(t)?, |w| build_writer(c, w))?
            }
        }
    }
    Ok(())
}

fn check_same(nodes: &[Node], iter: Iter<'_>) {
    let parsed: Vec<Tlv<'_>> = iter.map(|r| r.unwrap()).collect();
    assert_eq!(parsed.len(), nodes.len());
    for (n, t) in nodes.iter().zip(parsed) {
        assert!(t.has_minimal_length());
        match n {
            Node::Primitive(tag, v) => {
                assert_eq!(t.tag().as_bytes(), tag.as_slice());
                assert!(t.children().is_none());
                assert_eq!(t.value(), v.as_slice());
            }
            Node::Constructed(tag, c) => {
                assert_eq!(t.tag().as_bytes(), tag.as_slice());
                check_same(c, t.children().unwrap());
            }
        }
    }
}

fn count(nodes: &[Node]) -> usize {
    nodes
        .iter()
        .map(|n| match n {
            Node::Primitive(..) => 1,
            Node::Constructed(_, c) => 1 + count(c),
        })
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn build_parse_round_trip(nodes in prop::collection::vec(node_strategy(), 0..5)) {
        let mut encoded = Vec::new();
        build_vec(&nodes, &mut encoded);

        // The in-place writer produces the same bytes.
        let mut buf = vec![0u8; encoded.len()];
        let mut w = Writer::new(&mut buf);
        build_writer(&nodes, &mut w).unwrap();
        prop_assert_eq!(w.written(), encoded.as_slice());

        let limits = Limits::default().with_max_depth(8);
        prop_assert_eq!(tlv::validate(&encoded, limits).unwrap(), count(&nodes));
        check_same(&nodes, Iter::new(&encoded, limits));
    }

    /// Padding oracle (EMV Book 3 Annex B1; ISO/IEC 7816-4): a `00` put
    /// before any object changes nothing; an `FF` changes nothing unless
    /// the object's tag starts with `81`-`FE`, in which case it becomes the
    /// first byte of a longer tag and the parse must differ.
    #[test]
    fn padding_insertion(nodes in prop::collection::vec(node_strategy(), 1..5), pad_ff in prop::bool::ANY, at in any::<prop::sample::Index>()) {
        let mut pieces = Vec::new();
        for n in &nodes {
            let mut one = Vec::new();
            build_vec(core::slice::from_ref(n), &mut one);
            pieces.push(one);
        }
        let k = at.index(pieces.len());
        let pad = if pad_ff { 0xFF } else { 0x00 };
        let mut padded = Vec::new();
        for (i, p) in pieces.iter().enumerate() {
            if i == k {
                padded.push(pad);
            }
            padded.extend_from_slice(p);
        }
        let limits = Limits::default().with_max_depth(8);
        let tag_first = pieces[k][0];
        let becomes_tag = pad_ff && matches!(tag_first, 0x81..=0xFE);
        let reread = tlv::validate(&padded, limits);
        if becomes_tag {
            // Read as a tag FF xx ..: never the same tree as the original.
            let same = reread == Ok(count(&nodes))
                && Iter::new(&padded, limits)
                    .zip(&nodes)
                    .all(|(t, n)| t.is_ok_and(|t| match n {
                        Node::Primitive(tag, _) | Node::Constructed(tag, _) => {
                            t.tag().as_bytes() == tag.as_slice()
                        }
                    }));
            prop_assert!(!same);
        } else {
            prop_assert_eq!(reread, Ok(count(&nodes)));
            check_same(&nodes, Iter::new(&padded, limits));
        }
    }

    #[test]
    fn arbitrary_input_never_panics(data in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = tlv::validate(&data, Limits::default());
        let _ = tlv::find(&data, Tag::PAN, Limits::default());
    }
}
