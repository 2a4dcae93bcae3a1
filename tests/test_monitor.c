/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Events and service counters (fipsmod/monitor.h) in the production
 * library. The error state is reached only in the test-only build: the
 * failure events of broken self-tests and pairwise tests, and the counts
 * of refused calls, are checked by tests/break/break_tests.c.
 *
 * - The power-up record, replayed to a new callback: power-up start, the
 *   change to SELF_TEST, one self-test event per fm_selftest_get entry in
 *   its order (PASS, or DEFERRED for the RSA and ECDSA tests), the change
 *   to OPERATIONAL, power-up end with FM_OK and fm_module_status's time;
 *   all marked replayed, times in order. Without a callback nothing is
 *   delivered.
 * - Live events: fm_selftest gives one PASS event per test, trigger
 *   ON_DEMAND, and no state change; the first EC service runs the deferred
 *   ECDSA tests (trigger FIRST_USE) once; DRBG seeding: a caller's DRBG
 *   instantiated, reseeded on request, reseeded for prediction resistance;
 *   the module's DRBG seeded afresh at first use after fork() and reseeded
 *   when 2^16 requests are used up.
 * - The callback cannot re-enter the module: from inside it, services,
 *   fm_init, fm_selftest and fm_set_event_callback are refused with
 *   FM_ERR_STATE and change neither the counters nor the indicator, while
 *   the status functions work; the service that raised the event is
 *   counted once, as usual.
 * - Counters: a scripted sequence of calls over twelve families, with
 *   approved, non-approved and failing calls (strict-mode refusals in a
 *   child process), changes the snapshot by exactly the expected counts and
 *   nothing else; fm_counters_enable(0) stops counting; eight threads
 *   hashing at once lose no count, in own shards and in the shared one
 *   (80 threads in all); names of families and events.
 */
#include "testutil.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static tu_suite suite;

/* ---- the recording callback ----------------------------------------------------------- */

#define REC_MAX 256

static pthread_mutex_t rec_lock = PTHREAD_MUTEX_INITIALIZER;
static fm_event rec[REC_MAX];
static size_t rec_n;
static size_t rec_dropped;

static void rec_event(const fm_event *ev, void *user)
{
    (void)user;
    pthread_mutex_lock(&rec_lock);
    if (rec_n < REC_MAX)
        rec[rec_n++] = *ev;
    else
        rec_dropped++;
    pthread_mutex_unlock(&rec_lock);
}

static void rec_clear(void)
{
    pthread_mutex_lock(&rec_lock);
    rec_n = 0;
    rec_dropped = 0;
    pthread_mutex_unlock(&rec_lock);
}

/* Install the recorder and drop the replayed record. */
static void rec_start_live(void)
{
    assert_int_equal(fm_set_event_callback(rec_event, NULL), FM_OK);
    rec_clear();
}

static const char *ev_name(int type)
{
    const char *n = "?";
    fm_event_name(type, &n);
    return n;
}

static size_t count_type(int type)
{
    size_t n = 0;
    for (size_t i = 0; i < rec_n; i++)
        n += rec[i].type == type;
    return n;
}

static int is_deferred_name(const char *name)
{
    return strncmp(name, "rsa-", 4) == 0 || strncmp(name, "ecdsa-", 6) == 0;
}

/* ---- power-up record -------------------------------------------------------------------- */

static void test_power_up_replay(void **state)
{
    fm_module_status st;
    size_t ntests, i, k = 0;

    tu_begin(state);
    assert_int_equal(fm_module_status_get(&st), FM_OK);
    assert_int_equal(fm_selftest_count(&ntests), FM_OK);
    rec_clear();
    assert_int_equal(fm_set_event_callback(rec_event, (void *)&suite), FM_OK);
    assert_int_equal(rec_dropped, 0);
    /* start, 2 state changes, one per test, end */
    if (rec_n != ntests + 4)
        fail_msg("the replayed record has %zu events, want %zu", rec_n, ntests + 4);
    for (i = 0; i < rec_n; i++) {
        if (!rec[i].replayed)
            fail_msg("event %zu (%s) is not marked replayed", i, ev_name(rec[i].type));
        if (i > 0 && rec[i].time_us < rec[i - 1].time_us)
            fail_msg("event %zu (%s) is earlier than the one before it", i, ev_name(rec[i].type));
        if (rec[i].reason == NULL || rec[i].reason[0] != '\0')
            fail_msg("event %zu (%s) has a reason, but nothing failed", i, ev_name(rec[i].type));
    }
    assert_int_equal(rec[k].type, FM_EVENT_POWER_UP_START);
    k++;
    assert_int_equal(rec[k].type, FM_EVENT_STATE_CHANGE);
    assert_int_equal(rec[k].old_state, FM_STATE_UNINITIALISED);
    assert_int_equal(rec[k].new_state, FM_STATE_SELF_TEST);
    k++;
    for (i = 0; i < ntests; i++, k++) {
        fm_selftest_result r;
        int want = FM_SELFTEST_PASS;

        assert_int_equal(fm_selftest_get(i, &r), FM_OK);
        if (rec[k].type != FM_EVENT_SELFTEST || rec[k].name == NULL ||
            strcmp(rec[k].name, r.name) != 0)
            fail_msg("event %zu: %s %s, want the self-test event of \"%s\"", k,
                     ev_name(rec[k].type), rec[k].name ? rec[k].name : "(no name)", r.name);
        if (is_deferred_name(r.name))
            want = FM_SELFTEST_DEFERRED;
        if (rec[k].result != want || rec[k].trigger != FM_TRIGGER_POWER_UP ||
            rec[k].error != FM_OK)
            fail_msg("%s: result %d trigger %d error %d, want %d, power-up, FM_OK", r.name,
                     rec[k].result, rec[k].trigger, rec[k].error, want);
        /* Nothing has re-run the power-up tests yet in this process. */
        if (want == FM_SELFTEST_PASS && rec[k].us != r.us)
            fail_msg("%s: the event says %llu us, fm_selftest_get %llu us", r.name,
                     (unsigned long long)rec[k].us, (unsigned long long)r.us);
    }
    assert_int_equal(rec[k].type, FM_EVENT_STATE_CHANGE);
    assert_int_equal(rec[k].old_state, FM_STATE_SELF_TEST);
    assert_int_equal(rec[k].new_state, FM_STATE_OPERATIONAL);
    k++;
    assert_int_equal(rec[k].type, FM_EVENT_POWER_UP_END);
    assert_int_equal(rec[k].error, FM_OK);
    assert_int_equal(rec[k].us, st.power_up_us);
    printf("  replayed: %zu events, power-up %llu us\n", rec_n, (unsigned long long)st.power_up_us);

    /* Removed: nothing more is delivered, and a new callback gets the
     * same record again. */
    assert_int_equal(fm_set_event_callback(NULL, NULL), FM_OK);
    rec_clear();
    uint8_t out[32];
    fm_drbg_ctx d;
    assert_int_equal(fm_drbg_instantiate(&d, FM_DRBG_AES256, NULL, 0), FM_OK);
    assert_int_equal(fm_drbg_reseed(&d, NULL, 0), FM_OK);
    assert_int_equal(fm_hash(FM_SHA256, "abc", 3, out, sizeof out), FM_OK);
    fm_drbg_uninstantiate(&d);
    assert_int_equal(rec_n, 0);
    assert_int_equal(fm_set_event_callback(rec_event, NULL), FM_OK);
    assert_int_equal(rec_n, ntests + 4);
    assert_int_equal(fm_set_event_callback(NULL, NULL), FM_OK);
}

/* ---- live events ------------------------------------------------------------------------ */

static void test_selftest_events(void **state)
{
    size_t ntests;

    tu_begin(state);
    assert_int_equal(fm_selftest_count(&ntests), FM_OK);
    rec_start_live();
    assert_int_equal(fm_selftest(), FM_OK);
    assert_int_equal(fm_set_event_callback(NULL, NULL), FM_OK);
    assert_int_equal(rec_n, ntests);
    for (size_t i = 0; i < ntests; i++) {
        fm_selftest_result r;

        assert_int_equal(fm_selftest_get(i, &r), FM_OK);
        if (rec[i].type != FM_EVENT_SELFTEST || strcmp(rec[i].name, r.name) != 0 ||
            rec[i].result != FM_SELFTEST_PASS || rec[i].trigger != FM_TRIGGER_ON_DEMAND ||
            rec[i].replayed || rec[i].us != r.us)
            fail_msg("event %zu: %s %s result %d trigger %d replayed %d, want %s PASS on demand",
                     i, ev_name(rec[i].type), rec[i].name ? rec[i].name : "-", rec[i].result,
                     rec[i].trigger, rec[i].replayed, r.name);
    }
}

/* A forked child runs fn; its stderr explains a failure. */
static void in_child(int (*fn)(void), const char *what)
{
    int status;
    pid_t pid;

    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(fn());
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("%s: the child process failed (status 0x%x)", what, status);
}

#define CH_CHECK(cond, ...)                                                  \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "  child: " __VA_ARGS__);                        \
            fputc('\n', stderr);                                             \
            return 1;                                                        \
        }                                                                    \
    } while (0)

/* The ECDSA self-tests run at the first EC service, once. */
static int ch_first_use(void)
{
    fm_selftest_result r;
    fm_ec_key key;
    size_t ntests, i, cast = 0;

    CH_CHECK(fm_selftest_count(&ntests) == FM_OK, "fm_selftest_count");
    for (i = 0; i < ntests; i++)
        if (fm_selftest_get(i, &r) == FM_OK && strncmp(r.name, "ecdsa-", 6) == 0) {
            CH_CHECK(r.result == FM_SELFTEST_DEFERRED, "%s is not deferred any more: the test "
                     "process used EC before this test", r.name);
            cast++;
        }
    CH_CHECK(cast == 2, "%zu ECDSA self-tests, want 2", cast);
    CH_CHECK(fm_set_event_callback(rec_event, NULL) == FM_OK, "install");
    rec_clear();
    CH_CHECK(fm_ec_key_generate(&key, FM_EC_P256) == FM_OK, "fm_ec_key_generate");
    CH_CHECK(count_type(FM_EVENT_SELFTEST) == 2, "%zu self-test events at the first EC service, "
             "want 2", count_type(FM_EVENT_SELFTEST));
    CH_CHECK(strcmp(rec[0].name, "ecdsa-p256-sign-kat") == 0 &&
             strcmp(rec[1].name, "ecdsa-p256-verify-kat") == 0, "first events %s, %s",
             rec[0].name ? rec[0].name : "-", rec[1].name ? rec[1].name : "-");
    for (i = 0; i < 2; i++)
        CH_CHECK(rec[i].type == FM_EVENT_SELFTEST && rec[i].result == FM_SELFTEST_PASS &&
                 rec[i].trigger == FM_TRIGGER_FIRST_USE && !rec[i].replayed,
                 "%s: result %d trigger %d replayed %d", rec[i].name, rec[i].result,
                 rec[i].trigger, rec[i].replayed);
    rec_clear();
    CH_CHECK(fm_ec_key_generate(&key, FM_EC_P256) == FM_OK, "fm_ec_key_generate again");
    CH_CHECK(count_type(FM_EVENT_SELFTEST) == 0, "the ECDSA self-tests ran again");
    fm_ec_key_wipe(&key);
    return 0;
}

static void test_first_use_events(void **state)
{
    tu_begin(state);
    in_child(ch_first_use, "deferred self-tests at first use");
}

static int find_reseed(int drbg, int cause)
{
    int n = 0;
    for (size_t i = 0; i < rec_n; i++)
        n += rec[i].type == FM_EVENT_DRBG_RESEED && rec[i].drbg == drbg && rec[i].cause == cause;
    return n;
}

static void test_caller_drbg_events(void **state)
{
    fm_drbg_ctx d;
    uint8_t out[32];

    tu_begin(state);
    rec_start_live();
    assert_int_equal(fm_drbg_instantiate(&d, FM_DRBG_AES256, NULL, 0), FM_OK);
    assert_int_equal(rec_n, 1);
    assert_int_equal(find_reseed(FM_DRBG_CALLER, FM_RESEED_INSTANTIATE), 1);
    assert_int_equal(fm_drbg_generate(&d, out, sizeof out, NULL, 0), FM_OK);
    assert_int_equal(rec_n, 1);
    assert_int_equal(fm_drbg_reseed(&d, NULL, 0), FM_OK);
    assert_int_equal(find_reseed(FM_DRBG_CALLER, FM_RESEED_REQUESTED), 1);
    assert_int_equal(fm_drbg_generate_pr(&d, out, sizeof out, NULL, 0), FM_OK);
    assert_int_equal(find_reseed(FM_DRBG_CALLER, FM_RESEED_PREDICTION_RESISTANCE), 1);
    assert_int_equal(rec_n, 3);
    /* A failed reseed raises nothing. */
    fm_drbg_uninstantiate(&d);
    assert_int_not_equal(fm_drbg_reseed(&d, NULL, 0), FM_OK);
    assert_int_equal(rec_n, 3);
    for (size_t i = 0; i < rec_n; i++)
        assert_false(rec[i].replayed);
    assert_int_equal(fm_set_event_callback(NULL, NULL), FM_OK);
}

/* The module's DRBG: seeded afresh at the first use after fork(), then
 * reseeded once its 2^16 requests are used. */
static int ch_module_drbg(void)
{
    uint8_t b[16];
    long calls;

    CH_CHECK(fm_set_event_callback(rec_event, NULL) == FM_OK, "install");
    rec_clear();
    CH_CHECK(fm_random_bytes(b, sizeof b) == FM_OK, "fm_random_bytes");
    CH_CHECK(rec_n == 1 && find_reseed(FM_DRBG_MODULE, FM_RESEED_INSTANTIATE) == 1,
             "%zu events at the first fm_random_bytes after fork, want one instantiation",
             rec_n);
    for (calls = 1; calls < 70000 && rec_n == 1; calls++)
        CH_CHECK(fm_random_bytes(b, 1) == FM_OK, "fm_random_bytes");
    CH_CHECK(rec_n == 2 && find_reseed(FM_DRBG_MODULE, FM_RESEED_INTERVAL) == 1,
             "no interval reseed in %ld calls (%zu events)", calls, rec_n);
    CH_CHECK(calls >= 65536 && calls <= 65538, "the interval reseed came after %ld calls, "
             "want 2^16", calls);
    printf("  module DRBG: seeded at the first call after fork, reseeded after %ld calls\n",
           calls);
    return 0;
}

static void test_module_drbg_events(void **state)
{
    tu_begin(state);
    in_child(ch_module_drbg, "module DRBG events");
}

/* ---- what the callback may do ------------------------------------------------------------- */

static struct {
    int ran;
    int hash_rc, init_rc, selftest_rc, set_rc, random_rc, gcm_rc;
    int out_zero;
    int status_rc, state_rc, count_rc, get_rc, approved_rc, snap_rc, names_rc;
    int approved_before, approved_after;
    int counts_same;
} probe;

static int counters_equal(const fm_counters *a, const fm_counters *b)
{
    return memcmp(a->service, b->service, sizeof a->service) == 0;
}

static void probe_event(const fm_event *ev, void *user)
{
    static fm_counters before, after;
    uint8_t out[32];
    fm_module_status st;
    fm_selftest_result r;
    fm_aes_gcm_key gk;
    const char *n;
    size_t cnt;
    int s;

    (void)ev;
    (void)user;
    if (probe.ran++)
        return;
    probe.snap_rc = fm_counters_snapshot(&before);
    fm_service_approved(&probe.approved_before);
    memset(out, 0xAA, sizeof out);
    probe.hash_rc = fm_hash(FM_SHA256, "abc", 3, out, sizeof out);
    probe.out_zero = tu_all_zero(out, sizeof out);
    memset(out, 0xAA, sizeof out);
    probe.random_rc = fm_random_bytes(out, sizeof out);
    probe.out_zero &= tu_all_zero(out, sizeof out);
    probe.gcm_rc = fm_aes_gcm_init(&gk, out, 16);
    probe.init_rc = fm_init(0);
    probe.selftest_rc = fm_selftest();
    probe.set_rc = fm_set_event_callback(NULL, NULL);
    fm_service_approved(&probe.approved_after);
    fm_counters_snapshot(&after);
    probe.counts_same = counters_equal(&before, &after);
    probe.status_rc = fm_module_status_get(&st);
    probe.state_rc = fm_module_state(&s);
    probe.count_rc = fm_selftest_count(&cnt);
    probe.get_rc = fm_selftest_get(0, &r);
    probe.approved_rc = fm_service_approved(&s);
    probe.names_rc = fm_service_name(FM_SERVICE_SHA2, &n) | fm_event_name(ev->type, &n) |
                     fm_error_name(FM_ERR_STATE, &n) | fm_version(&n) |
                     fm_impl_name(FM_FAMILY_SHA256, &n);
}

static void check_probe(const char *when)
{
    if (probe.ran == 0)
        fail_msg("%s: the callback never ran", when);
    if (probe.hash_rc != FM_ERR_STATE || probe.random_rc != FM_ERR_STATE ||
        probe.gcm_rc != FM_ERR_STATE || probe.init_rc != FM_ERR_STATE ||
        probe.selftest_rc != FM_ERR_STATE || probe.set_rc != FM_ERR_STATE)
        fail_msg("%s: from the callback fm_hash %s, fm_random_bytes %s, fm_aes_gcm_init %s, "
                 "fm_init %s, fm_selftest %s, fm_set_event_callback %s; want FM_ERR_STATE",
                 when, tu_err_name(probe.hash_rc), tu_err_name(probe.random_rc),
                 tu_err_name(probe.gcm_rc), tu_err_name(probe.init_rc),
                 tu_err_name(probe.selftest_rc), tu_err_name(probe.set_rc));
    if (!probe.out_zero)
        fail_msg("%s: a refused call left output", when);
    if (!probe.counts_same)
        fail_msg("%s: the refused calls changed the counters", when);
    if (probe.approved_before != probe.approved_after)
        fail_msg("%s: the refused calls changed the indicator (%d -> %d)", when,
                 probe.approved_before, probe.approved_after);
    if (probe.status_rc || probe.state_rc || probe.count_rc || probe.get_rc ||
        probe.approved_rc || probe.snap_rc || probe.names_rc)
        fail_msg("%s: a status function failed inside the callback", when);
}

static void test_callback_reentry(void **state)
{
    fm_counters before, after;
    fm_drbg_ctx d;
    uint8_t out[32];

    tu_begin(state);
    /* Inside a replayed event (the module lock is held). */
    memset(&probe, 0, sizeof probe);
    assert_int_equal(fm_set_event_callback(probe_event, NULL), FM_OK);
    check_probe("replay");
    /* Inside a live event raised by a service: that service is counted
     * once, as approved, and the probe's calls not at all. */
    assert_int_equal(fm_drbg_instantiate(&d, FM_DRBG_AES256, NULL, 0), FM_OK);
    assert_int_equal(fm_counters_snapshot(&before), FM_OK);
    memset(&probe, 0, sizeof probe);
    assert_int_equal(fm_drbg_reseed(&d, NULL, 0), FM_OK);
    check_probe("DRBG reseed event");
    assert_int_equal(fm_counters_snapshot(&after), FM_OK);
    assert_int_equal(after.service[FM_SERVICE_DRBG].approved,
                     before.service[FM_SERVICE_DRBG].approved + 1);
    assert_int_equal(after.service[FM_SERVICE_DRBG].calls,
                     before.service[FM_SERVICE_DRBG].calls + 1);
    after.service[FM_SERVICE_DRBG] = before.service[FM_SERVICE_DRBG];
    assert_true(counters_equal(&before, &after));
    int approved = -1;
    assert_int_equal(fm_service_approved(&approved), FM_OK);
    assert_int_equal(approved, 1);
    assert_int_equal(fm_set_event_callback(NULL, NULL), FM_OK);
    fm_drbg_uninstantiate(&d);
    /* And the module works as before. */
    assert_int_equal(fm_hash(FM_SHA256, "abc", 3, out, sizeof out), FM_OK);
}

/* ---- counters ---------------------------------------------------------------------------- */

typedef struct {
    int service;
    uint64_t approved, non_approved;
    int err[3];          /* failure codes, 0 ends */
    uint64_t err_n[3];
} want_counts;

/* after - before must be exactly `want` (n entries), every other family
 * and slot unchanged. Returns NULL or what differs. */
static const char *counters_delta_check(const fm_counters *before, const fm_counters *after,
                                        const want_counts *want, size_t n)
{
    static char why[256];

    for (int f = 0; f < FM_SERVICE_COUNT; f++) {
        fm_service_counters d, w;
        const char *name = "?";

        memset(&w, 0, sizeof w);
        for (size_t i = 0; i < n; i++)
            if (want[i].service == f) {
                w.approved = want[i].approved;
                w.non_approved = want[i].non_approved;
                for (int k = 0; k < 3 && want[i].err[k] != 0; k++)
                    w.failures[-want[i].err[k]] = want[i].err_n[k];
            }
        w.calls = w.approved + w.non_approved;
        for (int k = 1; k < FM_ERR_CODES; k++)
            w.calls += w.failures[k];
        d.calls = after->service[f].calls - before->service[f].calls;
        d.approved = after->service[f].approved - before->service[f].approved;
        d.non_approved = after->service[f].non_approved - before->service[f].non_approved;
        fm_service_name(f, &name);
        for (int k = 0; k < FM_ERR_CODES; k++) {
            d.failures[k] = after->service[f].failures[k] - before->service[f].failures[k];
            if (d.failures[k] != w.failures[k]) {
                snprintf(why, sizeof why, "%s: %llu more failures %s, want %llu", name,
                         (unsigned long long)d.failures[k], tu_err_name(-k),
                         (unsigned long long)w.failures[k]);
                return why;
            }
        }
        if (d.calls != w.calls || d.approved != w.approved || d.non_approved != w.non_approved) {
            snprintf(why, sizeof why, "%s: +%llu calls, +%llu approved, +%llu non-approved; "
                     "want +%llu, +%llu, +%llu", name, (unsigned long long)d.calls,
                     (unsigned long long)d.approved, (unsigned long long)d.non_approved,
                     (unsigned long long)w.calls, (unsigned long long)w.approved,
                     (unsigned long long)w.non_approved);
            return why;
        }
    }
    return NULL;
}

static const uint8_t key32[32] = "counters test key, 32 bytes ...";

static void test_counters_script(void **state)
{
    fm_counters before, after;
    fm_hash_ctx hc;
    fm_hmac_ctx mc;
    fm_aes_key ak;
    fm_aes_gcm_key gk;
    fm_ec_key ek;
    uint8_t out[64], ct[64], tag[16], iv[16], sig[FM_ECDSA_SIG_MAX_LEN], pub[133];
    size_t siglen, publen;
    const char *why;

    tu_begin(state);
    assert_int_equal(fm_counters_snapshot(&before), FM_OK);
    assert_int_equal(before.enabled, 1);
    for (int f = 0; f < FM_SERVICE_COUNT; f++) {
        uint64_t sum = before.service[f].approved + before.service[f].non_approved;
        for (int k = 0; k < FM_ERR_CODES; k++)
            sum += before.service[f].failures[k];
        assert_int_equal(before.service[f].failures[0], 0);
        assert_int_equal(sum, before.service[f].calls);
    }

    /* sha2: 6 approved, one unknown algorithm, one NULL output */
    for (int i = 0; i < 3; i++)
        assert_int_equal(fm_hash(FM_SHA256, "abc", 3, out, sizeof out), FM_OK);
    assert_int_equal(fm_hash(99, "abc", 3, out, sizeof out), FM_ERR_UNSUPPORTED);
    assert_int_equal(fm_hash(FM_SHA256, "abc", 3, NULL, 32), FM_ERR_ARG);
    assert_int_equal(fm_hash_init(&hc, FM_SHA512), FM_OK);
    assert_int_equal(fm_hash_update(&hc, "abc", 3), FM_OK);
    assert_int_equal(fm_hash_final(&hc, out, sizeof out), FM_OK);
    /* hmac: 3 approved, one 64-bit key (not approved), one wrong tag */
    assert_int_equal(fm_hmac(FM_SHA256, key32, 32, "abc", 3, out, 32), FM_OK);
    assert_int_equal(fm_hmac(FM_SHA256, key32, 8, "abc", 3, out, 32), FM_OK);
    assert_int_equal(fm_hmac_init(&mc, FM_SHA256, key32, 32), FM_OK);
    assert_int_equal(fm_hmac_update(&mc, "abd", 3), FM_OK);
    assert_int_equal(fm_hmac_verify(&mc, out, 32), FM_ERR_VERIFY);
    /* aes-key: one approved, one bad length */
    assert_int_equal(fm_aes_init(&ak, key32, 16), FM_OK);
    assert_int_equal(fm_aes_init(&ak, key32, 15), FM_ERR_LENGTH);
    assert_int_equal(fm_aes_init(&ak, key32, 16), FM_OK);
    /* aes-ecb: one approved, one partial block; aes-cbc, aes-ctr: one each */
    assert_int_equal(fm_aes_ecb_encrypt(&ak, key32, out, 32), FM_OK);
    assert_int_equal(fm_aes_ecb_encrypt(&ak, key32, out, 15), FM_ERR_LENGTH);
    memset(iv, 0, sizeof iv);
    assert_int_equal(fm_aes_cbc_encrypt(&ak, iv, key32, out, 32), FM_OK);
    assert_int_equal(fm_aes_ctr(&ak, iv, key32, out, 32), FM_OK);
    /* aes-kw: a wrap, a tampered unwrap, a NULL output */
    assert_int_equal(fm_aes_kw_wrap(&ak, key32, 16, ct), FM_OK);
    ct[3] ^= 1;
    assert_int_equal(fm_aes_kw_unwrap(&ak, ct, 24, out), FM_ERR_VERIFY);
    assert_int_equal(fm_aes_kw_wrap(&ak, key32, 16, NULL), FM_ERR_ARG);
    /* aes-cmac: one approved */
    assert_int_equal(fm_aes_cmac(&ak, key32, 32, tag, 16), FM_OK);
    /* aes-gcm: key (approved), seal with the caller's IV (not approved),
     * open of it (approved), open of a tampered tag, seal with a generated
     * IV (approved) */
    assert_int_equal(fm_aes_gcm_init(&gk, key32, 32), FM_OK);
    assert_int_equal(fm_aes_gcm_seal(&gk, iv, 12, NULL, 0, key32, 32, ct, tag, 16), FM_OK);
    assert_int_equal(fm_aes_gcm_open(&gk, iv, 12, NULL, 0, ct, 32, tag, 16, out), FM_OK);
    tag[0] ^= 1;
    assert_int_equal(fm_aes_gcm_open(&gk, iv, 12, NULL, 0, ct, 32, tag, 16, out), FM_ERR_VERIFY);
    assert_int_equal(fm_aes_gcm_seal_geniv(&gk, iv, NULL, 0, key32, 32, ct, tag, 16), FM_OK);
    /* random: two approved */
    assert_int_equal(fm_random_bytes(out, 32), FM_OK);
    assert_int_equal(fm_random_bytes(out, 0), FM_OK);
    /* ec: a key, its public bytes, a signature, its verification, and a
     * verification of a changed digest */
    assert_int_equal(fm_ec_key_generate(&ek, FM_EC_P256), FM_OK);
    assert_int_equal(fm_ec_key_public_bytes(&ek, 0, pub, sizeof pub, &publen), FM_OK);
    assert_int_equal(fm_ec_key_generate(&ek, 12345), FM_ERR_UNSUPPORTED);
    assert_int_equal(fm_ec_key_generate(&ek, FM_EC_P256), FM_OK);
    assert_int_equal(fm_ecdsa_sign(&ek, FM_SHA256, key32, 32, FM_ECDSA_DER, sig, sizeof sig,
                                   &siglen), FM_OK);
    assert_int_equal(fm_ecdsa_verify(&ek, FM_SHA256, key32, 32, FM_ECDSA_DER, sig, siglen),
                     FM_OK);
    out[0] = key32[0] ^ 1;
    memcpy(out + 1, key32 + 1, 31);
    assert_int_equal(fm_ecdsa_verify(&ek, FM_SHA256, out, 32, FM_ECDSA_DER, sig, siglen),
                     FM_ERR_VERIFY);
    fm_ec_key_wipe(&ek);
    /* status functions, wipes and names are not services: not counted */
    fm_module_status st;
    assert_int_equal(fm_module_status_get(&st), FM_OK);
    fm_hash_wipe(&hc);
    fm_aes_gcm_wipe(&gk);

    assert_int_equal(fm_counters_snapshot(&after), FM_OK);
    static const want_counts want[] = {
        { FM_SERVICE_SHA2, 6, 0, { FM_ERR_UNSUPPORTED, FM_ERR_ARG }, { 1, 1 } },
        { FM_SERVICE_HMAC, 3, 1, { FM_ERR_VERIFY }, { 1 } },
        { FM_SERVICE_AES_KEY, 2, 0, { FM_ERR_LENGTH }, { 1 } },
        { FM_SERVICE_AES_ECB, 1, 0, { FM_ERR_LENGTH }, { 1 } },
        { FM_SERVICE_AES_CBC, 1, 0, { 0 }, { 0 } },
        { FM_SERVICE_AES_CTR, 1, 0, { 0 }, { 0 } },
        { FM_SERVICE_AES_KW, 1, 0, { FM_ERR_VERIFY, FM_ERR_ARG }, { 1, 1 } },
        { FM_SERVICE_AES_CMAC, 1, 0, { 0 }, { 0 } },
        { FM_SERVICE_AES_GCM, 3, 1, { FM_ERR_VERIFY }, { 1 } },
        { FM_SERVICE_RANDOM, 2, 0, { 0 }, { 0 } },
        { FM_SERVICE_EC_KEYGEN, 2, 0, { FM_ERR_UNSUPPORTED }, { 1 } },
        { FM_SERVICE_EC_KEY, 1, 0, { 0 }, { 0 } },
        { FM_SERVICE_ECDSA_SIGN, 1, 0, { 0 }, { 0 } },
        { FM_SERVICE_ECDSA_VERIFY, 1, 0, { FM_ERR_VERIFY }, { 1 } },
    };
    size_t nwant = sizeof want / sizeof want[0];
    uint64_t total = 0;
    why = counters_delta_check(&before, &after, want, nwant);
    if (why != NULL)
        fail_msg("after the scripted calls: %s", why);
    for (size_t i = 0; i < nwant; i++)
        total += want[i].approved + want[i].non_approved + want[i].err_n[0] + want[i].err_n[1] +
                 want[i].err_n[2];
    printf("  %llu scripted calls over %zu families counted exactly\n",
           (unsigned long long)total, nwant);
}

/* Strict mode (in a child: it cannot be turned off): a non-approved call
 * is refused and counted as a failure FM_ERR_NOT_APPROVED. */
static int ch_strict_counts(void)
{
    fm_counters before, after;
    fm_aes_gcm_key gk;
    uint8_t out[32], ct[32], tag[16], iv[12] = { 0 };
    const char *why;

    CH_CHECK(fm_init(FM_INIT_STRICT) == FM_OK, "fm_init(FM_INIT_STRICT)");
    CH_CHECK(fm_counters_snapshot(&before) == FM_OK, "snapshot");
    CH_CHECK(fm_hmac(FM_SHA256, key32, 8, "abc", 3, out, 32) == FM_ERR_NOT_APPROVED,
             "fm_hmac with a 64-bit key in strict mode");
    CH_CHECK(fm_hmac(FM_SHA256, key32, 32, "abc", 3, out, 32) == FM_OK, "fm_hmac");
    CH_CHECK(fm_aes_gcm_init(&gk, key32, 16) == FM_OK, "fm_aes_gcm_init");
    CH_CHECK(fm_aes_gcm_seal(&gk, iv, 12, NULL, 0, key32, 32, ct, tag, 16) ==
             FM_ERR_NOT_APPROVED, "fm_aes_gcm_seal with the caller's IV in strict mode");
    CH_CHECK(fm_counters_snapshot(&after) == FM_OK, "snapshot");
    static const want_counts want[] = {
        { FM_SERVICE_HMAC, 1, 0, { FM_ERR_NOT_APPROVED }, { 1 } },
        { FM_SERVICE_AES_GCM, 1, 0, { FM_ERR_NOT_APPROVED }, { 1 } },
    };
    why = counters_delta_check(&before, &after, want, 2);
    CH_CHECK(why == NULL, "strict mode: %s", why);
    return 0;
}

static void test_counters_strict(void **state)
{
    tu_begin(state);
    in_child(ch_strict_counts, "strict-mode refusals counted");
}

static void test_counters_disable(void **state)
{
    fm_counters before, after;
    uint8_t out[32];

    tu_begin(state);
    assert_int_equal(fm_counters_enable(0), FM_OK);
    assert_int_equal(fm_counters_snapshot(&before), FM_OK);
    assert_int_equal(before.enabled, 0);
    for (int i = 0; i < 10; i++)
        assert_int_equal(fm_hash(FM_SHA256, "abc", 3, out, sizeof out), FM_OK);
    assert_int_equal(fm_hash(99, "abc", 3, out, sizeof out), FM_ERR_UNSUPPORTED);
    assert_int_equal(fm_counters_snapshot(&after), FM_OK);
    assert_true(counters_equal(&before, &after));
    assert_int_equal(fm_counters_enable(1), FM_OK);
    assert_int_equal(fm_counters_enable(2), FM_ERR_ARG);
    assert_int_equal(fm_counters_enable(-1), FM_ERR_ARG);
    assert_int_equal(fm_hash(FM_SHA256, "abc", 3, out, sizeof out), FM_OK);
    assert_int_equal(fm_counters_snapshot(&after), FM_OK);
    assert_int_equal(after.enabled, 1);
    assert_int_equal(after.service[FM_SERVICE_SHA2].approved,
                     before.service[FM_SERVICE_SHA2].approved + 1);
    assert_int_equal(fm_counters_snapshot(NULL), FM_ERR_ARG);
}

#define THREADS 8
#define THREAD_CALLS 20000

static void *hash_thread(void *arg)
{
    uint8_t out[32];

    (void)arg;
    for (int i = 0; i < THREAD_CALLS; i++)
        if (fm_hash(FM_SHA256, "abc", 3, out, sizeof out) != FM_OK)
            return (void *)1;
    return NULL;
}

/* Ten rounds of 8 new threads: the first threads of the process count in
 * shards of their own, the later ones (past the 63rd) in the shared one,
 * with atomic adds; every round must count exactly. */
#define ROUNDS 10

static void test_counters_threads(void **state)
{
    fm_counters before, after;
    pthread_t t[THREADS];
    void *ret;

    tu_begin(state);
    for (int round = 0; round < ROUNDS; round++) {
        assert_int_equal(fm_counters_snapshot(&before), FM_OK);
        for (int i = 0; i < THREADS; i++)
            assert_int_equal(pthread_create(&t[i], NULL, hash_thread, NULL), 0);
        for (int i = 0; i < THREADS; i++) {
            assert_int_equal(pthread_join(t[i], &ret), 0);
            assert_null(ret);
        }
        assert_int_equal(fm_counters_snapshot(&after), FM_OK);
        if (after.service[FM_SERVICE_SHA2].approved - before.service[FM_SERVICE_SHA2].approved !=
                (uint64_t)THREADS * THREAD_CALLS ||
            after.service[FM_SERVICE_SHA2].calls - before.service[FM_SERVICE_SHA2].calls !=
                (uint64_t)THREADS * THREAD_CALLS)
            fail_msg("round %d: %llu calls counted, want %d", round,
                     (unsigned long long)(after.service[FM_SERVICE_SHA2].calls -
                                          before.service[FM_SERVICE_SHA2].calls),
                     THREADS * THREAD_CALLS);
    }
    printf("  %d rounds of %d new threads x %d fm_hash calls (threads past the 63rd share a "
           "shard): all counted\n", ROUNDS, THREADS, THREAD_CALLS);
}

static void test_names(void **state)
{
    const char *n, *names[FM_SERVICE_COUNT];

    tu_begin(state);
    for (int f = 0; f < FM_SERVICE_COUNT; f++) {
        assert_int_equal(fm_service_name(f, &names[f]), FM_OK);
        assert_true(names[f][0] != '\0' && strcmp(names[f], "unknown") != 0);
        for (int g = 0; g < f; g++)
            assert_string_not_equal(names[f], names[g]);
    }
    assert_string_equal(names[FM_SERVICE_AES_GCM], "aes-gcm");
    assert_int_equal(fm_service_name(FM_SERVICE_COUNT, &n), FM_ERR_ARG);
    assert_string_equal(n, "unknown");
    assert_int_equal(fm_service_name(-1, &n), FM_ERR_ARG);
    assert_int_equal(fm_service_name(0, NULL), FM_ERR_ARG);
    for (int t = FM_EVENT_POWER_UP_START; t <= FM_EVENT_DRBG_RESEED; t++) {
        assert_int_equal(fm_event_name(t, &n), FM_OK);
        assert_string_not_equal(n, "unknown");
    }
    assert_int_equal(fm_event_name(0, &n), FM_ERR_ARG);
    assert_string_equal(n, "unknown");
    assert_int_equal(fm_event_name(FM_EVENT_DRBG_RESEED + 1, &n), FM_ERR_ARG);
    assert_int_equal(fm_event_name(1, NULL), FM_ERR_ARG);
}

int main(void)
{
    tu_init("test_monitor");
    /* The replay test must come first (it compares the record with
     * self-test times that fm_selftest overwrites), and the first-use
     * test must come before fm_selftest runs the deferred tests. */
    tu_add(&suite, test_power_up_replay, NULL, "power-up record replayed to a new callback");
    tu_add(&suite, test_first_use_events, NULL, "deferred self-tests raise events at first use");
    tu_add(&suite, test_selftest_events, NULL, "fm_selftest raises an event per self-test");
    tu_add(&suite, test_caller_drbg_events, NULL, "caller DRBG: instantiate, reseed, PR events");
    tu_add(&suite, test_module_drbg_events, NULL, "module DRBG: fresh seed after fork, interval");
    tu_add(&suite, test_callback_reentry, NULL, "the callback cannot re-enter the module");
    tu_add(&suite, test_counters_script, NULL, "counters match a scripted sequence of calls");
    tu_add(&suite, test_counters_strict, NULL, "strict-mode refusals counted as failures");
    tu_add(&suite, test_counters_disable, NULL, "fm_counters_enable(0) stops counting");
    tu_add(&suite, test_counters_threads, NULL, "counters lose nothing: 80 threads, 8 at a time");
    tu_add(&suite, test_names, NULL, "service family and event names");
    return tu_run(&suite, "test_monitor");
}
