/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ACVP handlers for RSA (ACVP RSA specification, draft-celi-acvp-rsa;
 * FIPS 186-4, FIPS 186-5, RFC 8017) and for the IFC key establishment
 * sets of SP 800-56Br2 that rest on the RSA primitives (ACVP KAS-IFC and
 * KTS-IFC specifications):
 *
 *   RSA keyGen (FIPS186-4, FIPS186-5)
 *       GDT, randPQ "B.3.3" / "probable": fm_rsa_generate_key (FIPS 186-5
 *       A.1.3, random probable primes) with e = the group's fixedPubExp
 *       (pubExp "fixed") or a random odd 2^16 < e < 2^64 from the module's
 *       DRBG (pubExp "random") -> n, e, p, q and d (keyFormat "standard")
 *       or dmp1, dmq1, iqmp (keyFormat "crt").
 *   RSA sigGen (FIPS186-4, FIPS186-5)
 *       GDT: one key per group (fm_rsa_generate_key, e = 65537), answered
 *       at group level as n, e; each message -> signature, PKCS#1 v1.5 or
 *       PSS (MGF1 with the message hash, saltLen bytes of salt from the
 *       module's DRBG).
 *   RSA sigVer (FIPS186-4, FIPS186-5)
 *       group n, e, sigType, hashAlg, [saltLen]; {message, signature} ->
 *       testPassed.
 *   RSA decryptionPrimitive (Sp800-56Br2)
 *       AFT {n, e, d, p, q, [dmp1, dmq1, iqmp], ct} -> testPassed and pt
 *       (RSADP, SP 800-56Br2 7.1.2), or testPassed false when the module
 *       refuses ct (outside 1 < ct < n - 1). modulo is echoed at group
 *       level, as NIST's answers carry it there.
 *   KAS-IFC-SSC (Sp800-56Br2)
 *       VAL groups where the IUT's part of the shared secret is recovered
 *       with RSADP: KAS1 responder (Z = RSADP(serverC)), KAS2 responder
 *       (Z = RSADP(serverC) || iutZ) and KAS2 initiator (Z = iutZ ||
 *       RSADP(serverC)), SP 800-56Br2 8.2 and 8.3 -> testPassed when Z
 *       equals the server's z.
 *   KTS-IFC (Sp800-56Br2)
 *       nothing is claimed: see kts_group for the reasons.
 *
 * Everything else is answered "notClaimed" with its reason (counted on
 * stderr by acvp.c), never with a made-up answer: SHA-1, SHA-3 and SHAKE
 * (the module has SHA-2 only; ACVP's maskFunction is MGF1 over the message
 * hash or SHAKE, so an MGF1 hash other than the message hash cannot be
 * asked for), ANSI X9.31 signatures, SP 800-106 randomized hashing,
 * provable primes and primes built from auxiliary primes or server seeds
 * (B.3.2, B.3.4 to B.3.6; provable, *Aux), the B.3.3 KAT (is this server's
 * p, q pair acceptable?), p mod 8 / q mod 8 constraints, key sizes other
 * than 2048, 3072 and 4096 bits for generation, PSS salts longer than the
 * hash (not approved, FIPS 186-5 5.4 (g)), and KAS tests that need RSAEP.
 *
 * Grading (tests/kat/). Generated keys and PSS signatures are random, and
 * a sigGen group's key is the module's own, so those answers cannot match
 * NIST's byte for byte: tests/kat/kat_verify.c checks them with OpenSSL
 * (signatures verified under the returned n, e; keys validated) and
 * kat-grade takes its verdicts. Everything else (sigVer, RSADP, KAS VAL)
 * is compared exactly with expectedResults.json.
 *
 * Key completion. fm_rsa_key_import takes all eight components of a
 * private key, but ACVP sends (n, e, d, p, q) or (n, e, p, q, dmp1, dmq1,
 * iqmp). The missing ones are computed here (dP = d mod (p - 1), dQ = d
 * mod (q - 1), qInv = q^-1 mod p, d = e^-1 mod lcm(p - 1, q - 1)) with a
 * small variable-time bignum (tbn_*). That is fine for public test keys
 * in a tool outside the module boundary, and nothing rests on it: the
 * module's import checks every component again (n = pq, e d = 1, the CRT
 * values) and refuses a wrong one.
 */
#include "acvp.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ----------------------------------------------------------- */

struct rsa_hash_name {
    const char *name; /* as ACVP spells it */
    int alg;
};

static const struct rsa_hash_name rsa_hashes[] = {
    { "SHA2-224", FM_SHA224 },
    { "SHA2-256", FM_SHA256 },
    { "SHA2-384", FM_SHA384 },
    { "SHA2-512", FM_SHA512 },
    { "SHA2-512/224", FM_SHA512_224 },
    { "SHA2-512/256", FM_SHA512_256 },
};

/*
 * The module's id for the ACVP hash `name` (*alg), or *alg = 0 and *why =
 * the not-claimed reason for a hash the module lacks. -1 for a name ACVP
 * does not use.
 */
static int rsa_hash(struct acvp_run *run, const char *name, int *alg, const char **why)
{
    *alg = 0;
    *why = NULL;
    for (size_t i = 0; i < sizeof rsa_hashes / sizeof rsa_hashes[0]; i++) {
        if (strcmp(name, rsa_hashes[i].name) == 0) {
            *alg = rsa_hashes[i].alg;
            return 0;
        }
    }
    if (strcmp(name, "SHA-1") == 0)
        *why = "SHA-1 (the module has no SHA-1)";
    else if (strncmp(name, "SHA3-", 5) == 0 || strncmp(name, "SHAKE-", 6) == 0)
        *why = "SHA-3 and SHAKE hashes (not in the module)";
    else
        return acvp_error(run, "hashAlg '%s' is not known", name);
    return 0;
}

/* What acvp_each_test passes to rsa_nc_test: one reason for every test. */
struct rsa_nc {
    const char *why;  /* short, static: the stderr summary's key */
    char detail[224]; /* the "notClaimed" text of each test */
};

static int rsa_nc_test(struct acvp_run *run, const struct acvp_alg *alg, json_t *test,
                       json_t *out, void *arg)
{
    const struct rsa_nc *nc = arg;

    (void)alg;
    (void)test;
    return acvp_not_claimed(run, out, nc->why, "%s", nc->detail);
}

/* Answer every test of the group "notClaimed" with the same reason. */
static int rsa_nc_group(struct acvp_run *run, const struct acvp_alg *alg, json_t *group,
                        json_t *out, const char *why, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static int rsa_nc_group(struct acvp_run *run, const struct acvp_alg *alg, json_t *group,
                        json_t *out, const char *why, const char *fmt, ...)
{
    struct rsa_nc nc;
    va_list ap;

    nc.why = why;
    va_start(ap, fmt);
    vsnprintf(nc.detail, sizeof nc.detail, fmt, ap);
    va_end(ap);
    return acvp_each_test(run, alg, group, out, rsa_nc_test, &nc);
}

/* A big-endian integer from a prompt field, as heap bytes. */
struct rsa_int {
    uint8_t *b; /* NULL when absent */
    size_t len;
};

static void rsa_int_free(struct rsa_int *v, bool secret)
{
    if (v->b != NULL && secret)
        (void)fm_wipe(v->b, v->len);
    free(v->b);
    v->b = NULL;
    v->len = 0;
}

/*
 * Decode the hex integer obj[key] (any length; an odd number of digits
 * means a leading zero nibble). A missing or empty field is an error
 * unless `optional` (then v->b stays NULL).
 */
static int rsa_get_int(struct acvp_run *run, json_t *obj, const char *key, bool optional,
                       struct rsa_int *v)
{
    const char *hex;
    char *padded = NULL;
    int rc;

    v->b = NULL;
    v->len = 0;
    if (optional) {
        if (acvp_get_opt_string(run, obj, key, &hex) != 0)
            return -1;
        if (hex == NULL || hex[0] == '\0')
            return 0;
    } else {
        if (acvp_get_string(run, obj, key, &hex) != 0)
            return -1;
        if (hex[0] == '\0')
            return acvp_error(run, "field '%s' is empty", key);
    }
    if (strlen(hex) % 2 != 0) {
        padded = malloc(strlen(hex) + 2);
        if (padded == NULL)
            return acvp_error(run, "out of memory");
        padded[0] = '0';
        memcpy(padded + 1, hex, strlen(hex) + 1);
        hex = padded;
    }
    rc = tool_hex_decode_alloc(hex, &v->b, &v->len);
    free(padded);
    if (rc == -2)
        return acvp_error(run, "out of memory");
    if (rc != 0)
        return acvp_error(run, "'%s' is not a hex string", key);
    return 0;
}

/*
 * A byte string holding an integer (signature, ciphertext) brought to
 * exactly k bytes: leading zero bytes are dropped or added. Returns 0, or
 * 1 when the integer needs more than k bytes (so it is at least 2^(8k) >
 * n: out of range), or -1 when out of memory.
 */
static int rsa_fit(struct acvp_run *run, const struct rsa_int *v, size_t k, uint8_t **out)
{
    const uint8_t *b = v->b;
    size_t len = v->len;

    *out = NULL;
    while (len > 0 && *b == 0) {
        b++;
        len--;
    }
    if (len > k)
        return 1;
    *out = calloc(1, k);
    if (*out == NULL)
        return acvp_error(run, "out of memory");
    memcpy(*out + (k - len), b, len);
    return 0;
}

/* ---- key completion: a small variable-time bignum ---------------------- */

/* Room for the product of two 8192-bit numbers. */
#define TBN_WORDS (2 * FM_RSA_MAX_BITS / 32 + 2)

typedef struct {
    uint32_t w[TBN_WORDS]; /* little-endian words; only w[0..n) are read */
    size_t n;              /* words in use, w[n - 1] != 0 (n == 0: zero) */
} tbn;

static void tbn_trim(tbn *a)
{
    while (a->n > 0 && a->w[a->n - 1] == 0)
        a->n--;
}

static void tbn_set_word(tbn *a, uint32_t v)
{
    a->w[0] = v;
    a->n = 1;
    tbn_trim(a);
}

static int tbn_from_be(tbn *a, const uint8_t *b, size_t len)
{
    while (len > 0 && *b == 0) {
        b++;
        len--;
    }
    if (len > 4 * TBN_WORDS)
        return -1;
    a->n = (len + 3) / 4;
    memset(a->w, 0, a->n * sizeof a->w[0]);
    for (size_t i = 0; i < len; i++)
        a->w[i / 4] |= (uint32_t)b[len - 1 - i] << (8 * (i % 4));
    tbn_trim(a);
    return 0;
}

static size_t tbn_bits(const tbn *a)
{
    size_t bits;
    uint32_t top;

    if (a->n == 0)
        return 0;
    bits = 32 * (a->n - 1);
    for (top = a->w[a->n - 1]; top != 0; top >>= 1)
        bits++;
    return bits;
}

/* The minimal big-endian encoding (one byte for zero) in a new buffer. */
static int tbn_to_int(const tbn *a, struct rsa_int *v)
{
    size_t len = (tbn_bits(a) + 7) / 8;

    if (len == 0)
        len = 1;
    v->b = malloc(len);
    if (v->b == NULL)
        return -1;
    v->len = len;
    for (size_t i = 0; i < len; i++)
        v->b[len - 1 - i] = i / 4 < a->n ? (uint8_t)(a->w[i / 4] >> (8 * (i % 4))) : 0;
    return 0;
}

static int tbn_cmp(const tbn *a, const tbn *b)
{
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    for (size_t i = a->n; i-- > 0;)
        if (a->w[i] != b->w[i])
            return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

static bool tbn_is_one(const tbn *a)
{
    return a->n == 1 && a->w[0] == 1;
}

/* r = a - b for a >= b; r may be a. */
static void tbn_sub(tbn *r, const tbn *a, const tbn *b)
{
    uint32_t borrow = 0;

    for (size_t i = 0; i < a->n; i++) {
        uint64_t t = (uint64_t)a->w[i] - (i < b->n ? b->w[i] : 0) - borrow;

        r->w[i] = (uint32_t)t;
        borrow = (uint32_t)(t >> 32) != 0;
    }
    r->n = a->n;
    tbn_trim(r);
}

/* r = a + b; r may be a or b. -1 on overflow. */
static int tbn_add(tbn *r, const tbn *a, const tbn *b)
{
    size_t n = a->n > b->n ? a->n : b->n;
    uint64_t carry = 0;

    for (size_t i = 0; i < n; i++) {
        carry += (uint64_t)(i < a->n ? a->w[i] : 0) + (i < b->n ? b->w[i] : 0);
        r->w[i] = (uint32_t)carry;
        carry >>= 32;
    }
    if (carry != 0) {
        if (n == TBN_WORDS)
            return -1;
        r->w[n++] = (uint32_t)carry;
    }
    r->n = n;
    return 0;
}

/* r = a b (schoolbook); r distinct from a and b. -1 on overflow. */
static int tbn_mul(tbn *r, const tbn *a, const tbn *b)
{
    if (a->n + b->n > TBN_WORDS)
        return -1;
    memset(r->w, 0, (a->n + b->n) * sizeof r->w[0]);
    for (size_t i = 0; i < a->n; i++) {
        uint64_t carry = 0;

        for (size_t j = 0; j < b->n; j++) {
            carry += (uint64_t)a->w[i] * b->w[j] + r->w[i + j];
            r->w[i + j] = (uint32_t)carry;
            carry >>= 32;
        }
        r->w[i + b->n] = (uint32_t)carry;
    }
    r->n = a->n + b->n;
    tbn_trim(r);
    return 0;
}

/* r = a << s; r distinct from a. -1 on overflow. */
static int tbn_shl(tbn *r, const tbn *a, size_t s)
{
    size_t words = s / 32, bits = s % 32;

    if (a->n == 0) {
        r->n = 0;
        return 0;
    }
    if (a->n + words + 1 > TBN_WORDS)
        return -1;
    memset(r->w, 0, (a->n + words + 1) * sizeof r->w[0]);
    for (size_t i = 0; i < a->n; i++) {
        r->w[i + words] |= a->w[i] << bits;
        if (bits != 0)
            r->w[i + words + 1] |= a->w[i] >> (32 - bits);
    }
    r->n = a->n + words + 1;
    tbn_trim(r);
    return 0;
}

static void tbn_shr1(tbn *a)
{
    for (size_t i = 0; i < a->n; i++)
        a->w[i] = (a->w[i] >> 1) | (i + 1 < a->n ? a->w[i + 1] << 31 : 0);
    tbn_trim(a);
}

/*
 * q = a / b, r = a mod b (q may be NULL) by shift and subtract: b is
 * shifted under the top bit of a and subtracted wherever it fits, which
 * costs (bits(a) - bits(b) + 1) passes over a. r must not be b. -1 when
 * b is zero.
 */
static int tbn_divmod(tbn *q, tbn *r, const tbn *a, const tbn *b)
{
    tbn t;
    size_t s;

    if (b->n == 0)
        return -1;
    *r = *a;
    if (q != NULL)
        q->n = 0;
    if (tbn_cmp(a, b) < 0)
        return 0;
    s = tbn_bits(a) - tbn_bits(b);
    if (tbn_shl(&t, b, s) != 0)
        return -1;
    if (q != NULL) {
        q->n = s / 32 + 1;
        memset(q->w, 0, q->n * sizeof q->w[0]);
    }
    for (size_t i = s + 1; i-- > 0;) {
        if (tbn_cmp(r, &t) >= 0) {
            tbn_sub(r, r, &t);
            if (q != NULL)
                q->w[i / 32] |= (uint32_t)1 << (i % 32);
        }
        tbn_shr1(&t);
    }
    if (q != NULL)
        tbn_trim(q);
    return 0;
}

/* g = gcd(a, b). */
static int tbn_gcd(tbn *g, const tbn *a, const tbn *b)
{
    tbn x = *a, y = *b, r;

    while (y.n != 0) {
        if (tbn_divmod(NULL, &r, &x, &y) != 0)
            return -1;
        x = y;
        y = r;
    }
    *g = x;
    return 0;
}

/*
 * r = a^-1 mod m by the extended Euclidean algorithm. With r_0 = m,
 * r_1 = a mod m, r_(i+1) = r_(i-1) - q_i r_i, the coefficients t_i with
 * r_i = t_i a (mod m) start t_0 = 0, t_1 = 1 and alternate in sign
 * (t_i has the sign of (-1)^(i+1)), so only their magnitudes are kept:
 * |t_(i+1)| = |t_(i-1)| + q_i |t_i|. -1 when gcd(a, m) != 1.
 */
static int tbn_inverse(tbn *r, const tbn *a, const tbn *m)
{
    tbn r0 = *m, r1, t0, t1, q, rem, prod;
    size_t k = 0;

    if (tbn_divmod(NULL, &r1, a, m) != 0)
        return -1;
    t0.n = 0;
    tbn_set_word(&t1, 1);
    while (r1.n != 0) {
        if (tbn_divmod(&q, &rem, &r0, &r1) != 0 || tbn_mul(&prod, &q, &t1) != 0 ||
            tbn_add(&prod, &prod, &t0) != 0)
            return -1;
        r0 = r1;
        r1 = rem;
        t0 = t1;
        t1 = prod;
        k++;
    }
    /* r0 = r_k = gcd, t0 = |t_k|. */
    if (k == 0 || !tbn_is_one(&r0))
        return -1;
    if (k % 2 == 1)
        *r = t0;
    else
        tbn_sub(r, m, &t0);
    return 0;
}

/* ---- private keys from prompt fields ------------------------------------ */

struct rsa_priv {
    struct rsa_int n, e, d, p, q, dp, dq, qinv;
};

static void rsa_priv_free(struct rsa_priv *k)
{
    rsa_int_free(&k->n, false);
    rsa_int_free(&k->e, false);
    rsa_int_free(&k->d, true);
    rsa_int_free(&k->p, true);
    rsa_int_free(&k->q, true);
    rsa_int_free(&k->dp, true);
    rsa_int_free(&k->dq, true);
    rsa_int_free(&k->qinv, true);
}

/* Fill in d, dP, dQ, qInv where the prompt left them out (see the top). */
static int rsa_complete(struct acvp_run *run, struct rsa_priv *k)
{
    tbn e, d, p, q, pm1, qm1, t, g, lcm, x; /* 2 KiB each */
    int rc = -1;

    if (tbn_from_be(&e, k->e.b, k->e.len) != 0 || tbn_from_be(&p, k->p.b, k->p.len) != 0 ||
        tbn_from_be(&q, k->q.b, k->q.len) != 0 || p.n == 0 || q.n == 0 ||
        (p.w[0] & 1) == 0 || (q.w[0] & 1) == 0)
        return acvp_error(run, "p and q must be odd and at most %d bits", FM_RSA_MAX_BITS);
    pm1 = p;
    qm1 = q;
    pm1.w[0] &= ~(uint32_t)1; /* odd: minus one clears the low bit */
    qm1.w[0] &= ~(uint32_t)1;
    tbn_trim(&pm1);
    tbn_trim(&qm1);
    if (k->d.b == NULL) {
        /* d = e^-1 mod lcm(p - 1, q - 1) (FIPS 186-5 A.1.1). */
        if (tbn_gcd(&g, &pm1, &qm1) != 0 || tbn_mul(&t, &pm1, &qm1) != 0 ||
            tbn_divmod(&lcm, &x, &t, &g) != 0 || tbn_inverse(&d, &e, &lcm) != 0 ||
            tbn_to_int(&d, &k->d) != 0)
            goto fail;
    } else if (tbn_from_be(&d, k->d.b, k->d.len) != 0) {
        goto fail;
    }
    if (k->dp.b == NULL &&
        (tbn_divmod(NULL, &x, &d, &pm1) != 0 || tbn_to_int(&x, &k->dp) != 0))
        goto fail;
    if (k->dq.b == NULL &&
        (tbn_divmod(NULL, &x, &d, &qm1) != 0 || tbn_to_int(&x, &k->dq) != 0))
        goto fail;
    if (k->qinv.b == NULL &&
        (tbn_divmod(NULL, &t, &q, &p) != 0 || tbn_inverse(&x, &t, &p) != 0 ||
         tbn_to_int(&x, &k->qinv) != 0))
        goto fail;
    rc = 0;
fail:
    if (rc != 0)
        acvp_error(run, "cannot complete the private key (gcd(e, p - 1), gcd(e, q - 1) or "
                   "gcd(p, q) is not 1, or out of memory)");
    (void)fm_wipe(&d, sizeof d);
    (void)fm_wipe(&p, sizeof p);
    (void)fm_wipe(&q, sizeof q);
    (void)fm_wipe(&pm1, sizeof pm1);
    (void)fm_wipe(&qm1, sizeof qm1);
    (void)fm_wipe(&t, sizeof t);
    (void)fm_wipe(&g, sizeof g);
    (void)fm_wipe(&lcm, sizeof lcm);
    (void)fm_wipe(&x, sizeof x);
    return rc;
}

/*
 * Read a private key from obj: the fields named by prefix ("" or "iut")
 * followed by N, E, P, Q, D, Dmp1, Dmq1, Iqmp (first letter lower case
 * without a prefix: n, e, p, q, d, dmp1, dmq1, iqmp), complete it and
 * import it into *key. Returns 0, or -1.
 */
static int rsa_load_private(struct acvp_run *run, json_t *obj, const char *prefix,
                            fm_rsa_key *key)
{
    static const char *const names[8] = { "n", "e", "p", "q", "d", "dmp1", "dmq1", "iqmp" };
    struct rsa_priv k = { 0 };
    struct rsa_int *slot[8] = { &k.n, &k.e, &k.p, &k.q, &k.d, &k.dp, &k.dq, &k.qinv };
    fm_rsa_components c;
    int rc = -1, frc;

    for (size_t i = 0; i < 8; i++) {
        char field[32];

        if (prefix[0] == '\0')
            snprintf(field, sizeof field, "%s", names[i]);
        else
            snprintf(field, sizeof field, "%s%c%s", prefix, names[i][0] - 'a' + 'A',
                     names[i] + 1);
        if (rsa_get_int(run, obj, field, i >= 4, slot[i]) != 0)
            goto out;
    }
    if (rsa_complete(run, &k) != 0)
        goto out;
    c = (fm_rsa_components){
        .n = k.n.b, .n_len = k.n.len, .e = k.e.b, .e_len = k.e.len,
        .d = k.d.b, .d_len = k.d.len, .p = k.p.b, .p_len = k.p.len,
        .q = k.q.b, .q_len = k.q.len, .dp = k.dp.b, .dp_len = k.dp.len,
        .dq = k.dq.b, .dq_len = k.dq.len, .qinv = k.qinv.b, .qinv_len = k.qinv.len,
    };
    frc = fm_rsa_key_import(key, &c);
    rc = acvp_check(run, frc, "fm_rsa_key_import (private key)");
out:
    rsa_priv_free(&k);
    return rc;
}

/* k = the modulus length of key in bytes. */
static int rsa_key_bytes(struct acvp_run *run, const fm_rsa_key *key, size_t *k)
{
    size_t bits;
    int priv;

    if (acvp_check(run, fm_rsa_key_info(key, &bits, &priv), "fm_rsa_key_info") != 0)
        return -1;
    *k = (bits + 7) / 8;
    return 0;
}

/* ---- RSA sigGen and sigVer --------------------------------------------- */

struct rsa_sig_group {
    int padding;      /* FM_RSA_PKCS1 or FM_RSA_PSS */
    int hash;         /* FM_SHA* */
    size_t hlen;      /* its digest length */
    uint64_t salt;    /* PSS salt length in bytes */
    uint64_t modulo;  /* bits */
    fm_rsa_key key;   /* the group's key */
    size_t k;         /* its modulus length in bytes */
};

/*
 * Parse sigType, hashAlg, [saltLen], [maskFunction], [conformance] and
 * modulo. Returns 0 with nc->why NULL when the module can answer the
 * group, 0 with nc filled in when it cannot, -1 for a malformed group.
 */
static int rsa_sig_params(struct acvp_run *run, json_t *group, struct rsa_sig_group *g,
                          struct rsa_nc *nc)
{
    const char *type, *hash, *mask, *conformance, *why;

    nc->why = NULL;
    if (acvp_get_string(run, group, "sigType", &type) != 0 ||
        acvp_get_string(run, group, "hashAlg", &hash) != 0 ||
        acvp_get_uint(run, group, "modulo", &g->modulo) != 0 ||
        acvp_get_opt_string(run, group, "maskFunction", &mask) != 0 ||
        acvp_get_opt_string(run, group, "conformance", &conformance) != 0)
        return -1;
    if (strcmp(type, "pkcs1v1.5") == 0) {
        g->padding = FM_RSA_PKCS1;
    } else if (strcmp(type, "pss") == 0) {
        g->padding = FM_RSA_PSS;
    } else if (strcmp(type, "ansx9.31") == 0) {
        nc->why = "ANSI X9.31 signatures (not in the module)";
        snprintf(nc->detail, sizeof nc->detail, "sigType ansx9.31: the module signs and "
                 "verifies RSASSA-PKCS1-v1_5 and RSASSA-PSS only");
        return 0;
    } else {
        return acvp_error(run, "sigType '%s' is not known", type);
    }
    if (conformance != NULL && conformance[0] != '\0') {
        if (strcmp(conformance, "SP800-106") != 0)
            return acvp_error(run, "conformance '%s' is not known", conformance);
        nc->why = "SP 800-106 randomized hashing (conformance groups)";
        snprintf(nc->detail, sizeof nc->detail, "conformance SP800-106: the module has no "
                 "randomized hashing (randomValue) for signatures");
        return 0;
    }
    if (rsa_hash(run, hash, &g->hash, &why) != 0)
        return -1;
    if (why != NULL) {
        nc->why = why;
        snprintf(nc->detail, sizeof nc->detail, "hashAlg %s: the module has SHA-2 only", hash);
        return 0;
    }
    if (acvp_check(run, fm_hash_digest_len(g->hash, &g->hlen), "fm_hash_digest_len") != 0)
        return -1;
    if (g->padding != FM_RSA_PSS)
        return 0;
    if (acvp_get_uint(run, group, "saltLen", &g->salt) != 0)
        return -1;
    if (mask != NULL && strcmp(mask, "mgf1") != 0) {
        if (strcmp(mask, "shake-128") != 0 && strcmp(mask, "shake-256") != 0)
            return acvp_error(run, "maskFunction '%s' is not known", mask);
        nc->why = "SHAKE mask functions (the module's PSS uses MGF1)";
        snprintf(nc->detail, sizeof nc->detail, "maskFunction %s: the module's PSS uses "
                 "MGF1 with the message hash", mask);
        return 0;
    }
    if (g->salt > g->hlen) {
        nc->why = "PSS salts longer than the hash (not approved)";
        snprintf(nc->detail, sizeof nc->detail, "saltLen %llu is longer than the %zu-byte "
                 "hash (FIPS 186-5 5.4 (g))", (unsigned long long)g->salt, g->hlen);
        return 0;
    }
    return 0;
}

/* digest = hashAlg(test.message); the message is the exact bytes of its hex. */
static int rsa_digest(struct acvp_run *run, const struct rsa_sig_group *g, json_t *test,
                      uint8_t digest[FM_HASH_MAX_LEN])
{
    const char *hex;
    uint8_t *msg;
    size_t len;
    int rc;

    if (acvp_get_string(run, test, "message", &hex) != 0 ||
        acvp_get_hex(run, test, "message", (uint64_t)strlen(hex) * 4, &msg, &len) != 0)
        return -1;
    rc = acvp_check(run, fm_hash(g->hash, msg, len, digest, FM_HASH_MAX_LEN), "fm_hash");
    free(msg);
    return rc;
}

static int siggen_test(struct acvp_run *run, const struct acvp_alg *alg, json_t *test,
                       json_t *out, void *arg)
{
    struct rsa_sig_group *g = arg;
    uint8_t digest[FM_HASH_MAX_LEN], *sig;
    int rc;

    (void)alg;
    if (rsa_digest(run, g, test, digest) != 0)
        return -1;
    sig = malloc(g->k);
    if (sig == NULL)
        return acvp_error(run, "out of memory");
    rc = acvp_check(run, fm_rsa_sign(&g->key, g->padding, g->hash, digest, g->hlen,
                                     (size_t)g->salt, sig, g->k), "fm_rsa_sign");
    if (rc == 0)
        rc = acvp_put_hex(run, out, "signature", sig, g->k);
    free(sig);
    return rc;
}

static int rsa_siggen_group(struct acvp_run *run, const struct acvp_alg *alg, json_t *group,
                            json_t *out)
{
    struct rsa_sig_group *g = calloc(1, sizeof *g);
    const char *type;
    struct rsa_nc nc;
    fm_rsa_components c;
    uint8_t *buf = NULL;
    size_t cap;
    int rc = -1;

    if (g == NULL)
        return acvp_error(run, "out of memory");
    if (acvp_get_string(run, group, "testType", &type) != 0 ||
        rsa_sig_params(run, group, g, &nc) != 0)
        goto out;
    if (strcmp(type, "GDT") != 0 && strcmp(type, "AFT") != 0) {
        acvp_error(run, "testType '%s' is not supported", type);
        goto out;
    }
    if (nc.why == NULL && g->modulo != 2048 && g->modulo != 3072 && g->modulo != 4096) {
        nc.why = "signing keys other than 2048, 3072 and 4096 bits";
        snprintf(nc.detail, sizeof nc.detail, "modulo %llu: the module generates 2048-, "
                 "3072- and 4096-bit keys", (unsigned long long)g->modulo);
    }
    if (nc.why != NULL) {
        rc = acvp_each_test(run, alg, group, out, rsa_nc_test, &nc);
        goto out;
    }
    /* The IUT's own key for the group (ACVP sigGen sends none). */
    if (acvp_check(run, fm_rsa_generate_key(&g->key, (size_t)g->modulo, 0),
                   "fm_rsa_generate_key") != 0 ||
        rsa_key_bytes(run, &g->key, &g->k) != 0)
        goto out;
    cap = FM_RSA_EXPORT_LEN(g->modulo);
    buf = malloc(cap);
    if (buf == NULL) {
        acvp_error(run, "out of memory");
        goto out;
    }
    if (acvp_check(run, fm_rsa_key_export(&g->key, 0, buf, cap, &c), "fm_rsa_key_export") != 0 ||
        acvp_put_hex(run, out, "n", c.n, c.n_len) != 0 ||
        acvp_put_hex(run, out, "e", c.e, c.e_len) != 0)
        goto out;
    rc = acvp_each_test(run, alg, group, out, siggen_test, g);
out:
    free(buf);
    (void)fm_rsa_key_wipe(&g->key);
    free(g);
    return rc;
}

static int sigver_test(struct acvp_run *run, const struct acvp_alg *alg, json_t *test,
                       json_t *out, void *arg)
{
    struct rsa_sig_group *g = arg;
    uint8_t digest[FM_HASH_MAX_LEN], *sig = NULL;
    struct rsa_int s;
    int rc, frc;

    (void)alg;
    if (rsa_digest(run, g, test, digest) != 0 ||
        rsa_get_int(run, test, "signature", false, &s) != 0)
        return -1;
    /* A signature too long for k bytes is >= n: invalid (RFC 8017 8.2.2 step 1). */
    rc = rsa_fit(run, &s, g->k, &sig);
    rsa_int_free(&s, false);
    if (rc < 0)
        return -1;
    if (rc == 1)
        return acvp_put(run, out, "testPassed", json_false());
    frc = fm_rsa_verify(&g->key, g->padding, g->hash, digest, g->hlen, (size_t)g->salt, sig,
                        g->k);
    free(sig);
    if (frc == FM_OK || frc == FM_ERR_VERIFY)
        return acvp_put(run, out, "testPassed", json_boolean(frc == FM_OK));
    return acvp_check(run, frc, "fm_rsa_verify");
}

static int rsa_sigver_group(struct acvp_run *run, const struct acvp_alg *alg, json_t *group,
                            json_t *out)
{
    struct rsa_sig_group *g = calloc(1, sizeof *g);
    struct rsa_int n = { 0 }, e = { 0 };
    fm_rsa_components c = { 0 };
    const char *type;
    struct rsa_nc nc;
    int rc = -1;

    if (g == NULL)
        return acvp_error(run, "out of memory");
    if (acvp_get_string(run, group, "testType", &type) != 0 ||
        rsa_sig_params(run, group, g, &nc) != 0)
        goto out;
    if (strcmp(type, "GDT") != 0 && strcmp(type, "AFT") != 0) {
        acvp_error(run, "testType '%s' is not supported", type);
        goto out;
    }
    if (nc.why == NULL && (g->modulo < FM_RSA_MIN_BITS || g->modulo > FM_RSA_MAX_BITS)) {
        nc.why = "moduli outside 1024..8192 bits";
        snprintf(nc.detail, sizeof nc.detail, "modulo %llu: the module verifies with "
                 "moduli of %d to %d bits", (unsigned long long)g->modulo, FM_RSA_MIN_BITS,
                 FM_RSA_MAX_BITS);
    }
    if (nc.why != NULL) {
        rc = acvp_each_test(run, alg, group, out, rsa_nc_test, &nc);
        goto out;
    }
    if (rsa_get_int(run, group, "n", false, &n) != 0 ||
        rsa_get_int(run, group, "e", false, &e) != 0)
        goto out;
    c.n = n.b;
    c.n_len = n.len;
    c.e = e.b;
    c.e_len = e.len;
    if (acvp_check(run, fm_rsa_key_import(&g->key, &c), "fm_rsa_key_import (public key)") != 0 ||
        rsa_key_bytes(run, &g->key, &g->k) != 0)
        goto out;
    rc = acvp_each_test(run, alg, group, out, sigver_test, g);
out:
    rsa_int_free(&n, false);
    rsa_int_free(&e, false);
    (void)fm_rsa_key_wipe(&g->key);
    free(g);
    return rc;
}

/* ---- RSA keyGen ---------------------------------------------------------- */

struct rsa_keygen_group {
    uint64_t modulo;
    uint64_t fixed_e; /* 0: random e for each key */
    bool crt;         /* keyFormat crt (else standard) */
};

/* A random odd e with 2^16 < e < 2^64 from the module's DRBG. */
static int rsa_random_e(struct acvp_run *run, uint64_t *e)
{
    uint8_t b[8];

    do {
        if (acvp_check(run, fm_random_bytes(b, sizeof b), "fm_random_bytes") != 0)
            return -1;
        *e = 0;
        for (size_t i = 0; i < sizeof b; i++)
            *e = *e << 8 | b[i];
        *e |= 1;
    } while (*e <= 65536);
    return 0;
}

static int keygen_test(struct acvp_run *run, const struct acvp_alg *alg, json_t *test,
                       json_t *out, void *arg)
{
    const struct rsa_keygen_group *g = arg;
    fm_rsa_key *key = malloc(sizeof *key);
    size_t cap = FM_RSA_EXPORT_LEN(g->modulo);
    uint8_t *buf = malloc(cap);
    fm_rsa_components c;
    uint64_t e = g->fixed_e;
    int rc = -1;

    (void)alg;
    (void)test;
    if (key == NULL || buf == NULL) {
        acvp_error(run, "out of memory");
        goto out;
    }
    if ((e == 0 && rsa_random_e(run, &e) != 0) ||
        acvp_check(run, fm_rsa_generate_key(key, (size_t)g->modulo, e),
                   "fm_rsa_generate_key") != 0)
        goto out;
    rc = acvp_check(run, fm_rsa_key_export(key, 1, buf, cap, &c), "fm_rsa_key_export");
    (void)fm_rsa_key_wipe(key);
    if (rc != 0)
        goto out;
    rc = -1;
    if (acvp_put_hex(run, out, "n", c.n, c.n_len) != 0 ||
        acvp_put_hex(run, out, "e", c.e, c.e_len) != 0 ||
        acvp_put_hex(run, out, "p", c.p, c.p_len) != 0 ||
        acvp_put_hex(run, out, "q", c.q, c.q_len) != 0)
        goto out;
    if (g->crt) {
        if (acvp_put_hex(run, out, "dmp1", c.dp, c.dp_len) != 0 ||
            acvp_put_hex(run, out, "dmq1", c.dq, c.dq_len) != 0 ||
            acvp_put_hex(run, out, "iqmp", c.qinv, c.qinv_len) != 0)
            goto out;
    } else if (acvp_put_hex(run, out, "d", c.d, c.d_len) != 0) {
        goto out;
    }
    rc = 0;
out:
    if (buf != NULL)
        (void)fm_wipe(buf, cap);
    free(buf);
    free(key);
    return rc;
}

/* randPQ values of FIPS 186-4 (B.3.x) and 186-5: is it random probable primes? */
static int rsa_randpq(struct acvp_run *run, const char *randpq, bool *probable)
{
    static const char *const others[] = {
        "B.3.2", "B.3.4", "B.3.5", "B.3.6", "provable", "provableWithProvableAux",
        "probableWithProvableAux", "probableWithProbableAux",
    };

    *probable = strcmp(randpq, "B.3.3") == 0 || strcmp(randpq, "probable") == 0;
    if (*probable)
        return 0;
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        if (strcmp(randpq, others[i]) == 0)
            return 0;
    return acvp_error(run, "randPQ '%s' is not known", randpq);
}

static int rsa_keygen_group(struct acvp_run *run, const struct acvp_alg *alg, json_t *group,
                            json_t *out)
{
    struct rsa_keygen_group g = { 0 };
    const char *type, *format, *randpq, *pubexp, *prime_test;
    json_t *info = json_object_get(group, "infoGeneratedByServer");
    json_t *pmod8 = json_object_get(group, "pMod8"), *qmod8 = json_object_get(group, "qMod8");
    bool probable;

    if (acvp_get_string(run, group, "testType", &type) != 0 ||
        acvp_get_uint(run, group, "modulo", &g.modulo) != 0 ||
        acvp_get_string(run, group, "keyFormat", &format) != 0 ||
        acvp_get_string(run, group, "randPQ", &randpq) != 0 ||
        acvp_get_string(run, group, "pubExp", &pubexp) != 0 ||
        acvp_get_opt_string(run, group, "primeTest", &prime_test) != 0 ||
        rsa_randpq(run, randpq, &probable) != 0)
        return -1;
    if (strcmp(format, "crt") == 0)
        g.crt = true;
    else if (strcmp(format, "standard") != 0)
        return acvp_error(run, "keyFormat '%s' is not known", format);
    if (strcmp(type, "KAT") == 0)
        return rsa_nc_group(run, alg, group, out,
                            "B.3.3 KAT (accepting or rejecting server-chosen p, q)",
                            "the module has no service that judges candidate primes p, q "
                            "supplied by the caller (fm_rsa_generate_key draws its own)");
    if (!probable)
        return rsa_nc_group(run, alg, group, out,
                            "provable primes or auxiliary primes (B.3.2, B.3.4-B.3.6)",
                            "randPQ %s: the module generates random probable primes only "
                            "(FIPS 186-5 A.1.3 / FIPS 186-4 B.3.3)", randpq);
    if (strcmp(type, "GDT") != 0)
        return acvp_error(run, "testType '%s' with randPQ %s is not supported", type, randpq);
    if (info != NULL && !json_is_false(info))
        return acvp_error(run, "GDT with infoGeneratedByServer true is not supported");
    if ((pmod8 != NULL && (!json_is_integer(pmod8) || json_integer_value(pmod8) != 0)) ||
        (qmod8 != NULL && (!json_is_integer(qmod8) || json_integer_value(qmod8) != 0)))
        return rsa_nc_group(run, alg, group, out, "p mod 8 / q mod 8 constraints",
                            "pMod8 %" JSON_INTEGER_FORMAT " qMod8 %" JSON_INTEGER_FORMAT
                            ": fm_rsa_generate_key has no option to fix p mod 8 or q mod 8",
                            json_integer_value(pmod8), json_integer_value(qmod8));
    /*
     * primeTest names the Miller-Rabin table (FIPS 186-4 C.2 / C.3, FIPS
     * 186-5 B.1 for 2^-100 or for the security strength). The module runs
     * the rounds of Table B.1 for the key's security strength, which meet
     * every one of them.
     */
    if (prime_test != NULL && strcmp(prime_test, "tblC2") != 0 &&
        strcmp(prime_test, "tblC3") != 0 && strcmp(prime_test, "2pow100") != 0 &&
        strcmp(prime_test, "2powSecStr") != 0)
        return acvp_error(run, "primeTest '%s' is not known", prime_test);
    if (g.modulo != 2048 && g.modulo != 3072 && g.modulo != 4096)
        return rsa_nc_group(run, alg, group, out, "key sizes other than 2048, 3072, 4096 bits",
                            "modulo %llu: the module generates 2048-, 3072- and 4096-bit keys",
                            (unsigned long long)g.modulo);
    if (strcmp(pubexp, "fixed") == 0) {
        struct rsa_int e;
        uint64_t v = 0;
        size_t i;

        if (rsa_get_int(run, group, "fixedPubExp", false, &e) != 0)
            return -1;
        for (i = 0; i < e.len && e.b[i] == 0; i++)
            ;
        if (e.len - i <= 8)
            for (; i < e.len; i++)
                v = v << 8 | e.b[i];
        rsa_int_free(&e, false);
        if (v <= 65536 || v % 2 == 0)
            return rsa_nc_group(run, alg, group, out, "public exponents outside 2^16..2^64",
                                "fixedPubExp: fm_rsa_generate_key takes an odd e with "
                                "2^16 < e < 2^64");
        g.fixed_e = v;
    } else if (strcmp(pubexp, "random") != 0) {
        return acvp_error(run, "pubExp '%s' is not known", pubexp);
    }
    return acvp_each_test(run, alg, group, out, keygen_test, &g);
}

/* ---- RSA decryptionPrimitive (SP 800-56Br2 7.1.2) ------------------------ */

/*
 * Z = RSADP(key, c) into z[0..k), where c is the prompt field `field` of
 * test. *ok = false when the module refuses c (outside 1 < c < n - 1,
 * SP 800-56Br2 7.1.2 step 1, or longer than the modulus).
 */
static int rsa_dp(struct acvp_run *run, fm_rsa_key *key, size_t k, json_t *test,
                  const char *field, uint8_t *z, bool *ok)
{
    struct rsa_int ct;
    uint8_t *c;
    int rc, frc;

    *ok = false;
    if (rsa_get_int(run, test, field, false, &ct) != 0)
        return -1;
    rc = rsa_fit(run, &ct, k, &c);
    rsa_int_free(&ct, false);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    frc = fm_rsa_decrypt_primitive(key, c, k, z, k);
    free(c);
    /* With valid pointers and lengths, FM_ERR_ARG is the range check. */
    if (frc == FM_ERR_ARG)
        return 0;
    if (acvp_check(run, frc, "fm_rsa_decrypt_primitive") != 0)
        return -1;
    *ok = true;
    return 0;
}

static int dp_test(struct acvp_run *run, const struct acvp_alg *alg, json_t *test,
                   json_t *out, void *arg)
{
    fm_rsa_key *key = malloc(sizeof *key);
    uint8_t *pt = NULL;
    size_t k;
    bool ok;
    int rc = -1;

    (void)alg;
    (void)arg;
    if (key == NULL)
        return acvp_error(run, "out of memory");
    if (rsa_load_private(run, test, "", key) != 0)
        goto out;
    if (rsa_key_bytes(run, key, &k) != 0)
        goto out;
    pt = malloc(k);
    if (pt == NULL) {
        acvp_error(run, "out of memory");
        goto out;
    }
    if (rsa_dp(run, key, k, test, "ct", pt, &ok) != 0 ||
        acvp_put(run, out, "testPassed", json_boolean(ok)) != 0 ||
        (ok && acvp_put_hex(run, out, "pt", pt, k) != 0))
        goto out;
    rc = 0;
out:
    (void)fm_rsa_key_wipe(key);
    free(key);
    free(pt);
    return rc;
}

static int rsa_dp_group(struct acvp_run *run, const struct acvp_alg *alg, json_t *group,
                        json_t *out)
{
    const char *type, *mode;
    uint64_t modulo;

    if (acvp_get_string(run, group, "testType", &type) != 0 ||
        acvp_get_opt_string(run, group, "keyMode", &mode) != 0 ||
        acvp_get_uint(run, group, "modulo", &modulo) != 0)
        return -1;
    if (strcmp(type, "AFT") != 0)
        return acvp_error(run, "testType '%s' is not supported", type);
    /* The module computes with CRT either way; a standard key is completed. */
    if (mode != NULL && strcmp(mode, "standard") != 0 && strcmp(mode, "crt") != 0)
        return acvp_error(run, "keyMode '%s' is not known", mode);
    if (acvp_put(run, out, "modulo", json_integer((json_int_t)modulo)) != 0)
        return -1;
    return acvp_each_test(run, alg, group, out, dp_test, NULL);
}

/* ---- KAS-IFC-SSC (SP 800-56Br2 8.2, 8.3) ---------------------------------- */

struct kas_group {
    bool kas2;      /* scheme KAS2 (else KAS1) */
    bool initiator; /* kasRole initiator = party U (else responder = V) */
};

/*
 * VAL: recover the part of Z encrypted to the IUT (RSADP of serverC under
 * the IUT's key), put it together with the IUT's own part (iutZ) as the
 * scheme says (KAS1: Z; KAS2: Z = Z_U || Z_V) and compare with z.
 */
static int kas_val_test(struct acvp_run *run, const struct acvp_alg *alg, json_t *test,
                        json_t *out, void *arg)
{
    const struct kas_group *g = arg;
    fm_rsa_key *key = malloc(sizeof *key);
    struct rsa_int z = { 0 }, own = { 0 };
    uint8_t *mine = NULL;
    size_t k = 0;
    bool ok = false;
    int rc = -1;

    (void)alg;
    if (key == NULL)
        return acvp_error(run, "out of memory");
    if (rsa_load_private(run, test, "iut", key) != 0 || rsa_key_bytes(run, key, &k) != 0 ||
        rsa_get_int(run, test, "z", false, &z) != 0 ||
        (g->kas2 && rsa_get_int(run, test, "iutZ", false, &own) != 0))
        goto out;
    mine = malloc(2 * k + own.len);
    if (mine == NULL) {
        acvp_error(run, "out of memory");
        goto out;
    }
    /* KAS2 initiator: Z = iutZ || RSADP(serverC); responder: RSADP(serverC) || iutZ. */
    if (g->kas2 && g->initiator)
        memcpy(mine, own.b, own.len);
    if (rsa_dp(run, key, k, test, "serverC", mine + (g->kas2 && g->initiator ? own.len : 0),
               &ok) != 0)
        goto out;
    if (g->kas2 && !g->initiator)
        memcpy(mine + k, own.b, own.len);
    /* Z is compared as the byte string it is (SP 800-56Br2 keeps its length). */
    ok = ok && z.len == k + own.len && memcmp(mine, z.b, z.len) == 0;
    rc = acvp_put(run, out, "testPassed", json_boolean(ok));
out:
    if (mine != NULL)
        (void)fm_wipe(mine, 2 * k + own.len);
    free(mine);
    rsa_int_free(&z, true);
    rsa_int_free(&own, true);
    (void)fm_rsa_key_wipe(key);
    free(key);
    return rc;
}

static int kas_group(struct acvp_run *run, const struct acvp_alg *alg, json_t *group,
                     json_t *out)
{
    const char *type, *scheme, *role;
    struct kas_group g;

    if (acvp_get_string(run, group, "testType", &type) != 0 ||
        acvp_get_string(run, group, "scheme", &scheme) != 0 ||
        acvp_get_string(run, group, "kasRole", &role) != 0)
        return -1;
    if (strcmp(scheme, "KAS1") != 0 && strcmp(scheme, "KAS2") != 0)
        return acvp_error(run, "scheme '%s' is not known", scheme);
    if (strcmp(role, "initiator") != 0 && strcmp(role, "responder") != 0)
        return acvp_error(run, "kasRole '%s' is not known", role);
    g.kas2 = strcmp(scheme, "KAS2") == 0;
    g.initiator = strcmp(role, "initiator") == 0;
    if (strcmp(type, "AFT") == 0 && (g.initiator || g.kas2))
        return rsa_nc_group(run, alg, group, out, "KAS AFT (IUT-made secret encrypted with RSAEP)",
                            "%s %s AFT: the IUT must generate its secret Z and encrypt it "
                            "with RSAEP (SP 800-56Br2 7.1.1); the module offers RSADP but no "
                            "RSAEP service", scheme, role);
    if (strcmp(type, "AFT") == 0)
        return rsa_nc_group(run, alg, group, out, "KAS1 responder AFT (not implemented)",
                            "KAS1 responder AFT: not implemented by this tool (no sample set "
                            "shows its answer fields)");
    if (strcmp(type, "VAL") != 0)
        return acvp_error(run, "testType '%s' is not supported", type);
    if (g.initiator && !g.kas2)
        return rsa_nc_group(run, alg, group, out, "KAS1 initiator VAL (needs RSAEP)",
                            "KAS1 initiator VAL: checking the IUT's C = RSAEP(Z) needs an "
                            "RSAEP service, which the module does not offer");
    return acvp_each_test(run, alg, group, out, kas_val_test, &g);
}

/* ---- KTS-IFC (SP 800-56Br2 9) -------------------------------------------- */

/*
 * KTS-OAEP key transport. The module has the RSA-OAEP primitive
 * (fm_rsa_oaep_encrypt / _decrypt) but no SP 800-56Br2 KTS scheme service:
 * no associated-data formatting, no key confirmation. Every group is
 * answered notClaimed, with the most specific reason: an OAEP hash the
 * module lacks, then a key confirmation MAC it lacks, then the missing
 * scheme layer.
 */
static int kts_group(struct acvp_run *run, const struct acvp_alg *alg, json_t *group,
                     json_t *out)
{
    json_t *kts = json_object_get(group, "ktsConfiguration");
    json_t *mac = json_object_get(group, "macConfiguration");
    const char *scheme, *hash, *mac_type = NULL, *why;
    int id;

    if (acvp_get_string(run, group, "scheme", &scheme) != 0)
        return -1;
    if (!json_is_object(kts))
        return acvp_error(run, "missing object 'ktsConfiguration'");
    if (acvp_get_string(run, kts, "hashAlg", &hash) != 0 || rsa_hash(run, hash, &id, &why) != 0)
        return -1;
    if (why != NULL)
        return rsa_nc_group(run, alg, group, out, why, "%s with OAEP over %s: the module has "
                            "SHA-2 only", scheme, hash);
    if (json_is_object(mac) && acvp_get_string(run, mac, "macType", &mac_type) != 0)
        return -1;
    if (mac_type != NULL && strncmp(mac_type, "HMAC-SHA2-", 10) != 0) {
        if (strcmp(mac_type, "HMAC-SHA-1") == 0)
            why = "key confirmation with HMAC-SHA-1 (no SHA-1 in the module)";
        else if (strncmp(mac_type, "KMAC-", 5) == 0 || strncmp(mac_type, "HMAC-SHA3-", 10) == 0)
            why = "key confirmation with KMAC or HMAC-SHA3 (no SHA-3 in the module)";
        else
            why = "key confirmation with another MAC (not in the module)";
        return rsa_nc_group(run, alg, group, out, why, "%s key confirmation with %s: the "
                            "module has no such MAC", scheme, mac_type);
    }
    return rsa_nc_group(run, alg, group, out, "KTS-OAEP scheme (no module service)",
                        "%s: the module offers the RSA-OAEP primitive but no SP 800-56Br2 "
                        "KTS-OAEP scheme (associated data, key confirmation)", scheme);
}

const struct acvp_alg acvp_rsa_algs[] = {
    { "RSA", "keyGen", "FIPS186-4", 0, rsa_keygen_group },
    { "RSA", "keyGen", "FIPS186-5", 0, rsa_keygen_group },
    { "RSA", "sigGen", "FIPS186-4", 0, rsa_siggen_group },
    { "RSA", "sigGen", "FIPS186-5", 0, rsa_siggen_group },
    { "RSA", "sigVer", "FIPS186-4", 0, rsa_sigver_group },
    { "RSA", "sigVer", "FIPS186-5", 0, rsa_sigver_group },
    { "RSA", "decryptionPrimitive", "Sp800-56Br2", 0, rsa_dp_group },
    { "KAS-IFC-SSC", NULL, "Sp800-56Br2", 0, kas_group },
    { "KTS-IFC", NULL, "Sp800-56Br2", 0, kts_group },
    { NULL, NULL, NULL, 0, NULL },
};
