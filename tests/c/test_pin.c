/* PIN blocks through the C ABI, against tests/vectors/pin.json (the same
 * file the Rust tests read; sources cited there), plus error paths. */
#include "paycore.h"
#include "test_util.h"

static paycore_key *pin_key(const char *hex, int aes) {
    unsigned char material[32];
    paycore_key *key = NULL;
    int n = hex_decode(hex, material, sizeof material);
    uint32_t alg = aes ? (n == 16 ? PAYCORE_ALGORITHM_AES128
                                  : n == 24 ? PAYCORE_ALGORITHM_AES192
                                            : PAYCORE_ALGORITHM_AES256)
                       : (n == 16 ? PAYCORE_ALGORITHM_TDES2 : PAYCORE_ALGORITHM_TDES3);
    CHECK_RC(paycore_key_new(alg, material, (size_t)n, (const uint8_t *)"P0", 'B', 'E', &key),
             PAYCORE_RESULT_OK);
    return key;
}

static void run_vectors(void) {
    char *json = read_file("tests/vectors/pin.json");
    const char *cursor, *s, *e;
    int ran = 0, short_pans = 0;
    CHECK(json != NULL);
    if (!json) return;
    cursor = json;
    while (next_vector(json, &cursor, &s, &e)) {
        char kind[32], format[4], key_hex[80], pin[16], pan[24], fill[40], want[80], block[130];
        unsigned char out[32], blk[64], expect[32];
        size_t out_len = 0;
        uint32_t fmt;
        if (!field(s, e, "kind", kind, sizeof kind) || !field(s, e, "format", format, sizeof format))
            continue;
        fmt = (uint32_t)atoi(format);
        if (!field(s, e, "pan", pan, sizeof pan)) pan[0] = '\0';
        /* ISO 9564-1: PANs of 1-11 digits are right-justified, zero-padded. */
        if (strlen(pan) >= 1 && strlen(pan) < 12) short_pans++;
        if (strcmp(kind, "encipher") == 0) {
            paycore_key *key;
            int n;
            field(s, e, "key", key_hex, sizeof key_hex);
            field(s, e, "pin", pin, sizeof pin);
            if (!field(s, e, "fill", fill, sizeof fill)) fill[0] = '\0';
            field(s, e, "enciphered_block", want, sizeof want);
            key = pin_key(key_hex, fmt == 4);
            n = hex_decode(want, expect, sizeof expect);
            CHECK_RC(paycore_pin_block_encipher(key, fmt, (const uint8_t *)pin, strlen(pin),
                                                (const uint8_t *)pan, strlen(pan),
                                                (const uint8_t *)fill, strlen(fill), out,
                                                sizeof out, &out_len),
                     PAYCORE_RESULT_OK);
            CHECK((int)out_len == n && memcmp(out, expect, out_len) == 0);
            paycore_key_free(key);
            ran++;
        } else if (strcmp(kind, "decipher") == 0) {
            paycore_key *key;
            int n;
            field(s, e, "key", key_hex, sizeof key_hex);
            field(s, e, "enciphered_block", block, sizeof block);
            field(s, e, "pin", want, sizeof want);
            key = pin_key(key_hex, fmt == 4);
            n = hex_decode(block, blk, sizeof blk);
            CHECK_RC(paycore_pin_block_decipher(key, fmt, blk, (size_t)n, (const uint8_t *)pan,
                                                strlen(pan), out, sizeof out, &out_len),
                     PAYCORE_RESULT_OK);
            CHECK(out_len == strlen(want) && memcmp(out, want, out_len) == 0);
            paycore_key_free(key);
            ran++;
        } else if (strcmp(kind, "encode") == 0) {
            int n;
            field(s, e, "pin", pin, sizeof pin);
            if (!field(s, e, "fill", fill, sizeof fill)) fill[0] = '\0';
            field(s, e, "clear_block", want, sizeof want);
            n = hex_decode(want, expect, sizeof expect);
            CHECK_RC(paycore_pin_block_encode(fmt, (const uint8_t *)pin, strlen(pin),
                                              (const uint8_t *)pan, strlen(pan),
                                              (const uint8_t *)fill, strlen(fill), out,
                                              sizeof out, &out_len),
                     PAYCORE_RESULT_OK);
            CHECK((int)out_len == n && memcmp(out, expect, out_len) == 0);
            ran++;
        } else if (strcmp(kind, "decode") == 0) {
            int n;
            field(s, e, "clear_block", block, sizeof block);
            field(s, e, "pin", want, sizeof want);
            n = hex_decode(block, blk, sizeof blk);
            CHECK_RC(paycore_pin_block_decode(fmt, blk, (size_t)n, (const uint8_t *)pan,
                                              strlen(pan), out, sizeof out, &out_len),
                     PAYCORE_RESULT_OK);
            CHECK(out_len == strlen(want) && memcmp(out, want, out_len) == 0);
            ran++;
        } else if (strcmp(kind, "reject_decode") == 0) {
            int n;
            field(s, e, "clear_block", block, sizeof block);
            n = hex_decode(block, blk, sizeof blk);
            if (n < 0) continue; /* not hex: a CLI-level rejection, not a block */
            memset(out, 0xAA, sizeof out);
            CHECK(paycore_pin_block_decode(fmt, blk, (size_t)n, (const uint8_t *)pan, strlen(pan),
                                           out, sizeof out, &out_len) != PAYCORE_RESULT_OK);
            CHECK(out[0] == 0 && out[sizeof out - 1] == 0); /* zeroed on failure */
            ran++;
        }
    }
    CHECK(ran >= 40);
    CHECK(short_pans >= 14);
    free(json);
}

static void error_paths(void) {
    unsigned char out[16], material[16];
    size_t out_len = 0;
    paycore_key *mac = NULL, *pek;
    const char *pan = "4111111111111111";
    /* A MAC key cannot encipher a PIN. */
    memset(material, 0x11, sizeof material);
    CHECK_RC(paycore_key_new(PAYCORE_ALGORITHM_TDES2, material, 16, (const uint8_t *)"M3", 'C',
                             'E', &mac),
             PAYCORE_RESULT_OK);
    CHECK_RC(paycore_pin_block_encipher(mac, PAYCORE_PIN_FORMAT_ISO0, (const uint8_t *)"1234", 4,
                                        (const uint8_t *)pan, 16, NULL, 0, out, sizeof out,
                                        &out_len),
             PAYCORE_RESULT_KEY_USAGE);
    /* TDES key with format 4: wrong algorithm. */
    pek = pin_key("0123456789ABCDEFFEDCBA9876543210", 0);
    CHECK_RC(paycore_pin_block_encipher(pek, PAYCORE_PIN_FORMAT_ISO4, (const uint8_t *)"1234", 4,
                                        (const uint8_t *)pan, 16, NULL, 0, out, sizeof out,
                                        &out_len),
             PAYCORE_RESULT_INVALID_KEY);
    /* Short buffer reports the size; bad format; bad PIN; NULLs. */
    CHECK_RC(paycore_pin_block_encipher(pek, PAYCORE_PIN_FORMAT_ISO0, (const uint8_t *)"1234", 4,
                                        (const uint8_t *)pan, 16, NULL, 0, out, 4, &out_len),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(out_len == 8);
    CHECK_RC(paycore_pin_block_encipher(pek, 9, (const uint8_t *)"1234", 4, (const uint8_t *)pan,
                                        16, NULL, 0, out, sizeof out, &out_len),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_pin_block_encipher(pek, PAYCORE_PIN_FORMAT_ISO0, (const uint8_t *)"12", 2,
                                        (const uint8_t *)pan, 16, NULL, 0, out, sizeof out,
                                        &out_len),
             PAYCORE_RESULT_INVALID_PIN);
    CHECK_RC(paycore_pin_block_encipher(NULL, PAYCORE_PIN_FORMAT_ISO0, (const uint8_t *)"1234",
                                        4, (const uint8_t *)pan, 16, NULL, 0, out, sizeof out,
                                        &out_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_pin_block_encipher(pek, PAYCORE_PIN_FORMAT_ISO0, NULL, 4,
                                        (const uint8_t *)pan, 16, NULL, 0, out, sizeof out,
                                        &out_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    /* Translation: 0 -> 0 under another key works; 0 -> 1 is forbidden. */
    {
        unsigned char block[8], moved[8], pin_out[12];
        size_t block_len = 0, moved_len = 0, pin_len = 0;
        paycore_key *zpk = pin_key("89ABCDEF0123456776543210FEDCBA98", 0);
        CHECK_RC(paycore_pin_block_encipher(pek, PAYCORE_PIN_FORMAT_ISO3,
                                            (const uint8_t *)"123456", 6, (const uint8_t *)pan,
                                            16, NULL, 0, block, sizeof block, &block_len),
                 PAYCORE_RESULT_OK);
        CHECK_RC(paycore_pin_block_translate(pek, PAYCORE_PIN_FORMAT_ISO3, block, block_len, zpk,
                                             PAYCORE_PIN_FORMAT_ISO0, (const uint8_t *)pan, 16,
                                             moved, sizeof moved, &moved_len),
                 PAYCORE_RESULT_OK);
        CHECK_RC(paycore_pin_block_decipher(zpk, PAYCORE_PIN_FORMAT_ISO0, moved, moved_len,
                                            (const uint8_t *)pan, 16, pin_out, sizeof pin_out,
                                            &pin_len),
                 PAYCORE_RESULT_OK);
        CHECK(pin_len == 6 && memcmp(pin_out, "123456", 6) == 0);
        CHECK_RC(paycore_pin_block_translate(pek, PAYCORE_PIN_FORMAT_ISO3, block, block_len, zpk,
                                             PAYCORE_PIN_FORMAT_ISO1, (const uint8_t *)pan, 16,
                                             moved, sizeof moved, &moved_len),
                 PAYCORE_RESULT_UNSUPPORTED);
        /* Wrong key: decipher fails and wipes the PIN output. */
        memset(pin_out, 0xAA, sizeof pin_out);
        CHECK(paycore_pin_block_decipher(zpk, PAYCORE_PIN_FORMAT_ISO3, block, block_len,
                                         (const uint8_t *)pan, 16, pin_out, sizeof pin_out,
                                         &pin_len) != PAYCORE_RESULT_OK);
        CHECK(pin_out[0] == 0 && pin_out[11] == 0);
        paycore_key_free(zpk);
    }
    /* PIN block PANs: 1-19 digits. A 1-digit PAN is accepted (its format 0
     * PAN field is all zeros); a non-digit or a 20th digit is refused, and
     * an empty PAN means "none", which a PAN-bound format refuses. */
    {
        unsigned char blk[8];
        size_t blk_len = 0;
        CHECK_RC(paycore_pin_block_encode(PAYCORE_PIN_FORMAT_ISO0, (const uint8_t *)"1234", 4,
                                          (const uint8_t *)"7", 1, NULL, 0, blk, sizeof blk,
                                          &blk_len),
                 PAYCORE_RESULT_OK);
        CHECK(blk_len == 8 && bytes_eq_hex(blk, 8, "041234FFFFFFFFFF"));
        CHECK_RC(paycore_pin_block_encode(PAYCORE_PIN_FORMAT_ISO0, (const uint8_t *)"1234", 4,
                                          (const uint8_t *)"12a45", 5, NULL, 0, blk, sizeof blk,
                                          &blk_len),
                 PAYCORE_RESULT_INVALID_PAN);
        CHECK_RC(paycore_pin_block_encode(PAYCORE_PIN_FORMAT_ISO0, (const uint8_t *)"1234", 4,
                                          (const uint8_t *)"12345678901234567890", 20, NULL, 0,
                                          blk, sizeof blk, &blk_len),
                 PAYCORE_RESULT_INVALID_PAN);
        CHECK(paycore_pin_block_encode(PAYCORE_PIN_FORMAT_ISO0, (const uint8_t *)"1234", 4,
                                       (const uint8_t *)"", 0, NULL, 0, blk, sizeof blk,
                                       &blk_len) != PAYCORE_RESULT_OK);
    }
    paycore_key_free(pek);
    paycore_key_free(mac);
}

int main(void) {
    run_vectors();
    error_paths();
    return test_report("test_pin");
}
