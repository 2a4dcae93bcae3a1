/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `fipsmod pkey`: read an RSA key file in any form OpenSSL writes, check
 * it with the module (fm_rsa_key_import), and write it back in the form
 * asked for, byte for byte as OpenSSL writes that form.
 *
 * One deliberate difference: `openssl pkey -outform DER` in OpenSSL 3.0
 * writes a private RSA key as PKCS#1 (its "traditional" DER), although
 * its PEM default is PKCS#8. Here the default is PKCS#8 in both
 * encodings and -traditional selects PKCS#1 in both, so the form never
 * depends on the encoding. The same bytes as OpenSSL's are still one
 * option away: `openssl pkey -outform DER` = `fipsmod pkey -outform DER
 * -traditional`; `openssl pkcs8 -topk8 -nocrypt -outform DER` =
 * `fipsmod pkey -outform DER`.
 */
#include "keyfile.h"

#include <string.h>
#include <strings.h>

static const char pkey_help[] =
    "usage: fipsmod pkey [-in FILE] [-pubout] [-outform PEM|DER] [-traditional]\n"
    "                    [-out FILE]\n"
    "\n"
    "Read an RSA key, check it, and write it again. The input may be any RSA key\n"
    "file OpenSSL writes: PEM with the label PRIVATE KEY (PKCS#8), RSA PRIVATE\n"
    "KEY (PKCS#1), PUBLIC KEY (SubjectPublicKeyInfo) or RSA PUBLIC KEY (PKCS#1),\n"
    "or DER of any of the four (the form is detected; no -inform is needed). The\n"
    "module imports the key, which checks a private key's consistency (n = p*q,\n"
    "d, the CRT values); a key it refuses is reported and nothing is written.\n"
    "\n"
    "Output, byte for byte what OpenSSL writes for the same key:\n"
    "  private key            PKCS#8 PrivateKeyInfo    = openssl pkey\n"
    "  private, -traditional  PKCS#1 RSAPrivateKey     = openssl pkey -traditional\n"
    "  -pubout, or a public   SubjectPublicKeyInfo     = openssl pkey -pubout\n"
    "  key as input           (\"PUBLIC KEY\")\n"
    "With -outform DER, the same forms in DER: PKCS#8 DER is what\n"
    "`openssl pkcs8 -topk8 -nocrypt -outform DER` writes; -traditional gives the\n"
    "PKCS#1 DER that OpenSSL 3.0's `openssl pkey -outform DER` writes.\n"
    "\n"
    "Options:\n"
    "  -in FILE       the key (default: standard input)\n"
    "  -pubout        write the public key\n"
    "  -outform PEM|DER  the encoding of the output (default: PEM)\n"
    "  -traditional   a private key as PKCS#1 instead of PKCS#8 (ignored for a\n"
    "                 public key, as OpenSSL does)\n"
    "  -pubin         accepted for OpenSSL compatibility; a public key is\n"
    "                 recognised without it\n"
    "  -out FILE      output (default: standard output). A private key file\n"
    "                 gets mode 0600; the file is written to a temporary file\n"
    "                 beside it and renamed, never left half-written.\n"
    "  -h, --help     show this text\n"
    "\n"
    "Not supported (exit status 3, with the reason): encrypted keys (PKCS#8\n"
    "\"ENCRYPTED PRIVATE KEY\" or legacy \"Proc-Type: 4,ENCRYPTED\" PEM; decrypt\n"
    "them with `openssl pkey -in FILE -out plain.pem`), multi-prime keys,\n"
    "RSASSA-PSS (id-RSASSA-PSS) keys, other algorithms, and moduli outside 1024\n"
    "to 8192 bits. Key files are read up to 256 KiB.\n"
    "\n"
    "Exit status: 0 on success; 1 for a file that cannot be read or written, or\n"
    "is not a valid key (malformed, truncated, inconsistent); 2 for a usage\n"
    "error; 3 for a key of a kind not supported.\n"
    "\n"
    "Examples:\n"
    "  fipsmod pkey -in key.pem -pubout -out pub.pem\n"
    "  fipsmod pkey -in key.pem -traditional -out key-pkcs1.pem\n"
    "  fipsmod pkey -in key.der -out key.pem       # DER of any form -> PKCS#8 PEM\n"
    "  fipsmod pkey -in pub.pem -outform DER -out pub.der\n";

static int pkey_run(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *outform = NULL;
    bool pubout = false, traditional = false, pem = true, is_private;
    fm_rsa_key key;
    int status = 0;
    int form;

    for (int i = 1; i < argc && status == 0; i++) {
        const char *arg = argv[i];

        if (strcmp(arg, "-in") == 0)
            status = tool_option_value("pkey", argc, argv, &i, &in, "a file name");
        else if (strcmp(arg, "-out") == 0)
            status = tool_option_value("pkey", argc, argv, &i, &out, "a file name");
        else if (strcmp(arg, "-outform") == 0)
            status = tool_option_value("pkey", argc, argv, &i, &outform, "PEM or DER");
        else if (strcmp(arg, "-pubout") == 0)
            pubout = true;
        else if (strcmp(arg, "-traditional") == 0)
            traditional = true;
        else if (strcmp(arg, "-pubin") == 0)
            ; /* the form is detected */
        else
            status = tool_unknown_option("pkey", arg);
    }
    if (status != 0)
        return status;
    if (outform != NULL) {
        if (strcasecmp(outform, "DER") == 0)
            pem = false;
        else if (strcasecmp(outform, "PEM") != 0)
            return tool_usage("pkey", "-outform takes PEM or DER, not '%s'", outform);
    }

    /* The whole key is imported (and so checked) even for -pubout. */
    status = tool_rsa_key_load("pkey", in, TOOL_KEY_AS_IS, &key, &is_private);
    if (status != TOOL_EXIT_OK)
        return status;
    if (!is_private || pubout)
        form = FM_KEY_FORM_SPKI;
    else
        form = traditional ? FM_KEY_FORM_PKCS1_PRIVATE : FM_KEY_FORM_PKCS8;
    status = tool_rsa_key_write("pkey", out, &key, form, pem);
    (void)fm_rsa_key_wipe(&key);
    return status;
}

const struct tool_cmd tool_cmd_pkey = {
    "pkey",
    "read, check and convert RSA key files (PEM/DER, as openssl pkey)",
    pkey_help,
    pkey_run,
};
