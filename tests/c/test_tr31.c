/* TR-31 key blocks, MK/SK installation and key attribute getters / export
 * through the C ABI, against tests/vectors/tr31.json (ANSI X9 TR-31:2018
 * Annex A.7 via openemv/tr31; psec rejection cases) and
 * tests/vectors/mksk.json (NIST SP 800-67, FIPS 197, TR-31 annex; sources
 * in the files), plus tamper tests, wrong-usage keys and every NULL /
 * short-buffer path. */
#include "paycore.h"
#include "test_util.h"

static int key_is(const paycore_key *key, const char *hex) {
    unsigned char buf[32];
    size_t n = 0;
    int ok;
    if (paycore_key_export(key, buf, sizeof buf, &n) != PAYCORE_RESULT_OK) return 0;
    ok = bytes_eq_hex(buf, n, hex);
    memset(buf, 0, sizeof buf);
    return ok;
}

/* A key from hex; algorithm from `aes` and the length. */
static paycore_key *key_from_hex(int aes, const char *hex, const char *usage, char mode,
                                 char exportability) {
    unsigned char m[32];
    int n = hex_decode(hex, m, sizeof m);
    uint32_t alg;
    paycore_key *k = NULL;
    if (aes)
        alg = n == 16 ? PAYCORE_ALGORITHM_AES128
                      : n == 24 ? PAYCORE_ALGORITHM_AES192 : PAYCORE_ALGORITHM_AES256;
    else
        alg = n == 16 ? PAYCORE_ALGORITHM_TDES2 : PAYCORE_ALGORITHM_TDES3;
    CHECK_RC(paycore_key_new(alg, m, (size_t)n, (const uint8_t *)usage, (uint8_t)mode,
                             (uint8_t)exportability, &k),
             PAYCORE_RESULT_OK);
    memset(m, 0, sizeof m);
    return k;
}

/* The key has the material `hex`: exported and compared, or, for a
 * non-exportable key (which export refuses), by verifying against it the
 * 3-byte legacy check value of a key built from `hex` (the block's MAC was
 * verified). */
static int key_matches(const paycore_key *key, const char *hex) {
    unsigned char m[32], b[16];
    size_t n = 0, lb = 0;
    uint32_t alg = 0;
    uint8_t exportability = 0;
    paycore_key *ref = NULL;
    int len, ok;
    if (paycore_key_exportability(key, &exportability) != PAYCORE_RESULT_OK) return 0;
    if (exportability != 'N') return key_is(key, hex);
    if (paycore_key_export(key, m, sizeof m, &n) != PAYCORE_RESULT_KEY_USAGE) return 0;
    if (paycore_key_algorithm(key, &alg) != PAYCORE_RESULT_OK) return 0;
    len = hex_decode(hex, m, sizeof m);
    if (len <= 0 || paycore_key_new(alg, m, (size_t)len, (const uint8_t *)"K0", 'B', 'E',
                                    &ref) != PAYCORE_RESULT_OK)
        return 0;
    n = 3; /* legacy KCVs are capped at 3 bytes (a longer one is a MAC oracle) */
    /* Verified against the key rather than computed from it: a verify-only
     * MAC key gives no KCV, but checks one. */
    ok = paycore_key_kcv(ref, PAYCORE_KCV_LEGACY, n, b, sizeof b, &lb) == PAYCORE_RESULT_OK &&
         lb == n && paycore_key_kcv_verify(key, PAYCORE_KCV_LEGACY, b, lb) == PAYCORE_RESULT_OK;
    paycore_key_free(ref);
    memset(m, 0, sizeof m);
    return ok;
}

/* ----------------------------------------------------------- TR-31 unwrap */

/* Versions A and C need the legacy opt-in (the default refuses them). */
static int is_legacy(const char *block, size_t len) {
    return len > 0 && (block[0] == 'A' || block[0] == 'C');
}

static paycore_result unwrap_any(const paycore_key *kbpk, const char *block, size_t len,
                                 paycore_key **out, paycore_tr31_header *h) {
    return is_legacy(block, len)
               ? paycore_tr31_unwrap_legacy(kbpk, (const uint8_t *)block, len, out, h)
               : paycore_tr31_unwrap(kbpk, (const uint8_t *)block, len, out, h);
}

static void check_header(const char *s, const char *e, const paycore_tr31_header *h) {
    char v[32];
    CHECK(field(s, e, "version", v, sizeof v) && h->version == (uint8_t)v[0]);
    CHECK(field(s, e, "key_usage", v, sizeof v) && memcmp(h->key_usage, v, 2) == 0);
    CHECK(field(s, e, "algorithm", v, sizeof v) && h->algorithm == (uint8_t)v[0]);
    CHECK(field(s, e, "mode_of_use", v, sizeof v) && h->mode_of_use == (uint8_t)v[0]);
    CHECK(field(s, e, "key_version", v, sizeof v) && memcmp(h->key_version, v, 2) == 0);
    CHECK(field(s, e, "exportability", v, sizeof v) && h->exportability == (uint8_t)v[0]);
}

static void test_unwrap_vectors(const char *json) {
    const char *wrap_section = strstr(json, "\"reject\":");
    const char *cur = json, *s, *e;
    char kbpk_hex[80], block[512], key_hex[80], v[80], kcv_hex[16], method[16];
    int vectors = 0;
    while (next_vector(json, &cur, &s, &e) && s < wrap_section) {
        paycore_key *kbpk, *k = NULL;
        paycore_tr31_header h, h2;
        size_t i, len = 0, blen;
        uint32_t alg = 0;
        uint8_t c = 0;
        unsigned char buf[64], id[2];
        CHECK(field(s, e, "kbpk", kbpk_hex, sizeof kbpk_hex));
        CHECK(field(s, e, "block", block, sizeof block));
        CHECK(field(s, e, "key", key_hex, sizeof key_hex));
        blen = strlen(block);
        kbpk = key_from_hex(block[0] == 'D' || block[0] == 'E', kbpk_hex, "K1", 'B', 'N');
        memset(&h, 0, sizeof h);
        /* Legacy key-block policy: A and C refused by default, no key out. */
        if (is_legacy(block, blen)) {
            CHECK_RC(paycore_tr31_unwrap(kbpk, (const uint8_t *)block, blen, &k, &h),
                     PAYCORE_RESULT_UNSUPPORTED);
            CHECK(k == NULL);
        } else {
            CHECK_RC(paycore_tr31_unwrap_legacy(kbpk, (const uint8_t *)block, blen, &k, &h),
                     PAYCORE_RESULT_OK);
            paycore_key_free(k);
            k = NULL;
        }
        CHECK_RC(unwrap_any(kbpk, block, blen, &k, &h), PAYCORE_RESULT_OK);
        CHECK(key_matches(k, key_hex));
        check_header(s, e, &h);
        CHECK(h.block_len == blen);
        /* The key carries the header's attributes. */
        CHECK_RC(paycore_key_usage(k, buf, sizeof buf, &len), PAYCORE_RESULT_OK);
        CHECK(len == 2 && memcmp(buf, h.key_usage, 2) == 0);
        CHECK_RC(paycore_key_mode_of_use(k, &c), PAYCORE_RESULT_OK);
        CHECK(c == h.mode_of_use);
        CHECK_RC(paycore_key_version(k, buf, sizeof buf, &len), PAYCORE_RESULT_OK);
        CHECK(len == 2 && memcmp(buf, h.key_version, 2) == 0);
        CHECK_RC(paycore_key_exportability(k, &c), PAYCORE_RESULT_OK);
        CHECK(c == h.exportability);
        CHECK_RC(paycore_key_algorithm(k, &alg), PAYCORE_RESULT_OK);
        CHECK(h.algorithm == 'A' ? (alg >= PAYCORE_ALGORITHM_AES128)
                                 : (alg == PAYCORE_ALGORITHM_TDES2 ||
                                    alg == PAYCORE_ALGORITHM_TDES3));
        /* Check value as published, where the vector has one. */
        if (field(s, e, "kcv", kcv_hex, sizeof kcv_hex)) {
        uint32_t kcv_method;
        unsigned char published[16];
        int published_len = hex_decode(kcv_hex, published, sizeof published);
        CHECK(field(s, e, "kcv_method", method, sizeof method));
        kcv_method = strcmp(method, "cmac") == 0 ? PAYCORE_KCV_CMAC : PAYCORE_KCV_LEGACY;
        CHECK(published_len > 0);
        CHECK_RC(paycore_key_kcv_verify(k, kcv_method, published, (size_t)published_len),
                 PAYCORE_RESULT_OK);
        if (field(s, e, "kcv_withheld", v, sizeof v)) {
            /* A verify-only MAC key (ISO 20038 B.3): no KCV is computed. */
            CHECK_RC(paycore_key_kcv(k, kcv_method, 3, buf, sizeof buf, &len),
                     PAYCORE_RESULT_KEY_USAGE);
        } else {
            CHECK_RC(paycore_key_kcv(k, kcv_method, 3, buf, sizeof buf, &len), PAYCORE_RESULT_OK);
            CHECK(bytes_eq_hex(buf, len, kcv_hex));
        }
        }
        paycore_key_free(k);

        /* Header without a key gives the same fields. */
        memset(&h2, 0, sizeof h2);
        CHECK_RC(paycore_tr31_header_parse((const uint8_t *)block, blen, &h2),
                 PAYCORE_RESULT_OK);
        CHECK(memcmp(&h, &h2, sizeof h) == 0);
        /* Optional blocks by index, compared with the vector's dict. */
        for (i = 0; i < h.optional_block_count; i++) {
            char data[128];
            char idname[3];
            CHECK_RC(paycore_tr31_optional_block((const uint8_t *)block, blen, i, id,
                                                 (uint8_t *)data, sizeof data - 1, &len),
                     PAYCORE_RESULT_OK);
            data[len] = '\0';
            idname[0] = (char)id[0];
            idname[1] = (char)id[1];
            idname[2] = '\0';
            if (strcmp(idname, "PB") != 0) {
                CHECK(field(s, e, idname, v, sizeof v));
                CHECK(strcmp(v, data) == 0);
            }
        }
        CHECK_RC(paycore_tr31_optional_block((const uint8_t *)block, blen,
                                             h.optional_block_count, id, buf, sizeof buf, &len),
                 PAYCORE_RESULT_INVALID_ARGUMENT);

        /* Tamper: every single-character change is refused, no key out. */
        for (i = 0; i < blen; i++) {
            paycore_result rc;
            char saved = block[i];
            block[i] = saved == '0' ? '1' : '0';
            k = NULL;
            rc = unwrap_any(kbpk, block, blen, &k, NULL);
            CHECK(rc != PAYCORE_RESULT_OK);
            CHECK(rc == PAYCORE_RESULT_VERIFICATION_FAILED || rc == PAYCORE_RESULT_MALFORMED ||
                  rc == PAYCORE_RESULT_UNSUPPORTED || rc == PAYCORE_RESULT_INVALID_KEY ||
                  rc == PAYCORE_RESULT_LIMIT_EXCEEDED);
            CHECK(k == NULL);
            block[i] = saved;
        }
        /* Truncated and extended blocks. */
        CHECK_RC(unwrap_any(kbpk, block, blen - 1, &k, NULL),
                 PAYCORE_RESULT_MALFORMED);
        block[blen] = '0';
        CHECK_RC(unwrap_any(kbpk, block, blen + 1, &k, NULL),
                 PAYCORE_RESULT_MALFORMED);
        block[blen] = '\0';
        CHECK(k == NULL);
        /* Wrong-usage KBPKs: a PIN key, a KBPK that may only wrap. */
        {
            int aes = block[0] == 'D' || block[0] == 'E';
            paycore_key *pin = key_from_hex(aes, kbpk_hex, "P0", 'B', 'N');
            paycore_key *enc_only = key_from_hex(aes, kbpk_hex, "K1", 'E', 'N');
            CHECK_RC(unwrap_any(pin, block, blen, &k, NULL),
                     PAYCORE_RESULT_KEY_USAGE);
            CHECK_RC(unwrap_any(enc_only, block, blen, &k, NULL),
                     PAYCORE_RESULT_KEY_USAGE);
            paycore_key_free(pin);
            paycore_key_free(enc_only);
        }
        /* NULL paths. */
        CHECK_RC(paycore_tr31_unwrap(NULL, (const uint8_t *)block, blen, &k, NULL),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_tr31_unwrap(kbpk, NULL, blen, &k, NULL),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_tr31_unwrap(kbpk, (const uint8_t *)block, blen, NULL, NULL),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_tr31_unwrap_legacy(kbpk, (const uint8_t *)block, blen, NULL, NULL),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_tr31_unwrap_legacy(NULL, (const uint8_t *)block, blen, &k, NULL),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK(k == NULL);
        paycore_key_free(kbpk);
        vectors++;
    }
    CHECK(vectors >= 25);
}

static void test_reject_vectors(const char *json) {
    const char *cur = strstr(json, "\"reject\":");
    const char *wrap_section = strstr(json, "\"wrap\":");
    const char *s, *e;
    char kbpk_hex[80], block[512], kind[64];
    int vectors = 0;
    while (next_vector(json, &cur, &s, &e) && s < wrap_section) {
        paycore_key *kbpk, *k = NULL;
        paycore_result expected;
        CHECK(field(s, e, "kbpk", kbpk_hex, sizeof kbpk_hex));
        CHECK(field(s, e, "block", block, sizeof block));
        CHECK(field(s, e, "error_kind", kind, sizeof kind));
        expected = strcmp(kind, "verification_failed") == 0 ? PAYCORE_RESULT_VERIFICATION_FAILED
                                                            : PAYCORE_RESULT_MALFORMED;
        CHECK(strcmp(kind, "verification_failed") == 0 || strcmp(kind, "malformed") == 0);
        kbpk = key_from_hex(block[0] == 'D' || block[0] == 'E', kbpk_hex, "K1", 'B', 'N');
        CHECK_RC(unwrap_any(kbpk, block, strlen(block), &k, NULL), expected);
        CHECK(k == NULL);
        paycore_key_free(kbpk);
        vectors++;
    }
    CHECK(vectors >= 21);
}

/* ------------------------------------------------------------ TR-31 wrap */

static void test_wrap(const char *json) {
    const char *cur = strstr(json, "\"wrap\":");
    const char *section_end = strstr(json, "\"unwrap_private_key\":");
    const char *s, *e;
    char kbpk_hex[80], key_hex[80], pad_hex[64], expected[512], v[16], version[4], exp[4];
    unsigned char pad[32];
    char out[512], out2[512];
    size_t n = 0, n2 = 0;
    int vectors = 0, pad_len;
    while (next_vector(json, &cur, &s, &e) && (!section_end || s < section_end)) {
        paycore_key *kbpk, *key, *back = NULL;
        char usage[3];
        uint8_t ver;
        CHECK(field(s, e, "kbpk", kbpk_hex, sizeof kbpk_hex));
        CHECK(field(s, e, "key", key_hex, sizeof key_hex));
        CHECK(field(s, e, "padding", pad_hex, sizeof pad_hex));
        CHECK(field(s, e, "block", expected, sizeof expected));
        CHECK(field(s, e, "key_usage", usage, sizeof usage));
        CHECK(field(s, e, "mode_of_use", v, sizeof v));
        CHECK(field(s, e, "version", version, sizeof version));
        CHECK(field(s, e, "exportability", exp, sizeof exp));
        ver = (uint8_t)version[0];
        pad_len = hex_decode(pad_hex, pad, sizeof pad);
        CHECK(pad_len >= 0);
        kbpk = key_from_hex(1, kbpk_hex, "K1", 'B', 'N');
        if (exp[0] == 'N') {
            /* A key marked N is never wrapped (the published block is
             * checked by the unwrap vectors); the same key marked E wraps,
             * and without padding (version E) the block is deterministic
             * apart from the exportability character and the MAC. */
            key = key_from_hex(0, key_hex, usage, v[0], 'N');
            CHECK_RC(paycore_tr31_wrap(kbpk, key, ver, NULL, 0, (uint8_t *)out, sizeof out, &n),
                     PAYCORE_RESULT_KEY_USAGE);
            paycore_key_free(key);
            key = key_from_hex(0, key_hex, usage, v[0], 'E');
            CHECK_RC(paycore_tr31_wrap(kbpk, key, ver, NULL, 0, (uint8_t *)out, sizeof out, &n),
                     PAYCORE_RESULT_OK);
            CHECK(n == strlen(expected) && memcmp(out, expected, 5) == 0);
            CHECK(memcmp(out + 5, "B0TV00E0000", 11) == 0);
            CHECK_RC(paycore_tr31_wrap(kbpk, key, ver, NULL, 0, (uint8_t *)out2, sizeof out2,
                                       &n2),
                     PAYCORE_RESULT_OK);
            if (pad_len == 0 && ver == 'E') CHECK(n == n2 && memcmp(out, out2, n) == 0);
            CHECK_RC(paycore_tr31_unwrap(kbpk, (const uint8_t *)out, n, &back, NULL),
                     PAYCORE_RESULT_OK);
            CHECK(key_is(back, key_hex));
            paycore_key_free(back);
            paycore_key_free(key);
            paycore_key_free(kbpk);
            vectors++;
            continue;
        }
        key = key_from_hex(1, key_hex, usage, v[0], 'E');

        /* Published padding: the published block. */
        CHECK_RC(paycore_tr31_wrap_with_padding(kbpk, key, ver, NULL, 0, pad, (size_t)pad_len,
                                                (uint8_t *)out, sizeof out, &n),
                 PAYCORE_RESULT_OK);
        CHECK(n == strlen(expected) && memcmp(out, expected, n) == 0);
        /* Short buffer: size reported. */
        CHECK_RC(paycore_tr31_wrap_with_padding(kbpk, key, ver, NULL, 0, pad, (size_t)pad_len,
                                                (uint8_t *)out, 10, &n2),
                 PAYCORE_RESULT_BUFFER_TOO_SMALL);
        CHECK(n2 == n);
        CHECK_RC(paycore_tr31_wrap_with_padding(kbpk, key, ver, NULL, 0, pad, 3,
                                                (uint8_t *)out, sizeof out, &n2),
                 PAYCORE_RESULT_INVALID_ARGUMENT);

        /* OS RNG padding: differs each time, unwraps to the same key. */
        CHECK_RC(paycore_tr31_wrap(kbpk, key, ver, NULL, 0, (uint8_t *)out, sizeof out, &n),
                 PAYCORE_RESULT_OK);
        CHECK_RC(paycore_tr31_wrap(kbpk, key, ver, NULL, 0, (uint8_t *)out2, sizeof out2, &n2),
                 PAYCORE_RESULT_OK);
        CHECK(n == n2 && memcmp(out, out2, n) != 0);
        CHECK(memcmp(out, expected, 16) == 0); /* same header */
        CHECK_RC(paycore_tr31_unwrap(kbpk, (const uint8_t *)out, n, &back, NULL),
                 PAYCORE_RESULT_OK);
        CHECK(key_is(back, key_hex));
        paycore_key_free(back);
        paycore_key_free(key);
        paycore_key_free(kbpk);
        vectors++;
    }
    CHECK(vectors >= 2);
}

/* ------------------------------------------- TR-31 asymmetric private keys */

/* X9.143 §8.5 (RSA) and §8.6 (EC P-256) samples: DER private keys with
 * extended-length certificate blocks. */
static void test_private_key_vectors(const char *json) {
    const char *cur = strstr(json, "\"unwrap_private_key\":");
    const char *s, *e;
    static char block[4096], der_hex[4096], out[8192];
    static unsigned char der[2048], buf[2048];
    char kbpk_hex[80], alg[4], pub_hex[160], header[32];
    int vectors = 0;
    CHECK(cur != NULL);
    while (cur && next_vector(json, &cur, &s, &e)) {
        paycore_key *kbpk;
        paycore_signing_key *sk = NULL;
        paycore_tr31_header h;
        size_t n = 12345, blen;
        int der_len;
        unsigned char pub[65];
        CHECK(field(s, e, "kbpk", kbpk_hex, sizeof kbpk_hex));
        CHECK(field(s, e, "block", block, sizeof block));
        CHECK(field(s, e, "der", der_hex, sizeof der_hex));
        CHECK(field(s, e, "algorithm", alg, sizeof alg));
        der_len = hex_decode(der_hex, der, sizeof der);
        CHECK(der_len > 0);
        blen = strlen(block);
        kbpk = key_from_hex(1, kbpk_hex, "K1", 'B', 'N');
        /* Marked N: no DER out, buffer wiped. */
        memset(buf, 0xAA, sizeof buf);
        CHECK_RC(paycore_tr31_unwrap_private_key(kbpk, (const uint8_t *)block, blen, &h, buf,
                                                 sizeof buf, &n),
                 PAYCORE_RESULT_KEY_USAGE);
        CHECK(all_zero(buf, sizeof buf));
        /* The symmetric unwrap refuses it. */
        {
            paycore_key *k = NULL;
            CHECK_RC(paycore_tr31_unwrap(kbpk, (const uint8_t *)block, blen, &k, NULL),
                     PAYCORE_RESULT_UNSUPPORTED);
            CHECK(k == NULL);
        }
        memset(&h, 0, sizeof h);
        if (alg[0] == 'E') {
            CHECK(field(s, e, "p256_public_key", pub_hex, sizeof pub_hex));
            CHECK_RC(paycore_tr31_unwrap_ecdsa_p256(kbpk, (const uint8_t *)block, blen, &sk, &h),
                     PAYCORE_RESULT_OK);
            CHECK(h.version == 'D' && memcmp(h.key_usage, "S0", 2) == 0 && h.algorithm == 'E');
            CHECK_RC(paycore_signing_key_public_key(sk, PAYCORE_PUBLIC_KEY_SEC1_UNCOMPRESSED, pub,
                                                    sizeof pub, &n),
                     PAYCORE_RESULT_OK);
            CHECK(bytes_eq_hex(pub, n, pub_hex));
            paycore_signing_key_free(sk);
        } else {
            CHECK_RC(paycore_tr31_unwrap_ecdsa_p256(kbpk, (const uint8_t *)block, blen, &sk, &h),
                     PAYCORE_RESULT_MALFORMED);
            CHECK(sk == NULL);
        }
        /* Tampered MAC: verification failure. */
        block[blen - 1] = block[blen - 1] == '0' ? '1' : '0';
        CHECK_RC(paycore_tr31_unwrap_ecdsa_p256(kbpk, (const uint8_t *)block, blen, &sk, NULL),
                 PAYCORE_RESULT_VERIFICATION_FAILED);
        /* Re-wrap the DER as exportable, under each AES version, and read it back. */
        {
            const char versions[] = "DE";
            size_t i;
            for (i = 0; i < 2; i++) {
                size_t olen = 0, dlen = 0;
                snprintf(header, sizeof header, "%c0000S0%cS00E0000", versions[i], alg[0]);
                CHECK_RC(paycore_tr31_wrap_private_key(kbpk, der, (size_t)der_len,
                                                       (const uint8_t *)header, strlen(header),
                                                       (uint8_t *)out, sizeof out, &olen),
                         PAYCORE_RESULT_OK);
                CHECK(olen > 0 && out[0] == versions[i]);
                CHECK_RC(paycore_tr31_unwrap_private_key(kbpk, (const uint8_t *)out, olen, NULL,
                                                         buf, 10, &dlen),
                         PAYCORE_RESULT_BUFFER_TOO_SMALL);
                CHECK(dlen == (size_t)der_len && all_zero(buf, 10));
                CHECK_RC(paycore_tr31_unwrap_private_key(kbpk, (const uint8_t *)out, olen, &h,
                                                         buf, sizeof buf, &dlen),
                         PAYCORE_RESULT_OK);
                CHECK(dlen == (size_t)der_len && memcmp(buf, der, dlen) == 0);
                CHECK(h.exportability == 'E' && h.version == (uint8_t)versions[i]);
            }
            /* A symmetric template and a non-DER payload are refused. */
            CHECK_RC(paycore_tr31_wrap_private_key(kbpk, der, (size_t)der_len,
                                                   (const uint8_t *)"D0000P0AE00E0000", 16,
                                                   (uint8_t *)out, sizeof out, &n),
                     PAYCORE_RESULT_KEY_USAGE);
            CHECK_RC(paycore_tr31_wrap_private_key(kbpk, der, 10, (const uint8_t *)header,
                                                   strlen(header), (uint8_t *)out, sizeof out,
                                                   &n),
                     PAYCORE_RESULT_MALFORMED);
        }
        /* NULL paths. */
        CHECK_RC(paycore_tr31_unwrap_ecdsa_p256(kbpk, (const uint8_t *)block, blen, NULL, NULL),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_tr31_unwrap_private_key(kbpk, (const uint8_t *)block, blen, NULL, buf,
                                                 sizeof buf, NULL),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_tr31_unwrap_private_key(NULL, (const uint8_t *)block, blen, NULL, buf,
                                                 sizeof buf, &n),
                 PAYCORE_RESULT_NULL_PARAMETER);
        paycore_key_free(kbpk);
        vectors++;
    }
    CHECK(vectors == 2);
}

static void test_wrap_optional_blocks_and_rejections(void) {
    /* Keys from the TR-31:2018 A.7.3.2 example (tests/vectors/tr31.json). */
    paycore_key *kbpk = key_from_hex(0, "1D22BF32387C600AD97F9B97A51311AC", "K1", 'B', 'N');
    paycore_key *key = key_from_hex(0, "E8BC63E5479455E26577F715D587FE68", "B0", 'X', 'S');
    paycore_key *aes_kbpk =
        key_from_hex(1, "88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6",
                     "K1", 'B', 'N');
    paycore_key *back = NULL;
    paycore_tr31_header h;
    const char *ks = "KS1800604B120F9292800000";
    char out[512], data[64];
    unsigned char id[2];
    size_t n = 0, len = 0;

    CHECK_RC(paycore_tr31_wrap(kbpk, key, 'B', (const uint8_t *)ks, strlen(ks),
                               (uint8_t *)out, sizeof out, &n),
             PAYCORE_RESULT_OK);
    memset(&h, 0, sizeof h);
    CHECK_RC(paycore_tr31_unwrap(kbpk, (const uint8_t *)out, n, &back, &h), PAYCORE_RESULT_OK);
    CHECK(key_is(back, "E8BC63E5479455E26577F715D587FE68"));
    CHECK(h.version == 'B' && memcmp(h.key_usage, "B0", 2) == 0 && h.mode_of_use == 'X' &&
          h.exportability == 'S' && h.optional_block_count >= 1);
    CHECK_RC(paycore_tr31_optional_block((const uint8_t *)out, n, 0, id, (uint8_t *)data,
                                         sizeof data, &len),
             PAYCORE_RESULT_OK);
    CHECK(memcmp(id, "KS", 2) == 0 && len == 20 && memcmp(data, "00604B120F9292800000", 20) == 0);
    /* Short data buffer: size reported, id untouched. */
    id[0] = id[1] = 0;
    CHECK_RC(paycore_tr31_optional_block((const uint8_t *)out, n, 0, id, (uint8_t *)data, 5,
                                         &len),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(len == 20 && id[0] == 0);
    CHECK_RC(paycore_tr31_optional_block((const uint8_t *)out, n, 0, NULL, (uint8_t *)data,
                                         sizeof data, &len),
             PAYCORE_RESULT_NULL_PARAMETER);
    /* X9.143 §6.3.6 extended length form: a 252-character block is given
     * as "KS" "00" "04" "0106" + data, written back in the same form and
     * read back intact under version E; malformed extended lengths are
     * refused. */
    {
        static char section[300], big[600], longdata[300];
        size_t bn = 0, dl = 0;
        paycore_key *kb = NULL;
        memcpy(section, "KS00040106", 10);
        memset(section + 10, 'P', 252);
        section[262] = '\0';
        CHECK_RC(paycore_tr31_wrap(aes_kbpk, key, 'E', (const uint8_t *)section,
                                   strlen(section), (uint8_t *)big, sizeof big, &bn),
                 PAYCORE_RESULT_OK);
        CHECK(bn > 278 && big[0] == 'E' && memcmp(big + 16, section, 262) == 0);
        CHECK_RC(paycore_tr31_unwrap(aes_kbpk, (const uint8_t *)big, bn, &kb, NULL),
                 PAYCORE_RESULT_OK);
        CHECK(key_is(kb, "E8BC63E5479455E26577F715D587FE68"));
        paycore_key_free(kb);
        CHECK_RC(paycore_tr31_optional_block((const uint8_t *)big, bn, 0, id,
                                             (uint8_t *)longdata, sizeof longdata, &dl),
                 PAYCORE_RESULT_OK);
        CHECK(dl == 252 && memcmp(id, "KS", 2) == 0 && longdata[0] == 'P' &&
              longdata[251] == 'P');
        /* Length of length 00, overrun, non-hex. */
        CHECK_RC(paycore_tr31_wrap(aes_kbpk, key, 'E', (const uint8_t *)"KS0000PPPP", 10,
                                   (uint8_t *)big, sizeof big, &bn),
                 PAYCORE_RESULT_MALFORMED);
        CHECK_RC(paycore_tr31_wrap(aes_kbpk, key, 'E', (const uint8_t *)"KS00040FFFPP", 12,
                                   (uint8_t *)big, sizeof big, &bn),
                 PAYCORE_RESULT_MALFORMED);
        CHECK_RC(paycore_tr31_wrap(aes_kbpk, key, 'E', (const uint8_t *)"KS00040G10PP", 12,
                                   (uint8_t *)big, sizeof big, &bn),
                 PAYCORE_RESULT_MALFORMED);
    }
    CHECK_RC(paycore_tr31_optional_block((const uint8_t *)out, n, 0, id, (uint8_t *)data,
                                         sizeof data, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_tr31_optional_block(NULL, n, 0, id, (uint8_t *)data, sizeof data, &len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_tr31_optional_block((const uint8_t *)"B0016", 5, 0, id, (uint8_t *)data,
                                         sizeof data, &len),
             PAYCORE_RESULT_MALFORMED);
    paycore_key_free(back);
    back = NULL;

    /* Malformed optional-block text. */
    {
        static const char *bad[] = {"KS", "KS0", "KS05ABC", "KS0a000000" /* lower-case length */,
                                    "KS0600KS0600", "K\x01" "0600", "KS040", "KS00"};
        size_t i;
        for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            paycore_result rc = paycore_tr31_wrap(kbpk, key, 'B', (const uint8_t *)bad[i],
                                                  strlen(bad[i]), (uint8_t *)out, sizeof out,
                                                  &n);
            CHECK(rc == PAYCORE_RESULT_MALFORMED);
        }
    }
    /* Rejections. */
    {
        paycore_key *noexp = key_from_hex(0, "E8BC63E5479455E26577F715D587FE68", "P0", 'E', 'N');
        paycore_key *aes_key = key_from_hex(1, "3F419E1CB7079442AA37474C2EFBF8B8", "P0", 'E', 'E');
        paycore_key *pin_kbpk = key_from_hex(0, "1D22BF32387C600AD97F9B97A51311AC", "P0", 'B', 'N');
        paycore_key *dec_only = key_from_hex(0, "1D22BF32387C600AD97F9B97A51311AC", "K1", 'D', 'N');
        CHECK_RC(paycore_tr31_wrap(kbpk, noexp, 'B', NULL, 0, (uint8_t *)out, sizeof out, &n),
                 PAYCORE_RESULT_KEY_USAGE);
        CHECK_RC(paycore_tr31_wrap(kbpk, aes_key, 'B', NULL, 0, (uint8_t *)out, sizeof out, &n),
                 PAYCORE_RESULT_UNSUPPORTED);
        CHECK_RC(paycore_tr31_wrap(pin_kbpk, key, 'B', NULL, 0, (uint8_t *)out, sizeof out, &n),
                 PAYCORE_RESULT_KEY_USAGE);
        CHECK_RC(paycore_tr31_wrap(dec_only, key, 'B', NULL, 0, (uint8_t *)out, sizeof out, &n),
                 PAYCORE_RESULT_KEY_USAGE);
        CHECK_RC(paycore_tr31_wrap(kbpk, key, 'A', NULL, 0, (uint8_t *)out, sizeof out, &n),
                 PAYCORE_RESULT_UNSUPPORTED);
        CHECK_RC(paycore_tr31_wrap(kbpk, key, 'C', NULL, 0, (uint8_t *)out, sizeof out, &n),
                 PAYCORE_RESULT_UNSUPPORTED);
        CHECK_RC(paycore_tr31_wrap(kbpk, key, 'Z', NULL, 0, (uint8_t *)out, sizeof out, &n),
                 PAYCORE_RESULT_INVALID_ARGUMENT);
        CHECK_RC(paycore_tr31_wrap(kbpk, key, 'D', NULL, 0, (uint8_t *)out, sizeof out, &n),
                 PAYCORE_RESULT_INVALID_KEY);
        CHECK_RC(paycore_tr31_wrap(aes_kbpk, key, 'B', NULL, 0, (uint8_t *)out, sizeof out, &n),
                 PAYCORE_RESULT_INVALID_KEY);
        /* A TDES key under an AES KBPK is fine (version D). */
        CHECK_RC(paycore_tr31_wrap(aes_kbpk, key, 'D', NULL, 0, (uint8_t *)out, sizeof out, &n),
                 PAYCORE_RESULT_OK);
        CHECK_RC(paycore_tr31_unwrap(aes_kbpk, (const uint8_t *)out, n, &back, NULL),
                 PAYCORE_RESULT_OK);
        CHECK(key_is(back, "E8BC63E5479455E26577F715D587FE68"));
        paycore_key_free(back);
        paycore_key_free(noexp);
        paycore_key_free(aes_key);
        paycore_key_free(pin_kbpk);
        paycore_key_free(dec_only);
    }
    /* NULL paths. */
    CHECK_RC(paycore_tr31_wrap(NULL, key, 'B', NULL, 0, (uint8_t *)out, sizeof out, &n),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_tr31_wrap(kbpk, NULL, 'B', NULL, 0, (uint8_t *)out, sizeof out, &n),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_tr31_wrap(kbpk, key, 'B', NULL, 4, (uint8_t *)out, sizeof out, &n),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_tr31_wrap(kbpk, key, 'B', NULL, 0, NULL, sizeof out, &n),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_tr31_wrap(kbpk, key, 'B', NULL, 0, (uint8_t *)out, sizeof out, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_tr31_wrap(kbpk, key, 'B', NULL, 0, NULL, 0, &n),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(n > 16);
    CHECK_RC(paycore_tr31_wrap_with_padding(kbpk, key, 'B', NULL, 0, NULL, 6, (uint8_t *)out,
                                            sizeof out, &n),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_tr31_header_parse((const uint8_t *)"B0016P0TE00N0000", 16, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_tr31_header_parse(NULL, 16, &h), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_tr31_header_parse((const uint8_t *)"B0016P0TE00N00", 14, &h),
             PAYCORE_RESULT_MALFORMED);
    CHECK_RC(paycore_tr31_header_parse((const uint8_t *)"B0016P0TE00N0000", 16, &h),
             PAYCORE_RESULT_OK);
    CHECK(h.version == 'B' && h.exportability == 'N' && h.block_len == 16 &&
          h.optional_block_count == 0);
    paycore_key_free(aes_kbpk);
    paycore_key_free(key);
    paycore_key_free(kbpk);
}

/* ------------------------------------------------- key getters / export */

static void test_key_getters_and_export(void) {
    unsigned char buf[32];
    size_t len = 0;
    uint32_t alg = 0;
    uint8_t c = 0;
    paycore_key *k = key_from_hex(1, "00112233445566778899AABBCCDDEEFF", "M6", 'C', 'E');
    paycore_key *nx = key_from_hex(0, "0123456789ABCDEFFEDCBA9876543210", "P0", 'E', 'N');

    CHECK_RC(paycore_key_algorithm(k, &alg), PAYCORE_RESULT_OK);
    CHECK(alg == PAYCORE_ALGORITHM_AES128);
    CHECK_RC(paycore_key_algorithm(nx, &alg), PAYCORE_RESULT_OK);
    CHECK(alg == PAYCORE_ALGORITHM_TDES2);
    CHECK_RC(paycore_key_usage(k, buf, 2, &len), PAYCORE_RESULT_OK);
    CHECK(len == 2 && memcmp(buf, "M6", 2) == 0);
    CHECK_RC(paycore_key_mode_of_use(k, &c), PAYCORE_RESULT_OK);
    CHECK(c == 'C');
    CHECK_RC(paycore_key_version(k, buf, 2, &len), PAYCORE_RESULT_OK);
    CHECK(len == 2 && memcmp(buf, "00", 2) == 0);
    CHECK_RC(paycore_key_exportability(nx, &c), PAYCORE_RESULT_OK);
    CHECK(c == 'N');
    /* NULL and short-buffer paths. */
    CHECK_RC(paycore_key_algorithm(NULL, &alg), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_key_algorithm(k, NULL), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_key_usage(NULL, buf, 2, &len), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_key_usage(k, NULL, 2, &len), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_key_usage(k, buf, 2, NULL), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_key_usage(k, buf, 1, &len), PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(len == 2);
    CHECK_RC(paycore_key_version(k, buf, 1, &len), PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK_RC(paycore_key_version(NULL, buf, 2, &len), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_key_version(k, buf, 2, NULL), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_key_mode_of_use(NULL, &c), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_key_mode_of_use(k, NULL), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_key_exportability(NULL, &c), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_key_exportability(k, NULL), PAYCORE_RESULT_NULL_PARAMETER);

    /* Export: the clear key; secret output zeroed on every failure. */
    CHECK_RC(paycore_key_export(k, buf, sizeof buf, &len), PAYCORE_RESULT_OK);
    CHECK(bytes_eq_hex(buf, len, "00112233445566778899AABBCCDDEEFF"));
    memset(buf, 0xAA, sizeof buf);
    CHECK_RC(paycore_key_export(nx, buf, sizeof buf, &len), PAYCORE_RESULT_KEY_USAGE);
    CHECK(all_zero(buf, sizeof buf));
    memset(buf, 0xAA, sizeof buf);
    CHECK_RC(paycore_key_export(k, buf, 15, &len), PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(len == 16);
    CHECK(all_zero(buf, 15) && buf[15] == 0xAA);
    memset(buf, 0xAA, sizeof buf);
    CHECK_RC(paycore_key_export(NULL, buf, sizeof buf, &len), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK(all_zero(buf, sizeof buf));
    memset(buf, 0xAA, sizeof buf);
    CHECK_RC(paycore_key_export(k, buf, sizeof buf, NULL), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK(all_zero(buf, sizeof buf));
    CHECK_RC(paycore_key_export(k, NULL, 16, &len), PAYCORE_RESULT_NULL_PARAMETER);
    paycore_key_free(k);
    paycore_key_free(nx);
}

/* ------------------------------------------------------------------ MK/SK */

static uint32_t alg_code(const char *name) {
    if (strcmp(name, "tdes2") == 0) return PAYCORE_ALGORITHM_TDES2;
    if (strcmp(name, "tdes3") == 0) return PAYCORE_ALGORITHM_TDES3;
    if (strcmp(name, "aes128") == 0) return PAYCORE_ALGORITHM_AES128;
    if (strcmp(name, "aes192") == 0) return PAYCORE_ALGORITHM_AES192;
    return PAYCORE_ALGORITHM_AES256;
}

struct parsed_delivery {
    char block[256];
    unsigned char bytes[32];
    unsigned char kcv[8];
    paycore_mksk_delivery d;
};

static int sentinel;
#define SENTINEL ((paycore_key *)(void *)&sentinel)

static void test_mksk(const char *json) {
    const char *cur = json, *s, *e;
    int vectors = 0;
    while (next_vector(json, &cur, &s, &e)) {
        struct parsed_delivery pd[PAYCORE_MKSK_MAX_KEYS];
        paycore_mksk_delivery ds[PAYCORE_MKSK_MAX_KEYS + 1];
        paycore_key *keys[PAYCORE_MKSK_MAX_KEYS + 1];
        char tmk_hex[80], aes[8], v[256], expected[PAYCORE_MKSK_MAX_KEYS][80];
        const char *p, *q;
        size_t count = 0, nexp = 0, len = 0, i;
        paycore_key *tmk;

        CHECK(field(s, e, "tmk", tmk_hex, sizeof tmk_hex));
        CHECK(field(s, e, "tmk_aes", aes, sizeof aes));
        tmk = key_from_hex(strcmp(aes, "true") == 0, tmk_hex, "K0", 'B', 'E');
        /* Deliveries: each object starts at "type":. */
        p = strstr(s, "\"type\":");
        while (p && p < e && count < PAYCORE_MKSK_MAX_KEYS) {
            struct parsed_delivery *x = &pd[count];
            int n;
            q = strstr(p + 7, "\"type\":");
            if (!q || q > e) q = e;
            memset(x, 0, sizeof *x);
            CHECK(field(p, q, "type", v, sizeof v));
            CHECK(field(p, q, "kcv", v, sizeof v));
            n = hex_decode(v, x->kcv, sizeof x->kcv);
            CHECK(n > 0);
            x->d.kcv = x->kcv;
            x->d.kcv_len = (size_t)n;
            CHECK(field(p, q, "kcv_method", v, sizeof v));
            x->d.kcv_method = strcmp(v, "cmac") == 0 ? PAYCORE_KCV_CMAC : PAYCORE_KCV_LEGACY;
            CHECK(field(p, q, "type", v, sizeof v));
            if (strcmp(v, "ecb") == 0) {
                x->d.kind = PAYCORE_MKSK_ECB;
                CHECK(field(p, q, "algorithm", v, sizeof v));
                x->d.algorithm = alg_code(v);
                CHECK(field(p, q, "key_usage", v, sizeof v));
                memcpy(x->d.key_usage, v, 2);
                CHECK(field(p, q, "mode_of_use", v, sizeof v));
                x->d.mode_of_use = (uint8_t)v[0];
                memcpy(x->d.key_version, "00", 2);
                x->d.exportability = 'E';
                CHECK(field(p, q, "enciphered", v, sizeof v));
                n = hex_decode(v, x->bytes, sizeof x->bytes);
                CHECK(n > 0);
                x->d.cryptogram = x->bytes;
                x->d.cryptogram_len = (size_t)n;
            } else {
                x->d.kind = PAYCORE_MKSK_TR31;
                CHECK(field(p, q, "block", x->block, sizeof x->block));
                x->d.cryptogram = (const uint8_t *)x->block;
                x->d.cryptogram_len = strlen(x->block);
            }
            ds[count] = x->d;
            count++;
            p = q;
        }
        /* Expected keys: the strings of "keys": [...]. */
        p = strstr(s, "\"keys\":");
        CHECK(p != NULL && p < e);
        if (!p || p >= e) break;
        q = strchr(p, ']');
        p = strchr(p, '[');
        while (p && (p = strchr(p + 1, '"')) != NULL && p < q && nexp < PAYCORE_MKSK_MAX_KEYS) {
            const char *end = strchr(p + 1, '"');
            size_t l = (size_t)(end - p - 1);
            if (l >= sizeof expected[0]) l = sizeof expected[0] - 1;
            memcpy(expected[nexp], p + 1, l);
            expected[nexp][l] = '\0';
            nexp++;
            p = end;
        }
        CHECK(count >= 1 && nexp == count);

        /* Success: every key, in delivery order. */
        for (i = 0; i <= PAYCORE_MKSK_MAX_KEYS; i++) keys[i] = SENTINEL;
        CHECK_RC(paycore_mksk_install(tmk, ds, count, keys, PAYCORE_MKSK_MAX_KEYS + 1, &len),
                 PAYCORE_RESULT_OK);
        CHECK(len == count);
        for (i = 0; i < count; i++) {
            CHECK(key_is(keys[i], expected[i]));
            paycore_key_free(keys[i]);
        }
        for (i = count; i <= PAYCORE_MKSK_MAX_KEYS; i++) CHECK(keys[i] == NULL);

        /* One bad check value (the last delivery): nothing installed. */
        ds[count - 1].kcv = (const uint8_t *)"\x00\x00\x00";
        for (i = 0; i <= PAYCORE_MKSK_MAX_KEYS; i++) keys[i] = SENTINEL;
        len = 99;
        CHECK_RC(paycore_mksk_install(tmk, ds, count, keys, PAYCORE_MKSK_MAX_KEYS + 1, &len),
                 PAYCORE_RESULT_VERIFICATION_FAILED);
        CHECK(len == 0);
        for (i = 0; i <= PAYCORE_MKSK_MAX_KEYS; i++) CHECK(keys[i] == NULL);
        ds[count - 1].kcv = pd[count - 1].kcv;

        /* Tampered cryptogram: nothing installed. */
        pd[0].bytes[0] ^= 1;
        if (pd[0].d.kind == PAYCORE_MKSK_TR31) pd[0].block[20] ^= 1;
        for (i = 0; i <= PAYCORE_MKSK_MAX_KEYS; i++) keys[i] = SENTINEL;
        CHECK(paycore_mksk_install(tmk, ds, count, keys, PAYCORE_MKSK_MAX_KEYS + 1, &len) !=
              PAYCORE_RESULT_OK);
        for (i = 0; i <= PAYCORE_MKSK_MAX_KEYS; i++) CHECK(keys[i] == NULL);
        pd[0].bytes[0] ^= 1;
        if (pd[0].d.kind == PAYCORE_MKSK_TR31) pd[0].block[20] ^= 1;

        /* Capacity too small: size reported before any work. */
        CHECK_RC(paycore_mksk_install(tmk, ds, count, keys, count - 1, &len),
                 PAYCORE_RESULT_BUFFER_TOO_SMALL);
        CHECK(len == count);
        /* Bad arguments. */
        CHECK_RC(paycore_mksk_install(tmk, ds, 0, keys, 8, &len),
                 PAYCORE_RESULT_INVALID_ARGUMENT);
        CHECK_RC(paycore_mksk_install(tmk, ds, PAYCORE_MKSK_MAX_KEYS + 1, keys, 9, &len),
                 PAYCORE_RESULT_INVALID_ARGUMENT);
        CHECK_RC(paycore_mksk_install(NULL, ds, count, keys, 8, &len),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_mksk_install(tmk, NULL, count, keys, 8, &len),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_mksk_install(tmk, ds, count, NULL, 8, &len),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_mksk_install(tmk, ds, count, keys, 8, NULL),
                 PAYCORE_RESULT_NULL_PARAMETER);
        ds[0].kind = 7;
        CHECK_RC(paycore_mksk_install(tmk, ds, count, keys, 8, &len),
                 PAYCORE_RESULT_INVALID_ARGUMENT);
        ds[0].kind = pd[0].d.kind;
        ds[0].kcv_method = 7;
        CHECK_RC(paycore_mksk_install(tmk, ds, count, keys, 8, &len),
                 PAYCORE_RESULT_INVALID_ARGUMENT);
        ds[0].kcv_method = pd[0].d.kcv_method;
        ds[0].cryptogram = NULL;
        CHECK_RC(paycore_mksk_install(tmk, ds, count, keys, 8, &len),
                 PAYCORE_RESULT_NULL_PARAMETER);
        ds[0].cryptogram = pd[0].d.cryptogram;
        if (ds[0].kind == PAYCORE_MKSK_ECB) {
            /* A working key may not be a KEK; attributes must be valid. */
            memcpy(ds[0].key_usage, "K0", 2);
            CHECK_RC(paycore_mksk_install(tmk, ds, count, keys, 8, &len),
                     PAYCORE_RESULT_KEY_USAGE);
            memcpy(ds[0].key_usage, "Q9", 2);
            CHECK_RC(paycore_mksk_install(tmk, ds, count, keys, 8, &len),
                     PAYCORE_RESULT_INVALID_KEY);
            memcpy(ds[0].key_usage, pd[0].d.key_usage, 2);
            ds[0].key_version[0] = 0;
            CHECK_RC(paycore_mksk_install(tmk, ds, count, keys, 8, &len),
                     PAYCORE_RESULT_INVALID_KEY);
            memcpy(ds[0].key_version, "00", 2);
            ds[0].cryptogram_len -= 1;
            CHECK_RC(paycore_mksk_install(tmk, ds, count, keys, 8, &len),
                     PAYCORE_RESULT_INVALID_KEY);
            ds[0].cryptogram_len += 1;
        }
        {
            /* A TMK that is not K0 for decryption. */
            paycore_key *kbpk = key_from_hex(strcmp(aes, "true") == 0, tmk_hex, "K1", 'B', 'N');
            paycore_key *enc = key_from_hex(strcmp(aes, "true") == 0, tmk_hex, "K0", 'E', 'N');
            CHECK_RC(paycore_mksk_install(kbpk, ds, count, keys, 8, &len),
                     PAYCORE_RESULT_KEY_USAGE);
            CHECK_RC(paycore_mksk_install(enc, ds, count, keys, 8, &len),
                     PAYCORE_RESULT_KEY_USAGE);
            paycore_key_free(kbpk);
            paycore_key_free(enc);
        }
        for (i = 0; i < 8; i++) CHECK(keys[i] == NULL);
        /* Still installs after all that. */
        CHECK_RC(paycore_mksk_install(tmk, ds, count, keys, 8, &len), PAYCORE_RESULT_OK);
        for (i = 0; i < count; i++) paycore_key_free(keys[i]);
        paycore_key_free(tmk);
        vectors++;
    }
    CHECK(vectors >= 4);

    {
        /* A working key stronger than the TMK (AES-128 under 2TDEA). */
        static const unsigned char kcv[3] = {0, 0, 0};
        static const unsigned char c16[16] = {0};
        paycore_key *tmk = key_from_hex(0, "0123456789ABCDEFFEDCBA9876543210", "K0", 'B', 'N');
        paycore_mksk_delivery d;
        paycore_key *out[1];
        size_t len = 0;
        memset(&d, 0, sizeof d);
        d.kind = PAYCORE_MKSK_ECB;
        d.algorithm = PAYCORE_ALGORITHM_AES128;
        memcpy(d.key_usage, "P0", 2);
        d.mode_of_use = 'E';
        memcpy(d.key_version, "00", 2);
        d.exportability = 'E';
        d.cryptogram = c16;
        d.cryptogram_len = 16;
        d.kcv = kcv;
        d.kcv_len = 3;
        d.kcv_method = PAYCORE_KCV_CMAC;
        CHECK_RC(paycore_mksk_install(tmk, &d, 1, out, 1, &len), PAYCORE_RESULT_UNSUPPORTED);
        CHECK(out[0] == NULL && len == 0);
        paycore_key_free(tmk);
    }
}

int main(void) {
    char *tr31 = read_file("tests/vectors/tr31.json");
    char *mksk = read_file("tests/vectors/mksk.json");
    CHECK(tr31 != NULL && mksk != NULL);
    if (!tr31 || !mksk) return test_report("test_tr31");
    test_unwrap_vectors(tr31);
    test_reject_vectors(tr31);
    test_wrap(tr31);
    test_private_key_vectors(tr31);
    test_wrap_optional_blocks_and_rejections();
    test_key_getters_and_export();
    test_mksk(mksk);
    free(tr31);
    free(mksk);
    return test_report("test_tr31");
}
