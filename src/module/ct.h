/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Constant-time helpers. Every function here takes time independent of the
 * values of its arguments (lengths excepted: lengths are public).
 *
 * Masks are all-zeros or all-ones words. A compiler that can prove a value
 * is 0/1 may turn mask arithmetic back into a branch; value_barrier hides
 * the value behind an empty asm so it cannot (the BoringSSL habit).
 */
#ifndef FIPSMOD_MODULE_CT_H
#define FIPSMOD_MODULE_CT_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t value_barrier_u32(uint32_t v)
{
    __asm__("" : "+r"(v));
    return v;
}

/* 0xffffffff if x == 0, else 0. */
static inline uint32_t ct_is_zero_mask(uint32_t x)
{
    /* (x - 1) has its top bit set only when x == 0 or x >= 2^31; ~x clears
     * the second case. */
    return value_barrier_u32((uint32_t)0 - ((~x & (x - 1)) >> 31));
}

/*
 * 0xffffffff if a[0..n) == b[0..n), else 0. Reads every byte whatever the
 * contents, with no early exit.
 */
static inline uint32_t ct_memeq_mask(const uint8_t *a, const uint8_t *b, size_t n)
{
    uint32_t diff = 0;
    for (size_t i = 0; i < n; i++)
        diff |= (uint32_t)(a[i] ^ b[i]);
    return ct_is_zero_mask(value_barrier_u32(diff));
}

#endif
