//! Bare-metal glue (built without the `std` feature): the panic handler.
//!
//! paycore is panic-free on all inputs (fuzzed); the only panic sites left
//! in a firmware image are bounds checks and assertions inside the crypto
//! dependencies (`aes` fixslice, `ecdsa`/`der`), reachable only through a
//! bug. Firmware built with `panic = "abort"` (the `firmware` profile)
//! cannot unwind, so a panic calls the firmware-provided hook
//!
//! ```c
//! void paycore_panic(void);   /* must not return: log, wipe, reset */
//! ```
//!
//! which must not return (reset the device, halt, or loop). It receives no
//! message: formatting would link `core::fmt`, and a message could carry
//! data.

unsafe extern "C" {
    /// Provided by the firmware: called on a panic; must not return.
    fn paycore_panic() -> !;
}

#[cfg(not(test))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    // SAFETY: the firmware's contract: `paycore_panic` takes no arguments
    // and never returns.
    unsafe { paycore_panic() }
}
