/* Transaction records, ECDSA P-256, sealed envelopes and the journal
 * through the C ABI. Vectors: tests/vectors/sign_rfc6979.json (RFC 6979
 * A.2.5), ecdsa_wycheproof.json (Project Wycheproof), sign_record.json
 * (record format v1, independent encoder), seal_aes_gcm_wycheproof.json
 * (Project Wycheproof AES-GCM, the AEAD under the envelope). Plus tamper
 * tests, wrong-usage keys, and every NULL / short-buffer path. */
#include "paycore.h"
#include "test_util.h"

/* ---------------------------------------------------------------- helpers */

/* The P-256 group order n (SEC 2 v2 §2.4.2 / FIPS 186-5 D.1.2.3). */
static const char *P256_N =
    "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";

/* out = n - s (32-byte big-endian), to build the other-S form of a
 * signature (r, s) -> (r, n - s), both of which are valid ECDSA. */
static void n_minus(const unsigned char s[32], unsigned char out[32]) {
    unsigned char n[32];
    int i, borrow = 0;
    hex_decode(P256_N, n, 32);
    for (i = 31; i >= 0; i--) {
        int d = (int)n[i] - (int)s[i] - borrow;
        borrow = d < 0;
        out[i] = (unsigned char)(d + (borrow ? 256 : 0));
    }
}

static paycore_key *make_key(uint32_t alg, const unsigned char *material, size_t len,
                             const char *usage, uint8_t mode) {
    paycore_key *key = NULL;
    CHECK_RC(paycore_key_new(alg, material, len, (const uint8_t *)usage, mode, 'N', &key),
             PAYCORE_RESULT_OK);
    return key;
}

#define HEXFIELD(name, buf)                                                    \
    do {                                                                       \
        char h_[1024];                                                         \
        CHECK(field(start, end, name, h_, sizeof h_));                         \
        buf##_len = hex_decode(h_, buf, sizeof buf);                           \
        CHECK(buf##_len >= 0);                                                 \
    } while (0)

/* ---------------------------------------------------------------- ECDSA */

static paycore_signing_key *rfc6979_key(void) {
    unsigned char d[32];
    paycore_signing_key *key = NULL;
    CHECK(hex_decode("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721", d,
                     32) == 32);
    CHECK_RC(paycore_signing_key_from_scalar(d, 32, &key), PAYCORE_RESULT_OK);
    return key;
}

static void test_rfc6979(void) {
    char *json = read_file("tests/vectors/sign_rfc6979.json");
    const char *cursor, *start, *end;
    int count = 0;
    CHECK(json != NULL);
    if (!json) return;
    cursor = json;
    while (next_vector(json, &cursor, &start, &end)) {
        unsigned char priv[32], x[32], y[32], r[32], s[32];
        int priv_len, x_len, y_len, r_len, s_len;
        unsigned char pub[128], ours[64], rfc[64], der[80], other_s[32];
        size_t pub_len = 0, ours_len = 0, der_len = 0;
        char msg[64];
        paycore_signing_key *key = NULL;
        HEXFIELD("private_key", priv);
        HEXFIELD("public_key_x", x);
        HEXFIELD("public_key_y", y);
        HEXFIELD("r", r);
        HEXFIELD("s", s);
        CHECK(field(start, end, "message_ascii", msg, sizeof msg));
        CHECK_RC(paycore_signing_key_from_scalar(priv, (size_t)priv_len, &key),
                 PAYCORE_RESULT_OK);
        if (!key) continue;
        /* Public key: SEC1 uncompressed is 04 || x || y. */
        CHECK_RC(paycore_signing_key_public_key(key, PAYCORE_PUBLIC_KEY_SEC1_UNCOMPRESSED, pub,
                                                sizeof pub, &pub_len),
                 PAYCORE_RESULT_OK);
        CHECK(pub_len == 65 && pub[0] == 0x04 && memcmp(pub + 1, x, 32) == 0 &&
              memcmp(pub + 33, y, 32) == 0);
        /* Compressed: 02/03 by the parity of y, then x. */
        {
            unsigned char comp[40];
            size_t comp_len = 0;
            CHECK_RC(paycore_signing_key_public_key(key, PAYCORE_PUBLIC_KEY_SEC1_COMPRESSED,
                                                    comp, sizeof comp, &comp_len),
                     PAYCORE_RESULT_OK);
            CHECK(comp_len == 33 && comp[0] == (unsigned char)(0x02 | (y[31] & 1)) &&
                  memcmp(comp + 1, x, 32) == 0);
        }
        /* RFC 6979 signs the bare message: the raw (label-free) primitive. */
        CHECK_RC(paycore_sign_raw(key, (const uint8_t *)msg, strlen(msg), PAYCORE_SIGNATURE_RAW,
                                  ours, sizeof ours, &ours_len),
                 PAYCORE_RESULT_OK);
        CHECK(ours_len == 64);
        /* Same r (same RFC 6979 nonce k); s is the low-S one of {s, n - s}. */
        CHECK(memcmp(ours, r, 32) == 0);
        n_minus(s, other_s);
        CHECK(memcmp(ours + 32, s, 32) == 0 || memcmp(ours + 32, other_s, 32) == 0);
        memcpy(rfc, r, 32);
        memcpy(rfc + 32, s, 32);
        CHECK_RC(paycore_verify_raw(pub, 65, (const uint8_t *)msg, strlen(msg), rfc, 64,
                                PAYCORE_SIGNATURE_RAW, PAYCORE_S_POLICY_ACCEPT_HIGH_S),
                 PAYCORE_RESULT_OK);
        if (memcmp(ours + 32, s, 32) == 0) {
            /* The RFC's s is low: strict policy accepts it too. */
            CHECK_RC(paycore_verify_raw(pub, 65, (const uint8_t *)msg, strlen(msg), rfc, 64,
                                    PAYCORE_SIGNATURE_RAW, PAYCORE_S_POLICY_REJECT_HIGH_S),
                     PAYCORE_RESULT_OK);
        } else {
            CHECK_RC(paycore_verify_raw(pub, 65, (const uint8_t *)msg, strlen(msg), rfc, 64,
                                    PAYCORE_SIGNATURE_RAW, PAYCORE_S_POLICY_REJECT_HIGH_S),
                     PAYCORE_RESULT_VERIFICATION_FAILED);
        }
        CHECK_RC(paycore_verify_raw(pub, 65, (const uint8_t *)msg, strlen(msg), ours, 64,
                                PAYCORE_SIGNATURE_RAW, PAYCORE_S_POLICY_REJECT_HIGH_S),
                 PAYCORE_RESULT_OK);
        /* DER form of the same signature: verifies, with the same r. */
        CHECK_RC(paycore_sign_raw(key, (const uint8_t *)msg, strlen(msg), PAYCORE_SIGNATURE_DER,
                                  der, sizeof der, &der_len),
                 PAYCORE_RESULT_OK);
        CHECK(der_len >= 8 && der_len <= PAYCORE_ECDSA_P256_DER_SIG_MAX_LEN && der[0] == 0x30);
        CHECK_RC(paycore_verify_raw(pub, 65, (const uint8_t *)msg, strlen(msg), der, der_len,
                                PAYCORE_SIGNATURE_DER, PAYCORE_S_POLICY_REJECT_HIGH_S),
                 PAYCORE_RESULT_OK);
        /* Deterministic. */
        {
            unsigned char again[64];
            size_t again_len = 0;
            CHECK_RC(paycore_sign_raw(key, (const uint8_t *)msg, strlen(msg),
                                      PAYCORE_SIGNATURE_RAW, again, 64, &again_len),
                     PAYCORE_RESULT_OK);
            CHECK(memcmp(again, ours, 64) == 0);
            /* The generic domain signs label || message: another signature,
             * and the published raw one is no generic signature. */
            CHECK_RC(paycore_sign(key, (const uint8_t *)msg, strlen(msg), again, 64, &again_len),
                     PAYCORE_RESULT_OK);
            CHECK(memcmp(again, ours, 64) != 0);
            CHECK_RC(paycore_verify(pub, 65, (const uint8_t *)msg, strlen(msg), rfc, 64,
                                    PAYCORE_SIGNATURE_RAW, PAYCORE_S_POLICY_ACCEPT_HIGH_S),
                     PAYCORE_RESULT_VERIFICATION_FAILED);
            CHECK_RC(paycore_sign_raw(key, (const uint8_t *)msg, strlen(msg), 9, again, 64,
                                      &again_len),
                     PAYCORE_RESULT_INVALID_ARGUMENT);
        }
        paycore_signing_key_free(key);
        count++;
    }
    free(json);
    CHECK(count == 2);
}

static void test_wycheproof_ecdsa(void) {
    char *json = read_file("tests/vectors/ecdsa_wycheproof.json");
    const char *cursor, *start, *end;
    int count = 0;
    CHECK(json != NULL);
    if (!json) return;
    cursor = json;
    while (next_vector(json, &cursor, &start, &end)) {
        unsigned char pub[80], spki[100], msg[64], sig[200];
        int pub_len, spki_len, msg_len, sig_len;
        char result[32], high_s[16], id[80];
        paycore_result accept, strict, spki_accept;
        HEXFIELD("public_key_sec1", pub);
        HEXFIELD("public_key_spki_der", spki);
        HEXFIELD("message", msg);
        HEXFIELD("signature_der", sig);
        CHECK(field(start, end, "id", id, sizeof id));
        CHECK(field(start, end, "result", result, sizeof result));
        CHECK(field(start, end, "high_s", high_s, sizeof high_s));
        /* Wycheproof signs the bare message: the raw primitive. */
        accept = paycore_verify_raw(pub, (size_t)pub_len, msg, (size_t)msg_len, sig,
                                    (size_t)sig_len, PAYCORE_SIGNATURE_DER,
                                    PAYCORE_S_POLICY_ACCEPT_HIGH_S);
        strict = paycore_verify_raw(pub, (size_t)pub_len, msg, (size_t)msg_len, sig,
                                    (size_t)sig_len, PAYCORE_SIGNATURE_DER,
                                    PAYCORE_S_POLICY_REJECT_HIGH_S);
        spki_accept = paycore_verify_raw(spki, (size_t)spki_len, msg, (size_t)msg_len, sig,
                                         (size_t)sig_len, PAYCORE_SIGNATURE_DER,
                                         PAYCORE_S_POLICY_ACCEPT_HIGH_S);
        CHECK(spki_accept == accept);
        if (strcmp(result, "valid") == 0) {
            if (accept != PAYCORE_RESULT_OK) fprintf(stderr, "%s: valid rejected\n", id);
            CHECK(accept == PAYCORE_RESULT_OK);
            /* Not a generic-domain signature. */
            CHECK_RC(paycore_verify(pub, (size_t)pub_len, msg, (size_t)msg_len, sig,
                                    (size_t)sig_len, PAYCORE_SIGNATURE_DER,
                                    PAYCORE_S_POLICY_ACCEPT_HIGH_S),
                     PAYCORE_RESULT_VERIFICATION_FAILED);
            CHECK(strict == (strcmp(high_s, "true") == 0 ? PAYCORE_RESULT_VERIFICATION_FAILED
                                                         : PAYCORE_RESULT_OK));
        } else {
            /* invalid, and 'acceptable' BER (MissingZero): strict DER rejects. */
            if (accept != PAYCORE_RESULT_MALFORMED) fprintf(stderr, "%s: accepted\n", id);
            CHECK(accept == PAYCORE_RESULT_MALFORMED);
            CHECK(strict == PAYCORE_RESULT_MALFORMED);
        }
        count++;
    }
    free(json);
    CHECK(count >= 20);
}

static void test_ecdsa_tamper_and_policy(void) {
    paycore_signing_key *key = NULL, *other = NULL;
    unsigned char pub[65], pub2[65], spki[100], sig[64], bad[64], msg[] = "tamper me";
    unsigned char der[80];
    size_t pub_len = 0, spki_len = 0, sig_len = 0, der_len = 0, i;
    CHECK_RC(paycore_signing_key_generate(&key), PAYCORE_RESULT_OK);
    CHECK_RC(paycore_signing_key_generate(&other), PAYCORE_RESULT_OK);
    CHECK_RC(paycore_signing_key_public_key(key, PAYCORE_PUBLIC_KEY_SEC1_UNCOMPRESSED, pub, 65,
                                            &pub_len),
             PAYCORE_RESULT_OK);
    CHECK_RC(paycore_signing_key_public_key(other, PAYCORE_PUBLIC_KEY_SEC1_UNCOMPRESSED, pub2,
                                            65, &pub_len),
             PAYCORE_RESULT_OK);
    CHECK(memcmp(pub, pub2, 65) != 0);
    CHECK_RC(paycore_signing_key_public_key(key, PAYCORE_PUBLIC_KEY_SPKI_DER, spki, sizeof spki,
                                            &spki_len),
             PAYCORE_RESULT_OK);
    CHECK(spki_len == PAYCORE_P256_SPKI_DER_LEN && spki[0] == 0x30 &&
          memcmp(spki + 26, pub, 65) == 0);
    CHECK_RC(paycore_sign(key, msg, sizeof msg, sig, 64, &sig_len), PAYCORE_RESULT_OK);
    CHECK_RC(paycore_verify(spki, spki_len, msg, sizeof msg, sig, 64, PAYCORE_SIGNATURE_RAW,
                            PAYCORE_S_POLICY_REJECT_HIGH_S),
             PAYCORE_RESULT_OK);
    CHECK_RC(paycore_verify(pub2, 65, msg, sizeof msg, sig, 64, PAYCORE_SIGNATURE_RAW,
                            PAYCORE_S_POLICY_ACCEPT_HIGH_S),
             PAYCORE_RESULT_VERIFICATION_FAILED);
    /* Flip every byte of the signature. */
    for (i = 0; i < 64; i++) {
        paycore_result rc;
        memcpy(bad, sig, 64);
        bad[i] ^= 0x01;
        rc = paycore_verify(pub, 65, msg, sizeof msg, bad, 64, PAYCORE_SIGNATURE_RAW,
                            PAYCORE_S_POLICY_ACCEPT_HIGH_S);
        CHECK(rc == PAYCORE_RESULT_VERIFICATION_FAILED || rc == PAYCORE_RESULT_MALFORMED);
    }
    /* Flip every byte of the message. */
    for (i = 0; i < sizeof msg; i++) {
        msg[i] ^= 0x20;
        CHECK_RC(paycore_verify(pub, 65, msg, sizeof msg, sig, 64, PAYCORE_SIGNATURE_RAW,
                                PAYCORE_S_POLICY_ACCEPT_HIGH_S),
                 PAYCORE_RESULT_VERIFICATION_FAILED);
        msg[i] ^= 0x20;
    }
    /* DER: flip every byte. */
    CHECK_RC(paycore_sign_der(key, msg, sizeof msg, der, sizeof der, &der_len),
             PAYCORE_RESULT_OK);
    for (i = 0; i < der_len; i++) {
        paycore_result rc;
        der[i] ^= 0x01;
        rc = paycore_verify(pub, 65, msg, sizeof msg, der, der_len, PAYCORE_SIGNATURE_DER,
                            PAYCORE_S_POLICY_ACCEPT_HIGH_S);
        CHECK(rc == PAYCORE_RESULT_VERIFICATION_FAILED || rc == PAYCORE_RESULT_MALFORMED);
        der[i] ^= 0x01;
    }
    /* Trailing byte after valid DER: rejected. */
    der[der_len] = 0;
    CHECK_RC(paycore_verify(pub, 65, msg, sizeof msg, der, der_len + 1, PAYCORE_SIGNATURE_DER,
                            PAYCORE_S_POLICY_ACCEPT_HIGH_S),
             PAYCORE_RESULT_MALFORMED);
    /* The high-S twin (r, n - s): valid ECDSA, refused under the strict policy. */
    memcpy(bad, sig, 32);
    n_minus(sig + 32, bad + 32);
    CHECK_RC(paycore_verify(pub, 65, msg, sizeof msg, bad, 64, PAYCORE_SIGNATURE_RAW,
                            PAYCORE_S_POLICY_ACCEPT_HIGH_S),
             PAYCORE_RESULT_OK);
    CHECK_RC(paycore_verify(pub, 65, msg, sizeof msg, bad, 64, PAYCORE_SIGNATURE_RAW,
                            PAYCORE_S_POLICY_REJECT_HIGH_S),
             PAYCORE_RESULT_VERIFICATION_FAILED);
    /* Bad arguments. */
    CHECK_RC(paycore_verify(pub, 65, msg, sizeof msg, sig, 64, 0, PAYCORE_S_POLICY_REJECT_HIGH_S),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_verify(pub, 65, msg, sizeof msg, sig, 64, PAYCORE_SIGNATURE_RAW, 0),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_verify(pub, 65, msg, sizeof msg, sig, 63, PAYCORE_SIGNATURE_RAW,
                            PAYCORE_S_POLICY_REJECT_HIGH_S),
             PAYCORE_RESULT_MALFORMED);
    memset(bad, 0, 64);
    CHECK_RC(paycore_verify(pub, 65, msg, sizeof msg, bad, 64, PAYCORE_SIGNATURE_RAW,
                            PAYCORE_S_POLICY_ACCEPT_HIGH_S),
             PAYCORE_RESULT_MALFORMED);
    memcpy(pub2, pub, 65);
    pub2[64] ^= 0x01; /* off the curve */
    CHECK_RC(paycore_verify(pub2, 65, msg, sizeof msg, sig, 64, PAYCORE_SIGNATURE_RAW,
                            PAYCORE_S_POLICY_REJECT_HIGH_S),
             PAYCORE_RESULT_MALFORMED);
    CHECK_RC(paycore_verify(pub, 0, msg, sizeof msg, sig, 64, PAYCORE_SIGNATURE_RAW,
                            PAYCORE_S_POLICY_REJECT_HIGH_S),
             PAYCORE_RESULT_MALFORMED);
    CHECK_RC(paycore_signing_key_public_key(key, 9, pub2, 65, &pub_len),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    /* NULL paths. */
    CHECK_RC(paycore_verify(NULL, 65, msg, sizeof msg, sig, 64, PAYCORE_SIGNATURE_RAW,
                            PAYCORE_S_POLICY_REJECT_HIGH_S),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_verify(pub, 65, NULL, 3, sig, 64, PAYCORE_SIGNATURE_RAW,
                            PAYCORE_S_POLICY_REJECT_HIGH_S),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_verify(pub, 65, msg, sizeof msg, NULL, 64, PAYCORE_SIGNATURE_RAW,
                            PAYCORE_S_POLICY_REJECT_HIGH_S),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_sign(NULL, msg, sizeof msg, sig, 64, &sig_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_sign(key, NULL, 1, sig, 64, &sig_len), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_sign(key, msg, sizeof msg, NULL, 64, &sig_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_sign(key, msg, sizeof msg, sig, 64, NULL), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_sign_der(NULL, msg, sizeof msg, der, 80, &der_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_sign_der(key, msg, sizeof msg, der, 80, NULL), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_signing_key_public_key(NULL, 1, pub2, 65, &pub_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_signing_key_public_key(key, 1, NULL, 65, &pub_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_signing_key_generate(NULL), PAYCORE_RESULT_NULL_PARAMETER);
    /* Short buffers: size reported, nothing written. */
    memset(bad, 0xEE, 64);
    CHECK_RC(paycore_sign(key, msg, sizeof msg, bad, 63, &sig_len),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(sig_len == 64 && bad[0] == 0xEE && bad[62] == 0xEE);
    CHECK_RC(paycore_sign_der(key, msg, sizeof msg, bad, 8, &der_len),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(der_len >= 8 && der_len <= 72 && bad[0] == 0xEE);
    CHECK_RC(paycore_signing_key_public_key(key, PAYCORE_PUBLIC_KEY_SPKI_DER, bad, 64, &pub_len),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(pub_len == 91 && bad[0] == 0xEE);
    paycore_signing_key_free(key);
    paycore_signing_key_free(other);
    paycore_signing_key_free(NULL);
}

static void test_signing_key_import_export(void) {
    unsigned char d[33], out[40];
    size_t out_len = 0;
    paycore_signing_key *key = NULL;
    /* Rejected scalars: wrong length, zero, n. */
    hex_decode("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721", d, 32);
    CHECK_RC(paycore_signing_key_from_scalar(d, 31, &key), PAYCORE_RESULT_MALFORMED);
    CHECK_RC(paycore_signing_key_from_scalar(d, 33, &key), PAYCORE_RESULT_MALFORMED);
    CHECK_RC(paycore_signing_key_from_scalar(NULL, 32, &key), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_signing_key_from_scalar(d, 32, NULL), PAYCORE_RESULT_NULL_PARAMETER);
    memset(out, 0, 32);
    CHECK_RC(paycore_signing_key_from_scalar(out, 32, &key), PAYCORE_RESULT_MALFORMED);
    hex_decode(P256_N, out, 32);
    CHECK_RC(paycore_signing_key_from_scalar(out, 32, &key), PAYCORE_RESULT_MALFORMED);
    CHECK(key == NULL);
    key = rfc6979_key();
    /* Export gives the imported scalar back. */
    CHECK_RC(paycore_signing_key_dangerous_export_scalar(key, out, sizeof out, &out_len),
             PAYCORE_RESULT_OK);
    CHECK(out_len == 32 && memcmp(out, d, 32) == 0);
    /* Secret output zeroed on failure. */
    memset(out, 0xAA, sizeof out);
    CHECK_RC(paycore_signing_key_dangerous_export_scalar(key, out, 31, &out_len),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(out_len == 32 && all_zero(out, 31) && out[31] == 0xAA);
    memset(out, 0xAA, sizeof out);
    CHECK_RC(paycore_signing_key_dangerous_export_scalar(NULL, out, 32, &out_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK(all_zero(out, 32));
    CHECK_RC(paycore_signing_key_dangerous_export_scalar(key, out, 32, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_signing_key_dangerous_export_scalar(key, NULL, 32, &out_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    paycore_signing_key_free(key);
}

/* DER ECDSA-Sig-Value of a raw r || s (X9.62; minimal INTEGERs). */
static size_t der_int(const unsigned char *v, unsigned char *out) {
    size_t skip = 0, n = 0;
    while (skip < 31 && v[skip] == 0 && !(v[skip + 1] & 0x80)) skip++;
    out[n++] = 0x02;
    if (v[skip] & 0x80) {
        out[n++] = (unsigned char)(32 - skip + 1);
        out[n++] = 0x00;
    } else {
        out[n++] = (unsigned char)(32 - skip);
    }
    memcpy(out + n, v + skip, 32 - skip);
    return n + 32 - skip;
}

static size_t raw_to_der(const unsigned char raw[64], unsigned char out[72]) {
    unsigned char body[70];
    size_t n = der_int(raw, body);
    n += der_int(raw + 32, body + n);
    out[0] = 0x30;
    out[1] = (unsigned char)n;
    memcpy(out + 2, body, n);
    return n + 2;
}

/* ---------------------------------------------------------------- records */

/* Text fields of a record read from JSON live here. */
typedef struct {
    char merchant_id[32], terminal_id[32], masked_pan[32], auth[16], response[8];
    unsigned char enc[256];
    int enc_len;
} record_text;

static void record_from_vector(const char *start, const char *end, paycore_record *r,
                               record_text *t) {
    char num[64], hex[512];
    memset(r, 0, sizeof *r);
    CHECK(field(start, end, "merchant_id", t->merchant_id, sizeof t->merchant_id));
    CHECK(field(start, end, "terminal_id", t->terminal_id, sizeof t->terminal_id));
    CHECK(field(start, end, "masked_pan", t->masked_pan, sizeof t->masked_pan));
    CHECK(field(start, end, "response_code", t->response, sizeof t->response));
    r->merchant_id = (const uint8_t *)t->merchant_id;
    r->merchant_id_len = strlen(t->merchant_id);
    r->terminal_id = (const uint8_t *)t->terminal_id;
    r->terminal_id_len = strlen(t->terminal_id);
    r->masked_pan = (const uint8_t *)t->masked_pan;
    r->masked_pan_len = strlen(t->masked_pan);
    r->response_code = (const uint8_t *)t->response;
    r->response_code_len = strlen(t->response);
    CHECK(field(start, end, "stan", num, sizeof num));
    r->stan = (uint32_t)strtoul(num, NULL, 10);
    CHECK(field(start, end, "amount_minor", num, sizeof num));
    r->amount_minor = strtoull(num, NULL, 10);
    CHECK(field(start, end, "currency", num, sizeof num));
    r->currency = (uint16_t)strtoul(num, NULL, 10);
    CHECK(field(start, end, "transaction_type", num, sizeof num));
    r->transaction_type = (uint32_t)strtoul(num, NULL, 10);
    CHECK(field(start, end, "entry_mode", num, sizeof num));
    r->entry_mode = (uint32_t)strtoul(num, NULL, 10);
    CHECK(field(start, end, "timestamp", num, sizeof num));
    r->timestamp = strtoull(num, NULL, 10);
    CHECK(field(start, end, "pan_token", hex, sizeof hex));
    CHECK(hex_decode(hex, r->pan_token, 16) == 16);
    CHECK(field(start, end, "authorization_code", t->auth, sizeof t->auth));
    if (strcmp(t->auth, "null") != 0) {
        r->has_authorization_code = 1;
        r->authorization_code = (const uint8_t *)t->auth;
        r->authorization_code_len = strlen(t->auth);
    }
    CHECK(field(start, end, "signature_image_hash", hex, sizeof hex));
    if (strcmp(hex, "null") != 0) {
        r->has_signature_image_hash = 1;
        CHECK(hex_decode(hex, r->signature_image_hash, 32) == 32);
    }
    CHECK(field(start, end, "encoding", hex, sizeof hex));
    t->enc_len = hex_decode(hex, t->enc, sizeof t->enc);
    CHECK(t->enc_len > 0);
}

static int text_eq(const uint8_t *p, size_t n, const char *s) {
    return n == strlen(s) && memcmp(p, s, n) == 0;
}

static int record_eq(const paycore_record *a, const paycore_record *b) {
    return a->merchant_id_len == b->merchant_id_len &&
           memcmp(a->merchant_id, b->merchant_id, a->merchant_id_len) == 0 &&
           a->terminal_id_len == b->terminal_id_len &&
           memcmp(a->terminal_id, b->terminal_id, a->terminal_id_len) == 0 &&
           a->stan == b->stan && a->amount_minor == b->amount_minor &&
           a->currency == b->currency && a->transaction_type == b->transaction_type &&
           a->entry_mode == b->entry_mode && a->timestamp == b->timestamp &&
           a->masked_pan_len == b->masked_pan_len &&
           memcmp(a->masked_pan, b->masked_pan, a->masked_pan_len) == 0 &&
           memcmp(a->pan_token, b->pan_token, 16) == 0 &&
           a->has_authorization_code == b->has_authorization_code &&
           (!a->has_authorization_code ||
            (a->authorization_code_len == b->authorization_code_len &&
             memcmp(a->authorization_code, b->authorization_code, a->authorization_code_len) ==
                 0)) &&
           a->response_code_len == b->response_code_len &&
           memcmp(a->response_code, b->response_code, a->response_code_len) == 0 &&
           a->has_signature_image_hash == b->has_signature_image_hash &&
           (!a->has_signature_image_hash ||
            memcmp(a->signature_image_hash, b->signature_image_hash, 32) == 0);
}

static paycore_record vec_record[2];
static record_text vec_text[2];
static int vec_records = 0;

static void test_record_vectors(void) {
    char *json = read_file("tests/vectors/sign_record.json");
    const char *cursor, *start, *end;
    CHECK(json != NULL);
    if (!json) return;
    cursor = json;
    while (vec_records < 2 && next_vector(json, &cursor, &start, &end)) {
        paycore_record *r = &vec_record[vec_records];
        record_text *t = &vec_text[vec_records];
        paycore_record d;
        unsigned char buf[PAYCORE_RECORD_MAX_ENCODED_LEN];
        size_t n = 0;
        record_from_vector(start, end, r, t);
        CHECK_RC(paycore_record_encode(r, buf, sizeof buf, &n), PAYCORE_RESULT_OK);
        CHECK(n == (size_t)t->enc_len && memcmp(buf, t->enc, n) == 0);
        memset(&d, 0, sizeof d);
        CHECK_RC(paycore_record_decode(t->enc, (size_t)t->enc_len, &d), PAYCORE_RESULT_OK);
        CHECK(record_eq(&d, r));
        /* Zero copy: the merchant ID follows version, tag and length. */
        CHECK(d.merchant_id == t->enc + 3);
        /* Short buffer: exact size reported. */
        n = 0;
        CHECK_RC(paycore_record_encode(r, buf, (size_t)t->enc_len - 1, &n),
                 PAYCORE_RESULT_BUFFER_TOO_SMALL);
        CHECK(n == (size_t)t->enc_len);
        vec_records++;
    }
    free(json);
    CHECK(vec_records == 2);
    /* Vector 1 has no optional fields: decoded as absent, zeroed. */
    {
        paycore_record d;
        CHECK_RC(paycore_record_decode(vec_text[1].enc, (size_t)vec_text[1].enc_len, &d),
                 PAYCORE_RESULT_OK);
        CHECK(d.has_authorization_code == 0 && d.authorization_code == NULL &&
              d.has_signature_image_hash == 0 && all_zero(d.signature_image_hash, 32));
    }
}

static void test_record_rejections(void) {
    paycore_record r = vec_record[0], d;
    unsigned char buf[PAYCORE_RECORD_MAX_ENCODED_LEN + 2], enc[256];
    size_t n = 0, enc_len = (size_t)vec_text[0].enc_len;
    memcpy(enc, vec_text[0].enc, enc_len);
    /* Encode rejections. */
    r.transaction_type = 0;
    CHECK_RC(paycore_record_encode(&r, buf, sizeof buf, &n), PAYCORE_RESULT_INVALID_ARGUMENT);
    r.transaction_type = 7;
    CHECK_RC(paycore_record_encode(&r, buf, sizeof buf, &n), PAYCORE_RESULT_INVALID_ARGUMENT);
    r = vec_record[0];
    r.entry_mode = 0x101; /* would truncate to a valid code */
    CHECK_RC(paycore_record_encode(&r, buf, sizeof buf, &n), PAYCORE_RESULT_INVALID_ARGUMENT);
    r = vec_record[0];
    r.has_authorization_code = 2;
    CHECK_RC(paycore_record_encode(&r, buf, sizeof buf, &n), PAYCORE_RESULT_INVALID_ARGUMENT);
    r = vec_record[0];
    r.has_signature_image_hash = 0xFF;
    CHECK_RC(paycore_record_encode(&r, buf, sizeof buf, &n), PAYCORE_RESULT_INVALID_ARGUMENT);
    r = vec_record[0];
    r.merchant_id = (const uint8_t *)"MERCHANT00000001"; /* 16 > 15 */
    r.merchant_id_len = 16;
    CHECK_RC(paycore_record_encode(&r, buf, sizeof buf, &n), PAYCORE_RESULT_MALFORMED);
    r = vec_record[0];
    r.merchant_id_len = 0;
    CHECK_RC(paycore_record_encode(&r, buf, sizeof buf, &n), PAYCORE_RESULT_MALFORMED);
    r = vec_record[0];
    r.masked_pan = (const uint8_t *)"4111111111111111"; /* unmasked: refused */
    r.masked_pan_len = 16;
    CHECK_RC(paycore_record_encode(&r, buf, sizeof buf, &n), PAYCORE_RESULT_MALFORMED);
    r = vec_record[0];
    r.currency = 0;
    CHECK_RC(paycore_record_encode(&r, buf, sizeof buf, &n), PAYCORE_RESULT_MALFORMED);
    r = vec_record[0];
    r.stan = 1000000;
    CHECK_RC(paycore_record_encode(&r, buf, sizeof buf, &n), PAYCORE_RESULT_MALFORMED);
    r = vec_record[0];
    r.response_code = (const uint8_t *)"\xff\xfe";
    CHECK_RC(paycore_record_encode(&r, buf, sizeof buf, &n), PAYCORE_RESULT_INVALID_ARGUMENT);
    r = vec_record[0];
    r.terminal_id = NULL; /* (NULL, len > 0) */
    CHECK_RC(paycore_record_encode(&r, buf, sizeof buf, &n), PAYCORE_RESULT_NULL_PARAMETER);
    r = vec_record[0];
    r.has_authorization_code = 0; /* absent: pointer ignored */
    r.authorization_code = NULL;
    CHECK_RC(paycore_record_encode(&r, buf, sizeof buf, &n), PAYCORE_RESULT_OK);
    CHECK(n == enc_len - 8);
    CHECK_RC(paycore_record_encode(NULL, buf, sizeof buf, &n), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_record_encode(&vec_record[0], buf, sizeof buf, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_record_encode(&vec_record[0], NULL, sizeof buf, &n),
             PAYCORE_RESULT_NULL_PARAMETER);
    /* Decode rejections: truncated, trailing byte, wrong version (3, and
     * version 1: signed without a domain label), flipped tag. */
    memset(&d, 0x5A, sizeof d);
    CHECK_RC(paycore_record_decode(enc, enc_len - 1, &d), PAYCORE_RESULT_MALFORMED);
    enc[enc_len] = 0;
    CHECK_RC(paycore_record_decode(enc, enc_len + 1, &d), PAYCORE_RESULT_MALFORMED);
    CHECK(enc[0] == 0x02);
    enc[0] = 0x03;
    CHECK_RC(paycore_record_decode(enc, enc_len, &d), PAYCORE_RESULT_MALFORMED);
    enc[0] = 0x01;
    CHECK_RC(paycore_record_decode(enc, enc_len, &d), PAYCORE_RESULT_MALFORMED);
    enc[0] = 0x02;
    enc[1] = 0x02; /* merchant tag becomes terminal tag: order broken */
    CHECK_RC(paycore_record_decode(enc, enc_len, &d), PAYCORE_RESULT_MALFORMED);
    enc[1] = 0x01;
    CHECK_RC(paycore_record_decode(NULL, 0, &d), PAYCORE_RESULT_MALFORMED);
    CHECK_RC(paycore_record_decode(NULL, 5, &d), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_record_decode(enc, enc_len, NULL), PAYCORE_RESULT_NULL_PARAMETER);
    /* Nothing was written by the failures. */
    CHECK(d.stan == 0x5A5A5A5A);
    CHECK_RC(paycore_record_decode(enc, enc_len, &d), PAYCORE_RESULT_OK);
}

static void test_pan_token_and_mask(void) {
    unsigned char k[32], token[32], mac[32];
    char masked[32];
    size_t n = 0, m = 0;
    paycore_key *key, *both, *wrong, *verify_only;
    const char *pan = "4111111111111111";
    memset(k, 0x33, sizeof k);
    key = make_key(PAYCORE_ALGORITHM_AES256, k, 32, "M7", 'G');
    both = make_key(PAYCORE_ALGORITHM_AES256, k, 32, "M7", 'C');
    wrong = make_key(PAYCORE_ALGORITHM_AES256, k, 32, "D0", 'B');
    verify_only = make_key(PAYCORE_ALGORITHM_AES256, k, 32, "M7", 'V');
    CHECK_RC(paycore_pan_token(key, (const uint8_t *)pan, 16, token, sizeof token, &n),
             PAYCORE_RESULT_OK);
    CHECK(n == PAYCORE_PAN_TOKEN_LEN);
    /* The token is the leftmost 16 bytes of HMAC-SHA256(key, PAN digits):
     * same as the MAC API, and as Python's hmac module (cross-check:
     * hmac.new(b'\x33'*32, b'4111111111111111', sha256), first 16 bytes). */
    CHECK_RC(paycore_mac_generate(both, PAYCORE_MAC_ALG_HMAC_SHA256, PAYCORE_MAC_PADDING_NONE,
                                  (const uint8_t *)pan, 16, 16, mac, sizeof mac, &m),
             PAYCORE_RESULT_OK);
    CHECK(m == 16 && memcmp(token, mac, 16) == 0);
    {
        unsigned char py[16];
        hex_decode("55BB2EBBF21F7F3E08E2A0633734B43A", py, 16);
        CHECK(memcmp(token, py, 16) == 0);
    }
    /* Another PAN, another token. */
    CHECK_RC(paycore_pan_token(key, (const uint8_t *)"4111111111111129", 16, mac, 16, &m),
             PAYCORE_RESULT_OK);
    CHECK(memcmp(token, mac, 16) != 0);
    CHECK_RC(paycore_pan_token(wrong, (const uint8_t *)pan, 16, token, 16, &n),
             PAYCORE_RESULT_KEY_USAGE);
    CHECK_RC(paycore_pan_token(verify_only, (const uint8_t *)pan, 16, token, 16, &n),
             PAYCORE_RESULT_KEY_USAGE);
    CHECK_RC(paycore_pan_token(key, (const uint8_t *)"41111", 5, token, 16, &n),
             PAYCORE_RESULT_INVALID_PAN);
    CHECK_RC(paycore_pan_token(key, (const uint8_t *)"41111111111x1111", 16, token, 16, &n),
             PAYCORE_RESULT_INVALID_PAN);
    CHECK_RC(paycore_pan_token(key, (const uint8_t *)pan, 16, token, 15, &n),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(n == 16);
    CHECK_RC(paycore_pan_token(NULL, (const uint8_t *)pan, 16, token, 16, &n),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_pan_token(key, NULL, 16, token, 16, &n), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_pan_token(key, (const uint8_t *)pan, 16, token, 16, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    /* Masking (PCI DSS 3.4: first 6, last 4). */
    CHECK_RC(paycore_pan_mask((const uint8_t *)pan, 16, (uint8_t *)masked, sizeof masked, &n),
             PAYCORE_RESULT_OK);
    CHECK(text_eq((const uint8_t *)masked, n, "411111******1111"));
    CHECK_RC(paycore_pan_mask((const uint8_t *)"6011000990139424004", 19, (uint8_t *)masked,
                              sizeof masked, &n),
             PAYCORE_RESULT_OK);
    CHECK(text_eq((const uint8_t *)masked, n, "601100*********4004"));
    CHECK_RC(paycore_pan_mask((const uint8_t *)"476173000119", 12, (uint8_t *)masked,
                              sizeof masked, &n),
             PAYCORE_RESULT_OK);
    /* Under 15 digits only the last 4 are shown (5+ digits stay hidden). */
    CHECK(text_eq((const uint8_t *)masked, n, "********0119"));
    CHECK_RC(paycore_pan_mask((const uint8_t *)pan, 16, (uint8_t *)masked, 15, &n),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(n == 16);
    CHECK_RC(paycore_pan_mask((const uint8_t *)"12345678901", 11, (uint8_t *)masked, 32, &n),
             PAYCORE_RESULT_INVALID_PAN);
    CHECK_RC(paycore_pan_mask(NULL, 16, (uint8_t *)masked, 32, &n), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_pan_mask((const uint8_t *)pan, 16, (uint8_t *)masked, 32, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    paycore_key_free(key);
    paycore_key_free(both);
    paycore_key_free(wrong);
    paycore_key_free(verify_only);
}

static void test_sign_and_verify_record(void) {
    paycore_signing_key *key = rfc6979_key();
    unsigned char pub[65], enc[PAYCORE_RECORD_MAX_ENCODED_LEN], sig[64], sig2[64];
    unsigned char der[80];
    size_t pub_len = 0, enc_len = 0, sig_len = 0, sig2_len = 0, der_len = 0, i;
    paycore_record d;
    CHECK_RC(paycore_signing_key_public_key(key, PAYCORE_PUBLIC_KEY_SEC1_UNCOMPRESSED, pub, 65,
                                            &pub_len),
             PAYCORE_RESULT_OK);
    CHECK_RC(paycore_sign_record(key, &vec_record[0], enc, sizeof enc, &enc_len, sig, 64,
                                 &sig_len),
             PAYCORE_RESULT_OK);
    /* The signed bytes are the published encoding. Issue 11.3: the generic
     * signature over the same bytes is a different one, and it is no record
     * signature; nor is a raw one. */
    CHECK(enc_len == (size_t)vec_text[0].enc_len && memcmp(enc, vec_text[0].enc, enc_len) == 0);
    CHECK(sig_len == 64);
    CHECK_RC(paycore_sign(key, enc, enc_len, sig2, 64, &sig2_len), PAYCORE_RESULT_OK);
    CHECK(memcmp(sig, sig2, 64) != 0);
    CHECK_RC(paycore_verify_record(pub, 65, enc, enc_len, sig2, 64, PAYCORE_SIGNATURE_RAW,
                                   PAYCORE_S_POLICY_ACCEPT_HIGH_S, &d),
             PAYCORE_RESULT_VERIFICATION_FAILED);
    CHECK_RC(paycore_sign_raw(key, enc, enc_len, PAYCORE_SIGNATURE_RAW, sig2, 64, &sig2_len),
             PAYCORE_RESULT_OK);
    CHECK_RC(paycore_verify_record(pub, 65, enc, enc_len, sig2, 64, PAYCORE_SIGNATURE_RAW,
                                   PAYCORE_S_POLICY_ACCEPT_HIGH_S, &d),
             PAYCORE_RESULT_VERIFICATION_FAILED);
    /* ... and the record signature is neither a generic nor a raw one. */
    CHECK_RC(paycore_verify(pub, 65, enc, enc_len, sig, 64, PAYCORE_SIGNATURE_RAW,
                            PAYCORE_S_POLICY_ACCEPT_HIGH_S),
             PAYCORE_RESULT_VERIFICATION_FAILED);
    CHECK_RC(paycore_verify_raw(pub, 65, enc, enc_len, sig, 64, PAYCORE_SIGNATURE_RAW,
                                PAYCORE_S_POLICY_ACCEPT_HIGH_S),
             PAYCORE_RESULT_VERIFICATION_FAILED);
    memset(&d, 0, sizeof d);
    CHECK_RC(paycore_verify_record(pub, 65, enc, enc_len, sig, 64, PAYCORE_SIGNATURE_RAW,
                                   PAYCORE_S_POLICY_REJECT_HIGH_S, &d),
             PAYCORE_RESULT_OK);
    CHECK(record_eq(&d, &vec_record[0]));
    CHECK(d.merchant_id == enc + 3);
    /* DER form of the record signature. */
    der_len = raw_to_der(sig, der);
    CHECK_RC(paycore_verify_record(pub, 65, enc, enc_len, der, der_len, PAYCORE_SIGNATURE_DER,
                                   PAYCORE_S_POLICY_REJECT_HIGH_S, &d),
             PAYCORE_RESULT_OK);
    /* A generic DER signature over the record is refused too. */
    CHECK_RC(paycore_sign_der(key, enc, enc_len, der, sizeof der, &der_len), PAYCORE_RESULT_OK);
    CHECK_RC(paycore_verify_record(pub, 65, enc, enc_len, der, der_len, PAYCORE_SIGNATURE_DER,
                                   PAYCORE_S_POLICY_REJECT_HIGH_S, &d),
             PAYCORE_RESULT_VERIFICATION_FAILED);
    /* Tamper every byte of the encoded record: refused, *out untouched (a
     * changed version byte is refused before the signature check). */
    for (i = 0; i < enc_len; i++) {
        memset(&d, 0x5A, sizeof d);
        enc[i] ^= 0x01;
        CHECK_RC(paycore_verify_record(pub, 65, enc, enc_len, sig, 64, PAYCORE_SIGNATURE_RAW,
                                       PAYCORE_S_POLICY_REJECT_HIGH_S, &d),
                 i == 0 ? PAYCORE_RESULT_MALFORMED : PAYCORE_RESULT_VERIFICATION_FAILED);
        CHECK(d.stan == 0x5A5A5A5A);
        enc[i] ^= 0x01;
    }
    for (i = 0; i < 64; i++) {
        paycore_result rc;
        sig[i] ^= 0x80;
        rc = paycore_verify_record(pub, 65, enc, enc_len, sig, 64, PAYCORE_SIGNATURE_RAW,
                                   PAYCORE_S_POLICY_ACCEPT_HIGH_S, &d);
        CHECK(rc == PAYCORE_RESULT_VERIFICATION_FAILED || rc == PAYCORE_RESULT_MALFORMED);
        sig[i] ^= 0x80;
    }
    /* A signed non-record (no version 2 byte): refused as malformed. */
    CHECK_RC(paycore_sign(key, (const uint8_t *)"not a record", 12, sig2, 64, &sig2_len),
             PAYCORE_RESULT_OK);
    CHECK_RC(paycore_verify_record(pub, 65, (const uint8_t *)"not a record", 12, sig2, 64,
                                   PAYCORE_SIGNATURE_RAW, PAYCORE_S_POLICY_REJECT_HIGH_S, &d),
             PAYCORE_RESULT_MALFORMED);
    /* Short buffers: both sizes reported, nothing written. */
    memset(enc, 0xEE, sizeof enc);
    memset(sig2, 0xEE, sizeof sig2);
    enc_len = sig2_len = 0;
    CHECK_RC(paycore_sign_record(key, &vec_record[0], enc, 10, &enc_len, sig2, 64, &sig2_len),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(enc_len == (size_t)vec_text[0].enc_len && sig2_len == 64);
    CHECK(enc[0] == 0xEE && sig2[0] == 0xEE && sig2[63] == 0xEE);
    enc_len = sig2_len = 0;
    CHECK_RC(paycore_sign_record(key, &vec_record[0], enc, sizeof enc, &enc_len, sig2, 63,
                                 &sig2_len),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(enc_len == (size_t)vec_text[0].enc_len && sig2_len == 64);
    CHECK(enc[0] == 0xEE && sig2[0] == 0xEE);
    /* NULL / bad arguments. */
    CHECK_RC(paycore_sign_record(NULL, &vec_record[0], enc, sizeof enc, &enc_len, sig2, 64,
                                 &sig2_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_sign_record(key, NULL, enc, sizeof enc, &enc_len, sig2, 64, &sig2_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_sign_record(key, &vec_record[0], enc, sizeof enc, NULL, sig2, 64,
                                 &sig2_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_sign_record(key, &vec_record[0], enc, sizeof enc, &enc_len, NULL, 64,
                                 &sig2_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_sign_record(key, &vec_record[0], enc, sizeof enc, &enc_len, sig2, 64,
                                 NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_verify_record(pub, 65, vec_text[0].enc, (size_t)vec_text[0].enc_len, sig,
                                   64, PAYCORE_SIGNATURE_RAW, PAYCORE_S_POLICY_REJECT_HIGH_S,
                                   NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_verify_record(NULL, 65, vec_text[0].enc, (size_t)vec_text[0].enc_len, sig,
                                   64, PAYCORE_SIGNATURE_RAW, PAYCORE_S_POLICY_REJECT_HIGH_S,
                                   &d),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_verify_record(pub, 65, vec_text[0].enc, (size_t)vec_text[0].enc_len, sig,
                                   64, 5, PAYCORE_S_POLICY_REJECT_HIGH_S, &d),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_verify_record(pub, 65, vec_text[0].enc, (size_t)vec_text[0].enc_len, sig,
                                   64, PAYCORE_SIGNATURE_RAW, 3, &d),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    {
        paycore_record bad = vec_record[0];
        bad.entry_mode = 9;
        CHECK_RC(paycore_sign_record(key, &bad, enc, sizeof enc, &enc_len, sig2, 64, &sig2_len),
                 PAYCORE_RESULT_INVALID_ARGUMENT);
    }
    paycore_signing_key_free(key);
}

/* ---------------------------------------------------------------- domains */

/* tests/vectors/sign_domains.json: signatures computed outside paycore
 * (pyca/cryptography, deterministic ECDSA over label || message), plus the
 * issue 11.3 cross-domain checks: a generic or raw signature is never a
 * record or journal signature. */
static void test_sign_domains(void) {
    char *json = read_file("tests/vectors/sign_domains.json");
    const char *cursor, *start, *end;
    paycore_signing_key *key = rfc6979_key();
    unsigned char pub[65];
    size_t pub_len = 0;
    int seen = 0;
    CHECK(json != NULL);
    if (!json) return;
    CHECK_RC(paycore_signing_key_public_key(key, PAYCORE_PUBLIC_KEY_SEC1_UNCOMPRESSED, pub, 65,
                                            &pub_len),
             PAYCORE_RESULT_OK);
    cursor = json;
    while (next_vector(json, &cursor, &start, &end)) {
        char kind[16], hex[1024];
        unsigned char msg[512], want[64], sig[64], other[64];
        int msg_len, want_len;
        size_t sig_len = 0, other_len = 0;
        CHECK(field(start, end, "kind", kind, sizeof kind));
        if (strcmp(kind, "generic") == 0 || strcmp(kind, "record") == 0) {
            paycore_record d;
            unsigned char enc[PAYCORE_RECORD_MAX_ENCODED_LEN];
            size_t enc_len = 0;
            CHECK(field(start, end, "message", hex, sizeof hex));
            msg_len = hex_decode(hex, msg, sizeof msg);
            CHECK(field(start, end, "signature", hex, sizeof hex));
            want_len = hex_decode(hex, want, sizeof want);
            CHECK(msg_len > 0 && want_len == 64);
            if (kind[0] == 'g') {
                CHECK_RC(paycore_sign(key, msg, (size_t)msg_len, sig, 64, &sig_len),
                         PAYCORE_RESULT_OK);
                CHECK(memcmp(sig, want, 64) == 0);
                CHECK_RC(paycore_verify(pub, 65, msg, (size_t)msg_len, sig, 64,
                                        PAYCORE_SIGNATURE_RAW, PAYCORE_S_POLICY_REJECT_HIGH_S),
                         PAYCORE_RESULT_OK);
                CHECK_RC(paycore_verify_raw(pub, 65, msg, (size_t)msg_len, sig, 64,
                                            PAYCORE_SIGNATURE_RAW,
                                            PAYCORE_S_POLICY_ACCEPT_HIGH_S),
                         PAYCORE_RESULT_VERIFICATION_FAILED);
                seen |= 1;
                continue;
            }
            CHECK_RC(paycore_record_decode(msg, (size_t)msg_len, &d), PAYCORE_RESULT_OK);
            CHECK_RC(paycore_sign_record(key, &d, enc, sizeof enc, &enc_len, sig, 64, &sig_len),
                     PAYCORE_RESULT_OK);
            CHECK(enc_len == (size_t)msg_len && memcmp(enc, msg, enc_len) == 0);
            CHECK(memcmp(sig, want, 64) == 0);
            CHECK_RC(paycore_verify_record(pub, 65, msg, (size_t)msg_len, want, 64,
                                           PAYCORE_SIGNATURE_RAW,
                                           PAYCORE_S_POLICY_REJECT_HIGH_S, &d),
                     PAYCORE_RESULT_OK);
            /* Generic over the record bytes, and over label || bytes. */
            CHECK_RC(paycore_sign(key, msg, (size_t)msg_len, other, 64, &other_len),
                     PAYCORE_RESULT_OK);
            CHECK_RC(paycore_verify_record(pub, 65, msg, (size_t)msg_len, other, 64,
                                           PAYCORE_SIGNATURE_RAW,
                                           PAYCORE_S_POLICY_ACCEPT_HIGH_S, &d),
                     PAYCORE_RESULT_VERIFICATION_FAILED);
            {
                unsigned char labelled[18 + 512];
                memcpy(labelled, "paycore/record/v2", 18); /* with its NUL */
                memcpy(labelled + 18, msg, (size_t)msg_len);
                CHECK_RC(paycore_sign(key, labelled, 18 + (size_t)msg_len, other, 64,
                                      &other_len),
                         PAYCORE_RESULT_OK);
                CHECK_RC(paycore_verify_record(pub, 65, msg, (size_t)msg_len, other, 64,
                                               PAYCORE_SIGNATURE_RAW,
                                               PAYCORE_S_POLICY_ACCEPT_HIGH_S, &d),
                         PAYCORE_RESULT_VERIFICATION_FAILED);
                /* Raw signing of the record's own hash input is refused. */
                CHECK_RC(paycore_sign_raw(key, labelled, 18 + (size_t)msg_len,
                                          PAYCORE_SIGNATURE_RAW, other, 64, &other_len),
                         PAYCORE_RESULT_INVALID_ARGUMENT);
                CHECK_RC(paycore_verify_raw(pub, 65, labelled, 18 + (size_t)msg_len, want, 64,
                                            PAYCORE_SIGNATURE_RAW,
                                            PAYCORE_S_POLICY_ACCEPT_HIGH_S),
                         PAYCORE_RESULT_INVALID_ARGUMENT);
            }
            seen |= 2;
        } else if (strcmp(kind, "journal") == 0) {
            static unsigned char rec[2][256], entry[2][512], out[2][512];
            int rec_len[2], entry_len[2], k;
            size_t out_len[2] = {0, 0};
            paycore_journal_writer state;
            paycore_journal_entry entries[2];
            paycore_journal_problem problems[4];
            paycore_journal_summary summary;
            size_t np = 0;
            const char *rnames[2] = {"record_0", "record_1"};
            const char *enames[2] = {"entry_0", "entry_1"};
            memset(&state, 0, sizeof state);
            for (k = 0; k < 2; k++) {
                CHECK(field(start, end, rnames[k], hex, sizeof hex));
                rec_len[k] = hex_decode(hex, rec[k], sizeof rec[k]);
                CHECK(field(start, end, enames[k], hex, sizeof hex));
                entry_len[k] = hex_decode(hex, entry[k], sizeof entry[k]);
                CHECK(rec_len[k] > 0 && entry_len[k] > 64);
                CHECK_RC(paycore_journal_append_ecdsa(&state, key, rec[k], (size_t)rec_len[k],
                                                      out[k], sizeof out[k], &out_len[k], &state),
                         PAYCORE_RESULT_OK);
                CHECK(out_len[k] == (size_t)entry_len[k] &&
                      memcmp(out[k], entry[k], out_len[k]) == 0);
                entries[k].data = out[k];
                entries[k].len = out_len[k];
            }
            memset(&state, 0, sizeof state);
            CHECK_RC(paycore_journal_verify_ecdsa(entries, 2, pub, 65, &state, true, 1, problems,
                                                  4, &np, &summary),
                     PAYCORE_RESULT_OK);
            CHECK(np == 0 && summary.authentic == 2);
            /* Splice in a generic, then a raw, signature over the signed
             * bytes of entry 1: each is refused as an altered entry. */
            for (k = 0; k < 2; k++) {
                size_t signed_len = out_len[1] - 64;
                if (k == 0)
                    CHECK_RC(paycore_sign(key, out[1], signed_len, other, 64, &other_len),
                             PAYCORE_RESULT_OK);
                else
                    CHECK_RC(paycore_sign_raw(key, out[1], signed_len, PAYCORE_SIGNATURE_RAW,
                                              other, 64, &other_len),
                             PAYCORE_RESULT_OK);
                memcpy(out[1] + signed_len, other, 64);
                CHECK_RC(paycore_journal_verify_ecdsa(entries, 2, pub, 65, &state, true, 1,
                                                      problems, 4, &np, &summary),
                         PAYCORE_RESULT_VERIFICATION_FAILED);
                CHECK(np == 1 && problems[0].kind == PAYCORE_JOURNAL_PROBLEM_ALTERED &&
                      problems[0].sequence == 1);
                memcpy(out[1] + signed_len, entry[1] + signed_len, 64);
            }
            /* The journal signature is no generic signature. */
            CHECK_RC(paycore_verify(pub, 65, out[1], out_len[1] - 64, out[1] + out_len[1] - 64,
                                    64, PAYCORE_SIGNATURE_RAW, PAYCORE_S_POLICY_ACCEPT_HIGH_S),
                     PAYCORE_RESULT_VERIFICATION_FAILED);
            /* A version 1 entry is malformed. */
            out[0][0] = 0x01;
            CHECK_RC(paycore_journal_verify_ecdsa(entries, 1, pub, 65, &state, false, 0,
                                                  problems, 4, &np, &summary),
                     PAYCORE_RESULT_VERIFICATION_FAILED);
            CHECK(np >= 1 && problems[0].kind == PAYCORE_JOURNAL_PROBLEM_MALFORMED);
            seen |= 4;
        }
    }
    free(json);
    CHECK(seen == 7);
    paycore_signing_key_free(key);
}

/* ---------------------------------------------------------------- seal */

static void test_seal(void) {
    paycore_recipient_key *host = NULL, *other = NULL;
    unsigned char pub[65], env[256], clear[64], d[32];
    const unsigned char aad[] = "record bytes";
    const unsigned char card[] = "4111111111111111=2512";
    size_t pub_len = 0, env_len = 0, clear_len = 0, i;
    size_t pt_len = sizeof card - 1;
    CHECK_RC(paycore_recipient_key_generate(&host), PAYCORE_RESULT_OK);
    hex_decode("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721", d, 32);
    CHECK_RC(paycore_recipient_key_from_scalar(d, 32, &other), PAYCORE_RESULT_OK);
    /* The same scalar as the RFC 6979 key: the same public point. */
    {
        unsigned char x[32];
        size_t n = 0;
        hex_decode("60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6", x, 32);
        CHECK_RC(paycore_recipient_key_public_key(other, pub, 65, &n), PAYCORE_RESULT_OK);
        CHECK(n == 65 && pub[0] == 0x04 && memcmp(pub + 1, x, 32) == 0);
    }
    CHECK_RC(paycore_recipient_key_public_key(host, pub, 65, &pub_len), PAYCORE_RESULT_OK);
    CHECK(pub_len == 65);
    CHECK_RC(paycore_seal(pub, 65, aad, sizeof aad, card, pt_len, env, sizeof env, &env_len),
             PAYCORE_RESULT_OK);
    CHECK(env_len == pt_len + PAYCORE_SEAL_OVERHEAD && env[0] == 0x01);
    CHECK_RC(paycore_open(host, aad, sizeof aad, env, env_len, clear, sizeof clear, &clear_len),
             PAYCORE_RESULT_OK);
    CHECK(clear_len == pt_len && memcmp(clear, card, pt_len) == 0);
    /* Randomized: sealing again gives another envelope. */
    {
        unsigned char env2[256];
        size_t env2_len = 0;
        CHECK_RC(paycore_seal(pub, 65, aad, sizeof aad, card, pt_len, env2, sizeof env2,
                              &env2_len),
                 PAYCORE_RESULT_OK);
        CHECK(env2_len == env_len && memcmp(env, env2, env_len) != 0);
    }
    /* Tamper every byte: refused, and the output buffer is zeroed. */
    for (i = 0; i < env_len; i++) {
        paycore_result rc;
        env[i] ^= 0x01;
        memset(clear, 0xAA, sizeof clear);
        rc = paycore_open(host, aad, sizeof aad, env, env_len, clear, sizeof clear, &clear_len);
        CHECK(rc == PAYCORE_RESULT_VERIFICATION_FAILED || rc == PAYCORE_RESULT_MALFORMED);
        CHECK(all_zero(clear, sizeof clear));
        env[i] ^= 0x01;
    }
    /* Wrong AAD, wrong key, truncated: refused and zeroed. */
    memset(clear, 0xAA, sizeof clear);
    CHECK_RC(paycore_open(host, aad, sizeof aad - 1, env, env_len, clear, sizeof clear,
                          &clear_len),
             PAYCORE_RESULT_VERIFICATION_FAILED);
    CHECK(all_zero(clear, sizeof clear));
    memset(clear, 0xAA, sizeof clear);
    CHECK_RC(paycore_open(other, aad, sizeof aad, env, env_len, clear, sizeof clear, &clear_len),
             PAYCORE_RESULT_VERIFICATION_FAILED);
    CHECK(all_zero(clear, sizeof clear));
    memset(clear, 0xAA, sizeof clear);
    CHECK_RC(paycore_open(host, aad, sizeof aad, env, PAYCORE_SEAL_OVERHEAD - 1, clear,
                          sizeof clear, &clear_len),
             PAYCORE_RESULT_MALFORMED);
    CHECK(all_zero(clear, sizeof clear));
    memset(clear, 0xAA, sizeof clear);
    CHECK_RC(paycore_open(host, aad, sizeof aad, env, env_len - 1, clear, sizeof clear,
                          &clear_len),
             PAYCORE_RESULT_VERIFICATION_FAILED);
    CHECK(all_zero(clear, sizeof clear));
    /* Short output: size reported, buffer zeroed. */
    memset(clear, 0xAA, sizeof clear);
    clear_len = 0;
    CHECK_RC(paycore_open(host, aad, sizeof aad, env, env_len, clear, pt_len - 1, &clear_len),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(clear_len == pt_len && all_zero(clear, pt_len - 1) && clear[pt_len - 1] == 0xAA);
    /* NULL paths: output zeroed where it exists. */
    memset(clear, 0xAA, sizeof clear);
    CHECK_RC(paycore_open(NULL, aad, sizeof aad, env, env_len, clear, sizeof clear, &clear_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK(all_zero(clear, sizeof clear));
    memset(clear, 0xAA, sizeof clear);
    CHECK_RC(paycore_open(host, NULL, 3, env, env_len, clear, sizeof clear, &clear_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK(all_zero(clear, sizeof clear));
    memset(clear, 0xAA, sizeof clear);
    CHECK_RC(paycore_open(host, aad, sizeof aad, NULL, env_len, clear, sizeof clear, &clear_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK(all_zero(clear, sizeof clear));
    CHECK_RC(paycore_open(host, aad, sizeof aad, env, env_len, clear, sizeof clear, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_open(host, aad, sizeof aad, env, env_len, NULL, 8, &clear_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    /* Empty plaintext and empty AAD as (NULL, 0); compressed recipient key. */
    {
        unsigned char comp[33];
        comp[0] = (unsigned char)(0x02 | (pub[64] & 1));
        memcpy(comp + 1, pub + 1, 32);
        CHECK_RC(paycore_seal(comp, 33, NULL, 0, NULL, 0, env, sizeof env, &env_len),
                 PAYCORE_RESULT_OK);
        CHECK(env_len == PAYCORE_SEAL_OVERHEAD);
        CHECK_RC(paycore_open(host, NULL, 0, env, env_len, NULL, 0, &clear_len),
                 PAYCORE_RESULT_OK);
        CHECK(clear_len == 0);
    }
    /* Seal failures. */
    CHECK_RC(paycore_seal(pub, 64, aad, sizeof aad, card, pt_len, env, sizeof env, &env_len),
             PAYCORE_RESULT_MALFORMED);
    memset(env, 0xEE, sizeof env);
    CHECK_RC(paycore_seal(pub, 65, aad, sizeof aad, card, pt_len, env, pt_len + 93, &env_len),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(env_len == pt_len + PAYCORE_SEAL_OVERHEAD && env[0] == 0xEE);
    CHECK_RC(paycore_seal(NULL, 65, aad, sizeof aad, card, pt_len, env, sizeof env, &env_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_seal(pub, 65, aad, sizeof aad, NULL, 4, env, sizeof env, &env_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_seal(pub, 65, aad, sizeof aad, card, pt_len, env, sizeof env, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    /* Key handles. */
    CHECK_RC(paycore_recipient_key_generate(NULL), PAYCORE_RESULT_NULL_PARAMETER);
    {
        paycore_recipient_key *k = NULL;
        unsigned char zero[32] = {0};
        CHECK_RC(paycore_recipient_key_from_scalar(zero, 32, &k), PAYCORE_RESULT_MALFORMED);
        CHECK_RC(paycore_recipient_key_from_scalar(d, 31, &k), PAYCORE_RESULT_MALFORMED);
        CHECK_RC(paycore_recipient_key_from_scalar(NULL, 32, &k), PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_recipient_key_from_scalar(d, 32, NULL), PAYCORE_RESULT_NULL_PARAMETER);
        CHECK(k == NULL);
    }
    CHECK_RC(paycore_recipient_key_public_key(NULL, pub, 65, &pub_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_recipient_key_public_key(host, pub, 64, &pub_len),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(pub_len == 65);
    paycore_recipient_key_free(host);
    paycore_recipient_key_free(other);
    paycore_recipient_key_free(NULL);
}

/* Wycheproof AES-GCM through the public AEAD API: the cipher under the envelope. */
static void test_wycheproof_aes_gcm(void) {
    char *json = read_file("tests/vectors/seal_aes_gcm_wycheproof.json");
    const char *cursor, *start, *end;
    int count = 0;
    CHECK(json != NULL);
    if (!json) return;
    cursor = json;
    while (next_vector(json, &cursor, &start, &end)) {
        unsigned char key_b[32], iv[12], aad[64], msg[128], ct[128], tag[16];
        int key_b_len, iv_len, aad_len, msg_len, ct_len, tag_len;
        unsigned char sealed[160], out[160];
        size_t n = 0;
        char result[16];
        paycore_key *key;
        HEXFIELD("key", key_b);
        HEXFIELD("iv", iv);
        HEXFIELD("aad", aad);
        HEXFIELD("msg", msg);
        HEXFIELD("ct", ct);
        HEXFIELD("tag", tag);
        CHECK(field(start, end, "result", result, sizeof result));
        CHECK(iv_len == 12 && tag_len == 16 && ct_len == msg_len);
        key = make_key(key_b_len == 16 ? PAYCORE_ALGORITHM_AES128
                       : key_b_len == 24 ? PAYCORE_ALGORITHM_AES192
                                         : PAYCORE_ALGORITHM_AES256,
                       key_b, (size_t)key_b_len, "D0", 'B');
        if (!key) continue;
        memcpy(sealed, ct, (size_t)ct_len);
        memcpy(sealed + ct_len, tag, 16);
        memset(out, 0xAA, sizeof out);
        if (strcmp(result, "valid") == 0) {
            CHECK_RC(paycore_aead_open(key, iv, aad, (size_t)aad_len, sealed,
                                       (size_t)ct_len + 16, out, sizeof out, &n),
                     PAYCORE_RESULT_OK);
            CHECK(n == (size_t)msg_len && memcmp(out, msg, n) == 0);
            CHECK_RC(paycore_aead_seal(key, iv, aad, (size_t)aad_len, msg, (size_t)msg_len, out,
                                       sizeof out, &n),
                     PAYCORE_RESULT_OK);
            CHECK(n == (size_t)ct_len + 16 && memcmp(out, sealed, n) == 0);
        } else {
            CHECK_RC(paycore_aead_open(key, iv, aad, (size_t)aad_len, sealed,
                                       (size_t)ct_len + 16, out, sizeof out, &n),
                     PAYCORE_RESULT_VERIFICATION_FAILED);
            CHECK(all_zero(out, sizeof out));
        }
        paycore_key_free(key);
        count++;
    }
    free(json);
    CHECK(count >= 15);
}

/* ---------------------------------------------------------------- journal */

#define ENTRIES 4

typedef struct {
    unsigned char data[ENTRIES][PAYCORE_RECORD_MAX_ENCODED_LEN + 200];
    size_t len[ENTRIES];
    paycore_journal_writer state;
} journal;

static void build_hmac_journal(journal *j, const paycore_key *key) {
    int i;
    memset(j, 0, sizeof *j); /* zeroed state: genesis */
    for (i = 0; i < ENTRIES; i++) {
        CHECK_RC(paycore_journal_append_hmac(&j->state, key, vec_text[i % 2].enc,
                                             (size_t)vec_text[i % 2].enc_len, j->data[i],
                                             sizeof j->data[i], &j->len[i], &j->state),
                 PAYCORE_RESULT_OK);
        CHECK(j->len[i] == (size_t)vec_text[i % 2].enc_len + 76);
        CHECK(j->state.next_sequence == (uint64_t)i + 1);
    }
}

static paycore_result verify_hmac(const journal *j, const int *order, int count,
                                  const paycore_key *key, bool has_last, uint64_t last,
                                  paycore_journal_problem *problems, size_t *problems_len,
                                  paycore_journal_summary *summary) {
    paycore_journal_entry entries[8];
    paycore_journal_writer start;
    int i;
    memset(&start, 0, sizeof start);
    for (i = 0; i < count; i++) {
        entries[i].data = j->data[order[i]];
        entries[i].len = j->len[order[i]];
    }
    return paycore_journal_verify_hmac(entries, (size_t)count, key, &start, has_last, last,
                                       problems, 8, problems_len, summary);
}

static void test_journal(void) {
    unsigned char k[32];
    paycore_key *key, *verify_only, *gen_only, *wrong;
    paycore_signing_key *device = rfc6979_key();
    journal j;
    paycore_journal_problem problems[8];
    paycore_journal_summary summary;
    size_t np = 0;
    int i;
    static const int all[] = {0, 1, 2, 3};
    memset(k, 0x4B, sizeof k);
    key = make_key(PAYCORE_ALGORITHM_AES256, k, 32, "M7", 'C');
    verify_only = make_key(PAYCORE_ALGORITHM_AES256, k, 32, "M7", 'V');
    gen_only = make_key(PAYCORE_ALGORITHM_AES256, k, 32, "M7", 'G');
    wrong = make_key(PAYCORE_ALGORITHM_AES256, k, 32, "M6", 'C');
    build_hmac_journal(&j, key);

    /* Decoding: sequence, record (zero copy), hash chain. */
    {
        paycore_journal_entry_info info, prev;
        memset(&prev, 0, sizeof prev);
        for (i = 0; i < ENTRIES; i++) {
            CHECK_RC(paycore_journal_entry_decode(j.data[i], j.len[i], &info), PAYCORE_RESULT_OK);
            CHECK(info.sequence == (uint64_t)i);
            CHECK(info.record == j.data[i] + 43);
            CHECK(info.record_len == (size_t)vec_text[i % 2].enc_len &&
                  memcmp(info.record, vec_text[i % 2].enc, info.record_len) == 0);
            CHECK(memcmp(info.previous_hash, i == 0 ? (const unsigned char *)"" : prev.hash,
                         i == 0 ? 0 : 32) == 0);
            if (i == 0) CHECK(all_zero(info.previous_hash, 32));
            prev = info;
        }
        CHECK(memcmp(prev.hash, j.state.previous_hash, 32) == 0);
        CHECK_RC(paycore_journal_entry_decode(j.data[0], j.len[0] - 1, &info),
                 PAYCORE_RESULT_MALFORMED);
        CHECK_RC(paycore_journal_entry_decode(NULL, 0, &info), PAYCORE_RESULT_MALFORMED);
        CHECK_RC(paycore_journal_entry_decode(NULL, 5, &info), PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_journal_entry_decode(j.data[0], j.len[0], NULL),
                 PAYCORE_RESULT_NULL_PARAMETER);
    }

    /* Intact. A verify-only key verifies. */
    CHECK_RC(verify_hmac(&j, all, 4, verify_only, false, 0, problems, &np, &summary),
             PAYCORE_RESULT_OK);
    CHECK(np == 0 && summary.authentic == 4 && summary.problems == 0);
    CHECK_RC(verify_hmac(&j, all, 4, key, true, 3, problems, &np, &summary), PAYCORE_RESULT_OK);

    /* Missing entry 1. */
    {
        static const int order[] = {0, 2, 3};
        CHECK_RC(verify_hmac(&j, order, 3, key, false, 0, problems, &np, &summary),
                 PAYCORE_RESULT_VERIFICATION_FAILED);
        CHECK(np == 1 && problems[0].kind == PAYCORE_JOURNAL_PROBLEM_MISSING &&
              problems[0].from == 1 && problems[0].to == 1);
    }
    /* Truncated at the end, revealed by expected_last. */
    CHECK_RC(verify_hmac(&j, all, 3, key, true, 5, problems, &np, &summary),
             PAYCORE_RESULT_VERIFICATION_FAILED);
    CHECK(np == 1 && problems[0].kind == PAYCORE_JOURNAL_PROBLEM_MISSING &&
          problems[0].from == 3 && problems[0].to == 5);
    /* Reordered. */
    {
        static const int order[] = {0, 2, 1, 3};
        CHECK_RC(verify_hmac(&j, order, 4, key, false, 0, problems, &np, &summary),
                 PAYCORE_RESULT_VERIFICATION_FAILED);
        CHECK(np == 1 && problems[0].kind == PAYCORE_JOURNAL_PROBLEM_REORDERED &&
              problems[0].sequence == 1);
    }
    /* Duplicate. */
    {
        static const int order[] = {0, 1, 1, 2, 3};
        CHECK_RC(verify_hmac(&j, order, 5, key, false, 0, problems, &np, &summary),
                 PAYCORE_RESULT_VERIFICATION_FAILED);
        CHECK(np == 1 && problems[0].kind == PAYCORE_JOURNAL_PROBLEM_DUPLICATE &&
              problems[0].sequence == 1);
        CHECK(summary.authentic == 5);
    }
    /* Tamper: flip every byte of entry 2; always detected. */
    for (i = 0; i < (int)j.len[2]; i++) {
        paycore_result rc;
        j.data[2][i] ^= 0x01;
        rc = verify_hmac(&j, all, 4, key, false, 0, problems, &np, &summary);
        CHECK(rc == PAYCORE_RESULT_VERIFICATION_FAILED);
        CHECK(np >= 1 && summary.authentic <= 3);
        CHECK(problems[0].kind == PAYCORE_JOURNAL_PROBLEM_MALFORMED ||
              problems[0].kind == PAYCORE_JOURNAL_PROBLEM_ALTERED ||
              problems[0].kind == PAYCORE_JOURNAL_PROBLEM_REORDERED ||
              problems[0].kind == PAYCORE_JOURNAL_PROBLEM_MISSING);
        j.data[2][i] ^= 0x01;
    }
    /* A record byte flipped: exactly one ALTERED at sequence 2, then the
     * chain cannot be checked past it (MISSING 2..2 is not claimed). */
    j.data[2][50] ^= 0x01;
    CHECK_RC(verify_hmac(&j, all, 4, key, false, 0, problems, &np, &summary),
             PAYCORE_RESULT_VERIFICATION_FAILED);
    CHECK(np >= 1 && problems[0].kind == PAYCORE_JOURNAL_PROBLEM_ALTERED &&
          problems[0].sequence == 2);
    /* Problems beyond the capacity are counted, not written. */
    {
        paycore_journal_entry entries[4];
        paycore_journal_writer start;
        memset(&start, 0, sizeof start);
        for (i = 0; i < 4; i++) {
            entries[i].data = j.data[i];
            entries[i].len = j.len[i];
        }
        np = 99;
        CHECK_RC(paycore_journal_verify_hmac(entries, 4, key, &start, false, 0, NULL, 0, &np,
                                             &summary),
                 PAYCORE_RESULT_VERIFICATION_FAILED);
        CHECK(np == 0 && summary.problems >= 1);
        /* Chain start after genesis: entries 0 and 1 are stale. */
        j.data[2][50] ^= 0x01;
        start.next_sequence = 2;
        {
            paycore_journal_entry_info info;
            CHECK_RC(paycore_journal_entry_decode(j.data[1], j.len[1], &info), PAYCORE_RESULT_OK);
            memcpy(start.previous_hash, info.hash, 32);
        }
        CHECK_RC(paycore_journal_verify_hmac(entries, 4, key, &start, false, 0, problems, 8, &np,
                                             &summary),
                 PAYCORE_RESULT_VERIFICATION_FAILED);
        CHECK(np == 2 && problems[0].kind == PAYCORE_JOURNAL_PROBLEM_STALE &&
              problems[0].sequence == 0 && problems[1].kind == PAYCORE_JOURNAL_PROBLEM_STALE);
        CHECK_RC(paycore_journal_verify_hmac(entries + 2, 2, key, &start, false, 0, problems, 8,
                                             &np, &summary),
                 PAYCORE_RESULT_OK);
        /* Wrong chain start hash: CHAIN_BROKEN at the first entry. */
        start.previous_hash[0] ^= 1;
        CHECK_RC(paycore_journal_verify_hmac(entries + 2, 2, key, &start, false, 0, problems, 8,
                                             &np, &summary),
                 PAYCORE_RESULT_VERIFICATION_FAILED);
        CHECK(np == 1 && problems[0].kind == PAYCORE_JOURNAL_PROBLEM_CHAIN_BROKEN &&
              problems[0].sequence == 2);
        /* Too many entries: refused before any is read. */
        {
            paycore_journal_entry *many = (paycore_journal_entry *)calloc(
                PAYCORE_JOURNAL_MAX_ENTRIES + 1, sizeof *many);
            CHECK(many != NULL);
            if (many) {
                memset(&start, 0, sizeof start);
                CHECK_RC(paycore_journal_verify_hmac(many, PAYCORE_JOURNAL_MAX_ENTRIES + 1, key,
                                                     &start, false, 0, problems, 8, &np,
                                                     &summary),
                         PAYCORE_RESULT_LIMIT_EXCEEDED);
                free(many);
            }
        }
        /* Empty journal. */
        memset(&start, 0, sizeof start);
        CHECK_RC(paycore_journal_verify_hmac(NULL, 0, key, &start, false, 0, problems, 8, &np,
                                             &summary),
                 PAYCORE_RESULT_OK);
        CHECK(np == 0 && summary.authentic == 0);
        /* NULL / usage paths. */
        CHECK_RC(paycore_journal_verify_hmac(NULL, 2, key, &start, false, 0, problems, 8, &np,
                                             &summary),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_journal_verify_hmac(entries, 4, NULL, &start, false, 0, problems, 8, &np,
                                             &summary),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_journal_verify_hmac(entries, 4, key, NULL, false, 0, problems, 8, &np,
                                             &summary),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_journal_verify_hmac(entries, 4, key, &start, false, 0, NULL, 8, &np,
                                             &summary),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_journal_verify_hmac(entries, 4, key, &start, false, 0, problems, 8, NULL,
                                             &summary),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_journal_verify_hmac(entries, 4, key, &start, false, 0, problems, 8, &np,
                                             NULL),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_journal_verify_hmac(entries, 4, gen_only, &start, false, 0, problems, 8,
                                             &np, &summary),
                 PAYCORE_RESULT_KEY_USAGE);
        CHECK_RC(paycore_journal_verify_hmac(entries, 4, wrong, &start, false, 0, problems, 8,
                                             &np, &summary),
                 PAYCORE_RESULT_KEY_USAGE);
        entries[1].data = NULL;
        CHECK_RC(paycore_journal_verify_hmac(entries, 4, key, &start, false, 0, problems, 8, &np,
                                             &summary),
                 PAYCORE_RESULT_NULL_PARAMETER);
        /* A (NULL, 0) entry is an empty, malformed entry. */
        entries[1].len = 0;
        CHECK_RC(paycore_journal_verify_hmac(entries, 4, key, &start, false, 0, problems, 8, &np,
                                             &summary),
                 PAYCORE_RESULT_VERIFICATION_FAILED);
        CHECK(problems[0].kind == PAYCORE_JOURNAL_PROBLEM_MALFORMED && problems[0].index == 1);
    }

    /* Append failures leave the state untouched. */
    {
        paycore_journal_writer st = j.state, next;
        unsigned char out[400], big[PAYCORE_JOURNAL_MAX_RECORD_LEN + 1];
        size_t out_len = 0;
        memset(&next, 0x77, sizeof next);
        CHECK_RC(paycore_journal_append_hmac(&st, verify_only, vec_text[0].enc, 10, out,
                                             sizeof out, &out_len, &next),
                 PAYCORE_RESULT_KEY_USAGE);
        CHECK_RC(paycore_journal_append_hmac(&st, wrong, vec_text[0].enc, 10, out, sizeof out,
                                             &out_len, &next),
                 PAYCORE_RESULT_KEY_USAGE);
        CHECK_RC(paycore_journal_append_hmac(&st, key, vec_text[0].enc, 10, out, 85, &out_len,
                                             &next),
                 PAYCORE_RESULT_BUFFER_TOO_SMALL);
        CHECK(out_len == 86);
        memset(big, 0, sizeof big);
        CHECK_RC(paycore_journal_append_hmac(&st, key, big, sizeof big, out, sizeof out,
                                             &out_len, &next),
                 PAYCORE_RESULT_INVALID_ARGUMENT);
        CHECK(next.next_sequence == 0x7777777777777777ULL);
        CHECK_RC(paycore_journal_append_hmac(NULL, key, big, 1, out, sizeof out, &out_len, &next),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_journal_append_hmac(&st, NULL, big, 1, out, sizeof out, &out_len, &next),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_journal_append_hmac(&st, key, NULL, 1, out, sizeof out, &out_len, &next),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_journal_append_hmac(&st, key, big, 1, NULL, sizeof out, &out_len, &next),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_journal_append_hmac(&st, key, big, 1, out, sizeof out, NULL, &next),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_journal_append_hmac(&st, key, big, 1, out, sizeof out, &out_len, NULL),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK(next.next_sequence == 0x7777777777777777ULL);
        /* Separate next-state struct: the input state is not modified. */
        CHECK_RC(paycore_journal_append_hmac(&st, key, NULL, 0, out, sizeof out, &out_len, &next),
                 PAYCORE_RESULT_OK);
        CHECK(out_len == 76 && next.next_sequence == 5 && st.next_sequence == 4);
        /* Sequence overflow refused. */
        st.next_sequence = 0xFFFFFFFFFFFFFFFFULL;
        CHECK_RC(paycore_journal_append_hmac(&st, key, big, 1, out, sizeof out, &out_len, &next),
                 PAYCORE_RESULT_INVALID_ARGUMENT);
    }

    /* ECDSA journal. */
    {
        journal e;
        unsigned char pub[65];
        size_t pub_len = 0;
        paycore_journal_entry entries[ENTRIES];
        paycore_journal_writer start;
        memset(&e, 0, sizeof e);
        memset(&start, 0, sizeof start);
        CHECK_RC(paycore_signing_key_public_key(device, PAYCORE_PUBLIC_KEY_SEC1_UNCOMPRESSED, pub,
                                                65, &pub_len),
                 PAYCORE_RESULT_OK);
        for (i = 0; i < ENTRIES; i++) {
            CHECK_RC(paycore_journal_append_ecdsa(&e.state, device, vec_text[0].enc,
                                                  (size_t)vec_text[0].enc_len, e.data[i],
                                                  sizeof e.data[i], &e.len[i], &e.state),
                     PAYCORE_RESULT_OK);
            CHECK(e.len[i] == (size_t)vec_text[0].enc_len + 108);
            entries[i].data = e.data[i];
            entries[i].len = e.len[i];
        }
        CHECK_RC(paycore_journal_verify_ecdsa(entries, ENTRIES, pub, 65, &start, true, 3,
                                              problems, 8, &np, &summary),
                 PAYCORE_RESULT_OK);
        CHECK(np == 0 && summary.authentic == ENTRIES);
        /* Tamper every byte of the last entry's signature. */
        for (i = (int)e.len[3] - 64; i < (int)e.len[3]; i++) {
            e.data[3][i] ^= 0x01;
            CHECK_RC(paycore_journal_verify_ecdsa(entries, ENTRIES, pub, 65, &start, false, 0,
                                                  problems, 8, &np, &summary),
                     PAYCORE_RESULT_VERIFICATION_FAILED);
            CHECK(np == 1 && problems[0].kind == PAYCORE_JOURNAL_PROBLEM_ALTERED &&
                  problems[0].sequence == 3);
            e.data[3][i] ^= 0x01;
        }
        /* An HMAC journal never verifies under an ECDSA key, and the reverse. */
        for (i = 0; i < ENTRIES; i++) {
            entries[i].data = j.data[i];
            entries[i].len = j.len[i];
        }
        CHECK_RC(paycore_journal_verify_ecdsa(entries, ENTRIES, pub, 65, &start, false, 0,
                                              problems, 8, &np, &summary),
                 PAYCORE_RESULT_VERIFICATION_FAILED);
        CHECK(summary.authentic == 0 && problems[0].kind == PAYCORE_JOURNAL_PROBLEM_ALTERED);
        CHECK_RC(paycore_journal_verify_ecdsa(entries, ENTRIES, pub, 64, &start, false, 0,
                                              problems, 8, &np, &summary),
                 PAYCORE_RESULT_MALFORMED);
        CHECK_RC(paycore_journal_verify_ecdsa(entries, ENTRIES, NULL, 65, &start, false, 0,
                                              problems, 8, &np, &summary),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_journal_append_ecdsa(&e.state, NULL, vec_text[0].enc, 4, e.data[0],
                                              sizeof e.data[0], &e.len[0], &e.state),
                 PAYCORE_RESULT_NULL_PARAMETER);
    }
    paycore_key_free(key);
    paycore_key_free(verify_only);
    paycore_key_free(gen_only);
    paycore_key_free(wrong);
    paycore_signing_key_free(device);
}

int main(void) {
    test_rfc6979();
    test_wycheproof_ecdsa();
    test_ecdsa_tamper_and_policy();
    test_signing_key_import_export();
    test_record_vectors();
    test_record_rejections();
    test_pan_token_and_mask();
    test_sign_and_verify_record();
    test_sign_domains();
    test_seal();
    test_wycheproof_aes_gcm();
    test_journal();
    return test_report("test_sign");
}
