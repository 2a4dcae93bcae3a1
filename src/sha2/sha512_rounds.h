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
 * moved: callers rotate the argument order.
 *
 * The recurrence that bounds the speed is e -> e': e' = d + T1, where
 * T1 = h + Sigma1(e) + Ch(e,f,g) + K[t] + W[t]. Only Sigma1(e) and Ch
 * depend on this round's e; d + h + W[t] + K[t] is ready rounds earlier.
 * So e' is written as (d + h + WK + Ch) + Sigma1(e): four dependent
 * operations from e (Sigma1 is three deep) instead of five, at the cost of
 * one more addition. Two rewrites keep the operation count down:
 *  - Maj(a,b,c) = b ^ ((a ^ b) & (b ^ c)), and the a ^ b of this round is
 *    the b ^ c of the next (b and c shift down one place): the caller
 *    keeps it in `bc` across rounds, so Maj costs three operations.
 *  - Ch(e,f,g) = g ^ (e & (f ^ g)), three operations.
 * This grouping was the fastest of those measured on x86-64 with GCC 12
 * (given -fno-schedule-insns2, see the Makefile) and Clang 14.
 */
#define SHA512_ROUND(a, b, c, d, e, f, g, h, wk)                        \
    do {                                                               \
        uint64_t ab_ = (a) ^ (b);                                      \
        uint64_t hk_ = (h) + (wk);                                     \
        uint64_t ch_ = (g) ^ ((e) & ((f) ^ (g)));                      \
        uint64_t s1_ = SHA512_BSIG1(e);                                \
        d = ((d) + hk_ + ch_) + s1_;                                   \
        h = (hk_ + ch_ + s1_) + SHA512_BSIG0(a) + ((b) ^ (ab_ & bc));  \
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
