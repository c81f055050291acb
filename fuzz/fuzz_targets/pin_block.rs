//! ISO 9564-1 PIN block decoding on arbitrary 8/16-byte blocks and PANs.
//!
//! Oracles: decoding never panics; a clear block that decodes re-encodes,
//! with the fill extracted from it, to exactly the same bytes; an
//! enciphered block that deciphers re-enciphers to exactly the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
use paycore::pin::{self, ClearPinBlock, EncipheredPinBlock, PinBlockFormat, PinBlockPan};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(format) = PinBlockFormat::from_code(selector % 5) else {
        return;
    };
    // PAN: 1-19 digits (ISO 9564-1; below 12 the PAN field is zero-padded),
    // the length from the next byte, the digits from the input.
    let Some((&length, rest)) = rest.split_first() else {
        return;
    };
    let pan_len = 1 + usize::from(length % 19);
    let Some((pan_src, rest)) = rest.split_at_checked(pan_len) else {
        return;
    };
    let digits: Vec<u8> = pan_src.iter().map(|b| b'0' + b % 10).collect();
    let pan = PinBlockPan::from_ascii(&digits).expect("1-19 ASCII digits form a PIN block PAN");
    let Some(block) = rest.get(..format.block_len()) else {
        return;
    };

    // Clear block: decode, then re-encode with the extracted fill.
    if let Ok(clear) = ClearPinBlock::from_bytes(format, block) {
        if let Ok((pin, fill)) = clear.decode_with_fill(Some(&pan)) {
            let again = ClearPinBlock::encode_with_fill(format, &pin, Some(&pan), &fill)
                .expect("an accepted block re-encodes");
            // EXPOSE: the fuzz oracle compares clear bytes.
            assert_eq!(
                again.expose_secret(),
                block,
                "re-encoding changed the block"
            );
        }
    } else {
        // from_bytes only rejects on the control nibble (the length is right).
        assert_ne!(block.first().map(|b| b >> 4), Some(format.code()));
    }

    // Enciphered block: decipher, then re-encipher to the same bytes.
    if format == PinBlockFormat::Iso2 {
        return;
    }
    let (algorithm, material): (Algorithm, &[u8]) = if format == PinBlockFormat::Iso4 {
        (Algorithm::Aes128, &[0x2B; 16])
    } else {
        (Algorithm::Tdes2, &[0x5C; 16])
    };
    let key = Key::new(
        algorithm,
        material,
        KeyAttributes::new(KeyUsage::PinEncryption, ModeOfUse::EncryptDecrypt),
    )
    .expect("valid key");
    let enc = EncipheredPinBlock::from_bytes(block).expect("8 or 16 bytes");
    if let Ok(clear) = pin::decipher(&key, format, &enc, Some(&pan)) {
        let again = pin::encipher(&key, &clear, Some(&pan)).expect("a deciphered block enciphers");
        assert_eq!(again, enc, "re-encipherment changed the block");
    }
});
