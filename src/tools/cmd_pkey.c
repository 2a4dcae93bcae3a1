/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `fipsmod pkey`: read an RSA or EC key file in any form OpenSSL writes,
 * check it with the module (fm_rsa_key_import, fm_ec_key_import), and
 * write it back in the form asked for, byte for byte as OpenSSL writes
 * that form.
 *
 * One deliberate difference: `openssl pkey -outform DER` in OpenSSL 3.0
 * writes a private key in its "traditional" form (PKCS#1 for RSA, SEC1
 * for EC), although its PEM default is PKCS#8. Here the default is PKCS#8
 * in both encodings and -traditional selects the traditional form in
 * both, so the form never depends on the encoding. The same bytes as
 * OpenSSL's are still one option away: `openssl pkey -outform DER` =
 * `fipsmod pkey -outform DER -traditional`; `openssl pkcs8 -topk8 -nocrypt
 * -outform DER` = `fipsmod pkey -outform DER`.
 *
 * EC keys are written back as they came, as OpenSSL 3 does: a compressed
 * point stays compressed and a private key without its publicKey field
 * stays without (keyfile.h); -ec_conv_form chooses the point form, as
 * `openssl pkey -ec_conv_form` does. OpenSSL 3.0 has one exception of its
 * own: `openssl pkey -traditional` in PEM writes a compressed key's point
 * uncompressed, while its DER of the same form (`pkey -outform DER`), its
 * PKCS#8 and `openssl ec` keep it compressed. Here every form keeps it;
 * `-traditional -ec_conv_form uncompressed` gives OpenSSL's PEM bytes.
 */
#include "keyfile.h"

#include <string.h>
#include <strings.h>

static const char pkey_help[] =
    "usage: fipsmod pkey [-in FILE] [-pubout] [-outform PEM|DER] [-traditional]\n"
    "                    [-ec_conv_form compressed|uncompressed] [-out FILE]\n"
    "\n"
    "Read an RSA or EC key, check it, and write it again. The input may be any\n"
    "RSA or EC key file OpenSSL writes: PEM with the label PRIVATE KEY (PKCS#8),\n"
    "RSA PRIVATE KEY (PKCS#1), EC PRIVATE KEY (SEC1, also after the EC PARAMETERS\n"
    "block of `openssl ecparam -genkey`), PUBLIC KEY (SubjectPublicKeyInfo) or\n"
    "RSA PUBLIC KEY (PKCS#1), or DER of any of these (the type and form are\n"
    "detected; no -inform is needed). EC keys are on P-256, P-384 or P-521 with\n"
    "the curve named. The module imports the key, which checks it (RSA: n = p*q,\n"
    "d, the CRT values; EC: d in [1, n-1], the point on the curve and d's own);\n"
    "a key it refuses is reported and nothing is written.\n"
    "\n"
    "Output, byte for byte what OpenSSL writes for the same key:\n"
    "  private key            PKCS#8 PrivateKeyInfo     = openssl pkey\n"
    "  private, -traditional  RSA: PKCS#1 RSAPrivateKey = openssl pkey -traditional\n"
    "                         EC: SEC1 ECPrivateKey     = openssl pkey -traditional\n"
    "  -pubout, or a public   SubjectPublicKeyInfo      = openssl pkey -pubout\n"
    "  key as input           (\"PUBLIC KEY\")\n"
    "With -outform DER, the same forms in DER: PKCS#8 DER is what\n"
    "`openssl pkcs8 -topk8 -nocrypt -outform DER` writes; -traditional gives the\n"
    "DER that OpenSSL 3.0's `openssl pkey -outform DER` writes. An EC key keeps\n"
    "its point form (compressed or not) and, for a private key written without\n"
    "its public key (`openssl ec -no_public`), that omission, as OpenSSL does\n"
    "(except that `openssl pkey -traditional` writes a compressed point\n"
    "uncompressed in PEM: add -ec_conv_form uncompressed for its bytes).\n"
    "\n"
    "Options:\n"
    "  -in FILE       the key (default: standard input)\n"
    "  -pubout        write the public key\n"
    "  -outform PEM|DER  the encoding of the output (default: PEM)\n"
    "  -traditional   a private key as PKCS#1 (RSA) or SEC1 (EC) instead of\n"
    "                 PKCS#8 (ignored for a public key, as OpenSSL does)\n"
    "  -ec_conv_form compressed|uncompressed\n"
    "                 an EC key's point form in the output (default: as read)\n"
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
    "RSASSA-PSS (id-RSASSA-PSS) keys, RSA moduli outside 1024 to 8192 bits, EC\n"
    "keys on other curves or with explicit parameters (`openssl pkey -in FILE\n"
    "-ec_param_enc named_curve` names a P-256, P-384 or P-521 curve), and other\n"
    "algorithms. Key files are read up to 256 KiB.\n"
    "\n"
    "Exit status: 0 on success; 1 for a file that cannot be read or written, or\n"
    "is not a valid key (malformed, truncated, inconsistent); 2 for a usage\n"
    "error; 3 for a key of a kind not supported.\n"
    "\n"
    "Examples:\n"
    "  fipsmod pkey -in key.pem -pubout -out pub.pem\n"
    "  fipsmod pkey -in key.pem -traditional -out key-trad.pem\n"
    "  fipsmod pkey -in key.der -out key.pem       # DER of any form -> PKCS#8 PEM\n"
    "  fipsmod pkey -in pub.pem -outform DER -out pub.der\n"
    "  fipsmod pkey -in eckey.pem -pubout -ec_conv_form compressed\n";

static int pkey_run(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *outform = NULL, *conv = NULL;
    bool pubout = false, traditional = false, pem = true;
    struct tool_key key;
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
        else if (strcmp(arg, "-ec_conv_form") == 0)
            status = tool_option_value("pkey", argc, argv, &i, &conv,
                                       "compressed or uncompressed");
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
    if (conv != NULL && strcmp(conv, "compressed") != 0 && strcmp(conv, "uncompressed") != 0)
        return tool_usage("pkey", "-ec_conv_form takes compressed or uncompressed, not '%s'",
                          conv);

    /* The whole key is imported (and so checked) even for -pubout. */
    status = tool_key_load("pkey", in, TOOL_KEY_AS_IS, &key);
    if (status != TOOL_EXIT_OK)
        return status;
    if (conv != NULL && key.type != FM_KEY_TYPE_EC) {
        tool_key_wipe(&key);
        return tool_usage("pkey", "-ec_conv_form applies to EC keys; %s holds an RSA key",
                          tool_input_name(in));
    }
    if (conv != NULL)
        key.compressed = strcmp(conv, "compressed") == 0;
    if (!key.is_private || pubout)
        form = FM_KEY_FORM_SPKI;
    else if (!traditional)
        form = FM_KEY_FORM_PKCS8;
    else
        form = key.type == FM_KEY_TYPE_EC ? FM_KEY_FORM_SEC1 : FM_KEY_FORM_PKCS1_PRIVATE;
    status = tool_key_write("pkey", out, &key, form, pem);
    tool_key_wipe(&key);
    return status;
}

const struct tool_cmd tool_cmd_pkey = {
    "pkey",
    "read, check and convert RSA and EC key files (PEM/DER, as openssl pkey)",
    pkey_help,
    pkey_run,
};
