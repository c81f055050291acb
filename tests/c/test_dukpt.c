/* DUKPT through the C ABI: host derivation against the published vectors in
 * tests/vectors/dukpt_tdes_x9_24_1_annex_a4_2.json (ANSI X9.24-1:2009
 * Annex A.4, sources in the file) and dukpt_aes_x9_24_3_2017_aes128.json
 * (X9.24-3-2017 supplement, only the values listed in "published_fields"),
 * originators that must agree with them and with host derivation, the
 * persist callback contract (a refusal releases nothing), restore/tamper,
 * every NULL / short-buffer / bad-argument / wrong-usage path, and the
 * issue 11.1 reproduction (state blob opened and re-sealed through
 * paycore_aead_open / _seal) plus storage rollback (min_counter). */
#include "paycore.h"
#include "test_util.h"

#define TDES_FILE "tests/vectors/dukpt_tdes_x9_24_1_annex_a4_2.json"
#define AES_FILE "tests/vectors/dukpt_aes_x9_24_3_2017_aes128.json"

/* Exports a key and compares it with hex; the copy is wiped. */
static int key_is(const paycore_key *key, const char *hex) {
    unsigned char buf[32];
    size_t n = 0;
    int ok;
    if (paycore_key_export(key, buf, sizeof buf, &n) != PAYCORE_RESULT_OK) return 0;
    ok = bytes_eq_hex(buf, n, hex);
    memset(buf, 0, sizeof buf);
    return ok;
}

/* True if both keys have the same material. */
static int same_key(const paycore_key *a, const paycore_key *b) {
    unsigned char x[32], y[32];
    size_t nx = 0, ny = 0;
    int ok = paycore_key_export(a, x, sizeof x, &nx) == PAYCORE_RESULT_OK &&
             paycore_key_export(b, y, sizeof y, &ny) == PAYCORE_RESULT_OK && nx == ny &&
             memcmp(x, y, nx) == 0;
    memset(x, 0, sizeof x);
    memset(y, 0, sizeof y);
    return ok;
}

static paycore_key *make_key(uint32_t alg, const char *hex, const char *usage, char mode,
                             char exportability) {
    unsigned char m[32];
    int n = hex_decode(hex, m, sizeof m);
    paycore_key *k = NULL;
    CHECK(n > 0);
    CHECK_RC(paycore_key_new(alg, m, (size_t)n, (const uint8_t *)usage, (uint8_t)mode,
                             (uint8_t)exportability, &k),
             PAYCORE_RESULT_OK);
    memset(m, 0, sizeof m);
    return k;
}

/* ---- persist callback: keeps the last blob; can be told to refuse ---- */
struct store {
    unsigned char blob[2048];
    size_t len;
    int refuse_next;
    int calls;
};

static int persist_cb(void *ctx, const uint8_t *blob, size_t len) {
    struct store *s = (struct store *)ctx;
    s->calls++;
    if (s->refuse_next) {
        s->refuse_next = 0;
        return -1;
    }
    if (len > sizeof s->blob) return -2;
    memcpy(s->blob, blob, len);
    s->len = len;
    return 0;
}

static paycore_key *device_key(void) {
    /* Any AES key D0/B seals the state; its value is not a vector. */
    return make_key(PAYCORE_ALGORITHM_AES128, "000102030405060708090A0B0C0D0E0F", "D0", 'B',
                    'N');
}

/* ------------------------------------------------------------------ TDES */

static const struct {
    const char *field;
    uint32_t usage;
} TDES_KEYS[] = {
    {"pin_key", PAYCORE_DUKPT_USAGE_PIN},
    {"mac_request_key", PAYCORE_DUKPT_USAGE_MAC_GENERATE},
    {"mac_response_key", PAYCORE_DUKPT_USAGE_MAC_VERIFY},
    {"data_request_key", PAYCORE_DUKPT_USAGE_DATA_ENCRYPT},
    {"data_response_key", PAYCORE_DUKPT_USAGE_DATA_DECRYPT},
};

/* Finds the vector for `ksn_hex` in the TDES file and checks that the
 * transaction `tx` (originator) gives its working keys. */
static int tdes_tx_matches(const char *json, const paycore_dukpt_tx *tx, const char *ksn_hex) {
    const char *cur = json, *s, *e;
    char ksn[64], expected[64];
    size_t i;
    while (next_vector(json, &cur, &s, &e)) {
        if (!field(s, e, "ksn", ksn, sizeof ksn) || strcmp(ksn, ksn_hex) != 0) continue;
        for (i = 0; i < sizeof TDES_KEYS / sizeof TDES_KEYS[0]; i++) {
            paycore_key *k = NULL;
            if (!field(s, e, TDES_KEYS[i].field, expected, sizeof expected)) return 0;
            if (paycore_dukpt_tx_working_key(tx, TDES_KEYS[i].usage,
                                             PAYCORE_DUKPT_KEY_TYPE_TDES2,
                                             &k) != PAYCORE_RESULT_OK)
                return 0;
            if (!key_is(k, expected)) {
                paycore_key_free(k);
                return 0;
            }
            paycore_key_free(k);
        }
        return 1;
    }
    return 0;
}

static void to_hex(const unsigned char *b, size_t n, char *out) {
    size_t i;
    for (i = 0; i < n; i++) sprintf(out + 2 * i, "%02X", b[i]);
    out[2 * n] = '\0';
}

static void test_tdes_host(const char *json) {
    char bdk_hex[64], ksn_hex[64], ipek_hex[64], expected[64];
    const char *cur = json, *s, *e;
    unsigned char ksn[16];
    paycore_key *bdk, *ipek = NULL, *k = NULL;
    int vectors = 0;
    size_t i, len = 0;
    unsigned char usage[2];
    uint8_t mode = 0;

    CHECK(field(json, json + strlen(json), "bdk", bdk_hex, sizeof bdk_hex));
    CHECK(field(json, json + strlen(json), "initial_ksn", ksn_hex, sizeof ksn_hex));
    CHECK(field(json, json + strlen(json), "ipek", ipek_hex, sizeof ipek_hex));
    bdk = make_key(PAYCORE_ALGORITHM_TDES2, bdk_hex, "B0", 'X', 'E');

    /* IPEK (X9.24-1:2009 A.4 "initially loaded key"). */
    CHECK(hex_decode(ksn_hex, ksn, sizeof ksn) == 10);
    CHECK_RC(paycore_dukpt_derive_ipek(bdk, ksn, 10, &ipek), PAYCORE_RESULT_OK);
    CHECK(key_is(ipek, ipek_hex));
    CHECK_RC(paycore_key_usage(ipek, usage, 2, &len), PAYCORE_RESULT_OK);
    CHECK(len == 2 && memcmp(usage, "B1", 2) == 0);

    while (next_vector(json, &cur, &s, &e)) {
        if (!field(s, e, "ksn", ksn_hex, sizeof ksn_hex)) continue;
        CHECK(hex_decode(ksn_hex, ksn, sizeof ksn) == 10);
        for (i = 0; i < sizeof TDES_KEYS / sizeof TDES_KEYS[0]; i++) {
            CHECK(field(s, e, TDES_KEYS[i].field, expected, sizeof expected));
            k = NULL;
            CHECK_RC(paycore_dukpt_derive(bdk, ksn, 10, TDES_KEYS[i].usage,
                                          PAYCORE_DUKPT_KEY_TYPE_TDES2, &k),
                     PAYCORE_RESULT_OK);
            CHECK(key_is(k, expected));
            paycore_key_free(k);
            k = NULL;
            CHECK_RC(paycore_dukpt_derive_from_initial_key(ipek, ksn, 10, TDES_KEYS[i].usage,
                                                           PAYCORE_DUKPT_KEY_TYPE_TDES2, &k),
                     PAYCORE_RESULT_OK);
            CHECK(key_is(k, expected));
            paycore_key_free(k);
        }
        vectors++;
    }
    CHECK(vectors >= 10);

    /* A host transaction handle gives the same working keys. */
    {
        paycore_dukpt_tx *htx = NULL;
        CHECK(hex_decode("FFFF9876543210E00003", ksn, sizeof ksn) == 10);
        CHECK_RC(paycore_dukpt_host_transaction(bdk, ksn, 10, &htx), PAYCORE_RESULT_OK);
        CHECK(tdes_tx_matches(json, htx, "FFFF9876543210E00003"));
        paycore_dukpt_tx_free(htx);
        htx = NULL;
        CHECK_RC(paycore_dukpt_host_transaction(NULL, ksn, 10, &htx),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_dukpt_host_transaction(bdk, ksn, 10, NULL),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_dukpt_host_transaction(bdk, ksn, 11, &htx),
                 PAYCORE_RESULT_INVALID_ARGUMENT);
        CHECK_RC(paycore_dukpt_host_transaction(ipek, ksn, 10, &htx), PAYCORE_RESULT_KEY_USAGE);
        CHECK(htx == NULL);
    }

    /* Host attributes: the PIN key decrypts (mirror of the terminal). */
    CHECK(hex_decode("FFFF9876543210E00001", ksn, sizeof ksn) == 10);
    k = NULL;
    CHECK_RC(paycore_dukpt_derive(bdk, ksn, 10, PAYCORE_DUKPT_USAGE_PIN,
                                  PAYCORE_DUKPT_KEY_TYPE_TDES2, &k),
             PAYCORE_RESULT_OK);
    CHECK_RC(paycore_key_usage(k, usage, 2, &len), PAYCORE_RESULT_OK);
    CHECK(memcmp(usage, "P0", 2) == 0);
    CHECK_RC(paycore_key_mode_of_use(k, &mode), PAYCORE_RESULT_OK);
    CHECK(mode == 'D');
    paycore_key_free(k);

    /* Rejections: nothing is written to *out. */
    k = NULL;
    CHECK_RC(paycore_dukpt_derive(NULL, ksn, 10, 1, 1, &k), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dukpt_derive(bdk, NULL, 10, 1, 1, &k), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dukpt_derive(bdk, ksn, 10, 1, 1, NULL), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dukpt_derive(bdk, ksn, 10, 0, 1, &k), PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_dukpt_derive(bdk, ksn, 10, 10, 1, &k), PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_dukpt_derive(bdk, ksn, 10, 1, 0, &k), PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_dukpt_derive(bdk, ksn, 10, 1, 6, &k), PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_dukpt_derive(bdk, ksn, 11, 1, 1, &k), PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_dukpt_derive(bdk, ksn, 9, 1, 1, &k), PAYCORE_RESULT_INVALID_ARGUMENT);
    /* TDES DUKPT: only TDES2 working keys, no KEK. */
    CHECK_RC(paycore_dukpt_derive(bdk, ksn, 10, PAYCORE_DUKPT_USAGE_PIN,
                                  PAYCORE_DUKPT_KEY_TYPE_AES128, &k),
             PAYCORE_RESULT_UNSUPPORTED);
    CHECK_RC(paycore_dukpt_derive(bdk, ksn, 10, PAYCORE_DUKPT_USAGE_KEK,
                                  PAYCORE_DUKPT_KEY_TYPE_TDES2, &k),
             PAYCORE_RESULT_UNSUPPORTED);
    /* Counter zero is the initial key itself. */
    CHECK(hex_decode("FFFF9876543210E00000", ksn, sizeof ksn) == 10);
    CHECK_RC(paycore_dukpt_derive(bdk, ksn, 10, 1, 1, &k), PAYCORE_RESULT_MALFORMED);
    CHECK(k == NULL);
    /* Wrong-usage keys: an IPEK is not a BDK, a BDK is not an IPEK, a K0 is neither. */
    CHECK(hex_decode("FFFF9876543210E00001", ksn, sizeof ksn) == 10);
    CHECK_RC(paycore_dukpt_derive(ipek, ksn, 10, 1, 1, &k), PAYCORE_RESULT_KEY_USAGE);
    CHECK_RC(paycore_dukpt_derive_from_initial_key(bdk, ksn, 10, 1, 1, &k),
             PAYCORE_RESULT_KEY_USAGE);
    CHECK_RC(paycore_dukpt_derive_ipek(ipek, ksn, 10, &k), PAYCORE_RESULT_KEY_USAGE);
    {
        paycore_key *kek = make_key(PAYCORE_ALGORITHM_TDES2, bdk_hex, "K0", 'B', 'E');
        paycore_key *bdk_enc_only = make_key(PAYCORE_ALGORITHM_TDES2, bdk_hex, "B0", 'E', 'E');
        CHECK_RC(paycore_dukpt_derive(kek, ksn, 10, 1, 1, &k), PAYCORE_RESULT_KEY_USAGE);
        CHECK_RC(paycore_dukpt_derive(bdk_enc_only, ksn, 10, 1, 1, &k),
                 PAYCORE_RESULT_KEY_USAGE);
        paycore_key_free(kek);
        paycore_key_free(bdk_enc_only);
    }
    CHECK_RC(paycore_dukpt_derive_ipek(NULL, ksn, 10, &k), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dukpt_derive_ipek(bdk, ksn, 10, NULL), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dukpt_derive_ipek(bdk, ksn, 12, &k), PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_dukpt_derive_from_initial_key(NULL, ksn, 10, 1, 1, &k),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dukpt_derive_from_initial_key(ipek, ksn, 10, 1, 1, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK(k == NULL);
    paycore_key_free(ipek);
    paycore_key_free(bdk);
}

static void test_tdes_originator(const char *json) {
    char bdk_hex[64], ksn_hex[64];
    unsigned char ksn[16], before[16];
    size_t ksn_len = 0, before_len = 0;
    paycore_key *bdk, *ipek = NULL, *dev = device_key();
    paycore_dukpt_originator *o = NULL, *r = NULL;
    paycore_dukpt_tx *tx = NULL;
    struct store st;
    uint32_t flavour = 0;
    int i;

    memset(&st, 0, sizeof st);
    CHECK(field(json, json + strlen(json), "bdk", bdk_hex, sizeof bdk_hex));
    CHECK(field(json, json + strlen(json), "initial_ksn", ksn_hex, sizeof ksn_hex));
    bdk = make_key(PAYCORE_ALGORITHM_TDES2, bdk_hex, "B0", 'X', 'E');
    CHECK(hex_decode(ksn_hex, ksn, sizeof ksn) == 10);
    CHECK_RC(paycore_dukpt_derive_ipek(bdk, ksn, 10, &ipek), PAYCORE_RESULT_OK);

    /* Load refused by the store: no originator. */
    st.refuse_next = 1;
    CHECK_RC(paycore_dukpt_originator_load_tdes(ipek, ksn, 10, dev, persist_cb, &st, &o),
             PAYCORE_RESULT_STATE_NOT_PERSISTED);
    CHECK(o == NULL);
    /* Bad arguments. */
    CHECK_RC(paycore_dukpt_originator_load_tdes(ipek, ksn, 10, dev, NULL, &st, &o),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dukpt_originator_load_tdes(NULL, ksn, 10, dev, persist_cb, &st, &o),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dukpt_originator_load_tdes(ipek, ksn, 10, NULL, persist_cb, &st, &o),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dukpt_originator_load_tdes(ipek, ksn, 10, dev, persist_cb, &st, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dukpt_originator_load_tdes(ipek, ksn, 12, dev, persist_cb, &st, &o),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_dukpt_originator_load_tdes(bdk, ksn, 10, dev, persist_cb, &st, &o),
             PAYCORE_RESULT_KEY_USAGE);
    {
        /* A device key that may not encrypt cannot seal the state. */
        paycore_key *pin_dev = make_key(PAYCORE_ALGORITHM_AES128,
                                        "000102030405060708090A0B0C0D0E0F", "P0", 'B', 'N');
        CHECK_RC(paycore_dukpt_originator_load_tdes(ipek, ksn, 10, pin_dev, persist_cb, &st,
                                                    &o),
                 PAYCORE_RESULT_KEY_USAGE);
        paycore_key_free(pin_dev);
    }
    CHECK(o == NULL);

    CHECK_RC(paycore_dukpt_originator_load_tdes(ipek, ksn, 10, dev, persist_cb, &st, &o),
             PAYCORE_RESULT_OK);
    CHECK(o != NULL);
    CHECK(st.len == PAYCORE_DUKPT_TDES_STATE_LEN);
    CHECK_RC(paycore_dukpt_originator_flavour(o, &flavour), PAYCORE_RESULT_OK);
    CHECK(flavour == PAYCORE_DUKPT_FLAVOUR_TDES);

    /* Transactions 1..3 match X9.24-1 A.4. */
    for (i = 1; i <= 3; i++) {
        tx = NULL;
        CHECK_RC(paycore_dukpt_originator_next(o, dev, persist_cb, &st, ksn, sizeof ksn,
                                               &ksn_len, &tx),
                 PAYCORE_RESULT_OK);
        CHECK(ksn_len == 10 && ksn[9] == i);
        to_hex(ksn, ksn_len, ksn_hex);
        CHECK(tdes_tx_matches(json, tx, ksn_hex));
        paycore_dukpt_tx_free(tx);
    }

    /* Short KSN buffer: size reported, no counter consumed. */
    CHECK_RC(paycore_dukpt_originator_ksn(o, before, sizeof before, &before_len),
             PAYCORE_RESULT_OK);
    CHECK(before_len == 10 && before[9] == 4);
    tx = NULL;
    CHECK_RC(paycore_dukpt_originator_next(o, dev, persist_cb, &st, ksn, 9, &ksn_len, &tx),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(ksn_len == 10 && tx == NULL);
    CHECK_RC(paycore_dukpt_originator_next(o, dev, persist_cb, &st, NULL, 0, &ksn_len, &tx),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK_RC(paycore_dukpt_originator_next(o, dev, persist_cb, &st, ksn, 10, NULL, &tx),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dukpt_originator_next(o, dev, persist_cb, &st, ksn, 10, &ksn_len, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dukpt_originator_next(NULL, dev, persist_cb, &st, ksn, 10, &ksn_len, &tx),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dukpt_originator_next(o, NULL, persist_cb, &st, ksn, 10, &ksn_len, &tx),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dukpt_originator_next(o, dev, NULL, &st, ksn, 10, &ksn_len, &tx),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dukpt_originator_ksn(o, ksn, sizeof ksn, &ksn_len), PAYCORE_RESULT_OK);
    CHECK(ksn_len == before_len && memcmp(ksn, before, before_len) == 0);

    /* The store refuses once: counter 4 is consumed, nothing released. */
    st.refuse_next = 1;
    memset(ksn, 0xAA, sizeof ksn);
    CHECK_RC(paycore_dukpt_originator_next(o, dev, persist_cb, &st, ksn, sizeof ksn, &ksn_len,
                                           &tx),
             PAYCORE_RESULT_STATE_NOT_PERSISTED);
    CHECK(tx == NULL);
    CHECK(ksn[0] == 0xAA); /* KSN not written either */
    /* The stored blob is still the one after counter 3. */
    CHECK_RC(paycore_dukpt_originator_restore(dev, st.blob, st.len, 0, &r), PAYCORE_RESULT_OK);
    CHECK_RC(paycore_dukpt_originator_ksn(r, ksn, sizeof ksn, &ksn_len), PAYCORE_RESULT_OK);
    CHECK(ksn[9] == 4);
    paycore_dukpt_originator_free(r);
    r = NULL;
    /* Next is counter 5: 4 is skipped for good. */
    CHECK_RC(paycore_dukpt_originator_next(o, dev, persist_cb, &st, ksn, sizeof ksn, &ksn_len,
                                           &tx),
             PAYCORE_RESULT_OK);
    CHECK(ksn[9] == 5);
    to_hex(ksn, ksn_len, ksn_hex);
    CHECK(tdes_tx_matches(json, tx, ksn_hex));
    paycore_dukpt_tx_free(tx);
    tx = NULL;

    /* Restart from the stored blob: continues at 6 and matches A.4. */
    CHECK_RC(paycore_dukpt_originator_restore(dev, st.blob, st.len, 0, &r), PAYCORE_RESULT_OK);
    CHECK_RC(paycore_dukpt_originator_flavour(r, &flavour), PAYCORE_RESULT_OK);
    CHECK(flavour == PAYCORE_DUKPT_FLAVOUR_TDES);
    for (i = 6; i <= 8; i++) {
        CHECK_RC(paycore_dukpt_originator_next(r, dev, persist_cb, &st, ksn, sizeof ksn,
                                               &ksn_len, &tx),
                 PAYCORE_RESULT_OK);
        CHECK(ksn[9] == i);
        to_hex(ksn, ksn_len, ksn_hex);
        CHECK(tdes_tx_matches(json, tx, ksn_hex));
        /* The transaction handle reports the same KSN. */
        CHECK_RC(paycore_dukpt_tx_ksn(tx, before, sizeof before, &before_len),
                 PAYCORE_RESULT_OK);
        CHECK(before_len == 10 && memcmp(before, ksn, 10) == 0);
        paycore_dukpt_tx_free(tx);
        tx = NULL;
    }

    /* Restore rejections: tampered blob, other device key, wrong length. */
    {
        paycore_key *other = make_key(PAYCORE_ALGORITHM_AES128,
                                      "0F0E0D0C0B0A09080706050403020100", "D0", 'B', 'N');
        paycore_dukpt_originator *x = NULL;
        st.blob[40] ^= 1;
        CHECK_RC(paycore_dukpt_originator_restore(dev, st.blob, st.len, 0, &x),
                 PAYCORE_RESULT_VERIFICATION_FAILED);
        st.blob[40] ^= 1;
        CHECK_RC(paycore_dukpt_originator_restore(other, st.blob, st.len, 0, &x),
                 PAYCORE_RESULT_VERIFICATION_FAILED);
        CHECK_RC(paycore_dukpt_originator_restore(dev, st.blob, st.len - 1, 0, &x),
                 PAYCORE_RESULT_MALFORMED);
        CHECK_RC(paycore_dukpt_originator_restore(dev, NULL, st.len, 0, &x),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_dukpt_originator_restore(NULL, st.blob, st.len, 0, &x),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_dukpt_originator_restore(dev, st.blob, st.len, 0, NULL),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK(x == NULL);
        paycore_key_free(other);
    }

    /* Working-key getter rejections. */
    CHECK_RC(paycore_dukpt_originator_next(r, dev, persist_cb, &st, ksn, sizeof ksn, &ksn_len,
                                           &tx),
             PAYCORE_RESULT_OK);
    {
        paycore_key *k = NULL;
        uint8_t mode = 0;
        CHECK_RC(paycore_dukpt_tx_working_key(tx, PAYCORE_DUKPT_USAGE_PIN,
                                              PAYCORE_DUKPT_KEY_TYPE_TDES2, &k),
                 PAYCORE_RESULT_OK);
        /* Originator attributes: the terminal's PIN key only encrypts. */
        CHECK_RC(paycore_key_mode_of_use(k, &mode), PAYCORE_RESULT_OK);
        CHECK(mode == 'E');
        paycore_key_free(k);
        k = NULL;
        CHECK_RC(paycore_dukpt_tx_working_key(tx, PAYCORE_DUKPT_USAGE_PIN,
                                              PAYCORE_DUKPT_KEY_TYPE_TDES3, &k),
                 PAYCORE_RESULT_UNSUPPORTED);
        CHECK_RC(paycore_dukpt_tx_working_key(tx, PAYCORE_DUKPT_USAGE_KEY_DERIVATION,
                                              PAYCORE_DUKPT_KEY_TYPE_TDES2, &k),
                 PAYCORE_RESULT_UNSUPPORTED);
        CHECK_RC(paycore_dukpt_tx_working_key(tx, 0, PAYCORE_DUKPT_KEY_TYPE_TDES2, &k),
                 PAYCORE_RESULT_INVALID_ARGUMENT);
        CHECK_RC(paycore_dukpt_tx_working_key(NULL, 1, 1, &k), PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_dukpt_tx_working_key(tx, 1, 1, NULL), PAYCORE_RESULT_NULL_PARAMETER);
        CHECK(k == NULL);
        CHECK_RC(paycore_dukpt_tx_ksn(tx, ksn, 9, &ksn_len), PAYCORE_RESULT_BUFFER_TOO_SMALL);
        CHECK(ksn_len == 10);
        CHECK_RC(paycore_dukpt_tx_ksn(NULL, ksn, 10, &ksn_len), PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_dukpt_tx_ksn(tx, ksn, 10, NULL), PAYCORE_RESULT_NULL_PARAMETER);
    }
    paycore_dukpt_tx_free(tx);
    /* Update Initial Key is AES only. */
    CHECK_RC(paycore_dukpt_originator_update_initial_key(
                 r, ksn, 16, PAYCORE_DUKPT_KEY_TYPE_AES128, ksn, 8, dev, persist_cb, &st),
             PAYCORE_RESULT_UNSUPPORTED);
    CHECK_RC(paycore_dukpt_originator_ksn(NULL, ksn, 10, &ksn_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dukpt_originator_ksn(r, ksn, 10, NULL), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dukpt_originator_ksn(r, ksn, 3, &ksn_len),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(ksn_len == 10);
    CHECK_RC(paycore_dukpt_originator_flavour(NULL, &flavour), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dukpt_originator_flavour(r, NULL), PAYCORE_RESULT_NULL_PARAMETER);

    paycore_dukpt_originator_free(r);
    paycore_dukpt_originator_free(o);
    paycore_dukpt_originator_free(NULL);
    paycore_dukpt_tx_free(NULL);
    paycore_key_free(ipek);
    paycore_key_free(bdk);
    paycore_key_free(dev);
}

/* ------------------------------------------------------------------- AES */

static const struct {
    const char *name;
    uint32_t usage;
    uint32_t type;
} AES_KEYS[] = {
    {"PIN/AES128", PAYCORE_DUKPT_USAGE_PIN, PAYCORE_DUKPT_KEY_TYPE_AES128},
    {"MAC_GEN/AES128", PAYCORE_DUKPT_USAGE_MAC_GENERATE, PAYCORE_DUKPT_KEY_TYPE_AES128},
    {"MAC_VER/AES128", PAYCORE_DUKPT_USAGE_MAC_VERIFY, PAYCORE_DUKPT_KEY_TYPE_AES128},
    {"MAC_BOTH/AES128", PAYCORE_DUKPT_USAGE_MAC_BOTH, PAYCORE_DUKPT_KEY_TYPE_AES128},
    {"DATA_ENC/AES128", PAYCORE_DUKPT_USAGE_DATA_ENCRYPT, PAYCORE_DUKPT_KEY_TYPE_AES128},
    {"DATA_DEC/AES128", PAYCORE_DUKPT_USAGE_DATA_DECRYPT, PAYCORE_DUKPT_KEY_TYPE_AES128},
    {"DATA_BOTH/AES128", PAYCORE_DUKPT_USAGE_DATA_BOTH, PAYCORE_DUKPT_KEY_TYPE_AES128},
    {"KEK/AES128", PAYCORE_DUKPT_USAGE_KEK, PAYCORE_DUKPT_KEY_TYPE_AES128},
    {"PIN/2TDEA", PAYCORE_DUKPT_USAGE_PIN, PAYCORE_DUKPT_KEY_TYPE_TDES2},
    {"PIN/3TDEA", PAYCORE_DUKPT_USAGE_PIN, PAYCORE_DUKPT_KEY_TYPE_TDES3},
    {"MAC_GEN/2TDEA", PAYCORE_DUKPT_USAGE_MAC_GENERATE, PAYCORE_DUKPT_KEY_TYPE_TDES2},
    {"MAC_GEN/3TDEA", PAYCORE_DUKPT_USAGE_MAC_GENERATE, PAYCORE_DUKPT_KEY_TYPE_TDES3},
    {"DATA_ENC/2TDEA", PAYCORE_DUKPT_USAGE_DATA_ENCRYPT, PAYCORE_DUKPT_KEY_TYPE_TDES2},
    {"DATA_ENC/3TDEA", PAYCORE_DUKPT_USAGE_DATA_ENCRYPT, PAYCORE_DUKPT_KEY_TYPE_TDES3},
};
#define N_AES_KEYS (sizeof AES_KEYS / sizeof AES_KEYS[0])

static int aes_tx_vector_check(const char *json, const paycore_dukpt_tx *tx);

static void test_aes_host(const char *json, paycore_key *bdk) {
    const char *cur = json, *s, *e;
    char kind[32], id_hex[32], ksn_hex[64], expected[80];
    unsigned char id[8], ksn[16];
    int checked = 0;
    size_t i;
    while (next_vector(json, &cur, &s, &e)) {
        paycore_key *k = NULL;
        if (!field(s, e, "kind", kind, sizeof kind)) continue;
        if (strcmp(kind, "initial_key") == 0) {
            CHECK(field(s, e, "initial_key_id", id_hex, sizeof id_hex));
            CHECK(field(s, e, "initial_key", expected, sizeof expected));
            CHECK(hex_decode(id_hex, id, sizeof id) == 8);
            CHECK_RC(paycore_dukpt_derive_initial_key(bdk, id, 8, &k), PAYCORE_RESULT_OK);
            CHECK(key_is(k, expected));
            paycore_key_free(k);
            checked++;
            continue;
        }
        CHECK(field(s, e, "ksn", ksn_hex, sizeof ksn_hex));
        CHECK(hex_decode(ksn_hex, ksn, sizeof ksn) == 12);
        for (i = 0; i < N_AES_KEYS; i++) {
            /* Only values that appear in the cited transcriptions. */
            if (!list_contains(s, e, "published_fields", AES_KEYS[i].name)) continue;
            CHECK(field(s, e, AES_KEYS[i].name, expected, sizeof expected));
            k = NULL;
            CHECK_RC(paycore_dukpt_derive(bdk, ksn, 12, AES_KEYS[i].usage, AES_KEYS[i].type,
                                          &k),
                     PAYCORE_RESULT_OK);
            CHECK(key_is(k, expected));
            paycore_key_free(k);
            checked++;
        }
        {
            /* The host transaction handle agrees with the published values. */
            paycore_dukpt_tx *htx = NULL;
            CHECK_RC(paycore_dukpt_host_transaction(bdk, ksn, 12, &htx), PAYCORE_RESULT_OK);
            CHECK(aes_tx_vector_check(json, htx) >= 0);
            paycore_dukpt_tx_free(htx);
        }
    }
    CHECK(checked >= 30);
}

/* The originator's transaction `tx` gives, for every published value of
 * the vector with the same KSN, the same key. Returns the count checked,
 * or -1 on a mismatch. */
static int aes_tx_vector_check(const char *json, const paycore_dukpt_tx *tx) {
    const char *cur = json, *s, *e;
    unsigned char ksn[12];
    size_t ksn_len = 0, i;
    char ksn_hex[32], vksn[64], expected[80];
    int n = 0;
    if (paycore_dukpt_tx_ksn(tx, ksn, sizeof ksn, &ksn_len) != PAYCORE_RESULT_OK) return -1;
    to_hex(ksn, ksn_len, ksn_hex);
    while (next_vector(json, &cur, &s, &e)) {
        if (!field(s, e, "ksn", vksn, sizeof vksn) || strcmp(vksn, ksn_hex) != 0) continue;
        for (i = 0; i < N_AES_KEYS; i++) {
            paycore_key *k = NULL;
            if (!list_contains(s, e, "published_fields", AES_KEYS[i].name)) continue;
            if (!field(s, e, AES_KEYS[i].name, expected, sizeof expected)) return -1;
            if (paycore_dukpt_tx_working_key(tx, AES_KEYS[i].usage, AES_KEYS[i].type, &k) !=
                PAYCORE_RESULT_OK)
                return -1;
            if (!key_is(k, expected)) n = -1000;
            paycore_key_free(k);
            n++;
        }
    }
    return n;
}

/* Host derivation from `bdk` agrees with the originator's transaction for
 * every usage and AES-128 / TDES types. */
static int aes_tx_matches_host(const paycore_dukpt_tx *tx, const paycore_key *bdk) {
    unsigned char ksn[12];
    size_t ksn_len = 0, i;
    if (paycore_dukpt_tx_ksn(tx, ksn, sizeof ksn, &ksn_len) != PAYCORE_RESULT_OK) return 0;
    for (i = 0; i < N_AES_KEYS; i++) {
        paycore_key *a = NULL, *b = NULL;
        int ok = paycore_dukpt_tx_working_key(tx, AES_KEYS[i].usage, AES_KEYS[i].type, &a) ==
                     PAYCORE_RESULT_OK &&
                 paycore_dukpt_derive(bdk, ksn, ksn_len, AES_KEYS[i].usage, AES_KEYS[i].type,
                                      &b) == PAYCORE_RESULT_OK &&
                 same_key(a, b);
        paycore_key_free(a);
        paycore_key_free(b);
        if (!ok) return 0;
    }
    return 1;
}

static void test_aes_originator(const char *json, paycore_key *bdk) {
    char id_hex[32];
    unsigned char id[8], ksn[12], buf[64];
    size_t ksn_len = 0, n = 0;
    paycore_key *ik = NULL, *dev = device_key();
    paycore_dukpt_originator *o = NULL, *r = NULL;
    paycore_dukpt_tx *tx = NULL;
    struct store st;
    uint32_t flavour = 0;
    int i, published = 0;

    memset(&st, 0, sizeof st);
    CHECK(field(json, json + strlen(json), "initial_key_id", id_hex, sizeof id_hex));
    CHECK(hex_decode(id_hex, id, sizeof id) == 8);
    CHECK_RC(paycore_dukpt_derive_initial_key(bdk, id, 8, &ik), PAYCORE_RESULT_OK);

    CHECK_RC(paycore_dukpt_originator_load_aes(ik, id, 7, dev, persist_cb, &st, &o),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_dukpt_originator_load_aes(bdk, id, 8, dev, persist_cb, &st, &o),
             PAYCORE_RESULT_KEY_USAGE);
    CHECK_RC(paycore_dukpt_originator_load_aes(ik, id, 8, dev, NULL, &st, &o),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dukpt_originator_load_aes(NULL, id, 8, dev, persist_cb, &st, &o),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dukpt_originator_load_aes(ik, id, 8, dev, persist_cb, &st, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    st.refuse_next = 1;
    CHECK_RC(paycore_dukpt_originator_load_aes(ik, id, 8, dev, persist_cb, &st, &o),
             PAYCORE_RESULT_STATE_NOT_PERSISTED);
    CHECK(o == NULL);
    CHECK_RC(paycore_dukpt_originator_load_aes(ik, id, 8, dev, persist_cb, &st, &o),
             PAYCORE_RESULT_OK);
    CHECK(st.len == PAYCORE_DUKPT_AES_STATE_LEN);
    CHECK_RC(paycore_dukpt_originator_flavour(o, &flavour), PAYCORE_RESULT_OK);
    CHECK(flavour == PAYCORE_DUKPT_FLAVOUR_AES);

    /* Counters 1..8: published supplement values and host derivation. */
    for (i = 1; i <= 8; i++) {
        int c;
        if (i == 4) st.refuse_next = 1; /* the store refuses counter 4 */
        tx = NULL;
        if (i == 4) {
            CHECK_RC(paycore_dukpt_originator_next(o, dev, persist_cb, &st, ksn, sizeof ksn,
                                                   &ksn_len, &tx),
                     PAYCORE_RESULT_STATE_NOT_PERSISTED);
            CHECK(tx == NULL);
            continue;
        }
        CHECK_RC(paycore_dukpt_originator_next(o, dev, persist_cb, &st, ksn, sizeof ksn,
                                               &ksn_len, &tx),
                 PAYCORE_RESULT_OK);
        CHECK(ksn_len == 12 && ksn[11] == i && memcmp(ksn, id, 8) == 0);
        c = aes_tx_vector_check(json, tx);
        CHECK(c >= 3);
        if (c > 0) published += c;
        CHECK(aes_tx_matches_host(tx, bdk));
        paycore_dukpt_tx_free(tx);
    }
    CHECK(published >= 7 * 3);
    CHECK_RC(paycore_dukpt_originator_next(o, dev, persist_cb, &st, ksn, 11, &ksn_len, &tx),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(ksn_len == 12);

    /* Restart from the stored blob: counter 9 next, agrees with the host. */
    CHECK_RC(paycore_dukpt_originator_restore(dev, st.blob, st.len, 0, &r), PAYCORE_RESULT_OK);
    CHECK_RC(paycore_dukpt_originator_flavour(r, &flavour), PAYCORE_RESULT_OK);
    CHECK(flavour == PAYCORE_DUKPT_FLAVOUR_AES);
    tx = NULL;
    CHECK_RC(paycore_dukpt_originator_next(r, dev, persist_cb, &st, ksn, sizeof ksn, &ksn_len,
                                           &tx),
             PAYCORE_RESULT_OK);
    CHECK(ksn[11] == 9);
    CHECK(aes_tx_matches_host(tx, bdk));
    paycore_dukpt_tx_free(tx);
    st.blob[100] ^= 0x80;
    {
        paycore_dukpt_originator *x = NULL;
        CHECK_RC(paycore_dukpt_originator_restore(dev, st.blob, st.len, 0, &x),
                 PAYCORE_RESULT_VERIFICATION_FAILED);
        CHECK(x == NULL);
    }
    st.blob[100] ^= 0x80;

    /* Update Initial Key (X9.24-3-2017 B.6.3): the host sends a new initial
     * key under the KEK of the originator's next counter; afterwards the
     * originator agrees with host derivation from the new BDK. */
    {
        static const unsigned char new_id[8] = {0xAB, 0xCD, 0xEF, 0x01, 0x23, 0x45, 0x67, 0x89};
        paycore_key *bdk2 = make_key(PAYCORE_ALGORITHM_AES128,
                                     "00112233445566778899AABBCCDDEEFF", "B0", 'X', 'E');
        paycore_key *ik2 = NULL;
        unsigned char next[12];
        size_t next_len = 0;
        CHECK_RC(paycore_dukpt_derive_initial_key(bdk2, new_id, 8, &ik2), PAYCORE_RESULT_OK);
        CHECK_RC(paycore_dukpt_originator_ksn(r, next, sizeof next, &next_len),
                 PAYCORE_RESULT_OK);
        CHECK(next_len == 12 && next[11] == 10);
        CHECK_RC(paycore_dukpt_wrap_initial_key_update(bdk, next, 12, ik2, buf, 15, &n),
                 PAYCORE_RESULT_BUFFER_TOO_SMALL);
        CHECK(n == 16);
        CHECK_RC(paycore_dukpt_wrap_initial_key_update(bdk, next, 12, ik2, buf, sizeof buf, &n),
                 PAYCORE_RESULT_OK);
        CHECK(n == 16);
        CHECK_RC(paycore_dukpt_wrap_initial_key_update(bdk, next, 12, bdk2, buf + 32, 32, &n),
                 PAYCORE_RESULT_KEY_USAGE);
        CHECK_RC(paycore_dukpt_wrap_initial_key_update(NULL, next, 12, ik2, buf + 32, 32, &n),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_dukpt_wrap_initial_key_update(bdk, next, 10, ik2, buf + 32, 32, &n),
                 PAYCORE_RESULT_INVALID_ARGUMENT);
        CHECK_RC(paycore_dukpt_wrap_initial_key_update(bdk, next, 12, NULL, buf + 32, 32, &n),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_dukpt_wrap_initial_key_update(bdk, NULL, 12, ik2, buf + 32, 32, &n),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_dukpt_wrap_initial_key_update(bdk, next, 12, ik2, buf + 32, 32, NULL),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_dukpt_wrap_initial_key_update(bdk, next, 12, ik2, NULL, 32, &n),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_dukpt_originator_update_initial_key(
                     r, buf, 15, PAYCORE_DUKPT_KEY_TYPE_AES128, new_id, 8, dev, persist_cb, &st),
                 PAYCORE_RESULT_INVALID_KEY);
        CHECK_RC(paycore_dukpt_originator_update_initial_key(
                     r, buf, 16, PAYCORE_DUKPT_KEY_TYPE_TDES2, new_id, 8, dev, persist_cb, &st),
                 PAYCORE_RESULT_INVALID_KEY);
        CHECK_RC(paycore_dukpt_originator_update_initial_key(
                     r, buf, 16, PAYCORE_DUKPT_KEY_TYPE_AES128, new_id, 7, dev, persist_cb, &st),
                 PAYCORE_RESULT_INVALID_ARGUMENT);
        CHECK_RC(paycore_dukpt_originator_update_initial_key(
                     NULL, buf, 16, PAYCORE_DUKPT_KEY_TYPE_AES128, new_id, 8, dev, persist_cb,
                     &st),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_dukpt_originator_update_initial_key(
                     r, buf, 16, PAYCORE_DUKPT_KEY_TYPE_AES128, new_id, 8, dev, NULL, &st),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_dukpt_originator_update_initial_key(
                     r, buf, 16, PAYCORE_DUKPT_KEY_TYPE_AES128, new_id, 8, dev, persist_cb, &st),
                 PAYCORE_RESULT_OK);
        tx = NULL;
        CHECK_RC(paycore_dukpt_originator_next(r, dev, persist_cb, &st, ksn, sizeof ksn,
                                               &ksn_len, &tx),
                 PAYCORE_RESULT_OK);
        CHECK(memcmp(ksn, new_id, 8) == 0 && ksn[11] == 1);
        CHECK(aes_tx_matches_host(tx, bdk2));
        CHECK(!aes_tx_matches_host(tx, bdk));
        paycore_dukpt_tx_free(tx);
        paycore_key_free(ik2);
        paycore_key_free(bdk2);
    }

    /* AES-specific host rejections. */
    {
        paycore_key *k = NULL;
        CHECK(hex_decode("123456789012345600000001", ksn, sizeof ksn) == 12);
        /* From the initial key instead of the BDK: X9.24-3 supplement,
         * counter 1, PIN/AES128 (published, see the vector file). */
        CHECK_RC(paycore_dukpt_derive_from_initial_key(ik, ksn, 12, PAYCORE_DUKPT_USAGE_PIN,
                                                       PAYCORE_DUKPT_KEY_TYPE_AES128, &k),
                 PAYCORE_RESULT_OK);
        {
            const char *cur = json, *s, *e;
            char v[64], expected[64];
            int found = 0;
            while (next_vector(json, &cur, &s, &e))
                if (field(s, e, "ksn", v, sizeof v) && strcmp(v, "123456789012345600000001") == 0 &&
                    field(s, e, "PIN/AES128", expected, sizeof expected)) {
                    CHECK(key_is(k, expected));
                    found = 1;
                }
            CHECK(found);
        }
        paycore_key_free(k);
        k = NULL;
        CHECK_RC(paycore_dukpt_derive_from_initial_key(ik, ksn, 12, PAYCORE_DUKPT_USAGE_PIN,
                                                       PAYCORE_DUKPT_KEY_TYPE_AES256, &k),
                 PAYCORE_RESULT_UNSUPPORTED);
        /* An AES-256 working key from an AES-128 BDK is stronger: refused. */
        CHECK_RC(paycore_dukpt_derive(bdk, ksn, 12, PAYCORE_DUKPT_USAGE_PIN,
                                      PAYCORE_DUKPT_KEY_TYPE_AES256, &k),
                 PAYCORE_RESULT_UNSUPPORTED);
        /* A TDES KSN with an AES BDK. */
        CHECK_RC(paycore_dukpt_derive(bdk, ksn, 10, PAYCORE_DUKPT_USAGE_PIN,
                                      PAYCORE_DUKPT_KEY_TYPE_TDES2, &k),
                 PAYCORE_RESULT_INVALID_KEY);
        CHECK_RC(paycore_dukpt_derive_initial_key(bdk, id, 9, &k),
                 PAYCORE_RESULT_INVALID_ARGUMENT);
        CHECK_RC(paycore_dukpt_derive_initial_key(NULL, id, 8, &k),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_dukpt_derive_initial_key(bdk, id, 8, NULL),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_dukpt_derive_initial_key(ik, id, 8, &k), PAYCORE_RESULT_KEY_USAGE);
        CHECK(k == NULL);
    }

    paycore_dukpt_originator_free(r);
    paycore_dukpt_originator_free(o);
    paycore_key_free(ik);
    paycore_key_free(dev);
}

/* ---- Issue 11.1: state-sealing isolation and rollback ---- */

/* The next counter of an AES originator (last 4 KSN bytes). */
static uint32_t aes_next_counter(const paycore_dukpt_originator *o) {
    unsigned char k[12];
    size_t n = 0;
    CHECK_RC(paycore_dukpt_originator_ksn(o, k, sizeof k, &n), PAYCORE_RESULT_OK);
    CHECK(n == 12);
    return ((uint32_t)k[8] << 24) | ((uint32_t)k[9] << 16) | ((uint32_t)k[10] << 8) | k[11];
}

/* The reproduction of issue 11.1 through the C ABI: load an AES originator
 * from an N initial key, open the persisted blob with paycore_aead_open
 * (nonce blob+8, AAD the 8-byte header, sealed blob+20), flip the
 * exportability byte to 'E', re-seal with paycore_aead_seal, restore, next,
 * derive the PIN key and try to export it. The AEAD API must not open the
 * blob, and the PIN key must never be exported. Then storage rollback. */
static void test_aes_state_isolation(const char *bdk_hex, const unsigned char id[8]) {
    paycore_key *bdk_n = make_key(PAYCORE_ALGORITHM_AES128, bdk_hex, "B0", 'X', 'N');
    paycore_key *dev = device_key(), *ik = NULL, *pin = NULL;
    paycore_key *dev_e = make_key(PAYCORE_ALGORITHM_AES128, "000102030405060708090A0B0C0D0E0F",
                                  "D0", 'B', 'E');
    paycore_dukpt_originator *o = NULL, *r = NULL;
    paycore_dukpt_tx *tx = NULL;
    static struct store st, old;
    static unsigned char plain[2048], forged[2048];
    unsigned char ksn[12], clear[32];
    size_t ksn_len = 0, n = 0, m = 0;
    uint32_t recorded;
    int i, rc;

    memset(&st, 0, sizeof st);
    CHECK_RC(paycore_dukpt_derive_initial_key(bdk_n, id, 8, &ik), PAYCORE_RESULT_OK);
    /* N registers are never sealed under an exportable device key. */
    CHECK_RC(paycore_dukpt_originator_load_aes(ik, id, 8, dev_e, persist_cb, &st, &o),
             PAYCORE_RESULT_KEY_USAGE);
    CHECK(o == NULL && st.calls == 0);
    CHECK_RC(paycore_dukpt_originator_load_aes(ik, id, 8, dev, persist_cb, &st, &o),
             PAYCORE_RESULT_OK);
    CHECK_RC(paycore_dukpt_originator_next(o, dev, persist_cb, &st, ksn, sizeof ksn, &ksn_len,
                                           &tx),
             PAYCORE_RESULT_OK);
    paycore_dukpt_tx_free(tx);
    tx = NULL;
    CHECK(st.len == PAYCORE_DUKPT_AES_STATE_LEN);
    CHECK(memcmp(st.blob, "PCDK", 4) == 0 && st.blob[4] == 3 && st.blob[6] == 'N');

    /* Step 1: open the blob with the device key through the AEAD API. */
    memset(plain, 0xEE, sizeof plain);
    rc = (int)paycore_aead_open(dev, st.blob + 8, st.blob, 8, st.blob + 20, st.len - 20, plain,
                                sizeof plain, &n);
    CHECK_RC((paycore_result)rc, PAYCORE_RESULT_VERIFICATION_FAILED);
    CHECK(all_zero(plain, st.len - 20 - PAYCORE_AEAD_TAG_LEN));
    if (rc == PAYCORE_RESULT_OK) {
        /* Steps 2-4 (only reachable if step 1 was not refused). */
        memcpy(forged, st.blob, 20);
        forged[6] = 'E';
        CHECK_RC(paycore_aead_seal(dev, forged + 8, forged, 8, plain, n, forged + 20,
                                   sizeof forged - 20, &m),
                 PAYCORE_RESULT_OK);
        CHECK_RC(paycore_dukpt_originator_restore(dev, forged, 20 + m, 0, &r),
                 PAYCORE_RESULT_OK);
        CHECK_RC(paycore_dukpt_originator_next(r, dev, persist_cb, &st, ksn, sizeof ksn,
                                               &ksn_len, &tx),
                 PAYCORE_RESULT_OK);
        CHECK_RC(paycore_dukpt_tx_working_key(tx, PAYCORE_DUKPT_USAGE_PIN,
                                              PAYCORE_DUKPT_KEY_TYPE_AES128, &pin),
                 PAYCORE_RESULT_OK);
        CHECK(paycore_key_export(pin, clear, sizeof clear, &m) != PAYCORE_RESULT_OK);
        paycore_key_free(pin);
        paycore_dukpt_tx_free(tx);
        paycore_dukpt_originator_free(r);
        r = NULL;
        tx = NULL;
        memset(clear, 0, sizeof clear);
        memset(plain, 0, sizeof plain);
    }
    /* Re-sealing under the device key (a forged blob) is never accepted. */
    memcpy(forged, st.blob, st.len);
    forged[6] = 'E';
    CHECK_RC(paycore_aead_seal(dev, forged + 8, forged, 8, forged + 20, st.len - 36, plain,
                               sizeof plain, &m),
             PAYCORE_RESULT_OK);
    memcpy(forged + 20, plain, m);
    CHECK_RC(paycore_dukpt_originator_restore(dev, forged, st.len, 0, &r),
             PAYCORE_RESULT_VERIFICATION_FAILED);
    CHECK(r == NULL);
    /* The genuine blob: the PIN key stays non-exportable after a restart. */
    CHECK_RC(paycore_dukpt_originator_restore(dev, st.blob, st.len, 0, &r), PAYCORE_RESULT_OK);
    CHECK_RC(paycore_dukpt_originator_next(r, dev, persist_cb, &st, ksn, sizeof ksn, &ksn_len,
                                           &tx),
             PAYCORE_RESULT_OK);
    CHECK_RC(paycore_dukpt_tx_working_key(tx, PAYCORE_DUKPT_USAGE_PIN,
                                          PAYCORE_DUKPT_KEY_TYPE_AES128, &pin),
             PAYCORE_RESULT_OK);
    memset(clear, 0xEE, sizeof clear);
    CHECK_RC(paycore_key_export(pin, clear, sizeof clear, &m), PAYCORE_RESULT_KEY_USAGE);
    paycore_key_free(pin);
    paycore_dukpt_tx_free(tx);
    paycore_dukpt_originator_free(r);
    r = NULL;
    /* The N blob does not open under an exportable twin of the device key;
     * an older blob version is refused. */
    CHECK_RC(paycore_dukpt_originator_restore(dev_e, st.blob, st.len, 0, &r),
             PAYCORE_RESULT_KEY_USAGE);
    st.blob[4] = 2;
    CHECK_RC(paycore_dukpt_originator_restore(dev, st.blob, st.len, 0, &r),
             PAYCORE_RESULT_MALFORMED);
    st.blob[4] = 3;
    CHECK(r == NULL);

    /* Rollback: keep an old genuine blob, move on, record the counter. */
    old = st;
    for (i = 0; i < 4; i++) {
        tx = NULL;
        CHECK_RC(paycore_dukpt_originator_next(o, dev, persist_cb, &st, ksn, sizeof ksn,
                                               &ksn_len, &tx),
                 PAYCORE_RESULT_OK);
        paycore_dukpt_tx_free(tx);
    }
    recorded = aes_next_counter(o);
    CHECK(recorded == 6);
    CHECK_RC(paycore_dukpt_originator_restore(dev, old.blob, old.len, recorded, &r),
             PAYCORE_RESULT_STATE_ROLLED_BACK);
    CHECK(r == NULL);
    CHECK(strcmp(paycore_result_str(PAYCORE_RESULT_STATE_ROLLED_BACK), "unknown result code") !=
          0);
    CHECK_RC(paycore_dukpt_originator_restore(dev, st.blob, st.len, recorded + 1, &r),
             PAYCORE_RESULT_STATE_ROLLED_BACK);
    CHECK_RC(paycore_dukpt_originator_restore(dev, st.blob, st.len, recorded, &r),
             PAYCORE_RESULT_OK);
    CHECK(aes_next_counter(r) == recorded);
    paycore_dukpt_originator_free(r);

    paycore_dukpt_originator_free(o);
    paycore_key_free(ik);
    paycore_key_free(dev_e);
    paycore_key_free(dev);
    paycore_key_free(bdk_n);
}

int main(void) {
    char *tdes = read_file(TDES_FILE);
    char *aes = read_file(AES_FILE);
    char bdk_hex[80];
    paycore_key *bdk;
    CHECK(tdes != NULL && aes != NULL);
    if (!tdes || !aes) return test_report("test_dukpt");
    test_tdes_host(tdes);
    test_tdes_originator(tdes);
    CHECK(field(aes, aes + strlen(aes), "bdk_aes128", bdk_hex, sizeof bdk_hex));
    bdk = make_key(PAYCORE_ALGORITHM_AES128, bdk_hex, "B0", 'X', 'E');
    test_aes_host(aes, bdk);
    test_aes_originator(aes, bdk);
    {
        char id_hex[32];
        unsigned char id[8];
        CHECK(field(aes, aes + strlen(aes), "initial_key_id", id_hex, sizeof id_hex));
        CHECK(hex_decode(id_hex, id, sizeof id) == 8);
        test_aes_state_isolation(bdk_hex, id);
    }
    paycore_key_free(bdk);
    free(tdes);
    free(aes);
    return test_report("test_dukpt");
}
