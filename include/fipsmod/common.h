/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fipsmod common definitions: version, error codes, module initialisation.
 *
 * Every fipsmod function returns an int: 0 (FM_OK) on success, a negative
 * FM_ERR_* code on failure. On failure every output buffer the caller passed
 * has been zeroed, so a caller that ignores the return value still never
 * sees a partial result.
 */
#ifndef FIPSMOD_COMMON_H
#define FIPSMOD_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FM_EXPORT __attribute__((visibility("default")))

#define FM_VERSION_MAJOR 0
#define FM_VERSION_MINOR 1
#define FM_VERSION_PATCH 0
#define FM_VERSION_STRING "0.1.0"

#define FM_OK              0
#define FM_ERR_ARG        -1  /* NULL pointer or invalid argument value */
#define FM_ERR_LENGTH     -2  /* a length outside the range the service accepts */
#define FM_ERR_CONTEXT    -3  /* context not initialised, already finished, or wiped */
#define FM_ERR_UNSUPPORTED -4 /* algorithm or parameter not implemented */
#define FM_ERR_VERIFY     -5  /* a tag or signature did not verify */
#define FM_ERR_STATE      -6  /* the module is not operational */
#define FM_ERR_SELFTEST   -7  /* a self-test failed */
#define FM_ERR_INTEGRITY  -8  /* the module integrity test failed */
#define FM_ERR_INTERNAL   -9  /* a condition that should be impossible */
#define FM_ERR_NOT_APPROVED -10 /* strict mode: the service is not approved */
#define FM_ERR_ENTROPY    -11 /* the entropy source failed or a health test tripped */
#define FM_ERR_RESEED     -12 /* a DRBG reached its reseed interval: reseed it first */
#define FM_ERR_DECODE     -13 /* malformed encoding: DER, PEM or a point encoding */
#define FM_ERR_KEY        -14 /* an invalid key: out of range, inconsistent, not on the curve */
#define FM_ERR_DECRYPT    -15 /* decryption failed (one code for every cause: RFC 8017 7.1.2) */
/* The codes are FM_OK and -1 .. -(FM_ERR_CODES - 1); an array indexed by
 * -err (fm_service_counters.failures) has FM_ERR_CODES entries. */
#define FM_ERR_CODES      16

/*
 * Initialise the module: detect CPU features, choose implementations and
 * run the power-up self-tests (see fipsmod/module.h). Idempotent and
 * thread-safe: later calls return the result of the first power-up.
 * `flags`: 0 or FM_INIT_STRICT (module.h), which makes non-approved
 * services fail with FM_ERR_NOT_APPROVED; it can be turned on by any call,
 * never off.
 * Returns FM_OK, FM_ERR_ARG for unknown flags, or the self-test error
 * (FM_ERR_SELFTEST, FM_ERR_INTEGRITY) that put the module in its error state.
 */
FM_EXPORT int fm_init(uint32_t flags);

/*
 * Set *name to a static, NUL-terminated name for an error code
 * ("FM_ERR_LENGTH", ...). Returns FM_OK, or FM_ERR_ARG for a NULL `name` or
 * an unknown code (then *name is "FM_ERR_UNKNOWN").
 */
FM_EXPORT int fm_error_name(int err, const char **name);

/*
 * Zero n bytes at p in a way the compiler cannot remove (used for every
 * secret the module holds). Returns FM_OK, or FM_ERR_ARG for NULL p with
 * n != 0.
 */
FM_EXPORT int fm_wipe(void *p, size_t n);

/* Set *version to FM_VERSION_STRING of the library actually linked. */
FM_EXPORT int fm_version(const char **version);

#ifdef __cplusplus
}
#endif
#endif
