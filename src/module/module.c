/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The module boundary as one translation unit.
 *
 * Every source inside the boundary is included here, in dependency order,
 * and compiled once with pinned flags into build/obj/module.o (see the
 * Makefile and module-boundary.md). Being one unit lets every internal
 * function be static: the only external symbols of the module object are
 * the fm_ API it defines and the fm_platform_ functions it calls.
 */
#include "internal.h"
#include "ct.h"

#include "wipe.c"
#include "cpu.c"
#include "init.c"

#include "../sha2/sha256.c"
#include "../sha2/sha256_shani.c"
#include "../sha2/sha512.c"
#include "../sha2/sha512_avx2.c"
#include "../sha2/sha512_avx512.c"
#include "../sha2/hash.c"

#include "../hmac/hmac.c"
