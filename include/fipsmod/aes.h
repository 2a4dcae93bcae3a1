/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AES (FIPS 197) with 128-, 192- and 256-bit keys, and the confidentiality
 * modes ECB, CBC and CTR (SP 800-38A sections 6.1, 6.2, 6.5). More modes
 * follow in this header.
 *
 * A caller-owned fm_aes_key holds the expanded key schedule and records
 * the implementation that made it (constant-time bitsliced C, or AES-NI):
 *
 *     fm_aes_key k;
 *     fm_aes_init(&k, key, 32);
 *     fm_aes_ecb_encrypt(&k, in, out, len);   // len a multiple of 16
 *     fm_aes_wipe(&k);
 *
 * The key schedule is a secret: wipe it with fm_aes_wipe when done. A key
 * may be used from several threads at once (it is only read).
 */
#ifndef FIPSMOD_AES_H
#define FIPSMOD_AES_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FM_AES_BLOCK_LEN 16

/* Opaque; its size and alignment are part of the ABI. */
typedef struct {
    uint64_t opaque[130];
} fm_aes_key;

/*
 * Expand a 16-, 24- or 32-byte key. Returns FM_OK, FM_ERR_ARG (NULL
 * pointer), FM_ERR_LENGTH (other key lengths; the context is then wiped)
 * or FM_ERR_STATE.
 */
FM_EXPORT int fm_aes_init(fm_aes_key *key, const uint8_t *k, size_t klen);

/* Zero the key schedule. Returns FM_OK or FM_ERR_ARG (NULL). */
FM_EXPORT int fm_aes_wipe(fm_aes_key *key);

/*
 * ECB encryption/decryption of len bytes, len a multiple of 16; in and out
 * may be the same buffer (or must not overlap otherwise). Returns FM_OK,
 * FM_ERR_ARG, FM_ERR_CONTEXT (key not initialised), FM_ERR_LENGTH (len not
 * a multiple of 16: out zeroed) or FM_ERR_STATE.
 * ECB is approved for AES, but reveals equal plaintext blocks: use it only
 * as a building block.
 */
FM_EXPORT int fm_aes_ecb_encrypt(const fm_aes_key *key, const uint8_t *in, uint8_t *out,
                                 size_t len);
FM_EXPORT int fm_aes_ecb_decrypt(const fm_aes_key *key, const uint8_t *in, uint8_t *out,
                                 size_t len);

/*
 * CBC (SP 800-38A 6.2) without padding: len must be a multiple of 16. iv is
 * read as the initialisation vector and, on success, replaced by the last
 * ciphertext block, so consecutive calls continue one message (streaming
 * on block boundaries). in and out may be the same buffer. Returns FM_OK,
 * FM_ERR_ARG, FM_ERR_CONTEXT, FM_ERR_LENGTH or FM_ERR_STATE; on failure out
 * is zeroed and iv is left as it was.
 */
FM_EXPORT int fm_aes_cbc_encrypt(const fm_aes_key *key, uint8_t iv[FM_AES_BLOCK_LEN],
                                 const uint8_t *in, uint8_t *out, size_t len);
FM_EXPORT int fm_aes_cbc_decrypt(const fm_aes_key *key, uint8_t iv[FM_AES_BLOCK_LEN],
                                 const uint8_t *in, uint8_t *out, size_t len);

/*
 * CTR (SP 800-38A 6.5) with the whole 16-byte block as a big-endian
 * counter (it wraps modulo 2^128). Encryption and decryption are the same
 * operation; len may be any length. ctr is the first counter block and,
 * on success, is advanced by the number of blocks used, a final partial
 * block counting as one: consecutive calls continue one keystream only
 * when each len but the last is a multiple of 16. The caller must never
 * reuse a counter value under one key. in and out may be the same buffer.
 * Returns FM_OK, FM_ERR_ARG, FM_ERR_CONTEXT or FM_ERR_STATE; on failure out
 * is zeroed and ctr is left as it was.
 */
FM_EXPORT int fm_aes_ctr(const fm_aes_key *key, uint8_t ctr[FM_AES_BLOCK_LEN],
                         const uint8_t *in, uint8_t *out, size_t len);

#ifdef __cplusplus
}
#endif
#endif
