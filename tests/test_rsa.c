/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RSA tests against OpenSSL's libcrypto as the oracle (fipsmod/rsa.h).
 *
 * For keys that OpenSSL generates (1024, 2048, 2049, 3072 and 4096 bits,
 * e = 65537, and one 2048-bit key with e = 3), imported through
 * fm_rsa_key_import:
 *  - export gives back OpenSSL's eight components byte for byte;
 *  - PKCS#1 v1.5 signatures over every SHA-2 hash are byte-identical to
 *    OpenSSL's (the scheme is deterministic) and verify both ways;
 *  - PSS signatures (salt = hash length, maximum, zero) verify in OpenSSL,
 *    and OpenSSL's verify here, with the salt length given and "auto";
 *  - OAEP with and without a label decrypts both ways;
 *  - RSADP equals OpenSSL's raw private operation;
 *  - a flipped bit anywhere in a signature gives FM_ERR_VERIFY, a flipped
 *    bit in an OAEP ciphertext FM_ERR_DECRYPT with the output zeroed;
 *  - after fork, a key signs correctly in the child and the parent (the
 *    child draws its own blinding pair);
 *  - inconsistent private keys (each of d, p, q, dp, dq, qinv changed;
 *    n not p q) are refused with FM_ERR_KEY and a zeroed context; bad
 *    public keys (even n, even e, e = 1, n of 1000 bits) with their codes.
 * Each private-key test runs on every big-integer implementation the CPU
 * has (portable, mulx).
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fipsmod/fipsmod.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

static tu_suite suite;

#define CHECK(call) assert_int_equal((call), FM_OK)

/* ---- OpenSSL keys and their components ---------------------------------------------- */

struct comps {
    uint8_t v[8][1024];
    size_t len[8];
};

static const char *const comp_names[8] = {
    OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E, OSSL_PKEY_PARAM_RSA_D,
    OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2, OSSL_PKEY_PARAM_RSA_EXPONENT1,
    OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
};

static EVP_PKEY *ossl_gen(unsigned bits, unsigned e)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    EVP_PKEY *pk = NULL;
    BIGNUM *be = BN_new();

    assert_non_null(ctx);
    assert_int_equal(EVP_PKEY_keygen_init(ctx), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)bits), 1);
    assert_int_equal(BN_set_word(be, e), 1);
    assert_int_equal(EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx, be), 1);
    assert_int_equal(EVP_PKEY_keygen(ctx, &pk), 1);
    BN_free(be);
    EVP_PKEY_CTX_free(ctx);
    return pk;
}

static void ossl_comps(EVP_PKEY *pk, struct comps *c)
{
    for (int i = 0; i < 8; i++) {
        BIGNUM *b = NULL;

        assert_int_equal(EVP_PKEY_get_bn_param(pk, comp_names[i], &b), 1);
        c->len[i] = (size_t)BN_num_bytes(b);
        assert_true(c->len[i] <= sizeof c->v[i]);
        BN_bn2bin(b, c->v[i]);
        BN_free(b);
    }
}

static void to_fm(const struct comps *c, fm_rsa_components *f, int private_parts)
{
    memset(f, 0, sizeof *f);
    f->n = c->v[0], f->n_len = c->len[0];
    f->e = c->v[1], f->e_len = c->len[1];
    if (!private_parts)
        return;
    f->d = c->v[2], f->d_len = c->len[2];
    f->p = c->v[3], f->p_len = c->len[3];
    f->q = c->v[4], f->q_len = c->len[4];
    f->dp = c->v[5], f->dp_len = c->len[5];
    f->dq = c->v[6], f->dq_len = c->len[6];
    f->qinv = c->v[7], f->qinv_len = c->len[7];
}

static const EVP_MD *ossl_md(int hash)
{
    switch (hash) {
    case FM_SHA224: return EVP_sha224();
    case FM_SHA256: return EVP_sha256();
    case FM_SHA384: return EVP_sha384();
    case FM_SHA512: return EVP_sha512();
    case FM_SHA512_224: return EVP_sha512_224();
    default: return EVP_sha512_256();
    }
}

static const int hashes[] = { FM_SHA224, FM_SHA256, FM_SHA384, FM_SHA512, FM_SHA512_224,
                              FM_SHA512_256 };

/* OpenSSL sign (pad RSA_PKCS1_PADDING / RSA_PKCS1_PSS_PADDING) of a digest. */
static size_t ossl_sign(EVP_PKEY *pk, int pad, int saltlen, int hash, const uint8_t *dg,
                        size_t dlen, uint8_t *sig, size_t cap)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pk, NULL);
    size_t len = cap;

    assert_int_equal(EVP_PKEY_sign_init(ctx), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, pad), 1);
    assert_int_equal(EVP_PKEY_CTX_set_signature_md(ctx, ossl_md(hash)), 1);
    if (pad == RSA_PKCS1_PSS_PADDING)
        assert_int_equal(EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, saltlen), 1);
    assert_int_equal(EVP_PKEY_sign(ctx, sig, &len, dg, dlen), 1);
    EVP_PKEY_CTX_free(ctx);
    return len;
}

static int ossl_verify(EVP_PKEY *pk, int pad, int hash, const uint8_t *dg, size_t dlen,
                       const uint8_t *sig, size_t slen)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pk, NULL);
    int r;

    assert_int_equal(EVP_PKEY_verify_init(ctx), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, pad), 1);
    assert_int_equal(EVP_PKEY_CTX_set_signature_md(ctx, ossl_md(hash)), 1);
    if (pad == RSA_PKCS1_PSS_PADDING)
        assert_int_equal(EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_AUTO), 1);
    r = EVP_PKEY_verify(ctx, sig, slen, dg, dlen);
    EVP_PKEY_CTX_free(ctx);
    return r;
}

/* ---- the per-key test ------------------------------------------------------------------ */

struct keycase {
    unsigned bits, e;
};

static void check_export(const fm_rsa_key *key, const struct comps *c)
{
    uint8_t buf[FM_RSA_EXPORT_LEN(4096)];
    fm_rsa_components f;
    const uint8_t *got[8];
    size_t glen[8];

    CHECK(fm_rsa_key_export(key, 1, buf, sizeof buf, &f));
    got[0] = f.n, glen[0] = f.n_len;
    got[1] = f.e, glen[1] = f.e_len;
    got[2] = f.d, glen[2] = f.d_len;
    got[3] = f.p, glen[3] = f.p_len;
    got[4] = f.q, glen[4] = f.q_len;
    got[5] = f.dp, glen[5] = f.dp_len;
    got[6] = f.dq, glen[6] = f.dq_len;
    got[7] = f.qinv, glen[7] = f.qinv_len;
    for (int i = 0; i < 8; i++) {
        assert_int_equal(glen[i], c->len[i]);
        assert_memory_equal(got[i], c->v[i], c->len[i]);
    }
    /* Too small a buffer: FM_ERR_LENGTH, everything zeroed. */
    assert_int_equal(fm_rsa_key_export(key, 1, buf, c->len[0] + 10, &f), FM_ERR_LENGTH);
    assert_true(tu_all_zero(buf, c->len[0] + 10));
    assert_true(tu_all_zero(&f, sizeof f));
}

static void test_key(void **state)
{
    tu_case *tc = tu_begin(state);
    const struct keycase *kc = tc->data;
    EVP_PKEY *pk = ossl_gen(kc->bits, kc->e);
    struct comps c;
    fm_rsa_components f;
    fm_rsa_key *key = malloc(sizeof *key), *pub = malloc(sizeof *pub);
    uint8_t dg[64], sig[512], sig2[512], ct[512], pt[512], raw[512];
    size_t k = ((size_t)EVP_PKEY_get_bits(pk) + 7) / 8, len, n_sigs = 0;
    size_t bits, embytes = ((size_t)EVP_PKEY_get_bits(pk) - 1 + 7) / 8;
    int is_priv;

    assert_non_null(key);
    assert_non_null(pub);
    ossl_comps(pk, &c);
    to_fm(&c, &f, 1);
    CHECK(fm_rsa_key_import(key, &f));
    CHECK(fm_rsa_key_info(key, &bits, &is_priv));
    /* OpenSSL may make a modulus one bit short of an odd size. */
    assert_int_equal(bits, (size_t)EVP_PKEY_get_bits(pk));
    assert_int_equal(is_priv, 1);
    check_export(key, &c);
    CHECK(fm_rsa_key_public(pub, key));
    CHECK(fm_rsa_key_info(pub, &bits, &is_priv));
    assert_int_equal(is_priv, 0);

    for (size_t h = 0; h < sizeof hashes / sizeof hashes[0]; h++) {
        int hash = hashes[h];
        size_t dlen;

        CHECK(fm_hash_digest_len(hash, &dlen));
        for (size_t i = 0; i < dlen; i++)
            dg[i] = (uint8_t)(rand() & 0xff);
        /* PKCS#1 v1.5: deterministic, so byte-identical to OpenSSL. */
        CHECK(fm_rsa_sign(key, FM_RSA_PKCS1, hash, dg, dlen, 0, sig, k));
        len = ossl_sign(pk, RSA_PKCS1_PADDING, 0, hash, dg, dlen, sig2, sizeof sig2);
        assert_int_equal(len, k);
        assert_memory_equal(sig, sig2, k);
        CHECK(fm_rsa_verify(pub, FM_RSA_PKCS1, hash, dg, dlen, 0, sig, k));
        /* PSS, three salt lengths, both directions. */
        static const size_t salts[] = { FM_RSA_PSS_SALT_DIGEST, FM_RSA_PSS_SALT_MAX, 0 };
        for (size_t s = 0; s < 3; s++) {
            int r = fm_rsa_sign(key, FM_RSA_PSS, hash, dg, dlen, salts[s], sig, k);

            if (r == FM_ERR_LENGTH) /* a 64-byte hash does not fit 1024 bits with max */
                continue;
            CHECK(r);
            assert_int_equal(ossl_verify(pk, RSA_PKCS1_PSS_PADDING, hash, dg, dlen, sig, k), 1);
            CHECK(fm_rsa_verify(pub, FM_RSA_PSS, hash, dg, dlen, FM_RSA_PSS_SALT_AUTO, sig, k));
            n_sigs++;
        }
        if (embytes < 2 * dlen + 2) { /* a salt of hLen does not fit */
            assert_int_equal(fm_rsa_sign(key, FM_RSA_PSS, hash, dg, dlen,
                                         FM_RSA_PSS_SALT_DIGEST, sig, k), FM_ERR_LENGTH);
            assert_true(tu_all_zero(sig, k));
            continue;
        }
        len = ossl_sign(pk, RSA_PKCS1_PSS_PADDING, RSA_PSS_SALTLEN_DIGEST, hash, dg, dlen, sig,
                        sizeof sig);
        CHECK(fm_rsa_verify(pub, FM_RSA_PSS, hash, dg, dlen, FM_RSA_PSS_SALT_DIGEST, sig, k));
        CHECK(fm_rsa_verify(pub, FM_RSA_PSS, hash, dg, dlen, FM_RSA_PSS_SALT_AUTO, sig, k));
        /* The wrong salt length and a wrong digest fail. */
        assert_int_equal(fm_rsa_verify(pub, FM_RSA_PSS, hash, dg, dlen, 0, sig, k),
                         FM_ERR_VERIFY);
        dg[0] ^= 1;
        assert_int_equal(fm_rsa_verify(pub, FM_RSA_PSS, hash, dg, dlen, FM_RSA_PSS_SALT_AUTO,
                                       sig, k), FM_ERR_VERIFY);
        n_sigs += 3;
    }

    /* Every flipped bit of a PKCS#1 v1.5 signature fails. */
    CHECK(fm_hash(FM_SHA256, "m", 1, dg, 32));
    CHECK(fm_rsa_sign(key, FM_RSA_PKCS1, FM_SHA256, dg, 32, 0, sig, k));
    for (size_t i = 0; i < 8 * k; i += 7) {
        sig[i / 8] ^= (uint8_t)(1u << (i % 8));
        assert_int_equal(fm_rsa_verify(pub, FM_RSA_PKCS1, FM_SHA256, dg, 32, 0, sig, k),
                         FM_ERR_VERIFY);
        sig[i / 8] ^= (uint8_t)(1u << (i % 8));
    }
    /* A signature >= n, a wrong length. */
    memcpy(sig2, c.v[0], k);
    assert_int_equal(fm_rsa_verify(pub, FM_RSA_PKCS1, FM_SHA256, dg, 32, 0, sig2, k),
                     FM_ERR_VERIFY);
    assert_int_equal(fm_rsa_verify(pub, FM_RSA_PKCS1, FM_SHA256, dg, 32, 0, sig, k - 1),
                     FM_ERR_LENGTH);
    /* A public key cannot sign. */
    memset(sig2, 0xaa, k);
    assert_int_equal(fm_rsa_sign(pub, FM_RSA_PKCS1, FM_SHA256, dg, 32, 0, sig2, k), FM_ERR_KEY);
    assert_true(tu_all_zero(sig2, k));

    /* OAEP both ways, with and without a label. */
    for (size_t h = 0; h < sizeof hashes / sizeof hashes[0]; h++) {
        int hash = hashes[h];
        size_t dlen, mlen;
        static const uint8_t label[] = "fipsmod label";
        EVP_PKEY_CTX *ctx;

        CHECK(fm_hash_digest_len(hash, &dlen));
        if (k < 2 * dlen + 2)
            continue;
        mlen = k - 2 * dlen - 2 < 40 ? k - 2 * dlen - 2 : 40;
        for (size_t i = 0; i < mlen; i++)
            raw[i] = (uint8_t)(rand() & 0xff);
        CHECK(fm_rsa_oaep_encrypt(pub, hash, label, sizeof label, raw, mlen, ct, k));
        ctx = EVP_PKEY_CTX_new(pk, NULL);
        assert_int_equal(EVP_PKEY_decrypt_init(ctx), 1);
        assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING), 1);
        assert_int_equal(EVP_PKEY_CTX_set_rsa_oaep_md(ctx, ossl_md(hash)), 1);
        assert_int_equal(EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, ossl_md(hash)), 1);
        {
            uint8_t *l = OPENSSL_memdup(label, sizeof label);
            assert_int_equal(EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, l, sizeof label), 1);
        }
        len = sizeof pt;
        assert_int_equal(EVP_PKEY_decrypt(ctx, pt, &len, ct, k), 1);
        assert_int_equal(len, mlen);
        assert_memory_equal(pt, raw, mlen);
        EVP_PKEY_CTX_free(ctx);
        /* OpenSSL encrypts (no label), we decrypt. */
        ctx = EVP_PKEY_CTX_new(pk, NULL);
        assert_int_equal(EVP_PKEY_encrypt_init(ctx), 1);
        assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING), 1);
        assert_int_equal(EVP_PKEY_CTX_set_rsa_oaep_md(ctx, ossl_md(hash)), 1);
        assert_int_equal(EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, ossl_md(hash)), 1);
        len = sizeof ct;
        assert_int_equal(EVP_PKEY_encrypt(ctx, ct, &len, raw, mlen), 1);
        EVP_PKEY_CTX_free(ctx);
        CHECK(fm_rsa_oaep_decrypt(key, hash, NULL, 0, ct, k, pt, sizeof pt, &len));
        assert_int_equal(len, mlen);
        assert_memory_equal(pt, raw, mlen);
        /* A flipped bit, or the wrong label: FM_ERR_DECRYPT, output zeroed. */
        ct[k / 2] ^= 0x10;
        memset(pt, 0xaa, sizeof pt);
        assert_int_equal(fm_rsa_oaep_decrypt(key, hash, NULL, 0, ct, k, pt, sizeof pt, &len),
                         FM_ERR_DECRYPT);
        assert_true(tu_all_zero(pt, sizeof pt));
        assert_int_equal(len, 0);
        ct[k / 2] ^= 0x10;
        assert_int_equal(fm_rsa_oaep_decrypt(key, hash, label, 3, ct, k, pt, sizeof pt, &len),
                         FM_ERR_DECRYPT);
    }

    /* RSADP equals OpenSSL's raw private operation. */
    {
        EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pk, NULL);

        for (size_t i = 0; i < k; i++)
            raw[i] = (uint8_t)(rand() & 0xff);
        raw[0] = 0x01;
        assert_int_equal(EVP_PKEY_decrypt_init(ctx), 1);
        assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING), 1);
        len = sizeof pt;
        assert_int_equal(EVP_PKEY_decrypt(ctx, pt, &len, raw, k), 1);
        EVP_PKEY_CTX_free(ctx);
        assert_int_equal(len, k);
        CHECK(fm_rsa_decrypt_primitive(key, raw, k, sig, k));
        assert_memory_equal(sig, pt, k);
        memset(raw, 0, k);
        raw[k - 1] = 1;
        assert_int_equal(fm_rsa_decrypt_primitive(key, raw, k, sig, k), FM_ERR_ARG);
        assert_true(tu_all_zero(sig, k));
    }

    printf("  RSA-%u e=%u: export, %zu signatures both ways, OAEP x6 hashes, RSADP, on %s\n",
           kc->bits, kc->e, n_sigs, tc->impl.name ? tc->impl.name : "default");
    CHECK(fm_rsa_key_wipe(key));
    assert_true(tu_all_zero(key, sizeof *key));
    free(key);
    free(pub);
    EVP_PKEY_free(pk);
}

/* ---- key generation ------------------------------------------------------------------ */

/* An OpenSSL key from fipsmod's exported components. */
static EVP_PKEY *ossl_from_fm(const fm_rsa_components *f)
{
    OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
    const uint8_t *v[8] = { f->n, f->e, f->d, f->p, f->q, f->dp, f->dq, f->qinv };
    size_t l[8] = { f->n_len, f->e_len, f->d_len, f->p_len, f->q_len, f->dp_len, f->dq_len,
                    f->qinv_len };
    BIGNUM *bn[8];
    OSSL_PARAM *params;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    EVP_PKEY *pk = NULL;

    for (int i = 0; i < 8; i++) {
        bn[i] = BN_bin2bn(v[i], (int)l[i], NULL);
        assert_int_equal(OSSL_PARAM_BLD_push_BN(b, comp_names[i], bn[i]), 1);
    }
    params = OSSL_PARAM_BLD_to_param(b);
    assert_int_equal(EVP_PKEY_fromdata_init(ctx), 1);
    assert_int_equal(EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_KEYPAIR, params), 1);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(b);
    for (int i = 0; i < 8; i++)
        BN_free(bn[i]);
    EVP_PKEY_CTX_free(ctx);
    return pk;
}

static void test_keygen(void **state)
{
    tu_case *tc = tu_begin(state);
    size_t bits = (size_t)(uintptr_t)tc->data, blen, k = bits / 8;
    fm_rsa_key *key = malloc(sizeof *key);
    static uint8_t buf[FM_RSA_EXPORT_LEN(4096)];
    uint8_t dg[32], sig[512];
    fm_rsa_components f;
    EVP_PKEY *pk;
    EVP_PKEY_CTX *ctx;
    int priv, approved;
    BIGNUM *p, *q, *d, *diff;

    assert_non_null(key);
    CHECK(fm_rsa_generate_key(key, bits, 0));
    CHECK(fm_service_approved(&approved));
    assert_int_equal(approved, 1);
    CHECK(fm_rsa_key_info(key, &blen, &priv));
    assert_int_equal(blen, bits);
    assert_int_equal(priv, 1);
    CHECK(fm_rsa_key_export(key, 1, buf, sizeof buf, &f));
    assert_int_equal(f.e_len, 3);
    assert_memory_equal(f.e, "\x01\x00\x01", 3);
    /* OpenSSL's own key check (primes, d, CRT values, n = p q) passes. */
    pk = ossl_from_fm(&f);
    ctx = EVP_PKEY_CTX_new(pk, NULL);
    assert_int_equal(EVP_PKEY_check(ctx), 1);
    EVP_PKEY_CTX_free(ctx);
    /* FIPS 186-5 checks: primes of nlen/2 bits, |p - q| > 2^(nlen/2 - 100),
     * d > 2^(nlen/2). */
    p = BN_bin2bn(f.p, (int)f.p_len, NULL);
    q = BN_bin2bn(f.q, (int)f.q_len, NULL);
    d = BN_bin2bn(f.d, (int)f.d_len, NULL);
    diff = BN_new();
    assert_int_equal(BN_num_bits(p), (int)bits / 2);
    assert_int_equal(BN_num_bits(q), (int)bits / 2);
    assert_int_equal(BN_sub(diff, p, q), 1);
    assert_true(BN_num_bits(diff) > (int)bits / 2 - 100);
    assert_true(BN_num_bits(d) > (int)bits / 2);
    BN_free(p);
    BN_free(q);
    BN_free(d);
    BN_free(diff);
    /* A signature made here verifies in OpenSSL. */
    CHECK(fm_hash(FM_SHA256, "keygen", 6, dg, 32));
    CHECK(fm_rsa_sign(key, FM_RSA_PSS, FM_SHA256, dg, 32, FM_RSA_PSS_SALT_DIGEST, sig, k));
    assert_int_equal(ossl_verify(pk, RSA_PKCS1_PSS_PADDING, FM_SHA256, dg, 32, sig, k), 1);
    /* Bad requests. */
    assert_int_equal(fm_rsa_generate_key(key, 1024, 0), FM_ERR_LENGTH);
    assert_true(tu_all_zero(key, sizeof *key));
    assert_int_equal(fm_rsa_generate_key(key, 2048, 3), FM_ERR_KEY);
    assert_int_equal(fm_rsa_generate_key(key, 2048, 65538), FM_ERR_KEY);
    printf("  RSA-%zu key generated on %s: OpenSSL's EVP_PKEY_check passes, FIPS 186-5 sizes "
           "hold, a PSS signature verifies in OpenSSL\n", bits,
           tc->impl.name ? tc->impl.name : "default");
    EVP_PKEY_free(pk);
    fm_rsa_key_wipe(key);
    free(key);
}

/* ---- fork ------------------------------------------------------------------------------ */

/*
 * A key used in a child process draws a new blinding pair there (the pair
 * is squared on each use: parent and child must not share the sequence);
 * signatures stay right on both sides, and PKCS#1 v1.5 ones identical.
 */
static void test_fork(void **state)
{
    EVP_PKEY *pk = ossl_gen(2048, 65537);
    struct comps c;
    fm_rsa_components f;
    static fm_rsa_key key;
    uint8_t dg[32], sig[256], sig2[256];
    int st;
    pid_t pid;

    (void)tu_begin(state);
    ossl_comps(pk, &c);
    to_fm(&c, &f, 1);
    CHECK(fm_rsa_key_import(&key, &f));
    CHECK(fm_hash(FM_SHA256, "fork", 4, dg, 32));
    CHECK(fm_rsa_sign(&key, FM_RSA_PKCS1, FM_SHA256, dg, 32, 0, sig, 256));
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int ok = 1;

        alarm(20);
        for (int i = 0; i < 3 && ok; i++)
            ok = fm_rsa_sign(&key, FM_RSA_PKCS1, FM_SHA256, dg, 32, 0, sig2, 256) == FM_OK &&
                 memcmp(sig, sig2, 256) == 0;
        _exit(ok ? 0 : 1);
    }
    CHECK(fm_rsa_sign(&key, FM_RSA_PKCS1, FM_SHA256, dg, 32, 0, sig2, 256));
    assert_memory_equal(sig, sig2, 256);
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    fm_rsa_key_wipe(&key);
    EVP_PKEY_free(pk);
}

/* ---- bad keys ------------------------------------------------------------------------- */

static void test_bad_keys(void **state)
{
    EVP_PKEY *pk = ossl_gen(2048, 65537);
    struct comps c, bad;
    fm_rsa_components f;
    fm_rsa_key *key = malloc(sizeof *key);

    (void)tu_begin(state);
    assert_non_null(key);
    ossl_comps(pk, &c);
    /* Each private component changed by one: FM_ERR_KEY, context zeroed. */
    for (int i = 2; i < 8; i++) {
        bad = c;
        bad.v[i][bad.len[i] - 1] ^= 2; /* stays odd where it was odd */
        to_fm(&bad, &f, 1);
        memset(key, 0xaa, sizeof *key);
        assert_int_equal(fm_rsa_key_import(key, &f), FM_ERR_KEY);
        assert_true(tu_all_zero(key, sizeof *key));
    }
    /* n not p q. */
    bad = c;
    bad.v[0][bad.len[0] / 2] ^= 0x40;
    to_fm(&bad, &f, 1);
    assert_int_equal(fm_rsa_key_import(key, &f), FM_ERR_KEY);
    /* p and q swapped (qinv is then wrong). */
    bad = c;
    memcpy(bad.v[3], c.v[4], c.len[4]);
    bad.len[3] = c.len[4];
    memcpy(bad.v[4], c.v[3], c.len[3]);
    bad.len[4] = c.len[3];
    to_fm(&bad, &f, 1);
    assert_int_equal(fm_rsa_key_import(key, &f), FM_ERR_KEY);
    /* Public keys: even n, even e, e = 1, 1000-bit n, missing parts. */
    bad = c;
    bad.v[0][bad.len[0] - 1] &= 0xfe;
    to_fm(&bad, &f, 0);
    assert_int_equal(fm_rsa_key_import(key, &f), FM_ERR_KEY);
    bad = c;
    bad.v[1][bad.len[1] - 1] &= 0xfe;
    to_fm(&bad, &f, 0);
    assert_int_equal(fm_rsa_key_import(key, &f), FM_ERR_KEY);
    bad = c;
    bad.v[1][0] = 1;
    bad.len[1] = 1;
    to_fm(&bad, &f, 0);
    assert_int_equal(fm_rsa_key_import(key, &f), FM_ERR_KEY);
    to_fm(&c, &f, 0);
    f.n_len = 125;
    assert_int_equal(fm_rsa_key_import(key, &f), FM_ERR_LENGTH);
    to_fm(&c, &f, 1);
    f.dq = NULL;
    f.dq_len = 0;
    assert_int_equal(fm_rsa_key_import(key, &f), FM_ERR_ARG);
    assert_int_equal(fm_rsa_key_import(key, NULL), FM_ERR_ARG);
    /* A garbage context is refused. */
    memset(key, 0x5a, sizeof *key);
    assert_int_equal(fm_rsa_verify(key, FM_RSA_PKCS1, FM_SHA256, c.v[0], 32, 0, c.v[0], 256),
                     FM_ERR_CONTEXT);
    free(key);
    EVP_PKEY_free(pk);
}

int main(void)
{
    static const struct keycase cases[] = {
        { 1024, 65537 }, { 2048, 65537 }, { 2049, 65537 }, { 3072, 65537 }, { 4096, 65537 },
        { 2048, 3 },
    };
    char label[64];

    tu_init("test_rsa");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tu_case t = { .family = FM_FAMILY_RSA, .data = (void *)&cases[i] };

        snprintf(label, sizeof label, "RSA-%u e=%u against OpenSSL", cases[i].bits, cases[i].e);
        tu_add_per_impl(&suite, test_key, &t, label);
    }
    tu_add(&suite, test_bad_keys, NULL, "inconsistent and malformed keys refused");
    tu_add(&suite, test_fork, NULL, "a key used after fork signs right in both processes");
    for (uintptr_t bits = 2048; bits <= 4096; bits += 1024) {
        tu_case t = { .family = FM_FAMILY_RSA, .data = (void *)bits };

        snprintf(label, sizeof label, "RSA-%u key generation", (unsigned)bits);
        tu_add_per_impl(&suite, test_keygen, &t, label);
    }
    return tu_run(&suite, "test_rsa");
}
