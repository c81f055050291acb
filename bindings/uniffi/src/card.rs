//! Card data: PAN inspection and masking, track 1, track 2 and tag 57, the
//! BER-TLV tree, DOL build, EMVCo merchant-presented QR parse and build.
//!
//! Parsed tracks are closeable objects (they hold the PAN and discretionary
//! data); what they summarise as records is public (masked PAN, expiry,
//! service code).

use std::collections::HashMap;
use std::sync::Arc;

use paycore::card::dol::Dol;
use paycore::card::pan::Pan;
use paycore::card::qr::{self, DataObject, Payload};
use paycore::card::tlv::{self, Limits, Tag, Tlv};
use paycore::card::track::{Expiry, ServiceCode, Track1 as CoreTrack1, Track2 as CoreTrack2};
use zeroize::Zeroizing;

use crate::error::{PaycoreError, Result, core};

/// What a PAN says about itself, with the PAN masked (PCI DSS v4.0 3.4.1:
/// first 6 and last 4 digits at most). Public data.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct PanInfo {
    /// The masked PAN, e.g. `411111******1111`.
    pub masked_pan: String,
    /// Number of digits.
    pub length: u32,
    /// Whether the Luhn check digit is right (ISO/IEC 7812-1 Annex B).
    pub luhn_valid: bool,
    /// The card brand from the IIN, e.g. `visa`.
    pub brand: String,
}

fn pan_info(pan: &Pan) -> PanInfo {
    PanInfo {
        masked_pan: pan.to_string(),
        length: u32::try_from(pan.len()).unwrap_or(u32::MAX),
        luhn_valid: pan.luhn_valid(),
        brand: pan.brand().as_str().to_owned(),
    }
}

/// Inspects a PAN (12-19 ASCII digits; the check digit is reported, not
/// required).
///
/// # Errors
/// `InvalidPan` with the position of a non-digit or the bad length.
#[uniffi::export]
pub fn inspect_pan(pan: String) -> Result<PanInfo> {
    let pan = Zeroizing::new(pan);
    Ok(pan_info(&core(Pan::parse_lenient(&pan))?))
}

/// The PCI-masked form of a PAN, for display and receipts.
///
/// # Errors
/// As `inspectPan`.
#[uniffi::export]
pub fn mask_pan(pan: String) -> Result<String> {
    inspect_pan(pan).map(|info| info.masked_pan)
}

/// The public fields of a parsed track (ISO/IEC 7813). Public data.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct TrackSummary {
    /// The PAN, masked.
    pub pan: PanInfo,
    /// Expiry as `YYMM`, if present.
    pub expiry: Option<String>,
    /// The three-digit service code, if present.
    pub service_code: Option<String>,
}

fn summary(pan: &Pan, expiry: Option<Expiry>, code: Option<ServiceCode>) -> TrackSummary {
    TrackSummary {
        pan: pan_info(pan),
        expiry: expiry.map(|e| format!("{:02}{:02}", e.year, e.month)),
        service_code: code.map(|c| c.as_str().to_owned()),
    }
}

/// Magnetic-stripe track 2 (ISO/IEC 7813 §10) or EMV tag 57 (track 2
/// equivalent data). Secret: `AutoCloseable`, zeroized on `close()`.
#[derive(uniffi::Object)]
pub struct Track2 {
    inner: CoreTrack2,
}

impl core::fmt::Debug for Track2 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Track2 { .. }")
    }
}

#[uniffi::export]
impl Track2 {
    /// Parses track 2 text (ASCII bytes), with or without sentinels and LRC.
    ///
    /// # Errors
    /// `Malformed` for framing, separator, field, length or LRC errors;
    /// `InvalidPan`.
    #[uniffi::constructor]
    pub fn parse(track: Vec<u8>) -> Result<Arc<Self>> {
        let track = Zeroizing::new(track);
        Ok(Arc::new(Self {
            inner: core(CoreTrack2::from_ascii(&track))?,
        }))
    }

    /// Parses the value of EMV tag 57 (EMV Book 3 Annex A).
    ///
    /// # Errors
    /// As `parse`.
    #[uniffi::constructor]
    pub fn from_tag57(value: Vec<u8>) -> Result<Arc<Self>> {
        let value = Zeroizing::new(value);
        Ok(Arc::new(Self {
            inner: core(CoreTrack2::from_tag57(&value))?,
        }))
    }

    /// The public fields: masked PAN, expiry, service code.
    pub fn summary(&self) -> TrackSummary {
        summary(
            self.inner.pan(),
            self.inner.expiry(),
            self.inner.service_code(),
        )
    }

    /// The clear PAN as ASCII digits (wipe after use).
    pub fn dangerous_pan(&self) -> Vec<u8> {
        // EXPOSE: the app asked for the clear PAN (e.g. to build a PIN block).
        self.inner.pan().expose_secret().as_bytes().to_vec()
    }

    /// The discretionary data as ASCII (may hold PVV/CVV; wipe after use).
    pub fn dangerous_discretionary(&self) -> Vec<u8> {
        // EXPOSE: the app asked for the discretionary data.
        self.inner.expose_discretionary().as_bytes().to_vec()
    }
}

/// Magnetic-stripe track 1, format B (ISO/IEC 7813 §9). Secret:
/// `AutoCloseable`, zeroized on `close()`.
#[derive(uniffi::Object)]
pub struct Track1 {
    inner: CoreTrack1,
}

impl core::fmt::Debug for Track1 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Track1 { .. }")
    }
}

#[uniffi::export]
impl Track1 {
    /// Parses track 1 text (ASCII bytes), with or without sentinels and LRC.
    ///
    /// # Errors
    /// `Malformed` for framing, separator, field, length or LRC errors;
    /// `InvalidPan`.
    #[uniffi::constructor]
    pub fn parse(track: Vec<u8>) -> Result<Arc<Self>> {
        let track = Zeroizing::new(track);
        Ok(Arc::new(Self {
            inner: core(CoreTrack1::from_ascii(&track))?,
        }))
    }

    /// The public fields: masked PAN, expiry, service code.
    pub fn summary(&self) -> TrackSummary {
        summary(
            self.inner.pan(),
            self.inner.expiry(),
            self.inner.service_code(),
        )
    }

    /// The clear PAN as ASCII digits (wipe after use).
    pub fn dangerous_pan(&self) -> Vec<u8> {
        // EXPOSE: the app asked for the clear PAN.
        self.inner.pan().expose_secret().as_bytes().to_vec()
    }

    /// The cardholder name as ASCII (wipe after use).
    pub fn dangerous_name(&self) -> Vec<u8> {
        // EXPOSE: the app asked for the cardholder name (e.g. the receipt).
        self.inner.expose_name().as_bytes().to_vec()
    }

    /// The discretionary data as ASCII (wipe after use).
    pub fn dangerous_discretionary(&self) -> Vec<u8> {
        // EXPOSE: the app asked for the discretionary data.
        self.inner.expose_discretionary().as_bytes().to_vec()
    }
}

/// One node of a BER-TLV tree (EMV Book 3 Annex B), in pre-order: a node's
/// children follow it with `level + 1`. Public data: the value of a
/// sensitive tag (PAN, track 2 equivalent, cardholder name, ...) is left
/// out; read it with `tlvFind`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct TlvNode {
    /// The tag in upper-case hex, e.g. `9F02`.
    pub tag: String,
    /// The EMV name of the tag, if known.
    pub name: Option<String>,
    /// Nesting level, 1 for top-level objects.
    pub level: u32,
    /// Offset of the tag in the input.
    pub offset: u32,
    /// Length of the value in bytes.
    pub length: u32,
    /// Whether the tag is constructed (its value is more TLV).
    pub constructed: bool,
    /// Whether the tag carries card data that must not be logged.
    pub sensitive: bool,
    /// The value of a primitive, non-sensitive tag; `null` otherwise.
    pub value: Option<Vec<u8>>,
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn push_nodes(item: &Tlv<'_>, out: &mut Vec<TlvNode>) -> Result<()> {
    let children = item.children();
    out.push(TlvNode {
        tag: item.tag().to_string(),
        name: item.tag().name().map(str::to_owned),
        level: to_u32(item.level()),
        offset: to_u32(item.offset()),
        length: to_u32(item.value().len()),
        constructed: children.is_some(),
        sensitive: item.is_sensitive(),
        value: (children.is_none() && !item.is_sensitive()).then(|| item.value().to_vec()),
    });
    for child in children.into_iter().flatten() {
        push_nodes(&core(child)?, out)?;
    }
    Ok(())
}

/// Decodes BER-TLV data into its tree (pre-order list), after validating
/// all of it: nothing half-decoded is returned.
///
/// # Errors
/// `Malformed` with the offset; `LimitExceeded` past the depth or length limit.
#[uniffi::export]
pub fn tlv_decode(data: Vec<u8>) -> Result<Vec<TlvNode>> {
    let limits = Limits::default();
    core(tlv::validate(&data, limits))?;
    let mut out = Vec::new();
    for item in tlv::Iter::new(&data, limits) {
        push_nodes(&core(item)?, &mut out)?;
    }
    Ok(out)
}

fn tag_from_hex(tag: &str) -> Result<Tag> {
    let bytes = hex_decode(tag).ok_or_else(|| PaycoreError::argument("tag"))?;
    core(Tag::from_bytes(&bytes))
}

/// The value of the first object with `tag` (hex, e.g. `5A`) anywhere in
/// the tree, sensitive or not; `null` if absent.
///
/// # Errors
/// As `tlvDecode`; `InvalidArgument` for a bad tag.
#[uniffi::export]
pub fn tlv_find(data: Vec<u8>, tag: String) -> Result<Option<Vec<u8>>> {
    let tag = tag_from_hex(&tag)?;
    Ok(core(tlv::find(&data, tag, Limits::default()))?.map(|t| t.value().to_vec()))
}

/// Encodes one object: tag (hex), minimal definite length, value.
///
/// # Errors
/// `InvalidArgument` for a bad tag; `LimitExceeded` for an oversized value.
#[uniffi::export]
pub fn tlv_encode(tag: String, value: Vec<u8>) -> Result<Vec<u8>> {
    let tag = tag_from_hex(&tag)?;
    let mut out = Vec::new();
    core(tlv::encode_to_vec(tag, &value, &mut out))?;
    Ok(out)
}

/// One entry of a Data Object List (EMV Book 3 §5.4). Public data.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct DolEntry {
    /// The tag in upper-case hex.
    pub tag: String,
    /// The length the card asks for.
    pub length: u32,
}

/// Parses a DOL (e.g. CDOL1 or PDOL from the card).
///
/// # Errors
/// `Malformed` with the offset.
#[uniffi::export]
pub fn dol_parse(dol: Vec<u8>) -> Result<Vec<DolEntry>> {
    let dol = core(Dol::parse(&dol))?;
    Ok(dol
        .entries()
        .map(|e| DolEntry {
            tag: e.tag().to_string(),
            length: to_u32(e.length()),
        })
        .collect())
}

/// Builds the data a DOL asks for from the terminal's values (tag in hex →
/// value), fitting each value by the rules of EMV Book 3 §5.4 (absent values
/// and constructed tags are zero-filled).
///
/// # Errors
/// `Malformed` for a bad DOL; `InvalidArgument` for a bad tag in `values`.
#[uniffi::export]
pub fn dol_build(dol: Vec<u8>, values: HashMap<String, Vec<u8>>) -> Result<Vec<u8>> {
    let dol = core(Dol::parse(&dol))?;
    let values: Vec<(Tag, &[u8])> = values
        .iter()
        .map(|(tag, value)| Ok((tag_from_hex(tag)?, value.as_slice())))
        .collect::<Result<_>>()?;
    core(dol.build_to_vec(|tag| values.iter().find(|(t, _)| *t == tag).map(|(_, v)| *v)))
}

/// A data object of an EMVCo merchant-presented QR payload (QRCPS-MPM §3):
/// a primitive with a value, or a template with children.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct QrField {
    /// Two-digit ID, e.g. `59`.
    pub id: String,
    /// The value (empty for a template).
    pub value: String,
    /// The objects of a template; empty for a primitive.
    pub children: Vec<QrField>,
}

/// A decoded QR payload.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct QrPayload {
    /// Whether the CRC (ID 63) matches.
    pub crc_valid: bool,
    /// The strict verdict: `null` if `qrParse` accepts the payload, else the
    /// message of the first rule it breaks.
    pub strict_error: Option<String>,
    /// The objects, in order.
    pub fields: Vec<QrField>,
}

fn qr_field(f: &DataObject<'_>) -> QrField {
    let template = f.is_template();
    QrField {
        id: format!("{:02}", f.id()),
        value: if template {
            String::new()
        } else {
            f.value().to_owned()
        },
        children: if template {
            f.children().map(|c| qr_field(&c)).collect()
        } else {
            Vec::new()
        },
    }
}

fn qr_fields(payload: &Payload<'_>) -> Vec<QrField> {
    payload.fields().map(|f| qr_field(&f)).collect()
}

/// Parses a QR payload strictly (EMV QRCPS-MPM v1.1 rules and CRC): what a
/// terminal accepts for payment.
///
/// # Errors
/// `Malformed` with the first rule broken (never the payload text).
#[uniffi::export]
pub fn qr_parse(payload: String) -> Result<QrPayload> {
    let p = core(Payload::parse(&payload))?;
    Ok(QrPayload {
        crc_valid: p.crc_valid(),
        strict_error: None,
        fields: qr_fields(&p),
    })
}

/// Decodes the object structure of a QR payload for display and
/// diagnostics, reporting the strict verdict instead of failing on it.
///
/// # Errors
/// `Malformed` if the object structure itself does not decode.
#[uniffi::export]
pub fn qr_decode(payload: String) -> Result<QrPayload> {
    let p = core(Payload::decode(&payload))?;
    Ok(QrPayload {
        crc_valid: p.crc_valid(),
        strict_error: p.check_strict().err().map(|e| e.to_string()),
        fields: qr_fields(&p),
    })
}

fn qr_id(id: &str) -> Result<u8> {
    id.parse::<u8>()
        .ok()
        .filter(|_| id.len() == 2)
        .ok_or_else(|| PaycoreError::argument("QR id"))
}

fn add_field(b: &mut qr::Builder<'_>, f: &QrField) -> Result<()> {
    let id = qr_id(&f.id)?;
    if f.children.is_empty() {
        core(b.primitive(id, &f.value))?;
    } else {
        core(b.begin_template(id))?;
        for c in &f.children {
            add_field(b, c)?;
        }
        core(b.end_template())?;
    }
    Ok(())
}

/// Builds a QR payload from its objects (without ID 63: the CRC is appended).
///
/// # Errors
/// `InvalidArgument` for a bad ID; `Malformed`/`LimitExceeded` as core's builder.
#[uniffi::export]
pub fn qr_build(fields: Vec<QrField>) -> Result<String> {
    let mut failure = None;
    let built = qr::build_string(|b| {
        for f in &fields {
            if let Err(e) = add_field(b, f) {
                failure = Some(e);
                return Err(paycore::Error::invalid_argument("QR field"));
            }
        }
        Ok(())
    });
    match (built, failure) {
        (_, Some(e)) => Err(e),
        (r, None) => core(r),
    }
}

/// Upper- or lower-case hex to bytes (argument parsing only).
pub(crate) fn hex_decode(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    s.as_bytes()
        .chunks(2)
        .map(|p| {
            let hi = char::from(*p.first()?).to_digit(16)?;
            let lo = char::from(*p.get(1)?).to_digit(16)?;
            u8::try_from(hi * 16 + lo).ok()
        })
        .collect()
}
