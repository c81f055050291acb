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
static int hex_decode(const char *hex, unsigned char *out, size_t cap) {
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

static int test_report(const char *name) {
    printf("%s: %d passed, %d failed\n", name, test_checks - test_failures,
           test_failures);
    return test_failures == 0 ? 0 : 1;
}

#endif
