/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Constant-time check of the OAEP decoder and encoder of src/rsa/rsa_pad.c
 * under valgrind memcheck (the technique of fipsmod/ctgrind.h: memory
 * marked undefined plays the secret, and memcheck reports every branch,
 * conditional move or address that depends on it).
 *
 * Decoder: for every SHA-2 hash and moduli of 1024, 2049 and 4096 bits,
 * the em (the RSA decryption primitive's output) is marked undefined and
 * decoded: valid encodings with messages of length 0, 1, random and
 * maximal (the separator position and message length are secret), and
 * invalid ones (a flipped bit in each part, Y != 0, a wrong label, a stray
 * PS byte, no separator, a message longer than the output buffer). Only
 * after the call are the return code and the output length marked defined
 * (public by contract); the message bytes are marked defined only to check
 * them. Encoder: the message and the seed are secret, the em is marked
 * defined afterwards. The signature encodings are checked the same way
 * (run_signatures). Each case must raise no memcheck error
 * (VALGRIND_COUNT_ERRORS before and after) and give the right result.
 *
 * `rsa_pad_ctgrind selfcheck` instead runs deliberately leaky code on the
 * same secret em (a textbook decoder that stops at the separator and
 * copies from a secret offset) and confirms memcheck reports it, so that a
 * clean run means something; valgrind then exits nonzero by design.
 *
 * Build and run (repository root, after `make -j2`; CC=gcc or CC=clang;
 * -gdwarf-4 because valgrind 3.19 cannot read Clang 14's DWARF 5):
 *
 *   mkdir -p build/tests && \
 *   $CC -std=c11 -Wall -Wextra -Werror -O2 -gdwarf-4 -D_GNU_SOURCE -Iinclude \
 *       -o build/tests/rsa_pad_ctgrind tests/unit/rsa_pad_ctgrind.c \
 *       build/obj/module_glue.o build/obj/platform.o -lpthread && \
 *   valgrind --error-exitcode=1 --track-origins=yes -q build/tests/rsa_pad_ctgrind
 *   # expect "0 failed" and exit 0; and the proof that it can fail:
 *   valgrind -q build/tests/rsa_pad_ctgrind selfcheck
 *   # expect "selfcheck: passed: memcheck reported N errors ..." (exit 0 here,
 *   # since --error-exitcode is not given)
 */
#include "../../src/module/module.c" /* includes src/rsa/rsa_pad.c */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <valgrind/memcheck.h>

/* The hashed range is not used here (the power-up integrity test fails,
 * which leaves the static functions under test unaffected). */
const unsigned char fm_module_start[1], fm_module_end[1];

#define SECRET(p, n) ((void)VALGRIND_MAKE_MEM_UNDEFINED((p), (n)))
#define PUBLIC(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))

#define MAX_K 512

static unsigned passed, failed;

static void fill(uint8_t *p, size_t n, uint64_t seed)
{
    uint64_t x = seed * 0x9e3779b97f4a7c15u + 0x2545f4914f6cdd1du;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        p[i] = (uint8_t)(x >> 24);
    }
}

static const int algs[] = { FM_SHA224, FM_SHA256, FM_SHA384, FM_SHA512,
                            FM_SHA512_224, FM_SHA512_256 };
static const char *const alg_names[] = { "SHA-224", "SHA-256", "SHA-384", "SHA-512",
                                         "SHA-512/224", "SHA-512/256" };
static const int key_bits[] = { 1024, 2049, 4096 };

/*
 * Decode a copy of em with the copy secret. want_len is the expected
 * message length, or -1 for an expected FM_ERR_DECRYPT. Passes when
 * memcheck stayed silent and the result is right.
 */
static void decode_case(const char *alg_name, int alg, int bits, const char *what,
                        const uint8_t *label, size_t label_len,
                        const uint8_t *em, size_t k, size_t out_cap,
                        const uint8_t *want, long want_len)
{
    uint8_t scratch[MAX_K], out[MAX_K];
    size_t out_len = 0;
    unsigned errs0 = VALGRIND_COUNT_ERRORS, errs;
    int rc, ok;

    memcpy(scratch, em, k);
    SECRET(scratch, k);
    rc = rsa_eme_oaep_decode(alg, label, label_len, scratch, k, out, out_cap, &out_len);
    errs = VALGRIND_COUNT_ERRORS - errs0;
    PUBLIC(&rc, sizeof rc);          /* public by contract, after the call */
    PUBLIC(&out_len, sizeof out_len);
    PUBLIC(out, out_cap);            /* to check it (released only on success) */
    if (want_len < 0)
        ok = rc == FM_ERR_DECRYPT && out_len == 0;
    else
        ok = rc == FM_OK && out_len == (size_t)want_len && memcmp(out, want, out_len) == 0;
    for (size_t i = (ok && want_len > 0) ? (size_t)want_len : 0; i < out_cap; i++)
        ok &= out[i] == 0;
    if (ok && errs == 0) {
        passed++;
    } else {
        failed++;
        printf("FAIL: %s, %d bits, %s: rc %d, out_len %zu, %u memcheck errors\n",
               alg_name, bits, what, rc, out_len, errs);
    }
}

/* Encode with the message and the seed secret; the em is the public
 * ciphertext's preimage only in the sense that it leaves this function,
 * so it is marked defined afterwards to compare. */
static int encode_secret(int alg, const uint8_t *label, size_t label_len,
                         const uint8_t *msg, size_t mlen, const uint8_t *seed,
                         size_t hlen, uint8_t *em, size_t k, unsigned *errs)
{
    uint8_t m[MAX_K], s[FM_HASH_MAX_LEN];
    unsigned errs0 = VALGRIND_COUNT_ERRORS;
    int rc;

    memcpy(m, msg, mlen);
    memcpy(s, seed, hlen);
    SECRET(m, mlen);
    SECRET(s, hlen);
    rc = rsa_eme_oaep_encode(alg, label, label_len, m, mlen, s, hlen, em, k);
    *errs = VALGRIND_COUNT_ERRORS - errs0;
    PUBLIC(em, k);
    PUBLIC(&rc, sizeof rc);
    return rc;
}

static void run(int alg, const char *name, int bits)
{
    size_t k = ((size_t)bits + 7) / 8, hlen = (size_t)hash_digest_len(alg);
    uint8_t label[20], msg[MAX_K], seed[FM_HASH_MAX_LEN], em[MAX_K], bad[MAX_K];
    uint8_t db[MAX_K];

    if (k < 2 * hlen + 2)
        return;                      /* no message fits (SHA-512, 1024 bits) */
    size_t max_m = k - 2 * hlen - 2, db_len = k - hlen - 1;
    size_t lens[4] = { 0, 1, max_m / 3, max_m };
    fill(label, sizeof label, (uint64_t)bits);

    for (size_t li = 0; li < 4; li++) {
        size_t mlen = lens[li];
        uint64_t tag = (uint64_t)alg << 40 | (uint64_t)bits << 20 | mlen;
        unsigned errs;
        int rc;

        fill(msg, mlen, tag);
        fill(seed, hlen, tag + 1);
        rc = encode_secret(alg, label, sizeof label, msg, mlen, seed, hlen, em, k, &errs);
        if (rc == FM_OK && errs == 0) {
            passed++;
        } else {
            failed++;
            printf("FAIL: %s, %d bits, encode mLen %zu: rc %d, %u memcheck errors\n",
                   name, bits, mlen, rc, errs);
            continue;
        }

        decode_case(name, alg, bits, "valid", label, sizeof label, em, k, max_m, msg, (long)mlen);
        decode_case(name, alg, bits, "valid, out_cap = k", label, sizeof label, em, k, k,
                    msg, (long)mlen);
        if (mlen > 0)
            decode_case(name, alg, bits, "mLen > out_cap", label, sizeof label, em, k,
                        mlen - 1, NULL, -1);
        decode_case(name, alg, bits, "wrong label", label, sizeof label - 1, em, k, max_m,
                    NULL, -1);
        /* a flipped bit in Y, maskedSeed, and at the start / end of maskedDB */
        static const char *const flip_what[] = { "bit flip in Y", "bit flip in maskedSeed",
                                                 "bit flip in maskedDB", "bit flip at the end" };
        size_t flip_at[4] = { 0, 1 + hlen / 2, 1 + hlen, k - 1 };
        for (int f = 0; f < 4; f++) {
            memcpy(bad, em, k);
            bad[flip_at[f]] ^= 0x10;
            decode_case(name, alg, bits, flip_what[f], label, sizeof label, bad, k, max_m,
                        NULL, -1);
        }

        /* hand-built bad encodings: rebuild DB and mask it with this seed */
        size_t ps_len = max_m - mlen;
        if (rsa_oaep_lhash(alg, label, sizeof label, db) != FM_OK)
            abort();
        memset(db + hlen, 0, ps_len);
        db[hlen + ps_len] = 0x01;
        memcpy(db + hlen + ps_len + 1, msg, mlen);
#define BUILD(y)                                                            \
        do {                                                                \
            bad[0] = (y);                                                   \
            memcpy(bad + 1, seed, hlen);                                    \
            memcpy(bad + 1 + hlen, db, db_len);                             \
            rsa_mgf1_xor(alg, bad + 1 + hlen, db_len, bad + 1, hlen);       \
            rsa_mgf1_xor(alg, bad + 1, hlen, bad + 1 + hlen, db_len);       \
        } while (0)
        BUILD(0x02);
        decode_case(name, alg, bits, "Y = 0x02", label, sizeof label, bad, k, max_m, NULL, -1);
        if (ps_len > 0) {
            db[hlen] = 0x07;
            BUILD(0x00);
            decode_case(name, alg, bits, "stray PS byte", label, sizeof label, bad, k, max_m,
                        NULL, -1);
            db[hlen] = 0x00;
        }
        memset(db + hlen, 0, db_len - hlen);
        BUILD(0x00);
        decode_case(name, alg, bits, "no separator", label, sizeof label, bad, k, max_m,
                    NULL, -1);
#undef BUILD
    }
}

/*
 * The signature encodings. EMSA-PKCS1-v1_5 encoding and verification and
 * EMSA-PSS encoding are constant time in their inputs, so they are run
 * with the digest (and the salt) secret: a signer may hash a message that
 * is secret until the signature is published. EMSA-PSS verification works
 * on public data and branches by design; it runs here on public inputs
 * only to confirm the encoding.
 */
static void run_signatures(int alg, const char *name, int bits)
{
    size_t k = ((size_t)bits + 7) / 8, hlen = (size_t)hash_digest_len(alg);
    size_t em_bits = (size_t)bits - 1, em_len = (em_bits + 7) / 8;
    uint8_t md[FM_HASH_MAX_LEN], salt[FM_HASH_MAX_LEN], em[MAX_K];
    size_t slen = hlen <= em_len - hlen - 2 ? hlen : em_len - hlen - 2;
    unsigned errs0, errs;
    int rc1, rc2, rc3, rc4;

    fill(md, hlen, (uint64_t)alg << 20 | (uint64_t)bits);
    fill(salt, slen, (uint64_t)bits);

    errs0 = VALGRIND_COUNT_ERRORS;
    SECRET(md, hlen);
    rc1 = rsa_emsa_pkcs1_encode(alg, md, hlen, em, k);
    SECRET(em, k);                   /* (the comparison on secret data) */
    rc2 = rsa_emsa_pkcs1_verify(alg, md, hlen, em, k);
    SECRET(salt, slen);
    rc3 = rsa_emsa_pss_encode(alg, md, hlen, salt, slen, em, em_len, em_bits);
    errs = VALGRIND_COUNT_ERRORS - errs0;
    PUBLIC(&rc1, sizeof rc1);
    PUBLIC(&rc2, sizeof rc2);
    PUBLIC(&rc3, sizeof rc3);
    PUBLIC(md, hlen);
    PUBLIC(em, em_len);
    rc4 = rsa_emsa_pss_verify(alg, md, hlen, em, em_len, em_bits, slen);
    if (rc1 == FM_OK && rc2 == FM_OK && rc3 == FM_OK && rc4 == FM_OK && errs == 0) {
        passed++;
    } else {
        failed++;
        printf("FAIL: %s, %d bits, signature encodings: rc %d %d %d %d, %u memcheck errors\n",
               name, bits, rc1, rc2, rc3, rc4, errs);
    }
}

/* ---- selfcheck: leaky code that memcheck must catch ------------------------- */

/* A textbook decoder that is NOT constant time: it returns early on Y,
 * stops scanning at the separator and copies from a secret offset. */
static int leaky_decode(int alg, uint8_t *em, size_t k, uint8_t *out, size_t *out_len)
{
    size_t hlen = (size_t)hash_digest_len(alg), db_len = k - hlen - 1, i;
    uint8_t *db = em + 1 + hlen;

    rsa_mgf1_xor(alg, em + 1, hlen, db, db_len);
    rsa_mgf1_xor(alg, db, db_len, em + 1, hlen);
    if (em[0] != 0)
        return FM_ERR_DECRYPT;
    for (i = hlen; i < db_len && db[i] == 0; i++)
        ;
    if (i == db_len || db[i] != 0x01)
        return FM_ERR_DECRYPT;
    *out_len = db_len - i - 1;
    copy_bytes(out, db + i + 1, *out_len);
    return FM_OK;
}

static int selfcheck(void)
{
    uint8_t msg[32], seed[FM_HASH_MAX_LEN], em[256], out[256];
    size_t out_len = 0;
    unsigned errs0, errs;

    fill(msg, sizeof msg, 1);
    fill(seed, sizeof seed, 2);
    if (rsa_eme_oaep_encode(FM_SHA256, NULL, 0, msg, sizeof msg, seed, 32, em, sizeof em) != FM_OK)
        return 1;
    errs0 = VALGRIND_COUNT_ERRORS;
    SECRET(em, sizeof em);
    int rc = leaky_decode(FM_SHA256, em, sizeof em, out, &out_len);
    errs = VALGRIND_COUNT_ERRORS - errs0;
    PUBLIC(&rc, sizeof rc);
    if (errs > 0) {
        printf("selfcheck: passed: memcheck reported %u errors in the leaky decoder\n", errs);
        return 0;
    }
    printf("selfcheck: FAILED: the leaky decoder raised no memcheck error%s\n",
           RUNNING_ON_VALGRIND ? "" : " (not running under valgrind)");
    return 1;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "selfcheck") == 0)
        return selfcheck();
    if (!RUNNING_ON_VALGRIND)
        printf("rsa_pad_ctgrind: not under valgrind: results checked, timing not\n");
    for (size_t a = 0; a < sizeof algs / sizeof algs[0]; a++)
        for (size_t b = 0; b < sizeof key_bits / sizeof key_bits[0]; b++)
        {
            run(algs[a], alg_names[a], key_bits[b]);
            run_signatures(algs[a], alg_names[a], key_bits[b]);
        }
    printf("rsa_pad_ctgrind: %u passed, %u failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
