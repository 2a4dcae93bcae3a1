/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `make ctgrind`: the constant-time check of every secret-handling service,
 * run under valgrind memcheck (see fipsmod/ctgrind.h for the technique).
 *
 * The driver marks keys, messages and expected tags secret with FM_SECRET,
 * calls the services, and marks the outputs public with FM_PUBLIC before it
 * looks at them. Memcheck then reports any branch, conditional move or
 * address inside the module that depends on a secret. Lengths, algorithm
 * identifiers and return codes are public by contract; the only output the
 * module computes from a secret and the driver branches on is the result
 * of a tag check, which it makes public first (on a copy).
 *
 * Every case (one algorithm on one implementation) runs on every
 * implementation that fm_cpu_set_features() can reach on this CPU as
 * valgrind presents it. The implementations of a family are discovered by
 * trying every subset of the detected feature bits, so a new implementation
 * is checked without a change here; the table known_impls only serves to
 * explain why an implementation was not reachable (valgrind 3.19 hides the
 * CPU features it cannot emulate, e.g. SHA-NI and AVX-512, from cpuid). A
 * case passes when it raised no memcheck error (VALGRIND_COUNT_ERRORS before
 * and after) and its public outputs are right: one-shot, streaming and
 * copied contexts agree, verification accepts the right tag and rejects a
 * wrong one, and every implementation gives the bytes the first one gave.
 *
 * Every family of fipsmod/cpu.h must have a case here: a family without
 * one fails the run, so a new secret-handling service cannot be forgotten.
 *
 * Built with -DCTGRIND_SELFCHECK, the driver instead runs deliberately leaky
 * code and checks that memcheck catches each leak: the proof that a clean
 * run means something (`make ctgrind-selfcheck`).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fipsmod/fipsmod.h"
#include "fipsmod/ctgrind.h"

#ifndef FM_CTGRIND
#error "build with -DFM_CTGRIND: without it FM_SECRET does nothing and the run proves nothing"
#endif

/* ---- public outputs of a case, compared across implementations ---------- */

typedef struct {
    uint8_t *p;
    size_t len, cap;
} transcript;

/* Deterministic bytes (xorshift64); the values are public until marked. */
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

#ifndef CTGRIND_SELFCHECK

static void transcript_add(transcript *t, const uint8_t *p, size_t n)
{
    if (t->len + n > t->cap) {
        size_t cap = t->cap ? t->cap : 1024;
        while (cap < t->len + n)
            cap *= 2;
        uint8_t *q = realloc(t->p, cap);
        if (q == NULL) {
            fprintf(stderr, "ctgrind: out of memory\n");
            exit(2);
        }
        t->p = q;
        t->cap = cap;
    }
    memcpy(t->p + t->len, p, n);
    t->len += n;
}

/* Chunk sizes for streaming: odd sizes, whole blocks and more than a block,
 * so both the buffered path and the direct multi-block path run. */
static const size_t chunks[] = { 1, 3, 64, 7, 128, 13, 200, 31 };
#define NCHUNKS (sizeof chunks / sizeof chunks[0])

/* 1 (and a line saying what) when a public output of the case is wrong. */
static int check(int ok, const char *alg, const char *what, size_t a, size_t b)
{
    if (!ok)
        printf("    %s: %s (lengths %zu, %zu)\n", alg, what, a, b);
    return ok ? 0 : 1;
}

/* ---- SHA-2 ----------------------------------------------------------------- */

/* Around every padding boundary of both block sizes, plus multi-block. */
static const size_t hash_lens[] = {
    0, 1, 3, 55, 56, 63, 64, 65, 111, 112, 119, 127, 128, 129, 191, 255, 256, 1000,
};

/* Message secret; lengths public. One-shot, streaming in uneven chunks,
 * and a context copied after a prefix must all give the same digest. */
static int run_hash(const char *name, int alg, transcript *t)
{
    static uint8_t msg[1000];
    uint8_t md1[FM_HASH_MAX_LEN], md2[FM_HASH_MAX_LEN], md3[FM_HASH_MAX_LEN];
    size_t dlen;
    int fails = 0;

    if (fm_hash_digest_len(alg, &dlen) != FM_OK)
        return check(0, name, "fm_hash_digest_len failed", 0, 0);
    for (size_t i = 0; i < sizeof hash_lens / sizeof hash_lens[0]; i++) {
        size_t len = hash_lens[i], half = len / 2;
        fm_hash_ctx c, copy;
        int rc;

        fill(msg, len, (uint64_t)alg << 32 | len);
        FM_SECRET(msg, len);

        rc = fm_hash(alg, msg, len, md1, sizeof md1);
        fails += check(rc == FM_OK, name, "fm_hash failed", len, 0);

        rc = fm_hash_init(&c, alg);
        for (size_t off = 0, k = i; rc == FM_OK && off < half; k++) {
            size_t n = chunks[k % NCHUNKS] < half - off ? chunks[k % NCHUNKS] : half - off;
            rc = fm_hash_update(&c, msg + off, n);
            off += n;
        }
        copy = c; /* a context holding a secret prefix, copied by assignment */
        for (size_t off = half, k = i; rc == FM_OK && off < len; k += 3) {
            size_t n = chunks[k % NCHUNKS] < len - off ? chunks[k % NCHUNKS] : len - off;
            rc = fm_hash_update(&c, msg + off, n);
            off += n;
        }
        if (rc == FM_OK)
            rc = fm_hash_final(&c, md2, sizeof md2);
        fails += check(rc == FM_OK, name, "streaming failed", len, 0);
        rc = fm_hash_update(&copy, msg + half, len - half);
        if (rc == FM_OK)
            rc = fm_hash_final(&copy, md3, sizeof md3);
        fails += check(rc == FM_OK, name, "copied context failed", len, half);

        FM_PUBLIC(md1, dlen);
        FM_PUBLIC(md2, dlen);
        FM_PUBLIC(md3, dlen);
        fails += check(memcmp(md1, md2, dlen) == 0, name, "streaming != one-shot", len, 0);
        fails += check(memcmp(md1, md3, dlen) == 0, name, "copied context != one-shot", len, half);
        transcript_add(t, md1, dlen);
    }
    return fails;
}

static int run_sha224(transcript *t) { return run_hash("SHA-224", FM_SHA224, t); }
static int run_sha256(transcript *t) { return run_hash("SHA-256", FM_SHA256, t); }
static int run_sha384(transcript *t) { return run_hash("SHA-384", FM_SHA384, t); }
static int run_sha512(transcript *t) { return run_hash("SHA-512", FM_SHA512, t); }
static int run_sha512_224(transcript *t) { return run_hash("SHA-512/224", FM_SHA512_224, t); }
static int run_sha512_256(transcript *t) { return run_hash("SHA-512/256", FM_SHA512_256, t); }

/* ---- HMAC ------------------------------------------------------------------ */

static const size_t hmac_msg_lens[] = { 0, 1, 64, 129, 300 };

/* Verify `tag` (secret) of length taglen against key/msg; the result is
 * public by design, so it is made public on a copy before the test. */
static int hmac_verify_public(int alg, const uint8_t *key, size_t keylen,
                              const uint8_t *msg, size_t len,
                              const uint8_t *tag, size_t taglen)
{
    fm_hmac_ctx c;
    int rc = fm_hmac_init(&c, alg, key, keylen);
    if (rc == FM_OK)
        rc = fm_hmac_update(&c, msg, len);
    if (rc != FM_OK)
        return rc;
    int result = fm_hmac_verify(&c, tag, taglen);
    int pub = result;
    FM_PUBLIC(&pub, sizeof pub);
    return pub;
}

/*
 * Key and message secret; keys shorter than, equal to and longer than the
 * block (the last are hashed first). One-shot, streaming, a keyed context
 * copied for a second message, a truncated tag, and fm_hmac_verify with a
 * secret tag, right and wrong.
 */
static int run_hmac(const char *name, int alg, transcript *t)
{
    static uint8_t key[300], msg[300];
    uint8_t tag1[FM_HASH_MAX_LEN], tag2[FM_HASH_MAX_LEN], tag3[FM_HASH_MAX_LEN];
    uint8_t expect[FM_HASH_MAX_LEN];
    size_t dlen, bl;
    int fails = 0;

    if (fm_hash_digest_len(alg, &dlen) != FM_OK || fm_hash_block_len(alg, &bl) != FM_OK)
        return check(0, name, "unknown algorithm", 0, 0);
    const size_t key_lens[] = { 16, 32, bl - 1, bl, bl + 1, 2 * bl + 3 };
    const size_t trunc = 16 < dlen ? 16 : dlen;

    for (size_t ki = 0; ki < sizeof key_lens / sizeof key_lens[0]; ki++) {
        size_t keylen = key_lens[ki];
        for (size_t mi = 0; mi < sizeof hmac_msg_lens / sizeof hmac_msg_lens[0]; mi++) {
            size_t len = hmac_msg_lens[mi];
            fm_hmac_ctx c, keyed;
            int rc;

            fill(key, keylen, 0x4b00000000u | (uint64_t)alg << 16 | keylen);
            fill(msg, len, 0x4d00000000u | (uint64_t)alg << 16 | len);
            FM_SECRET(key, keylen);
            FM_SECRET(msg, len);

            rc = fm_hmac(alg, key, keylen, msg, len, tag1, dlen);
            fails += check(rc == FM_OK, name, "fm_hmac failed", keylen, len);

            rc = fm_hmac_init(&c, alg, key, keylen);
            keyed = c; /* keyed context copied by assignment */
            for (size_t off = 0, k = mi; rc == FM_OK && off < len; k++) {
                size_t n = chunks[k % NCHUNKS] < len - off ? chunks[k % NCHUNKS] : len - off;
                rc = fm_hmac_update(&c, msg + off, n);
                off += n;
            }
            if (rc == FM_OK)
                rc = fm_hmac_final(&c, tag2, dlen);
            fails += check(rc == FM_OK, name, "streaming failed", keylen, len);

            rc = fm_hmac_update(&keyed, msg, len);
            if (rc == FM_OK)
                rc = fm_hmac_final(&keyed, tag3, trunc);
            fails += check(rc == FM_OK, name, "keyed copy / truncated tag failed", keylen, len);

            /* The tag to verify is a secret too (a stored MAC, say). */
            memcpy(expect, tag1, dlen);
            FM_SECRET(expect, dlen);
            rc = hmac_verify_public(alg, key, keylen, msg, len, expect, dlen);
            fails += check(rc == FM_OK, name, "verify rejected the right tag", keylen, len);
            rc = hmac_verify_public(alg, key, keylen, msg, len, expect, trunc);
            fails += check(rc == FM_OK, name, "verify rejected the truncated tag", keylen, len);
            expect[dlen - 1] ^= 0x01; /* last byte: a compare must not stop early */
            rc = hmac_verify_public(alg, key, keylen, msg, len, expect, dlen);
            fails += check(rc == FM_ERR_VERIFY, name, "verify accepted a wrong tag", keylen, len);
            expect[dlen - 1] ^= 0x01;
            expect[0] ^= 0x80;
            rc = hmac_verify_public(alg, key, keylen, msg, len, expect, trunc);
            fails += check(rc == FM_ERR_VERIFY, name, "verify accepted a wrong truncated tag",
                           keylen, len);

            FM_PUBLIC(tag1, dlen);
            FM_PUBLIC(tag2, dlen);
            FM_PUBLIC(tag3, trunc);
            fails += check(memcmp(tag1, tag2, dlen) == 0, name, "streaming != one-shot", keylen, len);
            fails += check(memcmp(tag1, tag3, trunc) == 0, name, "keyed copy != one-shot", keylen, len);
            transcript_add(t, tag1, dlen);
        }
    }
    return fails;
}

static int run_hmac_sha224(transcript *t) { return run_hmac("HMAC-SHA-224", FM_SHA224, t); }
static int run_hmac_sha256(transcript *t) { return run_hmac("HMAC-SHA-256", FM_SHA256, t); }
static int run_hmac_sha384(transcript *t) { return run_hmac("HMAC-SHA-384", FM_SHA384, t); }
static int run_hmac_sha512(transcript *t) { return run_hmac("HMAC-SHA-512", FM_SHA512, t); }
static int run_hmac_sha512_224(transcript *t) { return run_hmac("HMAC-SHA-512/224", FM_SHA512_224, t); }
static int run_hmac_sha512_256(transcript *t) { return run_hmac("HMAC-SHA-512/256", FM_SHA512_256, t); }

#else /* CTGRIND_SELFCHECK */

/* ---- deliberate leaks: each must raise memcheck errors --------------------- */

static volatile unsigned leak_sink;

__attribute__((noinline)) static void leak_touch(void)
{
    leak_sink++;
}

/* Branch on a secret key byte. */
static int run_leak_branch(transcript *t)
{
    uint8_t key[16];
    (void)t;
    fill(key, sizeof key, 1);
    FM_SECRET(key, sizeof key);
    for (size_t i = 0; i < sizeof key; i++)
        if (key[i] & 1)
            leak_touch();
    return 0;
}

/* Table lookup indexed by a secret byte (the cache-timing leak of a
 * table-driven cipher). */
static int run_leak_index(transcript *t)
{
    static volatile uint8_t table[256];
    uint8_t key[16];
    unsigned acc = 0;
    (void)t;
    fill(key, sizeof key, 2);
    FM_SECRET(key, sizeof key);
    for (size_t i = 0; i < sizeof key; i++)
        acc += table[key[i]];
    leak_sink = acc;
    return 0;
}

/* A tag compare that stops at the first difference. */
static int run_leak_early_exit(transcript *t)
{
    uint8_t mac[32], tag[32];
    size_t i;
    (void)t;
    fill(mac, sizeof mac, 3);
    memcpy(tag, mac, sizeof tag);
    tag[5] ^= 1;
    FM_SECRET(tag, sizeof tag);
    for (i = 0; i < sizeof mac; i++)
        if (mac[i] != tag[i])
            break;
    leak_sink = (unsigned)i;
    return 0;
}

/* Misuse inside the library: lengths are public by contract, so a secret
 * length makes fm_hash's loops depend on a secret; this shows that leaks
 * in module code, not just in the driver, are reported. */
static int run_leak_in_module(transcript *t)
{
    uint8_t msg[300], md[FM_HASH_MAX_LEN];
    volatile size_t len = 200;
    (void)t;
    fill(msg, sizeof msg, 4);
    FM_SECRET((void *)&len, sizeof len);
    (void)fm_hash(FM_SHA512, msg, len, md, sizeof md);
    FM_PUBLIC(md, sizeof md);
    leak_sink = md[0];
    return 0;
}

#endif /* CTGRIND_SELFCHECK */

/* ---- cases ------------------------------------------------------------------- */

/* family: the fipsmod/cpu.h family whose implementations the case runs on,
 * or 0 for a service without run-time dispatch (run once). */
#ifndef CTGRIND_SELFCHECK
/* AES: key and plaintext secret; the schedule derived from the key is
 * secret too, which memcheck tracks by itself. */
static int run_aes(const char *name, size_t klen, transcript *t)
{
    static const size_t nblocks[] = { 1, 2, 3, 4, 5, 8, 9 };
    uint8_t key[32], pt[9 * 16], ptpub[9 * 16], ct[9 * 16], back[9 * 16];
    int fails = 0;

    for (size_t i = 0; i < sizeof nblocks / sizeof nblocks[0]; i++) {
        size_t len = nblocks[i] * 16;
        fm_aes_key k;
        int rc;

        fill(key, klen, 0xae5u << 16 | klen << 8 | len);
        fill(pt, len, 0x5eed00u | len);
        memcpy(ptpub, pt, len); /* the driver compares with this public copy */
        FM_SECRET(key, klen);
        FM_SECRET(pt, len);
        rc = fm_aes_init(&k, key, klen);
        if (rc == FM_OK)
            rc = fm_aes_ecb_encrypt(&k, pt, ct, len);
        if (rc == FM_OK)
            rc = fm_aes_ecb_decrypt(&k, ct, back, len);
        fails += check(rc == FM_OK, name, "ECB failed", len, 0);
        FM_PUBLIC(ct, len);
        FM_PUBLIC(back, len);
        fails += check(memcmp(back, ptpub, len) == 0, name, "ECB decrypt(encrypt(x)) != x", len, 0);
        transcript_add(t, ct, len);

        /* CBC and CTR: the IV and counter are public, the data secret; CTR
         * also on a length that ends in a partial block. */
        for (int mode = 0; mode < 2; mode++) {
            uint8_t iv[16], iv2[16];
            size_t n = mode == 0 ? len : len - 5;
            memset(iv, 0xf0 ^ mode, sizeof iv);
            memcpy(iv2, iv, sizeof iv);
            rc = mode == 0 ? fm_aes_cbc_encrypt(&k, iv, pt, ct, n) : fm_aes_ctr(&k, iv, pt, ct, n);
            if (rc == FM_OK)
                rc = mode == 0 ? fm_aes_cbc_decrypt(&k, iv2, ct, back, n)
                               : fm_aes_ctr(&k, iv2, ct, back, n);
            fails += check(rc == FM_OK, name, mode == 0 ? "CBC failed" : "CTR failed", n, 0);
            FM_PUBLIC(ct, n);
            FM_PUBLIC(back, n);
            fails += check(memcmp(back, ptpub, n) == 0, name,
                           mode == 0 ? "CBC round trip" : "CTR round trip", n, 0);
            transcript_add(t, ct, n);
        }
        fm_aes_wipe(&k);
        FM_PUBLIC(pt, len);
    }
    return fails;
}

static int run_aes128(transcript *t) { return run_aes("AES-128", 16, t); }
static int run_aes192(transcript *t) { return run_aes("AES-192", 24, t); }
static int run_aes256(transcript *t) { return run_aes("AES-256", 32, t); }

/* ---- CMAC and key wrap ------------------------------------------------------- */

/* The verdict of a verify or unwrap is public by design: made public on a
 * copy before the driver branches on it. */
static int public_rc(int rc)
{
    int pub = rc;
    FM_PUBLIC(&pub, sizeof pub);
    return pub;
}

/*
 * CMAC: key and message secret. Lengths around the block boundaries (the
 * last-block rule: a complete last block uses K1, a partial one K2, and
 * the subkeys come from a shift and a mask on the secret L). One-shot,
 * streaming in uneven chunks, and fm_aes_cmac_verify with a secret tag,
 * right, wrong in its last byte, and truncated.
 */
static int run_cmac(const char *name, size_t klen, transcript *t)
{
    static const size_t lens[] = { 0, 1, 15, 16, 17, 32, 33, 64, 100, 200 };
    uint8_t key[32], msg[200], tag1[16], tag2[16], expect[16];
    int fails = 0;

    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        size_t len = lens[i];
        fm_aes_cmac_ctx c;
        fm_aes_key k;
        int rc;

        fill(key, klen, 0xc3ac00u | klen << 8 | len);
        fill(msg, len, 0xc3ad00u | len);
        FM_SECRET(key, klen);
        FM_SECRET(msg, len);
        rc = fm_aes_init(&k, key, klen);
        if (rc == FM_OK)
            rc = fm_aes_cmac(&k, msg, len, tag1, sizeof tag1);
        fails += check(rc == FM_OK, name, "fm_aes_cmac failed", len, 0);
        rc = fm_aes_cmac_init(&c, &k);
        for (size_t off = 0, j = i; rc == FM_OK && off < len; j++) {
            size_t n = chunks[j % NCHUNKS] < len - off ? chunks[j % NCHUNKS] : len - off;
            rc = fm_aes_cmac_update(&c, msg + off, n);
            off += n;
        }
        if (rc == FM_OK)
            rc = fm_aes_cmac_final(&c, tag2, sizeof tag2);
        fails += check(rc == FM_OK, name, "streaming failed", len, 0);

        memcpy(expect, tag1, sizeof expect); /* a stored tag: secret */
        rc = public_rc(fm_aes_cmac_verify(&k, msg, len, expect, sizeof expect));
        fails += check(rc == FM_OK, name, "verify rejected the right tag", len, 0);
        rc = public_rc(fm_aes_cmac_verify(&k, msg, len, expect, 8));
        fails += check(rc == FM_OK, name, "verify rejected the truncated tag", len, 0);
        expect[15] ^= 0x01; /* last byte: a compare must not stop early */
        rc = public_rc(fm_aes_cmac_verify(&k, msg, len, expect, sizeof expect));
        fails += check(rc == FM_ERR_VERIFY, name, "verify accepted a wrong tag", len, 0);
        fm_aes_wipe(&k);

        FM_PUBLIC(tag1, sizeof tag1);
        FM_PUBLIC(tag2, sizeof tag2);
        fails += check(memcmp(tag1, tag2, sizeof tag1) == 0, name, "streaming != one-shot", len, 0);
        transcript_add(t, tag1, sizeof tag1);
        FM_PUBLIC(key, klen);
        FM_PUBLIC(msg, len);
    }
    return fails;
}

static int run_cmac128(transcript *t) { return run_cmac("CMAC-AES-128", 16, t); }
static int run_cmac256(transcript *t) { return run_cmac("CMAC-AES-256", 32, t); }

/* ---- CTR_DRBG ---------------------------------------------------------------- */

/*
 * CTR_DRBG: entropy, nonce, personalization string, reseed entropy and
 * additional input secret (so V and Key are too); the output is made
 * public only after the calls. With and without the derivation function,
 * outputs of partial and whole blocks (chunked counter blocks), reseed,
 * prediction-resistant generate and additional input.
 */
static int run_drbg(const char *name, int alg, size_t klen, transcript *t)
{
    static const size_t outs[] = { 1, 16, 33, 64, 2100 };
    uint8_t e[48], n[16], p[48], a[48], out[2100];
    int fails = 0;

    for (uint32_t flags = 0; flags <= FM_DRBG_NO_DF; flags++) {
        size_t elen = flags ? klen + 16 : klen, nlen = flags ? 0 : 16;
        size_t plen = flags ? klen + 16 : 21, alen = flags ? klen : 37;

        for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++) {
            fm_drbg_ctx d;
            int rc;

            fill(e, sizeof e, 0xd1b900u | flags << 12 | klen << 4 | i);
            fill(n, sizeof n, 0xd1ba00u | i);
            fill(p, sizeof p, 0xd1bb00u | i);
            fill(a, sizeof a, 0xd1bc00u | i);
            FM_SECRET(e, sizeof e);
            FM_SECRET(n, sizeof n);
            FM_SECRET(p, sizeof p);
            FM_SECRET(a, sizeof a);
            rc = fm_drbg_instantiate_with(&d, alg, flags, e, elen, n, nlen, p, plen);
            if (rc == FM_OK)
                rc = fm_drbg_generate(&d, out, outs[i], a, alen);
            if (rc == FM_OK)
                rc = fm_drbg_reseed_with(&d, e, elen, a, alen);
            if (rc == FM_OK)
                rc = fm_drbg_generate(&d, out, outs[i], NULL, 0);
            if (rc == FM_OK)
                rc = fm_drbg_generate_pr_with(&d, e, elen, out, outs[i], a, alen);
            fm_drbg_uninstantiate(&d);
            fails += check(rc == FM_OK, name, "a DRBG call failed", outs[i], flags);
            FM_PUBLIC(out, outs[i]);
            transcript_add(t, out, outs[i]);
            FM_PUBLIC(e, sizeof e);
            FM_PUBLIC(n, sizeof n);
            FM_PUBLIC(p, sizeof p);
            FM_PUBLIC(a, sizeof a);
        }
    }
    return fails;
}

/*
 * fm_random_bytes: the module's own DRBG. Its secrets come from inside the
 * module: the entropy source marks every sample secret as it is read
 * (entropy.c), so the primary's seeding, its V and Key, the child's seed
 * and the output are secret without the driver marking anything. The
 * output is made public after each call. Random output differs on every
 * call, so only the lengths go into the transcript. Lengths cover partial
 * blocks, whole chunks and more than one 65536-byte request.
 */
static int run_random(transcript *t)
{
    static const size_t lens[] = { 0, 1, 16, 33, 2100, 65537 };
    static uint8_t out[65537];
    int fails = 0;

    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        uint8_t len8 = (uint8_t)lens[i];
        int rc = fm_random_bytes(out, lens[i]);

        fails += check(rc == FM_OK, "fm_random_bytes", "call failed", lens[i], 0);
        FM_PUBLIC(out, lens[i]);
        transcript_add(t, &len8, 1);
    }
    return fails;
}

/*
 * RSA: a 2048-bit key generated in the module (its primes come from the
 * DRBG, whose entropy is secret from the source on, so key generation
 * itself is checked: candidates, trial division, Miller-Rabin, gcd, lcm,
 * inverses, the import checks, the pairwise test), then the private
 * operations with it: PKCS#1 v1.5 and PSS signatures, OAEP decryption of
 * a good and of a corrupted ciphertext (the return code and length are
 * public by contract: the module makes them so), RSADP. Signatures and
 * ciphertexts are public. The message encrypted with OAEP is secret. The
 * first RSA call also runs the deferred RSA self-tests. Random outputs
 * differ per run, so the transcript gets the verdicts only.
 */
static int run_rsa(transcript *t)
{
    static fm_rsa_key key;
    uint8_t dg[32], sig[256], ct[256], pt[256], msg[40], raw[256], ok[6];
    size_t len = 0;
    int rc, fails = 0;

    fill(dg, sizeof dg, 0x45a1);
    fill(msg, sizeof msg, 0x45a2);
    rc = fm_rsa_generate_key(&key, 2048, 0);
    fails += check(rc == FM_OK, "RSA", "key generation failed", 2048, 0);
    if (rc != FM_OK)
        return fails;
    rc = fm_rsa_sign(&key, FM_RSA_PKCS1, FM_SHA256, dg, 32, 0, sig, 256);
    FM_PUBLIC(sig, sizeof sig);
    ok[0] = rc == FM_OK && fm_rsa_verify(&key, FM_RSA_PKCS1, FM_SHA256, dg, 32, 0, sig, 256) ==
                               FM_OK;
    rc = fm_rsa_sign(&key, FM_RSA_PSS, FM_SHA256, dg, 32, FM_RSA_PSS_SALT_DIGEST, sig, 256);
    FM_PUBLIC(sig, sizeof sig);
    ok[1] = rc == FM_OK && fm_rsa_verify(&key, FM_RSA_PSS, FM_SHA256, dg, 32,
                                         FM_RSA_PSS_SALT_DIGEST, sig, 256) == FM_OK;
    FM_SECRET(msg, sizeof msg);
    rc = fm_rsa_oaep_encrypt(&key, FM_SHA256, NULL, 0, msg, sizeof msg, ct, 256);
    FM_PUBLIC(ct, sizeof ct);
    ok[2] = rc == FM_OK;
    rc = fm_rsa_oaep_decrypt(&key, FM_SHA256, NULL, 0, ct, 256, pt, sizeof pt, &len);
    FM_PUBLIC(pt, sizeof pt);
    FM_PUBLIC(msg, sizeof msg);
    ok[3] = rc == FM_OK && len == sizeof msg && memcmp(pt, msg, sizeof msg) == 0;
    ct[100] ^= 0x08;
    rc = fm_rsa_oaep_decrypt(&key, FM_SHA256, NULL, 0, ct, 256, pt, sizeof pt, &len);
    ok[4] = rc == FM_ERR_DECRYPT && len == 0;
    fill(raw, sizeof raw, 0x45a3);
    raw[0] = 0x01;
    rc = fm_rsa_decrypt_primitive(&key, raw, 256, pt, 256);
    FM_PUBLIC(pt, sizeof pt);
    ok[5] = rc == FM_OK;
    for (size_t i = 0; i < sizeof ok; i++)
        fails += check(ok[i], "RSA", "an operation gave the wrong result", i, 0);
    transcript_add(t, ok, sizeof ok);
    fm_rsa_key_wipe(&key);
    return fails;
}

/*
 * ECDSA on each curve: a key generated in the module (d from the DRBG,
 * secret from the entropy source on: rejection sampling, k G, the pairwise
 * test), signatures with a random k and with RFC 6979 (HMAC of the secret
 * d), a private key imported from a secret buffer (the range check and
 * the recomputation of Q), and its export. Public: Q, the digest, the
 * signatures, every verdict (made so by the module). Verification runs on
 * public data only, and is checked with the rest. Random signatures
 * differ per run, so the transcript gets the verdicts and the
 * deterministic signature.
 */
static int run_ecdsa(const char *name, int curve, int hash, size_t dlen, transcript *t)
{
    static fm_ec_key key, imp;
    uint8_t dg[64], sig[FM_ECDSA_SIG_MAX_LEN], d[FM_EC_MAX_BYTES], ok[5];
    uint8_t pub[FM_EC_POINT_MAX_LEN];
    size_t len = 0, publen = 0, blen = FM_EC_BYTES(curve);
    int rc, fails = 0;

    fill(dg, sizeof dg, 0x4c01 + (uint64_t)curve);
    rc = fm_ec_key_generate(&key, curve);
    fails += check(rc == FM_OK, name, "key generation failed", (size_t)curve, 0);
    if (rc != FM_OK)
        return fails;
    rc = fm_ecdsa_sign(&key, hash, dg, dlen, FM_ECDSA_DER, sig, sizeof sig, &len);
    FM_PUBLIC(sig, sizeof sig);
    ok[0] = rc == FM_OK && fm_ecdsa_verify(&key, hash, dg, dlen, FM_ECDSA_DER, sig, len) == FM_OK;
    rc = fm_ecdsa_sign(&key, hash, dg, dlen, FM_ECDSA_P1363 | FM_ECDSA_DETERMINISTIC, sig,
                       sizeof sig, &len);
    FM_PUBLIC(sig, sizeof sig);
    ok[1] = rc == FM_OK && fm_ecdsa_verify(&key, hash, dg, dlen, FM_ECDSA_P1363, sig, len) ==
                               FM_OK;
    /* A private key from outside: d secret in the caller's buffer. */
    fill(d, blen, 0x4c10 + (uint64_t)curve);
    d[0] = 0x01;
    FM_SECRET(d, blen);
    rc = fm_ec_key_import(&imp, curve, d, blen, NULL, 0);
    ok[2] = rc == FM_OK;
    rc = fm_ecdsa_sign(&imp, hash, dg, dlen, FM_ECDSA_P1363 | FM_ECDSA_DETERMINISTIC, sig,
                       sizeof sig, &len);
    FM_PUBLIC(sig, sizeof sig);
    transcript_add(t, sig, len);
    rc = fm_ec_key_public_bytes(&imp, 0, pub, sizeof pub, &publen);
    ok[3] = rc == FM_OK && publen == 1 + 2 * blen;
    transcript_add(t, pub, publen);
    rc = fm_ec_key_private_bytes(&imp, d, blen);
    FM_PUBLIC(d, blen);
    ok[4] = rc == FM_OK && d[0] == 0x01;
    for (size_t i = 0; i < sizeof ok; i++)
        fails += check(ok[i], name, "an operation gave the wrong result", i, 0);
    transcript_add(t, ok, sizeof ok);
    fm_ec_key_wipe(&key);
    fm_ec_key_wipe(&imp);
    return fails;
}

static int run_p256(transcript *t) { return run_ecdsa("ECDSA P-256", FM_EC_P256, FM_SHA256, 32, t); }
static int run_p384(transcript *t) { return run_ecdsa("ECDSA P-384", FM_EC_P384, FM_SHA384, 48, t); }
static int run_p521(transcript *t) { return run_ecdsa("ECDSA P-521", FM_EC_P521, FM_SHA512, 64, t); }

static int run_drbg128(transcript *t) { return run_drbg("CTR_DRBG AES-128", FM_DRBG_AES128, 16, t); }
static int run_drbg256(transcript *t) { return run_drbg("CTR_DRBG AES-256", FM_DRBG_AES256, 32, t); }

/*
 * AES-GCM: key, plaintext and AAD secret (AAD is often public, but as a
 * secret it shows GHASH never branches on its input); IV and lengths
 * public. Seal one-shot and streaming in uneven pieces, open of the result
 * (the tag comparison and the masking of the plaintext run on secrets),
 * and open with the last tag byte flipped, which must fail with the
 * plaintext zeroed. The verdict is made public (public_rc) only after the
 * call, as a caller would learn it. One IV of 20 bytes takes the GHASH
 * path of J0.
 */
static int run_gcm(const char *name, size_t klen, transcript *t)
{
    static const size_t lens[] = { 0, 1, 16, 31, 64, 129, 300 };
    uint8_t key[32], aad[21], pt[300], ptpub[300], ct[300], ct2[300], back[300];
    uint8_t iv[20], tag[16], tag2[16];
    int fails = 0;

    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        size_t len = lens[i], ivlen = i % 3 == 2 ? 20 : 12, aadlen = i % 2 ? 21 : 0;
        fm_aes_gcm_key k;
        fm_aes_gcm_ctx c;
        int rc;

        fill(key, klen, 0x6c3000u | klen << 8 | len);
        fill(pt, len, 0x6c3100u | len);
        fill(aad, sizeof aad, 0x6c32u);
        fill(iv, sizeof iv, 0x6c33u);
        memcpy(ptpub, pt, len);
        FM_SECRET(key, klen);
        FM_SECRET(pt, len);
        FM_SECRET(aad, sizeof aad);
        rc = fm_aes_gcm_init(&k, key, klen);
        if (rc == FM_OK)
            rc = fm_aes_gcm_seal(&k, iv, ivlen, aad, aadlen, pt, len, ct, tag, sizeof tag);
        fails += check(rc == FM_OK, name, "seal failed", len, 0);

        rc = fm_aes_gcm_start(&c, &k, FM_AES_GCM_ENCRYPT, iv, ivlen);
        if (rc == FM_OK)
            rc = fm_aes_gcm_aad(&c, aad, aadlen);
        for (size_t off = 0, j = i; rc == FM_OK && off < len; j++) {
            size_t n = chunks[j % NCHUNKS] < len - off ? chunks[j % NCHUNKS] : len - off;
            rc = fm_aes_gcm_update(&c, pt + off, ct2 + off, n);
            off += n;
        }
        if (rc == FM_OK)
            rc = fm_aes_gcm_encrypt_final(&c, tag2, sizeof tag2);
        fails += check(rc == FM_OK, name, "streaming seal failed", len, 0);
        FM_PUBLIC(ct, len);
        FM_PUBLIC(ct2, len);
        FM_PUBLIC(tag, sizeof tag);
        FM_PUBLIC(tag2, sizeof tag2);
        fails += check(memcmp(ct, ct2, len) == 0 && memcmp(tag, tag2, sizeof tag) == 0, name,
                       "streaming seal differs from one-shot", len, 0);

        rc = public_rc(fm_aes_gcm_open(&k, iv, ivlen, aad, aadlen, ct, len, tag, sizeof tag, back));
        fails += check(rc == FM_OK, name, "open rejected the right tag", len, 0);
        FM_PUBLIC(back, len);
        fails += check(memcmp(back, ptpub, len) == 0, name, "open(seal(x)) != x", len, 0);
        tag[15] ^= 0x01; /* last byte: a compare must not stop early */
        rc = public_rc(fm_aes_gcm_open(&k, iv, ivlen, aad, aadlen, ct, len, tag, sizeof tag, back));
        fails += check(rc == FM_ERR_VERIFY, name, "open accepted a wrong tag", len, 0);
        FM_PUBLIC(back, len);
        for (size_t b = 0; b < len; b++)
            fails += check(back[b] == 0, name, "failed open left plaintext", len, 0);
        tag[15] ^= 0x01;
        transcript_add(t, ct, len);
        transcript_add(t, tag, sizeof tag);
        fm_aes_gcm_wipe(&k);
        FM_PUBLIC(pt, len);
        FM_PUBLIC(aad, sizeof aad);
    }
    return fails;
}

static int run_gcm128(transcript *t) { return run_gcm("AES-128-GCM", 16, t); }
static int run_gcm256(transcript *t) { return run_gcm("AES-256-GCM", 32, t); }

/*
 * KW and KWP: KEK and key data secret. Wrap, unwrap of the result (the
 * ICV check, and for KWP the MLI range and zero-padding checks, run on
 * secret data), and unwrap of a ciphertext with one bit flipped, which
 * must fail with out zeroed: the verdict and the masking of the output
 * must not branch on the unwrapped data. KWP covers the one-block case
 * (up to 8 bytes) and W; the MLI is secret until it verifies. Both
 * variants of SP 800-38F 5.1 run: the forward cipher (fm_aes_kw_wrap, ...)
 * and the inverse cipher (fm_aes_kw_wrap_inv, ...).
 */
static int kw_unwrap_any(int pad, int inv, const fm_aes_key *k, const uint8_t *ct, size_t clen,
                         uint8_t *out, size_t *outlen)
{
    if (pad)
        return inv ? fm_aes_kwp_unwrap_inv(k, ct, clen, out, outlen)
                   : fm_aes_kwp_unwrap(k, ct, clen, out, outlen);
    return inv ? fm_aes_kw_unwrap_inv(k, ct, clen, out) : fm_aes_kw_unwrap(k, ct, clen, out);
}

static int run_kw(const char *name, size_t klen, transcript *t)
{
    static const size_t kw_lens[] = { 16, 24, 32, 40, 64 };
    static const size_t kwp_lens[] = { 1, 5, 8, 9, 15, 16, 17, 20, 31, 40, 64 };
    uint8_t kek[32], data[64], datapub[64], ct[72], out[72];
    int fails = 0;

    for (int v = 0; v < 4; v++) {
        static const char *const vname[4][3] = {
            { "KW wrap failed", "KW unwrap(wrap(x)) != x", "KW unwrap accepted a corrupted key" },
            { "KWP wrap failed", "KWP unwrap(wrap(x)) != x",
              "KWP unwrap accepted a corrupted key" },
            { "KW wrap_inv failed", "KW unwrap_inv(wrap_inv(x)) != x",
              "KW unwrap_inv accepted a corrupted key" },
            { "KWP wrap_inv failed", "KWP unwrap_inv(wrap_inv(x)) != x",
              "KWP unwrap_inv accepted a corrupted key" },
        };
        int pad = v & 1, inv = v >> 1;
        const size_t *lens = pad ? kwp_lens : kw_lens;
        size_t nlens = pad ? sizeof kwp_lens / sizeof kwp_lens[0]
                           : sizeof kw_lens / sizeof kw_lens[0];

        for (size_t i = 0; i < nlens; i++) {
            size_t len = lens[i], clen = pad ? FM_AES_KWP_WRAPPED_LEN(len) : len + 8;
            size_t outlen = 0, pubout;
            fm_aes_key k;
            int rc;

            fill(kek, klen, 0x6b6500u | klen << 8 | len);
            fill(data, len, 0x6b6600u | (uint64_t)v << 16 | len);
            memcpy(datapub, data, len);
            FM_SECRET(kek, klen);
            FM_SECRET(data, len);
            rc = fm_aes_init(&k, kek, klen);
            if (rc == FM_OK && inv)
                rc = pad ? fm_aes_kwp_wrap_inv(&k, data, len, ct)
                         : fm_aes_kw_wrap_inv(&k, data, len, ct);
            else if (rc == FM_OK)
                rc = pad ? fm_aes_kwp_wrap(&k, data, len, ct) : fm_aes_kw_wrap(&k, data, len, ct);
            fails += check(rc == FM_OK, name, vname[v][0], len, 0);
            FM_PUBLIC(ct, clen); /* a wrapped key is public */
            transcript_add(t, ct, clen);

            rc = kw_unwrap_any(pad, inv, &k, ct, clen, out, &outlen);
            rc = public_rc(rc);
            pubout = outlen;
            FM_PUBLIC(&pubout, sizeof pubout);
            FM_PUBLIC(out, clen - 8);
            fails += check(rc == FM_OK && (!pad || pubout == len) &&
                           memcmp(out, datapub, len) == 0, name, vname[v][1], len, 0);

            /* A flipped bit: the check fails on secret data. */
            ct[(len * 7) % clen] ^= (uint8_t)(1u << (len % 8));
            rc = kw_unwrap_any(pad, inv, &k, ct, clen, out, &outlen);
            rc = public_rc(rc);
            pubout = outlen;
            FM_PUBLIC(&pubout, sizeof pubout);
            FM_PUBLIC(out, clen - 8);
            fails += check(rc == FM_ERR_VERIFY && (!pad || pubout == 0), name, vname[v][2],
                           len, 0);
            for (size_t b = 0; b < clen - 8; b++)
                fails += check(out[b] == 0, name, "failed unwrap left output non-zero", len, b);
            fm_aes_wipe(&k);
            FM_PUBLIC(kek, klen);
            FM_PUBLIC(data, len);
        }
    }
    return fails;
}

static int run_kw128(transcript *t) { return run_kw("KW/KWP AES-128", 16, t); }
static int run_kw256(transcript *t) { return run_kw("KW/KWP AES-256", 32, t); }
#endif

typedef struct {
    const char *alg;
    int family;
    int (*run)(transcript *t);
} ct_case;

static const ct_case cases[] = {
#ifndef CTGRIND_SELFCHECK
    { "SHA-224", FM_FAMILY_SHA256, run_sha224 },
    { "SHA-256", FM_FAMILY_SHA256, run_sha256 },
    { "SHA-384", FM_FAMILY_SHA512, run_sha384 },
    { "SHA-512", FM_FAMILY_SHA512, run_sha512 },
    { "SHA-512/224", FM_FAMILY_SHA512, run_sha512_224 },
    { "SHA-512/256", FM_FAMILY_SHA512, run_sha512_256 },
    { "HMAC-SHA-224", FM_FAMILY_SHA256, run_hmac_sha224 },
    { "HMAC-SHA-256", FM_FAMILY_SHA256, run_hmac_sha256 },
    { "HMAC-SHA-384", FM_FAMILY_SHA512, run_hmac_sha384 },
    { "HMAC-SHA-512", FM_FAMILY_SHA512, run_hmac_sha512 },
    { "HMAC-SHA-512/224", FM_FAMILY_SHA512, run_hmac_sha512_224 },
    { "HMAC-SHA-512/256", FM_FAMILY_SHA512, run_hmac_sha512_256 },
    { "AES-128 ECB/CBC/CTR", FM_FAMILY_AES, run_aes128 },
    { "AES-192 ECB/CBC/CTR", FM_FAMILY_AES, run_aes192 },
    { "AES-256 ECB/CBC/CTR", FM_FAMILY_AES, run_aes256 },
    { "AES-128-GCM", FM_FAMILY_AES, run_gcm128 },
    { "AES-256-GCM", FM_FAMILY_AES, run_gcm256 },
    { "CMAC-AES-128", FM_FAMILY_AES, run_cmac128 },
    { "CMAC-AES-256", FM_FAMILY_AES, run_cmac256 },
    { "CTR_DRBG AES-128", FM_FAMILY_AES, run_drbg128 },
    { "CTR_DRBG AES-256", FM_FAMILY_AES, run_drbg256 },
    { "fm_random_bytes", FM_FAMILY_AES, run_random },
    { "KW/KWP AES-128", FM_FAMILY_AES, run_kw128 },
    { "KW/KWP AES-256", FM_FAMILY_AES, run_kw256 },
    { "RSA-2048 keygen, sign, OAEP, RSADP", FM_FAMILY_RSA, run_rsa },
    { "ECDSA P-256 keygen, sign, import", FM_FAMILY_EC, run_p256 },
    { "ECDSA P-384 keygen, sign, import", FM_FAMILY_EC, run_p384 },
    { "ECDSA P-521 keygen, sign, import", FM_FAMILY_EC, run_p521 },
#else
    { "leak: branch on a secret byte", 0, run_leak_branch },
    { "leak: table index by a secret byte", 0, run_leak_index },
    { "leak: early-exit compare of a secret tag", 0, run_leak_early_exit },
    { "leak: secret length into fm_hash (module code)", 0, run_leak_in_module },
#endif
};
#define NCASES (sizeof cases / sizeof cases[0])

/* ---- implementations ----------------------------------------------------------- */

static const struct {
    int family;
    const char *label;
} families[] = {
    { FM_FAMILY_SHA256, "sha256" },
    { FM_FAMILY_SHA512, "sha512" },
    { FM_FAMILY_AES, "aes" },
    { FM_FAMILY_RSA, "rsa" },
    { FM_FAMILY_EC, "ec" },
};

static const char *family_label(int family)
{
    static char buf[32];
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
        if (families[i].family == family)
            return families[i].label;
    snprintf(buf, sizeof buf, "family %d", family);
    return buf;
}

/* The implementations cpu.c offers and the features each needs; used only
 * to explain why one was not reachable (discovery does not depend on it). */
static const struct {
    int family;
    const char *name;
    uint32_t needs;
} known_impls[] = {
    { FM_FAMILY_SHA256, "shani", FM_CPU_SHANI | FM_CPU_SSE41 | FM_CPU_SSSE3 },
    { FM_FAMILY_SHA512, "avx2", FM_CPU_AVX2 | FM_CPU_BMI2 },
    { FM_FAMILY_SHA512, "avx512", FM_CPU_AVX2 | FM_CPU_BMI2 | FM_CPU_AVX512 },
    { FM_FAMILY_AES, "aesni", FM_CPU_AESNI | FM_CPU_SSSE3 | FM_CPU_PCLMUL },
    { FM_FAMILY_AES, "vaes", FM_CPU_AESNI | FM_CPU_SSSE3 | FM_CPU_PCLMUL | FM_CPU_AVX2 |
                             FM_CPU_VAES | FM_CPU_VPCLMUL },
    { FM_FAMILY_RSA, "mulx", FM_CPU_BMI2 | FM_CPU_ADX },
    { FM_FAMILY_RSA, "ifma", FM_CPU_BMI2 | FM_CPU_AVX512 | FM_CPU_AVX512IFMA },
    { FM_FAMILY_EC, "mulx", FM_CPU_BMI2 | FM_CPU_ADX },
};

/* Feature bits: the name printed and the /proc/cpuinfo flags behind it. */
static const struct {
    uint32_t bit;
    const char *name;
    const char *flags[3];
} features[] = {
    { FM_CPU_SSSE3, "ssse3", { "ssse3" } },
    { FM_CPU_SSE41, "sse4.1", { "sse4_1" } },
    { FM_CPU_AVX2, "avx2", { "avx2" } },
    { FM_CPU_BMI2, "bmi1+bmi2", { "bmi1", "bmi2" } },
    { FM_CPU_ADX, "adx", { "adx" } },
    { FM_CPU_AESNI, "aesni", { "aes" } },
    { FM_CPU_PCLMUL, "pclmul", { "pclmulqdq" } },
    { FM_CPU_VAES, "vaes", { "vaes" } },
    { FM_CPU_VPCLMUL, "vpclmul", { "vpclmulqdq" } },
    { FM_CPU_SHANI, "sha-ni", { "sha_ni" } },
    { FM_CPU_AVX512, "avx512f/vl/bw", { "avx512f", "avx512vl", "avx512bw" } },
    { FM_CPU_AVX512IFMA, "avx512ifma", { "avx512ifma" } },
};
#define NFEATURES (sizeof features / sizeof features[0])

/* Feature bits of the real CPU, from the kernel (valgrind does not emulate
 * /proc/cpuinfo). Returns 0 when unknown (*known = 0). */
static uint32_t host_features(int *known)
{
    static char line[8192];
    FILE *f = fopen("/proc/cpuinfo", "r");
    uint32_t bits = 0;

    *known = 0;
    if (f == NULL)
        return 0;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "flags", 5) != 0)
            continue;
        *known = 1;
        for (size_t i = 0; i < NFEATURES; i++) {
            int all = 1;
            for (size_t j = 0; j < 3 && features[i].flags[j] != NULL; j++) {
                char want[40];
                snprintf(want, sizeof want, " %s", features[i].flags[j]);
                const char *p = line;
                int found = 0;
                size_t wl = strlen(want);
                while ((p = strstr(p, want)) != NULL) {
                    if (p[wl] == ' ' || p[wl] == '\n' || p[wl] == '\0') {
                        found = 1;
                        break;
                    }
                    p += wl;
                }
                all &= found;
            }
            if (all)
                bits |= features[i].bit;
        }
        break;
    }
    fclose(f);
    return bits;
}

static void print_features(const char *prefix, uint32_t bits)
{
    printf("%s", prefix);
    if (bits == 0)
        printf(" (none)");
    for (size_t i = 0; i < NFEATURES; i++)
        if (bits & features[i].bit)
            printf(" %s", features[i].name);
    printf("\n");
}

static int popcount(uint32_t x)
{
    int n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

#define MAX_IMPLS 16

typedef struct {
    const char *name;
    uint32_t mask; /* the largest feature mask that selects it */
} impl_choice;

/* Every implementation of `family` that some subset of the detected
 * features selects, "portable" (mask 0) first, then by mask size. */
static size_t discover(int family, uint32_t detected, impl_choice *out)
{
    size_t n = 0;
    uint32_t m = detected;

    for (;;) {
        const char *name = NULL;
        if (fm_cpu_set_features(m) == FM_OK && fm_impl_name(family, &name) == FM_OK) {
            size_t i;
            for (i = 0; i < n; i++)
                if (strcmp(out[i].name, name) == 0)
                    break;
            if (i == n && n < MAX_IMPLS) {
                out[n].name = name;
                out[n].mask = m;
                n++;
            } else if (i < n && popcount(m) > popcount(out[i].mask)) {
                out[i].mask = m;
            }
        }
        if (m == 0)
            break;
        m = (m - 1) & detected;
    }
    for (size_t i = 1; i < n; i++) /* insertion sort on (mask size) */
        for (size_t j = i; j > 0 && popcount(out[j].mask) < popcount(out[j - 1].mask); j--) {
            impl_choice tmp = out[j];
            out[j] = out[j - 1];
            out[j - 1] = tmp;
        }
    (void)fm_cpu_set_features(FM_CPU_ALL);
    return n;
}

/* Why `needs` is not all in `detected`: a sentence naming the bits. */
static void print_why(uint32_t needs, uint32_t detected, uint32_t host, int host_known)
{
    uint32_t missing = needs & ~detected;
    uint32_t hidden = host_known ? missing & host : 0;
    uint32_t absent = host_known ? missing & ~host : missing;

    if (missing == 0) {
        printf("cpuid reports all it needs, yet no feature mask selects it: "
               "known_impls in tests/ctgrind/ctgrind.c is out of date with cpu.c");
        return;
    }
    printf("needs");
    for (size_t i = 0; i < NFEATURES; i++)
        if (missing & features[i].bit)
            printf(" %s", features[i].name);
    if (hidden)
        printf(": the host CPU has it, valgrind %d.%d's emulated cpuid hides it",
               __VALGRIND_MAJOR__, __VALGRIND_MINOR__);
    if (absent)
        printf(hidden ? "; the rest is not on the host CPU" :
               host_known ? ": not on the host CPU" : ": not reported by cpuid");
}

/* ---- main ---------------------------------------------------------------------- */

/* FM_SECRET must really mark memory undefined, or a clean run means
 * nothing (e.g. a driver built without FM_CTGRIND, or another tool). */
static int hooks_live(void)
{
    uint8_t b[16], vb[16];
    memset(b, 0x5a, sizeof b);
    FM_SECRET(b, sizeof b);
    if (VALGRIND_GET_VBITS(b, vb, sizeof b) != 1)
        return 0;
    for (size_t i = 0; i < sizeof b; i++)
        if (vb[i] != 0xff)
            return 0;
    FM_PUBLIC(b, sizeof b);
    if (VALGRIND_GET_VBITS(b, vb, sizeof b) != 1)
        return 0;
    for (size_t i = 0; i < sizeof b; i++)
        if (vb[i] != 0)
            return 0;
    return 1;
}

int main(void)
{
    uint32_t detected = 0, host;
    int host_known, rc;
    unsigned passed = 0, failed = 0;

    setvbuf(stdout, NULL, _IOLBF, 0); /* keep order with memcheck's stderr */
    if (!RUNNING_ON_VALGRIND) {
        printf("ctgrind: not running under valgrind; use `make ctgrind`\n");
        return 2;
    }
    if (!hooks_live()) {
        printf("ctgrind: FM_SECRET does not mark memory undefined (not memcheck?)\n");
        return 2;
    }
    rc = fm_init(0);
    if (rc != FM_OK) {
        const char *en = "?";
        (void)fm_error_name(rc, &en);
        printf("ctgrind: fm_init failed: %s\n", en);
        return 2;
    }
    (void)fm_cpu_features(&detected, NULL);
    host = host_features(&host_known);
    printf("ctgrind: memcheck on valgrind %d.%d; FM_SECRET/FM_PUBLIC hooks live\n",
           __VALGRIND_MAJOR__, __VALGRIND_MINOR__);
    print_features("ctgrind: cpuid under valgrind:", detected);
    if (host_known && (host & ~detected) != 0)
        print_features("ctgrind: host CPU also has:", host & ~detected);

#ifndef CTGRIND_SELFCHECK
    /* Every dispatched family must be covered by some case. */
    for (int fam = 1; fam <= FM_FAMILY_MAX; fam++) {
        int covered = 0;
        for (size_t i = 0; i < NCASES; i++)
            covered |= cases[i].family == fam;
        if (!covered) {
            printf("  FAIL  %s: no ctgrind case covers this family "
                   "(add its services to tests/ctgrind/ctgrind.c)\n", family_label(fam));
            failed++;
        }
    }
#endif

    /* Discover and report the implementations of every family in use. */
    impl_choice impls[FM_FAMILY_MAX + 1][MAX_IMPLS];
    size_t nimpls[FM_FAMILY_MAX + 1];
    impls[0][0].name = "dispatch-free";
    impls[0][0].mask = FM_CPU_ALL;
    nimpls[0] = 1;
    for (int fam = 1; fam <= FM_FAMILY_MAX; fam++) {
        nimpls[fam] = discover(fam, detected, impls[fam]);
        printf("ctgrind: %s: checked", family_label(fam));
        for (size_t i = 0; i < nimpls[fam]; i++)
            printf(" %s", impls[fam][i].name);
        for (size_t k = 0; k < sizeof known_impls / sizeof known_impls[0]; k++) {
            int found = 0;
            if (known_impls[k].family != fam)
                continue;
            for (size_t i = 0; i < nimpls[fam]; i++)
                found |= strcmp(impls[fam][i].name, known_impls[k].name) == 0;
            if (found)
                continue;
            printf("; not reachable: %s (", known_impls[k].name);
            print_why(known_impls[k].needs, detected, host, host_known);
            printf(")");
        }
        printf("\n");
    }

    for (size_t c = 0; c < NCASES; c++) {
        int fam = cases[c].family;
        transcript ref = { 0 };
        for (size_t i = 0; i < nimpls[fam]; i++) {
            transcript t = { 0 };
            unsigned before, errs;
            int fails;

            (void)fm_cpu_set_features(impls[fam][i].mask);
            before = VALGRIND_COUNT_ERRORS;
            fails = cases[c].run(&t);
            errs = VALGRIND_COUNT_ERRORS - before;
            (void)fm_cpu_set_features(FM_CPU_ALL);
            if (i == 0) {
                ref = t;
            } else {
                if (t.len != ref.len || memcmp(t.p, ref.p, t.len) != 0) {
                    printf("    %s: %s output differs from %s\n", cases[c].alg,
                           impls[fam][i].name, impls[fam][0].name);
                    fails++;
                }
                free(t.p);
            }
#ifndef CTGRIND_SELFCHECK
            int ok = fails == 0 && errs == 0;
            printf("  %s  %-18s %s", ok ? "ok  " : "FAIL", cases[c].alg, impls[fam][i].name);
            if (errs)
                printf("  %u memcheck error%s", errs, errs == 1 ? "" : "s");
            if (fails)
                printf("  %d wrong result%s", fails, fails == 1 ? "" : "s");
#else
            int ok = fails == 0 && errs > 0; /* a leak memcheck missed fails */
            printf("  %s  %s: %s", ok ? "ok  " : "FAIL", cases[c].alg,
                   errs ? "detected" : "NOT detected");
            if (errs)
                printf(" (%u memcheck error%s)", errs, errs == 1 ? "" : "s");
#endif
            printf("\n");
            if (ok)
                passed++;
            else
                failed++;
        }
        free(ref.p);
    }

    unsigned errors = VALGRIND_COUNT_ERRORS; /* the whole run, power-up included */
#ifndef CTGRIND_SELFCHECK
    printf("ctgrind: %u error%s\n", errors, errors == 1 ? "" : "s");
#else
    printf("ctgrind-selfcheck: %u/%zu deliberate leaks detected (%u memcheck errors)\n",
           passed, NCASES, errors);
#endif
    printf("%u passed, %u failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
