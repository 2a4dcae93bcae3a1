/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GCM (SP 800-38D): the service layer of fipsmod/aes.h. It computes the
 * pre-counter block J0 (section 7.1 step 2: IV || 0^31 || 1 for a 96-bit
 * IV, otherwise GHASH of the padded IV and its length), hashes the AAD,
 * runs the bulk encryption or decryption, and finishes with the length
 * block and T = MSB_t(E(K, J0) ^ S) (7.1 steps 5-7, 7.2 steps 5-8).
 *
 * The bulk is one call per implementation that fuses CTR and GHASH
 * (gcm_vaes.c, gcm_ni.c); the portable path composes the bitsliced AES with
 * the constant-time GHASH of ghash_ct64.c. The key records its
 * implementation at init, and GHASH uses the table of that same
 * implementation, since the layouts differ.
 *
 * Streaming keeps a partial block: bytes of the current keystream block
 * not yet used, and the ciphertext bytes of that block waiting to be
 * hashed. The same buffer holds a partial AAD block before data starts.
 *
 * IVs (section 8.2.2, RBG-based construction): fm_aes_gcm_seal_geniv takes
 * a 96-bit IV from the module's DRBG (random.c) and counts the key's
 * invocations with a compare-and-swap, refusing the 2^32 + 1st (section
 * 8.3: with random IVs the probability of a repeat must stay below
 * 2^-32). This is the approved way to encrypt; a caller's IV is accepted
 * but the service indicator marks that encryption as not approved (strict
 * mode refuses it).
 *
 * Public: IV, AAD, lengths, the counter block and the tag once released.
 * Secret: the AES schedule, H and its table, E(K, J0), the keystream, the
 * plaintext and the GHASH state; each is wiped when no longer needed.
 */
#include "aes_internal.h"

#define GCM_MAGIC 0x47434d31u     /* "GCM1" */
#define GCM_CTX_MAGIC 0x47435458u /* "GCTX" */

/* SP 800-38D 5.2.1.1: len(P) <= 2^39 - 256 bits, len(A) <= 2^64 - 1 bits. */
#define GCM_MAX_DATA ((UINT64_C(1) << 36) - 32)
#define GCM_MAX_AAD ((UINT64_C(1) << 61) - 1)

typedef struct {
    aes_key_state aes;
    uint64_t htab[GHASH_TAB_WORDS];
    uint32_t magic;
    uint64_t invocations;         /* IVs generated so far (atomic) */
} gcm_key_state;

/* Section 8.3: at most 2^32 invocations with RBG-generated IVs per key. */
#define GCM_MAX_RBG_IVS (UINT64_C(1) << 32)

_Static_assert(sizeof(gcm_key_state) <= sizeof(fm_aes_gcm_key), "fm_aes_gcm_key too small");
_Static_assert(_Alignof(gcm_key_state) <= _Alignof(fm_aes_gcm_key), "fm_aes_gcm_key misaligned");

#define GCM_PHASE_AAD 0
#define GCM_PHASE_DATA 1

typedef struct {
    const gcm_key_state *key;
    uint32_t magic;
    uint8_t encrypt;
    uint8_t phase;
    uint8_t approved;       /* the IV makes this an approved operation */
    uint8_t pos;            /* bytes in the partial block (AAD or data) */
    uint8_t ctr[16];        /* next counter block */
    uint8_t ek0[16];        /* E(K, J0), masks the tag */
    uint8_t y[16];          /* GHASH state */
    uint8_t ks[16];         /* keystream of the partial data block */
    uint8_t part[16];       /* partial AAD or ciphertext block, to hash */
    uint64_t aadlen, len;
} gcm_ctx_state;

_Static_assert(sizeof(gcm_ctx_state) <= sizeof(fm_aes_gcm_ctx), "fm_aes_gcm_ctx too small");
_Static_assert(_Alignof(gcm_ctx_state) <= _Alignof(fm_aes_gcm_ctx), "fm_aes_gcm_ctx misaligned");

/* GHASH with the key's implementation. */
static void gcm_ghash(const gcm_key_state *k, uint8_t y[16], const uint8_t *in, size_t nblocks)
{
    if (k->aes.impl == IMPL_VAES)
        ghash_vpclmul_blocks(k->htab, y, in, nblocks);
    else if (k->aes.impl == IMPL_AESNI)
        ghash_clmul_blocks(k->htab, y, in, nblocks);
    else
        ghash_ct64_blocks(k->htab, y, in, nblocks);
}

/* inc32 (section 6.2): the last four bytes as a big-endian counter. */
static void gcm_inc32(uint8_t ctr[16], uint32_t n)
{
    store_be32(ctr + 12, load_be32(ctr + 12) + n);
}

/*
 * Portable bulk: counter blocks in chunks, encrypted by the bitsliced AES
 * four at a time, then hashed. Decryption hashes its input before the XOR
 * writes out, so in == out works.
 */
#define GCM_CT64_CHUNK 16

static void gcm_ct64_bulk(const gcm_key_state *k, int encrypt, uint8_t ctr[16], uint8_t y[16],
                          const uint8_t *in, uint8_t *out, size_t nblocks)
{
    uint8_t ks[GCM_CT64_CHUNK * 16];

    while (nblocks > 0) {
        size_t n = nblocks < GCM_CT64_CHUNK ? nblocks : GCM_CT64_CHUNK;
        for (size_t b = 0; b < n; b++) {
            copy_bytes(ks + 16 * b, ctr, 16);
            gcm_inc32(ctr, 1);
        }
        aes_ct64_encrypt_blocks(k->aes.u.ct64, k->aes.rounds, ks, ks, n);
        if (!encrypt)
            ghash_ct64_blocks(k->htab, y, in, n);
        for (size_t i = 0; i < 16 * n; i += 8)
            *(unaligned_word *)(out + i) =
                *(const unaligned_word *)(in + i) ^ *(const unaligned_word *)(ks + i);
        if (encrypt)
            ghash_ct64_blocks(k->htab, y, out, n);
        in += 16 * n;
        out += 16 * n;
        nblocks -= n;
    }
    wipe(ks, sizeof ks);
}

/* Whole blocks of CTR + GHASH with the key's implementation. */
static void gcm_bulk(const gcm_key_state *k, int encrypt, uint8_t ctr[16], uint8_t y[16],
                     const uint8_t *in, uint8_t *out, size_t nblocks)
{
    const aes_key_state *a = &k->aes;

    if (a->impl == IMPL_VAES) {
        if (encrypt)
            aes_gcm_vaes_encrypt(&a->u.ni, a->rounds, k->htab, ctr, y, in, out, nblocks);
        else
            aes_gcm_vaes_decrypt(&a->u.ni, a->rounds, k->htab, ctr, y, in, out, nblocks);
    } else if (a->impl == IMPL_AESNI) {
        if (encrypt)
            aes_gcm_ni_encrypt(&a->u.ni, a->rounds, k->htab, ctr, y, in, out, nblocks);
        else
            aes_gcm_ni_decrypt(&a->u.ni, a->rounds, k->htab, ctr, y, in, out, nblocks);
    } else {
        gcm_ct64_bulk(k, encrypt, ctr, y, in, out, nblocks);
    }
}

/* Tag lengths of section 5.2.1.2: 128..96 bits, and 64 and 32 under the
 * limits of Appendix C. The others are accepted but not approved. */
static int gcm_tag_approved(size_t taglen)
{
    return taglen >= 12 || taglen == 8 || taglen == 4;
}

static int gcm_tag_len_ok(size_t taglen)
{
    return taglen >= 4 && taglen <= FM_AES_GCM_TAG_LEN;
}

static int gcm_key_live(const fm_aes_gcm_key *key)
{
    return ((const gcm_key_state *)key)->magic == GCM_MAGIC;
}

/* ---- key ------------------------------------------------------------------ */

/* Expand k with implementation impl and tabulate H = CIPH_K(0^128)
 * (section 6.4) for the GHASH of the same implementation. g is zeroed. */
static void gcm_key_setup(gcm_key_state *g, const uint8_t *k, size_t klen, int impl)
{
    uint8_t h[16] = { 0 };

    wipe(g, sizeof *g);
    aes_key_state_init(&g->aes, k, klen, impl);
    aes_encrypt_blocks(&g->aes, h, h, 1);
    if (impl == IMPL_VAES)
        ghash_vpclmul_init(g->htab, h);
    else if (impl == IMPL_AESNI)
        ghash_clmul_init(g->htab, h);
    else
        ghash_ct64_init(g->htab, h);
    wipe(h, sizeof h);
    g->magic = GCM_MAGIC;
}

/* see fipsmod/aes.h */
int fm_aes_gcm_init(fm_aes_gcm_key *key, const uint8_t *k, size_t klen)
{
    gcm_key_state *g = (gcm_key_state *)key;
    int rc = service_enter(FM_SERVICE_AES_GCM);

    if (key == NULL)
        return service_exit(FM_ERR_ARG, 0);
    if (rc == FM_OK && k == NULL)
        rc = FM_ERR_ARG;
    if (rc == FM_OK && klen != 16 && klen != 24 && klen != 32)
        rc = FM_ERR_LENGTH;
    wipe(g, sizeof *key);
    if (rc != FM_OK)
        return service_exit(rc, 0);
    gcm_key_setup(g, k, klen, aes_impl_now());
    return service_exit(FM_OK, 1);
}

/* see fipsmod/aes.h */
int fm_aes_gcm_wipe(fm_aes_gcm_key *key)
{
    if (key == NULL)
        return FM_ERR_ARG;
    wipe(key, sizeof *key);
    return FM_OK;
}

/* ---- the operation -------------------------------------------------------- */

/* Section 7.1 steps 2-3 for the context: J0, E(K, J0) and the first
 * counter block inc32(J0). ivlen >= 1 was checked. */
static void gcm_ctx_setup(gcm_ctx_state *c, const gcm_key_state *k, int encrypt,
                          const uint8_t *iv, size_t ivlen)
{
    uint8_t j0[16] = { 0 };

    wipe(c, sizeof *c);
    if (ivlen == FM_AES_GCM_IV_LEN) {
        copy_bytes(j0, iv, FM_AES_GCM_IV_LEN);
        j0[15] = 1;
    } else {
        /* J0 = GHASH(IV || 0^(s+64) || [len(IV)]64). */
        uint8_t last[16] = { 0 };
        size_t full = ivlen / 16, rest = ivlen % 16;

        gcm_ghash(k, j0, iv, full);
        if (rest != 0) {
            copy_bytes(last, iv + 16 * full, rest);
            gcm_ghash(k, j0, last, 1);
            wipe(last, sizeof last);
        }
        store_be64(last + 8, (uint64_t)ivlen * 8);
        gcm_ghash(k, j0, last, 1);
    }
    aes_encrypt_blocks(&k->aes, j0, c->ek0, 1);
    copy_bytes(c->ctr, j0, 16);
    gcm_inc32(c->ctr, 1);
    c->key = k;
    c->encrypt = (uint8_t)(encrypt != 0);
    c->phase = GCM_PHASE_AAD;
    c->magic = GCM_CTX_MAGIC;
}

/* AAD, any length, before any data (section 7.1 step 5, first part). */
static int gcm_ctx_aad(gcm_ctx_state *c, const uint8_t *aad, size_t len)
{
    if (c->phase != GCM_PHASE_AAD)
        return FM_ERR_CONTEXT;
    if (len > GCM_MAX_AAD - c->aadlen)
        return FM_ERR_LENGTH;
    c->aadlen += len;
    if (c->pos != 0) {
        while (len > 0 && c->pos < 16) {
            c->part[c->pos++] = *aad++;
            len--;
        }
        if (c->pos < 16)
            return FM_OK;
        gcm_ghash(c->key, c->y, c->part, 1);
        c->pos = 0;
    }
    if (len == 0)
        return FM_OK;
    gcm_ghash(c->key, c->y, aad, len / 16);
    aad += len - len % 16;
    len %= 16;
    copy_bytes(c->part, aad, len);
    c->pos = (uint8_t)len;
    return FM_OK;
}

/* From AAD to data: the AAD's last block is padded with zeros. */
static void gcm_ctx_start_data(gcm_ctx_state *c)
{
    if (c->phase != GCM_PHASE_AAD)
        return;
    if (c->pos != 0) {
        for (size_t i = c->pos; i < 16; i++)
            c->part[i] = 0;
        gcm_ghash(c->key, c->y, c->part, 1);
        c->pos = 0;
    }
    c->phase = GCM_PHASE_DATA;
}

/*
 * len bytes of data. A partial block left by the previous call is
 * finished first from the saved keystream; whole blocks go to the bulk
 * function; a tail starts a new partial block. The ciphertext byte is
 * taken before out is written, so in == out works in both directions.
 */
static int gcm_ctx_update(gcm_ctx_state *c, const uint8_t *in, uint8_t *out, size_t len)
{
    const gcm_key_state *k = c->key;

    if (len > GCM_MAX_DATA - c->len)
        return FM_ERR_LENGTH;
    gcm_ctx_start_data(c);
    c->len += len;
    if (c->pos != 0) {
        while (len > 0 && c->pos < 16) {
            uint8_t x = *in++;
            uint8_t o = (uint8_t)(x ^ c->ks[c->pos]);
            c->part[c->pos++] = c->encrypt ? o : x;
            *out++ = o;
            len--;
        }
        if (c->pos < 16)
            return FM_OK;
        gcm_ghash(k, c->y, c->part, 1);
        c->pos = 0;
    }
    size_t nblocks = len / 16;
    gcm_bulk(k, c->encrypt, c->ctr, c->y, in, out, nblocks);
    in += 16 * nblocks;
    out += 16 * nblocks;
    len %= 16;
    if (len != 0) {
        aes_encrypt_blocks(&k->aes, c->ctr, c->ks, 1);
        gcm_inc32(c->ctr, 1);
        for (size_t i = 0; i < len; i++) {
            uint8_t x = in[i];
            uint8_t o = (uint8_t)(x ^ c->ks[i]);
            c->part[i] = c->encrypt ? o : x;
            out[i] = o;
        }
        c->pos = (uint8_t)len;
    }
    return FM_OK;
}

/* Section 7.1 steps 5-6: the last partial block, the length block, and
 * the full tag E(K, J0) ^ S into tag[16]. */
static void gcm_ctx_tag(gcm_ctx_state *c, uint8_t tag[16])
{
    uint8_t lens[16];

    gcm_ctx_start_data(c);
    if (c->pos != 0) {
        for (size_t i = c->pos; i < 16; i++)
            c->part[i] = 0;
        gcm_ghash(c->key, c->y, c->part, 1);
    }
    store_be64(lens, c->aadlen * 8);
    store_be64(lens + 8, c->len * 8);
    gcm_ghash(c->key, c->y, lens, 1);
    for (size_t i = 0; i < 16; i++)
        tag[i] = c->y[i] ^ c->ek0[i];
}

/*
 * Decryption's check: compare in constant time and zero the plaintext the
 * caller named if it fails (section 7.2 step 8: output FAIL only). The
 * verdict is not branched on: the plaintext is ANDed with the all-ones or
 * all-zeros mask and the return value selected by the mask, so the
 * comparison stays constant time up to the caller, who learns the verdict
 * from the return value.
 */
static int gcm_ctx_check(gcm_ctx_state *c, const uint8_t *tag, size_t taglen, uint8_t *pt,
                         size_t ptlen)
{
    uint8_t full[16];
    uint32_t ok;
    uint64_t keep;
    size_t i = 0;

    gcm_ctx_tag(c, full);
    ok = ct_memeq_mask(full, tag, taglen);
    wipe(full, sizeof full);
    keep = (uint64_t)0 - (uint64_t)(ok & 1);
    if (pt != NULL) {
        for (; i + 8 <= ptlen; i += 8)
            *(unaligned_word *)(pt + i) &= keep;
        for (; i < ptlen; i++)
            pt[i] &= (uint8_t)keep;
    }
    return (int)(ok & (uint32_t)FM_OK) | (int)(~ok & (uint32_t)FM_ERR_VERIFY);
}

/* Argument checks common to the one-shot calls. */
static int gcm_oneshot_check(const fm_aes_gcm_key *key, const uint8_t *iv, size_t ivlen,
                             const uint8_t *aad, size_t aadlen, const uint8_t *in, size_t len,
                             const uint8_t *tag, size_t taglen)
{
    if (key == NULL || iv == NULL || tag == NULL || (aad == NULL && aadlen != 0) ||
        (in == NULL && len != 0))
        return FM_ERR_ARG;
    if (!gcm_key_live(key))
        return FM_ERR_CONTEXT;
    if (ivlen == 0 || !gcm_tag_len_ok(taglen) || (uint64_t)len > GCM_MAX_DATA ||
        (uint64_t)aadlen > GCM_MAX_AAD)
        return FM_ERR_LENGTH;
    return FM_OK;
}

/* Seal with a given IV: the shared body of fm_aes_gcm_seal and _geniv. */
static void gcm_seal(const gcm_key_state *k, const uint8_t *iv, size_t ivlen, const uint8_t *aad,
                     size_t aadlen, const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag,
                     size_t taglen)
{
    gcm_ctx_state c;
    uint8_t full[16];

    gcm_ctx_setup(&c, k, 1, iv, ivlen);
    (void)gcm_ctx_aad(&c, aad, aadlen);
    (void)gcm_ctx_update(&c, in, out, len);
    gcm_ctx_tag(&c, full);
    copy_bytes(tag, full, taglen);
    wipe(full, sizeof full);
    wipe(&c, sizeof c);
}

/* see fipsmod/aes.h */
int fm_aes_gcm_seal(const fm_aes_gcm_key *key, const uint8_t *iv, size_t ivlen,
                    const uint8_t *aad, size_t aadlen, const uint8_t *in, size_t len,
                    uint8_t *out, uint8_t *tag, size_t taglen)
{
    int rc = service_enter(FM_SERVICE_AES_GCM);

    if ((out == NULL && len != 0) || tag == NULL) {
        if (out != NULL)
            wipe(out, len);
        if (tag != NULL)
            wipe(tag, taglen <= FM_AES_GCM_TAG_LEN ? taglen : FM_AES_GCM_TAG_LEN);
        return service_exit(FM_ERR_ARG, 0);
    }
    if (rc == FM_OK)
        rc = gcm_oneshot_check(key, iv, ivlen, aad, aadlen, in, len, tag, taglen);
    /* A caller's IV is never approved for encryption (section 8.2). */
    if (rc == FM_OK && module_strict())
        rc = FM_ERR_NOT_APPROVED;
    if (rc != FM_OK) {
        if (out != NULL)
            wipe(out, len);
        wipe(tag, taglen <= FM_AES_GCM_TAG_LEN ? taglen : FM_AES_GCM_TAG_LEN);
        return service_exit(rc, 0);
    }
    gcm_seal((const gcm_key_state *)key, iv, ivlen, aad, aadlen, in, len, out, tag, taglen);
    return service_exit(FM_OK, 0);
}

/* see fipsmod/aes.h */
int fm_aes_gcm_open(const fm_aes_gcm_key *key, const uint8_t *iv, size_t ivlen,
                    const uint8_t *aad, size_t aadlen, const uint8_t *in, size_t len,
                    const uint8_t *tag, size_t taglen, uint8_t *out)
{
    gcm_ctx_state c;
    int rc = service_enter(FM_SERVICE_AES_GCM);

    if (out == NULL && len != 0)
        return service_exit(FM_ERR_ARG, 0);
    if (rc == FM_OK)
        rc = gcm_oneshot_check(key, iv, ivlen, aad, aadlen, in, len, tag, taglen);
    if (rc == FM_OK && !gcm_tag_approved(taglen) && module_strict())
        rc = FM_ERR_NOT_APPROVED;
    if (rc != FM_OK) {
        if (out != NULL)
            wipe(out, len);
        return service_exit(rc, 0);
    }
    gcm_ctx_setup(&c, (const gcm_key_state *)key, 0, iv, ivlen);
    (void)gcm_ctx_aad(&c, aad, aadlen);
    (void)gcm_ctx_update(&c, in, out, len);
    rc = gcm_ctx_check(&c, tag, taglen, out, len);
    wipe(&c, sizeof c);
    return service_exit(rc, gcm_tag_approved(taglen));
}

/*
 * Next IV of section 8.2.2: 96 bits from the module's RBG, after counting
 * the invocation. The compare-and-swap gives each caller its own count
 * and stops at the limit instead of passing it. FM_ERR_CONTEXT when the
 * key has made its 2^32 IVs; FM_ERR_ENTROPY or FM_ERR_STATE from the RBG
 * (iv zeroed).
 */
static int gcm_next_iv(gcm_key_state *g, uint8_t iv[FM_AES_GCM_IV_LEN])
{
    uint64_t n = __atomic_load_n(&g->invocations, __ATOMIC_RELAXED);

    do {
        if (n >= GCM_MAX_RBG_IVS)
            return FM_ERR_CONTEXT;
    } while (!__atomic_compare_exchange_n(&g->invocations, &n, n + 1, 0, __ATOMIC_ACQ_REL,
                                          __ATOMIC_RELAXED));
    return random_generate(iv, FM_AES_GCM_IV_LEN);
}

/* see fipsmod/aes.h */
int fm_aes_gcm_seal_geniv(fm_aes_gcm_key *key, uint8_t iv[FM_AES_GCM_IV_LEN],
                          const uint8_t *aad, size_t aadlen, const uint8_t *in, size_t len,
                          uint8_t *out, uint8_t *tag, size_t taglen)
{
    int rc = service_enter(FM_SERVICE_AES_GCM);

    if ((out == NULL && len != 0) || tag == NULL || iv == NULL) {
        if (out != NULL)
            wipe(out, len);
        if (tag != NULL)
            wipe(tag, taglen <= FM_AES_GCM_TAG_LEN ? taglen : FM_AES_GCM_TAG_LEN);
        if (iv != NULL)
            wipe(iv, FM_AES_GCM_IV_LEN);
        return service_exit(FM_ERR_ARG, 0);
    }
    /* The IV is checked as if given (it will be 12 bytes) before one is
     * used up. */
    if (rc == FM_OK)
        rc = gcm_oneshot_check(key, iv, FM_AES_GCM_IV_LEN, aad, aadlen, in, len, tag, taglen);
    if (rc == FM_OK && !gcm_tag_approved(taglen) && module_strict())
        rc = FM_ERR_NOT_APPROVED;
    if (rc == FM_OK)
        rc = gcm_next_iv((gcm_key_state *)key, iv);
    if (rc != FM_OK) {
        if (out != NULL)
            wipe(out, len);
        wipe(tag, taglen <= FM_AES_GCM_TAG_LEN ? taglen : FM_AES_GCM_TAG_LEN);
        wipe(iv, FM_AES_GCM_IV_LEN);
        return service_exit(rc, 0);
    }
    gcm_seal((const gcm_key_state *)key, iv, FM_AES_GCM_IV_LEN, aad, aadlen, in, len, out, tag,
             taglen);
    return service_exit(FM_OK, gcm_tag_approved(taglen));
}

/* ---- streaming ------------------------------------------------------------ */

/* see fipsmod/aes.h */
int fm_aes_gcm_start(fm_aes_gcm_ctx *ctx, const fm_aes_gcm_key *key, int direction,
                     const uint8_t *iv, size_t ivlen)
{
    gcm_ctx_state *c = (gcm_ctx_state *)ctx;
    int rc = service_enter(FM_SERVICE_AES_GCM);

    if (ctx == NULL)
        return service_exit(FM_ERR_ARG, 0);
    if (rc == FM_OK && (key == NULL || iv == NULL ||
                        (direction != FM_AES_GCM_ENCRYPT && direction != FM_AES_GCM_DECRYPT)))
        rc = FM_ERR_ARG;
    if (rc == FM_OK && !gcm_key_live(key))
        rc = FM_ERR_CONTEXT;
    if (rc == FM_OK && ivlen == 0)
        rc = FM_ERR_LENGTH;
    if (rc == FM_OK && direction == FM_AES_GCM_ENCRYPT && module_strict())
        rc = FM_ERR_NOT_APPROVED;
    if (rc != FM_OK) {
        wipe(c, sizeof *ctx);
        return service_exit(rc, 0);
    }
    gcm_ctx_setup(c, (const gcm_key_state *)key, direction == FM_AES_GCM_ENCRYPT, iv, ivlen);
    c->approved = direction == FM_AES_GCM_DECRYPT;
    return service_exit(FM_OK, c->approved);
}

/* see fipsmod/aes.h */
int fm_aes_gcm_start_geniv(fm_aes_gcm_ctx *ctx, fm_aes_gcm_key *key,
                           uint8_t iv[FM_AES_GCM_IV_LEN])
{
    gcm_ctx_state *c = (gcm_ctx_state *)ctx;
    int rc = service_enter(FM_SERVICE_AES_GCM);

    if (ctx == NULL)
        return service_exit(FM_ERR_ARG, 0);
    if (rc == FM_OK && (key == NULL || iv == NULL))
        rc = FM_ERR_ARG;
    if (rc == FM_OK && !gcm_key_live(key))
        rc = FM_ERR_CONTEXT;
    if (rc == FM_OK)
        rc = gcm_next_iv((gcm_key_state *)key, iv);
    if (rc != FM_OK) {
        wipe(c, sizeof *ctx);
        if (iv != NULL)
            wipe(iv, FM_AES_GCM_IV_LEN);
        return service_exit(rc, 0);
    }
    gcm_ctx_setup(c, (const gcm_key_state *)key, 1, iv, FM_AES_GCM_IV_LEN);
    c->approved = 1;
    return service_exit(FM_OK, 1);
}

/* A started context, or FM_ERR_ARG/FM_ERR_CONTEXT; the module state is
 * checked by the caller first. */
static int gcm_ctx_live(const fm_aes_gcm_ctx *ctx)
{
    const gcm_ctx_state *c = (const gcm_ctx_state *)ctx;

    if (ctx == NULL)
        return FM_ERR_ARG;
    if (c->magic != GCM_CTX_MAGIC || c->key == NULL || c->key->magic != GCM_MAGIC)
        return FM_ERR_CONTEXT;
    return FM_OK;
}

/* see fipsmod/aes.h */
int fm_aes_gcm_aad(fm_aes_gcm_ctx *ctx, const uint8_t *aad, size_t len)
{
    gcm_ctx_state *c = (gcm_ctx_state *)ctx;
    int rc = service_enter(FM_SERVICE_AES_GCM);

    if (ctx == NULL)
        return service_exit(FM_ERR_ARG, 0);
    if (rc == FM_OK)
        rc = gcm_ctx_live(ctx);
    if (rc == FM_OK && aad == NULL && len != 0)
        rc = FM_ERR_ARG;
    if (rc == FM_OK)
        rc = gcm_ctx_aad(c, aad, len);
    if (rc != FM_OK) {
        wipe(c, sizeof *ctx);
        return service_exit(rc, 0);
    }
    return service_exit(FM_OK, c->approved);
}

/* see fipsmod/aes.h */
int fm_aes_gcm_update(fm_aes_gcm_ctx *ctx, const uint8_t *in, uint8_t *out, size_t len)
{
    gcm_ctx_state *c = (gcm_ctx_state *)ctx;
    int rc = service_enter(FM_SERVICE_AES_GCM);

    if (ctx == NULL || (out == NULL && len != 0)) {
        if (ctx != NULL)
            wipe(c, sizeof *ctx);
        return service_exit(FM_ERR_ARG, 0);
    }
    if (rc == FM_OK)
        rc = gcm_ctx_live(ctx);
    if (rc == FM_OK && in == NULL && len != 0)
        rc = FM_ERR_ARG;
    if (rc == FM_OK)
        rc = gcm_ctx_update(c, in, out, len);
    if (rc != FM_OK) {
        wipe(c, sizeof *ctx);
        if (out != NULL)
            wipe(out, len);
        return service_exit(rc, 0);
    }
    return service_exit(FM_OK, c->approved);
}

/* see fipsmod/aes.h */
int fm_aes_gcm_encrypt_final(fm_aes_gcm_ctx *ctx, uint8_t *tag, size_t taglen)
{
    gcm_ctx_state *c = (gcm_ctx_state *)ctx;
    uint8_t full[16];
    int approved, rc = service_enter(FM_SERVICE_AES_GCM);

    if (ctx == NULL || tag == NULL) {
        if (ctx != NULL)
            wipe(c, sizeof *ctx);
        if (tag != NULL)
            wipe(tag, taglen <= FM_AES_GCM_TAG_LEN ? taglen : FM_AES_GCM_TAG_LEN);
        return service_exit(FM_ERR_ARG, 0);
    }
    if (rc == FM_OK)
        rc = gcm_ctx_live(ctx);
    if (rc == FM_OK && !c->encrypt)
        rc = FM_ERR_CONTEXT;
    if (rc == FM_OK && !gcm_tag_len_ok(taglen))
        rc = FM_ERR_LENGTH;
    if (rc == FM_OK && !gcm_tag_approved(taglen) && module_strict())
        rc = FM_ERR_NOT_APPROVED;
    if (rc != FM_OK) {
        wipe(c, sizeof *ctx);
        wipe(tag, taglen <= FM_AES_GCM_TAG_LEN ? taglen : FM_AES_GCM_TAG_LEN);
        return service_exit(rc, 0);
    }
    gcm_ctx_tag(c, full);
    copy_bytes(tag, full, taglen);
    wipe(full, sizeof full);
    approved = c->approved && gcm_tag_approved(taglen);
    wipe(c, sizeof *ctx);
    return service_exit(FM_OK, approved);
}

/* see fipsmod/aes.h */
int fm_aes_gcm_decrypt_final(fm_aes_gcm_ctx *ctx, const uint8_t *tag, size_t taglen,
                             uint8_t *pt, size_t ptlen)
{
    gcm_ctx_state *c = (gcm_ctx_state *)ctx;
    int rc = service_enter(FM_SERVICE_AES_GCM);

    if (ctx == NULL || tag == NULL || (pt == NULL && ptlen != 0)) {
        if (ctx != NULL)
            wipe(c, sizeof *ctx);
        if (pt != NULL)
            wipe(pt, ptlen);
        return service_exit(FM_ERR_ARG, 0);
    }
    if (rc == FM_OK)
        rc = gcm_ctx_live(ctx);
    if (rc == FM_OK && c->encrypt)
        rc = FM_ERR_CONTEXT;
    if (rc == FM_OK && !gcm_tag_len_ok(taglen))
        rc = FM_ERR_LENGTH;
    if (rc == FM_OK && !gcm_tag_approved(taglen) && module_strict())
        rc = FM_ERR_NOT_APPROVED;
    if (rc == FM_OK)
        rc = gcm_ctx_check(c, tag, taglen, pt, ptlen);
    else if (pt != NULL)
        wipe(pt, ptlen);
    wipe(c, sizeof *ctx);
    return service_exit(rc, gcm_tag_approved(taglen));
}

/* see fipsmod/aes.h */
int fm_aes_gcm_ctx_wipe(fm_aes_gcm_ctx *ctx)
{
    if (ctx == NULL)
        return FM_ERR_ARG;
    wipe(ctx, sizeof *ctx);
    return FM_OK;
}
