/* MACs through the C ABI: the shared vectors of tests/vectors/mac.json
 * (RFC 4493, NIST SP 800-38B, RFC 4868, psec, ANSI X9.24-1 Annex A; each
 * vector names its source), one-shot and streaming, tamper tests,
 * wrong-usage keys and every NULL / short-buffer / bad-argument path. */
#include "paycore.h"
#include "test_util.h"

#define VECTORS "tests/vectors/mac.json"

static paycore_key *make_key(uint32_t alg, const unsigned char *material, size_t len,
                             const char *usage, uint8_t mode) {
    paycore_key *key = NULL;
    CHECK_RC(paycore_key_new(alg, material, len, (const uint8_t *)usage, mode, 'N', &key),
             PAYCORE_RESULT_OK);
    return key;
}

/* Streams `msg` in chunks of `chunk` bytes and returns the result of finalize. */
static paycore_result stream_mac(const paycore_key *key, uint32_t alg, uint32_t pad,
                                 const unsigned char *msg, size_t len, size_t chunk,
                                 size_t mac_len, unsigned char *out, size_t *out_len) {
    paycore_mac *m = NULL;
    paycore_result rc = paycore_mac_new(key, alg, pad, &m);
    size_t off = 0;
    if (rc != PAYCORE_RESULT_OK) return rc;
    while (off < len) {
        size_t n = len - off < chunk ? len - off : chunk;
        rc = paycore_mac_update(m, msg + off, n);
        if (rc != PAYCORE_RESULT_OK) break;
        off += n;
    }
    if (rc == PAYCORE_RESULT_OK) rc = paycore_mac_finalize(m, mac_len, out, 64, out_len);
    paycore_mac_free(m);
    return rc;
}

static paycore_result stream_verify(const paycore_key *key, uint32_t alg, uint32_t pad,
                                    const unsigned char *msg, size_t len,
                                    const unsigned char *expected, size_t expected_len) {
    paycore_mac_verifier *v = NULL;
    paycore_result rc = paycore_mac_verifier_new(key, alg, pad, &v);
    if (rc != PAYCORE_RESULT_OK) return rc;
    if (len > 0) rc = paycore_mac_verifier_update(v, msg, len / 2);
    if (rc == PAYCORE_RESULT_OK) rc = paycore_mac_verifier_update(v, msg + len / 2, len - len / 2);
    if (rc == PAYCORE_RESULT_OK) rc = paycore_mac_verifier_verify(v, expected, expected_len);
    paycore_mac_verifier_free(v);
    return rc;
}

static int ran_vectors = 0;
static int skipped_vectors = 0;

static void test_vectors(void) {
    char *json = read_file(VECTORS);
    const char *cursor, *start, *end;
    CHECK(json != NULL);
    if (!json) return;
    cursor = json;
    while (next_vector(json, &cursor, &start, &end)) {
        char id[128], kind[64], key_hex[2 * PAYCORE_MAX_HMAC_KEY_LEN + 1], msg_hex[512],
            mac_hex[80], pad_s[8];
        unsigned char key_b[PAYCORE_MAX_HMAC_KEY_LEN], msg[256], want[40], got[64], bad[40];
        int key_len, msg_len, mac_len, i;
        uint32_t alg, key_alg, pad = PAYCORE_MAC_PADDING_NONE;
        const char *usage;
        size_t got_len = 0;
        paycore_key *key;
        CHECK(field(start, end, "id", id, sizeof id));
        CHECK(field(start, end, "kind", kind, sizeof kind));
        CHECK(field(start, end, "key", key_hex, sizeof key_hex));
        CHECK(field(start, end, "message", msg_hex, sizeof msg_hex));
        CHECK(field(start, end, "mac", mac_hex, sizeof mac_hex));
        key_len = hex_decode(key_hex, key_b, sizeof key_b);
        msg_len = hex_decode(msg_hex, msg, sizeof msg);
        mac_len = hex_decode(mac_hex, want, sizeof want);
        CHECK(key_len > 0 && msg_len >= 0 && mac_len >= 4);
        if (field(start, end, "padding", pad_s, sizeof pad_s)) pad = (uint32_t)atoi(pad_s);
        if (strcmp(kind, "aes_cmac") == 0) {
            alg = PAYCORE_MAC_ALG_CMAC; usage = "M6"; key_alg = PAYCORE_ALGORITHM_AES128;
        } else if (strcmp(kind, "tdes_cmac") == 0) {
            alg = PAYCORE_MAC_ALG_CMAC; usage = "M6";
            key_alg = key_len == 24 ? PAYCORE_ALGORITHM_TDES3 : PAYCORE_ALGORITHM_TDES2;
        } else if (strcmp(kind, "hmac_sha256") == 0) {
            /* RFC 4231 cases 1-7 and RFC 4868: keys of 4 to 131 bytes. */
            alg = PAYCORE_MAC_ALG_HMAC_SHA256; usage = "M7";
            key_alg = PAYCORE_ALGORITHM_HMAC_SHA256;
        } else if (strcmp(kind, "retail_mac") == 0) {
            alg = PAYCORE_MAC_ALG_RETAIL; usage = "M3"; key_alg = PAYCORE_ALGORITHM_TDES2;
        } else if (strcmp(kind, "iso9797_alg1") == 0) {
            alg = PAYCORE_MAC_ALG_ISO9797_ALG1; usage = "M1"; key_alg = PAYCORE_ALGORITHM_TDES2;
        } else {
            skipped_vectors++;
            continue;
        }
        key = make_key(key_alg, key_b, (size_t)key_len, usage, 'C');
        if (!key) continue;
        /* Empty message as (NULL, 0). */
        CHECK_RC(paycore_mac_generate(key, alg, pad, msg_len ? msg : NULL, (size_t)msg_len,
                                      (size_t)mac_len, got, sizeof got, &got_len),
                 PAYCORE_RESULT_OK);
        if (got_len != (size_t)mac_len || memcmp(got, want, (size_t)mac_len) != 0) {
            fprintf(stderr, "vector %s: MAC mismatch\n", id);
            CHECK(0);
        }
        CHECK_RC(paycore_mac_verify(key, alg, pad, msg, (size_t)msg_len, want, (size_t)mac_len),
                 PAYCORE_RESULT_OK);
        /* Truncated to 4 bytes still verifies. */
        CHECK_RC(paycore_mac_verify(key, alg, pad, msg, (size_t)msg_len, want, 4),
                 PAYCORE_RESULT_OK);
        /* Streaming, in odd chunk sizes, gives the same MAC. */
        memset(got, 0, sizeof got);
        CHECK_RC(stream_mac(key, alg, pad, msg, (size_t)msg_len, 3, (size_t)mac_len, got,
                            &got_len),
                 PAYCORE_RESULT_OK);
        CHECK(got_len == (size_t)mac_len && memcmp(got, want, (size_t)mac_len) == 0);
        CHECK_RC(stream_verify(key, alg, pad, msg, (size_t)msg_len, want, (size_t)mac_len),
                 PAYCORE_RESULT_OK);
        /* Tamper: every byte of the MAC. */
        for (i = 0; i < mac_len; i++) {
            memcpy(bad, want, (size_t)mac_len);
            bad[i] ^= 0x01;
            CHECK_RC(paycore_mac_verify(key, alg, pad, msg, (size_t)msg_len, bad,
                                        (size_t)mac_len),
                     PAYCORE_RESULT_VERIFICATION_FAILED);
        }
        memcpy(bad, want, (size_t)mac_len);
        bad[mac_len - 1] ^= 0x80;
        CHECK_RC(stream_verify(key, alg, pad, msg, (size_t)msg_len, bad, (size_t)mac_len),
                 PAYCORE_RESULT_VERIFICATION_FAILED);
        /* Tamper: the message. */
        if (msg_len > 0) {
            msg[0] ^= 0x01;
            CHECK_RC(paycore_mac_verify(key, alg, pad, msg, (size_t)msg_len, want,
                                        (size_t)mac_len),
                     PAYCORE_RESULT_VERIFICATION_FAILED);
            msg[0] ^= 0x01;
        }
        paycore_key_free(key);
        ran_vectors++;
    }
    free(json);
    /* 4 AES-CMAC + 8 TDES-CMAC + 9 HMAC + 4 psec + 42 X9.19 = 67 through a key. */
    CHECK(ran_vectors == 67);
    CHECK(skipped_vectors == 0);
}

static void test_misuse(void) {
    /* RFC 4493 key (the AES-CMAC vectors above). */
    unsigned char k16[16], mac[64], msg[16] = {0};
    size_t mac_len = 0;
    paycore_key *cmac, *retail_v, *retail_g, *wrong, *tdes3_m3;
    paycore_mac *m = NULL;
    paycore_mac_verifier *v = NULL;
    CHECK(hex_decode("2B7E151628AED2A6ABF7158809CF4F3C", k16, sizeof k16) == 16);
    cmac = make_key(PAYCORE_ALGORITHM_AES128, k16, 16, "M6", 'C');
    retail_v = make_key(PAYCORE_ALGORITHM_TDES2, k16, 16, "M3", 'V');
    retail_g = make_key(PAYCORE_ALGORITHM_TDES2, k16, 16, "M3", 'G');
    wrong = make_key(PAYCORE_ALGORITHM_AES128, k16, 16, "D0", 'B');
    tdes3_m3 = NULL;
    {
        unsigned char k24[24];
        memcpy(k24, k16, 16);
        memcpy(k24 + 16, k16, 8);
        k24[20] ^= 0x55;
        tdes3_m3 = make_key(PAYCORE_ALGORITHM_TDES3, k24, 24, "M3", 'C');
    }

    /* Wrong usage and mode of use. */
    CHECK_RC(paycore_mac_generate(wrong, PAYCORE_MAC_ALG_CMAC, 0, msg, 16, 16, mac, 64,
                                  &mac_len),
             PAYCORE_RESULT_KEY_USAGE);
    CHECK_RC(paycore_mac_generate(cmac, PAYCORE_MAC_ALG_RETAIL, 1, msg, 16, 8, mac, 64,
                                  &mac_len),
             PAYCORE_RESULT_KEY_USAGE);
    CHECK_RC(paycore_mac_generate(retail_v, PAYCORE_MAC_ALG_RETAIL, 1, msg, 16, 8, mac, 64,
                                  &mac_len),
             PAYCORE_RESULT_KEY_USAGE);
    CHECK_RC(paycore_mac_new(retail_v, PAYCORE_MAC_ALG_RETAIL, 1, &m), PAYCORE_RESULT_KEY_USAGE);
    CHECK(m == NULL);
    CHECK_RC(paycore_mac_generate(retail_g, PAYCORE_MAC_ALG_RETAIL, 1, msg, 16, 8, mac, 64,
                                  &mac_len),
             PAYCORE_RESULT_OK);
    CHECK_RC(paycore_mac_verify(retail_g, PAYCORE_MAC_ALG_RETAIL, 1, msg, 16, mac, 8),
             PAYCORE_RESULT_KEY_USAGE);
    CHECK_RC(paycore_mac_verifier_new(retail_g, PAYCORE_MAC_ALG_RETAIL, 1, &v),
             PAYCORE_RESULT_KEY_USAGE);
    CHECK(v == NULL);
    CHECK_RC(paycore_mac_verify(retail_v, PAYCORE_MAC_ALG_RETAIL, 1, msg, 16, mac, 8),
             PAYCORE_RESULT_OK);
    CHECK_RC(paycore_mac_verify(wrong, PAYCORE_MAC_ALG_CMAC, 0, msg, 16, mac, 8),
             PAYCORE_RESULT_KEY_USAGE);
    /* Retail MAC needs a double-length TDES key. */
    CHECK_RC(paycore_mac_generate(tdes3_m3, PAYCORE_MAC_ALG_RETAIL, 1, msg, 16, 8, mac, 64,
                                  &mac_len),
             PAYCORE_RESULT_INVALID_KEY);

    /* Bad algorithm / padding codes and combinations. */
    CHECK_RC(paycore_mac_generate(cmac, 99, 0, msg, 16, 16, mac, 64, &mac_len),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_mac_generate(cmac, PAYCORE_MAC_ALG_CMAC, PAYCORE_MAC_PADDING_METHOD1, msg,
                                  16, 16, mac, 64, &mac_len),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_mac_generate(retail_g, PAYCORE_MAC_ALG_RETAIL, PAYCORE_MAC_PADDING_NONE,
                                  msg, 16, 8, mac, 64, &mac_len),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_mac_generate(retail_g, PAYCORE_MAC_ALG_RETAIL, 3, msg, 16, 8, mac, 64,
                                  &mac_len),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_mac_verify(cmac, 0, 0, msg, 16, mac, 8), PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_mac_new(cmac, PAYCORE_MAC_ALG_CMAC, 2, &m), PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_mac_verifier_new(cmac, 77, 0, &v), PAYCORE_RESULT_INVALID_ARGUMENT);
    /* MAC lengths: 4..=full. */
    CHECK_RC(paycore_mac_generate(cmac, PAYCORE_MAC_ALG_CMAC, 0, msg, 16, 3, mac, 64, &mac_len),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_mac_generate(cmac, PAYCORE_MAC_ALG_CMAC, 0, msg, 16, 17, mac, 64,
                                  &mac_len),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_mac_generate(retail_g, PAYCORE_MAC_ALG_RETAIL, 1, msg, 16, 9, mac, 64,
                                  &mac_len),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_mac_generate(cmac, PAYCORE_MAC_ALG_CMAC, 0, msg, 16, 4, mac, 64, &mac_len),
             PAYCORE_RESULT_OK);
    CHECK(mac_len == 4);
    CHECK_RC(paycore_mac_verify(cmac, PAYCORE_MAC_ALG_CMAC, 0, msg, 16, mac, 3),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_mac_verify(cmac, PAYCORE_MAC_ALG_CMAC, 0, msg, 16, mac, 17),
             PAYCORE_RESULT_INVALID_ARGUMENT);

    /* NULL paths. */
    CHECK_RC(paycore_mac_generate(NULL, PAYCORE_MAC_ALG_CMAC, 0, msg, 16, 16, mac, 64, &mac_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_mac_generate(cmac, PAYCORE_MAC_ALG_CMAC, 0, NULL, 16, 16, mac, 64,
                                  &mac_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_mac_generate(cmac, PAYCORE_MAC_ALG_CMAC, 0, msg, 16, 16, NULL, 64,
                                  &mac_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_mac_generate(cmac, PAYCORE_MAC_ALG_CMAC, 0, msg, 16, 16, mac, 64, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_mac_verify(NULL, PAYCORE_MAC_ALG_CMAC, 0, msg, 16, mac, 4),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_mac_verify(cmac, PAYCORE_MAC_ALG_CMAC, 0, NULL, 16, mac, 4),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_mac_verify(cmac, PAYCORE_MAC_ALG_CMAC, 0, msg, 16, NULL, 4),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_mac_new(NULL, PAYCORE_MAC_ALG_CMAC, 0, &m), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_mac_new(cmac, PAYCORE_MAC_ALG_CMAC, 0, NULL), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_mac_verifier_new(NULL, PAYCORE_MAC_ALG_CMAC, 0, &v),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_mac_verifier_new(cmac, PAYCORE_MAC_ALG_CMAC, 0, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_mac_update(NULL, msg, 16), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_mac_finalize(NULL, 16, mac, 64, &mac_len), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_mac_verifier_update(NULL, msg, 16), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_mac_verifier_verify(NULL, mac, 16), PAYCORE_RESULT_NULL_PARAMETER);
    paycore_mac_free(NULL);
    paycore_mac_verifier_free(NULL);

    /* Short buffer: the size needed is reported and nothing is written. */
    memset(mac, 0xEE, sizeof mac);
    mac_len = 0;
    CHECK_RC(paycore_mac_generate(cmac, PAYCORE_MAC_ALG_CMAC, 0, msg, 16, 16, mac, 15, &mac_len),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(mac_len == 16);
    CHECK(mac[0] == 0xEE && mac[14] == 0xEE);

    /* Streaming handle life cycle. */
    CHECK_RC(paycore_mac_new(cmac, PAYCORE_MAC_ALG_CMAC, 0, &m), PAYCORE_RESULT_OK);
    CHECK_RC(paycore_mac_update(m, NULL, 5), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_mac_update(m, NULL, 0), PAYCORE_RESULT_OK);
    CHECK_RC(paycore_mac_update(m, msg, 16), PAYCORE_RESULT_OK);
    /* Pre-checks leave the handle usable. */
    CHECK_RC(paycore_mac_finalize(m, 16, mac, 8, &mac_len), PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(mac_len == 16);
    CHECK_RC(paycore_mac_finalize(m, 2, mac, 64, &mac_len), PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_mac_finalize(m, 16, mac, 64, NULL), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_mac_finalize(m, 16, mac, 64, &mac_len), PAYCORE_RESULT_OK);
    CHECK(mac_len == 16);
    /* RFC 4493 Example 2 (16-byte message 6BC1...): here the message is
     * zeros, so only check the one-shot path agrees. */
    {
        unsigned char one_shot[16];
        size_t n = 0;
        CHECK_RC(paycore_mac_generate(cmac, PAYCORE_MAC_ALG_CMAC, 0, msg, 16, 16, one_shot, 16,
                                      &n),
                 PAYCORE_RESULT_OK);
        CHECK(memcmp(one_shot, mac, 16) == 0);
        /* A spent handle refuses more work. */
        CHECK_RC(paycore_mac_update(m, msg, 1), PAYCORE_RESULT_INVALID_ARGUMENT);
        CHECK_RC(paycore_mac_finalize(m, 16, mac, 64, &mac_len), PAYCORE_RESULT_INVALID_ARGUMENT);
        paycore_mac_free(m);
        /* Verifier: spent after one verify, whatever the outcome. */
        CHECK_RC(paycore_mac_verifier_new(cmac, PAYCORE_MAC_ALG_CMAC, 0, &v), PAYCORE_RESULT_OK);
        CHECK_RC(paycore_mac_verifier_update(v, msg, 16), PAYCORE_RESULT_OK);
        CHECK_RC(paycore_mac_verifier_update(v, NULL, 1), PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_mac_verifier_verify(v, NULL, 16), PAYCORE_RESULT_NULL_PARAMETER);
        one_shot[3] ^= 0x10;
        CHECK_RC(paycore_mac_verifier_verify(v, one_shot, 16), PAYCORE_RESULT_VERIFICATION_FAILED);
        one_shot[3] ^= 0x10;
        CHECK_RC(paycore_mac_verifier_verify(v, one_shot, 16), PAYCORE_RESULT_INVALID_ARGUMENT);
        CHECK_RC(paycore_mac_verifier_update(v, msg, 1), PAYCORE_RESULT_INVALID_ARGUMENT);
        paycore_mac_verifier_free(v);
    }
    paycore_key_free(cmac);
    paycore_key_free(retail_v);
    paycore_key_free(retail_g);
    paycore_key_free(wrong);
    paycore_key_free(tdes3_m3);
}

/* HMAC keys have any length from 1 to PAYCORE_MAX_HMAC_KEY_LEN bytes
 * (RFC 2104 section 3); empty or longer is an invalid key, and an HMAC key
 * is no CMAC key. */
static void test_hmac_key_lengths(void) {
    static unsigned char big[PAYCORE_MAX_HMAC_KEY_LEN + 1];
    unsigned char mac[64];
    size_t mac_len = 0;
    paycore_key *k = NULL;
    CHECK_RC(paycore_key_new(PAYCORE_ALGORITHM_HMAC_SHA256, big, sizeof big,
                             (const uint8_t *)"M7", 'C', 'E', &k),
             PAYCORE_RESULT_INVALID_KEY);
    CHECK(k == NULL);
    CHECK_RC(paycore_key_new(PAYCORE_ALGORITHM_HMAC_SHA256, big, 0, (const uint8_t *)"M7", 'C',
                             'E', &k),
             PAYCORE_RESULT_INVALID_KEY);
    CHECK_RC(paycore_key_new(PAYCORE_ALGORITHM_HMAC_SHA256, big, PAYCORE_MAX_HMAC_KEY_LEN,
                             (const uint8_t *)"M6", 'C', 'E', &k),
             PAYCORE_RESULT_OK);
    CHECK_RC(paycore_mac_generate(k, PAYCORE_MAC_ALG_CMAC, PAYCORE_MAC_PADDING_NONE, big, 1, 8,
                                  mac, sizeof mac, &mac_len),
             PAYCORE_RESULT_INVALID_KEY);
    paycore_key_free(k);
}

int main(void) {
    test_vectors();
    test_misuse();
    test_hmac_key_lengths();
    printf("test_mac: %d vectors run, %d skipped\n", ran_vectors, skipped_vectors);
    return test_report("test_mac");
}
