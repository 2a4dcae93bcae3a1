/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AES (FIPS 197) with the x86 AES-NI instructions: the key expansion of
 * section 5.2 computed with AESKEYGENASSIST, the cipher of section 5.1
 * with AESENC/AESENCLAST, and the equivalent inverse cipher of section
 * 5.3.5 with AESDEC/AESDECLAST, whose round keys are the encryption round
 * keys in reverse order with InvMixColumns (AESIMC) applied to all but the
 * first and the last.
 *
 * Blocks are processed eight at a time. AESENC has a latency of about four
 * cycles but the core can start one or two per cycle, so a single block
 * leaves the AES unit idle most of the time; eight independent blocks in
 * flight cover latency x throughput on current cores and fit in the sixteen
 * xmm registers of x86-64 together with the round key. The remainder (fewer
 * than eight blocks) goes one block at a time. All eight input blocks are
 * loaded before anything is stored, so in == out works.
 *
 * Constant time: AES-NI does SubBytes in hardware with data-independent
 * latency, with no table in memory, so neither the key nor the data
 * influences a branch, a memory address or the timing. The round count and
 * the block count are public.
 *
 * Compiled with per-function target attributes: the rest of the module is
 * built for the baseline ISA and these functions are only called when
 * cpuid reported AES-NI and SSSE3 (cpu.c). The key stays in xmm registers:
 * no stack copy of key material is made here, so there is nothing for
 * wipe() to clear beyond the schedule the caller owns (and wipes with
 * fm_aes_wipe).
 */
#include "aes_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define AESNI_TARGET __attribute__((target("aes,sse2,ssse3")))

/*
 * One step of the 128-bit expansion (FIPS 197 Figure 11, Nk = 4): given
 * the previous round key (w[i-4..i-1]) and kg = AESKEYGENASSIST(prev,
 * rcon), whose word 3 is RotWord(SubWord(w[i-1])) ^ Rcon, the new words
 * are w[i+j] = w[i-4+j] ^ ... ^ w[i-4] ^ temp: a prefix XOR of the
 * previous key (three shifted XORs) plus the broadcast temp.
 * The 256-bit expansion uses the same step with the word selected by
 * 'shuf' (0xff: word 3, rotated and with Rcon; 0xaa: word 2, SubWord only
 * for the i mod Nk == 4 case of Nk = 8).
 */
AESNI_TARGET
static inline __m128i aes_ni_expand_step(__m128i prev, __m128i kg)
{
    prev = _mm_xor_si128(prev, _mm_slli_si128(prev, 4));
    prev = _mm_xor_si128(prev, _mm_slli_si128(prev, 4));
    prev = _mm_xor_si128(prev, _mm_slli_si128(prev, 4));
    return _mm_xor_si128(prev, kg);
}

/*
 * One step of the 192-bit expansion (Nk = 6): lo holds w[i-6..i-3], hi
 * holds w[i-2..i-1] in its low 64 bits, and kg = AESKEYGENASSIST(hi,
 * rcon), whose word 1 is RotWord(SubWord(w[i-1])) ^ Rcon. On return lo
 * holds w[i..i+3] and hi the low 64 bits w[i+4..i+5] (its upper half is
 * don't-care and never stored).
 */
AESNI_TARGET
static inline void aes_ni_expand192_step(__m128i *lo, __m128i *hi, __m128i kg)
{
    __m128i a = aes_ni_expand_step(*lo, _mm_shuffle_epi32(kg, 0x55));
    __m128i b = *hi;

    b = _mm_xor_si128(b, _mm_slli_si128(b, 4));
    *hi = _mm_xor_si128(b, _mm_shuffle_epi32(a, 0xff));
    *lo = a;
}

/* AESKEYGENASSIST needs its round constant as an immediate, hence macros
 * rather than a loop over Rcon (FIPS 197 Table 5 / section 5.2). */
#define EXP128(k, rcon) \
    aes_ni_expand_step((k), _mm_shuffle_epi32(_mm_aeskeygenassist_si128((k), (rcon)), 0xff))
#define EXP256A(a, b, rcon) \
    aes_ni_expand_step((a), _mm_shuffle_epi32(_mm_aeskeygenassist_si128((b), (rcon)), 0xff))
#define EXP256B(a, b) \
    aes_ni_expand_step((a), _mm_shuffle_epi32(_mm_aeskeygenassist_si128((b), 0), 0xaa))
#define EXP192(lo, hi, rcon) \
    aes_ni_expand192_step(&(lo), &(hi), _mm_aeskeygenassist_si128((hi), (rcon)))

#define STORE_RK(i, v) _mm_storeu_si128((__m128i *)ks->enc[(i)], (v))

AESNI_TARGET
static void aes_ni_expand128(aes_ni_schedule *ks, const uint8_t *key)
{
    __m128i k = _mm_loadu_si128((const __m128i *)key);

    STORE_RK(0, k);
    k = EXP128(k, 0x01); STORE_RK(1, k);
    k = EXP128(k, 0x02); STORE_RK(2, k);
    k = EXP128(k, 0x04); STORE_RK(3, k);
    k = EXP128(k, 0x08); STORE_RK(4, k);
    k = EXP128(k, 0x10); STORE_RK(5, k);
    k = EXP128(k, 0x20); STORE_RK(6, k);
    k = EXP128(k, 0x40); STORE_RK(7, k);
    k = EXP128(k, 0x80); STORE_RK(8, k);
    k = EXP128(k, 0x1b); STORE_RK(9, k);
    k = EXP128(k, 0x36); STORE_RK(10, k);
}

/*
 * 192-bit keys: each step yields six words but a round key is four, so
 * three round keys come from every two steps. With (lo_n, hi_n) the state
 * after step n (lo_0:hi_0 = the key):
 *   rk[3m]   = lo_2m
 *   rk[3m+1] = hi_2m[0..1]   : lo_2m+1[0..1]   (unpacklo_epi64)
 *   rk[3m+2] = lo_2m+1[2..3] : hi_2m+1[0..1]   (alignr by 8 bytes)
 * Eight steps give w[0..53]; only w[0..51] (13 round keys) are used.
 */
#define RK192_PAIR(m, rcon_a, rcon_b)                                     \
    do {                                                                  \
        __m128i hi_prev = hi;                                             \
        EXP192(lo, hi, rcon_a);                                           \
        STORE_RK(3 * (m) + 1, _mm_unpacklo_epi64(hi_prev, lo));           \
        STORE_RK(3 * (m) + 2, _mm_alignr_epi8(hi, lo, 8));                \
        EXP192(lo, hi, rcon_b);                                           \
        STORE_RK(3 * (m) + 3, lo);                                        \
    } while (0)

AESNI_TARGET
static void aes_ni_expand192(aes_ni_schedule *ks, const uint8_t *key)
{
    __m128i lo = _mm_loadu_si128((const __m128i *)key);
    __m128i hi = _mm_loadl_epi64((const __m128i *)(key + 16));

    STORE_RK(0, lo);
    RK192_PAIR(0, 0x01, 0x02);
    RK192_PAIR(1, 0x04, 0x08);
    RK192_PAIR(2, 0x10, 0x20);
    RK192_PAIR(3, 0x40, 0x80);
}

/* 256-bit keys: round keys alternate between the Rcon step (even) and the
 * SubWord-only step (odd), each from the key two positions back. */
AESNI_TARGET
static void aes_ni_expand256(aes_ni_schedule *ks, const uint8_t *key)
{
    __m128i a = _mm_loadu_si128((const __m128i *)key);
    __m128i b = _mm_loadu_si128((const __m128i *)(key + 16));

    STORE_RK(0, a);
    STORE_RK(1, b);
    a = EXP256A(a, b, 0x01); STORE_RK(2, a);
    b = EXP256B(b, a);       STORE_RK(3, b);
    a = EXP256A(a, b, 0x02); STORE_RK(4, a);
    b = EXP256B(b, a);       STORE_RK(5, b);
    a = EXP256A(a, b, 0x04); STORE_RK(6, a);
    b = EXP256B(b, a);       STORE_RK(7, b);
    a = EXP256A(a, b, 0x08); STORE_RK(8, a);
    b = EXP256B(b, a);       STORE_RK(9, b);
    a = EXP256A(a, b, 0x10); STORE_RK(10, a);
    b = EXP256B(b, a);       STORE_RK(11, b);
    a = EXP256A(a, b, 0x20); STORE_RK(12, a);
    b = EXP256B(b, a);       STORE_RK(13, b);
    a = EXP256A(a, b, 0x40); STORE_RK(14, a);
}

#undef RK192_PAIR
#undef STORE_RK
#undef EXP192
#undef EXP256B
#undef EXP256A
#undef EXP128

AESNI_TARGET
static int aes_ni_keysched(aes_ni_schedule *ks, const uint8_t *key, size_t klen)
{
    int rounds;

    /* klen was validated by the caller; the branch is on a public length. */
    if (klen == 16) {
        aes_ni_expand128(ks, key);
        rounds = 10;
    } else if (klen == 24) {
        aes_ni_expand192(ks, key);
        rounds = 12;
    } else {
        aes_ni_expand256(ks, key);
        rounds = 14;
    }

    /* Equivalent inverse cipher (FIPS 197 section 5.3.5): dw[0] = w[Nr],
     * dw[Nr] = w[0], and InvMixColumns on the round keys in between. */
    _mm_storeu_si128((__m128i *)ks->dec[0],
                     _mm_loadu_si128((const __m128i *)ks->enc[rounds]));
    for (int r = 1; r < rounds; r++)
        _mm_storeu_si128((__m128i *)ks->dec[r],
                         _mm_aesimc_si128(_mm_loadu_si128((const __m128i *)ks->enc[rounds - r])));
    _mm_storeu_si128((__m128i *)ks->dec[rounds], _mm_loadu_si128((const __m128i *)ks->enc[0]));
    /* Rows past 'rounds' are never read; zero them so the schedule has no
     * stale key material from an earlier, longer key in the same context. */
    for (int r = rounds + 1; r <= AES_MAX_ROUNDS; r++) {
        _mm_storeu_si128((__m128i *)ks->enc[r], _mm_setzero_si128());
        _mm_storeu_si128((__m128i *)ks->dec[r], _mm_setzero_si128());
    }
    return rounds;
}

#define LD(p) _mm_loadu_si128((const __m128i *)(p))
#define ST(p, v) _mm_storeu_si128((__m128i *)(p), (v))

/*
 * The encryption and decryption loops differ only in the instructions and
 * the schedule, so one macro writes both. The round keys are reloaded for
 * each round: eight state registers plus fifteen round keys would not fit
 * in sixteen xmm registers, and a load from L1 is off the critical path.
 */
#define AES_NI_BLOCKS(rk, ROUND, LAST)                                           \
    do {                                                                         \
        while (nblocks >= 8) {                                                   \
            __m128i k = LD(rk[0]);                                               \
            __m128i b0 = _mm_xor_si128(LD(in + 0 * 16), k);                      \
            __m128i b1 = _mm_xor_si128(LD(in + 1 * 16), k);                      \
            __m128i b2 = _mm_xor_si128(LD(in + 2 * 16), k);                      \
            __m128i b3 = _mm_xor_si128(LD(in + 3 * 16), k);                      \
            __m128i b4 = _mm_xor_si128(LD(in + 4 * 16), k);                      \
            __m128i b5 = _mm_xor_si128(LD(in + 5 * 16), k);                      \
            __m128i b6 = _mm_xor_si128(LD(in + 6 * 16), k);                      \
            __m128i b7 = _mm_xor_si128(LD(in + 7 * 16), k);                      \
            for (int r = 1; r < rounds; r++) {                                   \
                k = LD(rk[r]);                                                   \
                b0 = ROUND(b0, k); b1 = ROUND(b1, k);                            \
                b2 = ROUND(b2, k); b3 = ROUND(b3, k);                            \
                b4 = ROUND(b4, k); b5 = ROUND(b5, k);                            \
                b6 = ROUND(b6, k); b7 = ROUND(b7, k);                            \
            }                                                                    \
            k = LD(rk[rounds]);                                                  \
            ST(out + 0 * 16, LAST(b0, k)); ST(out + 1 * 16, LAST(b1, k));        \
            ST(out + 2 * 16, LAST(b2, k)); ST(out + 3 * 16, LAST(b3, k));        \
            ST(out + 4 * 16, LAST(b4, k)); ST(out + 5 * 16, LAST(b5, k));        \
            ST(out + 6 * 16, LAST(b6, k)); ST(out + 7 * 16, LAST(b7, k));        \
            in += 8 * 16;                                                        \
            out += 8 * 16;                                                       \
            nblocks -= 8;                                                        \
        }                                                                        \
        while (nblocks > 0) {                                                    \
            __m128i b = _mm_xor_si128(LD(in), LD(rk[0]));                        \
            for (int r = 1; r < rounds; r++)                                     \
                b = ROUND(b, LD(rk[r]));                                         \
            ST(out, LAST(b, LD(rk[rounds])));                                    \
            in += 16;                                                            \
            out += 16;                                                           \
            nblocks--;                                                           \
        }                                                                        \
    } while (0)

/* FIPS 197 section 5.1 (Cipher), rounds = Nr. */
AESNI_TARGET
static void aes_ni_encrypt_blocks(const aes_ni_schedule *ks, int rounds,
                                  const uint8_t *in, uint8_t *out, size_t nblocks)
{
    AES_NI_BLOCKS(ks->enc, _mm_aesenc_si128, _mm_aesenclast_si128);
}

/* FIPS 197 section 5.3.5 (EqInvCipher) with the dec schedule. */
AESNI_TARGET
static void aes_ni_decrypt_blocks(const aes_ni_schedule *ks, int rounds,
                                  const uint8_t *in, uint8_t *out, size_t nblocks)
{
    AES_NI_BLOCKS(ks->dec, _mm_aesdec_si128, _mm_aesdeclast_si128);
}

#undef AES_NI_BLOCKS
#undef ST
#undef LD
#undef AESNI_TARGET

#else
/*
 * Never selected off x86 (cpu.c reports no AES-NI there). Should one be
 * reached anyway, it fails closed: the schedule and the output are zeroed,
 * and 0 rounds tells the caller the schedule is unusable.
 */
static int aes_ni_keysched(aes_ni_schedule *ks, const uint8_t *key, size_t klen)
{
    (void)key;
    (void)klen;
    wipe(ks, sizeof(*ks));
    return 0;
}

static void aes_ni_encrypt_blocks(const aes_ni_schedule *ks, int rounds,
                                  const uint8_t *in, uint8_t *out, size_t nblocks)
{
    (void)ks;
    (void)rounds;
    (void)in;
    wipe(out, nblocks * 16);
}

static void aes_ni_decrypt_blocks(const aes_ni_schedule *ks, int rounds,
                                  const uint8_t *in, uint8_t *out, size_t nblocks)
{
    (void)ks;
    (void)rounds;
    (void)in;
    wipe(out, nblocks * 16);
}
#endif
