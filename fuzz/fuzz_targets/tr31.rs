//! Fuzz target `tr31`: TR-31 / X9.143 key block parsing, unwrap and wrap.
//!
//! Oracles:
//! 1. arbitrary input never panics in `KeyBlockHeader::parse`,
//!    `count_optional_blocks`, `unwrap` (default and legacy policy) or
//!    `unwrap_private_key`; the optional-block count agrees with the
//!    header; anything that unwraps (B, D or E, exportable) re-wraps with
//!    the same header and padding to exactly the same block; the default
//!    policy never accepts A or C;
//! 2. a key block built from the input (random key, attributes, optional
//!    blocks up to 510 characters so the extended length form is used,
//!    padding; versions B, D, E) unwraps to the same key and attributes,
//!    re-wraps identically, and is refused after any single-character
//!    change;
//! 3. a private-key block (DER `SEQUENCE` from the input, versions D and E)
//!    unwraps to the same DER and is refused after a character change.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paycore::keys::tr31::{
    self, KeyBlockHeader, OptionalBlock, OptionalBlockId, UnwrapPolicy, Version,
};
use paycore::keys::{Algorithm, Exportability, Key, KeyAttributes, KeyUsage, ModeOfUse};

fn kbpk(algorithm: Algorithm, byte: u8) -> Key {
    Key::new(
        algorithm,
        &[byte; 32][..algorithm.key_len()],
        KeyAttributes::new(KeyUsage::KeyBlockProtection, ModeOfUse::EncryptDecrypt),
    )
    .unwrap()
}

fn rewrap_is_identical(kbpk: &Key, block: &str) {
    let Ok(unwrapped) = tr31::unwrap(kbpk, block) else {
        return;
    };
    let version = unwrapped.header().version();
    if version.is_legacy()
        || unwrapped.key().attributes().exportability == Exportability::NonExportable
    {
        return;
    }
    let mut out = vec![0u8; 10_000];
    let n = tr31::wrap_with_header(
        kbpk,
        unwrapped.key(),
        unwrapped.header(),
        unwrapped.dangerous_padding(),
        &mut out,
    )
    .expect("an unwrapped block re-wraps");
    assert_eq!(&out[..n], block.as_bytes(), "re-wrap differs");
}

const ALNUM: &[u8; 36] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

fuzz_target!(|data: &[u8]| {
    let kbpk_b = kbpk(Algorithm::Tdes3, 0x5B);
    let kbpk_d = kbpk(Algorithm::Aes256, 0xD5);

    // Oracle 1: arbitrary text.
    if let Ok(text) = core::str::from_utf8(data) {
        if let Ok(header) = KeyBlockHeader::parse(text) {
            assert!(header.optional_blocks().count() == header.optional_block_count());
            assert!(header.len() <= text.len());
        }
        if let Some(section) = text.get(16..) {
            if let Ok(header) = KeyBlockHeader::parse(text) {
                let own = &header.as_str()[16..];
                assert_eq!(
                    tr31::count_optional_blocks(own).ok(),
                    Some(header.optional_block_count())
                );
            }
            let _ = tr31::count_optional_blocks(section);
        }
        rewrap_is_identical(&kbpk_b, text);
        rewrap_is_identical(&kbpk_d, text);
        for k in [&kbpk_b, &kbpk_d] {
            if let Ok(u) = tr31::unwrap_with(k, text, UnwrapPolicy::ALLOW_LEGACY) {
                if u.header().version().is_legacy() {
                    assert!(tr31::unwrap(k, text).is_err(), "legacy accepted by default");
                }
            }
            if let Ok(p) = tr31::unwrap_private_key(k, text) {
                assert!(!p.header().version().is_legacy());
                let _ = p.to_ecdsa_p256();
            }
        }
    }

    // Oracle 2: structured round trip.
    let Some((ctrl, rest)) = data.split_at_checked(8) else {
        return;
    };
    let Some((key_bytes, rest)) = rest.split_at_checked(32) else {
        return;
    };
    let d = ctrl[0] % 3 != 0;
    let (version, kbpk, algorithm) = if d {
        let a = [
            Algorithm::Aes128,
            Algorithm::Aes192,
            Algorithm::Aes256,
            Algorithm::Tdes2,
        ][usize::from(ctrl[1] % 4)];
        let v = if ctrl[0] % 3 == 2 {
            Version::E
        } else {
            Version::D
        };
        (v, &kbpk_d, a)
    } else {
        let a = [Algorithm::Tdes2, Algorithm::Tdes3][usize::from(ctrl[1] % 2)];
        (Version::B, &kbpk_b, a)
    };
    let usage = [
        KeyUsage::PinEncryption,
        KeyUsage::MacCmac,
        KeyUsage::DataEncryption,
        KeyUsage::Bdk,
    ][usize::from(ctrl[2] % 4)];
    let mode = [
        ModeOfUse::Encrypt,
        ModeOfUse::GenerateVerify,
        ModeOfUse::NoRestrictions,
        ModeOfUse::Derive,
    ][usize::from(ctrl[3] % 4)];
    let export = if ctrl[3] & 0x80 == 0 {
        Exportability::Exportable
    } else {
        Exportability::Sensitive
    };
    let key = Key::new(
        algorithm,
        &key_bytes[..algorithm.key_len()],
        KeyAttributes::new(usage, mode).with_exportability(export),
    )
    .unwrap();

    // Up to three optional blocks from the remaining bytes.
    let mut ids = Vec::new();
    let mut texts = Vec::new();
    let mut cursor = rest;
    for _ in 0..usize::from(ctrl[4] % 4) {
        let Some((head, tail)) = cursor.split_at_checked(3) else {
            break;
        };
        // Up to 510 characters: blocks over 251 use the extended length form.
        let len = usize::from(head[2]) * 2;
        let take = len.min(tail.len());
        let (body, tail) = tail.split_at(take);
        let id = [
            ALNUM[usize::from(head[0]) % 36],
            ALNUM[usize::from(head[1]) % 36],
        ];
        if id == *b"PB" || ids.contains(&id) {
            cursor = tail;
            continue;
        }
        ids.push(id);
        texts.push(
            (0..len)
                .map(|i| char::from(0x20 + body.get(i).copied().unwrap_or(i as u8) % 0x5F))
                .collect::<String>(),
        );
        cursor = tail;
    }
    let blocks: Vec<OptionalBlock<'_>> = ids
        .iter()
        .zip(&texts)
        .map(|(id, t)| OptionalBlock::new(OptionalBlockId::new(*id).unwrap(), t).unwrap())
        .collect();

    // Padding: the minimum plus 0-2 extra cipher blocks (key length
    // masking); for E (counter mode) any length.
    let n = version.cipher_block_len();
    let pad_len = if version.pads_to_block() {
        (n - (2 + algorithm.key_len()) % n) % n + n * usize::from(ctrl[5] % 3)
    } else {
        usize::from(ctrl[5] % 20)
    };
    let padding: Vec<u8> = (0..pad_len)
        .map(|i| cursor.get(i).copied().unwrap_or(i as u8))
        .collect();

    let mut out = vec![0u8; 10_000];
    let len = tr31::wrap_with_padding(kbpk, &key, version, &blocks, &padding, &mut out)
        .expect("valid inputs wrap");
    let block = core::str::from_utf8(&out[..len]).unwrap().to_owned();
    let back = tr31::unwrap(kbpk, &block).expect("a wrapped block unwraps");
    assert_eq!(back.key().attributes(), key.attributes());
    assert_eq!(back.key().algorithm(), algorithm);
    assert_eq!(
        back.key().dangerous_expose_secret().unwrap(),
        &key_bytes[..algorithm.key_len()]
    );
    assert_eq!(back.dangerous_padding(), padding.as_slice());
    for b in &blocks {
        assert_eq!(back.header().optional_block(b.id()), Some(b.data()));
    }
    rewrap_is_identical(kbpk, &block);

    // Any single-character change is refused.
    let pos = usize::from(u16::from_le_bytes([ctrl[6], ctrl[7]])) % block.len();
    let mut tampered = block.clone().into_bytes();
    tampered[pos] = match tampered[pos] {
        b'0' => b'1',
        b'9' => b'A',
        b'Z' | b'z' | b'~' => b'0',
        c => c + 1,
    };
    let tampered = String::from_utf8(tampered).unwrap();
    assert!(
        tr31::unwrap(kbpk, &tampered).is_err(),
        "tampered block accepted at {pos}"
    );

    // Oracle 3: an asymmetric private key (a DER SEQUENCE) round trip.
    let content: Vec<u8> = cursor.iter().copied().take(300).collect();
    let mut der = vec![0x30u8];
    match content.len() {
        0..=0x7F => der.push(content.len() as u8),
        0x80..=0xFF => der.extend_from_slice(&[0x81, content.len() as u8]),
        l => der.extend_from_slice(&[0x82, (l >> 8) as u8, l as u8]),
    }
    der.extend_from_slice(&content);
    let (pversion, palg) = if ctrl[5] & 0x80 == 0 {
        ('D', 'E')
    } else {
        ('E', 'R')
    };
    let header = format!("{pversion}0000S0{palg}S00E0000");
    let ppad_len = if pversion == 'D' {
        (16 - (2 + der.len()) % 16) % 16
    } else {
        usize::from(ctrl[7] % 5)
    };
    let ppad: Vec<u8> = (0..ppad_len).map(|i| i as u8 ^ ctrl[7]).collect();
    let pblock = tr31::wrap_private_key_with_padding(&kbpk_d, &der, &header, &ppad)
        .expect("a DER sequence wraps");
    let back = tr31::unwrap_private_key(&kbpk_d, &pblock).expect("it unwraps");
    assert_eq!(back.dangerous_expose_der().unwrap(), der.as_slice());
    let ppos = usize::from(ctrl[6]) % pblock.len();
    let mut t = pblock.into_bytes();
    t[ppos] = if t[ppos] == b'0' { b'1' } else { b'0' };
    let t = String::from_utf8(t).unwrap();
    assert!(tr31::unwrap_private_key(&kbpk_d, &t).is_err());
});
