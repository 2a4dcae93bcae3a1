/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private DRBG definitions: the CTR_DRBG core of SP 800-90Ar1 section 10.2
 * (ctr_drbg.c) and the entropy source with the SP 800-90B section 4.4
 * health tests (entropy.c). Both are inside the module boundary; the OS
 * noise source they read is reached through the platform layer.
 */
#ifndef FIPSMOD_DRBG_INTERNAL_H
#define FIPSMOD_DRBG_INTERNAL_H

#include "../module/internal.h"
#include "../aes/aes_internal.h"

/*
 * Entropy source (entropy.c): fill out with len bytes from the platform's
 * noise source that have passed the continuous health tests (repetition
 * count and adaptive proportion, SP 800-90B 4.4.1/4.4.2) after the
 * start-up test of the first 1024 samples (4.3). Returns FM_OK or
 * FM_ERR_ENTROPY (a health test failed or the source failed: out zeroed).
 * The bytes are treated as having the min-entropy per byte that
 * security-policy.md claims; callers ask for enough of them.
 */
static int entropy_get(uint8_t *out, size_t len);

#endif
