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

typedef struct {
    uint32_t magic;     /* AES_MAGIC while live */
    uint8_t impl;       /* IMPL_PORTABLE or IMPL_AESNI */
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
