/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit test of src/rsa/rsa_pad.c (RSA message encodings), cross-checked
 * against OpenSSL's libcrypto. The module is one translation unit whose
 * functions are static, so this program includes it whole, then the file
 * under test, and calls the static functions directly.
 *
 * Build and run (from the repository root, after `make -j2` has produced
 * build/obj/module_glue.o and build/obj/platform.o; CC=gcc or CC=clang):
 *
 *   mkdir -p build/tests && \
 *   $CC -std=c11 -Wall -Wextra -Werror -O2 -D_GNU_SOURCE -Iinclude \
 *       -o build/tests/rsa_pad_test tests/unit/rsa_pad_test.c \
 *       build/obj/module_glue.o build/obj/platform.o -lcrypto -lpthread && \
 *   build/tests/rsa_pad_test [seed]
 *
 * What it checks, for every SHA-2 hash and for moduli of 1024, 1026, 2048,
 * 2049, 3072 and 4096 bits (1026: emBits = 1025, so seven top bits of em
 * are masked; 2049: emBits = 2048, so emLen = k - 1):
 *  - EMSA-PSS: our encoding verifies with RSA_verify_PKCS1_PSS_mgf1 (exact
 *    salt length), OpenSSL's RSA_padding_add_PKCS1_PSS_mgf1 encoding
 *    verifies with ours (exact and automatic salt length), salt length 0
 *    gives the same bytes as OpenSSL (no randomness then), and corrupted
 *    encodings (trailer, top bits, PS byte, separator, salt byte, H, wrong
 *    salt length, wrong mHash) give FM_ERR_VERIFY;
 *  - EME-OAEP: our decoder recovers the message from OpenSSL's
 *    RSA_padding_add_PKCS1_OAEP_mgf1 encoding, OpenSSL's
 *    RSA_padding_check_PKCS1_OAEP_mgf1 recovers it from ours, every single
 *    bit flip of an em gives FM_ERR_DECRYPT with out zeroed, and so do
 *    hand-built bad encodings (Y != 0, wrong label, no separator, a stray
 *    byte in PS, a message longer than out); over-long messages are
 *    refused at encoding (FM_ERR_LENGTH);
 *  - EMSA-PKCS1-v1_5: the encoding equals 00 01 ff.. 00 || DigestInfo with
 *    the DigestInfo DER made by OpenSSL's i2d_X509_SIG (OID + NULL), and
 *    verification accepts it and rejects any flipped bit;
 *  - MGF1 against OpenSSL's PKCS1_MGF1.
 * Prints PASS/FAIL counts; exits 1 on any failure.
 */
#define OPENSSL_API_COMPAT 10101 /* the RSA_padding_* functions, deprecated in 3.0 */

#include "../../src/module/module.c" /* includes src/rsa/rsa_pad.c */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

/* The hashed range is not used here; the power-up integrity test fails,
 * which leaves the static functions under test unaffected. */
const unsigned char fm_module_start[1], fm_module_end[1];

static unsigned long passes, failures;

static void check(int ok, const char *what, const char *hash, int bits, size_t extra)
{
    if (ok) {
        passes++;
        return;
    }
    failures++;
    if (failures <= 50)
        printf("FAIL: %s (%s, %d bits, %zu)\n", what, hash, bits, extra);
}

/* xorshift64*: reproducible inputs from the seed printed at the start. */
static uint64_t rng_state;

static uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * UINT64_C(2685821657736338717);
}

static void rng_fill(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(rng_next() >> 56);
}

static size_t rng_below(size_t n)
{
    return n == 0 ? 0 : (size_t)(rng_next() % n);
}

static int all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

struct hash_info {
    int alg;
    const char *name;
    const EVP_MD *(*md)(void);
    int nid;
};

static const struct hash_info hashes[] = {
    { FM_SHA224, "SHA-224", EVP_sha224, NID_sha224 },
    { FM_SHA256, "SHA-256", EVP_sha256, NID_sha256 },
    { FM_SHA384, "SHA-384", EVP_sha384, NID_sha384 },
    { FM_SHA512, "SHA-512", EVP_sha512, NID_sha512 },
    { FM_SHA512_224, "SHA-512/224", EVP_sha512_224, NID_sha512_224 },
    { FM_SHA512_256, "SHA-512/256", EVP_sha512_256, NID_sha512_256 },
};
#define NHASHES (sizeof hashes / sizeof hashes[0])

static const int key_bits[] = { 1024, 1026, 2048, 2049, 3072, 4096 };
#define NKEYS (sizeof key_bits / sizeof key_bits[0])

#define TRIALS 12
#define MAX_K 512

/* An RSA object with a random modulus of exactly `bits` bits: the padding
 * functions only read its size, so no key generation is needed. */
static RSA *fake_rsa(int bits)
{
    RSA *rsa = RSA_new();
    BIGNUM *n = BN_new(), *e = BN_new();

    if (rsa == NULL || n == NULL || e == NULL ||
        !BN_rand(n, bits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ODD) ||
        !BN_set_word(e, 65537) || !RSA_set0_key(rsa, n, e, NULL)) {
        fprintf(stderr, "OpenSSL: cannot make a %d-bit RSA object\n", bits);
        exit(2);
    }
    return rsa;
}

static void digest(const struct hash_info *h, const uint8_t *m, size_t len, uint8_t *out)
{
    unsigned int olen = 0;
    if (!EVP_Digest(m, len, out, &olen, h->md(), NULL)) {
        fprintf(stderr, "EVP_Digest failed\n");
        exit(2);
    }
}

/* ---- MGF1 -------------------------------------------------------------------- */

static void test_mgf1(const struct hash_info *h)
{
    uint8_t seed[300], mine[700], ref[700];
    static const size_t lens[] = { 0, 1, 27, 28, 29, 63, 64, 65, 300, 700 };

    for (size_t t = 0; t < sizeof lens / sizeof lens[0]; t++) {
        size_t n = lens[t], slen = rng_below(sizeof seed + 1);
        rng_fill(seed, slen);
        memset(mine, 0, sizeof mine);
        int rc = rsa_mgf1_xor(h->alg, mine, n, seed, slen);
        int ok = rc == FM_OK &&
                 (n == 0 || PKCS1_MGF1(ref, (long)n, seed, (long)slen, h->md()) == 0) &&
                 memcmp(mine, ref, n) == 0;
        check(ok, "MGF1 == PKCS1_MGF1", h->name, 0, n);
        /* xoring twice restores the buffer */
        rng_fill(ref, n);
        memcpy(mine, ref, n);
        rsa_mgf1_xor(h->alg, mine, n, seed, slen);
        rsa_mgf1_xor(h->alg, mine, n, seed, slen);
        check(memcmp(mine, ref, n) == 0, "MGF1 xor is an involution", h->name, 0, n);
    }
    check(rsa_mgf1_xor(99, mine, 10, seed, 10) == FM_ERR_UNSUPPORTED,
          "MGF1 unknown hash", h->name, 0, 0);
}

/* ---- EMSA-PSS ---------------------------------------------------------------- */

static void test_pss(const struct hash_info *h, int bits)
{
    RSA *rsa = fake_rsa(bits);
    size_t k = (size_t)RSA_size(rsa);
    size_t em_bits = (size_t)bits - 1, em_len = (em_bits + 7) / 8;
    size_t off = k - em_len;            /* 1 when emBits is a multiple of 8 */
    size_t hlen = (size_t)hash_digest_len(h->alg);
    unsigned top = (unsigned)(8 * em_len - em_bits);
    uint8_t msg[100], mhash[FM_HASH_MAX_LEN], salt[MAX_K], em[MAX_K], kem[MAX_K + 1];
    uint8_t bad[MAX_K];
    int max_salt = (int)em_len - (int)hlen - 2;

    for (int t = 0; t < TRIALS; t++) {
        size_t slen;
        /* salt lengths: 0, hLen, the maximum, and random ones */
        if (t == 0)
            slen = 0;
        else if (t == 1)    /* hLen, or the maximum when that is less (SHA-512, 1024) */
            slen = hlen < (size_t)max_salt ? hlen : (size_t)max_salt;
        else if (t == 2)
            slen = (size_t)max_salt;
        else
            slen = rng_below((size_t)max_salt + 1);
        size_t mlen = rng_below(sizeof msg);
        rng_fill(msg, mlen);
        digest(h, msg, mlen, mhash);
        rng_fill(salt, slen);

        int rc = rsa_emsa_pss_encode(h->alg, mhash, hlen, salt, slen, em, em_len, em_bits);
        check(rc == FM_OK, "PSS encode", h->name, bits, slen);
        check((em[0] & (uint8_t)~(0xffu >> top)) == 0 && em[em_len - 1] == 0xbc,
              "PSS encode top bits and trailer", h->name, bits, slen);

        /* ours -> OpenSSL's verifier (the k-byte form) */
        memset(kem, 0, off);
        memcpy(kem + off, em, em_len);
        check(RSA_verify_PKCS1_PSS_mgf1(rsa, mhash, h->md(), h->md(), kem, (int)slen) == 1,
              "OpenSSL verifies our PSS encoding", h->name, bits, slen);
        check(rsa_emsa_pss_verify(h->alg, mhash, hlen, em, em_len, em_bits, slen) == FM_OK,
              "PSS verify own encoding", h->name, bits, slen);
        check(rsa_emsa_pss_verify(h->alg, mhash, hlen, em, em_len, em_bits, RSA_PSS_SALT_AUTO) == FM_OK,
              "PSS verify own encoding, auto salt", h->name, bits, slen);

        /* OpenSSL's encoding (its own random salt of slen bytes) -> ours */
        if (RSA_padding_add_PKCS1_PSS_mgf1(rsa, kem, mhash, h->md(), h->md(), (int)slen) != 1) {
            check(0, "OpenSSL PSS encode", h->name, bits, slen);
            continue;
        }
        check(off == 0 || kem[0] == 0, "OpenSSL PSS leading zero", h->name, bits, slen);
        check(rsa_emsa_pss_verify(h->alg, mhash, hlen, kem + off, em_len, em_bits, slen) == FM_OK,
              "PSS verify OpenSSL encoding", h->name, bits, slen);
        check(rsa_emsa_pss_verify(h->alg, mhash, hlen, kem + off, em_len, em_bits, RSA_PSS_SALT_AUTO) == FM_OK,
              "PSS verify OpenSSL encoding, auto salt", h->name, bits, slen);
        if (slen == 0)
            check(memcmp(kem + off, em, em_len) == 0, "PSS sLen=0 equals OpenSSL bytes",
                  h->name, bits, slen);

        /* ---- negatives on our encoding em ---- */
        size_t db_len = em_len - hlen - 1, sep = db_len - slen - 1;
#define PSS_BAD(what, salt_arg)                                                     \
        check(rsa_emsa_pss_verify(h->alg, mhash, hlen, bad, em_len, em_bits, (salt_arg)) \
              == FM_ERR_VERIFY, what, h->name, bits, slen)

        memcpy(bad, em, em_len);
        bad[em_len - 1] ^= 0x01;
        PSS_BAD("PSS wrong trailer", slen);
        PSS_BAD("PSS wrong trailer, auto", RSA_PSS_SALT_AUTO);

        if (top > 0) {
            memcpy(bad, em, em_len);
            bad[0] |= 0x80;
            PSS_BAD("PSS top bit set", slen);
            PSS_BAD("PSS top bit set, auto", RSA_PSS_SALT_AUTO);
            memcpy(bad, em, em_len);
            bad[0] ^= (uint8_t)(0x100u >> top);   /* the lowest masked bit */
            PSS_BAD("PSS lowest masked bit set", slen);
        }
        /* A flipped bit of maskedDB flips the same bit of DB. */
        if (sep > 0) {
            memcpy(bad, em, em_len);
            bad[sep - 1] ^= 0x01;                /* last PS byte 0x01 */
            PSS_BAD("PSS PS byte 0x01", slen);
            PSS_BAD("PSS PS byte 0x01, auto", RSA_PSS_SALT_AUTO);
            if (sep - 1 > 0 || top < 6) {
                memcpy(bad, em, em_len);
                bad[sep - 1] ^= 0x04;            /* neither 0x00 nor 0x01 */
                PSS_BAD("PSS PS byte 0x04", slen);
                PSS_BAD("PSS PS byte 0x04, auto", RSA_PSS_SALT_AUTO);
            }
            memcpy(bad, em, em_len);
            bad[rng_below(sep)] ^= 0x01;         /* a random PS byte */
            PSS_BAD("PSS nonzero PS byte (random)", slen);
        }
        memcpy(bad, em, em_len);
        bad[sep] ^= 0x03;                        /* separator 0x01 -> 0x02 */
        PSS_BAD("PSS separator 0x02", slen);
        PSS_BAD("PSS separator 0x02, auto", RSA_PSS_SALT_AUTO);
        memcpy(bad, em, em_len);
        bad[sep] ^= 0x01;                        /* separator -> 0x00 */
        PSS_BAD("PSS separator 0x00", slen);
        /* (with sLen = 0 this leaves DB all zero: no separator at all) */
        PSS_BAD("PSS separator 0x00, auto", RSA_PSS_SALT_AUTO);
        if (slen > 0) {
            memcpy(bad, em, em_len);
            bad[sep + 1 + rng_below(slen)] ^= 0x10; /* salt byte */
            PSS_BAD("PSS salt byte changed", slen);
            PSS_BAD("PSS salt byte changed, auto", RSA_PSS_SALT_AUTO);
        }
        memcpy(bad, em, em_len);
        bad[db_len + rng_below(hlen)] ^= 0x01;   /* H */
        PSS_BAD("PSS H changed", slen);
        memcpy(bad, em, em_len);
        if (slen > 0)
            PSS_BAD("PSS salt length - 1", slen - 1);
        if ((int)slen < max_salt)
            PSS_BAD("PSS salt length + 1", slen + 1);
        PSS_BAD("PSS salt length too long for em", em_len);
        mhash[0] ^= 1;
        PSS_BAD("PSS wrong mHash", slen);
        PSS_BAD("PSS wrong mHash, auto", RSA_PSS_SALT_AUTO);
        mhash[0] ^= 1;
#undef PSS_BAD
    }

    /* parameter errors */
    check(rsa_emsa_pss_encode(h->alg, mhash, hlen, salt, (size_t)max_salt + 1, em, em_len, em_bits)
          == FM_ERR_LENGTH && all_zero(em, em_len), "PSS encode salt too long", h->name, bits, 0);
    check(rsa_emsa_pss_encode(h->alg, mhash, hlen - 1, salt, 0, em, em_len, em_bits)
          == FM_ERR_LENGTH, "PSS encode wrong mHash length", h->name, bits, 0);
    check(rsa_emsa_pss_encode(h->alg, mhash, hlen, salt, 0, em, em_len, em_bits + 8)
          == FM_ERR_ARG, "PSS encode em_len != ceil(emBits/8)", h->name, bits, 0);
    check(rsa_emsa_pss_verify(h->alg, mhash, hlen, em, em_len, em_bits + 8, 0)
          == FM_ERR_ARG, "PSS verify em_len != ceil(emBits/8)", h->name, bits, 0);
    RSA_free(rsa);
}

/* ---- EME-OAEP ---------------------------------------------------------------- */

/* em from an explicit Y, seed and DB (lHash || PS || 0x01 || M or a
 * deliberately wrong variant), masked as 7.1.1 steps 2d-2i. */
static void oaep_build(int alg, uint8_t y, const uint8_t *seed, const uint8_t *db,
                       uint8_t *em, size_t k)
{
    size_t hlen = (size_t)hash_digest_len(alg), db_len = k - hlen - 1;
    em[0] = y;
    memcpy(em + 1, seed, hlen);
    memcpy(em + 1 + hlen, db, db_len);
    rsa_mgf1_xor(alg, em + 1 + hlen, db_len, em + 1, hlen);
    rsa_mgf1_xor(alg, em + 1, hlen, em + 1 + hlen, db_len);
}

/* Our decoder must fail with FM_ERR_DECRYPT, zero out and *out_len. */
static void oaep_expect_fail(const struct hash_info *h, int bits, const char *what,
                             const uint8_t *label, size_t label_len,
                             const uint8_t *em, size_t k, size_t out_cap, size_t extra)
{
    uint8_t scratch[MAX_K], out[MAX_K];
    size_t out_len = 12345;

    memcpy(scratch, em, k);
    memset(out, 0xa5, sizeof out);
    int rc = rsa_eme_oaep_decode(h->alg, label, label_len, scratch, k, out, out_cap, &out_len);
    check(rc == FM_ERR_DECRYPT && out_len == 0 && all_zero(out, out_cap) &&
          all_zero(scratch, k), what, h->name, bits, extra);
}

static void test_oaep(const struct hash_info *h, int bits)
{
    size_t k = ((size_t)bits + 7) / 8;
    size_t hlen = (size_t)hash_digest_len(h->alg);
    uint8_t label[64], msg[MAX_K], seed[FM_HASH_MAX_LEN], em[MAX_K], em2[MAX_K];
    uint8_t out[MAX_K], db[MAX_K];
    const EVP_MD *md = h->md();

    if (k < 2 * hlen + 2) {
        /* e.g. SHA-512 with a 1024-bit key: no message fits */
        rng_fill(seed, hlen);
        check(rsa_eme_oaep_encode(h->alg, NULL, 0, msg, 0, seed, hlen, em, k) == FM_ERR_LENGTH &&
              all_zero(em, k), "OAEP encode, k < 2hLen + 2", h->name, bits, 0);
        rng_fill(em, k);
        oaep_expect_fail(h, bits, "OAEP decode, k < 2hLen + 2", NULL, 0, em, k, k, 0);
        return;
    }
    size_t max_m = k - 2 * hlen - 2, db_len = k - hlen - 1;

    for (int t = 0; t < TRIALS; t++) {
        size_t mlen = t == 0 ? 0 : t == 1 ? max_m : rng_below(max_m + 1);
        size_t label_len = t < 3 ? 0 : rng_below(sizeof label + 1);
        size_t out_len = 0;
        int rc, n;

        rng_fill(msg, mlen);
        rng_fill(label, label_len);
        rng_fill(seed, hlen);

        /* ours -> OpenSSL's decoder and ours */
        rc = rsa_eme_oaep_encode(h->alg, label, label_len, msg, mlen, seed, hlen, em, k);
        check(rc == FM_OK && em[0] == 0, "OAEP encode", h->name, bits, mlen);
        n = RSA_padding_check_PKCS1_OAEP_mgf1(out, (int)sizeof out, em, (int)k, (int)k,
                                              label, (int)label_len, md, md);
        check(n == (int)mlen && memcmp(out, msg, mlen) == 0,
              "OpenSSL decodes our OAEP encoding", h->name, bits, mlen);
        memcpy(em2, em, k);
        memset(out, 0xa5, sizeof out);
        rc = rsa_eme_oaep_decode(h->alg, label, label_len, em2, k, out, max_m, &out_len);
        check(rc == FM_OK && out_len == mlen && memcmp(out, msg, mlen) == 0 &&
              all_zero(out + mlen, max_m - mlen) && all_zero(em2, k),
              "OAEP decode own encoding", h->name, bits, mlen);

        /* OpenSSL's encoding (its own seed) -> ours */
        if (RSA_padding_add_PKCS1_OAEP_mgf1(em2, (int)k, msg, (int)mlen, label, (int)label_len,
                                            md, md) != 1) {
            check(0, "OpenSSL OAEP encode", h->name, bits, mlen);
            continue;
        }
        memset(out, 0xa5, sizeof out);
        rc = rsa_eme_oaep_decode(h->alg, label, label_len, em2, k, out, sizeof out, &out_len);
        check(rc == FM_OK && out_len == mlen && memcmp(out, msg, mlen) == 0 &&
              all_zero(out + mlen, sizeof out - mlen),
              "OAEP decode OpenSSL encoding", h->name, bits, mlen);

        /* an output buffer exactly mLen long works; one byte less fails */
        memcpy(em2, em, k);
        rc = rsa_eme_oaep_decode(h->alg, label, label_len, em2, k, out, mlen, &out_len);
        check(rc == FM_OK && out_len == mlen && memcmp(out, msg, mlen) == 0,
              "OAEP decode, out_cap == mLen", h->name, bits, mlen);
        if (mlen > 0)
            oaep_expect_fail(h, bits, "OAEP decode, out_cap == mLen - 1",
                             label, label_len, em, k, mlen - 1, mlen);

        /* wrong label */
        label[0] ^= 1;
        oaep_expect_fail(h, bits, "OAEP wrong label", label, label_len > 0 ? label_len : 1,
                         em, k, max_m, mlen);
        label[0] ^= 1;

        /* single bit flips: every bit on the first trials, random ones later */
        if (t < 2) {
            for (size_t i = 0; i < k; i++)
                for (int b = 0; b < 8; b++) {
                    memcpy(em2, em, k);
                    em2[i] ^= (uint8_t)(1u << b);
                    oaep_expect_fail(h, bits, "OAEP bit flip", label, label_len, em2, k,
                                     max_m, i * 8 + (size_t)b);
                }
        } else {
            for (int j = 0; j < 32; j++) {
                size_t i = rng_below(k);
                memcpy(em2, em, k);
                em2[i] ^= (uint8_t)(1u << rng_below(8));
                oaep_expect_fail(h, bits, "OAEP bit flip", label, label_len, em2, k, max_m, i);
            }
        }

        /* hand-built encodings: DB = lHash || PS || 0x01 || M, then spoilt */
        if (rsa_oaep_lhash(h->alg, label, label_len, db) != FM_OK)
            check(0, "lHash", h->name, bits, 0);
        size_t ps_len = max_m - mlen;
        memset(db + hlen, 0, ps_len);
        db[hlen + ps_len] = 0x01;
        memcpy(db + hlen + ps_len + 1, msg, mlen);

        oaep_build(h->alg, 0x00, seed, db, em2, k);
        check(memcmp(em2, em, k) == 0, "OAEP hand-built == encode", h->name, bits, mlen);
        oaep_build(h->alg, 0x01, seed, db, em2, k);
        oaep_expect_fail(h, bits, "OAEP Y = 0x01", label, label_len, em2, k, max_m, mlen);
        oaep_build(h->alg, 0x80, seed, db, em2, k);
        oaep_expect_fail(h, bits, "OAEP Y = 0x80", label, label_len, em2, k, max_m, mlen);
        if (ps_len > 0) {
            size_t p = hlen + rng_below(ps_len);
            db[p] = (uint8_t)(2 + rng_below(254));           /* stray byte in PS */
            oaep_build(h->alg, 0x00, seed, db, em2, k);
            oaep_expect_fail(h, bits, "OAEP stray PS byte", label, label_len, em2, k, max_m, p);
            db[p] = 0x00;
        }
        db[hlen + ps_len] = 0x02;                             /* separator not 0x01 */
        oaep_build(h->alg, 0x00, seed, db, em2, k);
        oaep_expect_fail(h, bits, "OAEP separator 0x02", label, label_len, em2, k, max_m, mlen);
        db[hlen + ps_len] = 0x00;                             /* separator gone */
        if (mlen == 0 || msg[0] != 0x01) {
            /* (else the message's first byte would become the separator) */
            int zero_tail = 1;
            for (size_t i = hlen; i < db_len; i++)
                zero_tail &= db[i] != 0x01;
            if (zero_tail) {
                oaep_build(h->alg, 0x00, seed, db, em2, k);
                oaep_expect_fail(h, bits, "OAEP no separator", label, label_len, em2, k,
                                 max_m, mlen);
            }
        }
        db[hlen + ps_len] = 0x01;
        db[rng_below(hlen)] ^= 0x40;                          /* lHash' != lHash */
        oaep_build(h->alg, 0x00, seed, db, em2, k);
        oaep_expect_fail(h, bits, "OAEP lHash mismatch", label, label_len, em2, k, max_m, mlen);
        /* all-zero DB after lHash: no separator at all */
        if (rsa_oaep_lhash(h->alg, label, label_len, db) == FM_OK) {
            memset(db + hlen, 0, db_len - hlen);
            oaep_build(h->alg, 0x00, seed, db, em2, k);
            oaep_expect_fail(h, bits, "OAEP all-zero PS", label, label_len, em2, k, max_m, 0);
        }
    }

    /* encoding limits */
    rng_fill(seed, hlen);
    check(rsa_eme_oaep_encode(h->alg, NULL, 0, msg, max_m + 1, seed, hlen, em, k) == FM_ERR_LENGTH &&
          all_zero(em, k), "OAEP encode mLen > k - 2hLen - 2", h->name, bits, max_m + 1);
    check(rsa_eme_oaep_encode(h->alg, NULL, 0, msg, 1, seed, hlen - 1, em, k) == FM_ERR_ARG,
          "OAEP encode wrong seed length", h->name, bits, 0);
}

/* ---- EMSA-PKCS1-v1_5 --------------------------------------------------------- */

/* DigestInfo DER of (nid, md) as OpenSSL builds it: X509_SIG with the
 * hash OID and NULL parameters. Returns its length. */
static size_t openssl_digestinfo(int nid, const uint8_t *md, size_t mdlen, uint8_t *out)
{
    X509_SIG *sig = X509_SIG_new();
    X509_ALGOR *alg = NULL;
    ASN1_OCTET_STRING *dig = NULL;
    unsigned char *p = out;
    int n;

    if (sig == NULL)
        exit(2);
    X509_SIG_getm(sig, &alg, &dig);
    if (!X509_ALGOR_set0(alg, OBJ_nid2obj(nid), V_ASN1_NULL, NULL) ||
        !ASN1_OCTET_STRING_set(dig, md, (int)mdlen) || (n = i2d_X509_SIG(sig, NULL)) <= 0 ||
        n > 200 || i2d_X509_SIG(sig, &p) != n) {
        fprintf(stderr, "OpenSSL: cannot encode DigestInfo\n");
        exit(2);
    }
    X509_SIG_free(sig);
    return (size_t)n;
}

static void test_pkcs1(const struct hash_info *h, int bits)
{
    size_t k = ((size_t)bits + 7) / 8;
    size_t hlen = (size_t)hash_digest_len(h->alg);
    uint8_t md[FM_HASH_MAX_LEN], di[200], em[MAX_K], ref[MAX_K], bad[MAX_K];

    for (int t = 0; t < TRIALS; t++) {
        rng_fill(md, hlen);
        size_t di_len = openssl_digestinfo(h->nid, md, hlen, di);
        int rc = rsa_emsa_pkcs1_encode(h->alg, md, hlen, em, k);
        int ok = RSA_padding_add_PKCS1_type_1(ref, (int)k, di, (int)di_len) == 1;
        check(rc == FM_OK && ok && memcmp(em, ref, k) == 0,
              "PKCS#1 v1.5 encoding == 00 01 ff.. 00 || i2d_X509_SIG", h->name, bits, 0);
        check(rsa_emsa_pkcs1_verify(h->alg, md, hlen, ref, k) == FM_OK,
              "PKCS#1 v1.5 verify", h->name, bits, 0);
        for (int j = 0; j < 16; j++) {
            size_t i = j == 0 ? 0 : j == 1 ? k - 1 : j == 2 ? k - hlen - 1 : rng_below(k);
            memcpy(bad, em, k);
            bad[i] ^= (uint8_t)(1u << rng_below(8));
            check(rsa_emsa_pkcs1_verify(h->alg, md, hlen, bad, k) == FM_ERR_VERIFY,
                  "PKCS#1 v1.5 verify flipped bit", h->name, bits, i);
        }
        /* the same digest bytes under another hash's DigestInfo */
        for (size_t o = 0; o < NHASHES; o++)
            if (hashes[o].alg != h->alg && (size_t)hash_digest_len(hashes[o].alg) == hlen)
                check(rsa_emsa_pkcs1_verify(hashes[o].alg, md, hlen, em, k) == FM_ERR_VERIFY,
                      "PKCS#1 v1.5 verify with the other hash's OID", h->name, bits, 0);
    }
    check(rsa_emsa_pkcs1_encode(h->alg, md, hlen + 1, em, k) == FM_ERR_LENGTH &&
          all_zero(em, k), "PKCS#1 v1.5 encode wrong digest length", h->name, bits, 0);
    check(rsa_emsa_pkcs1_encode(h->alg, md, hlen, em, 19 + hlen + 10) == FM_ERR_LENGTH,
          "PKCS#1 v1.5 encode k < tLen + 11", h->name, bits, 0);
    check(rsa_emsa_pkcs1_encode(h->alg, md, hlen, em, 19 + hlen + 11) == FM_OK,
          "PKCS#1 v1.5 encode k == tLen + 11", h->name, bits, 0);
}

int main(int argc, char **argv)
{
    uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : (uint64_t)time(NULL);

    rng_state = seed ? seed : 1;
    printf("rsa_pad_test: seed %llu\n", (unsigned long long)seed);
    check(rsa_emsa_pkcs1_encode(0, NULL, 0, NULL, 0) == FM_ERR_UNSUPPORTED,
          "unknown hash", "-", 0, 0);
    for (size_t i = 0; i < NHASHES; i++) {
        unsigned long f0 = failures, p0 = passes;
        test_mgf1(&hashes[i]);
        for (size_t j = 0; j < NKEYS; j++) {
            test_pss(&hashes[i], key_bits[j]);
            test_oaep(&hashes[i], key_bits[j]);
            test_pkcs1(&hashes[i], key_bits[j]);
        }
        printf("  %-12s %lu passed, %lu failed\n", hashes[i].name,
               passes - p0, failures - f0);
    }
    printf("rsa_pad_test: PASS %lu, FAIL %lu\n", passes, failures);
    return failures == 0 ? 0 : 1;
}
