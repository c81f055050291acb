/* The C boundary rules (README "C ABI"): lengths above PTRDIFF_MAX,
 * overlapping buffers, tagged handles, and secret outputs zeroed on
 * NULL-argument errors. Each case was undefined behaviour, an abort or a
 * wrong answer before the checks in bindings/c/src/io.rs. */
#include <stdint.h>

#include "paycore.h"
#include "test_util.h"

#define FILL 0xA5

/* A 16-byte AES key (its value does not matter here). */
static paycore_key *aes_key(const char *usage, char mode, char export_) {
    static const uint8_t material[16] = {0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c,
                                         0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30, 0x83, 0x08};
    paycore_key *key = NULL;
    CHECK_RC(paycore_key_new(PAYCORE_ALGORITHM_AES128, material, sizeof material,
                             (const uint8_t *)usage, (uint8_t)mode, (uint8_t)export_, &key),
             PAYCORE_RESULT_OK);
    return key;
}

/* A TDES key for ISO 9564 format 0. */
static paycore_key *tdes_pin_key(void) {
    static const uint8_t material[16] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
                                         0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};
    paycore_key *key = NULL;
    CHECK_RC(paycore_key_new(PAYCORE_ALGORITHM_TDES2, material, sizeof material,
                             (const uint8_t *)"P0", 'B', 'N', &key),
             PAYCORE_RESULT_OK);
    return key;
}

static int all_bytes(const uint8_t *p, size_t n, uint8_t value) {
    size_t i;
    for (i = 0; i < n; i++) {
        if (p[i] != value) return 0;
    }
    return 1;
}

/* 11.6: a length above PTRDIFF_MAX is refused before any slice is made
 * (it aborted in a debug build, and read or wrote out of bounds in
 * release). */
static void test_lengths(void) {
    static const uint8_t data[8] = {0x5a, 0x08, 0x41, 0x11, 0x11, 0x11, 0x11, 0x11};
    const size_t lens[2] = {SIZE_MAX, (size_t)PTRDIFF_MAX + 1};
    uint8_t out[16];
    size_t out_len = 0, count = 0, i;
    bool found = false;
    paycore_tlv tlv;
    paycore_key *mac_key = aes_key("M6", 'C', 'N');
    memset(out, FILL, sizeof out);
    for (i = 0; i < 2; i++) {
        CHECK_RC(paycore_tlv_validate(data, lens[i], &count), PAYCORE_RESULT_INVALID_ARGUMENT);
        CHECK_RC(paycore_tlv_next(data, lens[i], 0, &found, &tlv),
                 PAYCORE_RESULT_INVALID_ARGUMENT);
        CHECK_RC(paycore_qr_parse(data, lens[i]), PAYCORE_RESULT_INVALID_ARGUMENT);
        CHECK_RC(paycore_pan_mask(data, lens[i], out, sizeof out, &out_len),
                 PAYCORE_RESULT_INVALID_ARGUMENT);
        CHECK_RC(paycore_pan_mask((const uint8_t *)"4111111111111111", 16, out, lens[i], &out_len),
                 PAYCORE_RESULT_INVALID_ARGUMENT);
        CHECK_RC(paycore_mac_generate(mac_key, PAYCORE_MAC_ALG_CMAC, PAYCORE_MAC_PADDING_NONE, data,
                                      lens[i], 8, out, sizeof out, &out_len),
                 PAYCORE_RESULT_INVALID_ARGUMENT);
        /* A non-exportable key: the refusal used to zero out_cap bytes. */
        CHECK_RC(paycore_key_export(mac_key, out, lens[i], &out_len),
                 PAYCORE_RESULT_INVALID_ARGUMENT);
    }
    CHECK(all_bytes(out, sizeof out, FILL));
    /* The same calls with real lengths still work. */
    CHECK_RC(paycore_tlv_validate(data, 0, &count), PAYCORE_RESULT_OK);
    CHECK_RC(paycore_mac_generate(mac_key, PAYCORE_MAC_ALG_CMAC, PAYCORE_MAC_PADDING_NONE, data,
                                  sizeof data, 8, out, sizeof out, &out_len),
             PAYCORE_RESULT_OK);
    CHECK(out_len == 8);
    CHECK_RC(paycore_key_export(mac_key, out, sizeof out, &out_len), PAYCORE_RESULT_KEY_USAGE);
    CHECK(all_bytes(out, sizeof out, 0));
    paycore_key_free(mac_key);
}

/* 11.7: secret outputs are zeroed on every failure, NULL arguments
 * included (they used to keep the caller's old contents). */
static void test_secret_outputs_zeroed(void) {
    static const uint8_t block[16] = {0};
    static const uint8_t nonce[PAYCORE_AEAD_NONCE_LEN] = {0};
    const uint8_t *pan = (const uint8_t *)"4111111111111111";
    paycore_key *pin_key = tdes_pin_key();
    paycore_key *aead_key = aes_key("D0", 'B', 'N');
    uint8_t out[32];
    size_t n = 0;

#define PREFILLED_CALL(call)                                                   \
    do {                                                                       \
        memset(out, FILL, sizeof out);                                         \
        CHECK_RC(call, PAYCORE_RESULT_NULL_PARAMETER);                         \
        CHECK(all_bytes(out, sizeof out, 0));                                  \
    } while (0)

    PREFILLED_CALL(paycore_pin_block_decipher(NULL, PAYCORE_PIN_FORMAT_ISO0, block, 8, pan, 16,
                                              out, sizeof out, &n));
    PREFILLED_CALL(paycore_pin_block_decipher(pin_key, PAYCORE_PIN_FORMAT_ISO0, NULL, 8, pan, 16,
                                              out, sizeof out, &n));
    PREFILLED_CALL(paycore_pin_block_decipher(pin_key, PAYCORE_PIN_FORMAT_ISO0, block, 8, NULL,
                                              16, out, sizeof out, &n));
    PREFILLED_CALL(paycore_pin_block_decipher(pin_key, PAYCORE_PIN_FORMAT_ISO0, block, 8, pan, 16,
                                              out, sizeof out, NULL));
    PREFILLED_CALL(paycore_pin_block_decode(PAYCORE_PIN_FORMAT_ISO0, NULL, 8, pan, 16, out,
                                            sizeof out, &n));
    PREFILLED_CALL(paycore_pin_block_decode(PAYCORE_PIN_FORMAT_ISO0, block, 8, NULL, 16, out,
                                            sizeof out, &n));
    PREFILLED_CALL(paycore_pin_block_decode(PAYCORE_PIN_FORMAT_ISO0, block, 8, pan, 16, out,
                                            sizeof out, NULL));
    PREFILLED_CALL(paycore_pin_block_encode(PAYCORE_PIN_FORMAT_ISO0, NULL, 4, pan, 16, NULL, 0,
                                            out, sizeof out, &n));
    PREFILLED_CALL(paycore_pin_block_encode(PAYCORE_PIN_FORMAT_ISO0, (const uint8_t *)"1234", 4,
                                            NULL, 16, NULL, 0, out, sizeof out, &n));
    PREFILLED_CALL(paycore_pin_block_encode(PAYCORE_PIN_FORMAT_ISO0, (const uint8_t *)"1234", 4,
                                            pan, 16, NULL, 0, out, sizeof out, NULL));
    PREFILLED_CALL(paycore_aead_open(NULL, nonce, NULL, 0, block, 16, out, sizeof out, &n));
    PREFILLED_CALL(paycore_aead_open(aead_key, NULL, NULL, 0, block, 16, out, sizeof out, &n));
    PREFILLED_CALL(paycore_aead_open(aead_key, nonce, NULL, 4, block, 16, out, sizeof out, &n));
    PREFILLED_CALL(paycore_aead_open(aead_key, nonce, NULL, 0, NULL, 16, out, sizeof out, &n));
    PREFILLED_CALL(paycore_aead_open(aead_key, nonce, NULL, 0, block, 16, out, sizeof out, NULL));
    PREFILLED_CALL(paycore_key_export(NULL, out, sizeof out, &n));
    PREFILLED_CALL(paycore_key_export(aead_key, out, sizeof out, NULL));
    /* The other secret outputs (audit): a NULL out_len or input. */
    PREFILLED_CALL(paycore_pan_bcd_expose(block, 8, out, sizeof out, NULL));
    PREFILLED_CALL(paycore_open(NULL, NULL, 0, block, 16, out, sizeof out, &n));
    PREFILLED_CALL(paycore_open(NULL, NULL, 0, block, 16, out, sizeof out, NULL));
    PREFILLED_CALL(paycore_signing_key_dangerous_export_scalar(NULL, out, sizeof out, &n));
    PREFILLED_CALL(paycore_signing_key_dangerous_export_scalar(NULL, out, sizeof out, NULL));
    PREFILLED_CALL(paycore_track_expose_pan(PAYCORE_TRACK_KIND_TRACK2, NULL, 16, out, sizeof out,
                                            &n));
    PREFILLED_CALL(paycore_track_expose_pan(PAYCORE_TRACK_KIND_TRACK2, block, 16, out, sizeof out,
                                            NULL));
    PREFILLED_CALL(paycore_track_expose_discretionary(PAYCORE_TRACK_KIND_TRACK2, block, 16, out,
                                                      sizeof out, NULL));
    PREFILLED_CALL(paycore_track_expose_name(PAYCORE_TRACK_KIND_TRACK1, block, 16, out,
                                             sizeof out, NULL));
    PREFILLED_CALL(paycore_track_encode(PAYCORE_TRACK_KIND_TRACK2, block, 16,
                                        PAYCORE_TRACK_KIND_TRACK2, 0, out, sizeof out, NULL));
    PREFILLED_CALL(paycore_track_build(PAYCORE_TRACK_KIND_TRACK2, pan, 16, NULL, 0, NULL, NULL, 0,
                                       0, out, sizeof out, &n));
#undef PREFILLED_CALL

    /* Control: a non-secret output is not touched by a NULL argument. */
    memset(out, FILL, sizeof out);
    CHECK_RC(paycore_pin_block_encipher(NULL, PAYCORE_PIN_FORMAT_ISO0, (const uint8_t *)"1234", 4,
                                        pan, 16, NULL, 0, out, sizeof out, &n),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK(all_bytes(out, sizeof out, FILL));
    paycore_key_free(pin_key);
    paycore_key_free(aead_key);
}

/* 11.11: a handle of the wrong type is refused instead of being used as
 * the expected type. */
static void test_wrong_type_handles(void) {
    paycore_key *key = aes_key("M6", 'C', 'E');
    paycore_mac *mac = NULL;
    paycore_signing_key *signing = NULL;
    uint8_t out[96];
    size_t n = 0;
    uint32_t code = 0;
    CHECK_RC(paycore_mac_new(key, PAYCORE_MAC_ALG_CMAC, PAYCORE_MAC_PADDING_NONE, &mac),
             PAYCORE_RESULT_OK);
    CHECK_RC(paycore_signing_key_generate(&signing), PAYCORE_RESULT_OK);

    /* A MAC state where a key is expected (this exported 0 bytes with OK). */
    CHECK_RC(paycore_key_export((const paycore_key *)mac, out, sizeof out, &n),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_key_algorithm((const paycore_key *)signing, &code),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_mac_generate((const paycore_key *)signing, PAYCORE_MAC_ALG_CMAC,
                                  PAYCORE_MAC_PADDING_NONE, out, 4, 8, out + 8, 8, &n),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    /* A key where a MAC state, a signing key, a recipient key or a DUKPT
     * handle is expected. */
    CHECK_RC(paycore_mac_update((paycore_mac *)key, out, 4), PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_mac_finalize((paycore_mac *)key, 8, out, sizeof out, &n),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_signing_key_public_key((const paycore_signing_key *)key,
                                            PAYCORE_PUBLIC_KEY_SEC1_UNCOMPRESSED, out, sizeof out,
                                            &n),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_recipient_key_public_key((const paycore_recipient_key *)signing, out,
                                              sizeof out, &n),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_dukpt_tx_ksn((const paycore_dukpt_tx *)key, out, sizeof out, &n),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_dukpt_originator_flavour((const paycore_dukpt_originator *)mac, &code),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    /* A free of the wrong type is a no-op: every handle still works. */
    paycore_mac_free((paycore_mac *)key);
    paycore_key_free((paycore_key *)signing);
    paycore_signing_key_free((paycore_signing_key *)mac);
    CHECK_RC(paycore_key_algorithm(key, &code), PAYCORE_RESULT_OK);
    CHECK(code == PAYCORE_ALGORITHM_AES128);
    CHECK_RC(paycore_mac_update(mac, out, 4), PAYCORE_RESULT_OK);
    CHECK_RC(paycore_signing_key_public_key(signing, PAYCORE_PUBLIC_KEY_SEC1_UNCOMPRESSED, out,
                                            sizeof out, &n),
             PAYCORE_RESULT_OK);
    CHECK(n == PAYCORE_P256_SEC1_UNCOMPRESSED_LEN);
    paycore_mac_free(mac);
    paycore_signing_key_free(signing);
    paycore_key_free(key);
}

/* 11.4: an output may not overlap an input (or another output). */
static void test_aliasing(void) {
    /* ANSI X9 TR-31:2018 Annex A.7.3.1 key block, as in tests/vectors/tr31.json
     * id x9tr31-2018-a731-version-c-ks. */
    static const char tr31[] = "C0096B0TX12S0100KS1800604B120F9292800000BFB9B689CB567E66FC3FEE5AD5F"
                               "52161FC6545B9D60989015D02155C";
    static const uint8_t nonce[PAYCORE_AEAD_NONCE_LEN] = {0};
    paycore_key *key = aes_key("D0", 'B', 'N');
    uint8_t buf[192], id[2];
    size_t n = 0;

    /* AES-GCM in place. */
    memset(buf, 0x42, sizeof buf);
    CHECK_RC(paycore_aead_seal(key, nonce, NULL, 0, buf, 16, buf, sizeof buf, &n),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_aead_seal(key, nonce, buf + 4, 8, buf + 16, 16, buf, 16 + 16, &n),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK(all_bytes(buf, sizeof buf, 0x42));
    CHECK_RC(paycore_aead_seal(key, nonce, NULL, 0, buf, 16, buf + 16, 32, &n), PAYCORE_RESULT_OK);
    CHECK(n == 32);

    /* PAN masking onto its own digits. */
    memcpy(buf, "4111111111111111", 16);
    CHECK_RC(paycore_pan_mask(buf, 16, buf + 8, 16, &n), PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_pan_mask(buf, 16, buf + 16, 16, &n), PAYCORE_RESULT_OK);
    CHECK(n == 16 && memcmp(buf + 16, "411111******1111", 16) == 0);

    /* A TR-31 optional block copied over its own key block, or its id
     * written into it. */
    memcpy(buf, tr31, 96);
    CHECK_RC(paycore_tr31_optional_block(buf, 96, 0, id, buf + 10, 40, &n),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_tr31_optional_block(buf, 96, 0, buf + 16, buf + 96, 96, &n),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK(memcmp(buf, tr31, 96) == 0);
    CHECK_RC(paycore_tr31_optional_block(buf, 96, 0, id, buf + 96, 96, &n), PAYCORE_RESULT_OK);
    CHECK(n == 20 && memcmp(buf + 96, "00604B120F9292800000", 20) == 0 && memcmp(id, "KS", 2) == 0);

    /* *out_len inside the output buffer. */
    {
        size_t words[8];
        CHECK_RC(paycore_pan_mask((const uint8_t *)"4111111111111111", 16, (uint8_t *)words,
                                  sizeof words, &words[3]),
                 PAYCORE_RESULT_INVALID_ARGUMENT);
    }
    paycore_key_free(key);
}

int main(void) {
    test_lengths();
    test_secret_outputs_zeroed();
    test_wrong_type_handles();
    test_aliasing();
    return test_report("test_boundary");
}
