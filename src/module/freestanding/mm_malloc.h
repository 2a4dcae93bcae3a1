/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Stand-in for the compiler's mm_malloc.h, which <immintrin.h> includes and
 * which in turn includes <stdlib.h>. The module is built without libc
 * headers and never allocates, so it gets no _mm_malloc/_mm_free at all.
 */
#ifndef FIPSMOD_FREESTANDING_MM_MALLOC_H
#define FIPSMOD_FREESTANDING_MM_MALLOC_H
#endif
