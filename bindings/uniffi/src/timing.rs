//! A measurement hook for the README's figure: the same PIN block call as
//! `encipherPinBlock`, made `iterations` times from Rust, so the Kotlin
//! tests can time the call with and without the JNA crossing in one run.

use std::time::Instant;

use crate::error::Result;
use crate::keys::Key;
use crate::pin::{PinBlockFormat, encipher_pin_block};

/// Runs `encipherPinBlock(key, format, pin, pan)` `iterations` times inside
/// Rust and returns the elapsed nanoseconds (for comparing with the same
/// call from Kotlin; not a benchmark suite, see `benches/` for those).
///
/// # Errors
/// The first error of the call.
#[uniffi::export]
pub fn time_encipher_pin_block_in_rust(
    key: &Key,
    format: PinBlockFormat,
    pin: Vec<u8>,
    pan: Option<String>,
    iterations: u32,
) -> Result<u64> {
    let start = Instant::now();
    for _ in 0..iterations {
        let block = encipher_pin_block(key, format, pin.clone(), pan.clone(), None)?;
        core::hint::black_box(block);
    }
    Ok(u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX))
}
