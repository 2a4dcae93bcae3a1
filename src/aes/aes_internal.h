/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private AES definitions: the layout behind fm_aes_key and the block
 * functions of each implementation (FIPS 197). Every function here is
 * constant time: no branch and no memory index depends on the key or the
 * data. Block counts and the number of rounds are public.
 */
#ifndef FIPSMOD_AES_INTERNAL_H
#define FIPSMOD_AES_INTERNAL_H

#include "../module/internal.h"

/* Rounds: 10, 12 or 14 for 16-, 24- and 32-byte keys (FIPS 197 Figure 4). */
#define AES_MAX_ROUNDS 14

/*
 * Bitsliced portable implementation (aes_ct64.c): four blocks at a time in
 * eight 64-bit words. The schedule is (rounds + 1) * 8 words, already in
 * the bitsliced layout the encryption uses.
 */
#define AES_CT64_SKEY_WORDS ((AES_MAX_ROUNDS + 1) * 8)

/* Expand key (klen 16, 24 or 32); returns the number of rounds. */
static int aes_ct64_keysched(uint64_t skey[AES_CT64_SKEY_WORDS], const uint8_t *key, size_t klen);
/* Encrypt / decrypt nblocks 16-byte blocks from in to out (in == out
 * allowed), four at a time internally. */
static void aes_ct64_encrypt_blocks(const uint64_t skey[AES_CT64_SKEY_WORDS], int rounds,
                                    const uint8_t *in, uint8_t *out, size_t nblocks);
static void aes_ct64_decrypt_blocks(const uint64_t skey[AES_CT64_SKEY_WORDS], int rounds,
                                    const uint8_t *in, uint8_t *out, size_t nblocks);

/*
 * AES-NI implementation (aes_ni.c): round keys for encryption and, for the
 * equivalent inverse cipher (FIPS 197 section 5.3.5), decryption.
 */
typedef struct {
    uint8_t enc[AES_MAX_ROUNDS + 1][16];
    uint8_t dec[AES_MAX_ROUNDS + 1][16];
} aes_ni_schedule;

static int aes_ni_keysched(aes_ni_schedule *ks, const uint8_t *key, size_t klen);
static void aes_ni_encrypt_blocks(const aes_ni_schedule *ks, int rounds,
                                  const uint8_t *in, uint8_t *out, size_t nblocks);
static void aes_ni_decrypt_blocks(const aes_ni_schedule *ks, int rounds,
                                  const uint8_t *in, uint8_t *out, size_t nblocks);

/*
 * Multi-block AES-NI paths (aes_ni.c), 128-bit registers. Counters, IVs
 * and block counts are public; everything else is secret.
 *   aes_ni_ctr128: CTR with the whole 16-byte block as a big-endian
 *     counter (SP 800-38A 6.5); nblocks whole blocks; ctr is advanced.
 *   aes_ni_cbc_encrypt / aes_ni_cbc_decrypt: CBC (6.2) over nblocks whole
 *     blocks; iv is replaced by the last ciphertext block; in == out allowed.
 */
static void aes_ni_ctr128(const aes_ni_schedule *ks, int rounds, uint8_t ctr[16],
                          const uint8_t *in, uint8_t *out, size_t nblocks);
static void aes_ni_cbc_encrypt(const aes_ni_schedule *ks, int rounds, uint8_t iv[16],
                               const uint8_t *in, uint8_t *out, size_t nblocks);
static void aes_ni_cbc_decrypt(const aes_ni_schedule *ks, int rounds, uint8_t iv[16],
                               const uint8_t *in, uint8_t *out, size_t nblocks);

/*
 * VAES implementation (aes_vaes.c): the AES-NI schedule, with two blocks
 * per 256-bit register (VAES) and needing AVX2. Same contracts as the
 * aes_ni_* functions of the same name.
 */
static void aes_vaes_encrypt_blocks(const aes_ni_schedule *ks, int rounds,
                                    const uint8_t *in, uint8_t *out, size_t nblocks);
static void aes_vaes_decrypt_blocks(const aes_ni_schedule *ks, int rounds,
                                    const uint8_t *in, uint8_t *out, size_t nblocks);
static void aes_vaes_ctr128(const aes_ni_schedule *ks, int rounds, uint8_t ctr[16],
                            const uint8_t *in, uint8_t *out, size_t nblocks);
static void aes_vaes_cbc_decrypt(const aes_ni_schedule *ks, int rounds, uint8_t iv[16],
                                 const uint8_t *in, uint8_t *out, size_t nblocks);

/*
 * GHASH (SP 800-38D 6.4) key tables and block functions, one set per
 * implementation. H and the running value y are 16-byte strings in the
 * standard's bit order (y as in the spec, byte 0 holding x0..x7); each
 * implementation converts to its own representation internally. The table
 * holds what the implementation derives from H (powers of H for
 * aggregated reduction); its layout is private to the implementation.
 *   ghash_*_init(tab, h): fill tab from H.
 *   ghash_*_blocks(tab, y, in, nblocks): y = (y ^ X1) * H ... for each
 *     16-byte block X of in.
 */
#define GHASH_TAB_WORDS 64

static void ghash_ct64_init(uint64_t tab[GHASH_TAB_WORDS], const uint8_t h[16]);
static void ghash_ct64_blocks(const uint64_t tab[GHASH_TAB_WORDS], uint8_t y[16],
                              const uint8_t *in, size_t nblocks);
static void ghash_clmul_init(uint64_t tab[GHASH_TAB_WORDS], const uint8_t h[16]);
static void ghash_clmul_blocks(const uint64_t tab[GHASH_TAB_WORDS], uint8_t y[16],
                               const uint8_t *in, size_t nblocks);
static void ghash_vpclmul_init(uint64_t tab[GHASH_TAB_WORDS], const uint8_t h[16]);
static void ghash_vpclmul_blocks(const uint64_t tab[GHASH_TAB_WORDS], uint8_t y[16],
                                 const uint8_t *in, size_t nblocks);

/*
 * The GCM bulk step (SP 800-38D 7.1 steps 5-6 and 7.2 steps 4-5) fused
 * per implementation: for nblocks whole blocks, C = P ^ AES(ctr) with
 * ctr advanced by inc32 (only its last four bytes, big-endian, modulo
 * 2^32), and each ciphertext block absorbed into y with the table of the
 * same implementation (aes_ni: ghash_clmul; aes_vaes: ghash_vpclmul).
 * Encryption hashes its output, decryption its input. ctr and y are
 * updated; in == out allowed.
 */
static void aes_gcm_ni_encrypt(const aes_ni_schedule *ks, int rounds,
                               const uint64_t tab[GHASH_TAB_WORDS], uint8_t ctr[16],
                               uint8_t y[16], const uint8_t *in, uint8_t *out, size_t nblocks);
static void aes_gcm_ni_decrypt(const aes_ni_schedule *ks, int rounds,
                               const uint64_t tab[GHASH_TAB_WORDS], uint8_t ctr[16],
                               uint8_t y[16], const uint8_t *in, uint8_t *out, size_t nblocks);
static void aes_gcm_vaes_encrypt(const aes_ni_schedule *ks, int rounds,
                                 const uint64_t tab[GHASH_TAB_WORDS], uint8_t ctr[16],
                                 uint8_t y[16], const uint8_t *in, uint8_t *out, size_t nblocks);
static void aes_gcm_vaes_decrypt(const aes_ni_schedule *ks, int rounds,
                                 const uint64_t tab[GHASH_TAB_WORDS], uint8_t ctr[16],
                                 uint8_t y[16], const uint8_t *in, uint8_t *out, size_t nblocks);

typedef struct {
    uint32_t magic;     /* AES_MAGIC while live */
    uint8_t impl;       /* IMPL_PORTABLE, IMPL_AESNI or IMPL_VAES */
    uint8_t rounds;
    uint8_t klen;
    uint8_t reserved;
    uint64_t pad;
    union {
        uint64_t ct64[AES_CT64_SKEY_WORDS];
        aes_ni_schedule ni;
    } u;
} aes_key_state;

_Static_assert(sizeof(aes_key_state) <= sizeof(fm_aes_key), "fm_aes_key too small");
_Static_assert(_Alignof(aes_key_state) <= _Alignof(fm_aes_key), "fm_aes_key misaligned");

#endif
