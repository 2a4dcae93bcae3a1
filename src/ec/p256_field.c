/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Arithmetic in GF(p) for P-256, p = 2^256 - 2^224 + 2^192 + 2^96 - 1
 * (SP 800-186 section 3.2.1.3), in portable C: the field contract of the
 * curve layer (src/ec/ec_impl.h), with the prefix p256.
 *
 * Representation: Montgomery form with R = 2^256. The element x is held as
 * x R mod p in four little-endian 64-bit limbs, always fully reduced
 * (below p). Every function accepts any value below p, returns a value
 * below p, and allows its output to alias any input; fe_from_bytes is the
 * only way in for outside data and refuses values >= p. Being canonical
 * keeps fe_is_zero and fe_to_bytes simple, and costs one masked
 * subtraction per operation, which the arithmetic needs anyway.
 *
 * Montgomery reduction exploits the form of p. Its low limb is 2^64 - 1,
 * so -p^-1 mod 2^64 = 1 and the reduction factor of a step is the low limb
 * u of the accumulator itself; and
 *
 *     u p = u 2^96 - u + u p3 2^192,   p3 = 2^64 - 2^32 + 1 (the top limb),
 *     u p3 = u 2^64 - u 2^32 + u,
 *
 * so a step, t = (t + u p) / 2^64, adds u 2^32 (the words u << 32,
 * u >> 32) at limbs 0-1 and u p3 at limbs 2-3 of t >> 64, where u p3 is
 * the 128-bit difference (u : u) - (u >> 32 : u << 32): two shifts and a
 * subtraction, no multiplication. Multiplication interleaves the four
 * rows of a * b with the four steps (CIOS, HAC 14.36 with the word
 * layout of Gueron and Krasnov, "Fast prime field elliptic-curve
 * cryptography with 256-bit primes", J. Cryptogr. Eng. 2015); the
 * accumulator stays below 2p, so five limbs hold it and one conditional
 * subtraction of p finishes. Squaring computes the full square (six
 * cross products doubled, four squares: 10 multiplications instead of
 * 16), then reduces its low half in four steps that stay within four
 * limbs, adds the high half and subtracts p once if needed.
 *
 * Carries: the chains are written with add-with-carry helpers. GCC and
 * Clang turn their carry builtins (on x86-64 for GCC, on every target for
 * Clang) into ADC/SBB chains; the portable fallback computes the carries
 * with comparisons, which GCC 12 compiles about 2x slower on x86-64
 * (-DP256_GENERIC_C selects it there, for the tests). The x86-64
 * MULX/ADX kernels are in p256_field_mulx.c.
 *
 * Measured on AMD Zen 4 (3.7 GHz) through a function pointer, operands
 * in memory: fe_mul 53 cycles when each call waits for the previous
 * result, 50 per call for independent calls (GCC 12; Clang 14: 50 / 44);
 * fe_sqr 46 / 42.5 (Clang: 44 / 36.5); fe_add 15 / 9.
 *
 * Inversion is Fermat's, a^(p-2), and the square root a^((p+1)/4)
 * (p = 3 mod 4), both by fixed addition chains (255 squarings and 12
 * multiplications; 253 and 7). The chains are written once, as inline
 * templates over the multiplication and squaring, so that the MULX
 * variant instantiates them with its own kernels.
 *
 * Constant time: no branch and no memory index depends on a value; loops
 * run a fixed number of times; choices are made with all-ones/all-zeros
 * masks that pass through p256_barrier (an empty asm), so that the
 * compiler cannot turn them back into branches. Inversion of 0 gives 0
 * (0^(p-2)), with no special case.
 */
#ifndef FIPSMOD_EC_P256_FIELD_C
#define FIPSMOD_EC_P256_FIELD_C

#include <stddef.h>
#include <stdint.h>

#define P256_FE_LIMBS 4

typedef unsigned __int128 p256_u128;

/* The modulus p, little-endian limbs. */
static const uint64_t p256_p[P256_FE_LIMBS] = {
    0xffffffffffffffffu, 0x00000000ffffffffu, 0x0000000000000000u, 0xffffffff00000001u,
};

/* 1 in Montgomery form: R mod p = 2^256 - p. */
static const uint64_t p256_fe_one[P256_FE_LIMBS] = {
    0x0000000000000001u, 0xffffffff00000000u, 0xffffffffffffffffu, 0x00000000fffffffeu,
};

/* R^2 mod p: fe_from_bytes multiplies by it to enter Montgomery form. */
static const uint64_t p256_fe_rr[P256_FE_LIMBS] = {
    0x0000000000000003u, 0xfffffffbffffffffu, 0xfffffffffffffffeu, 0x00000004fffffffdu,
};

/*
 * The curve coefficient b (SP 800-186 3.2.1.3:
 * 5ac635d8 aa3a93e7 b3ebbd55 769886bc 651d06b0 cc53b0f6 3bce3c3e 27d2604b)
 * in Montgomery form, b R mod p.
 */
static const uint64_t p256_fe_b[P256_FE_LIMBS] = {
    0xd89cdf6229c4bddfu, 0xacf005cd78843090u, 0xe5a220abf7212ed6u, 0xdc30061d04874834u,
};

/* ---- word helpers ------------------------------------------------------- */

/* Hides a value from the optimizer, so that a mask stays a mask. */
static inline uint64_t p256_barrier(uint64_t v)
{
    __asm__("" : "+r"(v));
    return v;
}

/*
 * *r = a + b + c and the carry out; *r = a - b - c and the borrow out
 * (c is 0 or 1).
 */
#if defined(__clang__) && !defined(P256_GENERIC_C)
static inline unsigned char p256_adc(unsigned char c, uint64_t a, uint64_t b, uint64_t *r)
{
    unsigned long long co, s = __builtin_addcll(a, b, c, &co);
    *r = (uint64_t)s;
    return (unsigned char)co;
}

static inline unsigned char p256_sbb(unsigned char c, uint64_t a, uint64_t b, uint64_t *r)
{
    unsigned long long bo, d = __builtin_subcll(a, b, c, &bo);
    *r = (uint64_t)d;
    return (unsigned char)bo;
}
#elif defined(__GNUC__) && defined(__x86_64__) && !defined(P256_GENERIC_C)
static inline unsigned char p256_adc(unsigned char c, uint64_t a, uint64_t b, uint64_t *r)
{
    unsigned long long s;
    c = __builtin_ia32_addcarryx_u64(c, a, b, &s);
    *r = (uint64_t)s;
    return c;
}

static inline unsigned char p256_sbb(unsigned char c, uint64_t a, uint64_t b, uint64_t *r)
{
    unsigned long long d;
    c = __builtin_ia32_sbb_u64(c, a, b, &d);
    *r = (uint64_t)d;
    return c;
}
#else
/* Carries as comparisons (SETcc or SBB, never a branch, in practice):
 * measured faster than 128-bit sums with GCC 12 and Clang 14 on x86-64. */
static inline unsigned char p256_adc(unsigned char c, uint64_t a, uint64_t b, uint64_t *r)
{
    uint64_t s = a + b, t = s + c;
    *r = t;
    return (unsigned char)((s < a) | (t < s));
}

static inline unsigned char p256_sbb(unsigned char c, uint64_t a, uint64_t b, uint64_t *r)
{
    uint64_t d = a - b;
    *r = d - c;
    return (unsigned char)((a < b) | (d < c));
}
#endif

/* (*hi, return) = a * b. */
static inline uint64_t p256_mul64(uint64_t *hi, uint64_t a, uint64_t b)
{
    p256_u128 t = (p256_u128)a * b;
    *hi = (uint64_t)(t >> 64);
    return (uint64_t)t;
}

/*
 * (t0..t3, t4) < 2p, t4 = 0 or 1: r = that value mod p, by subtracting p
 * and keeping the difference unless it borrowed (a masked merge: its
 * three levels run in parallel over the limbs, shorter after a
 * multiplication than adding p back). r may alias anything.
 */
static inline void p256_csub(uint64_t *r, uint64_t t0, uint64_t t1, uint64_t t2, uint64_t t3,
                             uint64_t t4)
{
    uint64_t d0, d1, d2, d3, keep;
    unsigned char c;

    c = p256_sbb(0, t0, 0xffffffffffffffffu, &d0);
    c = p256_sbb(c, t1, 0x00000000ffffffffu, &d1);
    c = p256_sbb(c, t2, 0, &d2);
    c = p256_sbb(c, t3, 0xffffffff00000001u, &d3);
    (void)p256_sbb(c, t4, 0, &keep); /* all-ones when (t4 : t) < p: keep t */
    keep = p256_barrier(keep);
    r[0] = d0 ^ ((d0 ^ t0) & keep);
    r[1] = d1 ^ ((d1 ^ t1) & keep);
    r[2] = d2 ^ ((d2 ^ t2) & keep);
    r[3] = d3 ^ ((d3 ^ t3) & keep);
}

/* ---- addition, subtraction ---------------------------------------------- */

/*
 * r = a + b mod p: the sum (t, c), then t - p with the borrow through c;
 * p is added back under the mask of that borrow. (Measured: shorter than
 * p256_csub's select here, as the add-back needs no copy of the sum.)
 */
static inline __attribute__((always_inline)) void p256_fe_add(uint64_t *r, const uint64_t *a, const uint64_t *b)
{
    uint64_t t0, t1, t2, t3, m;
    unsigned char c, c4;

    c = p256_adc(0, a[0], b[0], &t0);
    c = p256_adc(c, a[1], b[1], &t1);
    c = p256_adc(c, a[2], b[2], &t2);
    c4 = p256_adc(c, a[3], b[3], &t3);
    c = p256_sbb(0, t0, 0xffffffffffffffffu, &t0);
    c = p256_sbb(c, t1, 0x00000000ffffffffu, &t1);
    c = p256_sbb(c, t2, 0, &t2);
    c = p256_sbb(c, t3, 0xffffffff00000001u, &t3);
    (void)p256_sbb(c, c4, 0, &m); /* all-ones when a + b < p */
    m = p256_barrier(m);
    c = p256_adc(0, t0, m, &r[0]);
    c = p256_adc(c, t1, m >> 32, &r[1]);
    c = p256_adc(c, t2, 0, &r[2]);
    (void)p256_adc(c, t3, m & 0xffffffff00000001u, &r[3]);
}

/* r = a - b mod p: the difference, plus p under the mask of its borrow. */
static inline __attribute__((always_inline)) void p256_fe_sub(uint64_t *r, const uint64_t *a, const uint64_t *b)
{
    uint64_t t0, t1, t2, t3, m;
    unsigned char c;

    c = p256_sbb(0, a[0], b[0], &t0);
    c = p256_sbb(c, a[1], b[1], &t1);
    c = p256_sbb(c, a[2], b[2], &t2);
    c = p256_sbb(c, a[3], b[3], &t3);
    m = p256_barrier((uint64_t)0 - c);
    c = p256_adc(0, t0, m, &r[0]);
    c = p256_adc(c, t1, m >> 32, &r[1]);
    c = p256_adc(c, t2, 0, &r[2]);
    (void)p256_adc(c, t3, m & 0xffffffff00000001u, &r[3]);
}

/* ---- multiplication, squaring ------------------------------------------- */

/*
 * One reduction step on the accumulator (t0..t4):
 * (t0..t4) = ((t0..t4) + u p) / 2^64 with u = t0 (see the top of the
 * file). u p3 = (u : u) - (u >> 32 : u << 32), as (h : l). The sum may
 * exceed 2^320; its top bit is the new t4.
 */
#define P256_REDC_STEP(t0, t1, t2, t3, t4)                                \
    do {                                                                  \
        uint64_t u_ = (t0), l_, h_;                                       \
        unsigned char c_;                                                 \
        c_ = p256_sbb(0, u_, u_ << 32, &l_);                              \
        (void)p256_sbb(c_, u_, u_ >> 32, &h_);                            \
        c_ = p256_adc(0, (t1), u_ << 32, &(t0));                          \
        c_ = p256_adc(c_, (t2), u_ >> 32, &(t1));                         \
        c_ = p256_adc(c_, (t3), l_, &(t2));                               \
        c_ = p256_adc(c_, (t4), h_, &(t3));                               \
        (t4) = c_;                                                        \
    } while (0)

/*
 * Accumulator (t0..t4) += a * bi: the row lo(a_j bi) + hi(a_(j-1) bi) is
 * formed in one carry chain, then added in a second one. The sum fits in
 * five limbs (see p256_fe_mul), so the last carry is zero.
 */
#define P256_MUL_ROW(bi, t0, t1, t2, t3, t4)                              \
    do {                                                                  \
        uint64_t l0_, l1_, l2_, l3_, h0_, h1_, h2_, h3_;                  \
        unsigned char c_;                                                 \
        l0_ = p256_mul64(&h0_, a0, (bi));                                 \
        l1_ = p256_mul64(&h1_, a1, (bi));                                 \
        l2_ = p256_mul64(&h2_, a2, (bi));                                 \
        l3_ = p256_mul64(&h3_, a3, (bi));                                 \
        c_ = p256_adc(0, l1_, h0_, &l1_);                                 \
        c_ = p256_adc(c_, l2_, h1_, &l2_);                                \
        c_ = p256_adc(c_, l3_, h2_, &l3_);                                \
        (void)p256_adc(c_, h3_, 0, &h3_);                                 \
        c_ = p256_adc(0, (t0), l0_, &(t0));                               \
        c_ = p256_adc(c_, (t1), l1_, &(t1));                              \
        c_ = p256_adc(c_, (t2), l2_, &(t2));                              \
        c_ = p256_adc(c_, (t3), l3_, &(t3));                              \
        (void)p256_adc(c_, (t4), h3_, &(t4));                             \
    } while (0)

/*
 * r = a b R^-1 mod p, for a, b < p. The accumulator is below 2p after
 * each step (HAC 14.36): before a reduction it is below
 * 2p + (2^64 - 1) p < 2^320, five limbs; the reduction adds less than
 * 2^64 p, and the shifted result is below 2p again.
 */
static void p256_fe_mul(uint64_t *r, const uint64_t *a, const uint64_t *b)
{
    uint64_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    uint64_t b1 = b[1], b2 = b[2], b3 = b[3];
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0;

    P256_MUL_ROW(b[0], t0, t1, t2, t3, t4);
    P256_REDC_STEP(t0, t1, t2, t3, t4);
    P256_MUL_ROW(b1, t0, t1, t2, t3, t4);
    P256_REDC_STEP(t0, t1, t2, t3, t4);
    P256_MUL_ROW(b2, t0, t1, t2, t3, t4);
    P256_REDC_STEP(t0, t1, t2, t3, t4);
    P256_MUL_ROW(b3, t0, t1, t2, t3, t4);
    P256_REDC_STEP(t0, t1, t2, t3, t4);
    p256_csub(r, t0, t1, t2, t3, t4);
}

/*
 * A reduction step of the low half in four limbs: (t0..t3) =
 * ((t0..t3) + u p) / 2^64, u = t0. Starting below 2^256 it stays below
 * (2^256 + 2^64 p) / 2^64 < 2^256: no fifth limb.
 */
#define P256_REDC_STEP4(t0, t1, t2, t3)                                   \
    do {                                                                  \
        uint64_t u_ = (t0), l_, h_;                                       \
        unsigned char c_;                                                 \
        c_ = p256_sbb(0, u_, u_ << 32, &l_);                              \
        (void)p256_sbb(c_, u_, u_ >> 32, &h_);                            \
        c_ = p256_adc(0, (t1), u_ << 32, &(t0));                          \
        c_ = p256_adc(c_, (t2), u_ >> 32, &(t1));                         \
        c_ = p256_adc(c_, (t3), l_, &(t2));                               \
        (void)p256_adc(c_, h_, 0, &(t3));                                 \
    } while (0)

/*
 * r = a^2 R^-1 mod p. The square T = (t0..t7): the cross products
 * a_i a_j (i < j) doubled plus the squares a_i^2. Then T_low is reduced
 * to (T_low + M p) / 2^256 in four steps, T_high added: the sum is
 * (T + M p) / R < (p^2 + R p) / R < 2p, so one conditional subtraction.
 */
static void p256_fe_sqr(uint64_t *r, const uint64_t *a)
{
    uint64_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    uint64_t t0, t1, t2, t3, t4, t5, t6, t7, l, h, l2, h2;
    unsigned char c;

    /* Cross products: a0 (a1, a2, a3) at limbs 1-4. */
    t1 = p256_mul64(&t2, a0, a1);
    l = p256_mul64(&t3, a0, a2);
    l2 = p256_mul64(&t4, a0, a3);
    c = p256_adc(0, t2, l, &t2);
    c = p256_adc(c, t3, l2, &t3);
    (void)p256_adc(c, t4, 0, &t4);
    /* a1 (a2, a3) at limbs 3-5. */
    l = p256_mul64(&h, a1, a2);
    l2 = p256_mul64(&t5, a1, a3);
    c = p256_adc(0, l2, h, &l2);
    (void)p256_adc(c, t5, 0, &t5);
    c = p256_adc(0, t3, l, &t3);
    c = p256_adc(c, t4, l2, &t4);
    (void)p256_adc(c, t5, 0, &t5);
    /* a2 a3 at limbs 5-6. */
    l = p256_mul64(&t6, a2, a3);
    c = p256_adc(0, t5, l, &t5);
    (void)p256_adc(c, t6, 0, &t6);

    /* Doubled (the cross sum is below 2^448: the bit carried out is the
     * top word) ... */
    c = p256_adc(0, t1, t1, &t1);
    c = p256_adc(c, t2, t2, &t2);
    c = p256_adc(c, t3, t3, &t3);
    c = p256_adc(c, t4, t4, &t4);
    c = p256_adc(c, t5, t5, &t5);
    c = p256_adc(c, t6, t6, &t6);
    t7 = c;
    /* ... plus the squares. */
    t0 = p256_mul64(&h, a0, a0);
    l = p256_mul64(&h2, a1, a1);
    c = p256_adc(0, t1, h, &t1);
    c = p256_adc(c, t2, l, &t2);
    c = p256_adc(c, t3, h2, &t3);
    l = p256_mul64(&h, a2, a2);
    c = p256_adc(c, t4, l, &t4);
    c = p256_adc(c, t5, h, &t5);
    l = p256_mul64(&h, a3, a3);
    c = p256_adc(c, t6, l, &t6);
    (void)p256_adc(c, t7, h, &t7);

    P256_REDC_STEP4(t0, t1, t2, t3);
    P256_REDC_STEP4(t0, t1, t2, t3);
    P256_REDC_STEP4(t0, t1, t2, t3);
    P256_REDC_STEP4(t0, t1, t2, t3);
    c = p256_adc(0, t0, t4, &t0);
    c = p256_adc(c, t1, t5, &t1);
    c = p256_adc(c, t2, t6, &t2);
    c = p256_adc(c, t3, t7, &t3);
    p256_csub(r, t0, t1, t2, t3, c);
}

/* ---- inversion, square root --------------------------------------------- */

typedef void (*p256_fe_mul_fn)(uint64_t *r, const uint64_t *a, const uint64_t *b);
typedef void (*p256_fe_sqr_fn)(uint64_t *r, const uint64_t *a);

static inline void p256_fe_copy(uint64_t *r, const uint64_t *a)
{
    for (size_t i = 0; i < P256_FE_LIMBS; i++)
        r[i] = a[i];
}

/* Zeroes temporaries that held values derived from secrets. */
static inline void p256_fe_wipe(uint64_t *a, size_t limbs)
{
    volatile uint64_t *v = a;
    for (size_t i = 0; i < limbs; i++)
        v[i] = 0;
}

/* r = a^(2^n): n squarings (n public). */
static inline __attribute__((always_inline)) void
p256_fe_sqr_n(uint64_t *r, const uint64_t *a, unsigned n, p256_fe_sqr_fn sqr)
{
    sqr(r, a);
    for (unsigned i = 1; i < n; i++)
        sqr(r, r);
}

/*
 * r = a^(p-2) = 1/a (0 for 0). p - 2 = ffffffff 00000001 00000000 00000000
 * 00000000 ffffffff ffffffff fffffffd; with x_k = a^(2^k - 1):
 * x2, x3, x6 = x3^(2^3) x3, x12, x15 = x12^(2^3) x3, x30, x32 = x30^(2^2) x2,
 * then x32 2^32 + 1 (ffffffff 00000001), shifted 128 + x32 (the ffffffff
 * after three zero words), shifted 32 + x32, shifted 30 + x30, shifted
 * 2 + 1 (fffffffd = 30 ones, 0, 1). 255 squarings, 12 multiplications.
 * The template: mul and sqr are constants after inlining, so the calls
 * are direct.
 */
static inline __attribute__((always_inline)) void
p256_fe_inv_with(uint64_t *r, const uint64_t *a, p256_fe_mul_fn mul, p256_fe_sqr_fn sqr)
{
    uint64_t x1[4], x2[4], x3[4], x6[4], x15[4], x30[4], x32[4], t[4];

    p256_fe_copy(x1, a); /* a may alias r */
    sqr(t, x1);
    mul(x2, t, x1);
    sqr(t, x2);
    mul(x3, t, x1);
    p256_fe_sqr_n(t, x3, 3, sqr);
    mul(x6, t, x3);
    p256_fe_sqr_n(t, x6, 6, sqr);
    mul(t, t, x6); /* x12 */
    p256_fe_sqr_n(t, t, 3, sqr);
    mul(x15, t, x3);
    p256_fe_sqr_n(t, x15, 15, sqr);
    mul(x30, t, x15);
    p256_fe_sqr_n(t, x30, 2, sqr);
    mul(x32, t, x2);

    p256_fe_sqr_n(t, x32, 32, sqr);
    mul(t, t, x1);
    p256_fe_sqr_n(t, t, 128, sqr);
    mul(t, t, x32);
    p256_fe_sqr_n(t, t, 32, sqr);
    mul(t, t, x32);
    p256_fe_sqr_n(t, t, 30, sqr);
    mul(t, t, x30);
    p256_fe_sqr_n(t, t, 2, sqr);
    mul(r, t, x1);

    p256_fe_wipe(x1, 4);
    p256_fe_wipe(x2, 4);
    p256_fe_wipe(x3, 4);
    p256_fe_wipe(x6, 4);
    p256_fe_wipe(x15, 4);
    p256_fe_wipe(x30, 4);
    p256_fe_wipe(x32, 4);
    p256_fe_wipe(t, 4);
}

/*
 * r = a^((p+1)/4), the square root of a when a is a square (p = 3 mod 4;
 * the caller checks r^2 == a). (p + 1)/4 = 2^254 - 2^222 + 2^190 + 2^94:
 * x32 = a^(2^32 - 1) by doubling (x2, x4, x8, x16, x32), then
 * x32 2^32 + 1, shifted 96 + 1, shifted 94. 253 squarings, 7
 * multiplications.
 */
static inline __attribute__((always_inline)) void
p256_fe_sqrt_with(uint64_t *r, const uint64_t *a, p256_fe_mul_fn mul, p256_fe_sqr_fn sqr)
{
    uint64_t x1[4], x[4], t[4];

    p256_fe_copy(x1, a);
    sqr(t, x1);
    mul(x, t, x1); /* x2 */
    p256_fe_sqr_n(t, x, 2, sqr);
    mul(x, t, x); /* x4 */
    p256_fe_sqr_n(t, x, 4, sqr);
    mul(x, t, x); /* x8 */
    p256_fe_sqr_n(t, x, 8, sqr);
    mul(x, t, x); /* x16 */
    p256_fe_sqr_n(t, x, 16, sqr);
    mul(x, t, x); /* x32 */
    p256_fe_sqr_n(t, x, 32, sqr);
    mul(t, t, x1);
    p256_fe_sqr_n(t, t, 96, sqr);
    mul(t, t, x1);
    p256_fe_sqr_n(r, t, 94, sqr);

    p256_fe_wipe(x1, 4);
    p256_fe_wipe(x, 4);
    p256_fe_wipe(t, 4);
}

/* r = 1/a (0 when a = 0), constant time. */
static void p256_fe_inv(uint64_t *r, const uint64_t *a)
{
    p256_fe_inv_with(r, a, p256_fe_mul, p256_fe_sqr);
}

/* r = a^((p+1)/4): the square root of a if a is a square. */
static void p256_fe_sqrt(uint64_t *r, const uint64_t *a)
{
    p256_fe_sqrt_with(r, a, p256_fe_mul, p256_fe_sqr);
}

/* ---- conversions, tests ---------------------------------------------------- */

/* ~0 if a = 0, else 0 (a canonical; a = p, which no function returns,
 * also counts as zero). */
static uint64_t p256_fe_is_zero(const uint64_t *a)
{
    uint64_t z = a[0] | a[1] | a[2] | a[3];
    uint64_t zp = (a[0] ^ p256_p[0]) | (a[1] ^ p256_p[1]) | (a[2] ^ p256_p[2]) |
                  (a[3] ^ p256_p[3]);

    /* (~z & (z - 1)) has its top bit set exactly when z = 0. */
    z = (~z & (z - 1)) >> 63;
    zp = (~zp & (zp - 1)) >> 63;
    return p256_barrier((uint64_t)0 - (z | zp));
}

/*
 * Big-endian 32 bytes to an element. Returns 0 and sets r = in R mod p
 * when in < p; returns -1 with r = 0 otherwise. Constant time: the
 * comparison is a borrow chain, the refusal a mask.
 */
static int p256_fe_from_bytes(uint64_t *r, const uint8_t *in)
{
    uint64_t x[4], d;
    unsigned char c;

    for (size_t i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (size_t j = 0; j < 8; j++)
            w = (w << 8) | in[8 * (3 - i) + j];
        x[i] = w;
    }
    c = p256_sbb(0, x[0], p256_p[0], &d);
    c = p256_sbb(c, x[1], p256_p[1], &d);
    c = p256_sbb(c, x[2], p256_p[2], &d);
    c = p256_sbb(c, x[3], p256_p[3], &d);
    d = p256_barrier((uint64_t)0 - c); /* all-ones when in < p */
    for (size_t i = 0; i < 4; i++)
        x[i] &= d;
    p256_fe_mul(r, x, p256_fe_rr);
    p256_fe_wipe(x, 4);
    return -(int)(c ^ 1);
}

/* Element to big-endian 32 bytes: out of Montgomery form (a Montgomery
 * multiplication by 1), which returns the canonical value. */
static void p256_fe_to_bytes(uint8_t *out, const uint64_t *a)
{
    static const uint64_t one[4] = { 1, 0, 0, 0 };
    uint64_t x[4];

    p256_fe_mul(x, a, one);
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 8; j++)
            out[8 * (3 - i) + j] = (uint8_t)(x[i] >> (56 - 8 * j));
    p256_fe_wipe(x, 4);
}

#endif /* FIPSMOD_EC_P256_FIELD_C */
