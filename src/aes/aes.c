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

/* Expand k (klen 16, 24 or 32) with implementation impl (one the CPU has). */
static int aes_key_state_init(aes_key_state *st, const uint8_t *k, size_t klen, int impl)
{
    int rounds;

    wipe(st, sizeof *st);
    st->impl = (uint8_t)impl;
    if (st->impl != IMPL_PORTABLE)
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
    if (st->impl == IMPL_VAES)
        aes_vaes_encrypt_blocks(&st->u.ni, st->rounds, in, out, nblocks);
    else if (st->impl == IMPL_AESNI)
        aes_ni_encrypt_blocks(&st->u.ni, st->rounds, in, out, nblocks);
    else
        aes_ct64_encrypt_blocks(st->u.ct64, st->rounds, in, out, nblocks);
}

static void aes_decrypt_blocks(const aes_key_state *st, const uint8_t *in, uint8_t *out,
                               size_t nblocks)
{
    if (st->impl == IMPL_VAES)
        aes_vaes_decrypt_blocks(&st->u.ni, st->rounds, in, out, nblocks);
    else if (st->impl == IMPL_AESNI)
        aes_ni_decrypt_blocks(&st->u.ni, st->rounds, in, out, nblocks);
    else
        aes_ct64_decrypt_blocks(st->u.ct64, st->rounds, in, out, nblocks);
}

/* see fipsmod/aes.h */
int fm_aes_init(fm_aes_key *key, const uint8_t *k, size_t klen)
{
    int rc = service_enter(FM_SERVICE_AES_KEY);

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
    return service_exit(aes_key_state_init((aes_key_state *)key, k, klen, aes_impl_now()), 1);
}

/* see fipsmod/aes.h */
int fm_aes_wipe(fm_aes_key *key)
{
    if (key == NULL)
        return FM_ERR_ARG;
    wipe(key, sizeof *key);
    return FM_OK;
}

/* Service entry and the checks shared by the ECB and CBC services (of
 * family `service`); zeroes out on failure. */
static int aes_ecb_check(const fm_aes_key *key, const uint8_t *in, uint8_t *out, size_t len,
                         int service)
{
    int rc = service_enter(service);

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
    int rc = aes_ecb_check(key, in, out, len, FM_SERVICE_AES_ECB);

    if (rc != FM_OK)
        return service_exit(rc, 0);
    aes_encrypt_blocks((const aes_key_state *)key, in, out, len / FM_AES_BLOCK_LEN);
    return service_exit(FM_OK, 1);
}

/* see fipsmod/aes.h */
int fm_aes_ecb_decrypt(const fm_aes_key *key, const uint8_t *in, uint8_t *out, size_t len)
{
    int rc = aes_ecb_check(key, in, out, len, FM_SERVICE_AES_ECB);

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

/* CBC encryption of whole blocks: each block needs the previous
 * ciphertext (6.2), so every implementation goes one block at a time. */
static void aes_cbc_encrypt_blocks(const aes_key_state *st, uint8_t iv[16], const uint8_t *in,
                                   uint8_t *out, size_t nblocks)
{
    if (st->impl != IMPL_PORTABLE) {
        aes_ni_cbc_encrypt(&st->u.ni, st->rounds, iv, in, out, nblocks);
        return;
    }
    for (size_t off = 0; off < 16 * nblocks; off += FM_AES_BLOCK_LEN) {
        aes_xor(iv, iv, in + off, FM_AES_BLOCK_LEN);
        aes_ct64_encrypt_blocks(st->u.ct64, st->rounds, iv, iv, 1);
        copy_bytes(out + off, iv, FM_AES_BLOCK_LEN);
    }
}

/* CBC decryption of whole blocks; the blocks are independent, so the
 * portable code decrypts a chunk at a time (keeping the ciphertext, which
 * in == out would overwrite). */
static void aes_cbc_decrypt_blocks(const aes_key_state *st, uint8_t iv[16], const uint8_t *in,
                                   uint8_t *out, size_t nblocks)
{
    uint8_t ct[AES_CHUNK * FM_AES_BLOCK_LEN], pt[AES_CHUNK * FM_AES_BLOCK_LEN];
    size_t len = 16 * nblocks;

    if (st->impl == IMPL_VAES) {
        aes_vaes_cbc_decrypt(&st->u.ni, st->rounds, iv, in, out, nblocks);
        return;
    }
    if (st->impl == IMPL_AESNI) {
        aes_ni_cbc_decrypt(&st->u.ni, st->rounds, iv, in, out, nblocks);
        return;
    }
    for (size_t off = 0; off < len; off += sizeof ct) {
        size_t n = len - off < sizeof ct ? len - off : sizeof ct;
        copy_bytes(ct, in + off, n);
        aes_ct64_decrypt_blocks(st->u.ct64, st->rounds, ct, pt, n / FM_AES_BLOCK_LEN);
        aes_xor(out + off, pt, iv, FM_AES_BLOCK_LEN);
        aes_xor(out + off + FM_AES_BLOCK_LEN, pt + FM_AES_BLOCK_LEN, ct, n - FM_AES_BLOCK_LEN);
        copy_bytes(iv, ct + n - FM_AES_BLOCK_LEN, FM_AES_BLOCK_LEN);
    }
    wipe(pt, sizeof pt);
}

/* CTR over whole blocks with the 128-bit big-endian counter ctr (public:
 * the carry may branch). */
static void aes_ctr_blocks(const aes_key_state *st, uint8_t ctr[16], const uint8_t *in,
                           uint8_t *out, size_t nblocks)
{
    uint8_t ks[AES_CHUNK * FM_AES_BLOCK_LEN];
    uint64_t hi, lo;

    if (st->impl == IMPL_VAES) {
        aes_vaes_ctr128(&st->u.ni, st->rounds, ctr, in, out, nblocks);
        return;
    }
    if (st->impl == IMPL_AESNI) {
        aes_ni_ctr128(&st->u.ni, st->rounds, ctr, in, out, nblocks);
        return;
    }
    hi = load_be64(ctr);
    lo = load_be64(ctr + 8);
    while (nblocks > 0) {
        size_t n = nblocks < AES_CHUNK ? nblocks : AES_CHUNK;
        for (size_t b = 0; b < n; b++) {
            store_be64(ks + b * FM_AES_BLOCK_LEN, hi);
            store_be64(ks + b * FM_AES_BLOCK_LEN + 8, lo);
            hi += ++lo == 0;
        }
        aes_ct64_encrypt_blocks(st->u.ct64, st->rounds, ks, ks, n);
        aes_xor(out, in, ks, n * FM_AES_BLOCK_LEN);
        in += n * FM_AES_BLOCK_LEN;
        out += n * FM_AES_BLOCK_LEN;
        nblocks -= n;
    }
    store_be64(ctr, hi);
    store_be64(ctr + 8, lo);
    wipe(ks, sizeof ks);
}

/* see fipsmod/aes.h */
int fm_aes_cbc_encrypt(const fm_aes_key *key, uint8_t iv[FM_AES_BLOCK_LEN], const uint8_t *in,
                       uint8_t *out, size_t len)
{
    int rc = aes_ecb_check(key, in, out, len, FM_SERVICE_AES_CBC);

    if (rc == FM_OK && iv == NULL) {
        wipe(out, len);
        rc = FM_ERR_ARG;
    }
    if (rc != FM_OK)
        return service_exit(rc, 0);
    aes_cbc_encrypt_blocks((const aes_key_state *)key, iv, in, out, len / FM_AES_BLOCK_LEN);
    return service_exit(FM_OK, 1);
}

/* see fipsmod/aes.h */
int fm_aes_cbc_decrypt(const fm_aes_key *key, uint8_t iv[FM_AES_BLOCK_LEN], const uint8_t *in,
                       uint8_t *out, size_t len)
{
    int rc = aes_ecb_check(key, in, out, len, FM_SERVICE_AES_CBC);

    if (rc == FM_OK && iv == NULL) {
        wipe(out, len);
        rc = FM_ERR_ARG;
    }
    if (rc != FM_OK)
        return service_exit(rc, 0);
    aes_cbc_decrypt_blocks((const aes_key_state *)key, iv, in, out, len / FM_AES_BLOCK_LEN);
    return service_exit(FM_OK, 1);
}

/* see fipsmod/aes.h */
int fm_aes_ctr(const fm_aes_key *key, uint8_t ctr[FM_AES_BLOCK_LEN], const uint8_t *in,
               uint8_t *out, size_t len)
{
    const aes_key_state *st = (const aes_key_state *)key;
    uint8_t ks[FM_AES_BLOCK_LEN];
    size_t full = len / FM_AES_BLOCK_LEN, rest = len % FM_AES_BLOCK_LEN;
    int rc = service_enter(FM_SERVICE_AES_CTR);

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
    aes_ctr_blocks(st, ctr, in, out, full);
    if (rest != 0) {
        /* The final partial block uses one more counter value. */
        uint8_t zero[FM_AES_BLOCK_LEN] = { 0 };
        aes_ctr_blocks(st, ctr, zero, ks, 1);
        aes_xor(out + 16 * full, in + 16 * full, ks, rest);
        wipe(ks, sizeof ks);
    }
    return service_exit(FM_OK, 1);
}
