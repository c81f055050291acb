/*
 * A whole sale through the paycore C API, written the way terminal firmware
 * would: fixed buffers on the stack, no heap of its own, every result code
 * checked, secrets wiped after use.
 *
 * Terminal: read the chip record (BER-TLV) and its tag 57, mask the PAN,
 * take the next AES DUKPT key (state persisted through a callback before the
 * key is released), encipher the PIN (ISO 9564-1 format 4), MAC the request
 * (AES-CMAC), sign the transaction record (ECDSA P-256), seal the track data
 * for the host and append the record to the offline journal.
 *
 * Host: derive the same keys from the BDK and KSN, verify MAC and signature,
 * open the sealed data, translate the PIN block to the issuer's TDES key
 * (format 0) and verify the journal.
 *
 * Test data: the X9.24-3-2017 supplement AES-128 BDK and initial key ID, and
 * a Visa test PAN.
 */
#include <stdio.h>
#include <string.h>

#include "paycore.h"

#define FAIL(what, rc)                                                            \
    do {                                                                          \
        fprintf(stderr, "example_sale: %s failed: %s\n", what,                    \
                paycore_result_str(rc));                                          \
        return 1;                                                                 \
    } while (0)
#define TRY(what, expr)                                                           \
    do {                                                                          \
        paycore_result rc_ = (expr);                                              \
        if (rc_ != PAYCORE_RESULT_OK) FAIL(what, rc_);                            \
    } while (0)

/* The terminal's flash for DUKPT state. */
static uint8_t flash[PAYCORE_DUKPT_AES_STATE_LEN];
static size_t flash_len;

static int persist(void *ctx, const uint8_t *blob, size_t len) {
    (void)ctx;
    if (len > sizeof flash) return 1;
    memcpy(flash, blob, len);
    flash_len = len;
    return 0;
}

static void wipe(void *p, size_t n) {
    volatile unsigned char *v = (volatile unsigned char *)p;
    while (n--) *v++ = 0;
}

int main(void) {
    static const uint8_t bdk_bytes[16] = {0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10,
                                          0xF1, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1};
    static const uint8_t ik_id[8] = {0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56};
    static const uint8_t device_bytes[32] = {
        0x60, 0x3D, 0xEB, 0x10, 0x15, 0xCA, 0x71, 0xBE, 0x2B, 0x73, 0xAE, 0xF0, 0x85, 0x7D, 0x77, 0x81,
        0x1F, 0x35, 0x2C, 0x07, 0x3B, 0x61, 0x08, 0xD7, 0x2D, 0x98, 0x10, 0xA3, 0x09, 0x14, 0xDF, 0xF4};
    static const uint8_t token_bytes[32] = {
        0x2B, 0x7E, 0x15, 0x16, 0x28, 0xAE, 0xD2, 0xA6, 0xAB, 0xF7, 0x15, 0x88, 0x09, 0xCF, 0x4F, 0x3C,
        0x76, 0x2E, 0x71, 0x60, 0xF3, 0x8B, 0x4D, 0xA5, 0x6A, 0x78, 0x4D, 0x90, 0x45, 0x19, 0x0C, 0xFE};
    static const uint8_t zpk_bytes[16] = {0x89, 0xAB, 0xCD, 0xEF, 0x01, 0x23, 0x45, 0x67,
                                          0x76, 0x54, 0x32, 0x10, 0xFE, 0xDC, 0xBA, 0x98};
    /* Chip READ RECORD response: 70 { 57 (track 2 equivalent), 5F34 }. */
    static const uint8_t chip[] = {0x70, 0x17, 0x57, 0x11, 0x47, 0x61, 0x73, 0x90, 0x01,
                                   0x01, 0x00, 0x10, 0xD2, 0x51, 0x22, 0x01, 0x11, 0x43,
                                   0x80, 0x44, 0x0F, 0x5F, 0x34, 0x01, 0x01};
    static const char pin[] = "1234";

    paycore_key *bdk = NULL, *ik = NULL, *device = NULL, *token_key = NULL;
    paycore_key *pin_key = NULL, *mac_key = NULL, *host_pin = NULL, *host_mac = NULL;
    paycore_key *acquirer_zpk = NULL, *issuer_zpk = NULL;
    paycore_dukpt_originator *originator = NULL;
    paycore_dukpt_tx *tx = NULL;
    paycore_signing_key *signer = NULL;
    paycore_recipient_key *host_key = NULL;
    paycore_tlv t57;
    paycore_track_info card;
    paycore_record record, verified;
    paycore_journal_writer journal = {0}, journal_next;
    paycore_journal_entry entry_ref;
    paycore_journal_problem problems[4];
    paycore_journal_summary summary;
    bool found = false;
    uint8_t pan[19], ksn[12], block[16], moved[8], token[16], masked[19];
    uint8_t encoded[PAYCORE_RECORD_MAX_ENCODED_LEN], sig[64], request[256], mac[16];
    uint8_t host_public[65], device_public[65], envelope[128], opened[64], entry[512];
    uint8_t issuer_pin[12];
    size_t pan_len, ksn_len, block_len, moved_len, token_len, masked_len, encoded_len, sig_len,
        mac_len, host_public_len, device_public_len, envelope_len, opened_len, entry_len,
        problems_len, issuer_pin_len, request_len;

    /* Key injection and provisioning. */
    TRY("BDK", paycore_key_new(PAYCORE_ALGORITHM_AES128, bdk_bytes, 16, (const uint8_t *)"B0",
                               'X', 'N', &bdk));
    TRY("initial key", paycore_dukpt_derive_initial_key(bdk, ik_id, 8, &ik));
    TRY("device key", paycore_key_new(PAYCORE_ALGORITHM_AES256, device_bytes, 32,
                                      (const uint8_t *)"D0", 'B', 'N', &device));
    TRY("token key", paycore_key_new(PAYCORE_ALGORITHM_AES256, token_bytes, 32,
                                     (const uint8_t *)"M7", 'G', 'N', &token_key));
    TRY("load DUKPT", paycore_dukpt_originator_load_aes(ik, ik_id, 8, device, persist, NULL,
                                                       &originator));
    paycore_key_free(ik);
    ik = NULL;
    TRY("signing key", paycore_signing_key_generate(&signer));
    TRY("host key", paycore_recipient_key_generate(&host_key));
    TRY("host public", paycore_recipient_key_public_key(host_key, host_public,
                                                        sizeof host_public, &host_public_len));
    TRY("device public",
        paycore_signing_key_public_key(signer, PAYCORE_PUBLIC_KEY_SEC1_UNCOMPRESSED,
                                       device_public, sizeof device_public, &device_public_len));

    /* 1. Read the card. */
    TRY("TLV validate", paycore_tlv_validate(chip, sizeof chip, &entry_len));
    TRY("find tag 57", paycore_tlv_find(chip, sizeof chip, 0x57, &found, &t57));
    if (!found) FAIL("find tag 57", PAYCORE_RESULT_MALFORMED);
    TRY("tag 57", paycore_track_parse(PAYCORE_TRACK_KIND_TAG57, chip + t57.value_offset,
                                      t57.value_len, &card));
    TRY("PAN", paycore_track_expose_pan(PAYCORE_TRACK_KIND_TAG57, chip + t57.value_offset,
                                        t57.value_len, pan, sizeof pan, &pan_len));
    printf("card      %.*s  Luhn %s, service code %u%u%u, PIN %s\n", (int)card.masked_pan_len,
           (const char *)card.masked_pan, card.luhn_valid ? "ok" : "BAD", (unsigned)card.service_code[0],
           (unsigned)card.service_code[1], (unsigned)card.service_code[2], card.pin_required ? "required" : "optional");

    /* 2. DUKPT: the state is persisted before the key is released. */
    TRY("next transaction", paycore_dukpt_originator_next(originator, device, persist, NULL, ksn,
                                                          sizeof ksn, &ksn_len, &tx));
    TRY("PIN key", paycore_dukpt_tx_working_key(tx, PAYCORE_DUKPT_USAGE_PIN,
                                                PAYCORE_DUKPT_KEY_TYPE_AES128, &pin_key));
    TRY("MAC key", paycore_dukpt_tx_working_key(tx, PAYCORE_DUKPT_USAGE_MAC_GENERATE,
                                                PAYCORE_DUKPT_KEY_TYPE_AES128, &mac_key));
    paycore_dukpt_tx_free(tx);
    tx = NULL;
    printf("dukpt     KSN counter %02X%02X%02X%02X, %zu-byte state persisted first\n", ksn[8],
           ksn[9], ksn[10], ksn[11], flash_len);

    /* 3. PIN block, format 4. */
    TRY("PIN block", paycore_pin_block_encipher(pin_key, PAYCORE_PIN_FORMAT_ISO4,
                                                (const uint8_t *)pin, 4, pan, pan_len, NULL, 0,
                                                block, sizeof block, &block_len));

    /* 4. Record, signed. */
    TRY("mask", paycore_pan_mask(pan, pan_len, masked, sizeof masked, &masked_len));
    TRY("token", paycore_pan_token(token_key, pan, pan_len, token, sizeof token, &token_len));
    memset(&record, 0, sizeof record);
    record.merchant_id = (const uint8_t *)"MERCHANT000001";
    record.merchant_id_len = 14;
    record.terminal_id = (const uint8_t *)"TERM0001";
    record.terminal_id_len = 8;
    record.stan = 1;
    record.currency = 978;
    record.amount_minor = 4250;
    record.transaction_type = PAYCORE_TRANSACTION_TYPE_SALE;
    record.entry_mode = PAYCORE_ENTRY_MODE_CHIP;
    record.timestamp = 1764000000u;
    record.masked_pan = masked;
    record.masked_pan_len = masked_len;
    memcpy(record.pan_token, token, sizeof record.pan_token);
    record.response_code = (const uint8_t *)"00";
    record.response_code_len = 2;
    TRY("sign record", paycore_sign_record(signer, &record, encoded, sizeof encoded, &encoded_len,
                                           sig, sizeof sig, &sig_len));

    /* 5. Request = record || KSN || PIN block, MACed. */
    request_len = 0;
    memcpy(request + request_len, encoded, encoded_len);
    request_len += encoded_len;
    memcpy(request + request_len, ksn, ksn_len);
    request_len += ksn_len;
    memcpy(request + request_len, block, block_len);
    request_len += block_len;
    TRY("MAC", paycore_mac_generate(mac_key, PAYCORE_MAC_ALG_CMAC, PAYCORE_MAC_PADDING_NONE,
                                    request, request_len, 8, mac, sizeof mac, &mac_len));

    /* 6. Card data sealed for the host, record bound as AAD. */
    TRY("seal", paycore_seal(host_public, host_public_len, encoded, encoded_len,
                             chip + t57.value_offset, t57.value_len, envelope, sizeof envelope,
                             &envelope_len));

    /* 7. Journal. */
    TRY("journal", paycore_journal_append_ecdsa(&journal, signer, encoded, encoded_len, entry,
                                                sizeof entry, &entry_len, &journal_next));
    printf("terminal  PIN block %zu B, MAC %zu B, record %zu B signed, envelope %zu B, "
           "journal entry %zu B\n",
           block_len, mac_len, encoded_len, envelope_len, entry_len);
    wipe(pan, sizeof pan);

    /* ---- Host ---- */
    TRY("host PIN key", paycore_dukpt_derive(bdk, ksn, ksn_len, PAYCORE_DUKPT_USAGE_PIN,
                                             PAYCORE_DUKPT_KEY_TYPE_AES128, &host_pin));
    TRY("host MAC key", paycore_dukpt_derive(bdk, ksn, ksn_len, PAYCORE_DUKPT_USAGE_MAC_GENERATE,
                                             PAYCORE_DUKPT_KEY_TYPE_AES128, &host_mac));
    TRY("verify MAC", paycore_mac_verify(host_mac, PAYCORE_MAC_ALG_CMAC, PAYCORE_MAC_PADDING_NONE,
                                         request, request_len, mac, mac_len));
    TRY("verify record", paycore_verify_record(device_public, device_public_len, encoded,
                                               encoded_len, sig, sig_len, PAYCORE_SIGNATURE_RAW,
                                               PAYCORE_S_POLICY_REJECT_HIGH_S, &verified));
    TRY("open", paycore_open(host_key, encoded, encoded_len, envelope, envelope_len, opened,
                             sizeof opened, &opened_len));
    TRY("host PAN", paycore_track_expose_pan(PAYCORE_TRACK_KIND_TAG57, opened, opened_len, pan,
                                             sizeof pan, &pan_len));
    TRY("acquirer ZPK", paycore_key_new(PAYCORE_ALGORITHM_TDES2, zpk_bytes, 16,
                                        (const uint8_t *)"P0", 'E', 'N', &acquirer_zpk));
    TRY("issuer ZPK", paycore_key_new(PAYCORE_ALGORITHM_TDES2, zpk_bytes, 16,
                                      (const uint8_t *)"P0", 'D', 'N', &issuer_zpk));
    TRY("translate", paycore_pin_block_translate(host_pin, PAYCORE_PIN_FORMAT_ISO4, block,
                                                 block_len, acquirer_zpk, PAYCORE_PIN_FORMAT_ISO0,
                                                 pan, pan_len, moved, sizeof moved, &moved_len));
    TRY("issuer PIN", paycore_pin_block_decipher(issuer_zpk, PAYCORE_PIN_FORMAT_ISO0, moved,
                                                 moved_len, pan, pan_len, issuer_pin,
                                                 sizeof issuer_pin, &issuer_pin_len));
    if (issuer_pin_len != 4 || memcmp(issuer_pin, pin, 4) != 0)
        FAIL("issuer PIN check", PAYCORE_RESULT_VERIFICATION_FAILED);
    wipe(issuer_pin, sizeof issuer_pin);
    wipe(pan, sizeof pan);
    wipe(opened, sizeof opened);
    entry_ref.data = entry;
    entry_ref.len = entry_len;
    TRY("verify journal",
        paycore_journal_verify_ecdsa(&entry_ref, 1, device_public, device_public_len, &journal,
                                     true, 0, problems, 4, &problems_len, &summary));
    printf("host      MAC ok, signature ok (STAN %u), card data opened, PIN translated to "
           "format 0 and verified, journal intact (%zu problems)\n",
           (unsigned)verified.stan, problems_len);

    paycore_key_free(bdk);
    paycore_key_free(device);
    paycore_key_free(token_key);
    paycore_key_free(pin_key);
    paycore_key_free(mac_key);
    paycore_key_free(host_pin);
    paycore_key_free(host_mac);
    paycore_key_free(acquirer_zpk);
    paycore_key_free(issuer_zpk);
    paycore_dukpt_originator_free(originator);
    paycore_signing_key_free(signer);
    paycore_recipient_key_free(host_key);
    printf("example_sale: 1 passed, 0 failed\n");
    return 0;
}
