/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Contract tests for every public fipsmod function, as the headers in
 * include/fipsmod/ state it: FM_ERR_ARG for NULL pointers (and NULL data
 * with a non-zero length, while NULL with length 0 is fine),
 * FM_ERR_UNSUPPORTED for unknown algorithms, FM_ERR_LENGTH for short
 * output buffers and bad tag lengths (output zeroed, context kept),
 * FM_ERR_CONTEXT for contexts that were never initialised, finished or
 * wiped, FM_ERR_LENGTH for message lengths past the SHA-224/256 limit
 * (checked against a buffer followed by an unmapped page, so any read past
 * it crashes), all-zero contexts after every wipe/final/verify, fm_wipe,
 * fm_error_name for every code, fm_version, the CPU feature controls, and
 * FIPSMOD_CPU=portable in the environment of a fresh process (the library
 * may run fm_init from a constructor, so the child is exec'd).
 */
#include "testutil.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

static tu_suite suite;

static const uint8_t sha256_abc[32] = {
    0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
    0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
};
static const uint8_t sha256_empty[32] = {
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
};

static const int bad_algs[] = { 0, 7, -1, 100, INT_MAX, INT_MIN };
#define N_BAD_ALGS (sizeof bad_algs / sizeof bad_algs[0])

static const uint8_t key16[16] = "0123456789abcdef";

/* HMAC of msg under key16 by OpenSSL, the reference for these tests. */
static void ref_hmac(int alg, const void *msg, size_t len, uint8_t *out)
{
    const EVP_MD *md = alg == FM_SHA224 ? EVP_sha224() : alg == FM_SHA256 ? EVP_sha256()
                     : alg == FM_SHA384 ? EVP_sha384() : alg == FM_SHA512 ? EVP_sha512()
                     : alg == FM_SHA512_224 ? EVP_sha512_224() : EVP_sha512_256();
    unsigned int n = 0;

    assert_non_null(HMAC(md, key16, sizeof key16, len ? msg : key16, len, out, &n));
    assert_int_equal(n, tu_alg_len(alg));
}

static void ref_hash(int alg, const void *msg, size_t len, uint8_t *out)
{
    const EVP_MD *md = alg == FM_SHA224 ? EVP_sha224() : alg == FM_SHA256 ? EVP_sha256()
                     : alg == FM_SHA384 ? EVP_sha384() : alg == FM_SHA512 ? EVP_sha512()
                     : alg == FM_SHA512_224 ? EVP_sha512_224() : EVP_sha512_256();
    unsigned int n = 0;

    assert_int_equal(EVP_Digest(msg, len, out, &n, md, NULL), 1);
}

/* ---- module, errors, wipe, version ------------------------------------------------- */

static void test_init_version(void **state)
{
    const char *v = NULL;

    tu_begin(state);
    assert_int_equal(fm_init(0), FM_OK);
    assert_int_equal(fm_init(0), FM_OK); /* idempotent */
    /* FM_INIT_STRICT (1) is valid but would stay on for this whole process:
     * strict mode is tested in children (test_state.c). Unknown bits: */
    assert_int_equal(fm_init(2), FM_ERR_ARG);
    assert_int_equal(fm_init(0x80000000u), FM_ERR_ARG);
    assert_int_equal(fm_init(0xffffffffu), FM_ERR_ARG);
    assert_int_equal(fm_version(&v), FM_OK);
    assert_non_null(v);
    assert_string_equal(v, FM_VERSION_STRING);
    assert_int_equal(fm_version(NULL), FM_ERR_ARG);
    /* Still operational after the rejected calls. */
    assert_int_equal(fm_init(0), FM_OK);
}

static void test_error_names(void **state)
{
    static const struct {
        int code;
        const char *name;
    } codes[] = {
        { FM_OK, "FM_OK" },
        { FM_ERR_ARG, "FM_ERR_ARG" },
        { FM_ERR_LENGTH, "FM_ERR_LENGTH" },
        { FM_ERR_CONTEXT, "FM_ERR_CONTEXT" },
        { FM_ERR_UNSUPPORTED, "FM_ERR_UNSUPPORTED" },
        { FM_ERR_VERIFY, "FM_ERR_VERIFY" },
        { FM_ERR_STATE, "FM_ERR_STATE" },
        { FM_ERR_SELFTEST, "FM_ERR_SELFTEST" },
        { FM_ERR_INTEGRITY, "FM_ERR_INTEGRITY" },
        { FM_ERR_INTERNAL, "FM_ERR_INTERNAL" },
        { FM_ERR_NOT_APPROVED, "FM_ERR_NOT_APPROVED" },
        { FM_ERR_ENTROPY, "FM_ERR_ENTROPY" },
        { FM_ERR_RESEED, "FM_ERR_RESEED" },
        { FM_ERR_DECODE, "FM_ERR_DECODE" },
        { FM_ERR_KEY, "FM_ERR_KEY" },
        { FM_ERR_DECRYPT, "FM_ERR_DECRYPT" },
    };
    static const int unknown[] = { 1, 2, -16, -17, 100, -100, INT_MAX, INT_MIN };
    const char *name;
    size_t i;

    tu_begin(state);
    for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        name = NULL;
        assert_int_equal(fm_error_name(codes[i].code, &name), FM_OK);
        assert_non_null(name);
        assert_string_equal(name, codes[i].name);
    }
    for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        name = NULL;
        assert_int_equal(fm_error_name(unknown[i], &name), FM_ERR_ARG);
        assert_non_null(name);
        assert_string_equal(name, "FM_ERR_UNKNOWN");
    }
    assert_int_equal(fm_error_name(FM_ERR_ARG, NULL), FM_ERR_ARG);
    assert_int_equal(fm_error_name(12345, NULL), FM_ERR_ARG);
}

static void test_fm_wipe(void **state)
{
    uint8_t buf[300];
    size_t n;

    tu_begin(state);
    for (n = 0; n <= 257; n += (n < 20 ? 1 : 37)) {
        memset(buf, 0xa5, sizeof buf);
        assert_int_equal(fm_wipe(buf + 1, n), FM_OK);
        assert_int_equal(buf[0], 0xa5);
        assert_true(tu_all_zero(buf + 1, n));
        assert_int_equal(buf[1 + n], 0xa5); /* not one byte more */
    }
    assert_int_equal(fm_wipe(NULL, 0), FM_OK);
    assert_int_equal(fm_wipe(NULL, 1), FM_ERR_ARG);
    assert_int_equal(fm_wipe(NULL, SIZE_MAX), FM_ERR_ARG);
}

static void test_abi_sizes(void **state)
{
    tu_begin(state);
    /* The headers say the sizes are part of the ABI. */
    assert_int_equal(sizeof(fm_hash_ctx), 28 * 8);
    assert_int_equal(sizeof(fm_hmac_ctx), 64 * 8);
    assert_int_equal(_Alignof(fm_hash_ctx), _Alignof(uint64_t));
    assert_int_equal(_Alignof(fm_hmac_ctx), _Alignof(uint64_t));
}

/* ---- CPU features ---------------------------------------------------------------------- */

static void test_cpu_api(void **state)
{
    static const uint32_t bad[] = { FM_CPU_ALL + 1, FM_CPU_ALL | (FM_CPU_ALL + 1), 0x80000000u,
                                    0xffffffffu, ~FM_CPU_ALL };
    static const uint32_t masks[] = { FM_CPU_SSSE3, FM_CPU_SHANI, FM_CPU_SHANI | FM_CPU_SSE41 |
                                      FM_CPU_SSSE3, FM_CPU_AVX2 | FM_CPU_BMI2, FM_CPU_AVX512,
                                      FM_CPU_AESNI | FM_CPU_PCLMUL };
    uint32_t det = 0, en = 0, det2 = 0, en2 = 0;
    const char *name;
    size_t i;

    tu_begin(state);
    assert_int_equal(fm_cpu_features(NULL, NULL), FM_OK);
    assert_int_equal(fm_cpu_features(&det, NULL), FM_OK);
    assert_int_equal(fm_cpu_features(NULL, &en), FM_OK);
    assert_int_equal(fm_cpu_features(&det2, &en2), FM_OK);
    assert_int_equal(det, det2);
    assert_int_equal(en, en2);
    assert_int_equal(det & ~FM_CPU_ALL, 0);
    assert_int_equal(en, det); /* tu_begin enabled FM_CPU_ALL */

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(fm_cpu_set_features(FM_CPU_PORTABLE), FM_OK);
        assert_int_equal(fm_cpu_set_features(bad[i]), FM_ERR_ARG);
        assert_int_equal(fm_cpu_features(NULL, &en), FM_OK);
        assert_int_equal(en, 0); /* a rejected mask changes nothing */
    }
    assert_int_equal(fm_cpu_set_features(FM_CPU_PORTABLE), FM_OK);
    assert_int_equal(fm_cpu_features(&det2, &en), FM_OK);
    assert_int_equal(en, 0);
    assert_int_equal(det2, det);
    assert_int_equal(fm_impl_name(FM_FAMILY_SHA256, &name), FM_OK);
    assert_string_equal(name, "portable");
    assert_int_equal(fm_impl_name(FM_FAMILY_SHA512, &name), FM_OK);
    assert_string_equal(name, "portable");
    for (i = 0; i < sizeof masks / sizeof masks[0]; i++) {
        assert_int_equal(fm_cpu_set_features(masks[i]), FM_OK);
        assert_int_equal(fm_cpu_features(NULL, &en), FM_OK);
        assert_int_equal(en, det & masks[i]);
    }
    assert_int_equal(fm_cpu_set_features(FM_CPU_ALL), FM_OK);
    assert_int_equal(fm_cpu_features(NULL, &en), FM_OK);
    assert_int_equal(en, det);

    assert_int_equal(fm_impl_name(0, &name), FM_ERR_ARG);
    assert_int_equal(fm_impl_name(FM_FAMILY_MAX + 1, &name), FM_ERR_ARG);
    assert_int_equal(fm_impl_name(-1, &name), FM_ERR_ARG);
    assert_int_equal(fm_impl_name(FM_FAMILY_SHA256, NULL), FM_ERR_ARG);
}

/* Report what fm_init chose; run as `test_api --report-impl` by test_env_portable. */
static int report_impl(void)
{
    const char *a = "?", *b = "?";
    uint32_t det = 0, en = 0;
    int rc = fm_init(0);

    if (rc != FM_OK) {
        printf("fm_init=%d\n", rc);
        return 1;
    }
    if (fm_impl_name(FM_FAMILY_SHA256, &a) != FM_OK || fm_impl_name(FM_FAMILY_SHA512, &b) != FM_OK ||
        fm_cpu_features(&det, &en) != FM_OK) {
        printf("query failed\n");
        return 1;
    }
    printf("sha256=%s sha512=%s detected=0x%x enabled=0x%x\n", a, b, (unsigned)det, (unsigned)en);
    return 0;
}

/* Run this program again with --report-impl and FIPSMOD_CPU set (or unset). */
static void run_child(const char *fipsmod_cpu, char *out, size_t cap)
{
    int fds[2], status = 0;
    size_t got = 0;
    pid_t pid;

    assert_int_equal(pipe(fds), 0);
    fflush(stdout);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        if (dup2(fds[1], STDOUT_FILENO) < 0)
            _exit(126);
        if (fipsmod_cpu != NULL)
            setenv("FIPSMOD_CPU", fipsmod_cpu, 1);
        else
            unsetenv("FIPSMOD_CPU");
        execl("/proc/self/exe", "test_api", "--report-impl", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    for (;;) {
        ssize_t n = read(fds[0], out + got, cap - 1 - got);
        if (n <= 0)
            break;
        got += (size_t)n;
        if (got == cap - 1)
            break;
    }
    out[got] = '\0';
    close(fds[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("child with FIPSMOD_CPU=%s failed (status 0x%x): %s",
                 fipsmod_cpu ? fipsmod_cpu : "(unset)", (unsigned)status, out);
    printf("  FIPSMOD_CPU=%s: %s", fipsmod_cpu ? fipsmod_cpu : "(unset)", out);
}

static void test_env_portable(void **state)
{
    const char *a = NULL, *b = NULL;
    char out[256], want[256];
    uint32_t det = 0;

    tu_begin(state); /* FM_CPU_ALL: the default choice */
    assert_int_equal(fm_impl_name(FM_FAMILY_SHA256, &a), FM_OK);
    assert_int_equal(fm_impl_name(FM_FAMILY_SHA512, &b), FM_OK);
    assert_int_equal(fm_cpu_features(&det, NULL), FM_OK);

    run_child("portable", out, sizeof out);
    snprintf(want, sizeof want, "sha256=portable sha512=portable detected=0x%x enabled=0x0\n",
             (unsigned)det);
    assert_string_equal(out, want);

    /* Control: without the variable a fresh process picks what FM_CPU_ALL picks here. */
    run_child(NULL, out, sizeof out);
    snprintf(want, sizeof want, "sha256=%s sha512=%s detected=0x%x enabled=0x%x\n", a, b,
             (unsigned)det, (unsigned)det);
    assert_string_equal(out, want);
}

/* ---- hash: arguments ------------------------------------------------------------------- */

static void test_hash_args(void **state)
{
    uint8_t out[2 * FM_HASH_MAX_LEN], want[FM_HASH_MAX_LEN];
    fm_hash_ctx c;
    size_t i, len;

    tu_begin(state);
    assert_int_equal(fm_hash_init(NULL, FM_SHA256), FM_ERR_ARG);
    assert_int_equal(fm_hash_init(NULL, 0), FM_ERR_ARG);
    for (i = 0; i < N_BAD_ALGS; i++) {
        memset(&c, 0xaa, sizeof c);
        assert_int_equal(fm_hash_init(&c, bad_algs[i]), FM_ERR_UNSUPPORTED);
        if (!tu_all_zero(&c, sizeof c))
            fail_msg("fm_hash_init(alg %d) failed but did not wipe the context", bad_algs[i]);
        assert_int_equal(fm_hash_update(&c, "a", 1), FM_ERR_CONTEXT);

        memset(out, 0xaa, sizeof out);
        assert_int_equal(fm_hash(bad_algs[i], "abc", 3, out, sizeof out), FM_ERR_UNSUPPORTED);
        assert_true(tu_all_zero(out, sizeof out));
        assert_int_equal(fm_hash_digest_len(bad_algs[i], &len), FM_ERR_UNSUPPORTED);
        assert_int_equal(fm_hash_block_len(bad_algs[i], &len), FM_ERR_UNSUPPORTED);
    }
    for (i = 0; i < TU_NUM_ALGS; i++) {
        assert_int_equal(fm_hash_digest_len(tu_algs[i], &len), FM_OK);
        assert_int_equal(len, tu_alg_len(tu_algs[i]));
        assert_int_equal(fm_hash_block_len(tu_algs[i], &len), FM_OK);
        assert_int_equal(len, tu_alg_block(tu_algs[i]));
        assert_int_equal(fm_hash_digest_len(tu_algs[i], NULL), FM_ERR_ARG);
        assert_int_equal(fm_hash_block_len(tu_algs[i], NULL), FM_ERR_ARG);
    }

    assert_int_equal(fm_hash_update(NULL, "a", 1), FM_ERR_ARG);
    assert_int_equal(fm_hash_update(NULL, NULL, 0), FM_ERR_ARG);
    memset(out, 0xaa, sizeof out);
    assert_int_equal(fm_hash_final(NULL, out, 32), FM_ERR_ARG);
    assert_true(tu_all_zero(out, 32)); /* outputs are zeroed on every failure */
    assert_int_equal(fm_hash_wipe(NULL), FM_ERR_ARG);

    /* NULL data: an error with a length, a no-op without. */
    assert_int_equal(fm_hash_init(&c, FM_SHA256), FM_OK);
    assert_int_equal(fm_hash_update(&c, NULL, 5), FM_ERR_ARG);
    assert_int_equal(fm_hash_update(&c, NULL, 0), FM_OK);
    assert_int_equal(fm_hash_final(&c, out, 32), FM_OK);
    assert_true(tu_mem_eq("SHA-256 after rejected NULL updates", out, sha256_empty, 32));

    assert_int_equal(fm_hash_init(&c, FM_SHA256), FM_OK);
    assert_int_equal(fm_hash_final(&c, NULL, 32), FM_ERR_ARG);
    assert_int_equal(fm_hash_wipe(&c), FM_OK);

    /* Output too short: FM_ERR_LENGTH, out zeroed, context kept. */
    for (i = 0; i < TU_NUM_ALGS; i++) {
        int alg = tu_algs[i];
        size_t dlen = tu_alg_len(alg), bad_len[] = { 0, 1, dlen - 1 }, b;

        ref_hash(alg, "abc", 3, want);
        assert_int_equal(fm_hash_init(&c, alg), FM_OK);
        assert_int_equal(fm_hash_update(&c, "abc", 3), FM_OK);
        for (b = 0; b < 3; b++) {
            memset(out, 0xaa, sizeof out);
            assert_int_equal(fm_hash_final(&c, out, bad_len[b]), FM_ERR_LENGTH);
            if (!tu_all_zero(out, bad_len[b]))
                fail_msg("%s: fm_hash_final(outlen %zu) did not zero out", tu_alg_name(alg),
                         bad_len[b]);
            assert_int_equal(out[bad_len[b]], 0xaa);
        }
        /* A longer buffer is fine: exactly the digest length is written. */
        memset(out, 0xaa, sizeof out);
        assert_int_equal(fm_hash_final(&c, out, sizeof out), FM_OK);
        assert_true(tu_mem_eq("digest after rejected short outputs", out, want, dlen));
        assert_int_equal(out[dlen], 0xaa);
        assert_int_equal(out[sizeof out - 1], 0xaa);

        memset(out, 0xaa, sizeof out);
        assert_int_equal(fm_hash(alg, "abc", 3, out, dlen - 1), FM_ERR_LENGTH);
        assert_true(tu_all_zero(out, dlen - 1));
        memset(out, 0xaa, sizeof out);
        assert_int_equal(fm_hash(alg, NULL, 3, out, dlen), FM_ERR_ARG);
        assert_true(tu_all_zero(out, dlen));
        assert_int_equal(fm_hash(alg, "abc", 3, NULL, dlen), FM_ERR_ARG);
        ref_hash(alg, "", 0, want);
        assert_int_equal(fm_hash(alg, NULL, 0, out, dlen), FM_OK);
        assert_true(tu_mem_eq("fm_hash(NULL, 0)", out, want, dlen));
    }
}

/* ---- hash: context life cycle ------------------------------------------------------------- */

static void expect_dead_hash(fm_hash_ctx *c, const char *why)
{
    uint8_t out[FM_HASH_MAX_LEN];

    if (fm_hash_update(c, "a", 1) != FM_ERR_CONTEXT)
        fail_msg("fm_hash_update on a context %s did not return FM_ERR_CONTEXT", why);
    if (fm_hash_update(c, NULL, 0) != FM_ERR_CONTEXT)
        fail_msg("fm_hash_update(NULL, 0) on a context %s did not return FM_ERR_CONTEXT", why);
    memset(out, 0xaa, sizeof out);
    if (fm_hash_final(c, out, sizeof out) != FM_ERR_CONTEXT)
        fail_msg("fm_hash_final on a context %s did not return FM_ERR_CONTEXT", why);
    if (!tu_all_zero(out, sizeof out))
        fail_msg("fm_hash_final on a context %s failed without zeroing out", why);
}

static void test_hash_context_state(void **state)
{
    uint8_t out[FM_HASH_MAX_LEN];
    fm_hash_ctx c;
    size_t i;

    tu_begin(state);
    memset(&c, 0, sizeof c);
    expect_dead_hash(&c, "of all zero bytes, never initialised");
    memset(&c, 0xaa, sizeof c);
    expect_dead_hash(&c, "of 0xaa bytes, never initialised");
    for (i = 0; i < TU_NUM_ALGS; i++) {
        int alg = tu_algs[i];

        assert_int_equal(fm_hash_init(&c, alg), FM_OK);
        assert_int_equal(fm_hash_update(&c, "abc", 3), FM_OK);
        assert_int_equal(fm_hash_final(&c, out, sizeof out), FM_OK);
        expect_dead_hash(&c, "after fm_hash_final");
        expect_dead_hash(&c, "after fm_hash_final and a failed call");

        assert_int_equal(fm_hash_init(&c, alg), FM_OK);
        assert_int_equal(fm_hash_update(&c, "abc", 3), FM_OK);
        assert_int_equal(fm_hash_wipe(&c), FM_OK);
        expect_dead_hash(&c, "after fm_hash_wipe");
        assert_int_equal(fm_hash_wipe(&c), FM_OK); /* wiping twice is fine */

        /* A finished context can be initialised again. */
        assert_int_equal(fm_hash_init(&c, FM_SHA256), FM_OK);
        assert_int_equal(fm_hash_update(&c, "abc", 3), FM_OK);
        assert_int_equal(fm_hash_final(&c, out, 32), FM_OK);
        assert_true(tu_mem_eq("SHA-256 re-initialised", out, sha256_abc, 32));
    }
}

static void test_hash_wiped_zero(void **state)
{
    uint8_t out[FM_HASH_MAX_LEN];
    fm_hash_ctx c;
    size_t i;

    tu_begin(state);
    for (i = 0; i < TU_NUM_ALGS; i++) {
        int alg = tu_algs[i];

        memset(&c, 0xaa, sizeof c);
        assert_int_equal(fm_hash_init(&c, alg), FM_OK);
        assert_int_equal(fm_hash_update(&c, "some secret bytes", 17), FM_OK);
        assert_int_equal(fm_hash_wipe(&c), FM_OK);
        if (!tu_all_zero(&c, sizeof c))
            fail_msg("%s: context not all zero after fm_hash_wipe", tu_alg_name(alg));

        memset(&c, 0xaa, sizeof c);
        assert_int_equal(fm_hash_init(&c, alg), FM_OK);
        assert_int_equal(fm_hash_update(&c, "some secret bytes", 17), FM_OK);
        assert_int_equal(fm_hash_final(&c, out, sizeof out), FM_OK);
        if (!tu_all_zero(&c, sizeof c))
            fail_msg("%s: context not all zero after fm_hash_final", tu_alg_name(alg));
    }
}

/* ---- lengths past the limit ----------------------------------------------------------------- */

/* 16 readable bytes followed by an unmapped page: reading past them crashes. */
static uint8_t *guarded_buf(void **map, size_t *maplen)
{
    long ps = sysconf(_SC_PAGESIZE);
    uint8_t *p;

    assert_true(ps > 0);
    p = mmap(NULL, 2 * (size_t)ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(p != MAP_FAILED);
    assert_int_equal(mprotect(p + ps, (size_t)ps, PROT_NONE), 0);
    memset(p, 0x61, (size_t)ps);
    *map = p;
    *maplen = 2 * (size_t)ps;
    return p + ps - 16;
}

static void test_absurd_lengths(void **state)
{
    static const int algs[] = { FM_SHA224, FM_SHA256 };
    const tu_impl_set *set = &tu_impls[FM_FAMILY_SHA256];
    const size_t limit = (size_t)1 << 61; /* SHA-224/256 take at most 2^61 - 1 bytes */
    uint8_t *buf, out[FM_HASH_MAX_LEN], want[FM_HASH_MAX_LEN];
    void *map;
    size_t maplen, i, a;

    tu_begin(state);
    buf = guarded_buf(&map, &maplen);
    for (i = 0; i < set->n; i++) {
        assert_int_equal(tu_impl_select(FM_FAMILY_SHA256, &set->impl[i]), 0);
        printf("  on %s\n", set->impl[i].name);
        for (a = 0; a < 2; a++) {
            int alg = algs[a];
            size_t dlen = tu_alg_len(alg);
            fm_hash_ctx c;
            fm_hmac_ctx h;

            assert_int_equal(fm_hash_init(&c, alg), FM_OK);
            assert_int_equal(fm_hash_update(&c, buf, limit), FM_ERR_LENGTH);
            assert_int_equal(fm_hash_update(&c, buf, SIZE_MAX), FM_ERR_LENGTH);
            assert_int_equal(fm_hash_update(&c, buf, limit + 1), FM_ERR_LENGTH);
            assert_int_equal(fm_hash_update(&c, "abc", 3), FM_OK);
            /* 3 + (2^61 - 3) = 2^61 bytes: one too many. */
            assert_int_equal(fm_hash_update(&c, buf, limit - 3), FM_ERR_LENGTH);
            assert_int_equal(fm_hash_update(&c, buf, SIZE_MAX - 2), FM_ERR_LENGTH);
            /* The rejected updates left the context as it was. */
            assert_int_equal(fm_hash_final(&c, out, dlen), FM_OK);
            ref_hash(alg, "abc", 3, want);
            assert_true(tu_mem_eq("digest after rejected huge updates", out, want, dlen));

            memset(out, 0xaa, sizeof out);
            assert_int_equal(fm_hash(alg, buf, SIZE_MAX, out, dlen), FM_ERR_LENGTH);
            assert_true(tu_all_zero(out, dlen));
            memset(out, 0xaa, sizeof out);
            assert_int_equal(fm_hash(alg, buf, limit, out, dlen), FM_ERR_LENGTH);
            assert_true(tu_all_zero(out, dlen));

            /* HMAC: the inner hash already holds one block. */
            assert_int_equal(fm_hmac_init(&h, alg, key16, sizeof key16), FM_OK);
            assert_int_equal(fm_hmac_update(&h, buf, limit), FM_ERR_LENGTH);
            assert_int_equal(fm_hmac_update(&h, buf, limit - 64), FM_ERR_LENGTH);
            assert_int_equal(fm_hmac_update(&h, buf, SIZE_MAX), FM_ERR_LENGTH);
            assert_int_equal(fm_hmac_update(&h, "abc", 3), FM_OK);
            assert_int_equal(fm_hmac_final(&h, out, dlen), FM_OK);
            ref_hmac(alg, "abc", 3, want);
            assert_true(tu_mem_eq("HMAC after rejected huge updates", out, want, dlen));
            memset(out, 0xaa, sizeof out);
            assert_int_equal(fm_hmac(alg, key16, sizeof key16, buf, SIZE_MAX, out, dlen),
                             FM_ERR_LENGTH);
            assert_true(tu_all_zero(out, dlen));
            /* A key longer than the hash accepts. */
            memset(&h, 0xaa, sizeof h);
            assert_int_equal(fm_hmac_init(&h, alg, buf, SIZE_MAX), FM_ERR_LENGTH);
            assert_int_equal(fm_hmac_update(&h, "a", 1), FM_ERR_CONTEXT);
            assert_int_equal(fm_hmac_init(&h, alg, buf, limit), FM_ERR_LENGTH);
            memset(out, 0xaa, sizeof out);
            assert_int_equal(fm_hmac(alg, buf, SIZE_MAX, "abc", 3, out, dlen), FM_ERR_LENGTH);
            assert_true(tu_all_zero(out, dlen));
        }
    }
    assert_int_equal(munmap(map, maplen), 0);
    /* SIZE_MAX is below the SHA-384/512 limit of 2^125 - 1 bytes: nothing to test there. */
}

/* ---- HMAC: arguments ------------------------------------------------------------------------ */

static void test_hmac_args(void **state)
{
    uint8_t tag[2 * FM_HASH_MAX_LEN + 1], want[FM_HASH_MAX_LEN];
    fm_hmac_ctx h;
    size_t i;

    tu_begin(state);
    assert_int_equal(fm_hmac_init(NULL, FM_SHA256, key16, sizeof key16), FM_ERR_ARG);
    assert_int_equal(fm_hmac_update(NULL, "a", 1), FM_ERR_ARG);
    memset(tag, 0xaa, sizeof tag);
    assert_int_equal(fm_hmac_final(NULL, tag, 32), FM_ERR_ARG);
    assert_true(tu_all_zero(tag, 32));
    assert_int_equal(fm_hmac_verify(NULL, tag, 32), FM_ERR_ARG);
    assert_int_equal(fm_hmac_wipe(NULL), FM_ERR_ARG);

    for (i = 0; i < N_BAD_ALGS; i++) {
        memset(&h, 0xaa, sizeof h);
        assert_int_equal(fm_hmac_init(&h, bad_algs[i], key16, sizeof key16), FM_ERR_UNSUPPORTED);
        assert_int_equal(fm_hmac_update(&h, "a", 1), FM_ERR_CONTEXT);
        memset(tag, 0xaa, sizeof tag);
        assert_int_equal(fm_hmac(bad_algs[i], key16, sizeof key16, "abc", 3, tag, 32),
                         FM_ERR_UNSUPPORTED);
        assert_true(tu_all_zero(tag, 32));
    }

    memset(&h, 0xaa, sizeof h);
    assert_int_equal(fm_hmac_init(&h, FM_SHA256, NULL, 16), FM_ERR_ARG);
    assert_int_equal(fm_hmac_update(&h, "a", 1), FM_ERR_CONTEXT);

    for (i = 0; i < TU_NUM_ALGS; i++) {
        int alg = tu_algs[i];
        size_t dlen = tu_alg_len(alg), t;
        const size_t too_long[] = { dlen + 1, 2 * dlen };

        /* Empty key given as NULL. */
        {
            static const uint8_t nokey[1];
            const EVP_MD *md = alg == FM_SHA224 ? EVP_sha224() : alg == FM_SHA256 ? EVP_sha256()
                             : alg == FM_SHA384 ? EVP_sha384() : alg == FM_SHA512 ? EVP_sha512()
                             : alg == FM_SHA512_224 ? EVP_sha512_224() : EVP_sha512_256();
            unsigned int n = 0;

            assert_non_null(HMAC(md, nokey, 0, (const uint8_t *)"abc", 3, want, &n));
            assert_int_equal(fm_hmac_init(&h, alg, NULL, 0), FM_OK);
            assert_int_equal(fm_hmac_update(&h, NULL, 0), FM_OK);
            assert_int_equal(fm_hmac_update(&h, "abc", 3), FM_OK);
            assert_int_equal(fm_hmac_final(&h, tag, dlen), FM_OK);
            assert_true(tu_mem_eq("HMAC with a NULL empty key", tag, want, dlen));
            assert_int_equal(fm_hmac(alg, NULL, 0, "abc", 3, tag, dlen), FM_OK);
            assert_true(tu_mem_eq("fm_hmac with a NULL empty key", tag, want, dlen));
        }

        ref_hmac(alg, "abc", 3, want);
        assert_int_equal(fm_hmac_init(&h, alg, key16, sizeof key16), FM_OK);
        assert_int_equal(fm_hmac_update(&h, NULL, 7), FM_ERR_ARG);
        assert_int_equal(fm_hmac_update(&h, NULL, 0), FM_OK);
        assert_int_equal(fm_hmac_update(&h, "abc", 3), FM_OK);
        assert_int_equal(fm_hmac_final(&h, NULL, dlen), FM_ERR_ARG);
        assert_int_equal(fm_hmac_verify(&h, NULL, dlen), FM_ERR_ARG);
        /* Tag lengths 0..3 and past the digest: FM_ERR_LENGTH, tag zeroed, context kept. */
        for (t = 0; t < FM_HMAC_MIN_TAG_LEN; t++) {
            memset(tag, 0xaa, sizeof tag);
            assert_int_equal(fm_hmac_final(&h, tag, t), FM_ERR_LENGTH);
            if (!tu_all_zero(tag, t))
                fail_msg("HMAC-%s: fm_hmac_final(taglen %zu) did not zero the tag",
                         tu_alg_name(alg), t);
            assert_int_equal(tag[t], 0xaa);
            assert_int_equal(fm_hmac_verify(&h, want, t), FM_ERR_LENGTH);
        }
        for (t = 0; t < 2; t++) {
            memset(tag, 0xaa, sizeof tag);
            assert_int_equal(fm_hmac_final(&h, tag, too_long[t]), FM_ERR_LENGTH);
            if (!tu_all_zero(tag, too_long[t]))
                fail_msg("HMAC-%s: fm_hmac_final(taglen %zu) did not zero the tag",
                         tu_alg_name(alg), too_long[t]);
            assert_int_equal(fm_hmac_verify(&h, tag, too_long[t]), FM_ERR_LENGTH);
        }
        memset(tag, 0xaa, sizeof tag);
        assert_int_equal(fm_hmac_final(&h, tag, dlen), FM_OK);
        assert_true(tu_mem_eq("HMAC after rejected tag lengths", tag, want, dlen));
        assert_int_equal(tag[dlen], 0xaa);

        /* The minimum tag length works and writes exactly 4 bytes. */
        memset(tag, 0xaa, sizeof tag);
        assert_int_equal(fm_hmac(alg, key16, sizeof key16, "abc", 3, tag, FM_HMAC_MIN_TAG_LEN),
                         FM_OK);
        assert_true(tu_mem_eq("4-byte tag", tag, want, FM_HMAC_MIN_TAG_LEN));
        assert_int_equal(tag[FM_HMAC_MIN_TAG_LEN], 0xaa);

        /* One-shot errors zero the tag. */
        for (t = 0; t < 6; t++) {
            size_t tl = t < 4 ? t : too_long[t - 4];
            memset(tag, 0xaa, sizeof tag);
            assert_int_equal(fm_hmac(alg, key16, sizeof key16, "abc", 3, tag, tl), FM_ERR_LENGTH);
            assert_true(tu_all_zero(tag, tl));
        }
        memset(tag, 0xaa, sizeof tag);
        assert_int_equal(fm_hmac(alg, NULL, 5, "abc", 3, tag, dlen), FM_ERR_ARG);
        assert_true(tu_all_zero(tag, dlen));
        memset(tag, 0xaa, sizeof tag);
        assert_int_equal(fm_hmac(alg, key16, sizeof key16, NULL, 3, tag, dlen), FM_ERR_ARG);
        assert_true(tu_all_zero(tag, dlen));
        assert_int_equal(fm_hmac(alg, key16, sizeof key16, "abc", 3, NULL, dlen), FM_ERR_ARG);
        ref_hmac(alg, "", 0, want);
        assert_int_equal(fm_hmac(alg, key16, sizeof key16, NULL, 0, tag, dlen), FM_OK);
        assert_true(tu_mem_eq("fm_hmac(data NULL, len 0)", tag, want, dlen));
    }
}

/* ---- HMAC: context life cycle ------------------------------------------------------------------ */

static void expect_dead_hmac(fm_hmac_ctx *h, const char *why)
{
    uint8_t tag[FM_HASH_MAX_LEN];

    if (fm_hmac_update(h, "a", 1) != FM_ERR_CONTEXT)
        fail_msg("fm_hmac_update on a context %s did not return FM_ERR_CONTEXT", why);
    if (fm_hmac_update(h, NULL, 0) != FM_ERR_CONTEXT)
        fail_msg("fm_hmac_update(NULL, 0) on a context %s did not return FM_ERR_CONTEXT", why);
    memset(tag, 0xaa, sizeof tag);
    if (fm_hmac_final(h, tag, 32) != FM_ERR_CONTEXT)
        fail_msg("fm_hmac_final on a context %s did not return FM_ERR_CONTEXT", why);
    if (!tu_all_zero(tag, 32))
        fail_msg("fm_hmac_final on a context %s failed without zeroing the tag", why);
    memset(tag, 0, sizeof tag);
    if (fm_hmac_verify(h, tag, 32) != FM_ERR_CONTEXT)
        fail_msg("fm_hmac_verify on a context %s did not return FM_ERR_CONTEXT", why);
}

static void test_hmac_context_state(void **state)
{
    uint8_t tag[FM_HASH_MAX_LEN];
    fm_hmac_ctx h;
    size_t i;

    tu_begin(state);
    memset(&h, 0, sizeof h);
    expect_dead_hmac(&h, "of all zero bytes, never initialised");
    memset(&h, 0xaa, sizeof h);
    expect_dead_hmac(&h, "of 0xaa bytes, never initialised");
    for (i = 0; i < TU_NUM_ALGS; i++) {
        int alg = tu_algs[i];
        size_t dlen = tu_alg_len(alg);

        assert_int_equal(fm_hmac_init(&h, alg, key16, sizeof key16), FM_OK);
        assert_int_equal(fm_hmac_final(&h, tag, dlen), FM_OK);
        expect_dead_hmac(&h, "after fm_hmac_final");

        assert_int_equal(fm_hmac_init(&h, alg, key16, sizeof key16), FM_OK);
        assert_int_equal(fm_hmac_verify(&h, tag, dlen), FM_OK);
        expect_dead_hmac(&h, "after a successful fm_hmac_verify");

        tag[0] ^= 1;
        assert_int_equal(fm_hmac_init(&h, alg, key16, sizeof key16), FM_OK);
        assert_int_equal(fm_hmac_verify(&h, tag, dlen), FM_ERR_VERIFY);
        expect_dead_hmac(&h, "after a failed fm_hmac_verify");

        assert_int_equal(fm_hmac_init(&h, alg, key16, sizeof key16), FM_OK);
        assert_int_equal(fm_hmac_update(&h, "abc", 3), FM_OK);
        assert_int_equal(fm_hmac_wipe(&h), FM_OK);
        expect_dead_hmac(&h, "after fm_hmac_wipe");
        assert_int_equal(fm_hmac_wipe(&h), FM_OK);
    }
}

enum { END_WIPE, END_FINAL, END_VERIFY_OK, END_VERIFY_BAD };
static const char *const end_names[] = {
    "fm_hmac_wipe", "fm_hmac_final", "fm_hmac_verify (match)", "fm_hmac_verify (mismatch)",
};

static void test_hmac_wiped_zero(void **state)
{
    tu_case *c = tu_begin(state);
    int end = (int)(intptr_t)c->data;
    size_t i;

    for (i = 0; i < TU_NUM_ALGS; i++) {
        int alg = tu_algs[i];
        size_t dlen = tu_alg_len(alg);
        uint8_t tag[FM_HASH_MAX_LEN];
        fm_hmac_ctx h;
        int rc = FM_OK;

        ref_hmac(alg, "secret", 6, tag);
        if (end == END_VERIFY_BAD)
            tag[dlen - 1] ^= 0x80;
        memset(&h, 0xaa, sizeof h);
        assert_int_equal(fm_hmac_init(&h, alg, key16, sizeof key16), FM_OK);
        assert_int_equal(fm_hmac_update(&h, "secret", 6), FM_OK);
        switch (end) {
        case END_WIPE: rc = fm_hmac_wipe(&h); break;
        case END_FINAL: rc = fm_hmac_final(&h, tag, dlen); break;
        case END_VERIFY_OK: rc = fm_hmac_verify(&h, tag, dlen); break;
        case END_VERIFY_BAD: rc = fm_hmac_verify(&h, tag, dlen) == FM_ERR_VERIFY ? FM_OK : -100; break;
        }
        assert_int_equal(rc, FM_OK);
        if (!tu_all_zero(&h, sizeof h)) {
            const uint8_t *b = (const uint8_t *)&h;
            size_t first = sizeof h, last = 0, k;
            for (k = 0; k < sizeof h; k++)
                if (b[k] != 0) {
                    if (first == sizeof h)
                        first = k;
                    last = k;
                }
            fail_msg("HMAC-%s: after %s the %zu-byte context is not all zero (non-zero bytes "
                     "from offset %zu to %zu)", tu_alg_name(alg), end_names[end], sizeof h, first,
                     last);
        }
    }
}

/* ---- main ------------------------------------------------------------------------------------ */

int main(int argc, char **argv)
{
    int e;

    if (argc == 2 && strcmp(argv[1], "--report-impl") == 0)
        return report_impl();
    tu_init("test_api");
    tu_add(&suite, test_init_version, NULL, "fm_init flags, fm_version");
    tu_add(&suite, test_error_names, NULL, "fm_error_name for every code");
    tu_add(&suite, test_fm_wipe, NULL, "fm_wipe");
    tu_add(&suite, test_abi_sizes, NULL, "context sizes and alignment (ABI)");
    tu_add(&suite, test_cpu_api, NULL, "fm_cpu_features, fm_cpu_set_features, fm_impl_name");
    tu_add(&suite, test_env_portable, NULL, "FIPSMOD_CPU=portable in a fresh process");
    tu_add(&suite, test_hash_args, NULL, "fm_hash*: bad arguments and short outputs");
    tu_add(&suite, test_hash_context_state, NULL, "fm_hash*: contexts never initialised, finished, wiped");
    tu_add(&suite, test_hash_wiped_zero, NULL, "fm_hash*: context all zero after wipe and final");
    tu_add(&suite, test_absurd_lengths, NULL, "lengths past 2^61 - 1 bytes (SHA-224/256, HMAC)");
    tu_add(&suite, test_hmac_args, NULL, "fm_hmac*: bad arguments and tag lengths");
    tu_add(&suite, test_hmac_context_state, NULL, "fm_hmac*: contexts never initialised, finished, wiped");
    for (e = END_WIPE; e <= END_VERIFY_BAD; e++) {
        tu_case t = { .data = (const void *)(intptr_t)e };
        tu_add(&suite, test_hmac_wiped_zero, &t, "fm_hmac*: context all zero after %s", end_names[e]);
    }
    return tu_run(&suite, "test_api");
}
