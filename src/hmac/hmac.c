/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HMAC (FIPS 198-1) over the SHA-2 family, fipsmod/hmac.h.
 *
 * The key is processed once at init (section 4, steps 1-3 and 7): K0 is the
 * key, or its hash when longer than the block, zero-padded to the block;
 * the inner state absorbs K0 ^ ipad and the outer state K0 ^ opad. Both
 * states live in the context, so a keyed context can be copied to MAC
 * several messages without touching the key again, and K0 itself is wiped
 * before init returns. Tags are truncated to the leftmost bytes (section 5)
 * and compared in constant time.
 *
 * Approved (the service indicator, security-policy.md): a key of at least
 * 112 bits (SP 800-131Ar2 section 10); tags of at least 32 bits are
 * enforced for every call (SP 800-107r1 section 5.3.3). In strict mode a
 * shorter key is refused at init with FM_ERR_NOT_APPROVED.
 */

#define HMAC_APPROVED_MIN_KEY 14 /* bytes: 112 bits */
#include "../sha2/sha2_internal.h"
#include "../module/ct.h"

typedef struct {
    uint32_t magic;   /* HMAC_MAGIC while live */
    uint32_t alg;
    uint32_t approved; /* 1 when the key makes this an approved service */
    uint32_t reserved;
    hash_state inner; /* H((K0 ^ ipad) || message so far) */
    hash_state outer; /* H((K0 ^ opad) || ...), waiting for the inner digest */
} hmac_state;

_Static_assert(sizeof(hmac_state) <= sizeof(fm_hmac_ctx), "fm_hmac_ctx too small");
_Static_assert(_Alignof(hmac_state) <= _Alignof(fm_hmac_ctx), "fm_hmac_ctx misaligned");

static int hmac_state_init(hmac_state *st, int alg, const uint8_t *key, size_t keylen)
{
    uint8_t k0[FM_HASH_MAX_BLOCK_LEN];
    size_t bl;
    int ret;

    wipe(st, sizeof *st);
    ret = hash_state_init(&st->inner, alg);
    if (ret != FM_OK)
        return ret;
    bl = st->inner.blocklen;
    wipe(k0, sizeof k0);
    if (keylen > bl) {
        /* Step 2: K0 = H(K) || zeros. inner is reused as scratch. */
        ret = hash_state_room(&st->inner, keylen);
        if (ret != FM_OK) {
            wipe(st, sizeof *st);
            return ret;
        }
        hash_state_absorb(&st->inner, key, keylen);
        hash_state_finish(&st->inner, k0);
        (void)hash_state_init(&st->inner, alg);
    } else {
        copy_bytes(k0, key, keylen);
    }
    (void)hash_state_init(&st->outer, alg);
    for (size_t i = 0; i < bl; i++)
        k0[i] ^= 0x36;                      /* K0 ^ ipad */
    hash_state_absorb(&st->inner, k0, bl);
    for (size_t i = 0; i < bl; i++)
        k0[i] ^= 0x36 ^ 0x5c;               /* K0 ^ opad */
    hash_state_absorb(&st->outer, k0, bl);
    wipe(k0, sizeof k0);
    st->alg = (uint32_t)alg;
    st->approved = keylen >= HMAC_APPROVED_MIN_KEY;
    st->magic = HMAC_MAGIC;
    return FM_OK;
}

/* Full-length MAC into mac[]; wipes the state. */
static void hmac_state_finish(hmac_state *st, uint8_t mac[FM_HASH_MAX_LEN])
{
    uint8_t inner_md[FM_HASH_MAX_LEN];
    size_t outlen = st->inner.outlen;

    hash_state_finish(&st->inner, inner_md);
    hash_state_absorb(&st->outer, inner_md, outlen);
    hash_state_finish(&st->outer, mac);
    wipe(inner_md, sizeof inner_md);
    wipe(st, sizeof *st);
}

/* Checks shared by final and verify: FM_OK when ctx is live and taglen fits. */
static int hmac_check_tag_args(const hmac_state *st, size_t taglen)
{
    if (st->magic != HMAC_MAGIC)
        return FM_ERR_CONTEXT;
    if (taglen < FM_HMAC_MIN_TAG_LEN || taglen > st->inner.outlen)
        return FM_ERR_LENGTH;
    return FM_OK;
}

/*
 * The services below start with service_enter() (state.c): in any state
 * but OPERATIONAL they refuse with FM_ERR_STATE, zeroing their outputs and
 * the context.
 */

/* Strict mode refuses a key too short to be approved, also on a context
 * keyed before strict mode was turned on. */
static int hmac_key_allowed(size_t keylen)
{
    return keylen >= HMAC_APPROVED_MIN_KEY || !module_strict();
}

static int hmac_ctx_allowed(const hmac_state *st)
{
    return st->approved || !module_strict();
}

/* see fipsmod/hmac.h */
int fm_hmac_init(fm_hmac_ctx *ctx, int alg, const void *key, size_t keylen)
{
    int rc = service_enter(FM_SERVICE_HMAC);

    if (ctx == NULL)
        return service_exit(FM_ERR_ARG, 0);
    if (rc == FM_OK && key == NULL && keylen != 0)
        rc = FM_ERR_ARG;
    if (rc == FM_OK && !hmac_key_allowed(keylen))
        rc = FM_ERR_NOT_APPROVED;
    if (rc == FM_OK)
        rc = hmac_state_init((hmac_state *)ctx, alg, (const uint8_t *)key, keylen);
    if (rc != FM_OK) {
        wipe(ctx, sizeof *ctx);
        return service_exit(rc, 0);
    }
    return service_exit(FM_OK, (int)((hmac_state *)ctx)->approved);
}

/* see fipsmod/hmac.h */
int fm_hmac_update(fm_hmac_ctx *ctx, const void *data, size_t len)
{
    hmac_state *st = (hmac_state *)ctx;
    int rc = service_enter(FM_SERVICE_HMAC);

    if (ctx == NULL || (data == NULL && len != 0))
        return service_exit(FM_ERR_ARG, 0);
    if (rc != FM_OK) {
        wipe(ctx, sizeof *ctx);
        return service_exit(rc, 0);
    }
    if (st->magic != HMAC_MAGIC)
        return service_exit(FM_ERR_CONTEXT, 0);
    if (!hmac_ctx_allowed(st)) {
        wipe(ctx, sizeof *ctx);
        return service_exit(FM_ERR_NOT_APPROVED, 0);
    }
    if (hash_state_room(&st->inner, len) != FM_OK)
        return service_exit(FM_ERR_LENGTH, 0);
    if (len != 0)
        hash_state_absorb(&st->inner, (const uint8_t *)data, len);
    return service_exit(FM_OK, (int)st->approved);
}

/* see fipsmod/hmac.h */
int fm_hmac_final(fm_hmac_ctx *ctx, uint8_t *tag, size_t taglen)
{
    hmac_state *st = (hmac_state *)ctx;
    uint8_t mac[FM_HASH_MAX_LEN];
    int rc = service_enter(FM_SERVICE_HMAC);
    int approved;

    if (tag == NULL)
        return service_exit(FM_ERR_ARG, 0);
    if (ctx == NULL)
        rc = FM_ERR_ARG;
    else if (rc != FM_OK)
        wipe(ctx, sizeof *ctx);
    else
        rc = hmac_check_tag_args(st, taglen);
    if (rc == FM_OK && !hmac_ctx_allowed(st)) {
        wipe(ctx, sizeof *ctx);
        rc = FM_ERR_NOT_APPROVED;
    }
    if (rc != FM_OK) {
        wipe(tag, taglen);
        return service_exit(rc, 0);
    }
    approved = (int)st->approved;
    hmac_state_finish(st, mac);
    wipe(ctx, sizeof *ctx); /* the whole context, not only the state in use */
    copy_bytes(tag, mac, taglen);
    wipe(mac, sizeof mac);
    return service_exit(FM_OK, approved);
}

/* see fipsmod/hmac.h */
int fm_hmac_verify(fm_hmac_ctx *ctx, const uint8_t *tag, size_t taglen)
{
    hmac_state *st = (hmac_state *)ctx;
    uint8_t mac[FM_HASH_MAX_LEN];
    int rc = service_enter(FM_SERVICE_HMAC);
    int approved;
    uint32_t eq;

    if (ctx == NULL || tag == NULL)
        return service_exit(FM_ERR_ARG, 0);
    if (rc != FM_OK) {
        wipe(ctx, sizeof *ctx);
        return service_exit(rc, 0);
    }
    rc = hmac_check_tag_args(st, taglen);
    if (rc != FM_OK)
        return service_exit(rc, 0);
    if (!hmac_ctx_allowed(st)) {
        wipe(ctx, sizeof *ctx);
        return service_exit(FM_ERR_NOT_APPROVED, 0);
    }
    approved = (int)st->approved;
    hmac_state_finish(st, mac);
    wipe(ctx, sizeof *ctx); /* the whole context, not only the state in use */
    /* The computed MAC is secret until it matches: compare every byte. */
    eq = ct_memeq_mask(mac, tag, taglen);
    wipe(mac, sizeof mac);
    rc = (int)(eq & (uint32_t)FM_OK) | (int)(~eq & (uint32_t)FM_ERR_VERIFY);
    return service_exit(rc, approved);
}

/* see fipsmod/hmac.h */
int fm_hmac_wipe(fm_hmac_ctx *ctx)
{
    if (ctx == NULL)
        return FM_ERR_ARG;
    wipe(ctx, sizeof *ctx);
    return FM_OK;
}

/* see fipsmod/hmac.h */
int fm_hmac(int alg, const void *key, size_t keylen, const void *data, size_t len,
            uint8_t *tag, size_t taglen)
{
    hmac_state st;
    uint8_t mac[FM_HASH_MAX_LEN];
    int rc = service_enter(FM_SERVICE_HMAC);
    int approved;

    if (tag == NULL)
        return service_exit(FM_ERR_ARG, 0);
    if (rc == FM_OK && ((key == NULL && keylen != 0) || (data == NULL && len != 0)))
        rc = FM_ERR_ARG;
    if (rc == FM_OK && !hmac_key_allowed(keylen))
        rc = FM_ERR_NOT_APPROVED;
    if (rc == FM_OK)
        rc = hmac_state_init(&st, alg, (const uint8_t *)key, keylen);
    if (rc == FM_OK)
        rc = hmac_check_tag_args(&st, taglen);
    if (rc == FM_OK)
        rc = hash_state_room(&st.inner, len);
    if (rc != FM_OK) {
        wipe(&st, sizeof st);
        wipe(tag, taglen);
        return service_exit(rc, 0);
    }
    approved = (int)st.approved;
    if (len != 0)
        hash_state_absorb(&st.inner, (const uint8_t *)data, len);
    hmac_state_finish(&st, mac);
    copy_bytes(tag, mac, taglen);
    wipe(mac, sizeof mac);
    return service_exit(FM_OK, approved);
}
