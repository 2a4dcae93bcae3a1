/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Key files for the fipsmod tool: reading the files OpenSSL writes and
 * writing the same bytes OpenSSL would (keyfile.c), for RSA and EC keys.
 *
 * Reading is in two layers, so that the key types share the first:
 *   tool_keyfile_read    a file (PEM or DER, detected) -> DER and its PEM
 *                        label; knows no algorithm, refuses encrypted keys,
 *                        skips the "EC PARAMETERS" block that
 *                        `openssl ecparam -genkey` writes before the key
 *   tool_rsa_key_load    -> an imported fm_rsa_key (commands that take RSA
 *                        keys only: encrypt, decrypt)
 *   tool_key_load        -> an imported RSA or EC key (genpkey, pkey, sign,
 *                        verify); the PEM label or fm_key_der_type decides
 *                        which
 * each with every refusal explained (form, label, the module's checks).
 * Writing: tool_rsa_key_write and tool_key_write encode a key in a form
 * (FM_KEY_FORM_*) as PEM or DER and write it with tool_write_file (private
 * forms mode 0600).
 *
 * Every function reports its own errors as "CMD: FILE: reason" on stderr
 * and returns a TOOL_EXIT_* status: TOOL_EXIT_FAIL for a file that cannot
 * be read or is not a valid key, TOOL_EXIT_UNSUPPORTED for a well-formed
 * key this tool does not handle (encrypted, multi-prime, RSASSA-PSS-only,
 * another algorithm or curve, explicit EC parameters, a size the module
 * does not take).
 */
#ifndef FIPSMOD_TOOL_KEYFILE_H
#define FIPSMOD_TOOL_KEYFILE_H

#include "tool.h"

#include <fipsmod/keys.h>

/*
 * The largest key file read. A PEM private key of 8192 bits is about
 * 6.5 KB, and OpenSSL's -text output before the PEM block adds about three
 * times the key size; 256 KiB leaves room for any of that and stops a
 * mistaken multi-gigabyte file early.
 */
#define TOOL_KEYFILE_MAX (256u * 1024u)

struct tool_keyfile {
    const char *name;             /* for messages: the path or "standard input" */
    bool pem;                     /* the file was PEM (else DER) */
    char label[FM_PEM_LABEL_MAX]; /* the PEM label; "" for DER */
    uint8_t *der;                 /* the key's DER: der[0..derlen) */
    size_t derlen;
    /* private */
    uint8_t *raw;                 /* the file, raw[0..rawcap) */
    size_t rawcap;
    uint8_t *dec;                 /* PEM decoded, dec[0..deccap) */
    size_t deccap;
};

/*
 * Read path (NULL or "-": standard input; at most TOOL_KEYFILE_MAX bytes)
 * and find the key's DER: a file containing a "-----BEGIN " line is PEM
 * (the first block is decoded; text around it is ignored), anything else
 * is taken as DER. Refused here: an empty file, "ENCRYPTED PRIVATE KEY"
 * and legacy encrypted PEM (TOOL_EXIT_UNSUPPORTED, with the openssl
 * command that decrypts them), a malformed PEM block. Returns TOOL_EXIT_OK
 * (free with tool_keyfile_free) or a status (reported; nothing to free).
 */
int tool_keyfile_read(const char *cmd, const char *path, struct tool_keyfile *kf);

/* Wipe and free everything kf holds. Safe on a zeroed or freed kf. */
void tool_keyfile_free(struct tool_keyfile *kf);

/* What tool_rsa_key_load and tool_key_load do with the key they find. */
enum tool_key_use {
    TOOL_KEY_AS_IS,        /* private or public, as the file holds it */
    TOOL_KEY_PRIVATE,      /* a private key is required (sign, decrypt) */
    TOOL_KEY_PUBLIC,       /* only n and e are imported (verify, encrypt) */
};

/*
 * Load an RSA key from a file in any of the forms of fipsmod/keys.h, PEM
 * (labels PRIVATE KEY, RSA PRIVATE KEY, PUBLIC KEY, RSA PUBLIC KEY) or
 * DER (the form is detected), and import it with fm_rsa_key_import, whose
 * refusal (an inconsistent key, a size outside 1024 .. 8192 bits) is
 * reported with fm_error_name's name. A PEM label that does not match its
 * contents is refused. *is_private (may be NULL) says what was imported.
 * Every copy of the key's bytes is wiped before returning; the caller
 * wipes *key (fm_rsa_key_wipe), which is zeroed on failure.
 */
int tool_rsa_key_load(const char *cmd, const char *path, enum tool_key_use use,
                      fm_rsa_key *key, bool *is_private);

/*
 * Encode key in form (FM_KEY_FORM_*; a public form of a private key gives
 * its public key) as PEM (pem true, with the form's label) or DER, into a
 * new buffer *out of *outcap bytes (free with tool_free_wiped(*out,
 * *outcap)); *outlen is the encoding's length. Returns TOOL_EXIT_OK or
 * TOOL_EXIT_FAIL (reported).
 */
int tool_rsa_key_encode(const char *cmd, const fm_rsa_key *key, int form, bool pem,
                        uint8_t **out, size_t *outlen, size_t *outcap);

/* tool_rsa_key_encode, then tool_write_file (secret for private forms). */
int tool_rsa_key_write(const char *cmd, const char *path, const fm_rsa_key *key, int form,
                       bool pem);

/* The modulus length of a key in bytes (0 if key is not a key). */
size_t tool_rsa_key_bytes(const fm_rsa_key *key, size_t *bits);

/*
 * A key of either type (tool_key_load). For an EC key it also remembers
 * how the file wrote it, because OpenSSL 3 writes a key back the same way:
 * a compressed point stays compressed, and a private key without the
 * optional publicKey field (`openssl ec -no_public`) stays without it.
 */
struct tool_key {
    int type;          /* FM_KEY_TYPE_RSA or FM_KEY_TYPE_EC */
    bool is_private;   /* what was imported */
    fm_rsa_key rsa;    /* FM_KEY_TYPE_RSA */
    fm_ec_key ec;      /* FM_KEY_TYPE_EC */
    int curve;         /* EC: FM_EC_P256, FM_EC_P384, FM_EC_P521 */
    bool compressed;   /* EC: write the point compressed (02/03 || x) */
    bool no_public;    /* EC: private forms without the publicKey field */
};

/*
 * Load an RSA key (as tool_rsa_key_load) or an EC key from a file in any
 * of the forms of fipsmod/keys.h: PEM with the labels PRIVATE KEY
 * (PKCS#8), EC PRIVATE KEY (SEC1), PUBLIC KEY (SPKI) and the RSA ones, or
 * DER of any form (detected). An EC key is imported with fm_ec_key_import,
 * which checks d, the point and that they match; with TOOL_KEY_PUBLIC only
 * its public key is imported. Every copy of the key's bytes is wiped
 * before returning; the caller wipes *key with tool_key_wipe (it is zeroed
 * on failure).
 */
int tool_key_load(const char *cmd, const char *path, enum tool_key_use use,
                  struct tool_key *key);

/* Zero a tool_key (fm_rsa_key_wipe / fm_ec_key_wipe). */
void tool_key_wipe(struct tool_key *key);

/*
 * Encode key in form as PEM (with the form's label) or DER and write it
 * to path with tool_write_file (secret for private forms). The form must
 * fit the key's type: FM_KEY_FORM_PKCS1_* are RSA only, FM_KEY_FORM_SEC1
 * is EC only; PKCS8 and SPKI are both. A public form of a private key
 * gives its public key. Returns TOOL_EXIT_OK or TOOL_EXIT_FAIL (reported).
 */
int tool_key_write(const char *cmd, const char *path, const struct tool_key *key, int form,
                   bool pem);

/*
 * The curve named by a command-line argument: P-256, P-384, P-521 (NIST
 * names, SP 800-186) or prime256v1, secp256r1, secp384r1, secp521r1
 * (OpenSSL's and SEC 2's), case-insensitive. 0 when unknown.
 */
int tool_ec_curve_by_name(const char *name);

/* "P-256", "P-384", "P-521" ("?" otherwise). */
const char *tool_ec_curve_name(int curve);

#endif
