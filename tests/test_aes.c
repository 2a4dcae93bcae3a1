/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AES (FIPS 197) and ECB (SP 800-38A section 6.1) tests for fm_aes_*.
 * Every test that depends on the implementation runs once per AES
 * implementation the CPU offers ("portable" bitsliced, "aesni", "vaes");
 * an implementation the CPU cannot run is a skipped test that prints why
 * ("SKIP vaes: CPU lacks VAES and VPCLMULQDQ").
 *
 *  - FIPS 197 Appendix B and Appendix C.1-C.3 (AES-128/192/256), hard-coded,
 *    encrypted and decrypted out of place and in place;
 *  - CAVP AESAVS ECB{GFSbox,KeySbox,VarKey,VarTxt,MMT}{128,192,256}.rsp,
 *    [ENCRYPT] and [DECRYPT] sections, each record in its direction, the
 *    inverse direction and in place;
 *  - CAVP ECBMCT{128,192,256}.rsp, AESAVS section 6.4 Monte Carlo: 100
 *    outer iterations of 1000 inner operations per direction, the key
 *    updated from the last ciphertext (128), the last 64 bits of the one
 *    before it and the last one (192) or the last two (256); the chain is
 *    run from the first record and each record's KEY and input must equal
 *    the chained values;
 *  - OpenSSL EVP aes-{128,192,256}-ecb on random keys and every length of
 *    0..40 blocks, in place and out of place, at random buffer offsets;
 *  - portable vs aesni and vs vaes on random keys and data, and key
 *    schedules of two implementations used side by side while the enabled
 *    features change;
 *    a schedule copied with memcpy to an address that is 8 mod 16;
 *  - bad input: NULL pointers, key lengths 0/1/8/15/17/23/25/31/33/64,
 *    lengths that are not a multiple of 16 (FM_ERR_LENGTH, out zeroed),
 *    an uninitialised, garbage or wiped key (FM_ERR_CONTEXT, out zeroed),
 *    and a wiped key that is all zero;
 *  - one key used by four threads at once (the header allows it).
 *
 * Every vector loop asserts the exact number of records it checked. The
 * vector files come from ../shared/vectors (or $FIPSMOD_VECTORS); when the
 * folder is absent those tests are skipped and say why.
 */
#include "testutil.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <fipsmod/aes.h>
#include <openssl/evp.h>

static tu_suite suite;

/* ---- implementations ------------------------------------------------------- */

/*
 * tu_init() finds the AES implementations (tu_impls[FM_FAMILY_AES]) like the
 * hash ones, and tu_add_per_impl() turns "aesni" on a CPU without AES-NI
 * into a skipped test that prints why.
 */
#define AESNI_NEEDS (FM_CPU_AESNI | FM_CPU_SSSE3 | FM_CPU_PCLMUL)
#define VAES_NEEDS (AESNI_NEEDS | FM_CPU_AVX2 | FM_CPU_VAES | FM_CPU_VPCLMUL)

static const tu_impl *aes_find(const char *name)
{
    const tu_impl_set *set = &tu_impls[FM_FAMILY_AES];
    size_t i;

    for (i = 0; i < set->n; i++)
        if (strcmp(set->impl[i].name, name) == 0)
            return &set->impl[i];
    return NULL;
}

static void add_per_impl(CMUnitTestFunction fn, const tu_case *tmpl, const char *label)
{
    tu_case t = *tmpl;

    t.family = FM_FAMILY_AES;
    tu_add_per_impl(&suite, fn, &t, label);
}

/* ---- helpers ------------------------------------------------------------------ */

static const EVP_CIPHER *evp_ecb(size_t klen)
{
    switch (klen) {
    case 16: return EVP_aes_128_ecb();
    case 24: return EVP_aes_192_ecb();
    case 32: return EVP_aes_256_ecb();
    default: return NULL;
    }
}

static void openssl_ecb(bool enc, const uint8_t *key, size_t klen, const uint8_t *in,
                        uint8_t *out, size_t len)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0, m = 0;

    assert_non_null(ctx);
    assert_int_equal(EVP_CipherInit_ex(ctx, evp_ecb(klen), NULL, key, NULL, enc ? 1 : 0), 1);
    assert_int_equal(EVP_CIPHER_CTX_set_padding(ctx, 0), 1);
    if (len > 0)
        assert_int_equal(EVP_CipherUpdate(ctx, out, &n, in, (int)len), 1);
    assert_int_equal(EVP_CipherFinal_ex(ctx, out + n, &m), 1);
    assert_int_equal((size_t)(n + m), len);
    EVP_CIPHER_CTX_free(ctx);
}

static int ecb(bool enc, const fm_aes_key *k, const uint8_t *in, uint8_t *out, size_t len)
{
    return enc ? fm_aes_ecb_encrypt(k, in, out, len) : fm_aes_ecb_decrypt(k, in, out, len);
}

static void init_ok(fm_aes_key *k, const uint8_t *key, size_t klen)
{
    assert_int_equal(fm_aes_init(k, key, klen), FM_OK);
}

/* ---- FIPS 197 known answers ---------------------------------------------------- */

static const struct {
    const char *what;
    const char *key, *pt, *ct;
} fips197[] = {
    { "FIPS 197 Appendix B", "2b7e151628aed2a6abf7158809cf4f3c",
      "3243f6a8885a308d313198a2e0370734", "3925841d02dc09fbdc118597196a0b32" },
    { "FIPS 197 Appendix C.1 (AES-128)", "000102030405060708090a0b0c0d0e0f",
      "00112233445566778899aabbccddeeff", "69c4e0d86a7b0430d8cdb78070b4c55a" },
    { "FIPS 197 Appendix C.2 (AES-192)", "000102030405060708090a0b0c0d0e0f1011121314151617",
      "00112233445566778899aabbccddeeff", "dda97ca4864cdfe06eaf70a0ec0d7191" },
    { "FIPS 197 Appendix C.3 (AES-256)",
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
      "00112233445566778899aabbccddeeff", "8ea2b7ca516745bfeafc49904b496089" },
};

static void test_fips197(void **state)
{
    tu_case *c = tu_begin(state);
    long checked = 0;
    size_t i;

    for (i = 0; i < sizeof fips197 / sizeof fips197[0]; i++) {
        uint8_t key[32], pt[16], ct[16], buf[16 * 5];
        size_t klen, n, b;
        fm_aes_key k;
        char what[160];

        assert_int_equal(tu_hex_decode(fips197[i].key, key, sizeof key, &klen), 0);
        assert_int_equal(tu_hex_decode(fips197[i].pt, pt, sizeof pt, &n), 0);
        assert_int_equal(n, 16);
        assert_int_equal(tu_hex_decode(fips197[i].ct, ct, sizeof ct, &n), 0);
        assert_int_equal(n, 16);
        init_ok(&k, key, klen);

        snprintf(what, sizeof what, "%s encrypt on %s", fips197[i].what, c->impl.name);
        memset(buf, 0, sizeof buf);
        assert_int_equal(fm_aes_ecb_encrypt(&k, pt, buf, 16), FM_OK);
        if (!tu_mem_eq(what, buf, ct, 16))
            fail_msg("%s", what);
        snprintf(what, sizeof what, "%s decrypt on %s", fips197[i].what, c->impl.name);
        assert_int_equal(fm_aes_ecb_decrypt(&k, ct, buf, 16), FM_OK);
        if (!tu_mem_eq(what, buf, pt, 16))
            fail_msg("%s", what);

        /* Five copies in one call (more than one group of four), in place. */
        for (b = 0; b < 5; b++)
            memcpy(buf + 16 * b, pt, 16);
        assert_int_equal(fm_aes_ecb_encrypt(&k, buf, buf, sizeof buf), FM_OK);
        for (b = 0; b < 5; b++) {
            snprintf(what, sizeof what, "%s in place, block %zu of 5, on %s", fips197[i].what, b,
                     c->impl.name);
            if (!tu_mem_eq(what, buf + 16 * b, ct, 16))
                fail_msg("%s", what);
        }
        assert_int_equal(fm_aes_ecb_decrypt(&k, buf, buf, sizeof buf), FM_OK);
        for (b = 0; b < 5; b++) {
            snprintf(what, sizeof what, "%s decrypt in place, block %zu of 5, on %s",
                     fips197[i].what, b, c->impl.name);
            if (!tu_mem_eq(what, buf + 16 * b, pt, 16))
                fail_msg("%s", what);
        }
        assert_int_equal(fm_aes_wipe(&k), FM_OK);
        checked++;
    }
    printf("  %ld FIPS 197 vectors checked on %s\n", checked, c->impl.name);
    assert_int_equal(checked, 4);
}

/* ---- CAVP KAT and MMT --------------------------------------------------------------- */

static const struct {
    const char *file;
    size_t klen;
    long records; /* [ENCRYPT] + [DECRYPT] */
} cavp_files[] = {
    { "ECBGFSbox128.rsp", 16, 14 },  { "ECBGFSbox192.rsp", 24, 12 },
    { "ECBGFSbox256.rsp", 32, 10 },  { "ECBKeySbox128.rsp", 16, 42 },
    { "ECBKeySbox192.rsp", 24, 48 }, { "ECBKeySbox256.rsp", 32, 32 },
    { "ECBVarKey128.rsp", 16, 256 }, { "ECBVarKey192.rsp", 24, 384 },
    { "ECBVarKey256.rsp", 32, 512 }, { "ECBVarTxt128.rsp", 16, 256 },
    { "ECBVarTxt192.rsp", 24, 256 }, { "ECBVarTxt256.rsp", 32, 256 },
    { "ECBMMT128.rsp", 16, 20 },     { "ECBMMT192.rsp", 24, 20 },
    { "ECBMMT256.rsp", 32, 20 },
};

static const struct {
    const char *file;
    size_t klen;
} mct_files[] = {
    { "ECBMCT128.rsp", 16 },
    { "ECBMCT192.rsp", 24 },
    { "ECBMCT256.rsp", 32 },
};

static char cavp_paths[sizeof cavp_files / sizeof cavp_files[0]][64];
static char mct_paths[sizeof mct_files / sizeof mct_files[0]][64];

static void test_cavp(void **state)
{
    tu_case *c = tu_begin(state);
    size_t klen = (size_t)(uintptr_t)c->data;
    char path[PATH_MAX];
    long checked = 0, n_enc = 0, n_dec = 0;
    tu_rsp r;
    int rc;

    tu_vector_path(c, path, sizeof path);
    assert_int_equal(tu_rsp_open(&r, path), 0);
    while ((rc = tu_rsp_next(&r)) == 1) {
        bool enc = tu_rsp_encrypt_section(&r);
        uint8_t key[32], pt[16 * 16], ct[16 * 16], got[16 * 16];
        size_t kl = tu_rsp_hex(&r, "KEY", key, sizeof key);
        size_t pl = tu_rsp_hex(&r, "PLAINTEXT", pt, sizeof pt);
        size_t cl = tu_rsp_hex(&r, "CIPHERTEXT", ct, sizeof ct);
        const uint8_t *in = enc ? pt : ct, *want = enc ? ct : pt;
        fm_aes_key k;
        char what[200];

        if (kl != klen || pl != cl || pl == 0 || pl % 16 != 0)
            fail_msg("%s:%lu: KEY of %zu bytes (expected %zu), PLAINTEXT %zu, CIPHERTEXT %zu",
                     path, r.record_line, kl, klen, pl, cl);
        init_ok(&k, key, klen);

        snprintf(what, sizeof what, "%s line %lu %s on %s", c->file, r.record_line,
                 enc ? "encrypt" : "decrypt", c->impl.name);
        memset(got, 0, sizeof got);
        assert_int_equal(ecb(enc, &k, in, got, pl), FM_OK);
        if (!tu_mem_eq(what, got, want, pl))
            fail_msg("%s", what);
        /* In place. */
        memcpy(got, in, pl);
        assert_int_equal(ecb(enc, &k, got, got, pl), FM_OK);
        if (!tu_mem_eq(what, got, want, pl))
            fail_msg("%s (in place)", what);
        /* And back. */
        assert_int_equal(ecb(!enc, &k, got, got, pl), FM_OK);
        if (!tu_mem_eq(what, got, in, pl))
            fail_msg("%s (inverse of the answer)", what);
        assert_int_equal(fm_aes_wipe(&k), FM_OK);
        if (enc)
            n_enc++;
        else
            n_dec++;
        checked++;
    }
    tu_rsp_close(&r);
    assert_int_equal(rc, 0);
    printf("  %s: %ld of %ld records checked (%ld encrypt, %ld decrypt) on %s\n", c->file,
           checked, c->expect, n_enc, n_dec, c->impl.name);
    assert_true(checked > 0);
    assert_int_equal(checked, c->expect);
    assert_int_equal(n_enc, c->expect / 2);
    assert_int_equal(n_dec, c->expect / 2);
}

/* ---- CAVP Monte Carlo ---------------------------------------------------------------- */

/*
 * AESAVS section 6.4 (ECB), one outer iteration: from key and input (PT[0]
 * for encryption, CT[0] for decryption), 1000 operations, each output the
 * next input; out = the last output. Then the key for the next iteration:
 *   128: Key xor out
 *   192: Key xor (last 64 bits of the output before the last || out)
 *   256: Key xor (output before the last || out)
 * and the next input is out.
 */
static void mct_outer(bool enc, uint8_t *key, size_t klen, uint8_t in[16], uint8_t out[16])
{
    uint8_t prev[16], cur[16], next[32];
    fm_aes_key k;
    int j;
    size_t i;

    init_ok(&k, key, klen);
    memcpy(cur, in, 16);
    memset(prev, 0, sizeof prev);
    for (j = 0; j < 1000; j++) {
        memcpy(prev, cur, 16);
        assert_int_equal(ecb(enc, &k, prev, cur, 16), FM_OK);
    }
    /* prev now holds the output before the last (input of the last operation). */
    assert_int_equal(fm_aes_wipe(&k), FM_OK);
    memcpy(out, cur, 16);
    if (klen == 16) {
        memcpy(next, cur, 16);
    } else if (klen == 24) {
        memcpy(next, prev + 8, 8);
        memcpy(next + 8, cur, 16);
    } else {
        memcpy(next, prev, 16);
        memcpy(next + 16, cur, 16);
    }
    for (i = 0; i < klen; i++)
        key[i] ^= next[i];
    memcpy(in, cur, 16);
}

static void test_cavp_mct(void **state)
{
    tu_case *c = tu_begin(state);
    size_t klen = (size_t)(uintptr_t)c->data;
    char path[PATH_MAX];
    long checked = 0, n_enc = 0, n_dec = 0;
    uint8_t key[32], in[16];
    int dir = -1;     /* direction of the chain in progress */
    long count = 0;   /* expected COUNT in that direction */
    tu_rsp r;
    int rc;

    tu_vector_path(c, path, sizeof path);
    assert_int_equal(tu_rsp_open(&r, path), 0);
    while ((rc = tu_rsp_next(&r)) == 1) {
        bool enc = tu_rsp_encrypt_section(&r);
        const char *count_s = tu_rsp_field(&r, "COUNT");
        uint8_t fkey[32], pt[16], ct[16], out[16];
        size_t kl = tu_rsp_hex(&r, "KEY", fkey, sizeof fkey);
        size_t pl = tu_rsp_hex(&r, "PLAINTEXT", pt, sizeof pt);
        size_t cl = tu_rsp_hex(&r, "CIPHERTEXT", ct, sizeof ct);
        const uint8_t *fin = enc ? pt : ct, *want = enc ? ct : pt;
        char what[200];

        if (kl != klen || pl != 16 || cl != 16 || count_s == NULL)
            fail_msg("%s:%lu: expected COUNT, a %zu-byte KEY and one-block PLAINTEXT and "
                     "CIPHERTEXT", path, r.record_line, klen);
        if (dir != (int)enc) {
            /* A new section starts a new chain from its first record. */
            dir = enc;
            count = 0;
            memcpy(key, fkey, klen);
            memcpy(in, fin, 16);
        }
        if (strtol(count_s, NULL, 10) != count)
            fail_msg("%s:%lu: COUNT = %s, expected %ld", path, r.record_line, count_s, count);
        snprintf(what, sizeof what, "%s line %lu (%s COUNT = %ld) chained KEY", c->file,
                 r.record_line, enc ? "encrypt" : "decrypt", count);
        if (!tu_mem_eq(what, key, fkey, klen))
            fail_msg("%s on %s: the key update of AESAVS 6.4 differs", what, c->impl.name);
        snprintf(what, sizeof what, "%s line %lu (%s COUNT = %ld) chained %s", c->file,
                 r.record_line, enc ? "encrypt" : "decrypt", count,
                 enc ? "PLAINTEXT" : "CIPHERTEXT");
        if (!tu_mem_eq(what, in, fin, 16))
            fail_msg("%s on %s", what, c->impl.name);

        mct_outer(enc, key, klen, in, out);
        snprintf(what, sizeof what, "%s line %lu (%s COUNT = %ld) after 1000 %s", c->file,
                 r.record_line, enc ? "encrypt" : "decrypt", count,
                 enc ? "encryptions" : "decryptions");
        if (!tu_mem_eq(what, out, want, 16))
            fail_msg("%s on %s", what, c->impl.name);
        count++;
        if (enc)
            n_enc++;
        else
            n_dec++;
        checked++;
    }
    tu_rsp_close(&r);
    assert_int_equal(rc, 0);
    printf("  %s: %ld of %ld outer iterations (x1000) checked (%ld encrypt, %ld decrypt) on %s\n",
           c->file, checked, c->expect, n_enc, n_dec, c->impl.name);
    assert_true(checked > 0);
    assert_int_equal(checked, c->expect);
    assert_int_equal(n_enc, 100);
    assert_int_equal(n_dec, 100);
}

/* ---- OpenSSL differential ------------------------------------------------------------- */

#define MAX_BLOCKS 40
#define REPEATS    3

static void test_vs_openssl(void **state)
{
    tu_case *c = tu_begin(state);
    static const size_t klens[3] = { 16, 24, 32 };
    static uint8_t src[16 * MAX_BLOCKS + 32], dst[16 * MAX_BLOCKS + 32],
        want[16 * MAX_BLOCKS], back[16 * MAX_BLOCKS + 32];
    long checked = 0;
    tu_rng rng;
    size_t ki;

    tu_rng_init_named(&rng, c->name);
    for (ki = 0; ki < 3; ki++) {
        size_t klen = klens[ki], blocks;

        for (blocks = 0; blocks <= MAX_BLOCKS; blocks++) {
            int rep;

            for (rep = 0; rep < REPEATS; rep++) {
                size_t len = 16 * blocks;
                size_t so = tu_rng_below(&rng, 16), doff = tu_rng_below(&rng, 16);
                uint8_t key[32];
                fm_aes_key k;
                int enc;

                tu_rng_fill(&rng, key, klen);
                tu_rng_fill(&rng, src, sizeof src);
                init_ok(&k, key, klen);
                for (enc = 1; enc >= 0; enc--) {
                    char what[160];

                    snprintf(what, sizeof what, "AES-%zu %s of %zu blocks vs OpenSSL on %s",
                             8 * klen, enc ? "encrypt" : "decrypt", blocks, c->impl.name);
                    openssl_ecb(enc, key, klen, src + so, want, len);
                    /* Out of place, at unrelated offsets. */
                    memset(dst, 0xee, sizeof dst);
                    assert_int_equal(ecb(enc, &k, src + so, dst + doff, len), FM_OK);
                    if (!tu_mem_eq(what, dst + doff, want, len))
                        fail_msg("%s (out of place, offsets %zu/%zu)", what, so, doff);
                    /* Nothing written outside out[0..len). */
                    assert_true(doff == 0 || dst[doff - 1] == 0xee);
                    assert_true(dst[doff + len] == 0xee);
                    /* In place. */
                    memcpy(back + doff, src + so, len);
                    assert_int_equal(ecb(enc, &k, back + doff, back + doff, len), FM_OK);
                    if (!tu_mem_eq(what, back + doff, want, len))
                        fail_msg("%s (in place, offset %zu)", what, doff);
                    /* The inverse gives the input back. */
                    assert_int_equal(ecb(!enc, &k, back + doff, back + doff, len), FM_OK);
                    if (!tu_mem_eq(what, back + doff, src + so, len))
                        fail_msg("%s (inverse)", what);
                    checked++;
                }
                assert_int_equal(fm_aes_wipe(&k), FM_OK);
            }
        }
    }
    printf("  %ld random encryptions and decryptions of 0..%d blocks agree with OpenSSL on %s\n",
           checked, MAX_BLOCKS, c->impl.name);
    assert_int_equal(checked, 3 * (MAX_BLOCKS + 1) * REPEATS * 2);
}

/* ---- portable vs each accelerated implementation ------------------------------------ */

/* What the cross-check of one accelerated implementation needs. */
typedef struct {
    const char *name;   /* as fm_impl_name reports it */
    uint32_t needs;     /* the CPU features it needs */
    const char *what;   /* those features, for the skip message */
} cross_impl;

static const cross_impl cross_aesni = { "aesni", AESNI_NEEDS, "AES-NI and PCLMULQDQ" };
static const cross_impl cross_vaes = { "vaes", VAES_NEEDS, "VAES, VPCLMULQDQ and AVX2" };

static void test_cross_impl(void **state)
{
    tu_case *c = tu_begin(state);
    const cross_impl *x = c->data;
    const tu_impl *portable = &tu_impls[FM_FAMILY_AES].impl[0], *ni = aes_find(x->name);
    static uint8_t buf[16 * 70], a[16 * 70], b[16 * 70];
    uint8_t store[sizeof(fm_aes_key) + 16];
    long checked = 0;
    tu_rng rng;
    int iter;

    if (ni == NULL) {
        if ((tu_detected & x->needs) != x->needs) {
            printf("SKIP %s: CPU lacks %s (nothing to cross-check against portable)\n", x->name,
                   x->what);
            skip();
        }
        fail_msg("the CPU has %s but the %s AES implementation is not reachable", x->what,
                 x->name);
    }
    tu_rng_init_named(&rng, c->name);
    for (iter = 0; iter < 3000; iter++) {
        size_t klen = 16 + 8 * tu_rng_below(&rng, 3);
        size_t len = 16 * (iter < 70 ? (size_t)iter : tu_rng_below(&rng, 71));
        uint8_t key[32];
        fm_aes_key kp, kn, *moved;
        int enc = (int)tu_rng_below(&rng, 2);

        tu_rng_fill(&rng, key, klen);
        tu_rng_fill(&rng, buf, len);
        assert_int_equal(tu_impl_select(FM_FAMILY_AES, portable), 0);
        init_ok(&kp, key, klen);
        assert_int_equal(tu_impl_select(FM_FAMILY_AES, ni), 0);
        init_ok(&kn, key, klen);
        /* Each schedule keeps its implementation whatever is enabled now. */
        assert_int_equal(tu_impl_select(FM_FAMILY_AES, iter % 2 ? portable : ni), 0);
        assert_int_equal(ecb(enc, &kp, buf, a, len), FM_OK);
        assert_int_equal(ecb(enc, &kn, buf, b, len), FM_OK);
        if (!tu_mem_eq("accelerated vs portable", b, a, len))
            fail_msg("AES-%zu %s of %zu bytes: %s differs from portable", 8 * klen,
                     enc ? "encrypt" : "decrypt", len, x->name);
        /* A schedule moved with memcpy to an address that is 8 mod 16. */
        moved = (fm_aes_key *)(void *)(store + ((16 - ((uintptr_t)store & 15)) & 15) + 8);
        memcpy(moved, iter % 3 ? &kn : &kp, sizeof *moved);
        memset(b, 0, len);
        assert_int_equal(ecb(enc, moved, buf, b, len), FM_OK);
        if (!tu_mem_eq("copied schedule at 8 mod 16", b, a, len))
            fail_msg("AES-%zu %s with a %s schedule copied to 8 mod 16", 8 * klen,
                     enc ? "encrypt" : "decrypt", iter % 3 ? x->name : "portable");
        assert_int_equal(fm_aes_wipe(moved), FM_OK);
        assert_int_equal(fm_aes_wipe(&kp), FM_OK);
        assert_int_equal(fm_aes_wipe(&kn), FM_OK);
        checked++;
    }
    printf("  %ld random inputs agree on portable and %s\n", checked, x->name);
    assert_int_equal(checked, 3000);
}

/* ---- one key shared by several threads -------------------------------------------- */

#define THREADS      4
#define THREAD_ITERS 200

typedef struct {
    const fm_aes_key *key;
    const uint8_t *raw;
    size_t klen;
    uint64_t seed;
    long ok;
} thread_job;

static void *thread_run(void *arg)
{
    thread_job *j = arg;
    uint8_t in[16 * 17], out[16 * 17], want[16 * 17];
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    tu_rng rng;
    int i;

    tu_rng_init(&rng, j->seed);
    for (i = 0; ctx != NULL && i < THREAD_ITERS; i++) {
        size_t len = 16 * tu_rng_below(&rng, 18);
        int n = 0;

        tu_rng_fill(&rng, in, len);
        if (EVP_EncryptInit_ex(ctx, evp_ecb(j->klen), NULL, j->raw, NULL) != 1 ||
            EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
            (len > 0 && EVP_EncryptUpdate(ctx, want, &n, in, (int)len) != 1))
            break;
        if (fm_aes_ecb_encrypt(j->key, in, out, len) != FM_OK ||
            (len > 0 && memcmp(out, want, len) != 0))
            break;
        if (fm_aes_ecb_decrypt(j->key, out, out, len) != FM_OK ||
            (len > 0 && memcmp(out, in, len) != 0))
            break;
        j->ok++;
    }
    EVP_CIPHER_CTX_free(ctx);
    return NULL;
}

static void test_threads(void **state)
{
    tu_case *c = tu_begin(state);
    pthread_t th[THREADS];
    thread_job jobs[THREADS];
    uint8_t raw[32];
    fm_aes_key k;
    long ok = 0;
    tu_rng rng;
    int i;

    tu_rng_init_named(&rng, c->name);
    tu_rng_fill(&rng, raw, sizeof raw);
    init_ok(&k, raw, 32);
    for (i = 0; i < THREADS; i++) {
        jobs[i] = (thread_job){ .key = &k, .raw = raw, .klen = 32, .seed = tu_rng_u64(&rng) };
        assert_int_equal(pthread_create(&th[i], NULL, thread_run, &jobs[i]), 0);
    }
    for (i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        ok += jobs[i].ok;
    }
    assert_int_equal(fm_aes_wipe(&k), FM_OK);
    printf("  %d threads sharing one AES-256 key: %ld of %d round trips agree with OpenSSL on %s\n",
           THREADS, ok, THREADS * THREAD_ITERS, c->impl.name);
    assert_int_equal(ok, THREADS * THREAD_ITERS);
}

/* ---- bad input and wiping --------------------------------------------------------------- */

/* out is 0x5a-filled, the call must fail with `want` and leave out[0..n) zero. */
static void expect_fail_zeroed(const char *what, int rc, int want, const uint8_t *out, size_t n)
{
    if (rc != want) {
        const char *g = "?", *w = "?";
        fm_error_name(rc, &g);
        fm_error_name(want, &w);
        fail_msg("%s: returned %d %s, expected %s", what, rc, g, w);
    }
    if (!tu_all_zero(out, n)) {
        tu_hex_print("  out: ", out, n);
        fail_msg("%s: failed but left output bytes non-zero", what);
    }
}

static void test_bad_input(void **state)
{
    tu_case *c = tu_begin(state);
    static const size_t bad_klens[] = { 0, 1, 8, 15, 17, 23, 25, 31, 33, 48, 64 };
    static const size_t bad_lens[] = { 1, 15, 17, 31, 33, 47, 100 };
    uint8_t key[32], in[128], out[128];
    fm_aes_key k;
    long checked = 0;
    size_t i;
    int enc;

    memset(key, 0x11, sizeof key);
    memset(in, 0x22, sizeof in);

    /* fm_aes_init */
    assert_int_equal(fm_aes_init(NULL, key, 16), FM_ERR_ARG);
    memset(&k, 0x5a, sizeof k);
    assert_int_equal(fm_aes_init(&k, NULL, 16), FM_ERR_ARG);
    checked += 2;
    for (i = 0; i < sizeof bad_klens / sizeof bad_klens[0]; i++) {
        int rc;

        /* A live schedule given a bad key length is wiped. */
        init_ok(&k, key, 32);
        rc = fm_aes_init(&k, key, bad_klens[i]);
        if (rc != FM_ERR_LENGTH)
            fail_msg("fm_aes_init with a %zu-byte key returned %d, expected FM_ERR_LENGTH",
                     bad_klens[i], rc);
        if (!tu_all_zero(&k, sizeof k))
            fail_msg("fm_aes_init with a %zu-byte key failed but did not wipe the context",
                     bad_klens[i]);
        memset(out, 0x5a, sizeof out);
        expect_fail_zeroed("encrypt with a key whose init failed",
                           fm_aes_ecb_encrypt(&k, in, out, 16), FM_ERR_CONTEXT, out, 16);
        checked++;
    }

    /* fm_aes_wipe */
    assert_int_equal(fm_aes_wipe(NULL), FM_ERR_ARG);
    for (i = 16; i <= 32; i += 8) {
        init_ok(&k, key, i);
        assert_int_equal(fm_aes_wipe(&k), FM_OK);
        if (!tu_all_zero(&k, sizeof k))
            fail_msg("fm_aes_wipe left non-zero bytes in a %zu-byte key's context on %s", i,
                     c->impl.name);
        /* Wiping twice is harmless. */
        assert_int_equal(fm_aes_wipe(&k), FM_OK);
        assert_true(tu_all_zero(&k, sizeof k));
        checked++;
    }

    for (enc = 1; enc >= 0; enc--) {
        const char *dir = enc ? "encrypt" : "decrypt";
        char what[160];

        init_ok(&k, key, 16);
        /* NULL pointers. */
        memset(out, 0x5a, sizeof out);
        snprintf(what, sizeof what, "%s with a NULL key", dir);
        expect_fail_zeroed(what, ecb(enc, NULL, in, out, 16), FM_ERR_ARG, out, 16);
        memset(out, 0x5a, sizeof out);
        snprintf(what, sizeof what, "%s with a NULL input", dir);
        expect_fail_zeroed(what, ecb(enc, &k, NULL, out, 16), FM_ERR_ARG, out, 16);
        assert_int_equal(ecb(enc, &k, in, NULL, 16), FM_ERR_ARG);
        /* Zero bytes: nothing to do, nothing written. */
        memset(out, 0x5a, sizeof out);
        assert_int_equal(ecb(enc, &k, in, out, 0), FM_OK);
        assert_int_equal(out[0], 0x5a);
        checked += 4;

        /* Lengths that are not a multiple of 16: out zeroed. */
        for (i = 0; i < sizeof bad_lens / sizeof bad_lens[0]; i++) {
            size_t len = bad_lens[i];

            memset(out, 0x5a, sizeof out);
            snprintf(what, sizeof what, "%s of %zu bytes", dir, len);
            expect_fail_zeroed(what, ecb(enc, &k, in, out, len), FM_ERR_LENGTH, out, len);
            assert_int_equal(out[len], 0x5a); /* not past len */
            /* In place too. */
            memcpy(out, in, sizeof out);
            snprintf(what, sizeof what, "in-place %s of %zu bytes", dir, len);
            expect_fail_zeroed(what, ecb(enc, &k, out, out, len), FM_ERR_LENGTH, out, len);
            checked++;
        }

        /* An uninitialised key: all zero, and garbage. */
        memset(&k, 0, sizeof k);
        memset(out, 0x5a, sizeof out);
        snprintf(what, sizeof what, "%s with an all-zero (never initialised) key", dir);
        expect_fail_zeroed(what, ecb(enc, &k, in, out, 32), FM_ERR_CONTEXT, out, 32);
        memset(&k, 0xa5, sizeof k);
        memset(out, 0x5a, sizeof out);
        snprintf(what, sizeof what, "%s with a garbage-filled key", dir);
        expect_fail_zeroed(what, ecb(enc, &k, in, out, 32), FM_ERR_CONTEXT, out, 32);
        /* A wiped key. */
        init_ok(&k, key, 24);
        assert_int_equal(ecb(enc, &k, in, out, 32), FM_OK);
        assert_int_equal(fm_aes_wipe(&k), FM_OK);
        memset(out, 0x5a, sizeof out);
        snprintf(what, sizeof what, "%s with a wiped key", dir);
        expect_fail_zeroed(what, ecb(enc, &k, in, out, 32), FM_ERR_CONTEXT, out, 32);
        /* It can be initialised again. */
        init_ok(&k, key, 32);
        assert_int_equal(ecb(enc, &k, in, out, 32), FM_OK);
        assert_int_equal(fm_aes_wipe(&k), FM_OK);
        checked += 3;
    }
    printf("  %ld bad-input cases checked on %s\n", checked, c->impl.name);
    assert_int_equal(checked, 2 + 11 + 3 + 2 * (4 + 7 + 3));
}

/* ---- main ------------------------------------------------------------------------------- */

int main(void)
{
    size_t i;

    tu_init("test_aes");
    {
        tu_case t = { .family = FM_FAMILY_AES };
        add_per_impl(test_fips197, &t, "FIPS 197 Appendix B and C known answers");
    }
    for (i = 0; i < sizeof cavp_files / sizeof cavp_files[0]; i++) {
        tu_case t = {
            .family = FM_FAMILY_AES,
            .expect = cavp_files[i].records,
            .data = (const void *)(uintptr_t)cavp_files[i].klen,
        };
        snprintf(cavp_paths[i], sizeof cavp_paths[i], "cavp/aes/%s", cavp_files[i].file);
        t.file = cavp_paths[i];
        add_per_impl(test_cavp, &t, cavp_paths[i]);
    }
    for (i = 0; i < sizeof mct_files / sizeof mct_files[0]; i++) {
        tu_case t = {
            .family = FM_FAMILY_AES,
            .expect = 200,
            .data = (const void *)(uintptr_t)mct_files[i].klen,
        };
        snprintf(mct_paths[i], sizeof mct_paths[i], "cavp/aes/%s", mct_files[i].file);
        t.file = mct_paths[i];
        add_per_impl(test_cavp_mct, &t, mct_paths[i]);
    }
    {
        tu_case t = { .family = FM_FAMILY_AES };
        add_per_impl(test_vs_openssl, &t, "differential vs OpenSSL EVP aes-*-ecb");
        add_per_impl(test_threads, &t, "one key shared by 4 threads");
        add_per_impl(test_bad_input, &t, "bad input, wiping");
        t.family = 0;
        t.data = &cross_aesni;
        tu_add(&suite, test_cross_impl, &t, "portable vs aesni");
        t.data = &cross_vaes;
        tu_add(&suite, test_cross_impl, &t, "portable vs vaes");
    }
    return tu_run(&suite, "test_aes");
}
