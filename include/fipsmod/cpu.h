/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CPU feature detection and implementation dispatch.
 *
 * fm_init() reads cpuid once and caches the result. Each algorithm family
 * then has a portable, constant-time implementation and, where the CPU
 * allows, accelerated ones; a context records the implementation that was
 * enabled when it was initialised and keeps using it.
 *
 * The environment variable FIPSMOD_CPU=portable, read by fm_init(), or the
 * call fm_cpu_set_features(FM_CPU_PORTABLE) forces the portable paths.
 * fm_cpu_set_features() with another mask enables the intersection of that
 * mask and what the CPU has, so tests can reach every implementation.
 */
#ifndef FIPSMOD_CPU_H
#define FIPSMOD_CPU_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FM_CPU_PORTABLE 0u
#define FM_CPU_SSSE3    (1u << 0)
#define FM_CPU_SSE41    (1u << 1)
#define FM_CPU_AVX2     (1u << 2)
#define FM_CPU_BMI2     (1u << 3)  /* BMI1 and BMI2 */
#define FM_CPU_ADX      (1u << 4)
#define FM_CPU_AESNI    (1u << 5)
#define FM_CPU_PCLMUL   (1u << 6)
#define FM_CPU_VAES     (1u << 7)
#define FM_CPU_VPCLMUL  (1u << 8)
#define FM_CPU_SHANI    (1u << 9)
#define FM_CPU_AVX512   (1u << 10) /* AVX-512 F, VL and BW */
#define FM_CPU_AVX512IFMA (1u << 11) /* AVX-512 IFMA (52-bit multiply-add) */
#define FM_CPU_ALL      0xfffu

/* Algorithm families whose implementation is chosen at run time. */
#define FM_FAMILY_SHA256 1 /* SHA-224 and SHA-256 */
#define FM_FAMILY_SHA512 2 /* SHA-384, SHA-512, SHA-512/224, SHA-512/256 */
#define FM_FAMILY_AES    3 /* the AES block cipher (every mode) */
#define FM_FAMILY_RSA    4 /* big-integer arithmetic: RSA ("portable", "mulx", "ifma") */
#define FM_FAMILY_EC     5 /* elliptic curves: P-256 field arithmetic ("portable", "mulx") */
#define FM_FAMILY_MAX    5

/*
 * *detected: what cpuid reported (0 before fm_init or on non-x86).
 * *enabled:  what dispatch may use now. Either pointer may be NULL.
 */
FM_EXPORT int fm_cpu_features(uint32_t *detected, uint32_t *enabled);

/*
 * Enable detected & mask. Takes effect for contexts initialised afterwards.
 * Returns FM_OK, or FM_ERR_ARG for bits outside FM_CPU_ALL.
 */
FM_EXPORT int fm_cpu_set_features(uint32_t mask);

/*
 * Set *name to the implementation new contexts of `family` use now
 * ("portable", "shani", ...). Returns FM_OK or FM_ERR_ARG.
 */
FM_EXPORT int fm_impl_name(int family, const char **name);

#ifdef __cplusplus
}
#endif
#endif
