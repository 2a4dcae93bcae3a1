/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Constant-time checks of the AVX-512 IFMA exponentiation
 * (src/rsa/bn_ifma.c).
 *
 * valgrind 3.19 has no AVX-512 support: under valgrind cpuid reports no
 * AVX-512, and the first EVEX instruction stops the program ("Illegal
 * opcode", SIGILL; `bn_ifma_ctgrind force` shows it). So memcheck,
 * with the modulus, the base and the exponent marked undefined (the
 * technique of rsa_pad_ctgrind.c), checks what it can run: the portable
 * parts of bn_ifma.c that see those secrets (ifma_from64 on the base and
 * the modulus, ifma_mod_init with its R^2 mod m doublings, the window
 * bits read by bn_exp_bits and turned into lookup masks by bn_mask_eq as
 * ifma_lookup does, ifma_to64 and the final masked subtraction). The
 * kernels themselves are covered two other ways:
 *
 *   - by review and disassembly: every conditional branch of the
 *     compiled IFMA code tests a loop index against a public bound, or a
 *     public size (nz, the "half" layout, the table size, the window
 *     width, a window's bit position); there is no CMOVcc or SETcc on
 *     limb data. To list each conditional jump with the instruction
 *     before it, in the module object (or in a test binary):
 *
 *       objdump -d --no-show-raw-insn build/obj/module_core.o | awk \
 *         '/^[0-9a-f]+ <.*ifma.*>:/ {f = 1; print; next} /^$/ {f = 0}
 *          f && $2 ~ /^j/ && $2 != "jmp" {print "   " prev; print "   " $0}
 *          f {prev = $0}'
 *
 *   - by timing, `bn_ifma_ctgrind timing` (natively, not under valgrind):
 *     a fixed-versus-random test in the manner of dudect (Reparaz, Balasch,
 *     Verbauwhede, 2017). Each measurement runs bn_ifma_mod_exp_ct or
 *     bn_ifma_mod_exp2_ct on inputs of one of two classes, picked at
 *     random: class 0 fixed special values (base 0 or 1, exponent 0 or
 *     all ones, a sparse modulus), class 1 random ones of the same
 *     sizes; Welch's t statistic of the two timing distributions (after
 *     dropping the slowest 10%, which a shared machine disturbs) must stay
 *     below 10 in absolute value (dudect calls |t| > 10 a clear leak).
 *
 * `bn_ifma_ctgrind selfcheck` runs a deliberately leaky helper (a branch
 * on a window's bits) on the same secret data and confirms that memcheck
 * reports it, so that a clean run means something.
 *
 * Build and run (repository root, after `make -j2`; CC=gcc or CC=clang;
 * -gdwarf-4 because valgrind 3.19 cannot read Clang 14's DWARF 5):
 *
 *   $CC -std=c11 -Wall -Wextra -Werror -O2 -gdwarf-4 -D_GNU_SOURCE -Iinclude \
 *       -o build/bn_ifma_ctgrind tests/unit/bn_ifma_ctgrind.c \
 *       build/obj/module_glue.o build/obj/platform.o -lpthread && \
 *   valgrind --error-exitcode=1 -q build/bn_ifma_ctgrind     # memcheck part
 *   valgrind -q build/bn_ifma_ctgrind selfcheck              # must report errors
 *   build/bn_ifma_ctgrind timing [seconds]                   # natively
 */
#include "fipsmod/cpu.h"
#ifndef FM_CPU_AVX512IFMA
#define FM_CPU_AVX512IFMA (1u << 11) /* until cpu.h has it */
#endif

#include "../../src/module/module.c"
#ifndef FIPSMOD_RSA_BN_IFMA
#include "../../src/rsa/bn_ifma.c"
#endif

#include <cpuid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <valgrind/memcheck.h>

/* The hashed range is not used here. */
const unsigned char fm_module_start[1], fm_module_end[1];

#define SECRET(p, n) ((void)VALGRIND_MAKE_MEM_UNDEFINED((p), (n)))
#define PUBLIC(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))

static unsigned passed, failed;
static uint64_t rng_state = 1;

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

static int have_ifma(void)
{
    unsigned a, b, c, d;
    uint32_t lo, hi;

    if (__get_cpuid_max(0, NULL) < 7)
        return 0;
    __cpuid(1, a, b, c, d);
    if (!(c & (1u << 27)))
        return 0;
    __asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    (void)hi;
    if ((lo & 0xe6) != 0xe6)
        return 0;
    __cpuid_count(7, 0, a, b, c, d);
    uint32_t need = (1u << 16) | (1u << 21) | (1u << 30) | (1u << 31) | (1u << 8);
    return (b & need) == need;
}

/* ---- memcheck: the portable parts ---------------------------------------------- */

#define VW_MAX BN_IFMA_VW(BN_IFMA_MAX_LIMBS)

/* A leaky window lookup, for selfcheck: branches on the secret index. */
static void leaky_lookup(uint64_t *r, const uint64_t *table, size_t entries, uint64_t idx,
                         size_t vw)
{
    for (size_t i = 0; i < entries; i++) {
        if (i == idx) /* a branch on a secret */
            memcpy(r, table + i * vw, vw * sizeof *r);
    }
}

/*
 * The portable steps of bn_ifma_mod_exp_ct on secret m, a, e (n limbs),
 * in the order the exponentiation runs them; the table is filled with
 * stand-in values (the AMMs need AVX-512). Returns the memcheck errors.
 */
static unsigned run_portable(size_t n, int leaky)
{
    static bn_mont_ctx c;
    static uint64_t s[(((size_t)1 << BN_EXP_WINDOW_MAX) + 6) * VW_MAX];
    uint64_t m[BN_MAX_LIMBS] = { 0 }, a[BN_MAX_LIMBS] = { 0 }, e[BN_MAX_LIMBS] = { 0 };
    uint64_t r[BN_MAX_LIMBS];
    size_t vw = BN_IFMA_VW(n), ebits = 64 * n;
    unsigned w = bn_exp_window(ebits), errs0;
    size_t entries = (size_t)1 << w;
    uint64_t *table = s + 6 * vw, *acc = s + 4 * vw, *ent = s + 5 * vw;
    ifma_mod im;

    rnd_limbs(m, n);
    m[0] |= 1;
    m[n - 1] |= (uint64_t)1 << 63;
    rnd_limbs(a, n);
    rnd_limbs(e, n);
    /* The context is made with a public m (bn_mont_init returns whether m
     * is valid, which its caller branches on); its contents are then
     * secret, as for an RSA prime. */
    if (bn_mont_init(&c, m, n, BN_IMPL_PORTABLE) != FM_OK)
        abort();
    memset(s, 0, sizeof s);
    for (size_t i = 0; i < entries * vw; i++)
        table[i] = rnd() & BN_IFMA_MASK52;

    SECRET(c.m, sizeof c.m);
    SECRET(c.rr, sizeof c.rr);
    SECRET(&c.m0inv, sizeof c.m0inv);
    SECRET(a, sizeof a);
    SECRET(e, sizeof e);
    SECRET(table, entries * vw * sizeof *table);
    errs0 = VALGRIND_COUNT_ERRORS;

    ifma_mod_init(&im, &c, s, s + vw, s + 2 * vw, s + 3 * vw);
    ifma_from64(ent, vw, a, n);
    /* The window loop of bn_ifma_mod_exp_ct without the AMMs: the bits,
     * the masks of ifma_lookup (here with scalar AND/OR over the same
     * entries), the accumulator. */
    size_t nwin = (ebits + w - 1) / w, pos = (nwin - 1) * w;
    for (;;) {
        unsigned width = pos + w > ebits ? (unsigned)(ebits - pos) : w;
        uint64_t idx = bn_exp_bits(e, pos, width);
        if (leaky) {
            leaky_lookup(ent, table, entries, idx, vw);
        } else {
            for (size_t k = 0; k < vw; k++)
                ent[k] = 0;
            for (size_t i = 0; i < entries; i++) {
                uint64_t keep = bn_mask_eq((uint64_t)i, idx);
                for (size_t k = 0; k < vw; k++)
                    ent[k] |= table[i * vw + k] & keep;
            }
        }
        for (size_t k = 0; k < vw; k++)
            acc[k] = (acc[k] + ent[k]) & BN_IFMA_MASK52;
        if (pos == 0)
            break;
        pos -= w;
    }
    /* The output conversion and reduction (ifma_exp_out) on a value of
     * the form AMM(acc, 1) produces (<= m). */
    bn_copy(r, c.m, n);
    (void)bn_sub_word(r, r, n, 1);
    ifma_from64(ent, vw, r, n);
    {
        ifma_exp x;
        x.im = im;
        x.ent = ent;
        ifma_exp_out(r, &x, &c);
    }
    unsigned errs = VALGRIND_COUNT_ERRORS - errs0;
    PUBLIC(s, sizeof s);
    PUBLIC(r, sizeof r);
    PUBLIC(&c, sizeof c);
    bn_mont_ctx_wipe(&c);
    return errs;
}

static int memcheck_main(int leaky)
{
    static const size_t sizes[] = { 7, 16, 24, 32 };

    if (!RUNNING_ON_VALGRIND)
        printf("bn_ifma_ctgrind: not under valgrind: the checks below only run the code\n");
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        for (int rep = 0; rep < 3; rep++) {
            unsigned errs = run_portable(sizes[i], leaky);
            if (leaky ? errs > 0 : errs == 0) {
                passed++;
            } else {
                failed++;
                printf("FAIL: n = %zu: %u memcheck errors\n", sizes[i], errs);
            }
        }
    }
    if (leaky) {
        printf("selfcheck: %s: memcheck reported the leaky lookup in %u of %u runs\n",
               failed == 0 && RUNNING_ON_VALGRIND ? "passed" : "FAILED", passed,
               passed + failed);
        return failed == 0 && RUNNING_ON_VALGRIND ? 0 : 1;
    }
    printf("bn_ifma_ctgrind: portable parts with secret modulus, base, exponent: "
           "%u passed, %u failed\n", passed, failed);
    if (have_ifma())
        printf("bn_ifma_ctgrind: AVX-512 IFMA present: run `bn_ifma_ctgrind timing` "
               "natively for the kernels\n");
    else
        printf("bn_ifma_ctgrind: AVX-512 IFMA not reported by cpuid%s: kernels not run\n",
               RUNNING_ON_VALGRIND ? " (valgrind hides it: it cannot run AVX-512)" : "");
    return failed ? 1 : 0;
}

/* ---- timing: fixed versus random ------------------------------------------------ */

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return 1e9 * (double)ts.tv_sec + (double)ts.tv_nsec;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* sqrt without libm (the unit-test build rule links no -lm): Newton. */
static double sqrt_d(double v)
{
    double x = v > 1 ? v : 1;

    if (v <= 0)
        return 0;
    for (int i = 0; i < 200; i++)
        x = 0.5 * (x + v / x);
    return x;
}

/* Welch's t of two samples after dropping each one's slowest 10%. */
static double welch_t(double *x, size_t nx, double *y, size_t ny)
{
    double mx = 0, my = 0, vx = 0, vy = 0;

    qsort(x, nx, sizeof *x, cmp_double);
    qsort(y, ny, sizeof *y, cmp_double);
    nx = nx * 9 / 10;
    ny = ny * 9 / 10;
    for (size_t i = 0; i < nx; i++)
        mx += x[i];
    for (size_t i = 0; i < ny; i++)
        my += y[i];
    mx /= (double)nx;
    my /= (double)ny;
    for (size_t i = 0; i < nx; i++)
        vx += (x[i] - mx) * (x[i] - mx);
    for (size_t i = 0; i < ny; i++)
        vy += (y[i] - my) * (y[i] - my);
    vx /= (double)(nx - 1);
    vy /= (double)(ny - 1);
    return (mx - my) / sqrt_d(vx / (double)nx + vy / (double)ny);
}

#define T_MAX 20000

/*
 * One fixed-versus-random test: what = 0 varies the base, 1 the
 * exponent, 2 the modulus; dual = 1 uses bn_ifma_mod_exp2_ct. Returns |t|.
 */
static double timing_case(size_t n, int what, int dual, double seconds)
{
    static bn_mont_ctx c[2][2];
    static uint64_t scratch[BN_IFMA_EXP2_SCRATCH_LIMBS(BN_IFMA_MAX_LIMBS)];
    static double tx[T_MAX], ty[T_MAX];
    uint64_t m[2][2][BN_MAX_LIMBS], a[2][2][BN_MAX_LIMBS], e[2][2][BN_MAX_LIMBS];
    uint64_t r1[BN_MAX_LIMBS], r2[BN_MAX_LIMBS];
    size_t nx = 0, ny = 0;
    double start = now_ns();

    /* class 0: fixed special values; class 1: random, refreshed below */
    for (int op = 0; op < 2; op++) {
        for (int cl = 0; cl < 2; cl++) {
            rnd_limbs(m[cl][op], n);
            m[cl][op][0] |= 1;
            m[cl][op][n - 1] |= (uint64_t)1 << 63;
            rnd_limbs(a[cl][op], n);
            rnd_limbs(e[cl][op], n);
        }
        /* Only the varied input differs between the classes. */
        memcpy(a[0][op], a[1][op], sizeof a[0][op]);
        memcpy(e[0][op], e[1][op], sizeof e[0][op]);
        memcpy(m[0][op], m[1][op], sizeof m[0][op]);
        if (what == 0) { /* base 0 / 1 */
            memset(a[0][op], 0, sizeof a[0][op]);
            a[0][op][0] = (uint64_t)op;
        } else if (what == 1) { /* exponent 0 / all ones */
            memset(e[0][op], op ? 0xff : 0, sizeof e[0][op]);
        } else { /* a sparse modulus: 2^(64n-1) + 1 or + 3 */
            memset(m[0][op], 0, sizeof m[0][op]);
            m[0][op][0] = 1 + 2 * (uint64_t)op;
            m[0][op][n - 1] = (uint64_t)1 << 63;
        }
        for (int cl = 0; cl < 2; cl++)
            if (bn_mont_init(&c[cl][op], m[cl][op], n, BN_IMPL_PORTABLE) != FM_OK)
                abort();
    }
    while (nx + ny < 2 * T_MAX - 2 && now_ns() - start < seconds * 1e9) {
        int cl = (int)(rnd() & 1);
        if (cl == 1) { /* fresh random inputs of the varied kind */
            for (int op = 0; op < 2; op++) {
                if (what == 0) {
                    rnd_limbs(a[1][op], n);
                } else if (what == 1) {
                    rnd_limbs(e[1][op], n);
                } else {
                    rnd_limbs(m[1][op], n);
                    m[1][op][0] |= 1;
                    m[1][op][n - 1] |= (uint64_t)1 << 63;
                    if (bn_mont_init(&c[1][op], m[1][op], n, BN_IMPL_PORTABLE) != FM_OK)
                        abort();
                }
            }
        }
        double t0 = now_ns();
        if (dual)
            bn_ifma_mod_exp2_ct(r1, a[cl][0], e[cl][0], &c[cl][0], r2, a[cl][1], e[cl][1],
                                &c[cl][1], 64 * n, scratch);
        else
            bn_ifma_mod_exp_ct(r1, a[cl][0], e[cl][0], 64 * n, &c[cl][0], scratch);
        double t1 = now_ns();
        if (cl == 0 && nx < T_MAX)
            tx[nx++] = t1 - t0;
        else if (cl == 1 && ny < T_MAX)
            ty[ny++] = t1 - t0;
    }
    double t = welch_t(tx, nx, ty, ny);
    return t < 0 ? -t : t;
}

static int timing_main(double seconds)
{
    static const char *const what_name[] = { "base", "exponent", "modulus" };
    int bad = 0;

    if (!have_ifma()) {
        printf("bn_ifma_ctgrind timing: AVX-512 IFMA UNAVAILABLE: nothing to time\n");
        return 0;
    }
    for (size_t n = 16; n <= 32; n += 16) {
        for (int dual = 0; dual < 2; dual++) {
            for (int what = 0; what < 3; what++) {
                double t = timing_case(n, what, dual, seconds);
                int ok = t < 10;
                bad |= !ok;
                printf("  %4zu-bit %-6s fixed vs random %-8s |t| = %5.2f  %s\n", 64 * n,
                       dual ? "dual" : "single", what_name[what], t, ok ? "ok" : "LEAK?");
                fflush(stdout);
            }
        }
    }
    printf("bn_ifma_ctgrind timing: %s (|t| < 10 everywhere)\n", bad ? "FAIL" : "PASS");
    return bad;
}

/* ---- force: the kernels under valgrind (they cannot run there) -------------------- */

static int force_main(void)
{
    static bn_mont_ctx c;
    static uint64_t scratch[BN_IFMA_EXP_SCRATCH_LIMBS(16)];
    uint64_t m[16], a[16], e[16];

    rnd_limbs(m, 16);
    m[0] |= 1;
    m[15] |= (uint64_t)1 << 63;
    rnd_limbs(a, 16);
    rnd_limbs(e, 16);
    if (bn_mont_init(&c, m, 16, BN_IMPL_PORTABLE) != FM_OK)
        abort();
    SECRET(c.m, sizeof c.m);
    SECRET(a, sizeof a);
    SECRET(e, sizeof e);
    printf("bn_ifma_ctgrind force: calling bn_ifma_mod_exp_ct%s\n",
           have_ifma() ? "" : " although cpuid does not report AVX-512 IFMA");
    fflush(stdout);
    bn_ifma_mod_exp_ct(a, a, e, 1024, &c, scratch);
    PUBLIC(a, sizeof a);
    printf("bn_ifma_ctgrind force: returned (%s)\n",
           RUNNING_ON_VALGRIND ? "valgrind ran it" : "natively");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "selfcheck") == 0)
        return memcheck_main(1);
    if (argc > 1 && strcmp(argv[1], "timing") == 0)
        return timing_main(argc > 2 ? atof(argv[2]) : 4.0);
    if (argc > 1 && strcmp(argv[1], "force") == 0)
        return force_main();
    return memcheck_main(0);
}
