/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit test of the RSA big-integer layer (src/rsa/bn.c, bn_mulx.c),
 * cross-checked against OpenSSL's BIGNUM (BN_mod_mul_montgomery,
 * BN_from_montgomery, BN_mod_exp, BN_mod_inverse, BN_mod, BN_mod_word, ...)
 * on random and edge-case inputs (zero, m - 1, e = 0 and 1, moduli 2^k - 1,
 * all-ones and sparse limbs, the smallest top limbs), for limb counts 1 to
 * 128 and for every Montgomery implementation the CPU has (the MULX one is
 * skipped, with a message, without BMI2 and ADX). Then, for information,
 * timings against OpenSSL (--no-bench skips them).
 *
 * The module is one translation unit, so the test includes it (and the bn
 * sources, should module.c not include them) and reaches the static
 * functions directly. Build and run from the repository root, after
 * `make -j2` (for the glue and platform objects):
 *
 *   gcc -std=c11 -Wall -Wextra -Werror -O2 -g -Iinclude -o build/bn_test \
 *       tests/unit/bn_test.c build/obj/module_glue.o build/obj/platform.o \
 *       -lcrypto -lpthread && ./build/bn_test [seed] [--no-bench]
 *
 * The same with clang (add -gdwarf-4 for valgrind 3.19). With
 * -DBN_GENERIC_C the generic C fallbacks (no x86 intrinsics, no DIV, no
 * MULX) are tested on x86-64 too. Exit status 0 when every check passed.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include "../../src/module/module.c"
#ifndef FIPSMOD_RSA_BN_INTERNAL_H
#include "../../src/rsa/bn.c"
#include "../../src/rsa/bn_mulx.c"
#endif

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/err.h>

const unsigned char fm_module_start[1], fm_module_end[1];

/* ---- test plumbing ------------------------------------------------------- */

static unsigned long n_checks, n_fail;
static const char *cur_impl = "-";

#define CHECK(cond, ...) check_((cond) != 0, __FILE__, __LINE__, __VA_ARGS__)

static int check_(int ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int check_(int ok, const char *file, int line, const char *fmt, ...)
{
    n_checks++;
    if (!ok) {
        n_fail++;
        if (n_fail <= 30) {
            va_list ap;
            printf("  FAIL %s:%d [%s] ", file, line, cur_impl);
            va_start(ap, fmt);
            vprintf(fmt, ap);
            va_end(ap);
            printf("\n");
        }
    }
    return ok;
}

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Limbs biased towards carry edge cases: zeros, all-ones, small values. */
static uint64_t rnd_limb(void)
{
    switch (rnd() % 16) {
    case 0: return 0;
    case 1: return UINT64_MAX;
    case 2: return rnd() % 4;
    case 3: return UINT64_MAX - rnd() % 4;
    case 4: return (uint64_t)1 << 63;
    default: return rnd();
    }
}

static void rnd_limbs(uint64_t *a, size_t n)
{
    int plain = rnd() % 2; /* half the time uniform limbs */
    for (size_t i = 0; i < n; i++)
        a[i] = plain ? rnd() : rnd_limb();
}

static BIGNUM *bn_of(const uint64_t *a, size_t n)
{
    BIGNUM *b = BN_lebin2bn((const unsigned char *)a, (int)(8 * n), NULL);
    if (b == NULL)
        abort();
    return b;
}

/* a[0..n) = b (which must fit). */
static void limbs_of(uint64_t *a, size_t n, const BIGNUM *b)
{
    if (BN_bn2lebinpad(b, (unsigned char *)a, (int)(8 * n)) < 0)
        abort();
}

static int eq_bn(const uint64_t *a, size_t n, const BIGNUM *b)
{
    uint64_t t[2 * BN_MAX_LIMBS + 2];
    if (BN_num_bytes(b) > (int)(8 * n))
        return 0;
    limbs_of(t, n, b);
    return memcmp(t, a, 8 * n) == 0;
}

/* A random value below m (m > 0): uniform, or one of m-1, m-2, 0, 1. */
static void rnd_below(uint64_t *a, const uint64_t *m, size_t n, BN_CTX *ctx)
{
    uint64_t w[2 * BN_MAX_LIMBS];
    BIGNUM *bm = bn_of(m, n), *x;

    switch (rnd() % 12) {
    case 0:
        x = BN_dup(bm);
        BN_sub_word(x, 1);
        break;
    case 1:
        x = BN_dup(bm);
        if (!BN_sub_word(x, 2) || BN_is_negative(x))
            BN_zero(x);
        break;
    case 2:
        x = BN_new();
        BN_zero(x);
        break;
    case 3:
        x = BN_new();
        BN_set_word(x, 1);
        BN_mod(x, x, bm, ctx);
        break;
    default:
        rnd_limbs(w, 2 * n);
        x = bn_of(w, 2 * n);
        BN_mod(x, x, bm, ctx);
    }
    limbs_of(a, n, x);
    BN_free(x);
    BN_free(bm);
}

/* Moduli of n limbs with a nonzero top limb, odd: kind picks the shape. */
#define MOD_KINDS 8
static void make_modulus(uint64_t *m, size_t n, int kind)
{
    rnd_limbs(m, n);
    switch (kind) {
    case 0: /* random */
        break;
    case 1: /* top bit set, like an RSA prime */
        m[n - 1] |= (uint64_t)1 << 63;
        break;
    case 2: /* smallest top limb */
        m[n - 1] = 1;
        break;
    case 3: /* all ones: 2^(64n) - 1 */
        memset(m, 0xff, 8 * n);
        break;
    case 4: { /* 2^k - 1 with k in the top limb */
        unsigned k = 1 + (unsigned)(rnd() % 64);
        memset(m, 0xff, 8 * n);
        m[n - 1] = k == 64 ? UINT64_MAX : ((uint64_t)1 << k) - 1;
        break;
    }
    case 5: /* sparse: 2^(64(n-1)) + 1, or 3 for n = 1 */
        memset(m, 0, 8 * n);
        m[n - 1] |= 1;
        m[0] |= 1;
        if (n == 1)
            m[0] = 3;
        break;
    case 6: /* top limb all ones, the rest random */
        m[n - 1] = UINT64_MAX;
        break;
    case 7: /* the smallest: 1 for n = 1, else random with small top */
        if (n == 1)
            m[0] = 1;
        else
            m[n - 1] = 1 + rnd() % 3;
        break;
    }
    m[0] |= 1;
    if (m[n - 1] == 0)
        m[n - 1] = 1;
}

static const size_t sizes[] = { 1, 2, 3, 4, 8, 16, 17, 24, 32, 48, 64, 128 };
#define NSIZES (sizeof sizes / sizeof sizes[0])

/* Iterations: base for small sizes, scaled down as n^2 grows, but never
 * below lo (so that every size gets thousands of checks). */
static size_t iters_min(size_t n, size_t base, size_t lo)
{
    size_t k = base * 16 / (n * n + 15);
    return k < lo ? lo : k;
}


/* ---- basic operations (implementation independent) ----------------------- */

static void test_basic(size_t n, BN_CTX *ctx)
{
    uint64_t a[BN_MAX_LIMBS], b[BN_MAX_LIMBS], r[2 * BN_MAX_LIMBS], m[BN_MAX_LIMBS];
    uint8_t buf[8 * BN_MAX_LIMBS + 16], buf2[8 * BN_MAX_LIMBS + 16];
    size_t it = iters_min(n, 3000, 60);

    for (size_t k = 0; k < it; k++) {
        rnd_limbs(a, n);
        rnd_limbs(b, n);
        BIGNUM *A = bn_of(a, n), *B = bn_of(b, n), *X = BN_new(), *Y = BN_new();
        BIGNUM *P = BN_new();

        BN_one(P);
        BN_lshift(P, P, (int)(64 * n));

        /* bytes */
        size_t len = 8 * n + 8 - (size_t)(rnd() % 17); /* around the limb size */
        bn_to_be(buf, len, a, n);
        BN_mask_bits(X = BN_copy(X, A), (int)(8 * len));
        BN_bn2binpad(X, buf2, (int)len);
        CHECK(memcmp(buf, buf2, len) == 0, "bn_to_be n=%zu len=%zu", n, len);
        int rc = bn_from_be(r, n, buf2, len);
        CHECK(rc == (BN_num_bytes(X) > (int)(8 * n) ? FM_ERR_ARG : FM_OK),
              "bn_from_be rc n=%zu len=%zu", n, len);
        if (rc == FM_OK)
            CHECK(eq_bn(r, n, X), "bn_from_be value n=%zu", n);

        /* add / sub with carry and borrow */
        uint64_t c = bn_add(r, a, b, n);
        BN_add(X, A, B);
        CHECK(c == (uint64_t)BN_is_bit_set(X, (int)(64 * n)), "bn_add carry n=%zu", n);
        BN_mask_bits(X, (int)(64 * n));
        CHECK(eq_bn(r, n, X), "bn_add n=%zu", n);
        c = bn_sub(r, a, b, n);
        BN_sub(X, A, B);
        CHECK(c == (uint64_t)BN_is_negative(X), "bn_sub borrow n=%zu", n);
        if (BN_is_negative(X))
            BN_add(X, X, P);
        CHECK(eq_bn(r, n, X), "bn_sub n=%zu", n);

        uint64_t w = rnd_limb();
        c = bn_add_word(r, a, n, w);
        BN_copy(X, A);
        BN_add_word(X, w);
        CHECK(c == (uint64_t)BN_is_bit_set(X, (int)(64 * n)), "bn_add_word carry");
        BN_mask_bits(X, (int)(64 * n));
        CHECK(eq_bn(r, n, X), "bn_add_word n=%zu", n);
        c = bn_sub_word(r, a, n, w);
        BN_copy(X, A);
        BN_set_word(Y, w);
        BN_sub(X, X, Y);
        CHECK(c == (uint64_t)BN_is_negative(X), "bn_sub_word borrow");
        if (BN_is_negative(X))
            BN_add(X, X, P);
        CHECK(eq_bn(r, n, X), "bn_sub_word n=%zu", n);

        size_t an = 1 + (size_t)(rnd() % n);
        memcpy(r, a, 8 * n);
        c = bn_add_into(r, n, b, an);
        BN_copy(Y, B);
        BN_mask_bits(Y, (int)(64 * an));
        BN_add(X, A, Y);
        CHECK(c == (uint64_t)BN_is_bit_set(X, (int)(64 * n)), "bn_add_into carry");
        BN_mask_bits(X, (int)(64 * n));
        CHECK(eq_bn(r, n, X), "bn_add_into n=%zu an=%zu", n, an);

        /* compare and select */
        int cmp = BN_cmp(A, B);
        CHECK(bn_lt_mask(a, b, n) == (cmp < 0 ? UINT64_MAX : 0), "bn_lt_mask n=%zu", n);
        CHECK(bn_lt_mask(a, a, n) == 0, "bn_lt_mask equal");
        CHECK(bn_eq_mask(a, b, n) == (cmp == 0 ? UINT64_MAX : 0), "bn_eq_mask");
        CHECK(bn_eq_mask(a, a, n) == UINT64_MAX, "bn_eq_mask self");
        CHECK(bn_is_zero_mask(a, n) == (BN_is_zero(A) ? UINT64_MAX : 0), "bn_is_zero_mask");
        CHECK(bn_eq_word_mask(a, n, a[0]) == (BN_num_bits(A) <= 64 ? UINT64_MAX : 0),
              "bn_eq_word_mask");
        size_t kbits = (size_t)(rnd() % (64 * n + 1));
        CHECK(bn_lt_pow2_mask(a, n, kbits) == ((size_t)BN_num_bits(A) <= kbits ? UINT64_MAX : 0),
              "bn_lt_pow2_mask n=%zu k=%zu", n, kbits);
        uint64_t mask = rnd() % 2 ? UINT64_MAX : 0;
        bn_cselect(mask, r, a, b, n);
        CHECK(memcmp(r, mask ? a : b, 8 * n) == 0, "bn_cselect");
        memcpy(r, a, 8 * n);
        memcpy(r + n, b, 8 * n);
        bn_cswap(mask, r, r + n, n);
        CHECK(memcmp(r, mask ? b : a, 8 * n) == 0 && memcmp(r + n, mask ? a : b, 8 * n) == 0,
              "bn_cswap");

        /* shifts and bit counts */
        c = bn_shl1(r, a, n);
        BN_lshift1(X, A);
        CHECK(c == (uint64_t)BN_is_bit_set(X, (int)(64 * n)), "bn_shl1 out");
        BN_mask_bits(X, (int)(64 * n));
        CHECK(eq_bn(r, n, X), "bn_shl1 n=%zu", n);
        uint64_t in = rnd() % 2;
        c = bn_shr1(r, a, n, in);
        BN_rshift1(X, A);
        if (in)
            BN_set_bit(X, (int)(64 * n - 1));
        CHECK(c == (a[0] & 1) && eq_bn(r, n, X), "bn_shr1 n=%zu", n);
        size_t s = (size_t)(rnd() % (64 * n));
        bn_rshift_ct(r, a, n, s);
        BN_rshift(X, A, (int)s);
        CHECK(eq_bn(r, n, X), "bn_rshift_ct n=%zu s=%zu", n, s);
        size_t tz = 0;
        while (tz < 64 * n && !BN_is_bit_set(A, (int)tz))
            tz++;
        CHECK(bn_ctz_ct(a, n) == tz, "bn_ctz_ct n=%zu", n);
        CHECK(bn_bit_length_vartime(a, n) == (size_t)BN_num_bits(A), "bn_bit_length_vartime");

        /* products */
        bn_mul(r, a, b, n);
        BN_mul(X, A, B, ctx);
        CHECK(eq_bn(r, 2 * n, X), "bn_mul n=%zu", n);
        size_t bn2 = 1 + (size_t)(rnd() % n);
        bn_mul_wide(r, a, n, b, bn2);
        BN_copy(Y, B);
        BN_mask_bits(Y, (int)(64 * bn2));
        BN_mul(X, A, Y, ctx);
        CHECK(eq_bn(r, n + bn2, X), "bn_mul_wide n=%zu bn=%zu", n, bn2);
        bn_sqr_portable(r, a, n);
        BN_sqr(X, A, ctx);
        CHECK(eq_bn(r, 2 * n, X), "bn_sqr_portable n=%zu", n);

        /* modular add / sub / csub */
        make_modulus(m, n, (int)(rnd() % MOD_KINDS));
        BIGNUM *M = bn_of(m, n);
        rnd_below(a, m, n, ctx);
        rnd_below(b, m, n, ctx);
        BN_free(A);
        BN_free(B);
        A = bn_of(a, n);
        B = bn_of(b, n);
        bn_mod_add(r, a, b, m, n);
        BN_mod_add(X, A, B, M, ctx);
        CHECK(eq_bn(r, n, X), "bn_mod_add n=%zu", n);
        bn_mod_sub(r, a, b, m, n);
        BN_mod_sub(X, A, B, M, ctx);
        CHECK(eq_bn(r, n, X), "bn_mod_sub n=%zu", n);
        c = bn_add(r, a, b, n); /* (c : r) < 2m */
        uint64_t sub = bn_csub(r, r, c, m, n);
        BN_add(X, A, B);
        CHECK((sub != 0) == (BN_cmp(X, M) >= 0), "bn_csub mask");
        BN_mod(X, X, M, ctx);
        CHECK(eq_bn(r, n, X), "bn_csub n=%zu", n);
        BN_free(M);

        BN_free(A);
        BN_free(B);
        BN_free(X);
        BN_free(Y);
        BN_free(P);
    }

    /* bn_from_be: leading zeros accepted, one excess nonzero byte refused. */
    memset(buf, 0, sizeof buf);
    buf[5] = 1;
    CHECK(bn_from_be(r, n, buf, 8 * n + 16) == FM_ERR_ARG, "bn_from_be overflow n=%zu", n);
    buf[5] = 0;
    buf[8 * n + 15] = 7;
    CHECK(bn_from_be(r, n, buf, 8 * n + 16) == FM_OK && r[0] == 7, "bn_from_be zeros");
    CHECK(bn_from_be(r, n, buf, 0) == FM_OK && bn_is_zero_mask(r, n) == UINT64_MAX,
          "bn_from_be empty");
}

/* ---- Montgomery arithmetic ----------------------------------------------- */

static void test_mont(size_t n, int impl, BN_CTX *ctx)
{
    uint64_t m[BN_MAX_LIMBS], a[BN_MAX_LIMBS], b[BN_MAX_LIMBS], r[BN_MAX_LIMBS];
    uint64_t r2[BN_MAX_LIMBS], w[2 * BN_MAX_LIMBS], t[BN_MONT_TMP_LIMBS(BN_MAX_LIMBS)];
    static bn_mont_ctx c;
    size_t nmod = iters_min(n, 40, 8);
    size_t it = n >= 48 ? 16 : 60;

    if (nmod > 24)
        nmod = 24;
    for (size_t k = 0; k < nmod; k++) {
        make_modulus(m, n, (int)(k % MOD_KINDS));
        BIGNUM *M = bn_of(m, n), *A = BN_new(), *B = BN_new(), *X = BN_new();
        BN_MONT_CTX *mc = BN_MONT_CTX_new();

        if (!CHECK(bn_mont_init(&c, m, n, impl) == FM_OK, "bn_mont_init n=%zu kind=%zu", n,
                   k % MOD_KINDS))
            goto next;
        CHECK(c.m0inv * m[0] == UINT64_MAX, "m0inv n=%zu", n);
        BN_one(X);
        BN_lshift(X, X, (int)(128 * n));
        BN_mod(X, X, M, ctx);
        CHECK(eq_bn(c.rr, n, X), "R^2 mod m n=%zu kind=%zu", n, k % MOD_KINDS);
        {
            static bn_mont_ctx cv;
            CHECK(bn_mont_init_vartime(&cv, m, n, impl) == FM_OK && cv.m0inv == c.m0inv &&
                      eq_bn(cv.rr, n, X),
                  "bn_mont_init_vartime n=%zu kind=%zu", n, k % MOD_KINDS);
        }
        if (!BN_is_one(M))
            BN_MONT_CTX_set(mc, M, ctx);

        for (size_t j = 0; j < it; j++) {
            rnd_below(a, m, n, ctx);
            rnd_below(b, m, n, ctx);
            BN_free(A);
            BN_free(B);
            A = bn_of(a, n);
            B = bn_of(b, n);

            if (BN_is_one(M)) {
                bn_mont_mul(r, a, b, &c);
                CHECK(r[0] == 0, "mont_mul mod 1");
                continue;
            }
            /* mul, sqr, and the kernels called directly */
            bn_mont_mul(r, a, b, &c);
            BN_mod_mul_montgomery(X, A, B, mc, ctx);
            CHECK(eq_bn(r, n, X), "bn_mont_mul n=%zu", n);
            if (impl == BN_IMPL_MULX)
                bn_mulx_mont_mul(r2, a, b, &c, t);
            else
                bn_portable_mont_mul(r2, a, b, &c, t);
            CHECK(memcmp(r, r2, 8 * n) == 0, "kernel mont_mul n=%zu", n);
            memcpy(r2, a, 8 * n);
            bn_mont_mul(r2, r2, b, &c); /* r aliasing a */
            CHECK(memcmp(r, r2, 8 * n) == 0, "bn_mont_mul aliased n=%zu", n);
            bn_mont_sqr(r, a, &c);
            BN_mod_mul_montgomery(X, A, A, mc, ctx);
            CHECK(eq_bn(r, n, X), "bn_mont_sqr n=%zu", n);
            memcpy(r2, a, 8 * n);
            bn_mont_sqr(r2, r2, &c);
            CHECK(memcmp(r, r2, 8 * n) == 0, "bn_mont_sqr aliased n=%zu", n);
            /* one operand unreduced (any n-limb value) */
            rnd_limbs(w, n);
            bn_mont_mul(r, w, b, &c);
            BIGNUM *W = bn_of(w, n);
            BN_mod_mul_montgomery(X, W, B, mc, ctx);
            BN_mod(X, X, M, ctx);
            CHECK(eq_bn(r, n, X), "bn_mont_mul unreduced n=%zu", n);

            /* conversions and normal-form product */
            bn_to_mont(r, w, &c);
            BN_to_montgomery(X, W, mc, ctx);
            BN_mod(X, X, M, ctx);
            CHECK(eq_bn(r, n, X), "bn_to_mont n=%zu", n);
            bn_from_mont(r2, r, &c);
            BN_mod(X, W, M, ctx);
            CHECK(eq_bn(r2, n, X), "bn_from_mont n=%zu", n);
            bn_mod_mul(r, a, b, &c);
            BN_mod_mul(X, A, B, M, ctx);
            CHECK(eq_bn(r, n, X), "bn_mod_mul n=%zu", n);
            BN_free(W);

            /* redc of a full double-length value below m R */
            rnd_limbs(w, 2 * n);
            BIGNUM *T = bn_of(w, 2 * n), *MR = BN_dup(M);
            BN_lshift(MR, MR, (int)(64 * n));
            BN_mod(T, T, MR, ctx);
            limbs_of(w, 2 * n, T);
            bn_mont_redc(r, w, &c);
            BN_from_montgomery(X, T, mc, ctx);
            CHECK(eq_bn(r, n, X), "bn_mont_redc n=%zu", n);
            BN_free(T);
            BN_free(MR);

            /* reduction of up to 2n limbs */
            size_t alen = 1 + (size_t)(rnd() % (2 * n));
            rnd_limbs(w, alen);
            bn_mod_reduce(r, w, alen, &c);
            T = bn_of(w, alen);
            BN_mod(X, T, M, ctx);
            CHECK(eq_bn(r, n, X), "bn_mod_reduce n=%zu alen=%zu", n, alen);
            BN_free(T);
        }
        /* extremes: all-ones 2n-limb reduction, a = b = m - 1 */
        memset(w, 0xff, 16 * n);
        bn_mod_reduce(r, w, 2 * n, &c);
        {
            BIGNUM *T = bn_of(w, 2 * n);
            BN_mod(X, T, M, ctx);
            CHECK(eq_bn(r, n, X), "bn_mod_reduce all-ones n=%zu", n);
            BN_free(T);
        }
        if (!BN_is_one(M)) {
            memcpy(a, m, 8 * n);
            a[0] -= 1;
            BN_free(A);
            A = bn_of(a, n);
            bn_mont_mul(r, a, a, &c);
            BN_mod_mul_montgomery(X, A, A, mc, ctx);
            CHECK(eq_bn(r, n, X), "bn_mont_mul (m-1)^2 n=%zu", n);
            bn_mont_sqr(r, a, &c);
            CHECK(eq_bn(r, n, X), "bn_mont_sqr (m-1)^2 n=%zu", n);
        }
    next:
        BN_MONT_CTX_free(mc);
        BN_free(M);
        BN_free(A);
        BN_free(B);
        BN_free(X);
    }

    /* refusals */
    make_modulus(m, n, 0);
    m[0] &= ~(uint64_t)1;
    CHECK(bn_mont_init(&c, m, n, impl) == FM_ERR_ARG, "bn_mont_init even m");
    CHECK(bn_mont_init_vartime(&c, m, n, impl) == FM_ERR_ARG, "bn_mont_init_vartime even m");
    if (n > 1) {
        make_modulus(m, n, 0);
        m[n - 1] = 0;
        CHECK(bn_mont_init(&c, m, n, impl) == FM_ERR_ARG, "bn_mont_init top limb 0");
        CHECK(bn_mont_init_vartime(&c, m, n, impl) == FM_ERR_ARG,
              "bn_mont_init_vartime top limb 0");
    }
    CHECK(bn_mont_init(&c, m, 0, impl) == FM_ERR_ARG, "bn_mont_init n=0");
    CHECK(bn_mont_init(&c, m, BN_MAX_LIMBS + 1, impl) == FM_ERR_ARG, "bn_mont_init n>max");
}

/* ---- exponentiation ------------------------------------------------------ */

static void test_exp(size_t n, int impl, BN_CTX *ctx)
{
    static uint64_t scratch[BN_EXP_SCRATCH_LIMBS(BN_MAX_LIMBS) + 8];
    uint64_t m[BN_MAX_LIMBS], a[BN_MAX_LIMBS], e[BN_MAX_LIMBS + 1], r[BN_MAX_LIMBS];
    static bn_mont_ctx c;
    size_t nmod = n >= 48 ? 3 : n >= 16 ? 6 : 10;
    size_t it = n >= 48 ? 6 : n >= 16 ? 12 : 40;

    for (size_t k = 0; k < nmod; k++) {
        make_modulus(m, n, (int)(k % MOD_KINDS));
        if (bn_mont_init(&c, m, n, impl) != FM_OK) {
            CHECK(0, "bn_mont_init for exp");
            continue;
        }
        BIGNUM *M = bn_of(m, n), *X = BN_new();
        for (size_t j = 0; j < it; j++) {
            size_t ebits;
            switch (j % 8) {
            case 0: ebits = 0; break;
            case 1: ebits = 1 + rnd() % 3; break;
            case 2: ebits = 64 * n < 1100 ? 64 * n : 1024; break; /* full size */
            case 3: ebits = 17; break;
            default: ebits = 1 + (size_t)(rnd() % (64 * n < 1100 ? 64 * n : 300)); break;
            }
            memset(e, 0, sizeof e);
            rnd_limbs(e, BN_LIMBS(ebits));
            if (j % 8 == 1) /* e = 1 (with ebits 1..3: leading zeros) */
                memset(e, 0, 8), e[0] = 1;
            if (ebits % 64)
                e[ebits / 64] &= ((uint64_t)1 << (ebits % 64)) - 1;
            /* garbage above ebits must be ignored */
            uint64_t saved = e[BN_LIMBS(ebits)];
            if (ebits % 64)
                e[ebits / 64] |= rnd() << (ebits % 64);
            rnd_below(a, m, n, ctx);
            if (j % 5 == 4)
                memset(a, 0, 8 * n); /* 0^e */
            bn_mod_exp_ct(r, a, e, ebits, &c, scratch);
            if (ebits % 64)
                e[ebits / 64] &= ((uint64_t)1 << (ebits % 64)) - 1;
            e[BN_LIMBS(ebits)] = saved;
            BIGNUM *A = bn_of(a, n), *E = bn_of(e, BN_LIMBS(ebits) + 1);
            BN_mod_exp(X, A, E, M, ctx);
            CHECK(eq_bn(r, n, X), "bn_mod_exp_ct n=%zu ebits=%zu", n, ebits);
            /* the same with the base unreduced and r aliasing it */
            if (j % 3 == 0) {
                uint64_t a2[BN_MAX_LIMBS];
                rnd_limbs(a2, n);
                BIGNUM *A2 = bn_of(a2, n);
                bn_mod_exp_ct(a2, a2, e, ebits, &c, scratch);
                BN_mod_exp(X, A2, E, M, ctx);
                CHECK(eq_bn(a2, n, X), "bn_mod_exp_ct unreduced n=%zu", n);
                BN_free(A2);
            }
            /* public exponent: 65537, 3, 1, 0 or a random one of up to 4 limbs */
            size_t elen = 1;
            switch (j % 6) {
            case 0: e[0] = 65537; break;
            case 1: e[0] = 3; break;
            case 2: e[0] = 1; break;
            case 3: e[0] = 0; break;
            default:
                elen = 1 + (size_t)(rnd() % 4);
                rnd_limbs(e, elen);
            }
            BN_free(E);
            E = bn_of(e, elen);
            bn_mod_exp_vartime(r, a, e, elen, &c);
            BN_mod_exp(X, A, E, M, ctx);
            CHECK(eq_bn(r, n, X), "bn_mod_exp_vartime n=%zu elen=%zu", n, elen);
            BN_free(A);
            BN_free(E);
        }
        BN_free(M);
        BN_free(X);
    }
}

/* ---- inversion, small divisors ------------------------------------------- */

static void test_inv(size_t n, BN_CTX *ctx)
{
    uint64_t m[BN_MAX_LIMBS], a[BN_MAX_LIMBS], r[BN_MAX_LIMBS];
    size_t it = n >= 64 ? 12 : n >= 24 ? 24 : iters_min(n, 400, 40);

    for (size_t k = 0; k < it; k++) {
        int shape = (int)(k % 8);
        rnd_limbs(m, n);
        rnd_limbs(a, n);
        switch (shape) {
        case 0: /* odd m, any a */
            m[0] |= 1;
            break;
        case 1: /* even m (like lcm(p-1, q-1)), odd a */
            m[0] &= ~(uint64_t)1;
            a[0] |= 1;
            break;
        case 2: /* e = 65537 modulo an even m */
            m[0] &= ~(uint64_t)1;
            memset(a, 0, 8 * n);
            a[0] = 65537;
            break;
        case 3: /* a > m, both odd (q^-1 mod p) */
            m[0] |= 1;
            a[0] |= 1;
            m[n - 1] >>= 1;
            a[n - 1] |= (uint64_t)1 << 63;
            break;
        case 4: /* common factor 3: no inverse */
            m[0] |= 1;
            m[n - 1] >>= 2;
            a[n - 1] >>= 2;
            {
                BIGNUM *M = bn_of(m, n), *A = bn_of(a, n);
                BN_mul_word(M, 3);
                BN_mul_word(A, 3);
                limbs_of(m, n, M);
                limbs_of(a, n, A);
                BN_free(M);
                BN_free(A);
            }
            break;
        case 5: /* both even: no inverse */
            m[0] &= ~(uint64_t)1;
            a[0] &= ~(uint64_t)1;
            break;
        case 6: /* edge values */
            switch (rnd() % 6) {
            case 0: memset(a, 0, 8 * n); m[0] |= 1; break;               /* 0 */
            case 1: memset(a, 0, 8 * n); a[0] = 1; break;                /* 1 */
            case 2: memset(m, 0, 8 * n); m[0] = 1; break;                /* mod 1 */
            case 3: memset(m, 0, 8 * n); m[0] = 2; a[0] |= 1; break;     /* mod 2 */
            case 4: memcpy(a, m, 8 * n); break;                          /* a = m */
            case 5: m[0] |= 1; memcpy(a, m, 8 * n); a[0] -= 1; break;    /* m - 1 */
            }
            break;
        case 7: /* all ones */
            memset(m, 0xff, 8 * n);
            a[0] |= 1;
            if (rnd() % 2)
                m[0] &= ~(uint64_t)1;
            break;
        }
        if (bn_is_zero_mask(m, n))
            m[0] = 1;
        BIGNUM *M = bn_of(m, n), *A = bn_of(a, n), *X = BN_new();
        uint64_t ok = bn_mod_inv_ct(r, a, m, n);
        BIGNUM *inv = BN_mod_inverse(X, A, M, ctx);
        ERR_clear_error();
        if (BN_is_one(M)) {
            /* OpenSSL says "no inverse" for 0 mod 1; everything is 0 mod 1 */
            CHECK(ok == UINT64_MAX && bn_is_zero_mask(r, n), "bn_mod_inv_ct mod 1");
        } else if (inv == NULL) {
            CHECK(ok == 0 && bn_is_zero_mask(r, n) == UINT64_MAX,
                  "bn_mod_inv_ct no inverse n=%zu shape=%d", n, shape);
        } else {
            CHECK(ok == UINT64_MAX && eq_bn(r, n, X), "bn_mod_inv_ct n=%zu shape=%d", n,
                  shape);
        }
        BN_free(M);
        BN_free(A);
        BN_free(X);
    }
}

static void test_mod_u32(size_t n)
{
    static const uint32_t fixed[] = { 1, 2, 3, 5, 7, 65537, 2147483647u, 4294967291u,
                                      4294967295u, 65536, 4294967294u };
    uint64_t a[BN_MAX_LIMBS];

    for (size_t k = 0; k < iters_min(n, 2000, 200); k++) {
        uint32_t d = k < sizeof fixed / sizeof fixed[0] ? fixed[k]
                   : k % 2 ? (uint32_t)(rnd() % 20000) + 1 : (uint32_t)rnd() | 1;
        rnd_limbs(a, n);
        if (k % 7 == 0)
            memset(a, 0xff, 8 * n);
        BIGNUM *A = bn_of(a, n);
        BN_ULONG want = BN_mod_word(A, d);
        CHECK(bn_mod_u32_ct(a, n, d) == want, "bn_mod_u32_ct n=%zu d=%u", n, d);
        BN_free(A);
    }
}

/* ---- timings ------------------------------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/*
 * Seconds per call of two bodies, timed in alternation (9 rounds of about
 * 30 ms each) and the best round of each kept: on a shared or throttled
 * machine both see the same conditions.
 */
#define TIME_VS(ta, body_a, tb, body_b)                                  \
    do {                                                                 \
        double best_a_ = 1e9, best_b_ = 1e9;                             \
        for (int round_ = 0; round_ < 9; round_++) {                     \
            size_t reps_ = 0;                                            \
            double t0_ = now(), t1_;                                     \
            do {                                                         \
                body_a;                                                  \
                reps_++;                                                 \
            } while ((t1_ = now()) - t0_ < 0.03);                        \
            if ((t1_ - t0_) / (double)reps_ < best_a_)                   \
                best_a_ = (t1_ - t0_) / (double)reps_;                   \
            reps_ = 0;                                                   \
            t0_ = now();                                                 \
            do {                                                         \
                body_b;                                                  \
                reps_++;                                                 \
            } while ((t1_ = now()) - t0_ < 0.03);                        \
            if ((t1_ - t0_) / (double)reps_ < best_b_)                   \
                best_b_ = (t1_ - t0_) / (double)reps_;                   \
        }                                                                \
        (ta) = best_a_;                                                  \
        (tb) = best_b_;                                                  \
    } while (0)

static const char *impl_names[2] = { "portable", "mulx" };

static void report(const char *what, int impl, double t_ossl, double t_ours)
{
    printf("    %-30s %-8s %9.1f us   OpenSSL %9.1f us   ratio %.2f\n", what,
           impl_names[impl], t_ours * 1e6, t_ossl * 1e6, t_ossl / t_ours);
}

static void bench(BN_CTX *ctx, int have_mulx)
{
    static uint64_t scratch[BN_EXP_SCRATCH_LIMBS(BN_MAX_LIMBS)];
    uint64_t m[BN_MAX_LIMBS], a[BN_MAX_LIMBS], e[BN_MAX_LIMBS], r[BN_MAX_LIMBS];
    uint64_t m2[BN_MAX_LIMBS], a2[BN_MAX_LIMBS], e2[BN_MAX_LIMBS], r2[BN_MAX_LIMBS];
    uint64_t t[BN_MONT_TMP_LIMBS(BN_MAX_LIMBS)];
    static bn_mont_ctx c, c2;
    double t_ossl, t_ours;
    int nimpl = have_mulx ? 2 : 1;

    printf("\nTimings, for information (ratio = OpenSSL time / fipsmod time: above 1 is "
           "faster;\nthe two are timed in alternation, best of 9 rounds each):\n");

    for (int nbits = 1024; nbits <= 2048; nbits += 1024) {
        size_t n = (size_t)nbits / 64;
        make_modulus(m, n, 1);
        make_modulus(m2, n, 1);
        for (size_t i = 0; i < n; i++)
            a[i] = rnd(), a2[i] = rnd(), e[i] = rnd(), e2[i] = rnd();
        e[n - 1] |= (uint64_t)1 << 63;
        e2[n - 1] |= (uint64_t)1 << 63;
        a[n - 1] >>= 1;
        a2[n - 1] >>= 1;
        BIGNUM *M = bn_of(m, n), *A = bn_of(a, n), *E = bn_of(e, n), *X = BN_new();
        BIGNUM *M2 = bn_of(m2, n), *A2 = bn_of(a2, n), *E2 = bn_of(e2, n), *X2 = BN_new();
        BN_MONT_CTX *mc = BN_MONT_CTX_new(), *mc2 = BN_MONT_CTX_new();
        BN_MONT_CTX_set(mc, M, ctx);
        BN_MONT_CTX_set(mc2, M2, ctx);
        printf("  %d-bit modulus, %d-bit secret exponent "
               "(OpenSSL: BN_mod_exp_mont_consttime):\n", nbits, nbits);
        for (int k = 0; k < nimpl; k++) {
            bn_mont_init(&c, m, n, k);
            bn_mod_exp_ct(r, a, e, (size_t)nbits, &c, scratch);
            BN_mod_exp(X, A, E, M, ctx);
            CHECK(eq_bn(r, n, X), "bench result");
            TIME_VS(t_ossl, BN_mod_exp_mont_consttime(X, A, E, M, ctx, mc),
                    t_ours, bn_mod_exp_ct(r, a, e, (size_t)nbits, &c, scratch));
            report("bn_mod_exp_ct", k, t_ossl, t_ours);
        }
        if (nbits == 1024) {
            printf("  two of them, as in an RSA-2048 CRT signature "
                   "(OpenSSL: BN_mod_exp_mont_consttime_x2):\n");
            for (int k = 0; k < nimpl; k++) {
                bn_mont_init(&c, m, n, k);
                bn_mont_init(&c2, m2, n, k);
                TIME_VS(t_ossl,
                        BN_mod_exp_mont_consttime_x2(X, A, E, M, mc, X2, A2, E2, M2, mc2, ctx),
                        t_ours,
                        (bn_mod_exp_ct(r, a, e, 1024, &c, scratch),
                         bn_mod_exp_ct(r2, a2, e2, 1024, &c2, scratch)));
                report("2 x bn_mod_exp_ct", k, t_ossl, t_ours);
            }
        }
        BN_MONT_CTX_free(mc);
        BN_MONT_CTX_free(mc2);
        BN_free(M), BN_free(A), BN_free(E), BN_free(X);
        BN_free(M2), BN_free(A2), BN_free(E2), BN_free(X2);
    }

    /* 2048-bit modulus, e = 65537 (RSA verification) */
    {
        size_t n = 32;
        make_modulus(m, n, 1);
        for (size_t i = 0; i < n; i++)
            a[i] = rnd();
        a[n - 1] >>= 1;
        e[0] = 65537;
        BIGNUM *M = bn_of(m, n), *A = bn_of(a, n), *E = bn_of(e, 1), *X = BN_new();
        BN_MONT_CTX *mc = BN_MONT_CTX_new();
        BN_MONT_CTX_set(mc, M, ctx);
        printf("  2048-bit modulus, e = 65537 (OpenSSL: BN_mod_exp_mont, context cached):\n");
        for (int k = 0; k < nimpl; k++) {
            bn_mont_init(&c, m, n, k);
            TIME_VS(t_ossl, BN_mod_exp_mont(X, A, E, M, ctx, mc),
                    t_ours, bn_mod_exp_vartime(r, a, e, 1, &c));
            report("bn_mod_exp_vartime", k, t_ossl, t_ours);
        }
        printf("  Montgomery context for a 2048-bit modulus (OpenSSL: BN_MONT_CTX_set):\n");
        for (int k = 0; k < nimpl; k++) {
            TIME_VS(t_ossl, BN_MONT_CTX_set(mc, M, ctx), t_ours, bn_mont_init(&c, m, n, k));
            report("bn_mont_init", k, t_ossl, t_ours);
            TIME_VS(t_ossl, BN_MONT_CTX_set(mc, M, ctx), t_ours,
                    bn_mont_init_vartime(&c, m, n, k));
            report("bn_mont_init_vartime", k, t_ossl, t_ours);
        }
        BN_MONT_CTX_free(mc);
        BN_free(M), BN_free(A), BN_free(E), BN_free(X);
    }

    /* single operations */
    static const size_t bsz[] = { 16, 24, 32 };
    for (size_t s = 0; s < 3; s++) {
        size_t n = bsz[s];
        make_modulus(m, n, 1);
        for (size_t i = 0; i < n; i++)
            a[i] = rnd();
        a[n - 1] >>= 1;
        memcpy(r, a, 8 * n);
        BIGNUM *M = bn_of(m, n), *A = bn_of(a, n), *X = BN_new();
        BN_MONT_CTX *mc = BN_MONT_CTX_new();
        BN_MONT_CTX_set(mc, M, ctx);
        printf("  %zu limbs, one multiplication (OpenSSL: BN_mod_mul_montgomery), in ns:\n", n);
        for (int k = 0; k < nimpl; k++) {
            double tm, ts;
            bn_mont_init(&c, m, n, k);
            TIME_VS(t_ossl, BN_mod_mul_montgomery(X, A, A, mc, ctx), tm,
                    bn_mont_mul_t(r, r, a, &c, t));
            TIME_VS(t_ossl, BN_mod_mul_montgomery(X, A, A, mc, ctx), ts,
                    bn_mont_sqr_t(r, r, &c, t));
            printf("    %-8s mul %6.0f  sqr %6.0f   OpenSSL %6.0f   ratio %.2f (mul) %.2f (sqr)\n",
                   impl_names[k], tm * 1e9, ts * 1e9, t_ossl * 1e9, t_ossl / tm, t_ossl / ts);
        }
        BN_MONT_CTX_free(mc);
        BN_free(M), BN_free(A), BN_free(X);
    }
}

/* ---- main ---------------------------------------------------------------- */

int main(int argc, char **argv)
{
    uint64_t seed = (uint64_t)time(NULL);
    int do_bench = 1;
    BN_CTX *ctx = BN_CTX_new();

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-bench") == 0)
            do_bench = 0;
        else
            seed = strtoull(argv[i], NULL, 0);
    }
    rng_state = seed;
    printf("bn_test: seed %llu\n", (unsigned long long)seed);
    {
        uint16_t one = 1;
        if (*(uint8_t *)&one != 1) {
            printf("bn_test: needs a little-endian host\n");
            return 2;
        }
    }
    cpu_init_once();
    int have_mulx = bn_impl_available(BN_IMPL_MULX);
    if (!have_mulx)
        printf("bn_test: MULX implementation UNAVAILABLE (no BMI2/ADX): skipped\n");

    for (size_t s = 0; s < NSIZES; s++) {
        size_t n = sizes[s];
        unsigned long before = n_checks, fails = n_fail;
        cur_impl = "-";
        test_basic(n, ctx);
        test_inv(n, ctx);
        test_mod_u32(n);
        for (int impl = BN_IMPL_PORTABLE; impl <= BN_IMPL_MULX; impl++) {
            if (impl == BN_IMPL_MULX && !have_mulx)
                continue;
            cur_impl = impl == BN_IMPL_MULX ? "mulx" : "portable";
            test_mont(n, impl, ctx);
            test_exp(n, impl, ctx);
        }
        printf("  n = %3zu limbs: %6lu checks, %lu failed\n", n, n_checks - before,
               n_fail - fails);
        fflush(stdout);
    }
    printf("bn_test: %s: %lu checks, %lu failed (impls: portable%s)\n",
           n_fail ? "FAIL" : "PASS", n_checks, n_fail, have_mulx ? ", mulx" : "");
    if (do_bench && n_fail == 0)
        bench(ctx, have_mulx);
    BN_CTX_free(ctx);
    return n_fail ? 1 : 0;
}
