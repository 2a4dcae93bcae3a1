/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EC key formats in DER (outside the module boundary): SEC 1 ECPrivateKey
 * (RFC 5915 section 3, SEC 1 v2 C.4), PKCS#8 PrivateKeyInfo (RFC 5208
 * section 5, RFC 5915 section 2) and X.509 SubjectPublicKeyInfo (RFC 5480
 * section 2) carrying id-ecPublicKey with a namedCurve; and
 * fm_key_der_type, which tells an RSA key from an EC key.
 *
 *   ECPrivateKey ::= SEQUENCE { version INTEGER { ecPrivkeyVer1(1) },
 *       privateKey OCTET STRING,
 *       parameters [0] ECParameters {{ NamedCurve }} OPTIONAL,
 *       publicKey  [1] BIT STRING OPTIONAL }           (EXPLICIT tags)
 *   ECParameters ::= CHOICE { namedCurve OBJECT IDENTIFIER,
 *       implicitCurve NULL, specifiedCurve SpecifiedECDomain }
 *   AlgorithmIdentifier = { id-ecPublicKey, ECParameters }
 *       (RFC 5480 2.1.1: parameters MUST be present; PKIX allows only
 *       namedCurve, 2.1.1.1)
 *
 * Detection. The outer element is a SEQUENCE in every form; its contents
 * decide: INTEGER, OCTET STRING -> ECPrivateKey; INTEGER, SEQUENCE ->
 * PrivateKeyInfo; SEQUENCE, BIT STRING -> SubjectPublicKeyInfo; SEQUENCE,
 * OCTET STRING -> EncryptedPrivateKeyInfo (refused). No input is valid in
 * two forms, and none of them is also an RSA form (fipsmod/keys.h).
 *
 * Curve and parameters. Only the three named curves are read; explicit
 * parameters (which would let a file define its own curve, and which
 * OpenSSL writes only when asked), implicitCurve and other OIDs are
 * FM_ERR_UNSUPPORTED once the structure is known to be well formed. A
 * standalone ECPrivateKey must name its curve (RFC 5915 3: "implementations
 * that conform to this document MUST always include the parameters
 * field"). Inside PKCS#8 the AlgorithmIdentifier names it and the inner
 * parameters are optional; when present they must name the same curve,
 * since two answers to "which curve?" in one key is a malformed key, not a
 * choice to make silently.
 *
 * Lengths. The privateKey is exactly ceiling(log2(n) / 8) octets (RFC 5915
 * 3, SEC 1 C.4), which is what OpenSSL 3 writes (older OpenSSL wrote
 * shorter ones for P-521 keys with a leading zero octet; those are
 * refused, not padded, so every accepted key has one encoding). The point
 * is checked for its shape only, SEC 1 2.3.3: 04 and 2 field lengths, or
 * 02/03 and one; whether it lies on the curve is fm_ec_key_import's job.
 *
 * Encoding writes exactly OpenSSL 3's bytes for each form: SEC1 with
 * [0] namedCurve and [1] publicKey; PKCS#8 version 0 whose ECPrivateKey
 * omits [0] (OpenSSL's eckey_priv_encode sets EC_PKEY_NO_PARAMETERS);
 * SPKI with the point as given. Sizes are computed first, the capacity
 * checked once, then the DER written front to back (der.h).
 *
 * Secrets. Parsing copies nothing: the components point into the caller's
 * DER. Encoding copies d straight into the caller's buffer. No branch
 * depends on the bytes of d: only its length is checked.
 */
#include <fipsmod/keys.h>

#include <string.h>

#include "der.h"

/* Content octets of the OIDs. */
static const uint8_t oid_ec_public_key[] = {       /* 1.2.840.10045.2.1 */
    0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
};
static const uint8_t oid_prime256v1[] = {          /* 1.2.840.10045.3.1.7 */
    0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
};
static const uint8_t oid_secp384r1[] = { 0x2b, 0x81, 0x04, 0x00, 0x22 }; /* 1.3.132.0.34 */
static const uint8_t oid_secp521r1[] = { 0x2b, 0x81, 0x04, 0x00, 0x23 }; /* 1.3.132.0.35 */
/* For fm_key_der_type only: the RSA key algorithms fm_rsa_der_parse knows
 * (it accepts the first and explains its refusal of the second). */
static const uint8_t oid_rsa_encryption[] = {      /* 1.2.840.113549.1.1.1 */
    0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
};
static const uint8_t oid_rsassa_pss[] = {          /* 1.2.840.113549.1.1.10 */
    0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a,
};

/* ECPrivateKey version (RFC 5915 3: ecPrivkeyVer1). */
#define EC_PRIVKEY_VERSION 1

/* SEC 1 2.3.3 point encodings (and X9.62's hybrid form, refused). */
#define POINT_COMPRESSED_EVEN 0x02
#define POINT_COMPRESSED_ODD  0x03
#define POINT_UNCOMPRESSED    0x04
#define POINT_HYBRID_EVEN     0x06
#define POINT_HYBRID_ODD      0x07

/* The namedCurve OID of a curve, or NULL. */
static const uint8_t *curve_oid(int curve, size_t *len)
{
    switch (curve) {
    case FM_EC_P256: *len = sizeof oid_prime256v1; return oid_prime256v1;
    case FM_EC_P384: *len = sizeof oid_secp384r1; return oid_secp384r1;
    case FM_EC_P521: *len = sizeof oid_secp521r1; return oid_secp521r1;
    default: *len = 0; return NULL;
    }
}

/*
 * ECParameters (RFC 5480 2.1.1, SEC 1 C.2) from a reader holding exactly
 * that one element. FM_OK with *curve for one of the three named curves;
 * FM_ERR_UNSUPPORTED for another named curve, implicitCurve or
 * specifiedCurve; FM_ERR_DECODE for anything else (nothing, another type,
 * more than one element).
 */
static int parse_ec_params(fm_der_reader r, int *curve)
{
    static const int curves[] = { FM_EC_P256, FM_EC_P384, FM_EC_P521 };
    const uint8_t *oid, *want;
    fm_der_reader inner;
    size_t oidlen, wantlen, i;
    uint8_t tag;
    int rc;

    *curve = 0;
    if ((rc = fm_der_peek_tag(&r, &tag)) != FM_OK)
        return rc;
    switch (tag) {
    case FM_DER_OID:
        if ((rc = fm_der_read_oid(&r, &oid, &oidlen)) != FM_OK ||
            (rc = fm_der_end(&r)) != FM_OK)
            return rc;
        for (i = 0; i < sizeof curves / sizeof curves[0]; i++) {
            want = curve_oid(curves[i], &wantlen);
            if (fm_der_oid_is(oid, oidlen, want, wantlen)) {
                *curve = curves[i];
                return FM_OK;
            }
        }
        return FM_ERR_UNSUPPORTED; /* another named curve */
    case FM_DER_NULL:              /* implicitCurve */
        rc = fm_der_read_null(&r);
        break;
    case FM_DER_SEQUENCE:          /* specifiedCurve: explicit parameters */
        rc = fm_der_read_sequence(&r, &inner);
        break;
    default:
        return FM_ERR_DECODE;
    }
    if (rc != FM_OK || (rc = fm_der_end(&r)) != FM_OK)
        return rc;
    return FM_ERR_UNSUPPORTED;
}

/*
 * The shape of a SEC 1 point for the curve (2.3.3): FM_OK for 04 || x || y
 * and 02/03 || x; FM_ERR_UNSUPPORTED for the hybrid 06/07 || x || y of X9.62
 * (well formed, but not a form SEC 1 or fipsmod/ec.h takes); `bad` for
 * anything else, the point at infinity (00) included.
 */
static int check_point_shape(int curve, const uint8_t *p, size_t len, int bad)
{
    size_t b = FM_EC_BYTES(curve);

    if (len == 1 + 2 * b && p[0] == POINT_UNCOMPRESSED)
        return FM_OK;
    if (len == 1 + b && (p[0] == POINT_COMPRESSED_EVEN || p[0] == POINT_COMPRESSED_ODD))
        return FM_OK;
    if (len == 1 + 2 * b && (p[0] == POINT_HYBRID_EVEN || p[0] == POINT_HYBRID_ODD))
        return FM_ERR_UNSUPPORTED;
    return bad;
}

/*
 * ECPrivateKey (RFC 5915 3) from the contents of its SEQUENCE. outer_curve
 * is 0 for a standalone key (parameters required) or the curve of the
 * PKCS#8 AlgorithmIdentifier around it (parameters optional, and when
 * present the same curve).
 */
static int parse_ec_private(fm_der_reader *seq, int outer_curve, fm_ec_components *c)
{
    fm_der_reader params, pubkey;
    uint32_t version;
    int rc, params_rc = FM_ERR_DECODE, curve = 0, have_params = 0, have_pub = 0;

    if ((rc = fm_der_read_small_uint(seq, &version)) != FM_OK)
        return rc;
    if (version != EC_PRIVKEY_VERSION)
        return FM_ERR_DECODE;
    if ((rc = fm_der_read_octet_string(seq, &c->priv, &c->priv_len)) != FM_OK)
        return rc;
    if (fm_der_next_is(seq, FM_DER_CTX(0))) {
        if ((rc = fm_der_read_constructed(seq, FM_DER_CTX(0), &params)) != FM_OK)
            return rc;
        params_rc = parse_ec_params(params, &curve);
        if (params_rc == FM_ERR_DECODE)
            return params_rc;
        have_params = 1;
    }
    if (fm_der_next_is(seq, FM_DER_CTX(1))) {
        if ((rc = fm_der_read_constructed(seq, FM_DER_CTX(1), &pubkey)) != FM_OK ||
            (rc = fm_der_read_bit_string(&pubkey, &c->pub, &c->pub_len)) != FM_OK ||
            (rc = fm_der_end(&pubkey)) != FM_OK)
            return rc;
        have_pub = 1;
    }
    if ((rc = fm_der_end(seq)) != FM_OK)
        return rc;

    /* Well formed: now which curve, and do the parts fit it. */
    if (outer_curve == 0) {
        if (!have_params)
            return FM_ERR_DECODE; /* RFC 5915 3: MUST be present */
        if (params_rc != FM_OK)
            return params_rc;     /* FM_ERR_UNSUPPORTED */
        c->curve = curve;
    } else {
        /* The outer AlgorithmIdentifier named a supported curve: inner
         * parameters that say anything else (another named curve,
         * explicit ones) contradict it. */
        if (have_params && (params_rc != FM_OK || curve != outer_curve))
            return FM_ERR_DECODE;
        c->curve = outer_curve;
    }
    if (c->priv_len != FM_EC_BYTES(c->curve))
        return FM_ERR_DECODE;
    if (have_pub)
        return check_point_shape(c->curve, c->pub, c->pub_len, FM_ERR_DECODE);
    return FM_OK;
}

/*
 * The curve of an id-ecPublicKey AlgorithmIdentifier's parameters; absent
 * parameters are FM_ERR_DECODE (RFC 5480 2.1.1: they MUST be present).
 */
static int parse_algid_curve(fm_der_reader params, int *curve)
{
    if (fm_der_at_end(&params)) {
        *curve = 0;
        return FM_ERR_DECODE;
    }
    return parse_ec_params(params, curve);
}

/* PrivateKeyInfo (RFC 5208 5) from the contents of its SEQUENCE. */
static int parse_pkcs8(fm_der_reader *seq, fm_ec_components *c)
{
    fm_der_reader inner;
    fm_der_pkcs8 p8;
    int rc, curve;

    if ((rc = fm_der_read_pkcs8(seq, &p8)) != FM_OK)
        return rc;
    if (!fm_der_oid_is(p8.alg_oid, p8.alg_oid_len, oid_ec_public_key, sizeof oid_ec_public_key))
        return FM_ERR_UNSUPPORTED; /* another algorithm */
    if ((rc = parse_algid_curve(p8.alg_params, &curve)) != FM_OK)
        return rc;
    /* Refused rather than dropped, as for RSA: attributes, and version 1
     * with its optional publicKey (OpenSSL writes neither for EC keys). */
    if (p8.version != 0 || p8.attributes)
        return FM_ERR_UNSUPPORTED;
    if ((rc = fm_der_open_sequence(p8.key, p8.key_len, &inner)) != FM_OK)
        return rc;
    return parse_ec_private(&inner, curve, c);
}

/* SubjectPublicKeyInfo (RFC 5280 4.1, RFC 5480 2) from the contents of its SEQUENCE. */
static int parse_spki(fm_der_reader *seq, fm_ec_components *c)
{
    fm_der_reader params;
    const uint8_t *oid;
    size_t oidlen;
    int rc, curve;

    if ((rc = fm_der_read_algid(seq, &oid, &oidlen, &params)) != FM_OK ||
        (rc = fm_der_read_bit_string(seq, &c->pub, &c->pub_len)) != FM_OK ||
        (rc = fm_der_end(seq)) != FM_OK)
        return rc;
    if (!fm_der_oid_is(oid, oidlen, oid_ec_public_key, sizeof oid_ec_public_key))
        return FM_ERR_UNSUPPORTED;
    if ((rc = parse_algid_curve(params, &curve)) != FM_OK)
        return rc;
    c->curve = curve;
    return check_point_shape(curve, c->pub, c->pub_len, FM_ERR_DECODE);
}

/* EncryptedPrivateKeyInfo (RFC 5208 6): recognised, then refused. */
static int parse_encrypted_pkcs8(fm_der_reader *seq)
{
    fm_der_reader params;
    const uint8_t *oid, *v;
    size_t oidlen, vlen;
    int rc;

    if ((rc = fm_der_read_algid(seq, &oid, &oidlen, &params)) != FM_OK ||
        (rc = fm_der_read_octet_string(seq, &v, &vlen)) != FM_OK ||
        (rc = fm_der_end(seq)) != FM_OK)
        return rc;
    return FM_ERR_UNSUPPORTED;
}

/* The tags of the first two elements of a SEQUENCE's contents (the
 * outline every detection here works from); FM_ERR_DECODE when there are
 * fewer than two valid elements. */
static int outline(fm_der_reader seq, uint8_t *first, uint8_t *second)
{
    const uint8_t *v;
    size_t vlen;
    int rc;

    if ((rc = fm_der_read_any(&seq, first, &v, &vlen)) != FM_OK)
        return rc;
    return fm_der_peek_tag(&seq, second);
}

/* see fipsmod/keys.h */
int fm_ec_der_parse(fm_ec_components *c, int *form, const uint8_t *der, size_t len)
{
    fm_der_reader seq;
    uint8_t first, second;
    int rc, f = 0;

    if (form != NULL)
        *form = 0;
    if (c == NULL)
        return FM_ERR_ARG;
    memset(c, 0, sizeof *c);
    if (der == NULL && len != 0)
        return FM_ERR_ARG;

    if ((rc = fm_der_open_sequence(der, len, &seq)) != FM_OK ||
        (rc = outline(seq, &first, &second)) != FM_OK)
        goto fail;
    if (first == FM_DER_INTEGER && second == FM_DER_OCTET_STRING) {
        f = FM_KEY_FORM_SEC1;
        rc = parse_ec_private(&seq, 0, c);
    } else if (first == FM_DER_INTEGER && second == FM_DER_SEQUENCE) {
        f = FM_KEY_FORM_PKCS8;
        rc = parse_pkcs8(&seq, c);
    } else if (first == FM_DER_SEQUENCE && second == FM_DER_BIT_STRING) {
        f = FM_KEY_FORM_SPKI;
        rc = parse_spki(&seq, c);
    } else if (first == FM_DER_SEQUENCE && second == FM_DER_OCTET_STRING) {
        rc = parse_encrypted_pkcs8(&seq);
    } else {
        rc = FM_ERR_DECODE; /* RSA's PKCS#1 forms land here too */
    }
    if (rc != FM_OK)
        goto fail;
    if (form != NULL)
        *form = f;
    return FM_OK;
fail:
    memset(c, 0, sizeof *c);
    return rc;
}

/* see fipsmod/keys.h */
int fm_key_der_type(const uint8_t *der, size_t len, int *type)
{
    fm_der_reader seq, params;
    const uint8_t *oid, *v;
    size_t oidlen, vlen;
    uint8_t first, second;
    int rc;

    if (type == NULL)
        return FM_ERR_ARG;
    *type = 0;
    if (der == NULL && len != 0)
        return FM_ERR_ARG;
    if ((rc = fm_der_open_sequence(der, len, &seq)) != FM_OK ||
        (rc = outline(seq, &first, &second)) != FM_OK)
        return rc;
    if (first == FM_DER_INTEGER && second == FM_DER_OCTET_STRING) {
        *type = FM_KEY_TYPE_EC;            /* ECPrivateKey */
        return FM_OK;
    }
    if (first == FM_DER_INTEGER && second == FM_DER_INTEGER) {
        *type = FM_KEY_TYPE_RSA;           /* RSAPrivateKey, RSAPublicKey */
        return FM_OK;
    }
    if (first == FM_DER_SEQUENCE && second == FM_DER_OCTET_STRING)
        return FM_ERR_UNSUPPORTED;         /* EncryptedPrivateKeyInfo */
    /* PKCS#8 (version, algorithm) or SPKI (algorithm, key): by the OID. */
    if (first == FM_DER_INTEGER && second == FM_DER_SEQUENCE)
        rc = fm_der_read_any(&seq, &first, &v, &vlen);
    else if (!(first == FM_DER_SEQUENCE && second == FM_DER_BIT_STRING))
        return FM_ERR_DECODE;
    if (rc != FM_OK || (rc = fm_der_read_algid(&seq, &oid, &oidlen, &params)) != FM_OK)
        return rc;
    if (fm_der_oid_is(oid, oidlen, oid_ec_public_key, sizeof oid_ec_public_key))
        *type = FM_KEY_TYPE_EC;
    else if (fm_der_oid_is(oid, oidlen, oid_rsa_encryption, sizeof oid_rsa_encryption) ||
             fm_der_oid_is(oid, oidlen, oid_rsassa_pss, sizeof oid_rsassa_pss))
        *type = FM_KEY_TYPE_RSA;
    else
        return FM_ERR_UNSUPPORTED;
    return FM_OK;
}

/* ---- encoding ---------------------------------------------------------------- */

/* Sizes of every element, computed before anything is written. */
typedef struct {
    size_t params;        /* [0] { namedCurve } */
    size_t pubkey;        /* [1] { BIT STRING } (0 when there is no point) */
    size_t priv_content;  /* ECPrivateKey contents */
    size_t priv;          /* ECPrivateKey */
    size_t algid_content; /* AlgorithmIdentifier contents */
    size_t algid;
    size_t outer_content; /* contents of the outer SEQUENCE of the form */
    size_t total;
} ec_sizes;

static void compute_sizes(ec_sizes *s, int form, const fm_ec_components *c, size_t oidlen)
{
    memset(s, 0, sizeof *s);
    s->params = fm_der_tlv_len(fm_der_tlv_len(oidlen));
    if (c->pub != NULL)
        s->pubkey = fm_der_tlv_len(fm_der_tlv_len(1 + c->pub_len));
    /* version 1, privateKey, [0] only in SEC1 (see the top), [1]. */
    s->priv_content = fm_der_tlv_len(1) + fm_der_tlv_len(c->priv_len) +
                      (form == FM_KEY_FORM_SEC1 ? s->params : 0) + s->pubkey;
    s->priv = fm_der_tlv_len(s->priv_content);
    s->algid_content = fm_der_tlv_len(sizeof oid_ec_public_key) + fm_der_tlv_len(oidlen);
    s->algid = fm_der_tlv_len(s->algid_content);
    switch (form) {
    case FM_KEY_FORM_SEC1:
        s->outer_content = s->priv_content;
        break;
    case FM_KEY_FORM_PKCS8:
        s->outer_content = fm_der_tlv_len(1) + s->algid + fm_der_tlv_len(s->priv);
        break;
    default: /* FM_KEY_FORM_SPKI */
        s->outer_content = s->algid + fm_der_tlv_len(1 + c->pub_len);
        break;
    }
    s->total = fm_der_tlv_len(s->outer_content);
}

static void put_algid(fm_der_writer *w, const ec_sizes *s, const uint8_t *oid, size_t oidlen)
{
    fm_der_put_header(w, FM_DER_SEQUENCE, s->algid_content);
    fm_der_put_oid(w, oid_ec_public_key, sizeof oid_ec_public_key);
    fm_der_put_oid(w, oid, oidlen);
}

/* ECPrivateKey: with [0] parameters in SEC1, without inside PKCS#8. */
static void put_ec_private(fm_der_writer *w, const ec_sizes *s, int form,
                           const fm_ec_components *c, const uint8_t *oid, size_t oidlen)
{
    fm_der_put_header(w, FM_DER_SEQUENCE, s->priv_content);
    fm_der_put_small_uint(w, EC_PRIVKEY_VERSION);
    fm_der_put_header(w, FM_DER_OCTET_STRING, c->priv_len);
    fm_der_put_bytes(w, c->priv, c->priv_len);
    if (form == FM_KEY_FORM_SEC1) {
        fm_der_put_header(w, FM_DER_CTX(0), fm_der_tlv_len(oidlen));
        fm_der_put_oid(w, oid, oidlen);
    }
    if (c->pub != NULL) {
        fm_der_put_header(w, FM_DER_CTX(1), fm_der_tlv_len(1 + c->pub_len));
        fm_der_put_bit_string_header(w, c->pub_len);
        fm_der_put_bytes(w, c->pub, c->pub_len);
    }
}

/* see fipsmod/keys.h */
int fm_ec_der_encode(uint8_t *out, size_t cap, size_t *outlen, int form,
                     const fm_ec_components *c)
{
    const uint8_t *oid;
    fm_ec_components k;
    fm_der_writer w;
    ec_sizes s;
    size_t oidlen, need = 0;
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
    case FM_KEY_FORM_SEC1:
    case FM_KEY_FORM_PKCS8:
        private_key = 1;
        break;
    case FM_KEY_FORM_SPKI:
        private_key = 0;
        break;
    default:
        rc = FM_ERR_ARG;
        goto fail;
    }
    if ((oid = curve_oid(c->curve, &oidlen)) == NULL) {
        rc = FM_ERR_ARG;
        goto fail;
    }

    /* A working copy: the public form sees no private key; a point given
     * with length 0 counts as no point. */
    memset(&k, 0, sizeof k);
    k.curve = c->curve;
    if (c->pub != NULL && c->pub_len != 0) {
        k.pub = c->pub;
        k.pub_len = c->pub_len;
    }
    if (private_key) {
        if (c->priv == NULL) {
            rc = FM_ERR_ARG;
            goto fail;
        }
        k.priv = c->priv;
        k.priv_len = c->priv_len;
        if (k.priv_len != FM_EC_BYTES(k.curve)) {
            rc = FM_ERR_KEY;
            goto fail;
        }
    } else if (k.pub == NULL) {
        rc = FM_ERR_ARG;
        goto fail;
    }
    if (k.pub != NULL && check_point_shape(k.curve, k.pub, k.pub_len, FM_ERR_KEY) != FM_OK) {
        rc = FM_ERR_KEY; /* hybrid points too: no form here writes them */
        goto fail;
    }

    compute_sizes(&s, form, &k, oidlen);
    need = s.total;
    if (need > cap) {
        rc = FM_ERR_LENGTH;
        goto fail;
    }

    fm_der_writer_init(&w, out, cap);
    switch (form) {
    case FM_KEY_FORM_SEC1:
        put_ec_private(&w, &s, form, &k, oid, oidlen);
        break;
    case FM_KEY_FORM_PKCS8:
        fm_der_put_header(&w, FM_DER_SEQUENCE, s.outer_content);
        fm_der_put_small_uint(&w, 0);
        put_algid(&w, &s, oid, oidlen);
        fm_der_put_header(&w, FM_DER_OCTET_STRING, s.priv);
        put_ec_private(&w, &s, form, &k, oid, oidlen);
        break;
    default: /* FM_KEY_FORM_SPKI */
        fm_der_put_header(&w, FM_DER_SEQUENCE, s.outer_content);
        put_algid(&w, &s, oid, oidlen);
        fm_der_put_bit_string_header(&w, k.pub_len);
        fm_der_put_bytes(&w, k.pub, k.pub_len);
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
