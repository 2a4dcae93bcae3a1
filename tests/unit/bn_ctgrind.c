/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Constant-time check of the RSA big-integer layer (src/rsa/bn.c and
 * bn_mulx.c) under valgrind memcheck, the technique of
 * include/fipsmod/ctgrind.h: the secret inputs (a modulus standing for a
 * prime p, a base, an exponent, the operands of an inversion, a value to
 * divide) are marked undefined; memcheck then reports every branch,
 * conditional move or memory address that depends on them. Results are
 * marked defined (on copies) before they are compared with a reference
 * computed from the same values left public. Limb counts, exponent bit
 * lengths and the small divisor are public by contract.
 *
 * Each case counts the errors memcheck raised while it ran
 * (VALGRIND_COUNT_ERRORS before and after), for both implementations.
 * valgrind 3.19 hides ADX from cpuid but executes ADCX/ADOX (and MULX);
 * when the CPU reports BMI2 under valgrind, the MULX kernels are enabled by
 * hand and checked against the portable results as well.
 *
 * Build and run from the repository root, after `make -j2`:
 *
 *   gcc -std=c11 -Wall -Wextra -Werror -O2 -g -Iinclude -o build/bn_ctgrind \
 *       tests/unit/bn_ctgrind.c build/obj/module_glue.o build/obj/platform.o -lpthread
 *   valgrind -q --error-exitcode=1 ./build/bn_ctgrind
 *
 * (add --track-origins=yes to locate a leak). Without valgrind the program
 * only checks the results. -DCTGRIND_SELFCHECK builds a variant whose
 * leaky functions must be caught (proof that a clean run means something).
 */
#include "../../src/module/module.c"
#ifndef FIPSMOD_RSA_BN_INTERNAL_H
#include "../../src/rsa/bn.c"
#include "../../src/rsa/bn_mulx.c"
#endif

#include <stdio.h>
#include <string.h>

#include <valgrind/memcheck.h>

const unsigned char fm_module_start[1], fm_module_end[1];

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static uint64_t rng = 0x0123456789abcdefu;

static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static __attribute__((unused)) void rnd_limbs(uint64_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        a[i] = rnd();
}

static unsigned cases, bad_cases, wrong;

/* Run one case: body runs with the secrets marked; errors are counted. */
#define CASE(name, body)                                                          \
    do {                                                                          \
        unsigned long e0_ = VALGRIND_COUNT_ERRORS;                                \
        body;                                                                     \
        unsigned long e1_ = VALGRIND_COUNT_ERRORS;                                \
        cases++;                                                                  \
        if (e1_ != e0_) {                                                         \
            bad_cases++;                                                          \
            printf("  %-28s n=%-3zu %-8s %lu memcheck error(s)\n", name, n,       \
                   impl_name, e1_ - e0_);                                         \
        }                                                                         \
    } while (0)

/* Compare a result (made public on a copy) with the public reference. */
static void expect(const char *what, size_t n, const void *got, const void *want, size_t len)
{
    uint8_t copy[16 * BN_MAX_LIMBS];
    memcpy(copy, got, len);
    PUBLIC(copy, len);
    if (memcmp(copy, want, len) != 0) {
        wrong++;
        printf("  %-28s n=%-3zu wrong result\n", what, n);
    }
}

#ifndef CTGRIND_SELFCHECK

static uint64_t scratch[BN_EXP_SCRATCH_LIMBS(BN_MAX_LIMBS)];

/*
 * The public reference of every case, computed from the same values before
 * they are marked secret (want[k] for case k).
 */
#define NREF 10
static uint64_t want[NREF][BN_MAX_LIMBS];
static uint64_t wok[2];

static void references(size_t n, const uint64_t *m, const uint64_t *a, const uint64_t *b,
                       const uint64_t *e, uint64_t *w, const uint64_t *me, const uint64_t *ao)
{
    static bn_mont_ctx cp;
    uint64_t pe = 65537, t[2 * BN_MAX_LIMBS];

    bn_mont_init(&cp, m, n, BN_IMPL_PORTABLE);
    bn_copy(want[0], cp.rr, n);
    bn_mont_mul(want[1], a, b, &cp);
    bn_mont_sqr(want[2], a, &cp);
    bn_to_mont(want[3], a, &cp);
    bn_from_mont(want[3], want[3], &cp);
    bn_mod_mul(want[4], a, b, &cp);
    bn_mod_reduce(want[5], w, 2 * n, &cp);
    bn_mod_exp_ct(want[6], a, e, 64 * n, &cp, scratch);
    bn_mod_exp_ct(want[7], a, e, 23, &cp, scratch);
    bn_mod_exp_vartime(want[8], a, &pe, 1, &cp);
    wok[0] = bn_mod_inv_ct(want[9], a, m, n);
    wok[1] = bn_mod_inv_ct(t, ao, me, n);
    memcpy(w + 2 * n, t, 8 * n); /* the even-m inverse, beside w */
}

static void run(size_t n, int impl, const char *impl_name)
{
    static uint64_t m[BN_MAX_LIMBS], a[BN_MAX_LIMBS], b[BN_MAX_LIMBS], e[BN_MAX_LIMBS];
    static uint64_t me[BN_MAX_LIMBS], ao[BN_MAX_LIMBS];
    static uint64_t r[2 * BN_MAX_LIMBS], w[4 * BN_MAX_LIMBS];
    static uint8_t bytes[8 * BN_MAX_LIMBS + 8];
    static bn_mont_ctx c;
    int rc = 0;

    /* A modulus like a prime factor (odd, top bit set), values below it,
     * and an even modulus with an odd value for the inversion. */
    rnd_limbs(m, n);
    m[0] |= 1;
    m[n - 1] |= (uint64_t)1 << 63;
    rnd_limbs(a, n);
    a[n - 1] >>= 1;
    rnd_limbs(b, n);
    b[n - 1] >>= 1;
    rnd_limbs(e, n);
    rnd_limbs(w, 2 * n);
    memcpy(me, m, 8 * n);
    me[0] &= ~(uint64_t)1;
    memcpy(ao, a, 8 * n);
    ao[0] |= 1;
    references(n, m, a, b, e, w, me, ao);

    SECRET(m, 8 * n);
    SECRET(a, 8 * n);
    SECRET(b, 8 * n);
    SECRET(e, 8 * n);
    SECRET(w, 16 * n);
    SECRET(me, 8 * n);
    SECRET(ao, 8 * n);

    CASE("bn_mont_init", {
        rc = bn_mont_init(&c, m, n, impl);
        PUBLIC(&rc, sizeof rc);
    });
    if (rc != FM_OK) {
        printf("  bn_mont_init n=%zu refused\n", n);
        wrong++;
        return;
    }
    expect("bn_mont_init rr", n, c.rr, want[0], 8 * n);
    CASE("bn_mont_mul", bn_mont_mul(r, a, b, &c));
    expect("bn_mont_mul", n, r, want[1], 8 * n);
    CASE("bn_mont_sqr", bn_mont_sqr(r, a, &c));
    expect("bn_mont_sqr", n, r, want[2], 8 * n);
    CASE("bn_to_mont/bn_from_mont", (bn_to_mont(r, a, &c), bn_from_mont(r, r, &c)));
    expect("bn_to_mont/bn_from_mont", n, r, want[3], 8 * n);
    CASE("bn_mod_mul", bn_mod_mul(r, a, b, &c));
    expect("bn_mod_mul", n, r, want[4], 8 * n);
    CASE("bn_mod_reduce (2n limbs)", bn_mod_reduce(r, w, 2 * n, &c));
    expect("bn_mod_reduce", n, r, want[5], 8 * n);
    CASE("bn_mod_exp_ct", bn_mod_exp_ct(r, a, e, 64 * n, &c, scratch));
    expect("bn_mod_exp_ct", n, r, want[6], 8 * n);
    CASE("bn_mod_exp_ct (short e)", bn_mod_exp_ct(r, a, e, 23, &c, scratch));
    expect("bn_mod_exp_ct (short e)", n, r, want[7], 8 * n);
    {
        uint64_t pe = 65537; /* public exponent, secret base and modulus */
        CASE("bn_mod_exp_vartime (e public)", bn_mod_exp_vartime(r, a, &pe, 1, &c));
        expect("bn_mod_exp_vartime", n, r, want[8], 8 * n);
    }
    if (impl != BN_IMPL_PORTABLE)
        goto done; /* the rest has no implementation choice */

    {
        uint64_t ok = 0;
        CASE("bn_mod_inv_ct (odd m)", {
            ok = bn_mod_inv_ct(r, a, m, n);
            PUBLIC(&ok, sizeof ok);
        });
        expect("bn_mod_inv_ct (odd m)", n, r, want[9], 8 * n);
        if (ok != wok[0])
            wrong++;
        CASE("bn_mod_inv_ct (even m)", {
            ok = bn_mod_inv_ct(r, ao, me, n);
            PUBLIC(&ok, sizeof ok);
        });
        PUBLIC(w + 2 * n, 8 * n);
        expect("bn_mod_inv_ct (even m)", n, r, w + 2 * n, 8 * n);
        if (ok != wok[1])
            wrong++;
    }
    {
        uint32_t q = 0;
        CASE("bn_mod_u32_ct", {
            q = bn_mod_u32_ct(a, n, 65521) ^ bn_mod_u32_ct(m, n, 3);
            PUBLIC(&q, sizeof q);
        });
    }
    CASE("bn_to_be/bn_from_be", {
        bn_to_be(bytes, 8 * n + 3, a, n);
        rc = bn_from_be(r, n, bytes, 8 * n + 3);
        PUBLIC(&rc, sizeof rc);
    });
    CASE("add/sub/compare/select", {
        uint64_t mk = bn_lt_mask(a, b, n) ^ bn_eq_mask(a, b, n) ^ bn_is_zero_mask(a, n);
        mk ^= bn_eq_word_mask(a, n, 5) ^ bn_lt_pow2_mask(a, n, 64 * n - 3);
        bn_cselect(mk, r, a, b, n);
        bn_cswap(mk, r, w, n);
        bn_add(r, r, a, n);
        bn_sub(r, r, b, n);
        bn_mod_add(r, a, b, m, n);
        bn_mod_sub(r, a, b, m, n);
        bn_csub(r, a, 0, m, n);
        bn_add_word(r, r, n, 7);
        bn_sub_word(r, r, n, 7);
        bn_add_into(w, 2 * n, a, n);
    });
    CASE("shifts, bn_ctz_ct", {
        size_t p2 = 64; /* the largest power of 2 <= 64n (public) */
        while (2 * p2 <= 64 * n)
            p2 *= 2;
        size_t s = (bn_ctz_ct(a, n) + (size_t)b[0]) & (p2 - 1);
        bn_rshift_ct(r, b, n, s);
        bn_shl1(r, r, n);
        bn_shr1(r, r, n, 1);
    });
    CASE("bn_mul/bn_mul_wide", {
        bn_mul(r, a, b, n);
        bn_mul_wide(r, a, n, b, n > 1 ? n - 1 : 1);
    });
done:
    PUBLIC(m, 8 * n);
    PUBLIC(a, 8 * n);
    PUBLIC(b, 8 * n);
    PUBLIC(e, 8 * n);
    PUBLIC(w, 16 * n);
    PUBLIC(me, 8 * n);
    PUBLIC(ao, 8 * n);
    bn_mont_ctx_wipe(&c);
}

int main(void)
{
    static const size_t sizes[] = { 1, 2, 4, 16, 17, 24, 32, 64 };

    cpu_init_once();
    int mulx = bn_impl_available(BN_IMPL_MULX);
    if (!mulx && (cpu_detected() & FM_CPU_BMI2)) {
        struct module_vars *v = fm_glue_vars();
        v->cpu_detected |= FM_CPU_ADX;
        v->cpu_enabled |= FM_CPU_ADX;
        mulx = bn_impl_available(BN_IMPL_MULX);
        printf("bn_ctgrind: ADX hidden from cpuid (valgrind); MULX kernels enabled by hand\n");
    }
    if (!mulx)
        printf("bn_ctgrind: MULX implementation UNAVAILABLE (no BMI2): skipped\n");
    printf("bn_ctgrind: %s\n", RUNNING_ON_VALGRIND ? "running under valgrind"
                                                   : "NOT under valgrind: results only");
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        run(sizes[i], BN_IMPL_PORTABLE, "portable");
        if (mulx)
            run(sizes[i], BN_IMPL_MULX, "mulx");
    }
    printf("bn_ctgrind: %s: %u cases, %u with memcheck errors, %u wrong results\n",
           bad_cases || wrong ? "FAIL" : "PASS", cases, bad_cases, wrong);
    return bad_cases || wrong ? 1 : 0;
}

#else /* CTGRIND_SELFCHECK: leaks that memcheck must report */

static __attribute__((noinline)) uint64_t leak_branch(const uint64_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] == 6) /* an early exit: a branch on a secret */
            return i;
    return n;
}

static __attribute__((noinline)) uint64_t leak_index(const uint64_t *a, const uint64_t *table)
{
    return table[a[0] & 15]; /* an address from a secret */
}

static __attribute__((noinline)) size_t leak_bitlen(const uint64_t *a, size_t n)
{
    return bn_bit_length_vartime(a, n); /* a *_vartime function on a secret */
}

int main(void)
{
    uint64_t a[4] = { 5, 6, 7, 8 }, table[16] = { 0 }, x;
    size_t n = 4;
    const char *impl_name = "-";

    printf("bn_ctgrind selfcheck: every case below must report errors\n");
    SECRET(a, sizeof a);
    CASE("branch on a secret", x = leak_branch(a, n); PUBLIC(&x, sizeof x));
    CASE("index from a secret", x = leak_index(a, table); PUBLIC(&x, sizeof x));
    CASE("bn_bit_length_vartime", x = leak_bitlen(a, n); PUBLIC(&x, sizeof x));
    (void)expect;
    printf("bn_ctgrind selfcheck: %u of %u leaks caught: %s\n", bad_cases, cases,
           bad_cases == cases ? "PASS" : "FAIL");
    return bad_cases == cases ? 0 : 1;
}
#endif
