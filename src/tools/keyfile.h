/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Key files for the fipsmod tool: reading the files OpenSSL writes and
 * writing the same bytes OpenSSL would (keyfile.c).
 *
 * Reading is in two layers, so that other key types can share the first:
 *   tool_keyfile_read    a file (PEM or DER, detected) -> DER and its PEM
 *                        label; knows no algorithm, refuses encrypted keys
 *   tool_rsa_key_load    -> an imported fm_rsa_key, with every refusal
 *                        explained (form, label, the module's checks)
 * Writing: tool_rsa_key_write encodes a key in a form (FM_KEY_FORM_*) as
 * PEM or DER and writes it with tool_write_file (private forms mode 0600).
 *
 * Every function reports its own errors as "CMD: FILE: reason" on stderr
 * and returns a TOOL_EXIT_* status: TOOL_EXIT_FAIL for a file that cannot
 * be read or is not a valid key, TOOL_EXIT_UNSUPPORTED for a well-formed
 * key this tool does not handle (encrypted, multi-prime, RSASSA-PSS-only,
 * another algorithm, a size the module does not take).
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

/* What tool_rsa_key_load does with the key it finds. */
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

#endif
