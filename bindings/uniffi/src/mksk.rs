//! Master key / session key: installing working keys delivered under the
//! terminal master key (TMK), all or none.

use std::sync::Arc;

use paycore::keys::mksk::{self, Cryptogram};

use crate::error::{Result, core};
use crate::keys::{Algorithm, KcvMethod, Key, KeyAttributes};

/// How a working key is enciphered under the TMK.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Enum)]
#[non_exhaustive]
pub enum MkskCryptogram {
    /// ECB under the TMK; algorithm and attributes come from the delivery
    /// message and are not authenticated (prefer `Tr31`).
    Ecb {
        /// Algorithm of the working key.
        algorithm: Algorithm,
        /// Its attributes.
        attributes: KeyAttributes,
        /// The enciphered key.
        enciphered: Vec<u8>,
    },
    /// A TR-31 key block protected by the TMK.
    Tr31 {
        /// The key block.
        block: String,
    },
}

/// One working key as delivered: cryptogram and check value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct WorkingKeyDelivery {
    /// The enciphered key.
    pub cryptogram: MkskCryptogram,
    /// The check value sent with it (3 bytes up to the method's maximum).
    pub check_value: Vec<u8>,
    /// How the check value was computed.
    pub kcv_method: KcvMethod,
}

/// Deciphers and checks every working key under `tmk` (`K0`, mode
/// permitting decryption): all of them, in delivery order, or none. TR-31
/// versions A and C only with `allowLegacy = true`.
///
/// # Errors
/// `VerificationFailed` if a key block or check value does not verify;
/// `KeyUsage` for a wrong TMK or working key usage; `InvalidArgument` for
/// an empty set or more than 8 keys; as TR-31 unwrap.
#[uniffi::export(default(allow_legacy = false))]
pub fn mksk_install(
    tmk: &Key,
    deliveries: Vec<WorkingKeyDelivery>,
    allow_legacy: bool,
) -> Result<Vec<Arc<Key>>> {
    let converted: Vec<mksk::WorkingKeyDelivery<'_>> = deliveries
        .iter()
        .map(|d| {
            let cryptogram = match &d.cryptogram {
                MkskCryptogram::Ecb {
                    algorithm,
                    attributes,
                    enciphered,
                } => Cryptogram::Ecb {
                    algorithm: algorithm.to_core(),
                    attributes: attributes.to_core()?,
                    enciphered,
                },
                MkskCryptogram::Tr31 { block } => Cryptogram::Tr31(block),
            };
            Ok(mksk::WorkingKeyDelivery {
                cryptogram,
                check_value: &d.check_value,
                kcv_method: d.kcv_method.to_core(),
            })
        })
        .collect::<Result<_>>()?;
    let mut set = core(mksk::install_with(
        &tmk.inner,
        &converted,
        crate::keys::policy(allow_legacy),
    ))?;
    Ok((0..set.len())
        .filter_map(|i| set.take(i))
        .map(Key::wrap)
        .collect())
}
