//! A tamper-evident offline journal: a hash chain of authenticated entries.
//!
//! While offline the terminal appends each transaction record to a journal
//! it stores itself (flash, file). Each entry carries its sequence number,
//! the SHA-256 of the previous entry (FIPS 180-4; 32 zero bytes for the
//! first entry of a chain), the record bytes, and an authenticator: an
//! HMAC-SHA256 (key usage `M7`) or an ECDSA P-256 signature by the device
//! key. The host verifies the whole chain with [`verify_chain`] and learns
//! exactly which entries are missing, reordered, duplicated or altered.
//!
//! # Entry encoding, version 2 (byte for byte)
//!
//! ```text
//! offset   length  field
//! 0        1       version = 0x02
//! 1        8       sequence number, u64 big-endian
//! 9        32      SHA-256 of the previous entry's complete encoding (genesis: zeros)
//! 41       2       record length n, u16 big-endian, n <= MAX_RECORD_LEN
//! 43       n       record bytes (for example a TransactionRecord encoding)
//! 43+n     1       authenticator kind: 0x01 HMAC-SHA256 (32 bytes), 0x02 ECDSA P-256 r||s (64 bytes)
//! 44+n     32/64   authenticator over LABEL || bytes [0, 44+n)
//! ```
//!
//! `LABEL` is the journal's signature domain label `paycore/journal/v2\0`
//! (19 bytes, [`Domain::JournalEntry`]; see [`ecdsa`](super::ecdsa),
//! "Signature domains"). The ECDSA authenticator is the device key's
//! signature over `SHA-256(LABEL || bytes [0, 44+n))`, so neither the
//! generic [`DeviceSigningKey::sign`] nor a record signature can ever pass
//! as a journal entry signature. The HMAC authenticator covers the same
//! labelled bytes; as HMAC keys are symmetric, give the journal its own
//! `M7` key (one that signs nothing else) to keep its entries apart from
//! other MACs.
//!
//! Version 1 entries (authenticator over the bare bytes) are refused as
//! malformed at offset 0.
//!
//! The entry's hash, which the next entry commits to, is SHA-256 over the
//! complete encoding including the authenticator. Decoding rejects any
//! other version, kind, length or trailing byte.
//!
//! # What the host learns ([`Problem`])
//!
//! * [`Problem::Malformed`]: the entry at this storage index does not decode.
//! * [`Problem::Altered`]: the entry decodes but its authenticator fails
//!   (the sequence number is reported as read, since it may itself be altered).
//! * [`Problem::Missing`]: no authentic entry for a range of sequence numbers.
//! * [`Problem::Reordered`]: an authentic entry is stored after one with a
//!   higher sequence number.
//! * [`Problem::Duplicate`]: a second authentic entry with the same sequence number.
//! * [`Problem::ChainBroken`]: an authentic entry does not commit to the
//!   authentic entry before it (a substituted or forked history).
//! * [`Problem::Stale`]: an authentic entry older than the chain start.
//!
//! # Example
//! ```
//! use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
//! use paycore::sign::journal::{self, ChainStart, EntrySigner, EntryVerifier, JournalWriter, Problem};
//!
//! let key = Key::new(
//!     Algorithm::Aes256,
//!     &[0x4B; 32],
//!     KeyAttributes::new(KeyUsage::MacHmac, ModeOfUse::GenerateVerify),
//! )?;
//! let mut writer = JournalWriter::new();
//! let mut store = [[0u8; 128]; 3];
//! let mut lens = [0usize; 3];
//! for (i, slot) in store.iter_mut().enumerate() {
//!     lens[i] = writer.append(&EntrySigner::Hmac(&key), b"record", slot)?;
//! }
//! // Entry 1 is lost in transit.
//! let received = [&store[0][..lens[0]], &store[2][..lens[2]]];
//! let mut problems = [None; 4];
//! let mut n = 0;
//! journal::verify_chain(&received, &EntryVerifier::Hmac(&key), ChainStart::GENESIS, None, &mut |p| {
//!     problems[n] = Some(p);
//!     n += 1;
//! });
//! assert_eq!(&problems[..n], &[Some(Problem::Missing { from: 1, to: 1 })]);
//! # Ok::<(), paycore::Error>(())
//! ```
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

#[cfg(feature = "alloc")]
use alloc::vec::Vec;

use sha2::{Digest, Sha256};

use super::ecdsa::{DeviceSigningKey, Domain, SIGNATURE_LEN, SPolicy, Signature, VerifyingKey};
use crate::error::{Error, SignError};
use crate::keys::Key;
use crate::mac::{MacAlgorithm, MacGenerator, MacVerifier};

/// Entry version byte (version 2: domain-separated authenticators).
pub const VERSION: u8 = 0x02;
/// Longest record an entry carries.
pub const MAX_RECORD_LEN: usize = 4096;
/// Header length before the record.
pub const HEADER_LEN: usize = 1 + 8 + 32 + 2;
/// Longest entry.
pub const MAX_ENTRY_LEN: usize = HEADER_LEN + MAX_RECORD_LEN + 1 + SIGNATURE_LEN;
/// SHA-256 length.
pub const HASH_LEN: usize = 32;

const KIND_HMAC: u8 = 0x01;
const KIND_ECDSA: u8 = 0x02;
const HMAC_LEN: usize = 32;

/// The authenticator used when appending.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum EntrySigner<'k> {
    /// HMAC-SHA256 under a key of usage `M7` permitting generation.
    Hmac(&'k Key),
    /// ECDSA P-256 by the device key.
    Ecdsa(&'k DeviceSigningKey),
}

/// The authenticator used when verifying.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum EntryVerifier<'k> {
    /// HMAC-SHA256 under a key of usage `M7` permitting verification.
    Hmac(&'k Key),
    /// ECDSA P-256 with the device's public key (high-S rejected: the
    /// journal only ever holds low-S signatures).
    Ecdsa(&'k VerifyingKey),
}

/// Where a chain starts: the sequence number of its first entry and the
/// hash that entry commits to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainStart {
    /// First sequence number expected.
    pub first_sequence: u64,
    /// Hash the first entry must commit to.
    pub previous_hash: [u8; HASH_LEN],
}

impl ChainStart {
    /// A new journal: sequence 0, previous hash all zeros.
    pub const GENESIS: Self = Self {
        first_sequence: 0,
        previous_hash: [0; HASH_LEN],
    };
}

/// The terminal-side state of a journal: the next sequence number and the
/// hash of the last entry. Persist both (they are not secret) to resume
/// after a restart with [`JournalWriter::resume`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JournalWriter {
    next_sequence: u64,
    previous_hash: [u8; HASH_LEN],
}

impl Default for JournalWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl JournalWriter {
    /// A new, empty journal (genesis).
    #[must_use]
    pub const fn new() -> Self {
        Self {
            next_sequence: 0,
            previous_hash: [0; HASH_LEN],
        }
    }

    /// Resumes from persisted state.
    #[must_use]
    pub const fn resume(next_sequence: u64, previous_hash: [u8; HASH_LEN]) -> Self {
        Self {
            next_sequence,
            previous_hash,
        }
    }

    /// The sequence number the next entry gets.
    #[must_use]
    pub const fn next_sequence(&self) -> u64 {
        self.next_sequence
    }

    /// The hash the next entry commits to.
    #[must_use]
    pub const fn previous_hash(&self) -> [u8; HASH_LEN] {
        self.previous_hash
    }

    /// Appends `record`: writes the entry into `out`, advances the state and
    /// returns the entry length. On error the state is unchanged.
    ///
    /// # Errors
    /// [`ApiMisuse::InvalidArgument`](crate::error::ApiMisuse) `record length`
    /// above [`MAX_RECORD_LEN`] or a sequence overflow;
    /// [`ApiMisuse::BufferTooSmall`](crate::error::ApiMisuse); key usage errors.
    pub fn append(
        &mut self,
        signer: &EntrySigner<'_>,
        record: &[u8],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        let record_len =
            u16::try_from(record.len()).map_err(|_| Error::invalid_argument("record length"))?;
        if record.len() > MAX_RECORD_LEN {
            return Err(Error::invalid_argument("record length"));
        }
        let following = self
            .next_sequence
            .checked_add(1)
            .ok_or(Error::invalid_argument("sequence"))?;
        let (kind, auth_len) = match signer {
            EntrySigner::Hmac(_) => (KIND_HMAC, HMAC_LEN),
            EntrySigner::Ecdsa(_) => (KIND_ECDSA, SIGNATURE_LEN),
        };
        let signed_len = HEADER_LEN + record.len() + 1;
        let total = signed_len + auth_len;
        let provided = out.len();
        let out = out
            .get_mut(..total)
            .ok_or(Error::buffer_too_small(total, provided))?;
        let (signed, auth_out) = out
            .split_at_mut_checked(signed_len)
            .ok_or(Error::buffer_too_small(total, provided))?;
        let seq = self.next_sequence.to_be_bytes();
        let len = record_len.to_be_bytes();
        signed
            .iter_mut()
            .zip(
                core::iter::once(&VERSION)
                    .chain(seq.iter())
                    .chain(self.previous_hash.iter())
                    .chain(len.iter())
                    .chain(record.iter())
                    .chain(core::iter::once(&kind)),
            )
            .for_each(|(o, b)| *o = *b);
        match signer {
            EntrySigner::Hmac(key) => {
                let mut mac = MacGenerator::new(key, MacAlgorithm::HmacSha256)?;
                mac.update(Domain::JournalEntry.label())?;
                mac.update(signed)?;
                auth_out.copy_from_slice(mac.finalize(HMAC_LEN)?.as_bytes());
            }
            EntrySigner::Ecdsa(key) => {
                auth_out.copy_from_slice(&key.sign_in(Domain::JournalEntry, signed)?.to_raw());
            }
        }
        self.previous_hash = Sha256::digest(&*out).into();
        self.next_sequence = following;
        Ok(total)
    }
}

/// A decoded journal entry, borrowing from the encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JournalEntry<'a> {
    /// Sequence number.
    pub sequence: u64,
    /// Hash of the previous entry this entry commits to.
    pub previous_hash: [u8; HASH_LEN],
    /// The record bytes.
    pub record: &'a [u8],
    signed: &'a [u8],
    kind: u8,
    authenticator: &'a [u8],
    encoding: &'a [u8],
}

fn bad(offset: usize) -> Error {
    Error::Sign(SignError::MalformedJournalEntry { offset })
}

impl<'a> JournalEntry<'a> {
    /// Decodes an entry strictly (no authenticity check: see [`verify`](Self::verify)).
    ///
    /// # Errors
    /// [`SignError::MalformedJournalEntry`] with the offset of the problem.
    pub fn decode(bytes: &'a [u8]) -> Result<Self, Error> {
        let (header, rest) = bytes.split_at_checked(HEADER_LEN).ok_or(bad(0))?;
        let (version, header) = header.split_first().ok_or(bad(0))?;
        if *version != VERSION {
            return Err(bad(0));
        }
        let (seq, header) = header.split_at_checked(8).ok_or(bad(1))?;
        let (prev, len) = header.split_at_checked(HASH_LEN).ok_or(bad(9))?;
        let sequence = u64::from_be_bytes(seq.try_into().map_err(|_| bad(1))?);
        let previous_hash: [u8; HASH_LEN] = prev.try_into().map_err(|_| bad(9))?;
        let record_len = usize::from(u16::from_be_bytes(len.try_into().map_err(|_| bad(41))?));
        if record_len > MAX_RECORD_LEN {
            return Err(bad(41));
        }
        let (record, rest) = rest.split_at_checked(record_len).ok_or(bad(HEADER_LEN))?;
        let kind_at = HEADER_LEN + record_len;
        let (&kind, authenticator) = rest.split_first().ok_or(bad(kind_at))?;
        let auth_len = match kind {
            KIND_HMAC => HMAC_LEN,
            KIND_ECDSA => SIGNATURE_LEN,
            _ => return Err(bad(kind_at)),
        };
        if authenticator.len() != auth_len {
            return Err(bad(kind_at + 1));
        }
        let signed = bytes.get(..=kind_at).ok_or(bad(kind_at))?;
        Ok(Self {
            sequence,
            previous_hash,
            record,
            signed,
            kind,
            authenticator,
            encoding: bytes,
        })
    }

    /// SHA-256 of the complete encoding (what the next entry commits to).
    #[must_use]
    pub fn hash(&self) -> [u8; HASH_LEN] {
        Sha256::digest(self.encoding).into()
    }

    /// Checks the authenticator. An HMAC entry never verifies under an
    /// ECDSA verifier or the reverse.
    ///
    /// # Errors
    /// [`Error::VerificationFailed`]; key usage errors for an HMAC key that
    /// may not verify.
    pub fn verify(&self, verifier: &EntryVerifier<'_>) -> Result<(), Error> {
        match (verifier, self.kind) {
            (EntryVerifier::Hmac(key), KIND_HMAC) => {
                let mut mac = MacVerifier::new(key, MacAlgorithm::HmacSha256)?;
                mac.update(Domain::JournalEntry.label())?;
                mac.update(self.signed)?;
                mac.verify(self.authenticator)
            }
            (EntryVerifier::Ecdsa(key), KIND_ECDSA) => {
                let sig = Signature::from_raw(self.authenticator)
                    .map_err(|_| Error::VerificationFailed)?;
                key.verify_in(
                    Domain::JournalEntry,
                    self.signed,
                    &sig,
                    SPolicy::RejectHighS,
                )
            }
            _ => Err(Error::VerificationFailed),
        }
    }
}

/// One finding of [`verify_chain`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Problem {
    /// The entry at this storage index does not decode.
    Malformed {
        /// Index in the slice given to [`verify_chain`].
        index: usize,
    },
    /// The entry's authenticator does not verify.
    Altered {
        /// Sequence number as read from the (untrusted) entry.
        sequence: u64,
    },
    /// No authentic entry for sequence numbers `from..=to`.
    Missing {
        /// First missing sequence number.
        from: u64,
        /// Last missing sequence number.
        to: u64,
    },
    /// An authentic entry stored after one with a higher sequence number.
    Reordered {
        /// Its sequence number.
        sequence: u64,
    },
    /// A further authentic entry with an already-seen sequence number.
    Duplicate {
        /// The repeated sequence number.
        sequence: u64,
    },
    /// An authentic entry that does not commit to its authentic predecessor.
    ChainBroken {
        /// Its sequence number.
        sequence: u64,
    },
    /// An authentic entry older than the chain start.
    Stale {
        /// Its sequence number.
        sequence: u64,
    },
}

/// Totals from [`verify_chain`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChainSummary {
    /// Entries that decoded and authenticated.
    pub authentic: usize,
    /// Problems reported.
    pub problems: usize,
}

impl ChainSummary {
    /// True when no problem was found.
    #[must_use]
    pub const fn is_intact(&self) -> bool {
        self.problems == 0
    }
}

/// Verifies a journal as received (in storage order) and reports every
/// problem to `report`, in two passes: first storage order (malformed,
/// altered, stale, duplicate, reordered), then sequence order (missing,
/// chain broken). `expected_last`, when the host knows the terminal's last
/// sequence number (e.g. from an online message), also reveals entries cut
/// off at the end. Runs in O(n²) entry-header reads and O(n) hash and
/// authenticator checks, with no allocation.
pub fn verify_chain(
    entries: &[&[u8]],
    verifier: &EntryVerifier<'_>,
    start: ChainStart,
    expected_last: Option<u64>,
    report: &mut dyn FnMut(Problem),
) -> ChainSummary {
    let mut summary = ChainSummary::default();
    let mut emit = |p: Problem, summary: &mut ChainSummary| {
        summary.problems += 1;
        report(p);
    };

    // Pass 1: storage order.
    let mut max_seen: Option<u64> = None;
    for (index, bytes) in entries.iter().enumerate() {
        let Ok(entry) = JournalEntry::decode(bytes) else {
            emit(Problem::Malformed { index }, &mut summary);
            continue;
        };
        let sequence = entry.sequence;
        if entry.verify(verifier).is_err() {
            emit(Problem::Altered { sequence }, &mut summary);
            continue;
        }
        summary.authentic += 1;
        if sequence < start.first_sequence {
            emit(Problem::Stale { sequence }, &mut summary);
            continue;
        }
        let seen_before = entries
            .iter()
            .take(index)
            .filter_map(|b| JournalEntry::decode(b).ok())
            .filter(|e| e.sequence == sequence)
            .any(|e| e.verify(verifier).is_ok());
        if seen_before {
            emit(Problem::Duplicate { sequence }, &mut summary);
        } else if max_seen.is_some_and(|m| sequence < m) {
            emit(Problem::Reordered { sequence }, &mut summary);
        }
        max_seen = Some(max_seen.map_or(sequence, |m| m.max(sequence)));
    }

    // Pass 2: sequence order over the authentic entries.
    let upper = match (max_seen, expected_last) {
        (Some(m), Some(e)) => Some(m.max(e)),
        (m, e) => m.or(e),
    };
    let Some(upper) = upper else {
        return summary;
    };
    let mut cursor = start.first_sequence; // next sequence number expected
    let mut previous: Option<[u8; HASH_LEN]> = Some(start.previous_hash);
    loop {
        // The smallest decodable sequence number >= cursor and <= upper.
        let next = entries
            .iter()
            .filter_map(|b| JournalEntry::decode(b).ok())
            .map(|e| e.sequence)
            .filter(|s| *s >= cursor && *s <= upper)
            .min();
        let Some(s) = next else {
            if cursor <= upper {
                emit(
                    Problem::Missing {
                        from: cursor,
                        to: upper,
                    },
                    &mut summary,
                );
            }
            break;
        };
        let first_authentic = entries
            .iter()
            .filter_map(|b| JournalEntry::decode(b).ok())
            .filter(|e| e.sequence == s)
            .find(|e| e.verify(verifier).is_ok());
        if s > cursor {
            // No entry at all claims cursor..s: missing, whether or not the
            // entry at `s` is itself authentic.
            emit(
                Problem::Missing {
                    from: cursor,
                    to: s - 1,
                },
                &mut summary,
            );
            previous = None;
        }
        match first_authentic {
            Some(e) => {
                if previous.is_some_and(|p| p != e.previous_hash) {
                    emit(Problem::ChainBroken { sequence: s }, &mut summary);
                }
                previous = Some(e.hash());
            }
            // Only altered copies: already reported; the next link cannot be checked.
            None => previous = None,
        }
        match s.checked_add(1) {
            Some(c) => cursor = c,
            None => break,
        }
    }
    summary
}

/// [`verify_chain`] collecting the problems into a vector.
#[cfg(feature = "alloc")]
#[must_use]
pub fn verify_chain_to_vec(
    entries: &[&[u8]],
    verifier: &EntryVerifier<'_>,
    start: ChainStart,
    expected_last: Option<u64>,
) -> Vec<Problem> {
    let mut out = Vec::new();
    verify_chain(entries, verifier, start, expected_last, &mut |p| {
        out.push(p)
    });
    out
}

/// An in-memory journal (tests, host-side tools).
#[cfg(feature = "alloc")]
#[derive(Debug, Clone, Default)]
pub struct MemoryJournal {
    writer: JournalWriter,
    entries: Vec<Vec<u8>>,
}

#[cfg(feature = "alloc")]
impl MemoryJournal {
    /// An empty journal.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `record`.
    ///
    /// # Errors
    /// As [`JournalWriter::append`].
    pub fn append(&mut self, signer: &EntrySigner<'_>, record: &[u8]) -> Result<u64, Error> {
        let mut buf = alloc::vec![0u8; MAX_ENTRY_LEN];
        let seq = self.writer.next_sequence();
        let n = self.writer.append(signer, record, &mut buf)?;
        buf.truncate(n);
        self.entries.push(buf);
        Ok(seq)
    }

    /// The stored entries, in order.
    #[must_use]
    pub fn entries(&self) -> Vec<&[u8]> {
        self.entries.iter().map(Vec::as_slice).collect()
    }

    /// Mutable access to the stored entries (to simulate loss or tampering).
    pub fn entries_mut(&mut self) -> &mut Vec<Vec<u8>> {
        &mut self.entries
    }

    /// The writer state.
    #[must_use]
    pub const fn writer(&self) -> &JournalWriter {
        &self.writer
    }
}
