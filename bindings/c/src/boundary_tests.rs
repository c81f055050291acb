//! The C boundary rules (`io.rs`) exercised through the exported functions
//! themselves, so that Miri can check them:
//! `cargo +nightly miri test -p paycore-ffi boundary_tests`.
//!
//! Every case here was undefined behaviour or a wrong answer before the
//! checks in `io.rs` (issue 11.4, 11.6, 11.7, 11.11); each test also runs a
//! well-formed call next to the refused one, so a check that refused
//! everything would fail too.

use core::ptr::{null, null_mut};

use crate::*;

const OK: paycore_result = paycore_result::Ok;
const INVALID: paycore_result = paycore_result::InvalidArgument;
const NULL: paycore_result = paycore_result::NullParameter;

/// An AES-128 key with the given usage/mode/exportability (material from
/// NIST SP 800-38D test case 3, though its value does not matter here).
fn key(usage: &[u8; 2], mode: u8, export: u8) -> *mut paycore_key {
    let material = [
        0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c, 0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30, 0x83,
        0x08,
    ];
    let mut out = null_mut();
    // SAFETY: valid buffers and out-pointer.
    let rc = unsafe {
        paycore_key_new(
            PAYCORE_ALGORITHM_AES128,
            material.as_ptr(),
            material.len(),
            usage.as_ptr(),
            mode,
            export,
            &mut out,
        )
    };
    assert_eq!(rc, OK);
    out
}

fn free(key: *mut paycore_key) {
    // SAFETY: a live handle from `key`.
    unsafe { paycore_key_free(key) };
}

/// `paycore_aead_seal` into a buffer that holds the plaintext.
fn seal(
    key: *const paycore_key,
    buf: &mut [u8],
    plaintext: (usize, usize),
    out: usize,
) -> paycore_result {
    let nonce = [7u8; PAYCORE_AEAD_NONCE_LEN];
    let base = buf.as_mut_ptr();
    let mut out_len = 0usize;
    // SAFETY: every range lies inside `buf`; pointers derived from one
    // `*mut`, so only paycore's own borrows can conflict.
    unsafe {
        paycore_aead_seal(
            key,
            nonce.as_ptr(),
            null(),
            0,
            base.add(plaintext.0).cast_const(),
            plaintext.1,
            base.add(out),
            buf.len() - out,
            &mut out_len,
        )
    }
}

#[test]
fn aead_seal_in_place_is_refused() {
    let k = key(b"D0", b'B', b'N');
    let mut buf = [0x42u8; 64];
    // Plaintext [0, 16) sealed onto itself, and onto an overlapping tail.
    assert_eq!(seal(k, &mut buf, (0, 16), 0), INVALID);
    assert_eq!(seal(k, &mut buf, (0, 16), 15), INVALID);
    assert_eq!(buf, [0x42u8; 64], "nothing written on refusal");
    // Disjoint: accepted (16 + 16 tag bytes from offset 16 up to 48).
    assert_eq!(seal(k, &mut buf, (0, 16), 16), OK);
    assert_ne!(buf[16..48], [0x42u8; 32]);
    free(k);
}

#[test]
fn out_len_inside_an_input_or_the_output_is_refused() {
    let k = key(b"D0", b'B', b'N');
    let nonce = [7u8; PAYCORE_AEAD_NONCE_LEN];
    let mut words = [0usize; 8];
    let base = words.as_mut_ptr();
    let mut out_words = [0usize; 8];
    let out_ptr: *mut u8 = out_words.as_mut_ptr().cast();
    let mut out_len = 0usize;
    // SAFETY: `words` valid for 64 bytes; `out_len` points at its first word.
    let rc = unsafe {
        paycore_aead_seal(
            k,
            nonce.as_ptr(),
            null(),
            0,
            base.cast_const().cast(),
            16,
            out_ptr,
            64,
            base,
        )
    };
    assert_eq!(rc, INVALID);
    // `*out_len` inside the output buffer itself.

    // SAFETY: `out_words` valid for 64 bytes, `out_len` an aligned word inside it.
    let rc = unsafe {
        paycore_aead_seal(
            k,
            nonce.as_ptr(),
            null(),
            0,
            null(),
            0,
            out_ptr,
            40,
            out_ptr.add(32).cast(),
        )
    };
    assert_eq!(rc, INVALID);
    // SAFETY: all disjoint.
    let rc = unsafe {
        paycore_aead_seal(
            k,
            nonce.as_ptr(),
            null(),
            0,
            null(),
            0,
            out_ptr,
            64,
            &mut out_len,
        )
    };
    assert_eq!((rc, out_len), (OK, PAYCORE_AEAD_TAG_LEN));
    free(k);
}

#[test]
fn pan_mask_onto_its_input_is_refused() {
    let mut buf = *b"4111111111111111________________";
    let base = buf.as_mut_ptr();
    let mut out_len = 0usize;
    // SAFETY: both ranges inside `buf`.
    let rc = unsafe { paycore_pan_mask(base.cast_const(), 16, base.add(8), 24, &mut out_len) };
    assert_eq!(rc, INVALID);
    // SAFETY: disjoint ranges inside `buf`.
    let rc = unsafe { paycore_pan_mask(base.cast_const(), 16, base.add(16), 16, &mut out_len) };
    assert_eq!((rc, &buf[16..32]), (OK, &b"411111******1111"[..]));
}

#[test]
fn tr31_optional_block_onto_its_input_is_refused() {
    // ANSI X9 TR-31:2018 Annex A.7.3.1 key block (version C, one optional
    // block KS), as in tests/vectors/tr31.json id x9tr31-2018-a731-version-c-ks.
    let block = b"C0096B0TX12S0100KS1800604B120F9292800000BFB9B689CB567E66FC3FEE5AD5F52161FC6545B9D60989015D02155C";
    let mut buf = [0u8; 192];
    buf[..96].copy_from_slice(block);
    let base = buf.as_mut_ptr();
    let mut id = [0u8; 2];
    let mut out_len = 0usize;
    // SAFETY: every range inside `buf` or `id`; the block is 96 bytes.
    unsafe {
        // Output over the block (the overlapping copy of issue 11.4).
        let rc = paycore_tr31_optional_block(
            base.cast_const(),
            96,
            0,
            id.as_mut_ptr(),
            base.add(10),
            40,
            &mut out_len,
        );
        assert_eq!(rc, INVALID);
        // The two-byte id inside the block.
        let rc = paycore_tr31_optional_block(
            base.cast_const(),
            96,
            0,
            base.add(16),
            base.add(96),
            96,
            &mut out_len,
        );
        assert_eq!(rc, INVALID);
        let rc = paycore_tr31_optional_block(
            base.cast_const(),
            96,
            0,
            id.as_mut_ptr(),
            base.add(96),
            96,
            &mut out_len,
        );
        assert_eq!(rc, OK);
    }
    assert_eq!(&id, b"KS");
    assert_eq!(&buf[96..96 + out_len], b"00604B120F9292800000");
    assert_eq!(&buf[..96], block);
}

#[test]
fn scopes_are_per_call() {
    // The ranges of one call do not leak into the next.
    let mut buf = *b"4111111111111111________________";
    let base = buf.as_mut_ptr();
    let mut out_len = 0usize;
    for _ in 0..3 {
        // SAFETY: disjoint ranges inside `buf`.
        let rc = unsafe { paycore_pan_mask(base.add(16).cast_const(), 0, base, 16, &mut out_len) };
        assert_eq!(rc, paycore_result::InvalidPan);
        // SAFETY: as above, roles swapped.
        let rc = unsafe { paycore_pan_mask(base.cast_const(), 16, base.add(16), 16, &mut out_len) };
        assert_eq!(rc, OK);
    }
}

#[test]
fn lengths_above_isize_max_are_refused() {
    let data = [0x5au8; 8];
    let mut out = [0x33u8; 16];
    let mut out_len = 0usize;
    let mut count = 0usize;
    let mut found = false;
    let mut tlv = paycore_tlv::default();
    let over = isize::MAX.unsigned_abs() + 1;
    for len in [usize::MAX, over] {
        // SAFETY: the lengths are refused before any read or write.
        unsafe {
            assert_eq!(
                paycore_tlv_validate(data.as_ptr(), len, &mut count),
                INVALID
            );
            assert_eq!(
                paycore_tlv_next(data.as_ptr(), len, 0, &mut found, &mut tlv),
                INVALID
            );
            assert_eq!(paycore_qr_parse(data.as_ptr(), len), INVALID);
            assert_eq!(
                paycore_pan_mask(data.as_ptr(), len, out.as_mut_ptr(), 16, &mut out_len),
                INVALID
            );
            assert_eq!(
                paycore_pan_mask(data.as_ptr(), 0, out.as_mut_ptr(), len, &mut out_len),
                INVALID
            );
        }
    }
    assert_eq!(out, [0x33u8; 16]);
    let k = key(b"M6", b'C', b'N');
    // SAFETY: as above.
    let rc = unsafe {
        paycore_mac_generate(
            k,
            PAYCORE_MAC_ALG_CMAC,
            PAYCORE_MAC_PADDING_NONE,
            data.as_ptr(),
            usize::MAX,
            8,
            out.as_mut_ptr(),
            16,
            &mut out_len,
        )
    };
    assert_eq!(rc, INVALID);
    // A non-exportable key: the failure would zero `out_cap` bytes.
    // SAFETY: as above.
    let rc = unsafe { paycore_key_export(k, out.as_mut_ptr(), usize::MAX, &mut out_len) };
    assert_eq!(rc, INVALID);
    assert_eq!(out, [0x33u8; 16], "an impossible capacity is not wiped");
    // SAFETY: valid lengths.
    let rc = unsafe {
        paycore_mac_generate(
            k,
            PAYCORE_MAC_ALG_CMAC,
            PAYCORE_MAC_PADDING_NONE,
            data.as_ptr(),
            8,
            8,
            out.as_mut_ptr(),
            16,
            &mut out_len,
        )
    };
    assert_eq!((rc, out_len), (OK, 8));
    free(k);
}

#[test]
fn wrong_type_handles_are_refused() {
    let k = key(b"M6", b'C', b'E');
    let mut mac = null_mut();
    // SAFETY: live key, valid out-pointer.
    assert_eq!(
        // SAFETY: live key, valid out-pointer.
        unsafe { paycore_mac_new(k, PAYCORE_MAC_ALG_CMAC, PAYCORE_MAC_PADDING_NONE, &mut mac) },
        OK
    );
    let mut out = [0u8; 32];
    let mut out_len = 0usize;
    // SAFETY: each handle is a live paycore handle of another type.
    unsafe {
        assert_eq!(
            paycore_key_export(mac.cast(), out.as_mut_ptr(), 32, &mut out_len),
            INVALID
        );
        assert_eq!(paycore_mac_update(k.cast(), out.as_ptr(), 4), INVALID);
        assert_eq!(
            paycore_mac_finalize(k.cast(), 8, out.as_mut_ptr(), 32, &mut out_len),
            INVALID
        );
        let mut algorithm = 0u32;
        assert_eq!(paycore_key_algorithm(mac.cast(), &mut algorithm), INVALID);
        // A free of the wrong type is a no-op: both handles stay usable.
        paycore_mac_free(k.cast());
        paycore_key_free(mac.cast());
        assert_eq!(paycore_key_algorithm(k, &mut algorithm), OK);
        assert_eq!(algorithm, PAYCORE_ALGORITHM_AES128);
        assert_eq!(paycore_mac_update(mac, out.as_ptr(), 4), OK);
        assert_eq!(
            paycore_key_export(k, out.as_mut_ptr(), 32, &mut out_len),
            OK
        );
        assert_eq!(out_len, 16);
        paycore_mac_free(mac);
    }
    free(k);
}

#[test]
fn a_handle_is_not_an_output_buffer() {
    let k = key(b"M6", b'C', b'E');
    let mut out_len = 0usize;
    // SAFETY: the handle's memory is at least 16 bytes; refused before use.
    let rc = unsafe { paycore_key_export(k, k.cast(), 16, &mut out_len) };
    assert_eq!(rc, INVALID);
    let mut algorithm = 0u32;
    // SAFETY: the handle is intact.
    assert_eq!(unsafe { paycore_key_algorithm(k, &mut algorithm) }, OK);
    free(k);
}

/// Runs `f` on a buffer prefilled with `0xA5` and returns it.
fn prefilled(
    f: impl FnOnce(*mut u8, usize) -> paycore_result,
    expected: paycore_result,
) -> [u8; 16] {
    let mut buf = [0xA5u8; 16];
    assert_eq!(f(buf.as_mut_ptr(), buf.len()), expected);
    buf
}

#[test]
fn secret_outputs_are_zeroed_on_null_arguments() {
    let k = key(b"P0", b'B', b'N');
    let block = [0u8; 16];
    let pan = b"4111111111111111";
    let mut n = 0usize;
    let zero = [0u8; 16];
    let cases: [(&str, [u8; 16]); 7] = [
        (
            "decipher NULL key",
            prefilled(
                |o, c| {
                    // SAFETY: valid buffers; NULL where the case wants it.
                    unsafe {
                        paycore_pin_block_decipher(
                            null(),
                            PAYCORE_PIN_FORMAT_ISO0,
                            block.as_ptr(),
                            8,
                            pan.as_ptr(),
                            16,
                            o,
                            c,
                            &mut n,
                        )
                    }
                },
                NULL,
            ),
        ),
        (
            "decipher NULL block",
            prefilled(
                |o, c| {
                    // SAFETY: valid buffers; NULL where the case wants it.
                    unsafe {
                        paycore_pin_block_decipher(
                            k,
                            PAYCORE_PIN_FORMAT_ISO0,
                            null(),
                            8,
                            pan.as_ptr(),
                            16,
                            o,
                            c,
                            &mut n,
                        )
                    }
                },
                NULL,
            ),
        ),
        (
            "decipher NULL out_len",
            prefilled(
                |o, c| {
                    // SAFETY: valid buffers; NULL where the case wants it.
                    unsafe {
                        paycore_pin_block_decipher(
                            k,
                            PAYCORE_PIN_FORMAT_ISO0,
                            block.as_ptr(),
                            8,
                            pan.as_ptr(),
                            16,
                            o,
                            c,
                            null_mut(),
                        )
                    }
                },
                NULL,
            ),
        ),
        (
            "decode NULL block",
            prefilled(
                |o, c| {
                    // SAFETY: valid buffers; NULL where the case wants it.
                    unsafe {
                        paycore_pin_block_decode(
                            PAYCORE_PIN_FORMAT_ISO0,
                            null(),
                            8,
                            pan.as_ptr(),
                            16,
                            o,
                            c,
                            &mut n,
                        )
                    }
                },
                NULL,
            ),
        ),
        (
            "encode NULL pin",
            prefilled(
                |o, c| {
                    // SAFETY: valid buffers; NULL where the case wants it.
                    unsafe {
                        paycore_pin_block_encode(
                            PAYCORE_PIN_FORMAT_ISO0,
                            null(),
                            4,
                            pan.as_ptr(),
                            16,
                            null(),
                            0,
                            o,
                            c,
                            &mut n,
                        )
                    }
                },
                NULL,
            ),
        ),
        (
            "aead_open NULL key",
            prefilled(
                |o, c| {
                    // SAFETY: valid buffers; NULL where the case wants it.
                    unsafe {
                        paycore_aead_open(
                            null(),
                            block.as_ptr(),
                            null(),
                            0,
                            block.as_ptr(),
                            16,
                            o,
                            c,
                            &mut n,
                        )
                    }
                },
                NULL,
            ),
        ),
        (
            "aead_open NULL nonce",
            prefilled(
                |o, c| {
                    // SAFETY: valid buffers; NULL where the case wants it.
                    unsafe {
                        paycore_aead_open(k, null(), null(), 0, block.as_ptr(), 16, o, c, &mut n)
                    }
                },
                NULL,
            ),
        ),
    ];
    for (name, buf) in cases {
        assert_eq!(buf, zero, "{name}");
    }
    // Control: a failure before any secret output exists leaves a
    // non-secret output alone.
    let untouched = prefilled(
        |o, c| unsafe {
            // SAFETY: valid buffers; NULL key.
            paycore_mac_generate(
                null(),
                PAYCORE_MAC_ALG_CMAC,
                PAYCORE_MAC_PADDING_NONE,
                null(),
                0,
                8,
                o,
                c,
                &mut n,
            )
        },
        NULL,
    );
    assert_eq!(untouched, [0xA5u8; 16]);
    free(k);
}

#[test]
fn a_secret_output_overlapping_an_input_is_refused_and_left_alone() {
    // ISO 9564-1 format 0 clear block for PIN 1234, PAN 4111111111111111:
    // 041234FFFFFFFFFF xor 0000111111111111 (§9.3.1).
    let mut buf = [0u8; 16];
    buf[..8].copy_from_slice(&[0x04, 0x12, 0x25, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE]);
    let pan = b"4111111111111111";
    let base = buf.as_mut_ptr();
    let mut n = 0usize;
    // SAFETY: ranges inside `buf`; the output overlaps the block.
    let rc = unsafe {
        paycore_pin_block_decode(
            PAYCORE_PIN_FORMAT_ISO0,
            base.cast_const(),
            8,
            pan.as_ptr(),
            16,
            base.add(4),
            12,
            &mut n,
        )
    };
    assert_eq!(rc, INVALID);
    // Zeroing the output would destroy the input: both are left alone.
    assert_eq!(&buf[..8], &[0x04, 0x12, 0x25, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE]);
    // SAFETY: disjoint ranges inside `buf`.
    let rc = unsafe {
        paycore_pin_block_decode(
            PAYCORE_PIN_FORMAT_ISO0,
            base.cast_const(),
            8,
            pan.as_ptr(),
            16,
            base.add(8),
            8,
            &mut n,
        )
    };
    assert_eq!((rc, &buf[8..8 + n]), (OK, &b"1234"[..]));
}

/// The doc comment cbindgen wrote above `name` in the committed header.
fn header_doc(name: &str) -> &'static str {
    const HEADER: &str = include_str!("../../../include/paycore.h");
    let at = HEADER
        .find(&format!("paycore_result {name}("))
        .expect("function in header");
    let before = &HEADER[..at];
    let start = before.rfind("/**").expect("doc comment");
    &before[start..]
}

#[test]
fn header_documents_the_codes_actually_returned() {
    // Issue 11.12: a refused persist returns STATE_NOT_PERSISTED (403), not
    // UNSUPPORTED (test_dukpt.c checks the behaviour).
    for name in [
        "paycore_dukpt_originator_next",
        "paycore_dukpt_originator_update_initial_key",
    ] {
        let doc = header_doc(name);
        assert!(doc.contains("PAYCORE_RESULT_STATE_NOT_PERSISTED"), "{name}");
    }
    // AES-GCM refuses a `K0` key, and the header says so.
    let k0 = key(b"K0", b'B', b'N');
    let mut out = [0u8; 32];
    let mut out_len = 0usize;
    let nonce = [0u8; PAYCORE_AEAD_NONCE_LEN];
    // SAFETY: valid buffers and a live key.
    let rc = unsafe {
        paycore_aead_seal(
            k0,
            nonce.as_ptr(),
            null(),
            0,
            null(),
            0,
            out.as_mut_ptr(),
            32,
            &mut out_len,
        )
    };
    assert_eq!(rc, paycore_result::KeyUsage);
    free(k0);
    let doc = header_doc("paycore_aead_seal");
    assert!(!doc.contains("`D0` or"), "K0 documented as accepted");
    assert!(doc.contains("`K0` included"));
}
