//! The key type and its TR-31 attributes.
//!
//! A [`Key`] carries its algorithm and the attributes of an ANSI X9.143 /
//! TR-31 key block header: key usage, mode of use, key version number and
//! exportability. Every operation in paycore asks the key first
//! ([`Key::require`]); a MAC key cannot encipher a PIN block and a
//! verify-only key cannot generate a MAC.
//!
//! # Example
//! ```
//! use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse, Operation};
//!
//! let pek = Key::new(
//!     Algorithm::Aes128,
//!     &[0x11; 16],
//!     KeyAttributes::new(KeyUsage::PinEncryption, ModeOfUse::Encrypt),
//! )
//! .unwrap();
//! assert!(pek.require(&[KeyUsage::PinEncryption], Operation::Encrypt).is_ok());
//! assert!(pek.require(&[KeyUsage::PinEncryption], Operation::Decrypt).is_err());
//! assert_eq!(format!("{pek:?}"), "Key { algorithm: Aes128, usage: PinEncryption, mode_of_use: Encrypt, .. }");
//! ```

use core::fmt;

use crate::error::{Error, KeyError};
use crate::secret::SecretBytes;

/// Largest block-cipher key (AES-256), the size of every derivation buffer.
pub const MAX_KEY_LEN: usize = 32;

/// Largest HMAC key a [`Key`] holds: 256 bytes. RFC 2104 §3 allows any
/// length (a key longer than the 64-byte SHA-256 block is hashed first, by
/// HMAC itself) and RFC 4231 tests keys of 4 to 131 bytes; the cap only
/// bounds the inline buffer.
pub const MAX_HMAC_KEY_LEN: usize = 256;

/// Symmetric key algorithm and length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// Two-key triple DES (2TDEA, 16 bytes).
    Tdes2,
    /// Three-key triple DES (3TDEA, 24 bytes).
    Tdes3,
    /// AES-128.
    Aes128,
    /// AES-192.
    Aes192,
    /// AES-256.
    Aes256,
    /// An HMAC-SHA256 key (RFC 2104, FIPS 198-1) of any length from 1 to
    /// [`MAX_HMAC_KEY_LEN`] bytes; TR-31 algorithm `H`.
    HmacSha256,
    /// Single DES (8 bytes), for legacy China UnionPay MAC keys and their
    /// check values only (sign-on layout `001`, the `003`/`004` MAK). Never
    /// accepted by the ISO 9564 PIN, TR-31, DUKPT, ISO 9797 MAC or
    /// master/session paths: only [`crate::cup`] builds its cipher.
    #[cfg(feature = "sm")]
    Des,
    /// SM4 (GB/T 32907-2016 / GM/T 0002-2012), 16-byte key and block: the
    /// China UnionPay 国密 TMK, PIN, MAC and track-data keys. Reached only
    /// through [`crate::cup`] and check values ([`crate::keys::kcv`]).
    #[cfg(feature = "sm")]
    Sm4,
}

impl Algorithm {
    /// Key length in bytes. For [`Algorithm::HmacSha256`], whose keys have
    /// any length ([`Algorithm::accepts_key_len`]), the recommended length:
    /// 32 bytes, the hash output (RFC 2104 §3, RFC 4868 §2.1.1).
    #[must_use]
    pub const fn key_len(self) -> usize {
        match self {
            Self::Tdes2 | Self::Aes128 => 16,
            Self::Tdes3 | Self::Aes192 => 24,
            Self::Aes256 | Self::HmacSha256 => 32,
            #[cfg(feature = "sm")]
            Self::Des => 8,
            #[cfg(feature = "sm")]
            Self::Sm4 => 16,
        }
    }

    /// Whether a key of `len` bytes is valid for this algorithm: exactly
    /// [`Algorithm::key_len`] for TDES, AES, DES and SM4, 1 to
    /// [`MAX_HMAC_KEY_LEN`] for HMAC.
    #[must_use]
    pub const fn accepts_key_len(self, len: usize) -> bool {
        match self {
            Self::HmacSha256 => len >= 1 && len <= MAX_HMAC_KEY_LEN,
            _ => len == self.key_len(),
        }
    }

    /// Block length in bytes: the cipher block (8 for DES and TDES, 16 for
    /// AES and SM4), or the SHA-256 block (64) for HMAC-SHA256.
    #[must_use]
    pub const fn block_len(self) -> usize {
        match self {
            Self::Tdes2 | Self::Tdes3 => 8,
            Self::Aes128 | Self::Aes192 | Self::Aes256 => 16,
            Self::HmacSha256 => 64,
            #[cfg(feature = "sm")]
            Self::Des => 8,
            #[cfg(feature = "sm")]
            Self::Sm4 => 16,
        }
    }

    /// True for the algorithms of the international standards paths
    /// (TDES and AES): ISO 9564 PIN blocks, ISO 9797 MACs, TR-31, DUKPT and
    /// master/session keys. False for HMAC, single DES and SM4 (the latter
    /// two only reach the China UnionPay functions, `paycore::cup`, feature
    /// `sm`, and check values).
    #[must_use]
    pub const fn is_tdes_or_aes(self) -> bool {
        matches!(
            self,
            Self::Tdes2 | Self::Tdes3 | Self::Aes128 | Self::Aes192 | Self::Aes256
        )
    }

    /// True for the AES algorithms.
    #[must_use]
    pub const fn is_aes(self) -> bool {
        matches!(self, Self::Aes128 | Self::Aes192 | Self::Aes256)
    }

    /// Nominal strength in bits, used to refuse deriving or wrapping a
    /// stronger key under a weaker one (2TDEA counted as 80, 3TDEA as 112,
    /// per NIST SP 800-57 Part 1 Table 2; HMAC-SHA256 at its upper bound,
    /// 256, so it is never wrapped under a weaker key).
    #[must_use]
    pub const fn strength_bits(self) -> u16 {
        match self {
            Self::Tdes2 => 80,
            Self::Tdes3 => 112,
            Self::Aes128 => 128,
            Self::Aes192 => 192,
            Self::Aes256 | Self::HmacSha256 => 256,
            // Single DES: 56-bit key, below every approved strength.
            #[cfg(feature = "sm")]
            Self::Des => 56,
            // SM4: 128-bit key (GB/T 32907-2016).
            #[cfg(feature = "sm")]
            Self::Sm4 => 128,
        }
    }

    /// The TR-31 algorithm character (`T`, `A` or `H`), ANSI X9.143 Table 7;
    /// `D` (DEA) for single DES and `0` for SM4, which X9.143 does not
    /// define. paycore never wraps either in a key block.
    #[must_use]
    pub const fn tr31_code(self) -> u8 {
        match self {
            Self::Tdes2 | Self::Tdes3 => b'T',
            Self::Aes128 | Self::Aes192 | Self::Aes256 => b'A',
            Self::HmacSha256 => b'H',
            #[cfg(feature = "sm")]
            Self::Des => b'D',
            #[cfg(feature = "sm")]
            Self::Sm4 => b'0',
        }
    }

    /// Whether a key of this algorithm may carry `usage`. Single DES is
    /// limited to what legacy China UnionPay sign-on delivers: MAC keys
    /// (`M0`, `M1`), the layout `001` PIN key (`P0`, installable but refused
    /// by every PIN function) and track-data keys (`D0`); every other
    /// algorithm accepts every usage.
    #[must_use]
    pub const fn permits_usage(self, usage: KeyUsage) -> bool {
        match self {
            #[cfg(feature = "sm")]
            Self::Des => matches!(
                usage,
                KeyUsage::MacIso16609
                    | KeyUsage::MacIso9797Alg1
                    | KeyUsage::PinEncryption
                    | KeyUsage::DataEncryption
            ),
            _ => {
                let _ = usage;
                true
            }
        }
    }

    /// The TDES or AES algorithm for a key of `len` bytes.
    ///
    /// # Errors
    /// [`KeyError::InvalidLength`] if no algorithm of that family has that length.
    pub const fn from_len(aes: bool, len: usize) -> Result<Self, Error> {
        match (aes, len) {
            (false, 16) => Ok(Self::Tdes2),
            (false, 24) => Ok(Self::Tdes3),
            (true, 16) => Ok(Self::Aes128),
            (true, 24) => Ok(Self::Aes192),
            (true, 32) => Ok(Self::Aes256),
            _ => Err(Error::Key(KeyError::InvalidLength { length: len })),
        }
    }
}

macro_rules! key_usages {
    ($($(#[$doc:meta])* $variant:ident = $code:literal,)*) => {
        /// TR-31 / ANSI X9.143 key usage (header bytes 5-6, X9.143 Table 6).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum KeyUsage {
            $($(#[$doc])* $variant,)*
            /// A numeric (proprietary) usage code not listed above, e.g. `10`.
            Proprietary([u8; 2]),
        }

        impl KeyUsage {
            /// The two-character TR-31 code.
            #[must_use]
            pub const fn code(self) -> [u8; 2] {
                match self {
                    $(Self::$variant => *$code,)*
                    Self::Proprietary(code) => code,
                }
            }

            /// Parses a two-character TR-31 code.
            ///
            /// # Errors
            /// [`KeyError::InvalidAttribute`] for an unknown code.
            pub const fn from_code(code: [u8; 2]) -> Result<Self, Error> {
                match &code {
                    $($code => Ok(Self::$variant),)*
                    [a, b] if a.is_ascii_digit() && b.is_ascii_alphanumeric() => {
                        Ok(Self::Proprietary(code))
                    }
                    _ => Err(Error::Key(KeyError::InvalidAttribute { attribute: "key usage" })),
                }
            }
        }
    };
}

key_usages! {
    /// `B0` Base derivation key (BDK).
    Bdk = b"B0",
    /// `B1` Initial DUKPT key (IPEK / IK).
    InitialDukptKey = b"B1",
    /// `B2` Base key variant key.
    BaseKeyVariant = b"B2",
    /// `B3` Key derivation key (non-X9.24).
    KeyDerivation = b"B3",
    /// `C0` Card verification key.
    CardVerification = b"C0",
    /// `D0` Symmetric data encryption key.
    DataEncryption = b"D0",
    /// `D1` Asymmetric key for data encryption.
    AsymmetricDataEncryption = b"D1",
    /// `D2` Data encryption key for decimalization tables.
    DecimalizationTable = b"D2",
    /// `D3` Data encryption key for sensitive data.
    SensitiveDataEncryption = b"D3",
    /// `E0` EMV/chip issuer master key: application cryptograms.
    EmvApplicationCryptogram = b"E0",
    /// `E1` EMV/chip issuer master key: secure messaging for confidentiality.
    EmvSecureMessagingConfidentiality = b"E1",
    /// `E2` EMV/chip issuer master key: secure messaging for integrity.
    EmvSecureMessagingIntegrity = b"E2",
    /// `E3` EMV/chip issuer master key: data authentication code.
    EmvDataAuthenticationCode = b"E3",
    /// `E4` EMV/chip issuer master key: dynamic numbers.
    EmvDynamicNumbers = b"E4",
    /// `E5` EMV/chip issuer master key: card personalization.
    EmvCardPersonalization = b"E5",
    /// `E6` EMV/chip issuer master key: other.
    EmvOther = b"E6",
    /// `I0` Initialization vector.
    InitializationVector = b"I0",
    /// `K0` Key encryption or wrapping key (KEK).
    KeyEncryption = b"K0",
    /// `K1` TR-31 key block protection key (KBPK).
    KeyBlockProtection = b"K1",
    /// `K2` TR-34 asymmetric key.
    Tr34Asymmetric = b"K2",
    /// `K3` Asymmetric key for key agreement / key wrapping.
    AsymmetricKeyAgreement = b"K3",
    /// `M0` ISO 16609 MAC key (TDEA, ISO 9797-1 algorithm 1).
    MacIso16609 = b"M0",
    /// `M1` ISO 9797-1 MAC algorithm 1.
    MacIso9797Alg1 = b"M1",
    /// `M2` ISO 9797-1 MAC algorithm 2.
    MacIso9797Alg2 = b"M2",
    /// `M3` ISO 9797-1 MAC algorithm 3 (X9.19 retail MAC).
    MacIso9797Alg3 = b"M3",
    /// `M4` ISO 9797-1 MAC algorithm 4.
    MacIso9797Alg4 = b"M4",
    /// `M5` ISO 9797-1:1999 MAC algorithm 5.
    MacIso9797Alg5 = b"M5",
    /// `M6` ISO 9797-1:2011 MAC algorithm 5 (CMAC).
    MacCmac = b"M6",
    /// `M7` HMAC key.
    MacHmac = b"M7",
    /// `M8` ISO 9797-1:2011 MAC algorithm 6.
    MacIso9797Alg6 = b"M8",
    /// `P0` PIN encryption key.
    PinEncryption = b"P0",
    /// `S0` Asymmetric key pair for digital signature.
    AsymmetricSignature = b"S0",
    /// `S1` Asymmetric key pair, CA key.
    AsymmetricCa = b"S1",
    /// `S2` Asymmetric key pair, non-X9.24 key.
    AsymmetricOther = b"S2",
    /// `V0` PIN verification key, other algorithm.
    PinVerificationOther = b"V0",
    /// `V1` PIN verification key, IBM 3624.
    PinVerificationIbm3624 = b"V1",
    /// `V2` PIN verification key, Visa PVV.
    PinVerificationVisaPvv = b"V2",
    /// `V3` PIN verification key, X9.132 algorithm 1.
    PinVerificationX9132Alg1 = b"V3",
    /// `V4` PIN verification key, X9.132 algorithm 2.
    PinVerificationX9132Alg2 = b"V4",
}

/// TR-31 mode of use (header byte 8, ANSI X9.143 Table 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// The TR-31 character.
    #[must_use]
    pub const fn code(self) -> u8 {
        match self {
            Self::EncryptDecrypt => b'B',
            Self::GenerateVerify => b'C',
            Self::Decrypt => b'D',
            Self::Encrypt => b'E',
            Self::Generate => b'G',
            Self::NoRestrictions => b'N',
            Self::Sign => b'S',
            Self::SignDecrypt => b'T',
            Self::Verify => b'V',
            Self::Derive => b'X',
            Self::CreateVariants => b'Y',
        }
    }

    /// Parses the TR-31 character.
    ///
    /// # Errors
    /// [`KeyError::InvalidAttribute`] for an unknown character.
    pub const fn from_code(code: u8) -> Result<Self, Error> {
        Ok(match code {
            b'B' => Self::EncryptDecrypt,
            b'C' => Self::GenerateVerify,
            b'D' => Self::Decrypt,
            b'E' => Self::Encrypt,
            b'G' => Self::Generate,
            b'N' => Self::NoRestrictions,
            b'S' => Self::Sign,
            b'T' => Self::SignDecrypt,
            b'V' => Self::Verify,
            b'X' => Self::Derive,
            b'Y' => Self::CreateVariants,
            _ => {
                return Err(Error::Key(KeyError::InvalidAttribute {
                    attribute: "mode of use",
                }));
            }
        })
    }

    /// Whether this mode of use permits `operation`.
    #[must_use]
    pub const fn permits(self, operation: Operation) -> bool {
        use Operation as Op;
        match self {
            Self::NoRestrictions => true,
            Self::EncryptDecrypt => matches!(operation, Op::Encrypt | Op::Decrypt),
            Self::Encrypt => matches!(operation, Op::Encrypt),
            Self::Decrypt => matches!(operation, Op::Decrypt),
            Self::GenerateVerify => matches!(operation, Op::Generate | Op::Verify),
            Self::Generate => matches!(operation, Op::Generate),
            Self::Verify => matches!(operation, Op::Verify),
            Self::Sign => matches!(operation, Op::Sign),
            Self::SignDecrypt => matches!(operation, Op::Sign | Op::Decrypt),
            Self::Derive => matches!(operation, Op::Derive),
            Self::CreateVariants => matches!(operation, Op::CreateVariants),
        }
    }
}

/// What an operation does with a key; checked against [`ModeOfUse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// Encipher data, a PIN block, or wrap a key.
    Encrypt,
    /// Decipher data, a PIN block, or unwrap a key.
    Decrypt,
    /// Generate a MAC.
    Generate,
    /// Verify a MAC.
    Verify,
    /// Sign.
    Sign,
    /// Derive other keys (DUKPT, session keys).
    Derive,
    /// Create key variants.
    CreateVariants,
}

/// TR-31 exportability (header byte 11, ANSI X9.143 Table 10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// `Ok` unless this is `N`: the one check every export path makes
    /// (clear exposure, TR-31 wrap, DUKPT transaction keys and updates).
    ///
    /// # Errors
    /// [`KeyError::NotExportable`] for [`Exportability::NonExportable`].
    pub(crate) const fn ensure_exportable(self) -> Result<(), Error> {
        match self {
            Self::NonExportable => Err(Error::Key(KeyError::NotExportable)),
            _ => Ok(()),
        }
    }

    /// The TR-31 character.
    #[must_use]
    pub const fn code(self) -> u8 {
        match self {
            Self::Exportable => b'E',
            Self::NonExportable => b'N',
            Self::Sensitive => b'S',
        }
    }

    /// Parses the TR-31 character.
    ///
    /// # Errors
    /// [`KeyError::InvalidAttribute`] for an unknown character.
    pub const fn from_code(code: u8) -> Result<Self, Error> {
        match code {
            b'E' => Ok(Self::Exportable),
            b'N' => Ok(Self::NonExportable),
            b'S' => Ok(Self::Sensitive),
            _ => Err(Error::Key(KeyError::InvalidAttribute {
                attribute: "exportability",
            })),
        }
    }
}

/// TR-31 key version number (header bytes 9-10): two printable ASCII
/// characters, `00` when unused; `c` followed by a digit marks a key
/// component (X9.143 §6.3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyVersion([u8; 2]);

impl KeyVersion {
    /// `00`: versioning not used.
    pub const NONE: Self = Self(*b"00");

    /// A version from two printable ASCII characters.
    ///
    /// # Errors
    /// [`KeyError::InvalidAttribute`] if either character is not alphanumeric ASCII.
    pub const fn new(code: [u8; 2]) -> Result<Self, Error> {
        if code[0].is_ascii_alphanumeric() && code[1].is_ascii_alphanumeric() {
            Ok(Self(code))
        } else {
            Err(Error::Key(KeyError::InvalidAttribute {
                attribute: "key version",
            }))
        }
    }

    /// The two characters.
    #[must_use]
    pub const fn code(self) -> [u8; 2] {
        self.0
    }
}

impl Default for KeyVersion {
    fn default() -> Self {
        Self::NONE
    }
}

/// The attributes a key carries (the TR-31 header fields other than algorithm).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyAttributes {
    /// What the key is for.
    pub usage: KeyUsage,
    /// Which operations the usage may be exercised with.
    pub mode_of_use: ModeOfUse,
    /// Key version number.
    pub version: KeyVersion,
    /// Whether the key may leave the device under a KEK.
    pub exportability: Exportability,
}

impl KeyAttributes {
    /// Attributes with version `00` and exportability `E`.
    #[must_use]
    pub const fn new(usage: KeyUsage, mode_of_use: ModeOfUse) -> Self {
        Self {
            usage,
            mode_of_use,
            version: KeyVersion::NONE,
            exportability: Exportability::Exportable,
        }
    }

    /// The same attributes with another exportability.
    #[must_use]
    pub const fn with_exportability(mut self, exportability: Exportability) -> Self {
        self.exportability = exportability;
        self
    }

    /// The same attributes with another version.
    #[must_use]
    pub const fn with_version(mut self, version: KeyVersion) -> Self {
        self.version = version;
        self
    }
}

/// A symmetric key with its algorithm and TR-31 attributes.
///
/// Zeroized on drop; `Debug` shows the algorithm and attributes, never the
/// material; no `Clone` and no equality (compare KCVs instead).
pub struct Key {
    material: SecretBytes<MAX_HMAC_KEY_LEN>,
    algorithm: Algorithm,
    attributes: KeyAttributes,
}

impl Key {
    /// A key from raw material.
    ///
    /// # Errors
    /// [`KeyError::InvalidLength`] if `material` does not match `algorithm`
    /// ([`Algorithm::accepts_key_len`]);
    /// [`KeyError::UsageNotPermitted`] if `algorithm` cannot carry the usage
    /// ([`Algorithm::permits_usage`]: single DES is limited to `M0`, `M1`,
    /// `P0` and `D0`).
    pub fn new(
        algorithm: Algorithm,
        material: &[u8],
        attributes: KeyAttributes,
    ) -> Result<Self, Error> {
        if !algorithm.accepts_key_len(material.len()) {
            return Err(KeyError::InvalidLength {
                length: material.len(),
            }
            .into());
        }
        if !algorithm.permits_usage(attributes.usage) {
            return Err(KeyError::UsageNotPermitted.into());
        }
        Ok(Self {
            material: SecretBytes::from_slice(material)?,
            algorithm,
            attributes,
        })
    }

    /// A key taking ownership of already-secret material (crate-internal:
    /// derived and unwrapped keys never pass through a plain slice copy the
    /// caller could forget to wipe).
    pub(crate) fn from_secret(
        algorithm: Algorithm,
        material: SecretBytes<MAX_KEY_LEN>,
        attributes: KeyAttributes,
    ) -> Result<Self, Error> {
        if !algorithm.accepts_key_len(material.len()) {
            return Err(KeyError::InvalidLength {
                length: material.len(),
            }
            .into());
        }
        if !algorithm.permits_usage(attributes.usage) {
            return Err(KeyError::UsageNotPermitted.into());
        }
        Ok(Self {
            // EXPOSE: moved into the key's own container; `material` is
            // zeroized when dropped here.
            material: SecretBytes::from_slice(material.expose_secret())?,
            algorithm,
            attributes,
        })
    }

    /// The algorithm.
    #[must_use]
    pub const fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The TR-31 attributes.
    #[must_use]
    pub const fn attributes(&self) -> KeyAttributes {
        self.attributes
    }

    /// The key usage.
    #[must_use]
    pub const fn usage(&self) -> KeyUsage {
        self.attributes.usage
    }

    /// The mode of use.
    #[must_use]
    pub const fn mode_of_use(&self) -> ModeOfUse {
        self.attributes.mode_of_use
    }

    /// Checks that this key's usage is one of `usages` and that its mode of
    /// use permits `operation`.
    ///
    /// # Errors
    /// [`KeyError::UsageNotPermitted`] or [`KeyError::ModeNotPermitted`].
    pub fn require(&self, usages: &[KeyUsage], operation: Operation) -> Result<(), Error> {
        if !usages.contains(&self.attributes.usage) {
            return Err(KeyError::UsageNotPermitted.into());
        }
        if !self.attributes.mode_of_use.permits(operation) {
            return Err(KeyError::ModeNotPermitted.into());
        }
        Ok(())
    }

    /// The raw key bytes, for export paths (TR-31 wrap, CLI display).
    /// Refused for non-exportable keys.
    ///
    /// # Errors
    /// [`KeyError::NotExportable`] when exportability is `N`.
    pub fn dangerous_expose_secret(&self) -> Result<&[u8], Error> {
        self.attributes.exportability.ensure_exportable()?;
        // EXPOSE: the caller asked for the clear key with a dangerous_ call.
        Ok(self.material.expose_secret())
    }

    /// The raw bytes for crate-internal cryptography.
    pub(crate) fn material(&self) -> &[u8] {
        // EXPOSE: crate-internal use by cipher constructors and derivations.
        self.material.expose_secret()
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("algorithm", &self.algorithm)
            .field("usage", &self.attributes.usage)
            .field("mode_of_use", &self.attributes.mode_of_use)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(usage: KeyUsage, mode: ModeOfUse) -> Key {
        Key::new(
            Algorithm::Tdes2,
            &[0x01; 16],
            KeyAttributes::new(usage, mode),
        )
        .unwrap()
    }

    #[test]
    fn debug_is_redacted_exactly() {
        let k = key(KeyUsage::MacIso9797Alg3, ModeOfUse::Verify);
        assert_eq!(
            format!("{k:?}"),
            "Key { algorithm: Tdes2, usage: MacIso9797Alg3, mode_of_use: Verify, .. }"
        );
    }

    #[test]
    fn lengths_are_checked() {
        let attrs = KeyAttributes::new(KeyUsage::DataEncryption, ModeOfUse::EncryptDecrypt);
        assert!(Key::new(Algorithm::Tdes2, &[0; 8], attrs).is_err());
        assert!(Key::new(Algorithm::Aes256, &[0; 24], attrs).is_err());
        assert!(Key::new(Algorithm::Aes192, &[0; 24], attrs).is_ok());
    }

    /// HMAC keys have any length from 1 byte to MAX_HMAC_KEY_LEN (RFC 2104
    /// §3; RFC 4231 uses 4, 20, 25 and 131 bytes).
    #[test]
    fn hmac_keys_have_any_length() {
        let attrs = KeyAttributes::new(KeyUsage::MacHmac, ModeOfUse::GenerateVerify);
        for len in [1, 4, 20, 25, 32, 64, 65, 131, MAX_HMAC_KEY_LEN] {
            let k = Key::new(Algorithm::HmacSha256, &vec![0xAA; len], attrs).unwrap();
            assert_eq!(k.dangerous_expose_secret().unwrap().len(), len);
        }
        for len in [0, MAX_HMAC_KEY_LEN + 1] {
            assert_eq!(
                Key::new(Algorithm::HmacSha256, &vec![0xAA; len], attrs).unwrap_err(),
                Error::Key(KeyError::InvalidLength { length: len })
            );
        }
        assert_eq!(Algorithm::HmacSha256.tr31_code(), b'H');
        assert!(!Algorithm::HmacSha256.is_aes());
    }

    #[test]
    fn usage_and_mode_are_enforced() {
        let mac = key(KeyUsage::MacIso9797Alg3, ModeOfUse::Verify);
        assert_eq!(
            mac.require(&[KeyUsage::PinEncryption], Operation::Encrypt),
            Err(Error::Key(KeyError::UsageNotPermitted))
        );
        assert_eq!(
            mac.require(&[KeyUsage::MacIso9797Alg3], Operation::Generate),
            Err(Error::Key(KeyError::ModeNotPermitted))
        );
        assert!(
            mac.require(&[KeyUsage::MacIso9797Alg3], Operation::Verify)
                .is_ok()
        );
    }

    #[test]
    fn codes_round_trip() {
        for code in [
            *b"B0", *b"B1", *b"K1", *b"M3", *b"P0", *b"D0", *b"V2", *b"42",
        ] {
            assert_eq!(KeyUsage::from_code(code).unwrap().code(), code);
        }
        assert!(KeyUsage::from_code(*b"ZZ").is_err());
        for c in *b"BCDEGNSTVXY" {
            assert_eq!(ModeOfUse::from_code(c).unwrap().code(), c);
        }
        assert!(ModeOfUse::from_code(b'Q').is_err());
        for c in *b"ENS" {
            assert_eq!(Exportability::from_code(c).unwrap().code(), c);
        }
    }

    #[test]
    fn non_exportable_is_not_exposed() {
        let attrs = KeyAttributes::new(KeyUsage::PinEncryption, ModeOfUse::Encrypt)
            .with_exportability(Exportability::NonExportable);
        let k = Key::new(Algorithm::Aes128, &[3; 16], attrs).unwrap();
        assert_eq!(
            k.dangerous_expose_secret(),
            Err(Error::Key(KeyError::NotExportable))
        );
    }
}
