#![no_main]
//! Sealed-envelope opening under a fixed host key. Oracles: never panics;
//! arbitrary bytes never open (the GCM tag cannot be forged); on failure
//! the output buffer holds no plaintext (it is zeroed or untouched).
use paycore::sign::seal::{self, RecipientSecretKey};
use std::sync::OnceLock;

fn host() -> &'static RecipientSecretKey {
    static KEY: OnceLock<RecipientSecretKey> = OnceLock::new();
    KEY.get_or_init(|| RecipientSecretKey::from_secret_scalar(&[0x24; 32]).expect("valid scalar"))
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // The first byte splits the input into AAD and envelope.
    let (aad, envelope) = match data.split_first() {
        Some((n, rest)) => rest.split_at(usize::from(*n).min(rest.len())),
        None => (&[][..], data),
    };
    let mut out = vec![0u8; envelope.len()];
    let result = seal::open(host(), aad, envelope, &mut out);
    assert!(result.is_err(), "random bytes opened as an envelope");
    assert!(out.iter().all(|b| *b == 0));
});
