/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AES-GCM (SP 800-38D) tests for the GCM services of fipsmod/aes.h:
 * fm_aes_gcm_init/_wipe, the one-shot fm_aes_gcm_seal/_open, the module-
 * generated IVs of section 8.2.2 (fm_aes_gcm_seal_geniv, _start_geniv:
 * 96 bits from the module's DRBG), the streaming calls and the service
 * indicator. Every test runs once per AES implementation the CPU offers
 * ("portable" bitsliced + constant-time GHASH, "aesni" + PCLMULQDQ, "vaes"
 * + VPCLMULQDQ): the key remembers the implementation that made it, so a
 * key made after selecting an implementation runs that implementation. One
 * the CPU cannot run is a skipped test that prints why.
 *
 *  - CAVP gcmEncryptExtIV{128,192,256}.rsp: every record (IV of 8, 96 and
 *    1024 bits, AAD 0..720 bits, PT 0..408 bits, tags of 32..128 bits):
 *    seal out of place and in place, open of the answer, and the same
 *    message streamed in two random pieces of AAD and data;
 *  - CAVP gcmDecrypt{128,192,256}.rsp: every record, PT records open to PT
 *    and FAIL records give FM_ERR_VERIFY with the output zeroed, one-shot
 *    and streamed (fm_aes_gcm_decrypt_final zeroes the plaintext);
 *  - Wycheproof aes_gcm_test.json: valid tests seal to ct||tag and open;
 *    invalid tests get the error code the API documents for their cause
 *    (the mapping is printed): a 0-byte IV is FM_ERR_LENGTH in both
 *    directions, a modified tag is FM_ERR_VERIFY with the output zeroed;
 *  - OpenSSL EVP aes-*-gcm as the oracle: every key size, IV lengths 1..70
 *    (each with every key size), AAD 0..100, data 0..1200 bytes and a few
 *    up to 70 KiB, tags 4..16; in place and out of place at odd offsets,
 *    nothing written outside out[0..len) nor past tag[taglen]; a corrupted
 *    tag, ciphertext, AAD or IV is FM_ERR_VERIFY with the output zeroed;
 *  - the 32-bit counter wrap (inc32): 16-byte IVs built by inverting GHASH
 *    so that J0 ends in ffffffff - d, d = 0..63, against OpenSSL, one-shot
 *    and streamed;
 *  - streaming: random pieces (empty, short, whole blocks, long) of AAD and
 *    data equal one call, in both directions; a bad tag zeroes the
 *    plaintext; calls out of order are FM_ERR_CONTEXT and wipe the context;
 *  - IV generation (RBG-based, 8.2.2): works on a fresh key with no setup;
 *    each IV is exactly 12 bytes; 2000 seal_geniv + 200 start_geniv IVs on
 *    one key, and 4 threads x 500 on another, are all distinct and none is
 *    all zero; every output matches OpenSSL for the returned IV and opens
 *    with fm_aes_gcm_open; a refused seal_geniv (tag length, out NULL,
 *    wiped key) zeroes iv, out and tag. The 2^32 invocation limit (8.3) is
 *    not reachable in a test;
 *  - the service indicator after each GCM service, and strict mode (in a
 *    child process, since strict mode cannot be turned off);
 *  - bad input: NULL pointers, key lengths, IV length 0, tag lengths 3 and
 *    17, AAD over 2^61 - 1 bytes, uninitialised, garbage and wiped keys:
 *    the documented error code, outputs zeroed, keys and contexts wiped.
 *
 * Every loop asserts the exact number of records or cases it checked. The
 * vector files come from ../shared/vectors (or $FIPSMOD_VECTORS); when the
 * folder is absent those tests are skipped and say why.
 */
#include "testutil.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

#define CANARY 0xc3

static const char *err_name(int rc)
{
    const char *n = "?";

    if (rc == FM_OK)
        return "FM_OK";
    (void)fm_error_name(rc, &n);
    return n;
}

/* Fail unless rc == want, naming both. */
static void expect_rc(const char *what, int rc, int want)
{
    if (rc != want)
        fail_msg("%s: returned %d %s, expected %d %s", what, rc, err_name(rc), want,
                 err_name(want));
}

static int indicator(void)
{
    int a = -1;

    assert_int_equal(fm_service_approved(&a), FM_OK);
    assert_true(a == 0 || a == 1);
    return a;
}

static void gcm_init_ok(fm_aes_gcm_key *k, const uint8_t *key, size_t klen)
{
    expect_rc("fm_aes_gcm_init", fm_aes_gcm_init(k, key, klen), FM_OK);
}

static const EVP_CIPHER *evp_gcm(size_t klen)
{
    switch (klen) {
    case 16: return EVP_aes_128_gcm();
    case 24: return EVP_aes_192_gcm();
    case 32: return EVP_aes_256_gcm();
    default: fail_msg("no OpenSSL GCM for a %zu-byte key", klen);
    }
    return NULL;
}

/* OpenSSL's seal: ct (len bytes, must not be NULL) and the first taglen tag bytes. */
static void ossl_seal(const uint8_t *key, size_t klen, const uint8_t *iv, size_t ivlen,
                      const uint8_t *aad, size_t aadlen, const uint8_t *pt, size_t len,
                      uint8_t *ct, uint8_t *tag, size_t taglen)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0, m = 0;

    assert_non_null(ctx);
    assert_int_equal(EVP_EncryptInit_ex(ctx, evp_gcm(klen), NULL, NULL, NULL), 1);
    assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, (int)ivlen, NULL), 1);
    assert_int_equal(EVP_EncryptInit_ex(ctx, NULL, NULL, key, iv), 1);
    if (aadlen > 0)
        assert_int_equal(EVP_EncryptUpdate(ctx, NULL, &n, aad, (int)aadlen), 1);
    n = 0;
    if (len > 0)
        assert_int_equal(EVP_EncryptUpdate(ctx, ct, &n, pt, (int)len), 1);
    assert_int_equal(EVP_EncryptFinal_ex(ctx, ct + n, &m), 1);
    assert_int_equal((size_t)n + (size_t)m, len);
    assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, (int)taglen, tag), 1);
    EVP_CIPHER_CTX_free(ctx);
}

/* Bytes [0, from) and [to, cap) of buf must still be the canary. */
static void check_canary(const char *what, const uint8_t *buf, size_t from, size_t to, size_t cap)
{
    size_t i;

    for (i = 0; i < from; i++)
        if (buf[i] != CANARY)
            fail_msg("%s: wrote %zu bytes before the output (byte -%zu is 0x%02x)", what,
                     from - i, from - i, buf[i]);
    for (i = to; i < cap; i++)
        if (buf[i] != CANARY)
            fail_msg("%s: wrote past the output (byte +%zu after it is 0x%02x)", what, i - to,
                     buf[i]);
}

static uint64_t load_be64(const uint8_t *p)
{
    uint64_t v = 0;
    int i;

    for (i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

static void store_be64(uint8_t *p, uint64_t v)
{
    int i;

    for (i = 7; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

/*
 * Length of the next piece when cutting `left` bytes at random: empty,
 * short (1..17: partial blocks), whole blocks, or anything up to the rest.
 * After 40 pieces, the rest (so every split ends).
 */
static size_t next_piece(tu_rng *r, size_t left, unsigned pieces)
{
    if (pieces >= 40)
        return left;
    switch (tu_rng_below(r, 5)) {
    case 0:
        return 0;
    case 1:
        return tu_rng_below(r, (left < 17 ? left : 17) + 1);
    case 2:
        return 16 * tu_rng_below(r, left / 16 + 1);
    default:
        return tu_rng_below(r, left + 1);
    }
}

/*
 * Streamed encryption (dir FM_AES_GCM_ENCRYPT, tag written) or decryption
 * (the tag checked by fm_aes_gcm_decrypt_final with pt = out) of one message
 * cut at random; in place when in == out. Returns the final call's result;
 * every other call must succeed. *npieces counts the calls made.
 */
static int gcm_stream(tu_rng *r, const fm_aes_gcm_key *k, int dir, const uint8_t *iv,
                      size_t ivlen, const uint8_t *aad, size_t aadlen, const uint8_t *in,
                      uint8_t *out, size_t len, uint8_t *tag, size_t taglen, long *npieces)
{
    fm_aes_gcm_ctx ctx;
    size_t off;
    unsigned pieces;
    int rc;

    memset(&ctx, 0x77, sizeof ctx);
    expect_rc("fm_aes_gcm_start", fm_aes_gcm_start(&ctx, k, dir, iv, ivlen), FM_OK);
    for (off = 0, pieces = 0; off < aadlen || pieces == 0; pieces++) {
        size_t n = next_piece(r, aadlen - off, pieces);

        expect_rc("fm_aes_gcm_aad", fm_aes_gcm_aad(&ctx, aad + off, n), FM_OK);
        off += n;
    }
    *npieces += pieces;
    for (off = 0, pieces = 0; off < len || pieces == 0; pieces++) {
        size_t n = next_piece(r, len - off, pieces);

        expect_rc("fm_aes_gcm_update", fm_aes_gcm_update(&ctx, in + off, out + off, n), FM_OK);
        off += n;
    }
    *npieces += pieces;
    if (dir == FM_AES_GCM_ENCRYPT)
        rc = fm_aes_gcm_encrypt_final(&ctx, tag, taglen);
    else
        rc = fm_aes_gcm_decrypt_final(&ctx, tag, taglen, out, len);
    if (!tu_all_zero(&ctx, sizeof ctx))
        fail_msg("the final call (%s) left the context not all zero", err_name(rc));
    return rc;
}

/* ---- CAVP ------------------------------------------------------------------------- */

#define CAVP_RECORDS 7875 /* per file: 175 sections of 15 (encrypt) */

static const struct {
    const char *file;
    size_t klen;
    bool encrypt;
    long fails; /* FAIL records (decrypt files) */
} cavp_files[] = {
    { "gcmEncryptExtIV128.rsp", 16, true, 0 },
    { "gcmEncryptExtIV192.rsp", 24, true, 0 },
    { "gcmEncryptExtIV256.rsp", 32, true, 0 },
    { "gcmDecrypt128.rsp", 16, false, 4011 },
    { "gcmDecrypt192.rsp", 24, false, 3978 },
    { "gcmDecrypt256.rsp", 32, false, 3919 },
};

static char cavp_paths[sizeof cavp_files / sizeof cavp_files[0]][64];

/* A section parameter in bits, as bytes; the test fails if it is absent. */
static size_t rsp_param_bytes(const tu_rsp *r, const char *name)
{
    const char *v = tu_rsp_param(r, name);
    long bits;

    if (v == NULL)
        fail_msg("%s:%lu: record outside a [%s = ...] section", r->path, r->record_line, name);
    bits = strtol(v, NULL, 10);
    if (bits < 0 || bits % 8 != 0)
        fail_msg("%s:%lu: [%s = %s] is not a whole number of bytes", r->path, r->record_line,
                 name, v);
    return (size_t)bits / 8;
}

static void test_cavp(void **state)
{
    tu_case *c = tu_begin(state);
    const size_t fi = (size_t)(uintptr_t)c->data;
    const size_t klen = cavp_files[fi].klen;
    const bool enc = cavp_files[fi].encrypt;
    char path[PATH_MAX];
    long checked = 0, n_fail = 0, n_pass = 0, by_iv[3] = { 0, 0, 0 }, pieces = 0;
    long by_tag[17] = { 0 };
    tu_rng rng;
    tu_rsp r;
    int rc;

    tu_rng_init_named(&rng, c->name);
    tu_vector_path(c, path, sizeof path);
    assert_int_equal(tu_rsp_open(&r, path), 0);
    while ((rc = tu_rsp_next(&r)) == 1) {
        uint8_t key[32], iv[128], pt[64], ct[64], aad[96], tag[16];
        uint8_t got[64 + 16], gtag[16 + 8];
        size_t kl = tu_rsp_hex(&r, "Key", key, sizeof key);
        size_t il = tu_rsp_hex(&r, "IV", iv, sizeof iv);
        size_t cl = tu_rsp_hex(&r, "CT", ct, sizeof ct);
        size_t al = tu_rsp_hex(&r, "AAD", aad, sizeof aad);
        size_t tl = tu_rsp_hex(&r, "Tag", tag, sizeof tag);
        bool fail = tu_rsp_field(&r, "FAIL") != NULL;
        size_t pl = fail ? cl : tu_rsp_hex(&r, "PT", pt, sizeof pt);
        fm_aes_gcm_key k;
        char what[256];

        if (kl != klen || rsp_param_bytes(&r, "Keylen") != klen ||
            il != rsp_param_bytes(&r, "IVlen") || pl != rsp_param_bytes(&r, "PTlen") ||
            cl != pl || al != rsp_param_bytes(&r, "AADlen") ||
            tl != rsp_param_bytes(&r, "Taglen") || (enc && fail) ||
            (fail && tu_rsp_field(&r, "PT") != NULL))
            fail_msg("%s:%lu: fields do not match the section parameters", path,
                     r.record_line);
        snprintf(what, sizeof what, "%s line %lu (Count = %s, IV %zu, AAD %zu, PT %zu, tag %zu "
                 "bytes) on %s", c->file, r.record_line, tu_rsp_field(&r, "Count"), il, al, pl,
                 tl, c->impl.name);
        gcm_init_ok(&k, key, kl);
        if (enc) {
            /* Out of place; nothing written past len or taglen. */
            memset(got, CANARY, sizeof got);
            memset(gtag, CANARY, sizeof gtag);
            expect_rc(what, fm_aes_gcm_seal(&k, iv, il, aad, al, pt, pl, got, gtag, tl), FM_OK);
            if (!tu_mem_eq(what, got, ct, pl) || !tu_mem_eq(what, gtag, tag, tl))
                fail_msg("%s: seal differs from CT || Tag", what);
            check_canary(what, got, 0, pl, sizeof got);
            check_canary(what, gtag, 0, tl, sizeof gtag);
            /* In place. */
            memcpy(got, pt, pl);
            expect_rc(what, fm_aes_gcm_seal(&k, iv, il, aad, al, got, pl, got, gtag, tl), FM_OK);
            if (!tu_mem_eq(what, got, ct, pl) || !tu_mem_eq(what, gtag, tag, tl))
                fail_msg("%s: in-place seal differs from CT || Tag", what);
            /* Open the answer. */
            memset(got, CANARY, sizeof got);
            expect_rc(what, fm_aes_gcm_open(&k, iv, il, aad, al, ct, pl, tag, tl, got), FM_OK);
            if (!tu_mem_eq(what, got, pt, pl))
                fail_msg("%s: open of CT || Tag is not PT", what);
            /* Streamed, in random pieces. */
            memset(got, CANARY, sizeof got);
            expect_rc(what, gcm_stream(&rng, &k, FM_AES_GCM_ENCRYPT, iv, il, aad, al, pt, got,
                                       pl, gtag, tl, &pieces), FM_OK);
            if (!tu_mem_eq(what, got, ct, pl) || !tu_mem_eq(what, gtag, tag, tl))
                fail_msg("%s: streamed encryption differs from CT || Tag", what);
            n_pass++;
        } else if (fail) {
            memset(got, 0x5a, sizeof got);
            expect_rc(what, fm_aes_gcm_open(&k, iv, il, aad, al, ct, cl, tag, tl, got),
                      FM_ERR_VERIFY);
            if (!tu_all_zero(got, cl))
                fail_msg("%s: FAIL record opened with FM_ERR_VERIFY but the output is not zeroed",
                         what);
            if (got[cl] != 0x5a)
                fail_msg("%s: open zeroed past len", what);
            /* Streamed: the plaintext released along the way is zeroed by the final call. */
            memset(got, 0x5a, sizeof got);
            expect_rc(what, gcm_stream(&rng, &k, FM_AES_GCM_DECRYPT, iv, il, aad, al, ct, got,
                                       cl, tag, tl, &pieces), FM_ERR_VERIFY);
            if (!tu_all_zero(got, cl))
                fail_msg("%s: fm_aes_gcm_decrypt_final returned FM_ERR_VERIFY but left "
                         "plaintext", what);
            n_fail++;
        } else {
            memset(got, 0x5a, sizeof got);
            expect_rc(what, fm_aes_gcm_open(&k, iv, il, aad, al, ct, cl, tag, tl, got), FM_OK);
            if (!tu_mem_eq(what, got, pt, pl))
                fail_msg("%s: open is not PT", what);
            memcpy(got, ct, cl);
            expect_rc(what, fm_aes_gcm_open(&k, iv, il, aad, al, got, cl, tag, tl, got), FM_OK);
            if (!tu_mem_eq(what, got, pt, pl))
                fail_msg("%s: in-place open is not PT", what);
            memset(got, 0x5a, sizeof got);
            expect_rc(what, gcm_stream(&rng, &k, FM_AES_GCM_DECRYPT, iv, il, aad, al, ct, got,
                                       cl, tag, tl, &pieces), FM_OK);
            if (!tu_mem_eq(what, got, pt, pl))
                fail_msg("%s: streamed decryption is not PT", what);
            n_pass++;
        }
        expect_rc("fm_aes_gcm_wipe", fm_aes_gcm_wipe(&k), FM_OK);
        by_iv[il == 1 ? 0 : il == 12 ? 1 : 2]++;
        by_tag[tl]++;
        checked++;
    }
    tu_rsp_close(&r);
    assert_int_equal(rc, 0);
    printf("  %s: %ld of %d records checked on %s (%ld %s, %ld FAIL; IV 1/12/128 bytes: "
           "%ld/%ld/%ld; tags 4/8/12/13/14/15/16 bytes: %ld/%ld/%ld/%ld/%ld/%ld/%ld; "
           "%ld streamed pieces)\n", c->file, checked, CAVP_RECORDS, c->impl.name, n_pass,
           enc ? "sealed, opened and streamed" : "opened", n_fail, by_iv[0], by_iv[1], by_iv[2],
           by_tag[4], by_tag[8], by_tag[12], by_tag[13], by_tag[14], by_tag[15], by_tag[16],
           pieces);
    assert_int_equal(checked, CAVP_RECORDS);
    assert_int_equal(n_fail, cavp_files[fi].fails);
    assert_int_equal(n_pass, CAVP_RECORDS - cavp_files[fi].fails);
    assert_int_equal(by_iv[0], CAVP_RECORDS / 3);
    assert_int_equal(by_iv[1], CAVP_RECORDS / 3);
    assert_int_equal(by_iv[2], CAVP_RECORDS / 3);
    assert_int_equal(by_tag[4] + by_tag[8] + by_tag[12] + by_tag[13] + by_tag[14] + by_tag[15] +
                         by_tag[16], CAVP_RECORDS);
    assert_int_equal(by_tag[16], CAVP_RECORDS / 7);
}

/* ---- Wycheproof ---------------------------------------------------------------------- */

#define WP_TESTS 316
#define WP_VALID 229
#define WP_INVALID 87
#define WP_ACCEPTABLE 0

static uint8_t *json_hex(const char *path, json_t *t, const char *field, size_t *len)
{
    const char *s = json_string_value(json_object_get(t, field));
    uint8_t *p;

    if (s == NULL)
        fail_msg("%s: tcId %" JSON_INTEGER_FORMAT ": no string '%s'", path,
                 json_integer_value(json_object_get(t, "tcId")), field);
    p = tu_hex_alloc(s, len);
    if (p == NULL)
        fail_msg("%s: bad hex in '%s'", path, field);
    return p;
}

static bool has_flag(json_t *t, const char *flag)
{
    json_t *flags = json_object_get(t, "flags"), *f;
    size_t i;

    json_array_foreach(flags, i, f) {
        if (json_is_string(f) && strcmp(json_string_value(f), flag) == 0)
            return true;
    }
    return false;
}

/* One row of the printed mapping: result + flags -> what the module returns. */
struct wp_map {
    char key[96];
    int rc;
    long count;
};

static void wp_count(struct wp_map *map, size_t *n, size_t cap, const char *result, json_t *t,
                     int rc)
{
    json_t *flags = json_object_get(t, "flags"), *f;
    char key[96];
    size_t i;

    snprintf(key, sizeof key, "%s", result);
    json_array_foreach(flags, i, f) {
        size_t l = strlen(key);
        snprintf(key + l, sizeof key - l, "%s%s", i == 0 ? " [" : ",", json_string_value(f));
    }
    if (json_array_size(flags) > 0)
        strncat(key, "]", sizeof key - strlen(key) - 1);
    for (i = 0; i < *n; i++) {
        if (strcmp(map[i].key, key) == 0 && map[i].rc == rc) {
            map[i].count++;
            return;
        }
    }
    if (*n == cap)
        fail_msg("too many kinds of Wycheproof test");
    snprintf(map[*n].key, sizeof map[*n].key, "%s", key);
    map[*n].rc = rc;
    map[*n].count = 1;
    (*n)++;
}

/*
 * The error code the API documents for a test's parameters, before any tag
 * is checked: a key of other than 16, 24 or 32 bytes fails fm_aes_gcm_init
 * with FM_ERR_LENGTH; an IV of 0 bytes or a tag outside 4..16 bytes fails
 * seal and open with FM_ERR_LENGTH. FM_OK when the parameters are accepted.
 */
static int wp_param_rc(size_t klen, size_t ivlen, size_t taglen)
{
    if (klen != 16 && klen != 24 && klen != 32)
        return FM_ERR_LENGTH;
    if (ivlen == 0 || taglen < 4 || taglen > FM_AES_GCM_TAG_LEN)
        return FM_ERR_LENGTH;
    return FM_OK;
}

static void test_wycheproof(void **state)
{
    tu_case *c = tu_begin(state);
    char path[PATH_MAX];
    json_error_t err;
    json_t *root, *groups, *group;
    long checked = 0, n_valid = 0, n_invalid = 0, n_acceptable = 0, n_verify = 0, n_length = 0;
    struct wp_map map[16];
    size_t nmap = 0, gi, i;

    tu_vector_path(c, path, sizeof path);
    root = json_load_file(path, 0, &err);
    if (root == NULL)
        fail_msg("%s:%d: %s", path, err.line, err.text);
    groups = json_object_get(root, "testGroups");
    assert_true(json_is_array(groups));
    json_array_foreach(groups, gi, group) {
        json_int_t key_bits = json_integer_value(json_object_get(group, "keySize"));
        json_int_t iv_bits = json_integer_value(json_object_get(group, "ivSize"));
        json_int_t tag_bits = json_integer_value(json_object_get(group, "tagSize"));
        json_t *tests = json_object_get(group, "tests"), *t;
        size_t ti;

        assert_true(json_is_array(tests));
        json_array_foreach(tests, ti, t) {
            json_int_t tc = json_integer_value(json_object_get(t, "tcId"));
            const char *result = json_string_value(json_object_get(t, "result"));
            size_t kl, ivl, al, ml, cl, tl;
            uint8_t *key = json_hex(path, t, "key", &kl);
            uint8_t *iv = json_hex(path, t, "iv", &ivl);
            uint8_t *aad = json_hex(path, t, "aad", &al);
            uint8_t *msg = json_hex(path, t, "msg", &ml);
            uint8_t *ct = json_hex(path, t, "ct", &cl);
            uint8_t *tag = json_hex(path, t, "tag", &tl);
            uint8_t *got = malloc(ml + 1), gtag[17];
            bool valid, invalid;
            int want, init_rc;
            fm_aes_gcm_key k;
            char what[256];

            assert_non_null(got);
            assert_non_null(result);
            valid = strcmp(result, "valid") == 0;
            invalid = strcmp(result, "invalid") == 0;
            if (!valid && !invalid && strcmp(result, "acceptable") != 0)
                fail_msg("%s: tcId %" JSON_INTEGER_FORMAT ": result '%s'", path, tc, result);
            if ((json_int_t)kl * 8 != key_bits || (json_int_t)ivl * 8 != iv_bits ||
                (json_int_t)tl * 8 != tag_bits || cl != ml)
                fail_msg("%s: tcId %" JSON_INTEGER_FORMAT ": lengths differ from the group's",
                         path, tc);
            snprintf(what, sizeof what, "Wycheproof tcId %" JSON_INTEGER_FORMAT " (%s, %s; key "
                     "%zu, IV %zu, AAD %zu, msg %zu bytes) on %s", tc, result,
                     json_string_value(json_object_get(t, "comment")), kl, ivl, al, ml,
                     c->impl.name);

            want = wp_param_rc(kl, ivl, tl);
            memset(&k, 0xa5, sizeof k);
            init_rc = fm_aes_gcm_init(&k, key, kl);
            if (kl == 16 || kl == 24 || kl == 32)
                expect_rc(what, init_rc, FM_OK);
            if (kl != 16 && kl != 24 && kl != 32) {
                /* The key size itself is refused (the key is left wiped): nothing to run. */
                expect_rc(what, init_rc, FM_ERR_LENGTH);
                if (!tu_all_zero(&k, sizeof k))
                    fail_msg("%s: fm_aes_gcm_init refused the key but did not wipe it", what);
                if (valid)
                    fail_msg("%s: a valid test with a key size the API refuses", what);
                if (invalid)
                    n_invalid++;
                else
                    n_acceptable++;
                n_length++;
                wp_count(map, &nmap, 16, result, t, FM_ERR_LENGTH);
            } else if (valid || (want == FM_OK && !invalid)) {
                /*
                 * Valid, or "acceptable" (weak but allowed) with parameters
                 * the API takes: the module refuses no weak GCM parameter
                 * beyond its documented lengths, so an acceptable test must
                 * then behave as a valid one. (The file has none today.)
                 */
                if (want != FM_OK)
                    fail_msg("%s: a valid test the API refuses with %s", what, err_name(want));
                memset(got, 0x5a, ml + 1);
                memset(gtag, 0x5a, sizeof gtag);
                expect_rc(what, fm_aes_gcm_seal(&k, iv, ivl, aad, al, msg, ml, got, gtag, tl),
                          FM_OK);
                if (!tu_mem_eq(what, got, ct, ml) || !tu_mem_eq(what, gtag, tag, tl))
                    fail_msg("%s: seal differs from ct || tag", what);
                if (got[ml] != 0x5a || gtag[tl] != 0x5a)
                    fail_msg("%s: seal wrote past the output or the tag", what);
                memset(got, 0x5a, ml + 1);
                expect_rc(what, fm_aes_gcm_open(&k, iv, ivl, aad, al, ct, cl, tag, tl, got),
                          FM_OK);
                if (!tu_mem_eq(what, got, msg, ml))
                    fail_msg("%s: open is not msg", what);
                /* In place, both ways. */
                memcpy(got, msg, ml);
                expect_rc(what, fm_aes_gcm_seal(&k, iv, ivl, aad, al, got, ml, got, gtag, tl),
                          FM_OK);
                if (!tu_mem_eq(what, got, ct, ml) || !tu_mem_eq(what, gtag, tag, tl))
                    fail_msg("%s: in-place seal differs", what);
                expect_rc(what, fm_aes_gcm_open(&k, iv, ivl, aad, al, got, ml, tag, tl, got),
                          FM_OK);
                if (!tu_mem_eq(what, got, msg, ml))
                    fail_msg("%s: in-place open is not msg", what);
                if (valid)
                    n_valid++;
                else
                    n_acceptable++;
                wp_count(map, &nmap, 16, result, t, FM_OK);
            } else {
                /*
                 * Invalid (or acceptable with parameters the API refuses).
                 * The cause decides the code: parameters the API refuses
                 * give FM_ERR_LENGTH, in both directions; otherwise the
                 * tag cannot verify (FM_ERR_VERIFY, output zeroed).
                 */
                int rc;

                if (want == FM_OK)
                    want = FM_ERR_VERIFY;
                if (has_flag(t, "ZeroLengthIv") && want != FM_ERR_LENGTH)
                    fail_msg("%s: flag ZeroLengthIv but the IV has %zu bytes", what, ivl);
                if (has_flag(t, "ModifiedTag") && want != FM_ERR_VERIFY)
                    fail_msg("%s: flag ModifiedTag but the parameters are refused", what);
                if (!has_flag(t, "ZeroLengthIv") && !has_flag(t, "ModifiedTag"))
                    fail_msg("%s: an invalid test with flags this test does not map to an "
                             "error code yet: read the flag's note and add it", what);
                memset(got, 0x5a, ml + 1);
                rc = fm_aes_gcm_open(&k, iv, ivl, aad, al, ct, cl, tag, tl, got);
                expect_rc(what, rc, want);
                if (!tu_all_zero(got, ml) || got[ml] != 0x5a)
                    fail_msg("%s: open failed but the output is not exactly len zero bytes",
                             what);
                if (indicator() != 0)
                    fail_msg("%s: a failed open left the indicator approved", what);
                memset(got, 0x5a, ml + 1);
                memset(gtag, 0x5a, sizeof gtag);
                rc = fm_aes_gcm_seal(&k, iv, ivl, aad, al, msg, ml, got, gtag, tl);
                if (want == FM_ERR_LENGTH) {
                    expect_rc(what, rc, FM_ERR_LENGTH);
                    if (!tu_all_zero(got, ml) || !tu_all_zero(gtag, tl))
                        fail_msg("%s: seal failed but left output or tag bytes", what);
                    n_length++;
                } else {
                    /* The module's own encryption must not be the forgery. */
                    expect_rc(what, rc, FM_OK);
                    if (memcmp(got, ct, ml) == 0 && memcmp(gtag, tag, tl) == 0)
                        fail_msg("%s: seal produced the invalid ct || tag", what);
                    n_verify++;
                }
                if (invalid)
                    n_invalid++;
                else
                    n_acceptable++;
                wp_count(map, &nmap, 16, result, t, want);
            }
            (void)fm_aes_gcm_wipe(&k);
            checked++;
            free(got);
            free(key);
            free(iv);
            free(aad);
            free(msg);
            free(ct);
            free(tag);
        }
    }
    json_decref(root);
    printf("  %s on %s: %ld tests (%ld valid, %ld invalid, %ld acceptable); expected codes:\n",
           c->file, c->impl.name, checked, n_valid, n_invalid, n_acceptable);
    for (i = 0; i < nmap; i++)
        printf("    %-40s -> %-14s x %ld\n", map[i].key, err_name(map[i].rc), map[i].count);
    assert_int_equal(checked, WP_TESTS);
    assert_int_equal(n_valid, WP_VALID);
    assert_int_equal(n_invalid, WP_INVALID);
    assert_int_equal(n_acceptable, WP_ACCEPTABLE);
    assert_int_equal(n_length, 6);
    assert_int_equal(n_verify, 81);
}

/* ---- OpenSSL differential ------------------------------------------------------------- */

#define DIFF_SWEEP 420 /* IV lengths 1..70, each with each key size twice */
#define DIFF_LARGE 6
#define DIFF_MAX_LEN (70 * 1024)
#define DIFF_SLACK 40

static void test_vs_openssl(void **state)
{
    tu_case *c = tu_begin(state);
    static const size_t klens[3] = { 16, 24, 32 };
    static const size_t special[] = { 0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255, 256, 257 };
    static const size_t large[DIFF_LARGE] = { 4096, 16383, 65536, 65551, 70000, DIFF_MAX_LEN };
    const size_t cap = DIFF_MAX_LEN + DIFF_SLACK;
    uint8_t *pt = malloc(cap), *want = malloc(cap), *buf = malloc(cap), *src = malloc(cap);
    uint8_t key[32], iv[70], aad[100], wtag[16], tag[16 + 8];
    bool seen_iv[71] = { false }, seen_tag[17] = { false }, seen_k[3] = { false };
    long cases = 0, corrupt[4] = { 0, 0, 0, 0 }, inplace = 0;
    size_t i;
    tu_rng rng;

    assert_non_null(pt);
    assert_non_null(want);
    assert_non_null(buf);
    assert_non_null(src);
    tu_rng_init_named(&rng, c->name);
    for (i = 0; i < DIFF_SWEEP + DIFF_LARGE; i++) {
        size_t ki = i % 3, klen = klens[ki];
        size_t ivlen = i < DIFF_SWEEP ? 1 + i % 70 : 12;
        size_t aadlen = tu_rng_below(&rng, 101);
        size_t taglen = 4 + tu_rng_below(&rng, 13);
        size_t len, ioff = 1 + 2 * tu_rng_below(&rng, 8), ooff = 1 + 2 * tu_rng_below(&rng, 8);
        fm_aes_gcm_key k;
        char what[200];
        int which;

        if (i >= DIFF_SWEEP)
            len = large[i - DIFF_SWEEP];
        else if (i % 5 == 0)
            len = special[tu_rng_below(&rng, sizeof special / sizeof special[0])];
        else
            len = tu_rng_below(&rng, 1201);
        if (i < 13)
            taglen = 4 + i; /* every tag length at least once, whatever the seed */
        tu_rng_fill(&rng, key, klen);
        tu_rng_fill(&rng, iv, ivlen);
        tu_rng_fill(&rng, aad, aadlen);
        tu_rng_fill(&rng, pt, len);
        snprintf(what, sizeof what, "case %zu: AES-%zu-GCM IV %zu, AAD %zu, data %zu, tag %zu "
                 "bytes on %s", i, 8 * klen, ivlen, aadlen, len, taglen, c->impl.name);
        ossl_seal(key, klen, iv, ivlen, aad, aadlen, pt, len, want, wtag, taglen);
        gcm_init_ok(&k, key, klen);

        /* Out of place, input and output at odd offsets. */
        memset(src, 0x11, cap);
        memcpy(src + ioff, pt, len);
        memset(buf, CANARY, cap);
        memset(tag, CANARY, sizeof tag);
        expect_rc(what, fm_aes_gcm_seal(&k, iv, ivlen, aad, aadlen, src + ioff, len, buf + ooff,
                                        tag, taglen), FM_OK);
        if (!tu_mem_eq(what, buf + ooff, want, len) || !tu_mem_eq(what, tag, wtag, taglen))
            fail_msg("%s: seal differs from OpenSSL", what);
        check_canary(what, buf, ooff, ooff + len, len + DIFF_SLACK);
        check_canary(what, tag, 0, taglen, sizeof tag);

        /* In place at an odd offset. */
        memset(buf, CANARY, cap);
        memcpy(buf + ioff, pt, len);
        memset(tag, CANARY, sizeof tag);
        expect_rc(what, fm_aes_gcm_seal(&k, iv, ivlen, aad, aadlen, buf + ioff, len, buf + ioff,
                                        tag, taglen), FM_OK);
        if (!tu_mem_eq(what, buf + ioff, want, len) || !tu_mem_eq(what, tag, wtag, taglen))
            fail_msg("%s: in-place seal differs from OpenSSL", what);
        check_canary(what, buf, ioff, ioff + len, len + DIFF_SLACK);
        check_canary(what, tag, 0, taglen, sizeof tag);

        /* Open OpenSSL's answer, out of place then in place. */
        memcpy(src + ioff, want, len);
        memset(buf, CANARY, cap);
        expect_rc(what, fm_aes_gcm_open(&k, iv, ivlen, aad, aadlen, src + ioff, len, wtag, taglen,
                                        buf + ooff), FM_OK);
        if (!tu_mem_eq(what, buf + ooff, pt, len))
            fail_msg("%s: open of OpenSSL's answer differs", what);
        check_canary(what, buf, ooff, ooff + len, len + DIFF_SLACK);
        memset(buf, CANARY, cap);
        memcpy(buf + ooff, want, len);
        expect_rc(what, fm_aes_gcm_open(&k, iv, ivlen, aad, aadlen, buf + ooff, len, wtag, taglen,
                                        buf + ooff), FM_OK);
        if (!tu_mem_eq(what, buf + ooff, pt, len))
            fail_msg("%s: in-place open of OpenSSL's answer differs", what);
        check_canary(what, buf, ooff, ooff + len, len + DIFF_SLACK);
        inplace++;

        /* One bit flipped in the tag, ciphertext, AAD or IV: FM_ERR_VERIFY, out zeroed. */
        which = (int)tu_rng_below(&rng, 4);
        if ((which == 1 && len == 0) || (which == 2 && aadlen == 0))
            which = 0;
        {
            uint8_t btag[16], biv[70], baad[100];
            size_t bit;

            memcpy(btag, wtag, taglen);
            memcpy(biv, iv, ivlen);
            memcpy(baad, aad, aadlen);
            memcpy(src + ioff, want, len);
            switch (which) {
            case 0: bit = tu_rng_below(&rng, 8 * taglen); btag[bit / 8] ^= (uint8_t)(1u << (bit % 8)); break;
            case 1: bit = tu_rng_below(&rng, 8 * len); src[ioff + bit / 8] ^= (uint8_t)(1u << (bit % 8)); break;
            case 2: bit = tu_rng_below(&rng, 8 * aadlen); baad[bit / 8] ^= (uint8_t)(1u << (bit % 8)); break;
            default: bit = tu_rng_below(&rng, 8 * ivlen); biv[bit / 8] ^= (uint8_t)(1u << (bit % 8)); break;
            }
            memset(buf, CANARY, cap);
            if (i % 2 == 0) {
                expect_rc(what, fm_aes_gcm_open(&k, biv, ivlen, baad, aadlen, src + ioff, len,
                                                btag, taglen, buf + ooff), FM_ERR_VERIFY);
            } else {
                memcpy(buf + ooff, src + ioff, len);
                expect_rc(what, fm_aes_gcm_open(&k, biv, ivlen, baad, aadlen, buf + ooff, len,
                                                btag, taglen, buf + ooff), FM_ERR_VERIFY);
            }
            if (!tu_all_zero(buf + ooff, len))
                fail_msg("%s: corrupted %s: FM_ERR_VERIFY but the %s output is not zeroed",
                         what, which == 0 ? "tag" : which == 1 ? "ciphertext"
                                                  : which == 2 ? "AAD" : "IV",
                         i % 2 == 0 ? "out-of-place" : "in-place");
            check_canary(what, buf, ooff, ooff + len, len + DIFF_SLACK);
            corrupt[which]++;
        }
        expect_rc("fm_aes_gcm_wipe", fm_aes_gcm_wipe(&k), FM_OK);
        seen_iv[ivlen] = seen_tag[taglen] = seen_k[ki] = true;
        cases++;
    }
    for (i = 1; i <= 70; i++)
        if (!seen_iv[i])
            fail_msg("IV length %zu was never tried", i);
    for (i = 4; i <= 16; i++)
        if (!seen_tag[i])
            fail_msg("tag length %zu was never tried", i);
    assert_true(seen_k[0] && seen_k[1] && seen_k[2]);
    printf("  %ld random messages equal OpenSSL on %s (IV 1..70, tags 4..16, up to %d bytes; "
           "out of place and in place; corrupted tag/ct/AAD/IV rejected %ld/%ld/%ld/%ld)\n",
           cases, c->impl.name, DIFF_MAX_LEN, corrupt[0], corrupt[1], corrupt[2], corrupt[3]);
    assert_int_equal(cases, DIFF_SWEEP + DIFF_LARGE);
    assert_int_equal(inplace, cases);
    assert_int_equal(corrupt[0] + corrupt[1] + corrupt[2] + corrupt[3], cases);
    free(pt);
    free(want);
    free(buf);
    free(src);
}

/* ---- streaming -------------------------------------------------------------------------- */

#define STREAM_ITERS 300

static void test_streaming(void **state)
{
    tu_case *c = tu_begin(state);
    static const size_t klens[3] = { 16, 24, 32 };
    const size_t cap = 5000;
    uint8_t *pt = malloc(cap), *one = malloc(cap), *got = malloc(cap);
    uint8_t key[32], iv[70], aad[300], tag1[16], tag2[16];
    long n_enc = 0, n_dec = 0, n_bad = 0, pieces = 0;
    size_t i;
    tu_rng rng;

    assert_non_null(pt);
    assert_non_null(one);
    assert_non_null(got);
    tu_rng_init_named(&rng, c->name);
    for (i = 0; i < STREAM_ITERS; i++) {
        size_t klen = klens[i % 3];
        size_t ivlen = tu_rng_below(&rng, 2) ? 12 : 1 + tu_rng_below(&rng, 70);
        size_t aadlen = tu_rng_below(&rng, 4) == 0 ? 0 : tu_rng_below(&rng, sizeof aad + 1);
        size_t len = tu_rng_below(&rng, 8) == 0 ? tu_rng_below(&rng, cap + 1)
                                                 : tu_rng_below(&rng, 700);
        size_t taglen = 4 + tu_rng_below(&rng, 13);
        bool in_place = tu_rng_below(&rng, 2) == 0;
        fm_aes_gcm_key k;
        char what[200];
        size_t bit;

        tu_rng_fill(&rng, key, klen);
        tu_rng_fill(&rng, iv, ivlen);
        tu_rng_fill(&rng, aad, aadlen);
        tu_rng_fill(&rng, pt, len);
        snprintf(what, sizeof what, "iteration %zu: AES-%zu-GCM IV %zu, AAD %zu, data %zu, tag "
                 "%zu%s on %s", i, 8 * klen, ivlen, aadlen, len, taglen,
                 in_place ? " in place" : "", c->impl.name);
        gcm_init_ok(&k, key, klen);
        expect_rc(what, fm_aes_gcm_seal(&k, iv, ivlen, aad, aadlen, pt, len, one, tag1, taglen),
                  FM_OK);

        /* Encrypt in pieces. */
        memset(got, CANARY, cap);
        if (in_place)
            memcpy(got, pt, len);
        expect_rc(what, gcm_stream(&rng, &k, FM_AES_GCM_ENCRYPT, iv, ivlen, aad, aadlen,
                                   in_place ? got : pt, got, len, tag2, taglen, &pieces), FM_OK);
        if (!tu_mem_eq(what, got, one, len) || !tu_mem_eq(what, tag2, tag1, taglen))
            fail_msg("%s: encryption in pieces differs from one call", what);
        if (len < cap && got[len] != CANARY)
            fail_msg("%s: streamed encryption wrote past len", what);
        n_enc++;

        /* Decrypt in pieces. */
        memset(got, CANARY, cap);
        if (in_place)
            memcpy(got, one, len);
        expect_rc(what, gcm_stream(&rng, &k, FM_AES_GCM_DECRYPT, iv, ivlen, aad, aadlen,
                                   in_place ? got : one, got, len, tag1, taglen, &pieces), FM_OK);
        if (!tu_mem_eq(what, got, pt, len))
            fail_msg("%s: decryption in pieces differs", what);
        n_dec++;

        /* A bad tag: FM_ERR_VERIFY and the plaintext handed out so far is zeroed. */
        memcpy(tag2, tag1, taglen);
        bit = tu_rng_below(&rng, 8 * taglen);
        tag2[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        memset(got, CANARY, cap);
        expect_rc(what, gcm_stream(&rng, &k, FM_AES_GCM_DECRYPT, iv, ivlen, aad, aadlen, one, got,
                                   len, tag2, taglen, &pieces), FM_ERR_VERIFY);
        if (!tu_all_zero(got, len))
            fail_msg("%s: streamed decryption with a bad tag left plaintext", what);
        if (len < cap && got[len] != CANARY)
            fail_msg("%s: fm_aes_gcm_decrypt_final zeroed past ptlen", what);
        n_bad++;
        expect_rc("fm_aes_gcm_wipe", fm_aes_gcm_wipe(&k), FM_OK);
    }
    printf("  %ld encryptions and %ld decryptions in %ld random pieces equal one call, %ld bad "
           "tags zeroed the plaintext, on %s\n", n_enc, n_dec, pieces, n_bad, c->impl.name);
    assert_int_equal(n_enc, STREAM_ITERS);
    assert_int_equal(n_dec, STREAM_ITERS);
    assert_int_equal(n_bad, STREAM_ITERS);
    free(pt);
    free(one);
    free(got);
}

/* The call failed with `want` and wiped the context. */
static void expect_ctx_fail(const char *what, int rc, int want, const fm_aes_gcm_ctx *ctx)
{
    expect_rc(what, rc, want);
    if (!tu_all_zero(ctx, sizeof *ctx))
        fail_msg("%s: failed with %s but the context is not wiped", what, err_name(rc));
    if (indicator() != 0)
        fail_msg("%s: failed but the indicator says approved", what);
}

static void start_ok(fm_aes_gcm_ctx *ctx, const fm_aes_gcm_key *k, int dir, const uint8_t *iv)
{
    memset(ctx, 0x77, sizeof *ctx);
    expect_rc("fm_aes_gcm_start", fm_aes_gcm_start(ctx, k, dir, iv, 12), FM_OK);
}

static void test_stream_order(void **state)
{
    tu_case *c = tu_begin(state);
    uint8_t key[16], iv[12], aad[40], in[64], out[64], tag[17], pt[64];
    fm_aes_gcm_key k, k2;
    fm_aes_gcm_ctx ctx;
    long checked = 0;

    memset(key, 0x42, sizeof key);
    memset(iv, 0x24, sizeof iv);
    memset(aad, 0x33, sizeof aad);
    memset(in, 0x44, sizeof in);
    gcm_init_ok(&k, key, sizeof key);

    /* AAD after data. */
    start_ok(&ctx, &k, FM_AES_GCM_ENCRYPT, iv);
    expect_rc("aad", fm_aes_gcm_aad(&ctx, aad, 5), FM_OK);
    expect_rc("update", fm_aes_gcm_update(&ctx, in, out, 20), FM_OK);
    expect_ctx_fail("fm_aes_gcm_aad after fm_aes_gcm_update",
                    fm_aes_gcm_aad(&ctx, aad, 3), FM_ERR_CONTEXT, &ctx);
    /* ... and the wiped context refuses everything after that. */
    memset(out, 0x5a, sizeof out);
    expect_ctx_fail("fm_aes_gcm_update on the context wiped by a failure",
                    fm_aes_gcm_update(&ctx, in, out, 16), FM_ERR_CONTEXT, &ctx);
    if (!tu_all_zero(out, 16))
        fail_msg("fm_aes_gcm_update failed but left output bytes");
    checked += 2;

    /* AAD after data in decryption, and an empty AAD call after data. */
    start_ok(&ctx, &k, FM_AES_GCM_DECRYPT, iv);
    expect_rc("update", fm_aes_gcm_update(&ctx, in, out, 1), FM_OK);
    expect_ctx_fail("fm_aes_gcm_aad (decrypt) after fm_aes_gcm_update",
                    fm_aes_gcm_aad(&ctx, aad, 0), FM_ERR_CONTEXT, &ctx);
    checked++;

    /* update, aad and a second final after encrypt_final. */
    start_ok(&ctx, &k, FM_AES_GCM_ENCRYPT, iv);
    expect_rc("update", fm_aes_gcm_update(&ctx, in, out, 33), FM_OK);
    expect_rc("encrypt_final", fm_aes_gcm_encrypt_final(&ctx, tag, 16), FM_OK);
    if (!tu_all_zero(&ctx, sizeof ctx))
        fail_msg("fm_aes_gcm_encrypt_final did not wipe the context");
    memset(out, 0x5a, sizeof out);
    expect_ctx_fail("fm_aes_gcm_update after fm_aes_gcm_encrypt_final",
                    fm_aes_gcm_update(&ctx, in, out, 16), FM_ERR_CONTEXT, &ctx);
    if (!tu_all_zero(out, 16) || out[16] != 0x5a)
        fail_msg("fm_aes_gcm_update after final: output not zeroed (exactly len bytes)");
    expect_ctx_fail("fm_aes_gcm_aad after fm_aes_gcm_encrypt_final",
                    fm_aes_gcm_aad(&ctx, aad, 1), FM_ERR_CONTEXT, &ctx);
    memset(tag, 0x5a, sizeof tag);
    expect_ctx_fail("a second fm_aes_gcm_encrypt_final",
                    fm_aes_gcm_encrypt_final(&ctx, tag, 16), FM_ERR_CONTEXT, &ctx);
    if (!tu_all_zero(tag, 16))
        fail_msg("a second fm_aes_gcm_encrypt_final left tag bytes");
    checked += 3;

    /* update after decrypt_final (success and failure). */
    start_ok(&ctx, &k, FM_AES_GCM_ENCRYPT, iv);
    expect_rc("update", fm_aes_gcm_update(&ctx, in, out, 40), FM_OK);
    expect_rc("encrypt_final", fm_aes_gcm_encrypt_final(&ctx, tag, 16), FM_OK);
    start_ok(&ctx, &k, FM_AES_GCM_DECRYPT, iv);
    expect_rc("update", fm_aes_gcm_update(&ctx, out, pt, 40), FM_OK);
    expect_rc("decrypt_final", fm_aes_gcm_decrypt_final(&ctx, tag, 16, pt, 40), FM_OK);
    if (memcmp(pt, in, 40) != 0)
        fail_msg("streamed round trip of 40 bytes differs");
    expect_ctx_fail("fm_aes_gcm_update after fm_aes_gcm_decrypt_final",
                    fm_aes_gcm_update(&ctx, out, pt, 8), FM_ERR_CONTEXT, &ctx);
    expect_ctx_fail("fm_aes_gcm_decrypt_final twice",
                    fm_aes_gcm_decrypt_final(&ctx, tag, 16, pt, 40), FM_ERR_CONTEXT, &ctx);
    if (!tu_all_zero(pt, 40))
        fail_msg("a refused fm_aes_gcm_decrypt_final did not zero pt");
    checked += 2;

    /* The wrong final for the direction. */
    start_ok(&ctx, &k, FM_AES_GCM_DECRYPT, iv);
    expect_rc("update", fm_aes_gcm_update(&ctx, in, out, 10), FM_OK);
    memset(tag, 0x5a, sizeof tag);
    expect_ctx_fail("fm_aes_gcm_encrypt_final on a decryption context",
                    fm_aes_gcm_encrypt_final(&ctx, tag, 16), FM_ERR_CONTEXT, &ctx);
    if (!tu_all_zero(tag, 16) || tag[16] != 0x5a)
        fail_msg("fm_aes_gcm_encrypt_final on a decryption context: tag not zeroed (16 bytes)");
    start_ok(&ctx, &k, FM_AES_GCM_ENCRYPT, iv);
    expect_rc("update", fm_aes_gcm_update(&ctx, in, out, 10), FM_OK);
    memcpy(pt, out, 10);
    expect_ctx_fail("fm_aes_gcm_decrypt_final on an encryption context",
                    fm_aes_gcm_decrypt_final(&ctx, tag, 16, pt, 10), FM_ERR_CONTEXT, &ctx);
    if (!tu_all_zero(pt, 10))
        fail_msg("fm_aes_gcm_decrypt_final on an encryption context: pt not zeroed");
    checked += 2;

    /* Never started: all zero, and garbage. */
    memset(&ctx, 0, sizeof ctx);
    expect_ctx_fail("fm_aes_gcm_aad on an all-zero context", fm_aes_gcm_aad(&ctx, aad, 1),
                    FM_ERR_CONTEXT, &ctx);
    memset(&ctx, 0xa5, sizeof ctx);
    expect_ctx_fail("fm_aes_gcm_aad on a garbage context", fm_aes_gcm_aad(&ctx, aad, 1),
                    FM_ERR_CONTEXT, &ctx);
    memset(&ctx, 0xa5, sizeof ctx);
    expect_ctx_fail("fm_aes_gcm_update on a garbage context",
                    fm_aes_gcm_update(&ctx, in, out, 1), FM_ERR_CONTEXT, &ctx);
    memset(&ctx, 0xa5, sizeof ctx);
    expect_ctx_fail("fm_aes_gcm_encrypt_final on a garbage context",
                    fm_aes_gcm_encrypt_final(&ctx, tag, 16), FM_ERR_CONTEXT, &ctx);
    memset(&ctx, 0xa5, sizeof ctx);
    expect_ctx_fail("fm_aes_gcm_decrypt_final on a garbage context",
                    fm_aes_gcm_decrypt_final(&ctx, tag, 16, pt, 4), FM_ERR_CONTEXT, &ctx);
    checked += 5;

    /* fm_aes_gcm_ctx_wipe ends a context. */
    start_ok(&ctx, &k, FM_AES_GCM_ENCRYPT, iv);
    expect_rc("fm_aes_gcm_ctx_wipe", fm_aes_gcm_ctx_wipe(&ctx), FM_OK);
    if (!tu_all_zero(&ctx, sizeof ctx))
        fail_msg("fm_aes_gcm_ctx_wipe left the context not all zero");
    expect_ctx_fail("fm_aes_gcm_update after fm_aes_gcm_ctx_wipe",
                    fm_aes_gcm_update(&ctx, in, out, 1), FM_ERR_CONTEXT, &ctx);
    expect_rc("fm_aes_gcm_ctx_wipe(NULL)", fm_aes_gcm_ctx_wipe(NULL), FM_ERR_ARG);
    checked += 2;

    /* The key wiped while a context refers to it. */
    gcm_init_ok(&k2, key, sizeof key);
    start_ok(&ctx, &k2, FM_AES_GCM_ENCRYPT, iv);
    expect_rc("update", fm_aes_gcm_update(&ctx, in, out, 16), FM_OK);
    expect_rc("fm_aes_gcm_wipe", fm_aes_gcm_wipe(&k2), FM_OK);
    expect_ctx_fail("fm_aes_gcm_update after the key was wiped",
                    fm_aes_gcm_update(&ctx, in, out, 16), FM_ERR_CONTEXT, &ctx);
    checked++;

    /* Bad tag lengths at the final call. */
    start_ok(&ctx, &k, FM_AES_GCM_ENCRYPT, iv);
    memset(tag, 0x5a, sizeof tag);
    expect_ctx_fail("fm_aes_gcm_encrypt_final with a 3-byte tag",
                    fm_aes_gcm_encrypt_final(&ctx, tag, 3), FM_ERR_LENGTH, &ctx);
    if (!tu_all_zero(tag, 3) || tag[3] != 0x5a)
        fail_msg("fm_aes_gcm_encrypt_final with a 3-byte tag: not exactly 3 bytes zeroed");
    start_ok(&ctx, &k, FM_AES_GCM_ENCRYPT, iv);
    memset(tag, 0x5a, sizeof tag);
    expect_ctx_fail("fm_aes_gcm_encrypt_final with a 17-byte tag",
                    fm_aes_gcm_encrypt_final(&ctx, tag, 17), FM_ERR_LENGTH, &ctx);
    if (!tu_all_zero(tag, 16))
        fail_msg("fm_aes_gcm_encrypt_final with a 17-byte tag: tag not zeroed");
    start_ok(&ctx, &k, FM_AES_GCM_DECRYPT, iv);
    expect_rc("update", fm_aes_gcm_update(&ctx, in, pt, 8), FM_OK);
    expect_ctx_fail("fm_aes_gcm_decrypt_final with a 3-byte tag",
                    fm_aes_gcm_decrypt_final(&ctx, tag, 3, pt, 8), FM_ERR_LENGTH, &ctx);
    if (!tu_all_zero(pt, 8))
        fail_msg("fm_aes_gcm_decrypt_final with a 3-byte tag: pt not zeroed");
    start_ok(&ctx, &k, FM_AES_GCM_DECRYPT, iv);
    expect_ctx_fail("fm_aes_gcm_decrypt_final with a 17-byte tag",
                    fm_aes_gcm_decrypt_final(&ctx, tag, 17, pt, 8), FM_ERR_LENGTH, &ctx);
    checked += 4;

    /* Starting: bad direction, 0-byte IV, NULL IV. */
    memset(&ctx, 0x77, sizeof ctx);
    expect_ctx_fail("fm_aes_gcm_start with direction 2",
                    fm_aes_gcm_start(&ctx, &k, 2, iv, 12), FM_ERR_ARG, &ctx);
    memset(&ctx, 0x77, sizeof ctx);
    expect_ctx_fail("fm_aes_gcm_start with a 0-byte IV",
                    fm_aes_gcm_start(&ctx, &k, FM_AES_GCM_DECRYPT, iv, 0), FM_ERR_LENGTH, &ctx);
    memset(&ctx, 0x77, sizeof ctx);
    expect_ctx_fail("fm_aes_gcm_start with a NULL IV",
                    fm_aes_gcm_start(&ctx, &k, FM_AES_GCM_ENCRYPT, NULL, 12), FM_ERR_ARG, &ctx);
    memset(&ctx, 0x77, sizeof ctx);
    expect_ctx_fail("fm_aes_gcm_start with a NULL key",
                    fm_aes_gcm_start(&ctx, NULL, FM_AES_GCM_ENCRYPT, iv, 12), FM_ERR_ARG, &ctx);
    memset(&ctx, 0x77, sizeof ctx);
    expect_ctx_fail("fm_aes_gcm_start with a wiped key",
                    fm_aes_gcm_start(&ctx, &k2, FM_AES_GCM_ENCRYPT, iv, 12), FM_ERR_CONTEXT,
                    &ctx);
    checked += 5;

    /* NULL arguments to a started context. */
    start_ok(&ctx, &k, FM_AES_GCM_ENCRYPT, iv);
    expect_ctx_fail("fm_aes_gcm_aad(aad NULL, 5)", fm_aes_gcm_aad(&ctx, NULL, 5), FM_ERR_ARG,
                    &ctx);
    start_ok(&ctx, &k, FM_AES_GCM_ENCRYPT, iv);
    memset(out, 0x5a, sizeof out);
    expect_ctx_fail("fm_aes_gcm_update(in NULL, 5)", fm_aes_gcm_update(&ctx, NULL, out, 5),
                    FM_ERR_ARG, &ctx);
    if (!tu_all_zero(out, 5) || out[5] != 0x5a)
        fail_msg("fm_aes_gcm_update(in NULL): output not zeroed (exactly len bytes)");
    start_ok(&ctx, &k, FM_AES_GCM_ENCRYPT, iv);
    expect_ctx_fail("fm_aes_gcm_update(out NULL, 5)", fm_aes_gcm_update(&ctx, in, NULL, 5),
                    FM_ERR_ARG, &ctx);
    start_ok(&ctx, &k, FM_AES_GCM_ENCRYPT, iv);
    expect_ctx_fail("fm_aes_gcm_encrypt_final(tag NULL)",
                    fm_aes_gcm_encrypt_final(&ctx, NULL, 16), FM_ERR_ARG, &ctx);
    start_ok(&ctx, &k, FM_AES_GCM_DECRYPT, iv);
    memset(pt, 0x5a, sizeof pt);
    expect_ctx_fail("fm_aes_gcm_decrypt_final(tag NULL)",
                    fm_aes_gcm_decrypt_final(&ctx, NULL, 16, pt, 8), FM_ERR_ARG, &ctx);
    if (!tu_all_zero(pt, 8))
        fail_msg("fm_aes_gcm_decrypt_final(tag NULL): pt not zeroed");
    start_ok(&ctx, &k, FM_AES_GCM_DECRYPT, iv);
    expect_ctx_fail("fm_aes_gcm_decrypt_final(pt NULL, 8)",
                    fm_aes_gcm_decrypt_final(&ctx, tag, 16, NULL, 8), FM_ERR_ARG, &ctx);
    expect_rc("fm_aes_gcm_aad(NULL ctx)", fm_aes_gcm_aad(NULL, aad, 1), FM_ERR_ARG);
    expect_rc("fm_aes_gcm_update(NULL ctx)", fm_aes_gcm_update(NULL, in, out, 1), FM_ERR_ARG);
    expect_rc("fm_aes_gcm_start(NULL ctx)",
              fm_aes_gcm_start(NULL, &k, FM_AES_GCM_ENCRYPT, iv, 12), FM_ERR_ARG);
    expect_rc("fm_aes_gcm_encrypt_final(NULL ctx)", fm_aes_gcm_encrypt_final(NULL, tag, 16),
              FM_ERR_ARG);
    expect_rc("fm_aes_gcm_decrypt_final(NULL ctx)",
              fm_aes_gcm_decrypt_final(NULL, tag, 16, pt, 8), FM_ERR_ARG);
    checked += 11;

    /* AAD over 2^61 - 1 bytes is refused before it is read. */
    if (sizeof(size_t) >= 8) {
        start_ok(&ctx, &k, FM_AES_GCM_ENCRYPT, iv);
        expect_ctx_fail("fm_aes_gcm_aad of 2^61 bytes",
                        fm_aes_gcm_aad(&ctx, aad, (size_t)1 << 61), FM_ERR_LENGTH, &ctx);
        start_ok(&ctx, &k, FM_AES_GCM_ENCRYPT, iv);
        expect_rc("aad", fm_aes_gcm_aad(&ctx, aad, 7), FM_OK);
        expect_ctx_fail("fm_aes_gcm_aad reaching 2^61 + 6 bytes in total",
                        fm_aes_gcm_aad(&ctx, aad, ((size_t)1 << 61) - 1), FM_ERR_LENGTH, &ctx);
    } else {
        printf("SKIP AAD over 2^61 - 1 bytes: size_t has only %zu bits\n", 8 * sizeof(size_t));
    }
    checked += 2;

    expect_rc("fm_aes_gcm_wipe", fm_aes_gcm_wipe(&k), FM_OK);
    printf("  %ld streaming call-order and argument cases checked on %s\n", checked,
           c->impl.name);
    assert_int_equal(checked, 2 + 1 + 3 + 2 + 2 + 5 + 2 + 1 + 4 + 5 + 11 + 2);
}

/* ---- counter wrap (inc32 is modulo 2^32) --------------------------------------------------- */

/*
 * SP 800-38D 6.2: inc32 increments only the last 32 bits of the counter
 * block. With a 96-bit IV the counter starts at 1 and cannot wrap, but any
 * other IV length gives J0 = GHASH_H(IV || 0^s || [len(IV)]64), which can
 * sit just below 2^32. To reach such a J0 on purpose, the test inverts
 * GHASH for a 16-byte IV: J0 = ((IV * H) ^ L) * H with L = 0^64 || [128]64,
 * so IV = ((J0 * H^-1) ^ L) * H^-1, H = AES_K(0^128) taken from OpenSSL.
 * Each message then crosses the wrap at a chosen block (0, 1, 2, ... 31
 * blocks in), which is where a multi-block bulk path that adds to the
 * counter with a carry into byte 11 (or a 64-bit lane) goes wrong.
 */
typedef struct {
    uint64_t hi, lo; /* bytes 0..7 and 8..15, big-endian: bit 0 of GCM is the top of hi */
} gf128;

static gf128 gf_load(const uint8_t b[16])
{
    gf128 x = { load_be64(b), load_be64(b + 8) };
    return x;
}

static void gf_store(uint8_t b[16], gf128 x)
{
    store_be64(b, x.hi);
    store_be64(b + 8, x.lo);
}

/* Algorithm 1 of SP 800-38D (6.3), bit by bit: slow and obviously right. */
static gf128 gf_mul(gf128 x, gf128 y)
{
    gf128 z = { 0, 0 }, v = y;
    int i;

    for (i = 0; i < 128; i++) {
        uint64_t bit = i < 64 ? (x.hi >> (63 - i)) & 1 : (x.lo >> (127 - i)) & 1;
        uint64_t lsb = v.lo & 1;

        if (bit) {
            z.hi ^= v.hi;
            z.lo ^= v.lo;
        }
        v.lo = (v.lo >> 1) | (v.hi << 63);
        v.hi >>= 1;
        if (lsb)
            v.hi ^= UINT64_C(0xe100000000000000);
    }
    return z;
}

/* x^(2^128 - 2) = x^-1 for x != 0. */
static gf128 gf_inv(gf128 x)
{
    gf128 r = { UINT64_C(0x8000000000000000), 0 }; /* the element 1 */
    int i;

    for (i = 127; i >= 0; i--) {
        r = gf_mul(r, r);
        if (i != 0)
            r = gf_mul(r, x);
    }
    return r;
}

static void ossl_ecb_block(const uint8_t *key, size_t klen, const uint8_t in[16], uint8_t out[16])
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    const EVP_CIPHER *ciph = klen == 16 ? EVP_aes_128_ecb()
                             : klen == 24 ? EVP_aes_192_ecb() : EVP_aes_256_ecb();
    int n = 0;

    assert_non_null(ctx);
    assert_int_equal(EVP_EncryptInit_ex(ctx, ciph, NULL, key, NULL), 1);
    assert_int_equal(EVP_CIPHER_CTX_set_padding(ctx, 0), 1);
    assert_int_equal(EVP_EncryptUpdate(ctx, out, &n, in, 16), 1);
    assert_int_equal(n, 16);
    EVP_CIPHER_CTX_free(ctx);
}

#define WRAP_OFFSETS 12
#define WRAP_PER_OFFSET 4

static void test_counter_wrap(void **state)
{
    tu_case *c = tu_begin(state);
    static const size_t klens[3] = { 16, 24, 32 };
    /* J0's last word is 0xffffffff - d: the data's counter wraps after d blocks. */
    static const uint32_t dist[WRAP_OFFSETS] = { 0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 31, 63 };
    uint8_t key[32], zero[16] = { 0 }, hbytes[16], j0[16], iv[16], lblock[16] = { 0 };
    uint8_t aad[40], pt[1400], want[1400], got[1400], wtag[16], tag[16], ctr1[16], ks[16];
    long cases = 0, pieces = 0;
    size_t ki, di, r;
    tu_rng rng;

    tu_rng_init_named(&rng, c->name);
    store_be64(lblock + 8, 128);
    for (ki = 0; ki < 3; ki++) {
        size_t klen = klens[ki];
        gf128 h, hinv, t;

        tu_rng_fill(&rng, key, klen);
        ossl_ecb_block(key, klen, zero, hbytes);
        h = gf_load(hbytes);
        hinv = gf_inv(h);
        t = gf_mul(h, hinv);
        if (t.hi != UINT64_C(0x8000000000000000) || t.lo != 0)
            fail_msg("test bug: H * H^-1 is not 1");
        for (di = 0; di < WRAP_OFFSETS; di++) {
            for (r = 0; r < WRAP_PER_OFFSET; r++) {
                size_t len = 16 * (dist[di] + 1) + tu_rng_below(&rng, 16 * 24 + 1);
                size_t aadlen = tu_rng_below(&rng, sizeof aad + 1);
                size_t taglen = 12 + tu_rng_below(&rng, 5);
                uint32_t low = 0xffffffffu - dist[di];
                fm_aes_gcm_key k;
                char what[200];
                gf128 y;
                size_t i;

                if (len > sizeof pt)
                    len = sizeof pt;
                /* J0 with the chosen last word, and the 16-byte IV that gives it. */
                tu_rng_fill(&rng, j0, 12);
                j0[12] = (uint8_t)(low >> 24);
                j0[13] = (uint8_t)(low >> 16);
                j0[14] = (uint8_t)(low >> 8);
                j0[15] = (uint8_t)low;
                y = gf_mul(gf_load(j0), hinv);
                y.hi ^= load_be64(lblock);
                y.lo ^= load_be64(lblock + 8);
                gf_store(iv, gf_mul(y, hinv));
                tu_rng_fill(&rng, aad, aadlen);
                tu_rng_fill(&rng, pt, len);
                snprintf(what, sizeof what, "AES-%zu-GCM, J0 ends in %08x (wrap after %u "
                         "blocks), data %zu bytes, on %s", 8 * klen, (unsigned)low,
                         (unsigned)dist[di] + 1, len, c->impl.name);
                ossl_seal(key, klen, iv, 16, aad, aadlen, pt, len, want, wtag, taglen);
                /* The test's own check that OpenSSL saw that J0: block 1 is E(inc32(J0)). */
                memcpy(ctr1, j0, 16);
                low += 1;
                ctr1[12] = (uint8_t)(low >> 24);
                ctr1[13] = (uint8_t)(low >> 16);
                ctr1[14] = (uint8_t)(low >> 8);
                ctr1[15] = (uint8_t)low;
                ossl_ecb_block(key, klen, ctr1, ks);
                for (i = 0; i < 16; i++)
                    if ((uint8_t)(pt[i] ^ ks[i]) != want[i])
                        fail_msg("test bug: the constructed IV does not give J0 (%s)", what);

                gcm_init_ok(&k, key, klen);
                memset(got, CANARY, sizeof got);
                expect_rc(what, fm_aes_gcm_seal(&k, iv, 16, aad, aadlen, pt, len, got, tag,
                                                taglen), FM_OK);
                if (!tu_mem_eq(what, got, want, len) || !tu_mem_eq(what, tag, wtag, taglen))
                    fail_msg("%s: seal differs from OpenSSL across the counter wrap", what);
                check_canary(what, got, 0, len, sizeof got);
                memcpy(got, want, len);
                expect_rc(what, fm_aes_gcm_open(&k, iv, 16, aad, aadlen, got, len, wtag, taglen,
                                                got), FM_OK);
                if (!tu_mem_eq(what, got, pt, len))
                    fail_msg("%s: in-place open differs across the counter wrap", what);
                memset(got, CANARY, sizeof got);
                expect_rc(what, gcm_stream(&rng, &k, FM_AES_GCM_ENCRYPT, iv, 16, aad, aadlen, pt,
                                           got, len, tag, taglen, &pieces), FM_OK);
                if (!tu_mem_eq(what, got, want, len) || !tu_mem_eq(what, tag, wtag, taglen))
                    fail_msg("%s: streamed encryption differs across the counter wrap", what);
                expect_rc(what, gcm_stream(&rng, &k, FM_AES_GCM_DECRYPT, iv, 16, aad, aadlen,
                                           want, got, len, wtag, taglen, &pieces), FM_OK);
                if (!tu_mem_eq(what, got, pt, len))
                    fail_msg("%s: streamed decryption differs across the counter wrap", what);
                expect_rc("fm_aes_gcm_wipe", fm_aes_gcm_wipe(&k), FM_OK);
                cases++;
            }
        }
    }
    printf("  %ld messages across the 32-bit counter wrap (J0 = ..ffffffff - {0..63}, 16-byte "
           "IVs made by inverting GHASH) equal OpenSSL, one-shot and in %ld pieces, on %s\n",
           cases, pieces, c->impl.name);
    assert_int_equal(cases, 3 * WRAP_OFFSETS * WRAP_PER_OFFSET);
}

/* ---- IV generation ------------------------------------------------------------------------ */

#define GENIV_SEAL 2000      /* one-shot fm_aes_gcm_seal_geniv IVs on one key */
#define GENIV_STREAM 200     /* fm_aes_gcm_start_geniv IVs on the same key */
#define GENIV_THREADS 4
#define GENIV_PER_THREAD 500

static int cmp_iv(const void *a, const void *b)
{
    return memcmp(a, b, FM_AES_GCM_IV_LEN);
}

/*
 * Sort n 12-byte IVs and fail if two are equal or one is all zero.
 * `what` names the set.
 */
static void expect_distinct_ivs(const char *what, uint8_t (*ivs)[FM_AES_GCM_IV_LEN], size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (tu_all_zero(ivs[i], FM_AES_GCM_IV_LEN))
            fail_msg("%s: IV #%zu is all zero", what, i);
    qsort(ivs, n, FM_AES_GCM_IV_LEN, cmp_iv);
    for (i = 1; i < n; i++)
        if (memcmp(ivs[i - 1], ivs[i], FM_AES_GCM_IV_LEN) == 0)
            fail_msg("%s: %zu IVs are not all distinct (sorted #%zu and #%zu are equal)", what,
                     n, i - 1, i);
}

/*
 * The generated IV of one call: iv[0..12) written, iv[12..16) untouched
 * (the buffer was filled with CANARY), and not left as the canary pattern.
 */
static void expect_iv_written(const char *what, const uint8_t iv[16])
{
    size_t i, canary = 0;

    for (i = 0; i < 12; i++)
        canary += iv[i] == CANARY;
    if (canary == 12)
        fail_msg("%s: the IV was not written (still the canary)", what);
    for (i = 12; i < 16; i++)
        if (iv[i] != CANARY)
            fail_msg("%s: wrote past the 12-byte IV (byte %zu is 0x%02x)", what, i, iv[i]);
}

struct geniv_thread {
    fm_aes_gcm_key *k;
    uint8_t ivs[GENIV_PER_THREAD][FM_AES_GCM_IV_LEN];
    int bad; /* calls that failed, or whose output did not open to the message */
};

static void *geniv_worker(void *arg)
{
    struct geniv_thread *t = arg;
    uint8_t msg[20], out[20], back[20], tag[16], iv[12];
    int i;

    for (i = 0; i < GENIV_PER_THREAD; i++) {
        memset(msg, i & 0xff, sizeof msg);
        if (fm_aes_gcm_seal_geniv(t->k, iv, NULL, 0, msg, sizeof msg, out, tag, 16) != FM_OK ||
            fm_aes_gcm_open(t->k, iv, 12, NULL, 0, out, sizeof msg, tag, 16, back) != FM_OK ||
            memcmp(back, msg, sizeof msg) != 0)
            t->bad++;
        memcpy(t->ivs[i], iv, 12);
    }
    return NULL;
}

/* A refused fm_aes_gcm_seal_geniv: rc == want, iv, out[0..n) and tag[0..tn) zero, nothing past. */
static void expect_geniv_refused(const char *what, int rc, int want, const uint8_t iv[12],
                                 const uint8_t *out, size_t n, size_t cap, const uint8_t *tag,
                                 size_t tn, size_t tcap)
{
    expect_rc(what, rc, want);
    if (!tu_all_zero(iv, 12))
        fail_msg("%s: iv not zeroed", what);
    if (out != NULL && (!tu_all_zero(out, n) || (n < cap && out[n] != 0x5a)))
        fail_msg("%s: the output is not exactly %zu zero bytes", what, n);
    if (!tu_all_zero(tag, tn) || (tn < tcap && tag[tn] != 0x5a))
        fail_msg("%s: the tag is not exactly %zu zero bytes", what, tn);
    if (indicator() != 0)
        fail_msg("%s: refused but the indicator says approved", what);
}

static void test_geniv(void **state)
{
    tu_case *c = tu_begin(state);
    static uint8_t ivs[GENIV_SEAL + GENIV_STREAM][FM_AES_GCM_IV_LEN];
    uint8_t key[32], iv[16], aad[37], pt[100], ct[101], want[100], tag[17], wtag[16], back[100];
    fm_aes_gcm_key k;
    fm_aes_gcm_ctx ctx;
    long checked = 0, n_seal = 0, n_start = 0;
    size_t n;
    tu_rng rng;

    tu_rng_init_named(&rng, c->name);
    tu_rng_fill(&rng, key, sizeof key);
    tu_rng_fill(&rng, aad, sizeof aad);
    tu_rng_fill(&rng, pt, sizeof pt);
    gcm_init_ok(&k, key, 32);

    /* No setup: the first call on a fresh key already works (and is approved). */
    memset(iv, CANARY, sizeof iv);
    expect_rc("fm_aes_gcm_seal_geniv on a fresh key",
              fm_aes_gcm_seal_geniv(&k, iv, aad, sizeof aad, pt, 50, ct, tag, 16), FM_OK);
    if (indicator() != 1)
        fail_msg("fm_aes_gcm_seal_geniv on a fresh key: the indicator does not say approved");
    expect_iv_written("fm_aes_gcm_seal_geniv on a fresh key", iv);
    expect_rc("fm_aes_gcm_open of the first generated IV's output",
              fm_aes_gcm_open(&k, iv, 12, aad, sizeof aad, ct, 50, tag, 16, back), FM_OK);
    if (!tu_mem_eq("first geniv", back, pt, 50))
        fail_msg("fm_aes_gcm_seal_geniv on a fresh key: open does not give the message back");
    memset(iv, CANARY, sizeof iv);
    memset(&ctx, 0x77, sizeof ctx);
    expect_rc("fm_aes_gcm_start_geniv on a fresh key", fm_aes_gcm_start_geniv(&ctx, &k, iv),
              FM_OK);
    expect_iv_written("fm_aes_gcm_start_geniv on a fresh key", iv);
    expect_rc("fm_aes_gcm_ctx_wipe", fm_aes_gcm_ctx_wipe(&ctx), FM_OK);
    checked += 2;

    /* Refused calls zero iv, out and tag. */
    memset(iv, 0x5a, sizeof iv);
    memset(ct, 0x5a, sizeof ct);
    memset(tag, 0x5a, sizeof tag);
    expect_geniv_refused("fm_aes_gcm_seal_geniv with a 3-byte tag",
                         fm_aes_gcm_seal_geniv(&k, iv, NULL, 0, pt, 10, ct, tag, 3),
                         FM_ERR_LENGTH, iv, ct, 10, sizeof ct, tag, 3, sizeof tag);
    memset(iv, 0x5a, sizeof iv);
    memset(ct, 0x5a, sizeof ct);
    memset(tag, 0x5a, sizeof tag);
    expect_geniv_refused("fm_aes_gcm_seal_geniv with a 17-byte tag",
                         fm_aes_gcm_seal_geniv(&k, iv, aad, 5, pt, 33, ct, tag, 17),
                         FM_ERR_LENGTH, iv, ct, 33, sizeof ct, tag, 16, sizeof tag);
    memset(iv, 0x5a, sizeof iv);
    memset(tag, 0x5a, sizeof tag);
    expect_geniv_refused("fm_aes_gcm_seal_geniv(out NULL, len 10)",
                         fm_aes_gcm_seal_geniv(&k, iv, NULL, 0, pt, 10, NULL, tag, 16),
                         FM_ERR_ARG, iv, NULL, 0, 0, tag, 16, sizeof tag);
    expect_rc("fm_aes_gcm_seal_geniv(iv NULL)",
              fm_aes_gcm_seal_geniv(&k, NULL, NULL, 0, pt, 10, ct, tag, 16), FM_ERR_ARG);
    /* Empty message with out NULL is fine. */
    memset(iv, CANARY, sizeof iv);
    expect_rc("fm_aes_gcm_seal_geniv(out NULL, len 0)",
              fm_aes_gcm_seal_geniv(&k, iv, aad, 7, NULL, 0, NULL, tag, 16), FM_OK);
    expect_iv_written("fm_aes_gcm_seal_geniv(out NULL, len 0)", iv);
    ossl_seal(key, 32, iv, 12, aad, 7, NULL, 0, want, wtag, 16);
    if (!tu_mem_eq("empty message tag", tag, wtag, 16))
        fail_msg("fm_aes_gcm_seal_geniv of an empty message: tag differs from OpenSSL");
    checked += 5;

    /* Many IVs from one key: one-shot and streamed, all distinct, each output checked. */
    for (n = 0; n < GENIV_SEAL + GENIV_STREAM; n++) {
        size_t len = tu_rng_below(&rng, sizeof pt + 1), aadlen = tu_rng_below(&rng, sizeof aad + 1);
        size_t taglen = 12 + tu_rng_below(&rng, 5);
        char what[120];

        memset(iv, CANARY, sizeof iv);
        if (n < GENIV_SEAL) {
            snprintf(what, sizeof what, "fm_aes_gcm_seal_geniv #%zu on %s", n, c->impl.name);
            expect_rc(what, fm_aes_gcm_seal_geniv(&k, iv, aad, aadlen, pt, len, ct, tag, taglen),
                      FM_OK);
            if (indicator() != 1)
                fail_msg("%s: the indicator does not say approved", what);
            n_seal++;
        } else {
            snprintf(what, sizeof what, "fm_aes_gcm_start_geniv #%zu on %s", n - GENIV_SEAL,
                     c->impl.name);
            memset(&ctx, 0x77, sizeof ctx);
            expect_rc(what, fm_aes_gcm_start_geniv(&ctx, &k, iv), FM_OK);
            expect_rc(what, fm_aes_gcm_aad(&ctx, aad, aadlen), FM_OK);
            expect_rc(what, fm_aes_gcm_update(&ctx, pt, ct, len), FM_OK);
            expect_rc(what, fm_aes_gcm_encrypt_final(&ctx, tag, taglen), FM_OK);
            if (indicator() != 1)
                fail_msg("%s: the indicator does not say approved", what);
            n_start++;
        }
        expect_iv_written(what, iv);
        memcpy(ivs[n], iv, 12);
        ossl_seal(key, 32, iv, 12, aad, aadlen, pt, len, want, wtag, taglen);
        if (!tu_mem_eq(what, ct, want, len) || !tu_mem_eq(what, tag, wtag, taglen))
            fail_msg("%s: differs from OpenSSL with the returned IV", what);
        expect_rc(what, fm_aes_gcm_open(&k, iv, 12, aad, aadlen, ct, len, tag, taglen, back),
                  FM_OK);
        if (!tu_mem_eq(what, back, pt, len))
            fail_msg("%s: fm_aes_gcm_open does not give the message back", what);
        checked++;
    }
    expect_distinct_ivs("seal_geniv + start_geniv on one key", ivs, GENIV_SEAL + GENIV_STREAM);
    checked++;

    /* Re-initialising the key needs no setup either. */
    gcm_init_ok(&k, key, 32);
    memset(iv, CANARY, sizeof iv);
    expect_rc("fm_aes_gcm_seal_geniv after fm_aes_gcm_init again",
              fm_aes_gcm_seal_geniv(&k, iv, NULL, 0, pt, 5, ct, tag, 16), FM_OK);
    expect_iv_written("fm_aes_gcm_seal_geniv after fm_aes_gcm_init again", iv);
    checked++;

    /* A wiped key: refused, outputs zeroed. */
    expect_rc("fm_aes_gcm_wipe", fm_aes_gcm_wipe(&k), FM_OK);
    memset(iv, 0x5a, sizeof iv);
    memset(ct, 0x5a, sizeof ct);
    memset(tag, 0x5a, sizeof tag);
    expect_geniv_refused("fm_aes_gcm_seal_geniv on a wiped key",
                         fm_aes_gcm_seal_geniv(&k, iv, aad, 9, pt, 50, ct, tag, 16),
                         FM_ERR_CONTEXT, iv, ct, 50, sizeof ct, tag, 16, sizeof tag);
    memset(iv, 0x5a, sizeof iv);
    memset(&ctx, 0x77, sizeof ctx);
    expect_ctx_fail("fm_aes_gcm_start_geniv on a wiped key", fm_aes_gcm_start_geniv(&ctx, &k, iv),
                    FM_ERR_CONTEXT, &ctx);
    if (!tu_all_zero(iv, 12))
        fail_msg("fm_aes_gcm_start_geniv on a wiped key: iv not zeroed");
    checked += 2;

    /* Concurrent callers on one key: every call succeeds, every IV distinct. */
    {
        static struct geniv_thread th[GENIV_THREADS];
        static uint8_t all[GENIV_THREADS * GENIV_PER_THREAD][FM_AES_GCM_IV_LEN];
        pthread_t tid[GENIV_THREADS];
        size_t t;

        gcm_init_ok(&k, key, 16);
        for (t = 0; t < GENIV_THREADS; t++) {
            memset(&th[t], 0, sizeof th[t]);
            th[t].k = &k;
            assert_int_equal(pthread_create(&tid[t], NULL, geniv_worker, &th[t]), 0);
        }
        for (t = 0; t < GENIV_THREADS; t++)
            assert_int_equal(pthread_join(tid[t], NULL), 0);
        for (t = 0; t < GENIV_THREADS; t++) {
            if (th[t].bad != 0)
                fail_msg("thread %zu: %d fm_aes_gcm_seal_geniv calls failed or did not open",
                         t, th[t].bad);
            memcpy(all[t * GENIV_PER_THREAD], th[t].ivs, sizeof th[t].ivs);
        }
        expect_distinct_ivs("concurrent seal_geniv on one key", all,
                            GENIV_THREADS * GENIV_PER_THREAD);
        expect_rc("fm_aes_gcm_wipe", fm_aes_gcm_wipe(&k), FM_OK);
        checked++;
    }
    printf("  %ld IV-generation cases checked on %s (%ld seal_geniv + %ld start_geniv random "
           "12-byte IVs all distinct, each output matched OpenSSL and opened; %d threads x %d "
           "IVs all distinct); the 2^32 invocation limit is not reachable in a test\n",
           checked, c->impl.name, n_seal, n_start, GENIV_THREADS, GENIV_PER_THREAD);
    assert_int_equal(n_seal, GENIV_SEAL);
    assert_int_equal(n_start, GENIV_STREAM);
    assert_int_equal(checked, 2 + 5 + GENIV_SEAL + GENIV_STREAM + 1 + 1 + 2 + 1);
}

/* ---- service indicator ----------------------------------------------------------------- */

/* rc must be FM_OK and the indicator `approved`; `what` names the call. */
static void expect_ind(const char *what, int rc, int approved)
{
    int a;

    expect_rc(what, rc, FM_OK);
    a = indicator();
    if (a != approved)
        fail_msg("%s: indicator %d, expected %d (%s)", what, a, approved,
                 approved ? "approved" : "not approved");
}

/* In a child: strict mode refuses the non-approved services. 0 when all is well. */
static int strict_child(const uint8_t *key)
{
    uint8_t iv[12] = { 9 }, pt[32] = { 1 }, ct[32], tag[16], out[32];
    fm_aes_gcm_key k;
    fm_aes_gcm_ctx ctx;
    int bad = 0, rc;

#define STRICT_EXPECT(call, want)                                                           \
    do {                                                                                      \
        rc = (call);                                                                          \
        if (rc != (want)) {                                                                   \
            printf("strict mode: %s returned %s, expected %s\n", #call, err_name(rc),         \
                   err_name(want));                                                           \
            bad++;                                                                            \
        }                                                                                     \
    } while (0)

    STRICT_EXPECT(fm_init(FM_INIT_STRICT), FM_OK);
    STRICT_EXPECT(fm_aes_gcm_init(&k, key, 16), FM_OK);
    memset(ct, 0x5a, sizeof ct);
    memset(tag, 0x5a, sizeof tag);
    STRICT_EXPECT(fm_aes_gcm_seal(&k, iv, 12, NULL, 0, pt, 32, ct, tag, 16), FM_ERR_NOT_APPROVED);
    if (!tu_all_zero(ct, 32) || !tu_all_zero(tag, 16)) {
        printf("strict mode: a refused fm_aes_gcm_seal left output bytes\n");
        bad++;
    }
    STRICT_EXPECT(fm_aes_gcm_start(&ctx, &k, FM_AES_GCM_ENCRYPT, iv, 12), FM_ERR_NOT_APPROVED);
    STRICT_EXPECT(fm_aes_gcm_seal_geniv(&k, iv, NULL, 0, pt, 32, ct, tag, 16), FM_OK);
    STRICT_EXPECT(fm_aes_gcm_open(&k, iv, 12, NULL, 0, ct, 32, tag, 16, out), FM_OK);
    STRICT_EXPECT(fm_aes_gcm_seal_geniv(&k, iv, NULL, 0, pt, 32, ct, tag, 6), FM_ERR_NOT_APPROVED);
    STRICT_EXPECT(fm_aes_gcm_open(&k, iv, 12, NULL, 0, ct, 32, tag, 6, out), FM_ERR_NOT_APPROVED);
    STRICT_EXPECT(fm_aes_gcm_start(&ctx, &k, FM_AES_GCM_DECRYPT, iv, 12), FM_OK);
    STRICT_EXPECT(fm_aes_gcm_start_geniv(&ctx, &k, iv), FM_OK);
    STRICT_EXPECT(fm_aes_gcm_encrypt_final(&ctx, tag, 6), FM_ERR_NOT_APPROVED);
#undef STRICT_EXPECT
    return bad;
}

static void test_indicator(void **state)
{
    tu_case *c = tu_begin(state);
    uint8_t key[16], iv[12], aad[20], pt[48], ct[48], tag[16], tag6[6], tag8[8], out[48];
    uint8_t giv[12];
    fm_aes_gcm_key k;
    fm_aes_gcm_ctx ctx;
    long checked = 0;
    pid_t pid;
    int status;
    tu_rng rng;

    tu_rng_init_named(&rng, c->name);
    tu_rng_fill(&rng, key, sizeof key);
    tu_rng_fill(&rng, iv, sizeof iv);
    tu_rng_fill(&rng, aad, sizeof aad);
    tu_rng_fill(&rng, pt, sizeof pt);

    /* Each "not approved" check follows a call that set the indicator to 1. */
    expect_ind("fm_aes_gcm_init (AES-128)", fm_aes_gcm_init(&k, key, 16), 1);
    expect_ind("fm_aes_gcm_seal with the caller's IV",
               fm_aes_gcm_seal(&k, iv, 12, aad, 20, pt, 48, ct, tag, 16), 0);
    expect_ind("fm_aes_gcm_open, 16-byte tag",
               fm_aes_gcm_open(&k, iv, 12, aad, 20, ct, 48, tag, 16, out), 1);
    expect_ind("fm_aes_gcm_open, 12-byte tag",
               fm_aes_gcm_open(&k, iv, 12, aad, 20, ct, 48, tag, 12, out), 1);
    expect_ind("fm_aes_gcm_open, 6-byte tag",
               fm_aes_gcm_open(&k, iv, 12, aad, 20, ct, 48, tag, 6, out), 0);
    checked += 5;
    /* A failed open is never approved. */
    expect_ind("fm_aes_gcm_open, 16-byte tag",
               fm_aes_gcm_open(&k, iv, 12, aad, 20, ct, 48, tag, 16, out), 1);
    tag[0] ^= 1;
    expect_rc("fm_aes_gcm_open with a bad tag",
              fm_aes_gcm_open(&k, iv, 12, aad, 20, ct, 48, tag, 16, out), FM_ERR_VERIFY);
    if (indicator() != 0)
        fail_msg("a failed fm_aes_gcm_open left the indicator approved");
    tag[0] ^= 1;
    checked += 2;

    /* Generated IVs: approved with no setup (tags of 12 bytes or more, 8 and 4). */
    expect_ind("fm_aes_gcm_seal_geniv, 16-byte tag",
               fm_aes_gcm_seal_geniv(&k, giv, aad, 20, pt, 48, ct, tag, 16), 1);
    expect_ind("fm_aes_gcm_seal_geniv, 6-byte tag",
               fm_aes_gcm_seal_geniv(&k, giv, aad, 20, pt, 48, ct, tag6, 6), 0);
    expect_ind("fm_aes_gcm_seal_geniv, 12-byte tag",
               fm_aes_gcm_seal_geniv(&k, giv, aad, 20, pt, 48, ct, tag, 12), 1);
    expect_ind("fm_aes_gcm_seal_geniv, 13-byte tag",
               fm_aes_gcm_seal_geniv(&k, giv, aad, 20, pt, 48, ct, tag, 13), 1);
    /* 8 bytes: approved under the limits of SP 800-38D Appendix C (the caller's duty). */
    expect_ind("fm_aes_gcm_seal_geniv, 8-byte tag",
               fm_aes_gcm_seal_geniv(&k, giv, aad, 20, pt, 48, ct, tag8, 8), 1);
    expect_ind("fm_aes_gcm_open, 8-byte tag",
               fm_aes_gcm_open(&k, giv, 12, aad, 20, ct, 48, tag8, 8, out), 1);
    checked += 6;
    /* A refused call is never approved. */
    {
        uint8_t scratch[48], stag[16], siv[12];

        expect_rc("fm_aes_gcm_seal_geniv with a 17-byte tag",
                  fm_aes_gcm_seal_geniv(&k, siv, aad, 20, pt, 48, scratch, stag, 17),
                  FM_ERR_LENGTH);
    }
    if (indicator() != 0)
        fail_msg("a refused fm_aes_gcm_seal_geniv left the indicator approved");
    checked++;

    /* Streaming: a caller's IV for encryption is not approved, all the way to the tag. */
    expect_ind("fm_aes_gcm_open, 8-byte tag (indicator back to 1)",
               fm_aes_gcm_open(&k, giv, 12, aad, 20, ct, 48, tag8, 8, out), 1);
    expect_ind("fm_aes_gcm_start(ENCRYPT, caller's IV)",
               fm_aes_gcm_start(&ctx, &k, FM_AES_GCM_ENCRYPT, iv, 12), 0);
    expect_ind("fm_aes_gcm_aad (caller's IV)", fm_aes_gcm_aad(&ctx, aad, 20), 0);
    expect_ind("fm_aes_gcm_update (caller's IV)", fm_aes_gcm_update(&ctx, pt, ct, 48), 0);
    expect_ind("fm_aes_gcm_encrypt_final (caller's IV)",
               fm_aes_gcm_encrypt_final(&ctx, tag, 16), 0);
    checked += 5;
    /* Decryption with any IV is approved (tags of 12 bytes or more, 8 and 4). */
    expect_ind("fm_aes_gcm_start(DECRYPT)", fm_aes_gcm_start(&ctx, &k, FM_AES_GCM_DECRYPT, iv, 12),
               1);
    expect_ind("fm_aes_gcm_aad (decrypt)", fm_aes_gcm_aad(&ctx, aad, 20), 1);
    expect_ind("fm_aes_gcm_update (decrypt)", fm_aes_gcm_update(&ctx, ct, out, 48), 1);
    expect_ind("fm_aes_gcm_decrypt_final, 16-byte tag",
               fm_aes_gcm_decrypt_final(&ctx, tag, 16, out, 48), 1);
    if (memcmp(out, pt, 48) != 0)
        fail_msg("streamed decryption differs");
    expect_ind("fm_aes_gcm_start(DECRYPT)", fm_aes_gcm_start(&ctx, &k, FM_AES_GCM_DECRYPT, iv, 12),
               1);
    expect_ind("fm_aes_gcm_aad (decrypt)", fm_aes_gcm_aad(&ctx, aad, 20), 1);
    expect_ind("fm_aes_gcm_update (decrypt)", fm_aes_gcm_update(&ctx, ct, out, 48), 1);
    expect_ind("fm_aes_gcm_decrypt_final, 6-byte tag",
               fm_aes_gcm_decrypt_final(&ctx, tag, 6, out, 48), 0);
    expect_ind("fm_aes_gcm_start(DECRYPT)", fm_aes_gcm_start(&ctx, &k, FM_AES_GCM_DECRYPT, iv, 12),
               1);
    tag[3] ^= 0x80;
    expect_rc("fm_aes_gcm_decrypt_final, bad tag",
              fm_aes_gcm_decrypt_final(&ctx, tag, 16, out, 48), FM_ERR_VERIFY);
    if (indicator() != 0)
        fail_msg("a failed fm_aes_gcm_decrypt_final left the indicator approved");
    tag[3] ^= 0x80;
    checked += 10;
    /* A generated IV makes streamed encryption approved. */
    expect_ind("fm_aes_gcm_start_geniv", fm_aes_gcm_start_geniv(&ctx, &k, giv), 1);
    expect_ind("fm_aes_gcm_aad (geniv)", fm_aes_gcm_aad(&ctx, aad, 20), 1);
    expect_ind("fm_aes_gcm_update (geniv)", fm_aes_gcm_update(&ctx, pt, ct, 48), 1);
    expect_ind("fm_aes_gcm_encrypt_final (geniv), 16-byte tag",
               fm_aes_gcm_encrypt_final(&ctx, tag, 16), 1);
    expect_ind("fm_aes_gcm_start_geniv", fm_aes_gcm_start_geniv(&ctx, &k, giv), 1);
    expect_ind("fm_aes_gcm_encrypt_final (geniv), 6-byte tag",
               fm_aes_gcm_encrypt_final(&ctx, tag6, 6), 0);
    checked += 6;
    expect_rc("fm_aes_gcm_wipe", fm_aes_gcm_wipe(&k), FM_OK);

    /* Strict mode cannot be turned off: check it in a child process. */
    fflush(stdout);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int bad = strict_child(key);

        fflush(stdout);
        _exit(bad == 0 ? 0 : 1);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("strict mode (FM_INIT_STRICT) in a child process: checks failed (status 0x%x)",
                 (unsigned)status);
    checked++;

    printf("  %ld service-indicator cases checked on %s (+ strict mode in a child process)\n",
           checked, c->impl.name);
    assert_int_equal(checked, 5 + 2 + 6 + 1 + 5 + 10 + 6 + 1);
}

/* ---- bad input -------------------------------------------------------------------------- */

/* out/tag were filled with 0x5a; the call must fail with want and zero exactly n / tn bytes. */
static void expect_zeroed(const char *what, int rc, int want, const uint8_t *out, size_t n,
                          size_t cap, const uint8_t *tag, size_t tn, size_t tcap)
{
    expect_rc(what, rc, want);
    if (out != NULL && (!tu_all_zero(out, n) || (n < cap && out[n] != 0x5a)))
        fail_msg("%s: the output is not exactly %zu zero bytes", what, n);
    if (tag != NULL && (!tu_all_zero(tag, tn) || (tn < tcap && tag[tn] != 0x5a)))
        fail_msg("%s: the tag is not exactly %zu zero bytes", what, tn);
    if (indicator() != 0)
        fail_msg("%s: failed but the indicator says approved", what);
}

static void test_bad_input(void **state)
{
    tu_case *c = tu_begin(state);
    static const size_t bad_klens[] = { 0, 1, 15, 17, 23, 25, 31, 33, 64 };
    uint8_t key[64], iv[12], aad[16], in[40], out[41], tag[18], wtag[16], want[40];
    fm_aes_gcm_key k, bad;
    long checked = 0;
    size_t i;
    int kind;

    memset(key, 0x11, sizeof key);
    memset(iv, 0x22, sizeof iv);
    memset(aad, 0x33, sizeof aad);
    memset(in, 0x44, sizeof in);

    /* fm_aes_gcm_init. */
    expect_rc("fm_aes_gcm_init(NULL key)", fm_aes_gcm_init(NULL, key, 16), FM_ERR_ARG);
    memset(&k, 0xa5, sizeof k);
    expect_rc("fm_aes_gcm_init(k NULL)", fm_aes_gcm_init(&k, NULL, 16), FM_ERR_ARG);
    if (!tu_all_zero(&k, sizeof k))
        fail_msg("fm_aes_gcm_init(k NULL) did not wipe the key");
    checked += 2;
    for (i = 0; i < sizeof bad_klens / sizeof bad_klens[0]; i++) {
        char what[80];

        snprintf(what, sizeof what, "fm_aes_gcm_init with a %zu-byte key", bad_klens[i]);
        gcm_init_ok(&k, key, 32);
        expect_rc(what, fm_aes_gcm_init(&k, key, bad_klens[i]), FM_ERR_LENGTH);
        if (!tu_all_zero(&k, sizeof k))
            fail_msg("%s: refused, but the key is not wiped", what);
        memset(out, 0x5a, sizeof out);
        memset(tag, 0x5a, sizeof tag);
        expect_zeroed("fm_aes_gcm_seal with the key a refused init left",
                      fm_aes_gcm_seal(&k, iv, 12, aad, 16, in, 40, out, tag, 16), FM_ERR_CONTEXT,
                      out, 40, sizeof out, tag, 16, sizeof tag);
        checked++;
    }

    gcm_init_ok(&k, key, 16);
    ossl_seal(key, 16, iv, 12, aad, 16, in, 40, want, wtag, 16);

    /* Empty AAD and message with NULL pointers are fine. */
    memset(tag, 0x5a, sizeof tag);
    expect_rc("fm_aes_gcm_seal(aad NULL, 0, in NULL, 0, out NULL)",
              fm_aes_gcm_seal(&k, iv, 12, NULL, 0, NULL, 0, NULL, tag, 16), FM_OK);
    {
        uint8_t e_ct[1], e_tag[16];

        ossl_seal(key, 16, iv, 12, NULL, 0, NULL, 0, e_ct, e_tag, 16);
        if (!tu_mem_eq("empty GCM tag", tag, e_tag, 16))
            fail_msg("the tag of an empty message with empty AAD differs from OpenSSL");
        expect_rc("fm_aes_gcm_open(aad NULL, 0, in NULL, 0, out NULL)",
                  fm_aes_gcm_open(&k, iv, 12, NULL, 0, NULL, 0, e_tag, 16, NULL), FM_OK);
    }
    checked += 2;

    /* Seal: NULL pointers, lengths. */
#define SEAL_FAIL(what, call, want, n, tn)                                                   \
    do {                                                                                      \
        memset(out, 0x5a, sizeof out);                                                        \
        memset(tag, 0x5a, sizeof tag);                                                        \
        expect_zeroed(what, (call), want, out, n, sizeof out, tag, tn, sizeof tag);           \
        checked++;                                                                            \
    } while (0)
    SEAL_FAIL("fm_aes_gcm_seal(key NULL)",
              fm_aes_gcm_seal(NULL, iv, 12, aad, 16, in, 40, out, tag, 16), FM_ERR_ARG, 40, 16);
    SEAL_FAIL("fm_aes_gcm_seal(iv NULL)",
              fm_aes_gcm_seal(&k, NULL, 12, aad, 16, in, 40, out, tag, 16), FM_ERR_ARG, 40, 16);
    SEAL_FAIL("fm_aes_gcm_seal(aad NULL, 16)",
              fm_aes_gcm_seal(&k, iv, 12, NULL, 16, in, 40, out, tag, 16), FM_ERR_ARG, 40, 16);
    SEAL_FAIL("fm_aes_gcm_seal(in NULL, 40)",
              fm_aes_gcm_seal(&k, iv, 12, aad, 16, NULL, 40, out, tag, 16), FM_ERR_ARG, 40, 16);
    SEAL_FAIL("fm_aes_gcm_seal(out NULL, 40)",
              fm_aes_gcm_seal(&k, iv, 12, aad, 16, in, 40, NULL, tag, 16), FM_ERR_ARG, 0, 16);
    SEAL_FAIL("fm_aes_gcm_seal(tag NULL)",
              fm_aes_gcm_seal(&k, iv, 12, aad, 16, in, 40, out, NULL, 16), FM_ERR_ARG, 40, 0);
    SEAL_FAIL("fm_aes_gcm_seal(ivlen 0)",
              fm_aes_gcm_seal(&k, iv, 0, aad, 16, in, 40, out, tag, 16), FM_ERR_LENGTH, 40, 16);
    SEAL_FAIL("fm_aes_gcm_seal(taglen 3)",
              fm_aes_gcm_seal(&k, iv, 12, aad, 16, in, 40, out, tag, 3), FM_ERR_LENGTH, 40, 3);
    /* 17: the module zeroes the 16 bytes a tag can have (see the report). */
    SEAL_FAIL("fm_aes_gcm_seal(taglen 17)",
              fm_aes_gcm_seal(&k, iv, 12, aad, 16, in, 40, out, tag, 17), FM_ERR_LENGTH, 40, 16);
    SEAL_FAIL("fm_aes_gcm_seal(taglen 0)",
              fm_aes_gcm_seal(&k, iv, 12, aad, 16, in, 40, out, tag, 0), FM_ERR_LENGTH, 40, 0);
    if (sizeof(size_t) >= 8)
        SEAL_FAIL("fm_aes_gcm_seal(aadlen 2^61)",
                  fm_aes_gcm_seal(&k, iv, 12, aad, (size_t)1 << 61, in, 40, out, tag, 16),
                  FM_ERR_LENGTH, 40, 16);
    else
        checked++;

    /* Open: NULL pointers, lengths; out zeroed. */
#define OPEN_FAIL(what, call, want, n)                                                       \
    do {                                                                                      \
        memset(out, 0x5a, sizeof out);                                                        \
        expect_zeroed(what, (call), want, out, n, sizeof out, NULL, 0, 0);                    \
        checked++;                                                                            \
    } while (0)
    OPEN_FAIL("fm_aes_gcm_open(key NULL)",
              fm_aes_gcm_open(NULL, iv, 12, aad, 16, want, 40, wtag, 16, out), FM_ERR_ARG, 40);
    OPEN_FAIL("fm_aes_gcm_open(iv NULL)",
              fm_aes_gcm_open(&k, NULL, 12, aad, 16, want, 40, wtag, 16, out), FM_ERR_ARG, 40);
    OPEN_FAIL("fm_aes_gcm_open(aad NULL, 16)",
              fm_aes_gcm_open(&k, iv, 12, NULL, 16, want, 40, wtag, 16, out), FM_ERR_ARG, 40);
    OPEN_FAIL("fm_aes_gcm_open(in NULL, 40)",
              fm_aes_gcm_open(&k, iv, 12, aad, 16, NULL, 40, wtag, 16, out), FM_ERR_ARG, 40);
    OPEN_FAIL("fm_aes_gcm_open(tag NULL)",
              fm_aes_gcm_open(&k, iv, 12, aad, 16, want, 40, NULL, 16, out), FM_ERR_ARG, 40);
    expect_rc("fm_aes_gcm_open(out NULL, 40)",
              fm_aes_gcm_open(&k, iv, 12, aad, 16, want, 40, wtag, 16, NULL), FM_ERR_ARG);
    checked++;
    OPEN_FAIL("fm_aes_gcm_open(ivlen 0)",
              fm_aes_gcm_open(&k, iv, 0, aad, 16, want, 40, wtag, 16, out), FM_ERR_LENGTH, 40);
    OPEN_FAIL("fm_aes_gcm_open(taglen 3)",
              fm_aes_gcm_open(&k, iv, 12, aad, 16, want, 40, wtag, 3, out), FM_ERR_LENGTH, 40);
    OPEN_FAIL("fm_aes_gcm_open(taglen 17)",
              fm_aes_gcm_open(&k, iv, 12, aad, 16, want, 40, tag, 17, out), FM_ERR_LENGTH, 40);
    if (sizeof(size_t) >= 8)
        OPEN_FAIL("fm_aes_gcm_open(aadlen 2^61)",
                  fm_aes_gcm_open(&k, iv, 12, aad, (size_t)1 << 61, want, 40, wtag, 16, out),
                  FM_ERR_LENGTH, 40);
    else
        checked++;
    /* The right answer still opens after all that. */
    expect_rc("fm_aes_gcm_open", fm_aes_gcm_open(&k, iv, 12, aad, 16, want, 40, wtag, 16, out),
              FM_OK);
    if (memcmp(out, in, 40) != 0)
        fail_msg("fm_aes_gcm_open after refused calls gives the wrong plaintext");
    checked++;

    /* Uninitialised (zero, garbage) and wiped keys: FM_ERR_CONTEXT everywhere. */
    for (kind = 0; kind < 3; kind++) {
        static const char *const kinds[3] = { "an all-zero (never initialised)", "a garbage",
                                              "a wiped" };
        uint8_t giv[12];
        fm_aes_gcm_ctx ctx;
        char what[160];

        if (kind == 0) {
            memset(&bad, 0, sizeof bad);
        } else if (kind == 1) {
            memset(&bad, 0xa5, sizeof bad);
        } else {
            gcm_init_ok(&bad, key, 24);
            expect_rc("fm_aes_gcm_seal_geniv before the wipe",
                      fm_aes_gcm_seal_geniv(&bad, iv, NULL, 0, in, 40, out, tag, 16), FM_OK);
            expect_rc("fm_aes_gcm_wipe", fm_aes_gcm_wipe(&bad), FM_OK);
            if (!tu_all_zero(&bad, sizeof bad))
                fail_msg("fm_aes_gcm_wipe left the key not all zero");
        }
        snprintf(what, sizeof what, "fm_aes_gcm_seal with %s key", kinds[kind]);
        SEAL_FAIL(what, fm_aes_gcm_seal(&bad, iv, 12, aad, 16, in, 40, out, tag, 16),
                  FM_ERR_CONTEXT, 40, 16);
        snprintf(what, sizeof what, "fm_aes_gcm_open with %s key", kinds[kind]);
        OPEN_FAIL(what, fm_aes_gcm_open(&bad, iv, 12, aad, 16, want, 40, wtag, 16, out),
                  FM_ERR_CONTEXT, 40);
        snprintf(what, sizeof what, "in-place fm_aes_gcm_open with %s key", kinds[kind]);
        memcpy(out, want, 40);
        expect_zeroed(what, fm_aes_gcm_open(&bad, iv, 12, aad, 16, out, 40, wtag, 16, out),
                      FM_ERR_CONTEXT, out, 40, 40, NULL, 0, 0);
        checked++;
        snprintf(what, sizeof what, "fm_aes_gcm_seal_geniv with %s key", kinds[kind]);
        memset(giv, 0x5a, sizeof giv);
        SEAL_FAIL(what, fm_aes_gcm_seal_geniv(&bad, giv, aad, 16, in, 40, out, tag, 16),
                  FM_ERR_CONTEXT, 40, 16);
        if (!tu_all_zero(giv, 12))
            fail_msg("%s: iv not zeroed", what);
        snprintf(what, sizeof what, "fm_aes_gcm_start with %s key", kinds[kind]);
        memset(&ctx, 0x77, sizeof ctx);
        expect_ctx_fail(what, fm_aes_gcm_start(&ctx, &bad, FM_AES_GCM_DECRYPT, iv, 12),
                        FM_ERR_CONTEXT, &ctx);
        snprintf(what, sizeof what, "fm_aes_gcm_start_geniv with %s key", kinds[kind]);
        memset(&ctx, 0x77, sizeof ctx);
        expect_ctx_fail(what, fm_aes_gcm_start_geniv(&ctx, &bad, giv), FM_ERR_CONTEXT, &ctx);
        checked += 3;
    }
#undef SEAL_FAIL
#undef OPEN_FAIL

    /* Wipe. */
    expect_rc("fm_aes_gcm_wipe(NULL)", fm_aes_gcm_wipe(NULL), FM_ERR_ARG);
    expect_rc("fm_aes_gcm_wipe", fm_aes_gcm_wipe(&k), FM_OK);
    if (!tu_all_zero(&k, sizeof k))
        fail_msg("fm_aes_gcm_wipe left the key not all zero");
    checked += 2;

    printf("  %ld bad-input cases checked on %s\n", checked, c->impl.name);
    assert_int_equal(checked, 2 + 9 + 2 + 11 + 10 + 1 + 3 * 7 + 2);
}

/* ---- main ------------------------------------------------------------------------------- */

int main(void)
{
    size_t i;

    tu_init("test_aes_gcm");
    for (i = 0; i < sizeof cavp_files / sizeof cavp_files[0]; i++) {
        tu_case t = {
            .family = FM_FAMILY_AES,
            .expect = CAVP_RECORDS,
            .data = (const void *)(uintptr_t)i,
        };
        snprintf(cavp_paths[i], sizeof cavp_paths[i], "cavp/gcm/%s", cavp_files[i].file);
        t.file = cavp_paths[i];
        add_per_impl(test_cavp, &t, cavp_paths[i]);
    }
    {
        tu_case t = {
            .family = FM_FAMILY_AES,
            .expect = WP_TESTS,
            .file = "wycheproof/aes_gcm_test.json",
        };
        add_per_impl(test_wycheproof, &t, "wycheproof/aes_gcm_test.json");
    }
    {
        tu_case t = { .family = FM_FAMILY_AES };
        add_per_impl(test_vs_openssl, &t, "differential vs OpenSSL EVP aes-*-gcm");
        add_per_impl(test_streaming, &t, "streaming: pieces equal one call");
        add_per_impl(test_stream_order, &t, "streaming: call order and arguments");
        add_per_impl(test_counter_wrap, &t, "counter wrap: inc32 modulo 2^32");
        add_per_impl(test_geniv, &t, "IV generation (SP 800-38D 8.2.2)");
        add_per_impl(test_indicator, &t, "service indicator and strict mode");
        add_per_impl(test_bad_input, &t, "bad input, outputs zeroed, keys wiped");
    }
    return tu_run(&suite, "test_aes_gcm");
}
