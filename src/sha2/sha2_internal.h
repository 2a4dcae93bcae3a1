/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private SHA-2 definitions: the layout behind fm_hash_ctx and the block
 * compression functions of each implementation. All compression functions
 * take the chaining value, a pointer to nblocks whole blocks, and process
 * them in order; none of them branches on or indexes by message data.
 */
#ifndef FIPSMOD_SHA2_INTERNAL_H
#define FIPSMOD_SHA2_INTERNAL_H

#include "../module/internal.h"

typedef struct {
    uint32_t magic;     /* HASH_MAGIC while live */
    uint8_t alg;        /* FM_SHA224 ... FM_SHA512_256 */
    uint8_t impl;       /* IMPL_* chosen at init */
    uint8_t outlen;     /* digest bytes */
    uint8_t blocklen;   /* 64 or 128 */
    uint32_t buflen;    /* bytes waiting in buf, < blocklen */
    uint32_t reserved;
    uint64_t count_lo;  /* message bytes so far, 128-bit */
    uint64_t count_hi;
    union {
        uint32_t w32[8];
        uint64_t w64[8];
    } h;
    uint8_t buf[FM_HASH_MAX_BLOCK_LEN];
} hash_state;

_Static_assert(sizeof(hash_state) <= sizeof(fm_hash_ctx), "fm_hash_ctx too small");
_Static_assert(_Alignof(hash_state) <= _Alignof(fm_hash_ctx), "fm_hash_ctx misaligned");

static void sha256_compress_portable(uint32_t h[8], const uint8_t *p, size_t nblocks);
static void sha256_compress_shani(uint32_t h[8], const uint8_t *p, size_t nblocks);
static void sha512_compress_portable(uint64_t h[8], const uint8_t *p, size_t nblocks);
static void sha512_compress_avx2(uint64_t h[8], const uint8_t *p, size_t nblocks);
static void sha512_compress_avx512(uint64_t h[8], const uint8_t *p, size_t nblocks);

/* Used by HMAC, which lives in the same module. */
static int hash_state_init(hash_state *st, int alg);
static void hash_state_absorb(hash_state *st, const uint8_t *p, size_t len);
static int hash_state_room(const hash_state *st, size_t len);
static void hash_state_finish(hash_state *st, uint8_t *out);

#endif
