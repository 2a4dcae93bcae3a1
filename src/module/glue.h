/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The interface between the hashed part of the module (module.c and what
 * it includes) and the glue (glue.c) that the linker script places after
 * fm_module_end, outside the range the integrity test covers.
 *
 * Everything whose bytes or address depend on the final link lives in the
 * glue: the module's writable state (one struct in .bss), the per-thread
 * service indicator (TLS), the expected integrity value (patched into the
 * object after the build), and the calls out to the platform layer. The
 * hashed code reaches them only through these functions, with direct
 * PC-relative calls within one section, so its own bytes never change from
 * one link to another.
 */
#ifndef FIPSMOD_MODULE_GLUE_H
#define FIPSMOD_MODULE_GLUE_H

#include <stddef.h>
#include <stdint.h>

#include "fipsmod/monitor.h"

#define GLUE_API __attribute__((visibility("hidden")))

/* Room for one drbg_state (src/drbg/ctr_drbg.c checks that it fits). */
#define GLUE_DRBG_STATE_WORDS 136

/* Largest number of self-tests the state table has room for. */
#define MODULE_MAX_SELFTESTS 32

/* The power-up record (monitor.c): room for every event one power-up
 * raises: start, end, two state changes, a result per self-test and an
 * integrity failure. */
#define MODULE_EVENT_LOG_MAX (MODULE_MAX_SELFTESTS + 8)

/* Service counters (monitor.c): the first COUNTER_SHARDS - 1 threads that
 * count own a shard each, later ones share the last; in each, a family has
 * a slot per outcome: [0] approved, [-err] failed with err, [FM_ERR_CODES]
 * non-approved. */
#define COUNTER_SHARDS 64 /* 64 x 2856 bytes of .bss, touched only as threads count */
#define COUNTER_SLOTS  (FM_ERR_CODES + 1)
#define COUNTER_NON_APPROVED FM_ERR_CODES

/* Per-thread state (static TLS): the service indicator, which service
 * this thread is in, its counter shard, and whether it is inside an event
 * callback. Only the owning thread reads or writes it. */
struct glue_thread {
    int32_t indicator;          /* fm_service_approved */
    uint8_t service;            /* FM_SERVICE_* + 1 from service_enter to _exit, else 0 */
    uint8_t shard;              /* counter shard + 1; 0 until its first count */
    uint8_t in_event;           /* 1 while an event callback runs on this thread */
    uint8_t unused;
};

/*
 * The SP 800-90B section 4.4 continuous health tests' state over 8-bit
 * samples (src/drbg/entropy.c). The sample values held here are secret;
 * the counters derived from them too. The fail masks are all-ones once a
 * test has tripped.
 */
struct entropy_health {
    uint32_t rct_last;          /* repetition count test (4.4.1): A */
    uint32_t rct_run;           /* B, the length of the current run */
    uint32_t rct_fail;          /* mask */
    uint32_t apt_ref;           /* adaptive proportion test (4.4.2): A */
    uint32_t apt_count;         /* B, occurrences of A in this window */
    uint32_t apt_pos;           /* samples of this window seen (public) */
    uint32_t apt_fail;          /* mask */
};

/* The module's writable state. Every field is accessed with __atomic
 * builtins or under the power-up/self-test lock (`lock`). */
struct module_vars {
    uint32_t state;             /* FM_STATE_* */
    uint32_t flags;             /* FM_INIT_* */
    uint32_t lock;              /* 0 free, else held (fork_safe_lock): self-test runs */
    uint32_t deferred_done;     /* CAST_* bits: whose deferred self-tests passed (state.c) */
    int32_t error;              /* FM_ERR_* that caused ERROR, else 0 */
    int32_t failed_test;        /* index of the failed self-test, or -1 */
    int32_t failed_reason;      /* REASON_* of selftest.c */
    uint32_t cpu_initialised;
    uint32_t cpu_detected;
    uint32_t cpu_enabled;
    uint64_t power_up_us;
    uint8_t test_result[MODULE_MAX_SELFTESTS]; /* FM_SELFTEST_* */
    uint64_t test_us[MODULE_MAX_SELFTESTS];
    uint32_t entropy_lock;      /* 0 free, else held (fork_safe_lock, entropy.c) */
    uint32_t entropy_status;    /* ENTROPY_STATUS_* of entropy.c, under entropy_lock */
    struct entropy_health entropy; /* under entropy_lock */
    /* fm_random_bytes (src/drbg/random.c): the primary CTR_DRBG. */
    uint32_t random_lock;       /* 0 free, else held (fork_safe_lock, entropy.c) */
    uint32_t random_seeded;     /* 1 while random_primary holds an instance */
    uint64_t random_fork_gen;   /* the fork generation it was seeded under */
    /* The primary's drbg_state (ctr_drbg.c), opaque here; under random_lock.
     * Secret: V and Key. Wiped when the module enters the error state. */
    _Alignas(16) uint64_t random_primary[GLUE_DRBG_STATE_WORDS];
    /* Events (monitor.c). The callback and its argument, written under
     * `lock` inside a sequence lock (event_seq odd while they change) so
     * that a thread raising an event never reads a torn pair. */
    uint32_t event_seq;
    uintptr_t event_fn;         /* fm_event_fn, 0 for none */
    uintptr_t event_user;
    /* The record of the last power-up, written only by the thread running
     * it (under `lock`) and replayed to a new callback. */
    uint32_t event_log_on;      /* 1 while power-up records */
    uint32_t event_log_len;
    fm_event event_log[MODULE_EVENT_LOG_MAX];
    uint8_t integrity_computed[FM_MODULE_HMAC_LEN]; /* the integrity test's value
                                                       when it failed (public) */
    /* Service counters (monitor.c), atomic adds. */
    uint32_t counters_off;      /* 1: fm_counters_enable(0) */
    uint32_t counters_next_shard;
    _Alignas(64) uint64_t counters[COUNTER_SHARDS][FM_SERVICE_COUNT][COUNTER_SLOTS];
};

GLUE_API struct module_vars *fm_glue_vars(void);
GLUE_API struct glue_thread *fm_glue_thread(void); /* this thread's */
GLUE_API const uint8_t *fm_glue_expected_hmac(void); /* 32 bytes */
GLUE_API uint32_t fm_glue_cpu_mask(void);
GLUE_API uint64_t fm_glue_now_us(void);
GLUE_API void fm_glue_yield(void);
/* The OS noise source (fm_platform_entropy): 0, or -1 with out zeroed. */
GLUE_API int fm_glue_entropy(uint8_t *out, size_t len);
/* The process's fork generation (fm_platform_fork_generation): changes in
 * a child after fork(); GLUE_FORK_UNKNOWN when it cannot be known. */
#define GLUE_FORK_UNKNOWN UINT64_MAX
GLUE_API uint64_t fm_glue_fork_generation(void);
#ifdef FM_BREAK_TESTS
/* Test-only build: the self-test named by FIPSMOD_BREAK, or NULL. */
GLUE_API const char *fm_glue_break_name(void);
#endif

/* The bounds of the hashed range, defined by src/module/module.lds. */
extern const uint8_t fm_module_start[] __attribute__((visibility("hidden")));
extern const uint8_t fm_module_end[] __attribute__((visibility("hidden")));

/* What the placeholder holds until the injector replaces it (32 bytes). */
#define GLUE_HMAC_PLACEHOLDER "fipsmod: integrity not injected."

#endif
