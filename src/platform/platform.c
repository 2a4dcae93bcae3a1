/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Linux/POSIX implementation of the platform layer (platform.h), and the
 * library constructor that powers the module up when it is loaded, so the
 * self-tests have run before the application's first call (fm_init()
 * returns their result and is the documented way to learn it).
 */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fipsmod/fipsmod.h"
#include "platform.h"

uint32_t fm_platform_cpu_mask(void)
{
    const char *v = getenv("FIPSMOD_CPU");
    if (v == NULL || v[0] == '\0' || strcmp(v, "native") == 0)
        return FM_CPU_ALL;
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
#endif

__attribute__((constructor)) static void fm_platform_load(void)
{
    (void)fm_init(0);
}
