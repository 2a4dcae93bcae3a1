/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ACVP answering machinery behind `fipsmod acvp`, and the interface an
 * algorithm handler implements.
 *
 * acvp.c reads a vector set prompt (the JSON object NIST's ACVP server
 * hands out: vsId, algorithm, [mode], revision, testGroups[]), finds the
 * handler for (algorithm, mode, revision) in the tables listed in acvp.c,
 * and calls it once per test group. The handler writes its answers into the
 * output group, which acvp.c has already given the group's tgId, usually
 * through acvp_each_test(). The result has the shape of NIST's
 * expectedResults.json, so tests/kat/kat_grade.c can compare the two.
 *
 * To support a new algorithm, write acvp_<family>.c with a table of
 * `struct acvp_alg` ending in an all-NULL entry, and add the table to the
 * list in acvp.c.
 *
 * Every helper that can fail prints the message itself (prefixed with the
 * algorithm, tgId and tcId being worked on) and returns -1, so handlers
 * only pass the -1 up; 0 means success.
 */
#ifndef FIPSMOD_TOOL_ACVP_H
#define FIPSMOD_TOOL_ACVP_H

#include <jansson.h>

#include "tool.h"

#define ACVP_MAX_UNCLAIMED_KINDS 16

struct acvp_run {
    const char *algorithm;
    json_int_t tg_id; /* -1 outside a group */
    json_int_t tc_id; /* -1 outside a test */
    /* Tests answered with "notClaimed", counted per reason for stderr. */
    struct {
        const char *why;
        unsigned long count;
    } unclaimed[ACVP_MAX_UNCLAIMED_KINDS];
    size_t n_unclaimed_kinds;
};

struct acvp_alg {
    const char *algorithm; /* exactly as ACVP spells it: "SHA2-512/256" */
    const char *mode;      /* NULL when the prompt carries no mode */
    const char *revision;  /* "1.0", "FIPS186-5", ... */
    int param;             /* the handler's own, e.g. FM_SHA512_256 */
    /* Answer one prompt group into `out` (which holds tgId). 0 or -1. */
    int (*group)(struct acvp_run *run, const struct acvp_alg *alg,
                 json_t *group, json_t *out);
};

/* Handler tables (acvp_<family>.c), each ending with a NULL algorithm. */
extern const struct acvp_alg acvp_sha2_algs[];
extern const struct acvp_alg acvp_hmac_algs[];
extern const struct acvp_alg acvp_aes_algs[];
extern const struct acvp_alg acvp_cmac_algs[];
extern const struct acvp_alg acvp_kw_algs[];
extern const struct acvp_alg acvp_drbg_algs[];
extern const struct acvp_alg acvp_rsa_algs[];
extern const struct acvp_alg acvp_ecdsa_algs[];

/* Print "fipsmod acvp: ALG tgId N tcId M: <message>"; returns -1. */
int acvp_error(struct acvp_run *run, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* -1 with a message naming `what` unless rc is FM_OK. */
int acvp_check(struct acvp_run *run, int rc, const char *what);

/*
 * For each test of `group`: set run->tc_id, create {"tcId": N} in the
 * output group's "tests" array and call fn with it. Stops at the first -1.
 */
typedef int (*acvp_test_fn)(struct acvp_run *run, const struct acvp_alg *alg,
                            json_t *test, json_t *out, void *arg);
int acvp_each_test(struct acvp_run *run, const struct acvp_alg *alg,
                   json_t *group, json_t *out, acvp_test_fn fn, void *arg);

/* Required fields of a prompt object. */
int acvp_get_string(struct acvp_run *run, json_t *obj, const char *key,
                    const char **value);
int acvp_get_uint(struct acvp_run *run, json_t *obj, const char *key,
                  uint64_t *value);
/* Optional string: *value = NULL when absent. */
int acvp_get_opt_string(struct acvp_run *run, json_t *obj, const char *key,
                        const char **value);

/*
 * Decode the hex field `key` into a new heap buffer holding exactly
 * `bits` / 8 bytes (bits must be a multiple of 8; a field of any other
 * length is an error). Free *buf (never NULL on success) when done.
 */
int acvp_get_hex(struct acvp_run *run, json_t *obj, const char *key,
                 uint64_t bits, uint8_t **buf, size_t *len);

/* Set obj[key] to the uppercase hex of data. */
int acvp_put_hex(struct acvp_run *run, json_t *obj, const char *key,
                 const uint8_t *data, size_t len);

/* Set obj[key] to value, taking the reference (value may be NULL: OOM). */
int acvp_put(struct acvp_run *run, json_t *obj, const char *key, json_t *value);

/*
 * Answer the test `out` with {"notClaimed": <formatted reason>} and count
 * it under `why` (a short static string such as "bit-oriented messages")
 * for the summary on stderr. Returns 0 or -1.
 */
int acvp_not_claimed(struct acvp_run *run, json_t *out, const char *why,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
