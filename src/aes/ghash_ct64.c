/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GHASH (SP 800-38D section 6.4) in portable constant-time C: for each
 * 16-byte block X, y = (y ^ X) * H in GF(2^128) with the multiplication of
 * section 6.3. This is the implementation used when the CPU has no
 * carry-less multiply instruction.
 *
 * Strategy (the "integer multiply with holes" idea of T. Pornin's BearSSL
 * ghash_ctmul64, rederived here):
 *
 * Representation. A block is read as two big-endian 64-bit words, hi
 * (bytes 0..7) and lo (bytes 8..15), and treated as the 128-bit integer
 * hi:lo. The spec's bit x_i (byte i/8, most significant bit first) is
 * then integer bit 127 - i: the polynomial with its bit order mirrored.
 * Carry-less multiplication of two mirrored values gives the mirrored
 * 255-bit product, and modular reduction is done in the mirrored form as
 * a Montgomery-style division by u^128 (u = the integer's own variable):
 * adding multiples of Q(u) = u^128 + u^127 + u^126 + u^121 + 1 (the
 * mirror of x^128 + x^7 + x^2 + x + 1, section 6.3) until the low 128
 * bits are zero, then dropping them. That yields the product times u^-1,
 * so the table stores H' = H * u mod Q instead of H and the result comes
 * out exactly right, with no 256-bit shift per block.
 *
 * 64x64 carry-less multiply without a table or a branch. Split each
 * operand into four masks keeping the bits at positions 0, 1, 2 or 3 mod
 * 4 ("holes" three bits wide between kept bits). An ordinary integer
 * multiplication of two such pieces sums at most 16 one-bit partial
 * products into any output position, and the three-bit gap means the
 * carries of a position never reach the next kept position of the same
 * residue class below bit 64 (a count of 16 occurs only at bits 60..63,
 * where its carry leaves the word). So after masking, each kept bit of the
 * integer product equals the XOR of its partial products: the carry-less
 * product, bits 0..63. Sixteen multiplications give the low half of the
 * 127-bit product. The high half comes from the same routine on the
 * bit-reversed operands: reversing both operands reverses the 127-bit
 * product, so the reversed low word of that product, shifted right by one,
 * is bits 64..126.
 *
 * 128x128 by Karatsuba: lo*lo, hi*hi and (lo^hi)*(lo^hi), each needing a
 * low and a high half, so six 64x64 half-products (96 multiplications)
 * per block. Everything derived from H (the three words, their bit
 * reversals and the four hole masks of each) is computed once by
 * ghash_ct64_init and kept in the table.
 *
 * Why this is constant time: every step is a fixed sequence of AND, XOR,
 * shift, byte swap and integer multiplication with no branch and no
 * memory index depending on H, y or the data. This relies on the 64-bit
 * multiplication taking the same time whatever its operands, true of the
 * x86-64 and AArch64 cores we target; some small cores (ARM Cortex-M3,
 * old PowerPC) have early-terminating multipliers and should not use this
 * file. The block count is public.
 *
 * Zeroisation: the caller owns tab and y. Values derived from H and y live
 * in registers, but the compiler spills some of them to the stack, out of
 * reach of C. ghash_ct64_blocks therefore runs the multiply loop in a
 * separate non-inlined function and afterwards overwrites the stack area
 * that function used (ghash_ct64_scrub), the way libgcrypt burns its
 * stack after GHASH. ghash_ct64_init spills nothing (GCC 12, Clang 14,
 * x86-64), and its results go to the caller's table.
 */
#include "aes_internal.h"

/* The four hole masks: bits at positions 0, 1, 2 and 3 mod 4. */
#define GHASH_CT64_M0 0x1111111111111111u
#define GHASH_CT64_M1 0x2222222222222222u
#define GHASH_CT64_M2 0x4444444444444444u
#define GHASH_CT64_M3 0x8888888888888888u

/*
 * Table layout (words): six H-derived operands, each split into its four
 * hole pieces, operand w at [4w .. 4w+3]:
 *   w = 0: H'.lo   1: H'.hi   2: H'.lo ^ H'.hi   (low halves)
 *   w = 3..5: the bit reversals of the same three (high halves).
 * Words 24..63 are unused and zero.
 */
#define GHASH_CT64_USED 24
_Static_assert(GHASH_CT64_USED <= GHASH_TAB_WORDS, "ghash_ct64 table does not fit");

/* Reverse the 64 bits of x: a byte swap (one instruction on the targets
 * we care about) and three swap steps for the bits inside each byte. */
static inline uint64_t ghash_ct64_rev64(uint64_t x)
{
    x = __builtin_bswap64(x);
    x = ((x & 0x5555555555555555u) << 1) | ((x >> 1) & 0x5555555555555555u);
    x = ((x & 0x3333333333333333u) << 2) | ((x >> 2) & 0x3333333333333333u);
    x = ((x & 0x0F0F0F0F0F0F0F0Fu) << 4) | ((x >> 4) & 0x0F0F0F0F0F0F0F0Fu);
    return x;
}

/*
 * Bits 0..63 of the carry-less product of x and the operand whose hole
 * pieces are p[0..3]. Piece a of x times piece b of the operand lands on
 * positions of class (a + b) mod 4, so output class c collects the four
 * products with a + b = c mod 4, and the mask of class c discards the
 * carry garbage in the holes.
 */
static inline uint64_t ghash_ct64_bmul(uint64_t x, const uint64_t p[4])
{
    uint64_t x0 = x & GHASH_CT64_M0;
    uint64_t x1 = x & GHASH_CT64_M1;
    uint64_t x2 = x & GHASH_CT64_M2;
    uint64_t x3 = x & GHASH_CT64_M3;
    uint64_t z0 = (x0 * p[0]) ^ (x1 * p[3]) ^ (x2 * p[2]) ^ (x3 * p[1]);
    uint64_t z1 = (x0 * p[1]) ^ (x1 * p[0]) ^ (x2 * p[3]) ^ (x3 * p[2]);
    uint64_t z2 = (x0 * p[2]) ^ (x1 * p[1]) ^ (x2 * p[0]) ^ (x3 * p[3]);
    uint64_t z3 = (x0 * p[3]) ^ (x1 * p[2]) ^ (x2 * p[1]) ^ (x3 * p[0]);

    return (z0 & GHASH_CT64_M0) | (z1 & GHASH_CT64_M1) |
           (z2 & GHASH_CT64_M2) | (z3 & GHASH_CT64_M3);
}

static inline void ghash_ct64_split(uint64_t p[4], uint64_t w)
{
    p[0] = w & GHASH_CT64_M0;
    p[1] = w & GHASH_CT64_M1;
    p[2] = w & GHASH_CT64_M2;
    p[3] = w & GHASH_CT64_M3;
}

/* see aes_internal.h */
static void ghash_ct64_init(uint64_t tab[GHASH_TAB_WORDS], const uint8_t h[16])
{
    uint64_t hi = load_be64(h);
    uint64_t lo = load_be64(h + 8);
    /* H' = H * u mod Q: shift the 128-bit value left by one and, if a bit
     * fell out (bit 127 of H, secret), add the low 128 bits of Q (u^127 +
     * u^126 + u^121 + 1) under an all-ones / all-zero mask. */
    uint64_t m = (uint64_t)0 - (hi >> 63);

    hi = (hi << 1) | (lo >> 63);
    lo = lo << 1;
    hi ^= m & 0xC200000000000000u;
    lo ^= m & 1u;

    ghash_ct64_split(tab + 0, lo);
    ghash_ct64_split(tab + 4, hi);
    ghash_ct64_split(tab + 8, lo ^ hi);
    ghash_ct64_split(tab + 12, ghash_ct64_rev64(lo));
    ghash_ct64_split(tab + 16, ghash_ct64_rev64(hi));
    ghash_ct64_split(tab + 20, ghash_ct64_rev64(lo ^ hi));
    for (size_t i = GHASH_CT64_USED; i < GHASH_TAB_WORDS; i++)
        tab[i] = 0;
}

/*
 * The multiply loop proper. Kept out of line so that ghash_ct64_blocks can
 * scrub the stack frame it leaves behind (register spills of y and of
 * products).
 */
__attribute__((noinline))
static void ghash_ct64_loop(const uint64_t tab[GHASH_TAB_WORDS], uint8_t y[16],
                            const uint8_t *in, size_t nblocks)
{
    uint64_t yhi = load_be64(y);
    uint64_t ylo = load_be64(y + 8);

    for (; nblocks > 0; nblocks--, in += 16) {
        uint64_t a0, a1, r0, r1;
        uint64_t l0, l1, l2, g0, g1, g2;
        uint64_t v0, v1, v2, v3;

        /* Keep the table loads in the loop: hoisted, the 24 words do not
         * fit in registers and are spilled (more stack traffic and more
         * copies of H-derived words for the scrub to clear). */
        __asm__("" : "+r"(tab));
        a0 = ylo ^ load_be64(in + 8);
        a1 = yhi ^ load_be64(in);
        /* Low halves of the three Karatsuba products, then the high halves
         * from the reversed operands. In this order few values are live at
         * once (x86-64 has 15 usable general registers). */
        l0 = ghash_ct64_bmul(a0, tab + 0);
        l1 = ghash_ct64_bmul(a1, tab + 4);
        l2 = ghash_ct64_bmul(a0 ^ a1, tab + 8);
        r0 = ghash_ct64_rev64(a0);
        r1 = ghash_ct64_rev64(a1);
        g0 = ghash_ct64_bmul(r0, tab + 12);
        g1 = ghash_ct64_bmul(r1, tab + 16);
        g2 = ghash_ct64_bmul(r0 ^ r1, tab + 20);  /* reversal is linear */
        /* Karatsuba middle term, still split into halves. */
        l2 ^= l0 ^ l1;
        g2 ^= g0 ^ g1;
        g0 = ghash_ct64_rev64(g0) >> 1;
        g1 = ghash_ct64_rev64(g1) >> 1;
        g2 = ghash_ct64_rev64(g2) >> 1;

        /* The 255-bit product v3:v2:v1:v0 (v0 least significant). */
        v0 = l0;
        v1 = g0 ^ l2;
        v2 = l1 ^ g2;
        v3 = g1;

        /*
         * Divide by u^128 modulo Q, 64 bits at a time: adding v0 * Q
         * clears v0 (Q is 1 mod u^64) and adds v0 * (u^121 + u^126 +
         * u^127 + u^128) higher up, i.e. v0 << 57, << 62, << 63 into
         * v2:v1 and v0 itself into v2. Then the same for the updated v1,
         * landing in v3:v2.
         */
        v1 ^= (v0 << 57) ^ (v0 << 62) ^ (v0 << 63);
        v2 ^= v0 ^ (v0 >> 7) ^ (v0 >> 2) ^ (v0 >> 1);
        v2 ^= (v1 << 57) ^ (v1 << 62) ^ (v1 << 63);
        v3 ^= v1 ^ (v1 >> 7) ^ (v1 >> 2) ^ (v1 >> 1);

        ylo = v2;
        yhi = v3;
    }
    store_be64(y, yhi);
    store_be64(y + 8, ylo);
}

/*
 * Overwrite the stack region below the caller's frame, where the frame of
 * the function it just called lay. Must not be inlined (it has to get a
 * frame of its own at the same depth); wipe() ends in a compiler barrier
 * that treats the buffer as read, so the stores are not removed. 256
 * bytes covers ghash_ct64_loop's frame (56 bytes with GCC 12, 48 with
 * Clang 14, -O2, x86-64, from -fstack-usage; four times that before the
 * table loads were kept in the loop) with a wide margin; a test that
 * fills the stack with a pattern finds nothing of that frame left after
 * ghash_ct64_blocks returns but a return address.
 */
__attribute__((noinline))
static void ghash_ct64_scrub(void)
{
    uint8_t burn[256];

    wipe(burn, sizeof(burn));
}

/* see aes_internal.h */
static void ghash_ct64_blocks(const uint64_t tab[GHASH_TAB_WORDS], uint8_t y[16],
                              const uint8_t *in, size_t nblocks)
{
    if (nblocks == 0)
        return;
    ghash_ct64_loop(tab, y, in, nblocks);
    ghash_ct64_scrub();
}

#undef GHASH_CT64_USED
#undef GHASH_CT64_M3
#undef GHASH_CT64_M2
#undef GHASH_CT64_M1
#undef GHASH_CT64_M0
