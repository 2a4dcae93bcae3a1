/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AES-CBC and AES-CTR (SP 800-38A sections 6.2 and 6.5) tests for
 * fm_aes_cbc_encrypt, fm_aes_cbc_decrypt and fm_aes_ctr. Every test that
 * depends on the implementation runs once per AES implementation the CPU
 * offers ("portable" bitsliced, "aesni", "vaes"); one the CPU cannot run is a
 * skipped test that prints why.
 *
 *  - CAVP AESAVS CBC{GFSbox,KeySbox,VarKey,VarTxt,MMT}{128,192,256}.rsp,
 *    [ENCRYPT] and [DECRYPT], each record in its direction (out of place,
 *    in place, and the IV afterwards equal to the last ciphertext block) and
 *    back in the inverse direction;
 *  - CAVP CBCMCT{128,192,256}.rsp, AESAVS section 6.4.2 Monte Carlo: the
 *    chain runs from the first record of each section and each record's
 *    KEY, IV and input must equal the chained values;
 *  - ACVP-AES-CTR internalProjection.json (the sample's counter blocks used
 *    as inputs, payloadLen bits compared), both directions;
 *  - OpenSSL EVP aes-*-cbc (no padding) and aes-*-ctr, every key size,
 *    random lengths (CBC 0..40 blocks, CTR 0..700 bytes), random counters
 *    (some about to carry across the low 64 bits), in place and out of
 *    place at random offsets, nothing written outside out[0..len), and
 *    iv/ctr afterwards as the header says;
 *  - streaming: CBC cut at random block boundaries equals one call; CTR cut
 *    at random block boundaries with a final partial block equals one call;
 *  - CTR counter wrap: ff..ff then 00..00 (modulo 2^128), against OpenSSL
 *    and against ECB of the counter blocks;
 *  - bad input: NULL pointers, CBC lengths that are not a multiple of 16
 *    (FM_ERR_LENGTH), an uninitialised, garbage or wiped key
 *    (FM_ERR_CONTEXT): out zeroed (never past len) and iv/ctr unchanged.
 *
 * Every loop asserts the exact number of records or cases it checked.
 * The vector files come from ../shared/vectors (or $FIPSMOD_VECTORS); when
 * the folder is absent those tests are skipped and say why.
 */
#include "testutil.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

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

static const EVP_CIPHER *evp_cipher(bool ctr, size_t klen)
{
    switch (klen) {
    case 16: return ctr ? EVP_aes_128_ctr() : EVP_aes_128_cbc();
    case 24: return ctr ? EVP_aes_192_ctr() : EVP_aes_192_cbc();
    case 32: return ctr ? EVP_aes_256_ctr() : EVP_aes_256_cbc();
    default: return NULL;
    }
}

/* OpenSSL's answer for CBC (no padding) or CTR, iv the first block. */
static void openssl_run(bool ctr, bool enc, const uint8_t *key, size_t klen, const uint8_t iv[16],
                        const uint8_t *in, uint8_t *out, size_t len)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0, m = 0;

    assert_non_null(ctx);
    assert_int_equal(EVP_CipherInit_ex(ctx, evp_cipher(ctr, klen), NULL, key, iv, enc ? 1 : 0),
                     1);
    assert_int_equal(EVP_CIPHER_CTX_set_padding(ctx, 0), 1);
    if (len > 0)
        assert_int_equal(EVP_CipherUpdate(ctx, out, &n, in, (int)len), 1);
    assert_int_equal(EVP_CipherFinal_ex(ctx, out + n, &m), 1);
    assert_int_equal((size_t)(n + m), len);
    EVP_CIPHER_CTX_free(ctx);
}

static int cbc(bool enc, const fm_aes_key *k, uint8_t iv[16], const uint8_t *in, uint8_t *out,
               size_t len)
{
    return enc ? fm_aes_cbc_encrypt(k, iv, in, out, len) : fm_aes_cbc_decrypt(k, iv, in, out, len);
}

static void init_ok(fm_aes_key *k, const uint8_t *key, size_t klen)
{
    assert_int_equal(fm_aes_init(k, key, klen), FM_OK);
}

/* ctr += n modulo 2^128 (big-endian). */
static void ctr_add(uint8_t ctr[16], uint64_t n)
{
    int i;

    for (i = 15; i >= 0 && n != 0; i--) {
        uint64_t s = (uint64_t)ctr[i] + (n & 0xff);

        ctr[i] = (uint8_t)s;
        n = (n >> 8) + (s >> 8);
    }
}

/* The IV a successful CBC call leaves: the last ciphertext block, if any. */
static void cbc_next_iv(bool enc, uint8_t iv[16], const uint8_t *in, const uint8_t *out,
                        size_t len)
{
    if (len > 0)
        memcpy(iv, (enc ? out : in) + len - 16, 16);
}

/* ---- CAVP KAT and MMT --------------------------------------------------------------- */

static const struct {
    const char *file;
    size_t klen;
    long records; /* [ENCRYPT] + [DECRYPT] */
} cavp_files[] = {
    { "CBCGFSbox128.rsp", 16, 14 },  { "CBCGFSbox192.rsp", 24, 12 },
    { "CBCGFSbox256.rsp", 32, 10 },  { "CBCKeySbox128.rsp", 16, 42 },
    { "CBCKeySbox192.rsp", 24, 48 }, { "CBCKeySbox256.rsp", 32, 32 },
    { "CBCVarKey128.rsp", 16, 256 }, { "CBCVarKey192.rsp", 24, 384 },
    { "CBCVarKey256.rsp", 32, 512 }, { "CBCVarTxt128.rsp", 16, 256 },
    { "CBCVarTxt192.rsp", 24, 256 }, { "CBCVarTxt256.rsp", 32, 256 },
    { "CBCMMT128.rsp", 16, 20 },     { "CBCMMT192.rsp", 24, 20 },
    { "CBCMMT256.rsp", 32, 20 },
};

static const struct {
    const char *file;
    size_t klen;
} mct_files[] = {
    { "CBCMCT128.rsp", 16 },
    { "CBCMCT192.rsp", 24 },
    { "CBCMCT256.rsp", 32 },
};

static char cavp_paths[sizeof cavp_files / sizeof cavp_files[0]][64];
static char mct_paths[sizeof mct_files / sizeof mct_files[0]][64];

static void test_cavp(void **state)
{
    tu_case *c = tu_begin(state);
    size_t klen = (size_t)(uintptr_t)c->data;
    char path[PATH_MAX];
    long checked = 0, n_enc = 0, n_dec = 0;
    tu_rsp r;
    int rc;

    tu_vector_path(c, path, sizeof path);
    assert_int_equal(tu_rsp_open(&r, path), 0);
    while ((rc = tu_rsp_next(&r)) == 1) {
        bool enc = tu_rsp_encrypt_section(&r);
        uint8_t key[32], iv0[16], iv[16], want_iv[16], pt[16 * 16], ct[16 * 16], got[16 * 16];
        size_t kl = tu_rsp_hex(&r, "KEY", key, sizeof key);
        size_t il = tu_rsp_hex(&r, "IV", iv0, sizeof iv0);
        size_t pl = tu_rsp_hex(&r, "PLAINTEXT", pt, sizeof pt);
        size_t cl = tu_rsp_hex(&r, "CIPHERTEXT", ct, sizeof ct);
        const uint8_t *in = enc ? pt : ct, *want = enc ? ct : pt;
        fm_aes_key k;
        char what[200];

        if (kl != klen || il != 16 || pl != cl || pl == 0 || pl % 16 != 0)
            fail_msg("%s:%lu: KEY of %zu bytes (expected %zu), IV %zu, PLAINTEXT %zu, "
                     "CIPHERTEXT %zu", path, r.record_line, kl, klen, il, pl, cl);
        init_ok(&k, key, klen);
        memcpy(want_iv, ct + pl - 16, 16);

        snprintf(what, sizeof what, "%s line %lu %s on %s", c->file, r.record_line,
                 enc ? "encrypt" : "decrypt", c->impl.name);
        memset(got, 0, sizeof got);
        memcpy(iv, iv0, 16);
        assert_int_equal(cbc(enc, &k, iv, in, got, pl), FM_OK);
        if (!tu_mem_eq(what, got, want, pl))
            fail_msg("%s", what);
        if (!tu_mem_eq(what, iv, want_iv, 16))
            fail_msg("%s: iv afterwards is not the last ciphertext block", what);
        /* In place. */
        memcpy(got, in, pl);
        memcpy(iv, iv0, 16);
        assert_int_equal(cbc(enc, &k, iv, got, got, pl), FM_OK);
        if (!tu_mem_eq(what, got, want, pl))
            fail_msg("%s (in place)", what);
        if (!tu_mem_eq(what, iv, want_iv, 16))
            fail_msg("%s (in place): iv afterwards is not the last ciphertext block", what);
        /* And back. */
        memcpy(iv, iv0, 16);
        assert_int_equal(cbc(!enc, &k, iv, got, got, pl), FM_OK);
        if (!tu_mem_eq(what, got, in, pl))
            fail_msg("%s (inverse of the answer)", what);
        if (!tu_mem_eq(what, iv, want_iv, 16))
            fail_msg("%s (inverse): iv afterwards is not the last ciphertext block", what);
        assert_int_equal(fm_aes_wipe(&k), FM_OK);
        if (enc)
            n_enc++;
        else
            n_dec++;
        checked++;
    }
    tu_rsp_close(&r);
    assert_int_equal(rc, 0);
    printf("  %s: %ld of %ld records checked (%ld encrypt, %ld decrypt) on %s\n", c->file,
           checked, c->expect, n_enc, n_dec, c->impl.name);
    assert_true(checked > 0);
    assert_int_equal(checked, c->expect);
    assert_int_equal(n_enc, c->expect / 2);
    assert_int_equal(n_dec, c->expect / 2);
}

/* ---- CAVP Monte Carlo ---------------------------------------------------------------- */

/*
 * AESAVS section 6.4.2 (CBC), one outer iteration from key, iv and the first
 * input (PT[0] for encryption, CT[0] for decryption). Inner step j is one
 * CBC block continuing one message (chaining value iv, then the previous
 * ciphertext block: the streaming rule of fm_aes_cbc_*); the next input is
 * iv after step 0 and the output of step j-1 after step j. out = output
 * 999. Then the key is updated as for ECB (128: out; 192: last 64 bits of
 * output 998 || out; 256: output 998 || out), the next iv is out and the
 * next first input is output 998.
 */
static void mct_outer(bool enc, uint8_t *key, size_t klen, uint8_t iv[16], uint8_t in[16],
                      uint8_t out[16])
{
    uint8_t chain[16], cur[16], prev[16], next[32];
    fm_aes_key k;
    int j;
    size_t i;

    init_ok(&k, key, klen);
    memcpy(chain, iv, 16);
    memset(cur, 0, sizeof cur);
    for (j = 0; j < 1000; j++) {
        memcpy(prev, cur, 16);
        assert_int_equal(cbc(enc, &k, chain, in, cur, 16), FM_OK);
        memcpy(in, j == 0 ? iv : prev, 16);
    }
    assert_int_equal(fm_aes_wipe(&k), FM_OK);
    memcpy(out, cur, 16);
    if (klen == 16) {
        memcpy(next, cur, 16);
    } else if (klen == 24) {
        memcpy(next, prev + 8, 8);
        memcpy(next + 8, cur, 16);
    } else {
        memcpy(next, prev, 16);
        memcpy(next + 16, cur, 16);
    }
    for (i = 0; i < klen; i++)
        key[i] ^= next[i];
    memcpy(iv, cur, 16);
    memcpy(in, prev, 16);
}

static void test_cavp_mct(void **state)
{
    tu_case *c = tu_begin(state);
    size_t klen = (size_t)(uintptr_t)c->data;
    char path[PATH_MAX];
    long checked = 0, n_enc = 0, n_dec = 0;
    uint8_t key[32], iv[16], in[16];
    int dir = -1;
    long count = 0;
    tu_rsp r;
    int rc;

    tu_vector_path(c, path, sizeof path);
    assert_int_equal(tu_rsp_open(&r, path), 0);
    while ((rc = tu_rsp_next(&r)) == 1) {
        bool enc = tu_rsp_encrypt_section(&r);
        const char *count_s = tu_rsp_field(&r, "COUNT");
        uint8_t fkey[32], fiv[16], pt[16], ct[16], out[16];
        size_t kl = tu_rsp_hex(&r, "KEY", fkey, sizeof fkey);
        size_t il = tu_rsp_hex(&r, "IV", fiv, sizeof fiv);
        size_t pl = tu_rsp_hex(&r, "PLAINTEXT", pt, sizeof pt);
        size_t cl = tu_rsp_hex(&r, "CIPHERTEXT", ct, sizeof ct);
        const uint8_t *fin = enc ? pt : ct, *want = enc ? ct : pt;
        char what[200];

        if (kl != klen || il != 16 || pl != 16 || cl != 16 || count_s == NULL)
            fail_msg("%s:%lu: expected COUNT, a %zu-byte KEY and one-block IV, PLAINTEXT and "
                     "CIPHERTEXT", path, r.record_line, klen);
        if (dir != (int)enc) {
            dir = enc;
            count = 0;
            memcpy(key, fkey, klen);
            memcpy(iv, fiv, 16);
            memcpy(in, fin, 16);
        }
        if (strtol(count_s, NULL, 10) != count)
            fail_msg("%s:%lu: COUNT = %s, expected %ld", path, r.record_line, count_s, count);
        snprintf(what, sizeof what, "%s line %lu (%s COUNT = %ld) chained KEY", c->file,
                 r.record_line, enc ? "encrypt" : "decrypt", count);
        if (!tu_mem_eq(what, key, fkey, klen))
            fail_msg("%s on %s: the key update of AESAVS 6.4.2 differs", what, c->impl.name);
        snprintf(what, sizeof what, "%s line %lu (%s COUNT = %ld) chained IV", c->file,
                 r.record_line, enc ? "encrypt" : "decrypt", count);
        if (!tu_mem_eq(what, iv, fiv, 16))
            fail_msg("%s on %s", what, c->impl.name);
        snprintf(what, sizeof what, "%s line %lu (%s COUNT = %ld) chained %s", c->file,
                 r.record_line, enc ? "encrypt" : "decrypt", count,
                 enc ? "PLAINTEXT" : "CIPHERTEXT");
        if (!tu_mem_eq(what, in, fin, 16))
            fail_msg("%s on %s", what, c->impl.name);

        mct_outer(enc, key, klen, iv, in, out);
        snprintf(what, sizeof what, "%s line %lu (%s COUNT = %ld) after 1000 %s", c->file,
                 r.record_line, enc ? "encrypt" : "decrypt", count,
                 enc ? "encryptions" : "decryptions");
        if (!tu_mem_eq(what, out, want, 16))
            fail_msg("%s on %s", what, c->impl.name);
        count++;
        if (enc)
            n_enc++;
        else
            n_dec++;
        checked++;
    }
    tu_rsp_close(&r);
    assert_int_equal(rc, 0);
    printf("  %s: %ld of %ld outer iterations (x1000) checked (%ld encrypt, %ld decrypt) on %s\n",
           c->file, checked, c->expect, n_enc, n_dec, c->impl.name);
    assert_true(checked > 0);
    assert_int_equal(checked, c->expect);
    assert_int_equal(n_enc, 100);
    assert_int_equal(n_dec, 100);
}

/* ---- ACVP-AES-CTR sample (internalProjection.json) ------------------------------------ */

static uint8_t *json_hex(const char *path, json_t *obj, const char *field, size_t *len)
{
    const char *s = json_string_value(json_object_get(obj, field));
    uint8_t *p;

    if (s == NULL)
        fail_msg("%s: a test without a string '%s'", path, field);
    p = tu_hex_alloc(s, len);
    if (p == NULL)
        fail_msg("%s: bad hex in '%s'", path, field);
    return p;
}

/*
 * Every test, encrypt and decrypt, with the sample's counter block as
 * input (in a unit test the IUT-generated IV of an encrypt test is just
 * another input). payloadLen is in bits: the answer is ceil(payloadLen/8)
 * bytes with the unused low bits of the last byte zero, so the module's
 * output is compared on payloadLen bits.
 */
static void test_acvp_ctr(void **state)
{
    tu_case *c = tu_begin(state);
    char path[PATH_MAX];
    json_error_t err;
    json_t *root, *groups, *group;
    long checked = 0, n_enc = 0, n_dec = 0, n_bits = 0;
    size_t gi;

    tu_vector_path(c, path, sizeof path);
    root = json_load_file(path, 0, &err);
    if (root == NULL)
        fail_msg("%s:%d: %s", path, err.line, err.text);
    groups = json_object_get(root, "testGroups");
    assert_true(json_is_array(groups));
    json_array_foreach(groups, gi, group) {
        const char *dir = json_string_value(json_object_get(group, "direction"));
        json_int_t key_bits = json_integer_value(json_object_get(group, "keyLen"));
        json_t *tests = json_object_get(group, "tests"), *t;
        size_t ti;

        assert_non_null(dir);
        assert_true(json_is_array(tests));
        json_array_foreach(tests, ti, t) {
            json_int_t bits = json_integer_value(json_object_get(t, "payloadLen"));
            json_int_t tc = json_integer_value(json_object_get(t, "tcId"));
            bool enc = strcmp(dir, "encrypt") == 0;
            size_t kl, ivl, pl, cl, n;
            uint8_t *key = json_hex(path, t, "key", &kl);
            uint8_t *iv = json_hex(path, t, "iv", &ivl);
            uint8_t *pt = json_hex(path, t, "pt", &pl);
            uint8_t *ct = json_hex(path, t, "ct", &cl);
            const uint8_t *in = enc ? pt : ct, *want = enc ? ct : pt;
            uint8_t *got = malloc(pl + 1), ctr[16], want_ctr[16], mask;
            fm_aes_key k;
            char what[160];

            assert_non_null(got);
            assert_true(enc || strcmp(dir, "decrypt") == 0);
            n = (size_t)(bits + 7) / 8;
            if ((json_int_t)kl * 8 != key_bits || ivl != 16 || pl != n || cl != n || bits < 0)
                fail_msg("%s: tcId %" JSON_INTEGER_FORMAT ": inconsistent lengths", path, tc);
            snprintf(what, sizeof what, "ACVP-AES-CTR tcId %" JSON_INTEGER_FORMAT
                     " (%s, %" JSON_INTEGER_FORMAT " bits) on %s", tc, dir, bits, c->impl.name);
            init_ok(&k, key, kl);
            memcpy(ctr, iv, 16);
            assert_int_equal(fm_aes_ctr(&k, ctr, in, got, n), FM_OK);
            mask = (uint8_t)(bits % 8 ? 0xff00u >> (bits % 8) : 0xffu);
            if (n > 0) {
                got[n - 1] &= mask;
                if ((want[n - 1] & (uint8_t)~mask) != 0)
                    fail_msg("%s: expected answer has padding bits set", what);
            }
            if (!tu_mem_eq(what, got, want, n))
                fail_msg("%s", what);
            memcpy(want_ctr, iv, 16);
            ctr_add(want_ctr, (n + 15) / 16);
            if (!tu_mem_eq(what, ctr, want_ctr, 16))
                fail_msg("%s: counter afterwards", what);
            assert_int_equal(fm_aes_wipe(&k), FM_OK);
            if (bits % 8 != 0)
                n_bits++;
            if (enc)
                n_enc++;
            else
                n_dec++;
            checked++;
            free(got);
            free(key);
            free(iv);
            free(pt);
            free(ct);
        }
    }
    json_decref(root);
    printf("  %s: %ld of %ld tests checked (%ld encrypt, %ld decrypt, %ld not whole bytes) on %s\n",
           c->file, checked, c->expect, n_enc, n_dec, n_bits, c->impl.name);
    assert_int_equal(checked, c->expect);
    assert_int_equal(n_enc, 75);
    assert_int_equal(n_dec, 75);
}

/* ---- OpenSSL differential ------------------------------------------------------------- */

#define MAX_BLOCKS  40
#define CTR_MAX_LEN 700
#define REPEATS     3
#define CTR_REPEATS 60

static void random_ctr(tu_rng *rng, uint8_t ctr[16])
{
    tu_rng_fill(rng, ctr, 16);
    switch (tu_rng_below(rng, 4)) {
    case 0: /* the low 64 bits about to carry */
        memset(ctr + 8, 0xff, 8);
        ctr[15] = (uint8_t)(0xff - tu_rng_below(rng, 40));
        break;
    case 1: /* the whole counter about to wrap */
        memset(ctr, 0xff, 16);
        ctr[15] = (uint8_t)(0xff - tu_rng_below(rng, 40));
        break;
    default:
        break;
    }
}

static void test_vs_openssl(void **state)
{
    tu_case *c = tu_begin(state);
    static const size_t klens[3] = { 16, 24, 32 };
    static uint8_t src[CTR_MAX_LEN + 32], dst[CTR_MAX_LEN + 32], want[CTR_MAX_LEN],
        back[CTR_MAX_LEN + 32];
    long n_cbc = 0, n_ctr = 0;
    tu_rng rng;
    size_t ki;

    tu_rng_init_named(&rng, c->name);
    for (ki = 0; ki < 3; ki++) {
        size_t klen = klens[ki], blocks;
        int rep;

        /* CBC: every length of 0..40 blocks, both directions. */
        for (blocks = 0; blocks <= MAX_BLOCKS; blocks++) {
            for (rep = 0; rep < REPEATS; rep++) {
                size_t len = 16 * blocks;
                size_t so = tu_rng_below(&rng, 16), doff = tu_rng_below(&rng, 16);
                uint8_t key[32], iv0[16], iv[16], want_iv[16];
                fm_aes_key k;
                int enc;

                tu_rng_fill(&rng, key, klen);
                tu_rng_fill(&rng, iv0, 16);
                tu_rng_fill(&rng, src, sizeof src);
                init_ok(&k, key, klen);
                for (enc = 1; enc >= 0; enc--) {
                    char what[160];

                    snprintf(what, sizeof what, "AES-%zu-CBC %s of %zu blocks vs OpenSSL on %s",
                             8 * klen, enc ? "encrypt" : "decrypt", blocks, c->impl.name);
                    openssl_run(false, enc, key, klen, iv0, src + so, want, len);
                    memcpy(want_iv, iv0, 16);
                    cbc_next_iv(enc, want_iv, src + so, want, len);
                    /* Out of place. */
                    memset(dst, 0xee, sizeof dst);
                    memcpy(iv, iv0, 16);
                    assert_int_equal(cbc(enc, &k, iv, src + so, dst + doff, len), FM_OK);
                    if (!tu_mem_eq(what, dst + doff, want, len))
                        fail_msg("%s (out of place, offsets %zu/%zu)", what, so, doff);
                    if (!tu_mem_eq(what, iv, want_iv, 16))
                        fail_msg("%s (out of place): iv afterwards", what);
                    assert_true(doff == 0 || dst[doff - 1] == 0xee);
                    assert_true(dst[doff + len] == 0xee);
                    /* In place. */
                    memcpy(back + doff, src + so, len);
                    memcpy(iv, iv0, 16);
                    assert_int_equal(cbc(enc, &k, iv, back + doff, back + doff, len), FM_OK);
                    if (!tu_mem_eq(what, back + doff, want, len))
                        fail_msg("%s (in place, offset %zu)", what, doff);
                    if (!tu_mem_eq(what, iv, want_iv, 16))
                        fail_msg("%s (in place): iv afterwards", what);
                    /* The inverse gives the input back. */
                    memcpy(iv, iv0, 16);
                    assert_int_equal(cbc(!enc, &k, iv, back + doff, back + doff, len), FM_OK);
                    if (!tu_mem_eq(what, back + doff, src + so, len))
                        fail_msg("%s (inverse)", what);
                    n_cbc++;
                }
                assert_int_equal(fm_aes_wipe(&k), FM_OK);
            }
        }

        /* CTR: random lengths 0..700 (0..32 and 690..700 always). */
        for (rep = 0; rep < CTR_REPEATS + 33 + 11; rep++) {
            size_t len = rep < 33 ? (size_t)rep
                       : rep < 44 ? (size_t)(CTR_MAX_LEN - 10 + (rep - 33))
                                  : tu_rng_below(&rng, CTR_MAX_LEN + 1);
            size_t so = tu_rng_below(&rng, 16), doff = tu_rng_below(&rng, 16);
            uint8_t key[32], ctr0[16], ctr[16], want_ctr[16];
            fm_aes_key k;
            char what[160];

            tu_rng_fill(&rng, key, klen);
            random_ctr(&rng, ctr0);
            tu_rng_fill(&rng, src, sizeof src);
            init_ok(&k, key, klen);
            snprintf(what, sizeof what, "AES-%zu-CTR of %zu bytes vs OpenSSL on %s", 8 * klen,
                     len, c->impl.name);
            openssl_run(true, true, key, klen, ctr0, src + so, want, len);
            memcpy(want_ctr, ctr0, 16);
            ctr_add(want_ctr, (len + 15) / 16);
            /* Out of place. */
            memset(dst, 0xee, sizeof dst);
            memcpy(ctr, ctr0, 16);
            assert_int_equal(fm_aes_ctr(&k, ctr, src + so, dst + doff, len), FM_OK);
            if (!tu_mem_eq(what, dst + doff, want, len)) {
                tu_hex_print("  ctr: ", ctr0, 16);
                fail_msg("%s (out of place, offsets %zu/%zu)", what, so, doff);
            }
            if (!tu_mem_eq(what, ctr, want_ctr, 16))
                fail_msg("%s (out of place): counter afterwards", what);
            assert_true(doff == 0 || dst[doff - 1] == 0xee);
            assert_true(dst[doff + len] == 0xee);
            /* In place. */
            memcpy(back + doff, src + so, len);
            memcpy(ctr, ctr0, 16);
            assert_int_equal(fm_aes_ctr(&k, ctr, back + doff, back + doff, len), FM_OK);
            if (!tu_mem_eq(what, back + doff, want, len))
                fail_msg("%s (in place, offset %zu)", what, doff);
            if (!tu_mem_eq(what, ctr, want_ctr, 16))
                fail_msg("%s (in place): counter afterwards", what);
            /* Applying it again gives the input back. */
            memcpy(ctr, ctr0, 16);
            assert_int_equal(fm_aes_ctr(&k, ctr, back + doff, back + doff, len), FM_OK);
            if (!tu_mem_eq(what, back + doff, src + so, len))
                fail_msg("%s (twice)", what);
            assert_int_equal(fm_aes_wipe(&k), FM_OK);
            n_ctr++;
        }
    }
    printf("  %ld CBC operations of 0..%d blocks and %ld CTR operations of 0..%d bytes agree "
           "with OpenSSL on %s\n", n_cbc, MAX_BLOCKS, n_ctr, CTR_MAX_LEN, c->impl.name);
    assert_int_equal(n_cbc, 3 * (MAX_BLOCKS + 1) * REPEATS * 2);
    assert_int_equal(n_ctr, 3 * (CTR_REPEATS + 33 + 11));
}

/* ---- streaming ------------------------------------------------------------------------ */

#define STREAM_ITERS  200
#define STREAM_BLOCKS 64

static void test_streaming(void **state)
{
    tu_case *c = tu_begin(state);
    static uint8_t src[16 * STREAM_BLOCKS + 16], one[16 * STREAM_BLOCKS + 16],
        parts[16 * STREAM_BLOCKS + 16];
    long n_cbc = 0, n_ctr = 0, pieces = 0;
    tu_rng rng;
    int it;

    tu_rng_init_named(&rng, c->name);
    for (it = 0; it < STREAM_ITERS; it++) {
        size_t klen = 16 + 8 * tu_rng_below(&rng, 3);
        size_t blocks = tu_rng_below(&rng, STREAM_BLOCKS + 1);
        size_t tail = tu_rng_below(&rng, 16); /* CTR: final partial block */
        uint8_t key[32], iv0[16], iv1[16], iv2[16];
        fm_aes_key k;
        size_t off;
        int enc;

        tu_rng_fill(&rng, key, klen);
        tu_rng_fill(&rng, src, sizeof src);
        init_ok(&k, key, klen);

        /* CBC, both directions, in random whole-block pieces (some empty). */
        for (enc = 1; enc >= 0; enc--) {
            tu_rng_fill(&rng, iv0, 16);
            memcpy(iv1, iv0, 16);
            assert_int_equal(cbc(enc, &k, iv1, src, one, 16 * blocks), FM_OK);
            memcpy(iv2, iv0, 16);
            memset(parts, 0, sizeof parts);
            for (off = 0; off < blocks;) {
                size_t n = tu_rng_below(&rng, blocks - off + 1);

                assert_int_equal(cbc(enc, &k, iv2, src + 16 * off, parts + 16 * off, 16 * n),
                                 FM_OK);
                off += n;
                pieces++;
            }
            if (!tu_mem_eq("CBC in pieces", parts, one, 16 * blocks))
                fail_msg("AES-%zu-CBC %s of %zu blocks in pieces differs from one call on %s",
                         8 * klen, enc ? "encrypt" : "decrypt", blocks, c->impl.name);
            if (!tu_mem_eq("CBC iv after pieces", iv2, iv1, 16))
                fail_msg("AES-%zu-CBC %s: iv after the pieces differs on %s", 8 * klen,
                         enc ? "encrypt" : "decrypt", c->impl.name);
            n_cbc++;
        }

        /* CTR: whole-block pieces, then the final partial block. */
        {
            size_t len = 16 * blocks + tail;

            random_ctr(&rng, iv0);
            memcpy(iv1, iv0, 16);
            assert_int_equal(fm_aes_ctr(&k, iv1, src, one, len), FM_OK);
            memcpy(iv2, iv0, 16);
            memset(parts, 0, sizeof parts);
            for (off = 0; off < blocks;) {
                size_t n = tu_rng_below(&rng, blocks - off + 1);

                assert_int_equal(fm_aes_ctr(&k, iv2, src + 16 * off, parts + 16 * off, 16 * n),
                                 FM_OK);
                off += n;
                pieces++;
            }
            assert_int_equal(fm_aes_ctr(&k, iv2, src + 16 * blocks, parts + 16 * blocks, tail),
                             FM_OK);
            if (!tu_mem_eq("CTR in pieces", parts, one, len))
                fail_msg("AES-%zu-CTR of %zu bytes in pieces differs from one call on %s",
                         8 * klen, len, c->impl.name);
            if (!tu_mem_eq("CTR counter after pieces", iv2, iv1, 16))
                fail_msg("AES-%zu-CTR of %zu bytes: counter after the pieces differs on %s",
                         8 * klen, len, c->impl.name);
            n_ctr++;
        }
        assert_int_equal(fm_aes_wipe(&k), FM_OK);
    }
    printf("  %ld CBC and %ld CTR messages in %ld random pieces equal one call on %s\n", n_cbc,
           n_ctr, pieces, c->impl.name);
    assert_int_equal(n_cbc, 2 * STREAM_ITERS);
    assert_int_equal(n_ctr, STREAM_ITERS);
}

/* ---- CTR counter wrap ------------------------------------------------------------------- */

static void test_ctr_wrap(void **state)
{
    tu_case *c = tu_begin(state);
    static const size_t klens[3] = { 16, 24, 32 };
    /* Counters whose blocks cross a carry: low word, whole counter. */
    static const char *const starts[] = {
        "ffffffffffffffffffffffffffffffff", "fffffffffffffffffffffffffffffffd",
        "0000000000000000ffffffffffffffff", "00000000000000fefffffffffffffffe",
        "7fffffffffffffffffffffffffffffff",
    };
    uint8_t key[32], in[16 * 5 + 7], got[sizeof in], want[sizeof in], blocks[16 * 6];
    long checked = 0;
    tu_rng rng;
    size_t ki, si;

    tu_rng_init_named(&rng, c->name);
    for (ki = 0; ki < 3; ki++) {
        for (si = 0; si < sizeof starts / sizeof starts[0]; si++) {
            uint8_t ctr0[16], ctr[16], want_ctr[16];
            size_t n, b;
            fm_aes_key k;
            char what[160];

            assert_int_equal(tu_hex_decode(starts[si], ctr0, 16, &n), 0);
            tu_rng_fill(&rng, key, klens[ki]);
            tu_rng_fill(&rng, in, sizeof in);
            init_ok(&k, key, klens[ki]);
            snprintf(what, sizeof what, "AES-%zu-CTR from %s on %s", 8 * klens[ki], starts[si],
                     c->impl.name);
            openssl_run(true, true, key, klens[ki], ctr0, in, want, sizeof in);
            memcpy(ctr, ctr0, 16);
            assert_int_equal(fm_aes_ctr(&k, ctr, in, got, sizeof in), FM_OK);
            if (!tu_mem_eq(what, got, want, sizeof in))
                fail_msg("%s: differs from OpenSSL", what);
            /* Independently: the keystream is ECB of ctr0, ctr0+1, ... mod 2^128. */
            memcpy(want_ctr, ctr0, 16);
            for (b = 0; b < 6; b++) {
                memcpy(blocks + 16 * b, want_ctr, 16);
                ctr_add(want_ctr, 1);
            }
            assert_int_equal(fm_aes_ecb_encrypt(&k, blocks, blocks, sizeof blocks), FM_OK);
            for (b = 0; b < sizeof in; b++)
                want[b] = in[b] ^ blocks[b];
            if (!tu_mem_eq(what, got, want, sizeof in))
                fail_msg("%s: differs from ECB of the counter blocks", what);
            if (!tu_mem_eq(what, ctr, want_ctr, 16))
                fail_msg("%s: counter afterwards (6 blocks used)", what);
            assert_int_equal(fm_aes_wipe(&k), FM_OK);
            checked++;
        }
        {
            /* ff..ff: one block, then the next call starts at 00..00. */
            uint8_t ctr[16], zero[16] = { 0 };
            fm_aes_key k;

            tu_rng_fill(&rng, key, klens[ki]);
            init_ok(&k, key, klens[ki]);
            memset(ctr, 0xff, 16);
            assert_int_equal(fm_aes_ctr(&k, ctr, zero, got, 16), FM_OK);
            if (!tu_mem_eq("counter after ff..ff", ctr, zero, 16))
                fail_msg("AES-%zu-CTR: ff..ff plus one block is not 00..00 on %s",
                         8 * klens[ki], c->impl.name);
            assert_int_equal(fm_aes_ctr(&k, ctr, zero, got + 16, 16), FM_OK);
            memset(blocks, 0xff, 16);
            memset(blocks + 16, 0, 16);
            assert_int_equal(fm_aes_ecb_encrypt(&k, blocks, blocks, 32), FM_OK);
            if (!tu_mem_eq("keystream ff..ff then 00..00", got, blocks, 32))
                fail_msg("AES-%zu-CTR: keystream of ff..ff then 00..00 on %s", 8 * klens[ki],
                         c->impl.name);
            /* A partial block counts as one. */
            memset(ctr, 0xff, 16);
            assert_int_equal(fm_aes_ctr(&k, ctr, zero, got, 5), FM_OK);
            if (!tu_mem_eq("counter after a partial block at ff..ff", ctr, zero, 16))
                fail_msg("AES-%zu-CTR: a partial block from ff..ff did not wrap to 00..00",
                         8 * klens[ki]);
            assert_int_equal(fm_aes_wipe(&k), FM_OK);
            checked++;
        }
    }
    printf("  %ld counter-wrap cases checked on %s\n", checked, c->impl.name);
    assert_int_equal(checked, 3 * (5 + 1));
}

/* ---- bad input, iv/ctr on failure ----------------------------------------------------------- */

/* out is 0x5a-filled, the call must fail with `want`, leave out[0..n) zero and iv as saved. */
static void expect_fail(const char *what, int rc, int want, const uint8_t *out, size_t n,
                        const uint8_t *iv, const uint8_t *iv_before)
{
    if (rc != want) {
        const char *g = "?", *w = "?";
        fm_error_name(rc, &g);
        fm_error_name(want, &w);
        fail_msg("%s: returned %d %s, expected %s", what, rc, g, w);
    }
    if (out != NULL && !tu_all_zero(out, n)) {
        tu_hex_print("  out: ", out, n);
        fail_msg("%s: failed but left output bytes non-zero", what);
    }
    if (iv != NULL && memcmp(iv, iv_before, 16) != 0) {
        tu_hex_print("  iv before: ", iv_before, 16);
        tu_hex_print("  iv after:  ", iv, 16);
        fail_msg("%s: failed but changed iv/ctr", what);
    }
}

/* 0 = CBC encrypt, 1 = CBC decrypt, 2 = CTR */
static int mode_call(int mode, const fm_aes_key *k, uint8_t *iv, const uint8_t *in, uint8_t *out,
                     size_t len)
{
    if (mode == 2)
        return fm_aes_ctr(k, iv, in, out, len);
    return cbc(mode == 0, k, iv, in, out, len);
}

static void test_bad_input(void **state)
{
    tu_case *c = tu_begin(state);
    static const char *const names[3] = { "fm_aes_cbc_encrypt", "fm_aes_cbc_decrypt",
                                          "fm_aes_ctr" };
    static const size_t bad_lens[] = { 1, 15, 17, 31, 33, 47, 100 };
    uint8_t key[32], in[128], out[128], iv[16], iv_before[16];
    fm_aes_key k;
    long checked = 0;
    size_t i;
    int mode;

    memset(key, 0x11, sizeof key);
    memset(in, 0x22, sizeof in);
    memset(iv_before, 0x33, sizeof iv_before);

    for (mode = 0; mode < 3; mode++) {
        const char *fn = names[mode];
        char what[160];

        init_ok(&k, key, 16);
        /* NULL pointers. */
        memcpy(iv, iv_before, 16);
        memset(out, 0x5a, sizeof out);
        snprintf(what, sizeof what, "%s with a NULL key", fn);
        expect_fail(what, mode_call(mode, NULL, iv, in, out, 32), FM_ERR_ARG, out, 32, iv,
                    iv_before);
        memset(out, 0x5a, sizeof out);
        snprintf(what, sizeof what, "%s with a NULL iv", fn);
        expect_fail(what, mode_call(mode, &k, NULL, in, out, 32), FM_ERR_ARG, out, 32, NULL,
                    NULL);
        memset(out, 0x5a, sizeof out);
        snprintf(what, sizeof what, "%s with a NULL input", fn);
        expect_fail(what, mode_call(mode, &k, iv, NULL, out, 32), FM_ERR_ARG, out, 32, iv,
                    iv_before);
        snprintf(what, sizeof what, "%s with a NULL output", fn);
        expect_fail(what, mode_call(mode, &k, iv, in, NULL, 32), FM_ERR_ARG, NULL, 0, iv,
                    iv_before);
        /* Zero bytes: nothing written, iv/ctr unchanged. */
        memset(out, 0x5a, sizeof out);
        assert_int_equal(mode_call(mode, &k, iv, in, out, 0), FM_OK);
        assert_int_equal(out[0], 0x5a);
        if (memcmp(iv, iv_before, 16) != 0)
            fail_msg("%s of 0 bytes changed iv/ctr", fn);
        checked += 5;

        /* Lengths that are not a multiple of 16. */
        for (i = 0; i < sizeof bad_lens / sizeof bad_lens[0]; i++) {
            size_t len = bad_lens[i];

            if (mode == 2) {
                /* CTR takes any length: the counter moves by ceil(len/16). */
                uint8_t want_ctr[16];

                memcpy(iv, iv_before, 16);
                memset(out, 0x5a, sizeof out);
                assert_int_equal(fm_aes_ctr(&k, iv, in, out, len), FM_OK);
                assert_int_equal(out[len], 0x5a);
                memcpy(want_ctr, iv_before, 16);
                ctr_add(want_ctr, (len + 15) / 16);
                if (!tu_mem_eq("ctr after an odd length", iv, want_ctr, 16))
                    fail_msg("fm_aes_ctr of %zu bytes: counter afterwards", len);
            } else {
                memcpy(iv, iv_before, 16);
                memset(out, 0x5a, sizeof out);
                snprintf(what, sizeof what, "%s of %zu bytes", fn, len);
                expect_fail(what, mode_call(mode, &k, iv, in, out, len), FM_ERR_LENGTH, out, len,
                            iv, iv_before);
                assert_int_equal(out[len], 0x5a); /* not past len */
                memcpy(out, in, sizeof out);
                snprintf(what, sizeof what, "in-place %s of %zu bytes", fn, len);
                expect_fail(what, mode_call(mode, &k, iv, out, out, len), FM_ERR_LENGTH, out,
                            len, iv, iv_before);
            }
            checked++;
        }

        /* An uninitialised key: all zero, and garbage; a wiped key. */
        memcpy(iv, iv_before, 16);
        memset(&k, 0, sizeof k);
        memset(out, 0x5a, sizeof out);
        snprintf(what, sizeof what, "%s with an all-zero (never initialised) key", fn);
        expect_fail(what, mode_call(mode, &k, iv, in, out, 32), FM_ERR_CONTEXT, out, 32, iv,
                    iv_before);
        assert_int_equal(out[32], 0x5a);
        memset(&k, 0xa5, sizeof k);
        memset(out, 0x5a, sizeof out);
        snprintf(what, sizeof what, "%s with a garbage-filled key", fn);
        expect_fail(what, mode_call(mode, &k, iv, in, out, 32), FM_ERR_CONTEXT, out, 32, iv,
                    iv_before);
        init_ok(&k, key, 24);
        assert_int_equal(mode_call(mode, &k, iv, in, out, 32), FM_OK);
        assert_int_equal(fm_aes_wipe(&k), FM_OK);
        memcpy(iv, iv_before, 16);
        memset(out, 0x5a, sizeof out);
        snprintf(what, sizeof what, "%s with a wiped key", fn);
        expect_fail(what, mode_call(mode, &k, iv, in, out, 32), FM_ERR_CONTEXT, out, 32, iv,
                    iv_before);
        /* In place with a bad key: the input is zeroed, iv unchanged. */
        memcpy(out, in, sizeof out);
        snprintf(what, sizeof what, "in-place %s with a wiped key", fn);
        expect_fail(what, mode_call(mode, &k, iv, out, out, 48), FM_ERR_CONTEXT, out, 48, iv,
                    iv_before);
        checked += 4;
    }

    /* Success moves iv/ctr; the failure right after leaves the new value. */
    {
        uint8_t saved[16];

        init_ok(&k, key, 32);
        for (mode = 0; mode < 3; mode++) {
            memcpy(iv, iv_before, 16);
            assert_int_equal(mode_call(mode, &k, iv, in, out, 64), FM_OK);
            if (memcmp(iv, iv_before, 16) == 0)
                fail_msg("%s succeeded on 64 bytes but left iv/ctr as it was", names[mode]);
            memcpy(saved, iv, 16);
            memset(out, 0x5a, sizeof out);
            expect_fail(names[mode], mode_call(mode, &k, iv, NULL, out, 16), FM_ERR_ARG, out, 16,
                        iv, saved);
            checked++;
        }
        assert_int_equal(fm_aes_wipe(&k), FM_OK);
    }
    printf("  %ld bad-input cases checked on %s\n", checked, c->impl.name);
    assert_int_equal(checked, 3 * (5 + 7 + 4) + 3);
}

/* ---- main ------------------------------------------------------------------------------- */

int main(void)
{
    size_t i;

    tu_init("test_aes_modes");
    for (i = 0; i < sizeof cavp_files / sizeof cavp_files[0]; i++) {
        tu_case t = {
            .family = FM_FAMILY_AES,
            .expect = cavp_files[i].records,
            .data = (const void *)(uintptr_t)cavp_files[i].klen,
        };
        snprintf(cavp_paths[i], sizeof cavp_paths[i], "cavp/aes/%s", cavp_files[i].file);
        t.file = cavp_paths[i];
        add_per_impl(test_cavp, &t, cavp_paths[i]);
    }
    for (i = 0; i < sizeof mct_files / sizeof mct_files[0]; i++) {
        tu_case t = {
            .family = FM_FAMILY_AES,
            .expect = 200,
            .data = (const void *)(uintptr_t)mct_files[i].klen,
        };
        snprintf(mct_paths[i], sizeof mct_paths[i], "cavp/aes/%s", mct_files[i].file);
        t.file = mct_paths[i];
        add_per_impl(test_cavp_mct, &t, mct_paths[i]);
    }
    {
        tu_case t = {
            .family = FM_FAMILY_AES,
            .expect = 150,
            .file = "acvp/ACVP-AES-CTR-1.0/internalProjection.json",
        };
        add_per_impl(test_acvp_ctr, &t, "ACVP-AES-CTR sample (internalProjection.json)");
    }
    {
        tu_case t = { .family = FM_FAMILY_AES };
        add_per_impl(test_vs_openssl, &t, "differential vs OpenSSL EVP aes-*-cbc, aes-*-ctr");
        add_per_impl(test_streaming, &t, "streaming: pieces equal one call");
        add_per_impl(test_ctr_wrap, &t, "CTR counter wrap modulo 2^128");
        add_per_impl(test_bad_input, &t, "bad input, iv/ctr on failure");
    }
    return tu_run(&suite, "test_aes_modes");
}
