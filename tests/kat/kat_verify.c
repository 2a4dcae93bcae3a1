/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kat-verify: check the answers that cannot be compared with NIST's
 * expectedResults.json because they are random, using OpenSSL's libcrypto
 * as an implementation independent of the module.
 *
 *     kat-verify PROMPT.json RESPONSE.json > VERDICTS.json
 *     kat-grade --verdicts VERDICTS.json EXPECTED.json RESPONSE.json
 *
 * Which answers (from the prompt's algorithm, mode and groups):
 *
 *   RSA sigGen (every group). The IUT signs with its own key, returned as
 *     the group's n, e, so NIST's signatures (made with NIST's key) can
 *     never match. Checked: n has exactly `modulo` bits, e is odd with
 *     2^16 < e < 2^256 (FIPS 186-5 5.4 (e) and A.1.1), the signature has
 *     exactly modulo / 8 bytes and verifies under (n, e) with the group's
 *     hashAlg and sigType (PKCS#1 v1.5, or PSS with MGF1 over the same
 *     hash and exactly saltLen bytes of salt). Every test of a group must
 *     use the same key: the group has one n, e.
 *   RSA keyGen, testType GDT. The key is the IUT's own. Checked (FIPS 186-5
 *     A.1.1 and A.1.3): p and q prime (BN_check_prime), n = p q of exactly
 *     modulo bits, p and q of modulo / 2 bits each and both at least
 *     sqrt(2) 2^(modulo/2 - 1), |p - q| > 2^(modulo/2 - 100), e odd with
 *     2^16 < e < 2^256 and equal to fixedPubExp when pubExp is fixed,
 *     d = e^-1 mod lcm(p - 1, q - 1) exists and 2^(modulo/2) < d, and
 *     then the returned form: d itself (keyFormat standard), or dmp1 = d
 *     mod (p - 1), dmq1 = d mod (q - 1), iqmp = q^-1 mod p (crt); p mod 8
 *     and q mod 8 when the group fixes them; no modulus returned twice in
 *     the set (a repeated key means a broken random generator).
 *   ECDSA keyGen (every group). The key is the IUT's own. Checked (FIPS
 *     186-5 A.2, SP 800-186 3.2.1): d, qx and qy written at the curve's
 *     width, 1 <= d <= n - 1, d G = (qx, qy), and no d returned twice in
 *     the set.
 *   ECDSA sigGen (every group). The IUT signs with its own key, returned
 *     as the group's qx, qy, so NIST's r, s can never match. Checked: the
 *     group's (qx, qy) is a point of the curve with coordinates below p
 *     (SP 800-56A Rev. 3 5.6.2.3.3; on the P-curves, of cofactor 1, that
 *     implies n Q = O), r and s at most the curve's width, and (r, s)
 *     verifies under that key with OpenSSL over hashAlg(message), or over
 *     the message itself when componentTest is true (it is then the
 *     digest). SP800-106 randomized-hashing groups cannot be checked here
 *     and fail if answered (fipsmod does not claim them).
 *
 * Output: {"testGroups": [{"tgId": N, "tests": [{"tcId": M, "verified":
 * true|false, ["why": "..."]}]}]}, one entry for each such test that the
 * response answers (tests answered "notClaimed" or missing get none:
 * kat-grade counts those itself). For every other vector set the list is
 * empty, and kat-grade then compares everything with NIST's answers.
 *
 * Exit status 0, or 2 for bad arguments or files (nothing on stdout).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

static void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void fatal(const char *fmt, ...)
{
    va_list ap;

    fputs("kat-verify: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

static json_t *load(const char *path)
{
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);

    if (root == NULL)
        fatal("%s:%d:%d: %s", path, err.line, err.column, err.text);
    if (!json_is_object(root) || !json_is_array(json_object_get(root, "testGroups")))
        fatal("%s: not an ACVP vector set (no testGroups array)", path);
    return root;
}

static const char *str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static json_int_t num(const json_t *obj, const char *key, json_int_t dflt)
{
    const json_t *v = json_object_get(obj, key);

    return json_is_integer(v) ? json_integer_value(v) : dflt;
}

/* One verdict: fills `why` on failure and returns false. */
struct check {
    char why[200];
};

static bool fail(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(struct check *c, const char *fmt, ...)
{
    va_list ap;

    if (c->why[0] == '\0') {
        va_start(ap, fmt);
        vsnprintf(c->why, sizeof c->why, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* A hex field as a BIGNUM (NULL when absent, empty or not hex). */
static BIGNUM *bn_field(const json_t *obj, const char *key)
{
    const char *hex = str(obj, key);
    BIGNUM *bn = NULL;

    if (hex == NULL || hex[0] == '\0')
        return NULL;
    if (BN_hex2bn(&bn, hex) != (int)strlen(hex)) {
        BN_free(bn);
        return NULL;
    }
    return bn;
}

/* A hex field as bytes; false when absent or not whole bytes of hex. */
static bool bytes_field(const json_t *obj, const char *key, unsigned char **out, long *len)
{
    const char *hex = str(obj, key);

    *out = NULL;
    *len = 0;
    if (hex == NULL || strlen(hex) % 2 != 0)
        return false;
    if (hex[0] == '\0') {
        *out = OPENSSL_malloc(1);
        return *out != NULL;
    }
    *out = OPENSSL_hexstr2buf(hex, len);
    return *out != NULL;
}

/* 2^16 < e < 2^256, odd (FIPS 186-5 A.1.1, 5.4). */
static bool check_e(struct check *c, const BIGNUM *e)
{
    /* An odd e of 17 to 256 bits is above 2^16 (which is even). */
    if (!BN_is_odd(e) || BN_num_bits(e) <= 16 || BN_num_bits(e) > 256)
        return fail(c, "e is not an odd integer with 2^16 < e < 2^256");
    return true;
}

static const EVP_MD *acvp_md(const char *name)
{
    static const struct {
        const char *acvp;
        const char *openssl;
    } names[] = {
        { "SHA-1", "SHA1" },           { "SHA2-224", "SHA224" },
        { "SHA2-256", "SHA256" },      { "SHA2-384", "SHA384" },
        { "SHA2-512", "SHA512" },      { "SHA2-512/224", "SHA512-224" },
        { "SHA2-512/256", "SHA512-256" }, { "SHA3-224", "SHA3-224" },
        { "SHA3-256", "SHA3-256" },    { "SHA3-384", "SHA3-384" },
        { "SHA3-512", "SHA3-512" },
    };

    for (size_t i = 0; name != NULL && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].acvp) == 0)
            return EVP_get_digestbyname(names[i].openssl);
    return NULL;
}

static EVP_PKEY *rsa_public(const BIGNUM *n, const BIGNUM *e)
{
    OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *pkey = NULL;

    if (b == NULL || !OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_N, n) ||
        !OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_E, e) ||
        (params = OSSL_PARAM_BLD_to_param(b)) == NULL ||
        (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL ||
        EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
        pkey = NULL;
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(b);
    return pkey;
}

/* ---- RSA sigGen ---------------------------------------------------------- */

static bool siggen_verify(struct check *c, const json_t *pg, const json_t *rg, const json_t *pt,
                          const json_t *rt)
{
    const char *type = str(pg, "sigType"), *mask = str(pg, "maskFunction");
    const EVP_MD *md = acvp_md(str(pg, "hashAlg"));
    json_int_t modulo = num(pg, "modulo", 0), salt = num(pg, "saltLen", -1);
    BIGNUM *n = bn_field(rg, "n"), *e = bn_field(rg, "e");
    unsigned char *msg = NULL, *sig = NULL;
    long msglen, siglen;
    EVP_PKEY *pkey = NULL;
    EVP_MD_CTX *mctx = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    bool pss = type != NULL && strcmp(type, "pss") == 0;
    bool ok = false;

    if (n == NULL || e == NULL) {
        fail(c, "the response group has no n, e");
        goto out;
    }
    if (BN_num_bits(n) != modulo) {
        fail(c, "n has %d bits, modulo is %lld", BN_num_bits(n), (long long)modulo);
        goto out;
    }
    if (!check_e(c, e))
        goto out;
    if (md == NULL || type == NULL || (!pss && strcmp(type, "pkcs1v1.5") != 0) ||
        (pss && (salt < 0 || (mask != NULL && strcmp(mask, "mgf1") != 0)))) {
        fail(c, "cannot check sigType %s hashAlg %s maskFunction %s", type ? type : "?",
             str(pg, "hashAlg") ? str(pg, "hashAlg") : "?", mask ? mask : "-");
        goto out;
    }
    if (!bytes_field(pt, "message", &msg, &msglen) ||
        !bytes_field(rt, "signature", &sig, &siglen)) {
        fail(c, "missing or malformed message or signature");
        goto out;
    }
    if (siglen != modulo / 8) {
        fail(c, "the signature has %ld bytes, not %lld", siglen, (long long)(modulo / 8));
        goto out;
    }
    pkey = rsa_public(n, e);
    mctx = EVP_MD_CTX_new();
    if (pkey == NULL || mctx == NULL ||
        EVP_DigestVerifyInit(mctx, &pctx, md, NULL, pkey) <= 0 ||
        EVP_PKEY_CTX_set_rsa_padding(pctx, pss ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING) <= 0 ||
        (pss && (EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, (int)salt) <= 0 ||
                 EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) <= 0))) {
        fail(c, "OpenSSL could not set up the verification");
        goto out;
    }
    if (EVP_DigestVerify(mctx, sig, (size_t)siglen, msg, (size_t)msglen) != 1) {
        fail(c, "the signature does not verify under the group's n, e (%s, %s%s)", type,
             str(pg, "hashAlg"), pss ? ", exact saltLen" : "");
        goto out;
    }
    ok = true;
out:
    EVP_MD_CTX_free(mctx);
    EVP_PKEY_free(pkey);
    OPENSSL_free(msg);
    OPENSSL_free(sig);
    BN_free(n);
    BN_free(e);
    return ok;
}

/* ---- RSA keyGen ---------------------------------------------------------- */

struct seen {
    BIGNUM **n;
    size_t count, cap;
};

/* False when n was already returned by an earlier test of the set. */
static bool seen_once(struct seen *s, const BIGNUM *n)
{
    for (size_t i = 0; i < s->count; i++)
        if (BN_cmp(s->n[i], n) == 0)
            return false;
    if (s->count == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        BIGNUM **grown = realloc(s->n, cap * sizeof *grown);

        if (grown == NULL)
            fatal("out of memory");
        s->n = grown;
        s->cap = cap;
    }
    s->n[s->count] = BN_dup(n);
    if (s->n[s->count] == NULL)
        fatal("out of memory");
    s->count++;
    return true;
}

static bool bn_field_eq(struct check *c, const json_t *rt, const char *key, const BIGNUM *want)
{
    BIGNUM *got = bn_field(rt, key);
    bool ok = got != NULL && BN_cmp(got, want) == 0;

    BN_free(got);
    if (!ok)
        return fail(c, "%s is missing or wrong", key);
    return true;
}

static bool keygen_verify(struct check *c, const json_t *pg, const json_t *rt, struct seen *s)
{
    json_int_t modulo = num(pg, "modulo", 0);
    json_int_t pmod8 = num(pg, "pMod8", 0), qmod8 = num(pg, "qMod8", 0);
    const char *format = str(pg, "keyFormat"), *pubexp = str(pg, "pubExp");
    BIGNUM *n = bn_field(rt, "n"), *e = bn_field(rt, "e"), *p = bn_field(rt, "p");
    BIGNUM *q = bn_field(rt, "q"), *fixed = NULL;
    BN_CTX *ctx = BN_CTX_new();
    BIGNUM *t, *pm1, *qm1, *g, *lcm, *d, *bound;
    bool ok = false;

    if (ctx == NULL)
        fatal("out of memory");
    BN_CTX_start(ctx);
    t = BN_CTX_get(ctx);
    pm1 = BN_CTX_get(ctx);
    qm1 = BN_CTX_get(ctx);
    g = BN_CTX_get(ctx);
    lcm = BN_CTX_get(ctx);
    d = BN_CTX_get(ctx);
    bound = BN_CTX_get(ctx);
    if (bound == NULL)
        fatal("out of memory");
    if (n == NULL || e == NULL || p == NULL || q == NULL) {
        fail(c, "n, e, p or q is missing");
        goto out;
    }
    if (modulo < 2048 || modulo % 2 != 0 || BN_num_bits(n) != modulo) {
        fail(c, "n has %d bits, modulo is %lld", BN_num_bits(n), (long long)modulo);
        goto out;
    }
    if (!seen_once(s, n)) {
        fail(c, "this n was already returned by another test");
        goto out;
    }
    if (!check_e(c, e))
        goto out;
    if (pubexp != NULL && strcmp(pubexp, "fixed") == 0 &&
        ((fixed = bn_field(pg, "fixedPubExp")) == NULL || BN_cmp(fixed, e) != 0)) {
        fail(c, "e is not the group's fixedPubExp");
        goto out;
    }
    if (!BN_mul(t, p, q, ctx) || BN_cmp(t, n) != 0) {
        fail(c, "n != p q");
        goto out;
    }
    if (BN_num_bits(p) != modulo / 2 || BN_num_bits(q) != modulo / 2) {
        fail(c, "p or q does not have modulo/2 bits");
        goto out;
    }
    /* p, q >= sqrt(2) 2^(nlen/2 - 1)  <=>  p^2, q^2 >= 2^(nlen - 1). */
    if (!BN_lshift(bound, BN_value_one(), (int)modulo - 1) || !BN_sqr(t, p, ctx) ||
        BN_cmp(t, bound) < 0 || !BN_sqr(t, q, ctx) || BN_cmp(t, bound) < 0) {
        fail(c, "p or q is below sqrt(2) 2^(nlen/2 - 1)");
        goto out;
    }
    /* |p - q| > 2^(nlen/2 - 100). */
    if (!BN_sub(t, BN_cmp(p, q) > 0 ? p : q, BN_cmp(p, q) > 0 ? q : p) ||
        !BN_lshift(bound, BN_value_one(), (int)modulo / 2 - 100) || BN_cmp(t, bound) <= 0) {
        fail(c, "|p - q| <= 2^(nlen/2 - 100)");
        goto out;
    }
    if (BN_check_prime(p, ctx, NULL) != 1 || BN_check_prime(q, ctx, NULL) != 1) {
        fail(c, "p or q is not prime");
        goto out;
    }
    if ((pmod8 != 0 && (long long)BN_mod_word(p, 8) != pmod8) ||
        (qmod8 != 0 && (long long)BN_mod_word(q, 8) != qmod8)) {
        fail(c, "p mod 8 or q mod 8 is not the group's pMod8, qMod8");
        goto out;
    }
    /* d = e^-1 mod lcm(p - 1, q - 1), 2^(nlen/2) < d. */
    if (!BN_sub(pm1, p, BN_value_one()) || !BN_sub(qm1, q, BN_value_one()) ||
        !BN_gcd(g, pm1, qm1, ctx) || !BN_mul(t, pm1, qm1, ctx) ||
        !BN_div(lcm, NULL, t, g, ctx) || BN_mod_inverse(d, e, lcm, ctx) == NULL) {
        fail(c, "e is not invertible mod lcm(p - 1, q - 1)");
        goto out;
    }
    if (BN_num_bits(d) <= modulo / 2) {
        fail(c, "d <= 2^(nlen/2)");
        goto out;
    }
    if (format != NULL && strcmp(format, "crt") == 0) {
        if (!BN_mod(t, d, pm1, ctx) || !bn_field_eq(c, rt, "dmp1", t) ||
            !BN_mod(t, d, qm1, ctx) || !bn_field_eq(c, rt, "dmq1", t) ||
            BN_mod_inverse(t, q, p, ctx) == NULL || !bn_field_eq(c, rt, "iqmp", t))
            goto out;
    } else if (!bn_field_eq(c, rt, "d", d)) {
        goto out;
    }
    ok = true;
out:
    BN_CTX_end(ctx);
    BN_CTX_free(ctx);
    BN_free(n);
    BN_free(e);
    BN_free(p);
    BN_free(q);
    BN_free(fixed);
    return ok;
}

/* ---- ECDSA keyGen and sigGen ------------------------------------------------ */

/* A curve by its ACVP name ("P-256", "K-233", "B-571"); NULL if OpenSSL lacks it. */
static EC_GROUP *ec_group(const char *name, int *nid)
{
    *nid = name != NULL ? EC_curve_nist2nid(name) : NID_undef;
    return *nid != NID_undef ? EC_GROUP_new_by_curve_name(*nid) : NULL;
}

/* Bytes of a field element of g (ACVP writes every coordinate at this width). */
static int ec_field_bytes(const EC_GROUP *g)
{
    return (EC_GROUP_get_degree(g) + 7) / 8;
}

/* A hex field as a BIGNUM of at most `bytes` bytes, written with exactly `digits` digits
 * when digits > 0. NULL (with the reason in c) otherwise. */
static BIGNUM *ec_int(struct check *c, const json_t *obj, const char *key, int bytes, int digits)
{
    const char *hex = str(obj, key);
    BIGNUM *bn = bn_field(obj, key);

    if (bn == NULL) {
        fail(c, "%s is missing or not hex", key);
        return NULL;
    }
    if (digits > 0 && strlen(hex) != (size_t)digits) {
        fail(c, "%s has %zu hex digits, not the curve's %d", key, strlen(hex), digits);
        BN_free(bn);
        return NULL;
    }
    if (BN_num_bytes(bn) > bytes) {
        fail(c, "%s is longer than %d bytes", key, bytes);
        BN_free(bn);
        return NULL;
    }
    return bn;
}

static bool ecdsa_keygen_verify(struct check *c, const json_t *pg, const json_t *rt,
                                struct seen *s)
{
    int nid;
    EC_GROUP *g = ec_group(str(pg, "curve"), &nid);
    BN_CTX *ctx = BN_CTX_new();
    BIGNUM *d = NULL, *qx = NULL, *qy = NULL, *x = BN_new(), *y = BN_new();
    EC_POINT *q = NULL;
    int bytes;
    bool ok = false;

    if (ctx == NULL || x == NULL || y == NULL)
        fatal("out of memory");
    if (g == NULL) {
        fail(c, "cannot check curve %s", str(pg, "curve") ? str(pg, "curve") : "?");
        goto out;
    }
    bytes = ec_field_bytes(g);
    /* d is a scalar, written at the width of n, which is the field's for these curves. */
    if ((d = ec_int(c, rt, "d", (BN_num_bits(EC_GROUP_get0_order(g)) + 7) / 8,
                    2 * ((BN_num_bits(EC_GROUP_get0_order(g)) + 7) / 8))) == NULL ||
        (qx = ec_int(c, rt, "qx", bytes, 2 * bytes)) == NULL ||
        (qy = ec_int(c, rt, "qy", bytes, 2 * bytes)) == NULL)
        goto out;
    if (BN_is_zero(d) || BN_cmp(d, EC_GROUP_get0_order(g)) >= 0) {
        fail(c, "d is not in [1, n - 1]");
        goto out;
    }
    if (!seen_once(s, d)) {
        fail(c, "this d was already returned by another test");
        goto out;
    }
    q = EC_POINT_new(g);
    if (q == NULL || !EC_POINT_mul(g, q, d, NULL, NULL, ctx) ||
        !EC_POINT_get_affine_coordinates(g, q, x, y, ctx))
        fatal("OpenSSL could not compute d G");
    if (BN_cmp(x, qx) != 0 || BN_cmp(y, qy) != 0) {
        fail(c, "(qx, qy) is not d G");
        goto out;
    }
    ok = true;
out:
    EC_POINT_free(q);
    BN_free(d);
    BN_free(qx);
    BN_free(qy);
    BN_free(x);
    BN_free(y);
    BN_CTX_free(ctx);
    EC_GROUP_free(g);
    return ok;
}

/* The group's public key (qx, qy) as an EVP_PKEY, after checking it is a valid point. */
static EVP_PKEY *ec_public(struct check *c, const EC_GROUP *g, int nid, const json_t *rg)
{
    int bytes = ec_field_bytes(g);
    BIGNUM *qx = ec_int(c, rg, "qx", bytes, 0), *qy = NULL, *p = BN_new();
    BN_CTX *ctx = BN_CTX_new();
    EC_POINT *q = EC_POINT_new(g);
    unsigned char pt[1 + 2 * 66];
    OSSL_PARAM_BLD *b = NULL;
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    EVP_PKEY *pkey = NULL;
    size_t ptlen;

    if (p == NULL || ctx == NULL || q == NULL)
        fatal("out of memory");
    if (qx == NULL || (qy = ec_int(c, rg, "qy", bytes, 0)) == NULL)
        goto out; /* c says which */
    if (!EC_GROUP_get_curve(g, p, NULL, NULL, ctx))
        fatal("OpenSSL could not read the curve");
    if (BN_cmp(qx, p) >= 0 || BN_cmp(qy, p) >= 0 ||
        !EC_POINT_set_affine_coordinates(g, q, qx, qy, ctx) ||
        EC_POINT_is_on_curve(g, q, ctx) != 1) {
        fail(c, "the group's (qx, qy) is not a point of the curve");
        goto out;
    }
    ptlen = EC_POINT_point2oct(g, q, POINT_CONVERSION_UNCOMPRESSED, pt, sizeof pt, ctx);
    b = OSSL_PARAM_BLD_new();
    if (ptlen == 0 || b == NULL ||
        !OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, OBJ_nid2sn(nid), 0) ||
        !OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, pt, ptlen) ||
        (params = OSSL_PARAM_BLD_to_param(b)) == NULL ||
        (pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
        EVP_PKEY_fromdata_init(pctx) <= 0 ||
        EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
        pkey = NULL;
        fail(c, "OpenSSL could not load the group's key");
    }
out:
    EVP_PKEY_CTX_free(pctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(b);
    EC_POINT_free(q);
    BN_CTX_free(ctx);
    BN_free(p);
    BN_free(qx);
    BN_free(qy);
    return pkey;
}

static bool ecdsa_siggen_verify(struct check *c, const json_t *pg, const json_t *rg,
                                const json_t *pt, const json_t *rt)
{
    const char *conformance = str(pg, "conformance");
    const EVP_MD *md = acvp_md(str(pg, "hashAlg"));
    bool component = json_is_true(json_object_get(pg, "componentTest"));
    int nid;
    EC_GROUP *g = ec_group(str(pg, "curve"), &nid);
    unsigned char *msg = NULL, *der = NULL, dg[EVP_MAX_MD_SIZE];
    const unsigned char *tbs;
    unsigned int dglen = 0;
    size_t tbslen;
    long msglen;
    BIGNUM *r = NULL, *s = NULL;
    ECDSA_SIG *sig = NULL;
    EVP_PKEY *pkey = NULL;
    EVP_PKEY_CTX *vctx = NULL;
    int derlen, bytes;
    bool ok = false;

    if (g == NULL || md == NULL || (conformance != NULL && conformance[0] != '\0')) {
        fail(c, "cannot check curve %s hashAlg %s conformance %s", str(pg, "curve") ?
             str(pg, "curve") : "?", str(pg, "hashAlg") ? str(pg, "hashAlg") : "?",
             conformance ? conformance : "-");
        goto out;
    }
    bytes = (BN_num_bits(EC_GROUP_get0_order(g)) + 7) / 8;
    if ((pkey = ec_public(c, g, nid, rg)) == NULL)
        goto out;
    if (!bytes_field(pt, "message", &msg, &msglen)) {
        fail(c, "missing or malformed message");
        goto out;
    }
    if (component) {
        /* componentTest: the message is the digest (ACVP draws it hashAlg-long). */
        if (msglen != EVP_MD_get_size(md)) {
            fail(c, "componentTest message of %ld bytes is not a %s digest", msglen,
                 str(pg, "hashAlg"));
            goto out;
        }
        tbs = msg;
        tbslen = (size_t)msglen;
    } else {
        if (!EVP_Digest(msg, (size_t)msglen, dg, &dglen, md, NULL))
            fatal("OpenSSL could not hash the message");
        tbs = dg;
        tbslen = dglen;
    }
    if ((r = ec_int(c, rt, "r", bytes, 0)) == NULL || (s = ec_int(c, rt, "s", bytes, 0)) == NULL)
        goto out;
    sig = ECDSA_SIG_new();
    if (sig == NULL || !ECDSA_SIG_set0(sig, r, s))
        fatal("out of memory");
    r = s = NULL; /* owned by sig */
    derlen = i2d_ECDSA_SIG(sig, &der);
    vctx = EVP_PKEY_CTX_new(pkey, NULL);
    if (derlen <= 0 || vctx == NULL || EVP_PKEY_verify_init(vctx) <= 0) {
        fail(c, "OpenSSL could not set up the verification");
        goto out;
    }
    /* No signature digest is set: OpenSSL takes tbs as the digest and truncates it to
     * the bit length of n (FIPS 186-5 6.4.2 step 3), whatever its length. */
    if (EVP_PKEY_verify(vctx, der, (size_t)derlen, tbs, tbslen) != 1) {
        fail(c, "(r, s) does not verify under the group's qx, qy (%s, %s%s)", str(pg, "curve"),
             str(pg, "hashAlg"), component ? ", componentTest" : "");
        goto out;
    }
    ok = true;
out:
    EVP_PKEY_CTX_free(vctx);
    EVP_PKEY_free(pkey);
    OPENSSL_free(der);
    OPENSSL_free(msg);
    ECDSA_SIG_free(sig);
    BN_free(r);
    BN_free(s);
    EC_GROUP_free(g);
    return ok;
}

/* ---- driver -------------------------------------------------------------- */

static const json_t *find_id(const json_t *array, const char *key, json_int_t id)
{
    size_t i;
    json_t *v;

    json_array_foreach((json_t *)array, i, v)
        if (num(v, key, -1) == id)
            return v;
    return NULL;
}

int main(int argc, char **argv)
{
    json_t *prompt, *resp, *out, *groups, *pg;
    const char *alg, *mode;
    bool siggen, keygen, ec_siggen, ec_keygen;
    struct seen seen = { 0 };
    size_t i, j;

    if (argc != 3) {
        fputs("usage: kat-verify PROMPT.json RESPONSE.json > VERDICTS.json\n", stderr);
        return 2;
    }
    prompt = load(argv[1]);
    resp = load(argv[2]);
    alg = str(prompt, "algorithm");
    mode = str(prompt, "mode");
    siggen = alg != NULL && mode != NULL && strcmp(alg, "RSA") == 0 && strcmp(mode, "sigGen") == 0;
    keygen = alg != NULL && mode != NULL && strcmp(alg, "RSA") == 0 && strcmp(mode, "keyGen") == 0;
    ec_siggen = alg != NULL && mode != NULL && strcmp(alg, "ECDSA") == 0 &&
                strcmp(mode, "sigGen") == 0;
    ec_keygen = alg != NULL && mode != NULL && strcmp(alg, "ECDSA") == 0 &&
                strcmp(mode, "keyGen") == 0;

    out = json_object();
    groups = json_array();
    if (out == NULL || groups == NULL || json_object_set_new(out, "testGroups", groups) != 0)
        fatal("out of memory");
    json_array_foreach(json_object_get(prompt, "testGroups"), i, pg) {
        json_int_t tg = num(pg, "tgId", -1);
        const char *type = str(pg, "testType");
        const json_t *rg = find_id(json_object_get(resp, "testGroups"), "tgId", tg);
        json_t *vg, *vtests, *pt;

        if (!siggen && !ec_siggen && !ec_keygen &&
            !(keygen && type != NULL && strcmp(type, "GDT") == 0))
            continue;
        if (rg == NULL)
            continue; /* kat-grade reports the missing tests */
        vg = json_object();
        vtests = json_array();
        if (vg == NULL || vtests == NULL || json_array_append_new(groups, vg) != 0 ||
            json_object_set_new(vg, "tgId", json_integer(tg)) != 0 ||
            json_object_set_new(vg, "tests", vtests) != 0)
            fatal("out of memory");
        json_array_foreach(json_object_get(pg, "tests"), j, pt) {
            json_int_t tc = num(pt, "tcId", -1);
            const json_t *rt = find_id(json_object_get(rg, "tests"), "tcId", tc);
            struct check c = { "" };
            json_t *v;
            bool ok;

            if (rt == NULL || json_object_get(rt, "notClaimed") != NULL)
                continue;
            if (siggen)
                ok = siggen_verify(&c, pg, rg, pt, rt);
            else if (keygen)
                ok = keygen_verify(&c, pg, rt, &seen);
            else if (ec_siggen)
                ok = ecdsa_siggen_verify(&c, pg, rg, pt, rt);
            else
                ok = ecdsa_keygen_verify(&c, pg, rt, &seen);
            v = json_pack("{s:I, s:b}", "tcId", (json_int_t)tc, "verified", ok);
            if (v == NULL || (!ok && json_object_set_new(v, "why", json_string(c.why)) != 0) ||
                json_array_append_new(vtests, v) != 0)
                fatal("out of memory");
        }
    }
    if (json_dumpf(out, stdout, JSON_INDENT(2)) != 0 || putchar('\n') == EOF ||
        fflush(stdout) != 0)
        fatal("cannot write the verdicts");
    for (i = 0; i < seen.count; i++)
        BN_free(seen.n[i]);
    free(seen.n);
    json_decref(out);
    json_decref(resp);
    json_decref(prompt);
    return 0;
}
