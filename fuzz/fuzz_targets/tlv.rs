//! Fuzz the BER-TLV parser (EMV Book 3 Annex B) with a re-encoding oracle.
//!
//! Canonical input, precisely: at every level (top level and the value of
//! every constructed object), (1) the objects are contiguous and cover the
//! level's bytes exactly, so no `00`/`FF` padding byte was skipped before,
//! between or after them, and (2) every length field has the minimal form
//! (`Tlv::has_minimal_length`). Tags are copied as read.
//!
//! For every input that validates, rebuilding the tree with the
//! minimal-length encoder must give a canonical encoding with the same
//! number of objects, rebuilding that again must change nothing, and for a
//! canonical input the rebuild must equal the input byte for byte.
//!
//! Padding versus `FF` tags (EMV Book C-2 `FF81xx`; ISO/IEC 7816-4 `FF`
//! padding), precisely: (3) every tag read whose first byte is `FF` has a
//! second byte `81`-`FE`; (4) the rebuild reads back as the same depth-first
//! list of (tag, level, primitive value), so no `FF` tag turned into
//! padding on re-encoding nor padding into a tag; (5) a `00` put in front
//! of the input changes nothing but the offsets; an `FF` put in front
//! changes nothing when the input's first byte is not `81`-`FE`, and
//! otherwise is read as the first byte of a tag (the first object's tag
//! then starts with `FF`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use paycore::card::tlv::{self, Iter, Limits};

fn canonical(data: &[u8], iter: Iter<'_>) -> bool {
    let mut covered = 0usize;
    for item in iter {
        let Ok(t) = item else { return false };
        if !t.has_minimal_length() {
            return false;
        }
        covered += t.encoded_len();
        if let Some(children) = t.children() {
            if !canonical(t.value(), children) {
                return false;
            }
        }
    }
    covered == data.len()
}

fn rebuild(iter: Iter<'_>, out: &mut Vec<u8>) {
    for item in iter {
        let t = item.expect("validated input parses");
        match t.children() {
            Some(children) => {
                let mut inner = Vec::new();
                rebuild(children, &mut inner);
                tlv::encode_to_vec(t.tag(), &inner, out).expect("encodable");
            }
            None => tlv::encode_to_vec(t.tag(), t.value(), out).expect("encodable"),
        }
    }
}

/// Depth-first (tag, level, value for primitives) of a validated input.
fn flatten(data: &[u8], limits: Limits) -> Vec<(Vec<u8>, usize, Option<Vec<u8>>)> {
    let mut out = Vec::new();
    tlv::walk::<()>(data, limits, |t| {
        let tag = t.tag().as_bytes().to_vec();
        if let [0xFF, second, ..] = tag.as_slice() {
            assert!(matches!(second, 0x81..=0xFE), "FF tag read from padding");
        }
        let value = (!t.is_constructed()).then(|| t.value().to_vec());
        out.push((tag, t.level(), value));
        core::ops::ControlFlow::Continue(())
    })
    .expect("validated input parses");
    out
}

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let _ = tlv::find(data, tlv::Tag::PAN, limits);
    let Ok(count) = tlv::validate(data, limits) else {
        return;
    };

    let mut out = Vec::new();
    rebuild(Iter::new(data, limits), &mut out);
    assert_eq!(tlv::validate(&out, limits), Ok(count));
    assert!(canonical(&out, Iter::new(&out, limits)));

    let flat = flatten(data, limits);
    assert_eq!(flatten(&out, limits), flat);

    let mut zero = vec![0x00];
    zero.extend_from_slice(data);
    assert_eq!(flatten(&zero, limits), flat);

    let mut ff = vec![0xFF];
    ff.extend_from_slice(data);
    match data.first() {
        Some(0x81..=0xFE) => {
            // Now FF xx ..: a longer tag (or an error), never the same tree.
            if let Ok(t) = Iter::new(&ff, limits).next().expect("not empty") {
                assert_eq!(t.tag().as_bytes().first(), Some(&0xFF));
                assert_eq!(t.offset(), 0);
            }
        }
        _ => assert_eq!(flatten(&ff, limits), flat),
    }

    let mut again = Vec::new();
    rebuild(Iter::new(&out, limits), &mut again);
    assert_eq!(again, out);

    if canonical(data, Iter::new(data, limits)) {
        assert_eq!(out.as_slice(), data);
        // Top level alone: tag + minimal length + value verbatim.
        let mut top = Vec::new();
        for t in Iter::new(data, limits) {
            let t = t.expect("validated");
            tlv::encode_to_vec(t.tag(), t.value(), &mut top).expect("encodable");
        }
        assert_eq!(top.as_slice(), data);
    } else {
        assert!(out.len() < data.len());
    }
});
