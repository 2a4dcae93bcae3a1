/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `fipsmod genpkey`: RSA key generation (FIPS 186-5 A.1.3, through the
 * module's approved fm_rsa_generate_key, public exponent 65537), written
 * as PKCS#8 PEM, the form `openssl genpkey` writes. The file is created
 * with mode 0600 through a temporary file (tool_write_file), and every
 * copy of the key is wiped before the command returns.
 */
#include "keyfile.h"

#include <stdlib.h>
#include <string.h>

static const char genpkey_help[] =
    "usage: fipsmod genpkey -rsa BITS [-out FILE]\n"
    "\n"
    "Generate an RSA key pair of BITS = 2048, 3072 or 4096 bits (FIPS 186-5\n"
    "A.1.3: probable primes from the module's DRBG, public exponent 65537, then\n"
    "a pairwise consistency test) and write the private key as PKCS#8 PEM\n"
    "(\"-----BEGIN PRIVATE KEY-----\"), as `openssl genpkey -algorithm RSA` does.\n"
    "Approved.\n"
    "\n"
    "Options:\n"
    "  -rsa BITS   the modulus length: 2048, 3072 or 4096\n"
    "  -out FILE   write the key to FILE (default: standard output). FILE gets\n"
    "              mode 0600 (also when it existed with another mode); it is\n"
    "              written to a temporary file beside it and renamed, so it is\n"
    "              never left half-written.\n"
    "  -h, --help  show this text\n"
    "\n"
    "Use `fipsmod pkey` to get the public key or another form (PKCS#1, DER).\n"
    "\n"
    "Exit status: 0 on success; 1 when the key cannot be generated or written;\n"
    "2 for a usage error (such as a size other than the three above).\n"
    "\n"
    "Examples:\n"
    "  fipsmod genpkey -rsa 3072 -out key.pem\n"
    "  fipsmod pkey -in key.pem -pubout -out pub.pem\n"
    "  openssl pkey -in key.pem -check -noout     # OpenSSL reads it as is\n";

static int genpkey_run(int argc, char **argv)
{
    const char *bits_arg = NULL, *out = NULL;
    unsigned long bits;
    char *end;
    fm_rsa_key key;
    int status;
    int rc;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];

        if (strcmp(arg, "-rsa") == 0)
            status = tool_option_value("genpkey", argc, argv, &i, &bits_arg,
                                       "the key size in bits: 2048, 3072 or 4096");
        else if (strcmp(arg, "-out") == 0)
            status = tool_option_value("genpkey", argc, argv, &i, &out, "a file name");
        else
            status = tool_unknown_option("genpkey", arg);
        if (status != 0)
            return status;
    }
    if (bits_arg == NULL)
        return tool_usage("genpkey", "give the key type and size: -rsa 2048, -rsa 3072 or "
                                     "-rsa 4096");
    bits = strtoul(bits_arg, &end, 10);
    if (*end != '\0' || (bits != 2048 && bits != 3072 && bits != 4096))
        return tool_usage("genpkey", "-rsa takes 2048, 3072 or 4096 (the sizes the module "
                                     "generates), not '%s'", bits_arg);

    rc = fm_rsa_generate_key(&key, bits, 0);
    if (rc != FM_OK) {
        tool_error("genpkey: fm_rsa_generate_key(%lu bits): %s", bits, tool_fm_error(rc));
        return TOOL_EXIT_FAIL;
    }
    status = tool_rsa_key_write("genpkey", out, &key, FM_KEY_FORM_PKCS8, true);
    (void)fm_rsa_key_wipe(&key);
    return status;
}

const struct tool_cmd tool_cmd_genpkey = {
    "genpkey",
    "generate an RSA key pair (PKCS#8 PEM, as openssl genpkey)",
    genpkey_help,
    genpkey_run,
};
