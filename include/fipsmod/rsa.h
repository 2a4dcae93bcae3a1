/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RSA (FIPS 186-5, RFC 8017, SP 800-56Br2): keys, key generation,
 * RSASSA-PKCS1-v1_5 and RSASSA-PSS signatures, RSA-OAEP encryption, and
 * the RSADP primitive.
 *
 *     fm_rsa_key key;
 *     uint8_t digest[32], sig[256];
 *     fm_rsa_key_import(&key, &components);   // e.g. from fm_rsa_der_parse
 *     fm_hash(FM_SHA256, msg, len, digest, 32);
 *     fm_rsa_sign(&key, FM_RSA_PSS, FM_SHA256, digest, 32,
 *                 FM_RSA_PSS_SALT_DIGEST, sig, sizeof sig);
 *     fm_rsa_verify(&key, FM_RSA_PSS, FM_SHA256, digest, 32,
 *                   FM_RSA_PSS_SALT_DIGEST, sig, sizeof sig);
 *     fm_rsa_key_wipe(&key);
 *
 * Keys travel between the module and the encoders (fipsmod/keys.h: DER,
 * PEM) as fm_rsa_components: each value a big-endian unsigned integer
 * (leading zero bytes allowed), given by pointer and length. A public key
 * has n and e; a private key has all eight (two-prime keys only, RFC 8017
 * A.1.2 version 0).
 *
 * Sizes. Public operations (verify, encrypt): moduli of 1024 to 8192 bits.
 * Private operations (sign, decrypt, RSADP): 1024 to 8192 bits, with each
 * prime at least a quarter of the modulus' length (in 64-bit limbs) and
 * at most 4096 bits (every key OpenSSL generates qualifies; a key outside
 * this is refused with FM_ERR_UNSUPPORTED). Public exponents: odd,
 * 3 <= e < 2^256.
 *
 * Approved (fm_service_approved reports 1 after success; strict mode
 * refuses the rest with FM_ERR_NOT_APPROVED): key generation; signing
 * with a modulus of at least 2048 bits; verification with at least 1024
 * bits (FIPS 186-5 allows 1024 to 2047 bits for verifying legacy
 * signatures); OAEP and RSADP with at least 2048 bits; SHA-224 and up
 * (SHA-512/224 and SHA-512/256 included); a PSS salt of at most the hash
 * length (FIPS 186-5 5.4 (g)); a public exponent 2^16 < e < 2^256.
 *
 * Stack: no heap is used, so the work areas are on the caller's stack: up
 * to about 48 KB for a private-key operation and 72 KB for key generation
 * (gcc 12 -fstack-usage); threads with small stacks must allow for it.
 *
 * Every function returns FM_OK or a negative FM_ERR_*; every output is
 * zeroed on failure. The key context holds secrets (the private exponent,
 * the primes and CRT values): fm_rsa_key_wipe zeroes it. In the module's
 * error state every service here refuses with FM_ERR_STATE, and those
 * that take the key as writable (sign, OAEP decryption, RSADP) zero it.
 */
#ifndef FIPSMOD_RSA_H
#define FIPSMOD_RSA_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    const uint8_t *n, *e;                      /* modulus, public exponent */
    const uint8_t *d, *p, *q, *dp, *dq, *qinv; /* NULL (length 0) in a public key */
    size_t n_len, e_len;
    size_t d_len, p_len, q_len, dp_len, dq_len, qinv_len;
} fm_rsa_components;

#define FM_RSA_MIN_BITS 1024
#define FM_RSA_MAX_BITS 8192
#define FM_RSA_MAX_BYTES (FM_RSA_MAX_BITS / 8)

/* Paddings (signature schemes) for fm_rsa_sign / fm_rsa_verify. */
#define FM_RSA_PKCS1 1 /* RSASSA-PKCS1-v1_5, RFC 8017 8.2 */
#define FM_RSA_PSS   2 /* RSASSA-PSS with MGF1 of the same hash, RFC 8017 8.1 */

/*
 * PSS salt lengths besides 0 .. the largest the key allows:
 *   FM_RSA_PSS_SALT_DIGEST  the hash length (what OpenSSL's "digest" means)
 *   FM_RSA_PSS_SALT_MAX     the largest: emLen - hLen - 2 (signing only)
 *   FM_RSA_PSS_SALT_AUTO    any length, recovered from the signature
 *                           (verification only)
 */
#define FM_RSA_PSS_SALT_DIGEST ((size_t)-1)
#define FM_RSA_PSS_SALT_MAX    ((size_t)-2)
#define FM_RSA_PSS_SALT_AUTO   ((size_t)-3)

/* Opaque; its size and alignment are part of the ABI. */
typedef struct {
    uint64_t opaque[1400];
} fm_rsa_key;

/*
 * Load a key from its components. A private key is checked for
 * consistency: n = p * q, e * d = 1 mod lcm(p - 1, q - 1) or mod
 * (p - 1)(q - 1), dp = d mod (p - 1), dq = d mod (q - 1), qinv * q = 1
 * mod p, p and q odd and greater than 1. Returns FM_OK; FM_ERR_ARG
 * (NULL); FM_ERR_LENGTH (a modulus outside 1024 .. 8192 bits); FM_ERR_KEY
 * (n even, e even, e < 3 or e >= 2^256 or e >= n, a component out of
 * range, an inconsistent private key); FM_ERR_UNSUPPORTED (unbalanced
 * primes); FM_ERR_STATE. The key is zeroed on failure.
 */
FM_EXPORT int fm_rsa_key_import(fm_rsa_key *key, const fm_rsa_components *c);

/*
 * The key's components, written back to back into buf[0..cap), each at
 * its minimal length (no leading zero bytes), with c pointing into buf.
 * With private_parts 0 only n and e are written (the public key of a
 * private key). FM_RSA_EXPORT_LEN(bits) bytes are always enough. Returns
 * FM_OK; FM_ERR_ARG; FM_ERR_CONTEXT (not a key); FM_ERR_KEY (private
 * parts asked of a public key); FM_ERR_LENGTH (cap too small); buf and c
 * zeroed on failure.
 */
#define FM_RSA_EXPORT_LEN(bits) (((size_t)(bits) + 7) / 8 * 5 + 32)
FM_EXPORT int fm_rsa_key_export(const fm_rsa_key *key, int private_parts, uint8_t *buf,
                                size_t cap, fm_rsa_components *c);

/* *bits = the modulus length; *is_private = 1 for a private key. */
FM_EXPORT int fm_rsa_key_info(const fm_rsa_key *key, size_t *bits, int *is_private);

/* pub = the public key of key (key may be public). pub may equal key. */
FM_EXPORT int fm_rsa_key_public(fm_rsa_key *pub, const fm_rsa_key *key);

/* Zero the key context. FM_OK, or FM_ERR_ARG for NULL. */
FM_EXPORT int fm_rsa_key_wipe(fm_rsa_key *key);

/*
 * Generate a key pair (FIPS 186-5 A.1.3: random probable primes from the
 * module's DRBG, Miller-Rabin rounds of Table B.1, the |p - q| and d size
 * checks) of bits = 2048, 3072 or 4096 with public exponent e (0 for
 * 65537; odd, 2^16 < e < 2^64), then a pairwise consistency test: sign
 * and verify (its failure puts the module in the error state). The
 * generated key goes through the checks of fm_rsa_key_import as well.
 * Returns FM_OK, FM_ERR_ARG, FM_ERR_LENGTH (bits), FM_ERR_KEY (e),
 * FM_ERR_ENTROPY, FM_ERR_SELFTEST (the consistency test failed),
 * FM_ERR_INTERNAL (no prime found in 5 nlen/2 candidates, FIPS 186-5
 * A.1.3 step 4.7: practically impossible), FM_ERR_STATE; the key is
 * zeroed on failure. Approved.
 */
FM_EXPORT int fm_rsa_generate_key(fm_rsa_key *key, size_t bits, uint64_t e);

/*
 * Sign a digest (the caller hashes the message, e.g. with fm_hash): sig
 * gets exactly siglen = the modulus length in bytes. hash is FM_SHA224 ..
 * FM_SHA512_256 (PKCS#1 v1.5 takes all six too) and dlen its digest
 * length. For PSS, saltlen as above; the salt comes from the module's
 * DRBG; for PKCS#1 v1.5 it is ignored. The private operation uses CRT and
 * base blinding and is checked with the public exponent before the
 * signature is released. The key is not const: its blinding values are
 * refreshed on every call (under a lock inside the key: one key may sign
 * from several threads). Returns FM_OK, FM_ERR_ARG, FM_ERR_LENGTH (siglen,
 * dlen, salt too long for the key), FM_ERR_KEY (a public key),
 * FM_ERR_CONTEXT, FM_ERR_UNSUPPORTED (hash), FM_ERR_INTERNAL (the
 * check of the result failed), FM_ERR_NOT_APPROVED, FM_ERR_STATE.
 */
FM_EXPORT int fm_rsa_sign(fm_rsa_key *key, int padding, int hash, const uint8_t *digest,
                          size_t dlen, size_t saltlen, uint8_t *sig, size_t siglen);

/*
 * Verify a signature over a digest. Strict: PKCS#1 v1.5 accepts only the
 * exact encoding (DigestInfo with NULL parameters); PSS checks everything
 * of RFC 8017 9.1.2, with the salt length given (or FM_RSA_PSS_SALT_AUTO).
 * siglen must equal the modulus length. Returns FM_OK or FM_ERR_VERIFY
 * (any bad signature), or FM_ERR_ARG, FM_ERR_LENGTH, FM_ERR_CONTEXT,
 * FM_ERR_UNSUPPORTED, FM_ERR_NOT_APPROVED, FM_ERR_STATE.
 */
FM_EXPORT int fm_rsa_verify(const fm_rsa_key *key, int padding, int hash, const uint8_t *digest,
                            size_t dlen, size_t saltlen, const uint8_t *sig, size_t siglen);

/*
 * RSA-OAEP (RFC 8017 7.1, SP 800-56Br2 7.2.2) with hash for both the label
 * and MGF1. Encryption: out gets outlen = modulus bytes; the seed comes
 * from the module's DRBG; mlen at most k - 2 hLen - 2 (FM_ERR_LENGTH).
 * Decryption: out[0..cap) receives the message, *outlen its length; every
 * decryption failure (and a message longer than cap) is FM_ERR_DECRYPT,
 * with the same timing whatever the cause. The key is not const (see
 * fm_rsa_sign).
 */
FM_EXPORT int fm_rsa_oaep_encrypt(const fm_rsa_key *key, int hash, const uint8_t *label,
                                  size_t llen, const uint8_t *msg, size_t mlen, uint8_t *out,
                                  size_t outlen);
FM_EXPORT int fm_rsa_oaep_decrypt(fm_rsa_key *key, int hash, const uint8_t *label, size_t llen,
                                  const uint8_t *in, size_t inlen, uint8_t *out, size_t cap,
                                  size_t *outlen);

/*
 * The RSA decryption primitive RSADP (RFC 8017 5.1.2, SP 800-56Br2
 * 7.1.2): out = in^d mod n, both exactly the modulus length. in must be
 * below n - 1 and above 1 (FM_ERR_ARG otherwise, as 7.1.2 requires).
 * For key-transport schemes built outside the module and for ACVP.
 */
FM_EXPORT int fm_rsa_decrypt_primitive(fm_rsa_key *key, const uint8_t *in, size_t inlen,
                                       uint8_t *out, size_t outlen);

#ifdef __cplusplus
}
#endif
#endif
