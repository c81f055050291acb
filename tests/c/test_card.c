/* Card data through the C ABI (TLV, tag dictionary, DOL, tracks, QR),
 * against tests/vectors/{tlv,dol,track,qr}.json (the files the Rust tests
 * read; each vector's source is cited there), plus every NULL / short
 * buffer / malformed path and the zeroing of secret outputs on failure. */
#include "paycore.h"
#include "test_util.h"

#include <ctype.h>

#define BIG 8192

static char hexbuf[BIG];
static unsigned char bytes[BIG / 2];

/* ------------------------------------------------------------------ TLV */

/* Appends one "TAG=VALUE;" (or "TAG{" ... "}" for templates) record per
 * object, depth-first, using only paycore_tlv_next. Returns 0 on error. */
static int tlv_dump(const unsigned char *data, size_t len, char *out, size_t cap, int depth) {
    size_t off = 0;
    paycore_tlv t;
    bool found = false;
    if (depth > 16) return 0;
    for (;;) {
        size_t i, used = strlen(out);
        if (paycore_tlv_next(data, len, off, &found, &t) != PAYCORE_RESULT_OK) return 0;
        if (!found) return 1;
        CHECK(t.offset >= off && t.value_offset + t.value_len == t.next_offset);
        CHECK(t.next_offset <= len && t.level == 1);
        snprintf(out + used, cap - used, "%0*X", (int)(2 * t.tag_len), (unsigned)t.tag);
        if (t.constructed) {
            strncat(out, "{", cap - strlen(out) - 1);
            if (!tlv_dump(data + t.value_offset, t.value_len, out, cap, depth + 1)) return 0;
            strncat(out, "}", cap - strlen(out) - 1);
        } else {
            strncat(out, "=", cap - strlen(out) - 1);
            for (i = 0; i < t.value_len; i++) {
                used = strlen(out);
                snprintf(out + used, cap - used, "%02X", data[t.value_offset + i]);
            }
            strncat(out, ";", cap - strlen(out) - 1);
        }
        off = t.next_offset;
    }
}

/* The same records from the JSON tree: nodes {tag, value} or {tag,
 * children: [...]}, read in document (pre-)order. */
static void tree_expect(const char *s, const char *e, char *out, size_t cap) {
    const char *cur = strstr(s, "\"tree\":");
    int open[64];
    int depth = 0;
    out[0] = '\0';
    while (cur && cur < e) {
        const char *tag = strstr(cur, "\"tag\":");
        const char *close = strchr(cur, ']');
        char v[BIG];
        /* close templates whose children list ends before the next tag */
        while (close && close < e && (!tag || close < tag || tag >= e)) {
            if (depth > 0 && open[depth - 1]) {
                strncat(out, "}", cap - strlen(out) - 1);
            }
            if (depth > 0) depth--;
            cur = close + 1;
            close = strchr(cur, ']');
        }
        if (!tag || tag >= e) break;
        field(tag, e, "tag", v, sizeof v);
        strncat(out, v, cap - strlen(out) - 1);
        cur = tag + 6;
        {
            const char *val = strstr(cur, "\"value\":");
            const char *kids = strstr(cur, "\"children\":");
            const char *next_tag = strstr(cur, "\"tag\":");
            if (kids && kids < e && (!val || kids < val) && (!next_tag || kids < next_tag)) {
                strncat(out, "{", cap - strlen(out) - 1);
                if (depth < 64) open[depth++] = 1;
                cur = kids + 11;
                cur = strchr(cur, '[') + 1;
            } else {
                field(val, e, "value", v, sizeof v);
                strncat(out, "=", cap - strlen(out) - 1);
                strncat(out, v, cap - strlen(out) - 1);
                strncat(out, ";", cap - strlen(out) - 1);
                cur = val + 8;
            }
        }
    }
}

static unsigned long parse_hex_u32(const char *hex) { return strtoul(hex, NULL, 16); }

static void run_tlv_vectors(void) {
    char *json = read_file("tests/vectors/tlv.json");
    const char *cursor, *s, *e;
    int parsed = 0, rejected = 0, encoded = 0, bcd_pans = 0;
    static char got[BIG], want[BIG];
    CHECK(json != NULL);
    if (!json) return;
    cursor = json;
    while (next_vector(json, &cursor, &s, &e)) {
        int n;
        if (strstr(s, "\"tree\":") && strstr(s, "\"tree\":") < e) {
            size_t count = 0;
            field(s, e, "hex", hexbuf, sizeof hexbuf);
            n = hex_decode(hexbuf, bytes, sizeof bytes);
            CHECK(n >= 0);
            got[0] = '\0';
            CHECK(tlv_dump(bytes, (size_t)n, got, sizeof got, 0));
            tree_expect(s, e, want, sizeof want);
            CHECK(strcmp(got, want) == 0);
            if (strcmp(got, want) != 0) fprintf(stderr, "  got  %s\n  want %s\n", got, want);
            CHECK_RC(paycore_tlv_validate(bytes, (size_t)n, &count), PAYCORE_RESULT_OK);
            {
                /* a tag 5A PAN (BCD, F-padded) in a real card response:
                 * its digits are the value's nibbles up to the padding */
                paycore_tlv t;
                bool found = false;
                CHECK_RC(paycore_tlv_find(bytes, (size_t)n, 0x5A, &found, &t), PAYCORE_RESULT_OK);
                if (found && t.value_len >= 6) {
                    char digits[40], masked_a[24], masked_b[24];
                    unsigned char clear[24];
                    size_t i, nd = 0, clear_len = 0, ma = 0, mb = 0;
                    bool luhn_a = false, luhn_b = true;
                    uint32_t brand_a = 0, brand_b = 99;
                    for (i = 0; i < 2 * t.value_len; i++) {
                        unsigned nib = (bytes[t.value_offset + i / 2] >> (i % 2 ? 0 : 4)) & 0xF;
                        if (nib == 0xF) break;
                        digits[nd++] = (char)('0' + nib);
                    }
                    CHECK_RC(paycore_pan_bcd_expose(bytes + t.value_offset, t.value_len, clear,
                                                    sizeof clear, &clear_len),
                             PAYCORE_RESULT_OK);
                    CHECK(clear_len == nd && memcmp(clear, digits, nd) == 0);
                    CHECK_RC(paycore_pan_bcd_inspect(bytes + t.value_offset, t.value_len, &luhn_a,
                                                     &brand_a, (uint8_t *)masked_a,
                                                     sizeof masked_a, &ma),
                             PAYCORE_RESULT_OK);
                    CHECK_RC(paycore_pan_inspect((const uint8_t *)digits, nd, &luhn_b, &brand_b,
                                                 (uint8_t *)masked_b, sizeof masked_b, &mb),
                             PAYCORE_RESULT_OK);
                    CHECK(luhn_a == luhn_b && brand_a == brand_b && ma == mb &&
                          memcmp(masked_a, masked_b, ma) == 0);
                    bcd_pans++;
                }
            }
            parsed++;
        } else if (strstr(s, "\"error\":") && strstr(s, "\"error\":") < e) {
            size_t count = 77;
            field(s, e, "hex", hexbuf, sizeof hexbuf);
            n = hex_decode(hexbuf, bytes, sizeof bytes);
            CHECK_RC(paycore_tlv_validate(bytes, (size_t)n, &count), PAYCORE_RESULT_MALFORMED);
            CHECK(count == 77); /* untouched on failure */
            rejected++;
        } else {
            char tag[16];
            static unsigned char value[BIG / 2], out[BIG / 2], expect[BIG / 2];
            size_t out_len = 0, small_len = 0;
            int vn, en;
            field(s, e, "tag", tag, sizeof tag);
            field(s, e, "value", hexbuf, sizeof hexbuf);
            vn = hex_decode(hexbuf, value, sizeof value);
            field(strstr(s, "\"expected\""), e, "hex", hexbuf, sizeof hexbuf);
            en = hex_decode(hexbuf, expect, sizeof expect);
            CHECK_RC(paycore_tlv_encode((uint32_t)parse_hex_u32(tag), value, (size_t)vn, out,
                                        sizeof out, &out_len),
                     PAYCORE_RESULT_OK);
            CHECK((int)out_len == en && memcmp(out, expect, out_len) == 0);
            /* one byte short: required size reported, nothing written */
            memset(out, 0xAA, sizeof out);
            CHECK_RC(paycore_tlv_encode((uint32_t)parse_hex_u32(tag), value, (size_t)vn, out,
                                        (size_t)en - 1, &small_len),
                     PAYCORE_RESULT_BUFFER_TOO_SMALL);
            CHECK((int)small_len == en && out[0] == 0xAA);
            encoded++;
        }
    }
    CHECK(parsed == 29 && rejected == 26 && encoded == 12 && bcd_pans >= 1);
    printf("tlv vectors: %d parse (%d with a tag 5A PAN), %d reject, %d encode\n", parsed,
           bcd_pans, rejected, encoded);
    free(json);
}

static void tlv_edge_cases(void) {
    /* FCI of the core's module example (SELECT PPSE), padded with 00/FF. */
    static const unsigned char fci[] = {
        0x00, 0x6F, 0x1A, 0x84, 0x0E, '2',  'P',  'A',  'Y',  '.',  'S', 'Y',
        'S',  '.',  'D',  'D',  'F',  '0',  '1',  0xA5, 0x08, 0x88, 0x01, 0x01,
        0x5F, 0x2D, 0x02, 'e',  'n',  0xFF, 0x00};
    paycore_tlv t;
    bool found = true;
    size_t count = 0, out_len = 0;
    unsigned char out[16];
    unsigned char nested[40];
    int i;

    CHECK_RC(paycore_tlv_next(fci, sizeof fci, 0, &found, &t), PAYCORE_RESULT_OK);
    CHECK(found && t.tag == 0x6F && t.offset == 1 && t.value_offset == 3 && t.value_len == 0x1A);
    CHECK(t.constructed && t.minimal_length && !t.sensitive);
    /* only padding left: end of level */
    CHECK_RC(paycore_tlv_next(fci, sizeof fci, t.next_offset, &found, &t), PAYCORE_RESULT_OK);
    CHECK(!found);
    CHECK_RC(paycore_tlv_next(fci, sizeof fci, sizeof fci, &found, &t), PAYCORE_RESULT_OK);
    CHECK(!found);
    CHECK_RC(paycore_tlv_next(NULL, 0, 0, &found, &t), PAYCORE_RESULT_OK);
    CHECK(!found);
    CHECK_RC(paycore_tlv_next(fci, sizeof fci, sizeof fci + 1, &found, &t),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_tlv_next(NULL, 3, 0, &found, &t), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_tlv_next(fci, sizeof fci, 0, NULL, &t), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_tlv_next(fci, sizeof fci, 0, &found, NULL), PAYCORE_RESULT_NULL_PARAMETER);
    /* truncated object */
    CHECK_RC(paycore_tlv_next(fci, 10, 0, &found, &t), PAYCORE_RESULT_MALFORMED);

    /* find: depth-first, offsets relative to the top buffer, tree level */
    CHECK_RC(paycore_tlv_find(fci, sizeof fci, 0x5F2D, &found, &t), PAYCORE_RESULT_OK);
    CHECK(found && t.level == 3 && t.tag_len == 2 && t.value_len == 2 &&
          memcmp(fci + t.value_offset, "en", 2) == 0);
    CHECK_RC(paycore_tlv_find(fci, sizeof fci, 0x88, &found, &t), PAYCORE_RESULT_OK);
    CHECK(found && t.value_offset == 23 && fci[t.value_offset] == 0x01);
    CHECK_RC(paycore_tlv_find(fci, sizeof fci, 0x5A, &found, &t), PAYCORE_RESULT_OK);
    CHECK(!found);
    CHECK_RC(paycore_tlv_find(fci, sizeof fci, 0x5A, NULL, &t), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_tlv_find(fci, sizeof fci, 0x5A, &found, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_tlv_find(fci, 10, 0x5A, &found, &t), PAYCORE_RESULT_MALFORMED);

    /* validate */
    CHECK_RC(paycore_tlv_validate(fci, sizeof fci, &count), PAYCORE_RESULT_OK);
    CHECK(count == 5);
    CHECK_RC(paycore_tlv_validate(NULL, 0, &count), PAYCORE_RESULT_OK);
    CHECK(count == 0);
    CHECK_RC(paycore_tlv_validate(fci, sizeof fci, NULL), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_tlv_validate(NULL, 1, &count), PAYCORE_RESULT_NULL_PARAMETER);
    /* nine nested templates exceed the default depth of 8 */
    for (i = 0; i < 9; i++) {
        nested[2 * i] = 0xE0;
        nested[2 * i + 1] = (unsigned char)(2 * (8 - i) + 2);
    }
    nested[18] = 0x9C;
    nested[19] = 0x00;
    CHECK_RC(paycore_tlv_validate(nested, 20, &count), PAYCORE_RESULT_LIMIT_EXCEEDED);
    /* the boundary: 9 levels fail, 8 levels (7 templates + 1) pass */
    CHECK_RC(paycore_tlv_validate(nested + 2, 18, &count), PAYCORE_RESULT_LIMIT_EXCEEDED);
    CHECK_RC(paycore_tlv_validate(nested + 4, 16, &count), PAYCORE_RESULT_OK);
    CHECK(count == 8);
    {
        /* a value length over 65 535 bytes needs 83 xx xx xx, which is no
         * EMV length field (Book 3 Annex B2): malformed, not a limit */
        static const unsigned char big[] = {0x9C, 0x83, 0x01, 0x00, 0x00};
        CHECK_RC(paycore_tlv_validate(big, sizeof big, &count), PAYCORE_RESULT_MALFORMED);
    }

    /* encode: bad tags are invalid arguments; NULL paths */
    CHECK_RC(paycore_tlv_encode(0x9F, NULL, 0, out, sizeof out, &out_len),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_tlv_encode(0x00, NULL, 0, out, sizeof out, &out_len),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_tlv_encode(0xFF, NULL, 0, out, sizeof out, &out_len),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    /* FF 5A would read back as padding then 5A; FF8105 (Book C-2) is a tag */
    CHECK_RC(paycore_tlv_encode(0xFF5A, NULL, 0, out, sizeof out, &out_len),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_tlv_encode(0xFF8105, NULL, 0, out, sizeof out, &out_len), PAYCORE_RESULT_OK);
    CHECK(out_len == 4 && memcmp(out, "\xFF\x81\x05\x00", 4) == 0);
    CHECK_RC(paycore_tlv_encode(0x9F8080, NULL, 0, out, sizeof out, &out_len),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_tlv_encode(0x9C02, NULL, 0, out, sizeof out, &out_len),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_tlv_encode(0x9C, NULL, 1, out, sizeof out, &out_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_tlv_encode(0x9C, NULL, 0, out, sizeof out, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_tlv_encode(0x9C, NULL, 0, NULL, 4, &out_len), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_tlv_encode(0x9C, NULL, 0, NULL, 0, &out_len),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(out_len == 2);
    /* encode -> next round trip */
    CHECK_RC(paycore_tlv_encode(0x9F02, (const uint8_t *)"\x00\x00\x00\x01\x00\x00", 6, out,
                                sizeof out, &out_len),
             PAYCORE_RESULT_OK);
    CHECK_RC(paycore_tlv_next(out, out_len, 0, &found, &t), PAYCORE_RESULT_OK);
    CHECK(found && t.tag == 0x9F02 && t.value_len == 6 && t.next_offset == out_len);
}

static void tag_dictionary(void) {
    paycore_tag_info info;
    bool found = false;
    size_t i, n = paycore_tag_count();
    const char *name = paycore_tag_name(0x5A);
    /* EMV Book 3 Annex A names */
    CHECK(name != NULL && strcmp(name, "Application Primary Account Number (PAN)") == 0);
    CHECK(paycore_tag_name(0x5A) == name); /* static, stable */
    CHECK(paycore_tag_name(0xDF01) == NULL);
    CHECK(paycore_tag_name(0) == NULL);
    CHECK(paycore_tag_is_sensitive(0x5A));
    CHECK(paycore_tag_is_sensitive(0x57));
    CHECK(!paycore_tag_is_sensitive(0x9F02));
    CHECK(!paycore_tag_is_sensitive(0xDF01));
    CHECK_RC(paycore_tag_lookup(0x5A, &found, &info), PAYCORE_RESULT_OK);
    CHECK(found && info.tag == 0x5A && info.format == PAYCORE_TAG_FORMAT_CN &&
          info.source == PAYCORE_TAG_SOURCE_ICC && info.sensitive && info.name == name);
    CHECK_RC(paycore_tag_lookup(0x9F02, &found, &info), PAYCORE_RESULT_OK);
    CHECK(found && info.format == PAYCORE_TAG_FORMAT_N &&
          info.source == PAYCORE_TAG_SOURCE_TERMINAL && !info.sensitive);
    CHECK_RC(paycore_tag_lookup(0xDF01, &found, &info), PAYCORE_RESULT_OK);
    CHECK(!found);
    CHECK_RC(paycore_tag_lookup(0x5A, NULL, &info), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_tag_lookup(0x5A, &found, NULL), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK(n > 50);
    for (i = 0; i < n; i++) {
        paycore_tag_info again;
        bool ok = paycore_tag_at(i, &info) == PAYCORE_RESULT_OK && info.name != NULL &&
                  paycore_tag_lookup(info.tag, &found, &again) == PAYCORE_RESULT_OK && found &&
                  again.name == info.name && paycore_tag_name(info.tag) == info.name &&
                  paycore_tag_is_sensitive(info.tag) == info.sensitive;
        CHECK(ok);
    }
    CHECK_RC(paycore_tag_at(n, &info), PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_tag_at(0, NULL), PAYCORE_RESULT_NULL_PARAMETER);
}

/* ------------------------------------------------------------------ DOL */

static void run_dol_vectors(void) {
    char *json = read_file("tests/vectors/dol.json");
    const char *cursor, *s, *e;
    int parsed = 0, built = 0, rejected = 0;
    CHECK(json != NULL);
    if (!json) return;
    cursor = json;
    while (next_vector(json, &cursor, &s, &e)) {
        int n;
        if (strstr(s, "\"entries\":") && strstr(s, "\"entries\":") < e) {
            const char *walk = strstr(s, "\"entries\":");
            char tag[16], length[8], total[16];
            size_t count = 0, total_len = 0, off = 0, seen = 0;
            paycore_dol_entry entry;
            bool found = false;
            field(s, e, "hex", hexbuf, sizeof hexbuf);
            n = hex_decode(hexbuf, bytes, sizeof bytes);
            field(s, e, "total_len", total, sizeof total);
            CHECK_RC(paycore_dol_parse(bytes, (size_t)n, &count, &total_len), PAYCORE_RESULT_OK);
            CHECK(total_len == (size_t)atoi(total));
            while (next_field(&walk, e, "tag", tag, sizeof tag)) {
                next_field(&walk, e, "length", length, sizeof length);
                CHECK_RC(paycore_dol_next(bytes, (size_t)n, off, &found, &entry),
                         PAYCORE_RESULT_OK);
                CHECK(found && entry.tag == parse_hex_u32(tag) &&
                      entry.length == (size_t)atoi(length) && entry.offset == off);
                off = entry.next_offset;
                seen++;
            }
            CHECK_RC(paycore_dol_next(bytes, (size_t)n, off, &found, &entry), PAYCORE_RESULT_OK);
            CHECK(!found && seen == count);
            parsed++;
        } else if (strstr(s, "\"values\":") && strstr(s, "\"values\":") < e) {
            const char *walk = strstr(s, "\"values\":");
            char tag[16], value[256], dolhex[256];
            static unsigned char dol[128], values[1024], out[512], expect[512];
            size_t values_len = 0, out_len = 0, small_len = 0;
            int dn, en;
            walk = strchr(walk, '{') + 1;
            field(s, e, "dol", dolhex, sizeof dolhex);
            dn = hex_decode(dolhex, dol, sizeof dol);
            /* the C-friendly value source: a TLV list built with the encoder */
            while (next_pair(&walk, e, tag, sizeof tag, value, sizeof value)) {
                unsigned char v[128];
                size_t used = 0;
                int vn = hex_decode(value, v, sizeof v);
                CHECK_RC(paycore_tlv_encode((uint32_t)parse_hex_u32(tag), v, (size_t)vn,
                                            values + values_len, sizeof values - values_len,
                                            &used),
                         PAYCORE_RESULT_OK);
                values_len += used;
            }
            field(strstr(s, "\"expected\""), e, "hex", hexbuf, sizeof hexbuf);
            en = hex_decode(hexbuf, expect, sizeof expect);
            CHECK_RC(paycore_dol_build(dol, (size_t)dn, values, values_len, out, sizeof out,
                                       &out_len),
                     PAYCORE_RESULT_OK);
            CHECK((int)out_len == en && memcmp(out, expect, out_len) == 0);
            {
                /* the same output entry by entry with paycore_dol_fit_value
                 * (rules a-d of Book 3 section 5.4, formats from the
                 * dictionary; unknown tags are format b) */
                size_t off = 0, pos = 0;
                paycore_dol_entry entry;
                bool found = false;
                while (paycore_dol_next(dol, (size_t)dn, off, &found, &entry) ==
                           PAYCORE_RESULT_OK &&
                       found) {
                    paycore_tlv v;
                    paycore_tag_info info;
                    bool known = false, present = false;
                    size_t used = 0;
                    uint32_t format = PAYCORE_TAG_FORMAT_B;
                    CHECK_RC(paycore_tag_lookup(entry.tag, &known, &info), PAYCORE_RESULT_OK);
                    if (known) format = info.format;
                    CHECK_RC(paycore_tlv_find(values, values_len, entry.tag, &present, &v),
                             PAYCORE_RESULT_OK);
                    if (present && v.level == 1 && !v.constructed) {
                        CHECK_RC(paycore_dol_fit_value(format, values + v.value_offset,
                                                       v.value_len, entry.length, out + pos,
                                                       sizeof out - pos, &used),
                                 PAYCORE_RESULT_OK);
                    } else {
                        memset(out + pos, 0, entry.length);
                        used = entry.length;
                    }
                    CHECK(used == entry.length);
                    pos += used;
                    off = entry.next_offset;
                }
                CHECK((int)pos == en && memcmp(out, expect, pos) == 0);
            }
            if (en > 0) {
                memset(out, 0xAA, sizeof out);
                CHECK_RC(paycore_dol_build(dol, (size_t)dn, values, values_len, out,
                                           (size_t)en - 1, &small_len),
                         PAYCORE_RESULT_BUFFER_TOO_SMALL);
                CHECK((int)small_len == en && out[0] == 0xAA);
            }
            built++;
        } else if (strstr(s, "\"error\":") && strstr(s, "\"error\":") < e) {
            size_t count = 5, total_len = 5;
            paycore_dol_entry entry;
            bool found;
            unsigned char out[8];
            size_t out_len = 0;
            field(s, e, "hex", hexbuf, sizeof hexbuf);
            n = hex_decode(hexbuf, bytes, sizeof bytes);
            CHECK_RC(paycore_dol_parse(bytes, (size_t)n, &count, &total_len),
                     PAYCORE_RESULT_MALFORMED);
            CHECK(count == 5 && total_len == 5);
            CHECK_RC(paycore_dol_next(bytes, (size_t)n, 0, &found, &entry),
                     PAYCORE_RESULT_MALFORMED);
            CHECK_RC(paycore_dol_build(bytes, (size_t)n, NULL, 0, out, sizeof out, &out_len),
                     PAYCORE_RESULT_MALFORMED);
            rejected++;
        }
    }
    CHECK(parsed == 4 && built == 10 && rejected == 7);
    printf("dol vectors: %d parse, %d build, %d reject\n", parsed, built, rejected);
    free(json);
}

static void dol_edge_cases(void) {
    static const unsigned char pdol[] = {0x9F, 0x66, 0x04, 0x9F, 0x02, 0x06};
    static const unsigned char values[] = {0x9F, 0x66, 0x04, 1, 2, 3, 4};
    static const unsigned char bad_values[] = {0x9F, 0x66, 0x04, 1, 2};
    unsigned char out[16];
    size_t out_len = 0, count, total;
    paycore_dol_entry entry;
    bool found;
    CHECK_RC(paycore_dol_parse(pdol, sizeof pdol, NULL, &total), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dol_parse(pdol, sizeof pdol, &count, NULL), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dol_parse(NULL, 2, &count, &total), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dol_next(pdol, sizeof pdol, 1, &found, &entry),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_dol_next(pdol, sizeof pdol, 99, &found, &entry),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_dol_next(pdol, sizeof pdol, 0, NULL, &entry),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dol_next(pdol, sizeof pdol, 0, &found, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dol_build(pdol, sizeof pdol, values, sizeof values, out, sizeof out, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dol_build(pdol, sizeof pdol, values, sizeof values, NULL, 3, &out_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dol_build(pdol, sizeof pdol, NULL, 3, out, sizeof out, &out_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dol_build(pdol, sizeof pdol, bad_values, sizeof bad_values, out,
                               sizeof out, &out_len),
             PAYCORE_RESULT_MALFORMED);
    CHECK_RC(paycore_dol_build(pdol, sizeof pdol, values, sizeof values, NULL, 0, &out_len),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(out_len == 10);
    CHECK_RC(paycore_dol_build(pdol, sizeof pdol, values, sizeof values, out, sizeof out,
                               &out_len),
             PAYCORE_RESULT_OK);
    CHECK(out_len == 10 && memcmp(out, "\x01\x02\x03\x04\0\0\0\0\0\0", 10) == 0);
}

/* --------------------------------------------------------------- tracks */

/* Checks that an expose call fails with `want` and leaves out all zero. */
#define CHECK_WIPED(call, want, buf)                                                     \
    do {                                                                                 \
        memset(buf, 0xAA, sizeof buf);                                                   \
        CHECK_RC(call, want);                                                            \
        CHECK(all_zero(buf, sizeof buf));                                                \
    } while (0)

static void run_track_vectors(void) {
    char *json = read_file("tests/vectors/track.json");
    const char *cursor, *s, *e;
    int good = 0, bad = 0, reencoded = 0, rebuilt = 0;
    CHECK(json != NULL);
    if (!json) return;
    cursor = json;
    while (next_vector(json, &cursor, &s, &e)) {
        char kind_s[16], data_s[128], pan[32], expiry[8], sc[8], disc[96], name[40];
        unsigned char data[128], out[128];
        size_t len, out_len = 0;
        uint32_t kind;
        paycore_track_info info;
        const char *expected = strstr(s, "\"expected\"");
        if (!field(s, e, "kind", kind_s, sizeof kind_s)) continue;
        field(s, e, "data", data_s, sizeof data_s);
        kind = strcmp(kind_s, "track1") == 0   ? PAYCORE_TRACK_KIND_TRACK1
               : strcmp(kind_s, "track2") == 0 ? PAYCORE_TRACK_KIND_TRACK2
                                               : PAYCORE_TRACK_KIND_TAG57;
        if (kind == PAYCORE_TRACK_KIND_TAG57) {
            int n = hex_decode(data_s, data, sizeof data);
            CHECK(n >= 0);
            len = (size_t)n;
        } else {
            len = strlen(data_s);
            memcpy(data, data_s, len);
        }
        if (field(expected, e, "error", name, sizeof name)) {
            memset(&info, 0x55, sizeof info);
            CHECK(paycore_track_parse(kind, data, len, &info) != PAYCORE_RESULT_OK);
            CHECK(((unsigned char *)&info)[0] == 0x55); /* untouched */
            memset(out, 0xAA, sizeof out);
            CHECK(paycore_track_expose_pan(kind, data, len, out, sizeof out, &out_len) !=
                  PAYCORE_RESULT_OK);
            CHECK(all_zero(out, sizeof out));
            memset(out, 0xAA, sizeof out);
            CHECK(paycore_track_expose_discretionary(kind, data, len, out, sizeof out,
                                                     &out_len) != PAYCORE_RESULT_OK);
            CHECK(all_zero(out, sizeof out));
            memset(out, 0xAA, sizeof out);
            CHECK(paycore_track_encode(kind, data, len, kind, 0, out, sizeof out, &out_len) !=
                  PAYCORE_RESULT_OK);
            CHECK(all_zero(out, sizeof out));
            bad++;
            continue;
        }
        field(expected, e, "pan", pan, sizeof pan);
        /* JSON null means absent */
        if (!field(expected, e, "expiry", expiry, sizeof expiry) || strcmp(expiry, "null") == 0)
            expiry[0] = '\0';
        if (!field(expected, e, "service_code", sc, sizeof sc) || strcmp(sc, "null") == 0)
            sc[0] = '\0';
        if (!field(expected, e, "discretionary", disc, sizeof disc)) disc[0] = '\0';
        if (!field(expected, e, "name", name, sizeof name)) name[0] = '\0';

        CHECK_RC(paycore_track_parse(kind, data, len, &info), PAYCORE_RESULT_OK);
        CHECK(info.kind == kind && info.pan_len == strlen(pan));
        /* masked: last 4 kept; first 6 kept only when at least 5 digits stay
         * hidden (PANs of 15+ digits), the rest hidden */
        {
            size_t shown = strlen(pan) >= 15 ? 6 : 0;
            CHECK(info.masked_pan_len == strlen(pan) && memcmp(info.masked_pan, pan, shown) == 0 &&
                  memcmp(info.masked_pan + info.masked_pan_len - 4, pan + strlen(pan) - 4, 4) ==
                      0 &&
                  strspn((const char *)info.masked_pan + shown, "*") >= strlen(pan) - shown - 4);
        }
        if (expiry[0]) {
            CHECK(info.expiry_present &&
                  info.expiry_year == (expiry[0] - '0') * 10 + (expiry[1] - '0') &&
                  info.expiry_month == (expiry[2] - '0') * 10 + (expiry[3] - '0'));
        } else {
            CHECK(!info.expiry_present);
        }
        if (sc[0]) {
            CHECK(info.service_code_present && info.service_code[0] == sc[0] - '0' &&
                  info.service_code[1] == sc[1] - '0' && info.service_code[2] == sc[2] - '0');
            CHECK(info.requires_chip == (sc[0] == '2' || sc[0] == '6'));
            CHECK(info.pin_required == (sc[2] == '0' || sc[2] == '3' || sc[2] == '5'));
            CHECK(info.pin_if_ped_present == (sc[2] == '6' || sc[2] == '7'));
        } else {
            CHECK(!info.service_code_present && !info.requires_chip && !info.pin_required);
        }
        CHECK(info.discretionary_len == strlen(disc) && info.name_len == strlen(name));

        CHECK_RC(paycore_track_expose_pan(kind, data, len, out, sizeof out, &out_len),
                 PAYCORE_RESULT_OK);
        CHECK(out_len == strlen(pan) && memcmp(out, pan, out_len) == 0);
        CHECK_RC(paycore_track_expose_discretionary(kind, data, len, out, sizeof out, &out_len),
                 PAYCORE_RESULT_OK);
        CHECK(out_len == strlen(disc) && memcmp(out, disc, out_len) == 0);
        if (kind == PAYCORE_TRACK_KIND_TRACK1) {
            CHECK_RC(paycore_track_expose_name(kind, data, len, out, sizeof out, &out_len),
                     PAYCORE_RESULT_OK);
            CHECK(out_len == strlen(name) && memcmp(out, name, out_len) == 0);
        } else {
            unsigned char small[32];
            CHECK_WIPED(paycore_track_expose_name(kind, data, len, small, sizeof small,
                                                  &out_len),
                        PAYCORE_RESULT_INVALID_ARGUMENT, small);
        }
        {
            /* short buffer: required size reported, buffer zeroed */
            unsigned char small[4];
            CHECK_WIPED(paycore_track_expose_pan(kind, data, len, small, sizeof small, &out_len),
                        PAYCORE_RESULT_BUFFER_TOO_SMALL, small);
            CHECK(out_len == strlen(pan));
        }

        /* re-encoding with the input's framing gives the input back */
        if (kind == PAYCORE_TRACK_KIND_TAG57) {
            unsigned char text[64], again[32];
            size_t text_len = 0;
            CHECK_RC(paycore_track_encode(kind, data, len, PAYCORE_TRACK_KIND_TAG57, 0, out,
                                          sizeof out, &out_len),
                     PAYCORE_RESULT_OK);
            CHECK(out_len == len && memcmp(out, data, len) == 0);
            CHECK_RC(paycore_track_encode(kind, data, len, PAYCORE_TRACK_KIND_TRACK2, 0, text,
                                          sizeof text, &text_len),
                     PAYCORE_RESULT_OK);
            CHECK_RC(paycore_track_encode(PAYCORE_TRACK_KIND_TRACK2, text, text_len,
                                          PAYCORE_TRACK_KIND_TAG57, 0, again, sizeof again,
                                          &out_len),
                     PAYCORE_RESULT_OK);
            CHECK(out_len == len && memcmp(again, data, len) == 0);
            reencoded++;
        } else if (memchr(data, 'D', len) == NULL) {
            const unsigned char *q = memchr(data, '?', len);
            uint32_t flags = q == NULL ? 0
                             : (size_t)(q - data) + 1 == len
                                 ? PAYCORE_TRACK_ENCODING_SENTINELS
                                 : PAYCORE_TRACK_ENCODING_SENTINELS | PAYCORE_TRACK_ENCODING_LRC;
            paycore_track_fields fields;
            CHECK_RC(paycore_track_encode(kind, data, len, kind, flags, out, sizeof out,
                                          &out_len),
                     PAYCORE_RESULT_OK);
            CHECK(out_len == len && memcmp(out, data, len) == 0);
            reencoded++;
            if (flags & PAYCORE_TRACK_ENCODING_LRC) {
                uint8_t lrc = 0;
                CHECK_RC(paycore_track_lrc(kind, data, len - 1, &lrc), PAYCORE_RESULT_OK);
                CHECK(lrc == data[len - 1]);
            }
            /* building from the expected fields gives the input back too */
            memset(&fields, 0, sizeof fields);
            if (expiry[0]) {
                fields.expiry_present = true;
                fields.expiry_year = info.expiry_year;
                fields.expiry_month = info.expiry_month;
            }
            if (sc[0]) {
                fields.service_code_present = true;
                memcpy(fields.service_code, info.service_code, 3);
            }
            CHECK_RC(paycore_track_build(kind, (const uint8_t *)pan, strlen(pan),
                                         (const uint8_t *)name, strlen(name), &fields,
                                         (const uint8_t *)disc, strlen(disc), flags, out,
                                         sizeof out, &out_len),
                     PAYCORE_RESULT_OK);
            CHECK(out_len == len && memcmp(out, data, len) == 0);
            rebuilt++;
        }
        good++;
    }
    CHECK(good == 17 && bad == 23);
    printf("track vectors: %d valid (%d re-encoded, %d rebuilt), %d rejected\n", good, reencoded,
           rebuilt, bad);
    free(json);
}

static void track_edge_cases(void) {
    /* sualeh/magnetictrackparser sample (cited in tests/vectors/track.json) */
    static const char t2[] = ";5266092201416174=16042010000056700100?";
    static const char t1[] = "%B5266092201416174^FATEHI/SUALEH^16042010000000000000000000000000000567001000?";
    const uint8_t *d2 = (const uint8_t *)t2;
    const uint8_t *d1 = (const uint8_t *)t1;
    size_t l2 = strlen(t2), l1 = strlen(t1), out_len = 0;
    unsigned char out[96];
    paycore_track_info info;
    paycore_track_fields fields;
    uint8_t lrc;

    CHECK_RC(paycore_track_parse(9, d2, l2, &info), PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_track_parse(PAYCORE_TRACK_KIND_TRACK2, d2, l2, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_track_parse(PAYCORE_TRACK_KIND_TRACK2, NULL, l2, &info),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_track_parse(PAYCORE_TRACK_KIND_TRACK2, NULL, 0, &info),
             PAYCORE_RESULT_MALFORMED);
    CHECK_RC(paycore_track_parse(PAYCORE_TRACK_KIND_TRACK1, d2, l2, &info),
             PAYCORE_RESULT_MALFORMED);
    CHECK_RC(paycore_track_parse(PAYCORE_TRACK_KIND_TRACK2, d2, l2, &info), PAYCORE_RESULT_OK);
    CHECK(info.brand == PAYCORE_BRAND_MASTERCARD && info.luhn_valid);
    CHECK(memcmp(info.masked_pan, "526609******6174", 16) == 0);

    /* characters below the LRC character set before an LRC (a core
     * overflow, worked around in the binding) are malformed, not a panic */
    CHECK_RC(paycore_track_parse(PAYCORE_TRACK_KIND_TRACK2, (const uint8_t *)";52 66?1", 8, &info),
             PAYCORE_RESULT_MALFORMED);
    CHECK_RC(paycore_track_parse(PAYCORE_TRACK_KIND_TRACK1,
                                 (const uint8_t *)"%B5266\x01?1", 9, &info),
             PAYCORE_RESULT_MALFORMED);

    /* expose: every failure zeroes the output */
    CHECK_WIPED(paycore_track_expose_pan(9, d2, l2, out, sizeof out, &out_len),
                PAYCORE_RESULT_INVALID_ARGUMENT, out);
    CHECK_WIPED(paycore_track_expose_pan(PAYCORE_TRACK_KIND_TRACK2, NULL, 5, out, sizeof out,
                                         &out_len),
                PAYCORE_RESULT_NULL_PARAMETER, out);
    CHECK_WIPED(paycore_track_expose_pan(PAYCORE_TRACK_KIND_TRACK2, d2, l2 - 1, out, sizeof out,
                                         &out_len),
                PAYCORE_RESULT_MALFORMED, out);
    CHECK_WIPED(paycore_track_expose_discretionary(PAYCORE_TRACK_KIND_TRACK2, d2, 5, out,
                                                   sizeof out, &out_len),
                PAYCORE_RESULT_MALFORMED, out);
    CHECK_WIPED(paycore_track_expose_name(PAYCORE_TRACK_KIND_TRACK1, d1, l1 - 3, out, sizeof out,
                                          &out_len),
                PAYCORE_RESULT_MALFORMED, out);
    {
        unsigned char small[5];
        CHECK_WIPED(paycore_track_expose_name(PAYCORE_TRACK_KIND_TRACK1, d1, l1, small,
                                              sizeof small, &out_len),
                    PAYCORE_RESULT_BUFFER_TOO_SMALL, small);
        CHECK(out_len == 13);
        CHECK_WIPED(paycore_track_expose_discretionary(PAYCORE_TRACK_KIND_TRACK2, d2, l2, small,
                                                       sizeof small, &out_len),
                    PAYCORE_RESULT_BUFFER_TOO_SMALL, small);
        CHECK(out_len == 13);
    }
    CHECK_RC(paycore_track_expose_pan(PAYCORE_TRACK_KIND_TRACK2, d2, l2, out, sizeof out, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_track_expose_pan(PAYCORE_TRACK_KIND_TRACK2, d2, l2, NULL, 8, &out_len),
             PAYCORE_RESULT_NULL_PARAMETER);

    /* encode: bad combinations and flags, all zeroing */
    CHECK_WIPED(paycore_track_encode(PAYCORE_TRACK_KIND_TRACK1, d1, l1,
                                     PAYCORE_TRACK_KIND_TAG57, 0, out, sizeof out, &out_len),
                PAYCORE_RESULT_INVALID_ARGUMENT, out);
    CHECK_WIPED(paycore_track_encode(PAYCORE_TRACK_KIND_TRACK2, d2, l2,
                                     PAYCORE_TRACK_KIND_TRACK1, 0, out, sizeof out, &out_len),
                PAYCORE_RESULT_INVALID_ARGUMENT, out);
    CHECK_WIPED(paycore_track_encode(PAYCORE_TRACK_KIND_TRACK2, d2, l2,
                                     PAYCORE_TRACK_KIND_TRACK2, PAYCORE_TRACK_ENCODING_LRC, out,
                                     sizeof out, &out_len),
                PAYCORE_RESULT_INVALID_ARGUMENT, out);
    CHECK_WIPED(paycore_track_encode(PAYCORE_TRACK_KIND_TRACK2, d2, l2,
                                     PAYCORE_TRACK_KIND_TRACK2, 4, out, sizeof out, &out_len),
                PAYCORE_RESULT_INVALID_ARGUMENT, out);
    CHECK_WIPED(paycore_track_encode(PAYCORE_TRACK_KIND_TRACK2, d2, l2,
                                     PAYCORE_TRACK_KIND_TAG57, PAYCORE_TRACK_ENCODING_SENTINELS,
                                     out, sizeof out, &out_len),
                PAYCORE_RESULT_INVALID_ARGUMENT, out);
    {
        unsigned char small[10];
        CHECK_WIPED(paycore_track_encode(PAYCORE_TRACK_KIND_TRACK2, d2, l2,
                                         PAYCORE_TRACK_KIND_TRACK2, 0, small, sizeof small,
                                         &out_len),
                    PAYCORE_RESULT_BUFFER_TOO_SMALL, small);
        CHECK(out_len == l2 - 2);
    }
    /* bare encoding drops the sentinels; FULL adds an LRC that parses back */
    CHECK_RC(paycore_track_encode(PAYCORE_TRACK_KIND_TRACK2, d2, l2, PAYCORE_TRACK_KIND_TRACK2, 0,
                                  out, sizeof out, &out_len),
             PAYCORE_RESULT_OK);
    CHECK(out_len == l2 - 2 && memcmp(out, t2 + 1, l2 - 2) == 0);
    CHECK_RC(paycore_track_encode(PAYCORE_TRACK_KIND_TRACK2, d2, l2, PAYCORE_TRACK_KIND_TRACK2,
                                  PAYCORE_TRACK_ENCODING_SENTINELS | PAYCORE_TRACK_ENCODING_LRC,
                                  out, sizeof out, &out_len),
             PAYCORE_RESULT_OK);
    CHECK(out_len == l2 + 1 && memcmp(out, t2, l2) == 0);
    CHECK_RC(paycore_track_lrc(PAYCORE_TRACK_KIND_TRACK2, d2, l2, &lrc), PAYCORE_RESULT_OK);
    CHECK(lrc == out[l2]);
    CHECK_RC(paycore_track_parse(PAYCORE_TRACK_KIND_TRACK2, out, out_len, &info),
             PAYCORE_RESULT_OK);
    out[out_len - 1] ^= 1; /* tampered LRC is rejected */
    CHECK_RC(paycore_track_parse(PAYCORE_TRACK_KIND_TRACK2, out, out_len, &info),
             PAYCORE_RESULT_MALFORMED);

    /* LRC helper */
    CHECK_RC(paycore_track_lrc(PAYCORE_TRACK_KIND_TAG57, d2, l2, &lrc),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_track_lrc(PAYCORE_TRACK_KIND_TRACK2, d1, l1, &lrc),
             PAYCORE_RESULT_MALFORMED); /* '%', 'B', '^' are not track 2 characters */
    CHECK_RC(paycore_track_lrc(PAYCORE_TRACK_KIND_TRACK2, d2, l2, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_track_lrc(PAYCORE_TRACK_KIND_TRACK1, d1, l1, &lrc), PAYCORE_RESULT_OK);

    /* build: every failure zeroes the output */
    memset(&fields, 0, sizeof fields);
    fields.expiry_present = true;
    fields.expiry_year = 16;
    fields.expiry_month = 4;
    fields.service_code_present = true;
    fields.service_code[0] = 2;
    fields.service_code[1] = 0;
    fields.service_code[2] = 1;
    CHECK_RC(paycore_track_build(PAYCORE_TRACK_KIND_TAG57, (const uint8_t *)"5266092201416174",
                                 16, NULL, 0, &fields, (const uint8_t *)"0000056700100", 13, 0,
                                 out, sizeof out, &out_len),
             PAYCORE_RESULT_OK);
    CHECK(out_len == 19 && memcmp(out, "\x52\x66\x09\x22\x01\x41\x61\x74\xD1\x60\x42\x01", 12) == 0);
    CHECK_WIPED(paycore_track_build(PAYCORE_TRACK_KIND_TRACK2, (const uint8_t *)"5266092201416174",
                                    16, NULL, 0, NULL, NULL, 0, 0, out, sizeof out, &out_len),
                PAYCORE_RESULT_NULL_PARAMETER, out);
    CHECK_WIPED(paycore_track_build(PAYCORE_TRACK_KIND_TRACK2, (const uint8_t *)"52660922014",
                                    11, NULL, 0, &fields, NULL, 0, 0, out, sizeof out, &out_len),
                PAYCORE_RESULT_INVALID_PAN, out);
    CHECK_WIPED(paycore_track_build(PAYCORE_TRACK_KIND_TRACK2, (const uint8_t *)"5266092201416174",
                                    16, (const uint8_t *)"AB", 2, &fields, NULL, 0, 0, out,
                                    sizeof out, &out_len),
                PAYCORE_RESULT_INVALID_ARGUMENT, out);
    CHECK_WIPED(paycore_track_build(PAYCORE_TRACK_KIND_TRACK1, (const uint8_t *)"5266092201416174",
                                    16, (const uint8_t *)"A", 1, &fields, NULL, 0, 0, out,
                                    sizeof out, &out_len),
                PAYCORE_RESULT_MALFORMED, out);
    CHECK_WIPED(paycore_track_build(PAYCORE_TRACK_KIND_TRACK2, (const uint8_t *)"5266092201416174",
                                    16, NULL, 0, &fields, (const uint8_t *)"12A", 3, 0, out,
                                    sizeof out, &out_len),
                PAYCORE_RESULT_MALFORMED, out);
    CHECK_WIPED(paycore_track_build(7, (const uint8_t *)"5266092201416174", 16, NULL, 0, &fields,
                                    NULL, 0, 0, out, sizeof out, &out_len),
                PAYCORE_RESULT_INVALID_ARGUMENT, out);
    fields.expiry_month = 13;
    CHECK_WIPED(paycore_track_build(PAYCORE_TRACK_KIND_TRACK2, (const uint8_t *)"5266092201416174",
                                    16, NULL, 0, &fields, NULL, 0, 0, out, sizeof out, &out_len),
                PAYCORE_RESULT_MALFORMED, out);
    fields.expiry_month = 4;
    fields.service_code[1] = 10;
    CHECK_WIPED(paycore_track_build(PAYCORE_TRACK_KIND_TRACK2, (const uint8_t *)"5266092201416174",
                                    16, NULL, 0, &fields, NULL, 0, 0, out, sizeof out, &out_len),
                PAYCORE_RESULT_MALFORMED, out);
    /* absent fields are encoded as their separators (ISO/IEC 7813) */
    memset(&fields, 0, sizeof fields);
    CHECK_RC(paycore_track_build(PAYCORE_TRACK_KIND_TRACK2, (const uint8_t *)"5266092201416174",
                                 16, NULL, 0, &fields, NULL, 0, 0, out, sizeof out, &out_len),
             PAYCORE_RESULT_OK);
    CHECK(out_len == 19 && memcmp(out, "5266092201416174===", 19) == 0);
}

/* ------------------------------------------------------------------- QR */

/* Collects builder items for every object of one level (skipping ID 63 at
 * the top), recursing into templates. Returns the item count. */
static size_t qr_collect(const uint8_t *p, size_t len, const paycore_qr_field *parent,
                         size_t start, paycore_qr_item *items, size_t n, size_t cap) {
    size_t off = start;
    paycore_qr_field f;
    bool found = false;
    while (n < cap) {
        if (paycore_qr_next(p, len, parent, off, &found, &f) != PAYCORE_RESULT_OK) {
            CHECK(0);
            return n;
        }
        if (!found) break;
        if (f.is_template) {
            items[n].kind = PAYCORE_QR_ITEM_TEMPLATE_BEGIN;
            items[n].id = f.id;
            items[n].value = NULL;
            items[n++].value_len = 0;
            n = qr_collect(p, len, &f, f.value_offset, items, n, cap);
            items[n].kind = PAYCORE_QR_ITEM_TEMPLATE_END;
            items[n].id = 0;
            items[n].value = NULL;
            items[n++].value_len = 0;
        } else if (!(parent == NULL && f.id == 63)) {
            items[n].kind = PAYCORE_QR_ITEM_PRIMITIVE;
            items[n].id = f.id;
            items[n].value = p + f.value_offset;
            items[n++].value_len = f.value_len;
        }
        off = f.next_offset;
    }
    return n;
}

static void run_qr_vectors(void) {
    char *json = read_file("tests/vectors/qr.json");
    const char *cursor, *s, *e;
    int ok = 0, rejected = 0, undecodable = 0, values = 0, rebuilt = 0;
    CHECK(json != NULL);
    if (!json) return;
    cursor = json;
    while (next_vector(json, &cursor, &s, &e)) {
        static char payload[4096];
        char crc_s[8], strict[64];
        const uint8_t *p = (const uint8_t *)payload;
        size_t len;
        bool crc_valid = false;
        const char *walk;
        if (!field(s, e, "payload", payload, sizeof payload)) continue;
        len = strlen(payload);
        field(s, e, "strict", strict, sizeof strict);
        if (!field(s, e, "crc_valid", crc_s, sizeof crc_s) || strcmp(crc_s, "null") == 0) {
            /* structurally broken: decode and parse both refuse it */
            CHECK_RC(paycore_qr_decode(p, len, &crc_valid), PAYCORE_RESULT_MALFORMED);
            CHECK_RC(paycore_qr_parse(p, len), PAYCORE_RESULT_MALFORMED);
            undecodable++;
            continue;
        }
        CHECK_RC(paycore_qr_decode(p, len, &crc_valid), PAYCORE_RESULT_OK);
        CHECK(crc_valid == (strcmp(crc_s, "true") == 0));
        if (strcmp(strict, "ok") == 0) {
            static paycore_qr_item items[256];
            static unsigned char out[PAYCORE_QR_MAX_PAYLOAD_BYTES];
            size_t n, out_len = 0;
            CHECK_RC(paycore_qr_parse(p, len), PAYCORE_RESULT_OK);
            /* walk the whole tree, rebuild it: the same payload and CRC */
            n = qr_collect(p, len, NULL, 0, items, 0, 250);
            CHECK_RC(paycore_qr_build(items, n, out, sizeof out, &out_len), PAYCORE_RESULT_OK);
            CHECK(out_len == len && memcmp(out, payload, len) == 0);
            rebuilt++;
            ok++;
        } else {
            CHECK_RC(paycore_qr_parse(p, len), PAYCORE_RESULT_MALFORMED);
            rejected++;
        }
        /* "values": paths like "62.50.00" resolved with paycore_qr_find */
        walk = strstr(s, "\"values\":");
        if (walk && walk < e) {
            char key[32], value[256];
            walk = strchr(walk, '{') + 1;
            while (next_pair(&walk, e, key, sizeof key, value, sizeof value)) {
                paycore_qr_field f, parent;
                bool found = false, have_parent = false;
                char *tok = key;
                for (;;) {
                    char *dot = strchr(tok, '.');
                    if (dot) *dot = '\0';
                    CHECK_RC(paycore_qr_find(p, len, have_parent ? &parent : NULL,
                                             (uint32_t)atoi(tok), &found, &f),
                             PAYCORE_RESULT_OK);
                    CHECK(found);
                    if (!found || !dot) break;
                    CHECK(f.is_template);
                    parent = f;
                    have_parent = true;
                    tok = dot + 1;
                }
                CHECK(found && f.value_len == strlen(value) &&
                      memcmp(payload + f.value_offset, value, f.value_len) == 0);
                values++;
            }
        }
    }
    CHECK(ok == 7 && rejected == 17 && undecodable == 5);
    printf("qr vectors: %d strict ok (%d rebuilt), %d strict rejected, %d undecodable, %d values\n",
           ok, rebuilt, rejected, undecodable, values);
    free(json);
}

static void qr_edge_cases(void) {
    /* EMV QRCPS-MPM v1.1 example (also in tests/vectors/qr.json) */
    static const char example[] =
        "00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802"
        "CN5914BEST TRANSPORT6007BEIJING64200002ZH0104\xE6\x9C\x80\xE4\xBD\xB3\xE8\xBF\x90\xE8\xBE"
        "\x93"
        "0202\xE5\x8C\x97\xE4\xBA\xAC"
        "540523.7253031565502016233030412340603***0708A60086670902ME91320016A011223344998877070812"
        "3456786304A13A";
    const uint8_t *p = (const uint8_t *)example;
    size_t len = strlen(example), out_len = 0;
    paycore_qr_field f, bogus;
    bool found = false, crc_valid = false;
    uint16_t crc = 0;
    unsigned char out[PAYCORE_QR_MAX_PAYLOAD_BYTES];
    static const uint8_t not_utf8[] = {'0', '0', '0', '2', 0xC3, 0x28};
    paycore_qr_item items[8];

    CHECK_RC(paycore_qr_parse(p, len), PAYCORE_RESULT_OK);
    CHECK_RC(paycore_qr_decode(p, len, NULL), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_qr_decode(NULL, 4, &crc_valid), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_qr_parse(NULL, 4), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_qr_decode(not_utf8, sizeof not_utf8, &crc_valid), PAYCORE_RESULT_MALFORMED);
    CHECK_RC(paycore_qr_parse(not_utf8, sizeof not_utf8), PAYCORE_RESULT_MALFORMED);
    CHECK_RC(paycore_qr_decode(NULL, 0, &crc_valid), PAYCORE_RESULT_OK);
    CHECK(!crc_valid);
    CHECK_RC(paycore_qr_parse(NULL, 0), PAYCORE_RESULT_MALFORMED);

    /* iteration */
    CHECK_RC(paycore_qr_next(p, len, NULL, 0, &found, &f), PAYCORE_RESULT_OK);
    CHECK(found && f.id == 0 && f.offset == 0 && f.value_offset == 4 && f.value_len == 2 &&
          f.next_offset == 6 && !f.is_template);
    CHECK_RC(paycore_qr_next(p, len, NULL, len, &found, &f), PAYCORE_RESULT_OK);
    CHECK(!found);
    CHECK_RC(paycore_qr_next(p, len, NULL, 1, &found, &f), PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_qr_next(p, len, NULL, len + 1, &found, &f),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_qr_next(p, len, NULL, 0, NULL, &f), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_qr_next(p, len, NULL, 0, &found, NULL), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_qr_find(p, len, NULL, 29, &found, &f), PAYCORE_RESULT_OK);
    CHECK(found && f.is_template);
    bogus = f;
    bogus.value_offset += 1;
    CHECK_RC(paycore_qr_next(p, len, &bogus, bogus.value_offset, &found, &f),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_qr_find(p, len, &bogus, 0, &found, &f), PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_qr_find(p, len, NULL, 0, &found, &f), PAYCORE_RESULT_OK);
    /* a primitive is not a parent */
    CHECK_RC(paycore_qr_find(p, len, &f, 0, &found, &bogus), PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_qr_find(p, len, NULL, 17, &found, &f), PAYCORE_RESULT_OK);
    CHECK(!found);
    CHECK_RC(paycore_qr_find(p, len, NULL, 0, NULL, &f), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_qr_find(p, len, NULL, 0, &found, NULL), PAYCORE_RESULT_NULL_PARAMETER);

    /* CRC-16/CCITT-FALSE check value (CRC catalogue: check=0x29b1) */
    CHECK_RC(paycore_qr_crc16((const uint8_t *)"123456789", 9, &crc), PAYCORE_RESULT_OK);
    CHECK(crc == 0x29B1);
    CHECK_RC(paycore_qr_crc16((const uint8_t *)"1", 1, NULL), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_qr_crc16(NULL, 1, &crc), PAYCORE_RESULT_NULL_PARAMETER);
    /* the payload's own CRC: over everything up to and including "6304" */
    CHECK_RC(paycore_qr_crc16(p, len - 4, &crc), PAYCORE_RESULT_OK);
    CHECK(crc == 0xA13A);

    /* builder errors */
    items[0].kind = PAYCORE_QR_ITEM_PRIMITIVE;
    items[0].id = 0;
    items[0].value = (const uint8_t *)"01";
    items[0].value_len = 2;
    items[1] = items[0];
    items[1].id = 63;
    CHECK_RC(paycore_qr_build(items, 2, out, sizeof out, &out_len),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    items[1].id = 100;
    CHECK_RC(paycore_qr_build(items, 2, out, sizeof out, &out_len),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    items[1].id = 59;
    items[1].value_len = 0;
    CHECK_RC(paycore_qr_build(items, 2, out, sizeof out, &out_len), PAYCORE_RESULT_MALFORMED);
    items[1].value = NULL;
    items[1].value_len = 3;
    CHECK_RC(paycore_qr_build(items, 2, out, sizeof out, &out_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    items[1].value = not_utf8;
    items[1].value_len = sizeof not_utf8;
    CHECK_RC(paycore_qr_build(items, 2, out, sizeof out, &out_len),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    items[1].kind = 9;
    CHECK_RC(paycore_qr_build(items, 2, out, sizeof out, &out_len),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    items[1].kind = PAYCORE_QR_ITEM_TEMPLATE_BEGIN; /* never closed */
    items[1].id = 26;
    CHECK_RC(paycore_qr_build(items, 2, out, sizeof out, &out_len),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    items[1].kind = PAYCORE_QR_ITEM_TEMPLATE_END; /* nothing open */
    CHECK_RC(paycore_qr_build(items, 2, out, sizeof out, &out_len),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_qr_build(NULL, 1, out, sizeof out, &out_len), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_qr_build(items, 1, out, sizeof out, NULL), PAYCORE_RESULT_NULL_PARAMETER);
    /* the smallest payload: "000201" + "6304" + CRC; short buffer first */
    memset(out, 0xAA, sizeof out);
    CHECK_RC(paycore_qr_build(items, 1, out, 13, &out_len), PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(out_len == 14 && out[0] == 0xAA);
    CHECK_RC(paycore_qr_build(items, 1, out, sizeof out, &out_len), PAYCORE_RESULT_OK);
    CHECK(out_len == 14 && memcmp(out, "0002016304", 10) == 0);
    CHECK_RC(paycore_qr_decode(out, out_len, &crc_valid), PAYCORE_RESULT_OK);
    CHECK(crc_valid);
    CHECK_RC(paycore_qr_parse(out, out_len), PAYCORE_RESULT_MALFORMED); /* no mandatory IDs */
    CHECK_RC(paycore_qr_build(NULL, 0, out, sizeof out, &out_len), PAYCORE_RESULT_OK);
    CHECK(out_len == 8);
}

static void pan_inspect(void) {
    unsigned char masked[PAYCORE_PAN_MAX_LEN];
    size_t masked_len = 0;
    bool luhn = false;
    uint32_t brand = 0;
    /* PAN of the sualeh/magnetictrackparser sample (tests/vectors/track.json) */
    CHECK_RC(paycore_pan_inspect((const uint8_t *)"5266092201416174", 16, &luhn, &brand, masked,
                                 sizeof masked, &masked_len),
             PAYCORE_RESULT_OK);
    CHECK(luhn && brand == PAYCORE_BRAND_MASTERCARD && masked_len == 16 &&
          memcmp(masked, "526609******6174", 16) == 0);
    CHECK_RC(paycore_pan_inspect((const uint8_t *)"5266092201416174", 16, &luhn, &brand, masked,
                                 15, &masked_len),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(masked_len == 16);
    CHECK_RC(paycore_pan_inspect((const uint8_t *)"52660922014", 11, &luhn, &brand, masked,
                                 sizeof masked, &masked_len),
             PAYCORE_RESULT_INVALID_PAN);
    CHECK_RC(paycore_pan_inspect((const uint8_t *)"5266092201416174", 16, NULL, &brand, masked,
                                 sizeof masked, &masked_len),
             PAYCORE_RESULT_NULL_PARAMETER);
}

static void pan_luhn_brand(void) {
    /* Test PANs published by Stripe (https://docs.stripe.com/testing) */
    static const unsigned char bcd[] = {0x41, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11};
    static const unsigned char bcd_odd[] = {0x37, 0x82, 0x82, 0x24, 0x63, 0x10, 0x00, 0x5F};
    static const unsigned char bcd_bad[] = {0x41, 0x11, 0x11, 0x11, 0x11, 0x1A, 0x11, 0x11};
    static const unsigned char bcd_short[] = {0x41, 0x11, 0x11, 0x11, 0x11, 0xFF};
    unsigned char out[24], masked[24];
    size_t out_len = 0, masked_len = 0;
    bool valid = false;
    uint32_t brand = 0;
    uint8_t digit = 0;

    CHECK_RC(paycore_pan_bcd_expose(bcd_odd, sizeof bcd_odd, out, sizeof out, &out_len),
             PAYCORE_RESULT_OK);
    CHECK(out_len == 15 && memcmp(out, "378282246310005", 15) == 0);
    CHECK_RC(paycore_pan_bcd_inspect(bcd_odd, sizeof bcd_odd, &valid, &brand, masked,
                                     sizeof masked, &masked_len),
             PAYCORE_RESULT_OK);
    CHECK(valid && brand == PAYCORE_BRAND_AMEX && masked_len == 15 &&
          memcmp(masked, "378282*****0005", 15) == 0);
    CHECK_WIPED(paycore_pan_bcd_expose(bcd_bad, sizeof bcd_bad, out, sizeof out, &out_len),
                PAYCORE_RESULT_INVALID_PAN, out);
    CHECK_WIPED(paycore_pan_bcd_expose(bcd_short, sizeof bcd_short, out, sizeof out, &out_len),
                PAYCORE_RESULT_INVALID_PAN, out);
    CHECK_WIPED(paycore_pan_bcd_expose(NULL, 8, out, sizeof out, &out_len),
                PAYCORE_RESULT_NULL_PARAMETER, out);
    {
        unsigned char small[8];
        CHECK_WIPED(paycore_pan_bcd_expose(bcd, sizeof bcd, small, sizeof small, &out_len),
                    PAYCORE_RESULT_BUFFER_TOO_SMALL, small);
        CHECK(out_len == 16);
    }
    CHECK_RC(paycore_pan_bcd_expose(bcd, sizeof bcd, out, sizeof out, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_pan_bcd_inspect(bcd, sizeof bcd, NULL, &brand, masked, sizeof masked,
                                     &masked_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_pan_bcd_inspect(bcd, sizeof bcd, &valid, NULL, masked, sizeof masked,
                                     &masked_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_pan_bcd_inspect(bcd_bad, sizeof bcd_bad, &valid, &brand, masked,
                                     sizeof masked, &masked_len),
             PAYCORE_RESULT_INVALID_PAN);

    /* Luhn: Stripe PANs, and Wikipedia's "Luhn algorithm" example
     * 7992739871 -> check digit 3 */
    CHECK_RC(paycore_luhn_check((const uint8_t *)"4111111111111111", 16, &valid),
             PAYCORE_RESULT_OK);
    CHECK(valid);
    CHECK_RC(paycore_luhn_check((const uint8_t *)"4111111111111112", 16, &valid),
             PAYCORE_RESULT_OK);
    CHECK(!valid);
    CHECK_RC(paycore_luhn_check((const uint8_t *)"79927398713", 11, &valid), PAYCORE_RESULT_OK);
    CHECK(valid);
    CHECK_RC(paycore_luhn_check((const uint8_t *)"4111-1111", 9, &valid),
             PAYCORE_RESULT_INVALID_PAN);
    CHECK_RC(paycore_luhn_check(NULL, 0, &valid), PAYCORE_RESULT_INVALID_PAN);
    CHECK_RC(paycore_luhn_check((const uint8_t *)"4111", 4, NULL), PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_luhn_check_digit((const uint8_t *)"7992739871", 10, &digit),
             PAYCORE_RESULT_OK);
    CHECK(digit == '3');
    CHECK_RC(paycore_luhn_check_digit((const uint8_t *)"555555555555444", 15, &digit),
             PAYCORE_RESULT_OK);
    CHECK(digit == '4');
    CHECK_RC(paycore_luhn_check_digit((const uint8_t *)"12a", 3, &digit),
             PAYCORE_RESULT_INVALID_PAN);
    CHECK_RC(paycore_luhn_check_digit((const uint8_t *)"12", 2, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_luhn_check_digit(NULL, 2, &digit), PAYCORE_RESULT_NULL_PARAMETER);

    /* brands by IIN (Stripe test PANs) */
    CHECK_RC(paycore_brand_from_iin((const uint8_t *)"5555555555554444", 16, &brand),
             PAYCORE_RESULT_OK);
    CHECK(brand == PAYCORE_BRAND_MASTERCARD);
    CHECK_RC(paycore_brand_from_iin((const uint8_t *)"6011111111111117", 16, &brand),
             PAYCORE_RESULT_OK);
    CHECK(brand == PAYCORE_BRAND_DISCOVER);
    CHECK_RC(paycore_brand_from_iin((const uint8_t *)"41111", 5, &brand), PAYCORE_RESULT_OK);
    CHECK(brand == PAYCORE_BRAND_UNKNOWN);
    CHECK_RC(paycore_brand_from_iin((const uint8_t *)"411111", 6, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK(strcmp(paycore_brand_name(PAYCORE_BRAND_VISA), "visa") == 0);
    CHECK(strcmp(paycore_brand_name(PAYCORE_BRAND_RUPAY), "rupay") == 0);
    CHECK(strcmp(paycore_brand_name(12345), "unknown") == 0);
}

static void fit_value_edge_cases(void) {
    unsigned char out[8];
    size_t out_len = 0;
    static const unsigned char v[] = {0x12, 0x34, 0x56};
    CHECK_RC(paycore_dol_fit_value(PAYCORE_TAG_FORMAT_N, v, 3, 2, out, sizeof out, &out_len),
             PAYCORE_RESULT_OK);
    CHECK(out_len == 2 && out[0] == 0x34 && out[1] == 0x56);
    CHECK_RC(paycore_dol_fit_value(PAYCORE_TAG_FORMAT_CN, v, 3, 5, out, sizeof out, &out_len),
             PAYCORE_RESULT_OK);
    CHECK(out_len == 5 && memcmp(out, "\x12\x34\x56\xFF\xFF", 5) == 0);
    CHECK_RC(paycore_dol_fit_value(PAYCORE_TAG_FORMAT_AN, v, 3, 2, out, sizeof out, &out_len),
             PAYCORE_RESULT_OK);
    CHECK(out_len == 2 && out[0] == 0x12 && out[1] == 0x34);
    CHECK_RC(paycore_dol_fit_value(PAYCORE_TAG_FORMAT_OTHER, v, 3, 2, out, sizeof out, &out_len),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    memset(out, 0xAA, sizeof out);
    CHECK_RC(paycore_dol_fit_value(PAYCORE_TAG_FORMAT_B, v, 3, 9, out, sizeof out, &out_len),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(out_len == 9 && out[0] == 0xAA);
    CHECK_RC(paycore_dol_fit_value(PAYCORE_TAG_FORMAT_B, NULL, 3, 2, out, sizeof out, &out_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dol_fit_value(PAYCORE_TAG_FORMAT_B, v, 3, 2, out, sizeof out, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_dol_fit_value(PAYCORE_TAG_FORMAT_B, NULL, 0, 0, NULL, 0, &out_len),
             PAYCORE_RESULT_OK);
    CHECK(out_len == 0);
}

int main(void) {
    pan_inspect();
    pan_luhn_brand();
    fit_value_edge_cases();
    run_tlv_vectors();
    tlv_edge_cases();
    tag_dictionary();
    run_dol_vectors();
    dol_edge_cases();
    run_track_vectors();
    track_edge_cases();
    run_qr_vectors();
    qr_edge_cases();
    return test_report("test_card");
}
