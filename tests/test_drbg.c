/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CTR_DRBG (SP 800-90Ar1 10.2) tests for fm_drbg_instantiate_with,
 * fm_drbg_reseed_with, fm_drbg_generate, fm_drbg_generate_pr_with,
 * fm_drbg_instantiate, fm_drbg_reseed, fm_drbg_generate_pr and
 * fm_drbg_uninstantiate. Every test runs once per AES implementation the
 * CPU offers ("portable" bitsliced, "aesni", "vaes"); one the CPU cannot
 * run is a skipped test that prints why.
 *
 *  - CAVP drbgvectors_{no_reseed,pr_false,pr_true}/CTR_DRBG.rsp: every
 *    AES-128/192/256 record with and without the derivation function
 *    (1440 per file); the 3KeyTDEA sections (480 records per file) are
 *    skipped with a printed reason and counted apart. Both counts are
 *    asserted exactly.
 *      no_reseed: instantiate, generate(addl1), generate(addl2)
 *      pr_false:  instantiate, reseed(EntropyInputReseed, AdditionalInputReseed),
 *                 generate(addl1), generate(addl2)
 *      pr_true:   instantiate, generate_pr(EntropyInputPR1, addl1),
 *                 generate_pr(EntropyInputPR2, addl2)
 *    ReturnedBits is the output of the second generate.
 *  - bulk output: 65531 bytes (many 128-block chunks and a partial last
 *    block) then 33 bytes, and a 65536-byte request without the df,
 *    against values from the independent Python model
 *    tests/kat/ctr_drbg_ref.py (SHA-256 of the long outputs);
 *  - short counter fields (FM_DRBG_CTR_LEN 4 and 8, which wrap within the
 *    test) against the same Python model, and the request limits of
 *    Table 3 for ctr_len < 13; invalid ctr_len values;
 *  - bad input: NULL pointers, unknown alg/flags, entropy/nonce/pers/addl
 *    lengths (no df: entropy exactly seedlen, no nonce, pers/addl at most
 *    seedlen), requests over 65536 bytes (FM_ERR_LENGTH), an
 *    uninstantiated, garbage or uninstantiated-again context
 *    (FM_ERR_CONTEXT, context zeroed); outputs zeroed on every failure; a
 *    length error leaves the instance usable and unchanged;
 *  - zeroisation: uninstantiate and failed instantiates leave the context
 *    all zero;
 *  - the service indicator (approved from entropy = security strength and,
 *    with the df, nonce = half of it) and strict mode (a child process):
 *    short entropy refused with FM_ERR_NOT_APPROVED;
 *  - source-fed contexts: distinct instances, reseed and prediction
 *    resistance change the stream, approved, refusals zero the output, a
 *    no-df context cannot be reseeded from the source (FM_ERR_UNSUPPORTED).
 *
 * The reseed interval (2^48 requests, FM_DRBG_RESEED_INTERVAL) cannot be
 * reached in a test and the API exposes no way to set the counter, so the
 * FM_ERR_RESEED path is checked by review only.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fipsmod/drbg.h>
#include <openssl/sha.h>

static tu_suite suite;

static void add_per_impl(CMUnitTestFunction fn, const tu_case *tmpl, const char *label)
{
    tu_case t = *tmpl;

    t.family = FM_FAMILY_AES;
    tu_add_per_impl(&suite, fn, &t, label);
}

static const char *err_name(int rc)
{
    const char *n = "?";

    fm_error_name(rc, &n);
    return n;
}

#define CHECK_RC(call, want)                                                          \
    do {                                                                              \
        int rc_ = (call);                                                             \
        if (rc_ != (want))                                                            \
            fail_msg("%s:%d: %s returned %s, expected %s", __FILE__, __LINE__, #call, \
                     err_name(rc_), err_name(want));                                  \
    } while (0)

/* ---- CAVP ----------------------------------------------------------------------- */

enum { CAVP_NO_RESEED, CAVP_PR_FALSE, CAVP_PR_TRUE };

typedef struct {
    int kind;
    long skip_expect; /* TDES records */
} cavp_info;

static const cavp_info info_no_reseed = { CAVP_NO_RESEED, 480 };
static const cavp_info info_pr_false = { CAVP_PR_FALSE, 480 };
static const cavp_info info_pr_true = { CAVP_PR_TRUE, 480 };

/* The i-th field of the record named `name` (0-based among those), hex-decoded. */
static size_t rec_hex(const tu_rsp *r, const char *name, int nth, uint8_t *out, size_t cap)
{
    int seen = 0;

    for (size_t i = 0; i < r->nfields; i++) {
        if (strcmp(r->fields[i].name, name) != 0)
            continue;
        if (seen++ == nth) {
            size_t n = 0;

            if (tu_hex_decode(r->fields[i].value, out, cap, &n) != 0)
                fail_msg("%s:%lu: bad hex in %s", r->path, r->record_line, name);
            return n;
        }
    }
    fail_msg("%s:%lu: no field %s #%d", r->path, r->record_line, name, nth);
    return 0;
}

static void test_cavp(void **state)
{
    tu_case *c = tu_begin(state);
    const cavp_info *info = c->data;
    char path[512];
    tu_rsp r;
    long done = 0, skipped = 0;
    int rc;

    tu_vector_path(c, path, sizeof path);
    assert_int_equal(tu_rsp_open(&r, path), 0);
    while ((rc = tu_rsp_next(&r)) == 1) {
        const char *sect = r.nparams > 0 ? r.params[0].name : "";
        uint8_t e[64], n[64], p[64], a1[64], a2[64], er[64], ar[64], e1[64], e2[64];
        uint8_t want[64], got[64];
        size_t el, nl, pl, a1l, a2l, erl, arl, e1l = 0, e2l = 0, wl;
        int alg;
        uint32_t flags = 0;
        fm_drbg_ctx d;

        if (strncmp(sect, "AES-128 ", 8) == 0)
            alg = FM_DRBG_AES128;
        else if (strncmp(sect, "AES-192 ", 8) == 0)
            alg = FM_DRBG_AES192;
        else if (strncmp(sect, "AES-256 ", 8) == 0)
            alg = FM_DRBG_AES256;
        else {
            if (skipped == 0)
                printf("SKIP section [%s] and the like: the module has no TDES\n", sect);
            skipped++;
            continue;
        }
        if (strstr(sect, "use df") != NULL)
            flags = 0;
        else if (strstr(sect, "no df") != NULL)
            flags = FM_DRBG_NO_DF;
        else
            fail_msg("%s: unknown section [%s]", path, sect);
        el = rec_hex(&r, "EntropyInput", 0, e, sizeof e);
        nl = rec_hex(&r, "Nonce", 0, n, sizeof n);
        pl = rec_hex(&r, "PersonalizationString", 0, p, sizeof p);
        a1l = rec_hex(&r, "AdditionalInput", 0, a1, sizeof a1);
        a2l = rec_hex(&r, "AdditionalInput", 1, a2, sizeof a2);
        wl = rec_hex(&r, "ReturnedBits", 0, want, sizeof want);
        CHECK_RC(fm_drbg_instantiate_with(&d, alg, flags, e, el, n, nl, p, pl), FM_OK);
        if (info->kind == CAVP_PR_FALSE) {
            erl = rec_hex(&r, "EntropyInputReseed", 0, er, sizeof er);
            arl = rec_hex(&r, "AdditionalInputReseed", 0, ar, sizeof ar);
            CHECK_RC(fm_drbg_reseed_with(&d, er, erl, ar, arl), FM_OK);
        }
        if (info->kind == CAVP_PR_TRUE) {
            e1l = rec_hex(&r, "EntropyInputPR", 0, e1, sizeof e1);
            e2l = rec_hex(&r, "EntropyInputPR", 1, e2, sizeof e2);
            CHECK_RC(fm_drbg_generate_pr_with(&d, e1, e1l, got, wl, a1, a1l), FM_OK);
            CHECK_RC(fm_drbg_generate_pr_with(&d, e2, e2l, got, wl, a2, a2l), FM_OK);
        } else {
            CHECK_RC(fm_drbg_generate(&d, got, wl, a1, a1l), FM_OK);
            CHECK_RC(fm_drbg_generate(&d, got, wl, a2, a2l), FM_OK);
        }
        if (!tu_mem_eq("ReturnedBits", got, want, wl))
            fail_msg("%s:%lu: [%s] wrong ReturnedBits", path, r.record_line, sect);
        CHECK_RC(fm_drbg_uninstantiate(&d), FM_OK);
        done++;
    }
    assert_int_equal(rc, 0);
    tu_rsp_close(&r);
    printf("%ld AES records passed, %ld TDES records skipped on %s\n", done, skipped,
           c->impl.name ? c->impl.name : "default");
    assert_int_equal(done, c->expect);
    assert_int_equal(skipped, info->skip_expect);
}

/* ---- bulk output vs the Python model ------------------------------------------------ */

static void sha256_hex(const uint8_t *p, size_t n, char out[65])
{
    uint8_t h[32];

    SHA256(p, n, h);
    tu_hex_encode(h, 32, out);
}

static void test_bulk(void **state)
{
    tu_case *c = tu_begin(state);
    uint8_t e[32], n[12], *big = malloc(65536 + 1), small[33];
    char hex[67];
    fm_drbg_ctx d;

    (void)c;
    assert_non_null(big);
    for (int i = 0; i < 32; i++)
        e[i] = (uint8_t)i;
    for (int i = 0; i < 12; i++)
        n[i] = (uint8_t)(100 + i);
    /* python3: DRBG(24, True); instantiate(bytes(range(24)), bytes(range(100,112)), b'bulk');
     * generate(65531, b'addl'); generate(33) (tests/kat/ctr_drbg_ref.py) */
    CHECK_RC(fm_drbg_instantiate_with(&d, FM_DRBG_AES192, 0, e, 24, n, 12,
                                      (const uint8_t *)"bulk", 4), FM_OK);
    big[65531] = 0xee;
    CHECK_RC(fm_drbg_generate(&d, big, 65531, (const uint8_t *)"addl", 4), FM_OK);
    assert_int_equal(big[65531], 0xee);
    sha256_hex(big, 65531, hex);
    assert_string_equal(hex, "f81810c01c04a1038424db129dc5e3051d056429abf2e91e0fa3d36eb6302b06");
    CHECK_RC(fm_drbg_generate(&d, small, 33, NULL, 0), FM_OK);
    tu_hex_encode(small, 33, hex);
    assert_string_equal(hex, "e74ff04d9ed8139e349bb947179d7fc93da62e87afa307947f327ed66110e0143e");
    /* python3: DRBG(16, False); instantiate(bytes(range(32)), b'', b'p'); generate(65536) */
    CHECK_RC(fm_drbg_instantiate_with(&d, FM_DRBG_AES128, FM_DRBG_NO_DF, e, 32, NULL, 0,
                                      (const uint8_t *)"p", 1), FM_OK);
    CHECK_RC(fm_drbg_generate(&d, big, 65536, NULL, 0), FM_OK);
    sha256_hex(big, 65536, hex);
    assert_string_equal(hex, "53979c1e5d6f7d01bc1677fe5b7477aeeb6707ad6f5133d8c7d890cb6ee0530d");
    CHECK_RC(fm_drbg_uninstantiate(&d), FM_OK);
    free(big);
}

/* ---- short counter fields -------------------------------------------------------------- */

static void test_ctr_len(void **state)
{
    uint8_t e[32], n[16], *out = malloc(65536 + 1);
    char hex[65];
    fm_drbg_ctx d;
    size_t len;

    (void)tu_begin(state);
    assert_non_null(out);
    for (int i = 0; i < 32; i++)
        e[i] = (uint8_t)i;
    for (int i = 0; i < 16; i++)
        n[i] = (uint8_t)i;
    /* python3 (tests/kat/ctr_drbg_ref.py): g = DRBG(16, False, 4);
     * g.instantiate(bytes(range(32)), b'', b'c4'); g.generate(192) +
     * g.generate(192, b'a') + g.generate(192): SHA-256 of the 576 bytes.
     * The 4-bit field wraps several times (the model's output with a
     * 128-bit counter differs). 192 bytes = (2^4 - 4) blocks, the limit. */
    CHECK_RC(fm_drbg_instantiate_with(&d, FM_DRBG_AES128, FM_DRBG_NO_DF | FM_DRBG_CTR_LEN(4),
                                      e, 32, NULL, 0, (const uint8_t *)"c4", 2), FM_OK);
    CHECK_RC(fm_drbg_generate(&d, out, 192, NULL, 0), FM_OK);
    CHECK_RC(fm_drbg_generate(&d, out + 192, 192, (const uint8_t *)"a", 1), FM_OK);
    CHECK_RC(fm_drbg_generate(&d, out + 384, 192, NULL, 0), FM_OK);
    sha256_hex(out, 576, hex);
    assert_string_equal(hex, "69713cbfe35bb811818adc64b731293b42383c16caffad3e4c486ddee57826e0");
    /* One byte over the limit: FM_ERR_LENGTH, output zeroed. */
    memset(out, 0xaa, 193);
    CHECK_RC(fm_drbg_generate(&d, out, 193, NULL, 0), FM_ERR_LENGTH);
    assert_true(tu_all_zero(out, 193));
    /* python3: g = DRBG(32, True, 8); g.instantiate(bytes(range(32)),
     * bytes(range(16)), b'c8'); g.generate(4032, b'x') + g.generate(17) */
    CHECK_RC(fm_drbg_instantiate_with(&d, FM_DRBG_AES256, FM_DRBG_CTR_LEN(8), e, 32, n, 16,
                                      (const uint8_t *)"c8", 2), FM_OK);
    CHECK_RC(fm_drbg_generate(&d, out, 4032, (const uint8_t *)"x", 1), FM_OK);
    CHECK_RC(fm_drbg_generate(&d, out + 4032, 17, NULL, 0), FM_OK);
    sha256_hex(out, 4049, hex);
    assert_string_equal(hex, "28e45e9bdbc314b4203f7e5e16d46336e83b8062c87b48920788de7ac6ccd55f");
    CHECK_RC(fm_drbg_generate_pr_with(&d, e, 32, out, 4033, NULL, 0), FM_ERR_LENGTH);
    /* The limit for each field length: (2^bits - 4) blocks below 13 bits. */
    for (unsigned bits = 4; bits <= 128; bits++) {
        len = bits < 13 ? (((size_t)1 << bits) - 4) * 16 : FM_DRBG_MAX_REQUEST;
        CHECK_RC(fm_drbg_instantiate_with(&d, FM_DRBG_AES128, FM_DRBG_CTR_LEN(bits), e, 16, n,
                                          8, NULL, 0), FM_OK);
        CHECK_RC(fm_drbg_generate(&d, out, len, NULL, 0), FM_OK);
        CHECK_RC(fm_drbg_generate(&d, out, len + 1, NULL, 0), FM_ERR_LENGTH);
    }
    /* Field lengths outside 4 .. 128 and unknown flag bits. */
    CHECK_RC(fm_drbg_instantiate_with(&d, FM_DRBG_AES128, FM_DRBG_CTR_LEN(3), e, 16, n, 8,
                                      NULL, 0), FM_ERR_ARG);
    assert_true(tu_all_zero(&d, sizeof d));
    CHECK_RC(fm_drbg_instantiate_with(&d, FM_DRBG_AES128, FM_DRBG_CTR_LEN(129), e, 16, n, 8,
                                      NULL, 0), FM_ERR_ARG);
    CHECK_RC(fm_drbg_instantiate_with(&d, FM_DRBG_AES128, 1u << 16, e, 16, n, 8, NULL, 0),
             FM_ERR_ARG);
    CHECK_RC(fm_drbg_uninstantiate(&d), FM_OK);
    free(out);
}

/* ---- bad input ----------------------------------------------------------------------- */

static const uint8_t zeros[128];

/* A fresh AES-256 df instance from fixed inputs. */
static void inst(fm_drbg_ctx *d)
{
    uint8_t e[48];

    memset(e, 0x5a, sizeof e);
    CHECK_RC(fm_drbg_instantiate_with(d, FM_DRBG_AES256, 0, e, 32, e, 16, NULL, 0), FM_OK);
}

static void expect_inst_fail(int want, int alg, uint32_t flags, const uint8_t *e, size_t el,
                             const uint8_t *n, size_t nl, const uint8_t *p, size_t pl)
{
    fm_drbg_ctx d;

    memset(&d, 0xa5, sizeof d);
    CHECK_RC(fm_drbg_instantiate_with(&d, alg, flags, e, el, n, nl, p, pl), want);
    if (!tu_all_zero(&d, sizeof d))
        fail_msg("failed instantiate left the context non-zero");
}

static void test_bad_input(void **state)
{
    tu_case *c = tu_begin(state);
    uint8_t e[64], out[80], ref[80], *big;
    fm_drbg_ctx d, d2;

    (void)c;
    memset(e, 0x11, sizeof e);
    CHECK_RC(fm_drbg_instantiate_with(NULL, FM_DRBG_AES128, 0, e, 16, e, 8, NULL, 0), FM_ERR_ARG);
    expect_inst_fail(FM_ERR_ARG, 0, 0, e, 16, e, 8, NULL, 0);
    expect_inst_fail(FM_ERR_ARG, 4, 0, e, 16, e, 8, NULL, 0);
    expect_inst_fail(FM_ERR_ARG, FM_DRBG_AES128, 2, e, 16, e, 8, NULL, 0);
    expect_inst_fail(FM_ERR_ARG, FM_DRBG_AES128, 0, NULL, 16, e, 8, NULL, 0);
    expect_inst_fail(FM_ERR_ARG, FM_DRBG_AES128, 0, e, 16, NULL, 8, NULL, 0);
    expect_inst_fail(FM_ERR_ARG, FM_DRBG_AES128, 0, e, 16, e, 8, NULL, 3);
    expect_inst_fail(FM_ERR_LENGTH, FM_DRBG_AES128, 0, e, 0, e, 8, NULL, 0);
    expect_inst_fail(FM_ERR_LENGTH, FM_DRBG_AES128, 0, e, FM_DRBG_MAX_INPUT_LEN + 1, e, 8,
                     NULL, 0);
    expect_inst_fail(FM_ERR_LENGTH, FM_DRBG_AES128, 0, e, 16, e, FM_DRBG_MAX_INPUT_LEN + 1,
                     NULL, 0);
    /* No df: entropy exactly seedlen, no nonce, pers at most seedlen. */
    expect_inst_fail(FM_ERR_LENGTH, FM_DRBG_AES128, FM_DRBG_NO_DF, e, 31, NULL, 0, NULL, 0);
    expect_inst_fail(FM_ERR_LENGTH, FM_DRBG_AES128, FM_DRBG_NO_DF, e, 33, NULL, 0, NULL, 0);
    expect_inst_fail(FM_ERR_LENGTH, FM_DRBG_AES256, FM_DRBG_NO_DF, e, 48, e, 1, NULL, 0);
    expect_inst_fail(FM_ERR_LENGTH, FM_DRBG_AES192, FM_DRBG_NO_DF, e, 40, NULL, 0, e, 41);
    CHECK_RC(fm_drbg_instantiate_with(&d, FM_DRBG_AES192, FM_DRBG_NO_DF, e, 40, NULL, 0, e, 40),
             FM_OK);
    CHECK_RC(fm_drbg_reseed_with(&d, e, 39, NULL, 0), FM_ERR_LENGTH);
    CHECK_RC(fm_drbg_reseed_with(&d, e, 40, e, 41), FM_ERR_LENGTH);
    CHECK_RC(fm_drbg_generate(&d, out, 16, e, 41), FM_ERR_LENGTH);
    assert_true(tu_all_zero(out, 16));
    CHECK_RC(fm_drbg_generate(&d, out, 16, e, 40), FM_OK);

    /* A length error changes nothing: d and a copy give the same output. */
    inst(&d);
    d2 = d;
    big = malloc(FM_DRBG_MAX_REQUEST + 1);
    assert_non_null(big);
    memset(big, 0xcc, FM_DRBG_MAX_REQUEST + 1);
    CHECK_RC(fm_drbg_generate(&d, big, FM_DRBG_MAX_REQUEST + 1, NULL, 0), FM_ERR_LENGTH);
    assert_true(tu_all_zero(big, FM_DRBG_MAX_REQUEST + 1));
    memset(big, 0xcc, FM_DRBG_MAX_REQUEST + 1);
    CHECK_RC(fm_drbg_generate_pr_with(&d, e, 32, big, FM_DRBG_MAX_REQUEST + 1, NULL, 0),
             FM_ERR_LENGTH);
    assert_true(tu_all_zero(big, FM_DRBG_MAX_REQUEST + 1));
    CHECK_RC(fm_drbg_reseed_with(&d, e, 0, NULL, 0), FM_ERR_LENGTH);
    CHECK_RC(fm_drbg_reseed_with(&d, NULL, 32, NULL, 0), FM_ERR_ARG);
    CHECK_RC(fm_drbg_reseed_with(&d, e, 32, NULL, 5), FM_ERR_ARG);
    CHECK_RC(fm_drbg_generate(&d, NULL, 16, NULL, 0), FM_ERR_ARG);
    CHECK_RC(fm_drbg_generate(&d, out, 16, NULL, 5), FM_ERR_ARG);
    assert_true(tu_all_zero(out, 16));
    CHECK_RC(fm_drbg_generate(&d, big, FM_DRBG_MAX_REQUEST, NULL, 0), FM_OK);
    CHECK_RC(fm_drbg_generate(&d, out, 64, NULL, 0), FM_OK);
    CHECK_RC(fm_drbg_generate(&d2, big, FM_DRBG_MAX_REQUEST, NULL, 0), FM_OK);
    CHECK_RC(fm_drbg_generate(&d2, ref, 64, NULL, 0), FM_OK);
    assert_memory_equal(out, ref, 64);
    free(big);
    /* Zero-length request: allowed, and it still advances the state. */
    CHECK_RC(fm_drbg_generate(&d, NULL, 0, NULL, 0), FM_OK);

    /* Contexts that are not instantiated. */
    CHECK_RC(fm_drbg_generate(NULL, out, 16, NULL, 0), FM_ERR_ARG);
    CHECK_RC(fm_drbg_reseed_with(NULL, e, 32, NULL, 0), FM_ERR_ARG);
    CHECK_RC(fm_drbg_generate_pr_with(NULL, e, 32, out, 16, NULL, 0), FM_ERR_ARG);
    CHECK_RC(fm_drbg_uninstantiate(NULL), FM_ERR_ARG);
    memset(&d, 0, sizeof d);
    memset(out, 0xcc, sizeof out);
    CHECK_RC(fm_drbg_generate(&d, out, 16, NULL, 0), FM_ERR_CONTEXT);
    assert_true(tu_all_zero(out, 16));
    memset(&d, 0x5a, sizeof d);
    CHECK_RC(fm_drbg_generate(&d, out, 16, NULL, 0), FM_ERR_CONTEXT);
    assert_true(tu_all_zero(&d, sizeof d));
    memset(&d, 0x5a, sizeof d);
    CHECK_RC(fm_drbg_reseed_with(&d, e, 32, NULL, 0), FM_ERR_CONTEXT);
    assert_true(tu_all_zero(&d, sizeof d));
    memset(&d, 0x5a, sizeof d);
    memset(out, 0xcc, sizeof out);
    CHECK_RC(fm_drbg_generate_pr_with(&d, e, 32, out, 16, NULL, 0), FM_ERR_CONTEXT);
    assert_true(tu_all_zero(&d, sizeof d));
    assert_true(tu_all_zero(out, 16));
    inst(&d);
    CHECK_RC(fm_drbg_uninstantiate(&d), FM_OK);
    CHECK_RC(fm_drbg_generate(&d, out, 16, NULL, 0), FM_ERR_CONTEXT);
    CHECK_RC(fm_drbg_reseed_with(&d, e, 32, NULL, 0), FM_ERR_CONTEXT);
    (void)zeros;
}

/* ---- zeroisation ------------------------------------------------------------------------- */

static void test_zeroise(void **state)
{
    tu_case *c = tu_begin(state);
    uint8_t e[48], out[32];
    fm_drbg_ctx d;

    (void)c;
    memset(e, 0x77, sizeof e);
    for (int alg = FM_DRBG_AES128; alg <= FM_DRBG_AES256; alg++) {
        for (uint32_t flags = 0; flags <= FM_DRBG_NO_DF; flags++) {
            size_t sl = 16 + 8 * (size_t)(alg + 1);
            memset(&d, 0xff, sizeof d);
            CHECK_RC(fm_drbg_instantiate_with(&d, alg, flags, e, flags ? sl : 32, e,
                                              flags ? 0 : 16, NULL, 0), FM_OK);
            assert_false(tu_all_zero(&d, sizeof d));
            CHECK_RC(fm_drbg_generate(&d, out, sizeof out, NULL, 0), FM_OK);
            CHECK_RC(fm_drbg_uninstantiate(&d), FM_OK);
            if (!tu_all_zero(&d, sizeof d))
                fail_msg("alg %d flags %u: uninstantiate left non-zero bytes", alg, flags);
        }
    }
}

/* ---- indicator and strict mode ---------------------------------------------------------- */

static int approved(void)
{
    int a = -1;

    assert_int_equal(fm_service_approved(&a), FM_OK);
    return a;
}

static void test_indicator(void **state)
{
    tu_case *c = tu_begin(state);
    uint8_t e[48], out[16];
    fm_drbg_ctx d;
    pid_t pid;
    int status;

    (void)c;
    memset(e, 0x42, sizeof e);
    CHECK_RC(fm_drbg_instantiate_with(&d, FM_DRBG_AES256, 0, e, 32, e, 16, NULL, 0), FM_OK);
    assert_int_equal(approved(), 1);
    CHECK_RC(fm_drbg_generate(&d, out, 16, NULL, 0), FM_OK);
    assert_int_equal(approved(), 1);
    CHECK_RC(fm_drbg_reseed_with(&d, e, 31, NULL, 0), FM_OK);  /* short entropy */
    assert_int_equal(approved(), 0);
    CHECK_RC(fm_drbg_generate(&d, out, 16, NULL, 0), FM_OK);
    assert_int_equal(approved(), 0);
    CHECK_RC(fm_drbg_generate_pr_with(&d, e, 32, out, 16, NULL, 0), FM_OK);
    assert_int_equal(approved(), 1);
    CHECK_RC(fm_drbg_generate(&d, out, 16, NULL, 0), FM_OK);
    assert_int_equal(approved(), 1);
    CHECK_RC(fm_drbg_generate(&d, NULL, FM_DRBG_MAX_REQUEST + 1, NULL, 0), FM_ERR_ARG);
    assert_int_equal(approved(), 0);
    CHECK_RC(fm_drbg_instantiate_with(&d, FM_DRBG_AES128, 0, e, 16, e, 7, NULL, 0), FM_OK);
    assert_int_equal(approved(), 0);                          /* nonce < s/2 */
    CHECK_RC(fm_drbg_instantiate_with(&d, FM_DRBG_AES128, 0, e, 15, e, 8, NULL, 0), FM_OK);
    assert_int_equal(approved(), 0);                          /* entropy < s */
    CHECK_RC(fm_drbg_instantiate_with(&d, FM_DRBG_AES128, FM_DRBG_NO_DF, e, 32, NULL, 0,
                                      NULL, 0), FM_OK);
    assert_int_equal(approved(), 1);
    CHECK_RC(fm_drbg_uninstantiate(&d), FM_OK);

    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int bad = 0;

        bad |= (fm_init(FM_INIT_STRICT) != FM_OK) << 0;
        bad |= (fm_drbg_instantiate_with(&d, FM_DRBG_AES256, 0, e, 31, e, 16, NULL, 0) !=
                FM_ERR_NOT_APPROVED) << 1;
        bad |= !tu_all_zero(&d, sizeof d) << 2;
        bad |= (fm_drbg_instantiate_with(&d, FM_DRBG_AES256, 0, e, 32, e, 16, NULL, 0) !=
                FM_OK) << 3;
        bad |= (fm_drbg_reseed_with(&d, e, 16, NULL, 0) != FM_ERR_NOT_APPROVED) << 4;
        bad |= (fm_drbg_generate_pr_with(&d, e, 16, out, 16, NULL, 0) !=
                FM_ERR_NOT_APPROVED) << 5;
        bad |= (fm_drbg_generate(&d, out, 16, NULL, 0) != FM_OK) << 6;
        _exit(bad);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("strict-mode child: status 0x%x (bit set = check that failed)", status);
    printf("strict mode refuses short entropy with FM_ERR_NOT_APPROVED; on %s\n",
           c->impl.name ? c->impl.name : "default");
}

/* ---- source-fed contexts -------------------------------------------------------------- */

/*
 * fm_drbg_instantiate / fm_drbg_reseed / fm_drbg_generate_pr draw entropy
 * from the module's source: two instances never agree, a reseed and a
 * prediction-resistant request change the stream, outputs are approved,
 * a no-df context cannot be reseeded from the source, and bad arguments
 * are refused with the output zeroed.
 */
static void test_source_fed(void **state)
{
    tu_case *c = tu_begin(state);
    static uint8_t big[FM_DRBG_MAX_REQUEST + 1];
    uint8_t a[64], b[64], e[48];
    fm_drbg_ctx d1, d2;
    long checked = 0;

    (void)c;
    for (int alg = FM_DRBG_AES128; alg <= FM_DRBG_AES256; alg++) {
        CHECK_RC(fm_drbg_instantiate(&d1, alg, (const uint8_t *)"pers", 4), FM_OK);
        assert_int_equal(approved(), 1);
        CHECK_RC(fm_drbg_instantiate(&d2, alg, NULL, 0), FM_OK);
        CHECK_RC(fm_drbg_generate(&d1, a, sizeof a, NULL, 0), FM_OK);
        assert_int_equal(approved(), 1);
        CHECK_RC(fm_drbg_generate(&d2, b, sizeof b, NULL, 0), FM_OK);
        if (memcmp(a, b, sizeof a) == 0 || tu_all_zero(a, sizeof a))
            fail_msg("alg %d: two source-fed instances gave the same output", alg);
        memcpy(b, a, sizeof b);
        CHECK_RC(fm_drbg_reseed(&d1, (const uint8_t *)"addl", 4), FM_OK);
        assert_int_equal(approved(), 1);
        CHECK_RC(fm_drbg_generate(&d1, a, sizeof a, NULL, 0), FM_OK);
        assert_memory_not_equal(a, b, sizeof a);
        memcpy(b, a, sizeof b);
        CHECK_RC(fm_drbg_generate_pr(&d1, a, sizeof a, (const uint8_t *)"x", 1), FM_OK);
        assert_int_equal(approved(), 1);
        assert_memory_not_equal(a, b, sizeof a);
        CHECK_RC(fm_drbg_generate_pr(&d1, a, sizeof a, NULL, 0), FM_OK);

        /* Refusals: out zeroed, the instance still usable. */
        memset(big, 0x5a, FM_DRBG_MAX_REQUEST + 1);
        CHECK_RC(fm_drbg_generate_pr(&d1, big, FM_DRBG_MAX_REQUEST + 1, NULL, 0), FM_ERR_LENGTH);
        assert_true(tu_all_zero(big, FM_DRBG_MAX_REQUEST + 1));
        CHECK_RC(fm_drbg_generate_pr(&d1, NULL, 16, NULL, 0), FM_ERR_ARG);
        CHECK_RC(fm_drbg_reseed(&d1, NULL, 3), FM_ERR_ARG);
        CHECK_RC(fm_drbg_generate(&d1, a, sizeof a, NULL, 0), FM_OK);
        CHECK_RC(fm_drbg_uninstantiate(&d1), FM_OK);
        CHECK_RC(fm_drbg_uninstantiate(&d2), FM_OK);
        checked++;
    }
    CHECK_RC(fm_drbg_instantiate(&d1, 7, NULL, 0), FM_ERR_ARG);
    assert_true(tu_all_zero(&d1, sizeof d1));
    CHECK_RC(fm_drbg_instantiate(NULL, FM_DRBG_AES256, NULL, 0), FM_ERR_ARG);
    CHECK_RC(fm_drbg_instantiate(&d1, FM_DRBG_AES256, NULL, 5), FM_ERR_ARG);
    CHECK_RC(fm_drbg_reseed(&d1, NULL, 0), FM_ERR_CONTEXT);   /* zeroed above */
    memset(a, 0x5a, sizeof a);
    CHECK_RC(fm_drbg_generate_pr(&d1, a, sizeof a, NULL, 0), FM_ERR_CONTEXT);
    assert_true(tu_all_zero(a, sizeof a));
    /* No df: full-entropy seeds only, which the source does not claim. */
    memset(e, 0x33, sizeof e);
    CHECK_RC(fm_drbg_instantiate_with(&d1, FM_DRBG_AES256, FM_DRBG_NO_DF, e, 48, NULL, 0, NULL, 0),
             FM_OK);
    CHECK_RC(fm_drbg_reseed(&d1, NULL, 0), FM_ERR_UNSUPPORTED);
    CHECK_RC(fm_drbg_generate_pr(&d1, a, sizeof a, NULL, 0), FM_ERR_UNSUPPORTED);
    assert_true(tu_all_zero(a, sizeof a));
    CHECK_RC(fm_drbg_uninstantiate(&d1), FM_OK);
    printf("  3 source-fed instances (AES-128/192/256): instantiate, reseed, prediction "
           "resistance, refusals, on %s\n", c->impl.name);
    assert_int_equal(checked, 3);
}

int main(void)
{
    tu_init("test_drbg");
    {
        tu_case t = { .file = "cavp/drbg/drbgvectors_no_reseed/CTR_DRBG.rsp", .expect = 1440,
                      .data = &info_no_reseed };

        add_per_impl(test_cavp, &t, t.file);
        t.file = "cavp/drbg/drbgvectors_pr_false/CTR_DRBG.rsp";
        t.data = &info_pr_false;
        add_per_impl(test_cavp, &t, t.file);
        t.file = "cavp/drbg/drbgvectors_pr_true/CTR_DRBG.rsp";
        t.data = &info_pr_true;
        add_per_impl(test_cavp, &t, t.file);
    }
    {
        tu_case t = { 0 };

        add_per_impl(test_bulk, &t, "bulk output vs the Python model");
        add_per_impl(test_ctr_len, &t, "short counter fields (FM_DRBG_CTR_LEN)");
        add_per_impl(test_bad_input, &t, "bad input, wiping on failure");
        add_per_impl(test_zeroise, &t, "uninstantiate zeroes the context");
        add_per_impl(test_indicator, &t, "service indicator and strict mode");
        add_per_impl(test_source_fed, &t, "contexts fed by the module's entropy source");
    }
    return tu_run(&suite, "test_drbg");
}
