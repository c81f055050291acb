//! Keys with TR-31 attributes, key check values, and TR-31 / X9.143 key
//! blocks (wrap and unwrap).

use std::sync::Arc;

use paycore::keys::kcv::{Kcv, KcvMethod as CoreKcvMethod};
use paycore::keys::tr31::{self, KeyBlockHeader, OptionalBlock, OptionalBlockId, Version};
use paycore::keys::{self as core_keys, KeyVersion};
use rand_core::OsRng;
use zeroize::Zeroizing;

use crate::error::{PaycoreError, Result, core};

/// Key algorithm and length (X9.143 Table 7, with the length).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
#[non_exhaustive]
pub enum Algorithm {
    /// Two-key TDES (16 bytes).
    Tdes2,
    /// Three-key TDES (24 bytes).
    Tdes3,
    /// AES-128.
    Aes128,
    /// AES-192.
    Aes192,
    /// AES-256.
    Aes256,
    /// HMAC-SHA256 key of any length from 1 to 256 bytes (TR-31 `H`).
    HmacSha256,
}

impl Algorithm {
    pub(crate) const fn to_core(self) -> core_keys::Algorithm {
        match self {
            Self::Tdes2 => core_keys::Algorithm::Tdes2,
            Self::Tdes3 => core_keys::Algorithm::Tdes3,
            Self::Aes128 => core_keys::Algorithm::Aes128,
            Self::Aes192 => core_keys::Algorithm::Aes192,
            Self::Aes256 => core_keys::Algorithm::Aes256,
            Self::HmacSha256 => core_keys::Algorithm::HmacSha256,
        }
    }

    pub(crate) fn from_core(algorithm: core_keys::Algorithm) -> Result<Self> {
        Ok(match algorithm {
            core_keys::Algorithm::Tdes2 => Self::Tdes2,
            core_keys::Algorithm::Tdes3 => Self::Tdes3,
            core_keys::Algorithm::Aes128 => Self::Aes128,
            core_keys::Algorithm::Aes192 => Self::Aes192,
            core_keys::Algorithm::Aes256 => Self::Aes256,
            core_keys::Algorithm::HmacSha256 => Self::HmacSha256,
            #[allow(unreachable_patterns)]
            _ => return Err(PaycoreError::Unsupported("algorithm not bound".into())),
        })
    }
}

/// TR-31 mode of use (header byte 8, ANSI X9.143 Table 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
#[non_exhaustive]
pub enum ModeOfUse {
    /// `B` Both encrypt and decrypt / wrap and unwrap.
    EncryptDecrypt,
    /// `C` Both generate and verify.
    GenerateVerify,
    /// `D` Decrypt / unwrap only.
    Decrypt,
    /// `E` Encrypt / wrap only.
    Encrypt,
    /// `G` Generate only.
    Generate,
    /// `N` No special restrictions (other than those of the key usage).
    NoRestrictions,
    /// `S` Signature only.
    Sign,
    /// `T` Both sign and decrypt.
    SignDecrypt,
    /// `V` Verify only.
    Verify,
    /// `X` Key used to derive other keys.
    Derive,
    /// `Y` Key used to create key variants.
    CreateVariants,
}

impl ModeOfUse {
    pub(crate) fn to_core(self) -> core_keys::ModeOfUse {
        use core_keys::ModeOfUse as M;
        match self {
            Self::EncryptDecrypt => M::EncryptDecrypt,
            Self::GenerateVerify => M::GenerateVerify,
            Self::Decrypt => M::Decrypt,
            Self::Encrypt => M::Encrypt,
            Self::Generate => M::Generate,
            Self::NoRestrictions => M::NoRestrictions,
            Self::Sign => M::Sign,
            Self::SignDecrypt => M::SignDecrypt,
            Self::Verify => M::Verify,
            Self::Derive => M::Derive,
            Self::CreateVariants => M::CreateVariants,
        }
    }

    pub(crate) fn from_core(mode: core_keys::ModeOfUse) -> Result<Self> {
        use core_keys::ModeOfUse as M;
        Ok(match mode {
            M::EncryptDecrypt => Self::EncryptDecrypt,
            M::GenerateVerify => Self::GenerateVerify,
            M::Decrypt => Self::Decrypt,
            M::Encrypt => Self::Encrypt,
            M::Generate => Self::Generate,
            M::NoRestrictions => Self::NoRestrictions,
            M::Sign => Self::Sign,
            M::SignDecrypt => Self::SignDecrypt,
            M::Verify => Self::Verify,
            M::Derive => Self::Derive,
            M::CreateVariants => Self::CreateVariants,
            _ => return Err(PaycoreError::Unsupported("mode of use not bound".into())),
        })
    }
}

/// TR-31 exportability (header byte 11, ANSI X9.143 Table 10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
#[non_exhaustive]
pub enum Exportability {
    /// `E` Exportable under a KEK in a form meeting X9.24.
    Exportable,
    /// `N` Non-exportable.
    NonExportable,
    /// `S` Sensitive: exportable in forms not necessarily meeting X9.24.
    Sensitive,
}

impl Exportability {
    pub(crate) const fn to_core(self) -> core_keys::Exportability {
        match self {
            Self::Exportable => core_keys::Exportability::Exportable,
            Self::NonExportable => core_keys::Exportability::NonExportable,
            Self::Sensitive => core_keys::Exportability::Sensitive,
        }
    }

    pub(crate) fn from_core(e: core_keys::Exportability) -> Result<Self> {
        Ok(match e {
            core_keys::Exportability::Exportable => Self::Exportable,
            core_keys::Exportability::NonExportable => Self::NonExportable,
            core_keys::Exportability::Sensitive => Self::Sensitive,
            _ => return Err(PaycoreError::Unsupported("exportability not bound".into())),
        })
    }
}

macro_rules! key_usages {
    ($($(#[$doc:meta])* $variant:ident,)*) => {
        /// TR-31 / ANSI X9.143 key usage (header bytes 5-6, X9.143 Table 6).
        #[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Enum)]
        #[non_exhaustive]
        pub enum KeyUsage {
            $($(#[$doc])* $variant,)*
            /// A numeric (proprietary) usage code not listed above, e.g. `10`.
            Proprietary {
                /// The two-character code.
                code: String,
            },
        }

        impl KeyUsage {
            pub(crate) fn to_core(&self) -> Result<core_keys::KeyUsage> {
                Ok(match self {
                    $(Self::$variant => core_keys::KeyUsage::$variant,)*
                    Self::Proprietary { code } => {
                        let code: [u8; 2] = code
                            .as_bytes()
                            .try_into()
                            .map_err(|_| PaycoreError::argument("key usage"))?;
                        core(core_keys::KeyUsage::from_code(code))?
                    }
                })
            }

            pub(crate) fn from_core(usage: core_keys::KeyUsage) -> Self {
                match usage {
                    $(core_keys::KeyUsage::$variant => Self::$variant,)*
                    other => Self::Proprietary {
                        code: String::from_utf8_lossy(&other.code()).into_owned(),
                    },
                }
            }
        }
    };
}

key_usages! {
    /// `B0` Base derivation key (BDK).
    Bdk,
    /// `B1` Initial DUKPT key (IPEK / IK).
    InitialDukptKey,
    /// `B2` Base key variant key.
    BaseKeyVariant,
    /// `B3` Key derivation key (non-X9.24).
    KeyDerivation,
    /// `C0` Card verification key.
    CardVerification,
    /// `D0` Symmetric data encryption key.
    DataEncryption,
    /// `D1` Asymmetric key for data encryption.
    AsymmetricDataEncryption,
    /// `D2` Data encryption key for decimalization tables.
    DecimalizationTable,
    /// `D3` Data encryption key for sensitive data.
    SensitiveDataEncryption,
    /// `E0` EMV/chip issuer master key: application cryptograms.
    EmvApplicationCryptogram,
    /// `E1` EMV/chip issuer master key: secure messaging for confidentiality.
    EmvSecureMessagingConfidentiality,
    /// `E2` EMV/chip issuer master key: secure messaging for integrity.
    EmvSecureMessagingIntegrity,
    /// `E3` EMV/chip issuer master key: data authentication code.
    EmvDataAuthenticationCode,
    /// `E4` EMV/chip issuer master key: dynamic numbers.
    EmvDynamicNumbers,
    /// `E5` EMV/chip issuer master key: card personalization.
    EmvCardPersonalization,
    /// `E6` EMV/chip issuer master key: other.
    EmvOther,
    /// `I0` Initialization vector.
    InitializationVector,
    /// `K0` Key encryption or wrapping key (KEK).
    KeyEncryption,
    /// `K1` TR-31 key block protection key (KBPK).
    KeyBlockProtection,
    /// `K2` TR-34 asymmetric key.
    Tr34Asymmetric,
    /// `K3` Asymmetric key for key agreement / key wrapping.
    AsymmetricKeyAgreement,
    /// `M0` ISO 16609 MAC key (TDEA, ISO 9797-1 algorithm 1).
    MacIso16609,
    /// `M1` ISO 9797-1 MAC algorithm 1.
    MacIso9797Alg1,
    /// `M2` ISO 9797-1 MAC algorithm 2.
    MacIso9797Alg2,
    /// `M3` ISO 9797-1 MAC algorithm 3 (X9.19 retail MAC).
    MacIso9797Alg3,
    /// `M4` ISO 9797-1 MAC algorithm 4.
    MacIso9797Alg4,
    /// `M5` ISO 9797-1:1999 MAC algorithm 5.
    MacIso9797Alg5,
    /// `M6` ISO 9797-1:2011 MAC algorithm 5 (CMAC).
    MacCmac,
    /// `M7` HMAC key.
    MacHmac,
    /// `M8` ISO 9797-1:2011 MAC algorithm 6.
    MacIso9797Alg6,
    /// `P0` PIN encryption key.
    PinEncryption,
    /// `S0` Asymmetric key pair for digital signature.
    AsymmetricSignature,
    /// `S1` Asymmetric key pair, CA key.
    AsymmetricCa,
    /// `S2` Asymmetric key pair, non-X9.24 key.
    AsymmetricOther,
    /// `V0` PIN verification key, other algorithm.
    PinVerificationOther,
    /// `V1` PIN verification key, IBM 3624.
    PinVerificationIbm3624,
    /// `V2` PIN verification key, Visa PVV.
    PinVerificationVisaPvv,
    /// `V3` PIN verification key, X9.132 algorithm 1.
    PinVerificationX9132Alg1,
    /// `V4` PIN verification key, X9.132 algorithm 2.
    PinVerificationX9132Alg2,
}

/// The attributes a key carries: the TR-31 header fields other than the
/// algorithm (X9.143 §6.3). Public data.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct KeyAttributes {
    /// What the key is for.
    pub usage: KeyUsage,
    /// Which operations the usage may be exercised with.
    pub mode_of_use: ModeOfUse,
    /// Whether the key may leave the device under a KEK.
    pub exportability: Exportability,
    /// Key version number: two alphanumeric characters, `00` when unused.
    #[uniffi(default = "00")]
    pub version: String,
}

impl KeyAttributes {
    pub(crate) fn to_core(&self) -> Result<core_keys::KeyAttributes> {
        let version: [u8; 2] = self
            .version
            .as_bytes()
            .try_into()
            .map_err(|_| PaycoreError::argument("key version"))?;
        Ok(
            core_keys::KeyAttributes::new(self.usage.to_core()?, self.mode_of_use.to_core())
                .with_exportability(self.exportability.to_core())
                .with_version(core(KeyVersion::new(version))?),
        )
    }

    pub(crate) fn from_core(a: core_keys::KeyAttributes) -> Result<Self> {
        Ok(Self {
            usage: KeyUsage::from_core(a.usage),
            mode_of_use: ModeOfUse::from_core(a.mode_of_use)?,
            exportability: Exportability::from_core(a.exportability)?,
            version: String::from_utf8_lossy(&a.version.code()).into_owned(),
        })
    }
}

/// How a key check value is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
#[non_exhaustive]
pub enum KcvMethod {
    /// Encipher a zero block, keep the leftmost bytes (X9.24-1 practice).
    Legacy,
    /// CMAC over a zero block, keep the leftmost bytes (X9.24-1:2017 §7.4).
    Cmac,
}

impl KcvMethod {
    pub(crate) const fn to_core(self) -> CoreKcvMethod {
        match self {
            Self::Legacy => CoreKcvMethod::Legacy,
            Self::Cmac => CoreKcvMethod::Cmac,
        }
    }
}

/// The check value conventionally shown next to a key (legacy, 3 bytes,
/// for TDES; CMAC, 5 bytes, for AES), or why it is withheld. Public data.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct CheckValue {
    /// The check value; `null` when withheld.
    pub kcv: Option<Vec<u8>>,
    /// How it was computed; `null` when withheld.
    pub method: Option<KcvMethod>,
    /// Why it is withheld (a verify-only MAC key, an algorithm without a
    /// method); `null` when given.
    pub withheld: Option<String>,
}

/// A symmetric key with its algorithm and TR-31 attributes.
///
/// `AutoCloseable`: `close()` (or the cleaner) zeroizes the material. An
/// operation checks the key's usage and mode of use before it runs.
#[derive(uniffi::Object)]
pub struct Key {
    pub(crate) inner: core_keys::Key,
}

impl core::fmt::Debug for Key {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Key { .. }")
    }
}

impl Key {
    pub(crate) fn wrap(inner: core_keys::Key) -> Arc<Self> {
        Arc::new(Self { inner })
    }
}

#[uniffi::export]
impl Key {
    /// A key from raw material (`material` is copied; wipe your array after).
    ///
    /// # Errors
    /// `InvalidKey` if the length does not match `algorithm`;
    /// `InvalidKey`/`InvalidArgument` for an attribute that does not parse.
    #[uniffi::constructor]
    pub fn new(
        algorithm: Algorithm,
        material: Vec<u8>,
        attributes: KeyAttributes,
    ) -> Result<Arc<Self>> {
        let material = Zeroizing::new(material);
        let key = core(core_keys::Key::new(
            algorithm.to_core(),
            &material,
            attributes.to_core()?,
        ))?;
        Ok(Self::wrap(key))
    }

    /// Unwraps a TR-31 / X9.143 key block under `kbpk` (a `K1`/`K0` key whose
    /// mode permits decryption): versions B, D and E; the legacy variant
    /// binding versions A and C only with `allowLegacy = true` (X9.143 and
    /// PCI PIN 18-3 retire them).
    ///
    /// # Errors
    /// `Malformed` for a malformed block, `VerificationFailed` if the
    /// authenticator does not verify, `KeyUsage` for a wrong KBPK,
    /// `Unsupported` for A or C without `allowLegacy`.
    #[uniffi::constructor(default(allow_legacy = false))]
    pub fn from_tr31(kbpk: &Key, block: String, allow_legacy: bool) -> Result<Arc<Self>> {
        let unwrapped = core(tr31::unwrap_with(&kbpk.inner, &block, policy(allow_legacy)))?;
        Ok(Self::wrap(unwrapped.into_key()))
    }

    /// The key's algorithm.
    ///
    /// # Errors
    /// `Unsupported` for an algorithm this binding does not know yet.
    pub fn algorithm(&self) -> Result<Algorithm> {
        Algorithm::from_core(self.inner.algorithm())
    }

    /// The key's TR-31 attributes.
    ///
    /// # Errors
    /// `Unsupported` for an attribute this binding does not know yet.
    pub fn attributes(&self) -> Result<KeyAttributes> {
        KeyAttributes::from_core(self.inner.attributes())
    }

    /// The key check value, `length` bytes (legacy: at most 3, CMAC: at most 5).
    ///
    /// # Errors
    /// `KeyUsage` for a verify-only MAC key; `InvalidKey` for a bad length.
    pub fn kcv(&self, method: KcvMethod, length: u32) -> Result<Vec<u8>> {
        let length = usize::try_from(length).map_err(|_| PaycoreError::argument("length"))?;
        Ok(core(Kcv::compute(&self.inner, method.to_core(), length))?
            .as_bytes()
            .to_vec())
    }

    /// The conventional check value to show with this key, or the reason it
    /// is withheld (never an error: a key is shown with the reason instead).
    pub fn check_value(&self) -> CheckValue {
        match Kcv::side_output(&self.inner) {
            Ok(kcv) => CheckValue {
                kcv: Some(kcv.as_bytes().to_vec()),
                method: Kcv::conventional(self.inner.algorithm()).map(|(m, _)| match m {
                    CoreKcvMethod::Legacy => KcvMethod::Legacy,
                    _ => KcvMethod::Cmac,
                }),
                withheld: None,
            },
            Err(reason) => CheckValue {
                kcv: None,
                method: None,
                withheld: Some(reason.as_str().to_owned()),
            },
        }
    }

    /// Checks the key against an expected check value (3 to 5 bytes), in
    /// constant time.
    ///
    /// # Errors
    /// `VerificationFailed` on mismatch; `InvalidKey` for a bad length.
    pub fn verify_kcv(&self, method: KcvMethod, expected: Vec<u8>) -> Result<()> {
        core(Kcv::verify(&self.inner, method.to_core(), &expected))
    }

    /// The clear key material, for export to a device that needs it. Wipe
    /// the returned array after use.
    ///
    /// # Errors
    /// `KeyUsage` if the key is non-exportable (`N`).
    pub fn dangerous_export_secret(&self) -> Result<Vec<u8>> {
        // EXPOSE: the app asked for the clear key through dangerousExportSecret.
        Ok(core(self.inner.dangerous_expose_secret())?.to_vec())
    }

    /// Wraps this key under `kbpk` in a TR-31 key block (version B or D)
    /// whose header comes from the key's attributes, with random padding.
    ///
    /// # Errors
    /// `Unsupported` for version A or C or a KBPK weaker than the key;
    /// `KeyUsage` for a wrong KBPK or a non-exportable key.
    pub fn wrap_tr31(
        &self,
        kbpk: &Key,
        version: Tr31Version,
        optional_blocks: Vec<Tr31OptionalBlock>,
    ) -> Result<String> {
        let blocks = optional_blocks_from(&optional_blocks)?;
        core(tr31::wrap_to_string(
            &kbpk.inner,
            &self.inner,
            version.to_core(),
            &blocks,
            &mut OsRng,
        ))
    }

    /// As `wrapTr31` with caller-chosen padding bytes, for reproducing
    /// published vectors only.
    ///
    /// # Errors
    /// As `wrapTr31`; `InvalidArgument` if the padding does not align the key.
    pub fn wrap_tr31_with_padding(
        &self,
        kbpk: &Key,
        version: Tr31Version,
        optional_blocks: Vec<Tr31OptionalBlock>,
        padding: Vec<u8>,
    ) -> Result<String> {
        let blocks = optional_blocks_from(&optional_blocks)?;
        let mut out = vec![0u8; tr31::MAX_BLOCK_LEN];
        let n = core(tr31::wrap_with_padding(
            &kbpk.inner,
            &self.inner,
            version.to_core(),
            &blocks,
            &padding,
            &mut out,
        ))?;
        out.truncate(n);
        String::from_utf8(out).map_err(|_| PaycoreError::argument("block"))
    }
}

pub(crate) const fn policy(allow_legacy: bool) -> tr31::UnwrapPolicy {
    if allow_legacy {
        tr31::UnwrapPolicy::ALLOW_LEGACY
    } else {
        tr31::UnwrapPolicy::STRICT
    }
}

/// TR-31 key block version (header byte 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
#[non_exhaustive]
pub enum Tr31Version {
    /// `A`: TDES variant binding (legacy, import only).
    A,
    /// `B`: TDES key derivation binding.
    B,
    /// `C`: TDES variant binding (legacy, import only).
    C,
    /// `D`: AES key derivation binding.
    D,
    /// `E`: ISO 20038 AES key block (CTR, no padding).
    E,
}

impl Tr31Version {
    const fn to_core(self) -> Version {
        match self {
            Self::A => Version::A,
            Self::B => Version::B,
            Self::C => Version::C,
            Self::D => Version::D,
            Self::E => Version::E,
        }
    }

    fn from_core(v: Version) -> Result<Self> {
        Ok(match v {
            Version::A => Self::A,
            Version::B => Self::B,
            Version::C => Self::C,
            Version::D => Self::D,
            Version::E => Self::E,
            #[allow(unreachable_patterns)]
            _ => {
                return Err(PaycoreError::Unsupported(
                    "key block version not bound".into(),
                ));
            }
        })
    }
}

/// A TR-31 optional block (X9.143 §6.3.6): two-character ID and its data.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct Tr31OptionalBlock {
    /// Two-character ID, e.g. `KS`.
    pub id: String,
    /// The block's printable ASCII data.
    pub data: String,
}

fn optional_blocks_from(blocks: &[Tr31OptionalBlock]) -> Result<Vec<OptionalBlock<'_>>> {
    blocks
        .iter()
        .map(|b| {
            let id: [u8; 2] =
                b.id.as_bytes()
                    .try_into()
                    .map_err(|_| PaycoreError::argument("optional block id"))?;
            core(OptionalBlock::new(core(OptionalBlockId::new(id))?, &b.data))
        })
        .collect()
}

/// Wraps raw key material under a header template such as
/// `D0000P0AE00E0000` (what `paycore tr31 wrap --header` takes): usage,
/// algorithm, mode, version and exportability come from the template (its
/// length digits are recomputed, its optional blocks kept), the padding is
/// random. The template's exportability, `N` included, is written as given:
/// it restricts the receiver. Wipe `material` after the call.
///
/// # Errors
/// `Malformed` for a bad template; `Unsupported`/`InvalidKey` if the
/// material does not fit the template's algorithm or the KBPK is weaker;
/// `KeyUsage` for a wrong KBPK.
#[uniffi::export]
pub fn tr31_wrap_material(kbpk: &Key, material: Vec<u8>, header: String) -> Result<String> {
    let material = Zeroizing::new(material);
    core(tr31::wrap_template(
        &kbpk.inner,
        &material,
        &header,
        &mut OsRng,
    ))
}

/// A parsed TR-31 key block header (public data).
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct Tr31Header {
    /// Version.
    pub version: Tr31Version,
    /// Declared block length in characters.
    pub block_length: u32,
    /// Key usage.
    pub key_usage: KeyUsage,
    /// Algorithm character (X9.143 Table 7), e.g. `T` or `A`.
    pub algorithm: String,
    /// Mode of use.
    pub mode_of_use: ModeOfUse,
    /// Key version number.
    pub key_version: String,
    /// Exportability.
    pub exportability: Exportability,
    /// Optional blocks, in order.
    pub optional_blocks: Vec<Tr31OptionalBlock>,
}

/// Parses the header of a TR-31 key block (no key needed, nothing verified).
///
/// # Errors
/// `Malformed` with the field name and offset.
#[uniffi::export]
pub fn tr31_parse_header(block: String) -> Result<Tr31Header> {
    let h = core(KeyBlockHeader::parse(&block))?;
    Ok(Tr31Header {
        version: Tr31Version::from_core(h.version())?,
        block_length: u32::try_from(h.block_len()).map_err(|_| PaycoreError::argument("block"))?,
        key_usage: KeyUsage::from_core(h.key_usage()),
        algorithm: char::from(h.algorithm().code()).to_string(),
        mode_of_use: ModeOfUse::from_core(h.mode_of_use())?,
        key_version: String::from_utf8_lossy(&h.key_version().code()).into_owned(),
        exportability: Exportability::from_core(h.exportability())?,
        optional_blocks: h
            .optional_blocks()
            .map(|b| Tr31OptionalBlock {
                id: b.id().as_str().to_owned(),
                data: b.data().to_owned(),
            })
            .collect(),
    })
}
