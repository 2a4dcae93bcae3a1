/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SHA-256 block compression with the x86 SHA extensions (FIPS 180-4
 * section 6.2.2 computed by SHA256RNDS2/SHA256MSG1/SHA256MSG2).
 *
 * SHA256RNDS2 performs two rounds on a state split as (A,B,E,F) and
 * (C,D,G,H), so the chaining value is permuted into that layout once per
 * call, not once per block. Message words for round group g (4 rounds) are
 * W[g] = MSG2(MSG1(W[g-4], W[g-3]) + ALIGNR(W[g-1], W[g-2]), W[g-1]), with
 * the four most recent groups kept in a rotating set of registers.
 *
 * Compiled with a per-function target attribute: the rest of the module is
 * built for the baseline ISA and this function is only called when cpuid
 * reported SHA, SSSE3 and SSE4.1 (cpu.c). Constant time: the instructions
 * have data-independent latency.
 */
#include "sha2_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define SHANI_TARGET __attribute__((target("sha,ssse3,sse4.1")))

/* Two SHA256RNDS2 steps (four rounds) on message-plus-constant words wk. */
#define RNDS4(wk)                                                \
    do {                                                         \
        __m128i wk_ = (wk);                                      \
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk_);           \
        abef = _mm_sha256rnds2_epu32(abef, cdgh,                 \
                                     _mm_shuffle_epi32(wk_, 0x0e)); \
    } while (0)

#define KW(g, m) _mm_add_epi32((m), _mm_loadu_si128((const __m128i *)&sha256_k[4 * (g)]))

/* Round group g >= 4: m0 holds W[g-4] and becomes W[g]. */
#define GROUP(g, m0, m1, m2, m3)                                          \
    do {                                                                  \
        m0 = _mm_sha256msg1_epu32(m0, m1);                                \
        m0 = _mm_add_epi32(m0, _mm_alignr_epi8(m3, m2, 4));               \
        m0 = _mm_sha256msg2_epu32(m0, m3);                                \
        RNDS4(KW(g, m0));                                                 \
    } while (0)

SHANI_TARGET
static void sha256_compress_shani(uint32_t st[8], const uint8_t *p, size_t nblocks)
{
    /* Byte swap each 32-bit word: SHA-256 is big-endian. */
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i dcba = _mm_loadu_si128((const __m128i *)&st[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)&st[4]);

    /* Into the (A,B,E,F) / (C,D,G,H) layout. */
    __m128i badc = _mm_shuffle_epi32(dcba, 0xb1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1b);
    __m128i abef = _mm_alignr_epi8(badc, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, badc, 0xf0);

    while (nblocks--) {
        __m128i abef_in = abef, cdgh_in = cdgh;
        __m128i m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 0)), bswap);
        __m128i m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), bswap);
        __m128i m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), bswap);
        __m128i m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), bswap);

        RNDS4(KW(0, m0));
        RNDS4(KW(1, m1));
        RNDS4(KW(2, m2));
        RNDS4(KW(3, m3));
        GROUP(4, m0, m1, m2, m3);
        GROUP(5, m1, m2, m3, m0);
        GROUP(6, m2, m3, m0, m1);
        GROUP(7, m3, m0, m1, m2);
        GROUP(8, m0, m1, m2, m3);
        GROUP(9, m1, m2, m3, m0);
        GROUP(10, m2, m3, m0, m1);
        GROUP(11, m3, m0, m1, m2);
        GROUP(12, m0, m1, m2, m3);
        GROUP(13, m1, m2, m3, m0);
        GROUP(14, m2, m3, m0, m1);
        GROUP(15, m3, m0, m1, m2);

        abef = _mm_add_epi32(abef, abef_in);
        cdgh = _mm_add_epi32(cdgh, cdgh_in);
        p += FM_SHA256_BLOCK_LEN;
    }

    /* Back to h0..h7 order. */
    __m128i feba = _mm_shuffle_epi32(abef, 0x1b);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xb1);
    _mm_storeu_si128((__m128i *)&st[0], _mm_blend_epi16(feba, dchg, 0xf0));
    _mm_storeu_si128((__m128i *)&st[4], _mm_alignr_epi8(dchg, feba, 8));
}

#undef GROUP
#undef KW
#undef RNDS4
#undef SHANI_TARGET

#else
/* Never selected off x86 (cpu.c reports no SHA-NI there). */
static void sha256_compress_shani(uint32_t st[8], const uint8_t *p, size_t nblocks)
{
    sha256_compress_portable(st, p, nblocks);
}
#endif
