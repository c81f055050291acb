//! Handle capacities of the bare-metal build.
//!
//! Without the `std` feature there is no heap: every handle lives in a
//! fixed static pool of its type (in `.bss`, sized at build time). A
//! constructor finding its pool full returns
//! `PAYCORE_RESULT_OUT_OF_HANDLES`; `_free` zeroizes the slot and returns it
//! (NULL is accepted). The hosted build allocates handles on the heap and
//! has no such limits.

/// Bare metal: live `paycore_key` handles at any one time.
pub const PAYCORE_KEY_POOL_CAPACITY: usize = 16;
/// Bare metal: live `paycore_mac` handles.
pub const PAYCORE_MAC_POOL_CAPACITY: usize = 2;
/// Bare metal: live `paycore_mac_verifier` handles.
pub const PAYCORE_MAC_VERIFIER_POOL_CAPACITY: usize = 2;
/// Bare metal: live `paycore_dukpt_originator` handles (two, so that a
/// restored copy can be checked while the running one is alive).
pub const PAYCORE_DUKPT_ORIGINATOR_POOL_CAPACITY: usize = 2;
/// Bare metal: live `paycore_dukpt_tx` handles.
pub const PAYCORE_DUKPT_TX_POOL_CAPACITY: usize = 4;
/// Bare metal: live `paycore_signing_key` handles.
pub const PAYCORE_SIGNING_KEY_POOL_CAPACITY: usize = 2;
