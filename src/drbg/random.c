/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fm_random_bytes (fipsmod/drbg.h): the module's own random bit generator,
 * CTR_DRBG with AES-256 (SP 800-90Ar1 10.2, ctr_drbg.c's core functions)
 * seeded by the module's entropy source (entropy.c, SP 800-90B).
 *
 * Design: a chain of two DRBGs (RBG chaining, SP 800-90Ar1 8.6.5: a DRBG
 * may be seeded by an approved DRBG of at least its security strength;
 * SP 800-90C calls such a source a "DRBG randomness source").
 *
 *   The primary: one CTR_DRBG, AES-256 with the derivation function,
 *   security strength 256, in the glue's module_vars (the module's only
 *   writable state), under random_lock. Instantiated lazily on the first
 *   call from entropy_get: ENTROPY_BYTES_FOR_BITS(256) = 43 bytes of
 *   entropy input (256 bits at the claimed 6 bits/byte) and
 *   ENTROPY_BYTES_FOR_BITS(128) = 22 bytes of nonce (8.6.7: half the
 *   strength), personalization "fipsmod primary". Reseeded from 43 fresh
 *   bytes every RANDOM_RESEED_REQUESTS = 2^16 requests (Table 3 allows
 *   2^48; a shorter interval bounds what a compromise of the state can
 *   reveal at a cost of one entropy read per 2^16 calls). Re-instantiated
 *   (not merely reseeded: a thread interrupted by fork may have left the
 *   state half-written) whenever the fork generation differs from the one
 *   it was seeded under.
 *
 *   Per call, a child: under the lock the primary generates 48 bytes (one
 *   request, no additional input); the lock is released and a stack-local
 *   CTR_DRBG, AES-256 without the derivation function (seed = exactly
 *   seedlen = 48 bytes, 10.2.1.3.1), is instantiated from them, generates
 *   the caller's bytes in requests of at most FM_DRBG_MAX_REQUEST (65536)
 *   bytes, and is wiped. Why: the lock covers a fixed, small amount of
 *   work (3 AES blocks + an Update), so threads asking for megabytes do
 *   not serialise each other, and nothing of the child survives the call.
 *   The cost is two key expansions and two Updates per call; measured
 *   with `make bench FILTER=DRBG` (VAES machine, OpenSSL 3.0.19) it is
 *   small: 32 bytes 66 MB/s vs RAND_bytes 47 (1.43x), 4096 bytes 4500 vs
 *   3369 MB/s (1.34x). So no separate path that generates small requests
 *   straight from the primary (which would hold the lock longer) was
 *   needed.
 *
 * Fork safety. The platform layer's pthread_atfork child handler bumps a
 * fork generation (fm_platform_fork_generation, platform storage: the
 * module has no writable globals); the primary records the generation it
 * was seeded under and a call that sees another one re-instantiates it
 * from fresh entropy before generating, so parent and child never share a
 * stream. The check is made under the lock on every call, so it costs one
 * load. The lock word holds (generation << 1) | 1 (fork_safe_lock,
 * entropy.c; the entropy source's lock is the same kind): a child that
 * finds a lock held under an older generation knows the holder was a
 * thread of its parent, which does not exist in the child, and takes the
 * lock over (the primary is then re-instantiated anyway). MADV_WIPEONFORK was not
 * used: it works on whole anonymous pages, while the primary lives in the
 * glue's .bss beside state that must survive fork (module state, entropy
 * health tests) and the module may not allocate or call the OS itself; it
 * also needs Linux 4.14+. Not detected: a child made by a raw clone(2) or
 * vfork-then-no-exec without glibc's fork (no atfork handler runs). Should
 * pthread_atfork fail (ENOMEM) the generation is GLUE_FORK_UNKNOWN and
 * the primary is re-instantiated on every call.
 *
 * Errors. Outside OPERATIONAL: FM_ERR_STATE. Entropy failure: FM_ERR_ENTROPY
 * (entropy_get has latched the error state on a health-test failure). The
 * output is zeroed on every error, including when the module enters the
 * error state while the call runs. Approved service (indicator 1).
 *
 * Zeroisation (FIPS 140-3 AS09.28): the primary is wiped by
 * random_zeroise_primary(), which state.c calls when the error state is
 * latched (module_enter_error), after the state is ERROR: it waits for the
 * lock, so no thread is using the primary, and a call that takes the lock
 * afterwards sees ERROR and refuses. entropy_get is never called with the
 * random lock held, so that wait cannot deadlock (entropy_get may latch
 * the error). Every temporary (entropy, child state, seed) is wiped before
 * return.
 *
 * Secret: the entropy input, both DRBGs' V and Key, the seed, the output.
 * Public: lengths, counters, the fork generation, the module state.
 */
#include "drbg_internal.h"
#include "../module/glue.h"

#define RANDOM_RESEED_REQUESTS ((uint64_t)1 << 16) /* primary requests per seeding */
#define RANDOM_SEEDLEN 48                          /* AES-256 seedlen, no df */
#define RANDOM_ENTROPY_LEN ENTROPY_BYTES_FOR_BITS(256)
#define RANDOM_NONCE_LEN ENTROPY_BYTES_FOR_BITS(128)

_Static_assert(sizeof(drbg_state) <= sizeof(((struct module_vars *)0)->random_primary),
               "module_vars.random_primary too small for drbg_state");
_Static_assert(_Alignof(drbg_state) <= 16, "module_vars.random_primary misaligned");
_Static_assert(RANDOM_RESEED_REQUESTS < FM_DRBG_RESEED_INTERVAL, "above Table 3");

static const char random_pers[] = "fipsmod primary";

static drbg_state *random_primary(void)
{
    return (drbg_state *)(void *)fm_glue_vars()->random_primary;
}

static int random_operational(void)
{
    return __atomic_load_n(&fm_glue_vars()->state, __ATOMIC_ACQUIRE) == FM_STATE_OPERATIONAL;
}

/* random_lock is a fork_safe_lock (entropy.c): a child takes over a lock
 * left held by a thread of its parent. */
static void random_lock(void)
{
    fork_safe_lock(&fm_glue_vars()->random_lock);
}

static void random_unlock(void)
{
    fork_safe_unlock(&fm_glue_vars()->random_lock);
}

/* Wipe the primary; random_lock held. */
static void random_wipe_locked(void)
{
    struct module_vars *v = fm_glue_vars();

    wipe(v->random_primary, sizeof v->random_primary);
    v->random_seeded = 0;
    v->random_fork_gen = 0;
}

/* Called by state.c when the error state is latched (see the top). */
static void random_zeroise_primary(void)
{
    random_lock();
    random_wipe_locked();
    random_unlock();
}

#define RANDOM_NEED_NONE 0
#define RANDOM_NEED_RESEED 1
#define RANDOM_NEED_INSTANTIATE 2

/*
 * seed[48] = the next output of the primary, seeding it first when needed
 * (fetching entropy with the lock released). Returns FM_OK, FM_ERR_STATE
 * or FM_ERR_ENTROPY (seed zeroed).
 */
static int random_primary_seed(uint8_t seed[RANDOM_SEEDLEN])
{
    struct module_vars *v = fm_glue_vars();
    uint8_t ent[RANDOM_ENTROPY_LEN + RANDOM_NONCE_LEN];
    int have = 0, rc = FM_OK;

    for (;;) {
        uint64_t gen;
        int need;

        random_lock();
        if (!random_operational()) {
            random_wipe_locked();
            random_unlock();
            rc = FM_ERR_STATE;
            break;
        }
        gen = fm_glue_fork_generation();
        if (!v->random_seeded || v->random_fork_gen != gen || gen == GLUE_FORK_UNKNOWN)
            need = RANDOM_NEED_INSTANTIATE;
        else if (random_primary()->reseed_counter > RANDOM_RESEED_REQUESTS)
            need = RANDOM_NEED_RESEED;
        else
            need = RANDOM_NEED_NONE;
        if (need != RANDOM_NEED_NONE && !have) {
            /* Never call entropy_get with the lock held (see the top). */
            random_unlock();
            rc = entropy_get(ent, sizeof ent);
            if (rc != FM_OK)
                break;
            have = 1;
            continue;
        }
        if (need == RANDOM_NEED_INSTANTIATE) {
            /* 10.2.1.3.2: entropy input, nonce, personalization string. */
            drbg_core_instantiate(random_primary(), 32, 1, 128, aes_impl_now(), ent,
                                  RANDOM_ENTROPY_LEN, ent + RANDOM_ENTROPY_LEN,
                                  RANDOM_NONCE_LEN, (const uint8_t *)random_pers,
                                  sizeof random_pers - 1);
            v->random_seeded = 1;
            v->random_fork_gen = gen;
            event_drbg_reseed(FM_DRBG_MODULE, FM_RESEED_INSTANTIATE);
        } else if (need == RANDOM_NEED_RESEED) {
            drbg_core_reseed(random_primary(), ent, RANDOM_ENTROPY_LEN, NULL, 0);
            event_drbg_reseed(FM_DRBG_MODULE, FM_RESEED_INTERVAL);
        }
        drbg_core_generate(random_primary(), seed, RANDOM_SEEDLEN, NULL, 0);
        random_unlock();
        break;
    }
    wipe(ent, sizeof ent);
    if (rc != FM_OK)
        wipe(seed, RANDOM_SEEDLEN);
    return rc;
}

/*
 * len bytes from a child DRBG seeded by the primary (see the top of this
 * file), for fm_random_bytes and for the module's own needs (GCM IVs).
 * Returns FM_OK, FM_ERR_ENTROPY or FM_ERR_STATE; out is zeroed on error.
 */
static int random_generate(uint8_t *out, size_t len)
{
    uint8_t seed[RANDOM_SEEDLEN];
    drbg_state child;
    int rc;

    if (len == 0)
        return FM_OK;
    rc = random_primary_seed(seed);
    if (rc != FM_OK) {
        wipe(out, len);
        return rc;
    }
    /* 10.2.1.3.1: no df, entropy input = seed (seedlen bytes), no
     * personalization string. */
    drbg_core_instantiate(&child, 32, 0, 128, aes_impl_now(), seed, RANDOM_SEEDLEN, NULL, 0, NULL, 0);
    wipe(seed, sizeof seed);
    for (size_t done = 0; done < len;) {
        size_t n = len - done < FM_DRBG_MAX_REQUEST ? len - done : FM_DRBG_MAX_REQUEST;

        drbg_core_generate(&child, out + done, n, NULL, 0);
        done += n;
    }
    wipe(&child, sizeof child);
    /* The error state entered meanwhile (another thread's self-test or
     * entropy failure): release nothing. */
    if (!random_operational()) {
        wipe(out, len);
        return FM_ERR_STATE;
    }
    return FM_OK;
}

/* see fipsmod/drbg.h */
int fm_random_bytes(uint8_t *out, size_t len)
{
    int rc = service_enter(FM_SERVICE_RANDOM);

    if (out == NULL && len != 0)
        return service_exit(FM_ERR_ARG, 0);
    if (rc != FM_OK) {
        wipe(out, len);
        return service_exit(rc, 0);
    }
    rc = random_generate(out, len);
    return service_exit(rc, 1);
}
