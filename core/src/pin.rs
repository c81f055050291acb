//! ISO 9564-1 PIN blocks: formats 0 to 4, encipherment, decipherment and
//! translation.
//!
//! - [`Pin`]: 4-12 decimal digits (ISO 9564-1:2017 §8.1), inline, zeroized,
//!   redacted `Debug`.
//! - [`ClearPinBlock`]: the plaintext PIN block (8 bytes) or, for format 4,
//!   the plaintext PIN field (16 bytes); secret.
//! - [`EncipheredPinBlock`]: the enciphered block; public bytes, compared in
//!   constant time.
//! - [`encode`](ClearPinBlock::encode) / [`decode`](ClearPinBlock::decode) build and strictly check the
//!   clear block; [`encipher`], [`decipher`] and [`translate`] apply a PIN
//!   encryption key (`P0`) after checking its usage, mode of use and
//!   algorithm.
//!
//! | format | block | PAN bound | fill | algorithm |
//! |---|---|---|---|---|
//! | 0 (§9.3.2) | 8 bytes | yes, 12 rightmost digits excluding the check digit (fewer: right-justified, zero-padded) | `F` | TDES |
//! | 1 (§9.3.3) | 8 bytes | no | transaction-unique (random or caller) | TDES |
//! | 2 (§9.3.4) | 8 bytes | no | `F` | not enciphered here (ICC offline PIN only) |
//! | 3 (§9.3.5) | 8 bytes | yes, as format 0 | random `A`-`F` | TDES |
//! | 4 (§9.3.6) | 16 bytes | yes, whole PAN, bound at encipherment | `A`, then 8 random bytes | AES |
//!
//! The PAN is a [`PinBlockPan`]: 1-19 digits, no Luhn check, as ISO 9564-1
//! allows; a PAN shorter than 12 digits is right-justified in the 12-digit
//! PAN field and padded on the left with zeros (formats 0 and 3, without
//! the check digit; format 4 with length nibble 0). Every
//! [`Pan`](crate::card::pan::Pan) (12-19 digits) dereferences to a
//! `PinBlockPan`, so `Some(&pan)` is accepted as it is.
//!
//! Randomness (format 1 and 3 fill, format 4 random half) comes from the
//! caller's [`CryptoRngCore`](rand_core::CryptoRngCore). A [`Fill`] given
//! explicitly reproduces published vectors.
//!
//! Translation ([`translate`], PCI PIN Security Requirement 3-3) is allowed
//! from formats 0, 1, 3 and 4 to formats 0, 3 and 4, and from format 1 to
//! format 1; never from a PAN-bound format (0, 3, 4) to format 1, never to
//! or from format 2, and never with a change of PAN.
//!
//! Decoding checks the control field, PIN length, every digit and every fill
//! nibble, and its errors never carry a PIN or PAN digit. Decoding a clear
//! block ([`ClearPinBlock::decode`], no key involved) names the field that
//! failed. After decipherment ([`decipher`], [`decipher_pin`],
//! [`translate`]) every decode failure is the one opaque
//! [`PinBlockError::Undecodable`]:
//! with formats 0 and 3 the PAN is XORed into the PIN digits, so a host that
//! may choose the PAN and learns *which* field failed (a digit nibble out of
//! range, the fill, the length) learns PIN digits (PAN-substitution attack).
//! A wrong PAN (or key) surfaces as that error; formats 0 and 3 cannot
//! detect every wrong PAN (the XOR may leave valid digits and fill), format
//! 4 almost always does.
//!
//! **Success or failure itself remains an oracle.** Whether a block decodes
//! under a chosen PAN still leaks a little about the PIN, and decoding is
//! not constant-time. A host exposing decipherment or translation must
//! rate-limit failures per card and PIN block, and must take the PAN from
//! the authorised transaction (bind it), never from the party that
//! submitted the PIN block.
//!
//! This module knows nothing of DUKPT: DUKPT PIN encryption passes its
//! derived PIN key to [`encipher`].
//!
//! # Example
//! ```
//! use paycore::card::pan::Pan;
//! use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
//! use paycore::pin::{self, ClearPinBlock, Pin, PinBlockFormat};
//!
//! let pan = Pan::parse("4111111111111111")?;
//! let pin = Pin::new("1234")?;
//! let key = Key::new(
//!     Algorithm::Aes128,
//!     &[0x11; 16],
//!     KeyAttributes::new(KeyUsage::PinEncryption, ModeOfUse::EncryptDecrypt),
//! )?;
//! let mut rng = rand::rngs::OsRng;
//!
//! let clear = ClearPinBlock::encode(PinBlockFormat::Iso4, &pin, Some(&pan), &mut rng)?;
//! let enciphered = pin::encipher(&key, &clear, Some(&pan))?;
//! assert_eq!(enciphered.as_bytes().len(), 16);
//!
//! let back = pin::decipher(&key, PinBlockFormat::Iso4, &enciphered, Some(&pan))?;
//! assert_eq!(back.decode(Some(&pan))?.expose_secret(), "1234");
//! assert_eq!(format!("{back:?}"), "ClearPinBlock { format: Iso4, .. }");
//! # Ok::<(), paycore::Error>(())
//! ```

mod block;
mod cipher;

pub use crate::card::pan::PinBlockPan;
pub use block::{ClearPinBlock, Fill, MAX_PIN_LEN, MIN_PIN_LEN, Pin};
pub use cipher::{
    EncipheredPinBlock, decipher, decipher_pin, encipher, encipher_pin, translate,
    translation_permitted,
};

use crate::error::{Error, PinBlockError};

/// An ISO 9564-1:2017 §9.3 PIN block format, named by its control field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PinBlockFormat {
    /// Format 0 (ANSI X9.8 / ISO 9564-1 §9.3.2): PIN XOR PAN, `F` fill.
    Iso0,
    /// Format 1 (§9.3.3): transaction-unique fill, no PAN.
    Iso1,
    /// Format 2 (§9.3.4): `F` fill, no PAN; ICC offline PIN only.
    Iso2,
    /// Format 3 (§9.3.5): PIN XOR PAN, random `A`-`F` fill.
    Iso3,
    /// Format 4 (§9.3.6): 16-byte AES block, PAN bound by the
    /// encipherment (§9.4.2).
    Iso4,
}

impl PinBlockFormat {
    /// The control field value (the first nibble of the block).
    #[must_use]
    pub const fn code(self) -> u8 {
        match self {
            Self::Iso0 => 0,
            Self::Iso1 => 1,
            Self::Iso2 => 2,
            Self::Iso3 => 3,
            Self::Iso4 => 4,
        }
    }

    /// The format for a control field value.
    ///
    /// # Errors
    /// [`PinBlockError::InvalidControl`] for a value other than 0-4.
    pub const fn from_code(code: u8) -> Result<Self, Error> {
        match code {
            0 => Ok(Self::Iso0),
            1 => Ok(Self::Iso1),
            2 => Ok(Self::Iso2),
            3 => Ok(Self::Iso3),
            4 => Ok(Self::Iso4),
            _ => Err(Error::PinBlock(PinBlockError::InvalidControl)),
        }
    }

    /// Block length in bytes: 8 for formats 0-3, 16 for format 4.
    #[must_use]
    pub const fn block_len(self) -> usize {
        match self {
            Self::Iso4 => 16,
            _ => 8,
        }
    }

    /// True for the formats that bind the PIN to the PAN (0, 3 and 4).
    #[must_use]
    pub const fn is_pan_bound(self) -> bool {
        matches!(self, Self::Iso0 | Self::Iso3 | Self::Iso4)
    }
}
