use super::*;

#[test]
fn kinds_are_stable() {
    assert_eq!(
        Error::VerificationFailed.kind(),
        ErrorKind::VerificationFailed
    );
    assert_eq!(
        Error::buffer_too_small(8, 4).kind(),
        ErrorKind::BufferTooSmall
    );
    assert_eq!(
        Error::from(TlvError::DepthLimit {
            offset: 0,
            limit: 8
        })
        .kind(),
        ErrorKind::LimitExceeded
    );
    assert_eq!(
        Error::from(KeyError::UsageNotPermitted).kind(),
        ErrorKind::KeyUsage
    );
    assert_eq!(
        Error::from(DukptError::CounterExhausted).kind(),
        ErrorKind::CounterExhausted
    );
}

#[test]
fn messages_name_positions_only() {
    assert_eq!(
        Error::from(PanError::NonDigit { position: 3 }).to_string(),
        "PAN: non-digit character at position 3"
    );
    assert_eq!(
        Error::buffer_too_small(16, 8).to_string(),
        "output buffer too small: 16 bytes required, 8 provided"
    );
    assert_eq!(Error::VerificationFailed.to_string(), "verification failed");
}

#[test]
fn cup_messages_and_kinds() {
    let cases = [
        (
            CupError::Field62Length {
                expected: 60,
                actual: 59,
            },
            "CUP: field 62 is 59 bytes, its layout needs 60",
        ),
        (
            CupError::Field62MakPadding,
            "CUP: field 62 MAK padding is not zero",
        ),
        (
            CupError::TrackLength { digits: 21 },
            "CUP: track data of 21 digits does not fit the cipher block",
        ),
        (
            CupError::TrackCharacter { position: 7 },
            "CUP: track data has an invalid character at position 7",
        ),
        (
            CupError::TrackUndecodable,
            "CUP: decrypted track data does not decode",
        ),
        (CupError::Sm016, "CUP: malformed SM016 element"),
    ];
    for (e, text) in cases {
        assert_eq!(Error::from(e).to_string(), text);
        assert_eq!(Error::from(e).kind(), ErrorKind::Malformed);
    }
}
