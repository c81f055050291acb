//! China UnionPay sign-on field 62 parsing and installation on arbitrary
//! bytes, every layout, 4- and 8-byte check values.
//!
//! Oracles: parsing never panics; a field that parses re-encodes to exactly
//! the same bytes; installation under a fixed TMK either fails or returns
//! keys whose check values are the ones in the field (nothing is installed
//! against a check value that does not match); an SM4 PIN block deciphered
//! from the tail of the input never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paycore::cup::{self, CupRole, Field62, PanFill, SignOnLayout, Sm4PinPadding};
use paycore::keys::kcv::{Kcv, KcvMethod};
use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let layout = match selector % 5 {
        0 => SignOnLayout::Des001,
        1 => SignOnLayout::Tdes003,
        2 => SignOnLayout::Tdes004,
        3 => SignOnLayout::Sm4005,
        _ => SignOnLayout::Sm4006,
    };
    let kcv_len = if selector & 0x80 != 0 { 8 } else { 4 };
    let Ok(field) = Field62::parse(layout, kcv_len, rest) else {
        return;
    };
    let mut out = [0u8; 128];
    let n = field.encode(&mut out).expect("a parsed field re-encodes");
    assert_eq!(&out[..n], rest, "re-encoding changed the field");

    let (alg, material): (Algorithm, &[u8]) = if layout.is_sm4() {
        (Algorithm::Sm4, &[0x11; 16])
    } else {
        (
            Algorithm::Tdes2,
            &[
                0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 8, 7, 6, 5, 4, 3, 2, 1,
            ],
        )
    };
    let tmk = Key::new(
        alg,
        material,
        KeyAttributes::new(KeyUsage::KeyEncryption, ModeOfUse::Decrypt),
    )
    .expect("valid TMK");
    if let Ok(keys) = cup::install(&tmk, &field, CupRole::Host) {
        let check = |key: &Key, expected: &[u8]| {
            Kcv::verify(key, KcvMethod::Cup, expected)
                .expect("installed key matches its check value");
        };
        check(&keys.pik, field.pik.check_value);
        check(&keys.mak, field.mak.check_value);
        if let (Some(k), Some(t)) = (&keys.tdk, field.tdk) {
            check(k, t.check_value);
        }
        assert_eq!(keys.tdk.is_some(), layout.has_tdk());
        if layout.is_sm4() {
            let _ = cup::decipher_sm4_pin(
                &keys.pik,
                field.pik.cryptogram,
                None,
                PanFill::Fill1,
                Sm4PinPadding::F,
            );
        }
    }
});
