/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ACVP handler for ctrDRBG (ACVP DRBG specification, draft-vassilev-acvp-
 * drbg; SP 800-90Ar1 10.2), revisions 1.0 and SP800-90Ar1.
 *
 *   AFT  group {mode AES-128|AES-192|AES-256|TDES, derFunc, predResistance,
 *        reSeed, entropyInputLen, nonceLen, persoStringLen,
 *        additionalInputLen, returnedBitsLen, [counterFieldLen]}, test
 *        {entropyInput, nonce, persoString, otherInput[]{intendedUse,
 *        additionalInput, entropyInput}} -> returnedBits.
 *
 * Procedure (the ACVP DRBG spec, MANIFEST.md): instantiate(entropyInput,
 * nonce, persoString); then for each otherInput in order: "reSeed" ->
 * reseed(entropyInput, additionalInput); "generate" -> with
 * predResistance, fm_drbg_generate_pr_with(entropyInput, additionalInput)
 * (reseed, then generate with no additional input), otherwise
 * generate(additionalInput). returnedBits is the output of the last
 * generate.
 *
 * counterFieldLen (absent: 128) becomes FM_DRBG_CTR_LEN(counterFieldLen).
 *
 * Not claimed: mode TDES (the module has no TDES).
 */
#include "acvp.h"

#include <fipsmod/drbg.h>
#include <stdlib.h>
#include <string.h>

struct drbg_group {
    int alg;
    uint32_t flags;
    bool df, pr;
    uint64_t e_bits, n_bits, p_bits, a_bits, out_bits;
};

static int drbg_aft(struct acvp_run *run, const struct acvp_alg *alg,
                    json_t *test, json_t *out, void *arg)
{
    const struct drbg_group *g = arg;
    uint8_t *e = NULL, *n = NULL, *p = NULL, *res = NULL;
    size_t elen, nlen = 0, plen;
    json_t *others, *o;
    size_t i;
    fm_drbg_ctx ctx;
    int rc = -1;

    (void)alg;
    if (acvp_get_hex(run, test, "entropyInput", g->e_bits, &e, &elen) != 0)
        return -1;
    if ((g->n_bits != 0 && acvp_get_hex(run, test, "nonce", g->n_bits, &n, &nlen) != 0) ||
        acvp_get_hex(run, test, "persoString", g->p_bits, &p, &plen) != 0)
        goto out;
    res = malloc(g->out_bits / 8 + 1);
    if (res == NULL) {
        acvp_error(run, "out of memory");
        goto out;
    }
    others = json_object_get(test, "otherInput");
    if (!json_is_array(others)) {
        acvp_error(run, "missing array 'otherInput'");
        goto out;
    }
    if (acvp_check(run, fm_drbg_instantiate_with(&ctx, g->alg, g->flags,
                                                 e, elen, n, nlen, p, plen),
                   "fm_drbg_instantiate_with") != 0)
        goto out;
    json_array_foreach(others, i, o) {
        const char *use;
        uint8_t *oe = NULL, *oa = NULL;
        size_t oelen = 0, oalen = 0;
        int frc = FM_OK, r = 0;
        bool reseed;

        if (acvp_get_string(run, o, "intendedUse", &use) != 0)
            goto wipe;
        reseed = strcmp(use, "reSeed") == 0;
        if (!reseed && strcmp(use, "generate") != 0) {
            acvp_error(run, "intendedUse '%s' is not supported", use);
            goto wipe;
        }
        if (acvp_get_hex(run, o, "additionalInput", g->a_bits, &oa, &oalen) != 0)
            goto wipe;
        if ((reseed || g->pr) &&
            acvp_get_hex(run, o, "entropyInput", g->e_bits, &oe, &oelen) != 0) {
            free(oa);
            goto wipe;
        }
        if (reseed) {
            frc = fm_drbg_reseed_with(&ctx, oe, oelen, oa, oalen);
            r = acvp_check(run, frc, "fm_drbg_reseed_with");
        } else if (g->pr) {
            frc = fm_drbg_generate_pr_with(&ctx, oe, oelen, res, g->out_bits / 8, oa, oalen);
            r = acvp_check(run, frc, "fm_drbg_generate_pr_with");
        } else {
            frc = fm_drbg_generate(&ctx, res, g->out_bits / 8, oa, oalen);
            r = acvp_check(run, frc, "fm_drbg_generate");
        }
        free(oe);
        free(oa);
        if (r != 0)
            goto wipe;
    }
    rc = acvp_put_hex(run, out, "returnedBits", res, g->out_bits / 8);
wipe:
    (void)fm_drbg_uninstantiate(&ctx);
out:
    /* Test inputs are public, but the habit costs nothing (AS09.28). */
    if (e != NULL)
        (void)fm_wipe(e, elen);
    free(e);
    free(n);
    free(p);
    free(res);
    return rc;
}

static int drbg_bool(struct acvp_run *run, json_t *group, const char *key, bool *value)
{
    json_t *v = json_object_get(group, key);

    if (!json_is_boolean(v))
        return acvp_error(run, "missing boolean field '%s'", key);
    *value = json_is_true(v);
    return 0;
}

static int not_claimed_all(struct acvp_run *run, const struct acvp_alg *alg,
                           json_t *test, json_t *out, void *arg)
{
    (void)alg;
    (void)test;
    return acvp_not_claimed(run, out, (const char *)arg, "%s", (const char *)arg);
}

static int drbg_group(struct acvp_run *run, const struct acvp_alg *alg,
                      json_t *group, json_t *out)
{
    struct drbg_group g;
    const char *type, *mode;
    bool reseed;
    json_t *cfl = json_object_get(group, "counterFieldLen");

    if (acvp_get_string(run, group, "testType", &type) != 0 ||
        acvp_get_string(run, group, "mode", &mode) != 0 ||
        drbg_bool(run, group, "derFunc", &g.df) != 0 ||
        drbg_bool(run, group, "predResistance", &g.pr) != 0 ||
        drbg_bool(run, group, "reSeed", &reseed) != 0 ||
        acvp_get_uint(run, group, "entropyInputLen", &g.e_bits) != 0 ||
        acvp_get_uint(run, group, "nonceLen", &g.n_bits) != 0 ||
        acvp_get_uint(run, group, "persoStringLen", &g.p_bits) != 0 ||
        acvp_get_uint(run, group, "additionalInputLen", &g.a_bits) != 0 ||
        acvp_get_uint(run, group, "returnedBitsLen", &g.out_bits) != 0)
        return -1;
    if (strcmp(type, "AFT") != 0)
        return acvp_error(run, "testType '%s' is not supported", type);
    if (strcmp(mode, "TDES") == 0)
        return acvp_each_test(run, alg, group, out, not_claimed_all,
                              (void *)"TDES: the module has no TDES");
    if (strcmp(mode, "AES-128") == 0)
        g.alg = FM_DRBG_AES128;
    else if (strcmp(mode, "AES-192") == 0)
        g.alg = FM_DRBG_AES192;
    else if (strcmp(mode, "AES-256") == 0)
        g.alg = FM_DRBG_AES256;
    else
        return acvp_error(run, "mode '%s' is not supported", mode);
    g.flags = g.df ? 0 : FM_DRBG_NO_DF;
    if (cfl != NULL) {
        if (!json_is_integer(cfl) || json_integer_value(cfl) < 4 ||
            json_integer_value(cfl) > 128)
            return acvp_error(run, "counterFieldLen must be 4..128");
        g.flags |= FM_DRBG_CTR_LEN(json_integer_value(cfl));
    }
    if (g.out_bits == 0 || g.out_bits % 8 != 0 || g.out_bits / 8 > FM_DRBG_MAX_REQUEST)
        return acvp_error(run, "returnedBitsLen %llu is not 8..%u bits in whole bytes",
                          (unsigned long long)g.out_bits, 8 * FM_DRBG_MAX_REQUEST);
    return acvp_each_test(run, alg, group, out, drbg_aft, &g);
}

const struct acvp_alg acvp_drbg_algs[] = {
    { "ctrDRBG", NULL, "1.0", 0, drbg_group },
    { "ctrDRBG", NULL, "SP800-90Ar1", 0, drbg_group },
    { NULL, NULL, NULL, 0, NULL },
};
