/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Constant-time big-integer arithmetic for RSA (see bn_internal.h): the
 * portable code, which runs on any 64-bit target, and the functions built
 * on the Montgomery kernels of either implementation.
 *
 * Representation: little-endian arrays of 64-bit limbs with an explicit,
 * public limb count; products of limbs go through unsigned __int128.
 *
 * Strategy. Montgomery multiplication (HAC 14.36) is done as "separated
 * operand scanning": first the full 2n-limb product (for a square, the
 * off-diagonal half doubled plus the diagonal: n(n+1)/2 limb products
 * instead of n^2), then the reduction of HAC 14.32 one limb at a time,
 * then one masked subtraction of m. This file holds the portable kernels
 * (64x64->128-bit products in C, about 13 instructions per limb product);
 * bn_mulx.c has the same algorithm with MULX/ADCX/ADOX (in bands of
 * eight rows kept in registers when n is a multiple of 8), and
 * bn_mont_ctx.impl picks one. R^2 mod m comes from modular
 * doublings and six Montgomery squarings, so no division is needed and the
 * modulus (a secret prime p or q) never steers anything; for a public
 * modulus, bn_mont_init_vartime divides instead (Knuth's algorithm D),
 * several times faster. Exponentiation
 * with a secret exponent uses a fixed window; the window's table entry is
 * gathered by reading every entry under a mask (as BearSSL's and
 * BoringSSL's lookups do), so no address depends on the exponent.
 * Inversion is a binary extended GCD with modular halving and a fixed
 * iteration count (128n, enough for any two n-limb operands); an even
 * modulus is handled by inverting the other way round and dividing
 * exactly (Hensel division). Small divisors for trial division use a
 * Barrett reciprocal, because a DIV instruction's latency can depend on
 * its operands.
 *
 * Secret / public: limb counts, exponent bit lengths, the divisor of
 * bn_mod_u32_ct and the implementation choice are public; every limb,
 * every exponent bit and the modulus of a Montgomery context are treated
 * as secret. Functions named *_vartime are for public values only.
 * Temporaries on the stack that may hold secrets are wiped before
 * returning, except the kernels' work area (it is the caller's and the
 * exponentiation wipes it once at the end).
 */
#include "bn_internal.h"

#if defined(BN_X86_64)
#include <immintrin.h> /* _addcarry_u64, _subborrow_u64 */
#endif

__extension__ typedef unsigned __int128 bn_u128;

/*
 * One step of an add-with-carry / subtract-with-borrow chain. On x86-64
 * the ADC/SBB intrinsics (base instruction set, no target needed): the
 * compilers keep such a chain in the carry flag, where the 128-bit form
 * costs several instructions per limb. Elsewhere the 128-bit form.
 */
#if defined(BN_X86_64)
typedef unsigned char bn_carry;

static inline bn_carry bn_adc(bn_carry c, uint64_t a, uint64_t b, uint64_t *r)
{
    unsigned long long x;

    c = _addcarry_u64(c, a, b, &x);
    *r = x;
    return c;
}

static inline bn_carry bn_sbb(bn_carry c, uint64_t a, uint64_t b, uint64_t *r)
{
    unsigned long long x;

    c = _subborrow_u64(c, a, b, &x);
    *r = x;
    return c;
}
#else
typedef uint64_t bn_carry;

static inline bn_carry bn_adc(bn_carry c, uint64_t a, uint64_t b, uint64_t *r)
{
    bn_u128 x = (bn_u128)a + b + c;

    *r = (uint64_t)x;
    return (bn_carry)(x >> 64);
}

static inline bn_carry bn_sbb(bn_carry c, uint64_t a, uint64_t b, uint64_t *r)
{
    bn_u128 x = (bn_u128)a - b - c;

    *r = (uint64_t)x;
    return (bn_carry)(x >> 64) & 1;
}
#endif

/* FM_ERR_ARG when bad is all-ones, FM_OK when it is 0, without a branch. */
static inline int bn_rc(uint64_t bad)
{
    return (int)(bad & 1) * FM_ERR_ARG;
}

/* ---- implementation choice ----------------------------------------------- */

#define BN_MULX_NEEDS (FM_CPU_BMI2 | FM_CPU_ADX)

/* see bn_internal.h */
static int bn_impl_now(void)
{
#if defined(BN_X86_64)
    if ((cpu_enabled() & BN_MULX_NEEDS) == BN_MULX_NEEDS)
        return BN_IMPL_MULX;
#endif
    return BN_IMPL_PORTABLE;
}

/* see bn_internal.h */
static int bn_impl_available(int impl)
{
    if (impl == BN_IMPL_PORTABLE)
        return 1;
#if defined(BN_X86_64)
    if (impl == BN_IMPL_MULX)
        return (cpu_detected() & BN_MULX_NEEDS) == BN_MULX_NEEDS;
#endif
    return 0;
}

/* ---- conversion and copying ---------------------------------------------- */

static void bn_zero(uint64_t *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        r[i] = 0;
}

static void bn_copy(uint64_t *r, const uint64_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        r[i] = a[i];
}

static void bn_set_word(uint64_t *r, size_t n, uint64_t w)
{
    bn_zero(r, n);
    r[0] = w;
}

static int bn_from_be(uint64_t *r, size_t n, const uint8_t *in, size_t len)
{
    uint64_t over = 0;

    bn_zero(r, n);
    /* k counts bytes from the least significant end: the limb and shift
     * depend on the position only. */
    for (size_t k = 0; k < len; k++) {
        uint64_t b = in[len - 1 - k];
        if (k < 8 * n)
            r[k / 8] |= b << (8 * (k % 8));
        else
            over |= b;
    }
    return bn_rc(bn_mask_nonzero(over));
}

static void bn_to_be(uint8_t *out, size_t len, const uint64_t *a, size_t n)
{
    for (size_t k = 0; k < len; k++)
        out[len - 1 - k] = k < 8 * n ? (uint8_t)(a[k / 8] >> (8 * (k % 8))) : 0;
}

/* ---- add, subtract, compare, select -------------------------------------- */

static uint64_t bn_add(uint64_t *r, const uint64_t *a, const uint64_t *b, size_t n)
{
    bn_carry c = 0;

    for (size_t i = 0; i < n; i++)
        c = bn_adc(c, a[i], b[i], &r[i]);
    return c;
}

static uint64_t bn_sub(uint64_t *r, const uint64_t *a, const uint64_t *b, size_t n)
{
    bn_carry br = 0;

    for (size_t i = 0; i < n; i++)
        br = bn_sbb(br, a[i], b[i], &r[i]);
    return br;
}

/* r = a + (b & mask); returns the carry. */
static uint64_t bn_add_masked(uint64_t *r, const uint64_t *a, const uint64_t *b, uint64_t mask,
                              size_t n)
{
    bn_carry c = 0;

    mask = bn_barrier(mask);
    for (size_t i = 0; i < n; i++)
        c = bn_adc(c, a[i], b[i] & mask, &r[i]);
    return c;
}

/* r = a - (b & mask); returns the borrow. */
static uint64_t bn_sub_masked(uint64_t *r, const uint64_t *a, const uint64_t *b, uint64_t mask,
                              size_t n)
{
    bn_carry br = 0;

    mask = bn_barrier(mask);
    for (size_t i = 0; i < n; i++)
        br = bn_sbb(br, a[i], b[i] & mask, &r[i]);
    return br;
}

static uint64_t bn_add_word(uint64_t *r, const uint64_t *a, size_t n, uint64_t w)
{
    bn_carry c = 0;

    for (size_t i = 0; i < n; i++) {
        c = bn_adc(c, a[i], w, &r[i]);
        w = 0;
    }
    return c;
}

static uint64_t bn_sub_word(uint64_t *r, const uint64_t *a, size_t n, uint64_t w)
{
    bn_carry br = 0;

    for (size_t i = 0; i < n; i++) {
        br = bn_sbb(br, a[i], w, &r[i]);
        w = 0;
    }
    return br;
}

static uint64_t bn_add_into(uint64_t *r, size_t rn, const uint64_t *a, size_t an)
{
    bn_carry c = 0;

    for (size_t i = 0; i < rn; i++)
        c = bn_adc(c, r[i], i < an ? a[i] : 0, &r[i]);
    return c;
}

static void bn_cselect(uint64_t mask, uint64_t *r, const uint64_t *a, const uint64_t *b,
                       size_t n)
{
    mask = bn_barrier(mask);
    for (size_t i = 0; i < n; i++)
        r[i] = bn_sel(mask, a[i], b[i]);
}

static void bn_cswap(uint64_t mask, uint64_t *a, uint64_t *b, size_t n)
{
    mask = bn_barrier(mask);
    for (size_t i = 0; i < n; i++) {
        uint64_t t = mask & (a[i] ^ b[i]);
        a[i] ^= t;
        b[i] ^= t;
    }
}

/* The borrow (0 or 1) of a - b, nothing stored. */
static uint64_t bn_sub_borrow(const uint64_t *a, const uint64_t *b, size_t n)
{
    bn_carry br = 0;
    uint64_t x;

    for (size_t i = 0; i < n; i++)
        br = bn_sbb(br, a[i], b[i], &x);
    return br;
}

static uint64_t bn_lt_mask(const uint64_t *a, const uint64_t *b, size_t n)
{
    return bn_mask_bit(bn_sub_borrow(a, b, n));
}

static uint64_t bn_eq_mask(const uint64_t *a, const uint64_t *b, size_t n)
{
    uint64_t d = 0;

    for (size_t i = 0; i < n; i++)
        d |= a[i] ^ b[i];
    return bn_mask_zero(d);
}

static uint64_t bn_is_zero_mask(const uint64_t *a, size_t n)
{
    uint64_t d = 0;

    for (size_t i = 0; i < n; i++)
        d |= a[i];
    return bn_mask_zero(d);
}

static uint64_t bn_eq_word_mask(const uint64_t *a, size_t n, uint64_t w)
{
    uint64_t d = 0;

    for (size_t i = 0; i < n; i++) {
        d |= a[i] ^ w;
        w = 0;
    }
    return bn_mask_zero(d);
}

static uint64_t bn_lt_pow2_mask(const uint64_t *a, size_t n, size_t k)
{
    uint64_t d = 0;

    /* Which limbs and shifts take part depends on k (public) only. */
    for (size_t i = 0; i < n; i++) {
        if (64 * i >= k)
            d |= a[i];
        else if (64 * (i + 1) > k)
            d |= a[i] >> (k - 64 * i);
    }
    return bn_mask_zero(d);
}

static uint64_t bn_csub(uint64_t *r, const uint64_t *a, uint64_t hi, const uint64_t *m,
                        size_t n)
{
    /* Subtract when hi is set or a >= m; two passes, so r may alias a. */
    uint64_t mask = bn_mask_bit(hi | (bn_sub_borrow(a, m, n) ^ 1));

    bn_sub_masked(r, a, m, mask, n);
    return mask;
}

static void bn_mod_add(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *m,
                       size_t n)
{
    uint64_t c = bn_add(r, a, b, n);

    bn_csub(r, r, c, m, n);
}

static void bn_mod_sub(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *m,
                       size_t n)
{
    uint64_t br = bn_sub(r, a, b, n);

    bn_add_masked(r, r, m, bn_mask_bit(br), n);
}

/* ---- shifts and bit counts ----------------------------------------------- */

static uint64_t bn_shl1(uint64_t *r, const uint64_t *a, size_t n)
{
    uint64_t c = 0;

    for (size_t i = 0; i < n; i++) {
        uint64_t x = a[i];
        r[i] = (x << 1) | c;
        c = x >> 63;
    }
    return c;
}

static uint64_t bn_shr1(uint64_t *r, const uint64_t *a, size_t n, uint64_t in)
{
    uint64_t out = a[0] & 1;

    for (size_t i = 0; i + 1 < n; i++)
        r[i] = (a[i] >> 1) | (a[i + 1] << 63);
    r[n - 1] = (a[n - 1] >> 1) | (in << 63);
    return out;
}

static void bn_rshift_ct(uint64_t *r, const uint64_t *a, size_t n, size_t s)
{
    bn_copy(r, a, n);
    /* Whole-limb stages first: shift by 2^b bits when bit b of s is set.
     * Limb indices depend on the stage (public), not on s. */
    for (size_t b = 6; ((size_t)1 << b) < 64 * n; b++) {
        size_t k = ((size_t)1 << b) / 64;
        uint64_t mask = bn_mask_bit((uint64_t)(s >> b));
        for (size_t i = 0; i < n; i++)
            r[i] = bn_sel(mask, i + k < n ? r[i + k] : 0, r[i]);
    }
    for (unsigned b = 0; b < 6; b++) {
        unsigned sh = 1u << b;
        uint64_t mask = bn_mask_bit((uint64_t)(s >> b));
        for (size_t i = 0; i < n; i++) {
            uint64_t v = (r[i] >> sh) | (i + 1 < n ? r[i + 1] << (64 - sh) : 0);
            r[i] = bn_sel(mask, v, r[i]);
        }
    }
}

/* Trailing zeros of one limb (64 for 0), without a branch or a table. */
static uint64_t bn_ctz64(uint64_t x)
{
    uint64_t y = x & ((uint64_t)0 - x); /* the lowest set bit alone */
    uint64_t z = 0;

    z |= bn_mask_nonzero(y & 0xffffffff00000000u) & 32;
    z |= bn_mask_nonzero(y & 0xffff0000ffff0000u) & 16;
    z |= bn_mask_nonzero(y & 0xff00ff00ff00ff00u) & 8;
    z |= bn_mask_nonzero(y & 0xf0f0f0f0f0f0f0f0u) & 4;
    z |= bn_mask_nonzero(y & 0xccccccccccccccccu) & 2;
    z |= bn_mask_nonzero(y & 0xaaaaaaaaaaaaaaaau) & 1;
    return z + (bn_mask_zero(x) & 64);
}

static size_t bn_ctz_ct(const uint64_t *a, size_t n)
{
    uint64_t z = 0, found = 0;

    for (size_t i = 0; i < n; i++) {
        z += bn_ctz64(a[i]) & ~found;
        found |= bn_mask_nonzero(a[i]);
    }
    return (size_t)z;
}

/* Variable time: branches on the value. */
static size_t bn_bit_length_vartime(const uint64_t *a, size_t n)
{
    for (size_t i = n; i-- > 0;) {
        if (a[i] != 0)
            return 64 * i + 64 - (size_t)__builtin_clzll(a[i]);
    }
    return 0;
}

/* ---- multiplication ------------------------------------------------------ */

/*
 * t[0..n) += a[0..n) * b; returns the word that belongs at t[n] (the sum
 * fits in n + 1 limbs). The inner step of every product and reduction.
 */
static inline uint64_t bn_row_muladd(uint64_t *t, const uint64_t *a, uint64_t b, size_t n)
{
    uint64_t c = 0;

    for (size_t j = 0; j < n; j++) {
        bn_u128 x = (bn_u128)a[j] * b + t[j] + c;
        t[j] = (uint64_t)x;
        c = (uint64_t)(x >> 64);
    }
    return c;
}

static void bn_mul_wide(uint64_t *r, const uint64_t *a, size_t an, const uint64_t *b,
                        size_t bn)
{
    bn_zero(r, an);
    for (size_t j = 0; j < bn; j++)
        r[an + j] = bn_row_muladd(r + j, a, b[j], an);
}

static void bn_mul(uint64_t *r, const uint64_t *a, const uint64_t *b, size_t n)
{
    bn_mul_wide(r, a, n, b, n);
}

/* r[0..2n) = a^2: off-diagonal products once, doubled, plus the squares. */
static void bn_sqr_portable(uint64_t *r, const uint64_t *a, size_t n)
{
    uint64_t c = 0;

    bn_zero(r, 2 * n);
    /* Row i adds a[i] * a[i+1..n) at position 2i+1; its top word lands on
     * r[i+n], which no earlier row has reached. */
    for (size_t i = 0; i + 1 < n; i++)
        r[i + n] = bn_row_muladd(r + 2 * i + 1, a + i + 1, a[i], n - 1 - i);
    bn_shl1(r, r, 2 * n); /* the off-diagonal sum is < 2^(128n-1) */
    for (size_t i = 0; i < n; i++) {
        bn_u128 sq = (bn_u128)a[i] * a[i];
        bn_u128 x = (bn_u128)r[2 * i] + (uint64_t)sq + c;
        bn_u128 y = (bn_u128)r[2 * i + 1] + (uint64_t)(sq >> 64) + (uint64_t)(x >> 64);
        r[2 * i] = (uint64_t)x;
        r[2 * i + 1] = (uint64_t)y;
        c = (uint64_t)(y >> 64);
    }
}

/* ---- Montgomery kernels, portable ---------------------------------------- */

/*
 * HAC 14.32, one limb at a time: u = t[i] * m0inv makes t + u*m*2^(64i)
 * divisible by 2^(64(i+1)). Row i's top word is added at t[i+n] together
 * with the carry left by row i-1 (top, 0 or 1). For t < m*R the result
 * (top : t[n..2n)) is below 2m, so one masked subtraction finishes.
 */
static void bn_portable_mont_redc(uint64_t *r, uint64_t *t, const bn_mont_ctx *c)
{
    size_t n = c->n;
    uint64_t top = 0;

    for (size_t i = 0; i < n; i++) {
        uint64_t u = t[i] * c->m0inv;
        uint64_t hi = bn_row_muladd(t + i, c->m, u, n);
        bn_u128 x = (bn_u128)t[i + n] + hi + top;
        t[i + n] = (uint64_t)x;
        top = (uint64_t)(x >> 64);
    }
    bn_csub(r, t + n, top, c->m, n);
}

static void bn_portable_mont_mul(uint64_t *r, const uint64_t *a, const uint64_t *b,
                                 const bn_mont_ctx *c, uint64_t *t)
{
    bn_mul(t, a, b, c->n);
    bn_portable_mont_redc(r, t, c);
}

static void bn_portable_mont_sqr(uint64_t *r, const uint64_t *a, const bn_mont_ctx *c,
                                 uint64_t *t)
{
    bn_sqr_portable(t, a, c->n);
    bn_portable_mont_redc(r, t, c);
}

/* ---- Montgomery arithmetic, dispatched ----------------------------------- */

/* The implementation is public: this branch depends on the context's
 * impl field only. bn_mulx.c forwards to the portable kernels where MULX
 * does not exist. */
static void bn_mont_mul_t(uint64_t *r, const uint64_t *a, const uint64_t *b,
                          const bn_mont_ctx *c, uint64_t *t)
{
    if (c->impl == BN_IMPL_MULX)
        bn_mulx_mont_mul(r, a, b, c, t);
    else
        bn_portable_mont_mul(r, a, b, c, t);
}

static void bn_mont_sqr_t(uint64_t *r, const uint64_t *a, const bn_mont_ctx *c, uint64_t *t)
{
    if (c->impl == BN_IMPL_MULX)
        bn_mulx_mont_sqr(r, a, c, t);
    else
        bn_portable_mont_sqr(r, a, c, t);
}

static void bn_mont_redc(uint64_t *r, uint64_t *t, const bn_mont_ctx *c)
{
    if (c->impl == BN_IMPL_MULX)
        bn_mulx_mont_redc(r, t, c);
    else
        bn_portable_mont_redc(r, t, c);
}

/* r = a * R^-1 mod m for a < R: reduce a zero-extended to 2n limbs. */
static void bn_from_mont_t(uint64_t *r, const uint64_t *a, const bn_mont_ctx *c, uint64_t *t)
{
    bn_copy(t, a, c->n);
    bn_zero(t + c->n, c->n);
    bn_mont_redc(r, t, c);
}

#define BN_TMP_MAX BN_MONT_TMP_LIMBS(BN_MAX_LIMBS)

static void bn_mont_mul(uint64_t *r, const uint64_t *a, const uint64_t *b,
                        const bn_mont_ctx *c)
{
    uint64_t t[BN_TMP_MAX];

    bn_mont_mul_t(r, a, b, c, t);
    wipe(t, BN_MONT_TMP_LIMBS(c->n) * sizeof t[0]);
}

static void bn_mont_sqr(uint64_t *r, const uint64_t *a, const bn_mont_ctx *c)
{
    uint64_t t[BN_TMP_MAX];

    bn_mont_sqr_t(r, a, c, t);
    wipe(t, BN_MONT_TMP_LIMBS(c->n) * sizeof t[0]);
}

static void bn_to_mont(uint64_t *r, const uint64_t *a, const bn_mont_ctx *c)
{
    bn_mont_mul(r, a, c->rr, c);
}

static void bn_from_mont(uint64_t *r, const uint64_t *a, const bn_mont_ctx *c)
{
    uint64_t t[BN_TMP_MAX];

    bn_from_mont_t(r, a, c, t);
    wipe(t, BN_MONT_TMP_LIMBS(c->n) * sizeof t[0]);
}

static void bn_mod_mul(uint64_t *r, const uint64_t *a, const uint64_t *b,
                       const bn_mont_ctx *c)
{
    uint64_t t[BN_TMP_MAX];

    bn_mont_mul_t(r, a, b, c, t);     /* a b R^-1 */
    bn_mont_mul_t(r, r, c->rr, c, t); /* a b */
    wipe(t, BN_MONT_TMP_LIMBS(c->n) * sizeof t[0]);
}

/* ---- the context --------------------------------------------------------- */

/*
 * -a^-1 mod 2^64 for odd a: (3a ^ 2) is an inverse of a modulo 2^5, and
 * each Newton step x(2 - ax) doubles the correct bits: 10, 20, 40, 80.
 */
static uint64_t bn_neg_inv64(uint64_t a)
{
    uint64_t x = (3 * a) ^ 2;

    for (int i = 0; i < 4; i++)
        x *= 2 - a * x;
    return (uint64_t)0 - x;
}

/* x = 2x mod m for x < m: the doubling (an ADC of x to itself) and x - m
 * (SBB) in one pass, then a masked choice. tmp: n limbs. */
static void bn_mod_dbl(uint64_t *x, const uint64_t *m, size_t n, uint64_t *tmp)
{
    bn_carry c = 0, br = 0;

    for (size_t i = 0; i < n; i++) {
        uint64_t d;
        c = bn_adc(c, x[i], x[i], &d);
        br = bn_sbb(br, d, m[i], &tmp[i]);
        x[i] = d;
    }
    /* (c : 2x) - m is not negative when c is set or nothing was borrowed. */
    bn_cselect(bn_mask_bit((uint64_t)c | ((uint64_t)br ^ 1)), x, tmp, x, n);
}

static void bn_mont_ctx_wipe(bn_mont_ctx *c)
{
    wipe(c, sizeof *c);
}

static int bn_mont_init(bn_mont_ctx *c, const uint64_t *m, size_t n, int impl)
{
    uint64_t t[BN_TMP_MAX];
    uint64_t *rr = c->rr;

    if (n == 0 || n > BN_MAX_LIMBS || !bn_impl_available(impl)) {
        bn_mont_ctx_wipe(c);
        return FM_ERR_ARG;
    }
    c->n = n;
    c->impl = impl;
    bn_copy(c->m, m, n);

    c->m0inv = bn_neg_inv64(m[0]);

    uint64_t bad = ~bn_mask_bit(m[0]) | bn_mask_zero(m[n - 1]);

    /*
     * R^2 mod m without division. With the top limb nonzero,
     * 2^(64(n-1)) <= m (equal only for m = 1, hence the csub); 64
     * doublings mod m give R mod m (the Montgomery form of 1), n more give
     * 2^n R mod m, the form of 2^n; each Montgomery squaring doubles the
     * exponent, and after six the form of 2^(64n) = R is R^2 mod m.
     */
    bn_zero(rr, n);
    rr[n - 1] = 1;
    bn_csub(rr, rr, 0, m, n);
    for (size_t i = 0; i < 64 + n; i++)
        bn_mod_dbl(rr, m, n, t);
    for (int i = 0; i < 6; i++)
        bn_mont_sqr_t(rr, rr, c, t);
    wipe(t, BN_MONT_TMP_LIMBS(n) * sizeof t[0]);
    return bn_rc(bad);
}

/*
 * hi:lo / d for hi < d (so the quotient fits a word); *rem = the
 * remainder. Variable time (DIV's latency depends on its operands):
 * public values only.
 */
static uint64_t bn_div128_vartime(uint64_t hi, uint64_t lo, uint64_t d, uint64_t *rem)
{
#if defined(BN_X86_64)
    uint64_t q, r;

    __asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(d) : "cc");
    *rem = r;
    return q;
#else
    /* Restoring division, one quotient bit at a time. */
    uint64_t q = 0;

    for (int i = 63; i >= 0; i--) {
        uint64_t top = hi >> 63;
        hi = (hi << 1) | (lo >> 63);
        lo <<= 1;
        q <<= 1;
        if (top || hi >= d) {
            hi -= d;
            q |= 1;
        }
    }
    *rem = hi;
    return q;
#endif
}

/*
 * R^2 mod m = 2^(128n) mod m by schoolbook division (Knuth, TAOCP vol. 2,
 * 4.3.1, algorithm D): about n^2 word multiplications where the
 * constant-time route takes six Montgomery squarings and 64 + n modular
 * doublings. Variable time in m. m[n-1] != 0.
 */
static void bn_rr_vartime(uint64_t *rr, const uint64_t *m, size_t n)
{
    uint64_t v[BN_MAX_LIMBS], u[2 * BN_MAX_LIMBS + 2];
    unsigned s = (unsigned)__builtin_clzll(m[n - 1]);

    /* D1: normalise. v = m << s has its top bit set; u = 2^(128n) << s. */
    for (size_t i = n; i-- > 0;)
        v[i] = (m[i] << s) | (s != 0 && i > 0 ? m[i - 1] >> (64 - s) : 0);
    bn_zero(u, 2 * n + 2);
    u[2 * n] = (uint64_t)1 << s;

    uint64_t vt = v[n - 1], vs = n > 1 ? v[n - 2] : 0;
    for (size_t j = n + 2; j-- > 0;) { /* j = n+1 .. 0 */
        /* D3: estimate q from the top two words of u and the top of v. */
        uint64_t qhat, rhat;
        int rhat_big = 0; /* rhat >= 2^64: the test below cannot fail */
        if (u[j + n] >= vt) { /* (u[j+n] == vt: the estimate is 2^64 - 1) */
            qhat = UINT64_MAX;
            rhat = u[j + n - 1] + vt;
            rhat_big = rhat < vt;
        } else {
            qhat = bn_div128_vartime(u[j + n], u[j + n - 1], vt, &rhat);
        }
        while (!rhat_big && n > 1) {
            bn_u128 lhs = (bn_u128)qhat * vs;
            bn_u128 rhs = ((bn_u128)rhat << 64) | u[j + n - 2];
            if (lhs <= rhs)
                break;
            qhat--;
            rhat += vt;
            rhat_big = rhat < vt;
        }
        /* D4: u[j..j+n] -= qhat v; D6: add back once if that went negative. */
        uint64_t c = 0;
        bn_carry br = 0;
        for (size_t i = 0; i < n; i++) {
            bn_u128 p = (bn_u128)qhat * v[i] + c;
            c = (uint64_t)(p >> 64);
            br = bn_sbb(br, u[j + i], (uint64_t)p, &u[j + i]);
        }
        br = bn_sbb(br, u[j + n], c, &u[j + n]);
        if (br)
            u[j + n] += bn_add(u + j, u + j, v, n);
    }
    /* D8: the remainder is u[0..n) >> s. */
    for (size_t i = 0; i < n; i++)
        rr[i] = (u[i] >> s) | (s != 0 && i + 1 < n ? u[i + 1] << (64 - s) : 0);
}

static int bn_mont_init_vartime(bn_mont_ctx *c, const uint64_t *m, size_t n, int impl)
{
    if (n == 0 || n > BN_MAX_LIMBS || !bn_impl_available(impl) || (m[0] & 1) == 0 ||
        m[n - 1] == 0) {
        bn_mont_ctx_wipe(c);
        return FM_ERR_ARG;
    }
    c->n = n;
    c->impl = impl;
    bn_copy(c->m, m, n);
    c->m0inv = bn_neg_inv64(m[0]);
    bn_rr_vartime(c->rr, m, n);
    return FM_OK;
}

/* ---- reduction ----------------------------------------------------------- */

static void bn_mod_reduce(uint64_t *r, const uint64_t *a, size_t alen, const bn_mont_ctx *c)
{
    size_t n = c->n;
    uint64_t t[BN_TMP_MAX], lo[BN_MAX_LIMBS], hi[BN_MAX_LIMBS];

    /* a = hi * R + lo with hi, lo < R (hi = 0 when alen <= n). */
    bn_zero(lo, n);
    bn_zero(hi, n);
    for (size_t i = 0; i < alen; i++) {
        if (i < n)
            lo[i] = a[i];
        else
            hi[i - n] = a[i];
    }
    bn_from_mont_t(lo, lo, c, t);       /* lo R^-1 mod m */
    bn_mont_mul_t(lo, lo, c->rr, c, t); /* lo mod m */
    if (alen > n) {
        bn_mont_mul_t(hi, hi, c->rr, c, t); /* hi R mod m: hi < R, R^2 mod m < m */
        bn_mod_add(lo, lo, hi, c->m, n);
    }
    bn_copy(r, lo, n);
    wipe(t, BN_MONT_TMP_LIMBS(n) * sizeof t[0]);
    wipe(lo, n * sizeof lo[0]);
    wipe(hi, n * sizeof hi[0]);
}

/* ---- exponentiation ------------------------------------------------------ */

/* Window width for an exponent of ebits bits: the table costs 2^w - 2
 * multiplications, the scan ebits / w multiplications and table scans of
 * 2^w entries (the thresholds balance the measured costs for n = 16; at
 * 1024 bits, widths 4 and 5 cost within 1% of each other). */
static unsigned bn_exp_window(size_t ebits)
{
    if (ebits > 768)
        return 5;
    if (ebits > 160)
        return 4;
    if (ebits > 48)
        return 3;
    return ebits > 12 ? 2 : 1;
}

/* Bits [pos, pos + w) of e (w <= 5 and pos + w <= ebits, so every limb
 * read exists). The position is public; the value is not. */
static uint64_t bn_exp_bits(const uint64_t *e, size_t pos, unsigned w)
{
    size_t limb = pos / 64;
    unsigned off = (unsigned)(pos % 64);
    uint64_t v = e[limb] >> off;

    if (off + w > 64)
        v |= e[limb + 1] << (64 - off);
    return v & (((uint64_t)1 << w) - 1);
}

/* Two limbs at a time (SSE2 on x86-64; the compilers lower it elsewhere),
 * loaded from any 8-byte-aligned address. */
typedef uint64_t bn_v2 __attribute__((vector_size(16), aligned(8), may_alias));

/*
 * r = table[idx] (entries of n limbs) for a secret idx: every entry is
 * read and ANDed with its mask (all-ones for idx only). Two limbs of r at a
 * time are accumulated over all entries in a register. The masks go to
 * maskbuf (2 * entries limbs, in the caller's scratch, which is wiped).
 */
static void bn_ct_lookup(uint64_t *r, const uint64_t *table, size_t entries, uint64_t idx,
                         size_t n, uint64_t *maskbuf)
{
    bn_v2 *mask = (bn_v2 *)maskbuf;
    size_t j = 0;

    for (size_t i = 0; i < entries; i++) {
        uint64_t mi = bn_mask_eq((uint64_t)i, idx);
        mask[i] = (bn_v2){ mi, mi };
    }
    for (; j + 2 <= n; j += 2) {
        bn_v2 acc = { 0, 0 };
        for (size_t i = 0; i < entries; i++)
            acc |= *(const bn_v2 *)(table + i * n + j) & mask[i];
        *(bn_v2 *)(r + j) = acc;
    }
    if (j < n) {
        uint64_t acc = 0;
        for (size_t i = 0; i < entries; i++)
            acc |= table[i * n + j] & mask[i][0];
        r[j] = acc;
    }
}

static void bn_mod_exp_ct(uint64_t *r, const uint64_t *a, const uint64_t *e, size_t ebits,
                          const bn_mont_ctx *c, uint64_t *scratch)
{
    size_t n = c->n;
    unsigned w = bn_exp_window(ebits);
    size_t entries = (size_t)1 << w;
    uint64_t *table = scratch;              /* entries * n: a^i R mod m */
    uint64_t *acc = table + entries * n;    /* n */
    uint64_t *ent = acc + n;                /* n */
    uint64_t *t = ent + n;                  /* BN_MONT_TMP_LIMBS(n) */
    uint64_t *masks = t + BN_MONT_TMP_LIMBS(n); /* 2 * entries */

    /* table[0] = R mod m (the form of 1), table[1] = a R mod m. */
    bn_copy(t, c->rr, n);
    bn_zero(t + n, n);
    bn_mont_redc(table, t, c);
    bn_mont_mul_t(table + n, a, c->rr, c, t);
    for (size_t i = 2; i < entries; i++) {
        if (i % 2 == 0)
            bn_mont_sqr_t(table + i * n, table + i / 2 * n, c, t);
        else
            bn_mont_mul_t(table + i * n, table + (i - 1) * n, table + n, c, t);
    }

    if (ebits == 0) {
        bn_copy(acc, table, n);
    } else {
        /* Windows from the top; the first may be narrower. Every window
         * costs w squarings, one scan of the table and one multiplication
         * (by the form of 1 when its bits are zero). */
        size_t nwin = (ebits + w - 1) / w;
        size_t pos = (nwin - 1) * w;
        bn_ct_lookup(acc, table, entries, bn_exp_bits(e, pos, (unsigned)(ebits - pos)), n,
                     masks);
        while (pos > 0) {
            pos -= w;
            for (unsigned s = 0; s < w; s++)
                bn_mont_sqr_t(acc, acc, c, t);
            bn_ct_lookup(ent, table, entries, bn_exp_bits(e, pos, w), n, masks);
            bn_mont_mul_t(acc, acc, ent, c, t);
        }
    }
    bn_from_mont_t(r, acc, c, t);
    wipe(scratch, ((entries + 2) * n + BN_MONT_TMP_LIMBS(n) + 2 * entries) * sizeof scratch[0]);
}

static void bn_mod_exp_vartime(uint64_t *r, const uint64_t *a, const uint64_t *e, size_t elen,
                               const bn_mont_ctx *c)
{
    size_t n = c->n;
    size_t bits = bn_bit_length_vartime(e, elen);
    uint64_t t[BN_TMP_MAX], base[BN_MAX_LIMBS], acc[BN_MAX_LIMBS];

    if (bits == 0) {
        /* a^0 = 1: reduce R^2 twice, R mod m and then 1 mod m. */
        bn_from_mont_t(acc, c->rr, c, t);
        bn_from_mont_t(r, acc, c, t);
        wipe(t, BN_MONT_TMP_LIMBS(n) * sizeof t[0]);
        return;
    }
    bn_mont_mul_t(base, a, c->rr, c, t);
    bn_copy(acc, base, n);
    /* Branches on the bits of e: public by contract. */
    for (size_t i = bits - 1; i-- > 0;) {
        bn_mont_sqr_t(acc, acc, c, t);
        if ((e[i / 64] >> (i % 64)) & 1)
            bn_mont_mul_t(acc, acc, base, c, t);
    }
    bn_from_mont_t(r, acc, c, t);
    wipe(t, BN_MONT_TMP_LIMBS(n) * sizeof t[0]);
    wipe(base, n * sizeof base[0]);
    wipe(acc, n * sizeof acc[0]);
}

/* ---- inversion ----------------------------------------------------------- */

/*
 * cinv = x^-1 mod y for odd y (x any n-limb value), by the binary
 * extended GCD. Invariants: u = A x, v = C x (mod y), v odd, A, C < y.
 * Each step halves u (after subtracting v, the smaller of the two odd
 * numbers being moved into v): bitlen(u) + bitlen(v) drops by one or more
 * while u != 0, so 128n steps leave u = 0 and v = gcd(x, y). Every step
 * does the same operations under masks. Returns the mask v == 1.
 * work: 3n limbs.
 */
static uint64_t bn_inv_odd(uint64_t *cinv, const uint64_t *x, const uint64_t *y, size_t n,
                           uint64_t *work)
{
    uint64_t *u = work, *v = work + n, *A = work + 2 * n;

    bn_copy(u, x, n);
    bn_copy(v, y, n);
    bn_set_word(A, n, ~bn_eq_word_mask(y, n, 1) & 1); /* 1 mod y */
    bn_zero(cinv, n);
    for (size_t it = 0; it < 128 * n; it++) {
        uint64_t odd = bn_mask_bit(u[0]);
        uint64_t swap = odd & bn_lt_mask(u, v, n);
        bn_cswap(swap, u, v, n);
        bn_cswap(swap, A, cinv, n);
        /* If odd: u -= v (u >= v, both odd: the difference is even), and
         * A -= C mod y. */
        bn_sub_masked(u, u, v, odd, n);
        uint64_t br = bn_sub_masked(A, A, cinv, odd, n);
        bn_add_masked(A, A, y, bn_mask_bit(br), n);
        /* u /= 2; A /= 2 mod y (add y first when A is odd). */
        bn_shr1(u, u, n, 0);
        uint64_t cy = bn_add_masked(A, A, y, bn_mask_bit(A[0]), n);
        bn_shr1(A, A, n, cy);
    }
    return bn_eq_word_mask(v, n, 1);
}

/*
 * q = d / a mod 2^(64n) when the odd a divides d exactly (Hensel / exact
 * division): q[i] = d[i] * a[0]^-1 mod 2^64, then d -= q[i] a 2^(64i),
 * only the limbs below n mattering. d is destroyed.
 */
static void bn_divexact_low(uint64_t *q, uint64_t *d, const uint64_t *a, size_t n)
{
    uint64_t ainv = (uint64_t)0 - bn_neg_inv64(a[0]);

    for (size_t i = 0; i < n; i++) {
        uint64_t qi = d[i] * ainv, c = 0;
        q[i] = qi;
        for (size_t j = 0; j < n - i; j++) {
            bn_u128 p = (bn_u128)a[j] * qi + c;
            bn_u128 s = (bn_u128)d[i + j] - (uint64_t)p;
            d[i + j] = (uint64_t)s;
            c = (uint64_t)(p >> 64) + ((uint64_t)(s >> 64) & 1);
        }
    }
}

static uint64_t bn_mod_inv_ct(uint64_t *r, const uint64_t *a, const uint64_t *m, size_t n)
{
    uint64_t x[BN_MAX_LIMBS], y[BN_MAX_LIMBS], b[BN_MAX_LIMBS];
    uint64_t work[3 * BN_MAX_LIMBS];
    uint64_t *d = work; /* 2n limbs, after bn_inv_odd is done with work */

    /* (Zeroed only so that no compiler suspects a read of uninitialised
     * limbs: every limb below n is written before it is read.) */
    wipe(x, sizeof x);
    wipe(y, sizeof y);
    /* Odd m: invert a modulo m directly. Even m (then a must be odd):
     * b = m^-1 mod a, so b m = 1 + k a with k = (b m - 1) / a < m, and
     * a (m - k) = 1 mod m. Both are computed; the parity of m picks. */
    uint64_t modd = bn_mask_bit(m[0]);
    bn_cselect(modd, x, a, m, n);
    bn_cselect(modd, y, m, a, n);
    uint64_t ok = bn_inv_odd(b, x, y, n, work) & bn_mask_bit(y[0]);

    /* The even-m path; for a = 1, bn_inv_odd gave b = 0 (mod 1): use 1. */
    bn_add_word(x, b, n, bn_eq_word_mask(a, n, 1) & 1);
    bn_mul(d, x, m, n);
    bn_sub_word(d, d, 2 * n, 1);
    bn_divexact_low(y, d, a, n); /* k */
    bn_sub(y, m, y, n);          /* m - k */

    bn_cselect(modd, r, b, y, n);
    for (size_t i = 0; i < n; i++)
        r[i] &= ok;
    wipe(x, n * sizeof x[0]);
    wipe(y, n * sizeof y[0]);
    wipe(b, n * sizeof b[0]);
    wipe(work, 3 * n * sizeof work[0]);
    return ok;
}

/* ---- small divisors ------------------------------------------------------ */

/*
 * x mod d for x = r 2^32 + h (r < d < 2^32, h < 2^32), with
 * mu = floor((2^64 - 1) / d) >= (2^64 - d) / d, so 2^64/d - mu <= 1.
 * Then x/d - x mu / 2^64 <= x / 2^64 < 1 (x < d 2^32 < 2^64), the
 * estimate q = floor(x mu / 2^64) is below x/d by less than 2, x - q d is
 * below 2d, and one masked subtraction finishes.
 */
static inline uint64_t bn_mod32_step(uint64_t r, uint64_t h, uint64_t d, uint64_t mu)
{
    uint64_t x = (r << 32) | h;
    uint64_t q = (uint64_t)(((bn_u128)x * mu) >> 64);
    uint64_t y = x - q * d;

    return y - (d & ~bn_mask_lt(y, d));
}

static uint32_t bn_mod_u32_ct(const uint64_t *a, size_t n, uint32_t d)
{
    uint64_t r = 0;

    if (d <= 1) /* d is public */
        return 0;
    uint64_t mu = UINT64_MAX / d; /* a division of public values only */
    for (size_t i = n; i-- > 0;) {
        r = bn_mod32_step(r, a[i] >> 32, d, mu);
        r = bn_mod32_step(r, a[i] & 0xffffffffu, d, mu);
    }
    return (uint32_t)r;
}
