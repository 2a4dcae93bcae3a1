/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ACVP handler for AES in ECB mode (ACVP symmetric block cipher
 * specification, draft-celi-acvp-symmetric; Monte Carlo test from AESAVS
 * section 6.4): ACVP-AES-ECB, revision 1.0. Groups carry testType,
 * direction ("encrypt" | "decrypt") and keyLen (128, 192 or 256 bits).
 *
 *   AFT  {key, pt} -> ct (encrypt);  {key, ct} -> pt (decrypt); any whole
 *        number of blocks.
 *   MCT  {key, pt|ct} -> resultsArray of 100 {key, pt, ct}. Each entry
 *        holds the key and the input at the start of an outer iteration
 *        and the output of the last of its 1000 inner operations (each
 *        output is the next input). Then, with out = the last output and
 *        prev = the one before it:
 *            128: key ^= out
 *            192: key ^= last 64 bits of prev || out
 *            256: key ^= prev || out
 *        and the next input is out.
 */
#include "acvp.h"

#include <fipsmod/aes.h>
#include <stdlib.h>
#include <string.h>

#define AES_MCT_OUTER 100
#define AES_MCT_INNER 1000

struct aes_group {
    bool encrypt;
    uint64_t key_bits;
};

static int aes_ecb(struct acvp_run *run, bool encrypt, const fm_aes_key *key,
                   const uint8_t *in, uint8_t *out, size_t len)
{
    if (encrypt)
        return acvp_check(run, fm_aes_ecb_encrypt(key, in, out, len), "fm_aes_ecb_encrypt");
    return acvp_check(run, fm_aes_ecb_decrypt(key, in, out, len), "fm_aes_ecb_decrypt");
}

/* The text field's length in bits (ACVP AES tests carry no length field). */
static int hex_bits(struct acvp_run *run, json_t *test, const char *key, uint64_t *bits)
{
    const char *hex;

    if (acvp_get_string(run, test, key, &hex) != 0)
        return -1;
    *bits = (uint64_t)strlen(hex) * 4;
    return 0;
}

static int aes_aft(struct acvp_run *run, const struct acvp_alg *alg,
                   json_t *test, json_t *out, void *arg)
{
    const struct aes_group *g = arg;
    const char *in_name = g->encrypt ? "pt" : "ct";
    const char *out_name = g->encrypt ? "ct" : "pt";
    uint8_t *key = NULL, *in = NULL, *res = NULL;
    size_t klen, len;
    uint64_t bits;
    fm_aes_key k;
    int rc = -1;

    (void)alg;
    if (hex_bits(run, test, in_name, &bits) != 0)
        return -1;
    if (bits % 128 != 0)
        return acvp_error(run, "'%s' of %llu bits is not a whole number of blocks", in_name,
                          (unsigned long long)bits);
    if (acvp_get_hex(run, test, "key", g->key_bits, &key, &klen) != 0)
        return -1;
    if (acvp_get_hex(run, test, in_name, bits, &in, &len) != 0)
        goto out;
    res = malloc(len + 1);
    if (res == NULL) {
        acvp_error(run, "out of memory");
        goto out;
    }
    if (acvp_check(run, fm_aes_init(&k, key, klen), "fm_aes_init") != 0)
        goto out;
    rc = aes_ecb(run, g->encrypt, &k, in, res, len);
    (void)fm_aes_wipe(&k);
    if (rc == 0)
        rc = acvp_put_hex(run, out, out_name, res, len);
out:
    free(res);
    free(in);
    free(key);
    return rc;
}

static int mct_entry(struct acvp_run *run, json_t *results, const uint8_t *key, size_t klen,
                     const uint8_t pt[16], const uint8_t ct[16])
{
    json_t *entry = json_object();

    if (entry == NULL || json_array_append_new(results, entry) != 0)
        return acvp_error(run, "out of memory");
    if (acvp_put_hex(run, entry, "key", key, klen) != 0 ||
        acvp_put_hex(run, entry, "pt", pt, 16) != 0 ||
        acvp_put_hex(run, entry, "ct", ct, 16) != 0)
        return -1;
    return 0;
}

static int aes_mct(struct acvp_run *run, const struct acvp_alg *alg,
                   json_t *test, json_t *out, void *arg)
{
    const struct aes_group *g = arg;
    const char *in_name = g->encrypt ? "pt" : "ct";
    uint8_t *key0 = NULL, *in0 = NULL;
    uint8_t key[32], cur[16], prev[16], first[16], mix[32];
    size_t klen, len;
    json_t *results;
    fm_aes_key k;
    int rc = -1;

    (void)alg;
    if (acvp_get_hex(run, test, "key", g->key_bits, &key0, &klen) != 0)
        return -1;
    if (acvp_get_hex(run, test, in_name, 128, &in0, &len) != 0)
        goto out;
    results = json_array();
    if (acvp_put(run, out, "resultsArray", results) != 0)
        goto out;
    memcpy(key, key0, klen);
    memcpy(cur, in0, 16);
    for (int i = 0; i < AES_MCT_OUTER; i++) {
        memcpy(first, cur, 16);
        if (acvp_check(run, fm_aes_init(&k, key, klen), "fm_aes_init") != 0)
            goto out;
        for (int j = 0; j < AES_MCT_INNER; j++) {
            memcpy(prev, cur, 16);
            if (aes_ecb(run, g->encrypt, &k, prev, cur, 16) != 0) {
                (void)fm_aes_wipe(&k);
                goto out;
            }
        }
        (void)fm_aes_wipe(&k);
        /* Input and output of the outer iteration under pt/ct as the direction has them. */
        if (mct_entry(run, results, key, klen, g->encrypt ? first : cur,
                      g->encrypt ? cur : first) != 0)
            goto out;
        /* AESAVS 6.4: prev is the output before the last (input of the last operation). */
        if (klen == 16) {
            memcpy(mix, cur, 16);
        } else if (klen == 24) {
            memcpy(mix, prev + 8, 8);
            memcpy(mix + 8, cur, 16);
        } else {
            memcpy(mix, prev, 16);
            memcpy(mix + 16, cur, 16);
        }
        for (size_t b = 0; b < klen; b++)
            key[b] ^= mix[b];
    }
    rc = 0;
out:
    (void)fm_wipe(key, sizeof key);
    free(in0);
    free(key0);
    return rc;
}

static int aes_ecb_group(struct acvp_run *run, const struct acvp_alg *alg,
                         json_t *group, json_t *out)
{
    const char *type, *direction;
    struct aes_group g;

    if (acvp_get_string(run, group, "testType", &type) != 0 ||
        acvp_get_string(run, group, "direction", &direction) != 0 ||
        acvp_get_uint(run, group, "keyLen", &g.key_bits) != 0)
        return -1;
    if (strcmp(direction, "encrypt") == 0)
        g.encrypt = true;
    else if (strcmp(direction, "decrypt") == 0)
        g.encrypt = false;
    else
        return acvp_error(run, "direction '%s' is not supported", direction);
    if (g.key_bits != 128 && g.key_bits != 192 && g.key_bits != 256)
        return acvp_error(run, "keyLen %llu is not 128, 192 or 256",
                          (unsigned long long)g.key_bits);
    if (strcmp(type, "AFT") == 0)
        return acvp_each_test(run, alg, group, out, aes_aft, &g);
    if (strcmp(type, "MCT") == 0)
        return acvp_each_test(run, alg, group, out, aes_mct, &g);
    return acvp_error(run, "testType '%s' is not supported", type);
}

const struct acvp_alg acvp_aes_algs[] = {
    { "ACVP-AES-ECB", NULL, "1.0", 0, aes_ecb_group },
    { NULL, NULL, NULL, 0, NULL },
};
