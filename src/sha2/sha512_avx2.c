/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SHA-512 block compression with AVX2, BMI1 and BMI2 (FIPS 180-4 section
 * 6.4.2): the engine of sha512_vec.h with the message-schedule functions
 * built from AVX2 shifts (AVX2 has no 64-bit rotate: two shifts and an OR).
 *
 * Per-function target attributes: the module is built for the baseline ISA
 * and this code runs only when cpuid reported AVX2, BMI1 and BMI2 (cpu.c).
 */
#include "sha2_internal.h"
#include "sha512_rounds.h"

#if defined(__x86_64__)
#define SHA512_VEC_TARGET __attribute__((target("avx2,bmi,bmi2")))
#define SHA512_VEC_FN(name) name##_avx2

#define VROTR(x, n) _mm256_or_si256(_mm256_srli_epi64(x, n), _mm256_slli_epi64(x, 64 - (n)))
/* Section 4.1.3, (4.12) and (4.13). */
#define VSSIG0(x) _mm256_xor_si256(_mm256_xor_si256(VROTR(x, 1), VROTR(x, 8)), \
                                   _mm256_srli_epi64(x, 7))
#define VSSIG1(x) _mm256_xor_si256(_mm256_xor_si256(VROTR(x, 19), VROTR(x, 61)), \
                                   _mm256_srli_epi64(x, 6))

#include "sha512_vec.h"

#undef VROTR
#undef VSSIG1
#undef VSSIG0
#undef SHA512_VEC_FN
#undef SHA512_VEC_TARGET

#else
/* Never selected off x86-64 (cpu.c reports no such features there). */
static void sha512_compress_avx2(uint64_t st[8], const uint8_t *p, size_t nblocks)
{
    sha512_compress_portable(st, p, nblocks);
}
#endif
