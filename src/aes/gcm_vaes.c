/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GHASH (SP 800-38D 6.4) with VPCLMULQDQ on 256-bit ymm registers, and the
 * GCM bulk step (GCTR of 6.5 fused with GHASH, as used by 7.1 steps 5-6
 * and 7.2 steps 4-5) with VAES, both with AVX2 only, for the CPUs that
 * have VAES and VPCLMULQDQ but possibly no AVX-512 (AMD Zen 3, Intel
 * client cores).
 *
 * Field representation. GCM numbers the bits of a block from the most
 * significant bit of byte 0, which holds the coefficient of x^0 (6.3).
 * After reversing the bytes of a block and reading it as a little-endian
 * 128-bit integer, the coefficient of x^i sits at bit 127 - i: the
 * integer is the bit reversal of the polynomial. A carry-less product of
 * two reversed values is the reversed product shifted by one bit, and
 * reduction modulo the reversed polynomial x^128 + x^127 + x^126 + x^121
 * + 1 becomes a Montgomery reduction that divides by x^128: two folds of
 * 64 bits, each one carry-less multiply by 0xc2 << 56 (the x^127, x^126,
 * x^121 terms seen from the bottom) plus a qword swap. Storing the hash
 * key powers premultiplied by x (one shift at init) cancels both the
 * one-bit shift and the Montgomery factor, so data blocks need only a
 * byte swap (VPSHUFB), never a bit reversal.
 *
 * Aggregated reduction. Sixteen blocks X1..X16 update y to
 * (y ^ X1) H^16 ^ X2 H^15 ^ ... ^ X16 H, which is linear in the unreduced
 * 256-bit products: the products are summed and reduced once per sixteen
 * blocks. The table holds H^16..H^1 in that order, so the power for two
 * consecutive blocks is one 32-byte load, and for Karatsuba the XOR of the
 * two 64-bit halves of each power, packed two powers per 128-bit lane:
 * 256 + 128 of the 512 bytes. Karatsuba (three multiplies per block
 * instead of four) because VPCLMULQDQ is the scarce resource: on Zen 3/4
 * a ymm VPCLMULQDQ issues about every two cycles while the extra XORs and
 * shuffles run on otherwise idle pipes (measured: schoolbook was slower).
 *
 * GCM loop. Sixteen counter blocks (eight ymm states) per iteration, with
 * the GHASH of sixteen ciphertext blocks spread over AES rounds 1..8 (one
 * Karatsuba step of two blocks per round) and its reduction after round 9.
 * Encryption hashes the previous iteration's ciphertext, which the loop
 * keeps in registers from its last round on (the compilers spill part of
 * it, which is public; reloading it from the output just after the stores
 * measured about 10% slower). Decryption hashes the current iteration's
 * ciphertext, read from the input before any plaintext is stored, so that
 * in == out works.
 *
 * Cost model, measured on Zen 4, behind these choices: a ymm VAES round
 * issues twice per cycle with a latency of four, so eight states
 * saturate the AES pipes; a VPCLMULQDQ (xmm or ymm alike, so ymm) issues
 * every two cycles and takes one of the AES issue slots. Sixteen blocks
 * of AES-128 need 80 rounds (40 cycles) and their GHASH 24 + 2 multiplies
 * (52 cycles); the loop runs at about 79 cycles (0.31 cycles/byte) with
 * GCC, 83 with Clang, AES-256 about 90. Measured slower: eight blocks per
 * iteration (twice the reductions), twelve states (24 blocks), schoolbook
 * multiplication, and other placements of the GHASH steps among the
 * rounds (front-loaded, evenly spread, reduction last).
 *
 * Counters (inc32, 6.2): only bytes 12..15 count, modulo 2^32. The
 * block is byte-reversed, the 32-bit word incremented with VPADDD (which
 * wraps modulo 2^32 as inc32 requires) and reversed back, for every group:
 * a cheaper byte add when byte 15 cannot wrap would need a branch on the
 * counter, which for IVs other than 96 bits is derived from H (J0 =
 * GHASH_H(IV ...), section 7.1 step 2) and so is not public.
 *
 * A final group of fewer than sixteen blocks goes through the same AES
 * code with the missing blocks absent, and its GHASH uses H^n..H^1.
 *
 * Constant time: no branch or address depends on H, y, the key or the
 * data; only block counts steer the code. As compiled by
 * GCC 12 and Clang 14 with the module flags, the stack receives only
 * public values (ciphertext, counters, constants), except that Clang
 * keeps a copy of the incoming y in aes_gcm_vaes_encrypt (checked in the
 * disassembly; see vaes_opaque for the powers of H).
 *
 * This file uses the inline VAES helpers of aes_vaes.c, which precedes it
 * in the module's single translation unit.
 */
#include "aes_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#ifndef AES_VAES_HELPERS
#error "gcm_vaes.c needs the helpers of aes_vaes.c: include aes_vaes.c first"
#endif

/* Table layout (bytes): 16 x 16 powers H^16..H^1 (premultiplied by x),
 * then 4 x 32 Karatsuba words: lane l of word m holds, in qword q, the
 * XOR of the halves of power 4m + 2q + l. The rest is zero. */
#define GHASH_VP_POWERS 0
#define GHASH_VP_KARA (16 * 16)
#define GHASH_VP_USED (GHASH_VP_KARA + 4 * 32)
_Static_assert(GHASH_VP_USED <= GHASH_TAB_WORDS * 8, "GHASH table too small");

/* Reverses the bytes of each 128-bit lane: standard order <-> integer. */
VAES_INLINE __m256i ghash_bswap_mask(void)
{
    return _mm256_broadcastsi128_si256(
        _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
}

/* qword 1 = x^63 + x^62 + x^57 (the reduction multiplier, x^127 + x^126 +
 * x^121 over x^64), qword 0 = 1: with qword 1, the reversed polynomial
 * without its x^128 term, used when multiplying H by x. */
VAES_INLINE __m256i ghash_poly(void)
{
    return _mm256_set_epi64x((long long)0xc200000000000000ULL, 1,
                             (long long)0xc200000000000000ULL, 1);
}

/*
 * The same pointer, but the compiler no longer knows where it points:
 * loads through it stay inside the loop as memory operands instead of
 * being hoisted into registers, which GCC would then spill, leaving
 * powers of H on the stack.
 */
VAES_INLINE const uint64_t *vaes_opaque(const uint64_t *p)
{
    __asm__("" : "+r"(p));
    return p;
}

/* Unreduced sums of the low, Karatsuba middle and high 128-bit products,
 * per lane. */
typedef struct {
    __m256i lo, mi, hi;
} ghash_acc;

/*
 * Keeps each product's XOR into the accumulators where it is written. GCC
 * otherwise reassociates the sixteen-block XOR chains, computes all the
 * products first and spills them to the stack (measured: slower, and
 * hash state in memory). The empty asm forces no instruction.
 */
VAES_INLINE void ghash_pin(ghash_acc *a)
{
    __asm__("" : "+x"(a->lo), "+x"(a->mi), "+x"(a->hi));
}

/*
 * acc += d * h per lane, with hx holding (in the qword selected by hxq)
 * the XOR of the halves of h. Karatsuba: the middle product is
 * (d0 ^ d1)(h0 ^ h1), corrected by lo and hi at reduction time.
 */
VAES_INLINE void ghash_mul_acc(ghash_acc *a, __m256i d, __m256i h, __m256i hx, int hxq)
{
    __m256i dx = _mm256_xor_si256(d, _mm256_unpackhi_epi64(d, d));

    a->lo = _mm256_xor_si256(a->lo, _mm256_clmulepi64_epi128(d, h, 0x00));
    a->hi = _mm256_xor_si256(a->hi, _mm256_clmulepi64_epi128(d, h, 0x11));
    /* Two calls with literal immediates: clang wants a constant. */
    if (hxq)
        a->mi = _mm256_xor_si256(a->mi, _mm256_clmulepi64_epi128(dx, hx, 0x10));
    else
        a->mi = _mm256_xor_si256(a->mi, _mm256_clmulepi64_epi128(dx, hx, 0x00));
    ghash_pin(a);
}

/* The same with the Karatsuba half-XOR of h computed here (tails, init). */
VAES_INLINE void ghash_mul_acc_any(ghash_acc *a, __m256i d, __m256i h)
{
    ghash_mul_acc(a, d, h, _mm256_xor_si256(h, _mm256_unpackhi_epi64(h, h)), 0);
}

/*
 * Reduces the accumulated 256-bit products of both lanes and adds the
 * lanes. The product P = hi x^128 + mi x^64 + lo is divided by x^128
 * modulo the reversed polynomial: fold the low qword of lo into mi,
 * then the low qword of mi into hi, each as qword * (x^63 + x^62 + x^57)
 * plus the qword itself one position up (the swap).
 */
VAES_INLINE __m128i ghash_reduce(const ghash_acc *a)
{
    __m256i poly = ghash_poly();
    __m256i mi = _mm256_xor_si256(a->mi, _mm256_xor_si256(a->lo, a->hi));
    __m256i hi = a->hi;

    mi = _mm256_xor_si256(mi, _mm256_shuffle_epi32(a->lo, 0x4e));
    mi = _mm256_xor_si256(mi, _mm256_clmulepi64_epi128(poly, a->lo, 0x01));
    hi = _mm256_xor_si256(hi, _mm256_shuffle_epi32(mi, 0x4e));
    hi = _mm256_xor_si256(hi, _mm256_clmulepi64_epi128(poly, mi, 0x01));
    return _mm_xor_si128(_mm256_castsi256_si128(hi), _mm256_extracti128_si256(hi, 1));
}

VAES_INLINE void ghash_acc_zero(ghash_acc *a)
{
    a->lo = _mm256_setzero_si256();
    a->mi = _mm256_setzero_si256();
    a->hi = _mm256_setzero_si256();
}

/*
 * Step j (0..7) of hashing sixteen blocks: x holds blocks 2j and 2j+1 as
 * stored, multiplied by H^(16-2j) and H^(15-2j); y (reduced,
 * byte-reversed) is added to the first block.
 */
VAES_INLINE void ghash16_step(ghash_acc *a, const uint64_t *tab, __m256i x, int j, __m128i y)
{
    const uint8_t *t = (const uint8_t *)tab;
    __m256i d = _mm256_shuffle_epi8(x, ghash_bswap_mask());

    if (j == 0)
        d = _mm256_xor_si256(d, _mm256_zextsi128_si256(y));
    ghash_mul_acc(a, d, vaes_ld(t + GHASH_VP_POWERS + 32 * j),
                  vaes_ld(t + GHASH_VP_KARA + 32 * (j >> 1)), j & 1);
}

/* y = GHASH update over sixteen blocks, in memory or (ghash16_regs) in
 * registers, with one reduction. */
VAES_INLINE __m128i ghash16(const uint64_t *tab, __m128i y, const uint8_t *src)
{
    ghash_acc a;

    ghash_acc_zero(&a);
    VAES_UNROLL
    for (int j = 0; j < 8; j++)
        ghash16_step(&a, tab, vaes_ld(src + 32 * j), j, y);
    return ghash_reduce(&a);
}

VAES_INLINE __m128i ghash16_regs(const uint64_t *tab, __m128i y, const __m256i x[8])
{
    ghash_acc a;

    ghash_acc_zero(&a);
    VAES_UNROLL
    for (int j = 0; j < 8; j++)
        ghash16_step(&a, tab, x[j], j, y);
    return ghash_reduce(&a);
}

/* y = GHASH update over n = 1..15 blocks with H^n..H^1, one reduction. An
 * odd first block goes alone in lane 0 of a register. */
VAES_TARGET
static __m128i ghash_vp_tail(const uint64_t *tab, __m128i y, const uint8_t *src, size_t n)
{
    const uint8_t *h = (const uint8_t *)tab + GHASH_VP_POWERS + 16 * (VAES_GROUP - n);
    __m256i mask = ghash_bswap_mask();
    __m256i yv = _mm256_zextsi128_si256(y);
    ghash_acc a;

    ghash_acc_zero(&a);
    if (n & 1) {
        __m256i d = _mm256_zextsi128_si256(_mm_loadu_si128((const __m128i *)src));

        d = _mm256_xor_si256(_mm256_shuffle_epi8(d, mask), yv);
        ghash_mul_acc_any(&a, d, _mm256_zextsi128_si256(_mm_loadu_si128((const __m128i *)h)));
        yv = _mm256_setzero_si256();
        src += 16;
        h += 16;
        n--;
    }
    for (; n > 0; n -= 2) {
        __m256i d = _mm256_xor_si256(_mm256_shuffle_epi8(vaes_ld(src), mask), yv);

        ghash_mul_acc_any(&a, d, vaes_ld(h));
        yv = _mm256_setzero_si256();
        src += 32;
        h += 32;
    }
    return ghash_reduce(&a);
}

/* y as 16 bytes in the standard's order <-> byte-reversed integer. */
VAES_INLINE __m128i ghash_load_y(const uint8_t y[16])
{
    return _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)y),
                            _mm256_castsi256_si128(ghash_bswap_mask()));
}

VAES_INLINE void ghash_store_y(uint8_t y[16], __m128i v)
{
    _mm_storeu_si128((__m128i *)y, _mm_shuffle_epi8(v, _mm256_castsi256_si128(ghash_bswap_mask())));
}

/* a * b for init: one product in lane 0, reduced. */
VAES_INLINE __m128i ghash_mul1(__m128i a, __m128i b)
{
    ghash_acc acc;

    ghash_acc_zero(&acc);
    ghash_mul_acc_any(&acc, _mm256_zextsi128_si256(a), _mm256_zextsi128_si256(b));
    return ghash_reduce(&acc);
}

/* see aes_internal.h */
VAES_TARGET
static void ghash_vpclmul_init(uint64_t tab[GHASH_TAB_WORDS], const uint8_t h[16])
{
    uint8_t *t = (uint8_t *)tab;
    __m128i poly = _mm256_castsi256_si128(ghash_poly());
    __m128i h1 = ghash_load_y(h);
    __m128i carry, top, p;

    /* H * x in the reversed representation: a 128-bit left shift by one
     * (the carry from qword 0 into qword 1 moved across by BSLLI), and,
     * if a bit falls off the top, the reversed polynomial added back;
     * the mask comes from the top bit with an arithmetic shift, no
     * branch on H. */
    carry = _mm_slli_si128(_mm_srli_epi64(h1, 63), 8);
    top = _mm_srai_epi32(_mm_shuffle_epi32(h1, 0xff), 31);
    h1 = _mm_xor_si128(_mm_or_si128(_mm_slli_epi64(h1, 1), carry), _mm_and_si128(top, poly));

    /* Powers H^1..H^16 at entries 15..0; each power times the x-scaled H
     * stays x-scaled (the Montgomery factor cancels). */
    p = h1;
    _mm_storeu_si128((__m128i *)(t + GHASH_VP_POWERS + 16 * 15), p);
    for (int i = 14; i >= 0; i--) {
        p = ghash_mul1(p, h1);
        _mm_storeu_si128((__m128i *)(t + GHASH_VP_POWERS + 16 * i), p);
    }

    /* Karatsuba words: qword q of lane l of word m is lo ^ hi of entry
     * 4m + 2q + l. */
    for (int m = 0; m < 4; m++) {
        __m256i e0 = vaes_ld(t + GHASH_VP_POWERS + 64 * m);      /* entries 4m, 4m+1 */
        __m256i e1 = vaes_ld(t + GHASH_VP_POWERS + 64 * m + 32); /* entries 4m+2, 4m+3 */
        __m256i x = _mm256_xor_si256(_mm256_unpacklo_epi64(e0, e1),
                                     _mm256_unpackhi_epi64(e0, e1));

        vaes_st(t + GHASH_VP_KARA + 32 * m, x);
    }
    for (size_t i = GHASH_VP_USED; i < GHASH_TAB_WORDS * 8; i += 16)
        _mm_storeu_si128((__m128i *)(t + i), _mm_setzero_si128());
}

/* see aes_internal.h */
VAES_TARGET
static void ghash_vpclmul_blocks(const uint64_t tab[GHASH_TAB_WORDS], uint8_t y[16],
                                 const uint8_t *in, size_t nblocks)
{
    __m128i acc = ghash_load_y(y);

    for (; nblocks >= VAES_GROUP; nblocks -= VAES_GROUP) {
        acc = ghash16(vaes_opaque(tab), acc, in);
        in += 16 * VAES_GROUP;
    }
    if (nblocks > 0)
        acc = ghash_vp_tail(tab, acc, in, nblocks);
    ghash_store_y(y, acc);
}

/*
 * The sixteen counter blocks ctr, inc32(ctr), ... (SP 800-38D 6.2, 6.5):
 * 'prefix' holds bytes 0..11 of the counter block, c32 the value of
 * bytes 12..15.
 */
VAES_INLINE void gcm_vaes_ctr_fill(__m256i b[8], __m128i prefix, uint32_t c32)
{
    __m256i base = _mm256_broadcastsi128_si256(
        _mm_insert_epi32(prefix, (int)__builtin_bswap32(c32), 3));

    /* Reversed, bytes 12..15 are dword 0 as a native integer; VPADDD
     * wraps it modulo 2^32 as inc32 requires. Always this way, with no
     * test for a carry out of byte 15: for IVs other than 96 bits the
     * counter comes from GHASH under H and is not public. */
    __m256i mask = ghash_bswap_mask();
    __m256i le = _mm256_shuffle_epi8(base, mask);

    VAES_UNROLL
    for (int j = 0; j < 8; j++)
        b[j] = _mm256_shuffle_epi8(
            _mm256_add_epi32(le, _mm256_set_epi32(0, 0, 0, 2 * j + 1, 0, 0, 0, 2 * j)), mask);
}

/* What gcm_vaes_group hashes between its rounds. */
enum { GCM_HASH_NONE, GCM_HASH_REGS, GCM_HASH_MEM };

/*
 * One group of n <= 16 blocks: out = in ^ AES(counters), with, spread
 * over AES rounds 1..8, the GHASH into *y of sixteen ciphertext blocks:
 * none, the registers hreg (encryption: the previous group's output,
 * which the caller keeps in registers; reloading it right after the
 * stores measured about 10% slower), or the memory at hsrc (decryption:
 * the group's own input, read before anything is stored, so in == out
 * works). On return b holds the output blocks.
 */
VAES_INLINE void gcm_vaes_group(const aes_ni_schedule *ks, int rounds, const uint64_t *tab,
                                __m256i b[8], int hash, const __m256i hreg[8],
                                const uint8_t *hsrc, __m128i *y,
                                const uint8_t *in, uint8_t *out, size_t n)
{
    ghash_acc a;

    ghash_acc_zero(&a);
    vaes_xor8(b, vaes_bcast(ks->enc[0]));
    VAES_UNROLL
    for (int r = 1; r < 10; r++) {
        vaes_enc8(b, vaes_bcast(ks->enc[r]));
        if (hash == GCM_HASH_REGS && r <= 8)
            ghash16_step(&a, tab, hreg[r - 1], r - 1, *y);
        if (hash == GCM_HASH_MEM && r <= 8)
            ghash16_step(&a, tab, vaes_ld(hsrc + 32 * (r - 1)), r - 1, *y);
    }
    if (hash != GCM_HASH_NONE)
        *y = ghash_reduce(&a);
    if (rounds > 10) {
        vaes_enc8(b, vaes_bcast(ks->enc[10]));
        vaes_enc8(b, vaes_bcast(ks->enc[11]));
    }
    if (rounds > 12) {
        vaes_enc8(b, vaes_bcast(ks->enc[12]));
        vaes_enc8(b, vaes_bcast(ks->enc[13]));
    }
    vaes_enclast_xor8(ks, rounds, b, in, out, n);
}

/* Counter bytes 12..15 as a big-endian integer (public). */
static inline uint32_t gcm_vaes_get32(const uint8_t ctr[16])
{
    return ((uint32_t)ctr[12] << 24) | ((uint32_t)ctr[13] << 16) |
           ((uint32_t)ctr[14] << 8) | (uint32_t)ctr[15];
}

static inline void gcm_vaes_put32(uint8_t ctr[16], uint32_t c32)
{
    ctr[12] = (uint8_t)(c32 >> 24);
    ctr[13] = (uint8_t)(c32 >> 16);
    ctr[14] = (uint8_t)(c32 >> 8);
    ctr[15] = (uint8_t)c32;
}

/* see aes_internal.h */
VAES_TARGET
static void aes_gcm_vaes_encrypt(const aes_ni_schedule *ks, int rounds,
                                 const uint64_t tab[GHASH_TAB_WORDS], uint8_t ctr[16],
                                 uint8_t y[16], const uint8_t *in, uint8_t *out, size_t nblocks)
{
    __m128i prefix = _mm_loadu_si128((const __m128i *)ctr);
    uint32_t c32 = gcm_vaes_get32(ctr);
    __m128i acc = ghash_load_y(y);
    __m256i b[8], prev[8];

    if (nblocks >= VAES_GROUP) {
        /* The first group has no ciphertext to hash yet; each later one
         * hashes its predecessor's, and the last is hashed after the
         * loop. */
        gcm_vaes_ctr_fill(b, prefix, c32);
        gcm_vaes_group(ks, rounds, tab, b, GCM_HASH_NONE, NULL, NULL, &acc, in, out, VAES_GROUP);
        for (;;) {
            VAES_UNROLL
            for (int j = 0; j < 8; j++)
                prev[j] = b[j];
            c32 += VAES_GROUP;
            in += 16 * VAES_GROUP;
            out += 16 * VAES_GROUP;
            nblocks -= VAES_GROUP;
            if (nblocks < VAES_GROUP)
                break;
            gcm_vaes_ctr_fill(b, prefix, c32);
            gcm_vaes_group(ks, rounds, tab, b, GCM_HASH_REGS, prev, NULL, &acc, in, out,
                           VAES_GROUP);
        }
        acc = ghash16_regs(tab, acc, prev);
    }
    if (nblocks > 0) {
        gcm_vaes_ctr_fill(b, prefix, c32);
        gcm_vaes_group(ks, rounds, tab, b, GCM_HASH_NONE, NULL, NULL, &acc, in, out, nblocks);
        c32 += (uint32_t)nblocks;
        acc = ghash_vp_tail(tab, acc, out, nblocks);
    }
    ghash_store_y(y, acc);
    gcm_vaes_put32(ctr, c32);
}

/* see aes_internal.h */
VAES_TARGET
static void aes_gcm_vaes_decrypt(const aes_ni_schedule *ks, int rounds,
                                 const uint64_t tab[GHASH_TAB_WORDS], uint8_t ctr[16],
                                 uint8_t y[16], const uint8_t *in, uint8_t *out, size_t nblocks)
{
    __m128i prefix = _mm_loadu_si128((const __m128i *)ctr);
    uint32_t c32 = gcm_vaes_get32(ctr);
    __m128i acc = ghash_load_y(y);
    __m256i b[8];

    for (; nblocks >= VAES_GROUP; nblocks -= VAES_GROUP) {
        gcm_vaes_ctr_fill(b, prefix, c32);
        gcm_vaes_group(ks, rounds, tab, b, GCM_HASH_MEM, NULL, in, &acc, in, out, VAES_GROUP);
        c32 += VAES_GROUP;
        in += 16 * VAES_GROUP;
        out += 16 * VAES_GROUP;
    }
    if (nblocks > 0) {
        /* Hash before decrypting: in may be out. */
        acc = ghash_vp_tail(tab, acc, in, nblocks);
        gcm_vaes_ctr_fill(b, prefix, c32);
        gcm_vaes_group(ks, rounds, tab, b, GCM_HASH_NONE, NULL, NULL, &acc, in, out, nblocks);
        c32 += (uint32_t)nblocks;
    }
    ghash_store_y(y, acc);
    gcm_vaes_put32(ctr, c32);
}

#else
/*
 * Never selected off x86 (cpu.c reports no VPCLMULQDQ there). Should one
 * be reached anyway, it fails closed: table, hash and output are zeroed.
 */
static void ghash_vpclmul_init(uint64_t tab[GHASH_TAB_WORDS], const uint8_t h[16])
{
    (void)h;
    wipe(tab, GHASH_TAB_WORDS * 8);
}

static void ghash_vpclmul_blocks(const uint64_t tab[GHASH_TAB_WORDS], uint8_t y[16],
                                 const uint8_t *in, size_t nblocks)
{
    (void)tab;
    (void)in;
    (void)nblocks;
    wipe(y, 16);
}

static void aes_gcm_vaes_encrypt(const aes_ni_schedule *ks, int rounds,
                                 const uint64_t tab[GHASH_TAB_WORDS], uint8_t ctr[16],
                                 uint8_t y[16], const uint8_t *in, uint8_t *out, size_t nblocks)
{
    (void)ks;
    (void)rounds;
    (void)tab;
    (void)ctr;
    (void)in;
    wipe(y, 16);
    wipe(out, nblocks * 16);
}

static void aes_gcm_vaes_decrypt(const aes_ni_schedule *ks, int rounds,
                                 const uint64_t tab[GHASH_TAB_WORDS], uint8_t ctr[16],
                                 uint8_t y[16], const uint8_t *in, uint8_t *out, size_t nblocks)
{
    (void)ks;
    (void)rounds;
    (void)tab;
    (void)ctr;
    (void)in;
    wipe(y, 16);
    wipe(out, nblocks * 16);
}
#endif
