/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Linux/POSIX implementation of the platform layer (platform.h), and the
 * library constructor that powers the module up when it is loaded, so the
 * self-tests have run before the application's first call (fm_init()
 * returns their result and is the documented way to learn it).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "fipsmod/fipsmod.h"
#include "platform.h"

/* Feature names accepted in FIPSMOD_CPU's "-name" form. */
static const struct {
    const char *name;
    uint32_t bit;
} cpu_names[] = {
    { "ssse3", FM_CPU_SSSE3 }, { "sse4.1", FM_CPU_SSE41 }, { "avx2", FM_CPU_AVX2 },
    { "bmi2", FM_CPU_BMI2 },   { "adx", FM_CPU_ADX },      { "aesni", FM_CPU_AESNI },
    { "pclmul", FM_CPU_PCLMUL }, { "vaes", FM_CPU_VAES },  { "vpclmul", FM_CPU_VPCLMUL },
    { "shani", FM_CPU_SHANI }, { "avx512", FM_CPU_AVX512 },
    { "avx512ifma", FM_CPU_AVX512IFMA },
};

/*
 * "native" (or unset): everything; "portable": nothing; a comma-separated
 * list of "-feature" items: everything but those (FIPSMOD_CPU=-vaes runs
 * AES on AES-NI on a VAES machine). Anything else is read as "portable".
 */
uint32_t fm_platform_cpu_mask(void)
{
    const char *v = getenv("FIPSMOD_CPU");
    uint32_t mask = FM_CPU_ALL;

    if (v == NULL || v[0] == '\0' || strcmp(v, "native") == 0)
        return FM_CPU_ALL;
    while (*v == '-') {
        size_t len = strcspn(v + 1, ",");
        size_t i;

        for (i = 0; i < sizeof cpu_names / sizeof cpu_names[0]; i++)
            if (strlen(cpu_names[i].name) == len && strncmp(v + 1, cpu_names[i].name, len) == 0)
                break;
        if (i == sizeof cpu_names / sizeof cpu_names[0])
            return FM_CPU_PORTABLE;
        mask &= ~cpu_names[i].bit;
        v += 1 + len;
        if (*v == '\0')
            return mask;
        if (*v == ',')
            v++;
    }
    return FM_CPU_PORTABLE;
}

uint64_t fm_platform_now_us(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void fm_platform_yield(void)
{
    (void)sched_yield();
}

#ifdef FM_BREAK_TESTS
const char *fm_platform_break_name(void)
{
    return getenv("FIPSMOD_BREAK");
}

/*
 * Test-only fake noise sources (platform.h). Returns 1 when
 * FIPSMOD_ENTROPY_FAKE selected one and out has been filled from it.
 */
static int platform_entropy_fake(uint8_t *out, size_t len)
{
    static unsigned long n; /* position in the biased sequence */
    const char *v = getenv("FIPSMOD_ENTROPY_FAKE");

    if (v != NULL && strcmp(v, "stuck") == 0) {
        memset(out, 0x3c, len);
        return 1;
    }
    if (v != NULL && strcmp(v, "biased") == 0) {
        /* 0xa5 at every other sample (256 per 512-sample window, against
         * a cutoff of a few dozen), the samples between cycling through
         * four other values (64 each per window, still above it), so the
         * adaptive proportion test trips whichever sample a window starts
         * with, and no value ever repeats twice in a row. */
        for (size_t i = 0; i < len; i++, n++)
            out[i] = (n & 1) != 0 ? 0xa5 : (uint8_t)(0x11 * (1 + (n >> 1) % 4));
        return 1;
    }
    return 0;
}
#endif

int fm_platform_entropy(uint8_t *out, size_t len)
{
    size_t got = 0;

#ifdef FM_BREAK_TESTS
    if (platform_entropy_fake(out, len))
        return 0;
#endif
    while (got < len) {
        ssize_t n = getrandom(out + got, len - got, 0);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            memset(out, 0, len);
            return -1;
        }
        got += (size_t)n;
    }
    return 0;
}

/* The fork generation (platform.h). The platform layer may hold writable
 * globals; the module may not, so it reads this through the glue. */
static uint64_t fork_generation;
static int fork_handler_missing; /* pthread_atfork failed (ENOMEM) */

static void platform_fork_child(void)
{
    __atomic_fetch_add(&fork_generation, 1, __ATOMIC_RELEASE);
}

uint64_t fm_platform_fork_generation(void)
{
    /* Without the handler a child cannot be told from its parent: fail
     * safe with "unknown", on which the primary DRBG is re-instantiated
     * from fresh entropy on every call (slow, never a repeated stream). */
    if (__atomic_load_n(&fork_handler_missing, __ATOMIC_RELAXED))
        return FM_PLATFORM_FORK_UNKNOWN;
    return __atomic_load_n(&fork_generation, __ATOMIC_ACQUIRE);
}

__attribute__((constructor)) static void fm_platform_load(void)
{
    /* Registered before fm_init, so it is in place before any service
     * can run. pthread_atfork fails only for lack of memory. */
    if (pthread_atfork(NULL, NULL, platform_fork_child) != 0)
        __atomic_store_n(&fork_handler_missing, 1, __ATOMIC_RELAXED);
    (void)fm_init(0);
}
