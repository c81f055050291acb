//! `paycore mac` and `paycore sign keygen|sign|verify`.

use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
use paycore::mac::{self, MacAlgorithm, Padding};
use paycore::sign::ecdsa::{
    DeviceSigningKey, MAX_DER_SIGNATURE_LEN, SIGNATURE_LEN, SPolicy, Signature, VerifyingKey,
};
use paycore::sign::record::{MAX_ENCODED_LEN, TransactionRecord};
use rand::rngs::OsRng;
use serde_json::{Map, json};

use crate::cli::{KcvAlgorithm, MacAlgorithm as MacArg, MacArgs, MacPadding, SignCommand};
use crate::output::{CliError, Output, hex_upper, parse_hex};

pub(crate) fn mac(args: &MacArgs) -> Result<Output, CliError> {
    let material = parse_hex("key", &args.key)?;
    let data = parse_hex("data", &args.data)?;
    let padding = match args.padding {
        MacPadding::Method1 => Padding::Method1,
        MacPadding::Method2 => Padding::Method2,
    };
    // The shell has no key block to carry attributes: each algorithm gets the
    // usage its standard names, with generate-and-verify.
    let (algorithm, key_algorithm, usage) = match args.algorithm {
        MacArg::Retail => (
            MacAlgorithm::RetailMac { padding },
            Algorithm::from_len(false, material.len())?,
            KeyUsage::MacIso9797Alg3,
        ),
        MacArg::Iso9797Alg1 => (
            MacAlgorithm::Iso9797Alg1 { padding },
            Algorithm::from_len(args.cipher == Some(KcvAlgorithm::Aes), material.len())?,
            KeyUsage::MacIso9797Alg1,
        ),
        MacArg::Cmac => (
            MacAlgorithm::Cmac,
            Algorithm::from_len(args.cipher != Some(KcvAlgorithm::Tdes), material.len())?,
            KeyUsage::MacCmac,
        ),
        MacArg::CupEcb | MacArg::Cbc | MacArg::XorEncrypt => return super::sm::cup_mac(args),
        // Any key length (RFC 2104 §3); RFC 4231 tests 4 to 131 bytes.
        MacArg::HmacSha256 => (
            MacAlgorithm::HmacSha256,
            Algorithm::HmacSha256,
            KeyUsage::MacHmac,
        ),
    };
    let key = Key::new(
        key_algorithm,
        &material,
        KeyAttributes::new(usage, ModeOfUse::GenerateVerify),
    )?;
    let full_len = match algorithm {
        MacAlgorithm::HmacSha256 => 32,
        _ => key_algorithm.block_len(),
    };
    let mac = mac::generate(&key, algorithm, &data, full_len)?;
    let mut map = Map::new();
    map.insert("mac".into(), json!(hex_upper(mac.as_bytes())));
    Ok(Output::table(map))
}

pub(crate) fn sign(cmd: SignCommand) -> Result<Output, CliError> {
    let mut map = Map::new();
    match cmd {
        SignCommand::Keygen => {
            let key = DeviceSigningKey::generate(&mut OsRng);
            let public = key.verifying_key();
            let secret = key.dangerous_export_secret_scalar();
            // EXPOSE: keygen's job is to print the new private key.
            map.insert(
                "private_key".into(),
                json!(hex_upper(secret.expose_secret())),
            );
            map.insert(
                "public_key".into(),
                json!(hex_upper(&public.to_sec1_uncompressed())),
            );
            map.insert(
                "public_key_spki".into(),
                json!(hex_upper(&public.to_spki_der())),
            );
        }
        SignCommand::Sign {
            key,
            record,
            data,
            raw,
        } => {
            let scalar = parse_hex("key", &key)?;
            let key = DeviceSigningKey::from_secret_scalar(&scalar)?;
            let (signature, domain) = match (record, data) {
                (Some(_), _) if raw => return Err(paycore::Error::invalid_argument("raw").into()),
                (Some(record), _) => {
                    let record = parse_hex("record", &record)?;
                    let decoded = TransactionRecord::decode(&record)?;
                    let mut buf = [0u8; MAX_ENCODED_LEN];
                    (key.sign_record(&decoded, &mut buf)?.0, "record")
                }
                (None, Some(data)) if raw => (key.sign_raw(&parse_hex("data", &data)?)?, "raw"),
                (None, Some(data)) => (key.sign(&parse_hex("data", &data)?)?, "generic"),
                (None, None) => return Err(paycore::Error::invalid_argument("record").into()),
            };
            let mut der = [0u8; MAX_DER_SIGNATURE_LEN];
            let der_len = signature.encode_der(&mut der)?;
            map.insert("domain".into(), json!(domain));
            map.insert("signature".into(), json!(hex_upper(&signature.to_raw())));
            map.insert(
                "signature_der".into(),
                json!(hex_upper(der.get(..der_len).unwrap_or_default())),
            );
            map.insert(
                "public_key".into(),
                json!(hex_upper(&key.verifying_key().to_sec1_uncompressed())),
            );
        }
        SignCommand::Verify {
            public_key,
            record,
            data,
            raw,
            signature,
        } => {
            let public = parse_hex("public-key", &public_key)?;
            let signature = parse_hex("signature", &signature)?;
            let public = VerifyingKey::from_sec1(&public)
                .or_else(|_| VerifyingKey::from_spki_der(&public))?;
            let signature = if signature.len() == SIGNATURE_LEN {
                Signature::from_raw(&signature)?
            } else {
                Signature::from_der(&signature)?
            };
            let domain = match (record, data) {
                (Some(_), _) if raw => return Err(paycore::Error::invalid_argument("raw").into()),
                (Some(record), _) => {
                    let record = parse_hex("record", &record)?;
                    public.verify_record(&record, &signature, SPolicy::RejectHighS)?;
                    "record"
                }
                (None, Some(data)) if raw => {
                    public.verify_raw(
                        &parse_hex("data", &data)?,
                        &signature,
                        SPolicy::RejectHighS,
                    )?;
                    "raw"
                }
                (None, Some(data)) => {
                    public.verify(&parse_hex("data", &data)?, &signature, SPolicy::RejectHighS)?;
                    "generic"
                }
                (None, None) => return Err(paycore::Error::invalid_argument("record").into()),
            };
            map.insert("domain".into(), json!(domain));
            map.insert("valid".into(), json!(true));
        }
    }
    Ok(Output::table(map))
}
