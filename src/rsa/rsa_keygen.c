/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RSA key generation (FIPS 186-5 A.1.3, random probable primes), the
 * fm_rsa_generate_key service, and the pairwise consistency test that
 * follows every generation (FIPS 140-3 IG 10.3.A).
 *
 * Each prime of hbits = nlen/2 bits is drawn from the module's DRBG (the
 * one behind fm_random_bytes) with its two top bits set, so p >= 1.5 *
 * 2^(hbits-1) > sqrt(2) 2^(hbits-1) (A.1.3 step 4.4 holds for every
 * candidate), and its low bit set. A candidate is rejected (and a fresh
 * one drawn, at most 5 hbits times, step 4.7) when it is divisible by one
 * of the odd primes below 2048, when gcd(p - 1, e) != 1 (step 4.5), when
 * |p - q| <= 2^(hbits - 100) (step 5.4), or when a Miller-Rabin round says
 * composite: 5 rounds for 1024-bit primes, 4 for 1536 and 2048 (Table
 * B.1, error probabilities 2^-112, 2^-128, 2^-144 for the security
 * strengths of 2048-, 3072- and 4096-bit keys). Then d = e^-1 mod
 * lcm(p - 1, q - 1) (5.1 (b)); a d at most 2^(nlen/2) restarts the
 * generation (step 5.3). The key is assembled from its components through
 * the same import as a caller's key, so the consistency checks of
 * fm_rsa_key_import run on every generated key too, and the pairwise
 * consistency test signs and verifies before the key is released.
 *
 * Constant time. The candidates are secret until rejected: every test on
 * a candidate runs in time independent of its value (bn_mod_u32_ct,
 * bn_mod_inv_ct, bn_mod_exp_ct, masks), and only the verdict "rejected" is
 * made public, which tells nothing about the primes that are kept. Two
 * deliberate leaks about accepted primes remain, both tiny: a Miller-Rabin
 * round redraws its base b while b <= 1 or b >= w - 1 (B.3.1 step 4.2), so
 * the number of redraws, a coin of probability below 1/4, depends on w;
 * and a candidate with w - 1 divisible by 2^(RSA_MR_MAX_A + 1) is
 * rejected, so that the squarings of B.3.1 step 4.5 run a fixed
 * RSA_MR_MAX_A - 1 times whatever a is (probability 2^-33 per
 * candidate). gcd(p - 1, q - 1) and the division that makes the lcm are
 * constant time too (rsa_gcd_ct, rsa_divmod_ct).
 */
#include "bn_internal.h"
#include "fipsmod/ctgrind.h"

#define RSA_MR_MAX_A 32 /* see the top: 2^33 | w - 1 is rejected */

/* The odd primes below 2048, for trial division. */
static const uint16_t rsa_small_primes[] = {
    3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47,
    53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109,
    113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181, 191,
    193, 197, 199, 211, 223, 227, 229, 233, 239, 241, 251, 257, 263, 269,
    271, 277, 281, 283, 293, 307, 311, 313, 317, 331, 337, 347, 349, 353,
    359, 367, 373, 379, 383, 389, 397, 401, 409, 419, 421, 431, 433, 439,
    443, 449, 457, 461, 463, 467, 479, 487, 491, 499, 503, 509, 521, 523,
    541, 547, 557, 563, 569, 571, 577, 587, 593, 599, 601, 607, 613, 617,
    619, 631, 641, 643, 647, 653, 659, 661, 673, 677, 683, 691, 701, 709,
    719, 727, 733, 739, 743, 751, 757, 761, 769, 773, 787, 797, 809, 811,
    821, 823, 827, 829, 839, 853, 857, 859, 863, 877, 881, 883, 887, 907,
    911, 919, 929, 937, 941, 947, 953, 967, 971, 977, 983, 991, 997, 1009,
    1013, 1019, 1021, 1031, 1033, 1039, 1049, 1051, 1061, 1063, 1069, 1087, 1091, 1093,
    1097, 1103, 1109, 1117, 1123, 1129, 1151, 1153, 1163, 1171, 1181, 1187, 1193, 1201,
    1213, 1217, 1223, 1229, 1231, 1237, 1249, 1259, 1277, 1279, 1283, 1289, 1291, 1297,
    1301, 1303, 1307, 1319, 1321, 1327, 1361, 1367, 1373, 1381, 1399, 1409, 1423, 1427,
    1429, 1433, 1439, 1447, 1451, 1453, 1459, 1471, 1481, 1483, 1487, 1489, 1493, 1499,
    1511, 1523, 1531, 1543, 1549, 1553, 1559, 1567, 1571, 1579, 1583, 1597, 1601, 1607,
    1609, 1613, 1619, 1621, 1627, 1637, 1657, 1663, 1667, 1669, 1693, 1697, 1699, 1709,
    1721, 1723, 1733, 1741, 1747, 1753, 1759, 1777, 1783, 1787, 1789, 1801, 1811, 1823,
    1831, 1847, 1861, 1867, 1871, 1873, 1877, 1879, 1889, 1901, 1907, 1913, 1931, 1933,
    1949, 1951, 1973, 1979, 1987, 1993, 1997, 1999, 2003, 2011, 2017, 2027, 2029, 2039,
};

/* Miller-Rabin rounds for a prime of hbits bits (FIPS 186-5 Table B.1). */
static size_t rsa_mr_rounds(size_t hbits)
{
    return hbits <= 1024 ? 5 : 4;
}

/* Largest prime: 2048 bits for RSA-4096. */
#define RSA_GEN_MAX_HALF (4096 / 128)

/* Work area of one Miller-Rabin test. */
typedef struct {
    bn_mont_ctx mw;
    uint64_t wm1[RSA_GEN_MAX_HALF], m[RSA_GEN_MAX_HALF], b[RSA_GEN_MAX_HALF];
    uint64_t z[RSA_GEN_MAX_HALF], one_m[RSA_GEN_MAX_HALF], wm1_m[RSA_GEN_MAX_HALF];
    uint64_t exp[BN_EXP_SCRATCH_LIMBS(RSA_GEN_MAX_HALF)];
    uint8_t buf[8 * RSA_GEN_MAX_HALF];
} rsa_mr_work;

/*
 * Miller-Rabin (FIPS 186-5 B.3.1) on the odd w of hl limbs (top bit set):
 * *probable = 1 when every round passes. FM_OK, or the DRBG's error.
 */
static int rsa_miller_rabin(const uint64_t *w, size_t hl, size_t rounds, int *probable,
                            rsa_mr_work *x)
{
    uint64_t a, big_a, pass, one[RSA_GEN_MAX_HALF];
    int rc = FM_OK;

    *probable = 0;
    if (bn_mont_init(&x->mw, w, hl, bn_impl_now()) != FM_OK)
        return FM_ERR_INTERNAL;
    /* Step 1-2: w - 1 = 2^a m. */
    bn_copy(x->wm1, w, hl);
    (void)bn_sub_word(x->wm1, x->wm1, hl, 1);
    a = bn_ctz_ct(x->wm1, hl);
    bn_rshift_ct(x->m, x->wm1, hl, (size_t)a);
    big_a = bn_mask_lt(RSA_MR_MAX_A, a);
    FM_PUBLIC(&big_a, sizeof big_a);
    if (big_a)
        return FM_OK; /* rejected: see the top */
    bn_set_word(one, hl, 1);
    bn_to_mont(x->one_m, one, &x->mw);
    bn_to_mont(x->wm1_m, x->wm1, &x->mw);
    for (size_t r = 0; r < rounds; r++) {
        /* Step 4.1-4.2: b of wlen bits, 1 < b < w - 1. */
        for (;;) {
            uint64_t bad;

            rc = random_generate(x->buf, 8 * hl);
            if (rc != FM_OK)
                return rc;
            (void)bn_from_be(x->b, hl, x->buf, 8 * hl);
            bad = ~bn_lt_mask(x->b, x->wm1, hl) | bn_is_zero_mask(x->b, hl) |
                  bn_eq_word_mask(x->b, hl, 1);
            FM_PUBLIC(&bad, sizeof bad);
            if (!bad)
                break;
        }
        /* Step 4.3-4.5: z = b^m; pass if z = 1, or z^(2^j) = w - 1 for
         * some 0 <= j < a. All RSA_MR_MAX_A - 1 squarings run. */
        bn_mod_exp_ct(x->z, x->b, x->m, 64 * hl, &x->mw, x->exp);
        bn_to_mont(x->z, x->z, &x->mw);
        pass = bn_eq_mask(x->z, x->one_m, hl) | bn_eq_mask(x->z, x->wm1_m, hl);
        for (uint64_t j = 1; j < RSA_MR_MAX_A; j++) {
            bn_mont_sqr(x->z, x->z, &x->mw);
            /* The barrier keeps j - a from becoming the loop's induction
             * variable (the exit test would then compare secrets). */
            pass |= bn_mask_lt(bn_barrier(j), a) & bn_eq_mask(x->z, x->wm1_m, hl);
        }
        FM_PUBLIC(&pass, sizeof pass);
        if (!pass)
            return FM_OK; /* composite */
    }
    *probable = 1;
    return FM_OK;
}

/*
 * A random probable prime p of hbits bits for public exponent e (el
 * limbs), far enough from other (NULL for the first prime): FIPS 186-5
 * A.1.3 steps 4 and 5. FM_OK, FM_ERR_INTERNAL when 5 hbits candidates all
 * fail (step 4.7), or the DRBG's error.
 */
static int rsa_gen_prime(uint64_t *p, size_t hbits, const uint64_t *e, size_t el,
                         const uint64_t *other, rsa_mr_work *x)
{
    size_t hl = hbits / 64;
    uint64_t t[RSA_GEN_MAX_HALF], ep[RSA_GEN_MAX_HALF], reject;
    int rc = FM_OK, probable = 0;

    bn_zero(ep, hl);
    bn_copy(ep, e, el);
    for (size_t i = 0; i < 5 * hbits; i++) {
        rc = random_generate(x->buf, 8 * hl);
        if (rc != FM_OK)
            break;
        (void)bn_from_be(p, hl, x->buf, 8 * hl);
        p[hl - 1] |= (uint64_t)3 << 62; /* step 4.4: p >= sqrt(2) 2^(hbits-1) */
        p[0] |= 1;
        if (other != NULL) {
            /* Step 5.4: |p - q| > 2^(hbits - 100). */
            uint64_t borrow = bn_sub(t, p, other, hl), neg = (uint64_t)0 - borrow;
            uint64_t zero[RSA_GEN_MAX_HALF] = { 0 };

            (void)bn_sub(zero, zero, t, hl);
            bn_cselect(neg, t, zero, t, hl);
            reject = bn_lt_pow2_mask(t, hl, hbits - 100);
            wipe(zero, sizeof zero);
            FM_PUBLIC(&reject, sizeof reject);
            if (reject)
                continue;
        }
        /* Trial division: the rejection is public, a kept prime passes
         * every division. */
        reject = 0;
        for (size_t j = 0; j < sizeof rsa_small_primes / sizeof rsa_small_primes[0]; j++) {
            uint64_t r = bn_mod_u32_ct(p, hl, rsa_small_primes[j]);

            reject = bn_mask_zero(r);
            FM_PUBLIC(&reject, sizeof reject);
            if (reject)
                break;
        }
        if (reject)
            continue;
        /* Step 4.5: gcd(p - 1, e) = 1, i.e. e is invertible mod p - 1. */
        bn_copy(x->wm1, p, hl);
        (void)bn_sub_word(x->wm1, x->wm1, hl, 1);
        reject = ~bn_mod_inv_ct(t, ep, x->wm1, hl);
        FM_PUBLIC(&reject, sizeof reject);
        if (reject)
            continue;
        /* Step 4.5.1 / 5.5.1: Miller-Rabin. */
        rc = rsa_miller_rabin(p, hl, rsa_mr_rounds(hbits), &probable, x);
        if (rc != FM_OK || probable)
            break;
    }
    wipe(t, sizeof t);
    if (rc == FM_OK && !probable)
        rc = FM_ERR_INTERNAL;
    if (rc != FM_OK)
        bn_zero(p, hl);
    return rc;
}

/*
 * q and r of a = q m + r for m != 0 (mn limbs, any parity): binary long
 * division as rsa_mod_ct, keeping the quotient bits (q: an limbs, may be
 * NULL). Constant time. t: 2 (mn + 1) limbs.
 */
static void rsa_divmod_ct(uint64_t *q, uint64_t *r, const uint64_t *a, size_t an,
                          const uint64_t *m, size_t mn, uint64_t *t)
{
    uint64_t *acc = t, *sub = t + mn + 1;

    bn_zero(acc, mn + 1);
    if (q != NULL)
        bn_zero(q, an);
    for (size_t i = 64 * an; i-- > 0;) {
        uint64_t bit = (a[i / 64] >> (i % 64)) & 1, borrow, ge;

        bn_shl1(acc, acc, mn + 1);
        acc[0] |= bit;
        borrow = bn_sub(sub, acc, m, mn);
        borrow = bn_sub_word(sub + mn, acc + mn, 1, borrow);
        ge = bn_mask_zero(borrow);
        bn_cselect(ge, acc, sub, acc, mn + 1);
        if (q != NULL)
            q[i / 64] |= (ge & 1) << (i % 64);
    }
    bn_copy(r, acc, mn);
    wipe(t, 2 * (mn + 1) * sizeof *t);
}

/*
 * g = gcd(a, b) for a, b of n limbs, not both zero: the common power of
 * two 2^k is taken out (bn_ctz_ct, bn_rshift_ct), then binary GCD with a
 * kept odd, 128 n iterations whatever the values (each one takes at least
 * one bit off a b, so b reaches 0 and a is the odd part of the gcd), then
 * 2^k is put back one masked doubling at a time. Constant time. a and b
 * are overwritten; t holds 2 n limbs.
 */
static void rsa_gcd_ct(uint64_t *g, uint64_t *a, uint64_t *b, size_t n, uint64_t *t)
{
    uint64_t za = bn_ctz_ct(a, n), zb = bn_ctz_ct(b, n), k;
    uint64_t *d = t, *neg = t + n;

    k = bn_sel(bn_mask_lt(za, zb), za, zb);
    bn_rshift_ct(a, a, n, (size_t)k);
    bn_rshift_ct(b, b, n, (size_t)k);
    bn_cswap(~bn_mask_bit(a[0]), a, b, n); /* a odd */
    for (size_t i = 0; i < 128 * n; i++) {
        /* If b is odd: (a, b) = (b, a - b) when b < a, else b = b - a.
         * Then b (even) is halved. */
        uint64_t odd = bn_mask_bit(b[0]);
        uint64_t borrow = (uint64_t)0 - bn_sub(d, b, a, n);

        bn_zero(neg, n);
        (void)bn_sub(neg, neg, d, n);
        bn_cselect(borrow, d, neg, d, n);       /* d = |b - a| */
        bn_cselect(odd & borrow, a, b, a, n);   /* a = min(a, b) when b odd */
        bn_cselect(odd, b, d, b, n);
        (void)bn_shr1(b, b, n, 0);
    }
    bn_copy(g, a, n);
    for (uint64_t i = 0; i < 64 * n; i++) {
        bn_copy(d, g, n);
        (void)bn_shl1(d, d, n);
        bn_cselect(bn_mask_lt(bn_barrier(i), k), g, d, g, n); /* see rsa_miller_rabin */
    }
    wipe(t, 2 * n * sizeof *t);
}

/* Work area of rsa_core_generate. */
typedef struct {
    rsa_mr_work mr;
    uint64_t p[RSA_GEN_MAX_HALF], q[RSA_GEN_MAX_HALF];
    uint64_t pm1[2 * RSA_GEN_MAX_HALF], qm1[2 * RSA_GEN_MAX_HALF], g[2 * RSA_GEN_MAX_HALF];
    uint64_t n[2 * RSA_GEN_MAX_HALF], phi[2 * RSA_GEN_MAX_HALF], lcm[2 * RSA_GEN_MAX_HALF];
    uint64_t e[2 * RSA_GEN_MAX_HALF], d[2 * RSA_GEN_MAX_HALF];
    uint64_t dp[RSA_GEN_MAX_HALF], dq[RSA_GEN_MAX_HALF], qinv[RSA_GEN_MAX_HALF];
    uint64_t t[4 * RSA_GEN_MAX_HALF + 4];
    uint8_t bytes[8][FM_RSA_MAX_BYTES / 2 + 8]; /* the components, big-endian */
} rsa_gen_work;

/*
 * The pairwise consistency test (FIPS 140-3 IG 10.3.A, FIPS 186-5 5.2):
 * sign a fixed SHA-256 digest with PKCS#1 v1.5 (rsa_private, which also
 * checks its result with e) and verify the signature with the public
 * operation. FM_OK or FM_ERR_SELFTEST; the DRBG's errors pass through.
 */
static int rsa_pct(rsa_key_state *st)
{
    static const uint8_t digest[32] = "fipsmod RSA pairwise consistency";
    uint8_t em[FM_RSA_MAX_BYTES];
    uint64_t x[BN_MAX_LIMBS], y[BN_MAX_LIMBS], v[BN_MAX_LIMBS];
    int rc = rsa_emsa_pkcs1_encode(FM_SHA256, digest, sizeof digest, em, st->k);

    if (rc == FM_OK) {
        (void)bn_from_be(x, st->nl, em, st->k);
        rc = rsa_private(st, y, x);
        if (rc == FM_ERR_INTERNAL)
            rc = FM_ERR_SELFTEST;
    }
    if (rc == FM_OK) {
        uint64_t ok;

        /* Test-only build: FIPSMOD_BREAK=rsa-pct makes the test fail. */
        if (module_break("rsa-pct"))
            y[0] ^= 1;
        rsa_public(st, v, y);
        ok = bn_eq_mask(v, x, st->nl);
        FM_PUBLIC(&ok, sizeof ok);
        if (!ok)
            rc = FM_ERR_SELFTEST;
    }
    wipe(em, sizeof em);
    wipe(x, sizeof x);
    wipe(y, sizeof y);
    wipe(v, sizeof v);
    return rc;
}

/* Generate into st (see the top of the file). bits 2048, 3072 or 4096. */
static int rsa_core_generate(rsa_key_state *st, size_t bits, uint64_t e, rsa_gen_work *w)
{
    size_t hbits = bits / 2, hl = hbits / 64, nl = bits / 64;
    fm_rsa_components c;
    int rc = FM_OK;

    for (int attempt = 0; attempt < 8; attempt++) {
        uint64_t small_d;

        rc = rsa_gen_prime(w->p, hbits, &e, 1, NULL, &w->mr);
        if (rc == FM_OK)
            rc = rsa_gen_prime(w->q, hbits, &e, 1, w->p, &w->mr);
        if (rc != FM_OK)
            break;
        /* n = p q, lcm = (p - 1)(q - 1) / gcd(p - 1, q - 1). */
        bn_mul(w->n, w->p, w->q, hl);
        FM_PUBLIC(w->n, nl * sizeof *w->n); /* the modulus is public */
        bn_zero(w->pm1, nl);
        bn_zero(w->qm1, nl);
        bn_copy(w->pm1, w->p, hl);
        bn_copy(w->qm1, w->q, hl);
        (void)bn_sub_word(w->pm1, w->pm1, hl, 1);
        (void)bn_sub_word(w->qm1, w->qm1, hl, 1);
        bn_mul(w->phi, w->pm1, w->qm1, hl);
        rsa_gcd_ct(w->g, w->pm1, w->qm1, hl, w->t); /* pm1, qm1 overwritten */
        rsa_divmod_ct(w->lcm, w->t + 2 * hl + 2, w->phi, nl, w->g, hl, w->t);
        /* d = e^-1 mod lcm (e is odd, so the inverse exists exactly when
         * gcd(e, lcm) = 1, which the gcd(p - 1, e) checks ensured). */
        bn_set_word(w->e, nl, e);
        small_d = ~bn_mod_inv_ct(w->d, w->e, w->lcm, nl);
        /* 5.1 (b) / A.1.3 step 5.3: d > 2^(nlen/2). */
        small_d |= bn_lt_pow2_mask(w->d, nl, hbits + 1);
        FM_PUBLIC(&small_d, sizeof small_d);
        if (small_d) {
            rc = FM_ERR_INTERNAL;
            continue;
        }
        /* dp, dq, qinv. */
        bn_copy(w->pm1, w->p, hl);
        bn_copy(w->qm1, w->q, hl);
        (void)bn_sub_word(w->pm1, w->pm1, hl, 1);
        (void)bn_sub_word(w->qm1, w->qm1, hl, 1);
        rsa_divmod_ct(NULL, w->dp, w->d, nl, w->pm1, hl, w->t);
        rsa_divmod_ct(NULL, w->dq, w->d, nl, w->qm1, hl, w->t);
        (void)bn_mod_inv_ct(w->qinv, w->q, w->p, hl);
        /* Through the import, with its checks. */
        bn_to_be(w->bytes[0], 2 * 8 * hl, w->n, nl);
        bn_to_be(w->bytes[1], 8, &e, 1);
        bn_to_be(w->bytes[2], 2 * 8 * hl, w->d, nl);
        bn_to_be(w->bytes[3], 8 * hl, w->p, hl);
        bn_to_be(w->bytes[4], 8 * hl, w->q, hl);
        bn_to_be(w->bytes[5], 8 * hl, w->dp, hl);
        bn_to_be(w->bytes[6], 8 * hl, w->dq, hl);
        bn_to_be(w->bytes[7], 8 * hl, w->qinv, hl);
        c = (fm_rsa_components){
            .n = w->bytes[0], .n_len = 16 * hl, .e = w->bytes[1], .e_len = 8,
            .d = w->bytes[2], .d_len = 16 * hl, .p = w->bytes[3], .p_len = 8 * hl,
            .q = w->bytes[4], .q_len = 8 * hl, .dp = w->bytes[5], .dp_len = 8 * hl,
            .dq = w->bytes[6], .dq_len = 8 * hl, .qinv = w->bytes[7], .qinv_len = 8 * hl,
        };
        rc = rsa_core_import(st, &c);
        if (rc == FM_ERR_KEY)
            rc = FM_ERR_INTERNAL; /* a generated key that fails the checks: a fault */
        break;
    }
    if (rc == FM_OK)
        rc = rsa_pct(st);
    wipe(w, sizeof *w);
    if (rc != FM_OK)
        wipe(st, sizeof *st);
    return rc;
}

/* see fipsmod/rsa.h */
int fm_rsa_generate_key(fm_rsa_key *key, size_t bits, uint64_t e)
{
    int rc = rsa_service_enter(FM_SERVICE_RSA_KEYGEN);

    if (key == NULL)
        return service_exit(FM_ERR_ARG, 0);
    wipe(key, sizeof *key);
    if (e == 0)
        e = 65537;
    if (rc == FM_OK && bits != 2048 && bits != 3072 && bits != 4096)
        rc = FM_ERR_LENGTH;
    /* FIPS 186-5 5.1 (a): odd, 2^16 < e < 2^256 (here below 2^64). */
    if (rc == FM_OK && ((e & 1) == 0 || e <= 65536))
        rc = FM_ERR_KEY;
    if (rc == FM_OK) {
        rsa_gen_work w;

        rc = rsa_core_generate((rsa_key_state *)key, bits, e, &w);
        if (rc == FM_ERR_SELFTEST)
            module_enter_error_reason(FM_ERR_SELFTEST, MODULE_REASON_RSA_PCT);
    }
    return service_exit(rc, 1);
}
