use super::*;

#[test]
fn dictionary_has_no_duplicate_tags() {
    for (i, a) in DICTIONARY.iter().enumerate() {
        for b in DICTIONARY.iter().skip(i + 1) {
            assert_ne!(a.tag, b.tag, "duplicate {}", a.tag);
        }
    }
}

#[test]
fn dictionary_tags_are_well_formed() {
    for info in DICTIONARY {
        let parsed = Tag::from_bytes(info.tag.as_bytes()).unwrap();
        assert_eq!(parsed, info.tag, "{}", info.tag);
    }
}

#[test]
fn covers_the_issue_list() {
    // The tags the terminal must know (EMV Book 3 Annex A, issue list).
    let required: &[u32] = &[
        0x4F, 0x50, 0x57, 0x5A, 0x5F20, 0x5F24, 0x5F25, 0x5F28, 0x5F2A, 0x5F2D, 0x5F30, 0x5F34,
        0x61, 0x6F, 0x70, 0x77, 0x80, 0x82, 0x84, 0x87, 0x88, 0x8A, 0x8C, 0x8D, 0x8E, 0x8F, 0x90,
        0x92, 0x93, 0x94, 0x95, 0x9A, 0x9B, 0x9C, 0x9F02, 0x9F03, 0x9F06, 0x9F07, 0x9F08, 0x9F09,
        0x9F0D, 0x9F0E, 0x9F0F, 0x9F10, 0x9F11, 0x9F12, 0x9F13, 0x9F17, 0x9F1A, 0x9F1E, 0x9F1F,
        0x9F21, 0x9F26, 0x9F27, 0x9F32, 0x9F33, 0x9F34, 0x9F35, 0x9F36, 0x9F37, 0x9F38, 0x9F39,
        0x9F40, 0x9F41, 0x9F42, 0x9F44, 0x9F45, 0x9F46, 0x9F47, 0x9F48, 0x9F49, 0x9F4A, 0x9F4B,
        0x9F4C, 0x9F4D, 0x9F4E, 0x9F5D, 0x9F66, 0x9F6C, 0x9F6E, 0x9F7C, 0xA5, 0xBF0C,
    ];
    for raw in required {
        assert!(lookup(Tag::new(*raw)).is_some(), "{raw:X} missing");
    }
    assert!(DICTIONARY.len() >= 80);
}

#[test]
fn sensitive_tags() {
    for raw in [
        0x56, 0x57, 0x5A, 0x5F20, 0x9F1F, 0x9F20, 0x9F6B, 0x99, 0x9F0B,
    ] {
        assert!(is_sensitive(Tag::new(raw)), "{raw:X}");
    }
    for raw in [0x4F, 0x9F02, 0x82, 0x94, 0x9F26] {
        assert!(!is_sensitive(Tag::new(raw)), "{raw:X}");
    }
    assert!(!is_sensitive(Tag::new(0xDF01)));
}

#[test]
fn templates_are_var_and_constructed() {
    for info in DICTIONARY {
        if info.tag.is_constructed() {
            assert_eq!(info.format, Format::Var, "{}", info.tag);
        }
    }
}

#[test]
fn formats_print_their_emv_names() {
    assert_eq!(Format::Cn.to_string(), "cn");
    assert_eq!(Format::Ans.as_str(), "ans");
}
