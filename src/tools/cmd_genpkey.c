/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `fipsmod genpkey`: key generation through the module's approved
 * services, written as PKCS#8 PEM, the form `openssl genpkey` writes:
 *   -rsa BITS    RSA (FIPS 186-5 A.1.3, fm_rsa_generate_key, e = 65537);
 *   -ec CURVE    EC on P-256, P-384 or P-521 (FIPS 186-5 A.2.2,
 *                fm_ec_key_generate), the point uncompressed and the
 *                curve named, as `openssl genpkey -algorithm EC` writes.
 * Both run the module's pairwise consistency test. The file is created
 * with mode 0600 through a temporary file (tool_write_file), and every
 * copy of the key is wiped before the command returns.
 */
#include "keyfile.h"

#include <stdlib.h>
#include <string.h>

static const char genpkey_help[] =
    "usage: fipsmod genpkey -rsa BITS | -ec CURVE [-out FILE]\n"
    "\n"
    "Generate a key pair and write the private key as PKCS#8 PEM (\"-----BEGIN\n"
    "PRIVATE KEY-----\"), as `openssl genpkey` does. Approved.\n"
    "  -rsa BITS: an RSA key of BITS = 2048, 3072 or 4096 bits (FIPS 186-5 A.1.3:\n"
    "             probable primes from the module's DRBG, public exponent 65537)\n"
    "             = openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:BITS\n"
    "  -ec CURVE: an ECDSA key on CURVE = P-256, P-384 or P-521 (FIPS 186-5 A.2.2:\n"
    "             d from the module's DRBG by rejection sampling); also named\n"
    "             prime256v1 or secp256r1, secp384r1, secp521r1\n"
    "             = openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:CURVE\n"
    "Either way the module then runs a pairwise consistency test on the key.\n"
    "\n"
    "Options:\n"
    "  -rsa BITS   an RSA key: 2048, 3072 or 4096\n"
    "  -ec CURVE   an EC key: P-256, P-384 or P-521\n"
    "  -out FILE   write the key to FILE (default: standard output). FILE gets\n"
    "              mode 0600 (also when it existed with another mode); it is\n"
    "              written to a temporary file beside it and renamed, so it is\n"
    "              never left half-written.\n"
    "  -h, --help  show this text\n"
    "\n"
    "Use `fipsmod pkey` to get the public key or another form (PKCS#1 or SEC1,\n"
    "DER).\n"
    "\n"
    "Exit status: 0 on success; 1 when the key cannot be generated or written;\n"
    "2 for a usage error (such as a size or curve other than those above).\n"
    "\n"
    "Examples:\n"
    "  fipsmod genpkey -rsa 3072 -out key.pem\n"
    "  fipsmod genpkey -ec P-256 -out eckey.pem\n"
    "  fipsmod pkey -in key.pem -pubout -out pub.pem\n"
    "  openssl pkey -in key.pem -check -noout     # OpenSSL reads it as is\n";

static int genpkey_run(int argc, char **argv)
{
    const char *bits_arg = NULL, *curve_arg = NULL, *out = NULL;
    unsigned long bits = 0;
    char *end;
    struct tool_key key;
    int status, curve = 0;
    int rc;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];

        if (strcmp(arg, "-rsa") == 0)
            status = tool_option_value("genpkey", argc, argv, &i, &bits_arg,
                                       "the key size in bits: 2048, 3072 or 4096");
        else if (strcmp(arg, "-ec") == 0)
            status = tool_option_value("genpkey", argc, argv, &i, &curve_arg,
                                       "the curve: P-256, P-384 or P-521");
        else if (strcmp(arg, "-out") == 0)
            status = tool_option_value("genpkey", argc, argv, &i, &out, "a file name");
        else
            status = tool_unknown_option("genpkey", arg);
        if (status != 0)
            return status;
    }
    if (bits_arg == NULL && curve_arg == NULL)
        return tool_usage("genpkey", "give the key type and size: -rsa 2048, -rsa 3072, "
                                     "-rsa 4096, -ec P-256, -ec P-384 or -ec P-521");
    if (bits_arg != NULL && curve_arg != NULL)
        return tool_usage("genpkey", "give one key type: -rsa or -ec, not both");
    if (bits_arg != NULL) {
        bits = strtoul(bits_arg, &end, 10);
        if (*end != '\0' || (bits != 2048 && bits != 3072 && bits != 4096))
            return tool_usage("genpkey", "-rsa takes 2048, 3072 or 4096 (the sizes the module "
                                         "generates), not '%s'", bits_arg);
    } else {
        curve = tool_ec_curve_by_name(curve_arg);
        if (curve == 0)
            return tool_usage("genpkey", "-ec takes P-256, P-384 or P-521 (or prime256v1, "
                                         "secp256r1, secp384r1, secp521r1), not '%s'", curve_arg);
    }

    memset(&key, 0, sizeof key);
    if (bits != 0) {
        key.type = FM_KEY_TYPE_RSA;
        rc = fm_rsa_generate_key(&key.rsa, bits, 0);
        if (rc != FM_OK) {
            tool_error("genpkey: fm_rsa_generate_key(%lu bits): %s", bits, tool_fm_error(rc));
            tool_key_wipe(&key);
            return TOOL_EXIT_FAIL;
        }
    } else {
        key.type = FM_KEY_TYPE_EC;
        key.curve = curve;
        rc = fm_ec_key_generate(&key.ec, curve);
        if (rc != FM_OK) {
            tool_error("genpkey: fm_ec_key_generate(%s): %s", tool_ec_curve_name(curve),
                       tool_fm_error(rc));
            tool_key_wipe(&key);
            return TOOL_EXIT_FAIL;
        }
    }
    key.is_private = true;
    status = tool_key_write("genpkey", out, &key, FM_KEY_FORM_PKCS8, true);
    tool_key_wipe(&key);
    return status;
}

const struct tool_cmd tool_cmd_genpkey = {
    "genpkey",
    "generate an RSA or EC key pair (PKCS#8 PEM, as openssl genpkey)",
    genpkey_help,
    genpkey_run,
};
