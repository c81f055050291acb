/* Minimal test harness for the paycore C tests. */
#ifndef PAYCORE_TEST_UTIL_H
#define PAYCORE_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures = 0;
static int test_checks = 0;

#define CHECK(cond)                                                            \
    do {                                                                       \
        test_checks++;                                                         \
        if (!(cond)) {                                                         \
            test_failures++;                                                   \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__,   \
                    #cond);                                                    \
        }                                                                      \
    } while (0)

#define CHECK_RC(expr, expected)                                               \
    do {                                                                       \
        paycore_result rc_ = (expr);                                           \
        test_checks++;                                                         \
        if (rc_ != (paycore_result)(expected)) {                               \
            test_failures++;                                                   \
            fprintf(stderr, "%s:%d: %s returned %u (%s), expected %s\n",       \
                    __FILE__, __LINE__, #expr, (unsigned)rc_,                  \
                    paycore_result_str(rc_), #expected);                       \
        }                                                                      \
    } while (0)

/* Decodes hex into out; returns the byte count or -1. */
static inline int hex_decode(const char *hex, unsigned char *out, size_t cap) {
    size_t n = strlen(hex);
    size_t i;
    if (n % 2 != 0 || n / 2 > cap) return -1;
    for (i = 0; i < n / 2; i++) {
        unsigned int b;
        if (sscanf(hex + 2 * i, "%2x", &b) != 1) return -1;
        out[i] = (unsigned char)b;
    }
    return (int)(n / 2);
}

/* Reads a whole file (the shared JSON vectors); caller frees. */
static inline char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    long n;
    char *buf;
    if (!f) return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    buf = (char *)malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf) buf[n] = '\0';
    fclose(f);
    return buf;
}

/* The vectors files are arrays of flat-ish objects each starting with an
 * "id" field. next_vector finds the next one after *cursor and sets
 * [*start, *end) to its span (up to the next "id" or the end). */
static inline int next_vector(const char *json, const char **cursor, const char **start,
                       const char **end) {
    const char *s = strstr(*cursor, "\"id\":");
    const char *e;
    if (!s) return 0;
    e = strstr(s + 5, "\"id\":");
    if (!e) e = json + strlen(json);
    *start = s;
    *end = e;
    *cursor = e;
    return 1;
}

/* Copies the value of "name": (a string without quotes, or a bare number)
 * inside [start, end) into out; returns 1 if found. */
static inline int field(const char *start, const char *end, const char *name, char *out,
                 size_t cap) {
    char pattern[64];
    const char *p;
    size_t n = 0;
    snprintf(pattern, sizeof pattern, "\"%s\":", name);
    p = strstr(start, pattern);
    if (!p || p >= end) return 0;
    p += strlen(pattern);
    while (*p == ' ') p++;
    if (*p == '"') {
        p++;
        while (*p && *p != '"' && n + 1 < cap) out[n++] = *p++;
    } else {
        while (*p && *p != ',' && *p != '}' && *p != ' ' && *p != '\n' && n + 1 < cap)
            out[n++] = *p++;
    }
    out[n] = '\0';
    return 1;
}

static inline int test_report(const char *name) {
    printf("%s: %d passed, %d failed\n", name, test_checks - test_failures,
           test_failures);
    return test_failures == 0 ? 0 : 1;
}


/* ---- Helpers added for test_card.c (sequential scanning of nested JSON). */

/* Like field(), but searches from *cursor (before end) and moves *cursor
 * past the match, so repeated calls walk the occurrences in order. */
static inline int next_field(const char **cursor, const char *end, const char *name, char *out,
                             size_t cap) {
    char pattern[64];
    const char *p;
    snprintf(pattern, sizeof pattern, "\"%s\":", name);
    p = strstr(*cursor, pattern);
    if (!p || p >= end) return 0;
    if (!field(p, end, name, out, cap)) return 0;
    *cursor = p + strlen(pattern);
    return 1;
}

/* Reads the next "key": "value" string pair at *cursor, stopping at the
 * closing brace of the enclosing object; moves *cursor past it. */
static inline int next_pair(const char **cursor, const char *end, char *key, size_t kcap,
                            char *value, size_t vcap) {
    const char *p = *cursor;
    size_t n = 0;
    while (p < end && *p != '"' && *p != '}') p++;
    if (p >= end || *p != '"') return 0;
    p++;
    while (p < end && *p != '"' && n + 1 < kcap) key[n++] = *p++;
    key[n] = '\0';
    while (p < end && *p != ':') p++;
    p++;
    while (p < end && *p == ' ') p++;
    if (p >= end || *p != '"') return 0;
    p++;
    n = 0;
    while (p < end && *p != '"' && n + 1 < vcap) value[n++] = *p++;
    value[n] = '\0';
    if (p < end) p++;
    *cursor = p;
    return 1;
}

/* ---- helpers added for test_dukpt.c / test_tr31.c ---- */
/* True if buf[0..len) equals the bytes of the hex string. */
static inline int bytes_eq_hex(const unsigned char *buf, size_t len, const char *hex) {
    unsigned char tmp[512];
    int n = hex_decode(hex, tmp, sizeof tmp);
    return n >= 0 && (size_t)n == len && memcmp(buf, tmp, len) == 0;
}

/* True if every byte of buf[0..len) is zero. */
static inline int all_zero(const unsigned char *buf, size_t len) {
    size_t i;
    for (i = 0; i < len; i++)
        if (buf[i] != 0) return 0;
    return 1;
}

/* True if the string "name" appears in the JSON list that follows "list":
 * inside [start, end). */
static inline int list_contains(const char *start, const char *end, const char *list,
                                const char *name) {
    char pattern[96];
    const char *p, *close, *hit;
    snprintf(pattern, sizeof pattern, "\"%s\":", list);
    p = strstr(start, pattern);
    if (!p || p >= end) return 0;
    close = strchr(p, ']');
    if (!close || close > end) return 0;
    snprintf(pattern, sizeof pattern, "\"%s\"", name);
    hit = strstr(p, pattern);
    return hit != NULL && hit < close;
}

#endif
