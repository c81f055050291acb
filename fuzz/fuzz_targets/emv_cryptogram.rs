//! Fuzz EMV application cryptograms (`paycore::emv`).
//!
//! Input: cvn selector (top bit: map the PAN to 12-19 digits), PSN, ATC (2), UN (4), PAN length n, n PAN bytes,
//! flip index (2), then the transaction data (also read as CDOL || TLV).
//!
//! Oracles:
//! - ICC master key derivation accepts exactly the PANs of 12-19 ASCII
//!   digits with a PSN of at most 99, and never panics otherwise;
//! - the card side (derive, session key per CVN, ARQC) and the host side
//!   (`verify_arqc`) agree: the genuine ARQC verifies and its ARPC is
//!   accepted by the card key;
//! - one flipped bit anywhere in the data or in the ARQC, or another ATC,
//!   is `VerificationFailed` (no accept after tamper);
//! - `cdol_data` on arbitrary DOL and TLV bytes never panics and, when it
//!   succeeds, writes exactly the DOL's total length.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paycore::Error;
use paycore::card::dol::Dol;
use paycore::emv::{self, ArpcMethod, Cvn, Transaction};
use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};

const CVNS: [Cvn; 7] = [
    Cvn::Visa10,
    Cvn::Visa18,
    Cvn::Visa22,
    Cvn::Mastercard16,
    Cvn::Mastercard17,
    Cvn::Mastercard20,
    Cvn::Mastercard21,
];

fuzz_target!(|input: &[u8]| {
    let [sel, psn, a0, a1, u0, u1, u2, u3, n, rest @ ..] = input else {
        return;
    };
    let n = usize::from(*n).min(rest.len());
    let (pan, rest) = rest.split_at(n);
    let [f0, f1, data @ ..] = rest else {
        return;
    };
    let cvn = CVNS[usize::from(*sel & 0x7F) % CVNS.len()];
    // With the top selector bit set the PAN bytes are mapped to digits and
    // the length into 12-19, so the deep path is reached on most inputs.
    let digits: Vec<u8>;
    let pan = if sel & 0x80 != 0 && pan.len() >= 12 {
        digits = pan.iter().take(19).map(|b| b'0' + b % 10).collect();
        &digits[..]
    } else {
        pan
    };
    let (atc, un) = ([*a0, *a1], [*u0, *u1, *u2, *u3]);
    let psn = (*psn != 0xFF).then_some(*psn);

    // cdol_data over arbitrary bytes.
    let split = usize::from(*f0) % (data.len() + 1);
    let (cdol, tlv) = data.split_at(split);
    let mut out = vec![0u8; 2048];
    if let Ok(written) = emv::cdol_data(cdol, tlv, &mut out) {
        assert_eq!(written, Dol::parse(cdol).expect("parsed").total_len());
    }

    let imk = Key::new(
        Algorithm::Tdes2,
        &[0x5Cu8; 16],
        KeyAttributes::new(KeyUsage::EmvApplicationCryptogram, ModeOfUse::Derive),
    )
    .expect("key");
    let valid_pan = (12..=19).contains(&pan.len()) && pan.iter().all(u8::is_ascii_digit);
    let valid_psn = psn.is_none_or(|p| p <= 99);
    let mk = emv::derive_icc_master_key(&imk, pan, psn, cvn.master_key_option());
    assert_eq!(mk.is_ok(), valid_pan && valid_psn);
    let Ok(mk) = mk else {
        return;
    };

    // Card side.
    let sk = match cvn {
        Cvn::Visa10 => None,
        Cvn::Mastercard16 | Cvn::Mastercard17 => {
            Some(emv::mastercard_session_key(&mk, atc, un).expect("sk"))
        }
        _ => Some(emv::ac_session_key(&mk, atc).expect("sk")),
    };
    let ac_key = sk.as_ref().unwrap_or(&mk);
    let arqc = emv::generate_ac(ac_key, data, cvn.padding()).expect("arqc");

    // Host side.
    let tx = Transaction {
        pan,
        psn,
        atc,
        unpredictable_number: un,
        data,
        arqc: arqc.as_bytes(),
    };
    let verified = emv::verify_arqc(&imk, cvn, &tx).expect("genuine ARQC verifies");
    match cvn.arpc_method() {
        ArpcMethod::Method1 => {
            let arpc = verified.arpc_method1(&[f0 & 0x3F, *f1]).expect("arpc");
            let key = match cvn {
                Cvn::Mastercard20 | Cvn::Mastercard21 => ac_key,
                _ => &mk,
            };
            emv::verify_arpc_method1(key, arqc.as_bytes(), &[f0 & 0x3F, *f1], arpc.as_bytes())
                .expect("card accepts the ARPC");
        }
        _ => {
            let arpc = verified.arpc_method2(&[*f0, *f1, 0, 0], &[]).expect("arpc");
            emv::verify_arpc_method2(
                ac_key,
                arqc.as_bytes(),
                &[*f0, *f1, 0, 0],
                &[],
                arpc.as_bytes(),
            )
            .expect("card accepts the ARPC");
        }
    }

    // Tamper: one bit of the data, one bit of the ARQC, another ATC.
    let flip = usize::from(u16::from_be_bytes([*f0, *f1]));
    if !data.is_empty() {
        let mut bad = data.to_vec();
        let bit = flip % (bad.len() * 8);
        bad[bit / 8] ^= 1 << (bit % 8);
        let t = Transaction { data: &bad, ..tx };
        assert_eq!(
            emv::verify_arqc(&imk, cvn, &t).unwrap_err(),
            Error::VerificationFailed
        );
    }
    let mut bad = *arqc.as_bytes();
    bad[(flip / 8) % 8] ^= 1 << (flip % 8);
    let t = Transaction { arqc: &bad, ..tx };
    assert_eq!(
        emv::verify_arqc(&imk, cvn, &t).unwrap_err(),
        Error::VerificationFailed
    );
    if cvn != Cvn::Visa10 {
        let t = Transaction {
            atc: [a0 ^ 0x80, *a1],
            ..tx
        };
        assert_eq!(
            emv::verify_arqc(&imk, cvn, &t).unwrap_err(),
            Error::VerificationFailed
        );
    }
});
