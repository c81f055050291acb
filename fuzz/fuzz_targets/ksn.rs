//! KSN parsing and host derivation on arbitrary bytes.
//!
//! Oracles: a KSN parses exactly when it is 10 or 12 bytes and then
//! round-trips byte for byte; the one-call `derive` under fixed BDKs never
//! panics, fails only with the documented errors, and is deterministic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paycore::Error;
use paycore::error::DukptError;
use paycore::keys::dukpt::{self, Ksn, WorkingKeyType, WorkingKeyUsage};
use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};

fn bdk(algorithm: Algorithm, material: &[u8]) -> Key {
    Key::new(
        algorithm,
        material,
        KeyAttributes::new(KeyUsage::Bdk, ModeOfUse::Derive),
    )
    .unwrap()
}

fuzz_target!(|data: &[u8]| {
    let (selector, ksn) = data.split_first().map_or((0, data), |(s, r)| (*s, r));
    match Ksn::parse(ksn) {
        Ok(parsed) => {
            assert!(ksn.len() == 10 || ksn.len() == 12);
            assert_eq!(parsed.as_bytes(), ksn);
            assert_eq!(Ksn::parse(parsed.as_bytes()), Ok(parsed));
        }
        Err(e) => {
            assert_eq!(
                e,
                Error::Dukpt(DukptError::InvalidKsnLength { length: ksn.len() })
            );
            return;
        }
    }
    // X9.24-1:2009 A.4 and X9.24-3-2017 supplement test BDKs.
    let bdk = if ksn.len() == 10 {
        bdk(
            Algorithm::Tdes2,
            &[
                0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54,
                0x32, 0x10,
            ],
        )
    } else {
        bdk(
            Algorithm::Aes128,
            &[
                0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1,
                0xF1, 0xF1,
            ],
        )
    };
    let usage = WorkingKeyUsage::ALL[usize::from(selector & 0x0F) % WorkingKeyUsage::ALL.len()];
    let key_type = WorkingKeyType::ALL[usize::from(selector >> 4) % WorkingKeyType::ALL.len()];
    match dukpt::derive(&bdk, ksn, usage, key_type) {
        Ok(key) => {
            assert_eq!(key.algorithm(), key_type.algorithm());
            let again = dukpt::derive(&bdk, ksn, usage, key_type).unwrap();
            assert_eq!(
                key.dangerous_expose_secret(),
                again.dangerous_expose_secret()
            );
        }
        Err(e) => assert!(
            matches!(
                e,
                Error::Dukpt(
                    DukptError::InvalidCounter
                        | DukptError::KeyTypeTooStrong
                        | DukptError::UnsupportedUsage
                )
            ),
            "unexpected error {e:?}"
        ),
    }
});
