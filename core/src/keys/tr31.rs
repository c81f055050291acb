//! TR-31 / ANSI X9.143 key blocks: parse headers, unwrap versions B, D and
//! E (A and C with an explicit legacy opt-in), wrap versions B, D and E;
//! symmetric keys and (with `alloc`) asymmetric private keys.
//!
//! A key block is printable ASCII: a 16-character header (version, block
//! length, key usage, algorithm, mode of use, key version, exportability,
//! number of optional blocks, reserved `00`), optional blocks, the
//! encrypted key data in hex, and the authenticator in hex
//! (ANSI X9.143-2022 §6, TR-31:2018 §A.5). All lengths count characters.
//!
//! | version | binding (KBEK, KBAK) | authenticator | encryption |
//! |---|---|---|---|
//! | `A`, `C` (import only) | KBPK ⊕ `45…`, KBPK ⊕ `4D…` | TDES CBC-MAC (ISO 9797-1 alg. 1), 4 bytes | TDES-CBC, IV = header bytes 0-7 |
//! | `B` | TDES-CMAC KDF | TDES-CMAC of header ‖ clear key data, 8 bytes | TDES-CBC, IV = MAC |
//! | `D` | AES-CMAC KDF | AES-CMAC of header ‖ clear key data, 16 bytes | AES-CBC, IV = MAC |
//! | `E` (ISO 20038:2017) | AES-CMAC KDF, KBEK usage constant `0002` | AES-CMAC of header ‖ clear key data, 16 bytes | AES-CTR, initial counter = MAC, no padding |
//!
//! The clear key data is a 2-byte key length in bits, the key, and random
//! padding to the cipher block length (none for `E`). For asymmetric key
//! pairs (usage `S0`-`S2`, algorithm `R`/`E`/`S`) the key is the DER private
//! key (X9.143 §8.5, §8.6): `unwrap_private_key` (with `alloc`) returns it in a
//! zeroize-on-drop container, convertible to the crate's ECDSA P-256
//! signing key; `wrap_private_key` writes such blocks.
//!
//! Optional blocks longer than 255 characters use the extended length
//! form (`00`, a length of length, the length; X9.143-2022 §6.3.6). The
//! writer emits X9.143's `04` + 4 hex characters; the reader also accepts
//! TR-31:2018's byte-counted `01`/`02` (see [`count_optional_blocks`]).
//!
//! Rules enforced here:
//! - the authenticator is verified in constant time before any decrypted
//!   byte is used; on failure the decrypted buffer is zeroized and the
//!   error is the opaque [`Error::VerificationFailed`](crate::Error::VerificationFailed);
//! - the KBPK has usage `K1` (or `K0`) and a mode of use allowing the
//!   operation (`B`, `D` or `N` to unwrap; `B`, `E` or `N` to wrap), TDES
//!   for A/B/C and AES for D/E;
//! - an unwrapped [`Key`](crate::keys::Key) carries the header's usage,
//!   mode of use, key version and exportability, so usage enforcement
//!   follows the key; the header algorithm must agree with its length;
//! - wrap refuses non-exportable keys (`N`) and keys stronger than the KBPK
//!   (ANSI X9.24-1 §7.2); a header *template* marked `N`
//!   (`wrap_template`, with `alloc`) is allowed: it restricts the receiver of the block,
//!   not the sender who holds the clear key;
//! - errors name a field and a character offset, never block bytes or MACs;
//! - the legacy versions `A` and `C` (4-byte CBC-MAC: a chosen-header
//!   forgery is a 2^-32 guess per try) are refused by [`unwrap`] with
//!   [`Tr31Error::LegacyVersionRefused`](crate::error::Tr31Error::LegacyVersionRefused);
//!   importing them takes [`unwrap_with`] and [`UnwrapPolicy::ALLOW_LEGACY`].
//!
//! # Example
//! ```
//! use paycore::keys::{Algorithm, Key, KeyAttributes, KeyUsage, ModeOfUse};
//! use paycore::keys::tr31::{self, Version};
//!
//! # fn hex(s: &str) -> Vec<u8> { (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect() }
//! // TR-31:2018 Annex A.7.4: AES-256 KBPK, AES-128 PIN key, version D.
//! let kbpk = Key::new(
//!     Algorithm::Aes256,
//!     &hex("88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6"),
//!     KeyAttributes::new(KeyUsage::KeyBlockProtection, ModeOfUse::EncryptDecrypt),
//! )
//! .unwrap();
//! let block = "D0112P0AE00E0000B82679114F470F540165EDFBF7E250FCEA43F810D215F8D207E2E417C07156A27E8E31DA05F7425509593D03A457DC34";
//! let unwrapped = tr31::unwrap(&kbpk, block).unwrap();
//! assert_eq!(unwrapped.header().version(), Version::D);
//! assert_eq!(unwrapped.key().usage(), KeyUsage::PinEncryption);
//! assert_eq!(unwrapped.key().algorithm(), Algorithm::Aes128);
//!
//! // Re-wrap it with the standard's padding: the published block again.
//! let mut out = [0u8; 112];
//! let n = tr31::wrap_with_padding(
//!     &kbpk,
//!     unwrapped.key(),
//!     Version::D,
//!     &[],
//!     &hex("1C2965473CE206BB855B01533782"),
//!     &mut out,
//! )
//! .unwrap();
//! assert_eq!(&out[..n], block.as_bytes());
//!
//! // One changed character and nothing comes out.
//! let tampered = block.replace("B826", "B827");
//! assert!(tr31::unwrap(&kbpk, &tampered).is_err());
//! ```

#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

#[cfg(feature = "alloc")]
mod asymmetric;
mod header;
mod wrap;

#[cfg(feature = "alloc")]
pub use asymmetric::{
    MAX_PRIVATE_KEY_LEN, UnwrappedPrivateKey, unwrap_private_key, unwrap_private_key_with,
    wrap_private_key, wrap_private_key_with_padding,
};
pub use header::{
    HEADER_LEN, HeaderAlgorithm, KeyBlockHeader, MAX_BLOCK_LEN, MAX_OPTIONAL_BLOCKS, OptionalBlock,
    OptionalBlockId, OptionalBlocks, Version, count_optional_blocks,
};
pub use wrap::{
    MAX_KEY_DATA_LEN, UnwrapPolicy, Unwrapped, unwrap, unwrap_with, wrap, wrap_with_header,
    wrap_with_padding, wrapped_len,
};
#[cfg(feature = "alloc")]
pub use wrap::{wrap_template, wrap_to_string};
