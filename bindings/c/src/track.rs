//! Magnetic-stripe track 1 / track 2 (ISO/IEC 7813) and EMV tag 57 Track 2
//! Equivalent Data (EMV Book 3 Annex A) through the C ABI.
//!
//! Track data is cardholder data. [`paycore_track_parse`] returns only what
//! a terminal may keep or display: the masked PAN, lengths, the expiry
//! date, the service code and the decisions it drives. The clear PAN, the
//! discretionary data and the cardholder name are released one at a time
//! by the `paycore_track_expose_*` functions into caller buffers that are
//! zeroed on any failure; the library keeps no copy (its temporaries are
//! zeroized). Nothing allocates.
//!
//! Inputs name their kind with a `PAYCORE_TRACK_KIND_*` constant: track 1
//! and track 2 are ASCII text (with or without sentinels and LRC), tag 57
//! is the binary value of the data object.

use paycore::Error;
use paycore::card::pan::Pan;
use paycore::card::track::{
    Expiry, ServiceCode, TAG57_MAX_LEN, TRACK1_MAX_LEN, TRACK2_MAX_LEN, Track1, Track2,
    TrackEncoding, track1_lrc, track2_lrc,
};
use paycore::secret::SecretBytes;

use crate::card::{PAYCORE_PAN_MAX_LEN, masked_pan, pan_brand};
use crate::io::{Out, input, put, read_in};
use crate::result::paycore_result;
use crate::{ffi_boundary, try_ffi};

/// Track 1 format B text (ISO/IEC 7813 §10.2).
pub const PAYCORE_TRACK_KIND_TRACK1: u32 = 1;
/// Track 2 text (ISO/IEC 7813 §10.3).
pub const PAYCORE_TRACK_KIND_TRACK2: u32 = 2;
/// EMV tag 57 value, Track 2 Equivalent Data (EMV Book 3 Annex A).
pub const PAYCORE_TRACK_KIND_TAG57: u32 = 3;

/// Encoding flag: write the start and end sentinels.
pub const PAYCORE_TRACK_ENCODING_SENTINELS: u32 = 1;
/// Encoding flag: write the LRC after the end sentinel (needs
/// `PAYCORE_TRACK_ENCODING_SENTINELS`).
pub const PAYCORE_TRACK_ENCODING_LRC: u32 = 2;

/// Longest track 1 text, sentinels and LRC included (ISO/IEC 7813 §8).
pub const PAYCORE_TRACK1_MAX_LEN: usize = 79;
/// Longest track 2 text, sentinels and LRC included (ISO/IEC 7813 §8).
pub const PAYCORE_TRACK2_MAX_LEN: usize = 40;
/// Longest tag 57 value (EMV Book 3 Annex A).
pub const PAYCORE_TAG57_MAX_LEN: usize = 19;

// Literals above so that cbindgen emits numbers; kept equal to the core's.
const _: () = assert!(
    PAYCORE_TRACK1_MAX_LEN == TRACK1_MAX_LEN
        && PAYCORE_TRACK2_MAX_LEN == TRACK2_MAX_LEN
        && PAYCORE_TAG57_MAX_LEN == TAG57_MAX_LEN
);

/// The non-secret view of a parsed track (ISO/IEC 7813 §10; EMV Book 3
/// Annex A tag 57), safe to log or display.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct paycore_track_info {
    /// The `PAYCORE_TRACK_KIND_*` that was parsed.
    pub kind: u32,
    /// The PCI-masked PAN, first 6 / last 4 digits (no NUL).
    pub masked_pan: [u8; PAYCORE_PAN_MAX_LEN],
    /// Length of `masked_pan` in bytes.
    pub masked_pan_len: usize,
    /// Number of PAN digits (12-19).
    pub pan_len: usize,
    /// True when the PAN's Luhn check digit is right (ISO/IEC 7812-1
    /// Annex B); reported, not enforced.
    pub luhn_valid: bool,
    /// A `PAYCORE_BRAND_*` constant.
    pub brand: u32,
    /// True when an expiry date is encoded.
    pub expiry_present: bool,
    /// Expiry year, 0-99 (valid when `expiry_present`).
    pub expiry_year: u8,
    /// Expiry month, 1-12 (valid when `expiry_present`).
    pub expiry_month: u8,
    /// True when a service code is encoded.
    pub service_code_present: bool,
    /// The three service code digits as values 0-9 (ISO/IEC 7813 §10.2.4).
    pub service_code: [u8; 3],
    /// Service code digit 1 is 2 or 6: use the chip where supported.
    pub requires_chip: bool,
    /// Service code digit 3 is 0, 3 or 5: PIN required.
    pub pin_required: bool,
    /// Service code digit 3 is 6 or 7: PIN if a PIN entry device is present.
    pub pin_if_ped_present: bool,
    /// Length of the discretionary data (to size the buffer for
    /// [`paycore_track_expose_discretionary`]).
    pub discretionary_len: usize,
    /// Length of the cardholder name field (track 1 only; 0 otherwise).
    pub name_len: usize,
}

/// Fields for [`paycore_track_build`].
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct paycore_track_fields {
    /// Encode an expiry date (otherwise its field separator alone).
    pub expiry_present: bool,
    /// Expiry year, 0-99.
    pub expiry_year: u8,
    /// Expiry month, 1-12.
    pub expiry_month: u8,
    /// Encode a service code (otherwise its field separator alone).
    pub service_code_present: bool,
    /// Service code digit values, 0-9 each.
    pub service_code: [u8; 3],
}

/// A parsed track of either layout.
enum Parsed {
    One(Track1),
    Two(Track2),
}

impl Parsed {
    fn pan(&self) -> &Pan {
        match self {
            Self::One(t) => t.pan(),
            Self::Two(t) => t.pan(),
        }
    }

    fn expiry(&self) -> Option<Expiry> {
        match self {
            Self::One(t) => t.expiry(),
            Self::Two(t) => t.expiry(),
        }
    }

    fn service_code(&self) -> Option<ServiceCode> {
        match self {
            Self::One(t) => t.service_code(),
            Self::Two(t) => t.service_code(),
        }
    }

    fn expose_discretionary(&self) -> &str {
        match self {
            Self::One(t) => t.expose_discretionary(),
            Self::Two(t) => t.expose_discretionary(),
        }
    }
}

/// True when the framed part of a track text (through the first end
/// sentinel `?`) is in the character set whose LRC the core computes.
///
/// Works around a core bug: `track1_lrc` / `track2_lrc` subtract before
/// checking the range, so a character below it (e.g. a space in track 2
/// text followed by `?` and an LRC character) overflows, which panics in
/// debug builds. Characters outside the set are rejected by the core
/// anyway, so this changes no result, only avoids the panic.
fn lrc_safe(data: &[u8], low: u8, high: u8, extra: u8) -> bool {
    match data.iter().position(|&c| c == b'?') {
        Some(end) if end + 1 < data.len() => data
            .iter()
            .take(end + 1)
            .all(|&c| (low..=high).contains(&c) || c == extra),
        _ => true,
    }
}

fn parse(kind: u32, data: &[u8]) -> Result<Parsed, paycore_result> {
    let safe = match kind {
        PAYCORE_TRACK_KIND_TRACK1 => lrc_safe(data, 0x20, 0x5F, 0x20),
        PAYCORE_TRACK_KIND_TRACK2 => lrc_safe(data, 0x30, 0x3F, b'D'),
        _ => true,
    };
    if !safe {
        return Err(paycore_result::Malformed);
    }
    let parsed: Result<Parsed, Error> = match kind {
        PAYCORE_TRACK_KIND_TRACK1 => Track1::from_ascii(data).map(Parsed::One),
        PAYCORE_TRACK_KIND_TRACK2 => Track2::from_ascii(data).map(Parsed::Two),
        PAYCORE_TRACK_KIND_TAG57 => Track2::from_tag57(data).map(Parsed::Two),
        _ => return Err(paycore_result::InvalidArgument),
    };
    parsed.map_err(paycore_result::from)
}

fn encoding(flags: u32) -> Result<TrackEncoding, paycore_result> {
    if flags & !(PAYCORE_TRACK_ENCODING_SENTINELS | PAYCORE_TRACK_ENCODING_LRC) != 0 {
        return Err(paycore_result::InvalidArgument);
    }
    Ok(TrackEncoding {
        sentinels: flags & PAYCORE_TRACK_ENCODING_SENTINELS != 0,
        lrc: flags & PAYCORE_TRACK_ENCODING_LRC != 0,
    })
}

fn info(kind: u32, parsed: &Parsed) -> paycore_track_info {
    let masked = masked_pan(parsed.pan());
    let expiry = parsed.expiry();
    let service_code = parsed.service_code();
    paycore_track_info {
        kind,
        masked_pan: masked.buf,
        masked_pan_len: masked.len,
        pan_len: parsed.pan().len(),
        luhn_valid: parsed.pan().luhn_valid(),
        brand: pan_brand(parsed.pan()),
        expiry_present: expiry.is_some(),
        expiry_year: expiry.map_or(0, |e| e.year),
        expiry_month: expiry.map_or(0, |e| e.month),
        service_code_present: service_code.is_some(),
        service_code: service_code.map_or([0; 3], |s| s.digits()),
        requires_chip: service_code.is_some_and(|s| s.requires_chip()),
        pin_required: service_code.is_some_and(|s| s.pin_required()),
        pin_if_ped_present: service_code.is_some_and(|s| s.pin_if_ped_present()),
        // Lengths only; the contents stay behind the expose functions.
        discretionary_len: parsed.expose_discretionary().len(),
        name_len: match parsed {
            Parsed::One(t) => t.expose_name().len(),
            Parsed::Two(_) => 0,
        },
    }
}

/// Parses a track 1, track 2 or tag 57 (`kind`) and writes its non-secret
/// view to `*out` (ISO/IEC 7813 §10; EMV Book 3 Annex A). Sentinels and
/// LRC are optional in track text; an LRC present is verified.
///
/// # Errors
/// `PAYCORE_RESULT_NULL_PARAMETER`; `PAYCORE_RESULT_INVALID_ARGUMENT` for
/// an unknown `kind`; `PAYCORE_RESULT_MALFORMED` for framing, separator,
/// field, character, length or LRC errors; `PAYCORE_RESULT_INVALID_PAN`
/// for a PAN that is not 12-19 digits. `*out` is written only on success.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `data` must be valid for `len` bytes; `out` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_track_parse(
    kind: u32,
    data: *const u8,
    len: usize,
    out: *mut paycore_track_info,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let data = try_ffi!(unsafe { input(data, len) });
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        let parsed = try_ffi!(parse(kind, data));
        // SAFETY: checked non-NULL; caller guarantees writability.
        try_ffi!(unsafe { put(out, info(kind, &parsed)) });
        paycore_result::Ok
    })
}

/// Which secret part an expose call releases.
#[derive(Clone, Copy)]
enum Part {
    Pan,
    Discretionary,
    Name,
}

/// Parses and writes one secret part; the output is zeroed on any failure.
///
/// # Safety
/// As the public expose functions.
unsafe fn expose(
    part: Part,
    kind: u32,
    data: *const u8,
    len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    // SAFETY: forwarded caller contract.
    let out = try_ffi!(unsafe { Out::new_secret(out, out_cap, out_len) });
    // SAFETY: forwarded caller contract.
    let data = match unsafe { input(data, len) } {
        Ok(d) => d,
        Err(e) => {
            out.wipe();
            return e;
        }
    };
    let parsed = match parse(kind, data) {
        Ok(p) => p,
        Err(e) => {
            out.wipe();
            return e;
        }
    };
    let text = match (part, &parsed) {
        // EXPOSE: the caller asked for the clear PAN, into its own buffer.
        (Part::Pan, p) => p.pan().expose_secret(),
        // EXPOSE: discretionary data, at the caller's request.
        (Part::Discretionary, p) => p.expose_discretionary(),
        // EXPOSE: cardholder name, at the caller's request.
        (Part::Name, Parsed::One(t)) => t.expose_name(),
        (Part::Name, Parsed::Two(_)) => {
            out.wipe();
            return paycore_result::InvalidArgument;
        }
    };
    out.write_secret(text.as_bytes())
}

/// Writes the clear PAN (ASCII digits, no NUL) of a track 1, track 2 or
/// tag 57 to `out`. **Sensitive**: keep it out of logs and wipe it after
/// use. The buffer is zeroed on every failure.
///
/// # Errors
/// As [`paycore_track_parse`]; `PAYCORE_RESULT_BUFFER_TOO_SMALL` (with
/// `*out_len` = size needed).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `data` must be valid for `len` bytes; `out` for `out_cap` writable bytes;
/// `out_len` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_track_expose_pan(
    kind: u32,
    data: *const u8,
    len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        unsafe { expose(Part::Pan, kind, data, len, out, out_cap, out_len) }
    })
}

/// Writes the discretionary data (ASCII, no NUL; may hold PVV/CVV) of a
/// track 1, track 2 or tag 57 to `out`. **Sensitive**. The buffer is zeroed
/// on every failure. Empty discretionary data gives `*out_len = 0`.
///
/// # Errors
/// As [`paycore_track_expose_pan`].
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_track_expose_pan`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_track_expose_discretionary(
    kind: u32,
    data: *const u8,
    len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        unsafe { expose(Part::Discretionary, kind, data, len, out, out_cap, out_len) }
    })
}

/// Writes the cardholder name field of a track 1 (as encoded, e.g.
/// `"FATEHI/SUALEH"`, possibly space-padded; ISO/IEC 7813 §10.2.1) to
/// `out`. **Sensitive**. The buffer is zeroed on every failure.
///
/// # Errors
/// As [`paycore_track_expose_pan`]; `PAYCORE_RESULT_INVALID_ARGUMENT` for a
/// `kind` other than `PAYCORE_TRACK_KIND_TRACK1` (track 2 has no name).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_track_expose_pan`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_track_expose_name(
    kind: u32,
    data: *const u8,
    len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        unsafe { expose(Part::Name, kind, data, len, out, out_cap, out_len) }
    })
}

/// Scratch space for one encoded track (track 1 is the longest).
const SCRATCH: usize = TRACK1_MAX_LEN;

/// Encodes `parsed` as `out_kind` into a zeroizing container.
fn encode_parsed(
    parsed: &Parsed,
    out_kind: u32,
    flags: u32,
) -> Result<(SecretBytes<SCRATCH>, usize), paycore_result> {
    let mut scratch = [0u8; SCRATCH];
    let result =
        match (parsed, out_kind) {
            (Parsed::One(t), PAYCORE_TRACK_KIND_TRACK1) => encoding(flags)
                .and_then(|e| t.encode(e, &mut scratch).map_err(paycore_result::from)),
            (Parsed::Two(t), PAYCORE_TRACK_KIND_TRACK2) => encoding(flags)
                .and_then(|e| t.encode(e, &mut scratch).map_err(paycore_result::from)),
            (Parsed::Two(t), PAYCORE_TRACK_KIND_TAG57) if flags == 0 => {
                t.to_tag57(&mut scratch).map_err(paycore_result::from)
            }
            _ => Err(paycore_result::InvalidArgument),
        };
    // Moves the bytes into a zeroize-on-drop container and zeroizes the
    // stack copy, whatever the result.
    let secret = SecretBytes::from_array(&mut scratch);
    result.map(|n| (secret, n))
}

/// Writes an encoded track from the zeroizing container, or wipes `out`.
fn emit(
    out: Out<'_>,
    encoded: Result<(SecretBytes<SCRATCH>, usize), paycore_result>,
) -> paycore_result {
    match encoded {
        Ok((secret, n)) => {
            // EXPOSE: the encoded track goes to the caller's buffer.
            match secret.expose_secret().get(..n) {
                Some(bytes) => out.write_secret(bytes),
                None => {
                    out.wipe();
                    paycore_result::Internal
                }
            }
        }
        Err(e) => {
            out.wipe();
            e
        }
    }
}

/// Re-encodes a track in canonical form (ISO/IEC 7813; EMV Book 3 Annex A):
/// track 1 → track 1 text; track 2 or tag 57 → track 2 text (`=`
/// separator) or tag 57 bytes (`D` separator, `F`-padded). For text,
/// `flags` is a combination of `PAYCORE_TRACK_ENCODING_SENTINELS` and
/// `PAYCORE_TRACK_ENCODING_LRC`; for tag 57 it must be 0. The output is
/// **sensitive** and zeroed on every failure.
///
/// # Errors
/// As [`paycore_track_parse`] for the input;
/// `PAYCORE_RESULT_INVALID_ARGUMENT` for an unknown or impossible
/// `out_kind` (track 1 ↔ track 2), unknown flags or LRC without sentinels;
/// `PAYCORE_RESULT_BUFFER_TOO_SMALL` (with `*out_len` = size needed).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `data` must be valid for `len` bytes; `out` for `out_cap` writable bytes;
/// `out_len` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_track_encode(
    kind: u32,
    data: *const u8,
    len: usize,
    out_kind: u32,
    flags: u32,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new_secret(out, out_cap, out_len) });
        // SAFETY: forwarded caller contract.
        let encoded = unsafe { input(data, len) }
            .and_then(|d| parse(kind, d))
            .and_then(|p| encode_parsed(&p, out_kind, flags));
        emit(out, encoded)
    })
}

/// Builds a track from its fields (ISO/IEC 7813 §10.2-§10.3; EMV Book 3
/// Annex A): `out_kind` track 1 (needs `name`, 2-26 characters), track 2
/// or tag 57 (`name` must be empty). `pan` is 12-19 ASCII digits (Luhn not
/// enforced); `discretionary` is digits for track 2 / tag 57, track 1
/// characters otherwise. `flags` as [`paycore_track_encode`]. The output is
/// **sensitive** and zeroed on every failure.
///
/// # Errors
/// `PAYCORE_RESULT_NULL_PARAMETER`; `PAYCORE_RESULT_INVALID_PAN`;
/// `PAYCORE_RESULT_MALFORMED` for a bad expiry, service code digit, name or
/// discretionary character, or data over the track length;
/// `PAYCORE_RESULT_INVALID_ARGUMENT` for an unknown `out_kind`, a name with
/// track 2 / tag 57, or bad flags; `PAYCORE_RESULT_BUFFER_TOO_SMALL`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `pan`, `name` and `discretionary` must be valid for their lengths;
/// `fields` valid for a read; `out` for `out_cap` writable bytes; `out_len`
/// valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_track_build(
    out_kind: u32,
    pan: *const u8,
    pan_len: usize,
    name: *const u8,
    name_len: usize,
    fields: *const paycore_track_fields,
    discretionary: *const u8,
    discretionary_len: usize,
    flags: u32,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let out = try_ffi!(unsafe { Out::new_secret(out, out_cap, out_len) });
        let encoded = (|| {
            // SAFETY: forwarded caller contract.
            let pan = unsafe { input(pan, pan_len) }?;
            // SAFETY: forwarded caller contract.
            let name = unsafe { input(name, name_len) }?;
            // SAFETY: forwarded caller contract.
            let discretionary = unsafe { input(discretionary, discretionary_len) }?;
            if fields.is_null() {
                return Err(paycore_result::NullParameter);
            }
            // SAFETY: non-NULL and readable per the caller's contract.
            let fields = unsafe { read_in(fields) }?;
            let pan = Pan::from_ascii(pan).map_err(paycore_result::from)?;
            let expiry = if fields.expiry_present {
                Some(
                    Expiry::new(fields.expiry_year, fields.expiry_month)
                        .map_err(paycore_result::from)?,
                )
            } else {
                None
            };
            let service_code = if fields.service_code_present {
                let digits = fields.service_code.map(|d| b'0'.wrapping_add(d));
                Some(ServiceCode::from_ascii(&digits).map_err(paycore_result::from)?)
            } else {
                None
            };
            let parsed = match out_kind {
                PAYCORE_TRACK_KIND_TRACK1 => {
                    let name = std::str::from_utf8(name).map_err(|_| paycore_result::Malformed)?;
                    Track1::new(&pan, name, expiry, service_code, discretionary).map(Parsed::One)
                }
                PAYCORE_TRACK_KIND_TRACK2 | PAYCORE_TRACK_KIND_TAG57 if name.is_empty() => {
                    Track2::new(&pan, expiry, service_code, discretionary).map(Parsed::Two)
                }
                _ => return Err(paycore_result::InvalidArgument),
            }
            .map_err(paycore_result::from)?;
            encode_parsed(&parsed, out_kind, flags)
        })();
        emit(out, encoded)
    })
}

/// Computes the LRC character of a framed track 1 or track 2 (start
/// sentinel through end sentinel; ISO/IEC 7811-2 §9, ISO/IEC 7813).
///
/// # Errors
/// `PAYCORE_RESULT_NULL_PARAMETER`; `PAYCORE_RESULT_INVALID_ARGUMENT` for a
/// `kind` other than track 1 / track 2; `PAYCORE_RESULT_MALFORMED` for a
/// character outside the track's character set.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `framed` must be valid for `len` bytes; `lrc` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_track_lrc(
    kind: u32,
    framed: *const u8,
    len: usize,
    lrc: *mut u8,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let framed = try_ffi!(unsafe { input(framed, len) });
        if lrc.is_null() {
            return paycore_result::NullParameter;
        }
        // The character sets are checked here before calling the core:
        // `track1_lrc` / `track2_lrc` subtract before checking the range
        // and overflow (a debug-build panic) on a character below it.
        let value = match kind {
            PAYCORE_TRACK_KIND_TRACK1 if framed.iter().all(|c| (0x20..=0x5F).contains(c)) => {
                track1_lrc(framed)
            }
            PAYCORE_TRACK_KIND_TRACK2 if framed.iter().all(|c| (0x30..=0x3F).contains(c)) => {
                track2_lrc(framed)
            }
            PAYCORE_TRACK_KIND_TRACK1 | PAYCORE_TRACK_KIND_TRACK2 => None,
            _ => return paycore_result::InvalidArgument,
        };
        let Some(value) = value else {
            return paycore_result::Malformed;
        };
        // SAFETY: checked non-NULL; caller guarantees writability.
        try_ffi!(unsafe { put(lrc, value) });
        paycore_result::Ok
    })
}
