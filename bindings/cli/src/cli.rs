//! Command-line definitions (clap derive), exactly the ARCHITECTURE.md contract.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// paycore: payment cryptography calculator (EMV, PIN blocks, keys, DUKPT,
/// TR-31, MACs, signatures) and an end-to-end demo.
///
/// Any key, PIN, PAN, PIN block, fill, track or other hex argument may be
/// given as `-` to read it from one line of standard input (keeps secrets
/// out of `ps` and shell history). Several `-` read successive lines, in the
/// order the command's arguments are listed.
#[derive(Debug, Parser)]
#[command(name = "paycore", version, about, propagate_version = true)]
pub(crate) struct Cli {
    /// Print exactly one JSON object on stdout.
    #[arg(long, global = true)]
    pub(crate) json: bool,

    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Primary account numbers.
    #[command(subcommand)]
    Pan(PanCommand),
    /// ISO/IEC 7813 track 2 (or EMV tag 57).
    #[command(subcommand)]
    Track2(Track2Command),
    /// ISO/IEC 7813 track 1 (format B).
    #[command(subcommand)]
    Track1(Track1Command),
    /// EMV BER-TLV.
    #[command(subcommand)]
    Tlv(TlvCommand),
    /// EMVCo merchant-presented QR.
    #[command(subcommand)]
    Qr(QrCommand),
    /// ISO 9564-1 PIN blocks.
    #[command(subcommand)]
    Pinblock(PinblockCommand),
    /// Key check value.
    Kcv(KcvArgs),
    /// DUKPT (TDES X9.24-1 or AES X9.24-3, chosen by KSN length).
    #[command(subcommand)]
    Dukpt(DukptCommand),
    /// TR-31 / ANSI X9.143 key blocks.
    #[command(subcommand)]
    Tr31(Tr31Command),
    /// MAC generation.
    Mac(MacArgs),
    /// ECDSA P-256 device keys and transaction record signatures.
    #[command(subcommand)]
    Sign(SignCommand),
    /// EMV application cryptograms: ICC keys, session keys, ARQC, ARPC.
    #[command(subcommand)]
    Emv(EmvCommand),
    /// A complete simulated sale, terminal and host side.
    Demo(DemoArgs),
    /// SM3 hash (GB/T 32905).
    Sm3 {
        /// Data (hex).
        #[arg(long)]
        data: String,
    },
    /// SM2 signatures with a distinguishing ID (GB/T 32918.2).
    #[command(subcommand)]
    Sm2(Sm2Command),
    /// China UnionPay master/session keys.
    #[command(subcommand)]
    Cup(CupCommand),
}

#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// The China UnionPay 国密 flow instead: SM4 sign-on (field 62), SM4 PIN
    /// block, POS ECB MAC, SM2-signed record, verified by the host.
    #[arg(long)]
    pub(crate) cup_sm: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Sm2Command {
    /// Generate an SM2 key pair.
    Keygen,
    /// Sign data: r||s (64 bytes).
    Sign {
        /// Private key (32-byte scalar, hex).
        #[arg(long)]
        private_key: String,
        /// Data (hex).
        #[arg(long)]
        data: String,
        /// Distinguishing ID (ASCII; default 1234567812345678).
        #[arg(long)]
        id: Option<String>,
    },
    /// Verify a signature (r||s or DER).
    Verify {
        /// Public key (SEC1, hex).
        #[arg(long)]
        public_key: String,
        /// Data (hex).
        #[arg(long)]
        data: String,
        /// Signature (hex).
        #[arg(long)]
        signature: String,
        /// Distinguishing ID (ASCII; default 1234567812345678).
        #[arg(long)]
        id: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CupAlgorithm {
    Des,
    Tdes,
    Sm4,
}

#[derive(Debug, Subcommand)]
pub(crate) enum CupCommand {
    /// Decipher a working key under the TMK (ECB); refused unless the check value matches.
    Unwrap {
        /// Terminal master key (hex; TDES for des/tdes, SM4 for sm4).
        #[arg(long)]
        tmk: String,
        /// The enciphered working key (hex).
        #[arg(long)]
        key: String,
        /// Its check value (hex, 4 bytes; 8 accepted for SM4).
        #[arg(long)]
        check_value: String,
        /// Working key algorithm.
        #[arg(long, value_enum)]
        algorithm: CupAlgorithm,
    },
    /// Host side: encipher a working key under the TMK (ECB) with its check value.
    Wrap {
        /// Terminal master key (hex; TDES for des/tdes, SM4 for sm4).
        #[arg(long)]
        tmk: String,
        /// The clear working key (hex).
        #[arg(long)]
        key: String,
        /// Working key algorithm.
        #[arg(long, value_enum)]
        algorithm: CupAlgorithm,
        /// Check value length (4, or 8 for SM4).
        #[arg(long, default_value_t = 4)]
        kcv_length: usize,
    },
    /// Install sign-on field 62 under the TMK: all keys or none; prints their check values.
    Install {
        /// Terminal master key (hex; TDES for layouts 1/3/4, SM4 for 5/6).
        #[arg(long)]
        tmk: String,
        /// Field 62 (hex).
        #[arg(long)]
        field62: String,
        /// Layout: the sign-on's field 60.3 code (1, 3, 4, 5 or 6).
        #[arg(long)]
        layout: u16,
        /// Check value length (4, or 8 for SM4 layouts).
        #[arg(long, default_value_t = 4)]
        kcv_length: usize,
    },
    /// TDK track-data encryption (CUP block-selection rule).
    #[command(subcommand)]
    Track(CupTrackCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum CupTrackCommand {
    /// Pack and encrypt track data (digits, `=` or `D`).
    Encrypt {
        /// Track data key (hex; TDES or, with --algorithm sm4, SM4).
        #[arg(long)]
        key: String,
        /// TDK algorithm.
        #[arg(long, value_enum, default_value = "tdes")]
        algorithm: CupAlgorithm,
        /// The track (e.g. 6225885916163157=49121010000012300000).
        #[arg(long)]
        track: String,
    },
    /// Decrypt packed track data.
    Decrypt {
        /// Track data key (hex).
        #[arg(long)]
        key: String,
        /// TDK algorithm.
        #[arg(long, value_enum, default_value = "tdes")]
        algorithm: CupAlgorithm,
        /// The packed, encrypted track (hex).
        #[arg(long)]
        data: String,
        /// Number of track digits (the field 35/36 length).
        #[arg(long)]
        digits: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PanFillArg {
    #[value(name = "1")]
    Fill1,
    #[value(name = "2")]
    Fill2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum MacOutputArg {
    Ascii,
    Bytes,
}

#[derive(Debug, Subcommand)]
pub(crate) enum PanCommand {
    /// Luhn check, brand and masked form of a PAN.
    Inspect {
        /// The PAN (digits only), or `-` to read it from standard input.
        pan: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum Track2Command {
    /// Parse track 2 data (`;PAN=YYMMSSS...?`, sentinels optional). The
    /// PAN is masked (first 6 / last 4) unless `--reveal`.
    Parse {
        /// Track 2 text.
        #[arg(required_unless_present = "tag57", conflicts_with = "tag57")]
        track2: Option<String>,
        /// EMV tag 57 value (hex) instead of track text.
        #[arg(long)]
        tag57: Option<String>,
        /// Print the PAN in clear (e.g. to decode a test track).
        #[arg(long)]
        reveal: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum Track1Command {
    /// Parse track 1 data (`%BPAN^NAME^YYMMSSS...?`, sentinels optional).
    /// The PAN is masked (first 6 / last 4) unless `--reveal`.
    Parse {
        /// Track 1 text.
        track1: String,
        /// Print the PAN in clear (e.g. to decode a test track).
        #[arg(long)]
        reveal: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum TlvCommand {
    /// Decode BER-TLV (hex) into a tree with EMV tag names. Sensitive
    /// values (PAN, track 2 equivalent, cardholder name...) are masked.
    Decode {
        /// The TLV data in hex.
        hex: String,
        /// Print sensitive values in clear.
        #[arg(long)]
        reveal: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum QrCommand {
    /// Decode an EMVCo merchant-presented QR payload: the object tree,
    /// `crc_valid`, and the strict verdict (`valid`, and `strict_error`
    /// naming the first QRCPS-MPM rule broken).
    Decode {
        /// The QR payload text.
        payload: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PinFormat {
    #[value(name = "0")]
    F0,
    #[value(name = "1")]
    F1,
    #[value(name = "2")]
    F2,
    #[value(name = "3")]
    F3,
    #[value(name = "4")]
    F4,
    /// The 16-byte SM4 PIN block (China UnionPay 国密).
    Sm4,
}

#[derive(Debug, Subcommand)]
pub(crate) enum PinblockCommand {
    /// Build a clear PIN block.
    Encode {
        /// ISO 9564-1 format.
        #[arg(long, value_enum)]
        format: PinFormat,
        /// The PIN (4-12 digits).
        #[arg(long)]
        pin: String,
        /// The PAN (formats 0, 3, 4): 1-19 digits (ISO 9564-1; shorter than 12 is zero-padded).
        #[arg(long)]
        pan: Option<String>,
        /// Fill/random bytes in hex, only to reproduce published vectors.
        #[arg(long)]
        fill: Option<String>,
    },
    /// Decode a clear PIN block.
    Decode {
        /// ISO 9564-1 format.
        #[arg(long, value_enum)]
        format: PinFormat,
        /// The clear PIN block (hex).
        #[arg(long)]
        block: String,
        /// The PAN (formats 0, 3, 4): 1-19 digits (ISO 9564-1; shorter than 12 is zero-padded).
        #[arg(long)]
        pan: Option<String>,
    },
    /// Build and encipher a PIN block under a PIN encryption key.
    Encipher {
        /// ISO 9564-1 format.
        #[arg(long, value_enum)]
        format: PinFormat,
        /// PIN encryption key (hex; TDES for 0/1/3, AES for 4).
        #[arg(long)]
        key: String,
        /// The PIN (4-12 digits).
        #[arg(long)]
        pin: String,
        /// The PAN (formats 0, 3, 4): 1-19 digits (ISO 9564-1; shorter than 12 is zero-padded).
        #[arg(long)]
        pan: Option<String>,
        /// Fill/random bytes in hex, only to reproduce published vectors.
        #[arg(long)]
        fill: Option<String>,
        /// SM4 PAN fill method (default 1).
        #[arg(long, value_enum)]
        pan_fill: Option<PanFillArg>,
    },
    /// Decipher and decode a PIN block.
    Decipher {
        /// ISO 9564-1 format.
        #[arg(long, value_enum)]
        format: PinFormat,
        /// PIN encryption key (hex).
        #[arg(long)]
        key: String,
        /// The enciphered PIN block (hex).
        #[arg(long)]
        block: String,
        /// The PAN (formats 0, 3, 4): 1-19 digits (ISO 9564-1; shorter than 12 is zero-padded).
        #[arg(long)]
        pan: Option<String>,
        /// SM4 PAN fill method (default 1).
        #[arg(long, value_enum)]
        pan_fill: Option<PanFillArg>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum KcvAlgorithm {
    Tdes,
    Aes,
    /// Single DES (China UnionPay legacy MAKs).
    Des,
    /// SM4.
    Sm4,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum KcvMethodArg {
    Legacy,
    Cmac,
}

#[derive(Debug, Args)]
pub(crate) struct KcvArgs {
    /// The key (hex).
    #[arg(long)]
    pub(crate) key: String,
    /// Key algorithm (default: tdes for 16/24-byte keys... aes for 32).
    #[arg(long, value_enum)]
    pub(crate) algorithm: Option<KcvAlgorithm>,
    /// KCV method (default: legacy for TDES, cmac for AES).
    #[arg(long, value_enum)]
    pub(crate) method: Option<KcvMethodArg>,
    /// China UnionPay check value length (4, or 8 for SM4): E_K(0) leftmost bytes.
    #[arg(long)]
    pub(crate) length: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum DukptCommand {
    /// Derive a working key from BDK and KSN (host side).
    Derive {
        /// Base derivation key (hex).
        #[arg(long)]
        bdk: String,
        /// Key serial number (hex): 10 bytes TDES, 12 bytes AES.
        #[arg(long)]
        ksn: String,
        /// Working key usage: pin, mac-gen, mac-verify, mac-both, data-enc, data-dec, data-both.
        #[arg(long, default_value = "pin")]
        usage: String,
        /// Working key type (AES DUKPT): tdes2, tdes3, aes128, aes192, aes256.
        #[arg(long)]
        key_type: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum Tr31Command {
    /// Verify and decrypt a key block.
    Unwrap {
        /// Key block protection key (hex).
        #[arg(long)]
        kbpk: String,
        /// The key block.
        #[arg(long)]
        block: String,
        /// Also accept the legacy versions A and C (4-byte CBC-MAC; refused by default).
        #[arg(long)]
        allow_legacy: bool,
    },
    /// Wrap a key into a key block (version B, D or E; a DER private key for S0-S2 headers).
    Wrap {
        /// Key block protection key (hex).
        #[arg(long)]
        kbpk: String,
        /// The key to wrap (hex).
        #[arg(long)]
        key: String,
        /// The 16-character header (length digits are recomputed), plus optional blocks.
        #[arg(long)]
        header: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum MacAlgorithm {
    Retail,
    Cmac,
    #[value(name = "hmac-sha256")]
    HmacSha256,
    #[value(name = "iso9797-1-alg1")]
    Iso9797Alg1,
    /// China UnionPay "POS ECB" MAC (field 64).
    #[value(name = "cup-ecb")]
    CupEcb,
    /// X9.9 / SM4 CBC-MAC: zero IV, zero padding, full block.
    Cbc,
    /// "9606": XOR all blocks, encrypt once.
    #[value(name = "xor-encrypt")]
    XorEncrypt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum MacPadding {
    #[value(name = "1")]
    Method1,
    #[value(name = "2")]
    Method2,
}

#[derive(Debug, Args)]
pub(crate) struct MacArgs {
    /// MAC algorithm.
    #[arg(long, value_enum)]
    pub(crate) algorithm: MacAlgorithm,
    /// MAC key (hex).
    #[arg(long)]
    pub(crate) key: String,
    /// Data to MAC (hex).
    #[arg(long)]
    pub(crate) data: String,
    /// ISO 9797-1 padding method (retail, iso9797-1-alg1).
    #[arg(long, value_enum, default_value = "1")]
    pub(crate) padding: MacPadding,
    /// Block cipher for cmac (default aes) and iso9797-1-alg1 (default tdes);
    /// des, tdes or sm4 for cup-ecb, cbc and xor-encrypt.
    #[arg(long, value_enum)]
    pub(crate) cipher: Option<KcvAlgorithm>,
    /// cup-ecb field 64 encoding: ascii (default) or bytes.
    #[arg(long, value_enum)]
    pub(crate) output: Option<MacOutputArg>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum SignCommand {
    /// Generate a device P-256 key pair.
    Keygen,
    /// Sign a transaction record (record domain), or other data (generic
    /// domain, or plain ECDSA with --raw).
    Sign {
        /// Private key (32-byte scalar, hex).
        #[arg(long)]
        key: String,
        /// Canonical record encoding, version 2 (hex): signed in the record
        /// domain, SHA-256("paycore/record/v2\0" || record).
        #[arg(long, required_unless_present = "data", conflicts_with = "data")]
        record: Option<String>,
        /// Any other message (hex): signed in the generic domain,
        /// SHA-256("paycore/generic/v1\0" || data); never a record signature.
        #[arg(long)]
        data: Option<String>,
        /// With --data: plain ECDSA-SHA256 over the data itself (no domain
        /// label), for verifiers outside paycore. Data starting with
        /// "paycore/" is refused.
        #[arg(long)]
        raw: bool,
    },
    /// Verify a record signature (or a --data / --data --raw signature).
    Verify {
        /// Public key (SEC1, hex).
        #[arg(long)]
        public_key: String,
        /// Canonical record encoding, version 2 (hex).
        #[arg(long, required_unless_present = "data", conflicts_with = "data")]
        record: Option<String>,
        /// Other message (hex), generic domain.
        #[arg(long)]
        data: Option<String>,
        /// With --data: plain ECDSA-SHA256, no domain label.
        #[arg(long)]
        raw: bool,
        /// Signature: raw r||s (64 bytes) or DER (hex).
        #[arg(long)]
        signature: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum EmvOption {
    A,
    B,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ArpcMethodArg {
    #[value(name = "1")]
    Method1,
    #[value(name = "2")]
    Method2,
}

#[derive(Debug, Subcommand)]
pub(crate) enum EmvCommand {
    /// ICC master key from the issuer master key (EMV Book 2 A1.4).
    IccMk {
        /// Issuer master key, double-length TDES (hex).
        #[arg(long)]
        imk: String,
        /// Application PAN (12-19 digits).
        #[arg(long)]
        pan: String,
        /// PAN sequence number, two digits (absent: 00).
        #[arg(long)]
        psn: Option<String>,
        /// Derivation option (b: SHA-1 for PANs over 16 digits).
        #[arg(long, value_enum, default_value = "a")]
        option: EmvOption,
    },
    /// EMV common session key (EMV Book 2 A1.3.1).
    SessionKey {
        /// ICC master key, double-length TDES (hex).
        #[arg(long)]
        mk: String,
        /// Diversification value R, 8 bytes (hex): ATC||000000000000, ATC||0000||UN, or the ARQC.
        #[arg(long)]
        r: String,
    },
    /// Application cryptogram (ARQC/TC/AAC) over the transaction data.
    Arqc {
        /// Session key, double-length TDES (hex).
        #[arg(long)]
        key: String,
        /// Data the card MACs (hex).
        #[arg(long)]
        data: String,
        /// ISO 9797-1 padding method.
        #[arg(long, value_enum, default_value = "2")]
        padding: MacPadding,
    },
    /// Verify an application cryptogram (a wrong one is valid:false).
    VerifyArqc {
        /// Session key, double-length TDES (hex).
        #[arg(long)]
        key: String,
        /// Data the card MACed (hex).
        #[arg(long)]
        data: String,
        /// The cryptogram, 8 bytes (hex).
        #[arg(long)]
        arqc: String,
        /// ISO 9797-1 padding method.
        #[arg(long, value_enum, default_value = "2")]
        padding: MacPadding,
    },
    /// Authorisation response cryptogram (EMV Book 2 8.2).
    Arpc {
        /// ARPC method.
        #[arg(long, value_enum)]
        method: ArpcMethodArg,
        /// Session key or ICC master key, double-length TDES (hex).
        #[arg(long)]
        key: String,
        /// The ARQC, 8 bytes (hex).
        #[arg(long)]
        arqc: String,
        /// Authorisation response code, 2 bytes (hex; method 1).
        #[arg(long)]
        arc: Option<String>,
        /// Card status update, 4 bytes (hex; method 2).
        #[arg(long)]
        csu: Option<String>,
        /// Proprietary authentication data, 0-8 bytes (hex; method 2).
        #[arg(long)]
        pad: Option<String>,
    },
}
