/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Constant-time check of the P-521 field layer (src/ec/p521_field.c) under
 * valgrind memcheck, the technique of include/fipsmod/ctgrind.h: the
 * operands of every field function are marked undefined ("secret");
 * memcheck then reports every branch, conditional move or memory address
 * that depends on them. Results are marked defined (on copies) only to be
 * compared with references computed from the same values while they were
 * still public, so a wrong result is caught as well as a leak.
 *
 * The operands are random canonical elements, elements with limbs at the
 * top of the bounds the field file allows (its invariant I), and the
 * special values 0, 1, p - 1 and p itself (the second representation of
 * 0): code that is constant time only for typical values would show here.
 * Each case counts the errors memcheck raised while it ran
 * (VALGRIND_COUNT_ERRORS before and after). fe_from_bytes returns a
 * verdict that the caller may make public; the test makes it public
 * after the call, as a caller would, and memcheck still sees any branch
 * taken inside. The field file is self-contained, so this test includes
 * it alone.
 *
 * Build and run from the repository root (`make build/unit/p521_field_ctgrind`
 * builds the same with the glue and platform objects linked in):
 *
 *   gcc -std=c11 -Wall -Wextra -Werror -O2 -g -gdwarf-4 -D_GNU_SOURCE -Iinclude \
 *       -o build/p521_field_ctgrind tests/unit/p521_field_ctgrind.c
 *   valgrind -q --error-exitcode=1 ./build/p521_field_ctgrind
 *   valgrind -q ./build/p521_field_ctgrind selfcheck     # must report errors
 *
 * (add --track-origins=yes to locate a leak). Without valgrind the program
 * only checks the results. The selfcheck mode runs deliberately leaky
 * helpers on the same secret data and passes only when memcheck reports
 * every one of them, so that a clean run means something.
 */
#include "../../src/ec/p521_field.c"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <valgrind/memcheck.h>

/* platform.o's constructor (when linked by the Makefile rule) calls fm_init. */
int fm_init(uint32_t flags);
int fm_init(uint32_t flags)
{
    (void)flags;
    return 0;
}

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

#define NL P521_FE_LIMBS
#define NB P521_FE_BYTES
#define FE_SIZE (8 * NL)

static uint64_t rng = 0x0123456789abcdefu;

static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static unsigned cases, bad_cases, wrong;
static const char *kind = "-";

/* Run one case: body runs with the secrets marked; errors are counted. */
#define CASE(name, body)                                                        \
    do {                                                                        \
        unsigned long e0_ = VALGRIND_COUNT_ERRORS;                              \
        body;                                                                   \
        unsigned long e1_ = VALGRIND_COUNT_ERRORS;                              \
        cases++;                                                                \
        if (e1_ != e0_) {                                                       \
            bad_cases++;                                                        \
            printf("  %-22s %-10s %lu memcheck error(s)\n", name, kind,        \
                   e1_ - e0_);                                                  \
        }                                                                       \
    } while (0)

/* Compare a result (made public on a copy) with the public reference. */
static void expect(const char *what, const void *got, const void *want, size_t len)
{
    uint8_t copy[256];
    memcpy(copy, got, len);
    PUBLIC(copy, len);
    if (memcmp(copy, want, len) != 0) {
        wrong++;
        printf("  %-22s %-10s wrong result\n", what, kind);
    }
}

/* Operand kinds: random canonical, limbs at their maximum, small values. */
static void make_operand(uint64_t *x, int k)
{
    const uint64_t lmax = P521_M58 + (1u << 8), tmax = P521_M57 + (1u << 8);
    switch (k) {
    case 0: /* random, canonical */
    case 1:
        for (int i = 0; i < NL; i++)
            x[i] = rnd() & (i < NL - 1 ? P521_M58 : P521_M57);
        break;
    case 2: /* every limb at the top of invariant I */
        for (int i = 0; i < NL; i++)
            x[i] = i < NL - 1 ? lmax : tmax;
        break;
    case 3: /* 0 */
        memset(x, 0, FE_SIZE);
        break;
    case 4: /* 1 */
        memset(x, 0, FE_SIZE);
        x[0] = 1;
        break;
    case 5: /* p - 1 */
    case 6: /* p: zero in its other representation */
        for (int i = 0; i < NL; i++)
            x[i] = i < NL - 1 ? P521_M58 : P521_M57;
        if (k == 5)
            x[0] -= 1;
        break;
    default: /* random limbs anywhere in I */
        for (int i = 0; i < NL; i++)
            x[i] = rnd() % ((i < NL - 1 ? lmax : tmax) + 1);
        break;
    }
}

static const char *kind_name[] = { "random", "random", "max limbs", "zero", "one",
                                   "p - 1", "p (zero)", "loose" };
#define NKINDS 8

static void run(int ka, int kb)
{
    static uint64_t a[NL], b[NL], r[NL];
    static uint8_t bytes[NB], rb[NB];
    /* References, computed while a and b are public. */
    static uint64_t w_add[NL], w_sub[NL], w_mul[NL], w_sqr[NL], w_inv[NL], w_sqrt[NL];
    static uint64_t w_fb[NL], w_zero;
    static uint8_t w_tb[NB];
    static int w_rc, w_rc2;
    static uint8_t big[NB]; /* a 66-byte string >= p, secret too */
    int rc = 0;
    uint64_t z = 0;

    make_operand(a, ka);
    make_operand(b, kb);
    kind = kind_name[ka];
    for (int i = 0; i < NB; i++)
        big[i] = (uint8_t)rnd();
    big[0] |= 0x02;

    p521_fe_add(w_add, a, b);
    p521_fe_sub(w_sub, a, b);
    p521_fe_mul(w_mul, a, b);
    p521_fe_sqr(w_sqr, a);
    p521_fe_inv(w_inv, a);
    p521_fe_sqrt(w_sqrt, a);
    p521_fe_to_bytes(w_tb, a);
    w_rc = p521_fe_from_bytes(w_fb, w_tb);
    w_rc2 = p521_fe_from_bytes(r, big);
    w_zero = p521_fe_is_zero(a);
    memcpy(bytes, w_tb, NB);

    SECRET(a, sizeof a);
    SECRET(b, sizeof b);
    SECRET(bytes, sizeof bytes);
    SECRET(big, sizeof big);

    CASE("fe_add", p521_fe_add(r, a, b));
    expect("fe_add", r, w_add, FE_SIZE);
    CASE("fe_sub", p521_fe_sub(r, a, b));
    expect("fe_sub", r, w_sub, FE_SIZE);
    CASE("fe_mul", p521_fe_mul(r, a, b));
    expect("fe_mul", r, w_mul, FE_SIZE);
    CASE("fe_sqr", p521_fe_sqr(r, a));
    expect("fe_sqr", r, w_sqr, FE_SIZE);
    CASE("fe_inv", p521_fe_inv(r, a));
    expect("fe_inv", r, w_inv, FE_SIZE);
    CASE("fe_sqrt", p521_fe_sqrt(r, a));
    expect("fe_sqrt", r, w_sqrt, FE_SIZE);
    CASE("fe_to_bytes", p521_fe_to_bytes(rb, a));
    expect("fe_to_bytes", rb, w_tb, NB);
    CASE("fe_from_bytes (< p)", {
        rc = p521_fe_from_bytes(r, bytes);
        PUBLIC(&rc, sizeof rc); /* the verdict may be made public */
    });
    expect("fe_from_bytes (< p)", r, w_fb, FE_SIZE);
    if (rc != w_rc) {
        wrong++;
        printf("  fe_from_bytes (< p) %-10s wrong verdict\n", kind);
    }
    CASE("fe_from_bytes (>= p)", {
        rc = p521_fe_from_bytes(r, big);
        PUBLIC(&rc, sizeof rc);
    });
    if (rc != w_rc2 || rc != -1) {
        wrong++;
        printf("  fe_from_bytes (>= p) %-10s wrong verdict\n", kind);
    }
    CASE("fe_is_zero", {
        z = p521_fe_is_zero(a);
        PUBLIC(&z, sizeof z); /* compared below, as a caller would */
    });
    if (z != w_zero) {
        wrong++;
        printf("  fe_is_zero %-10s wrong result\n", kind);
    }
    /* Aliased forms: r == a, and a == b. */
    memcpy(r, a, sizeof r);
    CASE("fe_mul (r == a == b)", p521_fe_mul(r, r, r));
    memcpy(r, a, sizeof r);
    CASE("fe_sqr (r == a)", p521_fe_sqr(r, r));
    expect("fe_sqr (r == a)", r, w_sqr, FE_SIZE);

    PUBLIC(a, sizeof a);
    PUBLIC(b, sizeof b);
    PUBLIC(bytes, sizeof bytes);
    PUBLIC(big, sizeof big);
}

/* ---- selfcheck: leaks that memcheck must report ---------------------------- */

static volatile uint64_t leak_sink;

static __attribute__((noinline)) uint64_t leak_branch(const uint64_t *a)
{
    uint64_t x[NL];
    p521_fe_canon(x, a);
    for (uint64_t i = 0; i < (x[0] & 7); i++) /* a loop count from a secret */
        leak_sink++;
    return leak_sink;
}

static __attribute__((noinline)) uint64_t leak_index(const uint64_t *a)
{
    static const uint64_t table[16] = { 0 };
    return table[a[1] & 15]; /* an address from a secret */
}

static __attribute__((noinline)) int leak_early_exit(const uint8_t *in)
{
    /* A from_bytes that stops at the first byte that decides: the kind of
     * shortcut the real one must not take. */
    if (in[0] > 1)
        return -1;
    return p521_fe_from_bytes((uint64_t[NL]){ 0 }, in);
}

static int selfcheck(void)
{
    uint64_t a[NL], x;
    uint8_t in[NB];
    int rc;

    printf("p521_field_ctgrind selfcheck: every case below must report errors\n");
    make_operand(a, 0);
    p521_fe_to_bytes(in, a);
    SECRET(a, sizeof a);
    SECRET(in, sizeof in);
    kind = "leak";
    CASE("branch on a secret", x = leak_branch(a); PUBLIC(&x, sizeof x));
    CASE("index from a secret", x = leak_index(a); PUBLIC(&x, sizeof x));
    CASE("early exit", rc = leak_early_exit(in); PUBLIC(&rc, sizeof rc));
    printf("p521_field_ctgrind selfcheck: %u of %u leaks caught: %s\n", bad_cases, cases,
           bad_cases == cases ? "PASS" : "FAIL");
    return bad_cases == cases ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "selfcheck") == 0)
        return selfcheck();

    printf("p521_field_ctgrind: %s\n",
           RUNNING_ON_VALGRIND ? "running under valgrind" : "NOT under valgrind: results only");
    for (int ka = 0; ka < NKINDS; ka++)
        for (int kb = 0; kb < NKINDS; kb += 3)
            run(ka, kb);
    printf("p521_field_ctgrind: %s: %u cases, %u with memcheck errors, %u wrong results\n",
           bad_cases || wrong ? "FAIL" : "PASS", cases, bad_cases, wrong);
    return bad_cases || wrong ? 1 : 0;
}
