/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EC keys and ECDSA (fipsmod/ec.h) against OpenSSL's libcrypto as the
 * oracle, on P-256, P-384 and P-521:
 *  - keys made by OpenSSL import from (d, Q), from d alone, from Q alone
 *    (uncompressed and compressed); the public encodings written back are
 *    OpenSSL's byte for byte, and so is d;
 *  - signatures with every SHA-2 hash, DER and P1363, random and RFC 6979
 *    k, verify in OpenSSL, and OpenSSL's verify here; a changed digest or
 *    signature fails;
 *  - generated keys pass OpenSSL's EVP_PKEY_check, and sign for it;
 *  - deterministic signatures equal those of the independent Python model
 *    tests/kat/rfc6979_ref.py (kat-vectors/ecdsa-rfc6979.txt);
 *  - invalid keys (d = 0, n, above n; points off the curve or out of
 *    range; a Q that is not d G; malformed encodings) and bad arguments are
 *    refused with their codes and zeroed outputs; malformed DER signatures
 *    (non-minimal, negative, trailing bytes, r or s = 0 or n) fail;
 *  - the ECDSA self-tests run before the first EC service and pass.
 * The interop, key generation and RFC 6979 tests run on every EC
 * implementation the CPU has (P-256: portable, MULX/ADX).
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include <fipsmod/fipsmod.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

static tu_suite suite;

#define CHECK(call) assert_int_equal((call), FM_OK)

struct curve_case {
    int curve;
    const char *name; /* OpenSSL group name */
    size_t bytes;
};

static const struct curve_case curves[3] = {
    { FM_EC_P256, "P-256", 32 },
    { FM_EC_P384, "P-384", 48 },
    { FM_EC_P521, "P-521", 66 },
};

static const int hashes[4] = { FM_SHA224, FM_SHA256, FM_SHA384, FM_SHA512 };

/* ---- OpenSSL side ---------------------------------------------------------------------- */

struct ossl_key {
    EVP_PKEY *pk;
    uint8_t d[FM_EC_MAX_BYTES];
    uint8_t pub[FM_EC_POINT_MAX_LEN], cpub[FM_EC_POINT_MAX_LEN]; /* uncompressed, compressed */
    size_t publen, cpublen;
};

static void ossl_key_new(const struct curve_case *c, struct ossl_key *k)
{
    BIGNUM *d = NULL;
    EC_GROUP *g = EC_GROUP_new_by_curve_name(EC_curve_nist2nid(c->name));
    EC_POINT *p = EC_POINT_new(g);

    k->pk = EVP_EC_gen(c->name);
    assert_non_null(k->pk);
    assert_int_equal(EVP_PKEY_get_bn_param(k->pk, OSSL_PKEY_PARAM_PRIV_KEY, &d), 1);
    assert_int_equal(BN_bn2binpad(d, k->d, (int)c->bytes), (int)c->bytes);
    assert_int_equal(EVP_PKEY_get_octet_string_param(k->pk, OSSL_PKEY_PARAM_PUB_KEY, k->pub,
                                                     sizeof k->pub, &k->publen),
                     1);
    assert_int_equal(EC_POINT_oct2point(g, p, k->pub, k->publen, NULL), 1);
    k->cpublen = EC_POINT_point2oct(g, p, POINT_CONVERSION_COMPRESSED, k->cpub, sizeof k->cpub,
                                    NULL);
    assert_int_equal(k->cpublen, 1 + c->bytes);
    BN_free(d);
    EC_POINT_free(p);
    EC_GROUP_free(g);
}

/* An OpenSSL key pair from d and Q. */
static EVP_PKEY *ossl_pair(const struct curve_case *c, const uint8_t *d, const uint8_t *pub,
                           size_t len)
{
    OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *pk = NULL;
    BIGNUM *bd = BN_bin2bn(d, (int)c->bytes, NULL);

    OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, c->name, 0);
    OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, pub, len);
    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PRIV_KEY, bd);
    params = OSSL_PARAM_BLD_to_param(b);
    assert_int_equal(EVP_PKEY_fromdata_init(ctx), 1);
    assert_int_equal(EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_KEYPAIR, params), 1);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(b);
    EVP_PKEY_CTX_free(ctx);
    BN_free(bd);
    return pk;
}

static int ossl_verify(EVP_PKEY *pk, const uint8_t *dg, size_t dlen, const uint8_t *sig,
                       size_t siglen)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pk, NULL);
    int ok = EVP_PKEY_verify_init(ctx) == 1 && EVP_PKEY_verify(ctx, sig, siglen, dg, dlen) == 1;

    EVP_PKEY_CTX_free(ctx);
    return ok;
}

static size_t ossl_sign(EVP_PKEY *pk, const uint8_t *dg, size_t dlen, uint8_t *sig, size_t cap)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pk, NULL);
    size_t len = cap;

    assert_int_equal(EVP_PKEY_sign_init(ctx), 1);
    assert_int_equal(EVP_PKEY_sign(ctx, sig, &len, dg, dlen), 1);
    EVP_PKEY_CTX_free(ctx);
    return len;
}

/* DER <-> r || s with OpenSSL's own codec (an independent encoder). */
static size_t p1363_to_der(const uint8_t *rs, size_t half, uint8_t *der)
{
    ECDSA_SIG *s = ECDSA_SIG_new();
    uint8_t *p = der;
    int len;

    ECDSA_SIG_set0(s, BN_bin2bn(rs, (int)half, NULL), BN_bin2bn(rs + half, (int)half, NULL));
    len = i2d_ECDSA_SIG(s, &p);
    ECDSA_SIG_free(s);
    assert_true(len > 0);
    return (size_t)len;
}

static void der_to_p1363(const uint8_t *der, size_t len, size_t half, uint8_t *rs)
{
    const uint8_t *p = der;
    ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)len);
    const BIGNUM *r, *sv;

    assert_non_null(s);
    ECDSA_SIG_get0(s, &r, &sv);
    BN_bn2binpad(r, rs, (int)half);
    BN_bn2binpad(sv, rs + half, (int)half);
    ECDSA_SIG_free(s);
}

static void digest(int hash, const char *msg, size_t n, uint8_t *dg, size_t *dlen)
{
    *dlen = tu_alg_len(hash);
    CHECK(fm_hash(hash, msg, n, dg, *dlen));
}

/* ---- tests ----------------------------------------------------------------------------- */

static void test_interop(void **state)
{
    const struct curve_case *c = tu_begin(state)->data;
    fm_ec_key key, pub, dkey;
    uint8_t out[FM_EC_POINT_MAX_LEN], sig[FM_ECDSA_SIG_MAX_LEN], der[FM_ECDSA_SIG_MAX_LEN];
    uint8_t rs[2 * FM_EC_MAX_BYTES], dg[64];
    size_t len, dlen;
    int curve, priv;

    for (int round = 0; round < 4; round++) {
        struct ossl_key ok;

        ossl_key_new(c, &ok);
        CHECK(fm_ec_key_import(&key, c->curve, ok.d, c->bytes, ok.pub, ok.publen));
        CHECK(fm_ec_key_info(&key, &curve, &priv));
        assert_int_equal(curve, c->curve);
        assert_int_equal(priv, 1);
        CHECK(fm_ec_key_public_bytes(&key, 0, out, sizeof out, &len));
        assert_true(len == ok.publen && tu_mem_eq("uncompressed Q", out, ok.pub, len));
        CHECK(fm_ec_key_public_bytes(&key, 1, out, sizeof out, &len));
        assert_true(len == ok.cpublen && tu_mem_eq("compressed Q", out, ok.cpub, len));
        CHECK(fm_ec_key_private_bytes(&key, out, c->bytes));
        assert_true(tu_mem_eq("d", out, ok.d, c->bytes));
        /* d alone: Q computed; Q alone, both encodings. */
        CHECK(fm_ec_key_import(&dkey, c->curve, ok.d, c->bytes, NULL, 0));
        CHECK(fm_ec_key_public_bytes(&dkey, 0, out, sizeof out, &len));
        assert_true(tu_mem_eq("Q from d", out, ok.pub, ok.publen));
        CHECK(fm_ec_key_import(&pub, c->curve, NULL, 0, ok.cpub, ok.cpublen));
        CHECK(fm_ec_key_public_bytes(&pub, 0, out, sizeof out, &len));
        assert_true(tu_mem_eq("Q decompressed", out, ok.pub, ok.publen));
        CHECK(fm_ec_key_info(&pub, NULL, &priv));
        assert_int_equal(priv, 0);
        assert_int_equal(fm_ec_key_private_bytes(&pub, out, c->bytes), FM_ERR_KEY);

        for (int h = 0; h < 4; h++) {
            char msg[40];
            snprintf(msg, sizeof msg, "message %d for %s", round * 4 + h, c->name);
            digest(hashes[h], msg, strlen(msg), dg, &dlen);

            /* ours, DER, random k -> OpenSSL */
            CHECK(fm_ecdsa_sign(&key, hashes[h], dg, dlen, FM_ECDSA_DER, sig, sizeof sig, &len));
            assert_true(len <= FM_ECDSA_SIG_MAX_LEN);
            assert_true(ossl_verify(ok.pk, dg, dlen, sig, len));
            CHECK(fm_ecdsa_verify(&pub, hashes[h], dg, dlen, FM_ECDSA_DER, sig, len));
            /* ours, P1363, RFC 6979 -> OpenSSL; the same twice */
            CHECK(fm_ecdsa_sign(&key, hashes[h], dg, dlen,
                                FM_ECDSA_P1363 | FM_ECDSA_DETERMINISTIC, rs, sizeof rs, &len));
            assert_int_equal(len, 2 * c->bytes);
            size_t dl = p1363_to_der(rs, c->bytes, der);
            assert_true(ossl_verify(ok.pk, dg, dlen, der, dl));
            CHECK(fm_ecdsa_sign(&key, hashes[h], dg, dlen, FM_ECDSA_DETERMINISTIC, sig,
                                sizeof sig, &len));
            assert_true(len == dl && tu_mem_eq("DER of the RFC 6979 signature", sig, der, dl));
            /* OpenSSL -> ours, both encodings */
            len = ossl_sign(ok.pk, dg, dlen, sig, sizeof sig);
            CHECK(fm_ecdsa_verify(&pub, hashes[h], dg, dlen, FM_ECDSA_DER, sig, len));
            der_to_p1363(sig, len, c->bytes, rs);
            CHECK(fm_ecdsa_verify(&pub, hashes[h], dg, dlen, FM_ECDSA_P1363, rs, 2 * c->bytes));
            /* a changed digest or signature fails */
            dg[0] ^= 1;
            assert_int_equal(fm_ecdsa_verify(&pub, hashes[h], dg, dlen, FM_ECDSA_DER, sig, len),
                             FM_ERR_VERIFY);
            dg[0] ^= 1;
            rs[c->bytes + 3] ^= 0x10;
            assert_int_equal(fm_ecdsa_verify(&pub, hashes[h], dg, dlen, FM_ECDSA_P1363, rs,
                                             2 * c->bytes),
                             FM_ERR_VERIFY);
        }
        EVP_PKEY_free(ok.pk);
    }
    fm_ec_key_wipe(&key);
    fm_ec_key_wipe(&dkey);
    fm_ec_key_wipe(&pub);
}

static void test_keygen(void **state)
{
    const struct curve_case *c = tu_begin(state)->data;
    fm_ec_key key;
    uint8_t pub[FM_EC_POINT_MAX_LEN], d[FM_EC_MAX_BYTES], sig[FM_ECDSA_SIG_MAX_LEN], dg[64];
    size_t publen, len, dlen;

    for (int i = 0; i < 10; i++) {
        CHECK(fm_ec_key_generate(&key, c->curve));
        CHECK(fm_ec_key_public_bytes(&key, 0, pub, sizeof pub, &publen));
        CHECK(fm_ec_key_private_bytes(&key, d, c->bytes));
        EVP_PKEY *pk = ossl_pair(c, d, pub, publen);
        EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pk, NULL);
        assert_int_equal(EVP_PKEY_check(ctx), 1); /* d in range, Q = d G, on the curve */
        EVP_PKEY_CTX_free(ctx);
        digest(FM_SHA256, "keygen", 6, dg, &dlen);
        CHECK(fm_ecdsa_sign(&key, FM_SHA256, dg, dlen, 0, sig, sizeof sig, &len));
        assert_true(ossl_verify(pk, dg, dlen, sig, len));
        EVP_PKEY_free(pk);
    }
    assert_int_equal(fm_ec_key_generate(&key, 4), FM_ERR_UNSUPPORTED);
    assert_true(tu_all_zero(&key, sizeof key));
    assert_int_equal(fm_ec_key_generate(NULL, FM_EC_P256), FM_ERR_ARG);
}

/* kat-vectors/ecdsa-rfc6979.txt: curve hash d msg k r s. */
static void test_rfc6979(void **state)
{
    (void)tu_begin(state);
    FILE *f = fopen("kat-vectors/ecdsa-rfc6979.txt", "r");
    char line[2048];
    unsigned long n = 0;

    assert_non_null(f);
    while (fgets(line, sizeof line, f) != NULL) {
        char cn[16], hn[16], dh[200], mh[600], kh[200], rh[200], sh[200];
        uint8_t d[66], msg[300], r[66], s[66], dg[64], sig[2 * 66];
        size_t dl, ml = 0, rl, sl, dlen, len;
        const struct curve_case *c = NULL;
        int hash = 0;
        fm_ec_key key;

        if (line[0] == '#')
            continue;
        assert_int_equal(sscanf(line, "%15s %15s %199s %599s %199s %199s %199s", cn, hn, dh, mh,
                                kh, rh, sh),
                         7);
        for (int i = 0; i < 3; i++)
            if (strcmp(cn, curves[i].name) == 0)
                c = &curves[i];
        for (int i = 0; i < 4; i++)
            if (strcmp(hn, tu_alg_name(hashes[i])) == 0)
                hash = hashes[i];
        assert_non_null(c);
        assert_int_not_equal(hash, 0);
        assert_int_equal(tu_hex_decode(dh, d, sizeof d, &dl), 0);
        if (strcmp(mh, "-") != 0)
            assert_int_equal(tu_hex_decode(mh, msg, sizeof msg, &ml), 0);
        assert_int_equal(tu_hex_decode(rh, r, sizeof r, &rl), 0);
        assert_int_equal(tu_hex_decode(sh, s, sizeof s, &sl), 0);
        digest(hash, (const char *)msg, ml, dg, &dlen);
        CHECK(fm_ec_key_import(&key, c->curve, d, dl, NULL, 0));
        CHECK(fm_ecdsa_sign(&key, hash, dg, dlen, FM_ECDSA_P1363 | FM_ECDSA_DETERMINISTIC, sig,
                            sizeof sig, &len));
        assert_int_equal(len, 2 * c->bytes);
        if (!tu_mem_eq("r", sig, r, rl) || !tu_mem_eq("s", sig + c->bytes, s, sl))
            fail_msg("RFC 6979 %s %s d=%s msg=%s", cn, hn, dh, mh);
        fm_ec_key_wipe(&key);
        n++;
    }
    fclose(f);
    printf("RFC 6979 model vectors: %lu signatures equal\n", n);
    assert_int_equal(n, 216);
}

static void test_bad_keys(void **state)
{
    const struct curve_case *c = tu_begin(state)->data;
    fm_ec_key key;
    struct ossl_key ok;
    uint8_t buf[FM_EC_POINT_MAX_LEN + 8], d[FM_EC_MAX_BYTES + 4];
    BIGNUM *n = BN_new();
    EC_GROUP *g = EC_GROUP_new_by_curve_name(EC_curve_nist2nid(c->name));
    size_t L = c->bytes;

    ossl_key_new(c, &ok);
    EC_GROUP_get_order(g, n, NULL);
#define REFUSED(call, code)                                   \
    do {                                                      \
        memset(&key, 0x5a, sizeof key);                       \
        assert_int_equal((call), (code));                     \
        assert_true(tu_all_zero(&key, sizeof key));           \
    } while (0)
    /* d = 0, n, n + 1, all ones */
    memset(d, 0, L);
    REFUSED(fm_ec_key_import(&key, c->curve, d, L, NULL, 0), FM_ERR_KEY);
    BN_bn2binpad(n, d, (int)L);
    REFUSED(fm_ec_key_import(&key, c->curve, d, L, NULL, 0), FM_ERR_KEY);
    BN_add_word(n, 1);
    BN_bn2binpad(n, d, (int)L);
    REFUSED(fm_ec_key_import(&key, c->curve, d, L, NULL, 0), FM_ERR_KEY);
    memset(d, 0xff, L);
    REFUSED(fm_ec_key_import(&key, c->curve, d, L, NULL, 0), FM_ERR_KEY);
    /* longer than the curve: leading zeros accepted, anything else refused */
    memset(d, 0, 2);
    memcpy(d + 2, ok.d, L);
    CHECK(fm_ec_key_import(&key, c->curve, d, L + 2, ok.pub, ok.publen));
    d[0] = 1;
    REFUSED(fm_ec_key_import(&key, c->curve, d, L + 2, NULL, 0), FM_ERR_KEY);
    /* d that is not Q's */
    memcpy(d, ok.d, L);
    d[L - 1] ^= 1;
    REFUSED(fm_ec_key_import(&key, c->curve, d, L, ok.pub, ok.publen), FM_ERR_KEY);
    /* encodings: first byte, length, infinity */
    memcpy(buf, ok.pub, ok.publen);
    for (int first = 0; first < 8; first++) {
        if (first == 4)
            continue;
        buf[0] = (uint8_t)first;
        REFUSED(fm_ec_key_import(&key, c->curve, NULL, 0, buf, ok.publen), FM_ERR_DECODE);
    }
    buf[0] = 4;
    REFUSED(fm_ec_key_import(&key, c->curve, NULL, 0, buf, ok.publen - 1), FM_ERR_DECODE);
    REFUSED(fm_ec_key_import(&key, c->curve, NULL, 0, buf, ok.publen + 1), FM_ERR_DECODE);
    REFUSED(fm_ec_key_import(&key, c->curve, NULL, 0, ok.cpub, ok.cpublen + 1), FM_ERR_DECODE);
    buf[0] = 0;
    REFUSED(fm_ec_key_import(&key, c->curve, NULL, 0, buf, 1), FM_ERR_DECODE);
    /* off the curve; x >= p; y >= p */
    memcpy(buf, ok.pub, ok.publen);
    buf[ok.publen - 1] ^= 1;
    REFUSED(fm_ec_key_import(&key, c->curve, NULL, 0, buf, ok.publen), FM_ERR_KEY);
    memcpy(buf, ok.pub, ok.publen);
    memset(buf + 1, 0xff, L);
    REFUSED(fm_ec_key_import(&key, c->curve, NULL, 0, buf, ok.publen), FM_ERR_KEY);
    memcpy(buf, ok.pub, ok.publen);
    memset(buf + 1 + L, 0xff, L);
    REFUSED(fm_ec_key_import(&key, c->curve, NULL, 0, buf, ok.publen), FM_ERR_KEY);
    /* a compressed x with no point: found by OpenSSL */
    for (unsigned x = 1; x < 100; x++) {
        EC_POINT *p = EC_POINT_new(g);
        BIGNUM *bx = BN_new();
        BN_set_word(bx, x);
        int on = EC_POINT_set_compressed_coordinates(g, p, bx, 0, NULL);
        EC_POINT_free(p);
        if (!on) {
            buf[0] = 2;
            BN_bn2binpad(bx, buf + 1, (int)L);
            BN_free(bx);
            REFUSED(fm_ec_key_import(&key, c->curve, NULL, 0, buf, 1 + L), FM_ERR_KEY);
            break;
        }
        BN_free(bx);
    }
    /* arguments */
    REFUSED(fm_ec_key_import(&key, 0, ok.d, L, NULL, 0), FM_ERR_UNSUPPORTED);
    REFUSED(fm_ec_key_import(&key, c->curve, NULL, 0, NULL, 0), FM_ERR_ARG);
    REFUSED(fm_ec_key_import(&key, c->curve, ok.d, 0, NULL, 0), FM_ERR_ARG);
    assert_int_equal(fm_ec_key_import(NULL, c->curve, ok.d, L, NULL, 0), FM_ERR_ARG);
    /* a garbage context */
    memset(&key, 0x5a, sizeof key);
    assert_int_equal(fm_ec_key_info(&key, NULL, NULL), FM_ERR_CONTEXT);
#undef REFUSED
    BN_free(n);
    EC_GROUP_free(g);
    EVP_PKEY_free(ok.pk);
}

static void test_bad_args(void **state)
{
    const struct curve_case *c = tu_begin(state)->data;
    fm_ec_key key, pub;
    uint8_t sig[FM_ECDSA_SIG_MAX_LEN + 8], dg[64];
    size_t len = 99, dlen;

    CHECK(fm_ec_key_generate(&key, c->curve));
    CHECK(fm_ec_key_public(&pub, &key));
    digest(FM_SHA384, "args", 4, dg, &dlen);
    size_t cap = sizeof sig - 8;
    /* The call gets a buffer of cap bytes, and must zero all of them. */
#define SIGN_REFUSED(call, code)                              \
    do {                                                      \
        memset(sig, 0xaa, sizeof sig);                        \
        len = 99;                                             \
        assert_int_equal((call), (code));                     \
        assert_true(tu_all_zero(sig, cap));                   \
        assert_true(sig[cap] == 0xaa);                        \
        assert_int_equal(len, 0);                             \
    } while (0)
    SIGN_REFUSED(fm_ecdsa_sign(&key, FM_SHA384, dg, 32, 0, sig, cap, &len),
                 FM_ERR_LENGTH);
    SIGN_REFUSED(fm_ecdsa_sign(&key, 99, dg, 48, 0, sig, cap, &len),
                 FM_ERR_UNSUPPORTED);
    SIGN_REFUSED(fm_ecdsa_sign(&pub, FM_SHA384, dg, 48, 0, sig, cap, &len),
                 FM_ERR_KEY);
    SIGN_REFUSED(fm_ecdsa_sign(&key, FM_SHA384, dg, 48, 0x80, sig, cap, &len),
                 FM_ERR_ARG);
    cap = 2 * c->bytes - 1;
    SIGN_REFUSED(fm_ecdsa_sign(&key, FM_SHA384, dg, 48, FM_ECDSA_P1363, sig, cap, &len),
                 FM_ERR_LENGTH);
    cap = 8;
    SIGN_REFUSED(fm_ecdsa_sign(&key, FM_SHA384, dg, 48, 0, sig, cap, &len), FM_ERR_LENGTH);
    cap = sizeof sig - 8;
    SIGN_REFUSED(fm_ecdsa_sign(&key, FM_SHA384, NULL, 48, 0, sig, cap, &len),
                 FM_ERR_ARG);
#undef SIGN_REFUSED
    CHECK(fm_ecdsa_sign(&key, FM_SHA384, dg, 48, 0, sig, sizeof sig, &len));
    assert_int_equal(fm_ecdsa_verify(&pub, FM_SHA384, dg, 48, FM_ECDSA_DETERMINISTIC, sig, len),
                     FM_ERR_ARG);
    assert_int_equal(fm_ecdsa_verify(&pub, FM_SHA384, dg, 47, 0, sig, len), FM_ERR_LENGTH);
    assert_int_equal(fm_ecdsa_verify(&pub, FM_SHA384, dg, 48, FM_ECDSA_P1363, sig, len),
                     FM_ERR_VERIFY);
    CHECK(fm_ecdsa_verify(&pub, FM_SHA384, dg, 48, 0, sig, len));
    fm_ec_key_wipe(&key);
    fm_ec_key_wipe(&pub);
}

/* Malformed DER signatures, built from a valid one's r and s. */
static void test_malformed_sig(void **state)
{
    const struct curve_case *c = tu_begin(state)->data;
    fm_ec_key key;
    uint8_t rs[2 * FM_EC_MAX_BYTES], dg[64], sig[300], good[FM_ECDSA_SIG_MAX_LEN];
    size_t len, glen, dlen, L = c->bytes;
    BIGNUM *n = BN_new();
    EC_GROUP *g = EC_GROUP_new_by_curve_name(EC_curve_nist2nid(c->name));

    EC_GROUP_get_order(g, n, NULL);
    CHECK(fm_ec_key_generate(&key, c->curve));
    digest(FM_SHA256, "malformed", 9, dg, &dlen);
    CHECK(fm_ecdsa_sign(&key, FM_SHA256, dg, dlen, 0, good, sizeof good, &glen));
    der_to_p1363(good, glen, L, rs);
#define BAD(buf, blen) \
    assert_int_equal(fm_ecdsa_verify(&key, FM_SHA256, dg, dlen, 0, (buf), (blen)), FM_ERR_VERIFY)
    /* truncated at every length, and one byte more */
    for (size_t i = 0; i < glen; i++)
        BAD(good, i);
    memcpy(sig, good, glen);
    sig[glen] = 0;
    BAD(sig, glen + 1);
    /* long-form length where the short form fits */
    if (good[1] < 0x80) {
        sig[0] = 0x30;
        sig[1] = 0x81;
        sig[2] = good[1];
        memcpy(sig + 3, good + 2, glen - 2);
        BAD(sig, glen + 1);
    }
    /* wrong outer tag; an INTEGER with a superfluous leading zero */
    memcpy(sig, good, glen);
    sig[0] = 0x31;
    BAD(sig, glen);
    {
        uint8_t r1[FM_EC_MAX_BYTES + 1], *p = sig;
        size_t rl = L;
        const uint8_t *rv = rs;
        while (rl > 1 && rv[0] == 0) {
            rv++;
            rl--;
        }
        r1[0] = 0;
        memcpy(r1 + 1, rv, rl);
        if (!(rv[0] & 0x80)) { /* 00 before a byte < 0x80: not minimal */
            size_t sl = glen - 2 - (2 + rl + (rv[0] & 0x80 ? 1 : 0));
            size_t body = 2 + rl + 1 + sl;
            *p++ = 0x30;
            if (body >= 0x80)
                *p++ = 0x81;
            *p++ = (uint8_t)body;
            *p++ = 0x02;
            *p++ = (uint8_t)(rl + 1);
            memcpy(p, r1, rl + 1);
            p += rl + 1;
            memcpy(p, good + glen - sl, sl);
            p += sl;
            BAD(sig, (size_t)(p - sig));
        }
    }
    /* r or s = 0, = n, negative: through OpenSSL's encoder */
    uint8_t v[2 * FM_EC_MAX_BYTES];
    memcpy(v, rs, 2 * L);
    memset(v, 0, L);
    len = p1363_to_der(v, L, sig);
    BAD(sig, len);
    BN_bn2binpad(n, v + L, (int)L);
    memcpy(v, rs, L);
    len = p1363_to_der(v, L, sig);
    BAD(sig, len);
    assert_int_equal(fm_ecdsa_verify(&key, FM_SHA256, dg, dlen, FM_ECDSA_P1363, v, 2 * L),
                     FM_ERR_VERIFY);
    {
        ECDSA_SIG *s = ECDSA_SIG_new();
        BIGNUM *r = BN_bin2bn(rs, (int)L, NULL), *sv = BN_bin2bn(rs + L, (int)L, NULL);
        uint8_t *p = sig;
        BN_set_negative(r, 1);
        ECDSA_SIG_set0(s, r, sv);
        len = (size_t)i2d_ECDSA_SIG(s, &p);
        ECDSA_SIG_free(s);
        BAD(sig, len);
    }
    /* r + n and s + n: the same residues, but out of range (FIPS 186-5
     * 6.4.2 step 1), so they must fail however they are encoded. */
    for (int half = 0; half < 2; half++) {
        ECDSA_SIG *s = ECDSA_SIG_new();
        BIGNUM *r = BN_bin2bn(rs, (int)L, NULL), *sv = BN_bin2bn(rs + L, (int)L, NULL);
        uint8_t *p = sig;
        BN_add(half == 0 ? r : sv, half == 0 ? r : sv, n);
        ECDSA_SIG_set0(s, r, sv);
        len = (size_t)i2d_ECDSA_SIG(s, &p);
        ECDSA_SIG_free(s);
        BAD(sig, len);
    }
    CHECK(fm_ecdsa_verify(&key, FM_SHA256, dg, dlen, 0, good, glen));
#undef BAD
    BN_free(n);
    EC_GROUP_free(g);
    fm_ec_key_wipe(&key);
}

/* The ECDSA self-tests are deferred to the first EC service and pass then. */
static void test_selftests(void **state)
{
    (void)tu_begin(state);
    size_t count = 0;
    fm_ec_key key;
    int seen = 0;

    CHECK(fm_ec_key_generate(&key, FM_EC_P256));
    CHECK(fm_selftest_count(&count));
    for (size_t i = 0; i < count; i++) {
        fm_selftest_result info;
        CHECK(fm_selftest_get(i, &info));
        if (strncmp(info.name, "ecdsa-", 6) == 0) {
            assert_int_equal(info.result, FM_SELFTEST_PASS);
            seen++;
        }
    }
    assert_int_equal(seen, 2);
    fm_ec_key_wipe(&key);
}

int main(void)
{
    char label[64];

    tu_init("test_ec");
    for (int i = 0; i < 3; i++) {
        tu_case t = { .family = FM_FAMILY_EC, .data = (void *)&curves[i] };

        snprintf(label, sizeof label, "%s keys and ECDSA against OpenSSL", curves[i].name);
        tu_add_per_impl(&suite, test_interop, &t, label);
        snprintf(label, sizeof label, "%s key generation checked by OpenSSL", curves[i].name);
        tu_add_per_impl(&suite, test_keygen, &t, label);
        snprintf(label, sizeof label, "%s invalid keys refused", curves[i].name);
        tu_add(&suite, test_bad_keys, &t, "%s", label);
        snprintf(label, sizeof label, "%s bad arguments refused, outputs zeroed", curves[i].name);
        tu_add(&suite, test_bad_args, &t, "%s", label);
        snprintf(label, sizeof label, "%s malformed DER signatures fail", curves[i].name);
        tu_add(&suite, test_malformed_sig, &t, "%s", label);
    }
    {
        tu_case t = { .family = FM_FAMILY_EC };
        tu_add_per_impl(&suite, test_rfc6979, &t, "RFC 6979 signatures equal the Python model's");
    }
    tu_add(&suite, test_selftests, NULL, "ECDSA self-tests run before the first EC use");
    return tu_run(&suite, "test_ec");
}
