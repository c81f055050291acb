//! The demo's chip authorisation (EMV 4.4 Book 2 §8): the card computes an
//! ARQC over the CDOL1 data the terminal gave it, the issuer host verifies
//! it and answers with an ARPC, which the card checks; a one-bit change to
//! the amount is refused. Visa CVN 18: ICC master key option B, common
//! session key, ISO/IEC 9797-1 algorithm 3 with padding method 2, ARPC
//! method 2.

use paycore::Error;
use paycore::card::pan::Pan;
use paycore::card::tlv::{Tag, Writer};
use paycore::emv::{self, Cvn, MasterKeyOption, Transaction};
use paycore::keys::{Algorithm, Exportability, Key, KeyAttributes, KeyUsage, ModeOfUse};
use paycore::mac::Padding;
use rand::RngCore;
use rand::rngs::OsRng;
use serde_json::json;

use super::{Transcript, kcv};
use crate::output::{CliError, hex_upper};

/// CDOL1 (tag 8C) of the card: amount, other amount, terminal country,
/// TVR, currency, date, type, unpredictable number.
const CDOL1: [u8; 21] = [
    0x9F, 0x02, 0x06, 0x9F, 0x03, 0x06, 0x9F, 0x1A, 0x02, 0x95, 0x05, 0x5F, 0x2A, 0x02, 0x9A, 0x03,
    0x9C, 0x01, 0x9F, 0x37, 0x04,
];
/// Application Interchange Profile (82) and Issuer Application Data
/// (9F10, Visa format: CVN 18 in byte 3) the card adds to the MACed data.
const AIP: [u8; 2] = [0x18, 0x00];
const IAD: [u8; 7] = [0x06, 0x01, 0x12, 0x03, 0xA0, 0x00, 0x00];
/// Card Status Update of the approval.
const CSU: [u8; 4] = [0x00, 0x80, 0x00, 0x00];

/// `amount` (minor units) as the 6-byte BCD of tag 9F02 (n 12).
fn amount_bcd(amount: u64) -> [u8; 6] {
    let mut out = [0u8; 6];
    let mut rest = amount;
    for byte in out.iter_mut().rev() {
        let lo = u8::try_from(rest % 10).unwrap_or(0);
        rest /= 10;
        let hi = u8::try_from(rest % 10).unwrap_or(0);
        rest /= 10;
        *byte = (hi << 4) | lo;
    }
    out
}

/// Runs the chip authorisation for `pan` and `amount`; true when every
/// check held (ARQC verified, ARPC accepted by the card, tampered amount
/// refused).
pub(super) fn authorise(t: &mut Transcript, pan: &Pan, amount: u64) -> Result<bool, CliError> {
    let mut rng = OsRng;
    t.heading("Chip authorisation (EMV, Visa CVN 18)");
    // Issuer: an AC master key that never leaves its HSM (`N`).
    let mut imk_bytes = [0u8; 16];
    rng.fill_bytes(&mut imk_bytes);
    let imk = Key::new(
        Algorithm::Tdes2,
        &imk_bytes,
        KeyAttributes::new(KeyUsage::EmvApplicationCryptogram, ModeOfUse::Derive)
            .with_exportability(Exportability::NonExportable),
    )?;
    imk_bytes.fill(0);
    // EXPOSE: the PAN diversifies the card key, as personalisation does.
    let pan_digits = pan.expose_secret().as_bytes();
    let psn = Some(1);
    let card_mk = emv::derive_icc_master_key(&imk, pan_digits, psn, MasterKeyOption::B)?;
    t.step(
        "Issuer keys",
        &format!(
            "IMK-AC (E0, non-exportable) KCV {}; card MK (option B, PSN 01) KCV {}",
            kcv(&imk)?,
            kcv(&card_mk)?
        ),
        json!({"imk_kcv": kcv(&imk)?, "card_mk_kcv": kcv(&card_mk)?}),
    );

    // Terminal: the CDOL1 data from its own data objects.
    let mut un = [0u8; 4];
    rng.fill_bytes(&mut un);
    let mut tlv_buf = [0u8; 96];
    let tlv_len = {
        let mut w = Writer::new(&mut tlv_buf);
        w.primitive(Tag::AMOUNT_AUTHORISED, &amount_bcd(amount))?;
        w.primitive(Tag::AMOUNT_OTHER, &[0; 6])?;
        w.primitive(Tag::TERMINAL_COUNTRY_CODE, &[0x08, 0x40])?;
        w.primitive(Tag::TVR, &[0; 5])?;
        w.primitive(Tag::TRANSACTION_CURRENCY_CODE, &[0x08, 0x40])?;
        w.primitive(Tag::TRANSACTION_DATE, &[0x26, 0x12, 0x02])?;
        w.primitive(Tag::TRANSACTION_TYPE, &[0x00])?;
        w.primitive(Tag::UNPREDICTABLE_NUMBER, &un)?;
        w.position()
    };
    let mut cdol1_data = [0u8; 29];
    let n = emv::cdol_data(
        &CDOL1,
        tlv_buf.get(..tlv_len).unwrap_or_default(),
        &mut cdol1_data,
    )?;
    t.step(
        "Terminal: CDOL1 data",
        &format!("{n} bytes from 8 data objects: {}", hex_upper(&cdol1_data)),
        json!({"cdol1_data": hex_upper(&cdol1_data)}),
    );

    // Card: GENERATE AC over CDOL1 data || AIP || ATC || IAD.
    let atc = [0x00, 0x2A];
    let mac_data = [cdol1_data.as_slice(), &AIP, &atc, &IAD].concat();
    let card_sk = emv::ac_session_key(&card_mk, atc)?;
    let arqc = emv::generate_ac(&card_sk, &mac_data, Padding::Method2)?;
    t.step(
        "Card: ARQC",
        &format!(
            "ATC {}, session key KCV {}: ARQC {}",
            hex_upper(&atc),
            kcv(&card_sk)?,
            hex_upper(arqc.as_bytes())
        ),
        json!({"atc": hex_upper(&atc), "arqc": hex_upper(arqc.as_bytes())}),
    );

    // Issuer host: one call derives, verifies and prepares the ARPC.
    let tx = Transaction {
        pan: pan_digits,
        psn,
        atc,
        unpredictable_number: un,
        data: &mac_data,
        arqc: arqc.as_bytes(),
    };
    let verified = emv::verify_arqc(&imk, Cvn::Visa18, &tx)?;
    let arpc = verified.arpc_method2(&CSU, &[])?;
    t.step(
        "Host: verify ARQC, ARPC",
        &format!(
            "ARQC valid; ARPC (method 2, CSU {}) {}",
            hex_upper(&CSU),
            hex_upper(arpc.as_bytes())
        ),
        json!({"arqc_valid": true, "arpc": hex_upper(arpc.as_bytes())}),
    );

    // Card: EXTERNAL AUTHENTICATE / second GENERATE AC checks the ARPC.
    let arpc_ok =
        emv::verify_arpc_method2(&card_sk, arqc.as_bytes(), &CSU, &[], arpc.as_bytes()).is_ok();
    t.step(
        "Card: verify ARPC",
        if arpc_ok {
            "issuer authenticated"
        } else {
            "ARPC REJECTED"
        },
        json!({"arpc_valid": arpc_ok}),
    );

    // One bit of the amount changed on the way to the host.
    let mut tampered = mac_data.clone();
    if let Some(byte) = tampered.get_mut(5) {
        *byte ^= 0x01;
    }
    let tx = Transaction {
        data: &tampered,
        ..tx
    };
    let rejected = matches!(
        emv::verify_arqc(&imk, Cvn::Visa18, &tx),
        Err(Error::VerificationFailed)
    );
    t.step(
        "Host: amount + 1 bit",
        if rejected {
            "ARQC refused (verification failed)"
        } else {
            "TAMPERED ARQC ACCEPTED"
        },
        json!({"tampered_rejected": rejected}),
    );
    Ok(arpc_ok && rejected)
}
