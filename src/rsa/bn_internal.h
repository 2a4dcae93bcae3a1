/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The big-integer layer under RSA (FIPS 186-5, SP 800-56Br2): unsigned
 * integers of up to BN_MAX_LIMBS 64-bit limbs, least significant limb
 * first, with the lengths always passed explicitly. Nothing here allocates:
 * callers own every array, and the few operations that need a large work
 * area (modular exponentiation) take it as an argument.
 *
 * Implementations: the portable code (bn.c, 64x64->128-bit products with
 * unsigned __int128) runs on any 64-bit target; bn_mulx.c does the
 * Montgomery kernels with the x86 MULX/ADCX instructions (BMI2 and ADX),
 * compiled with per-function target attributes. A Montgomery context
 * records which one it uses (bn_mont_ctx.impl); both produce the same
 * values, and tests call each directly.
 *
 * Constant time. Every function without _vartime in its name takes time
 * and touches memory independently of the VALUES of its arguments: no
 * branch, no memory index and no loop bound depends on a limb, on a bit of
 * an exponent or on a modulus (the modulus may be a secret prime p or q).
 * Decisions are 64-bit masks (0 or all-ones) that pass through
 * bn_barrier() so that the compiler cannot turn them back into branches.
 * What is public: limb counts, byte lengths, exponent bit lengths, the
 * implementation choice, and the small divisor of bn_mod_u32_ct. Results
 * that callers branch on (validity of a modulus, existence of an inverse)
 * are returned as masks or codes computed without branches; the caller
 * decides when such a result may become public. Functions named *_vartime
 * branch on their operands and are only for public values (an RSA public
 * exponent, the bit length of a public modulus).
 *
 * Aliasing: unless a comment says otherwise, outputs may alias inputs of
 * the same length (every loop reads a limb before it writes that limb or
 * a lower one); bn_mul and bn_mul_wide need r distinct from a and b.
 */
#ifndef FIPSMOD_RSA_BN_INTERNAL_H
#define FIPSMOD_RSA_BN_INTERNAL_H

#include "../module/internal.h"

/*
 * BN_X86_64 selects the x86-64 code: the ADC/SBB intrinsics and DIV in
 * bn.c, the MULX kernels of bn_mulx.c. A test build may define
 * BN_GENERIC_C to run the generic C fallbacks on x86-64 as well.
 */
#if defined(__x86_64__) && !defined(BN_GENERIC_C)
#define BN_X86_64 1
#endif

/* Largest operand: 128 limbs, 8192 bits (RSA moduli up to 8192 bits). */
#define BN_MAX_LIMBS 128
#define BN_MAX_BITS (64 * BN_MAX_LIMBS)

/* Limbs needed for a value of `bits` bits (bits public). */
#define BN_LIMBS(bits) (((size_t)(bits) + 63) / 64)

/* Implementations of the Montgomery kernels (bn_mont_ctx.impl):
 * BN_IMPL_PORTABLE, BN_IMPL_MULX (internal.h, for cpu.c). */

/*
 * Montgomery context for an odd modulus m of exactly n limbs (top limb
 * nonzero), R = 2^(64n). Holds secrets when m is a prime factor: wipe it
 * with bn_mont_ctx_wipe() when done.
 */
typedef struct {
    uint64_t m[BN_MAX_LIMBS];  /* the modulus */
    uint64_t rr[BN_MAX_LIMBS]; /* R^2 mod m */
    uint64_t m0inv;            /* -m^-1 mod 2^64 */
    size_t n;                  /* limbs, 1..BN_MAX_LIMBS (public) */
    int impl;                  /* BN_IMPL_* (public) */
} bn_mont_ctx;

/*
 * Work area, in limbs, that the Montgomery kernels need for an n-limb
 * modulus (a double-length product and two carry words).
 */
#define BN_MONT_TMP_LIMBS(n) (2 * (size_t)(n) + 2)

/*
 * bn_mod_exp_ct uses a fixed window of up to BN_EXP_WINDOW_MAX bits: a
 * table of 2^BN_EXP_WINDOW_MAX values, an accumulator, a looked-up entry,
 * a kernel work area and the masks of a table scan (two limbs per entry).
 * BN_EXP_SCRATCH_LIMBS(n) limbs of scratch are enough for every exponent
 * length (RSA-2048 CRT, n = 16: 642 limbs, about 5 KB).
 */
#define BN_EXP_WINDOW_MAX 5
#define BN_EXP_SCRATCH_LIMBS(n)                                                 \
    ((((size_t)1 << BN_EXP_WINDOW_MAX) + 2) * (size_t)(n) + BN_MONT_TMP_LIMBS(n) + \
     ((size_t)2 << BN_EXP_WINDOW_MAX))

/* Not every caller uses every function of this layer. */
#define BN_API static __attribute__((unused))

/* ---- masks --------------------------------------------------------------- */

/*
 * Hide v from the optimiser (an empty asm that "modifies" it): the 64-bit
 * companion of ct.h's value_barrier_u32. Every mask is passed through it
 * before it selects anything.
 */
static inline uint64_t bn_barrier(uint64_t v)
{
    __asm__("" : "+r"(v));
    return v;
}

/* All-ones if bit 0 of b is set, else 0. */
static inline uint64_t bn_mask_bit(uint64_t b)
{
    return bn_barrier((uint64_t)0 - (b & 1));
}

/* All-ones if x != 0, else 0. */
static inline uint64_t bn_mask_nonzero(uint64_t x)
{
    return bn_barrier((uint64_t)0 - ((x | ((uint64_t)0 - x)) >> 63));
}

/* All-ones if x == 0, else 0. */
static inline uint64_t bn_mask_zero(uint64_t x)
{
    return ~bn_mask_nonzero(x);
}

/* All-ones if x == y, else 0. */
static inline uint64_t bn_mask_eq(uint64_t x, uint64_t y)
{
    return bn_mask_zero(x ^ y);
}

/* All-ones if x < y (unsigned), else 0: the borrow of x - y. */
static inline uint64_t bn_mask_lt(uint64_t x, uint64_t y)
{
    return bn_barrier((uint64_t)0 - ((x ^ ((x ^ y) | ((x - y) ^ y))) >> 63));
}

/* mask ? a : b, for one limb. */
static inline uint64_t bn_sel(uint64_t mask, uint64_t a, uint64_t b)
{
    return b ^ (mask & (a ^ b));
}

/* ---- implementation choice ----------------------------------------------- */

/* The best implementation the enabled CPU features allow now (cpu.c). */
BN_API int bn_impl_now(void);

/* 1 if implementation impl can run on this CPU (detected features). */
BN_API int bn_impl_available(int impl);

/* ---- conversion and copying ---------------------------------------------- */

/*
 * r[0..n) = the big-endian integer in[0..len) (leading zero bytes
 * allowed). Returns FM_OK, or FM_ERR_ARG if the value does not fit in n
 * limbs (r then holds its low 64n bits). Constant time: every byte is read
 * and the error is computed without branching (len and n are public).
 */
BN_API int bn_from_be(uint64_t *r, size_t n, const uint8_t *in, size_t len);

/*
 * out[0..len) = a[0..n) big-endian, zero padded on the left when
 * len > 8n; when len < 8n, only the low len bytes are written (the caller
 * ensures the value fits). Constant time.
 */
BN_API void bn_to_be(uint8_t *out, size_t len, const uint64_t *a, size_t n);

/* r = 0; r = a; r = w (zero-extended to n >= 1 limbs). */
BN_API void bn_zero(uint64_t *r, size_t n);
BN_API void bn_copy(uint64_t *r, const uint64_t *a, size_t n);
BN_API void bn_set_word(uint64_t *r, size_t n, uint64_t w);

/* ---- add, subtract, compare, select -------------------------------------- */

/* r = a + b mod 2^(64n); returns the carry (0 or 1). */
BN_API uint64_t bn_add(uint64_t *r, const uint64_t *a, const uint64_t *b, size_t n);

/* r = a - b mod 2^(64n); returns the borrow (1 if a < b, else 0). */
BN_API uint64_t bn_sub(uint64_t *r, const uint64_t *a, const uint64_t *b, size_t n);

/* r = a + w, r = a - w (one word); return the carry / borrow. */
BN_API uint64_t bn_add_word(uint64_t *r, const uint64_t *a, size_t n, uint64_t w);
BN_API uint64_t bn_sub_word(uint64_t *r, const uint64_t *a, size_t n, uint64_t w);

/*
 * r[0..rn) += a[0..an) with an <= rn, the carry propagated through all of
 * r; returns the carry out of r (0 or 1).
 */
BN_API uint64_t bn_add_into(uint64_t *r, size_t rn, const uint64_t *a, size_t an);

/* r = mask ? a : b (mask 0 or all-ones; r may alias either). */
BN_API void bn_cselect(uint64_t mask, uint64_t *r, const uint64_t *a, const uint64_t *b,
                       size_t n);

/* Exchange a and b if mask is all-ones. */
BN_API void bn_cswap(uint64_t mask, uint64_t *a, uint64_t *b, size_t n);

/* All-ones if a < b / a == b / a == 0 / a == w (one word), else 0. */
BN_API uint64_t bn_lt_mask(const uint64_t *a, const uint64_t *b, size_t n);
BN_API uint64_t bn_eq_mask(const uint64_t *a, const uint64_t *b, size_t n);
BN_API uint64_t bn_is_zero_mask(const uint64_t *a, size_t n);
BN_API uint64_t bn_eq_word_mask(const uint64_t *a, size_t n, uint64_t w);

/* All-ones if a < 2^k (k public, 0 <= k <= 64n), else 0. */
BN_API uint64_t bn_lt_pow2_mask(const uint64_t *a, size_t n, size_t k);

/*
 * Conditional subtraction for reduction: with (hi : a) an (n+1)-limb value
 * (hi 0 or 1) below 2m, r = (hi : a) - m if that is >= m, else a. The
 * result is < m. Returns the mask of "subtracted".
 */
BN_API uint64_t bn_csub(uint64_t *r, const uint64_t *a, uint64_t hi, const uint64_t *m,
                        size_t n);

/* r = a + b mod m, r = a - b mod m, for a, b < m. */
BN_API void bn_mod_add(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *m,
                       size_t n);
BN_API void bn_mod_sub(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *m,
                       size_t n);

/* ---- shifts and bit counts ----------------------------------------------- */

/* r = a << 1 mod 2^(64n); returns the bit shifted out. */
BN_API uint64_t bn_shl1(uint64_t *r, const uint64_t *a, size_t n);

/* r = (in : a) >> 1 with in (0 or 1) entering at the top; returns the bit
 * shifted out (bit 0 of a). */
BN_API uint64_t bn_shr1(uint64_t *r, const uint64_t *a, size_t n, uint64_t in);

/*
 * r = a >> s with a secret shift count s, 0 <= s < 64n: a logarithmic
 * shifter whose every stage runs (for Miller-Rabin, w - 1 = 2^a * m).
 */
BN_API void bn_rshift_ct(uint64_t *r, const uint64_t *a, size_t n, size_t s);

/* Number of trailing zero bits of a (64n for a == 0), computed in
 * constant time; the result is as secret as a. */
BN_API size_t bn_ctz_ct(const uint64_t *a, size_t n);

/* Bit length of a (0 for a == 0). Variable time: public values only. */
BN_API size_t bn_bit_length_vartime(const uint64_t *a, size_t n);

/* ---- multiplication ------------------------------------------------------ */

/* r[0..2n) = a * b, schoolbook. r must not overlap a or b. */
BN_API void bn_mul(uint64_t *r, const uint64_t *a, const uint64_t *b, size_t n);

/* r[0..an+bn) = a[0..an) * b[0..bn) (an, bn >= 1). r must not overlap a or b. */
BN_API void bn_mul_wide(uint64_t *r, const uint64_t *a, size_t an, const uint64_t *b,
                        size_t bn);

/* ---- Montgomery arithmetic ----------------------------------------------- */

/*
 * Set up c for the odd modulus m of n limbs (1 <= n <= BN_MAX_LIMBS) with
 * kernels impl (BN_IMPL_*; bn_impl_now() for the best available).
 * Constant time in the value of m: m0inv by Newton iteration, R^2 mod m by
 * modular doublings and Montgomery squarings (no division). Returns
 * FM_OK; FM_ERR_ARG for n out of range or an implementation this CPU
 * lacks (public checks, made first); or FM_ERR_ARG, computed without a
 * branch, when m is even or its top limb is zero (then c holds no usable
 * context). Whether m is valid is thus as public as the return code.
 */
BN_API int bn_mont_init(bn_mont_ctx *c, const uint64_t *m, size_t n, int impl);

/*
 * The same for a PUBLIC modulus (an RSA modulus n for verification): R^2
 * mod m by schoolbook division, several times faster than bn_mont_init
 * but variable time in m. Returns FM_OK, or FM_ERR_ARG for n out of
 * range, an unavailable impl, an even m or a zero top limb.
 */
BN_API int bn_mont_init_vartime(bn_mont_ctx *c, const uint64_t *m, size_t n, int impl);

/* Zeroise a context (it may hold a secret prime). */
BN_API void bn_mont_ctx_wipe(bn_mont_ctx *c);

/*
 * r = a * b * R^-1 mod m, fully reduced (r < m). Needs a * b < m * R
 * (a, b < m, or one of them < m and the other any n-limb value); r may
 * alias a or b. Constant time. Dispatches on c->impl.
 */
BN_API void bn_mont_mul(uint64_t *r, const uint64_t *a, const uint64_t *b,
                        const bn_mont_ctx *c);

/* r = a^2 * R^-1 mod m for a < m, with a dedicated squaring (about 3/4 of
 * the multiplications of bn_mont_mul). r may alias a. */
BN_API void bn_mont_sqr(uint64_t *r, const uint64_t *a, const bn_mont_ctx *c);

/*
 * Montgomery reduction: r = t * R^-1 mod m for the 2n-limb value
 * t < m * R (t is overwritten). r < m.
 */
BN_API void bn_mont_redc(uint64_t *r, uint64_t *t, const bn_mont_ctx *c);

/* r = a * R mod m (a any n-limb value), r = a * R^-1 mod m (a < R), the
 * conversions into and out of the Montgomery domain. r < m. */
BN_API void bn_to_mont(uint64_t *r, const uint64_t *a, const bn_mont_ctx *c);
BN_API void bn_from_mont(uint64_t *r, const uint64_t *a, const bn_mont_ctx *c);

/* r = a * b mod m in normal form (two Montgomery multiplications), for
 * a, b < m. r may alias a or b. */
BN_API void bn_mod_mul(uint64_t *r, const uint64_t *a, const uint64_t *b,
                       const bn_mont_ctx *c);

/*
 * r[0..n) = a mod m for a[0..alen) with alen <= 2n (the reduction of an
 * RSA ciphertext modulo p or q for CRT). Constant time; no division.
 */
BN_API void bn_mod_reduce(uint64_t *r, const uint64_t *a, size_t alen, const bn_mont_ctx *c);

/* The kernels of each implementation, each callable directly (tests). The
 * work area t holds BN_MONT_TMP_LIMBS(c->n) limbs; r must not overlap t. */
BN_API void bn_portable_mont_mul(uint64_t *r, const uint64_t *a, const uint64_t *b,
                                 const bn_mont_ctx *c, uint64_t *t);
BN_API void bn_portable_mont_sqr(uint64_t *r, const uint64_t *a, const bn_mont_ctx *c,
                                 uint64_t *t);
BN_API void bn_portable_mont_redc(uint64_t *r, uint64_t *t, const bn_mont_ctx *c);
BN_API void bn_mulx_mont_mul(uint64_t *r, const uint64_t *a, const uint64_t *b,
                             const bn_mont_ctx *c, uint64_t *t);
BN_API void bn_mulx_mont_sqr(uint64_t *r, const uint64_t *a, const bn_mont_ctx *c,
                             uint64_t *t);
BN_API void bn_mulx_mont_redc(uint64_t *r, uint64_t *t, const bn_mont_ctx *c);

/* ---- exponentiation, inversion, small divisors --------------------------- */

/*
 * r = a^e mod m, with a secret exponent e of public bit length ebits
 * (e[0..BN_LIMBS(ebits)); bits at or above ebits are ignored; leading
 * zero bits are fine) and a secret base a (any n-limb value; it is
 * reduced). Fixed window of up to BN_EXP_WINDOW_MAX bits; every
 * multiplication happens whatever the exponent bits, and each table entry
 * is fetched by reading all entries under masks. a^0 = 1 (0 when m = 1),
 * 0^e = 0 for e > 0. scratch: BN_EXP_SCRATCH_LIMBS(c->n) limbs, wiped on
 * return. r may alias a.
 */
BN_API void bn_mod_exp_ct(uint64_t *r, const uint64_t *a, const uint64_t *e, size_t ebits,
                          const bn_mont_ctx *c, uint64_t *scratch);

/*
 * r = a^e mod m for a PUBLIC exponent e[0..elen) (RSA verification and
 * encryption, e = 65537 typically): left-to-right square-and-multiply
 * (for e = 65537: 16 squarings and one multiplication; a window would
 * not pay for its table with exponents of FIPS 186-5 sizes, e < 2^256).
 * Variable time in e only: the base a (any n-limb value) and m are
 * handled by the constant-time kernels. r may alias a.
 */
BN_API void bn_mod_exp_vartime(uint64_t *r, const uint64_t *a, const uint64_t *e, size_t elen,
                               const bn_mont_ctx *c);

/*
 * r = a^-1 mod m for a, m of n limbs, by a binary extended GCD with a
 * fixed number of iterations (128n) whatever the values. m may be even
 * (d = e^-1 mod lcm(p-1, q-1)) when a is odd; a may be >= m. Returns
 * all-ones if gcd(a, m) = 1 (the inverse exists and r < m holds it), else
 * 0 with r = 0; computed without branches. m >= 1.
 */
BN_API uint64_t bn_mod_inv_ct(uint64_t *r, const uint64_t *a, const uint64_t *m, size_t n);

/*
 * a mod d for a public divisor 1 <= d < 2^32 (trial division of prime
 * candidates), constant time in a: Barrett reduction of 32 bits at a
 * time with a precomputed reciprocal; no division instruction touches a.
 */
BN_API uint32_t bn_mod_u32_ct(const uint64_t *a, size_t n, uint32_t d);

#endif
