/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Linux/POSIX implementation of the platform layer (platform.h), and the
 * library constructor that initialises the module when it is loaded, so
 * applications that forget fm_init() still get a module that has chosen its
 * implementations. fm_init() stays the documented way to learn the result.
 */
#include <stdlib.h>
#include <string.h>

#include "fipsmod/fipsmod.h"
#include "platform.h"

uint32_t fm_platform_cpu_mask(void)
{
    const char *v = getenv("FIPSMOD_CPU");
    if (v == NULL || v[0] == '\0' || strcmp(v, "native") == 0)
        return FM_CPU_ALL;
    return FM_CPU_PORTABLE;
}

__attribute__((constructor)) static void fm_platform_load(void)
{
    (void)fm_init(0);
}
