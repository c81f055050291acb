//! `paycore emv icc-mk | session-key | arqc | verify-arqc | arpc` (EMV 4.4
//! Book 2 §8 and Annex A1).
//!
//! The shell has no key block to carry attributes, so each key gets the
//! EMV usage its role needs: `E0` (application cryptograms), with mode `X`
//! for an issuer master key, `N` for an ICC master key (it derives and, for
//! ARPC method 1 in some CVNs, computes cryptograms), `C` for a session key.

use paycore::Error;
use paycore::emv::{self, MasterKeyOption};
use paycore::keys::kcv::{Kcv, KcvMethod};
use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
use paycore::mac::Padding;
use serde_json::{Map, json};

use crate::cli::{ArpcMethodArg, EmvCommand, EmvOption, MacPadding};
use crate::output::{CliError, Output, arg_or_stdin, hex_upper, parse_hex};

fn key(name: &str, text: &str, mode: ModeOfUse) -> Result<Key, CliError> {
    let material = parse_hex(name, text)?;
    Ok(Key::new(
        Algorithm::from_len(false, material.len())?,
        &material,
        KeyAttributes::new(KeyUsage::EmvApplicationCryptogram, mode),
    )?)
}

fn padding(p: MacPadding) -> Padding {
    match p {
        MacPadding::Method1 => Padding::Method1,
        MacPadding::Method2 => Padding::Method2,
    }
}

/// `{key, kcv}` of a derived key (legacy KCV, 3 bytes).
fn key_output(key: &Key) -> Result<Output, CliError> {
    let mut map = Map::new();
    // EXPOSE: these commands exist to print the derived key.
    map.insert(
        "key".into(),
        json!(hex_upper(key.dangerous_expose_secret()?)),
    );
    map.insert(
        "kcv".into(),
        json!(hex_upper(
            Kcv::compute(key, KcvMethod::Legacy, 3)?.as_bytes()
        )),
    );
    Ok(Output::table(map))
}

fn psn(text: Option<&str>) -> Result<Option<u8>, CliError> {
    let Some(text) = text else { return Ok(None) };
    let bad = || CliError::argument("--psn: expected two decimal digits (00-99)");
    if text.len() != 2 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    text.parse::<u8>().map(Some).map_err(|_| bad())
}

pub(crate) fn run(cmd: EmvCommand) -> Result<Output, CliError> {
    match cmd {
        EmvCommand::IccMk {
            imk,
            pan,
            psn: psn_text,
            option,
        } => {
            let imk = key("imk", &imk, ModeOfUse::Derive)?;
            let pan = arg_or_stdin("pan", &pan)?;
            let option = match option {
                EmvOption::A => MasterKeyOption::A,
                EmvOption::B => MasterKeyOption::B,
            };
            let mk = emv::derive_icc_master_key(
                &imk,
                pan.as_bytes(),
                psn(psn_text.as_deref())?,
                option,
            )?;
            key_output(&mk)
        }
        EmvCommand::SessionKey { mk, r } => {
            let mk = key("mk", &mk, ModeOfUse::NoRestrictions)?;
            let r = parse_hex("r", &r)?;
            key_output(&emv::derive_session_key(&mk, &r)?)
        }
        EmvCommand::Arqc {
            key: k,
            data,
            padding: p,
        } => {
            let k = key("key", &k, ModeOfUse::GenerateVerify)?;
            let data = parse_hex("data", &data)?;
            let ac = emv::generate_ac(&k, &data, padding(p))?;
            let mut map = Map::new();
            map.insert("arqc".into(), json!(hex_upper(ac.as_bytes())));
            Ok(Output::table(map))
        }
        EmvCommand::VerifyArqc {
            key: k,
            data,
            arqc,
            padding: p,
        } => {
            let k = key("key", &k, ModeOfUse::GenerateVerify)?;
            let data = parse_hex("data", &data)?;
            let arqc = parse_hex("arqc", &arqc)?;
            let valid = match emv::verify_ac(&k, &data, padding(p), &arqc) {
                Ok(()) => true,
                Err(Error::VerificationFailed) => false,
                Err(e) => return Err(e.into()),
            };
            let mut map = Map::new();
            map.insert("valid".into(), json!(valid));
            Ok(Output::table(map))
        }
        EmvCommand::Arpc {
            method,
            key: k,
            arqc,
            arc,
            csu,
            pad,
        } => {
            let k = key("key", &k, ModeOfUse::GenerateVerify)?;
            let arqc = parse_hex("arqc", &arqc)?;
            let arpc = match method {
                ArpcMethodArg::Method1 => {
                    if csu.is_some() || pad.is_some() {
                        return Err(CliError::argument("--csu and --pad belong to --method 2"));
                    }
                    let arc = arc.ok_or_else(|| CliError::argument("--method 1 needs --arc"))?;
                    emv::arpc_method1(&k, &arqc, &parse_hex("arc", &arc)?)?
                }
                ArpcMethodArg::Method2 => {
                    if arc.is_some() {
                        return Err(CliError::argument("--arc belongs to --method 1"));
                    }
                    let csu = csu.ok_or_else(|| CliError::argument("--method 2 needs --csu"))?;
                    let pad = match pad {
                        Some(p) => parse_hex("pad", &p)?,
                        None => Vec::new().into(),
                    };
                    emv::arpc_method2(&k, &arqc, &parse_hex("csu", &csu)?, &pad)?
                }
            };
            let mut map = Map::new();
            map.insert("arpc".into(), json!(hex_upper(arpc.as_bytes())));
            Ok(Output::table(map))
        }
    }
}
