/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ACVP handler for the SHA-2 family (ACVP SHA specification, draft-celi-
 * acvp-sha; Monte Carlo test from SHAVS section 6.4): SHA2-224 ...
 * SHA2-512/256, revision 1.0.
 *
 *   AFT  {msg, len}  -> md
 *   MCT  {msg, len}  -> resultsArray of 100 {md}; mctVersion "standard" is
 *        SHAVS (MD0 = MD1 = MD2 = Seed; Mi = MD(i-3) || MD(i-2) || MD(i-1)
 *        for i = 3..1002; checkpoint MD1002, which is the next Seed);
 *        "alternate" is the same chain with every Mi truncated to, or
 *        zero-padded up to, the length of the initial seed.
 *   LDT  {largeMsg{content, contentLength, fullLength, expansionTechnique}}
 *        -> md of content repeated to fullLength bits (up to 8 GiB in NIST's
 *        sample sets), streamed so memory use stays at 64 KiB.
 *
 * The module hashes whole bytes, so a length that is not a multiple of 8
 * bits is answered "notClaimed" rather than guessed at.
 */
#include "acvp.h"

#include <stdlib.h>
#include <string.h>

#define BIT_ORIENTED "bit-oriented messages"

static int sha2_aft(struct acvp_run *run, const struct acvp_alg *alg,
                    json_t *test, json_t *out, void *arg)
{
    uint8_t md[FM_HASH_MAX_LEN];
    size_t mdlen;
    uint64_t bits;
    uint8_t *msg;
    size_t len;
    int rc;

    (void)arg;
    if (acvp_get_uint(run, test, "len", &bits) != 0)
        return -1;
    if (bits % 8 != 0)
        return acvp_not_claimed(run, out, BIT_ORIENTED,
                                "message length %llu bits is not a multiple of 8",
                                (unsigned long long)bits);
    if (acvp_get_hex(run, test, "msg", bits, &msg, &len) != 0)
        return -1;
    rc = acvp_check(run, fm_hash_digest_len(alg->param, &mdlen), "fm_hash_digest_len");
    if (rc == 0)
        rc = acvp_check(run, fm_hash(alg->param, msg, len, md, sizeof md), "fm_hash");
    if (rc == 0)
        rc = acvp_put_hex(run, out, "md", md, mdlen);
    free(msg);
    return rc;
}

/*
 * One Monte Carlo run from `seed`. Three rolling buffers hold MD(i-3),
 * MD(i-2), MD(i-1); each is as long as the longer of seed and digest,
 * because the first round uses the seed itself (which in the alternate
 * version may be longer or shorter than a digest).
 */
static int sha2_mct_run(struct acvp_run *run, const struct acvp_alg *alg,
                        const uint8_t *seed, size_t seedlen, bool alternate,
                        json_t *results)
{
    size_t mdlen, cap, mlen;
    uint8_t *store, *m, *a, *b, *c, *t;
    size_t alen, blen, clen;
    int rc = -1;

    if (acvp_check(run, fm_hash_digest_len(alg->param, &mdlen), "fm_hash_digest_len") != 0)
        return -1;
    cap = seedlen > mdlen ? seedlen : mdlen;
    store = malloc(6 * cap + 1);
    if (store == NULL)
        return acvp_error(run, "out of memory");
    a = store;
    b = a + cap;
    c = b + cap;
    m = c + cap; /* 3 * cap: room for A || B || C */

    memcpy(c, seed, seedlen);
    clen = seedlen;
    for (int j = 0; j < 100; j++) {
        json_t *entry;

        memcpy(a, c, clen);
        memcpy(b, c, clen);
        alen = blen = clen;
        for (int i = 3; i < 1003; i++) {
            memcpy(m, a, alen);
            memcpy(m + alen, b, blen);
            memcpy(m + alen + blen, c, clen);
            mlen = alen + blen + clen;
            if (alternate) {
                if (mlen < seedlen)
                    memset(m + mlen, 0, seedlen - mlen);
                mlen = seedlen;
            }
            /* Rotate: the oldest buffer receives the new digest. */
            t = a;
            a = b;
            alen = blen;
            b = c;
            blen = clen;
            c = t;
            clen = mdlen;
            if (acvp_check(run, fm_hash(alg->param, m, mlen, c, mdlen), "fm_hash") != 0)
                goto out;
        }
        entry = json_object();
        if (entry == NULL || json_array_append_new(results, entry) != 0) {
            acvp_error(run, "out of memory");
            goto out;
        }
        if (acvp_put_hex(run, entry, "md", c, clen) != 0)
            goto out;
    }
    rc = 0;
out:
    free(store);
    return rc;
}

static int sha2_mct(struct acvp_run *run, const struct acvp_alg *alg,
                    json_t *test, json_t *out, void *arg)
{
    bool alternate = *(const bool *)arg;
    json_t *results;
    uint64_t bits;
    uint8_t *seed;
    size_t seedlen;
    int rc;

    if (acvp_get_uint(run, test, "len", &bits) != 0)
        return -1;
    if (bits % 8 != 0)
        return acvp_not_claimed(run, out, BIT_ORIENTED,
                                "seed length %llu bits is not a multiple of 8",
                                (unsigned long long)bits);
    if (acvp_get_hex(run, test, "msg", bits, &seed, &seedlen) != 0)
        return -1;
    results = json_array();
    rc = acvp_put(run, out, "resultsArray", results);
    if (rc == 0)
        rc = sha2_mct_run(run, alg, seed, seedlen, alternate, results);
    free(seed);
    return rc;
}

static int sha2_ldt(struct acvp_run *run, const struct acvp_alg *alg,
                    json_t *test, json_t *out, void *arg)
{
    json_t *large = json_object_get(test, "largeMsg");
    const char *technique;
    uint64_t content_bits, full_bits, left;
    uint8_t *content, *chunk = NULL;
    size_t content_len, chunk_len, mdlen;
    uint8_t md[FM_HASH_MAX_LEN];
    fm_hash_ctx ctx;
    int rc = -1;

    (void)arg;
    if (!json_is_object(large))
        return acvp_error(run, "missing object 'largeMsg'");
    if (acvp_get_string(run, large, "expansionTechnique", &technique) != 0 ||
        acvp_get_uint(run, large, "contentLength", &content_bits) != 0 ||
        acvp_get_uint(run, large, "fullLength", &full_bits) != 0)
        return -1;
    if (strcmp(technique, "repeating") != 0)
        return acvp_error(run, "expansionTechnique '%s' is not supported", technique);
    if (content_bits % 8 != 0 || full_bits % 8 != 0)
        return acvp_not_claimed(run, out, BIT_ORIENTED,
                                "content length %llu or full length %llu bits is "
                                "not a multiple of 8",
                                (unsigned long long)content_bits,
                                (unsigned long long)full_bits);
    if (content_bits == 0 && full_bits != 0)
        return acvp_error(run, "largeMsg: empty content cannot be repeated to %llu bits",
                          (unsigned long long)full_bits);
    if (acvp_get_hex(run, large, "content", content_bits, &content, &content_len) != 0)
        return -1;

    /*
     * A chunk of whole copies of the content: every update then starts at
     * a content boundary, and the last one is simply a prefix of it.
     */
    chunk_len = content_len;
    if (content_len != 0 && content_len < TOOL_CHUNK)
        chunk_len = TOOL_CHUNK / content_len * content_len;
    chunk = malloc(chunk_len + 1);
    if (chunk == NULL) {
        acvp_error(run, "out of memory");
        goto out;
    }
    for (size_t off = 0; off < chunk_len; off += content_len)
        memcpy(chunk + off, content, content_len);

    if (acvp_check(run, fm_hash_digest_len(alg->param, &mdlen), "fm_hash_digest_len") != 0 ||
        acvp_check(run, fm_hash_init(&ctx, alg->param), "fm_hash_init") != 0)
        goto out;
    for (left = full_bits / 8; left > 0;) {
        size_t n = left < chunk_len ? (size_t)left : chunk_len;

        if (acvp_check(run, fm_hash_update(&ctx, chunk, n), "fm_hash_update") != 0) {
            (void)fm_hash_wipe(&ctx);
            goto out;
        }
        left -= n;
    }
    if (acvp_check(run, fm_hash_final(&ctx, md, sizeof md), "fm_hash_final") != 0) {
        (void)fm_hash_wipe(&ctx);
        goto out;
    }
    rc = acvp_put_hex(run, out, "md", md, mdlen);
out:
    free(chunk);
    free(content);
    return rc;
}

static int sha2_group(struct acvp_run *run, const struct acvp_alg *alg,
                      json_t *group, json_t *out)
{
    const char *type, *version;
    bool alternate;

    if (acvp_get_string(run, group, "testType", &type) != 0)
        return -1;
    if (strcmp(type, "AFT") == 0)
        return acvp_each_test(run, alg, group, out, sha2_aft, NULL);
    if (strcmp(type, "LDT") == 0)
        return acvp_each_test(run, alg, group, out, sha2_ldt, NULL);
    if (strcmp(type, "MCT") != 0)
        return acvp_error(run, "testType '%s' is not supported", type);

    /* Prompts older than the alternate version carry no mctVersion. */
    if (acvp_get_opt_string(run, group, "mctVersion", &version) != 0)
        return -1;
    if (version == NULL || strcmp(version, "standard") == 0)
        alternate = false;
    else if (strcmp(version, "alternate") == 0)
        alternate = true;
    else
        return acvp_error(run, "mctVersion '%s' is not supported", version);
    return acvp_each_test(run, alg, group, out, sha2_mct, &alternate);
}

const struct acvp_alg acvp_sha2_algs[] = {
    { "SHA2-224", NULL, "1.0", FM_SHA224, sha2_group },
    { "SHA2-256", NULL, "1.0", FM_SHA256, sha2_group },
    { "SHA2-384", NULL, "1.0", FM_SHA384, sha2_group },
    { "SHA2-512", NULL, "1.0", FM_SHA512, sha2_group },
    { "SHA2-512/224", NULL, "1.0", FM_SHA512_224, sha2_group },
    { "SHA2-512/256", NULL, "1.0", FM_SHA512_256, sha2_group },
    { NULL, NULL, NULL, 0, NULL },
};
