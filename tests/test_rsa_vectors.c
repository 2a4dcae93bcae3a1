/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RSA (fipsmod/rsa.h, keys.h) against every external RSA vector file in
 * the shared vector folder (../shared/vectors or $FIPSMOD_VECTORS; see its
 * MANIFEST.md), each case with the outcome the file gives it. When the
 * folder is absent every test here says so and is skipped.
 *
 * NIST CAVP (FIPS 186-3 RSA, CAVS 11.x; SP 800-56B RSADP, CAVS 15.1):
 *  - SigGen15_186-3 and SigGenPSS_186-3: the .rsp files give n, e, Msg, S
 *    but no private key; the .txt files are the same records plus d (and
 *    SaltVal for PSS). Both are read and must agree record for record; d
 *    comes from the .txt. The primes are recovered from (n, e, d) with
 *    OpenSSL BIGNUM (SP 800-56Br2 Appendix C.2), dp, dq and qinv computed,
 *    and the private key imported with fm_rsa_key_import. PKCS#1 v1.5:
 *    fm_rsa_sign must give S byte for byte, and S must verify. PSS: the
 *    salt is random, so the signature made here must verify with the
 *    file's salt length (and differ from S), and S must verify with that
 *    salt length and with FM_RSA_PSS_SALT_AUTO.
 *  - SigVer15_186-3 and SigVerPSS_186-3: a public key (n, e) per record and
 *    fm_rsa_verify; Result P must verify, Result F must be refused: by
 *    fm_rsa_verify with FM_ERR_VERIFY, or by fm_rsa_key_import with
 *    FM_ERR_KEY (allowed for the SigVerPSS "e changed" records, whose e
 *    could make the key itself invalid; today none does). The codes are
 *    tallied and printed per failure reason. SigVer15 lost leading zero nibbles in
 *    some Msg, S and e values: they are restored (MANIFEST.md).
 *  - rsa_dp/RSADPComponent800_56B (.rsp, d from the .txt): every one of
 *    its 60 keys has a public exponent of about the modulus length, above
 *    the e < 2^256 bound of fipsmod/rsa.h (SP 800-56Br2 6.2.1), so the
 *    module cannot hold these keys: each record checks that the import
 *    refuses the (verified consistent) key with FM_ERR_KEY and is counted
 *    as skipped with that reason. Should the bound change, the same code
 *    runs fm_rsa_decrypt_primitive on the records instead.
 * NIST ACVP RSA-DecryptionPrimitive-Sp800-56Br2 (internalProjection.json,
 * keys with 2^16 < e < 2^256): added because the CAVP RSADP file cannot
 * run. testPassed true: fm_rsa_decrypt_primitive gives pt exactly; false
 * (ct <= 1 or ct >= n - 1): FM_ERR_ARG with the output zeroed.
 *
 * Wycheproof (testvectors_v1, and the v0 rsa_sig_gen_misc file): valid
 * cases must succeed with the exact output, invalid cases must be
 * refused with the code the API documents, acceptable cases are run and
 * what the module did is printed (they never fail the test, except that a
 * PKCS#1 v1.5 signature the module does produce must be the right one).
 *  - rsa_signature_*: fm_rsa_verify PKCS#1 v1.5. Invalid: FM_ERR_VERIFY,
 *    or FM_ERR_LENGTH when the signature is not modulus-length.
 *  - rsa_pss_*: fm_rsa_verify PSS with the group's sLen (valid cases also
 *    with FM_RSA_PSS_SALT_AUTO); same codes. The module's PSS uses MGF1
 *    with the message hash and has no SHA-1, so groups with another MGF1
 *    hash or with SHA-1 are skipped and counted by reason. The *_params
 *    files give the key as an id-RSASSA-PSS SubjectPublicKeyInfo, which
 *    fm_rsa_der_parse refuses with FM_ERR_UNSUPPORTED by design (keys.h):
 *    that is checked, and the key is taken from publicKeyAsn.
 *  - rsa_pkcs1_*_sig_gen and v0 rsa_sig_gen_misc: fm_rsa_sign PKCS#1 v1.5
 *    from the PKCS#8 key, byte-identical signatures that verify; SHA-1
 *    groups skipped.
 *  - rsa_oaep_*: fm_rsa_oaep_decrypt with the label from the PKCS#8 key:
 *    valid gives msg exactly, invalid gives FM_ERR_DECRYPT with the output
 *    zeroed. The mgf1sha1 files (and SHA-1 itself) are skipped.
 * Each group's key is checked in every form the file gives (publicKeyAsn,
 * publicKeyDer, publicKeyPem, keyDer, privateKeyPkcs8, privateKeyPem)
 * with fm_rsa_der_parse and fm_pem_decode against the JSON integers; JWK
 * forms are not read (no base64url decoder here; they repeat the same key).
 *
 * Exact counts. Every file's total and its counts per outcome (valid,
 * invalid, acceptable; P/F; skipped by reason) are hard-coded below and
 * asserted, so that a case silently dropped fails the test. Each test
 * prints "N passed, N skipped (reason)" for its file.
 *
 * Implementations: every test that runs a case runs once per big-integer
 * implementation (FM_FAMILY_RSA: "portable", "mulx"; the key records the
 * implementation selected when it is imported). Files whose every case is
 * skipped run once. The whole program takes about 8 seconds.
 */
#include "testutil.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <fipsmod/fipsmod.h>
#include <jansson.h>
#include <openssl/bn.h>

static tu_suite suite;

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
    return c->impl.name != NULL ? c->impl.name : "default";
}

#define BN_CHECK(call)                                                             \
    do {                                                                           \
        if (!(call))                                                               \
            fail_msg("%s:%d: OpenSSL %s failed", __FILE__, __LINE__, #call);       \
    } while (0)

/*
 * FM_SHA* for a hash name as CAVP ("SHA256") or Wycheproof ("SHA-256",
 * "SHA-512/224") writes it; 0 for SHA-1 (not in the module); -1 unknown.
 */
static int hash_id(const char *name)
{
    static const struct {
        const char *name;
        int id;
    } names[] = {
        { "SHA1", 0 },
        { "SHA224", FM_SHA224 },
        { "SHA256", FM_SHA256 },
        { "SHA384", FM_SHA384 },
        { "SHA512", FM_SHA512 },
        { "SHA512/224", FM_SHA512_224 },
        { "SHA512/256", FM_SHA512_256 },
    };
    char buf[16];
    size_t j = 0, i;

    if (name == NULL)
        return -1;
    for (; *name != '\0'; name++) {
        if (*name == '-')
            continue;
        if (j == sizeof buf - 1)
            return -1;
        buf[j++] = *name;
    }
    buf[j] = '\0';
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(buf, names[i].name) == 0)
            return names[i].id;
    return -1;
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
 * Decode hex into a fresh buffer, restoring the leading zeros a CAVP
 * writer dropped: an odd number of digits gets a '0' in front, and when
 * width > 0 a shorter value is left-padded with zero bytes to width bytes
 * (S, c and k are integers written as I2OSP(x, k)). *fixed is set when
 * anything was added. NULL on bad hex.
 */
static uint8_t *hex_fixed(const char *hex, size_t width, size_t *len, bool *fixed)
{
    size_t digits = strlen(hex), raw, pad;
    char *even;
    uint8_t *tmp, *out;

    even = malloc(digits + 2);
    assert_non_null(even);
    even[0] = '0';
    memcpy(even + digits % 2, hex, digits + 1);
    tmp = tu_hex_alloc(even, &raw);
    free(even);
    if (tmp == NULL)
        return NULL;
    pad = width > raw ? width - raw : 0;
    out = calloc(raw + pad + 1, 1);
    assert_non_null(out);
    memcpy(out + pad, tmp, raw);
    free(tmp);
    *len = raw + pad;
    if (fixed != NULL)
        *fixed = digits % 2 != 0 || pad > 0;
    return out;
}

/* true when the big-endian integers a and b are equal (leading zeros ignored). */
static bool same_int(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    while (alen > 0 && a[0] == 0) {
        a++;
        alen--;
    }
    while (blen > 0 && b[0] == 0) {
        b++;
        blen--;
    }
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* ---- counting: skips by reason, outcomes by kind --------------------------------- */

#define SKIP_SHA1 "SHA-1: not in the module"
#define SKIP_MGF "MGF1 hash differs from the message hash: the module's MGF1 uses the message hash"
#define SKIP_E "e >= 2^256: outside the module's key range (fipsmod/rsa.h), import gives FM_ERR_KEY"

typedef struct {
    const char *reason[4];
    long n[4];
    size_t count;
} skips;

static void skip_add(skips *s, const char *reason)
{
    size_t i;

    for (i = 0; i < s->count; i++) {
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
    size_t i;

    for (i = 0; i < s->count; i++)
        if (strcmp(s->reason[i], reason) == 0)
            return s->n[i];
    return 0;
}

static long skip_total(const skips *s)
{
    long t = 0;
    size_t i;

    for (i = 0; i < s->count; i++)
        t += s->n[i];
    return t;
}

static void skip_print(const skips *s)
{
    size_t i;

    for (i = 0; i < s->count; i++)
        printf("    %ld skipped (%s)\n", s->n[i], s->reason[i]);
}

/* What the module returned, per kind of case (result and flags, or CAVP Result). */
typedef struct {
    struct {
        char key[160];
        int rc;
        long count;
    } row[32];
    size_t n;
} tally;

static void tally_add(tally *t, const char *key, int rc)
{
    size_t i;

    for (i = 0; i < t->n; i++) {
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
    size_t i;

    for (i = 0; i < t->n; i++)
        printf("    %-62s -> %-15s x %ld\n", t->row[i].key, err_name(t->row[i].rc),
               t->row[i].count);
}

/* ---- keys ------------------------------------------------------------------------- */

enum { KN, KE, KD, KP, KQ, KDP, KDQ, KQI, KCOUNT };

static const char *const comp_label[KCOUNT] = { "n", "e", "d", "p", "q", "dp", "dq", "qinv" };

/* Key components as big-endian bytes (a private key has all eight). */
typedef struct {
    uint8_t v[KCOUNT][FM_RSA_MAX_BYTES];
    size_t len[KCOUNT];
} keybuf;

static void kb_put(keybuf *kb, int i, const BIGNUM *b)
{
    if (BN_num_bytes(b) > FM_RSA_MAX_BYTES)
        fail_msg("key component %s of %d bits is too long for the test", comp_label[i],
                 BN_num_bits(b));
    kb->len[i] = (size_t)BN_bn2bin(b, kb->v[i]);
}

static void kb_comps(const keybuf *kb, bool priv, fm_rsa_components *c)
{
    memset(c, 0, sizeof *c);
    c->n = kb->v[KN];
    c->n_len = kb->len[KN];
    c->e = kb->v[KE];
    c->e_len = kb->len[KE];
    if (!priv)
        return;
    c->d = kb->v[KD];
    c->d_len = kb->len[KD];
    c->p = kb->v[KP];
    c->p_len = kb->len[KP];
    c->q = kb->v[KQ];
    c->q_len = kb->len[KQ];
    c->dp = kb->v[KDP];
    c->dp_len = kb->len[KDP];
    c->dq = kb->v[KDQ];
    c->dq_len = kb->len[KDQ];
    c->qinv = kb->v[KQI];
    c->qinv_len = kb->len[KQI];
}

/* A BIGNUM from hex of any length (odd lengths too); the test fails on bad hex. */
static BIGNUM *bn_hex(const char *what, const char *hex)
{
    BIGNUM *b = NULL;

    if (hex == NULL || *hex == '\0' || BN_hex2bn(&b, hex) != (int)strlen(hex))
        fail_msg("%s: not a hex integer: '%s'", what, hex != NULL ? hex : "(missing)");
    return b;
}

/*
 * p and q from (n, e, d): the probabilistic prime-factor recovery of
 * SP 800-56Br2 Appendix C.2. k = e d - 1 is a multiple of lambda(n); write
 * k = 2^t r with r odd. For a base g, the sequence g^r, g^2r, ...,
 * g^(2^t r) (mod n) reaches 1; if the element y before the first 1 is not
 * -1, it is a square root of 1 other than +-1 and gcd(y - 1, n) is a prime
 * factor. At least half of all bases work. C.2 draws g at random; the
 * bases 2, 3, 4, ... are used here so that runs repeat exactly. Returns 0
 * with p > q, or -1 when d is not a private exponent for (n, e).
 */
static int recover_primes(const BIGNUM *n, const BIGNUM *e, const BIGNUM *d, BIGNUM *p,
                          BIGNUM *q, BN_CTX *ctx)
{
    BIGNUM *k = BN_new(), *r = BN_new(), *g = BN_new(), *y = BN_new(), *x = BN_new();
    BIGNUM *n1 = BN_new(), *rem = BN_new();
    bool found = false;
    int t = 0;

    assert_true(k && r && g && y && x && n1 && rem);
    BN_CHECK(BN_mul(k, e, d, ctx));
    BN_CHECK(BN_sub_word(k, 1));
    BN_CHECK(BN_copy(n1, n));
    BN_CHECK(BN_sub_word(n1, 1));
    if (!BN_is_zero(k) && !BN_is_odd(k)) {
        while (!BN_is_bit_set(k, t))
            t++;
        BN_CHECK(BN_rshift(r, k, t));
        for (unsigned long base = 2; base < 200 && !found; base++) {
            BN_CHECK(BN_set_word(g, base));
            BN_CHECK(BN_mod_exp(y, g, r, n, ctx));
            if (BN_is_one(y) || BN_cmp(y, n1) == 0)
                continue;
            for (int j = 1; j <= t; j++) {
                BN_CHECK(BN_mod_sqr(x, y, n, ctx));
                if (BN_is_one(x)) {
                    found = true;
                    break;
                }
                if (BN_cmp(x, n1) == 0)
                    break;
                BN_CHECK(BN_copy(y, x));
            }
        }
    }
    if (found) {
        BN_CHECK(BN_sub_word(y, 1));
        BN_CHECK(BN_gcd(p, y, n, ctx));
        BN_CHECK(BN_div(q, rem, n, p, ctx));
        if (!BN_is_zero(rem) || BN_is_one(p) || BN_is_one(q))
            found = false;
        else if (BN_cmp(p, q) < 0)
            BN_swap(p, q);
    }
    BN_free(k);
    BN_free(r);
    BN_free(g);
    BN_free(y);
    BN_free(x);
    BN_free(n1);
    BN_free(rem);
    return found ? 0 : -1;
}

/*
 * The eight components of a private key into kb, from hex n, e, d and,
 * when given, p and q (otherwise recovered from d); dp = d mod (p - 1),
 * dq = d mod (q - 1), qinv = q^-1 mod p. The test fails if (n, e, d) is
 * not a key. Returns the modulus length in bytes.
 */
static size_t kb_private(keybuf *kb, const char *what, const char *nh, const char *eh,
                         const char *dh, const char *ph, const char *qh)
{
    BN_CTX *ctx = BN_CTX_new();
    BIGNUM *n = bn_hex(what, nh), *e = bn_hex(what, eh), *d = bn_hex(what, dh);
    BIGNUM *p, *q, *pm1 = BN_new(), *qm1 = BN_new(), *dp = BN_new(), *dq = BN_new();
    BIGNUM *qi = BN_new(), *nn = BN_new();
    size_t k;

    assert_true(ctx && pm1 && qm1 && dp && dq && qi && nn);
    if (ph != NULL && qh != NULL) {
        p = bn_hex(what, ph);
        q = bn_hex(what, qh);
    } else {
        p = BN_new();
        q = BN_new();
        assert_true(p && q);
        if (recover_primes(n, e, d, p, q, ctx) != 0)
            fail_msg("%s: d is not a private exponent for (n, e): no factor found", what);
    }
    BN_CHECK(BN_mul(nn, p, q, ctx));
    if (BN_cmp(nn, n) != 0)
        fail_msg("%s: p q != n", what);
    BN_CHECK(BN_copy(pm1, p));
    BN_CHECK(BN_sub_word(pm1, 1));
    BN_CHECK(BN_copy(qm1, q));
    BN_CHECK(BN_sub_word(qm1, 1));
    BN_CHECK(BN_mod(dp, d, pm1, ctx));
    BN_CHECK(BN_mod(dq, d, qm1, ctx));
    BN_CHECK(BN_mod_inverse(qi, q, p, ctx));
    kb_put(kb, KN, n);
    kb_put(kb, KE, e);
    kb_put(kb, KD, d);
    kb_put(kb, KP, p);
    kb_put(kb, KQ, q);
    kb_put(kb, KDP, dp);
    kb_put(kb, KDQ, dq);
    kb_put(kb, KQI, qi);
    k = (size_t)BN_num_bytes(n);
    BN_free(n);
    BN_free(e);
    BN_free(d);
    BN_free(p);
    BN_free(q);
    BN_free(pm1);
    BN_free(qm1);
    BN_free(dp);
    BN_free(dq);
    BN_free(qi);
    BN_free(nn);
    BN_CTX_free(ctx);
    return k;
}

/* A public key (n, e) from hex into kb; returns the modulus length in bytes. */
static size_t kb_public(keybuf *kb, const char *what, const char *nh, const char *eh)
{
    BIGNUM *n = bn_hex(what, nh), *e = bn_hex(what, eh);
    size_t k = (size_t)BN_num_bytes(n);

    memset(kb->len, 0, sizeof kb->len);
    kb_put(kb, KN, n);
    kb_put(kb, KE, e);
    BN_free(n);
    BN_free(e);
    return k;
}

/* ---- CAVP SigGen ---------------------------------------------------------------------- */

/*
 * Counted once with tests/util's reader, the same as python over the
 * files: SigGen15_186-3 and SigGenPSS_186-3 have 150 records each (10 per
 * modulus 1024/2048/3072 and SHAAlg SHA1/224/256/384/512), 30 of them
 * SHA-1. SigVer15_186-3 and SigVerPSS_186-3 have 270 each (18 per modulus
 * and hash; 3 P and 15 F in each), 54 of them SHA-1, leaving 36 P and 180
 * F; the 180 F of SigVerPSS are 36 for each of its 5 reasons.
 */
#define SIGGEN_RECORDS 150
#define SIGGEN_SHA1 30
#define SIGVER_RECORDS 270
#define SIGVER_SHA1 54
#define SIGVER_P 36
#define SIGVER_F 180

typedef struct {
    char *n, *e, *d;       /* the key block in force; d only in the .txt */
    int hash;              /* FM_SHA*, 0 for SHA-1 */
    char *msg, *s, *salt;  /* salt (SaltVal) only in the PSS .txt */
    unsigned long line;
} sg_rec;

typedef struct {
    sg_rec rec[SIGGEN_RECORDS + 8];
    size_t n;
} sg_list;

static char *dup_or_null(const char *s)
{
    char *d;

    if (s == NULL)
        return NULL;
    d = strdup(s);
    assert_non_null(d);
    return d;
}

/* Set *slot to a copy of v; a field given twice in one record fails. */
static void set_once(char **slot, const char *v, const char *path, unsigned long line,
                     const char *name)
{
    if (*slot != NULL)
        fail_msg("%s:%lu: %s given twice", path, line, name);
    *slot = dup_or_null(v);
}

/*
 * Read a SigGen file into L. A record may hold a key line (n, e, d) and
 * a test (SHAAlg, Msg, S, SaltVal) together: the .rsp writes `e` on the
 * line before the first SHAAlg of a key. Keys apply to the tests after.
 */
static void sg_load(const char *path, sg_list *L)
{
    char *n = NULL, *e = NULL, *d = NULL;
    sg_rec *cur = NULL;
    tu_rsp r;
    int rc;

    memset(L, 0, sizeof *L);
    assert_int_equal(tu_rsp_open(&r, path), 0);
    while ((rc = tu_rsp_next(&r)) == 1) {
        for (size_t i = 0; i < r.nfields; i++) {
            const char *name = r.fields[i].name, *v = r.fields[i].value;

            if (strcmp(name, "n") == 0) {
                free(n);
                free(e);
                free(d);
                n = dup_or_null(v);
                e = d = NULL;
            } else if (strcmp(name, "e") == 0) {
                free(e);
                e = dup_or_null(v);
            } else if (strcmp(name, "d") == 0) {
                free(d);
                d = dup_or_null(v);
            } else if (strcmp(name, "SHAAlg") == 0) {
                if (cur != NULL && (cur->msg == NULL || cur->s == NULL))
                    fail_msg("%s:%lu: record without Msg or S", path, cur->line);
                if (L->n == sizeof L->rec / sizeof L->rec[0])
                    fail_msg("%s: more records than expected", path);
                if (n == NULL || e == NULL)
                    fail_msg("%s:%lu: SHAAlg before a key", path, r.record_line);
                cur = &L->rec[L->n++];
                cur->n = dup_or_null(n);
                cur->e = dup_or_null(e);
                cur->d = dup_or_null(d);
                cur->hash = hash_id(v);
                cur->line = r.record_line;
                if (cur->hash < 0)
                    fail_msg("%s:%lu: unknown SHAAlg %s", path, r.record_line, v);
            } else if (strcmp(name, "Msg") == 0 || strcmp(name, "S") == 0 ||
                       strcmp(name, "SaltVal") == 0) {
                if (cur == NULL)
                    fail_msg("%s:%lu: %s before SHAAlg", path, r.record_line, name);
                set_once(name[0] == 'M' ? &cur->msg : name[0] == 'S' && name[1] == '\0' ?
                         &cur->s : &cur->salt, v, path, r.record_line, name);
            } else {
                fail_msg("%s:%lu: unexpected field '%s'", path, r.record_line, name);
            }
        }
    }
    assert_int_equal(rc, 0);
    if (cur != NULL && (cur->msg == NULL || cur->s == NULL))
        fail_msg("%s:%lu: record without Msg or S", path, cur->line);
    tu_rsp_close(&r);
    free(n);
    free(e);
    free(d);
}

static void sg_free(sg_list *L)
{
    for (size_t i = 0; i < L->n; i++) {
        free(L->rec[i].n);
        free(L->rec[i].e);
        free(L->rec[i].d);
        free(L->rec[i].msg);
        free(L->rec[i].s);
        free(L->rec[i].salt);
    }
    L->n = 0;
}

static bool str_eq(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* "x.rsp" -> "x.txt" in buf. */
static void txt_path(const char *rsp, char *buf, size_t cap)
{
    size_t l = strlen(rsp);

    assert_true(l > 4 && l < cap && strcmp(rsp + l - 4, ".rsp") == 0);
    memcpy(buf, rsp, l - 4);
    memcpy(buf + l - 4, ".txt", 5);
}

/* PSS salt length from SaltVal: "00" is the empty salt (the header lists
 * "Salt len: 0" for those groups), otherwise its length in bytes. */
static size_t pss_salt_len(const char *salt)
{
    return strcmp(salt, "00") == 0 ? 0 : strlen(salt) / 2;
}

static void test_cavp_siggen(void **state)
{
    tu_case *c = tu_begin(state);
    const int padding = (int)(intptr_t)c->data;
    static sg_list rsp, txt;
    char path[PATH_MAX], tpath[PATH_MAX], what[PATH_MAX + 128];
    const char *kn = NULL, *ke = NULL, *kd = NULL;
    long run = 0, per_mod[3] = { 0, 0, 0 };
    skips sk = { 0 };
    fm_rsa_key key;
    size_t k = 0, i;

    tu_vector_path(c, path, sizeof path);
    txt_path(path, tpath, sizeof tpath);
    sg_load(path, &rsp);
    sg_load(tpath, &txt);
    /* The .txt is the .rsp plus d (and SaltVal): check it is the same file. */
    assert_int_equal(rsp.n, txt.n);
    for (i = 0; i < rsp.n; i++) {
        const sg_rec *a = &rsp.rec[i], *b = &txt.rec[i];

        if (!str_eq(a->n, b->n) || !str_eq(a->e, b->e) || a->hash != b->hash ||
            !str_eq(a->msg, b->msg) || !str_eq(a->s, b->s) || a->d != NULL || a->salt != NULL ||
            b->d == NULL || (padding == FM_RSA_PSS) != (b->salt != NULL))
            fail_msg("%s:%lu and %s:%lu: the .rsp and .txt records differ", path, a->line, tpath,
                     b->line);
    }
    memset(&key, 0, sizeof key);
    for (i = 0; i < txt.n; i++) {
        const sg_rec *rec = &txt.rec[i];
        uint8_t dg[FM_HASH_MAX_LEN], sig[FM_RSA_MAX_BYTES], *msg, *want;
        size_t ml, wl, dl, slen = 0;

        if (rec->hash == 0) {
            skip_add(&sk, SKIP_SHA1);
            continue;
        }
        snprintf(what, sizeof what, "%s:%lu (%s, %s)", tpath, rec->line, tu_alg_name(rec->hash),
                 impl_of(c));
        if (!str_eq(kn, rec->n) || !str_eq(ke, rec->e) || !str_eq(kd, rec->d)) {
            keybuf kb;
            fm_rsa_components comps;
            int rc;

            k = kb_private(&kb, what, rec->n, rec->e, rec->d, NULL, NULL);
            kb_comps(&kb, true, &comps);
            rc = fm_rsa_key_import(&key, &comps);
            if (rc != FM_OK)
                fail_msg("%s: fm_rsa_key_import of the key (n, e, d + recovered p, q) returned %s",
                         what, err_name(rc));
            kn = rec->n;
            ke = rec->e;
            kd = rec->d;
        }
        msg = hex_fixed(rec->msg, 0, &ml, NULL);
        want = hex_fixed(rec->s, k, &wl, NULL);
        if (msg == NULL || want == NULL || wl != k)
            fail_msg("%s: bad Msg or S", what);
        dl = digest_of(rec->hash, msg, ml, dg);
        if (padding == FM_RSA_PSS)
            slen = pss_salt_len(rec->salt);
        memset(sig, 0xa5, sizeof sig);
        if (padding == FM_RSA_PKCS1) {
            int rc = fm_rsa_sign(&key, FM_RSA_PKCS1, rec->hash, dg, dl, 0, sig, k);

            if (rc != FM_OK)
                fail_msg("%s: fm_rsa_sign returned %s", what, err_name(rc));
            if (!tu_mem_eq(what, sig, want, k))
                fail_msg("%s: the PKCS#1 v1.5 signature differs from S", what);
        } else {
            int rc = fm_rsa_sign(&key, FM_RSA_PSS, rec->hash, dg, dl, slen, sig, k);

            if (rc != FM_OK)
                fail_msg("%s: fm_rsa_sign PSS (salt %zu) returned %s", what, slen, err_name(rc));
            rc = fm_rsa_verify(&key, FM_RSA_PSS, rec->hash, dg, dl, slen, sig, k);
            if (rc != FM_OK)
                fail_msg("%s: the module's own PSS signature (salt %zu) does not verify: %s",
                         what, slen, err_name(rc));
            if (slen > 0 && memcmp(sig, want, k) == 0)
                fail_msg("%s: PSS with a %zu-byte random salt gave exactly S", what, slen);
            rc = fm_rsa_verify(&key, FM_RSA_PSS, rec->hash, dg, dl, FM_RSA_PSS_SALT_AUTO, want,
                               k);
            if (rc != FM_OK)
                fail_msg("%s: S does not verify with FM_RSA_PSS_SALT_AUTO: %s", what,
                         err_name(rc));
        }
        {
            int rc = fm_rsa_verify(&key, padding, rec->hash, dg, dl, slen, want, k);

            if (rc != FM_OK)
                fail_msg("%s: the file's S does not verify: %s", what, err_name(rc));
        }
        per_mod[k <= 128 ? 0 : k <= 256 ? 1 : 2]++;
        run++;
        free(msg);
        free(want);
    }
    (void)fm_rsa_key_wipe(&key);
    sg_free(&rsp);
    sg_free(&txt);
    printf("  %s (+ d%s from the .txt) on %s: %ld passed (1024/2048/3072 bits: %ld/%ld/%ld), "
           "%ld skipped\n", c->file, padding == FM_RSA_PSS ? ", SaltVal" : "", impl_of(c), run,
           per_mod[0], per_mod[1], per_mod[2], skip_total(&sk));
    skip_print(&sk);
    assert_int_equal(run + skip_total(&sk), c->expect);
    assert_int_equal(run, SIGGEN_RECORDS - SIGGEN_SHA1);
    assert_int_equal(skip_get(&sk, SKIP_SHA1), SIGGEN_SHA1);
    assert_int_equal(per_mod[0], 40);
    assert_int_equal(per_mod[1], 40);
    assert_int_equal(per_mod[2], 40);
}

/* ---- CAVP SigVer ---------------------------------------------------------------------- */

static void test_cavp_sigver(void **state)
{
    tu_case *c = tu_begin(state);
    const int padding = (int)(intptr_t)c->data;
    char path[PATH_MAX], what[PATH_MAX + 160], key_txt[160];
    char *n = NULL;
    long pass = 0, fail = 0, fixed_recs = 0;
    skips sk = { 0 };
    tally t = { 0 };
    tu_rsp r;
    int rc;

    tu_vector_path(c, path, sizeof path);
    assert_int_equal(tu_rsp_open(&r, path), 0);
    while ((rc = tu_rsp_next(&r)) == 1) {
        const char *alg = tu_rsp_field(&r, "SHAAlg"), *res, *saltv;
        uint8_t dg[FM_HASH_MAX_LEN], *msg, *sig;
        size_t ml, sl, dl, k, slen = 0;
        bool fx1 = false, fx2 = false, fx3;
        int hash, irc, vrc;
        fm_rsa_components comps;
        fm_rsa_key key;
        keybuf kb;

        if (tu_rsp_field(&r, "n") != NULL) {
            free(n);
            n = dup_or_null(tu_rsp_field(&r, "n"));
        }
        if (alg == NULL) {
            /* The key blocks: n, and in SigVerPSS p and q (not used: public keys only). */
            for (size_t i = 0; i < r.nfields; i++)
                if (strcmp(r.fields[i].name, "n") != 0 && strcmp(r.fields[i].name, "p") != 0 &&
                    strcmp(r.fields[i].name, "q") != 0)
                    fail_msg("%s:%lu: unexpected field '%s'", path, r.record_line,
                             r.fields[i].name);
            continue;
        }
        res = tu_rsp_field(&r, "Result");
        hash = hash_id(alg);
        if (n == NULL || res == NULL || (res[0] != 'P' && res[0] != 'F') || hash < 0 ||
            tu_rsp_field(&r, "e") == NULL || tu_rsp_field(&r, "Msg") == NULL ||
            tu_rsp_field(&r, "S") == NULL)
            fail_msg("%s:%lu: incomplete record", path, r.record_line);
        if (hash == 0) {
            skip_add(&sk, SKIP_SHA1);
            continue;
        }
        snprintf(what, sizeof what, "%s:%lu (%s, Result = %s, %s)", path, r.record_line,
                 tu_alg_name(hash), res, impl_of(c));
        k = kb_public(&kb, what, n, tu_rsp_field(&r, "e"));
        msg = hex_fixed(tu_rsp_field(&r, "Msg"), 0, &ml, &fx1);
        sig = hex_fixed(tu_rsp_field(&r, "S"), k, &sl, &fx2);
        fx3 = strlen(tu_rsp_field(&r, "e")) % 2 != 0;
        if (msg == NULL || sig == NULL)
            fail_msg("%s: bad hex", what);
        if (fx1 || fx2 || fx3)
            fixed_recs++;
        if (padding == FM_RSA_PSS) {
            saltv = tu_rsp_field(&r, "SaltVal");
            if (saltv == NULL)
                fail_msg("%s: no SaltVal", what);
            slen = pss_salt_len(saltv);
        }
        dl = digest_of(hash, msg, ml, dg);
        kb_comps(&kb, false, &comps);
        irc = fm_rsa_key_import(&key, &comps);
        vrc = irc == FM_OK ? fm_rsa_verify(&key, padding, hash, dg, dl, slen, sig, sl) : irc;
        snprintf(key_txt, sizeof key_txt, "Result = %s%s", res, irc != FM_OK ? " [at import]" : "");
        tally_add(&t, key_txt, vrc);
        if (res[0] == 'P') {
            if (irc != FM_OK)
                fail_msg("%s: fm_rsa_key_import(n, e) returned %s", what, err_name(irc));
            if (vrc != FM_OK) {
                tu_hex_print("  Msg: ", msg, ml);
                tu_hex_print("  S:   ", sig, sl);
                fail_msg("%s: fm_rsa_verify (salt %zu) returned %s, expected FM_OK", what, slen,
                         err_name(vrc));
            }
            if (padding == FM_RSA_PSS) {
                vrc = fm_rsa_verify(&key, padding, hash, dg, dl, FM_RSA_PSS_SALT_AUTO, sig, sl);
                if (vrc != FM_OK)
                    fail_msg("%s: fm_rsa_verify with FM_RSA_PSS_SALT_AUTO returned %s", what,
                             err_name(vrc));
            }
            pass++;
        } else {
            /* Refused for some reason: a bad key at import, else a bad signature. */
            if (irc != FM_OK && irc != FM_ERR_KEY)
                fail_msg("%s: fm_rsa_key_import returned %s: expected FM_OK or FM_ERR_KEY", what,
                         err_name(irc));
            if (irc == FM_OK && vrc != FM_ERR_VERIFY)
                fail_msg("%s: fm_rsa_verify returned %s, expected FM_ERR_VERIFY", what,
                         err_name(vrc));
            fail++;
        }
        (void)fm_rsa_key_wipe(&key);
        free(msg);
        free(sig);
    }
    assert_int_equal(rc, 0);
    tu_rsp_close(&r);
    free(n);
    printf("  %s on %s: %ld passed (%ld P verified, %ld F refused), %ld skipped; %ld records "
           "had leading zero nibbles restored\n", c->file, impl_of(c), pass + fail, pass, fail,
           skip_total(&sk), fixed_recs);
    skip_print(&sk);
    tally_print(&t);
    assert_int_equal(pass + fail + skip_total(&sk), c->expect);
    assert_int_equal(pass, SIGVER_P);
    assert_int_equal(fail, SIGVER_F);
    assert_int_equal(skip_get(&sk, SKIP_SHA1), SIGVER_SHA1);
}

/* ---- RSADP: CAVP and ACVP ---------------------------------------------------------------- */

/*
 * RSADPComponent800_56B: 60 records (COUNT 0..29 under [mod = 1024] and
 * under [mod = 2048]), 40 `Result = Pass` with k, 20 `Result = Fail`;
 * every e has more than 256 bits (python over the .txt).
 */
#define RSADP_RECORDS 60
#define RSADP_PASS 40
#define RSADP_FAIL 20

typedef struct {
    char *count, *n, *e, *d, *c, *result, *k;
    unsigned long line;
} dp_rec;

typedef struct {
    dp_rec rec[RSADP_RECORDS + 4];
    size_t n;
} dp_list;

/*
 * Read an RSADP file. A test starts at COUNT; its fields may be spread over
 * several blank-separated records (20 of the 60 COUNT lines are followed
 * by a blank line). Ignored: the .txt's intermediate values c^d and k^e,
 * and two stray empty `d` lines in the .txt (the ends of COUNT 20 and 21
 * under [mod = 1024]).
 */
static void dp_load(const char *path, dp_list *L)
{
    dp_rec *cur = NULL;
    tu_rsp r;
    int rc;

    memset(L, 0, sizeof *L);
    assert_int_equal(tu_rsp_open(&r, path), 0);
    while ((rc = tu_rsp_next(&r)) == 1) {
        for (size_t i = 0; i < r.nfields; i++) {
            const char *name = r.fields[i].name, *v = r.fields[i].value;
            char **slot = NULL;

            if (strcmp(name, "COUNT") == 0) {
                if (L->n == sizeof L->rec / sizeof L->rec[0])
                    fail_msg("%s: more records than expected", path);
                cur = &L->rec[L->n++];
                cur->count = dup_or_null(v);
                cur->line = r.record_line;
                continue;
            }
            if (strcmp(name, "c^d") == 0 || strcmp(name, "k^e") == 0 ||
                (strcmp(name, "d") == 0 && *v == '\0'))
                continue;
            if (cur == NULL)
                fail_msg("%s:%lu: %s before COUNT", path, r.record_line, name);
            if (strcmp(name, "n") == 0)
                slot = &cur->n;
            else if (strcmp(name, "e") == 0)
                slot = &cur->e;
            else if (strcmp(name, "d") == 0)
                slot = &cur->d;
            else if (strcmp(name, "c") == 0)
                slot = &cur->c;
            else if (strcmp(name, "Result") == 0)
                slot = &cur->result;
            else if (strcmp(name, "k") == 0)
                slot = &cur->k;
            else
                fail_msg("%s:%lu: unexpected field '%s'", path, r.record_line, name);
            set_once(slot, v, path, r.record_line, name);
        }
    }
    assert_int_equal(rc, 0);
    tu_rsp_close(&r);
}

static void dp_free(dp_list *L)
{
    for (size_t i = 0; i < L->n; i++) {
        dp_rec *x = &L->rec[i];

        free(x->count);
        free(x->n);
        free(x->e);
        free(x->d);
        free(x->c);
        free(x->result);
        free(x->k);
    }
    L->n = 0;
}

/*
 * One RSADP case on an imported key: in (any length) -> want (pass) or a
 * refusal (fail): FM_ERR_ARG for an input out of (1, n - 1) as rsa.h
 * says, FM_ERR_LENGTH for an input longer than the modulus; the output
 * must then be zero.
 */
static int rsadp_case(const char *what, fm_rsa_key *key, size_t k, const uint8_t *in,
                      size_t inlen, bool pass, const uint8_t *want)
{
    uint8_t out[FM_RSA_MAX_BYTES];
    int rc;

    memset(out, 0xa5, sizeof out);
    rc = fm_rsa_decrypt_primitive(key, in, inlen, out, k);
    if (pass) {
        if (rc != FM_OK)
            fail_msg("%s: fm_rsa_decrypt_primitive returned %s, expected FM_OK", what,
                     err_name(rc));
        if (!tu_mem_eq(what, out, want, k))
            fail_msg("%s: RSADP output differs", what);
    } else {
        int expect = inlen == k ? FM_ERR_ARG : FM_ERR_LENGTH;

        if (rc != expect)
            fail_msg("%s: fm_rsa_decrypt_primitive returned %s, expected %s", what,
                     err_name(rc), err_name(expect));
        if (!tu_all_zero(out, k))
            fail_msg("%s: refused, but the output is not zeroed", what);
    }
    return rc;
}

static void test_cavp_rsadp(void **state)
{
    tu_case *c = tu_begin(state);
    static dp_list rsp, txt;
    char path[PATH_MAX], tpath[PATH_MAX], what[PATH_MAX + 128];
    long pass = 0, fail = 0, sk_pass = 0, sk_fail = 0;
    skips sk = { 0 };
    tally t = { 0 };
    size_t i;

    tu_vector_path(c, path, sizeof path);
    txt_path(path, tpath, sizeof tpath);
    dp_load(path, &rsp);
    dp_load(tpath, &txt);
    assert_int_equal(rsp.n, txt.n);
    for (i = 0; i < rsp.n; i++) {
        const dp_rec *a = &rsp.rec[i], *b = &txt.rec[i];

        if (!str_eq(a->count, b->count) || !str_eq(a->n, b->n) || !str_eq(a->e, b->e) ||
            !str_eq(a->c, b->c) || !str_eq(a->result, b->result) || !str_eq(a->k, b->k) ||
            a->d != NULL || b->d == NULL)
            fail_msg("%s:%lu and %s:%lu: the .rsp and .txt records differ", path, a->line, tpath,
                     b->line);
    }
    for (i = 0; i < txt.n; i++) {
        const dp_rec *x = &txt.rec[i];
        bool want_pass;
        fm_rsa_components comps;
        fm_rsa_key key;
        keybuf kb;
        BIGNUM *e;
        size_t k;
        int rc;

        if (x->n == NULL || x->e == NULL || x->c == NULL || x->result == NULL)
            fail_msg("%s:%lu: incomplete record", tpath, x->line);
        want_pass = strcmp(x->result, "Pass") == 0;
        if (!want_pass && strcmp(x->result, "Fail") != 0)
            fail_msg("%s:%lu: Result = %s", tpath, x->line, x->result);
        if (want_pass != (x->k != NULL))
            fail_msg("%s:%lu: k must be given exactly for Pass", tpath, x->line);
        snprintf(what, sizeof what, "%s:%lu (COUNT = %s, Result = %s, %s)", tpath, x->line,
                 x->count, x->result, impl_of(c));
        /* Recovering p and q from d also proves the record's key consistent. */
        k = kb_private(&kb, what, x->n, x->e, x->d, NULL, NULL);
        kb_comps(&kb, true, &comps);
        rc = fm_rsa_key_import(&key, &comps);
        e = bn_hex(what, x->e);
        if (BN_num_bits(e) > 256) {
            if (rc != FM_ERR_KEY)
                fail_msg("%s: e has %d bits (over 2^256), fm_rsa_key_import returned %s, "
                         "expected FM_ERR_KEY", what, BN_num_bits(e), err_name(rc));
            if (!tu_all_zero(&key, sizeof key))
                fail_msg("%s: refused import did not zero the key", what);
            skip_add(&sk, SKIP_E);
            if (want_pass)
                sk_pass++;
            else
                sk_fail++;
            tally_add(&t, want_pass ? "Result = Pass [at import]" : "Result = Fail [at import]",
                      rc);
        } else {
            uint8_t *in, *want = NULL;
            size_t il, wl = 0;

            if (rc != FM_OK)
                fail_msg("%s: fm_rsa_key_import returned %s", what, err_name(rc));
            in = hex_fixed(x->c, k, &il, NULL);
            if (want_pass)
                want = hex_fixed(x->k, k, &wl, NULL);
            if (in == NULL || (want_pass && (want == NULL || wl != k)))
                fail_msg("%s: bad c or k", what);
            tally_add(&t, want_pass ? "Result = Pass" : "Result = Fail",
                      rsadp_case(what, &key, k, in, il, want_pass, want));
            if (want_pass)
                pass++;
            else
                fail++;
            free(in);
            free(want);
        }
        BN_free(e);
        (void)fm_rsa_key_wipe(&key);
    }
    dp_free(&rsp);
    dp_free(&txt);
    printf("  %s (+ d from the .txt) on %s: %ld passed (%ld Pass, %ld Fail), %ld skipped "
           "(%ld Pass, %ld Fail records)\n", c->file, impl_of(c), pass + fail, pass, fail,
           skip_total(&sk), sk_pass, sk_fail);
    skip_print(&sk);
    tally_print(&t);
    assert_int_equal(pass + fail + skip_total(&sk), c->expect);
    assert_int_equal(pass + sk_pass, RSADP_PASS);
    assert_int_equal(fail + sk_fail, RSADP_FAIL);
    /* Today every record is out of the module's range (see the top of the file). */
    assert_int_equal(skip_get(&sk, SKIP_E), RSADP_RECORDS);
}

/*
 * ACVP RSA-DecryptionPrimitive-Sp800-56Br2 internalProjection.json: 6
 * groups (2048/3072/4096 bits, keyMode standard and crt), 15 tests each:
 * 90 tests, 66 testPassed true and 24 false (12 with ct <= 1, 12 with
 * ct >= n - 1) (python over the file).
 */
#define ACVP_DP_TESTS 90
#define ACVP_DP_PASS 66
#define ACVP_DP_FAIL 24

static const char *jstr(const char *path, json_t *o, const char *field)
{
    const char *s = json_string_value(json_object_get(o, field));

    if (s == NULL)
        fail_msg("%s: no string '%s'", path, field);
    return s;
}

static void test_acvp_rsadp(void **state)
{
    tu_case *c = tu_begin(state);
    char path[PATH_MAX], what[PATH_MAX + 128];
    json_error_t err;
    json_t *root, *groups, *group;
    long pass = 0, fail = 0, crt_given = 0;
    tally t = { 0 };
    size_t gi;

    tu_vector_path(c, path, sizeof path);
    root = json_load_file(path, 0, &err);
    if (root == NULL)
        fail_msg("%s:%d: %s", path, err.line, err.text);
    groups = json_object_get(root, "testGroups");
    assert_true(json_is_array(groups));
    json_array_foreach(groups, gi, group) {
        json_int_t bits = json_integer_value(json_object_get(group, "modulo"));
        json_t *tests = json_object_get(group, "tests"), *tc;
        size_t ti;

        assert_true(json_is_array(tests));
        json_array_foreach(tests, ti, tc) {
            json_int_t id = json_integer_value(json_object_get(tc, "tcId"));
            json_t *tp = json_object_get(tc, "testPassed");
            bool want_pass = json_is_true(tp);
            static const char *const crt[3] = { "dmp1", "dmq1", "iqmp" };
            fm_rsa_components comps;
            fm_rsa_key key;
            keybuf kb;
            uint8_t *in, *want = NULL;
            size_t k, il, wl = 0;
            int rc;

            if (!json_is_boolean(tp))
                fail_msg("%s: tcId %" JSON_INTEGER_FORMAT ": no testPassed", path, id);
            snprintf(what, sizeof what, "%s: tgId %" JSON_INTEGER_FORMAT ", tcId %"
                     JSON_INTEGER_FORMAT " (%" JSON_INTEGER_FORMAT " bits, %s, testPassed %s, %s)",
                     path, json_integer_value(json_object_get(group, "tgId")), id, bits,
                     jstr(path, group, "keyMode"), want_pass ? "true" : "false", impl_of(c));
            k = kb_private(&kb, what, jstr(path, tc, "n"), jstr(path, tc, "e"),
                           jstr(path, tc, "d"), jstr(path, tc, "p"), jstr(path, tc, "q"));
            if ((json_int_t)k * 8 != bits)
                fail_msg("%s: n has %zu bytes", what, k);
            /* CRT values given (keyMode crt) must be the ones computed from p, q, d. */
            for (int j = 0; j < 3; j++) {
                const char *h = jstr(path, tc, crt[j]);
                uint8_t *v;
                size_t vl;

                if (*h == '\0')
                    continue;
                v = hex_fixed(h, 0, &vl, NULL);
                if (v == NULL || !same_int(v, vl, kb.v[KDP + j], kb.len[KDP + j]))
                    fail_msg("%s: %s differs from the value computed from p, q, d", what, crt[j]);
                free(v);
                crt_given++;
            }
            kb_comps(&kb, true, &comps);
            rc = fm_rsa_key_import(&key, &comps);
            if (rc != FM_OK)
                fail_msg("%s: fm_rsa_key_import returned %s", what, err_name(rc));
            in = hex_fixed(jstr(path, tc, "ct"), k, &il, NULL);
            if (want_pass)
                want = hex_fixed(jstr(path, tc, "pt"), k, &wl, NULL);
            if (in == NULL || (want_pass && (want == NULL || wl != k)))
                fail_msg("%s: bad ct or pt", what);
            tally_add(&t, want_pass ? "testPassed true" : "testPassed false",
                      rsadp_case(what, &key, k, in, il, want_pass, want));
            if (want_pass)
                pass++;
            else
                fail++;
            free(in);
            free(want);
            (void)fm_rsa_key_wipe(&key);
        }
    }
    json_decref(root);
    printf("  %s on %s: %ld passed (%ld testPassed true, %ld false), 0 skipped\n", c->file,
           impl_of(c), pass + fail, pass, fail);
    tally_print(&t);
    assert_int_equal(pass + fail, c->expect);
    assert_int_equal(pass, ACVP_DP_PASS);
    assert_int_equal(fail, ACVP_DP_FAIL);
    assert_int_equal(crt_given, 3 * 45); /* the three crt groups */
}

/* ---- Wycheproof ------------------------------------------------------------------------ */

enum { WP_PKCS1_VERIFY, WP_PSS_VERIFY, WP_PKCS1_SIGN, WP_OAEP };

typedef struct {
    const char *file;
    int kind;
    long total, valid, invalid, acceptable; /* valid..acceptable: cases run */
    long skip_sha1, skip_mgf;               /* cases skipped, by reason */
} wp_file;

/*
 * Counted once with python over the files (json.load; per test group:
 * skipped with SKIP_SHA1 when sha or mgfSha is SHA-1, with SKIP_MGF when
 * mgfSha differs from sha; otherwise counted by its "result"); the totals
 * equal each file's numberOfTests, which the test also checks.
 */
#define WP(name) "wycheproof/" name

static const wp_file wp_files[] = {
    /* file, kind, total, valid, invalid, acceptable, skipped SHA-1, skipped MGF1 hash */
    { WP("rsa_signature_2048_sha224_test.json"), WP_PKCS1_VERIFY, 258, 7, 250, 1, 0, 0 },
    { WP("rsa_signature_2048_sha256_test.json"), WP_PKCS1_VERIFY, 259, 9, 249, 1, 0, 0 },
    { WP("rsa_signature_2048_sha384_test.json"), WP_PKCS1_VERIFY, 258, 7, 250, 1, 0, 0 },
    { WP("rsa_signature_2048_sha512_224_test.json"), WP_PKCS1_VERIFY, 258, 7, 250, 1, 0, 0 },
    { WP("rsa_signature_2048_sha512_256_test.json"), WP_PKCS1_VERIFY, 257, 7, 249, 1, 0, 0 },
    { WP("rsa_signature_2048_sha512_test.json"), WP_PKCS1_VERIFY, 259, 8, 250, 1, 0, 0 },
    { WP("rsa_signature_3072_sha256_test.json"), WP_PKCS1_VERIFY, 259, 8, 250, 1, 0, 0 },
    { WP("rsa_signature_3072_sha384_test.json"), WP_PKCS1_VERIFY, 259, 7, 251, 1, 0, 0 },
    { WP("rsa_signature_3072_sha512_256_test.json"), WP_PKCS1_VERIFY, 258, 7, 250, 1, 0, 0 },
    { WP("rsa_signature_3072_sha512_test.json"), WP_PKCS1_VERIFY, 260, 8, 251, 1, 0, 0 },
    { WP("rsa_signature_4096_sha256_test.json"), WP_PKCS1_VERIFY, 258, 7, 250, 1, 0, 0 },
    { WP("rsa_signature_4096_sha384_test.json"), WP_PKCS1_VERIFY, 259, 7, 251, 1, 0, 0 },
    { WP("rsa_signature_4096_sha512_256_test.json"), WP_PKCS1_VERIFY, 258, 7, 250, 1, 0, 0 },
    { WP("rsa_signature_4096_sha512_test.json"), WP_PKCS1_VERIFY, 259, 7, 251, 1, 0, 0 },

    { WP("rsa_pss_2048_sha256_mgf1_0_params_test.json"), WP_PSS_VERIFY, 103, 61, 42, 0, 0, 0 },
    { WP("rsa_pss_2048_sha256_mgf1_0_test.json"), WP_PSS_VERIFY, 103, 61, 42, 0, 0, 0 },
    { WP("rsa_pss_2048_sha256_mgf1_32_params_test.json"), WP_PSS_VERIFY, 108, 63, 45, 0, 0, 0 },
    { WP("rsa_pss_2048_sha256_mgf1_32_test.json"), WP_PSS_VERIFY, 108, 63, 45, 0, 0, 0 },
    { WP("rsa_pss_2048_sha384_mgf1_48_test.json"), WP_PSS_VERIFY, 141, 95, 46, 0, 0, 0 },
    { WP("rsa_pss_2048_sha512_224_mgf1_28_test.json"), WP_PSS_VERIFY, 100, 53, 47, 0, 0, 0 },
    { WP("rsa_pss_2048_sha512_256_mgf1_32_test.json"), WP_PSS_VERIFY, 115, 69, 46, 0, 0, 0 },
    { WP("rsa_pss_2048_sha512_mgf1sha256_32_params_test.json"), WP_PSS_VERIFY, 178, 0, 0, 0, 0,
      178 },
    { WP("rsa_pss_3072_sha256_mgf1_32_params_test.json"), WP_PSS_VERIFY, 108, 63, 45, 0, 0, 0 },
    { WP("rsa_pss_3072_sha256_mgf1_32_test.json"), WP_PSS_VERIFY, 108, 63, 45, 0, 0, 0 },
    { WP("rsa_pss_4096_sha256_mgf1_32_test.json"), WP_PSS_VERIFY, 108, 63, 45, 0, 0, 0 },
    { WP("rsa_pss_4096_sha384_mgf1_48_test.json"), WP_PSS_VERIFY, 141, 95, 46, 0, 0, 0 },
    { WP("rsa_pss_4096_sha512_mgf1_32_params_test.json"), WP_PSS_VERIFY, 177, 132, 45, 0, 0, 0 },
    { WP("rsa_pss_4096_sha512_mgf1_32_test.json"), WP_PSS_VERIFY, 177, 132, 45, 0, 0, 0 },
    { WP("rsa_pss_4096_sha512_mgf1_64_params_test.json"), WP_PSS_VERIFY, 179, 132, 47, 0, 0, 0 },
    { WP("rsa_pss_4096_sha512_mgf1_64_test.json"), WP_PSS_VERIFY, 179, 132, 47, 0, 0, 0 },
    { WP("rsa_pss_misc_params_test.json"), WP_PSS_VERIFY, 150, 24, 0, 0, 54, 72 },
    { WP("rsa_pss_misc_test.json"), WP_PSS_VERIFY, 150, 24, 0, 0, 54, 72 },

    { WP("rsa_pkcs1_2048_sig_gen_test.json"), WP_PKCS1_SIGN, 43, 32, 0, 3, 8, 0 },
    { WP("rsa_pkcs1_3072_sig_gen_test.json"), WP_PKCS1_SIGN, 26, 24, 0, 2, 0, 0 },
    { WP("rsa_pkcs1_4096_sig_gen_test.json"), WP_PKCS1_SIGN, 24, 24, 0, 0, 0, 0 },
    { WP("testvectors_v0/rsa_sig_gen_misc_test.json"), WP_PKCS1_SIGN, 158, 80, 0, 62, 16, 0 },

    { WP("rsa_oaep_2048_sha1_mgf1sha1_test.json"), WP_OAEP, 36, 0, 0, 0, 36, 0 },
    { WP("rsa_oaep_2048_sha224_mgf1sha1_test.json"), WP_OAEP, 31, 0, 0, 0, 31, 0 },
    { WP("rsa_oaep_2048_sha224_mgf1sha224_test.json"), WP_OAEP, 35, 17, 18, 0, 0, 0 },
    { WP("rsa_oaep_2048_sha256_mgf1sha1_test.json"), WP_OAEP, 31, 0, 0, 0, 31, 0 },
    { WP("rsa_oaep_2048_sha256_mgf1sha256_test.json"), WP_OAEP, 37, 18, 19, 0, 0, 0 },
    { WP("rsa_oaep_2048_sha384_mgf1sha1_test.json"), WP_OAEP, 31, 0, 0, 0, 31, 0 },
    { WP("rsa_oaep_2048_sha384_mgf1sha384_test.json"), WP_OAEP, 34, 16, 18, 0, 0, 0 },
    { WP("rsa_oaep_2048_sha512_224_mgf1sha1_test.json"), WP_OAEP, 32, 0, 0, 0, 32, 0 },
    { WP("rsa_oaep_2048_sha512_224_mgf1sha512_224_test.json"), WP_OAEP, 35, 16, 19, 0, 0, 0 },
    { WP("rsa_oaep_2048_sha512_mgf1sha1_test.json"), WP_OAEP, 31, 0, 0, 0, 31, 0 },
    { WP("rsa_oaep_2048_sha512_mgf1sha512_test.json"), WP_OAEP, 33, 14, 19, 0, 0, 0 },
    { WP("rsa_oaep_3072_sha256_mgf1sha1_test.json"), WP_OAEP, 32, 0, 0, 0, 32, 0 },
    { WP("rsa_oaep_3072_sha256_mgf1sha256_test.json"), WP_OAEP, 37, 18, 19, 0, 0, 0 },
    { WP("rsa_oaep_3072_sha512_256_mgf1sha1_test.json"), WP_OAEP, 31, 0, 0, 0, 31, 0 },
    { WP("rsa_oaep_3072_sha512_256_mgf1sha512_256_test.json"), WP_OAEP, 37, 18, 19, 0, 0, 0 },
    { WP("rsa_oaep_3072_sha512_mgf1sha1_test.json"), WP_OAEP, 31, 0, 0, 0, 31, 0 },
    { WP("rsa_oaep_3072_sha512_mgf1sha512_test.json"), WP_OAEP, 33, 15, 18, 0, 0, 0 },
    { WP("rsa_oaep_4096_sha256_mgf1sha1_test.json"), WP_OAEP, 32, 0, 0, 0, 32, 0 },
    { WP("rsa_oaep_4096_sha256_mgf1sha256_test.json"), WP_OAEP, 37, 18, 19, 0, 0, 0 },
    { WP("rsa_oaep_4096_sha512_mgf1sha1_test.json"), WP_OAEP, 31, 0, 0, 0, 31, 0 },
    { WP("rsa_oaep_4096_sha512_mgf1sha512_test.json"), WP_OAEP, 36, 17, 19, 0, 0, 0 },
};

#define WP_FILES (sizeof wp_files / sizeof wp_files[0])

/* A hex field as a fresh buffer (the test fails if it is missing or bad). */
static uint8_t *jhex(const char *path, json_t *o, const char *field, size_t *len)
{
    const char *s = jstr(path, o, field);
    uint8_t *p = tu_hex_alloc(s, len);

    if (p == NULL)
        fail_msg("%s: bad hex in '%s'", path, field);
    return p;
}

/* "result [flag,flag]" for the tally. */
static void wp_kind(json_t *t, const char *result, const char *extra, char *buf, size_t cap)
{
    json_t *flags = json_object_get(t, "flags"), *f;
    size_t i, l;

    snprintf(buf, cap, "%s", result);
    json_array_foreach(flags, i, f) {
        l = strlen(buf);
        snprintf(buf + l, cap - l, "%s%s", i == 0 ? " [" : ",", json_string_value(f));
    }
    if (json_array_size(flags) > 0) {
        l = strlen(buf);
        snprintf(buf + l, cap - l, "]");
    }
    if (extra != NULL) {
        l = strlen(buf);
        snprintf(buf + l, cap - l, " %s", extra);
    }
}

/* Parse der (must succeed, in form `form`) and compare the integers with the JSON ones. */
static void wp_check_der(const char *what, const uint8_t *der, size_t len, int form,
                         const uint8_t *const want[KCOUNT], const size_t wlen[KCOUNT],
                         fm_rsa_components *out)
{
    fm_rsa_components cc;
    int got_form = 0, rc = fm_rsa_der_parse(&cc, &got_form, der, len);
    const uint8_t *v[KCOUNT];
    size_t vl[KCOUNT];

    if (rc != FM_OK || got_form != form)
        fail_msg("%s: fm_rsa_der_parse returned %s, form %d (expected FM_OK, form %d)", what,
                 err_name(rc), got_form, form);
    v[KN] = cc.n, vl[KN] = cc.n_len, v[KE] = cc.e, vl[KE] = cc.e_len;
    v[KD] = cc.d, vl[KD] = cc.d_len, v[KP] = cc.p, vl[KP] = cc.p_len;
    v[KQ] = cc.q, vl[KQ] = cc.q_len, v[KDP] = cc.dp, vl[KDP] = cc.dp_len;
    v[KDQ] = cc.dq, vl[KDQ] = cc.dq_len, v[KQI] = cc.qinv, vl[KQI] = cc.qinv_len;
    for (int i = 0; i < KCOUNT; i++)
        if (want[i] != NULL && !same_int(v[i], vl[i], want[i], wlen[i]))
            fail_msg("%s: component %s differs from the JSON value", what, comp_label[i]);
    if (out != NULL)
        *out = cc;
}

/* Decode a PEM field: label must be `label`; returns the DER (malloc'd). */
static uint8_t *wp_pem(const char *what, const char *pem, const char *label, size_t *len)
{
    uint8_t *der = malloc(FM_RSA_DER_MAX_LEN);
    char got[FM_PEM_LABEL_MAX];
    int rc;

    assert_non_null(der);
    rc = fm_pem_decode(der, FM_RSA_DER_MAX_LEN, len, got, sizeof got, pem, strlen(pem));
    if (rc != FM_OK || strcmp(got, label) != 0)
        fail_msg("%s: fm_pem_decode returned %s, label '%s' (expected '%s')", what, err_name(rc),
                 rc == FM_OK ? got : "", label);
    return der;
}

/*
 * Check every encoding of the group's key against the JSON integers and
 * import it into *key. Returns the import's code and the modulus length in
 * *k; the DER buffers backing the components are freed before return (the
 * module copies the key).
 */
static int wp_group_key(const char *path, const wp_file *f, bool v0, bool pss_params,
                        json_t *g, fm_rsa_key *key, size_t *k, char *what, size_t wcap)
{
    const uint8_t *want[KCOUNT] = { NULL };
    size_t wlen[KCOUNT] = { 0 };
    uint8_t *bufs[KCOUNT] = { NULL }, *der, *pemder;
    size_t dl, pl;
    fm_rsa_components cc;
    int rc, form;

    if (f->kind == WP_PKCS1_VERIFY || f->kind == WP_PSS_VERIFY) {
        json_t *pk = json_object_get(g, "publicKey");
        uint8_t *asn;
        size_t al;

        bufs[KN] = jhex(path, pk, "modulus", &wlen[KN]);
        bufs[KE] = jhex(path, pk, "publicExponent", &wlen[KE]);
        want[KN] = bufs[KN];
        want[KE] = bufs[KE];
        snprintf(what, wcap, "%s: group key (publicKeyAsn)", path);
        asn = jhex(path, g, "publicKeyAsn", &al);
        wp_check_der(what, asn, al, FM_KEY_FORM_PKCS1_PUBLIC, want, wlen, &cc);
        der = jhex(path, g, "publicKeyDer", &dl);
        snprintf(what, wcap, "%s: group key (publicKeyDer)", path);
        if (pss_params) {
            fm_rsa_components tmp;

            rc = fm_rsa_der_parse(&tmp, &form, der, dl);
            if (rc != FM_ERR_UNSUPPORTED)
                fail_msg("%s: an id-RSASSA-PSS SPKI: fm_rsa_der_parse returned %s, expected "
                         "FM_ERR_UNSUPPORTED (keys.h)", what, err_name(rc));
        } else {
            wp_check_der(what, der, dl, FM_KEY_FORM_SPKI, want, wlen, NULL);
        }
        snprintf(what, wcap, "%s: group key (publicKeyPem)", path);
        pemder = wp_pem(what, jstr(path, g, "publicKeyPem"), FM_PEM_LABEL_PUBLIC_KEY, &pl);
        if (pl != dl || memcmp(pemder, der, dl) != 0)
            fail_msg("%s: the PEM is not publicKeyDer", what);
        free(pemder);
        free(der);
        *k = cc.n_len;
        rc = fm_rsa_key_import(key, &cc);
        free(asn);
    } else {
        /* Private keys: the PKCS#8 DER is the one imported. */
        const char *pem_label = FM_PEM_LABEL_PRIVATE_KEY;
        uint8_t *pkcs8;
        size_t p8l;

        if (v0) {
            bufs[KN] = jhex(path, g, "n", &wlen[KN]);
            bufs[KE] = jhex(path, g, "e", &wlen[KE]);
            bufs[KD] = jhex(path, g, "d", &wlen[KD]);
        } else {
            static const char *const names[KCOUNT] = {
                "modulus", "publicExponent", "privateExponent", "prime1", "prime2",
                "exponent1", "exponent2", "coefficient",
            };
            json_t *pk = json_object_get(g, "privateKey");
            int count = f->kind == WP_OAEP ? KCOUNT : 3;

            for (int i = 0; i < count; i++)
                bufs[i] = jhex(path, pk, names[i], &wlen[i]);
        }
        for (int i = 0; i < KCOUNT; i++)
            want[i] = bufs[i];
        snprintf(what, wcap, "%s: group key (privateKeyPkcs8)", path);
        pkcs8 = jhex(path, g, "privateKeyPkcs8", &p8l);
        wp_check_der(what, pkcs8, p8l, FM_KEY_FORM_PKCS8, want, wlen, &cc);
        snprintf(what, wcap, "%s: group key (privateKeyPem)", path);
        {
            const char *pem = jstr(path, g, "privateKeyPem");
            int pem_form = FM_KEY_FORM_PKCS8;

            if (strstr(pem, "-----BEGIN " FM_PEM_LABEL_RSA_PRIVATE_KEY "-----") != NULL) {
                pem_label = FM_PEM_LABEL_RSA_PRIVATE_KEY;
                pem_form = FM_KEY_FORM_PKCS1_PRIVATE;
            }
            pemder = wp_pem(what, pem, pem_label, &pl);
            /* Every component of the PEM key equals the PKCS#8 one. */
            {
                const uint8_t *all[KCOUNT] = { cc.n, cc.e, cc.d, cc.p, cc.q, cc.dp, cc.dq,
                                               cc.qinv };
                const size_t alll[KCOUNT] = { cc.n_len, cc.e_len, cc.d_len, cc.p_len, cc.q_len,
                                              cc.dp_len, cc.dq_len, cc.qinv_len };

                wp_check_der(what, pemder, pl, pem_form, all, alll, NULL);
            }
            free(pemder);
        }
        if (json_object_get(g, "keyDer") != NULL) {
            const uint8_t *pub[KCOUNT] = { cc.n, cc.e };
            const size_t publ[KCOUNT] = { cc.n_len, cc.e_len };

            snprintf(what, wcap, "%s: group key (keyDer)", path);
            der = jhex(path, g, "keyDer", &dl);
            wp_check_der(what, der, dl, FM_KEY_FORM_SPKI, pub, publ, NULL);
            free(der);
        }
        *k = cc.n_len;
        rc = fm_rsa_key_import(key, &cc);
        fm_wipe(pkcs8, p8l);
        free(pkcs8);
    }
    for (int i = 0; i < KCOUNT; i++)
        free(bufs[i]);
    return rc;
}

static void test_wycheproof(void **state)
{
    tu_case *c = tu_begin(state);
    const wp_file *f = c->data;
    char path[PATH_MAX], what[PATH_MAX + 256], kind[160];
    json_error_t err;
    json_t *root, *groups, *group;
    const char *schema;
    long total = 0, valid = 0, invalid = 0, acceptable = 0, groups_run = 0;
    bool v0, pss_params;
    skips sk = { 0 };
    tally t = { 0 };
    size_t gi;

    tu_vector_path(c, path, sizeof path);
    root = json_load_file(path, 0, &err);
    if (root == NULL)
        fail_msg("%s:%d: %s", path, err.line, err.text);
    schema = jstr(path, root, "schema");
    v0 = strstr(path, "testvectors_v0") != NULL;
    pss_params = strcmp(schema, "rsassa_pss_with_parameters_verify_schema.json") == 0;
    groups = json_object_get(root, "testGroups");
    assert_true(json_is_array(groups));
    json_array_foreach(groups, gi, group) {
        json_t *tests = json_object_get(group, "tests"), *tc;
        const char *skip = NULL;
        int hash = hash_id(jstr(path, group, "sha")), key_rc;
        size_t ti, k = 0, slen = 0;
        fm_rsa_key key;

        if (hash < 0)
            fail_msg("%s: unknown sha %s", path, jstr(path, group, "sha"));
        if (f->kind == WP_PSS_VERIFY || f->kind == WP_OAEP) {
            int mh = hash_id(jstr(path, group, "mgfSha"));

            if (strcmp(jstr(path, group, "mgf"), "MGF1") != 0 || mh < 0)
                fail_msg("%s: unknown mgf %s with %s", path, jstr(path, group, "mgf"),
                         jstr(path, group, "mgfSha"));
            if (hash == 0 || mh == 0)
                skip = SKIP_SHA1;
            else if (mh != hash)
                skip = SKIP_MGF;
        } else if (hash == 0) {
            skip = SKIP_SHA1;
        }
        if (f->kind == WP_PSS_VERIFY) {
            json_int_t s = json_integer_value(json_object_get(group, "sLen"));

            assert_true(json_is_integer(json_object_get(group, "sLen")) && s >= 0);
            slen = (size_t)s;
        }
        key_rc = wp_group_key(path, f, v0, pss_params, group, &key, &k, what, sizeof what);
        if (key_rc != FM_OK && !tu_all_zero(&key, sizeof key))
            fail_msg("%s: fm_rsa_key_import refused the key (%s) but did not zero it", what,
                     err_name(key_rc));
        if (skip == NULL)
            groups_run++;
        assert_true(json_is_array(tests));
        json_array_foreach(tests, ti, tc) {
            json_int_t id = json_integer_value(json_object_get(tc, "tcId"));
            const char *result = jstr(path, tc, "result");
            bool is_valid = strcmp(result, "valid") == 0;
            bool is_invalid = strcmp(result, "invalid") == 0;
            uint8_t dg[FM_HASH_MAX_LEN], *msg;
            size_t ml, dl = 0;
            int rc = FM_OK;

            if (!is_valid && !is_invalid && strcmp(result, "acceptable") != 0)
                fail_msg("%s: tcId %" JSON_INTEGER_FORMAT ": result '%s'", path, id, result);
            total++;
            if (skip != NULL) {
                skip_add(&sk, skip);
                continue;
            }
            snprintf(what, sizeof what, "%s: tcId %" JSON_INTEGER_FORMAT " (%s, %s; %s; %s)",
                     path, id, result, jstr(path, tc, "comment"), tu_alg_name(hash), impl_of(c));
            if (key_rc != FM_OK) {
                /* The module refused the group's key. */
                if (is_valid)
                    fail_msg("%s: fm_rsa_key_import refused the key: %s", what, err_name(key_rc));
                wp_kind(tc, result, "[at import]", kind, sizeof kind);
                tally_add(&t, kind, key_rc);
                if (is_invalid)
                    invalid++;
                else
                    acceptable++;
                continue;
            }
            msg = jhex(path, tc, "msg", &ml);
            if (f->kind != WP_OAEP)
                dl = digest_of(hash, msg, ml, dg);
            if (f->kind == WP_PKCS1_VERIFY || f->kind == WP_PSS_VERIFY) {
                const int pad = f->kind == WP_PSS_VERIFY ? FM_RSA_PSS : FM_RSA_PKCS1;
                size_t sl;
                uint8_t *sig = jhex(path, tc, "sig", &sl);

                rc = fm_rsa_verify(&key, pad, hash, dg, dl, slen, sig, sl);
                if (is_valid) {
                    if (rc != FM_OK) {
                        tu_hex_print("  sig: ", sig, sl);
                        fail_msg("%s: fm_rsa_verify returned %s, expected FM_OK", what,
                                 err_name(rc));
                    }
                    if (pad == FM_RSA_PSS) {
                        int arc = fm_rsa_verify(&key, pad, hash, dg, dl, FM_RSA_PSS_SALT_AUTO,
                                                sig, sl);

                        if (arc != FM_OK)
                            fail_msg("%s: fm_rsa_verify with FM_RSA_PSS_SALT_AUTO returned %s",
                                     what, err_name(arc));
                    }
                } else if (is_invalid) {
                    /* rsa.h: siglen must be the modulus length (FM_ERR_LENGTH), any
                     * other bad signature is FM_ERR_VERIFY. */
                    int want = sl != k ? FM_ERR_LENGTH : FM_ERR_VERIFY;

                    if (rc != want)
                        fail_msg("%s: fm_rsa_verify returned %s, expected %s (signature of %zu "
                                 "bytes, modulus %zu)", what, err_name(rc), err_name(want), sl, k);
                }
                free(sig);
            } else if (f->kind == WP_PKCS1_SIGN) {
                uint8_t out[FM_RSA_MAX_BYTES];
                size_t sl;
                uint8_t *sig = jhex(path, tc, "sig", &sl);

                memset(out, 0xa5, sizeof out);
                rc = fm_rsa_sign(&key, FM_RSA_PKCS1, hash, dg, dl, 0, out, k);
                if (rc == FM_OK) {
                    /* Deterministic: whatever the result, a signature made must be the one. */
                    if (sl != k || !tu_mem_eq(what, out, sig, k))
                        fail_msg("%s: the PKCS#1 v1.5 signature differs from sig", what);
                    if (fm_rsa_verify(&key, FM_RSA_PKCS1, hash, dg, dl, 0, out, k) != FM_OK)
                        fail_msg("%s: the signature does not verify", what);
                } else {
                    if (is_valid)
                        fail_msg("%s: fm_rsa_sign returned %s", what, err_name(rc));
                    if (!tu_all_zero(out, k))
                        fail_msg("%s: fm_rsa_sign refused, but sig is not zeroed", what);
                }
                if (is_invalid && rc == FM_OK)
                    fail_msg("%s: an invalid signing case was signed", what);
                free(sig);
            } else {
                size_t ll, cl, outlen = 12345;
                uint8_t *label = jhex(path, tc, "label", &ll), *ct = jhex(path, tc, "ct", &cl);
                uint8_t out[FM_RSA_MAX_BYTES + 1];

                memset(out, 0xa5, sizeof out);
                rc = fm_rsa_oaep_decrypt(&key, hash, label, ll, ct, cl, out, k, &outlen);
                if (is_valid) {
                    if (rc != FM_OK)
                        fail_msg("%s: fm_rsa_oaep_decrypt returned %s, expected FM_OK", what,
                                 err_name(rc));
                    if (outlen != ml || !tu_mem_eq(what, out, msg, ml))
                        fail_msg("%s: decrypted %zu bytes, not msg (%zu bytes)", what, outlen,
                                 ml);
                } else if (is_invalid) {
                    if (rc != FM_ERR_DECRYPT)
                        fail_msg("%s: fm_rsa_oaep_decrypt returned %s, expected FM_ERR_DECRYPT",
                                 what, err_name(rc));
                    if (!tu_all_zero(out, k) || out[k] != 0xa5 || outlen != 0)
                        fail_msg("%s: refused, but out[0..k) is not zero (or more was written, "
                                 "or *outlen = %zu)", what, outlen);
                }
                free(label);
                free(ct);
            }
            wp_kind(tc, result, NULL, kind, sizeof kind);
            tally_add(&t, kind, rc);
            if (is_valid)
                valid++;
            else if (is_invalid)
                invalid++;
            else
                acceptable++;
            free(msg);
        }
        (void)fm_rsa_key_wipe(&key);
    }
    if (json_integer_value(json_object_get(root, "numberOfTests")) != total)
        fail_msg("%s: %ld tests read, numberOfTests says %" JSON_INTEGER_FORMAT, path, total,
                 json_integer_value(json_object_get(root, "numberOfTests")));
    json_decref(root);
    printf("  %s on %s: %ld passed (%ld valid, %ld invalid refused, %ld acceptable recorded), "
           "%ld skipped; %ld of %zu groups run\n", c->file, impl_of(c), valid + invalid +
           acceptable, valid, invalid, acceptable, skip_total(&sk), groups_run, gi);
    skip_print(&sk);
    tally_print(&t);
    assert_int_equal(total, f->total);
    assert_int_equal(total, c->expect);
    assert_int_equal(valid, f->valid);
    assert_int_equal(invalid, f->invalid);
    assert_int_equal(acceptable, f->acceptable);
    assert_int_equal(skip_get(&sk, SKIP_SHA1), f->skip_sha1);
    assert_int_equal(skip_get(&sk, SKIP_MGF), f->skip_mgf);
    assert_int_equal(skip_total(&sk), f->skip_sha1 + f->skip_mgf);
}

/* ---- registration -------------------------------------------------------------------- */

static void add_per_impl(CMUnitTestFunction fn, const tu_case *tmpl)
{
    tu_case t = *tmpl;

    t.family = FM_FAMILY_RSA;
    tu_add_per_impl(&suite, fn, &t, t.file);
}

int main(void)
{
    size_t i;

    tu_init("test_rsa_vectors");
    {
        tu_case t = { .file = "cavp/rsa/SigGen15_186-3.rsp", .expect = SIGGEN_RECORDS,
                      .data = (const void *)(intptr_t)FM_RSA_PKCS1 };

        add_per_impl(test_cavp_siggen, &t);
        t.file = "cavp/rsa/SigGenPSS_186-3.rsp";
        t.data = (const void *)(intptr_t)FM_RSA_PSS;
        add_per_impl(test_cavp_siggen, &t);
        t.file = "cavp/rsa/SigVer15_186-3.rsp";
        t.expect = SIGVER_RECORDS;
        t.data = (const void *)(intptr_t)FM_RSA_PKCS1;
        add_per_impl(test_cavp_sigver, &t);
        t.file = "cavp/rsa/SigVerPSS_186-3.rsp";
        t.data = (const void *)(intptr_t)FM_RSA_PSS;
        add_per_impl(test_cavp_sigver, &t);
        t.file = "cavp/rsa_dp/RSADPComponent800_56B.rsp";
        t.expect = RSADP_RECORDS;
        t.data = NULL;
        add_per_impl(test_cavp_rsadp, &t);
        t.file = "acvp/RSA-DecryptionPrimitive-Sp800-56Br2/internalProjection.json";
        t.expect = ACVP_DP_TESTS;
        add_per_impl(test_acvp_rsadp, &t);
    }
    for (i = 0; i < WP_FILES; i++) {
        const wp_file *f = &wp_files[i];
        tu_case t = { .file = f->file, .expect = f->total, .data = f };

        if (f->valid + f->invalid + f->acceptable == 0)
            tu_add(&suite, test_wycheproof, &t, "%s [every case skipped: run once]", f->file);
        else
            add_per_impl(test_wycheproof, &t);
    }
    return tu_run(&suite, "test_rsa_vectors");
}
