/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Constant-time modular exponentiation with AVX-512 IFMA (VPMADD52LUQ,
 * VPMADD52HUQ: eight 52x52-bit products per instruction, the low or the
 * high 52 bits of each added to a 64-bit lane) for odd moduli of 7 to 32
 * 64-bit limbs, tuned for the CRT halves of RSA-2048, -3072 and -4096
 * (1024, 1536 and 2048 bits). Same contract as bn_mod_exp_ct (bn.c), plus
 * a dual form that runs two exponentiations (the two CRT halves) side by
 * side. The technique is the one of Gueron and Krasnov, "Accelerating big
 * integer arithmetic using Intel IFMA extensions" (ARITH 2016): radix
 * 2^52, "almost" Montgomery multiplication, a single final reduction.
 *
 * Representation. A value is nl = ceil((64n + 2) / 52) limbs of 52 bits
 * (n: 64-bit limbs of the modulus; nl = 20, 30, 40 for n = 16, 24, 32),
 * one limb per 64-bit lane of nz = ceil(nl / 8) zmm registers, the lanes
 * from nl on zero. In memory: arrays of vw = 8 ceil((nl + 1) / 8) words
 * aligned to 64 bytes (at least one zero word above the top limb).
 * R = 2^(52 nl) >= 4m. When nl is 17 to 20 (1024-bit moduli and a little
 * less), the third register is a ymm of four lanes: 2.5 registers, not 3.
 *
 * Almost Montgomery multiplication (AMM, ifma_amm*): r = a b R^-1 mod m
 * up to one m, for normalised inputs (every limb below 2^52) a, b < 2m;
 * the output is normalised and below 2m (it is (ab + Ym)/R with Y < R,
 * and ab/R < 4m^2/R <= m). So every intermediate of the exponentiation
 * stays below 2m, and a single conditional subtraction at the end gives
 * a result below m. The multiplication scans b one limb per step, with
 * the Montgomery reduction interleaved; see ifma_amm_state for how the
 * work is split between the vector unit and the general-purpose
 * registers, which keep the step's sequential part (the Montgomery
 * multiplier y_j) short. Normalisation (ifma_normalize) then propagates
 * carries in two vector passes, the second a carry-lookahead over the
 * lanes' mask bits.
 *
 * Exponentiation: the fixed window of bn_mod_exp_ct (bn_exp_window; the
 * table entry fetched by reading every entry under masks), the table in
 * Montgomery form (table[0] = R mod m, table[1] = a R), the result brought
 * back by an AMM with 1 and one masked subtraction of m in the 64-bit
 * representation. R^2 mod m comes from the context's 2^(128n) mod m by
 * 104 nl - 128 n modular doublings (bn layer, no division). The dual
 * form (bn_ifma_mod_exp2_ct) interleaves the steps of two multiplications
 * in one loop: two independent dependency chains keep the multipliers
 * busy (OpenSSL's rsaz_avx512 code does the same for RSA-2048).
 *
 * Measured on AMD Zen 4 (VPMADD52 on zmm: one per cycle, latency 4), GCC
 * 12 and Clang 14: an AMM of 1024-bit operands takes about 370 cycles
 * alone and 265 in the dual form (the limit is the vector unit: 10
 * multiply-adds plus shifts, additions and broadcasts per step); 1536 /
 * 2048 bits: about 530 / 900 in the dual form. A 1024-bit exponentiation
 * with a 1024-bit exponent: 150 us alone, 100 us each in the dual form
 * (OpenSSL 3.0's AVX-512 IFMA code: 104 us; bn_mod_exp_ct with MULX:
 * 295 us). RSA-2048 signatures with the dual form: about 1.05 times
 * OpenSSL 3.0's rate; RSA-3072 and -4096 (for which OpenSSL 3.0 has no
 * IFMA code): about 2.7 times.
 *
 * Constant time. Secret: the bases, the exponents, the moduli (primes p,
 * q), every intermediate. Public: n, nl, nz, the exponent bit length, the
 * window width, loop counts. The instructions used (VPMADD52*, VPADDQ,
 * VALIGNQ, VPCMPUQ, KMOV, VPBROADCASTQ, VMOVQ/VPEXTRQ, MULX, IMUL, ADD,
 * shifts, logic) take the same time whatever their operands (measured
 * for VPMADD52LUQ/HUQ on Zen 4 with zero, small, random and all-ones
 * operands: no difference); no branch and no address depends on a
 * secret: loops run to public counts, the exponent's window bits only
 * feed mask computations (bn_mask_eq), and the carry masks of the
 * normalisation are write masks of register-to-register additions (no
 * masked loads or stores, whose timing could depend on the mask).
 * valgrind 3.19 cannot run AVX-512 code, so the memcheck-based ctgrind
 * check covers the scalar helpers only; tests/unit/bn_ifma_ctgrind.c
 * says how the kernels were checked instead.
 *
 * Zeroisation (FIPS 140-3 AS09.28): the caller's scratch (tables,
 * accumulators, the radix-2^52 modulus) and the exponentiation's own
 * stack record (k0) are wiped before returning, and the vector and mask
 * registers are cleared (ifma_clear_regs). Values the compiler spills
 * from registers to the stack inside the kernels are out of reach of C
 * and are not wiped (as for the kernels of bn.c and bn_mulx.c).
 *
 * Per-function target attributes (never global -m flags): these functions
 * run only when bn_ifma_available() said so, i.e. cpu.c reported AVX-512
 * F/VL/BW (with the OS saving the ZMM state), AVX512_IFMA and BMI2.
 */
#include "bn_internal.h"

#define FIPSMOD_RSA_BN_IFMA 1 /* lets a test include this file only once */

/*
 * The sizes. (Guarded: bn_internal.h may carry the same definitions, for
 * callers such as rsa.c that size their scratch with them.)
 */
#ifndef BN_IFMA_NL

/* Smallest and largest 64-bit limb counts the IFMA code takes. */
#define BN_IFMA_MIN_LIMBS 7
#define BN_IFMA_MAX_LIMBS 32

/* 52-bit limbs, zmm registers and words per value in memory for an
 * n-limb modulus (n public). */
#define BN_IFMA_NL(n) ((64 * (size_t)(n) + 2 + 51) / 52)
#define BN_IFMA_NZ(n) ((BN_IFMA_NL(n) + 7) / 8)
#define BN_IFMA_VW(n) (8 * ((BN_IFMA_NL(n) + 8) / 8))

/* Values per exponentiation in scratch besides the table: m, R^2 mod m,
 * 1, the accumulator, the looked-up entry. */
#define BN_IFMA_EXP_VALUES 5

/*
 * Scratch, in 64-bit words, for bn_ifma_mod_exp_ct and bn_ifma_mod_exp2_ct
 * with an n-limb modulus: per exponentiation a table of 2^BN_EXP_WINDOW_MAX
 * values and five more, plus 8 words to align to 64 bytes.
 * n = 16: 896 words (7 KB); dual, n = 32: 3560 words (27.8 KB).
 */
#define BN_IFMA_EXP_SCRATCH_LIMBS(n) \
    ((((size_t)1 << BN_EXP_WINDOW_MAX) + BN_IFMA_EXP_VALUES) * BN_IFMA_VW(n) + 8)
#define BN_IFMA_EXP2_SCRATCH_LIMBS(n) \
    (2 * (((size_t)1 << BN_EXP_WINDOW_MAX) + BN_IFMA_EXP_VALUES) * BN_IFMA_VW(n) + 8)

#endif /* BN_IFMA_NL */

#define BN_IFMA_MASK52 0xfffffffffffffULL

#ifndef FM_CPU_AVX512IFMA
#error "bn_ifma.c needs FM_CPU_AVX512IFMA (fipsmod/cpu.h, cpu.c)"
#endif
#define BN_IFMA_NEEDS (FM_CPU_AVX512 | FM_CPU_AVX512IFMA | FM_CPU_BMI2)

/*
 * 1 if bn_ifma_mod_exp_ct / bn_ifma_mod_exp2_ct may run now for an
 * n-limb modulus: the CPU features are enabled (cpu.c) and n is a size
 * they take. Public inputs only.
 */
BN_API int bn_ifma_available(size_t n)
{
#if defined(__x86_64__)
    return n >= BN_IFMA_MIN_LIMBS && n <= BN_IFMA_MAX_LIMBS &&
           (cpu_enabled() & BN_IFMA_NEEDS) == BN_IFMA_NEEDS;
#else
    (void)n;
    return 0;
#endif
}

#if defined(__x86_64__)

/* ---- conversions (portable C; constant time: positions depend on indices) -- */

/* r[0..vw) = a[0..n) in radix 2^52; the limbs from nl on are zero. */
static void ifma_from64(uint64_t *r, size_t vw, const uint64_t *a, size_t n)
{
    for (size_t i = 0; i < vw; i++) {
        size_t pos = 52 * i, limb = pos / 64;
        unsigned off = (unsigned)(pos % 64);
        uint64_t v = 0;

        if (limb < n) {
            v = a[limb] >> off;
            if (off > 12 && limb + 1 < n)
                v |= a[limb + 1] << (64 - off);
        }
        r[i] = v & BN_IFMA_MASK52;
    }
}

/* r[0..n) = the low 64n bits of the normalised radix-2^52 value a[0..nl). */
static void ifma_to64(uint64_t *r, size_t n, const uint64_t *a, size_t nl)
{
    bn_zero(r, n);
    for (size_t i = 0; i < nl; i++) {
        size_t pos = 52 * i, limb = pos / 64;
        unsigned off = (unsigned)(pos % 64);

        if (limb < n)
            r[limb] |= a[i] << off;
        if (off > 12 && limb + 1 < n)
            r[limb + 1] |= a[i] >> (64 - off);
    }
}

/*
 * The constants of one exponentiation: m in radix 2^52, rr = R^2 mod m
 * (R = 2^(52 nl)), one = 1, k0 = -m^-1 mod 2^52; the sizes (public).
 */
typedef struct {
    uint64_t *m, *rr, *one;
    uint64_t k0;
    size_t n, nl, nz, vw;
    int half; /* the top register is a ymm */
} ifma_mod;

/* Set up im for the context c in m, rr, one (vw words each, zeroed);
 * tmp: n words of work area. */
static void ifma_mod_init(ifma_mod *im, const bn_mont_ctx *c, uint64_t *m, uint64_t *rr,
                          uint64_t *one, uint64_t *tmp)
{
    size_t n = c->n, nl = BN_IFMA_NL(n), vw = BN_IFMA_VW(n);

    im->m = m;
    im->rr = rr;
    im->one = one;
    im->n = n;
    im->nl = nl;
    im->nz = BN_IFMA_NZ(n);
    im->vw = vw;
    im->half = im->nz == 3 && nl <= 20;
    im->k0 = c->m0inv & BN_IFMA_MASK52; /* -m^-1 mod 2^64, reduced */
    ifma_from64(m, vw, c->m, n);
    one[0] = 1;
    /* c->rr = 2^(128n) mod m; 2^(104 nl) mod m takes 104 nl - 128 n >= 0
     * (nl >= 64n/52) more doublings, each followed by a masked
     * subtraction (constant time in m). */
    bn_copy(tmp, c->rr, n);
    for (size_t i = 128 * n; i < 104 * nl; i++) {
        uint64_t hi = bn_shl1(tmp, tmp, n);
        bn_csub(tmp, tmp, hi, c->m, n);
    }
    ifma_from64(rr, vw, tmp, n);
    wipe(tmp, n * sizeof tmp[0]);
}

#include <immintrin.h>

#define BN_IFMA_TARGET __attribute__((target("avx512f,avx512vl,avx512bw,avx512ifma,bmi2")))
#define BN_IFMA_INLINE static inline __attribute__((always_inline)) BN_IFMA_TARGET
#define BN_IFMA_NZ_MAX 5

/*
 * Per-register code, unrolled by hand: F(k) for k < nz, nz a constant.
 * (Loops, even with an unroll pragma, left Clang 14 with the register
 * arrays on the stack.)
 */
#define BN_IFMA_EACH(nz, F)     \
    do {                        \
        F(0);                   \
        if ((nz) > 1) { F(1); } \
        if ((nz) > 2) { F(2); } \
        if ((nz) > 3) { F(3); } \
        if ((nz) > 4) { F(4); } \
    } while (0)

__extension__ typedef unsigned __int128 ifma_u128;

/* ---- the kernels ----------------------------------------------------------- */

/*
 * One almost Montgomery multiplication in progress, at step j = 0 .. nl-1
 * (b_j: limb j of b; y_j: the step's Montgomery multiplier).
 *
 * Vector side. With lane l of step j standing for column j + l of the
 * running sum (64-bit lanes, no carries between them), step j adds
 * L_j = lo(a b_j) + lo(m y_j) and, one column up, H_j = hi(a b_j) +
 * hi(m y_j); lane 0 is then divisible by 2^52 and drops out. The state
 * is T_{j-1} (the sum after step j - 1's low halves, not yet shifted)
 * and H_{j-1}; step j computes
 *     S   = T_{j-1} shifted down one lane                 (VALIGNQ)
 *     G_j = H_{j-1} + lo(a b_j) + lo(m y_j)                (two multiply-adds)
 *     T_j = S + G_j
 *     H_j = hi(a b_j) + hi(m y_j)                          (two multiply-adds)
 * so the only vector chain carried from step to step is a shift and an
 * addition; everything that waits for y_j is a multiply-add away from
 * the end of the step. Lanes stay below 2^61 (at most 4 nl terms below
 * 2^52 each).
 *
 * Scalar side. y_j = -col_j m^-1 mod 2^52 needs col_j, the exact column
 * j, and only its low 52 bits matter. Through the vector unit it would
 * take a broadcast, multiply-adds, a shift and an extraction per step.
 * Instead col is carried in a general-purpose register:
 *     col_{j+1} = S[1] + G_j[1] + H_j[0] + carry_j + lo(a0 b_{j+1})
 *               = (S + H_{j-1} + lo(a b_j))[1]   (vector, lane 1)
 *               + hi(a0 b_j)                     (vector, lane 0 of hi(a b_j))
 *               + lo(m1 y_j) + hi(m0 y_j)        (scalar: IMUL, MULX)
 *               + carry_j + lo(a0 b_{j+1})       (scalar)
 * The vector lanes read here do not depend on y_j, so the chain from
 * y_j to y_{j+1} is IMUL (y_j) -> MULX / IMUL (m0 y_j, m1 y_j) -> two
 * additions. The carry out of column j needs no product: lo(m0 y_j) is
 * -col_j mod 2^52, so col_j + lo(m0 y_j) is col_j rounded up to a
 * multiple of 2^52 and carry_j = (col_j + 2^52 - 1) >> 52. y_j is
 * computed as ys = y_j 2^12 = col_j (k0 2^12) mod 2^64 (one IMUL
 * reduces it mod 2^52 for free), and with ys as the multiplier the
 * 128-bit products give hi52(m0 y_j) (the high word) and lo52(m1 y_j)
 * (the low word >> 12) directly.
 *
 * The lane 0 of the vector sum is never made exact (it misses the
 * carries); after the last step the exact column nl replaces it.
 */
typedef struct {
    __m512i a[BN_IFMA_NZ_MAX], m[BN_IFMA_NZ_MAX];
    __m512i t[BN_IFMA_NZ_MAX], h[BN_IFMA_NZ_MAX]; /* T_{j-1}, H_{j-1} */
    uint64_t a0, m0, m1, k0s; /* k0s = k0 2^12 mod 2^64 */
    uint64_t col;             /* col_j, exact, with lo(a0 b_j) */
    const uint64_t *b;
} ifma_amm_state;

BN_IFMA_INLINE void ifma_amm_start(ifma_amm_state *s, const uint64_t *a, const uint64_t *b,
                                   const ifma_mod *im, const int nz)
{
#define BN_IFMA_START(k)                                          \
    s->a[k] = _mm512_load_si512((const void *)(a + 8 * (k)));     \
    s->m[k] = _mm512_load_si512((const void *)(im->m + 8 * (k))); \
    s->t[k] = _mm512_setzero_si512();                             \
    s->h[k] = _mm512_setzero_si512()
    BN_IFMA_EACH(nz, BN_IFMA_START);
#undef BN_IFMA_START
    s->a0 = a[0];
    s->m0 = im->m[0];
    s->m1 = im->m[1];
    s->k0s = im->k0 << 12;
    s->col = (s->a0 * b[0]) & BN_IFMA_MASK52; /* column 0: lo(a0 b_0) */
    s->b = b;
}

/*
 * The top register of a "half" layout is handled with 256-bit operations
 * and kept in a 512-bit variable whose upper half is left undefined
 * (BN_IFMA_UP, no instruction): within the steps only its low 256 bits
 * and, as the upper source of the lane shift of the register below, its
 * lane 0 are read. ifma_amm_finish clears the upper half.
 */
#define BN_IFMA_LO256(x) _mm512_castsi512_si256(x)
#define BN_IFMA_UP(y) _mm512_castsi256_si512(y)

/*
 * Step j. b[j + 1] exists and is 0 for the last step (the arrays have a
 * zero word above the top limb). half: register nz - 1 has four lanes.
 */
BN_IFMA_INLINE void ifma_amm_step(ifma_amm_state *s, size_t j, const int nz, const int half)
{
    const __m512i zero = _mm512_setzero_si512();
    const __m256i zero4 = _mm256_setzero_si256();
    __m512i vb = _mm512_set1_epi64((long long)s->b[j]), vy;
    __m512i sh[BN_IFMA_NZ_MAX], ga[BN_IFMA_NZ_MAX], ha[BN_IFMA_NZ_MAX];

    /* The parts of a b_j (they do not wait for y_j) and the shift. */
#define BN_IFMA_A(k)                                                               \
    if (half && (k) == nz - 1) {                                                   \
        __m256i a4 = BN_IFMA_LO256(s->a[k]), b4 = BN_IFMA_LO256(vb);               \
        ha[k] = BN_IFMA_UP(_mm256_madd52hi_epu64(zero4, a4, b4));                  \
        ga[k] = BN_IFMA_UP(_mm256_madd52lo_epu64(BN_IFMA_LO256(s->h[k]), a4, b4));   \
        sh[k] = BN_IFMA_UP(_mm256_alignr_epi64(zero4, BN_IFMA_LO256(s->t[k]), 1));   \
    } else {                                                                       \
        ha[k] = _mm512_madd52hi_epu64(zero, s->a[k], vb);                          \
        ga[k] = _mm512_madd52lo_epu64(s->h[k], s->a[k], vb);                       \
        sh[k] = _mm512_alignr_epi64((k) + 1 < nz ? s->t[(k) + 1 < nz ? (k) + 1 : 0] \
                                                 : zero,                           \
                                    s->t[k], 1);                                   \
    }
    BN_IFMA_EACH(nz, BN_IFMA_A);
#undef BN_IFMA_A
    __m512i u = _mm512_add_epi64(sh[0], ga[0]); /* lane 1: S[1] + G_j[1] - lo(m1 y_j) */
    uint64_t x1 = (uint64_t)_mm_extract_epi64(_mm512_castsi512_si128(u), 1);
    uint64_t ha0 = (uint64_t)_mm_cvtsi128_si64(_mm512_castsi512_si128(ha[0]));

    /* The scalar side: y_j, then col_{j+1}. The barrier keeps the
     * compilers from moving the additions that do not need y_j onto the
     * chain. */
    uint64_t la0n = (s->a0 * s->b[j + 1]) & BN_IFMA_MASK52;
    uint64_t carry = (s->col + BN_IFMA_MASK52) >> 52;
    uint64_t base = bn_barrier(x1 + ha0 + carry + la0n);
    uint64_t ys = s->col * s->k0s; /* y_j 2^12 */
    uint64_t hm0 = (uint64_t)(((ifma_u128)s->m0 * ys) >> 64);
    uint64_t lm1 = (s->m1 * ys) >> 12;
    s->col = (base + hm0) + lm1;

    /* The parts of m y_j. */
    vy = _mm512_set1_epi64((long long)(ys >> 12));
#define BN_IFMA_M(k)                                                                   \
    if (half && (k) == nz - 1) {                                                       \
        __m256i m4 = BN_IFMA_LO256(s->m[k]), y4 = BN_IFMA_LO256(vy);                   \
        __m256i g4 = _mm256_madd52lo_epu64(BN_IFMA_LO256(ga[k]), m4, y4);              \
        s->h[k] = BN_IFMA_UP(_mm256_madd52hi_epu64(BN_IFMA_LO256(ha[k]), m4, y4));     \
        s->t[k] = BN_IFMA_UP(_mm256_add_epi64(BN_IFMA_LO256(sh[k]), g4));              \
    } else if ((k) == 0) {                                                             \
        s->h[k] = _mm512_madd52hi_epu64(ha[k], s->m[k], vy);                           \
        s->t[k] = _mm512_madd52lo_epu64(u, s->m[k], vy);                               \
    } else {                                                                           \
        s->h[k] = _mm512_madd52hi_epu64(ha[k], s->m[k], vy);                           \
        s->t[k] = _mm512_add_epi64(sh[k], _mm512_madd52lo_epu64(ga[k], s->m[k], vy));  \
    }
    BN_IFMA_EACH(nz, BN_IFMA_M);
#undef BN_IFMA_M
}

/*
 * Carry propagation: x (lanes below 2^63) becomes the same value with
 * every lane below 2^52. The value must fit in the 8 nz lanes (it is
 * below 2m < R here). No branch, no memory access.
 */
BN_IFMA_INLINE void ifma_normalize(__m512i *x, const int nz)
{
    const __m512i mask = _mm512_set1_epi64((long long)BN_IFMA_MASK52);
    const __m512i one = _mm512_set1_epi64(1);
    __m512i hi[BN_IFMA_NZ_MAX];
    uint64_t g = 0, p = 0, cin;

    /* Pass 1: bits 52 and up of lane l go to lane l + 1. */
#define BN_IFMA_N1(k)                                                     \
    hi[k] = _mm512_srli_epi64(x[k], 52);                                  \
    x[k] = _mm512_and_si512(x[k], mask)
#define BN_IFMA_N2(k)                                                     \
    x[k] = _mm512_add_epi64(                                              \
        x[k], _mm512_alignr_epi64(hi[k], (k) > 0 ? hi[(k) > 0 ? (k) - 1 : 0] : \
                                                   _mm512_setzero_si512(), 7))
    BN_IFMA_EACH(nz, BN_IFMA_N1);
    BN_IFMA_EACH(nz, BN_IFMA_N2);
    /* Pass 2: now a lane is below 2^52 + 2^12, so it carries at most 1:
     * it generates one when above 2^52 - 1 and passes an incoming one on
     * when equal to 2^52 - 1. g and p exclude each other, so the carries
     * into the lanes are those of the addition (g << 1) + p: the bits of
     * ((g << 1) + p) ^ p. */
#define BN_IFMA_N3(k)                                                     \
    g |= (uint64_t)_mm512_cmpgt_epu64_mask(x[k], mask) << (8 * (k));      \
    p |= (uint64_t)_mm512_cmpeq_epu64_mask(x[k], mask) << (8 * (k))
#define BN_IFMA_N4(k)                                                     \
    x[k] = _mm512_and_si512(                                              \
        _mm512_mask_add_epi64(x[k], (__mmask8)(cin >> (8 * (k))), x[k], one), mask)
    BN_IFMA_EACH(nz, BN_IFMA_N3);
    cin = ((g << 1) + p) ^ p;
    BN_IFMA_EACH(nz, BN_IFMA_N4);
#undef BN_IFMA_N1
#undef BN_IFMA_N2
#undef BN_IFMA_N3
#undef BN_IFMA_N4
}

/* After the last step: X = (T shifted down one lane) + H, with the exact
 * column nl in lane 0; normalise; store. */
BN_IFMA_INLINE void ifma_amm_finish(ifma_amm_state *s, uint64_t *r, const int nz,
                                    const int half)
{
    const __m512i zero = _mm512_setzero_si512();
    __m512i x[BN_IFMA_NZ_MAX];

    if (half) {
        s->t[nz - 1] = _mm512_zextsi256_si512(BN_IFMA_LO256(s->t[nz - 1]));
        s->h[nz - 1] = _mm512_zextsi256_si512(BN_IFMA_LO256(s->h[nz - 1]));
    }

#define BN_IFMA_F(k)                                                               \
    x[k] = _mm512_add_epi64(                                                       \
        _mm512_alignr_epi64((k) + 1 < nz ? s->t[(k) + 1 < nz ? (k) + 1 : 0] : zero, \
                            s->t[k], 1),                                           \
        s->h[k])
#define BN_IFMA_S(k) _mm512_store_si512((void *)(r + 8 * (k)), x[k])
    BN_IFMA_EACH(nz, BN_IFMA_F);
    x[0] = _mm512_mask_set1_epi64(x[0], 1, (long long)s->col);
    ifma_normalize(x, nz);
    BN_IFMA_EACH(nz, BN_IFMA_S);
#undef BN_IFMA_F
#undef BN_IFMA_S
}

/*
 * r = a b R^-1 mod m up to one m (r < 2m), for normalised a, b < 2m; r may
 * alias a or b (both are read before r is written). 64-byte aligned, vw
 * words each, the words from nl on zero. nz and half are constants in
 * every caller (the instances below), so the register arrays stay in
 * registers.
 */
BN_IFMA_INLINE void ifma_amm1(uint64_t *r, const uint64_t *a, const uint64_t *b,
                              const ifma_mod *im, const int nz, const int half)
{
    ifma_amm_state s;
    size_t nl = im->nl;

    ifma_amm_start(&s, a, b, im, nz);
    for (size_t j = 0; j < nl; j++)
        ifma_amm_step(&s, j, nz, half);
    ifma_amm_finish(&s, r, nz, half);
}

/* Two independent multiplications (same nl), their steps interleaved. */
BN_IFMA_INLINE void ifma_amm2(uint64_t *r1, const uint64_t *a1, const uint64_t *b1,
                              const ifma_mod *im1, uint64_t *r2, const uint64_t *a2,
                              const uint64_t *b2, const ifma_mod *im2, const int nz,
                              const int half)
{
    ifma_amm_state s1, s2;
    size_t nl = im1->nl;

    ifma_amm_start(&s1, a1, b1, im1, nz);
    ifma_amm_start(&s2, a2, b2, im2, nz);
    for (size_t j = 0; j < nl; j++) {
        ifma_amm_step(&s1, j, nz, half);
        ifma_amm_step(&s2, j, nz, half);
    }
    ifma_amm_finish(&s1, r1, nz, half);
    ifma_amm_finish(&s2, r2, nz, half);
}

/* The instances: NZ registers, the top one half (H = 1) or whole. */
#define BN_IFMA_INSTANCES(NZ, H)                                                      \
    BN_IFMA_TARGET static void ifma_amm1_##NZ##_##H(uint64_t *r, const uint64_t *a,    \
                                                    const uint64_t *b, const ifma_mod *im) \
    {                                                                                 \
        ifma_amm1(r, a, b, im, NZ, H);                                                \
    }                                                                                 \
    BN_IFMA_TARGET static void ifma_amm2_##NZ##_##H(                                  \
        uint64_t *r1, const uint64_t *a1, const uint64_t *b1, const ifma_mod *im1,    \
        uint64_t *r2, const uint64_t *a2, const uint64_t *b2, const ifma_mod *im2)    \
    {                                                                                 \
        ifma_amm2(r1, a1, b1, im1, r2, a2, b2, im2, NZ, H);                           \
    }

BN_IFMA_INSTANCES(2, 0)
BN_IFMA_INSTANCES(3, 1)
BN_IFMA_INSTANCES(3, 0)
BN_IFMA_INSTANCES(4, 0)
BN_IFMA_INSTANCES(5, 0)

/* The AMM for im's size (the choice depends on public sizes only). */
BN_IFMA_TARGET static void ifma_mul(uint64_t *r, const uint64_t *a, const uint64_t *b,
                                    const ifma_mod *im)
{
    switch (im->nz) {
    case 2: ifma_amm1_2_0(r, a, b, im); break;
    case 3:
        if (im->half)
            ifma_amm1_3_1(r, a, b, im);
        else
            ifma_amm1_3_0(r, a, b, im);
        break;
    case 4: ifma_amm1_4_0(r, a, b, im); break;
    default: ifma_amm1_5_0(r, a, b, im); break;
    }
}

/* Two AMMs with moduli of the same size, interleaved. */
BN_IFMA_TARGET static void ifma_mul2(uint64_t *r1, const uint64_t *a1, const uint64_t *b1,
                                     const ifma_mod *im1, uint64_t *r2, const uint64_t *a2,
                                     const uint64_t *b2, const ifma_mod *im2)
{
    switch (im1->nz) {
    case 2: ifma_amm2_2_0(r1, a1, b1, im1, r2, a2, b2, im2); break;
    case 3:
        if (im1->half)
            ifma_amm2_3_1(r1, a1, b1, im1, r2, a2, b2, im2);
        else
            ifma_amm2_3_0(r1, a1, b1, im1, r2, a2, b2, im2);
        break;
    case 4: ifma_amm2_4_0(r1, a1, b1, im1, r2, a2, b2, im2); break;
    default: ifma_amm2_5_0(r1, a1, b1, im1, r2, a2, b2, im2); break;
    }
}

/*
 * r = table[idx] for a secret idx < entries (entries of vw words, the
 * first 8 nz of them used): every entry is loaded and kept or dropped by
 * a mask (AND, OR in one VPTERNLOGQ), so no address depends on idx.
 */
BN_IFMA_INLINE void ifma_lookup_nz(uint64_t *r, const uint64_t *table, size_t entries,
                                   uint64_t idx, size_t vw, const int nz)
{
    __m512i acc[BN_IFMA_NZ_MAX];

#define BN_IFMA_L0(k) acc[k] = _mm512_setzero_si512()
#define BN_IFMA_L1(k)                                                               \
    acc[k] = _mm512_ternarylogic_epi64(                                             \
        acc[k], _mm512_load_si512((const void *)(table + i * vw + 8 * (k))), keep,  \
        0xf8) /* acc | (entry & keep) */
#define BN_IFMA_L2(k) _mm512_store_si512((void *)(r + 8 * (k)), acc[k])
    BN_IFMA_EACH(nz, BN_IFMA_L0);
    for (size_t i = 0; i < entries; i++) {
        __m512i keep = _mm512_set1_epi64((long long)bn_mask_eq((uint64_t)i, idx));
        BN_IFMA_EACH(nz, BN_IFMA_L1);
    }
    BN_IFMA_EACH(nz, BN_IFMA_L2);
#undef BN_IFMA_L0
#undef BN_IFMA_L1
#undef BN_IFMA_L2
}

BN_IFMA_TARGET static void ifma_lookup(uint64_t *r, const uint64_t *table, size_t entries,
                                       uint64_t idx, const ifma_mod *im)
{
    switch (im->nz) {
    case 2: ifma_lookup_nz(r, table, entries, idx, im->vw, 2); break;
    case 3: ifma_lookup_nz(r, table, entries, idx, im->vw, 3); break;
    case 4: ifma_lookup_nz(r, table, entries, idx, im->vw, 4); break;
    default: ifma_lookup_nz(r, table, entries, idx, im->vw, 5); break;
    }
}

/*
 * Clear every vector and mask register (they held limbs of secrets).
 * VZEROALL clears zmm0-15 whole; zmm16-31 need their own.
 */
BN_IFMA_TARGET static void ifma_clear_regs(void)
{
    __asm__ __volatile__("vzeroall\n\t"
                         "vpxord %%zmm16, %%zmm16, %%zmm16\n\t"
                         "vpxord %%zmm17, %%zmm17, %%zmm17\n\t"
                         "vpxord %%zmm18, %%zmm18, %%zmm18\n\t"
                         "vpxord %%zmm19, %%zmm19, %%zmm19\n\t"
                         "vpxord %%zmm20, %%zmm20, %%zmm20\n\t"
                         "vpxord %%zmm21, %%zmm21, %%zmm21\n\t"
                         "vpxord %%zmm22, %%zmm22, %%zmm22\n\t"
                         "vpxord %%zmm23, %%zmm23, %%zmm23\n\t"
                         "vpxord %%zmm24, %%zmm24, %%zmm24\n\t"
                         "vpxord %%zmm25, %%zmm25, %%zmm25\n\t"
                         "vpxord %%zmm26, %%zmm26, %%zmm26\n\t"
                         "vpxord %%zmm27, %%zmm27, %%zmm27\n\t"
                         "vpxord %%zmm28, %%zmm28, %%zmm28\n\t"
                         "vpxord %%zmm29, %%zmm29, %%zmm29\n\t"
                         "vpxord %%zmm30, %%zmm30, %%zmm30\n\t"
                         "vpxord %%zmm31, %%zmm31, %%zmm31\n\t"
                         "kxorq %%k1, %%k1, %%k1\n\t"
                         "kxorq %%k2, %%k2, %%k2\n\t"
                         "kxorq %%k3, %%k3, %%k3\n\t"
                         "kxorq %%k4, %%k4, %%k4\n\t"
                         "kxorq %%k5, %%k5, %%k5\n\t"
                         "kxorq %%k6, %%k6, %%k6\n\t"
                         "kxorq %%k7, %%k7, %%k7\n\t"
                         :
                         :
                         : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
                           "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
                           "xmm15", "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21",
                           "xmm22", "xmm23", "xmm24", "xmm25", "xmm26", "xmm27", "xmm28",
                           "xmm29", "xmm30", "xmm31", "k1", "k2", "k3", "k4", "k5", "k6",
                           "k7");
}

/* ---- exponentiation --------------------------------------------------------- */

/* One exponentiation's area in scratch (64-byte aligned, vw words per
 * value): the constants, the table and the running values. */
typedef struct {
    ifma_mod im;
    uint64_t *table, *acc, *ent;
} ifma_exp;

static uint64_t *ifma_align64(uint64_t *p)
{
    return (uint64_t *)(((uintptr_t)p + 63) & ~(uintptr_t)63);
}

/* Lay out an exponentiation in s (BN_IFMA_EXP_SCRATCH_LIMBS(n) - 8 words,
 * aligned), zero it, and set up its constants. */
static void ifma_exp_init(ifma_exp *x, uint64_t *s, const bn_mont_ctx *c)
{
    size_t vw = BN_IFMA_VW(c->n);

    bn_zero(s, BN_IFMA_EXP_SCRATCH_LIMBS(c->n) - 8);
    x->acc = s + 3 * vw;
    x->ent = s + 4 * vw;
    x->table = s + BN_IFMA_EXP_VALUES * vw;
    /* The table's area is free until the table is built: the work area
     * of the R^2 computation (wiped there). */
    ifma_mod_init(&x->im, c, s, s + vw, s + 2 * vw, x->table);
}

/* The table: table[i] = a^i R mod m (up to one m), entries >= 2. */
BN_IFMA_TARGET static void ifma_exp_table(ifma_exp *x, const uint64_t *a, size_t entries)
{
    const ifma_mod *im = &x->im;
    size_t vw = im->vw;
    uint64_t *t = x->table;

    ifma_from64(x->ent, vw, a, im->n);
    ifma_mul(t, im->rr, im->one, im);   /* R mod m */
    ifma_mul(t + vw, x->ent, im->rr, im); /* a R mod m: a < 2^(64n) keeps the bound */
    for (size_t i = 2; i < entries; i++) {
        if (i % 2 == 0)
            ifma_mul(t + i * vw, t + i / 2 * vw, t + i / 2 * vw, im);
        else
            ifma_mul(t + i * vw, t + (i - 1) * vw, t + vw, im);
    }
}

BN_IFMA_TARGET static void ifma_exp_table2(ifma_exp *x1, const uint64_t *a1, ifma_exp *x2,
                                           const uint64_t *a2, size_t entries)
{
    const ifma_mod *i1 = &x1->im, *i2 = &x2->im;
    size_t vw = i1->vw;
    uint64_t *t1 = x1->table, *t2 = x2->table;

    ifma_from64(x1->ent, vw, a1, i1->n);
    ifma_from64(x2->ent, vw, a2, i2->n);
    ifma_mul2(t1, i1->rr, i1->one, i1, t2, i2->rr, i2->one, i2);
    ifma_mul2(t1 + vw, x1->ent, i1->rr, i1, t2 + vw, x2->ent, i2->rr, i2);
    for (size_t i = 2; i < entries; i++) {
        size_t u = i % 2 == 0 ? i / 2 : i - 1, v = i % 2 == 0 ? i / 2 : 1;
        ifma_mul2(t1 + i * vw, t1 + u * vw, t1 + v * vw, i1, t2 + i * vw, t2 + u * vw,
                  t2 + v * vw, i2);
    }
}

/* r = x->ent (= acc R^-1 mod m up to one m, and <= m since acc < R) as
 * 64-bit limbs, minus m when >= m. */
static void ifma_exp_out(uint64_t *r, const ifma_exp *x, const bn_mont_ctx *c)
{
    ifma_to64(r, c->n, x->ent, x->im.nl);
    bn_csub(r, r, 0, c->m, c->n);
}

/*
 * r = a^e mod m with the contract of bn_mod_exp_ct (bn_internal.h): a
 * secret base a (any n-limb value) and exponent e of public bit length
 * ebits (bits at or above ebits ignored); a^0 = 1, 0^e = 0 for e > 0;
 * constant time. For contexts of BN_IFMA_MIN_LIMBS..BN_IFMA_MAX_LIMBS
 * limbs, when bn_ifma_available(c->n). scratch:
 * BN_IFMA_EXP_SCRATCH_LIMBS(c->n) words, any alignment, wiped on return.
 * r may alias a.
 */
BN_IFMA_TARGET BN_API void bn_ifma_mod_exp_ct(uint64_t *r, const uint64_t *a, const uint64_t *e,
                                              size_t ebits, const bn_mont_ctx *c,
                                              uint64_t *scratch)
{
    unsigned w = bn_exp_window(ebits);
    size_t entries = (size_t)1 << w;
    ifma_exp x;

    ifma_exp_init(&x, ifma_align64(scratch), c);
    ifma_exp_table(&x, a, entries);
    if (ebits == 0) {
        bn_copy(x.acc, x.table, x.im.vw);
    } else {
        /* As bn_mod_exp_ct: windows from the top, the first one possibly
         * narrower; every window costs w squarings, one table scan and
         * one multiplication whatever its bits. */
        size_t nwin = (ebits + w - 1) / w;
        size_t pos = (nwin - 1) * w;
        ifma_lookup(x.acc, x.table, entries, bn_exp_bits(e, pos, (unsigned)(ebits - pos)),
                    &x.im);
        while (pos > 0) {
            pos -= w;
            for (unsigned i = 0; i < w; i++)
                ifma_mul(x.acc, x.acc, x.acc, &x.im);
            ifma_lookup(x.ent, x.table, entries, bn_exp_bits(e, pos, w), &x.im);
            ifma_mul(x.acc, x.acc, x.ent, &x.im);
        }
    }
    ifma_mul(x.ent, x.acc, x.im.one, &x.im);
    ifma_exp_out(r, &x, c);
    wipe(scratch, BN_IFMA_EXP_SCRATCH_LIMBS(c->n) * sizeof scratch[0]);
    wipe(&x, sizeof x); /* k0 = -m^-1 mod 2^52 */
    ifma_clear_regs();
}

/*
 * Two exponentiations at once, the steps of their multiplications
 * interleaved: r1 = a1^e1 mod m1 and r2 = a2^e2 mod m2, each with the
 * contract of bn_ifma_mod_exp_ct, for contexts of the same size
 * (c1->n == c2->n, bn_ifma_available(c1->n)) and exponents of the same
 * public bit length ebits (the two CRT halves of an RSA key whose primes
 * have the same length). scratch: BN_IFMA_EXP2_SCRATCH_LIMBS(c1->n)
 * words, any alignment, wiped on return. r1 may alias a1 and r2 may alias
 * a2; the two operations share no other memory.
 */
BN_IFMA_TARGET BN_API void bn_ifma_mod_exp2_ct(uint64_t *r1, const uint64_t *a1,
                                               const uint64_t *e1, const bn_mont_ctx *c1,
                                               uint64_t *r2, const uint64_t *a2,
                                               const uint64_t *e2, const bn_mont_ctx *c2,
                                               size_t ebits, uint64_t *scratch)
{
    unsigned w = bn_exp_window(ebits);
    size_t entries = (size_t)1 << w;
    uint64_t *s = ifma_align64(scratch);
    ifma_exp x1, x2;

    ifma_exp_init(&x1, s, c1);
    ifma_exp_init(&x2, s + (BN_IFMA_EXP_SCRATCH_LIMBS(c1->n) - 8), c2);
    ifma_exp_table2(&x1, a1, &x2, a2, entries);
    if (ebits == 0) {
        bn_copy(x1.acc, x1.table, x1.im.vw);
        bn_copy(x2.acc, x2.table, x2.im.vw);
    } else {
        size_t nwin = (ebits + w - 1) / w;
        size_t pos = (nwin - 1) * w;
        unsigned top = (unsigned)(ebits - pos);
        ifma_lookup(x1.acc, x1.table, entries, bn_exp_bits(e1, pos, top), &x1.im);
        ifma_lookup(x2.acc, x2.table, entries, bn_exp_bits(e2, pos, top), &x2.im);
        while (pos > 0) {
            pos -= w;
            for (unsigned i = 0; i < w; i++)
                ifma_mul2(x1.acc, x1.acc, x1.acc, &x1.im, x2.acc, x2.acc, x2.acc, &x2.im);
            ifma_lookup(x1.ent, x1.table, entries, bn_exp_bits(e1, pos, w), &x1.im);
            ifma_lookup(x2.ent, x2.table, entries, bn_exp_bits(e2, pos, w), &x2.im);
            ifma_mul2(x1.acc, x1.acc, x1.ent, &x1.im, x2.acc, x2.acc, x2.ent, &x2.im);
        }
    }
    ifma_mul2(x1.ent, x1.acc, x1.im.one, &x1.im, x2.ent, x2.acc, x2.im.one, &x2.im);
    ifma_exp_out(r1, &x1, c1);
    ifma_exp_out(r2, &x2, c2);
    wipe(scratch, BN_IFMA_EXP2_SCRATCH_LIMBS(c1->n) * sizeof scratch[0]);
    wipe(&x1, sizeof x1);
    wipe(&x2, sizeof x2);
    ifma_clear_regs();
}

#else /* not x86-64: never available (bn_ifma_available() is 0); the names
       * exist so that callers compile everywhere. The scratch sizes above
       * exceed BN_EXP_SCRATCH_LIMBS(n) for every n they take. */

BN_API void bn_ifma_mod_exp_ct(uint64_t *r, const uint64_t *a, const uint64_t *e, size_t ebits,
                               const bn_mont_ctx *c, uint64_t *scratch)
{
    bn_mod_exp_ct(r, a, e, ebits, c, scratch);
}

BN_API void bn_ifma_mod_exp2_ct(uint64_t *r1, const uint64_t *a1, const uint64_t *e1,
                                const bn_mont_ctx *c1, uint64_t *r2, const uint64_t *a2,
                                const uint64_t *e2, const bn_mont_ctx *c2, size_t ebits,
                                uint64_t *scratch)
{
    bn_mod_exp_ct(r1, a1, e1, ebits, c1, scratch);
    bn_mod_exp_ct(r2, a2, e2, ebits, c2, scratch);
}

#endif
