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
    assert_eq!(length_field_len(0x1_0000).unwrap(), 4);
    assert!(length_field_len(MAX_ENCODABLE_LEN + 1).is_err());
}
