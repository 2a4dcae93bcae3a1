/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Zeroisation (FIPS 140-3 AS09.28: SSPs are zeroised when no longer
 * needed). Plain stores, eight bytes at a time where alignment allows,
 * followed by a compiler barrier that claims to read the memory: the
 * compiler must assume the zeros are observed, so dead-store elimination
 * cannot remove them, even when the object dies right after. The build
 * flags keep the loop from being turned into a call to memset.
 */
#include "internal.h"

typedef uint64_t __attribute__((may_alias)) wipe_word;

static void wipe(void *p, size_t n)
{
    uint8_t *b = (uint8_t *)p;
    size_t i = 0;

    while (i < n && ((uintptr_t)(b + i) & 7) != 0)
        b[i++] = 0;
    for (; i + 8 <= n; i += 8)
        *(wipe_word *)(b + i) = 0;
    for (; i < n; i++)
        b[i] = 0;
    __asm__ __volatile__("" : : "r"(p) : "memory");
}

/* see fipsmod/common.h */
int fm_wipe(void *p, size_t n)
{
    if (p == NULL)
        return n == 0 ? FM_OK : FM_ERR_ARG;
    wipe(p, n);
    return FM_OK;
}
