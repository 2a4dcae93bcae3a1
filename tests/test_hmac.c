/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HMAC (FIPS 198-1) tests for fm_hmac*, each run once per implementation
 * of the underlying hash family that the CPU offers:
 *
 *  - RFC 4231 test cases 1-7 for HMAC-SHA-224/256/384/512 (case 5
 *    truncated to 128 bits), hard-coded;
 *  - CAVP HMACVS HMAC.rsp ([L=28|32|48|64]; the SHA-1 [L=20] sections are
 *    skipped and counted), checked through fm_hmac with taglen = Tlen and
 *    through fm_hmac_verify, plus a flipped-bit tag that must not verify;
 *  - Wycheproof hmac_sha{224,256,384,512,512_224,512_256}_test.json: valid
 *    tags must be produced and verify, invalid ones must give
 *    FM_ERR_VERIFY (tags under 4 bytes: FM_ERR_LENGTH, counted apart);
 *  - keys of 0, 1, block-1, block, block+1 and 1000 bytes against OpenSSL;
 *  - one-shot vs random split updates; random keys, messages and tag
 *    lengths against OpenSSL's HMAC(); copies of a keyed context by
 *    assignment.
 *
 * Every vector loop asserts the exact number of records it checked. The
 * vector files come from ../shared/vectors (or $FIPSMOD_VECTORS); when the
 * folder is absent those tests are skipped and say why.
 */
#include "testutil.h"

#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

static tu_suite suite;

static void openssl_hmac(int alg, const uint8_t *key, size_t keylen, const uint8_t *msg,
                         size_t len, uint8_t *out)
{
    static const uint8_t nothing[1];
    unsigned int n = 0;

    /* OpenSSL is given a non-NULL pointer even for empty keys and messages. */
    assert_non_null(HMAC(tu_evp_md(alg), keylen ? key : nothing, (int)keylen,
                         len ? msg : nothing, len, out, &n));
    assert_int_equal(n, tu_alg_len(alg));
}

/* MAC through init/update/final with the message in three pieces. */
static int hmac_parts(int alg, const uint8_t *key, size_t keylen, const uint8_t *msg,
                      size_t len, uint8_t *tag, size_t taglen)
{
    fm_hmac_ctx ctx;
    size_t cut = len / 3;
    int rc;

    if ((rc = fm_hmac_init(&ctx, alg, key, keylen)) != FM_OK)
        return rc;
    if ((rc = fm_hmac_update(&ctx, msg, cut)) != FM_OK ||
        (rc = fm_hmac_update(&ctx, msg + cut, cut)) != FM_OK ||
        (rc = fm_hmac_update(&ctx, msg + 2 * cut, len - 2 * cut)) != FM_OK) {
        fm_hmac_wipe(&ctx);
        return rc;
    }
    return fm_hmac_final(&ctx, tag, taglen);
}

static int hmac_verify(int alg, const uint8_t *key, size_t keylen, const uint8_t *msg,
                       size_t len, const uint8_t *tag, size_t taglen)
{
    fm_hmac_ctx ctx;
    int rc;

    if ((rc = fm_hmac_init(&ctx, alg, key, keylen)) != FM_OK)
        return rc;
    if ((rc = fm_hmac_update(&ctx, msg, len)) != FM_OK) {
        fm_hmac_wipe(&ctx);
        return rc;
    }
    rc = fm_hmac_verify(&ctx, tag, taglen);
    /* Whatever the outcome, the context is finished (test_api checks the bytes). */
    if (rc != FM_ERR_LENGTH && fm_hmac_update(&ctx, "x", 1) != FM_ERR_CONTEXT)
        fail_msg("fm_hmac_verify returned %d and left the context usable", rc);
    return rc;
}

/* ---- RFC 4231 ---------------------------------------------------------------------- */

static const struct {
    const char *key;   /* hex */
    const char *data;  /* hex */
    size_t taglen;     /* 0 = full digest */
    const char *mac[4]; /* SHA-224, SHA-256, SHA-384, SHA-512 */
} rfc4231[] = {
    { /* 1 */
      "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265", 0,
      { "896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22",
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
        "faea9ea9076ede7f4af152e8b2fa9cb6",
        "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
        "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854" } },
    { /* 2 */
      "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f", 0,
      { "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44",
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
        "8e2240ca5e69e2c78b3239ecfab21649",
        "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
        "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" } },
    { /* 3 */
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
      0,
      { "7fb3cb3588c6c1f6ffa9694d7d6ad2649365b0c1f65d69d1ec8333ea",
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
        "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b"
        "2a5ab39dc13814b94e3ab6e101a34f27",
        "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
        "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb" } },
    { /* 4 */
      "0102030405060708090a0b0c0d0e0f10111213141516171819",
      "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
      0,
      { "6c11506874013cac6a2abc1bb382627cec6a90d86efc012de7afec5a",
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
        "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e"
        "6801dd23c4a7d679ccf8a386c674cffb",
        "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
        "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd" } },
    { /* 5: truncated to 128 bits */
      "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", "546573742057697468205472756e636174696f6e", 16,
      { "0e2aea68a90c8d37c988bcdb9fca6fa8",
        "a3b6167473100ee06e0c796c2955552b",
        "3abf34c3503b2a23a46efc619baef897",
        "415fad6271580a531d4179bc891d87a6" } },
    { /* 6 */
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a"
      "65204b6579202d2048617368204b6579204669727374",
      0,
      { "95e9a0db962095adaebe9b2d6f0dbce2d499f112f2d2b7273fa6870e",
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
        "0c2ef6ab4030fe8296248df163f44952",
        "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
        "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598" } },
    { /* 7 */
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "5468697320697320612074657374207573696e672061206c6172676572207468"
      "616e20626c6f636b2d73697a65206b657920616e642061206c61726765722074"
      "68616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565"
      "647320746f20626520686173686564206265666f7265206265696e6720757365"
      "642062792074686520484d414320616c676f726974686d2e",
      0,
      { "3a854166ac5d9f023f54d517d0b39dbd946770db9c2b95c9f6f565d1",
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5"
        "a678cc31e799176d3860e6110c46523e",
        "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
        "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58" } },
};

static void test_rfc4231(void **state)
{
    static const int algs[4] = { FM_SHA224, FM_SHA256, FM_SHA384, FM_SHA512 };
    tu_case *c = tu_begin(state);
    int checked = 0;
    size_t t, a;

    for (t = 0; t < sizeof rfc4231 / sizeof rfc4231[0]; t++) {
        uint8_t key[200], data[200], want[FM_HASH_MAX_LEN], got[FM_HASH_MAX_LEN];
        size_t keylen, datalen, wantlen;

        assert_int_equal(tu_hex_decode(rfc4231[t].key, key, sizeof key, &keylen), 0);
        assert_int_equal(tu_hex_decode(rfc4231[t].data, data, sizeof data, &datalen), 0);
        for (a = 0; a < 4; a++) {
            int alg = algs[a];
            size_t taglen = rfc4231[t].taglen ? rfc4231[t].taglen : tu_alg_len(alg);
            char what[96];

            if (tu_alg_family(alg) != c->family)
                continue;
            assert_int_equal(tu_hex_decode(rfc4231[t].mac[a], want, sizeof want, &wantlen), 0);
            assert_int_equal(wantlen, taglen);
            snprintf(what, sizeof what, "RFC 4231 test case %zu HMAC-%s on %s", t + 1,
                     tu_alg_name(alg), c->impl.name);
            memset(got, 0xee, sizeof got);
            assert_int_equal(fm_hmac(alg, key, keylen, data, datalen, got, taglen), FM_OK);
            if (!tu_mem_eq(what, got, want, taglen))
                fail_msg("%s (one-shot)", what);
            if (taglen < sizeof got && got[taglen] != 0xee)
                fail_msg("%s: fm_hmac wrote past taglen %zu", what, taglen);
            memset(got, 0, sizeof got);
            assert_int_equal(hmac_parts(alg, key, keylen, data, datalen, got, taglen), FM_OK);
            if (!tu_mem_eq(what, got, want, taglen))
                fail_msg("%s (init/update/final)", what);
            assert_int_equal(hmac_verify(alg, key, keylen, data, datalen, want, taglen), FM_OK);
            want[taglen - 1] ^= 0x01;
            assert_int_equal(hmac_verify(alg, key, keylen, data, datalen, want, taglen),
                             FM_ERR_VERIFY);
            checked++;
        }
    }
    printf("  %d RFC 4231 cases checked on %s\n", checked, c->impl.name);
    assert_int_equal(checked, 14);
}

/* ---- CAVP HMAC.rsp --------------------------------------------------------------------- */

static int alg_of_l(unsigned long l)
{
    switch (l) {
    case 28: return FM_SHA224;
    case 32: return FM_SHA256;
    case 48: return FM_SHA384;
    case 64: return FM_SHA512;
    default: return 0;
    }
}

static void test_cavp_hmac(void **state)
{
    tu_case *c = tu_begin(state);
    char path[PATH_MAX];
    long checked = 0, sha1 = 0, other = 0;
    tu_rsp r;
    int rc;

    tu_vector_path(c, path, sizeof path);
    assert_int_equal(tu_rsp_open(&r, path), 0);
    while ((rc = tu_rsp_next(&r)) == 1) {
        const char *l_s = tu_rsp_param(&r, "L");
        const char *klen_s = tu_rsp_field(&r, "Klen"), *tlen_s = tu_rsp_field(&r, "Tlen");
        const char *key_s = tu_rsp_field(&r, "Key"), *msg_s = tu_rsp_field(&r, "Msg");
        const char *mac_s = tu_rsp_field(&r, "Mac");
        unsigned long l;
        uint8_t *key, *msg, mac[FM_HASH_MAX_LEN], got[FM_HASH_MAX_LEN];
        size_t keylen, msglen, maclen, tlen;
        int alg;

        if (l_s == NULL || klen_s == NULL || tlen_s == NULL || key_s == NULL || msg_s == NULL ||
            mac_s == NULL)
            fail_msg("%s:%lu: record without [L], Klen, Tlen, Key, Msg, Mac", path, r.record_line);
        l = strtoul(l_s, NULL, 10);
        if (l == 20) {
            sha1++;
            continue;
        }
        alg = alg_of_l(l);
        if (alg == 0)
            fail_msg("%s:%lu: unexpected section [L=%s]", path, r.record_line, l_s);
        if (tu_alg_family(alg) != c->family) {
            other++;
            continue;
        }
        key = tu_hex_alloc(key_s, &keylen);
        msg = tu_hex_alloc(msg_s, &msglen);
        tlen = strtoul(tlen_s, NULL, 10);
        if (key == NULL || msg == NULL || tu_hex_decode(mac_s, mac, sizeof mac, &maclen) != 0)
            fail_msg("%s:%lu: bad hex", path, r.record_line);
        if (keylen != strtoul(klen_s, NULL, 10) || maclen != tlen || tlen > l)
            fail_msg("%s:%lu: Klen/Tlen disagree with Key/Mac", path, r.record_line);

        memset(got, 0, sizeof got);
        assert_int_equal(fm_hmac(alg, key, keylen, msg, msglen, got, tlen), FM_OK);
        if (!tu_mem_eq("HMAC.rsp Mac", got, mac, tlen))
            fail_msg("%s:%lu: HMAC-%s, Tlen %zu, on %s", path, r.record_line, tu_alg_name(alg),
                     tlen, c->impl.name);
        assert_int_equal(hmac_parts(alg, key, keylen, msg, msglen, got, tlen), FM_OK);
        if (!tu_mem_eq("HMAC.rsp Mac (init/update/final)", got, mac, tlen))
            fail_msg("%s:%lu: HMAC-%s on %s", path, r.record_line, tu_alg_name(alg), c->impl.name);
        rc = hmac_verify(alg, key, keylen, msg, msglen, mac, tlen);
        if (rc != FM_OK)
            fail_msg("%s:%lu: fm_hmac_verify = %d for the correct tag", path, r.record_line, rc);
        mac[checked % tlen] ^= (uint8_t)(1u << (checked % 8));
        rc = hmac_verify(alg, key, keylen, msg, msglen, mac, tlen);
        if (rc != FM_ERR_VERIFY)
            fail_msg("%s:%lu: fm_hmac_verify = %d for a tag with one bit flipped", path,
                     r.record_line, rc);
        free(key);
        free(msg);
        checked++;
    }
    tu_rsp_close(&r);
    assert_int_equal(rc, 0);
    printf("  %s: %ld of %ld records checked on %s; %ld HMAC-SHA-1 ([L=20]) records skipped "
           "(SHA-1 is not in fipsmod)\n", c->file, checked, c->expect, c->impl.name, sha1);
    assert_true(checked > 0);
    assert_int_equal(checked, c->expect);
    assert_int_equal(sha1, 300);
    assert_int_equal(checked + other, 1275);
}

/* ---- Wycheproof ------------------------------------------------------------------------ */

static const struct {
    int alg;
    const char *file;
    long tests;
} wycheproof_files[] = {
    { FM_SHA224, "wycheproof/hmac_sha224_test.json", 172 },
    { FM_SHA256, "wycheproof/hmac_sha256_test.json", 174 },
    { FM_SHA384, "wycheproof/hmac_sha384_test.json", 174 },
    { FM_SHA512, "wycheproof/hmac_sha512_test.json", 174 },
    { FM_SHA512_224, "wycheproof/hmac_sha512_224_test.json", 173 },
    { FM_SHA512_256, "wycheproof/hmac_sha512_256_test.json", 175 },
};

static const char *jstr(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static void test_wycheproof(void **state)
{
    tu_case *c = tu_begin(state);
    size_t dlen = tu_alg_len(c->alg), g, t;
    long checked = 0, valid = 0, invalid = 0, badlen = 0;
    char path[PATH_MAX];
    json_error_t err;
    json_t *root, *groups;

    tu_vector_path(c, path, sizeof path);
    root = json_load_file(path, 0, &err);
    if (root == NULL)
        fail_msg("%s:%d: %s", path, err.line, err.text);
    groups = json_object_get(root, "testGroups");
    if (!json_is_array(groups) || json_array_size(groups) == 0)
        fail_msg("%s: no testGroups", path);
    for (g = 0; g < json_array_size(groups); g++) {
        json_t *grp = json_array_get(groups, g);
        json_t *tests = json_object_get(grp, "tests");
        json_int_t tagbits = json_integer_value(json_object_get(grp, "tagSize"));

        if (!json_is_array(tests) || tagbits <= 0 || tagbits % 8 != 0)
            fail_msg("%s: group %zu lacks tests or a byte tagSize", path, g);
        for (t = 0; t < json_array_size(tests); t++) {
            json_t *tc = json_array_get(tests, t);
            json_int_t id = json_integer_value(json_object_get(tc, "tcId"));
            const char *key_s = jstr(tc, "key"), *msg_s = jstr(tc, "msg");
            const char *tag_s = jstr(tc, "tag"), *result = jstr(tc, "result");
            uint8_t *key, *msg, *tag, got[FM_HASH_MAX_LEN];
            size_t keylen, msglen, taglen;
            int rc;

            if (key_s == NULL || msg_s == NULL || tag_s == NULL || result == NULL)
                fail_msg("%s: tcId %lld incomplete", path, (long long)id);
            key = tu_hex_alloc(key_s, &keylen);
            msg = tu_hex_alloc(msg_s, &msglen);
            tag = tu_hex_alloc(tag_s, &taglen);
            if (key == NULL || msg == NULL || tag == NULL)
                fail_msg("%s: tcId %lld: bad hex", path, (long long)id);

            if (taglen < FM_HMAC_MIN_TAG_LEN || taglen > dlen) {
                /* Outside what the API accepts, whatever the file says. */
                rc = hmac_verify(c->alg, key, keylen, msg, msglen, tag, taglen);
                if (rc != FM_ERR_LENGTH)
                    fail_msg("%s: tcId %lld: %zu-byte tag: fm_hmac_verify = %d, expected "
                             "FM_ERR_LENGTH", path, (long long)id, taglen, rc);
                badlen++;
            } else if (strcmp(result, "valid") == 0) {
                if ((json_int_t)taglen * 8 != tagbits)
                    fail_msg("%s: tcId %lld: tag is not tagSize bits", path, (long long)id);
                memset(got, 0, sizeof got);
                rc = fm_hmac(c->alg, key, keylen, msg, msglen, got, taglen);
                if (rc != FM_OK || !tu_mem_eq("Wycheproof tag", got, tag, taglen))
                    fail_msg("%s: tcId %lld: fm_hmac = %d or wrong tag on %s", path,
                             (long long)id, rc, c->impl.name);
                rc = hmac_verify(c->alg, key, keylen, msg, msglen, tag, taglen);
                if (rc != FM_OK)
                    fail_msg("%s: tcId %lld: fm_hmac_verify = %d for a valid tag on %s", path,
                             (long long)id, rc, c->impl.name);
                valid++;
            } else if (strcmp(result, "invalid") == 0) {
                rc = hmac_verify(c->alg, key, keylen, msg, msglen, tag, taglen);
                if (rc != FM_ERR_VERIFY)
                    fail_msg("%s: tcId %lld: fm_hmac_verify = %d for an invalid tag on %s, "
                             "expected FM_ERR_VERIFY", path, (long long)id, rc, c->impl.name);
                invalid++;
            } else {
                fail_msg("%s: tcId %lld: unexpected result \"%s\"", path, (long long)id, result);
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
    printf("  %s: %ld of %ld tests on %s (%ld valid, %ld invalid, %ld with a tag under 4 bytes "
           "or over the digest: FM_ERR_LENGTH)\n", c->file, checked, c->expect, c->impl.name, valid,
           invalid, badlen);
    assert_true(checked > 0 && valid > 0 && invalid > 0);
    assert_int_equal(checked, c->expect);
}

/* ---- key lengths ------------------------------------------------------------------------ */

static void test_key_lengths(void **state)
{
    static uint8_t key[1000], msg[1000];
    tu_case *c = tu_begin(state);
    long checked = 0;
    tu_rng rng;
    size_t k, i, m;

    tu_rng_init_named(&rng, c->name);
    tu_rng_fill(&rng, key, sizeof key);
    tu_rng_fill(&rng, msg, sizeof msg);
    for (k = 0; k < TU_NUM_ALGS; k++) {
        int alg = tu_algs[k];
        size_t b = tu_alg_block(alg), dlen = tu_alg_len(alg);
        const size_t keylens[] = { 0, 1, b - 1, b, b + 1, 1000 };
        const size_t msglens[] = { 0, 1, 100, 1000 };

        if (tu_alg_family(alg) != c->family)
            continue;
        for (i = 0; i < sizeof keylens / sizeof keylens[0]; i++) {
            for (m = 0; m < sizeof msglens / sizeof msglens[0]; m++) {
                uint8_t want[FM_HASH_MAX_LEN], got[FM_HASH_MAX_LEN];

                openssl_hmac(alg, key, keylens[i], msg, msglens[m], want);
                memset(got, 0, sizeof got);
                assert_int_equal(fm_hmac(alg, keylens[i] ? key : NULL, keylens[i], msg, msglens[m],
                                         got, dlen), FM_OK);
                if (!tu_mem_eq("HMAC vs OpenSSL", got, want, dlen))
                    fail_msg("HMAC-%s, %zu-byte key, %zu-byte message, on %s", tu_alg_name(alg),
                             keylens[i], msglens[m], c->impl.name);
                checked++;
            }
        }
    }
    printf("  %ld key/message length pairs agree with OpenSSL on %s\n", checked, c->impl.name);
    assert_int_equal(checked, c->family == FM_FAMILY_SHA256 ? 48 : 96);
}

/* ---- split updates ------------------------------------------------------------------------ */

static void test_split_updates(void **state)
{
    static uint8_t key[300], msg[5 * FM_HASH_MAX_BLOCK_LEN];
    tu_case *c = tu_begin(state);
    long checked = 0;
    tu_rng rng;
    size_t k;

    tu_rng_init_named(&rng, c->name);
    for (k = 0; k < TU_NUM_ALGS; k++) {
        int alg = tu_algs[k], iter;
        size_t dlen = tu_alg_len(alg), block = tu_alg_block(alg);

        if (tu_alg_family(alg) != c->family)
            continue;
        for (iter = 0; iter < 250; iter++) {
            size_t keylen = tu_rng_below(&rng, sizeof key + 1);
            size_t len = tu_rng_below(&rng, 4 * block + 20), done = 0;
            uint8_t want[FM_HASH_MAX_LEN], got[FM_HASH_MAX_LEN];
            fm_hmac_ctx ctx;

            tu_rng_fill(&rng, key, keylen);
            tu_rng_fill(&rng, msg, len);
            assert_int_equal(fm_hmac(alg, key, keylen, msg, len, want, dlen), FM_OK);
            assert_int_equal(fm_hmac_init(&ctx, alg, key, keylen), FM_OK);
            while (done < len) {
                size_t n;
                switch (tu_rng_below(&rng, 6)) {
                case 0: n = 0; break;
                case 1: n = 1; break;
                case 2: n = block - 1; break;
                case 3: n = block + 1; break;
                default: n = tu_rng_below(&rng, len - done + 1); break;
                }
                if (n > len - done)
                    n = len - done;
                assert_int_equal(fm_hmac_update(&ctx, n ? msg + done : NULL, n), FM_OK);
                done += n;
            }
            assert_int_equal(fm_hmac_final(&ctx, got, dlen), FM_OK);
            if (!tu_mem_eq("HMAC split updates vs one-shot", got, want, dlen))
                fail_msg("HMAC-%s, %zu-byte key, %zu-byte message, on %s", tu_alg_name(alg),
                         keylen, len, c->impl.name);
            checked++;
        }
    }
    printf("  %ld messages split at random on %s\n", checked, c->impl.name);
    assert_int_equal(checked, c->family == FM_FAMILY_SHA256 ? 500 : 1000);
}

/* ---- OpenSSL differential -------------------------------------------------------------------- */

static void test_vs_openssl(void **state)
{
    static uint8_t key[400], msg[3000 + 64];
    tu_case *c = tu_begin(state);
    long checked = 0;
    tu_rng rng;
    size_t k;

    tu_rng_init_named(&rng, c->name);
    for (k = 0; k < TU_NUM_ALGS; k++) {
        int alg = tu_algs[k], iter;
        size_t dlen = tu_alg_len(alg), block = tu_alg_block(alg);

        if (tu_alg_family(alg) != c->family)
            continue;
        for (iter = 0; iter < 1500; iter++) {
            /* Key lengths cluster around the block length half of the time. */
            size_t keylen = iter % 2 ? block - 3 + tu_rng_below(&rng, 7)
                                     : tu_rng_below(&rng, sizeof key + 1);
            size_t len = tu_rng_below(&rng, 3001), off = tu_rng_below(&rng, 64);
            size_t taglen = FM_HMAC_MIN_TAG_LEN + tu_rng_below(&rng, dlen - FM_HMAC_MIN_TAG_LEN + 1);
            uint8_t want[FM_HASH_MAX_LEN], got[FM_HASH_MAX_LEN];

            tu_rng_fill(&rng, key, keylen);
            tu_rng_fill(&rng, msg + off, len);
            openssl_hmac(alg, key, keylen, msg + off, len, want);
            memset(got, 0, sizeof got);
            assert_int_equal(fm_hmac(alg, key, keylen, msg + off, len, got, taglen), FM_OK);
            if (!tu_mem_eq("HMAC vs OpenSSL", got, want, taglen))
                fail_msg("HMAC-%s, %zu-byte key, %zu-byte message, taglen %zu, on %s",
                         tu_alg_name(alg), keylen, len, taglen, c->impl.name);
            if (!tu_all_zero(got + taglen, sizeof got - taglen))
                fail_msg("fm_hmac wrote beyond taglen %zu", taglen);
            assert_int_equal(hmac_verify(alg, key, keylen, msg + off, len, want, taglen), FM_OK);
            checked++;
        }
    }
    printf("  %ld random keys/messages/tag lengths agree with OpenSSL HMAC() on %s\n", checked,
           c->impl.name);
    assert_int_equal(checked, c->family == FM_FAMILY_SHA256 ? 3000 : 6000);
}

/* ---- copies of a keyed context ------------------------------------------------------------ */

static void test_keyed_copy(void **state)
{
    static const uint8_t key[] = "a key shared by every copy";
    static const uint8_t m1[] = "first message", m2[] = "a second, longer message";
    tu_case *c = tu_begin(state);
    int checked = 0;
    size_t k;

    for (k = 0; k < TU_NUM_ALGS; k++) {
        int alg = tu_algs[k];
        size_t dlen = tu_alg_len(alg);
        uint8_t w1[FM_HASH_MAX_LEN], w2[FM_HASH_MAX_LEN];
        uint8_t a[FM_HASH_MAX_LEN], b[FM_HASH_MAX_LEN], d[FM_HASH_MAX_LEN];
        fm_hmac_ctx keyed, c1, c2, c3;

        if (tu_alg_family(alg) != c->family)
            continue;
        openssl_hmac(alg, key, sizeof key, m1, sizeof m1, w1);
        openssl_hmac(alg, key, sizeof key, m2, sizeof m2, w2);
        assert_int_equal(fm_hmac_init(&keyed, alg, key, sizeof key), FM_OK);
        c1 = keyed;
        c2 = keyed;
        c3 = keyed;
        assert_int_equal(fm_hmac_update(&c1, m1, sizeof m1), FM_OK);
        assert_int_equal(fm_hmac_update(&c2, m1, sizeof m1), FM_OK);
        assert_int_equal(fm_hmac_update(&c3, m2, sizeof m2), FM_OK);
        assert_int_equal(fm_hmac_final(&c1, a, dlen), FM_OK);
        assert_int_equal(fm_hmac_final(&c2, b, dlen), FM_OK);
        assert_int_equal(fm_hmac_final(&c3, d, dlen), FM_OK);
        assert_true(tu_mem_eq("copy 1 vs copy 2", a, b, dlen));
        assert_true(tu_mem_eq("copy 1 vs OpenSSL", a, w1, dlen));
        assert_true(tu_mem_eq("copy 3 vs OpenSSL", d, w2, dlen));
        /* The original is still keyed and unused. */
        assert_int_equal(fm_hmac_update(&keyed, m2, sizeof m2), FM_OK);
        assert_int_equal(fm_hmac_verify(&keyed, w2, dlen), FM_OK);
        checked++;
    }
    assert_int_equal(checked, c->family == FM_FAMILY_SHA256 ? 2 : 4);
}

/* ---- main --------------------------------------------------------------------------------- */

int main(void)
{
    size_t i;
    int f;

    tu_init("test_hmac");
    for (f = FM_FAMILY_SHA256; f <= FM_FAMILY_SHA512; f++) {
        const char *fam = f == FM_FAMILY_SHA256 ? "HMAC-SHA-224/256" : "HMAC-SHA-384/512";
        tu_case t = { .family = f };
        char label[96];

        snprintf(label, sizeof label, "RFC 4231 cases 1-7, %s", fam);
        tu_add_per_impl(&suite, test_rfc4231, &t, label);
        t.file = "cavp/hmac/HMAC.rsp";
        t.expect = f == FM_FAMILY_SHA256 ? 375 + 225 : 300 + 375;
        snprintf(label, sizeof label, "cavp/hmac/HMAC.rsp %s", fam);
        tu_add_per_impl(&suite, test_cavp_hmac, &t, label);
    }
    for (i = 0; i < sizeof wycheproof_files / sizeof wycheproof_files[0]; i++) {
        tu_case t = {
            .alg = wycheproof_files[i].alg,
            .family = tu_alg_family(wycheproof_files[i].alg),
            .file = wycheproof_files[i].file,
            .expect = wycheproof_files[i].tests,
        };
        tu_add_per_impl(&suite, test_wycheproof, &t, wycheproof_files[i].file);
    }
    for (f = FM_FAMILY_SHA256; f <= FM_FAMILY_SHA512; f++) {
        const char *fam = f == FM_FAMILY_SHA256 ? "HMAC-SHA-224/256" : "HMAC-SHA-384/512";
        tu_case t = { .family = f };
        char label[96];

        snprintf(label, sizeof label, "key lengths 0, 1, block-1, block, block+1, 1000, %s", fam);
        tu_add_per_impl(&suite, test_key_lengths, &t, label);
        snprintf(label, sizeof label, "split updates vs one-shot, %s", fam);
        tu_add_per_impl(&suite, test_split_updates, &t, label);
        snprintf(label, sizeof label, "differential vs OpenSSL HMAC(), %s", fam);
        tu_add_per_impl(&suite, test_vs_openssl, &t, label);
        snprintf(label, sizeof label, "keyed context copied by assignment, %s", fam);
        tu_add_per_impl(&suite, test_keyed_copy, &t, label);
    }
    return tu_run(&suite, "test_hmac");
}
