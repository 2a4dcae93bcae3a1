/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The RSA commands of the fipsmod tool (genpkey, pkey, sign, verify,
 * encrypt, decrypt: src/tools/cmd_genpkey.c, cmd_pkey.c, cmd_sign.c,
 * cmd_oaep.c, keyfile.c) end to end, against the `openssl` command line
 * as the oracle, both ways. The built tool, build/fipsmod, runs as a child
 * process with its standard streams captured; paths are relative to the
 * repository root, the current directory under `make test`. The process
 * harness (scratch directory, child processes, checks of exit status and
 * error message) is tests/util/tu_proc.c, shared with test_tool_ec.c.
 *
 * For 2048, 3072 and 4096 bits (each key generated once per run, by
 * fipsmod and by OpenSSL):
 * - genpkey: the key passes `openssl pkey -check` and `openssl rsa -check`,
 *   is 2 primes with e = 65537, is already what `openssl pkey` writes
 *   (PKCS#8 PEM), mode 0600; its `-pubout` is OpenSSL's.
 * - pkey: an OpenSSL key in eight files (PKCS#8, PKCS#1, SPKI, PKCS#1
 *   public; PEM and DER) is read and written back byte for byte as
 *   OpenSSL writes each output form.
 * - sign/verify, all six SHA-2 digests, both keys: PKCS#1 v1.5 signatures
 *   equal OpenSSL's; each tool verifies the other's PKCS#1 v1.5 and PSS
 *   signatures (salt = digest, max, 0; OpenSSL's default); messages of 0
 *   bytes to 200 KiB (several 64 KiB read chunks).
 * - tampering: a flipped bit in the message or the signature, a short
 *   signature, another digest, padding or key: "Verification failure",
 *   exit status 1 (and OpenSSL agrees).
 * - OAEP with five digests, with and without a label, messages of 0, 32
 *   and the maximum length: each tool decrypts the other's ciphertext; a
 *   corrupted or short ciphertext, a wrong label or digest: exit status 1,
 *   a message, nothing written.
 * Once: error cases (missing, garbage, empty, truncated, encrypted,
 * inconsistent, mislabelled, non-RSA, too small and too large key files,
 * a public key to sign or decrypt, unknown digests, bad options), each
 * with its exit status and a one-line message naming the file and the
 * reason; output file modes and atomic replacement; help texts; the
 * statically linked tool; sign, verify, OAEP and pkey again on the
 * portable implementations (FIPSMOD_CPU=portable; the rest runs on the
 * CPU's best). Runtime: about 15 to 30 seconds, mostly process start-up
 * (some 1,400 runs of fipsmod and openssl) and the two 4096-bit keys.
 *
 * The scratch directory (mkdtemp under $TMPDIR) is removed at the end
 * ($FIPSMOD_TEST_KEEP=1 keeps it).
 */
#include "tu_proc.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fipsmod/keys.h>

static tu_suite suite;

/* ---- keys ------------------------------------------------------------------------------------ */

static const int sizes[] = { 2048, 3072, 4096 };
#define NSIZES (sizeof sizes / sizeof sizes[0])

struct keyset {
    bool fm_ready, os_ready;
    char fm_key[PATH_MAX]; /* fipsmod genpkey */
    char fm_pub[PATH_MAX]; /* openssl pkey -pubout of it */
    char os_key[PATH_MAX]; /* openssl genpkey (PKCS#8 PEM) */
    char os_pub[PATH_MAX]; /* openssl pkey -pubout of it */
};

static struct keyset keysets[NSIZES];

static struct keyset *keyset(int bits)
{
    for (size_t i = 0; i < NSIZES; i++)
        if (sizes[i] == bits)
            return &keysets[i];
    fail_msg("no key size %d", bits);
    return NULL;
}

static char bits_str[NSIZES][8];

static const char *bits_arg(int bits)
{
    for (size_t i = 0; i < NSIZES; i++)
        if (sizes[i] == bits)
            return bits_str[i];
    return "0";
}

/* The key fipsmod generated (and its public key by OpenSSL), made on first use. */
static struct keyset *fm_keys(int bits)
{
    struct keyset *k = keyset(bits);

    if (!k->fm_ready) {
        snprintf(k->fm_key, sizeof k->fm_key, "%s", tu_path("fm%d.pem", bits));
        snprintf(k->fm_pub, sizeof k->fm_pub, "%s", tu_path("fm%d.pub.pem", bits));
        TU_FM_OK("genpkey", "-rsa", (char *)bits_arg(bits), "-out", k->fm_key);
        TU_OSSL_OK("pkey", "-in", k->fm_key, "-pubout", "-out", k->fm_pub);
        k->fm_ready = true;
    }
    return k;
}

/* The key OpenSSL generated, made on first use. */
static struct keyset *os_keys(int bits)
{
    struct keyset *k = keyset(bits);
    char opt[40];

    if (!k->os_ready) {
        snprintf(k->os_key, sizeof k->os_key, "%s", tu_path("os%d.pem", bits));
        snprintf(k->os_pub, sizeof k->os_pub, "%s", tu_path("os%d.pub.pem", bits));
        snprintf(opt, sizeof opt, "rsa_keygen_bits:%d", bits);
        TU_OSSL_OK("genpkey", "-algorithm", "RSA", "-pkeyopt", opt, "-out", k->os_key);
        TU_OSSL_OK("pkey", "-in", k->os_key, "-pubout", "-out", k->os_pub);
        k->os_ready = true;
    }
    return k;
}

static int case_bits(void **state)
{
    const tu_case *tc = tu_proc_begin(state);

    return tc->data != NULL ? *(const int *)tc->data : 2048;
}

/* ---- digests ------------------------------------------------------------------------------- */

struct digest {
    const char *opt;  /* the option of both tools */
    const char *name; /* for -sigopt / -pkeyopt */
    size_t len;
};

static const struct digest digests[] = {
    { "-sha224", "sha224", 28 },         { "-sha256", "sha256", 32 },
    { "-sha384", "sha384", 48 },         { "-sha512", "sha512", 64 },
    { "-sha512-224", "sha512-224", 28 }, { "-sha512-256", "sha512-256", 32 },
};
#define NDIGESTS (sizeof digests / sizeof digests[0])

/* ---- genpkey ------------------------------------------------------------------------------- */

static void test_genpkey(void **state)
{
    int bits = case_bits(state);
    struct keyset *k;
    char want[64];
    size_t len;
    uint8_t *pem;
    tu_proc r;

    tu_need_openssl();
    k = fm_keys(bits);
    if (tu_file_mode(k->fm_key) != 0600)
        fail_msg("genpkey -out: mode %o, expected 600", (unsigned)tu_file_mode(k->fm_key));
    pem = tu_read_file(k->fm_key, &len);
    if (strncmp((char *)pem, "-----BEGIN PRIVATE KEY-----\n", 28) != 0 ||
        len < 26 || strcmp((char *)pem + len - 26, "-----END PRIVATE KEY-----\n") != 0)
        fail_msg("genpkey: not one PKCS#8 PEM block: %s", (char *)pem);
    free(pem);

    TU_OSSL(&r, "pkey", "-in", k->fm_key, "-check", "-noout");
    tu_expect_exit(&r, 0);
    if (strstr(r.out, "Key is valid") == NULL)
        fail_msg("openssl pkey -check: %s%s", r.out, r.err);
    tu_proc_free(&r);
    TU_OSSL(&r, "rsa", "-in", k->fm_key, "-check", "-noout");
    tu_expect_exit(&r, 0);
    if (strstr(r.out, "RSA key ok") == NULL)
        fail_msg("openssl rsa -check: %s%s", r.out, r.err);
    tu_proc_free(&r);
    TU_OSSL(&r, "pkey", "-in", k->fm_key, "-text", "-noout");
    tu_expect_exit(&r, 0);
    snprintf(want, sizeof want, "Private-Key: (%d bit, 2 primes)", bits);
    if (strstr(r.out, want) == NULL || strstr(r.out, "publicExponent: 65537 (0x10001)") == NULL)
        fail_msg("openssl pkey -text: expected \"%s\" and e = 65537: %s", want, r.out);
    tu_proc_free(&r);

    /* Already in OpenSSL's own encoding; -pubout the same as OpenSSL's. */
    TU_OSSL_OK("pkey", "-in", k->fm_key, "-out", tu_path("g.os.pem"));
    tu_expect_files_equal(tu_path("g.os.pem"), k->fm_key, "openssl pkey of the generated key");
    TU_FM_OK("pkey", "-in", k->fm_key, "-out", tu_path("g.fm.pem"));
    tu_expect_files_equal(tu_path("g.fm.pem"), k->fm_key, "fipsmod pkey of the generated key");
    TU_FM_OK("pkey", "-in", k->fm_key, "-pubout", "-out", tu_path("g.pub.pem"));
    tu_expect_files_equal(tu_path("g.pub.pem"), k->fm_pub,
                          "fipsmod pkey -pubout vs openssl pkey -pubout");

    if (bits == 2048) {
        /* To standard output; a second key differs from the first. */
        TU_FM(&r, "genpkey", "-rsa", "2048");
        tu_expect_exit(&r, 0);
        tu_write_file(tu_path("g.stdout.pem"), r.out, r.outlen);
        tu_proc_free(&r);
        TU_OSSL_OK("pkey", "-in", tu_path("g.stdout.pem"), "-check", "-noout");
        if (tu_files_equal(tu_path("g.stdout.pem"), k->fm_key))
            fail_msg("two genpkey runs gave the same key");
        /* -out over an existing 0644 file: the key file is 0600 all the same. */
        tu_write_file(tu_path("g.existing.pem"), "old\n", 4);
        assert_int_equal(chmod(tu_path("g.existing.pem"), 0644), 0);
        TU_FM_OK("genpkey", "-rsa", "2048", "-out", tu_path("g.existing.pem"));
        if (tu_file_mode(tu_path("g.existing.pem")) != 0600)
            fail_msg("genpkey -out over a 0644 file left mode %o",
                     (unsigned)tu_file_mode(tu_path("g.existing.pem")));
        TU_OSSL_OK("rsa", "-in", tu_path("g.existing.pem"), "-check", "-noout");
    }
    printf("  fipsmod genpkey -rsa %d: openssl pkey -check and rsa -check pass; PKCS#8 PEM as "
           "openssl writes it; -pubout = openssl's\n", bits);
    tu_took();
}

/* ---- pkey --------------------------------------------------------------------------------- */

static void test_pkey_forms(void **state)
{
    int bits = case_bits(state);
    struct keyset *k;
    const char *p8pem, *p1pem, *p8der, *p1der, *spkipem, *spkider, *rpubpem, *rpubder;
    tu_proc r;
    int runs = 0;

    tu_need_openssl();
    k = os_keys(bits);
    p8pem = k->os_key;
    p1pem = tu_path("f.p1.pem");
    p8der = tu_path("f.p8.der");
    p1der = tu_path("f.p1.der");
    spkipem = tu_path("f.spki.pem");
    spkider = tu_path("f.spki.der");
    rpubpem = tu_path("f.rpub.pem");
    rpubder = tu_path("f.rpub.der");
    /* Each form as OpenSSL writes it; the DER ones are the PEM ones' contents. */
    TU_OSSL_OK("pkey", "-in", p8pem, "-out", tu_path("f.p8.again.pem"));
    tu_expect_files_equal(tu_path("f.p8.again.pem"), p8pem,
                          "openssl genpkey writes what pkey writes");
    TU_OSSL_OK("pkey", "-in", p8pem, "-traditional", "-out", p1pem);
    TU_OSSL_OK("pkey", "-in", p8pem, "-pubout", "-out", spkipem);
    TU_OSSL_OK("rsa", "-in", p8pem, "-RSAPublicKey_out", "-out", rpubpem);
    TU_OSSL_OK("asn1parse", "-in", p8pem, "-out", p8der, "-noout");
    TU_OSSL_OK("asn1parse", "-in", p1pem, "-out", p1der, "-noout");
    TU_OSSL_OK("asn1parse", "-in", spkipem, "-out", spkider, "-noout");
    TU_OSSL_OK("asn1parse", "-in", rpubpem, "-out", rpubder, "-noout");
    TU_OSSL_OK("pkcs8", "-topk8", "-nocrypt", "-in", p8pem, "-outform", "DER", "-out",
               tu_path("f.p8.pkcs8.der"));
    tu_expect_files_equal(tu_path("f.p8.pkcs8.der"), p8der, "openssl pkcs8 -topk8 -outform DER");

    {
        struct {
            const char *in;
            bool priv;
        } inputs[] = {
            { p8pem, true },     { p1pem, true },     { p8der, true },    { p1der, true },
            { spkipem, false },  { spkider, false },  { rpubpem, false }, { rpubder, false },
        };

        for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
            const char *in = inputs[i].in;
            const char *out = tu_path("f.out");

            if (inputs[i].priv) {
                TU_FM_OK("pkey", "-in", in, "-out", out);
                tu_expect_files_equal(out, p8pem, in);
                TU_FM_OK("pkey", "-in", in, "-traditional", "-out", out);
                tu_expect_files_equal(out, p1pem, in);
                TU_FM_OK("pkey", "-in", in, "-outform", "DER", "-out", out);
                tu_expect_files_equal(out, p8der, in);
                TU_FM_OK("pkey", "-in", in, "-outform", "der", "-traditional", "-out", out);
                tu_expect_files_equal(out, p1der, in);
                TU_FM_OK("pkey", "-in", in, "-pubout", "-out", out);
                tu_expect_files_equal(out, spkipem, in);
                TU_FM_OK("pkey", "-in", in, "-pubout", "-outform", "DER", "-out", out);
                tu_expect_files_equal(out, spkider, in);
                runs += 6;
            } else {
                TU_FM_OK("pkey", "-in", in, "-out", out);
                tu_expect_files_equal(out, spkipem, in);
                TU_FM_OK("pkey", "-pubin", "-in", in, "-outform", "DER", "-out", out);
                tu_expect_files_equal(out, spkider, in);
                TU_FM_OK("pkey", "-in", in, "-pubout", "-traditional", "-out", out);
                tu_expect_files_equal(out, spkipem, in);
                runs += 3;
            }
        }
    }
    /* Standard input to standard output. */
    tu_fm_in(&r, p1der, "pkey", (char *)NULL);
    tu_expect_exit(&r, 0);
    tu_write_file(tu_path("f.stdout"), r.out, r.outlen);
    tu_expect_files_equal(tu_path("f.stdout"), p8pem, "pkey < PKCS#1 DER");
    tu_proc_free(&r);
    /* What `openssl pkey -outform DER` writes (PKCS#1 in OpenSSL 3.0) is one of ours. */
    TU_OSSL_OK("pkey", "-in", p8pem, "-outform", "DER", "-out", tu_path("f.os.der"));
    if (tu_files_equal(tu_path("f.os.der"), p1der))
        printf("  openssl pkey -outform DER wrote PKCS#1 = fipsmod pkey -outform DER "
               "-traditional\n");
    else if (tu_files_equal(tu_path("f.os.der"), p8der))
        printf("  openssl pkey -outform DER wrote PKCS#8 = fipsmod pkey -outform DER\n");
    else
        fail_msg("openssl pkey -outform DER wrote neither PKCS#1 nor PKCS#8 DER");
    printf("  %d-bit OpenSSL key: 8 input files x %d conversions = OpenSSL's bytes\n", bits,
           runs);
    tu_took();
}

/* ---- sign and verify ----------------------------------------------------------------------- */

/* fipsmod verify of sig over msg; ok: the expected verdict. Extra args end with NULL. */
static void fm_verify(const char *pub, const struct digest *d, const char *sig, const char *msg,
                      int ok, ...)
{
    char *argv[TU_MAX_ARGS + 2];
    size_t n = 0;
    tu_proc r;
    va_list ap;
    char *a;

    argv[n++] = (char *)tu_tool;
    argv[n++] = "verify";
    argv[n++] = "-pubkey";
    argv[n++] = (char *)pub;
    argv[n++] = (char *)d->opt;
    argv[n++] = "-sig";
    argv[n++] = (char *)sig;
    argv[n++] = "-in";
    argv[n++] = (char *)msg;
    va_start(ap, ok);
    while ((a = va_arg(ap, char *)) != NULL)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    tu_proc_argv(&r, NULL, argv);
    tu_expect_verified(&r, ok != 0);
    tu_proc_free(&r);
}

/* openssl dgst -verify; pss_salt NULL for PKCS#1 v1.5. */
static void os_verify(const char *pub, const struct digest *d, const char *sig, const char *msg,
                      const char *pss_salt, bool ok)
{
    char salt[64];
    tu_proc r;

    if (pss_salt == NULL) {
        TU_OSSL(&r, "dgst", d->opt, "-verify", pub, "-signature", sig, msg);
    } else {
        snprintf(salt, sizeof salt, "rsa_pss_saltlen:%s", pss_salt);
        TU_OSSL(&r, "dgst", d->opt, "-verify", pub, "-signature", sig, "-sigopt",
                "rsa_padding_mode:pss", "-sigopt", salt, msg);
    }
    tu_expect_verified(&r, ok);
    tu_proc_free(&r);
}

static void check_siglen(const char *sig, int bits)
{
    if (tu_file_size(sig) != (size_t)bits / 8)
        fail_msg("%s: %zu bytes, expected %d", sig, tu_file_size(sig), bits / 8);
}

static void sign_verify_one(const char *key, const char *pub, int bits, const struct digest *d,
                            const char *msg, bool extra_salts)
{
    const char *fs = tu_path("sv.fm.sig"), *os = tu_path("sv.os.sig");
    char saltmax[16];
    size_t emlen = (size_t)(bits - 1 + 7) / 8;

    snprintf(saltmax, sizeof saltmax, "%zu", emlen - d->len - 2);

    /* PKCS#1 v1.5: deterministic, so the same bytes as OpenSSL's. */
    TU_FM_OK("sign", "-key", key, d->opt, "-in", msg, "-out", fs);
    check_siglen(fs, bits);
    TU_OSSL_OK("dgst", d->opt, "-sign", key, "-out", os, msg);
    tu_expect_files_equal(fs, os, "PKCS#1 v1.5 signature vs openssl dgst -sign");
    os_verify(pub, d, fs, msg, NULL, true);
    fm_verify(pub, d, os, msg, true, NULL);
    fm_verify(key, d, os, msg, true, NULL); /* a private key file works too */

    /* PSS, salt = digest length (the default to sign). */
    TU_FM_OK("sign", "-key", key, d->opt, "-pss", "-in", msg, "-out", fs);
    check_siglen(fs, bits);
    os_verify(pub, d, fs, msg, "digest", true);
    fm_verify(pub, d, fs, msg, true, "-pss", NULL);
    fm_verify(pub, d, fs, msg, true, "-pss", "-saltlen", "digest", NULL);
    fm_verify(pub, d, fs, msg, false, "-pss", "-saltlen", "max", NULL);
    TU_OSSL_OK("dgst", d->opt, "-sign", key, "-sigopt", "rsa_padding_mode:pss", "-sigopt",
               "rsa_pss_saltlen:digest", "-out", os, msg);
    fm_verify(pub, d, os, msg, true, "-pss", "-saltlen", "digest", NULL);
    fm_verify(pub, d, os, msg, false, NULL); /* a PSS signature is not PKCS#1 v1.5 */

    /* OpenSSL's default PSS salt (the largest, in 3.0): fipsmod's default "auto" takes it. */
    TU_OSSL_OK("dgst", d->opt, "-sign", key, "-sigopt", "rsa_padding_mode:pss", "-out", os, msg);
    fm_verify(pub, d, os, msg, true, "-pss", NULL);
    if (!extra_salts)
        return;
    fm_verify(pub, d, os, msg, true, "-pss", "-saltlen", "auto", NULL);
    fm_verify(pub, d, os, msg, true, "-pss", "-saltlen", "max", NULL);
    fm_verify(pub, d, os, msg, true, "-pss", "-saltlen", saltmax, NULL);
    fm_verify(pub, d, os, msg, false, "-pss", "-saltlen", "digest", NULL);

    /* fipsmod -saltlen max and 0. */
    TU_FM_OK("sign", "-key", key, d->opt, "-pss", "-saltlen", "max", "-in", msg, "-out", fs);
    os_verify(pub, d, fs, msg, "max", true);
    os_verify(pub, d, fs, msg, "digest", false);
    TU_FM_OK("sign", "-key", key, d->opt, "-pss", "-saltlen", "0", "-in", msg, "-out", fs);
    os_verify(pub, d, fs, msg, "0", true);
    fm_verify(pub, d, fs, msg, true, "-pss", "-saltlen", "0", NULL);
    fm_verify(pub, d, fs, msg, true, "-pss", NULL);
}

static void test_sign_verify(void **state)
{
    int bits = case_bits(state);
    const tu_case *tc = *state;
    struct keyset *fk, *ok;
    tu_rng rng;

    tu_need_openssl();
    fk = fm_keys(bits);
    ok = os_keys(bits);
    tu_rng_init_named(&rng, tc->name);
    for (size_t i = 0; i < NDIGESTS; i++) {
        const struct digest *d = &digests[i];
        /* 0 bytes, a few, and 200 KiB + 1 (four 64 KiB reads and a bit). */
        size_t len = i == 0 ? 0 : i == 1 ? 200 * 1024 + 1 : 1 + tu_rng_below(&rng, 5000);
        const char *msg = tu_path("sv.msg");

        tu_random_file(msg, &rng, len);
        sign_verify_one(fk->fm_key, fk->fm_pub, bits, d, msg, i % 3 == 0);
        sign_verify_one(ok->os_key, ok->os_pub, bits, d, msg, i % 3 == 1);
    }
    printf("  %d bits, 6 digests x (fipsmod key, OpenSSL key): PKCS#1 v1.5 = openssl dgst "
           "-sign; PSS both ways\n", bits);
    tu_took();
}

static void test_verify_failures(void **state)
{
    int bits = case_bits(state);
    const tu_case *tc = *state;
    struct keyset *fk, *ok;
    const struct digest *d = &digests[(size_t)(bits / 1024) % NDIGESTS];
    const struct digest *other = &digests[((size_t)(bits / 1024) + 1) % NDIGESTS];
    const char *msg = tu_path("vf.msg"), *msg2 = tu_path("vf.msg2"), *sig = tu_path("vf.sig"),
               *sig2 = tu_path("vf.sig2");
    const char *pad[2][3] = { { NULL }, { "-pss", NULL } };
    tu_proc r;
    tu_rng rng;

    tu_need_openssl();
    fk = fm_keys(bits);
    ok = os_keys(bits);
    tu_rng_init_named(&rng, tc->name);
    tu_random_file(msg, &rng, 3000);
    for (int p = 0; p < 2; p++) {
        const char *pss = pad[p][0];

        if (pss != NULL)
            TU_FM_OK("sign", "-key", fk->fm_key, d->opt, pss, "-in", msg, "-out", sig);
        else
            TU_FM_OK("sign", "-key", fk->fm_key, d->opt, "-in", msg, "-out", sig);
        fm_verify(fk->fm_pub, d, sig, msg, true, pss, NULL);
        /* A flipped bit in the message, first and last byte. */
        tu_flip_copy(msg, msg2, 0);
        fm_verify(fk->fm_pub, d, sig, msg2, false, pss, NULL);
        os_verify(fk->fm_pub, d, sig, msg2, pss != NULL ? "auto" : NULL, false);
        tu_flip_copy(msg, msg2, -1);
        fm_verify(fk->fm_pub, d, sig, msg2, false, pss, NULL);
        /* A flipped bit in the signature: first, middle, last byte. */
        tu_flip_copy(sig, sig2, 0);
        fm_verify(fk->fm_pub, d, sig2, msg, false, pss, NULL);
        tu_flip_copy(sig, sig2, bits / 16);
        fm_verify(fk->fm_pub, d, sig2, msg, false, pss, NULL);
        os_verify(fk->fm_pub, d, sig2, msg, pss != NULL ? "auto" : NULL, false);
        tu_flip_copy(sig, sig2, -1);
        fm_verify(fk->fm_pub, d, sig2, msg, false, pss, NULL);
        /* Another digest, the other key. */
        fm_verify(fk->fm_pub, other, sig, msg, false, pss, NULL);
        fm_verify(ok->os_pub, d, sig, msg, false, pss, NULL);
        /* A signature one byte short, one byte long, empty: failure, with a reason. */
        tu_truncate_copy(sig, sig2, -1);
        TU_FM(&r, "verify", "-pubkey", fk->fm_pub, d->opt, "-sig", sig2, "-in", msg, pss);
        tu_expect_verified(&r, false);
        if (strstr(r.err, "signature is") == NULL)
            fail_msg("a short signature: no reason given: %s", r.err);
        tu_proc_free(&r);
        {
            size_t n;
            uint8_t *p = tu_read_file(sig, &n);

            p[n] = 0;
            tu_write_file(sig2, p, n + 1);
            free(p);
        }
        fm_verify(fk->fm_pub, d, sig2, msg, false, pss, NULL);
        tu_write_file(sig2, "", 0);
        fm_verify(fk->fm_pub, d, sig2, msg, false, pss, NULL);
    }
    /* Standard input as the message. */
    TU_FM_OK("sign", "-key", ok->os_key, d->opt, "-in", msg, "-out", sig);
    tu_fm_in(&r, msg, "verify", "-pubkey", ok->os_pub, d->opt, "-sig", sig, (char *)NULL);
    tu_expect_verified(&r, true);
    tu_proc_free(&r);
    tu_fm_in(&r, msg2, "verify", "-pubkey", ok->os_pub, d->opt, "-sig", sig, (char *)NULL);
    tu_expect_verified(&r, false);
    tu_proc_free(&r);
    printf("  %d bits, %s: altered message or signature, wrong length, digest or key: "
           "\"Verification failure\", exit status 1\n", bits, d->opt + 1);
    tu_took();
}

/* ---- OAEP ---------------------------------------------------------------------------------- */

static void os_oaep(tu_proc *r, bool enc, const char *key, const struct digest *d,
                    const char *label, const char *in, const char *out)
{
    char md[40], mgf[40], lab[160];

    snprintf(md, sizeof md, "rsa_oaep_md:%s", d->name);
    snprintf(mgf, sizeof mgf, "rsa_mgf1_md:%s", d->name);
    snprintf(lab, sizeof lab, "rsa_oaep_label:%s", label != NULL ? label : "");
    if (enc)
        TU_OSSL(r, "pkeyutl", "-encrypt", "-pubin", "-inkey", key, "-in", in, "-out", out,
                "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", md, "-pkeyopt", mgf,
                label != NULL ? "-pkeyopt" : NULL, lab);
    else
        TU_OSSL(r, "pkeyutl", "-decrypt", "-inkey", key, "-in", in, "-out", out, "-pkeyopt",
                "rsa_padding_mode:oaep", "-pkeyopt", md, "-pkeyopt", mgf,
                label != NULL ? "-pkeyopt" : NULL, lab);
}

static void fm_oaep(tu_proc *r, bool enc, const char *key, const struct digest *d,
                    const char *label, const char *in, const char *out)
{
    TU_FM(r, enc ? "encrypt" : "decrypt", enc ? "-pubkey" : "-key", key, "-oaep", d->opt, "-in", in,
          "-out", out, label != NULL ? "-label" : NULL, label);
}

static void test_oaep(void **state)
{
    static const size_t which[] = { 1, 3, 0, 5, 2 }; /* sha256, sha512, sha224, ... */
    int bits = case_bits(state);
    const tu_case *tc = *state;
    const char *pt = tu_path("o.pt"), *ct = tu_path("o.ct"), *back = tu_path("o.back"),
               *bad = tu_path("o.bad");
    struct keyset *fk, *ok;
    tu_proc r;
    tu_rng rng;

    tu_need_openssl();
    fk = fm_keys(bits);
    ok = os_keys(bits);
    tu_rng_init_named(&rng, tc->name);
    for (size_t w = 0; w < sizeof which / sizeof which[0]; w++) {
        const struct digest *d = &digests[which[w]];
        const char *label = w % 2 == 0 ? NULL : w == 1 ? "6c6162656c" : "00ff00ff8899";
        struct keyset *ks = w % 2 == 0 ? fk : ok;
        size_t max = (size_t)bits / 8 - 2 * d->len - 2;
        size_t lens[] = { 0, 32, max };

        for (size_t li = 0; li < 3; li++) {
            tu_random_file(pt, &rng, lens[li]);
            /* fipsmod -> openssl */
            fm_oaep(&r, true, ks == fk ? fk->fm_pub : ok->os_key, d, label, pt, ct);
            tu_expect_exit(&r, 0);
            tu_proc_free(&r);
            check_siglen(ct, bits);
            os_oaep(&r, false, ks == fk ? fk->fm_key : ok->os_key, d, label, ct, back);
            tu_expect_exit(&r, 0);
            tu_proc_free(&r);
            tu_expect_files_equal(back, pt, "openssl pkeyutl -decrypt of fipsmod encrypt");
            /* openssl -> fipsmod */
            os_oaep(&r, true, ks == fk ? fk->fm_pub : ok->os_pub, d, label, pt, ct);
            tu_expect_exit(&r, 0);
            tu_proc_free(&r);
            fm_oaep(&r, false, ks == fk ? fk->fm_key : ok->os_key, d, label, ct, back);
            tu_expect_exit(&r, 0);
            tu_proc_free(&r);
            tu_expect_files_equal(back, pt, "fipsmod decrypt of openssl pkeyutl -encrypt");
            if (tu_file_mode(back) != 0600)
                fail_msg("decrypt -out: mode %o, expected 600", (unsigned)tu_file_mode(back));
        }
        /* One byte too many for the key. */
        tu_random_file(pt, &rng, max + 1);
        fm_oaep(&r, true, fk->fm_pub, d, label, pt, tu_path("o.never"));
        tu_expect_error(&r, 1, pt, "too large", NULL);
        tu_proc_free(&r);
        assert_false(tu_exists(tu_path("o.never")));

        /* Decryption failures: nothing written, exit status 1, one message. */
        tu_random_file(pt, &rng, 16);
        fm_oaep(&r, true, ks == fk ? fk->fm_pub : ok->os_pub, d, label, pt, ct);
        tu_expect_exit(&r, 0);
        tu_proc_free(&r);
        {
            const char *key = ks == fk ? fk->fm_key : ok->os_key;
            const struct digest *other = &digests[(which[w] + 1) % NDIGESTS];

            tu_flip_copy(ct, bad, 0);
            fm_oaep(&r, false, key, d, label, bad, tu_path("o.never"));
            tu_expect_error(&r, 1, bad, "decryption failed", "FM_ERR_DECRYPT", NULL);
            tu_proc_free(&r);
            tu_flip_copy(ct, bad, -1);
            fm_oaep(&r, false, key, d, label, bad, tu_path("o.never"));
            tu_expect_error(&r, 1, "decryption failed", NULL);
            tu_proc_free(&r);
            fm_oaep(&r, false, key, d, label != NULL ? NULL : "01", ct, tu_path("o.never"));
            tu_expect_error(&r, 1, "decryption failed", NULL);
            tu_proc_free(&r);
            fm_oaep(&r, false, key, other, label, ct, tu_path("o.never"));
            tu_expect_error(&r, 1, "decryption failed", NULL);
            tu_proc_free(&r);
            fm_oaep(&r, false, ks == fk ? ok->os_key : fk->fm_key, d, label, ct,
                    tu_path("o.never"));
            tu_expect_error(&r, 1, "decryption failed", NULL);
            tu_proc_free(&r);
            tu_truncate_copy(ct, bad, -1);
            fm_oaep(&r, false, key, d, label, bad, tu_path("o.never"));
            tu_expect_error(&r, 1, bad, "ciphertext is", NULL);
            tu_proc_free(&r);
            assert_false(tu_exists(tu_path("o.never")));
            /* To standard output: nothing on it either (expect_error checks). */
            tu_flip_copy(ct, bad, 1);
            TU_FM(&r, "decrypt", "-key", key, "-oaep", d->opt, "-in", bad,
                  label != NULL ? "-label" : NULL, label);
            tu_expect_error(&r, 1, "decryption failed", NULL);
            tu_proc_free(&r);
            /* The good one still decrypts, from standard input to standard output. */
            tu_fm_in(&r, ct, "decrypt", "-key", key, "-oaep", d->opt,
                     label != NULL ? "-label" : NULL, label, (char *)NULL);
            tu_expect_exit(&r, 0);
            tu_write_file(back, r.out, r.outlen);
            tu_proc_free(&r);
            tu_expect_files_equal(back, pt, "decrypt from standard input");
        }
    }
    printf("  %d bits: OAEP with 5 digests, with and without label, 0/32/max bytes, both "
           "ways; altered, short, wrong label/digest/key: exit 1, nothing written\n", bits);
    tu_took();
}

/* ---- errors ---------------------------------------------------------------------------------- */

/* A PKCS#1 DER key whose d has its last bit flipped: well formed, inconsistent. */
static void make_inconsistent_key(const char *p1der, const char *out)
{
    fm_rsa_components c;
    size_t n;
    uint8_t *der = tu_read_file(p1der, &n);
    int form;

    assert_int_equal(fm_rsa_der_parse(&c, &form, der, n), FM_OK);
    assert_int_equal(form, FM_KEY_FORM_PKCS1_PRIVATE);
    der[(size_t)(c.d - der) + c.d_len - 1] ^= 0x02;
    tu_write_file(out, der, n);
    free(der);
}

static void test_errors(void **state)
{
    struct keyset *k;
    const char *key, *pub, *msg = tu_path("e.msg"), *sig = tu_path("e.sig");
    const char *garbage = tu_path("e.garbage"), *garbage_der = tu_path("e.garbage.der");
    const char *empty = tu_path("e.empty"), *missing = tu_path("e.missing.pem");
    const char *encpem = tu_path("e.enc.pem"), *encder = tu_path("e.enc.der"),
               *legacy = tu_path("e.legacy.pem");
    const char *trpem = tu_path("e.trunc.pem"), *trder = tu_path("e.trunc.der"),
               *p1der = tu_path("e.p1.der");
    const char *bad = tu_path("e.inconsistent.der"), *mislabel = tu_path("e.mislabel.pem");
    const char *psskey = tu_path("e.pss.pem"), *eckey = tu_path("e.ec.pem"),
               *small = tu_path("e.small.pem");
    const char *huge = tu_path("e.huge.pem"), *cert = tu_path("e.cert.pem");
    tu_proc r;
    tu_rng rng;

    (void)case_bits(state);
    tu_need_openssl();
    k = os_keys(2048);
    key = k->os_key;
    pub = k->os_pub;
    tu_rng_init_named(&rng, "errors");
    tu_random_file(msg, &rng, 100);
    TU_FM_OK("sign", "-key", key, "-sha256", "-in", msg, "-out", sig);

    /* Files that are not keys. */
    tu_write_file(garbage, "this is not a key\n", 18);
    tu_write_file(garbage_der, "\x30\x03\x02\x01", 4);
    tu_write_file(empty, "", 0);
    TU_FM(&r, "sign", "-key", missing, "-sha256", "-in", msg);
    tu_expect_error(&r, 1, missing, "No such file", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "pkey", "-in", garbage);
    tu_expect_error(&r, 1, garbage, "not a key file", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "verify", "-pubkey", garbage_der, "-sha256", "-sig", sig, "-in", msg);
    tu_expect_error(&r, 1, garbage_der, "FM_ERR_DECODE", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "pkey", "-in", empty);
    tu_expect_error(&r, 1, empty, "empty", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "pkey", "-in", tu_scratch());
    tu_expect_error(&r, 1, tu_scratch(), "directory", NULL);
    tu_proc_free(&r);
    /* More than the 256 KiB cap, refused before reading it. */
    {
        size_t n = 300 * 1024;
        char *p = malloc(n);

        assert_non_null(p);
        memset(p, 'A', n);
        tu_write_file(huge, p, n);
        free(p);
    }
    TU_FM(&r, "pkey", "-in", huge);
    tu_expect_error(&r, 1, huge, "too large", NULL);
    tu_proc_free(&r);
    tu_fm_in(&r, huge, "pkey", (char *)NULL);
    tu_expect_error(&r, 1, "standard input", "too large", NULL);
    tu_proc_free(&r);

    /* Encrypted keys: not supported (exit status 3), with the way out. */
    TU_OSSL_OK("pkcs8", "-topk8", "-in", key, "-v2", "aes-256-cbc", "-passout", "pass:pw", "-out",
               encpem);
    TU_OSSL_OK("pkcs8", "-topk8", "-in", key, "-v2", "aes-256-cbc", "-passout", "pass:pw",
               "-outform", "DER", "-out", encder);
    TU_OSSL_OK("rsa", "-in", key, "-aes256", "-passout", "pass:pw", "-traditional", "-out", legacy);
    TU_FM(&r, "sign", "-key", encpem, "-sha256", "-in", msg);
    tu_expect_error(&r, 3, encpem, "encrypted PKCS#8", "not supported", "openssl pkey", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "pkey", "-in", encder);
    tu_expect_error(&r, 3, encder, "encrypted PKCS#8", "not supported", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "decrypt", "-key", legacy, "-oaep", "-sha256", "-in", sig);
    tu_expect_error(&r, 3, legacy, "encrypted", "not supported", NULL);
    tu_proc_free(&r);

    /* Truncated keys, PEM and DER. */
    TU_OSSL_OK("pkey", "-in", key, "-traditional", "-out", tu_path("e.p1.pem"));
    TU_OSSL_OK("asn1parse", "-in", tu_path("e.p1.pem"), "-out", p1der, "-noout");
    tu_truncate_copy(key, trpem, (long)tu_file_size(key) / 2);
    tu_truncate_copy(p1der, trder, -10);
    TU_FM(&r, "sign", "-key", trpem, "-sha256", "-in", msg);
    tu_expect_error(&r, 1, trpem, "PEM", "FM_ERR_DECODE", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "pkey", "-in", trder);
    tu_expect_error(&r, 1, trder, "FM_ERR_DECODE", NULL);
    tu_proc_free(&r);
    /* The PEM without its END line. */
    {
        size_t n;
        uint8_t *p = tu_read_file(key, &n);
        char *end = strstr((char *)p, "-----END");

        assert_non_null(end);
        tu_write_file(trpem, p, (size_t)(end - (char *)p));
        free(p);
    }
    TU_FM(&r, "pkey", "-in", trpem);
    tu_expect_error(&r, 1, trpem, "FM_ERR_DECODE", NULL);
    tu_proc_free(&r);

    /* Well formed, but the module's import refuses it. */
    make_inconsistent_key(p1der, bad);
    TU_FM(&r, "sign", "-key", bad, "-sha256", "-in", msg);
    tu_expect_error(&r, 1, bad, "fm_rsa_key_import", "FM_ERR_KEY", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "pkey", "-in", bad, "-pubout");
    tu_expect_error(&r, 1, bad, "FM_ERR_KEY", NULL);
    tu_proc_free(&r);
    TU_OSSL_OK("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:512", "-out", small);
    TU_FM(&r, "pkey", "-in", small);
    tu_expect_error(&r, 3, small, "512-bit", "FM_ERR_LENGTH", NULL);
    tu_proc_free(&r);

    /* A label that does not match the contents. */
    {
        size_t n;
        char *p = (char *)tu_read_file(key, &n);
        char *body = strchr(p, '\n') + 1;
        char *end = strstr(p, "-----END");
        FILE *f = fopen(mislabel, "w");

        assert_non_null(f);
        fprintf(f, "-----BEGIN RSA PRIVATE KEY-----\n%.*s-----END RSA PRIVATE KEY-----\n",
                (int)(end - body), body);
        fclose(f);
        free(p);
    }
    TU_FM(&r, "pkey", "-in", mislabel);
    tu_expect_error(&r, 1, mislabel, "RSA PRIVATE KEY", "PKCS#8", NULL);
    tu_proc_free(&r);

    /* Not RSA, or RSA restricted to PSS. */
    TU_OSSL_OK("genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
               psskey);
    TU_OSSL_OK("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", eckey);
    TU_OSSL_OK("req", "-new", "-x509", "-key", key, "-subj", "/CN=t", "-days", "1", "-out", cert);
    TU_FM(&r, "sign", "-key", psskey, "-sha256", "-pss", "-in", msg);
    tu_expect_error(&r, 3, psskey, "RSASSA-PSS", "not supported", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "encrypt", "-pubkey", eckey, "-oaep", "-sha256", "-in", msg);
    tu_expect_error(&r, 3, eckey, "EC key", "RSA keys only", "not supported", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "verify", "-pubkey", cert, "-sha256", "-sig", sig, "-in", msg);
    tu_expect_error(&r, 1, cert, "CERTIFICATE", NULL);
    tu_proc_free(&r);

    /* The wrong kind of key for the operation. */
    TU_FM(&r, "sign", "-key", pub, "-sha256", "-in", msg);
    tu_expect_error(&r, 1, pub, "public key", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "decrypt", "-key", pub, "-oaep", "-sha256", "-in", sig);
    tu_expect_error(&r, 1, pub, "public key", NULL);
    tu_proc_free(&r);

    /* Missing inputs. */
    TU_FM(&r, "sign", "-key", key, "-sha256", "-in", missing);
    tu_expect_error(&r, 1, missing, "No such file", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "verify", "-pubkey", pub, "-sha256", "-sig", missing, "-in", msg);
    tu_expect_error(&r, 1, missing, "No such file", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "sign", "-key", key, "-sha256", "-in", msg, "-out", tu_path("no/such/dir/sig"));
    tu_expect_error(&r, 1, "no/such/dir/sig", NULL);
    tu_proc_free(&r);

    /* Digests and options (usage errors: exit status 2). */
    {
        static const char *const wrong[] = { "-sha1", "-md5", "-sha3-256", "-shake256" };

        for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
            TU_FM(&r, "sign", "-key", key, (char *)wrong[i], "-in", msg);
            tu_expect_error(&r, 2, wrong[i], "unsupported digest", "-sha256", NULL);
            tu_proc_free(&r);
        }
    }
    TU_FM(&r, "verify", "-pubkey", pub, "-sha1", "-sig", sig, "-in", msg);
    tu_expect_error(&r, 2, "unsupported digest", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "encrypt", "-pubkey", pub, "-oaep", "-md5", "-in", msg);
    tu_expect_error(&r, 2, "unsupported digest", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "sign", "-key", key, "-in", msg);
    tu_expect_error(&r, 2, "no digest", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "sign", "-key", key, "-sha256", "-sha384", "-in", msg);
    tu_expect_error(&r, 2, "more than one digest", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "sign", "-key", key, "-sha256", "-saltlen", "digest", "-in", msg);
    tu_expect_error(&r, 2, "-pss", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "sign", "-key", key, "-sha256", "-pss", "-saltlen", "auto", "-in", msg);
    tu_expect_error(&r, 2, "auto", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "sign", "-key", key, "-sha256", "-pss", "-saltlen", "223", "-in", msg);
    tu_expect_error(&r, 2, "too long", "at most 222", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "sign", "-key", key, "-sha256", "-pss", "-saltlen", "-5", "-in", msg);
    tu_expect_error(&r, 2, "-saltlen", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "verify", "-pubkey", pub, "-sha256", "-in", msg);
    tu_expect_error(&r, 2, "-sig", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "verify", "-key", key, "-sha256", "-sig", sig, "-in", msg);
    tu_expect_error(&r, 2, "-pubkey", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "sign", "-sha256", "-in", msg);
    tu_expect_error(&r, 2, "-key", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "sign", "-key", key, "-sha256", msg);
    tu_expect_error(&r, 2, "unexpected argument", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "sign", "-key");
    tu_expect_error(&r, 2, "needs a value", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "encrypt", "-pubkey", pub, "-sha256", "-in", msg);
    tu_expect_error(&r, 2, "-oaep", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "encrypt", "-pubkey", pub, "-oaep", "-in", msg);
    tu_expect_error(&r, 2, "no digest", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "encrypt", "-pubkey", pub, "-oaep", "-sha256", "-label", "xyz", "-in", msg);
    tu_expect_error(&r, 2, "-label", "hex", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "encrypt", "-pubkey", pub, "-pkcs", "-sha256", "-in", msg);
    tu_expect_error(&r, 2, "PKCS#1 v1.5", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "genpkey", "-rsa", "1024");
    tu_expect_error(&r, 2, "2048, 3072 or 4096", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "genpkey", "-rsa", "2048x");
    tu_expect_error(&r, 2, "2048x", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "genpkey");
    tu_expect_error(&r, 2, "-rsa", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "pkey", "-in", key, "-outform", "XML");
    tu_expect_error(&r, 2, "XML", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "pkey", "-in", key, "-in", key);
    tu_expect_error(&r, 2, "more than once", NULL);
    tu_proc_free(&r);
    printf("  missing/garbage/empty/huge/truncated/encrypted/inconsistent/mislabelled/non-RSA "
           "keys, wrong key kind, bad digests and options: the right status, one clear line\n");
    tu_took();
}

/* ---- files and modes ------------------------------------------------------------------------ */

static void expect_no_temp_files(void)
{
    DIR *d = opendir(tu_scratch());
    struct dirent *e;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, ".fipsmod-", 9) == 0) {
            char name[256];

            snprintf(name, sizeof name, "%s", e->d_name);
            closedir(d);
            fail_msg("temporary file %s left behind", name);
        }
    closedir(d);
}

static void test_files(void **state)
{
    struct keyset *k;
    const char *msg = tu_path("m.msg"), *out = tu_path("m.out"), *link = tu_path("m.link");
    tu_proc r;
    tu_rng rng;

    (void)case_bits(state);
    tu_need_openssl();
    k = os_keys(2048);
    tu_rng_init_named(&rng, "files");
    tu_random_file(msg, &rng, 1000);

    /* New files: private keys and plaintext 0600, the rest 0666 - umask (022 here). */
    unlink(out);
    TU_FM_OK("pkey", "-in", k->os_key, "-out", out);
    assert_int_equal(tu_file_mode(out), 0600);
    unlink(out);
    TU_FM_OK("pkey", "-in", k->os_key, "-traditional", "-outform", "DER", "-out", out);
    assert_int_equal(tu_file_mode(out), 0600);
    unlink(out);
    TU_FM_OK("pkey", "-in", k->os_key, "-pubout", "-out", out);
    assert_int_equal(tu_file_mode(out), 0644);
    unlink(out);
    TU_FM_OK("sign", "-key", k->os_key, "-sha256", "-in", msg, "-out", out);
    assert_int_equal(tu_file_mode(out), 0644);
    /* Replacing: a signature keeps the old mode, a private key becomes 0600. */
    assert_int_equal(chmod(out, 0640), 0);
    TU_FM_OK("sign", "-key", k->os_key, "-sha256", "-in", msg, "-out", out);
    assert_int_equal(tu_file_mode(out), 0640);
    assert_int_equal(chmod(out, 0664), 0);
    TU_FM_OK("pkey", "-in", k->os_key, "-out", out);
    assert_int_equal(tu_file_mode(out), 0600);
    tu_expect_files_equal(out, k->os_key, "pkey -out over an existing file");

    /* Through a symbolic link: the target is replaced, the link stays. */
    unlink(link);
    assert_int_equal(symlink("m.out", link), 0);
    TU_FM_OK("pkey", "-in", k->os_key, "-pubout", "-out", link);
    {
        struct stat st;

        assert_int_equal(lstat(link, &st), 0);
        assert_true(S_ISLNK(st.st_mode));
    }
    tu_expect_files_equal(out, k->os_pub, "pkey -out through a symbolic link");

    /* In place: the input and the output are the same file. */
    tu_copy_file(k->os_key, tu_path("m.inplace"));
    TU_FM_OK("pkey", "-in", tu_path("m.inplace"), "-traditional", "-out", tu_path("m.inplace"));
    TU_OSSL_OK("pkey", "-in", k->os_key, "-traditional", "-out", tu_path("m.inplace.want"));
    tu_expect_files_equal(tu_path("m.inplace"), tu_path("m.inplace.want"), "pkey in place");

    /* A failed run leaves an existing output as it was. */
    tu_write_file(out, "keep\n", 5);
    TU_FM(&r, "pkey", "-in", tu_path("e.nothing"), "-out", out);
    tu_expect_exit(&r, 1);
    tu_proc_free(&r);
    tu_expect_files_equal(out, tu_path("m.keep"), "untouched output");
    /* A device is written in place. */
    TU_FM_OK("pkey", "-in", k->os_key, "-out", "/dev/null");
    {
        struct stat st;

        assert_int_equal(stat("/dev/null", &st), 0);
        assert_true(S_ISCHR(st.st_mode));
    }
    expect_no_temp_files();
    printf("  modes: private keys and plaintext 0600, others 0644 (umask 022) or kept; links, "
           "in place, devices; no temporary files left\n");
    tu_took();
}

/* ---- help, the static tool ------------------------------------------------------------------- */

static void test_help(void **state)
{
    static const char *const cmds[] = { "genpkey", "pkey", "sign", "verify", "encrypt",
                                        "decrypt" };
    tu_proc r;

    (void)case_bits(state);
    TU_FM(&r, "help");
    tu_expect_exit(&r, 0);
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        char line[32];

        snprintf(line, sizeof line, "\n  %-10s ", cmds[i]);
        if (strstr(r.out, line) == NULL)
            fail_msg("`fipsmod help` does not list %s: %s", cmds[i], r.out);
    }
    tu_proc_free(&r);
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        char want[40];

        snprintf(want, sizeof want, "usage: fipsmod %s ", cmds[i]);
        TU_FM(&r, "help", (char *)cmds[i]);
        tu_expect_exit(&r, 0);
        if (strncmp(r.out, want, strlen(want)) != 0 || strstr(r.out, "Exit status") == NULL ||
            strstr(r.out, "Examples:") == NULL)
            fail_msg("fipsmod help %s: %s", cmds[i], r.out);
        tu_proc_free(&r);
        TU_FM(&r, (char *)cmds[i], "--help");
        tu_expect_exit(&r, 0);
        if (strncmp(r.out, want, strlen(want)) != 0)
            fail_msg("fipsmod %s --help: %s", cmds[i], r.out);
        tu_proc_free(&r);
    }
    printf("  help lists the six RSA commands; each has usage, exit status and examples\n");
    tu_took();
}

static void test_static_tool(void **state)
{
    struct keyset *k;
    const char *msg = tu_path("s.msg"), *sig = tu_path("s.sig"), *os = tu_path("s.os.sig");
    tu_proc r;
    tu_rng rng;

    (void)case_bits(state);
    tu_need_openssl();
    if (access(TU_TOOL_STATIC, X_OK) != 0) {
        printf("SKIP: %s not built\n", TU_TOOL_STATIC);
        skip();
    }
    k = os_keys(2048);
    tu_tool = TU_TOOL_STATIC;
    tu_rng_init_named(&rng, "static");
    tu_random_file(msg, &rng, 5000);
    TU_FM_OK("sign", "-key", k->os_key, "-sha384", "-in", msg, "-out", sig);
    TU_OSSL_OK("dgst", "-sha384", "-sign", k->os_key, "-out", os, msg);
    tu_expect_files_equal(sig, os, "fipsmod-static sign");
    TU_FM_OK("sign", "-key", k->os_key, "-sha384", "-pss", "-in", msg, "-out", sig);
    os_verify(k->os_pub, &digests[2], sig, msg, "digest", true);
    TU_FM(&r, "verify", "-pubkey", k->os_pub, "-sha384", "-sig", os, "-in", msg);
    tu_expect_verified(&r, true);
    tu_proc_free(&r);
    TU_FM_OK("pkey", "-in", k->os_key, "-pubout", "-out", tu_path("s.pub"));
    tu_expect_files_equal(tu_path("s.pub"), k->os_pub, "fipsmod-static pkey -pubout");
    tu_tool = TU_TOOL_SHARED;
    printf("  fipsmod-static: sign, verify and pkey as OpenSSL\n");
    tu_took();
}

/*
 * The same operations on the portable implementations (FIPSMOD_CPU=portable:
 * portable bignum, SHA-2 and AES code), the other tests having run on
 * the CPU's best.
 */
static void test_portable(void **state)
{
    const char *msg = tu_path("p.msg"), *sig = tu_path("p.sig"), *os = tu_path("p.os.sig");
    const char *pt = tu_path("p.pt"), *ct = tu_path("p.ct"), *back = tu_path("p.back");
    tu_proc r;
    tu_rng rng;

    (void)case_bits(state);
    tu_need_openssl();
    tu_rng_init_named(&rng, "portable");
    tu_random_file(msg, &rng, 70000);
    tu_random_file(pt, &rng, 32);
    for (size_t i = 0; i < NSIZES; i++) {
        struct keyset *k = os_keys(sizes[i]);
        const struct digest *d = &digests[(i * 2 + 1) % NDIGESTS];

        tu_cpu_env = "portable";
        TU_FM(&r, "status");
        if (strstr(r.out, "impl-rsa: portable") == NULL)
            fail_msg("FIPSMOD_CPU=portable: the tool does not run portable RSA: %s", r.out);
        tu_proc_free(&r);
        TU_FM_OK("sign", "-key", k->os_key, d->opt, "-in", msg, "-out", sig);
        TU_OSSL_OK("dgst", d->opt, "-sign", k->os_key, "-out", os, msg);
        tu_expect_files_equal(sig, os, "portable PKCS#1 v1.5 signature");
        TU_FM_OK("sign", "-key", k->os_key, d->opt, "-pss", "-in", msg, "-out", sig);
        os_verify(k->os_pub, d, sig, msg, "digest", true);
        fm_verify(k->os_pub, d, sig, msg, true, "-pss", NULL);
        fm_verify(k->os_pub, d, os, msg, true, NULL);
        fm_oaep(&r, true, k->os_pub, d, "abcd", pt, ct);
        tu_expect_exit(&r, 0);
        tu_proc_free(&r);
        os_oaep(&r, false, k->os_key, d, "abcd", ct, back);
        tu_expect_exit(&r, 0);
        tu_proc_free(&r);
        tu_expect_files_equal(back, pt, "portable OAEP encryption");
        os_oaep(&r, true, k->os_pub, d, NULL, pt, ct);
        tu_expect_exit(&r, 0);
        tu_proc_free(&r);
        fm_oaep(&r, false, k->os_key, d, NULL, ct, back);
        tu_expect_exit(&r, 0);
        tu_proc_free(&r);
        tu_expect_files_equal(back, pt, "portable OAEP decryption");
        TU_FM_OK("pkey", "-in", k->os_key, "-traditional", "-out", tu_path("p.p1.pem"));
        TU_OSSL_OK("pkey", "-in", k->os_key, "-traditional", "-out", tu_path("p.p1.want"));
        tu_expect_files_equal(tu_path("p.p1.pem"), tu_path("p.p1.want"),
                              "portable pkey -traditional");
        tu_cpu_env = NULL;
    }
    tu_cpu_env = "portable";
    TU_FM_OK("genpkey", "-rsa", "2048", "-out", tu_path("p.gen.pem"));
    tu_cpu_env = NULL;
    TU_OSSL_OK("pkey", "-in", tu_path("p.gen.pem"), "-check", "-noout");
    printf("  FIPSMOD_CPU=portable: sign (= OpenSSL), PSS, verify, OAEP both ways, pkey at "
           "2048/3072/4096 bits; genpkey 2048\n");
    tu_took();
}

/* ---- set-up ------------------------------------------------------------------------------------ */

static void setup(void)
{
    tu_proc_init("test_tool_rsa", "rsa");
    umask(022); /* the modes tested assume it */
    for (size_t i = 0; i < NSIZES; i++)
        snprintf(bits_str[i], sizeof bits_str[i], "%d", sizes[i]);
    tu_write_file(tu_path("m.keep"), "keep\n", 5);
}

int main(void)
{
    tu_case tmpl;

    tu_init("test_tool_rsa");
    setup();
    memset(&tmpl, 0, sizeof tmpl);
    for (size_t i = 0; i < NSIZES; i++) {
        tmpl.data = &sizes[i];
        tu_add(&suite, test_genpkey, &tmpl,
               "genpkey -rsa %d: openssl pkey/rsa -check, = openssl pkey, -pubout", sizes[i]);
        tu_add(&suite, test_pkey_forms, &tmpl,
               "pkey %d: OpenSSL key in 8 forms, PEM/DER out = OpenSSL's bytes", sizes[i]);
        tu_add(&suite, test_sign_verify, &tmpl,
               "sign/verify %d: 6 digests, PKCS#1 v1.5 = OpenSSL, PSS both ways", sizes[i]);
        tu_add(&suite, test_verify_failures, &tmpl,
               "verify %d: altered message/signature -> Verification failure, exit 1",
               sizes[i]);
        tu_add(&suite, test_oaep, &tmpl,
               "encrypt/decrypt %d: OAEP both ways with OpenSSL, labels; failures clean",
               sizes[i]);
    }
    tmpl.data = NULL;
    tu_add(&suite, test_errors, &tmpl, "key file and option errors: status and message");
    tu_add(&suite, test_files, &tmpl, "output files: modes, links, in place, atomic");
    tu_add(&suite, test_help, &tmpl, "help texts of the RSA commands");
    tu_add(&suite, test_static_tool, &tmpl, "sign, verify, pkey with fipsmod-static");
    tu_add(&suite, test_portable, &tmpl, "RSA commands on the portable code (FIPSMOD_CPU)");
    return tu_run(&suite, "test_tool_rsa");
}
