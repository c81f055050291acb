#![no_main]
//! Transaction record decoding. Oracle: an accepted encoding is canonical,
//! i.e. re-encoding the decoded record gives back exactly the input bytes.
use paycore::sign::record::{MAX_ENCODED_LEN, TransactionRecord};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(record) = TransactionRecord::decode(data) {
        let mut buf = [0u8; MAX_ENCODED_LEN];
        let n = record
            .encode(&mut buf)
            .expect("a decoded record re-encodes");
        assert_eq!(&buf[..n], data, "decode accepted a non-canonical encoding");
        assert_eq!(record.encoded_len(), n);
    }
});
