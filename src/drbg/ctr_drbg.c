/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CTR_DRBG with AES (SP 800-90Ar1 section 10.2), the fm_drbg_* services of
 * fipsmod/drbg.h, with caller-supplied entropy input. Public here:
 * fm_drbg_instantiate_with, fm_drbg_reseed_with, fm_drbg_generate,
 * fm_drbg_generate_pr_with, fm_drbg_uninstantiate; everything else is
 * static.
 *
 * The state (10.2.1.1) is V (16 bytes), Key (kept only as its expanded
 * schedule: Key is never needed as bytes, only to encrypt), the reseed
 * counter, keylen, whether the derivation function is used, and the
 * implementation chosen at instantiation (aes_key_state records it too; the
 * Key changes on every CTR_DRBG_Update, 10.2.1.2, and is re-expanded with
 * that same implementation, so one instance never changes paths).
 *
 * The counter field is the rightmost ctr_len bits of V, 4 <= ctr_len <=
 * 128 (Table 3; the caller picks it, 128 by default): 10.2.1.2 step 2.1
 * and 10.2.1.5.x step 4.1 increment only that field, mod 2^ctr_len, and
 * leave the rest of V alone; with ctr_len < 13 the field also limits a
 * request to (2^ctr_len - 4) blocks (Table 3, max_number_of_bits_per_
 * request). V is secret, so the increment is done on two 64-bit words with
 * the carry computed arithmetically and the field merged back under masks
 * derived from the public ctr_len, never a branch.
 * Generate fills up to DRBG_CHUNK_BLOCKS counter blocks V+1 .. V+n straight
 * into the caller's buffer and encrypts them in place with one
 * aes_encrypt_blocks call, so the AES-NI/VAES pipelines and the four-wide
 * bitsliced code all work on many blocks at once; only a partial last
 * block goes through the stack.
 *
 * Block_Cipher_df (10.3.2) runs the two or three BCC chains of step 9
 * (keylen + outlen = 32, 40 or 48 bytes of temp) side by side: they share
 * the data S and differ only in their first block IV = i || 0^96, so each
 * block of S costs one aes_encrypt_blocks call on 2-3 blocks. S = L || N ||
 * input_string || 0x80 || 0* is never built: the pieces (entropy, nonce,
 * personalization or additional input) are fed through a 16-byte buffer.
 *
 * Secret: V, Key, the entropy input, nonce, personalization string and
 * additional input, every intermediate of Update, BCC and the df, and the
 * output. Public: every length, the algorithm, the flags, the reseed
 * counter. No branch or memory index depends on a secret. Every stack
 * temporary is wiped before return; a failed instantiate and uninstantiate
 * zero the context (FIPS 140-3 AS09.28 zeroisation of the DRBG state).
 */
#include "drbg_internal.h"
#include "../module/ct.h"

#define DRBG_MAGIC 0x44524247u /* "DRBG" */
#define DRBG_MAX_SEEDLEN 48    /* keylen + outlen for AES-256 (Table 3) */
#define DRBG_CHUNK_BLOCKS 128  /* counter blocks per aes_encrypt_blocks call */

typedef struct {
    uint32_t magic;          /* DRBG_MAGIC while instantiated */
    uint8_t keylen;          /* 16, 24 or 32: also the security strength in bytes */
    uint8_t df;              /* 1 when the derivation function is used */
    uint8_t approved;        /* the last seeding was approved */
    uint8_t impl;            /* the AES implementation of the instance */
    uint8_t ctr_len;         /* bits of V that count (10.2.1): 4 .. 128 */
    uint64_t reseed_counter; /* 10.2.1.1: requests since the last seeding, + 1 */
    uint8_t v[16];           /* V */
    aes_key_state key;       /* Key, expanded */
} drbg_state;

_Static_assert(sizeof(drbg_state) <= sizeof(fm_drbg_ctx), "fm_drbg_ctx too small");
_Static_assert(_Alignof(drbg_state) <= _Alignof(fm_drbg_ctx), "fm_drbg_ctx misaligned");

/* ---- the primitives ---------------------------------------------------------- */

static inline uint64_t drbg_barrier_u64(uint64_t v)
{
    __asm__("" : "+r"(v));
    return v;
}

/*
 * Write the counter blocks V+1 .. V+nblocks to out and leave V = V +
 * nblocks, where + increments the rightmost ctr_len bits of V mod
 * 2^ctr_len (V a 128-bit big-endian integer). The whole V is incremented
 * as two words, the carry into the high word being (lo == 0) afterwards,
 * computed without a branch; then the bits outside the field are put back
 * from the old V under the masks mhi:mlo (all ones over the field).
 */
static void drbg_ctr_fill(uint8_t v[16], unsigned ctr_len, uint8_t *out, size_t nblocks)
{
    uint64_t hi = load_be64(v), lo = load_be64(v + 8), carry, nhi, nlo;

    /* The usual case, the whole V: block i is V + i + 1, the carry into
     * the high word is (lo + i + 1 < i + 1) and nothing is carried from
     * one block to the next, so the blocks are independent (and about
     * twice as fast to make as with the masks below). */
    if (ctr_len == 128) {
        lo = drbg_barrier_u64(lo);
        for (size_t i = 0; i < nblocks; i++) {
            nlo = drbg_barrier_u64(lo + (uint64_t)(i + 1));
            carry = (uint64_t)(nlo < (uint64_t)(i + 1));
            store_be64(out + 16 * i, hi + carry);
            store_be64(out + 16 * i + 8, nlo);
        }
        nlo = lo + (uint64_t)nblocks;
        carry = (uint64_t)(nlo < (uint64_t)nblocks);
        store_be64(v, hi + carry);
        store_be64(v + 8, nlo);
        hi = lo = nlo = carry = 0;
        (void)drbg_barrier_u64(hi | lo | nlo | carry);
        return;
    }

    uint64_t mlo = ctr_len >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << ctr_len) - 1;
    uint64_t mhi = ctr_len >= 128 ? ~(uint64_t)0
                 : ctr_len <= 64  ? 0 : ((uint64_t)1 << (ctr_len - 64)) - 1;

    for (size_t i = 0; i < nblocks; i++) {
        /* The barrier keeps the compiler from turning lo into the loop's
         * induction variable (it did: the exit test compared lo with
         * lo + nblocks, a branch on the secret V). */
        nlo = drbg_barrier_u64(lo + 1);
        carry = drbg_barrier_u64(((nlo | (0 - nlo)) >> 63) ^ 1);
        nhi = hi + carry;
        lo = (lo & ~mlo) | (nlo & mlo);
        hi = (hi & ~mhi) | (nhi & mhi);
        store_be64(out + 16 * i, hi);
        store_be64(out + 16 * i + 8, lo);
    }
    store_be64(v, hi);
    store_be64(v + 8, lo);
    hi = lo = nhi = nlo = carry = 0;
    (void)drbg_barrier_u64(hi | lo | nhi | nlo | carry);
}

static size_t drbg_seedlen(const drbg_state *st)
{
    return (size_t)st->keylen + 16;
}

/*
 * CTR_DRBG_Update (10.2.1.2): temp = E(Key, V+1) || E(Key, V+2) [|| E(Key,
 * V+3)], leftmost seedlen bytes, xor provided_data (NULL: all zero), Key =
 * leftmost keylen bytes, V = the last 16.
 */
static void drbg_update(drbg_state *st, const uint8_t *data)
{
    uint8_t temp[DRBG_MAX_SEEDLEN];
    size_t seedlen = drbg_seedlen(st), nblocks = (seedlen + 15) / 16;

    drbg_ctr_fill(st->v, st->ctr_len, temp, nblocks);
    aes_encrypt_blocks(&st->key, temp, temp, nblocks);
    if (data != NULL)
        for (size_t i = 0; i < seedlen; i++)
            temp[i] ^= data[i];
    aes_key_state_init(&st->key, temp, st->keylen, st->impl);
    copy_bytes(st->v, temp + st->keylen, 16);
    wipe(temp, sizeof temp);
}

/* Block_Cipher_df (10.3.2) and BCC (10.3.3), see the top of the file. */
typedef struct {
    aes_key_state k;
    uint8_t chain[DRBG_MAX_SEEDLEN]; /* the BCC chaining values, one per block */
    uint8_t blk[16];                 /* the block of S being assembled */
    size_t pos;                      /* bytes in blk */
    size_t nchains;                  /* (keylen + 16) / 16 rounded up: 2 or 3 */
} drbg_df_state;

/* chain_j = E(K, chain_j ^ block) for every chain. */
static void drbg_df_block(drbg_df_state *d, const uint8_t *block)
{
    for (size_t j = 0; j < d->nchains; j++)
        for (size_t i = 0; i < 16; i++)
            d->chain[16 * j + i] ^= block[i];
    aes_encrypt_blocks(&d->k, d->chain, d->chain, d->nchains);
}

static void drbg_df_absorb(drbg_df_state *d, const uint8_t *in, size_t len)
{
    size_t take;

    if (d->pos != 0) {
        take = 16 - d->pos < len ? 16 - d->pos : len;
        copy_bytes(d->blk + d->pos, in, take);
        d->pos += take;
        in += take;
        len -= take;
        if (d->pos < 16)
            return;
        drbg_df_block(d, d->blk);
        d->pos = 0;
    }
    for (; len >= 16; in += 16, len -= 16)
        drbg_df_block(d, in);
    copy_bytes(d->blk, in, len);
    d->pos = len;
}

/*
 * out (seedlen bytes) = Block_Cipher_df(a || b || c, 8 * seedlen): the
 * inputs are NULL when their length is 0. The total length fits in 32 bits
 * (the callers enforce FM_DRBG_MAX_INPUT_LEN).
 */
static void drbg_df(size_t keylen, int impl, const uint8_t *a, size_t alen,
                    const uint8_t *b, size_t blen, const uint8_t *c, size_t clen,
                    uint8_t *out)
{
    drbg_df_state d;
    uint8_t hdr[8], k0[32], x[DRBG_MAX_SEEDLEN];
    size_t seedlen = keylen + 16, nout = (seedlen + 15) / 16;

    wipe(&d, sizeof d);
    /* Step 8: K = leftmost(0x00010203...1F, keylen). */
    for (size_t i = 0; i < sizeof k0; i++)
        k0[i] = (uint8_t)i;
    aes_key_state_init(&d.k, k0, keylen, impl);
    d.nchains = nout;
    /* Step 9: chain j starts with IV = j || 0^96 (BCC's first block). */
    for (size_t j = 0; j < d.nchains; j++)
        store_be32(d.chain + 16 * j, (uint32_t)j);
    aes_encrypt_blocks(&d.k, d.chain, d.chain, d.nchains);
    /* Steps 2-5: S = L || N || input_string || 0x80, padded with zeros. */
    store_be32(hdr, (uint32_t)(alen + blen + clen));
    store_be32(hdr + 4, (uint32_t)seedlen);
    drbg_df_absorb(&d, hdr, sizeof hdr);
    if (alen != 0)
        drbg_df_absorb(&d, a, alen);
    if (blen != 0)
        drbg_df_absorb(&d, b, blen);
    if (clen != 0)
        drbg_df_absorb(&d, c, clen);
    d.blk[d.pos++] = 0x80;
    for (size_t i = d.pos; i < 16; i++)
        d.blk[i] = 0;
    drbg_df_block(&d, d.blk);
    /* Steps 10-13: K = leftmost(temp, keylen), X = the next 16 bytes;
     * X = E(K, X) repeatedly, concatenated. */
    aes_key_state_init(&d.k, d.chain, keylen, impl);
    copy_bytes(x, d.chain + keylen, 16);
    aes_encrypt_blocks(&d.k, x, x, 1);
    for (size_t j = 1; j < nout; j++)
        aes_encrypt_blocks(&d.k, x + 16 * (j - 1), x + 16 * j, 1);
    /* Step 14: the leftmost seedlen bytes. */
    copy_bytes(out, x, seedlen);
    wipe(&d, sizeof d);
    wipe(x, sizeof x);
    wipe(hdr, sizeof hdr);
}

/* ---- the core functions (no checks, no indicator) ------------------------------ */

/* Instantiate (10.2.1.3.1 / 10.2.1.3.2); lengths already checked. */
static void drbg_core_instantiate(drbg_state *st, size_t keylen, int df, unsigned ctr_len,
                                  int impl, const uint8_t *entropy, size_t elen,
                                  const uint8_t *nonce, size_t nlen,
                                  const uint8_t *pers, size_t plen)
{
    uint8_t seed[DRBG_MAX_SEEDLEN] = { 0 }, zero_key[32] = { 0 };
    size_t seedlen = keylen + 16;

    wipe(st, sizeof *st);
    st->keylen = (uint8_t)keylen;
    st->df = (uint8_t)df;
    st->impl = (uint8_t)impl;
    st->ctr_len = (uint8_t)ctr_len;
    if (df) {
        /* seed_material = Block_Cipher_df(entropy || nonce || pers, seedlen) */
        drbg_df(keylen, impl, entropy, elen, nonce, nlen, pers, plen, seed);
    } else {
        /* seed_material = entropy ^ (pers || 0^(seedlen - plen)) */
        copy_bytes(seed, entropy, seedlen);
        for (size_t i = 0; i < plen; i++)
            seed[i] ^= pers[i];
    }
    /* Key = 0^keylen, V = 0^128, then Update(seed_material). */
    aes_key_state_init(&st->key, zero_key, keylen, impl);
    drbg_update(st, seed);
    st->reseed_counter = 1;
    st->magic = DRBG_MAGIC;
    wipe(seed, sizeof seed);
}

/* Reseed (10.2.1.4.1 / 10.2.1.4.2); lengths already checked. */
static void drbg_core_reseed(drbg_state *st, const uint8_t *entropy, size_t elen,
                             const uint8_t *addl, size_t alen)
{
    uint8_t seed[DRBG_MAX_SEEDLEN] = { 0 };
    size_t seedlen = drbg_seedlen(st);

    if (st->df) {
        /* seed_material = Block_Cipher_df(entropy || additional_input, seedlen) */
        drbg_df(st->keylen, st->impl, entropy, elen, addl, alen, NULL, 0, seed);
    } else {
        copy_bytes(seed, entropy, seedlen);
        for (size_t i = 0; i < alen; i++)
            seed[i] ^= addl[i];
    }
    drbg_update(st, seed);
    st->reseed_counter = 1;
    wipe(seed, sizeof seed);
}

/*
 * Generate (10.2.1.5.1 / 10.2.1.5.2) steps 2-7; step 1 (the reseed
 * interval) and the lengths are checked by the caller.
 */
static void drbg_core_generate(drbg_state *st, uint8_t *out, size_t outlen,
                               const uint8_t *addl, size_t alen)
{
    uint8_t add[DRBG_MAX_SEEDLEN] = { 0 }, last[16];
    size_t full = outlen / 16, n;
    int have_add = alen != 0;

    /* Step 2: additional_input = df(addl) or addl || 0*, and Update;
     * otherwise additional_input = 0^seedlen and no Update. */
    if (have_add) {
        if (st->df)
            drbg_df(st->keylen, st->impl, addl, alen, NULL, 0, NULL, 0, add);
        else
            copy_bytes(add, addl, alen);
        drbg_update(st, add);
    }
    /* Steps 3-5: V = V + 1, output E(Key, V), for as many blocks as needed;
     * whole blocks are built and encrypted in place in out. */
    for (size_t done = 0; done < full; done += n) {
        n = full - done < DRBG_CHUNK_BLOCKS ? full - done : DRBG_CHUNK_BLOCKS;
        drbg_ctr_fill(st->v, st->ctr_len, out + 16 * done, n);
        aes_encrypt_blocks(&st->key, out + 16 * done, out + 16 * done, n);
    }
    if (outlen % 16 != 0) {
        drbg_ctr_fill(st->v, st->ctr_len, last, 1);
        aes_encrypt_blocks(&st->key, last, last, 1);
        copy_bytes(out + 16 * full, last, outlen % 16);
        wipe(last, sizeof last);
    }
    /* Step 6: Update(additional_input); step 7: count the request. */
    drbg_update(st, add);
    st->reseed_counter++;
    wipe(add, sizeof add);
}

/* ---- checks ------------------------------------------------------------------------ */

/* keylen for an algorithm id, 0 when unknown. */
static size_t drbg_alg_keylen(int alg)
{
    if (alg == FM_DRBG_AES128)
        return 16;
    if (alg == FM_DRBG_AES192)
        return 24;
    if (alg == FM_DRBG_AES256)
        return 32;
    return 0;
}

/* The counter field length of flags (FM_DRBG_CTR_LEN), 0 when invalid. */
static unsigned drbg_flags_ctr_len(uint32_t flags)
{
    unsigned bits = (flags >> 8) & 0xffu;

    if (bits == 0)
        return 128;
    return bits >= 4 && bits <= 128 ? bits : 0;
}

/*
 * The longest request in bytes (Table 3): 2^19 bits, or (2^ctr_len - 4)
 * blocks when the counter field is shorter than 13 bits.
 */
static size_t drbg_max_request(const drbg_state *st)
{
    if (st->ctr_len < 13)
        return (((size_t)1 << st->ctr_len) - 4) * 16;
    return FM_DRBG_MAX_REQUEST;
}

/* FM_OK for an instantiated context. */
static int drbg_ctx_check(const drbg_state *st)
{
    if (st->magic != DRBG_MAGIC || st->key.magic != AES_MAGIC ||
        (st->keylen != 16 && st->keylen != 24 && st->keylen != 32) || st->df > 1 ||
        st->key.klen != st->keylen || st->ctr_len < 4 || st->ctr_len > 128)
        return FM_ERR_CONTEXT;
    return FM_OK;
}

/* An input of len bytes at p: FM_ERR_ARG for NULL with len != 0,
 * FM_ERR_LENGTH over max. */
static int drbg_input_check(const uint8_t *p, size_t len, size_t max)
{
    if (p == NULL && len != 0)
        return FM_ERR_ARG;
    if (len > max)
        return FM_ERR_LENGTH;
    return FM_OK;
}

/* The longest personalization string / additional input. */
static size_t drbg_max_extra(size_t keylen, int df)
{
    return df ? FM_DRBG_MAX_INPUT_LEN : keylen + 16;
}

/*
 * Entropy input of a seeding: FM_ERR_LENGTH when not allowed at all (df:
 * 1 .. FM_DRBG_MAX_INPUT_LEN bytes; no df: exactly seedlen). *approved =
 * whether it reaches the security strength.
 */
static int drbg_entropy_check(const uint8_t *entropy, size_t elen, size_t keylen, int df,
                              int *approved)
{
    int rc = drbg_input_check(entropy, elen, df ? FM_DRBG_MAX_INPUT_LEN : keylen + 16);

    *approved = 0;
    if (rc == FM_OK && (elen == 0 || (!df && elen != keylen + 16)))
        rc = FM_ERR_LENGTH;
    if (rc == FM_OK && entropy == NULL)
        rc = FM_ERR_ARG;
    *approved = rc == FM_OK && elen >= keylen;
    return rc;
}

/*
 * The services below start with service_enter() (state.c): outside
 * OPERATIONAL they refuse with FM_ERR_STATE, zeroing the output and the
 * context they were given.
 */

/* see fipsmod/drbg.h */
int fm_drbg_instantiate_with(fm_drbg_ctx *ctx, int alg, uint32_t flags,
                             const uint8_t *entropy, size_t elen,
                             const uint8_t *nonce, size_t nlen,
                             const uint8_t *pers, size_t plen)
{
    size_t keylen = drbg_alg_keylen(alg);
    unsigned ctr_len = drbg_flags_ctr_len(flags);
    int df = (flags & FM_DRBG_NO_DF) == 0, approved = 0;
    int rc = service_enter(FM_SERVICE_DRBG);

    if (ctx == NULL)
        return service_exit(FM_ERR_ARG, 0);
    if (rc == FM_OK &&
        (keylen == 0 || ctr_len == 0 || (flags & ~(FM_DRBG_NO_DF | 0xff00u)) != 0))
        rc = FM_ERR_ARG;
    if (rc == FM_OK)
        rc = drbg_entropy_check(entropy, elen, keylen, df, &approved);
    if (rc == FM_OK)
        rc = drbg_input_check(nonce, nlen, df ? FM_DRBG_MAX_INPUT_LEN : 0);
    if (rc == FM_OK)
        rc = drbg_input_check(pers, plen, drbg_max_extra(keylen, df));
    /* 8.6.7: with the df, a nonce of at least half the security strength. */
    if (rc == FM_OK && df && nlen < keylen / 2)
        approved = 0;
    if (rc == FM_OK && !approved && module_strict())
        rc = FM_ERR_NOT_APPROVED;
    if (rc != FM_OK) {
        wipe(ctx, sizeof *ctx);
        return service_exit(rc, 0);
    }
    wipe(ctx, sizeof *ctx); /* the bytes the state does not use, too */
    drbg_core_instantiate((drbg_state *)ctx, keylen, df, ctr_len, aes_impl_now(), entropy, elen,
                          nonce, nlen, pers, plen);
    ((drbg_state *)ctx)->approved = (uint8_t)approved;
    event_drbg_reseed(FM_DRBG_CALLER, FM_RESEED_INSTANTIATE);
    return service_exit(FM_OK, approved);
}

/* Checks shared by reseed and generate-with-PR: context, entropy, addl. */
static int drbg_reseed_check(fm_drbg_ctx *ctx, const uint8_t *entropy, size_t elen,
                             const uint8_t *addl, size_t alen, int *approved)
{
    drbg_state *st = (drbg_state *)ctx;
    int rc;

    *approved = 0;
    rc = drbg_ctx_check(st);
    if (rc != FM_OK) {
        wipe(ctx, sizeof *ctx);
        return rc;
    }
    rc = drbg_entropy_check(entropy, elen, st->keylen, st->df, approved);
    if (rc == FM_OK)
        rc = drbg_input_check(addl, alen, drbg_max_extra(st->keylen, st->df));
    /* df: entropy || additional_input must fit L (10.3.2 step 2). */
    if (rc == FM_OK && !*approved && module_strict())
        rc = FM_ERR_NOT_APPROVED;
    return rc;
}

/* see fipsmod/drbg.h */
int fm_drbg_reseed_with(fm_drbg_ctx *ctx, const uint8_t *entropy, size_t elen,
                        const uint8_t *addl, size_t alen)
{
    drbg_state *st = (drbg_state *)ctx;
    int approved = 0, rc = service_enter(FM_SERVICE_DRBG);

    if (ctx == NULL)
        return service_exit(FM_ERR_ARG, 0);
    if (rc != FM_OK) {
        wipe(ctx, sizeof *ctx);
        return service_exit(rc, 0);
    }
    rc = drbg_reseed_check(ctx, entropy, elen, addl, alen, &approved);
    if (rc != FM_OK)
        return service_exit(rc, 0);
    drbg_core_reseed(st, entropy, elen, addl, alen);
    st->approved = (uint8_t)approved;
    event_drbg_reseed(FM_DRBG_CALLER, FM_RESEED_REQUESTED);
    return service_exit(FM_OK, approved);
}

/* see fipsmod/drbg.h */
int fm_drbg_generate(fm_drbg_ctx *ctx, uint8_t *out, size_t outlen, const uint8_t *addl,
                     size_t alen)
{
    drbg_state *st = (drbg_state *)ctx;
    int rc = service_enter(FM_SERVICE_DRBG);

    if (out == NULL && outlen != 0) {
        if (ctx != NULL && rc != FM_OK)
            wipe(ctx, sizeof *ctx);
        return service_exit(FM_ERR_ARG, 0);
    }
    if (ctx == NULL) {
        wipe(out, outlen);
        return service_exit(FM_ERR_ARG, 0);
    }
    if (rc == FM_OK)
        rc = drbg_ctx_check(st);
    if (rc != FM_OK) {
        wipe(ctx, sizeof *ctx);
        wipe(out, outlen);
        return service_exit(rc, 0);
    }
    if (outlen > drbg_max_request(st))
        rc = FM_ERR_LENGTH;
    if (rc == FM_OK)
        rc = drbg_input_check(addl, alen, drbg_max_extra(st->keylen, st->df));
    /* 10.2.1.5.x step 1: past the reseed interval, a reseed is required. */
    if (rc == FM_OK && st->reseed_counter > FM_DRBG_RESEED_INTERVAL)
        rc = FM_ERR_RESEED;
    if (rc != FM_OK) {
        wipe(out, outlen);
        return service_exit(rc, 0);
    }
    drbg_core_generate(st, out, outlen, addl, alen);
    return service_exit(FM_OK, st->approved);
}

/* see fipsmod/drbg.h */
int fm_drbg_generate_pr_with(fm_drbg_ctx *ctx, const uint8_t *entropy, size_t elen,
                             uint8_t *out, size_t outlen, const uint8_t *addl, size_t alen)
{
    drbg_state *st = (drbg_state *)ctx;
    int approved = 0, rc = service_enter(FM_SERVICE_DRBG);

    if (out == NULL && outlen != 0) {
        if (ctx != NULL && rc != FM_OK)
            wipe(ctx, sizeof *ctx);
        return service_exit(FM_ERR_ARG, 0);
    }
    if (ctx == NULL) {
        wipe(out, outlen);
        return service_exit(FM_ERR_ARG, 0);
    }
    if (rc != FM_OK) {
        wipe(ctx, sizeof *ctx);
        wipe(out, outlen);
        return service_exit(rc, 0);
    }
    rc = drbg_reseed_check(ctx, entropy, elen, addl, alen, &approved);
    if (rc == FM_OK && outlen > drbg_max_request(st))
        rc = FM_ERR_LENGTH;
    if (rc != FM_OK) {
        wipe(out, outlen);
        return service_exit(rc, 0);
    }
    /* 9.3.1 step 7.1 / 9.3.3: reseed with the additional input, then
     * generate with none (additional_input = Null, step 7.4). */
    drbg_core_reseed(st, entropy, elen, addl, alen);
    st->approved = (uint8_t)approved;
    event_drbg_reseed(FM_DRBG_CALLER, FM_RESEED_PREDICTION_RESISTANCE);
    drbg_core_generate(st, out, outlen, NULL, 0);
    return service_exit(FM_OK, approved);
}

/*
 * Entropy input (and, for instantiate, a nonce) from the module's source
 * (entropy.c), enough bytes for keylen * 8 bits at the claimed min-entropy
 * per byte; the df condenses them (10.3.2), which is why these calls need
 * the df. FM_OK or FM_ERR_ENTROPY with ent zeroed.
 */
#define DRBG_SOURCE_MAX ENTROPY_BYTES_FOR_BITS(256)

static int drbg_source_entropy(uint8_t ent[DRBG_SOURCE_MAX], size_t keylen, size_t *elen)
{
    *elen = ENTROPY_BYTES_FOR_BITS(8 * keylen);
    return entropy_get(ent, *elen);
}

/* see fipsmod/drbg.h */
int fm_drbg_instantiate(fm_drbg_ctx *ctx, int alg, const uint8_t *pers, size_t plen)
{
    uint8_t ent[DRBG_SOURCE_MAX], nonce[DRBG_SOURCE_MAX];
    size_t keylen = drbg_alg_keylen(alg), elen = 0, nlen = 0;
    int rc = service_enter(FM_SERVICE_DRBG);

    if (ctx == NULL)
        return service_exit(FM_ERR_ARG, 0);
    if (rc == FM_OK && keylen == 0)
        rc = FM_ERR_ARG;
    if (rc == FM_OK)
        rc = drbg_input_check(pers, plen, FM_DRBG_MAX_INPUT_LEN);
    if (rc == FM_OK)
        rc = drbg_source_entropy(ent, keylen, &elen);
    if (rc == FM_OK) {
        /* 8.6.7: a nonce of at least half the security strength. */
        nlen = ENTROPY_BYTES_FOR_BITS(4 * keylen);
        rc = entropy_get(nonce, nlen);
    }
    wipe(ctx, sizeof *ctx);
    if (rc == FM_OK) {
        drbg_core_instantiate((drbg_state *)ctx, keylen, 1, 128, aes_impl_now(), ent, elen, nonce,
                              nlen, pers, plen);
        ((drbg_state *)ctx)->approved = 1;
        event_drbg_reseed(FM_DRBG_CALLER, FM_RESEED_INSTANTIATE);
    }
    wipe(ent, sizeof ent);
    wipe(nonce, sizeof nonce);
    return service_exit(rc, 1);
}

/* Reseed st from the source; the context checks are the caller's. */
static int drbg_source_reseed(drbg_state *st, const uint8_t *addl, size_t alen)
{
    uint8_t ent[DRBG_SOURCE_MAX];
    size_t elen;
    int rc;

    if (!st->df)
        return FM_ERR_UNSUPPORTED;
    rc = drbg_input_check(addl, alen, FM_DRBG_MAX_INPUT_LEN);
    if (rc == FM_OK)
        rc = drbg_source_entropy(ent, st->keylen, &elen);
    if (rc == FM_OK) {
        drbg_core_reseed(st, ent, elen, addl, alen);
        st->approved = 1;
    }
    wipe(ent, sizeof ent);
    return rc;
}

/* see fipsmod/drbg.h */
int fm_drbg_reseed(fm_drbg_ctx *ctx, const uint8_t *addl, size_t alen)
{
    drbg_state *st = (drbg_state *)ctx;
    int rc = service_enter(FM_SERVICE_DRBG);

    if (ctx == NULL)
        return service_exit(FM_ERR_ARG, 0);
    if (rc != FM_OK) {
        wipe(ctx, sizeof *ctx);
        return service_exit(rc, 0);
    }
    rc = drbg_ctx_check(st);
    if (rc != FM_OK) {
        wipe(ctx, sizeof *ctx);
        return service_exit(rc, 0);
    }
    rc = drbg_source_reseed(st, addl, alen);
    if (rc == FM_OK)
        event_drbg_reseed(FM_DRBG_CALLER, FM_RESEED_REQUESTED);
    return service_exit(rc, 1);
}

/* see fipsmod/drbg.h */
int fm_drbg_generate_pr(fm_drbg_ctx *ctx, uint8_t *out, size_t outlen, const uint8_t *addl,
                        size_t alen)
{
    drbg_state *st = (drbg_state *)ctx;
    int rc = service_enter(FM_SERVICE_DRBG);

    if (out == NULL && outlen != 0) {
        if (ctx != NULL && rc != FM_OK)
            wipe(ctx, sizeof *ctx);
        return service_exit(FM_ERR_ARG, 0);
    }
    if (ctx == NULL) {
        wipe(out, outlen);
        return service_exit(FM_ERR_ARG, 0);
    }
    if (rc == FM_OK)
        rc = drbg_ctx_check(st);
    if (rc != FM_OK) {
        wipe(ctx, sizeof *ctx);
        wipe(out, outlen);
        return service_exit(rc, 0);
    }
    if (outlen > drbg_max_request(st))
        rc = FM_ERR_LENGTH;
    /* 9.3.1 step 7: reseed with the additional input, then generate with
     * none. */
    if (rc == FM_OK)
        rc = drbg_source_reseed(st, addl, alen);
    if (rc != FM_OK) {
        wipe(out, outlen);
        return service_exit(rc, 0);
    }
    event_drbg_reseed(FM_DRBG_CALLER, FM_RESEED_PREDICTION_RESISTANCE);
    drbg_core_generate(st, out, outlen, NULL, 0);
    return service_exit(FM_OK, 1);
}

/* SP 800-90Ar1 9.4: the whole context, not only the state in use, is
 * zeroised. Shared by fm_drbg_uninstantiate and the self-test (the module
 * never calls its own exported functions: they could be interposed). */
static void drbg_core_uninstantiate(fm_drbg_ctx *ctx)
{
    wipe(ctx, sizeof *ctx);
}

/* see fipsmod/drbg.h */
int fm_drbg_uninstantiate(fm_drbg_ctx *ctx)
{
    if (ctx == NULL)
        return FM_ERR_ARG;
    drbg_core_uninstantiate(ctx);
    return FM_OK;
}

/* ---- power-up self-test support (wired up in selftest.c) -------------------------- */

/*
 * The CTR_DRBG known-answer test (SP 800-90Ar1 11.3, FIPS 140-3 IG 10.3.A):
 * AES-256 with the derivation function on implementation impl: instantiate
 * from the fixed inputs below, generate 64 bytes (discarded), reseed with
 * fixed entropy and additional input, generate 64 bytes into out; the state
 * is wiped. Compare out with drbg_selftest_expected.
 *
 * drbg_selftest_expected was computed by an independent implementation: a
 * ~60-line Python 3 CTR_DRBG (Update, Block_Cipher_df/BCC, instantiate,
 * reseed, generate straight from SP 800-90Ar1 10.2.1 and 10.3.2) on the
 * `cryptography` package's AES-ECB (OpenSSL), first checked against the
 * CAVP record drbgvectors_pr_false/CTR_DRBG.rsp [AES-256 use df]
 * [PersonalizationStringLen = 256] [AdditionalInputLen = 256] COUNT = 0,
 * and then run on these inputs (ASCII strings, no terminating NUL). The
 * script is kept as tests/kat/ctr_drbg_ref.py: `python3
 * tests/kat/ctr_drbg_ref.py` re-checks the CAVP record and prints these
 * 64 bytes.
 */
static const char drbg_st_entropy[] = "fipsmod CTR_DRBG KAT entropy 1.."; /* 32 bytes */
static const char drbg_st_nonce[] = "fipsmod KATnonce";                  /* 16 bytes */
static const char drbg_st_pers[] = "fipsmod CTR_DRBG self-test pers";    /* 31 bytes */
static const char drbg_st_entropy2[] = "fipsmod CTR_DRBG KAT reseed 2..."; /* 32 bytes */
static const char drbg_st_addl[] = "fipsmod CTR_DRBG reseed addl";       /* 28 bytes */

static const uint8_t drbg_selftest_expected[64] = {
    0x6d, 0x44, 0x69, 0xd6, 0xea, 0x9b, 0x07, 0xe5, 0xa7, 0x59, 0x6a, 0x57, 0x45, 0x9e, 0x57, 0x3a,
    0x76, 0x3a, 0x4f, 0xcc, 0xa4, 0x35, 0xb4, 0xfc, 0x7d, 0x2e, 0xb3, 0xae, 0x54, 0xe1, 0x8a, 0xd6,
    0x26, 0xad, 0x88, 0x41, 0xac, 0x68, 0x6f, 0xe7, 0x0f, 0x01, 0x70, 0x81, 0xbe, 0x88, 0x3b, 0xc2,
    0x67, 0xe1, 0x7e, 0x18, 0xd7, 0x75, 0x28, 0x9c, 0x02, 0x68, 0x5f, 0xe1, 0x46, 0x54, 0x34, 0xe2,
};

static void drbg_selftest_answer(int impl, uint8_t out[64])
{
    drbg_state st;

    drbg_core_instantiate(&st, 32, 1, 128, impl, (const uint8_t *)drbg_st_entropy,
                          sizeof drbg_st_entropy - 1, (const uint8_t *)drbg_st_nonce,
                          sizeof drbg_st_nonce - 1, (const uint8_t *)drbg_st_pers,
                          sizeof drbg_st_pers - 1);
    drbg_core_generate(&st, out, 64, NULL, 0);
    drbg_core_reseed(&st, (const uint8_t *)drbg_st_entropy2, sizeof drbg_st_entropy2 - 1,
                     (const uint8_t *)drbg_st_addl, sizeof drbg_st_addl - 1);
    drbg_core_generate(&st, out, 64, NULL, 0);
    wipe(&st, sizeof st);
}

/*
 * Uninstantiate zeroises (SP 800-90Ar1 11.3.4): instantiate a context,
 * uninstantiate it and check every byte is zero. FM_OK or FM_ERR_SELFTEST.
 */
static int drbg_uninstantiate_zeroes(void)
{
    union {
        fm_drbg_ctx ctx;
        drbg_state st;
    } u;
    const uint8_t *p = (const uint8_t *)&u;
    uint8_t acc = 0;

    drbg_core_instantiate(&u.st, 32, 1, 128, aes_impl_now(), (const uint8_t *)drbg_st_entropy,
                          sizeof drbg_st_entropy - 1, (const uint8_t *)drbg_st_nonce,
                          sizeof drbg_st_nonce - 1, NULL, 0);
    if (u.st.magic != DRBG_MAGIC) {
        wipe(&u, sizeof u);
        return FM_ERR_SELFTEST;
    }
    drbg_core_uninstantiate(&u.ctx);
    for (size_t i = 0; i < sizeof u; i++)
        acc |= p[i];
    wipe(&u, sizeof u);
    return acc == 0 ? FM_OK : FM_ERR_SELFTEST;
}
