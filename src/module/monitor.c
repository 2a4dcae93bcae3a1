/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the module tells its operator (fipsmod/monitor.h): the event
 * callback with the record of the last power-up, and the per-family
 * service counters. FIPS 140-3 asks for status output (ISO/IEC 19790
 * 7.3.3: the module's status and the result of each self-test, 7.10.1:
 * self-test failure indicated); this file carries that to the caller as it
 * happens, and counts approved and non-approved use (7.4.3, the service
 * indicator) per service.
 *
 * Events. module_event() reads the callback through a sequence lock (the
 * function and its argument change together, under the module lock) and
 * calls it with the thread's in_event flag set: every entry point that
 * could change module state (service_enter, fm_init, fm_selftest,
 * fm_set_event_callback) refuses while the flag is set, so a callback
 * cannot re-enter a power-up, a self-test run or a DRBG that holds its
 * lock around the call. During power-up each event is also appended to a
 * record in the module's state, replayed to a callback installed later.
 * Events carry names, results, times, states and the public module HMAC:
 * never a key, a seed or a DRBG output.
 *
 * Counters. service_exit() adds one to the slot of (family, outcome) in
 * the calling thread's shard, and a snapshot sums the shards. The first
 * COUNTER_SHARDS - 1 threads that count each get a shard of their own,
 * which only they write: a plain load and store (atomic, so a snapshot
 * never reads a torn word), no locked instruction, no cache line shared
 * with another writer. Every later thread shares the last shard, where the
 * add is a locked (atomic read-modify-write) one, so no count is ever
 * lost. A shard is never handed back (the module learns nothing of thread
 * exits): a program that starts many short-lived threads ends up counting
 * on the shared shard, correctly, a little slower. The outcome is public
 * (the service's return code and its approved status).
 */
#include "internal.h"
#include "glue.h"

/* state.c: the lock of power-up and self-test runs. */
static void module_lock(void);
static void module_unlock(void);

/* ---- events ------------------------------------------------------------- */

/* The callback and its argument, consistent with each other: retried
 * while fm_set_event_callback changes them (event_seq odd, or moved). */
static void event_callback_load(fm_event_fn *fn, void **user)
{
    struct module_vars *v = fm_glue_vars();
    uint32_t s1, s2;
    uintptr_t f, u;

    MODULE_ATOMIC_WORD(&v->event_seq);
    MODULE_ATOMIC_WORD(&v->event_fn);
    MODULE_ATOMIC_WORD(&v->event_user);
    for (;;) {
        s1 = __atomic_load_n(&v->event_seq, __ATOMIC_ACQUIRE);
        if (s1 & 1) {
            fm_glue_yield();
            continue;
        }
        f = __atomic_load_n(&v->event_fn, __ATOMIC_RELAXED);
        u = __atomic_load_n(&v->event_user, __ATOMIC_RELAXED);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        s2 = __atomic_load_n(&v->event_seq, __ATOMIC_RELAXED);
        if (s1 == s2)
            break;
    }
    *fn = (fm_event_fn)f;
    *user = (void *)u;
}

/* Deliver e to fn with the thread marked as inside a callback. */
static void event_deliver(fm_event_fn fn, void *user, const fm_event *e)
{
    struct glue_thread *t = fm_glue_thread();

    t->in_event = 1;
    fn(e, user);
    t->in_event = 0;
}

/* Raise event e (its time is set here): record it if power-up is running
 * on this thread, then hand it to the callback, if any. */
static void module_event(fm_event *e)
{
    struct module_vars *v = fm_glue_vars();
    fm_event_fn fn;
    void *user;

    e->time_us = fm_glue_now_us();
    e->replayed = 0;
    if (e->reason == NULL)
        e->reason = "";
    if (v->event_log_on && v->event_log_len < MODULE_EVENT_LOG_MAX)
        copy_bytes(&v->event_log[v->event_log_len++], e, sizeof *e);
    if (fm_glue_thread()->in_event)
        return; /* cannot happen: the callback cannot reach module code that raises events */
    event_callback_load(&fn, &user);
    if (fn != NULL)
        event_deliver(fn, user, e);
}

/* An event of `type` with every other field empty. */
static void event_init(fm_event *e, int type)
{
    wipe(e, sizeof *e);
    e->type = type;
    e->reason = "";
}

/* Power-up starts (module lock held): a new record begins. */
static void event_power_up_start(void)
{
    struct module_vars *v = fm_glue_vars();
    fm_event e;

    v->event_log_len = 0;
    v->event_log_on = 1;
    event_init(&e, FM_EVENT_POWER_UP_START);
    module_event(&e);
}

/* Power-up has ended with rc after us microseconds; the record closes. */
static void event_power_up_end(int rc, uint64_t us)
{
    fm_event e;

    event_init(&e, FM_EVENT_POWER_UP_END);
    e.error = rc;
    e.us = us;
    module_event(&e);
    fm_glue_vars()->event_log_on = 0;
}

static void event_state_change(uint32_t old_state, uint32_t new_state, int err,
                               const char *reason)
{
    fm_event e;

    event_init(&e, FM_EVENT_STATE_CHANGE);
    e.old_state = (int)old_state;
    e.new_state = (int)new_state;
    e.error = err;
    e.reason = reason;
    module_event(&e);
}

static void event_selftest(const char *name, int result, int trigger, uint64_t us, int err,
                           const char *reason)
{
    fm_event e;

    event_init(&e, FM_EVENT_SELFTEST);
    e.name = name;
    e.result = result;
    e.trigger = trigger;
    e.us = us;
    e.error = err;
    e.reason = reason;
    module_event(&e);
}

static void event_integrity_failure(const uint8_t *expected, const uint8_t *computed,
                                    const char *reason)
{
    fm_event e;

    event_init(&e, FM_EVENT_INTEGRITY_FAILURE);
    copy_bytes(e.expected_hmac, expected, FM_MODULE_HMAC_LEN);
    copy_bytes(e.computed_hmac, computed, FM_MODULE_HMAC_LEN);
    e.error = FM_ERR_INTEGRITY;
    e.reason = reason;
    module_event(&e);
}

static void event_conditional_failure(const char *name, int err, const char *reason)
{
    fm_event e;

    event_init(&e, FM_EVENT_CONDITIONAL_FAILURE);
    e.name = name;
    e.error = err;
    e.reason = reason;
    module_event(&e);
}

/* A DRBG was seeded or reseeded (FM_DRBG_*, FM_RESEED_*). */
static void event_drbg_reseed(int drbg, int cause)
{
    fm_event e;

    event_init(&e, FM_EVENT_DRBG_RESEED);
    e.drbg = drbg;
    e.cause = cause;
    module_event(&e);
}

/* see fipsmod/monitor.h */
int fm_set_event_callback(fm_event_fn fn, void *user)
{
    struct module_vars *v = fm_glue_vars();
    uint32_t seq;

    if (fm_glue_thread()->in_event)
        return FM_ERR_STATE;
    /* The lock keeps a power-up or self-test run from adding to the
     * record or raising events between the replay and the switch. */
    module_lock();
    if (fn != NULL) {
        for (uint32_t i = 0; i < v->event_log_len; i++) {
            fm_event e;

            copy_bytes(&e, &v->event_log[i], sizeof e);
            e.replayed = 1;
            event_deliver(fn, user, &e);
        }
    }
    seq = v->event_seq;
    __atomic_store_n(&v->event_seq, seq + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&v->event_fn, (uintptr_t)fn, __ATOMIC_RELAXED);
    __atomic_store_n(&v->event_user, (uintptr_t)user, __ATOMIC_RELAXED);
    __atomic_store_n(&v->event_seq, seq + 2, __ATOMIC_RELEASE);
    module_unlock();
    return FM_OK;
}

/* see fipsmod/monitor.h */
int fm_event_name(int type, const char **name)
{
    if (name == NULL)
        return FM_ERR_ARG;
    switch (type) {
    case FM_EVENT_POWER_UP_START:      *name = "power-up-start"; return FM_OK;
    case FM_EVENT_POWER_UP_END:        *name = "power-up-end"; return FM_OK;
    case FM_EVENT_SELFTEST:            *name = "selftest"; return FM_OK;
    case FM_EVENT_STATE_CHANGE:        *name = "state-change"; return FM_OK;
    case FM_EVENT_INTEGRITY_FAILURE:   *name = "integrity-failure"; return FM_OK;
    case FM_EVENT_CONDITIONAL_FAILURE: *name = "conditional-failure"; return FM_OK;
    case FM_EVENT_DRBG_RESEED:         *name = "drbg-reseed"; return FM_OK;
    default:                           *name = "unknown"; return FM_ERR_ARG;
    }
}

/* ---- counters ----------------------------------------------------------- */

/* The calling thread's shard + 1: one of its own while any is left (the
 * claim count saturates, so it never wraps round to an owned one), else
 * the shared one, COUNTER_SHARDS. */
static uint8_t counters_claim_shard(void)
{
    uint32_t *next = &fm_glue_vars()->counters_next_shard;
    uint32_t n;

    MODULE_ATOMIC_WORD(next);
    n = __atomic_load_n(next, __ATOMIC_RELAXED);
    while (n < COUNTER_SHARDS - 1 &&
           !__atomic_compare_exchange_n(next, &n, n + 1, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        ;
    return (uint8_t)(n < COUNTER_SHARDS - 1 ? n + 1 : COUNTER_SHARDS);
}

/* One call of the thread's current service ended with rc (public). */
static void counters_add(struct glue_thread *t, int rc, int approved)
{
    struct module_vars *v = fm_glue_vars();
    unsigned slot, shard, service = t->service;

    /* The outcome is what the service returns to its caller (a tag check's
     * verdict, say): public from here on, where it first picks an address
     * (the ctgrind build checks that nothing before depends on it). */
    FM_PUBLIC(&rc, sizeof rc);
    FM_PUBLIC(&approved, sizeof approved);
    t->service = 0;
    MODULE_ATOMIC_WORD(&v->counters_off);
    if (service == 0 || __atomic_load_n(&v->counters_off, __ATOMIC_RELAXED))
        return;
    if (rc == FM_OK)
        slot = approved ? 0 : COUNTER_NON_APPROVED;
    else if (rc < 0 && rc > -FM_ERR_CODES)
        slot = (unsigned)-rc;
    else
        slot = (unsigned)-FM_ERR_INTERNAL; /* not an FM_ERR_* code: cannot happen */
    shard = t->shard;
    if (shard == 0)
        shard = t->shard = counters_claim_shard();
    uint64_t *p = &v->counters[shard - 1][service - 1][slot];
    MODULE_ATOMIC_WORD(p);
    if (shard < COUNTER_SHARDS)
        __atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
    else
        __atomic_fetch_add(p, 1, __ATOMIC_RELAXED);
}

/* see fipsmod/monitor.h */
int fm_counters_snapshot(fm_counters *c)
{
    struct module_vars *v = fm_glue_vars();

    if (c == NULL)
        return FM_ERR_ARG;
    c->enabled = !__atomic_load_n(&v->counters_off, __ATOMIC_RELAXED);
    for (int f = 0; f < FM_SERVICE_COUNT; f++) {
        fm_service_counters *s = &c->service[f];
        uint64_t slot[COUNTER_SLOTS];

        for (int j = 0; j < COUNTER_SLOTS; j++) {
            slot[j] = 0;
            for (int k = 0; k < COUNTER_SHARDS; k++)
                slot[j] += __atomic_load_n(&v->counters[k][f][j], __ATOMIC_RELAXED);
        }
        s->approved = slot[0];
        s->non_approved = slot[COUNTER_NON_APPROVED];
        s->failures[0] = 0;
        s->calls = s->approved + s->non_approved;
        for (int j = 1; j < FM_ERR_CODES; j++) {
            s->failures[j] = slot[j];
            s->calls += slot[j];
        }
    }
    return FM_OK;
}

/* see fipsmod/monitor.h */
int fm_counters_enable(int on)
{
    if (on != 0 && on != 1)
        return FM_ERR_ARG;
    __atomic_store_n(&fm_glue_vars()->counters_off, (uint32_t)!on, __ATOMIC_RELAXED);
    return FM_OK;
}

/* see fipsmod/monitor.h */
int fm_service_name(int service, const char **name)
{
    if (name == NULL)
        return FM_ERR_ARG;
    switch (service) {
    case FM_SERVICE_SHA2:          *name = "sha2"; return FM_OK;
    case FM_SERVICE_HMAC:          *name = "hmac"; return FM_OK;
    case FM_SERVICE_AES_KEY:       *name = "aes-key"; return FM_OK;
    case FM_SERVICE_AES_ECB:       *name = "aes-ecb"; return FM_OK;
    case FM_SERVICE_AES_CBC:       *name = "aes-cbc"; return FM_OK;
    case FM_SERVICE_AES_CTR:       *name = "aes-ctr"; return FM_OK;
    case FM_SERVICE_AES_GCM:       *name = "aes-gcm"; return FM_OK;
    case FM_SERVICE_AES_CMAC:      *name = "aes-cmac"; return FM_OK;
    case FM_SERVICE_AES_KW:        *name = "aes-kw"; return FM_OK;
    case FM_SERVICE_DRBG:          *name = "drbg"; return FM_OK;
    case FM_SERVICE_RANDOM:        *name = "random"; return FM_OK;
    case FM_SERVICE_RSA_KEYGEN:    *name = "rsa-keygen"; return FM_OK;
    case FM_SERVICE_RSA_KEY:       *name = "rsa-key"; return FM_OK;
    case FM_SERVICE_RSA_SIGN:      *name = "rsa-sign"; return FM_OK;
    case FM_SERVICE_RSA_VERIFY:    *name = "rsa-verify"; return FM_OK;
    case FM_SERVICE_RSA_OAEP:      *name = "rsa-oaep"; return FM_OK;
    case FM_SERVICE_RSA_PRIMITIVE: *name = "rsa-primitive"; return FM_OK;
    case FM_SERVICE_EC_KEYGEN:     *name = "ec-keygen"; return FM_OK;
    case FM_SERVICE_EC_KEY:        *name = "ec-key"; return FM_OK;
    case FM_SERVICE_ECDSA_SIGN:    *name = "ecdsa-sign"; return FM_OK;
    case FM_SERVICE_ECDSA_VERIFY:  *name = "ecdsa-verify"; return FM_OK;
    default:                       *name = "unknown"; return FM_ERR_ARG;
    }
}
