/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for ECDSA verification (fm_ecdsa_verify), differential
 * against OpenSSL's libcrypto.
 *
 * Input: byte 0 picks the curve (mod 3) and the mode (bit 2), byte 1 the
 * hash (mod 4: SHA-224..SHA-512), the rest is used by the mode:
 *   - raw (bit 2 clear): the rest is a DER signature of a fixed digest
 *     under a fixed key (one per curve), given to both libraries;
 *   - edit (bit 2 set): a valid RFC 6979 signature of that digest is made,
 *     then edited by the rest, read as (position, xor) byte pairs and a
 *     final length change, so the search starts at valid signatures.
 * The same bytes go to fm_ecdsa_verify in P1363 form (raw mode: when the
 * length fits), converted to DER by OpenSSL when its halves are below 2^N.
 *
 * Aborts when: fm_ecdsa_verify returns anything but FM_OK or FM_ERR_VERIFY;
 * its verdict on a DER signature differs from OpenSSL's (which also
 * insists on the one DER encoding: it re-encodes and compares); an
 * unedited signature fails; a P1363 signature verifies here and its DER
 * form does not in OpenSSL.
 *
 * Build: `make fuzz` (tests/fuzz/fuzz.mk), or by hand
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -Iinclude \
 *       -o build/fuzz/fuzz_ecdsa_verify tests/fuzz/fuzz_ecdsa_verify.c \
 *       build/libfipsmod.a -lcrypto -lpthread
 */
#include <fipsmod/fipsmod.h>

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static const int curves[3] = { FM_EC_P256, FM_EC_P384, FM_EC_P521 };
static const char *const groups[3] = { "P-256", "P-384", "P-521" };
static const int hashes[4] = { FM_SHA224, FM_SHA256, FM_SHA384, FM_SHA512 };
static const size_t hlens[4] = { 28, 32, 48, 64 };

static fm_ec_key keys[3];
static EVP_PKEY *pkeys[3];

/* One fixed key per curve: d = SHA-512("fuzz key N") truncated, in both. */
static void setup(void)
{
    static int done;

    if (done)
        return;
    CHECK(fm_init(0) == FM_OK);
    for (int c = 0; c < 3; c++) {
        size_t len = FM_EC_BYTES(curves[c]), publen;
        uint8_t seed[64], d[FM_EC_MAX_BYTES], pub[FM_EC_POINT_MAX_LEN];
        char label[16] = "fuzz key 0";

        label[9] = (char)('0' + c);
        CHECK(fm_hash(FM_SHA512, label, strlen(label), seed, 64) == FM_OK);
        memset(d, 0, sizeof d);
        size_t take = len - 1 < 64 ? len - 1 : 64; /* a zero top byte keeps d below n */
        memcpy(d + len - take, seed, take);
        CHECK(fm_ec_key_import(&keys[c], curves[c], d, len, NULL, 0) == FM_OK);
        CHECK(fm_ec_key_public_bytes(&keys[c], 0, pub, sizeof pub, &publen) == FM_OK);

        OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
        OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, groups[c], 0);
        OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, pub, publen);
        OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(b);
        EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
        CHECK(EVP_PKEY_fromdata_init(ctx) == 1);
        CHECK(EVP_PKEY_fromdata(ctx, &pkeys[c], EVP_PKEY_PUBLIC_KEY, params) == 1);
        EVP_PKEY_CTX_free(ctx);
        OSSL_PARAM_free(params);
        OSSL_PARAM_BLD_free(b);
    }
    done = 1;
}

static int ossl_verify(int c, const uint8_t *dg, size_t dlen, const uint8_t *sig, size_t len)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pkeys[c], NULL);
    int ok = EVP_PKEY_verify_init(ctx) == 1 && EVP_PKEY_verify(ctx, sig, len, dg, dlen) == 1;

    EVP_PKEY_CTX_free(ctx);
    return ok;
}

/* DER of r || s by OpenSSL's encoder; 0 when a half is out of range. */
static size_t p1363_to_der(const uint8_t *rs, size_t half, uint8_t *der)
{
    ECDSA_SIG *s = ECDSA_SIG_new();
    uint8_t *p = der;
    int len;

    ECDSA_SIG_set0(s, BN_bin2bn(rs, (int)half, NULL), BN_bin2bn(rs + half, (int)half, NULL));
    len = i2d_ECDSA_SIG(s, &p);
    ECDSA_SIG_free(s);
    return len > 0 ? (size_t)len : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t dg[64], sig[512], der[512];
    size_t siglen, dlen;
    int c, h, edit, rc;

    setup();
    if (size < 2)
        return 0;
    c = data[0] % 3;
    edit = (data[0] >> 2) & 1;
    h = data[1] % 4;
    dlen = hlens[h];
    CHECK(fm_hash(hashes[h], data, 2, dg, dlen) == FM_OK);
    data += 2;
    size -= 2;

    if (!edit) {
        if (size > sizeof sig)
            return 0;
        memcpy(sig, data, size);
        siglen = size;
    } else {
        size_t changed = 0;

        CHECK(fm_ecdsa_sign(&keys[c], hashes[h], dg, dlen, FM_ECDSA_DETERMINISTIC, sig,
                            sizeof sig, &siglen) == FM_OK);
        for (size_t i = 0; i + 1 < size; i += 2) {
            size_t pos = data[i] % siglen;
            changed |= data[i + 1];
            sig[pos] ^= data[i + 1];
        }
        if (size % 2) { /* a length change of -16..+15 bytes, zero-filled */
            int delta = (int)(data[size - 1] % 32) - 16;
            if (delta > 0) {
                memset(sig + siglen, 0, (size_t)delta);
                siglen += (size_t)delta;
            } else if ((size_t)-delta < siglen) {
                siglen -= (size_t)-delta;
            }
            changed |= (size_t)(delta != 0);
        }
        if (!changed)
            CHECK(fm_ecdsa_verify(&keys[c], hashes[h], dg, dlen, FM_ECDSA_DER, sig, siglen) ==
                  FM_OK);
    }

    rc = fm_ecdsa_verify(&keys[c], hashes[h], dg, dlen, FM_ECDSA_DER, sig, siglen);
    CHECK(rc == FM_OK || rc == FM_ERR_VERIFY);
    CHECK((rc == FM_OK) == ossl_verify(c, dg, dlen, sig, siglen));

    /* The same bytes as r || s, when their length fits. */
    size_t half = FM_EC_BYTES(curves[c]);
    rc = fm_ecdsa_verify(&keys[c], hashes[h], dg, dlen, FM_ECDSA_P1363, sig, siglen);
    CHECK(rc == FM_OK || rc == FM_ERR_VERIFY);
    if (siglen != 2 * half) {
        CHECK(rc == FM_ERR_VERIFY);
    } else if (rc == FM_OK) {
        size_t dl = p1363_to_der(sig, half, der);
        CHECK(dl != 0 && ossl_verify(c, dg, dlen, der, dl));
    }
    return 0;
}
