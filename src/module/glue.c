/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The module's glue: the part of the module object that the linker script
 * (module.lds) places after fm_module_end, outside the integrity test's
 * range, because its bytes or its data depend on the final link. See
 * glue.h. Nothing here computes anything: each function hands the hashed
 * code one piece of writable state, the expected integrity value, or one
 * call out to the platform layer.
 */
#include "glue.h"
#include "../platform/platform.h"

static struct module_vars module_vars;

/* initial-exec: no call to __tls_get_addr, so the module object needs
 * nothing from libc; the per-thread state is eight bytes of static TLS. */
static __thread struct glue_thread glue_thread __attribute__((tls_model("initial-exec")));

/* The injector (src/injector/fm_inject.c) finds this symbol by name in the
 * module object and overwrites its 32 bytes with the HMAC-SHA-256 of the
 * hashed range. Until then it holds GLUE_HMAC_PLACEHOLDER, which the
 * integrity test reports as "never injected". */
__attribute__((used, aligned(32)))
static const uint8_t fm_module_expected_hmac[32] = GLUE_HMAC_PLACEHOLDER;

struct module_vars *fm_glue_vars(void)
{
    return &module_vars;
}

struct glue_thread *fm_glue_thread(void)
{
    return &glue_thread;
}

const uint8_t *fm_glue_expected_hmac(void)
{
    /* Read through a compiler barrier: the compiler must not fold the
     * placeholder's contents into the caller, since they change after
     * compilation. */
    const uint8_t *p = fm_module_expected_hmac;
    __asm__("" : "+r"(p));
    return p;
}

uint32_t fm_glue_cpu_mask(void)
{
    return fm_platform_cpu_mask();
}

uint64_t fm_glue_now_us(void)
{
    return fm_platform_now_us();
}

void fm_glue_yield(void)
{
    fm_platform_yield();
}

int fm_glue_entropy(uint8_t *out, size_t len)
{
    return fm_platform_entropy(out, len);
}

uint64_t fm_glue_fork_generation(void)
{
    return fm_platform_fork_generation();
}

#ifdef FM_BREAK_TESTS
const char *fm_glue_break_name(void)
{
    return fm_platform_break_name();
}
#endif
