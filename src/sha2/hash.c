/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SHA-2 service (fipsmod/sha2.h): initial values, buffering, padding
 * and output for all six FIPS 180-4 variants, dispatching whole blocks to
 * the implementation the context recorded at init.
 *
 * Padding follows section 5.1: a 1 bit, zeros, then the message length in
 * bits as a 64-bit (SHA-224/256) or 128-bit (SHA-512 family) big-endian
 * integer. The byte count is kept in 128 bits so that no message the
 * standard allows can wrap it; lengths beyond the standard's limit (2^64-1
 * or 2^128-1 bits) are refused before any byte is read. Everything here is
 * constant time with respect to message contents; the message length is
 * public.
 */
#include "sha2_internal.h"

/* FIPS 180-4 sections 5.3.2-5.3.6 (the SHA-512/t values come from the IV
 * generation function of section 5.3.6, computed once offline). */
static const uint32_t sha256_iv[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};
static const uint32_t sha224_iv[8] = {
    0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939,
    0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4,
};
static const uint64_t sha512_iv[8] = {
    0x6a09e667f3bcc908, 0xbb67ae8584caa73b,
    0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
    0x510e527fade682d1, 0x9b05688c2b3e6c1f,
    0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
};
static const uint64_t sha384_iv[8] = {
    0xcbbb9d5dc1059ed8, 0x629a292a367cd507,
    0x9159015a3070dd17, 0x152fecd8f70e5939,
    0x67332667ffc00b31, 0x8eb44a8768581511,
    0xdb0c2e0d64f98fa7, 0x47b5481dbefa4fa4,
};
static const uint64_t sha512_224_iv[8] = {
    0x8c3d37c819544da2, 0x73e1996689dcd4d6,
    0x1dfab7ae32ff9c82, 0x679dd514582f9fcf,
    0x0f6d2b697bd44da8, 0x77e36f7304c48942,
    0x3f9d85a86a1d36c8, 0x1112e6ad91d692a1,
};
static const uint64_t sha512_256_iv[8] = {
    0x22312194fc2bf72c, 0x9f555fa3c84c64c2,
    0x2393b86b6f53b151, 0x963877195940eabd,
    0x96283ee2a88effe3, 0xbe5e1e2553863992,
    0x2b0199fc2c85b8aa, 0x0eb72ddc81c52ca2,
};

/* Largest message in bytes: 2^61 - 1 (2^64 - 1 bits, rounded down to whole
 * bytes) for SHA-256, and the high word of 2^125 - 1 for SHA-512. */
#define SHA256_MAX_BYTES ((UINT64_C(1) << 61) - 1)
#define SHA512_MAX_BYTES_HI ((UINT64_C(1) << 61) - 1)

static int hash_state_init(hash_state *st, int alg)
{
    const uint32_t *iv32 = NULL;
    const uint64_t *iv64 = NULL;
    int outlen;

    switch (alg) {
    case FM_SHA224:     iv32 = sha224_iv;     outlen = FM_SHA224_LEN; break;
    case FM_SHA256:     iv32 = sha256_iv;     outlen = FM_SHA256_LEN; break;
    case FM_SHA384:     iv64 = sha384_iv;     outlen = FM_SHA384_LEN; break;
    case FM_SHA512:     iv64 = sha512_iv;     outlen = FM_SHA512_LEN; break;
    case FM_SHA512_224: iv64 = sha512_224_iv; outlen = FM_SHA512_224_LEN; break;
    case FM_SHA512_256: iv64 = sha512_256_iv; outlen = FM_SHA512_256_LEN; break;
    default:
        wipe(st, sizeof *st);
        return FM_ERR_UNSUPPORTED;
    }
    /* buf needs no clearing: bytes are only read after being written. */
    st->alg = (uint8_t)alg;
    st->outlen = (uint8_t)outlen;
    st->buflen = 0;
    st->reserved = 0;
    st->count_lo = 0;
    st->count_hi = 0;
    if (iv32 != NULL) {
        st->blocklen = FM_SHA256_BLOCK_LEN;
        st->impl = (uint8_t)sha256_impl_now();
        for (int i = 0; i < 8; i++)
            st->h.w32[i] = iv32[i];
    } else {
        st->blocklen = FM_SHA512_BLOCK_LEN;
        st->impl = (uint8_t)sha512_impl_now();
        for (int i = 0; i < 8; i++)
            st->h.w64[i] = iv64[i];
    }
    st->magic = HASH_MAGIC;
    return FM_OK;
}

static void hash_compress(hash_state *st, const uint8_t *p, size_t nblocks)
{
    if (st->blocklen == FM_SHA256_BLOCK_LEN) {
        if (st->impl == IMPL_SHANI)
            sha256_compress_shani(st->h.w32, p, nblocks);
        else
            sha256_compress_portable(st->h.w32, p, nblocks);
    } else {
        if (st->impl == IMPL_AVX512)
            sha512_compress_avx512(st->h.w64, p, nblocks);
        else if (st->impl == IMPL_AVX2)
            sha512_compress_avx2(st->h.w64, p, nblocks);
        else
            sha512_compress_portable(st->h.w64, p, nblocks);
    }
}

/* FM_OK if len more bytes keep the message within the standard's limit. */
static int hash_state_room(const hash_state *st, size_t len)
{
    uint64_t n = (uint64_t)len;
    if (st->blocklen == FM_SHA256_BLOCK_LEN)
        return n <= SHA256_MAX_BYTES - st->count_lo ? FM_OK : FM_ERR_LENGTH;
    /* 128-bit count: only the carry into the high word can approach the
     * limit, and only after 2^64 bytes. */
    uint64_t hi = st->count_hi + (st->count_lo + n < st->count_lo);
    return hi <= SHA512_MAX_BYTES_HI ? FM_OK : FM_ERR_LENGTH;
}

/* Absorb len bytes; the caller checked hash_state_room. */
static void hash_state_absorb(hash_state *st, const uint8_t *p, size_t len)
{
    size_t bl = st->blocklen;
    uint64_t lo = st->count_lo + (uint64_t)len;

    st->count_hi += lo < st->count_lo;
    st->count_lo = lo;
    if (st->buflen != 0) {
        size_t take = bl - st->buflen;
        if (take > len)
            take = len;
        copy_bytes(st->buf + st->buflen, p, take);
        st->buflen += (uint32_t)take;
        p += take;
        len -= take;
        if (st->buflen < bl)
            return;
        hash_compress(st, st->buf, 1);
        st->buflen = 0;
    }
    if (len >= bl) {
        size_t nblocks = len / bl;
        hash_compress(st, p, nblocks);
        p += nblocks * bl;
        len -= nblocks * bl;
    }
    if (len != 0) {
        copy_bytes(st->buf, p, len);
        st->buflen = (uint32_t)len;
    }
}

/* Pad, write st->outlen bytes of digest to out, and wipe the state. */
static void hash_state_finish(hash_state *st, uint8_t *out)
{
    size_t bl = st->blocklen;
    size_t lenfield = bl == FM_SHA256_BLOCK_LEN ? 8 : 16;
    size_t n = st->buflen;

    st->buf[n++] = 0x80;
    if (n > bl - lenfield) {
        while (n < bl)
            st->buf[n++] = 0;
        hash_compress(st, st->buf, 1);
        n = 0;
    }
    while (n < bl - 8)
        st->buf[n++] = 0;
    /* Bit length = byte count * 8, as a 128-bit value. */
    if (lenfield == 16)
        store_be64(st->buf + bl - 16, (st->count_hi << 3) | (st->count_lo >> 61));
    store_be64(st->buf + bl - 8, st->count_lo << 3);
    hash_compress(st, st->buf, 1);

    if (bl == FM_SHA256_BLOCK_LEN) {
        for (size_t i = 0; i < st->outlen / 4u; i++)
            store_be32(out + 4 * i, st->h.w32[i]);
    } else {
        /* SHA-512/224 ends in the middle of a 64-bit word. */
        uint8_t full[FM_SHA512_LEN];
        for (int i = 0; i < 8; i++)
            store_be64(full + 8 * i, st->h.w64[i]);
        copy_bytes(out, full, st->outlen);
        wipe(full, sizeof full);
    }
    wipe(st, sizeof *st);
}

static int hash_digest_len(int alg)
{
    switch (alg) {
    case FM_SHA224:     return FM_SHA224_LEN;
    case FM_SHA256:     return FM_SHA256_LEN;
    case FM_SHA384:     return FM_SHA384_LEN;
    case FM_SHA512:     return FM_SHA512_LEN;
    case FM_SHA512_224: return FM_SHA512_224_LEN;
    case FM_SHA512_256: return FM_SHA512_256_LEN;
    default:            return 0;
    }
}

/* see fipsmod/sha2.h */
int fm_hash_digest_len(int alg, size_t *len)
{
    if (len == NULL)
        return FM_ERR_ARG;
    *len = (size_t)hash_digest_len(alg);
    return *len != 0 ? FM_OK : FM_ERR_UNSUPPORTED;
}

/* see fipsmod/sha2.h */
int fm_hash_block_len(int alg, size_t *len)
{
    if (len == NULL)
        return FM_ERR_ARG;
    switch (alg) {
    case FM_SHA224: case FM_SHA256:
        *len = FM_SHA256_BLOCK_LEN; return FM_OK;
    case FM_SHA384: case FM_SHA512: case FM_SHA512_224: case FM_SHA512_256:
        *len = FM_SHA512_BLOCK_LEN; return FM_OK;
    default:
        *len = 0; return FM_ERR_UNSUPPORTED;
    }
}

/*
 * The services below start with service_enter() (state.c): in any state
 * but OPERATIONAL they refuse with FM_ERR_STATE, zeroing their outputs and
 * the context. Every SHA-2 digest is an approved service.
 */

/* see fipsmod/sha2.h */
int fm_hash_init(fm_hash_ctx *ctx, int alg)
{
    int rc = service_enter(FM_SERVICE_SHA2);

    if (ctx == NULL)
        return service_exit(FM_ERR_ARG, 0);
    if (rc != FM_OK) {
        wipe(ctx, sizeof *ctx);
        return service_exit(rc, 0);
    }
    return service_exit(hash_state_init((hash_state *)ctx, alg), 1);
}

/* see fipsmod/sha2.h */
int fm_hash_update(fm_hash_ctx *ctx, const void *data, size_t len)
{
    hash_state *st = (hash_state *)ctx;
    int rc = service_enter(FM_SERVICE_SHA2);

    if (ctx == NULL || (data == NULL && len != 0))
        return service_exit(FM_ERR_ARG, 0);
    if (rc != FM_OK) {
        wipe(ctx, sizeof *ctx);
        return service_exit(rc, 0);
    }
    if (st->magic != HASH_MAGIC)
        return service_exit(FM_ERR_CONTEXT, 0);
    if (hash_state_room(st, len) != FM_OK)
        return service_exit(FM_ERR_LENGTH, 0);
    if (len != 0)
        hash_state_absorb(st, (const uint8_t *)data, len);
    return service_exit(FM_OK, 1);
}

/* see fipsmod/sha2.h */
int fm_hash_final(fm_hash_ctx *ctx, uint8_t *out, size_t outlen)
{
    hash_state *st = (hash_state *)ctx;
    int rc = service_enter(FM_SERVICE_SHA2);

    if (out == NULL)
        return service_exit(FM_ERR_ARG, 0);
    if (ctx == NULL)
        rc = FM_ERR_ARG;
    else if (rc != FM_OK)
        wipe(ctx, sizeof *ctx);
    else if (st->magic != HASH_MAGIC)
        rc = FM_ERR_CONTEXT;
    else if (outlen < st->outlen)
        rc = FM_ERR_LENGTH;
    if (rc != FM_OK) {
        wipe(out, outlen);
        return service_exit(rc, 0);
    }
    hash_state_finish(st, out);
    return service_exit(FM_OK, 1);
}

/* see fipsmod/sha2.h */
int fm_hash_wipe(fm_hash_ctx *ctx)
{
    if (ctx == NULL)
        return FM_ERR_ARG;
    wipe(ctx, sizeof *ctx);
    return FM_OK;
}

/* see fipsmod/sha2.h */
int fm_hash(int alg, const void *data, size_t len, uint8_t *out, size_t outlen)
{
    hash_state st;
    int rc = service_enter(FM_SERVICE_SHA2);

    if (out == NULL)
        return service_exit(FM_ERR_ARG, 0);
    if (rc == FM_OK && data == NULL && len != 0)
        rc = FM_ERR_ARG;
    if (rc == FM_OK)
        rc = hash_state_init(&st, alg);
    if (rc == FM_OK && outlen < st.outlen)
        rc = FM_ERR_LENGTH;
    if (rc == FM_OK)
        rc = hash_state_room(&st, len);
    if (rc != FM_OK) {
        wipe(&st, sizeof st);
        wipe(out, outlen);
        return service_exit(rc, 0);
    }
    if (len != 0)
        hash_state_absorb(&st, (const uint8_t *)data, len);
    hash_state_finish(&st, out);
    return service_exit(FM_OK, 1);
}
