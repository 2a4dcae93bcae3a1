/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AES key wrap, SP 800-38F: KW (section 6.2) and KW with padding, KWP
 * (section 6.3), the fm_aes_kw_* and fm_aes_kwp_* services of
 * fipsmod/aes.h. Public here: fm_aes_kw_wrap, fm_aes_kw_unwrap,
 * fm_aes_kwp_wrap, fm_aes_kwp_unwrap and their "_inv" twins; everything
 * else is static.
 *
 * Section 5.1 lets either direction of the block cipher be the
 * "designated cipher function" CIPH_K of the authenticated-encryption
 * function, its inverse then serving the authenticated-decryption
 * function. The plain names use the forward cipher (KW_FORWARD: W and the
 * one-block KWP encipherment use AES encryption, W^-1 and the one-block
 * decipherment AES decryption); the _inv names use the inverse cipher
 * (KW_INVERSE: the other way round). Both are one code path, kw_w /
 * kw_w_inv and the four kw_/kwp_ service bodies taking the direction as
 * an argument; only kw_ciph looks at it. The direction is public (it is
 * which function the caller named), so that one branch is no leak. The two
 * variants do not interoperate: a key wrapped by one fails the integrity
 * check of the other's unwrap (FM_ERR_VERIFY), but for a negligible
 * chance.
 *
 * The wrapping function W (Algorithm 1) runs s = 6(n - 1) steps over n
 * semiblocks: each step applies CIPH_K to A || R_2, xors the step number
 * t into the first half to make the new A and rotates the second half into
 * the register string. It is written here in the equivalent indexed form of
 * RFC 3394 section 2.2.1 (six passes over R_2 .. R_n, the register i of
 * pass j being step t = (n - 1)j + i), which keeps every register in
 * place in the caller's output buffer, so no temporary holds more than one
 * block. W^-1 (Algorithm 2) runs the same steps backwards with CIPH_K^-1.
 * Each step depends on the one before, so each is one call to
 * aes_encrypt_blocks or aes_decrypt_blocks (per the direction) with the
 * key's implementation.
 *
 * KW-AE / KW-AD (Algorithms 3, 4): S = ICV1 || P, ICV1 = A6A6A6A6A6A6A6A6.
 * KWP-AE / KWP-AD (Algorithms 5, 6): S = ICV2 || [len(P)/8]_32 || P ||
 * 0^(8 * padlen bits), ICV2 = A65959A6, padded to whole semiblocks; a
 * padded P of one semiblock is enciphered as one block, not by W, with
 * the designated CIPH_K too (AES decryption in the inverse variant, whose
 * unwrap then uses AES encryption on that block).
 *
 * Lengths (section 5.3.1, Table 1), in bytes: KW plaintext 16 ..
 * 8(2^54 - 1), a multiple of 8; KW ciphertext 24 .. 8 * 2^54. KWP
 * plaintext 1 .. 2^32 - 1; KWP ciphertext 16 .. 2^32 + 8, a multiple of 8.
 * (Table 1 gives 2^29 semiblocks as the KWP ciphertext maximum, one less
 * than KWP-AE produces for a plaintext of 2^32 - 1 octets: 2^29 + 1. The
 * module accepts what it can produce.) Other lengths give FM_ERR_LENGTH
 * before any cipher call.
 *
 * Unwrapping is constant time with respect to the unwrapped data: the
 * ICV, the 32-bit message length indicator (MLI) of KWP, its range
 * 8(n - 2) < MLI <= 8(n - 1) and the zero padding are all checked with
 * masks over every candidate byte (the MLI is secret until it verifies,
 * so it selects the padding bytes by mask, never by index or branch). The
 * verdict is one mask, applied to the output: on failure every byte of
 * out is zeroed and FM_ERR_VERIFY returned, with no branch on the secret
 * data in between. Lengths, the step counter t and the verdict once
 * returned are public; the KEK schedule (the caller's), the registers, the
 * unwrapped key and the MLI are secret, and the one-block temporaries are
 * wiped before returning.
 *
 * All eight services are approved for AES-128/192/256 KEKs.
 */
#include "aes_internal.h"
#include "../module/ct.h"

/* Section 6.2 and 6.3: the integrity check values. */
#define KW_ICV1 UINT64_C(0xA6A6A6A6A6A6A6A6)
#define KWP_ICV2 UINT32_C(0xA65959A6)

/* Section 5.3.1, Table 1, in bytes (see the comment at the top). */
#define KW_MIN_PT 16
#define KW_MAX_PT (8 * ((UINT64_C(1) << 54) - 1))
#define KW_MIN_CT 24
#define KW_MAX_CT (8 * (UINT64_C(1) << 54))
#define KWP_MAX_PT UINT64_C(0xFFFFFFFF)
#define KWP_MIN_CT 16
#define KWP_MAX_CT ((UINT64_C(1) << 32) + 8)

static inline uint64_t kw_barrier_u64(uint64_t v)
{
    __asm__("" : "+r"(v));
    return v;
}

/* All-ones when bit is 1, zero when it is 0 (bit is 0 or 1). */
static inline uint64_t kw_mask_of_bit(uint64_t bit)
{
    return kw_barrier_u64((uint64_t)0 - bit);
}

/*
 * Section 5.1: which direction of AES is the designated cipher function
 * CIPH_K (used by W and the one-block KWP-AE); the other direction is
 * CIPH_K^-1 (W^-1, the one-block KWP-AD). Public.
 */
typedef enum { KW_FORWARD = 0, KW_INVERSE = 1 } kw_dir;

/*
 * One block b, in place, through the designated CIPH_K of dir (ciph_inv
 * 0: W and the one-block KWP-AE) or through CIPH_K^-1 (ciph_inv 1: W^-1
 * and the one-block KWP-AD). AES decryption is used exactly when one of
 * the two says "inverse". The only place the direction is looked at; both
 * arguments are public.
 */
static void kw_ciph(const aes_key_state *key, kw_dir dir, int ciph_inv, uint8_t b[16])
{
    if ((dir == KW_INVERSE) != (ciph_inv != 0))
        aes_decrypt_blocks(key, b, b, 1);
    else
        aes_encrypt_blocks(key, b, b, 1);
}

/*
 * W (Algorithm 1) over n >= 3 semiblocks: a holds A (S_1) and r holds
 * R_2 .. R_n (n - 1 semiblocks), both replaced by C. The indexed form:
 * for j = 0..5 and i = 1..n-1, B = CIPH_K(A || R_i), A = MSB_64(B) ^ [t]_64
 * with t = (n - 1)j + i, R_i = LSB_64(B). CIPH_K is AES encryption for
 * KW_FORWARD, AES decryption for KW_INVERSE.
 */
static void kw_w(const aes_key_state *key, kw_dir dir, uint8_t a[8], uint8_t *r, size_t n)
{
    uint8_t b[16];
    uint64_t t = 0;

    copy_bytes(b, a, 8);
    for (int j = 0; j < 6; j++) {
        for (size_t i = 0; i < n - 1; i++) {
            copy_bytes(b + 8, r + 8 * i, 8);
            kw_ciph(key, dir, 0, b);
            t++;
            *(unaligned_word *)b ^= HOST_TO_BE64(t);
            copy_bytes(r + 8 * i, b + 8, 8);
        }
    }
    copy_bytes(a, b, 8);
    wipe(b, sizeof b);
}

/*
 * W^-1 (Algorithm 2) over n >= 3 semiblocks, in place as kw_w: for
 * j = 5..0 and i = n-1..1, B = CIPH_K^-1((A ^ [t]_64) || R_i),
 * A = MSB_64(B), R_i = LSB_64(B), with t counting down from 6(n - 1).
 * CIPH_K^-1 is the inverse of kw_w's CIPH_K for the same dir.
 */
static void kw_w_inv(const aes_key_state *key, kw_dir dir, uint8_t a[8], uint8_t *r, size_t n)
{
    uint8_t b[16];
    uint64_t t = 6 * (uint64_t)(n - 1);

    copy_bytes(b, a, 8);
    for (int j = 0; j < 6; j++) {
        for (size_t i = n - 1; i > 0; i--) {
            *(unaligned_word *)b ^= HOST_TO_BE64(t);
            t--;
            copy_bytes(b + 8, r + 8 * (i - 1), 8);
            kw_ciph(key, dir, 1, b);
            copy_bytes(r + 8 * (i - 1), b + 8, 8);
        }
    }
    copy_bytes(a, b, 8);
    wipe(b, sizeof b);
}

/* p[0..n) &= mask, n a multiple of 8: every byte is written whatever
 * the mask, so releasing or zeroing the output takes the same path. */
static void kw_apply_mask(uint8_t *p, size_t n, uint64_t mask)
{
    for (size_t i = 0; i < n; i += 8)
        *(unaligned_word *)(p + i) &= mask;
}

/* FM_OK or FM_ERR_VERIFY from a verdict mask, without a branch. */
static int kw_verdict(uint64_t ok)
{
    uint32_t m = (uint32_t)ok;

    return (int)(m & (uint32_t)FM_OK) | (int)(~m & (uint32_t)FM_ERR_VERIFY);
}

/* Do [a, a + alen) and [b, b + blen) overlap? (Addresses are public.) */
static int kw_overlap(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;

    return alen != 0 && blen != 0 && x < y + blen && y < x + alen;
}

/*
 * Checks shared by the eight services, in the order of aes.c: state,
 * arguments, key, length, then in/out overlap (FM_ERR_ARG). outsize is
 * the output length the contract gives for this len (0 when len is
 * beyond every limit, so that nothing is written for an impossible
 * length); on failure those bytes are zeroed.
 */
static int kw_check(const fm_aes_key *key, const uint8_t *in, size_t len, uint8_t *out,
                    size_t outsize, int len_ok)
{
    int rc = service_enter(FM_SERVICE_AES_KW);

    if (out == NULL)
        return FM_ERR_ARG;
    if (rc == FM_OK && (key == NULL || (in == NULL && len != 0)))
        rc = FM_ERR_ARG;
    if (rc == FM_OK && ((const aes_key_state *)key)->magic != AES_MAGIC)
        rc = FM_ERR_CONTEXT;
    if (rc == FM_OK && !len_ok)
        rc = FM_ERR_LENGTH;
    /* Overlap is judged on lengths already known to be valid. */
    if (rc == FM_OK && kw_overlap(in, len, out, outsize))
        rc = FM_ERR_ARG;
    if (rc != FM_OK)
        wipe(out, outsize);
    return rc;
}

/*
 * The service bodies, shared by both variants: dir names the designated
 * cipher function (section 5.1). The public functions at the end only
 * bind dir.
 */
static int kw_wrap(const fm_aes_key *key, kw_dir dir, const uint8_t *in, size_t len,
                   uint8_t *out)
{
    size_t outsize = (uint64_t)len <= KW_MAX_PT ? len + 8 : 0;
    int rc;

    rc = kw_check(key, in, len, out, outsize,
                  len >= KW_MIN_PT && (uint64_t)len <= KW_MAX_PT && len % 8 == 0);
    if (rc != FM_OK)
        return service_exit(rc, 0);
    /* Algorithm 3: S = ICV1 || P, C = W(S). */
    copy_bytes(out + 8, in, len);
    store_be64(out, KW_ICV1);
    kw_w((const aes_key_state *)key, dir, out, out + 8, len / 8 + 1);
    return service_exit(FM_OK, 1);
}

static int kw_unwrap(const fm_aes_key *key, kw_dir dir, const uint8_t *in, size_t len,
                     uint8_t *out)
{
    size_t outsize = len >= 8 && (uint64_t)len <= KW_MAX_CT ? len - 8 : 0;
    uint8_t a[8], icv[8];
    uint64_t ok;
    int rc;

    rc = kw_check(key, in, len, out, outsize,
                  len >= KW_MIN_CT && (uint64_t)len <= KW_MAX_CT && len % 8 == 0);
    if (rc != FM_OK)
        return service_exit(rc, 0);
    /* Algorithm 4: S = W^-1(C); P = S_2 .. S_n if MSB_64(S) = ICV1. */
    copy_bytes(a, in, 8);
    copy_bytes(out, in + 8, len - 8);
    kw_w_inv((const aes_key_state *)key, dir, a, out, len / 8);
    store_be64(icv, KW_ICV1);
    ok = kw_mask_of_bit(ct_memeq_mask(a, icv, 8) & 1);
    wipe(a, sizeof a);
    kw_apply_mask(out, len - 8, ok);
    return service_exit(kw_verdict(ok), 1);
}

static int kwp_wrap(const fm_aes_key *key, kw_dir dir, const uint8_t *in, size_t len,
                    uint8_t *out)
{
    size_t outsize = (uint64_t)len <= KWP_MAX_PT ? FM_AES_KWP_WRAPPED_LEN(len) : 0;
    size_t padded;
    int rc;

    rc = kw_check(key, in, len, out, outsize, len >= 1 && (uint64_t)len <= KWP_MAX_PT);
    if (rc != FM_OK)
        return service_exit(rc, 0);
    /* Algorithm 5: S = ICV2 || [len(P)/8]_32 || P || 0^padlen. */
    padded = outsize - 8;
    store_be32(out, KWP_ICV2);
    store_be32(out + 4, (uint32_t)len);
    copy_bytes(out + 8, in, len);
    for (size_t i = 8 + len; i < outsize; i++)
        out[i] = 0;
    if (padded == 8)
        kw_ciph((const aes_key_state *)key, dir, 0, out); /* C = CIPH_K(S) */
    else
        kw_w((const aes_key_state *)key, dir, out, out + 8, padded / 8 + 1); /* C = W(S) */
    return service_exit(FM_OK, 1);
}

static int kwp_unwrap(const fm_aes_key *key, kw_dir dir, const uint8_t *in, size_t len,
                      uint8_t *out, size_t *outlen)
{
    const aes_key_state *st = (const aes_key_state *)key;
    size_t outsize = len >= 8 && (uint64_t)len <= KWP_MAX_CT ? len - 8 : 0;
    uint8_t a[8], b[16], icv[4];
    uint64_t ok, mli, lo, hi, pad;
    size_t n = len / 8;
    int rc;

    if (out == NULL || outlen == NULL) {
        (void)service_enter(FM_SERVICE_AES_KW);
        if (out != NULL)
            wipe(out, outsize);
        return service_exit(FM_ERR_ARG, 0);
    }
    *outlen = 0;
    rc = kw_check(key, in, len, out, outsize,
                  len >= KWP_MIN_CT && (uint64_t)len <= KWP_MAX_CT && len % 8 == 0);
    if (rc != FM_OK)
        return service_exit(rc, 0);
    /* Algorithm 6 steps 2-3: S = CIPH_K^-1(C) for n = 2, else W^-1(C). */
    if (n == 2) {
        copy_bytes(b, in, 16);
        kw_ciph(st, dir, 1, b);
        copy_bytes(a, b, 8);
        copy_bytes(out, b + 8, 8);
        wipe(b, sizeof b);
    } else {
        copy_bytes(a, in, 8);
        copy_bytes(out, in + 8, len - 8);
        kw_w_inv(st, dir, a, out, n);
    }
    /* Steps 4-6, by masks: MSB_32(S) = ICV2, 8(n-2) < MLI <= 8(n-1), and
     * the padding bytes (the last semiblock's bytes at index >= MLI) zero.
     * All values are below 2^63, so a borrow is bit 63 of a difference. */
    store_be32(icv, KWP_ICV2);
    ok = kw_mask_of_bit(ct_memeq_mask(a, icv, 4) & 1);
    mli = load_be32(a + 4);
    lo = 8 * ((uint64_t)n - 2);
    hi = 8 * ((uint64_t)n - 1);
    ok &= kw_mask_of_bit((lo - mli) >> 63);       /* lo < mli */
    ok &= ~kw_mask_of_bit((hi - mli) >> 63);      /* not hi < mli */
    pad = 0;
    for (uint64_t idx = lo; idx < hi; idx++) {
        /* The barrier hides that pos is the loop index: otherwise the
         * compiler may strength-reduce idx - mli into a new induction
         * variable and then count the loop and address out[] with it,
         * i.e. with the secret MLI (ctgrind caught GCC doing so). */
        uint64_t pos = kw_barrier_u64(idx);
        uint64_t is_pad = ~kw_mask_of_bit((pos - mli) >> 63); /* idx >= mli */
        pad |= out[idx] & is_pad;
    }
    ok &= kw_mask_of_bit(ct_is_zero_mask((uint32_t)pad) & 1);
    wipe(a, sizeof a);
    kw_apply_mask(out, len - 8, ok);
    *outlen = (size_t)(mli & ok);
    return service_exit(kw_verdict(ok), 1);
}

/* see fipsmod/aes.h */
int fm_aes_kw_wrap(const fm_aes_key *key, const uint8_t *in, size_t len, uint8_t *out)
{
    return kw_wrap(key, KW_FORWARD, in, len, out);
}

/* see fipsmod/aes.h */
int fm_aes_kw_unwrap(const fm_aes_key *key, const uint8_t *in, size_t len, uint8_t *out)
{
    return kw_unwrap(key, KW_FORWARD, in, len, out);
}

/* see fipsmod/aes.h */
int fm_aes_kwp_wrap(const fm_aes_key *key, const uint8_t *in, size_t len, uint8_t *out)
{
    return kwp_wrap(key, KW_FORWARD, in, len, out);
}

/* see fipsmod/aes.h */
int fm_aes_kwp_unwrap(const fm_aes_key *key, const uint8_t *in, size_t len, uint8_t *out,
                      size_t *outlen)
{
    return kwp_unwrap(key, KW_FORWARD, in, len, out, outlen);
}

/* see fipsmod/aes.h */
int fm_aes_kw_wrap_inv(const fm_aes_key *key, const uint8_t *in, size_t len, uint8_t *out)
{
    return kw_wrap(key, KW_INVERSE, in, len, out);
}

/* see fipsmod/aes.h */
int fm_aes_kw_unwrap_inv(const fm_aes_key *key, const uint8_t *in, size_t len, uint8_t *out)
{
    return kw_unwrap(key, KW_INVERSE, in, len, out);
}

/* see fipsmod/aes.h */
int fm_aes_kwp_wrap_inv(const fm_aes_key *key, const uint8_t *in, size_t len, uint8_t *out)
{
    return kwp_wrap(key, KW_INVERSE, in, len, out);
}

/* see fipsmod/aes.h */
int fm_aes_kwp_unwrap_inv(const fm_aes_key *key, const uint8_t *in, size_t len, uint8_t *out,
                          size_t *outlen)
{
    return kwp_unwrap(key, KW_INVERSE, in, len, out, outlen);
}
