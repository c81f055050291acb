//! Design notes: the threat model, the key hierarchy, and why things are the
//! way they are. No code lives here.
//!
//! # Threat model
//! paycore runs inside a POS terminal (firmware or Android app), a host
//! service, or an engineer's shell. It assumes an attacker who controls
//! every byte of card data, QR payloads, key blocks, records and envelopes
//! it parses, and who can read logs, crash reports and error messages. So:
//!
//! - parsers never panic and never index out of bounds (fuzzed, and
//!   `clippy::indexing_slicing` in the parsing modules);
//! - errors carry positions and lengths, never PINs, PANs, track data, keys
//!   or MACs; failed MAC/KCV/signature/tag checks are one opaque
//!   [`Error::VerificationFailed`](crate::Error::VerificationFailed);
//! - keys, PINs, clear PIN blocks, PANs and track data live in
//!   zeroize-on-drop containers whose `Debug` is redacted;
//! - MACs, KCVs and PIN blocks are compared in constant time (`subtle`).
//!
//! # Key hierarchy
//! Every [`Key`](crate::keys::Key) carries the attributes of a TR-31 header
//! (usage, mode of use, version, exportability). A key enters paycore either
//! as raw material with attributes the caller declares, or unwrapped from a
//! TR-31 block whose authenticated header supplies the attributes — the
//! usage enforcement then follows the key. Every operation checks usage and
//! mode of use before it touches the material.
//!
//! # DUKPT originator state: sealing isolation and rollback
//! An originator persists its future-key registers (the secrets every
//! later transaction key derives from) and its counter in a blob on
//! ordinary storage. Threats, and what paycore does about each:
//!
//! - **Reading or forging the blob through paycore's own API.** The blob
//!   was once sealed with AES-GCM under the `D0` device key itself, which
//!   the public AEAD API (`aead::open_in_place`, `paycore_aead_open`) also
//!   accepts: anyone able to call it could read all registers, change the
//!   exportability byte from `N` to `E` and re-seal, then export the clear
//!   PIN key, or set any counter (issue 11.1). Since blob version 3 the
//!   sealing key is an HKDF-SHA256 sub-key of the device key under a
//!   private label plus the blob header; it is never a `Key` and no public
//!   function uses it, so the AEAD API cannot open or forge a blob, and a
//!   blob re-sealed under the device key fails to restore. Version 1 and 2
//!   blobs are refused, not read as exportable.
//! - **An exportable device key.** Whoever exports the device key can
//!   compute the sealing key offline. Registers descended from a
//!   non-exportable (`N`) initial key are therefore sealed and opened only
//!   under a non-exportable device key (`KeyError::NotExportable`
//!   otherwise), so `N` keys stay non-exportable however the blob is
//!   edited: editing needs the sealing key, which needs the device key
//!   material, which no API releases. The device key's attributes must be
//!   fixed when it is provisioned (one material, one set of attributes).
//! - **Rollback.** Storage restored to an older, genuine blob makes the
//!   originator reuse counters whose keys were released. No seal can detect
//!   this (the old blob is authentic). A terminal with monotonic secure
//!   storage records the originator's next counter after each successful
//!   call and passes it to `Originator::restore(.., min_counter)`
//!   (`paycore_dukpt_originator_restore(.., min_counter, ..)` in C), which
//!   refuses an older blob with `DukptError::StateRolledBack`
//!   (`PAYCORE_RESULT_STATE_ROLLED_BACK`). Without such storage, rollback
//!   protection rests on the storage itself (X9.24 tamper-resistant device).
//!   The counter is per initial key: after an AES "Update Initial Key"
//!   also check the restored KSN's initial key ID.
//!
//! # 国密 (feature `sm`): SM4 timing, SM2, single DES
//!
//! - **SM4 is not constant-time.** paycore uses RustCrypto `sm4` 0.5, whose
//!   round function looks its S-box up in a 256-byte table indexed by
//!   bytes of the key schedule XOR the data (`SBOX[x]`), in the key
//!   expansion and in every round. On a CPU with a data cache shared with an
//!   attacker (Android application processors running other apps, other
//!   tenants of a host machine), cache-timing attacks on table-based
//!   ciphers recover keys (the classic AES T-table attacks apply to SM4's
//!   S-box the same way). OpenSSL documents the same limitation for its
//!   portable SM4.
//! - **Why it is accepted here, and its limits.** The `sm` feature targets
//!   CUP terminals whose SM4 keys (TMK, PIK, MAK, TDK) normally live in the
//!   PIN pad or secure element, and paycore's SM4 paths are the host-side
//!   and software-terminal fallback. Its exposure is bounded:
//!   - the S-box table (256 bytes) spans at most four 64-byte cache lines,
//!     so a cache-line observer learns at most two bits per lookup, and
//!     each operation here is a handful of blocks (one PIN block, a key
//!     unwrap, a MAC over one message); there is no bulk SM4 encryption
//!     API an attacker can drive with chosen data at volume;
//!   - on MCU firmware without a data cache (the usual 电签 POS
//!     microcontroller) table lookups take constant time;
//!   - every SM4 use goes through one crate-internal dispatch
//!     (`keys::cipher`), so a bitsliced or hardware SM4 (secure element,
//!     PED, ARMv8 SM4 instructions) can replace it without an API change.
//! - **What deployers must do.** Do not run paycore's SM4 in a process that
//!   shares a core or last-level cache with untrusted code while it holds
//!   long-lived SM4 keys (TMK); prefer the PED/SE for the TMK and PIK;
//!   rate-limit host-side PIN and MAC verification per terminal.
//! - **SM2** uses RustCrypto `sm2` 0.13 (fiat-crypto field arithmetic,
//!   constant-time scalar multiplication in `primeorder`, not independently
//!   audited). The signer is rebuilt per signature from the zeroized
//!   secret; the crate's own signing-key type does not wipe itself, so the
//!   transient copy of the scalar on the stack is not guaranteed to be
//!   erased.
//! - **Single DES** (`Algorithm::Des`) exists only for legacy CUP MAKs and
//!   their check values. It is 56-bit: a MAC under it is forgeable by
//!   brute force of the key. It can carry only the usages `M0`, `M1`, `P0`
//!   and `D0`, and every international path (ISO 9564 PIN blocks, ISO 9797
//!   MACs, TR-31, DUKPT, master/session install) refuses it; only the
//!   `cup` functions accept it.
