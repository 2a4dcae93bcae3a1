/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The AES service (fipsmod/aes.h): key setup with the implementation that
 * dispatch selects at that moment, and the modes ECB, CBC and CTR
 * (SP 800-38A sections 6.1, 6.2, 6.5). The key records which implementation expanded it, because
 * the two schedules have different layouts (bitsliced words for the
 * portable code, round-key blocks for AES-NI); the block functions of the
 * same implementation are then always used with it.
 *
 * Every service starts with service_enter() (state.c): outside OPERATIONAL
 * it refuses with FM_ERR_STATE, zeroing its outputs and the key it would
 * create. AES with 128-, 192- and 256-bit keys is approved.
 */
#include "aes_internal.h"

#define AES_MAGIC 0x41455331u /* "AES1" */

static int aes_key_state_init(aes_key_state *st, const uint8_t *k, size_t klen)
{
    int rounds;

    wipe(st, sizeof *st);
    st->impl = (uint8_t)aes_impl_now();
    if (st->impl == IMPL_AESNI)
        rounds = aes_ni_keysched(&st->u.ni, k, klen);
    else
        rounds = aes_ct64_keysched(st->u.ct64, k, klen);
    st->rounds = (uint8_t)rounds;
    st->klen = (uint8_t)klen;
    st->magic = AES_MAGIC;
    return FM_OK;
}

/* nblocks whole blocks, with the implementation that made the schedule. */
static void aes_encrypt_blocks(const aes_key_state *st, const uint8_t *in, uint8_t *out,
                               size_t nblocks)
{
    if (st->impl == IMPL_AESNI)
        aes_ni_encrypt_blocks(&st->u.ni, st->rounds, in, out, nblocks);
    else
        aes_ct64_encrypt_blocks(st->u.ct64, st->rounds, in, out, nblocks);
}

static void aes_decrypt_blocks(const aes_key_state *st, const uint8_t *in, uint8_t *out,
                               size_t nblocks)
{
    if (st->impl == IMPL_AESNI)
        aes_ni_decrypt_blocks(&st->u.ni, st->rounds, in, out, nblocks);
    else
        aes_ct64_decrypt_blocks(st->u.ct64, st->rounds, in, out, nblocks);
}

/* see fipsmod/aes.h */
int fm_aes_init(fm_aes_key *key, const uint8_t *k, size_t klen)
{
    int rc = service_enter();

    if (key == NULL)
        return service_exit(FM_ERR_ARG, 0);
    if (rc == FM_OK && k == NULL)
        rc = FM_ERR_ARG;
    if (rc == FM_OK && klen != 16 && klen != 24 && klen != 32)
        rc = FM_ERR_LENGTH;
    if (rc != FM_OK) {
        wipe(key, sizeof *key);
        return service_exit(rc, 0);
    }
    return service_exit(aes_key_state_init((aes_key_state *)key, k, klen), 1);
}

/* see fipsmod/aes.h */
int fm_aes_wipe(fm_aes_key *key)
{
    if (key == NULL)
        return FM_ERR_ARG;
    wipe(key, sizeof *key);
    return FM_OK;
}

/* Checks shared by the ECB directions; zeroes out on failure. */
static int aes_ecb_check(const fm_aes_key *key, const uint8_t *in, uint8_t *out, size_t len)
{
    int rc = service_enter();

    if (out == NULL)
        return FM_ERR_ARG;
    if (rc == FM_OK && (key == NULL || (in == NULL && len != 0)))
        rc = FM_ERR_ARG;
    if (rc == FM_OK && ((const aes_key_state *)key)->magic != AES_MAGIC)
        rc = FM_ERR_CONTEXT;
    if (rc == FM_OK && len % FM_AES_BLOCK_LEN != 0)
        rc = FM_ERR_LENGTH;
    if (rc != FM_OK)
        wipe(out, len);
    return rc;
}

/* see fipsmod/aes.h */
int fm_aes_ecb_encrypt(const fm_aes_key *key, const uint8_t *in, uint8_t *out, size_t len)
{
    int rc = aes_ecb_check(key, in, out, len);

    if (rc != FM_OK)
        return service_exit(rc, 0);
    aes_encrypt_blocks((const aes_key_state *)key, in, out, len / FM_AES_BLOCK_LEN);
    return service_exit(FM_OK, 1);
}

/* see fipsmod/aes.h */
int fm_aes_ecb_decrypt(const fm_aes_key *key, const uint8_t *in, uint8_t *out, size_t len)
{
    int rc = aes_ecb_check(key, in, out, len);

    if (rc != FM_OK)
        return service_exit(rc, 0);
    aes_decrypt_blocks((const aes_key_state *)key, in, out, len / FM_AES_BLOCK_LEN);
    return service_exit(FM_OK, 1);
}

/*
 * The modes below work in chunks of AES_CHUNK blocks so that the block
 * functions see several independent blocks at once (AES-NI pipelines
 * eight, the bitsliced code fills its four-block groups). Counters and IVs
 * are public; keystream and plaintext are secret and every stack buffer
 * holding them is wiped before returning.
 */
#define AES_CHUNK 32

/* dst = a ^ b over n bytes, eight at a time (dst may equal a or b). */
static void aes_xor(uint8_t *dst, const uint8_t *a, const uint8_t *b, size_t n)
{
    size_t i = 0;

    for (; i + 8 <= n; i += 8)
        *(unaligned_word *)(dst + i) =
            *(const unaligned_word *)(a + i) ^ *(const unaligned_word *)(b + i);
    for (; i < n; i++)
        dst[i] = a[i] ^ b[i];
}

/* see fipsmod/aes.h */
int fm_aes_cbc_encrypt(const fm_aes_key *key, uint8_t iv[FM_AES_BLOCK_LEN], const uint8_t *in,
                       uint8_t *out, size_t len)
{
    const aes_key_state *st = (const aes_key_state *)key;
    uint8_t chain[FM_AES_BLOCK_LEN];
    int rc = aes_ecb_check(key, in, out, len);

    if (rc == FM_OK && iv == NULL) {
        wipe(out, len);
        rc = FM_ERR_ARG;
    }
    if (rc != FM_OK)
        return service_exit(rc, 0);
    /* Each block needs the previous ciphertext (6.2): one block at a time. */
    copy_bytes(chain, iv, sizeof chain);
    for (size_t off = 0; off < len; off += FM_AES_BLOCK_LEN) {
        aes_xor(chain, chain, in + off, FM_AES_BLOCK_LEN);
        aes_encrypt_blocks(st, chain, chain, 1);
        copy_bytes(out + off, chain, FM_AES_BLOCK_LEN);
    }
    copy_bytes(iv, chain, sizeof chain);
    return service_exit(FM_OK, 1);
}

/* see fipsmod/aes.h */
int fm_aes_cbc_decrypt(const fm_aes_key *key, uint8_t iv[FM_AES_BLOCK_LEN], const uint8_t *in,
                       uint8_t *out, size_t len)
{
    const aes_key_state *st = (const aes_key_state *)key;
    uint8_t ct[AES_CHUNK * FM_AES_BLOCK_LEN], pt[AES_CHUNK * FM_AES_BLOCK_LEN];
    uint8_t prev[FM_AES_BLOCK_LEN];
    int rc = aes_ecb_check(key, in, out, len);

    if (rc == FM_OK && iv == NULL) {
        wipe(out, len);
        rc = FM_ERR_ARG;
    }
    if (rc != FM_OK)
        return service_exit(rc, 0);
    copy_bytes(prev, iv, sizeof prev);
    for (size_t off = 0; off < len; off += sizeof ct) {
        size_t n = len - off < sizeof ct ? len - off : sizeof ct;
        /* Keep the ciphertext: with in == out the output overwrites it. */
        copy_bytes(ct, in + off, n);
        aes_decrypt_blocks(st, ct, pt, n / FM_AES_BLOCK_LEN);
        aes_xor(out + off, pt, prev, FM_AES_BLOCK_LEN);
        aes_xor(out + off + FM_AES_BLOCK_LEN, pt + FM_AES_BLOCK_LEN, ct, n - FM_AES_BLOCK_LEN);
        copy_bytes(prev, ct + n - FM_AES_BLOCK_LEN, sizeof prev);
    }
    copy_bytes(iv, prev, sizeof prev);
    wipe(pt, sizeof pt);
    return service_exit(FM_OK, 1);
}


/* see fipsmod/aes.h */
int fm_aes_ctr(const fm_aes_key *key, uint8_t ctr[FM_AES_BLOCK_LEN], const uint8_t *in,
               uint8_t *out, size_t len)
{
    const aes_key_state *st = (const aes_key_state *)key;
    uint8_t ks[AES_CHUNK * FM_AES_BLOCK_LEN];
    uint64_t hi, lo;
    int rc = service_enter();

    if (out == NULL)
        return service_exit(FM_ERR_ARG, 0);
    if (rc == FM_OK && (key == NULL || ctr == NULL || (in == NULL && len != 0)))
        rc = FM_ERR_ARG;
    if (rc == FM_OK && st->magic != AES_MAGIC)
        rc = FM_ERR_CONTEXT;
    if (rc != FM_OK) {
        wipe(out, len);
        return service_exit(rc, 0);
    }
    /* The 128-bit big-endian counter as two words; it is public, so the
     * carry may branch. */
    hi = load_be64(ctr);
    lo = load_be64(ctr + 8);
    for (size_t off = 0; off < len; off += sizeof ks) {
        size_t n = len - off < sizeof ks ? len - off : sizeof ks;
        size_t nblocks = (n + FM_AES_BLOCK_LEN - 1) / FM_AES_BLOCK_LEN;
        for (size_t b = 0; b < nblocks; b++) {
            store_be64(ks + b * FM_AES_BLOCK_LEN, hi);
            store_be64(ks + b * FM_AES_BLOCK_LEN + 8, lo);
            hi += ++lo == 0;
        }
        aes_encrypt_blocks(st, ks, ks, nblocks);
        aes_xor(out + off, in + off, ks, n);
    }
    store_be64(ctr, hi);
    store_be64(ctr + 8, lo);
    wipe(ks, sizeof ks);
    return service_exit(FM_OK, 1);
}
