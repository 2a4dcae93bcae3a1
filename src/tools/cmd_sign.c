/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `fipsmod sign` and `fipsmod verify`: signatures over a SHA-2 digest of a
 * file in the format of `openssl dgst -sign` / `-verify`, with RSA keys
 * (RFC 8017 8.1 RSASSA-PSS, 8.2 RSASSA-PKCS1-v1_5: the raw signature,
 * exactly the modulus length) or EC keys (FIPS 186-5 6.4 ECDSA: the DER
 * ECDSA-Sig-Value of RFC 3279 2.2.3, at most FM_ECDSA_SIG_MAX_LEN bytes).
 * Verification prints "Verified OK" or "Verification failure" on standard
 * output. The key file says which algorithm (tool_key_load).
 *
 * The message is streamed through fm_hash_init/update/final in 64 KiB
 * pieces (tool_hash_file), so any size works in constant memory; the
 * module signs or verifies the digest. ECDSA takes any of the six digests
 * with any curve, as OpenSSL does: the module truncates a digest longer
 * than the group order (FIPS 186-5 6.4.1 step 2), and whether the pair is
 * approved is the module's service indicator's to say. The per-message
 * secret k comes from the module's DRBG (FIPS 186-5 A.3.2), so ECDSA
 * signatures differ at every run, as OpenSSL's do.
 *
 * PSS salt lengths. Signing defaults to the hash length ("digest"), the
 * largest FIPS 186-5 5.4 (g) approves. Verification defaults to "auto":
 * any salt length, recovered from the signature, which is what
 * `openssl dgst -verify` accepts by default. It matters because OpenSSL
 * 3.0 signs with the largest salt the key allows unless told otherwise,
 * and a verifier that insisted on "digest" would refuse those signatures.
 * The module does not count a verification with an unknown salt length
 * as approved (the salt might exceed the hash length); -saltlen digest
 * (or N up to the hash length) gives the approved check. "max" when
 * verifying means exactly the largest salt (emLen - hLen - 2, RFC 8017
 * 9.1.1), computed here from the key since the module takes that value
 * only when signing. -pss and -saltlen with an EC key are usage errors.
 */
#include "keyfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char sign_help[] =
    "usage: fipsmod sign -key FILE -DIGEST [-pss [-saltlen N|digest|max]]\n"
    "                    [-in FILE] [-out FILE]\n"
    "\n"
    "Sign standard input or FILE with a private key: the message is hashed with\n"
    "DIGEST (streamed: any size) and the digest signed, exactly as\n"
    "`openssl dgst -DIGEST -sign KEY` does:\n"
    "  RSA key: RSASSA-PKCS1-v1_5 (RFC 8017 8.2; the default) or RSASSA-PSS (8.1,\n"
    "           MGF1 with the same digest); the raw signature, as long as the\n"
    "           modulus (PKCS#1 v1.5 signatures are identical to OpenSSL's byte\n"
    "           for byte; PSS ones differ at every run, the salt is random)\n"
    "  EC key:  ECDSA (FIPS 186-5 6.4) on P-256, P-384 or P-521; the DER\n"
    "           ECDSA-Sig-Value (RFC 3279), different at every run (k is random)\n"
    "\n"
    "Options:\n"
    "  -key FILE    the private key (any RSA or EC private key file: see\n"
    "               `fipsmod help pkey`)\n"
    "  -sha224 -sha256 -sha384 -sha512 -sha512-224 -sha512-256\n"
    "               the digest (required, exactly one)\n"
    "  -pss         RSA only: RSASSA-PSS instead of PKCS#1 v1.5\n"
    "  -saltlen L   RSA PSS salt length: N bytes, digest (the digest's length:\n"
    "               the default), or max (the largest the key allows). FIPS\n"
    "               186-5 approves at most the digest's length.\n"
    "  -in FILE     the message (default: standard input)\n"
    "  -out FILE    the signature (default: standard output); written to a\n"
    "               temporary file and renamed, never left half-written\n"
    "  -h, --help   show this text\n"
    "\n"
    "Approved with an RSA key of at least 2048 bits and a PSS salt of at most\n"
    "the digest's length; with an EC key, as the module's security policy says\n"
    "for the curve and digest.\n"
    "\n"
    "Exit status: 0 on success; 1 for an unreadable or invalid key (or a public\n"
    "one), an unreadable input, an unwritable output or a module error; 2 for a\n"
    "usage error (no digest, an unknown one, a salt too long for the key, -pss\n"
    "with an EC key); 3 for a key of a kind not supported.\n"
    "\n"
    "Examples:\n"
    "  fipsmod sign -key key.pem -sha256 -in doc.pdf -out doc.sig\n"
    "      # = openssl dgst -sha256 -sign key.pem -out doc.sig doc.pdf\n"
    "  fipsmod sign -key key.pem -sha384 -pss -in doc.pdf -out doc.sig\n"
    "      # verifies with: openssl dgst -sha384 -verify pub.pem -signature doc.sig\n"
    "      #   -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest doc.pdf\n"
    "  fipsmod sign -key eckey.pem -sha256 -in doc.pdf -out doc.sig\n"
    "      # verifies with: openssl dgst -sha256 -verify ecpub.pem -signature doc.sig doc.pdf\n";

static const char verify_help[] =
    "usage: fipsmod verify -pubkey FILE -DIGEST [-pss [-saltlen N|digest|max|auto]]\n"
    "                      -sig FILE [-in FILE]\n"
    "\n"
    "Verify a signature (as `fipsmod sign` or `openssl dgst -sign` write it) over\n"
    "standard input or FILE, hashed with DIGEST: RSA (raw, the modulus length;\n"
    "PKCS#1 v1.5 or, with -pss, RSASSA-PSS) or ECDSA (DER ECDSA-Sig-Value),\n"
    "as the key file says. Prints exactly \"Verified OK\" (exit status 0) or\n"
    "\"Verification failure\" (exit status 1) on standard output, as\n"
    "`openssl dgst -verify` does. Verification is strict: only the one correct\n"
    "PKCS#1 v1.5 encoding passes, and an ECDSA signature must be minimal DER\n"
    "with nothing after it and r, s in [1, n-1].\n"
    "\n"
    "Options:\n"
    "  -pubkey FILE the public key; a private key file also works (its public\n"
    "               part is used). Any RSA or EC key file: see `fipsmod help pkey`.\n"
    "  -sha224 -sha256 -sha384 -sha512 -sha512-224 -sha512-256\n"
    "               the digest (required, exactly one)\n"
    "  -pss         RSA only: the signature is RSASSA-PSS (MGF1 with the same\n"
    "               digest)\n"
    "  -saltlen L   PSS salt length: auto (the default: any length, read from the\n"
    "               signature, as OpenSSL accepts by default), digest (the\n"
    "               digest's length), max (the largest the key allows) or N bytes.\n"
    "               OpenSSL 3.0 signs with \"max\" unless told otherwise, which\n"
    "               is why the default is auto. The module does not count an\n"
    "               auto check as approved; give -saltlen digest (or N up to the\n"
    "               digest's length) for the approved check of FIPS 186-5.\n"
    "  -sig FILE    the signature (required)\n"
    "  -in FILE     the message (default: standard input)\n"
    "  -h, --help   show this text\n"
    "\n"
    "Exit status: 0 for \"Verified OK\"; 1 for \"Verification failure\" (a wrong\n"
    "signature, message, key, digest, padding or salt length, an RSA signature\n"
    "that is not the modulus length, malformed ECDSA DER), and, with a message\n"
    "on standard error instead, for an unreadable or invalid file or a module\n"
    "error; 2 for a usage error; 3 for a key of a kind not supported.\n"
    "\n"
    "Examples:\n"
    "  fipsmod verify -pubkey pub.pem -sha256 -sig doc.sig -in doc.pdf\n"
    "  openssl dgst -sha256 -sign key.pem -sigopt rsa_padding_mode:pss doc.pdf |\n"
    "      fipsmod verify -pubkey pub.pem -sha256 -pss -sig /dev/stdin -in doc.pdf\n"
    "  openssl dgst -sha384 -sign eckey.pem doc.pdf |\n"
    "      fipsmod verify -pubkey ecpub.pem -sha384 -sig /dev/stdin -in doc.pdf\n";

/* The largest signature file read: far more than any modulus, to say "wrong length". */
#define SIG_FILE_MAX (64u * 1024u)

struct sig_opts {
    const char *key;    /* -key (sign) or -pubkey (verify) */
    const char *in, *out, *sig, *saltlen;
    const struct tool_hash *hash;
    bool pss;
};

static int parse(const char *cmd, bool sign, int argc, char **argv, struct sig_opts *o)
{
    const char *keyopt = sign ? "-key" : "-pubkey";
    int status = 0;

    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc && status == 0; i++) {
        const char *arg = argv[i];
        const struct tool_hash *h = tool_hash_by_option(arg);

        if (h != NULL) {
            if (o->hash != NULL)
                status = tool_usage(cmd, "more than one digest ('%s' and '%s')",
                                    o->hash->option, arg);
            o->hash = h;
        } else if (strcmp(arg, keyopt) == 0) {
            status = tool_option_value(cmd, argc, argv, &i, &o->key, "a key file");
        } else if (strcmp(arg, "-in") == 0) {
            status = tool_option_value(cmd, argc, argv, &i, &o->in, "a file name");
        } else if (sign && strcmp(arg, "-out") == 0) {
            status = tool_option_value(cmd, argc, argv, &i, &o->out, "a file name");
        } else if (!sign && strcmp(arg, "-sig") == 0) {
            status = tool_option_value(cmd, argc, argv, &i, &o->sig, "the signature file");
        } else if (strcmp(arg, "-saltlen") == 0) {
            status = tool_option_value(cmd, argc, argv, &i, &o->saltlen,
                                       sign ? "N, digest or max" : "N, digest, max or auto");
        } else if (strcmp(arg, "-pss") == 0) {
            o->pss = true;
        } else if (!sign && (strcmp(arg, "-key") == 0 || strcmp(arg, "-verify") == 0)) {
            status = tool_usage(cmd, "give the key with -pubkey FILE (a private key file "
                                     "works too)");
        } else if (sign && strcmp(arg, "-pubkey") == 0) {
            status = tool_usage(cmd, "signing needs the private key: give it with -key FILE");
        } else {
            status = tool_unknown_option(cmd, arg);
        }
    }
    if (status != 0)
        return status;
    if (o->key == NULL)
        return tool_usage(cmd, "no key: give one with %s FILE", keyopt);
    if (o->hash == NULL)
        return tool_usage(cmd, "no digest: give one of -sha224, -sha256, -sha384, -sha512, "
                               "-sha512-224, -sha512-256");
    if (!sign && o->sig == NULL)
        return tool_usage(cmd, "no signature: give it with -sig FILE");
    if (o->saltlen != NULL && !o->pss)
        return tool_usage(cmd, "-saltlen applies to PSS signatures: add -pss");
    return 0;
}

/*
 * The salt length of -saltlen (default: digest to sign, auto to verify)
 * as fm_rsa_sign/verify take it; "max" to verify is resolved later.
 */
static int parse_saltlen(const char *cmd, bool sign, const char *arg, size_t *salt)
{
    char *end;
    unsigned long n;

    if (arg == NULL)
        *salt = sign ? FM_RSA_PSS_SALT_DIGEST : FM_RSA_PSS_SALT_AUTO;
    else if (strcmp(arg, "digest") == 0)
        *salt = FM_RSA_PSS_SALT_DIGEST;
    else if (strcmp(arg, "max") == 0)
        *salt = FM_RSA_PSS_SALT_MAX;
    else if (strcmp(arg, "auto") == 0 && !sign)
        *salt = FM_RSA_PSS_SALT_AUTO;
    else if (strcmp(arg, "auto") == 0)
        return tool_usage(cmd, "-saltlen auto applies to verification; to sign, give N, "
                               "digest or max");
    else {
        n = strtoul(arg, &end, 10);
        if (arg[0] < '0' || arg[0] > '9' || *end != '\0' || n > FM_RSA_MAX_BYTES)
            return tool_usage(cmd, "-saltlen takes a number of bytes, digest, max%s; not '%s'",
                              sign ? "" : " or auto", arg);
        *salt = n;
    }
    return 0;
}

/* The largest PSS salt for the key and digest: emLen - hLen - 2 (RFC 8017 9.1.1). */
static size_t max_salt(size_t bits, size_t hlen)
{
    size_t emlen = (bits - 1 + 7) / 8;

    return emlen >= hlen + 2 ? emlen - hlen - 2 : 0;
}

/* RSA: PKCS#1 v1.5 or PSS, the raw signature (the modulus length). */
static int rsa_sign_file(const struct sig_opts *o, size_t salt, fm_rsa_key *key)
{
    uint8_t md[FM_HASH_MAX_LEN];
    uint8_t *sig = NULL;
    size_t mdlen = 0, bits, siglen = 0;
    int status;
    int rc;

    siglen = tool_rsa_key_bytes(key, &bits);
    (void)fm_hash_digest_len(o->hash->alg, &mdlen);
    if (o->pss && salt <= FM_RSA_MAX_BYTES && salt > max_salt(bits, mdlen)) {
        status = tool_usage("sign", "a %zu-byte salt is too long for a %zu-bit key with %s: "
                            "at most %zu bytes", salt, bits, o->hash->option + 1,
                            max_salt(bits, mdlen));
        goto out;
    }
    status = tool_hash_file("sign", o->in, o->hash->alg, md, &mdlen);
    if (status != TOOL_EXIT_OK)
        goto out;
    sig = malloc(siglen);
    if (sig == NULL) {
        tool_error("sign: out of memory");
        status = TOOL_EXIT_FAIL;
        goto out;
    }
    rc = fm_rsa_sign(key, o->pss ? FM_RSA_PSS : FM_RSA_PKCS1, o->hash->alg, md, mdlen, salt,
                     sig, siglen);
    if (rc == FM_ERR_LENGTH) {
        tool_error("sign: %s: a %zu-bit key is too short for %s with %s and this salt length "
                   "(fm_rsa_sign: %s)", o->key, bits, o->pss ? "PSS" : "PKCS#1 v1.5",
                   o->hash->option + 1, tool_fm_error(rc));
        status = TOOL_EXIT_FAIL;
        goto out;
    }
    if (rc != FM_OK) {
        tool_error("sign: %s: fm_rsa_sign: %s", o->key, tool_fm_error(rc));
        status = TOOL_EXIT_FAIL;
        goto out;
    }
    status = tool_write_file("sign", o->out, sig, siglen, false);
out:
    (void)fm_wipe(md, sizeof md);
    tool_free_wiped(sig, siglen);
    return status;
}

/* ECDSA: the DER ECDSA-Sig-Value, k from the module's DRBG. */
static int ecdsa_sign_file(const struct sig_opts *o, const fm_ec_key *key)
{
    uint8_t md[FM_HASH_MAX_LEN], sig[FM_ECDSA_SIG_MAX_LEN];
    size_t mdlen = 0, siglen = 0;
    int status;
    int rc;

    status = tool_hash_file("sign", o->in, o->hash->alg, md, &mdlen);
    if (status != TOOL_EXIT_OK)
        goto out;
    rc = fm_ecdsa_sign(key, o->hash->alg, md, mdlen, FM_ECDSA_DER, sig, sizeof sig, &siglen);
    if (rc != FM_OK) {
        tool_error("sign: %s: fm_ecdsa_sign: %s", o->key, tool_fm_error(rc));
        status = TOOL_EXIT_FAIL;
        goto out;
    }
    status = tool_write_file("sign", o->out, sig, siglen, false);
out:
    (void)fm_wipe(md, sizeof md);
    return status;
}

/* -pss and -saltlen with an EC key: a usage error, named. */
static int no_pss_for_ec(const char *cmd, const struct sig_opts *o)
{
    return tool_usage(cmd, "-pss and -saltlen apply to RSA keys; %s holds an EC key (ECDSA "
                           "takes neither)", o->key);
}

static int sign_run(int argc, char **argv)
{
    struct sig_opts o;
    struct tool_key key;
    size_t salt;
    int status;

    status = parse("sign", true, argc, argv, &o);
    if (status == 0)
        status = parse_saltlen("sign", true, o.saltlen, &salt);
    if (status != 0)
        return status;
    status = tool_key_load("sign", o.key, TOOL_KEY_PRIVATE, &key);
    if (status != TOOL_EXIT_OK)
        return status;
    if (key.type == FM_KEY_TYPE_EC && o.pss)
        status = no_pss_for_ec("sign", &o);
    else if (key.type == FM_KEY_TYPE_EC)
        status = ecdsa_sign_file(&o, &key.ec);
    else
        status = rsa_sign_file(&o, salt, &key.rsa);
    tool_key_wipe(&key);
    return status;
}

/* RSA: "Verified OK" or "Verification failure", as openssl dgst -verify. */
static int rsa_verify_file(const struct sig_opts *o, size_t salt, const fm_rsa_key *key)
{
    uint8_t md[FM_HASH_MAX_LEN];
    uint8_t *sig = NULL;
    size_t mdlen = 0, bits, k, siglen = 0;
    int status;
    int rc;

    k = tool_rsa_key_bytes(key, &bits);
    (void)fm_hash_digest_len(o->hash->alg, &mdlen);
    if (o->pss && salt == FM_RSA_PSS_SALT_MAX)
        salt = max_salt(bits, mdlen);
    if (o->pss && salt <= FM_RSA_MAX_BYTES && salt > max_salt(bits, mdlen)) {
        status = tool_usage("verify", "a %zu-byte salt is too long for a %zu-bit key with %s: "
                            "at most %zu bytes", salt, bits, o->hash->option + 1,
                            max_salt(bits, mdlen));
        goto out;
    }
    status = tool_read_file("verify", o->sig, SIG_FILE_MAX, "signature", &sig, &siglen);
    if (status != TOOL_EXIT_OK)
        goto out;
    status = tool_hash_file("verify", o->in, o->hash->alg, md, &mdlen);
    if (status != TOOL_EXIT_OK)
        goto out;
    if (siglen != k) {
        /* As OpenSSL: a failed verification, with the reason on stderr. */
        tool_error("verify: %s: the signature is %zu bytes; a %zu-bit key's are %zu bytes",
                   tool_input_name(o->sig), siglen, bits, k);
        fputs("Verification failure\n", stdout);
        status = TOOL_EXIT_FAIL;
        goto out;
    }
    rc = fm_rsa_verify(key, o->pss ? FM_RSA_PSS : FM_RSA_PKCS1, o->hash->alg, md, mdlen, salt,
                       sig, siglen);
    if (rc == FM_OK) {
        fputs("Verified OK\n", stdout);
        status = TOOL_EXIT_OK;
    } else if (rc == FM_ERR_VERIFY) {
        fputs("Verification failure\n", stdout);
        status = TOOL_EXIT_FAIL;
    } else {
        tool_error("verify: %s: fm_rsa_verify: %s", o->key, tool_fm_error(rc));
        status = TOOL_EXIT_FAIL;
    }
out:
    (void)fm_wipe(md, sizeof md);
    tool_free_wiped(sig, SIG_FILE_MAX + 1);
    return status;
}

/* ECDSA: any signature the module does not accept is a failure, as in OpenSSL. */
static int ecdsa_verify_file(const struct sig_opts *o, const fm_ec_key *key)
{
    uint8_t md[FM_HASH_MAX_LEN];
    uint8_t *sig = NULL;
    size_t mdlen = 0, siglen = 0;
    int status;
    int rc;

    status = tool_read_file("verify", o->sig, SIG_FILE_MAX, "signature", &sig, &siglen);
    if (status != TOOL_EXIT_OK)
        goto out;
    status = tool_hash_file("verify", o->in, o->hash->alg, md, &mdlen);
    if (status != TOOL_EXIT_OK)
        goto out;
    rc = fm_ecdsa_verify(key, o->hash->alg, md, mdlen, FM_ECDSA_DER, sig, siglen);
    if (rc == FM_OK) {
        fputs("Verified OK\n", stdout);
        status = TOOL_EXIT_OK;
    } else if (rc == FM_ERR_VERIFY) {
        fputs("Verification failure\n", stdout);
        status = TOOL_EXIT_FAIL;
    } else {
        tool_error("verify: %s: fm_ecdsa_verify: %s", o->key, tool_fm_error(rc));
        status = TOOL_EXIT_FAIL;
    }
out:
    (void)fm_wipe(md, sizeof md);
    tool_free_wiped(sig, SIG_FILE_MAX + 1);
    return status;
}

static int verify_run(int argc, char **argv)
{
    struct sig_opts o;
    struct tool_key key;
    size_t salt;
    int status;

    status = parse("verify", false, argc, argv, &o);
    if (status == 0)
        status = parse_saltlen("verify", false, o.saltlen, &salt);
    if (status != 0)
        return status;
    status = tool_key_load("verify", o.key, TOOL_KEY_PUBLIC, &key);
    if (status != TOOL_EXIT_OK)
        return status;
    if (key.type == FM_KEY_TYPE_EC && o.pss)
        status = no_pss_for_ec("verify", &o);
    else if (key.type == FM_KEY_TYPE_EC)
        status = ecdsa_verify_file(&o, &key.ec);
    else
        status = rsa_verify_file(&o, salt, &key.rsa);
    tool_key_wipe(&key);
    return status;
}

const struct tool_cmd tool_cmd_sign = {
    "sign",
    "RSA (PKCS#1 v1.5, PSS) or ECDSA signature of a file, as openssl dgst -sign",
    sign_help,
    sign_run,
};

const struct tool_cmd tool_cmd_verify = {
    "verify",
    "check an RSA or ECDSA signature of a file, as openssl dgst -verify",
    verify_help,
    verify_run,
};
