/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Break tests: corrupt each self-test in turn and check that the module
 * enters its error state and refuses every service (module.h; FIPS 140-3
 * section 7.10, SP 800-140 "error state").
 *
 * Runs against the test-only library build/break/libfipsmod.a, compiled
 * with -DFM_BREAK_TESTS: when FIPSMOD_BREAK=<self-test name> is in the
 * environment at process start, that one self-test gets a wrong expected
 * answer. The library may power up from a constructor before main, so the
 * variable is put into the environment of a fresh exec of this program, never
 * set with setenv() in a process that has already started.
 *
 * The parent (no arguments):
 *   1. Completeness: reads every `FM_EXPORT <type> fm_xxx(` declaration in
 *      include/fipsmod/<file>.h (from the repository root, the directory make
 *      runs in) and fails, naming them, for any exported function missing from
 *      the walk table below, or any table entry no header declares. Adding a
 *      function to the API therefore means saying here how it behaves in the
 *      error state.
 *   2. Powers up normally (no FIPSMOD_BREAK): fm_init(0) == FM_OK, state
 *      OPERATIONAL, no self-test failed; reads the self-test names with
 *      fm_selftest_count/fm_selftest_get (none is written in this file,
 *      except that "integrity" fails with FM_ERR_INTEGRITY rather than
 *      FM_ERR_SELFTEST); checks the power-up record replayed to an event
 *      callback (monitor.h) installed now, as in 5; reads the names of the
 *      event types and service families for the children to compare; and
 *      runs the walk expecting every call to succeed, so the arguments the
 *      children use are known to be valid.
 *   3. For each self-test, execs `/proc/self/exe --child <name>` with
 *      FIPSMOD_BREAK=<name>. The child checks: fm_init returns the error;
 *      state FM_STATE_ERROR; fm_module_status_get names the test; that test
 *      alone reports FM_SELFTEST_FAIL; then walks every exported function.
 *      A self-test that is deferred (FM_SELFTEST_DEFERRED after power-up) is
 *      triggered by fm_selftest(), which runs deferred tests.
 *      The events say so, the failure before the state change: power-up
 *      failed before main, so a callback installed after fm_init gets the
 *      record replayed (replayed = 1): START; STATE_CHANGE UNINITIALISED ->
 *      SELF_TEST; a SELFTEST per test in fm_selftest_get order, PASS or
 *      DEFERRED, up to the broken one, FAIL with the error and a reason;
 *      for "integrity" an INTEGRITY_FAILURE (expected_hmac = the status's
 *      module_hmac, computed_hmac different); STATE_CHANGE SELF_TEST ->
 *      ERROR with the error and a reason; END with the error; nothing else
 *      (no test runs after the failure). For a deferred test the callback
 *      is installed before fm_selftest(): it gets the good power-up
 *      replayed, then live (replayed = 0) the tests before the broken one
 *      PASS with trigger ON_DEMAND, the broken one FAIL, ON_DEMAND, then
 *      STATE_CHANGE OPERATIONAL -> ERROR, and no test after it.
 *      Counters: snapshots before and after the walk (see "Counters"
 *      below).
 *   4. The conditional tests, the pairwise consistency tests of key
 *      generation: "rsa-pct" (fm_rsa_generate_key, 2048 bits) and
 *      "ecdsa-pct" (fm_ec_key_generate, P-256). Power-up passes, the
 *      generation fails with FM_ERR_SELFTEST and a zeroed key, the module is
 *      in ERROR (no failed self-test named, the reason given) and the walk
 *      is refused. A callback installed before the generation gets the good
 *      power-up replayed, then live a CONDITIONAL_FAILURE named like the
 *      test with FM_ERR_SELFTEST and a reason, followed by STATE_CHANGE
 *      OPERATIONAL -> ERROR (the only change into ERROR). The generation is
 *      counted once, as a failure FM_ERR_SELFTEST of its keygen family; the
 *      walk's counts as in 3.
 *   5. Names that match no test break nothing: "no-such-test", the empty
 *      string, and each self-test and conditional test name shortened by
 *      one character and lengthened by one (a prefix match would be a bug).
 *      Each child powers up normally, a callback installed after power-up
 *      gets the whole good record replayed (START; STATE_CHANGE
 *      UNINITIALISED -> SELF_TEST; one SELFTEST per fm_selftest_get entry,
 *      in order, PASS or DEFERRED; STATE_CHANGE SELF_TEST -> OPERATIONAL;
 *      END with FM_OK), and the whole walk succeeds in it.
 *
 * The walk calls each exported function with valid arguments. The update,
 * final and verify calls need a live context, and none can be made in a
 * process that starts in the error state, so the parent makes them (init +
 * "abc") and hands their bytes to each child on stdin; contexts are plain
 * caller-owned memory that may be copied by assignment (sha2.h, hmac.h).
 * Likewise the keys: the RSA key rsa_pem and the P-256 key ec_pem, both
 * decoded by the key-format functions and imported by the parent, with
 * signatures of H("abc") (and an RSA-OAEP ciphertext) for the children to
 * verify (decrypt).
 * Output buffers are filled with 0xAA first and followed by one 0xAA guard
 * byte.
 *
 *   refused in ERROR: FM_ERR_STATE, every output byte zero (the guard byte
 *   left alone), the live context it was given zeroed (security-policy.md,
 *   "Error state"), and fm_service_approved() reports 0 afterwards:
 *     fm_hash_init (its context is the output), fm_hash_update,
 *     fm_hash_final, fm_hash, fm_hmac_init, fm_hmac_update, fm_hmac_final,
 *     fm_hmac_verify (with the right tag, and with a wrong one), fm_hmac,
 *     fm_aes_cmac_init (its context is the output), fm_aes_cmac_update,
 *     fm_aes_cmac_final, fm_aes_cmac, fm_aes_cmac_verify (right and wrong
 *     tag), fm_aes_kw_wrap, fm_aes_kw_unwrap, fm_aes_kwp_wrap,
 *     fm_aes_kwp_unwrap (its *outlen zeroed too), their inverse-cipher
 *     twins fm_aes_kw_wrap_inv, fm_aes_kw_unwrap_inv, fm_aes_kwp_wrap_inv,
 *     fm_aes_kwp_unwrap_inv (likewise), fm_aes_gcm_init,
 *     fm_aes_gcm_seal and fm_aes_gcm_seal_geniv (IV, ciphertext and tag),
 *     fm_aes_gcm_open, fm_aes_gcm_start and
 *     fm_aes_gcm_start_geniv (context and IV), fm_aes_gcm_aad,
 *     fm_aes_gcm_update, fm_aes_gcm_encrypt_final (tag),
 *     fm_aes_gcm_decrypt_final (the plaintext buffer it was given),
 *     fm_drbg_instantiate_with (its context is the output),
 *     fm_drbg_reseed_with, fm_drbg_generate, fm_drbg_generate_pr_with, and
 *     fm_drbg_instantiate, fm_drbg_reseed, fm_drbg_generate_pr (source-fed)
 *     (output and context), fm_random_bytes (output), fm_rsa_key_import,
 *     fm_rsa_generate_key and fm_rsa_key_public (the key is the output), fm_rsa_key_export
 *     (buffer), fm_rsa_sign, fm_rsa_oaep_decrypt and
 *     fm_rsa_decrypt_primitive (output, *outlen, and the key, which they
 *     take as writable), fm_rsa_verify, fm_rsa_oaep_encrypt (output),
 *     fm_ec_key_generate, fm_ec_key_import (private, and public only) and
 *     fm_ec_key_public (into another context and in place: the key is the
 *     output), fm_ec_key_public_bytes (uncompressed and compressed: the
 *     whole buffer and *len), fm_ec_key_private_bytes (buffer),
 *     fm_ecdsa_sign (DER with a random k, and
 *     P1363 with RFC 6979's: the whole buffer and *siglen),
 *     fm_ecdsa_verify (DER and P1363, the right signature; DER, a wrong
 *     one),
 *     fm_selftest (must not leave ERROR; only a new process clears it).
 *   still working in ERROR, with the same answers as when operational:
 *     fm_init (returns the power-up error again), fm_module_status_get,
 *     fm_module_state, fm_selftest_count, fm_selftest_get,
 *     fm_service_approved, fm_error_name, fm_version, fm_wipe,
 *     fm_hash_wipe, fm_hmac_wipe, fm_aes_cmac_wipe, fm_aes_gcm_wipe,
 *     fm_aes_gcm_ctx_wipe, fm_drbg_uninstantiate, fm_rsa_key_wipe,
 *     fm_rsa_key_info, fm_ec_key_info, fm_ec_key_wipe; the key formats, which are outside
 *     the module (fm_rsa_der_parse, fm_rsa_der_encode, fm_ec_der_parse,
 *     fm_ec_der_encode, fm_key_der_type, fm_pem_decode, fm_pem_encode);
 *     and, by decision: fm_cpu_features, fm_impl_name, fm_cpu_set_features,
 *     fm_hash_digest_len, fm_hash_block_len. security-policy.md section 4
 *     lists them as "show status" and "select implementations", not as
 *     cryptographic services, and its "Error state" paragraph keeps them
 *     working; none processes data or keys or outputs anything derived from
 *     them. Selecting an implementation only affects contexts initialised
 *     later, and fm_hash_init and fm_hmac_init refuse in ERROR, so allowing
 *     it releases nothing.
 *     The monitoring functions (monitor.h: "works in every state"; status
 *     output is what ERROR must still give): fm_set_event_callback (the
 *     new callback gets the power-up record replayed before the call
 *     returns, replayed = 1, from power-up-start to power-up-end with the
 *     power-up's result, FM_OK when the error came later; called from
 *     inside the callback it returns FM_ERR_STATE; then uninstalled with
 *     NULL), fm_event_name and fm_service_name (the operational parent's
 *     names; FM_ERR_ARG and "unknown" out of range), fm_counters_snapshot
 *     (calls = approved + non-approved + failures, counting enabled),
 *     fm_counters_enable (1: FM_OK, counting stays on; 2: FM_ERR_ARG); and,
 *     outside the module boundary, fm_counters_prometheus (FM_OK, the text
 *     has "fipsmod_module_state 3" in ERROR, "... 2" when operational).
 *
 * Counters (monitor.h: a call in the error state is counted as a failure
 * FM_ERR_STATE of its family). In ERROR the walk takes a snapshot around
 * every entry: a refused service adds FM_ERR_STATE failures to the family
 * walk_table gives it and changes no other count; every other function
 * changes none. fm_selftest is refused but is no counted service (no
 * family, no indicator), so it too must change none. Around the whole walk
 * (child_broken, child_pct): no family's approved or non-approved count
 * grew, no other failure code was counted, and the FM_ERR_STATE failures
 * grew by at least the number of refused counted services.
 *
 * Output: one line per check ("BREAK <name> -> error state, services
 * refused" or "BREAK <name> -> FAILED: <why>", with the child's further
 * complaints indented below), then "N passed, N failed". Exit status 1 on
 * any failure or when the library reports no self-test.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fipsmod/fipsmod.h>

#define MAX_TESTS     64
#define MAX_NAME      64
#define MAX_EXPORTS   256
#define CHILD_TIMEOUT 60 /* seconds before a hung child is killed */
#define MAX_SHOWN     12 /* complaints of one child printed below its line */

/* ---- the handoff from the parent to each child ------------------------------ */

#define NUM_ALGS 6
static const int algs[NUM_ALGS] = {
    FM_SHA224, FM_SHA256, FM_SHA384, FM_SHA512, FM_SHA512_224, FM_SHA512_256,
};
static const uint8_t hmac_key[32] = "fipsmod break test key, 32 byte";
static const uint8_t aes_key[32] = "fipsmod break test AES-256 key!";
static const uint8_t aes_pt[32] = "two blocks of AES plaintext ...";

typedef struct {
    uint64_t magic;                     /* HANDOFF_MAGIC ^ sizeof(handoff) */
    fm_hash_ctx hash[NUM_ALGS];         /* init(alg) + update("abc") */
    fm_hmac_ctx hmac[NUM_ALGS];         /* init(alg, hmac_key) + update("abc") */
    uint8_t digest[NUM_ALGS][FM_HASH_MAX_LEN]; /* H("abc") */
    uint8_t tag[NUM_ALGS][FM_HASH_MAX_LEN];    /* HMAC(hmac_key, "abc") */
    size_t dlen[NUM_ALGS];
    fm_aes_key aes;                     /* fm_aes_init(aes_key) */
    uint8_t aes_ct[32];                 /* ECB encryption of aes_pt under it */
    fm_aes_cmac_ctx cmac;               /* fm_aes_cmac_init(aes) + update("abc") */
    uint8_t cmac_tag[FM_AES_CMAC_LEN];  /* CMAC(aes_key, "abc") */
    uint8_t kw_ct[40];                  /* fm_aes_kw_wrap of aes_pt */
    uint8_t kwp_ct[32];                 /* fm_aes_kwp_wrap of the first 20 bytes of aes_pt */
    uint8_t kw_inv_ct[40];              /* fm_aes_kw_wrap_inv of aes_pt */
    uint8_t kwp_inv_ct[32];             /* fm_aes_kwp_wrap_inv of the first 20 bytes */
    fm_aes_gcm_key gcm;                 /* fm_aes_gcm_init(aes_key) */
    uint8_t gcm_ct[48];                 /* GCM seal of aes_pt under gcm_iv: ct || tag */
    fm_aes_gcm_ctx gcm_enc, gcm_dec;    /* started under gcm_iv, nothing fed */
    fm_drbg_ctx drbg;                   /* AES-256 df from aes_key (entropy), aes_pt (nonce) */
    fm_rsa_key rsa;                     /* rsa_pem imported */
    uint8_t rsa_sig[256];               /* PKCS#1 v1.5 SHA-256 signature of H("abc") */
    uint8_t rsa_ct[256];                /* RSA-OAEP SHA-256 of "abc" */
    fm_ec_key ec;                       /* ec_pem imported (P-256, private) */
    uint8_t ec_sig[FM_ECDSA_SIG_MAX_LEN]; /* DER ECDSA SHA-256 signature of H("abc") */
    size_t ec_siglen;
    uint8_t ec_sig_det[64];             /* the same, RFC 6979 k, r || s (P1363) */
    size_t ntests;
    char names[MAX_TESTS][MAX_NAME];    /* self-test names, in fm_selftest_get order */
    char event_names[8][MAX_NAME];      /* fm_event_name of FM_EVENT_* 1..7 */
    char service_names[FM_SERVICE_COUNT][MAX_NAME]; /* fm_service_name of each family */
} handoff;

#define HANDOFF_MAGIC 0x464d425245414b31ull /* "FMBREAK1" */

/* A 2048-bit test key, made with `openssl genpkey -algorithm RSA -pkeyopt
 * rsa_keygen_bits:2048 | openssl rsa -traditional` (OpenSSL 3.0); it
 * protects nothing. */
static const char rsa_pem[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEAr2cgoa9cojP22406DsKtNQ5I597FpaBgsomMlpOYneDIgrYN\n"
    "pmjIq/X2p8Fs16mMi65W/tcxrTlocpYei4gv6K4G762Gdxe/xw16OhSlA4w1fds9\n"
    "zP3b9lTW2SPBi/ze/oKCqQOoux9avfOPliJy98iJQW9l6Lw+WF5tXEOBXnX7/ha1\n"
    "pyGvk2o1S6DEmXhTUcc1vT46EzRop/ZnUoq0Q4GJMUy30+H4n45JvFbScitT2Krb\n"
    "K7TAuQinrIcPtlvnAJsRKOTIcC6nI+cfZPiCKla3R/BNkL6UuYQdtBmyI5GZSbLh\n"
    "IYa4+XRs+bGBTmpzZauA1PVCJov20xdc9jU6IwIDAQABAoIBAAnmiEqYDpWy2S9x\n"
    "vHuYzkejk5OC8r6mjs64QapxXYWL0PjDARvWtLAzWF85S8UTwBsiSOBmXsEOvHzu\n"
    "fErj8dBWzycE/gU63r63Km8DO0039maXbKWYrqtfOCe8tomjfFkuHkuFj8CZxHin\n"
    "hszl2BdxLYFdoe/BFsPMkKx+IvWlG0nRhhTqUsADZCUWVCJGDDSxkbAtGylPC2/K\n"
    "CR/1iTsC0Pa1lobIw8TJQVU2fvOLdoT4qkYZRQd4IIAJgXXpyIGSEVmIIxSLKDgf\n"
    "SQCkzpP5wjRCcCBgGXeMOuauPJf20/Wt5l9bk05pH3pAc92KEa/NQLCBI8/VyPHs\n"
    "9+PnRgECgYEA3Gs9lIeIyMOWY3SIw6zo5fq3rXPr6USHSQJTF5bEph5UxI5RsCym\n"
    "5DL41yPuZLuHhr2MwRGFgi87TWpvVipJcqbXTS6c9cWoIwNHRcCAr94rGX9bLkej\n"
    "/68SnGQukePxAmo0LXjPQD9aOeFfC7bNK11uwRQ9SiPEODEo8/ccdjcCgYEAy7eb\n"
    "yzJkjRKAtVmw1SU2SWK68D+pOf8h8apaR4MsndSeNZU9b4tgcH8rnMcJIw2dWNAZ\n"
    "8lOEZeflKTHmA/7kgGjBkgMlgrrQQzxze07qz0D2tEmXCICsSBw1UmJUwQmTzkGx\n"
    "BgIMi/d4dqBMnEOa5iGObmnIR3HzNMxDNjks5XUCgYBlPOhS0RGVTKhFU+ABJ+js\n"
    "wIQeqdCgGnacpPGvMvNtbR74DHoeldOtmm/KuNkk8TElROhiQP72NWVigFFU3SVR\n"
    "AKqA67jx9W/tbPMOaYVxwXRASMuDbSo5JJtCs4zkOzKWLlt6yzM9yhtR3F7ATZzc\n"
    "nxRgoEAqTlUwjfvGWih7bwKBgEHxNy75Ku83VA5f8AuutfnfSZ/HG6I4YeZ2PC71\n"
    "2RVl46h4nKBkv1zq7VUcYGrGV26OPjfgrPTHsbg5/LjCY3jlb/MxrYy5p/x7ru31\n"
    "R7C62KDXSVppPFtDNkdqqQCrdvrG7OSC+Ui9XHMZxHK4t4VSy2YWO8xUqGMo04DT\n"
    "1SKZAoGBAI//n3Nc35V8gO3LFzt/JT98UA1UqP/xHMP9xxZmS4IUwN7fdRpzm3GH\n"
    "eTK6kFUGaskvN0katF2OkuuxL1Y97SLlbaF181TGv7gowKX7LrMh8zbKKGWIR380\n"
    "A6yoJr4YS7DAlm0fUTCBaxazDwukHJDrkYqdsmxWQ53j7dSLG/Cv\n"
    "-----END RSA PRIVATE KEY-----\n";

/* A P-256 test key, made with `openssl genpkey -algorithm EC -pkeyopt
 * ec_paramgen_curve:P-256` (OpenSSL 3.0: PKCS#8 with the public key); it
 * protects nothing. */
static const char ec_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgpAjfz4xhoX8H1lCC\n"
    "3hthGOcoRK6CjvXprfHG5D7qSU+hRANCAAQWArwyY4CgnZhhGsMZY6CwGjRxJhKi\n"
    "xLj+0o2dWaoMUrteZRiwV6y+gX6XBhQ4W4UyQEWq5qbThL5I5L72ZbZ0\n"
    "-----END PRIVATE KEY-----\n";

static handoff ho;

/* ---- reporting ------------------------------------------------------------------ */

static int nbad; /* complaints in this process */

static void bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void bad(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    nbad++;
}

static const char *err_name(int rc)
{
    static char buf[4][40];
    static int k;
    const char *n = NULL;

    if (fm_error_name(rc, &n) == FM_OK && n != NULL)
        return n;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%d", rc);
    return buf[k];
}

static const char *state_name(int s)
{
    switch (s) {
    case FM_STATE_UNINITIALISED: return "UNINITIALISED";
    case FM_STATE_SELF_TEST: return "SELF_TEST";
    case FM_STATE_OPERATIONAL: return "OPERATIONAL";
    case FM_STATE_ERROR: return "ERROR";
    default: return "unknown";
    }
}

static const char *result_name(int r)
{
    switch (r) {
    case FM_SELFTEST_NOT_RUN: return "NOT_RUN";
    case FM_SELFTEST_PASS: return "PASS";
    case FM_SELFTEST_FAIL: return "FAIL";
    case FM_SELFTEST_DEFERRED: return "DEFERRED";
    default: return "unknown";
    }
}

/* Index of the first byte of p[0..n) that is not zero, or n. */
static size_t first_nonzero(const void *p, size_t n)
{
    const uint8_t *b = p;
    size_t i;

    for (i = 0; i < n; i++)
        if (b[i] != 0)
            break;
    return i;
}

/* ---- the walk ------------------------------------------------------------------------ */

/*
 * What the walk expects of the module in this process: `error` is 0 when it
 * must be operational (every call succeeds), else the power-up error (every
 * service refuses). failed_test is the name the status must report.
 */
static struct {
    int error;
    const char *failed_test;
    int power_up; /* fm_init's result at power-up: FM_OK also when the error came later (a
                     deferred test run by fm_selftest, a conditional test) */
} want;

/* The outcome of a service: FM_OK when operational, FM_ERR_STATE in ERROR. */
static void service_result(const char *call, int rc, const void *out, size_t outlen)
{
    int approved = -1, arc;

    if (want.error == 0) {
        if (rc != FM_OK)
            bad("%s returned %s while operational (the walk's arguments must be valid)", call,
                err_name(rc));
        return;
    }
    if (rc != FM_ERR_STATE)
        bad("%s returned %s in the error state, not FM_ERR_STATE", call, err_name(rc));
    if (out != NULL) {
        size_t z = first_nonzero(out, outlen);
        if (z != outlen)
            bad("%s: refused, but its %zu-byte output is not zeroed (byte %zu is 0x%02x)", call,
                outlen, z, ((const uint8_t *)out)[z]);
        if (((const uint8_t *)out)[outlen] != 0xAA)
            bad("%s: wrote past the end of its %zu-byte output", call, outlen);
    }
    if (rc == FM_OK)
        return; /* the complaint above is enough */
    arc = fm_service_approved(&approved);
    if (arc != FM_OK || approved != 0)
        bad("after the refused %s, fm_service_approved gives %s, approved=%d (want FM_OK, 0)",
            call, err_name(arc), approved);
}

/*
 * In ERROR a refused service also zeroes the context it was given
 * (security-policy.md, "Error state"): it may hold key-derived state.
 */
static void context_wiped(const char *call, const void *ctx, size_t size)
{
    size_t z;

    if (want.error == 0)
        return;
    z = first_nonzero(ctx, size);
    if (z != size)
        bad("%s: refused, but the %zu-byte context it was given is not zeroed (byte %zu)", call,
            size, z);
}

/* The module state and status still say what `want` says. */
static void check_state(const char *when)
{
    fm_module_status st;
    int s = -1, rc;

    rc = fm_module_state(&s);
    if (rc != FM_OK)
        bad("%s: fm_module_state returned %s", when, err_name(rc));
    else if (s != (want.error ? FM_STATE_ERROR : FM_STATE_OPERATIONAL))
        bad("%s: state is %s, want %s", when, state_name(s),
            want.error ? "ERROR" : "OPERATIONAL");
    memset(&st, 0xAA, sizeof st);
    rc = fm_module_status_get(&st);
    if (rc != FM_OK) {
        bad("%s: fm_module_status_get returned %s", when, err_name(rc));
        return;
    }
    if (st.state != s)
        bad("%s: fm_module_status_get says state %s, fm_module_state says %s", when,
            state_name(st.state), state_name(s));
    if (st.error != want.error)
        bad("%s: status error is %s, want %s", when, err_name(st.error), err_name(want.error));
    if (st.reason == NULL)
        bad("%s: status reason is NULL (want \"\" or a reason)", when);
    else if (want.error != 0 && st.reason[0] == '\0')
        bad("%s: status gives no reason for the error", when);
    else if (want.error == 0 && st.reason[0] != '\0')
        bad("%s: status gives reason \"%s\" while operational", when, st.reason);
    if (want.failed_test == NULL && st.failed_test != NULL)
        bad("%s: status names failed test \"%s\" while operational", when, st.failed_test);
    if (want.failed_test != NULL &&
        (st.failed_test == NULL || strcmp(st.failed_test, want.failed_test) != 0))
        bad("%s: status failed_test is %s%s%s, want \"%s\"", when,
            st.failed_test ? "\"" : "", st.failed_test ? st.failed_test : "NULL",
            st.failed_test ? "\"" : "", want.failed_test);
}

static void walk_hash_init(void)
{
    char call[64];
    size_t i;

    for (i = 0; i < NUM_ALGS; i++) {
        struct {
            fm_hash_ctx c;
            uint8_t guard;
        } b;
        memset(&b, 0xAA, sizeof b);
        snprintf(call, sizeof call, "fm_hash_init(alg %d)", algs[i]);
        service_result(call, fm_hash_init(&b.c, algs[i]), &b.c, sizeof b.c);
        fm_hash_wipe(&b.c);
    }
}

static void walk_hash_update(void)
{
    char call[64];
    size_t i;

    for (i = 0; i < NUM_ALGS; i++) {
        fm_hash_ctx c = ho.hash[i];
        snprintf(call, sizeof call, "fm_hash_update(alg %d)", algs[i]);
        service_result(call, fm_hash_update(&c, "def", 3), NULL, 0);
        context_wiped(call, &c, sizeof c);
        fm_hash_wipe(&c);
    }
}

static void walk_hash_final(void)
{
    char call[64];
    size_t i;

    for (i = 0; i < NUM_ALGS; i++) {
        fm_hash_ctx c = ho.hash[i];
        uint8_t out[FM_HASH_MAX_LEN + 1];
        int rc;

        memset(out, 0xAA, sizeof out);
        snprintf(call, sizeof call, "fm_hash_final(alg %d)", algs[i]);
        rc = fm_hash_final(&c, out, FM_HASH_MAX_LEN);
        service_result(call, rc, out, FM_HASH_MAX_LEN);
        if (want.error == 0 && rc == FM_OK && memcmp(out, ho.digest[i], ho.dlen[i]) != 0)
            bad("%s: wrong digest of \"abc\" from a context handed over", call);
        context_wiped(call, &c, sizeof c);
        fm_hash_wipe(&c);
    }
}

static void walk_hash(void)
{
    char call[64];
    size_t i;

    for (i = 0; i < NUM_ALGS; i++) {
        uint8_t out[FM_HASH_MAX_LEN + 1];
        int rc;

        memset(out, 0xAA, sizeof out);
        snprintf(call, sizeof call, "fm_hash(alg %d)", algs[i]);
        rc = fm_hash(algs[i], "abc", 3, out, FM_HASH_MAX_LEN);
        service_result(call, rc, out, FM_HASH_MAX_LEN);
        if (want.error == 0 && rc == FM_OK && memcmp(out, ho.digest[i], ho.dlen[i]) != 0)
            bad("%s: wrong digest of \"abc\"", call);
    }
}

static void walk_hmac_init(void)
{
    char call[64];
    size_t i;

    for (i = 0; i < NUM_ALGS; i++) {
        struct {
            fm_hmac_ctx c;
            uint8_t guard;
        } b;
        memset(&b, 0xAA, sizeof b);
        snprintf(call, sizeof call, "fm_hmac_init(alg %d)", algs[i]);
        service_result(call, fm_hmac_init(&b.c, algs[i], hmac_key, sizeof hmac_key), &b.c,
                       sizeof b.c);
        fm_hmac_wipe(&b.c);
    }
}

static void walk_hmac_update(void)
{
    char call[64];
    size_t i;

    for (i = 0; i < NUM_ALGS; i++) {
        fm_hmac_ctx c = ho.hmac[i];
        snprintf(call, sizeof call, "fm_hmac_update(alg %d)", algs[i]);
        service_result(call, fm_hmac_update(&c, "def", 3), NULL, 0);
        context_wiped(call, &c, sizeof c);
        fm_hmac_wipe(&c);
    }
}

static void walk_hmac_final(void)
{
    char call[64];
    size_t i;

    for (i = 0; i < NUM_ALGS; i++) {
        fm_hmac_ctx c = ho.hmac[i];
        uint8_t tag[FM_HASH_MAX_LEN + 1];
        int rc;

        memset(tag, 0xAA, sizeof tag);
        snprintf(call, sizeof call, "fm_hmac_final(alg %d)", algs[i]);
        rc = fm_hmac_final(&c, tag, ho.dlen[i]);
        service_result(call, rc, tag, ho.dlen[i]);
        if (want.error == 0 && rc == FM_OK && memcmp(tag, ho.tag[i], ho.dlen[i]) != 0)
            bad("%s: wrong tag of \"abc\" from a context handed over", call);
        context_wiped(call, &c, sizeof c);
        fm_hmac_wipe(&c);
    }
}

static void walk_hmac_verify(void)
{
    char call[80];
    size_t i;

    for (i = 0; i < NUM_ALGS; i++) {
        fm_hmac_ctx c = ho.hmac[i];
        uint8_t wrong[FM_HASH_MAX_LEN];
        int rc;

        /* The right tag: FM_OK when operational, FM_ERR_STATE (not FM_OK) in ERROR. */
        snprintf(call, sizeof call, "fm_hmac_verify(alg %d, right tag)", algs[i]);
        service_result(call, fm_hmac_verify(&c, ho.tag[i], ho.dlen[i]), NULL, 0);
        context_wiped(call, &c, sizeof c);
        fm_hmac_wipe(&c);

        /* A wrong tag: FM_ERR_VERIFY when operational, FM_ERR_STATE in ERROR. */
        c = ho.hmac[i];
        memcpy(wrong, ho.tag[i], ho.dlen[i]);
        wrong[0] ^= 1;
        snprintf(call, sizeof call, "fm_hmac_verify(alg %d, wrong tag)", algs[i]);
        rc = fm_hmac_verify(&c, wrong, ho.dlen[i]);
        if (want.error == 0) {
            if (rc != FM_ERR_VERIFY)
                bad("%s returned %s while operational, want FM_ERR_VERIFY", call, err_name(rc));
        } else {
            service_result(call, rc, NULL, 0);
            context_wiped(call, &c, sizeof c);
        }
        fm_hmac_wipe(&c);
    }
}

static void walk_hmac(void)
{
    char call[64];
    size_t i;

    for (i = 0; i < NUM_ALGS; i++) {
        uint8_t tag[FM_HASH_MAX_LEN + 1];
        int rc;

        memset(tag, 0xAA, sizeof tag);
        snprintf(call, sizeof call, "fm_hmac(alg %d)", algs[i]);
        rc = fm_hmac(algs[i], hmac_key, sizeof hmac_key, "abc", 3, tag, ho.dlen[i]);
        service_result(call, rc, tag, ho.dlen[i]);
        if (want.error == 0 && rc == FM_OK && memcmp(tag, ho.tag[i], ho.dlen[i]) != 0)
            bad("%s: wrong tag of \"abc\"", call);
    }
}

static void walk_selftest(void)
{
    service_result("fm_selftest()", fm_selftest(), NULL, 0);
    check_state("after fm_selftest()");
}

/* ---- functions that work in every state ---- */

static void walk_init(void)
{
    int rc = fm_init(0);

    if (rc != want.error)
        bad("fm_init(0) returned %s, want %s (the result of power-up)", err_name(rc),
            err_name(want.error));
    check_state("after fm_init(0)");
}

static void walk_error_name(void)
{
    const char *n = NULL;
    int rc = fm_error_name(FM_ERR_STATE, &n);

    if (rc != FM_OK || n == NULL || strcmp(n, "FM_ERR_STATE") != 0)
        bad("fm_error_name(FM_ERR_STATE) returned %s, \"%s\"", err_name(rc), n ? n : "NULL");
}

static void walk_wipe(void)
{
    uint8_t buf[33];
    int rc;

    memset(buf, 0xAA, sizeof buf);
    rc = fm_wipe(buf, 32);
    if (rc != FM_OK || first_nonzero(buf, 32) != 32 || buf[32] != 0xAA)
        bad("fm_wipe(buf, 32) returned %s and left the buffer %s", err_name(rc),
            buf[32] != 0xAA ? "overwritten past its end" : first_nonzero(buf, 32) != 32 ?
                              "not zero" : "right");
}

static void walk_version(void)
{
    const char *v = NULL;
    int rc = fm_version(&v);

    if (rc != FM_OK || v == NULL || strcmp(v, FM_VERSION_STRING) != 0)
        bad("fm_version returned %s, \"%s\" (want \"%s\")", err_name(rc), v ? v : "NULL",
            FM_VERSION_STRING);
}

static void walk_cpu_features(void)
{
    uint32_t d = 0xdeadbeef, e = 0xdeadbeef;
    int rc = fm_cpu_features(&d, &e);

    if (rc != FM_OK || (d & ~FM_CPU_ALL) != 0 || (e & ~d) != 0)
        bad("fm_cpu_features returned %s, detected 0x%x, enabled 0x%x", err_name(rc),
            (unsigned)d, (unsigned)e);
}

static void walk_cpu_set_features(void)
{
    const char *n = NULL;
    uint32_t d = 0, e = 0;
    int rc;

    rc = fm_cpu_set_features(FM_CPU_PORTABLE);
    if (rc != FM_OK)
        bad("fm_cpu_set_features(FM_CPU_PORTABLE) returned %s", err_name(rc));
    if (fm_impl_name(FM_FAMILY_SHA256, &n) != FM_OK || n == NULL || strcmp(n, "portable") != 0)
        bad("after fm_cpu_set_features(FM_CPU_PORTABLE) SHA-256 uses \"%s\"", n ? n : "NULL");
    rc = fm_cpu_set_features(FM_CPU_ALL);
    if (rc != FM_OK)
        bad("fm_cpu_set_features(FM_CPU_ALL) returned %s", err_name(rc));
    if (fm_cpu_features(&d, &e) != FM_OK || e != d)
        bad("after fm_cpu_set_features(FM_CPU_ALL) enabled 0x%x != detected 0x%x", (unsigned)e,
            (unsigned)d);
}

static void walk_impl_name(void)
{
    int f;

    for (f = 1; f <= FM_FAMILY_MAX; f++) {
        const char *n = NULL;
        int rc = fm_impl_name(f, &n);
        if (rc != FM_OK || n == NULL || *n == '\0')
            bad("fm_impl_name(%d) returned %s, \"%s\"", f, err_name(rc), n ? n : "NULL");
    }
}

static void walk_digest_len(void)
{
    size_t i, n;

    for (i = 0; i < NUM_ALGS; i++) {
        int rc;
        n = 0;
        rc = fm_hash_digest_len(algs[i], &n);
        if (rc != FM_OK || n != ho.dlen[i])
            bad("fm_hash_digest_len(%d) returned %s, %zu (want %zu)", algs[i], err_name(rc), n,
                ho.dlen[i]);
    }
}

static void walk_block_len(void)
{
    size_t i, n;

    for (i = 0; i < NUM_ALGS; i++) {
        size_t w = algs[i] == FM_SHA224 || algs[i] == FM_SHA256 ? FM_SHA256_BLOCK_LEN
                                                                : FM_SHA512_BLOCK_LEN;
        int rc;
        n = 0;
        rc = fm_hash_block_len(algs[i], &n);
        if (rc != FM_OK || n != w)
            bad("fm_hash_block_len(%d) returned %s, %zu (want %zu)", algs[i], err_name(rc), n, w);
    }
}

static void walk_module_status_get(void)
{
    check_state("fm_module_status_get");
}

static void walk_module_state(void)
{
    check_state("fm_module_state");
}

static void walk_selftest_count(void)
{
    size_t n = 0;
    int rc = fm_selftest_count(&n);

    if (rc != FM_OK || n != ho.ntests)
        bad("fm_selftest_count returned %s, %zu (the operational parent saw %zu)", err_name(rc),
            n, ho.ntests);
}

static void walk_selftest_get(void)
{
    fm_selftest_result r;
    size_t i;
    int rc;

    for (i = 0; i < ho.ntests; i++) {
        memset(&r, 0, sizeof r);
        rc = fm_selftest_get(i, &r);
        if (rc != FM_OK || r.name == NULL || strcmp(r.name, ho.names[i]) != 0)
            bad("fm_selftest_get(%zu) returned %s, \"%s\" (the operational parent saw \"%s\")", i,
                err_name(rc), r.name ? r.name : "NULL", ho.names[i]);
    }
    rc = fm_selftest_get(ho.ntests, &r);
    if (rc != FM_ERR_ARG)
        bad("fm_selftest_get(count) returned %s, want FM_ERR_ARG", err_name(rc));
}

static void walk_service_approved(void)
{
    int a = -1, rc = fm_service_approved(&a);

    if (rc != FM_OK || (a != 0 && a != 1))
        bad("fm_service_approved returned %s, %d", err_name(rc), a);
}

static void walk_hash_wipe(void)
{
    fm_hash_ctx c = ho.hash[1];
    int rc = fm_hash_wipe(&c);

    if (rc != FM_OK || first_nonzero(&c, sizeof c) != sizeof c)
        bad("fm_hash_wipe returned %s and the context is %s", err_name(rc),
            first_nonzero(&c, sizeof c) != sizeof c ? "not zero" : "zero");
}

static void walk_hmac_wipe(void)
{
    fm_hmac_ctx c = ho.hmac[1];
    int rc = fm_hmac_wipe(&c);

    if (rc != FM_OK || first_nonzero(&c, sizeof c) != sizeof c)
        bad("fm_hmac_wipe returned %s and the context is %s", err_name(rc),
            first_nonzero(&c, sizeof c) != sizeof c ? "not zero" : "zero");
}

/*
 * Every exported function, how it must behave in the error state, and the
 * code that checks it. The completeness check compares the names with the
 * FM_EXPORT declarations of the headers in include/fipsmod/.
 */
enum { REFUSED, WORKS };
static void walk_aes_init(void)
{
    struct {
        fm_aes_key k;
        uint8_t guard;
    } b;

    memset(&b, 0xAA, sizeof b);
    service_result("fm_aes_init", fm_aes_init(&b.k, aes_key, sizeof aes_key), &b.k, sizeof b.k);
    fm_aes_wipe(&b.k);
}

/* ECB in one direction with the parent's key; the key is const and stays. */
static void walk_aes_ecb(int encrypt)
{
    const char *call = encrypt ? "fm_aes_ecb_encrypt" : "fm_aes_ecb_decrypt";
    const uint8_t *in = encrypt ? aes_pt : ho.aes_ct;
    const uint8_t *want_out = encrypt ? ho.aes_ct : aes_pt;
    struct {
        uint8_t out[32];
        uint8_t guard;
    } b;
    int rc;

    memset(&b, 0xAA, sizeof b);
    rc = encrypt ? fm_aes_ecb_encrypt(&ho.aes, in, b.out, sizeof b.out)
                 : fm_aes_ecb_decrypt(&ho.aes, in, b.out, sizeof b.out);
    service_result(call, rc, b.out, sizeof b.out);
    if (want.error == 0 && rc == FM_OK && memcmp(b.out, want_out, sizeof b.out) != 0)
        bad("%s gave a wrong answer while operational", call);
}

static void walk_aes_ecb_encrypt(void)
{
    walk_aes_ecb(1);
}

static void walk_aes_ecb_decrypt(void)
{
    walk_aes_ecb(0);
}

/* CBC and CTR with the parent's key; the IV/counter must be left alone
 * when refused. In the operational walk only the return code is checked:
 * test_aes_modes.c checks the answers. */
static void walk_aes_mode(const char *call, int mode)
{
    uint8_t iv[16], iv0[16];
    struct {
        uint8_t out[32];
        uint8_t guard;
    } b;
    int rc;

    memset(iv, 0x5c, sizeof iv);
    memcpy(iv0, iv, sizeof iv);
    memset(&b, 0xAA, sizeof b);
    if (mode == 0)
        rc = fm_aes_cbc_encrypt(&ho.aes, iv, aes_pt, b.out, sizeof b.out);
    else if (mode == 1)
        rc = fm_aes_cbc_decrypt(&ho.aes, iv, ho.aes_ct, b.out, sizeof b.out);
    else
        rc = fm_aes_ctr(&ho.aes, iv, aes_pt, b.out, sizeof b.out);
    service_result(call, rc, b.out, sizeof b.out);
    if (want.error != 0 && memcmp(iv, iv0, sizeof iv) != 0)
        bad("%s: refused, but it changed the IV/counter", call);
}

static void walk_aes_cbc_encrypt(void)
{
    walk_aes_mode("fm_aes_cbc_encrypt", 0);
}

static void walk_aes_cbc_decrypt(void)
{
    walk_aes_mode("fm_aes_cbc_decrypt", 1);
}

static void walk_aes_ctr(void)
{
    walk_aes_mode("fm_aes_ctr", 2);
}

static void walk_aes_wipe(void)
{
    fm_aes_key k = ho.aes;

    if (fm_aes_wipe(&k) != FM_OK || first_nonzero(&k, sizeof k) != sizeof k)
        bad("fm_aes_wipe did not zero the key");
    if (fm_aes_wipe(NULL) != FM_ERR_ARG)
        bad("fm_aes_wipe(NULL) did not return FM_ERR_ARG");
}

/*
 * CMAC. A context refers to its key by address, and the child's copy of
 * the parent's key lives at another address (a fresh exec), so the
 * handed-over context is used only where the module must refuse it
 * without looking at the key (in ERROR); an operational walk makes its
 * own context with the same key and "abc".
 */
static void cmac_ctx_for_walk(fm_aes_cmac_ctx *c)
{
    if (want.error != 0) {
        *c = ho.cmac;
        return;
    }
    if (fm_aes_cmac_init(c, &ho.aes) != FM_OK ||
        fm_aes_cmac_update(c, (const uint8_t *)"abc", 3) != FM_OK)
        bad("cannot make a CMAC context while operational");
}

static void walk_aes_cmac_init(void)
{
    struct {
        fm_aes_cmac_ctx c;
        uint8_t guard;
    } b;

    memset(&b, 0xAA, sizeof b);
    service_result("fm_aes_cmac_init", fm_aes_cmac_init(&b.c, &ho.aes), &b.c, sizeof b.c);
    fm_aes_cmac_wipe(&b.c);
}

static void walk_aes_cmac_update(void)
{
    fm_aes_cmac_ctx c;

    cmac_ctx_for_walk(&c);
    service_result("fm_aes_cmac_update", fm_aes_cmac_update(&c, (const uint8_t *)"def", 3),
                   NULL, 0);
    context_wiped("fm_aes_cmac_update", &c, sizeof c);
    fm_aes_cmac_wipe(&c);
}

static void walk_aes_cmac_final(void)
{
    uint8_t tag[FM_AES_CMAC_LEN + 1];
    fm_aes_cmac_ctx c;
    int rc;

    cmac_ctx_for_walk(&c);
    memset(tag, 0xAA, sizeof tag);
    rc = fm_aes_cmac_final(&c, tag, FM_AES_CMAC_LEN);
    service_result("fm_aes_cmac_final", rc, tag, FM_AES_CMAC_LEN);
    if (want.error == 0 && rc == FM_OK && memcmp(tag, ho.cmac_tag, FM_AES_CMAC_LEN) != 0)
        bad("fm_aes_cmac_final: wrong MAC of \"abc\"");
    context_wiped("fm_aes_cmac_final", &c, sizeof c);
    fm_aes_cmac_wipe(&c);
}

static void walk_aes_cmac(void)
{
    uint8_t tag[FM_AES_CMAC_LEN + 1];
    int rc;

    memset(tag, 0xAA, sizeof tag);
    rc = fm_aes_cmac(&ho.aes, (const uint8_t *)"abc", 3, tag, FM_AES_CMAC_LEN);
    service_result("fm_aes_cmac", rc, tag, FM_AES_CMAC_LEN);
    if (want.error == 0 && rc == FM_OK && memcmp(tag, ho.cmac_tag, FM_AES_CMAC_LEN) != 0)
        bad("fm_aes_cmac: wrong MAC of \"abc\"");
}

static void walk_aes_cmac_verify(void)
{
    uint8_t wrong[FM_AES_CMAC_LEN];
    int rc;

    /* The right tag: FM_OK when operational, FM_ERR_STATE (not FM_OK) in ERROR. */
    service_result("fm_aes_cmac_verify(right tag)",
                   fm_aes_cmac_verify(&ho.aes, (const uint8_t *)"abc", 3, ho.cmac_tag,
                                      FM_AES_CMAC_LEN), NULL, 0);
    memcpy(wrong, ho.cmac_tag, sizeof wrong);
    wrong[FM_AES_CMAC_LEN - 1] ^= 1;
    rc = fm_aes_cmac_verify(&ho.aes, (const uint8_t *)"abc", 3, wrong, FM_AES_CMAC_LEN);
    if (want.error == 0) {
        if (rc != FM_ERR_VERIFY)
            bad("fm_aes_cmac_verify(wrong tag) returned %s while operational, want FM_ERR_VERIFY",
                err_name(rc));
    } else {
        service_result("fm_aes_cmac_verify(wrong tag)", rc, NULL, 0);
    }
}

/* ---- CTR_DRBG --------------------------------------------------------------------- */

static void drbg_ctx_for_walk(fm_drbg_ctx *c)
{
    if (want.error != 0) {
        *c = ho.drbg;
        return;
    }
    if (fm_drbg_instantiate_with(c, FM_DRBG_AES256, 0, aes_key, 32, aes_pt, 16, NULL, 0) !=
        FM_OK)
        bad("cannot make a DRBG context while operational");
}

static void walk_drbg_instantiate_with(void)
{
    struct {
        fm_drbg_ctx c;
        uint8_t guard;
    } b;

    memset(&b, 0xAA, sizeof b);
    service_result("fm_drbg_instantiate_with",
                   fm_drbg_instantiate_with(&b.c, FM_DRBG_AES256, 0, aes_key, 32, aes_pt, 16,
                                            (const uint8_t *)"abc", 3),
                   &b.c, sizeof b.c);
    fm_drbg_uninstantiate(&b.c);
}

static void walk_drbg_reseed_with(void)
{
    fm_drbg_ctx c;

    drbg_ctx_for_walk(&c);
    service_result("fm_drbg_reseed_with",
                   fm_drbg_reseed_with(&c, aes_key, 32, (const uint8_t *)"abc", 3), NULL, 0);
    context_wiped("fm_drbg_reseed_with", &c, sizeof c);
    fm_drbg_uninstantiate(&c);
}

static void walk_drbg_generate(void)
{
    uint8_t out[33];
    fm_drbg_ctx c;

    drbg_ctx_for_walk(&c);
    memset(out, 0xAA, sizeof out);
    service_result("fm_drbg_generate",
                   fm_drbg_generate(&c, out, 32, (const uint8_t *)"abc", 3), out, 32);
    context_wiped("fm_drbg_generate", &c, sizeof c);
    fm_drbg_uninstantiate(&c);
}

static void walk_drbg_generate_pr_with(void)
{
    uint8_t out[33];
    fm_drbg_ctx c;

    drbg_ctx_for_walk(&c);
    memset(out, 0xAA, sizeof out);
    service_result("fm_drbg_generate_pr_with",
                   fm_drbg_generate_pr_with(&c, aes_key, 32, out, 32, NULL, 0), out, 32);
    context_wiped("fm_drbg_generate_pr_with", &c, sizeof c);
    fm_drbg_uninstantiate(&c);
}

/* The source-fed forms: the same contexts, entropy from the module. */
static void walk_drbg_instantiate(void)
{
    struct {
        fm_drbg_ctx c;
        uint8_t guard;
    } b;

    memset(&b, 0xAA, sizeof b);
    service_result("fm_drbg_instantiate",
                   fm_drbg_instantiate(&b.c, FM_DRBG_AES256, (const uint8_t *)"pers", 4), &b.c,
                   sizeof b.c);
    fm_drbg_uninstantiate(&b.c);
}

static void walk_drbg_reseed(void)
{
    fm_drbg_ctx c;

    drbg_ctx_for_walk(&c);
    service_result("fm_drbg_reseed", fm_drbg_reseed(&c, (const uint8_t *)"abc", 3), NULL, 0);
    context_wiped("fm_drbg_reseed", &c, sizeof c);
    fm_drbg_uninstantiate(&c);
}

static void walk_drbg_generate_pr(void)
{
    uint8_t out[33];
    fm_drbg_ctx c;

    drbg_ctx_for_walk(&c);
    memset(out, 0xAA, sizeof out);
    service_result("fm_drbg_generate_pr", fm_drbg_generate_pr(&c, out, 32, NULL, 0), out, 32);
    context_wiped("fm_drbg_generate_pr", &c, sizeof c);
    fm_drbg_uninstantiate(&c);
}

static void walk_drbg_uninstantiate(void)
{
    fm_drbg_ctx c = ho.drbg;

    if (fm_drbg_uninstantiate(&c) != FM_OK || first_nonzero(&c, sizeof c) != sizeof c)
        bad("fm_drbg_uninstantiate did not zero the context");
    if (fm_drbg_uninstantiate(NULL) != FM_ERR_ARG)
        bad("fm_drbg_uninstantiate(NULL) did not return FM_ERR_ARG");
}

/* fm_random_bytes: refused in ERROR with its output zeroed; a success
 * while operational cannot be checked against an answer (random). */
static void walk_random_bytes(void)
{
    struct {
        uint8_t out[64];
        uint8_t guard;
    } b;

    memset(&b, 0xAA, sizeof b);
    service_result("fm_random_bytes", fm_random_bytes(b.out, sizeof b.out), b.out,
                   sizeof b.out);
}

static void walk_aes_cmac_wipe(void)
{
    fm_aes_cmac_ctx c = ho.cmac;

    if (fm_aes_cmac_wipe(&c) != FM_OK || first_nonzero(&c, sizeof c) != sizeof c)
        bad("fm_aes_cmac_wipe did not zero the context");
    if (fm_aes_cmac_wipe(NULL) != FM_ERR_ARG)
        bad("fm_aes_cmac_wipe(NULL) did not return FM_ERR_ARG");
}

/*
 * GCM. The key holds no pointer, so the child's copy of the parent's key
 * works as it is; a streaming context refers to its key by address, so
 * (as for CMAC) the handed-over contexts are used only where the module
 * must refuse them (ERROR) and an operational walk starts its own.
 */
static const uint8_t gcm_iv[12] = "break GCM iv";

static void gcm_ctx_for_walk(fm_aes_gcm_ctx *c, int encrypt)
{
    if (want.error != 0) {
        *c = encrypt ? ho.gcm_enc : ho.gcm_dec;
        return;
    }
    if (fm_aes_gcm_start(c, &ho.gcm, encrypt ? FM_AES_GCM_ENCRYPT : FM_AES_GCM_DECRYPT, gcm_iv,
                         sizeof gcm_iv) != FM_OK)
        bad("cannot start a GCM context while operational");
}

static void walk_aes_gcm_init(void)
{
    struct {
        fm_aes_gcm_key k;
        uint8_t guard;
    } b;

    memset(&b, 0xAA, sizeof b);
    service_result("fm_aes_gcm_init", fm_aes_gcm_init(&b.k, aes_key, sizeof aes_key), &b.k,
                   sizeof b.k);
    fm_aes_gcm_wipe(&b.k);
}

/* Seal: ciphertext and tag side by side, so one check covers both. */
static void walk_aes_gcm_seal(void)
{
    struct {
        uint8_t out[48];
        uint8_t guard;
    } b;
    int rc;

    memset(&b, 0xAA, sizeof b);
    rc = fm_aes_gcm_seal(&ho.gcm, gcm_iv, sizeof gcm_iv, NULL, 0, aes_pt, 32, b.out, b.out + 32,
                         16);
    service_result("fm_aes_gcm_seal", rc, b.out, sizeof b.out);
    if (want.error == 0 && rc == FM_OK && memcmp(b.out, ho.gcm_ct, sizeof b.out) != 0)
        bad("fm_aes_gcm_seal gave a wrong answer while operational");
}

static void walk_aes_gcm_open(void)
{
    struct {
        uint8_t out[32];
        uint8_t guard;
    } b;
    int rc;

    memset(&b, 0xAA, sizeof b);
    rc = fm_aes_gcm_open(&ho.gcm, gcm_iv, sizeof gcm_iv, NULL, 0, ho.gcm_ct, 32, ho.gcm_ct + 32,
                         16, b.out);
    service_result("fm_aes_gcm_open", rc, b.out, sizeof b.out);
    if (want.error == 0 && rc == FM_OK && memcmp(b.out, aes_pt, sizeof b.out) != 0)
        bad("fm_aes_gcm_open gave a wrong answer while operational");
}

/* IV, ciphertext and tag side by side. */
static void walk_aes_gcm_seal_geniv(void)
{
    fm_aes_gcm_key k = ho.gcm;
    struct {
        uint8_t iv[12], out[32], tag[16];
        uint8_t guard;
    } b;

    memset(&b, 0xAA, sizeof b);
    service_result("fm_aes_gcm_seal_geniv",
                   fm_aes_gcm_seal_geniv(&k, b.iv, NULL, 0, aes_pt, 32, b.out, b.tag, 16), &b,
                   sizeof b.iv + sizeof b.out + sizeof b.tag);
    fm_aes_gcm_wipe(&k);
}

static void walk_aes_gcm_start(void)
{
    struct {
        fm_aes_gcm_ctx c;
        uint8_t guard;
    } b;

    memset(&b, 0xAA, sizeof b);
    service_result("fm_aes_gcm_start",
                   fm_aes_gcm_start(&b.c, &ho.gcm, FM_AES_GCM_DECRYPT, gcm_iv, sizeof gcm_iv),
                   &b.c, sizeof b.c);
    fm_aes_gcm_ctx_wipe(&b.c);
}

/* The context and the generated IV side by side. */
static void walk_aes_gcm_start_geniv(void)
{
    fm_aes_gcm_key k = ho.gcm;
    struct {
        fm_aes_gcm_ctx c;
        uint8_t iv[12];
        uint8_t guard;
    } b;

    _Static_assert(offsetof(__typeof__(b), iv) == sizeof(fm_aes_gcm_ctx), "layout");
    memset(&b, 0xAA, sizeof b);
    service_result("fm_aes_gcm_start_geniv", fm_aes_gcm_start_geniv(&b.c, &k, b.iv), &b,
                   sizeof b.c + sizeof b.iv);
    fm_aes_gcm_ctx_wipe(&b.c);
    fm_aes_gcm_wipe(&k);
}

static void walk_aes_gcm_aad(void)
{
    fm_aes_gcm_ctx c;

    gcm_ctx_for_walk(&c, 1);
    service_result("fm_aes_gcm_aad", fm_aes_gcm_aad(&c, (const uint8_t *)"abc", 3), NULL, 0);
    context_wiped("fm_aes_gcm_aad", &c, sizeof c);
    fm_aes_gcm_ctx_wipe(&c);
}

static void walk_aes_gcm_update(void)
{
    fm_aes_gcm_ctx c;
    struct {
        uint8_t out[32];
        uint8_t guard;
    } b;

    gcm_ctx_for_walk(&c, 1);
    memset(&b, 0xAA, sizeof b);
    service_result("fm_aes_gcm_update", fm_aes_gcm_update(&c, aes_pt, b.out, 32), b.out,
                   sizeof b.out);
    context_wiped("fm_aes_gcm_update", &c, sizeof c);
    if (want.error == 0 && memcmp(b.out, ho.gcm_ct, sizeof b.out) != 0)
        bad("fm_aes_gcm_update gave a wrong answer while operational");
    fm_aes_gcm_ctx_wipe(&c);
}

static void walk_aes_gcm_encrypt_final(void)
{
    fm_aes_gcm_ctx c;
    uint8_t ct[32];
    struct {
        uint8_t tag[16];
        uint8_t guard;
    } b;
    int rc;

    gcm_ctx_for_walk(&c, 1);
    if (want.error == 0 && fm_aes_gcm_update(&c, aes_pt, ct, sizeof ct) != FM_OK)
        bad("cannot feed a GCM context while operational");
    memset(&b, 0xAA, sizeof b);
    rc = fm_aes_gcm_encrypt_final(&c, b.tag, sizeof b.tag);
    service_result("fm_aes_gcm_encrypt_final", rc, b.tag, sizeof b.tag);
    context_wiped("fm_aes_gcm_encrypt_final", &c, sizeof c);
    if (want.error == 0 && rc == FM_OK && memcmp(b.tag, ho.gcm_ct + 32, 16) != 0)
        bad("fm_aes_gcm_encrypt_final gave a wrong tag while operational");
}

/* Decrypt final: the plaintext buffer it was given is its output. */
static void walk_aes_gcm_decrypt_final(void)
{
    fm_aes_gcm_ctx c;
    struct {
        uint8_t pt[32];
        uint8_t guard;
    } b;

    gcm_ctx_for_walk(&c, 0);
    memset(&b, 0xAA, sizeof b);
    if (want.error == 0 && fm_aes_gcm_update(&c, ho.gcm_ct, b.pt, sizeof b.pt) != FM_OK)
        bad("cannot feed a GCM context while operational");
    service_result("fm_aes_gcm_decrypt_final",
                   fm_aes_gcm_decrypt_final(&c, ho.gcm_ct + 32, 16, b.pt, sizeof b.pt), b.pt,
                   sizeof b.pt);
    context_wiped("fm_aes_gcm_decrypt_final", &c, sizeof c);
}

static void walk_aes_gcm_wipe(void)
{
    fm_aes_gcm_key k = ho.gcm;

    if (fm_aes_gcm_wipe(&k) != FM_OK || first_nonzero(&k, sizeof k) != sizeof k)
        bad("fm_aes_gcm_wipe did not zero the key");
    if (fm_aes_gcm_wipe(NULL) != FM_ERR_ARG)
        bad("fm_aes_gcm_wipe(NULL) did not return FM_ERR_ARG");
}

static void walk_aes_gcm_ctx_wipe(void)
{
    fm_aes_gcm_ctx c = ho.gcm_enc;

    if (fm_aes_gcm_ctx_wipe(&c) != FM_OK || first_nonzero(&c, sizeof c) != sizeof c)
        bad("fm_aes_gcm_ctx_wipe did not zero the context");
    if (fm_aes_gcm_ctx_wipe(NULL) != FM_ERR_ARG)
        bad("fm_aes_gcm_ctx_wipe(NULL) did not return FM_ERR_ARG");
}

/* Key wrap with the parent's key: wrap gives the parent's answer, unwrap
 * gives the key data back (KWP also its length). inv: the inverse-cipher
 * variant (the _inv functions), with the parent's _inv answers. */
static void walk_aes_kw(const char *call, int pad, int do_wrap, int inv)
{
    const uint8_t *kw_ct = inv ? ho.kw_inv_ct : ho.kw_ct;
    const uint8_t *kwp_ct = inv ? ho.kwp_inv_ct : ho.kwp_ct;
    const uint8_t *in = do_wrap ? aes_pt : pad ? kwp_ct : kw_ct;
    size_t len = do_wrap ? (pad ? 20 : 32) : pad ? sizeof ho.kwp_ct : sizeof ho.kw_ct;
    size_t outsize = do_wrap ? (pad ? sizeof ho.kwp_ct : sizeof ho.kw_ct) : len - 8;
    const uint8_t *want_out = do_wrap ? (pad ? kwp_ct : kw_ct) : aes_pt;
    size_t want_len = do_wrap ? outsize : pad ? 20 : 32, outlen = 0xAA;
    struct {
        uint8_t out[40];
        uint8_t guard;
    } b;
    int rc;

    memset(&b, 0xAA, sizeof b);
    if (do_wrap && inv)
        rc = pad ? fm_aes_kwp_wrap_inv(&ho.aes, in, len, b.out)
                 : fm_aes_kw_wrap_inv(&ho.aes, in, len, b.out);
    else if (do_wrap)
        rc = pad ? fm_aes_kwp_wrap(&ho.aes, in, len, b.out)
                 : fm_aes_kw_wrap(&ho.aes, in, len, b.out);
    else if (pad)
        rc = inv ? fm_aes_kwp_unwrap_inv(&ho.aes, in, len, b.out, &outlen)
                 : fm_aes_kwp_unwrap(&ho.aes, in, len, b.out, &outlen);
    else
        rc = inv ? fm_aes_kw_unwrap_inv(&ho.aes, in, len, b.out)
                 : fm_aes_kw_unwrap(&ho.aes, in, len, b.out);
    if (do_wrap || !pad)
        outlen = rc == FM_OK ? outsize : 0;
    service_result(call, rc, b.out, outsize);
    if (want.error == 0 && rc == FM_OK &&
        (outlen != want_len || memcmp(b.out, want_out, want_len) != 0))
        bad("%s gave a wrong answer while operational", call);
    if (want.error != 0 && pad && !do_wrap && outlen != 0)
        bad("%s: refused, but *outlen is %zu, not 0", call, outlen);
}

static void walk_aes_kw_wrap(void)
{
    walk_aes_kw("fm_aes_kw_wrap", 0, 1, 0);
}

static void walk_aes_kw_unwrap(void)
{
    walk_aes_kw("fm_aes_kw_unwrap", 0, 0, 0);
}

static void walk_aes_kwp_wrap(void)
{
    walk_aes_kw("fm_aes_kwp_wrap", 1, 1, 0);
}

static void walk_aes_kwp_unwrap(void)
{
    walk_aes_kw("fm_aes_kwp_unwrap", 1, 0, 0);
}

static void walk_aes_kw_wrap_inv(void)
{
    walk_aes_kw("fm_aes_kw_wrap_inv", 0, 1, 1);
}

static void walk_aes_kw_unwrap_inv(void)
{
    walk_aes_kw("fm_aes_kw_unwrap_inv", 0, 0, 1);
}

static void walk_aes_kwp_wrap_inv(void)
{
    walk_aes_kw("fm_aes_kwp_wrap_inv", 1, 1, 1);
}

static void walk_aes_kwp_unwrap_inv(void)
{
    walk_aes_kw("fm_aes_kwp_unwrap_inv", 1, 0, 1);
}

/*
 * RSA. The key is imported from rsa_pem through the key-format functions
 * (outside the module: they work in ERROR too); the parent's imported key,
 * signature and ciphertext are handed over. Services that take the key as
 * writable zero it when refused.
 */
static void rsa_components(fm_rsa_components *c, uint8_t *der, size_t cap)
{
    size_t len;
    char label[FM_PEM_LABEL_MAX];

    if (fm_pem_decode(der, cap, &len, label, sizeof label, rsa_pem, sizeof rsa_pem - 1) !=
            FM_OK ||
        fm_rsa_der_parse(c, NULL, der, len) != FM_OK)
        bad("cannot decode the test RSA key");
}

static void walk_rsa_key_import(void)
{
    uint8_t der[2048];
    fm_rsa_components c;
    static struct {
        fm_rsa_key k;
        uint8_t guard;
    } b;

    rsa_components(&c, der, sizeof der);
    memset(&b, 0xAA, sizeof b);
    service_result("fm_rsa_key_import", fm_rsa_key_import(&b.k, &c), &b.k, sizeof b.k);
    fm_rsa_key_wipe(&b.k);
}

static void walk_rsa_generate_key(void)
{
    static struct {
        fm_rsa_key k;
        uint8_t guard;
    } b;

    memset(&b, 0xAA, sizeof b);
    service_result("fm_rsa_generate_key", fm_rsa_generate_key(&b.k, 2048, 0), &b.k,
                   sizeof b.k);
    fm_rsa_key_wipe(&b.k);
}

static void walk_rsa_key_export(void)
{
    struct {
        uint8_t buf[FM_RSA_EXPORT_LEN(2048)];
        uint8_t guard;
    } b;
    fm_rsa_components c;

    memset(&b, 0xAA, sizeof b);
    service_result("fm_rsa_key_export", fm_rsa_key_export(&ho.rsa, 1, b.buf, sizeof b.buf, &c),
                   b.buf, sizeof b.buf);
}

static void walk_rsa_key_public(void)
{
    static struct {
        fm_rsa_key k;
        uint8_t guard;
    } b;

    memset(&b, 0xAA, sizeof b);
    service_result("fm_rsa_key_public", fm_rsa_key_public(&b.k, &ho.rsa), &b.k, sizeof b.k);
}

static void walk_rsa_sign(void)
{
    static fm_rsa_key k;
    uint8_t sig[257];

    k = ho.rsa;
    memset(sig, 0xAA, sizeof sig);
    service_result("fm_rsa_sign",
                   fm_rsa_sign(&k, FM_RSA_PKCS1, FM_SHA256, ho.digest[1], 32, 0, sig, 256), sig,
                   256);
    context_wiped("fm_rsa_sign", &k, sizeof k);
    fm_rsa_key_wipe(&k);
}

static void walk_rsa_verify(void)
{
    service_result("fm_rsa_verify",
                   fm_rsa_verify(&ho.rsa, FM_RSA_PKCS1, FM_SHA256, ho.digest[1], 32, 0,
                                 ho.rsa_sig, 256), NULL, 0);
}

static void walk_rsa_oaep_encrypt(void)
{
    uint8_t ct[257];

    memset(ct, 0xAA, sizeof ct);
    service_result("fm_rsa_oaep_encrypt",
                   fm_rsa_oaep_encrypt(&ho.rsa, FM_SHA256, NULL, 0, (const uint8_t *)"abc", 3, ct,
                                       256), ct, 256);
}

static void walk_rsa_oaep_decrypt(void)
{
    static fm_rsa_key k;
    uint8_t pt[65];
    size_t len = 99;

    k = ho.rsa;
    memset(pt, 0xAA, sizeof pt);
    service_result("fm_rsa_oaep_decrypt",
                   fm_rsa_oaep_decrypt(&k, FM_SHA256, NULL, 0, ho.rsa_ct, 256, pt, 64, &len), pt,
                   64);
    if (want.error == 0 && (len != 3 || memcmp(pt, "abc", 3) != 0))
        bad("fm_rsa_oaep_decrypt did not give back \"abc\"");
    if (want.error != 0 && len != 0)
        bad("fm_rsa_oaep_decrypt: refused, but *outlen is %zu", len);
    context_wiped("fm_rsa_oaep_decrypt", &k, sizeof k);
    fm_rsa_key_wipe(&k);
}

static void walk_rsa_decrypt_primitive(void)
{
    static fm_rsa_key k;
    uint8_t out[257];

    k = ho.rsa;
    memset(out, 0xAA, sizeof out);
    service_result("fm_rsa_decrypt_primitive",
                   fm_rsa_decrypt_primitive(&k, ho.rsa_ct, 256, out, 256), out, 256);
    context_wiped("fm_rsa_decrypt_primitive", &k, sizeof k);
    fm_rsa_key_wipe(&k);
}

static void walk_rsa_key_info(void)
{
    size_t bits = 0;
    int priv = -1;

    if (fm_rsa_key_info(&ho.rsa, &bits, &priv) != FM_OK || bits != 2048 || priv != 1)
        bad("fm_rsa_key_info: want 2048 bits, private");
}

static void walk_rsa_key_wipe(void)
{
    static fm_rsa_key k;

    k = ho.rsa;
    if (fm_rsa_key_wipe(&k) != FM_OK || first_nonzero(&k, sizeof k) != sizeof k)
        bad("fm_rsa_key_wipe did not zero the key");
}

/* The key formats are outside the module and keep working. */
static void walk_pem_decode(void)
{
    uint8_t der[2048];
    fm_rsa_components c;

    rsa_components(&c, der, sizeof der);
}

static void walk_rsa_der_parse(void)
{
    walk_pem_decode(); /* pem_decode + der_parse */
}

static void walk_rsa_der_encode(void)
{
    uint8_t der[2048], out[2048];
    fm_rsa_components c;
    size_t len;

    rsa_components(&c, der, sizeof der);
    if (fm_rsa_der_encode(out, sizeof out, &len, FM_KEY_FORM_SPKI, &c) != FM_OK)
        bad("fm_rsa_der_encode failed");
}

static void walk_pem_encode(void)
{
    char out[128];
    size_t len;

    if (fm_pem_encode(out, sizeof out, &len, FM_PEM_LABEL_PUBLIC_KEY, (const uint8_t *)"abc",
                      3) != FM_OK)
        bad("fm_pem_encode failed");
}

/*
 * EC (P-256). The key is imported from ec_pem through the key-format
 * functions (outside the module: they work in ERROR too); the parent's
 * imported key and signatures are handed over (an fm_ec_key holds no
 * pointer, so the child's copy works as it is). Every EC service, key
 * information included, refuses in ERROR; those that write a key (generate,
 * import, public) zero it, those that write bytes zero the whole buffer
 * they were given and *len.
 */
static void ec_components(fm_ec_components *c, uint8_t *der, size_t cap, size_t *derlen)
{
    char label[FM_PEM_LABEL_MAX];
    int form = -1;

    memset(c, 0, sizeof *c);
    *derlen = 0;
    if (fm_pem_decode(der, cap, derlen, label, sizeof label, ec_pem, sizeof ec_pem - 1) !=
            FM_OK ||
        strcmp(label, FM_PEM_LABEL_PRIVATE_KEY) != 0 ||
        fm_ec_der_parse(c, &form, der, *derlen) != FM_OK || form != FM_KEY_FORM_PKCS8 ||
        c->curve != FM_EC_P256 || c->priv == NULL || c->priv_len != 32 || c->pub == NULL ||
        c->pub_len != 65)
        bad("cannot decode the test EC key (PKCS#8, P-256, with its public key)");
}

static void walk_ec_key_generate(void)
{
    struct {
        fm_ec_key k;
        uint8_t guard;
    } b;

    memset(&b, 0xAA, sizeof b);
    service_result("fm_ec_key_generate", fm_ec_key_generate(&b.k, FM_EC_P256), &b.k,
                   sizeof b.k);
    fm_ec_key_wipe(&b.k);
}

/* While operational: does k hold ec_pem's point (and d when is_private)? */
static void ec_key_matches(const char *call, const fm_ec_key *k, const fm_ec_components *c,
                           int is_private)
{
    uint8_t pub[FM_EC_POINT_MAX_LEN], priv[32];
    size_t len = 0;
    int curve = 0, priv_flag = -1;

    if (fm_ec_key_info(k, &curve, &priv_flag) != FM_OK || curve != FM_EC_P256 ||
        priv_flag != is_private)
        bad("%s: the key is not a P-256 %s key (curve %d, private %d)", call,
            is_private ? "private" : "public", curve, priv_flag);
    else if (c->pub == NULL ||
             fm_ec_key_public_bytes(k, 0, pub, sizeof pub, &len) != FM_OK ||
             len != c->pub_len || memcmp(pub, c->pub, len) != 0)
        bad("%s: the key's public point is not the test key's", call);
    else if (is_private && (c->priv == NULL || fm_ec_key_private_bytes(k, priv, 32) != FM_OK ||
                            memcmp(priv, c->priv, 32) != 0))
        bad("%s: the key's d is not the test key's", call);
    fm_wipe(priv, sizeof priv);
}

static void walk_ec_key_import(void)
{
    uint8_t der[FM_EC_DER_MAX_LEN];
    fm_ec_components c;
    size_t len;
    struct {
        fm_ec_key k;
        uint8_t guard;
    } b;
    int rc;

    ec_components(&c, der, sizeof der, &len);
    memset(&b, 0xAA, sizeof b);
    rc = fm_ec_key_import(&b.k, c.curve, c.priv, c.priv_len, c.pub, c.pub_len);
    service_result("fm_ec_key_import(private)", rc, &b.k, sizeof b.k);
    if (want.error == 0 && rc == FM_OK)
        ec_key_matches("fm_ec_key_import(private)", &b.k, &c, 1);
    fm_ec_key_wipe(&b.k);

    /* A public key alone. */
    memset(&b, 0xAA, sizeof b);
    rc = fm_ec_key_import(&b.k, c.curve, NULL, 0, c.pub, c.pub_len);
    service_result("fm_ec_key_import(public)", rc, &b.k, sizeof b.k);
    if (want.error == 0 && rc == FM_OK)
        ec_key_matches("fm_ec_key_import(public)", &b.k, &c, 0);
    fm_ec_key_wipe(&b.k);
    fm_wipe(der, sizeof der);
}

/* Uncompressed and compressed; the answers are the point of ec_pem. */
static void walk_ec_key_public_bytes(void)
{
    uint8_t der[FM_EC_DER_MAX_LEN];
    fm_ec_components c;
    size_t derlen;
    int compressed;

    ec_components(&c, der, sizeof der, &derlen);
    for (compressed = 0; compressed <= 1; compressed++) {
        const char *call = compressed ? "fm_ec_key_public_bytes(compressed)"
                                      : "fm_ec_key_public_bytes(uncompressed)";
        size_t want_len = compressed ? 33 : 65, len = 0xAA;
        struct {
            uint8_t out[FM_EC_POINT_MAX_LEN];
            uint8_t guard;
        } b;
        int rc;

        memset(&b, 0xAA, sizeof b);
        rc = fm_ec_key_public_bytes(&ho.ec, compressed, b.out, sizeof b.out, &len);
        service_result(call, rc, b.out, sizeof b.out);
        if (want.error != 0 && len != 0)
            bad("%s: refused, but *len is %zu, not 0", call, len);
        if (want.error == 0 && rc == FM_OK && c.pub != NULL &&
            (len != want_len || memcmp(b.out + 1, c.pub + 1, 32) != 0 ||
             b.out[0] != (compressed ? 0x02 | (c.pub[64] & 1) : 0x04) ||
             (!compressed && memcmp(b.out, c.pub, 65) != 0)))
            bad("%s gave a wrong answer while operational", call);
    }
    fm_wipe(der, sizeof der);
}

static void walk_ec_key_private_bytes(void)
{
    uint8_t der[FM_EC_DER_MAX_LEN];
    fm_ec_components c;
    size_t derlen;
    struct {
        uint8_t out[32];
        uint8_t guard;
    } b;
    int rc;

    ec_components(&c, der, sizeof der, &derlen);
    memset(&b, 0xAA, sizeof b);
    rc = fm_ec_key_private_bytes(&ho.ec, b.out, sizeof b.out);
    service_result("fm_ec_key_private_bytes", rc, b.out, sizeof b.out);
    if (want.error == 0 && rc == FM_OK && c.priv != NULL && memcmp(b.out, c.priv, 32) != 0)
        bad("fm_ec_key_private_bytes gave a wrong answer while operational");
    fm_wipe(&b, sizeof b);
    fm_wipe(der, sizeof der);
}

/* Its outputs, the curve and the private flag, side by side. */
static void walk_ec_key_info(void)
{
    int curve = 0, priv = -1;

    if (fm_ec_key_info(&ho.ec, &curve, &priv) != FM_OK || curve != FM_EC_P256 || priv != 1)
        bad("fm_ec_key_info: want P-256 (%d), private; got %d, %d", FM_EC_P256, curve, priv);
}

/* Into another context, and in place (pub == key): the key is the output. */
static void walk_ec_key_public(void)
{
    struct {
        fm_ec_key k;
        uint8_t guard;
    } b;
    uint8_t der[FM_EC_DER_MAX_LEN];
    fm_ec_components c;
    fm_ec_key k = ho.ec;
    size_t len;
    int rc;

    ec_components(&c, der, sizeof der, &len);
    memset(&b, 0xAA, sizeof b);
    rc = fm_ec_key_public(&b.k, &ho.ec);
    service_result("fm_ec_key_public", rc, &b.k, sizeof b.k);
    if (want.error == 0 && rc == FM_OK)
        ec_key_matches("fm_ec_key_public", &b.k, &c, 0);
    fm_ec_key_wipe(&b.k);

    rc = fm_ec_key_public(&k, &k);
    service_result("fm_ec_key_public(in place)", rc, NULL, 0);
    context_wiped("fm_ec_key_public(in place)", &k, sizeof k);
    if (want.error == 0 && rc == FM_OK)
        ec_key_matches("fm_ec_key_public(in place)", &k, &c, 0);
    fm_ec_key_wipe(&k);
    fm_wipe(der, sizeof der);
}

/*
 * Sign H("abc") twice: DER with a random k (checked by verifying it while
 * operational), and RFC 6979 r || s, which must equal the parent's. The
 * whole buffer given (cap bytes) and *siglen are the outputs.
 */
static void walk_ecdsa_sign(void)
{
    int det;

    for (det = 0; det <= 1; det++) {
        const char *call = det ? "fm_ecdsa_sign(P1363, deterministic)" : "fm_ecdsa_sign(DER)";
        unsigned flags = det ? FM_ECDSA_P1363 | FM_ECDSA_DETERMINISTIC : FM_ECDSA_DER;
        size_t len = 0xAA;
        struct {
            uint8_t sig[FM_ECDSA_SIG_MAX_LEN];
            uint8_t guard;
        } b;
        int rc;

        memset(&b, 0xAA, sizeof b);
        rc = fm_ecdsa_sign(&ho.ec, FM_SHA256, ho.digest[1], 32, flags, b.sig, sizeof b.sig,
                           &len);
        service_result(call, rc, b.sig, sizeof b.sig);
        if (want.error != 0 && len != 0)
            bad("%s: refused, but *siglen is %zu, not 0", call, len);
        if (want.error != 0 || rc != FM_OK)
            continue;
        if (det && (len != 64 || memcmp(b.sig, ho.ec_sig_det, 64) != 0))
            bad("%s differs from the parent's signature of the same digest", call);
        if (!det && (len > sizeof b.sig ||
                     fm_ecdsa_verify(&ho.ec, FM_SHA256, ho.digest[1], 32, FM_ECDSA_DER, b.sig,
                                     len) != FM_OK))
            bad("%s: the signature does not verify", call);
    }
}

/* The parent's DER and P1363 signatures; a wrong one gives FM_ERR_VERIFY
 * when operational, FM_ERR_STATE in ERROR. */
static void walk_ecdsa_verify(void)
{
    uint8_t wrong[FM_ECDSA_SIG_MAX_LEN];
    int rc;

    if (ho.ec_siglen == 0 || ho.ec_siglen > sizeof wrong) {
        bad("fm_ecdsa_verify: no signature from the parent (length %zu)", ho.ec_siglen);
        return;
    }
    service_result("fm_ecdsa_verify(DER, right signature)",
                   fm_ecdsa_verify(&ho.ec, FM_SHA256, ho.digest[1], 32, FM_ECDSA_DER, ho.ec_sig,
                                   ho.ec_siglen), NULL, 0);
    service_result("fm_ecdsa_verify(P1363, right signature)",
                   fm_ecdsa_verify(&ho.ec, FM_SHA256, ho.digest[1], 32, FM_ECDSA_P1363,
                                   ho.ec_sig_det, sizeof ho.ec_sig_det), NULL, 0);
    memcpy(wrong, ho.ec_sig, sizeof wrong);
    wrong[ho.ec_siglen - 1] ^= 1; /* the last byte of s */
    rc = fm_ecdsa_verify(&ho.ec, FM_SHA256, ho.digest[1], 32, FM_ECDSA_DER, wrong,
                         ho.ec_siglen);
    if (want.error == 0) {
        if (rc != FM_ERR_VERIFY)
            bad("fm_ecdsa_verify(wrong signature) returned %s while operational, want "
                "FM_ERR_VERIFY", err_name(rc));
    } else {
        service_result("fm_ecdsa_verify(wrong signature)", rc, NULL, 0);
    }
}

static void walk_ec_key_wipe(void)
{
    fm_ec_key k = ho.ec;

    if (fm_ec_key_wipe(&k) != FM_OK || first_nonzero(&k, sizeof k) != sizeof k)
        bad("fm_ec_key_wipe did not zero the key");
    if (fm_ec_key_wipe(NULL) != FM_ERR_ARG)
        bad("fm_ec_key_wipe(NULL) did not return FM_ERR_ARG");
}

/* The EC key formats are outside the module and keep working. */
static void walk_ec_der_parse(void)
{
    uint8_t der[FM_EC_DER_MAX_LEN];
    fm_ec_components c;
    size_t len;

    ec_components(&c, der, sizeof der, &len); /* pem_decode + ec_der_parse, PKCS#8 */
    fm_wipe(der, sizeof der);
}

/* PKCS#8 re-encodes to the bytes OpenSSL wrote; the SPKI parses back to the point. */
static void walk_ec_der_encode(void)
{
    uint8_t der[FM_EC_DER_MAX_LEN], out[FM_EC_DER_MAX_LEN];
    fm_ec_components c, pc;
    size_t len, outlen = 0;
    int form = -1;

    ec_components(&c, der, sizeof der, &len);
    if (fm_ec_der_encode(out, sizeof out, &outlen, FM_KEY_FORM_PKCS8, &c) != FM_OK ||
        outlen != len || memcmp(out, der, len) != 0)
        bad("fm_ec_der_encode(PKCS#8) did not give back the key's DER");
    if (fm_ec_der_encode(out, sizeof out, &outlen, FM_KEY_FORM_SPKI, &c) != FM_OK ||
        fm_ec_der_parse(&pc, &form, out, outlen) != FM_OK || form != FM_KEY_FORM_SPKI ||
        pc.curve != FM_EC_P256 || pc.priv != NULL || pc.pub_len != c.pub_len ||
        c.pub == NULL || memcmp(pc.pub, c.pub, c.pub_len) != 0)
        bad("fm_ec_der_encode(SPKI) did not give the key's public key");
    fm_wipe(der, sizeof der);
    fm_wipe(out, sizeof out);
}

static void walk_key_der_type(void)
{
    uint8_t der[2048];
    char label[FM_PEM_LABEL_MAX];
    size_t len = 0;
    int type = -1;

    if (fm_pem_decode(der, sizeof der, &len, label, sizeof label, ec_pem, sizeof ec_pem - 1) !=
            FM_OK ||
        fm_key_der_type(der, len, &type) != FM_OK || type != FM_KEY_TYPE_EC)
        bad("fm_key_der_type does not say FM_KEY_TYPE_EC for the test EC key (type %d)", type);
    type = -1;
    if (fm_pem_decode(der, sizeof der, &len, label, sizeof label, rsa_pem, sizeof rsa_pem - 1) !=
            FM_OK ||
        fm_key_der_type(der, len, &type) != FM_OK || type != FM_KEY_TYPE_RSA)
        bad("fm_key_der_type does not say FM_KEY_TYPE_RSA for the test RSA key (type %d)", type);
    fm_wipe(der, sizeof der);
}

/* ---- events and counters (monitor.h) ---- */

#define NOT_COUNTED   (-1) /* walk_table: no service family counts the function */
#define NUM_EVENT_TYPES 7  /* FM_EVENT_POWER_UP_START (1) .. FM_EVENT_DRBG_RESEED (7) */
#define MAX_EVENTS    256  /* events one recorder keeps */

/*
 * A recorder: the callback copies every event into one of these (the
 * pointers in an event are static, the event itself is not). `user` must
 * come back unchanged; record_event counts it when it does not.
 */
typedef struct {
    fm_event ev[MAX_EVENTS];
    size_t n, dropped;
    int probe;    /* 1: on the first event, try fm_set_event_callback from inside */
    int inner_rc; /* what that returned */
} recorder;

static recorder rec, walk_rec;
static int wrong_user; /* callbacks that got a `user` that is no recorder */

static void record_event(const fm_event *e, void *user)
{
    recorder *r = user;

    if (r != &rec && r != &walk_rec) {
        wrong_user++;
        return;
    }
    if (r->probe && r->n == 0)
        r->inner_rc = fm_set_event_callback(NULL, NULL); /* monitor.h: refused in a callback */
    if (r->n < MAX_EVENTS)
        r->ev[r->n++] = *e;
    else
        r->dropped++;
}

/* Install record_event with r (emptied first); the replay lands in r. */
static void record_start(recorder *r, const char *when)
{
    int rc;

    memset(r, 0, sizeof *r);
    wrong_user = 0;
    rc = fm_set_event_callback(record_event, r);
    if (rc != FM_OK)
        bad("%s: fm_set_event_callback(record) returned %s", when, err_name(rc));
}

static void record_stop(const recorder *r, const char *when)
{
    int rc = fm_set_event_callback(NULL, NULL);

    if (rc != FM_OK)
        bad("%s: fm_set_event_callback(NULL) returned %s", when, err_name(rc));
    if (wrong_user != 0)
        bad("%s: the callback got a `user` other than the one installed (%d times)", when,
            wrong_user);
    if (r->dropped != 0)
        bad("%s: more than %d events (%zu dropped): raise MAX_EVENTS", when, MAX_EVENTS,
            r->dropped);
}

static const char *trigger_name(int t)
{
    switch (t) {
    case FM_TRIGGER_POWER_UP: return "POWER_UP";
    case FM_TRIGGER_FIRST_USE: return "FIRST_USE";
    case FM_TRIGGER_ON_DEMAND: return "ON_DEMAND";
    default: return "unknown";
    }
}

/* One event as text, for the complaints. */
static const char *ev_text(const fm_event *e)
{
    static char buf[4][200];
    static int k;
    const char *type = NULL;

    k = (k + 1) % 4;
    if (fm_event_name(e->type, &type) != FM_OK)
        type = "unknown";
    switch (e->type) {
    case FM_EVENT_SELFTEST:
        snprintf(buf[k], sizeof buf[k], "%s(%s \"%s\" %s trigger %s error %s)", type,
                 e->replayed ? "replayed" : "live", e->name ? e->name : "NULL",
                 result_name(e->result), trigger_name(e->trigger), err_name(e->error));
        break;
    case FM_EVENT_STATE_CHANGE:
        snprintf(buf[k], sizeof buf[k], "%s(%s %s -> %s error %s)", type,
                 e->replayed ? "replayed" : "live", state_name(e->old_state),
                 state_name(e->new_state), err_name(e->error));
        break;
    case FM_EVENT_CONDITIONAL_FAILURE:
        snprintf(buf[k], sizeof buf[k], "%s(%s \"%s\" error %s)", type,
                 e->replayed ? "replayed" : "live", e->name ? e->name : "NULL",
                 err_name(e->error));
        break;
    default:
        snprintf(buf[k], sizeof buf[k], "%s(%s error %s)", type,
                 e->replayed ? "replayed" : "live", err_name(e->error));
        break;
    }
    return buf[k];
}

static int is_empty(const char *s)
{
    return s == NULL || s[0] == '\0';
}

/* The events at the start of r that were replayed (the power-up record). */
static size_t replayed_prefix(const recorder *r, const char *when)
{
    size_t i, n = 0;

    while (n < r->n && r->ev[n].replayed == 1)
        n++;
    for (i = n; i < r->n; i++)
        if (r->ev[i].replayed != 0)
            bad("%s: event %zu %s has replayed = %d after live events", when, i,
                ev_text(&r->ev[i]), r->ev[i].replayed);
    return n;
}

/*
 * The power-up record, replayed to a callback installed after power-up,
 * in r->ev[0..n): START; STATE_CHANGE UNINITIALISED -> SELF_TEST; one
 * SELFTEST per fm_selftest_get entry in its order, each PASS or DEFERRED,
 * up to the broken test (index `broken`; ho.ntests: none), which is FAIL
 * with `err` and a reason, and after which no test runs; for "integrity"
 * then an INTEGRITY_FAILURE (expected = the status's module_hmac, computed
 * different); the STATE_CHANGE into ERROR with `err` (none broken: into
 * OPERATIONAL); END with `err` (FM_OK). Anything else is a complaint; the
 * first one ends the check, the rest would only follow from it.
 */
static void check_power_up_record(const recorder *r, size_t n, size_t broken, int err)
{
    const char *when = "power-up record";
    const fm_event *e;
    size_t k = 0, i;

#define NEXT(what)                                                                             \
    do {                                                                                       \
        if (k >= n) {                                                                          \
            bad("%s: ends after %zu events, want %s next", when, n, what);                     \
            return;                                                                            \
        }                                                                                      \
        e = &r->ev[k++];                                                                       \
        if (e->replayed != 1)                                                                  \
            bad("%s: event %zu %s has replayed = %d, want 1", when, k - 1, ev_text(e),         \
                e->replayed);                                                                  \
    } while (0)
#define WANT(cond, what)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            bad("%s: event %zu is %s, want %s", when, k - 1, ev_text(e), what);                \
            return;                                                                            \
        }                                                                                      \
    } while (0)

    if (n == 0) {
        bad("%s: the callback installed after power-up got no replayed event", when);
        return;
    }
    for (i = 1; i < n; i++)
        if (r->ev[i].time_us < r->ev[i - 1].time_us)
            bad("%s: event %zu %s happened before event %zu (time_us %llu < %llu)", when, i,
                ev_text(&r->ev[i]), i - 1, (unsigned long long)r->ev[i].time_us,
                (unsigned long long)r->ev[i - 1].time_us);

    NEXT("power-up-start");
    WANT(e->type == FM_EVENT_POWER_UP_START, "power-up-start");
    NEXT("state-change UNINITIALISED -> SELF_TEST");
    WANT(e->type == FM_EVENT_STATE_CHANGE && e->old_state == FM_STATE_UNINITIALISED &&
             e->new_state == FM_STATE_SELF_TEST && e->error == FM_OK,
         "state-change UNINITIALISED -> SELF_TEST");
    for (i = 0; i < ho.ntests && i <= broken; i++) {
        char what[MAX_NAME + 80];

        if (i < broken) {
            snprintf(what, sizeof what, "selftest \"%s\" PASS or DEFERRED, trigger POWER_UP",
                     ho.names[i]);
            NEXT(what);
            WANT(e->type == FM_EVENT_SELFTEST && e->name != NULL &&
                     strcmp(e->name, ho.names[i]) == 0 && e->trigger == FM_TRIGGER_POWER_UP &&
                     (e->result == FM_SELFTEST_PASS || e->result == FM_SELFTEST_DEFERRED) &&
                     e->error == FM_OK && e->reason != NULL && e->reason[0] == '\0',
                 what);
        } else {
            snprintf(what, sizeof what, "selftest \"%s\" FAIL, trigger POWER_UP, error %s, "
                     "a reason (the failure before the state change)", ho.names[i],
                     err_name(err));
            NEXT(what);
            WANT(e->type == FM_EVENT_SELFTEST && e->name != NULL &&
                     strcmp(e->name, ho.names[i]) == 0 && e->trigger == FM_TRIGGER_POWER_UP &&
                     e->result == FM_SELFTEST_FAIL && e->error == err && !is_empty(e->reason),
                 what);
        }
    }
    if (broken < ho.ntests) {
        if (strcmp(ho.names[broken], "integrity") == 0) {
            fm_module_status st;

            NEXT("integrity-failure");
            WANT(e->type == FM_EVENT_INTEGRITY_FAILURE && e->error == FM_ERR_INTEGRITY &&
                     !is_empty(e->reason),
                 "integrity-failure, error FM_ERR_INTEGRITY, a reason (after the failed test, "
                 "before the state change)");
            memset(&st, 0, sizeof st);
            if (fm_module_status_get(&st) != FM_OK)
                bad("%s: fm_module_status_get failed", when);
            else if (memcmp(e->expected_hmac, st.module_hmac, FM_MODULE_HMAC_LEN) != 0)
                bad("%s: integrity-failure's expected_hmac is not fm_module_status_get's "
                    "module_hmac", when);
            if (memcmp(e->computed_hmac, e->expected_hmac, FM_MODULE_HMAC_LEN) == 0)
                bad("%s: integrity-failure's computed_hmac equals its expected_hmac", when);
        }
        NEXT("state-change SELF_TEST -> ERROR");
        WANT(e->type == FM_EVENT_STATE_CHANGE && e->old_state == FM_STATE_SELF_TEST &&
                 e->new_state == FM_STATE_ERROR && e->error == err && !is_empty(e->reason),
             "state-change SELF_TEST -> ERROR with the test's error and a reason, right after "
             "the failure");
    } else {
        NEXT("state-change SELF_TEST -> OPERATIONAL");
        WANT(e->type == FM_EVENT_STATE_CHANGE && e->old_state == FM_STATE_SELF_TEST &&
                 e->new_state == FM_STATE_OPERATIONAL && e->error == FM_OK,
             "state-change SELF_TEST -> OPERATIONAL after the last self-test");
    }
    NEXT("power-up-end");
    WANT(e->type == FM_EVENT_POWER_UP_END && e->error == err,
         err == FM_OK ? "power-up-end with FM_OK" : "power-up-end with the test's error");
    if (k < n)
        bad("%s: %zu more events after power-up-end, the first %s", when, n - k,
            ev_text(&r->ev[k]));
#undef NEXT
#undef WANT
}

/*
 * The live events in r (replayed = 0) report a failure, found by match(),
 * and then the STATE_CHANGE old_state -> ERROR with `err` and a reason: the
 * failure is reported before the state change, and the module enters
 * ERROR once. Returns the index of the failure event, or r->n.
 */
static size_t check_live_failure(const recorder *r, const char *what,
                                 int (*match)(const fm_event *, const void *), const void *arg,
                                 int old_state, int err)
{
    size_t i, fail = r->n, change = r->n, changes = 0;

    for (i = 0; i < r->n; i++) {
        const fm_event *e = &r->ev[i];
        if (e->replayed)
            continue;
        if (fail == r->n && match(e, arg))
            fail = i;
        if (e->type == FM_EVENT_STATE_CHANGE && e->new_state == FM_STATE_ERROR) {
            if (change == r->n)
                change = i;
            changes++;
        }
    }
    if (fail == r->n)
        bad("live events: no %s", what);
    if (change == r->n) {
        bad("live events: no state-change into ERROR");
        return fail;
    }
    if (changes != 1)
        bad("live events: %zu state-changes into ERROR, want 1", changes);
    if (fail != r->n && change < fail)
        bad("live events: the state-change into ERROR (event %zu) comes before the %s "
            "(event %zu)", change, what, fail);
    if (r->ev[change].old_state != old_state || r->ev[change].error != err ||
        is_empty(r->ev[change].reason))
        bad("live events: event %zu is %s, want %s -> ERROR with error %s and a reason", change,
            ev_text(&r->ev[change]), state_name(old_state), err_name(err));
    return fail;
}

/* What the walk's snapshots say about the counts (in ERROR: no service may
 * succeed, every refused one counts as a failure FM_ERR_STATE). */
static void counts_compare(const char *when, const fm_counters *b, const fm_counters *a,
                           int family, uint64_t *state_growth)
{
    int f, k;

    *state_growth = 0;
    for (f = 0; f < FM_SERVICE_COUNT; f++) {
        const fm_service_counters *x = &b->service[f], *y = &a->service[f];
        const char *fname = NULL;

        if (fm_service_name(f, &fname) != FM_OK)
            fname = "unknown";
        if (y->approved != x->approved || y->non_approved != x->non_approved)
            bad("%s: family \"%s\" approved %llu -> %llu, non-approved %llu -> %llu (in ERROR "
                "nothing may succeed)", when, fname, (unsigned long long)x->approved,
                (unsigned long long)y->approved, (unsigned long long)x->non_approved,
                (unsigned long long)y->non_approved);
        for (k = 1; k < FM_ERR_CODES; k++) {
            if (k == -FM_ERR_STATE || y->failures[k] == x->failures[k])
                continue;
            bad("%s: family \"%s\" failures with %s %llu -> %llu (a refusal is FM_ERR_STATE)",
                when, fname, err_name(-k), (unsigned long long)x->failures[k],
                (unsigned long long)y->failures[k]);
        }
        if (y->failures[-FM_ERR_STATE] < x->failures[-FM_ERR_STATE]) {
            bad("%s: family \"%s\" FM_ERR_STATE failures went down", when, fname);
            continue;
        }
        *state_growth += y->failures[-FM_ERR_STATE] - x->failures[-FM_ERR_STATE];
        if (family == -2)
            continue; /* the whole walk: every family may grow */
        if (f == family && y->failures[-FM_ERR_STATE] == x->failures[-FM_ERR_STATE])
            bad("%s: refused, but family \"%s\" counted no FM_ERR_STATE failure", when, fname);
        if (f != family && y->failures[-FM_ERR_STATE] != x->failures[-FM_ERR_STATE])
            bad("%s: family \"%s\" counted %llu FM_ERR_STATE failures%s", when, fname,
                (unsigned long long)(y->failures[-FM_ERR_STATE] - x->failures[-FM_ERR_STATE]),
                family == NOT_COUNTED ? " (no service was called)" : " (not its family)");
    }
}

static void walk_set_event_callback(void)
{
    const char *when = "fm_set_event_callback";
    const fm_event *first, *last;
    size_t i;
    int rc;

    /* Install (the replay arrives before the call returns; the first event
     * also tries fm_set_event_callback from inside the callback), uninstall. */
    memset(&walk_rec, 0, sizeof walk_rec);
    walk_rec.probe = 1;
    walk_rec.inner_rc = 12345;
    wrong_user = 0;
    rc = fm_set_event_callback(record_event, &walk_rec);
    if (rc != FM_OK)
        bad("%s(record) returned %s", when, err_name(rc));
    record_stop(&walk_rec, when);
    if (walk_rec.n == 0) {
        bad("%s: the new callback got no replayed power-up record", when);
        return;
    }
    if (walk_rec.inner_rc != FM_ERR_STATE)
        bad("%s: called from inside the callback it returned %s, want FM_ERR_STATE", when,
            walk_rec.inner_rc == 12345 ? "nothing (not called)" : err_name(walk_rec.inner_rc));
    for (i = 0; i < walk_rec.n; i++)
        if (walk_rec.ev[i].replayed != 1)
            bad("%s: event %zu of the replay %s has replayed = %d", when, i,
                ev_text(&walk_rec.ev[i]), walk_rec.ev[i].replayed);
    first = &walk_rec.ev[0];
    last = &walk_rec.ev[walk_rec.n - 1];
    if (first->type != FM_EVENT_POWER_UP_START)
        bad("%s: the replay starts with %s, not power-up-start", when, ev_text(first));
    if (last->type != FM_EVENT_POWER_UP_END || last->error != want.power_up)
        bad("%s: the replay ends with %s, want power-up-end with %s (the power-up result)", when,
            ev_text(last), err_name(want.power_up));
}

static void walk_event_name(void)
{
    const char *n;
    int t, rc;

    for (t = 0; t <= NUM_EVENT_TYPES + 1; t++) {
        n = NULL;
        rc = fm_event_name(t, &n);
        if (t >= 1 && t <= NUM_EVENT_TYPES) {
            if (rc != FM_OK || n == NULL || strcmp(n, ho.event_names[t]) != 0)
                bad("fm_event_name(%d) returned %s, \"%s\" (the operational parent got \"%s\")",
                    t, err_name(rc), n ? n : "NULL", ho.event_names[t]);
        } else if (rc != FM_ERR_ARG || n == NULL || strcmp(n, "unknown") != 0) {
            bad("fm_event_name(%d) returned %s, \"%s\" (want FM_ERR_ARG, \"unknown\")", t,
                err_name(rc), n ? n : "NULL");
        }
    }
    rc = fm_event_name(FM_EVENT_SELFTEST, NULL);
    if (rc != FM_ERR_ARG)
        bad("fm_event_name(.., NULL) returned %s, want FM_ERR_ARG", err_name(rc));
}

static void walk_service_name(void)
{
    const char *n;
    int f, rc;

    for (f = -1; f <= FM_SERVICE_COUNT; f++) {
        n = NULL;
        rc = fm_service_name(f, &n);
        if (f >= 0 && f < FM_SERVICE_COUNT) {
            if (rc != FM_OK || n == NULL || strcmp(n, ho.service_names[f]) != 0)
                bad("fm_service_name(%d) returned %s, \"%s\" (the operational parent got "
                    "\"%s\")", f, err_name(rc), n ? n : "NULL", ho.service_names[f]);
        } else if (rc != FM_ERR_ARG || n == NULL || strcmp(n, "unknown") != 0) {
            bad("fm_service_name(%d) returned %s, \"%s\" (want FM_ERR_ARG, \"unknown\")", f,
                err_name(rc), n ? n : "NULL");
        }
    }
    rc = fm_service_name(FM_SERVICE_SHA2, NULL);
    if (rc != FM_ERR_ARG)
        bad("fm_service_name(.., NULL) returned %s, want FM_ERR_ARG", err_name(rc));
}

/* A snapshot whose sums hold; `when` names the call for complaints. */
static int snapshot_checked(const char *when, fm_counters *c)
{
    int f, k, rc;

    memset(c, 0xAA, sizeof *c);
    rc = fm_counters_snapshot(c);
    if (rc != FM_OK) {
        bad("%s: fm_counters_snapshot returned %s", when, err_name(rc));
        memset(c, 0, sizeof *c);
        return -1;
    }
    if (c->enabled != 1)
        bad("%s: fm_counters_snapshot says enabled = %d, want 1 (counting is on)", when,
            c->enabled);
    for (f = 0; f < FM_SERVICE_COUNT; f++) {
        const fm_service_counters *s = &c->service[f];
        uint64_t sum = s->approved + s->non_approved;

        for (k = 0; k < FM_ERR_CODES; k++)
            sum += s->failures[k];
        if (s->failures[0] != 0 || sum != s->calls)
            bad("%s: family %d: calls %llu != approved + non-approved + failures %llu, or "
                "failures[0] = %llu is not 0", when, f, (unsigned long long)s->calls,
                (unsigned long long)sum, (unsigned long long)s->failures[0]);
    }
    return 0;
}

static void walk_counters_snapshot(void)
{
    static fm_counters c;
    int rc;

    snapshot_checked("fm_counters_snapshot", &c);
    rc = fm_counters_snapshot(NULL);
    if (rc != FM_ERR_ARG)
        bad("fm_counters_snapshot(NULL) returned %s, want FM_ERR_ARG", err_name(rc));
}

static void walk_counters_enable(void)
{
    static fm_counters c;
    int rc;

    rc = fm_counters_enable(1); /* counting stays on: the children's checks need it */
    if (rc != FM_OK)
        bad("fm_counters_enable(1) returned %s", err_name(rc));
    rc = fm_counters_enable(2);
    if (rc != FM_ERR_ARG)
        bad("fm_counters_enable(2) returned %s, want FM_ERR_ARG", err_name(rc));
    snapshot_checked("after fm_counters_enable", &c);
}

static void walk_counters_prometheus(void)
{
    static fm_counters c;
    char line[64], *buf;
    size_t len = 0, len2 = 0;
    int rc, state = want.error ? FM_STATE_ERROR : FM_STATE_OPERATIONAL;

    if (snapshot_checked("fm_counters_prometheus", &c) != 0)
        return;
    rc = fm_counters_prometheus(&c, NULL, 0, &len);
    if (rc != FM_ERR_LENGTH || len == 0) {
        bad("fm_counters_prometheus(NULL, 0) returned %s, length %zu (want FM_ERR_LENGTH and "
            "the length)", err_name(rc), len);
        return;
    }
    buf = malloc(len + 2);
    if (buf == NULL) {
        bad("out of memory");
        return;
    }
    memset(buf, 0xAA, len + 2);
    rc = fm_counters_prometheus(&c, buf, len + 1, &len2);
    if (rc != FM_OK || len2 != len || buf[len] != '\0' || (uint8_t)buf[len + 1] != 0xAA) {
        bad("fm_counters_prometheus(cap %zu) returned %s, length %zu (want FM_OK, %zu, the text "
            "NUL-terminated and nothing written past it)", len + 1, err_name(rc), len2, len);
    } else {
        snprintf(line, sizeof line, "\nfipsmod_module_state %d\n", state);
        if (strstr(buf, line) == NULL)
            bad("fm_counters_prometheus: the text has no line \"fipsmod_module_state %d\" "
                "(state %s)", state, state_name(state));
        if (strstr(buf, "\nfipsmod_counters_enabled 1\n") == NULL)
            bad("fm_counters_prometheus: the text has no line \"fipsmod_counters_enabled 1\"");
    }
    free(buf);
}

/*
 * The table: name, how it behaves in ERROR, the service family it is
 * counted under (FM_SERVICE_*; NOT_COUNTED for a function that is no
 * cryptographic service), and the walk. fm_selftest is REFUSED in ERROR but
 * NOT_COUNTED: monitor.h counts "every call of a cryptographic service
 * (those that set the service indicator)", and the on-demand self-test is
 * neither (it has no family and leaves the indicator alone); walk_all
 * checks that its refusal changes no count.
 */
static const struct {
    const char *name;
    int in_error;
    int family;
    void (*walk)(void);
} walk_table[] = {
    /* cryptographic services and the on-demand self-test */
    { "fm_hash_init", REFUSED, FM_SERVICE_SHA2, walk_hash_init },
    { "fm_hash_update", REFUSED, FM_SERVICE_SHA2, walk_hash_update },
    { "fm_hash_final", REFUSED, FM_SERVICE_SHA2, walk_hash_final },
    { "fm_hash", REFUSED, FM_SERVICE_SHA2, walk_hash },
    { "fm_hmac_init", REFUSED, FM_SERVICE_HMAC, walk_hmac_init },
    { "fm_hmac_update", REFUSED, FM_SERVICE_HMAC, walk_hmac_update },
    { "fm_hmac_final", REFUSED, FM_SERVICE_HMAC, walk_hmac_final },
    { "fm_hmac_verify", REFUSED, FM_SERVICE_HMAC, walk_hmac_verify },
    { "fm_hmac", REFUSED, FM_SERVICE_HMAC, walk_hmac },
    { "fm_aes_init", REFUSED, FM_SERVICE_AES_KEY, walk_aes_init },
    { "fm_aes_ecb_encrypt", REFUSED, FM_SERVICE_AES_ECB, walk_aes_ecb_encrypt },
    { "fm_aes_ecb_decrypt", REFUSED, FM_SERVICE_AES_ECB, walk_aes_ecb_decrypt },
    { "fm_aes_cbc_encrypt", REFUSED, FM_SERVICE_AES_CBC, walk_aes_cbc_encrypt },
    { "fm_aes_cbc_decrypt", REFUSED, FM_SERVICE_AES_CBC, walk_aes_cbc_decrypt },
    { "fm_aes_ctr", REFUSED, FM_SERVICE_AES_CTR, walk_aes_ctr },
    { "fm_aes_cmac_init", REFUSED, FM_SERVICE_AES_CMAC, walk_aes_cmac_init },
    { "fm_aes_cmac_update", REFUSED, FM_SERVICE_AES_CMAC, walk_aes_cmac_update },
    { "fm_aes_cmac_final", REFUSED, FM_SERVICE_AES_CMAC, walk_aes_cmac_final },
    { "fm_aes_cmac", REFUSED, FM_SERVICE_AES_CMAC, walk_aes_cmac },
    { "fm_aes_cmac_verify", REFUSED, FM_SERVICE_AES_CMAC, walk_aes_cmac_verify },
    { "fm_aes_kw_wrap", REFUSED, FM_SERVICE_AES_KW, walk_aes_kw_wrap },
    { "fm_aes_kw_unwrap", REFUSED, FM_SERVICE_AES_KW, walk_aes_kw_unwrap },
    { "fm_aes_kwp_wrap", REFUSED, FM_SERVICE_AES_KW, walk_aes_kwp_wrap },
    { "fm_aes_kwp_unwrap", REFUSED, FM_SERVICE_AES_KW, walk_aes_kwp_unwrap },
    { "fm_aes_kw_wrap_inv", REFUSED, FM_SERVICE_AES_KW, walk_aes_kw_wrap_inv },
    { "fm_aes_kw_unwrap_inv", REFUSED, FM_SERVICE_AES_KW, walk_aes_kw_unwrap_inv },
    { "fm_aes_kwp_wrap_inv", REFUSED, FM_SERVICE_AES_KW, walk_aes_kwp_wrap_inv },
    { "fm_aes_kwp_unwrap_inv", REFUSED, FM_SERVICE_AES_KW, walk_aes_kwp_unwrap_inv },
    { "fm_aes_gcm_init", REFUSED, FM_SERVICE_AES_GCM, walk_aes_gcm_init },
    { "fm_aes_gcm_seal", REFUSED, FM_SERVICE_AES_GCM, walk_aes_gcm_seal },
    { "fm_aes_gcm_open", REFUSED, FM_SERVICE_AES_GCM, walk_aes_gcm_open },
    { "fm_aes_gcm_seal_geniv", REFUSED, FM_SERVICE_AES_GCM, walk_aes_gcm_seal_geniv },
    { "fm_aes_gcm_start", REFUSED, FM_SERVICE_AES_GCM, walk_aes_gcm_start },
    { "fm_aes_gcm_start_geniv", REFUSED, FM_SERVICE_AES_GCM, walk_aes_gcm_start_geniv },
    { "fm_aes_gcm_aad", REFUSED, FM_SERVICE_AES_GCM, walk_aes_gcm_aad },
    { "fm_aes_gcm_update", REFUSED, FM_SERVICE_AES_GCM, walk_aes_gcm_update },
    { "fm_aes_gcm_encrypt_final", REFUSED, FM_SERVICE_AES_GCM, walk_aes_gcm_encrypt_final },
    { "fm_aes_gcm_decrypt_final", REFUSED, FM_SERVICE_AES_GCM, walk_aes_gcm_decrypt_final },
    { "fm_drbg_instantiate_with", REFUSED, FM_SERVICE_DRBG, walk_drbg_instantiate_with },
    { "fm_drbg_reseed_with", REFUSED, FM_SERVICE_DRBG, walk_drbg_reseed_with },
    { "fm_drbg_generate", REFUSED, FM_SERVICE_DRBG, walk_drbg_generate },
    { "fm_drbg_generate_pr_with", REFUSED, FM_SERVICE_DRBG, walk_drbg_generate_pr_with },
    { "fm_drbg_instantiate", REFUSED, FM_SERVICE_DRBG, walk_drbg_instantiate },
    { "fm_drbg_reseed", REFUSED, FM_SERVICE_DRBG, walk_drbg_reseed },
    { "fm_drbg_generate_pr", REFUSED, FM_SERVICE_DRBG, walk_drbg_generate_pr },
    { "fm_random_bytes", REFUSED, FM_SERVICE_RANDOM, walk_random_bytes },
    { "fm_rsa_key_import", REFUSED, FM_SERVICE_RSA_KEY, walk_rsa_key_import },
    { "fm_rsa_key_export", REFUSED, FM_SERVICE_RSA_KEY, walk_rsa_key_export },
    { "fm_rsa_generate_key", REFUSED, FM_SERVICE_RSA_KEYGEN, walk_rsa_generate_key },
    { "fm_rsa_key_public", REFUSED, FM_SERVICE_RSA_KEY, walk_rsa_key_public },
    { "fm_rsa_sign", REFUSED, FM_SERVICE_RSA_SIGN, walk_rsa_sign },
    { "fm_rsa_verify", REFUSED, FM_SERVICE_RSA_VERIFY, walk_rsa_verify },
    { "fm_rsa_oaep_encrypt", REFUSED, FM_SERVICE_RSA_OAEP, walk_rsa_oaep_encrypt },
    { "fm_rsa_oaep_decrypt", REFUSED, FM_SERVICE_RSA_OAEP, walk_rsa_oaep_decrypt },
    { "fm_rsa_decrypt_primitive", REFUSED, FM_SERVICE_RSA_PRIMITIVE, walk_rsa_decrypt_primitive },
    { "fm_ec_key_generate", REFUSED, FM_SERVICE_EC_KEYGEN, walk_ec_key_generate },
    { "fm_ec_key_import", REFUSED, FM_SERVICE_EC_KEY, walk_ec_key_import },
    { "fm_ec_key_public_bytes", REFUSED, FM_SERVICE_EC_KEY, walk_ec_key_public_bytes },
    { "fm_ec_key_private_bytes", REFUSED, FM_SERVICE_EC_KEY, walk_ec_key_private_bytes },
    { "fm_ec_key_info", WORKS, NOT_COUNTED, walk_ec_key_info },
    { "fm_ec_key_public", REFUSED, FM_SERVICE_EC_KEY, walk_ec_key_public },
    { "fm_ecdsa_sign", REFUSED, FM_SERVICE_ECDSA_SIGN, walk_ecdsa_sign },
    { "fm_ecdsa_verify", REFUSED, FM_SERVICE_ECDSA_VERIFY, walk_ecdsa_verify },
    { "fm_selftest", REFUSED, NOT_COUNTED, walk_selftest },
    /* status, zeroisation, implementation selection */
    { "fm_init", WORKS, NOT_COUNTED, walk_init },
    { "fm_module_status_get", WORKS, NOT_COUNTED, walk_module_status_get },
    { "fm_module_state", WORKS, NOT_COUNTED, walk_module_state },
    { "fm_selftest_count", WORKS, NOT_COUNTED, walk_selftest_count },
    { "fm_selftest_get", WORKS, NOT_COUNTED, walk_selftest_get },
    { "fm_service_approved", WORKS, NOT_COUNTED, walk_service_approved },
    { "fm_error_name", WORKS, NOT_COUNTED, walk_error_name },
    { "fm_version", WORKS, NOT_COUNTED, walk_version },
    { "fm_wipe", WORKS, NOT_COUNTED, walk_wipe },
    { "fm_hash_wipe", WORKS, NOT_COUNTED, walk_hash_wipe },
    { "fm_hmac_wipe", WORKS, NOT_COUNTED, walk_hmac_wipe },
    { "fm_aes_wipe", WORKS, NOT_COUNTED, walk_aes_wipe },
    { "fm_aes_cmac_wipe", WORKS, NOT_COUNTED, walk_aes_cmac_wipe },
    { "fm_drbg_uninstantiate", WORKS, NOT_COUNTED, walk_drbg_uninstantiate },
    { "fm_aes_gcm_wipe", WORKS, NOT_COUNTED, walk_aes_gcm_wipe },
    { "fm_aes_gcm_ctx_wipe", WORKS, NOT_COUNTED, walk_aes_gcm_ctx_wipe },
    { "fm_cpu_features", WORKS, NOT_COUNTED, walk_cpu_features },
    { "fm_cpu_set_features", WORKS, NOT_COUNTED, walk_cpu_set_features },
    { "fm_impl_name", WORKS, NOT_COUNTED, walk_impl_name },
    { "fm_hash_digest_len", WORKS, NOT_COUNTED, walk_digest_len },
    { "fm_hash_block_len", WORKS, NOT_COUNTED, walk_block_len },
    { "fm_rsa_key_info", WORKS, NOT_COUNTED, walk_rsa_key_info },
    { "fm_rsa_key_wipe", WORKS, NOT_COUNTED, walk_rsa_key_wipe },
    { "fm_rsa_der_parse", WORKS, NOT_COUNTED, walk_rsa_der_parse },
    { "fm_rsa_der_encode", WORKS, NOT_COUNTED, walk_rsa_der_encode },
    { "fm_pem_decode", WORKS, NOT_COUNTED, walk_pem_decode },
    { "fm_pem_encode", WORKS, NOT_COUNTED, walk_pem_encode },
    { "fm_ec_key_wipe", WORKS, NOT_COUNTED, walk_ec_key_wipe },
    { "fm_ec_der_parse", WORKS, NOT_COUNTED, walk_ec_der_parse },
    { "fm_ec_der_encode", WORKS, NOT_COUNTED, walk_ec_der_encode },
    { "fm_key_der_type", WORKS, NOT_COUNTED, walk_key_der_type },
    /* events and counters (monitor.h) */
    { "fm_set_event_callback", WORKS, NOT_COUNTED, walk_set_event_callback },
    { "fm_event_name", WORKS, NOT_COUNTED, walk_event_name },
    { "fm_counters_snapshot", WORKS, NOT_COUNTED, walk_counters_snapshot },
    { "fm_counters_enable", WORKS, NOT_COUNTED, walk_counters_enable },
    { "fm_service_name", WORKS, NOT_COUNTED, walk_service_name },
    /* outside the module boundary: it formats a snapshot it is given */
    { "fm_counters_prometheus", WORKS, NOT_COUNTED, walk_counters_prometheus },
};
#define WALK_N (sizeof walk_table / sizeof walk_table[0])

/*
 * The walk. In ERROR each call is also checked against the counters: a
 * refused cryptographic service adds FM_ERR_STATE failures to its own
 * family and nothing else; any other function (and fm_selftest) changes
 * no count.
 */
static void walk_all(void)
{
    static fm_counters before, after;
    uint64_t growth;
    size_t i;

    for (i = 0; i < WALK_N; i++) {
        if (want.error != 0)
            snapshot_checked(walk_table[i].name, &before);
        walk_table[i].walk();
        if (want.error != 0) {
            char when[MAX_NAME + 40];

            snprintf(when, sizeof when, "%s in ERROR", walk_table[i].name);
            snapshot_checked(when, &after);
            counts_compare(when, &before, &after,
                           walk_table[i].in_error == REFUSED ? walk_table[i].family
                                                              : NOT_COUNTED,
                           &growth);
        }
    }
    check_state("after the walk");
}

/*
 * Around the whole walk in ERROR (child_broken, child_pct): no family's
 * approved or non-approved count grew, no failure other than FM_ERR_STATE
 * was counted, and the FM_ERR_STATE failures of all families grew by at
 * least one per REFUSED entry that is a counted service (each walks its
 * function at least once; many walk it more often). fm_selftest is
 * REFUSED but no counted service (see walk_table), so it is left out.
 */
static void check_walk_counts(const fm_counters *b, const fm_counters *a)
{
    uint64_t growth = 0, refused = 0;
    size_t i;

    for (i = 0; i < WALK_N; i++)
        if (walk_table[i].in_error == REFUSED && walk_table[i].family != NOT_COUNTED)
            refused++;
    counts_compare("the walk in ERROR", b, a, -2, &growth);
    if (growth < refused)
        bad("the walk in ERROR: the FM_ERR_STATE failures grew by %llu, fewer than the %llu "
            "refused services walked", (unsigned long long)growth, (unsigned long long)refused);
}

/* ---- completeness: the exported functions of the headers ------------------------ */

static int is_ident(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
}

/*
 * Blank out comments, string and character literals and preprocessor
 * directives (with their continuation lines), keeping newlines, so that
 * only declarations remain to be scanned.
 */
static void strip_header(char *s)
{
    size_t i = 0;
    int line_start = 1;

    while (s[i] != '\0') {
        if (s[i] == '/' && s[i + 1] == '*') {
            s[i++] = ' ';
            s[i++] = ' ';
            while (s[i] != '\0' && !(s[i] == '*' && s[i + 1] == '/')) {
                if (s[i] != '\n')
                    s[i] = ' ';
                i++;
            }
            if (s[i] != '\0') {
                s[i++] = ' ';
                s[i++] = ' ';
            }
            continue;
        }
        if (s[i] == '/' && s[i + 1] == '/') {
            while (s[i] != '\0' && s[i] != '\n')
                s[i++] = ' ';
            continue;
        }
        if (s[i] == '"' || s[i] == '\'') {
            char q = s[i];
            s[i++] = ' ';
            while (s[i] != '\0' && s[i] != q && s[i] != '\n') {
                if (s[i] == '\\' && s[i + 1] != '\0' && s[i + 1] != '\n')
                    s[i++] = ' ';
                s[i++] = ' ';
            }
            if (s[i] == q)
                s[i++] = ' ';
            continue;
        }
        if (line_start && s[i] == '#') {
            while (s[i] != '\0' && s[i] != '\n') {
                if (s[i] == '\\' && s[i + 1] == '\n') {
                    s[i++] = ' ';
                    i++; /* keep the newline, stay in the directive */
                    continue;
                }
                s[i++] = ' ';
            }
            continue;
        }
        if (s[i] == '\n')
            line_start = 1;
        else if (s[i] != ' ' && s[i] != '\t')
            line_start = 0;
        i++;
    }
}

static char exports[MAX_EXPORTS][MAX_NAME];
static size_t nexports;

/*
 * Add the function names declared `FM_EXPORT <type> <name>(` in text to
 * exports[]. Returns 0, or -1 with a complaint for a declaration it cannot
 * read.
 */
static int scan_header(const char *path, char *text)
{
    const char *p = text;

    strip_header(text);
    while ((p = strstr(p, "FM_EXPORT")) != NULL) {
        const char *q, *paren, *id = NULL;
        size_t idlen = 0, k;

        if ((p > text && is_ident((unsigned char)p[-1])) || is_ident((unsigned char)p[9])) {
            p += 9;
            continue;
        }
        q = p + 9;
        paren = q;
        while (*paren != '\0' && *paren != '(' && *paren != ';' && *paren != '{')
            paren++;
        if (*paren != '(') {
            bad("%s: cannot read the FM_EXPORT declaration at offset %ld (no parameter list)",
                path, (long)(p - text));
            return -1;
        }
        /* The last identifier before '(' is the function name. */
        for (q = p + 9; q < paren; q++) {
            if (is_ident((unsigned char)*q) && !is_ident((unsigned char)q[-1])) {
                id = q;
                idlen = 0;
                while (q + idlen < paren && is_ident((unsigned char)q[idlen]))
                    idlen++;
            }
        }
        if (id == NULL || idlen >= MAX_NAME || strncmp(id, "fm_", 3) != 0) {
            bad("%s: cannot read the FM_EXPORT declaration at offset %ld (no fm_ name before '(')",
                path, (long)(p - text));
            return -1;
        }
        for (k = 0; k < nexports; k++)
            if (strlen(exports[k]) == idlen && strncmp(exports[k], id, idlen) == 0)
                break;
        if (k == nexports) {
            if (nexports == MAX_EXPORTS) {
                bad("more than %d exported functions: raise MAX_EXPORTS", MAX_EXPORTS);
                return -1;
            }
            memcpy(exports[nexports], id, idlen);
            exports[nexports][idlen] = '\0';
            nexports++;
        }
        p = paren;
    }
    return 0;
}

/* include/fipsmod from the current directory, else from <root>/build/break/break_tests. */
static int find_include_dir(char *dir, size_t cap)
{
    char exe[4096];
    ssize_t n;
    int up;

    if (snprintf(dir, cap, "include/fipsmod") < (int)cap && access(dir, R_OK) == 0)
        return 0;
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return -1;
    exe[n] = '\0';
    for (up = 0; up < 3; up++) {
        char *slash = strrchr(exe, '/');
        if (slash == NULL)
            return -1;
        *slash = '\0';
    }
    if (snprintf(dir, cap, "%s/include/fipsmod", exe) >= (int)cap || access(dir, R_OK) != 0)
        return -1;
    return 0;
}

/* Returns 0 when the walk table and the headers' exports are the same set. */
static int check_complete(void)
{
    char dir[4096], path[4096 + 264], missing[2048] = "", stale[2048] = "";
    struct dirent *e;
    size_t i, k, nheaders = 0;
    DIR *d;
    int before = nbad;

    if (find_include_dir(dir, sizeof dir) != 0) {
        bad("cannot find include/fipsmod (run from the repository root)");
        return -1;
    }
    d = opendir(dir);
    if (d == NULL) {
        bad("%s: %s", dir, strerror(errno));
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        FILE *f;
        char *text;
        long sz;

        if (len < 3 || strcmp(e->d_name + len - 2, ".h") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        f = fopen(path, "rb");
        if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 ||
            fseek(f, 0, SEEK_SET) != 0) {
            bad("%s: cannot read: %s", path, strerror(errno));
            if (f != NULL)
                fclose(f);
            continue;
        }
        text = malloc((size_t)sz + 2);
        if (text == NULL || fread(text, 1, (size_t)sz, f) != (size_t)sz) {
            bad("%s: cannot read", path);
            free(text);
            fclose(f);
            continue;
        }
        fclose(f);
        text[sz] = '\0';
        text[sz + 1] = '\0';
        scan_header(path, text);
        free(text);
        nheaders++;
    }
    closedir(d);
    if (nheaders == 0)
        bad("%s: no headers", dir);

    for (k = 0; k < nexports; k++) {
        for (i = 0; i < WALK_N; i++)
            if (strcmp(walk_table[i].name, exports[k]) == 0)
                break;
        if (i == WALK_N) {
            strncat(missing, " ", sizeof missing - strlen(missing) - 1);
            strncat(missing, exports[k], sizeof missing - strlen(missing) - 1);
        }
    }
    for (i = 0; i < WALK_N; i++) {
        for (k = 0; k < nexports; k++)
            if (strcmp(walk_table[i].name, exports[k]) == 0)
                break;
        if (k == nexports) {
            strncat(stale, " ", sizeof stale - strlen(stale) - 1);
            strncat(stale, walk_table[i].name, sizeof stale - strlen(stale) - 1);
        }
    }
    if (missing[0] != '\0')
        bad("exported in %s but not walked (add them to walk_table in tests/break/break_tests.c):%s",
            dir, missing);
    if (stale[0] != '\0')
        bad("walked but no header exports them (remove them from walk_table):%s", stale);
    return nbad == before ? 0 : -1;
}

/* ---- the child ----------------------------------------------------------------------- */

static int read_handoff(void)
{
    size_t got = 0;

    while (got < sizeof ho) {
        ssize_t n = read(STDIN_FILENO, (char *)&ho + got, sizeof ho - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    if (got != sizeof ho || ho.magic != (HANDOFF_MAGIC ^ sizeof ho)) {
        bad("child: no valid handoff on stdin (%zu of %zu bytes)", got, sizeof ho);
        return -1;
    }
    return 0;
}

/* check_live_failure's matches: a failed self-test, a failed conditional test. */
static int match_selftest_fail(const fm_event *e, const void *name)
{
    return e->type == FM_EVENT_SELFTEST && e->result == FM_SELFTEST_FAIL && e->name != NULL &&
           strcmp(e->name, name) == 0;
}

static int match_conditional(const fm_event *e, const void *name)
{
    return e->type == FM_EVENT_CONDITIONAL_FAILURE && e->name != NULL &&
           strcmp(e->name, name) == 0;
}

/*
 * The deferred test `name` (index idx) broken and run by fm_selftest(),
 * with rec installed before: rec starts with the replay of the good
 * power-up, then the live events of the on-demand run: the tests before it
 * PASS, it FAILs with `expect`, trigger ON_DEMAND, then the state change
 * OPERATIONAL -> ERROR; no test runs after it.
 */
static void check_deferred_events(const char *name, size_t idx, int expect)
{
    size_t n = replayed_prefix(&rec, "fm_selftest events"), f, i, next = 0;

    check_power_up_record(&rec, n, ho.ntests, FM_OK);
    f = check_live_failure(&rec, "selftest FAIL event of the broken test", match_selftest_fail,
                           name, FM_STATE_OPERATIONAL, expect);
    if (f == rec.n)
        return;
    if (rec.ev[f].trigger != FM_TRIGGER_ON_DEMAND || rec.ev[f].error != expect ||
        is_empty(rec.ev[f].reason))
        bad("live events: event %zu is %s, want trigger ON_DEMAND, error %s and a reason", f,
            ev_text(&rec.ev[f]), err_name(expect));
    for (i = n; i < rec.n; i++) {
        const fm_event *e = &rec.ev[i];
        if (e->type != FM_EVENT_SELFTEST || i == f)
            continue;
        if (i > f) {
            bad("live events: event %zu %s: a self-test ran after the failed one", i,
                ev_text(e));
            continue;
        }
        if (next >= idx || e->name == NULL || strcmp(e->name, ho.names[next]) != 0 ||
            e->result != FM_SELFTEST_PASS || e->trigger != FM_TRIGGER_ON_DEMAND)
            bad("live events: event %zu is %s, want selftest \"%s\" PASS trigger ON_DEMAND", i,
                ev_text(e), next < idx ? ho.names[next] : "(none: the broken one is next)");
        next++;
    }
    if (next != idx)
        bad("live events: %zu self-tests ran before the broken one, want %zu (every test "
            "before it in fm_selftest_get order)", next, idx);
}

/* `--child NAME`: started with FIPSMOD_BREAK=NAME; the module must be in ERROR. */
static int child_broken(const char *name)
{
    static fm_counters before, after;
    const char *env = getenv("FIPSMOD_BREAK");
    int expect = strcmp(name, "integrity") == 0 ? FM_ERR_INTEGRITY : FM_ERR_SELFTEST;
    fm_selftest_result r;
    size_t i, idx = ho.ntests;
    int rc, init_rc, s = -1, deferred = 0;

    if (env == NULL || strcmp(env, name) != 0) {
        bad("child: FIPSMOD_BREAK is %s, not \"%s\"", env ? env : "unset", name);
        return 1;
    }
    for (i = 0; i < ho.ntests; i++)
        if (strcmp(ho.names[i], name) == 0)
            idx = i;

    rc = init_rc = fm_init(0);
    if (rc == FM_OK) {
        memset(&r, 0, sizeof r);
        if (idx < ho.ntests && fm_selftest_get(idx, &r) == FM_OK &&
            r.result == FM_SELFTEST_DEFERRED) {
            /* A deferred test runs on demand: fm_selftest() must now fail, and
             * the callback installed before sees it fail live. */
            deferred = 1;
            record_start(&rec, "before fm_selftest()");
            rc = fm_selftest();
            record_stop(&rec, "after fm_selftest()");
            if (rc == FM_OK) {
                bad("fm_init and fm_selftest returned FM_OK: breaking deferred test \"%s\" had no "
                    "effect", name);
                return 1;
            }
        } else {
            fm_module_state(&s);
            bad("fm_init(0) returned FM_OK and the state is %s: breaking \"%s\" had no effect",
                state_name(s), name);
            return 1;
        }
    }
    if (rc != expect)
        bad("power-up returned %s, want %s", err_name(rc), err_name(expect));

    want.error = expect;
    want.failed_test = name;
    want.power_up = init_rc;
    check_state("after power-up");

    /* The broken test alone reports FAIL. */
    for (i = 0; i < ho.ntests; i++) {
        memset(&r, 0, sizeof r);
        if (fm_selftest_get(i, &r) != FM_OK || r.name == NULL)
            continue; /* walk_selftest_get reports it */
        if (i == idx && r.result != FM_SELFTEST_FAIL)
            bad("self-test \"%s\" reports %s, want FAIL", r.name, result_name(r.result));
        if (i != idx && r.result == FM_SELFTEST_FAIL)
            bad("self-test \"%s\" reports FAIL, but only \"%s\" was broken", r.name, name);
    }

    /* The events: the failure is reported before the state change into ERROR. */
    if (idx == ho.ntests) {
        bad("\"%s\" is no self-test of fm_selftest_get", name);
    } else if (deferred) {
        check_deferred_events(name, idx, expect);
    } else {
        /* Power-up failed before main: a callback installed now gets its record. */
        record_start(&rec, "after the failed power-up");
        record_stop(&rec, "after the failed power-up");
        check_power_up_record(&rec, replayed_prefix(&rec, "power-up record"), idx, expect);
    }

    snapshot_checked("before the walk", &before);
    walk_all();
    snapshot_checked("after the walk", &after);
    check_walk_counts(&before, &after);
    return nbad != 0;
}

/*
 * `--child-pct NAME`: FIPSMOD_BREAK=NAME breaks a conditional test, the
 * pairwise consistency test of a key generation ("rsa-pct": RSA,
 * "ecdsa-pct": EC): power-up passes; the generation that runs it must fail
 * with FM_ERR_SELFTEST, its key zeroed, and leave the module in ERROR,
 * where every service refuses.
 */
static const char *const pct_names[] = { "rsa-pct", "ecdsa-pct" };
#define NUM_PCT (sizeof pct_names / sizeof pct_names[0])

static int child_pct(const char *name)
{
    static fm_counters before, after;
    static struct {
        fm_rsa_key k;
        uint8_t guard;
    } b;
    static struct {
        fm_ec_key k;
        uint8_t guard;
    } e;
    const char *call;
    int rc, family;
    size_t f;

    if (strcmp(name, "rsa-pct") != 0 && strcmp(name, "ecdsa-pct") != 0) {
        bad("child: \"%s\" is not a conditional test this driver knows", name);
        return 1;
    }
    rc = fm_init(0);
    if (rc != FM_OK) {
        bad("fm_init(0) returned %s with only the conditional test \"%s\" broken",
            err_name(rc), name);
        return 1;
    }
    /* The callback installed before the generation sees the failure live. */
    want.power_up = FM_OK;
    record_start(&rec, "before the generation");
    snapshot_checked("before the generation", &before);
    if (strcmp(name, "rsa-pct") == 0) {
        family = FM_SERVICE_RSA_KEYGEN;
        call = "fm_rsa_generate_key";
        memset(&b, 0xAA, sizeof b);
        rc = fm_rsa_generate_key(&b.k, 2048, 0);
        if (first_nonzero(&b.k, sizeof b.k) != sizeof b.k || b.guard != 0xAA)
            bad("the key of the failed generation is not zeroed");
    } else {
        family = FM_SERVICE_EC_KEYGEN;
        call = "fm_ec_key_generate";
        memset(&e, 0xAA, sizeof e);
        rc = fm_ec_key_generate(&e.k, FM_EC_P256);
        if (first_nonzero(&e.k, sizeof e.k) != sizeof e.k || e.guard != 0xAA)
            bad("the key of the failed generation is not zeroed");
    }
    snapshot_checked("after the generation", &after);
    record_stop(&rec, "after the generation");
    if (rc != FM_ERR_SELFTEST)
        bad("%s returned %s with \"%s\" broken, want FM_ERR_SELFTEST", call, err_name(rc),
            name);
    want.error = FM_ERR_SELFTEST;
    want.failed_test = NULL; /* a conditional test is not a self-test of the list */
    check_state("after the failed pairwise consistency test");

    /* The events: the good power-up replayed, then, live, the conditional
     * failure before the state change OPERATIONAL -> ERROR. */
    check_power_up_record(&rec, replayed_prefix(&rec, "generation events"), ho.ntests, FM_OK);
    f = check_live_failure(&rec, "conditional-failure event", match_conditional, name,
                           FM_STATE_OPERATIONAL, FM_ERR_SELFTEST);
    if (f != rec.n && (rec.ev[f].error != FM_ERR_SELFTEST || is_empty(rec.ev[f].reason)))
        bad("live events: event %zu is %s, want error FM_ERR_SELFTEST and a reason", f,
            ev_text(&rec.ev[f]));
    /* The failed generation is counted once, as a failure FM_ERR_SELFTEST. */
    if (after.service[family].failures[-FM_ERR_SELFTEST] !=
            before.service[family].failures[-FM_ERR_SELFTEST] + 1 ||
        after.service[family].calls != before.service[family].calls + 1)
        bad("%s: family \"%s\" counted %llu calls, %llu FM_ERR_SELFTEST failures, want 1 and 1",
            call, ho.service_names[family],
            (unsigned long long)(after.service[family].calls - before.service[family].calls),
            (unsigned long long)(after.service[family].failures[-FM_ERR_SELFTEST] -
                                 before.service[family].failures[-FM_ERR_SELFTEST]));

    snapshot_checked("before the walk", &before);
    walk_all();
    snapshot_checked("after the walk", &after);
    check_walk_counts(&before, &after);
    return nbad != 0;
}

/* `--child-nobreak VALUE`: FIPSMOD_BREAK=VALUE names no test; all must work. */
static int child_nobreak(const char *value)
{
    const char *env = getenv("FIPSMOD_BREAK");
    fm_selftest_result r;
    size_t i;
    int rc;

    if (env == NULL || strcmp(env, value) != 0) {
        bad("child: FIPSMOD_BREAK is %s, not \"%s\"", env ? env : "unset", value);
        return 1;
    }
    rc = fm_init(0);
    if (rc != FM_OK) {
        fm_module_status st;
        memset(&st, 0, sizeof st);
        fm_module_status_get(&st);
        bad("fm_init(0) returned %s (failed test %s)", err_name(rc),
            st.failed_test ? st.failed_test : "NULL");
        return 1;
    }
    want.error = 0;
    want.failed_test = NULL;
    want.power_up = FM_OK;
    check_state("after power-up");
    for (i = 0; i < ho.ntests; i++)
        if (fm_selftest_get(i, &r) == FM_OK && r.result == FM_SELFTEST_FAIL)
            bad("self-test \"%s\" reports FAIL", r.name ? r.name : "NULL");
    /* The replayed record is the whole good power-up. */
    record_start(&rec, "after power-up");
    record_stop(&rec, "after power-up");
    check_power_up_record(&rec, replayed_prefix(&rec, "power-up record"), ho.ntests, FM_OK);
    walk_all();
    return nbad != 0;
}

/* ---- the parent ---------------------------------------------------------------------- */

extern char **environ;

static int passed, failed, skipped;

/*
 * Run `/proc/self/exe MODE ARG` with FIPSMOD_BREAK=ARG, the handoff on its
 * stdin; collect its output (stdout and stderr) into out. Returns a
 * description of what went wrong, or NULL when the child exited 0.
 */
static const char *run_child(const char *mode, const char *arg, char *out, size_t cap)
{
    static char why[128];
    char **envp, *var;
    size_t nenv = 0, i, j, got = 0;
    int fds[2], status = 0;
    FILE *in;
    pid_t pid;

    out[0] = '\0';
    for (i = 0; environ[i] != NULL; i++)
        nenv++;
    envp = calloc(nenv + 2, sizeof *envp);
    var = malloc(strlen("FIPSMOD_BREAK=") + strlen(arg) + 1);
    if (envp == NULL || var == NULL)
        return "out of memory";
    for (i = 0, j = 0; i < nenv; i++)
        if (strncmp(environ[i], "FIPSMOD_BREAK=", 14) != 0)
            envp[j++] = environ[i];
    sprintf(var, "FIPSMOD_BREAK=%s", arg);
    envp[j++] = var;
    envp[j] = NULL;

    /* The handoff goes through a file: a pipe might be too small to hold it. */
    in = tmpfile();
    if (in == NULL || fwrite(&ho, sizeof ho, 1, in) != 1 || fflush(in) != 0 ||
        fseek(in, 0, SEEK_SET) != 0 || pipe(fds) != 0) {
        free(envp);
        free(var);
        if (in != NULL)
            fclose(in);
        return "cannot set up the child's input and output";
    }
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        char *argv[] = { (char *)"break_tests", (char *)mode, (char *)arg, NULL };
        close(fds[0]);
        if (dup2(fileno(in), STDIN_FILENO) < 0 || dup2(fds[1], STDOUT_FILENO) < 0 ||
            dup2(fds[1], STDERR_FILENO) < 0)
            _exit(126);
        close(fds[1]);
        alarm(CHILD_TIMEOUT); /* kept across execve */
        execve("/proc/self/exe", argv, envp);
        _exit(127);
    }
    close(fds[1]);
    fclose(in);
    free(envp);
    free(var);
    if (pid < 0) {
        close(fds[0]);
        return "fork failed";
    }
    for (;;) {
        char sink[512];
        ssize_t n;
        if (got < cap - 1)
            n = read(fds[0], out + got, cap - 1 - got);
        else
            n = read(fds[0], sink, sizeof sink); /* drain; keep the start */
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (got < cap - 1)
            got += (size_t)n;
    }
    out[got] = '\0';
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return "waitpid failed";
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return NULL;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return "cannot exec /proc/self/exe";
    if (WIFSIGNALED(status)) {
        snprintf(why, sizeof why, "the child was killed by signal %d (%s)%s", WTERMSIG(status),
                 strsignal(WTERMSIG(status)),
                 WTERMSIG(status) == SIGALRM ? ": timed out" : "");
        return why;
    }
    return ""; /* exit status 1: the reasons are in out */
}

/* Print the result line for one child and its complaints, and count it. */
static void report(const char *what, const char *ok_text, const char *why, const char *out)
{
    const char *line = out, *nl;
    size_t nlines = 0, shown;

    if (why == NULL) {
        printf("%s -> %s\n", what, ok_text);
        passed++;
        return;
    }
    failed++;
    for (nl = out; *nl != '\0'; nl++)
        if (*nl == '\n')
            nlines++;
    if (*why != '\0' || *out == '\0') {
        printf("%s -> FAILED: %s\n", what, *why ? why : "exit status 1 without a reason");
    } else {
        nl = strchr(out, '\n');
        printf("%s -> FAILED: %.*s%s\n", what, nl ? (int)(nl - out) : (int)strlen(out), out,
               nlines > 1 ? " (more below)" : "");
        line = nl ? nl + 1 : out + strlen(out);
    }
    for (shown = 0; *line != '\0'; shown++) {
        if (shown == MAX_SHOWN) {
            size_t rest = 0;
            for (nl = line; *nl != '\0'; nl++)
                rest += *nl == '\n';
            printf("    ... and %zu more\n", rest);
            break;
        }
        nl = strchr(line, '\n');
        printf("    %.*s\n", nl ? (int)(nl - line) : (int)strlen(line), line);
        line = nl ? nl + 1 : line + strlen(line);
    }
}

/* Capture complaints printed by the parent's own checks into one report line. */
static void parent_check(const char *what, const char *ok_text, int before)
{
    if (nbad == before) {
        printf("%s -> %s\n", what, ok_text);
        passed++;
    } else {
        printf("%s -> FAILED (reasons above)\n", what);
        failed++;
    }
}

static int is_test_name(const char *s)
{
    size_t i;

    for (i = 0; i < ho.ntests; i++)
        if (strcmp(ho.names[i], s) == 0)
            return 1;
    return 0;
}

/* The names of the event types and service families, for the children to
 * compare theirs with; each must be there, and no two the same. */
static void prepare_names(void)
{
    const char *n;
    int i, k, rc;

    for (i = 1; i <= NUM_EVENT_TYPES; i++) {
        n = NULL;
        rc = fm_event_name(i, &n);
        if (rc != FM_OK || is_empty(n) || strlen(n) >= MAX_NAME || strcmp(n, "unknown") == 0)
            bad("fm_event_name(%d) returned %s, \"%s\"", i, err_name(rc), n ? n : "NULL");
        else
            strcpy(ho.event_names[i], n);
        for (k = 1; k < i; k++)
            if (strcmp(ho.event_names[k], ho.event_names[i]) == 0)
                bad("event types %d and %d are both named \"%s\"", k, i, ho.event_names[i]);
    }
    if (strcmp(ho.event_names[FM_EVENT_POWER_UP_START], "power-up-start") != 0 ||
        strcmp(ho.event_names[FM_EVENT_SELFTEST], "selftest") != 0)
        bad("fm_event_name: \"%s\" and \"%s\", not monitor.h's \"power-up-start\" and "
            "\"selftest\"", ho.event_names[FM_EVENT_POWER_UP_START],
            ho.event_names[FM_EVENT_SELFTEST]);
    for (i = 0; i < FM_SERVICE_COUNT; i++) {
        n = NULL;
        rc = fm_service_name(i, &n);
        if (rc != FM_OK || is_empty(n) || strlen(n) >= MAX_NAME || strcmp(n, "unknown") == 0)
            bad("fm_service_name(%d) returned %s, \"%s\"", i, err_name(rc), n ? n : "NULL");
        else
            strcpy(ho.service_names[i], n);
        for (k = 0; k < i; k++)
            if (strcmp(ho.service_names[k], ho.service_names[i]) == 0)
                bad("service families %d and %d are both named \"%s\"", k, i,
                    ho.service_names[i]);
    }
    if (strcmp(ho.service_names[FM_SERVICE_AES_GCM], "aes-gcm") != 0)
        bad("fm_service_name(FM_SERVICE_AES_GCM) is \"%s\", not monitor.h's \"aes-gcm\"",
            ho.service_names[FM_SERVICE_AES_GCM]);
}

static int parent(void)
{
    static char out[16384];
    fm_module_status st;
    char what[MAX_NAME + 64], alt[MAX_NAME + 2];
    int before, rc, integrity_skipped = 0;
    size_t i, k;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (getenv("FIPSMOD_BREAK") != NULL) {
        printf("break_tests: FIPSMOD_BREAK is set in the environment; unset it (the driver sets "
               "it for each child)\n");
        return 1;
    }

    before = nbad;
    check_complete();
    snprintf(what, sizeof what, "exports: %zu FM_EXPORT functions in include/fipsmod", nexports);
    parent_check(what, "every one is in the walk", before);

    /* Power up normally and learn the self-tests. */
    before = nbad;
    rc = fm_init(0);
    if (rc != FM_OK)
        bad("fm_init(0) without FIPSMOD_BREAK returned %s", err_name(rc));
    want.error = 0;
    want.failed_test = NULL;
    want.power_up = FM_OK;
    check_state("normal power-up");
    record_start(&rec, "after the normal power-up");
    record_stop(&rec, "after the normal power-up");
    memset(&st, 0, sizeof st);
    if (fm_module_status_get(&st) == FM_OK)
        integrity_skipped = st.integrity_skipped;
    if (fm_selftest_count(&ho.ntests) != FM_OK)
        bad("fm_selftest_count failed");
    if (ho.ntests == 0)
        bad("the library reports no self-test: nothing to break");
    if (ho.ntests > MAX_TESTS) {
        bad("%zu self-tests: raise MAX_TESTS (%d)", ho.ntests, MAX_TESTS);
        ho.ntests = MAX_TESTS;
    }
    for (i = 0; i < ho.ntests; i++) {
        fm_selftest_result r;
        memset(&r, 0, sizeof r);
        rc = fm_selftest_get(i, &r);
        if (rc != FM_OK || r.name == NULL || r.name[0] == '\0' || strlen(r.name) >= MAX_NAME) {
            bad("fm_selftest_get(%zu) returned %s, name %s", i, err_name(rc),
                r.name ? r.name : "NULL");
            ho.ntests = i;
            break;
        }
        strcpy(ho.names[i], r.name);
        if (r.result != FM_SELFTEST_PASS && r.result != FM_SELFTEST_DEFERRED)
            bad("after a normal power-up self-test \"%s\" reports %s", r.name,
                result_name(r.result));
        for (k = 0; k < i; k++)
            if (strcmp(ho.names[k], r.name) == 0)
                bad("two self-tests are named \"%s\": a break by name must hit exactly one",
                    r.name);
    }

    /* The live contexts and expected answers the children use. */
    ho.magic = HANDOFF_MAGIC ^ sizeof ho;
    for (i = 0; i < NUM_ALGS; i++) {
        if (fm_hash_digest_len(algs[i], &ho.dlen[i]) != FM_OK ||
            fm_hash_init(&ho.hash[i], algs[i]) != FM_OK ||
            fm_hash_update(&ho.hash[i], "abc", 3) != FM_OK ||
            fm_hash(algs[i], "abc", 3, ho.digest[i], FM_HASH_MAX_LEN) != FM_OK ||
            fm_hmac_init(&ho.hmac[i], algs[i], hmac_key, sizeof hmac_key) != FM_OK ||
            fm_hmac_update(&ho.hmac[i], "abc", 3) != FM_OK ||
            fm_hmac(algs[i], hmac_key, sizeof hmac_key, "abc", 3, ho.tag[i], ho.dlen[i]) != FM_OK)
            bad("cannot prepare the contexts for alg %d", algs[i]);
    }
    if (fm_aes_init(&ho.aes, aes_key, sizeof aes_key) != FM_OK ||
        fm_aes_ecb_encrypt(&ho.aes, aes_pt, ho.aes_ct, sizeof ho.aes_ct) != FM_OK)
        bad("cannot prepare the AES key");
    if (fm_aes_cmac_init(&ho.cmac, &ho.aes) != FM_OK ||
        fm_aes_cmac_update(&ho.cmac, (const uint8_t *)"abc", 3) != FM_OK ||
        fm_aes_cmac(&ho.aes, (const uint8_t *)"abc", 3, ho.cmac_tag, FM_AES_CMAC_LEN) != FM_OK ||
        fm_aes_kw_wrap(&ho.aes, aes_pt, 32, ho.kw_ct) != FM_OK ||
        fm_aes_kwp_wrap(&ho.aes, aes_pt, 20, ho.kwp_ct) != FM_OK ||
        fm_aes_kw_wrap_inv(&ho.aes, aes_pt, 32, ho.kw_inv_ct) != FM_OK ||
        fm_aes_kwp_wrap_inv(&ho.aes, aes_pt, 20, ho.kwp_inv_ct) != FM_OK)
        bad("cannot prepare the CMAC context and the wrapped keys");
    if (fm_drbg_instantiate_with(&ho.drbg, FM_DRBG_AES256, 0, aes_key, 32, aes_pt, 16, NULL,
                                 0) != FM_OK)
        bad("cannot prepare the DRBG context");
    {
        uint8_t der[2048];
        fm_rsa_components c;

        rsa_components(&c, der, sizeof der);
        if (fm_rsa_key_import(&ho.rsa, &c) != FM_OK ||
            fm_rsa_sign(&ho.rsa, FM_RSA_PKCS1, FM_SHA256, ho.digest[1], 32, 0, ho.rsa_sig, 256) !=
                FM_OK ||
            fm_rsa_oaep_encrypt(&ho.rsa, FM_SHA256, NULL, 0, (const uint8_t *)"abc", 3, ho.rsa_ct,
                                256) != FM_OK)
            bad("cannot prepare the RSA key, signature and ciphertext");
    }
    {
        uint8_t der[FM_EC_DER_MAX_LEN];
        fm_ec_components c;
        size_t len, detlen = 0;

        ec_components(&c, der, sizeof der, &len);
        if (fm_ec_key_import(&ho.ec, c.curve, c.priv, c.priv_len, c.pub, c.pub_len) != FM_OK ||
            fm_ecdsa_sign(&ho.ec, FM_SHA256, ho.digest[1], 32, FM_ECDSA_DER, ho.ec_sig,
                          sizeof ho.ec_sig, &ho.ec_siglen) != FM_OK ||
            fm_ecdsa_sign(&ho.ec, FM_SHA256, ho.digest[1], 32,
                          FM_ECDSA_P1363 | FM_ECDSA_DETERMINISTIC, ho.ec_sig_det,
                          sizeof ho.ec_sig_det, &detlen) != FM_OK ||
            detlen != sizeof ho.ec_sig_det)
            bad("cannot prepare the EC key and signatures");
        fm_wipe(der, sizeof der);
    }
    if (memcmp(ho.kw_ct, ho.kw_inv_ct, sizeof ho.kw_ct) == 0 ||
        memcmp(ho.kwp_ct, ho.kwp_inv_ct, sizeof ho.kwp_ct) == 0)
        bad("the forward and inverse-cipher wraps of the same key are equal");
    if (fm_aes_gcm_init(&ho.gcm, aes_key, sizeof aes_key) != FM_OK ||
        fm_aes_gcm_seal(&ho.gcm, gcm_iv, sizeof gcm_iv, NULL, 0, aes_pt, 32, ho.gcm_ct,
                        ho.gcm_ct + 32, 16) != FM_OK ||
        fm_aes_gcm_start(&ho.gcm_enc, &ho.gcm, FM_AES_GCM_ENCRYPT, gcm_iv, sizeof gcm_iv) != FM_OK ||
        fm_aes_gcm_start(&ho.gcm_dec, &ho.gcm, FM_AES_GCM_DECRYPT, gcm_iv, sizeof gcm_iv) != FM_OK)
        bad("cannot prepare the GCM key and contexts");
    /* The record of the normal power-up (recorded above, once the library had
     * powered up before main), checked now that the test names are known. */
    check_power_up_record(&rec, replayed_prefix(&rec, "power-up record"), ho.ntests, FM_OK);
    prepare_names();
    /* Control: the same walk succeeds while operational. */
    walk_all();
    {
        char names[MAX_TESTS * (MAX_NAME + 2)] = "";
        for (i = 0; i < ho.ntests; i++) {
            strcat(names, i ? ", " : "");
            strcat(names, ho.names[i]);
        }
        snprintf(out, sizeof out, "%zu self-tests (%s); the walk of %zu functions succeeds",
                 ho.ntests, names, WALK_N);
    }
    parent_check("OPERATIONAL", out, before);
    if (ho.ntests == 0) {
        printf("%d passed, %d failed\n", passed, failed);
        return 1;
    }

    /* Break each self-test in turn. */
    for (i = 0; i < ho.ntests; i++) {
        const char *why;
        snprintf(what, sizeof what, "BREAK %s", ho.names[i]);
        if (integrity_skipped && strcmp(ho.names[i], "integrity") == 0) {
            printf("%s -> SKIPPED: this build skips the integrity test (AddressSanitizer)\n",
                   what);
            skipped++;
            continue;
        }
        why = run_child("--child", ho.names[i], out, sizeof out);
        report(what, "error state, services refused", why, out);
    }

    /* The conditional tests. */
    for (i = 0; i < NUM_PCT; i++) {
        const char *why = run_child("--child-pct", pct_names[i], out, sizeof out);

        snprintf(what, sizeof what, "BREAK %s (conditional)", pct_names[i]);
        report(what, "key generation fails, error state, services refused", why, out);
    }

    /* Values that name no self-test break nothing. */
    for (i = 0; i < 2 + 2 * (ho.ntests + NUM_PCT); i++) {
        const char *v, *why;
        if (i == 0) {
            v = "no-such-test";
        } else if (i == 1) {
            v = "";
        } else {
            size_t t = (i - 2) / 2;
            const char *n = t < ho.ntests ? ho.names[t] : pct_names[t - ho.ntests];
            size_t len = strlen(n);
            if ((i - 2) % 2 == 0) {
                if (len < 2)
                    continue;
                snprintf(alt, sizeof alt, "%.*s", (int)(len - 1), n); /* a prefix */
            } else {
                snprintf(alt, sizeof alt, "%.*sx", MAX_NAME - 1, n);  /* an extension */
            }
            v = alt;
        }
        if (is_test_name(v))
            continue;
        for (k = 0; k < NUM_PCT; k++)
            if (strcmp(v, pct_names[k]) == 0)
                break;
        if (k < NUM_PCT)
            continue;
        snprintf(what, sizeof what, "BREAK \"%s\"", v);
        why = run_child("--child-nobreak", v, out, sizeof out);
        report(what, "matches no self-test: operational, services work", why, out);
    }

    if (skipped != 0)
        printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    else
        printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--child") == 0)
        return read_handoff() != 0 ? 1 : child_broken(argv[2]);
    if (argc == 3 && strcmp(argv[1], "--child-pct") == 0)
        return read_handoff() != 0 ? 1 : child_pct(argv[2]);
    if (argc == 3 && strcmp(argv[1], "--child-nobreak") == 0)
        return read_handoff() != 0 ? 1 : child_nobreak(argv[2]);
    if (argc != 1) {
        fprintf(stderr, "usage: %s   (run from the repository root; children are started by "
                        "the driver itself)\n", argv[0]);
        return 2;
    }
    return parent();
}
