#![no_main]
//! ECDSA signature parsing. Oracles: an accepted DER signature re-encodes
//! to exactly the input (strict DER, no non-canonical acceptance); an
//! accepted raw r||s round-trips; verification of either never panics and
//! random bytes never verify under a fixed key for a fixed message.
use paycore::sign::ecdsa::{MAX_DER_SIGNATURE_LEN, SPolicy, Signature, VerifyingKey};
use std::sync::OnceLock;

fn key() -> &'static VerifyingKey {
    static KEY: OnceLock<VerifyingKey> = OnceLock::new();
    KEY.get_or_init(|| {
        paycore::sign::ecdsa::DeviceSigningKey::from_secret_scalar(&[0x42; 32])
            .expect("valid scalar")
            .verifying_key()
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(sig) = Signature::from_der(data) {
        let mut buf = [0u8; MAX_DER_SIGNATURE_LEN];
        let n = sig.encode_der(&mut buf).expect("fits");
        assert_eq!(&buf[..n], data, "non-canonical DER accepted");
        assert!(key().verify(b"fuzz", &sig, SPolicy::AcceptHighS).is_err());
    }
    if let Ok(sig) = Signature::from_raw(data) {
        assert_eq!(&sig.to_raw()[..], data);
        assert!(sig.normalize_s().is_low_s());
        assert!(key().verify(b"fuzz", &sig, SPolicy::AcceptHighS).is_err());
    }
    let _ = VerifyingKey::from_sec1(data);
    let _ = VerifyingKey::from_spki_der(data);
});
