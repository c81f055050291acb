//! CUP MACs: the "POS ECB" MAC of field 64, X9.9 / SM4 CBC-MAC, the "9606"
//! XOR-then-encrypt MAC and X9.19.

use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use super::for_each_padded_block;
use crate::error::{Error, KeyError};
use crate::keys::cipher::BlockCipher;
use crate::keys::{Algorithm, Key, KeyUsage, Operation};
use crate::mac::{self as iso_mac, Mac, MacAlgorithm, Padding};

/// Key usages of a CUP MAK (CBC-MAC family, ISO 9797-1 algorithm 1 /
/// ISO 16609): the POS ECB, X9.9, SM4 CBC-MAC and 9606 MACs.
const MAK_USAGES: [KeyUsage; 2] = [KeyUsage::MacIso16609, KeyUsage::MacIso9797Alg1];

/// How the POS ECB MAC's final block becomes the 8 bytes of field 64
/// (an acquirer choice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum MacOutput {
    /// The ASCII codes of the first 8 uppercase hex characters of the final
    /// block (most terminal and host code; the default).
    #[default]
    Ascii,
    /// The first 8 bytes of the final block.
    Bytes,
}

fn mak_cipher(mak: &Key, operation: Operation) -> Result<BlockCipher, Error> {
    if !matches!(
        mak.algorithm(),
        Algorithm::Des | Algorithm::Tdes2 | Algorithm::Tdes3 | Algorithm::Sm4
    ) {
        // Reported before the usage check would build anything.
        mak.require(&MAK_USAGES, operation)?;
        return Err(KeyError::WrongAlgorithm.into());
    }
    mak.cup_cipher(&MAK_USAGES, operation)
}

fn hex_upper(bytes: &[u8], out: &mut [u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        if let [hi, lo] = pair {
            *hi = HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0');
            *lo = HEX.get(usize::from(b & 0x0F)).copied().unwrap_or(b'0');
        }
    }
}

fn pos_ecb(mak: &Key, data: &[u8], output: MacOutput, op: Operation) -> Result<Mac, Error> {
    let cipher = mak_cipher(mak, op)?;
    let n = cipher.block_len();
    // 1-2. Zero-pad, XOR every block into R.
    let mut r = [0u8; 16];
    for_each_padded_block(data, n, |block| {
        r.iter_mut().zip(block).for_each(|(a, b)| *a ^= b);
        Ok(())
    })?;
    // 3. H = uppercase hex of R (2n ASCII bytes), split into halves.
    let mut h = [0u8; 32];
    hex_upper(
        r.get(..n).unwrap_or(&[]),
        h.get_mut(..2 * n).unwrap_or(&mut []),
    );
    let (h1, h2) = h.get(..2 * n).unwrap_or(&[]).split_at(n);
    // 4-6. E(H1) XOR H2, enciphered again.
    let mut e = [0u8; 16];
    let block = e.get_mut(..n).ok_or(Error::invalid_argument("block"))?;
    block.copy_from_slice(h1);
    cipher.encrypt_block(block)?;
    block.iter_mut().zip(h2).for_each(|(a, b)| *a ^= b);
    cipher.encrypt_block(block)?;
    // 7. Field 64: 8 ASCII hex characters or 8 bytes.
    let mut out = [0u8; 16];
    let mac = match output {
        MacOutput::Ascii => {
            hex_upper(
                block.get(..4).unwrap_or(&[]),
                out.get_mut(..8).unwrap_or(&mut []),
            );
            Mac::from_parts(out.get(..8).unwrap_or(&[]))
        }
        MacOutput::Bytes => Mac::from_parts(block.get(..8).unwrap_or(&[])),
    };
    r.zeroize();
    h.zeroize();
    e.zeroize();
    mac
}

/// The CUP "POS ECB" MAC (银联 ECB MAC) over the MAB (the message from the
/// MTI to the end of field 63): zero-pad to the block size, XOR all blocks
/// into `R`, take the uppercase hex of `R` as `H1 || H2`, compute
/// `E(E(H1) XOR H2)` and encode per `output`. 8-byte blocks for DES (8-byte
/// MAK) and TDES, 16-byte blocks for SM4. Returns the 8 bytes of field 64.
///
/// # Errors
/// [`KeyError::UsageNotPermitted`] unless the MAK has usage `M0` or `M1`;
/// [`KeyError::ModeNotPermitted`] unless it may generate;
/// [`KeyError::WrongAlgorithm`] for an AES key.
pub fn pos_ecb_mac(mak: &Key, data: &[u8], output: MacOutput) -> Result<Mac, Error> {
    pos_ecb(mak, data, output, Operation::Generate)
}

/// Verifies a POS ECB MAC in constant time.
///
/// # Errors
/// As [`pos_ecb_mac`] (mode must permit verify);
/// [`Error::VerificationFailed`] on mismatch.
pub fn pos_ecb_mac_verify(
    mak: &Key,
    data: &[u8],
    output: MacOutput,
    expected: &[u8],
) -> Result<(), Error> {
    check(&pos_ecb(mak, data, output, Operation::Verify)?, expected)
}

fn check(mac: &Mac, expected: &[u8]) -> Result<(), Error> {
    if bool::from(mac.as_bytes().ct_eq(expected)) {
        Ok(())
    } else {
        Err(Error::VerificationFailed)
    }
}

fn cbc(mak: &Key, data: &[u8], op: Operation) -> Result<Mac, Error> {
    let cipher = mak_cipher(mak, op)?;
    let n = cipher.block_len();
    let mut chain = [0u8; 16];
    for_each_padded_block(data, n, |block| {
        let c = chain.get_mut(..n).ok_or(Error::invalid_argument("block"))?;
        c.iter_mut().zip(block).for_each(|(a, b)| *a ^= b);
        cipher.encrypt_block(c)
    })?;
    Mac::from_parts(chain.get(..n).unwrap_or(&[]))
}

/// CBC-MAC with a zero IV and zero padding (the empty message is one zero
/// block), full final block: ANSI X9.9 / ISO 9797-1 algorithm 1 with
/// padding method 1 for DES and TDES (8 bytes), the Newland `SEC_MAC_SM4`
/// / 联机 MAC for SM4 (16 bytes).
///
/// # Errors
/// As [`pos_ecb_mac`].
pub fn cbc_mac(mak: &Key, data: &[u8]) -> Result<Mac, Error> {
    cbc(mak, data, Operation::Generate)
}

/// Verifies a [`cbc_mac`] (full or truncated to at least 4 bytes) in
/// constant time.
///
/// # Errors
/// As [`pos_ecb_mac_verify`].
pub fn cbc_mac_verify(mak: &Key, data: &[u8], expected: &[u8]) -> Result<(), Error> {
    verify_prefix(&cbc(mak, data, Operation::Verify)?, expected)
}

fn verify_prefix(mac: &Mac, expected: &[u8]) -> Result<(), Error> {
    if expected.len() < iso_mac::MIN_MAC_LEN {
        return Err(Error::invalid_argument("mac length"));
    }
    let full = mac.as_bytes();
    let prefix = full
        .get(..expected.len())
        .ok_or(Error::VerificationFailed)?;
    if bool::from(prefix.ct_eq(expected)) {
        Ok(())
    } else {
        Err(Error::VerificationFailed)
    }
}

fn xor_encrypt(mak: &Key, data: &[u8], op: Operation) -> Result<Mac, Error> {
    let cipher = mak_cipher(mak, op)?;
    let n = cipher.block_len();
    let mut r = [0u8; 16];
    for_each_padded_block(data, n, |block| {
        r.iter_mut().zip(block).for_each(|(a, b)| *a ^= b);
        Ok(())
    })?;
    let block = r.get_mut(..n).ok_or(Error::invalid_argument("block"))?;
    cipher.encrypt_block(block)?;
    Mac::from_parts(block)
}

/// The "9606" MAC (Newland `SEC_MAC_9606`, CloudPOS "异或后 3DES"): zero-pad,
/// XOR all blocks, encipher the result once; full block.
///
/// # Errors
/// As [`pos_ecb_mac`].
pub fn xor_encrypt_mac(mak: &Key, data: &[u8]) -> Result<Mac, Error> {
    xor_encrypt(mak, data, Operation::Generate)
}

/// Verifies a [`xor_encrypt_mac`] (full or truncated to at least 4 bytes)
/// in constant time.
///
/// # Errors
/// As [`pos_ecb_mac_verify`].
pub fn xor_encrypt_mac_verify(mak: &Key, data: &[u8], expected: &[u8]) -> Result<(), Error> {
    verify_prefix(&xor_encrypt(mak, data, Operation::Verify)?, expected)
}

/// ANSI X9.19 (ISO 9797-1 algorithm 3) with zero padding, 8 bytes, as CUP
/// acquirers use it: [`crate::mac`] [`MacAlgorithm::RetailMac`] with
/// [`Padding::Method1`]. Key usage `M3`, 2-key TDES.
///
/// # Errors
/// As [`crate::mac::generate`].
pub fn x919_mac(mak: &Key, data: &[u8]) -> Result<Mac, Error> {
    iso_mac::generate(
        mak,
        MacAlgorithm::RetailMac {
            padding: Padding::Method1,
        },
        data,
        8,
    )
}
