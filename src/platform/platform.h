/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The platform layer: the only code the module calls outside its boundary.
 * It supplies what a freestanding module cannot get for itself from the
 * operating system. Every function here is hidden (not exported) and named
 * fm_platform_*; the module build rejects calls to anything else.
 */
#ifndef FIPSMOD_PLATFORM_H
#define FIPSMOD_PLATFORM_H

#include <stdint.h>

/*
 * The CPU features the environment allows dispatch to use: FM_CPU_ALL
 * normally, FM_CPU_PORTABLE when FIPSMOD_CPU=portable (or any value other
 * than "native", so a misspelling errs on the side of the portable code).
 */
__attribute__((visibility("hidden"))) uint32_t fm_platform_cpu_mask(void);

#endif
