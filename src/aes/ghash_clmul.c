/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GHASH (SP 800-38D section 6.4) with the x86 PCLMULQDQ instruction: for
 * each 16-byte block X, y = (y ^ X) * H in GF(2^128) (section 6.3).
 *
 * Representation. A block is byte-reversed into an xmm register, which
 * makes it the 128-bit integer whose bit 127 - i is the spec's bit x_i:
 * the field element with its bit order mirrored. PCLMULQDQ multiplies such
 * integers as polynomials over GF(2) (in the mirrored variable u), giving
 * the mirrored product. Reduction is done in the mirrored form as a
 * Montgomery-style division by u^128 modulo Q(u) = u^128 + u^127 + u^126 +
 * u^121 + 1, the mirror of the GCM polynomial x^128 + x^7 + x^2 + x + 1
 * (Gueron and Kounavis, "Intel Carry-Less Multiplication Instruction and
 * its Usage for Computing the GCM Mode", rev. 2.02, 2014): two
 * multiplications by the 64-bit constant u^63 + u^62 + u^57 clear the low
 * 128 bits. The division leaves a factor u^-1, so the table stores
 * H' = H * u mod Q (and its powers in the same form) and products come out
 * exact, with no 256-bit shift per block.
 *
 * Aggregated reduction. Eight blocks at a time are folded as
 *   y' = (y ^ X1) H^8 ^ X2 H^7 ^ ... ^ X8 H
 * which is the same value as eight sequential steps (distributivity), but
 * the eight products are independent (they overlap in the multiplier
 * pipeline) and share one reduction. Each 128x128 product uses Karatsuba:
 * three PCLMULQDQs, with the XOR of the two halves of each power of H
 * precomputed. Fewer than eight remaining blocks are aggregated the same
 * way with H^n .. H^1.
 *
 * Table (uint64_t words, 16-byte slots, all derived from H, secret):
 *   slot k (words 2k, 2k+1), k = 0..7: (H^(k+1))' as a 128-bit integer,
 *     low word first, i.e. an xmm register image;
 *   word 16 + k, k = 0..7: the Karatsuba term lo ^ hi of (H^(k+1))';
 *   words 24..63: zero.
 * The table is also used by aes_gcm_ni_* (gcm_ni.c), which depends on
 * this layout.
 *
 * Constant time: PCLMULQDQ, PSHUFB and the vector logic run in a time
 * independent of their operands; there is no branch or memory index on
 * H, y or the data. The block count is public. Values derived from H and y
 * stay in xmm registers: the loads of the table are kept inside the loop
 * and the running sums in order (see ghash_clmul_opaque and
 * ghash_clmul_acc), and with that GCC 12 and Clang 14 at -O2 on x86-64
 * spill nothing to the stack in these functions (checked on the generated
 * code), so there is no stack copy to wipe. Compiled with per-function
 * target attributes, nothing beyond SSSE3 + PCLMULQDQ (no SSE4.1, no
 * VEX); only called when cpuid reported PCLMULQDQ and SSSE3 (cpu.c).
 */
#include "aes_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define CLMUL_TARGET __attribute__((target("aes,pclmul,sse2,ssse3")))

#define GHASH_CLMUL_POWERS 8
#define GHASH_CLMUL_KOFF 16  /* word offset of the Karatsuba halves */
#define GHASH_CLMUL_USED 24
_Static_assert(GHASH_CLMUL_USED <= GHASH_TAB_WORDS, "ghash_clmul table does not fit");

/* Byte reversal of a whole block (block <-> mirrored integer). */
CLMUL_TARGET
static inline __m128i ghash_clmul_bswap_mask(void)
{
    return _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
}

/* The 64-bit reduction constant u^63 + u^62 + u^57 (low 128 bits of Q
 * other than the 1, divided by u^64), in the low lane. */
CLMUL_TARGET
static inline __m128i ghash_clmul_poly(void)
{
    return _mm_set_epi64x(0, (long long)0xC200000000000000u);
}

/*
 * Montgomery division by u^128 of the 256-bit value hi:lo, modulo Q.
 * With lo = [w1:w0]: adding w0 * Q clears w0 (Q = 1 mod u^64) and adds
 * w0 * (u^121 + u^126 + u^127) = (w0 * poly) << 64 and w0 << 128. The
 * lane swap moves w0 up to where w0 << 128 lands once lo is later folded
 * into hi, and the product goes in at the same time. The second step does
 * the same for the updated w1.
 */
CLMUL_TARGET
static inline __m128i ghash_clmul_reduce(__m128i lo, __m128i hi)
{
    __m128i poly = ghash_clmul_poly();
    __m128i t;

    t = _mm_clmulepi64_si128(lo, poly, 0x00);
    lo = _mm_xor_si128(_mm_shuffle_epi32(lo, 0x4e), t);
    t = _mm_clmulepi64_si128(lo, poly, 0x00);
    lo = _mm_xor_si128(_mm_shuffle_epi32(lo, 0x4e), t);
    return _mm_xor_si128(hi, lo);
}

/* One full product a * b' (b' already times u), reduced. */
CLMUL_TARGET
static inline __m128i ghash_clmul_mul(__m128i a, __m128i b)
{
    __m128i lo = _mm_clmulepi64_si128(a, b, 0x00);
    __m128i hi = _mm_clmulepi64_si128(a, b, 0x11);
    __m128i mid = _mm_clmulepi64_si128(_mm_xor_si128(a, _mm_shuffle_epi32(a, 0x4e)),
                                       _mm_xor_si128(b, _mm_shuffle_epi32(b, 0x4e)), 0x00);

    mid = _mm_xor_si128(mid, _mm_xor_si128(lo, hi));
    lo = _mm_xor_si128(lo, _mm_slli_si128(mid, 8));
    hi = _mm_xor_si128(hi, _mm_srli_si128(mid, 8));
    return ghash_clmul_reduce(lo, hi);
}

/* see aes_internal.h */
CLMUL_TARGET
static void ghash_clmul_init(uint64_t tab[GHASH_TAB_WORDS], const uint8_t h[16])
{
    __m128i bswap = ghash_clmul_bswap_mask();
    __m128i x = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)h), bswap);
    /* H' = H * u mod Q: a 128-bit left shift by one, then the low 128 bits
     * of Q added under a mask made from the bit shifted out (bit 127 of
     * H, secret, so no branch). */
    __m128i carry = _mm_shuffle_epi32(_mm_srai_epi32(x, 31), 0xff);
    __m128i q = _mm_set_epi64x((long long)0xC200000000000000u, 1);
    __m128i h1, p;

    x = _mm_or_si128(_mm_slli_epi64(x, 1), _mm_slli_si128(_mm_srli_epi64(x, 63), 8));
    h1 = _mm_xor_si128(x, _mm_and_si128(carry, q));

    /* (H^(k+1))' = (H^k)' * H' * u^-128 (see ghash_clmul_mul). */
    p = h1;
    for (int k = 0; k < GHASH_CLMUL_POWERS; k++) {
        __m128i kh = _mm_xor_si128(p, _mm_shuffle_epi32(p, 0x4e));

        _mm_storeu_si128((__m128i *)(tab + 2 * k), p);
        _mm_storel_epi64((__m128i *)(tab + GHASH_CLMUL_KOFF + k), kh);
        p = ghash_clmul_mul(p, h1);
    }
    for (int i = GHASH_CLMUL_USED; i < GHASH_TAB_WORDS; i++)
        tab[i] = 0;
}

/*
 * Hide a pointer's value from the optimizer. Without this, GCC and Clang
 * hoist the loads of the eight powers of H out of the loop and, short of
 * registers, park copies of them in the stack frame (secret material
 * that nothing would wipe). Reloading them each iteration costs one L1
 * load per use, off the critical path.
 */
static inline const void *ghash_clmul_opaque(const void *p)
{
    __asm__("" : "+r"(p));
    return p;
}

/*
 * Accumulate the unreduced Karatsuba pieces of x * (H^(k+1))' into lo,
 * hi and mid (k = 0..7, public); the middle term is recombined once,
 * after all blocks of a group (ghash_clmul_finish).
 */
CLMUL_TARGET
static inline void ghash_clmul_acc(const uint64_t tab[GHASH_TAB_WORDS], __m128i x, size_t k,
                                   __m128i *lo, __m128i *hi, __m128i *mid)
{
    __m128i p = _mm_loadu_si128((const __m128i *)(tab + 2 * k));
    __m128i kh = _mm_loadl_epi64((const __m128i *)(tab + GHASH_CLMUL_KOFF + k));

    *lo = _mm_xor_si128(*lo, _mm_clmulepi64_si128(x, p, 0x00));
    *hi = _mm_xor_si128(*hi, _mm_clmulepi64_si128(x, p, 0x11));
    *mid = _mm_xor_si128(*mid, _mm_clmulepi64_si128(_mm_xor_si128(x, _mm_shuffle_epi32(x, 0x4e)),
                                                    kh, 0x00));
    /* Keep the running sums running: GCC otherwise reassociates the XOR
     * chains of a whole group into a tree, which holds all 24 products at
     * once and spills them (secret) to the stack. */
    __asm__("" : "+x"(*lo), "+x"(*hi), "+x"(*mid));
}

/* Karatsuba recombination and reduction of accumulated pieces. */
CLMUL_TARGET
static inline __m128i ghash_clmul_finish(__m128i lo, __m128i hi, __m128i mid)
{
    mid = _mm_xor_si128(mid, _mm_xor_si128(lo, hi));
    lo = _mm_xor_si128(lo, _mm_slli_si128(mid, 8));
    hi = _mm_xor_si128(hi, _mm_srli_si128(mid, 8));
    return ghash_clmul_reduce(lo, hi);
}

/*
 * Absorb n blocks (1..8) into the mirrored accumulator y with one
 * reduction: block i (0-based) is multiplied by H^(n-i), and y joins the
 * first block. n is public.
 */
CLMUL_TARGET
static inline __m128i ghash_clmul_absorb(const uint64_t tab[GHASH_TAB_WORDS], __m128i y,
                                         const uint8_t *in, size_t n)
{
    __m128i bswap = ghash_clmul_bswap_mask();
    __m128i x = _mm_xor_si128(y, _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)in), bswap));
    __m128i lo = _mm_setzero_si128(), hi = _mm_setzero_si128(), mid = _mm_setzero_si128();

    ghash_clmul_acc(tab, x, n - 1, &lo, &hi, &mid);
    for (size_t i = 1; i < n; i++) {
        x = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(in + 16 * i)), bswap);
        ghash_clmul_acc(tab, x, n - 1 - i, &lo, &hi, &mid);
    }
    return ghash_clmul_finish(lo, hi, mid);
}

/* see aes_internal.h */
CLMUL_TARGET
static void ghash_clmul_blocks(const uint64_t tab[GHASH_TAB_WORDS], uint8_t y[16],
                               const uint8_t *in, size_t nblocks)
{
    __m128i bswap = ghash_clmul_bswap_mask();
    __m128i acc = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)y), bswap);

    for (; nblocks >= GHASH_CLMUL_POWERS; nblocks -= GHASH_CLMUL_POWERS) {
        __m128i lo = _mm_setzero_si128(), hi = _mm_setzero_si128(), mid = _mm_setzero_si128();
        __m128i x;

        tab = ghash_clmul_opaque(tab);

        /* Written out so that the power index is a constant. */
        x = _mm_xor_si128(acc, _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)in), bswap));
        ghash_clmul_acc(tab, x, 7, &lo, &hi, &mid);
        x = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(in + 16)), bswap);
        ghash_clmul_acc(tab, x, 6, &lo, &hi, &mid);
        x = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(in + 32)), bswap);
        ghash_clmul_acc(tab, x, 5, &lo, &hi, &mid);
        x = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(in + 48)), bswap);
        ghash_clmul_acc(tab, x, 4, &lo, &hi, &mid);
        x = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(in + 64)), bswap);
        ghash_clmul_acc(tab, x, 3, &lo, &hi, &mid);
        x = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(in + 80)), bswap);
        ghash_clmul_acc(tab, x, 2, &lo, &hi, &mid);
        x = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(in + 96)), bswap);
        ghash_clmul_acc(tab, x, 1, &lo, &hi, &mid);
        x = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(in + 112)), bswap);
        ghash_clmul_acc(tab, x, 0, &lo, &hi, &mid);
        acc = ghash_clmul_finish(lo, hi, mid);
        in += 16 * GHASH_CLMUL_POWERS;
    }
    if (nblocks > 0)
        acc = ghash_clmul_absorb(tab, acc, in, nblocks);
    _mm_storeu_si128((__m128i *)y, _mm_shuffle_epi8(acc, bswap));
}

#undef GHASH_CLMUL_USED
#undef GHASH_CLMUL_KOFF
#undef GHASH_CLMUL_POWERS
#undef CLMUL_TARGET

#else
/*
 * Never selected off x86 (cpu.c reports no PCLMULQDQ there). Should one be
 * reached anyway, it fails closed: the table and y are zeroed.
 */
static void ghash_clmul_init(uint64_t tab[GHASH_TAB_WORDS], const uint8_t h[16])
{
    (void)h;
    wipe(tab, GHASH_TAB_WORDS * sizeof(uint64_t));
}

static void ghash_clmul_blocks(const uint64_t tab[GHASH_TAB_WORDS], uint8_t y[16],
                               const uint8_t *in, size_t nblocks)
{
    (void)tab;
    (void)in;
    (void)nblocks;
    wipe(y, 16);
}
#endif
