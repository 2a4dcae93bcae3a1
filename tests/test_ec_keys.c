/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EC key encodings (fm_ec_der_parse, fm_ec_der_encode, fm_key_der_type in
 * fipsmod/keys.h) against OpenSSL's libcrypto, the oracle:
 *
 *  - a key on each of P-256, P-384 and P-521, generated at test time, in
 *    three variants: uncompressed point (OpenSSL's default), compressed
 *    point (OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, = `openssl ec
 *    -conv_form compressed`) and no publicKey field (EC_INCLUDE_PUBLIC 0,
 *    = `openssl ec -no_public`). OpenSSL's DER of each form (i2d_PrivateKey
 *    = SEC1, i2d_PKCS8_PRIV_KEY_INFO, i2d_PUBKEY) parses to the form, the
 *    curve, d (BN_bn2binpad) and Q (OSSL_PKEY_PARAM_PUB_KEY); re-encoding
 *    gives OpenSSL's bytes; every capacity below the size gives
 *    FM_ERR_LENGTH, the size and a zeroed buffer;
 *  - PEM: PEM_write_bio_PrivateKey_traditional ("EC PRIVATE KEY"),
 *    PEM_write_bio_PrivateKey ("PRIVATE KEY"), PEM_write_bio_PUBKEY
 *    ("PUBLIC KEY") decode to that DER and label, and fm_pem_encode of our
 *    encoding is OpenSSL's text byte for byte;
 *  - negative DER: every truncation; every bit flip, 0xff flip and a few
 *    set values of every octet (FM_ERR_DECODE or FM_ERR_UNSUPPORTED, or
 *    FM_OK only when the result re-encodes to exactly itself); random
 *    mutations; one named case per rule: wrong algorithm and curve OIDs,
 *    explicit parameters (OpenSSL's, all three forms) and implicitCurve,
 *    versions, trailing data at every level, the privateKey one octet too
 *    short or long, PKCS#8 parameters that disagree with the inner
 *    ECPrivateKey's, missing parameters, point shapes (length, first octet,
 *    hybrid, infinity), BIT STRING unused bits, tag order, attributes,
 *    encrypted PKCS#8, RSA keys;
 *  - on every error the outputs are zero;
 *  - fm_key_der_type on every RSA and EC form, RSA-PSS, Ed25519, encrypted
 *    PKCS#8 and garbage; fm_ec_der_encode's argument checks; the largest
 *    encodings (FM_EC_DER_MAX_LEN).
 */
#include "tu_der.h"

#include <fipsmod/keys.h>

#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

static tu_suite suite;

#define NCURVES 3
#define NFORMS 6 /* indexed by FM_KEY_FORM_*; EC uses 2 (PKCS8), 4 (SPKI), 5 (SEC1) */

static const int curves[NCURVES] = { FM_EC_P256, FM_EC_P384, FM_EC_P521 };
static const int forms[] = { FM_KEY_FORM_SEC1, FM_KEY_FORM_PKCS8, FM_KEY_FORM_SPKI };
#define NEC_FORMS (sizeof forms / sizeof forms[0])

/* Variants of one OpenSSL key. */
enum { V_UNCOMPRESSED, V_COMPRESSED, V_NO_PUBLIC, NVARIANTS };
static const char *const variant_name[NVARIANTS] = { "uncompressed", "compressed", "no public key" };

static const char *curve_name(int curve)
{
    switch (curve) {
    case FM_EC_P256: return "P-256";
    case FM_EC_P384: return "P-384";
    case FM_EC_P521: return "P-521";
    default: return "?";
    }
}

static const char *form_name(int form)
{
    switch (form) {
    case FM_KEY_FORM_SEC1: return "SEC1";
    case FM_KEY_FORM_PKCS8: return "PKCS#8";
    case FM_KEY_FORM_SPKI: return "SPKI";
    default: return "?";
    }
}

static const char *form_label(int form)
{
    switch (form) {
    case FM_KEY_FORM_SEC1: return FM_PEM_LABEL_EC_PRIVATE_KEY;
    case FM_KEY_FORM_PKCS8: return FM_PEM_LABEL_PRIVATE_KEY;
    default: return FM_PEM_LABEL_PUBLIC_KEY;
    }
}

static int is_private(int form)
{
    return form == FM_KEY_FORM_SEC1 || form == FM_KEY_FORM_PKCS8;
}

/* ---- OpenSSL keys and their encodings ----------------------------------------- */

typedef struct {
    uint8_t *der[NFORMS];   /* exact-size heap copies, so ASan sees overreads */
    size_t der_len[NFORMS];
    char *pem[NFORMS];
    size_t pem_len[NFORMS];
    uint8_t pub[1 + 2 * FM_EC_MAX_BYTES];
    size_t pub_len;         /* 0 for V_NO_PUBLIC's private forms */
} ossl_variant;

typedef struct {
    int curve;
    EVP_PKEY *pkey;
    uint8_t priv[FM_EC_MAX_BYTES];
    size_t priv_len;
    ossl_variant v[NVARIANTS];
} ossl_ec_key;

static ossl_ec_key ec_keys[NCURVES];

static uint8_t *take_i2d(int len, unsigned char *p, size_t *outlen)
{
    uint8_t *d;

    assert_true(len > 0);
    assert_non_null(p);
    d = tu_dup_bytes(p, (size_t)len);
    OPENSSL_free(p);
    *outlen = (size_t)len;
    return d;
}

static uint8_t *der_sec1(EVP_PKEY *k, size_t *len)
{
    unsigned char *p = NULL;
    int n = i2d_PrivateKey(k, &p); /* SEC1 ECPrivateKey for an EC key */

    return take_i2d(n, p, len);
}

static uint8_t *der_pkcs8(EVP_PKEY *k, size_t *len)
{
    PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(k);
    unsigned char *p = NULL;
    int n;

    assert_non_null(p8);
    n = i2d_PKCS8_PRIV_KEY_INFO(p8, &p);
    PKCS8_PRIV_KEY_INFO_free(p8);
    return take_i2d(n, p, len);
}

static uint8_t *der_spki(EVP_PKEY *k, size_t *len)
{
    unsigned char *p = NULL;
    int n = i2d_PUBKEY(k, &p);

    return take_i2d(n, p, len);
}

static uint8_t *der_of(EVP_PKEY *k, int form, size_t *len)
{
    switch (form) {
    case FM_KEY_FORM_SEC1: return der_sec1(k, len);
    case FM_KEY_FORM_PKCS8: return der_pkcs8(k, len);
    default: return der_spki(k, len);
    }
}

static char *pem_of(EVP_PKEY *k, int form, size_t *len)
{
    BIO *b = BIO_new(BIO_s_mem());

    assert_non_null(b);
    switch (form) {
    case FM_KEY_FORM_SEC1:
        assert_int_equal(PEM_write_bio_PrivateKey_traditional(b, k, NULL, NULL, 0, NULL, NULL), 1);
        break;
    case FM_KEY_FORM_PKCS8:
        assert_int_equal(PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL), 1);
        break;
    default:
        assert_int_equal(PEM_write_bio_PUBKEY(b, k), 1);
        break;
    }
    return tu_bio_take(b, len);
}

static const char *ossl_curve(int curve)
{
    return curve == FM_EC_P256 ? "P-256" : curve == FM_EC_P384 ? "P-384" : "P-521";
}

static void fill_variant(ossl_ec_key *k, int v)
{
    ossl_variant *ov = &k->v[v];
    size_t i;

    for (i = 0; i < NEC_FORMS; i++) {
        int f = forms[i];
        ov->der[f] = der_of(k->pkey, f, &ov->der_len[f]);
        ov->pem[f] = pem_of(k->pkey, f, &ov->pem_len[f]);
    }
    assert_int_equal(EVP_PKEY_get_octet_string_param(k->pkey, OSSL_PKEY_PARAM_PUB_KEY, ov->pub,
                                                     sizeof ov->pub, &ov->pub_len), 1);
}

static const ossl_ec_key *get_ec_key(int curve)
{
    ossl_ec_key *k = &ec_keys[curve - 1];
    BIGNUM *bn = NULL;

    if (k->pkey != NULL)
        return k;
    k->curve = curve;
    k->pkey = EVP_EC_gen(ossl_curve(curve));
    assert_non_null(k->pkey);
    k->priv_len = FM_EC_BYTES(curve);
    assert_int_equal(EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_PRIV_KEY, &bn), 1);
    assert_int_equal(BN_bn2binpad(bn, k->priv, (int)k->priv_len), (int)k->priv_len);
    BN_clear_free(bn);

    fill_variant(k, V_UNCOMPRESSED);
    assert_int_equal(k->v[V_UNCOMPRESSED].pub_len, 1 + 2 * k->priv_len);
    assert_int_equal(EVP_PKEY_set_utf8_string_param(k->pkey,
                                                    OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                                    "compressed"), 1);
    fill_variant(k, V_COMPRESSED);
    assert_int_equal(k->v[V_COMPRESSED].pub_len, 1 + k->priv_len);
    assert_int_equal(EVP_PKEY_set_utf8_string_param(k->pkey,
                                                    OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                                    "uncompressed"), 1);
    assert_int_equal(EVP_PKEY_set_int_param(k->pkey, OSSL_PKEY_PARAM_EC_INCLUDE_PUBLIC, 0), 1);
    fill_variant(k, V_NO_PUBLIC);
    assert_int_equal(EVP_PKEY_set_int_param(k->pkey, OSSL_PKEY_PARAM_EC_INCLUDE_PUBLIC, 1), 1);
    /* The no-public variant's SPKI still has the (uncompressed) point. */
    return k;
}

/* The point a form of a variant holds (none in V_NO_PUBLIC's private forms). */
static void want_pub(const ossl_ec_key *k, int v, int form, const uint8_t **pub, size_t *len)
{
    if (v == V_NO_PUBLIC && is_private(form)) {
        *pub = NULL;
        *len = 0;
    } else {
        *pub = k->v[v].pub;
        *len = k->v[v].pub_len;
    }
}

/* ---- expectations -------------------------------------------------------------------- */

/* Parse must give `want`; on error *c and *form are zero. */
static void expect_parse(const uint8_t *der, size_t len, int want, const char *what)
{
    fm_ec_components c;
    int form = 99, rc;

    memset(&c, 0xa5, sizeof c);
    rc = fm_ec_der_parse(&c, &form, der, len);
    if (rc != want)
        fail_msg("%s: fm_ec_der_parse returned %s, want %s", what, tu_err_name(rc), tu_err_name(want));
    if (want != FM_OK) {
        assert_true(tu_all_zero(&c, sizeof c));
        assert_int_equal(form, 0);
    }
}

static void expect_encode(int form, const fm_ec_components *c, const uint8_t *want,
                          size_t wantlen, const char *what)
{
    uint8_t *out = tu_xmalloc(wantlen + 16);
    size_t outlen = 12345;
    int rc = fm_ec_der_encode(out, wantlen + 16, &outlen, form, c);

    if (rc != FM_OK)
        fail_msg("%s: fm_ec_der_encode returned %s", what, tu_err_name(rc));
    assert_int_equal(outlen, wantlen);
    assert_true(tu_mem_eq(what, out, want, wantlen));
    free(out);
}

static int same(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static int same_key(const fm_ec_components *a, const fm_ec_components *b)
{
    return a->curve == b->curve && same(a->priv, a->priv_len, b->priv, b->priv_len) &&
           same(a->pub, a->pub_len, b->pub, b->pub_len) &&
           (a->pub == NULL) == (b->pub == NULL) && (a->priv == NULL) == (b->priv == NULL);
}

/* ---- hand-made inputs (written with tests/util/tu_der.h) -------------------------- */

/* Whole TLVs used by the hand-made keys. */
static const uint8_t oid_ecpub_tlv[] = { 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
static const uint8_t p256_tlv[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
static const uint8_t p384_tlv[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22 };
static const uint8_t p521_tlv[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23 };
static const uint8_t secp256k1_tlv[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a };
static const uint8_t p224_tlv[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x21 };
static const uint8_t implicit_tlv[] = { 0x05, 0x00 };
static const uint8_t algid_rsa[] = {
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
};

static void curve_tlv(int curve, const uint8_t **p, size_t *len)
{
    switch (curve) {
    case FM_EC_P256: *p = p256_tlv; *len = sizeof p256_tlv; break;
    case FM_EC_P384: *p = p384_tlv; *len = sizeof p384_tlv; break;
    default: *p = p521_tlv; *len = sizeof p521_tlv; break;
    }
}

/*
 * The parts of a hand-made ECPrivateKey. A NULL field is left out; the
 * raw fields are written as given (whole TLVs), so each test can break
 * exactly one thing.
 */
typedef struct {
    const uint8_t *version; size_t version_len;   /* whole INTEGER TLV */
    const uint8_t *priv; size_t priv_len;         /* OCTET STRING contents */
    const uint8_t *params; size_t params_len;     /* [0] contents (whole ECParameters TLV) */
    const uint8_t *pub; size_t pub_len;           /* BIT STRING contents after the 00 */
    uint8_t pub_unused;                           /* unused-bits octet */
    const uint8_t *extra; size_t extra_len;       /* appended inside the SEQUENCE */
    int swap;                                     /* [1] before [0] */
} sec1_parts;

static const uint8_t version1[] = { 0x02, 0x01, 0x01 };

static void tb_sec1(tu_der *t, const sec1_parts *s)
{
    tu_der p0 = { 0 }, p1 = { 0 }, bits = { 0 };

    if (s->params != NULL) {
        tu_der_put(&p0, s->params, s->params_len);
        tu_der_wrap(&p0, 0xa0);
    }
    if (s->pub != NULL) {
        tu_der_byte(&bits, s->pub_unused);
        tu_der_put(&bits, s->pub, s->pub_len);
        tu_der_tlv(&p1, 0x03, bits.p, bits.n);
        tu_der_wrap(&p1, 0xa1);
    }
    if (s->version != NULL)
        tu_der_put(t, s->version, s->version_len);
    if (s->priv != NULL)
        tu_der_tlv(t, 0x04, s->priv, s->priv_len);
    if (s->swap) {
        tu_der_put(t, p1.p, p1.n);
        tu_der_put(t, p0.p, p0.n);
    } else {
        tu_der_put(t, p0.p, p0.n);
        tu_der_put(t, p1.p, p1.n);
    }
    tu_der_put(t, s->extra, s->extra_len);
    tu_der_wrap(t, 0x30);
    tu_der_free(&p0);
    tu_der_free(&p1);
    tu_der_free(&bits);
}

/* A SEC1 key's parts for an OpenSSL key (uncompressed, with parameters). */
static sec1_parts sec1_of(const ossl_ec_key *k)
{
    sec1_parts s;

    memset(&s, 0, sizeof s);
    s.version = version1;
    s.version_len = sizeof version1;
    s.priv = k->priv;
    s.priv_len = k->priv_len;
    curve_tlv(k->curve, &s.params, &s.params_len);
    s.pub = k->v[V_UNCOMPRESSED].pub;
    s.pub_len = k->v[V_UNCOMPRESSED].pub_len;
    return s;
}

/* AlgorithmIdentifier { id-ecPublicKey, params } (params a whole TLV, or none). */
static void tb_algid(tu_der *t, const uint8_t *params, size_t params_len)
{
    tu_der a = { 0 };

    tu_der_put(&a, oid_ecpub_tlv, sizeof oid_ecpub_tlv);
    tu_der_put(&a, params, params_len);
    tu_der_wrap(&a, 0x30);
    tu_der_put(t, a.p, a.n);
    tu_der_free(&a);
}

/* ---- OpenSSL forms: parse, values, re-encode -------------------------------------- */

static void test_openssl_forms(void **state)
{
    tu_case *tc = tu_begin(state);
    const ossl_ec_key *k = get_ec_key(*(const int *)tc->data);
    size_t fi;
    int v;

    for (v = 0; v < NVARIANTS; v++) {
        const ossl_variant *ov = &k->v[v];

        for (fi = 0; fi < NEC_FORMS; fi++) {
            int f = forms[fi], form = 0;
            const uint8_t *der = ov->der[f], *wp;
            size_t len = ov->der_len[f], wl, need, cap, outlen;
            fm_ec_components c, ref;
            uint8_t *out;
            char what[96];

            snprintf(what, sizeof what, "%s %s %s", curve_name(k->curve), variant_name[v],
                     form_name(f));
            want_pub(k, v, f, &wp, &wl);
            assert_int_equal(fm_ec_der_parse(&c, &form, der, len), FM_OK);
            assert_int_equal(form, f);
            assert_int_equal(c.curve, k->curve);
            if (is_private(f)) {
                assert_int_equal(c.priv_len, k->priv_len);
                assert_true(tu_mem_eq(what, c.priv, k->priv, k->priv_len));
                assert_true(c.priv > der && c.priv + c.priv_len <= der + len);
            } else {
                assert_null(c.priv);
                assert_int_equal(c.priv_len, 0);
            }
            if (wp == NULL) {
                assert_null(c.pub);
                assert_int_equal(c.pub_len, 0);
            } else {
                assert_int_equal(c.pub_len, wl);
                assert_true(tu_mem_eq(what, c.pub, wp, wl));
                assert_true(c.pub > der && c.pub + c.pub_len <= der + len);
            }
            /* form may be NULL */
            assert_int_equal(fm_ec_der_parse(&c, NULL, der, len), FM_OK);

            /* Our encoding of the parsed key and of OpenSSL's values. */
            expect_encode(f, &c, der, len, what);
            memset(&ref, 0, sizeof ref);
            ref.curve = k->curve;
            ref.priv = k->priv;
            ref.priv_len = k->priv_len;
            ref.pub = wp;
            ref.pub_len = wl;
            expect_encode(f, &ref, der, len, what);
            /* The public form of the private components (with the point). */
            if (wp != NULL)
                expect_encode(FM_KEY_FORM_SPKI, &ref, ov->der[FM_KEY_FORM_SPKI],
                              ov->der_len[FM_KEY_FORM_SPKI], "SPKI from private components");

            /* Size query, then every capacity below it. */
            assert_int_equal(fm_ec_der_encode(NULL, 0, &need, f, &ref), FM_ERR_LENGTH);
            assert_int_equal(need, len);
            out = tu_xmalloc(need + 1);
            for (cap = 0; cap < need; cap++) {
                memset(out, 0xaa, need + 1);
                outlen = 0;
                assert_int_equal(fm_ec_der_encode(out, cap, &outlen, f, &ref), FM_ERR_LENGTH);
                assert_int_equal(outlen, need);
                assert_true(tu_all_zero(out, cap));
                assert_int_equal(out[cap], 0xaa);
            }
            assert_int_equal(fm_ec_der_encode(out, need, &outlen, f, &ref), FM_OK);
            assert_true(tu_mem_eq("exact capacity", out, der, need));
            free(out);
        }
    }
    /* Cross-form: SEC1 <-> PKCS#8 from the same components. */
    for (v = 0; v < NVARIANTS; v++) {
        fm_ec_components c;
        int form;

        assert_int_equal(fm_ec_der_parse(&c, &form, k->v[v].der[FM_KEY_FORM_SEC1],
                                         k->v[v].der_len[FM_KEY_FORM_SEC1]), FM_OK);
        expect_encode(FM_KEY_FORM_PKCS8, &c, k->v[v].der[FM_KEY_FORM_PKCS8],
                      k->v[v].der_len[FM_KEY_FORM_PKCS8], "SEC1 -> PKCS#8");
        assert_int_equal(fm_ec_der_parse(&c, &form, k->v[v].der[FM_KEY_FORM_PKCS8],
                                         k->v[v].der_len[FM_KEY_FORM_PKCS8]), FM_OK);
        expect_encode(FM_KEY_FORM_SEC1, &c, k->v[v].der[FM_KEY_FORM_SEC1],
                      k->v[v].der_len[FM_KEY_FORM_SEC1], "PKCS#8 -> SEC1");
    }
    printf("%s: 3 variants x 3 forms parsed and re-encoded byte for byte\n", curve_name(k->curve));
}

/* ---- PEM ------------------------------------------------------------------------------ */

static void test_pem_openssl(void **state)
{
    tu_case *tc = tu_begin(state);
    const ossl_ec_key *k = get_ec_key(*(const int *)tc->data);
    size_t fi;
    int v;

    for (v = 0; v < NVARIANTS; v++) {
        for (fi = 0; fi < NEC_FORMS; fi++) {
            int f = forms[fi], form;
            const ossl_variant *ov = &k->v[v];
            uint8_t der[FM_EC_DER_MAX_LEN], enc[FM_EC_DER_MAX_LEN];
            char label[FM_PEM_LABEL_MAX], *text;
            size_t derlen, enclen, need, textlen;
            fm_ec_components c;

            assert_int_equal(fm_pem_decode(der, sizeof der, &derlen, label, sizeof label,
                                           ov->pem[f], ov->pem_len[f]), FM_OK);
            assert_string_equal(label, form_label(f));
            assert_int_equal(derlen, ov->der_len[f]);
            assert_memory_equal(der, ov->der[f], derlen);
            assert_int_equal(fm_ec_der_parse(&c, &form, der, derlen), FM_OK);
            assert_int_equal(form, f);
            assert_int_equal(fm_ec_der_encode(enc, sizeof enc, &enclen, f, &c), FM_OK);
            assert_int_equal(fm_pem_encode(NULL, 0, &need, form_label(f), enc, enclen),
                             FM_ERR_LENGTH);
            text = tu_xmalloc(need);
            assert_int_equal(fm_pem_encode(text, need, &textlen, form_label(f), enc, enclen),
                             FM_OK);
            assert_int_equal(textlen, ov->pem_len[f]);
            assert_true(tu_mem_eq("fm_pem_encode vs PEM_write_bio", text, ov->pem[f], textlen));
            free(text);
            fm_wipe(der, sizeof der);
            fm_wipe(enc, sizeof enc);
        }
    }
}

/* ---- truncation, flips, mutations --------------------------------------------------- */

static void test_truncation(void **state)
{
    tu_case *tc = tu_begin(state);
    const ossl_ec_key *k = get_ec_key(*(const int *)tc->data);
    size_t fi, len, n = 0;
    int v;

    for (v = 0; v < NVARIANTS; v++) {
        for (fi = 0; fi < NEC_FORMS; fi++) {
            int f = forms[fi];

            for (len = 0; len < k->v[v].der_len[f]; len++) {
                uint8_t *d = tu_dup_bytes(k->v[v].der[f], len); /* overreads hit ASan */
                expect_parse(d, len, FM_ERR_DECODE, "truncated DER");
                free(d);
                n++;
            }
        }
    }
    printf("%s: %zu truncations, each FM_ERR_DECODE\n", curve_name(k->curve), n);
}

/*
 * Parse the mutated input m: FM_ERR_DECODE, FM_ERR_UNSUPPORTED, or FM_OK
 * with a key that re-encodes to exactly m; the one exception is PKCS#8
 * whose inner ECPrivateKey names its curve again (accepted, re-encoded
 * without it): then the re-encoding is shorter and parses to the same key.
 */
static int check_mutant(const uint8_t *m, size_t len, const char *what)
{
    fm_ec_components c, back;
    int form = 0, form2 = 0, rc = fm_ec_der_parse(&c, &form, m, len);

    if (rc == FM_OK) {
        uint8_t out[FM_EC_DER_MAX_LEN];
        size_t outlen = 0;
        int erc = fm_ec_der_encode(out, sizeof out, &outlen, form, &c);

        if (erc != FM_OK)
            fail_msg("%s: parsed as %s but does not encode (%s)", what, form_name(form), tu_err_name(erc));
        if (outlen != len || memcmp(out, m, len) != 0) {
            if (!(form == FM_KEY_FORM_PKCS8 && outlen < len))
                fail_msg("%s: parsed as %s but does not re-encode to itself", what,
                         form_name(form));
            assert_int_equal(fm_ec_der_parse(&back, &form2, out, outlen), FM_OK);
            assert_int_equal(form2, form);
            assert_true(same_key(&c, &back));
        }
    } else if (rc != FM_ERR_DECODE && rc != FM_ERR_UNSUPPORTED) {
        fail_msg("%s: fm_ec_der_parse returned %s", what, tu_err_name(rc));
    } else {
        assert_true(tu_all_zero(&c, sizeof c));
        assert_int_equal(form, 0);
    }
    return rc;
}

static void test_flips(void **state)
{
    static const uint8_t set_to[] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x06, 0x7f, 0x80, 0x81,
                                      0x82, 0xa0, 0xa1, 0xff };
    tu_case *tc = tu_begin(state);
    const ossl_ec_key *k = get_ec_key(*(const int *)tc->data);
    long counts[3] = { 0, 0, 0 }; /* ok, decode, unsupported */
    size_t fi, pos, s;
    unsigned bit;
    int v;

    for (v = 0; v < NVARIANTS; v++) {
        for (fi = 0; fi < NEC_FORMS; fi++) {
            int f = forms[fi];
            const uint8_t *orig = k->v[v].der[f];
            size_t len = k->v[v].der_len[f];
            uint8_t *m = tu_dup_bytes(orig, len);
            char what[96];
            int rc;

            for (pos = 0; pos < len; pos++) {
                for (bit = 0; bit < 9; bit++) {
                    m[pos] ^= bit < 8 ? (uint8_t)(1u << bit) : 0xff;
                    snprintf(what, sizeof what, "%s %s: byte %zu ^ 0x%02x", variant_name[v],
                             form_name(f), pos, bit < 8 ? 1u << bit : 0xffu);
                    rc = check_mutant(m, len, what);
                    counts[rc == FM_OK ? 0 : rc == FM_ERR_DECODE ? 1 : 2]++;
                    m[pos] = orig[pos];
                }
                for (s = 0; s < sizeof set_to; s++) {
                    if (set_to[s] == orig[pos])
                        continue;
                    m[pos] = set_to[s];
                    snprintf(what, sizeof what, "%s %s: byte %zu = 0x%02x", variant_name[v],
                             form_name(f), pos, set_to[s]);
                    rc = check_mutant(m, len, what);
                    counts[rc == FM_OK ? 0 : rc == FM_ERR_DECODE ? 1 : 2]++;
                    m[pos] = orig[pos];
                }
            }
            free(m);
        }
    }
    printf("%s: every octet changed: %ld still a key (re-encoded exactly: a changed d or "
           "point), %ld FM_ERR_DECODE, %ld FM_ERR_UNSUPPORTED\n", curve_name(k->curve),
           counts[0], counts[1], counts[2]);
    assert_true(counts[0] > 0 && counts[1] > 0 && counts[2] > 0);
}

static void test_random_mutations(void **state)
{
    tu_rng rng;
    long i, ok = 0;

    (void)tu_begin(state);
    tu_rng_init_named(&rng, "ec random mutations");
    for (i = 0; i < 30000; i++) {
        const ossl_ec_key *k = get_ec_key(curves[tu_rng_below(&rng, NCURVES)]);
        int v = (int)tu_rng_below(&rng, NVARIANTS), f = forms[tu_rng_below(&rng, NEC_FORMS)];
        size_t len = k->v[v].der_len[f], j, changes = 1 + tu_rng_below(&rng, 3);
        uint8_t *m;

        if (tu_rng_below(&rng, 8) == 0)
            len = tu_rng_below(&rng, len + 1);
        m = tu_dup_bytes(k->v[v].der[f], len);
        for (j = 0; j < changes && len > 0; j++)
            m[tu_rng_below(&rng, len)] = (uint8_t)tu_rng_u64(&rng);
        ok += check_mutant(m, len, "random mutation") == FM_OK;
        free(m);
    }
    printf("30000 random mutations, %ld still a key (each re-encoded to itself)\n", ok);
}

/* ---- named negative cases ------------------------------------------------------------ */

/* SEC1 ECPrivateKey: versions, lengths, parameters, points, trailing data, tags. */
static void test_sec1_rules(void **state)
{
    const ossl_ec_key *k;
    tu_der t = { 0 };
    size_t ci;

    (void)tu_begin(state);
    for (ci = 0; ci < NCURVES; ci++) {
        sec1_parts base, s;
        uint8_t big[FM_EC_MAX_BYTES + 1], pt[1 + 2 * FM_EC_MAX_BYTES + 1];
        size_t b, plen;
        char what[128];

        k = get_ec_key(curves[ci]);
        b = k->priv_len;
        base = sec1_of(k);
        plen = base.pub_len;

        /* The builder reproduces OpenSSL's SEC1. */
        tb_sec1(&t, &base);
        assert_int_equal(t.n, k->v[V_UNCOMPRESSED].der_len[FM_KEY_FORM_SEC1]);
        assert_memory_equal(t.p, k->v[V_UNCOMPRESSED].der[FM_KEY_FORM_SEC1], t.n);
        tu_der_free(&t);

#define CASE(want, ...)                               \
        do {                                          \
            tb_sec1(&t, &s);                          \
            snprintf(what, sizeof what, __VA_ARGS__); \
            expect_parse(t.p, t.n, want, what);       \
            tu_der_free(&t);                          \
        } while (0)

        /* versions */
        {
            static const uint8_t v0[] = { 0x02, 0x01, 0x00 }, v2[] = { 0x02, 0x01, 0x02 };
            static const uint8_t v1_long[] = { 0x02, 0x02, 0x00, 0x01 };
            static const uint8_t v_neg[] = { 0x02, 0x01, 0xff };
            static const uint8_t v_big[] = { 0x02, 0x05, 0x01, 0x00, 0x00, 0x00, 0x01 };
            s = base; s.version = v0; s.version_len = sizeof v0;
            CASE(FM_ERR_DECODE, "%s SEC1 version 0", curve_name(k->curve));
            s = base; s.version = v2; s.version_len = sizeof v2;
            CASE(FM_ERR_DECODE, "%s SEC1 version 2", curve_name(k->curve));
            s = base; s.version = v1_long; s.version_len = sizeof v1_long;
            CASE(FM_ERR_DECODE, "%s SEC1 version 1 non-minimal", curve_name(k->curve));
            s = base; s.version = v_neg; s.version_len = sizeof v_neg;
            CASE(FM_ERR_DECODE, "%s SEC1 version -1", curve_name(k->curve));
            s = base; s.version = v_big; s.version_len = sizeof v_big;
            CASE(FM_ERR_DECODE, "%s SEC1 version 2^32 + 1", curve_name(k->curve));
            s = base; s.version = NULL;
            CASE(FM_ERR_DECODE, "%s SEC1 without version", curve_name(k->curve));
        }
        /* privateKey length: exactly the curve's, RFC 5915 3 */
        memset(big, 0, sizeof big);
        memcpy(big + 1, k->priv, b);
        s = base; s.priv = k->priv; s.priv_len = b - 1;
        CASE(FM_ERR_DECODE, "%s privateKey one octet short", curve_name(k->curve));
        s = base; s.priv = big; s.priv_len = b + 1;
        CASE(FM_ERR_DECODE, "%s privateKey one octet long (leading zero)", curve_name(k->curve));
        s = base; s.priv = big; s.priv_len = 0;
        CASE(FM_ERR_DECODE, "%s privateKey empty", curve_name(k->curve));
        s = base; s.priv = NULL;
        CASE(FM_ERR_DECODE, "%s no privateKey", curve_name(k->curve));
        /* d is not range-checked here (fm_ec_key_import does it): zero parses */
        memset(big, 0, sizeof big);
        s = base; s.priv = big; s.priv_len = b;
        CASE(FM_OK, "%s privateKey zero (the module refuses it, not the parser)",
             curve_name(k->curve));

        /* parameters */
        {
            static const uint8_t two_oids[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22,
                                                0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22 };
            static const uint8_t bad_oid[] = { 0x06, 0x05, 0x2b, 0x81, 0x84, 0x00, 0x80 };
            static const uint8_t int_param[] = { 0x02, 0x01, 0x01 };
            static const uint8_t empty_seq[] = { 0x30, 0x00 };
            static const uint8_t null_content[] = { 0x05, 0x01, 0x00 };
            const uint8_t *other;
            size_t otherlen;

            s = base; s.params = NULL;
            CASE(FM_ERR_DECODE, "%s standalone SEC1 without parameters", curve_name(k->curve));
            s = base; s.params = secp256k1_tlv; s.params_len = sizeof secp256k1_tlv;
            CASE(FM_ERR_UNSUPPORTED, "%s SEC1 on secp256k1", curve_name(k->curve));
            s = base; s.params = p224_tlv; s.params_len = sizeof p224_tlv;
            CASE(FM_ERR_UNSUPPORTED, "%s SEC1 on P-224", curve_name(k->curve));
            s = base; s.params = implicit_tlv; s.params_len = sizeof implicit_tlv;
            CASE(FM_ERR_UNSUPPORTED, "%s SEC1 implicitCurve", curve_name(k->curve));
            s = base; s.params = empty_seq; s.params_len = sizeof empty_seq;
            CASE(FM_ERR_UNSUPPORTED, "%s SEC1 specifiedCurve (empty)", curve_name(k->curve));
            s = base; s.params = null_content; s.params_len = sizeof null_content;
            CASE(FM_ERR_DECODE, "%s SEC1 implicitCurve NULL with content", curve_name(k->curve));
            s = base; s.params = two_oids; s.params_len = sizeof two_oids;
            CASE(FM_ERR_DECODE, "%s SEC1 [0] with two OIDs", curve_name(k->curve));
            s = base; s.params = bad_oid; s.params_len = sizeof bad_oid;
            CASE(FM_ERR_DECODE, "%s SEC1 malformed curve OID", curve_name(k->curve));
            s = base; s.params = int_param; s.params_len = sizeof int_param;
            CASE(FM_ERR_DECODE, "%s SEC1 [0] holding an INTEGER", curve_name(k->curve));
            s = base; s.params = int_param; s.params_len = 0;
            CASE(FM_ERR_DECODE, "%s SEC1 empty [0]", curve_name(k->curve));
            /* another supported curve: the privateKey length no longer fits */
            curve_tlv(curves[(ci + 1) % NCURVES], &other, &otherlen);
            s = base; s.params = other; s.params_len = otherlen;
            CASE(FM_ERR_DECODE, "%s key labelled %s", curve_name(k->curve),
                 curve_name(curves[(ci + 1) % NCURVES]));
        }

        /* publicKey */
        memcpy(pt, base.pub, plen);
        s = base; s.pub = NULL;
        CASE(FM_OK, "%s SEC1 without publicKey", curve_name(k->curve));
        s = base; s.pub_len = plen - 1;
        CASE(FM_ERR_DECODE, "%s point one octet short", curve_name(k->curve));
        pt[plen] = 0;
        s = base; s.pub = pt; s.pub_len = plen + 1;
        CASE(FM_ERR_DECODE, "%s point one octet long", curve_name(k->curve));
        s = base; s.pub = pt; s.pub_len = 1 + b;
        CASE(FM_ERR_DECODE, "%s uncompressed prefix on a compressed length", curve_name(k->curve));
        pt[0] = 0x02;
        CASE(FM_OK, "%s compressed shape (02 || x)", curve_name(k->curve));
        s.pub_len = plen;
        CASE(FM_ERR_DECODE, "%s compressed prefix on an uncompressed length", curve_name(k->curve));
        pt[0] = 0x06;
        CASE(FM_ERR_UNSUPPORTED, "%s hybrid point 06", curve_name(k->curve));
        pt[0] = 0x07;
        CASE(FM_ERR_UNSUPPORTED, "%s hybrid point 07", curve_name(k->curve));
        pt[0] = 0x05;
        CASE(FM_ERR_DECODE, "%s point prefix 05", curve_name(k->curve));
        pt[0] = 0x00;
        CASE(FM_ERR_DECODE, "%s point prefix 00 with coordinates", curve_name(k->curve));
        s.pub_len = 1;
        CASE(FM_ERR_DECODE, "%s point at infinity (00)", curve_name(k->curve));
        s.pub_len = 0;
        CASE(FM_ERR_DECODE, "%s empty point", curve_name(k->curve));
        s = base; s.pub_unused = 1;
        CASE(FM_ERR_DECODE, "%s point BIT STRING with an unused bit", curve_name(k->curve));

        /* trailing data and order */
        {
            static const uint8_t nul[] = { 0x05, 0x00 }, a2[] = { 0xa2, 0x00 };
            tu_der extra = { 0 };

            s = base; s.extra = nul; s.extra_len = sizeof nul;
            CASE(FM_ERR_DECODE, "%s NULL after publicKey", curve_name(k->curve));
            s = base; s.extra = a2; s.extra_len = sizeof a2;
            CASE(FM_ERR_DECODE, "%s [2] after publicKey", curve_name(k->curve));
            s = base; s.swap = 1;
            CASE(FM_ERR_DECODE, "%s [1] before [0]", curve_name(k->curve));
            /* [0] twice */
            tu_der_tlv(&extra, 0xa0, base.params, base.params_len);
            s = base; s.pub = NULL; s.extra = extra.p; s.extra_len = extra.n;
            CASE(FM_ERR_DECODE, "%s [0] twice", curve_name(k->curve));
            tu_der_free(&extra);
            /* something inside [0] after the OID, inside [1] after the BIT STRING */
            tu_der_put(&extra, base.params, base.params_len);
            tu_der_put(&extra, nul, sizeof nul);
            s = base; s.params = extra.p; s.params_len = extra.n;
            CASE(FM_ERR_DECODE, "%s trailing NULL inside [0]", curve_name(k->curve));
            tu_der_free(&extra);
            /* after the outer SEQUENCE */
            tb_sec1(&t, &base);
            tu_der_byte(&t, 0x00);
            snprintf(what, sizeof what, "%s octet after the SEC1 key", curve_name(k->curve));
            expect_parse(t.p, t.n, FM_ERR_DECODE, what);
            tu_der_free(&t);
            /* [1] with a trailing NULL: built by hand */
            {
                tu_der p1 = { 0 }, bits = { 0 };
                const uint8_t *pp;
                size_t pl;

                tu_der_put(&t, version1, sizeof version1);
                tu_der_tlv(&t, 0x04, k->priv, b);
                curve_tlv(k->curve, &pp, &pl);
                tu_der_tlv(&t, 0xa0, pp, pl);
                tu_der_byte(&bits, 0);
                tu_der_put(&bits, base.pub, plen);
                tu_der_tlv(&p1, 0x03, bits.p, bits.n);
                tu_der_put(&p1, nul, sizeof nul);
                tu_der_tlv(&t, 0xa1, p1.p, p1.n);
                tu_der_wrap(&t, 0x30);
                snprintf(what, sizeof what, "%s trailing NULL inside [1]", curve_name(k->curve));
                expect_parse(t.p, t.n, FM_ERR_DECODE, what);
                tu_der_free(&t);
                /* [0] and [1] primitive (IMPLICIT) instead of EXPLICIT */
                tu_der_put(&t, version1, sizeof version1);
                tu_der_tlv(&t, 0x04, k->priv, b);
                tu_der_tlv(&t, 0x80, pp + 2, pl - 2);
                tu_der_wrap(&t, 0x30);
                snprintf(what, sizeof what, "%s IMPLICIT [0]", curve_name(k->curve));
                expect_parse(t.p, t.n, FM_ERR_DECODE, what);
                tu_der_free(&t);
                tu_der_put(&t, version1, sizeof version1);
                tu_der_tlv(&t, 0x04, k->priv, b);
                tu_der_tlv(&t, 0xa0, pp, pl);
                tu_der_tlv(&t, 0x81, bits.p, bits.n);
                tu_der_wrap(&t, 0x30);
                snprintf(what, sizeof what, "%s IMPLICIT [1]", curve_name(k->curve));
                expect_parse(t.p, t.n, FM_ERR_DECODE, what);
                tu_der_free(&t);
                /* privateKey as an INTEGER (an RSA-like shape) */
                tu_der_put(&t, version1, sizeof version1);
                tu_der_tlv(&t, 0x02, (const uint8_t *)"\x01", 1);
                tu_der_tlv(&t, 0xa0, pp, pl);
                tu_der_wrap(&t, 0x30);
                snprintf(what, sizeof what, "%s privateKey as INTEGER", curve_name(k->curve));
                expect_parse(t.p, t.n, FM_ERR_DECODE, what);
                tu_der_free(&t);
                tu_der_free(&p1);
                tu_der_free(&bits);
            }
        }
#undef CASE
    }
}

/* PKCS#8: algorithm, parameters, the inner key, versions, attributes. */
static void test_pkcs8_rules(void **state)
{
    size_t ci;

    (void)tu_begin(state);
    for (ci = 0; ci < NCURVES; ci++) {
        const ossl_ec_key *k = get_ec_key(curves[ci]);
        const uint8_t *ctlv, *other;
        size_t ctlvlen, otherlen;
        tu_der inner = { 0 }, algid = { 0 }, t = { 0 };
        sec1_parts s = sec1_of(k);
        char what[128];
        fm_ec_components c;
        int form;

        curve_tlv(k->curve, &ctlv, &ctlvlen);
        curve_tlv(curves[(ci + 1) % NCURVES], &other, &otherlen);
        tb_algid(&algid, ctlv, ctlvlen);
        s.params = NULL; /* OpenSSL's inner ECPrivateKey */
        tb_sec1(&inner, &s);

#define P8(want, ver, a, alen, key, keylen, extra, extralen, ...)         \
        do {                                                              \
            tu_der_pkcs8(&t, ver, a, alen, key, keylen, extra, extralen); \
            snprintf(what, sizeof what, __VA_ARGS__);                     \
            expect_parse(t.p, t.n, want, what);                           \
            tu_der_free(&t);                                              \
        } while (0)

        /* The builder reproduces OpenSSL's PKCS#8. */
        tu_der_pkcs8(&t, 0, algid.p, algid.n, inner.p, inner.n, NULL, 0);
        assert_int_equal(t.n, k->v[V_UNCOMPRESSED].der_len[FM_KEY_FORM_PKCS8]);
        assert_memory_equal(t.p, k->v[V_UNCOMPRESSED].der[FM_KEY_FORM_PKCS8], t.n);
        tu_der_free(&t);

        /* Inner parameters: the same curve is accepted (and re-encoded
         * without them), anything else contradicts the algorithm. */
        {
            tu_der in2 = { 0 };
            uint8_t out[FM_EC_DER_MAX_LEN];
            size_t outlen;

            s = sec1_of(k);
            tb_sec1(&in2, &s);
            tu_der_pkcs8(&t, 0, algid.p, algid.n, in2.p, in2.n, NULL, 0);
            assert_int_equal(fm_ec_der_parse(&c, &form, t.p, t.n), FM_OK);
            assert_int_equal(form, FM_KEY_FORM_PKCS8);
            assert_int_equal(c.curve, k->curve);
            assert_int_equal(fm_ec_der_encode(out, sizeof out, &outlen, FM_KEY_FORM_PKCS8, &c),
                             FM_OK);
            assert_int_equal(outlen, k->v[V_UNCOMPRESSED].der_len[FM_KEY_FORM_PKCS8]);
            assert_memory_equal(out, k->v[V_UNCOMPRESSED].der[FM_KEY_FORM_PKCS8], outlen);
            tu_der_free(&t);
            tu_der_free(&in2);

            s = sec1_of(k); s.params = other; s.params_len = otherlen;
            tb_sec1(&in2, &s);
            P8(FM_ERR_DECODE, 0, algid.p, algid.n, in2.p, in2.n, NULL, 0,
               "%s PKCS#8, inner parameters name %s", curve_name(k->curve),
               curve_name(curves[(ci + 1) % NCURVES]));
            tu_der_free(&in2);
            s = sec1_of(k); s.params = secp256k1_tlv; s.params_len = sizeof secp256k1_tlv;
            tb_sec1(&in2, &s);
            P8(FM_ERR_DECODE, 0, algid.p, algid.n, in2.p, in2.n, NULL, 0,
               "%s PKCS#8, inner parameters name secp256k1", curve_name(k->curve));
            tu_der_free(&in2);
            s = sec1_of(k); s.params = implicit_tlv; s.params_len = sizeof implicit_tlv;
            tb_sec1(&in2, &s);
            P8(FM_ERR_DECODE, 0, algid.p, algid.n, in2.p, in2.n, NULL, 0,
               "%s PKCS#8, inner implicitCurve", curve_name(k->curve));
            tu_der_free(&in2);
        }
        /* Algorithm identifiers. */
        {
            tu_der a = { 0 };
            static const uint8_t two[] = { 0x05, 0x00 };

            tb_algid(&a, NULL, 0);
            P8(FM_ERR_DECODE, 0, a.p, a.n, inner.p, inner.n, NULL, 0,
               "%s PKCS#8, id-ecPublicKey without parameters", curve_name(k->curve));
            tu_der_free(&a);
            tb_algid(&a, secp256k1_tlv, sizeof secp256k1_tlv);
            P8(FM_ERR_UNSUPPORTED, 0, a.p, a.n, inner.p, inner.n, NULL, 0,
               "%s PKCS#8 on secp256k1", curve_name(k->curve));
            tu_der_free(&a);
            tb_algid(&a, implicit_tlv, sizeof implicit_tlv);
            P8(FM_ERR_UNSUPPORTED, 0, a.p, a.n, inner.p, inner.n, NULL, 0,
               "%s PKCS#8 implicitCurve", curve_name(k->curve));
            tu_der_free(&a);
            tu_der_put(&a, ctlv, ctlvlen);
            tu_der_put(&a, two, sizeof two);
            {
                tu_der a2 = { 0 };
                tb_algid(&a2, a.p, a.n);
                P8(FM_ERR_DECODE, 0, a2.p, a2.n, inner.p, inner.n, NULL, 0,
                   "%s PKCS#8, two parameters", curve_name(k->curve));
                tu_der_free(&a2);
            }
            tu_der_free(&a);
            P8(FM_ERR_UNSUPPORTED, 0, algid_rsa, sizeof algid_rsa, inner.p, inner.n, NULL, 0,
               "%s ECPrivateKey under rsaEncryption", curve_name(k->curve));
            /* id-ecPublicKey's OID changed in its last arc: another algorithm */
            tu_der_put(&a, algid.p, algid.n);
            a.p[2 + 8] ^= 0x03; /* 30 len 06 07 2a 86 48 ce 3d 02 01 */
            P8(FM_ERR_UNSUPPORTED, 0, a.p, a.n, inner.p, inner.n, NULL, 0,
               "%s PKCS#8, 1.2.840.10045.2.2", curve_name(k->curve));
            tu_der_free(&a);
            /* another curve outside, this key's length inside */
            tb_algid(&a, other, otherlen);
            P8(FM_ERR_DECODE, 0, a.p, a.n, inner.p, inner.n, NULL, 0,
               "%s key in a %s PKCS#8", curve_name(k->curve),
               curve_name(curves[(ci + 1) % NCURVES]));
            tu_der_free(&a);
        }
        /* Versions, attributes, OneAsymmetricKey, the inner key. */
        {
            static const uint8_t attrs[] = { 0xa0, 0x00 };
            static const uint8_t pubkey[] = { 0x81, 0x01, 0x00 };
            tu_der longer = { 0 };

            P8(FM_ERR_UNSUPPORTED, 0, algid.p, algid.n, inner.p, inner.n, attrs, sizeof attrs,
               "%s PKCS#8 with attributes", curve_name(k->curve));
            P8(FM_ERR_UNSUPPORTED, 1, algid.p, algid.n, inner.p, inner.n, pubkey, sizeof pubkey,
               "%s OneAsymmetricKey version 1", curve_name(k->curve));
            P8(FM_ERR_DECODE, 0, algid.p, algid.n, inner.p, inner.n, pubkey, sizeof pubkey,
               "%s PKCS#8 version 0 with publicKey", curve_name(k->curve));
            P8(FM_ERR_DECODE, 2, algid.p, algid.n, inner.p, inner.n, NULL, 0,
               "%s PKCS#8 version 2", curve_name(k->curve));
            P8(FM_ERR_DECODE, 0, algid.p, algid.n, inner.p, inner.n - 1, NULL, 0,
               "%s PKCS#8 holding a truncated key", curve_name(k->curve));
            tu_der_put(&longer, inner.p, inner.n);
            tu_der_byte(&longer, 0);
            P8(FM_ERR_DECODE, 0, algid.p, algid.n, longer.p, longer.n, NULL, 0,
               "%s PKCS#8 key with a trailing octet", curve_name(k->curve));
            tu_der_free(&longer);
            P8(FM_ERR_DECODE, 0, algid.p, algid.n, k->v[0].der[FM_KEY_FORM_SPKI],
               k->v[0].der_len[FM_KEY_FORM_SPKI], NULL, 0,
               "%s PKCS#8 holding an SPKI", curve_name(k->curve));
            P8(FM_ERR_DECODE, 0, algid.p, algid.n, k->v[0].pub, k->v[0].pub_len, NULL, 0,
               "%s PKCS#8 holding the raw point", curve_name(k->curve));
            P8(FM_ERR_DECODE, 0, algid.p, algid.n, k->priv, k->priv_len, NULL, 0,
               "%s PKCS#8 holding the raw scalar", curve_name(k->curve));
            /* inner privateKey one octet short and long */
            {
                tu_der in2 = { 0 };
                uint8_t big[FM_EC_MAX_BYTES + 1] = { 0 };

                s = sec1_of(k); s.params = NULL; s.priv_len = k->priv_len - 1;
                tb_sec1(&in2, &s);
                P8(FM_ERR_DECODE, 0, algid.p, algid.n, in2.p, in2.n, NULL, 0,
                   "%s PKCS#8, privateKey one octet short", curve_name(k->curve));
                tu_der_free(&in2);
                memcpy(big + 1, k->priv, k->priv_len);
                s = sec1_of(k); s.params = NULL; s.priv = big; s.priv_len = k->priv_len + 1;
                tb_sec1(&in2, &s);
                P8(FM_ERR_DECODE, 0, algid.p, algid.n, in2.p, in2.n, NULL, 0,
                   "%s PKCS#8, privateKey one octet long", curve_name(k->curve));
                tu_der_free(&in2);
                s = sec1_of(k); s.params = NULL; s.version = NULL;
                {
                    static const uint8_t v0[] = { 0x02, 0x01, 0x00 };
                    s.version = v0; s.version_len = sizeof v0;
                }
                tb_sec1(&in2, &s);
                P8(FM_ERR_DECODE, 0, algid.p, algid.n, in2.p, in2.n, NULL, 0,
                   "%s PKCS#8, inner version 0", curve_name(k->curve));
                tu_der_free(&in2);
                s = sec1_of(k); s.params = NULL; s.pub = NULL;
                tb_sec1(&in2, &s);
                P8(FM_OK, 0, algid.p, algid.n, in2.p, in2.n, NULL, 0,
                   "%s PKCS#8 without publicKey", curve_name(k->curve));
                tu_der_free(&in2);
            }
        }
        /* trailing octet after the whole PKCS#8 */
        tu_der_pkcs8(&t, 0, algid.p, algid.n, inner.p, inner.n, NULL, 0);
        tu_der_byte(&t, 0);
        snprintf(what, sizeof what, "%s octet after the PKCS#8", curve_name(k->curve));
        expect_parse(t.p, t.n, FM_ERR_DECODE, what);
        tu_der_free(&t);
#undef P8
        tu_der_free(&inner);
        tu_der_free(&algid);
    }
}

/* SPKI: algorithm, parameters, the point. */
static void test_spki_rules(void **state)
{
    size_t ci;

    (void)tu_begin(state);
    for (ci = 0; ci < NCURVES; ci++) {
        const ossl_ec_key *k = get_ec_key(curves[ci]);
        const uint8_t *ctlv, *other, *pub = k->v[V_UNCOMPRESSED].pub;
        size_t ctlvlen, otherlen, plen = k->v[V_UNCOMPRESSED].pub_len;
        tu_der algid = { 0 }, a = { 0 }, t = { 0 };
        uint8_t pt[1 + 2 * FM_EC_MAX_BYTES + 1];
        char what[128];

        curve_tlv(k->curve, &ctlv, &ctlvlen);
        curve_tlv(curves[(ci + 1) % NCURVES], &other, &otherlen);
        tb_algid(&algid, ctlv, ctlvlen);

#define SPKI(want, al, alen, unused, point, plen_, ...)      \
        do {                                                 \
            tu_der_spki(&t, al, alen, unused, point, plen_); \
            snprintf(what, sizeof what, __VA_ARGS__);        \
            expect_parse(t.p, t.n, want, what);              \
            tu_der_free(&t);                                 \
        } while (0)

        tu_der_spki(&t, algid.p, algid.n, 0, pub, plen);
        assert_int_equal(t.n, k->v[V_UNCOMPRESSED].der_len[FM_KEY_FORM_SPKI]);
        assert_memory_equal(t.p, k->v[V_UNCOMPRESSED].der[FM_KEY_FORM_SPKI], t.n);
        tu_der_free(&t);

        tb_algid(&a, NULL, 0);
        SPKI(FM_ERR_DECODE, a.p, a.n, 0, pub, plen, "%s SPKI without parameters",
             curve_name(k->curve));
        tu_der_free(&a);
        tb_algid(&a, secp256k1_tlv, sizeof secp256k1_tlv);
        SPKI(FM_ERR_UNSUPPORTED, a.p, a.n, 0, pub, plen, "%s SPKI on secp256k1",
             curve_name(k->curve));
        tu_der_free(&a);
        tb_algid(&a, implicit_tlv, sizeof implicit_tlv);
        SPKI(FM_ERR_UNSUPPORTED, a.p, a.n, 0, pub, plen, "%s SPKI implicitCurve",
             curve_name(k->curve));
        tu_der_free(&a);
        tb_algid(&a, other, otherlen);
        SPKI(FM_ERR_DECODE, a.p, a.n, 0, pub, plen, "%s point in a %s SPKI",
             curve_name(k->curve), curve_name(curves[(ci + 1) % NCURVES]));
        tu_der_free(&a);
        SPKI(FM_ERR_UNSUPPORTED, algid_rsa, sizeof algid_rsa, 0, pub, plen,
             "%s point under rsaEncryption", curve_name(k->curve));
        SPKI(FM_ERR_DECODE, algid.p, algid.n, 1, pub, plen, "%s SPKI BIT STRING with an unused bit",
             curve_name(k->curve));
        SPKI(FM_ERR_DECODE, algid.p, algid.n, 0, pub, 0, "%s SPKI empty point",
             curve_name(k->curve));
        SPKI(FM_ERR_DECODE, algid.p, algid.n, 0, pub, plen - 1, "%s SPKI point one short",
             curve_name(k->curve));
        memcpy(pt, pub, plen);
        pt[plen] = 0;
        SPKI(FM_ERR_DECODE, algid.p, algid.n, 0, pt, plen + 1, "%s SPKI point one long",
             curve_name(k->curve));
        pt[0] = 0x06;
        SPKI(FM_ERR_UNSUPPORTED, algid.p, algid.n, 0, pt, plen, "%s SPKI hybrid point",
             curve_name(k->curve));
        pt[0] = 0x00;
        SPKI(FM_ERR_DECODE, algid.p, algid.n, 0, pt, 1, "%s SPKI point at infinity",
             curve_name(k->curve));
        pt[0] = 0x03;
        SPKI(FM_OK, algid.p, algid.n, 0, pt, 1 + k->priv_len, "%s SPKI compressed shape",
             curve_name(k->curve));
        SPKI(FM_ERR_DECODE, algid.p, algid.n, 0, pt, plen, "%s SPKI 03 with two coordinates",
             curve_name(k->curve));
        /* trailing data: after the BIT STRING, after the SPKI */
        {
            tu_der_put(&t, algid.p, algid.n);
            tu_der_byte(&t, 0x03); tu_der_len(&t, plen + 1);
            tu_der_byte(&t, 0); tu_der_put(&t, pub, plen);
            tu_der_byte(&t, 0x05); tu_der_byte(&t, 0x00);
            tu_der_wrap(&t, 0x30);
            snprintf(what, sizeof what, "%s NULL after the SPKI point", curve_name(k->curve));
            expect_parse(t.p, t.n, FM_ERR_DECODE, what);
            tu_der_free(&t);
            tu_der_spki(&t, algid.p, algid.n, 0, pub, plen);
            tu_der_byte(&t, 0x00);
            snprintf(what, sizeof what, "%s octet after the SPKI", curve_name(k->curve));
            expect_parse(t.p, t.n, FM_ERR_DECODE, what);
            tu_der_free(&t);
            /* the point as OCTET STRING: an EncryptedPrivateKeyInfo shape */
            tu_der_put(&t, algid.p, algid.n);
            tu_der_tlv(&t, 0x04, pub, plen);
            tu_der_wrap(&t, 0x30);
            snprintf(what, sizeof what, "%s SPKI with an OCTET STRING point", curve_name(k->curve));
            expect_parse(t.p, t.n, FM_ERR_UNSUPPORTED, what);
            tu_der_free(&t);
        }
#undef SPKI
        tu_der_free(&algid);
    }
}

/* Keys OpenSSL makes that fm_ec_der_parse refuses, and generic DER rules. */
static void test_openssl_unsupported(void **state)
{
    static const char *const other_curves[] = { "secp256k1", "secp224r1", "brainpoolP256r1" };
    size_t i, fi;

    (void)tu_begin(state);
    /* Explicit parameters (= openssl ec -param_enc explicit), every curve and form. */
    for (i = 0; i < NCURVES; i++) {
        EVP_PKEY *k = EVP_EC_gen(ossl_curve(curves[i]));

        assert_non_null(k);
        assert_int_equal(EVP_PKEY_set_utf8_string_param(k, OSSL_PKEY_PARAM_EC_ENCODING,
                                                        OSSL_PKEY_EC_ENCODING_EXPLICIT), 1);
        for (fi = 0; fi < NEC_FORMS; fi++) {
            size_t len;
            uint8_t *d = der_of(k, forms[fi], &len);
            char what[96];

            snprintf(what, sizeof what, "%s explicit parameters, %s", curve_name(curves[i]),
                     form_name(forms[fi]));
            expect_parse(d, len, FM_ERR_UNSUPPORTED, what);
            /* and truncated: malformed first */
            expect_parse(d, len - 1, FM_ERR_DECODE, what);
            free(d);
        }
        EVP_PKEY_free(k);
    }
    /* Other named curves. */
    for (i = 0; i < sizeof other_curves / sizeof other_curves[0]; i++) {
        EVP_PKEY *k = EVP_EC_gen(other_curves[i]);

        if (k == NULL) {
            printf("(OpenSSL has no %s here; skipped)\n", other_curves[i]);
            continue;
        }
        for (fi = 0; fi < NEC_FORMS; fi++) {
            size_t len;
            uint8_t *d = der_of(k, forms[fi], &len);
            char what[96];

            snprintf(what, sizeof what, "%s %s", other_curves[i], form_name(forms[fi]));
            expect_parse(d, len, FM_ERR_UNSUPPORTED, what);
            free(d);
        }
        EVP_PKEY_free(k);
    }
    /* RSA keys: PKCS#1 is no EC structure; PKCS#8 and SPKI are another algorithm. */
    {
        EVP_PKEY *r = EVP_RSA_gen(1024);
        unsigned char *p = NULL;
        uint8_t *d;
        size_t len;
        int n;

        assert_non_null(r);
        d = der_sec1(r, &len); /* i2d_PrivateKey: PKCS#1 for RSA */
        expect_parse(d, len, FM_ERR_DECODE, "RSA PKCS#1 private key");
        free(d);
        n = i2d_PublicKey(r, &p);
        d = take_i2d(n, p, &len);
        expect_parse(d, len, FM_ERR_DECODE, "RSA PKCS#1 public key");
        free(d);
        d = der_pkcs8(r, &len);
        expect_parse(d, len, FM_ERR_UNSUPPORTED, "RSA PKCS#8");
        free(d);
        d = der_spki(r, &len);
        expect_parse(d, len, FM_ERR_UNSUPPORTED, "RSA SPKI");
        free(d);
        EVP_PKEY_free(r);
    }
    /* Encrypted PKCS#8 of an EC key. */
    {
        const ossl_ec_key *k = get_ec_key(FM_EC_P256);
        BIO *b = BIO_new(BIO_s_mem());
        char *raw;
        uint8_t *d;
        size_t len;

        assert_non_null(b);
        assert_int_equal(i2d_PKCS8PrivateKey_bio(b, k->pkey, EVP_aes_256_cbc(), "pw", 2, NULL,
                                                 NULL), 1);
        raw = tu_bio_take(b, &len);
        d = tu_dup_bytes(raw, len);
        free(raw);
        expect_parse(d, len, FM_ERR_UNSUPPORTED, "EC EncryptedPrivateKeyInfo");
        expect_parse(d, len - 1, FM_ERR_DECODE, "EC EncryptedPrivateKeyInfo, truncated");
        free(d);
    }
    /* Generic DER rules on an OpenSSL key. */
    {
        const ossl_ec_key *k = get_ec_key(FM_EC_P256);
        const uint8_t *der = k->v[V_UNCOMPRESSED].der[FM_KEY_FORM_SEC1];
        size_t len = k->v[V_UNCOMPRESSED].der_len[FM_KEY_FORM_SEC1];
        tu_der t = { 0 };

        assert_int_equal(der[0], 0x30);
        assert_int_equal(der[1], len - 2); /* short-form outer length */
        /* long form for a length below 128 */
        tu_der_byte(&t, 0x30); tu_der_byte(&t, 0x81);
        tu_der_byte(&t, der[1]); tu_der_put(&t, der + 2, len - 2);
        expect_parse(t.p, t.n, FM_ERR_DECODE, "non-minimal outer length");
        tu_der_free(&t);
        /* indefinite length */
        tu_der_byte(&t, 0x30); tu_der_byte(&t, 0x80); tu_der_put(&t, der + 2, len - 2);
        tu_der_byte(&t, 0); tu_der_byte(&t, 0);
        expect_parse(t.p, t.n, FM_ERR_DECODE, "indefinite length");
        tu_der_free(&t);
        /* two keys */
        tu_der_put(&t, der, len);
        tu_der_put(&t, der, len);
        expect_parse(t.p, t.n, FM_ERR_DECODE, "two keys");
        tu_der_free(&t);
        {
            static const uint8_t empty_seq[] = { 0x30, 0x00 };
            static const uint8_t one_int[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
            static const uint8_t hi[] = { 0x30, 0x06, 0x1f, 0x81, 0x00, 0x00, 0x04, 0x00 };
            static const uint8_t bool_first[] = { 0x30, 0x05, 0x01, 0x01, 0xff, 0x04, 0x00 };
            expect_parse(empty_seq, sizeof empty_seq, FM_ERR_DECODE, "empty SEQUENCE");
            expect_parse(one_int, sizeof one_int, FM_ERR_DECODE, "a lone INTEGER");
            expect_parse(hi, sizeof hi, FM_ERR_DECODE, "high-tag-number form");
            expect_parse(bool_first, sizeof bool_first, FM_ERR_DECODE, "BOOLEAN first");
            expect_parse(der, 0, FM_ERR_DECODE, "no input");
            expect_parse(NULL, 0, FM_ERR_DECODE, "NULL, 0");
            expect_parse(NULL, 5, FM_ERR_ARG, "NULL, 5");
            assert_int_equal(fm_ec_der_parse(NULL, NULL, der, len), FM_ERR_ARG);
        }
        /* the RSA parser still refuses SEC1 (not an RSA structure) */
        {
            fm_rsa_components rc;
            int form = 7;
            assert_int_equal(fm_rsa_der_parse(&rc, &form, der, len), FM_ERR_DECODE);
            assert_int_equal(form, 0);
        }
    }
}

/* ---- fm_key_der_type ---------------------------------------------------------------- */

static void expect_type(const uint8_t *der, size_t len, int want_rc, int want_type,
                        const char *what)
{
    int type = 99, rc = fm_key_der_type(der, len, &type);

    if (rc != want_rc || type != want_type)
        fail_msg("%s: fm_key_der_type returned %s, type %d; want %s, type %d", what, tu_err_name(rc),
                 type, tu_err_name(want_rc), want_type);
}

static void test_key_type(void **state)
{
    size_t ci, fi;
    int v;

    (void)tu_begin(state);
    for (ci = 0; ci < NCURVES; ci++) {
        const ossl_ec_key *k = get_ec_key(curves[ci]);

        for (v = 0; v < NVARIANTS; v++)
            for (fi = 0; fi < NEC_FORMS; fi++)
                expect_type(k->v[v].der[forms[fi]], k->v[v].der_len[forms[fi]], FM_OK,
                            FM_KEY_TYPE_EC, "EC key");
    }
    {
        EVP_PKEY *r = EVP_RSA_gen(1024), *pss, *ed, *k1;
        EVP_PKEY_CTX *ctx;
        unsigned char *p = NULL;
        uint8_t *d;
        size_t len;
        int n;

        assert_non_null(r);
        d = der_sec1(r, &len);
        expect_type(d, len, FM_OK, FM_KEY_TYPE_RSA, "RSA PKCS#1 private");
        free(d);
        n = i2d_PublicKey(r, &p);
        d = take_i2d(n, p, &len);
        expect_type(d, len, FM_OK, FM_KEY_TYPE_RSA, "RSA PKCS#1 public");
        free(d);
        d = der_pkcs8(r, &len);
        expect_type(d, len, FM_OK, FM_KEY_TYPE_RSA, "RSA PKCS#8");
        expect_type(d, len - 1, FM_ERR_DECODE, 0, "RSA PKCS#8 truncated");
        free(d);
        d = der_spki(r, &len);
        expect_type(d, len, FM_OK, FM_KEY_TYPE_RSA, "RSA SPKI");
        free(d);
        {
            BIO *b = BIO_new(BIO_s_mem());
            char *raw;

            assert_int_equal(i2d_PKCS8PrivateKey_bio(b, r, EVP_aes_128_cbc(), "pw", 2, NULL,
                                                     NULL), 1);
            raw = tu_bio_take(b, &len);
            expect_type((const uint8_t *)raw, len, FM_ERR_UNSUPPORTED, 0, "encrypted PKCS#8");
            free(raw);
        }
        EVP_PKEY_free(r);

        ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA-PSS", NULL);
        assert_non_null(ctx);
        assert_int_equal(EVP_PKEY_keygen_init(ctx), 1);
        assert_int_equal(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 1024), 1);
        pss = NULL;
        assert_int_equal(EVP_PKEY_generate(ctx, &pss), 1);
        EVP_PKEY_CTX_free(ctx);
        d = der_spki(pss, &len);
        expect_type(d, len, FM_OK, FM_KEY_TYPE_RSA, "RSA-PSS SPKI (the RSA parser explains it)");
        free(d);
        EVP_PKEY_free(pss);

        ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
        assert_non_null(ed);
        d = der_pkcs8(ed, &len);
        expect_type(d, len, FM_ERR_UNSUPPORTED, 0, "Ed25519 PKCS#8");
        free(d);
        d = der_spki(ed, &len);
        expect_type(d, len, FM_ERR_UNSUPPORTED, 0, "Ed25519 SPKI");
        free(d);
        EVP_PKEY_free(ed);

        /* EC on another curve: an EC key, which fm_ec_der_parse then refuses */
        k1 = EVP_EC_gen("secp256k1");
        if (k1 != NULL) {
            d = der_spki(k1, &len);
            expect_type(d, len, FM_OK, FM_KEY_TYPE_EC, "secp256k1 SPKI");
            free(d);
            EVP_PKEY_free(k1);
        }
    }
    {
        static const uint8_t junk[] = { 0x04, 0x02, 0x01, 0x02 };
        static const uint8_t empty_seq[] = { 0x30, 0x00 };
        static const uint8_t two_nulls[] = { 0x30, 0x04, 0x05, 0x00, 0x05, 0x00 };
        int type = 5;

        expect_type(junk, sizeof junk, FM_ERR_DECODE, 0, "OCTET STRING");
        expect_type(empty_seq, sizeof empty_seq, FM_ERR_DECODE, 0, "empty SEQUENCE");
        expect_type(two_nulls, sizeof two_nulls, FM_ERR_DECODE, 0, "two NULLs");
        expect_type(NULL, 0, FM_ERR_DECODE, 0, "NULL, 0");
        expect_type(NULL, 3, FM_ERR_ARG, 0, "NULL, 3");
        assert_int_equal(fm_key_der_type(junk, sizeof junk, NULL), FM_ERR_ARG);
        assert_int_equal(fm_key_der_type(NULL, 1, &type), FM_ERR_ARG);
        assert_int_equal(type, 0);
    }
}

/* ---- encoder arguments and sizes ------------------------------------------------------- */

static void expect_encode_err(int form, const fm_ec_components *c, int want, const char *what)
{
    uint8_t out[FM_EC_DER_MAX_LEN];
    size_t outlen = 99;
    int rc;

    memset(out, 0xaa, sizeof out);
    rc = fm_ec_der_encode(out, sizeof out, &outlen, form, c);
    if (rc != want)
        fail_msg("%s: fm_ec_der_encode returned %s, want %s", what, tu_err_name(rc), tu_err_name(want));
    assert_int_equal(outlen, 0);
    assert_true(tu_all_zero(out, sizeof out));
}

static void test_encode_args(void **state)
{
    const ossl_ec_key *k;
    fm_ec_components c, base;
    uint8_t out[FM_EC_DER_MAX_LEN], pt[1 + 2 * FM_EC_MAX_BYTES];
    size_t outlen, fi;

    (void)tu_begin(state);
    k = get_ec_key(FM_EC_P256);
    memset(&base, 0, sizeof base);
    base.curve = k->curve;
    base.priv = k->priv;
    base.priv_len = k->priv_len;
    base.pub = k->v[V_UNCOMPRESSED].pub;
    base.pub_len = k->v[V_UNCOMPRESSED].pub_len;
    for (fi = 0; fi < NEC_FORMS; fi++)
        assert_int_equal(fm_ec_der_encode(out, sizeof out, &outlen, forms[fi], &base), FM_OK);

    expect_encode_err(0, &base, FM_ERR_ARG, "form 0");
    expect_encode_err(FM_KEY_FORM_PKCS1_PRIVATE, &base, FM_ERR_ARG, "PKCS#1 private form");
    expect_encode_err(FM_KEY_FORM_PKCS1_PUBLIC, &base, FM_ERR_ARG, "PKCS#1 public form");
    expect_encode_err(6, &base, FM_ERR_ARG, "form 6");
    expect_encode_err(FM_KEY_FORM_SEC1, NULL, FM_ERR_ARG, "NULL components");
    assert_int_equal(fm_ec_der_encode(out, sizeof out, NULL, FM_KEY_FORM_SEC1, &base), FM_ERR_ARG);
    assert_int_equal(fm_ec_der_encode(NULL, 5, &outlen, FM_KEY_FORM_SEC1, &base), FM_ERR_ARG);
    c = base; c.curve = 0;
    expect_encode_err(FM_KEY_FORM_SPKI, &c, FM_ERR_ARG, "curve 0");
    c = base; c.curve = 4;
    expect_encode_err(FM_KEY_FORM_SEC1, &c, FM_ERR_ARG, "curve 4");
    c = base; c.priv = NULL;
    expect_encode_err(FM_KEY_FORM_SEC1, &c, FM_ERR_ARG, "SEC1 without d");
    expect_encode_err(FM_KEY_FORM_PKCS8, &c, FM_ERR_ARG, "PKCS#8 without d");
    assert_int_equal(fm_ec_der_encode(out, sizeof out, &outlen, FM_KEY_FORM_SPKI, &c), FM_OK);
    c = base; c.priv_len = k->priv_len - 1;
    expect_encode_err(FM_KEY_FORM_SEC1, &c, FM_ERR_KEY, "d one octet short");
    c = base; c.priv_len = k->priv_len + 1;
    expect_encode_err(FM_KEY_FORM_PKCS8, &c, FM_ERR_KEY, "d one octet long");
    c = base; c.curve = FM_EC_P384;
    expect_encode_err(FM_KEY_FORM_SEC1, &c, FM_ERR_KEY, "P-256 values as P-384");
    expect_encode_err(FM_KEY_FORM_SPKI, &c, FM_ERR_KEY, "P-256 point as P-384");
    c = base; c.pub = NULL;
    expect_encode_err(FM_KEY_FORM_SPKI, &c, FM_ERR_ARG, "SPKI without a point");
    assert_int_equal(fm_ec_der_encode(out, sizeof out, &outlen, FM_KEY_FORM_SEC1, &c), FM_OK);
    assert_int_equal(outlen, k->v[V_NO_PUBLIC].der_len[FM_KEY_FORM_SEC1]);
    assert_memory_equal(out, k->v[V_NO_PUBLIC].der[FM_KEY_FORM_SEC1], outlen);
    c = base; c.pub_len = 0; /* a zero length counts as no point */
    assert_int_equal(fm_ec_der_encode(out, sizeof out, &outlen, FM_KEY_FORM_PKCS8, &c), FM_OK);
    assert_memory_equal(out, k->v[V_NO_PUBLIC].der[FM_KEY_FORM_PKCS8], outlen);
    expect_encode_err(FM_KEY_FORM_SPKI, &c, FM_ERR_ARG, "SPKI with a zero-length point");
    memcpy(pt, base.pub, base.pub_len);
    c = base; c.pub = pt;
    pt[0] = 0x06;
    expect_encode_err(FM_KEY_FORM_SPKI, &c, FM_ERR_KEY, "hybrid point");
    pt[0] = 0x02;
    expect_encode_err(FM_KEY_FORM_SEC1, &c, FM_ERR_KEY, "02 with two coordinates");
    c.pub_len = 1 + k->priv_len;
    assert_int_equal(fm_ec_der_encode(out, sizeof out, &outlen, FM_KEY_FORM_SPKI, &c), FM_OK);
    pt[0] = 0x04;
    expect_encode_err(FM_KEY_FORM_SPKI, &c, FM_ERR_KEY, "04 with one coordinate");
    c.pub_len = 1;
    pt[0] = 0x00;
    expect_encode_err(FM_KEY_FORM_SPKI, &c, FM_ERR_KEY, "point at infinity");
}

/* The largest encodings: P-521, uncompressed, PKCS#8 = 241 octets written;
 * with the inner parameters repeated = FM_EC_DER_MAX_LEN accepted. */
static void test_max_size(void **state)
{
    const ossl_ec_key *k;
    fm_ec_components c;
    uint8_t out[FM_EC_DER_MAX_LEN];
    size_t outlen, ci, fi, most = 0;
    tu_der inner = { 0 }, algid = { 0 }, t = { 0 };
    sec1_parts s;

    (void)tu_begin(state);
    for (ci = 0; ci < NCURVES; ci++) {
        k = get_ec_key(curves[ci]);
        for (fi = 0; fi < NEC_FORMS; fi++) {
            int v;
            for (v = 0; v < NVARIANTS; v++)
                most = k->v[v].der_len[forms[fi]] > most ? k->v[v].der_len[forms[fi]] : most;
        }
    }
    assert_int_equal(most, 241);
    k = get_ec_key(FM_EC_P521);
    s = sec1_of(k);
    tb_sec1(&inner, &s);
    tb_algid(&algid, p521_tlv, sizeof p521_tlv);
    tu_der_pkcs8(&t, 0, algid.p, algid.n, inner.p, inner.n, NULL, 0);
    assert_int_equal(t.n, FM_EC_DER_MAX_LEN);
    assert_int_equal(fm_ec_der_parse(&c, NULL, t.p, t.n), FM_OK);
    assert_int_equal(fm_ec_der_encode(out, sizeof out, &outlen, FM_KEY_FORM_PKCS8, &c), FM_OK);
    assert_int_equal(outlen, 241);
    tu_der_free(&t);
    tu_der_free(&inner);
    tu_der_free(&algid);
}

/* ---- main ---------------------------------------------------------------------------------- */

int main(void)
{
    size_t i;

    tu_init("test_ec_keys");
    for (i = 0; i < NCURVES; i++) {
        tu_case t = { .data = &curves[i] };
        const char *name = curve_name(curves[i]);

        tu_add(&suite, test_openssl_forms, &t,
               "OpenSSL DER, 3 forms x (uncompressed, compressed, no public key): parse, "
               "values, re-encode, %s", name);
        tu_add(&suite, test_pem_openssl, &t, "OpenSSL PEM, 3 labels: decode, re-encode, %s", name);
        tu_add(&suite, test_truncation, &t, "every truncation of every DER, %s", name);
        tu_add(&suite, test_flips, &t, "every octet flipped and set, every DER, %s", name);
    }
    tu_add(&suite, test_random_mutations, NULL, "random mutations re-encode to themselves or fail");
    tu_add(&suite, test_sec1_rules, NULL,
           "SEC1: versions, privateKey lengths, parameters, points, trailing data, tags");
    tu_add(&suite, test_pkcs8_rules, NULL,
           "PKCS#8: inner vs outer parameters, algorithms, versions, attributes");
    tu_add(&suite, test_spki_rules, NULL, "SPKI: algorithms, parameters, points");
    tu_add(&suite, test_openssl_unsupported, NULL,
           "explicit parameters, other curves, RSA keys, encrypted PKCS#8, DER rules");
    tu_add(&suite, test_key_type, NULL, "fm_key_der_type: RSA, EC, RSA-PSS, Ed25519, encrypted");
    tu_add(&suite, test_encode_args, NULL, "fm_ec_der_encode: arguments and shapes");
    tu_add(&suite, test_max_size, NULL, "largest encodings: 241 written, FM_EC_DER_MAX_LEN read");
    return tu_run(&suite, "test_ec_keys");
}
