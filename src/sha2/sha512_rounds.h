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
 * Two recurrences bound the speed, e -> e' and a -> a'; the round is
 * grouped so that each is four dependent operations long:
 *  - e' = d + T1, T1 = h + Sigma1(e) + Ch(e,f,g) + K[t] + W[t]. Only
 *    Sigma1(e) (three deep) and Ch depend on this round's e, so e' is
 *    (d + h + WK + Ch) + Sigma1(e), with Ch(e,f,g) = g ^ (e & (f ^ g)).
 *  - a' = T1 + Sigma0(a) + Maj(a,b,c). Maj(a,b,c) = (a & (b ^ c)) +
 *    (b & c): the two terms have no common set bit, so + is ^, and b & c
 *    does not depend on a, so it joins T1 early; a & (b ^ c) is one
 *    operation deep. b ^ c is this round's a ^ b carried from the last
 *    round in `bc` (b and c shift down one place per round).
 * The additions are written in the order that keeps those chains short;
 * GCC keeps it when its post-RA scheduler is off (see the Makefile). This
 * grouping was the fastest of those measured on x86-64 with GCC 12.
 */
#define SHA512_ROUND(a, b, c, d, e, f, g, h, wk)                        \
    do {                                                               \
        uint64_t ab_ = (a) ^ (b);                                      \
        uint64_t t1_ = (h) + (wk) + ((g) ^ ((e) & ((f) ^ (g))));        \
        uint64_t s1_ = SHA512_BSIG1(e);                                \
        d = ((d) + t1_) + s1_;                                         \
        h = (((t1_ + ((b) & (c))) + s1_) + ((a) & bc)) + SHA512_BSIG0(a); \
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
