//! `paycore sm3`, `paycore sm2 keygen|sign|verify`, `paycore cup unwrap`,
//! and the China UnionPay forms of `kcv`, `pinblock` and `mac` (feature
//! `sm` of paycore).

use paycore::cup::{self, CupRole, Field62, MacOutput, PanFill, SignOnLayout, Sm4PinPadding};
use paycore::keys::kcv::{Kcv, KcvMethod};
use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
use paycore::pin::Pin;
use paycore::sm::{self, DEFAULT_SM2_ID, Sm2SigningKey};
use rand::rngs::OsRng;
use serde_json::{Map, json};

use crate::cli::{
    CupAlgorithm, CupCommand, CupTrackCommand, KcvAlgorithm, KcvArgs, MacAlgorithm as MacArg,
    MacArgs, MacOutputArg, PanFillArg, PinFormat, PinblockCommand, Sm2Command,
};
use crate::output::{CliError, Output, arg_or_stdin, hex_upper, parse_hex};

fn one(name: &str, value: serde_json::Value) -> Output {
    let mut map = Map::new();
    map.insert(name.into(), value);
    Output::table(map)
}

pub(crate) fn sm3(data: &str) -> Result<Output, CliError> {
    let data = parse_hex("data", data)?;
    Ok(one("digest", json!(hex_upper(&sm::sm3(&data)))))
}

fn id_bytes(id: Option<&str>) -> &[u8] {
    id.map_or(DEFAULT_SM2_ID, str::as_bytes)
}

pub(crate) fn sm2(cmd: Sm2Command) -> Result<Output, CliError> {
    match cmd {
        Sm2Command::Keygen => {
            let key = Sm2SigningKey::generate(&mut OsRng);
            let secret = key.dangerous_export_secret();
            let mut map = Map::new();
            // EXPOSE: keygen's job is to print the new private key.
            map.insert(
                "private_key".into(),
                json!(hex_upper(secret.expose_secret())),
            );
            map.insert("public_key".into(), json!(hex_upper(&key.public_key())));
            Ok(Output::table(map))
        }
        Sm2Command::Sign {
            private_key,
            data,
            id,
        } => {
            let key = Sm2SigningKey::from_bytes(&parse_hex("private-key", &private_key)?)?;
            let data = parse_hex("data", &data)?;
            let signature = key.sign(id_bytes(id.as_deref()), &data, &mut OsRng)?;
            Ok(one("signature", json!(hex_upper(&signature))))
        }
        Sm2Command::Verify {
            public_key,
            data,
            signature,
            id,
        } => {
            let public = parse_hex("public-key", &public_key)?;
            let data = parse_hex("data", &data)?;
            let signature = parse_hex("signature", &signature)?;
            match sm::sm2_verify(&public, id_bytes(id.as_deref()), &data, &signature) {
                Ok(()) => Ok(one("valid", json!(true))),
                // A signature that does not verify is an answer, not an error.
                Err(paycore::Error::VerificationFailed) => Ok(one("valid", json!(false))),
                Err(e) => Err(e.into()),
            }
        }
    }
}

fn cup_algorithm(alg: CupAlgorithm, len: usize) -> Result<Algorithm, CliError> {
    Ok(match alg {
        CupAlgorithm::Des if len == 8 => Algorithm::Des,
        CupAlgorithm::Tdes => Algorithm::from_len(false, len)?,
        CupAlgorithm::Sm4 if len == 16 => Algorithm::Sm4,
        _ => {
            return Err(
                paycore::Error::Key(paycore::error::KeyError::InvalidLength { length: len }).into(),
            );
        }
    })
}

fn tmk_key(tmk: &str, sm4: bool, mode: ModeOfUse) -> Result<Key, CliError> {
    let tmk = parse_hex("tmk", tmk)?;
    let alg = if sm4 {
        cup_algorithm(CupAlgorithm::Sm4, tmk.len())?
    } else {
        Algorithm::from_len(false, tmk.len())?
    };
    Ok(Key::new(
        alg,
        &tmk,
        KeyAttributes::new(KeyUsage::KeyEncryption, mode),
    )?)
}

fn kcv_hex(key: &Key) -> Result<String, CliError> {
    Ok(hex_upper(Kcv::compute(key, KcvMethod::Cup, 4)?.as_bytes()))
}

pub(crate) fn cup(cmd: CupCommand) -> Result<Output, CliError> {
    let (tmk, key, check_value, algorithm) = match cmd {
        CupCommand::Unwrap {
            tmk,
            key,
            check_value,
            algorithm,
        } => (tmk, key, check_value, algorithm),
        CupCommand::Wrap {
            tmk,
            key,
            algorithm,
            kcv_length,
        } => {
            let tmk = tmk_key(&tmk, algorithm == CupAlgorithm::Sm4, ModeOfUse::Encrypt)?;
            let material = parse_hex("key", &key)?;
            let alg = cup_algorithm(algorithm, material.len())?;
            let usage = if alg == Algorithm::Des {
                KeyUsage::MacIso9797Alg1
            } else {
                KeyUsage::DataEncryption
            };
            let key = Key::new(
                alg,
                &material,
                KeyAttributes::new(usage, ModeOfUse::NoRestrictions),
            )?;
            let mut out = [0u8; 32];
            let n = cup::wrap_working_key(&tmk, &key, &mut out)?;
            let kcv = Kcv::compute(&key, KcvMethod::Cup, kcv_length)?;
            let mut map = Map::new();
            map.insert(
                "key".into(),
                json!(hex_upper(out.get(..n).unwrap_or_default())),
            );
            map.insert("kcv".into(), json!(hex_upper(kcv.as_bytes())));
            return Ok(Output::table(map));
        }
        CupCommand::Install {
            tmk,
            field62,
            layout,
            kcv_length,
        } => {
            let layout = SignOnLayout::from_code(layout)?;
            let tmk = tmk_key(&tmk, layout.is_sm4(), ModeOfUse::Decrypt)?;
            let bytes = parse_hex("field62", &field62)?;
            let parsed = Field62::parse(layout, kcv_length, &bytes)?;
            // Host role: the check values of keys that may decipher (a
            // terminal's encrypt-only PIK has one too; the role changes
            // only the modes of use).
            let keys = cup::install(&tmk, &parsed, CupRole::Host)?;
            let mut map = Map::new();
            map.insert("pik_kcv".into(), json!(kcv_hex(&keys.pik)?));
            map.insert("mak_kcv".into(), json!(kcv_hex(&keys.mak)?));
            map.insert(
                "tdk_kcv".into(),
                match &keys.tdk {
                    Some(k) => json!(kcv_hex(k)?),
                    None => serde_json::Value::Null,
                },
            );
            return Ok(Output::table(map));
        }
        CupCommand::Track(cmd) => return track(cmd),
    };
    let tmk = parse_hex("tmk", &tmk)?;
    let cryptogram = parse_hex("key", &key)?;
    let check_value = parse_hex("check-value", &check_value)?;
    let tmk_alg = if algorithm == CupAlgorithm::Sm4 {
        cup_algorithm(CupAlgorithm::Sm4, tmk.len())?
    } else {
        Algorithm::from_len(false, tmk.len())?
    };
    let tmk = Key::new(
        tmk_alg,
        &tmk,
        KeyAttributes::new(KeyUsage::KeyEncryption, ModeOfUse::Decrypt),
    )?;
    let alg = cup_algorithm(algorithm, cryptogram.len())?;
    // The shell carries no usage: a data key, so that the key's check value
    // can be shown (a MAC key's check value is a MAC of a zero block).
    let usage = if alg == Algorithm::Des {
        KeyUsage::MacIso9797Alg1
    } else {
        KeyUsage::DataEncryption
    };
    let attrs = KeyAttributes::new(usage, ModeOfUse::GenerateVerify);
    let attrs = if alg == Algorithm::Des {
        attrs
    } else {
        KeyAttributes::new(usage, ModeOfUse::EncryptDecrypt)
    };
    let key = cup::unwrap_working_key(&tmk, alg, &cryptogram, &check_value, attrs)?;
    let kcv = Kcv::compute(&key, KcvMethod::Cup, 4)?;
    Ok(one("kcv", json!(hex_upper(kcv.as_bytes()))))
}

/// `kcv` with `--algorithm des|sm4` or `--length`: the CUP check value.
pub(crate) fn kcv(args: &KcvArgs) -> Result<Option<Output>, CliError> {
    let cup_alg = matches!(args.algorithm, Some(KcvAlgorithm::Des | KcvAlgorithm::Sm4));
    if !cup_alg && args.length.is_none() {
        return Ok(None);
    }
    let material = parse_hex("key", &args.key)?;
    let algorithm = match args.algorithm {
        Some(KcvAlgorithm::Des) => cup_algorithm(CupAlgorithm::Des, material.len())?,
        Some(KcvAlgorithm::Sm4) => cup_algorithm(CupAlgorithm::Sm4, material.len())?,
        Some(KcvAlgorithm::Aes) => {
            return Err(CliError::argument("--length: des, tdes or sm4 only"));
        }
        _ => Algorithm::from_len(false, material.len())?,
    };
    let key = Key::new(
        algorithm,
        &material,
        KeyAttributes::new(KeyUsage::DataEncryption, ModeOfUse::NoRestrictions),
    )
    .or_else(|_| {
        Key::new(
            algorithm,
            &material,
            KeyAttributes::new(KeyUsage::MacIso9797Alg1, ModeOfUse::GenerateVerify),
        )
    })?;
    let kcv = Kcv::compute(&key, KcvMethod::Cup, args.length.unwrap_or(4))?;
    let mut map = Map::new();
    map.insert("kcv".into(), json!(hex_upper(kcv.as_bytes())));
    map.insert(
        "algorithm".into(),
        json!(format!("{algorithm:?}").to_lowercase()),
    );
    map.insert("method".into(), json!("cup"));
    Ok(Some(Output::table(map)))
}

/// `mac --algorithm cup-ecb|cbc|xor-encrypt --cipher des|tdes|sm4`.
pub(crate) fn cup_mac(args: &MacArgs) -> Result<Output, CliError> {
    let material = parse_hex("key", &args.key)?;
    let data = parse_hex("data", &args.data)?;
    let algorithm = match args.cipher {
        Some(KcvAlgorithm::Des) => cup_algorithm(CupAlgorithm::Des, material.len())?,
        Some(KcvAlgorithm::Sm4) => cup_algorithm(CupAlgorithm::Sm4, material.len())?,
        Some(KcvAlgorithm::Tdes) => Algorithm::from_len(false, material.len())?,
        Some(KcvAlgorithm::Aes) => {
            return Err(CliError::argument("--cipher: des, tdes or sm4"));
        }
        // By length: 8 bytes DES, 16/24 TDES.
        None if material.len() == 8 => Algorithm::Des,
        None => Algorithm::from_len(false, material.len())?,
    };
    let key = Key::new(
        algorithm,
        &material,
        KeyAttributes::new(KeyUsage::MacIso9797Alg1, ModeOfUse::GenerateVerify),
    )?;
    let mac = match args.algorithm {
        MacArg::CupEcb => {
            let output = match args.output {
                Some(MacOutputArg::Bytes) => MacOutput::Bytes,
                _ => MacOutput::Ascii,
            };
            cup::pos_ecb_mac(&key, &data, output)?
        }
        MacArg::XorEncrypt => cup::xor_encrypt_mac(&key, &data)?,
        _ => cup::cbc_mac(&key, &data)?,
    };
    Ok(one("mac", json!(hex_upper(mac.as_bytes()))))
}

fn pan_fill(arg: Option<PanFillArg>) -> PanFill {
    match arg {
        Some(PanFillArg::Fill2) => PanFill::Fill2,
        _ => PanFill::Fill1,
    }
}

fn sm4_pin_key(hex_key: &str) -> Result<Key, CliError> {
    let material = parse_hex("key", hex_key)?;
    Ok(Key::new(
        cup_algorithm(CupAlgorithm::Sm4, material.len())?,
        &material,
        KeyAttributes::new(KeyUsage::PinEncryption, ModeOfUse::EncryptDecrypt),
    )?)
}

/// `pinblock encipher|decipher --format sm4`: `Ok(Err(cmd))` hands every
/// other command back.
pub(crate) fn pinblock(cmd: PinblockCommand) -> Result<Result<Output, PinblockCommand>, CliError> {
    match cmd {
        PinblockCommand::Encipher {
            format: PinFormat::Sm4,
            key,
            pin,
            pan,
            fill,
            pan_fill: fill_method,
        } => {
            let key = sm4_pin_key(&key)?;
            let pin = Pin::new(&arg_or_stdin("pin", &pin)?)?;
            let pan = sm4_pan(pan.as_deref())?;
            let fill_method = pan_fill(fill_method);
            let block = match fill {
                Some(fill) => {
                    let nibbles = fill
                        .chars()
                        .map(|c| c.to_digit(16).and_then(|d| u8::try_from(d).ok()))
                        .collect::<Option<Vec<u8>>>()
                        .ok_or_else(|| CliError::argument("--fill: not hex"))?;
                    cup::encipher_sm4_pin_with_fill(
                        &key,
                        &pin,
                        pan.as_ref(),
                        fill_method,
                        &nibbles,
                    )?
                }
                None => cup::encipher_sm4_pin(
                    &key,
                    &pin,
                    pan.as_ref(),
                    fill_method,
                    Sm4PinPadding::F,
                    &mut OsRng,
                )?,
            };
            Ok(Ok(one("block", json!(hex_upper(&block)))))
        }
        PinblockCommand::Decipher {
            format: PinFormat::Sm4,
            key,
            block,
            pan,
            pan_fill: fill_method,
        } => {
            let key = sm4_pin_key(&key)?;
            let block = parse_hex("block", &block)?;
            let pan = sm4_pan(pan.as_deref())?;
            let pin = cup::decipher_sm4_pin(
                &key,
                &block,
                pan.as_ref(),
                pan_fill(fill_method),
                Sm4PinPadding::F,
            )?;
            // EXPOSE: deciphering the PIN is what the user asked for.
            Ok(Ok(one("pin", json!(pin.expose_secret()))))
        }
        PinblockCommand::Encipher {
            pan_fill: Some(_), ..
        }
        | PinblockCommand::Decipher {
            pan_fill: Some(_), ..
        } => Err(CliError::argument("--pan-fill: only with --format sm4")),
        other => Ok(Err(other)),
    }
}

fn track(cmd: CupTrackCommand) -> Result<Output, CliError> {
    let tdk = |hex_key: &str, algorithm: CupAlgorithm, mode: ModeOfUse| -> Result<Key, CliError> {
        let material = parse_hex("key", hex_key)?;
        Ok(Key::new(
            cup_algorithm(algorithm, material.len())?,
            &material,
            KeyAttributes::new(KeyUsage::DataEncryption, mode),
        )?)
    };
    match cmd {
        CupTrackCommand::Encrypt {
            key,
            algorithm,
            track,
        } => {
            let key = tdk(&key, algorithm, ModeOfUse::Encrypt)?;
            let track = arg_or_stdin("track", &track)?;
            let mut out = [0u8; 52];
            let n = cup::encrypt_track(&key, track.trim().as_bytes(), &mut out)?;
            let mut map = Map::new();
            map.insert(
                "data".into(),
                json!(hex_upper(out.get(..n).unwrap_or_default())),
            );
            map.insert("digits".into(), json!(track.trim().len()));
            Ok(Output::table(map))
        }
        CupTrackCommand::Decrypt {
            key,
            algorithm,
            data,
            digits,
        } => {
            let key = tdk(&key, algorithm, ModeOfUse::Decrypt)?;
            let data = parse_hex("data", &data)?;
            let mut out = [0u8; 104];
            let n = cup::decrypt_track(&key, &data, digits, &mut out)?;
            let text = String::from_utf8_lossy(out.get(..n).unwrap_or_default()).into_owned();
            out.fill(0);
            // EXPOSE: decrypting the track is what the user asked for.
            Ok(one("track", json!(text)))
        }
    }
}

/// The PAN of an SM4 PIN block (12-19 digits, no Luhn check; `-` reads it
/// from standard input).
fn sm4_pan(pan: Option<&str>) -> Result<Option<paycore::card::pan::Pan>, CliError> {
    pan.map(|p| {
        Ok(paycore::card::pan::Pan::parse_lenient(
            arg_or_stdin("pan", p)?.trim(),
        )?)
    })
    .transpose()
}
