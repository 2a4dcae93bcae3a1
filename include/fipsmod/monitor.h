/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Watching the module run: events and service counters.
 *
 * Events. fm_set_event_callback() installs one function that the module
 * calls when something an operator must see happens: power-up start and
 * end, each self-test with its result and duration, every state change,
 * an integrity failure (the expected and the computed module HMAC), a
 * failed conditional test (pairwise consistency, entropy health) and DRBG
 * reseeds. An event never carries secret material.
 *
 * The module powers up when the library is loaded, before an application
 * can install a callback. So the module keeps the record of its last
 * power-up, and fm_set_event_callback() first delivers that record to the
 * new callback, in order, with `replayed` = 1 and the times at which the
 * events happened; every later event is delivered as it happens. A
 * callback installed from another library's constructor before power-up
 * sees the power-up live (replayed = 0).
 *
 * What the callback may do. It runs on the thread where the event
 * happened, while the module holds the lock of the operation that raised
 * it (power-up, a self-test run, the DRBG of fm_random_bytes); keep it
 * short (copy the event, wake a logger). From inside the callback:
 *  - these work: fm_module_status_get, fm_module_state, fm_selftest_count,
 *    fm_selftest_get, fm_service_approved, fm_counters_snapshot,
 *    fm_service_name, fm_event_name, fm_error_name, fm_version,
 *    fm_impl_name;
 *  - everything else that enters the module is refused with FM_ERR_STATE
 *    (outputs zeroed as usual) and changes nothing: every cryptographic
 *    service, fm_init, fm_selftest, fm_set_event_callback. A refused call
 *    neither counts nor touches the thread's service indicator.
 * The pointers in the event (names, reasons) are static; the event itself
 * lives only during the call.
 *
 * Counters. Every call of a cryptographic service (those that set the
 * service indicator) is counted under its service family, in exactly one
 * of: approved (it succeeded as an approved service: the indicator is 1),
 * non-approved (it succeeded as a non-approved service), or failed, by
 * error code (a strict-mode refusal is a failure with FM_ERR_NOT_APPROVED;
 * a call in the error state one with FM_ERR_STATE). Counting costs one
 * add per call, without a lock: the first 63 threads that count each have
 * slots of their own, later threads share slots with atomic adds (README
 * gives the measured cost). fm_counters_snapshot() reads them; the counts
 * only grow while the process lives.
 */
#ifndef FIPSMOD_MONITOR_H
#define FIPSMOD_MONITOR_H

#include "common.h"
#include "module.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- events ------------------------------------------------------------- */

#define FM_EVENT_POWER_UP_START      1
#define FM_EVENT_POWER_UP_END        2 /* error: fm_init's result; us: power-up time */
#define FM_EVENT_SELFTEST            3 /* name, result, trigger, us (and error, reason on FAIL) */
#define FM_EVENT_STATE_CHANGE        4 /* old_state, new_state (error, reason into ERROR) */
#define FM_EVENT_INTEGRITY_FAILURE   5 /* expected_hmac, computed_hmac, reason */
#define FM_EVENT_CONDITIONAL_FAILURE 6 /* name ("rsa-pct", ...), error, reason */
#define FM_EVENT_DRBG_RESEED         7 /* drbg, cause */

/* FM_EVENT_SELFTEST: why the test ran. */
#define FM_TRIGGER_POWER_UP  0 /* the power-up self-tests (result DEFERRED: not yet) */
#define FM_TRIGGER_FIRST_USE 1 /* a deferred test, before its algorithm's first use */
#define FM_TRIGGER_ON_DEMAND 2 /* fm_selftest() */

/* FM_EVENT_DRBG_RESEED: which DRBG, and why. */
#define FM_DRBG_MODULE 0 /* the module's DRBG behind fm_random_bytes */
#define FM_DRBG_CALLER 1 /* a caller's fm_drbg_ctx */
#define FM_RESEED_INSTANTIATE          0 /* seeded afresh: first use, or first use after fork() */
#define FM_RESEED_INTERVAL             1 /* the module DRBG reached its reseed interval */
#define FM_RESEED_REQUESTED            2 /* fm_drbg_reseed / fm_drbg_reseed_with */
#define FM_RESEED_PREDICTION_RESISTANCE 3 /* fm_drbg_generate_pr / _pr_with */

typedef struct {
    int type;                   /* FM_EVENT_* */
    int replayed;               /* 1: delivered by fm_set_event_callback from the
                                   power-up record; 0: delivered as it happened */
    uint64_t time_us;           /* when it happened (the platform's monotonic clock) */
    const char *name;           /* SELFTEST, CONDITIONAL_FAILURE: the test's name; else NULL */
    int result;                 /* SELFTEST: FM_SELFTEST_PASS, _FAIL or _DEFERRED */
    int trigger;                /* SELFTEST: FM_TRIGGER_* */
    uint64_t us;                /* SELFTEST: its duration; POWER_UP_END: power-up's */
    int error;                  /* the FM_ERR_* of a failure, of POWER_UP_END, of a
                                   change into ERROR; FM_OK otherwise */
    const char *reason;         /* why it failed (fm_module_status's reason text);
                                   "" when nothing failed */
    int old_state, new_state;   /* STATE_CHANGE: FM_STATE_* */
    int drbg, cause;            /* DRBG_RESEED: FM_DRBG_*, FM_RESEED_* */
    uint8_t expected_hmac[FM_MODULE_HMAC_LEN]; /* INTEGRITY_FAILURE: the value built in */
    uint8_t computed_hmac[FM_MODULE_HMAC_LEN]; /* INTEGRITY_FAILURE: the value found
                                                  (zeros when none was ever injected:
                                                  the test stops before computing) */
} fm_event;

typedef void (*fm_event_fn)(const fm_event *ev, void *user);

/*
 * Install fn (NULL: none) to receive the module's events, with `user`
 * passed back unchanged; replaces any earlier callback. Before returning,
 * delivers the record of the last power-up to fn (replayed = 1), unless
 * power-up has not started yet. Works in every state, error included.
 * Returns FM_OK, or FM_ERR_STATE when called from inside a callback.
 */
FM_EXPORT int fm_set_event_callback(fm_event_fn fn, void *user);

/* *name = "power-up-start", "selftest", ... for an FM_EVENT_* type.
 * FM_OK, or FM_ERR_ARG (then *name = "unknown"). */
FM_EXPORT int fm_event_name(int type, const char **name);

/* ---- counters ----------------------------------------------------------- */

/* Service families (Prometheus label `service`: fm_service_name). */
#define FM_SERVICE_SHA2          0  /* "sha2": fm_hash* */
#define FM_SERVICE_HMAC          1  /* "hmac": fm_hmac* */
#define FM_SERVICE_AES_KEY       2  /* "aes-key": fm_aes_init */
#define FM_SERVICE_AES_ECB       3  /* "aes-ecb" */
#define FM_SERVICE_AES_CBC       4  /* "aes-cbc" */
#define FM_SERVICE_AES_CTR       5  /* "aes-ctr" */
#define FM_SERVICE_AES_GCM       6  /* "aes-gcm": fm_aes_gcm_* */
#define FM_SERVICE_AES_CMAC      7  /* "aes-cmac" */
#define FM_SERVICE_AES_KW        8  /* "aes-kw": KW and KWP, both directions */
#define FM_SERVICE_DRBG          9  /* "drbg": a caller's fm_drbg_ctx */
#define FM_SERVICE_RANDOM        10 /* "random": fm_random_bytes */
#define FM_SERVICE_RSA_KEYGEN    11 /* "rsa-keygen" */
#define FM_SERVICE_RSA_KEY       12 /* "rsa-key": import, export, public */
#define FM_SERVICE_RSA_SIGN      13 /* "rsa-sign" */
#define FM_SERVICE_RSA_VERIFY    14 /* "rsa-verify" */
#define FM_SERVICE_RSA_OAEP      15 /* "rsa-oaep": encrypt and decrypt */
#define FM_SERVICE_RSA_PRIMITIVE 16 /* "rsa-primitive": fm_rsa_decrypt_primitive */
#define FM_SERVICE_EC_KEYGEN     17 /* "ec-keygen" */
#define FM_SERVICE_EC_KEY        18 /* "ec-key": import, public, *_bytes */
#define FM_SERVICE_ECDSA_SIGN    19 /* "ecdsa-sign" */
#define FM_SERVICE_ECDSA_VERIFY  20 /* "ecdsa-verify" */
#define FM_SERVICE_COUNT         21

typedef struct {
    uint64_t calls;             /* = approved + non_approved + every failures[] */
    uint64_t approved;          /* succeeded as an approved service */
    uint64_t non_approved;      /* succeeded as a non-approved service */
    uint64_t failures[FM_ERR_CODES]; /* failures[-err]: calls that returned err */
} fm_service_counters;

typedef struct {
    int enabled;                /* 1 while counting (fm_counters_enable) */
    fm_service_counters service[FM_SERVICE_COUNT]; /* by FM_SERVICE_* */
} fm_counters;

/*
 * Fill *c with the counts so far. Each count is read atomically; calls
 * that run while the snapshot is taken may or may not be in it, and
 * `calls` is computed from the others, so the sum always holds. Works in
 * every state. Returns FM_OK or FM_ERR_ARG.
 */
FM_EXPORT int fm_counters_snapshot(fm_counters *c);

/* Count (on = 1, the default) or stop counting (on = 0); the counts so
 * far stay. FM_OK, or FM_ERR_ARG for another value. */
FM_EXPORT int fm_counters_enable(int on);

/* *name = the family's label ("aes-gcm", ...). FM_OK, or FM_ERR_ARG
 * (then *name = "unknown"). */
FM_EXPORT int fm_service_name(int service, const char **name);

/*
 * Outside the module boundary (it formats, it computes nothing): render c
 * in the Prometheus text exposition format (version 0.0.4), in this order:
 *   fipsmod_info{version,module_hmac} 1        (gauge)
 *   fipsmod_module_state                       (gauge, FM_STATE_*)
 *   fipsmod_counters_enabled                   (gauge, c->enabled)
 *   fipsmod_service_calls_total{service,approved}: approved="true" counts
 *     the calls that completed as approved services, approved="false"
 *     every other call (non-approved services and failures)
 *   fipsmod_service_non_approved_total{service}
 *   fipsmod_service_failures_total{service,error}: error as fm_error_name
 *     gives it; only codes that occurred.
 * The version, HMAC and state are the running module's
 * (fm_module_status_get).
 * Writes at most cap bytes, the terminating NUL included; *len = the
 * text's length without the NUL, also when cap is too small (so success
 * needs cap >= *len + 1, and buf = NULL with cap = 0 asks for the length).
 * Returns FM_OK; FM_ERR_LENGTH (buf zeroed) when cap is too small;
 * FM_ERR_ARG (buf zeroed, *len = 0) for NULL c or len, NULL buf with
 * cap != 0, or counts no snapshot gives (approved > calls); FM_ERR_INTERNAL
 * (buf zeroed) should a family or error code have no name.
 */
FM_EXPORT int fm_counters_prometheus(const fm_counters *c, char *buf, size_t cap, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
