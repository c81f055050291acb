#![no_main]
//! Journal chain verification. The input drives a list built from a genuine
//! 4-entry HMAC journal: push genuine entries (any order, repeats), push
//! genuine entries with one byte flipped, or push raw fuzz bytes as an
//! entry. Oracles: never panics; the chain verifies clean (with
//! `expected_last = 3`) if and only if the list is exactly the genuine
//! journal in order.
use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
use paycore::sign::journal::{self, ChainStart, EntrySigner, EntryVerifier, JournalWriter};
use std::sync::OnceLock;

fn key() -> &'static Key {
    static KEY: OnceLock<Key> = OnceLock::new();
    KEY.get_or_init(|| {
        Key::new(
            Algorithm::Aes256,
            &[0x6A; 32],
            KeyAttributes::new(KeyUsage::MacHmac, ModeOfUse::GenerateVerify),
        )
        .expect("valid key")
    })
}

fn genuine() -> &'static Vec<Vec<u8>> {
    static J: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    J.get_or_init(|| {
        let mut w = JournalWriter::new();
        (0..4u8)
            .map(|i| {
                let mut buf = vec![0u8; 256];
                let n = w
                    .append(&EntrySigner::Hmac(key()), &[i; 20], &mut buf)
                    .expect("append");
                buf.truncate(n);
                buf
            })
            .collect()
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let g = genuine();
    let mut list: Vec<Vec<u8>> = Vec::new();
    let mut rest = data;
    while let Some((&op, tail)) = rest.split_first() {
        rest = tail;
        let pick = g[usize::from(op >> 2) % g.len()].clone();
        match op & 3 {
            0 => list.push(pick),
            1 => {
                let Some((&at, tail)) = rest.split_first() else {
                    break;
                };
                rest = tail;
                let mut e = pick;
                let i = usize::from(at) % e.len();
                e[i] ^= 1 | (at & 0x80);
                list.push(e);
            }
            2 => {
                let Some((&len, tail)) = rest.split_first() else {
                    break;
                };
                let (chunk, tail) = tail.split_at(usize::from(len).min(tail.len()));
                rest = tail;
                list.push(chunk.to_vec());
            }
            _ => {}
        }
        if list.len() > 16 {
            break;
        }
    }
    let refs: Vec<&[u8]> = list.iter().map(Vec::as_slice).collect();
    let mut problems = 0usize;
    let summary = journal::verify_chain(
        &refs,
        &EntryVerifier::Hmac(key()),
        ChainStart::GENESIS,
        Some(3),
        &mut |_| problems += 1,
    );
    assert_eq!(summary.problems, problems);
    let exact = list == *g;
    assert_eq!(
        summary.is_intact(),
        exact,
        "intact={} for {} entries",
        summary.is_intact(),
        list.len()
    );
});
