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
 * subtraction), in two shapes:
 *
 *  - band kernels, for limb counts that are multiples of 8 (every RSA
 *    modulus and prime: n = 16, 24, 32, 48, 64): eight rows at a time, the
 *    eight words of t they work on held in registers r8..r15, so that t is
 *    read and written once per eight products; see "Band kernels" below.
 *  - row kernels, for the other limb counts: one row t[0..len) += a * b at
 *    a time, per limb a MULX, an ADCX that adds the low word to t (CF
 *    chain), an ADOX that adds the previous limb's high word (OF chain)
 *    and a store, in pieces of 1, 2, 4 and blocks of 8 limbs.
 *
 * Measured on AMD Zen 4 (EPYC, gcc 12 -O2), where ADCX and ADOX together
 * issue at two per cycle and MULX at one, and every other ALU instruction
 * in the loop takes issue slots from them: a band step (8 products) runs
 * in about 11 cycles; the band kernels square 7-17% and multiply 4-11%
 * faster than the row kernels (n = 64 down to 16), which makes RSA
 * verification 8-10% and CRT signing 10-14% faster end to end (make bench
 * FILTER=RSA; signing with FIPSMOD_CPU=-avx512ifma, which keeps it on
 * these kernels).
 *
 * Why inline assembly and not the _mulx_u64 / _addcarryx_u64 intrinsics:
 * GCC 12 and Clang 14 keep a single carry flag live and never emit ADOX,
 * so two interleaved chains written with the intrinsics are compiled into
 * SETC / ADD sequences that save and restore the carries at every limb
 * (measured: no faster than the portable code). The blocks are plain GNU C
 * extended asm (AT&T syntax) inside the C file, so the module stays one
 * translation unit built with the pinned flags. Loops that run while a
 * carry is pending step with LEA and INC and test with JRCXZ or JNZ, which
 * leave CF (and, except INC, OF) alone; the others use CMP or DEC where no
 * carry is pending.
 *
 * Constant time: MULX, ADCX, ADOX, ADC, SBB, IMUL and the SSE2 logic take
 * the same time whatever their operands; every branch tests a count or a
 * pointer derived from the public limb count, and addresses depend on
 * positions only. The final subtraction selects with a mask made by SBB
 * (no CMOV, no branch).
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
 * the row kernels. On entry: rdx = b, %[tp] = t, %[ap] = a. The row is
 * cut into pieces of 1, 2 and 4 limbs (present when len & 1, len & 2,
 * len & 4) and then a loop over blocks of 8 limbs; the instructions
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
 * A row of a fixed length n, the flags and count given as operands %[r1],
 * %[r2], %[r4], %[r8] (n & 1, n & 2, n & 4, n / 8). These row kernels
 * serve the limb counts that are not multiples of 8; the band kernels
 * further down take the others (every RSA size).
 */
#define BN_MULX_LOAD(op) "movq %[" op "], %%rcx\n\t"
#define BN_MULX_ROW                                                                 \
    BN_MULX_ROW_HEAD                                                                \
    BN_MULX_ROW_PIECES(BN_MULX_LOAD("r1"), BN_MULX_LOAD("r2"), BN_MULX_LOAD("r4"))  \
    BN_MULX_ROW_BLOCKS(BN_MULX_LOAD("r8"), BN_MULX_LIMBS8(0), "64")

/*
 * t[0..2n) = a * b: row i adds a * b[i] at t[i] and stores its top word
 * at t[i+n], which no earlier row has reached. The outer loop tests with
 * DEC/JNZ: between rows no carry is pending.
 */
BN_MULX_INLINE void bn_mulx_mul(uint64_t *t, const uint64_t *a, const uint64_t *b, size_t n)
{
    uint64_t *tb = t, *tp, lo, h, p;
    const uint64_t *ap;
    size_t cnt = n;

    for (size_t i = 0; i < n; i++)
        t[i] = 0;
    __asm__ __volatile__(
        "1:\n\t"
        "movq (%[bp]), %%rdx\n\t"
        "movq %[tb], %[tp]\n\t"
        "movq %[a], %[ap]\n\t"
        BN_MULX_ROW
        "movq %[p], (%[tp])\n\t"
        "leaq 8(%[bp]), %[bp]\n\t"
        "leaq 8(%[tb]), %[tb]\n\t"
        "decq %[cnt]\n\t"
        "jnz 1b\n\t"
        : [tb] "+r"(tb), [bp] "+r"(b), [cnt] "+rm"(cnt), [tp] "=&r"(tp), [ap] "=&r"(ap),
          [lo] "=&r"(lo), [h] "=&r"(h), [p] "=&r"(p)
        : [a] "rm"(a), [r1] "g"(n & 1), [r2] "g"(n & 2), [r4] "g"(n & 4), [r8] "g"(n / 8)
        : "rcx", "rdx", "cc", "memory");
}

/*
 * Montgomery reduction (HAC 14.32) of t[0..2n) < m R, in place: row i
 * adds m * u, u = t[i] * m0inv mod 2^64, at t[i]; its top word and the
 * carry c left by the previous row go into t[i+n] (ADD $-1 turns c back
 * into CF; the sum is below 2^65, so the new carry is one bit). Returns
 * the final carry: (c : t[n..2n)) < 2m.
 */
BN_MULX_INLINE uint64_t bn_mulx_redc_rows(uint64_t *t, const uint64_t *m, uint64_t k, size_t n)
{
    uint64_t *tb = t, *tp, lo, h, p, c = 0;
    const uint64_t *ap;
    size_t cnt = n;

    __asm__ __volatile__(
        "1:\n\t"
        "movq (%[tb]), %%rdx\n\t"
        "imulq %[k], %%rdx\n\t"
        "movq %[tb], %[tp]\n\t"
        "movq %[m], %[ap]\n\t"
        BN_MULX_ROW
        "addq $-1, %[c]\n\t"
        "adcq %[p], (%[tp])\n\t"
        "movl $0, %k[c]\n\t"
        "adcl $0, %k[c]\n\t"
        "leaq 8(%[tb]), %[tb]\n\t"
        "decq %[cnt]\n\t"
        "jnz 1b\n\t"
        : [tb] "+r"(tb), [c] "+r"(c), [cnt] "+rm"(cnt), [tp] "=&r"(tp), [ap] "=&r"(ap),
          [lo] "=&r"(lo), [h] "=&r"(h), [p] "=&r"(p)
        : [m] "rm"(m), [k] "rm"(k), [r1] "g"(n & 1), [r2] "g"(n & 2), [r4] "g"(n & 4),
          [r8] "g"(n / 8)
        : "rcx", "rdx", "cc", "memory");
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
 * The second half of a square: t[0..2n) = 2 t + the squares a[i]^2 at
 * t[2i], for t holding the off-diagonal sum (below 2^(128n-1), so the
 * doubling carries nothing out). One pass: ADCX of each word to itself
 * (the CF chain) and ADOX of the squares (the OF chain).
 */
BN_MULX_INLINE void bn_mulx_sqr_diag(uint64_t *t, const uint64_t *a, size_t n)
{
    uint64_t *tp = t, lo, h, x0, x1;
    const uint64_t *ap = a;
    size_t len = n;

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
    uint64_t *tb = t + 1, *tp, lo, h, p;
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

    bn_mulx_sqr_diag(t, a, n);
}


/*
 * ---- Band kernels, for n a multiple of 8 ----------------------------------
 *
 * A band is eight rows: eight words y[0..8) (eight words of b, eight
 * Montgomery factors u, or eight words of a for a square) multiplied by a
 * whole operand x, word by word, with a window of eight registers r8..r15
 * holding the eight positions of t the band is working on. One step, for
 * the word x[i] in rdx, adds x[i] * y[0..8) (nine words) into the window
 * at position p, together with the word t[p] that earlier bands left;
 * position p is then complete for this band: it is stored and the window
 * moves up one position.
 *
 * A step (BN_MXB_STEP), with the window W0..W7 in r8..r15:
 *
 *     rbx = W0; (lo0, hi0) = x * y0; r8 = hi0
 *     rbx += t[p]             (ADOX: OF chain, position p)
 *     rbx += lo0              (ADCX: CF chain, position p); store rbx at t[p]
 *     for k = 1..7:
 *         r(k-1) += W(k)      (ADOX, position p+k: hi(k-1) + W(k))
 *         (lo, hi) = x * y[k]; r(k) = hi
 *         r(k-1) += lo        (ADCX, position p+k)
 *     r15 += OF; r15 += CF    (position p+8: both chains closed)
 *
 * MULX writes each high word straight into the register that becomes the
 * next window slot, so the window moves without any MOV, and both chains
 * are closed at the end of every step (CF = OF = 0 again). The closing
 * cannot wrap: counting positions from the band's first one, the window
 * after the step at position p is floor(V / 2^(64(p+1))), V being all the
 * band has added so far: words of t at positions p and below (at most
 * 2^(64(p+1)) - 1; a reduction band starts with eight such words, which
 * the bound covers too) and x[0..p] y (at most (2^(64(p+1)) - 1)(2^512 -
 * 1)). So V < 2^(64(p+1)) 2^512, and the window fits in its eight words.
 *
 * A step is 8 MULX and 18 ADCX/ADOX (15 for the products, 1 for t[p], 2
 * to close), otherwise only loads, one store and one MOV, which the core
 * renames away. The two chains are the bottleneck (two ADCX/ADOX per
 * cycle): each extra ALU instruction in the step costs about a cycle, so
 * the loop overhead comes once per eight steps, and the values the loops
 * need besides the three pointers are memory operands on the stack: the
 * bounds, m0inv and the zero the chains are closed with.
 *
 * Registers: the window r8..r15, rax (low words), rbx (the word leaving
 * the window), rdx (the multiplier), and the pointers %[x], %[t], %[y],
 * which the compiler picks among the remaining ones. The loops test with
 * CMP x, bound, which leaves CF = OF = 0 while the bound is above the
 * pointer and at the exit, as the next step requires.
 */
#define BN_MXB_P(k, RP, RK)                  \
    "adoxq %%" RK ", %%" RP "\n\t"           \
    "mulxq " #k "*8(%[y]), %%rax, %%" RK "\n\t" \
    "adcxq %%rax, %%" RP "\n\t"

#define BN_MXB_P1 BN_MXB_P(1, "r8", "r9")
#define BN_MXB_P2 BN_MXB_P1 BN_MXB_P(2, "r9", "r10")
#define BN_MXB_P3 BN_MXB_P2 BN_MXB_P(3, "r10", "r11")
#define BN_MXB_P4 BN_MXB_P3 BN_MXB_P(4, "r11", "r12")
#define BN_MXB_P5 BN_MXB_P4 BN_MXB_P(5, "r12", "r13")
#define BN_MXB_P6 BN_MXB_P5 BN_MXB_P(6, "r13", "r14")
#define BN_MXB_P7 BN_MXB_P6 BN_MXB_P(7, "r14", "r15")

#define BN_MXB_CLOSE(R) "adoxq %[zero], %%" R "\n\t" "adcxq %[zero], %%" R "\n\t"

/* Head of a step: rdx = x at byte offset XO, the word leaving the window
 * plus t at byte offset TO plus the low word of x * y0, stored at TO. */
#define BN_MXB_HEAD(XO, TO)                  \
    "movq " #XO "(%[x]), %%rdx\n\t"          \
    "movq %%r8, %%rbx\n\t"                   \
    "mulxq (%[y]), %%rax, %%r8\n\t"          \
    "adoxq " #TO "(%[t]), %%rbx\n\t"         \
    "adcxq %%rax, %%rbx\n\t"                 \
    "movq %%rbx, " #TO "(%[t])\n\t"

/* The same where t holds nothing yet (the first band): no t word to add. */
#define BN_MXB_HEAD0(XO, TO)                 \
    "movq " #XO "(%[x]), %%rdx\n\t"          \
    "movq %%r8, %%rbx\n\t"                   \
    "mulxq (%[y]), %%rax, %%r8\n\t"          \
    "adcxq %%rax, %%rbx\n\t"                 \
    "movq %%rbx, " #TO "(%[t])\n\t"

#define BN_MXB_STEP(O) BN_MXB_HEAD(O, O) BN_MXB_P7 BN_MXB_CLOSE("r15")
#define BN_MXB_STEP0(O) BN_MXB_HEAD0(O, O) BN_MXB_P7 BN_MXB_CLOSE("r15")

/* Eight steps S, x and t advancing together, then the loop test. */
#define BN_MXB_LOOP8(L, S)                                                      \
    L ":\n\t"                                                                   \
    S(0) S(8) S(16) S(24) S(32) S(40) S(48) S(56)                               \
    "leaq 64(%[x]), %[x]\n\t"                                                   \
    "leaq 64(%[t]), %[t]\n\t"                                                   \
    "cmpq %[x], %[xend]\n\t"                                                    \
    "jne " L "b\n\t"

#define BN_MXB_ZERO8                                                            \
    "xorl %%r8d, %%r8d\n\t" "xorl %%r9d, %%r9d\n\t" "xorl %%r10d, %%r10d\n\t"  \
    "xorl %%r11d, %%r11d\n\t" "xorl %%r12d, %%r12d\n\t" "xorl %%r13d, %%r13d\n\t" \
    "xorl %%r14d, %%r14d\n\t" "xorl %%r15d, %%r15d\n\t"

#define BN_MXB_STORE8                                                           \
    "movq %%r8, (%[t])\n\t" "movq %%r9, 8(%[t])\n\t" "movq %%r10, 16(%[t])\n\t" \
    "movq %%r11, 24(%[t])\n\t" "movq %%r12, 32(%[t])\n\t" "movq %%r13, 40(%[t])\n\t" \
    "movq %%r14, 48(%[t])\n\t" "movq %%r15, 56(%[t])\n\t"

#define BN_MXB_CLOBBERS \
    "rax", "rbx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "cc", "memory"

/*
 * bn_mulx_sqr_diag for n % 8 == 0: eight limbs of a (sixteen words of t)
 * per trip, so that the loop's own instructions (LEA, JRCXZ, JMP: they
 * leave CF and OF alone, and both chains run across the whole pass) come
 * once per eight limbs instead of once per limb.
 */
#define BN_MXB_DIAG(I)                                   \
    "movq " #I "*8(%[ap]), %%rdx\n\t"                    \
    "mulxq %%rdx, %[lo], %[h]\n\t"                       \
    "movq " #I "*16(%[tp]), %[x0]\n\t"                   \
    "movq " #I "*16+8(%[tp]), %[x1]\n\t"                 \
    "adcxq %[x0], %[x0]\n\t"                             \
    "adcxq %[x1], %[x1]\n\t"                             \
    "adoxq %[lo], %[x0]\n\t"                             \
    "adoxq %[h], %[x1]\n\t"                              \
    "movq %[x0], " #I "*16(%[tp])\n\t"                   \
    "movq %[x1], " #I "*16+8(%[tp])\n\t"

BN_MULX_INLINE void bn_mulx_sqr_diag8(uint64_t *t, const uint64_t *a, size_t n)
{
    uint64_t *tp = t, lo, h, x0, x1;
    const uint64_t *ap = a;
    size_t cnt = n / 8;

    __asm__ __volatile__(
        "xorl %k[lo], %k[lo]\n" /* CF = OF = 0 */
        "1:\n\t"
        BN_MXB_DIAG(0) BN_MXB_DIAG(1) BN_MXB_DIAG(2) BN_MXB_DIAG(3)
        BN_MXB_DIAG(4) BN_MXB_DIAG(5) BN_MXB_DIAG(6) BN_MXB_DIAG(7)
        "leaq 64(%[ap]), %[ap]\n\t"
        "leaq 128(%[tp]), %[tp]\n\t"
        "leaq -1(%%rcx), %%rcx\n\t"
        "jrcxz 2f\n\t"
        "jmp 1b\n"
        "2:\n\t"
        : [tp] "+r"(tp), [ap] "+r"(ap), [lo] "=&r"(lo), [h] "=&r"(h), [x0] "=&r"(x0),
          [x1] "=&r"(x1), "+c"(cnt)
        :
        : "rdx", "cc", "memory");
}

/*
 * bn_mulx_csub for n % 8 == 0, in one assembler block: the SBB chain of
 * t - m into r, eight limbs per trip (INC leaves CF alone), the mask
 * "keep t" (borrow and hi = 0), then the masked choice r = keep ? t : r
 * two limbs at a time in SSE2 registers (PXOR, PAND: no branch, and off
 * the integer ports). r must not overlap t or m.
 */
#define BN_MXB_SBB(I)                                    \
    "movq " #I "*8(%[tp]), %[x]\n\t"                     \
    "sbbq " #I "*8(%[mp]), %[x]\n\t"                     \
    "movq %[x], " #I "*8(%[rp])\n\t"

#define BN_MXB_SEL(I)                                    \
    "movdqu " #I "*16(%[tp]), %%xmm1\n\t"                \
    "movdqu " #I "*16(%[rp]), %%xmm2\n\t"                \
    "pxor %%xmm2, %%xmm1\n\t"                            \
    "pand %%xmm0, %%xmm1\n\t"                            \
    "pxor %%xmm2, %%xmm1\n\t"                            \
    "movdqu %%xmm1, " #I "*16(%[rp])\n\t"

BN_MULX_INLINE void bn_mulx_csub8(uint64_t *r, const uint64_t *t, uint64_t hi,
                                  const uint64_t *m, size_t n)
{
    const uint64_t *tp = t, *mp = m;
    uint64_t *rp = r, x;
    intptr_t cnt = -(intptr_t)(n / 8);

    __asm__ __volatile__(
        "xorl %k[x], %k[x]\n" /* CF = 0 */
        "1:\n\t"
        BN_MXB_SBB(0) BN_MXB_SBB(1) BN_MXB_SBB(2) BN_MXB_SBB(3)
        BN_MXB_SBB(4) BN_MXB_SBB(5) BN_MXB_SBB(6) BN_MXB_SBB(7)
        "leaq 64(%[tp]), %[tp]\n\t"
        "leaq 64(%[mp]), %[mp]\n\t"
        "leaq 64(%[rp]), %[rp]\n\t"
        "incq %[cnt]\n\t"
        "jnz 1b\n\t"
        "sbbq %[x], %[x]\n\t"       /* all-ones if t < m */
        "decq %[hi]\n\t"            /* all-ones if hi = 0 */
        "andq %[hi], %[x]\n\t"      /* keep t */
        "movq %[x], %%xmm0\n\t"
        "punpcklqdq %%xmm0, %%xmm0\n\t"
        "movq %[n8], %[cnt]\n\t"
        "subq %[n8x8], %[tp]\n\t"
        "subq %[n8x8], %[rp]\n"
        "2:\n\t"
        BN_MXB_SEL(0) BN_MXB_SEL(1) BN_MXB_SEL(2) BN_MXB_SEL(3)
        "leaq 64(%[tp]), %[tp]\n\t"
        "leaq 64(%[rp]), %[rp]\n\t"
        "decq %[cnt]\n\t"
        "jnz 2b\n\t"
        : [tp] "+r"(tp), [mp] "+r"(mp), [rp] "+r"(rp), [x] "=&r"(x), [cnt] "+r"(cnt),
          [hi] "+r"(hi)
        : [n8] "g"((intptr_t)(n / 8)), [n8x8] "g"((intptr_t)(8 * n))
        : "xmm0", "xmm1", "xmm2", "cc", "memory");
}

/*
 * t[0..2n) = a * b, n % 8 == 0. Band j (y = b[8j..8j+8)) runs its n steps
 * over a from position 8j, adding the words earlier bands left there (the
 * first band, label 1, finds nothing there and adds nothing), and stores
 * its last window at t[8j+n..8j+n+8), where no band has written yet.
 */
BN_MULX_INLINE void bn_mulx_mul8(uint64_t *t, const uint64_t *a, const uint64_t *b, size_t n)
{
    const uint64_t zero = 0, nb = 8 * (uint64_t)n - 64;
    const uint64_t *xend = a + n, *yend = b + n, *xp, *yp = b;
    uint64_t *tp = t;

    __asm__ __volatile__(
        BN_MXB_ZERO8
        "movq %[a], %[x]\n"
        BN_MXB_LOOP8("1", BN_MXB_STEP0)
        "jmp 4f\n"
        "3:\n\t"
        BN_MXB_ZERO8
        "movq %[a], %[x]\n"
        BN_MXB_LOOP8("2", BN_MXB_STEP)
        "4:\n\t"
        BN_MXB_STORE8
        "subq %[nb], %[t]\n\t"
        "leaq 64(%[y]), %[y]\n\t"
        "cmpq %[y], %[yend]\n\t"
        "jne 3b\n\t"
        : [x] "=&r"(xp), [t] "+r"(tp), [y] "+r"(yp)
        : [a] "m"(a), [xend] "m"(xend), [yend] "m"(yend), [nb] "m"(nb), [zero] "m"(zero)
        : BN_MXB_CLOBBERS);
}

/*
 * The off-diagonal part of a square, n % 8 == 0: band j (y = a[8j..8j+8))
 * first takes the triangle of products inside its own block, a[8j+d] *
 * a[8j+s] for s < d (steps d = 1..7 at positions 16j+d with d products
 * each: window slots d and up are still zero), then the rectangle with
 * a[8j+8..n) (full steps from position 16j+8), and stores its last window
 * at t[8j+n..8j+n+8), where no band has written yet. The first band (label
 * 1) finds t empty and adds nothing from it. Then bn_mulx_sqr_diag8
 * doubles the sum and adds the squares.
 */
#define BN_MXB_TRI(XO, TO, PK, R) BN_MXB_HEAD(XO, TO) PK BN_MXB_CLOSE(R)
#define BN_MXB_TRI0(XO, TO, PK, R) BN_MXB_HEAD0(XO, TO) PK BN_MXB_CLOSE(R)
#define BN_MXB_TRIANGLE(T)                                                      \
    T(8, 0, "", "r8")                                                           \
    T(16, 8, BN_MXB_P1, "r9")                                                   \
    T(24, 16, BN_MXB_P2, "r10")                                                 \
    T(32, 24, BN_MXB_P3, "r11")                                                 \
    T(40, 32, BN_MXB_P4, "r12")                                                 \
    T(48, 40, BN_MXB_P5, "r13")                                                 \
    T(56, 48, BN_MXB_P6, "r14")                                                 \
    "leaq 64(%[x]), %[x]\n\t"                                                   \
    "leaq 56(%[t]), %[t]\n\t"                                                   \
    "cmpq %[x], %[xend]\n\t"

BN_MULX_INLINE void bn_mulx_sqr8(uint64_t *t, const uint64_t *a, size_t n)
{
    const uint64_t zero = 0;
    const uint64_t *xend = a + n, *xp, *yp = a;
    uint64_t *tp, *tb = t + 1;

    t[0] = 0;
    __asm__ __volatile__(
        BN_MXB_ZERO8
        "movq %[tb], %[t]\n\t"
        "movq %[y], %[x]\n\t"
        BN_MXB_TRIANGLE(BN_MXB_TRI0)
        "je 5f\n"
        BN_MXB_LOOP8("1", BN_MXB_STEP0)
        "jmp 5f\n"
        "3:\n\t"
        BN_MXB_ZERO8
        "movq %[tb], %[t]\n\t"
        "movq %[y], %[x]\n\t"
        BN_MXB_TRIANGLE(BN_MXB_TRI)
        "je 5f\n"
        BN_MXB_LOOP8("2", BN_MXB_STEP)
        "5:\n\t"
        BN_MXB_STORE8
        "addq $128, %[tb]\n\t"
        "leaq 64(%[y]), %[y]\n\t"
        "cmpq %[y], %[xend]\n\t"
        "jne 3b\n\t"
        : [x] "=&r"(xp), [t] "=&r"(tp), [y] "+r"(yp), [tb] "+m"(tb)
        : [xend] "m"(xend), [zero] "m"(zero)
        : BN_MXB_CLOBBERS);
    bn_mulx_sqr_diag8(t, a, n);
}

/*
 * Montgomery reduction of t[0..2n) < m R in place, n % 8 == 0, band by
 * band. Band j loads t[8j..8j+8) into the window and makes the eight
 * factors u = W0 * m0inv one step at a time (BN_MXB_USTEP: y = m[0..8);
 * the word leaving the window is zero by construction and only its carry
 * is kept), storing each u over the t word it cancelled. Then y = those
 * eight u and the steps run over m[8..n), and the last window is added to
 * t[8j+n..8j+n+8) with the carry the previous band left (ADC chain), its
 * own carry kept for the next band. Returns the final carry: (carry :
 * t[n..2n)) < 2m.
 */
#define BN_MXB_USTEP(O)                       \
    "movq %%r8, %%rdx\n\t"                    \
    "imulq %[k], %%rdx\n\t"                   \
    "xorl %%eax, %%eax\n\t"                   \
    "movq %%rdx, " #O "(%[t])\n\t"            \
    "movq %%r8, %%rbx\n\t"                    \
    "mulxq (%[y]), %%rax, %%r8\n\t"           \
    "adcxq %%rax, %%rbx\n\t"                  \
    BN_MXB_P7 BN_MXB_CLOSE("r15")

BN_MULX_INLINE uint64_t bn_mulx_redc8(uint64_t *t, const uint64_t *m, uint64_t k, size_t n)
{
    const uint64_t zero = 0, nb = 8 * (uint64_t)n - 64;
    const uint64_t *xend = m + n, *m8 = m + 8, *xp, *yp;
    uint64_t *tp = t, *tend = t + n, c = 0;

    __asm__ __volatile__(
        "1:\n\t"
        "movq %[m], %[y]\n\t"
        "movq (%[t]), %%r8\n\t" "movq 8(%[t]), %%r9\n\t" "movq 16(%[t]), %%r10\n\t"
        "movq 24(%[t]), %%r11\n\t" "movq 32(%[t]), %%r12\n\t" "movq 40(%[t]), %%r13\n\t"
        "movq 48(%[t]), %%r14\n\t" "movq 56(%[t]), %%r15\n\t"
        BN_MXB_USTEP(0) BN_MXB_USTEP(8) BN_MXB_USTEP(16) BN_MXB_USTEP(24)
        BN_MXB_USTEP(32) BN_MXB_USTEP(40) BN_MXB_USTEP(48) BN_MXB_USTEP(56)
        "movq %[t], %[y]\n\t"
        "leaq 64(%[t]), %[t]\n\t"
        "movq %[m8], %[x]\n\t"
        "cmpq %[x], %[xend]\n\t"
        "je 3f\n"
        BN_MXB_LOOP8("2", BN_MXB_STEP)
        "3:\n\t"
        "movq %[c], %%rax\n\t"
        "addq $-1, %%rax\n\t" /* CF = c */
        "adcq %%r8, (%[t])\n\t" "adcq %%r9, 8(%[t])\n\t" "adcq %%r10, 16(%[t])\n\t"
        "adcq %%r11, 24(%[t])\n\t" "adcq %%r12, 32(%[t])\n\t" "adcq %%r13, 40(%[t])\n\t"
        "adcq %%r14, 48(%[t])\n\t" "adcq %%r15, 56(%[t])\n\t"
        "movl $0, %%eax\n\t"
        "adcl $0, %%eax\n\t"
        "movq %%rax, %[c]\n\t"
        "subq %[nb], %[t]\n\t"
        "cmpq %[t], %[tend]\n\t"
        "jne 1b\n\t"
        : [x] "=&r"(xp), [t] "+r"(tp), [y] "=&r"(yp), [c] "+m"(c)
        : [m] "m"(m), [m8] "m"(m8), [k] "m"(k), [xend] "m"(xend), [tend] "m"(tend),
          [nb] "m"(nb), [zero] "m"(zero)
        : BN_MXB_CLOBBERS);
    return c;
}

/*
 * The entry points (see bn_internal.h); t: BN_MONT_TMP_LIMBS(n) limbs. The
 * reduction and final subtraction are shared by all three (not inlined:
 * one copy of the band loops in the instruction cache).
 */
BN_MULX_TARGET __attribute__((noinline))
static void bn_mulx_mont_redc(uint64_t *r, uint64_t *t, const bn_mont_ctx *c)
{
    size_t n = c->n;

    if (n % 8 == 0)
        bn_mulx_csub8(r, t + n, bn_mulx_redc8(t, c->m, c->m0inv, n), c->m, n);
    else
        bn_mulx_csub(r, t + n, bn_mulx_redc_rows(t, c->m, c->m0inv, n), c->m, n);
}

BN_MULX_TARGET
static void bn_mulx_mont_mul(uint64_t *r, const uint64_t *a, const uint64_t *b,
                             const bn_mont_ctx *c, uint64_t *t)
{
    size_t n = c->n;

    if (n % 8 == 0)
        bn_mulx_mul8(t, a, b, n);
    else
        bn_mulx_mul(t, a, b, n);
    bn_mulx_mont_redc(r, t, c);
}

BN_MULX_TARGET
static void bn_mulx_mont_sqr(uint64_t *r, const uint64_t *a, const bn_mont_ctx *c, uint64_t *t)
{
    size_t n = c->n;

    if (n % 8 == 0)
        bn_mulx_sqr8(t, a, n);
    else
        bn_mulx_sqr(t, a, n);
    bn_mulx_mont_redc(r, t, c);
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
