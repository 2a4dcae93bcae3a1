/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `fipsmod dgst`: SHA-2 digests of files, printed as coreutils' sha256sum
 * prints them (the shared loop is tool_sum_files in util.c). Files are
 * streamed through fm_hash_init/update/final in 64 KiB pieces, so memory
 * use does not depend on the file size.
 */
#include "tool.h"

#include <string.h>

static const char dgst_help[] =
    "usage: fipsmod dgst [-sha224|-sha256|-sha384|-sha512|-sha512-224|-sha512-256]\n"
    "                    [--] [FILE...]\n"
    "\n"
    "Print the SHA-2 digest of each FILE, one line per file, in the format of\n"
    "GNU coreutils' sha256sum: lowercase hex, two spaces, the file name. With no\n"
    "FILE, or when FILE is -, read standard input (named \"-\"). A name holding a\n"
    "backslash, newline or carriage return is escaped as sha256sum escapes it\n"
    "(the line starts with \\ and those characters become \\\\, \\n and \\r).\n"
    "\n"
    "Options (before the first FILE):\n"
    "  -sha224 -sha256 -sha384 -sha512 -sha512-224 -sha512-256\n"
    "              the digest (FIPS 180-4); -sha256 when none is given.\n"
    "              At most one may be given.\n"
    "  --          end of options (for files whose name starts with -)\n"
    "  -h, --help  show this text\n"
    "\n"
    "Exit status: 0 when every file was digested; 1 when a file could not be\n"
    "read (reported on stderr, the other files are still digested) or the\n"
    "module failed; 2 for a usage error.\n"
    "\n"
    "Examples:\n"
    "  fipsmod dgst -sha512 a.iso b.iso      # same output as: sha512sum a.iso b.iso\n"
    "  printf abc | fipsmod dgst             # SHA-256 of standard input\n"
    "  fipsmod dgst -sha512-256 -- -odd-name # as: openssl dgst -sha512-256 -r\n";

struct dgst {
    int alg;
    fm_hash_ctx ctx;
};

static int dgst_start(void *self)
{
    struct dgst *d = self;

    return fm_hash_init(&d->ctx, d->alg);
}

static int dgst_update(void *self, const uint8_t *data, size_t len)
{
    struct dgst *d = self;

    return fm_hash_update(&d->ctx, data, len);
}

static int dgst_finish(void *self, uint8_t *out, size_t *outlen)
{
    struct dgst *d = self;
    size_t mdlen;
    int rc = fm_hash_digest_len(d->alg, &mdlen);

    if (rc != FM_OK)
        return rc;
    rc = fm_hash_final(&d->ctx, out, *outlen);
    *outlen = mdlen;
    return rc;
}

static void dgst_abandon(void *self)
{
    struct dgst *d = self;

    /* Cannot fail for a non-NULL context; the result carries nothing. */
    (void)fm_hash_wipe(&d->ctx);
}

static const struct tool_summer dgst_summer = {
    "fm_hash", dgst_start, dgst_update, dgst_finish, dgst_abandon,
};

static int dgst_run(int argc, char **argv)
{
    const struct tool_hash *hash = NULL;
    struct dgst d;
    int i;
    int status;

    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const struct tool_hash *h;

        if (strcmp(arg, "--") == 0) {
            i++;
            break;
        }
        if (arg[0] != '-' || arg[1] == '\0')
            break;
        h = tool_hash_by_option(arg);
        if (h == NULL)
            return tool_usage("dgst", "unknown option '%s'", arg);
        if (hash != NULL)
            return tool_usage("dgst", "more than one digest option ('%s' and '%s')",
                              hash->option, arg);
        hash = h;
    }
    memset(&d, 0, sizeof d);
    d.alg = hash != NULL ? hash->alg : FM_SHA256;
    status = tool_sum_files(argc - i, argv + i, &dgst_summer, &d);
    (void)fm_hash_wipe(&d.ctx);
    return status;
}

const struct tool_cmd tool_cmd_dgst = {
    "dgst",
    "SHA-2 digests of files, in sha256sum format",
    dgst_help,
    dgst_run,
};
