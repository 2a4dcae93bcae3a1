/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EC keys and ECDSA (fipsmod/ec.h) against every external ECDSA vector file
 * in the shared vector folder (../shared/vectors or $FIPSMOD_VECTORS; see
 * its MANIFEST.md), each case with the outcome the file gives it. When the
 * folder is absent every test here says so and is skipped.
 *
 * The module has P-256, P-384 and P-521 and SHA-2. Records on other curves
 * (P-192, P-224, the K- and B- curves) or with SHA-1, SHA-3 or SHAKE, and
 * ACVP's SP 800-106 randomized-hashing groups, are skipped and counted by
 * reason, never passed.
 *
 * NIST CAVP (186-3ecdsatestvectors, CAVS 11.x):
 *  - KeyPair.rsp: d -> fm_ec_key_import with the private key only; the
 *    public key it computes (fm_ec_key_public_bytes, uncompressed and
 *    compressed) must be (Qx, Qy), fm_ec_key_private_bytes must give d
 *    back, importing d with its Q succeeds and with another record's Q
 *    fails with FM_ERR_KEY, and fm_ec_key_public drops d.
 *  - PKV.rsp: public key validation. Result P: the import succeeds (also
 *    from the compressed form, to the same key); F: FM_ERR_KEY ("out of
 *    range" and "not on curve"). A coordinate too long for the field (the
 *    files have some) cannot be written as a SEC 1 point of the curve: its
 *    natural encoding, 1 + 2 w bytes for the wider width w, must be refused
 *    with FM_ERR_DECODE.
 *  - SigVer.rsp: Msg hashed with the section's SHA, the record's (Qx, Qy),
 *    (R, S) as P1363 and as DER. P: both verify. F: both give
 *    FM_ERR_VERIFY, or the import refuses Q with FM_ERR_KEY (the "Q
 *    changed" records may leave the curve). Counted per failure reason.
 *  - SigGen.txt with SigGen.rsp (the same records; the .txt adds d and k,
 *    and both must agree): d imports to (Qx, Qy); the file's (R, S)
 *    verifies under (Qx, Qy) as P1363 and DER and fails for a digest with
 *    one bit flipped; a signature made here with d verifies with the module
 *    and with OpenSSL (the independent oracle) and differs from (R, S). The
 *    exact (R, S) from k cannot be reproduced through the API, which draws k
 *    itself: the module's own unit test checks that.
 * NIST ACVP samples, FIPS186-5 (internalProjection.json: prompt, answers
 * and server values in one file; the verdicts are also checked against
 * expectedResults.json, which must agree):
 *  - ECDSA-KeyGen: d -> (qx, qy) as for KeyPair.rsp.
 *  - ECDSA-KeyVer: testPassed true -> the import succeeds, false ->
 *    FM_ERR_KEY (or a coordinate too long for the field: FM_ERR_DECODE).
 *  - ECDSA-SigGen: the group's d imports to its (qx, qy), and each (r, s)
 *    verifies under (qx, qy) (P1363 and DER), including the truncation of
 *    SHA-512 digests to 256 and 384 bits and the widening of SHA-224 ones
 *    for P-521.
 *  - ECDSA-SigVer: as SigVer.rsp, with testPassed.
 *
 * Wycheproof (testvectors_v1, ecdsa_secp{256,384,521}r1_*): every test of
 * every file, DER (ecdsa_verify_schema_v1) and P1363
 * (ecdsa_p1363_verify_schema_v1), with the group's key imported from its
 * uncompressed point (also checked against wx, wy and re-imported from
 * the compressed form). valid: FM_OK, and the same signature in the other
 * encoding verifies too; invalid: FM_ERR_VERIFY, which is what ec.h
 * promises for any signature that is not valid (malformed or non-minimal
 * DER, trailing bytes, wrong lengths, r or s out of range, wrong values).
 * acceptable: Wycheproof allows either outcome (the case is weak but not
 * wrong), so it is run and what the module returned is printed in the
 * tally, and it never fails the test; the files used here have none today
 * (their count is asserted, so a new version that adds some is noticed).
 *
 * Exact counts. Every file's total and its counts per outcome and per skip
 * reason are hard-coded below and asserted, so that a case silently
 * dropped (or a file that is read but yields nothing) fails the test. Each
 * test prints "N passed, N skipped (reason)" for its file, and a tally of
 * what the module returned per kind of case.
 *
 * Implementations: every test runs once per implementation of the EC
 * family (fm_cpu_set_features through tu_add_per_impl) when cpu.h has one
 * (FM_FAMILY_EC). Until then, whatever the curve code picks from the CPU
 * features cannot be named, so every test runs twice: with
 * fm_cpu_set_features(FM_CPU_PORTABLE) and with every detected feature
 * (FM_CPU_ALL), which between them reach a portable and an accelerated
 * path wherever one exists. Keys are imported after the choice, as a key
 * keeps the implementation it was made with.
 */
#include "testutil.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <fipsmod/ec.h>
#include <fipsmod/fipsmod.h>
#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>

static tu_suite suite;

#ifdef FM_FAMILY_EC
#define EC_FAMILY FM_FAMILY_EC
#else
#define EC_FAMILY 0 /* no EC implementation family yet: the default only */
#endif

/* ---- small helpers ------------------------------------------------------------ */

static const char *err_name(int rc)
{
    const char *n = "?";

    if (rc == FM_OK)
        return "FM_OK";
    (void)fm_error_name(rc, &n);
    return n;
}

static const char *impl_of(const tu_case *c)
{
    return c->impl.name != NULL ? c->impl.name : "all CPU features";
}

/*
 * tu_begin, then (without an EC family) the CPU mask of the case: its
 * impl.mask when it names one, else FM_CPU_ALL as tu_begin left it.
 */
static tu_case *ec_begin(void **state)
{
    tu_case *c = tu_begin(state);

    if (c->family == 0 && c->impl.name != NULL)
        assert_int_equal(fm_cpu_set_features(c->impl.mask), FM_OK);
    return c;
}

#define SKIP_CURVE "curve not in the module (P-192, P-224, K-, B-)"
#define SKIP_SHA1 "SHA-1: not in the module"
#define SKIP_SHA3 "SHA-3 or SHAKE: not in the module"
#define SKIP_RMX "SP 800-106 randomized hashing: not in the module"

/*
 * FM_EC_P* for a curve name as CAVP and ACVP ("P-256") or Wycheproof
 * ("secp256r1") write it; 0 for a NIST curve the module lacks; -1 for
 * anything else (a section header such as "B.4.2 Key Pair ...").
 */
static int curve_id(const char *name)
{
    static const struct {
        const char *name;
        int id;
    } names[] = {
        { "P-256", FM_EC_P256 }, { "secp256r1", FM_EC_P256 },
        { "P-384", FM_EC_P384 }, { "secp384r1", FM_EC_P384 },
        { "P-521", FM_EC_P521 }, { "secp521r1", FM_EC_P521 },
        { "P-192", 0 }, { "P-224", 0 },
        { "K-163", 0 }, { "K-233", 0 }, { "K-283", 0 }, { "K-409", 0 }, { "K-571", 0 },
        { "B-163", 0 }, { "B-233", 0 }, { "B-283", 0 }, { "B-409", 0 }, { "B-571", 0 },
    };

    for (size_t i = 0; name != NULL && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0)
            return names[i].id;
    return -1;
}

/* OpenSSL's name for a module curve. */
static const char *curve_sn(int curve)
{
    return curve == FM_EC_P256 ? "prime256v1" : curve == FM_EC_P384 ? "secp384r1" : "secp521r1";
}

/*
 * FM_SHA* for a hash name as CAVP ("SHA-256"), ACVP ("SHA2-512/224") or
 * Wycheproof ("SHA-512") writes it. 0 with *why set for a hash the module
 * lacks; the test fails for a name it does not know.
 */
static int hash_id(const char *name, const char **why)
{
    static const struct {
        const char *name;
        int id;
    } names[] = {
        { "SHA224", FM_SHA224 }, { "SHA256", FM_SHA256 }, { "SHA384", FM_SHA384 },
        { "SHA512", FM_SHA512 }, { "SHA512/224", FM_SHA512_224 },
        { "SHA512/256", FM_SHA512_256 },
    };
    char buf[32];
    size_t j = 0;

    *why = NULL;
    if (name == NULL)
        fail_msg("missing hash name");
    /* "SHA2-256" -> "SHA256", "SHA-512/224" -> "SHA512/224". */
    for (const char *p = name; *p != '\0' && j < sizeof buf - 1; p++) {
        if (*p == '-')
            continue;
        if (p == name + 3 && *p == '2' && strncmp(name, "SHA2-", 5) == 0)
            continue;
        buf[j++] = *p;
    }
    buf[j] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(buf, names[i].name) == 0)
            return names[i].id;
    if (strcmp(buf, "SHA1") == 0)
        *why = SKIP_SHA1;
    else if (strncmp(name, "SHA3-", 5) == 0 || strncmp(name, "SHAKE-", 6) == 0)
        *why = SKIP_SHA3;
    else
        fail_msg("hash name '%s' is not known", name);
    return 0;
}

/* The digest of msg with hash (FM_SHA*); returns its length. */
static size_t digest_of(int hash, const uint8_t *msg, size_t len, uint8_t dg[FM_HASH_MAX_LEN])
{
    size_t dl = tu_alg_len(hash);

    assert_true(dl > 0);
    assert_int_equal(fm_hash(hash, msg, len, dg, FM_HASH_MAX_LEN), FM_OK);
    return dl;
}

/*
 * A big-endian hex integer of any number of digits (CAVP drops leading
 * zero nibbles, ACVP and Wycheproof may add zero bytes) written at exactly
 * b bytes into out. Returns false, with out zeroed, when the value needs
 * more than b bytes; *need (may be NULL) gets the bytes it needs. The test
 * fails on bad hex.
 */
static bool int_fit(const char *what, const char *hex, size_t b, uint8_t *out, size_t *need)
{
    size_t digits, len;
    char *even;
    uint8_t *raw, *p;

    if (hex == NULL || *hex == '\0')
        fail_msg("%s: missing integer", what);
    digits = strlen(hex);
    even = malloc(digits + 2);
    assert_non_null(even);
    even[0] = '0';
    memcpy(even + digits % 2, hex, digits + 1);
    raw = tu_hex_alloc(even, &len);
    free(even);
    if (raw == NULL)
        fail_msg("%s: not a hex integer: '%s'", what, hex);
    for (p = raw; len > 0 && *p == 0; p++, len--)
        ;
    memset(out, 0, b);
    if (need != NULL)
        *need = len;
    if (len <= b)
        memcpy(out + (b - len), p, len);
    free(raw);
    return len <= b;
}

/*
 * The SEC 1 uncompressed encoding 04 || x || y of (qx, qy) in pt (room for
 * 1 + 2 (FM_EC_MAX_BYTES + 1) bytes). When both fit in b bytes: width b,
 * returns true. Otherwise each coordinate is written at the wider width w
 * of the two (the natural encoding of integers that do not fit the field)
 * and false is returned; *ptlen is 1 + 2 w either way.
 */
static bool point_of(const char *what, const char *qx, const char *qy, size_t b, uint8_t *pt,
                     size_t *ptlen)
{
    size_t nx, ny, w;
    uint8_t tmp[2 * (FM_EC_MAX_BYTES + 1)];
    bool fits;

    /* Both, always: each sets its width. */
    fits = int_fit(what, qx, b, pt + 1, &nx);
    fits = int_fit(what, qy, b, pt + 1 + b, &ny) && fits;
    pt[0] = 0x04;
    *ptlen = 1 + 2 * b;
    if (fits)
        return true;
    w = nx > ny ? nx : ny;
    if (w > FM_EC_MAX_BYTES + 1)
        fail_msg("%s: a coordinate of %zu bytes is too long even for this test", what, w);
    (void)int_fit(what, qx, w, tmp, NULL);
    (void)int_fit(what, qy, w, tmp + w, NULL);
    memcpy(pt + 1, tmp, 2 * w);
    *ptlen = 1 + 2 * w;
    return false;
}

/* The DER ECDSA-Sig-Value of the P1363 signature rs (2 b bytes); returns its length. */
static size_t der_of(const uint8_t *rs, size_t b, uint8_t der[FM_ECDSA_SIG_MAX_LEN + 8])
{
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(rs, (int)b, NULL), *s = BN_bin2bn(rs + b, (int)b, NULL);
    unsigned char *p = der;
    int len;

    assert_true(sig != NULL && r != NULL && s != NULL && ECDSA_SIG_set0(sig, r, s) == 1);
    len = i2d_ECDSA_SIG(sig, NULL);
    assert_true(len > 0 && len <= FM_ECDSA_SIG_MAX_LEN + 8);
    assert_int_equal(i2d_ECDSA_SIG(sig, &p), len);
    ECDSA_SIG_free(sig);
    return (size_t)len;
}

/* r || s at b bytes each from a DER signature (OpenSSL's parser). false if it cannot. */
static bool p1363_of(const uint8_t *der, size_t len, size_t b, uint8_t *rs)
{
    const unsigned char *p = der;
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)len);
    const BIGNUM *r, *s;
    bool ok;

    if (sig == NULL)
        return false;
    ECDSA_SIG_get0(sig, &r, &s);
    ok = BN_num_bytes(r) <= (int)b && BN_num_bytes(s) <= (int)b &&
         BN_bn2binpad(r, rs, (int)b) == (int)b && BN_bn2binpad(s, rs + b, (int)b) == (int)b;
    ECDSA_SIG_free(sig);
    return ok;
}

/* OpenSSL's verdict on a DER signature of digest dg under the point pub. */
static bool ossl_verify(int curve, const uint8_t *pub, size_t publen, const uint8_t *dg,
                        size_t dl, const uint8_t *der, size_t derlen)
{
    OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL, *vctx = NULL;
    EVP_PKEY *pkey = NULL;
    int rc;

    if (b == NULL ||
        !OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, curve_sn(curve), 0) ||
        !OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, pub, publen) ||
        (params = OSSL_PARAM_BLD_to_param(b)) == NULL ||
        (ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
        EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0 ||
        (vctx = EVP_PKEY_CTX_new(pkey, NULL)) == NULL || EVP_PKEY_verify_init(vctx) <= 0)
        fail_msg("OpenSSL could not set up an ECDSA verification on %s", curve_sn(curve));
    /* No signature digest set: dg is taken as the digest and truncated to n's bits. */
    rc = EVP_PKEY_verify(vctx, der, derlen, dg, dl);
    EVP_PKEY_CTX_free(vctx);
    EVP_PKEY_free(pkey);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(b);
    return rc == 1;
}

/* ---- counting: skips by reason, outcomes by kind --------------------------------- */

typedef struct {
    const char *reason[4];
    long n[4];
    size_t count;
} skips;

static void skip_add(skips *s, const char *reason)
{
    for (size_t i = 0; i < s->count; i++) {
        if (strcmp(s->reason[i], reason) == 0) {
            s->n[i]++;
            return;
        }
    }
    assert_true(s->count < 4);
    s->reason[s->count] = reason;
    s->n[s->count++] = 1;
}

static long skip_get(const skips *s, const char *reason)
{
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->reason[i], reason) == 0)
            return s->n[i];
    return 0;
}

static long skip_total(const skips *s)
{
    long t = 0;

    for (size_t i = 0; i < s->count; i++)
        t += s->n[i];
    return t;
}

static void skip_print(const skips *s)
{
    for (size_t i = 0; i < s->count; i++)
        printf("    %ld skipped (%s)\n", s->n[i], s->reason[i]);
}

/* What the module returned, per kind of case (Result reason, or result and flags). */
typedef struct {
    struct {
        char key[160];
        int rc;
        long count;
    } row[48];
    size_t n;
} tally;

static void tally_add(tally *t, const char *key, int rc)
{
    for (size_t i = 0; i < t->n; i++) {
        if (t->row[i].rc == rc && strcmp(t->row[i].key, key) == 0) {
            t->row[i].count++;
            return;
        }
    }
    if (t->n == sizeof t->row / sizeof t->row[0])
        fail_msg("too many kinds of case to tally");
    snprintf(t->row[t->n].key, sizeof t->row[t->n].key, "%s", key);
    t->row[t->n].rc = rc;
    t->row[t->n].count = 1;
    t->n++;
}

static void tally_print(const tally *t)
{
    for (size_t i = 0; i < t->n; i++)
        printf("    %-62s -> %-15s x %ld\n", t->row[i].key, err_name(t->row[i].rc),
               t->row[i].count);
}

/* ---- what each file must yield ------------------------------------------------------ */

typedef struct {
    const char *file;  /* relative to the vectors folder */
    long total;        /* records or tests in the file (every curve and hash) */
    long run;          /* checked here */
    long valid;        /* of those: P / testPassed true / Wycheproof valid */
    long invalid;      /* F / false / invalid */
    long acceptable;   /* Wycheproof acceptable */
    long skip_curve, skip_sha1, skip_sha3, skip_rmx;
} ec_file;

/* Print the counts and assert every one of them against f. */
static void check_counts(const tu_case *c, const ec_file *f, long total, long valid,
                         long invalid, long acceptable, const skips *sk, const tally *t)
{
    printf("  %s on %s: %ld passed (%ld valid, %ld invalid refused%s), %ld skipped, of %ld\n",
           f->file, impl_of(c), valid + invalid + acceptable, valid, invalid,
           f->acceptable > 0 || acceptable > 0 ? ", some acceptable recorded" : "",
           skip_total(sk), total);
    skip_print(sk);
    if (t != NULL)
        tally_print(t);
    assert_int_equal(total, f->total);
    assert_int_equal(total, c->expect);
    assert_int_equal(valid + invalid + acceptable, f->run);
    assert_int_equal(valid, f->valid);
    assert_int_equal(invalid, f->invalid);
    assert_int_equal(acceptable, f->acceptable);
    assert_int_equal(skip_get(sk, SKIP_CURVE), f->skip_curve);
    assert_int_equal(skip_get(sk, SKIP_SHA1), f->skip_sha1);
    assert_int_equal(skip_get(sk, SKIP_SHA3), f->skip_sha3);
    assert_int_equal(skip_get(sk, SKIP_RMX), f->skip_rmx);
    assert_int_equal(skip_total(sk) + f->run, f->total);
}

/* ---- shared checks ----------------------------------------------------------------- */

/*
 * d (hex) on `curve` must import alone and give the public key (qx, qy)
 * (hex), in both SEC 1 forms; d must come back from fm_ec_key_private_bytes;
 * d with its own Q imports, d with `other` (another valid point of the
 * curve, or NULL) is refused with FM_ERR_KEY; fm_ec_key_public drops d.
 */
static void check_key_pair(const char *what, int curve, const char *dhex, const char *qx,
                           const char *qy, const uint8_t *other)
{
    size_t b = FM_EC_BYTES(curve), len = 0;
    uint8_t d[FM_EC_MAX_BYTES], dout[FM_EC_MAX_BYTES];
    uint8_t want[1 + 2 * (FM_EC_MAX_BYTES + 1)], got[FM_EC_POINT_MAX_LEN];
    fm_ec_key key, pub;
    int rc, cv = 0, priv = -1;

    if (!int_fit(what, dhex, b, d, NULL))
        fail_msg("%s: d is longer than %zu bytes", what, b);
    if (!point_of(what, qx, qy, b, want, &len))
        fail_msg("%s: Q does not fit the field", what);
    rc = fm_ec_key_import(&key, curve, d, b, NULL, 0);
    if (rc != FM_OK)
        fail_msg("%s: fm_ec_key_import(d) returned %s", what, err_name(rc));
    assert_int_equal(fm_ec_key_info(&key, &cv, &priv), FM_OK);
    if (cv != curve || priv != 1)
        fail_msg("%s: fm_ec_key_info says curve %d private %d", what, cv, priv);
    memset(got, 0xa5, sizeof got);
    rc = fm_ec_key_public_bytes(&key, 0, got, sizeof got, &len);
    if (rc != FM_OK || len != 1 + 2 * b || !tu_mem_eq(what, got, want, 1 + 2 * b))
        fail_msg("%s: d G is not (Qx, Qy) (rc %s, %zu bytes)", what, err_name(rc), len);
    rc = fm_ec_key_public_bytes(&key, 1, got, sizeof got, &len);
    if (rc != FM_OK || len != 1 + b || got[0] != (0x02 | (want[2 * b] & 1)) ||
        memcmp(got + 1, want + 1, b) != 0)
        fail_msg("%s: the compressed public key is wrong (rc %s, %zu bytes)", what,
                 err_name(rc), len);
    rc = fm_ec_key_private_bytes(&key, dout, b);
    if (rc != FM_OK || !tu_mem_eq(what, dout, d, b))
        fail_msg("%s: fm_ec_key_private_bytes did not give d back (rc %s)", what, err_name(rc));
    assert_int_equal(fm_ec_key_public(&pub, &key), FM_OK);
    assert_int_equal(fm_ec_key_info(&pub, &cv, &priv), FM_OK);
    if (priv != 0 || fm_ec_key_public_bytes(&pub, 0, got, sizeof got, &len) != FM_OK ||
        len != 1 + 2 * b || memcmp(got, want, len) != 0)
        fail_msg("%s: fm_ec_key_public kept d or changed Q", what);
    if (fm_ec_key_private_bytes(&pub, dout, b) == FM_OK)
        fail_msg("%s: fm_ec_key_private_bytes succeeded on a public key", what);
    rc = fm_ec_key_import(&key, curve, d, b, want, 1 + 2 * b);
    if (rc != FM_OK)
        fail_msg("%s: fm_ec_key_import(d, Q) returned %s", what, err_name(rc));
    if (other != NULL && memcmp(other, want, 1 + 2 * b) != 0) {
        rc = fm_ec_key_import(&key, curve, d, b, other, 1 + 2 * b);
        if (rc != FM_ERR_KEY)
            fail_msg("%s: d with another key's Q gave %s, expected FM_ERR_KEY", what,
                     err_name(rc));
    }
    (void)fm_ec_key_wipe(&key);
    (void)fm_ec_key_wipe(&pub);
    (void)fm_wipe(d, sizeof d);
}

/*
 * Verify (r, s) (hex) of digest dg under key, as P1363 and as DER. Returns
 * the P1363 result; the test fails when the DER result differs. A value
 * too long for the curve cannot be written as P1363: FM_ERR_VERIFY without
 * a call, and the DER form (which can hold it) must be refused.
 */
static int verify_both(const char *what, const fm_ec_key *key, int curve, int hash,
                       const uint8_t *dg, size_t dl, const char *rhex, const char *shex)
{
    size_t b = FM_EC_BYTES(curve), derlen;
    uint8_t rs[2 * FM_EC_MAX_BYTES], der[FM_ECDSA_SIG_MAX_LEN + 8];
    int rc = FM_ERR_VERIFY, drc;
    bool fits = int_fit(what, rhex, b, rs, NULL);

    fits = int_fit(what, shex, b, rs + b, NULL) && fits;
    if (fits) {
        rc = fm_ecdsa_verify(key, hash, dg, dl, FM_ECDSA_P1363, rs, 2 * b);
        derlen = der_of(rs, b, der);
        drc = fm_ecdsa_verify(key, hash, dg, dl, FM_ECDSA_DER, der, derlen);
        if (drc != rc)
            fail_msg("%s: P1363 verification gave %s but DER gave %s", what, err_name(rc),
                     err_name(drc));
    }
    return rc;
}

/* ---- CAVP KeyPair.rsp ---------------------------------------------------------------- */

/* The curve of the current CAVP section: the `[P-256]` among the parameters. */
static const char *rsp_curve(const tu_rsp *r)
{
    for (size_t i = 0; i < r->nparams; i++) {
        const char *n = r->params[i].name;

        if (curve_id(n) >= 0)
            return n;
        /* SigGen/SigVer: "[P-256,SHA-256]" is one parameter named "P-256,SHA-256". */
        if (strchr(n, ',') != NULL)
            return n;
    }
    return NULL;
}

static void test_cavp_keypair(void **state)
{
    tu_case *c = ec_begin(state);
    const ec_file *f = c->data;
    char path[PATH_MAX], what[PATH_MAX + 64];
    uint8_t prev[4][1 + 2 * (FM_EC_MAX_BYTES + 1)];
    bool have_prev[4] = { false };
    long total = 0, run = 0, headers = 0;
    skips sk = { 0 };
    tu_rsp r;
    int rc;

    tu_vector_path(c, path, sizeof path);
    assert_int_equal(tu_rsp_open(&r, path), 0);
    while ((rc = tu_rsp_next(&r)) == 1) {
        const char *name = rsp_curve(&r);
        int curve = curve_id(name);
        size_t len;

        if (r.nfields == 1 && tu_rsp_field(&r, "N") != NULL) {
            headers++; /* "N = 10": how many records follow */
            continue;
        }
        total++;
        if (curve < 0)
            fail_msg("%s:%lu: record outside a known curve section", path, r.record_line);
        if (curve == 0) {
            skip_add(&sk, SKIP_CURVE);
            continue;
        }
        snprintf(what, sizeof what, "%s:%lu (%s) on %s", path, r.record_line, name, impl_of(c));
        check_key_pair(what, curve, tu_rsp_field(&r, "d"), tu_rsp_field(&r, "Qx"),
                       tu_rsp_field(&r, "Qy"), have_prev[curve] ? prev[curve] : NULL);
        (void)point_of(what, tu_rsp_field(&r, "Qx"), tu_rsp_field(&r, "Qy"),
                       FM_EC_BYTES(curve), prev[curve], &len);
        have_prev[curve] = true;
        run++;
    }
    assert_int_equal(rc, 0);
    tu_rsp_close(&r);
    /* Every d is valid: they all count as valid key pairs. */
    check_counts(c, f, total, run, 0, 0, &sk, NULL);
    assert_int_equal(headers, 15);
}

/* ---- CAVP PKV.rsp and ACVP keyVer: public key validation -------------------------- */

/*
 * Import (qx, qy) on curve; want_valid says what the file expects. Returns
 * the import's result for the tally. A pair too long for the field must be
 * expected invalid and its natural encoding refused with FM_ERR_DECODE.
 */
static int check_public(const char *what, int curve, const char *qx, const char *qy,
                        bool want_valid)
{
    size_t b = FM_EC_BYTES(curve), len, clen = 0;
    uint8_t pt[1 + 2 * (FM_EC_MAX_BYTES + 1)], a[FM_EC_POINT_MAX_LEN], comp[FM_EC_POINT_MAX_LEN];
    fm_ec_key key, key2;
    int rc, crc;

    if (!point_of(what, qx, qy, b, pt, &len)) {
        if (want_valid)
            fail_msg("%s: a coordinate is longer than the field but the file says valid", what);
        rc = fm_ec_key_import(&key, curve, NULL, 0, pt, len);
        if (rc != FM_ERR_DECODE)
            fail_msg("%s: a %zu-byte point for a %zu-byte field gave %s, expected "
                     "FM_ERR_DECODE", what, len, b, err_name(rc));
        return rc;
    }
    rc = fm_ec_key_import(&key, curve, NULL, 0, pt, len);
    if (want_valid) {
        if (rc != FM_OK)
            fail_msg("%s: fm_ec_key_import returned %s, expected FM_OK", what, err_name(rc));
        /* The compressed form must give the same key. */
        assert_int_equal(fm_ec_key_public_bytes(&key, 1, comp, sizeof comp, &clen), FM_OK);
        crc = fm_ec_key_import(&key2, curve, NULL, 0, comp, clen);
        if (crc != FM_OK || fm_ec_key_public_bytes(&key2, 0, a, sizeof a, &len) != FM_OK ||
            len != 1 + 2 * b || memcmp(a, pt, len) != 0)
            fail_msg("%s: the compressed form did not import to the same key (%s)", what,
                     err_name(crc));
        (void)fm_ec_key_wipe(&key2);
    } else if (rc != FM_ERR_KEY) {
        fail_msg("%s: fm_ec_key_import returned %s, expected FM_ERR_KEY", what, err_name(rc));
    }
    (void)fm_ec_key_wipe(&key);
    return rc;
}

static void test_cavp_pkv(void **state)
{
    tu_case *c = ec_begin(state);
    const ec_file *f = c->data;
    char path[PATH_MAX], what[PATH_MAX + 64];
    long total = 0, pass = 0, fail = 0;
    skips sk = { 0 };
    tally t = { 0 };
    tu_rsp r;
    int rc;

    tu_vector_path(c, path, sizeof path);
    assert_int_equal(tu_rsp_open(&r, path), 0);
    while ((rc = tu_rsp_next(&r)) == 1) {
        const char *name = rsp_curve(&r), *res = tu_rsp_field(&r, "Result");
        int curve = curve_id(name);
        bool want;

        total++;
        if (curve < 0 || res == NULL || (res[0] != 'P' && res[0] != 'F'))
            fail_msg("%s:%lu: record outside a curve section or without Result P/F", path,
                     r.record_line);
        if (curve == 0) {
            skip_add(&sk, SKIP_CURVE);
            continue;
        }
        want = res[0] == 'P';
        snprintf(what, sizeof what, "%s:%lu (%s, Result %s) on %s", path, r.record_line, name,
                 res, impl_of(c));
        tally_add(&t, res, check_public(what, curve, tu_rsp_field(&r, "Qx"),
                                        tu_rsp_field(&r, "Qy"), want));
        if (want)
            pass++;
        else
            fail++;
    }
    assert_int_equal(rc, 0);
    tu_rsp_close(&r);
    check_counts(c, f, total, pass, fail, 0, &sk, &t);
}

/* ---- CAVP SigVer.rsp -------------------------------------------------------------------- */

/* "P-256,SHA-256" -> curve and hash (0 with *why for a hash the module lacks). */
static int section_curve_hash(const char *name, int *hash, const char **why)
{
    char buf[32];
    const char *comma = name != NULL ? strchr(name, ',') : NULL;

    *hash = 0;
    *why = NULL;
    if (comma == NULL || (size_t)(comma - name) >= sizeof buf)
        return -1;
    memcpy(buf, name, (size_t)(comma - name));
    buf[comma - name] = '\0';
    *hash = hash_id(comma + 1, why);
    return curve_id(buf);
}

/*
 * One signature verification case: the key (qx, qy), the message digest,
 * (r, s). want_valid: what the file says. A refused key (FM_ERR_KEY) is
 * allowed for an invalid case only. Returns what decided it, for the tally.
 */
static int check_sigver(const char *what, int curve, int hash, const uint8_t *msg, size_t ml,
                        const char *qx, const char *qy, const char *rhex, const char *shex,
                        bool want_valid)
{
    size_t b = FM_EC_BYTES(curve), len, dl;
    uint8_t pt[1 + 2 * (FM_EC_MAX_BYTES + 1)], dg[FM_HASH_MAX_LEN];
    fm_ec_key key;
    int rc;

    dl = digest_of(hash, msg, ml, dg);
    if (!point_of(what, qx, qy, b, pt, &len)) {
        if (want_valid)
            fail_msg("%s: the key does not fit the field but the signature is valid", what);
        return FM_ERR_DECODE;
    }
    rc = fm_ec_key_import(&key, curve, NULL, 0, pt, len);
    if (rc != FM_OK) {
        if (want_valid || rc != FM_ERR_KEY)
            fail_msg("%s: fm_ec_key_import returned %s", what, err_name(rc));
        return rc;
    }
    rc = verify_both(what, &key, curve, hash, dg, dl, rhex, shex);
    (void)fm_ec_key_wipe(&key);
    if (rc != (want_valid ? FM_OK : FM_ERR_VERIFY))
        fail_msg("%s: fm_ecdsa_verify returned %s, expected %s", what, err_name(rc),
                 want_valid ? "FM_OK" : "FM_ERR_VERIFY");
    return rc;
}

static void test_cavp_sigver(void **state)
{
    tu_case *c = ec_begin(state);
    const ec_file *f = c->data;
    char path[PATH_MAX], what[PATH_MAX + 96];
    long total = 0, pass = 0, fail = 0;
    skips sk = { 0 };
    tally t = { 0 };
    tu_rsp r;
    int rc;

    tu_vector_path(c, path, sizeof path);
    assert_int_equal(tu_rsp_open(&r, path), 0);
    while ((rc = tu_rsp_next(&r)) == 1) {
        const char *name = rsp_curve(&r), *res = tu_rsp_field(&r, "Result"), *why;
        int hash, curve = section_curve_hash(name, &hash, &why);
        uint8_t *msg;
        size_t ml;
        bool want;

        total++;
        if (curve < 0 || res == NULL || (res[0] != 'P' && res[0] != 'F'))
            fail_msg("%s:%lu: record outside a [curve,hash] section or without Result P/F",
                     path, r.record_line);
        if (curve == 0 || why != NULL) {
            skip_add(&sk, curve == 0 ? SKIP_CURVE : why);
            continue;
        }
        want = res[0] == 'P';
        snprintf(what, sizeof what, "%s:%lu (%s, Result %s) on %s", path, r.record_line, name,
                 res, impl_of(c));
        msg = tu_hex_alloc(tu_rsp_field(&r, "Msg"), &ml);
        if (msg == NULL)
            fail_msg("%s: bad Msg", what);
        tally_add(&t, res, check_sigver(what, curve, hash, msg, ml, tu_rsp_field(&r, "Qx"),
                                        tu_rsp_field(&r, "Qy"), tu_rsp_field(&r, "R"),
                                        tu_rsp_field(&r, "S"), want));
        free(msg);
        if (want)
            pass++;
        else
            fail++;
    }
    assert_int_equal(rc, 0);
    tu_rsp_close(&r);
    check_counts(c, f, total, pass, fail, 0, &sk, &t);
}

/* ---- CAVP SigGen.txt / SigGen.rsp ------------------------------------------------------ */

/*
 * A valid signature (r, s) of msg on curve with hash under (qx, qy): it
 * must verify (P1363 and DER) and fail for the digest with a bit flipped;
 * with d (hex, or NULL), d must import to (qx, qy), and a signature made
 * here with d must verify with the module and with OpenSSL and differ
 * from (r, s).
 */
static void check_siggen(const char *what, int curve, int hash, const uint8_t *msg, size_t ml,
                         const char *dhex, const char *qx, const char *qy, const char *rhex,
                         const char *shex)
{
    size_t b = FM_EC_BYTES(curve), len, dl, siglen = 0, derlen;
    uint8_t pt[1 + 2 * (FM_EC_MAX_BYTES + 1)], dg[FM_HASH_MAX_LEN], d[FM_EC_MAX_BYTES];
    uint8_t sig[FM_ECDSA_SIG_MAX_LEN], given[2 * FM_EC_MAX_BYTES], der[FM_ECDSA_SIG_MAX_LEN + 8];
    fm_ec_key key, priv;
    int rc;

    dl = digest_of(hash, msg, ml, dg);
    if (!point_of(what, qx, qy, b, pt, &len))
        fail_msg("%s: Q does not fit the field", what);
    rc = fm_ec_key_import(&key, curve, NULL, 0, pt, len);
    if (rc != FM_OK)
        fail_msg("%s: fm_ec_key_import(Q) returned %s", what, err_name(rc));
    rc = verify_both(what, &key, curve, hash, dg, dl, rhex, shex);
    if (rc != FM_OK)
        fail_msg("%s: the file's (R, S) gave %s, expected FM_OK", what, err_name(rc));
    /* The first byte: a long digest is truncated to n's bits from the right. */
    dg[0] ^= 0x01;
    rc = verify_both(what, &key, curve, hash, dg, dl, rhex, shex);
    if (rc != FM_ERR_VERIFY)
        fail_msg("%s: (R, S) for a digest with one bit flipped gave %s", what, err_name(rc));
    dg[0] ^= 0x01;
    if (dhex != NULL) {
        check_key_pair(what, curve, dhex, qx, qy, NULL);
        if (!int_fit(what, dhex, b, d, NULL))
            fail_msg("%s: d does not fit", what);
        assert_int_equal(fm_ec_key_import(&priv, curve, d, b, NULL, 0), FM_OK);
        rc = fm_ecdsa_sign(&priv, hash, dg, dl, FM_ECDSA_P1363, sig, sizeof sig, &siglen);
        if (rc != FM_OK || siglen != 2 * b)
            fail_msg("%s: fm_ecdsa_sign (P1363) returned %s, %zu bytes", what, err_name(rc),
                     siglen);
        (void)int_fit(what, rhex, b, given, NULL);
        (void)int_fit(what, shex, b, given + b, NULL);
        if (memcmp(sig, given, 2 * b) == 0)
            fail_msg("%s: a fresh signature equals the file's: k is not random", what);
        rc = fm_ecdsa_verify(&key, hash, dg, dl, FM_ECDSA_P1363, sig, siglen);
        derlen = der_of(sig, b, der);
        if (rc != FM_OK || !ossl_verify(curve, pt, len, dg, dl, der, derlen))
            fail_msg("%s: a fresh P1363 signature does not verify (module %s, or OpenSSL)",
                     what, err_name(rc));
        rc = fm_ecdsa_sign(&priv, hash, dg, dl, FM_ECDSA_DER, sig, sizeof sig, &siglen);
        if (rc != FM_OK || siglen > FM_ECDSA_SIG_MAX_LEN)
            fail_msg("%s: fm_ecdsa_sign (DER) returned %s, %zu bytes", what, err_name(rc),
                     siglen);
        rc = fm_ecdsa_verify(&key, hash, dg, dl, FM_ECDSA_DER, sig, siglen);
        if (rc != FM_OK || !ossl_verify(curve, pt, len, dg, dl, sig, siglen))
            fail_msg("%s: a fresh DER signature does not verify (module %s, or OpenSSL)", what,
                     err_name(rc));
        (void)fm_ec_key_wipe(&priv);
        (void)fm_wipe(d, sizeof d);
    }
    (void)fm_ec_key_wipe(&key);
}

static bool field_eq(const tu_rsp *a, const tu_rsp *b, const char *name)
{
    const char *x = tu_rsp_field(a, name), *y = tu_rsp_field(b, name);

    return x != NULL && y != NULL && strcmp(x, y) == 0;
}

static void test_cavp_siggen(void **state)
{
    tu_case *c = ec_begin(state);
    const ec_file *f = c->data;
    char path[PATH_MAX], rsp[PATH_MAX], what[PATH_MAX + 96];
    long total = 0, run = 0;
    skips sk = { 0 };
    tu_rsp r, q;
    int rc, rc2;

    /* f->file is the .txt (with d, k); its .rsp twin must hold the same records. */
    tu_vector_path(c, path, sizeof path);
    snprintf(rsp, sizeof rsp, "%s", path);
    assert_true(strlen(rsp) > 4 && strcmp(rsp + strlen(rsp) - 4, ".txt") == 0);
    memcpy(rsp + strlen(rsp) - 4, ".rsp", 4);
    assert_int_equal(tu_rsp_open(&r, path), 0);
    if (tu_rsp_open(&q, rsp) != 0)
        fail_msg("vectors folder has %s but not %s", path, rsp);
    for (;;) {
        const char *name, *why;
        int hash, curve;
        uint8_t *msg;
        size_t ml;

        rc = tu_rsp_next(&r);
        rc2 = tu_rsp_next(&q);
        if (rc != 1 || rc2 != 1)
            break;
        name = rsp_curve(&r);
        curve = section_curve_hash(name, &hash, &why);
        total++;
        if (curve < 0)
            fail_msg("%s:%lu: record outside a [curve,hash] section", path, r.record_line);
        if (strcmp(name, rsp_curve(&q) != NULL ? rsp_curve(&q) : "") != 0 ||
            !field_eq(&r, &q, "Msg") || !field_eq(&r, &q, "Qx") || !field_eq(&r, &q, "Qy") ||
            !field_eq(&r, &q, "R") || !field_eq(&r, &q, "S"))
            fail_msg("%s:%lu and %s:%lu differ", path, r.record_line, rsp, q.record_line);
        if (curve == 0 || why != NULL) {
            skip_add(&sk, curve == 0 ? SKIP_CURVE : why);
            continue;
        }
        snprintf(what, sizeof what, "%s:%lu (%s) on %s", path, r.record_line, name, impl_of(c));
        msg = tu_hex_alloc(tu_rsp_field(&r, "Msg"), &ml);
        if (msg == NULL)
            fail_msg("%s: bad Msg", what);
        check_siggen(what, curve, hash, msg, ml, tu_rsp_field(&r, "d"), tu_rsp_field(&r, "Qx"),
                     tu_rsp_field(&r, "Qy"), tu_rsp_field(&r, "R"), tu_rsp_field(&r, "S"));
        free(msg);
        run++;
    }
    if (rc != 0 || rc2 != 0)
        fail_msg("%s and %s do not end together (or a read error)", path, rsp);
    tu_rsp_close(&r);
    tu_rsp_close(&q);
    check_counts(c, f, total, run, 0, 0, &sk, NULL);
}

/* ---- ACVP samples ------------------------------------------------------------------------ */

static const char *jstr(const char *path, json_t *o, const char *field)
{
    const char *s = json_string_value(json_object_get(o, field));

    if (s == NULL)
        fail_msg("%s: no string '%s'", path, field);
    return s;
}

static uint8_t *jhex(const char *path, json_t *o, const char *field, size_t *len)
{
    uint8_t *p = tu_hex_alloc(jstr(path, o, field), len);

    if (p == NULL)
        fail_msg("%s: bad hex in '%s'", path, field);
    return p;
}

static json_t *jload(const char *path)
{
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);

    if (root == NULL)
        fail_msg("%s:%d: %s", path, err.line, err.text);
    if (!json_is_array(json_object_get(root, "testGroups")))
        fail_msg("%s: no testGroups array", path);
    return root;
}

/* expectedResults.json beside internalProjection.json, indexed "tg/tc" -> test. */
static json_t *expected_index(const char *ipath, char *epath, size_t cap)
{
    const char *slash = strrchr(ipath, '/');
    json_t *root, *idx = json_object(), *g, *t;
    size_t i, j;
    char key[64];

    assert_non_null(slash);
    snprintf(epath, cap, "%.*s/expectedResults.json", (int)(slash - ipath), ipath);
    root = jload(epath);
    assert_non_null(idx);
    json_array_foreach(json_object_get(root, "testGroups"), i, g) {
        json_array_foreach(json_object_get(g, "tests"), j, t) {
            snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT "/%" JSON_INTEGER_FORMAT,
                     json_integer_value(json_object_get(g, "tgId")),
                     json_integer_value(json_object_get(t, "tcId")));
            json_object_set(idx, key, t);
        }
    }
    json_decref(root);
    return idx;
}

/*
 * The verdict of an ACVP keyVer or sigVer test: testPassed of
 * internalProjection, which must equal expectedResults.json's.
 */
static bool acvp_verdict(const char *path, const char *epath, json_t *expected, json_int_t tg,
                         json_t *test)
{
    json_int_t tc = json_integer_value(json_object_get(test, "tcId"));
    json_t *want = json_object_get(test, "testPassed"), *e;
    char key[64];

    snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT "/%" JSON_INTEGER_FORMAT, tg, tc);
    e = json_object_get(json_object_get(expected, key), "testPassed");
    if (!json_is_boolean(want) || !json_is_boolean(e) || json_is_true(want) != json_is_true(e))
        fail_msg("%s tgId %" JSON_INTEGER_FORMAT " tcId %" JSON_INTEGER_FORMAT ": testPassed "
                 "missing or not the same as in %s", path, tg, tc, epath);
    return json_is_true(want);
}

/* The group's curve (and, when hashed, its hash): 0 and a reason when skipped. */
static int acvp_group(const char *path, json_t *g, bool hashed, int *hash, const char **why)
{
    const char *conformance = json_string_value(json_object_get(g, "conformance"));
    int curve = curve_id(jstr(path, g, "curve"));

    *hash = 0;
    *why = NULL;
    if (curve < 0)
        fail_msg("%s: curve '%s' is not known", path, jstr(path, g, "curve"));
    if (curve == 0) {
        *why = SKIP_CURVE;
        return 0;
    }
    if (!hashed)
        return curve;
    *hash = hash_id(jstr(path, g, "hashAlg"), why);
    if (*why != NULL)
        return 0;
    if (conformance != NULL && strcmp(conformance, "SP800-106") == 0) {
        *why = SKIP_RMX;
        return 0;
    }
    if (conformance != NULL)
        fail_msg("%s: conformance '%s' is not known", path, conformance);
    if (json_is_true(json_object_get(g, "componentTest")))
        fail_msg("%s: componentTest groups are not handled by this test", path);
    return curve;
}

static void test_acvp_keygen(void **state)
{
    tu_case *c = ec_begin(state);
    const ec_file *f = c->data;
    char path[PATH_MAX], what[PATH_MAX + 96];
    json_t *root, *g, *t;
    long total = 0, run = 0;
    skips sk = { 0 };
    size_t i, j;

    tu_vector_path(c, path, sizeof path);
    root = jload(path);
    json_array_foreach(json_object_get(root, "testGroups"), i, g) {
        const char *why;
        int hash, curve = acvp_group(path, g, false, &hash, &why);

        json_array_foreach(json_object_get(g, "tests"), j, t) {
            total++;
            if (curve == 0) {
                skip_add(&sk, why);
                continue;
            }
            snprintf(what, sizeof what, "%s tcId %" JSON_INTEGER_FORMAT " (%s) on %s", path,
                     json_integer_value(json_object_get(t, "tcId")), jstr(path, g, "curve"),
                     impl_of(c));
            check_key_pair(what, curve, jstr(path, t, "d"), jstr(path, t, "qx"),
                           jstr(path, t, "qy"), NULL);
            run++;
        }
    }
    json_decref(root);
    check_counts(c, f, total, run, 0, 0, &sk, NULL);
}

static void test_acvp_keyver(void **state)
{
    tu_case *c = ec_begin(state);
    const ec_file *f = c->data;
    char path[PATH_MAX], epath[PATH_MAX], what[PATH_MAX + 128];
    json_t *root, *expected, *g, *t;
    long total = 0, pass = 0, fail = 0;
    skips sk = { 0 };
    tally tl = { 0 };
    size_t i, j;

    tu_vector_path(c, path, sizeof path);
    root = jload(path);
    expected = expected_index(path, epath, sizeof epath);
    json_array_foreach(json_object_get(root, "testGroups"), i, g) {
        json_int_t tg = json_integer_value(json_object_get(g, "tgId"));
        const char *why;
        int hash, curve = acvp_group(path, g, false, &hash, &why);

        json_array_foreach(json_object_get(g, "tests"), j, t) {
            bool want = acvp_verdict(path, epath, expected, tg, t);
            const char *reason = json_string_value(json_object_get(t, "reason"));
            char kind[96];

            total++;
            if (curve == 0) {
                skip_add(&sk, why);
                continue;
            }
            snprintf(what, sizeof what, "%s tcId %" JSON_INTEGER_FORMAT " (%s, %s) on %s", path,
                     json_integer_value(json_object_get(t, "tcId")), jstr(path, g, "curve"),
                     reason != NULL ? reason : "?", impl_of(c));
            snprintf(kind, sizeof kind, "%s (%s)", want ? "true" : "false",
                     reason != NULL ? reason : "?");
            tally_add(&tl, kind, check_public(what, curve, jstr(path, t, "qx"),
                                              jstr(path, t, "qy"), want));
            if (want)
                pass++;
            else
                fail++;
        }
    }
    json_decref(expected);
    json_decref(root);
    check_counts(c, f, total, pass, fail, 0, &sk, &tl);
}

static void test_acvp_sigver(void **state)
{
    tu_case *c = ec_begin(state);
    const ec_file *f = c->data;
    char path[PATH_MAX], epath[PATH_MAX], what[PATH_MAX + 128];
    json_t *root, *expected, *g, *t;
    long total = 0, pass = 0, fail = 0;
    skips sk = { 0 };
    tally tl = { 0 };
    size_t i, j;

    tu_vector_path(c, path, sizeof path);
    root = jload(path);
    expected = expected_index(path, epath, sizeof epath);
    json_array_foreach(json_object_get(root, "testGroups"), i, g) {
        json_int_t tg = json_integer_value(json_object_get(g, "tgId"));
        const char *why;
        int hash, curve = acvp_group(path, g, true, &hash, &why);

        json_array_foreach(json_object_get(g, "tests"), j, t) {
            bool want = acvp_verdict(path, epath, expected, tg, t);
            const char *reason = json_string_value(json_object_get(t, "reason"));
            uint8_t *msg;
            size_t ml;
            char kind[96];

            total++;
            if (curve == 0) {
                skip_add(&sk, why);
                continue;
            }
            snprintf(what, sizeof what, "%s tcId %" JSON_INTEGER_FORMAT " (%s, %s, %s) on %s",
                     path, json_integer_value(json_object_get(t, "tcId")),
                     jstr(path, g, "curve"), jstr(path, g, "hashAlg"),
                     reason != NULL ? reason : "?", impl_of(c));
            snprintf(kind, sizeof kind, "%s (%s)", want ? "true" : "false",
                     reason != NULL ? reason : "?");
            msg = jhex(path, t, "message", &ml);
            tally_add(&tl, kind, check_sigver(what, curve, hash, msg, ml, jstr(path, t, "qx"),
                                              jstr(path, t, "qy"), jstr(path, t, "r"),
                                              jstr(path, t, "s"), want));
            free(msg);
            if (want)
                pass++;
            else
                fail++;
        }
    }
    json_decref(expected);
    json_decref(root);
    check_counts(c, f, total, pass, fail, 0, &sk, &tl);
}

static void test_acvp_siggen(void **state)
{
    tu_case *c = ec_begin(state);
    const ec_file *f = c->data;
    char path[PATH_MAX], what[PATH_MAX + 128];
    json_t *root, *g, *t;
    long total = 0, run = 0;
    skips sk = { 0 };
    size_t i, j;

    tu_vector_path(c, path, sizeof path);
    root = jload(path);
    json_array_foreach(json_object_get(root, "testGroups"), i, g) {
        const char *why;
        int hash, curve = acvp_group(path, g, true, &hash, &why);
        bool first = true;

        json_array_foreach(json_object_get(g, "tests"), j, t) {
            uint8_t *msg;
            size_t ml;

            total++;
            if (curve == 0) {
                skip_add(&sk, why);
                continue;
            }
            snprintf(what, sizeof what, "%s tgId %" JSON_INTEGER_FORMAT " tcId %"
                     JSON_INTEGER_FORMAT " (%s, %s) on %s", path,
                     json_integer_value(json_object_get(g, "tgId")),
                     json_integer_value(json_object_get(t, "tcId")), jstr(path, g, "curve"),
                     jstr(path, g, "hashAlg"), impl_of(c));
            msg = jhex(path, t, "message", &ml);
            /* The group's d: check it (and sign with it) on the group's first test. */
            check_siggen(what, curve, hash, msg, ml, first ? jstr(path, g, "d") : NULL,
                         jstr(path, g, "qx"), jstr(path, g, "qy"), jstr(path, t, "r"),
                         jstr(path, t, "s"));
            first = false;
            free(msg);
            run++;
        }
    }
    json_decref(root);
    check_counts(c, f, total, run, 0, 0, &sk, NULL);
}

/* ---- Wycheproof ------------------------------------------------------------------------------- */

/* "result [flag,flag]" for the tally. */
static void wp_kind(json_t *t, const char *result, char *buf, size_t cap)
{
    json_t *flags = json_object_get(t, "flags"), *fl;
    size_t i, l;

    snprintf(buf, cap, "%s", result);
    json_array_foreach(flags, i, fl) {
        l = strlen(buf);
        snprintf(buf + l, cap - l, "%s%s", i == 0 ? " [" : ",", json_string_value(fl));
    }
    if (json_array_size(flags) > 0) {
        l = strlen(buf);
        snprintf(buf + l, cap - l, "]");
    }
}

static void test_wycheproof(void **state)
{
    tu_case *c = ec_begin(state);
    const ec_file *f = c->data;
    char path[PATH_MAX], what[PATH_MAX + 128], kind[160];
    json_t *root, *g, *t;
    long total = 0, valid = 0, invalid = 0, acceptable = 0;
    skips sk = { 0 };
    tally tl = { 0 };
    size_t i, j;
    const char *schema;
    bool p1363;
    unsigned flags;

    tu_vector_path(c, path, sizeof path);
    root = json_load_file(path, 0, NULL);
    if (root == NULL)
        fail_msg("%s: not JSON", path);
    schema = jstr(path, root, "schema");
    p1363 = strcmp(schema, "ecdsa_p1363_verify_schema_v1.json") == 0;
    if (!p1363 && strcmp(schema, "ecdsa_verify_schema_v1.json") != 0)
        fail_msg("%s: schema %s is not an ECDSA verify schema", path, schema);
    if (p1363 != (strstr(f->file, "_p1363_") != NULL))
        fail_msg("%s: schema %s does not match the file name", path, schema);
    flags = p1363 ? FM_ECDSA_P1363 : FM_ECDSA_DER;
    json_array_foreach(json_object_get(root, "testGroups"), i, g) {
        json_t *pk = json_object_get(g, "publicKey");
        const char *why;
        int curve = curve_id(jstr(path, pk, "curve"));
        int hash = hash_id(jstr(path, g, "sha"), &why);
        size_t b = FM_EC_BYTES(curve), ul, cl = 0, pl = 0;
        uint8_t *u, xy[2 * FM_EC_MAX_BYTES], comp[FM_EC_POINT_MAX_LEN], got[FM_EC_POINT_MAX_LEN];
        fm_ec_key key, key2;
        int rc;

        if (curve <= 0 || why != NULL)
            fail_msg("%s: group %zu: curve %s or hash %s not in the module", path, i,
                     jstr(path, pk, "curve"), jstr(path, g, "sha"));
        /* The key: its uncompressed point, checked against wx, wy and the compressed form. */
        u = jhex(path, pk, "uncompressed", &ul);
        if (ul != 1 + 2 * b || u[0] != 0x04 ||
            !int_fit(path, jstr(path, pk, "wx"), b, xy, NULL) ||
            !int_fit(path, jstr(path, pk, "wy"), b, xy + b, NULL) ||
            memcmp(u + 1, xy, 2 * b) != 0)
            fail_msg("%s: group %zu: uncompressed is not 04 || wx || wy", path, i);
        rc = fm_ec_key_import(&key, curve, NULL, 0, u, ul);
        if (rc != FM_OK)
            fail_msg("%s: group %zu: fm_ec_key_import returned %s", path, i, err_name(rc));
        assert_int_equal(fm_ec_key_public_bytes(&key, 1, comp, sizeof comp, &cl), FM_OK);
        if (cl != 1 + b || fm_ec_key_import(&key2, curve, NULL, 0, comp, cl) != FM_OK ||
            fm_ec_key_public_bytes(&key2, 0, got, sizeof got, &pl) != FM_OK || pl != ul ||
            memcmp(got, u, ul) != 0)
            fail_msg("%s: group %zu: the compressed form does not give the same key", path, i);
        (void)fm_ec_key_wipe(&key2);
        free(u);
        json_array_foreach(json_object_get(g, "tests"), j, t) {
            const char *result = jstr(path, t, "result");
            bool is_valid = strcmp(result, "valid") == 0;
            bool is_invalid = strcmp(result, "invalid") == 0;
            uint8_t *msg, *sig, dg[FM_HASH_MAX_LEN], other[FM_ECDSA_SIG_MAX_LEN + 8];
            size_t ml, sl, dl, ol;
            int orc;

            total++;
            if (!is_valid && !is_invalid && strcmp(result, "acceptable") != 0)
                fail_msg("%s: tcId %" JSON_INTEGER_FORMAT ": result '%s'", path,
                         json_integer_value(json_object_get(t, "tcId")), result);
            snprintf(what, sizeof what, "%s tcId %" JSON_INTEGER_FORMAT " (%s: %s) on %s", path,
                     json_integer_value(json_object_get(t, "tcId")), result,
                     jstr(path, t, "comment"), impl_of(c));
            msg = jhex(path, t, "msg", &ml);
            sig = jhex(path, t, "sig", &sl);
            dl = digest_of(hash, msg, ml, dg);
            rc = fm_ecdsa_verify(&key, hash, dg, dl, flags, sig, sl);
            if (is_valid) {
                if (rc != FM_OK) {
                    tu_hex_print("  sig: ", sig, sl);
                    fail_msg("%s: fm_ecdsa_verify returned %s, expected FM_OK", what,
                             err_name(rc));
                }
                /* The same signature in the other encoding verifies too. */
                if (p1363) {
                    assert_int_equal(sl, 2 * b);
                    ol = der_of(sig, b, other);
                } else {
                    if (!p1363_of(sig, sl, b, other))
                        fail_msg("%s: OpenSSL cannot read this valid DER signature", what);
                    ol = 2 * b;
                }
                orc = fm_ecdsa_verify(&key, hash, dg, dl, p1363 ? FM_ECDSA_DER : FM_ECDSA_P1363,
                                      other, ol);
                if (orc != FM_OK)
                    fail_msg("%s: the same signature as %s gave %s", what,
                             p1363 ? "DER" : "P1363", err_name(orc));
                valid++;
            } else if (is_invalid) {
                /* ec.h: FM_ERR_VERIFY for any signature that is not valid. */
                if (rc != FM_ERR_VERIFY) {
                    tu_hex_print("  sig: ", sig, sl);
                    fail_msg("%s: fm_ecdsa_verify returned %s, expected FM_ERR_VERIFY", what,
                             err_name(rc));
                }
                invalid++;
            } else {
                /* Either outcome is allowed: recorded in the tally, never judged. */
                acceptable++;
            }
            wp_kind(t, result, kind, sizeof kind);
            tally_add(&tl, kind, rc);
            free(msg);
            free(sig);
        }
        (void)fm_ec_key_wipe(&key);
    }
    if (json_integer_value(json_object_get(root, "numberOfTests")) != total)
        fail_msg("%s: %ld tests read, numberOfTests says %" JSON_INTEGER_FORMAT, path, total,
                 json_integer_value(json_object_get(root, "numberOfTests")));
    json_decref(root);
    check_counts(c, f, total, valid, invalid, acceptable, &sk, &tl);
}

/* ---- the files ----------------------------------------------------------------------------- */

/*
 * Counts taken from the files (MANIFEST.md sums; per-curve and per-hash
 * counts by hand): CAVP has 10 key pairs, 12 PKV records and 15 SigGen or
 * SigVer records per section; the module runs P-256, P-384 and P-521 with
 * SHA-224 to SHA-512.
 */
static const ec_file cavp_keypair = {
    "cavp/ecdsa/KeyPair.rsp", 150, 30, 30, 0, 0, .skip_curve = 120,
};
static const ec_file cavp_pkv = {
    "cavp/ecdsa/PKV.rsp", 180, 36, 12, 24, 0, .skip_curve = 144,
};
static const ec_file cavp_sigver = {
    "cavp/ecdsa/SigVer.rsp", 1125, 180, 36, 144, 0, .skip_curve = 900, .skip_sha1 = 45,
};
static const ec_file cavp_siggen = {
    "cavp/ecdsa/SigGen.txt", 1125, 180, 180, 0, 0, .skip_curve = 900, .skip_sha1 = 45,
};
static const ec_file acvp_keygen = {
    "acvp/ECDSA-KeyGen-FIPS186-5/internalProjection.json", 72, 18, 18, 0, 0,
    .skip_curve = 54,
};
static const ec_file acvp_keyver = {
    "acvp/ECDSA-KeyVer-FIPS186-5/internalProjection.json", 36, 9, 3, 6, 0, .skip_curve = 27,
};
static const ec_file acvp_siggen = {
    "acvp/ECDSA-SigGen-FIPS186-5/internalProjection.json", 2880, 180, 180, 0, 0,
    .skip_curve = 2160, .skip_sha3 = 360, .skip_rmx = 180,
};
static const ec_file acvp_sigver = {
    "acvp/ECDSA-SigVer-FIPS186-5/internalProjection.json", 196, 63, 9, 54, 0,
    .skip_curve = 49, .skip_sha3 = 84,
};

#define WP(name, total, valid, invalid) \
    { "wycheproof/" name, total, total, valid, invalid, 0, 0, 0, 0, 0 }
static const ec_file wp_files[] = {
    WP("ecdsa_secp256r1_sha256_p1363_test.json", 262, 173, 89),
    WP("ecdsa_secp256r1_sha256_test.json", 484, 174, 310),
    WP("ecdsa_secp256r1_sha512_p1363_test.json", 332, 242, 90),
    WP("ecdsa_secp256r1_sha512_test.json", 554, 243, 311),
    WP("ecdsa_secp384r1_sha256_test.json", 472, 162, 310),
    WP("ecdsa_secp384r1_sha384_p1363_test.json", 280, 193, 87),
    WP("ecdsa_secp384r1_sha384_test.json", 504, 194, 310),
    WP("ecdsa_secp384r1_sha512_p1363_test.json", 318, 230, 88),
    WP("ecdsa_secp384r1_sha512_test.json", 542, 231, 311),
    WP("ecdsa_secp521r1_sha512_p1363_test.json", 318, 231, 87),
    WP("ecdsa_secp521r1_sha512_test.json", 542, 232, 310),
};

/* ---- registration ---------------------------------------------------------------------------- */

static void add(CMUnitTestFunction fn, const ec_file *f)
{
    tu_case t = { .file = f->file, .expect = f->total, .data = f, .family = EC_FAMILY };

    if (EC_FAMILY != 0) {
        tu_add_per_impl(&suite, fn, &t, f->file);
    } else {
        t.impl.name = "FM_CPU_PORTABLE";
        t.impl.mask = FM_CPU_PORTABLE;
        tu_add(&suite, fn, &t, "%s [FM_CPU_PORTABLE]", f->file);
        t.impl.name = NULL;
        tu_add(&suite, fn, &t, "%s [FM_CPU_ALL]", f->file);
    }
}

int main(void)
{
    tu_init("test_ec_vectors");
    add(test_cavp_keypair, &cavp_keypair);
    add(test_cavp_pkv, &cavp_pkv);
    add(test_cavp_sigver, &cavp_sigver);
    add(test_cavp_siggen, &cavp_siggen);
    add(test_acvp_keygen, &acvp_keygen);
    add(test_acvp_keyver, &acvp_keyver);
    add(test_acvp_siggen, &acvp_siggen);
    add(test_acvp_sigver, &acvp_sigver);
    for (size_t i = 0; i < sizeof wp_files / sizeof wp_files[0]; i++)
        add(test_wycheproof, &wp_files[i]);
    return tu_run(&suite, "test_ec_vectors");
}
