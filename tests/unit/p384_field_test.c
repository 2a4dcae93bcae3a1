/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit test of the P-384 field layer (src/ec/p384_field.c), cross-checked
 * against OpenSSL's BIGNUM modulo p = 2^384 - 2^128 - 2^96 + 2^32 - 1. The
 * elements are in Montgomery form (x R mod p, R = 2^384), so the value of
 * limbs x is x R^-1 mod p; every output must also be fully reduced (< p).
 *
 * Both implementations are tested, one after the other: the one the module
 * uses (x86-64 assembly for mul, sqr, add and sub) and the portable C one,
 * which this file compiles a second time under the prefix p384port_ (with
 * P384_FIELD_PORTABLE; on other targets the two are the same code). Their
 * results must also agree word for word. For each:
 *
 *   - the constants fe_one, fe_b (R and b R mod p);
 *   - fe_from_bytes on values it must accept (0, 1, 2, p - 1, p - 2, 2^383,
 *     2^384 - p, values near p, random) and on values it must refuse with
 *     -1 and r = 0 (p, p + 1, p + 2^96, 2^384 - 2^128, 2^384 - 1, random
 *     values in [p, 2^384)); fe_to_bytes canonical and the round trip;
 *   - fe_is_zero (also on the limbs of p, a non-reduced zero);
 *   - add, sub, mul, sqr on random elements, on edge values and on edge
 *     representations (limbs 0, 1, p - 1, 2^383, all-ones words, ...)
 *     against each other, with every aliasing (r == a, r == b, a == b,
 *     r == a == b);
 *   - a 100 000-step random chain of add/sub/mul/sqr over a pool of
 *     elements, with runs of 4 to 12 additions/subtractions in a row, every
 *     step compared with BIGNUM;
 *   - fe_inv (inv(0) = 0, a inv(a) = 1, aliased) and fe_sqrt (compared with
 *     BN_mod_exp(a, (p + 1) / 4); r^2 = a for squares, r^2 = -a for
 *     non-squares).
 *
 * Then, unless --no-bench, nanoseconds per operation for both (a dependent
 * chain, as in an exponentiation, and four independent chains, as in the
 * point formulas). The times are the best of many short runs of thread CPU
 * time, which is what stays meaningful on a shared, loaded machine.
 *
 * Standalone: the field file is self-contained, so the test includes it
 * alone. `make build/unit/p384_field_test` links the glue and platform
 * objects too; their library constructor calls fm_init, which the stub
 * below provides. By hand, from the repository root:
 *
 *   gcc -std=c11 -Wall -Wextra -Werror -O2 -g -Iinclude -o build/p384_field_test \
 *       tests/unit/p384_field_test.c -lcrypto && ./build/p384_field_test [seed] [--no-bench]
 *
 * (clang the same). Last line "p384_field: PASS, N checks" or
 * "p384_field: FAIL, ..."; exit status 0 only when every check passed.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

/* The portable implementation, under other names. */
#define P384_FIELD_PORTABLE
#define p384_u128 p384port_u128
#define p384_p p384port_p
#define p384_fe_one p384port_fe_one
#define p384_rr p384port_rr
#define p384_fe_b p384port_fe_b
#define p384_barrier p384port_barrier
#define p384_zero_mask p384port_zero_mask
#define p384_wipe p384port_wipe
#define p384_adc p384port_adc
#define p384_sbb p384port_sbb
#define p384_reduce_once p384port_reduce_once
#define p384_fe_add p384port_fe_add
#define p384_fe_sub p384port_fe_sub
#define p384_red_step p384port_red_step
#define p384_mont_reduce p384port_mont_reduce
#define p384_fe_mul p384port_fe_mul
#define p384_fe_sqr p384port_fe_sqr
#define p384_fe_sqr_n p384port_fe_sqr_n
#define p384_fe_pow_head p384port_fe_pow_head
#define p384_fe_inv p384port_fe_inv
#define p384_fe_sqrt p384port_fe_sqrt
#define p384_fe_is_zero p384port_fe_is_zero
#define p384_fe_to_bytes p384port_fe_to_bytes
#define p384_fe_from_bytes p384port_fe_from_bytes
#include "../../src/ec/p384_field.c"
#undef P384_FIELD_PORTABLE
#undef FIPSMOD_EC_P384_FIELD_C
#undef p384_u128
#undef p384_p
#undef p384_fe_one
#undef p384_rr
#undef p384_fe_b
#undef p384_barrier
#undef p384_zero_mask
#undef p384_wipe
#undef p384_adc
#undef p384_sbb
#undef p384_reduce_once
#undef p384_fe_add
#undef p384_fe_sub
#undef p384_red_step
#undef p384_mont_reduce
#undef p384_fe_mul
#undef p384_fe_sqr
#undef p384_fe_sqr_n
#undef p384_fe_pow_head
#undef p384_fe_inv
#undef p384_fe_sqrt
#undef p384_fe_is_zero
#undef p384_fe_to_bytes
#undef p384_fe_from_bytes

/* The implementation the module uses. */
#include "../../src/ec/p384_field.c"

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

#define NL P384_FE_LIMBS
#define NB P384_FE_BYTES

/* ---- the implementations under test --------------------------------------- */

typedef struct {
    const char *name;
    void (*add)(uint64_t *, const uint64_t *, const uint64_t *);
    void (*sub)(uint64_t *, const uint64_t *, const uint64_t *);
    void (*mul)(uint64_t *, const uint64_t *, const uint64_t *);
    void (*sqr)(uint64_t *, const uint64_t *);
    void (*inv)(uint64_t *, const uint64_t *);
    void (*sqrt)(uint64_t *, const uint64_t *);
    int (*from_bytes)(uint64_t *, const uint8_t *);
    void (*to_bytes)(uint8_t *, const uint64_t *);
    uint64_t (*is_zero)(const uint64_t *);
    const uint64_t *one, *b;
} impl;

static const impl impls[] = {
    {
#ifdef P384_FIELD_ASM
        "x86-64 asm",
#else
        "portable (default)",
#endif
        p384_fe_add, p384_fe_sub, p384_fe_mul, p384_fe_sqr, p384_fe_inv, p384_fe_sqrt,
        p384_fe_from_bytes, p384_fe_to_bytes, p384_fe_is_zero, p384_fe_one, p384_fe_b },
    { "portable C", p384port_fe_add, p384port_fe_sub, p384port_fe_mul, p384port_fe_sqr,
      p384port_fe_inv, p384port_fe_sqrt, p384port_fe_from_bytes, p384port_fe_to_bytes,
      p384port_fe_is_zero, p384port_fe_one, p384port_fe_b },
};
#define N_IMPLS (sizeof impls / sizeof impls[0])

static const impl *I; /* the one under test */

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
            printf("  FAIL [%s] (line %d): ", I != NULL ? I->name : "-", line);
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
static BIGNUM *P, *RR, *RINV; /* p, R mod p, R^-1 mod p */

static void die(const char *what)
{
    printf("p384_field: FAIL, %s\n", what);
    exit(2);
}

static BIGNUM *bn_new(void)
{
    BIGNUM *v = BN_new();
    if (v == NULL)
        die("BN_new");
    return v;
}

/* The integer the limbs spell (not reduced). */
static void limbs_to_bn(BIGNUM *r, const uint64_t *x)
{
    uint8_t b[NB];
    for (int i = 0; i < NL; i++)
        for (int k = 0; k < 8; k++)
            b[NB - 1 - 8 * i - k] = (uint8_t)(x[i] >> (8 * k));
    if (BN_bin2bn(b, NB, r) == NULL)
        die("BN_bin2bn");
}

/* Limbs of a BIGNUM in [0, 2^384). */
static void bn_to_limbs(uint64_t *x, const BIGNUM *v)
{
    uint8_t b[NB];
    if (BN_bn2binpad(v, b, NB) != NB)
        die("BN_bn2binpad");
    for (int i = 0; i < NL; i++) {
        x[i] = 0;
        for (int k = 0; k < 8; k++)
            x[i] |= (uint64_t)b[NB - 1 - 8 * i - k] << (8 * k);
    }
}

static void bn_to_bytes(uint8_t *out, const BIGNUM *v)
{
    if (BN_bn2binpad(v, out, NB) != NB)
        die("BN_bn2binpad");
}

/* The element with value v (in [0, p)): limbs v R mod p, computed by BIGNUM. */
static void fe_set(uint64_t *x, const BIGNUM *v)
{
    BN_CTX_start(ctx);
    BIGNUM *t = BN_CTX_get(ctx);
    if (t == NULL || !BN_mod_mul(t, v, RR, P, ctx))
        die("BN_mod_mul");
    bn_to_limbs(x, t);
    BN_CTX_end(ctx);
}

/* The value of an element: limbs R^-1 mod p; and whether the limbs are < p. */
static int fe_value(BIGNUM *v, const uint64_t *x)
{
    BN_CTX_start(ctx);
    BIGNUM *t = BN_CTX_get(ctx);
    if (t == NULL)
        die("BN_CTX_get");
    limbs_to_bn(t, x);
    int reduced = BN_cmp(t, P) < 0;
    if (!BN_mod_mul(v, t, RINV, P, ctx))
        die("BN_mod_mul");
    BN_CTX_end(ctx);
    return reduced;
}

static void hex(const char *label, const uint8_t *b, size_t n)
{
    printf("    %s ", label);
    for (size_t i = 0; i < n; i++)
        printf("%02x", b[i]);
    printf("\n");
}

/*
 * Compare an element with the expected value (BN in [0, p)): the limbs must
 * be reduced, their value must match, and fe_to_bytes must give the
 * canonical encoding.
 */
static int expect_fe(const char *what, const uint64_t *got, const BIGNUM *want)
{
    uint8_t w[NB], g1[NB], g2[NB];
    BN_CTX_start(ctx);
    BIGNUM *v = BN_CTX_get(ctx);
    if (v == NULL)
        die("BN_CTX_get");
    int reduced = fe_value(v, got);
    bn_to_bytes(w, want);
    bn_to_bytes(g1, v);
    I->to_bytes(g2, got);
    int ok = CHECK(reduced, "%s: limbs not reduced (>= p)", what);
    ok &= CHECK(memcmp(g1, w, NB) == 0, "%s: wrong value", what);
    ok &= CHECK(memcmp(g2, w, NB) == 0, "%s: fe_to_bytes not canonical/wrong", what);
    if (!ok && n_fail <= 30) {
        hex("want", w, NB);
        hex("got ", g1, NB);
        hex("to_bytes", g2, NB);
    }
    BN_CTX_end(ctx);
    return ok;
}

/*
 * Edge values (by value) and edge representations (by limbs, all < p): the
 * values at the ends of the range and around 2^383, the words that carry
 * (all ones, 2^63) in the limbs, for the carry chains of the assembly.
 */
enum { NV = 20, NR = 14 };
static uint64_t edge_val[NV][NL], edge_rep[NR][NL];
static BIGNUM *edge_val_bn[NV], *edge_rep_bn[NR];

static void make_edges(void)
{
    BIGNUM *v = bn_new(), *t = bn_new();
    for (int k = 0; k < NV; k++) {
        edge_val_bn[k] = bn_new();
        switch (k) {
        case 0: BN_zero(v); break;
        case 1: BN_set_word(v, 1); break;
        case 2: BN_set_word(v, 2); break;
        case 3: BN_set_word(v, 3); break;
        case 4: BN_sub(v, P, BN_value_one()); break;                /* p - 1 */
        case 5: BN_copy(v, P); BN_sub_word(v, 2); break;          /* p - 2 */
        case 6: BN_copy(v, P); BN_sub_word(v, 3); break;          /* p - 3 */
        case 7: BN_zero(v); BN_set_bit(v, 383); break;            /* 2^383 */
        case 8: BN_zero(v); BN_set_bit(v, 383); BN_sub_word(v, 1); break;
        case 9: BN_zero(v); BN_set_bit(v, 383); BN_add_word(v, 1); break;
        case 10: BN_copy(v, RR); break;                            /* 2^384 - p */
        case 11: BN_sub(v, P, RR); break;                          /* p - (2^384 - p) */
        case 12: BN_zero(v); BN_set_bit(v, 256); break;
        case 13: BN_zero(v); BN_set_bit(v, 192); BN_sub_word(v, 1); break;
        case 14: BN_zero(v); BN_set_bit(v, 128); break;
        case 15: BN_set_word(v, 0); BN_set_bit(v, 64); BN_sub_word(v, 1); break;
        case 16: BN_rshift1(v, P); break;                          /* (p - 1) / 2 */
        case 17: BN_rshift1(v, P); BN_add_word(v, 1); break;       /* (p + 1) / 2 */
        case 18: limbs_to_bn(v, p384_fe_b); BN_mod_mul(v, v, RINV, P, ctx); break; /* b */
        default: /* p - 2^64 */
            BN_zero(t);
            BN_set_bit(t, 64);
            BN_sub(v, P, t);
            break;
        }
        BN_copy(edge_val_bn[k], v);
        fe_set(edge_val[k], v);
    }
    for (int k = 0; k < NR; k++) {
        uint64_t *x = edge_rep[k];
        memset(x, 0, sizeof edge_rep[k]);
        switch (k) {
        case 0: break;                                             /* limbs 0 */
        case 1: x[0] = 1; break;
        case 2: memcpy(x, p384_p, sizeof edge_rep[k]); x[0] -= 1; break; /* p - 1 */
        case 3: memcpy(x, p384_p, sizeof edge_rep[k]); x[0] -= 2; break; /* p - 2 */
        case 4: x[5] = (uint64_t)1 << 63; break;                   /* 2^383 */
        case 5: for (int i = 0; i < 5; i++) x[i] = ~(uint64_t)0; x[5] = ((uint64_t)1 << 63) - 1; break;
        case 6: x[0] = x[1] = x[2] = ~(uint64_t)0; break;          /* 2^192 - 1 */
        case 7: x[3] = x[4] = x[5] = ~(uint64_t)0; break;          /* 2^384 - 2^192 */
        case 8: for (int i = 0; i < 6; i++) x[i] = (uint64_t)1 << 63; break;
        case 9: memcpy(x, p384_p, sizeof edge_rep[k]); x[1] -= 1; break; /* p - 2^64 */
        case 10: memcpy(x, p384_fe_one, sizeof edge_rep[k]); break; /* 1 */
        case 11: x[0] = ~(uint64_t)0; x[5] = 0xfffffffffffffffe; break;
        case 12: for (int i = 0; i < 6; i++) x[i] = 0x00000000ffffffff; break;
        default: for (int i = 0; i < 6; i++) x[i] = 0xffffffff00000000; x[5] = 0x7fffffff00000000; break;
        }
        edge_rep_bn[k] = bn_new();
        limbs_to_bn(t, x);
        if (BN_cmp(t, P) >= 0)
            die("edge representation not below p");
        fe_value(edge_rep_bn[k], x);
    }
    BN_free(v);
    BN_free(t);
}

/* A random element and its value: uniform, random limbs < p, or an edge. */
static void rnd_fe(uint64_t *x, BIGNUM *v)
{
    switch (rnd() % 8) {
    case 0: {
        int k = (int)(rnd() % NV);
        memcpy(x, edge_val[k], sizeof edge_val[k]);
        BN_copy(v, edge_val_bn[k]);
        return;
    }
    case 1: {
        int k = (int)(rnd() % NR);
        memcpy(x, edge_rep[k], sizeof edge_rep[k]);
        BN_copy(v, edge_rep_bn[k]);
        return;
    }
    case 2: /* limbs near the top: words all ones, some random */
        for (int i = 0; i < NL; i++)
            x[i] = rnd() % 3 ? ~(uint64_t)0 : rnd();
        break;
    default:
        for (int i = 0; i < NL; i++)
            x[i] = rnd();
        break;
    }
    /* reject (public test data) until below p */
    BN_CTX_start(ctx);
    BIGNUM *t = BN_CTX_get(ctx);
    limbs_to_bn(t, x);
    while (BN_cmp(t, P) >= 0) {
        x[rnd() % NL] = rnd();
        limbs_to_bn(t, x);
    }
    BN_CTX_end(ctx);
    fe_value(v, x);
}

/* ---- constants, encodings, is_zero --------------------------------------- */

static void test_constants(void)
{
    BIGNUM *b = NULL, *v = bn_new();
    uint64_t r[NL];
    uint8_t enc[NB];

    BN_hex2bn(&b, "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875a"
                  "c656398d8a2ed19d2a85c8edd3ec2aef");
    if (b == NULL)
        die("BN_hex2bn");
    expect_fe("fe_b", I->b, b);
    bn_to_bytes(enc, b);
    CHECK(I->from_bytes(r, enc) == 0, "from_bytes(b) refused");
    CHECK(memcmp(r, I->b, sizeof r) == 0, "from_bytes(b) != fe_b");
    BN_one(v);
    expect_fe("fe_one", I->one, v);
    BN_free(b);
    BN_free(v);
}

static void test_bytes(void)
{
    BIGNUM *v = bn_new(), *t = bn_new();
    uint64_t r[NL];
    uint8_t enc[NB], back[NB];

    /* Accepted: every edge value and random values below p. */
    for (int k = 0; k < NV + 2000; k++) {
        if (k < NV)
            BN_copy(v, edge_val_bn[k]);
        else if (!BN_rand_range(v, P))
            die("BN_rand_range");
        bn_to_bytes(enc, v);
        memset(r, 0xa5, sizeof r);
        int rc = I->from_bytes(r, enc);
        CHECK(rc == 0, "from_bytes refused a value below p (%d)", k);
        expect_fe("from_bytes", r, v);
        I->to_bytes(back, r);
        CHECK(memcmp(back, enc, NB) == 0, "to_bytes(from_bytes(x)) != x (%d)", k);
    }

    /* Refused, with r = 0: p and above, up to 2^384 - 1. */
    for (int k = 0; k < 12 + 2000; k++) {
        BN_copy(v, P);
        switch (k) {
        case 0: break;                                  /* p */
        case 1: BN_add_word(v, 1); break;               /* p + 1 */
        case 2: BN_add_word(v, 2); break;
        case 3: BN_zero(t); BN_set_bit(t, 96); BN_add(v, v, t); break; /* p + 2^96 */
        case 4: BN_zero(v); BN_set_bit(v, 384); BN_zero(t); BN_set_bit(t, 128);
                BN_sub(v, v, t); break;                 /* 2^384 - 2^128 */
        case 5: BN_zero(v); BN_set_bit(v, 384); BN_sub_word(v, 1); break; /* 2^384 - 1 */
        case 6: BN_zero(v); BN_set_bit(v, 384); BN_sub_word(v, 2); break;
        case 7: BN_zero(t); BN_set_bit(t, 32); BN_add(v, v, t); break;   /* p + 2^32 */
        case 8: BN_zero(t); BN_set_bit(t, 64); BN_add(v, v, t); break;
        case 9: BN_zero(v); BN_set_bit(v, 384); BN_zero(t); BN_set_bit(t, 64);
                BN_sub(v, v, t); break;                 /* 2^384 - 2^64 */
        case 10: BN_zero(v); BN_set_bit(v, 384); BN_sub_word(v, 0x100000000); break;
        case 11: BN_add(v, P, P); BN_rshift1(v, v); BN_add_word(v, 7); break; /* p + 7 */
        default: /* random in [p, 2^384): p + a random number below 2^384 - p */
            if (!BN_rand_range(t, RR))
                die("BN_rand_range");
            BN_add(v, P, t);
            break;
        }
        bn_to_bytes(enc, v);
        memset(r, 0xa5, sizeof r);
        int rc = I->from_bytes(r, enc);
        uint64_t acc = 0;
        for (int i = 0; i < NL; i++)
            acc |= r[i];
        CHECK(rc == -1, "from_bytes accepted a value >= p (%d)", k);
        CHECK(acc == 0, "from_bytes left r != 0 on refusal (%d)", k);
    }
    memset(enc, 0xff, sizeof enc);
    CHECK(I->from_bytes(r, enc) == -1, "from_bytes accepted 0xff..ff");
    memset(enc, 0, sizeof enc);
    CHECK(I->from_bytes(r, enc) == 0 && I->is_zero(r) == ~(uint64_t)0, "from_bytes(0)");
    BN_free(v);
    BN_free(t);
}

static void test_is_zero(void)
{
    uint64_t x[NL];
    BIGNUM *v = bn_new();

    memset(x, 0, sizeof x);
    CHECK(I->is_zero(x) == ~(uint64_t)0, "is_zero(0)");
    memcpy(x, p384_p, sizeof x);
    CHECK(I->is_zero(x) == ~(uint64_t)0, "is_zero(limbs p)");
    for (int k = 0; k < NR; k++)
        CHECK(I->is_zero(edge_rep[k]) == (BN_is_zero(edge_rep_bn[k]) ? ~(uint64_t)0 : 0),
              "is_zero(edge rep %d)", k);
    for (int k = 0; k < NV; k++)
        CHECK(I->is_zero(edge_val[k]) == (BN_is_zero(edge_val_bn[k]) ? ~(uint64_t)0 : 0),
              "is_zero(edge value %d)", k);
    for (int i = 0; i < NL; i++) /* one bit anywhere */
        for (int bit = 0; bit < 64; bit += 7) {
            memset(x, 0, sizeof x);
            x[i] = (uint64_t)1 << bit;
            CHECK(I->is_zero(x) == 0, "is_zero(2^%d)", 64 * i + bit);
        }
    for (int it = 0; it < 1000; it++) {
        rnd_fe(x, v);
        CHECK(I->is_zero(x) == (BN_is_zero(v) ? ~(uint64_t)0 : 0), "is_zero(random)");
    }
    BN_free(v);
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

static void fe_op(const impl *im, int op, uint64_t *r, const uint64_t *a, const uint64_t *b)
{
    switch (op) {
    case OP_ADD: im->add(r, a, b); break;
    case OP_SUB: im->sub(r, a, b); break;
    case OP_MUL: im->mul(r, a, b); break;
    default: im->sqr(r, a); break;
    }
}

/* op on (a, b) in every aliasing, each result checked against vr. */
static void check_op_all(int op, const uint64_t *a, const BIGNUM *va, const uint64_t *b,
                         const BIGNUM *vb, const char *tag)
{
    uint64_t r[NL], t[NL], u[NL];
    BIGNUM *vr = bn_new();
    char what[96];

    bn_op(op, vr, va, vb);
    fe_op(I, op, r, a, b); /* r distinct */
    snprintf(what, sizeof what, "%s %s", op_name[op], tag);
    expect_fe(what, r, vr);
    memcpy(t, a, sizeof t); /* r == a */
    fe_op(I, op, t, t, b);
    snprintf(what, sizeof what, "%s %s (r == a)", op_name[op], tag);
    expect_fe(what, t, vr);
    if (op != OP_SQR) { /* r == b */
        memcpy(t, b, sizeof t);
        fe_op(I, op, t, a, t);
        snprintf(what, sizeof what, "%s %s (r == b)", op_name[op], tag);
        expect_fe(what, t, vr);
    }
    /* the other implementations give the same words */
    for (size_t k = 0; k < N_IMPLS; k++) {
        fe_op(&impls[k], op, u, a, b);
        CHECK(memcmp(u, r, sizeof u) == 0, "%s %s: %s and %s differ", op_name[op], tag,
              I->name, impls[k].name);
    }
    /* a == b, r == a == b */
    bn_op(op, vr, va, va);
    fe_op(I, op, r, a, a);
    snprintf(what, sizeof what, "%s %s (a == b)", op_name[op], tag);
    expect_fe(what, r, vr);
    memcpy(t, a, sizeof t);
    fe_op(I, op, t, t, t);
    snprintf(what, sizeof what, "%s %s (r == a == b)", op_name[op], tag);
    expect_fe(what, t, vr);
    BN_free(vr);
}

static void test_ops(void)
{
    BIGNUM *va = bn_new(), *vb = bn_new();
    uint64_t a[NL], b[NL];
    char tag[48];

    for (int it = 0; it < 5000; it++) {
        rnd_fe(a, va);
        rnd_fe(b, vb);
        for (int op = 0; op < OP_N; op++)
            check_op_all(op, a, va, b, vb, "(random)");
    }
    /* Edges against each other: values x values, representations x
     * representations, and across. */
    for (int i = 0; i < NV + NR; i++)
        for (int j = 0; j < NV + NR; j++) {
            const uint64_t *x = i < NV ? edge_val[i] : edge_rep[i - NV];
            const uint64_t *y = j < NV ? edge_val[j] : edge_rep[j - NV];
            const BIGNUM *vx = i < NV ? edge_val_bn[i] : edge_rep_bn[i - NV];
            const BIGNUM *vy = j < NV ? edge_val_bn[j] : edge_rep_bn[j - NV];
            snprintf(tag, sizeof tag, "(edge %d, %d)", i, j);
            for (int op = 0; op < OP_N; op++)
                check_op_all(op, x, vx, y, vy, tag);
        }
    /* a - a = 0, a + (-a) = 0, as reduced zero */
    for (int it = 0; it < 1000; it++) {
        uint64_t r[NL], n[NL], z[NL] = { 0 };
        rnd_fe(a, va);
        I->sub(r, a, a);
        CHECK(I->is_zero(r) == ~(uint64_t)0 && (r[0] | r[1] | r[2] | r[3] | r[4] | r[5]) == 0,
              "a - a != 0 (limbs)");
        I->sub(n, z, a);
        I->add(r, a, n);
        CHECK((r[0] | r[1] | r[2] | r[3] | r[4] | r[5]) == 0, "a + (0 - a) != 0 (limbs)");
    }
    BN_free(va);
    BN_free(vb);
}

/* ---- the long chain ------------------------------------------------------ */

static void test_chain(unsigned long steps)
{
    enum { POOL = 8 };
    uint64_t x[POOL][NL];
    BIGNUM *v[POOL];
    unsigned long run = 0, runs4 = 0;

    for (int k = 0; k < POOL; k++) {
        v[k] = bn_new();
        rnd_fe(x[k], v[k]);
    }
    for (unsigned long s = 0; s < steps; s++) {
        /* A quarter of the time, 4 to 12 add/sub steps in a row (the
         * complete formulas chain up to 4); otherwise a random operation. */
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
        if ((op == OP_ADD || op == OP_SUB) && run > 0 && rnd() % 2)
            i = d; /* t = t + a; t = t + t; ... on one accumulator */
        bn_op(op, v[d], v[i], v[j]);
        fe_op(I, op, x[d], x[i], x[j]);
        BN_CTX_start(ctx);
        BIGNUM *g = BN_CTX_get(ctx);
        int reduced = fe_value(g, x[d]);
        int ok = CHECK(reduced && BN_cmp(g, v[d]) == 0, "chain step %lu (%s)", s, op_name[op]);
        BN_CTX_end(ctx);
        if (!ok)
            break;
        if (s % 64 == 0) {
            uint8_t w[NB], e[NB];
            bn_to_bytes(w, v[d]);
            I->to_bytes(e, x[d]);
            CHECK(memcmp(w, e, NB) == 0, "chain step %lu to_bytes", s);
        }
    }
    printf("  [%s] chain: %lu steps, %lu runs of 4..12 additions/subtractions\n", I->name,
           steps, runs4);
    for (int k = 0; k < POOL; k++)
        BN_free(v[k]);
}

/* ---- inversion and square root ------------------------------------------- */

static void test_inv_sqrt(void)
{
    BIGNUM *va = bn_new(), *vr = bn_new(), *e = bn_new(), *t = bn_new();
    uint64_t a[NL], r[NL], s[NL];

    /* (p + 1) / 4 */
    BN_copy(e, P);
    BN_add_word(e, 1);
    BN_rshift(e, e, 2);

    /* inv(0) = 0, also aliased; sqrt(0) = 0 */
    memset(a, 0, sizeof a);
    I->inv(r, a);
    BN_zero(vr);
    expect_fe("inv(0)", r, vr);
    I->inv(a, a);
    expect_fe("inv(0) (aliased)", a, vr);
    I->sqrt(r, a);
    expect_fe("sqrt(0)", r, vr);

    for (int it = 0; it < 200 + NV + NR; it++) {
        if (it < NV) {
            memcpy(a, edge_val[it], sizeof a);
            BN_copy(va, edge_val_bn[it]);
        } else if (it < NV + NR) {
            memcpy(a, edge_rep[it - NV], sizeof a);
            BN_copy(va, edge_rep_bn[it - NV]);
        } else
            rnd_fe(a, va);
        /* inv */
        if (BN_is_zero(va))
            BN_zero(vr);
        else if (BN_mod_inverse(vr, va, P, ctx) == NULL)
            die("BN_mod_inverse");
        I->inv(r, a);
        expect_fe("inv", r, vr);
        I->mul(s, r, a);
        if (!BN_is_zero(va)) {
            BN_one(t);
            expect_fe("a * inv(a)", s, t);
        }
        memcpy(s, a, sizeof s);
        I->inv(s, s);
        expect_fe("inv (r == a)", s, vr);

        /* sqrt of a square a^2, of a non-square -a^2 (-1 is not a square
         * mod p = 3 mod 4), and of a itself: always a^((p+1)/4) */
        uint64_t sq[NL], neg[NL], zero[NL] = { 0 };
        I->sqr(sq, a);
        I->sub(neg, zero, sq);
        for (int k = 0; k < 3; k++) {
            const uint64_t *in = k == 0 ? sq : k == 1 ? neg : a;
            BN_CTX_start(ctx);
            BIGNUM *vin = BN_CTX_get(ctx), *r2 = BN_CTX_get(ctx), *m = BN_CTX_get(ctx);
            if (m == NULL)
                die("BN_CTX_get");
            fe_value(vin, in);
            if (!BN_mod_exp(vr, vin, e, P, ctx))
                die("BN_mod_exp");
            I->sqrt(r, in);
            expect_fe(k == 0 ? "sqrt(a^2)" : k == 1 ? "sqrt(-a^2)" : "sqrt(a)", r, vr);
            I->sqr(s, r);
            fe_value(r2, s);
            if (k == 0) {
                CHECK(BN_cmp(r2, vin) == 0, "sqrt(a^2)^2 != a^2");
            } else if (k == 1 && !BN_is_zero(vin)) {
                BN_mod_sub(m, P, vin, P, ctx); /* -(-a^2) = a^2 */
                CHECK(BN_cmp(r2, m) == 0, "sqrt(-a^2)^2 != a^2 (non-square)");
                CHECK(BN_cmp(r2, vin) != 0, "-a^2 treated as a square");
            }
            BN_CTX_end(ctx);
        }
        memcpy(s, sq, sizeof s);
        I->sqrt(s, s);
        I->sqrt(r, sq);
        CHECK(memcmp(r, s, sizeof r) == 0, "sqrt (r == a) differs");
    }
    BN_free(va);
    BN_free(vr);
    BN_free(e);
    BN_free(t);
}

/* ---- benchmark ----------------------------------------------------------- */

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return 1e9 * (double)ts.tv_sec + (double)ts.tv_nsec;
}

static volatile uint64_t sink;

/* Best of 40 runs of n iterations; ns per operation (per = ops per iteration). */
#define BENCH(label, n, per, body)                                              \
    do {                                                                        \
        double best_ = 1e30;                                                    \
        for (int rep_ = 0; rep_ < 40; rep_++) {                                 \
            double t0_ = now_ns();                                              \
            for (long it_ = 0; it_ < (n); it_++) {                              \
                body;                                                           \
            }                                                                   \
            double dt_ = (now_ns() - t0_) / (double)(n) / (per);                \
            if (dt_ < best_)                                                    \
                best_ = dt_;                                                    \
        }                                                                       \
        printf("  %-36s %9.1f ns\n", label, best_);                             \
    } while (0)

static void bench(const impl *im)
{
    uint64_t x[4][NL], y[NL];
    uint8_t enc[NB];
    BIGNUM *v = bn_new();
    for (int k = 0; k < 4; k++)
        rnd_fe(x[k], v);
    rnd_fe(y, v);
    BN_free(v);

    printf("p384_field bench, %s (ns per operation, best of 40 runs, thread CPU time):\n",
           im->name);
    BENCH("fe_mul (dependent chain)", 20000, 1, im->mul(x[0], x[0], y));
    BENCH("fe_mul (4 independent chains)", 5000, 4, {
        im->mul(x[0], x[0], y);
        im->mul(x[1], x[1], y);
        im->mul(x[2], x[2], y);
        im->mul(x[3], x[3], y);
    });
    BENCH("fe_sqr (dependent chain)", 20000, 1, im->sqr(x[0], x[0]));
    BENCH("fe_sqr (4 independent chains)", 5000, 4, {
        im->sqr(x[0], x[0]);
        im->sqr(x[1], x[1]);
        im->sqr(x[2], x[2]);
        im->sqr(x[3], x[3]);
    });
    BENCH("fe_add", 50000, 1, im->add(x[0], x[0], y));
    BENCH("fe_sub", 50000, 1, im->sub(x[0], x[0], y));
    BENCH("fe_inv", 50, 1, im->inv(x[0], x[0]));
    BENCH("fe_sqrt", 50, 1, im->sqrt(x[0], x[0]));
    BENCH("fe_to_bytes + fe_from_bytes", 20000, 1, {
        im->to_bytes(enc, x[1]);
        sink ^= (uint64_t)im->from_bytes(x[1], enc);
    });
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
    printf("p384_field: seed %llu\n", (unsigned long long)seed);

    ctx = BN_CTX_new();
    P = bn_new();
    RR = bn_new();
    RINV = bn_new();
    if (ctx == NULL)
        die("BN_CTX_new");
    limbs_to_bn(P, p384_p);
    {
        BIGNUM *p2 = NULL;
        BN_hex2bn(&p2, "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe"
                       "ffffffff0000000000000000ffffffff");
        if (p2 == NULL || BN_cmp(p2, P) != 0)
            die("p384_p is not p");
        BN_free(p2);
    }
    BN_zero(RR);
    BN_set_bit(RR, 384);
    if (!BN_mod_inverse(RINV, RR, P, ctx) || !BN_nnmod(RR, RR, P, ctx))
        die("R mod p");

    make_edges();
    for (size_t k = 0; k < N_IMPLS; k++) {
        I = &impls[k];
        unsigned long f0 = n_fail, c0 = n_checks;
        rng_state = seed + k;
        test_constants();
        test_bytes();
        test_is_zero();
        test_ops();
        test_chain(100000);
        test_inv_sqrt();
        printf("  [%s] %lu checks, %lu failed\n", I->name, n_checks - c0, n_fail - f0);
    }

    if (do_bench && n_fail == 0)
        for (size_t k = 0; k < N_IMPLS; k++)
            bench(&impls[k]);

    if (n_fail == 0)
        printf("p384_field: PASS, %lu checks\n", n_checks);
    else
        printf("p384_field: FAIL, %lu of %lu checks failed\n", n_fail, n_checks);
    return n_fail == 0 ? 0 : 1;
}
