/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SHA-2 (FIPS 180-4) tests for fm_hash*: every test that depends on the
 * implementation runs once per implementation the CPU offers (portable,
 * shani, ...), and a known accelerated implementation the CPU lacks shows
 * up as a skipped test with its reason.
 *
 *  - FIPS 180-4 / NIST example answers for "abc" and "" for all six hashes;
 *  - CAVP SHAVS byte-oriented ShortMsg and LongMsg files for all six hashes
 *    and the Monte Carlo files for SHA-224/256/384/512 (MD0 = MD1 = MD2 =
 *    Seed, Mi = MD(i-3) || MD(i-2) || MD(i-1), checkpoint MD1002), each
 *    asserting the exact number of records the file holds;
 *  - one-shot vs random split updates (chunks of 0, 1, block-1, block,
 *    block+1 and random sizes) and copies of a context by assignment;
 *  - portable vs accelerated on every length up to three blocks and on
 *    random inputs, including contexts of different implementations used
 *    side by side while the enabled features change;
 *  - differential checks against OpenSSL's EVP_Digest on every length up
 *    to 300 and thousands of random lengths up to 5000 at random alignment;
 *  - a 4.5 GiB stream (past 2^32 bytes) through SHA-256 and SHA-512 with
 *    the default implementation, compared with OpenSSL fed the same bytes.
 *
 * The vector files come from ../shared/vectors (or $FIPSMOD_VECTORS); when
 * the folder is absent those tests are skipped and say why.
 */
#include "testutil.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

static tu_suite suite;

static void hash_ok(int alg, const void *msg, size_t len, uint8_t *out)
{
    assert_int_equal(fm_hash(alg, msg, len, out, tu_alg_len(alg)), FM_OK);
}

static void openssl_hash(int alg, const void *msg, size_t len, uint8_t *out)
{
    unsigned int n = 0;

    assert_int_equal(EVP_Digest(msg, len, out, &n, tu_evp_md(alg), NULL), 1);
    assert_int_equal(n, tu_alg_len(alg));
}

/* ---- known answers --------------------------------------------------------- */

static const struct {
    int alg;
    const char *abc;
    const char *empty;
} known[] = {
    { FM_SHA224,
      "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7",
      "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f" },
    { FM_SHA256,
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
    { FM_SHA384,
      "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
      "8086072ba1e7cc2358baeca134c825a7",
      "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da"
      "274edebfe76f65fbd51ad2f14898b95b" },
    { FM_SHA512,
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
      "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
      "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
      "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e" },
    { FM_SHA512_224,
      "4634270f707b6a54daae7530460842e20e37ed265ceee9a43e8924aa",
      "6ed0dd02806fa89e25de060c19d3ac86cabb87d6a0ddd05c333b84f4" },
    { FM_SHA512_256,
      "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23",
      "c672b8d1ef56ed28ab87c3622c5114069bdd3ad7b8f9737498d0c01ecef0967a" },
};

static void test_known_answers(void **state)
{
    tu_case *c = tu_begin(state);
    int checked = 0;
    size_t k;

    for (k = 0; k < sizeof known / sizeof known[0]; k++) {
        int alg = known[k].alg;
        size_t dlen = tu_alg_len(alg), n;
        uint8_t want[FM_HASH_MAX_LEN], got[FM_HASH_MAX_LEN];
        fm_hash_ctx ctx;
        char what[96];

        if (tu_alg_family(alg) != c->family)
            continue;
        /* "abc": one-shot and one byte per update. */
        assert_int_equal(tu_hex_decode(known[k].abc, want, sizeof want, &n), 0);
        assert_int_equal(n, dlen);
        hash_ok(alg, "abc", 3, got);
        snprintf(what, sizeof what, "%s(\"abc\") one-shot", tu_alg_name(alg));
        assert_true(tu_mem_eq(what, got, want, dlen));
        memset(got, 0, sizeof got);
        assert_int_equal(fm_hash_init(&ctx, alg), FM_OK);
        assert_int_equal(fm_hash_update(&ctx, "a", 1), FM_OK);
        assert_int_equal(fm_hash_update(&ctx, "b", 1), FM_OK);
        assert_int_equal(fm_hash_update(&ctx, NULL, 0), FM_OK);
        assert_int_equal(fm_hash_update(&ctx, "c", 1), FM_OK);
        assert_int_equal(fm_hash_final(&ctx, got, dlen), FM_OK);
        snprintf(what, sizeof what, "%s(\"abc\") byte by byte", tu_alg_name(alg));
        assert_true(tu_mem_eq(what, got, want, dlen));

        /* "": NULL data, and no update at all. */
        assert_int_equal(tu_hex_decode(known[k].empty, want, sizeof want, &n), 0);
        assert_int_equal(n, dlen);
        assert_int_equal(fm_hash(alg, NULL, 0, got, dlen), FM_OK);
        snprintf(what, sizeof what, "%s(\"\") one-shot", tu_alg_name(alg));
        assert_true(tu_mem_eq(what, got, want, dlen));
        memset(got, 0, sizeof got);
        assert_int_equal(fm_hash_init(&ctx, alg), FM_OK);
        assert_int_equal(fm_hash_final(&ctx, got, dlen), FM_OK);
        snprintf(what, sizeof what, "%s(\"\") init+final", tu_alg_name(alg));
        assert_true(tu_mem_eq(what, got, want, dlen));
        checked++;
    }
    assert_int_equal(checked, c->family == FM_FAMILY_SHA256 ? 2 : 4);
}

/* ---- CAVP ------------------------------------------------------------------ */

enum { CAVP_MSG, CAVP_MONTE };

static const struct {
    int alg;
    const char *file;
    int kind;
    long records;
} cavp_files[] = {
    { FM_SHA224, "SHA224ShortMsg.rsp", CAVP_MSG, 65 },
    { FM_SHA224, "SHA224LongMsg.rsp", CAVP_MSG, 64 },
    { FM_SHA224, "SHA224Monte.rsp", CAVP_MONTE, 100 },
    { FM_SHA256, "SHA256ShortMsg.rsp", CAVP_MSG, 65 },
    { FM_SHA256, "SHA256LongMsg.rsp", CAVP_MSG, 64 },
    { FM_SHA256, "SHA256Monte.rsp", CAVP_MONTE, 100 },
    { FM_SHA384, "SHA384ShortMsg.rsp", CAVP_MSG, 129 },
    { FM_SHA384, "SHA384LongMsg.rsp", CAVP_MSG, 128 },
    { FM_SHA384, "SHA384Monte.rsp", CAVP_MONTE, 100 },
    { FM_SHA512, "SHA512ShortMsg.rsp", CAVP_MSG, 129 },
    { FM_SHA512, "SHA512LongMsg.rsp", CAVP_MSG, 128 },
    { FM_SHA512, "SHA512Monte.rsp", CAVP_MONTE, 100 },
    { FM_SHA512_224, "SHA512_224ShortMsg.rsp", CAVP_MSG, 129 },
    { FM_SHA512_256, "SHA512_256ShortMsg.rsp", CAVP_MSG, 129 },
};

static char cavp_paths[sizeof cavp_files / sizeof cavp_files[0]][64];

static void check_section_l(const tu_rsp *r, size_t dlen)
{
    const char *l = tu_rsp_param(r, "L");

    if (l == NULL || strtoul(l, NULL, 10) != dlen)
        fail_msg("%s:%lu: section [L = %s], expected [L = %zu]", r->path, r->record_line,
                 l ? l : "(none)", dlen);
}

static void test_cavp_msg(void **state)
{
    tu_case *c = tu_begin(state);
    size_t dlen = tu_alg_len(c->alg);
    char path[PATH_MAX];
    long checked = 0;
    tu_rsp r;
    int rc;

    tu_vector_path(c, path, sizeof path);
    assert_int_equal(tu_rsp_open(&r, path), 0);
    while ((rc = tu_rsp_next(&r)) == 1) {
        const char *len_s = tu_rsp_field(&r, "Len");
        const char *msg_s = tu_rsp_field(&r, "Msg");
        const char *md_s = tu_rsp_field(&r, "MD");
        uint8_t want[FM_HASH_MAX_LEN], got[FM_HASH_MAX_LEN];
        size_t bits, n = 0, mdlen = 0, cut;
        uint8_t *msg;
        fm_hash_ctx ctx;
        char what[160];

        if (len_s == NULL || msg_s == NULL || md_s == NULL)
            fail_msg("%s:%lu: record without Len, Msg and MD", path, r.record_line);
        check_section_l(&r, dlen);
        bits = strtoul(len_s, NULL, 10);
        if (bits % 8 != 0)
            fail_msg("%s:%lu: Len = %zu is not a whole number of bytes", path, r.record_line, bits);
        msg = tu_hex_alloc(msg_s, &n);
        if (msg == NULL || tu_hex_decode(md_s, want, sizeof want, &mdlen) != 0 || mdlen != dlen)
            fail_msg("%s:%lu: bad hex", path, r.record_line);
        if (bits == 0)
            n = 0;  /* `Msg = 00` stands for the empty message */
        else if (n != bits / 8)
            fail_msg("%s:%lu: Msg has %zu bytes, Len says %zu", path, r.record_line, n, bits / 8);

        snprintf(what, sizeof what, "%s line %lu (Len = %zu) one-shot on %s", c->file,
                 r.record_line, bits, c->impl.name);
        hash_ok(c->alg, msg, n, got);
        if (!tu_mem_eq(what, got, want, dlen))
            fail_msg("%s", what);

        /* The same through three updates. */
        cut = n / 3;
        memset(got, 0, sizeof got);
        assert_int_equal(fm_hash_init(&ctx, c->alg), FM_OK);
        assert_int_equal(fm_hash_update(&ctx, msg, cut), FM_OK);
        assert_int_equal(fm_hash_update(&ctx, msg + cut, cut), FM_OK);
        assert_int_equal(fm_hash_update(&ctx, msg + 2 * cut, n - 2 * cut), FM_OK);
        assert_int_equal(fm_hash_final(&ctx, got, dlen), FM_OK);
        snprintf(what, sizeof what, "%s line %lu (Len = %zu) in three updates on %s", c->file,
                 r.record_line, bits, c->impl.name);
        if (!tu_mem_eq(what, got, want, dlen))
            fail_msg("%s", what);
        free(msg);
        checked++;
    }
    tu_rsp_close(&r);
    assert_int_equal(rc, 0);
    printf("  %s: %ld of %ld records checked on %s\n", c->file, checked, c->expect, c->impl.name);
    assert_true(checked > 0);
    assert_int_equal(checked, c->expect);
}

static void test_cavp_monte(void **state)
{
    tu_case *c = tu_begin(state);
    size_t dlen = tu_alg_len(c->alg), n;
    uint8_t seed[FM_HASH_MAX_LEN], md[3][FM_HASH_MAX_LEN], m[3 * FM_HASH_MAX_LEN];
    uint8_t want[FM_HASH_MAX_LEN];
    char path[PATH_MAX];
    long checked = 0;
    bool have_seed = false;
    tu_rsp r;
    int rc;

    tu_vector_path(c, path, sizeof path);
    assert_int_equal(tu_rsp_open(&r, path), 0);
    while ((rc = tu_rsp_next(&r)) == 1) {
        const char *seed_s = tu_rsp_field(&r, "Seed");
        const char *count_s = tu_rsp_field(&r, "COUNT");
        const char *md_s = tu_rsp_field(&r, "MD");
        int i;

        check_section_l(&r, dlen);
        if (seed_s != NULL) {
            if (have_seed || tu_hex_decode(seed_s, seed, sizeof seed, &n) != 0 || n != dlen)
                fail_msg("%s:%lu: unexpected or bad Seed", path, r.record_line);
            have_seed = true;
            continue;
        }
        if (!have_seed || count_s == NULL || md_s == NULL)
            fail_msg("%s:%lu: expected Seed, then COUNT and MD", path, r.record_line);
        if (strtol(count_s, NULL, 10) != checked)
            fail_msg("%s:%lu: COUNT = %s, expected %ld", path, r.record_line, count_s, checked);
        if (tu_hex_decode(md_s, want, sizeof want, &n) != 0 || n != dlen)
            fail_msg("%s:%lu: bad MD", path, r.record_line);

        memcpy(md[0], seed, dlen);
        memcpy(md[1], seed, dlen);
        memcpy(md[2], seed, dlen);
        for (i = 3; i <= 1002; i++) {
            memcpy(m, md[0], dlen);
            memcpy(m + dlen, md[1], dlen);
            memcpy(m + 2 * dlen, md[2], dlen);
            memcpy(md[0], md[1], dlen);
            memcpy(md[1], md[2], dlen);
            hash_ok(c->alg, m, 3 * dlen, md[2]);
        }
        if (!tu_mem_eq(c->file, md[2], want, dlen))
            fail_msg("%s:%lu: Monte checkpoint COUNT = %ld differs on %s", path, r.record_line,
                     checked, c->impl.name);
        memcpy(seed, md[2], dlen);
        checked++;
    }
    tu_rsp_close(&r);
    assert_int_equal(rc, 0);
    printf("  %s: %ld of %ld checkpoints (x1000 hashes) checked on %s\n", c->file, checked,
           c->expect, c->impl.name);
    assert_true(checked > 0);
    assert_int_equal(checked, c->expect);
}

/* ---- split updates --------------------------------------------------------------- */

/* A chunk size for split-update tests: 0, 1, around a block, or random. */
static size_t pick_chunk(tu_rng *rng, size_t left, size_t block)
{
    size_t n;

    switch (tu_rng_below(rng, 8)) {
    case 0: n = 0; break;
    case 1: n = 1; break;
    case 2: n = block - 1; break;
    case 3: n = block; break;
    case 4: n = block + 1; break;
    case 5: n = tu_rng_below(rng, 8); break;
    default: n = tu_rng_below(rng, left + 1); break;
    }
    return n < left ? n : left;
}

static void test_split_updates(void **state)
{
    tu_case *c = tu_begin(state);
    static uint8_t msg[5 * FM_HASH_MAX_BLOCK_LEN];
    long checked = 0;
    tu_rng rng;
    size_t k;

    tu_rng_init_named(&rng, c->name);
    for (k = 0; k < TU_NUM_ALGS; k++) {
        int alg = tu_algs[k], iter;
        size_t dlen = tu_alg_len(alg), block = tu_alg_block(alg);

        if (tu_alg_family(alg) != c->family)
            continue;
        for (iter = 0; iter < 300; iter++) {
            size_t len = tu_rng_below(&rng, 4 * block + 20), done = 0, copy_at;
            uint8_t want[FM_HASH_MAX_LEN], got[FM_HASH_MAX_LEN], got2[FM_HASH_MAX_LEN];
            fm_hash_ctx ctx, copy;
            bool copied = false;

            memset(&copy, 0, sizeof copy);

            tu_rng_fill(&rng, msg, len);
            hash_ok(alg, msg, len, want);
            copy_at = tu_rng_below(&rng, len + 1);
            assert_int_equal(fm_hash_init(&ctx, alg), FM_OK);
            for (;;) {
                size_t n;

                if (!copied && done >= copy_at) {
                    copy = ctx; /* assignment: both continue independently */
                    copy_at = done;
                    copied = true;
                }
                if (done == len)
                    break;
                n = pick_chunk(&rng, len - done, block);
                assert_int_equal(fm_hash_update(&ctx, n ? msg + done : NULL, n), FM_OK);
                done += n;
            }
            assert_true(copied);
            assert_int_equal(fm_hash_final(&ctx, got, dlen), FM_OK);
            if (!tu_mem_eq("split updates vs one-shot", got, want, dlen))
                fail_msg("%s, %zu-byte message, on %s", tu_alg_name(alg), len, c->impl.name);
            /* The copy taken at copy_at finishes the message on its own. */
            done = copy_at;
            while (done < len) {
                size_t n = pick_chunk(&rng, len - done, block);
                assert_int_equal(fm_hash_update(&copy, msg + done, n), FM_OK);
                done += n;
            }
            assert_int_equal(fm_hash_final(&copy, got2, dlen), FM_OK);
            if (!tu_mem_eq("copied context vs one-shot", got2, want, dlen))
                fail_msg("%s, %zu-byte message copied at %zu, on %s", tu_alg_name(alg), len,
                         copy_at, c->impl.name);
            checked++;
        }
    }
    printf("  %ld messages split at random on %s\n", checked, c->impl.name);
    assert_int_equal(checked, c->family == FM_FAMILY_SHA256 ? 600 : 1200);
}

/* ---- portable vs accelerated --------------------------------------------------------- */

static void test_cross_impl(void **state)
{
    tu_case *c = tu_begin(state);
    const tu_impl_set *set = &tu_impls[c->family];
    static uint8_t buf[4096 + 64];
    uint8_t ref[FM_HASH_MAX_LEN], got[FM_HASH_MAX_LEN];
    long checked = 0;
    size_t k, i;
    tu_rng rng;

    if (set->n < 2) {
        if (c->family == FM_FAMILY_SHA256 && !(tu_detected & FM_CPU_SHANI)) {
            printf("SKIP shani: CPU lacks SHA-NI (nothing to cross-check against portable)\n");
            skip();
        }
        if (c->family == FM_FAMILY_SHA256)
            fail_msg("CPU has SHA-NI but only the portable SHA-256 implementation is reachable");
        printf("SKIP: only the portable SHA-384/512 implementation exists for this CPU; "
               "nothing to cross-check\n");
        skip();
    }
    tu_rng_init_named(&rng, c->name);
    tu_rng_fill(&rng, buf, sizeof buf);
    for (k = 0; k < TU_NUM_ALGS; k++) {
        int alg = tu_algs[k], iter;
        size_t dlen = tu_alg_len(alg), block = tu_alg_block(alg);

        if (tu_alg_family(alg) != c->family)
            continue;
        for (iter = 0; iter < 3000; iter++) {
            /* Every length up to three blocks, then random lengths and offsets. */
            size_t len = iter <= (int)(3 * block) ? (size_t)iter : tu_rng_below(&rng, 4097);
            size_t off = tu_rng_below(&rng, 64);

            assert_int_equal(tu_impl_select(c->family, &set->impl[0]), 0);
            hash_ok(alg, buf + off, len, ref);
            for (i = 1; i < set->n; i++) {
                assert_int_equal(tu_impl_select(c->family, &set->impl[i]), 0);
                hash_ok(alg, buf + off, len, got);
                if (!tu_mem_eq("accelerated vs portable", got, ref, dlen))
                    fail_msg("%s, %zu bytes at offset %zu: %s differs from portable",
                             tu_alg_name(alg), len, off, set->impl[i].name);
            }
            checked++;
        }
        /* Contexts of every implementation fed side by side while the
         * enabled features keep changing: each keeps its own. */
        {
            fm_hash_ctx ctx[TU_MAX_IMPLS];
            size_t done = 0, len = 3000;

            hash_ok(alg, buf, len, ref);
            for (i = 0; i < set->n; i++) {
                assert_int_equal(tu_impl_select(c->family, &set->impl[i]), 0);
                assert_int_equal(fm_hash_init(&ctx[i], alg), FM_OK);
            }
            while (done < len) {
                size_t n = pick_chunk(&rng, len - done, block);
                for (i = 0; i < set->n; i++) {
                    assert_int_equal(tu_impl_select(c->family,
                                                    &set->impl[(i + done) % set->n]), 0);
                    assert_int_equal(fm_hash_update(&ctx[i], buf + done, n), FM_OK);
                }
                done += n;
            }
            for (i = 0; i < set->n; i++) {
                assert_int_equal(tu_impl_select(c->family, &set->impl[set->n - 1 - i]), 0);
                assert_int_equal(fm_hash_final(&ctx[i], got, dlen), FM_OK);
                if (!tu_mem_eq("context begun on one implementation, fed under others", got,
                               ref, dlen))
                    fail_msg("%s: context initialised on %s changed behaviour when the enabled "
                             "features changed", tu_alg_name(alg), set->impl[i].name);
            }
        }
    }
    printf("  %ld inputs agree on", checked);
    for (i = 0; i < set->n; i++)
        printf(" %s", set->impl[i].name);
    printf("\n");
    assert_int_equal(checked, c->family == FM_FAMILY_SHA256 ? 6000 : 12000);
}

/* ---- OpenSSL differential ------------------------------------------------------------ */

static void test_vs_openssl(void **state)
{
    tu_case *c = tu_begin(state);
    static uint8_t buf[5000 + 64];
    long checked = 0;
    tu_rng rng;
    size_t k;

    tu_rng_init_named(&rng, c->name);
    tu_rng_fill(&rng, buf, sizeof buf);
    for (k = 0; k < TU_NUM_ALGS; k++) {
        int alg = tu_algs[k], iter;
        size_t dlen = tu_alg_len(alg);

        if (tu_alg_family(alg) != c->family)
            continue;
        for (iter = 0; iter < 2300; iter++) {
            size_t len = iter <= 300 ? (size_t)iter : tu_rng_below(&rng, 5001);
            size_t off = tu_rng_below(&rng, 64);
            uint8_t want[FM_HASH_MAX_LEN], got[FM_HASH_MAX_LEN];

            if (iter % 64 == 0)
                tu_rng_fill(&rng, buf, sizeof buf);
            openssl_hash(alg, buf + off, len, want);
            hash_ok(alg, buf + off, len, got);
            if (!tu_mem_eq("fipsmod vs OpenSSL", got, want, dlen))
                fail_msg("%s, %zu bytes at offset %zu, on %s", tu_alg_name(alg), len, off,
                         c->impl.name);
            checked++;
        }
    }
    printf("  %ld random messages agree with OpenSSL on %s\n", checked, c->impl.name);
    assert_int_equal(checked, c->family == FM_FAMILY_SHA256 ? 4600 : 9200);
}

/* ---- 4.5 GiB stream ------------------------------------------------------------------ */

#define STREAM_TOTAL ((uint64_t)9 << 29)  /* 4.5 GiB, past 2^32 bytes */
#define STREAM_BUF   ((size_t)1 << 20)
#define STREAM_SLIDE ((size_t)65536)

typedef struct {
    int alg;
    bool openssl;
    const uint8_t *buf;
    uint64_t seed;
    uint8_t md[FM_HASH_MAX_LEN];
    uint64_t total;
    int rc;
    double secs;
} stream_job;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Both threads draw the same chunk schedule (offset into the 1 MiB + 64 KiB
 * buffer, length up to 1 MiB) from the same seed, so they hash the same
 * non-periodic stream. The fipsmod side also cuts some chunks in two at an
 * odd place so that updates are not block-aligned.
 */
static void *stream_run(void *arg)
{
    stream_job *j = arg;
    tu_rng sched, cut;
    uint64_t done = 0;
    fm_hash_ctx ctx;
    EVP_MD_CTX *ectx = NULL;
    unsigned long chunk = 0;
    double t0 = now();

    tu_rng_init(&sched, j->seed);
    tu_rng_init(&cut, j->seed ^ 0xa5a5a5a5u);
    j->rc = -1;
    if (j->openssl) {
        ectx = EVP_MD_CTX_new();
        if (ectx == NULL || EVP_DigestInit_ex(ectx, tu_evp_md(j->alg), NULL) != 1)
            goto out;
    } else if (fm_hash_init(&ctx, j->alg) != FM_OK) {
        goto out;
    }
    while (done < STREAM_TOTAL) {
        size_t off = tu_rng_below(&sched, STREAM_SLIDE);
        size_t len = 1 + tu_rng_below(&sched, STREAM_BUF);
        const uint8_t *p = j->buf + off;

        if (len > STREAM_TOTAL - done)
            len = (size_t)(STREAM_TOTAL - done);
        if (j->openssl) {
            if (EVP_DigestUpdate(ectx, p, len) != 1)
                goto out;
        } else if (chunk % 7 == 3) {
            size_t a = tu_rng_below(&cut, len < 300 ? len + 1 : 300);
            if (fm_hash_update(&ctx, p, a) != FM_OK || fm_hash_update(&ctx, p + a, len - a) != FM_OK)
                goto out;
        } else if (fm_hash_update(&ctx, p, len) != FM_OK) {
            goto out;
        }
        done += len;
        chunk++;
    }
    if (j->openssl) {
        unsigned int n = 0;
        if (EVP_DigestFinal_ex(ectx, j->md, &n) != 1 || n != tu_alg_len(j->alg))
            goto out;
    } else if (fm_hash_final(&ctx, j->md, tu_alg_len(j->alg)) != FM_OK) {
        goto out;
    }
    j->total = done;
    j->rc = 0;
out:
    if (ectx != NULL)
        EVP_MD_CTX_free(ectx);
    j->secs = now() - t0;
    return NULL;
}

static void test_stream_4g(void **state)
{
    tu_case *c = tu_begin(state);
    size_t dlen = tu_alg_len(c->alg);
    stream_job jf, jo;
    pthread_t th;
    const char *impl = "?";
    uint8_t *buf;
    tu_rng rng;
    char hex[2 * FM_HASH_MAX_LEN + 1];

    assert_int_equal(fm_impl_name(c->family, &impl), FM_OK);
    buf = malloc(STREAM_BUF + STREAM_SLIDE);
    assert_non_null(buf);
    tu_rng_init_named(&rng, c->name);
    tu_rng_fill(&rng, buf, STREAM_BUF + STREAM_SLIDE);

    memset(&jf, 0, sizeof jf);
    jf.alg = c->alg;
    jf.buf = buf;
    jf.seed = tu_rng_u64(&rng);
    jo = jf;
    jo.openssl = true;
    /* OpenSSL in a second thread, fipsmod in this one. */
    assert_int_equal(pthread_create(&th, NULL, stream_run, &jo), 0);
    stream_run(&jf);
    assert_int_equal(pthread_join(th, NULL), 0);
    free(buf);

    assert_int_equal(jo.rc, 0);
    assert_int_equal(jf.rc, 0);
    assert_true(jf.total == STREAM_TOTAL && jo.total == STREAM_TOTAL);
    assert_true(STREAM_TOTAL > ((uint64_t)1 << 32));
    tu_hex_encode(jf.md, dlen, hex);
    printf("  %s over %llu bytes on %s: fipsmod %.1f s, OpenSSL %.1f s, %s\n", tu_alg_name(c->alg),
           (unsigned long long)jf.total, impl, jf.secs, jo.secs, hex);
    if (!tu_mem_eq("4.5 GiB stream, fipsmod vs OpenSSL", jf.md, jo.md, dlen))
        fail_msg("%s over 4.5 GiB differs from OpenSSL on %s", tu_alg_name(c->alg), impl);
}

/* ---- main ------------------------------------------------------------------------------- */

int main(void)
{
    size_t i;
    int f;

    tu_init("test_sha2");
    for (f = FM_FAMILY_SHA256; f <= FM_FAMILY_SHA512; f++) {
        tu_case t = { .family = f };
        const char *fam = f == FM_FAMILY_SHA256 ? "SHA-224/256" : "SHA-384/512";
        char label[96];

        snprintf(label, sizeof label, "known answers abc and empty, %s", fam);
        tu_add_per_impl(&suite, test_known_answers, &t, label);
    }
    for (i = 0; i < sizeof cavp_files / sizeof cavp_files[0]; i++) {
        tu_case t = {
            .alg = cavp_files[i].alg,
            .family = tu_alg_family(cavp_files[i].alg),
            .expect = cavp_files[i].records,
        };
        snprintf(cavp_paths[i], sizeof cavp_paths[i], "cavp/sha2/%s", cavp_files[i].file);
        t.file = cavp_paths[i];
        tu_add_per_impl(&suite, cavp_files[i].kind == CAVP_MSG ? test_cavp_msg : test_cavp_monte,
                        &t, cavp_paths[i]);
    }
    for (f = FM_FAMILY_SHA256; f <= FM_FAMILY_SHA512; f++) {
        tu_case t = { .family = f };
        const char *fam = f == FM_FAMILY_SHA256 ? "SHA-224/256" : "SHA-384/512";
        char label[96];

        snprintf(label, sizeof label, "split updates vs one-shot, %s", fam);
        tu_add_per_impl(&suite, test_split_updates, &t, label);
        snprintf(label, sizeof label, "differential vs OpenSSL EVP_Digest, %s", fam);
        tu_add_per_impl(&suite, test_vs_openssl, &t, label);
        tu_add(&suite, test_cross_impl, &t, "portable vs accelerated, %s", fam);
    }
    {
        /* Default implementation (impl.name NULL selects FM_CPU_ALL). */
        tu_case t = { .alg = FM_SHA256, .family = FM_FAMILY_SHA256 };
        tu_add(&suite, test_stream_4g, &t, "4.5 GiB stream vs OpenSSL, SHA-256 [default]");
        t.alg = FM_SHA512;
        t.family = FM_FAMILY_SHA512;
        tu_add(&suite, test_stream_4g, &t, "4.5 GiB stream vs OpenSSL, SHA-512 [default]");
    }
    return tu_run(&suite, "test_sha2");
}
