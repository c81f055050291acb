//! TDK track-data encryption with the CUP block-selection rule (磁道加密).
//!
//! 1. The track (ASCII digits, `=` or `D` as separator) is packed two
//!    digits a byte, `=` as nibble `D`, with a `0` nibble appended to an
//!    odd number of digits.
//! 2. The TDB is the cipher block (8 bytes for TDES, 16 for SM4) that ends
//!    just before the last packed byte.
//! 3. The TDB is enciphered in ECB under the TDK and written back in place.
//!
//! Sources: PAX `TransProcessListenerImpl.onEncTrack` (terminal),
//! bestpay `TrackDecryption.java` (host, "国密和国际加密长度不同").
//! A track too short to hold a TDB before its last byte (fewer than 17
//! digits for TDES, 33 for SM4) is refused: terminal code pads such a block
//! with `FF` but the public code does not show how the longer ciphertext is
//! carried back, so no decryptable form is known.

use zeroize::Zeroize;

use crate::error::{CupError, Error, KeyError};
use crate::keys::{Algorithm, Key, KeyUsage, Operation};

const TDK_USAGES: [KeyUsage; 1] = [KeyUsage::DataEncryption];

fn tdk_block_len(tdk: &Key) -> Result<usize, Error> {
    match tdk.algorithm() {
        Algorithm::Tdes2 | Algorithm::Tdes3 => Ok(8),
        Algorithm::Sm4 => Ok(16),
        _ => Err(KeyError::WrongAlgorithm.into()),
    }
}

fn bad_track() -> Error {
    CupError::TrackUndecodable.into()
}

/// Range of the TDB inside `packed_len` packed bytes of `digits` digits.
fn tdb_range(packed_len: usize, n: usize, digits: usize) -> Result<core::ops::Range<usize>, Error> {
    if packed_len < n + 1 {
        return Err(CupError::TrackLength { digits }.into());
    }
    Ok(packed_len - 1 - n..packed_len - 1)
}

/// Packs and encrypts track data (`0`-`9`, `=` or `D`) into `out`; returns
/// the packed length (`ceil(digits / 2)`). The caller sends it with the
/// digit count (the field 35/36 length).
///
/// # Errors
/// [`KeyError::UsageNotPermitted`] / [`KeyError::ModeNotPermitted`] unless
/// the TDK has usage `D0` permitting encryption; [`KeyError::WrongAlgorithm`]
/// unless it is TDES or SM4; [`CupError::TrackCharacter`] for another
/// character; [`CupError::TrackLength`] for a track shorter than one block
/// plus one byte, or longer than 104 digits; `BufferTooSmall`.
pub fn encrypt_track(tdk: &Key, track: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    tdk.require(&TDK_USAGES, Operation::Encrypt)?;
    let n = tdk_block_len(tdk)?;
    if track.len() > 104 {
        return Err(CupError::TrackLength {
            digits: track.len(),
        }
        .into());
    }
    let packed_len = track.len().div_ceil(2);
    let range = tdb_range(packed_len, n, track.len())?;
    let provided = out.len();
    let dst = out.get_mut(..packed_len).ok_or(Error::ApiMisuse(
        crate::error::ApiMisuse::BufferTooSmall {
            required: packed_len,
            provided,
        },
    ))?;
    let mut packed = [0u8; 52];
    let result = (|| {
        for (i, c) in track.iter().enumerate() {
            let v = match c {
                b'0'..=b'9' => c - b'0',
                b'=' | b'D' | b'd' => 0xD,
                _ => return Err(CupError::TrackCharacter { position: i }.into()),
            };
            let b = packed.get_mut(i / 2).ok_or_else(bad_track)?;
            *b |= if i % 2 == 0 { v << 4 } else { v };
        }
        let cipher = tdk.cup_cipher(&TDK_USAGES, Operation::Encrypt)?;
        cipher.encrypt_block(packed.get_mut(range).ok_or_else(bad_track)?)?;
        dst.copy_from_slice(packed.get(..packed_len).ok_or_else(bad_track)?);
        Ok(packed_len)
    })();
    packed.zeroize();
    result
}

/// Decrypts packed track data of `digits` digits (the field length) into
/// ASCII in `out` (separator as `=`); returns `digits`.
///
/// # Errors
/// Key errors as [`encrypt_track`] (mode permitting decryption);
/// [`CupError::TrackLength`] unless `packed` is `ceil(digits / 2)` bytes
/// and long enough; [`CupError::TrackUndecodable`] if a decrypted nibble is
/// not a digit or separator, or the pad nibble of an odd track is not `0`;
/// `BufferTooSmall`.
pub fn decrypt_track(
    tdk: &Key,
    packed: &[u8],
    digits: usize,
    out: &mut [u8],
) -> Result<usize, Error> {
    tdk.require(&TDK_USAGES, Operation::Decrypt)?;
    let n = tdk_block_len(tdk)?;
    if packed.len() != digits.div_ceil(2) || packed.len() > 52 {
        return Err(CupError::TrackLength { digits }.into());
    }
    let range = tdb_range(packed.len(), n, digits)?;
    let provided = out.len();
    let dst =
        out.get_mut(..digits)
            .ok_or(Error::ApiMisuse(crate::error::ApiMisuse::BufferTooSmall {
                required: digits,
                provided,
            }))?;
    let mut clear = [0u8; 52];
    let mut ascii = [0u8; 104];
    let result = (|| {
        let buf = clear.get_mut(..packed.len()).ok_or_else(bad_track)?;
        buf.copy_from_slice(packed);
        let cipher = tdk.cup_cipher(&TDK_USAGES, Operation::Decrypt)?;
        cipher.decrypt_block(buf.get_mut(range).ok_or_else(bad_track)?)?;
        for i in 0..2 * packed.len() {
            let b = buf.get(i / 2).copied().unwrap_or(0);
            let v = if i % 2 == 0 { b >> 4 } else { b & 0x0F };
            let slot = ascii.get_mut(i).ok_or_else(bad_track)?;
            *slot = match v {
                0..=9 => b'0' + v,
                0xD => b'=',
                _ => return Err(bad_track()),
            };
        }
        if digits % 2 == 1 && ascii.get(digits) != Some(&b'0') {
            return Err(bad_track());
        }
        dst.copy_from_slice(ascii.get(..digits).ok_or_else(bad_track)?);
        Ok(digits)
    })();
    clear.zeroize();
    ascii.zeroize();
    result
}
