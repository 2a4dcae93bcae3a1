/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The DER writer of the key tests. See tu_der.h.
 */
#include "tu_der.h"

#include <stdlib.h>
#include <string.h>

void tu_der_put(tu_der *t, const void *p, size_t n)
{
    if (t->n + n > t->cap) {
        t->cap = (t->n + n) * 2 + 64;
        t->p = realloc(t->p, t->cap);
        assert_non_null(t->p);
    }
    if (n > 0)
        memcpy(t->p + t->n, p, n);
    t->n += n;
}

void tu_der_byte(tu_der *t, uint8_t b)
{
    tu_der_put(t, &b, 1);
}

void tu_der_len(tu_der *t, size_t len)
{
    if (len < 0x80) {
        tu_der_byte(t, (uint8_t)len);
    } else if (len < 0x100) {
        tu_der_byte(t, 0x81);
        tu_der_byte(t, (uint8_t)len);
    } else {
        tu_der_byte(t, 0x82);
        tu_der_byte(t, (uint8_t)(len >> 8));
        tu_der_byte(t, (uint8_t)len);
    }
}

void tu_der_tlv(tu_der *t, uint8_t tag, const void *content, size_t n)
{
    tu_der_byte(t, tag);
    tu_der_len(t, n);
    tu_der_put(t, content, n);
}

void tu_der_wrap(tu_der *t, uint8_t tag)
{
    tu_der o = { 0 };

    tu_der_tlv(&o, tag, t->p, t->n);
    free(t->p);
    *t = o;
}

void tu_der_uint(tu_der *t, const uint8_t *m, size_t n)
{
    size_t sign = n > 0 && (m[0] & 0x80) ? 1 : 0;

    tu_der_byte(t, 0x02);
    tu_der_len(t, n + sign);
    if (sign)
        tu_der_byte(t, 0);
    tu_der_put(t, m, n);
}

void tu_der_free(tu_der *t)
{
    free(t->p);
    memset(t, 0, sizeof *t);
}

void tu_der_pkcs8(tu_der *t, uint8_t version, const uint8_t *algid, size_t algidlen,
                  const uint8_t *key, size_t keylen, const uint8_t *extra, size_t extralen)
{
    tu_der_tlv(t, 0x02, &version, 1);
    tu_der_put(t, algid, algidlen);
    tu_der_tlv(t, 0x04, key, keylen);
    tu_der_put(t, extra, extralen);
    tu_der_wrap(t, 0x30);
}

void tu_der_spki(tu_der *t, const uint8_t *algid, size_t algidlen, uint8_t unused,
                 const uint8_t *key, size_t keylen)
{
    tu_der bits = { 0 };

    tu_der_byte(&bits, unused);
    tu_der_put(&bits, key, keylen);
    tu_der_put(t, algid, algidlen);
    tu_der_tlv(t, 0x03, bits.p, bits.n);
    tu_der_wrap(t, 0x30);
    tu_der_free(&bits);
}
