/* Keys and card data through the C ABI: KCVs (published values), PAN
 * inspection, and every NULL / short-buffer / bad-argument path. */
#include "paycore.h"
#include "test_util.h"

static void test_result_strings(void) {
    CHECK(strcmp(paycore_result_str(PAYCORE_RESULT_OK), "ok") == 0);
    CHECK(strcmp(paycore_result_str(99999), "unknown result code") == 0);
    CHECK(paycore_result_is_verification_failure(PAYCORE_RESULT_VERIFICATION_FAILED));
    CHECK(!paycore_result_is_verification_failure(PAYCORE_RESULT_OK));
    CHECK(paycore_result_is_bad_input(PAYCORE_RESULT_MALFORMED));
    CHECK(strcmp(paycore_version(), PAYCORE_VERSION) == 0);
}

static void test_kcv(void) {
    /* The classic test key 0123456789ABCDEFFEDCBA9876543210: KCV 08D7B4
     * (X9.24-1:2009 Annex A BDK; KCV listed in e.g. EFTlab's key tools). */
    unsigned char material[32];
    unsigned char kcv[16];
    size_t kcv_len = 0;
    paycore_key *key = NULL;
    int n = hex_decode("0123456789ABCDEFFEDCBA9876543210", material, sizeof material);
    CHECK(n == 16);
    CHECK_RC(paycore_key_new(PAYCORE_ALGORITHM_TDES2, material, 16,
                             (const uint8_t *)"K0", 'B', 'E', &key),
             PAYCORE_RESULT_OK);
    CHECK(key != NULL);
    CHECK_RC(paycore_key_kcv(key, PAYCORE_KCV_LEGACY, 3, kcv, sizeof kcv, &kcv_len),
             PAYCORE_RESULT_OK);
    CHECK(kcv_len == 3);
    CHECK(kcv[0] == 0x08 && kcv[1] == 0xD7 && kcv[2] == 0xB4);
    CHECK_RC(paycore_key_kcv_verify(key, PAYCORE_KCV_LEGACY, kcv, 3), PAYCORE_RESULT_OK);
    kcv[2] ^= 1;
    CHECK_RC(paycore_key_kcv_verify(key, PAYCORE_KCV_LEGACY, kcv, 3),
             PAYCORE_RESULT_VERIFICATION_FAILED);

    /* Short buffer: the size needed is reported. */
    kcv_len = 0;
    CHECK_RC(paycore_key_kcv(key, PAYCORE_KCV_LEGACY, 3, kcv, 2, &kcv_len),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(kcv_len == 3);
    /* NULL paths. */
    CHECK_RC(paycore_key_kcv(NULL, PAYCORE_KCV_LEGACY, 3, kcv, sizeof kcv, &kcv_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_key_kcv(key, PAYCORE_KCV_LEGACY, 3, kcv, sizeof kcv, NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_key_kcv(key, PAYCORE_KCV_LEGACY, 3, NULL, 16, &kcv_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    /* Bad arguments. */
    CHECK_RC(paycore_key_kcv(key, 77, 3, kcv, sizeof kcv, &kcv_len),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_key_kcv(key, PAYCORE_KCV_LEGACY, 9, kcv, sizeof kcv, &kcv_len),
             PAYCORE_RESULT_INVALID_KEY);
    paycore_key_free(key);
    paycore_key_free(NULL);

    /* Key creation failures leave *out untouched. */
    key = NULL;
    CHECK_RC(paycore_key_new(PAYCORE_ALGORITHM_TDES2, material, 15,
                             (const uint8_t *)"K0", 'B', 'E', &key),
             PAYCORE_RESULT_INVALID_KEY);
    CHECK(key == NULL);
    CHECK_RC(paycore_key_new(99, material, 16, (const uint8_t *)"K0", 'B', 'E', &key),
             PAYCORE_RESULT_INVALID_ARGUMENT);
    CHECK_RC(paycore_key_new(PAYCORE_ALGORITHM_TDES2, material, 16,
                             (const uint8_t *)"ZZ", 'B', 'E', &key),
             PAYCORE_RESULT_INVALID_KEY);
    CHECK_RC(paycore_key_new(PAYCORE_ALGORITHM_TDES2, material, 16,
                             (const uint8_t *)"K0", 'Q', 'E', &key),
             PAYCORE_RESULT_INVALID_KEY);
    CHECK_RC(paycore_key_new(PAYCORE_ALGORITHM_TDES2, NULL, 16,
                             (const uint8_t *)"K0", 'B', 'E', &key),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_key_new(PAYCORE_ALGORITHM_TDES2, material, 16, NULL, 'B', 'E', &key),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_key_new(PAYCORE_ALGORITHM_TDES2, material, 16,
                             (const uint8_t *)"K0", 'B', 'E', NULL),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK(key == NULL);
}

static void test_pan(void) {
    const char *pan = "4111111111111111";
    unsigned char masked[PAYCORE_PAN_MAX_LEN];
    size_t masked_len = 0;
    bool luhn = false;
    uint32_t brand = 0;
    CHECK_RC(paycore_pan_inspect((const uint8_t *)pan, strlen(pan), &luhn, &brand,
                                 masked, sizeof masked, &masked_len),
             PAYCORE_RESULT_OK);
    CHECK(masked_len == 16);
    CHECK(memcmp(masked, "411111******1111", 16) == 0);
    CHECK(luhn);
    CHECK(brand == PAYCORE_BRAND_VISA);

    pan = "4111111111111112";
    CHECK_RC(paycore_pan_inspect((const uint8_t *)pan, strlen(pan), &luhn, &brand,
                                 masked, sizeof masked, &masked_len),
             PAYCORE_RESULT_OK);
    CHECK(!luhn);
    pan = "41111x1111111111";
    CHECK_RC(paycore_pan_inspect((const uint8_t *)pan, strlen(pan), &luhn, &brand,
                                 masked, sizeof masked, &masked_len),
             PAYCORE_RESULT_INVALID_PAN);
    pan = "4111111111111111";
    CHECK_RC(paycore_pan_inspect((const uint8_t *)pan, strlen(pan), &luhn, &brand,
                                 masked, 4, &masked_len),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(masked_len == 16);
    CHECK_RC(paycore_pan_inspect(NULL, 16, &luhn, &brand, masked, sizeof masked, &masked_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_pan_inspect((const uint8_t *)pan, 16, NULL, &brand, masked,
                                 sizeof masked, &masked_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    CHECK_RC(paycore_pan_inspect((const uint8_t *)pan, 16, &luhn, NULL, masked,
                                 sizeof masked, &masked_len),
             PAYCORE_RESULT_NULL_PARAMETER);
}

/* McGrew & Viega, "The Galois/Counter Mode of Operation", Test Case 4. */
static void test_aead(void) {
    unsigned char k[16], nonce[12], aad[20], pt[60], sealed[128], opened[128];
    size_t sealed_len = 0, opened_len = 0;
    unsigned char expect_tag[16];
    paycore_key *key = NULL, *mac_key = NULL;
    CHECK(hex_decode("feffe9928665731c6d6a8f9467308308", k, sizeof k) == 16);
    CHECK(hex_decode("cafebabefacedbaddecaf888", nonce, sizeof nonce) == 12);
    CHECK(hex_decode("feedfacedeadbeeffeedfacedeadbeefabaddad2", aad, sizeof aad) == 20);
    CHECK(hex_decode("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
                     pt, sizeof pt) == 60);
    CHECK(hex_decode("5bc94fbc3221a5db94fae95ae7121a47", expect_tag, sizeof expect_tag) == 16);
    CHECK_RC(paycore_key_new(PAYCORE_ALGORITHM_AES128, k, 16, (const uint8_t *)"D0", 'B', 'E',
                             &key),
             PAYCORE_RESULT_OK);
    CHECK_RC(paycore_aead_seal(key, nonce, aad, 20, pt, 60, sealed, sizeof sealed, &sealed_len),
             PAYCORE_RESULT_OK);
    CHECK(sealed_len == 60 + PAYCORE_AEAD_TAG_LEN);
    CHECK(memcmp(sealed + 60, expect_tag, 16) == 0);
    CHECK_RC(paycore_aead_open(key, nonce, aad, 20, sealed, sealed_len, opened, sizeof opened,
                               &opened_len),
             PAYCORE_RESULT_OK);
    CHECK(opened_len == 60 && memcmp(opened, pt, 60) == 0);
    /* Tamper: every byte of ciphertext and tag. */
    {
        size_t i;
        int all_failed = 1;
        for (i = 0; i < sealed_len; i++) {
            sealed[i] ^= 0x01;
            if (paycore_aead_open(key, nonce, aad, 20, sealed, sealed_len, opened,
                                  sizeof opened, &opened_len) !=
                PAYCORE_RESULT_VERIFICATION_FAILED)
                all_failed = 0;
            sealed[i] ^= 0x01;
        }
        CHECK(all_failed);
        CHECK(opened[0] == 0 && opened[59] == 0); /* zeroed on failure */
    }
    CHECK_RC(paycore_aead_open(key, nonce, aad, 20, sealed, 15, opened, sizeof opened,
                               &opened_len),
             PAYCORE_RESULT_MALFORMED);
    CHECK_RC(paycore_aead_seal(key, nonce, aad, 20, pt, 60, sealed, 10, &sealed_len),
             PAYCORE_RESULT_BUFFER_TOO_SMALL);
    CHECK(sealed_len == 76);
    CHECK_RC(paycore_aead_seal(key, NULL, aad, 20, pt, 60, sealed, sizeof sealed, &sealed_len),
             PAYCORE_RESULT_NULL_PARAMETER);
    /* A MAC key cannot encrypt. */
    CHECK_RC(paycore_key_new(PAYCORE_ALGORITHM_AES128, k, 16, (const uint8_t *)"M6", 'C', 'E',
                             &mac_key),
             PAYCORE_RESULT_OK);
    CHECK_RC(paycore_aead_seal(mac_key, nonce, aad, 20, pt, 60, sealed, sizeof sealed,
                               &sealed_len),
             PAYCORE_RESULT_KEY_USAGE);
    paycore_key_free(mac_key);
    paycore_key_free(key);
}

int main(void) {
    test_aead();
    test_result_strings();
    test_kcv();
    test_pan();
    return test_report("test_keys");
}
