/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gen-kat-vectors: write ACVP-shaped known-answer vector sets for SHA-2 and
 * HMAC-SHA-2 into kat-vectors/, computing every answer with OpenSSL's
 * libcrypto as an oracle that shares no code with fipsmod.
 *
 * Usage: gen-kat-vectors OUTDIR   (run by `make kat-vectors`)
 *
 * NIST's sample vector sets are not shipped with the repository and lack
 * full sets for some variants (SHA2-384, SHA2-512/224), so a fresh clone
 * needs its own. Each directory gets a prompt.json (inputs only) and an
 * expectedResults.json (answers only, same tgId/tcId skeleton) in the
 * format of the ACVP SHA-2 and HMAC specifications, so `make kat` runs
 * `fipsmod acvp DIR/prompt.json` over them exactly as over NIST's files.
 *
 * SHA-2 sets (ACVP "SHA2-*" revision 1.0):
 *   tg 1 AFT  byte-aligned messages of every length 0 .. 2 blocks + 1,
 *             then lengths around block and padding boundaries to ~10 KiB;
 *   tg 2 MCT  mctVersion "standard": the SHAVS Monte Carlo test;
 *   tg 3 MCT  mctVersion "alternate": each message cut or zero-padded to
 *             the initial seed length (one seed longer than 3 digests so
 *             the padding path runs, one shorter than a digest);
 *   tg 4 LDT  a 64 MiB + 24 byte message made by repeating 8 bytes (the
 *             real ACVP sizes are 1-8 GiB; this keeps `make kat` fast,
 *             but unlike them it does not carry the bit count past 2^32).
 * HMAC sets (ACVP "HMAC-SHA2-*" revision 1.0): AFT groups over key lengths
 * 1, 16, block, block + 1 and 3 x block bytes, message lengths 0, 1, 64,
 * 127, 128 and 1000 bytes, and MAC lengths of 32 bits, 80 bits and the full
 * digest.
 *
 * Every input byte comes from splitmix64 with a fixed seed, one stream per
 * directory (seed XOR FNV-1a of the directory name), so re-running the
 * program regenerates identical files and adding a directory does not
 * change the others.
 */
#ifndef _GNU_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

/* "fipsmod1" in ASCII: any fixed value works; this one is easy to spot. */
#define PRNG_SEED 0x666970736d6f6431ULL

#define MCT_OUTER 100  /* SHAVS / ACVP: 100 checkpoints ... */
#define MCT_INNER 1000 /* ... of 1000 chained digests each */

/* LDT: 64 MiB + 24 bytes, a multiple of the 8-byte content. */
#define LDT_BYTES ((64ULL << 20) + 24)
#define LDT_CONTENT_LEN 8

struct hash_alg {
    const char *acvp;   /* algorithm name exactly as NIST spells it */
    const char *dir;    /* directory name: no '/' allowed */
    const char *ossl;   /* OpenSSL fetch name */
    size_t dlen;        /* digest bytes */
    size_t blen;        /* block bytes */
    size_t lenfield;    /* bytes of the length field in the final block */
};

static const struct hash_alg HASHES[] = {
    { "SHA2-224",     "SHA2-224",     "SHA224",     28, 64,  8 },
    { "SHA2-256",     "SHA2-256",     "SHA256",     32, 64,  8 },
    { "SHA2-384",     "SHA2-384",     "SHA384",     48, 128, 16 },
    { "SHA2-512",     "SHA2-512",     "SHA512",     64, 128, 16 },
    { "SHA2-512/224", "SHA2-512-224", "SHA512-224", 28, 128, 16 },
    { "SHA2-512/256", "SHA2-512-256", "SHA512-256", 32, 128, 16 },
};
#define NHASHES (sizeof HASHES / sizeof HASHES[0])

static char g_source[512];

/* ---- helpers ------------------------------------------------------------ */

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("gen-kat-vectors: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    ERR_print_errors_fp(stderr);
    exit(1);
}

static void *xmalloc(size_t n)
{
    /* malloc(0) may return NULL; the empty message still needs a pointer. */
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        die("out of memory (%zu bytes)", n);
    return p;
}

/* splitmix64 (Steele, Lea, Flood 2014): tiny, full-period, and good enough
 * for test inputs; nothing here needs unpredictability. */
struct prng {
    uint64_t s;
};

static uint64_t prng_next(struct prng *p)
{
    uint64_t z = (p->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void prng_bytes(struct prng *p, uint8_t *out, size_t n)
{
    while (n > 0) {
        uint64_t v = prng_next(p);
        for (int i = 0; i < 8 && n > 0; i++, n--) {
            *out++ = (uint8_t)v;
            v >>= 8;
        }
    }
}

static struct prng prng_for(const char *dir)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a 64 */
    for (const unsigned char *c = (const unsigned char *)dir; *c; c++)
        h = (h ^ *c) * 0x100000001b3ULL;
    struct prng p = { PRNG_SEED ^ h };
    return p;
}

static json_t *hex(const uint8_t *b, size_t n)
{
    static const char digits[] = "0123456789ABCDEF";
    char *s = xmalloc(2 * n + 1);
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = digits[b[i] >> 4];
        s[2 * i + 1] = digits[b[i] & 15];
    }
    s[2 * n] = '\0';
    json_t *j = json_string(s);
    free(s);
    if (j == NULL)
        die("json_string failed");
    return j;
}

/* json_object_set_new that cannot fail silently. */
static void put(json_t *obj, const char *key, json_t *val)
{
    if (val == NULL || json_object_set_new(obj, key, val) != 0)
        die("cannot set JSON field %s", key);
}

static void append(json_t *arr, json_t *val)
{
    if (val == NULL || json_array_append_new(arr, val) != 0)
        die("cannot append to JSON array");
}

static json_t *jint(long long v)
{
    return json_integer((json_int_t)v);
}

/* The common head of prompt.json and expectedResults.json. */
static json_t *vector_set(const char *algorithm)
{
    json_t *o = json_object();
    if (o == NULL)
        die("json_object failed");
    put(o, "vsId", jint(0));
    put(o, "algorithm", json_string(algorithm));
    put(o, "revision", json_string("1.0"));
    put(o, "isSample", json_false());
    put(o, "source", json_string(g_source));
    put(o, "testGroups", json_array());
    return o;
}

static json_t *new_group(json_t *set, int tgid)
{
    json_t *g = json_object();
    if (g == NULL)
        die("json_object failed");
    put(g, "tgId", jint(tgid));
    append(json_object_get(set, "testGroups"), g);
    json_incref(g); /* append stole the reference; the caller keeps using g */
    return g;
}

static json_t *new_test(json_t *tests, int tcid)
{
    json_t *t = json_object();
    if (t == NULL)
        die("json_object failed");
    put(t, "tcId", jint(tcid));
    append(tests, t);
    json_incref(t);
    return t;
}

static void mkdir_p(const char *path)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        die("mkdir %s: %s", path, strerror(errno));
}

/* Write via a temporary file and rename, so an interrupted run never
 * leaves a truncated vector file behind for `make kat` to trip over. */
static void write_json(const char *dir, const char *name, json_t *obj)
{
    char path[1024], tmp[1100];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        die("cannot create %s: %s", tmp, strerror(errno));
    if (json_dumpf(obj, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
        fputc('\n', f) == EOF || fclose(f) != 0)
        die("cannot write %s", tmp);
    if (rename(tmp, path) != 0)
        die("rename %s: %s", tmp, strerror(errno));
}

/* ---- the oracle --------------------------------------------------------- */

static void digest(const EVP_MD *md, const uint8_t *msg, size_t len,
                   uint8_t *out, size_t dlen)
{
    unsigned int n = 0;
    if (EVP_Digest(msg, len, out, &n, md, NULL) != 1 || n != dlen)
        die("EVP_Digest(%s) failed", EVP_MD_get0_name(md));
}

static void hmac(const char *mdname, const uint8_t *key, size_t keylen,
                 const uint8_t *msg, size_t len, uint8_t *out, size_t dlen)
{
    size_t n = 0;
    if (EVP_Q_mac(NULL, "HMAC", NULL, mdname, NULL, key, keylen, msg, len,
                  out, dlen, &n) == NULL || n != dlen)
        die("EVP_Q_mac(HMAC, %s) failed", mdname);
}

/* ---- SHA-2 -------------------------------------------------------------- */

/*
 * One Monte Carlo chain (ACVP SHA-2 spec, "Monte Carlo tests"; SHAVS 6.4):
 *   for j in 0..99: A = B = C = Seed
 *     for i in 0..999: M = A || B || C; [alternate: M cut or zero-padded to
 *       the initial seed length]; MD = H(M); A = B; B = C; C = MD
 *     output MD; Seed = MD
 * In the standard version M is always 3 digests long. In the alternate one
 * the initial seed length fixes the length of every M, for modules that
 * cannot hash a message of exactly 3 digests.
 */
static json_t *mct(const EVP_MD *md, size_t dlen, const uint8_t *seed0,
                   size_t seedlen, int alternate)
{
    /* A, B and C are at most max(seedlen, dlen) bytes each. */
    size_t cap = seedlen > dlen ? seedlen : dlen;
    uint8_t *abc = xmalloc(3 * cap + seedlen);
    uint8_t *a = xmalloc(cap), *b = xmalloc(cap), *c = xmalloc(cap);
    size_t alen, blen, clen;
    uint8_t out[EVP_MAX_MD_SIZE];
    json_t *results = json_array();
    if (results == NULL)
        die("json_array failed");

    memcpy(c, seed0, seedlen);
    clen = seedlen;
    for (int j = 0; j < MCT_OUTER; j++) {
        memcpy(a, c, clen);
        memcpy(b, c, clen);
        alen = blen = clen;
        for (int i = 0; i < MCT_INNER; i++) {
            size_t mlen = alen + blen + clen;
            memcpy(abc, a, alen);
            memcpy(abc + alen, b, blen);
            memcpy(abc + alen + blen, c, clen);
            if (alternate) {
                if (mlen < seedlen)
                    memset(abc + mlen, 0, seedlen - mlen);
                mlen = seedlen;
            }
            digest(md, abc, mlen, out, dlen);
            /* rotate: A = B, B = C, C = MD */
            uint8_t *t = a;
            a = b;
            alen = blen;
            b = c;
            blen = clen;
            c = t;
            memcpy(c, out, dlen);
            clen = dlen;
        }
        json_t *r = json_object();
        if (r == NULL)
            die("json_object failed");
        put(r, "md", hex(out, dlen));
        append(results, r);
    }
    free(abc);
    free(a);
    free(b);
    free(c);
    return results;
}

static int cmp_size(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    return (a > b) - (a < b);
}

/* The AFT message lengths in bytes, sorted and without duplicates. */
static size_t aft_lengths(const struct hash_alg *h, size_t *out, size_t cap)
{
    static const size_t mult[] = { 3, 4, 5, 8, 9, 16, 17, 32, 33 };
    size_t n = 0, B = h->blen;
#define ADD(x) do { if (n < cap) out[n++] = (x); } while (0)
    /* every length up to two blocks and one byte: all padding cases, for
     * the first and for a second block */
    for (size_t len = 0; len <= 2 * B + 1; len++)
        ADD(len);
    /* block boundaries of multi-block messages */
    for (size_t i = 0; i < sizeof mult / sizeof mult[0]; i++) {
        ADD(mult[i] * B - 1);
        ADD(mult[i] * B);
        ADD(mult[i] * B + 1);
    }
    /* the padding boundary (the length field just fits / just spills into
     * an extra block) after several blocks */
    ADD(7 * B + (B - h->lenfield - 1) - 1);
    ADD(7 * B + (B - h->lenfield - 1));
    ADD(7 * B + (B - h->lenfield));
    /* a few lengths unrelated to the block size, up to ~10 KiB */
    ADD(1000);
    ADD(4099);
    ADD(10239);
    ADD(10240);
    ADD(10241);
#undef ADD
    qsort(out, n, sizeof *out, cmp_size);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || out[m - 1] != out[i])
            out[m++] = out[i];
    return m;
}

static void gen_sha(const char *outdir, const struct hash_alg *h)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/%s", outdir, h->dir);
    mkdir_p(dir);

    EVP_MD *md = EVP_MD_fetch(NULL, h->ossl, NULL);
    if (md == NULL || (size_t)EVP_MD_get_size(md) != h->dlen ||
        (size_t)EVP_MD_get_block_size(md) != h->blen)
        die("cannot fetch %s with the expected sizes", h->ossl);

    struct prng rng = prng_for(h->dir);
    json_t *prompt = vector_set(h->acvp), *expect = vector_set(h->acvp);
    int tcid = 1;
    uint8_t out[EVP_MAX_MD_SIZE];

    /* tg 1: AFT */
    {
        size_t lens[512];
        size_t nl = aft_lengths(h, lens, sizeof lens / sizeof lens[0]);
        json_t *gp = new_group(prompt, 1), *ge = new_group(expect, 1);
        json_t *tp = json_array(), *te = json_array();
        put(gp, "testType", json_string("AFT"));
        put(gp, "tests", tp);
        put(ge, "tests", te);
        for (size_t i = 0; i < nl; i++, tcid++) {
            uint8_t *msg = xmalloc(lens[i]);
            prng_bytes(&rng, msg, lens[i]);
            digest(md, msg, lens[i], out, h->dlen);
            json_t *t = new_test(tp, tcid);
            put(t, "msg", hex(msg, lens[i]));
            put(t, "len", jint((long long)lens[i] * 8));
            json_decref(t);
            t = new_test(te, tcid);
            put(t, "md", hex(out, h->dlen));
            json_decref(t);
            free(msg);
        }
        json_decref(gp);
        json_decref(ge);
    }

    /* tg 2: MCT standard (seed = one digest); tg 3: MCT alternate */
    for (int alt = 0; alt <= 1; alt++) {
        /* alternate: a seed longer than 3 digests (M gets zero-padded
         * once the chain restarts from a digest-sized seed) and one
         * shorter than a digest (M is always cut) */
        size_t seedlens[2] = { h->dlen, 0 };
        size_t nseeds = 1;
        if (alt) {
            seedlens[0] = 3 * h->dlen + 7;
            seedlens[1] = h->dlen / 2 + 3;
            nseeds = 2;
        }
        json_t *gp = new_group(prompt, 2 + alt), *ge = new_group(expect, 2 + alt);
        json_t *tp = json_array(), *te = json_array();
        put(gp, "testType", json_string("MCT"));
        put(gp, "mctVersion", json_string(alt ? "alternate" : "standard"));
        put(gp, "tests", tp);
        put(ge, "tests", te);
        for (size_t s = 0; s < nseeds; s++, tcid++) {
            uint8_t *seed = xmalloc(seedlens[s]);
            prng_bytes(&rng, seed, seedlens[s]);
            json_t *t = new_test(tp, tcid);
            put(t, "msg", hex(seed, seedlens[s]));
            put(t, "len", jint((long long)seedlens[s] * 8));
            json_decref(t);
            t = new_test(te, tcid);
            put(t, "resultsArray", mct(md, h->dlen, seed, seedlens[s], alt));
            json_decref(t);
            free(seed);
        }
        json_decref(gp);
        json_decref(ge);
    }

    /* tg 4: LDT, hashed in 1 MiB slices of the repeated content */
    {
        uint8_t content[LDT_CONTENT_LEN];
        prng_bytes(&rng, content, sizeof content);
        size_t slice = 1u << 20;
        uint8_t *buf = xmalloc(slice);
        for (size_t i = 0; i < slice; i++)
            buf[i] = content[i % LDT_CONTENT_LEN];
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        if (ctx == NULL || EVP_DigestInit_ex2(ctx, md, NULL) != 1)
            die("EVP_DigestInit_ex2 failed");
        /* slice is a multiple of the content length, so every slice starts
         * at content[0] */
        for (unsigned long long done = 0; done < LDT_BYTES;) {
            size_t n = LDT_BYTES - done < slice ? (size_t)(LDT_BYTES - done) : slice;
            if (EVP_DigestUpdate(ctx, buf, n) != 1)
                die("EVP_DigestUpdate failed");
            done += n;
        }
        unsigned int n = 0;
        if (EVP_DigestFinal_ex(ctx, out, &n) != 1 || n != h->dlen)
            die("EVP_DigestFinal_ex failed");
        EVP_MD_CTX_free(ctx);
        free(buf);

        json_t *gp = new_group(prompt, 4), *ge = new_group(expect, 4);
        json_t *tp = json_array(), *te = json_array();
        put(gp, "testType", json_string("LDT"));
        put(gp, "tests", tp);
        put(ge, "tests", te);
        json_t *t = new_test(tp, tcid);
        json_t *lm = json_object();
        if (lm == NULL)
            die("json_object failed");
        put(lm, "content", hex(content, sizeof content));
        put(lm, "contentLength", jint(8 * LDT_CONTENT_LEN));
        put(lm, "fullLength", jint((long long)(8 * LDT_BYTES)));
        put(lm, "expansionTechnique", json_string("repeating"));
        put(t, "largeMsg", lm);
        json_decref(t);
        t = new_test(te, tcid);
        put(t, "md", hex(out, h->dlen));
        json_decref(t);
        json_decref(gp);
        json_decref(ge);
        tcid++;
    }

    write_json(dir, "prompt.json", prompt);
    write_json(dir, "expectedResults.json", expect);
    printf("%-20s %4d tests\n", h->dir, tcid - 1);
    json_decref(prompt);
    json_decref(expect);
    EVP_MD_free(md);
}

/* ---- HMAC --------------------------------------------------------------- */

static void gen_hmac(const char *outdir, const struct hash_alg *h)
{
    char dir[512], name[64];
    snprintf(dir, sizeof dir, "%s/HMAC-%s", outdir, h->dir);
    snprintf(name, sizeof name, "HMAC-%s", h->acvp);
    mkdir_p(dir);

    const size_t B = h->blen;
    const size_t keylens[] = { 1, 16, B, B + 1, 3 * B };
    const size_t msglens[] = { 0, 1, 64, 127, 128, 1000 };
    const size_t maclens[] = { 4, 10, h->dlen };
    const size_t nk = sizeof keylens / sizeof keylens[0];
    const size_t nm = sizeof msglens / sizeof msglens[0];
    enum { TESTS_PER_GROUP = 8, TESTS_PER_LONG_GROUP = 4 };

    struct prng rng = prng_for(dir + strlen(outdir) + 1);
    json_t *prompt = vector_set(name), *expect = vector_set(name);
    int tcid = 1, tgid = 1;
    uint8_t out[EVP_MAX_MD_SIZE];
    uint8_t key[3 * 128], msg[1000];

    /* Every key length meets every message length; the MAC length cycles
     * so that each key length and each message length also meets every
     * MAC length. The 1000-byte groups get fewer tests to keep the files
     * small: they add length, not new code paths. */
    for (size_t ki = 0; ki < nk; ki++) {
        for (size_t mi = 0; mi < nm; mi++, tgid++) {
            size_t kl = keylens[ki], ml = msglens[mi];
            size_t tl = maclens[(ki + mi) % 3];
            int ntests = ml > 2 * B ? TESTS_PER_LONG_GROUP : TESTS_PER_GROUP;
            json_t *gp = new_group(prompt, tgid), *ge = new_group(expect, tgid);
            json_t *tp = json_array(), *te = json_array();
            put(gp, "testType", json_string("AFT"));
            put(gp, "keyLen", jint((long long)kl * 8));
            put(gp, "msgLen", jint((long long)ml * 8));
            put(gp, "macLen", jint((long long)tl * 8));
            put(gp, "tests", tp);
            put(ge, "tests", te);
            for (int k = 0; k < ntests; k++, tcid++) {
                prng_bytes(&rng, key, kl);
                prng_bytes(&rng, msg, ml);
                hmac(h->ossl, key, kl, msg, ml, out, h->dlen);
                json_t *t = new_test(tp, tcid);
                put(t, "key", hex(key, kl));
                put(t, "msg", hex(msg, ml));
                json_decref(t);
                t = new_test(te, tcid);
                put(t, "mac", hex(out, tl));
                json_decref(t);
            }
            json_decref(gp);
            json_decref(ge);
        }
    }

    write_json(dir, "prompt.json", prompt);
    write_json(dir, "expectedResults.json", expect);
    printf("%-20s %4d tests\n", dir + strlen(outdir) + 1, tcid - 1);
    json_decref(prompt);
    json_decref(expect);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
        return 2;
    }
    const char *outdir = argv[1];
    mkdir_p(outdir);
    snprintf(g_source, sizeof g_source,
             "generated by tests/kat/gen_kat_vectors.c (make kat-vectors) with "
             "OpenSSL %s libcrypto as the oracle; seed 0x%016llX (splitmix64, "
             "one stream per directory: seed XOR FNV-1a-64 of the directory name)",
             OpenSSL_version(OPENSSL_VERSION_STRING),
             (unsigned long long)PRNG_SEED);

    for (size_t i = 0; i < NHASHES; i++)
        gen_sha(outdir, &HASHES[i]);
    for (size_t i = 0; i < NHASHES; i++)
        gen_hmac(outdir, &HASHES[i]);
    return 0;
}
