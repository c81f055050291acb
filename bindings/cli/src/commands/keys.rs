//! `paycore kcv`, `paycore dukpt`, `paycore tr31`.

use paycore::keys::dukpt::{self, WorkingKeyType, WorkingKeyUsage};
use paycore::keys::kcv::{Kcv, KcvMethod};
use paycore::keys::tr31::{self, UnwrapPolicy};
use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
use rand::rngs::OsRng;
use serde_json::{Map, Value, json};

use crate::cli::{DukptCommand, KcvAlgorithm, KcvArgs, KcvMethodArg, Tr31Command};
use crate::output::{CliError, Output, hex_upper, parse_hex};

/// Attributes for a key typed at the shell only to compute its check value.
const CHECK_ONLY: KeyAttributes =
    KeyAttributes::new(KeyUsage::KeyEncryption, ModeOfUse::NoRestrictions);

pub(crate) fn kcv(args: &KcvArgs) -> Result<Output, CliError> {
    if let Some(out) = super::sm::kcv(args)? {
        return Ok(out);
    }
    let material = parse_hex("key", &args.key)?;
    let aes = match args.algorithm {
        Some(KcvAlgorithm::Aes) => true,
        Some(KcvAlgorithm::Tdes) => false,
        Some(KcvAlgorithm::Des | KcvAlgorithm::Sm4) => {
            return Err(CliError::argument(
                "--algorithm: handled by the CUP check value",
            ));
        }
        // 32 bytes can only be AES; 16 and 24 default to TDES, the common case
        // for legacy KCVs. Pass --algorithm aes for AES-128/192.
        None => material.len() == 32,
    };
    let algorithm = Algorithm::from_len(aes, material.len())?;
    let method = match args.method {
        Some(KcvMethodArg::Legacy) => KcvMethod::Legacy,
        Some(KcvMethodArg::Cmac) => KcvMethod::Cmac,
        None if aes => KcvMethod::Cmac,
        None => KcvMethod::Legacy,
    };
    let len = if method == KcvMethod::Cmac { 5 } else { 3 };
    let key = Key::new(algorithm, &material, CHECK_ONLY)?;
    let kcv = Kcv::compute(&key, method, len)?;
    let mut map = Map::new();
    map.insert("kcv".into(), json!(hex_upper(kcv.as_bytes())));
    map.insert(
        "algorithm".into(),
        json!(format!("{algorithm:?}").to_lowercase()),
    );
    map.insert(
        "method".into(),
        json!(if method == KcvMethod::Cmac {
            "cmac"
        } else {
            "legacy"
        }),
    );
    Ok(Output::table(map))
}

/// `paycore dukpt derive`: host-side working key from BDK and KSN.
pub(crate) fn dukpt(cmd: DukptCommand) -> Result<Output, CliError> {
    let DukptCommand::Derive {
        bdk,
        ksn,
        usage,
        key_type,
    } = cmd;
    let material = parse_hex("bdk", &bdk)?;
    let ksn = parse_hex("ksn", &ksn)?;
    // The KSN length picks the flavour: 12 bytes AES (X9.24-3), 10 TDES (X9.24-1).
    let aes = ksn.len() == 12;
    let bdk = Key::new(
        Algorithm::from_len(aes, material.len())?,
        &material,
        KeyAttributes::new(KeyUsage::Bdk, ModeOfUse::Derive),
    )?;
    let usage = WorkingKeyUsage::from_name(&usage)?;
    let key_type = match key_type {
        Some(name) => WorkingKeyType::from_name(&name)?,
        None => WorkingKeyType::from_algorithm(bdk.algorithm())?,
    };
    let key = dukpt::derive(&bdk, &ksn, usage, key_type)?;
    let mut map = Map::new();
    // EXPOSE: deriving and showing the key is this command's purpose.
    map.insert(
        "key".into(),
        json!(hex_upper(key.dangerous_expose_secret()?)),
    );
    insert_kcv(&mut map, &key);
    map.insert("flavour".into(), json!(if aes { "aes" } else { "tdes" }));
    map.insert("usage".into(), json!(usage.name()));
    map.insert("key_type".into(), json!(key_type.name()));
    map.insert("algorithm".into(), json!(algorithm_name(key.algorithm())));
    map.insert("key_usage".into(), json!(code2(key.usage().code())));
    map.insert(
        "mode_of_use".into(),
        json!(char::from(key.mode_of_use().code()).to_string()),
    );
    Ok(Output::table(map))
}

/// `paycore tr31 unwrap|wrap`.
pub(crate) fn tr31(cmd: Tr31Command) -> Result<Output, CliError> {
    let mut map = Map::new();
    match cmd {
        Tr31Command::Unwrap {
            kbpk,
            block,
            allow_legacy,
        } => {
            let kbpk = kbpk_key(&kbpk, &block)?;
            let policy = if allow_legacy {
                UnwrapPolicy::ALLOW_LEGACY
            } else {
                UnwrapPolicy::STRICT
            };
            if is_asymmetric(block.trim()) {
                return tr31_unwrap_private_key(&kbpk, block.trim(), policy);
            }
            let unwrapped = tr31::unwrap_with(&kbpk, block.trim(), policy)?;
            let header = unwrapped.header();
            let key = unwrapped.key();
            header_fields(&mut map, header);
            // A block marked non-exportable (N) keeps its key inside: the KCV
            // identifies it, the key itself is not printed.
            map.insert(
                "key".into(),
                key.dangerous_expose_secret()
                    .map_or(Value::Null, |k| json!(hex_upper(k))),
            );
            insert_kcv(&mut map, key);
        }
        Tr31Command::Wrap { kbpk, key, header } => {
            let kbpk = kbpk_key(&kbpk, &header)?;
            let material = parse_hex("key", &key)?;
            let block = if is_asymmetric(header.trim()) {
                // The key is a DER private key (X9.143 §8.5, §8.6).
                tr31::wrap_private_key(&kbpk, &material, header.trim(), &mut OsRng)?
            } else {
                tr31::wrap_template(&kbpk, &material, header.trim(), &mut OsRng)?
            };
            map.insert("block".into(), json!(block));
        }
    }
    Ok(Output::table(map))
}

/// True if the block or template header declares an asymmetric key
/// (algorithm `R`, `E` or `S` at position 7, X9.143 Table 7).
fn is_asymmetric(block_or_header: &str) -> bool {
    matches!(block_or_header.as_bytes().get(7), Some(b'R' | b'E' | b'S'))
}

/// `tr31 unwrap` of an asymmetric private key block: the same header
/// fields, `key` the DER private key in hex (null when the block marks it
/// non-exportable), and no check value (none is defined for a private key).
fn tr31_unwrap_private_key(
    kbpk: &Key,
    block: &str,
    policy: UnwrapPolicy,
) -> Result<Output, CliError> {
    let unwrapped = tr31::unwrap_private_key_with(kbpk, block, policy)?;
    let header = unwrapped.header();
    let mut map = Map::new();
    header_fields(&mut map, header);
    map.insert(
        "key".into(),
        unwrapped
            .dangerous_expose_der()
            .map_or(Value::Null, |der| json!(hex_upper(der))),
    );
    map.insert("kcv".into(), Value::Null);
    map.insert("kcv_withheld".into(), json!("asymmetric private key"));
    Ok(Output::table(map))
}

/// A KBPK typed at the shell. 16 and 24 bytes fit both TDES and AES, so
/// the key block version decides: `D` and `E` are AES, `A`/`B`/`C` TDES.
fn kbpk_key(hex_key: &str, block_or_header: &str) -> Result<Key, CliError> {
    let material = parse_hex("kbpk", hex_key)?;
    let aes = matches!(
        block_or_header.trim_start().as_bytes().first(),
        Some(b'D' | b'E')
    );
    Ok(Key::new(
        Algorithm::from_len(aes, material.len())?,
        &material,
        KeyAttributes::new(KeyUsage::KeyBlockProtection, ModeOfUse::EncryptDecrypt),
    )?)
}

/// The check value printed next to a key (`kcv`), or `kcv: null` and the
/// reason in `kcv_withheld`: a policy refusal (a verify-only MAC key) never
/// fails the command that derived or unwrapped the key.
pub(crate) fn insert_kcv(map: &mut Map<String, Value>, key: &Key) {
    match Kcv::side_output(key) {
        Ok(kcv) => {
            map.insert("kcv".into(), json!(hex_upper(kcv.as_bytes())));
        }
        Err(withheld) => {
            map.insert("kcv".into(), Value::Null);
            map.insert("kcv_withheld".into(), json!(withheld.as_str()));
        }
    }
}

/// The clear header fields `tr31 unwrap` prints for every key block.
fn header_fields(map: &mut Map<String, Value>, header: &tr31::KeyBlockHeader<'_>) {
    map.insert(
        "version".into(),
        json!(char::from(header.version().code()).to_string()),
    );
    map.insert("key_usage".into(), json!(code2(header.key_usage().code())));
    map.insert(
        "algorithm".into(),
        json!(char::from(header.algorithm().code()).to_string()),
    );
    map.insert(
        "mode_of_use".into(),
        json!(char::from(header.mode_of_use().code()).to_string()),
    );
    map.insert(
        "key_version".into(),
        json!(code2(header.key_version().code())),
    );
    map.insert(
        "exportability".into(),
        json!(char::from(header.exportability().code()).to_string()),
    );
    let blocks: Vec<Value> = header
        .optional_blocks()
        .map(|b| json!({"id": b.id().as_str(), "data": b.data()}))
        .collect();
    map.insert("optional_blocks".into(), Value::Array(blocks));
}

fn code2(code: [u8; 2]) -> String {
    String::from_utf8_lossy(&code).into_owned()
}

fn algorithm_name(algorithm: Algorithm) -> String {
    format!("{algorithm:?}").to_lowercase()
}
