//! Transaction records (signed with the device's ECDSA P-256 key), sealed
//! envelopes for card data (ECDH P-256 + HKDF + AES-256-GCM), the
//! tamper-evident journal, and MK/SK working key installation.

use std::sync::{Arc, Mutex};

use paycore::card::pan::Pan;
use paycore::sign::ecdsa::{DeviceSigningKey as CoreSigningKey, SPolicy, Signature, VerifyingKey};
use paycore::sign::journal::{
    self, ChainStart, EntrySigner, EntryVerifier, HASH_LEN, JournalWriter as CoreWriter,
    MAX_ENTRY_LEN, Problem,
};
use paycore::sign::record::{
    EntryMode as CoreEntryMode, MAX_ENCODED_LEN, PanToken, TransactionRecord as CoreRecord,
    TransactionType as CoreTransactionType,
};
use paycore::sign::seal::{
    self, OVERHEAD, RecipientPublicKey, RecipientSecretKey as CoreRecipientKey,
};
use rand_core::OsRng;
use zeroize::Zeroizing;

use crate::error::{PaycoreError, Result, core};
use crate::keys::Key;

/// Transaction type of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
#[non_exhaustive]
pub enum TransactionType {
    /// Purchase.
    Sale,
    /// Refund.
    Refund,
    /// Void of an earlier transaction.
    Void,
    /// Pre-authorization.
    PreAuthorization,
    /// Completion of a pre-authorization.
    Completion,
    /// Reversal.
    Reversal,
}

/// How the card data was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
#[non_exhaustive]
pub enum EntryMode {
    /// EMV contact chip.
    Chip,
    /// EMV contactless.
    Contactless,
    /// Magnetic stripe.
    Magstripe,
    /// EMVCo QR.
    Qr,
    /// Key entry.
    Manual,
    /// Magnetic stripe after a chip failure.
    Fallback,
}

/// One POS transaction as signed, sealed and journaled (public data: the
/// PAN is masked and tokenised). Field rules: `core/src/sign/record.rs`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct TransactionRecord {
    /// Merchant ID (ISO 8583 DE 42), 1-15 printable ASCII.
    pub merchant_id: String,
    /// Terminal ID (DE 41), 1-8 printable ASCII.
    pub terminal_id: String,
    /// System trace audit number (DE 11), up to 999999.
    pub stan: u32,
    /// Amount in minor units of `currency` (DE 4).
    pub amount_minor: u64,
    /// ISO 4217 numeric currency code.
    pub currency: u16,
    /// Transaction type.
    pub transaction_type: TransactionType,
    /// Card data entry mode.
    pub entry_mode: EntryMode,
    /// UTC seconds since the Unix epoch.
    pub timestamp: u64,
    /// Masked PAN, e.g. `411111******1111`.
    pub masked_pan: String,
    /// Keyed PAN token (16 bytes, `panToken`).
    pub pan_token: Vec<u8>,
    /// Authorization code (DE 38), 6 characters, if any.
    pub authorization_code: Option<String>,
    /// Response code (DE 39), 2 characters.
    pub response_code: String,
    /// SHA-256 of the cardholder's signature image, if captured.
    pub signature_image_hash: Option<Vec<u8>>,
}

macro_rules! same_enum {
    ($ours:ident, $theirs:ident, $($v:ident),*) => {
        impl $ours {
            const fn to_core(self) -> $theirs {
                match self { $(Self::$v => $theirs::$v,)* }
            }
            fn from_core(v: $theirs) -> Result<Self> {
                Ok(match v {
                    $($theirs::$v => Self::$v,)*
                    #[allow(unreachable_patterns)]
                    _ => return Err(PaycoreError::Unsupported("value not bound".into())),
                })
            }
        }
    };
}
same_enum!(
    TransactionType,
    CoreTransactionType,
    Sale,
    Refund,
    Void,
    PreAuthorization,
    Completion,
    Reversal
);
same_enum!(
    EntryMode,
    CoreEntryMode,
    Chip,
    Contactless,
    Magstripe,
    Qr,
    Manual,
    Fallback
);

impl TransactionRecord {
    fn with_core<T>(&self, f: impl FnOnce(&CoreRecord<'_>) -> Result<T>) -> Result<T> {
        let token: [u8; 16] = self
            .pan_token
            .as_slice()
            .try_into()
            .map_err(|_| PaycoreError::argument("pan_token"))?;
        let hash = self
            .signature_image_hash
            .as_ref()
            .map(|h| {
                <[u8; 32]>::try_from(h.as_slice())
                    .map_err(|_| PaycoreError::argument("signature_image_hash"))
            })
            .transpose()?;
        let record = CoreRecord {
            merchant_id: &self.merchant_id,
            terminal_id: &self.terminal_id,
            stan: self.stan,
            amount_minor: self.amount_minor,
            currency: self.currency,
            transaction_type: self.transaction_type.to_core(),
            entry_mode: self.entry_mode.to_core(),
            timestamp: self.timestamp,
            masked_pan: &self.masked_pan,
            pan_token: PanToken::from_bytes(token),
            authorization_code: self.authorization_code.as_deref(),
            response_code: &self.response_code,
            signature_image_hash: hash,
        };
        f(&record)
    }

    fn from_core(r: &CoreRecord<'_>) -> Result<Self> {
        Ok(Self {
            merchant_id: r.merchant_id.to_owned(),
            terminal_id: r.terminal_id.to_owned(),
            stan: r.stan,
            amount_minor: r.amount_minor,
            currency: r.currency,
            transaction_type: TransactionType::from_core(r.transaction_type)?,
            entry_mode: EntryMode::from_core(r.entry_mode)?,
            timestamp: r.timestamp,
            masked_pan: r.masked_pan.to_owned(),
            pan_token: r.pan_token.as_bytes().to_vec(),
            authorization_code: r.authorization_code.map(str::to_owned),
            response_code: r.response_code.to_owned(),
            signature_image_hash: r.signature_image_hash.map(|h| h.to_vec()),
        })
    }
}

/// The canonical encoding of a record (what is signed, sealed, journaled).
///
/// # Errors
/// `Malformed` naming the first invalid field.
#[uniffi::export]
pub fn encode_record(record: TransactionRecord) -> Result<Vec<u8>> {
    record.with_core(|r| {
        let mut out = vec![0u8; MAX_ENCODED_LEN];
        let n = core(r.encode(&mut out))?;
        out.truncate(n);
        Ok(out)
    })
}

/// Decodes a canonical record encoding (no signature check).
///
/// # Errors
/// `Malformed` with the offset or field.
#[uniffi::export]
pub fn decode_record(encoded: Vec<u8>) -> Result<TransactionRecord> {
    TransactionRecord::from_core(&core(CoreRecord::decode(&encoded))?)
}

/// The keyed PAN token of a record: HMAC-SHA256 under `key` (usage `M7`)
/// of the PAN digits, leftmost 16 bytes.
///
/// # Errors
/// `InvalidPan`; `KeyUsage`.
#[uniffi::export]
pub fn pan_token(key: &Key, pan: String) -> Result<Vec<u8>> {
    let pan = Zeroizing::new(pan);
    let pan = core(Pan::parse_lenient(&pan))?;
    Ok(core(PanToken::compute(&key.inner, &pan))?
        .as_bytes()
        .to_vec())
}

/// A record with its encoding and signature.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct SignedRecord {
    /// The canonical encoding (send it).
    pub encoded: Vec<u8>,
    /// ECDSA P-256 signature, raw `r || s` (64 bytes, low-S).
    pub signature: Vec<u8>,
}

/// The device's ECDSA P-256 signing key. Secret: `AutoCloseable`, zeroized
/// on `close()`.
#[derive(uniffi::Object)]
pub struct DeviceSigningKey {
    inner: CoreSigningKey,
}

impl core::fmt::Debug for DeviceSigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("DeviceSigningKey { .. }")
    }
}

#[uniffi::export]
impl DeviceSigningKey {
    /// A new key from the OS random generator.
    #[uniffi::constructor]
    pub fn generate() -> Arc<Self> {
        Arc::new(Self {
            inner: CoreSigningKey::generate(&mut OsRng),
        })
    }

    /// A key from its 32-byte secret scalar (wipe your array after).
    ///
    /// # Errors
    /// `Malformed` for a scalar out of range.
    #[uniffi::constructor]
    pub fn from_secret_scalar(scalar: Vec<u8>) -> Result<Arc<Self>> {
        let scalar = Zeroizing::new(scalar);
        Ok(Arc::new(Self {
            inner: core(CoreSigningKey::from_secret_scalar(&scalar))?,
        }))
    }

    /// The public key, SEC1 uncompressed (65 bytes), for the host.
    pub fn public_key(&self) -> Vec<u8> {
        self.inner.verifying_key().to_sec1_uncompressed().to_vec()
    }

    /// Encodes and signs a record (SHA-256, RFC 6979, low-S).
    ///
    /// # Errors
    /// `Malformed` naming the first invalid field.
    pub fn sign_record(&self, record: TransactionRecord) -> Result<SignedRecord> {
        record.with_core(|r| {
            let mut scratch = vec![0u8; MAX_ENCODED_LEN];
            let (signature, n) = core(self.inner.sign_record(r, &mut scratch))?;
            scratch.truncate(n);
            Ok(SignedRecord {
                encoded: scratch,
                signature: signature.to_raw().to_vec(),
            })
        })
    }

    /// Signs an arbitrary message (SHA-256, RFC 6979, low-S); raw `r || s`.
    ///
    /// # Errors
    /// None in practice.
    pub fn sign(&self, message: Vec<u8>) -> Result<Vec<u8>> {
        Ok(core(self.inner.sign(&message))?.to_raw().to_vec())
    }
}

fn verifying_key(public_key: &[u8]) -> Result<VerifyingKey> {
    core(VerifyingKey::from_sec1(public_key))
}

/// Host side: verifies a record's signature (raw `r || s`, high-S refused)
/// under the device's SEC1 public key and returns the decoded record.
///
/// # Errors
/// `VerificationFailed`; `Malformed` for a bad key, signature or record.
#[uniffi::export]
pub fn verify_record(
    public_key: Vec<u8>,
    encoded: Vec<u8>,
    signature: Vec<u8>,
) -> Result<TransactionRecord> {
    let key = verifying_key(&public_key)?;
    let signature = core(Signature::from_raw(&signature))?;
    TransactionRecord::from_core(&core(key.verify_record(
        &encoded,
        &signature,
        SPolicy::RejectHighS,
    ))?)
}

/// Verifies a signature made by `DeviceSigningKey.sign` (raw `r || s`).
///
/// # Errors
/// `VerificationFailed`; `Malformed` for a bad key or signature.
#[uniffi::export]
pub fn verify_signature(public_key: Vec<u8>, message: Vec<u8>, signature: Vec<u8>) -> Result<()> {
    let key = verifying_key(&public_key)?;
    let signature = core(Signature::from_raw(&signature))?;
    core(key.verify(&message, &signature, SPolicy::RejectHighS))
}

/// Seals `plaintext` (e.g. card data) for the holder of the recipient key
/// (SEC1 public key): ECDH P-256 + HKDF-SHA256 + AES-256-GCM; `aad` is
/// authenticated, not encrypted.
///
/// # Errors
/// `Malformed` for a bad public key.
#[uniffi::export]
pub fn seal(recipient_public_key: Vec<u8>, aad: Vec<u8>, plaintext: Vec<u8>) -> Result<Vec<u8>> {
    let plaintext = Zeroizing::new(plaintext);
    let recipient = core(RecipientPublicKey::from_sec1(&recipient_public_key))?;
    let mut out = vec![0u8; plaintext.len() + OVERHEAD];
    let n = core(seal::seal(
        &recipient, &aad, &plaintext, &mut OsRng, &mut out,
    ))?;
    out.truncate(n);
    Ok(out)
}

/// The host's key for opening sealed envelopes. Secret: `AutoCloseable`,
/// zeroized on `close()`.
#[derive(uniffi::Object)]
pub struct RecipientKey {
    inner: CoreRecipientKey,
}

impl core::fmt::Debug for RecipientKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("RecipientKey { .. }")
    }
}

#[uniffi::export]
impl RecipientKey {
    /// A new key from the OS random generator.
    #[uniffi::constructor]
    pub fn generate() -> Arc<Self> {
        Arc::new(Self {
            inner: CoreRecipientKey::generate(&mut OsRng),
        })
    }

    /// A key from its 32-byte secret scalar.
    ///
    /// # Errors
    /// `Malformed` for a scalar out of range.
    #[uniffi::constructor]
    pub fn from_secret_scalar(scalar: Vec<u8>) -> Result<Arc<Self>> {
        let scalar = Zeroizing::new(scalar);
        Ok(Arc::new(Self {
            inner: core(CoreRecipientKey::from_secret_scalar(&scalar))?,
        }))
    }

    /// The public key, SEC1 uncompressed, for terminals to seal to.
    pub fn public_key(&self) -> Vec<u8> {
        self.inner.public_key().to_sec1_uncompressed().to_vec()
    }

    /// Opens an envelope made by `seal` with the same `aad`.
    ///
    /// # Errors
    /// `VerificationFailed` for a wrong key, altered envelope or aad;
    /// `Malformed` for a truncated envelope.
    pub fn open(&self, aad: Vec<u8>, envelope: Vec<u8>) -> Result<Vec<u8>> {
        let mut out = vec![0u8; envelope.len()];
        let n = core(seal::open(&self.inner, &aad, &envelope, &mut out))?;
        out.truncate(n);
        Ok(out)
    }
}

/// The terminal side of the tamper-evident journal: next sequence number
/// and hash of the last entry (public; persist both to resume).
#[derive(uniffi::Object)]
pub struct JournalWriter {
    inner: Mutex<CoreWriter>,
}

impl core::fmt::Debug for JournalWriter {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("JournalWriter { .. }")
    }
}

impl JournalWriter {
    fn lock(&self) -> Result<std::sync::MutexGuard<'_, CoreWriter>> {
        self.inner
            .lock()
            .map_err(|_| PaycoreError::Unsupported("journal writer unusable".into()))
    }

    fn append(&self, signer: &EntrySigner<'_>, record: &[u8]) -> Result<Vec<u8>> {
        let mut out = vec![0u8; MAX_ENTRY_LEN];
        let n = core(self.lock()?.append(signer, record, &mut out))?;
        out.truncate(n);
        Ok(out)
    }
}

#[uniffi::export]
impl JournalWriter {
    /// A new journal (sequence 0, previous hash all zeros).
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            inner: Mutex::new(CoreWriter::new()),
        })
    }

    /// Resumes a journal from its persisted state.
    ///
    /// # Errors
    /// `InvalidArgument` if `previousHash` is not 32 bytes.
    #[uniffi::constructor]
    pub fn resume(next_sequence: u64, previous_hash: Vec<u8>) -> Result<Arc<Self>> {
        let hash = hash32(&previous_hash)?;
        Ok(Arc::new(Self {
            inner: Mutex::new(CoreWriter::resume(next_sequence, hash)),
        }))
    }

    /// The sequence number of the next entry.
    ///
    /// # Errors
    /// `Unsupported` if a previous call panicked.
    pub fn next_sequence(&self) -> Result<u64> {
        Ok(self.lock()?.next_sequence())
    }

    /// The hash the next entry will commit to.
    ///
    /// # Errors
    /// As `nextSequence`.
    pub fn previous_hash(&self) -> Result<Vec<u8>> {
        Ok(self.lock()?.previous_hash().to_vec())
    }

    /// Appends `record` authenticated by HMAC-SHA256 under `key` (`M7`);
    /// returns the entry to store.
    ///
    /// # Errors
    /// `InvalidArgument` for an oversized record; `KeyUsage`.
    pub fn append_hmac(&self, key: &Key, record: Vec<u8>) -> Result<Vec<u8>> {
        self.append(&EntrySigner::Hmac(&key.inner), &record)
    }

    /// Appends `record` signed by the device key; returns the entry to store.
    ///
    /// # Errors
    /// `InvalidArgument` for an oversized record.
    pub fn append_signed(&self, key: &DeviceSigningKey, record: Vec<u8>) -> Result<Vec<u8>> {
        self.append(&EntrySigner::Ecdsa(&key.inner), &record)
    }
}

fn hash32(bytes: &[u8]) -> Result<[u8; HASH_LEN]> {
    bytes
        .try_into()
        .map_err(|_| PaycoreError::argument("previous hash"))
}

/// One finding of a journal verification.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Enum)]
#[non_exhaustive]
pub enum JournalProblem {
    /// The entry at this storage index does not decode.
    Malformed {
        /// Index in the list given.
        index: u64,
    },
    /// The entry's authenticator does not verify.
    Altered {
        /// Sequence number as read from the entry.
        sequence: u64,
    },
    /// No authentic entry for `from..=to`.
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
    /// An authentic entry that does not commit to its predecessor.
    ChainBroken {
        /// Its sequence number.
        sequence: u64,
    },
    /// An authentic entry older than the chain start.
    Stale {
        /// Its sequence number.
        sequence: u64,
    },
    /// A finding this binding does not know yet.
    Other,
}

impl JournalProblem {
    fn from_core(p: Problem) -> Self {
        match p {
            Problem::Malformed { index } => Self::Malformed {
                index: u64::try_from(index).unwrap_or(u64::MAX),
            },
            Problem::Altered { sequence } => Self::Altered { sequence },
            Problem::Missing { from, to } => Self::Missing { from, to },
            Problem::Reordered { sequence } => Self::Reordered { sequence },
            Problem::Duplicate { sequence } => Self::Duplicate { sequence },
            Problem::ChainBroken { sequence } => Self::ChainBroken { sequence },
            Problem::Stale { sequence } => Self::Stale { sequence },
            _ => Self::Other,
        }
    }
}

/// The result of a journal verification.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct JournalReport {
    /// Entries that decoded and authenticated.
    pub authentic: u64,
    /// Every problem found; empty when the journal is intact.
    pub problems: Vec<JournalProblem>,
}

/// Where a verified chain starts (a new journal: sequence 0, zero hash).
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct JournalStart {
    /// First sequence number expected.
    pub first_sequence: u64,
    /// Hash (32 bytes) the first entry must commit to.
    pub previous_hash: Vec<u8>,
}

fn verify(
    entries: &[Vec<u8>],
    verifier: &EntryVerifier<'_>,
    start: Option<JournalStart>,
    expected_last: Option<u64>,
) -> Result<JournalReport> {
    let start = match start {
        None => ChainStart::GENESIS,
        Some(s) => ChainStart {
            first_sequence: s.first_sequence,
            previous_hash: hash32(&s.previous_hash)?,
        },
    };
    let entries: Vec<&[u8]> = entries.iter().map(Vec::as_slice).collect();
    let mut problems = Vec::new();
    let summary = journal::verify_chain(&entries, verifier, start, expected_last, &mut |p| {
        problems.push(JournalProblem::from_core(p));
    });
    Ok(JournalReport {
        authentic: u64::try_from(summary.authentic).unwrap_or(u64::MAX),
        problems,
    })
}

/// Host side: verifies an HMAC journal (entries in storage order) under
/// `key` (`M7`, mode permitting verification). `start` null for a new
/// journal; `expectedLast` reveals entries cut off at the end.
///
/// # Errors
/// `InvalidArgument` for a bad start hash.
#[uniffi::export(default(start = None, expected_last = None))]
pub fn journal_verify_hmac(
    entries: Vec<Vec<u8>>,
    key: &Key,
    start: Option<JournalStart>,
    expected_last: Option<u64>,
) -> Result<JournalReport> {
    verify(
        &entries,
        &EntryVerifier::Hmac(&key.inner),
        start,
        expected_last,
    )
}

/// Host side: verifies a signed journal under the device's SEC1 public key.
///
/// # Errors
/// `Malformed` for a bad public key; as `journalVerifyHmac`.
#[uniffi::export(default(start = None, expected_last = None))]
pub fn journal_verify_signed(
    entries: Vec<Vec<u8>>,
    public_key: Vec<u8>,
    start: Option<JournalStart>,
    expected_last: Option<u64>,
) -> Result<JournalReport> {
    let key = verifying_key(&public_key)?;
    verify(&entries, &EntryVerifier::Ecdsa(&key), start, expected_last)
}
