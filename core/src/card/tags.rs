//! The EMV tag dictionary: name, source, format and sensitivity of the data
//! objects a terminal meets (EMV 4.4 Book 3 Annex A, Table 33; contactless
//! tags from EMV Contactless Book C-3 and Book A; the `FF81xx` kernel
//! templates from EMV Contactless Book C-2, Annex A).
//!
//! [`lookup`] finds a tag's [`TagInfo`] in a static table (no allocation).
//! Each tag also has a named constant on [`Tag`] (`Tag::PAN`,
//! `Tag::TRACK2_EQUIVALENT_DATA`, …). Proprietary tags (`DF..`, most `9F5x`
//! to `9F7x`) differ between payment systems and are left unknown, except
//! for a few contactless tags whose EMVCo meaning is fixed.
//!
//! [`TagInfo::sensitive`] marks cardholder data (PCI DSS v4.0: PAN, track
//! data, cardholder name, expiration date, service code) and PIN data, so a
//! display layer can mask them.
//!
//! # Example
//! ```
//! use paycore::card::tags::{self, Format, Source};
//! use paycore::card::tlv::Tag;
//!
//! let info = tags::lookup(Tag::new(0x5A)).unwrap();
//! assert_eq!(info.name(), "Application Primary Account Number (PAN)");
//! assert_eq!(info.format(), Format::Cn);
//! assert_eq!(info.source(), Source::Icc);
//! assert!(info.sensitive());
//! assert_eq!(
//!     format!("{:?}", Tag::AMOUNT_AUTHORISED),
//!     "Tag(9F02 \"Amount, Authorised (Numeric)\")"
//! );
//! assert!(tags::lookup(Tag::new(0xDF01)).is_none());
//! ```

use core::fmt;

use crate::card::tlv::Tag;

/// Where a data object comes from (EMV Book 3 Annex A, column "Source").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Source {
    /// The card (ICC).
    Icc,
    /// The issuer (through the authorisation response).
    Issuer,
    /// The terminal.
    Terminal,
}

/// Data element format (EMV Book 1 §4.3; Book 3 Annex A, column "Format").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// `a`: alphabetic, one character per byte.
    A,
    /// `an`: alphanumeric, one character per byte.
    An,
    /// `ans`: alphanumeric and special characters (ISO/IEC 8859), one per byte.
    Ans,
    /// `b`: binary (including bit-combination data).
    B,
    /// `cn`: compressed numeric, BCD left-justified, padded with trailing `F`.
    Cn,
    /// `n`: numeric, BCD right-justified, padded with leading zeros.
    N,
    /// `var.`: a template or a variable structure (e.g. the AFL).
    Var,
}

impl Format {
    /// The short name used in EMV tables (`"an"`, `"cn"`, …).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::A => "a",
            Self::An => "an",
            Self::Ans => "ans",
            Self::B => "b",
            Self::Cn => "cn",
            Self::N => "n",
            Self::Var => "var",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One dictionary entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TagInfo {
    tag: Tag,
    name: &'static str,
    source: Source,
    format: Format,
    sensitive: bool,
}

impl TagInfo {
    /// The tag.
    #[must_use]
    pub const fn tag(&self) -> Tag {
        self.tag
    }

    /// The EMV name ("Application Primary Account Number (PAN)").
    #[must_use]
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// Where the data object comes from.
    #[must_use]
    pub const fn source(&self) -> Source {
        self.source
    }

    /// The value format; drives the DOL padding rules (EMV Book 3 §5.4).
    #[must_use]
    pub const fn format(&self) -> Format {
        self.format
    }

    /// True for cardholder data and PIN data that a display must mask:
    /// PAN, track 1/2 (and equivalent) data and their discretionary data,
    /// cardholder name, expiration date, service code, IBAN, PIN data.
    #[must_use]
    pub const fn sensitive(&self) -> bool {
        self.sensitive
    }
}

const fn entry(
    tag: Tag,
    name: &'static str,
    source: Source,
    format: Format,
    sensitive: bool,
) -> TagInfo {
    TagInfo {
        tag,
        name,
        source,
        format,
        sensitive,
    }
}

/// Named EMV tags (EMV Book 3 Annex A unless noted).
impl Tag {
    /// `42`: Issuer Identification Number (IIN).
    pub const ISSUER_IDENTIFICATION_NUMBER: Tag = Tag::new(0x42);
    /// `4F`: Application Identifier (AID) - card.
    pub const AID: Tag = Tag::new(0x4F);
    /// `50`: Application Label.
    pub const APPLICATION_LABEL: Tag = Tag::new(0x50);
    /// `56`: Track 1 Data.
    pub const TRACK1_DATA: Tag = Tag::new(0x56);
    /// `57`: Track 2 Equivalent Data.
    pub const TRACK2_EQUIVALENT_DATA: Tag = Tag::new(0x57);
    /// `5A`: Application Primary Account Number (PAN).
    pub const PAN: Tag = Tag::new(0x5A);
    /// `5F20`: Cardholder Name.
    pub const CARDHOLDER_NAME: Tag = Tag::new(0x5F20);
    /// `5F24`: Application Expiration Date.
    pub const APPLICATION_EXPIRATION_DATE: Tag = Tag::new(0x5F24);
    /// `5F25`: Application Effective Date.
    pub const APPLICATION_EFFECTIVE_DATE: Tag = Tag::new(0x5F25);
    /// `5F28`: Issuer Country Code.
    pub const ISSUER_COUNTRY_CODE: Tag = Tag::new(0x5F28);
    /// `5F2A`: Transaction Currency Code.
    pub const TRANSACTION_CURRENCY_CODE: Tag = Tag::new(0x5F2A);
    /// `5F2D`: Language Preference.
    pub const LANGUAGE_PREFERENCE: Tag = Tag::new(0x5F2D);
    /// `5F30`: Service Code.
    pub const SERVICE_CODE: Tag = Tag::new(0x5F30);
    /// `5F34`: Application PAN Sequence Number.
    pub const PAN_SEQUENCE_NUMBER: Tag = Tag::new(0x5F34);
    /// `5F36`: Transaction Currency Exponent.
    pub const TRANSACTION_CURRENCY_EXPONENT: Tag = Tag::new(0x5F36);
    /// `5F50`: Issuer URL.
    pub const ISSUER_URL: Tag = Tag::new(0x5F50);
    /// `5F53`: International Bank Account Number (IBAN).
    pub const IBAN: Tag = Tag::new(0x5F53);
    /// `5F54`: Bank Identifier Code (BIC).
    pub const BIC: Tag = Tag::new(0x5F54);
    /// `5F55`: Issuer Country Code (alpha2 format).
    pub const ISSUER_COUNTRY_CODE_ALPHA2: Tag = Tag::new(0x5F55);
    /// `5F56`: Issuer Country Code (alpha3 format).
    pub const ISSUER_COUNTRY_CODE_ALPHA3: Tag = Tag::new(0x5F56);
    /// `61`: Application Template.
    pub const APPLICATION_TEMPLATE: Tag = Tag::new(0x61);
    /// `6F`: File Control Information (FCI) Template.
    pub const FCI_TEMPLATE: Tag = Tag::new(0x6F);
    /// `70`: READ RECORD Response Message Template.
    pub const RECORD_TEMPLATE: Tag = Tag::new(0x70);
    /// `71`: Issuer Script Template 1.
    pub const ISSUER_SCRIPT_TEMPLATE_1: Tag = Tag::new(0x71);
    /// `72`: Issuer Script Template 2.
    pub const ISSUER_SCRIPT_TEMPLATE_2: Tag = Tag::new(0x72);
    /// `73`: Directory Discretionary Template.
    pub const DIRECTORY_DISCRETIONARY_TEMPLATE: Tag = Tag::new(0x73);
    /// `77`: Response Message Template Format 2.
    pub const RESPONSE_TEMPLATE_FORMAT_2: Tag = Tag::new(0x77);
    /// `80`: Response Message Template Format 1.
    pub const RESPONSE_TEMPLATE_FORMAT_1: Tag = Tag::new(0x80);
    /// `81`: Amount, Authorised (Binary).
    pub const AMOUNT_AUTHORISED_BINARY: Tag = Tag::new(0x81);
    /// `82`: Application Interchange Profile.
    pub const AIP: Tag = Tag::new(0x82);
    /// `83`: Command Template.
    pub const COMMAND_TEMPLATE: Tag = Tag::new(0x83);
    /// `84`: Dedicated File (DF) Name.
    pub const DF_NAME: Tag = Tag::new(0x84);
    /// `86`: Issuer Script Command.
    pub const ISSUER_SCRIPT_COMMAND: Tag = Tag::new(0x86);
    /// `87`: Application Priority Indicator.
    pub const APPLICATION_PRIORITY_INDICATOR: Tag = Tag::new(0x87);
    /// `88`: Short File Identifier (SFI).
    pub const SFI: Tag = Tag::new(0x88);
    /// `89`: Authorisation Code.
    pub const AUTHORISATION_CODE: Tag = Tag::new(0x89);
    /// `8A`: Authorisation Response Code.
    pub const AUTHORISATION_RESPONSE_CODE: Tag = Tag::new(0x8A);
    /// `8C`: Card Risk Management Data Object List 1 (CDOL1).
    pub const CDOL1: Tag = Tag::new(0x8C);
    /// `8D`: Card Risk Management Data Object List 2 (CDOL2).
    pub const CDOL2: Tag = Tag::new(0x8D);
    /// `8E`: Cardholder Verification Method (CVM) List.
    pub const CVM_LIST: Tag = Tag::new(0x8E);
    /// `8F`: Certification Authority Public Key Index.
    pub const CA_PUBLIC_KEY_INDEX: Tag = Tag::new(0x8F);
    /// `90`: Issuer Public Key Certificate.
    pub const ISSUER_PUBLIC_KEY_CERTIFICATE: Tag = Tag::new(0x90);
    /// `91`: Issuer Authentication Data.
    pub const ISSUER_AUTHENTICATION_DATA: Tag = Tag::new(0x91);
    /// `92`: Issuer Public Key Remainder.
    pub const ISSUER_PUBLIC_KEY_REMAINDER: Tag = Tag::new(0x92);
    /// `93`: Signed Static Application Data.
    pub const SIGNED_STATIC_APPLICATION_DATA: Tag = Tag::new(0x93);
    /// `94`: Application File Locator (AFL).
    pub const AFL: Tag = Tag::new(0x94);
    /// `95`: Terminal Verification Results.
    pub const TVR: Tag = Tag::new(0x95);
    /// `97`: Transaction Certificate Data Object List (TDOL).
    pub const TDOL: Tag = Tag::new(0x97);
    /// `98`: Transaction Certificate (TC) Hash Value.
    pub const TC_HASH_VALUE: Tag = Tag::new(0x98);
    /// `99`: Transaction Personal Identification Number (PIN) Data.
    pub const TRANSACTION_PIN_DATA: Tag = Tag::new(0x99);
    /// `9A`: Transaction Date.
    pub const TRANSACTION_DATE: Tag = Tag::new(0x9A);
    /// `9B`: Transaction Status Information.
    pub const TSI: Tag = Tag::new(0x9B);
    /// `9C`: Transaction Type.
    pub const TRANSACTION_TYPE: Tag = Tag::new(0x9C);
    /// `9D`: Directory Definition File (DDF) Name.
    pub const DDF_NAME: Tag = Tag::new(0x9D);
    /// `9F01`: Acquirer Identifier.
    pub const ACQUIRER_IDENTIFIER: Tag = Tag::new(0x9F01);
    /// `9F02`: Amount, Authorised (Numeric).
    pub const AMOUNT_AUTHORISED: Tag = Tag::new(0x9F02);
    /// `9F03`: Amount, Other (Numeric).
    pub const AMOUNT_OTHER: Tag = Tag::new(0x9F03);
    /// `9F04`: Amount, Other (Binary).
    pub const AMOUNT_OTHER_BINARY: Tag = Tag::new(0x9F04);
    /// `9F05`: Application Discretionary Data.
    pub const APPLICATION_DISCRETIONARY_DATA: Tag = Tag::new(0x9F05);
    /// `9F06`: Application Identifier (AID) - terminal.
    pub const AID_TERMINAL: Tag = Tag::new(0x9F06);
    /// `9F07`: Application Usage Control.
    pub const APPLICATION_USAGE_CONTROL: Tag = Tag::new(0x9F07);
    /// `9F08`: Application Version Number - card.
    pub const APPLICATION_VERSION_NUMBER_CARD: Tag = Tag::new(0x9F08);
    /// `9F09`: Application Version Number - terminal.
    pub const APPLICATION_VERSION_NUMBER_TERMINAL: Tag = Tag::new(0x9F09);
    /// `9F0B`: Cardholder Name Extended.
    pub const CARDHOLDER_NAME_EXTENDED: Tag = Tag::new(0x9F0B);
    /// `9F0D`: Issuer Action Code - Default.
    pub const IAC_DEFAULT: Tag = Tag::new(0x9F0D);
    /// `9F0E`: Issuer Action Code - Denial.
    pub const IAC_DENIAL: Tag = Tag::new(0x9F0E);
    /// `9F0F`: Issuer Action Code - Online.
    pub const IAC_ONLINE: Tag = Tag::new(0x9F0F);
    /// `9F10`: Issuer Application Data.
    pub const ISSUER_APPLICATION_DATA: Tag = Tag::new(0x9F10);
    /// `9F11`: Issuer Code Table Index.
    pub const ISSUER_CODE_TABLE_INDEX: Tag = Tag::new(0x9F11);
    /// `9F12`: Application Preferred Name.
    pub const APPLICATION_PREFERRED_NAME: Tag = Tag::new(0x9F12);
    /// `9F13`: Last Online Application Transaction Counter (ATC) Register.
    pub const LAST_ONLINE_ATC_REGISTER: Tag = Tag::new(0x9F13);
    /// `9F14`: Lower Consecutive Offline Limit.
    pub const LOWER_CONSECUTIVE_OFFLINE_LIMIT: Tag = Tag::new(0x9F14);
    /// `9F15`: Merchant Category Code.
    pub const MERCHANT_CATEGORY_CODE: Tag = Tag::new(0x9F15);
    /// `9F16`: Merchant Identifier.
    pub const MERCHANT_IDENTIFIER: Tag = Tag::new(0x9F16);
    /// `9F17`: Personal Identification Number (PIN) Try Counter.
    pub const PIN_TRY_COUNTER: Tag = Tag::new(0x9F17);
    /// `9F18`: Issuer Script Identifier.
    pub const ISSUER_SCRIPT_IDENTIFIER: Tag = Tag::new(0x9F18);
    /// `9F1A`: Terminal Country Code.
    pub const TERMINAL_COUNTRY_CODE: Tag = Tag::new(0x9F1A);
    /// `9F1B`: Terminal Floor Limit.
    pub const TERMINAL_FLOOR_LIMIT: Tag = Tag::new(0x9F1B);
    /// `9F1C`: Terminal Identification.
    pub const TERMINAL_IDENTIFICATION: Tag = Tag::new(0x9F1C);
    /// `9F1D`: Terminal Risk Management Data.
    pub const TERMINAL_RISK_MANAGEMENT_DATA: Tag = Tag::new(0x9F1D);
    /// `9F1E`: Interface Device (IFD) Serial Number.
    pub const IFD_SERIAL_NUMBER: Tag = Tag::new(0x9F1E);
    /// `9F1F`: Track 1 Discretionary Data.
    pub const TRACK1_DISCRETIONARY_DATA: Tag = Tag::new(0x9F1F);
    /// `9F20`: Track 2 Discretionary Data.
    pub const TRACK2_DISCRETIONARY_DATA: Tag = Tag::new(0x9F20);
    /// `9F21`: Transaction Time.
    pub const TRANSACTION_TIME: Tag = Tag::new(0x9F21);
    /// `9F22`: Certification Authority Public Key Index - terminal.
    pub const CA_PUBLIC_KEY_INDEX_TERMINAL: Tag = Tag::new(0x9F22);
    /// `9F23`: Upper Consecutive Offline Limit.
    pub const UPPER_CONSECUTIVE_OFFLINE_LIMIT: Tag = Tag::new(0x9F23);
    /// `9F26`: Application Cryptogram.
    pub const APPLICATION_CRYPTOGRAM: Tag = Tag::new(0x9F26);
    /// `9F27`: Cryptogram Information Data.
    pub const CRYPTOGRAM_INFORMATION_DATA: Tag = Tag::new(0x9F27);
    /// `9F2D`: ICC PIN Encipherment Public Key Certificate.
    pub const ICC_PIN_ENCIPHERMENT_PUBLIC_KEY_CERTIFICATE: Tag = Tag::new(0x9F2D);
    /// `9F2E`: ICC PIN Encipherment Public Key Exponent.
    pub const ICC_PIN_ENCIPHERMENT_PUBLIC_KEY_EXPONENT: Tag = Tag::new(0x9F2E);
    /// `9F2F`: ICC PIN Encipherment Public Key Remainder.
    pub const ICC_PIN_ENCIPHERMENT_PUBLIC_KEY_REMAINDER: Tag = Tag::new(0x9F2F);
    /// `9F32`: Issuer Public Key Exponent.
    pub const ISSUER_PUBLIC_KEY_EXPONENT: Tag = Tag::new(0x9F32);
    /// `9F33`: Terminal Capabilities.
    pub const TERMINAL_CAPABILITIES: Tag = Tag::new(0x9F33);
    /// `9F34`: Cardholder Verification Method (CVM) Results.
    pub const CVM_RESULTS: Tag = Tag::new(0x9F34);
    /// `9F35`: Terminal Type.
    pub const TERMINAL_TYPE: Tag = Tag::new(0x9F35);
    /// `9F36`: Application Transaction Counter (ATC).
    pub const ATC: Tag = Tag::new(0x9F36);
    /// `9F37`: Unpredictable Number.
    pub const UNPREDICTABLE_NUMBER: Tag = Tag::new(0x9F37);
    /// `9F38`: Processing Options Data Object List (PDOL).
    pub const PDOL: Tag = Tag::new(0x9F38);
    /// `9F39`: Point-of-Service (POS) Entry Mode.
    pub const POS_ENTRY_MODE: Tag = Tag::new(0x9F39);
    /// `9F3A`: Amount, Reference Currency.
    pub const AMOUNT_REFERENCE_CURRENCY: Tag = Tag::new(0x9F3A);
    /// `9F3B`: Application Reference Currency.
    pub const APPLICATION_REFERENCE_CURRENCY: Tag = Tag::new(0x9F3B);
    /// `9F3C`: Transaction Reference Currency Code.
    pub const TRANSACTION_REFERENCE_CURRENCY_CODE: Tag = Tag::new(0x9F3C);
    /// `9F3D`: Transaction Reference Currency Exponent.
    pub const TRANSACTION_REFERENCE_CURRENCY_EXPONENT: Tag = Tag::new(0x9F3D);
    /// `9F40`: Additional Terminal Capabilities.
    pub const ADDITIONAL_TERMINAL_CAPABILITIES: Tag = Tag::new(0x9F40);
    /// `9F41`: Transaction Sequence Counter.
    pub const TRANSACTION_SEQUENCE_COUNTER: Tag = Tag::new(0x9F41);
    /// `9F42`: Application Currency Code.
    pub const APPLICATION_CURRENCY_CODE: Tag = Tag::new(0x9F42);
    /// `9F43`: Application Reference Currency Exponent.
    pub const APPLICATION_REFERENCE_CURRENCY_EXPONENT: Tag = Tag::new(0x9F43);
    /// `9F44`: Application Currency Exponent.
    pub const APPLICATION_CURRENCY_EXPONENT: Tag = Tag::new(0x9F44);
    /// `9F45`: Data Authentication Code.
    pub const DATA_AUTHENTICATION_CODE: Tag = Tag::new(0x9F45);
    /// `9F46`: ICC Public Key Certificate.
    pub const ICC_PUBLIC_KEY_CERTIFICATE: Tag = Tag::new(0x9F46);
    /// `9F47`: ICC Public Key Exponent.
    pub const ICC_PUBLIC_KEY_EXPONENT: Tag = Tag::new(0x9F47);
    /// `9F48`: ICC Public Key Remainder.
    pub const ICC_PUBLIC_KEY_REMAINDER: Tag = Tag::new(0x9F48);
    /// `9F49`: Dynamic Data Authentication Data Object List (DDOL).
    pub const DDOL: Tag = Tag::new(0x9F49);
    /// `9F4A`: Static Data Authentication Tag List.
    pub const SDA_TAG_LIST: Tag = Tag::new(0x9F4A);
    /// `9F4B`: Signed Dynamic Application Data.
    pub const SIGNED_DYNAMIC_APPLICATION_DATA: Tag = Tag::new(0x9F4B);
    /// `9F4C`: ICC Dynamic Number.
    pub const ICC_DYNAMIC_NUMBER: Tag = Tag::new(0x9F4C);
    /// `9F4D`: Log Entry.
    pub const LOG_ENTRY: Tag = Tag::new(0x9F4D);
    /// `9F4E`: Merchant Name and Location.
    pub const MERCHANT_NAME_AND_LOCATION: Tag = Tag::new(0x9F4E);
    /// `9F4F`: Log Format.
    pub const LOG_FORMAT: Tag = Tag::new(0x9F4F);
    /// `9F5D`: Available Offline Spending Amount.
    pub const AVAILABLE_OFFLINE_SPENDING_AMOUNT: Tag = Tag::new(0x9F5D);
    /// `9F66`: Terminal Transaction Qualifiers (TTQ).
    pub const TTQ: Tag = Tag::new(0x9F66);
    /// `9F6B`: Track 2 Data.
    pub const TRACK2_DATA: Tag = Tag::new(0x9F6B);
    /// `9F6C`: Card Transaction Qualifiers (CTQ).
    pub const CTQ: Tag = Tag::new(0x9F6C);
    /// `9F6E`: Form Factor Indicator (FFI).
    pub const FORM_FACTOR_INDICATOR: Tag = Tag::new(0x9F6E);
    /// `9F7C`: Customer Exclusive Data (CED).
    pub const CUSTOMER_EXCLUSIVE_DATA: Tag = Tag::new(0x9F7C);
    /// `A5`: File Control Information (FCI) Proprietary Template.
    pub const FCI_PROPRIETARY_TEMPLATE: Tag = Tag::new(0xA5);
    /// `BF0C`: File Control Information (FCI) Issuer Discretionary Data.
    pub const FCI_ISSUER_DISCRETIONARY_DATA: Tag = Tag::new(0xBF0C);
    /// `FF8101`: Torn Record (EMV Contactless Book C-2, Annex A).
    pub const TORN_RECORD: Tag = Tag::new(0x00FF_8101);
    /// `FF8102`: Tags To Write Before Gen AC (EMV Contactless Book C-2, Annex A).
    pub const TAGS_TO_WRITE_BEFORE_GEN_AC: Tag = Tag::new(0x00FF_8102);
    /// `FF8103`: Tags To Write After Gen AC (EMV Contactless Book C-2, Annex A).
    pub const TAGS_TO_WRITE_AFTER_GEN_AC: Tag = Tag::new(0x00FF_8103);
    /// `FF8104`: Data To Send (EMV Contactless Book C-2, Annex A).
    pub const DATA_TO_SEND: Tag = Tag::new(0x00FF_8104);
    /// `FF8105`: Data Record (EMV Contactless Book C-2, Annex A): the data
    /// objects returned with the outcome at the end of a transaction.
    pub const DATA_RECORD: Tag = Tag::new(0x00FF_8105);
    /// `FF8106`: Discretionary Data (EMV Contactless Book C-2, Annex A): the
    /// kernel-specific data objects sent to the terminal with the outcome.
    pub const DISCRETIONARY_DATA: Tag = Tag::new(0x00FF_8106);
}

/// The dictionary, ordered by tag as in EMV Book 3 Annex A.
static DICTIONARY: &[TagInfo] = &[
    entry(
        Tag::ISSUER_IDENTIFICATION_NUMBER,
        "Issuer Identification Number (IIN)",
        Source::Icc,
        Format::N,
        false,
    ),
    entry(
        Tag::AID,
        "Application Identifier (AID) - card",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::APPLICATION_LABEL,
        "Application Label",
        Source::Icc,
        Format::Ans,
        false,
    ),
    entry(
        Tag::TRACK1_DATA,
        "Track 1 Data",
        Source::Icc,
        Format::Ans,
        true,
    ),
    entry(
        Tag::TRACK2_EQUIVALENT_DATA,
        "Track 2 Equivalent Data",
        Source::Icc,
        Format::B,
        true,
    ),
    entry(
        Tag::PAN,
        "Application Primary Account Number (PAN)",
        Source::Icc,
        Format::Cn,
        true,
    ),
    entry(
        Tag::CARDHOLDER_NAME,
        "Cardholder Name",
        Source::Icc,
        Format::Ans,
        true,
    ),
    entry(
        Tag::APPLICATION_EXPIRATION_DATE,
        "Application Expiration Date",
        Source::Icc,
        Format::N,
        true,
    ),
    entry(
        Tag::APPLICATION_EFFECTIVE_DATE,
        "Application Effective Date",
        Source::Icc,
        Format::N,
        false,
    ),
    entry(
        Tag::ISSUER_COUNTRY_CODE,
        "Issuer Country Code",
        Source::Icc,
        Format::N,
        false,
    ),
    entry(
        Tag::TRANSACTION_CURRENCY_CODE,
        "Transaction Currency Code",
        Source::Terminal,
        Format::N,
        false,
    ),
    entry(
        Tag::LANGUAGE_PREFERENCE,
        "Language Preference",
        Source::Icc,
        Format::An,
        false,
    ),
    entry(
        Tag::SERVICE_CODE,
        "Service Code",
        Source::Icc,
        Format::N,
        true,
    ),
    entry(
        Tag::PAN_SEQUENCE_NUMBER,
        "Application PAN Sequence Number",
        Source::Icc,
        Format::N,
        false,
    ),
    entry(
        Tag::TRANSACTION_CURRENCY_EXPONENT,
        "Transaction Currency Exponent",
        Source::Terminal,
        Format::N,
        false,
    ),
    entry(
        Tag::ISSUER_URL,
        "Issuer URL",
        Source::Icc,
        Format::Ans,
        false,
    ),
    entry(
        Tag::IBAN,
        "International Bank Account Number (IBAN)",
        Source::Icc,
        Format::Var,
        true,
    ),
    entry(
        Tag::BIC,
        "Bank Identifier Code (BIC)",
        Source::Icc,
        Format::Var,
        false,
    ),
    entry(
        Tag::ISSUER_COUNTRY_CODE_ALPHA2,
        "Issuer Country Code (alpha2 format)",
        Source::Icc,
        Format::A,
        false,
    ),
    entry(
        Tag::ISSUER_COUNTRY_CODE_ALPHA3,
        "Issuer Country Code (alpha3 format)",
        Source::Icc,
        Format::A,
        false,
    ),
    entry(
        Tag::APPLICATION_TEMPLATE,
        "Application Template",
        Source::Icc,
        Format::Var,
        false,
    ),
    entry(
        Tag::FCI_TEMPLATE,
        "File Control Information (FCI) Template",
        Source::Icc,
        Format::Var,
        false,
    ),
    entry(
        Tag::RECORD_TEMPLATE,
        "READ RECORD Response Message Template",
        Source::Icc,
        Format::Var,
        false,
    ),
    entry(
        Tag::ISSUER_SCRIPT_TEMPLATE_1,
        "Issuer Script Template 1",
        Source::Issuer,
        Format::Var,
        false,
    ),
    entry(
        Tag::ISSUER_SCRIPT_TEMPLATE_2,
        "Issuer Script Template 2",
        Source::Issuer,
        Format::Var,
        false,
    ),
    entry(
        Tag::DIRECTORY_DISCRETIONARY_TEMPLATE,
        "Directory Discretionary Template",
        Source::Icc,
        Format::Var,
        false,
    ),
    entry(
        Tag::RESPONSE_TEMPLATE_FORMAT_2,
        "Response Message Template Format 2",
        Source::Icc,
        Format::Var,
        false,
    ),
    entry(
        Tag::RESPONSE_TEMPLATE_FORMAT_1,
        "Response Message Template Format 1",
        Source::Icc,
        Format::Var,
        false,
    ),
    entry(
        Tag::AMOUNT_AUTHORISED_BINARY,
        "Amount, Authorised (Binary)",
        Source::Terminal,
        Format::B,
        false,
    ),
    entry(
        Tag::AIP,
        "Application Interchange Profile",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::COMMAND_TEMPLATE,
        "Command Template",
        Source::Terminal,
        Format::B,
        false,
    ),
    entry(
        Tag::DF_NAME,
        "Dedicated File (DF) Name",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::ISSUER_SCRIPT_COMMAND,
        "Issuer Script Command",
        Source::Issuer,
        Format::B,
        false,
    ),
    entry(
        Tag::APPLICATION_PRIORITY_INDICATOR,
        "Application Priority Indicator",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::SFI,
        "Short File Identifier (SFI)",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::AUTHORISATION_CODE,
        "Authorisation Code",
        Source::Issuer,
        Format::Ans,
        false,
    ),
    entry(
        Tag::AUTHORISATION_RESPONSE_CODE,
        "Authorisation Response Code",
        Source::Issuer,
        Format::An,
        false,
    ),
    entry(
        Tag::CDOL1,
        "Card Risk Management Data Object List 1 (CDOL1)",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::CDOL2,
        "Card Risk Management Data Object List 2 (CDOL2)",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::CVM_LIST,
        "Cardholder Verification Method (CVM) List",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::CA_PUBLIC_KEY_INDEX,
        "Certification Authority Public Key Index",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::ISSUER_PUBLIC_KEY_CERTIFICATE,
        "Issuer Public Key Certificate",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::ISSUER_AUTHENTICATION_DATA,
        "Issuer Authentication Data",
        Source::Issuer,
        Format::B,
        false,
    ),
    entry(
        Tag::ISSUER_PUBLIC_KEY_REMAINDER,
        "Issuer Public Key Remainder",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::SIGNED_STATIC_APPLICATION_DATA,
        "Signed Static Application Data",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::AFL,
        "Application File Locator (AFL)",
        Source::Icc,
        Format::Var,
        false,
    ),
    entry(
        Tag::TVR,
        "Terminal Verification Results",
        Source::Terminal,
        Format::B,
        false,
    ),
    entry(
        Tag::TDOL,
        "Transaction Certificate Data Object List (TDOL)",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::TC_HASH_VALUE,
        "Transaction Certificate (TC) Hash Value",
        Source::Terminal,
        Format::B,
        false,
    ),
    entry(
        Tag::TRANSACTION_PIN_DATA,
        "Transaction Personal Identification Number (PIN) Data",
        Source::Terminal,
        Format::B,
        true,
    ),
    entry(
        Tag::TRANSACTION_DATE,
        "Transaction Date",
        Source::Terminal,
        Format::N,
        false,
    ),
    entry(
        Tag::TSI,
        "Transaction Status Information",
        Source::Terminal,
        Format::B,
        false,
    ),
    entry(
        Tag::TRANSACTION_TYPE,
        "Transaction Type",
        Source::Terminal,
        Format::N,
        false,
    ),
    entry(
        Tag::DDF_NAME,
        "Directory Definition File (DDF) Name",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::ACQUIRER_IDENTIFIER,
        "Acquirer Identifier",
        Source::Terminal,
        Format::N,
        false,
    ),
    entry(
        Tag::AMOUNT_AUTHORISED,
        "Amount, Authorised (Numeric)",
        Source::Terminal,
        Format::N,
        false,
    ),
    entry(
        Tag::AMOUNT_OTHER,
        "Amount, Other (Numeric)",
        Source::Terminal,
        Format::N,
        false,
    ),
    entry(
        Tag::AMOUNT_OTHER_BINARY,
        "Amount, Other (Binary)",
        Source::Terminal,
        Format::B,
        false,
    ),
    entry(
        Tag::APPLICATION_DISCRETIONARY_DATA,
        "Application Discretionary Data",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::AID_TERMINAL,
        "Application Identifier (AID) - terminal",
        Source::Terminal,
        Format::B,
        false,
    ),
    entry(
        Tag::APPLICATION_USAGE_CONTROL,
        "Application Usage Control",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::APPLICATION_VERSION_NUMBER_CARD,
        "Application Version Number - card",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::APPLICATION_VERSION_NUMBER_TERMINAL,
        "Application Version Number - terminal",
        Source::Terminal,
        Format::B,
        false,
    ),
    entry(
        Tag::CARDHOLDER_NAME_EXTENDED,
        "Cardholder Name Extended",
        Source::Icc,
        Format::Ans,
        true,
    ),
    entry(
        Tag::IAC_DEFAULT,
        "Issuer Action Code - Default",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::IAC_DENIAL,
        "Issuer Action Code - Denial",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::IAC_ONLINE,
        "Issuer Action Code - Online",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::ISSUER_APPLICATION_DATA,
        "Issuer Application Data",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::ISSUER_CODE_TABLE_INDEX,
        "Issuer Code Table Index",
        Source::Icc,
        Format::N,
        false,
    ),
    entry(
        Tag::APPLICATION_PREFERRED_NAME,
        "Application Preferred Name",
        Source::Icc,
        Format::Ans,
        false,
    ),
    entry(
        Tag::LAST_ONLINE_ATC_REGISTER,
        "Last Online Application Transaction Counter (ATC) Register",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::LOWER_CONSECUTIVE_OFFLINE_LIMIT,
        "Lower Consecutive Offline Limit",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::MERCHANT_CATEGORY_CODE,
        "Merchant Category Code",
        Source::Terminal,
        Format::N,
        false,
    ),
    entry(
        Tag::MERCHANT_IDENTIFIER,
        "Merchant Identifier",
        Source::Terminal,
        Format::Ans,
        false,
    ),
    entry(
        Tag::PIN_TRY_COUNTER,
        "Personal Identification Number (PIN) Try Counter",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::ISSUER_SCRIPT_IDENTIFIER,
        "Issuer Script Identifier",
        Source::Issuer,
        Format::B,
        false,
    ),
    entry(
        Tag::TERMINAL_COUNTRY_CODE,
        "Terminal Country Code",
        Source::Terminal,
        Format::N,
        false,
    ),
    entry(
        Tag::TERMINAL_FLOOR_LIMIT,
        "Terminal Floor Limit",
        Source::Terminal,
        Format::B,
        false,
    ),
    entry(
        Tag::TERMINAL_IDENTIFICATION,
        "Terminal Identification",
        Source::Terminal,
        Format::An,
        false,
    ),
    entry(
        Tag::TERMINAL_RISK_MANAGEMENT_DATA,
        "Terminal Risk Management Data",
        Source::Terminal,
        Format::B,
        false,
    ),
    entry(
        Tag::IFD_SERIAL_NUMBER,
        "Interface Device (IFD) Serial Number",
        Source::Terminal,
        Format::An,
        false,
    ),
    entry(
        Tag::TRACK1_DISCRETIONARY_DATA,
        "Track 1 Discretionary Data",
        Source::Icc,
        Format::Ans,
        true,
    ),
    entry(
        Tag::TRACK2_DISCRETIONARY_DATA,
        "Track 2 Discretionary Data",
        Source::Icc,
        Format::Cn,
        true,
    ),
    entry(
        Tag::TRANSACTION_TIME,
        "Transaction Time",
        Source::Terminal,
        Format::N,
        false,
    ),
    entry(
        Tag::CA_PUBLIC_KEY_INDEX_TERMINAL,
        "Certification Authority Public Key Index - terminal",
        Source::Terminal,
        Format::B,
        false,
    ),
    entry(
        Tag::UPPER_CONSECUTIVE_OFFLINE_LIMIT,
        "Upper Consecutive Offline Limit",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::APPLICATION_CRYPTOGRAM,
        "Application Cryptogram",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::CRYPTOGRAM_INFORMATION_DATA,
        "Cryptogram Information Data",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::ICC_PIN_ENCIPHERMENT_PUBLIC_KEY_CERTIFICATE,
        "ICC PIN Encipherment Public Key Certificate",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::ICC_PIN_ENCIPHERMENT_PUBLIC_KEY_EXPONENT,
        "ICC PIN Encipherment Public Key Exponent",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::ICC_PIN_ENCIPHERMENT_PUBLIC_KEY_REMAINDER,
        "ICC PIN Encipherment Public Key Remainder",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::ISSUER_PUBLIC_KEY_EXPONENT,
        "Issuer Public Key Exponent",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::TERMINAL_CAPABILITIES,
        "Terminal Capabilities",
        Source::Terminal,
        Format::B,
        false,
    ),
    entry(
        Tag::CVM_RESULTS,
        "Cardholder Verification Method (CVM) Results",
        Source::Terminal,
        Format::B,
        false,
    ),
    entry(
        Tag::TERMINAL_TYPE,
        "Terminal Type",
        Source::Terminal,
        Format::N,
        false,
    ),
    entry(
        Tag::ATC,
        "Application Transaction Counter (ATC)",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::UNPREDICTABLE_NUMBER,
        "Unpredictable Number",
        Source::Terminal,
        Format::B,
        false,
    ),
    entry(
        Tag::PDOL,
        "Processing Options Data Object List (PDOL)",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::POS_ENTRY_MODE,
        "Point-of-Service (POS) Entry Mode",
        Source::Terminal,
        Format::N,
        false,
    ),
    entry(
        Tag::AMOUNT_REFERENCE_CURRENCY,
        "Amount, Reference Currency",
        Source::Terminal,
        Format::B,
        false,
    ),
    entry(
        Tag::APPLICATION_REFERENCE_CURRENCY,
        "Application Reference Currency",
        Source::Icc,
        Format::N,
        false,
    ),
    entry(
        Tag::TRANSACTION_REFERENCE_CURRENCY_CODE,
        "Transaction Reference Currency Code",
        Source::Terminal,
        Format::N,
        false,
    ),
    entry(
        Tag::TRANSACTION_REFERENCE_CURRENCY_EXPONENT,
        "Transaction Reference Currency Exponent",
        Source::Terminal,
        Format::N,
        false,
    ),
    entry(
        Tag::ADDITIONAL_TERMINAL_CAPABILITIES,
        "Additional Terminal Capabilities",
        Source::Terminal,
        Format::B,
        false,
    ),
    entry(
        Tag::TRANSACTION_SEQUENCE_COUNTER,
        "Transaction Sequence Counter",
        Source::Terminal,
        Format::N,
        false,
    ),
    entry(
        Tag::APPLICATION_CURRENCY_CODE,
        "Application Currency Code",
        Source::Icc,
        Format::N,
        false,
    ),
    entry(
        Tag::APPLICATION_REFERENCE_CURRENCY_EXPONENT,
        "Application Reference Currency Exponent",
        Source::Icc,
        Format::N,
        false,
    ),
    entry(
        Tag::APPLICATION_CURRENCY_EXPONENT,
        "Application Currency Exponent",
        Source::Icc,
        Format::N,
        false,
    ),
    entry(
        Tag::DATA_AUTHENTICATION_CODE,
        "Data Authentication Code",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::ICC_PUBLIC_KEY_CERTIFICATE,
        "ICC Public Key Certificate",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::ICC_PUBLIC_KEY_EXPONENT,
        "ICC Public Key Exponent",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::ICC_PUBLIC_KEY_REMAINDER,
        "ICC Public Key Remainder",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::DDOL,
        "Dynamic Data Authentication Data Object List (DDOL)",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::SDA_TAG_LIST,
        "Static Data Authentication Tag List",
        Source::Icc,
        Format::Var,
        false,
    ),
    entry(
        Tag::SIGNED_DYNAMIC_APPLICATION_DATA,
        "Signed Dynamic Application Data",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::ICC_DYNAMIC_NUMBER,
        "ICC Dynamic Number",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(Tag::LOG_ENTRY, "Log Entry", Source::Icc, Format::B, false),
    entry(
        Tag::MERCHANT_NAME_AND_LOCATION,
        "Merchant Name and Location",
        Source::Terminal,
        Format::Ans,
        false,
    ),
    entry(Tag::LOG_FORMAT, "Log Format", Source::Icc, Format::B, false),
    entry(
        Tag::AVAILABLE_OFFLINE_SPENDING_AMOUNT,
        "Available Offline Spending Amount",
        Source::Icc,
        Format::N,
        false,
    ),
    entry(
        Tag::TTQ,
        "Terminal Transaction Qualifiers (TTQ)",
        Source::Terminal,
        Format::B,
        false,
    ),
    entry(
        Tag::TRACK2_DATA,
        "Track 2 Data",
        Source::Icc,
        Format::B,
        true,
    ),
    entry(
        Tag::CTQ,
        "Card Transaction Qualifiers (CTQ)",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::FORM_FACTOR_INDICATOR,
        "Form Factor Indicator (FFI)",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::CUSTOMER_EXCLUSIVE_DATA,
        "Customer Exclusive Data (CED)",
        Source::Icc,
        Format::B,
        false,
    ),
    entry(
        Tag::FCI_PROPRIETARY_TEMPLATE,
        "File Control Information (FCI) Proprietary Template",
        Source::Icc,
        Format::Var,
        false,
    ),
    entry(
        Tag::FCI_ISSUER_DISCRETIONARY_DATA,
        "File Control Information (FCI) Issuer Discretionary Data",
        Source::Icc,
        Format::Var,
        false,
    ),
    // EMV Contactless Book C-2 (Kernel 2), Annex A: kernel templates. The
    // kernel is part of the terminal; their children carry their own
    // dictionary entries (and sensitivity).
    entry(
        Tag::TORN_RECORD,
        "Torn Record",
        Source::Terminal,
        Format::Var,
        false,
    ),
    entry(
        Tag::TAGS_TO_WRITE_BEFORE_GEN_AC,
        "Tags To Write Before Gen AC",
        Source::Terminal,
        Format::Var,
        false,
    ),
    entry(
        Tag::TAGS_TO_WRITE_AFTER_GEN_AC,
        "Tags To Write After Gen AC",
        Source::Terminal,
        Format::Var,
        false,
    ),
    entry(
        Tag::DATA_TO_SEND,
        "Data To Send",
        Source::Terminal,
        Format::Var,
        false,
    ),
    entry(
        Tag::DATA_RECORD,
        "Data Record",
        Source::Terminal,
        Format::Var,
        false,
    ),
    entry(
        Tag::DISCRETIONARY_DATA,
        "Discretionary Data",
        Source::Terminal,
        Format::Var,
        false,
    ),
];

/// The dictionary entry for `tag`, if the tag is known.
#[must_use]
pub fn lookup(tag: Tag) -> Option<&'static TagInfo> {
    DICTIONARY.iter().find(|info| info.tag == tag)
}

/// Every dictionary entry, for listing (e.g. by the CLI).
#[must_use]
pub const fn all() -> &'static [TagInfo] {
    DICTIONARY
}

/// True when `tag` is in the dictionary and marked sensitive. Unknown tags
/// are not sensitive by this test; a cautious display may mask them too.
#[must_use]
pub fn is_sensitive(tag: Tag) -> bool {
    lookup(tag).is_some_and(TagInfo::sensitive)
}

#[cfg(test)]
mod tests;
