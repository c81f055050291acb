use super::*;
use crate::keys::{KeyAttributes, ModeOfUse};

#[derive(serde::Deserialize)]
struct File {
    vectors: Vec<Vector>,
}

#[derive(serde::Deserialize)]
struct Vector {
    id: String,
    kind: String,
    inputs: serde_json::Value,
    expected: serde_json::Value,
}

fn hexfield(v: &serde_json::Value, name: &str) -> Vec<u8> {
    hex::decode(v[name].as_str().unwrap()).unwrap()
}

// RFC 4231 §4 test cases 1-7 and RFC 4868 on the crate-internal raw path
// (PAN tokens, journal entries), which must agree with the Key path.
#[test]
fn hmac_sha256_rfc4231_raw_keys() {
    let file: File = serde_json::from_str(include_str!("../../../tests/vectors/mac.json")).unwrap();
    let mut n = 0;
    for v in file.vectors.iter().filter(|v| v.kind == "hmac_sha256") {
        let key = hexfield(&v.inputs, "key");
        let msg = hexfield(&v.inputs, "message");
        let want = hexfield(&v.expected, "mac");
        let got = hmac_sha256_raw(&key, &[&msg]).unwrap();
        assert_eq!(&got[..want.len()], &want[..], "{}", v.id);
        // Split input gives the same answer.
        let (a, b) = msg.split_at(msg.len() / 2);
        assert_eq!(hmac_sha256_raw(&key, &[a, b]).unwrap(), got, "{}", v.id);
        n += 1;
    }
    assert_eq!(n, 9);
}

#[test]
fn debug_texts_are_exact() {
    let key = Key::new(
        Algorithm::Aes128,
        &[1; 16],
        KeyAttributes::new(KeyUsage::MacCmac, ModeOfUse::GenerateVerify),
    )
    .unwrap();
    let g = MacGenerator::new(&key, MacAlgorithm::Cmac).unwrap();
    assert_eq!(format!("{g:?}"), "MacGenerator { .. }");
    let v = MacVerifier::new(&key, MacAlgorithm::Cmac).unwrap();
    assert_eq!(format!("{v:?}"), "MacVerifier { .. }");
    let m = g.finalize(8).unwrap();
    assert_eq!(format!("{m:?}"), "Mac { len: 8, .. }");
}

// ISO/IEC 9797-1 §6.3: padding method 1 leaves a block-aligned message
// alone, so "8 bytes" and "8 bytes + nothing" agree, while method 2 always
// adds a block; the empty message under method 1 is one zero block, whose
// CBC-MAC is E_K(0) — the legacy TDES KCV block.
#[test]
fn padding_edges() {
    let key = Key::new(
        Algorithm::Tdes2,
        &hex::decode("0123456789ABCDEFFEDCBA9876543210").unwrap(),
        KeyAttributes::new(KeyUsage::MacIso9797Alg1, ModeOfUse::Generate),
    )
    .unwrap();
    let alg1 = |p| MacAlgorithm::Iso9797Alg1 { padding: p };
    let empty = generate(&key, alg1(Padding::Method1), b"", 8).unwrap();
    let zero = generate(&key, alg1(Padding::Method1), &[0; 8], 8).unwrap();
    assert_eq!(empty.as_bytes(), zero.as_bytes());
    // The published KCV of the ANSI X9.24-1 example BDK is 08D7B4 (the
    // leftmost 3 bytes of E_K(0^64)).
    assert_eq!(hex::encode_upper(&empty.as_bytes()[..3]), "08D7B4");
    let m2_empty = generate(&key, alg1(Padding::Method2), b"", 8).unwrap();
    let m2_block = generate(
        &key,
        alg1(Padding::Method1),
        &[0x80, 0, 0, 0, 0, 0, 0, 0],
        8,
    )
    .unwrap();
    assert_eq!(m2_empty.as_bytes(), m2_block.as_bytes());
    let m2_full = generate(&key, alg1(Padding::Method2), &[7; 8], 8).unwrap();
    let mut padded = [0u8; 16];
    padded[..8].fill(7);
    padded[8] = 0x80;
    let m1_padded = generate(&key, alg1(Padding::Method1), &padded, 8).unwrap();
    assert_eq!(m2_full.as_bytes(), m1_padded.as_bytes());
}

#[test]
fn streaming_equals_one_shot_for_every_split() {
    let data: Vec<u8> = (0u8..=70).collect();
    for (alg, algo, usage) in [
        (
            Algorithm::Tdes2,
            MacAlgorithm::RetailMac {
                padding: Padding::Method2,
            },
            KeyUsage::MacIso9797Alg3,
        ),
        (
            Algorithm::Aes128,
            MacAlgorithm::Iso9797Alg1 {
                padding: Padding::Method1,
            },
            KeyUsage::MacIso9797Alg1,
        ),
        (Algorithm::Aes256, MacAlgorithm::Cmac, KeyUsage::MacCmac),
        (
            Algorithm::Aes256,
            MacAlgorithm::HmacSha256,
            KeyUsage::MacHmac,
        ),
    ] {
        let key = Key::new(
            alg,
            &vec![0x5A; alg.key_len()],
            KeyAttributes::new(usage, ModeOfUse::GenerateVerify),
        )
        .unwrap();
        let whole = generate(&key, algo, &data, MIN_MAC_LEN).unwrap();
        for cut in 0..data.len() {
            let (a, b) = data.split_at(cut);
            let mut g = MacGenerator::new(&key, algo).unwrap();
            g.update(a).unwrap();
            g.update(b).unwrap();
            assert_eq!(
                g.finalize(MIN_MAC_LEN).unwrap().as_bytes(),
                whole.as_bytes(),
                "{algo:?} cut {cut}"
            );
            let mut v = MacVerifier::new(&key, algo).unwrap();
            v.update(a).unwrap();
            v.update(b).unwrap();
            v.verify(whole.as_bytes()).unwrap();
        }
    }
}
