/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The module's entropy source (SP 800-90B): the operating system's noise
 * source, getrandom(2) reached through the glue and the platform layer
 * (fm_glue_entropy -> fm_platform_entropy), read as 8-bit samples that
 * must pass the continuous health tests of section 4.4 before any of them
 * leaves this file:
 *
 *   - the Repetition Count Test (4.4.1): C_RCT identical samples in a row
 *     fail;
 *   - the Adaptive Proportion Test (4.4.2), window W = 512 (non-binary
 *     samples): the window's first sample occurring C_APT times among the
 *     W samples of the window fails;
 *   - the start-up test (4.3 item 11): at power-up (state.c, after the
 *     known-answer tests, before OPERATIONAL) the first 1024 samples run
 *     through both tests and are discarded; nothing is output before they
 *     pass. fm_selftest() repeats it on demand (4.3 item 12).
 *
 * A failure zeroes the caller's buffer (failing samples are never output),
 * returns FM_ERR_ENTROPY and latches the module's error state (4.3 item 6;
 * state.c, reason "entropy health test failed"); a start-up failure is a
 * failed power-up self-test ("entropy-startup"). The entropy source never
 * recovers within the process.
 *
 * Claimed min-entropy. getrandom(2) returns the output of the kernel's
 * ChaCha20-based CRNG, a conditioned source that nominally has full
 * entropy (8 bits per byte). The module does not rely on that: it claims
 * H = 6 bits of min-entropy per 8-bit sample (security-policy.md), and
 * consumers ask for ENTROPY_BYTES_FOR_BITS(n) bytes for n bits. The
 * cutoffs follow from H and the false-positive probability alpha = 2^-20
 * (4.4: 2^-20 <= alpha <= 2^-40):
 *
 *   C_RCT = 1 + ceil(-log2(alpha) / H) = 1 + ceil(20 / 6) = 1 + 4 = 5
 *
 *   C_APT = 1 + CRITBINOM(W, 2^-H, 1 - alpha)
 *         = 1 + min{ k : P[Bin(512, 1/64) <= k] >= 1 - 2^-20 } = 1 + 24 = 25
 *
 * (exact binomial sums in rational arithmetic; the same computation gives
 * Table 2 of SP 800-90B: H = 1, 2, 4, 8 -> 311, 177, 62, 13). For an
 * ideal source (8 bits per sample) the false-alarm rates are far below
 * alpha: a run of 5 equal bytes occurs with probability 2^-32 per
 * position, and a 512-byte window holding its first byte 25 times with
 * probability about 2^-94.
 *
 * Constant time. The samples are secret, and so is everything derived from
 * them: each test updates its counters with masks (ct.h), never a branch
 * or an index on a sample. The only branch on the tests' state is on the
 * pass/fail outcome, once per chunk of samples: that outcome is public by
 * nature (a failure is announced through the module's error state and
 * fm_module_status), and it reveals nothing else about the samples. The
 * APT's position in its window counts samples and is public. In the
 * ctgrind build the samples are marked secret as soon as they are read and
 * only the outcome is declassified, so `make ctgrind` checks this.
 *
 * The tests' logic is a set of pure functions over struct entropy_health
 * (glue.h): the live state sits in the glue's writable module_vars, under
 * its own lock (entropy_get may be called from several threads, and the
 * power-up and fm_selftest runs that hold the module lock take it too;
 * the order is always module lock, then entropy lock), and
 * entropy_health_selftest() runs the same functions on fixed sequences.
 */
#include "drbg_internal.h"
#include "../module/ct.h"
#include "../module/glue.h"
#include "fipsmod/ctgrind.h"

/* Claimed min-entropy per 8-bit sample, in bits (see above). */
#define ENTROPY_H_BITS 6
/* Bytes to request from entropy_get for bits of min-entropy. */
#define ENTROPY_BYTES_FOR_BITS(bits) (((bits) + ENTROPY_H_BITS - 1) / ENTROPY_H_BITS)

#define ENTROPY_RCT_CUTOFF 5       /* C_RCT, SP 800-90B 4.4.1, H = 6, alpha = 2^-20 */
#define ENTROPY_APT_WINDOW 512     /* W, SP 800-90B 4.4.2, non-binary samples */
#define ENTROPY_APT_CUTOFF 25      /* C_APT, SP 800-90B 4.4.2, H = 6, alpha = 2^-20 */
#define ENTROPY_STARTUP_SAMPLES 1024 /* SP 800-90B 4.3 item 11 */
#define ENTROPY_CHUNK 64           /* samples read and tested per step */

_Static_assert(ENTROPY_STARTUP_SAMPLES % ENTROPY_CHUNK == 0, "start-up in whole chunks");
_Static_assert(ENTROPY_APT_CUTOFF <= ENTROPY_APT_WINDOW, "APT cutoff above its window");

/* The start-up test's name in the self-test list (state.c) and for
 * FIPSMOD_BREAK in the test-only build; and the name proposed for the
 * health tests' known-answer test once selftest.c lists it. */
#define ENTROPY_STARTUP_TEST_NAME "entropy-startup"
#define ENTROPY_HEALTH_KAT_NAME   "entropy-health-kat"

/* module_vars.entropy_status */
#define ENTROPY_STATUS_NOT_STARTED 0 /* the start-up test has not passed yet */
#define ENTROPY_STATUS_READY       1 /* start-up passed: samples may be output */
#define ENTROPY_STATUS_FAILED      2 /* a health test tripped: latched */

/* ---- the health tests: pure functions over struct entropy_health ---------------------- */

/* All-ones if a >= b, else 0; a, b < 2^31 and b >= 1. No branch. */
static inline uint32_t entropy_ge_mask(uint32_t a, uint32_t b)
{
    return value_barrier_u32((uint32_t)0 - ((b - 1u - a) >> 31));
}

/* Start both tests afresh (a new start-up test, or a known-answer run). */
static void entropy_health_reset(struct entropy_health *h)
{
    wipe(h, sizeof *h);
}

/*
 * One sample through both tests. Branch-free in the sample: the RCT's run
 * B becomes B + 1 when the sample equals A and 1 otherwise, and A becomes
 * the sample either way (if it is equal, A does not change). The APT's
 * window position is public: its first sample becomes A with B = 1, every
 * later one adds 1 to B under the equality mask. Each test ORs its failure
 * (B >= C) into its mask. A fresh state (rct_run 0) starts a run of 1
 * whatever the first sample is.
 */
static inline void entropy_health_sample(struct entropy_health *h, uint32_t s)
{
    uint32_t eq = ct_is_zero_mask(s ^ h->rct_last);

    h->rct_run = ((h->rct_run + 1u) & eq) | (1u & ~eq);
    h->rct_last = s;
    h->rct_fail |= entropy_ge_mask(h->rct_run, ENTROPY_RCT_CUTOFF);

    if (h->apt_pos == 0) {
        h->apt_ref = s;
        h->apt_count = 1;
    } else {
        h->apt_count += ct_is_zero_mask(s ^ h->apt_ref) & 1u;
        h->apt_fail |= entropy_ge_mask(h->apt_count, ENTROPY_APT_CUTOFF);
    }
    h->apt_pos = h->apt_pos + 1 == ENTROPY_APT_WINDOW ? 0 : h->apt_pos + 1;
}

/* n samples through both tests. Returns the combined failure mask (secret
 * until the caller declassifies it: all-ones when either test tripped). */
static uint32_t entropy_health_run(struct entropy_health *h, const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        entropy_health_sample(h, s[i]);
    return h->rct_fail | h->apt_fail;
}

/* ---- the health tests' own known-answer test ------------------------------------------ */

#define ENTROPY_KAT_PASS 0
#define ENTROPY_KAT_RCT  1
#define ENTROPY_KAT_APT  2
#define ENTROPY_KAT_LEN  ENTROPY_STARTUP_SAMPLES

/*
 * Sample i of a fixed sequence of 1024 (two APT windows). The base is
 * 167 i + 13 mod 256: never the same twice in a row, each value twice per
 * window, and 13 (each window's first sample) at offsets 0 and 256. On it:
 * a run of 0x42 at 100.. of C_RCT - 1 samples (ENTROPY_KAT_PASS and _APT)
 * or C_RCT (_RCT), and 13 at every fourth sample from 300 until the first
 * window holds it C_APT - 1 times (_PASS, _RCT) or C_APT times (_APT). So
 * the passing sequence sits one below each cutoff and each failing one
 * reaches exactly one cutoff.
 */
static uint8_t entropy_kat_sample(int kind, size_t i)
{
    size_t run = kind == ENTROPY_KAT_RCT ? ENTROPY_RCT_CUTOFF : ENTROPY_RCT_CUTOFF - 1;
    size_t extra = kind == ENTROPY_KAT_APT ? ENTROPY_APT_CUTOFF - 2 : ENTROPY_APT_CUTOFF - 3;
    uint8_t s = (uint8_t)(i * 167u + 13u);

    if (i >= 100 && i < 100 + run)
        s = 0x42;
    if (i >= 300 && i < 300 + 4 * extra && (i - 300) % 4 == 0)
        s = 13;
    return s;
}

_Static_assert(300 + 4 * (ENTROPY_APT_CUTOFF - 2) < ENTROPY_APT_WINDOW, "KAT APT run fits");

/* Run sequence kind; 1 when the RCT and APT outcomes are the expected ones. */
static int entropy_kat_one(int kind, uint32_t want_rct, uint32_t want_apt)
{
    struct entropy_health h;
    int ok;

    entropy_health_reset(&h);
    for (size_t i = 0; i < ENTROPY_KAT_LEN; i++)
        entropy_health_sample(&h, entropy_kat_sample(kind, i));
    ok = h.rct_fail == want_rct && h.apt_fail == want_apt;
    wipe(&h, sizeof h);
    return ok;
}

/*
 * The health tests' known-answer test (FIPS 140-3 IG 10.3.A; the tests
 * must be shown to work before they are relied on): on fixed 1024-sample
 * sequences, one just under both cutoffs must pass both tests, one with a
 * run of C_RCT equal samples must trip the RCT alone, and one whose first
 * window holds its first sample C_APT times must trip the APT alone.
 * Touches no live state. Returns FM_OK or FM_ERR_SELFTEST. In the
 * test-only build, FIPSMOD_BREAK=entropy-health-kat feeds the RCT-tripping
 * sequence where the passing one belongs, so the test fails.
 */
static int entropy_health_selftest(void)
{
    int pass_kind = module_break(ENTROPY_HEALTH_KAT_NAME) ? ENTROPY_KAT_RCT : ENTROPY_KAT_PASS;
    int ok = entropy_kat_one(pass_kind, 0, 0) &
             entropy_kat_one(ENTROPY_KAT_RCT, 0xffffffffu, 0) &
             entropy_kat_one(ENTROPY_KAT_APT, 0, 0xffffffffu);

    return ok ? FM_OK : FM_ERR_SELFTEST;
}

/* ---- the live source ------------------------------------------------------------------ */

/*
 * A spin lock that survives fork: the word holds (fork generation << 1) |
 * 1 while held. Only the forking thread exists in a child, so a lock found
 * held under an older generation was held by a thread of the parent that
 * will never release it: the child takes it over instead of waiting
 * forever. Used for entropy_lock and random_lock (random.c), both taken by
 * fm_random_bytes, which a child may call right after fork. (What the
 * lost holder was doing is abandoned half-done: the health tests' counters
 * stay valid values; random.c re-instantiates its DRBG after fork anyway.)
 */
static void fork_safe_lock(uint32_t *l)
{
    MODULE_ATOMIC_WORD(l);
    for (;;) {
        uint32_t mine = (uint32_t)(fm_glue_fork_generation() << 1) | 1u;
        uint32_t seen = 0;

        if (__atomic_compare_exchange_n(l, &seen, mine, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED) ||
            (seen != mine &&
             __atomic_compare_exchange_n(l, &seen, mine, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))) {
            MODULE_LOCK_ACQUIRED(l);
            return;
        }
        fm_glue_yield();
    }
}

static void fork_safe_unlock(uint32_t *l)
{
    MODULE_LOCK_RELEASED(l);
    __atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

static void entropy_lock(void)
{
    fork_safe_lock(&fm_glue_vars()->entropy_lock);
}

static void entropy_unlock(void)
{
    fork_safe_unlock(&fm_glue_vars()->entropy_lock);
}

/*
 * Read len samples from the noise source, ENTROPY_CHUNK at a time, run
 * each chunk through the live health tests, and copy it to out (when out
 * is not NULL) only once it has passed. Holds the entropy lock. stuck
 * (test-only break build) replaces the samples by one repeated value.
 * Returns FM_OK, or FM_ERR_ENTROPY with *reason set and out[0..len)
 * zeroed.
 */
static int entropy_read_tested(uint8_t *out, size_t len, int stuck, int *reason)
{
    struct entropy_health *h = &fm_glue_vars()->entropy;
    uint8_t buf[ENTROPY_CHUNK];
    int rc = FM_OK;

    for (size_t done = 0; done < len; done += ENTROPY_CHUNK) {
        size_t n = len - done < ENTROPY_CHUNK ? len - done : ENTROPY_CHUNK;
        uint32_t fail;

        if (fm_glue_entropy(buf, n) != 0) {
            *reason = MODULE_REASON_ENTROPY_SOURCE;
            rc = FM_ERR_ENTROPY;
            break;
        }
        if (stuck)
            for (size_t i = 0; i < n; i++)
                buf[i] = 0x3c;
        FM_SECRET(buf, n);
        fail = entropy_health_run(h, buf, n);
        /* The outcome is public (see the top of this file); only it. */
        FM_PUBLIC(&fail, sizeof fail);
        if (fail != 0) {
            *reason = MODULE_REASON_ENTROPY_HEALTH;
            rc = FM_ERR_ENTROPY;
            break;
        }
        if (out != NULL)
            copy_bytes(out + done, buf, n);
    }
    wipe(buf, sizeof buf);
    if (rc != FM_OK && out != NULL)
        wipe(out, len);
    return rc;
}

/*
 * The start-up test, with the entropy lock held: the health tests' own
 * known answers, then a fresh state and ENTROPY_STARTUP_SAMPLES samples
 * through both tests, discarded. Sets entropy_status.
 */
static int entropy_startup_locked(int *reason)
{
    struct module_vars *v = fm_glue_vars();
    int rc;

    v->entropy_status = ENTROPY_STATUS_NOT_STARTED;
    entropy_health_reset(&v->entropy);
    /* The health tests' own known answers ran before, as the self-test
     * entropy-health-kat (selftest.c). */
    rc = entropy_read_tested(NULL, ENTROPY_STARTUP_SAMPLES,
                             module_break(ENTROPY_STARTUP_TEST_NAME), reason);
    v->entropy_status = rc == FM_OK ? ENTROPY_STATUS_READY : ENTROPY_STATUS_FAILED;
    return rc;
}

/*
 * The start-up test as a power-up (and on-demand) self-test, run by
 * state.c with the module lock held. Returns FM_OK, or FM_ERR_ENTROPY or
 * FM_ERR_SELFTEST with *reason a MODULE_REASON_ENTROPY_*; state.c latches
 * the error state. In the test-only build, FIPSMOD_BREAK=entropy-startup
 * makes the source stuck for this test, so the RCT trips.
 */
static int entropy_startup(int *reason)
{
    int rc;

    *reason = 0;
    entropy_lock();
    rc = entropy_startup_locked(reason);
    entropy_unlock();
    return rc;
}

/* see drbg_internal.h; called by fm_random_bytes (random.c) */
static int entropy_get(uint8_t *out, size_t len)
{
    struct module_vars *v = fm_glue_vars();
    int reason = MODULE_REASON_ENTROPY_HEALTH;
    int rc = FM_OK, latch = 0;

    entropy_lock();
    /* Power-up runs the start-up test before any service can call this;
     * should anything call it earlier, the start-up test runs first. */
    if (v->entropy_status == ENTROPY_STATUS_NOT_STARTED) {
        rc = entropy_startup_locked(&reason);
        latch = rc != FM_OK;
    }
    if (rc == FM_OK && v->entropy_status != ENTROPY_STATUS_READY)
        rc = FM_ERR_ENTROPY; /* latched by an earlier failure */
    if (rc == FM_OK) {
        rc = entropy_read_tested(out, len, 0, &reason);
        /* A health-test failure latches; a noise source that returned
         * nothing (no sample was tested) does not. */
        if (rc != FM_OK && reason == MODULE_REASON_ENTROPY_HEALTH) {
            v->entropy_status = ENTROPY_STATUS_FAILED;
            latch = 1;
        }
    }
    entropy_unlock();
    if (rc != FM_OK) {
        wipe(out, len);
        rc = FM_ERR_ENTROPY;
    }
    if (latch)
        module_enter_error_reason(FM_ERR_ENTROPY, reason);
    return rc;
}
