#![no_main]
// Placeholder until the parser lands; replaced by a target with an oracle.
libfuzzer_sys::fuzz_target!(|_data: &[u8]| {});
