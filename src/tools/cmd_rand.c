/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `fipsmod rand`: N random bytes from the module's DRBG (fm_random_bytes)
 * on standard output, raw or as lowercase hex. Large N is streamed in
 * TOOL_CHUNK pieces, so memory use does not depend on N; each piece is
 * wiped after it is written.
 */
#include "tool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char rand_help[] =
    "usage: fipsmod rand [-hex] [--] N\n"
    "\n"
    "Write N random bytes to standard output, from the module's CTR_DRBG\n"
    "(AES-256, SP 800-90Ar1) seeded by its own entropy source\n"
    "(fm_random_bytes). N is a decimal byte count (0 allowed).\n"
    "\n"
    "Options:\n"
    "  -hex        write 2N lowercase hex digits and a newline instead of raw bytes\n"
    "  --          end of options\n"
    "  -h, --help  show this text\n"
    "\n"
    "Exit status: 0 on success; 1 when the module failed (nothing further is\n"
    "written) or standard output could not be written; 2 for a usage error.\n"
    "\n"
    "Examples:\n"
    "  fipsmod rand -hex 32              # a 256-bit key in hex\n"
    "  fipsmod rand 1000000 > random.bin # one million raw bytes\n";

/* N as a size_t: decimal digits only, no overflow. -1 when not. */
static int parse_count(const char *s, size_t *n)
{
    size_t v = 0;

    if (*s == '\0')
        return -1;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        if (v > ((size_t)-1 - 9) / 10)
            return -1;
        v = v * 10 + (size_t)(*s - '0');
    }
    *n = v;
    return 0;
}

static int rand_run(int argc, char **argv)
{
    static uint8_t buf[TOOL_CHUNK];
    static char hex[2 * TOOL_CHUNK + 1];
    bool as_hex = false;
    size_t n = 0;
    int i, status = TOOL_EXIT_OK;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (argv[i][0] != '-' || argv[i][1] == '\0')
            break;
        if (strcmp(argv[i], "-hex") == 0)
            as_hex = true;
        else
            return tool_usage("rand", "unknown option '%s'", argv[i]);
    }
    if (argc - i != 1)
        return tool_usage("rand", "expected one byte count N, got %d arguments", argc - i);
    if (parse_count(argv[i], &n) != 0)
        return tool_usage("rand", "N must be a decimal byte count, got '%s'", argv[i]);

    while (n > 0) {
        size_t len = n < TOOL_CHUNK ? n : TOOL_CHUNK;
        int rc = fm_random_bytes(buf, len);
        size_t wrote;

        if (rc != FM_OK) {
            tool_error("fm_random_bytes: %s", tool_fm_error(rc));
            status = TOOL_EXIT_FAIL;
            break;
        }
        if (as_hex) {
            tool_hex_encode(buf, len, hex, false);
            wrote = fwrite(hex, 1, 2 * len, stdout) / 2;
        } else {
            wrote = fwrite(buf, 1, len, stdout);
        }
        if (wrote != len) {
            tool_error("write error on standard output: %s", strerror(errno));
            status = TOOL_EXIT_FAIL;
            break;
        }
        n -= len;
    }
    if (as_hex && status == TOOL_EXIT_OK)
        putchar('\n');
    fm_wipe(buf, sizeof buf);
    fm_wipe(hex, sizeof hex);
    return status;
}

const struct tool_cmd tool_cmd_rand = {
    "rand",
    "random bytes from the module's DRBG, raw or hex",
    rand_help,
    rand_run,
};
