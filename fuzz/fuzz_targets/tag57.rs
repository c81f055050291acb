//! EMV tag 57 oracle: never panics; whatever it accepts re-encodes to
//! exactly the input bytes (tag 57 has one encoding), and its track 2 text
//! parses back to the same fields.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paycore::card::track::{Track2, TrackEncoding};

fuzz_target!(|data: &[u8]| {
    let Ok(t) = Track2::from_tag57(data) else {
        return;
    };
    let mut tag = [0u8; 19];
    let m = t.to_tag57(&mut tag).expect("accepted tag 57 must encode");
    assert_eq!(&tag[..m], data, "tag 57 re-encode differs");
    let mut text = [0u8; 40];
    let n = t
        .encode(TrackEncoding::FULL, &mut text)
        .expect("tag 57 must fit track 2");
    let again = Track2::from_ascii(&text[..n]).expect("track 2 text must parse");
    // EXPOSE: fuzz oracle compares fields.
    assert_eq!(again.pan().expose_secret(), t.pan().expose_secret());
    assert_eq!(again.expose_discretionary(), t.expose_discretionary());
    assert_eq!(again.expiry(), t.expiry());
    assert_eq!(again.service_code(), t.service_code());
});
