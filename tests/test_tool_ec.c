/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The EC side of the fipsmod tool (genpkey -ec, pkey, sign, verify:
 * src/tools/cmd_genpkey.c, cmd_pkey.c, cmd_sign.c, keyfile.c) end to end,
 * against the `openssl` command line as the oracle, both ways. The built
 * tool, build/fipsmod, runs as a child process with its standard streams
 * captured; paths are relative to the repository root, the current
 * directory under `make test`. The process harness is test_tool_rsa.c's.
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
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fipsmod/keys.h>

#define TOOL_SHARED "build/fipsmod"
#define TOOL_STATIC "build/fipsmod-static"
#define RUN_TIMEOUT_S 120
#define MAX_ARGS 32

static tu_suite suite;
static char scratch[PATH_MAX / 2];
static const char *tool = TOOL_SHARED;
static const char *cpu_env; /* FIPSMOD_CPU for the children, NULL: unset */
static bool have_openssl;
static double t_start;
static double t_case; /* when the running test started */
static unsigned long nruns; /* child processes started */

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- paths and files -------------------------------------------------------------------- */

/*
 * The path of a file in the scratch directory. One name always gives the
 * same pointer, valid until exit (the table is freed by at_exit).
 */
#define MAX_PATHS 256
static struct {
    char *name, *path;
} paths[MAX_PATHS];
static size_t npaths;

static const char *S(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *S(const char *fmt, ...)
{
    char name[PATH_MAX / 2];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < npaths; i++)
        if (strcmp(paths[i].name, name) == 0)
            return paths[i].path;
    if (npaths == MAX_PATHS)
        fail_msg("more than %d scratch file names", MAX_PATHS);
    paths[npaths].name = strdup(name);
    if (paths[npaths].name == NULL || asprintf(&paths[npaths].path, "%s/%s", scratch, name) < 0)
        fail_msg("out of memory");
    return paths[npaths++].path;
}

static uint8_t *read_all(const char *path, size_t *len)
{
    size_t cap = 4096, got = 0;
    uint8_t *buf = malloc(cap + 1);
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    assert_non_null(buf);
    if (fd < 0)
        fail_msg("%s: %s", path, strerror(errno));
    for (;;) {
        ssize_t n;

        if (got == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            assert_non_null(buf);
        }
        n = read(fd, buf + got, cap - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            fail_msg("read %s: %s", path, strerror(errno));
        if (n == 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    buf[got] = '\0'; /* so that text files can be used as strings */
    *len = got;
    return buf;
}

static void write_file(const char *path, const void *p, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const uint8_t *b = p;

    if (fd < 0)
        fail_msg("%s: %s", path, strerror(errno));
    while (n > 0) {
        ssize_t w = write(fd, b, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            fail_msg("write %s: %s", path, strerror(errno));
        b += w;
        n -= (size_t)w;
    }
    close(fd);
}

/* Copy `from` to `to` with one bit flipped at byte `pos` (from the end when negative). */
static void flip_copy(const char *from, const char *to, long pos)
{
    size_t n;
    uint8_t *p = read_all(from, &n);
    size_t at = pos < 0 ? n - (size_t)(-pos) : (size_t)pos;

    assert_true(at < n);
    p[at] ^= 0x01;
    write_file(to, p, n);
    free(p);
}

/* Copy the first `keep` bytes (or all but -keep when negative). */
static void truncate_copy(const char *from, const char *to, long keep)
{
    size_t n;
    uint8_t *p = read_all(from, &n);
    size_t k = keep < 0 ? n - (size_t)(-keep) : (size_t)keep;

    assert_true(k <= n);
    write_file(to, p, k);
    free(p);
}

static bool files_equal(const char *a, const char *b)
{
    size_t na, nb;
    uint8_t *pa = read_all(a, &na), *pb = read_all(b, &nb);
    bool eq = na == nb && memcmp(pa, pb, na) == 0;

    free(pa);
    free(pb);
    return eq;
}

static void expect_files_equal(const char *got, const char *want, const char *what)
{
    if (!files_equal(got, want))
        fail_msg("%s: %s differs from %s", what, got, want);
}

static size_t file_size(const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0)
        fail_msg("stat %s: %s", path, strerror(errno));
    return (size_t)st.st_size;
}

static mode_t file_mode(const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0)
        fail_msg("stat %s: %s", path, strerror(errno));
    return st.st_mode & 07777;
}

static void random_file(const char *path, tu_rng *rng, size_t n)
{
    uint8_t *p = malloc(n + 1);

    assert_non_null(p);
    tu_rng_fill(rng, p, n);
    write_file(path, p, n);
    free(p);
}

/* ---- running programs --------------------------------------------------------------------- */

typedef struct {
    int status;   /* wait status */
    char *out;    /* standard output, NUL-terminated */
    size_t outlen;
    char *err;    /* standard error, NUL-terminated */
    char cmdline[512];
} run_result;

/* Run argv (argv[0] a path, or a name looked up in PATH) with standard input from `in`. */
static void run_argv(run_result *r, const char *in, char *const argv[])
{
    const char *outp = S("run.stdout"), *errp = S("run.stderr");
    int fin = open(in != NULL ? in : "/dev/null", O_RDONLY | O_CLOEXEC);
    int fout = open(outp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int ferr = open(errp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    size_t n = 0, errlen;
    pid_t pid;

    if (fin < 0 || fout < 0 || ferr < 0)
        fail_msg("cannot set up the streams of %s: %s", argv[0], strerror(errno));
    memset(r, 0, sizeof *r);
    for (size_t i = 0; argv[i] != NULL && n < sizeof r->cmdline - 1; i++)
        n += (size_t)snprintf(r->cmdline + n, sizeof r->cmdline - n, "%s%s", i ? " " : "",
                              argv[i]);
    fflush(stdout);
    nruns++;
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (dup2(fin, 0) < 0 || dup2(fout, 1) < 0 || dup2(ferr, 2) < 0)
            _exit(126);
        if (cpu_env != NULL)
            setenv("FIPSMOD_CPU", cpu_env, 1);
        else
            unsetenv("FIPSMOD_CPU");
        alarm(RUN_TIMEOUT_S);
        execvp(argv[0], argv);
        dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(fin);
    close(fout);
    close(ferr);
    while (waitpid(pid, &r->status, 0) < 0)
        assert_int_equal(errno, EINTR);
    r->out = (char *)read_all(outp, &r->outlen);
    r->err = (char *)read_all(errp, &errlen);
}

static void run_va(run_result *r, const char *in, const char *prog, va_list ap)
{
    char *argv[MAX_ARGS + 2];
    size_t n = 0;
    char *a;

    argv[n++] = (char *)prog;
    while ((a = va_arg(ap, char *)) != NULL) {
        if (n > MAX_ARGS)
            fail_msg("too many arguments");
        argv[n++] = a;
    }
    argv[n] = NULL;
    run_argv(r, in, argv);
}

/* The tool with the NULL-terminated arguments that follow; standard input from `in`. */
static void fm_in(run_result *r, const char *in, ...)
{
    va_list ap;

    va_start(ap, in);
    run_va(r, in, tool, ap);
    va_end(ap);
}

static void ossl_in(run_result *r, const char *in, ...)
{
    va_list ap;

    va_start(ap, in);
    run_va(r, in, "openssl", ap);
    va_end(ap);
}

#define FM(r, ...) fm_in((r), NULL, __VA_ARGS__, (char *)NULL)
#define OSSL(r, ...) ossl_in((r), NULL, __VA_ARGS__, (char *)NULL)

static void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

static int exit_code(const run_result *r)
{
    return WIFEXITED(r->status) ? WEXITSTATUS(r->status) : -1;
}

static void expect_exit(const run_result *r, int code)
{
    if (exit_code(r) != code)
        fail_msg("`%s`: expected exit status %d, got wait status 0x%x\nstdout: %s\nstderr: %s",
                 r->cmdline, code, (unsigned)r->status, r->out, r->err);
}

/* Run, expect success, free. */
#define FM_RUN_OK(...)                                                                         \
    do {                                                                                       \
        run_result r_;                                                                         \
        FM(&r_, __VA_ARGS__);                                                                  \
        expect_exit(&r_, 0);                                                                   \
        run_free(&r_);                                                                         \
    } while (0)
#define OSSL_RUN_OK(...)                                                                       \
    do {                                                                                       \
        run_result r_;                                                                         \
        OSSL(&r_, __VA_ARGS__);                                                                \
        expect_exit(&r_, 0);                                                                   \
        run_free(&r_);                                                                         \
    } while (0)

static void expect_stdout(const run_result *r, const char *want)
{
    if (strcmp(r->out, want) != 0)
        fail_msg("`%s`: standard output is \"%s\", expected \"%s\"\nstderr: %s", r->cmdline,
                 r->out, want, r->err);
}

/* Verified OK / Verification failure, from the tool or from openssl dgst. */
static void expect_verified(const run_result *r, bool ok)
{
    expect_stdout(r, ok ? "Verified OK\n" : "Verification failure\n");
    expect_exit(r, ok ? 0 : 1);
}

static size_t count_lines(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++)
        n += *s == '\n';
    return n;
}

/*
 * A failed tool run: exit status `code`, nothing on standard output, and on
 * standard error one line (two for usage errors: the pointer to `help`)
 * starting "fipsmod" and containing every string of the NULL-terminated list.
 */
static void expect_error(const run_result *r, int code, ...)
{
    const char *want;
    va_list ap;

    expect_exit(r, code);
    if (r->outlen != 0)
        fail_msg("`%s`: failed, yet wrote %zu bytes on standard output", r->cmdline,
                 r->outlen);
    if (strncmp(r->err, "fipsmod", 7) != 0 || count_lines(r->err) != (code == 2 ? 2u : 1u))
        fail_msg("`%s`: expected a %s-line message starting 'fipsmod' on stderr, got: %s",
                 r->cmdline, code == 2 ? "two" : "one", r->err);
    va_start(ap, code);
    while ((want = va_arg(ap, const char *)) != NULL)
        if (strstr(r->err, want) == NULL)
            fail_msg("`%s`: the message does not mention \"%s\": %s", r->cmdline, want, r->err);
    va_end(ap);
}


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

static void need_openssl(void)
{
    if (!have_openssl) {
        printf("SKIP: the openssl command is not installed (it is the oracle)\n");
        skip();
    }
}

/* The key fipsmod generated (and its public key by OpenSSL), made on first use. */
static struct keyset *fm_keys(const struct curve *c)
{
    struct keyset *k = &keysets[curve_index(c)];

    if (!k->fm_ready) {
        snprintf(k->fm_key, sizeof k->fm_key, "%s", S("fm-%s.pem", c->name));
        snprintf(k->fm_pub, sizeof k->fm_pub, "%s", S("fm-%s.pub.pem", c->name));
        FM_RUN_OK("genpkey", "-ec", (char *)c->name, "-out", k->fm_key);
        OSSL_RUN_OK("pkey", "-in", k->fm_key, "-pubout", "-out", k->fm_pub);
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
        snprintf(k->os_key, sizeof k->os_key, "%s", S("os-%s.pem", c->name));
        snprintf(k->os_pub, sizeof k->os_pub, "%s", S("os-%s.pub.pem", c->name));
        snprintf(opt, sizeof opt, "ec_paramgen_curve:%s", c->name);
        OSSL_RUN_OK("genpkey", "-algorithm", "EC", "-pkeyopt", opt, "-out", k->os_key);
        OSSL_RUN_OK("pkey", "-in", k->os_key, "-pubout", "-out", k->os_pub);
        k->os_ready = true;
    }
    return k;
}

/* The time the test took, after its summary line. */
static void took(void)
{
    printf("  (%.1f s)\n", now_s() - t_case);
}

static const struct curve *case_curve(void **state)
{
    const tu_case *tc = tu_begin(state);

    t_case = now_s();
    tool = TOOL_SHARED;
    cpu_env = NULL;
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
    run_result r;

    OSSL(&r, "pkey", "-in", key, "-check", "-noout");
    expect_exit(&r, 0);
    if (strstr(r.out, "Key is valid") == NULL)
        fail_msg("openssl pkey -check %s: %s%s", key, r.out, r.err);
    run_free(&r);
    OSSL(&r, "ec", "-in", key, "-check", "-noout");
    expect_exit(&r, 0);
    if (strstr(r.out, "EC Key valid.") == NULL && strstr(r.err, "EC Key valid.") == NULL)
        fail_msg("openssl ec -check %s: %s%s", key, r.out, r.err);
    run_free(&r);
    OSSL(&r, "pkey", "-in", key, "-text", "-noout");
    expect_exit(&r, 0);
    snprintf(want, sizeof want, "ASN1 OID: %s", c->ossl_oid);
    if (strstr(r.out, want) == NULL)
        fail_msg("openssl pkey -text %s: expected \"%s\": %s", key, want, r.out);
    snprintf(want, sizeof want, "NIST CURVE: %s", c->name);
    if (strstr(r.out, want) == NULL)
        fail_msg("openssl pkey -text %s: expected \"%s\": %s", key, want, r.out);
    run_free(&r);
}

static void test_genpkey(void **state)
{
    const struct curve *c = case_curve(state);
    struct keyset *k;
    size_t len;
    uint8_t *pem;
    run_result r;

    need_openssl();
    k = fm_keys(c);
    if (file_mode(k->fm_key) != 0600)
        fail_msg("genpkey -out: mode %o, expected 600", (unsigned)file_mode(k->fm_key));
    pem = read_all(k->fm_key, &len);
    if (strncmp((char *)pem, "-----BEGIN PRIVATE KEY-----\n", 28) != 0 ||
        len < 26 || strcmp((char *)pem + len - 26, "-----END PRIVATE KEY-----\n") != 0 ||
        strstr((char *)pem + 28, "-----BEGIN") != NULL)
        fail_msg("genpkey: not one PKCS#8 PEM block: %s", (char *)pem);
    free(pem);
    expect_valid_ec_key(k->fm_key, c);

    /* Already in OpenSSL's own encoding; -pubout the same as OpenSSL's. */
    OSSL_RUN_OK("pkey", "-in", k->fm_key, "-out", S("g.os.pem"));
    expect_files_equal(S("g.os.pem"), k->fm_key, "openssl pkey of the generated key");
    FM_RUN_OK("pkey", "-in", k->fm_key, "-out", S("g.fm.pem"));
    expect_files_equal(S("g.fm.pem"), k->fm_key, "fipsmod pkey of the generated key");
    FM_RUN_OK("pkey", "-in", k->fm_key, "-pubout", "-out", S("g.pub.pem"));
    expect_files_equal(S("g.pub.pem"), k->fm_pub, "fipsmod pkey -pubout vs openssl pkey -pubout");

    /* The SEC 2 name, and the NIST name in lower case; to standard output. */
    FM(&r, "genpkey", "-ec", (char *)c->alias);
    expect_exit(&r, 0);
    write_file(S("g.alias.pem"), r.out, r.outlen);
    run_free(&r);
    expect_valid_ec_key(S("g.alias.pem"), c);
    if (files_equal(S("g.alias.pem"), k->fm_key))
        fail_msg("two genpkey runs gave the same key");
    {
        char lower[16];

        snprintf(lower, sizeof lower, "%s", c->name);
        lower[0] = 'p';
        FM_RUN_OK("genpkey", "-ec", lower, "-out", S("g.lower.pem"));
        expect_valid_ec_key(S("g.lower.pem"), c);
    }
    if (strcmp(c->name, "P-256") == 0) {
        FM_RUN_OK("genpkey", "-ec", "prime256v1", "-out", S("g.prime.pem"));
        expect_valid_ec_key(S("g.prime.pem"), c);
        /* -out over an existing 0644 file: the key file is 0600 all the same. */
        write_file(S("g.existing.pem"), "old\n", 4);
        assert_int_equal(chmod(S("g.existing.pem"), 0644), 0);
        FM_RUN_OK("genpkey", "-ec", "P-256", "-out", S("g.existing.pem"));
        if (file_mode(S("g.existing.pem")) != 0600)
            fail_msg("genpkey -out over a 0644 file left mode %o",
                     (unsigned)file_mode(S("g.existing.pem")));
    }
    printf("  fipsmod genpkey -ec %s (and %s): openssl pkey -check, ec -check pass; PKCS#8 PEM "
           "as openssl writes it; -pubout = openssl's\n", c->name, c->alias);
    took();
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
    char *argv[MAX_ARGS + 2];
    const char *fout = S("pk.fm.out"), *oout = S("pk.os.out");
    run_result r;
    size_t n = 0;

    argv[n++] = (char *)tool;
    argv[n++] = "pkey";
    argv[n++] = "-in";
    argv[n++] = (char *)in->path;
    for (size_t i = 0; fm_opts[i] != NULL; i++)
        argv[n++] = (char *)fm_opts[i];
    argv[n++] = "-out";
    argv[n++] = (char *)fout;
    argv[n] = NULL;
    run_argv(&r, NULL, argv);
    expect_exit(&r, 0);
    run_free(&r);

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
    run_argv(&r, NULL, argv);
    expect_exit(&r, 0);
    run_free(&r);
    if (!files_equal(fout, oout))
        fail_msg("pkey %s, %s: fipsmod's output differs from OpenSSL's", in->what, what);
}

static void test_pkey_forms(void **state)
{
    const struct curve *c = case_curve(state);
    struct keyset *k;
    size_t ninputs = 0, ncmp = 0;
    struct pkey_input in[16];
    char curve_opt[40];

    need_openssl();
    k = os_keys(c);
    snprintf(curve_opt, sizeof curve_opt, "%s", c->ossl_oid);
#define IN(p, d, pub, w) (in[ninputs++] = (struct pkey_input){ (p), (d), (pub), (w), false })
    IN(k->os_key, false, false, "PKCS#8 PEM");
    OSSL_RUN_OK("pkcs8", "-topk8", "-nocrypt", "-in", k->os_key, "-outform", "DER", "-out",
                S("pk.p8.der"));
    IN(S("pk.p8.der"), true, false, "PKCS#8 DER");
    OSSL_RUN_OK("ec", "-in", k->os_key, "-out", S("pk.sec1.pem"));
    IN(S("pk.sec1.pem"), false, false, "SEC1 PEM");
    OSSL_RUN_OK("ec", "-in", k->os_key, "-outform", "DER", "-out", S("pk.sec1.der"));
    IN(S("pk.sec1.der"), true, false, "SEC1 DER");
    IN(k->os_pub, false, true, "SPKI PEM");
    OSSL_RUN_OK("pkey", "-in", k->os_key, "-pubout", "-outform", "DER", "-out", S("pk.spki.der"));
    IN(S("pk.spki.der"), true, true, "SPKI DER");
    OSSL_RUN_OK("ec", "-in", k->os_key, "-conv_form", "compressed", "-out", S("pk.sec1c.pem"));
    IN(S("pk.sec1c.pem"), false, false, "SEC1 PEM, compressed point");
    in[ninputs - 1].compressed = true;
    OSSL_RUN_OK("pkey", "-in", k->os_key, "-ec_conv_form", "compressed", "-out", S("pk.p8c.pem"));
    IN(S("pk.p8c.pem"), false, false, "PKCS#8 PEM, compressed point");
    in[ninputs - 1].compressed = true;
    OSSL_RUN_OK("ec", "-in", k->os_key, "-pubout", "-conv_form", "compressed", "-outform", "DER",
                "-out", S("pk.spkic.der"));
    IN(S("pk.spkic.der"), true, true, "SPKI DER, compressed point");
    OSSL_RUN_OK("ec", "-in", k->os_key, "-no_public", "-out", S("pk.nopub.pem"));
    IN(S("pk.nopub.pem"), false, false, "SEC1 PEM without publicKey");
    OSSL_RUN_OK("ec", "-in", k->os_key, "-no_public", "-outform", "DER", "-out",
                S("pk.nopub.der"));
    IN(S("pk.nopub.der"), true, false, "SEC1 DER without publicKey");
    OSSL_RUN_OK("ecparam", "-name", curve_opt, "-genkey", "-out", S("pk.ecparam.pem"));
    IN(S("pk.ecparam.pem"), false, false, "ecparam -genkey (EC PARAMETERS, EC PRIVATE KEY)");
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
    FM_RUN_OK("pkey", "-in", S("pk.sec1c.pem"), "-outform", "DER", "-out", S("pk.rt1"));
    FM_RUN_OK("pkey", "-in", S("pk.rt1"), "-outform", "DER", "-out", S("pk.rt2"));
    expect_files_equal(S("pk.rt2"), S("pk.rt1"), "fipsmod pkey of its own PKCS#8 DER");
    printf("  %s: OpenSSL key in %zu files (PKCS#8, SEC1, SPKI; PEM, DER; compressed; without "
           "publicKey; ecparam -genkey): %zu outputs = OpenSSL's bytes\n", c->name, ninputs,
           ncmp);
    took();
}

/* ---- sign and verify --------------------------------------------------------------------------- */

/* fipsmod verify: expect "Verified OK" (ok) or "Verification failure". */
static void fm_verify(const char *pub, const struct digest *d, const char *sig, const char *msg,
                      bool ok)
{
    run_result r;

    FM(&r, "verify", "-pubkey", pub, d->opt, "-sig", sig, "-in", msg);
    expect_verified(&r, ok);
    run_free(&r);
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
    run_result r;

    OSSL(&r, "dgst", d->opt, "-verify", pub, "-signature", sig, msg);
    if (!ok && r.outlen == 0 && strstr(r.err, "Error verifying data") != NULL)
        expect_exit(&r, 1);
    else
        expect_verified(&r, ok);
    run_free(&r);
}

/* A DER ECDSA-Sig-Value of plausible size for the curve. */
static void check_sig_shape(const char *sig, const struct curve *c)
{
    size_t n;
    uint8_t *p = read_all(sig, &n);

    if (n < 8 || n > 2 * (c->bytes + 3) + 3 || p[0] != 0x30)
        fail_msg("%s: %zu bytes starting %02x: not an ECDSA-Sig-Value for %s", sig, n,
                 n ? p[0] : 0, c->name);
    free(p);
}

static void sign_verify_one(const char *key, const char *pub, const struct curve *c,
                            const struct digest *d, const char *msg)
{
    const char *fs = S("sv.fm.sig"), *fs2 = S("sv.fm2.sig"), *os = S("sv.os.sig");

    FM_RUN_OK("sign", "-key", key, d->opt, "-in", msg, "-out", fs);
    check_sig_shape(fs, c);
    os_verify(pub, d, fs, msg, true);
    fm_verify(pub, d, fs, msg, true);
    fm_verify(key, d, fs, msg, true); /* a private key file works too */
    /* k is random: a second signature differs, and verifies too. */
    FM_RUN_OK("sign", "-key", key, d->opt, "-in", msg, "-out", fs2);
    if (files_equal(fs, fs2))
        fail_msg("two ECDSA signatures of the same message are equal");
    os_verify(pub, d, fs2, msg, true);
    OSSL_RUN_OK("dgst", d->opt, "-sign", key, "-out", os, msg);
    fm_verify(pub, d, os, msg, true);
    fm_verify(key, d, os, msg, true);
}

static void test_sign_verify(void **state)
{
    const struct curve *c = case_curve(state);
    const tu_case *tc = *state;
    struct keyset *fk, *ok;
    const char *msg = S("sv.msg"), *pubc = S("sv.pubc.pem");
    tu_rng rng;

    need_openssl();
    fk = fm_keys(c);
    ok = os_keys(c);
    tu_rng_init_named(&rng, tc->name);
    for (size_t i = 0; i < NDIGESTS; i++) {
        const struct digest *d = &digests[i];
        /* 0 bytes, 200 KiB + 1 (four 64 KiB reads and a bit), a few. */
        size_t len = i == 0 ? 0 : i == 1 ? 200 * 1024 + 1 : 1 + tu_rng_below(&rng, 5000);

        random_file(msg, &rng, len);
        sign_verify_one(fk->fm_key, fk->fm_pub, c, d, msg);
        sign_verify_one(ok->os_key, ok->os_pub, c, d, msg);
    }
    /* A public key with a compressed point verifies the same. */
    OSSL_RUN_OK("ec", "-in", ok->os_key, "-pubout", "-conv_form", "compressed", "-out", pubc);
    OSSL_RUN_OK("dgst", "-sha256", "-sign", ok->os_key, "-out", S("sv.c.sig"), msg);
    fm_verify(pubc, &digests[1], S("sv.c.sig"), msg, true);
    printf("  %s, 6 digests x (fipsmod key, OpenSSL key): fipsmod sign -> openssl dgst -verify, "
           "openssl dgst -sign -> fipsmod verify\n", c->name);
    took();
}

static void test_verify_failures(void **state)
{
    const struct curve *c = case_curve(state);
    const tu_case *tc = *state;
    size_t ci = curve_index(c);
    const struct digest *d = &digests[(ci * 2 + 1) % NDIGESTS];
    const struct digest *other = &digests[(ci * 2 + 2) % NDIGESTS];
    const char *msg = S("vf.msg"), *msg2 = S("vf.msg2"), *sig = S("vf.sig"), *sig2 = S("vf.sig2");
    struct keyset *fk, *ok, *ck;
    size_t siglen;
    tu_rng rng;

    need_openssl();
    fk = fm_keys(c);
    ok = os_keys(c);
    ck = os_keys(&curves[(ci + 1) % NCURVES]);
    tu_rng_init_named(&rng, tc->name);
    random_file(msg, &rng, 1000);
    FM_RUN_OK("sign", "-key", fk->fm_key, d->opt, "-in", msg, "-out", sig);
    fm_verify(fk->fm_pub, d, sig, msg, true);
    siglen = file_size(sig);

    /* A flipped bit in the message. */
    flip_copy(msg, msg2, 500);
    fm_verify(fk->fm_pub, d, sig, msg2, false);
    os_verify(fk->fm_pub, d, sig, msg2, false);
    /* A flipped bit in the signature: the SEQUENCE tag and length, r's
     * header and value, s's last octet. */
    {
        const long at[] = { 0, 1, 2, 3, 6, 10, (long)siglen / 2, -1 };

        for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
            flip_copy(sig, sig2, at[i]);
            fm_verify(fk->fm_pub, d, sig2, msg, false);
            os_verify(fk->fm_pub, d, sig2, msg, false);
        }
    }
    /* Truncated, extended, empty, raw r || s (P1363) instead of DER. */
    truncate_copy(sig, sig2, -1);
    fm_verify(fk->fm_pub, d, sig2, msg, false);
    os_verify(fk->fm_pub, d, sig2, msg, false);
    {
        size_t n;
        uint8_t *p = read_all(sig, &n);

        p = realloc(p, n + 1);
        assert_non_null(p);
        p[n] = 0x00;
        write_file(sig2, p, n + 1);
        /* Not asked of OpenSSL: `openssl dgst -verify` reads at most
         * EVP_PKEY_size() octets of the file (72 for P-256, 139 for P-521),
         * so after a signature of the largest size it never sees the extra
         * octet and says "Verified OK". fipsmod reads the whole file. */
        fm_verify(fk->fm_pub, d, sig2, msg, false);
        free(p);
    }
    write_file(sig2, "", 0);
    fm_verify(fk->fm_pub, d, sig2, msg, false);
    random_file(sig2, &rng, 2 * c->bytes);
    fm_verify(fk->fm_pub, d, sig2, msg, false);
    /* r = 0: 30 06 02 01 00 02 01 01 */
    write_file(sig2, "\x30\x06\x02\x01\x00\x02\x01\x01", 8);
    fm_verify(fk->fm_pub, d, sig2, msg, false);
    /* A long-form SEQUENCE length where the short form fits (BER, not DER). */
    {
        size_t n;
        uint8_t *p = read_all(sig, &n);

        if (p[1] < 0x80) {
            uint8_t *q = malloc(n + 1);

            assert_non_null(q);
            q[0] = 0x30;
            q[1] = 0x81;
            memcpy(q + 2, p + 1, n - 1);
            write_file(sig2, q, n + 1);
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
    took();
}

/* ---- errors ------------------------------------------------------------------------------- */

/* A copy of a PEM file with its BEGIN/END label replaced. */
static void relabel(const char *from, const char *to, const char *label)
{
    size_t n;
    char *p = (char *)read_all(from, &n);
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
    const char *msg = S("e.msg"), *sig = S("e.sig");
    const char *explicit = S("e.explicit.pem"), *k1 = S("e.k1.pem"), *enc = S("e.enc.pem");
    const char *params = S("e.params.pem"), *hybrid = S("e.hybrid.pem");
    const char *sec1 = S("e.sec1.der"), *trunc = S("e.trunc.der"), *bad = S("e.bad.der");
    const char *spki = S("e.spki.der"), *offcurve = S("e.offcurve.der");
    const char *nopub = S("e.nopub.der"), *zero = S("e.zero.der");
    const char *mis1 = S("e.mis1.pem"), *mis2 = S("e.mis2.pem"), *rsakey = S("e.rsa.pem");
    struct keyset *k, *k2;
    run_result r;
    tu_rng rng;

    need_openssl();
    k = os_keys(c);
    k2 = fm_keys(c);
    tu_rng_init_named(&rng, "errors");
    random_file(msg, &rng, 100);
    FM_RUN_OK("sign", "-key", k->os_key, "-sha256", "-in", msg, "-out", sig);

    /* Well-formed EC keys the module does not take: exit status 3, with the reason. */
    OSSL_RUN_OK("ec", "-in", k->os_key, "-param_enc", "explicit", "-out", explicit);
    FM(&r, "sign", "-key", explicit, "-sha256", "-in", msg);
    expect_error(&r, 3, explicit, "explicit", "named_curve", "FM_ERR_UNSUPPORTED", NULL);
    run_free(&r);
    OSSL_RUN_OK("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1", "-out",
                k1);
    FM(&r, "pkey", "-in", k1);
    expect_error(&r, 3, k1, "secp256k1", "1.3.132.0.10", NULL);
    run_free(&r);
    OSSL_RUN_OK("pkcs8", "-topk8", "-in", k->os_key, "-v2", "aes-256-cbc", "-passout", "pass:pw",
                "-out", enc);
    FM(&r, "sign", "-key", enc, "-sha256", "-in", msg);
    expect_error(&r, 3, enc, "encrypted", "openssl pkey", NULL);
    run_free(&r);
    OSSL_RUN_OK("ec", "-in", k->os_key, "-conv_form", "hybrid", "-out", hybrid);
    FM(&r, "pkey", "-in", hybrid);
    expect_error(&r, 3, hybrid, "hybrid", NULL);
    run_free(&r);
    OSSL_RUN_OK("ecparam", "-name", "prime256v1", "-out", params);
    FM(&r, "pkey", "-in", params);
    expect_error(&r, 1, params, "EC PARAMETERS", NULL);
    run_free(&r);

    /* Malformed, and well formed but refused by the module's checks. */
    OSSL_RUN_OK("ec", "-in", k->os_key, "-outform", "DER", "-out", sec1);
    truncate_copy(sec1, trunc, -5);
    FM(&r, "pkey", "-in", trunc);
    expect_error(&r, 1, trunc, "FM_ERR_DECODE", NULL);
    run_free(&r);
    {
        /* SEC1 of one key with the point of another: d and Q do not match. */
        size_t n, m, plen = 1 + 2 * c->bytes;
        uint8_t *a = read_all(sec1, &n), *b;

        OSSL_RUN_OK("pkey", "-in", k2->fm_key, "-pubout", "-outform", "DER", "-out", spki);
        b = read_all(spki, &m);
        memcpy(a + n - plen, b + m - plen, plen);
        write_file(bad, a, n);
        /* The point off the curve: its last octet changed. */
        b[m - 1] ^= 0x01;
        write_file(offcurve, b, m);
        free(a);
        free(b);
    }
    FM(&r, "sign", "-key", bad, "-sha256", "-in", msg);
    expect_error(&r, 1, bad, "fm_ec_key_import", "FM_ERR_KEY", NULL);
    run_free(&r);
    FM(&r, "verify", "-pubkey", offcurve, "-sha256", "-sig", sig, "-in", msg);
    expect_error(&r, 1, offcurve, "not on the curve", "FM_ERR_KEY", NULL);
    run_free(&r);
    {
        /* d = 0 (without publicKey, so only d is checked): 30 L 02 01 01 04 B <d> a0 ... */
        size_t n;
        uint8_t *a;

        OSSL_RUN_OK("ec", "-in", k->os_key, "-no_public", "-outform", "DER", "-out", nopub);
        a = read_all(nopub, &n);
        assert_int_equal(a[5], 0x04);
        memset(a + 7, 0, c->bytes);
        write_file(zero, a, n);
        free(a);
    }
    FM(&r, "pkey", "-in", zero);
    expect_error(&r, 1, zero, "FM_ERR_KEY", NULL);
    run_free(&r);

    /* Labels that do not match the contents. */
    relabel(k->os_key, mis1, "EC PRIVATE KEY"); /* PKCS#8 inside */
    FM(&r, "pkey", "-in", mis1);
    expect_error(&r, 1, mis1, "EC PRIVATE KEY", "PKCS#8", NULL);
    run_free(&r);
    OSSL_RUN_OK("ec", "-in", k->os_key, "-out", S("e.sec1.pem"));
    relabel(S("e.sec1.pem"), mis2, "RSA PRIVATE KEY"); /* SEC1 inside */
    FM(&r, "pkey", "-in", mis2);
    expect_error(&r, 1, mis2, "RSA PRIVATE KEY", "EC key", NULL);
    run_free(&r);

    /* The wrong kind of key for the operation. */
    FM(&r, "sign", "-key", k->os_pub, "-sha256", "-in", msg);
    expect_error(&r, 1, k->os_pub, "public key", NULL);
    run_free(&r);
    FM(&r, "encrypt", "-pubkey", k->os_pub, "-oaep", "-sha256", "-in", msg);
    expect_error(&r, 3, k->os_pub, "EC key", "RSA keys only", NULL);
    run_free(&r);
    FM(&r, "decrypt", "-key", sec1, "-oaep", "-sha256", "-in", msg);
    expect_error(&r, 3, sec1, "EC key", "RSA keys only", NULL);
    run_free(&r);

    /* Options (usage errors: exit status 2). */
    FM(&r, "sign", "-key", k->os_key, "-sha256", "-pss", "-in", msg);
    expect_error(&r, 2, "-pss", "EC key", NULL);
    run_free(&r);
    FM(&r, "verify", "-pubkey", k->os_pub, "-sha256", "-pss", "-saltlen", "auto", "-sig", sig,
       "-in", msg);
    expect_error(&r, 2, "-pss", "EC key", NULL);
    run_free(&r);
    FM(&r, "sign", "-key", k->os_key, "-sha1", "-in", msg);
    expect_error(&r, 2, "unsupported digest", NULL);
    run_free(&r);
    FM(&r, "genpkey", "-ec", "P-224");
    expect_error(&r, 2, "P-224", "P-256, P-384 or P-521", NULL);
    run_free(&r);
    FM(&r, "genpkey", "-ec", "secp256k1");
    expect_error(&r, 2, "secp256k1", NULL);
    run_free(&r);
    FM(&r, "genpkey", "-ec");
    expect_error(&r, 2, "needs a value", NULL);
    run_free(&r);
    FM(&r, "genpkey", "-rsa", "2048", "-ec", "P-256");
    expect_error(&r, 2, "not both", NULL);
    run_free(&r);
    FM(&r, "genpkey");
    expect_error(&r, 2, "-rsa", "-ec", NULL);
    run_free(&r);
    FM(&r, "pkey", "-in", k->os_key, "-ec_conv_form", "hybrid");
    expect_error(&r, 2, "hybrid", NULL);
    run_free(&r);
    OSSL_RUN_OK("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
                rsakey);
    FM(&r, "pkey", "-in", rsakey, "-ec_conv_form", "compressed");
    expect_error(&r, 2, "EC keys", NULL);
    run_free(&r);
    /* An RSA key still signs through the same command. */
    FM_RUN_OK("sign", "-key", rsakey, "-sha256", "-in", msg, "-out", S("e.rsa.sig"));
    printf("  explicit parameters, secp256k1, encrypted, hybrid, parameters only, truncated, "
           "mismatched d/Q, point off the curve, d = 0, mislabelled, wrong key kind, options: "
           "the right status, one clear line\n");
    took();
}

/* ---- help, static tool, portable code --------------------------------------------------------- */

static void test_help(void **state)
{
    static const char *const cmds[] = { "genpkey", "pkey", "sign", "verify" };
    run_result r;

    (void)case_curve(state);
    FM(&r, "help");
    expect_exit(&r, 0);
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
    run_free(&r);
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        char want[40];

        snprintf(want, sizeof want, "usage: fipsmod %s ", cmds[i]);
        FM(&r, "help", (char *)cmds[i]);
        expect_exit(&r, 0);
        if (strncmp(r.out, want, strlen(want)) != 0 || strstr(r.out, "Exit status") == NULL ||
            strstr(r.out, "Examples:") == NULL || strstr(r.out, "EC") == NULL)
            fail_msg("fipsmod help %s: %s", cmds[i], r.out);
        run_free(&r);
    }
    FM(&r, "help", "genpkey");
    if (strstr(r.out, "-ec CURVE") == NULL || strstr(r.out, "P-521") == NULL)
        fail_msg("fipsmod help genpkey does not document -ec: %s", r.out);
    run_free(&r);
    printf("  help lists genpkey, pkey, sign, verify with EC; each documents EC keys\n");
    took();
}

static void test_static_tool(void **state)
{
    const struct curve *c = case_curve(state);
    struct keyset *k;
    const char *msg = S("s.msg"), *sig = S("s.sig"), *os = S("s.os.sig");
    run_result r;
    tu_rng rng;

    need_openssl();
    if (access(TOOL_STATIC, X_OK) != 0) {
        printf("SKIP: %s not built\n", TOOL_STATIC);
        skip();
    }
    k = os_keys(c);
    tool = TOOL_STATIC;
    tu_rng_init_named(&rng, "static");
    random_file(msg, &rng, 5000);
    FM_RUN_OK("sign", "-key", k->os_key, "-sha384", "-in", msg, "-out", sig);
    os_verify(k->os_pub, &digests[2], sig, msg, true);
    OSSL_RUN_OK("dgst", "-sha384", "-sign", k->os_key, "-out", os, msg);
    FM(&r, "verify", "-pubkey", k->os_pub, "-sha384", "-sig", os, "-in", msg);
    expect_verified(&r, true);
    run_free(&r);
    FM_RUN_OK("pkey", "-in", k->os_key, "-pubout", "-out", S("s.pub"));
    expect_files_equal(S("s.pub"), k->os_pub, "fipsmod-static pkey -pubout");
    FM_RUN_OK("genpkey", "-ec", (char *)c->name, "-out", S("s.gen.pem"));
    expect_valid_ec_key(S("s.gen.pem"), c);
    tool = TOOL_SHARED;
    printf("  fipsmod-static: genpkey, sign, verify and pkey with EC keys as OpenSSL\n");
    took();
}

/* The same operations on the portable implementations (FIPSMOD_CPU=portable). */
static void test_portable(void **state)
{
    const char *msg = S("p.msg"), *sig = S("p.sig"), *os = S("p.os.sig");
    tu_rng rng;

    (void)case_curve(state);
    need_openssl();
    tu_rng_init_named(&rng, "portable");
    random_file(msg, &rng, 70000);
    for (size_t i = 0; i < NCURVES; i++) {
        const struct curve *c = &curves[i];
        struct keyset *k = os_keys(c);
        const struct digest *d = &digests[(i * 2 + 1) % NDIGESTS];

        cpu_env = "portable";
        FM_RUN_OK("sign", "-key", k->os_key, d->opt, "-in", msg, "-out", sig);
        cpu_env = NULL;
        os_verify(k->os_pub, d, sig, msg, true);
        OSSL_RUN_OK("dgst", d->opt, "-sign", k->os_key, "-out", os, msg);
        cpu_env = "portable";
        fm_verify(k->os_pub, d, os, msg, true);
        fm_verify(k->os_pub, d, sig, msg, true);
        FM_RUN_OK("genpkey", "-ec", (char *)c->name, "-out", S("p.gen.pem"));
        FM_RUN_OK("pkey", "-in", k->os_key, "-traditional", "-out", S("p.sec1.pem"));
        cpu_env = NULL;
        expect_valid_ec_key(S("p.gen.pem"), c);
        OSSL_RUN_OK("pkey", "-in", k->os_key, "-traditional", "-out", S("p.sec1.want"));
        expect_files_equal(S("p.sec1.pem"), S("p.sec1.want"), "portable pkey -traditional");
    }
    printf("  FIPSMOD_CPU=portable: genpkey, sign (-> openssl), verify (<- openssl), pkey on "
           "P-256, P-384, P-521\n");
    took();
}

/* ---- set-up ------------------------------------------------------------------------------------ */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void at_exit(void)
{
    const char *keep = getenv("FIPSMOD_TEST_KEEP");

    printf("test_tool_ec: %lu runs of fipsmod and openssl in %.1f s\n", nruns,
           now_s() - t_start);
    for (size_t i = 0; i < npaths; i++) {
        free(paths[i].name);
        free(paths[i].path);
    }
    npaths = 0;
    if (scratch[0] == '\0')
        return;
    if (keep != NULL && *keep != '\0' && strcmp(keep, "0") != 0) {
        printf("test_tool_ec: scratch directory kept: %s\n", scratch);
        return;
    }
    (void)nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void setup(void)
{
    const char *tmp = getenv("TMPDIR");

    t_start = now_s();
    if (access(TOOL_SHARED, X_OK) != 0) {
        printf("test_tool_ec: %s missing: run `make` first (from the repository root)\n",
               TOOL_SHARED);
        exit(1);
    }
    if (tmp == NULL || *tmp == '\0' || strlen(tmp) > sizeof scratch - 64)
        tmp = "/tmp";
    snprintf(scratch, sizeof scratch, "%s/fipsmod-ec-test.XXXXXX", tmp);
    if (mkdtemp(scratch) == NULL) {
        printf("test_tool_ec: mkdtemp %s: %s\n", scratch, strerror(errno));
        exit(1);
    }
    atexit(at_exit);
    umask(022); /* the modes tested assume it */
    write_file(S("m.keep"), "keep\n", 5);
    /* run_argv uses cmocka's assertions: outside a test they would abort, so check by hand. */
    {
        pid_t pid = fork();
        int st;

        if (pid == 0) {
            int fd = open("/dev/null", O_WRONLY);

            dup2(fd, 1);
            dup2(fd, 2);
            execlp("openssl", "openssl", "version", (char *)NULL);
            _exit(127);
        }
        have_openssl = pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
                       WEXITSTATUS(st) == 0;
    }
    if (!have_openssl)
        printf("test_tool_ec: the openssl command is missing: the interoperability tests "
               "are skipped\n");
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
