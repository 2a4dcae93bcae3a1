/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AES key wrap (SP 800-38F) tests for fm_aes_kw_wrap/unwrap (KW, section
 * 6.2) and fm_aes_kwp_wrap/unwrap (KWP, section 6.3), and for their
 * inverse-cipher twins fm_aes_kw{,p}_{wrap,unwrap}_inv (section 5.1: the
 * inverse cipher as the designated cipher function). Every test that
 * depends on the implementation runs once per AES implementation the CPU
 * offers ("portable" bitsliced, "aesni", "vaes"); one the CPU cannot run
 * is a skipped test that prints why.
 *
 *  - RFC 3394 section 4 (KW, six KEK/key-data pairs) and RFC 5649
 *    section 6 (KWP, 20- and 7-byte keys), hard-coded, both directions;
 *  - Wycheproof aes_wrap_test.json and aes_kwp_test.json, every test with
 *    the exact error code (see wycheproof_one below): valid ones wrap to
 *    ct and unwrap to msg; a msg of a length the standard cannot wrap
 *    gives FM_ERR_LENGTH from wrap; a ct of a length no wrap can produce
 *    gives FM_ERR_LENGTH from unwrap; any other invalid ct (ModifiedIv,
 *    ModifiedPadding) gives FM_ERR_VERIFY with out zeroed, while wrapping
 *    its msg gives a different ct. The three "acceptable" KW cases
 *    (ShortKey: RFC 3394's one-block wrap of an 8-byte key, which
 *    SP 800-38F does not define) are rejected as FM_ERR_LENGTH both ways;
 *  - ACVP-AES-KW-1.0 and ACVP-AES-KWP-1.0 samples (prompt.json +
 *    expectedResults.json): every test (encrypt -> ct, decrypt -> pt or
 *    testPassed false = FM_ERR_VERIFY), kwCipher "cipher" groups with the
 *    forward-cipher functions, "inverse" groups (CIPH_K^-1 as the
 *    designated cipher function, SP 800-38F 5.1) with the _inv ones;
 *  - CAVP KW_AE/KW_AD/KWP_AE/KWP_AD_{128,192,256}.txt when present under
 *    cavp/kw/ (MANIFEST.md: not taken into shared/vectors, so this test
 *    is skipped and says so);
 *  - OpenSSL EVP_aes_*_wrap / EVP_aes_*_wrap_pad (with
 *    EVP_CIPHER_CTX_FLAG_WRAP_ALLOW): random KEKs and key data, KW 16..400
 *    bytes, KWP 1..400 bytes, both directions, nothing written past the
 *    output, and a random bit flip in a wrapped key refused with out
 *    zeroed;
 *  - the inverse-cipher variant (OpenSSL has none) against a reference
 *    KW-AE/KWP-AE written here from SP 800-38F over OpenSSL's raw AES
 *    (EVP aes-*-ecb, the decrypt direction as CIPH_K), itself checked in
 *    its forward form against EVP_aes_*_wrap{,_pad}: every KW length
 *    16..520 and KWP length 1..300 under each KEK size, wrap equal to the
 *    reference, unwrap of the reference giving the key back, forward and
 *    inverse wraps different and refused (FM_ERR_VERIFY) by the other
 *    variant's unwrap, a flipped bit refused with out zeroed;
 *  - crafted KWP ciphertexts, for each variant, made with a reference W
 *    written here from SP 800-38F Algorithm 1 (the rotating form, over
 *    fm_aes_ecb_encrypt, or fm_aes_ecb_decrypt for the inverse cipher):
 *    every MLI from 0 to 8(n-1)+9 for n = 2..5 semiblocks, a non-zero byte
 *    at each padding position, a wrong ICV2 byte and MLIs with high bits
 *    set; exactly those with 8(n-2) < MLI <= 8(n-1), zero padding and
 *    ICV2 unwrap. For KW, each of the 64 bits of ICV1 flipped;
 *  - bad input: NULL pointers, uninitialised/garbage/wiped KEK
 *    (FM_ERR_CONTEXT), lengths off by one around every limit and lengths
 *    beyond the SP 800-38F maxima (FM_ERR_LENGTH, out zeroed over its
 *    contract length and never past it, nothing written for impossible
 *    lengths), overlapping in and out (FM_ERR_ARG); for each variant;
 *  - the service indicator: approved after each successful service of
 *    either variant, not after a failure.
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

#include <fipsmod/aes.h>
#include <jansson.h>
#include <openssl/evp.h>

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

static uint8_t *xmalloc(size_t n)
{
    uint8_t *p = malloc(n ? n : 1);

    assert_non_null(p);
    return p;
}

/*
 * KW / KWP through one signature: unwrap sets *outlen (KW: len - 8). inv
 * selects the inverse-cipher variant (SP 800-38F 5.1, the _inv
 * functions); wrap and unwrap are the forward-cipher ones.
 */
static int wrap_v(bool pad, bool inv, const fm_aes_key *k, const uint8_t *in, size_t len,
                  uint8_t *out)
{
    if (inv)
        return pad ? fm_aes_kwp_wrap_inv(k, in, len, out) : fm_aes_kw_wrap_inv(k, in, len, out);
    return pad ? fm_aes_kwp_wrap(k, in, len, out) : fm_aes_kw_wrap(k, in, len, out);
}

static int unwrap_v(bool pad, bool inv, const fm_aes_key *k, const uint8_t *in, size_t len,
                    uint8_t *out, size_t *outlen)
{
    int rc;

    if (pad)
        return inv ? fm_aes_kwp_unwrap_inv(k, in, len, out, outlen)
                   : fm_aes_kwp_unwrap(k, in, len, out, outlen);
    rc = inv ? fm_aes_kw_unwrap_inv(k, in, len, out) : fm_aes_kw_unwrap(k, in, len, out);
    *outlen = rc == FM_OK ? len - 8 : 0;
    return rc;
}

static int wrap(bool pad, const fm_aes_key *k, const uint8_t *in, size_t len, uint8_t *out)
{
    return wrap_v(pad, false, k, in, len, out);
}

static int unwrap(bool pad, const fm_aes_key *k, const uint8_t *in, size_t len, uint8_t *out,
                  size_t *outlen)
{
    return unwrap_v(pad, false, k, in, len, out, outlen);
}

/* The variant a registered case runs: its data points to true for the
 * inverse cipher (tests whose data means something else never ask). */
static const bool inverse_variant = true;

static bool case_inv(const tu_case *c)
{
    return c->data != NULL && *(const bool *)c->data;
}

static const char *variant_name(bool inv)
{
    return inv ? "inverse cipher" : "forward cipher";
}

/* Output bytes a wrap of len bytes produces. */
static size_t wrapped_len(bool pad, size_t len)
{
    return pad ? FM_AES_KWP_WRAPPED_LEN(len) : len + 8;
}

/* Output room an unwrap of len bytes needs. */
static size_t unwrap_room(size_t len)
{
    return len >= 8 ? len - 8 : 0;
}

/* Lengths the standard accepts (section 5.3.1, the module's limits). */
static bool wrap_len_ok(bool pad, size_t len)
{
    return pad ? len >= 1 : len >= 16 && len % 8 == 0;
}

static bool unwrap_len_ok(bool pad, size_t len)
{
    return pad ? len >= 16 && len % 8 == 0 : len >= 24 && len % 8 == 0;
}

/*
 * Wrap `in` and check it gives `ct`, then unwrap `ct` and check it gives
 * `in`; outputs are checked for writes past their end (a 0xee guard).
 * inv: with the inverse-cipher variant.
 */
static void check_pair_v(const char *what, bool pad, bool inv, const uint8_t *kek,
                         size_t keklen, const uint8_t *in, size_t len, const uint8_t *ct,
                         size_t ctlen)
{
    size_t wl = wrapped_len(pad, len), outlen = SIZE_MAX;
    uint8_t *got = xmalloc(wl + 16);
    fm_aes_key k;
    int rc;

    init_ok(&k, kek, keklen);
    if (wl != ctlen)
        fail_msg("%s: a %zu-byte key wraps to %zu bytes, the vector has %zu", what, len, wl,
                 ctlen);
    memset(got, 0xee, wl + 16);
    rc = wrap_v(pad, inv, &k, in, len, got);
    if (rc != FM_OK)
        fail_msg("%s: wrap returned %s", what, err_name(rc));
    if (!tu_mem_eq(what, got, ct, ctlen))
        fail_msg("%s: wrap", what);
    if (got[wl] != 0xee)
        fail_msg("%s: wrap wrote past %zu bytes", what, wl);
    memset(got, 0xee, wl + 16);
    rc = unwrap_v(pad, inv, &k, ct, ctlen, got, &outlen);
    if (rc != FM_OK)
        fail_msg("%s: unwrap returned %s", what, err_name(rc));
    if (outlen != len || !tu_mem_eq(what, got, in, len))
        fail_msg("%s: unwrap gave %zu bytes (want %zu)", what, outlen, len);
    /* KWP: the room past the key (the padding) is left zero, not garbage. */
    if (!tu_all_zero(got + len, ctlen - 8 - len) || got[ctlen - 8] != 0xee)
        fail_msg("%s: unwrap wrote something other than zeros past the key, or past len - 8",
                 what);
    assert_int_equal(fm_aes_wipe(&k), FM_OK);
    free(got);
}

static void check_pair(const char *what, bool pad, const uint8_t *kek, size_t keklen,
                       const uint8_t *in, size_t len, const uint8_t *ct, size_t ctlen)
{
    check_pair_v(what, pad, false, kek, keklen, in, len, ct, ctlen);
}

/* The call failed with want, and out[0..n) is zero while out[n] (0xee) is not touched. */
static void expect_fail(const char *what, int rc, int want, const uint8_t *out, size_t n)
{
    if (rc != want)
        fail_msg("%s: returned %d %s, expected %s", what, rc, err_name(rc), err_name(want));
    if (out != NULL && !tu_all_zero(out, n)) {
        tu_hex_print("  out: ", out, n);
        fail_msg("%s: failed but left output bytes non-zero", what);
    }
    if (out != NULL && out[n] != 0xee)
        fail_msg("%s: wrote past the %zu bytes of its output", what, n);
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

/* ---- RFC 3394 and RFC 5649 -------------------------------------------------------- */

static const struct {
    bool pad;
    const char *kek, *data, *wrapped;
} rfc_vectors[] = {
    /* RFC 3394 4.1 - 4.6 */
    { false, "000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff",
      "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5" },
    { false, "000102030405060708090a0b0c0d0e0f1011121314151617", "00112233445566778899aabbccddeeff",
      "96778b25ae6ca435f92b5b97c050aed2468ab8a17ad84e5d" },
    { false, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
      "00112233445566778899aabbccddeeff", "64e8c3f9ce0f5ba263e9777905818a2a93c8191e7d6e8ae7" },
    { false, "000102030405060708090a0b0c0d0e0f1011121314151617",
      "00112233445566778899aabbccddeeff0001020304050607",
      "031d33264e15d33268f24ec260743edce1c6c7ddee725a936ba814915c6762d2" },
    { false, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
      "00112233445566778899aabbccddeeff0001020304050607",
      "a8f9bc1612c68b3ff6e6f4fbe30e71e4769c8b80a32cb8958cd5d17d6b254da1" },
    { false, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
      "00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f",
      "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21" },
    /* RFC 5649 section 6 */
    { true, "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8",
      "c37b7e6492584340bed12207808941155068f738",
      "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a" },
    { true, "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8", "466f7250617369",
      "afbeb0f07dfbf5419200f2ccb50bb24f" },
};

static void test_rfc(void **state)
{
    tu_case *c = tu_begin(state);
    int checked = 0;
    size_t i;

    for (i = 0; i < sizeof rfc_vectors / sizeof rfc_vectors[0]; i++) {
        uint8_t kek[32], data[32], ct[40];
        size_t keklen, len, ctlen;
        char what[96];

        assert_int_equal(tu_hex_decode(rfc_vectors[i].kek, kek, sizeof kek, &keklen), 0);
        assert_int_equal(tu_hex_decode(rfc_vectors[i].data, data, sizeof data, &len), 0);
        assert_int_equal(tu_hex_decode(rfc_vectors[i].wrapped, ct, sizeof ct, &ctlen), 0);
        snprintf(what, sizeof what, "%s vector %zu (AES-%zu KEK) on %s",
                 rfc_vectors[i].pad ? "RFC 5649" : "RFC 3394", i + 1, 8 * keklen, c->impl.name);
        check_pair(what, rfc_vectors[i].pad, kek, keklen, data, len, ct, ctlen);
        checked++;
    }
    printf("  %d RFC 3394 / RFC 5649 vectors checked both ways on %s\n", checked, c->impl.name);
    assert_int_equal(checked, 8);
}

/* ---- Wycheproof --------------------------------------------------------------------- */

struct wp_counts {
    long valid, verify, wrap_len, unwrap_len, acceptable;
};

/*
 * One Wycheproof keywrap test. The error mapping:
 *   valid                       wrap(msg) == ct and unwrap(ct) == msg
 *   msg length not wrappable    wrap(msg) = FM_ERR_LENGTH (out zeroed)
 *   ct length not unwrappable   unwrap(ct) = FM_ERR_LENGTH (out zeroed)
 *   otherwise (invalid)         unwrap(ct) = FM_ERR_VERIFY (out zeroed),
 *                               and wrap(msg) succeeds with another ct
 *   acceptable (KW ShortKey)    FM_ERR_LENGTH both ways: SP 800-38F has no
 *                               one-block KW
 */
static void wycheproof_one(const char *what, bool pad, const char *result, const uint8_t *kek,
                           size_t keklen, const uint8_t *msg, size_t mlen, const uint8_t *ct,
                           size_t clen, struct wp_counts *n)
{
    size_t room = wrapped_len(pad, mlen) > unwrap_room(clen) ? wrapped_len(pad, mlen)
                                                             : unwrap_room(clen);
    uint8_t *out = xmalloc(room + 1);
    size_t outlen = 1;
    fm_aes_key k;
    int rc;

    if (strcmp(result, "valid") == 0) {
        check_pair(what, pad, kek, keklen, msg, mlen, ct, clen);
        n->valid++;
        free(out);
        return;
    }
    if (strcmp(result, "invalid") != 0 && strcmp(result, "acceptable") != 0)
        fail_msg("%s: unexpected result \"%s\"", what, result);
    init_ok(&k, kek, keklen);
    if (!wrap_len_ok(pad, mlen)) {
        memset(out, 0xee, room + 1);
        rc = wrap(pad, &k, msg, mlen, out);
        expect_fail(what, rc, FM_ERR_LENGTH, out, wrapped_len(pad, mlen));
        n->wrap_len++;
    }
    if (!unwrap_len_ok(pad, clen)) {
        memset(out, 0xee, room + 1);
        rc = unwrap(pad, &k, ct, clen, out, &outlen);
        expect_fail(what, rc, FM_ERR_LENGTH, out, unwrap_room(clen));
        if (outlen != 0)
            fail_msg("%s: *outlen = %zu after a failure", what, outlen);
        n->unwrap_len++;
    } else if (wrap_len_ok(pad, mlen)) {
        memset(out, 0xee, room + 1);
        rc = unwrap(pad, &k, ct, clen, out, &outlen);
        expect_fail(what, rc, FM_ERR_VERIFY, out, unwrap_room(clen));
        if (outlen != 0)
            fail_msg("%s: *outlen = %zu after a failure", what, outlen);
        rc = wrap(pad, &k, msg, mlen, out);
        if (rc != FM_OK || (wrapped_len(pad, mlen) == clen && memcmp(out, ct, clen) == 0))
            fail_msg("%s: wrapping msg returned %s and the invalid ct", what, err_name(rc));
        n->verify++;
    } else {
        fail_msg("%s: a msg that cannot be wrapped with a ct of a valid length", what);
    }
    if (strcmp(result, "acceptable") == 0)
        n->acceptable++;
    assert_int_equal(fm_aes_wipe(&k), FM_OK);
    free(out);
}

static void test_wycheproof(void **state)
{
    tu_case *c = tu_begin(state);
    bool pad = strstr(c->file, "kwp") != NULL;
    struct wp_counts n = { 0 };
    const long *want = c->data;
    char path[PATH_MAX];
    json_t *root, *groups;
    long checked = 0;
    size_t g, t;

    tu_vector_path(c, path, sizeof path);
    root = load_json(path);
    groups = json_object_get(root, "testGroups");
    for (g = 0; g < json_array_size(groups); g++) {
        json_t *tests = json_object_get(json_array_get(groups, g), "tests");

        for (t = 0; t < json_array_size(tests); t++) {
            json_t *tc = json_array_get(tests, t);
            json_int_t id = json_integer_value(json_object_get(tc, "tcId"));
            const char *result = jstr(tc, "result");
            const char *flag = json_string_value(json_array_get(json_object_get(tc, "flags"), 0));
            size_t keklen, mlen, clen;
            uint8_t *kek = jhex(path, tc, "key", &keklen);
            uint8_t *msg = jhex(path, tc, "msg", &mlen);
            uint8_t *ct = jhex(path, tc, "ct", &clen);
            char what[160];

            if (result == NULL)
                fail_msg("%s: tcId %lld has no result", path, (long long)id);
            snprintf(what, sizeof what, "%s tcId %lld (%s, %s, msg %zu, ct %zu bytes) on %s",
                     c->file, (long long)id, result, flag ? flag : "-", mlen, clen, c->impl.name);
            wycheproof_one(what, pad, result, kek, keklen, msg, mlen, ct, clen, &n);
            free(kek);
            free(msg);
            free(ct);
            checked++;
        }
    }
    if (json_integer_value(json_object_get(root, "numberOfTests")) != checked)
        fail_msg("%s: numberOfTests = %lld but %ld tests read", path,
                 (long long)json_integer_value(json_object_get(root, "numberOfTests")), checked);
    json_decref(root);
    printf("  %s: %ld tests on %s: %ld valid; %ld unwrap -> FM_ERR_VERIFY; %ld wrap -> "
           "FM_ERR_LENGTH; %ld unwrap -> FM_ERR_LENGTH; %ld of them \"acceptable\" (rejected)\n",
           c->file, checked, c->impl.name, n.valid, n.verify, n.wrap_len, n.unwrap_len,
           n.acceptable);
    assert_int_equal(checked, c->expect);
    assert_int_equal(n.valid, want[0]);
    assert_int_equal(n.verify, want[1]);
    assert_int_equal(n.wrap_len, want[2]);
    assert_int_equal(n.unwrap_len, want[3]);
    assert_int_equal(n.acceptable, want[4]);
}

/* valid, unwrap VERIFY, wrap LENGTH, unwrap LENGTH, acceptable */
static const long wp_kw_counts[5] = { 36, 72, 54, 57, 3 };
static const long wp_kwp_counts[5] = { 77, 174, 3, 3, 0 };

/* ---- ACVP KW / KWP samples ---------------------------------------------------------------- */

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
    bool pad = strstr(c->file, "KWP") != NULL;
    char path[PATH_MAX], epath[PATH_MAX + 32];
    long enc[2] = { 0 }, dec[2] = { 0 }, dec_fail[2] = { 0 }; /* [inverse] */
    json_t *root, *exp, *grp;
    size_t gi;

    tu_vector_path(c, path, sizeof path);
    snprintf(epath, sizeof epath, "%s", path);
    strcpy(strrchr(epath, '/') + 1, "expectedResults.json");
    root = load_json(path);
    exp = load_json(epath);
    json_array_foreach(json_object_get(root, "testGroups"), gi, grp) {
        const char *dir = jstr(grp, "direction"), *kwc = jstr(grp, "kwCipher");
        json_int_t tg = json_integer_value(json_object_get(grp, "tgId"));
        json_int_t bits = json_integer_value(json_object_get(grp, "payloadLen"));
        json_t *tests = json_object_get(grp, "tests"), *tc;
        bool encrypt, inv;
        size_t ti;

        if (dir == NULL || kwc == NULL || bits <= 0 || bits % 8 != 0)
            fail_msg("%s: tgId %lld: unexpected group parameters", path, (long long)tg);
        inv = strcmp(kwc, "inverse") == 0;
        if (!inv && strcmp(kwc, "cipher") != 0)
            fail_msg("%s: tgId %lld: kwCipher \"%s\"", path, (long long)tg, kwc);
        encrypt = strcmp(dir, "encrypt") == 0;
        json_array_foreach(tests, ti, tc) {
            json_int_t id = json_integer_value(json_object_get(tc, "tcId"));
            json_t *want = expected_test(exp, tg, id);
            size_t keklen, len, wl;
            uint8_t *kek = jhex(path, tc, "key", &keklen);
            uint8_t *in = jhex(path, tc, encrypt ? "pt" : "ct", &len);
            char what[160];

            if (want == NULL)
                fail_msg("%s: tgId %lld tcId %lld has no expected result", epath, (long long)tg,
                         (long long)id);
            snprintf(what, sizeof what,
                     "%s tgId %lld tcId %lld (%s, %s, AES-%zu, %lld bits) on %s",
                     pad ? "ACVP-AES-KWP" : "ACVP-AES-KW", (long long)tg, (long long)id, kwc,
                     dir, 8 * keklen, (long long)bits, c->impl.name);
            if (encrypt) {
                uint8_t *ct = jhex(epath, want, "ct", &wl);

                if (len * 8 != (size_t)bits)
                    fail_msg("%s: pt is not payloadLen bits", what);
                check_pair_v(what, pad, inv, kek, keklen, in, len, ct, wl);
                free(ct);
                enc[inv]++;
            } else if (json_object_get(want, "pt") != NULL) {
                uint8_t *pt = jhex(epath, want, "pt", &wl);

                if (wl * 8 != (size_t)bits)
                    fail_msg("%s: pt is not payloadLen bits", what);
                check_pair_v(what, pad, inv, kek, keklen, pt, wl, in, len);
                free(pt);
                dec[inv]++;
            } else if (json_is_false(json_object_get(want, "testPassed"))) {
                uint8_t *out = xmalloc(len + 1);
                size_t outlen = 1;
                fm_aes_key k;

                init_ok(&k, kek, keklen);
                memset(out, 0xee, len + 1);
                expect_fail(what, unwrap_v(pad, inv, &k, in, len, out, &outlen), FM_ERR_VERIFY,
                            out, len - 8);
                if (outlen != 0)
                    fail_msg("%s: *outlen = %zu after FM_ERR_VERIFY", what, outlen);
                assert_int_equal(fm_aes_wipe(&k), FM_OK);
                free(out);
                dec_fail[inv]++;
            } else {
                fail_msg("%s: expected result has neither pt nor testPassed false", what);
            }
            free(kek);
            free(in);
        }
    }
    json_decref(root);
    json_decref(exp);
    for (int inv = 0; inv < 2; inv++)
        printf("  %s sample, kwCipher \"%s\" groups, on %s: %ld encrypt, %ld decrypt (%ld of "
               "them testPassed false -> FM_ERR_VERIFY)\n", pad ? "ACVP-AES-KWP" : "ACVP-AES-KW",
               inv ? "inverse" : "cipher", c->impl.name, enc[inv], dec[inv] + dec_fail[inv],
               dec_fail[inv]);
    assert_int_equal(enc[0] + dec[0] + dec_fail[0] + enc[1] + dec[1] + dec_fail[1], c->expect);
    assert_int_equal(enc[0], 1800);
    assert_int_equal(enc[1], 1800);
    assert_int_equal(dec[0] + dec_fail[0], 1800);
    assert_int_equal(dec[1] + dec_fail[1], 1800);
    assert_int_equal(dec_fail[0], pad ? 384 : 370);
    assert_int_equal(dec_fail[1], pad ? 331 : 367);
}

/* ---- CAVP KW (only when present) ---------------------------------------------------- */

/*
 * KW_AE_n.txt / KWP_AE_n.txt: [PLAINTEXT LENGTH = bits] sections of COUNT,
 * K, P, C. KW_AD_n.txt / KWP_AD_n.txt: COUNT, K, C, then P or a bare FAIL.
 */
static void test_cavp(void **state)
{
    static const char *const kinds[4] = { "KW_AE", "KW_AD", "KWP_AE", "KWP_AD" };
    static const int sizes[3] = { 128, 192, 256 };
    tu_case *c = tu_begin(state);
    const char *dir = tu_vectors_dir();
    long checked = 0, files = 0, fails = 0;

    if (dir == NULL) {
        printf("%s\n", tu_vectors_missing());
        skip();
    }
    for (int kind = 0; kind < 4; kind++) {
        for (int s = 0; s < 3; s++) {
            bool pad = kind >= 2, ae = kind % 2 == 0;
            char path[PATH_MAX];
            struct stat st;
            tu_rsp r;
            int rc;

            snprintf(path, sizeof path, "%s/cavp/kw/%s_%d.txt", dir, kinds[kind], sizes[s]);
            if (stat(path, &st) != 0)
                continue;
            files++;
            assert_int_equal(tu_rsp_open(&r, path), 0);
            while ((rc = tu_rsp_next(&r)) == 1) {
                static uint8_t p[8200], ct[8200];
                uint8_t kek[32];
                size_t kl = tu_rsp_hex(&r, "K", kek, sizeof kek);
                size_t cl = tu_rsp_hex(&r, "C", ct, sizeof ct);
                char what[PATH_MAX + 32];

                snprintf(what, sizeof what, "%s line %lu", path, r.record_line);
                if (ae || tu_rsp_field(&r, "FAIL") == NULL) {
                    size_t pl = tu_rsp_hex(&r, "P", p, sizeof p);

                    check_pair(what, pad, kek, kl, p, pl, ct, cl);
                } else {
                    uint8_t *out = xmalloc(cl + 1);
                    size_t outlen = 1;
                    fm_aes_key k;

                    init_ok(&k, kek, kl);
                    memset(out, 0xee, cl + 1);
                    expect_fail(what, unwrap(pad, &k, ct, cl, out, &outlen),
                                unwrap_len_ok(pad, cl) ? FM_ERR_VERIFY : FM_ERR_LENGTH, out,
                                unwrap_room(cl));
                    assert_int_equal(fm_aes_wipe(&k), FM_OK);
                    free(out);
                    fails++;
                }
                checked++;
            }
            tu_rsp_close(&r);
            assert_int_equal(rc, 0);
        }
    }
    if (files == 0) {
        printf("SKIP CAVP KW: no cavp/kw/KW{,P}_{AE,AD}_{128,192,256}.txt in %s (MANIFEST.md: "
               "the CAVP key-wrap files were not taken into shared/vectors; ACVP-AES-KW/KWP and "
               "Wycheproof cover KW and KWP)\n", dir);
        skip();
    }
    printf("  CAVP KW/KWP: %ld records from %ld files (%ld FAIL) on %s\n", checked, files, fails,
           c->impl.name ? c->impl.name : "the default implementation");
    assert_true(checked > 0);
}

/* ---- OpenSSL differential --------------------------------------------------------- */

static const EVP_CIPHER *evp_wrap(bool pad, size_t klen)
{
    switch (klen) {
    case 16: return pad ? EVP_aes_128_wrap_pad() : EVP_aes_128_wrap();
    case 24: return pad ? EVP_aes_192_wrap_pad() : EVP_aes_192_wrap();
    case 32: return pad ? EVP_aes_256_wrap_pad() : EVP_aes_256_wrap();
    default: return NULL;
    }
}

/* OpenSSL's wrap (enc) or unwrap; returns the output length, or -1 if it refused. */
static long openssl_wrap(bool pad, bool enc, const uint8_t *kek, size_t klen, const uint8_t *in,
                         size_t len, uint8_t *out)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0, m = 0;
    long r = -1;

    assert_non_null(ctx);
    EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    assert_int_equal(EVP_CipherInit_ex(ctx, evp_wrap(pad, klen), NULL, kek, NULL, enc ? 1 : 0),
                     1);
    if (EVP_CipherUpdate(ctx, out, &n, in, (int)len) == 1 && n >= 0 &&
        EVP_CipherFinal_ex(ctx, out + n, &m) == 1)
        r = n + m;
    EVP_CIPHER_CTX_free(ctx);
    return r;
}

#define DIFF_ITERS 600

static void test_vs_openssl(void **state)
{
    static const size_t klens[3] = { 16, 24, 32 };
    static uint8_t key[400], wrapped[420], want[420], back[420];
    tu_case *c = tu_begin(state);
    long checked = 0, refused = 0;
    tu_rng rng;
    int iter;

    tu_rng_init_named(&rng, c->name);
    for (iter = 0; iter < DIFF_ITERS; iter++) {
        bool pad = iter % 2 != 0;
        size_t klen = klens[iter % 3];
        size_t len = pad ? 1 + tu_rng_below(&rng, 400) : 8 * (2 + tu_rng_below(&rng, 49));
        size_t wl = wrapped_len(pad, len), outlen = 0, bit;
        uint8_t kek[32];
        char what[128];
        fm_aes_key k;
        long n;

        tu_rng_fill(&rng, kek, klen);
        tu_rng_fill(&rng, key, len);
        snprintf(what, sizeof what, "AES-%zu-%s of %zu bytes on %s", 8 * klen, pad ? "KWP" : "KW",
                 len, c->impl.name);
        n = openssl_wrap(pad, true, kek, klen, key, len, want);
        if (n != (long)wl)
            fail_msg("%s: OpenSSL wrapped to %ld bytes, want %zu", what, n, wl);
        init_ok(&k, kek, klen);
        memset(wrapped, 0xee, sizeof wrapped);
        assert_int_equal(wrap(pad, &k, key, len, wrapped), FM_OK);
        if (!tu_mem_eq(what, wrapped, want, wl))
            fail_msg("%s: differs from OpenSSL", what);
        if (wrapped[wl] != 0xee)
            fail_msg("%s: wrote past %zu bytes", what, wl);
        memset(back, 0xee, sizeof back);
        assert_int_equal(unwrap(pad, &k, wrapped, wl, back, &outlen), FM_OK);
        if (outlen != len || !tu_mem_eq(what, back, key, len) || back[wl - 8] != 0xee)
            fail_msg("%s: unwrap of the module's own wrap", what);
        /* One bit flipped anywhere: both refuse; the module zeroes out. */
        bit = tu_rng_below(&rng, 8 * wl);
        wrapped[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        memset(back, 0xee, sizeof back);
        expect_fail(what, unwrap(pad, &k, wrapped, wl, back, &outlen), FM_ERR_VERIFY, back, wl - 8);
        if (openssl_wrap(pad, false, kek, klen, wrapped, wl, want) >= 0)
            fail_msg("%s: OpenSSL accepted the flipped bit %zu", what, bit);
        refused++;
        assert_int_equal(fm_aes_wipe(&k), FM_OK);
        checked++;
    }
    printf("  %ld random KEKs/keys agree with OpenSSL EVP_aes_*_wrap{,_pad} both ways on %s; "
           "%ld one-bit corruptions refused by both\n", checked, c->impl.name, refused);
    assert_int_equal(checked, DIFF_ITERS);
}

/* ---- the inverse-cipher variant vs an independent reference ----------------------- */

/*
 * KW-AE (Algorithm 3) and KWP-AE (Algorithm 5) of SP 800-38F written here
 * from the standard over OpenSSL's raw AES (EVP aes-*-ecb, no padding), not
 * the module's: the designated cipher function CIPH_K of section 5.1 is the
 * EVP decrypt direction for the inverse-cipher variant (inv), the encrypt
 * direction otherwise. W is Algorithm 1 in its rotating register form.
 */
static const EVP_CIPHER *evp_ecb(size_t klen)
{
    switch (klen) {
    case 16: return EVP_aes_128_ecb();
    case 24: return EVP_aes_192_ecb();
    case 32: return EVP_aes_256_ecb();
    default: return NULL;
    }
}

static void ossl_ciph(EVP_CIPHER_CTX *ctx, uint8_t b[16])
{
    int n = 0;

    assert_int_equal(EVP_CipherUpdate(ctx, b, &n, b, 16), 1);
    assert_int_equal(n, 16);
}

/* Returns the length of C (the wrapped key) written to c. */
static size_t ossl_ref_wrap(bool pad, bool inv, const uint8_t *kek, size_t klen,
                            const uint8_t *p, size_t len, uint8_t *c)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    size_t n;

    assert_non_null(ctx);
    assert_int_equal(EVP_CipherInit_ex(ctx, evp_ecb(klen), NULL, kek, NULL, inv ? 0 : 1), 1);
    assert_int_equal(EVP_CIPHER_CTX_set_padding(ctx, 0), 1);
    if (!pad) {
        /* Algorithm 3: S = ICV1 || P. */
        memset(c, 0xa6, 8);
        n = len / 8 + 1;
    } else {
        /* Algorithm 5: S = ICV2 || [len(P)/8]_32 || P || 0^(8 * padlen). */
        size_t padlen = 8 * ((len + 7) / 8) - len;

        c[0] = 0xa6, c[1] = 0x59, c[2] = 0x59, c[3] = 0xa6;
        c[4] = (uint8_t)(len >> 24), c[5] = (uint8_t)(len >> 16);
        c[6] = (uint8_t)(len >> 8), c[7] = (uint8_t)len;
        memset(c + 8 + len, 0, padlen);
        n = (len + padlen) / 8 + 1;
    }
    memcpy(c + 8, p, len);
    if (n == 2) {
        ossl_ciph(ctx, c); /* KWP, one semiblock of key: C = CIPH_K(S) */
    } else {
        uint8_t b[16];

        /* Algorithm 1: s = 6(n - 1) steps; B = CIPH_K(A || R_2),
         * A = MSB_64(B) ^ [t]_64, R_i = R_{i+1}, R_n = LSB_64(B). */
        for (uint64_t t = 1; t <= 6 * (n - 1); t++) {
            memcpy(b, c, 16);
            ossl_ciph(ctx, b);
            for (int i = 0; i < 8; i++)
                c[i] = b[i] ^ (uint8_t)(t >> (56 - 8 * i));
            memmove(c + 8, c + 16, 8 * (n - 2));
            memcpy(c + 8 * (n - 1), b + 8, 8);
        }
    }
    EVP_CIPHER_CTX_free(ctx);
    return 8 * n;
}

#define INV_KW_MAX 520  /* KW key data 16 .. 520 bytes, every multiple of 8 */
#define INV_KWP_MAX 300 /* KWP key data 1 .. 300 bytes, every length */

/*
 * For every length above and every KEK size: the reference above (checked
 * first in its forward form against OpenSSL's EVP_aes_*_wrap{,_pad}) and
 * the module's _inv wrap agree; the _inv unwrap gives the key back; the
 * forward and inverse wraps differ and neither unwraps under the other
 * variant; a random bit flipped in the inverse wrap gives FM_ERR_VERIFY
 * with out zeroed and *outlen 0. Outputs are checked for writes past
 * their end.
 */
static void test_inverse_vs_reference(void **state)
{
    static const size_t klens[3] = { 16, 24, 32 };
    static uint8_t key[INV_KW_MAX], inv_ct[INV_KW_MAX + 16], fwd_ct[INV_KW_MAX + 16],
        ref[INV_KW_MAX + 16], back[INV_KW_MAX + 16];
    tu_case *c = tu_begin(state);
    long checked = 0, lens = 0;
    tu_rng rng;

    tu_rng_init_named(&rng, c->name);
    for (int pad = 0; pad < 2; pad++) {
        size_t first = pad ? 1 : 16, last = pad ? INV_KWP_MAX : INV_KW_MAX, step = pad ? 1 : 8;

        for (size_t len = first; len <= last; len += step) {
            lens++;
            for (size_t ki = 0; ki < 3; ki++) {
                size_t klen = klens[ki], wl = wrapped_len(pad, len), outlen, bit;
                uint8_t kek[32];
                char what[128];
                fm_aes_key k;
                long n;

                snprintf(what, sizeof what, "AES-%zu-%s (inverse cipher) of %zu bytes on %s",
                         8 * klen, pad ? "KWP" : "KW", len, c->impl.name);
                tu_rng_fill(&rng, kek, klen);
                tu_rng_fill(&rng, key, len);
                init_ok(&k, kek, klen);

                /* The reference's forward form is OpenSSL's KW/KWP. */
                if (ossl_ref_wrap(pad, false, kek, klen, key, len, ref) != wl)
                    fail_msg("%s: reference length", what);
                n = openssl_wrap(pad, true, kek, klen, key, len, fwd_ct);
                if (n != (long)wl || !tu_mem_eq(what, ref, fwd_ct, wl))
                    fail_msg("%s: the reference W (forward) differs from EVP_aes_*_wrap", what);
                memset(fwd_ct, 0xee, sizeof fwd_ct);
                assert_int_equal(wrap(pad, &k, key, len, fwd_ct), FM_OK);

                /* The inverse cipher: module vs reference, both ways. */
                if (ossl_ref_wrap(pad, true, kek, klen, key, len, ref) != wl)
                    fail_msg("%s: reference length", what);
                memset(inv_ct, 0xee, sizeof inv_ct);
                assert_int_equal(wrap_v(pad, true, &k, key, len, inv_ct), FM_OK);
                if (!tu_mem_eq(what, inv_ct, ref, wl))
                    fail_msg("%s: differs from the reference", what);
                if (inv_ct[wl] != 0xee)
                    fail_msg("%s: wrote past %zu bytes", what, wl);
                memset(back, 0xee, sizeof back);
                outlen = 0;
                assert_int_equal(unwrap_v(pad, true, &k, ref, wl, back, &outlen), FM_OK);
                if (outlen != len || !tu_mem_eq(what, back, key, len) ||
                    !tu_all_zero(back + len, wl - 8 - len) || back[wl - 8] != 0xee)
                    fail_msg("%s: unwrap of the reference", what);

                /* The variants do not interoperate. */
                if (memcmp(fwd_ct, inv_ct, wl) == 0)
                    fail_msg("%s: forward and inverse wraps are equal", what);
                memset(back, 0xee, sizeof back);
                expect_fail(what, unwrap_v(pad, true, &k, fwd_ct, wl, back, &outlen),
                            FM_ERR_VERIFY, back, wl - 8);
                if (outlen != 0)
                    fail_msg("%s: *outlen = %zu after FM_ERR_VERIFY", what, outlen);
                memset(back, 0xee, sizeof back);
                expect_fail(what, unwrap_v(pad, false, &k, inv_ct, wl, back, &outlen),
                            FM_ERR_VERIFY, back, wl - 8);

                /* One bit flipped anywhere. */
                bit = tu_rng_below(&rng, 8 * wl);
                inv_ct[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                memset(back, 0xee, sizeof back);
                outlen = 99;
                expect_fail(what, unwrap_v(pad, true, &k, inv_ct, wl, back, &outlen),
                            FM_ERR_VERIFY, back, wl - 8);
                if (outlen != 0)
                    fail_msg("%s: *outlen = %zu after FM_ERR_VERIFY", what, outlen);
                assert_int_equal(fm_aes_wipe(&k), FM_OK);
                checked++;
            }
        }
    }
    printf("  inverse-cipher KW (16..%d bytes) and KWP (1..%d bytes), %ld lengths x 3 KEK "
           "sizes on %s: %ld agree with the OpenSSL-ECB reference both ways, differ from the "
           "forward wrap, do not cross-unwrap, refuse a flipped bit\n", INV_KW_MAX, INV_KWP_MAX,
           lens, c->impl.name, checked);
    assert_int_equal(lens, (INV_KW_MAX - 16) / 8 + 1 + INV_KWP_MAX);
    assert_int_equal(checked, 3 * lens);
}

/* ---- crafted ciphertexts --------------------------------------------------------------- */

/* The designated cipher function CIPH_K (SP 800-38F 5.1) over the
 * module's ECB: encryption, or decryption for the inverse-cipher variant. */
static void ref_ciph_ecb(const fm_aes_key *k, bool inv, uint8_t b[16])
{
    assert_int_equal(inv ? fm_aes_ecb_decrypt(k, b, b, 16) : fm_aes_ecb_encrypt(k, b, b, 16),
                     FM_OK);
}

/* SP 800-38F Algorithm 1, literally (the rotating register form), over
 * ECB: s holds n >= 3 semiblocks and is replaced by W(s). */
static void ref_w(const fm_aes_key *k, bool inv, uint8_t *s, size_t n)
{
    uint8_t b[16];

    for (uint64_t t = 1; t <= 6 * (n - 1); t++) {
        memcpy(b, s, 8);
        memcpy(b + 8, s + 8, 8);
        ref_ciph_ecb(k, inv, b);
        for (int i = 0; i < 8; i++)
            s[i] = b[i] ^ (uint8_t)(t >> (56 - 8 * i));
        memmove(s + 8, s + 16, 8 * (n - 2));
        memcpy(s + 8 * (n - 1), b + 8, 8);
    }
}

/* C from S for KWP: one block for n = 2, else W. */
static void ref_kwp_encipher(const fm_aes_key *k, bool inv, uint8_t *s, size_t n)
{
    if (n == 2)
        ref_ciph_ecb(k, inv, s);
    else
        ref_w(k, inv, s, n);
}

/* Unwrap the crafted C (n semiblocks), expecting success with the first
 * mli bytes of p, or FM_ERR_VERIFY with out zeroed. */
static void crafted_check(const char *what, const fm_aes_key *k, bool inv, const uint8_t *ct,
                          size_t n, bool valid, uint32_t mli, const uint8_t *p)
{
    uint8_t out[8 * 8];
    size_t outlen = 12345;
    int rc;

    memset(out, 0xee, sizeof out);
    rc = unwrap_v(true, inv, k, ct, 8 * n, out, &outlen);
    if (valid) {
        if (rc != FM_OK || outlen != mli || !tu_mem_eq(what, out, p, mli))
            fail_msg("%s: returned %s, %zu bytes, want FM_OK and %u bytes", what, err_name(rc),
                     outlen, mli);
        if (!tu_all_zero(out + mli, 8 * (n - 1) - mli) || out[8 * (n - 1)] != 0xee)
            fail_msg("%s: the padding room is not zero, or written past", what);
    } else {
        expect_fail(what, rc, FM_ERR_VERIFY, out, 8 * (n - 1));
        if (outlen != 0)
            fail_msg("%s: *outlen = %zu after FM_ERR_VERIFY", what, outlen);
    }
}

static void test_crafted(void **state)
{
    tu_case *c = tu_begin(state);
    bool inv = case_inv(c);
    const char *var = variant_name(inv);
    long n_valid = 0, n_invalid = 0, n_kw = 0;
    uint8_t kek[32], s[8 * 8], p[8 * 7], w[8 * 8];
    fm_aes_key k;
    tu_rng rng;

    tu_rng_init_named(&rng, c->name);
    tu_rng_fill(&rng, kek, sizeof kek);
    init_ok(&k, kek, 16 + 8 * (size_t)(tu_rng_below(&rng, 3)));
    for (size_t n = 2; n <= 5; n++) {
        size_t room = 8 * (n - 1);

        for (uint32_t mli = 0; mli <= room + 9; mli++) {
            bool range = mli > 8 * (n - 2) && mli <= room;
            char what[160];

            /* Non-zero key bytes, zero padding. */
            for (size_t i = 0; i < room; i++)
                p[i] = i < mli ? (uint8_t)(1 + tu_rng_below(&rng, 255)) : 0;
            memcpy(s, "\xa6\x59\x59\xa6", 4);
            s[4] = (uint8_t)(mli >> 24), s[5] = (uint8_t)(mli >> 16);
            s[6] = (uint8_t)(mli >> 8), s[7] = (uint8_t)mli;
            memcpy(s + 8, p, room);
            memcpy(w, s, 8 * n);
            ref_kwp_encipher(&k, inv, w, n);
            snprintf(what, sizeof what, "KWP (%s) n=%zu MLI=%u, zero padding, on %s", var, n,
                     mli, c->impl.name);
            crafted_check(what, &k, inv, w, n, range, mli, p);
            if (range) {
                /* The module wraps the same key to the same C. */
                uint8_t again[8 * 8];
                assert_int_equal(wrap_v(true, inv, &k, p, mli, again), FM_OK);
                if (!tu_mem_eq(what, again, w, 8 * n))
                    fail_msg("%s: the module's wrap differs from the reference W", what);
                n_valid++;
            } else {
                n_invalid++;
            }
            if (!range)
                continue;
            /* A non-zero byte at each padding position. */
            for (size_t i = mli; i < room; i++) {
                memcpy(w, s, 8 * n);
                w[8 + i] = (uint8_t)(1u << tu_rng_below(&rng, 8));
                ref_kwp_encipher(&k, inv, w, n);
                snprintf(what, sizeof what,
                         "KWP (%s) n=%zu MLI=%u, padding byte %zu non-zero, on %s", var, n, mli,
                         i, c->impl.name);
                crafted_check(what, &k, inv, w, n, false, mli, p);
                n_invalid++;
            }
            /* A wrong bit in each ICV2 byte; then the MLI xored with 2^31,
             * 2^16, 2^8 and 64, each far outside this room. */
            for (int i = 0; i < 8; i++) {
                static const uint8_t mli_flip[4] = { 0x80, 0x01, 0x01, 0x40 };

                memcpy(w, s, 8 * n);
                w[i] ^= i < 4 ? (uint8_t)(1u << tu_rng_below(&rng, 8)) : mli_flip[i - 4];
                ref_kwp_encipher(&k, inv, w, n);
                snprintf(what, sizeof what, "KWP (%s) n=%zu MLI=%u, S byte %d altered, on %s",
                         var, n, mli, i, c->impl.name);
                crafted_check(what, &k, inv, w, n, false, mli, p);
                n_invalid++;
            }
        }
    }
    /* KW: each bit of ICV1 flipped in S = ICV1 || P. */
    for (int bit = 0; bit < 64; bit++) {
        uint8_t out[8 * 4];
        char what[96];

        memset(s, 0xa6, 8);
        tu_rng_fill(&rng, s + 8, 24);
        memcpy(p, s + 8, 24);
        memcpy(w, s, 32);
        ref_w(&k, inv, w, 4);
        if (bit == 0) {
            size_t outlen;

            assert_int_equal(wrap_v(false, inv, &k, p, 24, out), FM_OK);
            if (!tu_mem_eq("KW vs the reference W", out, w, 32))
                fail_msg("KW wrap (%s) differs from the reference W on %s", var, c->impl.name);
            memset(out, 0xee, sizeof out);
            assert_int_equal(unwrap_v(false, inv, &k, w, 32, out, &outlen), FM_OK);
            assert_true(tu_mem_eq("KW unwrap of the reference W", out, p, 24));
        }
        s[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        memcpy(w, s, 32);
        ref_w(&k, inv, w, 4);
        memset(out, 0xee, sizeof out);
        snprintf(what, sizeof what, "KW (%s) with bit %d of ICV1 flipped on %s", var, bit,
                 c->impl.name);
        expect_fail(what, inv ? fm_aes_kw_unwrap_inv(&k, w, 32, out)
                              : fm_aes_kw_unwrap(&k, w, 32, out), FM_ERR_VERIFY, out, 24);
        n_kw++;
    }
    assert_int_equal(fm_aes_wipe(&k), FM_OK);
    printf("  crafted KWP ciphertexts (%s) for n = 2..5 semiblocks on %s: %ld valid MLIs unwrap, "
           "%ld bad MLI/padding/ICV2 refused; %ld KW ICV1 bit flips refused\n", var,
           c->impl.name, n_valid, n_invalid, n_kw);
    /* Per n: 8 MLIs in range; room + 2 out of range (0 .. room + 9);
     * 0 + 1 + .. + 7 = 28 padding positions over the 8 valid MLIs; and 8
     * altered S bytes per valid MLI. */
    assert_int_equal(n_valid, 32);
    assert_int_equal(n_kw, 64);
    assert_int_equal(n_invalid, (10 + 18 + 26 + 34) + 4 * 28 + 4 * 8 * 8);
}

/* ---- bad input -------------------------------------------------------------------------- */

static void test_bad_input(void **state)
{
    tu_case *c = tu_begin(state);
    bool inv = case_inv(c);
    static uint8_t in[512], out[600], good_kw[40], good_kwp[40];
    uint8_t kek[32];
    fm_aes_key k, bad;
    size_t outlen;
    long checked = 0;
    char what[128];

    memset(kek, 0x11, sizeof kek);
    memset(in, 0x22, sizeof in);
    init_ok(&k, kek, 24);
    assert_int_equal(wrap_v(false, inv, &k, in, 32, good_kw), FM_OK);
    assert_int_equal(wrap_v(true, inv, &k, in, 20, good_kwp), FM_OK);

    for (int pad = 0; pad < 2; pad++) {
        const char *name = pad ? "KWP" : "KW";
        const uint8_t *good = pad ? good_kwp : good_kw;
        size_t glen = pad ? 32 : 40;
        static const size_t bad_wrap_kw[] = { 0, 1, 7, 8, 9, 15, 17, 23, 33 };
        static const size_t bad_unwrap_kw[] = { 0, 1, 7, 8, 9, 15, 16, 17, 23, 25, 31, 33 };
        static const size_t bad_wrap_kwp[] = { 0 };
        static const size_t bad_unwrap_kwp[] = { 0, 1, 7, 8, 9, 15, 17, 23, 25 };
        const size_t *bw = pad ? bad_wrap_kwp : bad_wrap_kw;
        const size_t *bu = pad ? bad_unwrap_kwp : bad_unwrap_kw;
        size_t nbw = pad ? 1 : sizeof bad_wrap_kw / sizeof bad_wrap_kw[0];
        size_t nbu = pad ? sizeof bad_unwrap_kwp / sizeof bad_unwrap_kwp[0]
                         : sizeof bad_unwrap_kw / sizeof bad_unwrap_kw[0];

        /* NULL pointers: out zeroed over its contract length. */
        memset(out, 0xee, sizeof out);
        snprintf(what, sizeof what, "%s wrap with a NULL key", name);
        expect_fail(what, wrap_v(pad, inv, NULL, in, 24, out), FM_ERR_ARG, out,
                    wrapped_len(pad, 24));
        memset(out, 0xee, sizeof out);
        snprintf(what, sizeof what, "%s wrap with a NULL input", name);
        expect_fail(what, wrap_v(pad, inv, &k, NULL, 24, out), FM_ERR_ARG, out,
                    wrapped_len(pad, 24));
        snprintf(what, sizeof what, "%s wrap with a NULL output", name);
        expect_fail(what, wrap_v(pad, inv, &k, in, 24, NULL), FM_ERR_ARG, NULL, 0);
        memset(out, 0xee, sizeof out);
        snprintf(what, sizeof what, "%s unwrap with a NULL key", name);
        expect_fail(what, unwrap_v(pad, inv, NULL, good, glen, out, &outlen), FM_ERR_ARG, out,
                    glen - 8);
        memset(out, 0xee, sizeof out);
        snprintf(what, sizeof what, "%s unwrap with a NULL input", name);
        expect_fail(what, unwrap_v(pad, inv, &k, NULL, glen, out, &outlen), FM_ERR_ARG, out,
                    glen - 8);
        snprintf(what, sizeof what, "%s unwrap with a NULL output", name);
        expect_fail(what, unwrap_v(pad, inv, &k, good, glen, NULL, &outlen), FM_ERR_ARG, NULL,
                    0);
        checked += 6;

        /* Uninitialised, garbage and wiped KEKs. */
        memset(&bad, 0, sizeof bad);
        memset(out, 0xee, sizeof out);
        snprintf(what, sizeof what, "%s wrap with an all-zero KEK", name);
        expect_fail(what, wrap_v(pad, inv, &bad, in, 24, out), FM_ERR_CONTEXT, out,
                    wrapped_len(pad, 24));
        memset(&bad, 0xa5, sizeof bad);
        memset(out, 0xee, sizeof out);
        snprintf(what, sizeof what, "%s unwrap with a garbage KEK", name);
        expect_fail(what, unwrap_v(pad, inv, &bad, good, glen, out, &outlen), FM_ERR_CONTEXT,
                    out, glen - 8);
        init_ok(&bad, kek, 16);
        assert_int_equal(fm_aes_wipe(&bad), FM_OK);
        memset(out, 0xee, sizeof out);
        snprintf(what, sizeof what, "%s unwrap with a wiped KEK", name);
        expect_fail(what, unwrap_v(pad, inv, &bad, good, glen, out, &outlen), FM_ERR_CONTEXT,
                    out, glen - 8);
        checked += 3;

        /* Lengths around the minima and off the 8-byte grid. */
        for (size_t i = 0; i < nbw; i++) {
            memset(out, 0xee, sizeof out);
            snprintf(what, sizeof what, "%s wrap of %zu bytes", name, bw[i]);
            expect_fail(what, wrap_v(pad, inv, &k, in, bw[i], out), FM_ERR_LENGTH, out,
                        wrapped_len(pad, bw[i]));
            checked++;
        }
        for (size_t i = 0; i < nbu; i++) {
            outlen = 99;
            memset(out, 0xee, sizeof out);
            snprintf(what, sizeof what, "%s unwrap of %zu bytes", name, bu[i]);
            expect_fail(what, unwrap_v(pad, inv, &k, in, bu[i], out, &outlen), FM_ERR_LENGTH,
                        out, unwrap_room(bu[i]));
            if (outlen != 0)
                fail_msg("%s: *outlen = %zu", what, outlen);
            checked++;
        }

        /* Overlapping input and output. */
        memcpy(out, good, glen);
        snprintf(what, sizeof what, "%s unwrap in place", name);
        expect_fail(what, unwrap_v(pad, inv, &k, out, glen, out, &outlen), FM_ERR_ARG, NULL, 0);
        memcpy(out + 100, in, 24);
        snprintf(what, sizeof what, "%s wrap into an overlapping buffer", name);
        expect_fail(what, wrap_v(pad, inv, &k, out + 100, 24, out + 96), FM_ERR_ARG, NULL, 0);
        if (!tu_all_zero(out + 96, wrapped_len(pad, 24)))
            fail_msg("%s: output not zeroed", what);
        checked += 2;
    }

    /* KWP unwrap with a NULL outlen: FM_ERR_ARG, out zeroed. */
    memset(out, 0xee, sizeof out);
    expect_fail("KWP unwrap with a NULL outlen",
                unwrap_v(true, inv, &k, good_kwp, 32, out, NULL), FM_ERR_ARG, out, 24);
    checked++;

    /*
     * Lengths beyond the SP 800-38F maxima, given with small buffers: the
     * module must refuse them without touching in or out (a write over the
     * contract length would run far off these buffers).
     */
    if (sizeof(size_t) >= 8) {
        const uint64_t big[] = {
            8 * ((UINT64_C(1) << 54) - 1) + 8,  /* KW wrap: one semiblock over */
            8 * (UINT64_C(1) << 54) + 8,        /* KW unwrap: one semiblock over */
            UINT64_C(1) << 32,                  /* KWP wrap: 2^32 bytes */
            (UINT64_C(1) << 32) + 16,           /* KWP unwrap: one semiblock over */
            UINT64_MAX & ~UINT64_C(7),
        };
        for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
            size_t len = (size_t)big[i];
            int pad = i == 2 || i == 3 || (i == 4);

            memset(out, 0xee, sizeof out);
            snprintf(what, sizeof what, "%s %s of 0x%llx bytes", pad ? "KWP" : "KW",
                     i % 2 == 0 ? "wrap" : "unwrap", (unsigned long long)big[i]);
            if (i % 2 == 0)
                expect_fail(what, wrap_v(pad, inv, &k, in, len, out), FM_ERR_LENGTH, out, 0);
            else
                expect_fail(what, unwrap_v(pad, inv, &k, in, len, out, &outlen), FM_ERR_LENGTH,
                            out, 0);
            if (out[0] != 0xee)
                fail_msg("%s: wrote to out", what);
            checked++;
        }
        /* And the same huge lengths to KW unwrap / KWP wrap. */
        memset(out, 0xee, sizeof out);
        expect_fail("KW unwrap of 2^64-8 bytes",
                    unwrap_v(false, inv, &k, in, (size_t)(UINT64_MAX & ~UINT64_C(7)), out,
                             &outlen),
                    FM_ERR_LENGTH, out, 0);
        expect_fail("KWP wrap of 2^64-1 bytes", wrap_v(true, inv, &k, in, SIZE_MAX, out),
                    FM_ERR_LENGTH, out, 0);
        checked += 2;
    }

    /* The KEK is only read: the wraps under it are unchanged after all this. */
    assert_int_equal(wrap_v(false, inv, &k, in, 32, out), FM_OK);
    assert_true(tu_mem_eq("KW after the failures", out, good_kw, 40));
    assert_int_equal(fm_aes_wipe(&k), FM_OK);
    printf("  %ld bad-input cases checked (%s) on %s\n", checked, variant_name(inv),
           c->impl.name);
    assert_int_equal(checked, (6 + 3 + 9 + 12 + 2) + (6 + 3 + 1 + 9 + 2) + 1 +
                                  (sizeof(size_t) >= 8 ? 7 : 0));
}

/* ---- service indicator ------------------------------------------------------------------- */

static int approved_now(void)
{
    int a = -1;

    assert_int_equal(fm_service_approved(&a), FM_OK);
    return a;
}

static void test_indicator(void **state)
{
    tu_case *c = tu_begin(state);
    uint8_t kek[16] = { 3 }, in[24] = { 4 }, w[40], out[40];
    size_t outlen;
    fm_aes_key k;

    init_ok(&k, kek, sizeof kek);
    assert_int_equal(fm_aes_kw_wrap(&k, in, 24, w), FM_OK);
    assert_int_equal(approved_now(), 1);
    assert_int_equal(fm_aes_kw_unwrap(&k, w, 32, out), FM_OK);
    assert_int_equal(approved_now(), 1);
    w[3] ^= 1;
    assert_int_equal(fm_aes_kw_unwrap(&k, w, 32, out), FM_ERR_VERIFY);
    assert_int_equal(approved_now(), 0);
    assert_int_equal(fm_aes_kw_wrap(&k, in, 20, w), FM_ERR_LENGTH);
    assert_int_equal(approved_now(), 0);
    assert_int_equal(fm_aes_kwp_wrap(&k, in, 5, w), FM_OK);
    assert_int_equal(approved_now(), 1);
    assert_int_equal(fm_aes_kwp_unwrap(&k, w, 16, out, &outlen), FM_OK);
    assert_int_equal(approved_now(), 1);
    assert_int_equal(outlen, 5);
    w[15] ^= 1;
    assert_int_equal(fm_aes_kwp_unwrap(&k, w, 16, out, &outlen), FM_ERR_VERIFY);
    assert_int_equal(approved_now(), 0);
    assert_int_equal(fm_aes_kwp_wrap(&k, in, 0, w), FM_ERR_LENGTH);
    assert_int_equal(approved_now(), 0);
    /* The inverse-cipher variant is approved too. */
    assert_int_equal(fm_aes_kw_wrap_inv(&k, in, 24, w), FM_OK);
    assert_int_equal(approved_now(), 1);
    assert_int_equal(fm_aes_kw_unwrap_inv(&k, w, 32, out), FM_OK);
    assert_int_equal(approved_now(), 1);
    assert_int_equal(fm_aes_kw_unwrap(&k, w, 32, out), FM_ERR_VERIFY);
    assert_int_equal(approved_now(), 0);
    assert_int_equal(fm_aes_kw_unwrap_inv(&k, w, 32, out), FM_OK);
    assert_int_equal(approved_now(), 1);
    w[30] ^= 0x80;
    assert_int_equal(fm_aes_kw_unwrap_inv(&k, w, 32, out), FM_ERR_VERIFY);
    assert_int_equal(approved_now(), 0);
    assert_int_equal(fm_aes_kw_wrap_inv(&k, in, 8, w), FM_ERR_LENGTH);
    assert_int_equal(approved_now(), 0);
    assert_int_equal(fm_aes_kwp_wrap_inv(&k, in, 5, w), FM_OK);
    assert_int_equal(approved_now(), 1);
    assert_int_equal(fm_aes_kwp_unwrap_inv(&k, w, 16, out, &outlen), FM_OK);
    assert_int_equal(approved_now(), 1);
    assert_int_equal(outlen, 5);
    w[0] ^= 1;
    assert_int_equal(fm_aes_kwp_unwrap_inv(&k, w, 16, out, &outlen), FM_ERR_VERIFY);
    assert_int_equal(approved_now(), 0);
    assert_int_equal(fm_aes_kwp_unwrap_inv(&k, w, 15, out, &outlen), FM_ERR_LENGTH);
    assert_int_equal(approved_now(), 0);
    assert_int_equal(fm_aes_wipe(&k), FM_OK);
    printf("  indicator: approved after each successful wrap/unwrap (forward and inverse "
           "cipher), not after FM_ERR_VERIFY or FM_ERR_LENGTH, on %s\n", c->impl.name);
}

/* ---- main --------------------------------------------------------------------------- */

int main(void)
{
    tu_init("test_aes_kw");
    {
        tu_case t = { .family = FM_FAMILY_AES };

        add_per_impl(test_rfc, &t, "RFC 3394 and RFC 5649 vectors");
    }
    {
        tu_case t = { .file = "wycheproof/aes_wrap_test.json", .expect = 165,
                      .data = wp_kw_counts };

        add_per_impl(test_wycheproof, &t, t.file);
        t.file = "wycheproof/aes_kwp_test.json";
        t.expect = 254;
        t.data = wp_kwp_counts;
        add_per_impl(test_wycheproof, &t, t.file);
    }
    {
        tu_case t = { .file = "acvp/ACVP-AES-KW-1.0/prompt.json", .expect = 7200 };

        add_per_impl(test_acvp, &t, "ACVP-AES-KW-1.0 sample, kwCipher \"cipher\" and "
                     "\"inverse\" groups");
        t.file = "acvp/ACVP-AES-KWP-1.0/prompt.json";
        add_per_impl(test_acvp, &t, "ACVP-AES-KWP-1.0 sample, kwCipher \"cipher\" and "
                     "\"inverse\" groups");
    }
    {
        tu_case t = { 0 };

        /* Once, on the default implementation: the files are not shipped. */
        tu_add(&suite, test_cavp, &t, "CAVP cavp/kw/KW{,P}_{AE,AD}_*.txt (if present)");
    }
    {
        tu_case t = { .family = FM_FAMILY_AES };

        add_per_impl(test_vs_openssl, &t, "differential vs OpenSSL EVP_aes_*_wrap{,_pad}");
        add_per_impl(test_inverse_vs_reference, &t,
                     "inverse cipher vs an OpenSSL-ECB reference, round trips, tamper");
        add_per_impl(test_crafted, &t, "crafted KWP MLI/padding/ICV2 and KW ICV1 cases");
        add_per_impl(test_bad_input, &t, "bad input, out zeroed on failure");
        t.data = &inverse_variant;
        add_per_impl(test_crafted, &t,
                     "crafted KWP MLI/padding/ICV2 and KW ICV1 cases, inverse cipher");
        add_per_impl(test_bad_input, &t, "bad input, out zeroed on failure, inverse cipher");
        t.data = NULL;
        add_per_impl(test_indicator, &t, "service indicator");
    }
    return tu_run(&suite, "test_aes_kw");
}
