/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The module boundary as one translation unit.
 *
 * Every source of the hashed range is included here, in dependency order,
 * and compiled once with pinned flags; the linker script module.lds puts
 * its code and constants between fm_module_start and fm_module_end, and
 * the glue (glue.c: writable state, calls out) after them. See the
 * Makefile and module-boundary.md. Being one unit lets every internal
 * function be static: this unit defines the fm_ API and calls nothing but
 * the glue.
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

#include "../aes/aes_ct64.c"
#include "../aes/aes_ni.c"
#include "../aes/aes_vaes.c"
#include "../aes/ghash_ct64.c"
#include "../aes/ghash_clmul.c"
#include "../aes/gcm_ni.c"
#include "../aes/gcm_vaes.c"
#include "../aes/aes.c"
#include "../aes/gcm.c"
#include "../aes/cmac.c"
#include "../aes/aes_kw.c"

#include "../drbg/entropy.c"
#include "../drbg/ctr_drbg.c"
#include "../drbg/random.c"

#include "../rsa/bn.c"
#include "../rsa/bn_mulx.c"
#include "../rsa/bn_ifma.c"
#include "../rsa/rsa_pad.c"
#include "../rsa/rsa.c"
#include "../rsa/rsa_keygen.c"

#include "../ec/ecdsa.c"

#include "selftest.c"
#include "monitor.c"
#include "state.c"
