/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The module: its state machine, self-tests, integrity value and the
 * approved-service indicator (FIPS 140-3 sections 7.10 and 7.11).
 *
 * States: FM_STATE_UNINITIALISED -> FM_STATE_SELF_TEST -> FM_STATE_OPERATIONAL.
 * Any self-test failure latches FM_STATE_ERROR until the process ends. The
 * power-up self-tests run from the library constructor and from fm_init()
 * (idempotent and thread-safe; it returns the power-up result). A service
 * called before power-up has run starts it. In FM_STATE_ERROR every
 * cryptographic service returns FM_ERR_STATE with its outputs and the context
 * it was given zeroed; only the functions of this header (fm_selftest then
 * returns FM_ERR_STATE), fm_error_name, fm_version, fm_wipe, the context
 * wipes, fm_cpu_*, fm_impl_name and fm_hash_digest_len/block_len still work.
 *
 * Power-up order: SHA-256 KAT, HMAC-SHA-256 KAT, the integrity test (HMAC-
 * SHA-256 of the module's code and constant data, compared with the value
 * fixed at build time), then the algorithm self-tests. A self-test that is
 * slow may be deferred to the first use of its algorithm (it then reports
 * FM_SELFTEST_DEFERRED until it has run).
 */
#ifndef FIPSMOD_MODULE_H
#define FIPSMOD_MODULE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FM_STATE_UNINITIALISED 0
#define FM_STATE_SELF_TEST     1
#define FM_STATE_OPERATIONAL   2
#define FM_STATE_ERROR         3

/* fm_init() flags. */
#define FM_INIT_STRICT 0x1u /* refuse non-approved services (FM_ERR_NOT_APPROVED) */

/* Self-test results. */
#define FM_SELFTEST_NOT_RUN  0
#define FM_SELFTEST_PASS     1
#define FM_SELFTEST_FAIL     2
#define FM_SELFTEST_DEFERRED 3

#define FM_MODULE_HMAC_LEN 32

typedef struct {
    int state;                  /* FM_STATE_* */
    int error;                  /* FM_OK, or the FM_ERR_* that caused ERROR */
    const char *failed_test;    /* name of the self-test that failed, or NULL */
    const char *reason;         /* why it failed, e.g. "integrity value was never
                                   injected into the module"; "" when none */
    uint32_t flags;             /* the FM_INIT_* flags in force */
    uint8_t module_hmac[FM_MODULE_HMAC_LEN]; /* expected value built in */
    uint64_t module_size;       /* bytes covered by the integrity test */
    uint64_t power_up_us;       /* from power-up start to OPERATIONAL/ERROR */
    int integrity_skipped;      /* 1 only when the module object itself was built
                                   with AddressSanitizer (never by the Makefile) */
} fm_module_status;

typedef struct {
    const char *name;           /* e.g. "sha256-kat", "integrity" */
    int result;                 /* FM_SELFTEST_* */
    uint64_t us;                /* duration of its last run */
} fm_selftest_result;

/* Fill *st. Works in every state. Returns FM_OK or FM_ERR_ARG. */
FM_EXPORT int fm_module_status_get(fm_module_status *st);

/* *state = current FM_STATE_*. Returns FM_OK or FM_ERR_ARG. */
FM_EXPORT int fm_module_state(int *state);

/*
 * Run every self-test now, the integrity test and deferred tests included.
 * Returns FM_OK, or the failing test's error (the module is then in ERROR).
 */
FM_EXPORT int fm_selftest(void);

/* *n = number of self-tests (fm_selftest_get index range). */
FM_EXPORT int fm_selftest_count(size_t *n);

/* Result of self-test i (0 <= i < count). FM_OK or FM_ERR_ARG. */
FM_EXPORT int fm_selftest_get(size_t i, fm_selftest_result *r);

/*
 * The approved-service indicator, per thread: *approved = 1 when the last
 * cryptographic service this thread called succeeded with approved
 * algorithm, key size and parameters, else 0 (see security-policy.md).
 * Returns FM_OK or FM_ERR_ARG.
 */
FM_EXPORT int fm_service_approved(int *approved);

#ifdef __cplusplus
}
#endif
#endif
