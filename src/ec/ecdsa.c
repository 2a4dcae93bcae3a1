/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EC keys and ECDSA on P-256, P-384 and P-521 (fipsmod/ec.h): key import
 * with full public-key validation (SP 800-56A Rev. 3 5.6.2.3.3) and SEC 1
 * 2.3 point encodings, key generation by rejection sampling (FIPS 186-5
 * A.2.2) with its pairwise consistency test (FIPS 140-3 IG 10.3.A),
 * ECDSA signature generation (FIPS 186-5 6.4.1) with k by rejection
 * sampling (A.3.2) or from RFC 6979 (A.3.3), and verification (6.4.2),
 * with DER (RFC 3279 2.2.3) or IEEE P1363 signatures.
 *
 * The curve arithmetic is one instance of ec_impl.h per curve (p256.c,
 * p384.c, p521.c; P-256 has a second, p256x, on MULX/ADX); this file picks
 * the instance by a switch on the curve (no table of function pointers) and
 * does what is common: lengths, encodings, the DRBG, the digest truncation.
 *
 * Secret: d, k, the RFC 6979 HMAC key and state, every intermediate of
 * signing and key generation. Public: the curve, Q, the digest, the
 * signature, whether a candidate scalar was rejected (A.2.2/A.3.2 redraw;
 * a rejection says only that the candidate was out of range), whether r
 * or s came out zero.
 */
#include "fipsmod/ctgrind.h"

#include "p256.c"
#include "p384.c"
#include "p521.c"

#define EC_MAGIC 0x45434b59u /* "ECKY" */

typedef struct {
    uint32_t magic;                /* EC_MAGIC while loaded */
    int curve;                     /* FM_EC_P256, ... */
    int is_private;
    uint8_t d[FM_EC_MAX_BYTES];    /* the curve's byte length, big-endian */
    uint8_t qx[FM_EC_MAX_BYTES];   /* Q, validated */
    uint8_t qy[FM_EC_MAX_BYTES];
} ec_key_state;

_Static_assert(sizeof(ec_key_state) <= sizeof(fm_ec_key), "fm_ec_key too small");
_Static_assert(_Alignof(ec_key_state) <= _Alignof(fm_ec_key), "fm_ec_key misaligned");

/* ---- the curve switch -------------------------------------------------------- */

static size_t ec_bytes(int curve)
{
    return FM_EC_BYTES(curve);
}

static size_t ec_bits(int curve)
{
    return curve == FM_EC_P256 ? 256 : curve == FM_EC_P384 ? 384 : 521;
}

static int ec_point_check(int curve, const uint8_t *x, const uint8_t *y)
{
    switch (curve) {
    case FM_EC_P256: return p256_mulx_now() ? p256x_ec_point_check(x, y) : p256_ec_point_check(x, y);
    case FM_EC_P384: return p384_ec_point_check(x, y);
    default:         return p521_ec_point_check(x, y);
    }
}

static int ec_point_decompress(int curve, uint8_t *y, const uint8_t *x, int odd)
{
    switch (curve) {
    case FM_EC_P256:
        return p256_mulx_now() ? p256x_ec_point_decompress(y, x, odd)
                               : p256_ec_point_decompress(y, x, odd);
    case FM_EC_P384: return p384_ec_point_decompress(y, x, odd);
    default:         return p521_ec_point_decompress(y, x, odd);
    }
}

static void ec_mul_base(int curve, uint8_t *x, uint8_t *y, const uint8_t *k)
{
    switch (curve) {
    case FM_EC_P256:
        if (p256_mulx_now())
            p256x_ec_mul_base(x, y, k);
        else
            p256_ec_mul_base(x, y, k);
        break;
    case FM_EC_P384: p384_ec_mul_base(x, y, k); break;
    default:         p521_ec_mul_base(x, y, k); break;
    }
}

static uint64_t ec_scalar_in_range(int curve, const uint8_t *a)
{
    switch (curve) {
    case FM_EC_P256:
        return p256_mulx_now() ? p256x_ec_scalar_in_range(a) : p256_ec_scalar_in_range(a);
    case FM_EC_P384: return p384_ec_scalar_in_range(a);
    default:         return p521_ec_scalar_in_range(a);
    }
}

static int ecdsa_sign_core(int curve, uint8_t *r, uint8_t *s, const uint8_t *d, const uint8_t *k,
                           const uint8_t *e)
{
    switch (curve) {
    case FM_EC_P256:
        return p256_mulx_now() ? p256x_ecdsa_sign_core(r, s, d, k, e)
                               : p256_ecdsa_sign_core(r, s, d, k, e);
    case FM_EC_P384: return p384_ecdsa_sign_core(r, s, d, k, e);
    default:         return p521_ecdsa_sign_core(r, s, d, k, e);
    }
}

static int ecdsa_verify_core(int curve, const uint8_t *r, const uint8_t *s, const uint8_t *e,
                             const uint8_t *qx, const uint8_t *qy)
{
    switch (curve) {
    case FM_EC_P256:
        return p256_mulx_now() ? p256x_ecdsa_verify_core(r, s, e, qx, qy)
                               : p256_ecdsa_verify_core(r, s, e, qx, qy);
    case FM_EC_P384: return p384_ecdsa_verify_core(r, s, e, qx, qy);
    default:         return p521_ecdsa_verify_core(r, s, e, qx, qy);
    }
}

/* ---- scalars ---------------------------------------------------------------------- */

/*
 * A scalar in [1, n-1] by rejection sampling (FIPS 186-5 A.2.2 for d, A.3.2
 * for k, the same procedure): c = N random bits from the DRBG, retried
 * while c > n - 2, and the result c + 1. c + 1 is computed first and the
 * range test is 1 <= c + 1 <= n - 1 (c + 1 overflowing the bytes to 0
 * fails it too). Only the verdict is made public.
 */
static int ec_random_scalar(int curve, uint8_t *out)
{
    size_t len = ec_bytes(curve), excess = 8 * len - ec_bits(curve);

    for (int tries = 0; tries < 64; tries++) {
        int rc = random_generate(out, len);
        unsigned carry = 1;
        uint64_t ok;

        if (rc != FM_OK)
            return rc;
        out[0] &= (uint8_t)(0xff >> excess);
        for (size_t i = len; i-- > 0;) {
            unsigned v = out[i] + carry;
            out[i] = (uint8_t)v;
            carry = v >> 8;
        }
        ok = ec_scalar_in_range(curve, out);
        FM_PUBLIC(&ok, sizeof ok);
        if (ok)
            return FM_OK;
    }
    /* 64 rejections in a row: at most 2^-64 for these curves; a broken DRBG. */
    wipe(out, len);
    return FM_ERR_INTERNAL;
}

/*
 * e = the leftmost min(N, 8 dlen) bits of the digest as an integer (FIPS
 * 186-5 6.4.1 step 2; RFC 6979 2.3.2 bits2int), big-endian in the curve's
 * byte length.
 */
static void ecdsa_digest_to_e(int curve, uint8_t *e, const uint8_t *digest, size_t dlen)
{
    size_t len = ec_bytes(curve), bits = ec_bits(curve);

    wipe(e, len);
    if (8 * dlen <= bits) {
        copy_bytes(e + (len - dlen), digest, dlen);
        return;
    }
    /* Keep the first `bits` bits: the first len bytes, shifted right by
     * 8 len - bits (0 for P-256 and P-384; no SHA-2 digest is longer than
     * P-521's 521 bits). */
    unsigned shift = (unsigned)(8 * len - bits);
    copy_bytes(e, digest, len);
    if (shift != 0) {
        for (size_t i = len; i-- > 0;)
            e[i] = (uint8_t)((e[i] >> shift) | (i > 0 ? e[i - 1] << (8 - shift) : 0));
    }
}

/* ---- RFC 6979 ----------------------------------------------------------------------- */

/* mac = HMAC_K(a || b || c || d) with the digest's hash (NULL parts skipped). */
static void rfc6979_hmac(int hash, uint8_t *mac, const uint8_t *key, size_t klen,
                         const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                         const uint8_t *c, size_t clen, const uint8_t *d, size_t dlen)
{
    hmac_state st;

    (void)hmac_state_init(&st, hash, key, klen);
    if (alen)
        hash_state_absorb(&st.inner, a, alen);
    if (blen)
        hash_state_absorb(&st.inner, b, blen);
    if (clen)
        hash_state_absorb(&st.inner, c, clen);
    if (dlen)
        hash_state_absorb(&st.inner, d, dlen);
    hmac_state_finish(&st, mac);
}

typedef struct {
    int hash, curve;
    int drawn; /* a candidate was handed out: step h.3 comes first */
    size_t hlen;
    uint8_t k[FM_HASH_MAX_LEN], v[FM_HASH_MAX_LEN];
} rfc6979_state;

/* RFC 6979 3.2 steps b-f: the HMAC_DRBG state from x = d and h1. */
static void rfc6979_init(rfc6979_state *st, int curve, int hash, size_t hlen, const uint8_t *d,
                         const uint8_t *digest, size_t dlen)
{
    uint8_t h1[FM_EC_MAX_BYTES], sep;
    size_t len = ec_bytes(curve);

    st->hash = hash;
    st->curve = curve;
    st->drawn = 0;
    st->hlen = hlen;
    /* bits2octets(h1) = (bits2int(h1) mod n), as len octets. */
    ecdsa_digest_to_e(curve, h1, digest, dlen);
    {
        uint8_t t[FM_EC_MAX_BYTES], borrow = 0;
        /* h1 < 2^N < 2n: subtract n once if h1 >= n; the order's bytes
         * come from the curve instance (sc_to_bytes of n). */
        uint8_t nb[FM_EC_MAX_BYTES];
        switch (curve) {
        case FM_EC_P256: p256_sc_to_bytes(nb, p256_n); break;
        case FM_EC_P384: p384_sc_to_bytes(nb, p384_n); break;
        default:         p521_sc_to_bytes(nb, p521_n); break;
        }
        for (size_t i = len; i-- > 0;) {
            unsigned v = (unsigned)h1[i] - nb[i] - borrow;
            t[i] = (uint8_t)v;
            borrow = (uint8_t)((v >> 8) & 1);
        }
        /* borrow = 1: h1 < n, keep it. h1 is public (a digest). */
        if (!borrow)
            copy_bytes(h1, t, len);
    }
    for (size_t i = 0; i < hlen; i++) {
        st->v[i] = 0x01;
        st->k[i] = 0x00;
    }
    for (sep = 0; sep < 2; sep++) {
        rfc6979_hmac(hash, st->k, st->k, hlen, st->v, hlen, &sep, 1, d, len, h1, len);
        rfc6979_hmac(hash, st->v, st->k, hlen, st->v, hlen, NULL, 0, NULL, 0, NULL, 0);
    }
    wipe(h1, sizeof h1);
}

/* RFC 6979 3.2 step h: the next candidate k in [1, n-1]. After the first
 * candidate (rejected here, or because r or s came out 0), step h.3 moves
 * the state on. */
static void rfc6979_next(rfc6979_state *st, uint8_t *k)
{
    size_t bits = ec_bits(st->curve);

    for (;;) {
        uint8_t t[FM_EC_MAX_BYTES + FM_HASH_MAX_LEN], zero = 0;
        size_t tlen = 0;
        uint64_t ok;

        if (st->drawn) {
            rfc6979_hmac(st->hash, st->k, st->k, st->hlen, st->v, st->hlen, &zero, 1, NULL, 0,
                         NULL, 0);
            rfc6979_hmac(st->hash, st->v, st->k, st->hlen, st->v, st->hlen, NULL, 0, NULL, 0,
                         NULL, 0);
        }
        st->drawn = 1;
        while (8 * tlen < bits) {
            rfc6979_hmac(st->hash, st->v, st->k, st->hlen, st->v, st->hlen, NULL, 0, NULL, 0,
                         NULL, 0);
            copy_bytes(t + tlen, st->v, st->hlen);
            tlen += st->hlen;
        }
        ecdsa_digest_to_e(st->curve, k, t, tlen); /* bits2int(T): its first N bits */
        wipe(t, sizeof t);
        ok = ec_scalar_in_range(st->curve, k);
        FM_PUBLIC(&ok, sizeof ok);
        if (ok)
            return;
    }
}

/* ---- signatures ----------------------------------------------------------------------- */

/* DER of a non-negative integer given as len big-endian bytes: 02 L v,
 * minimal. Returns the length written (out NULL: only counted). */
static size_t der_put_uint(uint8_t *out, const uint8_t *v, size_t len)
{
    size_t skip = 0, n;

    while (skip + 1 < len && v[skip] == 0)
        skip++;
    n = len - skip + (v[skip] >= 0x80);
    if (out != NULL) {
        out[0] = 0x02;
        out[1] = (uint8_t)n;
        out[2] = 0;
        copy_bytes(out + 2 + (n - (len - skip)), v + skip, len - skip);
    }
    return 2 + n;
}

/* ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }; r and s public. */
static int ecdsa_sig_encode(uint8_t *sig, size_t cap, size_t *siglen, const uint8_t *r,
                            const uint8_t *s, size_t len)
{
    size_t body = der_put_uint(NULL, r, len) + der_put_uint(NULL, s, len);
    size_t hdr = body < 0x80 ? 2 : 3, off;

    if (cap < hdr + body)
        return FM_ERR_LENGTH;
    sig[0] = 0x30;
    if (hdr == 2) {
        sig[1] = (uint8_t)body;
    } else {
        sig[1] = 0x81;
        sig[2] = (uint8_t)body;
    }
    off = hdr + der_put_uint(sig + hdr, r, len);
    off += der_put_uint(sig + off, s, len);
    *siglen = off;
    return FM_OK;
}

/* One DER INTEGER at *p (within end) into len big-endian bytes: strict DER
 * (minimal length and content, non-negative, at most len bytes of value). */
static int der_get_uint(const uint8_t **p, const uint8_t *end, uint8_t *out, size_t len)
{
    const uint8_t *q = *p;
    size_t n;

    if (end - q < 2 || q[0] != 0x02 || q[1] >= 0x80)
        return FM_ERR_VERIFY; /* no long form: len + 1 <= 67 < 128 */
    n = q[1];
    q += 2;
    if (n == 0 || (size_t)(end - q) < n || (q[0] & 0x80))
        return FM_ERR_VERIFY; /* empty or negative */
    if (n > 1 && q[0] == 0 && !(q[1] & 0x80))
        return FM_ERR_VERIFY; /* not minimal */
    if (q[0] == 0) {
        q++;
        n--;
    }
    if (n > len)
        return FM_ERR_VERIFY;
    wipe(out, len);
    copy_bytes(out + (len - n), q, n);
    *p = q + n;
    return FM_OK;
}

static int ecdsa_sig_decode(const uint8_t *sig, size_t siglen, uint8_t *r, uint8_t *s, size_t len)
{
    const uint8_t *p = sig, *end = sig + siglen;
    size_t body;

    if (siglen < 2 || p[0] != 0x30)
        return FM_ERR_VERIFY;
    if (p[1] < 0x80) {
        body = p[1];
        p += 2;
    } else if (p[1] == 0x81 && siglen >= 3 && p[2] >= 0x80) {
        body = p[2];
        p += 3;
    } else {
        return FM_ERR_VERIFY; /* indefinite, non-minimal, or longer than any signature */
    }
    if ((size_t)(end - p) != body)
        return FM_ERR_VERIFY; /* truncated, or bytes after the SEQUENCE */
    if (der_get_uint(&p, end, r, len) != FM_OK || der_get_uint(&p, end, s, len) != FM_OK)
        return FM_ERR_VERIFY;
    return p == end ? FM_OK : FM_ERR_VERIFY;
}

/* ---- keys ---------------------------------------------------------------------------- */

static int ec_curve_valid(int curve)
{
    return curve == FM_EC_P256 || curve == FM_EC_P384 || curve == FM_EC_P521;
}

static int ec_ctx_check(const ec_key_state *st)
{
    if (st->magic != EC_MAGIC || !ec_curve_valid(st->curve))
        return FM_ERR_CONTEXT;
    return FM_OK;
}

/* Q from its SEC 1 encoding (2.3.4), validated. */
static int ec_import_point(ec_key_state *st, const uint8_t *pub, size_t pub_len)
{
    size_t len = ec_bytes(st->curve);

    if (pub_len == 1 + 2 * len && pub[0] == 0x04) {
        copy_bytes(st->qx, pub + 1, len);
        copy_bytes(st->qy, pub + 1 + len, len);
        return ec_point_check(st->curve, st->qx, st->qy);
    }
    if (pub_len == 1 + len && (pub[0] == 0x02 || pub[0] == 0x03)) {
        copy_bytes(st->qx, pub + 1, len);
        return ec_point_decompress(st->curve, st->qy, st->qx, pub[0] & 1);
    }
    return FM_ERR_DECODE; /* including 00, the point at infinity */
}

/* st from d (1 <= d < n checked) and, when given, Q (checked to be d G). */
static int ec_core_import(ec_key_state *st, int curve, const uint8_t *priv, size_t priv_len,
                          const uint8_t *pub, size_t pub_len)
{
    size_t len = ec_bytes(curve);
    int rc = FM_OK;

    wipe(st, sizeof *st);
    st->curve = curve;
    if (pub != NULL)
        rc = ec_import_point(st, pub, pub_len);
    if (rc == FM_OK && priv != NULL) {
        uint8_t x[FM_EC_MAX_BYTES], y[FM_EC_MAX_BYTES];
        uint64_t ok;

        /* Leading zero bytes beyond the curve's length are tolerated: they
         * are ORed together, and only the verdict is made public. */
        if (priv_len > len) {
            uint32_t extra = 0, zero;

            for (size_t i = 0; i < priv_len - len; i++)
                extra |= priv[i];
            zero = ct_is_zero_mask(extra);
            FM_PUBLIC(&zero, sizeof zero);
            if (!zero)
                return FM_ERR_KEY;
            priv += priv_len - len;
            priv_len = len;
        }
        copy_bytes(st->d + (len - priv_len), priv, priv_len);
        ok = ec_scalar_in_range(curve, st->d);
        FM_PUBLIC(&ok, sizeof ok);
        if (!ok)
            return FM_ERR_KEY;
        ec_mul_base(curve, x, y, st->d);
        FM_PUBLIC(x, len); /* Q is public */
        FM_PUBLIC(y, len);
        if (pub != NULL) {
            if (!ct_memeq_mask(x, st->qx, len) || !ct_memeq_mask(y, st->qy, len))
                rc = FM_ERR_KEY;
        } else {
            copy_bytes(st->qx, x, len);
            copy_bytes(st->qy, y, len);
        }
        st->is_private = 1;
    }
    if (rc == FM_OK && priv == NULL && pub == NULL)
        rc = FM_ERR_ARG;
    if (rc == FM_OK)
        st->magic = EC_MAGIC;
    return rc;
}

/* One signature with k from the DRBG (det == NULL) or RFC 6979. */
static int ecdsa_sign_raw(const ec_key_state *st, rfc6979_state *det, const uint8_t *e,
                          uint8_t *r, uint8_t *s)
{
    uint8_t k[FM_EC_MAX_BYTES];
    int rc;

    for (int tries = 0; tries < 64; tries++) {
        if (det != NULL) {
            rfc6979_next(det, k);
            rc = FM_OK;
        } else {
            rc = ec_random_scalar(st->curve, k);
        }
        if (rc == FM_OK)
            rc = ecdsa_sign_core(st->curve, r, s, st->d, k, e);
        wipe(k, sizeof k);
        if (rc != 1)
            return rc;
    }
    return FM_ERR_INTERNAL;
}

/*
 * The pairwise consistency test (FIPS 140-3 IG 10.3.A; FIPS 186-5 A.2.2):
 * sign a fixed digest with the new key and verify the signature with its
 * public key. FM_OK or FM_ERR_SELFTEST; the DRBG's errors pass through.
 */
static int ecdsa_pct(const ec_key_state *st)
{
    static const uint8_t digest[32] = "fipsmod ECDSA pairwise consistcy";
    uint8_t e[FM_EC_MAX_BYTES], r[FM_EC_MAX_BYTES], s[FM_EC_MAX_BYTES];
    int rc;

    ecdsa_digest_to_e(st->curve, e, digest, sizeof digest);
    rc = ecdsa_sign_raw(st, NULL, e, r, s);
    if (rc == FM_OK) {
        if (module_break("ecdsa-pct"))
            s[0] ^= 1;
        if (ecdsa_verify_core(st->curve, r, s, e, st->qx, st->qy) != FM_OK)
            rc = FM_ERR_SELFTEST;
    }
    if (rc == FM_ERR_INTERNAL)
        rc = FM_ERR_SELFTEST;
    return rc;
}

/* ---- the services ------------------------------------------------------------------- */

/* service_enter() plus the ECDSA self-tests before the first use. */
static int ec_service_enter(int service)
{
    int rc = service_enter(service);

    if (rc == FM_OK)
        rc = module_cast_ensure(CAST_ECDSA);
    return rc;
}

/* see fipsmod/ec.h */
int fm_ec_key_generate(fm_ec_key *key, int curve)
{
    ec_key_state *st = (ec_key_state *)key;
    int rc = ec_service_enter(FM_SERVICE_EC_KEYGEN);

    if (key == NULL)
        return service_exit(FM_ERR_ARG, 0);
    wipe(key, sizeof *key);
    if (rc == FM_OK && !ec_curve_valid(curve))
        rc = FM_ERR_UNSUPPORTED;
    if (rc == FM_OK) {
        size_t len = ec_bytes(curve);

        st->curve = curve;
        rc = ec_random_scalar(curve, st->d);
        if (rc == FM_OK) {
            ec_mul_base(curve, st->qx, st->qy, st->d);
            FM_PUBLIC(st->qx, len);
            FM_PUBLIC(st->qy, len);
            st->is_private = 1;
            st->magic = EC_MAGIC;
            rc = ecdsa_pct(st);
            if (rc == FM_ERR_SELFTEST)
                module_enter_error_reason(FM_ERR_SELFTEST, MODULE_REASON_ECDSA_PCT);
        }
    }
    if (rc != FM_OK)
        wipe(key, sizeof *key);
    return service_exit(rc, rc == FM_OK);
}

/* see fipsmod/ec.h */
int fm_ec_key_import(fm_ec_key *key, int curve, const uint8_t *priv, size_t priv_len,
                     const uint8_t *pub, size_t pub_len)
{
    int rc = ec_service_enter(FM_SERVICE_EC_KEY);

    if (key == NULL)
        return service_exit(FM_ERR_ARG, 0);
    wipe(key, sizeof *key); /* the whole context, as generation does */
    if (rc == FM_OK && ((priv == NULL && pub == NULL) || (priv != NULL && priv_len == 0)))
        rc = FM_ERR_ARG;
    if (rc == FM_OK && !ec_curve_valid(curve))
        rc = FM_ERR_UNSUPPORTED;
    if (rc == FM_OK)
        rc = ec_core_import((ec_key_state *)key, curve, priv, priv_len, pub, pub_len);
    if (rc != FM_OK)
        wipe(key, sizeof *key);
    return service_exit(rc, rc == FM_OK);
}

/* see fipsmod/ec.h */
int fm_ec_key_public_bytes(const fm_ec_key *key, int compressed, uint8_t *out, size_t cap,
                           size_t *len)
{
    const ec_key_state *st = (const ec_key_state *)key;
    int rc = service_enter(FM_SERVICE_EC_KEY);
    size_t n = 0;

    if (len != NULL)
        *len = 0;
    if (out == NULL || len == NULL || key == NULL) {
        if (out != NULL)
            wipe(out, cap);
        return service_exit(FM_ERR_ARG, 0);
    }
    if (rc == FM_OK)
        rc = ec_ctx_check(st);
    if (rc == FM_OK) {
        n = ec_bytes(st->curve);
        if (cap < (compressed ? 1 + n : 1 + 2 * n))
            rc = FM_ERR_LENGTH;
    }
    if (rc == FM_OK) {
        out[0] = compressed ? (uint8_t)(0x02 | (st->qy[n - 1] & 1)) : 0x04;
        copy_bytes(out + 1, st->qx, n);
        if (!compressed)
            copy_bytes(out + 1 + n, st->qy, n);
        *len = compressed ? 1 + n : 1 + 2 * n;
    } else {
        wipe(out, cap);
    }
    return service_exit(rc, rc == FM_OK);
}

/* see fipsmod/ec.h */
int fm_ec_key_private_bytes(const fm_ec_key *key, uint8_t *out, size_t len)
{
    const ec_key_state *st = (const ec_key_state *)key;
    int rc = service_enter(FM_SERVICE_EC_KEY);

    if (out == NULL || key == NULL) {
        if (out != NULL)
            wipe(out, len);
        return service_exit(FM_ERR_ARG, 0);
    }
    if (rc == FM_OK)
        rc = ec_ctx_check(st);
    if (rc == FM_OK && !st->is_private)
        rc = FM_ERR_KEY;
    if (rc == FM_OK && len != ec_bytes(st->curve))
        rc = FM_ERR_LENGTH;
    if (rc == FM_OK)
        copy_bytes(out, st->d, len);
    else
        wipe(out, len);
    return service_exit(rc, rc == FM_OK);
}

/* see fipsmod/ec.h. Like fm_rsa_key_info, it shows status: it works in
 * every state and is not a cryptographic service (no indicator). */
int fm_ec_key_info(const fm_ec_key *key, int *curve, int *is_private)
{
    const ec_key_state *st = (const ec_key_state *)key;
    int rc = key == NULL ? FM_ERR_ARG : ec_ctx_check(st);

    if (curve != NULL)
        *curve = rc == FM_OK ? st->curve : 0;
    if (is_private != NULL)
        *is_private = rc == FM_OK ? st->is_private : 0;
    return rc;
}

/* see fipsmod/ec.h */
int fm_ec_key_public(fm_ec_key *pub, const fm_ec_key *key)
{
    const ec_key_state *st = (const ec_key_state *)key;
    ec_key_state *ps = (ec_key_state *)pub;
    int rc = service_enter(FM_SERVICE_EC_KEY);

    if (pub == NULL || key == NULL) {
        if (pub != NULL)
            wipe(pub, sizeof *pub);
        return service_exit(FM_ERR_ARG, 0);
    }
    if (rc == FM_OK)
        rc = ec_ctx_check(st);
    if (rc == FM_OK) {
        if (pub != key) {
            wipe(pub, sizeof *pub); /* the whole context, as import does */
            copy_bytes(ps, st, sizeof *st);
        }
        wipe(ps->d, sizeof ps->d);
        ps->is_private = 0;
    } else {
        wipe(pub, sizeof *pub);
    }
    return service_exit(rc, rc == FM_OK);
}

/* see fipsmod/ec.h */
int fm_ec_key_wipe(fm_ec_key *key)
{
    if (key == NULL)
        return FM_ERR_ARG;
    wipe(key, sizeof *key);
    return FM_OK;
}

/* Checks shared by sign and verify. */
static int ecdsa_args(const ec_key_state *st, int hash, const uint8_t *digest, size_t dlen,
                      unsigned flags)
{
    int rc = ec_ctx_check(st);
    int hlen = hash_digest_len(hash);

    if (rc != FM_OK)
        return rc;
    if (hlen == 0)
        return FM_ERR_UNSUPPORTED;
    if (digest == NULL)
        return FM_ERR_ARG;
    if (dlen != (size_t)hlen)
        return FM_ERR_LENGTH;
    if (flags & ~(FM_ECDSA_P1363 | FM_ECDSA_DETERMINISTIC))
        return FM_ERR_ARG;
    return FM_OK;
}

/* see fipsmod/ec.h */
int fm_ecdsa_sign(const fm_ec_key *key, int hash, const uint8_t *digest, size_t dlen,
                  unsigned flags, uint8_t *sig, size_t cap, size_t *siglen)
{
    const ec_key_state *st = (const ec_key_state *)key;
    uint8_t e[FM_EC_MAX_BYTES], r[FM_EC_MAX_BYTES], s[FM_EC_MAX_BYTES];
    rfc6979_state det;
    int rc = ec_service_enter(FM_SERVICE_ECDSA_SIGN);
    size_t len = 0;

    if (siglen != NULL)
        *siglen = 0;
    if (sig == NULL || siglen == NULL || key == NULL) {
        if (sig != NULL)
            wipe(sig, cap);
        return service_exit(FM_ERR_ARG, 0);
    }
    if (rc == FM_OK)
        rc = ecdsa_args(st, hash, digest, dlen, flags);
    if (rc == FM_OK && !st->is_private)
        rc = FM_ERR_KEY;
    if (rc == FM_OK) {
        len = ec_bytes(st->curve);
        if ((flags & FM_ECDSA_P1363) && cap < 2 * len)
            rc = FM_ERR_LENGTH;
    }
    if (rc == FM_OK) {
        ecdsa_digest_to_e(st->curve, e, digest, dlen);
        if (flags & FM_ECDSA_DETERMINISTIC)
            rfc6979_init(&det, st->curve, hash, dlen, st->d, digest, dlen);
        rc = ecdsa_sign_raw(st, (flags & FM_ECDSA_DETERMINISTIC) ? &det : NULL, e, r, s);
        wipe(&det, sizeof det);
    }
    if (rc == FM_OK) {
        if (flags & FM_ECDSA_P1363) {
            copy_bytes(sig, r, len);
            copy_bytes(sig + len, s, len);
            *siglen = 2 * len;
        } else {
            rc = ecdsa_sig_encode(sig, cap, siglen, r, s, len);
        }
    }
    if (rc != FM_OK)
        wipe(sig, cap);
    return service_exit(rc, rc == FM_OK);
}

/* see fipsmod/ec.h */
int fm_ecdsa_verify(const fm_ec_key *key, int hash, const uint8_t *digest, size_t dlen,
                    unsigned flags, const uint8_t *sig, size_t siglen)
{
    const ec_key_state *st = (const ec_key_state *)key;
    uint8_t e[FM_EC_MAX_BYTES], r[FM_EC_MAX_BYTES], s[FM_EC_MAX_BYTES];
    int rc = ec_service_enter(FM_SERVICE_ECDSA_VERIFY);

    if (key == NULL || (sig == NULL && siglen != 0))
        return service_exit(FM_ERR_ARG, 0);
    if (rc == FM_OK)
        rc = ecdsa_args(st, hash, digest, dlen, flags);
    if (rc == FM_OK && (flags & FM_ECDSA_DETERMINISTIC))
        rc = FM_ERR_ARG;
    if (rc == FM_OK) {
        size_t len = ec_bytes(st->curve);

        if (flags & FM_ECDSA_P1363) {
            if (siglen != 2 * len) {
                rc = FM_ERR_VERIFY;
            } else {
                copy_bytes(r, sig, len);
                copy_bytes(s, sig + len, len);
            }
        } else {
            rc = ecdsa_sig_decode(sig, siglen, r, s, len);
        }
    }
    if (rc == FM_OK) {
        ecdsa_digest_to_e(st->curve, e, digest, dlen);
        rc = ecdsa_verify_core(st->curve, r, s, e, st->qx, st->qy);
    }
    return service_exit(rc, rc == FM_OK || rc == FM_ERR_VERIFY);
}
