/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SHA-512 block compression for x86-64 vector units (FIPS 180-4 section
 * 6.4.2): the engine shared by sha512_avx2.c and sha512_avx512.c, which
 * include this file after defining
 *   SHA512_VEC_TARGET  the target attribute of every function here,
 *   SHA512_VEC_FN(n)   the name of function n in that variant,
 *   VSSIG0, VSSIG1     the message-schedule functions (4.12) and (4.13) on
 *                      four 64-bit lanes.
 *
 * The rounds are inherently serial, but the message schedule (section
 * 6.4.2 step 1) is not: W[t] and W[t+1] depend only on words at least two
 * positions back. So the schedule of two blocks is computed together, one
 * block in each 128-bit lane of a 256-bit register, two words per lane per
 * step, with K[t] already added. The rounds run from that table in plain C
 * compiled for BMI1/BMI2 (non-destructive RORX and ANDN). The rounds are
 * bound by integer-ALU throughput, so a separate schedule pass would add
 * its whole cost: instead the schedule of the next two blocks is computed
 * in between the rounds of the current ones, and the vector units work
 * while the integer units run the rounds.
 *
 * Constant time: vector and scalar arithmetic only, no data-dependent
 * branches or addresses. The W+K tables hold message words (HMAC key
 * blocks among them) and are wiped before returning.
 */
#include <immintrin.h>

#ifndef FIPSMOD_SHA512_VEC_TABLE
#define FIPSMOD_SHA512_VEC_TABLE
/*
 * The W+K table of a block pair is interleaved: entry s holds
 * {A[2s], A[2s+1], B[2s], B[2s+1]} for schedule step s (0..39), so a step
 * is one 256-bit store and block A's word t sits at [t/2][t%2], block B's
 * at [t/2][2 + t%2].
 */
typedef uint64_t sha512_wk_table[40][4];
#endif

/*
 * The W+K table of a block pair is interleaved: entry s holds
 * {A[2s], A[2s+1], B[2s], B[2s+1]} for schedule step s (0..39), so a step
 * is one 256-bit store and block A's word t sits at [t/2][t%2], block B's
 * at [t/2][2 + t%2].
 */

/* Steps 0..7: load, byte-swap (SHA-512 is big-endian) and add K. */
SHA512_VEC_TARGET __attribute__((always_inline))
static inline void SHA512_VEC_FN(sha512_sched_load)(__m256i ring[8], sha512_wk_table wk,
                                     const uint8_t *a, const uint8_t *b)
{
    const __m256i bswap = _mm256_set_epi8(
        8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7,
        8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);

    for (int s = 0; s < 8; s++) {
        __m256i n = _mm256_inserti128_si256(
            _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(a + 16 * s))),
            _mm_loadu_si128((const __m128i *)(b + 16 * s)), 1);
        n = _mm256_shuffle_epi8(n, bswap);
        ring[s] = n;
        n = _mm256_add_epi64(n, _mm256_broadcastsi128_si256(
                                    _mm_loadu_si128((const __m128i *)&sha512_k[2 * s])));
        _mm256_storeu_si256((__m256i *)wk[s], n);
    }
}

/*
 * Step s (8..39): word pair s of both blocks. ring[s & 7] holds pair s - 8
 * (words t-16, t-15) until overwritten; W[t-15..t-14] and W[t-7..t-6]
 * straddle two pairs, and ALIGNR (per 128-bit lane) picks them out.
 * `out` and `k` point at entry s of the table and at K[2s]; `r` is s & 7,
 * a constant at every call site so the ring stays in registers.
 */
SHA512_VEC_TARGET __attribute__((always_inline))
static inline void SHA512_VEC_FN(sha512_sched_step)(__m256i ring[8], int r,
                                                    uint64_t out[4], const uint64_t *k)
{
    __m256i w15 = _mm256_alignr_epi8(ring[(r + 1) & 7], ring[r], 8);
    __m256i w7 = _mm256_alignr_epi8(ring[(r + 5) & 7], ring[(r + 4) & 7], 8);
    __m256i n = _mm256_add_epi64(_mm256_add_epi64(ring[r], VSSIG0(w15)),
                                 _mm256_add_epi64(w7, VSSIG1(ring[(r + 7) & 7])));
    ring[r] = n;
    n = _mm256_add_epi64(n, _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)k)));
    _mm256_storeu_si256((__m256i *)out, n);
}

/*
 * The 80 rounds of one block, reading W+K at `wk` with a stride of four
 * words per pair (the interleaved table, at lane 0 or 2), while computing
 * 16 schedule steps of the next pair, s0..s0+15, two per eight rounds, so
 * the vector units work while the integer units run the rounds. s0 is 8
 * or 24, both multiples of 8: ring indices are constants, and one copy of
 * this function serves both blocks of a pair.
 */
SHA512_VEC_TARGET __attribute__((noinline))
static void SHA512_VEC_FN(sha512_rounds_sched)(uint64_t st[8], const uint64_t *wk,
                                               __m256i ring[8], uint64_t (*next)[4], int s0)
{
    uint64_t a = st[0], b = st[1], c = st[2], d = st[3];
    uint64_t e = st[4], f = st[5], g = st[6], h = st[7];
    uint64_t bc = b ^ c;
    __m256i rg[8];
    uint64_t (*out)[4] = next + s0;
    const uint64_t *k = &sha512_k[2 * s0];

    for (int i = 0; i < 8; i++)
        rg[i] = ring[i];
#define WK_TABLE(t) wk[((t) / 2) * 4 + ((t) & 1)]
#pragma GCC unroll 10
    for (int t = 0; t < 80; t += 8) {
        SHA512_ROUND8(t, WK_TABLE);
        if (t < 64) {
            SHA512_VEC_FN(sha512_sched_step)(rg, (t / 4) & 7, out[t / 4], k + 2 * (t / 4));
            SHA512_VEC_FN(sha512_sched_step)(rg, (t / 4 + 1) & 7, out[t / 4 + 1],
                                            k + 2 * (t / 4 + 1));
        }
    }
#undef WK_TABLE
    for (int i = 0; i < 8; i++)
        ring[i] = rg[i];
    st[0] += a; st[1] += b; st[2] += c; st[3] += d;
    st[4] += e; st[5] += f; st[6] += g; st[7] += h;
}

/* Schedule steps 8..39 of a pair without rounds (the first pair). */
SHA512_VEC_TARGET
static void SHA512_VEC_FN(sha512_sched_rest)(__m256i ring[8], sha512_wk_table wk)
{
    for (int s = 8; s < 40; s++)
        SHA512_VEC_FN(sha512_sched_step)(ring, s & 7, wk[s], &sha512_k[2 * s]);
}

/*
 * Blocks go in pairs: while pair i runs its rounds, pair i+1 is scheduled
 * into the other half of the double buffer (steps 8-23 during block A,
 * 24-39 during block B). After the last pair the same code schedules that
 * pair again into the spare buffer, which is never read: cheaper than a
 * second copy of the rounds. A lone last block is scheduled in both lanes
 * and lane 1 is ignored.
 */
SHA512_VEC_TARGET
static void SHA512_VEC_FN(sha512_compress)(uint64_t st[8], const uint8_t *p, size_t nblocks)
{
    sha512_wk_table wk[2];
    __m256i ring[8];
    int cur = 0;

    if (nblocks == 0)
        return;
    SHA512_VEC_FN(sha512_sched_load)(ring, wk[0], p, nblocks >= 2 ? p + FM_SHA512_BLOCK_LEN : p);
    SHA512_VEC_FN(sha512_sched_rest)(ring, wk[0]);
    while (nblocks != 0) {
        size_t take = nblocks >= 2 ? 2 : 1;
        size_t rest = nblocks - take;
        const uint8_t *na = rest != 0 ? p + take * FM_SHA512_BLOCK_LEN : p;
        const uint8_t *nb = rest >= 2 || (rest == 0 && take == 2) ? na + FM_SHA512_BLOCK_LEN : na;

        SHA512_VEC_FN(sha512_sched_load)(ring, wk[cur ^ 1], na, nb);
        SHA512_VEC_FN(sha512_rounds_sched)(st, &wk[cur][0][0], ring, wk[cur ^ 1], 8);
        if (take == 2)
            SHA512_VEC_FN(sha512_rounds_sched)(st, &wk[cur][0][2], ring, wk[cur ^ 1], 24);
        cur ^= 1;
        p += take * FM_SHA512_BLOCK_LEN;
        nblocks = rest;
    }
    /* The tables hold message words (HMAC key blocks among them). */
    wipe(wk, sizeof wk);
    wipe(ring, sizeof ring);
}
