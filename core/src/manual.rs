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
