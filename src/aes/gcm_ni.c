/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The GCM bulk step for AES-NI and PCLMULQDQ (SP 800-38D section 7.1
 * steps 5-6, section 7.2 steps 4-5): GCTR of section 6.5 over whole
 * blocks, the counter advanced with inc32 (section 6.2: only the last 32
 * bits, big-endian, modulo 2^32), and the ciphertext absorbed into the
 * GHASH value y (section 6.4) with the table of ghash_clmul.c. The GCM
 * service (gcm.c) does J0, the AAD, the partial last block, the length
 * block and the tag; this file is only the part that runs per block.
 *
 * Strategy: eight blocks per iteration, with the GHASH of eight
 * ciphertext blocks stitched into the AES rounds of eight others: one
 * aggregated GHASH step (three PCLMULQDQs, see ghash_clmul.c) in each of
 * AES rounds 1..8 and the reduction in round 9. Issued one after the
 * other, both the CTR and the GHASH loops leave execution units idle
 * (AESENC and PCLMULQDQ have latencies of 4-7 cycles); interleaved, the
 * out-of-order core fills the gaps of one with the other. Where the two
 * instructions use different ports (Intel cores) the GHASH is almost free;
 * where they share them (AMD Zen) the gain is smaller but still there.
 * Decryption hashes the same eight ciphertext blocks it decrypts (the
 * input, read in rounds 1..8, before any output is stored, so in == out
 * works). Encryption hashes its output, so each iteration hashes the eight
 * blocks the previous one produced (read back from the output, still in
 * L1), and the last eight are hashed after the loop. A remainder of 1..7
 * blocks runs eight counter blocks side by side (the time of one block's
 * latency) and stores only what is needed, then aggregates its GHASH the
 * same way.
 *
 * Counter: only bytes 12..15 change (inc32), so the counter is a uint32_t
 * in a general register and bytes 0..11 a fixed register image; unsigned
 * arithmetic wraps modulo 2^32 exactly as inc32 does. The eight counter
 * blocks come from one byte-reversed block with PADDD, never from a test
 * of whether the last byte overflows: with an IV other than 96 bits the
 * counter is derived from H, so nothing may branch on it.
 *
 * Public: the block count, the number of rounds, the ciphertext (the
 * counter only for 96-bit IVs). Secret: the round keys, the keystream, the plaintext, H and
 * its powers, y. Secrets stay in xmm registers: loads of round keys and of
 * the powers of H are kept inside the loops (ghash_clmul_opaque), because
 * hoisted they would not fit in sixteen registers and be spilled. Checked
 * on the code GCC 12 and Clang 14 generate at -O2 for x86-64: the only
 * values they spill are the reduction constant, the fixed counter bytes,
 * a ciphertext block, pointers and counts, so there is no stack copy to
 * wipe. Constant time: AESENC and PCLMULQDQ have data-independent timing,
 * and nothing secret steers a branch or an address.
 *
 * Uses the inline helpers of ghash_clmul.c (the same translation unit,
 * module.c includes it first). Per-function target attributes, nothing
 * beyond SSSE3 + AES + PCLMULQDQ (no SSE4.1, no VEX): only called when
 * cpuid reported AES-NI, PCLMULQDQ and SSSE3 (cpu.c).
 */
#include "aes_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define GCM_NI_TARGET __attribute__((target("aes,pclmul,sse2,ssse3")))

#define LD(p) _mm_loadu_si128((const __m128i *)(p))
#define ST(p, v) _mm_storeu_si128((__m128i *)(p), (v))

/*
 * Counter block: the fixed bytes 0..11 of the caller's block (in c0, with
 * bytes 12..15 zero) and the 32-bit counter v stored big-endian in bytes
 * 12..15. v wraps modulo 2^32 in uint32_t arithmetic, which is inc32.
 */
/* The byte reversal of a whole block. */
GCM_NI_TARGET
static inline __m128i gcm_ni_bswap(void)
{
    return _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
}

GCM_NI_TARGET
static inline __m128i gcm_ni_ctr_block(__m128i c0, uint32_t v)
{
    return _mm_or_si128(c0, _mm_slli_si128(_mm_cvtsi32_si128((int)__builtin_bswap32(v)), 12));
}

/*
 * Load y as a mirrored integer. The load is an asm statement because GCC
 * 12, given the plain intrinsic, also stores the freshly loaded y to a
 * stack slot it never reads (a copy of GHASH state that nothing would
 * wipe); an opaque load gives it nothing to duplicate.
 */
GCM_NI_TARGET
static inline __m128i gcm_ni_load_y(const uint8_t y[16])
{
    __m128i v;

    __asm__("{movdqu %1, %0|movdqu %0, %1}" : "=x"(v) : "m"(*(const uint8_t(*)[16])y));
    return _mm_shuffle_epi8(v, _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
}

/*
 * The eight counter blocks c32 + 0..7 into b0..b7, XORed with round key
 * 0. The block is byte-reversed so that bytes 12..15 are a native dword,
 * PADDD adds i (wrapping modulo 2^32, which is inc32) and the block is
 * reversed back. No test for the cheaper case where byte 15 cannot
 * overflow: that would branch on the counter, which for IVs other than 96
 * bits is derived from H (J0 = GHASH_H(IV ...), SP 800-38D 7.1 step 2).
 */
#define GCM_NI_CTR_I(le, i, k0)                                                      \
    _mm_xor_si128(_mm_shuffle_epi8(_mm_add_epi32((le), _mm_set_epi32(0, 0, 0, (i))), \
                                   gcm_ni_bswap()),                                  \
                  (k0))
#define GCM_NI_CTR8(c0, c32, k0)                                                 \
    do {                                                                         \
        __m128i le_ = _mm_shuffle_epi8(gcm_ni_ctr_block((c0), (c32)), gcm_ni_bswap()); \
        b0 = GCM_NI_CTR_I(le_, 0, (k0)); b1 = GCM_NI_CTR_I(le_, 1, (k0));        \
        b2 = GCM_NI_CTR_I(le_, 2, (k0)); b3 = GCM_NI_CTR_I(le_, 3, (k0));        \
        b4 = GCM_NI_CTR_I(le_, 4, (k0)); b5 = GCM_NI_CTR_I(le_, 5, (k0));        \
        b6 = GCM_NI_CTR_I(le_, 6, (k0)); b7 = GCM_NI_CTR_I(le_, 7, (k0));        \
    } while (0)

/* One AES round on the eight blocks b0..b7 with round key r. */
#define GCM_NI_ROUND(r)                                                          \
    do {                                                                         \
        __m128i k_ = LD(ks->enc[(r)]);                                           \
        b0 = _mm_aesenc_si128(b0, k_); b1 = _mm_aesenc_si128(b1, k_);            \
        b2 = _mm_aesenc_si128(b2, k_); b3 = _mm_aesenc_si128(b3, k_);            \
        b4 = _mm_aesenc_si128(b4, k_); b5 = _mm_aesenc_si128(b5, k_);            \
        b6 = _mm_aesenc_si128(b6, k_); b7 = _mm_aesenc_si128(b7, k_);            \
    } while (0)

/* Round r, stitched with the GHASH of block i of g (multiplied by
 * H^(8-i), table index 7 - i). */
#define GCM_NI_ROUND_GHASH(r, i)                                                 \
    do {                                                                         \
        __m128i x_ = _mm_shuffle_epi8(LD(g + 16 * (i)), bswap);                  \
        GCM_NI_ROUND(r);                                                         \
        ghash_clmul_acc(tab, x_, 7 - (i), &lo, &hi, &mid);                       \
    } while (0)

/* Last round folded with the data XOR (AESENCLAST(b, k) ^ x ==
 * AESENCLAST(b, k ^ x)), stored. */
#define GCM_NI_LAST(b, i, klast) \
    ST(out + 16 * (i), _mm_aesenclast_si128((b), _mm_xor_si128((klast), LD(in + 16 * (i)))))

/*
 * Eight blocks: out = in ^ AES(counters c32 + 0..7), with the eight
 * blocks at g absorbed into the mirrored GHASH value acc during the rounds;
 * returns the new acc. g may equal in (decryption: the ciphertext is read
 * in rounds 1..8, before the stores of the last round) or be the previous
 * eight output blocks (encryption).
 */
GCM_NI_TARGET
__attribute__((always_inline))
static inline __m128i gcm_ni_stitched8(const aes_ni_schedule *ks_arg, int rounds,
                                       const uint64_t tab_arg[GHASH_TAB_WORDS], __m128i c0,
                                       uint32_t c32, __m128i acc, const uint8_t *g,
                                       const uint8_t *in, uint8_t *out)
{
    const __m128i bswap = _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    /* Loads of round keys and powers of H stay inside the loop; hoisted,
     * they would not fit in registers and be copied to the stack. */
    const aes_ni_schedule *ks = ghash_clmul_opaque(ks_arg);
    const uint64_t *tab = ghash_clmul_opaque(tab_arg);
    __m128i k = LD(ks->enc[0]);
    __m128i b0, b1, b2, b3, b4, b5, b6, b7;
    __m128i lo = _mm_setzero_si128(), hi = _mm_setzero_si128(), mid = _mm_setzero_si128();

    GCM_NI_CTR8(c0, c32, k);
    {
        /* y joins the first block: (y ^ X1) H^8 ^ X2 H^7 ^ ... ^ X8 H. */
        __m128i x = _mm_xor_si128(acc, _mm_shuffle_epi8(LD(g), bswap));

        GCM_NI_ROUND(1);
        ghash_clmul_acc(tab, x, 7, &lo, &hi, &mid);
    }
    GCM_NI_ROUND_GHASH(2, 1);
    GCM_NI_ROUND_GHASH(3, 2);
    GCM_NI_ROUND_GHASH(4, 3);
    GCM_NI_ROUND_GHASH(5, 4);
    GCM_NI_ROUND_GHASH(6, 5);
    GCM_NI_ROUND_GHASH(7, 6);
    GCM_NI_ROUND_GHASH(8, 7);
    GCM_NI_ROUND(9);
    acc = ghash_clmul_finish(lo, hi, mid);
    for (int r = 10; r < rounds; r++)
        GCM_NI_ROUND(r);
    k = LD(ks->enc[rounds]);
    GCM_NI_LAST(b0, 0, k); GCM_NI_LAST(b1, 1, k);
    GCM_NI_LAST(b2, 2, k); GCM_NI_LAST(b3, 3, k);
    GCM_NI_LAST(b4, 4, k); GCM_NI_LAST(b5, 5, k);
    GCM_NI_LAST(b6, 6, k); GCM_NI_LAST(b7, 7, k);
    return acc;
}

/*
 * GCTR alone for n = 1..8 blocks (n public): eight counter blocks side by
 * side, only n stored. Used where there is nothing to stitch with: the
 * first eight blocks of an encryption and the remainder.
 */
GCM_NI_TARGET
__attribute__((always_inline))
static inline void gcm_ni_ctr_upto8(const aes_ni_schedule *ks, int rounds, __m128i c0,
                                    uint32_t c32, const uint8_t *in, uint8_t *out, size_t n)
{
    __m128i k = LD(ks->enc[0]);
    __m128i b0, b1, b2, b3, b4, b5, b6, b7;

    GCM_NI_CTR8(c0, c32, k);
    for (int r = 1; r < rounds; r++)
        GCM_NI_ROUND(r);
    k = LD(ks->enc[rounds]);
    GCM_NI_LAST(b0, 0, k);
    if (n > 1) GCM_NI_LAST(b1, 1, k);
    if (n > 2) GCM_NI_LAST(b2, 2, k);
    if (n > 3) GCM_NI_LAST(b3, 3, k);
    if (n > 4) GCM_NI_LAST(b4, 4, k);
    if (n > 5) GCM_NI_LAST(b5, 5, k);
    if (n > 6) GCM_NI_LAST(b6, 6, k);
    if (n > 7) GCM_NI_LAST(b7, 7, k);
}

/* see aes_internal.h */
GCM_NI_TARGET
static void aes_gcm_ni_encrypt(const aes_ni_schedule *ks, int rounds,
                               const uint64_t tab[GHASH_TAB_WORDS], uint8_t ctr[16],
                               uint8_t y[16], const uint8_t *in, uint8_t *out, size_t nblocks)
{
    const __m128i bswap = _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    /* Bytes 0..11 of the counter block never change (inc32). */
    __m128i c0 = _mm_and_si128(LD(ctr), _mm_set_epi32(0, -1, -1, -1));
    uint32_t c32 = load_be32(ctr + 12);
    __m128i acc;

    /* y is loaded only where it is needed and written back after each
     * phase: kept live across the CTR-only parts it is what the compiler
     * chooses to spill. */
    if (nblocks >= 8) {
        /* Prime the pipeline: these eight are hashed in the next
         * iteration, or after the loop. */
        gcm_ni_ctr_upto8(ks, rounds, c0, c32, in, out, 8);
        c32 += 8;
        in += 8 * 16;
        out += 8 * 16;
        nblocks -= 8;
        acc = gcm_ni_load_y(y);
        for (; nblocks >= 8; nblocks -= 8, in += 8 * 16, out += 8 * 16, c32 += 8)
            acc = gcm_ni_stitched8(ks, rounds, tab, c0, c32, acc, out - 8 * 16, in, out);
        acc = ghash_clmul_absorb(tab, acc, out - 8 * 16, 8);
        ST(y, _mm_shuffle_epi8(acc, bswap));
    }
    if (nblocks > 0) {
        gcm_ni_ctr_upto8(ks, rounds, c0, c32, in, out, nblocks);
        c32 += (uint32_t)nblocks;
        acc = gcm_ni_load_y(y);
        acc = ghash_clmul_absorb(tab, acc, out, nblocks);
        ST(y, _mm_shuffle_epi8(acc, bswap));
    }
    store_be32(ctr + 12, c32);
}

/* see aes_internal.h */
GCM_NI_TARGET
static void aes_gcm_ni_decrypt(const aes_ni_schedule *ks, int rounds,
                               const uint64_t tab[GHASH_TAB_WORDS], uint8_t ctr[16],
                               uint8_t y[16], const uint8_t *in, uint8_t *out, size_t nblocks)
{
    const __m128i bswap = _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    /* Bytes 0..11 of the counter block never change (inc32). */
    __m128i c0 = _mm_and_si128(LD(ctr), _mm_set_epi32(0, -1, -1, -1));
    uint32_t c32 = load_be32(ctr + 12);
    __m128i acc = gcm_ni_load_y(y);

    for (; nblocks >= 8; nblocks -= 8, in += 8 * 16, out += 8 * 16, c32 += 8)
        acc = gcm_ni_stitched8(ks, rounds, tab, c0, c32, acc, in, in, out);
    if (nblocks > 0) {
        /* Hash before decrypting: with in == out the ciphertext is about
         * to be overwritten. */
        acc = ghash_clmul_absorb(tab, acc, in, nblocks);
        gcm_ni_ctr_upto8(ks, rounds, c0, c32, in, out, nblocks);
        c32 += (uint32_t)nblocks;
    }
    store_be32(ctr + 12, c32);
    ST(y, _mm_shuffle_epi8(acc, bswap));
}

#undef GCM_NI_LAST
#undef GCM_NI_ROUND_GHASH
#undef GCM_NI_ROUND
#undef GCM_NI_CTR8
#undef GCM_NI_CTR_I
#undef ST
#undef LD
#undef GCM_NI_TARGET

#else
/*
 * Never selected off x86 (cpu.c reports no AES-NI there). Should one be
 * reached anyway, it fails closed: output and y are zeroed.
 */
static void aes_gcm_ni_encrypt(const aes_ni_schedule *ks, int rounds,
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

static void aes_gcm_ni_decrypt(const aes_ni_schedule *ks, int rounds,
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
