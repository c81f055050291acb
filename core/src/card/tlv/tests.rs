use super::*;

#[test]
fn tag_new_and_bytes() {
    assert_eq!(Tag::new(0x9F02).as_bytes(), [0x9F, 0x02]);
    assert_eq!(Tag::new(0x5A).as_bytes(), [0x5A]);
    assert_eq!(Tag::new(0xDF8101).as_bytes(), [0xDF, 0x81, 0x01]);
    assert_eq!(Tag::new(0x1F818101).encoded_len(), 4);
    assert_eq!(Tag::new(0x9F02).as_u32(), 0x9F02);
    assert_eq!(Tag::new(0).as_bytes(), [0x00]);
}

#[test]
fn tag_debug_and_display() {
    assert_eq!(
        format!("{:?}", Tag::PAN),
        "Tag(5A \"Application Primary Account Number (PAN)\")"
    );
    assert_eq!(format!("{:?}", Tag::new(0xDF01)), "Tag(DF01)");
    assert_eq!(Tag::new(0xBF0C).to_string(), "BF0C");
}

#[test]
fn tag_class_and_constructed() {
    assert_eq!(Tag::new(0x5A).class(), TagClass::Application);
    assert_eq!(Tag::new(0x9F02).class(), TagClass::ContextSpecific);
    assert_eq!(Tag::new(0xBF0C).class(), TagClass::ContextSpecific);
    assert_eq!(Tag::new(0xDF01).class(), TagClass::Private);
    assert_eq!(Tag::new(0x1F).class(), TagClass::Universal);
    assert!(Tag::new(0x6F).is_constructed());
    assert!(!Tag::new(0x84).is_constructed());
}

#[test]
fn tag_from_bytes_rejects_junk() {
    assert!(Tag::from_bytes(&[]).is_err());
    assert!(Tag::from_bytes(&[0x00]).is_err());
    assert!(Tag::from_bytes(&[0xFF, 0x01]).is_err());
    assert!(Tag::from_bytes(&[0xFF]).is_err());
    assert!(Tag::from_bytes(&[0xFF, 0x5A]).is_err());
    assert!(Tag::from_bytes(&[0xFF, 0x80, 0x01]).is_err());
    assert!(Tag::from_bytes(&[0xFF, 0xFF, 0x01]).is_err());
    assert_eq!(
        Tag::from_bytes(&[0xFF, 0x81, 0x05]).unwrap(),
        Tag::DATA_RECORD
    );
    assert_eq!(
        Tag::from_bytes(&[0xFF, 0xFE, 0x01]).unwrap(),
        Tag::new(0x00FF_FE01)
    );
    assert!(Tag::from_bytes(&[0x9F]).is_err());
    assert!(Tag::from_bytes(&[0x5A, 0x00]).is_err());
    assert!(Tag::from_bytes(&[0x9F, 0x81, 0x81, 0x81, 0x01]).is_err());
    assert_eq!(
        Tag::from_bytes(&[0x9F, 0x81, 0x81, 0x01])
            .unwrap()
            .encoded_len(),
        4
    );
}

#[test]
fn tlv_debug_hides_value() {
    let data = [0x5A, 0x02, 0x41, 0x11];
    let tlv = Iter::new(&data, Limits::default()).next().unwrap().unwrap();
    assert_eq!(
        format!("{tlv:?}"),
        "Tlv { tag: Tag(5A \"Application Primary Account Number (PAN)\"), offset: 0, length: 2, .. }"
    );
}

#[test]
fn limits_are_clamped() {
    assert_eq!(Limits::new().with_max_depth(0).max_depth(), 1);
    assert_eq!(
        Limits::new().with_max_depth(1000).max_depth(),
        MAX_DEPTH_CAP
    );
}

#[test]
fn length_field_sizes() {
    assert_eq!(length_field_len(0x7F).unwrap(), 1);
    assert_eq!(length_field_len(0x80).unwrap(), 2);
    assert_eq!(length_field_len(0x100).unwrap(), 3);
    assert_eq!(length_field_len(0xFFFF).unwrap(), 3);
    // EMV Book 3 Annex B2: no `83 xx xx xx` form.
    assert_eq!(MAX_ENCODABLE_LEN, 0xFFFF);
    assert!(length_field_len(0x1_0000).is_err());
}

#[test]
fn padding_rule_at_a_boundary() {
    // `00`: always padding.
    assert!(is_padding_at(&[0x00]));
    assert!(is_padding_at(&[0x00, 0x81]));
    // `FF` last, or before a byte that cannot continue an `FF` tag.
    assert!(is_padding_at(&[0xFF]));
    for second in (0x00..=0x80).chain([0xFF]) {
        assert!(is_padding_at(&[0xFF, second]), "FF {second:02X}");
    }
    // `FF` then `81`-`FE`: a tag of three or more bytes.
    for second in 0x81..=0xFE {
        assert!(!is_padding_at(&[0xFF, second]), "FF {second:02X}");
    }
    // Anything else starts a tag; the empty rest is no padding.
    assert!(!is_padding_at(&[0x5A, 0x00]));
    assert!(!is_padding_at(&[]));
}

#[test]
fn ff_tags_and_ff_padding_side_by_side() {
    // FF padding, FF8105 { 5A 01 12 }, FF FF padding, 5F34 01 00, trailing FF.
    let data = [
        0xFF, 0xFF, 0x81, 0x05, 0x03, 0x5A, 0x01, 0x12, 0xFF, 0xFF, 0x5F, 0x34, 0x01, 0x00, 0xFF,
    ];
    let items: Vec<_> = Iter::new(&data, Limits::default())
        .map(Result::unwrap)
        .collect();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].tag(), Tag::DATA_RECORD);
    assert_eq!(items[0].offset(), 1);
    assert_eq!(items[0].tag().name(), Some("Data Record"));
    let child = items[0].children().unwrap().next().unwrap().unwrap();
    assert_eq!((child.tag(), child.offset()), (Tag::PAN, 5));
    assert_eq!(
        (items[1].tag(), items[1].offset()),
        (Tag::PAN_SEQUENCE_NUMBER, 10)
    );
    assert_eq!(validate(&data, Limits::default()), Ok(3));
}

#[test]
fn ff_before_a_high_tag_is_read_as_a_tag() {
    // The documented ambiguity: `FF 9C 01 00` is the tag FF9C01 with an
    // empty value (as EMV, which has no FF padding, reads it), not padding
    // then 9C.
    let data = [0xFF, 0x9C, 0x01, 0x00];
    let t = Iter::new(&data, Limits::default()).next().unwrap().unwrap();
    assert_eq!((t.tag(), t.value().len()), (Tag::new(0x00FF_9C01), 0));
    // `00` padding there is unambiguous.
    let data = [0x00, 0x9C, 0x01, 0x00];
    let t = Iter::new(&data, Limits::default()).next().unwrap().unwrap();
    assert_eq!((t.tag(), t.value()), (Tag::new(0x9C), &[0x00][..]));
}

#[test]
fn length_field_of_more_than_three_bytes_is_not_emv() {
    for data in [
        &[0x9C, 0x83, 0x00, 0x00, 0x01, 0xAA][..],
        &[0x9C, 0x84, 0x00, 0x00, 0x00, 0x00],
        &[0x9C, 0xFE],
    ] {
        assert_eq!(
            Iter::new(data, Limits::default()).next().unwrap(),
            Err(Error::Tlv(TlvError::LengthFieldTooLong { offset: 1 }))
        );
    }
    assert_eq!(
        validate(&[0x9C, 0xFF], Limits::default()),
        Err(Error::Tlv(TlvError::InvalidLength { offset: 1 }))
    );
    // `82 FF FF` is the longest EMV form; the limit then applies.
    assert_eq!(
        validate(&[0x9C, 0x82, 0xFF, 0xFF], Limits::default()),
        Err(Error::Tlv(TlvError::Truncated { offset: 0 }))
    );
}

#[test]
fn iter_debug_shows_position_not_bytes() {
    // A PAN inside a record template: no digit may reach Debug output.
    let data = [0x70, 0x04, 0x5A, 0x02, 0x41, 0x11];
    let mut iter = Iter::new(&data, Limits::default());
    assert_eq!(format!("{iter:?}"), "Iter { offset: 0, level: 1, .. }");
    let record = iter.next().unwrap().unwrap();
    assert_eq!(format!("{iter:?}"), "Iter { offset: 6, level: 1, .. }");
    let children = record.children().unwrap();
    assert_eq!(format!("{children:?}"), "Iter { offset: 2, level: 2, .. }");
    assert_eq!(
        format!("{children:#?}"),
        "Iter {\n    offset: 2,\n    level: 2,\n    ..\n}"
    );
}

#[test]
fn writer_debug_shows_position_not_bytes() {
    let mut buf = [0u8; 16];
    let mut w = Writer::new(&mut buf);
    assert_eq!(format!("{w:?}"), "Writer { position: 0, capacity: 16, .. }");
    w.primitive(Tag::PAN, &[0x41, 0x11, 0x11, 0x11]).unwrap();
    assert_eq!(format!("{w:?}"), "Writer { position: 6, capacity: 16, .. }");
    assert!(!format!("{w:?}").contains("65")); // 0x41 as a decimal byte
}
