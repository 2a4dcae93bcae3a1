/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The EC side of the fipsmod tool (genpkey -ec, pkey, sign, verify:
 * src/tools/cmd_genpkey.c, cmd_pkey.c, cmd_sign.c, keyfile.c) end to end,
 * against the `openssl` command line as the oracle, both ways. The built
 * tool, build/fipsmod, runs as a child process with its standard streams
 * captured; paths are relative to the repository root, the current
 * directory under `make test`. The process harness is tests/util/tu_proc.c,
 * shared with test_tool_rsa.c.
 *
 * For P-256, P-384 and P-521 (each key generated once per run, by fipsmod
 * and by OpenSSL):
 * - genpkey -ec: the key passes `openssl pkey -check` and `openssl ec
 *   -check`, is on the named curve, is already what `openssl pkey` writes
 *   (PKCS#8 PEM), mode 0600; its `-pubout` is OpenSSL's; the SEC 2 names
 *   (secp256r1, ...), prime256v1 and lower case are accepted.
 * - pkey: an OpenSSL key in twelve files (PKCS#8, SEC1, SPKI in PEM and
 *   DER; compressed points; without publicKey; `openssl ecparam -genkey`
 *   output with its EC PARAMETERS block) is written in every output form
 *   (default, -traditional, -pubout, DER, -ec_conv_form) byte for byte as
 *   `openssl pkey` / `openssl pkcs8 -topk8` write it.
 * - sign/verify, all six SHA-2 digests, both keys: fipsmod's signatures
 *   verify with `openssl dgst -verify`, OpenSSL's with fipsmod verify
 *   (public or private key file, compressed point); two signatures of one
 *   message differ (k is random); messages of 0 bytes to 200 KiB.
 * - tampering: a flipped bit in the message or at eight places of the
 *   signature, a truncated, extended, empty or raw (r || s) signature, r =
 *   0, a BER length, another digest, key or curve: "Verification
 *   failure", exit status 1 (and OpenSSL agrees, except on the extended
 *   signature: `openssl dgst -verify` reads only as many octets as the
 *   longest signature, so it never sees one extra).
 * Once: error cases (explicit parameters, secp256k1, encrypted, hybrid
 * point, a parameters-only file, truncated, d and Q that do not match, a
 * point off the curve, d = 0, mislabelled PEM, a public key to sign, an EC
 * key to encrypt or decrypt, -pss with an EC key, bad curves and
 * options), each with its exit status and a one-line message naming the
 * file and the reason; help texts; the statically linked tool; the
 * portable implementations (FIPSMOD_CPU=portable).
 *
 * The scratch directory (mkdtemp under $TMPDIR) is removed at the end
 * ($FIPSMOD_TEST_KEEP=1 keeps it).
 */
#include "tu_proc.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fipsmod/keys.h>

static tu_suite suite;

/* ---- curves and keys ------------------------------------------------------------------------ */

struct curve {
    const char *name;     /* fipsmod genpkey -ec NAME, openssl ec_paramgen_curve:NAME */
    const char *alias;    /* the SEC 2 name, also accepted */
    const char *ossl_oid; /* `openssl pkey -text`: "ASN1 OID: ..." */
    size_t bytes;         /* field and scalar length */
};

static const struct curve curves[] = {
    { "P-256", "secp256r1", "prime256v1", 32 },
    { "P-384", "secp384r1", "secp384r1", 48 },
    { "P-521", "secp521r1", "secp521r1", 66 },
};
#define NCURVES (sizeof curves / sizeof curves[0])

struct keyset {
    bool fm_ready, os_ready;
    char fm_key[PATH_MAX]; /* fipsmod genpkey -ec */
    char fm_pub[PATH_MAX]; /* openssl pkey -pubout of it */
    char os_key[PATH_MAX]; /* openssl genpkey -algorithm EC (PKCS#8 PEM) */
    char os_pub[PATH_MAX]; /* openssl pkey -pubout of it */
};

static struct keyset keysets[NCURVES];

static size_t curve_index(const struct curve *c)
{
    return (size_t)(c - curves);
}

/* The key fipsmod generated (and its public key by OpenSSL), made on first use. */
static struct keyset *fm_keys(const struct curve *c)
{
    struct keyset *k = &keysets[curve_index(c)];

    if (!k->fm_ready) {
        snprintf(k->fm_key, sizeof k->fm_key, "%s", tu_path("fm-%s.pem", c->name));
        snprintf(k->fm_pub, sizeof k->fm_pub, "%s", tu_path("fm-%s.pub.pem", c->name));
        TU_FM_OK("genpkey", "-ec", (char *)c->name, "-out", k->fm_key);
        TU_OSSL_OK("pkey", "-in", k->fm_key, "-pubout", "-out", k->fm_pub);
        k->fm_ready = true;
    }
    return k;
}

/* The key OpenSSL generated, made on first use. */
static struct keyset *os_keys(const struct curve *c)
{
    struct keyset *k = &keysets[curve_index(c)];
    char opt[48];

    if (!k->os_ready) {
        snprintf(k->os_key, sizeof k->os_key, "%s", tu_path("os-%s.pem", c->name));
        snprintf(k->os_pub, sizeof k->os_pub, "%s", tu_path("os-%s.pub.pem", c->name));
        snprintf(opt, sizeof opt, "ec_paramgen_curve:%s", c->name);
        TU_OSSL_OK("genpkey", "-algorithm", "EC", "-pkeyopt", opt, "-out", k->os_key);
        TU_OSSL_OK("pkey", "-in", k->os_key, "-pubout", "-out", k->os_pub);
        k->os_ready = true;
    }
    return k;
}

static const struct curve *case_curve(void **state)
{
    const tu_case *tc = tu_proc_begin(state);

    return tc->data != NULL ? tc->data : &curves[0];
}

/* ---- digests ------------------------------------------------------------------------------- */

struct digest {
    const char *opt;  /* the option of both tools */
    size_t len;
};

static const struct digest digests[] = {
    { "-sha224", 28 }, { "-sha256", 32 },     { "-sha384", 48 },
    { "-sha512", 64 }, { "-sha512-224", 28 }, { "-sha512-256", 32 },
};
#define NDIGESTS (sizeof digests / sizeof digests[0])

/* ---- genpkey ------------------------------------------------------------------------------- */

static void expect_valid_ec_key(const char *key, const struct curve *c)
{
    char want[64];
    tu_proc r;

    TU_OSSL(&r, "pkey", "-in", key, "-check", "-noout");
    tu_expect_exit(&r, 0);
    if (strstr(r.out, "Key is valid") == NULL)
        fail_msg("openssl pkey -check %s: %s%s", key, r.out, r.err);
    tu_proc_free(&r);
    TU_OSSL(&r, "ec", "-in", key, "-check", "-noout");
    tu_expect_exit(&r, 0);
    if (strstr(r.out, "EC Key valid.") == NULL && strstr(r.err, "EC Key valid.") == NULL)
        fail_msg("openssl ec -check %s: %s%s", key, r.out, r.err);
    tu_proc_free(&r);
    TU_OSSL(&r, "pkey", "-in", key, "-text", "-noout");
    tu_expect_exit(&r, 0);
    snprintf(want, sizeof want, "ASN1 OID: %s", c->ossl_oid);
    if (strstr(r.out, want) == NULL)
        fail_msg("openssl pkey -text %s: expected \"%s\": %s", key, want, r.out);
    snprintf(want, sizeof want, "NIST CURVE: %s", c->name);
    if (strstr(r.out, want) == NULL)
        fail_msg("openssl pkey -text %s: expected \"%s\": %s", key, want, r.out);
    tu_proc_free(&r);
}

static void test_genpkey(void **state)
{
    const struct curve *c = case_curve(state);
    struct keyset *k;
    size_t len;
    uint8_t *pem;
    tu_proc r;

    tu_need_openssl();
    k = fm_keys(c);
    if (tu_file_mode(k->fm_key) != 0600)
        fail_msg("genpkey -out: mode %o, expected 600", (unsigned)tu_file_mode(k->fm_key));
    pem = tu_read_file(k->fm_key, &len);
    if (strncmp((char *)pem, "-----BEGIN PRIVATE KEY-----\n", 28) != 0 ||
        len < 26 || strcmp((char *)pem + len - 26, "-----END PRIVATE KEY-----\n") != 0 ||
        strstr((char *)pem + 28, "-----BEGIN") != NULL)
        fail_msg("genpkey: not one PKCS#8 PEM block: %s", (char *)pem);
    free(pem);
    expect_valid_ec_key(k->fm_key, c);

    /* Already in OpenSSL's own encoding; -pubout the same as OpenSSL's. */
    TU_OSSL_OK("pkey", "-in", k->fm_key, "-out", tu_path("g.os.pem"));
    tu_expect_files_equal(tu_path("g.os.pem"), k->fm_key, "openssl pkey of the generated key");
    TU_FM_OK("pkey", "-in", k->fm_key, "-out", tu_path("g.fm.pem"));
    tu_expect_files_equal(tu_path("g.fm.pem"), k->fm_key, "fipsmod pkey of the generated key");
    TU_FM_OK("pkey", "-in", k->fm_key, "-pubout", "-out", tu_path("g.pub.pem"));
    tu_expect_files_equal(tu_path("g.pub.pem"), k->fm_pub,
                          "fipsmod pkey -pubout vs openssl pkey -pubout");

    /* The SEC 2 name, and the NIST name in lower case; to standard output. */
    TU_FM(&r, "genpkey", "-ec", (char *)c->alias);
    tu_expect_exit(&r, 0);
    tu_write_file(tu_path("g.alias.pem"), r.out, r.outlen);
    tu_proc_free(&r);
    expect_valid_ec_key(tu_path("g.alias.pem"), c);
    if (tu_files_equal(tu_path("g.alias.pem"), k->fm_key))
        fail_msg("two genpkey runs gave the same key");
    {
        char lower[16];

        snprintf(lower, sizeof lower, "%s", c->name);
        lower[0] = 'p';
        TU_FM_OK("genpkey", "-ec", lower, "-out", tu_path("g.lower.pem"));
        expect_valid_ec_key(tu_path("g.lower.pem"), c);
    }
    if (strcmp(c->name, "P-256") == 0) {
        TU_FM_OK("genpkey", "-ec", "prime256v1", "-out", tu_path("g.prime.pem"));
        expect_valid_ec_key(tu_path("g.prime.pem"), c);
        /* -out over an existing 0644 file: the key file is 0600 all the same. */
        tu_write_file(tu_path("g.existing.pem"), "old\n", 4);
        assert_int_equal(chmod(tu_path("g.existing.pem"), 0644), 0);
        TU_FM_OK("genpkey", "-ec", "P-256", "-out", tu_path("g.existing.pem"));
        if (tu_file_mode(tu_path("g.existing.pem")) != 0600)
            fail_msg("genpkey -out over a 0644 file left mode %o",
                     (unsigned)tu_file_mode(tu_path("g.existing.pem")));
    }
    printf("  fipsmod genpkey -ec %s (and %s): openssl pkey -check, ec -check pass; PKCS#8 PEM "
           "as openssl writes it; -pubout = openssl's\n", c->name, c->alias);
    tu_took();
}

/* ---- pkey --------------------------------------------------------------------------------- */

/* An input file for pkey, and what it holds. */
struct pkey_input {
    const char *path;
    bool der;        /* openssl needs -inform DER for pkcs8 */
    bool is_public;  /* openssl needs -pubin */
    const char *what;
    bool compressed; /* a private key with a compressed point (see test_pkey_forms) */
};

/*
 * fipsmod pkey with `fm_opts` must write exactly what `openssl <os_cmd>`
 * writes for the same input (both NULL-terminated option lists).
 */
static void pkey_same(const struct pkey_input *in, const char *const *fm_opts,
                      const char *const *os_cmd, const char *what)
{
    char *argv[TU_MAX_ARGS + 2];
    const char *fout = tu_path("pk.fm.out"), *oout = tu_path("pk.os.out");
    tu_proc r;
    size_t n = 0;

    argv[n++] = (char *)tu_tool;
    argv[n++] = "pkey";
    argv[n++] = "-in";
    argv[n++] = (char *)in->path;
    for (size_t i = 0; fm_opts[i] != NULL; i++)
        argv[n++] = (char *)fm_opts[i];
    argv[n++] = "-out";
    argv[n++] = (char *)fout;
    argv[n] = NULL;
    tu_proc_argv(&r, NULL, argv);
    tu_expect_exit(&r, 0);
    tu_proc_free(&r);

    n = 0;
    argv[n++] = "openssl";
    for (size_t i = 0; os_cmd[i] != NULL; i++)
        argv[n++] = (char *)os_cmd[i];
    argv[n++] = "-in";
    argv[n++] = (char *)in->path;
    if (in->der && strcmp(os_cmd[0], "pkcs8") == 0) {
        argv[n++] = "-inform";
        argv[n++] = "DER";
    }
    if (in->is_public)
        argv[n++] = "-pubin";
    argv[n++] = "-out";
    argv[n++] = (char *)oout;
    argv[n] = NULL;
    tu_proc_argv(&r, NULL, argv);
    tu_expect_exit(&r, 0);
    tu_proc_free(&r);
    if (!tu_files_equal(fout, oout))
        fail_msg("pkey %s, %s: fipsmod's output differs from OpenSSL's", in->what, what);
}

static void test_pkey_forms(void **state)
{
    const struct curve *c = case_curve(state);
    struct keyset *k;
    size_t ninputs = 0, ncmp = 0;
    struct pkey_input in[16];
    char curve_opt[40];

    tu_need_openssl();
    k = os_keys(c);
    snprintf(curve_opt, sizeof curve_opt, "%s", c->ossl_oid);
#define IN(p, d, pub, w) (in[ninputs++] = (struct pkey_input){ (p), (d), (pub), (w), false })
    IN(k->os_key, false, false, "PKCS#8 PEM");
    TU_OSSL_OK("pkcs8", "-topk8", "-nocrypt", "-in", k->os_key, "-outform", "DER", "-out",
               tu_path("pk.p8.der"));
    IN(tu_path("pk.p8.der"), true, false, "PKCS#8 DER");
    TU_OSSL_OK("ec", "-in", k->os_key, "-out", tu_path("pk.sec1.pem"));
    IN(tu_path("pk.sec1.pem"), false, false, "SEC1 PEM");
    TU_OSSL_OK("ec", "-in", k->os_key, "-outform", "DER", "-out", tu_path("pk.sec1.der"));
    IN(tu_path("pk.sec1.der"), true, false, "SEC1 DER");
    IN(k->os_pub, false, true, "SPKI PEM");
    TU_OSSL_OK("pkey", "-in", k->os_key, "-pubout", "-outform", "DER", "-out",
               tu_path("pk.spki.der"));
    IN(tu_path("pk.spki.der"), true, true, "SPKI DER");
    TU_OSSL_OK("ec", "-in", k->os_key, "-conv_form", "compressed", "-out", tu_path("pk.sec1c.pem"));
    IN(tu_path("pk.sec1c.pem"), false, false, "SEC1 PEM, compressed point");
    in[ninputs - 1].compressed = true;
    TU_OSSL_OK("pkey", "-in", k->os_key, "-ec_conv_form", "compressed", "-out",
               tu_path("pk.p8c.pem"));
    IN(tu_path("pk.p8c.pem"), false, false, "PKCS#8 PEM, compressed point");
    in[ninputs - 1].compressed = true;
    TU_OSSL_OK("ec", "-in", k->os_key, "-pubout", "-conv_form", "compressed", "-outform", "DER",
               "-out", tu_path("pk.spkic.der"));
    IN(tu_path("pk.spkic.der"), true, true, "SPKI DER, compressed point");
    TU_OSSL_OK("ec", "-in", k->os_key, "-no_public", "-out", tu_path("pk.nopub.pem"));
    IN(tu_path("pk.nopub.pem"), false, false, "SEC1 PEM without publicKey");
    TU_OSSL_OK("ec", "-in", k->os_key, "-no_public", "-outform", "DER", "-out",
               tu_path("pk.nopub.der"));
    IN(tu_path("pk.nopub.der"), true, false, "SEC1 DER without publicKey");
    TU_OSSL_OK("ecparam", "-name", curve_opt, "-genkey", "-out", tu_path("pk.ecparam.pem"));
    IN(tu_path("pk.ecparam.pem"), false, false, "ecparam -genkey (EC PARAMETERS, EC PRIVATE KEY)");
#undef IN

    for (size_t i = 0; i < ninputs; i++) {
        static const char *const none[] = { NULL };
        static const char *const pubout[] = { "-pubout", NULL };
        static const char *const pubout_der[] = { "-pubout", "-outform", "DER", NULL };
        static const char *const comp[] = { "-ec_conv_form", "compressed", NULL };
        static const char *const pub_uncomp[] = { "-pubout", "-ec_conv_form", "uncompressed",
                                                  NULL };
        static const char *const pub_comp_der[] = { "-pubout", "-ec_conv_form", "compressed",
                                                    "-outform", "DER", NULL };
        static const char *const o_pkey[] = { "pkey", NULL };
        static const char *const o_pubout[] = { "pkey", "-pubout", NULL };
        static const char *const o_pubout_der[] = { "pkey", "-pubout", "-outform", "DER", NULL };
        static const char *const o_comp[] = { "pkey", "-ec_conv_form", "compressed", NULL };
        static const char *const o_pub_uncomp[] = { "pkey", "-pubout", "-ec_conv_form",
                                                    "uncompressed", NULL };
        static const char *const o_pub_comp_der[] = { "pkey", "-pubout", "-ec_conv_form",
                                                      "compressed", "-outform", "DER", NULL };

        pkey_same(&in[i], none, o_pkey, "default");
        pkey_same(&in[i], pubout, o_pubout, "-pubout");
        pkey_same(&in[i], pubout_der, o_pubout_der, "-pubout -outform DER");
        pkey_same(&in[i], comp, o_comp, "-ec_conv_form compressed");
        pkey_same(&in[i], pub_uncomp, o_pub_uncomp, "-pubout -ec_conv_form uncompressed");
        pkey_same(&in[i], pub_comp_der, o_pub_comp_der,
                  "-pubout -ec_conv_form compressed -outform DER");
        ncmp += 6;
        if (!in[i].is_public) {
            static const char *const trad[] = { "-traditional", NULL };
            static const char *const der[] = { "-outform", "DER", NULL };
            static const char *const trad_der[] = { "-traditional", "-outform", "DER", NULL };
            static const char *const o_trad[] = { "pkey", "-traditional", NULL };
            /* OpenSSL 3.0's one inconsistency: `pkey -traditional` in PEM writes a
             * compressed key's point uncompressed, while `pkey -outform DER` (the
             * same SEC1 form), `pkey` (PKCS#8) and `ec` keep it compressed.
             * fipsmod keeps it in every form, which is what OpenSSL writes when
             * asked explicitly. */
            static const char *const o_trad_c[] = { "pkey", "-traditional", "-ec_conv_form",
                                                    "compressed", NULL };
            static const char *const o_p8der[] = { "pkcs8", "-topk8", "-nocrypt", "-outform",
                                                   "DER", NULL };
            static const char *const o_der[] = { "pkey", "-outform", "DER", NULL };

            pkey_same(&in[i], trad, in[i].compressed ? o_trad_c : o_trad, "-traditional");
            pkey_same(&in[i], der, o_p8der, "-outform DER (= openssl pkcs8 -topk8 -nocrypt)");
            pkey_same(&in[i], trad_der, o_der,
                      "-traditional -outform DER (= openssl pkey -outform DER)");
            ncmp += 3;
        } else {
            static const char *const der[] = { "-outform", "DER", NULL };
            static const char *const o_der[] = { "pkey", "-outform", "DER", NULL };

            pkey_same(&in[i], der, o_der, "public key, -outform DER");
            ncmp++;
        }
    }
    /* And fipsmod's own outputs read back by fipsmod: a fixed point. */
    TU_FM_OK("pkey", "-in", tu_path("pk.sec1c.pem"), "-outform", "DER", "-out", tu_path("pk.rt1"));
    TU_FM_OK("pkey", "-in", tu_path("pk.rt1"), "-outform", "DER", "-out", tu_path("pk.rt2"));
    tu_expect_files_equal(tu_path("pk.rt2"), tu_path("pk.rt1"),
                          "fipsmod pkey of its own PKCS#8 DER");
    printf("  %s: OpenSSL key in %zu files (PKCS#8, SEC1, SPKI; PEM, DER; compressed; without "
           "publicKey; ecparam -genkey): %zu outputs = OpenSSL's bytes\n", c->name, ninputs,
           ncmp);
    tu_took();
}

/* ---- sign and verify --------------------------------------------------------------------------- */

/* fipsmod verify: expect "Verified OK" (ok) or "Verification failure". */
static void fm_verify(const char *pub, const struct digest *d, const char *sig, const char *msg,
                      bool ok)
{
    tu_proc r;

    TU_FM(&r, "verify", "-pubkey", pub, d->opt, "-sig", sig, "-in", msg);
    tu_expect_verified(&r, ok);
    tu_proc_free(&r);
}

/*
 * openssl dgst -verify. A signature that is not valid DER is refused with
 * "Error verifying data" on standard error and nothing on standard output
 * (exit status 1), rather than "Verification failure": either is a
 * failure.
 */
static void os_verify(const char *pub, const struct digest *d, const char *sig, const char *msg,
                      bool ok)
{
    tu_proc r;

    TU_OSSL(&r, "dgst", d->opt, "-verify", pub, "-signature", sig, msg);
    if (!ok && r.outlen == 0 && strstr(r.err, "Error verifying data") != NULL)
        tu_expect_exit(&r, 1);
    else
        tu_expect_verified(&r, ok);
    tu_proc_free(&r);
}

/* A DER ECDSA-Sig-Value of plausible size for the curve. */
static void check_sig_shape(const char *sig, const struct curve *c)
{
    size_t n;
    uint8_t *p = tu_read_file(sig, &n);

    if (n < 8 || n > 2 * (c->bytes + 3) + 3 || p[0] != 0x30)
        fail_msg("%s: %zu bytes starting %02x: not an ECDSA-Sig-Value for %s", sig, n,
                 n ? p[0] : 0, c->name);
    free(p);
}

static void sign_verify_one(const char *key, const char *pub, const struct curve *c,
                            const struct digest *d, const char *msg)
{
    const char *fs = tu_path("sv.fm.sig"), *fs2 = tu_path("sv.fm2.sig"), *os = tu_path("sv.os.sig");

    TU_FM_OK("sign", "-key", key, d->opt, "-in", msg, "-out", fs);
    check_sig_shape(fs, c);
    os_verify(pub, d, fs, msg, true);
    fm_verify(pub, d, fs, msg, true);
    fm_verify(key, d, fs, msg, true); /* a private key file works too */
    /* k is random: a second signature differs, and verifies too. */
    TU_FM_OK("sign", "-key", key, d->opt, "-in", msg, "-out", fs2);
    if (tu_files_equal(fs, fs2))
        fail_msg("two ECDSA signatures of the same message are equal");
    os_verify(pub, d, fs2, msg, true);
    TU_OSSL_OK("dgst", d->opt, "-sign", key, "-out", os, msg);
    fm_verify(pub, d, os, msg, true);
    fm_verify(key, d, os, msg, true);
}

static void test_sign_verify(void **state)
{
    const struct curve *c = case_curve(state);
    const tu_case *tc = *state;
    struct keyset *fk, *ok;
    const char *msg = tu_path("sv.msg"), *pubc = tu_path("sv.pubc.pem");
    tu_rng rng;

    tu_need_openssl();
    fk = fm_keys(c);
    ok = os_keys(c);
    tu_rng_init_named(&rng, tc->name);
    for (size_t i = 0; i < NDIGESTS; i++) {
        const struct digest *d = &digests[i];
        /* 0 bytes, 200 KiB + 1 (four 64 KiB reads and a bit), a few. */
        size_t len = i == 0 ? 0 : i == 1 ? 200 * 1024 + 1 : 1 + tu_rng_below(&rng, 5000);

        tu_random_file(msg, &rng, len);
        sign_verify_one(fk->fm_key, fk->fm_pub, c, d, msg);
        sign_verify_one(ok->os_key, ok->os_pub, c, d, msg);
    }
    /* A public key with a compressed point verifies the same. */
    TU_OSSL_OK("ec", "-in", ok->os_key, "-pubout", "-conv_form", "compressed", "-out", pubc);
    TU_OSSL_OK("dgst", "-sha256", "-sign", ok->os_key, "-out", tu_path("sv.c.sig"), msg);
    fm_verify(pubc, &digests[1], tu_path("sv.c.sig"), msg, true);
    printf("  %s, 6 digests x (fipsmod key, OpenSSL key): fipsmod sign -> openssl dgst -verify, "
           "openssl dgst -sign -> fipsmod verify\n", c->name);
    tu_took();
}

static void test_verify_failures(void **state)
{
    const struct curve *c = case_curve(state);
    const tu_case *tc = *state;
    size_t ci = curve_index(c);
    const struct digest *d = &digests[(ci * 2 + 1) % NDIGESTS];
    const struct digest *other = &digests[(ci * 2 + 2) % NDIGESTS];
    const char *msg = tu_path("vf.msg"), *msg2 = tu_path("vf.msg2"), *sig = tu_path("vf.sig"),
               *sig2 = tu_path("vf.sig2");
    struct keyset *fk, *ok, *ck;
    size_t siglen;
    tu_rng rng;

    tu_need_openssl();
    fk = fm_keys(c);
    ok = os_keys(c);
    ck = os_keys(&curves[(ci + 1) % NCURVES]);
    tu_rng_init_named(&rng, tc->name);
    tu_random_file(msg, &rng, 1000);
    TU_FM_OK("sign", "-key", fk->fm_key, d->opt, "-in", msg, "-out", sig);
    fm_verify(fk->fm_pub, d, sig, msg, true);
    siglen = tu_file_size(sig);

    /* A flipped bit in the message. */
    tu_flip_copy(msg, msg2, 500);
    fm_verify(fk->fm_pub, d, sig, msg2, false);
    os_verify(fk->fm_pub, d, sig, msg2, false);
    /* A flipped bit in the signature: the SEQUENCE tag and length, r's
     * header and value, s's last octet. */
    {
        const long at[] = { 0, 1, 2, 3, 6, 10, (long)siglen / 2, -1 };

        for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
            tu_flip_copy(sig, sig2, at[i]);
            fm_verify(fk->fm_pub, d, sig2, msg, false);
            os_verify(fk->fm_pub, d, sig2, msg, false);
        }
    }
    /* Truncated, extended, empty, raw r || s (P1363) instead of DER. */
    tu_truncate_copy(sig, sig2, -1);
    fm_verify(fk->fm_pub, d, sig2, msg, false);
    os_verify(fk->fm_pub, d, sig2, msg, false);
    {
        size_t n;
        uint8_t *p = tu_read_file(sig, &n);

        p = realloc(p, n + 1);
        assert_non_null(p);
        p[n] = 0x00;
        tu_write_file(sig2, p, n + 1);
        /* Not asked of OpenSSL: `openssl dgst -verify` reads at most
         * EVP_PKEY_size() octets of the file (72 for P-256, 139 for P-521),
         * so after a signature of the largest size it never sees the extra
         * octet and says "Verified OK". fipsmod reads the whole file. */
        fm_verify(fk->fm_pub, d, sig2, msg, false);
        free(p);
    }
    tu_write_file(sig2, "", 0);
    fm_verify(fk->fm_pub, d, sig2, msg, false);
    tu_random_file(sig2, &rng, 2 * c->bytes);
    fm_verify(fk->fm_pub, d, sig2, msg, false);
    /* r = 0: 30 06 02 01 00 02 01 01 */
    tu_write_file(sig2, "\x30\x06\x02\x01\x00\x02\x01\x01", 8);
    fm_verify(fk->fm_pub, d, sig2, msg, false);
    /* A long-form SEQUENCE length where the short form fits (BER, not DER). */
    {
        size_t n;
        uint8_t *p = tu_read_file(sig, &n);

        if (p[1] < 0x80) {
            uint8_t *q = malloc(n + 1);

            assert_non_null(q);
            q[0] = 0x30;
            q[1] = 0x81;
            memcpy(q + 2, p + 1, n - 1);
            tu_write_file(sig2, q, n + 1);
            fm_verify(fk->fm_pub, d, sig2, msg, false);
            os_verify(fk->fm_pub, d, sig2, msg, false);
            free(q);
        }
        free(p);
    }
    /* Another digest, another key of the curve, a key of another curve. */
    fm_verify(fk->fm_pub, other, sig, msg, false);
    os_verify(fk->fm_pub, other, sig, msg, false);
    fm_verify(ok->os_pub, d, sig, msg, false);
    fm_verify(ck->os_pub, d, sig, msg, false);
    /* The signature still verifies after all that. */
    fm_verify(fk->fm_pub, d, sig, msg, true);
    printf("  %s: altered message, signature (8 bit flips, truncated, extended, empty, raw, "
           "r = 0, BER length), digest, key, curve: Verification failure, exit 1 (OpenSSL "
           "agrees where asked)\n", c->name);
    tu_took();
}

/* ---- errors ------------------------------------------------------------------------------- */

/* A copy of a PEM file with its BEGIN/END label replaced. */
static void relabel(const char *from, const char *to, const char *label)
{
    size_t n;
    char *p = (char *)tu_read_file(from, &n);
    char *body = strchr(p, '\n') + 1;
    char *end = strstr(p, "-----END");
    FILE *f = fopen(to, "w");

    assert_non_null(f);
    fprintf(f, "-----BEGIN %s-----\n%.*s-----END %s-----\n", label, (int)(end - body), body,
            label);
    fclose(f);
    free(p);
}

static void test_errors(void **state)
{
    const struct curve *c = case_curve(state);
    const char *msg = tu_path("e.msg"), *sig = tu_path("e.sig");
    const char *explicit = tu_path("e.explicit.pem"), *k1 = tu_path("e.k1.pem"),
               *enc = tu_path("e.enc.pem");
    const char *params = tu_path("e.params.pem"), *hybrid = tu_path("e.hybrid.pem");
    const char *sec1 = tu_path("e.sec1.der"), *trunc = tu_path("e.trunc.der"),
               *bad = tu_path("e.bad.der");
    const char *spki = tu_path("e.spki.der"), *offcurve = tu_path("e.offcurve.der");
    const char *nopub = tu_path("e.nopub.der"), *zero = tu_path("e.zero.der");
    const char *mis1 = tu_path("e.mis1.pem"), *mis2 = tu_path("e.mis2.pem"),
               *rsakey = tu_path("e.rsa.pem");
    struct keyset *k, *k2;
    tu_proc r;
    tu_rng rng;

    tu_need_openssl();
    k = os_keys(c);
    k2 = fm_keys(c);
    tu_rng_init_named(&rng, "errors");
    tu_random_file(msg, &rng, 100);
    TU_FM_OK("sign", "-key", k->os_key, "-sha256", "-in", msg, "-out", sig);

    /* Well-formed EC keys the module does not take: exit status 3, with the reason. */
    TU_OSSL_OK("ec", "-in", k->os_key, "-param_enc", "explicit", "-out", explicit);
    TU_FM(&r, "sign", "-key", explicit, "-sha256", "-in", msg);
    tu_expect_error(&r, 3, explicit, "explicit", "named_curve", "FM_ERR_UNSUPPORTED", NULL);
    tu_proc_free(&r);
    TU_OSSL_OK("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1", "-out",
               k1);
    TU_FM(&r, "pkey", "-in", k1);
    tu_expect_error(&r, 3, k1, "secp256k1", "1.3.132.0.10", NULL);
    tu_proc_free(&r);
    TU_OSSL_OK("pkcs8", "-topk8", "-in", k->os_key, "-v2", "aes-256-cbc", "-passout", "pass:pw",
               "-out", enc);
    TU_FM(&r, "sign", "-key", enc, "-sha256", "-in", msg);
    tu_expect_error(&r, 3, enc, "encrypted", "openssl pkey", NULL);
    tu_proc_free(&r);
    TU_OSSL_OK("ec", "-in", k->os_key, "-conv_form", "hybrid", "-out", hybrid);
    TU_FM(&r, "pkey", "-in", hybrid);
    tu_expect_error(&r, 3, hybrid, "hybrid", NULL);
    tu_proc_free(&r);
    TU_OSSL_OK("ecparam", "-name", "prime256v1", "-out", params);
    TU_FM(&r, "pkey", "-in", params);
    tu_expect_error(&r, 1, params, "EC PARAMETERS", NULL);
    tu_proc_free(&r);

    /* Malformed, and well formed but refused by the module's checks. */
    TU_OSSL_OK("ec", "-in", k->os_key, "-outform", "DER", "-out", sec1);
    tu_truncate_copy(sec1, trunc, -5);
    TU_FM(&r, "pkey", "-in", trunc);
    tu_expect_error(&r, 1, trunc, "FM_ERR_DECODE", NULL);
    tu_proc_free(&r);
    {
        /* SEC1 of one key with the point of another: d and Q do not match. */
        size_t n, m, plen = 1 + 2 * c->bytes;
        uint8_t *a = tu_read_file(sec1, &n), *b;

        TU_OSSL_OK("pkey", "-in", k2->fm_key, "-pubout", "-outform", "DER", "-out", spki);
        b = tu_read_file(spki, &m);
        memcpy(a + n - plen, b + m - plen, plen);
        tu_write_file(bad, a, n);
        /* The point off the curve: its last octet changed. */
        b[m - 1] ^= 0x01;
        tu_write_file(offcurve, b, m);
        free(a);
        free(b);
    }
    TU_FM(&r, "sign", "-key", bad, "-sha256", "-in", msg);
    tu_expect_error(&r, 1, bad, "fm_ec_key_import", "FM_ERR_KEY", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "verify", "-pubkey", offcurve, "-sha256", "-sig", sig, "-in", msg);
    tu_expect_error(&r, 1, offcurve, "not on the curve", "FM_ERR_KEY", NULL);
    tu_proc_free(&r);
    {
        /* d = 0 (without publicKey, so only d is checked): 30 L 02 01 01 04 B <d> a0 ... */
        size_t n;
        uint8_t *a;

        TU_OSSL_OK("ec", "-in", k->os_key, "-no_public", "-outform", "DER", "-out", nopub);
        a = tu_read_file(nopub, &n);
        assert_int_equal(a[5], 0x04);
        memset(a + 7, 0, c->bytes);
        tu_write_file(zero, a, n);
        free(a);
    }
    TU_FM(&r, "pkey", "-in", zero);
    tu_expect_error(&r, 1, zero, "FM_ERR_KEY", NULL);
    tu_proc_free(&r);

    /* Labels that do not match the contents. */
    relabel(k->os_key, mis1, "EC PRIVATE KEY"); /* PKCS#8 inside */
    TU_FM(&r, "pkey", "-in", mis1);
    tu_expect_error(&r, 1, mis1, "EC PRIVATE KEY", "PKCS#8", NULL);
    tu_proc_free(&r);
    TU_OSSL_OK("ec", "-in", k->os_key, "-out", tu_path("e.sec1.pem"));
    relabel(tu_path("e.sec1.pem"), mis2, "RSA PRIVATE KEY"); /* SEC1 inside */
    TU_FM(&r, "pkey", "-in", mis2);
    tu_expect_error(&r, 1, mis2, "RSA PRIVATE KEY", "EC key", NULL);
    tu_proc_free(&r);

    /* The wrong kind of key for the operation. */
    TU_FM(&r, "sign", "-key", k->os_pub, "-sha256", "-in", msg);
    tu_expect_error(&r, 1, k->os_pub, "public key", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "encrypt", "-pubkey", k->os_pub, "-oaep", "-sha256", "-in", msg);
    tu_expect_error(&r, 3, k->os_pub, "EC key", "RSA keys only", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "decrypt", "-key", sec1, "-oaep", "-sha256", "-in", msg);
    tu_expect_error(&r, 3, sec1, "EC key", "RSA keys only", NULL);
    tu_proc_free(&r);

    /* Options (usage errors: exit status 2). */
    TU_FM(&r, "sign", "-key", k->os_key, "-sha256", "-pss", "-in", msg);
    tu_expect_error(&r, 2, "-pss", "EC key", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "verify", "-pubkey", k->os_pub, "-sha256", "-pss", "-saltlen", "auto", "-sig", sig,
          "-in", msg);
    tu_expect_error(&r, 2, "-pss", "EC key", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "sign", "-key", k->os_key, "-sha1", "-in", msg);
    tu_expect_error(&r, 2, "unsupported digest", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "genpkey", "-ec", "P-224");
    tu_expect_error(&r, 2, "P-224", "P-256, P-384 or P-521", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "genpkey", "-ec", "secp256k1");
    tu_expect_error(&r, 2, "secp256k1", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "genpkey", "-ec");
    tu_expect_error(&r, 2, "needs a value", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "genpkey", "-rsa", "2048", "-ec", "P-256");
    tu_expect_error(&r, 2, "not both", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "genpkey");
    tu_expect_error(&r, 2, "-rsa", "-ec", NULL);
    tu_proc_free(&r);
    TU_FM(&r, "pkey", "-in", k->os_key, "-ec_conv_form", "hybrid");
    tu_expect_error(&r, 2, "hybrid", NULL);
    tu_proc_free(&r);
    TU_OSSL_OK("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", rsakey);
    TU_FM(&r, "pkey", "-in", rsakey, "-ec_conv_form", "compressed");
    tu_expect_error(&r, 2, "EC keys", NULL);
    tu_proc_free(&r);
    /* An RSA key still signs through the same command. */
    TU_FM_OK("sign", "-key", rsakey, "-sha256", "-in", msg, "-out", tu_path("e.rsa.sig"));
    printf("  explicit parameters, secp256k1, encrypted, hybrid, parameters only, truncated, "
           "mismatched d/Q, point off the curve, d = 0, mislabelled, wrong key kind, options: "
           "the right status, one clear line\n");
    tu_took();
}

/* ---- help, static tool, portable code --------------------------------------------------------- */

static void test_help(void **state)
{
    static const char *const cmds[] = { "genpkey", "pkey", "sign", "verify" };
    tu_proc r;

    (void)case_curve(state);
    TU_FM(&r, "help");
    tu_expect_exit(&r, 0);
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        char line[32];
        const char *at;

        snprintf(line, sizeof line, "\n  %-10s ", cmds[i]);
        at = strstr(r.out, line);
        if (at == NULL || strstr(at + 1, "\n") == NULL)
            fail_msg("`fipsmod help` does not list %s: %s", cmds[i], r.out);
        {
            const char *eol = strchr(at + 1, '\n');
            char summary[256];

            snprintf(summary, sizeof summary, "%.*s", (int)(eol - at), at);
            if (strstr(summary, "EC") == NULL)
                fail_msg("`fipsmod help`: the summary of %s does not mention EC: %s", cmds[i],
                         summary);
        }
    }
    tu_proc_free(&r);
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        char want[40];

        snprintf(want, sizeof want, "usage: fipsmod %s ", cmds[i]);
        TU_FM(&r, "help", (char *)cmds[i]);
        tu_expect_exit(&r, 0);
        if (strncmp(r.out, want, strlen(want)) != 0 || strstr(r.out, "Exit status") == NULL ||
            strstr(r.out, "Examples:") == NULL || strstr(r.out, "EC") == NULL)
            fail_msg("fipsmod help %s: %s", cmds[i], r.out);
        tu_proc_free(&r);
    }
    TU_FM(&r, "help", "genpkey");
    if (strstr(r.out, "-ec CURVE") == NULL || strstr(r.out, "P-521") == NULL)
        fail_msg("fipsmod help genpkey does not document -ec: %s", r.out);
    tu_proc_free(&r);
    printf("  help lists genpkey, pkey, sign, verify with EC; each documents EC keys\n");
    tu_took();
}

static void test_static_tool(void **state)
{
    const struct curve *c = case_curve(state);
    struct keyset *k;
    const char *msg = tu_path("s.msg"), *sig = tu_path("s.sig"), *os = tu_path("s.os.sig");
    tu_proc r;
    tu_rng rng;

    tu_need_openssl();
    if (access(TU_TOOL_STATIC, X_OK) != 0) {
        printf("SKIP: %s not built\n", TU_TOOL_STATIC);
        skip();
    }
    k = os_keys(c);
    tu_tool = TU_TOOL_STATIC;
    tu_rng_init_named(&rng, "static");
    tu_random_file(msg, &rng, 5000);
    TU_FM_OK("sign", "-key", k->os_key, "-sha384", "-in", msg, "-out", sig);
    os_verify(k->os_pub, &digests[2], sig, msg, true);
    TU_OSSL_OK("dgst", "-sha384", "-sign", k->os_key, "-out", os, msg);
    TU_FM(&r, "verify", "-pubkey", k->os_pub, "-sha384", "-sig", os, "-in", msg);
    tu_expect_verified(&r, true);
    tu_proc_free(&r);
    TU_FM_OK("pkey", "-in", k->os_key, "-pubout", "-out", tu_path("s.pub"));
    tu_expect_files_equal(tu_path("s.pub"), k->os_pub, "fipsmod-static pkey -pubout");
    TU_FM_OK("genpkey", "-ec", (char *)c->name, "-out", tu_path("s.gen.pem"));
    expect_valid_ec_key(tu_path("s.gen.pem"), c);
    tu_tool = TU_TOOL_SHARED;
    printf("  fipsmod-static: genpkey, sign, verify and pkey with EC keys as OpenSSL\n");
    tu_took();
}

/* The same operations on the portable implementations (FIPSMOD_CPU=portable). */
static void test_portable(void **state)
{
    const char *msg = tu_path("p.msg"), *sig = tu_path("p.sig"), *os = tu_path("p.os.sig");
    tu_rng rng;

    (void)case_curve(state);
    tu_need_openssl();
    tu_rng_init_named(&rng, "portable");
    tu_random_file(msg, &rng, 70000);
    for (size_t i = 0; i < NCURVES; i++) {
        const struct curve *c = &curves[i];
        struct keyset *k = os_keys(c);
        const struct digest *d = &digests[(i * 2 + 1) % NDIGESTS];

        tu_cpu_env = "portable";
        TU_FM_OK("sign", "-key", k->os_key, d->opt, "-in", msg, "-out", sig);
        tu_cpu_env = NULL;
        os_verify(k->os_pub, d, sig, msg, true);
        TU_OSSL_OK("dgst", d->opt, "-sign", k->os_key, "-out", os, msg);
        tu_cpu_env = "portable";
        fm_verify(k->os_pub, d, os, msg, true);
        fm_verify(k->os_pub, d, sig, msg, true);
        TU_FM_OK("genpkey", "-ec", (char *)c->name, "-out", tu_path("p.gen.pem"));
        TU_FM_OK("pkey", "-in", k->os_key, "-traditional", "-out", tu_path("p.sec1.pem"));
        tu_cpu_env = NULL;
        expect_valid_ec_key(tu_path("p.gen.pem"), c);
        TU_OSSL_OK("pkey", "-in", k->os_key, "-traditional", "-out", tu_path("p.sec1.want"));
        tu_expect_files_equal(tu_path("p.sec1.pem"), tu_path("p.sec1.want"),
                              "portable pkey -traditional");
    }
    printf("  FIPSMOD_CPU=portable: genpkey, sign (-> openssl), verify (<- openssl), pkey on "
           "P-256, P-384, P-521\n");
    tu_took();
}

/* ---- set-up ------------------------------------------------------------------------------------ */

static void setup(void)
{
    tu_proc_init("test_tool_ec", "ec");
    umask(022); /* the modes tested assume it */
    tu_write_file(tu_path("m.keep"), "keep\n", 5);
}

int main(void)
{
    tu_case tmpl;

    tu_init("test_tool_ec");
    setup();
    memset(&tmpl, 0, sizeof tmpl);
    for (size_t i = 0; i < NCURVES; i++) {
        const char *n = curves[i].name;

        tmpl.data = &curves[i];
        tu_add(&suite, test_genpkey, &tmpl,
               "genpkey -ec %s: openssl pkey/ec -check, = openssl pkey, -pubout, names", n);
        tu_add(&suite, test_pkey_forms, &tmpl,
               "pkey %s: OpenSSL key in 12 files, every output = OpenSSL's bytes", n);
        tu_add(&suite, test_sign_verify, &tmpl,
               "sign/verify %s: 6 digests, ECDSA both ways with openssl dgst", n);
        tu_add(&suite, test_verify_failures, &tmpl,
               "verify %s: altered message/signature/key -> Verification failure, exit 1", n);
    }
    tmpl.data = &curves[0];
    tu_add(&suite, test_errors, &tmpl, "EC key file and option errors: status and message");
    tu_add(&suite, test_help, &tmpl, "help texts document EC keys");
    tmpl.data = &curves[2];
    tu_add(&suite, test_static_tool, &tmpl, "genpkey, sign, verify, pkey with fipsmod-static (P-521)");
    tmpl.data = NULL;
    tu_add(&suite, test_portable, &tmpl, "EC commands on the portable code (FIPSMOD_CPU)");
    return tu_run(&suite, "test_tool_ec");
}
