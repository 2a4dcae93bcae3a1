/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `fipsmod mac`: HMAC (FIPS 198-1) of files under a key given in hex,
 * printed in the same sha256sum-style lines as `fipsmod dgst`.
 *
 * The key is processed once into a keyed context; each file then works on
 * a copy of it (fipsmod/hmac.h allows copying by assignment), so the key
 * bytes themselves can be wiped before any file is read. The hex key on
 * the command line is wiped too: that shortens the time it can be read
 * from /proc/PID/cmdline, though it cannot close that window completely.
 */
#include "tool.h"

#include <stdlib.h>
#include <string.h>

static const char mac_help[] =
    "usage: fipsmod mac [-sha224|-sha256|-sha384|-sha512|-sha512-224|-sha512-256]\n"
    "                   -key HEX [--] [FILE...]\n"
    "\n"
    "Print the HMAC of each FILE under the key HEX, one line per file, in the\n"
    "format of `fipsmod dgst` (lowercase hex, two spaces, the name; - and no\n"
    "FILE mean standard input). The MAC is the full digest length.\n"
    "\n"
    "Options (before the first FILE):\n"
    "  -key HEX    the key, as hex digits (either case; empty for an empty key).\n"
    "              Keys shorter than 14 bytes (112 bits) work but are not\n"
    "              approved (SP 800-131Ar2). Other users of this machine may see\n"
    "              command lines: do not pass real secrets this way.\n"
    "  -sha224 -sha256 -sha384 -sha512 -sha512-224 -sha512-256\n"
    "              the hash (FIPS 180-4); -sha256 when none is given.\n"
    "  --          end of options\n"
    "  -h, --help  show this text\n"
    "\n"
    "Exit status: 0 when every file was processed; 1 when a file could not be\n"
    "read (reported, the other files are still processed) or the module\n"
    "failed; 2 for a usage error, such as a missing key or one that is not hex.\n"
    "\n"
    "Examples:\n"
    "  fipsmod mac -sha256 -key 000102030405060708090a0b0c0d0e0f data.bin\n"
    "  printf 'msg' | fipsmod mac -sha512 -key 4a656665\n"
    "      # same digest as: printf msg | openssl mac -digest SHA512 \\\n"
    "      #                 -macopt hexkey:4a656665 HMAC\n";

struct mac {
    fm_hmac_ctx keyed; /* after the key, before any data */
    fm_hmac_ctx work;
    size_t maclen;
};

static int mac_start(void *self)
{
    struct mac *m = self;

    m->work = m->keyed;
    return FM_OK;
}

static int mac_update(void *self, const uint8_t *data, size_t len)
{
    struct mac *m = self;

    return fm_hmac_update(&m->work, data, len);
}

static int mac_finish(void *self, uint8_t *out, size_t *outlen)
{
    struct mac *m = self;

    if (*outlen < m->maclen)
        return FM_ERR_LENGTH;
    *outlen = m->maclen;
    return fm_hmac_final(&m->work, out, m->maclen);
}

static void mac_abandon(void *self)
{
    struct mac *m = self;

    (void)fm_hmac_wipe(&m->work);
}

static const struct tool_summer mac_summer = {
    "fm_hmac", mac_start, mac_update, mac_finish, mac_abandon,
};

static int mac_run(int argc, char **argv)
{
    const struct tool_hash *hash = NULL;
    char *keyhex = NULL;
    uint8_t *key = NULL;
    size_t keylen = 0;
    struct mac m;
    int status;
    int rc;
    int i;

    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const struct tool_hash *h;

        if (strcmp(arg, "--") == 0) {
            i++;
            break;
        }
        if (arg[0] != '-' || arg[1] == '\0')
            break;
        if (strcmp(arg, "-key") == 0) {
            if (i + 1 >= argc)
                return tool_usage("mac", "-key needs a value (the key in hex)");
            if (keyhex != NULL)
                return tool_usage("mac", "-key given more than once");
            keyhex = argv[++i];
            continue;
        }
        h = tool_hash_by_option(arg);
        if (h == NULL)
            return tool_usage("mac", "unknown option '%s'", arg);
        if (hash != NULL)
            return tool_usage("mac", "more than one hash option ('%s' and '%s')",
                              hash->option, arg);
        hash = h;
    }
    if (keyhex == NULL)
        return tool_usage("mac", "no key: give one with -key HEX");
    memset(&m, 0, sizeof m);

    rc = tool_hex_decode_alloc(keyhex, &key, &keylen);
    (void)fm_wipe(keyhex, strlen(keyhex));
    if (rc == -2) {
        tool_error("mac: out of memory");
        return TOOL_EXIT_FAIL;
    }
    if (rc != 0)
        return tool_usage("mac", "the -key value is not hex (an even number of "
                                 "digits 0-9, a-f, A-F)");

    int alg = hash != NULL ? hash->alg : FM_SHA256;

    rc = fm_hash_digest_len(alg, &m.maclen);
    if (rc == FM_OK)
        rc = fm_hmac_init(&m.keyed, alg, key, keylen);
    /* FIPS 140-3 AS09.28: the key is not needed once it is in the context. */
    (void)fm_wipe(key, keylen);
    free(key);
    if (rc != FM_OK) {
        tool_error("mac: fm_hmac_init: %s", tool_fm_error(rc));
        (void)fm_hmac_wipe(&m.keyed);
        return TOOL_EXIT_FAIL;
    }
    status = tool_sum_files(argc - i, argv + i, &mac_summer, &m);
    (void)fm_hmac_wipe(&m.work);
    (void)fm_hmac_wipe(&m.keyed);
    return status;
}

const struct tool_cmd tool_cmd_mac = {
    "mac",
    "HMAC of files under a hex key, in sha256sum format",
    mac_help,
    mac_run,
};
