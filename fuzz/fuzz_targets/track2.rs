//! Track 2 parser oracle: never panics; whatever it accepts re-encodes with
//! the same framing to the input with `D` separators written as `=` (the
//! canonical form), converts to tag 57 and back to the same fields, and
//! never shows the clear PAN in `Debug`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paycore::card::track::{Track2, TrackEncoding, track2_lrc};

/// Reference LRC in wide arithmetic (cannot overflow): the oracle for
/// `track2_lrc` on arbitrary bytes, including ones below the character set.
fn reference_lrc(framed: &[u8]) -> Option<u8> {
    let mut acc: i32 = 0;
    for &c in framed {
        let v = i32::from(c) - 0x30;
        if !(0..=0x0F).contains(&v) {
            return None;
        }
        acc ^= v;
    }
    u8::try_from(acc + 0x30).ok()
}

fuzz_target!(|data: &[u8]| {
    assert_eq!(
        track2_lrc(data),
        reference_lrc(data),
        "LRC differs from reference"
    );
    let Ok(t) = Track2::from_ascii(data) else {
        return;
    };
    let sentinels = data.first() == Some(&b';');
    let end = data.iter().position(|&c| c == b'?');
    let lrc = sentinels && end.is_some_and(|e| e + 1 < data.len());
    let canonical: Vec<u8> = data
        .iter()
        .map(|&c| if c == b'D' { b'=' } else { c })
        .collect();
    let mut out = [0u8; 40];
    let n = t
        .encode(TrackEncoding { sentinels, lrc }, &mut out)
        .expect("accepted track must encode");
    assert_eq!(
        &out[..n],
        &canonical[..],
        "re-encode differs from canonical input"
    );
    let mut tag = [0u8; 19];
    let m = t.to_tag57(&mut tag).expect("track 2 must fit tag 57");
    let again = Track2::from_tag57(&tag[..m]).expect("tag 57 must parse");
    // EXPOSE: fuzz oracle compares fields.
    assert_eq!(again.pan().expose_secret(), t.pan().expose_secret());
    assert_eq!(again.expose_discretionary(), t.expose_discretionary());
    assert_eq!(again.expiry(), t.expiry());
    assert_eq!(again.service_code(), t.service_code());
    // EXPOSE: checks the Debug text does not contain the clear PAN.
    assert!(!format!("{t:?}").contains(t.pan().expose_secret()));
});
