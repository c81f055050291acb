//! ISO 9564-1 PIN blocks: encode/decode, encipher, decipher, translate.
//!
//! PINs cross as ASCII digits in a `ByteArray` (never a `String`); the
//! clear PIN block is a closeable object. PANs are ASCII digit strings
//! (`null` for the formats that take none).

use std::sync::Arc;

use paycore::card::pan::PinBlockPan;
use paycore::pin::{
    self, ClearPinBlock as CoreClearPinBlock, EncipheredPinBlock, Fill, Pin,
    PinBlockFormat as Format,
};
use rand_core::OsRng;
use zeroize::Zeroizing;

use crate::error::{PaycoreError, Result, core};
use crate::keys::Key;

/// ISO 9564-1:2017 PIN block format (§9.3-§9.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
#[non_exhaustive]
pub enum PinBlockFormat {
    /// Format 0 (ISO-0): PIN XOR PAN, TDES.
    Iso0,
    /// Format 1 (ISO-1): PIN with random fill, no PAN.
    Iso1,
    /// Format 2 (ISO-2): ICC offline PIN, never enciphered.
    Iso2,
    /// Format 3 (ISO-3): as format 0 with random fill.
    Iso3,
    /// Format 4 (ISO-4): 16-byte AES PIN block bound to the PAN.
    Iso4,
}

impl PinBlockFormat {
    pub(crate) const fn to_core(self) -> Format {
        match self {
            Self::Iso0 => Format::Iso0,
            Self::Iso1 => Format::Iso1,
            Self::Iso2 => Format::Iso2,
            Self::Iso3 => Format::Iso3,
            Self::Iso4 => Format::Iso4,
        }
    }

    fn from_core(format: Format) -> Result<Self> {
        Ok(match format {
            Format::Iso0 => Self::Iso0,
            Format::Iso1 => Self::Iso1,
            Format::Iso2 => Self::Iso2,
            Format::Iso3 => Self::Iso3,
            Format::Iso4 => Self::Iso4,
            _ => {
                return Err(PaycoreError::Unsupported(
                    "PIN block format not bound".into(),
                ));
            }
        })
    }
}

/// A PAN for a PIN block: 1-19 digits (ISO 9564-1 §9.3.2 takes the
/// rightmost 12 excluding the check digit, padding shorter PANs).
pub(crate) fn pan_from(pan: Option<&str>) -> Result<Option<PinBlockPan>> {
    pan.map(|p| core(PinBlockPan::from_ascii(p.as_bytes())))
        .transpose()
}

fn pin_from(pin: Vec<u8>) -> Result<Pin> {
    let pin = Zeroizing::new(pin);
    core(Pin::from_ascii(&pin))
}

fn encode(
    format: PinBlockFormat,
    pin: &Pin,
    pan: Option<&PinBlockPan>,
    fill: Option<&str>,
) -> Result<CoreClearPinBlock> {
    let format = format.to_core();
    core(match fill {
        None => CoreClearPinBlock::encode(format, pin, pan, &mut OsRng),
        Some(fill) => Fill::from_hex(fill)
            .and_then(|f| CoreClearPinBlock::encode_with_fill(format, pin, pan, &f)),
    })
}

/// Encodes `pin` (ASCII digits) in `format` and enciphers it under `key`
/// (usage `P0`, mode permitting encryption; TDES for formats 0, 1, 3, AES
/// for 4). `fill` (hex nibbles) only reproduces published vectors; without
/// it the fill is random from the OS. Returns the enciphered block.
///
/// # Errors
/// `InvalidPin` for a bad PIN, `InvalidPan`, `KeyUsage`, `InvalidKey` for
/// a key of the wrong algorithm, `Unsupported` for format 2.
#[uniffi::export(default(pan = None, fill = None))]
pub fn encipher_pin_block(
    key: &Key,
    format: PinBlockFormat,
    pin: Vec<u8>,
    pan: Option<String>,
    fill: Option<String>,
) -> Result<Vec<u8>> {
    let pin = pin_from(pin)?;
    let pan = pan_from(pan.as_deref())?;
    let clear = encode(format, &pin, pan.as_ref(), fill.as_deref())?;
    Ok(core(pin::encipher(&key.inner, &clear, pan.as_ref()))?
        .as_bytes()
        .to_vec())
}

/// Deciphers an enciphered PIN block and returns the PIN as ASCII digits
/// (wipe the array after use).
///
/// # Errors
/// `InvalidPin` (one opaque "undecodable" for a wrong key, PAN or block);
/// `KeyUsage`, `InvalidKey`, `InvalidPan`.
#[uniffi::export(default(pan = None))]
pub fn decipher_pin_block(
    key: &Key,
    format: PinBlockFormat,
    block: Vec<u8>,
    pan: Option<String>,
) -> Result<Vec<u8>> {
    let block = core(EncipheredPinBlock::from_bytes(&block))?;
    let pan = pan_from(pan.as_deref())?;
    let pin = core(pin::decipher_pin(
        &key.inner,
        format.to_core(),
        &block,
        pan.as_ref(),
    ))?;
    // EXPOSE: the app asked for the clear PIN.
    Ok(pin.expose_secret().as_bytes().to_vec())
}

/// Translates an enciphered PIN block from one key and format to another
/// (host side), as PCI PIN 3-3 permits (0/3/4 among themselves, 1 to
/// anything but 2).
///
/// # Errors
/// `Unsupported` for a forbidden translation (before any key is used);
/// as `decipherPinBlock` and `encipherPinBlock`.
#[uniffi::export(default(pan = None))]
pub fn translate_pin_block(
    from_key: &Key,
    from_format: PinBlockFormat,
    block: Vec<u8>,
    to_key: &Key,
    to_format: PinBlockFormat,
    pan: Option<String>,
) -> Result<Vec<u8>> {
    let block = core(EncipheredPinBlock::from_bytes(&block))?;
    let pan = pan_from(pan.as_deref())?;
    let out = core(pin::translate(
        &from_key.inner,
        from_format.to_core(),
        &block,
        &to_key.inner,
        to_format.to_core(),
        pan.as_ref(),
        &mut OsRng,
    ))?;
    Ok(out.as_bytes().to_vec())
}

/// A clear (not enciphered) PIN block: secret. `AutoCloseable`; `close()`
/// or the cleaner zeroizes it.
#[derive(uniffi::Object)]
pub struct ClearPinBlock {
    inner: CoreClearPinBlock,
}

impl core::fmt::Debug for ClearPinBlock {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ClearPinBlock { .. }")
    }
}

impl ClearPinBlock {
    fn with<T>(&self, f: impl FnOnce(&CoreClearPinBlock) -> Result<T>) -> Result<T> {
        f(&self.inner)
    }
}

#[uniffi::export]
impl ClearPinBlock {
    /// Encodes `pin` (ASCII digits) in `format`; `fill` (hex nibbles) only
    /// for published vectors, otherwise random.
    ///
    /// # Errors
    /// `InvalidPin`, `InvalidPan`, `InvalidArgument` for a bad fill.
    #[uniffi::constructor(default(pan = None, fill = None))]
    pub fn encode(
        format: PinBlockFormat,
        pin: Vec<u8>,
        pan: Option<String>,
        fill: Option<String>,
    ) -> Result<Arc<Self>> {
        let pin = pin_from(pin)?;
        let pan = pan_from(pan.as_deref())?;
        let inner = encode(format, &pin, pan.as_ref(), fill.as_deref())?;
        Ok(Arc::new(Self { inner }))
    }

    /// A clear block from its bytes (8, or 16 for format 4); checked when decoded.
    ///
    /// # Errors
    /// `InvalidPin` for a wrong length.
    #[uniffi::constructor]
    pub fn from_bytes(format: PinBlockFormat, bytes: Vec<u8>) -> Result<Arc<Self>> {
        let bytes = Zeroizing::new(bytes);
        let inner = core(CoreClearPinBlock::from_bytes(format.to_core(), &bytes))?;
        Ok(Arc::new(Self { inner }))
    }

    /// The block's format.
    ///
    /// # Errors
    /// `Unsupported` for a format this binding does not know yet.
    pub fn format(&self) -> Result<PinBlockFormat> {
        self.with(|b| PinBlockFormat::from_core(b.format()))
    }

    /// Decodes the PIN (ASCII digits; wipe the array after use).
    ///
    /// # Errors
    /// `InvalidPin` if the block does not decode, `InvalidPan`.
    #[uniffi::method(default(pan = None))]
    pub fn decode(&self, pan: Option<String>) -> Result<Vec<u8>> {
        let pan = pan_from(pan.as_deref())?;
        self.with(|b| {
            let pin = core(b.decode(pan.as_ref()))?;
            // EXPOSE: the app asked for the clear PIN.
            Ok(pin.expose_secret().as_bytes().to_vec())
        })
    }

    /// Enciphers this block under `key` (usage `P0`).
    ///
    /// # Errors
    /// As `encipherPinBlock`.
    #[uniffi::method(default(pan = None))]
    pub fn encipher(&self, key: &Key, pan: Option<String>) -> Result<Vec<u8>> {
        let pan = pan_from(pan.as_deref())?;
        self.with(|b| {
            Ok(core(pin::encipher(&key.inner, b, pan.as_ref()))?
                .as_bytes()
                .to_vec())
        })
    }

    /// The clear block bytes (e.g. format 2 for an ICC VERIFY command).
    /// Wipe the array after use.
    ///
    /// # Errors
    /// None today (kept fallible for future policy checks).
    pub fn dangerous_expose_secret(&self) -> Result<Vec<u8>> {
        // EXPOSE: the app asked for the clear block.
        self.with(|b| Ok(b.expose_secret().to_vec()))
    }
}
