//! Fuzz DOL parsing and building (EMV Book 3 §5.4).
//!
//! Input: first byte = DOL length n, then n DOL bytes, then a value pool.
//! Oracle: for every DOL that parses, `build` writes exactly the sum of the
//! requested lengths; a value of exactly the requested length for a
//! primitive tag is copied verbatim; an absent value or a constructed tag
//! gives zeros; a buffer one byte short is refused.
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
