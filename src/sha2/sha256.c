/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SHA-256 block compression, portable C (FIPS 180-4 section 6.2.2).
 *
 * A straightforward rolled-schedule implementation: the message schedule
 * lives in a 16-word circular buffer (section 6.2.2 step 1 computed on the
 * fly) and the 64 rounds are unrolled eight at a time so that the working
 * variables rotate by renaming instead of by moves. There are no tables
 * indexed by data; the only table is the round constants K, read in order.
 * Constant time: all operations are additions, rotations and boolean
 * functions on 32-bit words.
 */
#include "sha2_internal.h"

/* FIPS 180-4 section 4.2.2: first 32 bits of the fractional parts of the
 * cube roots of the first 64 primes. */
static const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
    0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
    0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
    0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
    0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROTR32(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
/* Section 4.1.2, functions (4.2)-(4.7). */
#define CH(x, y, z)  ((z) ^ ((x) & ((y) ^ (z))))
#define MAJ(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))
#define BSIG0(x) (ROTR32(x, 2) ^ ROTR32(x, 13) ^ ROTR32(x, 22))
#define BSIG1(x) (ROTR32(x, 6) ^ ROTR32(x, 11) ^ ROTR32(x, 25))
#define SSIG0(x) (ROTR32(x, 7) ^ ROTR32(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ROTR32(x, 17) ^ ROTR32(x, 19) ^ ((x) >> 10))

/* Schedule word t (t >= 16) in place in the circular buffer. */
#define SCHED(w, t) \
    (w[(t) & 15] += SSIG1(w[((t) - 2) & 15]) + w[((t) - 7) & 15] + SSIG0(w[((t) - 15) & 15]))

#define ROUND(a, b, c, d, e, f, g, h, t, wt)                 \
    do {                                                     \
        uint32_t t1 = h + BSIG1(e) + CH(e, f, g) + sha256_k[t] + (wt); \
        uint32_t t2 = BSIG0(a) + MAJ(a, b, c);               \
        d += t1;                                             \
        h = t1 + t2;                                         \
    } while (0)

#define ROUND8(t, W)                                  \
    ROUND(a, b, c, d, e, f, g, h, (t) + 0, W((t) + 0)); \
    ROUND(h, a, b, c, d, e, f, g, (t) + 1, W((t) + 1)); \
    ROUND(g, h, a, b, c, d, e, f, (t) + 2, W((t) + 2)); \
    ROUND(f, g, h, a, b, c, d, e, (t) + 3, W((t) + 3)); \
    ROUND(e, f, g, h, a, b, c, d, (t) + 4, W((t) + 4)); \
    ROUND(d, e, f, g, h, a, b, c, (t) + 5, W((t) + 5)); \
    ROUND(c, d, e, f, g, h, a, b, (t) + 6, W((t) + 6)); \
    ROUND(b, c, d, e, f, g, h, a, (t) + 7, W((t) + 7))

static void sha256_compress_portable(uint32_t st[8], const uint8_t *p, size_t nblocks)
{
    uint32_t w[16];

    while (nblocks--) {
        uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
        uint32_t e = st[4], f = st[5], g = st[6], h = st[7];

        for (int i = 0; i < 16; i++)
            w[i] = load_be32(p + 4 * i);
#define W_LOAD(t) w[t]
#define W_SCHED(t) SCHED(w, t)
        ROUND8(0, W_LOAD);
        ROUND8(8, W_LOAD);
        for (int t = 16; t < 64; t += 16) {
            ROUND8(t, W_SCHED);
            ROUND8(t + 8, W_SCHED);
        }
#undef W_LOAD
#undef W_SCHED
        st[0] += a; st[1] += b; st[2] += c; st[3] += d;
        st[4] += e; st[5] += f; st[6] += g; st[7] += h;
        p += FM_SHA256_BLOCK_LEN;
    }
    /* The schedule holds message words: wipe it (for HMAC keys). */
    wipe(w, sizeof w);
}

#undef ROUND8
#undef ROUND
#undef SCHED
#undef CH
#undef MAJ
#undef BSIG0
#undef BSIG1
#undef SSIG0
#undef SSIG1
