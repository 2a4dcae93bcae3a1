/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Arithmetic modulo the P-521 prime p = 2^521 - 1 (SP 800-186 3.2.1), the
 * field layer under the curve template src/ec/ec_impl.h.
 *
 * Representation. An element is nine unsigned limbs of radix 2^58,
 *
 *     x = x[0] + x[1] 2^58 + x[2] 2^116 + ... + x[8] 2^464,
 *
 * "unsaturated": 8 x 58 + 57 = 521 bits of value, and every limb has six
 * or seven spare bits in its 64-bit word. The spare bits are what make the
 * arithmetic cheap: a product of two limbs fits in 117 bits, so a column
 * of the schoolbook product is summed in an unsigned __int128 with no
 * carry handling at all, and an addition needs no carry chain. The prime
 * is a Mersenne number: 2^521 = 1 (mod p), so 2^522 = 2, and a product
 * x[i] y[j] with i + j >= 9 (weight 2^(58(i+j)) = 2^522 2^(58(i+j-9)))
 * folds into column i + j - 9 times 2, which costs nothing when one factor
 * is doubled beforehand. No Montgomery form, no conversion on the way in
 * or out; the carry out of bit 521 simply re-enters at bit 0.
 *
 * Bounds (the contract: any output is a valid input of any function, with
 * no limit on chaining). Every function accepts and returns limbs with
 *
 *     x[0..7] < 2^58 + 2^8,   x[8] < 2^57 + 2^8       (invariant I)
 *
 * so the value is not unique (it lies in [0, 2p)) and means x mod p;
 * fe_to_bytes, fe_is_zero and fe_from_bytes deal in the unique one.
 *   - mul/sqr: with inputs in I every limb is below 2^58.0001. The
 *     operands are scaled by 2^3 and 2^3 or 2^4 (see P521_REDUCE), so a
 *     product is below 2^123.001 and a column, at most 17 products' worth
 *     (a folded product counting twice), below 2^126.3: the __int128 sums
 *     never overflow. The high word of a column is its carry (below
 *     2^62.3), the low word holds its 58 (57) bits; each limb adds its
 *     bits to the carry from below and one parallel carry step (as for
 *     add) leaves every limb below 2^58 + 2^5: in I.
 *   - add: a + b has limbs below 2^59 + 2^9; one carry step on every limb
 *     at once (limb i keeps its low 58 bits and receives bits 58.. of limb
 *     i - 1, limb 0 receiving bits 57.. of limb 8, weight 2^521 = 1)
 *     leaves limbs below 2^58 + 3: in I, whatever the number of chained
 *     additions.
 *   - sub: a - b + 2p, where 2p is written with limbs 2^59 - 2 (and
 *     2^58 - 2 on top), each above the corresponding bound of b, so no
 *     limb goes negative; the same carry step brings the result into I.
 *
 * Cost. fe_mul is the 81 products of the schoolbook, fe_sqr the 45 left
 * once each cross product is computed once against a doubled limb; both
 * are bound by the 64 x 64 -> 128-bit multiplier and the two additions
 * that take in each product (on AMD Zen 4 a multiply-accumulate costs
 * about 1.7 cycles however the code is arranged, which is what the
 * measured times in tests/unit/p521_field_test.c come to). The reduction
 * is built to be short after the last product (four operations deep),
 * since inversion and square root are chains of dependent squarings.
 * Inversion is Fermat's a^(p - 2) and the square root a^((p + 1) / 4) =
 * a^(2^519) (p = 3 mod 4), by fixed addition chains of squaring runs.
 *
 * Constant time: straight-line code; the only loops are the squaring runs
 * of the exponentiations and byte conversions, whose counts are
 * constants. No branch and no memory index depends on a value;
 * comparisons (from_bytes, is_zero, to_bytes) build masks behind a value
 * barrier. Temporaries of the exponentiations and conversions are wiped.
 */
#ifndef FIPSMOD_EC_P521_FIELD_C
#define FIPSMOD_EC_P521_FIELD_C

#include <stddef.h>
#include <stdint.h>

#define P521_FE_LIMBS 9
#define P521_FE_BYTES 66

#define P521_M58 (((uint64_t)1 << 58) - 1)
#define P521_M57 (((uint64_t)1 << 57) - 1)

typedef unsigned __int128 p521_u128;

/* 1 in the representation. */
static const uint64_t p521_fe_one[P521_FE_LIMBS] = { 1, 0, 0, 0, 0, 0, 0, 0, 0 };

/* The curve coefficient b of P-521 (SP 800-186 3.2.1), in radix 2^58. */
static const uint64_t p521_fe_b[P521_FE_LIMBS] = {
    0x3451fd46b503f00, 0x0f7e20f4b0d3c7b, 0x00bd3bb1bf07357,
    0x147b1fa4dec594b, 0x18ef109e1561939, 0x26cc57cee2d2264,
    0x0540eea2da725b9, 0x2687e4a688682da, 0x051953eb9618e1c,
};

/* Hides a value from the optimiser, so that a mask stays a mask. */
static inline uint64_t p521_barrier(uint64_t v)
{
    __asm__("" : "+r"(v));
    return v;
}

/* ~0 when x == 0, else 0. */
static inline uint64_t p521_zero_mask(uint64_t x)
{
    x = p521_barrier(x);
    /* x | -x has its top bit set exactly when x != 0. */
    return ((x | (0 - x)) >> 63) - 1;
}

/*
 * Zeroes a temporary element; the empty asm that reads the memory keeps the
 * compiler from dropping the stores as dead.
 */
static inline void p521_wipe(uint64_t *x)
{
    for (size_t i = 0; i < P521_FE_LIMBS; i++)
        x[i] = 0;
    __asm__ __volatile__("" : : "r"(x) : "memory");
}

/*
 * One carry step on all limbs at once (not a chain: every new limb depends
 * on two old ones only). In: limbs below 2^63. Out: limbs below 2^58 + 2^5,
 * the top one below 2^57 + 2^5, same value mod p. Written out limb by limb
 * on locals: the compilers then keep it in registers (a loop over an array
 * was left rolled by one and turned into SSE by the other, both slower).
 */
#define P521_CARRY_PAR(r, x0, x1, x2, x3, x4, x5, x6, x7, x8)  \
    do {                                                      \
        r[0] = ((x0) & P521_M58) + ((x8) >> 57);              \
        r[1] = ((x1) & P521_M58) + ((x0) >> 58);              \
        r[2] = ((x2) & P521_M58) + ((x1) >> 58);              \
        r[3] = ((x3) & P521_M58) + ((x2) >> 58);              \
        r[4] = ((x4) & P521_M58) + ((x3) >> 58);              \
        r[5] = ((x5) & P521_M58) + ((x4) >> 58);              \
        r[6] = ((x6) & P521_M58) + ((x5) >> 58);              \
        r[7] = ((x7) & P521_M58) + ((x6) >> 58);              \
        r[8] = ((x8) & P521_M57) + ((x7) >> 58);              \
    } while (0)

/* r = a + b. */
static inline __attribute__((always_inline)) void p521_fe_add(uint64_t *r, const uint64_t *a, const uint64_t *b)
{
    const uint64_t x0 = a[0] + b[0], x1 = a[1] + b[1], x2 = a[2] + b[2];
    const uint64_t x3 = a[3] + b[3], x4 = a[4] + b[4], x5 = a[5] + b[5];
    const uint64_t x6 = a[6] + b[6], x7 = a[7] + b[7], x8 = a[8] + b[8];

    P521_CARRY_PAR(r, x0, x1, x2, x3, x4, x5, x6, x7, x8);
}

/*
 * r = a - b, computed as a + 2p - b so that no limb goes negative: 2p =
 * 2^522 - 2 written as eight limbs 2(2^58 - 1) and a top limb 2(2^57 - 1),
 * each above the bound of the corresponding limb of b.
 */
static inline __attribute__((always_inline)) void p521_fe_sub(uint64_t *r, const uint64_t *a, const uint64_t *b)
{
    const uint64_t p2 = 2 * P521_M58, p2top = 2 * P521_M57;
    const uint64_t x0 = (a[0] + p2) - b[0], x1 = (a[1] + p2) - b[1];
    const uint64_t x2 = (a[2] + p2) - b[2], x3 = (a[3] + p2) - b[3];
    const uint64_t x4 = (a[4] + p2) - b[4], x5 = (a[5] + p2) - b[5];
    const uint64_t x6 = (a[6] + p2) - b[6], x7 = (a[7] + p2) - b[7];
    const uint64_t x8 = (a[8] + p2top) - b[8];

    P521_CARRY_PAR(r, x0, x1, x2, x3, x4, x5, x6, x7, x8);
}

/*
 * The carries of a product. The column sums come scaled: columns 0..7 by
 * 2^6 and column 8 by 2^7, i.e. t_k = T_k 2^6 (t_8 = T_8 2^7) where T_k is
 * the true column sum, so that the high word of t_k is T_k >> 58 (T_8 >>
 * 57 for the 57-bit top limb), the carry out of the limb, and the low word
 * holds the limb's own bits shifted left by 6 (7): the 128-bit shifts
 * that a carry chain would need (SHRD, slow on current AMD cores) are gone.
 * Every limb then takes its own bits plus the carry of the limb below
 * (limb 0 the carry out of bit 521, of weight 2^521 = 1), all limbs at
 * once; the sums are below 2^62.3, and one more step of the same kind
 * (P521_CARRY_PAR) brings them into invariant I. Both steps are parallel
 * over the limbs: from the last column to the result is four operations
 * deep, which is what a chain of squarings waits on.
 */
#define P521_REDUCE(r, t0, t1, t2, t3, t4, t5, t6, t7, t8)                      \
    do {                                                                        \
        const uint64_t u0_ = ((uint64_t)(t0) >> 6) + (uint64_t)((t8) >> 64);    \
        const uint64_t u1_ = ((uint64_t)(t1) >> 6) + (uint64_t)((t0) >> 64);    \
        const uint64_t u2_ = ((uint64_t)(t2) >> 6) + (uint64_t)((t1) >> 64);    \
        const uint64_t u3_ = ((uint64_t)(t3) >> 6) + (uint64_t)((t2) >> 64);    \
        const uint64_t u4_ = ((uint64_t)(t4) >> 6) + (uint64_t)((t3) >> 64);    \
        const uint64_t u5_ = ((uint64_t)(t5) >> 6) + (uint64_t)((t4) >> 64);    \
        const uint64_t u6_ = ((uint64_t)(t6) >> 6) + (uint64_t)((t5) >> 64);    \
        const uint64_t u7_ = ((uint64_t)(t7) >> 6) + (uint64_t)((t6) >> 64);    \
        const uint64_t u8_ = ((uint64_t)(t8) >> 7) + (uint64_t)((t7) >> 64);    \
        P521_CARRY_PAR(r, u0_, u1_, u2_, u3_, u4_, u5_, u6_, u7_, u8_);         \
    } while (0)

#define P521_MUL(x, y) ((p521_u128)(x) * (y))

/*
 * r = a b: the 81 products, column by column. The operands are scaled so
 * that the columns come out scaled as P521_REDUCE wants: A = 2^3 a
 * throughout, L = 2^3 b for the products that stay below 2^522, H = 2^4 b
 * for those that fold (the extra factor 2 being 2^522 = 2 mod p) and for
 * the whole of column 8 (scaled by 2^7). With limbs in I, A < 2^61.001
 * and H < 2^62.001, and a column is below 2^126.3.
 */
static void p521_fe_mul(uint64_t *r, const uint64_t *a, const uint64_t *b)
{
    const uint64_t A0 = a[0] << 3, A1 = a[1] << 3, A2 = a[2] << 3, A3 = a[3] << 3;
    const uint64_t A4 = a[4] << 3, A5 = a[5] << 3, A6 = a[6] << 3, A7 = a[7] << 3;
    const uint64_t A8 = a[8] << 3;
    const uint64_t L0 = b[0] << 3, L1 = b[1] << 3, L2 = b[2] << 3, L3 = b[3] << 3;
    const uint64_t L4 = b[4] << 3, L5 = b[5] << 3, L6 = b[6] << 3, L7 = b[7] << 3;
    const uint64_t H0 = L0 << 1, H1 = L1 << 1, H2 = L2 << 1, H3 = L3 << 1, H4 = L4 << 1;
    const uint64_t H5 = L5 << 1, H6 = L6 << 1, H7 = L7 << 1, H8 = b[8] << 4;
    p521_u128 t0, t1, t2, t3, t4, t5, t6, t7, t8;

    t0 = P521_MUL(A0, L0) + P521_MUL(A1, H8) + P521_MUL(A2, H7) + P521_MUL(A3, H6) +
         P521_MUL(A4, H5) + P521_MUL(A5, H4) + P521_MUL(A6, H3) + P521_MUL(A7, H2) +
         P521_MUL(A8, H1);
    t1 = P521_MUL(A0, L1) + P521_MUL(A1, L0) + P521_MUL(A2, H8) + P521_MUL(A3, H7) +
         P521_MUL(A4, H6) + P521_MUL(A5, H5) + P521_MUL(A6, H4) + P521_MUL(A7, H3) +
         P521_MUL(A8, H2);
    t2 = P521_MUL(A0, L2) + P521_MUL(A1, L1) + P521_MUL(A2, L0) + P521_MUL(A3, H8) +
         P521_MUL(A4, H7) + P521_MUL(A5, H6) + P521_MUL(A6, H5) + P521_MUL(A7, H4) +
         P521_MUL(A8, H3);
    t3 = P521_MUL(A0, L3) + P521_MUL(A1, L2) + P521_MUL(A2, L1) + P521_MUL(A3, L0) +
         P521_MUL(A4, H8) + P521_MUL(A5, H7) + P521_MUL(A6, H6) + P521_MUL(A7, H5) +
         P521_MUL(A8, H4);
    t4 = P521_MUL(A0, L4) + P521_MUL(A1, L3) + P521_MUL(A2, L2) + P521_MUL(A3, L1) +
         P521_MUL(A4, L0) + P521_MUL(A5, H8) + P521_MUL(A6, H7) + P521_MUL(A7, H6) +
         P521_MUL(A8, H5);
    t5 = P521_MUL(A0, L5) + P521_MUL(A1, L4) + P521_MUL(A2, L3) + P521_MUL(A3, L2) +
         P521_MUL(A4, L1) + P521_MUL(A5, L0) + P521_MUL(A6, H8) + P521_MUL(A7, H7) +
         P521_MUL(A8, H6);
    t6 = P521_MUL(A0, L6) + P521_MUL(A1, L5) + P521_MUL(A2, L4) + P521_MUL(A3, L3) +
         P521_MUL(A4, L2) + P521_MUL(A5, L1) + P521_MUL(A6, L0) + P521_MUL(A7, H8) +
         P521_MUL(A8, H7);
    t7 = P521_MUL(A0, L7) + P521_MUL(A1, L6) + P521_MUL(A2, L5) + P521_MUL(A3, L4) +
         P521_MUL(A4, L3) + P521_MUL(A5, L2) + P521_MUL(A6, L1) + P521_MUL(A7, L0) +
         P521_MUL(A8, H8);
    t8 = P521_MUL(A0, H8) + P521_MUL(A1, H7) + P521_MUL(A2, H6) + P521_MUL(A3, H5) +
         P521_MUL(A4, H4) + P521_MUL(A5, H3) + P521_MUL(A6, H2) + P521_MUL(A7, H1) +
         P521_MUL(A8, H0);
    P521_REDUCE(r, t0, t1, t2, t3, t4, t5, t6, t7, t8);
}

/*
 * r = a^2: 45 products. X = 2^3 a and Y = 2^4 a: a square is X X (scaled
 * 2^6), a cross product counted twice X Y, a folded square (times 2) X Y,
 * a folded cross product (times 2 twice) Y Y; in column 8 (scaled 2^7)
 * the cross products are Y Y and the square X Y.
 */
static void p521_fe_sqr(uint64_t *r, const uint64_t *a)
{
    const uint64_t X0 = a[0] << 3, X1 = a[1] << 3, X2 = a[2] << 3, X3 = a[3] << 3;
    const uint64_t X4 = a[4] << 3, X5 = a[5] << 3, X6 = a[6] << 3, X7 = a[7] << 3;
    const uint64_t X8 = a[8] << 3;
    const uint64_t Y0 = X0 << 1, Y1 = X1 << 1, Y2 = X2 << 1, Y3 = X3 << 1, Y4 = X4 << 1;
    const uint64_t Y5 = X5 << 1, Y6 = X6 << 1, Y7 = X7 << 1, Y8 = X8 << 1;
    p521_u128 t0, t1, t2, t3, t4, t5, t6, t7, t8;

    t0 = P521_MUL(X0, X0) + P521_MUL(Y1, Y8) + P521_MUL(Y2, Y7) + P521_MUL(Y3, Y6) +
         P521_MUL(Y4, Y5);
    t1 = P521_MUL(X0, Y1) + P521_MUL(Y2, Y8) + P521_MUL(Y3, Y7) + P521_MUL(Y4, Y6) +
         P521_MUL(X5, Y5);
    t2 = P521_MUL(X0, Y2) + P521_MUL(X1, X1) + P521_MUL(Y3, Y8) + P521_MUL(Y4, Y7) +
         P521_MUL(Y5, Y6);
    t3 = P521_MUL(X0, Y3) + P521_MUL(X1, Y2) + P521_MUL(Y4, Y8) + P521_MUL(Y5, Y7) +
         P521_MUL(X6, Y6);
    t4 = P521_MUL(X0, Y4) + P521_MUL(X1, Y3) + P521_MUL(X2, X2) + P521_MUL(Y5, Y8) +
         P521_MUL(Y6, Y7);
    t5 = P521_MUL(X0, Y5) + P521_MUL(X1, Y4) + P521_MUL(X2, Y3) + P521_MUL(Y6, Y8) +
         P521_MUL(X7, Y7);
    t6 = P521_MUL(X0, Y6) + P521_MUL(X1, Y5) + P521_MUL(X2, Y4) + P521_MUL(X3, X3) +
         P521_MUL(Y7, Y8);
    t7 = P521_MUL(X0, Y7) + P521_MUL(X1, Y6) + P521_MUL(X2, Y5) + P521_MUL(X3, Y4) +
         P521_MUL(X8, Y8);
    t8 = P521_MUL(Y0, Y8) + P521_MUL(Y1, Y7) + P521_MUL(Y2, Y6) + P521_MUL(Y3, Y5) +
         P521_MUL(X4, Y4);
    P521_REDUCE(r, t0, t1, t2, t3, t4, t5, t6, t7, t8);
}

/* r = a^(2^n), n a public constant (n >= 1). */
static void p521_fe_sqr_n(uint64_t *r, const uint64_t *a, unsigned n)
{
    p521_fe_sqr(r, a);
    for (unsigned i = 1; i < n; i++)
        p521_fe_sqr(r, r);
}

/*
 * r = a^(2^519 - 1), the common head of inversion: x_k below stands for
 * a^(2^k - 1), and x_(j+k) = x_j^(2^k) x_k. 518 squarings, 12
 * multiplications.
 */
static void p521_fe_pow_2_519_m1(uint64_t *r, const uint64_t *a)
{
    uint64_t x2[P521_FE_LIMBS], x3[P521_FE_LIMBS], x7[P521_FE_LIMBS];
    uint64_t x8[P521_FE_LIMBS], t[P521_FE_LIMBS];

    p521_fe_sqr(t, a);
    p521_fe_mul(x2, t, a);       /* 2^2 - 1 */
    p521_fe_sqr(t, x2);
    p521_fe_mul(x3, t, a);       /* 2^3 - 1 */
    p521_fe_sqr_n(t, x3, 3);
    p521_fe_mul(t, t, x3);       /* 2^6 - 1 */
    p521_fe_sqr(t, t);
    p521_fe_mul(x7, t, a);       /* 2^7 - 1 */
    p521_fe_sqr(t, x7);
    p521_fe_mul(x8, t, a);       /* 2^8 - 1 */
    p521_fe_sqr_n(t, x8, 8);
    p521_fe_mul(t, t, x8);       /* 2^16 - 1 */
    p521_fe_sqr_n(x2, t, 16);
    p521_fe_mul(t, x2, t);       /* 2^32 - 1 */
    p521_fe_sqr_n(x2, t, 32);
    p521_fe_mul(t, x2, t);       /* 2^64 - 1 */
    p521_fe_sqr_n(x2, t, 64);
    p521_fe_mul(t, x2, t);       /* 2^128 - 1 */
    p521_fe_sqr_n(x2, t, 128);
    p521_fe_mul(t, x2, t);       /* 2^256 - 1 */
    p521_fe_sqr_n(x2, t, 256);
    p521_fe_mul(t, x2, t);       /* 2^512 - 1 */
    p521_fe_sqr_n(t, t, 7);
    p521_fe_mul(r, t, x7);       /* 2^519 - 1 */
    p521_wipe(x2);
    p521_wipe(x3);
    p521_wipe(x7);
    p521_wipe(x8);
    p521_wipe(t);
}

/*
 * r = a^(p - 2) = a^(2^521 - 3) = (a^(2^519 - 1))^4 a: 1/a for a != 0,
 * and 0 for 0 (Fermat).
 */
static void p521_fe_inv(uint64_t *r, const uint64_t *a)
{
    uint64_t t[P521_FE_LIMBS], x[P521_FE_LIMBS];

    for (size_t i = 0; i < P521_FE_LIMBS; i++)
        x[i] = a[i]; /* r may alias a */
    p521_fe_pow_2_519_m1(t, x);
    p521_fe_sqr_n(t, t, 2);
    p521_fe_mul(r, t, x);
    p521_wipe(t);
    p521_wipe(x);
}

/*
 * r = a^((p + 1) / 4) = a^(2^519): a square root of a when a is a square
 * (p = 3 mod 4); the caller checks r^2 = a.
 */
static void p521_fe_sqrt(uint64_t *r, const uint64_t *a)
{
    p521_fe_sqr_n(r, a, 519);
}

/*
 * Full reduction: limbs in I (or any limbs below 2^63) to the unique
 * representative in [0, p) with limbs exactly 58 bits (57 on top).
 */
static void p521_fe_canon(uint64_t *r, const uint64_t *a)
{
    uint64_t x[P521_FE_LIMBS], c, eq;

    for (size_t i = 0; i < P521_FE_LIMBS; i++)
        x[i] = a[i];
    /* Two carry chains, each ending in the fold of bit 521 into limb 0.
     * After the first every limb is exact except limb 0, below 2^58 +
     * 2^6; in the second a carry out of limb 8 can only happen when limb 0
     * wrapped, leaving it below 2^6, so adding the fold there carries no
     * further. The value is then in [0, 2^521 - 1] = [0, p]. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < P521_FE_LIMBS - 1; i++) {
            x[i + 1] += x[i] >> 58;
            x[i] &= P521_M58;
        }
        c = x[8] >> 57;
        x[8] &= P521_M57;
        x[0] += c;
    }
    /* p itself (all 521 bits set) means 0. */
    eq = x[8] ^ P521_M57;
    for (size_t i = 0; i < P521_FE_LIMBS - 1; i++)
        eq |= x[i] ^ P521_M58;
    eq = p521_zero_mask(eq);
    for (size_t i = 0; i < P521_FE_LIMBS; i++)
        r[i] = x[i] & ~eq;
    p521_wipe(x);
}

/* ~0 if a = 0 mod p (as 0 or as p, in any representation), else 0. */
static uint64_t p521_fe_is_zero(const uint64_t *a)
{
    uint64_t x[P521_FE_LIMBS], acc = 0;

    p521_fe_canon(x, a);
    for (size_t i = 0; i < P521_FE_LIMBS; i++)
        acc |= x[i];
    p521_wipe(x);
    return p521_zero_mask(acc);
}

/* Canonical big-endian encoding, 66 bytes (SEC 1 2.3.5). */
static void p521_fe_to_bytes(uint8_t *out, const uint64_t *a)
{
    uint64_t x[P521_FE_LIMBS];

    p521_fe_canon(x, a);
    /* Byte k from the end holds bits 8k .. 8k + 7 of the value. */
    for (size_t k = 0; k < P521_FE_BYTES; k++) {
        size_t bit = 8 * k, i = bit / 58, s = bit % 58;
        uint64_t v = x[i] >> s;
        if (s > 50 && i + 1 < P521_FE_LIMBS) /* public: depends on k only */
            v |= x[i + 1] << (58 - s);
        out[P521_FE_BYTES - 1 - k] = (uint8_t)v;
    }
    p521_wipe(x);
}

/*
 * Big-endian 66 bytes to an element: 0 when the value is below p (r set),
 * -1 when it is p or more (r = 0). Constant time; the verdict itself may
 * be made public by the caller.
 */
static int p521_fe_from_bytes(uint64_t *r, const uint8_t *in)
{
    uint64_t x[P521_FE_LIMBS], ones, ok;

    for (size_t i = 0; i < P521_FE_LIMBS; i++)
        x[i] = 0;
    /* Bits 0..520; bits 521..527 (the top seven of in[0]) are judged below. */
    for (size_t k = 0; k < P521_FE_BYTES; k++) {
        size_t bit = 8 * k, i = bit / 58, s = bit % 58;
        uint64_t v = in[P521_FE_BYTES - 1 - k];
        x[i] |= (v << s) & (i < P521_FE_LIMBS - 1 ? P521_M58 : P521_M57);
        if (s > 50 && i + 1 < P521_FE_LIMBS) /* public: depends on k only */
            x[i + 1] |= v >> (58 - s);
    }
    /* The value is below p when bits 521.. are clear and bits 0..520 are
     * not all set (p itself). */
    ones = x[8] ^ P521_M57;
    for (size_t i = 0; i < P521_FE_LIMBS - 1; i++)
        ones |= x[i] ^ P521_M58;
    ok = p521_zero_mask((uint64_t)(in[0] >> 1)) & ~p521_zero_mask(ones);
    for (size_t i = 0; i < P521_FE_LIMBS; i++)
        r[i] = x[i] & ok;
    p521_wipe(x);
    return (int)(ok & 1) - 1;
}

#undef P521_MUL
#undef P521_REDUCE

#endif
