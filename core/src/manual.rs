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
//! # Signature domains
//! The device's P-256 key signs transaction records, journal entries and
//! whatever else a terminal application asks it to sign. An attacker who
//! can get *any* bytes signed (a generic signing call, a CLI, a debug
//! endpoint) must not obtain a valid record or journal signature that way.
//! So every signature is ECDSA over `SHA-256(label || message)` with one
//! label per message type ([`Domain`](crate::sign::ecdsa::Domain)):
//!
//! | domain | label | signed by |
//! |---|---|---|
//! | record (format v2) | `paycore/record/v2\0` | `DeviceSigningKey::sign_record` only, over a validated canonical encoding |
//! | journal entry (v2) | `paycore/journal/v2\0` | `JournalWriter::append` only |
//! | generic | `paycore/generic/v1\0` | `DeviceSigningKey::sign`, any bytes |
//! | raw (interoperability) | none | `DeviceSigningKey::sign_raw`, any bytes not starting with `paycore/` |
//!
//! The labels are ASCII, end in their only NUL byte and none is a prefix of
//! another, so the hash inputs of two domains never coincide; every label
//! starts with `paycore/`, which raw signing and raw verification refuse.
//! A signature therefore verifies in exactly one domain (short of a SHA-256
//! collision). The record and journal signing paths are crate-internal
//! (`sign_in`), reachable only through their encoders. Version 1 records
//! and journal entries, signed over the bare bytes, are refused.
//!
//! The journal's HMAC authenticator covers the journal label too, but HMAC
//! keys are symmetric: anyone holding the journal's `M7` key with a
//! generate mode can compute any tag with the generic MAC API. Give the
//! journal its own key.
//!
//! ## Legacy key-block policy
//! TR-31 versions `A` and `C` bind the key by XOR variants of the KBPK and
//! authenticate it with a 4-byte TDES CBC-MAC (TR-31:2018 §5.3.2.2). An
//! attacker who can submit key blocks may pick any header (usage, mode,
//! exportability) and random key data: each try is accepted with
//! probability 2^-32, and nothing in the format limits the tries. X9.143
//! keeps these versions only for import from legacy systems. So
//! [`tr31::unwrap`](crate::keys::tr31::unwrap) and
//! [`mksk::install`](crate::keys::mksk::install) accept only the key
//! derivation versions by default and refuse `A`/`C` with
//! [`Tr31Error::LegacyVersionRefused`](crate::error::Tr31Error::LegacyVersionRefused),
//! before the KBPK is used. Importing them is an explicit, visible choice:
//! [`UnwrapPolicy::ALLOW_LEGACY`](crate::keys::tr31::UnwrapPolicy::ALLOW_LEGACY)
//! (C: `paycore_tr31_unwrap_legacy`; CLI: `--allow-legacy`). paycore never
//! writes `A` or `C`.
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
//! # EMV application cryptography: the key hierarchy
//! The issuer holds one master key per purpose (TR-31 usages `E0`
//! application cryptograms, `E1` secure messaging for confidentiality, `E2`
//! for integrity, …). Each card gets its own ICC master key, derived from
//! the issuer master key with its PAN and PAN sequence number (EMV Book 2
//! A1.4) and personalised into the chip; each transaction uses a session
//! key derived from the ICC master key and the ATC (and, for Mastercard
//! M/Chip, the unpredictable number; for scripts, the ARQC). So:
//! - one card's keys reveal nothing about another card's, and one
//!   transaction's session key nothing about the next;
//! - the host re-derives everything from the issuer master key and the
//!   data in the request, so it stores no per-card secrets;
//! - derived keys keep the usage and exportability of the issuer master
//!   key (`N` stays `N`), and each operation takes only its usage:
//!   `paycore::emv` derives only from `E0`-`E6` keys, MACs cryptograms and
//!   ARPCs only under `E0`, scripts only under `E2` (MAC) and `E1`
//!   (encipherment). An ARQC that fails is the opaque
//!   `Error::VerificationFailed`, whatever changed (amount, ATC, card).
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
