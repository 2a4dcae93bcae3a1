/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ACVP handler for CMAC with AES (ACVP MAC specification,
 * draft-fussell-acvp-mac; SP 800-38B): CMAC-AES, revision 1.0.
 *
 *   AFT gen  group {keyLen, msgLen, macLen} (bits), test {key, message}
 *            -> mac, the leftmost macLen bits of CMAC(key, message).
 *   AFT ver  the same plus test {mac} -> testPassed, true when
 *            fm_aes_cmac_verify accepts it (FM_OK) and false when it
 *            reports FM_ERR_VERIFY; any other error is a failure.
 *
 * The module works on whole bytes and takes MAC lengths of 8 to 128 bits
 * (1 to 16 bytes; 64 bits and up are approved), so a message or MAC
 * length that is not a multiple of 8 is answered "notClaimed". A macLen
 * over 128 bits is a malformed prompt, not an unclaimed test.
 */
#include "acvp.h"

#include <fipsmod/aes.h>
#include <stdlib.h>
#include <string.h>

struct cmac_group {
    bool gen;
    uint64_t key_bits, msg_bits, mac_bits;
};

static int cmac_aft(struct acvp_run *run, const struct acvp_alg *alg,
                    json_t *test, json_t *out, void *arg)
{
    const struct cmac_group *g = arg;
    uint8_t *key = NULL, *msg = NULL, *mac = NULL;
    size_t keylen, msglen, maclen = (size_t)(g->mac_bits / 8);
    uint8_t res[FM_AES_CMAC_LEN];
    fm_aes_key k;
    int rc = -1, frc;

    (void)alg;
    if (g->msg_bits % 8 != 0 || g->mac_bits % 8 != 0)
        return acvp_not_claimed(run, out, "bit-oriented messages or MAC lengths",
                                "message length %llu or MAC length %llu bits is not a "
                                "multiple of 8", (unsigned long long)g->msg_bits,
                                (unsigned long long)g->mac_bits);
    if (acvp_get_hex(run, test, "key", g->key_bits, &key, &keylen) != 0)
        return -1;
    if (acvp_get_hex(run, test, "message", g->msg_bits, &msg, &msglen) != 0 ||
        (!g->gen && acvp_get_hex(run, test, "mac", g->mac_bits, &mac, &maclen) != 0))
        goto out;
    if (acvp_check(run, fm_aes_init(&k, key, keylen), "fm_aes_init") != 0)
        goto out;
    if (g->gen) {
        frc = fm_aes_cmac(&k, msg, msglen, res, maclen);
        if (acvp_check(run, frc, "fm_aes_cmac") == 0)
            rc = acvp_put_hex(run, out, "mac", res, maclen);
    } else {
        frc = fm_aes_cmac_verify(&k, msg, msglen, mac, maclen);
        if (frc == FM_OK || frc == FM_ERR_VERIFY)
            rc = acvp_put(run, out, "testPassed", json_boolean(frc == FM_OK));
        else
            rc = acvp_check(run, frc, "fm_aes_cmac_verify");
    }
    (void)fm_aes_wipe(&k);
out:
    /* Test keys are public, but the habit costs nothing (AS09.28). */
    if (key != NULL)
        (void)fm_wipe(key, keylen);
    free(key);
    free(msg);
    free(mac);
    return rc;
}

static int cmac_group(struct acvp_run *run, const struct acvp_alg *alg,
                      json_t *group, json_t *out)
{
    struct cmac_group g;
    const char *type, *direction;

    if (acvp_get_string(run, group, "testType", &type) != 0 ||
        acvp_get_string(run, group, "direction", &direction) != 0 ||
        acvp_get_uint(run, group, "keyLen", &g.key_bits) != 0 ||
        acvp_get_uint(run, group, "msgLen", &g.msg_bits) != 0 ||
        acvp_get_uint(run, group, "macLen", &g.mac_bits) != 0)
        return -1;
    if (strcmp(type, "AFT") != 0)
        return acvp_error(run, "testType '%s' is not supported", type);
    if (strcmp(direction, "gen") == 0)
        g.gen = true;
    else if (strcmp(direction, "ver") == 0)
        g.gen = false;
    else
        return acvp_error(run, "direction '%s' is not supported", direction);
    if (g.key_bits != 128 && g.key_bits != 192 && g.key_bits != 256)
        return acvp_error(run, "keyLen %llu is not 128, 192 or 256",
                          (unsigned long long)g.key_bits);
    if (g.mac_bits == 0 || g.mac_bits > 8 * FM_AES_CMAC_LEN)
        return acvp_error(run, "macLen %llu is outside 1..128 bits",
                          (unsigned long long)g.mac_bits);
    return acvp_each_test(run, alg, group, out, cmac_aft, &g);
}

const struct acvp_alg acvp_cmac_algs[] = {
    { "CMAC-AES", NULL, "1.0", 0, cmac_group },
    { NULL, NULL, NULL, 0, NULL },
};
