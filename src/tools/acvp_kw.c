/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ACVP handlers for AES key wrap (ACVP symmetric block cipher
 * specification, draft-celi-acvp-symmetric; SP 800-38F): ACVP-AES-KW
 * (section 6.2) and ACVP-AES-KWP (section 6.3), revision 1.0. Groups carry
 * testType (AFT), direction ("encrypt" | "decrypt"), kwCipher ("cipher" |
 * "inverse"), keyLen (128, 192 or 256 bits) and payloadLen (bits).
 *
 *   encrypt  {key, pt} -> ct (KW: payloadLen + 64 bits; KWP: padded to
 *            whole semiblocks, plus 64).
 *   decrypt  {key, ct} -> pt, or testPassed false when the unwrap fails
 *            its integrity check (fm_aes_kw_unwrap / fm_aes_kwp_unwrap
 *            return FM_ERR_VERIFY and release nothing).
 *
 * kwCipher "cipher" groups use the forward cipher as the designated
 * cipher function of SP 800-38F section 5.1 (fm_aes_kw_wrap, ...);
 * "inverse" groups the inverse cipher CIPH_K^-1 in W (and CIPH_K to
 * unwrap): the _inv functions (fm_aes_kw_wrap_inv, ...), with the same
 * lengths and error codes. A payload whose length in bits is not a
 * multiple of 8 is answered notClaimed (bit-oriented), the way the other
 * handlers answer what the module does not do; any other error is a
 * failure.
 */
#include "acvp.h"

#include <fipsmod/aes.h>
#include <stdlib.h>
#include <string.h>

/* The module functions of one (KW or KWP) x (kwCipher) combination. */
struct kw_funcs {
    int (*wrap)(const fm_aes_key *, const uint8_t *, size_t, uint8_t *);
    int (*kw_unwrap)(const fm_aes_key *, const uint8_t *, size_t, uint8_t *);
    int (*kwp_unwrap)(const fm_aes_key *, const uint8_t *, size_t, uint8_t *, size_t *);
    const char *wrap_name, *unwrap_name;
};

/* [pad][inverse] */
static const struct kw_funcs kw_funcs[2][2] = {
    {
        { fm_aes_kw_wrap, fm_aes_kw_unwrap, NULL, "fm_aes_kw_wrap", "fm_aes_kw_unwrap" },
        { fm_aes_kw_wrap_inv, fm_aes_kw_unwrap_inv, NULL, "fm_aes_kw_wrap_inv",
          "fm_aes_kw_unwrap_inv" },
    },
    {
        { fm_aes_kwp_wrap, NULL, fm_aes_kwp_unwrap, "fm_aes_kwp_wrap", "fm_aes_kwp_unwrap" },
        { fm_aes_kwp_wrap_inv, NULL, fm_aes_kwp_unwrap_inv, "fm_aes_kwp_wrap_inv",
          "fm_aes_kwp_unwrap_inv" },
    },
};

struct kw_group {
    bool pad;     /* KWP */
    bool encrypt;
    bool inverse; /* kwCipher "inverse" */
    const struct kw_funcs *fn;
    uint64_t key_bits, payload_bits;
};

/* The text field's length in bits (the ct length is implied by payloadLen). */
static int hex_bits(struct acvp_run *run, json_t *test, const char *key, uint64_t *bits)
{
    const char *hex;

    if (acvp_get_string(run, test, key, &hex) != 0)
        return -1;
    *bits = (uint64_t)strlen(hex) * 4;
    return 0;
}

static int kw_aft(struct acvp_run *run, const struct acvp_alg *alg,
                  json_t *test, json_t *out, void *arg)
{
    const struct kw_group *g = arg;
    const char *in_name = g->encrypt ? "pt" : "ct";
    uint8_t *key = NULL, *in = NULL, *res = NULL;
    size_t keylen, len, outlen = 0;
    uint64_t bits;
    fm_aes_key k;
    int rc = -1, frc;

    (void)alg;
    if (g->payload_bits % 8 != 0)
        return acvp_not_claimed(run, out, "bit-oriented payloads",
                                "payload length %llu bits is not a multiple of 8",
                                (unsigned long long)g->payload_bits);
    if (hex_bits(run, test, in_name, &bits) != 0)
        return -1;
    if (acvp_get_hex(run, test, "key", g->key_bits, &key, &keylen) != 0)
        return -1;
    if (acvp_get_hex(run, test, in_name, bits, &in, &len) != 0)
        goto out;
    /* Room for either direction: a wrap adds at most 8 + 7 bytes. */
    res = malloc(len + 16);
    if (res == NULL) {
        acvp_error(run, "out of memory");
        goto out;
    }
    if (acvp_check(run, fm_aes_init(&k, key, keylen), "fm_aes_init") != 0)
        goto out;
    if (g->encrypt) {
        frc = g->fn->wrap(&k, in, len, res);
        outlen = g->pad ? FM_AES_KWP_WRAPPED_LEN(len) : len + 8;
        if (acvp_check(run, frc, g->fn->wrap_name) == 0)
            rc = acvp_put_hex(run, out, "ct", res, outlen);
    } else {
        if (g->pad) {
            frc = g->fn->kwp_unwrap(&k, in, len, res, &outlen);
        } else {
            frc = g->fn->kw_unwrap(&k, in, len, res);
            outlen = len - 8;
        }
        if (frc == FM_OK)
            rc = acvp_put_hex(run, out, "pt", res, outlen);
        else if (frc == FM_ERR_VERIFY)
            rc = acvp_put(run, out, "testPassed", json_false());
        else
            rc = acvp_check(run, frc, g->fn->unwrap_name);
    }
    (void)fm_aes_wipe(&k);
out:
    /* Test keys are public, but the habit costs nothing (AS09.28). */
    if (res != NULL)
        (void)fm_wipe(res, len + 16);
    if (key != NULL)
        (void)fm_wipe(key, keylen);
    free(res);
    free(in);
    free(key);
    return rc;
}

static int kw_group(struct acvp_run *run, const struct acvp_alg *alg,
                    json_t *group, json_t *out)
{
    const char *type, *direction, *cipher;
    struct kw_group g = { .pad = alg->param != 0 };

    if (acvp_get_string(run, group, "testType", &type) != 0 ||
        acvp_get_string(run, group, "direction", &direction) != 0 ||
        acvp_get_string(run, group, "kwCipher", &cipher) != 0 ||
        acvp_get_uint(run, group, "keyLen", &g.key_bits) != 0 ||
        acvp_get_uint(run, group, "payloadLen", &g.payload_bits) != 0)
        return -1;
    if (strcmp(type, "AFT") != 0)
        return acvp_error(run, "testType '%s' is not supported", type);
    if (strcmp(direction, "encrypt") == 0)
        g.encrypt = true;
    else if (strcmp(direction, "decrypt") == 0)
        g.encrypt = false;
    else
        return acvp_error(run, "direction '%s' is not supported", direction);
    if (strcmp(cipher, "inverse") == 0)
        g.inverse = true;
    else if (strcmp(cipher, "cipher") != 0)
        return acvp_error(run, "kwCipher '%s' is not supported", cipher);
    if (g.key_bits != 128 && g.key_bits != 192 && g.key_bits != 256)
        return acvp_error(run, "keyLen %llu is not 128, 192 or 256",
                          (unsigned long long)g.key_bits);
    g.fn = &kw_funcs[g.pad][g.inverse];
    return acvp_each_test(run, alg, group, out, kw_aft, &g);
}

const struct acvp_alg acvp_kw_algs[] = {
    { "ACVP-AES-KW", NULL, "1.0", 0, kw_group },
    { "ACVP-AES-KWP", NULL, "1.0", 1, kw_group },
    { NULL, NULL, NULL, 0, NULL },
};
