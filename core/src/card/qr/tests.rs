use super::*;

// CRC-16/CCITT-FALSE check value from the CRC RevEng catalogue
// (https://reveng.sourceforge.io/crc-catalogue/16.htm, "CRC-16/IBM-3740",
// alias CRC-16/CCITT-FALSE: check=0x29b1).
#[test]
fn crc_check_value() {
    assert_eq!(crc16_ccitt_false(b"123456789"), 0x29B1);
    assert_eq!(crc16_ccitt_false(b""), 0xFFFF);
}

#[test]
fn builder_errors() {
    let mut buf = [0u8; 64];
    let mut b = Builder::new(&mut buf);
    assert!(b.primitive(100, "x").is_err());
    assert!(b.primitive(63, "ABCD").is_err());
    assert_eq!(
        b.primitive(59, "").unwrap_err(),
        Error::Qr(QrError::InvalidValue { id: 59 })
    );
    assert!(b.end_template().is_err());
    b.begin_template(62).unwrap();
    b.begin_template(50).unwrap();
    assert!(b.begin_template(51).is_err());
    b.primitive(0, "X").unwrap();
    b.end_template().unwrap();
    b.end_template().unwrap();
    b.begin_template(26).unwrap();
    assert!(b.end_template().is_err()); // empty template
    let mut small = [0u8; 5];
    let mut b = Builder::new(&mut small);
    assert_eq!(
        b.primitive(0, "01").unwrap_err(),
        Error::buffer_too_small(6, 5)
    );
    let mut buf = [0u8; 64];
    let mut b = Builder::new(&mut buf);
    b.begin_template(26).unwrap();
    assert!(b.finish().is_err()); // unclosed
}

#[test]
fn builder_length_limit() {
    let mut buf = [0u8; 1024];
    let mut b = Builder::new(&mut buf);
    let v = "A".repeat(99);
    for id in 2..6 {
        b.primitive(id, &v).unwrap(); // 4 * 103 = 412
    }
    assert_eq!(
        b.primitive(6, &v).unwrap_err(), // 515 > 512
        Error::Qr(QrError::TooLong { max: 512 })
    );
}

#[test]
fn error_messages_name_ids_not_data() {
    let e = Payload::parse("010212000201").unwrap_err();
    assert_eq!(e, Error::Qr(QrError::Misplaced { id: 0 }));
    assert_eq!(e.to_string(), "QR: ID 00 out of place");
    assert_eq!(e.kind(), crate::ErrorKind::Malformed);
    let e = Payload::decode("0002010").unwrap_err();
    assert_eq!(e.to_string(), "QR: payload truncated at offset 6");
}

#[test]
fn lenient_decode_of_missing_or_misplaced_crc() {
    // No ID 63 at all: structure fine, CRC not valid, strict parse fails.
    let p = Payload::decode("000201").unwrap();
    assert!(!p.crc_valid());
    assert_eq!(
        Payload::parse("000201").unwrap_err(),
        Error::Qr(QrError::MissingId { id: 52 })
    );
    // ID 63 with a non-hex value.
    assert!(!Payload::decode("0002016304ZZZZ").unwrap().crc_valid());
    // Nesting: 62 holds the template 50, whose children are primitive.
    let p = Payload::decode("621050060002AB").unwrap();
    let inner = p.get(62).unwrap().child(50).unwrap();
    assert!(inner.is_template());
    assert!(!inner.child(0).unwrap().is_template());
    assert_eq!(inner.child(0).unwrap().value(), "AB");
}
