/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fipsmod elliptic curves: keys on P-256, P-384 and P-521 (SP 800-186
 * 3.2.1) and ECDSA (FIPS 186-5 section 6).
 *
 * Keys live in caller-owned fm_ec_key contexts. A private key is a scalar d
 * with 1 <= d < n, given and returned as a big-endian string of the curve's
 * byte length (FM_EC_BYTES); a public key is a point Q, given and returned
 * in the SEC 1 2.3.3 octet-string form: 04 || x || y (uncompressed) or
 * 02/03 || x (compressed). Every imported public key gets full validation
 * (SP 800-56A Rev. 3 5.6.2.3.3); every imported private key is checked to
 * lie in [1, n-1] and, when a public key comes with it, to match it.
 *
 * ECDSA takes the message digest, not the message (as ECDSA_sign does): the
 * caller hashes with fm_sha2 and passes the hash's identifier, whose output
 * length must match. The digest is truncated to the bit length of n as in
 * FIPS 186-5 6.4.1 step 2. Signatures are DER ECDSA-Sig-Value (RFC 3279
 * 2.2.3, the OpenSSL form) or fixed-width r || s (IEEE P1363).
 *
 * Key formats (SEC 1 ECPrivateKey, PKCS #8, SubjectPublicKeyInfo) are read
 * and written outside the module, by fipsmod/keys.h.
 */
#ifndef FIPSMOD_EC_H
#define FIPSMOD_EC_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Curves (SP 800-186 3.2.1). */
#define FM_EC_P256 1 /* secp256r1, prime256v1 */
#define FM_EC_P384 2 /* secp384r1 */
#define FM_EC_P521 3 /* secp521r1 */

/* Byte length of a field element and of a scalar: 32, 48, 66; 0 for others. */
#define FM_EC_BYTES(curve)                                                              \
    ((curve) == FM_EC_P256 ? 32u : (curve) == FM_EC_P384 ? 48u : (curve) == FM_EC_P521 ? 66u : 0u)
#define FM_EC_MAX_BYTES 66

/* Largest public key encoding (uncompressed P-521) and signature encodings. */
#define FM_EC_POINT_MAX_LEN (1 + 2 * FM_EC_MAX_BYTES)
#define FM_ECDSA_SIG_MAX_LEN 139 /* DER for P-521: 30 81 88 (02 42 r) (02 42 s) */

/* fm_ecdsa_sign / fm_ecdsa_verify flags. */
#define FM_ECDSA_DER           0u /* ECDSA-Sig-Value, DER (default) */
#define FM_ECDSA_P1363         1u /* r || s, each FM_EC_BYTES(curve) bytes */
#define FM_ECDSA_DETERMINISTIC 2u /* sign only: k from RFC 6979 (FIPS 186-5 A.3.3) */

/* Opaque; its size and alignment are part of the ABI. */
typedef struct {
    uint64_t opaque[64];
} fm_ec_key;

/*
 * Generate a key pair on `curve` (FIPS 186-5 A.2.2, rejection sampling,
 * with the module's DRBG) and run the pairwise consistency test on it; a
 * failed test puts the module in its error state (FM_ERR_SELFTEST).
 */
FM_EXPORT int fm_ec_key_generate(fm_ec_key *key, int curve);

/*
 * Import a key. `priv`: NULL for a public key, or the big-endian scalar d
 * (at most FM_EC_BYTES(curve) bytes; leading zeros allowed). `pub`: the SEC 1
 * encoding of Q, or NULL with a private key (Q is then computed). Returns
 * FM_ERR_KEY for d outside [1, n-1], a point not on the curve or out of
 * range, or a Q that does not match d; FM_ERR_DECODE for a malformed point
 * encoding (wrong length or first byte; the point at infinity, 00).
 */
FM_EXPORT int fm_ec_key_import(fm_ec_key *key, int curve, const uint8_t *priv, size_t priv_len,
                               const uint8_t *pub, size_t pub_len);

/*
 * Write the public key in SEC 1 form: 1 + 2 * FM_EC_BYTES bytes uncompressed,
 * 1 + FM_EC_BYTES compressed (compressed != 0). *len gets the length.
 */
FM_EXPORT int fm_ec_key_public_bytes(const fm_ec_key *key, int compressed, uint8_t *out,
                                     size_t cap, size_t *len);

/* Write d as exactly FM_EC_BYTES(curve) big-endian bytes (len must equal it). */
FM_EXPORT int fm_ec_key_private_bytes(const fm_ec_key *key, uint8_t *out, size_t len);

/* *curve = FM_EC_P*, *is_private = 1 for a private key. Either may be NULL. */
FM_EXPORT int fm_ec_key_info(const fm_ec_key *key, int *curve, int *is_private);

/* pub = the public key of key; pub may equal key. */
FM_EXPORT int fm_ec_key_public(fm_ec_key *pub, const fm_ec_key *key);

/* Zero the key context. FM_OK, or FM_ERR_ARG for NULL. */
FM_EXPORT int fm_ec_key_wipe(fm_ec_key *key);

/*
 * ECDSA signature (FIPS 186-5 6.4.1) of the digest `digest` (dlen = the
 * output length of `hash`, an FM_SHA* identifier). The per-message secret k
 * comes from the module's DRBG by rejection sampling (A.3.2), or from
 * RFC 6979 with FM_ECDSA_DETERMINISTIC. flags select the encoding; *siglen
 * gets its length (at most FM_ECDSA_SIG_MAX_LEN; 2 * FM_EC_BYTES for P1363).
 */
FM_EXPORT int fm_ecdsa_sign(const fm_ec_key *key, int hash, const uint8_t *digest, size_t dlen,
                            unsigned flags, uint8_t *sig, size_t cap, size_t *siglen);

/*
 * Verify an ECDSA signature (FIPS 186-5 6.4.2). FM_OK, or FM_ERR_VERIFY for
 * any signature that is not valid: malformed or non-minimal DER, trailing
 * bytes, r or s outside [1, n-1], or a wrong value.
 */
FM_EXPORT int fm_ecdsa_verify(const fm_ec_key *key, int hash, const uint8_t *digest, size_t dlen,
                              unsigned flags, const uint8_t *sig, size_t siglen);

#ifdef __cplusplus
}
#endif
#endif
