/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The module state machine, self-test status, strict mode and the
 * approved-service indicator (fipsmod/module.h) in the production library,
 * build/libfipsmod.a. The error state itself is reached only in the
 * test-only build: see tests/break/break_tests.c (`make break-tests`).
 *
 * - Status while operational: every field of fm_module_status, every
 *   self-test passed (or deferred), names unique, the three pre-operational
 *   tests of module.h present; FM_ERR_ARG for NULL and out-of-range
 *   arguments of the status functions.
 * - fm_init is idempotent: it returns FM_OK again without re-running the
 *   self-tests (power-up time and each test's duration unchanged), rejects
 *   unknown flags without applying any of them, and is thread-safe: 8
 *   threads released together call it in a fresh process (exec'd, since the
 *   library constructor powers up before main) and all get FM_OK.
 * - fm_selftest on demand: FM_OK, every test then PASS (deferred ones
 *   included), while 4 other threads hash without interruption and 2 more
 *   run fm_selftest concurrently.
 * - FIPSMOD_BREAK=<name> has no effect on the production library: a fresh
 *   process with it set for each self-test is still operational, and the
 *   production archives do not contain the string at all (the test-only
 *   archive does, which shows the scan would see it).
 * - The indicator: 1 after approved services (every SHA-2 digest; HMAC with
 *   a key of at least 112 bits = 14 bytes), 0 after non-approved or failed
 *   ones, multi-part HMAC included; untouched by calls that are not
 *   cryptographic services; per thread (two threads interleaved by a
 *   barrier each see their own last service; a new thread sees 0).
 * - FM_INIT_STRICT (a fresh process, since strict mode can be turned on but
 *   never off): HMAC with a key under 112 bits fails with
 *   FM_ERR_NOT_APPROVED and a zeroed tag or context, at init, one-shot, and
 *   when a context keyed before strict mode was turned on is finished or
 *   verified; 112-bit and longer keys still work and are approved.
 */
#include "testutil.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/hmac.h>

static tu_suite suite;

static const uint8_t key200[200] =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456";

static const char *err_name(int rc)
{
    const char *n = "?";
    fm_error_name(rc, &n);
    return n;
}

/* HMAC of msg under key[0..keylen) by OpenSSL, the reference. */
static void ref_hmac(int alg, const uint8_t *key, size_t keylen, const char *msg, uint8_t *out)
{
    static const uint8_t nokey[1];
    unsigned int n = 0;

    assert_non_null(HMAC(tu_evp_md(alg), keylen ? key : nokey, (int)keylen,
                         (const uint8_t *)msg, strlen(msg), out, &n));
    assert_int_equal(n, tu_alg_len(alg));
}

static int approved_now(void)
{
    int a = -1;

    assert_int_equal(fm_service_approved(&a), FM_OK);
    assert_true(a == 0 || a == 1);
    return a;
}

/* ---- children (fresh processes) ------------------------------------------------------- */

/*
 * Run this program again as `test_state MODE` with FIPSMOD_BREAK set to
 * `brk` (or removed when NULL), with a time limit. The child's stdout and
 * stderr go to out. Returns the wait status.
 */
static int run_child(const char *mode, const char *brk, char *out, size_t cap)
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
        if (dup2(fds[1], STDOUT_FILENO) < 0 || dup2(fds[1], STDERR_FILENO) < 0)
            _exit(126);
        if (brk != NULL)
            setenv("FIPSMOD_BREAK", brk, 1);
        else
            unsetenv("FIPSMOD_BREAK");
        alarm(60);
        execl("/proc/self/exe", "test_state", mode, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    for (;;) {
        ssize_t n = read(fds[0], out + got, cap - 1 - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
        if (got == cap - 1)
            break;
    }
    out[got] = '\0';
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0)
        assert_int_equal(errno, EINTR);
    return status;
}

/* The child succeeded: exit status 0 and its last line is "OK". */
static void expect_child_ok(const char *mode, const char *brk)
{
    char out[8192];
    int status = run_child(mode, brk, out, sizeof out);
    size_t len = strlen(out);

    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || len < 3 ||
        strcmp(out + len - 3, "OK\n") != 0)
        fail_msg("child `test_state %s` failed (wait status 0x%x):\n%s", mode, (unsigned)status,
                 out);
    printf("%s", out);
}

static int ch_failures;
static int ch_is_child; /* set when this process is a child started by run_child */

#define CH_CHECK(cond, ...)                                                                       \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            printf("FAIL line %d: %s: ", __LINE__, #cond);                                        \
            printf(__VA_ARGS__);                                                                  \
            printf("\n");                                                                         \
            ch_failures++;                                                                        \
        }                                                                                         \
    } while (0)

/* fm_service_approved for the children, which run outside cmocka: -1 on error. */
static int ch_approved(void)
{
    int a = -1;

    return fm_service_approved(&a) == FM_OK ? a : -1;
}

static int ch_end(const char *what)
{
    if (ch_failures != 0)
        return 1;
    printf("  %s\n%s", what, ch_is_child ? "OK\n" : "");
    return 0;
}

/* `test_state --report-state`: what power-up did in this process. */
static int ch_report_state(void)
{
    fm_module_status st;
    int rc = fm_init(0);

    memset(&st, 0, sizeof st);
    if (fm_module_status_get(&st) != FM_OK) {
        printf("fm_module_status_get failed\n");
        return 1;
    }
    printf("init=%d state=%d failed=%s\n", rc, st.state, st.failed_test ? st.failed_test : "-");
    return 0;
}

/* `test_state --init-race`: 8 threads released together call fm_init(0). */
#define RACE_THREADS 8
static pthread_barrier_t race_barrier;

static void *race_thread(void *arg)
{
    int *rc = arg;

    pthread_barrier_wait(&race_barrier);
    *rc = fm_init(0);
    return NULL;
}

static int ch_init_race(void)
{
    pthread_t t[RACE_THREADS];
    int rc[RACE_THREADS], i, s = -1;

    if (pthread_barrier_init(&race_barrier, NULL, RACE_THREADS) != 0)
        return 1;
    for (i = 0; i < RACE_THREADS; i++) {
        rc[i] = -100;
        if (pthread_create(&t[i], NULL, race_thread, &rc[i]) != 0) {
            printf("pthread_create failed\n");
            return 1;
        }
    }
    for (i = 0; i < RACE_THREADS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&race_barrier);
    for (i = 0; i < RACE_THREADS; i++)
        CH_CHECK(rc[i] == FM_OK, "thread %d: fm_init(0) returned %s", i, err_name(rc[i]));
    CH_CHECK(fm_module_state(&s) == FM_OK && s == FM_STATE_OPERATIONAL, "state %d", s);
    return ch_end("8 concurrent fm_init(0) calls in a fresh process: all FM_OK, operational");
}

/* `test_state --strict`: FM_INIT_STRICT in a process of its own. */
static int ch_strict(void)
{
    static const size_t short_keys[] = { 0, 1, 8, 13 }, long_keys[] = { 14, 16, 64, 200 };
    uint8_t tag[FM_SHA256_LEN + 1], want[FM_HASH_MAX_LEN], pre_tag[FM_SHA256_LEN];
    fm_hmac_ctx pre_final, pre_verify, pre_update;
    fm_module_status st;
    size_t i;
    int rc, s = -1;

    CH_CHECK(fm_init(0) == FM_OK, "fm_init(0)");
    CH_CHECK(fm_module_status_get(&st) == FM_OK && st.flags == 0, "flags 0x%x before strict",
             (unsigned)st.flags);

    /* Not strict yet: a 64-bit key works and is not approved. */
    rc = fm_hmac(FM_SHA256, key200, 8, "abc", 3, pre_tag, sizeof pre_tag);
    CH_CHECK(rc == FM_OK, "fm_hmac with a 64-bit key, not strict: %s", err_name(rc));
    CH_CHECK(ch_approved() == 0, "a 64-bit key reported approved");
    /* Contexts keyed with a 64-bit key before strict mode is turned on. */
    CH_CHECK(fm_hmac_init(&pre_final, FM_SHA256, key200, 8) == FM_OK, "pre-strict init");
    CH_CHECK(fm_hmac_update(&pre_final, "abc", 3) == FM_OK, "pre-strict update");
    pre_verify = pre_final;
    pre_update = pre_final;

    rc = fm_init(FM_INIT_STRICT);
    CH_CHECK(rc == FM_OK, "fm_init(FM_INIT_STRICT) returned %s", err_name(rc));
    CH_CHECK(fm_module_status_get(&st) == FM_OK && (st.flags & FM_INIT_STRICT) != 0,
             "flags 0x%x after fm_init(FM_INIT_STRICT)", (unsigned)st.flags);
    rc = fm_init(0);
    CH_CHECK(rc == FM_OK, "fm_init(0) in strict mode returned %s", err_name(rc));
    CH_CHECK(fm_module_status_get(&st) == FM_OK && (st.flags & FM_INIT_STRICT) != 0,
             "fm_init(0) turned strict mode off (flags 0x%x)", (unsigned)st.flags);

    for (i = 0; i < sizeof short_keys / sizeof short_keys[0]; i++) {
        size_t kl = short_keys[i];
        fm_hmac_ctx c;

        memset(tag, 0xAA, sizeof tag);
        rc = fm_hmac(FM_SHA256, kl ? key200 : NULL, kl, "abc", 3, tag, FM_SHA256_LEN);
        CH_CHECK(rc == FM_ERR_NOT_APPROVED, "fm_hmac, %zu-byte key, strict: %s", kl, err_name(rc));
        CH_CHECK(tu_all_zero(tag, FM_SHA256_LEN) && tag[FM_SHA256_LEN] == 0xAA,
                 "fm_hmac, %zu-byte key, strict: tag not zeroed (or written past its end)", kl);
        CH_CHECK(ch_approved() == 0, "refused fm_hmac reported approved");

        memset(&c, 0xAA, sizeof c);
        rc = fm_hmac_init(&c, FM_SHA512, kl ? key200 : NULL, kl);
        CH_CHECK(rc == FM_ERR_NOT_APPROVED, "fm_hmac_init, %zu-byte key, strict: %s", kl,
                 err_name(rc));
        CH_CHECK(tu_all_zero(&c, sizeof c), "fm_hmac_init, %zu-byte key, strict: context not "
                 "zeroed", kl);
        CH_CHECK(ch_approved() == 0, "refused fm_hmac_init reported approved");
        rc = fm_hmac_update(&c, "abc", 3);
        CH_CHECK(rc == FM_ERR_CONTEXT, "update after a refused init: %s", err_name(rc));
    }
    for (i = 0; i < sizeof long_keys / sizeof long_keys[0]; i++) {
        size_t kl = long_keys[i];

        ref_hmac(FM_SHA256, key200, kl, "abc", want);
        memset(tag, 0xAA, sizeof tag);
        rc = fm_hmac(FM_SHA256, key200, kl, "abc", 3, tag, FM_SHA256_LEN);
        CH_CHECK(rc == FM_OK, "fm_hmac, %zu-byte key, strict: %s", kl, err_name(rc));
        CH_CHECK(memcmp(tag, want, FM_SHA256_LEN) == 0, "fm_hmac, %zu-byte key: wrong tag", kl);
        CH_CHECK(ch_approved() == 1, "fm_hmac, %zu-byte key, strict: not approved", kl);
    }

    /*
     * A 64-bit-key context made before strict mode: finishing it now is a
     * non-approved service, so strict mode must refuse it as well.
     */
    memset(tag, 0xAA, sizeof tag);
    rc = fm_hmac_final(&pre_final, tag, FM_SHA256_LEN);
    CH_CHECK(rc == FM_ERR_NOT_APPROVED, "fm_hmac_final of a 64-bit-key context keyed before "
             "strict mode returned %s", err_name(rc));
    CH_CHECK(tu_all_zero(tag, FM_SHA256_LEN), "that fm_hmac_final released a tag");
    CH_CHECK(ch_approved() == 0, "that fm_hmac_final reported approved");
    rc = fm_hmac_verify(&pre_verify, pre_tag, sizeof pre_tag);
    CH_CHECK(rc == FM_ERR_NOT_APPROVED, "fm_hmac_verify of a 64-bit-key context keyed before "
             "strict mode (right tag) returned %s", err_name(rc));
    rc = fm_hmac_update(&pre_update, "def", 3);
    CH_CHECK(rc == FM_ERR_NOT_APPROVED, "fm_hmac_update of a 64-bit-key context keyed before "
             "strict mode returned %s", err_name(rc));
    fm_hmac_wipe(&pre_final);
    fm_hmac_wipe(&pre_verify);
    fm_hmac_wipe(&pre_update);

    /* Hashes are always approved. */
    rc = fm_hash(FM_SHA256, "abc", 3, tag, FM_SHA256_LEN);
    CH_CHECK(rc == FM_OK && ch_approved() == 1, "fm_hash in strict mode: %s", err_name(rc));

    /* Refusals are not errors of the module. */
    CH_CHECK(fm_module_state(&s) == FM_OK && s == FM_STATE_OPERATIONAL, "state %d", s);
    rc = fm_init(0x2);
    CH_CHECK(rc == FM_ERR_ARG, "fm_init(0x2): %s", err_name(rc));
    return ch_end("strict mode: keys under 112 bits refused (init, one-shot, pre-keyed "
                  "contexts), longer keys approved");
}

/* ---- status while operational ------------------------------------------------------------ */

static void test_status(void **state)
{
    static const char *const pre_operational[] = { "sha256-kat", "hmac-sha256-kat", "integrity" };
    fm_selftest_result r;
    fm_module_status st;
    size_t n = 0, i, k;
    int s = -1;

    tu_begin(state);
    memset(&st, 0xAA, sizeof st);
    assert_int_equal(fm_module_status_get(&st), FM_OK);
    assert_int_equal(st.state, FM_STATE_OPERATIONAL);
    assert_int_equal(st.error, FM_OK);
    assert_null(st.failed_test);
    assert_non_null(st.reason);
    assert_string_equal(st.reason, "");
    assert_int_equal(st.flags, 0);
    assert_false(tu_all_zero(st.module_hmac, sizeof st.module_hmac));
    assert_true(st.module_size > 0);
    assert_int_equal(st.integrity_skipped, 0); /* the Makefile never builds the module with ASan */
    printf("  module: %llu bytes covered, power-up %llu us\n",
           (unsigned long long)st.module_size, (unsigned long long)st.power_up_us);

    assert_int_equal(fm_module_state(&s), FM_OK);
    assert_int_equal(s, FM_STATE_OPERATIONAL);

    assert_int_equal(fm_selftest_count(&n), FM_OK);
    assert_true(n >= sizeof pre_operational / sizeof pre_operational[0]);
    for (i = 0; i < n; i++) {
        memset(&r, 0, sizeof r);
        assert_int_equal(fm_selftest_get(i, &r), FM_OK);
        assert_non_null(r.name);
        assert_true(r.name[0] != '\0');
        if (r.result != FM_SELFTEST_PASS && r.result != FM_SELFTEST_DEFERRED)
            fail_msg("self-test %s: result %d while operational", r.name, r.result);
        for (k = 0; k < i; k++) {
            fm_selftest_result q;
            assert_int_equal(fm_selftest_get(k, &q), FM_OK);
            if (strcmp(q.name, r.name) == 0)
                fail_msg("two self-tests named %s", r.name);
        }
        printf("  self-test %s: %s, %llu us\n", r.name,
               r.result == FM_SELFTEST_PASS ? "pass" : "deferred", (unsigned long long)r.us);
    }
    /* module.h: the pre-operational tests always run at power-up. */
    for (k = 0; k < sizeof pre_operational / sizeof pre_operational[0]; k++) {
        for (i = 0; i < n; i++) {
            assert_int_equal(fm_selftest_get(i, &r), FM_OK);
            if (strcmp(r.name, pre_operational[k]) == 0)
                break;
        }
        if (i == n)
            fail_msg("no self-test named %s", pre_operational[k]);
        if (r.result != FM_SELFTEST_PASS)
            fail_msg("pre-operational test %s is not PASS after power-up (%d)", r.name, r.result);
    }

    assert_int_equal(fm_module_status_get(NULL), FM_ERR_ARG);
    assert_int_equal(fm_module_state(NULL), FM_ERR_ARG);
    assert_int_equal(fm_selftest_count(NULL), FM_ERR_ARG);
    assert_int_equal(fm_selftest_get(0, NULL), FM_ERR_ARG);
    assert_int_equal(fm_selftest_get(n, &r), FM_ERR_ARG);
    assert_int_equal(fm_selftest_get(SIZE_MAX, &r), FM_ERR_ARG);
    assert_int_equal(fm_service_approved(NULL), FM_ERR_ARG);
}

static void test_error_name_not_approved(void **state)
{
    const char *n = NULL;

    tu_begin(state);
    assert_int_equal(fm_error_name(FM_ERR_NOT_APPROVED, &n), FM_OK);
    assert_string_equal(n, "FM_ERR_NOT_APPROVED");
}

/* ---- fm_init ---------------------------------------------------------------------------- */

static void test_init_idempotent(void **state)
{
    static const uint32_t bad_flags[] = { 0x2, FM_INIT_STRICT | 0x2, 0x80000000u,
                                          FM_INIT_STRICT | 0x80000000u, 0xffffffffu };
    fm_selftest_result before[64], after;
    fm_module_status s1, s2;
    size_t n = 0, i;

    tu_begin(state);
    assert_int_equal(fm_selftest_count(&n), FM_OK);
    assert_true(n <= 64);
    assert_int_equal(fm_module_status_get(&s1), FM_OK);
    for (i = 0; i < n; i++)
        assert_int_equal(fm_selftest_get(i, &before[i]), FM_OK);

    for (i = 0; i < 3; i++)
        assert_int_equal(fm_init(0), FM_OK);
    assert_int_equal(fm_module_status_get(&s2), FM_OK);
    assert_int_equal(s2.state, FM_STATE_OPERATIONAL);
    if (s2.power_up_us != s1.power_up_us)
        fail_msg("fm_init(0) changed power_up_us (%llu -> %llu): power-up ran again",
                 (unsigned long long)s1.power_up_us, (unsigned long long)s2.power_up_us);
    for (i = 0; i < n; i++) {
        assert_int_equal(fm_selftest_get(i, &after), FM_OK);
        assert_int_equal(after.result, before[i].result);
        if (after.us != before[i].us)
            fail_msg("fm_init(0) re-ran self-test %s (%llu us -> %llu us)", after.name,
                     (unsigned long long)before[i].us, (unsigned long long)after.us);
    }

    /* Unknown flags: FM_ERR_ARG, and no part of the mask is applied. */
    for (i = 0; i < sizeof bad_flags / sizeof bad_flags[0]; i++) {
        assert_int_equal(fm_init(bad_flags[i]), FM_ERR_ARG);
        assert_int_equal(fm_module_status_get(&s2), FM_OK);
        if (s2.flags != 0)
            fail_msg("the rejected fm_init(0x%x) set flags 0x%x", (unsigned)bad_flags[i],
                     (unsigned)s2.flags);
        assert_int_equal(s2.state, FM_STATE_OPERATIONAL);
    }
}

static void test_init_threads(void **state)
{
    tu_begin(state);
    expect_child_ok("--init-race", NULL);
    /* And in this process, where power-up is long done. */
    assert_int_equal(ch_init_race(), 0);
}

/* ---- fm_selftest on demand, with services running in other threads ---------------------- */

#define HASHERS 4
#define SELFTESTERS 2
static pthread_barrier_t st_barrier;
static volatile int st_stop;

struct hasher {
    int calls, refused, wrong;
    int other_rc;
};

static void *hasher_thread(void *arg)
{
    static const uint8_t abc256[32] = {
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22,
        0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00,
        0x15, 0xad,
    };
    struct hasher *h = arg;
    uint8_t out[32];

    pthread_barrier_wait(&st_barrier);
    while (!__atomic_load_n(&st_stop, __ATOMIC_RELAXED) || h->calls < 100) {
        int rc = fm_hash(FM_SHA256, "abc", 3, out, sizeof out);
        h->calls++;
        if (rc == FM_ERR_STATE)
            h->refused++;
        else if (rc != FM_OK)
            h->other_rc = rc;
        else if (memcmp(out, abc256, sizeof out) != 0)
            h->wrong++;
    }
    return NULL;
}

static void *selftest_thread(void *arg)
{
    int *rc = arg, i;

    pthread_barrier_wait(&st_barrier);
    for (i = 0; i < 20; i++) {
        int r = fm_selftest();
        if (r != FM_OK)
            *rc = r;
    }
    return NULL;
}

static void test_selftest_on_demand(void **state)
{
    pthread_t th[HASHERS], ts[SELFTESTERS];
    struct hasher h[HASHERS];
    int st_rc[SELFTESTERS], i, s = -1;
    size_t n = 0, k;

    tu_begin(state);
    memset(h, 0, sizeof h);
    st_stop = 0;
    assert_int_equal(pthread_barrier_init(&st_barrier, NULL, HASHERS + SELFTESTERS), 0);
    for (i = 0; i < HASHERS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, hasher_thread, &h[i]), 0);
    for (i = 0; i < SELFTESTERS; i++) {
        st_rc[i] = FM_OK;
        assert_int_equal(pthread_create(&ts[i], NULL, selftest_thread, &st_rc[i]), 0);
    }
    for (i = 0; i < SELFTESTERS; i++)
        pthread_join(ts[i], NULL);
    __atomic_store_n(&st_stop, 1, __ATOMIC_RELAXED);
    for (i = 0; i < HASHERS; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&st_barrier);

    for (i = 0; i < SELFTESTERS; i++)
        if (st_rc[i] != FM_OK)
            fail_msg("fm_selftest returned %s", err_name(st_rc[i]));
    for (i = 0; i < HASHERS; i++) {
        printf("  hashing thread %d: %d calls during the self-tests\n", i, h[i].calls);
        if (h[i].wrong != 0)
            fail_msg("thread %d: %d wrong SHA-256 digests", i, h[i].wrong);
        if (h[i].other_rc != FM_OK)
            fail_msg("thread %d: fm_hash returned %s", i, err_name(h[i].other_rc));
        if (h[i].refused != 0)
            fail_msg("thread %d: %d of %d fm_hash calls refused (FM_ERR_STATE) while another "
                     "thread ran fm_selftest", i, h[i].refused, h[i].calls);
    }
    assert_int_equal(fm_module_state(&s), FM_OK);
    assert_int_equal(s, FM_STATE_OPERATIONAL);

    /* "Run every self-test now, ... deferred tests included": all PASS. */
    assert_int_equal(fm_selftest(), FM_OK);
    assert_int_equal(fm_selftest_count(&n), FM_OK);
    for (k = 0; k < n; k++) {
        fm_selftest_result r;
        assert_int_equal(fm_selftest_get(k, &r), FM_OK);
        if (r.result != FM_SELFTEST_PASS)
            fail_msg("after fm_selftest, %s reports %d, not PASS", r.name, r.result);
    }
}

/* ---- FIPSMOD_BREAK in the production build ------------------------------------------------- */

/* Does the file contain the bytes of s? -1 if it cannot be read. */
static int file_contains(const char *path, const char *s)
{
    FILE *f = fopen(path, "rb");
    size_t len = strlen(s), cap = 1 << 20, got = 0;
    char *buf;
    int found;

    if (f == NULL)
        return -1;
    buf = malloc(cap);
    assert_non_null(buf);
    for (;;) {
        size_t n;
        if (got == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        n = fread(buf + got, 1, cap - got, f);
        if (n == 0)
            break;
        got += n;
    }
    fclose(f);
    found = memmem(buf, got, s, len) != NULL;
    free(buf);
    return found;
}

/* <root>/build/<rel> for this program at <root>/build/tests/test_state. */
static void build_path(const char *rel, char *out, size_t cap)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash;

    assert_true(n > 0);
    exe[n] = '\0';
    slash = strrchr(exe, '/'); /* build/tests/test_state -> build/tests */
    assert_non_null(slash);
    *slash = '\0';
    slash = strrchr(exe, '/'); /* -> build */
    assert_non_null(slash);
    *slash = '\0';
    assert_true((size_t)snprintf(out, cap, "%s/%s", exe, rel) < cap);
}

static void test_break_ignored(void **state)
{
    static const char *const prod[] = { "libfipsmod.a", "libfipsmod.so.1" };
    char out[512], path[PATH_MAX + 32];
    size_t n = 0, i;
    int found_integrity = 0, status, c;

    tu_begin(state);
    assert_int_equal(fm_selftest_count(&n), FM_OK);
    for (i = 0; i <= n; i++) {
        fm_selftest_result r;
        const char *name;

        if (i < n) {
            assert_int_equal(fm_selftest_get(i, &r), FM_OK);
            name = r.name;
            found_integrity |= strcmp(name, "integrity") == 0;
        } else if (!found_integrity) {
            name = "integrity";
        } else {
            break;
        }
        status = run_child("--report-state", name, out, sizeof out);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            fail_msg("child with FIPSMOD_BREAK=%s: wait status 0x%x: %s", name,
                     (unsigned)status, out);
        printf("  FIPSMOD_BREAK=%s: %s", name, out);
        assert_string_equal(out, "init=0 state=2 failed=-\n");
    }

    /* The string is in the test-only archive (the scan works) and not in production. */
    build_path("break/libfipsmod.a", path, sizeof path);
    c = file_contains(path, "FIPSMOD_BREAK");
    if (c < 0)
        printf("  %s not built: scan not cross-checked (make break-tests builds it)\n", path);
    else if (c == 0)
        fail_msg("%s does not contain \"FIPSMOD_BREAK\": the scan below proves nothing", path);
    for (i = 0; i < sizeof prod / sizeof prod[0]; i++) {
        build_path(prod[i], path, sizeof path);
        c = file_contains(path, "FIPSMOD_BREAK");
        if (c < 0)
            fail_msg("cannot read %s", path);
        if (c > 0)
            fail_msg("the production library %s contains \"FIPSMOD_BREAK\"", path);
        printf("  %s: no FIPSMOD_BREAK\n", path);
    }
}

/* ---- the approved-service indicator ------------------------------------------------------ */

static void test_indicator(void **state)
{
    static const size_t keylens[] = { 0, 1, 8, 13, 14, 15, 16, 32, 64, 65, 128, 129, 200 };
    uint8_t out[FM_HASH_MAX_LEN + 1], want[FM_HASH_MAX_LEN];
    const char *v;
    fm_hash_ctx hc;
    fm_hmac_ctx m;
    size_t i, k;
    int s;

    tu_begin(state);
    /* Digests: always approved; failures are not. */
    for (i = 0; i < TU_NUM_ALGS; i++) {
        int alg = tu_algs[i];
        assert_int_equal(fm_hash(alg, "abc", 3, out, FM_HASH_MAX_LEN), FM_OK);
        assert_int_equal(approved_now(), 1);
        assert_int_equal(fm_hash(alg, "abc", 3, out, tu_alg_len(alg) - 1), FM_ERR_LENGTH);
        assert_int_equal(approved_now(), 0);
        assert_int_equal(fm_hash_init(&hc, alg), FM_OK);
        assert_int_equal(approved_now(), 1);
        assert_int_equal(fm_hash_update(&hc, "abc", 3), FM_OK);
        assert_int_equal(approved_now(), 1);
        assert_int_equal(fm_hash_final(&hc, out, FM_HASH_MAX_LEN), FM_OK);
        assert_int_equal(approved_now(), 1);
        assert_int_equal(fm_hash_update(&hc, "abc", 3), FM_ERR_CONTEXT); /* finished */
        assert_int_equal(approved_now(), 0);
    }
    assert_int_equal(fm_hash(0, "abc", 3, out, FM_HASH_MAX_LEN), FM_ERR_UNSUPPORTED);
    assert_int_equal(approved_now(), 0);

    /* Calls that are not cryptographic services leave the indicator alone. */
    assert_int_equal(fm_hash(FM_SHA256, "abc", 3, out, FM_HASH_MAX_LEN), FM_OK);
    assert_int_equal(fm_version(&v), FM_OK);
    assert_int_equal(fm_module_state(&s), FM_OK);
    assert_int_equal(fm_error_name(FM_ERR_ARG, &v), FM_OK);
    assert_int_equal(approved_now(), 1);
    assert_int_equal(approved_now(), 1); /* reading it does not reset it */

    /* HMAC: approved iff the key has at least 112 bits (14 bytes). */
    for (i = 0; i < TU_NUM_ALGS; i++) {
        int alg = tu_algs[i];
        size_t dlen = tu_alg_len(alg);

        for (k = 0; k < sizeof keylens / sizeof keylens[0]; k++) {
            size_t kl = keylens[k];
            int expect = kl >= 14;
            const uint8_t *key = kl ? key200 : NULL;

            ref_hmac(alg, key200, kl, "abc", want);
            memset(out, 0xAA, sizeof out);
            assert_int_equal(fm_hmac(alg, key, kl, "abc", 3, out, dlen), FM_OK);
            if (memcmp(out, want, dlen) != 0)
                fail_msg("HMAC-%s, %zu-byte key: wrong tag", tu_alg_name(alg), kl);
            if (approved_now() != expect)
                fail_msg("HMAC-%s with a %zu-byte key: indicator %d, want %d", tu_alg_name(alg),
                         kl, !expect, expect);

            /* Multi-part: every step reports the key's approval. */
            assert_int_equal(fm_hmac_init(&m, alg, key, kl), FM_OK);
            assert_int_equal(approved_now(), expect);
            assert_int_equal(fm_hmac_update(&m, "abc", 3), FM_OK);
            assert_int_equal(approved_now(), expect);
            assert_int_equal(fm_hmac_final(&m, out, dlen), FM_OK);
            if (approved_now() != expect)
                fail_msg("fm_hmac_final, HMAC-%s, %zu-byte key: indicator %d, want %d",
                         tu_alg_name(alg), kl, !expect, expect);
            assert_int_equal(fm_hmac_init(&m, alg, key, kl), FM_OK);
            assert_int_equal(fm_hmac_update(&m, "abc", 3), FM_OK);
            assert_int_equal(fm_hmac_verify(&m, want, dlen), FM_OK);
            if (approved_now() != expect)
                fail_msg("fm_hmac_verify, HMAC-%s, %zu-byte key: indicator %d, want %d",
                         tu_alg_name(alg), kl, !expect, expect);
        }
        /* The shortest tag (32 bits) with an approved key is approved. */
        assert_int_equal(fm_hmac(alg, key200, 16, "abc", 3, out, FM_HMAC_MIN_TAG_LEN), FM_OK);
        assert_int_equal(approved_now(), 1);
        /* Failures are not approved. */
        assert_int_equal(fm_hmac(alg, key200, 16, "abc", 3, out, 3), FM_ERR_LENGTH);
        assert_int_equal(approved_now(), 0);
        ref_hmac(alg, key200, 16, "abc", want);
        want[0] ^= 1;
        assert_int_equal(fm_hmac_init(&m, alg, key200, 16), FM_OK);
        assert_int_equal(fm_hmac_update(&m, "abc", 3), FM_OK);
        assert_int_equal(fm_hmac_verify(&m, want, dlen), FM_ERR_VERIFY);
        assert_int_equal(approved_now(), 0);
    }
}

/* Two threads interleaved by a barrier each see their own last service. */
static pthread_barrier_t ind_barrier;

struct ind_thread {
    size_t first_key, second_key; /* key lengths of the two HMACs */
    int fresh, after_first, after_second, rc;
};

static void *indicator_thread(void *arg)
{
    struct ind_thread *t = arg;
    uint8_t tag[32];
    int a = -1;

    fm_service_approved(&a);
    t->fresh = a;
    pthread_barrier_wait(&ind_barrier);
    t->rc |= fm_hmac(FM_SHA256, key200, t->first_key, "abc", 3, tag, sizeof tag);
    pthread_barrier_wait(&ind_barrier); /* both have run their service */
    fm_service_approved(&t->after_first);
    pthread_barrier_wait(&ind_barrier);
    t->rc |= fm_hmac(FM_SHA256, key200, t->second_key, "abc", 3, tag, sizeof tag);
    pthread_barrier_wait(&ind_barrier);
    fm_service_approved(&t->after_second);
    return NULL;
}

static void test_indicator_threads(void **state)
{
    struct ind_thread t[2] = {
        { .first_key = 16, .second_key = 8, .fresh = -1, .after_first = -1, .after_second = -1 },
        { .first_key = 8, .second_key = 16, .fresh = -1, .after_first = -1, .after_second = -1 },
    };
    uint8_t out[32];
    pthread_t th[2];
    int i;

    tu_begin(state);
    /* This thread's own value must survive what the others do. */
    assert_int_equal(fm_hash(FM_SHA256, "abc", 3, out, sizeof out), FM_OK);
    assert_int_equal(approved_now(), 1);
    assert_int_equal(pthread_barrier_init(&ind_barrier, NULL, 2), 0);
    for (i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, indicator_thread, &t[i]), 0);
    for (i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&ind_barrier);
    for (i = 0; i < 2; i++) {
        assert_int_equal(t[i].rc, FM_OK);
        if (t[i].fresh != 0)
            fail_msg("a new thread's indicator is %d before any service", t[i].fresh);
        if (t[i].after_first != (t[i].first_key >= 14) ||
            t[i].after_second != (t[i].second_key >= 14))
            fail_msg("thread %d (keys of %zu then %zu bytes) saw indicators %d then %d", i,
                     t[i].first_key, t[i].second_key, t[i].after_first, t[i].after_second);
    }
    assert_int_equal(approved_now(), 1);
    assert_int_equal(fm_hmac(FM_SHA256, key200, 8, "abc", 3, out, sizeof out), FM_OK);
    assert_int_equal(approved_now(), 0);
}

static void test_strict(void **state)
{
    tu_begin(state);
    expect_child_ok("--strict", NULL);
}

/* ---- main ------------------------------------------------------------------------------------ */

int main(int argc, char **argv)
{
    ch_is_child = argc == 2;
    if (argc == 2 && strcmp(argv[1], "--report-state") == 0)
        return ch_report_state();
    if (argc == 2 && strcmp(argv[1], "--init-race") == 0)
        return ch_init_race();
    if (argc == 2 && strcmp(argv[1], "--strict") == 0)
        return ch_strict();
    tu_init("test_state");
    tu_add(&suite, test_status, NULL, "module status, self-test list and arguments (operational)");
    tu_add(&suite, test_error_name_not_approved, NULL, "fm_error_name(FM_ERR_NOT_APPROVED)");
    tu_add(&suite, test_init_idempotent, NULL, "fm_init: idempotent, no re-run, unknown flags");
    tu_add(&suite, test_init_threads, NULL, "fm_init from 8 threads at once");
    tu_add(&suite, test_selftest_on_demand, NULL, "fm_selftest on demand while other threads hash");
    tu_add(&suite, test_break_ignored, NULL, "FIPSMOD_BREAK has no effect on the production library");
    tu_add(&suite, test_indicator, NULL, "approved-service indicator: SHA-2, HMAC key lengths");
    tu_add(&suite, test_indicator_threads, NULL, "approved-service indicator is per thread");
    tu_add(&suite, test_strict, NULL, "FM_INIT_STRICT in a fresh process");
    return tu_run(&suite, "test_state");
}
