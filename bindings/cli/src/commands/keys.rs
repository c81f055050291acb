//! `paycore kcv`, `paycore dukpt`, `paycore tr31`.

use paycore::keys::kcv::{Kcv, KcvMethod};
use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
use serde_json::{Map, json};

use crate::cli::{KcvAlgorithm, KcvArgs, KcvMethodArg};
use crate::output::{CliError, Output, hex_upper, parse_hex};

/// Attributes for a key typed at the shell only to compute its check value.
const CHECK_ONLY: KeyAttributes =
    KeyAttributes::new(KeyUsage::KeyEncryption, ModeOfUse::NoRestrictions);

pub(crate) fn kcv(args: &KcvArgs) -> Result<Output, CliError> {
    let material = parse_hex("key", &args.key)?;
    let aes = match args.algorithm {
        Some(KcvAlgorithm::Aes) => true,
        Some(KcvAlgorithm::Tdes) => false,
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
