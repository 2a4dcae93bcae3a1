/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The process harness of the end-to-end tests of the fipsmod tool
 * (test_tool_rsa.c, test_tool_ec.c): a scratch directory for their files,
 * small file helpers that fail the running test instead of returning
 * errors, and runs of build/fipsmod and of the `openssl` command line (the
 * oracle) as child processes with their standard streams captured, with
 * the checks the tests make on them (exit status, standard output, the
 * one-line error message).
 *
 * Paths are relative to the repository root, the current directory under
 * `make test`. Children get FIPSMOD_CPU=tu_cpu_env (unset when NULL) and
 * an alarm of TU_PROC_TIMEOUT_S seconds. Everything here uses cmocka's
 * assertions and so must be called from inside a test, except
 * tu_proc_init().
 */
#ifndef FIPSMOD_TU_PROC_H
#define FIPSMOD_TU_PROC_H

#include "testutil.h"

#include <sys/types.h>

#define TU_TOOL_SHARED "build/fipsmod"
#define TU_TOOL_STATIC "build/fipsmod-static"
#define TU_PROC_TIMEOUT_S 120
#define TU_MAX_ARGS 32 /* arguments after the program name */

/* The tool the next runs start (TU_TOOL_SHARED; tu_proc_begin resets it). */
extern const char *tu_tool;
/* FIPSMOD_CPU for the children, NULL: unset (tu_proc_begin resets it). */
extern const char *tu_cpu_env;
/* The `openssl` command runs (checked by tu_proc_init). */
extern bool tu_have_openssl;

/*
 * Set up the harness for the test program `program` ("test_tool_rsa"):
 * exits with a message when build/fipsmod is missing; makes the scratch
 * directory $TMPDIR/fipsmod-<tag>-test.XXXXXX (/tmp without TMPDIR),
 * removed at exit unless $FIPSMOD_TEST_KEEP is set (and not "0"); checks
 * for the openssl command. At exit, prints the number of runs and the time.
 */
void tu_proc_init(const char *program, const char *tag);

/* The scratch directory. */
const char *tu_scratch(void);

/*
 * The path of a file in the scratch directory. One name always gives the
 * same pointer, valid until exit.
 */
const char *tu_path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Call first in every test: tu_begin(state), then the tool back to
 * TU_TOOL_SHARED and FIPSMOD_CPU unset for the children; starts the clock
 * of tu_took. Returns the case.
 */
const tu_case *tu_proc_begin(void **state);

/* Print the time since tu_proc_begin, after the test's summary line. */
void tu_took(void);

/* Skip the test (printing why) when the openssl command is missing. */
void tu_need_openssl(void);

/* Seconds on the monotonic clock. */
double tu_now(void);

/* ---- files ------------------------------------------------------------------------------- */

/* The whole file in a fresh buffer, NUL-terminated (not counted in *len). */
uint8_t *tu_read_file(const char *path, size_t *len);
/* Create or truncate path (mode 0644 before the umask) and write p[0..n). */
void tu_write_file(const char *path, const void *p, size_t n);
void tu_copy_file(const char *from, const char *to);
/* Copy `from` to `to` with one bit flipped at byte `pos` (from the end when negative). */
void tu_flip_copy(const char *from, const char *to, long pos);
/* Copy the first `keep` bytes (or all but -keep when negative). */
void tu_truncate_copy(const char *from, const char *to, long keep);
bool tu_files_equal(const char *a, const char *b);
/* Fails the test, naming `what`, when the files differ. */
void tu_expect_files_equal(const char *got, const char *want, const char *what);
size_t tu_file_size(const char *path);
mode_t tu_file_mode(const char *path); /* the permission bits */
bool tu_exists(const char *path);
/* n bytes from rng into path. */
void tu_random_file(const char *path, tu_rng *rng, size_t n);

/* ---- running programs ------------------------------------------------------------------- */

typedef struct {
    int status;   /* wait status */
    char *out;    /* standard output, NUL-terminated */
    size_t outlen;
    char *err;    /* standard error, NUL-terminated */
    char cmdline[512];
} tu_proc;

/* Run argv (argv[0] a path, or a name looked up in PATH) with standard input from `in`. */
void tu_proc_argv(tu_proc *r, const char *in, char *const argv[]);
/* The tool with the NULL-terminated arguments that follow; standard input from `in`. */
void tu_fm_in(tu_proc *r, const char *in, ...);
/* openssl likewise. */
void tu_ossl_in(tu_proc *r, const char *in, ...);
void tu_proc_free(tu_proc *r);
/* The exit status, -1 when the child did not exit (a signal). */
int tu_exit_code(const tu_proc *r);

#define TU_FM(r, ...) tu_fm_in((r), NULL, __VA_ARGS__, (char *)NULL)
#define TU_OSSL(r, ...) tu_ossl_in((r), NULL, __VA_ARGS__, (char *)NULL)

/* Fails the test unless the run exited with `code`. */
void tu_expect_exit(const tu_proc *r, int code);
/* Fails the test unless standard output is exactly `want`. */
void tu_expect_stdout(const tu_proc *r, const char *want);
/* Verified OK / Verification failure, from the tool or from openssl dgst. */
void tu_expect_verified(const tu_proc *r, bool ok);
/*
 * A failed tool run: exit status `code`, nothing on standard output, and on
 * standard error one line (two for usage errors: the pointer to `help`)
 * starting "fipsmod" and containing every string of the NULL-terminated list.
 */
void tu_expect_error(const tu_proc *r, int code, ...);

/* Run, expect success, free. */
#define TU_FM_OK(...)                                                                          \
    do {                                                                                       \
        tu_proc r_;                                                                            \
        TU_FM(&r_, __VA_ARGS__);                                                               \
        tu_expect_exit(&r_, 0);                                                                \
        tu_proc_free(&r_);                                                                     \
    } while (0)
#define TU_OSSL_OK(...)                                                                        \
    do {                                                                                       \
        tu_proc r_;                                                                            \
        TU_OSSL(&r_, __VA_ARGS__);                                                             \
        tu_expect_exit(&r_, 0);                                                                \
        tu_proc_free(&r_);                                                                     \
    } while (0)

#endif
