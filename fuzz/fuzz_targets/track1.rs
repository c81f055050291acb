//! Track 1 parser oracle: never panics; whatever it accepts re-encodes with
//! the same framing to exactly the input, re-parses to the same fields, and
//! never shows the clear PAN in `Debug`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paycore::card::track::{Track1, TrackEncoding, track1_lrc};

/// Reference LRC in wide arithmetic (cannot overflow): the oracle for
/// `track1_lrc` on arbitrary bytes, including ones below the character set.
fn reference_lrc(framed: &[u8]) -> Option<u8> {
    let mut acc: i32 = 0;
    for &c in framed {
        let v = i32::from(c) - 0x20;
        if !(0..=0x3F).contains(&v) {
            return None;
        }
        acc ^= v;
    }
    u8::try_from(acc + 0x20).ok()
}

fuzz_target!(|data: &[u8]| {
    assert_eq!(
        track1_lrc(data),
        reference_lrc(data),
        "LRC differs from reference"
    );
    let Ok(t) = Track1::from_ascii(data) else {
        return;
    };
    let sentinels = data.first() == Some(&b'%');
    let end = data.iter().position(|&c| c == b'?');
    let lrc = sentinels && end.is_some_and(|e| e + 1 < data.len());
    let mut out = [0u8; 79];
    let n = t
        .encode(TrackEncoding { sentinels, lrc }, &mut out)
        .expect("accepted track must encode");
    assert_eq!(&out[..n], data, "re-encode differs from input");
    let again = Track1::from_ascii(&out[..n]).expect("canonical form must parse");
    // EXPOSE: fuzz oracle compares fields.
    assert_eq!(again.pan().expose_secret(), t.pan().expose_secret());
    assert_eq!(again.expose_name(), t.expose_name());
    assert_eq!(again.expose_discretionary(), t.expose_discretionary());
    assert_eq!(again.expiry(), t.expiry());
    assert_eq!(again.service_code(), t.service_code());
    // EXPOSE: checks the Debug text does not contain the clear PAN.
    assert!(!format!("{t:?}").contains(t.pan().expose_secret()));
});
