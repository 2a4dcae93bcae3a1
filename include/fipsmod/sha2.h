/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SHA-2 message digests (FIPS 180-4): SHA-224, SHA-256, SHA-384, SHA-512,
 * SHA-512/224 and SHA-512/256. All are approved.
 *
 * One caller-owned context type serves every variant; the algorithm is
 * chosen at init:
 *
 *     fm_hash_ctx c;
 *     uint8_t md[FM_SHA256_LEN];
 *     fm_hash_init(&c, FM_SHA256);
 *     fm_hash_update(&c, part1, len1);
 *     fm_hash_update(&c, part2, len2);
 *     fm_hash_final(&c, md, sizeof md);   // also wipes c
 *
 * or in one call: fm_hash(FM_SHA256, msg, len, md, sizeof md).
 *
 * A context is finished by fm_hash_final, which wipes it; using it again
 * without fm_hash_init returns FM_ERR_CONTEXT. To hash several messages
 * that share a prefix, copy the context by assignment after the prefix.
 * fm_hash_wipe zeroes a context that will not be finished.
 *
 * Messages may be up to 2^61 - 1 bytes (SHA-224/256) or 2^125 - 1 bytes
 * (the SHA-512 family); an update that would pass that limit fails with
 * FM_ERR_LENGTH and leaves the context unchanged.
 */
#ifndef FIPSMOD_SHA2_H
#define FIPSMOD_SHA2_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Algorithm identifiers (also used by fm_hmac_*). */
#define FM_SHA224     1
#define FM_SHA256     2
#define FM_SHA384     3
#define FM_SHA512     4
#define FM_SHA512_224 5
#define FM_SHA512_256 6

/* Digest lengths in bytes. */
#define FM_SHA224_LEN     28
#define FM_SHA256_LEN     32
#define FM_SHA384_LEN     48
#define FM_SHA512_LEN     64
#define FM_SHA512_224_LEN 28
#define FM_SHA512_256_LEN 32
#define FM_HASH_MAX_LEN   64

/* Block lengths in bytes. */
#define FM_SHA256_BLOCK_LEN 64
#define FM_SHA512_BLOCK_LEN 128
#define FM_HASH_MAX_BLOCK_LEN 128

/* Opaque; its size and alignment are part of the ABI. */
typedef struct {
    uint64_t opaque[28];
} fm_hash_ctx;

/*
 * Start a digest. Returns FM_OK, FM_ERR_ARG (NULL ctx) or FM_ERR_UNSUPPORTED
 * (unknown alg; the context is then wiped).
 */
FM_EXPORT int fm_hash_init(fm_hash_ctx *ctx, int alg);

/*
 * Absorb len bytes. data may be NULL only when len is 0.
 * Returns FM_OK, FM_ERR_ARG, FM_ERR_CONTEXT or FM_ERR_LENGTH.
 */
FM_EXPORT int fm_hash_update(fm_hash_ctx *ctx, const void *data, size_t len);

/*
 * Write the digest to out (outlen must be at least the digest length; the
 * digest length is written) and wipe the context.
 * Returns FM_OK, FM_ERR_ARG, FM_ERR_CONTEXT or FM_ERR_LENGTH (out too short;
 * out is zeroed and the context is left as it was).
 */
FM_EXPORT int fm_hash_final(fm_hash_ctx *ctx, uint8_t *out, size_t outlen);

/* Zero the context. Returns FM_OK or FM_ERR_ARG (NULL). */
FM_EXPORT int fm_hash_wipe(fm_hash_ctx *ctx);

/* One-shot digest: init, update, final. Same returns as the three calls. */
FM_EXPORT int fm_hash(int alg, const void *data, size_t len,
                      uint8_t *out, size_t outlen);

/* *len = digest length of alg in bytes. FM_OK or FM_ERR_UNSUPPORTED. */
FM_EXPORT int fm_hash_digest_len(int alg, size_t *len);

/* *len = block length of alg in bytes. FM_OK or FM_ERR_UNSUPPORTED. */
FM_EXPORT int fm_hash_block_len(int alg, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
