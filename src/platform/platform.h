/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The platform layer: the only code the module calls outside its object.
 * It supplies what a freestanding module cannot get for itself from the
 * operating system. Every function here is hidden (not exported) and named
 * fm_platform_*; the module build rejects calls to anything else. The
 * module calls these only from its glue (src/module/glue.c).
 */
#ifndef FIPSMOD_PLATFORM_H
#define FIPSMOD_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#define PLATFORM_API __attribute__((visibility("hidden")))

/*
 * The CPU features the environment allows dispatch to use: FM_CPU_ALL
 * normally, FM_CPU_PORTABLE when FIPSMOD_CPU=portable, all but the named
 * ones for FIPSMOD_CPU=-vaes,-vpclmul (names as in fipsmod/cpu.h, lower
 * case), and FM_CPU_PORTABLE for any other value, so a misspelling errs on
 * the side of the portable code.
 */
PLATFORM_API uint32_t fm_platform_cpu_mask(void);

/* Microseconds from a monotonic clock (self-test and power-up timing). */
PLATFORM_API uint64_t fm_platform_now_us(void);

/* Give up the CPU while another thread finishes power-up. */
PLATFORM_API void fm_platform_yield(void);

/*
 * The operating system's noise source for the module's entropy source
 * (src/drbg/entropy.c, SP 800-90B): fills out[0..len) from getrandom(2)
 * with flags 0 (blocks until the kernel's pool is initialised; never
 * returns unseeded bytes), retrying on EINTR and short reads. Returns 0,
 * or -1 (out zeroed) when the kernel cannot supply the bytes.
 */
PLATFORM_API int fm_platform_entropy(uint8_t *out, size_t len);

/*
 * The fork generation: 0 in the process that loaded the library, and one
 * more than its parent's in every child created by fork(2) (a
 * pthread_atfork child handler registered by the constructor increments
 * it before fork() returns in the child). fm_random_bytes re-instantiates
 * its primary DRBG from fresh entropy when this differs from the value it
 * was seeded under, so a child never repeats its parent's output. A child
 * made by a raw clone(2)/syscall without glibc's fork runs no atfork
 * handler and is not detected (see src/drbg/random.c). Returns
 * FM_PLATFORM_FORK_UNKNOWN when the handler could not be registered
 * (pthread_atfork failed): every call must then be treated as possibly
 * in a new process.
 */
#define FM_PLATFORM_FORK_UNKNOWN UINT64_MAX
PLATFORM_API uint64_t fm_platform_fork_generation(void);

#ifdef FM_BREAK_TESTS
/* Test-only build (make break-tests): the value of FIPSMOD_BREAK, or NULL. */
PLATFORM_API const char *fm_platform_break_name(void);
/*
 * Test-only build: FIPSMOD_ENTROPY_FAKE=stuck makes fm_platform_entropy a
 * stuck noise source (every byte the same), =biased one in which every
 * other byte is the same value and the bytes between take four values
 * (each far above the adaptive proportion test's cutoff, with no value
 * repeated twice in a row), so tests can trip each health test.
 * Any other value, or none, reads getrandom(2) as in production.
 */
#endif

#endif
