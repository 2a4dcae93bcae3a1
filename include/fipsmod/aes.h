/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AES (FIPS 197) with 128-, 192- and 256-bit keys, and the ECB mode
 * (SP 800-38A section 6.1). More modes follow in this header.
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

#ifdef __cplusplus
}
#endif
#endif
