/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Montgomery multiplication, squaring and reduction with the x86-64 BMI2
 * and ADX instructions: MULX (a 64x64->128-bit product that leaves the
 * flags alone) and ADCX / ADOX (add with carry through CF / through OF:
 * two independent carry chains).
 *
 * The algorithm is the portable one of bn.c (separated operand scanning:
 * the full product, or for a square the off-diagonal half doubled plus the
 * diagonal, then the word-by-word reduction of HAC 14.32, then one masked
 * subtraction). Everything is built from one row, t[0..len) += a * b: per
 * limb a MULX, an ADCX that adds the low word to t (CF chain), an ADOX
 * that adds the previous limb's high word (OF chain) and a store, four
 * instructions where the portable code needs about thirteen. Rows run in
 * blocks of 8 or 16 limbs, with the outer loops (over the words of b, or
 * over the reduction's u = t[i] m0inv) inside the same assembler block.
 *
 * Why inline assembly and not the _mulx_u64 / _addcarryx_u64 intrinsics:
 * GCC 12 and Clang 14 keep a single carry flag live and never emit ADOX,
 * so two interleaved chains written with the intrinsics are compiled into
 * SETC / ADD sequences that save and restore the carries at every limb.
 * Measured here (AMD EPYC, gcc -O2), the intrinsics version was no faster
 * than the portable code; this one is 2.3 times faster than the portable
 * code and within 10% of OpenSSL's hand-written x86_64-mont5 assembly on
 * RSA-sized exponentiations (tests/unit/bn_test.c prints the timings). The
 * blocks are plain GNU C extended asm (AT&T syntax) inside the C file, so
 * the module stays one translation unit built with the pinned flags; loops
 * inside them step with LEA and test with JRCXZ, which leave CF and OF
 * alone, and the outer loops use DEC/JNZ where no carry is pending.
 *
 * Constant time: MULX, ADCX, ADOX, ADC and SBB take the same time whatever
 * their operands; every branch tests a count derived from the public limb
 * count, and addresses depend on positions only. The final subtraction
 * selects with a mask made by SBB (no CMOV, no branch).
 *
 * Each function has a target attribute (bmi2, adx) for documentation and
 * for the compilers' checks; the module is built for the baseline ISA, and
 * this code runs only for contexts made with BN_IMPL_MULX, which
 * bn_mont_init accepts only when cpuid reported BMI2 and ADX
 * (bn_impl_available in bn.c). Off x86-64 the entry points forward to the
 * portable kernels.
 */
#include "bn_internal.h"

#if defined(BN_X86_64)

#define BN_MULX_TARGET __attribute__((target("bmi2,adx")))
#define BN_MULX_INLINE BN_MULX_TARGET static inline __attribute__((always_inline))

/*
 * Assembler text of the row t[0..len) += a[0..len) * b, the inner loop of
 * every kernel below. On entry: rdx = b, %[tp] = t, %[ap] = a. The row is
 * cut into pieces of 1, 2 and 4 limbs (present when len & 1, len & 2,
 * len & 4) and then a loop over blocks of 8 or 16 limbs; the instructions
 * L1, L2, L4 and L8 put those three flags and the block count into rcx
 * (MOV and MOVZX leave the flags alone). On exit: %[tp] = t + len,
 * %[ap] = a + len, and %[p] holds the word that belongs at t[len] (the sum
 * fits in len + 1 limbs, so adding the last carries of both chains to the
 * last high word cannot wrap). Clobbers rcx, %[lo], %[h] and the flags.
 *
 * One limb (BN_MULX_LIMB): lo:hi = a[k] * b with MULX (flags untouched);
 * lo += t[k] in the CF chain (ADCX); lo += the previous high word in the
 * OF chain (ADOX); store. The high word alternates between %[h] and %[p]
 * so that no move is needed. Pieces and blocks are stepped with LEA and
 * tested with JRCXZ, which leave CF and OF alone: both chains run
 * unbroken across the row. (JRCXZ only reaches 127 bytes, hence the JMP
 * back to the top of the block loop.)
 */
#define BN_MULX_LIMB(off, HI, PREV)              \
    "mulxq " off "(%[ap]), %[lo], %[" HI "]\n\t" \
    "adcxq " off "(%[tp]), %[lo]\n\t"            \
    "adoxq %[" PREV "], %[lo]\n\t"               \
    "movq %[lo], " off "(%[tp])\n\t"

#define BN_MULX_LIMBS8(o)                \
    BN_MULX_LIMB(#o "+0", "h", "p")      \
    BN_MULX_LIMB(#o "+8", "p", "h")      \
    BN_MULX_LIMB(#o "+16", "h", "p")     \
    BN_MULX_LIMB(#o "+24", "p", "h")     \
    BN_MULX_LIMB(#o "+32", "h", "p")     \
    BN_MULX_LIMB(#o "+40", "p", "h")     \
    BN_MULX_LIMB(#o "+48", "h", "p")     \
    BN_MULX_LIMB(#o "+56", "p", "h")

#define BN_MULX_ROW_HEAD "xorl %k[p], %k[p]\n\t" /* p = 0, CF = OF = 0 */

/* The pieces of 1, 2 and 4 limbs (each ends with the high word in %[p]). */
#define BN_MULX_ROW_PIECES(L1, L2, L4)   \
    L1                                   \
    "jrcxz 11f\n\t"                      \
    "mulxq (%[ap]), %[lo], %[h]\n\t"     \
    "adcxq (%[tp]), %[lo]\n\t"           \
    "adoxq %[p], %[lo]\n\t"              \
    "movq %[lo], (%[tp])\n\t"            \
    "movq %[h], %[p]\n\t"                \
    "leaq 8(%[ap]), %[ap]\n\t"           \
    "leaq 8(%[tp]), %[tp]\n"             \
    "11:\n\t"                            \
    L2                                   \
    "jrcxz 12f\n\t"                      \
    BN_MULX_LIMB("0", "h", "p")          \
    BN_MULX_LIMB("8", "p", "h")          \
    "leaq 16(%[ap]), %[ap]\n\t"          \
    "leaq 16(%[tp]), %[tp]\n"            \
    "12:\n\t"                            \
    L4                                   \
    "jrcxz 14f\n\t"                      \
    BN_MULX_LIMB("0", "h", "p")          \
    BN_MULX_LIMB("8", "p", "h")          \
    BN_MULX_LIMB("16", "h", "p")         \
    BN_MULX_LIMB("24", "p", "h")         \
    "leaq 32(%[ap]), %[ap]\n\t"          \
    "leaq 32(%[tp]), %[tp]\n"            \
    "14:\n\t"

/* The loop over the blocks (BODY, STEP bytes each), then the two final
 * carries into %[p]. */
#define BN_MULX_ROW_BLOCKS(L8, BODY, STEP) \
    L8                                   \
    "jmp 16f\n"                          \
    "15:\n\t"                            \
    BODY                                 \
    "leaq " STEP "(%[ap]), %[ap]\n\t"    \
    "leaq " STEP "(%[tp]), %[tp]\n\t"    \
    "leaq -1(%%rcx), %%rcx\n"            \
    "16:\n\t"                            \
    "jrcxz 17f\n\t"                      \
    "jmp 15b\n"                          \
    "17:\n\t"                            \
    "movl $0, %k[lo]\n\t"                \
    "adcxq %[lo], %[p]\n\t"              \
    "adoxq %[lo], %[p]\n\t"

/*
 * Rows of a fixed length n, the flags and count given as operands %[r1],
 * %[r2], %[r4], %[r8]: any n (blocks of 8, %[r8] = n / 8); n % 8 == 0 (no
 * pieces); n % 16 == 0 (blocks of 16, %[r8] = n / 16: the RSA sizes).
 */
#define BN_MULX_LOAD(op) "movq %[" op "], %%rcx\n\t"
#define BN_MULX_ROW                                                                 \
    BN_MULX_ROW_HEAD                                                                \
    BN_MULX_ROW_PIECES(BN_MULX_LOAD("r1"), BN_MULX_LOAD("r2"), BN_MULX_LOAD("r4"))  \
    BN_MULX_ROW_BLOCKS(BN_MULX_LOAD("r8"), BN_MULX_LIMBS8(0), "64")
#define BN_MULX_ROW8 \
    BN_MULX_ROW_HEAD BN_MULX_ROW_BLOCKS(BN_MULX_LOAD("r8"), BN_MULX_LIMBS8(0), "64")
#define BN_MULX_ROW16                                                   \
    BN_MULX_ROW_HEAD                                                    \
    BN_MULX_ROW_BLOCKS(BN_MULX_LOAD("r8"), BN_MULX_LIMBS8(0) BN_MULX_LIMBS8(64), "128")

/*
 * t[0..2n) = a * b: row i adds a * b[i] at t[i] and stores its top word
 * at t[i+n], which no earlier row has reached. The outer loop tests with
 * DEC/JNZ: between rows no carry is pending.
 */
#define BN_MULX_MUL_ASM(ROW, BLK)                                                  \
    __asm__ __volatile__(                                                          \
        "1:\n\t"                                                                   \
        "movq (%[bp]), %%rdx\n\t"                                                  \
        "movq %[tb], %[tp]\n\t"                                                    \
        "movq %[a], %[ap]\n\t"                                                     \
        ROW                                                                        \
        "movq %[p], (%[tp])\n\t"                                                   \
        "leaq 8(%[bp]), %[bp]\n\t"                                                 \
        "leaq 8(%[tb]), %[tb]\n\t"                                                 \
        "decq %[cnt]\n\t"                                                          \
        "jnz 1b\n\t"                                                               \
        : [tb] "+r"(tb), [bp] "+r"(b), [cnt] "+rm"(cnt), [tp] "=&r"(tp),          \
          [ap] "=&r"(ap), [lo] "=&r"(lo), [h] "=&r"(h), [p] "=&r"(p)              \
        : [a] "rm"(a), [r1] "g"(n & 1), [r2] "g"(n & 2), [r4] "g"(n & 4),         \
          [r8] "g"(n / (BLK))                                                      \
        : "rcx", "rdx", "cc", "memory")

BN_MULX_INLINE void bn_mulx_mul(uint64_t *t, const uint64_t *a, const uint64_t *b, size_t n)
{
    uint64_t *tb = t, *tp, lo, h, p;
    const uint64_t *ap;
    size_t cnt = n;

    for (size_t i = 0; i < n; i++)
        t[i] = 0;
    if (n % 16 == 0)
        BN_MULX_MUL_ASM(BN_MULX_ROW16, 16);
    else if (n % 8 == 0)
        BN_MULX_MUL_ASM(BN_MULX_ROW8, 8);
    else
        BN_MULX_MUL_ASM(BN_MULX_ROW, 8);
}

/*
 * Montgomery reduction (HAC 14.32) of t[0..2n) < m R, in place: row i
 * adds m * u, u = t[i] * m0inv mod 2^64, at t[i]; its top word and the
 * carry c left by the previous row go into t[i+n] (ADD $-1 turns c back
 * into CF; the sum is below 2^65, so the new carry is one bit). Returns
 * the final carry: (c : t[n..2n)) < 2m.
 */
#define BN_MULX_REDC_ASM(ROW, BLK)                                                 \
    __asm__ __volatile__(                                                          \
        "1:\n\t"                                                                   \
        "movq (%[tb]), %%rdx\n\t"                                                  \
        "imulq %[k], %%rdx\n\t"                                                    \
        "movq %[tb], %[tp]\n\t"                                                    \
        "movq %[m], %[ap]\n\t"                                                     \
        ROW                                                                        \
        "addq $-1, %[c]\n\t"                                                       \
        "adcq %[p], (%[tp])\n\t"                                                   \
        "movl $0, %k[c]\n\t"                                                       \
        "adcl $0, %k[c]\n\t"                                                       \
        "leaq 8(%[tb]), %[tb]\n\t"                                                 \
        "decq %[cnt]\n\t"                                                          \
        "jnz 1b\n\t"                                                               \
        : [tb] "+r"(tb), [c] "+r"(c), [cnt] "+rm"(cnt), [tp] "=&r"(tp),           \
          [ap] "=&r"(ap), [lo] "=&r"(lo), [h] "=&r"(h), [p] "=&r"(p)              \
        : [m] "rm"(m), [k] "rm"(k), [r1] "g"(n & 1), [r2] "g"(n & 2),             \
          [r4] "g"(n & 4), [r8] "g"(n / (BLK))                                     \
        : "rcx", "rdx", "cc", "memory")

BN_MULX_INLINE uint64_t bn_mulx_redc_rows(uint64_t *t, const uint64_t *m, uint64_t k, size_t n)
{
    uint64_t *tb = t, *tp, lo, h, p, c = 0;
    const uint64_t *ap;
    size_t cnt = n;

    if (n % 16 == 0)
        BN_MULX_REDC_ASM(BN_MULX_ROW16, 16);
    else if (n % 8 == 0)
        BN_MULX_REDC_ASM(BN_MULX_ROW8, 8);
    else
        BN_MULX_REDC_ASM(BN_MULX_ROW, 8);
    return c;
}

/*
 * r = (hi : t) - m if that is not negative, else t, for (hi : t) < 2m
 * (hi 0 or 1): the SBB chain of t - m into r, then a masked choice.
 * r must not overlap t or m.
 */
BN_MULX_INLINE void bn_mulx_csub(uint64_t *r, const uint64_t *t, uint64_t hi,
                                 const uint64_t *m, size_t n)
{
    const uint64_t *tp = t, *mp = m;
    uint64_t *rp = r, x;
    size_t cnt = n / 4;

    __asm__ __volatile__(
        "xorl %k[x], %k[x]\n\t" /* CF = 0 */
        "jmp 2f\n"
        "1:\n\t"
        "movq (%[tp]), %[x]\n\t"
        "sbbq (%[mp]), %[x]\n\t"
        "movq %[x], (%[rp])\n\t"
        "movq 8(%[tp]), %[x]\n\t"
        "sbbq 8(%[mp]), %[x]\n\t"
        "movq %[x], 8(%[rp])\n\t"
        "movq 16(%[tp]), %[x]\n\t"
        "sbbq 16(%[mp]), %[x]\n\t"
        "movq %[x], 16(%[rp])\n\t"
        "movq 24(%[tp]), %[x]\n\t"
        "sbbq 24(%[mp]), %[x]\n\t"
        "movq %[x], 24(%[rp])\n\t"
        "leaq 32(%[tp]), %[tp]\n\t"
        "leaq 32(%[mp]), %[mp]\n\t"
        "leaq 32(%[rp]), %[rp]\n\t"
        "leaq -1(%%rcx), %%rcx\n"
        "2:\n\t"
        "jrcxz 3f\n\t"
        "jmp 1b\n"
        "3:\n\t"
        "movq %[rem], %%rcx\n\t"
        "jmp 5f\n"
        "4:\n\t"
        "movq (%[tp]), %[x]\n\t"
        "sbbq (%[mp]), %[x]\n\t"
        "movq %[x], (%[rp])\n\t"
        "leaq 8(%[tp]), %[tp]\n\t"
        "leaq 8(%[mp]), %[mp]\n\t"
        "leaq 8(%[rp]), %[rp]\n\t"
        "leaq -1(%%rcx), %%rcx\n"
        "5:\n\t"
        "jrcxz 6f\n\t"
        "jmp 4b\n"
        "6:\n\t"
        "sbbq %[x], %[x]\n\t" /* x = all-ones if t < m */
        : [tp] "+r"(tp), [mp] "+r"(mp), [rp] "+r"(rp), [x] "=&r"(x), "+c"(cnt)
        : [rem] "g"(n % 4)
        : "cc", "memory");
    /* Keep t when t < m and hi = 0. */
    uint64_t keep = bn_barrier(x & (hi - 1));
    for (size_t i = 0; i < n; i++)
        r[i] = bn_sel(keep, t[i], r[i]);
}

/* The pieces of a row of len limbs, len < 128: len & 1, len & 2, len & 4
 * and len / 8, for the squaring's rows of every length. */
#define BN_P1(l) { (l) & 1, (l) & 2, (l) & 4, (l) >> 3 }
#define BN_P4(l) BN_P1(l), BN_P1((l) + 1), BN_P1((l) + 2), BN_P1((l) + 3)
#define BN_P16(l) BN_P4(l), BN_P4((l) + 4), BN_P4((l) + 8), BN_P4((l) + 12)
#define BN_P64(l) BN_P16(l), BN_P16((l) + 16), BN_P16((l) + 32), BN_P16((l) + 48)
static const uint8_t bn_mulx_pieces[BN_MAX_LIMBS][4] = { BN_P64(0), BN_P64(64) };
#undef BN_P64
#undef BN_P16
#undef BN_P4
#undef BN_P1

/*
 * t[0..2n) = a^2. The off-diagonal rows first: row i adds a[i] *
 * a[i+1..n) at t[2i+1] (length n-1-i; its pieces come from
 * bn_mulx_pieces), its top word going to t[i+n]. Then one pass doubles t
 * (ADCX of each word to itself: the CF chain) and adds the squares a[i]^2
 * (ADOX: the OF chain). The off-diagonal sum is below 2^(128n-1): the
 * doubling carries nothing out.
 */
BN_MULX_INLINE void bn_mulx_sqr(uint64_t *t, const uint64_t *a, size_t n)
{
    uint64_t *tb = t + 1, *tp, lo, h, p, x0, x1;
    const uint64_t *ab = a, *ap;
    size_t len = n - 1;

    for (size_t i = 0; i < n; i++)
        t[i] = 0;
    t[2 * n - 1] = 0;
    if (n > 1)
        __asm__ __volatile__(
            "1:\n\t"
            "movq (%[ab]), %%rdx\n\t"
            "leaq 8(%[ab]), %[ap]\n\t"
            "movq %[tb], %[tp]\n\t"
            BN_MULX_ROW_HEAD
            BN_MULX_ROW_PIECES("movzbl 0(%[pt],%[len],4), %%ecx\n\t",
                               "movzbl 1(%[pt],%[len],4), %%ecx\n\t",
                               "movzbl 2(%[pt],%[len],4), %%ecx\n\t")
            BN_MULX_ROW_BLOCKS("movzbl 3(%[pt],%[len],4), %%ecx\n\t", BN_MULX_LIMBS8(0), "64")
            "movq %[p], (%[tp])\n\t"
            "leaq 16(%[tb]), %[tb]\n\t"
            "leaq 8(%[ab]), %[ab]\n\t"
            "decq %[len]\n\t"
            "jnz 1b\n\t"
            : [tb] "+r"(tb), [ab] "+r"(ab), [len] "+r"(len), [tp] "=&r"(tp),
              [ap] "=&r"(ap), [lo] "=&r"(lo), [h] "=&r"(h), [p] "=&r"(p)
            : [pt] "r"(bn_mulx_pieces)
            : "rcx", "rdx", "cc", "memory");

    tp = t;
    ap = a;
    len = n;
    __asm__ __volatile__(
        "xorl %k[lo], %k[lo]\n" /* CF = OF = 0 */
        "1:\n\t"
        "movq (%[ap]), %%rdx\n\t"
        "mulxq %%rdx, %[lo], %[h]\n\t"
        "movq (%[tp]), %[x0]\n\t"
        "movq 8(%[tp]), %[x1]\n\t"
        "adcxq %[x0], %[x0]\n\t"
        "adcxq %[x1], %[x1]\n\t"
        "adoxq %[lo], %[x0]\n\t"
        "adoxq %[h], %[x1]\n\t"
        "movq %[x0], (%[tp])\n\t"
        "movq %[x1], 8(%[tp])\n\t"
        "leaq 8(%[ap]), %[ap]\n\t"
        "leaq 16(%[tp]), %[tp]\n\t"
        "leaq -1(%%rcx), %%rcx\n\t"
        "jrcxz 2f\n\t"
        "jmp 1b\n"
        "2:\n\t"
        : [tp] "+r"(tp), [ap] "+r"(ap), [lo] "=&r"(lo), [h] "=&r"(h), [x0] "=&r"(x0),
          [x1] "=&r"(x1), "+c"(len)
        :
        : "rdx", "cc", "memory");
}

/* The entry points (see bn_internal.h). t: BN_MONT_TMP_LIMBS(n) limbs. */
BN_MULX_TARGET
static void bn_mulx_mont_mul(uint64_t *r, const uint64_t *a, const uint64_t *b,
                             const bn_mont_ctx *c, uint64_t *t)
{
    size_t n = c->n;

    bn_mulx_mul(t, a, b, n);
    bn_mulx_csub(r, t + n, bn_mulx_redc_rows(t, c->m, c->m0inv, n), c->m, n);
}

BN_MULX_TARGET
static void bn_mulx_mont_sqr(uint64_t *r, const uint64_t *a, const bn_mont_ctx *c, uint64_t *t)
{
    size_t n = c->n;

    bn_mulx_sqr(t, a, n);
    bn_mulx_csub(r, t + n, bn_mulx_redc_rows(t, c->m, c->m0inv, n), c->m, n);
}

BN_MULX_TARGET
static void bn_mulx_mont_redc(uint64_t *r, uint64_t *t, const bn_mont_ctx *c)
{
    size_t n = c->n;

    bn_mulx_csub(r, t + n, bn_mulx_redc_rows(t, c->m, c->m0inv, n), c->m, n);
}

#else
/* Never selected off x86-64 (bn_impl_available refuses BN_IMPL_MULX). */
static void bn_mulx_mont_mul(uint64_t *r, const uint64_t *a, const uint64_t *b,
                             const bn_mont_ctx *c, uint64_t *t)
{
    bn_portable_mont_mul(r, a, b, c, t);
}

static void bn_mulx_mont_sqr(uint64_t *r, const uint64_t *a, const bn_mont_ctx *c, uint64_t *t)
{
    bn_portable_mont_sqr(r, a, c, t);
}

static void bn_mulx_mont_redc(uint64_t *r, uint64_t *t, const bn_mont_ctx *c)
{
    bn_portable_mont_redc(r, t, c);
}
#endif
