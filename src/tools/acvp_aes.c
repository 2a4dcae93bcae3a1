/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ACVP handlers for AES in ECB, CBC, CTR and GCM modes (ACVP symmetric
 * block cipher specification, draft-celi-acvp-symmetric; Monte Carlo tests
 * from AESAVS section 6.4): ACVP-AES-ECB, ACVP-AES-CBC, ACVP-AES-CTR and
 * ACVP-AES-GCM, revision 1.0 (CBC, CTR and GCM are described where their
 * handlers start). Groups carry testType, direction ("encrypt" |
 * "decrypt") and keyLen (128, 192 or 256 bits).
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

/* ---- ACVP-AES-CBC ---------------------------------------------------------- */

/*
 * ACVP-AES-CBC, revision 1.0. Groups as for ECB; every test also carries
 * the iv (128 bits).
 *
 *   AFT  {key, iv, pt} -> ct (encrypt);  {key, iv, ct} -> pt (decrypt).
 *   MCT  AESAVS section 6.4.2: resultsArray of 100 {key, iv, pt, ct}, each
 *        the key, iv and first input of an outer iteration and the last of
 *        its 1000 outputs. Inner step j runs one CBC block through the
 *        chaining value (iv for j = 0, then the previous ciphertext block),
 *        and the next input is the outer iv for j = 0 and the output of
 *        step j - 1 after that. With out = output 999 and prev = output 998,
 *        the key is updated as for ECB, the next iv is out and the next
 *        first input is prev.
 */

static int aes_cbc(struct acvp_run *run, bool encrypt, const fm_aes_key *key, uint8_t iv[16],
                   const uint8_t *in, uint8_t *out, size_t len)
{
    if (encrypt)
        return acvp_check(run, fm_aes_cbc_encrypt(key, iv, in, out, len), "fm_aes_cbc_encrypt");
    return acvp_check(run, fm_aes_cbc_decrypt(key, iv, in, out, len), "fm_aes_cbc_decrypt");
}

static int cbc_aft(struct acvp_run *run, const struct acvp_alg *alg,
                   json_t *test, json_t *out, void *arg)
{
    const struct aes_group *g = arg;
    const char *in_name = g->encrypt ? "pt" : "ct";
    const char *out_name = g->encrypt ? "ct" : "pt";
    uint8_t *key = NULL, *iv = NULL, *in = NULL, *res = NULL;
    size_t klen, ivlen, len;
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
    if (acvp_get_hex(run, test, "iv", 128, &iv, &ivlen) != 0 ||
        acvp_get_hex(run, test, in_name, bits, &in, &len) != 0)
        goto out;
    res = malloc(len + 1);
    if (res == NULL) {
        acvp_error(run, "out of memory");
        goto out;
    }
    if (acvp_check(run, fm_aes_init(&k, key, klen), "fm_aes_init") != 0)
        goto out;
    rc = aes_cbc(run, g->encrypt, &k, iv, in, res, len);
    (void)fm_aes_wipe(&k);
    if (rc == 0)
        rc = acvp_put_hex(run, out, out_name, res, len);
out:
    free(res);
    free(in);
    free(iv);
    free(key);
    return rc;
}

static int cbc_mct(struct acvp_run *run, const struct acvp_alg *alg,
                   json_t *test, json_t *out, void *arg)
{
    const struct aes_group *g = arg;
    const char *in_name = g->encrypt ? "pt" : "ct";
    uint8_t *key0 = NULL, *iv0 = NULL, *in0 = NULL;
    uint8_t key[32], iv[16], chain[16], in[16], first[16], cur[16], prev[16], mix[32];
    size_t klen, len;
    json_t *results;
    fm_aes_key k;
    int rc = -1;

    (void)alg;
    if (acvp_get_hex(run, test, "key", g->key_bits, &key0, &klen) != 0)
        return -1;
    if (acvp_get_hex(run, test, "iv", 128, &iv0, &len) != 0 ||
        acvp_get_hex(run, test, in_name, 128, &in0, &len) != 0)
        goto out;
    results = json_array();
    if (acvp_put(run, out, "resultsArray", results) != 0)
        goto out;
    memcpy(key, key0, klen);
    memcpy(iv, iv0, 16);
    memcpy(in, in0, 16);
    for (int i = 0; i < AES_MCT_OUTER; i++) {
        json_t *entry;

        memcpy(first, in, 16);
        memcpy(chain, iv, 16);
        memset(prev, 0, sizeof prev);
        memset(cur, 0, sizeof cur);
        if (acvp_check(run, fm_aes_init(&k, key, klen), "fm_aes_init") != 0)
            goto out;
        for (int j = 0; j < AES_MCT_INNER; j++) {
            memcpy(prev, cur, 16);
            /* chain: iv for j = 0, then the previous ciphertext block. */
            if (aes_cbc(run, g->encrypt, &k, chain, in, cur, 16) != 0) {
                (void)fm_aes_wipe(&k);
                goto out;
            }
            memcpy(in, j == 0 ? iv : prev, 16);
        }
        (void)fm_aes_wipe(&k);
        entry = json_object();
        if (entry == NULL || json_array_append_new(results, entry) != 0) {
            acvp_error(run, "out of memory");
            goto out;
        }
        if (acvp_put_hex(run, entry, "key", key, klen) != 0 ||
            acvp_put_hex(run, entry, "iv", iv, 16) != 0 ||
            acvp_put_hex(run, entry, "pt", g->encrypt ? first : cur, 16) != 0 ||
            acvp_put_hex(run, entry, "ct", g->encrypt ? cur : first, 16) != 0)
            goto out;
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
        memcpy(iv, cur, 16);
        memcpy(in, prev, 16);
    }
    rc = 0;
out:
    (void)fm_wipe(key, sizeof key);
    free(in0);
    free(iv0);
    free(key0);
    return rc;
}

/* Parse testType, direction and keyLen, shared by every AES mode. */
static int aes_group_params(struct acvp_run *run, json_t *group, struct aes_group *g,
                            const char **type)
{
    const char *direction;

    if (acvp_get_string(run, group, "testType", type) != 0 ||
        acvp_get_string(run, group, "direction", &direction) != 0 ||
        acvp_get_uint(run, group, "keyLen", &g->key_bits) != 0)
        return -1;
    if (strcmp(direction, "encrypt") == 0)
        g->encrypt = true;
    else if (strcmp(direction, "decrypt") == 0)
        g->encrypt = false;
    else
        return acvp_error(run, "direction '%s' is not supported", direction);
    if (g->key_bits != 128 && g->key_bits != 192 && g->key_bits != 256)
        return acvp_error(run, "keyLen %llu is not 128, 192 or 256",
                          (unsigned long long)g->key_bits);
    return 0;
}

static int aes_cbc_group(struct acvp_run *run, const struct acvp_alg *alg,
                         json_t *group, json_t *out)
{
    const char *type;
    struct aes_group g;

    if (aes_group_params(run, group, &g, &type) != 0)
        return -1;
    if (strcmp(type, "AFT") == 0)
        return acvp_each_test(run, alg, group, out, cbc_aft, &g);
    if (strcmp(type, "MCT") == 0)
        return acvp_each_test(run, alg, group, out, cbc_mct, &g);
    return acvp_error(run, "testType '%s' is not supported", type);
}

/* ---- ACVP-AES-CTR ------------------------------------------------------------ */

/*
 * ACVP-AES-CTR, revision 1.0. Groups as for ECB; tests carry payloadLen
 * (bits, any value), key, pt|ct (ceil(payloadLen / 8) bytes, the unused
 * low bits of the last byte zero) and, when the counter is supplied by the
 * server, iv (the first 128-bit counter block).
 *
 *   AFT  {key, iv, payloadLen, pt|ct} -> ct|pt. SP 800-38A 6.5: the last
 *        block's output is the most significant u bits of its keystream
 *        XOR the input, so the module runs ceil(payloadLen / 8) bytes and
 *        the answer keeps payloadLen bits (the rest cleared, as ACVP pads).
 *        A test without iv wants an IUT-generated counter ("deferred"):
 *        the module has no CTR counter generator and the server's sample
 *        IV is not an input, so it is answered notClaimed rather than with
 *        an IV taken from the expected answers.
 */
static int ctr_aft(struct acvp_run *run, const struct acvp_alg *alg,
                   json_t *test, json_t *out, void *arg)
{
    const struct aes_group *g = arg;
    const char *in_name = g->encrypt ? "pt" : "ct";
    const char *out_name = g->encrypt ? "ct" : "pt";
    uint8_t *key = NULL, *iv = NULL, *in = NULL, *res = NULL;
    size_t klen, ivlen, len;
    uint64_t bits;
    fm_aes_key k;
    int rc = -1;

    (void)alg;
    if (acvp_get_uint(run, test, "payloadLen", &bits) != 0)
        return -1;
    if (json_object_get(test, "iv") == NULL)
        return acvp_not_claimed(run, out, "IUT-generated counter (no iv in the prompt)",
                                "the test asks the IUT to generate the initial counter "
                                "block; the module has no CTR counter generator");
    if (acvp_get_hex(run, test, "key", g->key_bits, &key, &klen) != 0)
        return -1;
    if (acvp_get_hex(run, test, "iv", 128, &iv, &ivlen) != 0 ||
        acvp_get_hex(run, test, in_name, (bits + 7) / 8 * 8, &in, &len) != 0)
        goto out;
    res = malloc(len + 1);
    if (res == NULL) {
        acvp_error(run, "out of memory");
        goto out;
    }
    if (acvp_check(run, fm_aes_init(&k, key, klen), "fm_aes_init") != 0)
        goto out;
    rc = acvp_check(run, fm_aes_ctr(&k, iv, in, res, len), "fm_aes_ctr");
    (void)fm_aes_wipe(&k);
    if (rc == 0 && bits % 8 != 0)
        res[len - 1] &= (uint8_t)(0xff00u >> (bits % 8));
    if (rc == 0)
        rc = acvp_put_hex(run, out, out_name, res, len);
out:
    free(res);
    free(in);
    free(iv);
    free(key);
    return rc;
}

static int aes_ctr_group(struct acvp_run *run, const struct acvp_alg *alg,
                         json_t *group, json_t *out)
{
    const char *type;
    struct aes_group g;

    if (aes_group_params(run, group, &g, &type) != 0)
        return -1;
    if (strcmp(type, "AFT") == 0)
        return acvp_each_test(run, alg, group, out, ctr_aft, &g);
    return acvp_error(run, "testType '%s' is not supported", type);
}

/* ---- ACVP-AES-GCM ------------------------------------------------------------ */

/*
 * ACVP-AES-GCM, revision 1.0 (SP 800-38D). Groups carry testType (AFT),
 * direction, keyLen, ivLen, ivGen ("external" | "internal"), ivGenMode,
 * payloadLen, aadLen and tagLen, all lengths in bits.
 *
 *   encrypt  {key, iv, aad, pt} -> ct, tag (the leftmost tagLen bits).
 *   decrypt  {key, iv, aad, ct, tag} -> pt, or testPassed false when the
 *            tag does not verify (fm_aes_gcm_open returns FM_ERR_VERIFY
 *            and releases nothing).
 *
 * The module works on whole bytes: an IV, AAD or payload whose length in
 * bits is not a multiple of 8 is answered notClaimed ("bit-oriented"), as
 * is a tag length outside the module's 32..128 bits.
 *
 * ivGen "internal" asks the module to make the IV (fm_aes_gcm_seal_geniv
 * would do it: 96 random bits from its DRBG, section 8.2.2). A real ACVP
 * server grades such
 * an answer by decrypting it with the returned IV; tests/kat/kat_grade.c
 * instead compares every field with NIST's expected answers, which were
 * made with the server's own IV, so no module-generated IV could ever
 * match. Those tests are answered notClaimed (as ACVP-AES-CTR encrypt
 * tests with an IUT-generated counter are) rather than with an IV taken
 * from the expected answers. The NIST sample set has only "external"
 * groups.
 */
struct gcm_group {
    bool encrypt, internal_iv;
    uint64_t key_bits, iv_bits, payload_bits, aad_bits, tag_bits;
};

static int gcm_aft(struct acvp_run *run, const struct acvp_alg *alg,
                   json_t *test, json_t *out, void *arg)
{
    const struct gcm_group *g = arg;
    const char *in_name = g->encrypt ? "pt" : "ct";
    uint8_t *key = NULL, *iv = NULL, *aad = NULL, *in = NULL, *tag = NULL, *res = NULL;
    size_t klen, ivlen, aadlen, len, taglen;
    uint8_t mytag[FM_AES_GCM_TAG_LEN];
    fm_aes_gcm_key k;
    int rc = -1, frc;

    (void)alg;
    if (g->iv_bits % 8 != 0 || g->aad_bits % 8 != 0 || g->payload_bits % 8 != 0)
        return acvp_not_claimed(run, out, "bit-oriented IVs, AAD or payloads",
                                "IV length %llu, AAD length %llu or payload length %llu "
                                "bits is not a multiple of 8",
                                (unsigned long long)g->iv_bits,
                                (unsigned long long)g->aad_bits,
                                (unsigned long long)g->payload_bits);
    if (g->tag_bits % 8 != 0 || g->tag_bits < 32 || g->tag_bits > 8 * FM_AES_GCM_TAG_LEN)
        return acvp_not_claimed(run, out, "tag lengths outside 32..128 bits",
                                "tag length %llu bits is not a whole number of bytes "
                                "from 32 to 128 bits", (unsigned long long)g->tag_bits);
    if (g->encrypt && g->internal_iv)
        return acvp_not_claimed(run, out, "module-generated IV (ivGen internal)",
                                "the module would generate the IV (fm_aes_gcm_seal_geniv); "
                                "an offline grader comparing with the server's answers "
                                "cannot check a module-generated IV");
    taglen = (size_t)(g->tag_bits / 8);
    if (acvp_get_hex(run, test, "key", g->key_bits, &key, &klen) != 0)
        return -1;
    if (acvp_get_hex(run, test, "iv", g->iv_bits, &iv, &ivlen) != 0 ||
        acvp_get_hex(run, test, "aad", g->aad_bits, &aad, &aadlen) != 0 ||
        acvp_get_hex(run, test, in_name, g->payload_bits, &in, &len) != 0)
        goto out;
    if (!g->encrypt && acvp_get_hex(run, test, "tag", g->tag_bits, &tag, &taglen) != 0)
        goto out;
    res = malloc(len + 1);
    if (res == NULL) {
        acvp_error(run, "out of memory");
        goto out;
    }
    if (acvp_check(run, fm_aes_gcm_init(&k, key, klen), "fm_aes_gcm_init") != 0)
        goto out;
    if (g->encrypt) {
        frc = fm_aes_gcm_seal(&k, iv, ivlen, aad, aadlen, in, len, res, mytag, taglen);
        (void)fm_aes_gcm_wipe(&k);
        if (acvp_check(run, frc, "fm_aes_gcm_seal") != 0)
            goto out;
        if (acvp_put_hex(run, out, "ct", res, len) != 0 ||
            acvp_put_hex(run, out, "tag", mytag, taglen) != 0)
            goto out;
    } else {
        frc = fm_aes_gcm_open(&k, iv, ivlen, aad, aadlen, in, len, tag, taglen, res);
        (void)fm_aes_gcm_wipe(&k);
        if (frc == FM_ERR_VERIFY) {
            if (acvp_put(run, out, "testPassed", json_false()) != 0)
                goto out;
        } else if (acvp_check(run, frc, "fm_aes_gcm_open") != 0 ||
                   acvp_put_hex(run, out, "pt", res, len) != 0) {
            goto out;
        }
    }
    rc = 0;
out:
    (void)fm_wipe(mytag, sizeof mytag);
    if (key != NULL)
        (void)fm_wipe(key, klen);
    free(res);
    free(tag);
    free(in);
    free(aad);
    free(iv);
    free(key);
    return rc;
}

static int aes_gcm_group(struct acvp_run *run, const struct acvp_alg *alg,
                         json_t *group, json_t *out)
{
    const char *type, *ivgen;
    struct aes_group a;
    struct gcm_group g;

    if (aes_group_params(run, group, &a, &type) != 0)
        return -1;
    if (strcmp(type, "AFT") != 0)
        return acvp_error(run, "testType '%s' is not supported", type);
    g.encrypt = a.encrypt;
    g.key_bits = a.key_bits;
    if (acvp_get_uint(run, group, "ivLen", &g.iv_bits) != 0 ||
        acvp_get_uint(run, group, "payloadLen", &g.payload_bits) != 0 ||
        acvp_get_uint(run, group, "aadLen", &g.aad_bits) != 0 ||
        acvp_get_uint(run, group, "tagLen", &g.tag_bits) != 0 ||
        acvp_get_opt_string(run, group, "ivGen", &ivgen) != 0)
        return -1;
    if (ivgen == NULL || strcmp(ivgen, "external") == 0)
        g.internal_iv = false;
    else if (strcmp(ivgen, "internal") == 0)
        g.internal_iv = true;
    else
        return acvp_error(run, "ivGen '%s' is not supported", ivgen);
    if (g.iv_bits == 0)
        return acvp_error(run, "ivLen 0: SP 800-38D requires an IV of at least one bit");
    return acvp_each_test(run, alg, group, out, gcm_aft, &g);
}

const struct acvp_alg acvp_aes_algs[] = {
    { "ACVP-AES-ECB", NULL, "1.0", 0, aes_ecb_group },
    { "ACVP-AES-CBC", NULL, "1.0", 0, aes_cbc_group },
    { "ACVP-AES-CTR", NULL, "1.0", 0, aes_ctr_group },
    { "ACVP-AES-GCM", NULL, "1.0", 0, aes_gcm_group },
    { NULL, NULL, NULL, 0, NULL },
};
