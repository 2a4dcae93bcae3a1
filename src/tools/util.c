/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the fipsmod tool's commands: messages, option values,
 * hex, the table of digest options, and the file loop behind `dgst` and
 * `mac`. (Whole-file input and output, and the streamed digest of `sign`
 * and `verify`, are in fileio.c; key files in keyfile.c.)
 *
 * The file loop reproduces the output of GNU coreutils' sha256sum byte for
 * byte, so that `fipsmod dgst FILE` and `sha256sum FILE` can be diffed in
 * tests and scripts: lowercase hex, two spaces, the name ("-" for standard
 * input), and coreutils' escaping of awkward names (a leading backslash,
 * then "\\", "\n" and "\r" for backslash, newline and carriage return, as
 * coreutils 9 does; older releases left "\r" alone).
 */
#include "tool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void tool_error(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout); /* keep stdout and stderr in order on a terminal */
    fputs(TOOL_NAME ": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int tool_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fprintf(stderr, TOOL_NAME " %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nRun '" TOOL_NAME " help %s' for usage.\n", cmd);
    return TOOL_EXIT_USAGE;
}

const char *tool_fm_error(int rc)
{
    const char *name = "FM_ERR_UNKNOWN";

    /* An unknown code still leaves a usable name, so the result is unused. */
    (void)fm_error_name(rc, &name);
    return name;
}

bool tool_is_help_option(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int tool_option_value(const char *cmd, int argc, char **argv, int *i, const char **slot,
                      const char *what)
{
    const char *opt = argv[*i];

    if (*i + 1 >= argc)
        return tool_usage(cmd, "%s needs a value (%s)", opt, what);
    if (*slot != NULL)
        return tool_usage(cmd, "%s given more than once", opt);
    *slot = argv[++*i];
    return 0;
}

/* Digest names other tools take that fipsmod does not offer. */
static bool looks_like_digest(const char *arg)
{
    static const char *const prefixes[] = {
        "-sha", "-md", "-shake", "-blake", "-ripemd", "-rmd", "-sm3", "-whirlpool",
    };

    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(arg, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

int tool_unknown_option(const char *cmd, const char *arg)
{
    if (looks_like_digest(arg))
        return tool_usage(cmd, "unsupported digest '%s': give one of -sha224, -sha256, "
                               "-sha384, -sha512, -sha512-224, -sha512-256", arg);
    if (arg[0] == '-')
        return tool_usage(cmd, "unknown option '%s'", arg);
    return tool_usage(cmd, "unexpected argument '%s' (files are given with -in FILE)", arg);
}

static int hex_nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int tool_hex_decode(const char *hex, size_t hexlen, uint8_t *out)
{
    if (hexlen % 2 != 0)
        return -1;
    for (size_t i = 0; i < hexlen / 2; i++) {
        int hi = hex_nibble(hex[2 * i]);
        int lo = hex_nibble(hex[2 * i + 1]);

        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

int tool_hex_decode_alloc(const char *hex, uint8_t **out, size_t *outlen)
{
    size_t hexlen = strlen(hex);
    uint8_t *buf = malloc(hexlen / 2 + 1);

    if (buf == NULL)
        return -2;
    if (tool_hex_decode(hex, hexlen, buf) != 0) {
        free(buf);
        return -1;
    }
    *out = buf;
    *outlen = hexlen / 2;
    return 0;
}

void tool_hex_encode(const uint8_t *in, size_t n, char *out, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static const struct tool_hash hashes[] = {
    { "-sha224", FM_SHA224 },
    { "-sha256", FM_SHA256 },
    { "-sha384", FM_SHA384 },
    { "-sha512", FM_SHA512 },
    { "-sha512-224", FM_SHA512_224 },
    { "-sha512-256", FM_SHA512_256 },
};

const struct tool_hash *tool_hash_by_option(const char *arg)
{
    for (size_t i = 0; i < sizeof hashes / sizeof hashes[0]; i++)
        if (strcmp(arg, hashes[i].option) == 0)
            return &hashes[i];
    return NULL;
}

static void print_name_escaped(const char *name)
{
    for (const char *p = name; *p != '\0'; p++) {
        switch (*p) {
        case '\\': fputs("\\\\", stdout); break;
        case '\n': fputs("\\n", stdout); break;
        case '\r': fputs("\\r", stdout); break;
        default: putchar(*p); break;
        }
    }
}

static void print_sum_line(const uint8_t *md, size_t mdlen, const char *name)
{
    char hex[2 * FM_HASH_MAX_LEN + 1];

    tool_hex_encode(md, mdlen, hex, false);
    /* coreutils flags an escaped name with a backslash before the hex. */
    if (strpbrk(name, "\\\n\r") != NULL)
        putchar('\\');
    fputs(hex, stdout);
    fputs("  ", stdout);
    print_name_escaped(name);
    putchar('\n');
}

/*
 * Returns 0 with the result printed, 1 for a per-file problem (reported,
 * the loop goes on), -1 when the module failed (reported, the loop stops:
 * the other files would fail the same way).
 */
static int sum_one(const char *name, const struct tool_summer *s, void *self,
                   uint8_t *buf)
{
    bool is_stdin = strcmp(name, "-") == 0;
    int fd = is_stdin ? STDIN_FILENO : open(name, O_RDONLY | O_CLOEXEC);
    uint8_t md[FM_HASH_MAX_LEN];
    size_t mdlen = sizeof md;
    int result = 0;
    int rc;

    if (fd < 0) {
        tool_error("%s: %s", name, strerror(errno));
        return 1;
    }
    rc = s->start(self);
    if (rc != FM_OK) {
        tool_error("%s: %s", s->what, tool_fm_error(rc));
        result = -1;
        goto out;
    }
    for (;;) {
        ssize_t n = read(fd, buf, TOOL_CHUNK);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            tool_error("%s: %s", name, strerror(errno));
            s->abandon(self);
            result = 1;
            goto out;
        }
        if (n == 0)
            break;
        rc = s->update(self, buf, (size_t)n);
        if (rc != FM_OK) {
            tool_error("%s: %s: %s", name, s->what, tool_fm_error(rc));
            s->abandon(self);
            result = -1;
            goto out;
        }
    }
    rc = s->finish(self, md, &mdlen);
    if (rc != FM_OK) {
        tool_error("%s: %s: %s", name, s->what, tool_fm_error(rc));
        result = -1;
        goto out;
    }
    print_sum_line(md, mdlen, name);
out:
    if (!is_stdin)
        close(fd);
    return result;
}

int tool_sum_files(int nfiles, char **files, const struct tool_summer *s,
                   void *self)
{
    static uint8_t buf[TOOL_CHUNK];
    static char dash[] = "-";
    char *stdin_only[] = { dash };
    int status = TOOL_EXIT_OK;

    if (nfiles == 0) {
        nfiles = 1;
        files = stdin_only;
    }
    for (int i = 0; i < nfiles; i++) {
        int r = sum_one(files[i], s, self, buf);

        if (r < 0)
            return TOOL_EXIT_FAIL;
        if (r > 0)
            status = TOOL_EXIT_FAIL;
    }
    return status;
}
