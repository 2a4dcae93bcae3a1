/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit test of the P-521 field layer (src/ec/p521_field.c), cross-checked
 * against OpenSSL's BIGNUM modulo p = 2^521 - 1:
 *
 *   - fe_from_bytes on edge encodings (0, 1, 2, p - 2, p - 1, 2^520, values
 *     near p) which it must accept, and on p, p + 1, 2^521, 2^528 - 1 and
 *     random 66-byte strings >= p, which it must refuse with r = 0;
 *   - fe_to_bytes canonical (also for the non-canonical p that a - a gives),
 *     fe_is_zero, every arithmetic function on random and edge elements,
 *     including elements whose limbs sit at the top of the bounds the field
 *     file promises (its "invariant I"), and every output checked against
 *     those bounds;
 *   - aliasing: r == a, r == b, a == b, r == a == b;
 *   - a 100 000-step random chain of add/sub/mul/sqr over a pool of
 *     elements, with runs of 4 to 12 additions/subtractions in a row, each
 *     step compared with BIGNUM;
 *   - fe_inv (with inv(0) = 0, also for the representation p of 0) and
 *     fe_sqrt (a^((p+1)/4), compared with BN_mod_exp; r^2 = a for squares,
 *     r^2 = -a for non-squares).
 *
 * Then, unless --no-bench, nanoseconds per fe_mul, fe_sqr (a dependent
 * chain, as in an exponentiation, and four independent chains, as in the
 * point formulas), fe_add, fe_sub, fe_inv and fe_sqrt.
 *
 * Standalone: the field file is self-contained, so the test includes it
 * alone. `make build/unit/p521_field_test` links the glue and platform
 * objects too; their library constructor calls fm_init, which the stub
 * below provides. By hand, from the repository root:
 *
 *   gcc -std=c11 -Wall -Wextra -Werror -O2 -g -Iinclude -o build/p521_field_test \
 *       tests/unit/p521_field_test.c -lcrypto && ./build/p521_field_test [seed] [--no-bench]
 *
 * Last line "p521_field: PASS, N checks" or "p521_field: FAIL, ..."; exit
 * status 0 only when every check passed.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include "../../src/ec/p521_field.c"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>

/* platform.o's constructor calls fm_init; the module is not linked here. */
int fm_init(uint32_t flags);
int fm_init(uint32_t flags)
{
    (void)flags;
    return 0;
}

#define NL P521_FE_LIMBS
#define NB P521_FE_BYTES

/* The bounds of invariant I (see the top of p521_field.c). */
#define LIMB_MAX ((((uint64_t)1) << 58) + (1u << 8) - 1)
#define TOP_MAX ((((uint64_t)1) << 57) + (1u << 8) - 1)

/* ---- test plumbing ------------------------------------------------------- */

static unsigned long n_checks, n_fail;

#define CHECK(cond, ...) check_((cond) != 0, __LINE__, __VA_ARGS__)

static int check_(int ok, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int check_(int ok, int line, const char *fmt, ...)
{
    n_checks++;
    if (!ok) {
        n_fail++;
        if (n_fail <= 30) {
            va_list ap;
            va_start(ap, fmt);
            printf("  FAIL (line %d): ", line);
            vprintf(fmt, ap);
            printf("\n");
            va_end(ap);
        }
    }
    return ok;
}

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static BN_CTX *ctx;
static BIGNUM *P;

static void die(const char *what)
{
    printf("p521_field: FAIL, %s\n", what);
    exit(2);
}

/* The value of the limbs, not reduced (sum of x[i] 2^(58 i)). */
static void limbs_to_bn(BIGNUM *r, const uint64_t *x)
{
    BIGNUM *t = BN_CTX_get(ctx);
    if (t == NULL)
        die("BN_CTX_get");
    BN_zero(r);
    for (int i = NL - 1; i >= 0; i--) {
        if (!BN_lshift(r, r, 58) || !BN_set_word(t, x[i]) || !BN_add(r, r, t))
            die("BN arithmetic");
    }
}

/* x mod p as 66 big-endian bytes, computed by BIGNUM from the limbs. */
static void limbs_mod_p(uint8_t *out, const uint64_t *x)
{
    BN_CTX_start(ctx);
    BIGNUM *v = BN_CTX_get(ctx);
    if (v == NULL)
        die("BN_CTX_get");
    limbs_to_bn(v, x);
    if (!BN_nnmod(v, v, P, ctx) || BN_bn2binpad(v, out, NB) != NB)
        die("BN_nnmod");
    BN_CTX_end(ctx);
}

static void bn_to_bytes(uint8_t *out, const BIGNUM *v)
{
    if (BN_bn2binpad(v, out, NB) != NB)
        die("BN_bn2binpad");
}

/* An element from a BIGNUM in [0, p): through fe_from_bytes, which must accept. */
static void fe_from_bn(uint64_t *r, const BIGNUM *v)
{
    uint8_t b[NB];
    bn_to_bytes(b, v);
    if (p521_fe_from_bytes(r, b) != 0)
        die("fe_from_bytes refused a value below p");
}

static int in_bounds(const uint64_t *x)
{
    for (int i = 0; i < NL - 1; i++)
        if (x[i] > LIMB_MAX)
            return 0;
    return x[NL - 1] <= TOP_MAX;
}

static void hex(const char *label, const uint8_t *b, size_t n)
{
    printf("    %s ", label);
    for (size_t i = 0; i < n; i++)
        printf("%02x", b[i]);
    printf("\n");
}

/*
 * Compare an element with the expected value (BN in [0, p)): the limbs
 * must be in bounds, their value mod p must match, and fe_to_bytes must
 * give the canonical encoding.
 */
static int expect_fe(const char *what, const uint64_t *got, const BIGNUM *want)
{
    uint8_t w[NB], g1[NB], g2[NB];
    bn_to_bytes(w, want);
    limbs_mod_p(g1, got);
    p521_fe_to_bytes(g2, got);
    int ok = CHECK(in_bounds(got), "%s: limbs out of bounds", what);
    ok &= CHECK(memcmp(g1, w, NB) == 0, "%s: wrong value", what);
    ok &= CHECK(memcmp(g2, w, NB) == 0, "%s: fe_to_bytes not canonical/wrong", what);
    if (!ok && n_fail <= 30) {
        hex("want", w, NB);
        hex("got ", g1, NB);
        hex("to_bytes", g2, NB);
    }
    return ok;
}

/* Random element, canonical (via from_bytes) or with limbs anywhere in I. */
static void rnd_fe(uint64_t *r, BIGNUM *v)
{
    switch (rnd() % 8) {
    case 0: { /* limbs at or near the top of the bounds */
        for (int i = 0; i < NL; i++) {
            uint64_t max = i < NL - 1 ? LIMB_MAX : TOP_MAX;
            r[i] = max - (rnd() % 4 == 0 ? rnd() % 300 : 0);
        }
        break;
    }
    case 1: /* random limbs anywhere in I */
        for (int i = 0; i < NL; i++) {
            uint64_t max = i < NL - 1 ? LIMB_MAX : TOP_MAX;
            r[i] = rnd() % (max + 1);
        }
        break;
    case 2: /* sparse: limbs 0, 1, all-ones or max */
        for (int i = 0; i < NL; i++) {
            uint64_t m = i < NL - 1 ? P521_M58 : P521_M57;
            uint64_t max = i < NL - 1 ? LIMB_MAX : TOP_MAX;
            uint64_t c[4] = { 0, 1, m, max };
            r[i] = c[rnd() % 4];
        }
        break;
    default: { /* canonical random */
        uint8_t b[NB];
        for (int i = 0; i < NB; i++)
            b[i] = (uint8_t)rnd();
        b[0] &= 1;
        if (p521_fe_from_bytes(r, b) != 0) /* p itself: try 0 */
            memset(r, 0, 8 * NL);
        break;
    }
    }
    BN_CTX_start(ctx);
    BIGNUM *t = BN_CTX_get(ctx);
    if (t == NULL)
        die("BN_CTX_get");
    limbs_to_bn(t, r);
    if (!BN_nnmod(v, t, P, ctx))
        die("BN_nnmod");
    BN_CTX_end(ctx);
}

/* ---- from_bytes / to_bytes ----------------------------------------------- */

static void test_bytes(void)
{
    BIGNUM *v = BN_new(), *w = BN_new();
    uint8_t b[NB], o[NB];
    uint64_t r[NL];
    if (v == NULL || w == NULL)
        die("BN_new");

    /* Accepted: small values, 2^520, p - k for small k, random below p. */
    for (int k = 0; k < 40 + 2000; k++) {
        if (k < 8)
            BN_set_word(v, (BN_ULONG)k);
        else if (k < 16) {
            BN_copy(v, P);
            BN_sub_word(v, (BN_ULONG)(k - 7)); /* p - 1 .. p - 8 */
        } else if (k == 16) {
            BN_zero(v);
            BN_set_bit(v, 520);
        } else if (k < 30) {
            BN_zero(v);
            BN_set_bit(v, (int)(rnd() % 521)); /* powers of 2 below 2^521 */
        } else if (k < 40) {
            BN_copy(v, P); /* p - 2^j */
            BN_zero(w);
            BN_set_bit(w, (int)(rnd() % 521));
            BN_sub(v, v, w);
        } else {
            BN_rand_range(v, P);
        }
        bn_to_bytes(b, v);
        memset(r, 0xa5, sizeof r);
        int rc = p521_fe_from_bytes(r, b);
        CHECK(rc == 0, "from_bytes refused a value below p (case %d)", k);
        if (rc == 0) {
            /* Canonical limbs, exactly. */
            int canon = 1;
            for (int i = 0; i < NL; i++)
                canon &= r[i] <= (i < NL - 1 ? P521_M58 : P521_M57);
            CHECK(canon, "from_bytes: limbs not exact (case %d)", k);
            expect_fe("from_bytes", r, v);
            p521_fe_to_bytes(o, r);
            CHECK(memcmp(o, b, NB) == 0, "to_bytes(from_bytes(x)) != x (case %d)", k);
        }
    }

    /* Refused: p, p + 1, p + small, 2^521, 2^528 - 1, random >= p. */
    for (int k = 0; k < 2000; k++) {
        if (k == 0)
            BN_copy(v, P);
        else if (k < 8) {
            BN_copy(v, P);
            BN_add_word(v, (BN_ULONG)k);
        } else if (k == 8) {
            BN_zero(v);
            BN_set_bit(v, 521);
        } else if (k == 9) {
            BN_zero(v);
            BN_set_bit(v, 528);
            BN_sub_word(v, 1);
        } else if (k < 20) {
            BN_zero(v); /* 2^j + small for j in 521..527 */
            BN_set_bit(v, 521 + (int)(rnd() % 7));
            BN_add_word(v, (BN_ULONG)(rnd() % 1000));
        } else {
            /* Random 66 bytes with a bit set among 521..527. */
            for (int i = 0; i < NB; i++)
                b[i] = (uint8_t)rnd();
            b[0] |= (uint8_t)(2u << (rnd() % 7));
            BN_bin2bn(b, NB, v);
        }
        bn_to_bytes(b, v);
        memset(r, 0xa5, sizeof r);
        int rc = p521_fe_from_bytes(r, b);
        int zero = 1;
        for (int i = 0; i < NL; i++)
            zero &= r[i] == 0;
        CHECK(rc == -1, "from_bytes accepted a value >= p (case %d)", k);
        CHECK(zero, "from_bytes: r not zeroed on refusal (case %d)", k);
    }

    /* to_bytes on non-canonical representations: p -> 0, p + x -> x. */
    {
        uint64_t x[NL];
        for (int i = 0; i < NL; i++)
            x[i] = i < NL - 1 ? P521_M58 : P521_M57;
        p521_fe_to_bytes(o, x);
        memset(b, 0, NB);
        CHECK(memcmp(o, b, NB) == 0, "to_bytes(p) != 0");
        CHECK(p521_fe_is_zero(x) == ~(uint64_t)0, "is_zero(p) != ~0");
        x[0] += 5; /* p + 5: 5 */
        p521_fe_to_bytes(o, x);
        b[NB - 1] = 5;
        CHECK(memcmp(o, b, NB) == 0, "to_bytes(p + 5) != 5");
        CHECK(p521_fe_is_zero(x) == 0, "is_zero(p + 5) != 0");
    }
    BN_free(v);
    BN_free(w);
}

/* ---- the arithmetic, one operation at a time ----------------------------- */

enum { OP_ADD, OP_SUB, OP_MUL, OP_SQR, OP_N };
static const char *op_name[OP_N] = { "add", "sub", "mul", "sqr" };

static void bn_op(int op, BIGNUM *r, const BIGNUM *a, const BIGNUM *b)
{
    int ok;
    switch (op) {
    case OP_ADD: ok = BN_mod_add(r, a, b, P, ctx); break;
    case OP_SUB: ok = BN_mod_sub(r, a, b, P, ctx); break;
    case OP_MUL: ok = BN_mod_mul(r, a, b, P, ctx); break;
    default: ok = BN_mod_sqr(r, a, P, ctx); break;
    }
    if (!ok)
        die("BN op");
}

static void fe_op(int op, uint64_t *r, const uint64_t *a, const uint64_t *b)
{
    switch (op) {
    case OP_ADD: p521_fe_add(r, a, b); break;
    case OP_SUB: p521_fe_sub(r, a, b); break;
    case OP_MUL: p521_fe_mul(r, a, b); break;
    default: p521_fe_sqr(r, a); break;
    }
}

static void test_ops(void)
{
    BIGNUM *va = BN_new(), *vb = BN_new(), *vr = BN_new();
    uint64_t a[NL], b[NL], r[NL], t[NL];
    char what[64];
    if (va == NULL || vb == NULL || vr == NULL)
        die("BN_new");

    for (int it = 0; it < 20000; it++) {
        rnd_fe(a, va);
        rnd_fe(b, vb);
        for (int op = 0; op < OP_N; op++) {
            bn_op(op, vr, va, vb);
            /* r distinct */
            fe_op(op, r, a, b);
            snprintf(what, sizeof what, "%s", op_name[op]);
            expect_fe(what, r, vr);
            /* r == a */
            memcpy(t, a, sizeof t);
            fe_op(op, t, t, b);
            snprintf(what, sizeof what, "%s (r == a)", op_name[op]);
            expect_fe(what, t, vr);
            if (op != OP_SQR) {
                /* r == b */
                memcpy(t, b, sizeof t);
                fe_op(op, t, a, t);
                snprintf(what, sizeof what, "%s (r == b)", op_name[op]);
                expect_fe(what, t, vr);
            }
        }
        /* a == b, and r == a == b */
        for (int op = 0; op < OP_N; op++) {
            bn_op(op, vr, va, va);
            fe_op(op, r, a, a);
            snprintf(what, sizeof what, "%s (a == b)", op_name[op]);
            expect_fe(what, r, vr);
            memcpy(t, a, sizeof t);
            fe_op(op, t, t, t);
            snprintf(what, sizeof what, "%s (r == a == b)", op_name[op]);
            expect_fe(what, t, vr);
        }
        /* is_zero on the same inputs */
        CHECK(p521_fe_is_zero(a) == (BN_is_zero(va) ? ~(uint64_t)0 : 0), "is_zero(random)");
        /* a - a is p in limbs: is_zero, to_bytes 0 */
        p521_fe_sub(r, a, a);
        CHECK(p521_fe_is_zero(r) == ~(uint64_t)0, "is_zero(a - a)");
        BN_zero(vr);
        expect_fe("a - a", r, vr);
    }

    /* Edge elements against each other: 0, 1, 2, p - 1, p - 2, 2^520, the
     * representation p of 0, all limbs at their maximum. */
    {
        enum { NE = 9 };
        uint64_t e[NE][NL];
        BIGNUM *ve[NE];
        memset(e, 0, sizeof e);
        e[1][0] = 1;
        e[2][0] = 2;
        for (int i = 0; i < NL; i++) {
            uint64_t m = i < NL - 1 ? P521_M58 : P521_M57;
            e[3][i] = e[4][i] = e[6][i] = m;
            e[7][i] = i < NL - 1 ? LIMB_MAX : TOP_MAX;
        }
        e[3][0] -= 1;                       /* p - 1 */
        e[4][0] -= 2;                       /* p - 2 */
        e[5][8] = (uint64_t)1 << 56;        /* 2^520 */
        /* e[6] = p (zero) */              /* e[7] = all limbs at the maximum */
        for (int i = 0; i < NL; i++)        /* e[8]: 2^58 - 1 in every limb, top too */
            e[8][i] = i < NL - 1 ? P521_M58 : TOP_MAX;
        for (int k = 0; k < NE; k++) {
            ve[k] = BN_new();
            if (ve[k] == NULL)
                die("BN_new");
            CHECK(in_bounds(e[k]), "edge %d out of bounds", k);
            BN_CTX_start(ctx);
            BIGNUM *t0 = BN_CTX_get(ctx);
            limbs_to_bn(t0, e[k]);
            BN_nnmod(ve[k], t0, P, ctx);
            BN_CTX_end(ctx);
        }
        for (int i = 0; i < NE; i++)
            for (int j = 0; j < NE; j++)
                for (int op = 0; op < OP_N; op++) {
                    bn_op(op, vr, ve[i], ve[j]);
                    fe_op(op, r, e[i], e[j]);
                    snprintf(what, sizeof what, "%s (edge %d, %d)", op_name[op], i, j);
                    expect_fe(what, r, vr);
                }
        for (int k = 0; k < NE; k++) {
            CHECK(p521_fe_is_zero(e[k]) == (BN_is_zero(ve[k]) ? ~(uint64_t)0 : 0),
                  "is_zero(edge %d)", k);
            BN_free(ve[k]);
        }
    }
    BN_free(va);
    BN_free(vb);
    BN_free(vr);
}

/* ---- the long chain ------------------------------------------------------ */

static void test_chain(unsigned long steps)
{
    enum { POOL = 8 };
    uint64_t x[POOL][NL];
    BIGNUM *v[POOL];
    unsigned long run = 0, runs4 = 0;

    for (int k = 0; k < POOL; k++) {
        v[k] = BN_new();
        if (v[k] == NULL)
            die("BN_new");
        rnd_fe(x[k], v[k]);
    }
    for (unsigned long s = 0; s < steps; s++) {
        /* Runs of additions: a quarter of the time, 4 to 12 add/sub steps
         * in a row; otherwise a random operation. */
        int op;
        if (run > 0) {
            op = rnd() % 2 ? OP_ADD : OP_SUB;
            run--;
        } else if (rnd() % 4 == 0) {
            run = 3 + rnd() % 9;
            runs4++;
            op = rnd() % 2 ? OP_ADD : OP_SUB;
        } else
            op = (int)(rnd() % OP_N);
        int d = (int)(rnd() % POOL), i = (int)(rnd() % POOL), j = (int)(rnd() % POOL);
        if (op == OP_ADD || op == OP_SUB) {
            /* Keep the additive runs on one accumulator: t = t + a; t = t + t; ... */
            if (run > 0 && rnd() % 2)
                i = d;
        }
        bn_op(op, v[d], v[i], v[j]);
        fe_op(op, x[d], x[i], x[j]);
        uint8_t w[NB], g[NB];
        bn_to_bytes(w, v[d]);
        limbs_mod_p(g, x[d]);
        if (!CHECK(in_bounds(x[d]) && memcmp(w, g, NB) == 0, "chain step %lu (%s)", s,
                   op_name[op]))
            break;
        if (s % 64 == 0) {
            p521_fe_to_bytes(g, x[d]);
            CHECK(memcmp(w, g, NB) == 0, "chain step %lu to_bytes", s);
        }
    }
    printf("  chain: %lu steps, %lu runs of 4..12 additions/subtractions\n", steps, runs4);
    for (int k = 0; k < POOL; k++)
        BN_free(v[k]);
}

/* ---- inversion and square root ------------------------------------------- */

static void test_inv_sqrt(void)
{
    BIGNUM *va = BN_new(), *vr = BN_new(), *e = BN_new(), *t = BN_new();
    uint64_t a[NL], r[NL], s[NL];
    if (va == NULL || vr == NULL || e == NULL || t == NULL)
        die("BN_new");

    /* (p + 1) / 4 = 2^519 */
    BN_zero(e);
    BN_set_bit(e, 519);

    /* inv(0) = 0, in both representations of 0, also aliased. */
    memset(a, 0, sizeof a);
    p521_fe_inv(r, a);
    BN_zero(vr);
    expect_fe("inv(0)", r, vr);
    for (int i = 0; i < NL; i++)
        a[i] = i < NL - 1 ? P521_M58 : P521_M57;
    p521_fe_inv(a, a);
    expect_fe("inv(p) (aliased)", a, vr);
    p521_fe_sqrt(r, a);
    expect_fe("sqrt(0)", r, vr);

    for (int it = 0; it < 300; it++) {
        if (it < 3) {
            memset(a, 0, sizeof a);
            a[0] = (uint64_t)it + 1; /* 1, 2, 3 */
            BN_set_word(va, (BN_ULONG)it + 1);
        } else
            rnd_fe(a, va);
        /* inv */
        if (BN_is_zero(va))
            BN_zero(vr);
        else if (BN_mod_inverse(vr, va, P, ctx) == NULL)
            die("BN_mod_inverse");
        p521_fe_inv(r, a);
        expect_fe("inv", r, vr);
        p521_fe_mul(s, r, a);
        if (!BN_is_zero(va)) {
            BN_one(t);
            expect_fe("a * inv(a)", s, t);
        }
        memcpy(s, a, sizeof s);
        p521_fe_inv(s, s);
        expect_fe("inv (r == a)", s, vr);

        /* sqrt of a square: r^2 = a^2; of a non-square -a^2 (-1 is not a
         * square mod p = 3 mod 4): r^2 = a^2. Also the raw a^(2^519). */
        uint64_t sq[NL], neg[NL], zero[NL] = { 0 };
        p521_fe_sqr(sq, a);
        p521_fe_sub(neg, zero, sq);
        for (int k = 0; k < 3; k++) {
            const uint64_t *in = k == 0 ? sq : k == 1 ? neg : a;
            BN_CTX_start(ctx);
            BIGNUM *vin = BN_CTX_get(ctx), *r2 = BN_CTX_get(ctx);
            limbs_to_bn(vin, in);
            BN_nnmod(vin, vin, P, ctx);
            if (!BN_mod_exp(vr, vin, e, P, ctx))
                die("BN_mod_exp");
            p521_fe_sqrt(r, in);
            expect_fe(k == 0 ? "sqrt(a^2)" : k == 1 ? "sqrt(-a^2)" : "sqrt(a)", r, vr);
            p521_fe_sqr(s, r);
            limbs_to_bn(r2, s);
            BN_nnmod(r2, r2, P, ctx);
            if (k == 0) {
                CHECK(BN_cmp(r2, vin) == 0, "sqrt(a^2)^2 != a^2");
            } else if (k == 1 && !BN_is_zero(vin)) {
                BIGNUM *m = BN_CTX_get(ctx);
                BN_mod_sub(m, P, vin, P, ctx); /* -(-a^2) = a^2 */
                CHECK(BN_cmp(r2, m) == 0, "sqrt(-a^2)^2 != a^2 (non-square)");
                CHECK(BN_cmp(r2, vin) != 0, "-a^2 treated as a square");
            }
            BN_CTX_end(ctx);
        }
        memcpy(s, sq, sizeof s);
        p521_fe_sqrt(s, s);
        p521_fe_sqrt(r, sq);
        CHECK(memcmp(r, s, sizeof r) == 0, "sqrt (r == a) differs");
    }
    BN_free(va);
    BN_free(vr);
    BN_free(e);
    BN_free(t);
}

/* ---- benchmark ----------------------------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static volatile uint64_t sink;

/*
 * Best of 7 runs of n iterations; ns per operation. The operands live in a
 * static, page-aligned buffer: with stack arrays the times moved by up to
 * 50% from build to build (loads of the callee's spill slots aliasing,
 * modulo 4 KiB, the caller's stores), which measured the layout rather
 * than the code.
 */
#define BENCH(label, n, per, body)                                              \
    do {                                                                        \
        double best_ = 1e30;                                                    \
        for (int rep_ = 0; rep_ < 7; rep_++) {                                  \
            double t0_ = now();                                                 \
            for (long it_ = 0; it_ < (n); it_++) {                              \
                body;                                                           \
            }                                                                   \
            double dt_ = (now() - t0_) / (double)(n) * 1e9 / (per);             \
            if (dt_ < best_)                                                    \
                best_ = dt_;                                                    \
        }                                                                       \
        printf("  %-36s %9.1f ns\n", label, best_);                             \
    } while (0)

/* The operations as the curve layer sees them: calls, not inlined bodies. */
static __attribute__((noinline)) void call_mul(uint64_t *r, const uint64_t *a, const uint64_t *b)
{
    p521_fe_mul(r, a, b);
}

static __attribute__((noinline)) void call_sqr(uint64_t *r, const uint64_t *a)
{
    p521_fe_sqr(r, a);
}

static __attribute__((noinline)) void call_add(uint64_t *r, const uint64_t *a, const uint64_t *b)
{
    p521_fe_add(r, a, b);
}

static __attribute__((noinline)) void call_sub(uint64_t *r, const uint64_t *a, const uint64_t *b)
{
    p521_fe_sub(r, a, b);
}

static __attribute__((noinline)) void call_inv(uint64_t *r, const uint64_t *a)
{
    p521_fe_inv(r, a);
}

static __attribute__((noinline)) void call_sqrt(uint64_t *r, const uint64_t *a)
{
    p521_fe_sqrt(r, a);
}

static void bench(void)
{
    static uint64_t buf[6 * 16] __attribute__((aligned(4096)));
    uint64_t *x[4] = { buf, buf + 16, buf + 32, buf + 48 }, *y = buf + 64;
    BIGNUM *v = BN_new();
    for (int k = 0; k < 4; k++)
        rnd_fe(x[k], v);
    rnd_fe(y, v);
    BN_free(v);

    printf("p521_field bench (ns per operation, best of 7):\n");
    BENCH("fe_mul (dependent chain)", 300000, 1, call_mul(x[0], x[0], y));
    BENCH("fe_mul (4 independent chains)", 100000, 4, {
        call_mul(x[0], x[0], y);
        call_mul(x[1], x[1], y);
        call_mul(x[2], x[2], y);
        call_mul(x[3], x[3], y);
    });
    BENCH("fe_sqr (dependent chain)", 300000, 1, call_sqr(x[0], x[0]));
    BENCH("fe_sqr (4 independent chains)", 100000, 4, {
        call_sqr(x[0], x[0]);
        call_sqr(x[1], x[1]);
        call_sqr(x[2], x[2]);
        call_sqr(x[3], x[3]);
    });
    BENCH("fe_add", 1000000, 1, call_add(x[0], x[0], y));
    BENCH("fe_sub", 1000000, 1, call_sub(x[0], x[0], y));
    BENCH("fe_inv", 2000, 1, call_inv(x[0], x[0]));
    BENCH("fe_sqrt", 2000, 1, call_sqrt(x[0], x[0]));
    for (int k = 0; k < 4; k++)
        sink ^= x[k][0];
}

int main(int argc, char **argv)
{
    int do_bench = 1;
    uint64_t seed = (uint64_t)time(NULL);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-bench") == 0)
            do_bench = 0;
        else
            seed = strtoull(argv[i], NULL, 0);
    }
    rng_state = seed;
    printf("p521_field: seed %llu\n", (unsigned long long)seed);

    ctx = BN_CTX_new();
    P = BN_new();
    if (ctx == NULL || P == NULL)
        die("BN_CTX_new");
    BN_set_bit(P, 521);
    BN_sub_word(P, 1);

    /* The constants. */
    {
        BIGNUM *b = NULL;
        uint64_t r[NL];
        BN_hex2bn(&b, "0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e"
                      "156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00");
        expect_fe("fe_b", p521_fe_b, b);
        fe_from_bn(r, b);
        CHECK(memcmp(r, p521_fe_b, sizeof r) == 0, "from_bytes(b) != fe_b");
        BN_one(b);
        expect_fe("fe_one", p521_fe_one, b);
        BN_free(b);
    }

    test_bytes();
    test_ops();
    test_chain(100000);
    test_inv_sqrt();

    if (do_bench && n_fail == 0)
        bench();

    BN_free(P);
    BN_CTX_free(ctx);
    if (n_fail) {
        printf("p521_field: FAIL, %lu of %lu checks failed (seed %llu)\n", n_fail, n_checks,
               (unsigned long long)seed);
        return 1;
    }
    printf("p521_field: PASS, %lu checks\n", n_checks);
    return 0;
}
