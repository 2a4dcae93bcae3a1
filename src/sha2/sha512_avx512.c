/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SHA-512 block compression with AVX-512VL, BMI1 and BMI2 (FIPS 180-4
 * section 6.4.2): the engine of sha512_vec.h with the message-schedule
 * functions built from VPRORQ (a real 64-bit rotate) and VPTERNLOGQ (a
 * three-input XOR), four instructions each instead of nine with AVX2. Only
 * 256-bit registers are used, so there is no frequency penalty for 512-bit
 * operations. The schedule is the part of the work that the rounds cannot
 * hide, so this is what brings SHA-512 level with hand-written assembly.
 *
 * Per-function target attributes: the module is built for the baseline ISA
 * and this code runs only when cpuid reported AVX-512 F/VL/BW with OS
 * support, AVX2, BMI1 and BMI2 (cpu.c).
 */
#include "sha2_internal.h"
#include "sha512_rounds.h"

#if defined(__x86_64__)
#define SHA512_VEC_TARGET __attribute__((target("avx2,bmi,bmi2,avx512f,avx512vl")))
#define SHA512_VEC_FN(name) name##_avx512

/* Section 4.1.3, (4.12) and (4.13); 0x96 is the truth table of a ^ b ^ c. */
#define VSSIG0(x) _mm256_ternarylogic_epi64(_mm256_ror_epi64(x, 1), _mm256_ror_epi64(x, 8), \
                                            _mm256_srli_epi64(x, 7), 0x96)
#define VSSIG1(x) _mm256_ternarylogic_epi64(_mm256_ror_epi64(x, 19), _mm256_ror_epi64(x, 61), \
                                            _mm256_srli_epi64(x, 6), 0x96)

#include "sha512_vec.h"

#undef VSSIG1
#undef VSSIG0
#undef SHA512_VEC_FN
#undef SHA512_VEC_TARGET

#else
/* Never selected off x86-64 (cpu.c reports no such features there). */
static void sha512_compress_avx512(uint64_t st[8], const uint8_t *p, size_t nblocks)
{
    sha512_compress_portable(st, p, nblocks);
}
#endif
