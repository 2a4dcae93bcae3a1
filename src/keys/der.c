/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Strict DER (ITU-T X.690 (02/2021) clauses 8 and 10) for the key
 * encoders: a reader that accepts exactly the encodings a DER encoder
 * produces, and a writer that produces them. See der.h for the rules and
 * the error each violation gives.
 *
 * Only the subset the key formats need is supported: single-octet
 * identifiers (tag numbers 0..30) and definite lengths of at most two
 * octets (FM_DER_MAX_LEN). Everything is a window onto caller memory:
 * nothing is copied, nothing allocated, nothing recursive.
 */
#include "der.h"

#include <string.h>

/* Length octets of a definite length (X.690 8.1.3.3, 8.1.3.5). */
#define DER_MAX_LEN_OCTETS 2

void fm_der_reader_init(fm_der_reader *r, const uint8_t *p, size_t len)
{
    r->p = p;
    r->len = p != NULL ? len : 0;
}

int fm_der_at_end(const fm_der_reader *r)
{
    return r->len == 0;
}

int fm_der_end(const fm_der_reader *r)
{
    return r->len == 0 ? FM_OK : FM_ERR_DECODE;
}

/*
 * Decode the identifier and length octets at the reader's position:
 * identifier *tag, header size *hdr, content length *clen. Checks that the
 * content fits in what is left. Does not advance.
 */
static int read_header(const fm_der_reader *r, uint8_t *tag, size_t *hdr, size_t *clen)
{
    size_t nlen, i, v;
    uint8_t id, l0;

    if (r->len < 2)
        return FM_ERR_DECODE;
    id = r->p[0];
    /* 8.1.2.4: low five bits all ones = the high-tag-number form. */
    if ((id & 0x1f) == 0x1f)
        return FM_ERR_DECODE;
    l0 = r->p[1];
    if (l0 < 0x80) {
        nlen = 0;           /* short form, 8.1.3.4 */
        v = l0;
    } else {
        /* 0x80: indefinite form (8.1.3.6), not DER (10.1); 0xff: reserved
         * (8.1.3.5 c); more octets than DER_MAX_LEN_OCTETS: a length above
         * FM_DER_MAX_LEN or a non-minimal one. */
        nlen = l0 & 0x7fu;
        if (nlen == 0 || nlen > DER_MAX_LEN_OCTETS || r->len - 2 < nlen)
            return FM_ERR_DECODE;
        /* 10.1: minimum number of octets, so no leading zero octet ... */
        if (r->p[2] == 0)
            return FM_ERR_DECODE;
        v = 0;
        for (i = 0; i < nlen; i++)
            v = (v << 8) | r->p[2 + i];
        /* ... and no long form where the short form would do. */
        if (v < 0x80)
            return FM_ERR_DECODE;
    }
    if (v > FM_DER_MAX_LEN || v > r->len - 2 - nlen)
        return FM_ERR_DECODE;
    *tag = id;
    *hdr = 2 + nlen;
    *clen = v;
    return FM_OK;
}

int fm_der_peek_tag(const fm_der_reader *r, uint8_t *tag)
{
    size_t hdr, clen;

    return read_header(r, tag, &hdr, &clen);
}

int fm_der_next_is(const fm_der_reader *r, uint8_t tag)
{
    uint8_t t;

    return fm_der_peek_tag(r, &t) == FM_OK && t == tag;
}

int fm_der_read_any(fm_der_reader *r, uint8_t *tag, const uint8_t **val, size_t *vlen)
{
    size_t hdr, clen;
    uint8_t t;
    int rc;

    if ((rc = read_header(r, &t, &hdr, &clen)) != FM_OK)
        return rc;
    /* 0x00 is end-of-contents, which only the indefinite form uses. */
    if (t == 0x00)
        return FM_ERR_DECODE;
    *tag = t;
    *val = r->p + hdr;
    *vlen = clen;
    r->p += hdr + clen;
    r->len -= hdr + clen;
    return FM_OK;
}

int fm_der_read_tlv(fm_der_reader *r, uint8_t tag, const uint8_t **val, size_t *vlen)
{
    fm_der_reader save = *r;
    uint8_t t;
    int rc;

    if ((rc = fm_der_read_any(r, &t, val, vlen)) != FM_OK)
        return rc;
    if (t != tag) {
        *r = save;
        return FM_ERR_DECODE;
    }
    return FM_OK;
}

int fm_der_read_constructed(fm_der_reader *r, uint8_t tag, fm_der_reader *inner)
{
    const uint8_t *v;
    size_t n;
    int rc;

    /* 8.1.2.5: bit 6 set = constructed. */
    if ((tag & 0x20) == 0)
        return FM_ERR_DECODE;
    if ((rc = fm_der_read_tlv(r, tag, &v, &n)) != FM_OK)
        return rc;
    fm_der_reader_init(inner, v, n);
    return FM_OK;
}

int fm_der_read_sequence(fm_der_reader *r, fm_der_reader *inner)
{
    return fm_der_read_constructed(r, FM_DER_SEQUENCE, inner);
}

int fm_der_read_uint(fm_der_reader *r, const uint8_t **mag, size_t *mlen)
{
    fm_der_reader save = *r;
    const uint8_t *v;
    size_t n;
    int rc;

    if ((rc = fm_der_read_tlv(r, FM_DER_INTEGER, &v, &n)) != FM_OK)
        return rc;
    /* 8.3.1: one or more content octets. Bit 8 of the first is the sign
     * (8.3.3): a magnitude is never negative. 8.3.2: the first nine bits
     * are not all zero (nor all one: negative anyway). */
    if (n == 0 || (v[0] & 0x80) != 0 || (n > 1 && v[0] == 0 && (v[1] & 0x80) == 0)) {
        *r = save;
        return FM_ERR_DECODE;
    }
    if (n > 1 && v[0] == 0) {
        v++;
        n--;
    }
    *mag = v;
    *mlen = n;
    return FM_OK;
}

int fm_der_read_small_uint(fm_der_reader *r, uint32_t *out)
{
    fm_der_reader save = *r;
    const uint8_t *m;
    size_t n, i;
    uint32_t v = 0;
    int rc;

    if ((rc = fm_der_read_uint(r, &m, &n)) != FM_OK)
        return rc;
    if (n > 4) {
        *r = save;
        return FM_ERR_DECODE;
    }
    for (i = 0; i < n; i++)
        v = (v << 8) | m[i];
    *out = v;
    return FM_OK;
}

int fm_der_read_oid(fm_der_reader *r, const uint8_t **oid, size_t *len)
{
    fm_der_reader save = *r;
    const uint8_t *v;
    size_t n, i;
    int start = 1; /* at the first octet of a subidentifier */
    int rc;

    if ((rc = fm_der_read_tlv(r, FM_DER_OID, &v, &n)) != FM_OK)
        return rc;
    /* 8.19.2: each subidentifier in as few octets as possible (its first
     * octet is not 0x80), bit 8 set on all but its last octet. */
    for (i = 0; i < n; i++) {
        if (start && v[i] == 0x80)
            break;
        start = (v[i] & 0x80) == 0;
    }
    if (n == 0 || i != n || !start) {
        *r = save;
        return FM_ERR_DECODE;
    }
    *oid = v;
    *len = n;
    return FM_OK;
}

int fm_der_oid_is(const uint8_t *oid, size_t len, const uint8_t *want, size_t wantlen)
{
    return len == wantlen && memcmp(oid, want, len) == 0;
}

int fm_der_read_null(fm_der_reader *r)
{
    fm_der_reader save = *r;
    const uint8_t *v;
    size_t n;
    int rc;

    if ((rc = fm_der_read_tlv(r, FM_DER_NULL, &v, &n)) != FM_OK)
        return rc;
    if (n != 0) { /* 8.8.2 */
        *r = save;
        return FM_ERR_DECODE;
    }
    return FM_OK;
}

int fm_der_read_octet_string(fm_der_reader *r, const uint8_t **val, size_t *vlen)
{
    return fm_der_read_tlv(r, FM_DER_OCTET_STRING, val, vlen);
}

int fm_der_read_bit_string(fm_der_reader *r, const uint8_t **val, size_t *vlen)
{
    fm_der_reader save = *r;
    const uint8_t *v;
    size_t n;
    int rc;

    if ((rc = fm_der_read_tlv(r, FM_DER_BIT_STRING, &v, &n)) != FM_OK)
        return rc;
    /* 8.6.2.2: the first content octet counts the unused bits of the last;
     * keys are whole octets, so it must be 0. */
    if (n == 0 || v[0] != 0) {
        *r = save;
        return FM_ERR_DECODE;
    }
    *val = v + 1;
    *vlen = n - 1;
    return FM_OK;
}

/* ---- structures shared by the key formats ---------------------------------- */

int fm_der_open_sequence(const uint8_t *der, size_t len, fm_der_reader *seq)
{
    fm_der_reader top;
    int rc;

    fm_der_reader_init(&top, der, len);
    if ((rc = fm_der_read_sequence(&top, seq)) != FM_OK)
        return rc;
    return fm_der_end(&top);
}

int fm_der_read_algid(fm_der_reader *r, const uint8_t **oid, size_t *oidlen,
                      fm_der_reader *params)
{
    fm_der_reader save = *r, alg, rest;
    const uint8_t *v;
    size_t vlen;
    uint8_t tag;
    int rc;

    if ((rc = fm_der_read_sequence(r, &alg)) != FM_OK)
        return rc;
    if ((rc = fm_der_read_oid(&alg, oid, oidlen)) != FM_OK)
        goto fail;
    /* The parameters, when present, are one element: the reader spans its
     * identifier, length and contents, so the caller reads it with the
     * function for the type it expects. */
    rest = alg;
    if (!fm_der_at_end(&alg) && (rc = fm_der_read_any(&alg, &tag, &v, &vlen)) != FM_OK)
        goto fail;
    if ((rc = fm_der_end(&alg)) != FM_OK)
        goto fail;
    fm_der_reader_init(params, rest.p, rest.len);
    return FM_OK;
fail:
    *r = save;
    return rc;
}

int fm_der_read_pkcs8(fm_der_reader *seq, fm_der_pkcs8 *p8)
{
    fm_der_reader save = *seq;
    const uint8_t *v;
    size_t vlen;
    int rc;

    memset(p8, 0, sizeof *p8);
    if ((rc = fm_der_read_small_uint(seq, &p8->version)) != FM_OK)
        goto fail;
    /* RFC 5958 2: v1(0) and v2(1); anything later is no version we know. */
    if (p8->version > 1) {
        rc = FM_ERR_DECODE;
        goto fail;
    }
    if ((rc = fm_der_read_algid(seq, &p8->alg_oid, &p8->alg_oid_len, &p8->alg_params)) != FM_OK ||
        (rc = fm_der_read_octet_string(seq, &p8->key, &p8->key_len)) != FM_OK)
        goto fail;
    /* attributes [0] IMPLICIT SET OF (constructed), then, in version 1
     * only, publicKey [1] IMPLICIT BIT STRING (primitive). */
    if (fm_der_next_is(seq, FM_DER_CTX(0))) {
        if ((rc = fm_der_read_tlv(seq, FM_DER_CTX(0), &v, &vlen)) != FM_OK)
            goto fail;
        p8->attributes = 1;
    }
    if (p8->version == 1 && fm_der_next_is(seq, FM_DER_CTX_PRIM(1))) {
        if ((rc = fm_der_read_tlv(seq, FM_DER_CTX_PRIM(1), &v, &vlen)) != FM_OK)
            goto fail;
        p8->public_key = 1;
    }
    if ((rc = fm_der_end(seq)) != FM_OK)
        goto fail;
    return FM_OK;
fail:
    *seq = save;
    memset(p8, 0, sizeof *p8);
    return rc;
}

/* ---- sizes ----------------------------------------------------------------- */

void fm_der_strip(const uint8_t **p, size_t *len)
{
    while (*len > 0 && (*p)[0] == 0) {
        (*p)++;
        (*len)--;
    }
}

static size_t len_octets(size_t content)
{
    if (content < 0x80)
        return 1;
    if (content <= 0xff)
        return 2;
    return 3;
}

size_t fm_der_tlv_len(size_t content)
{
    return 1 + len_octets(content) + content;
}

size_t fm_der_uint_len(const uint8_t *p, size_t len)
{
    fm_der_strip(&p, &len);
    if (len == 0)
        return fm_der_tlv_len(1);
    return fm_der_tlv_len(len + (p[0] >> 7));
}

/* ---- writer ------------------------------------------------------------------ */

void fm_der_writer_init(fm_der_writer *w, uint8_t *out, size_t cap)
{
    w->p = out;
    w->cap = out != NULL ? cap : 0;
    w->pos = 0;
    w->failed = 0;
}

void fm_der_put_bytes(fm_der_writer *w, const uint8_t *p, size_t n)
{
    if (w->failed || n > w->cap - w->pos) {
        w->failed = 1;
        return;
    }
    if (n > 0)
        memcpy(w->p + w->pos, p, n);
    w->pos += n;
}

void fm_der_put_header(fm_der_writer *w, uint8_t tag, size_t content)
{
    uint8_t h[2 + DER_MAX_LEN_OCTETS];
    size_t n = 0;

    if (content > FM_DER_MAX_LEN) {
        w->failed = 1;
        return;
    }
    h[n++] = tag;
    if (content >= 0x100) {
        h[n++] = 0x82;
        h[n++] = (uint8_t)(content >> 8);
    } else if (content >= 0x80) {
        h[n++] = 0x81;
    }
    h[n++] = (uint8_t)content;
    fm_der_put_bytes(w, h, n);
}

void fm_der_put_uint(fm_der_writer *w, const uint8_t *p, size_t len)
{
    static const uint8_t zero = 0;

    fm_der_strip(&p, &len);
    if (len == 0) {
        fm_der_put_header(w, FM_DER_INTEGER, 1);
        fm_der_put_bytes(w, &zero, 1);
        return;
    }
    /* 8.3.3: a 0x00 octet keeps a set top bit from reading as a sign. */
    fm_der_put_header(w, FM_DER_INTEGER, len + (p[0] >> 7));
    if (p[0] & 0x80)
        fm_der_put_bytes(w, &zero, 1);
    fm_der_put_bytes(w, p, len);
}

void fm_der_put_small_uint(fm_der_writer *w, uint32_t v)
{
    uint8_t b[4];

    b[0] = (uint8_t)(v >> 24);
    b[1] = (uint8_t)(v >> 16);
    b[2] = (uint8_t)(v >> 8);
    b[3] = (uint8_t)v;
    fm_der_put_uint(w, b, sizeof b);
}

void fm_der_put_oid(fm_der_writer *w, const uint8_t *oid, size_t len)
{
    fm_der_put_header(w, FM_DER_OID, len);
    fm_der_put_bytes(w, oid, len);
}

void fm_der_put_null(fm_der_writer *w)
{
    fm_der_put_header(w, FM_DER_NULL, 0);
}

void fm_der_put_bit_string_header(fm_der_writer *w, size_t n)
{
    static const uint8_t no_unused_bits = 0;

    fm_der_put_header(w, FM_DER_BIT_STRING, 1 + n);
    fm_der_put_bytes(w, &no_unused_bits, 1);
}

int fm_der_writer_finish(const fm_der_writer *w, size_t expect)
{
    return !w->failed && w->pos == expect ? FM_OK : FM_ERR_INTERNAL;
}
