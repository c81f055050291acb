//! `uniffi-bindgen` for this workspace, pinned to the same uniffi version as
//! `paycore-uniffi`, so the generated Kotlin and Python always match the
//! scaffolding compiled into the library.
//!
//! `cargo run -p paycore-uniffi-bindgen -- generate target/debug/libpaycore_uniffi.so -l kotlin -o target/uniffi --no-format`

fn main() {
    uniffi::uniffi_bindgen_main();
}
