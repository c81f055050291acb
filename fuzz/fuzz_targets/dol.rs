//! Fuzz DOL parsing and building (EMV Book 3 §5.4).
//!
//! Input: first byte = DOL length n, then n DOL bytes, then a value pool.
//! Oracle: for every DOL that parses, `build` writes exactly the sum of the
//! requested lengths; a value of exactly the requested length for a
//! primitive tag is copied verbatim; an absent value or a constructed tag
//! gives zeros; a buffer one byte short is refused.
//!
//! Padding versus `FF` tags: a DOL has no padding, so re-encoding the
//! entries (tag bytes, length byte) must give the DOL bytes exactly; every
//! entry tag is one the TLV encoder accepts (`Tag::from_bytes`), so none
//! starts with a byte the TLV reader would skip as padding (`00`, or `FF`
//! not followed by `81`-`FE`); and the same bytes preceded by such a
//! padding byte (`00`; `FF 5A`; `FF` unless the DOL starts with `81`-`FE`)
//! are refused.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paycore::card::dol::Dol;
use paycore::card::tlv::Tag;

fn value_for(pool: &[u8], tag: Tag) -> Option<&[u8]> {
    let t = tag.as_u32() as usize;
    if t % 5 == 0 {
        return None;
    }
    let start = (t.wrapping_mul(31)) % (pool.len() + 1);
    let len = (t >> 3) % 40;
    pool.get(start..(start + len).min(pool.len()))
}

fuzz_target!(|data: &[u8]| {
    let Some((&n, rest)) = data.split_first() else {
        return;
    };
    let n = usize::from(n).min(rest.len());
    let (dol_bytes, pool) = rest.split_at(n);
    let Ok(dol) = Dol::parse(dol_bytes) else {
        return;
    };
    let mut reencoded = Vec::new();
    for e in dol.entries() {
        let entry_tag = e.tag();
        let tag = entry_tag.as_bytes();
        assert_eq!(Tag::from_bytes(tag), Ok(e.tag()));
        if let [0xFF, second, ..] = tag {
            assert!(matches!(second, 0x81..=0xFE));
        }
        assert_eq!(e.offset(), reencoded.len());
        reencoded.extend_from_slice(tag);
        reencoded.push(u8::try_from(e.length()).expect("one length byte"));
    }
    assert_eq!(reencoded, dol_bytes);
    for pad in [&[0x00][..], &[0xFF], &[0xFF, 0x5A]] {
        if pad == [0xFF] && matches!(dol_bytes.first(), Some(0x81..=0xFE)) {
            continue; // FF then 81-FE is the start of an FF tag, not padding
        }
        let mut padded = pad.to_vec();
        padded.extend_from_slice(dol_bytes);
        assert!(Dol::parse(&padded).is_err());
    }

    let sum: usize = dol.entries().map(|e| e.length()).sum();
    assert_eq!(dol.total_len(), sum);
    assert_eq!(dol.entries().count(), dol.len());

    let mut out = vec![0xA5u8; sum];
    let written = dol
        .build(&mut out, |tag| value_for(pool, tag))
        .expect("fits");
    assert_eq!(written, sum);

    let mut pos = 0;
    for e in dol.entries() {
        let field = &out[pos..pos + e.length()];
        match value_for(pool, e.tag()) {
            _ if e.tag().is_constructed() => assert!(field.iter().all(|b| *b == 0)),
            None => assert!(field.iter().all(|b| *b == 0)),
            Some(v) if v.len() == e.length() => assert_eq!(field, v),
            Some(_) => {}
        }
        pos += e.length();
    }

    if sum > 0 {
        let mut short = vec![0u8; sum - 1];
        assert!(dol.build(&mut short, |tag| value_for(pool, tag)).is_err());
    }
});
