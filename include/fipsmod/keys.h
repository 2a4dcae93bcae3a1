/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Key encodings: DER and PEM for RSA and EC keys (outside the module
 * boundary).
 *
 * These functions only translate between bytes and fm_rsa_components
 * (fipsmod/rsa.h) or fm_ec_components (below); they hold no keys, need no
 * fm_init(), and are not cryptographic services of the module. Whether a
 * key is mathematically valid (p * q = n, d, CRT values, sizes the module
 * approves; d in [1, n-1], a point on the curve that matches d) is checked
 * when the module imports it (fm_rsa_key_import, fm_ec_key_import); here
 * the checks are structural: strict DER (X.690 section 10: one encoding per
 * value, so a key that parses re-encodes to exactly its input bytes) and
 * sizes sane enough to hand on.
 *
 * RSA forms (FM_KEY_FORM_*), and the OpenSSL 3 commands that write them:
 *
 *   form          ASN.1 type                                 PEM label        openssl
 *   PKCS1_PRIVATE RSAPrivateKey (RFC 8017 A.1.2, version 0)  RSA PRIVATE KEY  pkey -traditional (PEM),
 *                                                                             pkey -outform DER (3.0)
 *   PKCS8         PrivateKeyInfo (RFC 5208 5, version 0)     PRIVATE KEY      pkey (PEM),
 *                                                                             pkcs8 -topk8 -nocrypt -outform DER
 *   PKCS1_PUBLIC  RSAPublicKey (RFC 8017 A.1.1)              RSA PUBLIC KEY   rsa -RSAPublicKey_out
 *   SPKI          SubjectPublicKeyInfo (RFC 5280 4.1)        PUBLIC KEY       pkey -pubout
 *
 * (OpenSSL 3.0's `pkey -outform DER` writes an RSA private key as PKCS#1,
 * whatever its PEM default; libcrypto's i2d_PKCS8_PRIV_KEY_INFO and
 * PEM_write_bio_PrivateKey write PKCS#8.)
 *
 * EC forms (P-256, P-384 and P-521 on named curves only), and the OpenSSL 3
 * commands that write them:
 *
 *   form   ASN.1 type                                    PEM label        openssl
 *   SEC1   ECPrivateKey (RFC 5915 3, SEC 1 C.4),         EC PRIVATE KEY   ec (PEM and -outform DER),
 *          version 1, with parameters                                     pkey -traditional (PEM),
 *                                                                         pkey -outform DER (3.0)
 *   PKCS8  PrivateKeyInfo (RFC 5208 5, version 0):       PRIVATE KEY      pkey (PEM), genpkey,
 *          id-ecPublicKey + namedCurve, holding an                        pkcs8 -topk8 -nocrypt -outform DER
 *          ECPrivateKey without parameters
 *   SPKI   SubjectPublicKeyInfo (RFC 5480 2):            PUBLIC KEY       pkey -pubout, ec -pubout
 *          id-ecPublicKey + namedCurve, the point
 *
 * The curve is always a namedCurve OID (RFC 5480 2.1.1.1): prime256v1 =
 * secp256r1 (1.2.840.10045.3.1.7), secp384r1 (1.3.132.0.34), secp521r1
 * (1.3.132.0.35); the algorithm is id-ecPublicKey (1.2.840.10045.2.1). The
 * private key d is an OCTET STRING of exactly the curve's byte length
 * (RFC 5915 3: ceiling(log2(n) / 8) octets, FM_EC_BYTES); the public key Q
 * is the SEC 1 2.3.3 octet string, uncompressed (04 || x || y) or
 * compressed (02/03 || x), as `openssl ec -conv_form` chooses, in a BIT
 * STRING. The publicKey field of an ECPrivateKey is optional (absent when
 * written by `openssl ec -no_public`). OpenSSL's PKCS#8 leaves the
 * parameters out of the inner ECPrivateKey (the AlgorithmIdentifier has
 * them); one that repeats them is accepted when they are the same curve,
 * and re-encoded without them, so that form alone is not byte-canonical.
 *
 * RSA PKCS#8 and SPKI carry the AlgorithmIdentifier rsaEncryption
 * (1.2.840.113549.1.1.1) whose parameters MUST be NULL (RFC 3279 2.3.1,
 * RFC 8017 A.1): absent parameters are refused (FM_ERR_DECODE) rather
 * than tolerated, so that every accepted input has exactly one encoding;
 * OpenSSL and every other common encoder write the NULL.
 *
 * Not supported (FM_ERR_UNSUPPORTED, which says "well formed, but not a
 * key these functions handle"; a caller may try another key type):
 *   - multi-prime keys (RSAPrivateKey version 1 with otherPrimeInfos);
 *   - RSASSA-PSS keys (id-RSASSA-PSS, 1.2.840.113549.1.1.10): their
 *     parameters restrict the key to one hash and salt length, which
 *     fm_rsa_components cannot carry, so accepting them as plain RSA keys
 *     would silently drop a restriction;
 *   - any other algorithm in a PKCS#8 or SPKI wrapper (for
 *     fm_rsa_der_parse EC keys, for fm_ec_der_parse RSA keys, ...);
 *   - EC keys on curves other than P-256, P-384 and P-521, with explicit
 *     parameters (specifiedCurve: `openssl ec -param_enc explicit`) or
 *     implicitCurve, or a public point in the X9.62 hybrid form (06/07);
 *   - encrypted PKCS#8 (EncryptedPrivateKeyInfo, RFC 5208 6, PEM label
 *     "ENCRYPTED PRIVATE KEY"): decrypt it first, e.g.
 *     `openssl pkey -in enc.pem -out key.pem`; this library has no
 *     password-based decryption (PBES2) outside the module;
 *   - PKCS#8 with attributes, and OneAsymmetricKey version 1 (RFC 5958);
 *   - legacy encrypted PEM (RFC 1421 headers such as "Proc-Type:").
 *
 * Buffers and errors. Callers pass every buffer; nothing is allocated.
 * Every function returns FM_OK or a negative FM_ERR_* code. On any error
 * every output is zeroed: components, *form, the whole of out[0..cap) (or
 * der[0..cap), label[0..labelcap)), and the length output, except that
 * FM_ERR_LENGTH (a buffer too small) sets the length output to the size
 * needed, so a call with a NULL buffer and cap 0 asks for the size.
 * Output buffers must not overlap the inputs.
 */
#ifndef FIPSMOD_KEYS_H
#define FIPSMOD_KEYS_H

#include "common.h"
#include "ec.h"
#include "rsa.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Key forms (the parsers report one; the encoders take one). */
#define FM_KEY_FORM_PKCS1_PRIVATE 1 /* RSAPrivateKey */
#define FM_KEY_FORM_PKCS8         2 /* PrivateKeyInfo */
#define FM_KEY_FORM_PKCS1_PUBLIC  3 /* RSAPublicKey */
#define FM_KEY_FORM_SPKI          4 /* SubjectPublicKeyInfo */
#define FM_KEY_FORM_SEC1          5 /* ECPrivateKey, RFC 5915 / SEC 1 C.4 */

/* Key types (fm_key_der_type reports one). */
#define FM_KEY_TYPE_RSA 1 /* for fm_rsa_der_parse */
#define FM_KEY_TYPE_EC  2 /* for fm_ec_der_parse */

/* PEM labels (RFC 7468 5, 10, 11, 13; the RSA ones as OpenSSL writes). */
#define FM_PEM_LABEL_PRIVATE_KEY           "PRIVATE KEY"           /* FM_KEY_FORM_PKCS8 */
#define FM_PEM_LABEL_RSA_PRIVATE_KEY       "RSA PRIVATE KEY"       /* FM_KEY_FORM_PKCS1_PRIVATE */
#define FM_PEM_LABEL_PUBLIC_KEY            "PUBLIC KEY"            /* FM_KEY_FORM_SPKI */
#define FM_PEM_LABEL_RSA_PUBLIC_KEY        "RSA PUBLIC KEY"        /* FM_KEY_FORM_PKCS1_PUBLIC */
#define FM_PEM_LABEL_EC_PRIVATE_KEY        "EC PRIVATE KEY"        /* FM_KEY_FORM_SEC1 */
#define FM_PEM_LABEL_ENCRYPTED_PRIVATE_KEY "ENCRYPTED PRIVATE KEY" /* not supported */

/* Largest RSA modulus accepted, in bits. */
#define FM_RSA_DER_MAX_BITS 16384

/*
 * The longest DER fm_rsa_der_encode can write and fm_rsa_der_parse can
 * accept: PKCS#8 of a 16384-bit key with every component 2048 octets long
 * (8 INTEGERs of 4 + 2049 octets, version, sequence headers, the
 * AlgorithmIdentifier and the OCTET STRING header). A buffer this size
 * holds any form of any supported key.
 */
#define FM_RSA_DER_MAX_LEN 16457

/* A label buffer of this size holds every label fm_pem_decode accepts
 * (labels are 1 to FM_PEM_LABEL_MAX - 1 characters). */
#define FM_PEM_LABEL_MAX 64

/*
 * Parse an RSA key in DER, detecting its form: PKCS#1 RSAPrivateKey,
 * PKCS#8 PrivateKeyInfo, PKCS#1 RSAPublicKey or SubjectPublicKeyInfo.
 *
 * On success *c points into der (the caller keeps der alive and wipes it
 * when done with a private key): each value is the INTEGER's magnitude
 * without the DER sign octet, so it has no leading zero octet. For public
 * forms c->d .. c->qinv are NULL with length 0. *form is set to the
 * FM_KEY_FORM_* found; form may be NULL.
 *
 * The whole of der[0..len) must be the one key: trailing bytes are an
 * error. Checked here: strict DER; n nonzero and at most
 * FM_RSA_DER_MAX_BITS bits; 0 < e < n; every private component nonzero
 * and no longer than n. Not checked here: everything else (n odd, p * q
 * = n, the CRT values, minimum sizes): the module's import does that.
 *
 * Returns FM_OK; FM_ERR_ARG (c NULL, or der NULL with len != 0);
 * FM_ERR_DECODE (not valid DER, not one of the four structures, a value
 * out of the ranges above, rsaEncryption without NULL parameters, a
 * PKCS#1 version other than 0 or 1, a version 1 without otherPrimeInfos,
 * a PKCS#8 version above 1);
 * FM_ERR_UNSUPPORTED (a well-formed key of a kind listed at the top of
 * this file: multi-prime, RSASSA-PSS, another algorithm, encrypted
 * PKCS#8, PKCS#8 attributes or version 1, a modulus over
 * FM_RSA_DER_MAX_BITS bits). On error *c and *form are zeroed.
 */
FM_EXPORT int fm_rsa_der_parse(fm_rsa_components *c, int *form,
                               const uint8_t *der, size_t len);

/*
 * Encode the key c in `form` as DER into out[0..cap) and set *outlen to
 * its length. The encoding is minimal DER and byte for byte what OpenSSL
 * 3 writes for the same key in that form (the commands in the table
 * above): PKCS#8 version 0 without attributes, rsaEncryption with NULL
 * parameters.
 *
 * Values in c may have leading zero octets (they are stripped). Public
 * forms use only n and e, so a private key's components give its public
 * key. Private forms need all eight components.
 *
 * A buffer of FM_RSA_DER_MAX_LEN octets is always enough; out may be NULL
 * with cap 0 to ask for the size.
 *
 * Returns FM_OK; FM_ERR_ARG (outlen or c NULL, out NULL with cap != 0, an
 * unknown form, a component the form needs that is NULL or empty);
 * FM_ERR_KEY (n or e zero, e >= n, a private component zero or longer than
 * n); FM_ERR_UNSUPPORTED (n over FM_RSA_DER_MAX_BITS bits); FM_ERR_LENGTH
 * (cap too small: *outlen is set to the length needed). On every error
 * out[0..cap) is zeroed.
 */
FM_EXPORT int fm_rsa_der_encode(uint8_t *out, size_t cap, size_t *outlen,
                                int form, const fm_rsa_components *c);

/*
 * Which parser takes the DER key der[0..len): *type = FM_KEY_TYPE_RSA
 * (PKCS#1 RSAPrivateKey or RSAPublicKey; PKCS#8 or SPKI with rsaEncryption
 * or id-RSASSA-PSS) or FM_KEY_TYPE_EC (SEC1 ECPrivateKey; PKCS#8 or SPKI
 * with id-ecPublicKey). Only the outline is read: the outer SEQUENCE, the
 * tags of its first two elements and the algorithm's OID; the parser named
 * does every other check and may still refuse the key (an RSASSA-PSS key,
 * an EC key on another curve, ...).
 *
 * Returns FM_OK; FM_ERR_ARG (type NULL, or der NULL with len != 0);
 * FM_ERR_DECODE (not the outline of any of those structures);
 * FM_ERR_UNSUPPORTED (a PKCS#8 or SPKI of another algorithm, or an
 * EncryptedPrivateKeyInfo). On error *type is 0.
 */
FM_EXPORT int fm_key_der_type(const uint8_t *der, size_t len, int *type);

/* EC key components: what fm_ec_der_parse finds and fm_ec_der_encode takes. */
typedef struct {
    int curve;                    /* FM_EC_P256, FM_EC_P384, FM_EC_P521 */
    const uint8_t *priv;          /* d, exactly FM_EC_BYTES(curve) octets, big-endian; */
    size_t priv_len;              /*   NULL (length 0) in a public key */
    const uint8_t *pub;           /* Q, SEC 1 2.3.3 (04 || x || y or 02/03 || x); NULL */
    size_t pub_len;               /*   in a private key that has no publicKey field */
} fm_ec_components;

/*
 * The longest DER fm_ec_der_parse accepts: PKCS#8 of a P-521 key with an
 * uncompressed point whose inner ECPrivateKey repeats the parameters. The
 * longest fm_ec_der_encode writes is 241 octets (the same without them). A
 * buffer this size holds any form of any supported EC key.
 */
#define FM_EC_DER_MAX_LEN 250

/*
 * Parse an EC key in DER, detecting its form: SEC1 ECPrivateKey, PKCS#8
 * PrivateKeyInfo or SubjectPublicKeyInfo (the table at the top).
 *
 * On success *c points into der (the caller keeps der alive and wipes it
 * when done with a private key). c->curve is the named curve; c->priv is
 * the privateKey octets (NULL in SPKI); c->pub the point's octets, NULL
 * when a private key has no publicKey field. *form is set to the
 * FM_KEY_FORM_* found; form may be NULL.
 *
 * The whole of der[0..len) must be the one key: trailing bytes are an
 * error. Checked here: strict DER; the structure; the curve; the private
 * key's length (exactly FM_EC_BYTES(curve)); the point's shape (length and
 * first octet for the curve). Not checked here: d in [1, n-1], the point
 * on the curve, d and Q matching: fm_ec_key_import does that.
 *
 * Returns FM_OK; FM_ERR_ARG (c NULL, or der NULL with len != 0);
 * FM_ERR_DECODE (not valid DER, not one of the three structures (RSA's
 * PKCS#1 structures included), an ECPrivateKey version other than 1, a
 * PKCS#8 version above 1, id-ecPublicKey without parameters, a standalone
 * ECPrivateKey without parameters, inner parameters that differ from the
 * PKCS#8 AlgorithmIdentifier's, a privateKey of the wrong length, a point
 * of the wrong length or first octet, the point at infinity);
 * FM_ERR_UNSUPPORTED (a well-formed key of a kind listed at the top of
 * this file: another curve, explicit or implicit parameters, a hybrid
 * point, another algorithm, encrypted PKCS#8, PKCS#8 attributes or version
 * 1). On error *c and *form are zeroed.
 */
FM_EXPORT int fm_ec_der_parse(fm_ec_components *c, int *form, const uint8_t *der, size_t len);

/*
 * Encode the EC key c in `form` (FM_KEY_FORM_SEC1, FM_KEY_FORM_PKCS8 or
 * FM_KEY_FORM_SPKI) as DER into out[0..cap) and set *outlen to its length:
 * byte for byte what OpenSSL 3 writes for the same key in that form (the
 * commands in the table at the top): SEC1 with the namedCurve parameters,
 * PKCS#8 version 0 without attributes whose ECPrivateKey leaves them out.
 * The point is written as given (uncompressed or compressed); a private
 * form without c->pub has no publicKey field, as `openssl ec -no_public`
 * writes (to match OpenSSL's default, pass the public key:
 * fm_ec_key_public_bytes).
 *
 * The SPKI form uses only curve and pub, so a private key's components
 * with its point give its public key. A buffer of FM_EC_DER_MAX_LEN octets
 * is always enough; out may be NULL with cap 0 to ask for the size.
 *
 * Returns FM_OK; FM_ERR_ARG (outlen or c NULL, out NULL with cap != 0, an
 * unknown form or curve, priv NULL in a private form, pub NULL in SPKI);
 * FM_ERR_KEY (priv_len other than FM_EC_BYTES(curve); a point whose length
 * and first octet are not an uncompressed or compressed point of the
 * curve); FM_ERR_LENGTH (cap too small: *outlen is set to the length
 * needed). On every error out[0..cap) is zeroed.
 */
FM_EXPORT int fm_ec_der_encode(uint8_t *out, size_t cap, size_t *outlen, int form,
                               const fm_ec_components *c);

/*
 * Decode the first PEM block (RFC 7468) in pem[0..pemlen): its DER into
 * der[0..cap), *derlen set to its length, and its label as a
 * NUL-terminated string into label[0..labelcap) (label may be NULL with
 * labelcap 0 when the caller does not want it). The caller dispatches on
 * the label (FM_PEM_LABEL_*); this function accepts any label.
 *
 * Accepted, per RFC 7468 section 2 and 3:
 *   - any text before the "-----BEGIN <label>-----" line, which must start
 *     a line, and any text after the matching "-----END <label>-----";
 *     boundary lines may end in spaces or tabs, then CRLF, LF or CR (or,
 *     for END, the end of the input);
 *   - a label of 1 to FM_PEM_LABEL_MAX - 1 characters in the RFC 7468
 *     grammar (printable ASCII, single '-' or space only between other
 *     characters);
 *   - a body of standard base64 (RFC 4648 4) with whitespace (space, tab,
 *     CR, LF, VT, FF) anywhere and lines of any length; the padding is
 *     required and correct ('=' only at the end, total a multiple of 4)
 *     and the unused bits of the last character are zero, so every DER
 *     has exactly one accepted body modulo whitespace.
 * The base64 alphabet is decoded without secret-dependent table lookups
 * or branches (a private key's PEM is secret).
 *
 * Returns FM_OK; FM_ERR_ARG (derlen NULL, der NULL with cap != 0, label
 * NULL with labelcap != 0, pem NULL with pemlen != 0); FM_ERR_DECODE (no
 * BEGIN line, a malformed boundary, END label different from BEGIN, no
 * END, a character outside base64 and whitespace, bad padding, an empty
 * body); FM_ERR_UNSUPPORTED (RFC 1421 headers such as "Proc-Type:
 * 4,ENCRYPTED" of legacy encrypted PEM); FM_ERR_LENGTH (der or label too
 * small: *derlen is set to the DER length needed). On error der[0..cap)
 * and label[0..labelcap) are zeroed.
 */
FM_EXPORT int fm_pem_decode(uint8_t *der, size_t cap, size_t *derlen,
                            char *label, size_t labelcap,
                            const char *pem, size_t pemlen);

/*
 * Encode der[0..derlen) as PEM with `label` into out[0..cap): the BEGIN
 * line, base64 in lines of 64 characters, the END line, each ended by
 * "\n", then a NUL. Byte for byte OpenSSL's PEM_write_bio_* output.
 *
 * On success *outlen is the length of the text WITHOUT the NUL (what to
 * write to a file); cap must be at least *outlen + 1. On FM_ERR_LENGTH,
 * *outlen is the capacity needed INCLUDING the NUL, so
 * fm_pem_encode(NULL, 0, &need, ...) gives the size of the buffer to pass.
 *
 * Returns FM_OK; FM_ERR_ARG (outlen, label or der NULL, out NULL with cap
 * != 0, a label outside the RFC 7468 grammar or of FM_PEM_LABEL_MAX
 * characters or more); FM_ERR_LENGTH (derlen 0 (then *outlen is 0), or
 * cap too small). On every error out[0..cap) is zeroed.
 */
FM_EXPORT int fm_pem_encode(char *out, size_t cap, size_t *outlen,
                            const char *label, const uint8_t *der, size_t derlen);

#ifdef __cplusplus
}
#endif
#endif
