//! `paycore pinblock encode|decode|encipher|decipher`.

use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
use paycore::pin::{
    self, ClearPinBlock, EncipheredPinBlock, Fill, Pin, PinBlockFormat, PinBlockPan,
};
use rand::rngs::OsRng;
use serde_json::{Map, json};

use crate::cli::{PinFormat, PinblockCommand};
use crate::output::{CliError, Output, arg_or_stdin, hex_upper, parse_hex};

pub(crate) fn run(cmd: PinblockCommand) -> Result<Output, CliError> {
    let cmd = match super::sm::pinblock(cmd)? {
        Ok(out) => return Ok(out),
        Err(cmd) => cmd,
    };
    match cmd {
        PinblockCommand::Encode {
            format,
            pin,
            pan,
            fill,
        } => {
            let format = pin_format(format)?;
            let pin = Pin::new(&arg_or_stdin("pin", &pin)?)?;
            let pan = parse_pan(pan.as_deref())?;
            let clear = encode(format, &pin, pan.as_ref(), fill.as_deref())?;
            // EXPOSE: the user asked this calculator for the clear block.
            Ok(block_output(clear.expose_secret()))
        }
        PinblockCommand::Decode { format, block, pan } => {
            let format = pin_format(format)?;
            let bytes = parse_hex("block", &block)?;
            let pan = parse_pan(pan.as_deref())?;
            let clear = ClearPinBlock::from_bytes(format, &bytes)?;
            let pin = clear.decode(pan.as_ref())?;
            Ok(pin_output(&pin))
        }
        PinblockCommand::Encipher {
            format,
            key,
            pin,
            pan,
            fill,
            ..
        } => {
            let format = pin_format(format)?;
            let key = pin_key(format, &key)?;
            let pin = Pin::new(&arg_or_stdin("pin", &pin)?)?;
            let pan = parse_pan(pan.as_deref())?;
            let clear = encode(format, &pin, pan.as_ref(), fill.as_deref())?;
            let block = pin::encipher(&key, &clear, pan.as_ref())?;
            Ok(block_output(block.as_bytes()))
        }
        PinblockCommand::Decipher {
            format,
            key,
            block,
            pan,
            ..
        } => {
            let format = pin_format(format)?;
            let key = pin_key(format, &key)?;
            let block = EncipheredPinBlock::from_bytes(&parse_hex("block", &block)?)?;
            let pan = parse_pan(pan.as_deref())?;
            let pin = pin::decipher_pin(&key, format, &block, pan.as_ref())?;
            Ok(pin_output(&pin))
        }
    }
}

pub(crate) fn pin_format(format: PinFormat) -> Result<PinBlockFormat, CliError> {
    Ok(match format {
        PinFormat::F0 => PinBlockFormat::Iso0,
        PinFormat::F1 => PinBlockFormat::Iso1,
        PinFormat::F2 => PinBlockFormat::Iso2,
        PinFormat::F3 => PinBlockFormat::Iso3,
        PinFormat::F4 => PinBlockFormat::Iso4,
        PinFormat::Sm4 => {
            return Err(CliError::argument(
                "--format sm4: only pinblock encipher and decipher",
            ));
        }
    })
}

/// The PAN of a PIN block: 1-19 digits (ISO 9564-1), no Luhn check
/// (`-` reads it from standard input).
fn parse_pan(pan: Option<&str>) -> Result<Option<PinBlockPan>, CliError> {
    pan.map(|p| Ok(PinBlockPan::parse(arg_or_stdin("pan", p)?.trim())?))
        .transpose()
}

fn encode(
    format: PinBlockFormat,
    pin: &Pin,
    pan: Option<&PinBlockPan>,
    fill: Option<&str>,
) -> Result<ClearPinBlock, CliError> {
    Ok(match fill {
        Some(fill) => {
            let fill = Fill::from_hex(&arg_or_stdin("fill", fill)?)?;
            ClearPinBlock::encode_with_fill(format, pin, pan, &fill)?
        }
        None => ClearPinBlock::encode(format, pin, pan, &mut OsRng)?,
    })
}

/// A PIN encryption key typed at the shell: AES for format 4, TDES otherwise.
fn pin_key(format: PinBlockFormat, hex_key: &str) -> Result<Key, CliError> {
    let material = parse_hex("key", hex_key)?;
    let algorithm = Algorithm::from_len(format == PinBlockFormat::Iso4, material.len())?;
    Ok(Key::new(
        algorithm,
        &material,
        KeyAttributes::new(KeyUsage::PinEncryption, ModeOfUse::EncryptDecrypt),
    )?)
}

fn block_output(block: &[u8]) -> Output {
    let mut map = Map::new();
    map.insert("block".into(), json!(hex_upper(block)));
    Output::table(map)
}

fn pin_output(pin: &Pin) -> Output {
    let mut map = Map::new();
    // EXPOSE: decoding the PIN is what the user asked for.
    map.insert("pin".into(), json!(pin.expose_secret()));
    Output::table(map)
}
