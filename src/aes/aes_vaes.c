/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AES (FIPS 197) with VAES: AESENC/AESDEC on 256-bit ymm registers, two
 * blocks per register, for ECB (the cipher of section 5.1 and the
 * equivalent inverse cipher of 5.3.5), CTR with a 128-bit counter
 * (SP 800-38A 6.5) and CBC decryption (SP 800-38A 6.2). It uses the
 * AES-NI key schedule (aes_ni.c) with each 128-bit round key broadcast to
 * both lanes.
 *
 * Strategy: blocks go sixteen at a time, eight ymm states. A VAES round
 * has a latency of about four cycles and the core starts two per cycle,
 * so eight independent registers keep both AES pipes busy; eight states
 * plus a round key plus the temporaries of the CTR/CBC glue still fit in
 * the sixteen ymm registers of AVX2 (this code must also run on Zen 3 and
 * the Intel client cores that have VAES but no AVX-512). Round keys are
 * reloaded with a broadcast load each round rather than kept in registers:
 * fifteen keys and eight states do not fit, and the load ports are
 * otherwise idle. The rounds are fully unrolled (the 12- and 14-round
 * tails behind a branch on the public round count) so the compiler emits
 * straight-line code without register copies between rounds.
 *
 * The last round is folded with the final XOR of each mode: AESENCLAST
 * and AESDECLAST end with an XOR of the round key, so XORing the data
 * (plaintext for CTR, previous ciphertext for CBC) into the round key
 * first takes that XOR off the dependency chain.
 *
 * A trailing group of fewer than sixteen blocks runs through the same
 * eight-register code: missing blocks are zero, and only present blocks
 * are loaded and stored (a branch on the public block count). Its cost
 * is that of a full group, the same as the latency of a single block
 * through all rounds, so short inputs are not penalised.
 *
 * CTR: the counter block is a 128-bit big-endian integer, incremented
 * modulo 2^128. While the low byte does not wrap within a group (at least
 * 15 groups in 16), the sixteen counters are the broadcast counter plus 0..15 added
 * to its last byte with one vector add each; otherwise they are built with
 * 128-bit carries in general-purpose registers. Both paths depend only on
 * the counter, which is public.
 *
 * CBC decryption: all sixteen ciphertext blocks of a group are loaded
 * before any plaintext is stored, the chaining value for the next group
 * is read before the stores, and the states are stored from the last to
 * the first, so the chaining values still to be read (one block earlier
 * in the input) are never overwritten: in == out works.
 *
 * Constant time: VAES has data-independent timing and no tables; branches
 * and addresses depend only on block counts, the round count and the
 * counter. Secrets live in ymm registers: as compiled by GCC 12 and
 * Clang 14 with the module flags, these functions spill nothing to the
 * stack (checked in the disassembly; see vaes_enclast_xor8 for the one
 * case that needed care).
 *
 * Measured on AMD Zen 4 (the AES-128 peak is 40 cycles per group of
 * sixteen blocks): CTR about 45 cycles per group (0.17 cycles/byte), CBC
 * decryption with AES-256 about 58 (peak 56).
 *
 * Per-function target attributes: the module is built for the baseline
 * ISA and these functions are reached only when cpu.c reported AVX2, VAES
 * and VPCLMULQDQ. gcm_vaes.c, included after this file in the module's
 * translation unit, reuses the inline helpers defined here.
 */
#include "aes_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define VAES_TARGET __attribute__((target("vaes,vpclmulqdq,avx2,aes,pclmul,sse4.1,ssse3")))
#define VAES_INLINE static inline __attribute__((always_inline)) VAES_TARGET
/* Lets gcm_vaes.c check that these helpers are in scope. */
#define AES_VAES_HELPERS 1

/* The loops over the eight states and the nine common rounds must be
 * unrolled: with constant indices the state array becomes registers. */
#define VAES_UNROLL _Pragma("GCC unroll 16")

/* Sixteen blocks in eight ymm registers. */
#define VAES_GROUP 16

VAES_INLINE __m256i vaes_ld(const uint8_t *p)
{
    return _mm256_loadu_si256((const __m256i *)p);
}

VAES_INLINE void vaes_st(uint8_t *p, __m256i v)
{
    _mm256_storeu_si256((__m256i *)p, v);
}

/* A round key (or any 16 bytes) in both lanes. */
VAES_INLINE __m256i vaes_bcast(const uint8_t p[16])
{
    return _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)p));
}

/*
 * State j of a group of n blocks holds blocks 2j and 2j+1; only those
 * below n are read or written. The branches are on the public count and
 * fold away for full groups once the state loop is unrolled.
 */
VAES_INLINE __m256i vaes_ld_part(const uint8_t *p, size_t n, int j)
{
    size_t first = 2 * (size_t)j;

    if (n >= first + 2)
        return vaes_ld(p + 32 * j);
    if (n == first + 1)
        return _mm256_zextsi128_si256(_mm_loadu_si128((const __m128i *)(p + 32 * j)));
    return _mm256_setzero_si256();
}

VAES_INLINE void vaes_st_part(uint8_t *p, __m256i v, size_t n, int j)
{
    size_t first = 2 * (size_t)j;

    if (n >= first + 2)
        vaes_st(p + 32 * j, v);
    else if (n == first + 1)
        _mm_storeu_si128((__m128i *)(p + 32 * j), _mm256_castsi256_si128(v));
}

/* One round (or round 0's key addition) on all eight states. */
VAES_INLINE void vaes_xor8(__m256i b[8], __m256i k)
{
    VAES_UNROLL
    for (int j = 0; j < 8; j++)
        b[j] = _mm256_xor_si256(b[j], k);
}

VAES_INLINE void vaes_enc8(__m256i b[8], __m256i k)
{
    VAES_UNROLL
    for (int j = 0; j < 8; j++)
        b[j] = _mm256_aesenc_epi128(b[j], k);
}

VAES_INLINE void vaes_dec8(__m256i b[8], __m256i k)
{
    VAES_UNROLL
    for (int j = 0; j < 8; j++)
        b[j] = _mm256_aesdec_epi128(b[j], k);
}

/*
 * Everything but the last round (FIPS 197 section 5.1: AddRoundKey, then
 * Nr - 1 full rounds); the caller does the last round together with the
 * XOR its mode needs. Rounds 1..9 are common to all key sizes.
 */
VAES_INLINE void vaes_enc8_body(const aes_ni_schedule *ks, int rounds, __m256i b[8])
{
    vaes_xor8(b, vaes_bcast(ks->enc[0]));
    VAES_UNROLL
    for (int r = 1; r < 10; r++)
        vaes_enc8(b, vaes_bcast(ks->enc[r]));
    if (rounds > 10) {
        vaes_enc8(b, vaes_bcast(ks->enc[10]));
        vaes_enc8(b, vaes_bcast(ks->enc[11]));
    }
    if (rounds > 12) {
        vaes_enc8(b, vaes_bcast(ks->enc[12]));
        vaes_enc8(b, vaes_bcast(ks->enc[13]));
    }
}

/* The same for the equivalent inverse cipher (section 5.3.5). */
VAES_INLINE void vaes_dec8_body(const aes_ni_schedule *ks, int rounds, __m256i b[8])
{
    vaes_xor8(b, vaes_bcast(ks->dec[0]));
    VAES_UNROLL
    for (int r = 1; r < 10; r++)
        vaes_dec8(b, vaes_bcast(ks->dec[r]));
    if (rounds > 10) {
        vaes_dec8(b, vaes_bcast(ks->dec[10]));
        vaes_dec8(b, vaes_bcast(ks->dec[11]));
    }
    if (rounds > 12) {
        vaes_dec8(b, vaes_bcast(ks->dec[12]));
        vaes_dec8(b, vaes_bcast(ks->dec[13]));
    }
}

/*
 * Last encryption round fused with out = keystream ^ in, for n blocks.
 * A full group issues all eight last rounds before the stores (measured
 * 2-3% faster); a partial one stores each result as soon as it exists,
 * because with the per-state branches GCC otherwise kept them all live
 * and spilled one, leaving a copy of (for decryption) plaintext on the
 * stack.
 */
VAES_INLINE void vaes_enclast_xor8(const aes_ni_schedule *ks, int rounds, __m256i b[8],
                                   const uint8_t *in, uint8_t *out, size_t n)
{
    __m256i k = vaes_bcast(ks->enc[rounds]);

    if (n == VAES_GROUP) {
        VAES_UNROLL
        for (int j = 0; j < 8; j++)
            b[j] = _mm256_aesenclast_epi128(b[j], _mm256_xor_si256(k, vaes_ld(in + 32 * j)));
        VAES_UNROLL
        for (int j = 0; j < 8; j++)
            vaes_st(out + 32 * j, b[j]);
        return;
    }
    VAES_UNROLL
    for (int j = 0; j < 8; j++) {
        b[j] = _mm256_aesenclast_epi128(b[j], _mm256_xor_si256(k, vaes_ld_part(in, n, j)));
        vaes_st_part(out, b[j], n, j);
    }
}

/* ECB over n <= 16 blocks (FIPS 197 section 5.1 / 5.3.5). */
VAES_INLINE void vaes_ecb_group(const aes_ni_schedule *ks, int rounds, int decrypt,
                                const uint8_t *in, uint8_t *out, size_t n)
{
    __m256i b[8];

    VAES_UNROLL
    for (int j = 0; j < 8; j++)
        b[j] = vaes_ld_part(in, n, j);
    if (decrypt) {
        __m256i k;

        vaes_dec8_body(ks, rounds, b);
        k = vaes_bcast(ks->dec[rounds]);
        VAES_UNROLL
        for (int j = 0; j < 8; j++)
            b[j] = _mm256_aesdeclast_epi128(b[j], k);
    } else {
        __m256i k;

        vaes_enc8_body(ks, rounds, b);
        k = vaes_bcast(ks->enc[rounds]);
        VAES_UNROLL
        for (int j = 0; j < 8; j++)
            b[j] = _mm256_aesenclast_epi128(b[j], k);
    }
    VAES_UNROLL
    for (int j = 0; j < 8; j++)
        vaes_st_part(out, b[j], n, j);
}

VAES_TARGET
static void aes_vaes_encrypt_blocks(const aes_ni_schedule *ks, int rounds,
                                    const uint8_t *in, uint8_t *out, size_t nblocks)
{
    for (; nblocks >= VAES_GROUP; nblocks -= VAES_GROUP) {
        vaes_ecb_group(ks, rounds, 0, in, out, VAES_GROUP);
        in += 16 * VAES_GROUP;
        out += 16 * VAES_GROUP;
    }
    if (nblocks > 0)
        vaes_ecb_group(ks, rounds, 0, in, out, nblocks);
}

VAES_TARGET
static void aes_vaes_decrypt_blocks(const aes_ni_schedule *ks, int rounds,
                                    const uint8_t *in, uint8_t *out, size_t nblocks)
{
    for (; nblocks >= VAES_GROUP; nblocks -= VAES_GROUP) {
        vaes_ecb_group(ks, rounds, 1, in, out, VAES_GROUP);
        in += 16 * VAES_GROUP;
        out += 16 * VAES_GROUP;
    }
    if (nblocks > 0)
        vaes_ecb_group(ks, rounds, 1, in, out, nblocks);
}

/* Big-endian 64-bit load/store of public counter bytes, byte by byte:
 * no alignment or aliasing assumption, and compilers turn it into MOVBE
 * or BSWAP. */
static inline uint64_t vaes_be64(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

static inline void vaes_put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

/* The counter hi:lo + k as the 16 bytes of its big-endian encoding. */
VAES_INLINE __m128i vaes_ctr128_block(uint64_t hi, uint64_t lo, uint64_t k)
{
    uint64_t l = lo + k;
    uint64_t h = hi + (l < lo);     /* carry: public, the counter is */

    return _mm_set_epi64x((long long)__builtin_bswap64(l), (long long)__builtin_bswap64(h));
}

/*
 * The sixteen counter blocks hi:lo + 0 .. 15 (SP 800-38A 6.5 with the
 * standard incrementing function over all 128 bits, B.1). In the common
 * case the last byte does not wrap, and adding i to the top byte of the
 * second (big-endian loaded) qword adds it to byte 15 alone.
 */
VAES_INLINE void vaes_ctr128_fill(__m256i b[8], uint64_t hi, uint64_t lo)
{
    if ((lo & 0xff) <= 0xff - (VAES_GROUP - 1)) {
        __m256i base = _mm256_broadcastsi128_si256(vaes_ctr128_block(hi, lo, 0));

        VAES_UNROLL
        for (int j = 0; j < 8; j++)
            b[j] = _mm256_add_epi64(base, _mm256_set_epi64x((long long)(2 * j + 1) << 56, 0,
                                                            (long long)(2 * j) << 56, 0));
    } else {
        VAES_UNROLL
        for (int j = 0; j < 8; j++)
            b[j] = _mm256_set_m128i(vaes_ctr128_block(hi, lo, 2 * (uint64_t)j + 1),
                                    vaes_ctr128_block(hi, lo, 2 * (uint64_t)j));
    }
}

VAES_TARGET
static void aes_vaes_ctr128(const aes_ni_schedule *ks, int rounds, uint8_t ctr[16],
                            const uint8_t *in, uint8_t *out, size_t nblocks)
{
    uint64_t hi = vaes_be64(ctr), lo = vaes_be64(ctr + 8);

    while (nblocks > 0) {
        size_t n = nblocks < VAES_GROUP ? nblocks : VAES_GROUP;
        __m256i b[8];
        uint64_t l;

        vaes_ctr128_fill(b, hi, lo);
        vaes_enc8_body(ks, rounds, b);
        vaes_enclast_xor8(ks, rounds, b, in, out, n);
        l = lo + n;
        hi += l < lo;
        lo = l;
        in += 16 * n;
        out += 16 * n;
        nblocks -= n;
    }
    vaes_put_be64(ctr, hi);
    vaes_put_be64(ctr + 8, lo);
}

/*
 * CBC decryption (SP 800-38A 6.2): P_i = D(C_i) ^ C_{i-1}. State j holds
 * C_{2j}, C_{2j+1}; its chaining values C_{2j-1}, C_{2j} are the 32 bytes
 * one block earlier in the input, except for state 0, whose first one is
 * 'prev' (the IV or the last block of the previous group).
 */
VAES_TARGET
static void aes_vaes_cbc_decrypt(const aes_ni_schedule *ks, int rounds, uint8_t iv[16],
                                 const uint8_t *in, uint8_t *out, size_t nblocks)
{
    __m128i prev = _mm_loadu_si128((const __m128i *)iv);

    while (nblocks > 0) {
        size_t n = nblocks < VAES_GROUP ? nblocks : VAES_GROUP;
        __m128i last = _mm_loadu_si128((const __m128i *)(in + 16 * (n - 1)));
        __m256i k, b[8];

        VAES_UNROLL
        for (int j = 0; j < 8; j++)
            b[j] = vaes_ld_part(in, n, j);
        vaes_dec8_body(ks, rounds, b);
        k = vaes_bcast(ks->dec[rounds]);
        /* Last state first: storing state j overwrites input blocks 2j
         * and 2j+1 only, which no lower state still needs. */
        VAES_UNROLL
        for (int j = 7; j >= 0; j--) {
            __m256i chain;

            if (2 * (size_t)j >= n)
                continue;
            if (j == 0)
                chain = _mm256_set_m128i(_mm_loadu_si128((const __m128i *)in), prev);
            else
                chain = vaes_ld(in + 32 * j - 16);
            vaes_st_part(out, _mm256_aesdeclast_epi128(b[j], _mm256_xor_si256(k, chain)), n, j);
        }
        prev = last;
        in += 16 * n;
        out += 16 * n;
        nblocks -= n;
    }
    _mm_storeu_si128((__m128i *)iv, prev);
}

#else
/*
 * Never selected off x86 (cpu.c reports no VAES there). Should one be
 * reached anyway, it fails closed: the output is zeroed.
 */
static void aes_vaes_encrypt_blocks(const aes_ni_schedule *ks, int rounds,
                                    const uint8_t *in, uint8_t *out, size_t nblocks)
{
    (void)ks;
    (void)rounds;
    (void)in;
    wipe(out, nblocks * 16);
}

static void aes_vaes_decrypt_blocks(const aes_ni_schedule *ks, int rounds,
                                    const uint8_t *in, uint8_t *out, size_t nblocks)
{
    (void)ks;
    (void)rounds;
    (void)in;
    wipe(out, nblocks * 16);
}

static void aes_vaes_ctr128(const aes_ni_schedule *ks, int rounds, uint8_t ctr[16],
                            const uint8_t *in, uint8_t *out, size_t nblocks)
{
    (void)ks;
    (void)rounds;
    (void)ctr;
    (void)in;
    wipe(out, nblocks * 16);
}

static void aes_vaes_cbc_decrypt(const aes_ni_schedule *ks, int rounds, uint8_t iv[16],
                                 const uint8_t *in, uint8_t *out, size_t nblocks)
{
    (void)ks;
    (void)rounds;
    (void)iv;
    (void)in;
    wipe(out, nblocks * 16);
}
#endif
