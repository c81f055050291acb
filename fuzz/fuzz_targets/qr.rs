//! EMVCo MPM QR oracle: never panics; a payload the strict parser accepts
//! is rebuilt byte-for-byte by the builder from its parsed objects, and the
//! lenient decoder agrees that its CRC is valid. A decoded payload with a
//! valid CRC stops validating after any one-byte change to a digit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paycore::Error;
use paycore::card::qr::{Builder, DataObject, Payload};

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

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let decoded = Payload::decode(text);
    let Ok(strict) = Payload::parse(text) else {
        return;
    };
    assert!(decoded.expect("strict implies decode").crc_valid());
    let mut buf = [0u8; 2048];
    let mut b = Builder::new(&mut buf);
    for o in strict.fields().filter(|o| o.id() != 63) {
        add(&mut b, o).expect("parsed objects must rebuild");
    }
    let rebuilt = b.finish().expect("rebuild must finish");
    assert_eq!(rebuilt, text, "rebuild differs from input");
    // Tamper: change one digit inside the payload (before the CRC); the
    // strict parser must not accept the result.
    let mut tampered = data.to_vec();
    let limit = tampered.len().saturating_sub(8);
    if let Some(i) = tampered[..limit].iter().rposition(u8::is_ascii_digit) {
        tampered[i] = if tampered[i] == b'0' { b'1' } else { b'0' };
        if let Ok(t) = core::str::from_utf8(&tampered) {
            assert!(Payload::parse(t).is_err(), "accepted after tamper");
        }
    }
});
