//! The tamper-evident offline journal (hash chain of authenticated
//! entries; entry layout, version 2, in core `paycore::sign::journal`).
//! Authenticators cover the journal domain label `paycore/journal/v2\0`
//! before the entry bytes, so no generic or record signature passes as one;
//! version 1 entries are `MALFORMED`.
//!
//! Terminal side: the writer state is a plain [`paycore_journal_writer`]
//! struct the firmware persists (not secret; all zeros = a new journal).
//! [`paycore_journal_append_hmac`] / [`paycore_journal_append_ecdsa`] read
//! the state, write the entry and, only on success, the next state (which
//! may be the same struct).
//!
//! Host side: [`paycore_journal_verify_hmac`] / [`paycore_journal_verify_ecdsa`]
//! take the entries as an array of [`paycore_journal_entry`] `(pointer,
//! length)` pairs in storage order and report every problem into a
//! caller-provided array of [`paycore_journal_problem`] (no callback), plus a
//! [`paycore_journal_summary`]. [`paycore_journal_entry_decode`] then gives
//! each entry's sequence number and record bytes.

use paycore::keys::{Key, KeyUsage, Operation};
use paycore::sign::journal::{
    self, ChainStart, EntrySigner, EntryVerifier, HASH_LEN, JournalEntry, JournalWriter,
    MAX_ENTRY_LEN, MAX_RECORD_LEN, Problem,
};

use crate::io::{Out, input, input_array, output_array, put, read_in};
use crate::keys::{key_ref, paycore_key};
use crate::result::paycore_result;
use crate::sign::{paycore_signing_key, signing_key_ref, verifying_key_from};
use crate::{ffi_boundary, try_ffi};

/// SHA-256 length of the chain hashes, in bytes.
pub const PAYCORE_JOURNAL_HASH_LEN: usize = 32;
const _: () = assert!(PAYCORE_JOURNAL_HASH_LEN == HASH_LEN);
/// Longest record an entry carries, in bytes.
pub const PAYCORE_JOURNAL_MAX_RECORD_LEN: usize = 4096;
const _: () = assert!(PAYCORE_JOURNAL_MAX_RECORD_LEN == MAX_RECORD_LEN);
/// Longest entry, in bytes.
pub const PAYCORE_JOURNAL_MAX_ENTRY_LEN: usize = 4204;
const _: () = assert!(PAYCORE_JOURNAL_MAX_ENTRY_LEN == MAX_ENTRY_LEN);
/// Most entries [`paycore_journal_verify_hmac`] accepts in one call (the
/// check is O(n²) in entry-header reads).
pub const PAYCORE_JOURNAL_MAX_ENTRIES: usize = 8192;

/// Problem kind: the entry at `index` (storage order) does not decode.
pub const PAYCORE_JOURNAL_PROBLEM_MALFORMED: u32 = 1;
/// Problem kind: the entry's authenticator fails (`sequence` as read).
pub const PAYCORE_JOURNAL_PROBLEM_ALTERED: u32 = 2;
/// Problem kind: no authentic entry for sequence numbers `from..=to`.
pub const PAYCORE_JOURNAL_PROBLEM_MISSING: u32 = 3;
/// Problem kind: authentic entry `sequence` stored after a higher one.
pub const PAYCORE_JOURNAL_PROBLEM_REORDERED: u32 = 4;
/// Problem kind: a further authentic entry with sequence `sequence`.
pub const PAYCORE_JOURNAL_PROBLEM_DUPLICATE: u32 = 5;
/// Problem kind: authentic entry `sequence` does not commit to its
/// authentic predecessor.
pub const PAYCORE_JOURNAL_PROBLEM_CHAIN_BROKEN: u32 = 6;
/// Problem kind: authentic entry `sequence` older than the chain start.
pub const PAYCORE_JOURNAL_PROBLEM_STALE: u32 = 7;
/// Problem kind: a finding this version of the C ABI cannot name.
pub const PAYCORE_JOURNAL_PROBLEM_OTHER: u32 = 99;

/// The terminal's journal state: persist it with the entries. A
/// zero-initialized struct is a new journal (genesis). Also used as the
/// chain start when verifying (`next_sequence` = first sequence expected,
/// `previous_hash` = hash the first entry commits to).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct paycore_journal_writer {
    /// Sequence number of the next entry.
    pub next_sequence: u64,
    /// SHA-256 of the last entry (zeros before the first).
    pub previous_hash: [u8; PAYCORE_JOURNAL_HASH_LEN],
}

/// One stored entry, as a `(pointer, length)` pair.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct paycore_journal_entry {
    /// The entry bytes (`NULL` only with `len` 0).
    pub data: *const u8,
    /// Their length.
    pub len: usize,
}

/// One finding of a chain verification. Members that do not apply to
/// `kind` are 0.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct paycore_journal_problem {
    /// One of `PAYCORE_JOURNAL_PROBLEM_*`.
    pub kind: u32,
    /// Storage index (`MALFORMED`).
    pub index: u64,
    /// Sequence number (`ALTERED`, `REORDERED`, `DUPLICATE`,
    /// `CHAIN_BROKEN`, `STALE`).
    pub sequence: u64,
    /// First missing sequence number (`MISSING`).
    pub from: u64,
    /// Last missing sequence number (`MISSING`).
    pub to: u64,
}

/// Totals of a chain verification.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct paycore_journal_summary {
    /// Entries that decoded and authenticated.
    pub authentic: u64,
    /// Problems found (may exceed the number written to the array).
    pub problems: u64,
}

/// A decoded entry (no authenticity check: verify the chain first).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct paycore_journal_entry_info {
    /// Sequence number.
    pub sequence: u64,
    /// Hash of the previous entry this entry commits to.
    pub previous_hash: [u8; PAYCORE_JOURNAL_HASH_LEN],
    /// SHA-256 of this entry (what the next entry commits to).
    pub hash: [u8; PAYCORE_JOURNAL_HASH_LEN],
    /// The record bytes, pointing into the entry (zero copy).
    pub record: *const u8,
    /// Their length.
    pub record_len: usize,
}

fn problem_to_c(problem: Problem) -> paycore_journal_problem {
    let base = paycore_journal_problem::default();
    let wide = |v: usize| u64::try_from(v).unwrap_or(u64::MAX);
    match problem {
        Problem::Malformed { index } => paycore_journal_problem {
            kind: PAYCORE_JOURNAL_PROBLEM_MALFORMED,
            index: wide(index),
            ..base
        },
        Problem::Altered { sequence } => paycore_journal_problem {
            kind: PAYCORE_JOURNAL_PROBLEM_ALTERED,
            sequence,
            ..base
        },
        Problem::Missing { from, to } => paycore_journal_problem {
            kind: PAYCORE_JOURNAL_PROBLEM_MISSING,
            from,
            to,
            ..base
        },
        Problem::Reordered { sequence } => paycore_journal_problem {
            kind: PAYCORE_JOURNAL_PROBLEM_REORDERED,
            sequence,
            ..base
        },
        Problem::Duplicate { sequence } => paycore_journal_problem {
            kind: PAYCORE_JOURNAL_PROBLEM_DUPLICATE,
            sequence,
            ..base
        },
        Problem::ChainBroken { sequence } => paycore_journal_problem {
            kind: PAYCORE_JOURNAL_PROBLEM_CHAIN_BROKEN,
            sequence,
            ..base
        },
        Problem::Stale { sequence } => paycore_journal_problem {
            kind: PAYCORE_JOURNAL_PROBLEM_STALE,
            sequence,
            ..base
        },
        _ => paycore_journal_problem {
            kind: PAYCORE_JOURNAL_PROBLEM_OTHER,
            ..base
        },
    }
}

/// Appends with either signer.
///
/// # Safety
/// As the public append functions.
#[allow(clippy::too_many_arguments)]
unsafe fn append(
    state: *const paycore_journal_writer,
    signer: &EntrySigner<'_>,
    record: *const u8,
    record_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    next_state: *mut paycore_journal_writer,
) -> paycore_result {
    if state.is_null() || next_state.is_null() {
        return paycore_result::NullParameter;
    }
    // SAFETY: forwarded caller contract.
    let record = try_ffi!(unsafe { input(record, record_len) });
    // SAFETY: forwarded caller contract.
    let out = try_ffi!(unsafe { Out::new(out, out_cap, out_len) });
    // SAFETY: non-NULL and readable per the contract; read by value so
    // `next_state` may alias it.
    let current = try_ffi!(unsafe { read_in(state) });
    let mut writer = JournalWriter::resume(current.next_sequence, current.previous_hash);
    let mut buf = vec![0u8; MAX_ENTRY_LEN];
    let n = try_ffi!(
        writer
            .append(signer, record, &mut buf)
            .map_err(paycore_result::from)
    );
    let result = out.write(buf.get(..n).unwrap_or(&[]));
    if result == paycore_result::Ok {
        let next = paycore_journal_writer {
            next_sequence: writer.next_sequence(),
            previous_hash: writer.previous_hash(),
        };
        // SAFETY: checked non-NULL; writable per the contract.
        try_ffi!(unsafe { put(next_state, next) });
    }
    result
}

/// Appends `record` (at most `PAYCORE_JOURNAL_MAX_RECORD_LEN` bytes, e.g.
/// an encoded transaction record) authenticated with HMAC-SHA256 under
/// `key` (usage `M7`, mode permitting generation). Writes the entry
/// (`record_len + 76` bytes) to `out` and, only on success, the advanced
/// state to `*next_state` (which may be `state` itself).
///
/// # Errors
/// `NULL_PARAMETER`; `KEY_USAGE`; `INVALID_ARGUMENT` (record too long,
/// sequence overflow); `BUFFER_TOO_SMALL` (`*out_len` = entry length).
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `state` valid for a read, `next_state` for a write; `key` a live handle;
/// `record` valid for `record_len` bytes; `out` for `out_cap` writable
/// bytes; `out_len` for a write.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_journal_append_hmac(
    state: *const paycore_journal_writer,
    key: *const paycore_key,
    record: *const u8,
    record_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    next_state: *mut paycore_journal_writer,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key: &Key = try_ffi!(unsafe { key_ref(key) });
        // SAFETY: forwarded caller contract.
        unsafe {
            append(
                state,
                &EntrySigner::Hmac(key),
                record,
                record_len,
                out,
                out_cap,
                out_len,
                next_state,
            )
        }
    })
}

/// As [`paycore_journal_append_hmac`], authenticated with an ECDSA P-256
/// signature by the device key (entry length `record_len + 108`).
///
/// # Errors
/// `NULL_PARAMETER`; `INVALID_ARGUMENT`; `BUFFER_TOO_SMALL`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_journal_append_hmac`], with `key` a live signing key handle.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_journal_append_ecdsa(
    state: *const paycore_journal_writer,
    key: *const paycore_signing_key,
    record: *const u8,
    record_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    next_state: *mut paycore_journal_writer,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key = try_ffi!(unsafe { signing_key_ref(key) });
        // SAFETY: forwarded caller contract.
        unsafe {
            append(
                state,
                &EntrySigner::Ecdsa(key),
                record,
                record_len,
                out,
                out_cap,
                out_len,
                next_state,
            )
        }
    })
}

/// Verifies a chain with either verifier.
///
/// # Safety
/// As the public verify functions.
#[allow(clippy::too_many_arguments)]
unsafe fn verify(
    entries: *const paycore_journal_entry,
    entries_count: usize,
    verifier: &EntryVerifier<'_>,
    start: *const paycore_journal_writer,
    has_expected_last: bool,
    expected_last: u64,
    problems: *mut paycore_journal_problem,
    problems_cap: usize,
    problems_len: *mut usize,
    summary: *mut paycore_journal_summary,
) -> paycore_result {
    if start.is_null() || problems_len.is_null() || summary.is_null() {
        return paycore_result::NullParameter;
    }
    if problems.is_null() && problems_cap > 0 {
        return paycore_result::NullParameter;
    }
    if entries.is_null() && entries_count > 0 {
        return paycore_result::NullParameter;
    }
    if entries_count > PAYCORE_JOURNAL_MAX_ENTRIES {
        return paycore_result::LimitExceeded;
    }
    let pairs: &[paycore_journal_entry] = if entries.is_null() {
        &[]
    } else {
        // SAFETY: non-NULL; the caller guarantees `entries_count` readable pairs.
        try_ffi!(unsafe { input_array(entries, entries_count) })
    };
    let mut slices: Vec<&[u8]> = Vec::with_capacity(pairs.len());
    for pair in pairs {
        // SAFETY: forwarded caller contract (each pair valid for reads).
        slices.push(try_ffi!(unsafe { input(pair.data, pair.len) }));
    }
    let problems_out: &mut [paycore_journal_problem] = if problems.is_null() {
        &mut []
    } else {
        // SAFETY: non-NULL; the caller guarantees `problems_cap` writable elements.
        try_ffi!(unsafe { output_array(problems, problems_cap) })
    };
    // SAFETY: checked non-NULL; readable per the contract.
    let start = try_ffi!(unsafe { read_in(start) });
    let start = ChainStart {
        first_sequence: start.next_sequence,
        previous_hash: start.previous_hash,
    };
    let expected_last = has_expected_last.then_some(expected_last);
    let mut written = 0usize;
    let totals = journal::verify_chain(&slices, verifier, start, expected_last, &mut |p| {
        if let Some(slot) = problems_out.get_mut(written) {
            *slot = problem_to_c(p);
            written += 1;
        }
    });
    let wide = |v: usize| u64::try_from(v).unwrap_or(u64::MAX);
    // SAFETY: checked non-NULL; writable per the contract.
    try_ffi!(unsafe { put(problems_len, written) });
    // SAFETY: as above.
    try_ffi!(unsafe {
        put(
            summary,
            paycore_journal_summary {
                authentic: wide(totals.authentic),
                problems: wide(totals.problems),
            },
        )
    });
    if totals.is_intact() {
        paycore_result::Ok
    } else {
        paycore_result::VerificationFailed
    }
}

/// Verifies a journal of HMAC entries (key usage `M7`, mode permitting
/// verification) as received, in storage order, from `start` (the chain
/// start: a zeroed struct for a journal from genesis). `expected_last`,
/// when `has_expected_last`, is the last sequence number the host knows the
/// terminal wrote (reveals entries cut off at the end).
///
/// Writes the first `problems_cap` problems to `problems` and their number
/// to `*problems_len`, and the totals to `*summary` (`summary->problems`
/// counts every problem, also those that did not fit).
///
/// # Errors
/// `VERIFICATION_FAILED` if any problem was found (the outputs say which);
/// `NULL_PARAMETER`; `LIMIT_EXCEEDED` (more than
/// `PAYCORE_JOURNAL_MAX_ENTRIES`); `KEY_USAGE` (key not `M7` or its mode
/// forbids verification), checked before any entry is read.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `entries` valid for `entries_count` pairs, each valid for reads; `key` a
/// live handle; `start` valid for a read; `problems` for `problems_cap`
/// writes; `problems_len` and `summary` for writes.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_journal_verify_hmac(
    entries: *const paycore_journal_entry,
    entries_count: usize,
    key: *const paycore_key,
    start: *const paycore_journal_writer,
    has_expected_last: bool,
    expected_last: u64,
    problems: *mut paycore_journal_problem,
    problems_cap: usize,
    problems_len: *mut usize,
    summary: *mut paycore_journal_summary,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let key: &Key = try_ffi!(unsafe { key_ref(key) });
        // A key that may not verify is a caller mistake, not an altered entry.
        try_ffi!(
            key.require(&[KeyUsage::MacHmac], Operation::Verify)
                .map_err(paycore_result::from)
        );
        // SAFETY: forwarded caller contract.
        unsafe {
            verify(
                entries,
                entries_count,
                &EntryVerifier::Hmac(key),
                start,
                has_expected_last,
                expected_last,
                problems,
                problems_cap,
                problems_len,
                summary,
            )
        }
    })
}

/// As [`paycore_journal_verify_hmac`], for ECDSA entries, verified with the
/// device's public key (SEC1 or SPKI DER bytes; high-S rejected).
///
/// # Errors
/// As [`paycore_journal_verify_hmac`]; `MALFORMED` for a bad public key.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// As [`paycore_journal_verify_hmac`], `public_key` valid for
/// `public_key_len` bytes.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn paycore_journal_verify_ecdsa(
    entries: *const paycore_journal_entry,
    entries_count: usize,
    public_key: *const u8,
    public_key_len: usize,
    start: *const paycore_journal_writer,
    has_expected_last: bool,
    expected_last: u64,
    problems: *mut paycore_journal_problem,
    problems_cap: usize,
    problems_len: *mut usize,
    summary: *mut paycore_journal_summary,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let public_key = try_ffi!(unsafe { input(public_key, public_key_len) });
        let public = try_ffi!(verifying_key_from(public_key));
        // SAFETY: forwarded caller contract.
        unsafe {
            verify(
                entries,
                entries_count,
                &EntryVerifier::Ecdsa(&public),
                start,
                has_expected_last,
                expected_last,
                problems,
                problems_cap,
                problems_len,
                summary,
            )
        }
    })
}

/// Decodes one entry strictly WITHOUT checking its authenticator (verify
/// the chain first). `*out` is written only on success; its `record`
/// points into `entry` (zero copy).
///
/// # Errors
/// `NULL_PARAMETER`; `MALFORMED`.
///
/// # Safety
/// Aliasing and lengths: see the header's rules (no output overlaps an input or another output; lengths at most `PTRDIFF_MAX`).
/// `entry` valid for `entry_len` bytes; `out` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn paycore_journal_entry_decode(
    entry: *const u8,
    entry_len: usize,
    out: *mut paycore_journal_entry_info,
) -> paycore_result {
    ffi_boundary!({
        // SAFETY: forwarded caller contract.
        let entry = try_ffi!(unsafe { input(entry, entry_len) });
        if out.is_null() {
            return paycore_result::NullParameter;
        }
        let decoded = try_ffi!(JournalEntry::decode(entry).map_err(paycore_result::from));
        let info = paycore_journal_entry_info {
            sequence: decoded.sequence,
            previous_hash: decoded.previous_hash,
            hash: decoded.hash(),
            record: decoded.record.as_ptr(),
            record_len: decoded.record.len(),
        };
        // SAFETY: checked non-NULL; writable per the contract.
        try_ffi!(unsafe { put(out, info) });
        paycore_result::Ok
    })
}
