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
 * The modes of SP 800-38A built on it follow the same plan: CTR (section
 * 6.5, the whole block a 128-bit counter) and CBC decryption (6.2) keep
 * eight blocks in flight, with the final XOR folded into the last round
 * key; CBC encryption cannot (each block needs the previous ciphertext),
 * so it instead keeps every round key in a register and leaves nothing on
 * the chain but the rounds themselves.
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

/*
 * Multi-block modes (SP 800-38A). What is public here: the counter value
 * of CTR, the IV and the block count; the key, the keystream and the data
 * are secret and stay in xmm registers.
 */

/* Block <-> register image of a 128-bit big-endian integer (the counter as
 * a little-endian integer in the register, low quadword first). */
AESNI_TARGET
static inline __m128i aes_ni_bswap128(__m128i x)
{
    return _mm_shuffle_epi8(x, _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
}

/* Counter block hi:lo + k as a block (SP 800-38A 6.5 counter, B.1 with
 * m = 128: the whole block is the counter, modulo 2^128). */
AESNI_TARGET
static inline __m128i aes_ni_ctr_block(uint64_t hi, uint64_t lo, uint64_t k)
{
    uint64_t l = lo + k;

    return aes_ni_bswap128(_mm_set_epi64x((long long)(hi + (l < lo)), (long long)l));
}

/*
 * Encrypt eight blocks b0..b7 (already XORed with round key 0) through
 * rounds 1 .. rounds - 1 (one round: AES_NI_ENC8_ROUND), leaving the last
 * round to the caller so that it can fold the data into the last round
 * key: AESENCLAST(b, k) ^ x == AESENCLAST(b, k ^ x), which takes the XOR
 * off the dependency chain.
 */
#define AES_NI_ENC8_ROUND(rk, r)                                                \
    do {                                                                        \
        __m128i k_ = LD(rk[(r)]);                                               \
        b0 = _mm_aesenc_si128(b0, k_); b1 = _mm_aesenc_si128(b1, k_);           \
        b2 = _mm_aesenc_si128(b2, k_); b3 = _mm_aesenc_si128(b3, k_);           \
        b4 = _mm_aesenc_si128(b4, k_); b5 = _mm_aesenc_si128(b5, k_);           \
        b6 = _mm_aesenc_si128(b6, k_); b7 = _mm_aesenc_si128(b7, k_);           \
    } while (0)
#define AES_NI_ENC8_MIDDLE(rk)                                                  \
    do {                                                                        \
        for (int r = 1; r < rounds; r++)                                        \
            AES_NI_ENC8_ROUND(rk, r);                                           \
    } while (0)

/* Last round plus XOR with the data block at in + 16 * i, stored to out. */
#define AES_NI_LAST_XOR(b, i, klast) \
    ST(out + 16 * (i), _mm_aesenclast_si128((b), _mm_xor_si128((klast), LD(in + 16 * (i)))))

/*
 * CTR (SP 800-38A 6.5) with the whole block as a big-endian 128-bit
 * counter. The counter is public: it lives in two general registers, and
 * the carry from the low into the high 64 bits may branch. Eight counter
 * blocks per iteration (see the top of the file), made the cheapest way
 * the counter allows: usually (last byte at most 0xf8) one block plus
 * 0..7 in its last byte, byte adds with no shuffle, which leaves the
 * vector ports to AESENC (measured 3-5% faster than a byte swap per
 * block); else, with no carry out of the low 64 bits, 64-bit adds and a
 * byte swap each; else one block at a time with the carry into the high
 * word. A remainder of 1..7 blocks still runs eight AES computations side by
 * side (latency, not throughput, bounds a few blocks) and stores only
 * what is needed; the extra keystream never leaves the registers.
 */
AESNI_TARGET
static void aes_ni_ctr128(const aes_ni_schedule *ks, int rounds, uint8_t ctr[16],
                          const uint8_t *in, uint8_t *out, size_t nblocks)
{
    uint64_t hi = load_be64(ctr);
    uint64_t lo = load_be64(ctr + 8);

    while (nblocks > 0) {
        __m128i k = LD(ks->enc[0]);
        __m128i b0, b1, b2, b3, b4, b5, b6, b7;
        size_t n = nblocks < 8 ? nblocks : 8;

        if ((lo & 0xff) <= 0xf8) {
            /* Adding 0..7 only changes the last byte, without carry: a
             * byte add on the block itself, no byte swap per block. */
            __m128i c = aes_ni_bswap128(_mm_set_epi64x((long long)hi, (long long)lo));

            b0 = c;
            b1 = _mm_add_epi8(c, _mm_set_epi8(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
            b2 = _mm_add_epi8(c, _mm_set_epi8(2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
            b3 = _mm_add_epi8(c, _mm_set_epi8(3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
            b4 = _mm_add_epi8(c, _mm_set_epi8(4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
            b5 = _mm_add_epi8(c, _mm_set_epi8(5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
            b6 = _mm_add_epi8(c, _mm_set_epi8(6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
            b7 = _mm_add_epi8(c, _mm_set_epi8(7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        } else if (lo <= UINT64_MAX - 7) {
            __m128i c = _mm_set_epi64x((long long)hi, (long long)lo);

            b0 = aes_ni_bswap128(c);
            b1 = aes_ni_bswap128(_mm_add_epi64(c, _mm_set_epi64x(0, 1)));
            b2 = aes_ni_bswap128(_mm_add_epi64(c, _mm_set_epi64x(0, 2)));
            b3 = aes_ni_bswap128(_mm_add_epi64(c, _mm_set_epi64x(0, 3)));
            b4 = aes_ni_bswap128(_mm_add_epi64(c, _mm_set_epi64x(0, 4)));
            b5 = aes_ni_bswap128(_mm_add_epi64(c, _mm_set_epi64x(0, 5)));
            b6 = aes_ni_bswap128(_mm_add_epi64(c, _mm_set_epi64x(0, 6)));
            b7 = aes_ni_bswap128(_mm_add_epi64(c, _mm_set_epi64x(0, 7)));
        } else {
            b0 = aes_ni_ctr_block(hi, lo, 0);
            b1 = aes_ni_ctr_block(hi, lo, 1);
            b2 = aes_ni_ctr_block(hi, lo, 2);
            b3 = aes_ni_ctr_block(hi, lo, 3);
            b4 = aes_ni_ctr_block(hi, lo, 4);
            b5 = aes_ni_ctr_block(hi, lo, 5);
            b6 = aes_ni_ctr_block(hi, lo, 6);
            b7 = aes_ni_ctr_block(hi, lo, 7);
        }
        b0 = _mm_xor_si128(b0, k); b1 = _mm_xor_si128(b1, k);
        b2 = _mm_xor_si128(b2, k); b3 = _mm_xor_si128(b3, k);
        b4 = _mm_xor_si128(b4, k); b5 = _mm_xor_si128(b5, k);
        b6 = _mm_xor_si128(b6, k); b7 = _mm_xor_si128(b7, k);
        AES_NI_ENC8_MIDDLE(ks->enc);
        k = LD(ks->enc[rounds]);
        if (n == 8) {
            AES_NI_LAST_XOR(b0, 0, k); AES_NI_LAST_XOR(b1, 1, k);
            AES_NI_LAST_XOR(b2, 2, k); AES_NI_LAST_XOR(b3, 3, k);
            AES_NI_LAST_XOR(b4, 4, k); AES_NI_LAST_XOR(b5, 5, k);
            AES_NI_LAST_XOR(b6, 6, k); AES_NI_LAST_XOR(b7, 7, k);
        } else {
            /* Fewer than eight blocks left (n is public). */
            AES_NI_LAST_XOR(b0, 0, k);
            if (n > 1) AES_NI_LAST_XOR(b1, 1, k);
            if (n > 2) AES_NI_LAST_XOR(b2, 2, k);
            if (n > 3) AES_NI_LAST_XOR(b3, 3, k);
            if (n > 4) AES_NI_LAST_XOR(b4, 4, k);
            if (n > 5) AES_NI_LAST_XOR(b5, 5, k);
            if (n > 6) AES_NI_LAST_XOR(b6, 6, k);
        }
        hi += (lo + n) < lo;
        lo += n;
        in += 16 * n;
        out += 16 * n;
        nblocks -= n;
    }
    store_be64(ctr, hi);
    store_be64(ctr + 8, lo);
}

/*
 * CBC encryption (SP 800-38A 6.2): C_i = E(P_i ^ C_{i-1}), inherently one
 * block after another, so the time per block is the latency of the whole
 * cipher. To keep anything else off that chain, the round keys 1..Nr are
 * loaded into registers once (they fit: at most fourteen, plus the chain
 * value and one temporary, in sixteen xmm registers) and the plaintext is
 * combined with round key 0 before it meets the chain. Nr is a constant
 * in each expansion (always_inline), so the unused keys vanish.
 */
AESNI_TARGET
__attribute__((always_inline))
static inline void aes_ni_cbc_enc_nr(const aes_ni_schedule *ks, const int nr, uint8_t iv[16],
                                     const uint8_t *in, uint8_t *out, size_t nblocks)
{
    __m128i k1 = LD(ks->enc[1]), k2 = LD(ks->enc[2]), k3 = LD(ks->enc[3]);
    __m128i k4 = LD(ks->enc[4]), k5 = LD(ks->enc[5]), k6 = LD(ks->enc[6]);
    __m128i k7 = LD(ks->enc[7]), k8 = LD(ks->enc[8]), k9 = LD(ks->enc[9]);
    __m128i k10 = LD(ks->enc[10]);
    __m128i k11 = k10, k12 = k10, k13 = k10, k14 = k10;
    __m128i c = LD(iv);

    if (nr >= 12) {
        k11 = LD(ks->enc[11]);
        k12 = LD(ks->enc[12]);
    }
    if (nr >= 14) {
        k13 = LD(ks->enc[13]);
        k14 = LD(ks->enc[14]);
    }
    for (; nblocks > 0; nblocks--, in += 16, out += 16) {
        c = _mm_xor_si128(c, _mm_xor_si128(LD(in), LD(ks->enc[0])));
        c = _mm_aesenc_si128(c, k1);
        c = _mm_aesenc_si128(c, k2);
        c = _mm_aesenc_si128(c, k3);
        c = _mm_aesenc_si128(c, k4);
        c = _mm_aesenc_si128(c, k5);
        c = _mm_aesenc_si128(c, k6);
        c = _mm_aesenc_si128(c, k7);
        c = _mm_aesenc_si128(c, k8);
        c = _mm_aesenc_si128(c, k9);
        if (nr == 10) {
            c = _mm_aesenclast_si128(c, k10);
        } else {
            c = _mm_aesenc_si128(c, k10);
            c = _mm_aesenc_si128(c, k11);
            if (nr == 12) {
                c = _mm_aesenclast_si128(c, k12);
            } else {
                c = _mm_aesenc_si128(c, k12);
                c = _mm_aesenc_si128(c, k13);
                c = _mm_aesenclast_si128(c, k14);
            }
        }
        ST(out, c);
    }
    ST(iv, c);
}

AESNI_TARGET
static void aes_ni_cbc_encrypt(const aes_ni_schedule *ks, int rounds, uint8_t iv[16],
                               const uint8_t *in, uint8_t *out, size_t nblocks)
{
    /* rounds is public and one of 10, 12, 14 (FIPS 197 Figure 4). */
    if (rounds == 10)
        aes_ni_cbc_enc_nr(ks, 10, iv, in, out, nblocks);
    else if (rounds == 12)
        aes_ni_cbc_enc_nr(ks, 12, iv, in, out, nblocks);
    else
        aes_ni_cbc_enc_nr(ks, 14, iv, in, out, nblocks);
}

/*
 * CBC decryption (SP 800-38A 6.2): P_i = D(C_i) ^ C_{i-1}. The inverse
 * ciphers are independent, so eight run side by side as in
 * aes_ni_decrypt_blocks. For in == out the stores go from the last block
 * of the eight down to the first: storing P_i overwrites C_i, and by then
 * the only block that needed it, P_{i+1}, is done; C_7, the next chain
 * value, is read before anything is stored.
 */
AESNI_TARGET
static void aes_ni_cbc_decrypt(const aes_ni_schedule *ks, int rounds, uint8_t iv[16],
                               const uint8_t *in, uint8_t *out, size_t nblocks)
{
    __m128i chain = LD(iv);

    while (nblocks >= 8) {
        __m128i k = LD(ks->dec[0]);
        __m128i b0 = _mm_xor_si128(LD(in + 0 * 16), k);
        __m128i b1 = _mm_xor_si128(LD(in + 1 * 16), k);
        __m128i b2 = _mm_xor_si128(LD(in + 2 * 16), k);
        __m128i b3 = _mm_xor_si128(LD(in + 3 * 16), k);
        __m128i b4 = _mm_xor_si128(LD(in + 4 * 16), k);
        __m128i b5 = _mm_xor_si128(LD(in + 5 * 16), k);
        __m128i b6 = _mm_xor_si128(LD(in + 6 * 16), k);
        __m128i b7 = _mm_xor_si128(LD(in + 7 * 16), k);
        __m128i next;

        for (int r = 1; r < rounds; r++) {
            k = LD(ks->dec[r]);
            b0 = _mm_aesdec_si128(b0, k); b1 = _mm_aesdec_si128(b1, k);
            b2 = _mm_aesdec_si128(b2, k); b3 = _mm_aesdec_si128(b3, k);
            b4 = _mm_aesdec_si128(b4, k); b5 = _mm_aesdec_si128(b5, k);
            b6 = _mm_aesdec_si128(b6, k); b7 = _mm_aesdec_si128(b7, k);
        }
        /* The chain XOR is folded into the last round key, as in CTR. */
        k = LD(ks->dec[rounds]);
        next = LD(in + 7 * 16);
        ST(out + 7 * 16, _mm_aesdeclast_si128(b7, _mm_xor_si128(k, LD(in + 6 * 16))));
        ST(out + 6 * 16, _mm_aesdeclast_si128(b6, _mm_xor_si128(k, LD(in + 5 * 16))));
        ST(out + 5 * 16, _mm_aesdeclast_si128(b5, _mm_xor_si128(k, LD(in + 4 * 16))));
        ST(out + 4 * 16, _mm_aesdeclast_si128(b4, _mm_xor_si128(k, LD(in + 3 * 16))));
        ST(out + 3 * 16, _mm_aesdeclast_si128(b3, _mm_xor_si128(k, LD(in + 2 * 16))));
        ST(out + 2 * 16, _mm_aesdeclast_si128(b2, _mm_xor_si128(k, LD(in + 1 * 16))));
        ST(out + 1 * 16, _mm_aesdeclast_si128(b1, _mm_xor_si128(k, LD(in + 0 * 16))));
        ST(out + 0 * 16, _mm_aesdeclast_si128(b0, _mm_xor_si128(k, chain)));
        chain = next;
        in += 8 * 16;
        out += 8 * 16;
        nblocks -= 8;
    }
    for (; nblocks > 0; nblocks--, in += 16, out += 16) {
        __m128i c = LD(in);
        __m128i b = _mm_xor_si128(c, LD(ks->dec[0]));

        for (int r = 1; r < rounds; r++)
            b = _mm_aesdec_si128(b, LD(ks->dec[r]));
        ST(out, _mm_aesdeclast_si128(b, _mm_xor_si128(LD(ks->dec[rounds]), chain)));
        chain = c;
    }
    ST(iv, chain);
}

#undef AES_NI_LAST_XOR
#undef AES_NI_ENC8_MIDDLE
#undef AES_NI_ENC8_ROUND

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

static void aes_ni_ctr128(const aes_ni_schedule *ks, int rounds, uint8_t ctr[16],
                          const uint8_t *in, uint8_t *out, size_t nblocks)
{
    (void)ks;
    (void)rounds;
    (void)ctr;
    (void)in;
    wipe(out, nblocks * 16);
}

static void aes_ni_cbc_encrypt(const aes_ni_schedule *ks, int rounds, uint8_t iv[16],
                               const uint8_t *in, uint8_t *out, size_t nblocks)
{
    (void)ks;
    (void)rounds;
    (void)iv;
    (void)in;
    wipe(out, nblocks * 16);
}

static void aes_ni_cbc_decrypt(const aes_ni_schedule *ks, int rounds, uint8_t iv[16],
                               const uint8_t *in, uint8_t *out, size_t nblocks)
{
    (void)ks;
    (void)rounds;
    (void)iv;
    (void)in;
    wipe(out, nblocks * 16);
}
#endif
