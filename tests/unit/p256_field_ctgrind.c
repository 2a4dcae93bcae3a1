/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Constant-time check of the P-256 field layer (src/ec/p256_field.c and
 * the MULX kernels of src/ec/p256_field_mulx.c) under valgrind memcheck,
 * the technique of include/fipsmod/ctgrind.h: the operands of every field
 * function are marked secret with FM_SECRET (memcheck's "undefined");
 * memcheck then reports every branch, conditional move or memory address
 * that depends on them. Results are made public (FM_PUBLIC, on copies)
 * only to be compared with references computed from the same values
 * while they were public, so that a wrong result is caught as well as a
 * leak.
 *
 * The operands are random elements and the values where a carry, a
 * borrow or the final subtraction changes its outcome: 0, 1, 2, p - 1,
 * p - 2, the Montgomery form of 1 (R mod p), 2^255 and the largest limbs
 * below p; every pair of kinds runs, so that a + b crosses p and a - b
 * goes negative (and not) under secret data. Each case counts the errors
 * memcheck raised while it ran (VALGRIND_COUNT_ERRORS before and after).
 * fe_from_bytes returns a verdict that its caller may make public; the
 * test makes it public after the call, as a caller would, and memcheck
 * still sees any branch taken inside. The MULX kernels run when the CPU
 * has BMI2: valgrind 3.19 hides ADX from cpuid but executes ADCX and
 * ADOX, so the test does not ask cpuid for ADX under valgrind.
 *
 * Build and run from the repository root (`make build/unit/p256_field_ctgrind`
 * builds the same with the glue and platform objects linked in):
 *
 *   gcc -std=c11 -Wall -Wextra -Werror -O2 -g -gdwarf-4 -D_GNU_SOURCE -Iinclude \
 *       -o build/p256_field_ctgrind tests/unit/p256_field_ctgrind.c
 *   valgrind -q --error-exitcode=1 ./build/p256_field_ctgrind
 *   valgrind -q ./build/p256_field_ctgrind selfcheck     # must report errors
 *
 * (add --track-origins=yes to locate a leak). Without valgrind the program
 * only checks the results. The selfcheck mode runs deliberately leaky
 * helpers on the same secret data and passes only when memcheck reports
 * every one of them, so that a clean run means something.
 */
#define FM_CTGRIND 1 /* FM_SECRET / FM_PUBLIC talk to memcheck */

#include "../../src/ec/p256_field.c"
#include "../../src/ec/p256_field_mulx.c"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include "fipsmod/ctgrind.h"
#include <valgrind/memcheck.h>

/* platform.o's constructor (when linked by the Makefile rule) calls fm_init. */
int fm_init(uint32_t flags);
int fm_init(uint32_t flags)
{
    (void)flags;
    return 0;
}

#define FE_SIZE (8 * P256_FE_LIMBS)

static uint64_t rng = 0x0123456789abcdefu;

static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static unsigned cases, bad_cases, wrong;
static const char *kind = "-", *impl_name = "-";

/* Run one case: body runs with the secrets marked; errors are counted. */
#define CASE(name, body)                                                        \
    do {                                                                        \
        unsigned long e0_ = VALGRIND_COUNT_ERRORS;                              \
        body;                                                                   \
        unsigned long e1_ = VALGRIND_COUNT_ERRORS;                              \
        cases++;                                                                \
        if (e1_ != e0_) {                                                       \
            bad_cases++;                                                        \
            printf("  %-24s %-9s %-10s %lu memcheck error(s)\n", name, impl_name, \
                   kind, e1_ - e0_);                                            \
        }                                                                       \
    } while (0)

/* Compare a result (made public on a copy) with the public reference. */
static void expect(const char *what, const void *got, const void *want, size_t len)
{
    uint8_t copy[64];
    memcpy(copy, got, len);
    FM_PUBLIC(copy, len);
    if (memcmp(copy, want, len) != 0) {
        wrong++;
        printf("  %-24s %-9s %-10s wrong result\n", what, impl_name, kind);
    }
}

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

/* Operand kinds, as the limbs of Montgomery forms (all below p). */
static const char *const kind_name[] = { "random", "random", "zero",  "one (R)", "raw 1",
                                         "p - 1",  "p - 2",  "2^255", "max limbs", "b" };
#define NKINDS 10

static void make_operand(uint64_t *x, int k)
{
    switch (k) {
    case 2: /* 0 */
        memset(x, 0, FE_SIZE);
        break;
    case 3: /* 1 */
        memcpy(x, p256_fe_one, FE_SIZE);
        break;
    case 4: /* the element R^-1, whose Montgomery form is 1 */
        memset(x, 0, FE_SIZE);
        x[0] = 1;
        break;
    case 5: /* p - 1, p - 2 */
    case 6:
        memcpy(x, p256_p, FE_SIZE);
        x[0] -= (uint64_t)(k - 4);
        break;
    case 7: /* 2^255 */
        memset(x, 0, FE_SIZE);
        x[3] = (uint64_t)1 << 63;
        break;
    case 8: /* the largest value with all-ones low limbs: top limb p3 - 1 */
        x[0] = x[1] = x[2] = ~(uint64_t)0;
        x[3] = 0xffffffff00000000u;
        break;
    case 9:
        memcpy(x, p256_fe_b, FE_SIZE);
        break;
    default: /* random, reduced below p by construction: top limb < p3 */
        for (int i = 0; i < 4; i++)
            x[i] = rnd();
        x[3] %= 0xffffffff00000001u;
        break;
    }
}

static void run(const struct impl *im, int ka, int kb)
{
    static uint64_t a[4], b[4], r[4];
    static uint8_t bytes[32], rb[32], big[32];
    /* References, computed while a and b are public (with the portable
     * kernels: the MULX ones must agree). */
    static uint64_t w_add[4], w_sub[4], w_mul[4], w_sqr[4], w_inv[4], w_sqrt[4], w_fb[4],
        w_mul_aa[4];
    static uint64_t w_zero;
    static uint8_t w_tb[32];
    static int w_rc;
    int rc = 0;
    uint64_t z = 0;

    make_operand(a, ka);
    make_operand(b, kb);
    kind = kind_name[ka];
    impl_name = im->name;
    /* A 32-byte string >= p (secret too): p's top word, the rest random
     * but above p's, or all-ones. */
    for (int i = 0; i < 32; i++)
        big[i] = (uint8_t)rnd();
    big[0] = big[1] = big[2] = big[3] = 0xff;
    big[4] = big[5] = big[6] = 0;
    big[7] = 1;
    big[8] = (uint8_t)(big[8] | 1); /* above p's zero word */

    p256_fe_add(w_add, a, b);
    p256_fe_sub(w_sub, a, b);
    p256_fe_mul(w_mul, a, b);
    p256_fe_mul(w_mul_aa, a, a);
    p256_fe_sqr(w_sqr, a);
    p256_fe_inv(w_inv, a);
    p256_fe_sqrt(w_sqrt, a);
    p256_fe_to_bytes(w_tb, a);
    w_rc = p256_fe_from_bytes(w_fb, w_tb);
    w_zero = p256_fe_is_zero(a);
    memcpy(bytes, w_tb, 32);

    FM_SECRET(a, sizeof a);
    FM_SECRET(b, sizeof b);
    FM_SECRET(bytes, sizeof bytes);
    FM_SECRET(big, sizeof big);

    CASE("fe_mul", im->mul(r, a, b));
    expect("fe_mul", r, w_mul, FE_SIZE);
    CASE("fe_sqr", im->sqr(r, a));
    expect("fe_sqr", r, w_sqr, FE_SIZE);
    CASE("fe_inv", im->inv(r, a));
    expect("fe_inv", r, w_inv, FE_SIZE);
    CASE("fe_sqrt", im->sqrt(r, a));
    expect("fe_sqrt", r, w_sqrt, FE_SIZE);
    /* Aliased forms: r == a == b, r == a. */
    memcpy(r, a, sizeof r);
    CASE("fe_mul (r == a == b)", im->mul(r, r, r));
    expect("fe_mul (r == a == b)", r, w_mul_aa, FE_SIZE);
    memcpy(r, a, sizeof r);
    CASE("fe_sqr (r == a)", im->sqr(r, r));
    expect("fe_sqr (r == a)", r, w_sqr, FE_SIZE);
    if (im != &impl_portable)
        goto done; /* the rest has one implementation */

    CASE("fe_add", p256_fe_add(r, a, b));
    expect("fe_add", r, w_add, FE_SIZE);
    CASE("fe_sub", p256_fe_sub(r, a, b));
    expect("fe_sub", r, w_sub, FE_SIZE);
    memcpy(r, a, sizeof r);
    CASE("fe_add (r == a)", p256_fe_add(r, r, b));
    expect("fe_add (r == a)", r, w_add, FE_SIZE);
    memcpy(r, b, sizeof r);
    CASE("fe_sub (r == b)", p256_fe_sub(r, a, r));
    expect("fe_sub (r == b)", r, w_sub, FE_SIZE);
    CASE("fe_to_bytes", p256_fe_to_bytes(rb, a));
    expect("fe_to_bytes", rb, w_tb, 32);
    CASE("fe_from_bytes (< p)", {
        rc = p256_fe_from_bytes(r, bytes);
        FM_PUBLIC(&rc, sizeof rc); /* the verdict may be made public */
    });
    expect("fe_from_bytes (< p)", r, w_fb, FE_SIZE);
    if (rc != w_rc || rc != 0) {
        wrong++;
        printf("  fe_from_bytes (< p) %-10s wrong verdict\n", kind);
    }
    CASE("fe_from_bytes (>= p)", {
        rc = p256_fe_from_bytes(r, big);
        FM_PUBLIC(&rc, sizeof rc);
    });
    if (rc != -1) {
        wrong++;
        printf("  fe_from_bytes (>= p) %-10s wrong verdict\n", kind);
    }
    {
        static const uint64_t zero[4];
        expect("fe_from_bytes (>= p) r = 0", r, zero, FE_SIZE);
    }
    CASE("fe_is_zero", {
        z = p256_fe_is_zero(a);
        FM_PUBLIC(&z, sizeof z); /* compared below, as a caller would */
    });
    if (z != w_zero) {
        wrong++;
        printf("  fe_is_zero %-10s wrong result\n", kind);
    }
done:
    FM_PUBLIC(a, sizeof a);
    FM_PUBLIC(b, sizeof b);
    FM_PUBLIC(bytes, sizeof bytes);
    FM_PUBLIC(big, sizeof big);
}

/* ---- selfcheck: leaks that memcheck must report ---------------------------- */

static volatile uint64_t leak_sink;

static __attribute__((noinline)) uint64_t leak_branch(const uint64_t *a)
{
    uint64_t x[4];
    p256_fe_add(x, a, a);
    for (uint64_t i = 0; i < (x[0] & 7); i++) /* a loop count from a secret */
        leak_sink++;
    return leak_sink;
}

static __attribute__((noinline)) uint64_t leak_index(const uint64_t *a)
{
    static const uint64_t table[16] = { 0 };
    return table[a[1] & 15]; /* an address from a secret */
}

/* A subtraction that adds p back only when it borrowed, with a branch:
 * the shortcut p256_fe_sub must not take. */
static __attribute__((noinline)) void leak_sub(uint64_t *r, const uint64_t *a, const uint64_t *b)
{
    uint64_t t[4];
    unsigned char c = 0;
    for (int i = 0; i < 4; i++)
        c = p256_sbb(c, a[i], b[i], &t[i]);
    if (c) {
        c = 0;
        for (int i = 0; i < 4; i++)
            c = p256_adc(c, t[i], p256_p[i], &t[i]);
    }
    memcpy(r, t, sizeof t);
}

static __attribute__((noinline)) int leak_early_exit(const uint8_t *in)
{
    /* A from_bytes that decides on the top byte first: the kind of
     * shortcut the real one must not take. */
    if (in[0] != 0xff)
        return 0;
    return p256_fe_from_bytes((uint64_t[4]){ 0 }, in);
}

static int selfcheck(void)
{
    uint64_t a[4], b[4], r[4], x;
    uint8_t in[32];
    int rc;

    printf("p256_field_ctgrind selfcheck: every case below must report errors\n");
    make_operand(a, 0);
    make_operand(b, 1);
    p256_fe_to_bytes(in, a);
    FM_SECRET(a, sizeof a);
    FM_SECRET(b, sizeof b);
    FM_SECRET(in, sizeof in);
    kind = "leak";
    CASE("branch on a secret", x = leak_branch(a); FM_PUBLIC(&x, sizeof x));
    CASE("index from a secret", x = leak_index(a); FM_PUBLIC(&x, sizeof x));
    CASE("sub with a branch", leak_sub(r, a, b); FM_PUBLIC(r, sizeof r));
    CASE("early exit", rc = leak_early_exit(in); FM_PUBLIC(&rc, sizeof rc));
    printf("p256_field_ctgrind selfcheck: %u of %u leaks caught: %s\n", bad_cases, cases,
           bad_cases == cases ? "PASS" : "FAIL");
    return bad_cases == cases ? 0 : 1;
}

/* BMI2 and ADX (cpuid leaf 7, EBX bits 8 and 19); under valgrind, which
 * hides ADX but executes ADCX/ADOX, BMI2 alone. */
static int mulx_usable(int *adx_by_hand)
{
    *adx_by_hand = 0;
#if defined(__x86_64__) && !defined(P256_GENERIC_C)
    unsigned int a, b, c, d;
    if (__get_cpuid_max(0, NULL) < 7)
        return 0;
    __cpuid_count(7, 0, a, b, c, d);
    (void)a;
    (void)c;
    (void)d;
    if (!(b >> 8 & 1))
        return 0;
    if (b >> 19 & 1)
        return 1;
    *adx_by_hand = RUNNING_ON_VALGRIND != 0;
    return *adx_by_hand;
#else
    return 1; /* the MULX names forward to the portable kernels */
#endif
}

int main(int argc, char **argv)
{
    int adx_by_hand, mulx;

    if (argc > 1 && strcmp(argv[1], "selfcheck") == 0)
        return selfcheck();

    mulx = mulx_usable(&adx_by_hand);
    printf("p256_field_ctgrind: %s\n",
           RUNNING_ON_VALGRIND ? "running under valgrind" : "NOT under valgrind: results only");
    if (adx_by_hand)
        printf("p256_field_ctgrind: ADX hidden from cpuid (valgrind); MULX kernels run anyway\n");
    if (!mulx)
        printf("p256_field_ctgrind: MULX kernels UNAVAILABLE (no BMI2/ADX): skipped\n");
    for (int ka = 0; ka < NKINDS; ka++)
        for (int kb = 0; kb < NKINDS; kb++) {
            run(&impl_portable, ka, kb);
            if (mulx && kb % 3 == 0)
                run(&impl_mulx, ka, kb);
        }
    printf("p256_field_ctgrind: %s: %u cases, %u with memcheck errors, %u wrong results\n",
           bad_cases || wrong ? "FAIL" : "PASS", cases, bad_cases, wrong);
    return bad_cases || wrong ? 1 : 0;
}
