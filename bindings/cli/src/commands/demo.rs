//! `paycore demo`: a complete simulated sale, terminal side then host side.
//!
//! Every value the demo prints is computed by paycore during the run; the
//! fixed inputs are test data (the X9.24-3-2017 supplement's AES-128 BDK and
//! initial key ID, a Visa test PAN). Randomness (PIN block fill, nonces,
//! ephemeral keys, device keys) comes from the operating system.

use std::fmt::Write as _;
use std::time::Instant;

use paycore::Error;
use paycore::card::pan::Pan;
use paycore::card::tlv::{self, Limits, Tag, Writer};
use paycore::card::track::{Track2, TrackEncoding};
use paycore::keys::dukpt::{self, StateStore, WorkingKeyType, WorkingKeyUsage};
use paycore::keys::kcv::{Kcv, KcvMethod};
use paycore::keys::{Algorithm, Exportability, Key, KeyAttributes, KeyUsage, ModeOfUse};
use paycore::mac::{self, MacAlgorithm};
use paycore::pin::{self, Pin, PinBlockFormat};
use paycore::secret::ct_eq;
use paycore::sign::ecdsa::{DeviceSigningKey, MAX_DER_SIGNATURE_LEN, SPolicy};
use paycore::sign::journal::{
    self, ChainStart, EntrySigner, EntryVerifier, HASH_LEN, MemoryJournal,
};
use paycore::sign::record::{
    EntryMode, MAX_ENCODED_LEN, MaskedPan, PanToken, TransactionRecord, TransactionType,
};
use paycore::sign::seal::{self, RecipientSecretKey};
use rand::rngs::OsRng;
use serde_json::{Map, Value, json};

use crate::output::{CliError, Output, hex_upper};

mod chip;

/// X9.24-3-2017 supplement test BDK (AES-128) and initial key ID.
const BDK: [u8; 16] = [
    0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1,
];
const INITIAL_KEY_ID: [u8; 8] = [0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56];
/// A Visa test PAN (Luhn-valid), its expiry and service code.
const TRACK2: &str = ";4761739001010010=25122011143804400000?";
/// The PIN the cardholder types on the PIN pad.
const CARDHOLDER_PIN: &str = "1234";

/// The terminal's non-volatile memory for DUKPT state.
struct Flash {
    blob: Vec<u8>,
    writes: usize,
}

impl StateStore for Flash {
    fn persist(&mut self, blob: &[u8]) -> Result<(), Error> {
        self.blob.clear();
        self.blob.extend_from_slice(blob);
        self.writes += 1;
        Ok(())
    }
}

/// Collects the human transcript and the JSON steps side by side.
struct Transcript {
    text: String,
    steps: Vec<Value>,
}

impl Transcript {
    fn heading(&mut self, title: &str) {
        let _ = writeln!(self.text, "\n{title}");
    }

    fn step(&mut self, name: &str, detail: &str, extra: Value) {
        let _ = writeln!(self.text, "  {name:<28} {detail}");
        let mut obj = Map::new();
        obj.insert("step".into(), json!(name));
        obj.insert("detail".into(), json!(detail));
        if let Value::Object(fields) = extra {
            obj.extend(fields);
        }
        self.steps.push(Value::Object(obj));
    }

    fn note(&mut self, line: &str) {
        let _ = writeln!(self.text, "  {:<28} {line}", "");
    }
}

fn key(
    algorithm: Algorithm,
    material: &[u8],
    usage: KeyUsage,
    mode: ModeOfUse,
) -> Result<Key, Error> {
    Key::new(algorithm, material, KeyAttributes::new(usage, mode))
}

fn kcv(key: &Key) -> Result<String, Error> {
    let (method, len) = if key.algorithm().is_aes() {
        (KcvMethod::Cmac, 5)
    } else {
        (KcvMethod::Legacy, 3)
    };
    Ok(Kcv::compute(key, method, len)?.to_string())
}

fn short(hex: &str) -> String {
    if hex.len() > 24 {
        format!("{}…{}", &hex[..16], &hex[hex.len() - 8..])
    } else {
        hex.to_owned()
    }
}

pub(crate) fn run() -> Result<Output, CliError> {
    let started = Instant::now();
    let mut rng = OsRng;
    let mut t = Transcript {
        text: String::from("paycore demo: one chip sale, terminal side then host side\n"),
        steps: Vec::new(),
    };

    // ---- Key injection (done once, at the key-injection facility) ----
    t.heading("Key injection");
    let bdk = key(Algorithm::Aes128, &BDK, KeyUsage::Bdk, ModeOfUse::Derive)?;
    t.step(
        "BDK (host HSM)",
        &format!("AES-128, KCV {}", kcv(&bdk)?),
        json!({"kcv": kcv(&bdk)?}),
    );
    let initial_key = dukpt::aes::derive_initial_key(&bdk, &INITIAL_KEY_ID)?;
    t.step(
        "Initial key -> terminal",
        &format!(
            "ID {}, KCV {}",
            hex_upper(&INITIAL_KEY_ID),
            kcv(&initial_key)?
        ),
        json!({"initial_key_id": hex_upper(&INITIAL_KEY_ID), "kcv": kcv(&initial_key)?}),
    );
    let mut device_key_bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rng, &mut device_key_bytes);
    // The terminal's state-sealing key never leaves it (`N`): whoever could
    // export it could derive the key that seals the DUKPT registers.
    let state_key = Key::new(
        Algorithm::Aes256,
        &device_key_bytes,
        KeyAttributes::new(KeyUsage::DataEncryption, ModeOfUse::EncryptDecrypt)
            .with_exportability(Exportability::NonExportable),
    )?;
    device_key_bytes.fill(0);
    let mut flash = Flash {
        blob: Vec::new(),
        writes: 0,
    };
    let mut originator = dukpt::aes::Originator::load_initial_key(
        &initial_key,
        INITIAL_KEY_ID,
        &state_key,
        &mut rng,
        &mut flash,
    )?;
    drop(initial_key);
    let signing_key = DeviceSigningKey::generate(&mut rng);
    let device_public = signing_key.verifying_key();
    t.step(
        "Device signing key",
        &format!(
            "P-256, public {}",
            short(&hex_upper(&device_public.to_sec1_compressed()))
        ),
        json!({"public_key": hex_upper(&device_public.to_sec1_compressed())}),
    );
    let host_sealing = RecipientSecretKey::generate(&mut rng);
    let host_public = host_sealing.public_key();
    t.step(
        "Host sealing key",
        &format!(
            "P-256, public {}",
            short(&hex_upper(&host_public.to_sec1_uncompressed()))
        ),
        json!({"public_key": hex_upper(&host_public.to_sec1_uncompressed())}),
    );
    let mut token_bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rng, &mut token_bytes);
    let token_key = key(
        Algorithm::Aes256,
        &token_bytes,
        KeyUsage::MacHmac,
        ModeOfUse::Generate,
    )?;
    token_bytes.fill(0);

    // ---- Terminal ----
    t.heading("Terminal");
    // The chip's READ RECORD response, as the kernel receives it.
    let track = Track2::parse(TRACK2)?;
    let mut tag57 = [0u8; 19];
    let tag57_len = track.to_tag57(&mut tag57)?;
    let mut record_buf = [0u8; 128];
    let record_len = {
        let mut w = Writer::new(&mut record_buf);
        w.constructed(Tag::new(0x70), |w| {
            w.primitive(
                Tag::TRACK2_EQUIVALENT_DATA,
                tag57.get(..tag57_len).unwrap_or_default(),
            )?;
            w.primitive(Tag::new(0x5F20), b"CARDHOLDER/VISA")?;
            w.primitive(Tag::new(0x9F1F), b"1143804400000")?;
            w.primitive(Tag::new(0x5F34), &[0x01])
        })?;
        w.position()
    };
    tag57.fill(0);
    let card_response = record_buf.get(..record_len).unwrap_or_default();
    tlv::validate(card_response, Limits::default())?;
    t.step(
        "1. Read card (chip)",
        &format!("READ RECORD: template 70, {record_len} bytes, BER-TLV valid"),
        json!({"bytes": record_len}),
    );
    tlv::walk(card_response, Limits::default(), |item| {
        let tag = item.tag();
        let name = tag.name().unwrap_or("(proprietary)");
        let shown = if item.is_constructed() {
            String::new()
        } else if item.is_sensitive() {
            format!("<{} bytes, masked>", item.value().len())
        } else {
            hex_upper(item.value())
        };
        let _ = writeln!(
            t.text,
            "  {:<28} {}{tag} {name} {shown}",
            "",
            "  ".repeat(item.level().saturating_sub(1))
        );
        core::ops::ControlFlow::<()>::Continue(())
    })?;
    let chip_t2 = tlv::find(
        card_response,
        Tag::TRACK2_EQUIVALENT_DATA,
        Limits::default(),
    )?
    .ok_or_else(|| CliError::new("malformed", "tag 57 missing"))?;
    let chip_track = Track2::from_tag57(chip_t2.value())?;
    let service = chip_track
        .service_code()
        .ok_or_else(|| CliError::new("malformed", "service code missing"))?;
    t.note(&format!(
        "tag 57: PAN {}, expiry {}, service code {} ({}; {})",
        chip_track.pan(),
        chip_track
            .expiry()
            .map(|e| format!("{:02}{:02}", e.year, e.month))
            .unwrap_or_default(),
        service.as_str(),
        service.interchange().description(),
        service.allowed_services().description(),
    ));
    let mut t2_text = [0u8; 40];
    let t2_len = track.encode(TrackEncoding::FULL, &mut t2_text)?;
    t2_text.fill(0);
    t.step(
        "   Magstripe (track 2)",
        &format!(
            "{t2_len} characters with sentinels and LRC; same PAN as the chip: {}",
            // EXPOSE: comparing the two reads of one card, in constant time.
            ct_eq(
                track.pan().expose_secret().as_bytes(),
                chip_track.pan().expose_secret().as_bytes()
            )
        ),
        json!({"same_pan": true}),
    );
    let pan: &Pan = chip_track.pan();
    t.step(
        "2. PAN",
        &format!(
            "{pan}  {} digits, {}, Luhn {}",
            pan.len(),
            pan.brand(),
            if pan.luhn_valid() { "ok" } else { "FAILED" }
        ),
        json!({"pan_masked": pan.to_string(), "brand": pan.brand().as_str(), "luhn_valid": pan.luhn_valid()}),
    );

    let transaction_key = originator.next_transaction(&state_key, &mut rng, &mut flash)?;
    let ksn = transaction_key.ksn();
    t.step(
        "3. DUKPT transaction key",
        &format!(
            "KSN {ksn}; state sealed and persisted first ({} bytes, write #{})",
            flash.blob.len(),
            flash.writes
        ),
        json!({"ksn": ksn.to_string(), "state_bytes": flash.blob.len()}),
    );
    let terminal_pin_key =
        transaction_key.working_key(WorkingKeyUsage::PinEncryption, WorkingKeyType::Aes128)?;
    let terminal_mac_key =
        transaction_key.working_key(WorkingKeyUsage::MacGenerate, WorkingKeyType::Aes128)?;
    drop(transaction_key);

    let entered = Pin::new(CARDHOLDER_PIN)?;
    let pin_block = pin::encipher_pin(
        &terminal_pin_key,
        PinBlockFormat::Iso4,
        &entered,
        Some(pan),
        &mut rng,
    )?;
    drop(entered);
    t.step(
        "4. PIN block",
        &format!(
            "ISO 9564-1 format 4, AES DUKPT PIN key (KCV {}): {}",
            kcv(&terminal_pin_key)?,
            hex_upper(pin_block.as_bytes())
        ),
        json!({"format": 4, "block": hex_upper(pin_block.as_bytes()), "pin_key_kcv": kcv(&terminal_pin_key)?}),
    );

    let amount_minor = 4_250;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let masked = MaskedPan::from_pan(pan);
    let record = TransactionRecord {
        merchant_id: "MERCHANT000001",
        terminal_id: "TERM0001",
        stan: 1,
        amount_minor,
        currency: 978,
        transaction_type: TransactionType::Sale,
        entry_mode: EntryMode::Chip,
        timestamp: now,
        masked_pan: masked.as_str(),
        pan_token: PanToken::compute(&token_key, pan)?,
        authorization_code: None,
        response_code: "00",
        signature_image_hash: None,
    };
    let mut encoded = [0u8; MAX_ENCODED_LEN];
    let (signature, encoded_len) = signing_key.sign_record(&record, &mut encoded)?;
    let encoded = encoded.get(..encoded_len).unwrap_or_default();

    // The authorization request: record, KSN and PIN block, MACed.
    let mut request = Vec::with_capacity(encoded.len() + 12 + 16);
    request.extend_from_slice(encoded);
    request.extend_from_slice(ksn.as_bytes());
    request.extend_from_slice(pin_block.as_bytes());
    let request_mac = mac::generate(&terminal_mac_key, MacAlgorithm::Cmac, &request, 8)?;
    t.step(
        "5. Request MAC",
        &format!(
            "AES-CMAC (DUKPT MAC key) over {} bytes: {}",
            request.len(),
            hex_upper(request_mac.as_bytes())
        ),
        json!({"mac": hex_upper(request_mac.as_bytes()), "message_bytes": request.len()}),
    );
    let mut der = [0u8; MAX_DER_SIGNATURE_LEN];
    let der_len = signature.encode_der(&mut der)?;
    t.step(
        "6. Transaction record",
        &format!(
            "{encoded_len} bytes (sale EUR 42.50, {masked}), ECDSA P-256 signature {} bytes DER",
            der_len
        ),
        json!({"record": hex_upper(encoded), "signature": hex_upper(&signature.to_raw())}),
    );

    // Card data for the host, sealed with the record bound as AAD.
    let mut card_data = [0u8; 40];
    let card_len = track.encode(TrackEncoding::BARE, &mut card_data)?;
    let mut envelope = vec![0u8; card_len + seal::OVERHEAD];
    let envelope_len = seal::seal(
        &host_public,
        encoded,
        card_data.get(..card_len).unwrap_or_default(),
        &mut rng,
        &mut envelope,
    )?;
    card_data.fill(0);
    envelope.truncate(envelope_len);
    t.step(
        "7. Seal card data",
        &format!("ECDH P-256 + HKDF-SHA256 + AES-256-GCM, record as AAD: {envelope_len} bytes"),
        json!({"envelope_bytes": envelope_len}),
    );

    // Offline journal: two earlier offline sales, then this one.
    let mut store = MemoryJournal::new();
    let signer = EntrySigner::Ecdsa(&signing_key);
    for stan in [101u32, 102] {
        let earlier = TransactionRecord {
            stan,
            transaction_type: TransactionType::Sale,
            entry_mode: EntryMode::Contactless,
            ..record
        };
        let mut buf = [0u8; MAX_ENCODED_LEN];
        let n = earlier.encode(&mut buf)?;
        store.append(&signer, buf.get(..n).unwrap_or_default())?;
    }
    let sequence = store.append(&signer, encoded)?;
    t.step(
        "8. Journal",
        &format!(
            "entry #{sequence} appended (hash-chained, ECDSA-signed); {} entries",
            sequence + 1
        ),
        json!({"sequence": sequence}),
    );

    // ---- Host ----
    t.heading("Host");
    let ksn_bytes = ksn.as_bytes();
    let host_pin_key = dukpt::derive(
        &bdk,
        ksn_bytes,
        WorkingKeyUsage::PinEncryption,
        WorkingKeyType::Aes128,
    )?;
    let host_mac_key = dukpt::derive(
        &bdk,
        ksn_bytes,
        WorkingKeyUsage::MacGenerate,
        WorkingKeyType::Aes128,
    )?;
    // KCVs are public but compared in constant time all the same. The host's
    // MAC key is verify-only, so paycore gives no KCV for it (a KCV is a MAC
    // of a zero block).
    let same_pin_key = ct_eq(
        kcv(&host_pin_key)?.as_bytes(),
        kcv(&terminal_pin_key)?.as_bytes(),
    );
    t.step(
        "9. Derive keys (BDK + KSN)",
        &format!(
            "PIN key KCV {} ({}), MAC verification key derived",
            kcv(&host_pin_key)?,
            if same_pin_key {
                "matches the terminal"
            } else {
                "MISMATCH"
            },
        ),
        json!({"pin_key_kcv": kcv(&host_pin_key)?, "matches_terminal": same_pin_key}),
    );
    mac::verify(
        &host_mac_key,
        MacAlgorithm::Cmac,
        &request,
        request_mac.as_bytes(),
    )?;
    let mut tampered = request.clone();
    if let Some(b) = tampered.first_mut() {
        *b ^= 1;
    }
    let tamper_rejected = mac::verify(
        &host_mac_key,
        MacAlgorithm::Cmac,
        &tampered,
        request_mac.as_bytes(),
    )
    .is_err();
    t.step(
        "10. Verify request MAC",
        &format!("ok (a one-bit change is rejected: {tamper_rejected})"),
        json!({"valid": true, "tamper_rejected": tamper_rejected}),
    );
    let verified = device_public.verify_record(encoded, &signature, SPolicy::RejectHighS)?;
    t.step(
        "11. Verify record signature",
        &format!(
            "ok: STAN {}, {} minor units of {}, {}",
            verified.stan, verified.amount_minor, verified.currency, verified.masked_pan
        ),
        json!({"valid": true, "stan": verified.stan}),
    );
    let mut opened = [0u8; 64];
    let opened_len = seal::open(&host_sealing, encoded, &envelope, &mut opened)?;
    let host_track = Track2::from_ascii(opened.get(..opened_len).unwrap_or_default())?;
    opened.fill(0);
    let token_matches =
        bool::from(PanToken::compute(&token_key, host_track.pan())?.ct_eq(&record.pan_token));
    t.step(
        "12. Open sealed card data",
        &format!(
            "track 2 recovered: PAN {}, matches the record's PAN token: {token_matches}",
            host_track.pan()
        ),
        json!({"pan_masked": host_track.pan().to_string(), "token_matches": token_matches}),
    );

    // The issuer's zone PIN key, shared with the acquirer host (TDES, format 0).
    let mut zpk_bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rng, &mut zpk_bytes);
    let acquirer_zpk = key(
        Algorithm::Tdes2,
        &zpk_bytes,
        KeyUsage::PinEncryption,
        ModeOfUse::Encrypt,
    )?;
    let issuer_zpk = key(
        Algorithm::Tdes2,
        &zpk_bytes,
        KeyUsage::PinEncryption,
        ModeOfUse::Decrypt,
    )?;
    zpk_bytes.fill(0);
    let translated = pin::translate(
        &host_pin_key,
        PinBlockFormat::Iso4,
        &pin_block,
        &acquirer_zpk,
        PinBlockFormat::Iso0,
        Some(host_track.pan()),
        &mut rng,
    )?;
    // The issuer verifies the PIN against its record (here: the PIN typed).
    let issuer_pin = pin::decipher_pin(
        &issuer_zpk,
        PinBlockFormat::Iso0,
        &translated,
        Some(host_track.pan()),
    )?;
    let expected = Pin::new(CARDHOLDER_PIN)?;
    let pin_ok = bool::from(subtle::ConstantTimeEq::ct_eq(&issuer_pin, &expected));
    t.step(
        "13. Translate PIN block",
        &format!(
            "format 4 (DUKPT AES) -> format 0 under the issuer ZPK (TDES, KCV {}): {}; issuer PIN check: {}",
            kcv(&acquirer_zpk)?,
            hex_upper(translated.as_bytes()),
            if pin_ok { "ok" } else { "FAILED" }
        ),
        json!({"block": hex_upper(translated.as_bytes()), "issuer_pin_ok": pin_ok}),
    );

    let verifier = EntryVerifier::Ecdsa(&device_public);
    let start = ChainStart {
        first_sequence: 0,
        previous_hash: [0u8; HASH_LEN],
    };
    let problems = journal::verify_chain_to_vec(&store.entries(), &verifier, start, Some(sequence));
    t.step(
        "14. Verify journal",
        &format!("{} entries, {} problems", sequence + 1, problems.len()),
        json!({"entries": sequence + 1, "problems": problems.len()}),
    );
    // What the host sees if someone edits one entry and deletes another.
    let mut entries: Vec<Vec<u8>> = store.entries().iter().map(|e| e.to_vec()).collect();
    if let Some(byte) = entries.get_mut(2).and_then(|e| e.last_mut()) {
        *byte ^= 0x01;
    }
    entries.remove(1);
    let views: Vec<&[u8]> = entries.iter().map(Vec::as_slice).collect();
    let tampered_problems = journal::verify_chain_to_vec(&views, &verifier, start, Some(sequence));
    let described: Vec<String> = tampered_problems.iter().map(|p| format!("{p:?}")).collect();
    t.note(&format!(
        "after deleting entry #1 and editing #2: {}",
        described.join(", ")
    ));

    let chip_ok = chip::authorise(&mut t, pan, amount_minor)?;

    let elapsed = started.elapsed();
    let all_ok = same_pin_key
        && tamper_rejected
        && token_matches
        && pin_ok
        && problems.is_empty()
        && chip_ok;
    let _ = writeln!(
        t.text,
        "\nSale {} in {:.1} ms.",
        if all_ok { "completed" } else { "FAILED" },
        elapsed.as_secs_f64() * 1000.0
    );
    if !all_ok {
        return Err(CliError::new(
            "verification_failed",
            "the demo sale did not verify end to end",
        ));
    }
    let mut map = Map::new();
    map.insert("ok".into(), json!(all_ok));
    map.insert("steps".into(), Value::Array(t.steps));
    map.insert("tamper_report".into(), json!(described));
    map.insert("elapsed_ms".into(), json!(elapsed.as_secs_f64() * 1000.0));
    Ok(Output::with_human(map, t.text))
}

/// A random 16-byte SM4 key with `usage` and `mode`.
fn random_sm4(rng: &mut OsRng, usage: KeyUsage, mode: ModeOfUse) -> Result<Key, Error> {
    let mut material = [0u8; 16];
    rand::RngCore::fill_bytes(rng, &mut material);
    let k = key(Algorithm::Sm4, &material, usage, mode);
    material.fill(0);
    k
}

/// CUP check value (4 bytes) as hex.
fn cup_kcv(key: &Key) -> Result<String, Error> {
    Ok(Kcv::compute(key, KcvMethod::Cup, 4)?.to_string())
}

/// `paycore demo --cup-sm`: a China UnionPay 国密 sale. The acquirer host
/// signs the terminal on (0810, 60.3 = 006: SM4 PIK, MAK and TDK under the
/// SM4 TMK in field 62); the terminal installs the keys all-or-nothing,
/// builds a 0200 with an SM4 PIN block (PAN fill 1), SM4 track encryption,
/// field 53 and a POS ECB MAC over the MAB, and signs a transaction record
/// with SM2; the host verifies all of it.
pub(crate) fn run_cup_sm() -> Result<Output, CliError> {
    use paycore::cup::{self, CupRole, Field62, Field62Key, MacOutput, PanFill, SignOnLayout};
    use paycore::sm::{self, DEFAULT_SM2_ID, Sm2SigningKey};

    let started = Instant::now();
    let mut rng = OsRng;
    let mut t = Transcript {
        text: String::from(
            "paycore demo --cup-sm: a China UnionPay 国密 sale (SM4 keys, SM2 record)\n",
        ),
        steps: Vec::new(),
    };

    // ---- Key injection: the same SM4 TMK in the terminal and the host ----
    t.heading("Key injection");
    let mut tmk_bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rng, &mut tmk_bytes);
    let terminal_tmk = key(
        Algorithm::Sm4,
        &tmk_bytes,
        KeyUsage::KeyEncryption,
        ModeOfUse::Decrypt,
    )?;
    let host_tmk = key(
        Algorithm::Sm4,
        &tmk_bytes,
        KeyUsage::KeyEncryption,
        ModeOfUse::EncryptDecrypt,
    )?;
    tmk_bytes.fill(0);
    t.step(
        "SM4 TMK -> terminal",
        &format!("KCV {}", cup_kcv(&terminal_tmk)?),
        json!({"kcv": cup_kcv(&terminal_tmk)?}),
    );
    let device_sm2 = Sm2SigningKey::generate(&mut rng);
    let device_public = device_sm2.public_key();
    t.step(
        "Terminal SM2 key",
        &format!("public {}", short(&hex_upper(&device_public))),
        json!({"public_key": hex_upper(&device_public)}),
    );

    // ---- Sign-on: 0800 / 0810 with 60.3 = 006 ----
    t.heading("Sign-on (0800 -> 0810, 60.3 = 006)");
    let pik = random_sm4(&mut rng, KeyUsage::PinEncryption, ModeOfUse::EncryptDecrypt)?;
    let mak = random_sm4(
        &mut rng,
        KeyUsage::MacIso9797Alg1,
        ModeOfUse::GenerateVerify,
    )?;
    let tdk = random_sm4(
        &mut rng,
        KeyUsage::DataEncryption,
        ModeOfUse::EncryptDecrypt,
    )?;
    let mut cryptograms = [[0u8; 16]; 3];
    let mut check_values = [[0u8; 4]; 3];
    for ((k, ct), cv) in [&pik, &mak, &tdk]
        .into_iter()
        .zip(cryptograms.iter_mut())
        .zip(check_values.iter_mut())
    {
        cup::wrap_working_key(&host_tmk, k, ct)?;
        cv.copy_from_slice(Kcv::compute(k, KcvMethod::Cup, 4)?.as_bytes());
    }
    let [pik_ct, mak_ct, tdk_ct] = &cryptograms;
    let [pik_cv, mak_cv, tdk_cv] = &check_values;
    let field62 = Field62 {
        layout: SignOnLayout::Sm4006,
        pik: Field62Key {
            cryptogram: pik_ct,
            check_value: pik_cv,
        },
        mak: Field62Key {
            cryptogram: mak_ct,
            check_value: mak_cv,
        },
        tdk: Some(Field62Key {
            cryptogram: tdk_ct,
            check_value: tdk_cv,
        }),
    };
    let mut f62 = [0u8; 72];
    let f62_len = field62.encode(&mut f62)?;
    let f62 = f62.get(..f62_len).unwrap_or_default();
    t.step(
        "Host: build field 62",
        &format!("{f62_len} bytes, {}", short(&hex_upper(f62))),
        json!({"field62": hex_upper(f62)}),
    );
    let parsed = Field62::parse(SignOnLayout::Sm4006, 4, f62)?;
    let keys = cup::install(&terminal_tmk, &parsed, CupRole::Terminal)?;
    let Some(terminal_tdk) = keys.tdk.as_ref() else {
        return Err(CliError::new("internal", "layout 006 has a TDK"));
    };
    t.step(
        "Terminal: install keys",
        &format!(
            "PIK {} MAK {} TDK {} (all check values verified)",
            cup_kcv(&keys.pik)?,
            cup_kcv(&keys.mak)?,
            cup_kcv(terminal_tdk)?
        ),
        json!({"pik_kcv": cup_kcv(&keys.pik)?, "mak_kcv": cup_kcv(&keys.mak)?, "tdk_kcv": cup_kcv(terminal_tdk)?}),
    );
    let mut tampered = f62.to_vec();
    if let Some(b) = tampered.get_mut(17) {
        *b ^= 0x01;
    }
    let tamper_refused = Field62::parse(SignOnLayout::Sm4006, 4, &tampered)
        .and_then(|f| cup::install(&terminal_tmk, &f, CupRole::Terminal))
        .is_err();
    t.note(&format!(
        "a field 62 with one check value bit flipped installs {}",
        if tamper_refused {
            "nothing"
        } else {
            "KEYS (BUG)"
        }
    ));

    // ---- Terminal: the sale ----
    t.heading("Terminal (0200 sale)");
    let pan = Pan::parse("6225885916163157")?;
    let track2 = "6225885916163157=49121010000012300000";
    let pin = Pin::new(CARDHOLDER_PIN)?;
    let pin_block = cup::encipher_sm4_pin(
        &keys.pik,
        &pin,
        Some(&pan),
        PanFill::Fill1,
        cup::Sm4PinPadding::F,
        &mut rng,
    )?;
    drop(pin);
    t.step(
        "1. SM4 PIN block",
        &format!("PAN fill 1, {}", hex_upper(&pin_block)),
        json!({"pin_block": hex_upper(&pin_block)}),
    );
    let mut track_enc = [0u8; 52];
    let track_len = cup::encrypt_track(terminal_tdk, track2.as_bytes(), &mut track_enc)?;
    let track_enc = track_enc.get(..track_len).unwrap_or_default();
    t.step(
        "2. Track 2 (TDK, SM4)",
        &format!("{} digits, {}", track2.len(), short(&hex_upper(track_enc))),
        json!({"track2_encrypted": hex_upper(track_enc)}),
    );
    let f53 = cup::field53(true, cup::FIELD53_SM_PAX, true)?;
    // The MAB: MTI, then the fields as the 8583 packer lays them out
    // (simplified: processing code, amount, STAN, entry mode, track 2,
    // terminal and merchant IDs, currency, field 53, the SM016 PIN element).
    let mut mab = Vec::new();
    mab.extend_from_slice(&[0x02, 0x00]);
    mab.extend_from_slice(&[0x00, 0x00, 0x00]); // 3: processing code 000000
    mab.extend_from_slice(&[0x00, 0x00, 0x00, 0x00, 0x12, 0x34]); // 4: 12.34
    mab.extend_from_slice(&[0x00, 0x00, 0x42]); // 11: STAN
    mab.extend_from_slice(&[0x02, 0x10]); // 22: swiped, PIN capable
    let digits = u8::try_from(track2.len()).unwrap_or(0);
    mab.push(((digits / 10) << 4) | (digits % 10)); // LL in BCD
    mab.extend_from_slice(track_enc); // 35
    mab.extend_from_slice(b"12345678"); // 41
    mab.extend_from_slice(b"123456789012345"); // 42
    mab.extend_from_slice(b"156"); // 49
    mab.extend_from_slice(&f53); // 53
    mab.extend_from_slice(&cup::sm016(&pin_block)); // 62: SM016 + PIN block
    let field64 = cup::pos_ecb_mac(&keys.mak, &mab, MacOutput::Ascii)?;
    t.step(
        "3. POS ECB MAC (SM4)",
        &format!(
            "MAB {} bytes, field 53 {}, field 64 \"{}\"",
            mab.len(),
            String::from_utf8_lossy(&f53),
            String::from_utf8_lossy(field64.as_bytes())
        ),
        json!({"mab_len": mab.len(), "field53": String::from_utf8_lossy(&f53), "mac": hex_upper(field64.as_bytes())}),
    );
    let mut record = mab.clone();
    record.extend_from_slice(field64.as_bytes());
    let signature = device_sm2.sign(DEFAULT_SM2_ID, &record, &mut rng)?;
    t.step(
        "4. SM2-signed record",
        &format!(
            "ID 1234567812345678, r||s {}",
            short(&hex_upper(&signature))
        ),
        json!({"signature": hex_upper(&signature)}),
    );

    // ---- Host ----
    t.heading("Host");
    let host_keys = cup::install(&host_tmk, &parsed, CupRole::Host)?;
    let Some(host_tdk) = host_keys.tdk.as_ref() else {
        return Err(CliError::new("internal", "layout 006 has a TDK"));
    };
    let mac_ok =
        cup::pos_ecb_mac_verify(&host_keys.mak, &mab, MacOutput::Ascii, field64.as_bytes()).is_ok();
    let mut edited = mab.clone();
    if let Some(b) = edited.get_mut(8) {
        *b ^= 0x01; // the amount
    }
    let mac_tamper_refused = cup::pos_ecb_mac_verify(
        &host_keys.mak,
        &edited,
        MacOutput::Ascii,
        field64.as_bytes(),
    )
    .is_err();
    t.step(
        "5. Verify MAC",
        if mac_ok { "valid" } else { "INVALID" },
        json!({"valid": mac_ok, "edited_amount_refused": mac_tamper_refused}),
    );
    let received_block = cup::parse_sm016(&cup::sm016(&pin_block))?;
    let host_pin = cup::decipher_sm4_pin(
        &host_keys.pik,
        &received_block,
        Some(&pan),
        PanFill::Fill1,
        cup::Sm4PinPadding::F,
    )?;
    // EXPOSE: the host compares the PIN with the cardholder's, in constant time.
    let pin_ok = ct_eq(
        host_pin.expose_secret().as_bytes(),
        CARDHOLDER_PIN.as_bytes(),
    );
    t.step(
        "6. Decipher PIN block",
        if pin_ok {
            "PIN verified"
        } else {
            "PIN MISMATCH"
        },
        json!({"pin_verified": pin_ok}),
    );
    let mut track_clear = [0u8; 104];
    let n = cup::decrypt_track(host_tdk, track_enc, track2.len(), &mut track_clear)?;
    let track_ok = ct_eq(track_clear.get(..n).unwrap_or_default(), track2.as_bytes());
    track_clear.fill(0);
    t.step(
        "7. Decrypt track 2",
        if track_ok {
            "matches the card"
        } else {
            "MISMATCH"
        },
        json!({"matches": track_ok}),
    );
    let sig_ok = sm::sm2_verify(&device_public, DEFAULT_SM2_ID, &record, &signature).is_ok();
    let wrong_id_refused =
        sm::sm2_verify(&device_public, b"ALICE123@YAHOO.COM", &record, &signature).is_err();
    t.step(
        "8. Verify SM2 signature",
        &format!(
            "{}; under another ID: {}",
            if sig_ok { "valid" } else { "INVALID" },
            if wrong_id_refused {
                "refused"
            } else {
                "ACCEPTED (BUG)"
            }
        ),
        json!({"valid": sig_ok, "wrong_id_refused": wrong_id_refused}),
    );

    let elapsed = started.elapsed();
    let all_ok = tamper_refused
        && mac_ok
        && mac_tamper_refused
        && pin_ok
        && track_ok
        && sig_ok
        && wrong_id_refused;
    let _ = writeln!(
        t.text,
        "\nCUP 国密 sale {} in {:.1} ms.",
        if all_ok { "completed" } else { "FAILED" },
        elapsed.as_secs_f64() * 1000.0
    );
    if !all_ok {
        return Err(CliError::new(
            "verification_failed",
            "the CUP demo sale did not verify end to end",
        ));
    }
    let mut map = Map::new();
    map.insert("ok".into(), json!(all_ok));
    map.insert("steps".into(), Value::Array(t.steps));
    map.insert("elapsed_ms".into(), json!(elapsed.as_secs_f64() * 1000.0));
    Ok(Output::with_human(map, t.text))
}
