/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit test of the P-256 field arithmetic (src/ec/p256_field.c and the
 * MULX kernels of src/ec/p256_field_mulx.c), cross-checked against
 * OpenSSL's BIGNUM: every function of the field contract on edge values
 * (0, 1, 2, p - 1, p - 2, 2^255, powers of two at the limb and word
 * boundaries of p, values next to p and 2^256, b), on random values, with
 * every aliasing of output and inputs, and along long random chains of
 * additions, subtractions, multiplications and squarings that feed every
 * output back as an input. Results are compared limb for limb with
 * x R mod p computed by BIGNUM, which checks at once the value and that
 * it is canonical (below p). The MULX kernels are tested the same way
 * (and mixed with the portable ones in a chain) when cpuid reports BMI2
 * and ADX; otherwise they are skipped with a message. Then, for
 * information, timings (--no-bench skips them).
 *
 * The field files are self-contained, so the test includes them directly
 * (not the module). `make build/unit/p256_field_test` links the glue and
 * platform objects too; the platform's library constructor calls
 * fm_init, which the stub below provides. Build and run from the
 * repository root:
 *
 *   make build/unit/p256_field_test && ./build/unit/p256_field_test [seed] [--no-bench]
 *
 * or by hand, with gcc or clang:
 *
 *   gcc -std=c11 -Wall -Wextra -Werror -O2 -g -D_GNU_SOURCE -Iinclude \
 *       -o build/p256_field_test tests/unit/p256_field_test.c -lcrypto
 *
 * -DP256_GENERIC_C tests the portable fallback of the carry helpers
 * (comparisons instead of the compilers' carry builtins; the MULX names
 * then forward to the portable kernels). The timings are ns per call
 * through a function pointer: each call on the previous result (latency)
 * and over four independent chains (throughput). Exit status 0 when
 * every check passed; the last line is "p256_field: PASS, N checks" or
 * "p256_field: FAIL, ...".
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include "../../src/ec/p256_field.c"
#include "../../src/ec/p256_field_mulx.c"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include <openssl/bn.h>
#include <openssl/err.h>

/* platform.o's constructor calls fm_init; the module is not linked here. */
int fm_init(uint32_t flags);
int fm_init(uint32_t flags)
{
    (void)flags;
    return 0;
}

/* ---- plumbing ------------------------------------------------------------- */

static unsigned long n_checks, n_fail;
static const char *cur_impl = "-";

#define CHECK(cond, ...) check_((cond) != 0, __LINE__, __VA_ARGS__)

static int check_(int ok, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int check_(int ok, int line, const char *fmt, ...)
{
    n_checks++;
    if (!ok) {
        n_fail++;
        if (n_fail <= 30) {
            va_list ap;
            printf("  FAIL line %d [%s] ", line, cur_impl);
            va_start(ap, fmt);
            vprintf(fmt, ap);
            va_end(ap);
            printf("\n");
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
static BIGNUM *bn_p, *bn_r, *bn_rinv, *bn_b, *bn_sqrt_e;

static BIGNUM *bn_new(void)
{
    BIGNUM *x = BN_new();
    if (x == NULL)
        abort();
    return x;
}

static void bn_hex(BIGNUM **x, const char *hex)
{
    if (BN_hex2bn(x, hex) == 0)
        abort();
}

/* x mod p as the limbs of its Montgomery form x R mod p. */
static void mont_of(uint64_t *fe, const BIGNUM *x)
{
    BIGNUM *t = bn_new();
    if (!BN_nnmod(t, x, bn_p, ctx) || !BN_mod_mul(t, t, bn_r, bn_p, ctx) ||
        BN_bn2lebinpad(t, (unsigned char *)fe, 32) < 0)
        abort();
    BN_free(t);
}

/* Does fe hold exactly want R mod p (the canonical Montgomery form)? */
static int fe_is(const uint64_t *fe, const BIGNUM *want)
{
    uint64_t w[4];
    mont_of(w, want);
    return memcmp(w, fe, 32) == 0;
}

static void fe_print(const char *name, const uint64_t *fe)
{
    printf("    %s = %016llx %016llx %016llx %016llx\n", name, (unsigned long long)fe[3],
           (unsigned long long)fe[2], (unsigned long long)fe[1], (unsigned long long)fe[0]);
}

/* ---- implementations ---------------------------------------------------- */

struct impl {
    const char *name;
    void (*mul)(uint64_t *, const uint64_t *, const uint64_t *);
    void (*sqr)(uint64_t *, const uint64_t *);
    void (*inv)(uint64_t *, const uint64_t *);
    void (*sqrt)(uint64_t *, const uint64_t *);
};

static const struct impl impl_portable = { "portable", p256_fe_mul, p256_fe_sqr, p256_fe_inv,
                                           p256_fe_sqrt };
static const struct impl impl_mulx = { "mulx", p256_fe_mul_mulx, p256_fe_sqr_mulx,
                                       p256_fe_inv_mulx, p256_fe_sqrt_mulx };

/* 1 when the CPU has BMI2 and ADX (cpuid leaf 7, EBX bits 8 and 19). */
static int cpu_has_mulx(void)
{
#if defined(__x86_64__)
    unsigned int a, b, c, d;
    if (__get_cpuid_max(0, NULL) < 7)
        return 0;
    __cpuid_count(7, 0, a, b, c, d);
    (void)a;
    (void)c;
    (void)d;
    return (b >> 8 & 1) && (b >> 19 & 1);
#else
    return 0;
#endif
}

/* ---- the values tested ----------------------------------------------------- */

#define MAX_EDGE 64
static BIGNUM *edge[MAX_EDGE];
static size_t n_edge;

static void add_edge(const char *hex)
{
    BIGNUM *x = NULL;
    bn_hex(&x, hex);
    if (!BN_nnmod(x, x, bn_p, ctx))
        abort();
    if (n_edge >= MAX_EDGE)
        abort();
    edge[n_edge++] = x;
}

static void add_edge_bn(const BIGNUM *v, long delta)
{
    BIGNUM *x = BN_dup(v);
    if (x == NULL || !(delta >= 0 ? BN_add_word(x, (BN_ULONG)delta)
                                   : BN_sub_word(x, (BN_ULONG)-delta)) ||
        !BN_nnmod(x, x, bn_p, ctx))
        abort();
    if (n_edge >= MAX_EDGE)
        abort();
    edge[n_edge++] = x;
}

/* Values whose Montgomery forms or plain values sit on limb and carry
 * boundaries. */
static void make_edges(void)
{
    static const char *const hex[] = {
        "0", "1", "2", "3",
        "8000000000000000000000000000000000000000000000000000000000000000", /* 2^255 */
        "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "100000000000000000000000000000000000000000000000000000000", /* 2^224 */
        "1000000000000000000000000000000000000000000000000",         /* 2^192 */
        "1000000000000000000000000000000000",                        /* 2^128 */
        "1000000000000000000000000",                                 /* 2^96 */
        "10000000000000000", "ffffffffffffffff", "ffffffff", "100000000",
        "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", /* n */
        "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296", /* Gx */
        "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5", /* Gy */
    };
    for (size_t i = 0; i < sizeof hex / sizeof hex[0]; i++)
        add_edge(hex[i]);
    add_edge_bn(bn_b, 0);
    for (long d = -4; d <= -1; d++)
        add_edge_bn(bn_p, d); /* p - 4 .. p - 1 */
    /* (p - 1)/2, (p + 1)/2 */
    BIGNUM *h = BN_dup(bn_p);
    if (h == NULL || !BN_rshift1(h, h))
        abort();
    add_edge_bn(h, 0);
    add_edge_bn(h, 1);
    BN_free(h);
    /* Elements whose Montgomery form m is 1, 2, 2^255, p - 1, R mod p - 1,
     * 2^192 - 1: x = m R^-1. */
    static const char *const mont[] = {
        "1", "2", "8000000000000000000000000000000000000000000000000000000000000000",
        "ffffffff00000001000000000000000000000000fffffffffffffffffffffffe",
        "fffffffeffffffffffffffffffffffff000000000000000000000000",
        "ffffffffffffffffffffffffffffffffffffffffffffffff",
    };
    for (size_t i = 0; i < sizeof mont / sizeof mont[0]; i++) {
        BIGNUM *x = NULL;
        bn_hex(&x, mont[i]);
        if (!BN_mod_mul(x, x, bn_rinv, bn_p, ctx))
            abort();
        edge[n_edge++] = x;
    }
}

/* A random value mod p: uniform, or an edge value, or next to one. */
static BIGNUM *rnd_value(void)
{
    BIGNUM *x = bn_new();
    unsigned k = (unsigned)(rnd() % 8);
    if (k == 0) {
        if (!BN_copy(x, edge[rnd() % n_edge]))
            abort();
    } else if (k == 1) {
        uint64_t l[4];
        for (int i = 0; i < 4; i++) {
            switch (rnd() % 4) {
            case 0: l[i] = 0; break;
            case 1: l[i] = ~(uint64_t)0; break;
            case 2: l[i] = rnd() & 0xffffffffu; break;
            default: l[i] = rnd(); break;
            }
        }
        BN_free(x);
        x = BN_lebin2bn((const unsigned char *)l, 32, NULL);
        if (x == NULL || !BN_nnmod(x, x, bn_p, ctx))
            abort();
    } else {
        if (!BN_rand_range(x, bn_p))
            abort();
    }
    return x;
}

/* ---- constants, conversions, is_zero --------------------------------- */

static void test_constants(void)
{
    uint64_t fe[4];
    uint8_t buf[32];

    cur_impl = "constants";
    CHECK(fe_is(p256_fe_one, BN_value_one()), "p256_fe_one != R mod p");
    CHECK(fe_is(p256_fe_b, bn_b), "p256_fe_b != b R mod p");
    {
        BIGNUM *rr = bn_new();
        uint64_t w[4];
        if (!BN_mod_mul(rr, bn_r, bn_r, bn_p, ctx) ||
            BN_bn2lebinpad(rr, (unsigned char *)w, 32) < 0)
            abort();
        CHECK(memcmp(w, p256_fe_rr, 32) == 0, "p256_fe_rr != R^2 mod p");
        BN_free(rr);
    }
    {
        BIGNUM *t = BN_lebin2bn((const unsigned char *)p256_p, 32, NULL);
        CHECK(t != NULL && BN_cmp(t, bn_p) == 0, "p256_p != p");
        BN_free(t);
    }
    if (BN_bn2binpad(bn_b, buf, 32) < 0)
        abort();
    CHECK(p256_fe_from_bytes(fe, buf) == 0 && memcmp(fe, p256_fe_b, 32) == 0,
          "from_bytes(b) != p256_fe_b");
    p256_fe_to_bytes(buf, p256_fe_one);
    {
        uint8_t one[32] = { 0 };
        one[31] = 1;
        CHECK(memcmp(buf, one, 32) == 0, "to_bytes(one) != 1");
    }
}

/* from_bytes of v as a 32-byte big-endian string, which must be accepted
 * (want_ok) or refused. */
static void from_bytes_case(const BIGNUM *v, int want_ok, const char *what)
{
    uint8_t in[32], back[32], copy[32];
    uint64_t fe[4];
    int rc;

    if (BN_bn2binpad(v, in, 32) < 0)
        abort();
    memcpy(copy, in, 32);
    memset(fe, 0xa5, sizeof fe);
    rc = p256_fe_from_bytes(fe, in);
    CHECK(memcmp(copy, in, 32) == 0, "from_bytes modified its input (%s)", what);
    if (want_ok) {
        CHECK(rc == 0, "from_bytes refused %s (rc %d)", what, rc);
        CHECK(fe_is(fe, v), "from_bytes(%s) != x R mod p", what);
        p256_fe_to_bytes(back, fe);
        CHECK(memcmp(back, in, 32) == 0, "to_bytes(from_bytes(%s)) != input", what);
        CHECK(p256_fe_is_zero(fe) == (BN_is_zero(v) ? ~(uint64_t)0 : 0), "is_zero(%s)", what);
    } else {
        static const uint64_t zero[4];
        CHECK(rc == -1, "from_bytes accepted %s (rc %d)", what, rc);
        CHECK(memcmp(fe, zero, 32) == 0, "from_bytes(%s) refused but r != 0", what);
    }
}

static void test_conversions(void)
{
    BIGNUM *x = bn_new(), *top = bn_new();

    cur_impl = "from/to_bytes";
    /* Accepted: 0, 1, 2, p - 2, p - 1, 2^255, 2^255 - 1, every edge value. */
    for (size_t i = 0; i < n_edge; i++)
        from_bytes_case(edge[i], 1, "edge value");
    /* Refused: p .. p + 3, 2^256 - 1 .. 2^256 - 4, p + 2^224 - 1 (the
     * largest 256-bit value agreeing with p on its top word), and values
     * that differ from p in one limb only. */
    if (!BN_set_bit(top, 256))
        abort();
    for (long d = 0; d < 4; d++) {
        if (!BN_copy(x, bn_p) || !BN_add_word(x, (BN_ULONG)d))
            abort();
        from_bytes_case(x, 0, "p + d");
        if (!BN_copy(x, top) || !BN_sub_word(x, (BN_ULONG)(d + 1)))
            abort();
        from_bytes_case(x, 0, "2^256 - 1 - d");
    }
    for (int limb = 0; limb < 4; limb++) {
        uint64_t l[4];
        memcpy(l, p256_p, 32);
        l[limb] += 1; /* above p in one limb (wraps limb 0 to 0: below) */
        BN_free(x);
        x = BN_lebin2bn((const unsigned char *)l, 32, NULL);
        from_bytes_case(x, BN_cmp(x, bn_p) < 0, "p with one limb + 1");
        memcpy(l, p256_p, 32);
        l[limb] -= 1; /* below p in one limb (limb 2 wraps: above) */
        BN_free(x);
        x = BN_lebin2bn((const unsigned char *)l, 32, NULL);
        from_bytes_case(x, BN_cmp(x, bn_p) < 0, "p with one limb - 1");
    }
    /* Random 256-bit strings (about 1 in 2^32 of them is >= p, so force
     * the top word to p's now and then). */
    for (int i = 0; i < 20000; i++) {
        uint64_t l[4];
        for (int k = 0; k < 4; k++)
            l[k] = rnd();
        if (i % 3 == 0)
            l[3] = p256_p[3] + (rnd() % 3) - 1;
        if (i % 5 == 0)
            l[2] = rnd() % 2 ? 0 : ~(uint64_t)0;
        BN_free(x);
        x = BN_lebin2bn((const unsigned char *)l, 32, NULL);
        from_bytes_case(x, BN_cmp(x, bn_p) < 0, "random");
    }
    BN_free(x);
    BN_free(top);

    /* is_zero: 0 (also from a subtraction and an addition), the
     * non-canonical p, and non-zero values. */
    cur_impl = "is_zero";
    {
        uint64_t z[4] = { 0 }, a[4], t[4];
        BIGNUM *v = rnd_value();
        CHECK(p256_fe_is_zero(z) == ~(uint64_t)0, "is_zero(0)");
        CHECK(p256_fe_is_zero(p256_p) == ~(uint64_t)0, "is_zero(p)");
        CHECK(p256_fe_is_zero(p256_fe_one) == 0, "is_zero(one)");
        for (int i = 0; i < 1000; i++) {
            BN_free(v);
            v = rnd_value();
            mont_of(a, v);
            CHECK(p256_fe_is_zero(a) == (BN_is_zero(v) ? ~(uint64_t)0 : 0), "is_zero(random)");
            p256_fe_sub(t, a, a);
            CHECK(p256_fe_is_zero(t) == ~(uint64_t)0, "is_zero(a - a)");
            p256_fe_sub(t, z, a);
            p256_fe_add(t, t, a);
            CHECK(p256_fe_is_zero(t) == ~(uint64_t)0, "is_zero(-a + a)");
        }
        for (int bit = 0; bit < 256; bit++) {
            uint64_t s[4] = { 0 };
            s[bit / 64] = (uint64_t)1 << (bit % 64);
            CHECK(p256_fe_is_zero(s) == 0, "is_zero(2^%d)", bit);
        }
        BN_free(v);
    }
}

/* ---- arithmetic against BIGNUM ------------------------------------------ */

enum { OP_ADD, OP_SUB, OP_MUL, OP_SQR, OP_N };
static const char *const op_name[OP_N] = { "add", "sub", "mul", "sqr" };

/* want = a op b mod p. */
static void bn_op(BIGNUM *want, int op, const BIGNUM *a, const BIGNUM *b)
{
    int ok;
    switch (op) {
    case OP_ADD: ok = BN_mod_add(want, a, b, bn_p, ctx); break;
    case OP_SUB: ok = BN_mod_sub(want, a, b, bn_p, ctx); break;
    case OP_MUL: ok = BN_mod_mul(want, a, b, bn_p, ctx); break;
    default: ok = BN_mod_sqr(want, a, bn_p, ctx); break;
    }
    if (!ok)
        abort();
}

static void fe_op(const struct impl *im, int op, uint64_t *r, const uint64_t *a, const uint64_t *b)
{
    switch (op) {
    case OP_ADD: p256_fe_add(r, a, b); break;
    case OP_SUB: p256_fe_sub(r, a, b); break;
    case OP_MUL: im->mul(r, a, b); break;
    default: im->sqr(r, a); break;
    }
}

/*
 * a op b four ways: into a separate output, r == a, r == b, and (with
 * b = a) a op a with r == a == b. Every result must be the canonical
 * Montgomery form of the BIGNUM result.
 */
static void check_op(const struct impl *im, int op, const BIGNUM *x, const BIGNUM *y)
{
    uint64_t a[4], b[4], r[4], a0[4], b0[4];
    BIGNUM *want = bn_new(), *want2 = bn_new();

    mont_of(a0, x);
    mont_of(b0, y);
    bn_op(want, op, x, op == OP_SQR ? x : y);
    bn_op(want2, op, x, x);

    memcpy(a, a0, 32);
    memcpy(b, b0, 32);
    fe_op(im, op, r, a, b);
    if (!CHECK(fe_is(r, want), "%s: wrong result", op_name[op])) {
        fe_print("a", a0);
        fe_print("b", b0);
        fe_print("r", r);
    }
    CHECK(memcmp(a, a0, 32) == 0 && memcmp(b, b0, 32) == 0, "%s modified an input",
          op_name[op]);
    fe_op(im, op, a, a, b); /* r == a */
    CHECK(fe_is(a, want), "%s: wrong result with r == a", op_name[op]);
    memcpy(a, a0, 32);
    if (op != OP_SQR) {
        fe_op(im, op, b, a, b); /* r == b */
        CHECK(fe_is(b, want), "%s: wrong result with r == b", op_name[op]);
        memcpy(b, b0, 32);
        fe_op(im, op, r, a, a); /* a == b */
        CHECK(fe_is(r, want2), "%s: wrong result with a == b", op_name[op]);
    }
    fe_op(im, op, a, a, a); /* r == a == b */
    CHECK(fe_is(a, want2), "%s: wrong result with r == a == b", op_name[op]);
    BN_free(want);
    BN_free(want2);
}

static void test_arith(const struct impl *im, int n_random)
{
    cur_impl = im->name;
    for (size_t i = 0; i < n_edge; i++)
        for (size_t j = 0; j < n_edge; j++)
            for (int op = 0; op < OP_N; op++)
                if (op != OP_SQR || j == 0)
                    check_op(im, op, edge[i], edge[j]);
    for (int k = 0; k < n_random; k++) {
        BIGNUM *x = rnd_value(), *y = rnd_value();
        for (int op = 0; op < OP_N; op++)
            check_op(im, op, x, y);
        BN_free(x);
        BN_free(y);
    }
}

/*
 * A long chain: eight registers, each step r[d] = r[s] op r[t] with
 * random d, s, t (so every aliasing occurs), every result compared with
 * BIGNUM. impls[] are picked at random per step (several: outputs of one
 * implementation feed the other).
 */
static void test_chain(const struct impl *const *impls, size_t n_impls, const char *name,
                       long steps)
{
    uint64_t reg[8][4];
    BIGNUM *val[8];
    long bad = 0;

    cur_impl = name;
    for (int i = 0; i < 8; i++) {
        val[i] = rnd_value();
        mont_of(reg[i], val[i]);
    }
    for (long s = 0; s < steps && bad < 5; s++) {
        int op = (int)(rnd() % OP_N), d = (int)(rnd() % 8), x = (int)(rnd() % 8),
            y = (int)(rnd() % 8);
        const struct impl *im = impls[rnd() % n_impls];
        BIGNUM *want = bn_new();

        /* Now and then, reseed a register with an edge value. */
        if (rnd() % 64 == 0) {
            BN_free(val[x]);
            val[x] = BN_dup(edge[rnd() % n_edge]);
            mont_of(reg[x], val[x]);
        }
        bn_op(want, op, val[x], op == OP_SQR ? val[x] : val[y]);
        fe_op(im, op, reg[d], reg[x], reg[y]);
        BN_free(val[d]);
        val[d] = want;
        if (!CHECK(fe_is(reg[d], want), "chain step %ld: %s (%s) wrong", s, op_name[op],
                   im->name))
            bad++;
    }
    for (int i = 0; i < 8; i++)
        BN_free(val[i]);
}

/* ---- inversion, square root --------------------------------------------- */

static void test_inv_sqrt(const struct impl *im, int n_random)
{
    uint64_t a[4], r[4], t[4];
    BIGNUM *want = bn_new(), *x;

    cur_impl = im->name;
    /* inv(0) = 0, sqrt(0) = 0. */
    memset(a, 0, 32);
    im->inv(r, a);
    CHECK(r[0] == 0 && r[1] == 0 && r[2] == 0 && r[3] == 0, "inv(0) != 0");
    im->sqrt(r, a);
    CHECK(r[0] == 0 && r[1] == 0 && r[2] == 0 && r[3] == 0, "sqrt(0) != 0");

    for (int k = 0; k < (int)n_edge + n_random; k++) {
        x = k < (int)n_edge ? BN_dup(edge[k]) : rnd_value();
        if (x == NULL)
            abort();
        mont_of(a, x);

        /* Inversion: BN_mod_inverse, and a * inv(a) = 1; also in place. */
        im->inv(r, a);
        if (BN_is_zero(x)) {
            CHECK(p256_fe_is_zero(r) == ~(uint64_t)0, "inv(0) != 0");
        } else {
            if (BN_mod_inverse(want, x, bn_p, ctx) == NULL)
                abort();
            CHECK(fe_is(r, want), "inv wrong");
            im->mul(t, r, a);
            CHECK(memcmp(t, p256_fe_one, 32) == 0, "a inv(a) != 1");
        }
        memcpy(t, a, 32);
        im->inv(t, t);
        CHECK(memcmp(t, r, 32) == 0, "inv in place differs");

        /* Square root of a (square or not): a^((p+1)/4) as BN_mod_exp
         * computes it; in place too. */
        if (!BN_mod_exp(want, x, bn_sqrt_e, bn_p, ctx))
            abort();
        im->sqrt(r, a);
        CHECK(fe_is(r, want), "sqrt != a^((p+1)/4)");
        memcpy(t, a, 32);
        im->sqrt(t, t);
        CHECK(memcmp(t, r, 32) == 0, "sqrt in place differs");

        /* sqrt(a^2) = +-a; and for a != 0, -a^2 is not a square (p = 3
         * mod 4), so sqrt(-a^2)^2 != -a^2. */
        {
            uint64_t s2[4], root[4], z[4] = { 0 }, neg[4];
            im->sqr(s2, a);
            im->sqrt(root, s2);
            im->sqr(t, root);
            CHECK(memcmp(t, s2, 32) == 0, "sqrt(a^2)^2 != a^2");
            p256_fe_sub(neg, z, a);
            CHECK(memcmp(root, a, 32) == 0 || memcmp(root, neg, 32) == 0, "sqrt(a^2) != +-a");
            if (!BN_is_zero(x)) {
                p256_fe_sub(neg, z, s2);
                im->sqrt(root, neg);
                im->sqr(t, root);
                CHECK(memcmp(t, neg, 32) != 0, "sqrt of the non-square -a^2 squared back");
            }
        }
        BN_free(x);
    }
    /* Squareness agrees with BN_mod_sqrt (which fails on non-squares). */
    for (int k = 0; k < 200; k++) {
        BIGNUM *y = rnd_value(), *s = BN_mod_sqrt(NULL, y, bn_p, ctx);
        uint64_t root[4];
        mont_of(a, y);
        im->sqrt(root, a);
        im->sqr(t, root);
        CHECK((memcmp(t, a, 32) == 0) == (s != NULL),
              "sqrt: squareness disagrees with BN_mod_sqrt");
        ERR_clear_error(); /* BN_mod_sqrt queues an error for non-squares */
        BN_free(y);
        BN_free(s);
    }
    BN_free(want);
}

/* ---- timings --------------------------------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/*
 * ns per operation: each operation using the previous result (the
 * latency, as in a chain of dependent field operations), and for mul and
 * sqr also over four independent chains (the throughput, as when a point
 * formula has independent products). 1M operations (inv: 20k) in chunks
 * of 10k (inv: 200); the fastest chunk counts, which filters out the
 * interruptions of a shared machine.
 */
#define BENCH_CHUNKS 100

static double bench_chunk(const struct impl *im, int what, uint64_t x[4][4], const uint64_t *y,
                          long n)
{
    double t = now();
    switch (what) {
    case 0:
        for (long i = 0; i < n; i++)
            im->mul(x[0], x[0], y);
        break;
    case 1:
        for (long i = 0; i < n; i++)
            im->sqr(x[0], x[0]);
        break;
    case 2:
        for (long i = 0; i < n; i += 4) {
            im->mul(x[0], x[0], y);
            im->mul(x[1], x[1], y);
            im->mul(x[2], x[2], y);
            im->mul(x[3], x[3], y);
        }
        break;
    case 3:
        for (long i = 0; i < n; i += 4) {
            im->sqr(x[0], x[0]);
            im->sqr(x[1], x[1]);
            im->sqr(x[2], x[2]);
            im->sqr(x[3], x[3]);
        }
        break;
    default:
        for (long i = 0; i < n; i++)
            im->inv(x[0], x[0]);
        break;
    }
    return (now() - t) / (double)n;
}

static void bench(const struct impl *im)
{
    const long iters = 1000000, inv_iters = 20000;
    uint64_t x[4][4], y[4];
    double best[5];

    mont_of(x[0], edge[n_edge - 1]);
    memcpy(x[1], p256_fe_b, 32);
    memcpy(x[2], p256_fe_one, 32);
    mont_of(x[3], edge[n_edge - 2]);
    memcpy(y, p256_fe_b, 32);
    for (int w = 0; w < 5; w++) {
        long n = (w == 4 ? inv_iters : iters) / BENCH_CHUNKS;
        best[w] = 1e9;
        for (int c = 0; c < BENCH_CHUNKS; c++) {
            double t = bench_chunk(im, w, x, y, n);
            best[w] = t < best[w] ? t : best[w];
        }
    }
    printf("  %-8s fe_mul %6.2f ns  fe_sqr %6.2f ns  fe_inv %6.0f ns"
           "   (independent: fe_mul %5.2f ns, fe_sqr %5.2f ns)\n",
           im->name, 1e9 * best[0], 1e9 * best[1], 1e9 * best[4], 1e9 * best[2], 1e9 * best[3]);
    if (x[0][0] == 42 && x[1][0] == 42 && x[2][0] == 42 && x[3][0] == 42)
        printf(" "); /* keep the results alive */
}

/* ---- main ---------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    int do_bench = 1, mulx = cpu_has_mulx();
    uint64_t seed = 0x5eed0256u;
    const struct impl *both[2] = { &impl_portable, &impl_mulx };

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-bench") == 0)
            do_bench = 0;
        else
            seed = strtoull(argv[i], NULL, 0);
    }
    rng_state = seed;
    ctx = BN_CTX_new();
    bn_p = bn_new();
    bn_r = bn_new();
    bn_rinv = bn_new();
    bn_sqrt_e = bn_new();
    bn_b = NULL;
    bn_hex(&bn_p, "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
    bn_hex(&bn_b, "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b");
    if (ctx == NULL || !BN_set_bit(bn_r, 256) || !BN_nnmod(bn_r, bn_r, bn_p, ctx) ||
        BN_mod_inverse(bn_rinv, bn_r, bn_p, ctx) == NULL || !BN_copy(bn_sqrt_e, bn_p) ||
        !BN_add_word(bn_sqrt_e, 1) || !BN_rshift(bn_sqrt_e, bn_sqrt_e, 2))
        abort();
    make_edges();

#if defined(P256_GENERIC_C)
    printf("p256_field: seed 0x%llx, generic C carries (P256_GENERIC_C)\n",
           (unsigned long long)seed);
#else
    printf("p256_field: seed 0x%llx\n", (unsigned long long)seed);
#endif
#if defined(__x86_64__) && !defined(P256_GENERIC_C)
    if (!mulx)
        printf("p256_field: MULX kernels UNAVAILABLE (cpuid: no BMI2 and ADX): skipped\n");
#else
    mulx = 1; /* the MULX names forward to the portable kernels */
    printf("p256_field: MULX kernels not built (not x86-64 or P256_GENERIC_C): "
           "their names, forwarding to the portable kernels, are tested\n");
#endif

    test_constants();
    test_conversions();
    test_arith(&impl_portable, 3000);
    test_inv_sqrt(&impl_portable, 300);
    test_chain(both, 1, "chain portable", 100000);
    if (mulx) {
        test_arith(&impl_mulx, 3000);
        test_inv_sqrt(&impl_mulx, 300);
        test_chain(both + 1, 1, "chain mulx", 100000);
        test_chain(both, 2, "chain mixed", 100000);
    }

    if (do_bench) {
        printf("p256_field: timings (1M operations, inv 20k; fastest chunk of 1/%d)\n",
               BENCH_CHUNKS);
        bench(&impl_portable);
        if (mulx)
            bench(&impl_mulx);
    }

    for (size_t i = 0; i < n_edge; i++)
        BN_free(edge[i]);
    BN_free(bn_p);
    BN_free(bn_r);
    BN_free(bn_rinv);
    BN_free(bn_b);
    BN_free(bn_sqrt_e);
    BN_CTX_free(ctx);
    if (n_fail) {
        printf("p256_field: FAIL, %lu of %lu checks failed\n", n_fail, n_checks);
        return 1;
    }
    printf("p256_field: PASS, %lu checks\n", n_checks);
    return 0;
}
