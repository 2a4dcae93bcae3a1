/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The module state machine (FIPS 140-3 section 7.11, ISO/IEC 19790 7.11):
 * UNINITIALISED -> SELF_TEST -> OPERATIONAL, with any self-test failure
 * latching ERROR for the life of the process. Also the status services and
 * the per-thread approved-service indicator (fipsmod/module.h).
 *
 * Power-up runs once: the first caller (the library constructor, fm_init,
 * or the first service) takes the module lock, moves UNINITIALISED to
 * SELF_TEST and runs the tests; any other thread waits for the lock. The
 * state is SELF_TEST only while the thread running the tests holds the
 * lock, so a thread that gets the lock and still finds SELF_TEST knows
 * the runner is gone: that happens only in a child forked while a thread
 * of its parent ran the tests (the lock is a fork_safe_lock, entropy.c,
 * which the child takes over), and the child runs power-up itself instead
 * of waiting forever. Every cryptographic service starts with
 * service_enter(), which powers up when needed and refuses unless the
 * state is OPERATIONAL, and ends with service_exit(), which records in the
 * indicator whether it succeeded as an approved service.
 */
#include "internal.h"
#include "glue.h"

/*
 * The self-tests fm_selftest_get lists: selftest.c's, in its order, then
 * the entropy source's start-up test (SP 800-90B 4.3 item 11; entropy.c),
 * which runs after the known-answer tests and before OPERATIONAL.
 */
#define POWERUP_ENTROPY_STARTUP SELFTEST_COUNT
#define POWERUP_TEST_COUNT      (SELFTEST_COUNT + 1)

_Static_assert(POWERUP_TEST_COUNT <= MODULE_MAX_SELFTESTS, "state table too small");

static const char *module_test_name(int i)
{
    return i == POWERUP_ENTROPY_STARTUP ? ENTROPY_STARTUP_TEST_NAME : selftest_name(i);
}

/* fm_module_status.reason: selftest.c's REASON_* and internal.h's
 * MODULE_REASON_*. */
static const char *module_reason_text(int reason)
{
    switch (reason) {
    case MODULE_REASON_ENTROPY_HEALTH: return "entropy health test failed";
    case MODULE_REASON_RSA_PCT:        return "RSA pairwise consistency test failed on a "
                                              "generated key";
    case MODULE_REASON_ECDSA_PCT:      return "ECDSA pairwise consistency test failed on a "
                                              "generated key";
    case MODULE_REASON_ENTROPY_SOURCE: return "entropy source failed: the OS noise source "
                                              "returned no data";
    default:                           return selftest_reason_text(reason);
    }
}

static uint32_t module_state_now(void)
{
    return __atomic_load_n(&fm_glue_vars()->state, __ATOMIC_ACQUIRE);
}

/* The lock serialises self-test runs (power-up and fm_selftest). It is a
 * fork_safe_lock: a child forked while a thread of its parent held it
 * (during fm_selftest, say) takes it over instead of hanging. */
static void module_lock(void)
{
    fork_safe_lock(&fm_glue_vars()->lock);
}

static void module_unlock(void)
{
    fork_safe_unlock(&fm_glue_vars()->lock);
}

/* Move to new_state (not ERROR: module_enter_error) and say so. */
static void module_set_state(uint32_t new_state)
{
    uint32_t old = __atomic_exchange_n(&fm_glue_vars()->state, new_state, __ATOMIC_ACQ_REL);

    if (old != new_state)
        event_state_change(old, new_state, FM_OK, "");
}

/* Latch ERROR, then zeroise the module's own secret state (FIPS 140-3
 * AS09.28): the primary DRBG of fm_random_bytes (random.c), wiped under
 * its lock once the state is ERROR, so no call can use or reseed it
 * afterwards. (The self-tests wipe their own keys before returning.) The
 * state-change event follows whatever event reported the failure. */
static void module_enter_error(int err, int test)
{
    struct module_vars *v = fm_glue_vars();
    uint32_t old;

    v->error = err;
    v->failed_test = test;
    old = __atomic_exchange_n(&v->state, FM_STATE_ERROR, __ATOMIC_SEQ_CST);
    random_zeroise_primary();
    if (old != FM_STATE_ERROR)
        event_state_change(old, FM_STATE_ERROR, err, module_reason_text(v->failed_reason));
}

/* The conditional tests' names in events (module_enter_error_reason). */
static const char *module_reason_test(int reason)
{
    switch (reason) {
    case MODULE_REASON_ENTROPY_HEALTH: return "entropy-health";
    case MODULE_REASON_ENTROPY_SOURCE: return "entropy-source";
    case MODULE_REASON_RSA_PCT:        return "rsa-pct";
    case MODULE_REASON_ECDSA_PCT:      return "ecdsa-pct";
    default:                           return "unknown";
    }
}

/* see internal.h. The first latch wins: an error state already entered
 * keeps its error and reason. Takes no lock (the module lock may be held
 * by this very thread during a self-test run). */
static void module_enter_error_reason(int err, int reason)
{
    if (module_state_now() == FM_STATE_ERROR)
        return;
    event_conditional_failure(module_reason_test(reason), err, module_reason_text(reason));
    fm_glue_vars()->failed_reason = reason;
    module_enter_error(err, -1);
}

/* The entropy source's start-up test as the last power-up self-test. Its
 * failure is a failed self-test (FM_ERR_SELFTEST, as fm_init documents),
 * named "entropy-startup", with the entropy source's reason. */
static int selftest_run_entropy_startup(int trigger)
{
    struct module_vars *v = fm_glue_vars();
    uint64_t t0 = fm_glue_now_us();
    int reason;
    int rc = entropy_startup(&reason);

    v->test_us[POWERUP_ENTROPY_STARTUP] = fm_glue_now_us() - t0;
    v->test_result[POWERUP_ENTROPY_STARTUP] = rc == FM_OK ? FM_SELFTEST_PASS : FM_SELFTEST_FAIL;
    event_selftest(ENTROPY_STARTUP_TEST_NAME, v->test_result[POWERUP_ENTROPY_STARTUP], trigger,
                   v->test_us[POWERUP_ENTROPY_STARTUP], rc == FM_OK ? FM_OK : FM_ERR_SELFTEST,
                   rc == FM_OK ? "" : module_reason_text(reason));
    if (rc != FM_OK) {
        v->failed_reason = reason;
        module_enter_error(FM_ERR_SELFTEST, POWERUP_ENTROPY_STARTUP);
        return FM_ERR_SELFTEST;
    }
    return FM_OK;
}

/* Run self-test i (why: FM_TRIGGER_*) with its bookkeeping and events; a
 * failure latches ERROR, after the events that report it. Holds the lock. */
static int selftest_run_one(int i, int trigger)
{
    struct module_vars *v = fm_glue_vars();
    uint64_t t0 = fm_glue_now_us();
    int reason;
    int rc = selftest_run(i, &reason);

    v->test_us[i] = fm_glue_now_us() - t0;
    v->test_result[i] = rc == FM_OK ? FM_SELFTEST_PASS : FM_SELFTEST_FAIL;
    event_selftest(selftest_name(i), v->test_result[i], trigger, v->test_us[i], rc,
                   rc == FM_OK ? "" : module_reason_text(reason));
    if (rc != FM_OK && i == SELFTEST_INTEGRITY)
        event_integrity_failure(fm_glue_expected_hmac(), v->integrity_computed,
                                module_reason_text(reason));
    if (rc != FM_OK) {
        v->failed_reason = reason;
        module_enter_error(rc, i);
    }
    return rc;
}

/* Run the self-tests in order; the first failure stops the run. At power
 * up the deferred ones are only marked FM_SELFTEST_DEFERRED (they run
 * before the first use of their algorithm, module_cast_ensure); on demand
 * (fm_selftest) every test runs. Holds the lock. Returns FM_OK or the
 * failing test's error. */
static int selftest_run_all(int power_up)
{
    struct module_vars *v = fm_glue_vars();

    for (int i = 0; i < SELFTEST_COUNT; i++) {
        int rc;

        if (power_up && selftest_deferred(i)) {
            v->test_us[i] = 0;
            v->test_result[i] = FM_SELFTEST_DEFERRED;
            event_selftest(selftest_name(i), FM_SELFTEST_DEFERRED, FM_TRIGGER_POWER_UP, 0, FM_OK,
                           "");
            continue;
        }
        rc = selftest_run_one(i, power_up ? FM_TRIGGER_POWER_UP : FM_TRIGGER_ON_DEMAND);
        if (rc != FM_OK)
            return rc;
    }
    if (!power_up)
        __atomic_store_n(&v->deferred_done, CAST_ALL, __ATOMIC_RELEASE);
    return selftest_run_entropy_startup(power_up ? FM_TRIGGER_POWER_UP : FM_TRIGGER_ON_DEMAND);
}

/* see internal.h */
static int module_cast_ensure(unsigned family)
{
    struct module_vars *v = fm_glue_vars();
    int rc = FM_OK;

    MODULE_ATOMIC_WORD(&v->deferred_done);
    if (__atomic_load_n(&v->deferred_done, __ATOMIC_ACQUIRE) & family)
        return FM_OK;
    module_lock();
    if (!(__atomic_load_n(&v->deferred_done, __ATOMIC_ACQUIRE) & family)) {
        for (int i = 0; i < SELFTEST_COUNT && rc == FM_OK; i++)
            if (selftest_deferred(i) == family)
                rc = selftest_run_one(i, FM_TRIGGER_FIRST_USE);
        if (rc == FM_OK)
            __atomic_fetch_or(&v->deferred_done, family, __ATOMIC_RELEASE);
    }
    module_unlock();
    return module_state_now() == FM_STATE_OPERATIONAL ? FM_OK : FM_ERR_STATE;
}

/* Power-up: SELF_TEST, the tests, then OPERATIONAL or ERROR, each step
 * raised as an event and recorded for a later callback. Module lock held. */
static void module_power_up_locked(void)
{
    struct module_vars *v = fm_glue_vars();
    uint64_t t0 = fm_glue_now_us();

    event_power_up_start();
    v->failed_test = -1;
    module_set_state(FM_STATE_SELF_TEST);
    cpu_init_once();
    int rc = selftest_run_all(1);
    v->power_up_us = fm_glue_now_us() - t0;
    if (rc == FM_OK)
        module_set_state(FM_STATE_OPERATIONAL);
    event_power_up_end(rc, v->power_up_us);
}

/* FM_OK once the module is OPERATIONAL (powering it up if nobody has),
 * FM_ERR_STATE otherwise. See the top of the file. */
static int module_ready(void)
{
    uint32_t s = module_state_now();

    if (s == FM_STATE_OPERATIONAL)
        return FM_OK;
    if (s == FM_STATE_UNINITIALISED || s == FM_STATE_SELF_TEST) {
        module_lock();
        s = module_state_now();
        if (s == FM_STATE_UNINITIALISED || s == FM_STATE_SELF_TEST)
            module_power_up_locked();
        module_unlock();
        s = module_state_now();
    }
    return s == FM_STATE_OPERATIONAL ? FM_OK : FM_ERR_STATE;
}

/* First call of every cryptographic service, of family `service`
 * (FM_SERVICE_*). Refused, changing nothing, inside an event callback. */
static int service_enter(int service)
{
    struct glue_thread *t = fm_glue_thread();

    if (t->in_event)
        return FM_ERR_STATE;
    t->indicator = 0;
    t->service = (uint8_t)(service + 1);
    return module_ready();
}

/* Last call of every cryptographic service: records the indicator and
 * counts the call (monitor.c). */
static int service_exit(int rc, int approved)
{
    struct glue_thread *t = fm_glue_thread();

    if (t->in_event)
        return rc;
    t->indicator = rc == FM_OK && approved;
    counters_add(t, rc, approved);
    return rc;
}

/* Strict mode refuses services that are not approved. */
static int module_strict(void)
{
    return (__atomic_load_n(&fm_glue_vars()->flags, __ATOMIC_RELAXED) & FM_INIT_STRICT) != 0;
}

/* see fipsmod/common.h */
int fm_init(uint32_t flags)
{
    struct module_vars *v = fm_glue_vars();

    if (flags & ~FM_INIT_STRICT)
        return FM_ERR_ARG;
    if (fm_glue_thread()->in_event)
        return FM_ERR_STATE; /* see fipsmod/monitor.h */
    __atomic_fetch_or(&v->flags, flags, __ATOMIC_RELAXED);
    if (module_ready() == FM_OK)
        return FM_OK;
    return v->error != FM_OK ? v->error : FM_ERR_STATE;
}

/* see fipsmod/module.h */
int fm_selftest(void)
{
    int rc = fm_glue_thread()->in_event ? FM_ERR_STATE : module_ready();

    if (rc != FM_OK)
        return rc;
    /* The state stays OPERATIONAL while the tests run, so other threads'
     * services are not interrupted; a failure latches ERROR. */
    module_lock();
    rc = selftest_run_all(0);
    module_unlock();
    return rc;
}

/* see fipsmod/module.h */
int fm_module_state(int *state)
{
    if (state == NULL)
        return FM_ERR_ARG;
    *state = (int)module_state_now();
    return FM_OK;
}

/* see fipsmod/module.h */
int fm_module_status_get(fm_module_status *st)
{
    struct module_vars *v = fm_glue_vars();
    const uint8_t *hmac = fm_glue_expected_hmac();

    if (st == NULL)
        return FM_ERR_ARG;
    st->state = (int)module_state_now();
    st->error = st->state == FM_STATE_ERROR ? v->error : FM_OK;
    st->failed_test = st->state == FM_STATE_ERROR && v->failed_test >= 0
                          ? module_test_name(v->failed_test) : NULL;
    st->reason = st->state == FM_STATE_ERROR ? module_reason_text(v->failed_reason) : "";
    st->flags = __atomic_load_n(&v->flags, __ATOMIC_RELAXED);
    copy_bytes(st->module_hmac, hmac, FM_MODULE_HMAC_LEN);
    st->module_size = integrity_range_len();
    st->power_up_us = v->power_up_us;
#if defined(__SANITIZE_ADDRESS__)
    st->integrity_skipped = 1;
#else
    st->integrity_skipped = 0;
#endif
    return FM_OK;
}

/* see fipsmod/module.h */
int fm_selftest_count(size_t *n)
{
    if (n == NULL)
        return FM_ERR_ARG;
    *n = POWERUP_TEST_COUNT;
    return FM_OK;
}

/* see fipsmod/module.h */
int fm_selftest_get(size_t i, fm_selftest_result *r)
{
    struct module_vars *v = fm_glue_vars();

    if (r == NULL || i >= POWERUP_TEST_COUNT)
        return FM_ERR_ARG;
    r->name = module_test_name((int)i);
    r->result = v->test_result[i];
    r->us = v->test_us[i];
    return FM_OK;
}

/* see fipsmod/module.h */
int fm_service_approved(int *approved)
{
    if (approved == NULL)
        return FM_ERR_ARG;
    *approved = fm_glue_thread()->indicator;
    return FM_OK;
}
