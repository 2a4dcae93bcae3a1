/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SHA-512 round functions (FIPS 180-4 section 4.1.3) shared by every
 * SHA-512 implementation. ROUND takes the sum W[t] + K[t] so that an
 * implementation may precompute it (sha512_avx2.c) or not (sha512.c).
 */
#ifndef FIPSMOD_SHA512_ROUNDS_H
#define FIPSMOD_SHA512_ROUNDS_H

#define ROTR64(x, n) (((x) >> (n)) | ((x) << (64 - (n))))
/* Functions (4.10)-(4.13); Ch (4.8) and Maj (4.9) are written into the round below. */
#define SHA512_BSIG0(x) (ROTR64(x, 28) ^ ROTR64(x, 34) ^ ROTR64(x, 39))
#define SHA512_BSIG1(x) (ROTR64(x, 14) ^ ROTR64(x, 18) ^ ROTR64(x, 41))
#define SHA512_SSIG0(x) (ROTR64(x, 1) ^ ROTR64(x, 8) ^ ((x) >> 7))
#define SHA512_SSIG1(x) (ROTR64(x, 19) ^ ROTR64(x, 61) ^ ((x) >> 6))

/*
 * Section 6.4.2 step 3, with the working variables renamed rather than
 * moved: callers rotate the argument order. The rounds are bound by
 * integer-ALU throughput, so the round is written for the fewest
 * operations:
 *  - Maj(a,b,c) = b ^ ((a ^ b) & (b ^ c)), and the a ^ b of this round is
 *    the b ^ c of the next (b and c shift down one place): the caller
 *    keeps it in `bc` across rounds, so Maj costs three operations.
 *  - Ch(e,f,g) = g ^ (e & (f ^ g)), three operations.
 *  - h + W[t] + K[t] does not depend on this round's e, so it is summed
 *    first and stays off the critical path.
 * (Measured on x86-64 with GCC 12 and Clang 14 against other groupings,
 * including Ch as (e & f) + (~e & g) and a deferred Sigma0 addition: this
 * one was the fastest with both compilers.)
 */
#define SHA512_ROUND(a, b, c, d, e, f, g, h, wk)                        \
    do {                                                               \
        uint64_t ab_ = (a) ^ (b);                                      \
        uint64_t t1_ = (h) + (wk) + ((g) ^ ((e) & ((f) ^ (g))));        \
        t1_ += SHA512_BSIG1(e);                                        \
        d += t1_;                                                      \
        h = t1_ + SHA512_BSIG0(a) + ((b) ^ (ab_ & bc));                \
        bc = ab_;                                                      \
    } while (0)

/* Eight rounds starting at round t; WK(t) yields W[t] + K[t]. Needs a
 * uint64_t bc holding b ^ c of the state on entry. */
#define SHA512_ROUND8(t, WK)                                           \
    SHA512_ROUND(a, b, c, d, e, f, g, h, WK((t) + 0));                 \
    SHA512_ROUND(h, a, b, c, d, e, f, g, WK((t) + 1));                 \
    SHA512_ROUND(g, h, a, b, c, d, e, f, WK((t) + 2));                 \
    SHA512_ROUND(f, g, h, a, b, c, d, e, WK((t) + 3));                 \
    SHA512_ROUND(e, f, g, h, a, b, c, d, WK((t) + 4));                 \
    SHA512_ROUND(d, e, f, g, h, a, b, c, WK((t) + 5));                 \
    SHA512_ROUND(c, d, e, f, g, h, a, b, WK((t) + 6));                 \
    SHA512_ROUND(b, c, d, e, f, g, h, a, WK((t) + 7))

#endif
