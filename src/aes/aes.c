/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The AES service (fipsmod/aes.h): key setup with the implementation that
 * dispatch selects at that moment, and ECB (SP 800-38A section 6.1) over
 * whole blocks. The key records which implementation expanded it, because
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
