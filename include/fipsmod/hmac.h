/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HMAC (FIPS 198-1) over every SHA-2 variant of fipsmod/sha2.h.
 *
 * Keys of any length are accepted (a key longer than the block is hashed
 * first, FIPS 198-1 section 4 step 2). Approved when the key is at least
 * 112 bits (SP 800-131Ar2); shorter keys work but are not approved.
 * Tags may be truncated to between 4 bytes (32 bits, the minimum of
 * SP 800-107r1 section 5.3.3) and the digest length.
 *
 *     fm_hmac_ctx c;
 *     uint8_t tag[FM_SHA256_LEN];
 *     fm_hmac_init(&c, FM_SHA256, key, keylen);
 *     fm_hmac_update(&c, msg, msglen);
 *     fm_hmac_final(&c, tag, sizeof tag);  // also wipes c
 *
 * fm_hmac_final and fm_hmac_verify wipe the context. A keyed context may be
 * copied by assignment to MAC several messages under one key without
 * reprocessing the key; wipe every copy when done.
 */
#ifndef FIPSMOD_HMAC_H
#define FIPSMOD_HMAC_H

#include "common.h"
#include "sha2.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FM_HMAC_MIN_TAG_LEN 4

/* Opaque; its size and alignment are part of the ABI. */
typedef struct {
    uint64_t opaque[64];
} fm_hmac_ctx;

/*
 * Key the context for hash `alg`. key may be NULL only when keylen is 0.
 * Returns FM_OK, FM_ERR_ARG, FM_ERR_UNSUPPORTED or FM_ERR_LENGTH (key
 * longer than the hash accepts).
 */
FM_EXPORT int fm_hmac_init(fm_hmac_ctx *ctx, int alg,
                           const void *key, size_t keylen);

/* Absorb len bytes. Returns FM_OK, FM_ERR_ARG, FM_ERR_CONTEXT, FM_ERR_LENGTH. */
FM_EXPORT int fm_hmac_update(fm_hmac_ctx *ctx, const void *data, size_t len);

/*
 * Write the leftmost taglen bytes of the MAC (FM_HMAC_MIN_TAG_LEN <= taglen
 * <= digest length) and wipe the context.
 * Returns FM_OK, FM_ERR_ARG, FM_ERR_CONTEXT or FM_ERR_LENGTH (bad taglen:
 * tag zeroed, context left as it was).
 */
FM_EXPORT int fm_hmac_final(fm_hmac_ctx *ctx, uint8_t *tag, size_t taglen);

/*
 * Compute the MAC and compare its leftmost taglen bytes with `tag` in
 * constant time; wipe the context.
 * Returns FM_OK on a match, FM_ERR_VERIFY on a mismatch, or FM_ERR_ARG,
 * FM_ERR_CONTEXT, FM_ERR_LENGTH.
 */
FM_EXPORT int fm_hmac_verify(fm_hmac_ctx *ctx, const uint8_t *tag, size_t taglen);

/* Zero the context. Returns FM_OK or FM_ERR_ARG (NULL). */
FM_EXPORT int fm_hmac_wipe(fm_hmac_ctx *ctx);

/* One-shot MAC. Same returns as init, update and final. */
FM_EXPORT int fm_hmac(int alg, const void *key, size_t keylen,
                      const void *data, size_t len,
                      uint8_t *tag, size_t taglen);

#ifdef __cplusplus
}
#endif
#endif
