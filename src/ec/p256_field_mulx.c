/* SPDX-License-Identifier: Apache-2.0 */
/*
 * P-256 field multiplication and squaring with the x86-64 BMI2 and ADX
 * instructions: MULX (64x64->128-bit product that leaves the flags alone)
 * and ADCX / ADOX (add with carry through CF / through OF: two carry
 * chains at once). Same representation and results as the portable
 * p256_fe_mul / p256_fe_sqr of p256_field.c (Montgomery form, R = 2^256,
 * outputs fully reduced, output may alias the inputs), which must be
 * included first; the arithmetic is explained there.
 *
 *  - p256_fe_mul_mulx: four rows, each followed by its reduction step
 *    (CIOS). A row adds a * b[i] to the five-limb accumulator: MULX of
 *    each limb of a, the low words through the CF chain (ADCX), the high
 *    words through the OF chain (ADOX). The reduction step needs no
 *    multiplication: with u the low limb, it adds u << 32, u >> 32 and
 *    u p3 = (u : u) - (u >> 32 : u << 32) (p3 the top limb of p, one SUB
 *    and one SBB) at the next four limbs, in one ADD/ADC chain.
 *  - p256_fe_sqr_mulx: the six cross products in two chains, one pass
 *    that doubles them (ADCX of each word to itself) and adds the four
 *    squares (ADOX), then four reduction steps on the low half (which
 *    stays within four limbs), the high half added.
 *
 * Both end with one conditional subtraction of p (the value is below 2p):
 * an SBB chain, then CMOVC selects the original words when it borrowed.
 * CMOV executes in the same time whichever way the flag goes (it is a
 * data dependency, not a branch), and in assembly no compiler can change
 * it; it is shorter than the mask-and-merge that the portable code uses
 * (4 instructions instead of 13, and one cycle of latency instead of 3).
 * Valgrind's memcheck does not report CMOV on secret flags (it propagates
 * the undefinedness to the result), consistent with this.
 *
 * Measured on AMD Zen 4 (EPYC, 3.7 GHz, gcc 12 -O2), per call through a
 * function pointer with the operands in memory: multiplication 48 cycles
 * (13.0 ns) when each call waits for the previous result, 36 (9.8 ns) per
 * call for independent calls; squaring 41 / 30 (11.1 / 8.1 ns). In the
 * same harness OpenSSL 3.0's ecp_nistz256_mul_mont / _sqr_mont (its MULX
 * assembly) take 49 / 43.5 and 44 / 38, the portable C 53 / 50 and
 * 46 / 42.5. The critical path is the carry chains: a row waits for the
 * previous reduction step (about four cycles per row), and variants that
 * computed the row ahead or reduced the full product afterwards were no
 * faster. tests/unit/p256_field_test.c prints both figures.
 *
 * Why inline assembly: GCC 12 and Clang 14 never emit ADOX, and their
 * code for the unsigned __int128 products juggles RAX/RDX (MUL's fixed
 * registers) with spills; see src/rsa/bn_mulx.c. The blocks are GNU C
 * extended asm (AT&T syntax) with every value in a named register
 * operand, the operands in memory passed as "m" operands (so no "memory"
 * clobber is needed), 13 general registers in all.
 *
 * Constant time: straight-line code; MULX, ADCX, ADOX, ADD/ADC, SUB/SBB,
 * shifts and CMOV take the same time whatever their operands; addresses
 * are fixed offsets from the operand pointers.
 *
 * The functions carry the target attribute (bmi2, adx) for documentation
 * and the compilers' checks; the module is built for the baseline ISA and
 * the caller must use them only when cpuid reported both BMI2 and ADX
 * (leaf 7: EBX bits 8 and 19). Off x86-64 (and with -DP256_GENERIC_C,
 * for the tests) they forward to the portable functions.
 * p256_fe_inv_mulx and p256_fe_sqrt_mulx are the addition chains of
 * p256_field.c over these kernels.
 */
#ifndef FIPSMOD_EC_P256_FIELD_MULX_C
#define FIPSMOD_EC_P256_FIELD_MULX_C

#ifndef FIPSMOD_EC_P256_FIELD_C
#error "include p256_field.c before p256_field_mulx.c"
#endif

#if defined(__x86_64__) && !defined(P256_GENERIC_C)

#define P256_MULX_TARGET __attribute__((target("bmi2,adx")))

/*
 * Reduction step on the accumulator A0..A4 (A5 = 0 on entry):
 * A1..A5 = (A0..A4 + u p) / 2^64, u = A0. x = u << 32, y = u >> 32,
 * (A0 : lo) = (u : u) - (y : x) = u p3; then one carry chain adds
 * x, y, lo, A0 at A1..A4 and the carry into A5. The flags-writing
 * shifts and subtraction come before the chain.
 */
#define P256_MULX_REDC(A0, A1, A2, A3, A4, A5) \
    "movq %[" A0 "], %[x]\n\t"                 \
    "shlq $32, %[x]\n\t"                       \
    "movq %[" A0 "], %[y]\n\t"                 \
    "shrq $32, %[y]\n\t"                       \
    "movq %[" A0 "], %[lo]\n\t"                \
    "subq %[x], %[lo]\n\t"                     \
    "sbbq %[y], %[" A0 "]\n\t"                 \
    "addq %[x], %[" A1 "]\n\t"                 \
    "adcq %[y], %[" A2 "]\n\t"                 \
    "adcq %[lo], %[" A3 "]\n\t"                \
    "adcq %[" A0 "], %[" A4 "]\n\t"            \
    "adcq $0, %[" A5 "]\n\t"

/*
 * Row OFF/8 of the product: A0..A4 += a * b[OFF/8]. Z is zeroed (which
 * also clears CF and OF; it is the register the previous reduction step
 * freed, and the next one's A5). The sum fits in five limbs (the
 * accumulator is below 2p, see p256_fe_mul), so both chains close
 * without a carry out: the last ADCX adds the pending CF into A4.
 */
#define P256_MULX_ROW(OFF, A0, A1, A2, A3, A4, Z) \
    "movq " OFF "(%[b]), %%rdx\n\t"               \
    "xorl %k[" Z "], %k[" Z "]\n\t"               \
    "mulxq 0(%[a]), %[lo], %[hi]\n\t"             \
    "adcxq %[lo], %[" A0 "]\n\t"                  \
    "adoxq %[hi], %[" A1 "]\n\t"                  \
    "mulxq 8(%[a]), %[lo], %[hi]\n\t"             \
    "adcxq %[lo], %[" A1 "]\n\t"                  \
    "adoxq %[hi], %[" A2 "]\n\t"                  \
    "mulxq 16(%[a]), %[lo], %[hi]\n\t"            \
    "adcxq %[lo], %[" A2 "]\n\t"                  \
    "adoxq %[hi], %[" A3 "]\n\t"                  \
    "mulxq 24(%[a]), %[lo], %[hi]\n\t"            \
    "adcxq %[lo], %[" A3 "]\n\t"                  \
    "adoxq %[hi], %[" A4 "]\n\t"                  \
    "adcxq %[" Z "], %[" A4 "]\n\t"

/*
 * (C4 : C0..C3) < 2p, C4 = 0 or 1: D0..D3 = that value mod p. D = C - p
 * (SBB chain, borrow through C4), then CMOVC takes C back when it
 * borrowed. The limbs 1 and 3 of p are made in the registers P1 and P3
 * first (0xffffffff and its negation, 0xffffffff00000001): measured, SBB
 * from registers is 1.5 cycles faster than from memory operands. C4, P1
 * and P3 are destroyed.
 */
#define P256_MULX_CSUB(C0, C1, C2, C3, C4, D0, D1, D2, D3, P1, P3) \
    "movl $0xffffffff, %k[" P1 "]\n\t"                           \
    "movq %[" P1 "], %[" P3 "]\n\t"                              \
    "negq %[" P3 "]\n\t"                                         \
    "movq " C0 ", " D0 "\n\t"                                    \
    "subq $-1, " D0 "\n\t"                                       \
    "movq " C1 ", " D1 "\n\t"                                    \
    "sbbq %[" P1 "], " D1 "\n\t"                                 \
    "movq " C2 ", " D2 "\n\t"                                    \
    "sbbq $0, " D2 "\n\t"                                        \
    "movq " C3 ", " D3 "\n\t"                                    \
    "sbbq %[" P3 "], " D3 "\n\t"                                 \
    "sbbq $0, " C4 "\n\t"                                        \
    "cmovcq " C0 ", " D0 "\n\t"                                  \
    "cmovcq " C1 ", " D1 "\n\t"                                  \
    "cmovcq " C2 ", " D2 "\n\t"                                  \
    "cmovcq " C3 ", " D3 "\n\t"

/* r = a b R^-1 mod p (a, b < p); see p256_fe_mul. */
P256_MULX_TARGET static void p256_fe_mul_mulx(uint64_t *r, const uint64_t *a, const uint64_t *b)
{
    uint64_t t0, t1, t2, t3, t4, t5, lo, hi, x, y, d;

    __asm__(
        /* Row 0: t0..t4 = a * b[0], one chain (t5 = 0 closes it). */
        "movq 0(%[b]), %%rdx\n\t"
        "xorl %k[t5], %k[t5]\n\t"
        "mulxq 0(%[a]), %[t0], %[t1]\n\t"
        "mulxq 8(%[a]), %[lo], %[t2]\n\t"
        "adcxq %[lo], %[t1]\n\t"
        "mulxq 16(%[a]), %[lo], %[t3]\n\t"
        "adcxq %[lo], %[t2]\n\t"
        "mulxq 24(%[a]), %[lo], %[t4]\n\t"
        "adcxq %[lo], %[t3]\n\t"
        "adcxq %[t5], %[t4]\n\t"
        P256_MULX_REDC("t0", "t1", "t2", "t3", "t4", "t5")
        P256_MULX_ROW("8", "t1", "t2", "t3", "t4", "t5", "t0")
        P256_MULX_REDC("t1", "t2", "t3", "t4", "t5", "t0")
        P256_MULX_ROW("16", "t2", "t3", "t4", "t5", "t0", "t1")
        P256_MULX_REDC("t2", "t3", "t4", "t5", "t0", "t1")
        P256_MULX_ROW("24", "t3", "t4", "t5", "t0", "t1", "t2")
        P256_MULX_REDC("t3", "t4", "t5", "t0", "t1", "t2")
        /* The result is (t2 : t1 t0 t5 t4), below 2p. */
        P256_MULX_CSUB("%[t4]", "%[t5]", "%[t0]", "%[t1]", "%[t2]",
                       "%[lo]", "%[x]", "%[y]", "%%rdx", "hi", "t3")
        : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4),
          [t5] "=&r"(t5), [lo] "=&r"(lo), [hi] "=&r"(hi), [x] "=&r"(x), [y] "=&r"(y),
          "=&d"(d)
        : [a] "r"(a), [b] "r"(b), "m"(*(const uint64_t(*)[4])a),
          "m"(*(const uint64_t(*)[4])b)
        : "cc");
    r[0] = lo;
    r[1] = x;
    r[2] = y;
    r[3] = d;
}

/*
 * Reduction step of the low half, four limbs: (R1, R2, R3, R0) =
 * (R0..R3 + u p) / 2^64, u = R0 (no fifth limb: see P256_REDC_STEP4).
 */
#define P256_MULX_REDC4(R0, R1, R2, R3) \
    "movq %[" R0 "], %[x]\n\t"          \
    "shlq $32, %[x]\n\t"                \
    "movq %[" R0 "], %[y]\n\t"          \
    "shrq $32, %[y]\n\t"                \
    "movq %[" R0 "], %[z]\n\t"          \
    "subq %[x], %[z]\n\t"               \
    "sbbq %[y], %[" R0 "]\n\t"          \
    "addq %[x], %[" R1 "]\n\t"          \
    "adcq %[y], %[" R2 "]\n\t"          \
    "adcq %[z], %[" R3 "]\n\t"          \
    "adcq $0, %[" R0 "]\n\t"

/* r = a^2 R^-1 mod p (a < p); see p256_fe_sqr. */
P256_MULX_TARGET static void p256_fe_sqr_mulx(uint64_t *r, const uint64_t *a)
{
    uint64_t t0, t1, t2, t3, t4, t5, t6, t7, x, y, z;

    __asm__(
        /* a0 (a1, a2, a3) at limbs 1-4, one chain; t7 = 0 closes them. */
        "movq 0(%[a]), %%rdx\n\t"
        "xorl %k[t7], %k[t7]\n\t"
        "mulxq 8(%[a]), %[t1], %[t2]\n\t"
        "mulxq 16(%[a]), %[x], %[t3]\n\t"
        "adcxq %[x], %[t2]\n\t"
        "mulxq 24(%[a]), %[x], %[t4]\n\t"
        "adcxq %[x], %[t3]\n\t"
        "adcxq %[t7], %[t4]\n\t"
        /* a1 (a2, a3) at limbs 3-5: low words CF, high words OF. The sum
         * so far is below 2^384 (at most with every limb 2^64 - 1), so
         * both chains close into t5. */
        "movq 8(%[a]), %%rdx\n\t"
        "mulxq 16(%[a]), %[x], %[y]\n\t"
        "adcxq %[x], %[t3]\n\t"
        "adoxq %[y], %[t4]\n\t"
        "mulxq 24(%[a]), %[x], %[t5]\n\t"
        "adcxq %[x], %[t4]\n\t"
        "adoxq %[t7], %[t5]\n\t"
        "adcxq %[t7], %[t5]\n\t"
        /* a2 a3 at limbs 5-6 (the cross sum is below 2^448). */
        "movq 16(%[a]), %%rdx\n\t"
        "mulxq 24(%[a]), %[x], %[t6]\n\t"
        "adcxq %[x], %[t5]\n\t"
        "adcxq %[t7], %[t6]\n\t"
        /* Double (CF chain: each word added to itself, t7 = the bit out)
         * and add the squares a_i^2 at limbs 2i, 2i+1 (OF chain). */
        "movq 0(%[a]), %%rdx\n\t"
        "mulxq %%rdx, %[t0], %[y]\n\t"
        "adcxq %[t1], %[t1]\n\t"
        "adoxq %[y], %[t1]\n\t"
        "movq 8(%[a]), %%rdx\n\t"
        "mulxq %%rdx, %[x], %[y]\n\t"
        "adcxq %[t2], %[t2]\n\t"
        "adoxq %[x], %[t2]\n\t"
        "adcxq %[t3], %[t3]\n\t"
        "adoxq %[y], %[t3]\n\t"
        "movq 16(%[a]), %%rdx\n\t"
        "mulxq %%rdx, %[x], %[y]\n\t"
        "adcxq %[t4], %[t4]\n\t"
        "adoxq %[x], %[t4]\n\t"
        "adcxq %[t5], %[t5]\n\t"
        "adoxq %[y], %[t5]\n\t"
        "movq 24(%[a]), %%rdx\n\t"
        "mulxq %%rdx, %[x], %[y]\n\t"
        "adcxq %[t6], %[t6]\n\t"
        "adoxq %[x], %[t6]\n\t"
        "adcxq %[t7], %[t7]\n\t"
        "adoxq %[y], %[t7]\n\t"
        /* Reduce the low half, add the high half (carry into rdx). */
        P256_MULX_REDC4("t0", "t1", "t2", "t3")
        P256_MULX_REDC4("t1", "t2", "t3", "t0")
        P256_MULX_REDC4("t2", "t3", "t0", "t1")
        P256_MULX_REDC4("t3", "t0", "t1", "t2")
        "xorl %%edx, %%edx\n\t"
        "addq %[t4], %[t0]\n\t"
        "adcq %[t5], %[t1]\n\t"
        "adcq %[t6], %[t2]\n\t"
        "adcq %[t7], %[t3]\n\t"
        "adcq $0, %%rdx\n\t"
        P256_MULX_CSUB("%[t0]", "%[t1]", "%[t2]", "%[t3]", "%%rdx",
                       "%[t4]", "%[t5]", "%[t6]", "%[t7]", "x", "y")
        : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4),
          [t5] "=&r"(t5), [t6] "=&r"(t6), [t7] "=&r"(t7), [x] "=&r"(x), [y] "=&r"(y),
          [z] "=&r"(z)
        : [a] "r"(a), "m"(*(const uint64_t(*)[4])a)
        : "rdx", "cc");
    r[0] = t4;
    r[1] = t5;
    r[2] = t6;
    r[3] = t7;
}

#undef P256_MULX_REDC
#undef P256_MULX_ROW
#undef P256_MULX_CSUB
#undef P256_MULX_REDC4
#undef P256_MULX_TARGET

#else /* not x86-64: the portable kernels */

static void p256_fe_mul_mulx(uint64_t *r, const uint64_t *a, const uint64_t *b)
{
    p256_fe_mul(r, a, b);
}

static void p256_fe_sqr_mulx(uint64_t *r, const uint64_t *a)
{
    p256_fe_sqr(r, a);
}

#endif

/* r = 1/a (0 for 0) and r = a^((p+1)/4), with the kernels above. */
static void p256_fe_inv_mulx(uint64_t *r, const uint64_t *a)
{
    p256_fe_inv_with(r, a, p256_fe_mul_mulx, p256_fe_sqr_mulx);
}

static void p256_fe_sqrt_mulx(uint64_t *r, const uint64_t *a)
{
    p256_fe_sqrt_with(r, a, p256_fe_mul_mulx, p256_fe_sqr_mulx);
}

#endif /* FIPSMOD_EC_P256_FIELD_MULX_C */
