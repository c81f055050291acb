/* EMV application cryptography through the C ABI: the shared vectors of
 * tests/vectors/emv_cryptogram.json (pyemv commit cf6b82d, each vector
 * names its file and test): ICC master keys (options A/B), session keys,
 * ARQC with padding 1 and 2, ARPC methods 1 and 2, the one-call host check
 * for Visa CVN 10/18/22 and Mastercard CVN 16/17/20/21, issuer-script MAC
 * and encipherment, CDOL1 data; rejections (flipped ARQC bit, changed
 * amount, wrong ATC, wrong key usage) and NULL / short-buffer paths. */
#include "paycore.h"
#include "test_util.h"

#define VECTORS "tests/vectors/emv_cryptogram.json"

static paycore_key *make_key(const char *hex, const char *usage, uint8_t mode) {
    unsigned char m[32];
    paycore_key *key = NULL;
    int n = hex_decode(hex, m, sizeof m);
    CHECK(n == 16);
    CHECK_RC(paycore_key_new(PAYCORE_ALGORITHM_TDES2, m, (size_t)n, (const uint8_t *)usage,
                             mode, 'E', &key),
             PAYCORE_RESULT_OK);
    return key;
}

/* Compares a key with the vector's full value and/or 2-byte KCV fields. */
static void check_key(const paycore_key *key, const char *start, const char *end,
                      const char *full_name, const char *kcv_name, const char *id) {
    char want[80];
    unsigned char buf[32];
    size_t len = 0;
    if (field(start, end, full_name, want, sizeof want)) {
        CHECK_RC(paycore_key_export(key, buf, sizeof buf, &len), PAYCORE_RESULT_OK);
        if (!bytes_eq_hex(buf, len, want)) {
            fprintf(stderr, "%s: key mismatch\n", id);
            CHECK(0);
        }
    }
    if (field(start, end, kcv_name, want, sizeof want)) {
        CHECK_RC(paycore_key_kcv(key, PAYCORE_KCV_LEGACY, 3, buf, sizeof buf, &len),
                 PAYCORE_RESULT_OK);
        if (!bytes_eq_hex(buf, 2, want)) {
            fprintf(stderr, "%s: kcv mismatch\n", id);
            CHECK(0);
        }
    }
}

static uint8_t psn_of(const char *start, const char *end) {
    char s[16];
    if (!field(start, end, "psn", s, sizeof s) || strcmp(s, "null") == 0) return 0;
    return (uint8_t)atoi(s);
}

static uint32_t option_of(const char *start, const char *end) {
    char s[8];
    CHECK(field(start, end, "option", s, sizeof s));
    return s[0] == 'b' ? PAYCORE_EMV_OPTION_B : PAYCORE_EMV_OPTION_A;
}

static uint32_t cvn_code(const char *s) {
    if (strcmp(s, "visa10") == 0) return PAYCORE_EMV_CVN_VISA_10;
    if (strcmp(s, "visa18") == 0) return PAYCORE_EMV_CVN_VISA_18;
    if (strcmp(s, "visa22") == 0) return PAYCORE_EMV_CVN_VISA_22;
    if (strcmp(s, "mastercard16") == 0) return PAYCORE_EMV_CVN_MASTERCARD_16;
    if (strcmp(s, "mastercard17") == 0) return PAYCORE_EMV_CVN_MASTERCARD_17;
    if (strcmp(s, "mastercard20") == 0) return PAYCORE_EMV_CVN_MASTERCARD_20;
    return PAYCORE_EMV_CVN_MASTERCARD_21;
}

static uint32_t script_code(const char *s) {
    if (strcmp(s, "visa") == 0) return PAYCORE_EMV_SCRIPT_VISA;
    if (strcmp(s, "mastercard") == 0) return PAYCORE_EMV_SCRIPT_MASTERCARD;
    return PAYCORE_EMV_SCRIPT_EMV;
}

static int ran[10];

static void icc_master_key(const char *s, const char *e, const char *id) {
    char imk[40], pan[24];
    paycore_key *k, *mk = NULL;
    CHECK(field(s, e, "imk", imk, sizeof imk) && field(s, e, "pan", pan, sizeof pan));
    k = make_key(imk, "E0", 'X');
    CHECK_RC(paycore_emv_icc_master_key(k, (const uint8_t *)pan, strlen(pan), psn_of(s, e),
                                        option_of(s, e), &mk),
             PAYCORE_RESULT_OK);
    if (mk) check_key(mk, s, e, "key", "kcv", id);
    paycore_key_free(mk);
    paycore_key_free(k);
    ran[0]++;
}

static void chain(const char *s, const char *e, const char *id) {
    char imk[40], pan[24], r_hex[20], data_hex[256], ac_hex[20], pad_s[4], method[4],
        which[16], x[40], arpc_hex[20];
    unsigned char r[8], data[128], ac[8], got[16], a[8], b[16];
    size_t len = 0;
    int data_len, na, nb = 0;
    uint32_t pad;
    paycore_key *k, *mk = NULL, *sk = NULL;
    CHECK(field(s, e, "imk", imk, sizeof imk) && field(s, e, "pan", pan, sizeof pan));
    CHECK(field(s, e, "r", r_hex, sizeof r_hex) && field(s, e, "data", data_hex, sizeof data_hex));
    CHECK(field(s, e, "ac", ac_hex, sizeof ac_hex) && field(s, e, "padding", pad_s, sizeof pad_s));
    CHECK(field(s, e, "arpc_method", method, sizeof method));
    CHECK(field(s, e, "arpc_key", which, sizeof which));
    CHECK(field(s, e, "arpc", arpc_hex, sizeof arpc_hex));
    hex_decode(r_hex, r, sizeof r);
    hex_decode(ac_hex, ac, sizeof ac);
    data_len = hex_decode(data_hex, data, sizeof data);
    pad = (uint32_t)atoi(pad_s);
    k = make_key(imk, "E0", 'X');
    CHECK_RC(paycore_emv_icc_master_key(k, (const uint8_t *)pan, strlen(pan), psn_of(s, e),
                                        option_of(s, e), &mk),
             PAYCORE_RESULT_OK);
    CHECK_RC(paycore_emv_session_key(mk, r, 8, &sk), PAYCORE_RESULT_OK);
    if (!mk || !sk) goto done;
    check_key(mk, s, e, "-", "icc_mk_kcv", id);
    check_key(sk, s, e, "-", "sk_kcv", id);
    CHECK_RC(paycore_emv_ac_generate(sk, data, (size_t)data_len, pad, got, sizeof got, &len),
             PAYCORE_RESULT_OK);
    CHECK(len == 8 && memcmp(got, ac, 8) == 0);
    CHECK_RC(paycore_emv_ac_verify(sk, data, (size_t)data_len, pad, ac, 8), PAYCORE_RESULT_OK);
    ac[7] ^= 0x01;
    CHECK_RC(paycore_emv_ac_verify(sk, data, (size_t)data_len, pad, ac, 8),
             PAYCORE_RESULT_VERIFICATION_FAILED);
    ac[7] ^= 0x01;
    if (method[0] == '1') {
        CHECK(field(s, e, "arc", x, sizeof x));
        na = hex_decode(x, a, sizeof a);
        CHECK_RC(paycore_emv_arpc_method1(strcmp(which, "icc_mk") == 0 ? mk : sk, ac, 8, a,
                                          (size_t)na, got, sizeof got, &len),
                 PAYCORE_RESULT_OK);
    } else {
        CHECK(field(s, e, "csu", x, sizeof x));
        na = hex_decode(x, a, sizeof a);
        if (field(s, e, "proprietary", x, sizeof x)) nb = hex_decode(x, b, sizeof b);
        CHECK_RC(paycore_emv_arpc_method2(sk, ac, 8, a, (size_t)na, nb ? b : NULL, (size_t)nb,
                                          got, sizeof got, &len),
                 PAYCORE_RESULT_OK);
    }
    if (!bytes_eq_hex(got, len, arpc_hex)) {
        fprintf(stderr, "%s: arpc mismatch\n", id);
        CHECK(0);
    }
    /* The card side accepts it, and refuses it with one bit flipped. */
    {
        const paycore_key *ck = strcmp(which, "icc_mk") == 0 ? mk : sk;
        int bit;
        for (bit = 0; bit < 2; bit++) {
            paycore_result want_rc = bit ? PAYCORE_RESULT_VERIFICATION_FAILED : PAYCORE_RESULT_OK;
            if (bit) got[0] ^= 0x01;
            if (method[0] == '1')
                CHECK_RC(paycore_emv_arpc_verify_method1(ck, ac, 8, a, (size_t)na, got, len),
                         want_rc);
            else
                CHECK_RC(paycore_emv_arpc_verify_method2(ck, ac, 8, a, (size_t)na, nb ? b : NULL,
                                                         (size_t)nb, got, len),
                         want_rc);
        }
    }
    ran[1]++;
done:
    paycore_key_free(sk);
    paycore_key_free(mk);
    paycore_key_free(k);
}

static void cvn(const char *s, const char *e, const char *id) {
    char imk[40], pan[24], name[16], x[256], method[4], arpc_hex[20];
    unsigned char atc[2], un[4], data[128], arqc[8], resp[16], got[16], bad[128];
    size_t len = 0, resp_len = 0;
    int data_len, n;
    uint32_t c;
    paycore_key *k, *wrong;
    CHECK(field(s, e, "imk", imk, sizeof imk) && field(s, e, "pan", pan, sizeof pan));
    CHECK(field(s, e, "cvn", name, sizeof name));
    CHECK(field(s, e, "atc", x, sizeof x) && hex_decode(x, atc, 2) == 2);
    CHECK(field(s, e, "un", x, sizeof x) && hex_decode(x, un, 4) == 4);
    CHECK(field(s, e, "arqc", x, sizeof x) && hex_decode(x, arqc, 8) == 8);
    CHECK(field(s, e, "data", x, sizeof x));
    data_len = hex_decode(x, data, sizeof data);
    CHECK(field(s, e, "arpc_method", method, sizeof method));
    CHECK(field(s, e, "arpc", arpc_hex, sizeof arpc_hex));
    if (method[0] == '1') {
        CHECK(field(s, e, "arc", x, sizeof x));
        resp_len = (size_t)hex_decode(x, resp, sizeof resp);
    } else {
        CHECK(field(s, e, "csu", x, sizeof x));
        n = hex_decode(x, resp, sizeof resp);
        resp_len = (size_t)n;
        if (field(s, e, "proprietary", x, sizeof x))
            resp_len += (size_t)hex_decode(x, resp + n, sizeof resp - (size_t)n);
    }
    c = cvn_code(name);
    k = make_key(imk, "E0", 'X');
#define VERIFY(key_, data_, arqc_, atc_, psn_)                                               \
    paycore_emv_verify_arqc(key_, c, (const uint8_t *)pan, strlen(pan), psn_, atc_, un, data_, \
                            (size_t)data_len, arqc_, 8, resp, resp_len, got, sizeof got, &len)
    CHECK_RC(VERIFY(k, data, arqc, atc, psn_of(s, e)), PAYCORE_RESULT_OK);
    if (!bytes_eq_hex(got, len, arpc_hex)) {
        fprintf(stderr, "%s: arpc mismatch\n", id);
        CHECK(0);
    }
    /* Rejections: a flipped ARQC bit, a changed amount, the wrong ATC (for
     * CVN 10 the ATC inside the data), another PSN, keys of other usages. */
    memcpy(bad, arqc, 8);
    bad[3] ^= 0x10;
    CHECK_RC(VERIFY(k, data, bad, atc, psn_of(s, e)), PAYCORE_RESULT_VERIFICATION_FAILED);
    memcpy(bad, data, (size_t)data_len);
    bad[5] ^= 0x01;
    CHECK_RC(VERIFY(k, bad, arqc, atc, psn_of(s, e)), PAYCORE_RESULT_VERIFICATION_FAILED);
    if (c == PAYCORE_EMV_CVN_VISA_10) {
        memcpy(bad, data, (size_t)data_len);
        bad[data_len - 5] ^= 0x01;
        CHECK_RC(VERIFY(k, bad, arqc, atc, psn_of(s, e)), PAYCORE_RESULT_VERIFICATION_FAILED);
    } else {
        unsigned char atc2[2];
        atc2[0] = atc[0];
        atc2[1] = (unsigned char)(atc[1] ^ 1);
        CHECK_RC(VERIFY(k, data, arqc, atc2, psn_of(s, e)), PAYCORE_RESULT_VERIFICATION_FAILED);
    }
    CHECK_RC(VERIFY(k, data, arqc, atc, 1), PAYCORE_RESULT_VERIFICATION_FAILED);
    wrong = make_key(imk, "M3", 'N');
    CHECK_RC(VERIFY(wrong, data, arqc, atc, psn_of(s, e)), PAYCORE_RESULT_KEY_USAGE);
    paycore_key_free(wrong);
    wrong = make_key(imk, "E2", 'X');
    CHECK_RC(VERIFY(wrong, data, arqc, atc, psn_of(s, e)), PAYCORE_RESULT_KEY_USAGE);
    paycore_key_free(wrong);
    /* Short output: the size needed, nothing else. */
    CHECK_RC(paycore_emv_verify_arqc(k, c, (const uint8_t *)pan, strlen(pan), psn_of(s, e), atc,
                                     un, data, (size_t)data_len, arqc, 8, resp, resp_len, got, 2,
                                     &len),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(len == (method[0] == '1' ? 8u : 4u));
    CHECK_RC(paycore_emv_verify_arqc(k, c, (const uint8_t *)pan, strlen(pan), 0, NULL, un, data,
                                     (size_t)data_len, arqc, 8, resp, resp_len, got, sizeof got,
                                     &len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_emv_verify_arqc(k, 999, (const uint8_t *)pan, strlen(pan), 0, atc, un, data,
                                     (size_t)data_len, arqc, 8, resp, resp_len, got, sizeof got,
                                     &len),
             PAYCORE_RESULT_INVALID_ARGUMENT);
#undef VERIFY
    paycore_key_free(k);
    ran[2]++;
}

static void script_vectors(const char *s, const char *e, const char *kind) {
    char key_hex[40], data_hex[80], want_hex[80], m[16];
    unsigned char data[40], got[64];
    size_t len = 0;
    int n;
    paycore_key *k;
    CHECK(field(s, e, "key", key_hex, sizeof key_hex));
    CHECK(field(s, e, "data", data_hex, sizeof data_hex));
    n = hex_decode(data_hex, data, sizeof data);
    if (strcmp(kind, "script_mac") == 0) {
        CHECK(field(s, e, "mac", want_hex, sizeof want_hex));
        k = make_key(key_hex, "E2", 'C');
        CHECK_RC(paycore_emv_script_mac(k, data, (size_t)n, 8, got, sizeof got, &len),
                 PAYCORE_RESULT_OK);
        CHECK(bytes_eq_hex(got, len, want_hex));
        CHECK_RC(paycore_emv_script_mac(k, data, (size_t)n, 9, got, sizeof got, &len),
                 PAYCORE_RESULT_INVALID_ARGUMENT);
        paycore_key_free(k);
        k = make_key(key_hex, "E0", 'C');
        CHECK_RC(paycore_emv_script_mac(k, data, (size_t)n, 8, got, sizeof got, &len),
                 PAYCORE_RESULT_KEY_USAGE);
        ran[3]++;
    } else {
        CHECK(field(s, e, "out", want_hex, sizeof want_hex));
        CHECK(field(s, e, "method", m, sizeof m));
        k = make_key(key_hex, "E1", 'B');
        CHECK_RC(paycore_emv_encipher_command_data(k, data, (size_t)n, script_code(m), got,
                                                   sizeof got, &len),
                 PAYCORE_RESULT_OK);
        CHECK(bytes_eq_hex(got, len, want_hex));
        CHECK_RC(paycore_emv_encipher_command_data(k, data, (size_t)n, script_code(m), got, 3,
                                                   &len),
                 PAYCORE_RESULT_BUFFER_TOO_SMALL);
        CHECK(len == strlen(want_hex) / 2);
        ran[4]++;
    }
    paycore_key_free(k);
}

/* Issuer scripts of the CVN tests: the SM session keys derived through the C
 * ABI (Visa SM key from the ATC, or the common session key with R = ARQC),
 * the command MAC over header || ATC || ARQC, and for the ISO 9564-1
 * format 2 PIN changes the enciphered block and the MAC of the command. */
static void issuer_script(const char *s, const char *e, const char *id) {
    char x[160], sm[16], block_kind[8], method[16];
    unsigned char atc[2], arqc[8], header[5], cmd[64], buf[96], got[64];
    size_t len = 0, enc_len = 0;
    int cmd_len;
    paycore_key *keys[2] = {NULL, NULL};
    const char *imk_field[2] = {"imk_smi", "imk_smc"};
    const char *usage[2] = {"E2", "E1"};
    int i;
    CHECK(field(s, e, "atc", x, sizeof x) && hex_decode(x, atc, 2) == 2);
    CHECK(field(s, e, "arqc", x, sizeof x) && hex_decode(x, arqc, 8) == 8);
    CHECK(field(s, e, "header", x, sizeof x) && hex_decode(x, header, 5) == 5);
    CHECK(field(s, e, "sm_key", sm, sizeof sm));
    for (i = 0; i < 2; i++) {
        char imk[40], pan[24];
        paycore_key *k, *mk = NULL;
        CHECK(field(s, e, imk_field[i], imk, sizeof imk) && field(s, e, "pan", pan, sizeof pan));
        k = make_key(imk, usage[i], 'X');
        CHECK_RC(paycore_emv_icc_master_key(k, (const uint8_t *)pan, strlen(pan), psn_of(s, e),
                                            option_of(s, e), &mk),
                 PAYCORE_RESULT_OK);
        if (strcmp(sm, "visa") == 0)
            CHECK_RC(paycore_emv_visa_sm_session_key(mk, atc, 2, &keys[i]), PAYCORE_RESULT_OK);
        else
            CHECK_RC(paycore_emv_session_key(mk, arqc, 8, &keys[i]), PAYCORE_RESULT_OK);
        paycore_key_free(mk);
        paycore_key_free(k);
    }
    if (!keys[0] || !keys[1]) goto done;
    memcpy(buf, header, 5);
    memcpy(buf + 5, atc, 2);
    memcpy(buf + 7, arqc, 8);
    CHECK(field(s, e, "mac", x, sizeof x));
    CHECK_RC(paycore_emv_script_mac(keys[0], buf, 15, 8, got, sizeof got, &len), PAYCORE_RESULT_OK);
    if (!bytes_eq_hex(got, len, x)) {
        fprintf(stderr, "%s: script mac mismatch\n", id);
        CHECK(0);
    }
    /* The SM-C key may not MAC, the SM-I key may not encipher. */
    CHECK_RC(paycore_emv_script_mac(keys[1], buf, 15, 8, got, sizeof got, &len),
             PAYCORE_RESULT_KEY_USAGE);
    if (field(s, e, "pin_command", x, sizeof x) && field(s, e, "pin_block", block_kind, 8)) {
        /* VIS PIN block: needs the card's E0 ICC master key. */
        char imk[40], pan[24], cur[16];
        paycore_key *k, *mk_ac = NULL;
        int has_cur = field(s, e, "current_pin", cur, sizeof cur);
        cmd_len = hex_decode(x, cmd, sizeof cmd);
        CHECK(field(s, e, "imk", imk, sizeof imk) && field(s, e, "pan", pan, sizeof pan));
        k = make_key(imk, "E0", 'X');
        CHECK_RC(paycore_emv_icc_master_key(k, (const uint8_t *)pan, strlen(pan), psn_of(s, e),
                                            option_of(s, e), &mk_ac),
                 PAYCORE_RESULT_OK);
        CHECK_RC(paycore_emv_encipher_vis_pin_change(
                     keys[1], mk_ac, (const uint8_t *)"9999", 4,
                     has_cur ? (const uint8_t *)cur : NULL, has_cur ? strlen(cur) : 0, got,
                     sizeof got, &enc_len),
                 PAYCORE_RESULT_OK);
        CHECK((size_t)cmd_len == 5 + enc_len + 8 && memcmp(cmd + 5, got, enc_len) == 0);
        /* The SM-C key in the AC key's place is refused. */
        CHECK_RC(paycore_emv_encipher_vis_pin_change(keys[1], keys[1], (const uint8_t *)"9999",
                                                     4, NULL, 0, got, sizeof got, &len),
                 PAYCORE_RESULT_KEY_USAGE);
        CHECK_RC(paycore_emv_encipher_vis_pin_change(keys[1], mk_ac, (const uint8_t *)"99x9", 4,
                                                     NULL, 0, got, sizeof got, &len),
                 PAYCORE_RESULT_INVALID_PIN);
        paycore_key_free(mk_ac);
        paycore_key_free(k);
        ran[8]++;
    } else if (field(s, e, "pin_command", x, sizeof x)) {
        static const unsigned char iso2_9999[8] = {0x24, 0x99, 0x99, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
        cmd_len = hex_decode(x, cmd, sizeof cmd);
        CHECK(field(s, e, "pin_method", method, sizeof method));
        CHECK_RC(paycore_emv_encipher_command_data(keys[1], iso2_9999, 8, script_code(method),
                                                   got, sizeof got, &enc_len),
                 PAYCORE_RESULT_OK);
        CHECK((size_t)cmd_len == 5 + enc_len + 8 && memcmp(cmd + 5, got, enc_len) == 0);
        /* The same through the PIN-change call. */
        memset(got, 0, sizeof got);
        CHECK_RC(paycore_emv_encipher_pin_change(keys[1], (const uint8_t *)"9999", 4,
                                                 script_code(method), got, sizeof got, &len),
                 PAYCORE_RESULT_OK);
        CHECK(len == enc_len && memcmp(cmd + 5, got, enc_len) == 0);
        CHECK_RC(paycore_emv_encipher_command_data(keys[0], iso2_9999, 8, script_code(method),
                                                   got, sizeof got, &len),
                 PAYCORE_RESULT_KEY_USAGE);
        memcpy(buf, cmd, 5);
        memcpy(buf + 5, atc, 2);
        memcpy(buf + 7, arqc, 8);
        memcpy(buf + 15, cmd + 5, enc_len);
        CHECK_RC(paycore_emv_script_mac(keys[0], buf, 15 + enc_len, 8, got, sizeof got, &len),
                 PAYCORE_RESULT_OK);
        CHECK(len == 8 && memcmp(got, cmd + 5 + enc_len, 8) == 0);
        ran[7]++;
    }
    ran[6]++;
done:
    paycore_key_free(keys[0]);
    paycore_key_free(keys[1]);
}

static void cdol(const char *s, const char *e) {
    char cdol_hex[128], tlv_hex[256], want[128];
    unsigned char c[64], t[128], got[64];
    size_t len = 0;
    int nc, nt;
    CHECK(field(s, e, "cdol1", cdol_hex, sizeof cdol_hex));
    CHECK(field(s, e, "tlv", tlv_hex, sizeof tlv_hex));
    CHECK(field(s, e, "data", want, sizeof want));
    nc = hex_decode(cdol_hex, c, sizeof c);
    nt = hex_decode(tlv_hex, t, sizeof t);
    CHECK_RC(paycore_emv_cdol_data(c, (size_t)nc, t, (size_t)nt, got, sizeof got, &len),
             PAYCORE_RESULT_OK);
    CHECK(bytes_eq_hex(got, len, want));
    CHECK_RC(paycore_emv_cdol_data(c, (size_t)nc, t, (size_t)nt, got, 4, &len),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(len == strlen(want) / 2);
    CHECK_RC(paycore_emv_cdol_data(c, (size_t)nc, t, 3, got, sizeof got, &len),
             PAYCORE_RESULT_MALFORMED);
    ran[5]++;
}

int main(void) {
    char *json = read_file(VECTORS);
    const char *cursor, *start, *end;
    CHECK(json != NULL);
    if (!json) return test_report("test_emv");
    cursor = json;
    while (next_vector(json, &cursor, &start, &end)) {
        char id[64], kind[32];
        CHECK(field(start, end, "id", id, sizeof id));
        CHECK(field(start, end, "kind", kind, sizeof kind));
        if (strcmp(kind, "icc_master_key") == 0) icc_master_key(start, end, id);
        else if (strcmp(kind, "chain") == 0) chain(start, end, id);
        else if (strcmp(kind, "cvn") == 0) cvn(start, end, id);
        else if (strcmp(kind, "script_mac") == 0 || strcmp(kind, "script_encipherment") == 0)
            script_vectors(start, end, kind);
        else if (strcmp(kind, "cdol1") == 0) cdol(start, end);
        else if (strcmp(kind, "issuer_script") == 0) issuer_script(start, end, id);
    }
    free(json);
    {
        /* NULL and misuse paths. */
        paycore_key *k = make_key("0123456789ABCDEFFEDCBA9876543210", "E0", 'X'), *out = NULL;
        unsigned char r[8] = {0};
        CHECK_RC(paycore_emv_icc_master_key(NULL, (const uint8_t *)"1234567890123456", 16, 0,
                                            PAYCORE_EMV_OPTION_A, &out),
                 PAYCORE_RESULT_NULL_PARAMETER);
        CHECK_RC(paycore_emv_icc_master_key(k, (const uint8_t *)"1234567890123456", 16, 0, 3, &out),
                 PAYCORE_RESULT_INVALID_ARGUMENT);
        CHECK_RC(paycore_emv_icc_master_key(k, (const uint8_t *)"12345678901x3456", 16, 0,
                                            PAYCORE_EMV_OPTION_A, &out),
                 PAYCORE_RESULT_INVALID_PAN);
        CHECK_RC(paycore_emv_icc_master_key(k, (const uint8_t *)"1234567890123456", 16, 100,
                                            PAYCORE_EMV_OPTION_A, &out),
                 PAYCORE_RESULT_INVALID_ARGUMENT);
        CHECK_RC(paycore_emv_session_key(k, r, 7, &out), PAYCORE_RESULT_INVALID_ARGUMENT);
        CHECK_RC(paycore_emv_session_key(k, r, 8, NULL), PAYCORE_RESULT_NULL_PARAMETER);
        CHECK(out == NULL);
        paycore_key_free(k);
        k = make_key("0123456789ABCDEFFEDCBA9876543210", "P0", 'X');
        CHECK_RC(paycore_emv_session_key(k, r, 8, &out), PAYCORE_RESULT_KEY_USAGE);
        CHECK(out == NULL);
        paycore_key_free(k);
    }
    CHECK(ran[0] == 11 && ran[1] == 13 && ran[2] == 7 && ran[3] == 2 && ran[4] == 2 &&
          ran[5] == 1 && ran[6] == 12 && ran[7] == 5 && ran[8] == 5);
    printf("test_emv: %d icc master keys, %d chains, %d CVN host checks, %d script MACs, %d "
           "encipherments, %d CDOL1, %d issuer scripts (%d format 2 and %d VIS PIN changes)\n",
           ran[0], ran[1], ran[2], ran[3], ran[4], ran[5], ran[6], ran[7], ran[8]);
    return test_report("test_emv");
}
