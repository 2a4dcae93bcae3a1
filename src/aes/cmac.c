/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CMAC with AES (SP 800-38B), the fm_aes_cmac* services of fipsmod/aes.h.
 * Public here: fm_aes_cmac, fm_aes_cmac_verify and the streaming
 * fm_aes_cmac_init/update/final/wipe; everything else is static.
 *
 * Subkeys (section 6.1): L = CIPH_K(0^128), K1 = L << 1, xored with
 * R_128 = 0^120 || 10000111 when the most significant bit of L is 1, and
 * K2 the same from K1. L is secret, so the conditional xor is a mask made
 * from that bit (0 - msb), never a branch.
 *
 * MAC generation (section 6.2): CBC-MAC over M_1 .. M_n with a zero IV,
 * where the last block is M_n* ^ K1 when it is complete and
 * (M_n* || 10^j) ^ K2 otherwise (also for the empty message: n = 1, j =
 * 127). The streaming context therefore never processes a complete block
 * until more data arrives: update keeps the last 1..16 bytes pending, and
 * only final knows whether the pending block is the last one. CBC-MAC is
 * serial, so each block is one call to aes_encrypt_blocks with the key's
 * implementation (aes.c); the bitsliced code pays for its four-block width
 * here, which is the price of not having a separate one-block path.
 *
 * T = MSB_Tlen(C_n). MAC lengths of 1 to 16 bytes are accepted; the
 * service indicator calls the MAC approved from 8 bytes up (SP 800-38B
 * Appendix A: at least 64 bits unless the risk analysis of A.2 says
 * otherwise), and strict mode refuses shorter ones with
 * FM_ERR_NOT_APPROVED. Verification computes the full tag and compares the
 * first maclen bytes in constant time (ct_memeq_mask): the stored tag and
 * the computed one are both secret until the comparison is made.
 *
 * Secret: the key schedule (not ours: the caller's fm_aes_key), L, K1, K2,
 * the chaining value and the pending bytes. Public: lengths and the number
 * of bytes pending. The context refers to the caller's key, so the key
 * must stay alive and unchanged until final or wipe; a key wiped in
 * between is noticed (its magic is gone) and refused with FM_ERR_CONTEXT.
 * Every failure with a context wipes it; final wipes it on success too.
 */
#include "aes_internal.h"
#include "../module/ct.h"

#define CMAC_MAGIC 0x434d4143u /* "CMAC" */
#define CMAC_APPROVED_MIN_LEN 8 /* bytes: 64 bits, SP 800-38B Appendix A */

typedef struct {
    const aes_key_state *key; /* the caller's key, which must outlive the context */
    uint32_t magic;           /* CMAC_MAGIC while live */
    uint32_t pos;             /* bytes pending in buf: 0..16, 0 only before any data */
    uint8_t k1[16], k2[16];   /* subkeys (section 6.1) */
    uint8_t x[16];            /* the CBC-MAC chaining value C_i */
    uint8_t buf[16];          /* the pending (possibly last) block */
} cmac_state;

_Static_assert(sizeof(cmac_state) <= sizeof(fm_aes_cmac_ctx), "fm_aes_cmac_ctx too small");
_Static_assert(_Alignof(cmac_state) <= _Alignof(fm_aes_cmac_ctx), "fm_aes_cmac_ctx misaligned");

static inline uint64_t cmac_barrier_u64(uint64_t v)
{
    __asm__("" : "+r"(v));
    return v;
}

/* out = in << 1 (as a 128-bit big-endian string), ^ R_128 when the bit
 * shifted out was 1: the doubling of section 6.1 steps 2-3, without a
 * branch on that bit. */
static void cmac_double(uint8_t out[16], const uint8_t in[16])
{
    uint64_t hi = load_be64(in), lo = load_be64(in + 8);
    uint64_t mask = cmac_barrier_u64((uint64_t)0 - (hi >> 63));

    hi = (hi << 1) | (lo >> 63);
    lo = (lo << 1) ^ (mask & 0x87); /* R_128 = 0^120 || 10000111 */
    store_be64(out, hi);
    store_be64(out + 8, lo);
}

/* Start a MAC under a live key: derive K1, K2 and clear the state. */
static void cmac_state_init(cmac_state *st, const aes_key_state *key)
{
    uint8_t l[16] = { 0 };

    wipe(st, sizeof *st);
    aes_encrypt_blocks(key, l, l, 1); /* L = CIPH_K(0^128) */
    cmac_double(st->k1, l);
    cmac_double(st->k2, st->k1);
    wipe(l, sizeof l);
    st->key = key;
    st->magic = CMAC_MAGIC;
}

/* C_i = CIPH_K(C_{i-1} ^ M_i) for nblocks whole blocks of in. */
static void cmac_blocks(cmac_state *st, const uint8_t *in, size_t nblocks)
{
    for (size_t b = 0; b < nblocks; b++) {
        for (size_t i = 0; i < 16; i += 8)
            *(unaligned_word *)(st->x + i) ^= *(const unaligned_word *)(in + 16 * b + i);
        aes_encrypt_blocks(st->key, st->x, st->x, 1);
    }
}

/* Absorb len bytes, keeping the last 1..16 bytes of the message so far
 * pending: a complete block may be the last one, which final treats apart. */
static void cmac_absorb(cmac_state *st, const uint8_t *msg, size_t len)
{
    size_t take, full;

    if (len == 0)
        return;
    if (st->pos < 16) {
        take = 16 - st->pos < len ? 16 - st->pos : len;
        copy_bytes(st->buf + st->pos, msg, take);
        st->pos += (uint32_t)take;
        msg += take;
        len -= take;
        if (len == 0)
            return;
    }
    /* The pending block is full and more data follows: it is not the last. */
    cmac_blocks(st, st->buf, 1);
    /* Whole blocks straight from msg, leaving 1..16 bytes for the buffer. */
    full = (len - 1) / 16;
    cmac_blocks(st, msg, full);
    msg += 16 * full;
    len -= 16 * full;
    copy_bytes(st->buf, msg, len);
    st->pos = (uint32_t)len;
}

/* The last block (section 6.2 steps 4-6), the full tag C_n into t; wipes st. */
static void cmac_finish(cmac_state *st, uint8_t t[16])
{
    const uint8_t *k;

    if (st->pos == 16) {
        k = st->k1;            /* complete last block: M_n = M_n* ^ K1 */
    } else {
        st->buf[st->pos] = 0x80; /* M_n* || 1 || 0^j, then ^ K2 */
        for (size_t i = st->pos + 1; i < 16; i++)
            st->buf[i] = 0;
        k = st->k2;
    }
    for (size_t i = 0; i < 16; i++)
        st->buf[i] ^= k[i];
    cmac_blocks(st, st->buf, 1);
    copy_bytes(t, st->x, 16);
    wipe(st, sizeof *st);
}

/* FM_OK when key is an initialised AES key. */
static int cmac_key_check(const fm_aes_key *key)
{
    if (key == NULL)
        return FM_ERR_ARG;
    if (((const aes_key_state *)key)->magic != AES_MAGIC)
        return FM_ERR_CONTEXT;
    return FM_OK;
}

/* FM_OK for a live context whose key is still live. */
static int cmac_ctx_check(const cmac_state *st)
{
    if (st->magic != CMAC_MAGIC || st->key == NULL || st->key->magic != AES_MAGIC)
        return FM_ERR_CONTEXT;
    return FM_OK;
}

/* MAC length: FM_ERR_LENGTH outside 1..16; FM_ERR_NOT_APPROVED for a
 * short (but valid) length in strict mode. */
static int cmac_maclen_check(size_t maclen)
{
    if (maclen < 1 || maclen > FM_AES_CMAC_LEN)
        return FM_ERR_LENGTH;
    if (maclen < CMAC_APPROVED_MIN_LEN && module_strict())
        return FM_ERR_NOT_APPROVED;
    return FM_OK;
}

/*
 * The services below start with service_enter() (state.c): outside
 * OPERATIONAL they refuse with FM_ERR_STATE, zeroing the MAC output and
 * the context they were given.
 */

/* see fipsmod/aes.h */
int fm_aes_cmac(const fm_aes_key *key, const uint8_t *msg, size_t len, uint8_t *mac,
                size_t maclen)
{
    cmac_state st;
    uint8_t t[16];
    int rc = service_enter(FM_SERVICE_AES_CMAC);

    if (mac == NULL)
        return service_exit(FM_ERR_ARG, 0);
    if (rc == FM_OK && msg == NULL && len != 0)
        rc = FM_ERR_ARG;
    if (rc == FM_OK)
        rc = cmac_key_check(key);
    if (rc == FM_OK)
        rc = cmac_maclen_check(maclen);
    if (rc != FM_OK) {
        wipe(mac, maclen);
        return service_exit(rc, 0);
    }
    cmac_state_init(&st, (const aes_key_state *)key);
    cmac_absorb(&st, msg, len);
    cmac_finish(&st, t);
    copy_bytes(mac, t, maclen);
    wipe(t, sizeof t);
    return service_exit(FM_OK, maclen >= CMAC_APPROVED_MIN_LEN);
}

/* see fipsmod/aes.h */
int fm_aes_cmac_verify(const fm_aes_key *key, const uint8_t *msg, size_t len,
                       const uint8_t *mac, size_t maclen)
{
    cmac_state st;
    uint8_t t[16];
    uint32_t eq;
    int rc = service_enter(FM_SERVICE_AES_CMAC);

    if (rc == FM_OK && (mac == NULL || (msg == NULL && len != 0)))
        rc = FM_ERR_ARG;
    if (rc == FM_OK)
        rc = cmac_key_check(key);
    if (rc == FM_OK)
        rc = cmac_maclen_check(maclen);
    if (rc != FM_OK)
        return service_exit(rc, 0);
    cmac_state_init(&st, (const aes_key_state *)key);
    cmac_absorb(&st, msg, len);
    cmac_finish(&st, t);
    /* Both tags are secret until they match: every byte is compared. */
    eq = ct_memeq_mask(t, mac, maclen);
    wipe(t, sizeof t);
    rc = (int)(eq & (uint32_t)FM_OK) | (int)(~eq & (uint32_t)FM_ERR_VERIFY);
    return service_exit(rc, maclen >= CMAC_APPROVED_MIN_LEN);
}

/* see fipsmod/aes.h */
int fm_aes_cmac_init(fm_aes_cmac_ctx *ctx, const fm_aes_key *key)
{
    int rc = service_enter(FM_SERVICE_AES_CMAC);

    if (ctx == NULL)
        return service_exit(FM_ERR_ARG, 0);
    if (rc == FM_OK)
        rc = cmac_key_check(key);
    if (rc != FM_OK) {
        wipe(ctx, sizeof *ctx);
        return service_exit(rc, 0);
    }
    wipe(ctx, sizeof *ctx); /* the bytes the state does not use, too */
    cmac_state_init((cmac_state *)ctx, (const aes_key_state *)key);
    return service_exit(FM_OK, 1);
}

/* see fipsmod/aes.h */
int fm_aes_cmac_update(fm_aes_cmac_ctx *ctx, const uint8_t *msg, size_t len)
{
    cmac_state *st = (cmac_state *)ctx;
    int rc = service_enter(FM_SERVICE_AES_CMAC);

    if (ctx == NULL)
        return service_exit(FM_ERR_ARG, 0);
    if (rc == FM_OK && msg == NULL && len != 0)
        rc = FM_ERR_ARG;
    if (rc == FM_OK)
        rc = cmac_ctx_check(st);
    if (rc != FM_OK) {
        wipe(ctx, sizeof *ctx);
        return service_exit(rc, 0);
    }
    cmac_absorb(st, msg, len);
    return service_exit(FM_OK, 1);
}

/* see fipsmod/aes.h */
int fm_aes_cmac_final(fm_aes_cmac_ctx *ctx, uint8_t *mac, size_t maclen)
{
    cmac_state *st = (cmac_state *)ctx;
    uint8_t t[16];
    int rc = service_enter(FM_SERVICE_AES_CMAC);

    if (mac == NULL || ctx == NULL)
        rc = FM_ERR_ARG;
    if (rc == FM_OK)
        rc = cmac_ctx_check(st);
    if (rc == FM_OK)
        rc = cmac_maclen_check(maclen);
    if (rc != FM_OK) {
        if (ctx != NULL)
            wipe(ctx, sizeof *ctx);
        if (mac != NULL)
            wipe(mac, maclen);
        return service_exit(rc, 0);
    }
    cmac_finish(st, t);
    wipe(ctx, sizeof *ctx); /* the whole context, not only the state in use */
    copy_bytes(mac, t, maclen);
    wipe(t, sizeof t);
    return service_exit(FM_OK, maclen >= CMAC_APPROVED_MIN_LEN);
}

/* see fipsmod/aes.h */
int fm_aes_cmac_wipe(fm_aes_cmac_ctx *ctx)
{
    if (ctx == NULL)
        return FM_ERR_ARG;
    wipe(ctx, sizeof *ctx);
    return FM_OK;
}
