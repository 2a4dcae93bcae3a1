/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private definitions shared by every source file inside the module
 * boundary: byte-order helpers, copying without libc, context magic values
 * and the implementation identifiers that contexts record.
 *
 * The module is one translation unit (src/module/module.c includes every
 * module source), so everything here is static: nothing but the fm_ API
 * leaves the module object. The module is built freestanding: no libc
 * header is reachable, and a call the compiler might turn into memcpy or
 * memset is written as an explicit loop (the build rejects any undefined
 * symbol other than the platform layer's).
 */
#ifndef FIPSMOD_MODULE_INTERNAL_H
#define FIPSMOD_MODULE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "fipsmod/fipsmod.h"

/* Context magic values: a live context holds one, a wiped one holds 0. */
#define HASH_MAGIC 0x48415348u /* "HASH" */
#define HMAC_MAGIC 0x484d4143u /* "HMAC" */

/* Implementation identifiers recorded in contexts (see cpu.c). */
#define IMPL_PORTABLE 0
#define IMPL_SHANI    1
#define IMPL_AVX2     2
#define IMPL_AVX512   3
#define IMPL_AESNI    4
#define IMPL_VAES     5

/* Unaligned words for the freestanding module: may_alias and aligned(1)
 * make such accesses well defined at any address. */
typedef uint32_t __attribute__((may_alias, aligned(1))) unaligned_u32;
typedef uint64_t __attribute__((may_alias, aligned(1))) unaligned_word;

/* Big-endian loads and stores: one access, and a byte swap on a little-
 * endian host (constant time either way). */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HOST_TO_BE32(x) __builtin_bswap32(x)
#define HOST_TO_BE64(x) __builtin_bswap64(x)
#else
#define HOST_TO_BE32(x) (x)
#define HOST_TO_BE64(x) (x)
#endif

static inline uint32_t load_be32(const uint8_t *p)
{
    return HOST_TO_BE32(*(const unaligned_u32 *)p);
}

static inline uint64_t load_be64(const uint8_t *p)
{
    return HOST_TO_BE64(*(const unaligned_word *)p);
}

static inline void store_be32(uint8_t *p, uint32_t v)
{
    *(unaligned_u32 *)p = HOST_TO_BE32(v);
}

static inline void store_be64(uint8_t *p, uint64_t v)
{
    *(unaligned_word *)p = HOST_TO_BE64(v);
}

/* memcpy for the freestanding module (non-overlapping buffers), eight
 * bytes at a time; lengths are public. */
static inline void copy_bytes(void *dst, const void *src, size_t n)
{
    uint8_t *d = (uint8_t *)dst;
    const uint8_t *s = (const uint8_t *)src;
    size_t i = 0;

    for (; i + 8 <= n; i += 8)
        *(unaligned_word *)(d + i) = *(const unaligned_word *)(s + i);
    for (; i < n; i++)
        d[i] = s[i];
}

/* Defined in wipe.c; the module's single zeroisation primitive. */
static void wipe(void *p, size_t n);

/* Defined in cpu.c: the feature bits dispatch may use now. */
static uint32_t cpu_enabled(void);

/* Defined in state.c: every cryptographic service begins with
 * service_enter(FM_SERVICE_*) (FM_OK only when the module is operational)
 * and returns through service_exit(rc, approved), which sets the service
 * indicator and counts the call under that family (monitor.c). */
static int service_enter(int service);
static int service_exit(int rc, int approved);
static int module_strict(void);

/*
 * Defined in state.c: latch the error state outside a self-test run, with
 * error err and a MODULE_REASON_* for fm_module_status.reason (no failed
 * self-test is named). The entropy source calls it when a continuous
 * health test trips (SP 800-90B 4.3 item 6). The reason codes start at
 * 100, clear of selftest.c's REASON_* values.
 */
#define MODULE_REASON_ENTROPY_HEALTH 100 /* "entropy health test failed" */
#define MODULE_REASON_ENTROPY_SOURCE 101 /* the OS noise source returned nothing */
#define MODULE_REASON_RSA_PCT        102 /* a generated RSA key failed its pairwise test */
#define MODULE_REASON_ECDSA_PCT      103 /* a generated EC key failed its pairwise test */
static void module_enter_error_reason(int err, int reason);

/* The big-integer implementation new RSA keys get now (src/rsa/bn.c). */
#define BN_IMPL_PORTABLE 0
#define BN_IMPL_MULX     1 /* BMI2 MULX + ADX ADCX/ADOX, x86-64 only */
static int bn_impl_now(void);
/* 1 when the AVX-512 IFMA exponentiation (src/rsa/bn_ifma.c) may run now
 * for moduli of n limbs. */
static int bn_ifma_available(size_t n);

/* 1 when P-256 runs on the MULX/ADX field multiplication now (src/ec/p256.c). */
static int p256_mulx_now(void);

/* Defined in state.c: run the self-tests deferred to the first use of one
 * algorithm family (CAST_RSA, CAST_ECDSA) unless they have passed; FM_OK,
 * or FM_ERR_STATE when the module is (or has just gone) out of
 * OPERATIONAL. Called by those algorithms' services after service_enter(). */
#define CAST_RSA   1u
#define CAST_ECDSA 2u
#define CAST_ALL   (CAST_RSA | CAST_ECDSA)
static int module_cast_ensure(unsigned family);

/* Defined in monitor.c: a DRBG was seeded or reseeded (FM_DRBG_*,
 * FM_RESEED_*; fipsmod/monitor.h). */
static void event_drbg_reseed(int drbg, int cause);

/* Defined in selftest.c: 1 in the test-only break build (FM_BREAK_TESTS)
 * when FIPSMOD_BREAK names `test`, else 0. For the conditional tests that
 * live with their algorithm (pairwise consistency, entropy health). */
static int module_break(const char *test);

/* The module's RBG (src/drbg/random.c): len bytes from the DRBG behind
 * fm_random_bytes; FM_OK, FM_ERR_ENTROPY or FM_ERR_STATE (out zeroed). */
static int random_generate(uint8_t *out, size_t len);

/*
 * Race-checking hooks for the test build $(BUILD)/helgrind (-DFM_HELGRIND,
 * tests/test_threads.c): valgrind's helgrind knows pthread locks but not
 * the module's own spin locks (fork_safe_lock, entropy.c) nor its atomic
 * counters, so those say what they are through client requests (inline
 * asm, no calls: the module object is built and checked as usual).
 * Elsewhere they compile to nothing.
 *   MODULE_LOCK_ACQUIRED(l) / MODULE_LOCK_RELEASED(l): l is a mutex.
 *   MODULE_ATOMIC_WORD(p): the word at p is only accessed atomically
 *     (a lock word, a counter): helgrind, which does not know atomic
 *     instructions, is not to report its accesses as races.
 */
#ifdef FM_HELGRIND
#include <valgrind/helgrind.h>
#define MODULE_LOCK_ACQUIRED(l) ANNOTATE_RWLOCK_ACQUIRED((l), 1)
#define MODULE_LOCK_RELEASED(l) ANNOTATE_RWLOCK_RELEASED((l), 1)
#define MODULE_ATOMIC_WORD(p) ANNOTATE_BENIGN_RACE_SIZED((p), sizeof *(p), "atomic")
#else
#define MODULE_LOCK_ACQUIRED(l) ((void)(l))
#define MODULE_LOCK_RELEASED(l) ((void)(l))
#define MODULE_ATOMIC_WORD(p) ((void)(p))
#endif

#endif
