/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RSA keys and operations (fipsmod/rsa.h): key import and export with the
 * consistency checks, the public operation RSAEP/RSAVP1 and the private
 * operation RSADP/RSASP1 (RFC 8017 5.1, 5.2; SP 800-56Br2 7.1), and the
 * services built on them: RSASSA-PKCS1-v1_5 and RSASSA-PSS signatures
 * (FIPS 186-5 5.4, 5.5; RFC 8017 8.1, 8.2), RSA-OAEP (RFC 8017 7.1; SP
 * 800-56Br2 7.2.2) and raw RSADP. The encodings are rsa_pad.c's, the
 * arithmetic bn.c's; key generation is rsa_keygen.c.
 *
 * The private operation (rsa_private):
 *   - base blinding: x is multiplied by A = r^e mod n before the
 *     exponentiation and the result by Ai = r^-1 mod n after it, for a
 *     random r that the key keeps (blind_a, blind_ai). Each use squares
 *     both (r -> r^2), under a lock in the key, so no two operations use
 *     the same pair; the pair is drawn afresh from the DRBG at import,
 *     at generation, and in a child process after fork (the key records
 *     the fork generation of its pair). Drawing needs a modular inverse
 *     (bn_mod_inv_ct), about as costly as a signature, so it is not done
 *     per call;
 *   - CRT (RFC 8017 5.1.2 step 2b): m1 = c^dp mod p, m2 = c^dq mod q,
 *     h = qinv (m1 - m2) mod p, m = m2 + q h, each exponentiation a
 *     constant-time fixed-window one (bn_mod_exp_ct);
 *   - a check before anything is released: m^e mod n must give back the
 *     blinded input. A fault in one CRT half (Boneh-DeMillo-Lipton) would
 *     otherwise hand out a signature from which gcd(s^e - m, n) = p; on a
 *     mismatch the output is zeroed and the error is FM_ERR_INTERNAL.
 *
 * Secret: d, p, q, dp, dq, qinv, the blinding pair, the input of a
 * decryption and every intermediate of the private operation, OAEP's
 * decoded block. Public: n, e, every length (modulus bits, limbs of p and
 * q, the byte length of each component as given), the padding, the hash,
 * a signature and a message representative of verification, whether a key
 * is consistent (the import result), whether the fault check passed.
 * Minimal-length export reads the bit length of each component, which DER
 * makes public anyway.
 */
#include "bn_internal.h"
#include "fipsmod/ctgrind.h"

#define RSA_MAGIC 0x52534131u /* "RSA1" */
#define RSA_HALF_LIMBS (BN_MAX_LIMBS / 2)
#define RSA_E_LIMBS 4 /* e < 2^256 */

typedef struct {
    uint32_t magic;          /* RSA_MAGIC while loaded */
    uint32_t is_private;
    uint32_t blind_lock;     /* fork_safe_lock (entropy.c) over blind_* */
    uint32_t e_approved;     /* 2^16 < e < 2^256 */
    uint32_t use_ifma;       /* CRT exponentiations on AVX-512 IFMA (chosen at import) */
    uint64_t blind_gen;      /* fork generation the blinding pair belongs to */
    size_t bits, nl, k;      /* modulus bits, limbs, bytes */
    size_t pl, ql;           /* limbs of p and q */
    size_t el;               /* limbs of e */
    uint64_t e[RSA_E_LIMBS];
    bn_mont_ctx mn;          /* n */
    /* private keys only */
    uint64_t d[BN_MAX_LIMBS];
    bn_mont_ctx mp, mq;      /* p, q */
    uint64_t dp[RSA_HALF_LIMBS], dq[RSA_HALF_LIMBS], qinv[RSA_HALF_LIMBS];
    uint64_t blind_a[BN_MAX_LIMBS], blind_ai[BN_MAX_LIMBS]; /* r^e, r^-1 mod n */
} rsa_key_state;

_Static_assert(sizeof(rsa_key_state) <= sizeof(fm_rsa_key), "fm_rsa_key too small");
_Static_assert(_Alignof(rsa_key_state) <= _Alignof(fm_rsa_key), "fm_rsa_key misaligned");

/* ---- helpers -------------------------------------------------------------------- */

/* Length of in[0..len) without its leading zero bytes, counted with
 * masks; the count is then public (the byte length of a component is
 * visible in any of its encodings). */
static size_t rsa_strip_len(const uint8_t *in, size_t len, const uint8_t **start)
{
    uint64_t zeros = 0, leading = ~(uint64_t)0;

    for (size_t i = 0; i < len; i++) {
        leading &= bn_mask_zero(in[i]);
        zeros += leading & 1;
    }
    FM_PUBLIC(&zeros, sizeof zeros);
    *start = in + zeros;
    return len - (size_t)zeros;
}

/*
 * r[0..mn) = a[0..an) mod m[0..mn) (m != 0, any parity), by binary long
 * division: one conditional subtraction per bit of a, all under masks.
 * Constant time; O(64 an * mn). For the moduli p - 1 and q - 1, which
 * Montgomery arithmetic cannot take. t: 2 (mn + 1) limbs of work area.
 */
static void rsa_mod_ct(uint64_t *r, const uint64_t *a, size_t an, const uint64_t *m, size_t mn,
                       uint64_t *t)
{
    uint64_t *acc = t, *sub = t + mn + 1;

    bn_zero(acc, mn + 1);
    for (size_t i = 64 * an; i-- > 0;) {
        uint64_t bit = (a[i / 64] >> (i % 64)) & 1, borrow;

        /* acc < m, so 2 acc + bit < 2m fits in mn + 1 limbs. */
        bn_shl1(acc, acc, mn + 1);
        acc[0] |= bit;
        borrow = bn_sub(sub, acc, m, mn);
        borrow = bn_sub_word(sub + mn, acc + mn, 1, borrow);
        bn_cselect(bn_mask_zero(borrow), acc, sub, acc, mn + 1);
    }
    bn_copy(r, acc, mn);
    wipe(t, 2 * (mn + 1) * sizeof *t);
}

/* r[0..n) = in (big-endian, len bytes); FM_OK, or FM_ERR_KEY when it
 * does not fit in n limbs. */
static int rsa_load(uint64_t *r, size_t n, const uint8_t *in, size_t len)
{
    int rc = bn_from_be(r, n, in, len);

    FM_PUBLIC(&rc, sizeof rc); /* whether a component fits is public */
    return rc == FM_OK ? FM_OK : FM_ERR_KEY;
}

/*
 * r = a mod m for a of any length alen (public) and the modulus of c (n
 * limbs): Horner over n-limb chunks from the top, r = (r R + chunk) mod m,
 * each step one bn_mod_reduce of 2n limbs. For the CRT reductions of keys
 * whose primes are not of equal size (bn_mod_reduce alone takes up to 2n
 * limbs). Constant time.
 */
static void rsa_reduce(uint64_t *r, const uint64_t *a, size_t alen, const bn_mont_ctx *c)
{
    uint64_t t[2 * RSA_HALF_LIMBS];
    size_t n = c->n, chunks = (alen + n - 1) / n;

    if (alen <= 2 * n) {
        bn_mod_reduce(r, a, alen, c);
        return;
    }
    bn_zero(r, n);
    for (size_t i = chunks; i-- > 0;) {
        size_t lo = i * n, len = alen - lo < n ? alen - lo : n;

        bn_zero(t, n);
        bn_copy(t, a + lo, len);
        bn_copy(t + n, r, n);
        bn_mod_reduce(r, t, 2 * n, c);
    }
    wipe(t, sizeof t);
}

/* ---- the blinding pair ----------------------------------------------------------- */

/*
 * Draw a fresh pair: r uniform-ish in [1, n) from the DRBG (k + 8 bytes
 * reduced mod n: the bias is below 2^-64), A = r^e, Ai = r^-1. An r
 * without an inverse (a multiple of p or q: probability about 2^-1000) is
 * drawn again. FM_OK, FM_ERR_ENTROPY or FM_ERR_STATE. Blinding lock held
 * (or the key not yet shared).
 */
static int rsa_blind_new(rsa_key_state *st)
{
    uint8_t buf[FM_RSA_MAX_BYTES + 8];
    uint64_t wide[BN_MAX_LIMBS + 1 + BN_MAX_LIMBS], r[BN_MAX_LIMBS];
    size_t nl = st->nl;
    int rc = FM_OK;

    for (int tries = 0; tries < 8; tries++) {
        uint64_t ok;

        rc = random_generate(buf, st->k + 8);
        if (rc != FM_OK)
            break;
        bn_zero(wide, 2 * nl);
        (void)bn_from_be(wide, 2 * nl, buf, st->k + 8);
        bn_mod_reduce(r, wide, 2 * nl, &st->mn);
        ok = bn_mod_inv_ct(st->blind_ai, r, st->mn.m, nl) & ~bn_is_zero_mask(r, nl);
        FM_PUBLIC(&ok, sizeof ok); /* r is thrown away when it fails */
        if (ok) {
            bn_mod_exp_vartime(st->blind_a, r, st->e, st->el, &st->mn);
            st->blind_gen = fm_glue_fork_generation();
            break;
        }
        rc = FM_ERR_INTERNAL;
    }
    wipe(buf, sizeof buf);
    wipe(wide, sizeof wide);
    wipe(r, sizeof r);
    return rc;
}

/*
 * The next pair into a, ai (nl limbs each): the stored pair, which is then
 * squared for the next caller. FM_OK or an error of rsa_blind_new.
 */
static int rsa_blind_take(rsa_key_state *st, uint64_t *a, uint64_t *ai)
{
    int rc = FM_OK;

    fork_safe_lock(&st->blind_lock);
    /* A pair inherited across fork would be shared with the parent. */
    if (st->blind_gen != fm_glue_fork_generation() ||
        fm_glue_fork_generation() == GLUE_FORK_UNKNOWN)
        rc = rsa_blind_new(st);
    if (rc == FM_OK) {
        bn_copy(a, st->blind_a, st->nl);
        bn_copy(ai, st->blind_ai, st->nl);
        bn_mod_mul(st->blind_a, st->blind_a, st->blind_a, &st->mn);
        bn_mod_mul(st->blind_ai, st->blind_ai, st->blind_ai, &st->mn);
    }
    fork_safe_unlock(&st->blind_lock);
    return rc;
}

/* ---- the RSA primitives -------------------------------------------------------------- */

/* y = x^e mod n (x < n), the public operation; variable time in e only. */
static void rsa_public(const rsa_key_state *st, uint64_t *y, const uint64_t *x)
{
    bn_mod_exp_vartime(y, x, st->e, st->el, &st->mn);
}

/* Work area of rsa_private, on the stack: one exponentiation's scratch
 * for the larger prime and a few n-sized values. */
typedef struct {
    uint64_t a[BN_MAX_LIMBS], ai[BN_MAX_LIMBS];  /* blinding pair */
    uint64_t xb[BN_MAX_LIMBS];                   /* blinded input */
    uint64_t m1[RSA_HALF_LIMBS], m2[RSA_HALF_LIMBS], h[RSA_HALF_LIMBS];
    uint64_t y[2 * RSA_HALF_LIMBS + 1];          /* q h + m2 */
    uint64_t chk[BN_MAX_LIMBS];                  /* y^e */
    uint64_t exp[BN_EXP_SCRATCH_LIMBS(RSA_HALF_LIMBS) > BN_IFMA_EXP2_SCRATCH_LIMBS(BN_IFMA_MAX_LIMBS)
                     ? BN_EXP_SCRATCH_LIMBS(RSA_HALF_LIMBS)
                     : BN_IFMA_EXP2_SCRATCH_LIMBS(BN_IFMA_MAX_LIMBS)];
} rsa_private_work;

/*
 * y = x^d mod n (x < n) with CRT, blinding and the check described at the
 * top. FM_OK; FM_ERR_INTERNAL when the check fails (y zeroed);
 * FM_ERR_ENTROPY / FM_ERR_STATE from a new blinding pair.
 */
static int rsa_private(rsa_key_state *st, uint64_t *y, const uint64_t *x)
{
    rsa_private_work w;
    size_t nl = st->nl, pl = st->pl, ql = st->ql;
    uint64_t ok;
    int rc;

    rc = rsa_blind_take(st, w.a, w.ai);
    if (rc != FM_OK) {
        wipe(&w, sizeof w);
        bn_zero(y, nl);
        return rc;
    }
    bn_mod_mul(w.xb, x, w.a, &st->mn);
    /* m1 = (xb mod p)^dp mod p, m2 = (xb mod q)^dq mod q; on IFMA the two
     * run interleaved (two independent chains keep its pipeline full). */
    rsa_reduce(w.m1, w.xb, nl, &st->mp);
    rsa_reduce(w.m2, w.xb, nl, &st->mq);
    if (st->use_ifma) {
        bn_ifma_mod_exp2_ct(w.m1, w.m1, st->dp, &st->mp, w.m2, w.m2, st->dq, &st->mq, 64 * pl,
                            w.exp);
    } else {
        bn_mod_exp_ct(w.m1, w.m1, st->dp, 64 * pl, &st->mp, w.exp);
        bn_mod_exp_ct(w.m2, w.m2, st->dq, 64 * ql, &st->mq, w.exp);
    }
    /* h = qinv (m1 - m2 mod p) mod p */
    rsa_reduce(w.h, w.m2, ql, &st->mp);
    bn_mod_sub(w.h, w.m1, w.h, st->mp.m, pl);
    bn_mod_mul(w.h, w.h, st->qinv, &st->mp);
    /* y = m2 + q h < p q = n */
    bn_mul_wide(w.y, w.h, pl, st->mq.m, ql);
    w.y[pl + ql] = 0;
    (void)bn_add_into(w.y, pl + ql + 1, w.m2, ql);
    /* The fault check: y^e = xb. */
    rsa_public(st, w.chk, w.y);
    ok = bn_eq_mask(w.chk, w.xb, nl);
    FM_PUBLIC(&ok, sizeof ok);
    if (ok) { /* a fault is public */
        bn_mod_mul(y, w.y, w.ai, &st->mn);
    } else {
        bn_zero(y, nl);
        rc = FM_ERR_INTERNAL;
    }
    wipe(&w, sizeof w);
    return rc;
}

/*
 * The self-test key (selftest.c): st from the components of a known-good
 * 2048-bit key, without the checks of the import and with the blinding
 * pair r = 1 (A = Ai = 1), so the known-answer test is deterministic and
 * cheap; implementation impl. Everything else is the production path.
 */
static void rsa_selftest_key(rsa_key_state *st, int impl, int ifma, const uint8_t n[256],
                             const uint8_t d[256], const uint8_t p[128], const uint8_t q[128],
                             const uint8_t dp[128], const uint8_t dq[128],
                             const uint8_t qinv[128])
{
    uint64_t t[BN_MAX_LIMBS];

    wipe(st, sizeof *st);
    st->bits = 2048;
    st->nl = 32;
    st->k = 256;
    st->pl = st->ql = 16;
    st->el = 1;
    st->e[0] = 65537;
    st->e_approved = 1;
    (void)bn_from_be(t, 32, n, 256);
    (void)bn_mont_init(&st->mn, t, 32, impl);
    (void)bn_from_be(st->d, 32, d, 256);
    (void)bn_from_be(t, 16, p, 128);
    (void)bn_mont_init(&st->mp, t, 16, impl);
    (void)bn_from_be(t, 16, q, 128);
    (void)bn_mont_init(&st->mq, t, 16, impl);
    (void)bn_from_be(st->dp, 16, dp, 128);
    (void)bn_from_be(st->dq, 16, dq, 128);
    (void)bn_from_be(st->qinv, 16, qinv, 128);
    bn_set_word(st->blind_a, 32, 1);
    bn_set_word(st->blind_ai, 32, 1);
    st->blind_gen = fm_glue_fork_generation();
    st->is_private = 1;
    st->use_ifma = (uint32_t)ifma;
    st->magic = RSA_MAGIC;
    wipe(t, sizeof t);
}

/* ---- import, export ---------------------------------------------------------------------- */

/* Work area of rsa_core_import. */
typedef struct {
    uint64_t t[2 * BN_MAX_LIMBS + 2];
    uint64_t pm1[RSA_HALF_LIMBS], r[RSA_HALF_LIMBS];
    uint64_t div[2 * (RSA_HALF_LIMBS + 1)];
} rsa_import_work;

/*
 * The private-key checks of fm_rsa_key_import for prime m (mont ctx mc,
 * ml limbs) and its CRT exponent dm: dm = d mod (m - 1) and e dm = 1 mod
 * (m - 1). Returns a mask, all-ones when both hold.
 */
static uint64_t rsa_check_crt(const rsa_key_state *st, const bn_mont_ctx *mc, size_t ml,
                              const uint64_t *dm, rsa_import_work *w)
{
    uint64_t ok;

    bn_copy(w->pm1, mc->m, ml);
    (void)bn_sub_word(w->pm1, w->pm1, ml, 1);
    rsa_mod_ct(w->r, st->d, st->nl, w->pm1, ml, w->div);
    ok = bn_eq_mask(w->r, dm, ml);
    bn_mul_wide(w->t, dm, ml, st->e, st->el);
    rsa_mod_ct(w->r, w->t, ml + st->el, w->pm1, ml, w->div);
    ok &= bn_eq_word_mask(w->r, ml, 1);
    return ok;
}

/* Load a key (see fm_rsa_key_import); st is zeroed on failure. */
static int rsa_core_import(rsa_key_state *st, const fm_rsa_components *c)
{
    const uint8_t *np, *ep, *dp, *pp, *qp, *dpp, *dqp, *qip;
    size_t nlen = rsa_strip_len(c->n, c->n_len, &np);
    size_t elen = rsa_strip_len(c->e, c->e_len, &ep);
    rsa_import_work w;
    uint64_t n[BN_MAX_LIMBS], ok;
    int rc;

    wipe(st, sizeof *st);
    if (nlen == 0 || nlen > FM_RSA_MAX_BYTES)
        return FM_ERR_LENGTH;
    if (bn_from_be(n, BN_LIMBS(8 * nlen), np, nlen) != FM_OK)
        return FM_ERR_LENGTH;
    st->nl = BN_LIMBS(8 * nlen);
    st->bits = bn_bit_length_vartime(n, st->nl);
    st->nl = BN_LIMBS(st->bits);
    st->k = (st->bits + 7) / 8;
    if (st->bits < FM_RSA_MIN_BITS || st->bits > FM_RSA_MAX_BITS)
        return FM_ERR_LENGTH;
    /* n odd; e odd, 3 <= e < 2^256 (and so e < n). */
    if ((n[0] & 1) == 0 || elen == 0 || elen > 8 * RSA_E_LIMBS)
        return FM_ERR_KEY;
    st->el = BN_LIMBS(8 * elen);
    (void)bn_from_be(st->e, st->el, ep, elen);
    if ((st->e[0] & 1) == 0 || (st->el == 1 && st->e[0] < 3))
        return FM_ERR_KEY;
    st->e_approved = st->el > 1 || st->e[0] > 65536;
    rc = bn_mont_init_vartime(&st->mn, n, st->nl, bn_impl_now()); /* n is public */
    if (rc != FM_OK) {
        wipe(st, sizeof *st);
        return FM_ERR_KEY;
    }
    if (c->d == NULL && c->p == NULL && c->q == NULL && c->dp == NULL && c->dq == NULL &&
        c->qinv == NULL) {
        st->magic = RSA_MAGIC;
        return FM_OK;
    }
    if (c->d == NULL || c->p == NULL || c->q == NULL || c->dp == NULL || c->dq == NULL ||
        c->qinv == NULL) {
        wipe(st, sizeof *st);
        return FM_ERR_ARG;
    }

    /* Private: the limb counts come from the byte lengths (public). */
    /* p and q set the limb counts; d, dp, dq and qinv are loaded into
     * fixed ones (the loads check, under masks, that they fit). */
    size_t plen = rsa_strip_len(c->p, c->p_len, &pp);
    size_t qlen = rsa_strip_len(c->q, c->q_len, &qp);
    size_t dlen = c->d_len, dplen = c->dp_len, dqlen = c->dq_len, qilen = c->qinv_len;

    dp = c->d;
    dpp = c->dp;
    dqp = c->dq;
    qip = c->qinv;
    uint64_t p[RSA_HALF_LIMBS], q[RSA_HALF_LIMBS];

    st->pl = BN_LIMBS(8 * plen);
    st->ql = BN_LIMBS(8 * qlen);
    rc = FM_OK;
    if (dlen == 0 || plen == 0 || qlen == 0 || dplen == 0 || dqlen == 0 || qilen == 0)
        rc = FM_ERR_KEY;
    else if (st->pl > RSA_HALF_LIMBS || st->ql > RSA_HALF_LIMBS || 4 * st->pl < st->nl ||
             4 * st->ql < st->nl)
        rc = FM_ERR_UNSUPPORTED; /* very unbalanced primes (see fipsmod/rsa.h) */
    else if (st->pl + st->ql < st->nl)
        rc = FM_ERR_KEY;         /* p q cannot reach n */
    if (rc == FM_OK)
        rc = rsa_load(st->d, st->nl, dp, dlen);
    if (rc == FM_OK)
        rc = rsa_load(p, st->pl, pp, plen);
    if (rc == FM_OK)
        rc = rsa_load(q, st->ql, qp, qlen);
    if (rc == FM_OK)
        rc = rsa_load(st->dp, st->pl, dpp, dplen);
    if (rc == FM_OK)
        rc = rsa_load(st->dq, st->ql, dqp, dqlen);
    if (rc == FM_OK)
        rc = rsa_load(st->qinv, st->pl, qip, qilen);
    /* p, q odd with a nonzero top limb (their lengths were stripped). */
    if (rc == FM_OK && (bn_mont_init(&st->mp, p, st->pl, st->mn.impl) != FM_OK ||
                        bn_mont_init(&st->mq, q, st->ql, st->mn.impl) != FM_OK))
        rc = FM_ERR_KEY;
    if (rc == FM_OK) {
        /* n = p q; d < n; p, q > 1; dp < p, dq < q, qinv < p; the CRT
         * exponents and qinv right. All under masks; the verdict is
         * public. */
        bn_mul_wide(w.t, p, st->pl, q, st->ql);
        bn_zero(n + st->nl, st->pl + st->ql - st->nl);
        ok = bn_eq_mask(w.t, n, st->pl + st->ql);
        ok &= bn_lt_mask(st->d, st->mn.m, st->nl);
        ok &= ~bn_eq_word_mask(p, st->pl, 1) & ~bn_eq_word_mask(q, st->ql, 1);
        ok &= bn_lt_mask(st->dp, p, st->pl) & bn_lt_mask(st->dq, q, st->ql);
        ok &= bn_lt_mask(st->qinv, p, st->pl);
        ok &= rsa_check_crt(st, &st->mp, st->pl, st->dp, &w);
        ok &= rsa_check_crt(st, &st->mq, st->ql, st->dq, &w);
        rsa_reduce(w.r, q, st->ql, &st->mp);
        bn_mod_mul(w.r, w.r, st->qinv, &st->mp);
        ok &= bn_eq_word_mask(w.r, st->pl, 1);
        FM_PUBLIC(&ok, sizeof ok);
        if (!ok)
            rc = FM_ERR_KEY;
    }
    if (rc == FM_OK) {
        st->is_private = 1;
        /* The implementation is chosen once, as for every context. */
        st->use_ifma = st->pl == st->ql && bn_ifma_available(st->pl);
        rc = rsa_blind_new(st);
    }
    wipe(&w, sizeof w);
    wipe(p, sizeof p);
    wipe(q, sizeof q);
    if (rc != FM_OK) {
        wipe(st, sizeof *st);
        return rc;
    }
    st->magic = RSA_MAGIC;
    return FM_OK;
}

static int rsa_ctx_check(const rsa_key_state *st)
{
    if (st->magic != RSA_MAGIC || st->bits < FM_RSA_MIN_BITS || st->bits > FM_RSA_MAX_BITS ||
        st->nl != BN_LIMBS(st->bits) || st->mn.n != st->nl || st->el == 0 ||
        st->el > RSA_E_LIMBS || st->is_private > 1 || st->use_ifma > 1 ||
        (st->is_private && (st->pl > RSA_HALF_LIMBS || st->ql > RSA_HALF_LIMBS ||
                            st->mp.n != st->pl || st->mq.n != st->ql)))
        return FM_ERR_CONTEXT;
    return FM_OK;
}

/*
 * Append a[0..n) at its minimal big-endian length to buf at *off; *p and
 * *len describe it. FM_ERR_LENGTH when cap is exceeded.
 */
static int rsa_put(uint8_t *buf, size_t cap, size_t *off, const uint64_t *a, size_t n,
                   const uint8_t **p, size_t *len)
{
    size_t bytes = (bn_bit_length_vartime(a, n) + 7) / 8;

    if (bytes == 0)
        bytes = 1;
    if (cap - *off < bytes)
        return FM_ERR_LENGTH;
    bn_to_be(buf + *off, bytes, a, n);
    *p = buf + *off;
    *len = bytes;
    *off += bytes;
    return FM_OK;
}

/* service_enter() plus the RSA self-tests before the first use
 * (module_cast_ensure). */
static int rsa_service_enter(int service)
{
    int rc = service_enter(service);

    if (rc == FM_OK)
        rc = module_cast_ensure(CAST_RSA);
    return rc;
}

/* ---- the services ------------------------------------------------------------------------- */

/* see fipsmod/rsa.h */
int fm_rsa_key_import(fm_rsa_key *key, const fm_rsa_components *c)
{
    int rc = service_enter(FM_SERVICE_RSA_KEY);

    if (key == NULL)
        return service_exit(FM_ERR_ARG, 0);
    if (rc == FM_OK && (c == NULL || c->n == NULL || c->e == NULL))
        rc = FM_ERR_ARG;
    if (rc == FM_OK)
        rc = rsa_core_import((rsa_key_state *)key, c);
    if (rc != FM_OK)
        wipe(key, sizeof *key);
    return service_exit(rc, 1);
}

/* see fipsmod/rsa.h */
int fm_rsa_key_export(const fm_rsa_key *key, int private_parts, uint8_t *buf, size_t cap,
                      fm_rsa_components *c)
{
    const rsa_key_state *st = (const rsa_key_state *)key;
    size_t off = 0;
    int rc = service_enter(FM_SERVICE_RSA_KEY);

    if (c != NULL)
        wipe(c, sizeof *c);
    if (key == NULL || buf == NULL || c == NULL) {
        if (buf != NULL)
            wipe(buf, cap);
        return service_exit(FM_ERR_ARG, 0);
    }
    if (rc == FM_OK)
        rc = rsa_ctx_check(st);
    if (rc == FM_OK && private_parts && !st->is_private)
        rc = FM_ERR_KEY;
    if (rc == FM_OK)
        rc = rsa_put(buf, cap, &off, st->mn.m, st->nl, &c->n, &c->n_len);
    if (rc == FM_OK)
        rc = rsa_put(buf, cap, &off, st->e, st->el, &c->e, &c->e_len);
    if (rc == FM_OK && private_parts) {
        rc = rsa_put(buf, cap, &off, st->d, st->nl, &c->d, &c->d_len);
        if (rc == FM_OK)
            rc = rsa_put(buf, cap, &off, st->mp.m, st->pl, &c->p, &c->p_len);
        if (rc == FM_OK)
            rc = rsa_put(buf, cap, &off, st->mq.m, st->ql, &c->q, &c->q_len);
        if (rc == FM_OK)
            rc = rsa_put(buf, cap, &off, st->dp, st->pl, &c->dp, &c->dp_len);
        if (rc == FM_OK)
            rc = rsa_put(buf, cap, &off, st->dq, st->ql, &c->dq, &c->dq_len);
        if (rc == FM_OK)
            rc = rsa_put(buf, cap, &off, st->qinv, st->pl, &c->qinv, &c->qinv_len);
    }
    if (rc != FM_OK) {
        wipe(buf, cap);
        wipe(c, sizeof *c);
    }
    return service_exit(rc, 1);
}

/* see fipsmod/rsa.h */
int fm_rsa_key_info(const fm_rsa_key *key, size_t *bits, int *is_private)
{
    const rsa_key_state *st = (const rsa_key_state *)key;
    int rc = FM_OK;

    if (key == NULL || bits == NULL || is_private == NULL)
        rc = FM_ERR_ARG;
    if (rc == FM_OK)
        rc = rsa_ctx_check(st);
    if (bits != NULL)
        *bits = rc == FM_OK ? st->bits : 0;
    if (is_private != NULL)
        *is_private = rc == FM_OK ? (int)st->is_private : 0;
    return rc;
}

/* see fipsmod/rsa.h */
int fm_rsa_key_public(fm_rsa_key *pub, const fm_rsa_key *key)
{
    const rsa_key_state *st = (const rsa_key_state *)key;
    rsa_key_state *ps = (rsa_key_state *)pub;
    int rc = service_enter(FM_SERVICE_RSA_KEY);

    if (pub == NULL || key == NULL) {
        if (pub != NULL)
            wipe(pub, sizeof *pub);
        return service_exit(FM_ERR_ARG, 0);
    }
    if (rc == FM_OK)
        rc = rsa_ctx_check(st);
    if (rc != FM_OK) {
        wipe(pub, sizeof *pub);
        return service_exit(rc, 0);
    }
    if (pub != key) {
        wipe(pub, sizeof *pub);
        ps->bits = st->bits;
        ps->nl = st->nl;
        ps->k = st->k;
        ps->el = st->el;
        ps->e_approved = st->e_approved;
        bn_copy(ps->e, st->e, RSA_E_LIMBS);
        copy_bytes(&ps->mn, &st->mn, sizeof ps->mn); /* no struct copy: it may become memcpy */
        ps->magic = RSA_MAGIC;
    } else if (ps->is_private) {
        /* In place: wipe everything private. */
        size_t from = (size_t)((uint8_t *)&ps->d - (uint8_t *)ps);
        wipe((uint8_t *)ps + from, sizeof *ps - from);
        ps->is_private = 0;
        ps->pl = ps->ql = 0;
        ps->blind_gen = 0;
    }
    return service_exit(FM_OK, 1);
}

/* see fipsmod/rsa.h */
int fm_rsa_key_wipe(fm_rsa_key *key)
{
    if (key == NULL)
        return FM_ERR_ARG;
    wipe(key, sizeof *key);
    return FM_OK;
}

/* The hash length of a SHA-2 id, 0 for anything else. */
static size_t rsa_hash_len(int hash)
{
    return (size_t)hash_digest_len(hash);
}

/*
 * *slen = the PSS salt length for a request (FM_RSA_PSS_SALT_*;
 * RSA_PSS_SALT_AUTO for "any" when verifying); emlen = ceil((bits - 1) /
 * 8). FM_OK, or FM_ERR_LENGTH for a length the key cannot take or a
 * request that does not fit the operation.
 */
static int rsa_pss_salt(size_t saltlen, size_t hlen, size_t emlen, int sign, size_t *slen)
{
    *slen = 0;
    if (emlen < hlen + 2)
        return FM_ERR_LENGTH;
    if (saltlen == FM_RSA_PSS_SALT_DIGEST)
        saltlen = hlen;
    else if (saltlen == FM_RSA_PSS_SALT_MAX && sign)
        saltlen = emlen - hlen - 2;
    else if (saltlen == FM_RSA_PSS_SALT_AUTO && !sign) {
        *slen = RSA_PSS_SALT_AUTO;
        return FM_OK;
    }
    if (saltlen > emlen - hlen - 2)
        return FM_ERR_LENGTH;
    *slen = saltlen;
    return FM_OK;
}

/* Checks common to sign and verify. FM_OK or an error. */
static int rsa_sig_check(const rsa_key_state *st, int padding, int hash, const uint8_t *digest,
                         size_t dlen, size_t siglen)
{
    int rc = rsa_ctx_check(st);

    if (rc != FM_OK)
        return rc;
    if (padding != FM_RSA_PKCS1 && padding != FM_RSA_PSS)
        return FM_ERR_ARG;
    if (rsa_hash_len(hash) == 0)
        return FM_ERR_UNSUPPORTED;
    if (digest == NULL)
        return FM_ERR_ARG;
    if (dlen != rsa_hash_len(hash) || siglen != st->k)
        return FM_ERR_LENGTH;
    return FM_OK;
}

/* see fipsmod/rsa.h */
int fm_rsa_sign(fm_rsa_key *key, int padding, int hash, const uint8_t *digest, size_t dlen,
                size_t saltlen, uint8_t *sig, size_t siglen)
{
    rsa_key_state *st = (rsa_key_state *)key;
    uint8_t em[FM_RSA_MAX_BYTES], salt[FM_RSA_MAX_BYTES];
    uint64_t x[BN_MAX_LIMBS], y[BN_MAX_LIMBS];
    size_t hlen = rsa_hash_len(hash), slen = 0, emlen;
    int approved, rc = rsa_service_enter(FM_SERVICE_RSA_SIGN);

    if (sig == NULL)
        return service_exit(FM_ERR_ARG, 0);
    if (key == NULL) {
        wipe(sig, siglen);
        return service_exit(FM_ERR_ARG, 0);
    }
    if (rc != FM_OK)
        wipe(key, sizeof *key); /* refused in the error state */
    if (rc == FM_OK)
        rc = rsa_sig_check(st, padding, hash, digest, dlen, siglen);
    if (rc == FM_OK && !st->is_private)
        rc = FM_ERR_KEY;
    emlen = rc == FM_OK ? (st->bits - 1 + 7) / 8 : 0;
    if (rc == FM_OK && padding == FM_RSA_PSS)
        rc = rsa_pss_salt(saltlen, hlen, emlen, 1, &slen);
    /* FIPS 186-5 5.4 (g): sLen <= hLen; 2048 bits and more for signing. */
    approved = rc == FM_OK && st->bits >= 2048 && st->e_approved &&
               (padding == FM_RSA_PKCS1 || slen <= hlen);
    if (rc == FM_OK && !approved && module_strict())
        rc = FM_ERR_NOT_APPROVED;
    if (rc == FM_OK && slen != 0)
        rc = random_generate(salt, slen);
    if (rc == FM_OK) {
        wipe(em, st->k);
        if (padding == FM_RSA_PKCS1)
            rc = rsa_emsa_pkcs1_encode(hash, digest, dlen, em, st->k);
        else /* EM of emLen bytes, right-aligned in k (RFC 8017 8.1.1 step 2a) */
            rc = rsa_emsa_pss_encode(hash, digest, dlen, salt, slen, em + (st->k - emlen),
                                     emlen, st->bits - 1);
    }
    if (rc == FM_OK) {
        (void)bn_from_be(x, st->nl, em, st->k);
        /* PKCS#1 v1.5 (leading 0x00) and PSS (top bits cleared) give x < n. */
        rc = rsa_private(st, y, x);
    }
    if (rc == FM_OK)
        bn_to_be(sig, siglen, y, st->nl);
    else
        wipe(sig, siglen);
    wipe(em, sizeof em);
    wipe(salt, sizeof salt);
    wipe(x, sizeof x);
    wipe(y, sizeof y);
    return service_exit(rc, approved);
}

/* see fipsmod/rsa.h */
int fm_rsa_verify(const fm_rsa_key *key, int padding, int hash, const uint8_t *digest,
                  size_t dlen, size_t saltlen, const uint8_t *sig, size_t siglen)
{
    const rsa_key_state *st = (const rsa_key_state *)key;
    uint8_t em[FM_RSA_MAX_BYTES];
    uint64_t s[BN_MAX_LIMBS], m[BN_MAX_LIMBS];
    size_t hlen = rsa_hash_len(hash), slen = 0, emlen;
    int approved, rc = rsa_service_enter(FM_SERVICE_RSA_VERIFY);

    if (key == NULL || sig == NULL)
        return service_exit(FM_ERR_ARG, 0);
    if (rc == FM_OK)
        rc = rsa_sig_check(st, padding, hash, digest, dlen, siglen);
    emlen = rc == FM_OK ? (st->bits - 1 + 7) / 8 : 0;
    if (rc == FM_OK && padding == FM_RSA_PSS)
        rc = rsa_pss_salt(saltlen, hlen, emlen, 0, &slen);
    /* Any salt length (AUTO) cannot be known to be <= hLen: not approved. */
    approved = rc == FM_OK && st->bits >= 1024 && st->e_approved &&
               (padding == FM_RSA_PKCS1 || slen <= hlen);
    if (rc == FM_OK && !approved && module_strict())
        rc = FM_ERR_NOT_APPROVED;
    if (rc == FM_OK) {
        /* RFC 8017 8.2.2 / 8.1.2 step 2: s < n, else "invalid signature". */
        (void)bn_from_be(s, st->nl, sig, siglen);
        if (!bn_lt_mask(s, st->mn.m, st->nl))
            rc = FM_ERR_VERIFY;
    }
    if (rc == FM_OK) {
        rsa_public(st, m, s);
        bn_to_be(em, st->k, m, st->nl);
        if (padding == FM_RSA_PKCS1)
            rc = rsa_emsa_pkcs1_verify(hash, digest, dlen, em, st->k);
        else if (emlen < st->k && em[0] != 0)
            rc = FM_ERR_VERIFY; /* the bits above emBits (8.1.2 step 2c) */
        else
            rc = rsa_emsa_pss_verify(hash, digest, dlen, em + (st->k - emlen), emlen,
                                     st->bits - 1, slen);
        if (rc != FM_OK)
            rc = FM_ERR_VERIFY;
    }
    wipe(em, sizeof em);
    return service_exit(rc, approved);
}

/* see fipsmod/rsa.h */
int fm_rsa_oaep_encrypt(const fm_rsa_key *key, int hash, const uint8_t *label, size_t llen,
                        const uint8_t *msg, size_t mlen, uint8_t *out, size_t outlen)
{
    const rsa_key_state *st = (const rsa_key_state *)key;
    uint8_t em[FM_RSA_MAX_BYTES], seed[FM_SHA512_LEN];
    uint64_t x[BN_MAX_LIMBS], y[BN_MAX_LIMBS];
    size_t hlen = rsa_hash_len(hash);
    int approved, rc = rsa_service_enter(FM_SERVICE_RSA_OAEP);

    if (out == NULL)
        return service_exit(FM_ERR_ARG, 0);
    if (key == NULL || (label == NULL && llen != 0) || (msg == NULL && mlen != 0)) {
        wipe(out, outlen);
        return service_exit(FM_ERR_ARG, 0);
    }
    if (rc == FM_OK)
        rc = rsa_ctx_check(st);
    if (rc == FM_OK && hlen == 0)
        rc = FM_ERR_UNSUPPORTED;
    if (rc == FM_OK && outlen != st->k)
        rc = FM_ERR_LENGTH;
    approved = rc == FM_OK && st->bits >= 2048 && st->e_approved;
    if (rc == FM_OK && !approved && module_strict())
        rc = FM_ERR_NOT_APPROVED;
    if (rc == FM_OK)
        rc = random_generate(seed, hlen);
    if (rc == FM_OK)
        rc = rsa_eme_oaep_encode(hash, label, llen, msg, mlen, seed, hlen, em, st->k);
    if (rc == FM_OK) {
        (void)bn_from_be(x, st->nl, em, st->k); /* leading 0x00: x < n */
        rsa_public(st, y, x);
        bn_to_be(out, outlen, y, st->nl);
    } else {
        wipe(out, outlen);
    }
    wipe(em, sizeof em);
    wipe(seed, sizeof seed);
    wipe(x, sizeof x);
    wipe(y, sizeof y);
    return service_exit(rc, approved);
}

/* see fipsmod/rsa.h */
int fm_rsa_oaep_decrypt(fm_rsa_key *key, int hash, const uint8_t *label, size_t llen,
                        const uint8_t *in, size_t inlen, uint8_t *out, size_t cap,
                        size_t *outlen)
{
    rsa_key_state *st = (rsa_key_state *)key;
    uint8_t em[FM_RSA_MAX_BYTES];
    uint64_t x[BN_MAX_LIMBS], y[BN_MAX_LIMBS];
    int approved, rc = rsa_service_enter(FM_SERVICE_RSA_OAEP);

    if (outlen != NULL)
        *outlen = 0;
    if (out == NULL && cap != 0)
        return service_exit(FM_ERR_ARG, 0);
    if (key == NULL || outlen == NULL || in == NULL || (label == NULL && llen != 0)) {
        wipe(out, cap);
        return service_exit(FM_ERR_ARG, 0);
    }
    if (rc != FM_OK)
        wipe(key, sizeof *key); /* refused in the error state */
    if (rc == FM_OK)
        rc = rsa_ctx_check(st);
    if (rc == FM_OK && !st->is_private)
        rc = FM_ERR_KEY;
    if (rc == FM_OK && rsa_hash_len(hash) == 0)
        rc = FM_ERR_UNSUPPORTED;
    if (rc == FM_OK && inlen != st->k)
        rc = FM_ERR_DECRYPT; /* RFC 8017 7.1.2 step 1b */
    approved = rc == FM_OK && st->bits >= 2048 && st->e_approved;
    if (rc == FM_OK && !approved && module_strict())
        rc = FM_ERR_NOT_APPROVED;
    if (rc == FM_OK) {
        /* The ciphertext is public: c >= n is a decryption error. */
        (void)bn_from_be(x, st->nl, in, inlen);
        if (!bn_lt_mask(x, st->mn.m, st->nl))
            rc = FM_ERR_DECRYPT;
    }
    if (rc == FM_OK)
        rc = rsa_private(st, y, x);
    if (rc == FM_OK) {
        bn_to_be(em, st->k, y, st->nl);
        rc = rsa_eme_oaep_decode(hash, label, llen, em, st->k, out, cap, outlen);
        /* The verdict and the length are the caller's to see. */
        FM_PUBLIC(&rc, sizeof rc);
        FM_PUBLIC(outlen, sizeof *outlen);
    } else {
        wipe(out, cap);
    }
    wipe(em, sizeof em);
    wipe(x, sizeof x);
    wipe(y, sizeof y);
    return service_exit(rc, approved);
}

/* see fipsmod/rsa.h */
int fm_rsa_decrypt_primitive(fm_rsa_key *key, const uint8_t *in, size_t inlen, uint8_t *out,
                             size_t outlen)
{
    rsa_key_state *st = (rsa_key_state *)key;
    uint64_t x[BN_MAX_LIMBS], y[BN_MAX_LIMBS], nm1[BN_MAX_LIMBS];
    int approved, rc = rsa_service_enter(FM_SERVICE_RSA_PRIMITIVE);

    if (out == NULL)
        return service_exit(FM_ERR_ARG, 0);
    if (key == NULL || in == NULL) {
        wipe(out, outlen);
        return service_exit(FM_ERR_ARG, 0);
    }
    if (rc != FM_OK)
        wipe(key, sizeof *key); /* refused in the error state */
    if (rc == FM_OK)
        rc = rsa_ctx_check(st);
    if (rc == FM_OK && !st->is_private)
        rc = FM_ERR_KEY;
    if (rc == FM_OK && (inlen != st->k || outlen != st->k))
        rc = FM_ERR_LENGTH;
    approved = rc == FM_OK && st->bits >= 2048 && st->e_approved;
    if (rc == FM_OK && !approved && module_strict())
        rc = FM_ERR_NOT_APPROVED;
    if (rc == FM_OK) {
        /* SP 800-56Br2 7.1.2 step 1: 1 < c < n - 1 (c is public). */
        (void)bn_from_be(x, st->nl, in, inlen);
        bn_copy(nm1, st->mn.m, st->nl);
        (void)bn_sub_word(nm1, nm1, st->nl, 1);
        if (!bn_lt_mask(x, nm1, st->nl) || bn_is_zero_mask(x, st->nl) ||
            bn_eq_word_mask(x, st->nl, 1))
            rc = FM_ERR_ARG;
    }
    if (rc == FM_OK)
        rc = rsa_private(st, y, x);
    if (rc == FM_OK)
        bn_to_be(out, outlen, y, st->nl);
    else
        wipe(out, outlen);
    wipe(x, sizeof x);
    wipe(y, sizeof y);
    return service_exit(rc, approved);
}
