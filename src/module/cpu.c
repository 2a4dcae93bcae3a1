/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CPU feature detection and the choice of implementation per family.
 *
 * cpuid runs once, at power-up (which the library constructor starts);
 * the result is cached in the module's writable state (glue.h). Features that need operating-system support for
 * wider registers (AVX2, VAES, VPCLMULQDQ, AVX-512) count only when XGETBV
 * shows the OS saves that register state. The enabled set is the detected
 * set masked by the platform's FIPSMOD_CPU setting, and can be narrowed or
 * restored later with fm_cpu_set_features(). A context copies the
 * implementation choice at init and keeps it (key schedules and chaining
 * values may have implementation-specific layouts).
 */
#include "internal.h"
#include "glue.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#if defined(__x86_64__) || defined(__i386__)
static uint64_t read_xcr0(void)
{
    uint32_t lo, hi;
    __asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static uint32_t cpu_detect(void)
{
    unsigned a, b, c, d;
    uint32_t f = 0;
    unsigned max = __get_cpuid_max(0, NULL);

    if (max < 1)
        return 0;
    __cpuid(1, a, b, c, d);
    if (c & (1u << 9))  f |= FM_CPU_SSSE3;
    if (c & (1u << 19)) f |= FM_CPU_SSE41;
    if (c & (1u << 25)) f |= FM_CPU_AESNI;
    if (c & (1u << 1))  f |= FM_CPU_PCLMUL;
    int ymm_ok = 0, zmm_ok = 0;
    if ((c & (1u << 27)) && (c & (1u << 28))) { /* OSXSAVE and AVX */
        uint64_t xcr0 = read_xcr0();
        ymm_ok = (xcr0 & 0x6) == 0x6;           /* XMM and YMM state */
        zmm_ok = ymm_ok && (xcr0 & 0xe0) == 0xe0; /* opmask, ZMM_Hi256, Hi16_ZMM */
    }
    if (max >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        /* FM_CPU_BMI2 means BMI1 (ANDN) and BMI2 (RORX, MULX) together. */
        if ((b & (1u << 3)) && (b & (1u << 8))) f |= FM_CPU_BMI2;
        if (b & (1u << 19)) f |= FM_CPU_ADX;
        if (b & (1u << 29)) f |= FM_CPU_SHANI;
        if (ymm_ok) {
            if (b & (1u << 5))  f |= FM_CPU_AVX2;
            if (c & (1u << 9))  f |= FM_CPU_VAES;
            if (c & (1u << 10)) f |= FM_CPU_VPCLMUL;
        }
        if (zmm_ok && (b & (1u << 16)) && (b & (1u << 30)) && (b & (1u << 31)))
            f |= FM_CPU_AVX512;
        if (zmm_ok && (b & (1u << 21)))
            f |= FM_CPU_AVX512IFMA;
    }
    return f;
}
#else
static uint32_t cpu_detect(void)
{
    return 0;
}
#endif

/* The feature words live in the glue's writable state (glue.h); relaxed
 * atomics because any thread may read them. cpuid runs once; a second
 * caller racing the first computes and stores the same values. */
static void cpu_init_once(void)
{
    struct module_vars *v = fm_glue_vars();

    if (__atomic_load_n(&v->cpu_initialised, __ATOMIC_ACQUIRE))
        return;
    uint32_t det = cpu_detect();
    __atomic_store_n(&v->cpu_detected, det, __ATOMIC_RELAXED);
    __atomic_store_n(&v->cpu_enabled, det & fm_glue_cpu_mask(), __ATOMIC_RELAXED);
    __atomic_store_n(&v->cpu_initialised, 1, __ATOMIC_RELEASE);
}

static uint32_t cpu_enabled(void)
{
    return __atomic_load_n(&fm_glue_vars()->cpu_enabled, __ATOMIC_RELAXED);
}

static uint32_t cpu_detected(void)
{
    return __atomic_load_n(&fm_glue_vars()->cpu_detected, __ATOMIC_RELAXED);
}

/* Implementation that new contexts of each family get now. */
#define SHANI_NEEDS (FM_CPU_SHANI | FM_CPU_SSE41 | FM_CPU_SSSE3)

static int sha256_impl_now(void)
{
    return (cpu_enabled() & SHANI_NEEDS) == SHANI_NEEDS ? IMPL_SHANI : IMPL_PORTABLE;
}

#define AVX2_NEEDS (FM_CPU_AVX2 | FM_CPU_BMI2)

#define AVX512_NEEDS (AVX2_NEEDS | FM_CPU_AVX512)

static int sha512_impl_now(void)
{
    uint32_t f = cpu_enabled();
    if ((f & AVX512_NEEDS) == AVX512_NEEDS)
        return IMPL_AVX512;
    return (f & AVX2_NEEDS) == AVX2_NEEDS ? IMPL_AVX2 : IMPL_PORTABLE;
}

/* AES-NI comes with PCLMULQDQ for GCM's GHASH (every CPU with one has the
 * other); VAES adds 256-bit AES and carry-less multiply on AVX2 registers. */
#define AESNI_NEEDS (FM_CPU_AESNI | FM_CPU_SSSE3 | FM_CPU_PCLMUL)
#define VAES_NEEDS (AESNI_NEEDS | FM_CPU_AVX2 | FM_CPU_VAES | FM_CPU_VPCLMUL)

static int aes_impl_now(void)
{
    uint32_t f = cpu_enabled();

    if ((f & VAES_NEEDS) == VAES_NEEDS)
        return IMPL_VAES;
    return (f & AESNI_NEEDS) == AESNI_NEEDS ? IMPL_AESNI : IMPL_PORTABLE;
}

/* see fipsmod/cpu.h */
int fm_cpu_features(uint32_t *detected, uint32_t *enabled)
{
    if (detected != NULL)
        *detected = cpu_detected();
    if (enabled != NULL)
        *enabled = cpu_enabled();
    return FM_OK;
}

/* see fipsmod/cpu.h */
int fm_cpu_set_features(uint32_t mask)
{
    if (mask & ~FM_CPU_ALL)
        return FM_ERR_ARG;
    cpu_init_once();
    __atomic_store_n(&fm_glue_vars()->cpu_enabled, cpu_detected() & mask, __ATOMIC_RELAXED);
    return FM_OK;
}

static const char *impl_name(int impl)
{
    switch (impl) {
    case IMPL_SHANI: return "shani";
    case IMPL_AVX2:  return "avx2";
    case IMPL_AVX512: return "avx512";
    case IMPL_AESNI: return "aesni";
    case IMPL_VAES:  return "vaes";
    default:         return "portable";
    }
}

/* see fipsmod/cpu.h */
int fm_impl_name(int family, const char **name)
{
    if (name == NULL)
        return FM_ERR_ARG;
    switch (family) {
    case FM_FAMILY_SHA256: *name = impl_name(sha256_impl_now()); return FM_OK;
    case FM_FAMILY_SHA512: *name = impl_name(sha512_impl_now()); return FM_OK;
    case FM_FAMILY_AES:    *name = impl_name(aes_impl_now()); return FM_OK;
    case FM_FAMILY_RSA:    *name = bn_ifma_available(16) ? "ifma"
                                 : bn_impl_now() == BN_IMPL_PORTABLE ? "portable" : "mulx";
                           return FM_OK;
    case FM_FAMILY_EC:     *name = p256_mulx_now() ? "mulx" : "portable"; return FM_OK;
    default: *name = "unknown"; return FM_ERR_ARG;
    }
}
