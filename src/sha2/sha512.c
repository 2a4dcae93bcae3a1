/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SHA-512 block compression, portable C (FIPS 180-4 section 6.4.2); also
 * serves SHA-384, SHA-512/224 and SHA-512/256, which differ only in their
 * initial values and truncation (sections 5.3.4-5.3.6, 6.5-6.7).
 *
 * Same shape as sha256.c: a 16-word circular schedule and rounds unrolled
 * eight at a time so the working variables rotate by renaming. Constant
 * time: 64-bit additions, rotations and boolean functions only.
 */
#include "sha2_internal.h"
#include "sha512_rounds.h"

/* FIPS 180-4 section 4.2.3: first 64 bits of the fractional parts of the
 * cube roots of the first 80 primes. */
static const uint64_t sha512_k[80] = {
    0x428a2f98d728ae22, 0x7137449123ef65cd,
    0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
    0x3956c25bf348b538, 0x59f111f1b605d019,
    0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
    0xd807aa98a3030242, 0x12835b0145706fbe,
    0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
    0x72be5d74f27b896f, 0x80deb1fe3b1696b1,
    0x9bdc06a725c71235, 0xc19bf174cf692694,
    0xe49b69c19ef14ad2, 0xefbe4786384f25e3,
    0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
    0x2de92c6f592b0275, 0x4a7484aa6ea6e483,
    0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
    0x983e5152ee66dfab, 0xa831c66d2db43210,
    0xb00327c898fb213f, 0xbf597fc7beef0ee4,
    0xc6e00bf33da88fc2, 0xd5a79147930aa725,
    0x06ca6351e003826f, 0x142929670a0e6e70,
    0x27b70a8546d22ffc, 0x2e1b21385c26c926,
    0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
    0x650a73548baf63de, 0x766a0abb3c77b2a8,
    0x81c2c92e47edaee6, 0x92722c851482353b,
    0xa2bfe8a14cf10364, 0xa81a664bbc423001,
    0xc24b8b70d0f89791, 0xc76c51a30654be30,
    0xd192e819d6ef5218, 0xd69906245565a910,
    0xf40e35855771202a, 0x106aa07032bbd1b8,
    0x19a4c116b8d2d0c8, 0x1e376c085141ab53,
    0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
    0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb,
    0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
    0x748f82ee5defb2fc, 0x78a5636f43172f60,
    0x84c87814a1f0ab72, 0x8cc702081a6439ec,
    0x90befffa23631e28, 0xa4506cebde82bde9,
    0xbef9a3f7b2c67915, 0xc67178f2e372532b,
    0xca273eceea26619c, 0xd186b8c721c0c207,
    0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
    0x06f067aa72176fba, 0x0a637dc5a2c898a6,
    0x113f9804bef90dae, 0x1b710b35131c471b,
    0x28db77f523047d84, 0x32caab7b40c72493,
    0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
    0x4cc5d4becb3e42b6, 0x597f299cfc657e2a,
    0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
};

/* Schedule word t (t >= 16) in place in the 16-word circular buffer
 * (section 6.4.2 step 1). */
#define SCHED(w, t) \
    (w[(t) & 15] += SHA512_SSIG1(w[((t) - 2) & 15]) + w[((t) - 7) & 15] + \
                    SHA512_SSIG0(w[((t) - 15) & 15]))

static void sha512_compress_portable(uint64_t st[8], const uint8_t *p, size_t nblocks)
{
    uint64_t w[16];

    while (nblocks--) {
        uint64_t a = st[0], b = st[1], c = st[2], d = st[3];
        uint64_t e = st[4], f = st[5], g = st[6], h = st[7];
        uint64_t bc = b ^ c;

        for (int i = 0; i < 16; i++)
            w[i] = load_be64(p + 8 * i);
#define WK_LOAD(t) (w[t] + sha512_k[t])
#define WK_SCHED(t) (SCHED(w, t) + sha512_k[t])
        SHA512_ROUND8(0, WK_LOAD);
        SHA512_ROUND8(8, WK_LOAD);
        for (int t = 16; t < 80; t += 16) {
            SHA512_ROUND8(t, WK_SCHED);
            SHA512_ROUND8(t + 8, WK_SCHED);
        }
#undef WK_LOAD
#undef WK_SCHED
        st[0] += a; st[1] += b; st[2] += c; st[3] += d;
        st[4] += e; st[5] += f; st[6] += g; st[7] += h;
        p += FM_SHA512_BLOCK_LEN;
    }
    wipe(w, sizeof w);
}

#undef SCHED
