/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Constant-time check of the P-384 field layer (src/ec/p384_field.c) under
 * valgrind memcheck, the technique of include/fipsmod/ctgrind.h: the inputs
 * of every field function are marked secret (undefined) with FM_SECRET;
 * memcheck then reports every branch, conditional move or memory address
 * that depends on them. Results are marked public (FM_PUBLIC, on copies)
 * before they are compared with references computed from the same values
 * left public. What is public by contract: the exponents of fe_inv and
 * fe_sqrt (fixed addition chains), and the verdict of fe_from_bytes and
 * fe_is_zero once returned (the caller may publish it; it is computed
 * without branching and made public here only after the call).
 *
 * Both implementations run: the one the module uses (x86-64 assembly for
 * mul, sqr, add, sub; valgrind executes it as is, it needs nothing beyond
 * the baseline instruction set) and the portable C one, compiled a second
 * time under the prefix p384port_ as in p384_field_test.c. Each case
 * counts the errors memcheck raised while it ran (VALGRIND_COUNT_ERRORS
 * before and after); the inputs are random elements and the edge values 0,
 * 1, p - 1, 2^383, and the encodings of p and 2^384 - 1 for fe_from_bytes
 * (its refusal path).
 *
 * Build and run from the repository root (`make build/unit/p384_field_ctgrind`
 * does the same build, with the glue and platform objects, whose library
 * constructor calls the fm_init stub below; `make ctgrind` runs it):
 *
 *   gcc -std=c11 -Wall -Wextra -Werror -O2 -g -gdwarf-4 -Iinclude \
 *       -o build/p384_field_ctgrind tests/unit/p384_field_ctgrind.c
 *   valgrind -q --error-exitcode=1 ./build/p384_field_ctgrind
 *
 * (add --track-origins=yes to locate a leak). Without valgrind the program
 * only checks the results. -DCTGRIND_SELFCHECK builds a variant whose
 * deliberately leaky functions must be caught (proof that a clean run means
 * something).
 */
#define FM_CTGRIND 1 /* FM_SECRET / FM_PUBLIC become the valgrind requests */
#include "fipsmod/ctgrind.h"

/* The portable implementation, under other names (see p384_field_test.c). */
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

#include <stdio.h>
#include <string.h>

#include <valgrind/memcheck.h>

/* platform.o's constructor calls fm_init; the module is not linked here. */
int fm_init(uint32_t flags);
int fm_init(uint32_t flags)
{
    (void)flags;
    return 0;
}

#define NL P384_FE_LIMBS
#define NB P384_FE_BYTES

static uint64_t rng = 0x0123456789abcdefu;

static __attribute__((unused)) uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static unsigned cases, bad_cases, wrong;
static const char *impl_name = "-";

/* Run one case: body runs with the secrets marked; errors are counted. */
#define CASE(name, body)                                                          \
    do {                                                                          \
        unsigned long e0_ = VALGRIND_COUNT_ERRORS;                                \
        body;                                                                     \
        unsigned long e1_ = VALGRIND_COUNT_ERRORS;                                \
        cases++;                                                                  \
        if (e1_ != e0_) {                                                         \
            bad_cases++;                                                          \
            printf("  %-34s %-12s %lu memcheck error(s)\n", name, impl_name,      \
                   e1_ - e0_);                                                    \
        }                                                                         \
    } while (0)

/* Compare a result (made public on a copy) with the public reference. */
static void expect(const char *what, const void *got, const void *want, size_t len)
{
    uint8_t copy[64];
    memcpy(copy, got, len);
    FM_PUBLIC(copy, len);
    if (memcmp(copy, want, len) != 0) {
        wrong++;
        printf("  %-34s %-12s wrong result\n", what, impl_name);
    }
}

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
} impl;

/* Both implementations (the selfcheck only names them, to keep them used). */
static const impl impls[] = {
#ifdef P384_FIELD_ASM
    { "x86-64 asm",
#else
    { "default",
#endif
      p384_fe_add, p384_fe_sub, p384_fe_mul, p384_fe_sqr, p384_fe_inv, p384_fe_sqrt,
      p384_fe_from_bytes, p384_fe_to_bytes, p384_fe_is_zero },
    { "portable C", p384port_fe_add, p384port_fe_sub, p384port_fe_mul, p384port_fe_sqr,
      p384port_fe_inv, p384port_fe_sqrt, p384port_fe_from_bytes, p384port_fe_to_bytes,
      p384port_fe_is_zero },
};

#ifndef CTGRIND_SELFCHECK

/* A reduced element: random limbs, retried (public test data) until < p. */
static void rnd_fe(uint64_t *x)
{
    for (;;) {
        uint64_t bw = 0;
        for (int i = 0; i < NL; i++)
            x[i] = rnd();
        for (int i = 0; i < NL; i++)
            (void)p384_sbb(x[i], p384_p[i], bw, &bw);
        if (bw)
            return;
    }
}

/* The inputs of one round: a, b (elements), enc (48 bytes, < p or not). */
static void inputs(int round, uint64_t *a, uint64_t *b, uint8_t *enc)
{
    rnd_fe(a);
    rnd_fe(b);
    for (int i = 0; i < NB; i++)
        enc[i] = (uint8_t)rnd();
    switch (round) {
    case 0: /* 0 and 1 (R mod p) */
        memset(a, 0, NL * 8);
        memcpy(b, p384_fe_one, NL * 8);
        memset(enc, 0, NB);
        break;
    case 1: /* p - 1 and 2^383; the encoding of p (refused) */
        memcpy(a, p384_p, NL * 8);
        a[0] -= 1;
        memset(b, 0, NL * 8);
        b[5] = (uint64_t)1 << 63;
        for (int i = 0; i < NL; i++)
            for (int k = 0; k < 8; k++)
                enc[NB - 1 - 8 * i - k] = (uint8_t)(p384_p[i] >> (8 * k));
        break;
    case 2: /* 2^384 - 1 (refused) */
        memset(enc, 0xff, NB);
        break;
    default:
        break;
    }
}

/*
 * The public references of one round, computed by the implementation
 * under test from the same values, unmarked.
 */
enum { W_ADD, W_SUB, W_MUL, W_MULA, W_SQR, W_INV, W_SQRT, W_FROM, W_TO, W_N };
static uint64_t want[W_N][NL];
static int want_rc;
static uint64_t want_z[2];

static void references(const impl *im, const uint64_t *a, const uint64_t *b, const uint8_t *enc)
{
    im->add(want[W_ADD], a, b);
    im->sub(want[W_SUB], a, b);
    im->mul(want[W_MUL], a, b);
    im->mul(want[W_MULA], a, a);
    im->sqr(want[W_SQR], a);
    im->inv(want[W_INV], a);
    im->sqrt(want[W_SQRT], a);
    want_rc = im->from_bytes(want[W_FROM], enc);
    im->to_bytes((uint8_t *)want[W_TO], a);
    want_z[0] = im->is_zero(a);
    want_z[1] = im->is_zero(want[W_SUB]);
}

static void run(const impl *im, int round)
{
    static uint64_t a[NL], b[NL], r[NL], t[NL];
    static uint8_t enc[NB], out[NB];
    int rc = 0;
    uint64_t z = 0;

    impl_name = im->name;
    inputs(round, a, b, enc);
    references(im, a, b, enc);

    FM_SECRET(a, sizeof a);
    FM_SECRET(b, sizeof b);
    FM_SECRET(enc, sizeof enc);

    CASE("fe_add", im->add(r, a, b));
    expect("fe_add", r, want[W_ADD], sizeof r);
    CASE("fe_add (r == a)", (memcpy(t, a, sizeof t), im->add(t, t, b)));
    expect("fe_add (r == a)", t, want[W_ADD], sizeof t);
    CASE("fe_sub", im->sub(r, a, b));
    expect("fe_sub", r, want[W_SUB], sizeof r);
    CASE("fe_sub (r == b)", (memcpy(t, b, sizeof t), im->sub(t, a, t)));
    expect("fe_sub (r == b)", t, want[W_SUB], sizeof t);
    CASE("fe_mul", im->mul(r, a, b));
    expect("fe_mul", r, want[W_MUL], sizeof r);
    CASE("fe_mul (r == a == b)", (memcpy(t, a, sizeof t), im->mul(t, t, t)));
    expect("fe_mul (r == a == b)", t, want[W_MULA], sizeof t);
    CASE("fe_sqr", im->sqr(r, a));
    expect("fe_sqr", r, want[W_SQR], sizeof r);
    CASE("fe_sqr (r == a)", (memcpy(t, a, sizeof t), im->sqr(t, t)));
    expect("fe_sqr (r == a)", t, want[W_SQR], sizeof t);
    CASE("fe_inv", im->inv(r, a));
    expect("fe_inv", r, want[W_INV], sizeof r);
    CASE("fe_sqrt", im->sqrt(r, a));
    expect("fe_sqrt", r, want[W_SQRT], sizeof r);
    CASE("fe_from_bytes", {
        rc = im->from_bytes(r, enc);
        FM_PUBLIC(&rc, sizeof rc); /* the verdict, public once returned */
    });
    expect("fe_from_bytes", r, want[W_FROM], sizeof r);
    if (rc != want_rc) {
        wrong++;
        printf("  %-34s %-12s wrong verdict\n", "fe_from_bytes", impl_name);
    }
    CASE("fe_to_bytes", im->to_bytes(out, a));
    expect("fe_to_bytes", out, want[W_TO], sizeof out);
    CASE("fe_is_zero", {
        z = im->is_zero(a);
        FM_PUBLIC(&z, sizeof z);
    });
    if (z != want_z[0])
        wrong++;
    CASE("fe_is_zero (a - b)", {
        im->sub(t, a, b);
        z = im->is_zero(t);
        FM_PUBLIC(&z, sizeof z);
    });
    if (z != want_z[1])
        wrong++;

    FM_PUBLIC(a, sizeof a);
    FM_PUBLIC(b, sizeof b);
    FM_PUBLIC(enc, sizeof enc);
}

int main(void)
{
    enum { ROUNDS = 8 };

    printf("p384_field_ctgrind: %s\n", RUNNING_ON_VALGRIND ? "running under valgrind"
                                                           : "NOT under valgrind: results only");
    for (size_t k = 0; k < sizeof impls / sizeof impls[0]; k++)
        for (int round = 0; round < ROUNDS; round++)
            run(&impls[k], round);
    /* The two implementations agree on a few products (public here). */
    for (int i = 0; i < 100; i++) {
        uint64_t a[NL], b[NL], r1[NL], r2[NL];
        rnd_fe(a);
        rnd_fe(b);
        impls[0].mul(r1, a, b);
        impls[1].mul(r2, a, b);
        if (memcmp(r1, r2, sizeof r1) != 0)
            wrong++;
    }
    printf("p384_field_ctgrind: %s: %u cases, %u with memcheck errors, %u wrong results\n",
           bad_cases || wrong ? "FAIL" : "PASS", cases, bad_cases, wrong);
    return bad_cases || wrong ? 1 : 0;
}

#else /* CTGRIND_SELFCHECK: leaks that memcheck must report */

/* An early-exit comparison with p: a branch on a secret. */
static __attribute__((noinline)) int leak_branch(const uint64_t *a)
{
    for (int i = NL - 1; i >= 0; i--)
        if (a[i] != p384_p[i])
            return a[i] < p384_p[i];
    return 0;
}

/* A table lookup by a secret window, as a careless scalar multiplication. */
static __attribute__((noinline)) uint64_t leak_index(const uint64_t *a)
{
    static const uint64_t table[16] = { 0 };
    return table[a[0] & 15];
}

/* A square-and-multiply that skips zero bits of a secret exponent. */
static __attribute__((noinline)) void leak_pow(uint64_t *r, const uint64_t *a, const uint64_t *e)
{
    uint64_t acc[NL];
    memcpy(acc, p384_fe_one, sizeof acc);
    for (int i = 63; i >= 0; i--) {
        p384_fe_sqr(acc, acc);
        if ((e[0] >> i) & 1)
            p384_fe_mul(acc, acc, a);
    }
    memcpy(r, acc, sizeof acc);
}

int main(void)
{
    uint64_t a[NL] = { 5, 6, 7, 8, 9, 10 }, e[NL] = { 0x1234, 0, 0, 0, 0, 0 }, r[NL], x;

    printf("p384_field_ctgrind selfcheck: every case below must report errors\n");
    FM_SECRET(a, sizeof a);
    FM_SECRET(e, sizeof e);
    CASE("branch on a secret", x = (uint64_t)leak_branch(a); FM_PUBLIC(&x, sizeof x));
    CASE("index from a secret", x = leak_index(a); FM_PUBLIC(&x, sizeof x));
    CASE("exponent-dependent multiply", leak_pow(r, a, e); FM_PUBLIC(r, sizeof r));
    (void)expect;
    (void)impls;
    printf("p384_field_ctgrind selfcheck: %u of %u leaks caught: %s\n", bad_cases, cases,
           bad_cases == cases ? "PASS" : "FAIL");
    return bad_cases == cases ? 0 : 1;
}
#endif
