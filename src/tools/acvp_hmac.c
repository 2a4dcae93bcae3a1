/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ACVP handler for HMAC over SHA-2 (ACVP HMAC specification, draft-fussell-
 * acvp-mac; FIPS 198-1): HMAC-SHA2-224 ... HMAC-SHA2-512/256, revision 1.0.
 *
 *   AFT  group {keyLen, msgLen, macLen} (bits), test {key, msg} -> mac, the
 *        leftmost macLen bits of HMAC(key, msg).
 *
 * The module refuses tags shorter than FM_HMAC_MIN_TAG_LEN bytes (the
 * SP 800-107r1 section 5.3.3 floor) and works on whole bytes, so such tests
 * are answered "notClaimed". A macLen longer than the digest is a malformed
 * prompt, not an unclaimed test.
 */
#include "acvp.h"

#include <stdlib.h>
#include <string.h>

struct hmac_group {
    uint64_t key_bits, msg_bits, mac_bits;
};

static int hmac_aft(struct acvp_run *run, const struct acvp_alg *alg,
                    json_t *test, json_t *out, void *arg)
{
    const struct hmac_group *g = arg;
    uint8_t *key = NULL, *msg = NULL;
    size_t keylen, msglen, mdlen;
    uint8_t mac[FM_HASH_MAX_LEN];
    int rc = -1;

    if (g->key_bits % 8 != 0 || g->msg_bits % 8 != 0)
        return acvp_not_claimed(run, out, "bit-oriented keys or messages",
                                "key length %llu or message length %llu bits is "
                                "not a multiple of 8",
                                (unsigned long long)g->key_bits,
                                (unsigned long long)g->msg_bits);
    if (g->mac_bits % 8 != 0)
        return acvp_not_claimed(run, out, "bit-oriented MAC lengths",
                                "MAC length %llu bits is not a multiple of 8",
                                (unsigned long long)g->mac_bits);
    if (g->mac_bits / 8 < FM_HMAC_MIN_TAG_LEN)
        return acvp_not_claimed(run, out, "MACs shorter than the module's minimum",
                                "MAC length %llu bits is below the module's "
                                "minimum of %d bits",
                                (unsigned long long)g->mac_bits, 8 * FM_HMAC_MIN_TAG_LEN);
    if (acvp_check(run, fm_hash_digest_len(alg->param, &mdlen), "fm_hash_digest_len") != 0)
        return -1;
    if (g->mac_bits / 8 > mdlen)
        return acvp_error(run, "macLen %llu is longer than the digest",
                          (unsigned long long)g->mac_bits);
    if (acvp_get_hex(run, test, "key", g->key_bits, &key, &keylen) != 0)
        return -1;
    if (acvp_get_hex(run, test, "msg", g->msg_bits, &msg, &msglen) != 0)
        goto out;
    if (acvp_check(run, fm_hmac(alg->param, key, keylen, msg, msglen, mac,
                                (size_t)(g->mac_bits / 8)), "fm_hmac") != 0)
        goto out;
    rc = acvp_put_hex(run, out, "mac", mac, (size_t)(g->mac_bits / 8));
out:
    /* Test keys are public, but the habit costs nothing (AS09.28). */
    (void)fm_wipe(key, keylen);
    free(key);
    free(msg);
    return rc;
}

static int hmac_group(struct acvp_run *run, const struct acvp_alg *alg,
                      json_t *group, json_t *out)
{
    struct hmac_group g;
    const char *type;

    if (acvp_get_string(run, group, "testType", &type) != 0)
        return -1;
    if (strcmp(type, "AFT") != 0)
        return acvp_error(run, "testType '%s' is not supported", type);
    if (acvp_get_uint(run, group, "keyLen", &g.key_bits) != 0 ||
        acvp_get_uint(run, group, "msgLen", &g.msg_bits) != 0 ||
        acvp_get_uint(run, group, "macLen", &g.mac_bits) != 0)
        return -1;
    return acvp_each_test(run, alg, group, out, hmac_aft, &g);
}

const struct acvp_alg acvp_hmac_algs[] = {
    { "HMAC-SHA2-224", NULL, "1.0", FM_SHA224, hmac_group },
    { "HMAC-SHA2-256", NULL, "1.0", FM_SHA256, hmac_group },
    { "HMAC-SHA2-384", NULL, "1.0", FM_SHA384, hmac_group },
    { "HMAC-SHA2-512", NULL, "1.0", FM_SHA512, hmac_group },
    { "HMAC-SHA2-512/224", NULL, "1.0", FM_SHA512_224, hmac_group },
    { "HMAC-SHA2-512/256", NULL, "1.0", FM_SHA512_256, hmac_group },
    { NULL, NULL, NULL, 0, NULL },
};
