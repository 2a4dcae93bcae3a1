/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RSA key formats in DER (outside the module boundary): PKCS#1
 * RSAPrivateKey and RSAPublicKey (RFC 8017 appendix A.1.2, A.1.1), PKCS#8
 * PrivateKeyInfo (RFC 5208 section 5) and X.509 SubjectPublicKeyInfo
 * (RFC 5280 section 4.1) carrying rsaEncryption (RFC 3279 2.3.1).
 *
 *   RSAPrivateKey ::= SEQUENCE { version INTEGER (0 two-prime | 1 multi),
 *       modulus, publicExponent, privateExponent, prime1, prime2,
 *       exponent1, exponent2, coefficient INTEGER,
 *       otherPrimeInfos OtherPrimeInfos OPTIONAL }
 *   RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
 *   PrivateKeyInfo ::= SEQUENCE { version INTEGER (0),
 *       privateKeyAlgorithm AlgorithmIdentifier, privateKey OCTET STRING,
 *       attributes [0] IMPLICIT Attributes OPTIONAL }
 *       (RFC 5958 OneAsymmetricKey: version 1 adds publicKey [1])
 *   SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier,
 *       subjectPublicKey BIT STRING }
 *   EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm
 *       AlgorithmIdentifier, encryptedData OCTET STRING }    (refused)
 *
 * Detection. The outer element is a SEQUENCE in every form; its contents
 * decide: INTEGER, SEQUENCE -> PrivateKeyInfo; INTEGER, INTEGER and the
 * end -> RSAPublicKey; INTEGER, INTEGER, more -> RSAPrivateKey; SEQUENCE,
 * BIT STRING -> SubjectPublicKeyInfo; SEQUENCE, OCTET STRING ->
 * EncryptedPrivateKeyInfo. No input is valid in two forms.
 *
 * Strictness. The DER layer (der.h) admits one encoding per value, and the
 * only optional content of the accepted forms (NULL parameters) is
 * required, so a parsed key re-encodes to its input exactly; the tests and
 * the fuzz target check that. Encoding computes every length first, checks
 * the caller's capacity once, then writes front to back.
 *
 * Secrets. Parsing copies nothing: components point into the caller's DER.
 * Encoding copies components straight into the caller's buffer, so there
 * are no temporaries holding key bytes. The zero test of a private
 * component reads every octet without an early exit; the other checks
 * look only at lengths and at the public n and e.
 */
#include <fipsmod/keys.h>

#include <string.h>

#include "der.h"

/* 1.2.840.113549.1.1.1 and 1.2.840.113549.1.1.10, content octets. */
static const uint8_t oid_rsa_encryption[] = {
    0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
};
static const uint8_t oid_rsassa_pss[] = {
    0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a,
};

#define RSA_MAX_N_OCTETS (FM_RSA_DER_MAX_BITS / 8)

/* The eight components of a private key, in RSAPrivateKey order. */
#define RSA_PRIV_COUNT 8

static void comp_slots(fm_rsa_components *c, const uint8_t ***p, size_t **len)
{
    p[0] = &c->n;  len[0] = &c->n_len;
    p[1] = &c->e;  len[1] = &c->e_len;
    p[2] = &c->d;  len[2] = &c->d_len;
    p[3] = &c->p;  len[3] = &c->p_len;
    p[4] = &c->q;  len[4] = &c->q_len;
    p[5] = &c->dp; len[5] = &c->dp_len;
    p[6] = &c->dq; len[6] = &c->dq_len;
    p[7] = &c->qinv; len[7] = &c->qinv_len;
}

/* 1 when the magnitude is zero; reads every octet (a private value). */
static int mag_is_zero(const uint8_t *p, size_t len)
{
    uint8_t acc = 0;
    size_t i;

    for (i = 0; i < len; i++)
        acc |= p[i];
    return acc == 0;
}

/* Compare stripped magnitudes (public values only): <0, 0, >0. */
static int mag_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    if (alen != blen)
        return alen < blen ? -1 : 1;
    return alen == 0 ? 0 : memcmp(a, b, alen);
}

/*
 * The range checks shared by parse and encode, on stripped magnitudes
 * (public forms: only n and e). FM_OK, `bad` for a value out of range,
 * FM_ERR_UNSUPPORTED for a modulus over FM_RSA_DER_MAX_BITS bits.
 */
static int check_ranges(const fm_rsa_components *c, int private_key, int bad)
{
    const uint8_t *const priv[] = { c->d, c->p, c->q, c->dp, c->dq, c->qinv };
    const size_t priv_len[] = { c->d_len, c->p_len, c->q_len, c->dp_len, c->dq_len, c->qinv_len };
    size_t i;

    if (c->n_len == 0)
        return bad;
    if (c->n_len > RSA_MAX_N_OCTETS)
        return FM_ERR_UNSUPPORTED;
    if (c->e_len == 0 || mag_cmp(c->e, c->e_len, c->n, c->n_len) >= 0)
        return bad;
    if (!private_key)
        return FM_OK;
    for (i = 0; i < sizeof priv / sizeof priv[0]; i++) {
        if (priv_len[i] == 0 || priv_len[i] > c->n_len || mag_is_zero(priv[i], priv_len[i]))
            return bad;
    }
    return FM_OK;
}

/* Read an INTEGER magnitude into a component, as a stripped magnitude
 * (zero becomes length 0, rejected later by check_ranges). */
static int read_comp(fm_der_reader *r, const uint8_t **p, size_t *len)
{
    int rc = fm_der_read_uint(r, p, len);

    if (rc == FM_OK)
        fm_der_strip(p, len);
    return rc;
}

/*
 * RSAPrivateKey (RFC 8017 A.1.2) from the contents of its SEQUENCE.
 * Version 0 only; a well-formed version 1 (multi-prime) is unsupported.
 */
static int parse_pkcs1_private(fm_der_reader *seq, fm_rsa_components *c)
{
    const uint8_t **p[RSA_PRIV_COUNT];
    size_t *len[RSA_PRIV_COUNT];
    fm_der_reader others;
    uint32_t version;
    size_t i;
    int rc;

    comp_slots(c, p, len);
    if ((rc = fm_der_read_small_uint(seq, &version)) != FM_OK)
        return rc;
    if (version > 1)
        return FM_ERR_DECODE;
    for (i = 0; i < RSA_PRIV_COUNT; i++) {
        if ((rc = read_comp(seq, p[i], len[i])) != FM_OK)
            return rc;
    }
    if (version == 1) {
        /* RFC 8017 A.1.2: version is multi (1) exactly when
         * otherPrimeInfos is present. */
        if ((rc = fm_der_read_sequence(seq, &others)) != FM_OK ||
            (rc = fm_der_end(seq)) != FM_OK)
            return rc;
        return FM_ERR_UNSUPPORTED;
    }
    if ((rc = fm_der_end(seq)) != FM_OK)
        return rc;
    return check_ranges(c, 1, FM_ERR_DECODE);
}

/* RSAPublicKey (RFC 8017 A.1.1) from the contents of its SEQUENCE. */
static int parse_pkcs1_public(fm_der_reader *seq, fm_rsa_components *c)
{
    int rc;

    if ((rc = read_comp(seq, &c->n, &c->n_len)) != FM_OK ||
        (rc = read_comp(seq, &c->e, &c->e_len)) != FM_OK ||
        (rc = fm_der_end(seq)) != FM_OK)
        return rc;
    return check_ranges(c, 0, FM_ERR_DECODE);
}

/*
 * An AlgorithmIdentifier (RFC 5280 4.1.1.2) already read and found well
 * formed by fm_der_read_algid (its OID, and a reader over its parameters
 * element, empty when absent). FM_OK for rsaEncryption with
 * NULL parameters (RFC 3279 2.3.1: "the parameters field MUST have ASN.1
 * type NULL"); FM_ERR_DECODE for rsaEncryption with other or absent
 * parameters; FM_ERR_UNSUPPORTED for any other well-formed identifier.
 * RSASSA-PSS (RFC 4055 3.1) lands there too: its parameters bind the key
 * to one hash, mask generation function and salt length, which
 * fm_rsa_components cannot express, and dropping them would let the key
 * sign with parameters its owner excluded.
 */
static int check_algid(const uint8_t *oid, size_t oidlen, fm_der_reader params)
{
    int rc;

    if (fm_der_oid_is(oid, oidlen, oid_rsassa_pss, sizeof oid_rsassa_pss))
        return FM_ERR_UNSUPPORTED; /* RSASSA-PSS: see above */
    if (!fm_der_oid_is(oid, oidlen, oid_rsa_encryption, sizeof oid_rsa_encryption))
        return FM_ERR_UNSUPPORTED; /* not RSA */
    if ((rc = fm_der_read_null(&params)) != FM_OK)
        return rc;
    return fm_der_end(&params);
}

/*
 * PrivateKeyInfo (RFC 5208 5) from the contents of its SEQUENCE; the
 * envelope is read by fm_der_read_pkcs8. The optional parts are refused
 * rather than dropped: attributes [0] and the RFC 5958 version 1 with
 * publicKey [1] give FM_ERR_UNSUPPORTED.
 */
static int parse_pkcs8(fm_der_reader *seq, fm_rsa_components *c)
{
    fm_der_reader inner;
    fm_der_pkcs8 p8;
    int rc;

    if ((rc = fm_der_read_pkcs8(seq, &p8)) != FM_OK)
        return rc;
    /* A well-formed envelope: now refuse what is not a plain RSA key. */
    if ((rc = check_algid(p8.alg_oid, p8.alg_oid_len, p8.alg_params)) != FM_OK)
        return rc;
    if (p8.version != 0 || p8.attributes)
        return FM_ERR_UNSUPPORTED;
    if ((rc = fm_der_open_sequence(p8.key, p8.key_len, &inner)) != FM_OK)
        return rc;
    return parse_pkcs1_private(&inner, c);
}

/* SubjectPublicKeyInfo (RFC 5280 4.1) from the contents of its SEQUENCE. */
static int parse_spki(fm_der_reader *seq, fm_rsa_components *c)
{
    fm_der_reader params, inner;
    const uint8_t *oid, *key;
    size_t oidlen, keylen;
    int rc;

    if ((rc = fm_der_read_algid(seq, &oid, &oidlen, &params)) != FM_OK ||
        (rc = fm_der_read_bit_string(seq, &key, &keylen)) != FM_OK ||
        (rc = fm_der_end(seq)) != FM_OK)
        return rc;
    if ((rc = check_algid(oid, oidlen, params)) != FM_OK)
        return rc;
    if ((rc = fm_der_open_sequence(key, keylen, &inner)) != FM_OK)
        return rc;
    return parse_pkcs1_public(&inner, c);
}

/* EncryptedPrivateKeyInfo (RFC 5208 6): recognised, then refused. */
static int parse_encrypted_pkcs8(fm_der_reader *seq)
{
    fm_der_reader alg;
    const uint8_t *oid, *v;
    size_t oidlen, vlen;
    int rc;

    if ((rc = fm_der_read_sequence(seq, &alg)) != FM_OK ||
        (rc = fm_der_read_oid(&alg, &oid, &oidlen)) != FM_OK ||
        (rc = fm_der_read_octet_string(seq, &v, &vlen)) != FM_OK ||
        (rc = fm_der_end(seq)) != FM_OK)
        return rc;
    return FM_ERR_UNSUPPORTED;
}

/* see fipsmod/keys.h */
int fm_rsa_der_parse(fm_rsa_components *c, int *form, const uint8_t *der, size_t len)
{
    fm_der_reader seq, look;
    const uint8_t *v;
    size_t vlen;
    int rc, f = 0;

    if (form != NULL)
        *form = 0;
    if (c == NULL)
        return FM_ERR_ARG;
    memset(c, 0, sizeof *c);
    if (der == NULL && len != 0)
        return FM_ERR_ARG;

    if ((rc = fm_der_open_sequence(der, len, &seq)) != FM_OK)
        return rc;
    look = seq;
    if (fm_der_next_is(&look, FM_DER_INTEGER)) {
        if ((rc = fm_der_read_uint(&look, &v, &vlen)) != FM_OK)
            return rc;
        if (fm_der_next_is(&look, FM_DER_SEQUENCE)) {
            f = FM_KEY_FORM_PKCS8;
            rc = parse_pkcs8(&seq, c);
        } else if (fm_der_next_is(&look, FM_DER_INTEGER)) {
            if ((rc = fm_der_read_uint(&look, &v, &vlen)) != FM_OK)
                return rc;
            if (fm_der_at_end(&look)) {
                f = FM_KEY_FORM_PKCS1_PUBLIC;
                rc = parse_pkcs1_public(&seq, c);
            } else {
                f = FM_KEY_FORM_PKCS1_PRIVATE;
                rc = parse_pkcs1_private(&seq, c);
            }
        } else {
            rc = FM_ERR_DECODE;
        }
    } else if (fm_der_next_is(&look, FM_DER_SEQUENCE)) {
        if ((rc = fm_der_read_tlv(&look, FM_DER_SEQUENCE, &v, &vlen)) != FM_OK)
            return rc;
        if (fm_der_next_is(&look, FM_DER_BIT_STRING)) {
            f = FM_KEY_FORM_SPKI;
            rc = parse_spki(&seq, c);
        } else if (fm_der_next_is(&look, FM_DER_OCTET_STRING)) {
            rc = parse_encrypted_pkcs8(&seq);
        } else {
            rc = FM_ERR_DECODE;
        }
    } else {
        rc = FM_ERR_DECODE;
    }
    if (rc != FM_OK) {
        memset(c, 0, sizeof *c);
        return rc;
    }
    if (form != NULL)
        *form = f;
    return FM_OK;
}

/* ---- encoding ---------------------------------------------------------------- */

/* Sizes of every element of every form, computed before anything is written. */
typedef struct {
    size_t pub_content;   /* RSAPublicKey contents */
    size_t pub;           /* RSAPublicKey */
    size_t priv_content;  /* RSAPrivateKey contents */
    size_t priv;          /* RSAPrivateKey */
    size_t algid_content; /* AlgorithmIdentifier contents */
    size_t algid;
    size_t outer_content; /* contents of the outer SEQUENCE of the form */
    size_t total;
} rsa_sizes;

static void compute_sizes(rsa_sizes *s, int form, const fm_rsa_components *c)
{
    const uint8_t **p[RSA_PRIV_COUNT];
    size_t *len[RSA_PRIV_COUNT];
    fm_rsa_components tmp = *c;
    size_t i;

    comp_slots(&tmp, p, len);
    memset(s, 0, sizeof *s);
    s->pub_content = fm_der_uint_len(c->n, c->n_len) + fm_der_uint_len(c->e, c->e_len);
    s->pub = fm_der_tlv_len(s->pub_content);
    if (form == FM_KEY_FORM_PKCS1_PRIVATE || form == FM_KEY_FORM_PKCS8) {
        s->priv_content = fm_der_tlv_len(1); /* version 0 */
        for (i = 0; i < RSA_PRIV_COUNT; i++)
            s->priv_content += fm_der_uint_len(*p[i], *len[i]);
        s->priv = fm_der_tlv_len(s->priv_content);
    }
    s->algid_content = fm_der_tlv_len(sizeof oid_rsa_encryption) + fm_der_tlv_len(0);
    s->algid = fm_der_tlv_len(s->algid_content);
    switch (form) {
    case FM_KEY_FORM_PKCS1_PRIVATE:
        s->outer_content = s->priv_content;
        break;
    case FM_KEY_FORM_PKCS8:
        s->outer_content = fm_der_tlv_len(1) + s->algid + fm_der_tlv_len(s->priv);
        break;
    case FM_KEY_FORM_PKCS1_PUBLIC:
        s->outer_content = s->pub_content;
        break;
    default: /* FM_KEY_FORM_SPKI */
        s->outer_content = s->algid + fm_der_tlv_len(1 + s->pub);
        break;
    }
    s->total = fm_der_tlv_len(s->outer_content);
}

static void put_algid(fm_der_writer *w, const rsa_sizes *s)
{
    fm_der_put_header(w, FM_DER_SEQUENCE, s->algid_content);
    fm_der_put_oid(w, oid_rsa_encryption, sizeof oid_rsa_encryption);
    fm_der_put_null(w);
}

static void put_pkcs1_private(fm_der_writer *w, const rsa_sizes *s, const fm_rsa_components *c)
{
    fm_der_put_header(w, FM_DER_SEQUENCE, s->priv_content);
    fm_der_put_small_uint(w, 0); /* two-prime */
    fm_der_put_uint(w, c->n, c->n_len);
    fm_der_put_uint(w, c->e, c->e_len);
    fm_der_put_uint(w, c->d, c->d_len);
    fm_der_put_uint(w, c->p, c->p_len);
    fm_der_put_uint(w, c->q, c->q_len);
    fm_der_put_uint(w, c->dp, c->dp_len);
    fm_der_put_uint(w, c->dq, c->dq_len);
    fm_der_put_uint(w, c->qinv, c->qinv_len);
}

static void put_pkcs1_public(fm_der_writer *w, const rsa_sizes *s, const fm_rsa_components *c)
{
    fm_der_put_header(w, FM_DER_SEQUENCE, s->pub_content);
    fm_der_put_uint(w, c->n, c->n_len);
    fm_der_put_uint(w, c->e, c->e_len);
}

/* see fipsmod/keys.h */
int fm_rsa_der_encode(uint8_t *out, size_t cap, size_t *outlen, int form,
                      const fm_rsa_components *c)
{
    const uint8_t **p[RSA_PRIV_COUNT];
    size_t *len[RSA_PRIV_COUNT];
    fm_rsa_components k;
    fm_der_writer w;
    rsa_sizes s;
    size_t i, need = 0;
    int rc, private_key;

    if (outlen != NULL)
        *outlen = 0;
    if (out == NULL && cap != 0)
        return FM_ERR_ARG;
    if (outlen == NULL || c == NULL) {
        rc = FM_ERR_ARG;
        goto fail;
    }
    switch (form) {
    case FM_KEY_FORM_PKCS1_PRIVATE:
    case FM_KEY_FORM_PKCS8:
        private_key = 1;
        break;
    case FM_KEY_FORM_PKCS1_PUBLIC:
    case FM_KEY_FORM_SPKI:
        private_key = 0;
        break;
    default:
        rc = FM_ERR_ARG;
        goto fail;
    }

    /* A working copy of the pointers, leading zeros stripped; public
     * forms see no private component. */
    memset(&k, 0, sizeof k);
    k.n = c->n; k.n_len = c->n_len;
    k.e = c->e; k.e_len = c->e_len;
    if (private_key) {
        k.d = c->d; k.d_len = c->d_len;
        k.p = c->p; k.p_len = c->p_len;
        k.q = c->q; k.q_len = c->q_len;
        k.dp = c->dp; k.dp_len = c->dp_len;
        k.dq = c->dq; k.dq_len = c->dq_len;
        k.qinv = c->qinv; k.qinv_len = c->qinv_len;
    }
    comp_slots(&k, p, len);
    for (i = 0; i < (private_key ? RSA_PRIV_COUNT : 2u); i++) {
        if (*p[i] == NULL || *len[i] == 0) {
            rc = FM_ERR_ARG;
            goto fail;
        }
        fm_der_strip(p[i], len[i]);
    }
    if ((rc = check_ranges(&k, private_key, FM_ERR_KEY)) != FM_OK)
        goto fail;

    compute_sizes(&s, form, &k);
    need = s.total;
    if (need > cap) {
        rc = FM_ERR_LENGTH;
        goto fail;
    }

    fm_der_writer_init(&w, out, cap);
    switch (form) {
    case FM_KEY_FORM_PKCS1_PRIVATE:
        put_pkcs1_private(&w, &s, &k);
        break;
    case FM_KEY_FORM_PKCS8:
        fm_der_put_header(&w, FM_DER_SEQUENCE, s.outer_content);
        fm_der_put_small_uint(&w, 0);
        put_algid(&w, &s);
        fm_der_put_header(&w, FM_DER_OCTET_STRING, s.priv);
        put_pkcs1_private(&w, &s, &k);
        break;
    case FM_KEY_FORM_PKCS1_PUBLIC:
        put_pkcs1_public(&w, &s, &k);
        break;
    default: /* FM_KEY_FORM_SPKI */
        fm_der_put_header(&w, FM_DER_SEQUENCE, s.outer_content);
        put_algid(&w, &s);
        fm_der_put_bit_string_header(&w, s.pub);
        put_pkcs1_public(&w, &s, &k);
        break;
    }
    if ((rc = fm_der_writer_finish(&w, need)) != FM_OK)
        goto fail;
    *outlen = need;
    return FM_OK;

fail:
    fm_wipe(out, cap);
    if (rc == FM_ERR_LENGTH)
        *outlen = need;
    return rc;
}
