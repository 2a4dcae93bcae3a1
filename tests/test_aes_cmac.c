/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AES-CMAC (SP 800-38B) tests for fm_aes_cmac, fm_aes_cmac_verify and the
 * streaming fm_aes_cmac_init/update/final/wipe. Every test runs once per
 * AES implementation the CPU offers ("portable" bitsliced, "aesni",
 * "vaes"); one the CPU cannot run is a skipped test that prints why.
 *
 *  - SP 800-38B Appendix D examples (= RFC 4493 section 4 for AES-128):
 *    AES-128/192/256, messages of 0, 16, 40 and 64 bytes, hard-coded;
 *  - Wycheproof aes_cmac_test.json: valid tags are produced (one-shot and
 *    streaming) and verify; invalid ones: ModifiedTag must give
 *    FM_ERR_VERIFY, InvalidKeySize keys must be refused by fm_aes_init
 *    with FM_ERR_LENGTH (the file has no "acceptable" case);
 *  - ACVP CMAC-AES-1.0 sample (prompt.json + expectedResults.json): gen
 *    groups give the expected mac, ver groups give testPassed;
 *  - CAVP CMACGenAES*.rsp / CMACVerAES*.rsp when present under
 *    cavp/cmac/ (MANIFEST.md: not taken into shared/vectors, so this test
 *    is skipped and says so);
 *  - OpenSSL EVP_MAC "CMAC" differential: random keys of every size,
 *    messages of 0..700 bytes around block boundaries, every MAC length
 *    1..16, nothing written past maclen;
 *  - streaming at random chunk sizes (0, 1, 15, 16, 17, random) equals
 *    one call, and a context copied by assignment carries on alone;
 *  - bad input: NULL pointers, uninitialised/garbage/wiped key
 *    (FM_ERR_CONTEXT), MAC lengths 0 and 17 (FM_ERR_LENGTH), the MAC
 *    output zeroed on every failure, the context all zero after wipe,
 *    after final and after any failure, and a key wiped between init
 *    and final refused;
 *  - the service indicator: approved from 8-byte MACs up, not below,
 *    and in strict mode (a child process) a short MAC is refused with
 *    FM_ERR_NOT_APPROVED.
 *
 * Every loop asserts the exact number of records or cases it checked. The
 * vector files come from ../shared/vectors (or $FIPSMOD_VECTORS); when the
 * folder is absent those tests are skipped and say why.
 */
#include "testutil.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fipsmod/aes.h>
#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

static tu_suite suite;

static void add_per_impl(CMUnitTestFunction fn, const tu_case *tmpl, const char *label)
{
    tu_case t = *tmpl;

    t.family = FM_FAMILY_AES;
    tu_add_per_impl(&suite, fn, &t, label);
}

/* ---- helpers ------------------------------------------------------------------ */

static const char *err_name(int rc)
{
    const char *n = "?";

    fm_error_name(rc, &n);
    return n;
}

static void init_ok(fm_aes_key *k, const uint8_t *key, size_t klen)
{
    assert_int_equal(fm_aes_init(k, key, klen), FM_OK);
}

/* OpenSSL's full 16-byte CMAC (the oracle). */
static void openssl_cmac(const uint8_t *key, size_t klen, const uint8_t *msg, size_t len,
                         uint8_t out[16])
{
    static const uint8_t nothing[1];
    const char *cipher = klen == 16 ? "AES-128-CBC" : klen == 24 ? "AES-192-CBC" : "AES-256-CBC";
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
    EVP_MAC_CTX *ctx;
    OSSL_PARAM params[2];
    size_t n = 0;

    assert_non_null(mac);
    ctx = EVP_MAC_CTX_new(mac);
    assert_non_null(ctx);
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, (char *)cipher, 0);
    params[1] = OSSL_PARAM_construct_end();
    assert_int_equal(EVP_MAC_init(ctx, key, klen, params), 1);
    assert_int_equal(EVP_MAC_update(ctx, len ? msg : nothing, len), 1);
    assert_int_equal(EVP_MAC_final(ctx, out, &n, 16), 1);
    assert_int_equal(n, 16);
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
}

/* The MAC through init/update/final with the message in three pieces. */
static int cmac_parts(const fm_aes_key *k, const uint8_t *msg, size_t len, uint8_t *mac,
                      size_t maclen)
{
    fm_aes_cmac_ctx ctx;
    size_t cut = len / 3;
    int rc;

    if ((rc = fm_aes_cmac_init(&ctx, k)) != FM_OK)
        return rc;
    if ((rc = fm_aes_cmac_update(&ctx, msg, cut)) != FM_OK ||
        (rc = fm_aes_cmac_update(&ctx, msg + cut, cut)) != FM_OK ||
        (rc = fm_aes_cmac_update(&ctx, msg + 2 * cut, len - 2 * cut)) != FM_OK)
        return rc;
    rc = fm_aes_cmac_final(&ctx, mac, maclen);
    if (!tu_all_zero(&ctx, sizeof ctx))
        fail_msg("fm_aes_cmac_final returned %s and left the context non-zero", err_name(rc));
    return rc;
}

/* MAC of msg under key (klen bytes) three ways (one-shot, in pieces,
 * verify); fails the test with `what` unless each gives `want`. */
static void check_mac(const char *what, const uint8_t *key, size_t klen, const uint8_t *msg,
                      size_t len, const uint8_t *want, size_t maclen)
{
    uint8_t got[FM_AES_CMAC_LEN + 1];
    fm_aes_key k;
    int rc;

    init_ok(&k, key, klen);
    memset(got, 0xee, sizeof got);
    rc = fm_aes_cmac(&k, msg, len, got, maclen);
    if (rc != FM_OK)
        fail_msg("%s: fm_aes_cmac returned %s", what, err_name(rc));
    if (!tu_mem_eq(what, got, want, maclen))
        fail_msg("%s (one-shot)", what);
    if (got[maclen] != 0xee)
        fail_msg("%s: fm_aes_cmac wrote past maclen %zu", what, maclen);
    memset(got, 0, sizeof got);
    rc = cmac_parts(&k, msg, len, got, maclen);
    if (rc != FM_OK)
        fail_msg("%s: streaming returned %s", what, err_name(rc));
    if (!tu_mem_eq(what, got, want, maclen))
        fail_msg("%s (init/update/final)", what);
    rc = fm_aes_cmac_verify(&k, msg, len, want, maclen);
    if (rc != FM_OK)
        fail_msg("%s: fm_aes_cmac_verify returned %s for the right tag", what, err_name(rc));
    assert_int_equal(fm_aes_wipe(&k), FM_OK);
}

static const char *jstr(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static uint8_t *jhex(const char *path, json_t *o, const char *k, size_t *len)
{
    const char *s = jstr(o, k);
    uint8_t *p;

    if (s == NULL)
        fail_msg("%s: a test without a string '%s'", path, k);
    p = tu_hex_alloc(s, len);
    if (p == NULL)
        fail_msg("%s: bad hex in '%s'", path, k);
    return p;
}

static json_t *load_json(const char *path)
{
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);

    if (root == NULL)
        fail_msg("%s:%d: %s", path, err.line, err.text);
    if (!json_is_array(json_object_get(root, "testGroups")))
        fail_msg("%s: no testGroups array", path);
    return root;
}

/* ---- SP 800-38B Appendix D ---------------------------------------------------------- */

static const char sp800_38b_msg[] =
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";

static const struct {
    const char *key;
    const char *mac[4]; /* messages of 0, 16, 40, 64 bytes */
} sp800_38b[] = {
    { "2b7e151628aed2a6abf7158809cf4f3c",
      { "bb1d6929e95937287fa37d129b756746", "070a16b46b4d4144f79bdd9dd04a287c",
        "dfa66747de9ae63030ca32611497c827", "51f0bebf7e3b9d92fc49741779363cfe" } },
    { "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
      { "d17ddf46adaacde531cac483de7a9367", "9e99a7bf31e710900662f65e617c5184",
        "8a1de5be2eb31aad089a82e6ee908b0e", "a1d5df0eed790f794d77589659f39a11" } },
    { "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
      { "028962f61b7bf89efc6b551f4667d983", "28a7023f452e8f82bd4bf28d8c37c35c",
        "aaf3d8f1de5640c232f5b169b9c911e6", "e1992190549f6ed5696a2c056c315410" } },
};

static void test_sp800_38b(void **state)
{
    static const size_t lens[4] = { 0, 16, 40, 64 };
    tu_case *c = tu_begin(state);
    uint8_t msg[64], key[32], want[16];
    size_t n, klen, i, l;
    int checked = 0;

    assert_int_equal(tu_hex_decode(sp800_38b_msg, msg, sizeof msg, &n), 0);
    assert_int_equal(n, 64);
    for (i = 0; i < sizeof sp800_38b / sizeof sp800_38b[0]; i++) {
        assert_int_equal(tu_hex_decode(sp800_38b[i].key, key, sizeof key, &klen), 0);
        for (l = 0; l < 4; l++) {
            char what[128];

            assert_int_equal(tu_hex_decode(sp800_38b[i].mac[l], want, sizeof want, &n), 0);
            snprintf(what, sizeof what, "SP 800-38B D AES-%zu, %zu-byte message, on %s",
                     8 * klen, lens[l], c->impl.name);
            check_mac(what, key, klen, msg, lens[l], want, 16);
            /* Truncations: the leftmost bytes. */
            check_mac(what, key, klen, msg, lens[l], want, 8);
            check_mac(what, key, klen, msg, lens[l], want, 1);
            checked++;
        }
    }
    printf("  %d SP 800-38B Appendix D examples checked on %s\n", checked, c->impl.name);
    assert_int_equal(checked, 12);
}

/* ---- Wycheproof --------------------------------------------------------------------- */

static void test_wycheproof(void **state)
{
    tu_case *c = tu_begin(state);
    long checked = 0, valid = 0, modified = 0, badkey = 0;
    char path[PATH_MAX];
    json_t *root, *groups;
    size_t g, t;

    tu_vector_path(c, path, sizeof path);
    root = load_json(path);
    groups = json_object_get(root, "testGroups");
    for (g = 0; g < json_array_size(groups); g++) {
        json_t *grp = json_array_get(groups, g);
        json_t *tests = json_object_get(grp, "tests");
        json_int_t tagbits = json_integer_value(json_object_get(grp, "tagSize"));

        if (!json_is_array(tests) || tagbits <= 0 || tagbits % 8 != 0 || tagbits > 128)
            fail_msg("%s: group %zu lacks tests or a tagSize of whole bytes", path, g);
        for (t = 0; t < json_array_size(tests); t++) {
            json_t *tc = json_array_get(tests, t);
            json_int_t id = json_integer_value(json_object_get(tc, "tcId"));
            const char *result = jstr(tc, "result");
            json_t *flags = json_object_get(tc, "flags");
            const char *flag = json_string_value(json_array_get(flags, 0));
            uint8_t *key, *msg, *tag;
            size_t keylen, msglen, taglen;
            char what[160];
            fm_aes_key k;
            int rc;

            key = jhex(path, tc, "key", &keylen);
            msg = jhex(path, tc, "msg", &msglen);
            tag = jhex(path, tc, "tag", &taglen);
            if (result == NULL || flag == NULL || json_array_size(flags) != 1)
                fail_msg("%s: tcId %lld: no result or not exactly one flag", path, (long long)id);
            snprintf(what, sizeof what, "%s tcId %lld (%s) on %s", c->file, (long long)id, flag,
                     c->impl.name);
            if (strcmp(result, "valid") == 0) {
                if ((json_int_t)taglen * 8 != tagbits)
                    fail_msg("%s: tag is not tagSize bits", what);
                check_mac(what, key, keylen, msg, msglen, tag, taglen);
                valid++;
            } else if (strcmp(result, "invalid") == 0 && strcmp(flag, "InvalidKeySize") == 0) {
                /* The key is refused before any MAC can be made. */
                rc = fm_aes_init(&k, key, keylen);
                if (rc != FM_ERR_LENGTH)
                    fail_msg("%s: fm_aes_init of a %zu-byte key returned %s, expected "
                             "FM_ERR_LENGTH", what, keylen, err_name(rc));
                if (!tu_all_zero(&k, sizeof k))
                    fail_msg("%s: the refused key is not zeroed", what);
                rc = fm_aes_cmac_verify(&k, msg, msglen, tag, taglen);
                if (rc != FM_ERR_CONTEXT)
                    fail_msg("%s: fm_aes_cmac_verify with the refused key returned %s, "
                             "expected FM_ERR_CONTEXT", what, err_name(rc));
                badkey++;
            } else if (strcmp(result, "invalid") == 0 && strcmp(flag, "ModifiedTag") == 0) {
                init_ok(&k, key, keylen);
                rc = fm_aes_cmac_verify(&k, msg, msglen, tag, taglen);
                if (rc != FM_ERR_VERIFY)
                    fail_msg("%s: fm_aes_cmac_verify returned %s, expected FM_ERR_VERIFY", what,
                             err_name(rc));
                assert_int_equal(fm_aes_wipe(&k), FM_OK);
                modified++;
            } else {
                fail_msg("%s: unexpected result \"%s\" (no \"acceptable\" cases were expected)",
                         what, result);
            }
            free(key);
            free(msg);
            free(tag);
            checked++;
        }
    }
    if (json_integer_value(json_object_get(root, "numberOfTests")) != checked)
        fail_msg("%s: numberOfTests = %lld but %ld tests read", path,
                 (long long)json_integer_value(json_object_get(root, "numberOfTests")), checked);
    json_decref(root);
    printf("  %s: %ld of %ld tests on %s (%ld valid; invalid: %ld ModifiedTag -> FM_ERR_VERIFY, "
           "%ld InvalidKeySize -> fm_aes_init FM_ERR_LENGTH)\n", c->file, checked, c->expect,
           c->impl.name, valid, modified, badkey);
    assert_int_equal(checked, c->expect);
    assert_int_equal(valid, 63);
    assert_int_equal(modified, 243);
    assert_int_equal(badkey, 5);
}

/* ---- ACVP CMAC-AES sample -------------------------------------------------------------- */

/* The expected test of (tgId, tcId) in expectedResults.json. */
static json_t *expected_test(json_t *exp, json_int_t tg, json_int_t tc)
{
    json_t *groups = json_object_get(exp, "testGroups"), *g, *t;
    size_t i, j;

    json_array_foreach(groups, i, g) {
        if (json_integer_value(json_object_get(g, "tgId")) != tg)
            continue;
        json_array_foreach(json_object_get(g, "tests"), j, t)
            if (json_integer_value(json_object_get(t, "tcId")) == tc)
                return t;
    }
    return NULL;
}

static void test_acvp(void **state)
{
    tu_case *c = tu_begin(state);
    char path[PATH_MAX], epath[PATH_MAX + 32];
    long gen = 0, ver_pass = 0, ver_fail = 0;
    json_t *root, *exp, *groups, *grp;
    size_t gi;

    tu_vector_path(c, path, sizeof path);
    snprintf(epath, sizeof epath, "%s", path);
    strcpy(strrchr(epath, '/') + 1, "expectedResults.json");
    root = load_json(path);
    exp = load_json(epath);
    groups = json_object_get(root, "testGroups");
    json_array_foreach(groups, gi, grp) {
        const char *dir = jstr(grp, "direction");
        json_int_t tg = json_integer_value(json_object_get(grp, "tgId"));
        json_int_t macbits = json_integer_value(json_object_get(grp, "macLen"));
        json_int_t msgbits = json_integer_value(json_object_get(grp, "msgLen"));
        json_t *tests = json_object_get(grp, "tests"), *tc;
        size_t ti;

        if (dir == NULL || macbits % 8 != 0 || msgbits % 8 != 0 || macbits > 128 || macbits < 8)
            fail_msg("%s: tgId %lld: unexpected group parameters", path, (long long)tg);
        json_array_foreach(tests, ti, tc) {
            json_int_t id = json_integer_value(json_object_get(tc, "tcId"));
            json_t *want = expected_test(exp, tg, id);
            size_t keylen, msglen, maclen = (size_t)macbits / 8, wl;
            uint8_t *key = jhex(path, tc, "key", &keylen);
            uint8_t *msg = jhex(path, tc, "message", &msglen);
            char what[160];
            fm_aes_key k;
            int rc;

            if (want == NULL)
                fail_msg("%s: tgId %lld tcId %lld has no expected result", epath, (long long)tg,
                         (long long)id);
            if (msglen * 8 != (size_t)msgbits)
                fail_msg("%s: tcId %lld: message is not msgLen bits", path, (long long)id);
            snprintf(what, sizeof what, "ACVP CMAC-AES tgId %lld tcId %lld (%s, AES-%zu, "
                     "macLen %lld) on %s", (long long)tg, (long long)id, dir, 8 * keylen,
                     (long long)macbits, c->impl.name);
            if (strcmp(dir, "gen") == 0) {
                uint8_t *mac = jhex(epath, want, "mac", &wl);

                if (wl != maclen)
                    fail_msg("%s: expected mac is not macLen bits", what);
                check_mac(what, key, keylen, msg, msglen, mac, maclen);
                free(mac);
                gen++;
            } else if (strcmp(dir, "ver") == 0) {
                uint8_t *mac = jhex(path, tc, "mac", &wl);
                json_t *tp = json_object_get(want, "testPassed");

                if (wl != maclen || !json_is_boolean(tp))
                    fail_msg("%s: mac of the wrong length or no testPassed", what);
                init_ok(&k, key, keylen);
                rc = fm_aes_cmac_verify(&k, msg, msglen, mac, maclen);
                if (json_is_true(tp) ? rc != FM_OK : rc != FM_ERR_VERIFY)
                    fail_msg("%s: fm_aes_cmac_verify returned %s, expected testPassed %s", what,
                             err_name(rc), json_is_true(tp) ? "true" : "false");
                assert_int_equal(fm_aes_wipe(&k), FM_OK);
                if (json_is_true(tp))
                    ver_pass++;
                else
                    ver_fail++;
                free(mac);
            } else {
                fail_msg("%s: direction \"%s\"", what, dir);
            }
            free(key);
            free(msg);
        }
    }
    json_decref(root);
    json_decref(exp);
    printf("  ACVP CMAC-AES sample: %ld gen, %ld ver (%ld testPassed true, %ld false) of %ld on "
           "%s\n", gen, ver_pass + ver_fail, ver_pass, ver_fail, c->expect, c->impl.name);
    assert_int_equal(gen + ver_pass + ver_fail, c->expect);
    assert_int_equal(gen, 216);
    assert_int_equal(ver_pass, 405);
    assert_int_equal(ver_fail, 135);
}

/* ---- CAVP CMAC (only when present) --------------------------------------------------- */

static const char *const cavp_files[] = {
    "cavp/cmac/CMACGenAES128.rsp", "cavp/cmac/CMACGenAES192.rsp", "cavp/cmac/CMACGenAES256.rsp",
    "cavp/cmac/CMACVerAES128.rsp", "cavp/cmac/CMACVerAES192.rsp", "cavp/cmac/CMACVerAES256.rsp",
};
#define NCAVP (sizeof cavp_files / sizeof cavp_files[0])

/*
 * CMACGen: Count, Klen, Mlen, Tlen (bytes), Key, Msg (00 when Mlen = 0),
 * Mac. CMACVer: the same plus Result = P or F (followed by a reason).
 */
static void test_cavp(void **state)
{
    tu_case *c = tu_begin(state);
    const char *dir = tu_vectors_dir();
    long checked = 0, files = 0, fails = 0;
    size_t f;

    if (dir == NULL) {
        printf("%s\n", tu_vectors_missing());
        skip();
    }
    for (f = 0; f < NCAVP; f++) {
        char path[PATH_MAX];
        struct stat st;
        tu_rsp r;
        int rc;

        snprintf(path, sizeof path, "%s/%s", dir, cavp_files[f]);
        if (stat(path, &st) != 0)
            continue;
        files++;
        assert_int_equal(tu_rsp_open(&r, path), 0);
        while ((rc = tu_rsp_next(&r)) == 1) {
            const char *mlen_s = tu_rsp_field(&r, "Mlen"), *tlen_s = tu_rsp_field(&r, "Tlen");
            const char *result = tu_rsp_field(&r, "Result");
            uint8_t key[32], msg[70000], mac[16];
            size_t klen = tu_rsp_hex(&r, "Key", key, sizeof key);
            size_t mlen = tu_rsp_hex(&r, "Msg", msg, sizeof msg);
            size_t tlen = tu_rsp_hex(&r, "Mac", mac, sizeof mac);
            char what[200];
            fm_aes_key k;

            if (mlen_s == NULL || tlen_s == NULL || strtoul(tlen_s, NULL, 10) != tlen)
                fail_msg("%s:%lu: record without Mlen/Tlen, or Tlen disagrees with Mac", path,
                         r.record_line);
            mlen = strtoul(mlen_s, NULL, 10); /* Msg = 00 stands for the empty message */
            snprintf(what, sizeof what, "%s line %lu", cavp_files[f], r.record_line);
            if (result == NULL) {
                check_mac(what, key, klen, msg, mlen, mac, tlen);
            } else {
                init_ok(&k, key, klen);
                rc = fm_aes_cmac_verify(&k, msg, mlen, mac, tlen);
                if (result[0] == 'P' ? rc != FM_OK : rc != FM_ERR_VERIFY)
                    fail_msg("%s: fm_aes_cmac_verify returned %s, Result = %s", what,
                             err_name(rc), result);
                fails += result[0] != 'P';
                assert_int_equal(fm_aes_wipe(&k), FM_OK);
            }
            checked++;
        }
        tu_rsp_close(&r);
        assert_int_equal(rc, 0);
    }
    if (files == 0) {
        printf("SKIP CAVP CMAC: no cavp/cmac/CMAC{Gen,Ver}AES*.rsp in %s (MANIFEST.md: the CAVP "
               "CMAC files were not taken into shared/vectors; ACVP CMAC-AES and Wycheproof "
               "cover CMAC)\n", dir);
        skip();
    }
    printf("  CAVP CMAC: %ld records from %ld files (%ld Result = F) on %s\n", checked, files,
           fails, c->impl.name ? c->impl.name : "the default implementation");
    assert_true(checked > 0);
}

/* ---- OpenSSL differential ---------------------------------------------------------- */

#define DIFF_ITERS 1500

static void test_vs_openssl(void **state)
{
    static const size_t klens[3] = { 16, 24, 32 };
    static uint8_t msg[700 + 64];
    tu_case *c = tu_begin(state);
    long checked = 0;
    tu_rng rng;
    int iter;

    tu_rng_init_named(&rng, c->name);
    for (iter = 0; iter < DIFF_ITERS; iter++) {
        size_t klen = klens[iter % 3];
        /* Half the lengths sit on or next to a block boundary. */
        size_t len = iter % 2 ? 16 * tu_rng_below(&rng, 40) + tu_rng_below(&rng, 3)
                              : tu_rng_below(&rng, 701);
        size_t off = tu_rng_below(&rng, 64), maclen = 1 + (size_t)(iter % 16);
        uint8_t key[32], want[16], got[FM_AES_CMAC_LEN + 8];
        char what[128];
        fm_aes_key k;

        if (len > 700)
            len = 700;
        tu_rng_fill(&rng, key, klen);
        tu_rng_fill(&rng, msg + off, len);
        openssl_cmac(key, klen, msg + off, len, want);
        init_ok(&k, key, klen);
        memset(got, 0x5a, sizeof got);
        assert_int_equal(fm_aes_cmac(&k, msg + off, len, got, maclen), FM_OK);
        snprintf(what, sizeof what, "AES-%zu-CMAC of %zu bytes, maclen %zu, on %s", 8 * klen, len,
                 maclen, c->impl.name);
        if (!tu_mem_eq(what, got, want, maclen))
            fail_msg("%s: differs from OpenSSL", what);
        for (size_t i = maclen; i < sizeof got; i++)
            if (got[i] != 0x5a)
                fail_msg("%s: wrote past maclen", what);
        assert_int_equal(fm_aes_cmac_verify(&k, msg + off, len, want, maclen), FM_OK);
        want[tu_rng_below(&rng, maclen)] ^= (uint8_t)(1u << tu_rng_below(&rng, 8));
        if (fm_aes_cmac_verify(&k, msg + off, len, want, maclen) != FM_ERR_VERIFY)
            fail_msg("%s: a tag with one bit flipped verified", what);
        assert_int_equal(fm_aes_wipe(&k), FM_OK);
        checked++;
    }
    printf("  %ld random keys/messages/MAC lengths agree with OpenSSL EVP_MAC CMAC on %s\n",
           checked, c->impl.name);
    assert_int_equal(checked, DIFF_ITERS);
}

/* ---- streaming --------------------------------------------------------------------- */

#define STREAM_ITERS 600

static void test_streaming(void **state)
{
    static uint8_t msg[600];
    tu_case *c = tu_begin(state);
    long checked = 0, pieces = 0;
    tu_rng rng;
    int iter;

    tu_rng_init_named(&rng, c->name);
    for (iter = 0; iter < STREAM_ITERS; iter++) {
        size_t klen = 16 + 8 * (size_t)(iter % 3), len = tu_rng_below(&rng, sizeof msg + 1);
        size_t done = 0;
        uint8_t key[32], want[16], got[16];
        fm_aes_cmac_ctx ctx;
        fm_aes_key k;

        tu_rng_fill(&rng, key, klen);
        tu_rng_fill(&rng, msg, len);
        init_ok(&k, key, klen);
        assert_int_equal(fm_aes_cmac(&k, msg, len, want, 16), FM_OK);
        assert_int_equal(fm_aes_cmac_init(&ctx, &k), FM_OK);
        while (done < len) {
            size_t n;

            switch (tu_rng_below(&rng, 7)) {
            case 0: n = 0; break;
            case 1: n = 1; break;
            case 2: n = 15; break;
            case 3: n = 16; break;
            case 4: n = 17; break;
            case 5: n = 32; break;
            default: n = tu_rng_below(&rng, len - done + 1); break;
            }
            if (n > len - done)
                n = len - done;
            assert_int_equal(fm_aes_cmac_update(&ctx, n ? msg + done : NULL, n), FM_OK);
            done += n;
            pieces++;
        }
        if (tu_rng_below(&rng, 2)) /* a trailing empty update changes nothing */
            assert_int_equal(fm_aes_cmac_update(&ctx, NULL, 0), FM_OK);
        assert_int_equal(fm_aes_cmac_final(&ctx, got, 16), FM_OK);
        if (!tu_mem_eq("CMAC in random pieces", got, want, 16))
            fail_msg("AES-%zu-CMAC of %zu bytes in pieces differs from one call on %s", 8 * klen,
                     len, c->impl.name);
        if (!tu_all_zero(&ctx, sizeof ctx))
            fail_msg("the context is not all zero after fm_aes_cmac_final");
        assert_int_equal(fm_aes_wipe(&k), FM_OK);
        checked++;
    }
    printf("  %ld messages in %ld random pieces (0, 1, 15, 16, 17, 32 or random bytes) equal "
           "one call on %s\n", checked, pieces, c->impl.name);
    assert_int_equal(checked, STREAM_ITERS);
}

/* A context copied by assignment after a prefix finishes on its own. */
static void test_copied_context(void **state)
{
    static uint8_t msg[200];
    tu_case *c = tu_begin(state);
    long checked = 0;
    tu_rng rng;
    size_t cut;

    tu_rng_init_named(&rng, c->name);
    tu_rng_fill(&rng, msg, sizeof msg);
    for (cut = 0; cut <= 48; cut++) {
        uint8_t key[16], w1[16], w2[16], a[16], b[16];
        size_t l2 = sizeof msg - 7;
        fm_aes_cmac_ctx ctx, copy;
        fm_aes_key k;

        tu_rng_fill(&rng, key, sizeof key);
        init_ok(&k, key, sizeof key);
        assert_int_equal(fm_aes_cmac(&k, msg, sizeof msg, w1, 16), FM_OK);
        assert_int_equal(fm_aes_cmac(&k, msg, l2, w2, 16), FM_OK);
        assert_int_equal(fm_aes_cmac_init(&ctx, &k), FM_OK);
        assert_int_equal(fm_aes_cmac_update(&ctx, msg, cut), FM_OK);
        copy = ctx;
        assert_int_equal(fm_aes_cmac_update(&ctx, msg + cut, sizeof msg - cut), FM_OK);
        assert_int_equal(fm_aes_cmac_update(&copy, msg + cut, l2 - cut), FM_OK);
        assert_int_equal(fm_aes_cmac_final(&ctx, a, 16), FM_OK);
        assert_int_equal(fm_aes_cmac_final(&copy, b, 16), FM_OK);
        if (!tu_mem_eq("original context", a, w1, 16) || !tu_mem_eq("copied context", b, w2, 16))
            fail_msg("a context copied after %zu bytes on %s", cut, c->impl.name);
        assert_int_equal(fm_aes_wipe(&k), FM_OK);
        checked++;
    }
    printf("  %ld contexts copied after 0..48 bytes finish their own messages on %s\n", checked,
           c->impl.name);
    assert_int_equal(checked, 49);
}

/* ---- bad input ---------------------------------------------------------------------- */

/* The call failed with `want` and left out[0..n) zero (out may be NULL). */
static void expect_fail(const char *what, int rc, int want, const uint8_t *out, size_t n)
{
    if (rc != want)
        fail_msg("%s: returned %d %s, expected %s", what, rc, err_name(rc), err_name(want));
    if (out != NULL && !tu_all_zero(out, n)) {
        tu_hex_print("  out: ", out, n);
        fail_msg("%s: failed but left output bytes non-zero", what);
    }
}

static void expect_ctx_zero(const char *what, const fm_aes_cmac_ctx *ctx)
{
    if (!tu_all_zero(ctx, sizeof *ctx))
        fail_msg("%s: the context is not all zero", what);
}

static void test_bad_input(void **state)
{
    tu_case *c = tu_begin(state);
    uint8_t key[32], msg[64], mac[32], good[16];
    fm_aes_cmac_ctx ctx;
    fm_aes_key k, bad;
    long checked = 0;

    memset(key, 0x11, sizeof key);
    memset(msg, 0x22, sizeof msg);
    init_ok(&k, key, 16);
    assert_int_equal(fm_aes_cmac(&k, msg, sizeof msg, good, 16), FM_OK);

    /* One-shot: NULL pointers. */
    memset(mac, 0x5a, sizeof mac);
    expect_fail("fm_aes_cmac(NULL key)", fm_aes_cmac(NULL, msg, 16, mac, 16), FM_ERR_ARG, mac, 16);
    memset(mac, 0x5a, sizeof mac);
    expect_fail("fm_aes_cmac(NULL msg, len 16)", fm_aes_cmac(&k, NULL, 16, mac, 16), FM_ERR_ARG,
                mac, 16);
    expect_fail("fm_aes_cmac(NULL mac)", fm_aes_cmac(&k, msg, 16, NULL, 16), FM_ERR_ARG, NULL, 0);
    assert_int_equal(fm_aes_cmac(&k, NULL, 0, mac, 16), FM_OK); /* empty message */
    expect_fail("fm_aes_cmac_verify(NULL mac)", fm_aes_cmac_verify(&k, msg, 16, NULL, 16),
                FM_ERR_ARG, NULL, 0);
    expect_fail("fm_aes_cmac_verify(NULL key)", fm_aes_cmac_verify(NULL, msg, 16, good, 16),
                FM_ERR_ARG, NULL, 0);
    expect_fail("fm_aes_cmac_verify(NULL msg)", fm_aes_cmac_verify(&k, NULL, 16, good, 16),
                FM_ERR_ARG, NULL, 0);
    checked += 7;

    /* MAC lengths 0 and 17: FM_ERR_LENGTH, mac zeroed (over maclen), not past it. */
    memset(mac, 0x5a, sizeof mac);
    expect_fail("fm_aes_cmac(maclen 0)", fm_aes_cmac(&k, msg, 16, mac, 0), FM_ERR_LENGTH, mac, 0);
    assert_int_equal(mac[0], 0x5a);
    memset(mac, 0x5a, sizeof mac);
    expect_fail("fm_aes_cmac(maclen 17)", fm_aes_cmac(&k, msg, 16, mac, 17), FM_ERR_LENGTH, mac,
                17);
    assert_int_equal(mac[17], 0x5a);
    expect_fail("fm_aes_cmac_verify(maclen 0)", fm_aes_cmac_verify(&k, msg, 16, good, 0),
                FM_ERR_LENGTH, NULL, 0);
    expect_fail("fm_aes_cmac_verify(maclen 17)", fm_aes_cmac_verify(&k, msg, 16, mac, 17),
                FM_ERR_LENGTH, NULL, 0);
    checked += 4;

    /* Uninitialised (zero, garbage) and wiped keys. */
    memset(&bad, 0, sizeof bad);
    memset(mac, 0x5a, sizeof mac);
    expect_fail("fm_aes_cmac(all-zero key)", fm_aes_cmac(&bad, msg, 16, mac, 16), FM_ERR_CONTEXT,
                mac, 16);
    memset(&bad, 0xa5, sizeof bad);
    memset(mac, 0x5a, sizeof mac);
    expect_fail("fm_aes_cmac(garbage key)", fm_aes_cmac(&bad, msg, 16, mac, 16), FM_ERR_CONTEXT,
                mac, 16);
    expect_fail("fm_aes_cmac_verify(garbage key)", fm_aes_cmac_verify(&bad, msg, 16, good, 16),
                FM_ERR_CONTEXT, NULL, 0);
    memset(&ctx, 0x77, sizeof ctx);
    expect_fail("fm_aes_cmac_init(garbage key)", fm_aes_cmac_init(&ctx, &bad), FM_ERR_CONTEXT,
                NULL, 0);
    expect_ctx_zero("fm_aes_cmac_init(garbage key)", &ctx);
    memset(&ctx, 0x77, sizeof ctx);
    expect_fail("fm_aes_cmac_init(NULL key)", fm_aes_cmac_init(&ctx, NULL), FM_ERR_ARG, NULL, 0);
    expect_ctx_zero("fm_aes_cmac_init(NULL key)", &ctx);
    expect_fail("fm_aes_cmac_init(NULL ctx)", fm_aes_cmac_init(NULL, &k), FM_ERR_ARG, NULL, 0);
    checked += 6;

    /* Streaming on contexts that are not live. */
    memset(&ctx, 0, sizeof ctx);
    expect_fail("fm_aes_cmac_update(never initialised)", fm_aes_cmac_update(&ctx, msg, 16),
                FM_ERR_CONTEXT, NULL, 0);
    memset(mac, 0x5a, sizeof mac);
    expect_fail("fm_aes_cmac_final(never initialised)", fm_aes_cmac_final(&ctx, mac, 16),
                FM_ERR_CONTEXT, mac, 16);
    assert_int_equal(fm_aes_cmac_init(&ctx, &k), FM_OK);
    assert_int_equal(fm_aes_cmac_update(&ctx, msg, 20), FM_OK);
    assert_int_equal(fm_aes_cmac_wipe(&ctx), FM_OK);
    expect_ctx_zero("fm_aes_cmac_wipe", &ctx);
    expect_fail("fm_aes_cmac_update(wiped)", fm_aes_cmac_update(&ctx, msg, 16), FM_ERR_CONTEXT,
                NULL, 0);
    assert_int_equal(fm_aes_cmac_init(&ctx, &k), FM_OK);
    assert_int_equal(fm_aes_cmac_final(&ctx, mac, 16), FM_OK);
    expect_ctx_zero("fm_aes_cmac_final", &ctx);
    expect_fail("fm_aes_cmac_update(finished)", fm_aes_cmac_update(&ctx, msg, 16),
                FM_ERR_CONTEXT, NULL, 0);
    memset(mac, 0x5a, sizeof mac);
    expect_fail("fm_aes_cmac_final(finished)", fm_aes_cmac_final(&ctx, mac, 16), FM_ERR_CONTEXT,
                mac, 16);
    expect_fail("fm_aes_cmac_wipe(NULL)", fm_aes_cmac_wipe(NULL), FM_ERR_ARG, NULL, 0);
    expect_fail("fm_aes_cmac_update(NULL)", fm_aes_cmac_update(NULL, msg, 16), FM_ERR_ARG, NULL,
                0);
    checked += 8;

    /* Any failure on a live context wipes it. */
    assert_int_equal(fm_aes_cmac_init(&ctx, &k), FM_OK);
    expect_fail("fm_aes_cmac_update(NULL msg)", fm_aes_cmac_update(&ctx, NULL, 5), FM_ERR_ARG,
                NULL, 0);
    expect_ctx_zero("fm_aes_cmac_update(NULL msg)", &ctx);
    assert_int_equal(fm_aes_cmac_init(&ctx, &k), FM_OK);
    assert_int_equal(fm_aes_cmac_update(&ctx, msg, 33), FM_OK);
    memset(mac, 0x5a, sizeof mac);
    expect_fail("fm_aes_cmac_final(maclen 17)", fm_aes_cmac_final(&ctx, mac, 17), FM_ERR_LENGTH,
                mac, 17);
    expect_ctx_zero("fm_aes_cmac_final(maclen 17)", &ctx);
    assert_int_equal(fm_aes_cmac_init(&ctx, &k), FM_OK);
    expect_fail("fm_aes_cmac_final(NULL mac)", fm_aes_cmac_final(&ctx, NULL, 16), FM_ERR_ARG,
                NULL, 0);
    expect_ctx_zero("fm_aes_cmac_final(NULL mac)", &ctx);
    memset(mac, 0x5a, sizeof mac);
    expect_fail("fm_aes_cmac_final(NULL ctx)", fm_aes_cmac_final(NULL, mac, 16), FM_ERR_ARG, mac,
                16);
    checked += 4;

    /* The key wiped between init and final: refused, not a MAC under zeros. */
    {
        fm_aes_key k2;

        init_ok(&k2, key, 32);
        assert_int_equal(fm_aes_cmac_init(&ctx, &k2), FM_OK);
        assert_int_equal(fm_aes_cmac_update(&ctx, msg, 40), FM_OK);
        assert_int_equal(fm_aes_wipe(&k2), FM_OK);
        expect_fail("fm_aes_cmac_update after fm_aes_wipe of its key",
                    fm_aes_cmac_update(&ctx, msg, 8), FM_ERR_CONTEXT, NULL, 0);
        expect_ctx_zero("fm_aes_cmac_update after fm_aes_wipe of its key", &ctx);
        init_ok(&k2, key, 32);
        assert_int_equal(fm_aes_cmac_init(&ctx, &k2), FM_OK);
        assert_int_equal(fm_aes_wipe(&k2), FM_OK);
        memset(mac, 0x5a, sizeof mac);
        expect_fail("fm_aes_cmac_final after fm_aes_wipe of its key",
                    fm_aes_cmac_final(&ctx, mac, 16), FM_ERR_CONTEXT, mac, 16);
        expect_ctx_zero("fm_aes_cmac_final after fm_aes_wipe of its key", &ctx);
        checked += 2;
    }

    /* The key is only read: the MAC under it is unchanged after all this. */
    assert_int_equal(fm_aes_cmac(&k, msg, sizeof msg, mac, 16), FM_OK);
    assert_true(tu_mem_eq("MAC after the failures", mac, good, 16));
    assert_int_equal(fm_aes_wipe(&k), FM_OK);
    printf("  %ld bad-input cases checked on %s\n", checked, c->impl.name);
    assert_int_equal(checked, 31);
}

/* ---- service indicator and strict mode --------------------------------------------------- */

static int approved_now(void)
{
    int a = -1;

    assert_int_equal(fm_service_approved(&a), FM_OK);
    return a;
}

static void test_indicator(void **state)
{
    tu_case *c = tu_begin(state);
    uint8_t key[16] = { 1 }, msg[40] = { 2 }, mac[16];
    fm_aes_cmac_ctx ctx;
    fm_aes_key k;
    size_t maclen;
    int status = -1;
    pid_t pid;

    init_ok(&k, key, sizeof key);
    for (maclen = 1; maclen <= 16; maclen++) {
        int want = maclen >= 8;

        assert_int_equal(fm_aes_cmac(&k, msg, sizeof msg, mac, maclen), FM_OK);
        if (approved_now() != want)
            fail_msg("fm_aes_cmac with maclen %zu: indicator %d, want %d", maclen, !want, want);
        assert_int_equal(fm_aes_cmac_verify(&k, msg, sizeof msg, mac, maclen), FM_OK);
        if (approved_now() != want)
            fail_msg("fm_aes_cmac_verify with maclen %zu: indicator %d, want %d", maclen, !want,
                     want);
        assert_int_equal(fm_aes_cmac_init(&ctx, &k), FM_OK);
        assert_int_equal(approved_now(), 1);
        assert_int_equal(fm_aes_cmac_update(&ctx, msg, sizeof msg), FM_OK);
        assert_int_equal(approved_now(), 1);
        assert_int_equal(fm_aes_cmac_final(&ctx, mac, maclen), FM_OK);
        if (approved_now() != want)
            fail_msg("fm_aes_cmac_final with maclen %zu: indicator %d, want %d", maclen, !want,
                     want);
    }
    /* A failure is never approved. */
    mac[0] ^= 1;
    assert_int_equal(fm_aes_cmac_verify(&k, msg, sizeof msg, mac, 16), FM_ERR_VERIFY);
    assert_int_equal(approved_now(), 0);
    assert_int_equal(fm_aes_cmac(&k, msg, sizeof msg, mac, 17), FM_ERR_LENGTH);
    assert_int_equal(approved_now(), 0);

    /* Strict mode in a child process (it cannot be turned off again). */
    fflush(stdout);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int bad = 0;

        bad |= fm_init(FM_INIT_STRICT) != FM_OK;
        bad |= (fm_aes_cmac(&k, msg, sizeof msg, mac, 7) != FM_ERR_NOT_APPROVED) << 1;
        bad |= !tu_all_zero(mac, 7) << 2;
        bad |= (fm_aes_cmac_verify(&k, msg, sizeof msg, mac, 4) != FM_ERR_NOT_APPROVED) << 3;
        bad |= (fm_aes_cmac(&k, msg, sizeof msg, mac, 8) != FM_OK) << 4;
        bad |= (fm_aes_cmac_init(&ctx, &k) != FM_OK) << 5;
        bad |= (fm_aes_cmac_final(&ctx, mac, 4) != FM_ERR_NOT_APPROVED) << 6;
        bad |= !tu_all_zero(&ctx, sizeof ctx) << 7;
        _exit(bad);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("strict-mode child: status 0x%x (bit set = check that failed: 1 init, 2 short "
                 "MAC allowed, 4 not zeroed, 8 verify allowed, 16 8-byte MAC refused, 32 init, "
                 "64 short final allowed, 128 context kept)", (unsigned)status);
    assert_int_equal(fm_aes_wipe(&k), FM_OK);
    printf("  indicator: approved for MAC lengths 8..16, not 1..7 (one-shot, verify, final); "
           "strict mode refuses 1..7 with FM_ERR_NOT_APPROVED; on %s\n", c->impl.name);
}

/* ---- main --------------------------------------------------------------------------- */

int main(void)
{
    tu_init("test_aes_cmac");
    {
        tu_case t = { .family = FM_FAMILY_AES };

        add_per_impl(test_sp800_38b, &t, "SP 800-38B Appendix D examples");
    }
    {
        tu_case t = { .file = "wycheproof/aes_cmac_test.json", .expect = 311 };

        add_per_impl(test_wycheproof, &t, t.file);
    }
    {
        tu_case t = { .file = "acvp/CMAC-AES-1.0/prompt.json", .expect = 756 };

        add_per_impl(test_acvp, &t, "ACVP CMAC-AES-1.0 sample (prompt + expectedResults)");
    }
    {
        tu_case t = { 0 };

        /* Once, on the default implementation: the files are not shipped. */
        tu_add(&suite, test_cavp, &t, "CAVP cavp/cmac/CMAC{Gen,Ver}AES*.rsp (if present)");
        t.family = FM_FAMILY_AES;
        add_per_impl(test_vs_openssl, &t, "differential vs OpenSSL EVP_MAC CMAC");
        add_per_impl(test_streaming, &t, "streaming: random pieces equal one call");
        add_per_impl(test_copied_context, &t, "context copied by assignment");
        add_per_impl(test_bad_input, &t, "bad input, wiping on failure");
        add_per_impl(test_indicator, &t, "service indicator and strict mode");
    }
    return tu_run(&suite, "test_aes_cmac");
}
