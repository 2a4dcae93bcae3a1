/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench: throughput of fipsmod next to OpenSSL's libcrypto, measured in one
 * process, interleaved, on the same buffers (`make bench`).
 *
 * Usage: bench [FILTER]   runs the cases whose name contains FILTER.
 * FIPSMOD_BENCH_QUICK=1 shortens every measurement (a CI smoke run: the
 * numbers are then noisy and only show that every case works).
 *
 * Output, one line per case:
 *   BENCH <case> <bytes> fipsmod=<rate> openssl=<rate> ratio=<f/o> MB/s
 * (MB = 10^6 bytes), or with <bytes> "-" and unit ops/s for cases that
 * count operations rather than bytes.
 *
 * Why interleaved rounds: CPU frequency, turbo budget and noisy neighbours
 * drift over seconds, so timing one library for a second and then the other
 * compares two different machines. Each round times fipsmod and OpenSSL
 * back to back for ~50 ms each, alternating which goes first; a round gives
 * one rate per side and one ratio, and the printed values are the medians
 * over the rounds (the ratio is the median of the per-round ratios, not the
 * ratio of the medians, so a drift that hits both sides of a round cancels).
 *
 * Both sides use the fastest public one-shot call of their library, with
 * everything that can be prepared once (OpenSSL's fetched EVP_MD) done
 * outside the timed loop. Before timing, each case checks that both
 * libraries produce the same output, so a broken case cannot report a rate.
 *
 * To add a case: write setup/op/cleanup functions (or reuse the hash ones)
 * and add one line to CASES[]. Set .bytes to 0 for an ops/s case.
 */
#ifndef _GNU_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/core_names.h>

#include <fipsmod/fipsmod.h>

#define OUT_MAX 512 /* room for an RSA-4096 signature in later cases */

struct bench_state;

struct bench_case {
    const char *name;
    size_t bytes;           /* input length; 0: an ops/s case, printed "-" */
    int fm_alg;             /* fipsmod algorithm id, for cases that need one */
    const char *ossl_name;  /* OpenSSL fetch name, for cases that need one */
    size_t outlen;          /* output bytes compared in the cross-check; 0: none */
    int (*setup)(struct bench_state *st);   /* untimed; 0 on success */
    void (*cleanup)(struct bench_state *st);
    int (*fm_op)(struct bench_state *st);   /* one operation; 0 on success */
    int (*ossl_op)(struct bench_state *st);
};

/* What a case's functions work on. Both sides read the same input. */
struct bench_state {
    const struct bench_case *c;
    uint8_t *in;        /* c->bytes bytes (at least 1) */
    uint8_t key[64];
    size_t keylen;
    uint8_t out[OUT_MAX];
    EVP_MD *md;         /* fetched once in setup */
    void *extra;        /* per-case data of later cases (key pairs, ...) */
};

/* Every output byte is folded in here so the compiler must compute it. */
static volatile uint8_t g_sink;

static void die(const char *what)
{
    fprintf(stderr, "bench: %s\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

/* ---- cases ---------------------------------------------------------------- */

static int hash_setup(struct bench_state *st)
{
    st->md = EVP_MD_fetch(NULL, st->c->ossl_name, NULL);
    return st->md == NULL ? -1 : 0;
}

static void hash_cleanup(struct bench_state *st)
{
    EVP_MD_free(st->md);
    st->md = NULL;
}

static int hash_fm(struct bench_state *st)
{
    return fm_hash(st->c->fm_alg, st->in, st->c->bytes, st->out, sizeof st->out);
}

static int hash_ossl(struct bench_state *st)
{
    unsigned int n;
    return EVP_Digest(st->in, st->c->bytes, st->out, &n, st->md, NULL) == 1 ? 0 : -1;
}

static int hmac_setup(struct bench_state *st)
{
    st->keylen = 32;
    for (size_t i = 0; i < st->keylen; i++)
        st->key[i] = (uint8_t)(0xa5 ^ (i * 7));
    return hash_setup(st);
}

static int hmac_fm(struct bench_state *st)
{
    return fm_hmac(st->c->fm_alg, st->key, st->keylen, st->in, st->c->bytes,
                   st->out, st->c->outlen);
}

/*
 * OpenSSL 3.0 offers two one-shot HMAC calls: HMAC() with an EVP_MD and
 * EVP_Q_mac() with names. In 3.0 HMAC() forwards to EVP_Q_mac, and the two
 * measured the same within noise here (OpenSSL 3.0.19, 64 and 16384
 * bytes); HMAC() is timed because it takes the EVP_MD fetched once in
 * setup. Either one fetches the HMAC EVP_MAC and builds a MAC context on
 * every call: that is OpenSSL's one-shot cost, as keying a fresh context on
 * every call is fm_hmac's.
 */
static int hmac_ossl(struct bench_state *st)
{
    unsigned int n;
    return HMAC(st->md, st->key, (int)st->keylen, st->in, st->c->bytes,
                st->out, &n) == NULL ? -1 : 0;
}

/*
 * AES ECB encryption of the whole buffer with a key expanded once, on both
 * sides (fm_aes_init / one EVP_CIPHER_CTX set up without padding, reused:
 * ECB carries no state between calls). The first 64 output bytes are what
 * the cross-check compares.
 */
struct aes_bench {
    fm_aes_key key;
    EVP_CIPHER *cipher;
    EVP_CIPHER_CTX *ctx;
    uint8_t *out;
};

static void aes_cleanup(struct bench_state *st)
{
    struct aes_bench *ab = st->extra;

    if (ab == NULL)
        return;
    fm_aes_wipe(&ab->key);
    EVP_CIPHER_CTX_free(ab->ctx);
    EVP_CIPHER_free(ab->cipher);
    free(ab->out);
    free(ab);
    st->extra = NULL;
}

static const uint8_t aes_bench_iv[16] = "bench IV/counter";

/* Set up both sides for encryption (decrypt == 0) or decryption. */
static int aes_setup(struct bench_state *st, int decrypt)
{
    struct aes_bench *ab = calloc(1, sizeof *ab);

    if (ab == NULL)
        return -1;
    st->extra = ab;
    st->keylen = (size_t)st->c->fm_alg; /* the key length in bytes */
    for (size_t i = 0; i < st->keylen; i++)
        st->key[i] = (uint8_t)(0x3c ^ (i * 11));
    ab->out = malloc(st->c->bytes);
    ab->cipher = EVP_CIPHER_fetch(NULL, st->c->ossl_name, NULL);
    ab->ctx = EVP_CIPHER_CTX_new();
    if (ab->out == NULL || ab->cipher == NULL || ab->ctx == NULL ||
        fm_aes_init(&ab->key, st->key, st->keylen) != FM_OK ||
        EVP_CipherInit_ex2(ab->ctx, ab->cipher, st->key, aes_bench_iv, !decrypt, NULL) != 1 ||
        EVP_CIPHER_CTX_set_padding(ab->ctx, 0) != 1)
        return -1;
    return 0;
}

static int aes_enc_setup(struct bench_state *st)
{
    return aes_setup(st, 0);
}

static int aes_dec_setup(struct bench_state *st)
{
    return aes_setup(st, 1);
}

/*
 * CBC and CTR: fipsmod starts every call from the same IV/counter, while
 * OpenSSL's reused context carries its chaining state from call to call.
 * The work per call is the same; the cross-check runs on the first call
 * of each, from the same IV.
 */
static int aes_mode_ossl(struct bench_state *st)
{
    struct aes_bench *ab = st->extra;
    int n;
    int ok = EVP_CipherUpdate(ab->ctx, ab->out, &n, st->in, (int)st->c->bytes);
    memcpy(st->out, ab->out, 64);
    return ok == 1 && (size_t)n == st->c->bytes ? 0 : -1;
}

static int aes_cbc_enc_fm(struct bench_state *st)
{
    struct aes_bench *ab = st->extra;
    uint8_t iv[16];
    memcpy(iv, aes_bench_iv, sizeof iv);
    int rc = fm_aes_cbc_encrypt(&ab->key, iv, st->in, ab->out, st->c->bytes);
    memcpy(st->out, ab->out, 64);
    return rc;
}

static int aes_cbc_dec_fm(struct bench_state *st)
{
    struct aes_bench *ab = st->extra;
    uint8_t iv[16];
    memcpy(iv, aes_bench_iv, sizeof iv);
    int rc = fm_aes_cbc_decrypt(&ab->key, iv, st->in, ab->out, st->c->bytes);
    memcpy(st->out, ab->out, 64);
    return rc;
}

static int aes_ctr_fm(struct bench_state *st)
{
    struct aes_bench *ab = st->extra;
    uint8_t ctr[16];
    memcpy(ctr, aes_bench_iv, sizeof ctr);
    int rc = fm_aes_ctr(&ab->key, ctr, st->in, ab->out, st->c->bytes);
    memcpy(st->out, ab->out, 64);
    return rc;
}

static int aes_ecb_fm(struct bench_state *st)
{
    struct aes_bench *ab = st->extra;
    int rc = fm_aes_ecb_encrypt(&ab->key, st->in, ab->out, st->c->bytes);
    memcpy(st->out, ab->out, 64);
    return rc;
}

/*
 * AES-GCM seal of the whole buffer with a 13-byte AAD (a TLS record
 * header's worth) and a 16-byte tag, the key expanded once. Per message
 * OpenSSL sets the IV on its reused context, adds the AAD, encrypts,
 * finishes and reads the tag: the documented EVP sequence for one AEAD
 * message, as fm_aes_gcm_seal is fipsmod's. The cross-check compares the
 * first 16 ciphertext bytes (fewer for shorter inputs) and the tag. The
 * "-portable" case expands fipsmod's key with the accelerated paths
 * masked off (the key keeps that choice) against OpenSSL's best.
 */
struct gcm_bench {
    fm_aes_gcm_key key;
    EVP_CIPHER *cipher;
    EVP_CIPHER_CTX *ctx;
    uint8_t *out;
};

static const uint8_t gcm_bench_aad[13] = "bench AAD 13b";

static void gcm_cleanup(struct bench_state *st)
{
    struct gcm_bench *gb = st->extra;

    if (gb == NULL)
        return;
    fm_aes_gcm_wipe(&gb->key);
    EVP_CIPHER_CTX_free(gb->ctx);
    EVP_CIPHER_free(gb->cipher);
    free(gb->out);
    free(gb);
    st->extra = NULL;
}

static int gcm_setup_impl(struct bench_state *st, int portable)
{
    struct gcm_bench *gb = calloc(1, sizeof *gb);
    int rc;

    if (gb == NULL)
        return -1;
    st->extra = gb;
    st->keylen = (size_t)st->c->fm_alg;
    for (size_t i = 0; i < st->keylen; i++)
        st->key[i] = (uint8_t)(0x5a ^ (i * 13));
    gb->out = malloc(st->c->bytes);
    gb->cipher = EVP_CIPHER_fetch(NULL, st->c->ossl_name, NULL);
    gb->ctx = EVP_CIPHER_CTX_new();
    if (portable && fm_cpu_set_features(FM_CPU_PORTABLE) != FM_OK)
        return -1;
    rc = fm_aes_gcm_init(&gb->key, st->key, st->keylen);
    if (portable && fm_cpu_set_features(FM_CPU_ALL) != FM_OK)
        return -1;
    if (gb->out == NULL || gb->cipher == NULL || gb->ctx == NULL || rc != FM_OK ||
        EVP_EncryptInit_ex2(gb->ctx, gb->cipher, st->key, NULL, NULL) != 1)
        return -1;
    return 0;
}

static int gcm_setup(struct bench_state *st)
{
    return gcm_setup_impl(st, 0);
}

static int gcm_portable_setup(struct bench_state *st)
{
    return gcm_setup_impl(st, 1);
}

static void gcm_fold(struct bench_state *st, const uint8_t *ct, const uint8_t *tag)
{
    size_t n = st->c->bytes < 16 ? st->c->bytes : 16;

    memset(st->out, 0, 32);
    memcpy(st->out, ct, n);
    memcpy(st->out + 16, tag, 16);
}

static int gcm_seal_fm(struct bench_state *st)
{
    struct gcm_bench *gb = st->extra;
    uint8_t tag[16];
    int rc = fm_aes_gcm_seal(&gb->key, aes_bench_iv, 12, gcm_bench_aad, sizeof gcm_bench_aad,
                             st->in, st->c->bytes, gb->out, tag, sizeof tag);
    gcm_fold(st, gb->out, tag);
    return rc;
}

static int gcm_seal_ossl(struct bench_state *st)
{
    struct gcm_bench *gb = st->extra;
    uint8_t tag[16];
    int n, m;

    if (EVP_EncryptInit_ex2(gb->ctx, NULL, NULL, aes_bench_iv, NULL) != 1 ||
        EVP_EncryptUpdate(gb->ctx, NULL, &n, gcm_bench_aad, sizeof gcm_bench_aad) != 1 ||
        EVP_EncryptUpdate(gb->ctx, gb->out, &n, st->in, (int)st->c->bytes) != 1 ||
        EVP_EncryptFinal_ex(gb->ctx, gb->out + n, &m) != 1 ||
        EVP_CIPHER_CTX_ctrl(gb->ctx, EVP_CTRL_GCM_GET_TAG, sizeof tag, tag) != 1)
        return -1;
    gcm_fold(st, gb->out, tag);
    return 0;
}

/*
 * Random bytes: fm_random_bytes (a child CTR_DRBG AES-256 seeded from the
 * primary on every call, see src/drbg/random.c) against RAND_bytes
 * (OpenSSL's per-thread public DRBG, CTR_DRBG AES-256 by default). Both
 * write the whole length into the case's buffer; there is no cross-check
 * (the outputs are random), so outlen is 0.
 */
static int rand_fm(struct bench_state *st)
{
    int rc = fm_random_bytes(st->in, st->c->bytes);
    st->out[0] = st->in[st->c->bytes - 1];
    return rc;
}

static int rand_ossl(struct bench_state *st)
{
    int ok = RAND_bytes(st->in, (int)st->c->bytes);
    st->out[0] = st->in[st->c->bytes - 1];
    return ok == 1 ? 0 : -1;
}

/*
 * RSA (ops/s): one OpenSSL key of the case's size (e = 65537), imported
 * into fipsmod from its components; both sides sign (or verify) the same
 * SHA-256 digest with PKCS#1 v1.5, which is deterministic, so the signing
 * cases cross-check the signatures byte for byte. OpenSSL works through
 * a prepared EVP_PKEY_CTX (no per-call setup on either side).
 */
struct rsa_bench {
    EVP_PKEY *pk;
    EVP_PKEY_CTX *sctx, *vctx;
    fm_rsa_key key;
    uint8_t digest[32], sig[512];
    size_t k;
};

static int rsa_setup(struct bench_state *st)
{
    static const char *const names[8] = {
        OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E, OSSL_PKEY_PARAM_RSA_D,
        OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2,
        OSSL_PKEY_PARAM_RSA_EXPONENT1, OSSL_PKEY_PARAM_RSA_EXPONENT2,
        OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
    };
    struct rsa_bench *r = calloc(1, sizeof *r);
    uint8_t comp[8][512];
    size_t len[8];
    fm_rsa_components c;

    if (r == NULL)
        return -1;
    st->extra = r;
    r->pk = EVP_RSA_gen((unsigned)st->c->fm_alg);
    if (r->pk == NULL)
        return -1;
    for (int i = 0; i < 8; i++) {
        BIGNUM *b = NULL;
        if (EVP_PKEY_get_bn_param(r->pk, names[i], &b) != 1)
            return -1;
        len[i] = (size_t)BN_bn2bin(b, comp[i]);
        BN_free(b);
    }
    c = (fm_rsa_components){ .n = comp[0], .n_len = len[0], .e = comp[1], .e_len = len[1],
                             .d = comp[2], .d_len = len[2], .p = comp[3], .p_len = len[3],
                             .q = comp[4], .q_len = len[4], .dp = comp[5], .dp_len = len[5],
                             .dq = comp[6], .dq_len = len[6], .qinv = comp[7],
                             .qinv_len = len[7] };
    if (fm_rsa_key_import(&r->key, &c) != FM_OK)
        return -1;
    r->k = len[0];
    if (fm_hash(FM_SHA256, st->in, st->c->bytes ? st->c->bytes : 1, r->digest, 32) != FM_OK)
        return -1;
    r->sctx = EVP_PKEY_CTX_new(r->pk, NULL);
    r->vctx = EVP_PKEY_CTX_new(r->pk, NULL);
    if (r->sctx == NULL || r->vctx == NULL || EVP_PKEY_sign_init(r->sctx) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(r->sctx, RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_CTX_set_signature_md(r->sctx, EVP_sha256()) != 1 ||
        EVP_PKEY_verify_init(r->vctx) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(r->vctx, RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_CTX_set_signature_md(r->vctx, EVP_sha256()) != 1)
        return -1;
    return fm_rsa_sign(&r->key, FM_RSA_PKCS1, FM_SHA256, r->digest, 32, 0, r->sig, r->k) ==
                   FM_OK ? 0 : -1;
}

static void rsa_cleanup(struct bench_state *st)
{
    struct rsa_bench *r = st->extra;

    if (r == NULL)
        return;
    EVP_PKEY_CTX_free(r->sctx);
    EVP_PKEY_CTX_free(r->vctx);
    EVP_PKEY_free(r->pk);
    fm_rsa_key_wipe(&r->key);
    free(r);
    st->extra = NULL;
}

static int rsa_sign_fm(struct bench_state *st)
{
    struct rsa_bench *r = st->extra;

    return fm_rsa_sign(&r->key, FM_RSA_PKCS1, FM_SHA256, r->digest, 32, 0, st->out, r->k);
}

static int rsa_sign_ossl(struct bench_state *st)
{
    struct rsa_bench *r = st->extra;
    size_t len = OUT_MAX;

    return EVP_PKEY_sign(r->sctx, st->out, &len, r->digest, 32) == 1 && len == r->k ? 0 : -1;
}

static int rsa_verify_fm(struct bench_state *st)
{
    struct rsa_bench *r = st->extra;

    return fm_rsa_verify(&r->key, FM_RSA_PKCS1, FM_SHA256, r->digest, 32, 0, r->sig, r->k);
}

static int rsa_verify_ossl(struct bench_state *st)
{
    struct rsa_bench *r = st->extra;

    return EVP_PKEY_verify(r->vctx, r->sig, r->k, r->digest, 32) == 1 ? 0 : -1;
}

/*
 * ECDSA (ops/s): one OpenSSL key per curve, imported into fipsmod from its
 * private scalar and public point; both sides sign (or verify) the same
 * digest of the curve's hash (SHA-256, SHA-384, SHA-512 for P-256, P-384,
 * P-521) with a random k, so signatures differ and are not compared; the
 * setup checks that each side verifies the other's. Key generation is
 * fm_ec_key_generate (with its pairwise consistency test, which FIPS
 * 140-3 requires: a signature and a verification per key) against
 * EVP_PKEY_keygen (none).
 */
struct ec_bench {
    EVP_PKEY *pk;
    EVP_PKEY_CTX *sctx, *vctx, *gctx;
    fm_ec_key key;
    int hash;
    size_t dlen, siglen, ossl_siglen;
    uint8_t digest[64], sig[FM_ECDSA_SIG_MAX_LEN], ossl_sig[FM_ECDSA_SIG_MAX_LEN];
};

static int ec_setup(struct bench_state *st)
{
    struct ec_bench *e = calloc(1, sizeof *e);
    const char *group = st->c->ossl_name;
    int curve = st->c->fm_alg;
    uint8_t priv[FM_EC_MAX_BYTES], pub[FM_EC_POINT_MAX_LEN];
    size_t publen = 0, blen = FM_EC_BYTES(curve);
    BIGNUM *d = NULL;

    if (e == NULL)
        return -1;
    st->extra = e;
    e->hash = curve == FM_EC_P256 ? FM_SHA256 : curve == FM_EC_P384 ? FM_SHA384 : FM_SHA512;
    e->dlen = curve == FM_EC_P256 ? 32 : curve == FM_EC_P384 ? 48 : 64;
    e->pk = EVP_EC_gen(group);
    if (e->pk == NULL || EVP_PKEY_get_bn_param(e->pk, OSSL_PKEY_PARAM_PRIV_KEY, &d) != 1 ||
        BN_bn2binpad(d, priv, (int)blen) != (int)blen ||
        EVP_PKEY_get_octet_string_param(e->pk, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub,
                                        &publen) != 1)
        return -1;
    BN_free(d);
    if (fm_ec_key_import(&e->key, curve, priv, blen, pub, publen) != FM_OK)
        return -1;
    if (fm_hash(e->hash, st->in, st->c->bytes ? st->c->bytes : 1, e->digest, e->dlen) != FM_OK)
        return -1;
    e->sctx = EVP_PKEY_CTX_new(e->pk, NULL);
    e->vctx = EVP_PKEY_CTX_new(e->pk, NULL);
    e->gctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (e->sctx == NULL || e->vctx == NULL || e->gctx == NULL ||
        EVP_PKEY_sign_init(e->sctx) != 1 || EVP_PKEY_verify_init(e->vctx) != 1 ||
        EVP_PKEY_keygen_init(e->gctx) != 1 ||
        EVP_PKEY_CTX_set_group_name(e->gctx, group) != 1)
        return -1;
    e->ossl_siglen = sizeof e->ossl_sig;
    if (fm_ecdsa_sign(&e->key, e->hash, e->digest, e->dlen, FM_ECDSA_DER, e->sig,
                      sizeof e->sig, &e->siglen) != FM_OK ||
        EVP_PKEY_sign(e->sctx, e->ossl_sig, &e->ossl_siglen, e->digest, e->dlen) != 1)
        return -1;
    /* Each side accepts the other's signature. */
    if (EVP_PKEY_verify(e->vctx, e->sig, e->siglen, e->digest, e->dlen) != 1 ||
        fm_ecdsa_verify(&e->key, e->hash, e->digest, e->dlen, FM_ECDSA_DER, e->ossl_sig,
                        e->ossl_siglen) != FM_OK)
        return -1;
    return 0;
}

static void ec_cleanup(struct bench_state *st)
{
    struct ec_bench *e = st->extra;

    if (e == NULL)
        return;
    EVP_PKEY_CTX_free(e->sctx);
    EVP_PKEY_CTX_free(e->vctx);
    EVP_PKEY_CTX_free(e->gctx);
    EVP_PKEY_free(e->pk);
    fm_ec_key_wipe(&e->key);
    free(e);
    st->extra = NULL;
}

static int ec_sign_fm(struct bench_state *st)
{
    struct ec_bench *e = st->extra;
    size_t len;

    return fm_ecdsa_sign(&e->key, e->hash, e->digest, e->dlen, FM_ECDSA_DER, st->out, OUT_MAX,
                         &len);
}

static int ec_sign_ossl(struct bench_state *st)
{
    struct ec_bench *e = st->extra;
    size_t len = OUT_MAX;

    return EVP_PKEY_sign(e->sctx, st->out, &len, e->digest, e->dlen) == 1 ? 0 : -1;
}

static int ec_verify_fm(struct bench_state *st)
{
    struct ec_bench *e = st->extra;

    return fm_ecdsa_verify(&e->key, e->hash, e->digest, e->dlen, FM_ECDSA_DER, e->ossl_sig,
                           e->ossl_siglen);
}

static int ec_verify_ossl(struct bench_state *st)
{
    struct ec_bench *e = st->extra;

    return EVP_PKEY_verify(e->vctx, e->ossl_sig, e->ossl_siglen, e->digest, e->dlen) == 1 ? 0
                                                                                          : -1;
}

static int ec_keygen_fm(struct bench_state *st)
{
    static fm_ec_key key;

    return fm_ec_key_generate(&key, st->c->fm_alg);
}

static int ec_keygen_ossl(struct bench_state *st)
{
    struct ec_bench *e = st->extra;
    EVP_PKEY *pk = NULL;
    int ok = EVP_PKEY_keygen(e->gctx, &pk) == 1;

    EVP_PKEY_free(pk);
    return ok ? 0 : -1;
}

/* For ECDSA cases the "alg" slot carries the curve, the name OpenSSL's. */
#define EC_CASE(name, curve, group, fm, ossl) \
    { name, 0, curve, group, 0, ec_setup, ec_cleanup, fm, ossl }

/* For RSA cases the "alg" slot carries the modulus bits, and the signing
 * cases compare the whole signature (outlen = bits / 8). */
#define RSA_SIGN_CASE(name, bits) \
    { name, 0, bits, NULL, (bits) / 8, rsa_setup, rsa_cleanup, rsa_sign_fm, rsa_sign_ossl }
#define RSA_VERIFY_CASE(name, bits) \
    { name, 0, bits, NULL, 0, rsa_setup, rsa_cleanup, rsa_verify_fm, rsa_verify_ossl }

#define HASH_CASE(name, alg, ossl, len, dlen) \
    { name, len, alg, ossl, dlen, hash_setup, hash_cleanup, hash_fm, hash_ossl }
#define HMAC_CASE(name, alg, ossl, len, dlen) \
    { name, len, alg, ossl, dlen, hmac_setup, hash_cleanup, hmac_fm, hmac_ossl }
/* For AES cases the "alg" slot carries the key length in bytes. */
#define AES_CASE(name, klen, ossl, len, setup, fm) \
    { name, len, klen, ossl, 64, setup, aes_cleanup, fm, aes_mode_ossl }

#define RAND_CASE(len) { "DRBG", len, 0, NULL, 0, NULL, NULL, rand_fm, rand_ossl }

#define GCM_CASE(name, klen, ossl, len, setup) \
    { name, len, klen, ossl, 32, setup, gcm_cleanup, gcm_seal_fm, gcm_seal_ossl }

static const struct bench_case CASES[] = {
    HASH_CASE("SHA-256", FM_SHA256, "SHA256", 64, FM_SHA256_LEN),
    HASH_CASE("SHA-256", FM_SHA256, "SHA256", 1024, FM_SHA256_LEN),
    HASH_CASE("SHA-256", FM_SHA256, "SHA256", 16384, FM_SHA256_LEN),
    HASH_CASE("SHA-512", FM_SHA512, "SHA512", 64, FM_SHA512_LEN),
    HASH_CASE("SHA-512", FM_SHA512, "SHA512", 1024, FM_SHA512_LEN),
    HASH_CASE("SHA-512", FM_SHA512, "SHA512", 16384, FM_SHA512_LEN),
    HMAC_CASE("HMAC-SHA-256", FM_SHA256, "SHA256", 64, FM_SHA256_LEN),
    HMAC_CASE("HMAC-SHA-256", FM_SHA256, "SHA256", 16384, FM_SHA256_LEN),
    GCM_CASE("AES-128-GCM", 16, "AES-128-GCM", 16, gcm_setup),
    GCM_CASE("AES-128-GCM", 16, "AES-128-GCM", 256, gcm_setup),
    GCM_CASE("AES-128-GCM", 16, "AES-128-GCM", 1024, gcm_setup),
    GCM_CASE("AES-128-GCM", 16, "AES-128-GCM", 8192, gcm_setup),
    GCM_CASE("AES-128-GCM", 16, "AES-128-GCM", 16384, gcm_setup),
    GCM_CASE("AES-256-GCM", 32, "AES-256-GCM", 16, gcm_setup),
    GCM_CASE("AES-256-GCM", 32, "AES-256-GCM", 256, gcm_setup),
    GCM_CASE("AES-256-GCM", 32, "AES-256-GCM", 1024, gcm_setup),
    GCM_CASE("AES-256-GCM", 32, "AES-256-GCM", 8192, gcm_setup),
    GCM_CASE("AES-256-GCM", 32, "AES-256-GCM", 16384, gcm_setup),
    GCM_CASE("AES-128-GCM-portable", 16, "AES-128-GCM", 16384, gcm_portable_setup),
    AES_CASE("AES-128-CTR", 16, "AES-128-CTR", 16384, aes_enc_setup, aes_ctr_fm),
    AES_CASE("AES-256-CBC-enc", 32, "AES-256-CBC", 16384, aes_enc_setup, aes_cbc_enc_fm),
    AES_CASE("AES-256-CBC-dec", 32, "AES-256-CBC", 16384, aes_dec_setup, aes_cbc_dec_fm),
    AES_CASE("AES-128-ECB", 16, "AES-128-ECB", 16384, aes_enc_setup, aes_ecb_fm),
    RAND_CASE(32),
    RAND_CASE(4096),
    RSA_SIGN_CASE("RSA-2048-sign", 2048),
    RSA_VERIFY_CASE("RSA-2048-verify", 2048),
    RSA_SIGN_CASE("RSA-3072-sign", 3072),
    RSA_VERIFY_CASE("RSA-3072-verify", 3072),
    RSA_SIGN_CASE("RSA-4096-sign", 4096),
    RSA_VERIFY_CASE("RSA-4096-verify", 4096),
    EC_CASE("ECDSA-P-256-sign", FM_EC_P256, "P-256", ec_sign_fm, ec_sign_ossl),
    EC_CASE("ECDSA-P-256-verify", FM_EC_P256, "P-256", ec_verify_fm, ec_verify_ossl),
    EC_CASE("ECDSA-P-256-keygen", FM_EC_P256, "P-256", ec_keygen_fm, ec_keygen_ossl),
    EC_CASE("ECDSA-P-384-sign", FM_EC_P384, "P-384", ec_sign_fm, ec_sign_ossl),
    EC_CASE("ECDSA-P-384-verify", FM_EC_P384, "P-384", ec_verify_fm, ec_verify_ossl),
    EC_CASE("ECDSA-P-384-keygen", FM_EC_P384, "P-384", ec_keygen_fm, ec_keygen_ossl),
    EC_CASE("ECDSA-P-521-sign", FM_EC_P521, "P-521", ec_sign_fm, ec_sign_ossl),
    EC_CASE("ECDSA-P-521-verify", FM_EC_P521, "P-521", ec_verify_fm, ec_verify_ossl),
    EC_CASE("ECDSA-P-521-keygen", FM_EC_P521, "P-521", ec_keygen_fm, ec_keygen_ossl),
};
#define NCASES (sizeof CASES / sizeof CASES[0])

/* ---- timing --------------------------------------------------------------- */

static double now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        die("clock_gettime(CLOCK_MONOTONIC) failed");
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/*
 * Run op for at least `seconds` and return operations per second. The
 * clock is read once per batch, and the batch doubles until it takes about
 * a millisecond, so reading the clock costs nothing measurable even for
 * 64-byte hashes.
 */
static double ops_per_second(int (*op)(struct bench_state *),
                             struct bench_state *st, double seconds)
{
    uint64_t ops = 0, batch = 1;
    double start = now(), elapsed = 0.0;
    while (elapsed < seconds) {
        double t0 = now();
        for (uint64_t i = 0; i < batch; i++) {
            if (op(st) != 0)
                die("an operation failed during timing");
            g_sink ^= st->out[0];
        }
        double t1 = now();
        ops += batch;
        if (t1 - t0 < 1e-3)
            batch *= 2;
        elapsed = t1 - start;
    }
    return (double)ops / elapsed;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

struct timing {
    int rounds;
    double seconds; /* per side per round */
};

#define MAX_ROUNDS 64

static void run_case(const struct bench_case *c, const struct timing *tm)
{
    struct bench_state st;
    uint8_t check[OUT_MAX];
    double fm[MAX_ROUNDS], os[MAX_ROUNDS], ratio[MAX_ROUNDS];

    memset(&st, 0, sizeof st);
    st.c = c;
    st.in = malloc(c->bytes ? c->bytes : 1);
    if (st.in == NULL)
        die("out of memory");
    for (size_t i = 0; i < c->bytes; i++)
        st.in[i] = (uint8_t)(i * 131 + 7);
    if (c->setup != NULL && c->setup(&st) != 0) {
        fprintf(stderr, "bench: %s: setup failed\n", c->name);
        die("setup failed");
    }

    /* Cross-check: a rate means nothing if the two sides disagree. */
    if (c->outlen > 0) {
        memset(st.out, 0, sizeof st.out);
        if (c->fm_op(&st) != 0)
            die("fipsmod operation failed in the cross-check");
        memcpy(check, st.out, c->outlen);
        memset(st.out, 0, sizeof st.out);
        if (c->ossl_op(&st) != 0)
            die("OpenSSL operation failed in the cross-check");
        if (memcmp(check, st.out, c->outlen) != 0) {
            fprintf(stderr, "bench: %s %zu: fipsmod and OpenSSL disagree\n",
                    c->name, c->bytes);
            die("cross-check failed");
        }
    }

    /* Warm up caches, branch predictors and the clock frequency. */
    ops_per_second(c->fm_op, &st, tm->seconds / 2);
    ops_per_second(c->ossl_op, &st, tm->seconds / 2);

    double scale = c->bytes ? (double)c->bytes / 1e6 : 1.0;
    for (int r = 0; r < tm->rounds; r++) {
        if (r % 2 == 0) {
            fm[r] = ops_per_second(c->fm_op, &st, tm->seconds) * scale;
            os[r] = ops_per_second(c->ossl_op, &st, tm->seconds) * scale;
        } else {
            os[r] = ops_per_second(c->ossl_op, &st, tm->seconds) * scale;
            fm[r] = ops_per_second(c->fm_op, &st, tm->seconds) * scale;
        }
        ratio[r] = fm[r] / os[r];
    }

    double mr = median(ratio, (size_t)tm->rounds);
    double mf = median(fm, (size_t)tm->rounds);
    double mo = median(os, (size_t)tm->rounds);
    if (c->bytes)
        printf("BENCH %s %zu fipsmod=%.1f openssl=%.1f ratio=%.2f MB/s\n",
               c->name, c->bytes, mf, mo, mr);
    else
        printf("BENCH %s - fipsmod=%.1f openssl=%.1f ratio=%.2f ops/s\n",
               c->name, mf, mo, mr);
    fflush(stdout);

    if (c->cleanup != NULL)
        c->cleanup(&st);
    free(st.in);
}

static int selected(const struct bench_case *c, const char *filter)
{
    return filter == NULL || strstr(c->name, filter) != NULL;
}

/*
 * Key generation: too slow and too variable (the time to find a prime is
 * random) for rates over fixed windows. Each side generates KEYGEN_RUNS
 * keys, alternating, and the line reports 1 / median time of each side,
 * and the ratio of those (ops/s).
 */
#define KEYGEN_RUNS 20

static void run_keygen(const char *name, unsigned bits, int runs)
{
    double fm[KEYGEN_RUNS], os[KEYGEN_RUNS];
    static fm_rsa_key key;

    for (int r = 0; r < runs; r++) {
        double t0 = now();
        if (fm_rsa_generate_key(&key, bits, 0) != FM_OK)
            die("fm_rsa_generate_key failed");
        double t1 = now();
        EVP_PKEY *pk = EVP_RSA_gen(bits);
        double t2 = now();
        if (pk == NULL)
            die("EVP_RSA_gen failed");
        EVP_PKEY_free(pk);
        fm[r] = t1 - t0;
        os[r] = t2 - t1;
    }
    fm_rsa_key_wipe(&key);
    double mf = median(fm, (size_t)runs), mo = median(os, (size_t)runs);
    printf("BENCH %s - fipsmod=%.1f openssl=%.1f ratio=%.2f ops/s (median of %d)\n", name,
           1.0 / mf, 1.0 / mo, mo / mf, runs);
    fflush(stdout);
}

/*
 * What the service counters cost (fipsmod/monitor.h): fipsmod against
 * itself, SHA-256 of 64 bytes (the cheapest service call, so the one where
 * one atomic add per call shows most) with counting on and with it off
 * (fm_counters_enable), interleaved as above but in four times as many
 * rounds of half the length: the difference sought is a percent or two,
 * well inside the drift between rounds. The line reads
 *   BENCH SHA-256-counters 64 on=<rate> off=<rate> ratio=<on/off> MB/s cost=<%>
 */
#define COUNTERS_CASE "SHA-256-counters"

static void run_counters_cost(const struct timing *tm)
{
    const struct bench_case *c = &CASES[0]; /* SHA-256, 64 bytes */
    struct bench_state st;
    double on[MAX_ROUNDS], off[MAX_ROUNDS], ratio[MAX_ROUNDS];
    int rounds = tm->rounds * 4 + 1 < MAX_ROUNDS ? tm->rounds * 4 + 1 : MAX_ROUNDS;

    if (c->fm_op != hash_fm || c->bytes != 64 || c->fm_alg != FM_SHA256)
        die("CASES[0] is no longer SHA-256 of 64 bytes");
    memset(&st, 0, sizeof st);
    st.c = c;
    st.in = malloc(c->bytes);
    if (st.in == NULL)
        die("out of memory");
    for (size_t i = 0; i < c->bytes; i++)
        st.in[i] = (uint8_t)(i * 131 + 7);
    ops_per_second(hash_fm, &st, tm->seconds / 2);
    for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < 2; k++) {
            int counting = (r + k) % 2; /* alternate which goes first */
            if (fm_counters_enable(counting) != FM_OK)
                die("fm_counters_enable failed");
            double rate = ops_per_second(hash_fm, &st, tm->seconds / 2) * 64 / 1e6;
            if (counting)
                on[r] = rate;
            else
                off[r] = rate;
        }
        ratio[r] = on[r] / off[r];
    }
    if (fm_counters_enable(1) != FM_OK)
        die("fm_counters_enable failed");
    double mr = median(ratio, (size_t)rounds);
    printf("BENCH %s 64 on=%.1f off=%.1f ratio=%.3f MB/s cost=%.1f%%\n", COUNTERS_CASE,
           median(on, (size_t)rounds), median(off, (size_t)rounds), mr, (1.0 - mr) * 100.0);
    fflush(stdout);
    free(st.in);
}

static const struct {
    const char *name;
    unsigned bits;
} KEYGEN_CASES[] = {
    { "RSA-2048-keygen", 2048 },
    { "RSA-3072-keygen", 3072 },
};

int main(int argc, char **argv)
{
    const char *filter = NULL;
    if (argc > 2 || (argc == 2 && (strcmp(argv[1], "-h") == 0 ||
                                   strcmp(argv[1], "--help") == 0))) {
        fprintf(stderr, "usage: %s [FILTER]  (env FIPSMOD_BENCH_QUICK=1 for a "
                        "short smoke run)\n", argv[0]);
        return 2;
    }
    if (argc == 2)
        filter = argv[1];

    size_t matches = 0;
    for (size_t i = 0; i < NCASES; i++)
        matches += selected(&CASES[i], filter);
    for (size_t i = 0; i < sizeof KEYGEN_CASES / sizeof KEYGEN_CASES[0]; i++)
        matches += filter == NULL || strstr(KEYGEN_CASES[i].name, filter) != NULL;
    matches += filter == NULL || strstr(COUNTERS_CASE, filter) != NULL;
    if (matches == 0) {
        fprintf(stderr, "bench: no case name contains \"%s\"\n", filter);
        return 1;
    }

    int rc = fm_init(0);
    if (rc != FM_OK) {
        const char *name = "?";
        fm_error_name(rc, &name);
        fprintf(stderr, "bench: fm_init(0) failed: %d (%s)\n", rc, name);
        return 1;
    }

    struct timing tm = { 9, 0.050 };
    const char *quick = getenv("FIPSMOD_BENCH_QUICK");
    if (quick != NULL && *quick != '\0' && strcmp(quick, "0") != 0) {
        tm.rounds = 3;
        tm.seconds = 0.005;
    }

    const char *ver = "?", *impl256 = "?", *impl512 = "?", *impl_aes = "?";
    if (fm_version(&ver) != FM_OK || fm_impl_name(FM_FAMILY_SHA256, &impl256) != FM_OK ||
        fm_impl_name(FM_FAMILY_SHA512, &impl512) != FM_OK ||
        fm_impl_name(FM_FAMILY_AES, &impl_aes) != FM_OK)
        die("fm_version / fm_impl_name failed");
    printf("# fipsmod %s vs %s; sha256 impl=%s sha512 impl=%s aes impl=%s\n", ver,
           OpenSSL_version(OPENSSL_VERSION), impl256, impl512, impl_aes);
    printf("# median of %d interleaved rounds of %.0f ms per side; ratio = "
           "median of per-round fipsmod/openssl\n", tm.rounds, tm.seconds * 1e3);
    fflush(stdout);

    for (size_t i = 0; i < NCASES; i++)
        if (selected(&CASES[i], filter))
            run_case(&CASES[i], &tm);
    if (filter == NULL || strstr(COUNTERS_CASE, filter) != NULL)
        run_counters_cost(&tm);
    for (size_t i = 0; i < sizeof KEYGEN_CASES / sizeof KEYGEN_CASES[0]; i++)
        if (filter == NULL || strstr(KEYGEN_CASES[i].name, filter) != NULL)
            run_keygen(KEYGEN_CASES[i].name, KEYGEN_CASES[i].bits,
                       tm.rounds < 9 ? 3 : KEYGEN_RUNS);
    return 0;
}
