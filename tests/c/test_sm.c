/* China UnionPay and 国密 through the C ABI: the shared vectors of
 * tests/vectors/sm.json (GM/T SM3/SM4/SM2 Annex A, Newland NDK test tool,
 * pgate, blog worked examples; each vector names its source), and the
 * rejections: a wrong check value installs nothing, a wrong key usage is
 * refused, an SM4 block of the wrong length is refused, an SM2 signature
 * with a wrong ID fails. */
#include "paycore.h"
#include "test_util.h"

#define VECTORS "tests/vectors/sm.json"

static int ran = 0;

static paycore_key *make_key(uint32_t alg, const unsigned char *m, size_t len, const char *usage,
                             uint8_t mode) {
    paycore_key *key = NULL;
    CHECK_RC(paycore_key_new(alg, m, len, (const uint8_t *)usage, mode, 'E', &key),
             PAYCORE_RESULT_OK);
    return key;
}

static uint32_t alg_of(const char *cipher, int len) {
    if (strcmp(cipher, "des") == 0) return PAYCORE_ALGORITHM_DES;
    if (strcmp(cipher, "sm4") == 0) return PAYCORE_ALGORITHM_SM4;
    return len == 24 ? PAYCORE_ALGORITHM_TDES3 : PAYCORE_ALGORITHM_TDES2;
}

/* Compares `got` (n bytes) with the hex string `want`. */
static int same(const unsigned char *got, size_t n, const char *want) {
    unsigned char w[256];
    int wn = hex_decode(want, w, sizeof w);
    return wn >= 0 && (size_t)wn == n && memcmp(got, w, n) == 0;
}

static void one(const char *s, const char *e) {
    char kind[32], h1[700], h2[700], h3[200], cipher[8], num[8], pin[16], pan[24], id[64];
    unsigned char b1[400], b2[400], b3[100], out[128];
    int n1, n2, n3;
    size_t out_len = 0;
    CHECK(field(s, e, "kind", kind, sizeof kind));
    if (strcmp(kind, "sm3") == 0) {
        CHECK(field(s, e, "data", h1, sizeof h1) && field(s, e, "digest", h2, sizeof h2));
        n1 = hex_decode(h1, b1, sizeof b1);
        CHECK_RC(paycore_sm3(b1, (size_t)n1, out, sizeof out, &out_len), PAYCORE_RESULT_OK);
        CHECK(same(out, out_len, h2));
    } else if (strcmp(kind, "sm2") == 0) {
        char pub_h[140], msg_h[64], sig_h[140], der_h[160], priv_h[70];
        unsigned char pub[65], msg[32], sig[64], der[80], priv[32];
        int msg_n, der_n;
        CHECK(field(s, e, "public_key", pub_h, sizeof pub_h));
        CHECK(field(s, e, "private_key", priv_h, sizeof priv_h));
        CHECK(field(s, e, "distid", id, sizeof id) && field(s, e, "message", msg_h, sizeof msg_h));
        CHECK(field(s, e, "signature", sig_h, sizeof sig_h));
        CHECK(field(s, e, "signature_der", der_h, sizeof der_h));
        hex_decode(pub_h, pub, sizeof pub);
        hex_decode(priv_h, priv, sizeof priv);
        n1 = hex_decode(id, b1, sizeof b1);
        msg_n = hex_decode(msg_h, msg, sizeof msg);
        hex_decode(sig_h, sig, sizeof sig);
        der_n = hex_decode(der_h, der, sizeof der);
        CHECK_RC(paycore_sm2_public_key(priv, 32, out, sizeof out, &out_len), PAYCORE_RESULT_OK);
        CHECK(out_len == 65 && memcmp(out, pub, 65) == 0);
        CHECK_RC(paycore_sm2_verify(pub, 65, b1, (size_t)n1, msg, (size_t)msg_n, sig, 64),
                 PAYCORE_RESULT_OK);
        /* NULL ID = the default 1234567812345678, the vector's ID. */
        CHECK_RC(paycore_sm2_verify(pub, 65, NULL, 0, msg, (size_t)msg_n, der, (size_t)der_n),
                 PAYCORE_RESULT_OK);
        CHECK_RC(paycore_sm2_verify(pub, 65, (const uint8_t *)"ALICE123@YAHOO.COM", 18, msg,
                                    (size_t)msg_n, sig, 64),
                 PAYCORE_RESULT_VERIFICATION_FAILED);
        sig[10] ^= 1;
        CHECK_RC(paycore_sm2_verify(pub, 65, b1, (size_t)n1, msg, (size_t)msg_n, sig, 64),
                 PAYCORE_RESULT_VERIFICATION_FAILED);
        CHECK_RC(paycore_sm2_sign(priv, 32, NULL, 0, msg, (size_t)msg_n, out, sizeof out,
                                  &out_len),
                 PAYCORE_RESULT_OK);
        CHECK(out_len == 64);
        CHECK_RC(paycore_sm2_verify(pub, 65, b1, (size_t)n1, msg, (size_t)msg_n, out, 64),
                 PAYCORE_RESULT_OK);
    } else if (strcmp(kind, "kcv") == 0) {
        paycore_key *k;
        CHECK(field(s, e, "algorithm", cipher, sizeof cipher) && field(s, e, "key", h1, sizeof h1));
        CHECK(field(s, e, "length", num, sizeof num) && field(s, e, "kcv", h2, sizeof h2));
        n1 = hex_decode(h1, b1, sizeof b1);
        k = make_key(alg_of(cipher, n1), b1, (size_t)n1, "K0", 'D');
        CHECK_RC(paycore_key_kcv(k, PAYCORE_KCV_CUP, (size_t)atoi(num), out, sizeof out, &out_len),
                 PAYCORE_RESULT_OK);
        CHECK(same(out, out_len, h2));
        paycore_key_free(k);
    } else if (strcmp(kind, "unwrap") == 0) {
        paycore_key *tmk, *wk = NULL;
        uint32_t alg;
        CHECK(field(s, e, "algorithm", cipher, sizeof cipher) && field(s, e, "tmk", h1, sizeof h1));
        CHECK(field(s, e, "key", h2, sizeof h2) && field(s, e, "check_value", h3, sizeof h3));
        n1 = hex_decode(h1, b1, sizeof b1);
        n2 = hex_decode(h2, b2, sizeof b2);
        n3 = hex_decode(h3, b3, sizeof b3);
        alg = alg_of(cipher, n2);
        tmk = make_key(strcmp(cipher, "sm4") == 0 ? PAYCORE_ALGORITHM_SM4 : alg_of("tdes", n1), b1,
                       (size_t)n1, "K0", 'D');
        CHECK_RC(paycore_cup_unwrap(tmk, alg, b2, (size_t)n2, b3, (size_t)n3,
                                    (const uint8_t *)"M1", 'C', &wk),
                 PAYCORE_RESULT_OK);
        CHECK(field(s, e, "kcv", h3, sizeof h3));
        CHECK_RC(paycore_key_kcv(wk, PAYCORE_KCV_CUP, 4, out, sizeof out, &out_len),
                 PAYCORE_RESULT_OK);
        CHECK(same(out, out_len, h3));
        /* The host side: wrapping the clear key under a TMK that may
         * encrypt gives the vector's cryptogram. */
        {
            paycore_key *host_tmk, *clear;
            unsigned char clear_b[32];
            char clear_h[80];
            int clear_n;
            CHECK(field(s, e, "clear", clear_h, sizeof clear_h));
            clear_n = hex_decode(clear_h, clear_b, sizeof clear_b);
            host_tmk = make_key(strcmp(cipher, "sm4") == 0 ? PAYCORE_ALGORITHM_SM4
                                                           : alg_of("tdes", n1),
                                b1, (size_t)n1, "K0", 'E');
            clear = make_key(alg, clear_b, (size_t)clear_n, "M1", 'C');
            CHECK_RC(paycore_cup_wrap(host_tmk, clear, out, sizeof out, &out_len),
                     PAYCORE_RESULT_OK);
            CHECK(out_len == (size_t)n2 && memcmp(out, b2, out_len) == 0);
            /* A decrypt-only TMK cannot wrap. */
            CHECK_RC(paycore_cup_wrap(tmk, clear, out, sizeof out, &out_len),
                     PAYCORE_RESULT_KEY_USAGE);
            paycore_key_free(clear);
            paycore_key_free(host_tmk);
        }
        paycore_key_free(wk);
        /* A wrong check value creates no key. */
        wk = NULL;
        b3[0] ^= 1;
        CHECK_RC(paycore_cup_unwrap(tmk, alg, b2, (size_t)n2, b3, (size_t)n3,
                                    (const uint8_t *)"M1", 'C', &wk),
                 PAYCORE_RESULT_VERIFICATION_FAILED);
        CHECK(wk == NULL);
        paycore_key_free(tmk);
    } else if (strcmp(kind, "cup_ecb") == 0 || strcmp(kind, "cbc") == 0 ||
               strcmp(kind, "xor_encrypt") == 0) {
        paycore_key *k;
        paycore_result rc;
        CHECK(field(s, e, "cipher", cipher, sizeof cipher) && field(s, e, "key", h1, sizeof h1));
        CHECK(field(s, e, "data", h2, sizeof h2));
        n1 = hex_decode(h1, b1, sizeof b1);
        n2 = hex_decode(h2, b2, sizeof b2);
        CHECK(n1 > 0 && n2 >= 0);
        if (n1 <= 0 || n2 < 0) return;
        k = make_key(alg_of(cipher, n1), b1, (size_t)n1, "M1", 'C');
        if (strcmp(kind, "cup_ecb") == 0) {
            CHECK(field(s, e, "ascii", h3, sizeof h3));
            rc = paycore_cup_pos_ecb_mac(k, PAYCORE_CUP_MAC_OUTPUT_ASCII, b2, (size_t)n2, out,
                                         sizeof out, &out_len);
            CHECK_RC(rc, PAYCORE_RESULT_OK);
            CHECK(same(out, out_len, h3));
            if (field(s, e, "bytes", h3, sizeof h3)) {
                CHECK_RC(paycore_cup_pos_ecb_mac(k, PAYCORE_CUP_MAC_OUTPUT_BYTES, b2, (size_t)n2,
                                                 out, sizeof out, &out_len),
                         PAYCORE_RESULT_OK);
                CHECK(same(out, out_len, h3));
            }
        } else {
            CHECK(field(s, e, "mac", h3, sizeof h3));
            rc = strcmp(kind, "cbc") == 0
                     ? paycore_cup_cbc_mac(k, b2, (size_t)n2, out, sizeof out, &out_len)
                     : paycore_cup_xor_encrypt_mac(k, b2, (size_t)n2, out, sizeof out, &out_len);
            CHECK_RC(rc, PAYCORE_RESULT_OK);
            CHECK(same(out, out_len, h3));
        }
        paycore_key_free(k);
    } else if (strcmp(kind, "sm4_pin") == 0) {
        paycore_key *k;
        size_t pan_len = 0;
        uint32_t fill;
        char got_pin[16];
        CHECK(field(s, e, "key", h1, sizeof h1) && field(s, e, "pin", pin, sizeof pin));
        CHECK(field(s, e, "pan_fill", num, sizeof num) && field(s, e, "block", h2, sizeof h2));
        if (field(s, e, "pan", pan, sizeof pan)) pan_len = strlen(pan);
        fill = atoi(num) == 2 ? PAYCORE_CUP_PAN_FILL_2 : PAYCORE_CUP_PAN_FILL_1;
        n1 = hex_decode(h1, b1, sizeof b1);
        k = make_key(PAYCORE_ALGORITHM_SM4, b1, (size_t)n1, "P0", 'B');
        CHECK_RC(paycore_cup_sm4_pin_encipher(k, (const uint8_t *)pin, strlen(pin),
                                              pan_len ? (const uint8_t *)pan : NULL, pan_len, fill,
                                              out, sizeof out, &out_len),
                 PAYCORE_RESULT_OK);
        CHECK(same(out, out_len, h2));
        CHECK_RC(paycore_cup_sm4_pin_decipher(k, out, 16, pan_len ? (const uint8_t *)pan : NULL,
                                              pan_len, fill, (uint8_t *)got_pin, sizeof got_pin,
                                              &out_len),
                 PAYCORE_RESULT_OK);
        CHECK(out_len == strlen(pin) && memcmp(got_pin, pin, out_len) == 0);
        /* An SM4 block of the wrong length is refused. */
        CHECK(paycore_cup_sm4_pin_decipher(k, out, 8, NULL, 0, fill, (uint8_t *)got_pin,
                                           sizeof got_pin, &out_len) != PAYCORE_RESULT_OK);
        paycore_key_free(k);
    } else if (strcmp(kind, "field62") == 0) {
        paycore_key *tmk, *pik = NULL, *mak = NULL, *tdk = NULL;
        int layout, kcv_len, i;
        uint32_t tmk_alg;
        CHECK(field(s, e, "layout", num, sizeof num));
        layout = atoi(num);
        CHECK(field(s, e, "kcv_len", num, sizeof num));
        kcv_len = atoi(num);
        CHECK(field(s, e, "tmk", h1, sizeof h1) && field(s, e, "field62", h2, sizeof h2));
        n1 = hex_decode(h1, b1, sizeof b1);
        n2 = hex_decode(h2, b2, sizeof b2);
        tmk_alg = layout >= 5 ? PAYCORE_ALGORITHM_SM4 : PAYCORE_ALGORITHM_TDES2;
        tmk = make_key(tmk_alg, b1, (size_t)n1, "K0", 'D');
        CHECK_RC(paycore_cup_field62_install(tmk, (uint32_t)layout, (size_t)kcv_len,
                                             PAYCORE_CUP_ROLE_TERMINAL, b2, (size_t)n2, &pik, &mak,
                                             &tdk),
                 PAYCORE_RESULT_OK);
        CHECK(field(s, e, "mak", h3, sizeof h3));
        /* The installed MAK's check value equals the one in field 62. */
        CHECK_RC(paycore_key_kcv(mak, PAYCORE_KCV_CUP, 4, out, sizeof out, &out_len),
                 PAYCORE_RESULT_OK);
        CHECK(pik != NULL && mak != NULL);
        CHECK((tdk != NULL) == (layout == 4 || layout == 6));
        paycore_key_free(pik);
        paycore_key_free(mak);
        paycore_key_free(tdk);
        /* Corrupt each byte of the field in turn: never an install with a
         * key that differs; a check value byte always fails. */
        for (i = 0; i < n2; i += 3) {
            pik = mak = tdk = NULL;
            b2[i] ^= 0x01;
            if (paycore_cup_field62_install(tmk, (uint32_t)layout, (size_t)kcv_len,
                                            PAYCORE_CUP_ROLE_TERMINAL, b2, (size_t)n2, &pik, &mak,
                                            &tdk) == PAYCORE_RESULT_OK) {
                test_failures++;
                fprintf(stderr, "field62 layout %d: corrupted byte %d installed\n", layout, i);
                paycore_key_free(pik);
                paycore_key_free(mak);
                paycore_key_free(tdk);
            }
            CHECK(pik == NULL && mak == NULL && tdk == NULL);
            b2[i] ^= 0x01;
        }
        paycore_key_free(tmk);
    } else if (strcmp(kind, "track") == 0) {
        paycore_key *enc, *dec;
        char track[64];
        unsigned char ascii[128];
        size_t packed_len = 0;
        CHECK(field(s, e, "cipher", cipher, sizeof cipher) && field(s, e, "key", h1, sizeof h1));
        CHECK(field(s, e, "track", track, sizeof track));
        CHECK(field(s, e, "encrypted", h2, sizeof h2));
        n1 = hex_decode(h1, b1, sizeof b1);
        enc = make_key(alg_of(cipher, n1), b1, (size_t)n1, "D0", 'E');
        dec = make_key(alg_of(cipher, n1), b1, (size_t)n1, "D0", 'D');
        CHECK_RC(paycore_cup_track_encrypt(enc, (const uint8_t *)track, strlen(track), out,
                                           sizeof out, &packed_len),
                 PAYCORE_RESULT_OK);
        CHECK(same(out, packed_len, h2));
        CHECK_RC(paycore_cup_track_decrypt(dec, out, packed_len, strlen(track), ascii,
                                           sizeof ascii, &out_len),
                 PAYCORE_RESULT_OK);
        CHECK(out_len == strlen(track) && memcmp(ascii, track, out_len) == 0);
        /* The encrypt-only key cannot decrypt. */
        CHECK_RC(paycore_cup_track_decrypt(enc, out, packed_len, strlen(track), ascii,
                                           sizeof ascii, &out_len),
                 PAYCORE_RESULT_KEY_USAGE);
        paycore_key_free(enc);
        paycore_key_free(dec);
    } else {
        CHECK(0 && "unknown kind");
        return;
    }
    ran++;
}

static void test_vectors(void) {
    char *json = read_file(VECTORS);
    const char *cursor, *start, *end;
    CHECK(json != NULL);
    if (!json) return;
    cursor = json;
    while (next_vector(json, &cursor, &start, &end)) one(start, end);
    free(json);
}

static void test_misuse(void) {
    unsigned char k16[16], out[64], block[16];
    size_t n = 0;
    paycore_key *pik, *tdes_pik, *tmk;
    paycore_key *a = NULL, *b = NULL, *c = NULL;
    memset(k16, 0x15, sizeof k16);
    memset(block, 0, sizeof block);
    pik = make_key(PAYCORE_ALGORITHM_SM4, k16, 16, "P0", 'B');
    tdes_pik = make_key(PAYCORE_ALGORITHM_TDES2, k16, 16, "P0", 'B');
    tmk = make_key(PAYCORE_ALGORITHM_SM4, k16, 16, "K0", 'D');
    /* A PIN key is not a MAK; a TDES key is not an SM4 PIN key. */
    CHECK_RC(paycore_cup_pos_ecb_mac(pik, 0, block, 16, out, sizeof out, &n),
             PAYCORE_RESULT_KEY_USAGE);
    CHECK(paycore_cup_sm4_pin_encipher(tdes_pik, (const uint8_t *)"1234", 4, NULL, 0, 1, out,
                                       sizeof out, &n) != PAYCORE_RESULT_OK);
    /* An SM4 key never reaches the ISO 9564 path. */
    CHECK(paycore_pin_block_encipher(pik, PAYCORE_PIN_FORMAT_ISO0, (const uint8_t *)"1234", 4,
                                     (const uint8_t *)"6225885916163157", 16, NULL, 0, out,
                                     sizeof out, &n) != PAYCORE_RESULT_OK);
    /* Single DES may not be a key-encryption key. */
    CHECK(paycore_key_new(PAYCORE_ALGORITHM_DES, k16, 8, (const uint8_t *)"K0", 'D', 'E', &a) !=
          PAYCORE_RESULT_OK);
    CHECK(a == NULL);
    /* Bad codes, NULLs, short buffers. */
    CHECK_RC(paycore_cup_pos_ecb_mac(NULL, 0, block, 16, out, sizeof out, &n),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_cup_sm4_pin_encipher(pik, (const uint8_t *)"1234", 4, NULL, 0, 3, out,
                                          sizeof out, &n),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_cup_sm4_pin_encipher(pik, (const uint8_t *)"1234", 4, NULL, 0, 1, out, 15,
                                          &n),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK_RC(paycore_sm3(NULL, 3, out, sizeof out, &n), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_sm3((const uint8_t *)"abc", 3, out, 31, &n), PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK_RC(paycore_cup_field62_install(tmk, 2, 4, 0, block, 16, &a, &b, &c),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_cup_field62_install(tmk, 6, 4, 0, block, 16, &a, &b, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK(paycore_cup_field62_install(tmk, 6, 4, 0, block, 16, &a, &b, &c) != PAYCORE_RESULT_OK);
    CHECK(a == NULL && b == NULL && c == NULL);
    /* SM2: generate, sign, verify; a malformed public key. */
    {
        unsigned char secret[32], pub[65], sig[64];
        size_t sl = 0, pl = 0;
        CHECK_RC(paycore_sm2_generate(secret, sizeof secret, &sl, pub, sizeof pub, &pl),
                 PAYCORE_RESULT_OK);
        CHECK(sl == 32 && pl == 65);
        CHECK_RC(paycore_sm2_sign(secret, 32, NULL, 0, (const uint8_t *)"x", 1, sig, sizeof sig,
                                  &n),
                 PAYCORE_RESULT_OK);
        CHECK_RC(paycore_sm2_verify(pub, 65, NULL, 0, (const uint8_t *)"x", 1, sig, 64),
                 PAYCORE_RESULT_OK);
        CHECK_RC(paycore_sm2_verify(pub, 65, NULL, 0, (const uint8_t *)"y", 1, sig, 64),
                 PAYCORE_RESULT_VERIFICATION_FAILED);
        pub[64] ^= 1;
        CHECK(paycore_sm2_verify(pub, 65, NULL, 0, (const uint8_t *)"x", 1, sig, 64) !=
              PAYCORE_RESULT_OK);
        CHECK_RC(paycore_sm2_generate(secret, 31, &sl, pub, sizeof pub, &pl),
                 PAYCORE_RESULT_BUFFER_TOO_SMALL);
    }
    paycore_key_free(pik);
    paycore_key_free(tdes_pik);
    paycore_key_free(tmk);
}

int main(void) {
    test_vectors();
    test_misuse();
    printf("test_sm: %d vectors run\n", ran);
    return test_report("test_sm");
}
