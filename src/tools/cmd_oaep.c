/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `fipsmod encrypt` and `fipsmod decrypt`: RSA-OAEP (RFC 8017 7.1,
 * SP 800-56Br2 7.2.2) of one short message, with the same SHA-2 digest for
 * the label hash and MGF1, interoperable with
 *   openssl pkeyutl -encrypt|-decrypt -pkeyopt rsa_padding_mode:oaep
 *       -pkeyopt rsa_oaep_md:DIGEST -pkeyopt rsa_mgf1_md:DIGEST
 *       [-pkeyopt rsa_oaep_label:HEX]
 *
 * RSA encrypts at most k - 2 hLen - 2 bytes (k the modulus length): it
 * carries keys, not files. The input is read whole with that cap, and the
 * ciphertext is exactly k bytes.
 *
 * Decryption failures all look alike (FM_ERR_DECRYPT, one code and one
 * timing whatever the cause, RFC 8017 7.1.2 note): the message says so
 * and nothing is written. The recovered message is held in memory until
 * it is written (mode 0600 for a file) and wiped afterwards, as are the
 * key and the input.
 *
 * PKCS#1 v1.5 encryption is not offered: FIPS 140-3 no longer approves it
 * for key transport (SP 800-131Ar2), and its decryption is the classic
 * padding oracle. -oaep is still required, so that a command line copied
 * from OpenSSL, whose default is PKCS#1 v1.5, cannot silently mean
 * something else here.
 */
#include "keyfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char encrypt_help[] =
    "usage: fipsmod encrypt -pubkey FILE -oaep -DIGEST [-label HEX] [-in FILE]\n"
    "                       [-out FILE]\n"
    "\n"
    "Encrypt a short message (standard input or FILE) with RSA-OAEP (RFC 8017\n"
    "7.1; DIGEST for both the label hash and MGF1) and write the ciphertext,\n"
    "exactly the modulus length, as\n"
    "  openssl pkeyutl -encrypt -pubin -inkey FILE -pkeyopt rsa_padding_mode:oaep\n"
    "      -pkeyopt rsa_oaep_md:DIGEST -pkeyopt rsa_mgf1_md:DIGEST\n"
    "      [-pkeyopt rsa_oaep_label:HEX]\n"
    "does. The message may be at most k - 2*hLen - 2 bytes (k the modulus length,\n"
    "hLen the digest's): 190 bytes for a 2048-bit key with SHA-256. RSA carries\n"
    "keys; encrypt data with `fipsmod enc` under such a key.\n"
    "\n"
    "Options:\n"
    "  -pubkey FILE the public key; a private key file also works (its public\n"
    "               part is used). Any RSA key file: see `fipsmod help pkey`.\n"
    "  -oaep        the padding (required; the only one offered)\n"
    "  -sha224 -sha256 -sha384 -sha512 -sha512-224 -sha512-256\n"
    "               the digest for OAEP and MGF1 (required, exactly one)\n"
    "  -label HEX   the OAEP label (default: empty)\n"
    "  -in FILE     the message (default: standard input)\n"
    "  -out FILE    the ciphertext (default: standard output)\n"
    "  -h, --help   show this text\n"
    "\n"
    "Approved with a key of at least 2048 bits.\n"
    "\n"
    "Exit status: 0 on success; 1 for an unreadable or invalid key, a message\n"
    "too long for the key, an unreadable input or unwritable output, or a module\n"
    "error; 2 for a usage error; 3 for a key of a kind not supported.\n"
    "\n"
    "Examples:\n"
    "  fipsmod rand 32 > k.bin\n"
    "  fipsmod encrypt -pubkey pub.pem -oaep -sha256 -in k.bin -out k.enc\n"
    "  openssl pkeyutl -decrypt -inkey key.pem -in k.enc \\\n"
    "      -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 \\\n"
    "      -pkeyopt rsa_mgf1_md:sha256        # gives k.bin back\n";

static const char decrypt_help[] =
    "usage: fipsmod decrypt -key FILE -oaep -DIGEST [-label HEX] [-in FILE]\n"
    "                       [-out FILE]\n"
    "\n"
    "Decrypt an RSA-OAEP ciphertext (standard input or FILE, exactly the modulus\n"
    "length), as written by `fipsmod encrypt` or by\n"
    "  openssl pkeyutl -encrypt ... -pkeyopt rsa_padding_mode:oaep\n"
    "      -pkeyopt rsa_oaep_md:DIGEST -pkeyopt rsa_mgf1_md:DIGEST\n"
    "and write the message. The digest and label must be those used to encrypt.\n"
    "Every failure (wrong key, digest or label, altered ciphertext) is reported\n"
    "the same way, and nothing is written.\n"
    "\n"
    "Options:\n"
    "  -key FILE    the private key (any RSA private key file)\n"
    "  -oaep        the padding (required; the only one offered)\n"
    "  -sha224 -sha256 -sha384 -sha512 -sha512-224 -sha512-256\n"
    "               the digest for OAEP and MGF1 (required, exactly one)\n"
    "  -label HEX   the OAEP label (default: empty)\n"
    "  -in FILE     the ciphertext (default: standard input)\n"
    "  -out FILE    the message (default: standard output); a file gets mode\n"
    "               0600 and is written only after decryption succeeded\n"
    "  -h, --help   show this text\n"
    "\n"
    "Approved with a key of at least 2048 bits.\n"
    "\n"
    "Exit status: 0 on success; 1 when decryption fails, for an input that is\n"
    "not the modulus length, an unreadable or invalid key (or a public one), an\n"
    "unwritable output or a module error; 2 for a usage error; 3 for a key of a\n"
    "kind not supported.\n"
    "\n"
    "Examples:\n"
    "  fipsmod decrypt -key key.pem -oaep -sha256 -in k.enc -out k.bin\n"
    "  fipsmod decrypt -key key.pem -oaep -sha512 -label 6b6579 < k.enc\n";

/* The largest ciphertext file read: far more than any modulus, to say "wrong length". */
#define CT_FILE_MAX (64u * 1024u)

struct oaep_opts {
    const char *key, *in, *out, *label_hex;
    const struct tool_hash *hash;
    bool oaep;
};

static int parse(const char *cmd, bool enc, int argc, char **argv, struct oaep_opts *o)
{
    const char *keyopt = enc ? "-pubkey" : "-key";
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
        } else if (strcmp(arg, "-out") == 0) {
            status = tool_option_value(cmd, argc, argv, &i, &o->out, "a file name");
        } else if (strcmp(arg, "-label") == 0) {
            status = tool_option_value(cmd, argc, argv, &i, &o->label_hex, "the label in hex");
        } else if (strcmp(arg, "-oaep") == 0) {
            o->oaep = true;
        } else if (strcmp(arg, "-pkcs") == 0 || strcmp(arg, "-pkcs1") == 0) {
            status = tool_usage(cmd, "PKCS#1 v1.5 encryption is not offered (not approved, "
                                     "and a padding oracle); use -oaep");
        } else if (enc && strcmp(arg, "-key") == 0) {
            status = tool_usage(cmd, "give the key with -pubkey FILE (a private key file "
                                     "works too)");
        } else if (!enc && strcmp(arg, "-pubkey") == 0) {
            status = tool_usage(cmd, "decryption needs the private key: give it with "
                                     "-key FILE");
        } else {
            status = tool_unknown_option(cmd, arg);
        }
    }
    if (status != 0)
        return status;
    if (o->key == NULL)
        return tool_usage(cmd, "no key: give one with %s FILE", keyopt);
    if (!o->oaep)
        return tool_usage(cmd, "give the padding: -oaep (RSA-OAEP, the only one offered)");
    if (o->hash == NULL)
        return tool_usage(cmd, "no digest: give one of -sha224, -sha256, -sha384, -sha512, "
                               "-sha512-224, -sha512-256 (used for OAEP and MGF1)");
    return 0;
}

static int decode_label(const char *cmd, const char *hex, uint8_t **label, size_t *llen)
{
    int rc;

    *label = NULL;
    *llen = 0;
    if (hex == NULL)
        return 0;
    rc = tool_hex_decode_alloc(hex, label, llen);
    if (rc == -2) {
        tool_error("%s: out of memory", cmd);
        return TOOL_EXIT_FAIL;
    }
    if (rc != 0)
        return tool_usage(cmd, "the -label value is not hex (an even number of digits 0-9, "
                               "a-f, A-F)");
    return 0;
}

static int encrypt_run(int argc, char **argv)
{
    struct oaep_opts o;
    uint8_t *label = NULL, *msg = NULL, *ct = NULL;
    size_t llen = 0, mlen = 0, hlen = 0, bits, k = 0, cap = 0;
    char what[96];
    fm_rsa_key key;
    int status;
    int rc;

    memset(&key, 0, sizeof key);
    status = parse("encrypt", true, argc, argv, &o);
    if (status == 0)
        status = decode_label("encrypt", o.label_hex, &label, &llen);
    if (status != 0)
        goto out;
    status = tool_rsa_key_load("encrypt", o.key, TOOL_KEY_PUBLIC, &key, NULL);
    if (status != TOOL_EXIT_OK)
        goto out;
    k = tool_rsa_key_bytes(&key, &bits);
    (void)fm_hash_digest_len(o.hash->alg, &hlen);
    if (k < 2 * hlen + 2) {
        tool_error("encrypt: %s: a %zu-bit key is too short for RSA-OAEP with %s", o.key, bits,
                   o.hash->option + 1);
        status = TOOL_EXIT_FAIL;
        goto out;
    }
    cap = k - 2 * hlen - 2;
    snprintf(what, sizeof what, "message to encrypt with RSA-OAEP, a %zu-bit key and %s",
             bits, o.hash->option + 1);
    status = tool_read_file("encrypt", o.in, cap, what, &msg, &mlen);
    if (status != TOOL_EXIT_OK)
        goto out;
    ct = malloc(k);
    if (ct == NULL) {
        tool_error("encrypt: out of memory");
        status = TOOL_EXIT_FAIL;
        goto out;
    }
    rc = fm_rsa_oaep_encrypt(&key, o.hash->alg, label, llen, msg, mlen, ct, k);
    if (rc != FM_OK) {
        tool_error("encrypt: %s: fm_rsa_oaep_encrypt: %s", o.key, tool_fm_error(rc));
        status = TOOL_EXIT_FAIL;
        goto out;
    }
    status = tool_write_file("encrypt", o.out, ct, k, false);
out:
    (void)fm_rsa_key_wipe(&key);
    tool_free_wiped(msg, cap + 1);
    tool_free_wiped(ct, k);
    free(label);
    return status;
}

static int decrypt_run(int argc, char **argv)
{
    struct oaep_opts o;
    uint8_t *label = NULL, *ct = NULL, *msg = NULL;
    size_t llen = 0, ctlen = 0, mlen = 0, bits, k = 0;
    fm_rsa_key key;
    int status;
    int rc;

    memset(&key, 0, sizeof key);
    status = parse("decrypt", false, argc, argv, &o);
    if (status == 0)
        status = decode_label("decrypt", o.label_hex, &label, &llen);
    if (status != 0)
        goto out;
    status = tool_rsa_key_load("decrypt", o.key, TOOL_KEY_PRIVATE, &key, NULL);
    if (status != TOOL_EXIT_OK)
        goto out;
    k = tool_rsa_key_bytes(&key, &bits);
    status = tool_read_file("decrypt", o.in, CT_FILE_MAX, "ciphertext", &ct, &ctlen);
    if (status != TOOL_EXIT_OK)
        goto out;
    if (ctlen != k) {
        tool_error("decrypt: %s: the ciphertext is %zu bytes; a %zu-bit key's are exactly %zu "
                   "bytes; nothing written", tool_input_name(o.in), ctlen, bits, k);
        status = TOOL_EXIT_FAIL;
        goto out;
    }
    msg = malloc(k);
    if (msg == NULL) {
        tool_error("decrypt: out of memory");
        status = TOOL_EXIT_FAIL;
        goto out;
    }
    rc = fm_rsa_oaep_decrypt(&key, o.hash->alg, label, llen, ct, ctlen, msg, k, &mlen);
    if (rc == FM_ERR_DECRYPT) {
        tool_error("decrypt: %s: decryption failed: wrong key, digest or label, or an altered "
                   "ciphertext (fm_rsa_oaep_decrypt: %s); nothing written",
                   tool_input_name(o.in), tool_fm_error(rc));
        status = TOOL_EXIT_FAIL;
        goto out;
    }
    if (rc != FM_OK) {
        tool_error("decrypt: %s: fm_rsa_oaep_decrypt: %s", o.key, tool_fm_error(rc));
        status = TOOL_EXIT_FAIL;
        goto out;
    }
    status = tool_write_file("decrypt", o.out, msg, mlen, true);
out:
    (void)fm_rsa_key_wipe(&key);
    tool_free_wiped(msg, k);
    tool_free_wiped(ct, CT_FILE_MAX + 1);
    free(label);
    return status;
}

const struct tool_cmd tool_cmd_encrypt = {
    "encrypt",
    "RSA-OAEP encryption of a short message (a key), as openssl pkeyutl",
    encrypt_help,
    encrypt_run,
};

const struct tool_cmd tool_cmd_decrypt = {
    "decrypt",
    "RSA-OAEP decryption, as openssl pkeyutl -decrypt",
    decrypt_help,
    decrypt_run,
};
