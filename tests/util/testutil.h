/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared helpers for the fipsmod cmocka tests: hex encoding and decoding,
 * a reader for NIST CAVP `.rsp` files (sections and records, CRLF-tolerant),
 * locating the third-party vector folder, finding every implementation of
 * an algorithm family that this CPU can run, a small test registry that
 * turns "one test per implementation" into separate cmocka tests, and a
 * deterministic PRNG.
 *
 * Implementations are reached only through the public API:
 * fm_cpu_set_features(mask) and fm_impl_name(family, &name). tu_init()
 * tries every subset of the detected CPU features and records each distinct
 * implementation name with a mask that selects it. Known accelerated
 * implementations that the CPU cannot run become skipped tests whose reason
 * is printed ("SKIP shani: CPU lacks SHA-NI"), never passes.
 */
#ifndef FIPSMOD_TESTUTIL_H
#define FIPSMOD_TESTUTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fipsmod/fipsmod.h>
#include <openssl/bio.h>
#include <openssl/evp.h>

/* ---- hex and memory ------------------------------------------------- */

/*
 * Decode hex (upper or lower case, even length) into out[0..cap).
 * Returns 0 and sets *outlen, or -1 on bad input or overflow.
 */
int tu_hex_decode(const char *hex, uint8_t *out, size_t cap, size_t *outlen);

/* As tu_hex_decode into a fresh malloc'd buffer (never NULL on success). */
uint8_t *tu_hex_alloc(const char *hex, size_t *outlen);

/* Write 2*len lowercase hex digits and a NUL to out. */
void tu_hex_encode(const uint8_t *in, size_t len, char *out);

/* Print in hex, prefixed by a label, on one line. */
void tu_hex_print(const char *label, const uint8_t *p, size_t len);

/* true when equal; otherwise prints `what`, got and want in hex. */
bool tu_mem_eq(const char *what, const void *got, const void *want, size_t len);

/* true when n bytes at p are all zero. */
bool tu_all_zero(const void *p, size_t n);

/* "FM_OK" or the FM_ERR_* name of rc (fm_error_name), for messages. */
const char *tu_err_name(int rc);

/* malloc that fails the test instead of returning NULL (n = 0 allowed). */
void *tu_xmalloc(size_t n);

/* A fresh tu_xmalloc'd copy of n bytes at p. */
uint8_t *tu_dup_bytes(const void *p, size_t n);

/* The contents of a memory BIO as a NUL-terminated tu_xmalloc'd string
 * (*len without the NUL); frees the BIO. Fails the test if it is empty. */
char *tu_bio_take(BIO *b, size_t *len);

/* ---- vectors folder ----------------------------------------------------- */

/*
 * The vector folder: $FIPSMOD_VECTORS, else ../shared/vectors relative to
 * the current directory (the repository root under `make test`), else
 * relative to the repository root found from /proc/self/exe
 * (<root>/build/tests/test_x). NULL when none exists.
 */
const char *tu_vectors_dir(void);

/* The sentence printed when tu_vectors_dir() is NULL. */
const char *tu_vectors_missing(void);

/* ---- CAVP .rsp reader -------------------------------------------------- */

#define TU_RSP_MAX_FIELDS 16
#define TU_RSP_MAX_PARAMS 12

typedef struct {
    char *name;
    char *value;
} tu_kv;

typedef struct {
    FILE *f;
    const char *path;
    char *line;
    size_t linecap;
    char *pending;             /* a `[` line read while ending a record */
    unsigned long lineno;      /* line number of the current line */
    unsigned long record_line; /* first line of the current record */
    tu_kv params[TU_RSP_MAX_PARAMS]; /* `[name = value]` in force */
    size_t nparams;
    bool params_used;          /* a record was returned since the last `[` */
    tu_kv fields[TU_RSP_MAX_FIELDS]; /* `name = value` lines of the record */
    size_t nfields;
    unsigned long records;     /* records returned so far */
} tu_rsp;

/* Returns 0, or -1 (printed) when the file cannot be opened. */
int tu_rsp_open(tu_rsp *r, const char *path);

/*
 * Read the next record: consecutive `name = value` lines ended by a blank
 * line or EOF. `#` comments are ignored; `[...]` lines set the section
 * parameters (a run of them replaces the previous run). `\r` is ignored.
 * Returns 1 for a record, 0 at end of file, -1 on error (printed).
 */
int tu_rsp_next(tu_rsp *r);

/* Value of a field of the current record, or NULL. */
const char *tu_rsp_field(const tu_rsp *r, const char *name);
/* Field `field` of the record, hex-decoded into out (at most cap bytes);
 * returns its length. A missing field or bad hex fails the test. */
size_t tu_rsp_hex(const tu_rsp *r, const char *field, uint8_t *out, size_t cap);
/* true in an [ENCRYPT] section, false in [DECRYPT]; any other section
 * fails the test. */
bool tu_rsp_encrypt_section(const tu_rsp *r);

/* Value of a section parameter in force (`[L = 32]` -> "32"), or NULL. */
const char *tu_rsp_param(const tu_rsp *r, const char *name);

void tu_rsp_close(tu_rsp *r);

/* ---- algorithms ---------------------------------------------------------- */

#define TU_NUM_ALGS 6
extern const int tu_algs[TU_NUM_ALGS];  /* FM_SHA224 .. FM_SHA512_256 */

const char *tu_alg_name(int alg);       /* "SHA-256" */
/* OpenSSL's EVP_MD for a fipsmod algorithm id (the oracle), NULL if none. */
const EVP_MD *tu_evp_md(int alg);
size_t tu_alg_len(int alg);             /* digest bytes, 0 if unknown */
size_t tu_alg_block(int alg);           /* block bytes, 0 if unknown */
int tu_alg_family(int alg);             /* FM_FAMILY_SHA256 or _SHA512 */

/* ---- implementations ------------------------------------------------------ */

#define TU_MAX_IMPLS 8

typedef struct {
    const char *name;   /* as fm_impl_name reports it; NULL = default */
    uint32_t mask;      /* a mask for fm_cpu_set_features that selects it */
} tu_impl;

typedef struct {
    int family;
    size_t n;
    tu_impl impl[TU_MAX_IMPLS]; /* impl[0] is "portable" */
} tu_impl_set;

/* Filled by tu_init(): index FM_FAMILY_SHA256 and FM_FAMILY_SHA512. */
extern tu_impl_set tu_impls[FM_FAMILY_MAX + 1];
extern uint32_t tu_detected;

/*
 * Select impl: fm_cpu_set_features(impl->mask) and check that
 * fm_impl_name(family) now reports impl->name. Returns 0 or -1 (printed).
 * A NULL name selects FM_CPU_ALL.
 */
int tu_impl_select(int family, const tu_impl *impl);

/* ---- PRNG (splitmix64) ----------------------------------------------------- */

typedef struct {
    uint64_t s;
} tu_rng;

extern uint64_t tu_seed;  /* $FIPSMOD_TEST_SEED or a fixed default */

void tu_rng_init(tu_rng *r, uint64_t seed);
/* Seeded from tu_seed and a string (a test name), so tests are independent. */
void tu_rng_init_named(tu_rng *r, const char *name);
uint64_t tu_rng_u64(tu_rng *r);
/* Uniform in [0, n) for n > 0 (0 for n == 0). */
size_t tu_rng_below(tu_rng *r, size_t n);
void tu_rng_fill(tu_rng *r, void *p, size_t n);

/* ---- test registry ---------------------------------------------------------- */

#define TU_MAX_TESTS 192

typedef struct tu_case {
    char name[128];
    int alg;             /* FM_SHA* the case is about, or 0 */
    int family;          /* FM_FAMILY_* whose implementation is selected, or 0 */
    const char *file;    /* vector file relative to the vectors folder */
    long expect;         /* records the vector file must yield */
    tu_impl impl;        /* implementation to run on */
    char skip_reason[160];  /* non-empty: printed, then the test is skipped */
    char fail_reason[240];  /* non-empty: the test fails with this */
    const void *data;    /* test-specific */
} tu_case;

typedef struct {
    struct CMUnitTest tests[TU_MAX_TESTS]; /* unused entries have no name */
    tu_case cases[TU_MAX_TESTS];
    size_t n;
} tu_suite;

/*
 * Start a test program: fm_init(0), discover implementations, print them
 * and the PRNG seed. Exits the process if the library cannot start.
 * $FIPSMOD_TEST_CPU_MASK (e.g. 0) makes the suite act as if the CPU had
 * only those features, to check the skip paths on any machine.
 */
void tu_init(const char *program);

/* Add one test running fn with *state = a copy of tmpl named by fmt. */
tu_case *tu_add(tu_suite *s, CMUnitTestFunction fn, const tu_case *tmpl,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Add one test per implementation of tmpl->family ("label [impl]"), plus
 * one for every known accelerated implementation that is not reachable:
 * skipped with "SKIP <impl>: CPU lacks <feature>" when the CPU lacks it,
 * failed when the CPU has the feature but the library never selects it.
 */
void tu_add_per_impl(tu_suite *s, CMUnitTestFunction fn, const tu_case *tmpl,
                     const char *label);

/*
 * Call first in every registered test: skips or fails as the case says,
 * selects the implementation and prints what runs. Returns the case.
 */
tu_case *tu_begin(void **state);

/*
 * Full path of c->file in buf. When the vectors folder is absent, prints
 * why and skips the test; when the folder exists but the file does not,
 * fails the test.
 */
const char *tu_vector_path(const tu_case *c, char *buf, size_t cap);

/* Run every registered test as the cmocka group `group`. */
int tu_run(tu_suite *s, const char *group);

#endif
