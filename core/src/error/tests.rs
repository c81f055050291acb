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
