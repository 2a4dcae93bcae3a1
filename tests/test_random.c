/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fm_random_bytes (fipsmod/drbg.h, src/drbg/random.c): the module's own
 * CTR_DRBG. Its output is random, so there is no known answer to compare
 * with (the CTR_DRBG core is checked by test_drbg and the power-up KAT);
 * these tests check what the design promises:
 *
 *  - lengths 0, 1, 15, 16, 17, 65536, 65537, 300000 on every AES
 *    implementation (the per-call child DRBG uses the selected one): guard
 *    bytes untouched, no 16-byte block repeated within one output (a
 *    counter-mode stream never repeats a block; a repeat would show a
 *    counter or request-boundary bug, e.g. at 65536), and the indicator
 *    reports an approved service;
 *  - many calls give distinct outputs;
 *  - NULL with len != 0 is FM_ERR_ARG; NULL with len 0 is FM_OK;
 *  - fork: 8 children each write their first 64 bytes to a pipe right
 *    after fork, the parent then draws 64: all 9 distinct (without fork
 *    detection each child would repeat the parent's next output); nested
 *    forks too; and children forked while other threads call
 *    fm_random_bytes and fm_selftest in loops must finish (a lock held by
 *    a parent thread at fork time, the primary's, the entropy source's or
 *    the self-test lock, is taken over in the child: each child also runs
 *    fm_selftest), with a timeout; (threads: tests/test_threads.c)
 *  - the tool: `fipsmod rand -hex 32` prints 64 hex digits, two runs
 *    differ; `fipsmod rand 1000000` writes 1000000 bytes.
 */
#include "testutil.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fipsmod/drbg.h>

static tu_suite suite;

static int cmp16(const void *a, const void *b)
{
    return memcmp(a, b, 16);
}

static int cmp32(const void *a, const void *b)
{
    return memcmp(a, b, 32);
}

static int cmp64(const void *a, const void *b)
{
    return memcmp(a, b, 64);
}

/* 1 when two of the n records of size sz at p are equal (sorts a copy). */
static int has_duplicate(const uint8_t *p, size_t n, size_t sz,
                         int (*cmp)(const void *, const void *))
{
    uint8_t *c = malloc(n * sz + 1);
    int dup = 0;

    assert_non_null(c);
    memcpy(c, p, n * sz);
    qsort(c, n, sz, cmp);
    for (size_t i = 1; i < n && !dup; i++)
        dup = memcmp(c + (i - 1) * sz, c + i * sz, sz) == 0;
    free(c);
    return dup;
}

static void test_lengths(void **state)
{
    static const size_t lens[] = { 0, 1, 15, 16, 17, 65536, 65537, 300000 };
    tu_case *c = tu_begin(state);
    uint8_t *buf = malloc(300000 + 1);

    assert_non_null(buf);
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        size_t len = lens[i];
        int approved = -1;

        memset(buf, 0, len + 1);
        buf[len] = 0xAA;
        assert_int_equal(fm_random_bytes(buf, len), FM_OK);
        assert_int_equal(fm_service_approved(&approved), FM_OK);
        assert_int_equal(approved, 1);
        if (buf[len] != 0xAA)
            fail_msg("fm_random_bytes(%zu) wrote past the end", len);
        if (len >= 16 && tu_all_zero(buf, len))
            fail_msg("fm_random_bytes(%zu) left the buffer zero", len);
        if (len >= 32 && has_duplicate(buf, len / 16, 16, cmp16))
            fail_msg("fm_random_bytes(%zu): a 16-byte block repeats", len);
    }
    free(buf);
    printf("lengths 0 .. 300000 on %s\n", c->impl.name ? c->impl.name : "default");
}

static void test_distinct(void **state)
{
    enum { N = 4096 };
    uint8_t *v = malloc(N * 32);

    (void)state;
    assert_non_null(v);
    for (size_t i = 0; i < N; i++)
        assert_int_equal(fm_random_bytes(v + 32 * i, 32), FM_OK);
    if (has_duplicate(v, N, 32, cmp32))
        fail_msg("two of %d 32-byte outputs are equal", N);
    free(v);
}

static void test_bad_args(void **state)
{
    uint8_t b[1];
    int approved = -1;

    (void)state;
    assert_int_equal(fm_random_bytes(NULL, 1), FM_ERR_ARG);
    assert_int_equal(fm_service_approved(&approved), FM_OK);
    assert_int_equal(approved, 0);
    assert_int_equal(fm_random_bytes(NULL, 0), FM_OK);
    assert_int_equal(fm_random_bytes(b, 0), FM_OK);
}

/* Fork n children that each write their first 64 bytes to the pipe (and
 * then, with selftest, run fm_selftest), then take 64 in this process;
 * out[0..n] = children's, out[n] = ours. A child exits 1 when it cannot
 * produce its bytes or its self-tests fail. */
static void fork_round(int n, uint8_t (*out)[64], int selftest)
{
    int fds[2];

    assert_int_equal(pipe(fds), 0);
    for (int i = 0; i < n; i++) {
        pid_t pid = fork();

        assert_true(pid >= 0);
        if (pid == 0) {
            uint8_t b[64];

            close(fds[0]);
            alarm(20);
            if (fm_random_bytes(b, sizeof b) != FM_OK || write(fds[1], b, 64) != 64)
                _exit(1);
            if (selftest && fm_selftest() != FM_OK)
                _exit(1);
            _exit(0);
        }
    }
    close(fds[1]);
    assert_int_equal(fm_random_bytes(out[n], 64), FM_OK);
    for (int i = 0; i < n; i++) {
        int status;

        assert_true(wait(&status) > 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            fail_msg("a child failed or hung (status 0x%x)", status);
    }
    for (int i = 0; i < n; i++) {
        size_t got = 0;

        while (got < 64) {
            ssize_t r = read(fds[0], out[i] + got, 64 - got);
            assert_true(r > 0);
            got += (size_t)r;
        }
    }
    close(fds[0]);
}

static void test_fork(void **state)
{
    enum { N = 8 };
    uint8_t out[N + 1][64], first[64];

    (void)state;
    /* The primary is seeded in this process before the forks. */
    assert_int_equal(fm_random_bytes(first, sizeof first), FM_OK);
    fork_round(N, out, 0);
    if (has_duplicate(&out[0][0], N + 1, 64, cmp64))
        fail_msg("a child repeated another process's output after fork");
    printf("%d children and the parent: 9 distinct 64-byte outputs\n", N);

    /* Nested: a child forks its own children. */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        uint8_t o[4][64];
        alarm(20);
        if (fm_random_bytes(o[0], 64) != FM_OK)
            _exit(1);
        pid_t g = fork();
        if (g == 0) {
            _exit(fm_random_bytes(o[1], 64) != FM_OK ||
                  memcmp(o[1], o[0], 64) == 0);
        }
        if (fm_random_bytes(o[2], 64) != FM_OK || memcmp(o[2], o[0], 64) == 0)
            _exit(1);
        int st;
        if (waitpid(g, &st, 0) != g || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            _exit(1);
        _exit(0);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("nested fork: status 0x%x", st);
}

static volatile int spin_stop;

static void *spinner(void *arg)
{
    uint8_t b[32];

    (void)arg;
    while (!spin_stop)
        if (fm_random_bytes(b, sizeof b) != FM_OK)
            return (void *)1;
    return NULL;
}

/* fm_selftest in a loop: the entropy start-up test holds the entropy
 * source's lock for 1024 samples each time. */
static void *selftester(void *arg)
{
    (void)arg;
    while (!spin_stop)
        if (fm_selftest() != FM_OK)
            return (void *)1;
    return NULL;
}

/* Forks while other threads keep calling fm_random_bytes and fm_selftest:
 * a child whose parent's threads held the primary's lock, the entropy
 * source's lock or the module's self-test lock at fork time must not hang
 * (it needs the first two: the primary is re-instantiated from fresh
 * entropy after fork; and each child runs fm_selftest, which needs the
 * third). */
static void test_fork_busy(void **state)
{
    enum { ROUNDS = 40, N = 4 };
    pthread_t th[3];
    void *res;

    (void)state;
    spin_stop = 0;
    for (int i = 0; i < 3; i++)
        assert_int_equal(pthread_create(&th[i], NULL, i == 2 ? selftester : spinner, NULL), 0);
    for (int r = 0; r < ROUNDS; r++) {
        uint8_t out[N + 1][64];

        fork_round(N, out, 1);
        if (has_duplicate(&out[0][0], N + 1, 64, cmp64))
            fail_msg("round %d: a child repeated another process's output", r);
    }
    spin_stop = 1;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(pthread_join(th[i], &res), 0);
        assert_null(res);
    }
    printf("%d rounds of %d children forked beside 2 fm_random_bytes and 1 fm_selftest "
           "threads\n", ROUNDS, N);
}

/* Standard output of cmd, at most cap bytes; returns the length. */
static size_t run_tool(const char *cmd, char *buf, size_t cap)
{
    FILE *f = popen(cmd, "r");
    size_t n;

    assert_non_null(f);
    n = fread(buf, 1, cap, f);
    assert_int_equal(pclose(f), 0);
    return n;
}

static void test_tool(void **state)
{
    char a[200], b[200], c[64];
    size_t na, nb, nc;

    (void)state;
    if (access("build/fipsmod", X_OK) != 0)
        fail_msg("build/fipsmod not found (run from the repository root, after make)");
    na = run_tool("build/fipsmod rand -hex 32", a, sizeof a);
    nb = run_tool("build/fipsmod rand -hex 32", b, sizeof b);
    assert_int_equal(na, 65);
    assert_int_equal(nb, 65);
    assert_int_equal(a[64], '\n');
    for (size_t i = 0; i < 64; i++)
        if (strchr("0123456789abcdef", a[i]) == NULL || a[i] == '\0')
            fail_msg("rand -hex: not a lowercase hex digit at %zu", i);
    if (memcmp(a, b, 64) == 0)
        fail_msg("two runs of fipsmod rand -hex 32 printed the same value");
    nc = run_tool("build/fipsmod rand 1000000 | wc -c", c, sizeof c - 1);
    c[nc] = '\0';
    assert_int_equal(strtoul(c, NULL, 10), 1000000);
    nc = run_tool("build/fipsmod-static rand 70000 | wc -c", c, sizeof c - 1);
    c[nc] = '\0';
    assert_int_equal(strtoul(c, NULL, 10), 70000);
}

int main(void)
{
    tu_init("test_random");
    {
        tu_case t = { .family = FM_FAMILY_AES };

        tu_add_per_impl(&suite, test_lengths, &t, "lengths 0 .. 300000");
    }
    tu_add(&suite, test_distinct, NULL, "4096 calls: distinct outputs");
    tu_add(&suite, test_bad_args, NULL, "NULL output");
    tu_add(&suite, test_fork, NULL, "fork: children never repeat the parent");
    tu_add(&suite, test_fork_busy, NULL, "fork beside busy threads: no hang, distinct");
    tu_add(&suite, test_tool, NULL, "fipsmod rand");
    return tu_run(&suite, "test_random");
}
