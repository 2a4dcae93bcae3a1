/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A DER writer for the key tests (test_keys.c, test_ec_keys.c), which
 * build hand-made and deliberately malformed inputs: a growable buffer,
 * TLVs with minimal definite lengths (X.690 8.1.3, up to 0xffff), and the
 * PKCS#8 PrivateKeyInfo (RFC 5208 section 5) and X.509
 * SubjectPublicKeyInfo (RFC 5280 section 4.1) envelopes around any
 * algorithm's key. Nothing is checked: callers pass whatever bytes the
 * test needs, malformed ones included. Allocation failures fail the test.
 */
#ifndef FIPSMOD_TU_DER_H
#define FIPSMOD_TU_DER_H

#include "testutil.h"

/* The bytes written so far: p[0..n); zero-initialise ({ 0 }) to start. */
typedef struct {
    uint8_t *p;
    size_t n, cap;
} tu_der;

void tu_der_put(tu_der *t, const void *p, size_t n);
void tu_der_byte(tu_der *t, uint8_t b);
/* A minimal definite length (short form, 81 xx or 82 xx xx). */
void tu_der_len(tu_der *t, size_t len);
void tu_der_tlv(tu_der *t, uint8_t tag, const void *content, size_t n);
/* Wrap t's bytes in a TLV of `tag` (t becomes the TLV). */
void tu_der_wrap(tu_der *t, uint8_t tag);
/* A minimal INTEGER for a magnitude (no leading zeros given). */
void tu_der_uint(tu_der *t, const uint8_t *m, size_t n);
/* Free the buffer and zero t. */
void tu_der_free(tu_der *t);

/*
 * Append PrivateKeyInfo { INTEGER version, algid (a whole TLV),
 * OCTET STRING key, extra (whole TLVs or anything) } to t's bytes and wrap
 * the whole of t in the SEQUENCE.
 */
void tu_der_pkcs8(tu_der *t, uint8_t version, const uint8_t *algid, size_t algidlen,
                  const uint8_t *key, size_t keylen, const uint8_t *extra, size_t extralen);

/*
 * Append SubjectPublicKeyInfo { algid (a whole TLV), BIT STRING (`unused`
 * bits octet, key) } likewise.
 */
void tu_der_spki(tu_der *t, const uint8_t *algid, size_t algidlen, uint8_t unused,
                 const uint8_t *key, size_t keylen);

#endif
