/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared declarations of the fipsmod command-line tool (build/fipsmod).
 *
 * The tool lives outside the module boundary and reaches the module only
 * through the public API in <fipsmod/fipsmod.h>. It is one program with
 * subcommands: each subcommand is a `struct tool_cmd` defined in its own
 * cmd_*.c file (or acvp.c) and listed in the table in fipsmod.c, which is
 * also where `fipsmod help` finds the text it prints. Adding a command is a
 * new file plus one line in that table.
 *
 * Every command returns one of the TOOL_EXIT_* statuses, which the test
 * harness (tests/kat/run-kat.sh) relies on.
 */
#ifndef FIPSMOD_TOOL_H
#define FIPSMOD_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <fipsmod/fipsmod.h>

#define TOOL_NAME "fipsmod"

/* Exit statuses, shared by every command. */
#define TOOL_EXIT_OK          0
#define TOOL_EXIT_FAIL        1
#define TOOL_EXIT_USAGE       2
#define TOOL_EXIT_UNSUPPORTED 3 /* the harness reports this as SKIP */

/* Read buffer for streamed input: constant memory whatever the input size. */
#define TOOL_CHUNK (64u * 1024u)

struct tool_cmd {
    const char *name;
    const char *summary; /* one line, shown by `fipsmod help` */
    const char *help;    /* usage, options, exit status, examples */
    /*
     * argv[0] is the command name; fm_init() has already succeeded, except
     * for `status` and `selftest`, which also run in the error state.
     */
    int (*run)(int argc, char **argv);
};

extern const struct tool_cmd tool_cmd_acvp;
extern const struct tool_cmd tool_cmd_decrypt;
extern const struct tool_cmd tool_cmd_dgst;
extern const struct tool_cmd tool_cmd_enc;
extern const struct tool_cmd tool_cmd_encrypt;
extern const struct tool_cmd tool_cmd_genpkey;
extern const struct tool_cmd tool_cmd_mac;
extern const struct tool_cmd tool_cmd_pkey;
extern const struct tool_cmd tool_cmd_rand;
extern const struct tool_cmd tool_cmd_selftest;
extern const struct tool_cmd tool_cmd_sign;
extern const struct tool_cmd tool_cmd_status;
extern const struct tool_cmd tool_cmd_verify;

/* ---- messages (util.c) -------------------------------------------------- */

/* "fipsmod: <message>\n" on stderr. */
void tool_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * "fipsmod CMD: <message>" and a pointer to `fipsmod help CMD` on stderr.
 * Returns TOOL_EXIT_USAGE so callers can `return tool_usage(...)`.
 */
int tool_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Name of an FM_ERR_* code, for messages; never NULL. */
const char *tool_fm_error(int rc);

/* True for -h and --help. */
bool tool_is_help_option(const char *arg);

/* ---- options (util.c) --------------------------------------------------- */

/*
 * For an option that takes a value (argv[*i] is the option): store
 * argv[*i + 1] in *slot and advance *i. Returns 0, or TOOL_EXIT_USAGE
 * (reported: the value is missing, or the option was given twice); `what`
 * describes the value in the message ("a file name").
 */
int tool_option_value(const char *cmd, int argc, char **argv, int *i, const char **slot,
                      const char *what);

/*
 * Report an option the command does not know and return TOOL_EXIT_USAGE.
 * A digest the tool does not offer (-sha1, -md5, -sha3-256, ...) gets a
 * message listing the six it does.
 */
int tool_unknown_option(const char *cmd, const char *arg);

/* ---- hex (util.c) ------------------------------------------------------- */

/*
 * Decode `hexlen` hex digits (either case) into hexlen / 2 bytes at out.
 * Returns 0, or -1 for an odd length or a non-hex character.
 */
int tool_hex_decode(const char *hex, size_t hexlen, uint8_t *out);

/*
 * Decode a NUL-terminated hex string into a new heap buffer (at least one
 * byte is allocated, so *out is never NULL on success; free it).
 * Returns 0, -1 for bad hex, -2 when out of memory.
 */
int tool_hex_decode_alloc(const char *hex, uint8_t **out, size_t *outlen);

/* Write 2 * n hex digits and a NUL to out. */
void tool_hex_encode(const uint8_t *in, size_t n, char *out, bool upper);

/* ---- hash selection (util.c) -------------------------------------------- */

struct tool_hash {
    const char *option; /* "-sha256" */
    int alg;            /* FM_SHA256 */
};

/* The entry for a command-line option such as "-sha512-224", or NULL. */
const struct tool_hash *tool_hash_by_option(const char *arg);

/* ---- whole files (fileio.c) ---------------------------------------------- */

/*
 * Read the whole of `path` (NULL or "-": standard input) into a new buffer
 * of cap + 1 bytes (free it with tool_free_wiped(buf, cap + 1)). More than
 * cap bytes is an error. `what` names the contents in messages ("key
 * file"). Returns TOOL_EXIT_OK, or TOOL_EXIT_FAIL (reported as
 * "CMD: PATH: reason"; nothing allocated).
 */
int tool_read_file(const char *cmd, const char *path, size_t cap, const char *what,
                   uint8_t **buf, size_t *len);

/* fm_wipe p[0..n), then free it. NULL is fine. */
void tool_free_wiped(void *p, size_t n);

/*
 * Write data[0..len) to `path` (NULL or "-": standard output). A regular
 * file (or a new one) is written to a temporary file beside it and renamed
 * over it, so it is never left half-written; signals that would end the
 * process are held meanwhile so the temporary file is always removed. A
 * device or FIFO is written in place. `secret` (private keys, decrypted
 * data): the file gets mode 0600, whether new or replaced; otherwise a
 * replaced file keeps its mode and a new one gets 0666 minus the umask.
 * Returns TOOL_EXIT_OK or TOOL_EXIT_FAIL (reported).
 */
int tool_write_file(const char *cmd, const char *path, const void *data, size_t len,
                    bool secret);

/*
 * Digest the whole of `path` (NULL or "-": standard input) with fm_hash_*,
 * streamed in TOOL_CHUNK pieces. md gets the digest, *mdlen its length.
 * Returns TOOL_EXIT_OK or TOOL_EXIT_FAIL (reported).
 */
int tool_hash_file(const char *cmd, const char *path, int alg, uint8_t md[FM_HASH_MAX_LEN],
                   size_t *mdlen);

/* "standard input" for NULL or "-", else path: the name used in messages. */
const char *tool_input_name(const char *path);

/* ---- sha256sum-style file loop (util.c) --------------------------------- */

/*
 * What dgst and mac plug into tool_sum_files(). Each callback returns an
 * FM_* code; `what` names the service in messages.
 */
struct tool_summer {
    const char *what;
    int (*start)(void *self);
    int (*update)(void *self, const uint8_t *data, size_t len);
    int (*finish)(void *self, uint8_t *out, size_t *outlen);
    void (*abandon)(void *self); /* wipe after a read error */
};

/*
 * Stream every file ("-" = standard input; no files = standard input) in
 * TOOL_CHUNK pieces and print "hex  name" lines exactly as coreutils'
 * sha256sum does. An unreadable file is reported and skipped.
 * Returns TOOL_EXIT_OK, or TOOL_EXIT_FAIL if any file failed.
 */
int tool_sum_files(int nfiles, char **files, const struct tool_summer *s,
                   void *self);

#endif
