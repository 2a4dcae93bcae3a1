/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Thread-safety tests: many threads using the module at once.
 *
 *  - 8 threads x 2000 fm_random_bytes calls: every output distinct;
 *  - a mixed workload, 8 threads at once: fm_random_bytes of 32 and 4096
 *    bytes, fm_aes_gcm_seal_geniv on ONE shared key (its invocation count
 *    is atomic: every IV distinct, every ciphertext opens), a source-fed
 *    fm_drbg context per thread, SHA-256, the per-thread service
 *    indicator, RSA signatures with ONE shared key (each takes the key's
 *    blinding lock; PKCS#1 v1.5 output must not change), and fm_selftest
 *    from one of the threads while the others run;
 *  - the same workload (fewer rounds) under valgrind's helgrind, which
 *    reports data races: the test re-runs this program as
 *    `valgrind --tool=helgrind ... test_threads --workload` and requires
 *    a clean exit. This binary is linked with the test build
 *    build/helgrind/libfipsmod.a, whose module is compiled with
 *    -DFM_HELGRIND so that its spin locks and atomic hand-offs announce
 *    themselves to helgrind (src/module/internal.h); apart from those
 *    client requests it is the same module, integrity test included.
 *    (ThreadSanitizer was not used: it needs the module's code compiled
 *    with calls into the TSan runtime, which the module boundary forbids:
 *    the build rejects any call from the hashed range to outside it.)
 */
#include "testutil.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fipsmod/fipsmod.h>

/* ---- many fm_random_bytes callers ------------------------------------------------------ */

enum { NTHREADS = 8, NCALLS = 2000 };
static uint8_t thread_out[NTHREADS][NCALLS][32];

static int cmp32(const void *a, const void *b)
{
    return memcmp(a, b, 32);
}

/* 1 if two of the n records of size sz at p are equal (p is sorted). */
static int has_duplicate(void *p, size_t n, size_t sz, int (*cmp)(const void *, const void *))
{
    qsort(p, n, sz, cmp);
    for (size_t i = 1; i < n; i++)
        if (memcmp((uint8_t *)p + (i - 1) * sz, (uint8_t *)p + i * sz, sz) == 0)
            return 1;
    return 0;
}

static void *random_main(void *arg)
{
    uint8_t(*o)[32] = thread_out[(size_t)arg];

    for (size_t i = 0; i < NCALLS; i++)
        if (fm_random_bytes(o[i], 32) != FM_OK)
            return (void *)1;
    return NULL;
}

static void test_random_threads(void **state)
{
    pthread_t th[NTHREADS];
    void *res;

    (void)state;
    memset(thread_out, 0, sizeof thread_out);
    for (size_t i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, random_main, (void *)i), 0);
    for (size_t i = 0; i < NTHREADS; i++) {
        assert_int_equal(pthread_join(th[i], &res), 0);
        assert_null(res);
    }
    if (has_duplicate(&thread_out[0][0][0], NTHREADS * NCALLS, 32, cmp32))
        fail_msg("two of the %d outputs of the threads are equal", NTHREADS * NCALLS);
    printf("%d threads x %d calls: all distinct\n", NTHREADS, NCALLS);
}

/* ---- the mixed workload ---------------------------------------------------------------- */

enum { MAX_ROUNDS = 200, HELGRIND_ROUNDS = 100 };

static const uint8_t msg[48] = "fipsmod thread test message, forty-eight bytes.";

struct worker {
    size_t id, rounds;
    fm_aes_gcm_key *key;                    /* shared by every worker */
    fm_rsa_key *rsa;                        /* shared too: signing takes its blinding lock */
    const uint8_t *rsa_sig;                 /* the PKCS#1 v1.5 signature of msg's digest */
    uint8_t rand32[MAX_ROUNDS][32];         /* fm_random_bytes outputs */
    uint8_t ivs[MAX_ROUNDS][FM_AES_GCM_IV_LEN];
    const char *failed;                     /* NULL, or what went wrong */
};

static struct worker workers[NTHREADS];

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    uint8_t big[4096], ct[sizeof msg], pt[sizeof msg], tag[16], d[32], h[32];
    fm_drbg_ctx drbg;
    int approved;

    if (fm_drbg_instantiate(&drbg, FM_DRBG_AES256, (const uint8_t *)&w->id, sizeof w->id) !=
        FM_OK)
        return (void *)(w->failed = "fm_drbg_instantiate");
    for (size_t r = 0; r < w->rounds; r++) {
        if (fm_random_bytes(w->rand32[r], 32) != FM_OK)
            return (void *)(w->failed = "fm_random_bytes 32");
        /* The indicator is per thread: this thread's last call was approved. */
        if (fm_service_approved(&approved) != FM_OK || approved != 1)
            return (void *)(w->failed = "indicator after fm_random_bytes");
        if (r % 16 == 0 && (fm_random_bytes(big, sizeof big) != FM_OK ||
                            tu_all_zero(big, sizeof big)))
            return (void *)(w->failed = "fm_random_bytes 4096");
        if (fm_aes_gcm_seal_geniv(w->key, w->ivs[r], NULL, 0, msg, sizeof msg, ct, tag, 16) !=
                FM_OK ||
            fm_aes_gcm_open(w->key, w->ivs[r], FM_AES_GCM_IV_LEN, NULL, 0, ct, sizeof ct, tag,
                            16, pt) != FM_OK ||
            memcmp(pt, msg, sizeof msg) != 0)
            return (void *)(w->failed = "GCM with a generated IV on the shared key");
        if (fm_drbg_generate(&drbg, d, sizeof d, NULL, 0) != FM_OK)
            return (void *)(w->failed = "fm_drbg_generate");
        if (fm_hash(FM_SHA256, d, sizeof d, h, sizeof h) != FM_OK)
            return (void *)(w->failed = "fm_hash");
        if (w->id == 0 && r % 50 == 25 && fm_selftest() != FM_OK)
            return (void *)(w->failed = "fm_selftest");
        if (r % 25 == 0) {
            uint8_t dg[32], sig[256];

            if (fm_hash(FM_SHA256, msg, sizeof msg, dg, sizeof dg) != FM_OK ||
                fm_rsa_sign(w->rsa, FM_RSA_PKCS1, FM_SHA256, dg, 32, 0, sig, sizeof sig) !=
                    FM_OK ||
                memcmp(sig, w->rsa_sig, sizeof sig) != 0)
                return (void *)(w->failed = "RSA signature with the shared key");
        }
    }
    fm_drbg_uninstantiate(&drbg);
    return NULL;
}

/* Run the workload with rounds per thread; returns NULL or a failure. */
static const char *run_workload(size_t rounds)
{
    static const uint8_t k[16] = "shared GCM key.";
    static uint8_t all32[NTHREADS * MAX_ROUNDS][32];
    static uint8_t allivs[NTHREADS * MAX_ROUNDS][FM_AES_GCM_IV_LEN];
    static fm_aes_gcm_key key;
    static fm_rsa_key rsa;
    static uint8_t rsa_sig[256];
    uint8_t dg[32];
    pthread_t th[NTHREADS];
    size_t n = 0;

    if (fm_aes_gcm_init(&key, k, sizeof k) != FM_OK)
        return "fm_aes_gcm_init";
    if (fm_rsa_generate_key(&rsa, 2048, 0) != FM_OK ||
        fm_hash(FM_SHA256, msg, sizeof msg, dg, sizeof dg) != FM_OK ||
        fm_rsa_sign(&rsa, FM_RSA_PKCS1, FM_SHA256, dg, 32, 0, rsa_sig, sizeof rsa_sig) != FM_OK)
        return "RSA key generation";
    for (size_t i = 0; i < NTHREADS; i++) {
        memset(&workers[i], 0, sizeof workers[i]);
        workers[i].id = i;
        workers[i].rounds = rounds;
        workers[i].key = &key;
        workers[i].rsa = &rsa;
        workers[i].rsa_sig = rsa_sig;
        if (pthread_create(&th[i], NULL, worker_main, &workers[i]) != 0)
            return "pthread_create";
    }
    for (size_t i = 0; i < NTHREADS; i++)
        pthread_join(th[i], NULL);
    for (size_t i = 0; i < NTHREADS; i++) {
        if (workers[i].failed != NULL)
            return workers[i].failed;
        memcpy(all32[n], workers[i].rand32, rounds * 32);
        memcpy(allivs[n], workers[i].ivs, rounds * FM_AES_GCM_IV_LEN);
        n += rounds;
    }
    fm_aes_gcm_wipe(&key);
    fm_rsa_key_wipe(&rsa);
    if (has_duplicate(all32, n, 32, cmp32))
        return "two fm_random_bytes outputs are equal";
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (memcmp(allivs[i], allivs[j], FM_AES_GCM_IV_LEN) == 0)
                return "two generated GCM IVs are equal";
    return NULL;
}

static void test_mixed(void **state)
{
    const char *why;

    (void)state;
    why = run_workload(MAX_ROUNDS);
    if (why != NULL)
        fail_msg("mixed workload: %s", why);
    printf("%d threads x %d rounds of random bytes, GCM on a shared key with generated IVs, "
           "own DRBGs, SHA-256, RSA signatures on a shared key, fm_selftest: all outputs and IVs "
           "distinct\n",
           NTHREADS, MAX_ROUNDS);
}

/* The workload again, under helgrind; see the top of the file. */
static void test_helgrind(void **state)
{
    char self[4096], cmd[8192 + 256], log[] = "/tmp/fipsmod-helgrind.XXXXXX";
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    int fd, st;

    (void)state;
    assert_true(n > 0);
    self[n] = '\0';
    fd = mkstemp(log);
    assert_true(fd >= 0);
    close(fd);
    snprintf(cmd, sizeof cmd,
             "valgrind --tool=helgrind --error-exitcode=99 --log-file=%s '%s' --workload", log,
             self);
    st = system(cmd);
    if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        char line[512];
        FILE *f = fopen(log, "r");

        while (f != NULL && fgets(line, sizeof line, f) != NULL)
            fputs(line, stdout);
        if (f != NULL)
            fclose(f);
        unlink(log);
        fail_msg("helgrind reported races or the workload failed (status 0x%x)", st);
    }
    unlink(log);
    printf("helgrind: no data races in %d threads x %d rounds of the mixed workload\n",
           NTHREADS, HELGRIND_ROUNDS);
}

int main(int argc, char **argv)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_threads),
        cmocka_unit_test(test_mixed),
        cmocka_unit_test(test_helgrind),
    };

    if (argc == 2 && strcmp(argv[1], "--workload") == 0) {
        const char *why = run_workload(HELGRIND_ROUNDS);

        if (why != NULL)
            fprintf(stderr, "workload: %s\n", why);
        else
            printf("workload: %d threads x %d rounds done\n", NTHREADS, HELGRIND_ROUNDS);
        return why == NULL ? 0 : 1;
    }
    return cmocka_run_group_tests_name("test_threads", tests, NULL, NULL);
}
