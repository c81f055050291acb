use super::*;

#[test]
fn fit_numeric_keeps_rightmost_and_pads_left() {
    let mut out = [0xAA; 2];
    fit_value(Format::N, &[0x01, 0x23, 0x45], &mut out);
    assert_eq!(out, [0x23, 0x45]);
    let mut out = [0xAA; 4];
    fit_value(Format::N, &[0x12, 0x34], &mut out);
    assert_eq!(out, [0x00, 0x00, 0x12, 0x34]);
}

#[test]
fn fit_cn_keeps_leftmost_and_pads_ff() {
    let mut out = [0xAA; 2];
    fit_value(Format::Cn, &[0x41, 0x11, 0x11], &mut out);
    assert_eq!(out, [0x41, 0x11]);
    let mut out = [0xAA; 4];
    fit_value(Format::Cn, &[0x41, 0x11], &mut out);
    assert_eq!(out, [0x41, 0x11, 0xFF, 0xFF]);
}

#[test]
fn fit_binary_keeps_leftmost_and_pads_right() {
    let mut out = [0xAA; 1];
    fit_value(Format::B, &[0x70, 0x00, 0x80], &mut out);
    assert_eq!(out, [0x70]);
    let mut out = [0xAA; 3];
    fit_value(Format::An, b"A", &mut out);
    assert_eq!(out, [b'A', 0, 0]);
}

#[test]
fn constructed_tag_gives_zeros_even_with_a_value() {
    let dol = Dol::parse(&[0x70, 0x02, 0x9C, 0x01]).unwrap();
    let mut out = [0xAA; 3];
    dol.build(&mut out, |_| Some(&[0x11, 0x22][..])).unwrap();
    // 9C is format n: the rightmost byte is kept.
    assert_eq!(out, [0x00, 0x00, 0x22]);
}

#[test]
fn rejects_padding_bytes_as_tags() {
    assert_eq!(
        Dol::parse(&[0x9C, 0x01, 0x00, 0x01]).unwrap_err(),
        Error::Tlv(TlvError::Dol { offset: 2 })
    );
    assert_eq!(
        Dol::parse(&[0xFF, 0x01]).unwrap_err(),
        Error::Tlv(TlvError::Dol { offset: 0 })
    );
    assert_eq!(
        Dol::parse(&[0x9C, 0x01, 0xFF, 0x5A, 0x08]).unwrap_err(),
        Error::Tlv(TlvError::Dol { offset: 2 })
    );
}

#[test]
fn ff_tags_of_book_c2_are_entries() {
    // FF8105 (Data Record, constructed) requested with 2 bytes: rule a, zeros.
    let dol = Dol::parse(&[0x9C, 0x01, 0xFF, 0x81, 0x05, 0x02]).unwrap();
    let entries: Vec<_> = dol
        .entries()
        .map(|e| (e.tag(), e.length(), e.offset()))
        .collect();
    assert_eq!(entries, [(Tag::new(0x9C), 1, 0), (Tag::DATA_RECORD, 2, 2)]);
    let mut out = [0xAA; 3];
    dol.build(&mut out, |_| Some(&[0x01, 0x02][..])).unwrap();
    // 9C is format n: the rightmost byte is kept (rule c).
    assert_eq!(out, [0x02, 0x00, 0x00]);
}
