/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Key encodings (fipsmod/keys.h) against OpenSSL's libcrypto, the oracle:
 *
 *  - keys of 1024, 2048, 2049, 3000, 3072 and 4096 bits (e = 65537) and a
 *    2048-bit key with e = 3, generated at test time: OpenSSL's DER of each
 *    form (i2d_PrivateKey = PKCS#1, i2d_PKCS8_PRIV_KEY_INFO, i2d_PublicKey
 *    = RSAPublicKey, i2d_PUBKEY) parses to the form and to the values of
 *    EVP_PKEY_get_bn_param; re-encoding gives OpenSSL's bytes, also from
 *    components with leading zero octets and, for the public forms, from
 *    the private components; every capacity below the size needed gives
 *    FM_ERR_LENGTH, the size, and a zeroed buffer;
 *  - PEM: PEM_write_bio_{PrivateKey, PrivateKey_traditional, PUBKEY,
 *    RSAPublicKey} output decodes to the DER and label and is re-encoded
 *    byte for byte; CRLF, 76-column, surrounding text and trailing blanks
 *    decode the same; arbitrary data of 1..200 octets matches
 *    PEM_write_bio;
 *  - negative DER: every truncation, every bit and byte flip of the first
 *    48 octets (DECODE; UNSUPPORTED only where the flip makes another
 *    well-formed kind of key; OK only when the result re-encodes to exactly
 *    the flipped input), random mutations, and one named case per rule
 *    (non-minimal lengths and INTEGERs, negative modulus, trailing data,
 *    indefinite length, high tag numbers, OIDs, parameters, versions,
 *    multi-prime, RSASSA-PSS, EC, encrypted PKCS#8, attributes, sizes);
 *  - negative PEM: bad base64, padding, boundaries and labels, legacy
 *    encrypted PEM, short buffers;
 *  - on every error the outputs are zero;
 *  - the internal DER layer (src/keys/der.h) directly: OpenSSL's SEC1
 *    ECPrivateKey (context tags [0] and [1]) read and rewritten byte for
 *    byte, length and INTEGER encodings at their boundaries.
 */
#include "tu_der.h"

#include <fipsmod/keys.h>

/* The library's internal DER layer, tested directly for the parts the
 * RSA formats do not use yet (context tags, SEC1). */
#include "../src/keys/der.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

static tu_suite suite;

#define NFORMS 5  /* FM_KEY_FORM_* are 1..4 */
#define NCOMP 8   /* n e d p q dp dq qinv */

static const int forms[] = {
    FM_KEY_FORM_PKCS1_PRIVATE, FM_KEY_FORM_PKCS8, FM_KEY_FORM_PKCS1_PUBLIC, FM_KEY_FORM_SPKI,
};

static const char *form_name(int form)
{
    switch (form) {
    case FM_KEY_FORM_PKCS1_PRIVATE: return "PKCS#1 private";
    case FM_KEY_FORM_PKCS8: return "PKCS#8";
    case FM_KEY_FORM_PKCS1_PUBLIC: return "PKCS#1 public";
    case FM_KEY_FORM_SPKI: return "SPKI";
    default: return "?";
    }
}

static const char *form_label(int form)
{
    switch (form) {
    case FM_KEY_FORM_PKCS1_PRIVATE: return FM_PEM_LABEL_RSA_PRIVATE_KEY;
    case FM_KEY_FORM_PKCS8: return FM_PEM_LABEL_PRIVATE_KEY;
    case FM_KEY_FORM_PKCS1_PUBLIC: return FM_PEM_LABEL_RSA_PUBLIC_KEY;
    default: return FM_PEM_LABEL_PUBLIC_KEY;
    }
}

static int is_private(int form)
{
    return form == FM_KEY_FORM_PKCS1_PRIVATE || form == FM_KEY_FORM_PKCS8;
}

/* ---- OpenSSL keys and their encodings ----------------------------------------- */

typedef struct {
    int bits;
    unsigned long e;
    EVP_PKEY *pkey;
    uint8_t *der[NFORMS];   /* exact-size heap copies, so ASan sees overreads */
    size_t der_len[NFORMS];
    char *pem[NFORMS];
    size_t pem_len[NFORMS];
    uint8_t *comp[NCOMP];   /* magnitudes, no leading zero */
    size_t comp_len[NCOMP];
} ossl_key;

#define MAX_KEYS 8
static ossl_key keys[MAX_KEYS];
static size_t nkeys;

static EVP_PKEY *ossl_rsa_gen(const char *alg, int bits, unsigned long e, int primes)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, alg, NULL);
    EVP_PKEY *pkey = NULL;
    BIGNUM *bn = BN_new();

    assert_non_null(ctx);
    assert_non_null(bn);
    assert_int_equal(EVP_PKEY_keygen_init(ctx), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits), 1);
    assert_int_equal(BN_set_word(bn, e), 1);
    assert_int_equal(EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx, bn), 1);
    if (primes > 2)
        assert_int_equal(EVP_PKEY_CTX_set_rsa_keygen_primes(ctx, primes), 1);
    assert_int_equal(EVP_PKEY_generate(ctx, &pkey), 1);
    BN_free(bn);
    EVP_PKEY_CTX_free(ctx);
    return pkey;
}

/* Copy an OpenSSL i2d_* result (allocated by OpenSSL) to an exact-size buffer. */
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

static uint8_t *der_pkcs1_private(EVP_PKEY *k, size_t *len)
{
    unsigned char *p = NULL;
    int n = i2d_PrivateKey(k, &p);

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

static uint8_t *der_pkcs1_public(EVP_PKEY *k, size_t *len)
{
    unsigned char *p = NULL;
    int n = i2d_PublicKey(k, &p);

    return take_i2d(n, p, len);
}

static uint8_t *der_spki(EVP_PKEY *k, size_t *len)
{
    unsigned char *p = NULL;
    int n = i2d_PUBKEY(k, &p);

    return take_i2d(n, p, len);
}

static char *pem_of(EVP_PKEY *k, int form, size_t *len)
{
    BIO *b = BIO_new(BIO_s_mem());

    assert_non_null(b);
    switch (form) {
    case FM_KEY_FORM_PKCS1_PRIVATE:
        assert_int_equal(PEM_write_bio_PrivateKey_traditional(b, k, NULL, NULL, 0, NULL, NULL), 1);
        break;
    case FM_KEY_FORM_PKCS8:
        assert_int_equal(PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL), 1);
        break;
    case FM_KEY_FORM_PKCS1_PUBLIC:
        assert_int_equal(PEM_write_bio_RSAPublicKey(b, EVP_PKEY_get0_RSA(k)), 1);
        break;
    default:
        assert_int_equal(PEM_write_bio_PUBKEY(b, k), 1);
        break;
    }
    return tu_bio_take(b, len);
}

static const ossl_key *get_key(int bits, unsigned long e)
{
    static const char *const params[NCOMP] = {
        OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E, OSSL_PKEY_PARAM_RSA_D,
        OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2,
        OSSL_PKEY_PARAM_RSA_EXPONENT1, OSSL_PKEY_PARAM_RSA_EXPONENT2,
        OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
    };
    ossl_key *k;
    size_t i;

    for (i = 0; i < nkeys; i++) {
        if (keys[i].bits == bits && keys[i].e == e)
            return &keys[i];
    }
    assert_true(nkeys < MAX_KEYS);
    k = &keys[nkeys];
    k->bits = bits;
    k->e = e;
    k->pkey = ossl_rsa_gen("RSA", bits, e, 2);
    k->der[FM_KEY_FORM_PKCS1_PRIVATE] = der_pkcs1_private(k->pkey, &k->der_len[FM_KEY_FORM_PKCS1_PRIVATE]);
    k->der[FM_KEY_FORM_PKCS8] = der_pkcs8(k->pkey, &k->der_len[FM_KEY_FORM_PKCS8]);
    k->der[FM_KEY_FORM_PKCS1_PUBLIC] = der_pkcs1_public(k->pkey, &k->der_len[FM_KEY_FORM_PKCS1_PUBLIC]);
    k->der[FM_KEY_FORM_SPKI] = der_spki(k->pkey, &k->der_len[FM_KEY_FORM_SPKI]);
    for (i = 0; i < sizeof forms / sizeof forms[0]; i++)
        k->pem[forms[i]] = pem_of(k->pkey, forms[i], &k->pem_len[forms[i]]);
    for (i = 0; i < NCOMP; i++) {
        BIGNUM *bn = NULL;
        assert_int_equal(EVP_PKEY_get_bn_param(k->pkey, params[i], &bn), 1);
        k->comp_len[i] = (size_t)BN_num_bytes(bn);
        k->comp[i] = tu_xmalloc(k->comp_len[i]);
        assert_int_equal(BN_bn2bin(bn, k->comp[i]), (int)k->comp_len[i]);
        BN_clear_free(bn);
    }
    nkeys++;
    return k;
}

/* ---- helpers ---------------------------------------------------------------------- */

static void comp_get(const fm_rsa_components *c, size_t i, const uint8_t **p, size_t *len)
{
    switch (i) {
    case 0: *p = c->n; *len = c->n_len; break;
    case 1: *p = c->e; *len = c->e_len; break;
    case 2: *p = c->d; *len = c->d_len; break;
    case 3: *p = c->p; *len = c->p_len; break;
    case 4: *p = c->q; *len = c->q_len; break;
    case 5: *p = c->dp; *len = c->dp_len; break;
    case 6: *p = c->dq; *len = c->dq_len; break;
    default: *p = c->qinv; *len = c->qinv_len; break;
    }
}

static void comp_set(fm_rsa_components *c, size_t i, const uint8_t *p, size_t len)
{
    switch (i) {
    case 0: c->n = p; c->n_len = len; break;
    case 1: c->e = p; c->e_len = len; break;
    case 2: c->d = p; c->d_len = len; break;
    case 3: c->p = p; c->p_len = len; break;
    case 4: c->q = p; c->q_len = len; break;
    case 5: c->dp = p; c->dp_len = len; break;
    case 6: c->dq = p; c->dq_len = len; break;
    default: c->qinv = p; c->qinv_len = len; break;
    }
}

/* Components pointing at the OpenSSL key's magnitudes. */
static fm_rsa_components comps_of(const ossl_key *k)
{
    fm_rsa_components c;
    size_t i;

    memset(&c, 0, sizeof c);
    for (i = 0; i < NCOMP; i++)
        comp_set(&c, i, k->comp[i], k->comp_len[i]);
    return c;
}

/* Parse must fail with `want`, leaving *c and *form zero. */
static void expect_parse(const uint8_t *der, size_t len, int want, const char *what)
{
    fm_rsa_components c;
    int form = 99, rc;

    memset(&c, 0xa5, sizeof c);
    rc = fm_rsa_der_parse(&c, &form, der, len);
    if (rc != want)
        fail_msg("%s: fm_rsa_der_parse returned %s, want %s", what, tu_err_name(rc), tu_err_name(want));
    if (want != FM_OK) {
        assert_true(tu_all_zero(&c, sizeof c));
        assert_int_equal(form, 0);
    }
}

/* Encode and compare with `want` (exact bytes). */
static void expect_encode(int form, const fm_rsa_components *c, const uint8_t *want,
                          size_t wantlen, const char *what)
{
    uint8_t *out = tu_xmalloc(wantlen + 16);
    size_t outlen = 12345;
    int rc = fm_rsa_der_encode(out, wantlen + 16, &outlen, form, c);

    if (rc != FM_OK)
        fail_msg("%s: fm_rsa_der_encode returned %s", what, tu_err_name(rc));
    assert_int_equal(outlen, wantlen);
    assert_true(tu_mem_eq(what, out, want, wantlen));
    free(out);
}

/* ---- hand-made inputs (written with tests/util/tu_der.h) -------------------------- */

static const uint8_t algid_rsa[] = {
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
};
static const uint8_t oid_rsa_tlv[] = {
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
};

/* RSAPrivateKey contents (no outer header) with the given version. */
static void tb_priv_content(tu_der *t, const ossl_key *k, uint8_t version)
{
    size_t i;

    tu_der_tlv(t, 0x02, &version, 1);
    for (i = 0; i < NCOMP; i++)
        tu_der_uint(t, k->comp[i], k->comp_len[i]);
}

/* ---- OpenSSL forms: parse, values, re-encode -------------------------------------- */

static void test_openssl_forms(void **state)
{
    tu_case *tc = tu_begin(state);
    const int *params = tc->data;
    const ossl_key *k = get_key(params[0], (unsigned long)params[1]);
    fm_rsa_components ref = comps_of(k);
    size_t fi, i;

    for (fi = 0; fi < sizeof forms / sizeof forms[0]; fi++) {
        int f = forms[fi], form = 0;
        const uint8_t *der = k->der[f];
        size_t len = k->der_len[f];
        fm_rsa_components c;
        char what[96];

        snprintf(what, sizeof what, "%d-bit %s", k->bits, form_name(f));
        assert_int_equal(fm_rsa_der_parse(&c, &form, der, len), FM_OK);
        assert_int_equal(form, f);
        for (i = 0; i < NCOMP; i++) {
            const uint8_t *p;
            size_t n;

            comp_get(&c, i, &p, &n);
            if (i >= 2 && !is_private(f)) {
                assert_null(p);
                assert_int_equal(n, 0);
                continue;
            }
            assert_int_equal(n, k->comp_len[i]);
            assert_true(tu_mem_eq(what, p, k->comp[i], n));
            assert_true(p > der && p + n <= der + len); /* points into der */
        }
        /* fipsmod's encoding of the parsed key and of OpenSSL's values. */
        expect_encode(f, &c, der, len, what);
        expect_encode(f, &ref, der, len, what);
        /* form may be NULL */
        assert_int_equal(fm_rsa_der_parse(&c, NULL, der, len), FM_OK);
    }

    /* Components with leading zero octets encode the same. */
    {
        fm_rsa_components padded;
        uint8_t *buf[NCOMP];

        memset(&padded, 0, sizeof padded);
        for (i = 0; i < NCOMP; i++) {
            size_t extra = 1 + i % 3;
            buf[i] = tu_xmalloc(k->comp_len[i] + extra);
            memset(buf[i], 0, extra);
            memcpy(buf[i] + extra, k->comp[i], k->comp_len[i]);
            comp_set(&padded, i, buf[i], k->comp_len[i] + extra);
        }
        for (i = 0; i < sizeof forms / sizeof forms[0]; i++)
            expect_encode(forms[i], &padded, k->der[forms[i]], k->der_len[forms[i]],
                          "components with leading zeros");
        for (i = 0; i < NCOMP; i++)
            free(buf[i]);
    }

    /* Size query, then every capacity below the size: FM_ERR_LENGTH, the
     * size, and the buffer zeroed. */
    for (i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        int f = forms[i];
        size_t need = k->der_len[f], cap, outlen;
        uint8_t *out = tu_xmalloc(need);

        assert_int_equal(fm_rsa_der_encode(NULL, 0, &outlen, f, &ref), FM_ERR_LENGTH);
        assert_int_equal(outlen, need);
        for (cap = 0; cap < need; cap += (k->bits <= 1024 ? 1 : 7)) {
            memset(out, 0xaa, need);
            outlen = 0;
            assert_int_equal(fm_rsa_der_encode(out, cap, &outlen, f, &ref), FM_ERR_LENGTH);
            assert_int_equal(outlen, need);
            assert_true(tu_all_zero(out, cap));
            assert_int_equal(out[cap], 0xaa); /* nothing past cap touched */
        }
        assert_int_equal(fm_rsa_der_encode(out, need, &outlen, f, &ref), FM_OK);
        assert_true(tu_mem_eq("exact capacity", out, k->der[f], need));
        free(out);
    }
    printf("%d-bit key, e = %d: 4 forms parsed and re-encoded byte for byte\n", k->bits, params[1]);
}

/* ---- PEM ------------------------------------------------------------------------------ */

/* Base64 (via OpenSSL) of der, in lines of `width` ended by eol, between
 * boundaries ended by eol, with text before and after. */
static char *make_pem(const char *label, const uint8_t *der, size_t len, size_t width,
                      const char *eol, const char *before, const char *after, size_t *outlen)
{
    size_t b64cap = (len + 2) / 3 * 4 + 1, i, n;
    unsigned char *b64 = tu_xmalloc(b64cap);
    tu_der t = { 0 };
    int blen = EVP_EncodeBlock(b64, der, (int)len);

    assert_true(blen >= 0);
    tu_der_put(&t, before, strlen(before));
    tu_der_put(&t, "-----BEGIN ", 11);
    tu_der_put(&t, label, strlen(label));
    tu_der_put(&t, "-----", 5);
    tu_der_put(&t, eol, strlen(eol));
    for (i = 0; i < (size_t)blen; i += width) {
        n = (size_t)blen - i < width ? (size_t)blen - i : width;
        tu_der_put(&t, b64 + i, n);
        tu_der_put(&t, eol, strlen(eol));
    }
    tu_der_put(&t, "-----END ", 9);
    tu_der_put(&t, label, strlen(label));
    tu_der_put(&t, "-----", 5);
    tu_der_put(&t, after, strlen(after));
    tu_der_byte(&t, 0);
    free(b64);
    *outlen = t.n - 1;
    return (char *)t.p;
}

/* Decode must succeed with exactly (want, label). */
static void expect_pem_ok(const char *pem, size_t pemlen, const uint8_t *want, size_t wantlen,
                          const char *wantlabel, const char *what)
{
    uint8_t *der = tu_xmalloc(wantlen + 8);
    char label[FM_PEM_LABEL_MAX];
    size_t derlen = 0;
    int rc = fm_pem_decode(der, wantlen + 8, &derlen, label, sizeof label, pem, pemlen);

    if (rc != FM_OK)
        fail_msg("%s: fm_pem_decode returned %s", what, tu_err_name(rc));
    assert_int_equal(derlen, wantlen);
    assert_true(tu_mem_eq(what, der, want, wantlen));
    assert_string_equal(label, wantlabel);
    free(der);
}

/* Decode must fail with `want`, outputs zero. */
static void expect_pem_err(const char *pem, size_t pemlen, int want, const char *what)
{
    uint8_t der[FM_RSA_DER_MAX_LEN];
    char label[FM_PEM_LABEL_MAX];
    size_t derlen = 77;
    int rc;

    memset(der, 0xaa, sizeof der);
    memset(label, 'x', sizeof label);
    rc = fm_pem_decode(der, sizeof der, &derlen, label, sizeof label, pem, pemlen);
    if (rc != want)
        fail_msg("%s: fm_pem_decode returned %s, want %s", what, tu_err_name(rc), tu_err_name(want));
    assert_int_equal(derlen, 0);
    assert_true(tu_all_zero(der, sizeof der));
    assert_true(tu_all_zero(label, sizeof label));
}

static void test_pem_openssl(void **state)
{
    tu_case *tc = tu_begin(state);
    const int *params = tc->data;
    const ossl_key *k = get_key(params[0], (unsigned long)params[1]);
    size_t fi;

    for (fi = 0; fi < sizeof forms / sizeof forms[0]; fi++) {
        int f = forms[fi];
        const char *label = form_label(f);
        size_t need, outlen, pemlen;
        char *out, *pem;

        expect_pem_ok(k->pem[f], k->pem_len[f], k->der[f], k->der_len[f], label,
                      "OpenSSL PEM");
        /* fm_pem_encode = PEM_write_bio_*, byte for byte. */
        assert_int_equal(fm_pem_encode(NULL, 0, &need, label, k->der[f], k->der_len[f]),
                         FM_ERR_LENGTH);
        assert_int_equal(need, k->pem_len[f] + 1);
        out = tu_xmalloc(need);
        assert_int_equal(fm_pem_encode(out, need, &outlen, label, k->der[f], k->der_len[f]), FM_OK);
        assert_int_equal(outlen, k->pem_len[f]);
        assert_int_equal(out[outlen], '\0');
        assert_true(tu_mem_eq("fm_pem_encode vs PEM_write_bio", out, k->pem[f], outlen));
        free(out);

        /* Layouts RFC 7468 allows decode the same. */
        pem = make_pem(label, k->der[f], k->der_len[f], 76, "\r\n", "", "\r\n", &pemlen);
        expect_pem_ok(pem, pemlen, k->der[f], k->der_len[f], label, "CRLF, 76 columns");
        free(pem);
        pem = make_pem(label, k->der[f], k->der_len[f], 64, "\r", "", "", &pemlen);
        expect_pem_ok(pem, pemlen, k->der[f], k->der_len[f], label, "CR, no final EOL");
        free(pem);
        pem = make_pem(label, k->der[f], k->der_len[f], 4, " \t\n\n", "Subject: test key\nmore text\n",
                       "  \nafter the block\n-----BEGIN X-----\n", &pemlen);
        expect_pem_ok(pem, pemlen, k->der[f], k->der_len[f], label, "text around, blanks");
        free(pem);
        pem = make_pem(label, k->der[f], k->der_len[f], 100000, "\n", "", "\n", &pemlen);
        expect_pem_ok(pem, pemlen, k->der[f], k->der_len[f], label, "one line");
        free(pem);
    }
}

/* Arbitrary data of every length 1..200 against OpenSSL's PEM_write_bio. */
static void test_pem_lengths(void **state)
{
    tu_rng rng;
    uint8_t data[200], back[200];
    size_t len;

    (void)tu_begin(state);
    tu_rng_init_named(&rng, "pem lengths");
    for (len = 1; len <= sizeof data; len++) {
        BIO *b = BIO_new(BIO_s_mem());
        char out[400], label[FM_PEM_LABEL_MAX], *want;
        size_t outlen, wantlen, backlen;

        tu_rng_fill(&rng, data, len);
        assert_non_null(b);
        assert_true(PEM_write_bio(b, "TEST DATA-1", "", data, (long)len) > 0);
        want = tu_bio_take(b, &wantlen);
        assert_int_equal(fm_pem_encode(out, sizeof out, &outlen, "TEST DATA-1", data, len), FM_OK);
        assert_int_equal(outlen, wantlen);
        assert_true(tu_mem_eq("fm_pem_encode vs PEM_write_bio", out, want, wantlen));
        assert_int_equal(fm_pem_decode(back, sizeof back, &backlen, label, sizeof label, out, outlen),
                         FM_OK);
        assert_int_equal(backlen, len);
        assert_true(tu_mem_eq("round trip", back, data, len));
        assert_string_equal(label, "TEST DATA-1");
        free(want);
    }
}

/* ---- truncation, flips, mutations --------------------------------------------------- */

static void test_truncation(void **state)
{
    tu_case *tc = tu_begin(state);
    const int *params = tc->data;
    const ossl_key *k = get_key(params[0], 65537);
    size_t fi, len;

    for (fi = 0; fi < sizeof forms / sizeof forms[0]; fi++) {
        int f = forms[fi];
        size_t pemlen = k->pem_len[f];

        for (len = 0; len < k->der_len[f]; len++) {
            /* exact-size copy: an overread is an ASan error */
            uint8_t *d = tu_dup_bytes(k->der[f], len);
            expect_parse(d, len, FM_ERR_DECODE, "truncated DER");
            free(d);
        }
        /* PEM: every prefix lacking part of the END line fails; without
         * the final "\n" the block is still complete. */
        for (len = 0; len + 1 < pemlen; len++) {
            char *p = (char *)tu_dup_bytes(k->pem[f], len);
            expect_pem_err(p, len, FM_ERR_DECODE, "truncated PEM");
            free(p);
        }
        expect_pem_ok(k->pem[f], pemlen - 1, k->der[f], k->der_len[f], form_label(f),
                      "PEM without its last newline");
    }
}

static const uint8_t *find_bytes(const uint8_t *h, size_t hn, const uint8_t *n, size_t nn)
{
    size_t i;

    for (i = 0; i + nn <= hn; i++) {
        if (memcmp(h + i, n, nn) == 0)
            return h + i;
    }
    return NULL;
}

/*
 * Parse the mutated input m; it must fail with FM_ERR_DECODE, or with
 * FM_ERR_UNSUPPORTED when `unsupported_ok`, or succeed and re-encode to
 * exactly m (DER has one encoding per value). Returns the result.
 */
static int check_mutant(const uint8_t *m, size_t len, int unsupported_ok, const char *what)
{
    fm_rsa_components c;
    int form = 0, rc = fm_rsa_der_parse(&c, &form, m, len);

    if (rc == FM_OK) {
        uint8_t *out = tu_xmalloc(len);
        size_t outlen = 0;
        int erc = fm_rsa_der_encode(out, len, &outlen, form, &c);
        if (erc != FM_OK || outlen != len || memcmp(out, m, len) != 0)
            fail_msg("%s: parsed as %s but does not re-encode to itself (%s)", what,
                     form_name(form), tu_err_name(erc));
        free(out);
    } else if (!(rc == FM_ERR_DECODE || (rc == FM_ERR_UNSUPPORTED && unsupported_ok))) {
        fail_msg("%s: fm_rsa_der_parse returned %s", what, tu_err_name(rc));
    } else {
        assert_true(tu_all_zero(&c, sizeof c));
    }
    return rc;
}

#define HEADER_AREA 48

static void test_header_flips(void **state)
{
    tu_case *tc = tu_begin(state);
    const int *params = tc->data;
    const ossl_key *k = get_key(params[0], 65537);
    size_t fi, pos;
    unsigned bit;
    long counts[3] = { 0, 0, 0 }; /* ok, decode, unsupported */

    for (fi = 0; fi < sizeof forms / sizeof forms[0]; fi++) {
        int f = forms[fi];
        size_t len = k->der_len[f];
        const uint8_t *oid = find_bytes(k->der[f], len, oid_rsa_tlv, sizeof oid_rsa_tlv);
        size_t oidpos = oid != NULL ? (size_t)(oid - k->der[f]) : (size_t)-1;
        uint8_t *m = tu_dup_bytes(k->der[f], len);

        for (pos = 0; pos < HEADER_AREA && pos < len; pos++) {
            /*
             * Where a flip may give another well-formed key kind: the OID
             * (another algorithm), the PKCS#8 version (OneAsymmetricKey v1),
             * the SPKI BIT STRING tag (03 -> 04 reads as
             * EncryptedPrivateKeyInfo).
             */
            int unsup_ok = oid != NULL &&
                           ((pos >= oidpos + 1 && pos < oidpos + sizeof oid_rsa_tlv) ||
                            (f == FM_KEY_FORM_PKCS8 && pos == oidpos - 3) ||
                            (f == FM_KEY_FORM_SPKI && pos == oidpos + sizeof oid_rsa_tlv + 2));
            static const uint8_t set_to[] = { 0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x83, 0xff };
            char what[96];
            size_t s;
            int rc;

            for (bit = 0; bit < 9; bit++) {
                m[pos] ^= bit < 8 ? (uint8_t)(1u << bit) : 0xff;
                snprintf(what, sizeof what, "%s: byte %zu ^ 0x%02x", form_name(f), pos,
                         bit < 8 ? 1u << bit : 0xffu);
                rc = check_mutant(m, len, unsup_ok, what);
                counts[rc == FM_OK ? 0 : rc == FM_ERR_DECODE ? 1 : 2]++;
                m[pos] = k->der[f][pos];
            }
            for (s = 0; s < sizeof set_to; s++) {
                if (set_to[s] == k->der[f][pos])
                    continue;
                m[pos] = set_to[s];
                snprintf(what, sizeof what, "%s: byte %zu = 0x%02x", form_name(f), pos, set_to[s]);
                rc = check_mutant(m, len, unsup_ok, what);
                counts[rc == FM_OK ? 0 : rc == FM_ERR_DECODE ? 1 : 2]++;
                m[pos] = k->der[f][pos];
            }
        }
        free(m);
    }
    printf("%d-bit: header mutations: %ld parse to another key (re-encoded exactly), "
           "%ld FM_ERR_DECODE, %ld FM_ERR_UNSUPPORTED\n", k->bits, counts[0], counts[1], counts[2]);
    assert_true(counts[1] > 0);
}

/* Random 1..3-octet changes anywhere, and random lengths. */
static void test_random_mutations(void **state)
{
    const ossl_key *k;
    tu_rng rng;
    long i, ok = 0;

    (void)tu_begin(state);
    k = get_key(1024, 65537);
    tu_rng_init_named(&rng, "random mutations");
    for (i = 0; i < 20000; i++) {
        int f = forms[tu_rng_below(&rng, 4)];
        size_t len = k->der_len[f], j, changes = 1 + tu_rng_below(&rng, 3);
        uint8_t *m;

        if (tu_rng_below(&rng, 8) == 0)
            len = tu_rng_below(&rng, len + 1); /* also truncate */
        m = tu_dup_bytes(k->der[f], len);
        for (j = 0; j < changes && len > 0; j++)
            m[tu_rng_below(&rng, len)] = (uint8_t)tu_rng_u64(&rng);
        ok += check_mutant(m, len, 1, "random mutation") == FM_OK;
        free(m);
    }
    printf("20000 random mutations, %ld still a key (each re-encoded to itself)\n", ok);
}

/* ---- named negative cases ------------------------------------------------------------ */

static void test_der_rules(void **state)
{
    const ossl_key *k;
    const uint8_t *n, *e;
    size_t nl, el;
    tu_der t = { 0 }, pub = { 0 };

    (void)tu_begin(state);
    k = get_key(1024, 65537);
    n = k->comp[0]; nl = k->comp_len[0];
    e = k->comp[1]; el = k->comp_len[1];

    /* The builder reproduces OpenSSL's RSAPublicKey. */
    tu_der_uint(&pub, n, nl);
    tu_der_uint(&pub, e, el);
    tu_der_wrap(&pub, 0x30);
    assert_int_equal(pub.n, k->der_len[FM_KEY_FORM_PKCS1_PUBLIC]);
    assert_memory_equal(pub.p, k->der[FM_KEY_FORM_PKCS1_PUBLIC], pub.n);
    expect_parse(pub.p, pub.n, FM_OK, "builder baseline");

    /* Non-minimal lengths. */
    {
        /* outer 30 81 89 -> 30 82 00 89 */
        tu_der_byte(&t, 0x30); tu_der_byte(&t, 0x82);
        tu_der_byte(&t, 0x00); tu_der_byte(&t, (uint8_t)(pub.n - 3));
        tu_der_put(&t, pub.p + 3, pub.n - 3);
        expect_parse(t.p, t.n, FM_ERR_DECODE, "length with a leading zero octet");
        tu_der_free(&t);
        /* e: 02 03 -> 02 81 03 */
        tu_der_uint(&t, n, nl);
        tu_der_byte(&t, 0x02); tu_der_byte(&t, 0x81);
        tu_der_byte(&t, (uint8_t)el); tu_der_put(&t, e, el);
        tu_der_wrap(&t, 0x30);
        expect_parse(t.p, t.n, FM_ERR_DECODE, "long form for a length below 128");
        tu_der_free(&t);
        /* 30 83 xx xx xx: more length octets than supported */
        tu_der_byte(&t, 0x30); tu_der_byte(&t, 0x83); tu_der_byte(&t, 0); tu_der_byte(&t, 0);
        tu_der_byte(&t, (uint8_t)(pub.n - 3));
        tu_der_put(&t, pub.p + 3, pub.n - 3);
        expect_parse(t.p, t.n, FM_ERR_DECODE, "three length octets");
        tu_der_free(&t);
    }
    /* Indefinite length, reserved length octet, length past the end. */
    {
        tu_der_byte(&t, 0x30); tu_der_byte(&t, 0x80);
        tu_der_put(&t, pub.p + 3, pub.n - 3);
        tu_der_byte(&t, 0); tu_der_byte(&t, 0);
        expect_parse(t.p, t.n, FM_ERR_DECODE, "indefinite length");
        t.p[1] = 0xff;
        expect_parse(t.p, t.n, FM_ERR_DECODE, "length octet 0xff");
        tu_der_free(&t);
        tu_der_put(&t, pub.p, pub.n);
        t.p[2]++;
        expect_parse(t.p, t.n, FM_ERR_DECODE, "length one past the end");
        tu_der_free(&t);
        tu_der_put(&t, pub.p, pub.n);
        t.p[2]--;
        expect_parse(t.p, t.n, FM_ERR_DECODE, "length one short (trailing octet)");
        tu_der_free(&t);
    }
    /* Trailing data after the outer element and inside the SEQUENCE. */
    {
        static const uint8_t junk[] = { 0x00, 0x30, 0x05, 0xff };
        size_t i;

        for (i = 0; i < sizeof junk; i++) {
            tu_der_put(&t, pub.p, pub.n);
            tu_der_byte(&t, junk[i]);
            expect_parse(t.p, t.n, FM_ERR_DECODE, "trailing octet");
            tu_der_free(&t);
        }
        tu_der_put(&t, pub.p, pub.n);
        tu_der_put(&t, pub.p, pub.n);
        expect_parse(t.p, t.n, FM_ERR_DECODE, "two keys");
        tu_der_free(&t);
        tu_der_uint(&t, n, nl);
        tu_der_uint(&t, e, el);
        tu_der_byte(&t, 0x05); tu_der_byte(&t, 0x00);
        tu_der_wrap(&t, 0x30);
        expect_parse(t.p, t.n, FM_ERR_DECODE, "NULL after e inside the SEQUENCE");
        tu_der_free(&t);
    }
    /* INTEGER encodings. */
    {
        static const uint8_t e_nonmin[] = { 0x02, 0x04, 0x00, 0x01, 0x00, 0x01 };
        static const uint8_t e_neg[] = { 0x02, 0x04, 0xff, 0x81, 0x00, 0x01 };
        static const uint8_t e_empty[] = { 0x02, 0x00 };
        static const uint8_t e_zero[] = { 0x02, 0x01, 0x00 };
        static const uint8_t e_constructed[] = { 0x22, 0x03, 0x01, 0x00, 0x01 };
        const struct { const uint8_t *e; size_t len; int want; const char *what; } ecases[] = {
            { e_nonmin, sizeof e_nonmin, FM_ERR_DECODE, "INTEGER with a superfluous 0x00" },
            { e_neg, sizeof e_neg, FM_ERR_DECODE, "negative INTEGER starting 0xff" },
            { e_empty, sizeof e_empty, FM_ERR_DECODE, "zero-length INTEGER" },
            { e_zero, sizeof e_zero, FM_ERR_DECODE, "e = 0" },
            { e_constructed, sizeof e_constructed, FM_ERR_DECODE, "constructed INTEGER" },
        };
        size_t i;

        for (i = 0; i < sizeof ecases / sizeof ecases[0]; i++) {
            tu_der_uint(&t, n, nl);
            tu_der_put(&t, ecases[i].e, ecases[i].len);
            tu_der_wrap(&t, 0x30);
            expect_parse(t.p, t.n, ecases[i].want, ecases[i].what);
            tu_der_free(&t);
        }
        /* n: negative (sign octet dropped), two leading zeros. */
        tu_der_byte(&t, 0x02); tu_der_len(&t, nl); tu_der_put(&t, n, nl);
        tu_der_uint(&t, e, el);
        tu_der_wrap(&t, 0x30);
        expect_parse(t.p, t.n, FM_ERR_DECODE, "negative modulus");
        tu_der_free(&t);
        tu_der_byte(&t, 0x02); tu_der_len(&t, nl + 2);
        tu_der_byte(&t, 0); tu_der_byte(&t, 0); tu_der_put(&t, n, nl);
        tu_der_uint(&t, e, el);
        tu_der_wrap(&t, 0x30);
        expect_parse(t.p, t.n, FM_ERR_DECODE, "modulus with two leading zeros");
        tu_der_free(&t);
    }
    /* Tags: high-tag-number form, primitive SEQUENCE. */
    {
        tu_der_put(&t, pub.p, pub.n);
        t.p[0] = 0x3f;
        expect_parse(t.p, t.n, FM_ERR_DECODE, "outer tag in high-tag-number form");
        t.p[0] = 0x10;
        expect_parse(t.p, t.n, FM_ERR_DECODE, "primitive SEQUENCE");
        tu_der_free(&t);
        {
            static const uint8_t hi[] = { 0x30, 0x04, 0x1f, 0x81, 0x00, 0x00 };
            expect_parse(hi, sizeof hi, FM_ERR_DECODE, "inner high-tag-number form");
        }
    }
    /* Degenerate inputs. */
    {
        static const uint8_t empty_seq[] = { 0x30, 0x00 };
        static const uint8_t one[] = { 0x30 };
        expect_parse(empty_seq, sizeof empty_seq, FM_ERR_DECODE, "empty SEQUENCE");
        expect_parse(one, sizeof one, FM_ERR_DECODE, "one octet");
        expect_parse(one, 0, FM_ERR_DECODE, "no input");
        expect_parse(NULL, 0, FM_ERR_DECODE, "NULL, 0");
        expect_parse(NULL, 5, FM_ERR_ARG, "NULL, 5");
        assert_int_equal(fm_rsa_der_parse(NULL, NULL, pub.p, pub.n), FM_ERR_ARG);
    }
    tu_der_free(&pub);
}

/* Modulus size and component ranges. */
static void test_ranges(void **state)
{
    const ossl_key *k;
    uint8_t *big;
    tu_der t = { 0 };
    static const uint8_t e3[] = { 0x03 };
    size_t i;

    (void)tu_begin(state);
    k = get_key(1024, 65537);
    big = tu_xmalloc(2049);

    /* 16384 bits: accepted. 16385 bits: unsupported. */
    memset(big, 0xff, 2049);
    tu_der_uint(&t, big, 2048);
    tu_der_uint(&t, e3, 1);
    tu_der_wrap(&t, 0x30);
    expect_parse(t.p, t.n, FM_OK, "16384-bit modulus");
    tu_der_free(&t);
    big[0] = 0x01;
    tu_der_uint(&t, big, 2049);
    tu_der_uint(&t, e3, 1);
    tu_der_wrap(&t, 0x30);
    expect_parse(t.p, t.n, FM_ERR_UNSUPPORTED, "16385-bit modulus");
    tu_der_free(&t);

    /* e = n, e > n, n = 0. */
    tu_der_uint(&t, k->comp[0], k->comp_len[0]);
    tu_der_uint(&t, k->comp[0], k->comp_len[0]);
    tu_der_wrap(&t, 0x30);
    expect_parse(t.p, t.n, FM_ERR_DECODE, "e = n");
    tu_der_free(&t);
    memset(big, 0xff, 129);
    tu_der_uint(&t, k->comp[0], k->comp_len[0]);
    tu_der_uint(&t, big, 129);
    tu_der_wrap(&t, 0x30);
    expect_parse(t.p, t.n, FM_ERR_DECODE, "e > n");
    tu_der_free(&t);
    {
        static const uint8_t zero_n[] = { 0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x03 };
        expect_parse(zero_n, sizeof zero_n, FM_ERR_DECODE, "n = 0");
    }

    /* A private component zero, or longer than n. */
    for (i = 2; i < NCOMP; i++) {
        static const uint8_t zero = 0;
        uint8_t v = 0;
        size_t j;
        char what[64];

        tu_der_tlv(&t, 0x02, &v, 1); /* version 0 */
        for (j = 0; j < NCOMP; j++) {
            if (j == i)
                tu_der_tlv(&t, 0x02, &zero, 1);
            else
                tu_der_uint(&t, k->comp[j], k->comp_len[j]);
        }
        tu_der_wrap(&t, 0x30);
        snprintf(what, sizeof what, "private component %zu zero", i);
        expect_parse(t.p, t.n, FM_ERR_DECODE, what);
        tu_der_free(&t);

        tu_der_tlv(&t, 0x02, &v, 1);
        for (j = 0; j < NCOMP; j++) {
            if (j == i) {
                memset(big, 0x11, 129);
                tu_der_uint(&t, big, 129);
            } else {
                tu_der_uint(&t, k->comp[j], k->comp_len[j]);
            }
        }
        tu_der_wrap(&t, 0x30);
        snprintf(what, sizeof what, "private component %zu longer than n", i);
        expect_parse(t.p, t.n, FM_ERR_DECODE, what);
        tu_der_free(&t);
    }
    free(big);
}

/* The largest key: every component 2048 octets, PKCS#8 = FM_RSA_DER_MAX_LEN. */
static void test_max_size(void **state)
{
    static uint8_t n[2048], e[2048], x[2048];
    static uint8_t out[FM_RSA_DER_MAX_LEN];
    fm_rsa_components c, back;
    size_t outlen, i;
    int form;

    (void)tu_begin(state);
    memset(n, 0xff, sizeof n);
    memset(e, 0x80, sizeof e);
    memset(x, 0x80, sizeof x);
    memset(&c, 0, sizeof c);
    c.n = n; c.n_len = sizeof n;
    c.e = e; c.e_len = sizeof e;
    for (i = 2; i < NCOMP; i++)
        comp_set(&c, i, x, sizeof x);
    assert_int_equal(fm_rsa_der_encode(out, sizeof out, &outlen, FM_KEY_FORM_PKCS8, &c), FM_OK);
    assert_int_equal(outlen, FM_RSA_DER_MAX_LEN);
    assert_int_equal(fm_rsa_der_parse(&back, &form, out, outlen), FM_OK);
    assert_int_equal(form, FM_KEY_FORM_PKCS8);
    assert_int_equal(back.qinv_len, sizeof x);
    for (i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        assert_int_equal(fm_rsa_der_encode(out, sizeof out, &outlen, forms[i], &c), FM_OK);
        assert_true(outlen <= FM_RSA_DER_MAX_LEN);
        expect_parse(out, outlen, FM_OK, "largest key");
    }
}

/* AlgorithmIdentifier, versions, multi-prime, other algorithms, encrypted. */
static void test_wrappers(void **state)
{
    const ossl_key *k;
    tu_der priv = { 0 }, pub = { 0 }, t = { 0 };
    const uint8_t *d8;
    size_t i;

    (void)tu_begin(state);
    k = get_key(1024, 65537);
    d8 = k->der[FM_KEY_FORM_PKCS8];
    tu_der_put(&priv, k->der[FM_KEY_FORM_PKCS1_PRIVATE], k->der_len[FM_KEY_FORM_PKCS1_PRIVATE]);
    tu_der_put(&pub, k->der[FM_KEY_FORM_PKCS1_PUBLIC], k->der_len[FM_KEY_FORM_PKCS1_PUBLIC]);

    /* The builder reproduces OpenSSL's PKCS#8 and SPKI. */
    tu_der_pkcs8(&t, 0, algid_rsa, sizeof algid_rsa, priv.p, priv.n, NULL, 0);
    assert_int_equal(t.n, k->der_len[FM_KEY_FORM_PKCS8]);
    assert_memory_equal(t.p, d8, t.n);
    tu_der_free(&t);
    tu_der_spki(&t, algid_rsa, sizeof algid_rsa, 0, pub.p, pub.n);
    assert_int_equal(t.n, k->der_len[FM_KEY_FORM_SPKI]);
    assert_memory_equal(t.p, k->der[FM_KEY_FORM_SPKI], t.n);
    tu_der_free(&t);

    /* AlgorithmIdentifiers in PKCS#8 and SPKI. */
    {
        static const uint8_t no_params[] = {
            0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
        };
        static const uint8_t int_params[] = {
            0x30, 0x0e, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
            0x02, 0x01, 0x00,
        };
        static const uint8_t null_with_content[] = {
            0x30, 0x0e, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
            0x05, 0x01, 0x00,
        };
        static const uint8_t two_params[] = {
            0x30, 0x0f, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
            0x05, 0x00, 0x05, 0x00,
        };
        static const uint8_t pss[] = {
            0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a,
        };
        static const uint8_t sha256_oid[] = { /* 2.16.840.1.101.3.4.2.1, NULL */
            0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
            0x05, 0x00,
        };
        static const uint8_t oid_0x80[] = { /* subidentifier starting 0x80 */
            0x30, 0x0e, 0x06, 0x0a, 0x2a, 0x80, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
            0x05, 0x00,
        };
        static const uint8_t oid_cont[] = { /* last octet with bit 8 set */
            0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x81,
            0x05, 0x00,
        };
        static const uint8_t oid_empty[] = { 0x30, 0x04, 0x06, 0x00, 0x05, 0x00 };
        static const uint8_t no_oid[] = { 0x30, 0x02, 0x05, 0x00 };
        const struct { const uint8_t *a; size_t len; int want; const char *what; } cases[] = {
            { no_params, sizeof no_params, FM_ERR_DECODE, "rsaEncryption without parameters" },
            { int_params, sizeof int_params, FM_ERR_DECODE, "rsaEncryption with INTEGER parameters" },
            { null_with_content, sizeof null_with_content, FM_ERR_DECODE, "NULL with content" },
            { two_params, sizeof two_params, FM_ERR_DECODE, "two parameters" },
            { pss, sizeof pss, FM_ERR_UNSUPPORTED, "id-RSASSA-PSS" },
            { sha256_oid, sizeof sha256_oid, FM_ERR_UNSUPPORTED, "another algorithm" },
            { oid_0x80, sizeof oid_0x80, FM_ERR_DECODE, "OID subidentifier starting 0x80" },
            { oid_cont, sizeof oid_cont, FM_ERR_DECODE, "OID ending mid-subidentifier" },
            { oid_empty, sizeof oid_empty, FM_ERR_DECODE, "empty OID" },
            { no_oid, sizeof no_oid, FM_ERR_DECODE, "no OID" },
        };

        for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            char what[96];

            tu_der_pkcs8(&t, 0, cases[i].a, cases[i].len, priv.p, priv.n, NULL, 0);
            snprintf(what, sizeof what, "PKCS#8, %s", cases[i].what);
            expect_parse(t.p, t.n, cases[i].want, what);
            tu_der_free(&t);
            tu_der_spki(&t, cases[i].a, cases[i].len, 0, pub.p, pub.n);
            snprintf(what, sizeof what, "SPKI, %s", cases[i].what);
            expect_parse(t.p, t.n, cases[i].want, what);
            tu_der_free(&t);
        }
    }
    /* PKCS#8 versions, attributes, OneAsymmetricKey. */
    {
        static const uint8_t attrs[] = { 0xa0, 0x00 };
        static const uint8_t pubkey[] = { 0x81, 0x01, 0x00 };
        static const uint8_t both[] = { 0xa0, 0x00, 0x81, 0x01, 0x00 };

        tu_der_pkcs8(&t, 0, algid_rsa, sizeof algid_rsa, priv.p, priv.n, attrs, sizeof attrs);
        expect_parse(t.p, t.n, FM_ERR_UNSUPPORTED, "PKCS#8 with attributes");
        tu_der_free(&t);
        tu_der_pkcs8(&t, 1, algid_rsa, sizeof algid_rsa, priv.p, priv.n, NULL, 0);
        expect_parse(t.p, t.n, FM_ERR_UNSUPPORTED, "OneAsymmetricKey version 1");
        tu_der_free(&t);
        tu_der_pkcs8(&t, 1, algid_rsa, sizeof algid_rsa, priv.p, priv.n, both, sizeof both);
        expect_parse(t.p, t.n, FM_ERR_UNSUPPORTED, "version 1 with attributes and publicKey");
        tu_der_free(&t);
        tu_der_pkcs8(&t, 0, algid_rsa, sizeof algid_rsa, priv.p, priv.n, pubkey, sizeof pubkey);
        expect_parse(t.p, t.n, FM_ERR_DECODE, "version 0 with publicKey");
        tu_der_free(&t);
        tu_der_pkcs8(&t, 2, algid_rsa, sizeof algid_rsa, priv.p, priv.n, NULL, 0);
        expect_parse(t.p, t.n, FM_ERR_DECODE, "PKCS#8 version 2");
        tu_der_free(&t);
        tu_der_pkcs8(&t, 0, algid_rsa, sizeof algid_rsa, pub.p, pub.n, NULL, 0);
        expect_parse(t.p, t.n, FM_ERR_DECODE, "PKCS#8 holding a public key");
        tu_der_free(&t);
        tu_der_pkcs8(&t, 0, algid_rsa, sizeof algid_rsa, priv.p, priv.n - 1, NULL, 0);
        expect_parse(t.p, t.n, FM_ERR_DECODE, "PKCS#8 holding a truncated key");
        tu_der_free(&t);
        {
            tu_der longer = { 0 };
            tu_der_put(&longer, priv.p, priv.n);
            tu_der_byte(&longer, 0);
            tu_der_pkcs8(&t, 0, algid_rsa, sizeof algid_rsa, longer.p, longer.n, NULL, 0);
            expect_parse(t.p, t.n, FM_ERR_DECODE, "PKCS#8 key with a trailing octet");
            tu_der_free(&t);
            tu_der_free(&longer);
        }
    }
    /* SPKI: unused bits, empty BIT STRING, a private key inside. */
    {
        tu_der_spki(&t, algid_rsa, sizeof algid_rsa, 1, pub.p, pub.n);
        expect_parse(t.p, t.n, FM_ERR_DECODE, "BIT STRING with 1 unused bit");
        tu_der_free(&t);
        tu_der_put(&t, algid_rsa, sizeof algid_rsa);
        tu_der_byte(&t, 0x03); tu_der_byte(&t, 0x00);
        tu_der_wrap(&t, 0x30);
        expect_parse(t.p, t.n, FM_ERR_DECODE, "empty BIT STRING");
        tu_der_free(&t);
        tu_der_spki(&t, algid_rsa, sizeof algid_rsa, 0, priv.p, priv.n);
        expect_parse(t.p, t.n, FM_ERR_DECODE, "SPKI holding a private key");
        tu_der_free(&t);
    }
    /* PKCS#1 versions. */
    {
        tb_priv_content(&t, k, 1);
        tu_der_wrap(&t, 0x30);
        expect_parse(t.p, t.n, FM_ERR_DECODE, "version 1 without otherPrimeInfos");
        tu_der_free(&t);
        tb_priv_content(&t, k, 2);
        tu_der_wrap(&t, 0x30);
        expect_parse(t.p, t.n, FM_ERR_DECODE, "version 2");
        tu_der_free(&t);
        tb_priv_content(&t, k, 0);
        tu_der_byte(&t, 0x30); tu_der_byte(&t, 0x00);
        tu_der_wrap(&t, 0x30);
        expect_parse(t.p, t.n, FM_ERR_DECODE, "version 0 with otherPrimeInfos");
        tu_der_free(&t);
        tb_priv_content(&t, k, 1);
        tu_der_byte(&t, 0x30); tu_der_byte(&t, 0x00);
        tu_der_wrap(&t, 0x30);
        expect_parse(t.p, t.n, FM_ERR_UNSUPPORTED, "version 1 with otherPrimeInfos");
        tu_der_free(&t);
    }
    tu_der_free(&priv);
    tu_der_free(&pub);
}

/* Keys OpenSSL makes that these functions refuse. */
static void test_openssl_unsupported(void **state)
{
    EVP_PKEY *mp, *pss, *ec;
    uint8_t *der;
    size_t len;
    BIO *b;
    char *pem;
    size_t pemlen;

    (void)tu_begin(state);

    /* Multi-prime (3 primes): PKCS#1 version 1 and its PKCS#8. */
    mp = ossl_rsa_gen("RSA", 2048, 65537, 3);
    der = der_pkcs1_private(mp, &len);
    assert_int_equal(der[4], 0x02);
    assert_int_equal(der[6], 0x01); /* version multi */
    expect_parse(der, len, FM_ERR_UNSUPPORTED, "3-prime PKCS#1");
    free(der);
    der = der_pkcs8(mp, &len);
    expect_parse(der, len, FM_ERR_UNSUPPORTED, "3-prime PKCS#8");
    free(der);
    /* its public key is an ordinary one */
    der = der_spki(mp, &len);
    expect_parse(der, len, FM_OK, "3-prime key's SPKI");
    free(der);
    EVP_PKEY_free(mp);

    /* RSASSA-PSS keys. */
    pss = ossl_rsa_gen("RSA-PSS", 1024, 65537, 2);
    der = der_pkcs8(pss, &len);
    expect_parse(der, len, FM_ERR_UNSUPPORTED, "RSA-PSS PKCS#8");
    free(der);
    der = der_spki(pss, &len);
    expect_parse(der, len, FM_ERR_UNSUPPORTED, "RSA-PSS SPKI");
    free(der);
    EVP_PKEY_free(pss);

    /* An EC key. */
    ec = EVP_EC_gen("P-256");
    assert_non_null(ec);
    der = der_pkcs8(ec, &len);
    expect_parse(der, len, FM_ERR_UNSUPPORTED, "EC PKCS#8");
    free(der);
    der = der_spki(ec, &len);
    expect_parse(der, len, FM_ERR_UNSUPPORTED, "EC SPKI");
    free(der);
    EVP_PKEY_free(ec);

    /* Encrypted PKCS#8, DER and PEM. */
    {
        const ossl_key *k = get_key(1024, 65537);
        uint8_t buf[4096];
        char label[FM_PEM_LABEL_MAX];
        size_t buflen;

        b = BIO_new(BIO_s_mem());
        assert_non_null(b);
        assert_int_equal(i2d_PKCS8PrivateKey_bio(b, k->pkey, EVP_aes_256_cbc(), "pw", 2, NULL, NULL), 1);
        pem = tu_bio_take(b, &len);
        der = tu_dup_bytes(pem, len);
        free(pem);
        expect_parse(der, len, FM_ERR_UNSUPPORTED, "EncryptedPrivateKeyInfo");
        der[len - 1] ^= 1; /* still well formed */
        expect_parse(der, len, FM_ERR_UNSUPPORTED, "EncryptedPrivateKeyInfo, data changed");
        expect_parse(der, len - 1, FM_ERR_DECODE, "EncryptedPrivateKeyInfo, truncated");
        free(der);

        b = BIO_new(BIO_s_mem());
        assert_non_null(b);
        assert_int_equal(PEM_write_bio_PKCS8PrivateKey(b, k->pkey, EVP_aes_256_cbc(), NULL, 0,
                                                       NULL, (void *)"pw"), 1);
        pem = tu_bio_take(b, &pemlen);
        assert_int_equal(fm_pem_decode(buf, sizeof buf, &buflen, label, sizeof label, pem, pemlen),
                         FM_OK);
        assert_string_equal(label, FM_PEM_LABEL_ENCRYPTED_PRIVATE_KEY);
        expect_parse(buf, buflen, FM_ERR_UNSUPPORTED, "ENCRYPTED PRIVATE KEY PEM");
        free(pem);

        /* Legacy encrypted PEM (RFC 1421 headers). */
        b = BIO_new(BIO_s_mem());
        assert_non_null(b);
        assert_int_equal(PEM_write_bio_PrivateKey_traditional(b, k->pkey, EVP_aes_256_cbc(),
                                                              (unsigned char *)"password", 8,
                                                              NULL, NULL), 1);
        pem = tu_bio_take(b, &pemlen);
        assert_non_null(strstr(pem, "Proc-Type: 4,ENCRYPTED"));
        expect_pem_err(pem, pemlen, FM_ERR_UNSUPPORTED, "legacy encrypted PEM");
        free(pem);
    }
}

/* ---- PEM negatives ----------------------------------------------------------------------- */

/* Replace the first occurrence of `from` in s (NUL-terminated) with `to`. */
static char *replace(const char *s, const char *from, const char *to, size_t *outlen)
{
    const char *at = strstr(s, from);
    size_t a, fl = strlen(from), tl = strlen(to), sl = strlen(s);
    char *r;

    assert_non_null(at);
    a = (size_t)(at - s);
    r = tu_xmalloc(sl - fl + tl + 1);
    memcpy(r, s, a);
    memcpy(r + a, to, tl);
    memcpy(r + a + tl, at + fl, sl - a - fl + 1);
    *outlen = sl - fl + tl;
    return r;
}

static void pem_case(const char *base, const char *from, const char *to, int want, const char *what)
{
    size_t len;
    char *p = replace(base, from, to, &len);

    expect_pem_err(p, len, want, what);
    free(p);
}

static void test_pem_rules(void **state)
{
    /* 5 octets: "AQIDBAU=" (01 02 03 04 05); 4 octets: "AQIDBA==". */
    static const char five[] = "-----BEGIN TEST-----\nAQIDBAU=\n-----END TEST-----\n";
    static const char four[] = "-----BEGIN TEST-----\nAQIDBA==\n-----END TEST-----\n";
    static const char six[] = "-----BEGIN TEST-----\nAQIDBAUG\n-----END TEST-----\n";
    static const uint8_t want5[] = { 1, 2, 3, 4, 5 };
    static const uint8_t want4[] = { 1, 2, 3, 4 };
    static const uint8_t want6[] = { 1, 2, 3, 4, 5, 6 };
    uint8_t der[16];
    char label[FM_PEM_LABEL_MAX];
    size_t derlen;

    (void)tu_begin(state);
    expect_pem_ok(five, strlen(five), want5, 5, "TEST", "five");
    expect_pem_ok(four, strlen(four), want4, 4, "TEST", "four");
    expect_pem_ok(six, strlen(six), want6, 6, "TEST", "six");

    /* base64 */
    pem_case(five, "AQIDBAU=", "AQI*BAU=", FM_ERR_DECODE, "'*' in the body");
    pem_case(five, "AQIDBAU=", "AQI-BAU=", FM_ERR_DECODE, "'-' in the body");
    pem_case(five, "AQIDBAU=", "AQI.BAU=", FM_ERR_DECODE, "'.' in the body");
    pem_case(five, "AQIDBAU=", "AQI\x80" "BAU=", FM_ERR_DECODE, "octet 0x80 in the body");
    pem_case(five, "AQIDBAU=", "AQI_BAU=", FM_ERR_DECODE, "base64url '_'");
    pem_case(five, "AQIDBAU=", "AQIDBAU", FM_ERR_DECODE, "padding missing");
    pem_case(five, "AQIDBAU=", "AQIDBAU==", FM_ERR_DECODE, "one '=' too many");
    pem_case(five, "AQIDBAU=", "AQIDBAU=AAAA", FM_ERR_DECODE, "data after padding");
    pem_case(five, "AQIDBAU=", "AQIDBAU=\nAAAA", FM_ERR_DECODE, "data on a line after padding");
    pem_case(five, "AQIDBAU=", "AQ==BAU=", FM_ERR_DECODE, "'=' in the middle");
    pem_case(five, "AQIDBAU=", "AQIDBAV=", FM_ERR_DECODE, "pad bits not zero (one '=')");
    pem_case(four, "AQIDBA==", "AQIDBB==", FM_ERR_DECODE, "pad bits not zero (two '=')");
    pem_case(four, "AQIDBA==", "AQIDB===", FM_ERR_DECODE, "three '='");
    pem_case(four, "AQIDBA==", "AQIDB", FM_ERR_DECODE, "one character in the last quantum");
    pem_case(five, "AQIDBAU=\n", "", FM_ERR_DECODE, "empty body");
    pem_case(five, "AQIDBAU=\n", "\n\n", FM_ERR_DECODE, "blank body");
    {
        char nul[sizeof five];
        memcpy(nul, five, sizeof five);
        nul[strstr(five, "AQIDBAU=") - five + 3] = '\0';
        expect_pem_err(nul, sizeof five - 1, FM_ERR_DECODE, "NUL in the body");
    }
    /* whitespace anywhere is fine */
    {
        size_t len;
        char *p = replace(five, "AQIDBAU=", " A Q\tI D\r\n\nB\vA\fU = ", &len);
        expect_pem_ok(p, len, want5, 5, "TEST", "spread-out body");
        free(p);
    }

    /* boundaries and labels */
    pem_case(five, "-----END TEST-----", "-----END TSET-----", FM_ERR_DECODE, "END label differs");
    pem_case(five, "-----END TEST-----", "-----END TEST----", FM_ERR_DECODE, "END with four dashes");
    pem_case(five, "-----END TEST-----", "-----END-----", FM_ERR_DECODE, "END without label");
    pem_case(five, "-----END TEST-----", "", FM_ERR_DECODE, "no END");
    pem_case(five, "-----END TEST-----\n", "-----END TEST----- x\n", FM_ERR_DECODE,
             "junk after END");
    pem_case(five, "-----BEGIN TEST-----", "-----BEGIN TEST----", FM_ERR_DECODE, "BEGIN with four dashes");
    pem_case(five, "-----BEGIN TEST-----", "----BEGIN TEST-----", FM_ERR_DECODE, "no BEGIN");
    pem_case(five, "-----BEGIN TEST-----", "x-----BEGIN TEST-----", FM_ERR_DECODE,
             "BEGIN not at a line start");
    pem_case(five, "-----BEGIN TEST-----\n", "-----BEGIN TEST-----x\n", FM_ERR_DECODE,
             "junk after BEGIN");
    pem_case(five, "-----BEGIN TEST-----\n", "-----BEGIN TEST-----", FM_ERR_DECODE,
             "BEGIN line not ended");
    pem_case(five, "TEST-----\nAQ", "TEST-----\n-----BEGIN TEST-----\nAQ", FM_ERR_DECODE,
             "BEGIN inside the body");
    {
        static const char *const bad_labels[] = {
            "TEST ", " TEST", "TE  ST", "TE--ST", "TE- ST", "-TEST", "TE\tST", "TE\x7fST", "",
        };
        size_t i;

        for (i = 0; i < sizeof bad_labels / sizeof bad_labels[0]; i++) {
            char buf[128];
            snprintf(buf, sizeof buf, "-----BEGIN %s-----\nAQIDBAU=\n-----END %s-----\n",
                     bad_labels[i], bad_labels[i]);
            expect_pem_err(buf, strlen(buf), FM_ERR_DECODE, bad_labels[i]);
        }
    }
    {
        static const char ok[] = "junk\n-----BEGIN a-b c!~,-----  \t\r\nAQIDBAU=\n"
                                 "-----END a-b c!~,----- \t";
        expect_pem_ok(ok, strlen(ok), want5, 5, "a-b c!~,", "unusual but valid label");
    }
    {
        char buf[256], lab[FM_PEM_LABEL_MAX + 1];
        memset(lab, 'L', sizeof lab - 1);
        lab[FM_PEM_LABEL_MAX - 1] = '\0'; /* longest accepted */
        snprintf(buf, sizeof buf, "-----BEGIN %s-----\nAQIDBAU=\n-----END %s-----\n", lab, lab);
        expect_pem_ok(buf, strlen(buf), want5, 5, lab, "longest label");
        lab[FM_PEM_LABEL_MAX - 1] = 'L';
        lab[FM_PEM_LABEL_MAX] = '\0';
        snprintf(buf, sizeof buf, "-----BEGIN %s-----\nAQIDBAU=\n-----END %s-----\n", lab, lab);
        expect_pem_err(buf, strlen(buf), FM_ERR_DECODE, "label too long");
    }
    pem_case(five, "-----BEGIN TEST-----\n", "-----BEGIN TEST-----\nDEK-Info: x\n",
             FM_ERR_UNSUPPORTED, "RFC 1421 header");

    /* buffers */
    memset(der, 0xaa, sizeof der);
    memset(label, 'x', sizeof label);
    assert_int_equal(fm_pem_decode(der, 4, &derlen, label, sizeof label, five, strlen(five)),
                     FM_ERR_LENGTH);
    assert_int_equal(derlen, 5);
    assert_true(tu_all_zero(der, 4));
    assert_int_equal(der[4], 0xaa);
    assert_true(tu_all_zero(label, sizeof label));
    assert_int_equal(fm_pem_decode(NULL, 0, &derlen, NULL, 0, five, strlen(five)), FM_ERR_LENGTH);
    assert_int_equal(derlen, 5);
    assert_int_equal(fm_pem_decode(der, 5, &derlen, NULL, 0, five, strlen(five)), FM_OK);
    assert_int_equal(derlen, 5);
    memset(der, 0xaa, sizeof der);
    assert_int_equal(fm_pem_decode(der, sizeof der, &derlen, label, 4, five, strlen(five)),
                     FM_ERR_LENGTH);
    assert_int_equal(derlen, 5);
    assert_true(tu_all_zero(der, sizeof der));
    assert_int_equal(fm_pem_decode(der, sizeof der, &derlen, label, 5, five, strlen(five)), FM_OK);
    assert_string_equal(label, "TEST");
    assert_int_equal(fm_pem_decode(der, sizeof der, NULL, label, 5, five, strlen(five)), FM_ERR_ARG);
    assert_int_equal(fm_pem_decode(NULL, 5, &derlen, label, 5, five, strlen(five)), FM_ERR_ARG);
    memset(der, 0xaa, sizeof der);
    assert_int_equal(fm_pem_decode(der, 5, &derlen, NULL, 5, five, strlen(five)), FM_ERR_ARG);
    assert_true(tu_all_zero(der, 5));
    memset(label, 'x', sizeof label);
    assert_int_equal(fm_pem_decode(NULL, 5, &derlen, label, 5, five, strlen(five)), FM_ERR_ARG);
    assert_true(tu_all_zero(label, 5));
    assert_int_equal(fm_pem_decode(der, 5, &derlen, label, 5, NULL, 5), FM_ERR_ARG);
    assert_int_equal(fm_pem_decode(der, 5, &derlen, label, 5, NULL, 0), FM_ERR_DECODE);
}

static void test_pem_encode_args(void **state)
{
    static const uint8_t data[] = { 1, 2, 3, 4, 5 };
    static const char want[] = "-----BEGIN TEST-----\nAQIDBAU=\n-----END TEST-----\n";
    char out[128];
    size_t outlen, cap;
    static const char *const bad_labels[] = {
        "TEST ", " TEST", "TE  ST", "TE--ST", "TE\nST", "",
        "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL", /* 64 */
    };
    size_t i;

    (void)tu_begin(state);
    assert_int_equal(fm_pem_encode(out, sizeof out, &outlen, "TEST", data, sizeof data), FM_OK);
    assert_int_equal(outlen, strlen(want));
    assert_string_equal(out, want);
    for (cap = 0; cap <= strlen(want); cap++) {
        memset(out, 0xaa, sizeof out);
        assert_int_equal(fm_pem_encode(out, cap, &outlen, "TEST", data, sizeof data), FM_ERR_LENGTH);
        assert_int_equal(outlen, strlen(want) + 1);
        assert_true(tu_all_zero(out, cap));
        assert_int_equal((uint8_t)out[cap], 0xaa);
    }
    assert_int_equal(fm_pem_encode(out, strlen(want) + 1, &outlen, "TEST", data, sizeof data), FM_OK);
    for (i = 0; i < sizeof bad_labels / sizeof bad_labels[0]; i++) {
        memset(out, 0xaa, sizeof out);
        assert_int_equal(fm_pem_encode(out, sizeof out, &outlen, bad_labels[i], data, sizeof data),
                         FM_ERR_ARG);
        assert_int_equal(outlen, 0);
        assert_true(tu_all_zero(out, sizeof out));
    }
    assert_int_equal(fm_pem_encode(out, sizeof out, &outlen, "TEST", data, 0), FM_ERR_LENGTH);
    assert_int_equal(outlen, 0);
    assert_int_equal(fm_pem_encode(out, sizeof out, NULL, "TEST", data, 5), FM_ERR_ARG);
    assert_int_equal(fm_pem_encode(out, sizeof out, &outlen, NULL, data, 5), FM_ERR_ARG);
    assert_int_equal(fm_pem_encode(out, sizeof out, &outlen, "TEST", NULL, 5), FM_ERR_ARG);
    assert_int_equal(fm_pem_encode(NULL, 5, &outlen, "TEST", data, 5), FM_ERR_ARG);
}

/* ---- encoder arguments ---------------------------------------------------------------- */

static void expect_encode_err(int form, const fm_rsa_components *c, int want, const char *what)
{
    uint8_t out[64];
    size_t outlen = 99;
    int rc;

    memset(out, 0xaa, sizeof out);
    rc = fm_rsa_der_encode(out, sizeof out, &outlen, form, c);
    if (rc != want)
        fail_msg("%s: fm_rsa_der_encode returned %s, want %s", what, tu_err_name(rc), tu_err_name(want));
    assert_int_equal(outlen, 0);
    assert_true(tu_all_zero(out, sizeof out));
}

static void test_encode_args(void **state)
{
    static const uint8_t n[] = { 0xc5, 0x01 }, e[] = { 0x03 }, zero[] = { 0x00, 0x00 };
    static const uint8_t big[2049] = { 0x01 };
    fm_rsa_components c, pub;
    uint8_t out[64];
    size_t outlen, i;

    (void)tu_begin(state);
    memset(&pub, 0, sizeof pub);
    pub.n = n; pub.n_len = sizeof n;
    pub.e = e; pub.e_len = sizeof e;
    assert_int_equal(fm_rsa_der_encode(out, sizeof out, &outlen, FM_KEY_FORM_PKCS1_PUBLIC, &pub), FM_OK);
    assert_int_equal(outlen, 10); /* 30 08 02 03 00 c5 01 02 01 03 */
    assert_memory_equal(out, "\x30\x08\x02\x03\x00\xc5\x01\x02\x01\x03", 10);
    assert_int_equal(fm_rsa_der_encode(out, sizeof out, &outlen, FM_KEY_FORM_SPKI, &pub), FM_OK);

    expect_encode_err(0, &pub, FM_ERR_ARG, "form 0");
    expect_encode_err(5, &pub, FM_ERR_ARG, "form 5");
    expect_encode_err(FM_KEY_FORM_SPKI, NULL, FM_ERR_ARG, "NULL components");
    expect_encode_err(FM_KEY_FORM_PKCS8, &pub, FM_ERR_ARG, "private form of a public key");
    assert_int_equal(fm_rsa_der_encode(out, sizeof out, NULL, FM_KEY_FORM_SPKI, &pub), FM_ERR_ARG);
    assert_int_equal(fm_rsa_der_encode(NULL, 5, &outlen, FM_KEY_FORM_SPKI, &pub), FM_ERR_ARG);

    c = pub; c.e = NULL;
    expect_encode_err(FM_KEY_FORM_SPKI, &c, FM_ERR_ARG, "e NULL");
    c = pub; c.n_len = 0;
    expect_encode_err(FM_KEY_FORM_SPKI, &c, FM_ERR_ARG, "n empty");
    c = pub; c.n = zero; c.n_len = sizeof zero;
    expect_encode_err(FM_KEY_FORM_SPKI, &c, FM_ERR_KEY, "n = 0");
    c = pub; c.e = zero; c.e_len = sizeof zero;
    expect_encode_err(FM_KEY_FORM_SPKI, &c, FM_ERR_KEY, "e = 0");
    c = pub; c.e = n; c.e_len = sizeof n;
    expect_encode_err(FM_KEY_FORM_PKCS1_PUBLIC, &c, FM_ERR_KEY, "e = n");
    c = pub; c.n = big; c.n_len = sizeof big;
    expect_encode_err(FM_KEY_FORM_PKCS1_PUBLIC, &c, FM_ERR_UNSUPPORTED, "16385-bit n");

    /* private: each component missing, zero, longer than n */
    for (i = 2; i < NCOMP; i++) {
        static const uint8_t one[] = { 0x01 }, three[] = { 1, 2, 3 };
        size_t j;

        c = pub;
        for (j = 2; j < NCOMP; j++)
            comp_set(&c, j, one, 1);
        /* a toy key with every component 1: encodes, parses back */
        assert_int_equal(fm_rsa_der_encode(out, sizeof out, &outlen, FM_KEY_FORM_PKCS8, &c), FM_OK);
        expect_parse(out, outlen, FM_OK, "toy private key");
        comp_set(&c, i, NULL, 0);
        expect_encode_err(FM_KEY_FORM_PKCS1_PRIVATE, &c, FM_ERR_ARG, "component missing");
        /* public forms ignore the private components */
        assert_int_equal(fm_rsa_der_encode(out, sizeof out, &outlen, FM_KEY_FORM_PKCS1_PUBLIC, &c), FM_OK);
        comp_set(&c, i, zero, sizeof zero);
        expect_encode_err(FM_KEY_FORM_PKCS1_PRIVATE, &c, FM_ERR_KEY, "component zero");
        comp_set(&c, i, three, sizeof three);
        expect_encode_err(FM_KEY_FORM_PKCS1_PRIVATE, &c, FM_ERR_KEY, "component longer than n");
    }
}

/* ---- the DER layer itself -------------------------------------------------------------- */

/* SEC1 ECPrivateKey (RFC 5915 3) as OpenSSL writes it: read with the
 * generic reader and rebuilt with the writer. */
static void test_der_sec1(void **state)
{
    static const uint8_t p256[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
    EVP_PKEY *ec;
    unsigned char *enc = NULL;
    uint8_t *d, want_priv[32], want_pub[65], out[256];
    size_t len, privlen, oidlen, publen, pubparam_len, c0, c1, content, total;
    const uint8_t *priv, *oid, *pub;
    fm_der_reader r, seq, ctx0, ctx1;
    fm_der_writer w;
    uint32_t version;
    BIGNUM *bn = NULL;

    (void)tu_begin(state);
    ec = EVP_EC_gen("P-256");
    assert_non_null(ec);
    {
        int n = i2d_PrivateKey(ec, &enc); /* SEC1 */
        d = take_i2d(n, enc, &len);
    }

    fm_der_reader_init(&r, d, len);
    assert_int_equal(fm_der_read_sequence(&r, &seq), FM_OK);
    assert_int_equal(fm_der_end(&r), FM_OK);
    assert_int_equal(fm_der_read_small_uint(&seq, &version), FM_OK);
    assert_int_equal(version, 1); /* ecPrivkeyVer1 */
    assert_int_equal(fm_der_read_octet_string(&seq, &priv, &privlen), FM_OK);
    assert_int_equal(privlen, 32);
    assert_true(fm_der_next_is(&seq, FM_DER_CTX(0)));
    assert_false(fm_der_next_is(&seq, FM_DER_CTX(1)));
    assert_int_equal(fm_der_read_constructed(&seq, FM_DER_CTX(0), &ctx0), FM_OK);
    assert_int_equal(fm_der_read_oid(&ctx0, &oid, &oidlen), FM_OK);
    assert_true(fm_der_oid_is(oid, oidlen, p256, sizeof p256));
    assert_int_equal(fm_der_end(&ctx0), FM_OK);
    assert_int_equal(fm_der_read_constructed(&seq, FM_DER_CTX(1), &ctx1), FM_OK);
    assert_int_equal(fm_der_read_bit_string(&ctx1, &pub, &publen), FM_OK);
    assert_int_equal(fm_der_end(&ctx1), FM_OK);
    assert_int_equal(fm_der_end(&seq), FM_OK);

    assert_int_equal(EVP_PKEY_get_bn_param(ec, OSSL_PKEY_PARAM_PRIV_KEY, &bn), 1);
    assert_int_equal(BN_bn2binpad(bn, want_priv, 32), 32);
    BN_clear_free(bn);
    assert_int_equal(EVP_PKEY_get_octet_string_param(ec, OSSL_PKEY_PARAM_PUB_KEY, want_pub,
                                                     sizeof want_pub, &pubparam_len), 1);
    assert_int_equal(pubparam_len, 65);
    assert_int_equal(publen, 65);
    assert_memory_equal(priv, want_priv, 32);
    assert_memory_equal(pub, want_pub, 65);

    /* Sizes first, then the bytes: the same DER. */
    c0 = fm_der_tlv_len(oidlen);
    c1 = fm_der_tlv_len(1 + publen);
    content = fm_der_tlv_len(1) + fm_der_tlv_len(privlen) + fm_der_tlv_len(c0) + fm_der_tlv_len(c1);
    total = fm_der_tlv_len(content);
    assert_int_equal(total, len);
    fm_der_writer_init(&w, out, sizeof out);
    fm_der_put_header(&w, FM_DER_SEQUENCE, content);
    fm_der_put_small_uint(&w, 1);
    fm_der_put_header(&w, FM_DER_OCTET_STRING, privlen);
    fm_der_put_bytes(&w, priv, privlen);
    fm_der_put_header(&w, FM_DER_CTX(0), c0);
    fm_der_put_oid(&w, oid, oidlen);
    fm_der_put_header(&w, FM_DER_CTX(1), c1);
    fm_der_put_header(&w, FM_DER_BIT_STRING, 1 + publen);
    fm_der_put_bytes(&w, (const uint8_t *)"", 1);
    fm_der_put_bytes(&w, pub, publen);
    assert_int_equal(fm_der_writer_finish(&w, total), FM_OK);
    assert_memory_equal(out, d, len);
    /* one octet short: the writer refuses, finish reports it */
    fm_der_writer_init(&w, out, len - 1);
    fm_der_put_header(&w, FM_DER_SEQUENCE, content);
    fm_der_put_bytes(&w, d + 2, len - 2);
    assert_int_equal(fm_der_writer_finish(&w, total), FM_ERR_INTERNAL);

    fm_wipe(d, len);
    fm_wipe(want_priv, sizeof want_priv);
    fm_wipe(out, sizeof out);
    free(d);
    EVP_PKEY_free(ec);
}

/* Lengths and INTEGERs at their encoding boundaries, through writer and reader. */
static void test_der_boundaries(void **state)
{
    static const size_t lens[] = { 0, 1, 127, 128, 255, 256, 4095, 65535 };
    static uint8_t buf[65536 + 8], content[65535];
    fm_der_reader r;
    fm_der_writer w;
    const uint8_t *v;
    size_t i, vlen;

    (void)tu_begin(state);
    memset(content, 0x5a, sizeof content);
    for (i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        size_t want_hdr = lens[i] < 128 ? 2 : lens[i] < 256 ? 3 : 4;

        fm_der_writer_init(&w, buf, sizeof buf);
        fm_der_put_header(&w, FM_DER_OCTET_STRING, lens[i]);
        fm_der_put_bytes(&w, content, lens[i]);
        assert_int_equal(fm_der_writer_finish(&w, fm_der_tlv_len(lens[i])), FM_OK);
        assert_int_equal(w.pos, want_hdr + lens[i]);
        fm_der_reader_init(&r, buf, w.pos);
        assert_int_equal(fm_der_read_octet_string(&r, &v, &vlen), FM_OK);
        assert_int_equal(vlen, lens[i]);
        assert_true(fm_der_at_end(&r));
        /* one octet missing */
        fm_der_reader_init(&r, buf, w.pos - 1);
        assert_int_equal(fm_der_read_octet_string(&r, &v, &vlen), FM_ERR_DECODE);
        assert_int_equal(r.len, w.pos - 1); /* reader unchanged */
    }
    /* 65536 octets: beyond FM_DER_MAX_LEN, refused both ways. */
    fm_der_writer_init(&w, buf, sizeof buf);
    fm_der_put_header(&w, FM_DER_OCTET_STRING, 65536);
    assert_int_equal(fm_der_writer_finish(&w, 0), FM_ERR_INTERNAL);
    {
        static const uint8_t l3[] = { 0x04, 0x83, 0x01, 0x00, 0x00 };
        static const uint8_t l81_7f[] = { 0x04, 0x81, 0x7f };
        static const uint8_t l82_00ff[] = { 0x04, 0x82, 0x00, 0xff };
        const uint8_t *const bad[] = { l3, l81_7f, l82_00ff };
        const size_t badlen[] = { sizeof l3, sizeof l81_7f, sizeof l82_00ff };

        for (i = 0; i < 3; i++) {
            uint8_t tag;
            memcpy(buf, bad[i], badlen[i]);
            memset(buf + badlen[i], 0, 65536 + 8 - badlen[i]);
            fm_der_reader_init(&r, buf, sizeof buf);
            assert_int_equal(fm_der_peek_tag(&r, &tag), FM_ERR_DECODE);
        }
    }
    /* INTEGER magnitudes: zero, sign octet, leading zeros dropped. */
    {
        static const struct { uint8_t in[4]; size_t inlen; uint8_t enc[6]; size_t enclen; } ints[] = {
            { { 0 }, 0, { 0x02, 0x01, 0x00 }, 3 },
            { { 0x00, 0x00 }, 2, { 0x02, 0x01, 0x00 }, 3 },
            { { 0x7f }, 1, { 0x02, 0x01, 0x7f }, 3 },
            { { 0x80 }, 1, { 0x02, 0x02, 0x00, 0x80 }, 4 },
            { { 0x00, 0xff, 0x00 }, 3, { 0x02, 0x03, 0x00, 0xff, 0x00 }, 5 },
            { { 0x00, 0x01, 0x00, 0x01 }, 4, { 0x02, 0x03, 0x01, 0x00, 0x01 }, 5 },
        };
        for (i = 0; i < sizeof ints / sizeof ints[0]; i++) {
            const uint8_t *m;
            size_t mlen;

            assert_int_equal(fm_der_uint_len(ints[i].in, ints[i].inlen), ints[i].enclen);
            fm_der_writer_init(&w, buf, sizeof buf);
            fm_der_put_uint(&w, ints[i].in, ints[i].inlen);
            assert_int_equal(fm_der_writer_finish(&w, ints[i].enclen), FM_OK);
            assert_memory_equal(buf, ints[i].enc, ints[i].enclen);
            fm_der_reader_init(&r, buf, w.pos);
            assert_int_equal(fm_der_read_uint(&r, &m, &mlen), FM_OK);
            fm_der_strip(&m, &mlen);
            {
                const uint8_t *in = ints[i].in;
                size_t inlen = ints[i].inlen;
                fm_der_strip(&in, &inlen);
                assert_int_equal(mlen, inlen);
                if (inlen > 0)
                    assert_memory_equal(m, in, inlen);
            }
        }
    }
}

/* ---- main ---------------------------------------------------------------------------------- */

int main(void)
{
    static const int sizes[][2] = {
        { 1024, 65537 }, { 2048, 65537 }, { 2049, 65537 }, { 3000, 65537 },
        { 3072, 65537 }, { 4096, 65537 }, { 2048, 3 },
    };
    static const int small[][2] = { { 1024, 65537 }, { 2049, 65537 } };
    size_t i;

    tu_init("test_keys");
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        tu_case t = { .data = sizes[i] };
        tu_add(&suite, test_openssl_forms, &t, "OpenSSL DER, 4 forms: parse, values, re-encode, %d-bit e=%d",
               sizes[i][0], sizes[i][1]);
        tu_add(&suite, test_pem_openssl, &t, "OpenSSL PEM, 4 labels: decode, re-encode, layouts, %d-bit e=%d",
               sizes[i][0], sizes[i][1]);
    }
    for (i = 0; i < sizeof small / sizeof small[0]; i++) {
        tu_case t = { .data = small[i] };
        tu_add(&suite, test_truncation, &t, "every truncation of DER and PEM, %d-bit", small[i][0]);
        tu_add(&suite, test_header_flips, &t, "bit and byte changes in the first %d octets, %d-bit",
               HEADER_AREA, small[i][0]);
    }
    tu_add(&suite, test_random_mutations, NULL, "random mutations re-encode to themselves or fail");
    tu_add(&suite, test_der_rules, NULL, "DER rules: lengths, INTEGERs, tags, trailing data");
    tu_add(&suite, test_ranges, NULL, "modulus size and component ranges");
    tu_add(&suite, test_max_size, NULL, "largest key is FM_RSA_DER_MAX_LEN octets");
    tu_add(&suite, test_wrappers, NULL, "PKCS#8/SPKI wrappers: OIDs, parameters, versions");
    tu_add(&suite, test_openssl_unsupported, NULL,
           "multi-prime, RSA-PSS, EC, encrypted PKCS#8, legacy encrypted PEM");
    tu_add(&suite, test_pem_lengths, NULL, "PEM of 1..200 octets vs PEM_write_bio");
    tu_add(&suite, test_pem_rules, NULL, "PEM rules: base64, padding, boundaries, labels, buffers");
    tu_add(&suite, test_pem_encode_args, NULL, "fm_pem_encode: labels, capacities, arguments");
    tu_add(&suite, test_encode_args, NULL, "fm_rsa_der_encode: arguments and ranges");
    tu_add(&suite, test_der_sec1, NULL, "DER layer: OpenSSL's SEC1 ECPrivateKey read and rewritten");
    tu_add(&suite, test_der_boundaries, NULL, "DER layer: length and INTEGER boundaries");
    return tu_run(&suite, "test_keys");
}
