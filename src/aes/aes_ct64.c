/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Constant-time AES (FIPS 197) in portable C: a bitsliced implementation
 * that encrypts or decrypts four blocks at once in eight 64-bit words.
 *
 * Bitslicing turns the cipher into a fixed sequence of word-wide boolean
 * operations: word q[i] holds bit i of each of the 64 bytes of four
 * blocks, so one AND or XOR acts on that bit of all 64 bytes. Within a
 * word, byte (row r, column c) of block b sits at bit 16*r + 4*c + b
 * (FIPS 197 section 3.4 numbers the state by row and column). Each row of
 * the four states is then a 16-bit lane, which makes the round steps cheap:
 *   - SubBytes (5.1.1) is a boolean circuit over the eight words: the
 *     depth-16, 113-gate circuit of Boyar and Peralta ("A depth-16 circuit
 *     for the AES S-box", 2011). InvSubBytes (5.3.2) reuses it: the inverse
 *     S-box is the inverse affine map, the forward S-box, and the inverse
 *     affine map again, because the S-box is affine(inverse(x)) and the
 *     field inversion is an involution.
 *   - ShiftRows (5.1.2) and InvShiftRows (5.3.1) rotate lane r by 4*r bits.
 *   - MixColumns (5.1.3) combines a row with the rows below it: rotating
 *     the whole word by 16 bits brings row r+1 under row r. Multiplying by
 *     {02} (4.2.1) is a renaming of the bit planes plus three XORs.
 *     InvMixColumns (5.3.3) is MixColumns after a cheap multiplication of
 *     each column by {04}x^2 + {05}, since
 *     ({03}x^3+x^2+x+{02}) ({04}x^2+{05}) = {0b}x^3+{0d}x^2+{09}x+{0e}.
 *   - AddRoundKey (5.1.4) XORs a round key kept in the same layout.
 * Blocks enter and leave the layout by an 8x8 bit-matrix transpose done
 * with masked swaps.
 *
 * Why this is constant time: there is no table indexed by a secret and no
 * branch on a secret; every operation above runs on every call whatever
 * the key and data. The key schedule (5.2) needs SubWord on key bytes: it
 * runs them through the same bitsliced circuit. The only values that steer
 * control flow or addresses are the number of rounds and of blocks, both
 * public.
 */
#include "aes_internal.h"

/* Little-endian byte order for moving blocks in and out of the layout: any
 * fixed order works, this one makes block byte 8*h + k byte k of word h. */
static inline uint64_t ct64_load_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static inline void ct64_store_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Spread the four low bytes of x to the even byte positions of a word. */
static inline uint64_t ct64_spread(uint64_t x)
{
    x &= 0x00000000FFFFFFFFu;
    x = (x | (x << 16)) & 0x0000FFFF0000FFFFu;
    x = (x | (x << 8)) & 0x00FF00FF00FF00FFu;
    return x;
}

/* Inverse of ct64_spread: gather the even bytes into the low four. */
static inline uint64_t ct64_gather(uint64_t x)
{
    x &= 0x00FF00FF00FF00FFu;
    x = (x | (x >> 8)) & 0x0000FFFF0000FFFFu;
    x = (x | (x >> 16)) & 0x00000000FFFFFFFFu;
    return x;
}

/*
 * One 16-byte block (lo = bytes 0..7, hi = bytes 8..15; byte 4*c + r is
 * row r of column c) into two words: *ev holds columns 0 and 2, *od
 * columns 1 and 3, each as row 0 of the first column, row 0 of the second,
 * row 1 of the first, ... After the transpose in ct64_ortho, byte k of
 * input word w becomes bit 8*k + w of every plane; with w = 4*(c & 1) + b
 * and k = 2*r + (c >> 1) that is bit 16*r + 4*c + b, the layout above.
 */
static inline void ct64_interleave_in(uint64_t *ev, uint64_t *od, uint64_t lo, uint64_t hi)
{
    *ev = ct64_spread(lo) | (ct64_spread(hi) << 8);
    *od = ct64_spread(lo >> 32) | (ct64_spread(hi >> 32) << 8);
}

static inline void ct64_interleave_out(uint64_t *lo, uint64_t *hi, uint64_t ev, uint64_t od)
{
    *lo = ct64_gather(ev) | (ct64_gather(od) << 32);
    *hi = ct64_gather(ev >> 8) | (ct64_gather(od >> 8) << 32);
}

/* Exchange the bits of a selected by (m << s) with the bits of b selected
 * by m: the 2x2 transpose step of a bit-matrix transpose. */
#define CT64_SWAP(a, b, m, s)                         \
    do {                                              \
        uint64_t ct64_t_ = (((a) >> (s)) ^ (b)) & (m); \
        (b) ^= ct64_t_;                               \
        (a) ^= ct64_t_ << (s);                        \
    } while (0)

/*
 * Transpose: bit i of byte k of q[w] moves to bit w of byte k of q[i].
 * Each swap layer exchanges one bit of the word index with the same bit
 * of the bit-in-byte index; the layers commute and each is an involution,
 * so the transform is its own inverse and serves both directions.
 */
static inline void ct64_ortho(uint64_t q[8])
{
    const uint64_t m1 = 0x5555555555555555u;
    const uint64_t m2 = 0x3333333333333333u;
    const uint64_t m4 = 0x0F0F0F0F0F0F0F0Fu;

    CT64_SWAP(q[0], q[1], m1, 1);
    CT64_SWAP(q[2], q[3], m1, 1);
    CT64_SWAP(q[4], q[5], m1, 1);
    CT64_SWAP(q[6], q[7], m1, 1);

    CT64_SWAP(q[0], q[2], m2, 2);
    CT64_SWAP(q[1], q[3], m2, 2);
    CT64_SWAP(q[4], q[6], m2, 2);
    CT64_SWAP(q[5], q[7], m2, 2);

    CT64_SWAP(q[0], q[4], m4, 4);
    CT64_SWAP(q[1], q[5], m4, 4);
    CT64_SWAP(q[2], q[6], m4, 4);
    CT64_SWAP(q[3], q[7], m4, 4);
}

/*
 * SubBytes on all 64 bytes: the Boyar-Peralta circuit. Its inputs U0..U7
 * and outputs S0..S7 are numbered from the most significant bit, so U0 is
 * plane 7. Three layers: a linear map into 27 intermediate sums (T), the
 * GF(2^4)-based inversion core with the only AND gates (M), and a linear
 * map out (L) that also applies the affine constant {63} as XNORs.
 */
static void ct64_sbox(uint64_t q[8])
{
    uint64_t u0 = q[7], u1 = q[6], u2 = q[5], u3 = q[4];
    uint64_t u4 = q[3], u5 = q[2], u6 = q[1], u7 = q[0];
    uint64_t t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14;
    uint64_t t15, t16, t17, t18, t19, t20, t21, t22, t23, t24, t25, t26, t27;
    uint64_t m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14;
    uint64_t m15, m16, m17, m18, m19, m20, m21, m22, m23, m24, m25, m26;
    uint64_t m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38;
    uint64_t m39, m40, m41, m42, m43, m44, m45, m46, m47, m48, m49, m50;
    uint64_t m51, m52, m53, m54, m55, m56, m57, m58, m59, m60, m61, m62, m63;
    uint64_t l0, l1, l2, l3, l4, l5, l6, l7, l8, l9, l10, l11, l12, l13, l14;
    uint64_t l15, l16, l17, l18, l19, l20, l21, l22, l23, l24, l25, l26, l27;
    uint64_t l28, l29;

    /* top linear layer */
    t1 = u0 ^ u3;
    t2 = u0 ^ u5;
    t3 = u0 ^ u6;
    t4 = u3 ^ u5;
    t5 = u4 ^ u6;
    t6 = t1 ^ t5;
    t7 = u1 ^ u2;
    t8 = u7 ^ t6;
    t9 = u7 ^ t7;
    t10 = t6 ^ t7;
    t11 = u1 ^ u5;
    t12 = u2 ^ u5;
    t13 = t3 ^ t4;
    t14 = t6 ^ t11;
    t15 = t5 ^ t11;
    t16 = t5 ^ t12;
    t17 = t9 ^ t16;
    t18 = u3 ^ u7;
    t19 = t7 ^ t18;
    t20 = t1 ^ t19;
    t21 = u6 ^ u7;
    t22 = t7 ^ t21;
    t23 = t2 ^ t22;
    t24 = t2 ^ t10;
    t25 = t20 ^ t17;
    t26 = t3 ^ t16;
    t27 = t1 ^ t12;

    /* nonlinear core */
    m1 = t13 & t6;
    m2 = t23 & t8;
    m3 = t14 ^ m1;
    m4 = t19 & u7;
    m5 = m4 ^ m1;
    m6 = t3 & t16;
    m7 = t22 & t9;
    m8 = t26 ^ m6;
    m9 = t20 & t17;
    m10 = m9 ^ m6;
    m11 = t1 & t15;
    m12 = t4 & t27;
    m13 = m12 ^ m11;
    m14 = t2 & t10;
    m15 = m14 ^ m11;
    m16 = m3 ^ m2;
    m17 = m5 ^ t24;
    m18 = m8 ^ m7;
    m19 = m10 ^ m15;
    m20 = m16 ^ m13;
    m21 = m17 ^ m15;
    m22 = m18 ^ m13;
    m23 = m19 ^ t25;
    m24 = m22 ^ m23;
    m25 = m22 & m20;
    m26 = m21 ^ m25;
    m27 = m20 ^ m21;
    m28 = m23 ^ m25;
    m29 = m28 & m27;
    m30 = m26 & m24;
    m31 = m20 & m23;
    m32 = m27 & m31;
    m33 = m27 ^ m25;
    m34 = m21 & m22;
    m35 = m24 & m34;
    m36 = m24 ^ m25;
    m37 = m21 ^ m29;
    m38 = m32 ^ m33;
    m39 = m23 ^ m30;
    m40 = m35 ^ m36;
    m41 = m38 ^ m40;
    m42 = m37 ^ m39;
    m43 = m37 ^ m38;
    m44 = m39 ^ m40;
    m45 = m42 ^ m41;
    m46 = m44 & t6;
    m47 = m40 & t8;
    m48 = m39 & u7;
    m49 = m43 & t16;
    m50 = m38 & t9;
    m51 = m37 & t17;
    m52 = m42 & t15;
    m53 = m45 & t27;
    m54 = m41 & t10;
    m55 = m44 & t13;
    m56 = m40 & t23;
    m57 = m39 & t19;
    m58 = m43 & t3;
    m59 = m38 & t22;
    m60 = m37 & t20;
    m61 = m42 & t1;
    m62 = m45 & t4;
    m63 = m41 & t2;

    /* bottom linear layer */
    l0 = m61 ^ m62;
    l1 = m50 ^ m56;
    l2 = m46 ^ m48;
    l3 = m47 ^ m55;
    l4 = m54 ^ m58;
    l5 = m49 ^ m61;
    l6 = m62 ^ l5;
    l7 = m46 ^ l3;
    l8 = m51 ^ m59;
    l9 = m52 ^ m53;
    l10 = m53 ^ l4;
    l11 = m60 ^ l2;
    l12 = m48 ^ m51;
    l13 = m50 ^ l0;
    l14 = m52 ^ m61;
    l15 = m55 ^ l1;
    l16 = m56 ^ l0;
    l17 = m57 ^ l1;
    l18 = m58 ^ l8;
    l19 = m63 ^ l4;
    l20 = l0 ^ l1;
    l21 = l1 ^ l7;
    l22 = l3 ^ l12;
    l23 = l18 ^ l2;
    l24 = l15 ^ l9;
    l25 = l6 ^ l10;
    l26 = l7 ^ l9;
    l27 = l8 ^ l10;
    l28 = l11 ^ l14;
    l29 = l11 ^ l17;

    q[7] = l6 ^ l24;
    q[6] = ~(l16 ^ l26);
    q[5] = ~(l19 ^ l28);
    q[4] = l6 ^ l21;
    q[3] = l20 ^ l22;
    q[2] = l25 ^ l29;
    q[1] = ~(l13 ^ l27);
    q[0] = ~(l6 ^ l23);
}

/*
 * The inverse of the S-box's affine map (FIPS 197 equation 5.1): bit i of
 * the result is bits i+2, i+5 and i+7 (mod 8) of the input, XOR {05}.
 */
static inline void ct64_inv_affine(uint64_t q[8])
{
    uint64_t a0 = q[0], a1 = q[1], a2 = q[2], a3 = q[3];
    uint64_t a4 = q[4], a5 = q[5], a6 = q[6], a7 = q[7];

    q[0] = ~(a2 ^ a5 ^ a7);
    q[1] = a3 ^ a6 ^ a0;
    q[2] = ~(a4 ^ a7 ^ a1);
    q[3] = a5 ^ a0 ^ a2;
    q[4] = a6 ^ a1 ^ a3;
    q[5] = a7 ^ a2 ^ a4;
    q[6] = a0 ^ a3 ^ a5;
    q[7] = a1 ^ a4 ^ a6;
}

/*
 * InvSubBytes. S(x) = A(x^-1) with A affine, so S^-1(y) = (A^-1(y))^-1,
 * and the inversion equals A^-1(S(.)): S^-1 = A^-1 o S o A^-1. Two cheap
 * linear layers around the forward circuit; no separate inverse circuit
 * to get wrong.
 */
static void ct64_inv_sbox(uint64_t q[8])
{
    ct64_inv_affine(q);
    ct64_sbox(q);
    ct64_inv_affine(q);
}

/* Row r of the state is bits 16r..16r+15; within it column c is the
 * nibble at 4c. ShiftRows moves column c+r of row r to column c: a right
 * rotation of the lane by 4r bits. */
static inline void ct64_shift_rows(uint64_t q[8])
{
    for (int i = 0; i < 8; i++) {
        uint64_t x = q[i];
        q[i] = (x & 0x000000000000FFFFu)
             | ((x >> 4) & 0x000000000FFF0000u) | ((x << 12) & 0x00000000F0000000u)
             | ((x >> 8) & 0x000000FF00000000u) | ((x << 8) & 0x0000FF0000000000u)
             | ((x >> 12) & 0x000F000000000000u) | ((x << 4) & 0xFFF0000000000000u);
    }
}

/* InvShiftRows: the left rotation of lane r by 4r bits. */
static inline void ct64_inv_shift_rows(uint64_t q[8])
{
    for (int i = 0; i < 8; i++) {
        uint64_t x = q[i];
        q[i] = (x & 0x000000000000FFFFu)
             | ((x << 4) & 0x00000000FFF00000u) | ((x >> 12) & 0x00000000000F0000u)
             | ((x >> 8) & 0x000000FF00000000u) | ((x << 8) & 0x0000FF0000000000u)
             | ((x >> 4) & 0x0FFF000000000000u) | ((x << 12) & 0xF000000000000000u);
    }
}

/* Rotate right: lane r of the result is lane r + n/16 of x (mod 4). */
static inline uint64_t ct64_rotr(uint64_t x, int n)
{
    return (x >> n) | (x << (64 - n));
}

/*
 * MixColumns (5.1.3): s'_r = {02}s_r ^ {03}s_{r+1} ^ s_{r+2} ^ s_{r+3},
 * rewritten as {02}(s_r ^ s_{r+1}) ^ s_{r+1} ^ (s_{r+2} ^ s_{r+3}), where
 * s_{r+2} ^ s_{r+3} is s_r ^ s_{r+1} rotated by two rows. Multiplying the
 * bit planes by {02} (xtime, 4.2.1) shifts them up one place and folds the
 * top plane back in as {1b} = bits 0, 1, 3, 4.
 */
static inline void ct64_mix_columns(uint64_t q[8])
{
    uint64_t q0 = q[0], q1 = q[1], q2 = q[2], q3 = q[3];
    uint64_t q4 = q[4], q5 = q[5], q6 = q[6], q7 = q[7];
    uint64_t r0 = ct64_rotr(q0, 16), r1 = ct64_rotr(q1, 16);
    uint64_t r2 = ct64_rotr(q2, 16), r3 = ct64_rotr(q3, 16);
    uint64_t r4 = ct64_rotr(q4, 16), r5 = ct64_rotr(q5, 16);
    uint64_t r6 = ct64_rotr(q6, 16), r7 = ct64_rotr(q7, 16);
    uint64_t t0 = q0 ^ r0, t1 = q1 ^ r1, t2 = q2 ^ r2, t3 = q3 ^ r3;
    uint64_t t4 = q4 ^ r4, t5 = q5 ^ r5, t6 = q6 ^ r6, t7 = q7 ^ r7;

    q[0] = t7 ^ r0 ^ ct64_rotr(t0, 32);
    q[1] = t0 ^ t7 ^ r1 ^ ct64_rotr(t1, 32);
    q[2] = t1 ^ r2 ^ ct64_rotr(t2, 32);
    q[3] = t2 ^ t7 ^ r3 ^ ct64_rotr(t3, 32);
    q[4] = t3 ^ t7 ^ r4 ^ ct64_rotr(t4, 32);
    q[5] = t4 ^ r5 ^ ct64_rotr(t5, 32);
    q[6] = t5 ^ r6 ^ ct64_rotr(t6, 32);
    q[7] = t6 ^ r7 ^ ct64_rotr(t7, 32);
}

/*
 * InvMixColumns (5.3.3) = MixColumns after s_r ^= {04}(s_r ^ s_{r+2})
 * (the factor {04}x^2 + {05} from the file comment). {04}v is xtime twice:
 * planes shift up two places, and the two top planes fold back as {1b}
 * and {36}.
 */
static inline void ct64_inv_mix_columns(uint64_t q[8])
{
    uint64_t v0 = q[0] ^ ct64_rotr(q[0], 32), v1 = q[1] ^ ct64_rotr(q[1], 32);
    uint64_t v2 = q[2] ^ ct64_rotr(q[2], 32), v3 = q[3] ^ ct64_rotr(q[3], 32);
    uint64_t v4 = q[4] ^ ct64_rotr(q[4], 32), v5 = q[5] ^ ct64_rotr(q[5], 32);
    uint64_t v6 = q[6] ^ ct64_rotr(q[6], 32), v7 = q[7] ^ ct64_rotr(q[7], 32);

    /* {04}v: bit j <- v_{j-2}, plus v6 * {1b} + v7 * {36}. */
    q[0] ^= v6;
    q[1] ^= v6 ^ v7;
    q[2] ^= v0 ^ v7;
    q[3] ^= v1 ^ v6;
    q[4] ^= v2 ^ v6 ^ v7;
    q[5] ^= v3 ^ v7;
    q[6] ^= v4;
    q[7] ^= v5;
    ct64_mix_columns(q);
}

static inline void ct64_add_round_key(uint64_t q[8], const uint64_t *rk)
{
    for (int i = 0; i < 8; i++)
        q[i] ^= rk[i];
}

/* SubWord (5.2) of a word held little-endian (byte 0 in the low bits),
 * through the bitsliced circuit: a key byte never becomes an index. */
static uint32_t ct64_sub_word(uint32_t w)
{
    uint64_t q[8];
    uint32_t r;

    for (int i = 0; i < 8; i++)
        q[i] = 0;
    q[0] = w;
    ct64_ortho(q);
    ct64_sbox(q);
    ct64_ortho(q);
    r = (uint32_t)q[0];
    wipe(q, sizeof(q));
    return r;
}

/* see aes_internal.h */
static int aes_ct64_keysched(uint64_t skey[AES_CT64_SKEY_WORDS], const uint8_t *key, size_t klen)
{
    /* Rcon[i] (5.2): x^(i-1) in GF(2^8); indexed by the public step. */
    static const uint8_t rcon[10] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36};
    uint32_t w[4 * (AES_MAX_ROUNDS + 1)];
    uint64_t q[8];
    int nk = (int)(klen / 4);
    int rounds = nk + 6; /* FIPS 197 Figure 4 */
    int nw = 4 * (rounds + 1);

    /* KeyExpansion (Figure 11) on little-endian words: RotWord is then a
     * right rotation by 8 and Rcon goes into the low byte. */
    for (int i = 0; i < nk; i++)
        w[i] = (uint32_t)key[4 * i] | ((uint32_t)key[4 * i + 1] << 8) |
               ((uint32_t)key[4 * i + 2] << 16) | ((uint32_t)key[4 * i + 3] << 24);
    for (int i = nk; i < nw; i++) {
        uint32_t t = w[i - 1];
        if (i % nk == 0)
            t = ct64_sub_word((t >> 8) | (t << 24)) ^ rcon[i / nk - 1];
        else if (nk > 6 && i % nk == 4)
            t = ct64_sub_word(t);
        w[i] = w[i - nk] ^ t;
    }

    /* Each round key, replicated into all four block slots, in the
     * bitsliced layout, so AddRoundKey is eight XORs. */
    for (int r = 0; r <= rounds; r++) {
        uint64_t lo = (uint64_t)w[4 * r] | ((uint64_t)w[4 * r + 1] << 32);
        uint64_t hi = (uint64_t)w[4 * r + 2] | ((uint64_t)w[4 * r + 3] << 32);
        ct64_interleave_in(&q[0], &q[4], lo, hi);
        for (int b = 1; b < 4; b++) {
            q[b] = q[0];
            q[4 + b] = q[4];
        }
        ct64_ortho(q);
        for (int i = 0; i < 8; i++)
            skey[8 * r + i] = q[i];
    }
    /* Unused tail (shorter keys): zero, so the whole array is defined. */
    for (int i = 8 * (rounds + 1); i < AES_CT64_SKEY_WORDS; i++)
        skey[i] = 0;

    /* AS09.28: the expanded words and the last round key are SSPs. */
    wipe(w, sizeof(w));
    wipe(q, sizeof(q));
    return rounds;
}

/* Load four blocks (64 bytes) into the bitsliced layout. */
static inline void ct64_load4(uint64_t q[8], const uint8_t *in)
{
    for (int b = 0; b < 4; b++)
        ct64_interleave_in(&q[b], &q[4 + b], ct64_load_le64(in + 16 * b),
                           ct64_load_le64(in + 16 * b + 8));
    ct64_ortho(q);
}

static inline void ct64_store4(uint8_t *out, uint64_t q[8])
{
    ct64_ortho(q);
    for (int b = 0; b < 4; b++) {
        uint64_t lo, hi;
        ct64_interleave_out(&lo, &hi, q[b], q[4 + b]);
        ct64_store_le64(out + 16 * b, lo);
        ct64_store_le64(out + 16 * b + 8, hi);
    }
}

/* Cipher (5.1, Figure 5) on the four blocks in q. */
static void ct64_encrypt4(const uint64_t *skey, int rounds, uint64_t q[8])
{
    ct64_add_round_key(q, skey);
    for (int r = 1; r < rounds; r++) {
        ct64_sbox(q);
        ct64_shift_rows(q);
        ct64_mix_columns(q);
        ct64_add_round_key(q, skey + 8 * r);
    }
    ct64_sbox(q);
    ct64_shift_rows(q);
    ct64_add_round_key(q, skey + 8 * rounds);
}

/* InvCipher (5.3, Figure 12) with the encryption schedule. */
static void ct64_decrypt4(const uint64_t *skey, int rounds, uint64_t q[8])
{
    ct64_add_round_key(q, skey + 8 * rounds);
    for (int r = rounds - 1; r > 0; r--) {
        ct64_inv_shift_rows(q);
        ct64_inv_sbox(q);
        ct64_add_round_key(q, skey + 8 * r);
        ct64_inv_mix_columns(q);
    }
    ct64_inv_shift_rows(q);
    ct64_inv_sbox(q);
    ct64_add_round_key(q, skey);
}

/*
 * Run nblocks through enc (nonzero) or dec, four at a time. All four
 * blocks of a group are loaded before any is stored, so in == out works.
 * A final partial group goes through a zero-padded local buffer and only
 * its real blocks are copied out.
 */
static void ct64_blocks(const uint64_t *skey, int rounds, const uint8_t *in, uint8_t *out,
                        size_t nblocks, int enc)
{
    uint64_t q[8];

    for (; nblocks >= 4; nblocks -= 4, in += 64, out += 64) {
        ct64_load4(q, in);
        if (enc)
            ct64_encrypt4(skey, rounds, q);
        else
            ct64_decrypt4(skey, rounds, q);
        ct64_store4(out, q);
    }
    if (nblocks > 0) {
        uint8_t buf[64];

        for (size_t i = 0; i < 64; i++)
            buf[i] = 0;
        copy_bytes(buf, in, 16 * nblocks);
        ct64_load4(q, buf);
        if (enc)
            ct64_encrypt4(skey, rounds, q);
        else
            ct64_decrypt4(skey, rounds, q);
        ct64_store4(buf, q);
        copy_bytes(out, buf, 16 * nblocks);
        wipe(buf, sizeof(buf));
    }
    wipe(q, sizeof(q));
}

/* see aes_internal.h */
static void aes_ct64_encrypt_blocks(const uint64_t skey[AES_CT64_SKEY_WORDS], int rounds,
                                    const uint8_t *in, uint8_t *out, size_t nblocks)
{
    ct64_blocks(skey, rounds, in, out, nblocks, 1);
}

/* see aes_internal.h */
static void aes_ct64_decrypt_blocks(const uint64_t skey[AES_CT64_SKEY_WORDS], int rounds,
                                    const uint8_t *in, uint8_t *out, size_t nblocks)
{
    ct64_blocks(skey, rounds, in, out, nblocks, 0);
}
