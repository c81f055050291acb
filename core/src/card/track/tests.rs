use super::*;

// LRC worked examples: MagTek "I/O Interface for TTL Magnetic Stripe
// Readers" (99821002), Section 3 "LRC Calculation" (track 2: B 0 F -> 4,
// B 0 1 F -> 5, B 0 1 2 3 F -> 4) and the track 1 example for "AT3"
// (start sentinel, A, T, 3, end sentinel -> LRC '<', 0x1C).
#[test]
fn lrc_magtek_examples() {
    assert_eq!(track2_lrc(b";0?"), Some(b'4'));
    assert_eq!(track2_lrc(b";01?"), Some(b'5'));
    assert_eq!(track2_lrc(b";0123?"), Some(b'4'));
    assert_eq!(track1_lrc(b"%AT3?"), Some(b'<'));
    // Outside the character sets.
    assert_eq!(track2_lrc(b";0A?"), None);
    assert_eq!(track1_lrc(b"%at3?"), None);
}

#[test]
fn debug_is_redacted_exactly() {
    let t2 = Track2::parse(";5266092201416174=16042010000056700100?").unwrap();
    assert_eq!(format!("{t2:?}"), "Track2 { pan: 526609******6174, .. }");
    let t1 = Track1::parse(
        "%B5266092201416174^FATEHI/SUALEH^16042010000000000000000000000000000567001000?",
    )
    .unwrap();
    assert_eq!(format!("{t1:?}"), "Track1 { pan: 526609******6174, .. }");
    let sc = ServiceCode::from_ascii(b"201").unwrap();
    assert_eq!(format!("{sc:?}"), "ServiceCode(201)");
}

// Digit meanings: ISO/IEC 7813 §10.2.4 (as summarised in the issue).
#[test]
#[allow(clippy::type_complexity)]
fn service_code_digits() {
    let cases: [(
        &[u8; 3],
        Interchange,
        Authorization,
        AllowedServices,
        bool,
        bool,
    ); 6] = [
        (
            b"101",
            Interchange::International,
            Authorization::Normal,
            AllowedServices::NoRestrictions,
            false,
            false,
        ),
        (
            b"201",
            Interchange::InternationalIcc,
            Authorization::Normal,
            AllowedServices::NoRestrictions,
            true,
            false,
        ),
        (
            b"620",
            Interchange::NationalIcc,
            Authorization::ByIssuer,
            AllowedServices::NoRestrictionsPinRequired,
            true,
            true,
        ),
        (
            b"543",
            Interchange::National,
            Authorization::ByIssuerUnlessBilateral,
            AllowedServices::AtmOnlyPinRequired,
            false,
            true,
        ),
        (
            b"726",
            Interchange::Private,
            Authorization::ByIssuer,
            AllowedServices::NoRestrictionsPinIfPed,
            false,
            false,
        ),
        (
            b"915",
            Interchange::Test,
            Authorization::Reserved,
            AllowedServices::GoodsAndServicesPinRequired,
            false,
            true,
        ),
    ];
    for (code, i, a, s, chip, pin) in cases {
        let sc = ServiceCode::from_ascii(code).unwrap();
        assert_eq!(sc.interchange(), i);
        assert_eq!(sc.authorization(), a);
        assert_eq!(sc.allowed_services(), s);
        assert_eq!(sc.requires_chip(), chip);
        assert_eq!(sc.pin_required(), pin);
    }
    let sc = ServiceCode::from_ascii(b"398").unwrap();
    assert_eq!(sc.interchange(), Interchange::Reserved);
    assert_eq!(sc.allowed_services(), AllowedServices::Reserved);
    assert_eq!(sc.digits(), [3, 9, 8]);
    assert!(
        ServiceCode::from_ascii(b"727")
            .unwrap()
            .pin_if_ped_present()
    );
    assert_eq!(AllowedServices::CashOnly.description(), "cash only");
    assert!(ServiceCode::from_ascii(b"2a1").is_err());
    assert!(ServiceCode::from_ascii(b"20").is_err());
}

#[test]
fn expiry_validation() {
    assert!(Expiry::new(25, 12).is_ok());
    assert!(Expiry::new(25, 0).is_err());
    assert!(Expiry::new(25, 13).is_err());
    assert!(Expiry::new(100, 1).is_err());
    assert_eq!(
        Expiry::from_ascii(b"2601").unwrap(),
        Expiry { year: 26, month: 1 }
    );
    assert!(Expiry::from_ascii(b"26a1").is_err());
}

#[test]
fn encode_buffer_and_argument_errors() {
    let t2 = Track2::parse("5266092201416174=1604201").unwrap();
    let mut small = [0u8; 10];
    assert_eq!(
        t2.encode(TrackEncoding::BARE, &mut small).unwrap_err(),
        Error::buffer_too_small(24, 10)
    );
    let mut out = [0u8; 40];
    assert!(
        t2.encode(
            TrackEncoding {
                sentinels: false,
                lrc: true
            },
            &mut out
        )
        .is_err()
    );
    let mut tag = [0u8; 5];
    assert_eq!(
        t2.to_tag57(&mut tag).unwrap_err(),
        Error::buffer_too_small(12, 5)
    );
}

// Security review regression: a character below the track's character set
// (space 0x20 < 0x30 in track 2, control characters < 0x20 in track 1)
// must be rejected, not underflow (debug builds used to panic on
// `c - 0x30` before the range check).
#[test]
fn lrc_below_range_is_rejected_without_panic() {
    assert_eq!(track2_lrc(b";52 66?"), None);
    assert_eq!(track2_lrc(b"; ?"), None);
    assert_eq!(track2_lrc(&[b';', 0x00, b'?']), None);
    assert_eq!(track2_lrc(&[b';', 0x2F, b'?']), None);
    assert_eq!(track2_lrc(&[b';', 0x40, b'?']), None);
    assert_eq!(track1_lrc(&[b'%', b'B', 0x1F, b'?']), None);
    assert_eq!(track1_lrc(&[b'%', 0x00, b'?']), None);
    assert_eq!(track1_lrc(&[b'%', 0x60, b'?']), None);
    // Boundaries still accepted.
    assert_eq!(track2_lrc(&[0x30]), Some(0x30));
    assert_eq!(track2_lrc(&[0x3F]), Some(0x3F));
    assert_eq!(track1_lrc(&[0x20]), Some(0x20));
    assert_eq!(track1_lrc(&[0x5F]), Some(0x5F));
    // The inputs the review found, through the parsers.
    assert!(Track2::parse(";52 66?1").is_err());
    assert!(Track2::from_ascii(&[b';', b'5', 0x01, b'?', b'1']).is_err());
    assert!(Track1::from_ascii(b"%B52\x0166^A/B^1604201?1").is_err());
    assert!(Track1::from_ascii(&[b'%', b'B', 0x1F, b'?', b'1']).is_err());
}
