/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit test of the AVX-512 IFMA exponentiation (src/rsa/bn_ifma.c),
 * cross-checked against OpenSSL.
 *
 *   - ifma_normalize against a scalar carry propagation, on lanes built to
 *     hit the carry chains (runs of 2^52 - 1, lanes just above it);
 *   - the almost Montgomery multiplication (every register count 2..5)
 *     against BIGNUM: r = a b R^-1 mod m up to m, r < 2m, normalised, the
 *     lanes above nl zero, for a, b < 2m including 2m - 1;
 *   - bn_ifma_mod_exp_ct and bn_ifma_mod_exp2_ct against
 *     BN_mod_exp_mont_consttime, thousands of cases for 1024-, 1536- and
 *     2048-bit odd moduli (the CRT halves of RSA-2048/3072/4096) with
 *     full-length secret exponents, bases 0, 1, m - 1, m, 2^(64n) - 1 and
 *     random ones (below m or any n-limb value), and a few hundred for
 *     other sizes (7 to 32 limbs) and exponent lengths (0 to 64n bits,
 *     with garbage above ebits that must be ignored);
 *   - then, for information, timings: one exponentiation (1024, 1536,
 *     2048 bits) with bn_mod_exp_ct (MULX), bn_ifma_mod_exp_ct, the dual
 *     form per pair, OpenSSL's BN_mod_exp_mont_consttime and its
 *     BN_mod_exp_mont_consttime_x2, and an estimate of the RSA-2048 sign
 *     rate with the dual form in rsa_private.
 *
 * The module is one translation unit, so the test includes it and then
 * bn_ifma.c (unless module.c already does), reaching the static functions
 * directly. The IFMA kernels are called directly whatever cpu.c reports;
 * the test checks cpuid itself and prints UNAVAILABLE (exit 0) when the
 * CPU or the OS lacks AVX-512 IFMA. Build and run from the repository
 * root, after `make -j2` (for the glue and platform objects):
 *
 *   $CC -std=c11 -Wall -Wextra -Werror -O2 -g -Iinclude -o build/bn_ifma_test \
 *       tests/unit/bn_ifma_test.c build/obj/module_glue.o build/obj/platform.o \
 *       -lcrypto -lpthread && ./build/bn_ifma_test [seed] [--quick] [--no-bench]
 *
 * (CC = gcc or clang.) Exit status 0 when every check passed.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include "fipsmod/cpu.h"
#ifndef FM_CPU_AVX512IFMA
#define FM_CPU_AVX512IFMA (1u << 11) /* until cpu.h has it */
#endif

#include "../../src/module/module.c"
#ifndef FIPSMOD_RSA_BN_IFMA
#include "../../src/rsa/bn_ifma.c"
#endif

#include <cpuid.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

const unsigned char fm_module_start[1], fm_module_end[1];

/* ---- plumbing ------------------------------------------------------------------ */

static unsigned long n_checks, n_fail;

#define CHECK(cond, ...) check_((cond) != 0, __LINE__, __VA_ARGS__)

static int check_(int ok, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int check_(int ok, int line, const char *fmt, ...)
{
    n_checks++;
    if (!ok) {
        n_fail++;
        if (n_fail <= 30) {
            va_list ap;
            printf("  FAIL line %d: ", line);
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

static void rnd_limbs(uint64_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        a[i] = rnd();
}

static BIGNUM *bn_of(const uint64_t *a, size_t n)
{
    BIGNUM *b = BN_lebin2bn((const unsigned char *)a, (int)(8 * n), NULL);
    if (b == NULL)
        abort();
    return b;
}

static void limbs_of(uint64_t *a, size_t n, const BIGNUM *b)
{
    if (BN_bn2lebinpad(b, (unsigned char *)a, (int)(8 * n)) < 0)
        abort();
}

/* radix 2^52 <-> BIGNUM */
static BIGNUM *bn_of52(const uint64_t *a, size_t nl)
{
    BIGNUM *b = BN_new();
    for (size_t i = nl; i-- > 0;) {
        BN_lshift(b, b, 52);
        BN_add_word(b, a[i]);
    }
    return b;
}

static void limbs52_of(uint64_t *a, size_t vw, const BIGNUM *b)
{
    BIGNUM *t = BN_dup(b), *lo = BN_new();
    for (size_t i = 0; i < vw; i++) {
        BN_copy(lo, t);
        BN_mask_bits(lo, 52);
        a[i] = BN_get_word(lo);
        BN_rshift(t, t, 52);
    }
    BN_free(t);
    BN_free(lo);
}

/*
 * An odd modulus of n limbs: kind 0 (most cases) the top bit set, as an
 * RSA prime; 1 a small nonzero top limb; 2 all ones; 3 2^(64n-1) + 1.
 */
static void make_modulus(uint64_t *m, size_t n, int kind)
{
    rnd_limbs(m, n);
    switch (kind) {
    case 0: m[n - 1] |= (uint64_t)1 << 63; break;
    case 1: m[n - 1] = 1 + rnd() % 1000; break;
    case 2: memset(m, 0xff, 8 * n); break;
    default: memset(m, 0, 8 * n); m[n - 1] = (uint64_t)1 << 63; break;
    }
    m[0] |= 1;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- cpuid (the test's own: cpu.c may not know IFMA yet) ----------------------------- */

static int have_ifma(void)
{
    unsigned a, b, c, d;
    if (__get_cpuid_max(0, NULL) < 7)
        return 0;
    __cpuid(1, a, b, c, d);
    if (!(c & (1u << 27))) /* OSXSAVE */
        return 0;
    uint32_t lo, hi;
    __asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 0xe6) != 0xe6) /* XMM, YMM, opmask, ZMM_Hi256, Hi16_ZMM */
        return 0;
    __cpuid_count(7, 0, a, b, c, d);
    /* AVX512F (16), AVX512_IFMA (21), AVX512BW (30), AVX512VL (31), BMI2 (8) */
    uint32_t need = (1u << 16) | (1u << 21) | (1u << 30) | (1u << 31) | (1u << 8);
    (void)hi;
    return (b & need) == need;
}

/* ---- normalisation --------------------------------------------------------------- */

#define NZ_TEST 5

BN_IFMA_TARGET static void t_normalize(uint64_t *x)
{
    __m512i v[NZ_TEST];
    for (int k = 0; k < NZ_TEST; k++)
        v[k] = _mm512_loadu_si512((const void *)(x + 8 * k));
    ifma_normalize(v, NZ_TEST);
    for (int k = 0; k < NZ_TEST; k++)
        _mm512_storeu_si512((void *)(x + 8 * k), v[k]);
}

static void test_normalize(unsigned long count)
{
    unsigned long before = n_fail;

    for (unsigned long it = 0; it < count; it++) {
        uint64_t x[8 * NZ_TEST], want[8 * NZ_TEST];
        /* Lanes of every kind; the top lane small enough for no carry out. */
        for (int i = 0; i < 8 * NZ_TEST; i++) {
            switch (rnd() % 6) {
            case 0: x[i] = BN_IFMA_MASK52; break;
            case 1: x[i] = BN_IFMA_MASK52 + 1 + rnd() % 3; break;
            case 2: x[i] = rnd() % 4; break;
            case 3: x[i] = rnd() >> (3 + rnd() % 12); break; /* up to 2^61 */
            case 4: x[i] = BN_IFMA_MASK52 - rnd() % 2; break;
            default: x[i] = rnd() & BN_IFMA_MASK52; break;
            }
        }
        x[8 * NZ_TEST - 1] = rnd() % 1000;
        x[8 * NZ_TEST - 2] &= BN_IFMA_MASK52 >> 1;
        /* scalar reference */
        uint64_t carry = 0;
        for (int i = 0; i < 8 * NZ_TEST; i++) {
            __extension__ unsigned __int128 s = (unsigned __int128)x[i] + carry;
            want[i] = (uint64_t)s & BN_IFMA_MASK52;
            carry = (uint64_t)(s >> 52);
        }
        t_normalize(x);
        CHECK(carry == 0 && memcmp(x, want, sizeof x) == 0, "normalize case %lu", it);
    }
    printf("  ifma_normalize: %lu cases, %lu failed\n", count, n_fail - before);
}

/* ---- almost Montgomery multiplication ------------------------------------------------ */

static void test_amm(size_t n, unsigned long count, BN_CTX *ctx)
{
    static bn_mont_ctx c;
    static uint64_t scr[BN_IFMA_EXP_SCRATCH_LIMBS(BN_IFMA_MAX_LIMBS)];
    uint64_t m[BN_MAX_LIMBS];
    uint64_t *s = ifma_align64(scr);
    size_t vw = BN_IFMA_VW(n), nl = BN_IFMA_NL(n);
    uint64_t *a = s + 5 * vw, *b = s + 6 * vw, *r = s + 7 * vw, *tmp = s + 8 * vw;
    unsigned long before = n_fail;
    ifma_mod im;

    for (unsigned long it = 0; it < count; it++) {
        if (it % 50 == 0) {
            make_modulus(m, n, it % 200 == 0 ? (int)(it / 200 % 4) : 0);
            if (bn_mont_init(&c, m, n, BN_IMPL_PORTABLE) != FM_OK)
                abort();
            memset(s, 0, 3 * vw * sizeof *s);
            ifma_mod_init(&im, &c, s, s + vw, s + 2 * vw, tmp);
        }
        BIGNUM *bm = bn_of(m, n), *two_m = BN_new(), *ba = BN_new(), *bb = BN_new();
        BN_lshift1(two_m, bm);
        /* a, b < 2m: random, or 2m - 1, or 0, or m */
        for (int k = 0; k < 2; k++) {
            BIGNUM *v = k ? bb : ba;
            switch (rnd() % 8) {
            case 0: BN_copy(v, two_m); BN_sub_word(v, 1); break;
            case 1: BN_zero(v); break;
            case 2: BN_copy(v, bm); break;
            default: BN_rand_range(v, two_m); break;
            }
        }
        if (it % 50 == 1) { /* the table's first entry: AMM(rr, 1) */
            BIGNUM *rr = bn_of52(im.rr, nl);
            BN_copy(ba, rr);
            BN_one(bb);
            BN_free(rr);
        }
        limbs52_of(a, vw, ba);
        limbs52_of(b, vw, bb);
        int sq = rnd() % 3 == 0;
        if (sq)
            ifma_mul(r, a, a, &im), BN_copy(bb, ba);
        else
            ifma_mul(r, a, b, &im);
        /* want = a b R^-1 mod m, r = want or want + m */
        BIGNUM *R = BN_new(), *Ri = BN_new(), *want = BN_new(), *got = bn_of52(r, vw);
        BN_set_bit(R, (int)(52 * nl));
        BN_mod_inverse(Ri, R, bm, ctx);
        BN_mod_mul(want, ba, bb, bm, ctx);
        BN_mod_mul(want, want, Ri, bm, ctx);
        int ok = BN_cmp(got, want) == 0;
        if (!ok) {
            BN_add(want, want, bm);
            ok = BN_cmp(got, want) == 0;
        }
        ok = ok && BN_cmp(got, two_m) < 0;
        for (size_t i = 0; i < 8 * BN_IFMA_NZ(n); i++)
            ok = ok && r[i] <= BN_IFMA_MASK52 && (i < nl || r[i] == 0);
        CHECK(ok, "amm n=%zu case %lu%s", n, it, sq ? " (square)" : "");
        BN_free(bm), BN_free(two_m), BN_free(ba), BN_free(bb);
        BN_free(R), BN_free(Ri), BN_free(want), BN_free(got);
    }
    printf("  amm n = %2zu (nl %zu, nz %zu%s): %lu cases, %lu failed\n", n, nl, BN_IFMA_NZ(n),
           im.half ? " half" : "", count, n_fail - before);
}

/* ---- exponentiation ------------------------------------------------------------------- */

/* A base for modulus m: 0, 1, m - 1, m, 2^(64n) - 1, random below m, or
 * any n-limb value. */
static void make_base(uint64_t *a, const uint64_t *m, size_t n, unsigned long it)
{
    switch (it % 16) {
    case 0: memset(a, 0, 8 * n); break;
    case 1: memset(a, 0, 8 * n); a[0] = 1; break;
    case 2: memcpy(a, m, 8 * n); a[0] -= 1; break; /* m odd: m - 1 */
    case 3: memcpy(a, m, 8 * n); break;
    case 4: memset(a, 0xff, 8 * n); break;
    case 5: rnd_limbs(a, n); break; /* possibly >= m */
    default: {
        BIGNUM *bm = bn_of(m, n), *x = BN_new();
        BN_rand_range(x, bm);
        limbs_of(a, n, x);
        BN_free(bm);
        BN_free(x);
        break;
    }
    }
}

/* e[0..BN_LIMBS(ebits)) random with garbage above ebits; usually the top
 * bit of the ebits set (full length); sometimes 0, 1 or all ones. */
static size_t make_exp(uint64_t *e, size_t n, unsigned long it, int vary_len)
{
    size_t ebits = 64 * n;
    if (vary_len) {
        switch (it % 5) {
        case 0: ebits = rnd() % (64 * n + 1); break;
        case 1: ebits = rnd() % 70; break;
        default: break;
        }
    }
    size_t el = BN_LIMBS(ebits);
    rnd_limbs(e, el + 1);
    switch (it % 23) {
    case 7: memset(e, 0, 8 * (el + 1)); break;
    case 8: memset(e, 0, 8 * (el + 1)); e[0] = 1; break;
    case 9: memset(e, 0xff, 8 * (el + 1)); break;
    default:
        if (ebits > 0)
            e[(ebits - 1) / 64] |= (uint64_t)1 << ((ebits - 1) % 64);
        break;
    }
    return ebits;
}

/* OpenSSL's a^(e mod 2^ebits) mod m into want[0..n). */
static void ref_exp(uint64_t *want, const uint64_t *a, const uint64_t *e, size_t ebits,
                    const uint64_t *m, size_t n, BN_CTX *ctx)
{
    size_t el = BN_LIMBS(ebits);
    BIGNUM *ba = bn_of(a, n), *bm = bn_of(m, n), *br = BN_new();
    BIGNUM *be = el ? bn_of(e, el) : BN_new();
    BN_mask_bits(be, (int)ebits);
    BN_set_flags(be, BN_FLG_CONSTTIME);
    if (!BN_mod_exp_mont_consttime(br, ba, be, bm, ctx, NULL))
        abort();
    limbs_of(want, n, br);
    BN_free(ba), BN_free(bm), BN_free(br), BN_free(be);
}

static uint64_t scratch2[BN_IFMA_EXP2_SCRATCH_LIMBS(BN_IFMA_MAX_LIMBS) + 8];

static void test_exp(size_t n, unsigned long count, int vary_len, BN_CTX *ctx)
{
    static bn_mont_ctx c1, c2;
    uint64_t m1[BN_MAX_LIMBS], m2[BN_MAX_LIMBS], a1[BN_MAX_LIMBS], a2[BN_MAX_LIMBS];
    uint64_t e1[BN_MAX_LIMBS + 1], e2[BN_MAX_LIMBS + 1], r1[BN_MAX_LIMBS], r2[BN_MAX_LIMBS];
    uint64_t w1[BN_MAX_LIMBS], w2[BN_MAX_LIMBS], g[BN_EXP_SCRATCH_LIMBS(BN_MAX_LIMBS)];
    unsigned long before = n_fail, singles = 0, pairs = 0;

    for (unsigned long it = 0; it < count; it++) {
        int kind = it % 97 == 5 ? (int)(1 + it / 97 % 3) : 0;
        if (it % 4 == 0 || kind) {
            make_modulus(m1, n, kind);
            make_modulus(m2, n, it % 7 == 3 ? 1 : 0);
            if (bn_mont_init(&c1, m1, n, BN_IMPL_PORTABLE) != FM_OK ||
                bn_mont_init(&c2, m2, n, BN_IMPL_PORTABLE) != FM_OK)
                abort();
        }
        make_base(a1, m1, n, it);
        make_base(a2, m2, n, it / 3 + rnd() % 5);
        size_t ebits = make_exp(e1, n, it, vary_len);
        /* the second exponent: same length, independent bits */
        size_t el = BN_LIMBS(ebits);
        rnd_limbs(e2, el + 1);
        if (ebits > 0 && it % 11 != 4)
            e2[(ebits - 1) / 64] |= (uint64_t)1 << ((ebits - 1) % 64);

        ref_exp(w1, a1, e1, ebits, m1, n, ctx);
        uint64_t *scr = scratch2 + it % 8; /* the scratch may have any alignment */
        if (it % 2 == 0) {
            /* single, with r aliasing a half of the time */
            if (it % 4 == 0) {
                memcpy(r1, a1, 8 * n);
                bn_ifma_mod_exp_ct(r1, r1, e1, ebits, &c1, scr);
            } else {
                bn_ifma_mod_exp_ct(r1, a1, e1, ebits, &c1, scr);
            }
            CHECK(memcmp(r1, w1, 8 * n) == 0, "exp n=%zu case %lu ebits %zu", n, it, ebits);
            singles++;
            /* and, now and then, the MULX/portable code agrees too */
            if (it % 64 == 0) {
                bn_mod_exp_ct(r2, a1, e1, ebits, &c1, g);
                CHECK(memcmp(r2, w1, 8 * n) == 0, "bn_mod_exp_ct n=%zu case %lu", n, it);
            }
        } else {
            ref_exp(w2, a2, e2, ebits, m2, n, ctx);
            memcpy(r2, a2, 8 * n);
            bn_ifma_mod_exp2_ct(r1, a1, e1, &c1, r2, r2, e2, &c2, ebits, scr);
            CHECK(memcmp(r1, w1, 8 * n) == 0, "exp2 first n=%zu case %lu ebits %zu", n, it,
                  ebits);
            CHECK(memcmp(r2, w2, 8 * n) == 0, "exp2 second n=%zu case %lu ebits %zu", n, it,
                  ebits);
            pairs++;
        }
        /* the scratch is wiped */
        int clean = 1;
        for (size_t i = 0; i < BN_IFMA_EXP2_SCRATCH_LIMBS(n); i++)
            clean &= scr[i] == 0;
        CHECK(clean, "scratch wiped n=%zu case %lu", n, it);
    }
    printf("  exp n = %2zu (%4zu-bit m%s): %lu single, %lu dual, %lu failed\n", n, 64 * n,
           vary_len ? ", any ebits" : ", full ebits", singles, pairs, n_fail - before);
    fflush(stdout);
}

/* ---- timings ------------------------------------------------------------------------------ */

/*
 * Seconds per call of body: the fastest of single calls timed for about
 * 0.4 s in all. The machine may be shared: the fastest call is the one
 * least disturbed by other processes, and every implementation is timed
 * the same way. (Only for calls of several microseconds or more.)
 */
#define TIME_IT(out, body)                                 \
    do {                                                   \
        double best_ = 1e9, start_ = now(), t0_, t1_;      \
        do {                                               \
            t0_ = now();                                   \
            body;                                          \
            t1_ = now();                                   \
            if (t1_ - t0_ < best_)                         \
                best_ = t1_ - t0_;                         \
        } while (t1_ - start_ < 0.4);                      \
        (out) = best_;                                     \
    } while (0)

/* OpenSSL RSA-2048 PKCS#1 v1.5 signatures per second (a SHA-256 digest). */
static double openssl_rsa2048_rate(void)
{
    EVP_PKEY *pk = EVP_RSA_gen(2048);
    EVP_PKEY_CTX *pc = pk ? EVP_PKEY_CTX_new(pk, NULL) : NULL;
    unsigned char dg[32] = { 1, 2, 3 }, sig[256];
    size_t sl;
    double t = 0;

    if (pc == NULL || EVP_PKEY_sign_init(pc) <= 0 ||
        EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PADDING) <= 0 ||
        EVP_PKEY_CTX_set_signature_md(pc, EVP_sha256()) <= 0)
        return 0;
    TIME_IT(t, (sl = sizeof sig, (void)EVP_PKEY_sign(pc, sig, &sl, dg, sizeof dg)));
    EVP_PKEY_CTX_free(pc);
    EVP_PKEY_free(pk);
    return 1.0 / t;
}

/* What rsa_private does besides the two exponentiations (RSA-2048). */
static void rest_of_sign(const bn_mont_ctx *cn, const bn_mont_ctx *c1, const bn_mont_ctx *c2,
                         const uint64_t *x, uint64_t *y, uint64_t *r1, uint64_t *r2,
                         uint64_t *h, uint64_t *t)
{
    static const uint64_t e65537[1] = { 65537 };
    size_t nl = cn->n, hl = c1->n;

    bn_mod_mul(y, x, x, cn); /* the next blinding pair: two squarings */
    bn_mod_mul(y, y, x, cn);
    bn_mod_mul(y, x, y, cn); /* the blinded input */
    bn_mod_reduce(r1, y, nl, c1);
    bn_mod_reduce(r2, y, nl, c2);
    bn_mod_reduce(h, r2, hl, c1); /* h = qinv (m1 - m2) mod p */
    bn_mod_sub(h, r1, h, c1->m, hl);
    bn_mod_mul(h, h, r1, c1);
    bn_mul_wide(t, h, hl, c2->m, hl); /* q h + m2 */
    bn_mod_exp_vartime(y, x, e65537, 1, cn); /* the fault check */
    bn_mod_mul(y, y, x, cn);                 /* unblinding */
}

static void bench(BN_CTX *ctx)
{
    static bn_mont_ctx c1, c2, cn;
    static uint64_t g[BN_EXP_SCRATCH_LIMBS(BN_MAX_LIMBS)];
    uint64_t m1[BN_MAX_LIMBS], m2[BN_MAX_LIMBS], a1[BN_MAX_LIMBS], a2[BN_MAX_LIMBS];
    uint64_t e1[BN_MAX_LIMBS], e2[BN_MAX_LIMBS], r1[BN_MAX_LIMBS], r2[BN_MAX_LIMBS];
    double t_mulx = 0, t_ifma = 0, t_dual = 0, t_ossl = 0, t_ossl2 = 0;
    double t16_mulx = 0, t16_dual = 0;

    printf("\nTimings (information only), one exponentiation with a full-length secret "
           "exponent:\n");
    printf("  %5s %10s %10s %10s %10s %10s   %s\n", "bits", "mulx us", "ifma us", "dual us",
           "ossl us", "ossl_x2 us", "speedups");
    for (size_t n = 16; n <= 32; n += 8) {
        make_modulus(m1, n, 0);
        make_modulus(m2, n, 0);
        bn_mont_init(&c1, m1, n, BN_IMPL_MULX);
        bn_mont_init(&c2, m2, n, BN_IMPL_MULX);
        rnd_limbs(e1, n);
        rnd_limbs(e2, n);
        make_base(a1, m1, n, 7);
        make_base(a2, m2, n, 7);
        size_t ebits = 64 * n;

        TIME_IT(t_mulx, bn_mod_exp_ct(r1, a1, e1, ebits, &c1, g));
        TIME_IT(t_ifma, bn_ifma_mod_exp_ct(r1, a1, e1, ebits, &c1, scratch2));
        TIME_IT(t_dual, bn_ifma_mod_exp2_ct(r1, a1, e1, &c1, r2, a2, e2, &c2, ebits, scratch2));
        t_dual /= 2;

        BIGNUM *bm1 = bn_of(m1, n), *bm2 = bn_of(m2, n), *ba1 = bn_of(a1, n);
        BIGNUM *ba2 = bn_of(a2, n), *be1 = bn_of(e1, n), *be2 = bn_of(e2, n);
        BIGNUM *br1 = BN_new(), *br2 = BN_new();
        BN_MONT_CTX *mc1 = BN_MONT_CTX_new(), *mc2 = BN_MONT_CTX_new();
        BN_MONT_CTX_set(mc1, bm1, ctx);
        BN_MONT_CTX_set(mc2, bm2, ctx);
        BN_set_flags(be1, BN_FLG_CONSTTIME);
        BN_set_flags(be2, BN_FLG_CONSTTIME);
        TIME_IT(t_ossl, BN_mod_exp_mont_consttime(br1, ba1, be1, bm1, ctx, mc1));
        TIME_IT(t_ossl2, BN_mod_exp_mont_consttime_x2(br1, ba1, be1, bm1, mc1, br2, ba2, be2,
                                                       bm2, mc2, ctx));
        t_ossl2 /= 2;
        printf("  %5zu %10.1f %10.1f %10.1f %10.1f %10.1f   ifma/mulx %.2fx, dual/mulx "
               "%.2fx, dual vs OpenSSL x2 %.2fx\n",
               64 * n, t_mulx * 1e6, t_ifma * 1e6, t_dual * 1e6, t_ossl * 1e6, t_ossl2 * 1e6,
               t_mulx / t_ifma, t_mulx / t_dual, t_ossl2 / t_dual);
        if (n == 16)
            t16_mulx = t_mulx, t16_dual = t_dual;
        BN_free(bm1), BN_free(bm2), BN_free(ba1), BN_free(ba2), BN_free(be1), BN_free(be2);
        BN_free(br1), BN_free(br2);
        BN_MONT_CTX_free(mc1), BN_MONT_CTX_free(mc2);
    }

    /*
     * RSA-2048 sign estimate: rsa_private = two 1024-bit exponentiations
     * + the rest (blinding: three 2048-bit modular multiplications and
     * the unblinding one; three reductions; the CRT recombination; the
     * fault check y^65537 mod n). The rest is timed here with the same
     * bn calls on random operands of the right sizes.
     */
    {
        uint64_t n2[32], x[32], y[32], t[64 + 2];
        double t_rest = 0;
        size_t nl = 32, hl = 16;
        for (;;) { /* n = m1 m2, of 2048 bits with the top limb nonzero */
            make_modulus(m1, hl, 0);
            make_modulus(m2, hl, 0);
            bn_mul(n2, m1, m2, hl);
            if (n2[nl - 1] >> 62)
                break;
        }
        bn_mont_init(&cn, n2, nl, BN_IMPL_MULX);
        bn_mont_init(&c1, m1, hl, BN_IMPL_MULX);
        bn_mont_init(&c2, m2, hl, BN_IMPL_MULX);
        rnd_limbs(x, nl);
        x[nl - 1] >>= 2;
        TIME_IT(t_rest, rest_of_sign(&cn, &c1, &c2, x, y, r1, r2, a1, t));
        double now_s = t_rest + 2 * t16_mulx, new_s = t_rest + 2 * t16_dual;
        double ossl = openssl_rsa2048_rate();
        printf("\nRSA-2048 sign (rsa_private) estimate: rest %.1f us + exponentiations\n"
               "  now (2 x mulx)  %.1f us = %6.0f /s\n"
               "  dual IFMA       %.1f us = %6.0f /s\n"
               "  OpenSSL (EVP_PKEY_sign, PKCS#1 v1.5, SHA-256 digest): %6.0f /s -> "
               "ratio %.2f (was %.2f)\n",
               t_rest * 1e6, now_s * 1e6, 1 / now_s, new_s * 1e6, 1 / new_s, ossl,
               ossl > 0 ? 1 / new_s / ossl : 0, ossl > 0 ? 1 / now_s / ossl : 0);
    }
}

/* ---- main ------------------------------------------------------------------------------ */

int main(int argc, char **argv)
{
    unsigned long long seed = 1;
    int do_bench = 1, quick = 0;
    BN_CTX *ctx = BN_CTX_new();

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-bench") == 0)
            do_bench = 0;
        else if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else
            seed = strtoull(argv[i], NULL, 0);
    }
    rng_state = seed;
    printf("bn_ifma_test: seed %llu\n", seed);
    if (!have_ifma()) {
        printf("bn_ifma_test: AVX-512 IFMA UNAVAILABLE (CPU or OS): nothing tested\n");
        return 0;
    }
    cpu_init_once();
    unsigned long per = quick ? 200 : 2000;

    test_normalize(quick ? 2000 : 20000);
    static const size_t amm_sizes[] = { 7, 9, 12, 14, 16, 17, 20, 24, 28, 31, 32 };
    for (size_t i = 0; i < sizeof amm_sizes / sizeof amm_sizes[0]; i++)
        test_amm(amm_sizes[i], quick ? 300 : 3000, ctx);
    /* the RSA sizes: 2 * per exponentiations each (per / 2 single calls,
     * per / 2 dual calls) */
    for (size_t n = 16; n <= 32; n += 8)
        test_exp(n, per, 0, ctx);
    /* other sizes and exponent lengths */
    static const size_t other[] = { 7, 8, 10, 13, 16, 17, 24, 29, 32 };
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
        test_exp(other[i], quick ? 40 : 200, 1, ctx);

    printf("bn_ifma_test: %s: %lu checks, %lu failed\n", n_fail ? "FAIL" : "PASS", n_checks,
           n_fail);
    if (do_bench && n_fail == 0)
        bench(ctx);
    BN_CTX_free(ctx);
    return n_fail ? 1 : 0;
}
