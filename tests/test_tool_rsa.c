/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The RSA commands of the fipsmod tool (genpkey, pkey, sign, verify,
 * encrypt, decrypt: src/tools/cmd_genpkey.c, cmd_pkey.c, cmd_sign.c,
 * cmd_oaep.c, keyfile.c) end to end, against the `openssl` command line
 * as the oracle, both ways. The built tool, build/fipsmod, runs as a child
 * process with its standard streams captured; paths are relative to the
 * repository root, the current directory under `make test`.
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

static void copy_file(const char *from, const char *to)
{
    size_t n;
    uint8_t *p = read_all(from, &n);

    write_file(to, p, n);
    free(p);
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

static bool exists(const char *path)
{
    return access(path, F_OK) == 0;
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

static void need_openssl(void)
{
    if (!have_openssl) {
        printf("SKIP: the openssl command is not installed (it is the oracle)\n");
        skip();
    }
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
        snprintf(k->fm_key, sizeof k->fm_key, "%s", S("fm%d.pem", bits));
        snprintf(k->fm_pub, sizeof k->fm_pub, "%s", S("fm%d.pub.pem", bits));
        FM_RUN_OK("genpkey", "-rsa", (char *)bits_arg(bits), "-out", k->fm_key);
        OSSL_RUN_OK("pkey", "-in", k->fm_key, "-pubout", "-out", k->fm_pub);
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
        snprintf(k->os_key, sizeof k->os_key, "%s", S("os%d.pem", bits));
        snprintf(k->os_pub, sizeof k->os_pub, "%s", S("os%d.pub.pem", bits));
        snprintf(opt, sizeof opt, "rsa_keygen_bits:%d", bits);
        OSSL_RUN_OK("genpkey", "-algorithm", "RSA", "-pkeyopt", opt, "-out", k->os_key);
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

static int case_bits(void **state)
{
    const tu_case *tc = tu_begin(state);

    t_case = now_s();
    tool = TOOL_SHARED;
    cpu_env = NULL;
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
    run_result r;

    need_openssl();
    k = fm_keys(bits);
    if (file_mode(k->fm_key) != 0600)
        fail_msg("genpkey -out: mode %o, expected 600", (unsigned)file_mode(k->fm_key));
    pem = read_all(k->fm_key, &len);
    if (strncmp((char *)pem, "-----BEGIN PRIVATE KEY-----\n", 28) != 0 ||
        len < 26 || strcmp((char *)pem + len - 26, "-----END PRIVATE KEY-----\n") != 0)
        fail_msg("genpkey: not one PKCS#8 PEM block: %s", (char *)pem);
    free(pem);

    OSSL(&r, "pkey", "-in", k->fm_key, "-check", "-noout");
    expect_exit(&r, 0);
    if (strstr(r.out, "Key is valid") == NULL)
        fail_msg("openssl pkey -check: %s%s", r.out, r.err);
    run_free(&r);
    OSSL(&r, "rsa", "-in", k->fm_key, "-check", "-noout");
    expect_exit(&r, 0);
    if (strstr(r.out, "RSA key ok") == NULL)
        fail_msg("openssl rsa -check: %s%s", r.out, r.err);
    run_free(&r);
    OSSL(&r, "pkey", "-in", k->fm_key, "-text", "-noout");
    expect_exit(&r, 0);
    snprintf(want, sizeof want, "Private-Key: (%d bit, 2 primes)", bits);
    if (strstr(r.out, want) == NULL || strstr(r.out, "publicExponent: 65537 (0x10001)") == NULL)
        fail_msg("openssl pkey -text: expected \"%s\" and e = 65537: %s", want, r.out);
    run_free(&r);

    /* Already in OpenSSL's own encoding; -pubout the same as OpenSSL's. */
    OSSL_RUN_OK("pkey", "-in", k->fm_key, "-out", S("g.os.pem"));
    expect_files_equal(S("g.os.pem"), k->fm_key, "openssl pkey of the generated key");
    FM_RUN_OK("pkey", "-in", k->fm_key, "-out", S("g.fm.pem"));
    expect_files_equal(S("g.fm.pem"), k->fm_key, "fipsmod pkey of the generated key");
    FM_RUN_OK("pkey", "-in", k->fm_key, "-pubout", "-out", S("g.pub.pem"));
    expect_files_equal(S("g.pub.pem"), k->fm_pub, "fipsmod pkey -pubout vs openssl pkey -pubout");

    if (bits == 2048) {
        /* To standard output; a second key differs from the first. */
        FM(&r, "genpkey", "-rsa", "2048");
        expect_exit(&r, 0);
        write_file(S("g.stdout.pem"), r.out, r.outlen);
        run_free(&r);
        OSSL_RUN_OK("pkey", "-in", S("g.stdout.pem"), "-check", "-noout");
        if (files_equal(S("g.stdout.pem"), k->fm_key))
            fail_msg("two genpkey runs gave the same key");
        /* -out over an existing 0644 file: the key file is 0600 all the same. */
        write_file(S("g.existing.pem"), "old\n", 4);
        assert_int_equal(chmod(S("g.existing.pem"), 0644), 0);
        FM_RUN_OK("genpkey", "-rsa", "2048", "-out", S("g.existing.pem"));
        if (file_mode(S("g.existing.pem")) != 0600)
            fail_msg("genpkey -out over a 0644 file left mode %o",
                     (unsigned)file_mode(S("g.existing.pem")));
        OSSL_RUN_OK("rsa", "-in", S("g.existing.pem"), "-check", "-noout");
    }
    printf("  fipsmod genpkey -rsa %d: openssl pkey -check and rsa -check pass; PKCS#8 PEM as "
           "openssl writes it; -pubout = openssl's\n", bits);
    took();
}

/* ---- pkey --------------------------------------------------------------------------------- */

static void test_pkey_forms(void **state)
{
    int bits = case_bits(state);
    struct keyset *k;
    const char *p8pem, *p1pem, *p8der, *p1der, *spkipem, *spkider, *rpubpem, *rpubder;
    run_result r;
    int runs = 0;

    need_openssl();
    k = os_keys(bits);
    p8pem = k->os_key;
    p1pem = S("f.p1.pem");
    p8der = S("f.p8.der");
    p1der = S("f.p1.der");
    spkipem = S("f.spki.pem");
    spkider = S("f.spki.der");
    rpubpem = S("f.rpub.pem");
    rpubder = S("f.rpub.der");
    /* Each form as OpenSSL writes it; the DER ones are the PEM ones' contents. */
    OSSL_RUN_OK("pkey", "-in", p8pem, "-out", S("f.p8.again.pem"));
    expect_files_equal(S("f.p8.again.pem"), p8pem, "openssl genpkey writes what pkey writes");
    OSSL_RUN_OK("pkey", "-in", p8pem, "-traditional", "-out", p1pem);
    OSSL_RUN_OK("pkey", "-in", p8pem, "-pubout", "-out", spkipem);
    OSSL_RUN_OK("rsa", "-in", p8pem, "-RSAPublicKey_out", "-out", rpubpem);
    OSSL_RUN_OK("asn1parse", "-in", p8pem, "-out", p8der, "-noout");
    OSSL_RUN_OK("asn1parse", "-in", p1pem, "-out", p1der, "-noout");
    OSSL_RUN_OK("asn1parse", "-in", spkipem, "-out", spkider, "-noout");
    OSSL_RUN_OK("asn1parse", "-in", rpubpem, "-out", rpubder, "-noout");
    OSSL_RUN_OK("pkcs8", "-topk8", "-nocrypt", "-in", p8pem, "-outform", "DER", "-out",
            S("f.p8.pkcs8.der"));
    expect_files_equal(S("f.p8.pkcs8.der"), p8der, "openssl pkcs8 -topk8 -outform DER");

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
            const char *out = S("f.out");

            if (inputs[i].priv) {
                FM_RUN_OK("pkey", "-in", in, "-out", out);
                expect_files_equal(out, p8pem, in);
                FM_RUN_OK("pkey", "-in", in, "-traditional", "-out", out);
                expect_files_equal(out, p1pem, in);
                FM_RUN_OK("pkey", "-in", in, "-outform", "DER", "-out", out);
                expect_files_equal(out, p8der, in);
                FM_RUN_OK("pkey", "-in", in, "-outform", "der", "-traditional", "-out", out);
                expect_files_equal(out, p1der, in);
                FM_RUN_OK("pkey", "-in", in, "-pubout", "-out", out);
                expect_files_equal(out, spkipem, in);
                FM_RUN_OK("pkey", "-in", in, "-pubout", "-outform", "DER", "-out", out);
                expect_files_equal(out, spkider, in);
                runs += 6;
            } else {
                FM_RUN_OK("pkey", "-in", in, "-out", out);
                expect_files_equal(out, spkipem, in);
                FM_RUN_OK("pkey", "-pubin", "-in", in, "-outform", "DER", "-out", out);
                expect_files_equal(out, spkider, in);
                FM_RUN_OK("pkey", "-in", in, "-pubout", "-traditional", "-out", out);
                expect_files_equal(out, spkipem, in);
                runs += 3;
            }
        }
    }
    /* Standard input to standard output. */
    fm_in(&r, p1der, "pkey", (char *)NULL);
    expect_exit(&r, 0);
    write_file(S("f.stdout"), r.out, r.outlen);
    expect_files_equal(S("f.stdout"), p8pem, "pkey < PKCS#1 DER");
    run_free(&r);
    /* What `openssl pkey -outform DER` writes (PKCS#1 in OpenSSL 3.0) is one of ours. */
    OSSL_RUN_OK("pkey", "-in", p8pem, "-outform", "DER", "-out", S("f.os.der"));
    if (files_equal(S("f.os.der"), p1der))
        printf("  openssl pkey -outform DER wrote PKCS#1 = fipsmod pkey -outform DER "
               "-traditional\n");
    else if (files_equal(S("f.os.der"), p8der))
        printf("  openssl pkey -outform DER wrote PKCS#8 = fipsmod pkey -outform DER\n");
    else
        fail_msg("openssl pkey -outform DER wrote neither PKCS#1 nor PKCS#8 DER");
    printf("  %d-bit OpenSSL key: 8 input files x %d conversions = OpenSSL's bytes\n", bits,
           runs);
    took();
}

/* ---- sign and verify ----------------------------------------------------------------------- */

/* fipsmod verify of sig over msg; ok: the expected verdict. Extra args end with NULL. */
static void fm_verify(const char *pub, const struct digest *d, const char *sig, const char *msg,
                      int ok, ...)
{
    char *argv[MAX_ARGS + 2];
    size_t n = 0;
    run_result r;
    va_list ap;
    char *a;

    argv[n++] = (char *)tool;
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
    run_argv(&r, NULL, argv);
    expect_verified(&r, ok != 0);
    run_free(&r);
}

/* openssl dgst -verify; pss_salt NULL for PKCS#1 v1.5. */
static void os_verify(const char *pub, const struct digest *d, const char *sig, const char *msg,
                      const char *pss_salt, bool ok)
{
    char salt[64];
    run_result r;

    if (pss_salt == NULL) {
        OSSL(&r, "dgst", d->opt, "-verify", pub, "-signature", sig, msg);
    } else {
        snprintf(salt, sizeof salt, "rsa_pss_saltlen:%s", pss_salt);
        OSSL(&r, "dgst", d->opt, "-verify", pub, "-signature", sig, "-sigopt",
             "rsa_padding_mode:pss", "-sigopt", salt, msg);
    }
    expect_verified(&r, ok);
    run_free(&r);
}

static void check_siglen(const char *sig, int bits)
{
    if (file_size(sig) != (size_t)bits / 8)
        fail_msg("%s: %zu bytes, expected %d", sig, file_size(sig), bits / 8);
}

static void sign_verify_one(const char *key, const char *pub, int bits, const struct digest *d,
                            const char *msg, bool extra_salts)
{
    const char *fs = S("sv.fm.sig"), *os = S("sv.os.sig");
    char saltmax[16];
    size_t emlen = (size_t)(bits - 1 + 7) / 8;

    snprintf(saltmax, sizeof saltmax, "%zu", emlen - d->len - 2);

    /* PKCS#1 v1.5: deterministic, so the same bytes as OpenSSL's. */
    FM_RUN_OK("sign", "-key", key, d->opt, "-in", msg, "-out", fs);
    check_siglen(fs, bits);
    OSSL_RUN_OK("dgst", d->opt, "-sign", key, "-out", os, msg);
    expect_files_equal(fs, os, "PKCS#1 v1.5 signature vs openssl dgst -sign");
    os_verify(pub, d, fs, msg, NULL, true);
    fm_verify(pub, d, os, msg, true, NULL);
    fm_verify(key, d, os, msg, true, NULL); /* a private key file works too */

    /* PSS, salt = digest length (the default to sign). */
    FM_RUN_OK("sign", "-key", key, d->opt, "-pss", "-in", msg, "-out", fs);
    check_siglen(fs, bits);
    os_verify(pub, d, fs, msg, "digest", true);
    fm_verify(pub, d, fs, msg, true, "-pss", NULL);
    fm_verify(pub, d, fs, msg, true, "-pss", "-saltlen", "digest", NULL);
    fm_verify(pub, d, fs, msg, false, "-pss", "-saltlen", "max", NULL);
    OSSL_RUN_OK("dgst", d->opt, "-sign", key, "-sigopt", "rsa_padding_mode:pss", "-sigopt",
            "rsa_pss_saltlen:digest", "-out", os, msg);
    fm_verify(pub, d, os, msg, true, "-pss", "-saltlen", "digest", NULL);
    fm_verify(pub, d, os, msg, false, NULL); /* a PSS signature is not PKCS#1 v1.5 */

    /* OpenSSL's default PSS salt (the largest, in 3.0): fipsmod's default "auto" takes it. */
    OSSL_RUN_OK("dgst", d->opt, "-sign", key, "-sigopt", "rsa_padding_mode:pss", "-out", os, msg);
    fm_verify(pub, d, os, msg, true, "-pss", NULL);
    if (!extra_salts)
        return;
    fm_verify(pub, d, os, msg, true, "-pss", "-saltlen", "auto", NULL);
    fm_verify(pub, d, os, msg, true, "-pss", "-saltlen", "max", NULL);
    fm_verify(pub, d, os, msg, true, "-pss", "-saltlen", saltmax, NULL);
    fm_verify(pub, d, os, msg, false, "-pss", "-saltlen", "digest", NULL);

    /* fipsmod -saltlen max and 0. */
    FM_RUN_OK("sign", "-key", key, d->opt, "-pss", "-saltlen", "max", "-in", msg, "-out", fs);
    os_verify(pub, d, fs, msg, "max", true);
    os_verify(pub, d, fs, msg, "digest", false);
    FM_RUN_OK("sign", "-key", key, d->opt, "-pss", "-saltlen", "0", "-in", msg, "-out", fs);
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

    need_openssl();
    fk = fm_keys(bits);
    ok = os_keys(bits);
    tu_rng_init_named(&rng, tc->name);
    for (size_t i = 0; i < NDIGESTS; i++) {
        const struct digest *d = &digests[i];
        /* 0 bytes, a few, and 200 KiB + 1 (four 64 KiB reads and a bit). */
        size_t len = i == 0 ? 0 : i == 1 ? 200 * 1024 + 1 : 1 + tu_rng_below(&rng, 5000);
        const char *msg = S("sv.msg");

        random_file(msg, &rng, len);
        sign_verify_one(fk->fm_key, fk->fm_pub, bits, d, msg, i % 3 == 0);
        sign_verify_one(ok->os_key, ok->os_pub, bits, d, msg, i % 3 == 1);
    }
    printf("  %d bits, 6 digests x (fipsmod key, OpenSSL key): PKCS#1 v1.5 = openssl dgst "
           "-sign; PSS both ways\n", bits);
    took();
}

static void test_verify_failures(void **state)
{
    int bits = case_bits(state);
    const tu_case *tc = *state;
    struct keyset *fk, *ok;
    const struct digest *d = &digests[(size_t)(bits / 1024) % NDIGESTS];
    const struct digest *other = &digests[((size_t)(bits / 1024) + 1) % NDIGESTS];
    const char *msg = S("vf.msg"), *msg2 = S("vf.msg2"), *sig = S("vf.sig"), *sig2 = S("vf.sig2");
    const char *pad[2][3] = { { NULL }, { "-pss", NULL } };
    run_result r;
    tu_rng rng;

    need_openssl();
    fk = fm_keys(bits);
    ok = os_keys(bits);
    tu_rng_init_named(&rng, tc->name);
    random_file(msg, &rng, 3000);
    for (int p = 0; p < 2; p++) {
        const char *pss = pad[p][0];

        if (pss != NULL)
            FM_RUN_OK("sign", "-key", fk->fm_key, d->opt, pss, "-in", msg, "-out", sig);
        else
            FM_RUN_OK("sign", "-key", fk->fm_key, d->opt, "-in", msg, "-out", sig);
        fm_verify(fk->fm_pub, d, sig, msg, true, pss, NULL);
        /* A flipped bit in the message, first and last byte. */
        flip_copy(msg, msg2, 0);
        fm_verify(fk->fm_pub, d, sig, msg2, false, pss, NULL);
        os_verify(fk->fm_pub, d, sig, msg2, pss != NULL ? "auto" : NULL, false);
        flip_copy(msg, msg2, -1);
        fm_verify(fk->fm_pub, d, sig, msg2, false, pss, NULL);
        /* A flipped bit in the signature: first, middle, last byte. */
        flip_copy(sig, sig2, 0);
        fm_verify(fk->fm_pub, d, sig2, msg, false, pss, NULL);
        flip_copy(sig, sig2, bits / 16);
        fm_verify(fk->fm_pub, d, sig2, msg, false, pss, NULL);
        os_verify(fk->fm_pub, d, sig2, msg, pss != NULL ? "auto" : NULL, false);
        flip_copy(sig, sig2, -1);
        fm_verify(fk->fm_pub, d, sig2, msg, false, pss, NULL);
        /* Another digest, the other key. */
        fm_verify(fk->fm_pub, other, sig, msg, false, pss, NULL);
        fm_verify(ok->os_pub, d, sig, msg, false, pss, NULL);
        /* A signature one byte short, one byte long, empty: failure, with a reason. */
        truncate_copy(sig, sig2, -1);
        FM(&r, "verify", "-pubkey", fk->fm_pub, d->opt, "-sig", sig2, "-in", msg, pss);
        expect_verified(&r, false);
        if (strstr(r.err, "signature is") == NULL)
            fail_msg("a short signature: no reason given: %s", r.err);
        run_free(&r);
        {
            size_t n;
            uint8_t *p = read_all(sig, &n);

            p[n] = 0;
            write_file(sig2, p, n + 1);
            free(p);
        }
        fm_verify(fk->fm_pub, d, sig2, msg, false, pss, NULL);
        write_file(sig2, "", 0);
        fm_verify(fk->fm_pub, d, sig2, msg, false, pss, NULL);
    }
    /* Standard input as the message. */
    FM_RUN_OK("sign", "-key", ok->os_key, d->opt, "-in", msg, "-out", sig);
    fm_in(&r, msg, "verify", "-pubkey", ok->os_pub, d->opt, "-sig", sig, (char *)NULL);
    expect_verified(&r, true);
    run_free(&r);
    fm_in(&r, msg2, "verify", "-pubkey", ok->os_pub, d->opt, "-sig", sig, (char *)NULL);
    expect_verified(&r, false);
    run_free(&r);
    printf("  %d bits, %s: altered message or signature, wrong length, digest or key: "
           "\"Verification failure\", exit status 1\n", bits, d->opt + 1);
    took();
}

/* ---- OAEP ---------------------------------------------------------------------------------- */

static void os_oaep(run_result *r, bool enc, const char *key, const struct digest *d,
                    const char *label, const char *in, const char *out)
{
    char md[40], mgf[40], lab[160];

    snprintf(md, sizeof md, "rsa_oaep_md:%s", d->name);
    snprintf(mgf, sizeof mgf, "rsa_mgf1_md:%s", d->name);
    snprintf(lab, sizeof lab, "rsa_oaep_label:%s", label != NULL ? label : "");
    if (enc)
        OSSL(r, "pkeyutl", "-encrypt", "-pubin", "-inkey", key, "-in", in, "-out", out,
             "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", md, "-pkeyopt", mgf,
             label != NULL ? "-pkeyopt" : NULL, lab);
    else
        OSSL(r, "pkeyutl", "-decrypt", "-inkey", key, "-in", in, "-out", out, "-pkeyopt",
             "rsa_padding_mode:oaep", "-pkeyopt", md, "-pkeyopt", mgf,
             label != NULL ? "-pkeyopt" : NULL, lab);
}

static void fm_oaep(run_result *r, bool enc, const char *key, const struct digest *d,
                    const char *label, const char *in, const char *out)
{
    FM(r, enc ? "encrypt" : "decrypt", enc ? "-pubkey" : "-key", key, "-oaep", d->opt, "-in",
       in, "-out", out, label != NULL ? "-label" : NULL, label);
}

static void test_oaep(void **state)
{
    static const size_t which[] = { 1, 3, 0, 5, 2 }; /* sha256, sha512, sha224, ... */
    int bits = case_bits(state);
    const tu_case *tc = *state;
    const char *pt = S("o.pt"), *ct = S("o.ct"), *back = S("o.back"), *bad = S("o.bad");
    struct keyset *fk, *ok;
    run_result r;
    tu_rng rng;

    need_openssl();
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
            random_file(pt, &rng, lens[li]);
            /* fipsmod -> openssl */
            fm_oaep(&r, true, ks == fk ? fk->fm_pub : ok->os_key, d, label, pt, ct);
            expect_exit(&r, 0);
            run_free(&r);
            check_siglen(ct, bits);
            os_oaep(&r, false, ks == fk ? fk->fm_key : ok->os_key, d, label, ct, back);
            expect_exit(&r, 0);
            run_free(&r);
            expect_files_equal(back, pt, "openssl pkeyutl -decrypt of fipsmod encrypt");
            /* openssl -> fipsmod */
            os_oaep(&r, true, ks == fk ? fk->fm_pub : ok->os_pub, d, label, pt, ct);
            expect_exit(&r, 0);
            run_free(&r);
            fm_oaep(&r, false, ks == fk ? fk->fm_key : ok->os_key, d, label, ct, back);
            expect_exit(&r, 0);
            run_free(&r);
            expect_files_equal(back, pt, "fipsmod decrypt of openssl pkeyutl -encrypt");
            if (file_mode(back) != 0600)
                fail_msg("decrypt -out: mode %o, expected 600", (unsigned)file_mode(back));
        }
        /* One byte too many for the key. */
        random_file(pt, &rng, max + 1);
        fm_oaep(&r, true, fk->fm_pub, d, label, pt, S("o.never"));
        expect_error(&r, 1, pt, "too large", NULL);
        run_free(&r);
        assert_false(exists(S("o.never")));

        /* Decryption failures: nothing written, exit status 1, one message. */
        random_file(pt, &rng, 16);
        fm_oaep(&r, true, ks == fk ? fk->fm_pub : ok->os_pub, d, label, pt, ct);
        expect_exit(&r, 0);
        run_free(&r);
        {
            const char *key = ks == fk ? fk->fm_key : ok->os_key;
            const struct digest *other = &digests[(which[w] + 1) % NDIGESTS];

            flip_copy(ct, bad, 0);
            fm_oaep(&r, false, key, d, label, bad, S("o.never"));
            expect_error(&r, 1, bad, "decryption failed", "FM_ERR_DECRYPT", NULL);
            run_free(&r);
            flip_copy(ct, bad, -1);
            fm_oaep(&r, false, key, d, label, bad, S("o.never"));
            expect_error(&r, 1, "decryption failed", NULL);
            run_free(&r);
            fm_oaep(&r, false, key, d, label != NULL ? NULL : "01", ct, S("o.never"));
            expect_error(&r, 1, "decryption failed", NULL);
            run_free(&r);
            fm_oaep(&r, false, key, other, label, ct, S("o.never"));
            expect_error(&r, 1, "decryption failed", NULL);
            run_free(&r);
            fm_oaep(&r, false, ks == fk ? ok->os_key : fk->fm_key, d, label, ct,
                    S("o.never"));
            expect_error(&r, 1, "decryption failed", NULL);
            run_free(&r);
            truncate_copy(ct, bad, -1);
            fm_oaep(&r, false, key, d, label, bad, S("o.never"));
            expect_error(&r, 1, bad, "ciphertext is", NULL);
            run_free(&r);
            assert_false(exists(S("o.never")));
            /* To standard output: nothing on it either (expect_error checks). */
            flip_copy(ct, bad, 1);
            FM(&r, "decrypt", "-key", key, "-oaep", d->opt, "-in", bad,
               label != NULL ? "-label" : NULL, label);
            expect_error(&r, 1, "decryption failed", NULL);
            run_free(&r);
            /* The good one still decrypts, from standard input to standard output. */
            fm_in(&r, ct, "decrypt", "-key", key, "-oaep", d->opt,
                  label != NULL ? "-label" : NULL, label, (char *)NULL);
            expect_exit(&r, 0);
            write_file(back, r.out, r.outlen);
            run_free(&r);
            expect_files_equal(back, pt, "decrypt from standard input");
        }
    }
    printf("  %d bits: OAEP with 5 digests, with and without label, 0/32/max bytes, both "
           "ways; altered, short, wrong label/digest/key: exit 1, nothing written\n", bits);
    took();
}

/* ---- errors ---------------------------------------------------------------------------------- */

/* A PKCS#1 DER key whose d has its last bit flipped: well formed, inconsistent. */
static void make_inconsistent_key(const char *p1der, const char *out)
{
    fm_rsa_components c;
    size_t n;
    uint8_t *der = read_all(p1der, &n);
    int form;

    assert_int_equal(fm_rsa_der_parse(&c, &form, der, n), FM_OK);
    assert_int_equal(form, FM_KEY_FORM_PKCS1_PRIVATE);
    der[(size_t)(c.d - der) + c.d_len - 1] ^= 0x02;
    write_file(out, der, n);
    free(der);
}

static void test_errors(void **state)
{
    struct keyset *k;
    const char *key, *pub, *msg = S("e.msg"), *sig = S("e.sig");
    const char *garbage = S("e.garbage"), *garbage_der = S("e.garbage.der");
    const char *empty = S("e.empty"), *missing = S("e.missing.pem");
    const char *encpem = S("e.enc.pem"), *encder = S("e.enc.der"), *legacy = S("e.legacy.pem");
    const char *trpem = S("e.trunc.pem"), *trder = S("e.trunc.der"), *p1der = S("e.p1.der");
    const char *bad = S("e.inconsistent.der"), *mislabel = S("e.mislabel.pem");
    const char *psskey = S("e.pss.pem"), *eckey = S("e.ec.pem"), *small = S("e.small.pem");
    const char *huge = S("e.huge.pem"), *cert = S("e.cert.pem");
    run_result r;
    tu_rng rng;

    (void)case_bits(state);
    need_openssl();
    k = os_keys(2048);
    key = k->os_key;
    pub = k->os_pub;
    tu_rng_init_named(&rng, "errors");
    random_file(msg, &rng, 100);
    FM_RUN_OK("sign", "-key", key, "-sha256", "-in", msg, "-out", sig);

    /* Files that are not keys. */
    write_file(garbage, "this is not a key\n", 18);
    write_file(garbage_der, "\x30\x03\x02\x01", 4);
    write_file(empty, "", 0);
    FM(&r, "sign", "-key", missing, "-sha256", "-in", msg);
    expect_error(&r, 1, missing, "No such file", NULL);
    run_free(&r);
    FM(&r, "pkey", "-in", garbage);
    expect_error(&r, 1, garbage, "not a key file", NULL);
    run_free(&r);
    FM(&r, "verify", "-pubkey", garbage_der, "-sha256", "-sig", sig, "-in", msg);
    expect_error(&r, 1, garbage_der, "FM_ERR_DECODE", NULL);
    run_free(&r);
    FM(&r, "pkey", "-in", empty);
    expect_error(&r, 1, empty, "empty", NULL);
    run_free(&r);
    FM(&r, "pkey", "-in", scratch);
    expect_error(&r, 1, scratch, "directory", NULL);
    run_free(&r);
    /* More than the 256 KiB cap, refused before reading it. */
    {
        size_t n = 300 * 1024;
        char *p = malloc(n);

        assert_non_null(p);
        memset(p, 'A', n);
        write_file(huge, p, n);
        free(p);
    }
    FM(&r, "pkey", "-in", huge);
    expect_error(&r, 1, huge, "too large", NULL);
    run_free(&r);
    fm_in(&r, huge, "pkey", (char *)NULL);
    expect_error(&r, 1, "standard input", "too large", NULL);
    run_free(&r);

    /* Encrypted keys: not supported (exit status 3), with the way out. */
    OSSL_RUN_OK("pkcs8", "-topk8", "-in", key, "-v2", "aes-256-cbc", "-passout", "pass:pw", "-out",
            encpem);
    OSSL_RUN_OK("pkcs8", "-topk8", "-in", key, "-v2", "aes-256-cbc", "-passout", "pass:pw",
            "-outform", "DER", "-out", encder);
    OSSL_RUN_OK("rsa", "-in", key, "-aes256", "-passout", "pass:pw", "-traditional", "-out", legacy);
    FM(&r, "sign", "-key", encpem, "-sha256", "-in", msg);
    expect_error(&r, 3, encpem, "encrypted PKCS#8", "not supported", "openssl pkey", NULL);
    run_free(&r);
    FM(&r, "pkey", "-in", encder);
    expect_error(&r, 3, encder, "encrypted PKCS#8", "not supported", NULL);
    run_free(&r);
    FM(&r, "decrypt", "-key", legacy, "-oaep", "-sha256", "-in", sig);
    expect_error(&r, 3, legacy, "encrypted", "not supported", NULL);
    run_free(&r);

    /* Truncated keys, PEM and DER. */
    OSSL_RUN_OK("pkey", "-in", key, "-traditional", "-out", S("e.p1.pem"));
    OSSL_RUN_OK("asn1parse", "-in", S("e.p1.pem"), "-out", p1der, "-noout");
    truncate_copy(key, trpem, (long)file_size(key) / 2);
    truncate_copy(p1der, trder, -10);
    FM(&r, "sign", "-key", trpem, "-sha256", "-in", msg);
    expect_error(&r, 1, trpem, "PEM", "FM_ERR_DECODE", NULL);
    run_free(&r);
    FM(&r, "pkey", "-in", trder);
    expect_error(&r, 1, trder, "FM_ERR_DECODE", NULL);
    run_free(&r);
    /* The PEM without its END line. */
    {
        size_t n;
        uint8_t *p = read_all(key, &n);
        char *end = strstr((char *)p, "-----END");

        assert_non_null(end);
        write_file(trpem, p, (size_t)(end - (char *)p));
        free(p);
    }
    FM(&r, "pkey", "-in", trpem);
    expect_error(&r, 1, trpem, "FM_ERR_DECODE", NULL);
    run_free(&r);

    /* Well formed, but the module's import refuses it. */
    make_inconsistent_key(p1der, bad);
    FM(&r, "sign", "-key", bad, "-sha256", "-in", msg);
    expect_error(&r, 1, bad, "fm_rsa_key_import", "FM_ERR_KEY", NULL);
    run_free(&r);
    FM(&r, "pkey", "-in", bad, "-pubout");
    expect_error(&r, 1, bad, "FM_ERR_KEY", NULL);
    run_free(&r);
    OSSL_RUN_OK("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:512", "-out", small);
    FM(&r, "pkey", "-in", small);
    expect_error(&r, 3, small, "512-bit", "FM_ERR_LENGTH", NULL);
    run_free(&r);

    /* A label that does not match the contents. */
    {
        size_t n;
        char *p = (char *)read_all(key, &n);
        char *body = strchr(p, '\n') + 1;
        char *end = strstr(p, "-----END");
        FILE *f = fopen(mislabel, "w");

        assert_non_null(f);
        fprintf(f, "-----BEGIN RSA PRIVATE KEY-----\n%.*s-----END RSA PRIVATE KEY-----\n",
                (int)(end - body), body);
        fclose(f);
        free(p);
    }
    FM(&r, "pkey", "-in", mislabel);
    expect_error(&r, 1, mislabel, "RSA PRIVATE KEY", "PKCS#8", NULL);
    run_free(&r);

    /* Not RSA, or RSA restricted to PSS. */
    OSSL_RUN_OK("genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
            psskey);
    OSSL_RUN_OK("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", eckey);
    OSSL_RUN_OK("req", "-new", "-x509", "-key", key, "-subj", "/CN=t", "-days", "1", "-out", cert);
    FM(&r, "sign", "-key", psskey, "-sha256", "-pss", "-in", msg);
    expect_error(&r, 3, psskey, "RSASSA-PSS", "not supported", NULL);
    run_free(&r);
    FM(&r, "encrypt", "-pubkey", eckey, "-oaep", "-sha256", "-in", msg);
    expect_error(&r, 3, eckey, "EC key", "RSA keys only", "not supported", NULL);
    run_free(&r);
    FM(&r, "verify", "-pubkey", cert, "-sha256", "-sig", sig, "-in", msg);
    expect_error(&r, 1, cert, "CERTIFICATE", NULL);
    run_free(&r);

    /* The wrong kind of key for the operation. */
    FM(&r, "sign", "-key", pub, "-sha256", "-in", msg);
    expect_error(&r, 1, pub, "public key", NULL);
    run_free(&r);
    FM(&r, "decrypt", "-key", pub, "-oaep", "-sha256", "-in", sig);
    expect_error(&r, 1, pub, "public key", NULL);
    run_free(&r);

    /* Missing inputs. */
    FM(&r, "sign", "-key", key, "-sha256", "-in", missing);
    expect_error(&r, 1, missing, "No such file", NULL);
    run_free(&r);
    FM(&r, "verify", "-pubkey", pub, "-sha256", "-sig", missing, "-in", msg);
    expect_error(&r, 1, missing, "No such file", NULL);
    run_free(&r);
    FM(&r, "sign", "-key", key, "-sha256", "-in", msg, "-out", S("no/such/dir/sig"));
    expect_error(&r, 1, "no/such/dir/sig", NULL);
    run_free(&r);

    /* Digests and options (usage errors: exit status 2). */
    {
        static const char *const wrong[] = { "-sha1", "-md5", "-sha3-256", "-shake256" };

        for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
            FM(&r, "sign", "-key", key, (char *)wrong[i], "-in", msg);
            expect_error(&r, 2, wrong[i], "unsupported digest", "-sha256", NULL);
            run_free(&r);
        }
    }
    FM(&r, "verify", "-pubkey", pub, "-sha1", "-sig", sig, "-in", msg);
    expect_error(&r, 2, "unsupported digest", NULL);
    run_free(&r);
    FM(&r, "encrypt", "-pubkey", pub, "-oaep", "-md5", "-in", msg);
    expect_error(&r, 2, "unsupported digest", NULL);
    run_free(&r);
    FM(&r, "sign", "-key", key, "-in", msg);
    expect_error(&r, 2, "no digest", NULL);
    run_free(&r);
    FM(&r, "sign", "-key", key, "-sha256", "-sha384", "-in", msg);
    expect_error(&r, 2, "more than one digest", NULL);
    run_free(&r);
    FM(&r, "sign", "-key", key, "-sha256", "-saltlen", "digest", "-in", msg);
    expect_error(&r, 2, "-pss", NULL);
    run_free(&r);
    FM(&r, "sign", "-key", key, "-sha256", "-pss", "-saltlen", "auto", "-in", msg);
    expect_error(&r, 2, "auto", NULL);
    run_free(&r);
    FM(&r, "sign", "-key", key, "-sha256", "-pss", "-saltlen", "223", "-in", msg);
    expect_error(&r, 2, "too long", "at most 222", NULL);
    run_free(&r);
    FM(&r, "sign", "-key", key, "-sha256", "-pss", "-saltlen", "-5", "-in", msg);
    expect_error(&r, 2, "-saltlen", NULL);
    run_free(&r);
    FM(&r, "verify", "-pubkey", pub, "-sha256", "-in", msg);
    expect_error(&r, 2, "-sig", NULL);
    run_free(&r);
    FM(&r, "verify", "-key", key, "-sha256", "-sig", sig, "-in", msg);
    expect_error(&r, 2, "-pubkey", NULL);
    run_free(&r);
    FM(&r, "sign", "-sha256", "-in", msg);
    expect_error(&r, 2, "-key", NULL);
    run_free(&r);
    FM(&r, "sign", "-key", key, "-sha256", msg);
    expect_error(&r, 2, "unexpected argument", NULL);
    run_free(&r);
    FM(&r, "sign", "-key");
    expect_error(&r, 2, "needs a value", NULL);
    run_free(&r);
    FM(&r, "encrypt", "-pubkey", pub, "-sha256", "-in", msg);
    expect_error(&r, 2, "-oaep", NULL);
    run_free(&r);
    FM(&r, "encrypt", "-pubkey", pub, "-oaep", "-in", msg);
    expect_error(&r, 2, "no digest", NULL);
    run_free(&r);
    FM(&r, "encrypt", "-pubkey", pub, "-oaep", "-sha256", "-label", "xyz", "-in", msg);
    expect_error(&r, 2, "-label", "hex", NULL);
    run_free(&r);
    FM(&r, "encrypt", "-pubkey", pub, "-pkcs", "-sha256", "-in", msg);
    expect_error(&r, 2, "PKCS#1 v1.5", NULL);
    run_free(&r);
    FM(&r, "genpkey", "-rsa", "1024");
    expect_error(&r, 2, "2048, 3072 or 4096", NULL);
    run_free(&r);
    FM(&r, "genpkey", "-rsa", "2048x");
    expect_error(&r, 2, "2048x", NULL);
    run_free(&r);
    FM(&r, "genpkey");
    expect_error(&r, 2, "-rsa", NULL);
    run_free(&r);
    FM(&r, "pkey", "-in", key, "-outform", "XML");
    expect_error(&r, 2, "XML", NULL);
    run_free(&r);
    FM(&r, "pkey", "-in", key, "-in", key);
    expect_error(&r, 2, "more than once", NULL);
    run_free(&r);
    printf("  missing/garbage/empty/huge/truncated/encrypted/inconsistent/mislabelled/non-RSA "
           "keys, wrong key kind, bad digests and options: the right status, one clear line\n");
    took();
}

/* ---- files and modes ------------------------------------------------------------------------ */

static void expect_no_temp_files(void)
{
    DIR *d = opendir(scratch);
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
    const char *msg = S("m.msg"), *out = S("m.out"), *link = S("m.link");
    run_result r;
    tu_rng rng;

    (void)case_bits(state);
    need_openssl();
    k = os_keys(2048);
    tu_rng_init_named(&rng, "files");
    random_file(msg, &rng, 1000);

    /* New files: private keys and plaintext 0600, the rest 0666 - umask (022 here). */
    unlink(out);
    FM_RUN_OK("pkey", "-in", k->os_key, "-out", out);
    assert_int_equal(file_mode(out), 0600);
    unlink(out);
    FM_RUN_OK("pkey", "-in", k->os_key, "-traditional", "-outform", "DER", "-out", out);
    assert_int_equal(file_mode(out), 0600);
    unlink(out);
    FM_RUN_OK("pkey", "-in", k->os_key, "-pubout", "-out", out);
    assert_int_equal(file_mode(out), 0644);
    unlink(out);
    FM_RUN_OK("sign", "-key", k->os_key, "-sha256", "-in", msg, "-out", out);
    assert_int_equal(file_mode(out), 0644);
    /* Replacing: a signature keeps the old mode, a private key becomes 0600. */
    assert_int_equal(chmod(out, 0640), 0);
    FM_RUN_OK("sign", "-key", k->os_key, "-sha256", "-in", msg, "-out", out);
    assert_int_equal(file_mode(out), 0640);
    assert_int_equal(chmod(out, 0664), 0);
    FM_RUN_OK("pkey", "-in", k->os_key, "-out", out);
    assert_int_equal(file_mode(out), 0600);
    expect_files_equal(out, k->os_key, "pkey -out over an existing file");

    /* Through a symbolic link: the target is replaced, the link stays. */
    unlink(link);
    assert_int_equal(symlink("m.out", link), 0);
    FM_RUN_OK("pkey", "-in", k->os_key, "-pubout", "-out", link);
    {
        struct stat st;

        assert_int_equal(lstat(link, &st), 0);
        assert_true(S_ISLNK(st.st_mode));
    }
    expect_files_equal(out, k->os_pub, "pkey -out through a symbolic link");

    /* In place: the input and the output are the same file. */
    copy_file(k->os_key, S("m.inplace"));
    FM_RUN_OK("pkey", "-in", S("m.inplace"), "-traditional", "-out", S("m.inplace"));
    OSSL_RUN_OK("pkey", "-in", k->os_key, "-traditional", "-out", S("m.inplace.want"));
    expect_files_equal(S("m.inplace"), S("m.inplace.want"), "pkey in place");

    /* A failed run leaves an existing output as it was. */
    write_file(out, "keep\n", 5);
    FM(&r, "pkey", "-in", S("e.nothing"), "-out", out);
    expect_exit(&r, 1);
    run_free(&r);
    expect_files_equal(out, S("m.keep"), "untouched output");
    /* A device is written in place. */
    FM_RUN_OK("pkey", "-in", k->os_key, "-out", "/dev/null");
    {
        struct stat st;

        assert_int_equal(stat("/dev/null", &st), 0);
        assert_true(S_ISCHR(st.st_mode));
    }
    expect_no_temp_files();
    printf("  modes: private keys and plaintext 0600, others 0644 (umask 022) or kept; links, "
           "in place, devices; no temporary files left\n");
    took();
}

/* ---- help, the static tool ------------------------------------------------------------------- */

static void test_help(void **state)
{
    static const char *const cmds[] = { "genpkey", "pkey", "sign", "verify", "encrypt",
                                        "decrypt" };
    run_result r;

    (void)case_bits(state);
    FM(&r, "help");
    expect_exit(&r, 0);
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        char line[32];

        snprintf(line, sizeof line, "\n  %-10s ", cmds[i]);
        if (strstr(r.out, line) == NULL)
            fail_msg("`fipsmod help` does not list %s: %s", cmds[i], r.out);
    }
    run_free(&r);
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        char want[40];

        snprintf(want, sizeof want, "usage: fipsmod %s ", cmds[i]);
        FM(&r, "help", (char *)cmds[i]);
        expect_exit(&r, 0);
        if (strncmp(r.out, want, strlen(want)) != 0 || strstr(r.out, "Exit status") == NULL ||
            strstr(r.out, "Examples:") == NULL)
            fail_msg("fipsmod help %s: %s", cmds[i], r.out);
        run_free(&r);
        FM(&r, (char *)cmds[i], "--help");
        expect_exit(&r, 0);
        if (strncmp(r.out, want, strlen(want)) != 0)
            fail_msg("fipsmod %s --help: %s", cmds[i], r.out);
        run_free(&r);
    }
    printf("  help lists the six RSA commands; each has usage, exit status and examples\n");
    took();
}

static void test_static_tool(void **state)
{
    struct keyset *k;
    const char *msg = S("s.msg"), *sig = S("s.sig"), *os = S("s.os.sig");
    run_result r;
    tu_rng rng;

    (void)case_bits(state);
    need_openssl();
    if (access(TOOL_STATIC, X_OK) != 0) {
        printf("SKIP: %s not built\n", TOOL_STATIC);
        skip();
    }
    k = os_keys(2048);
    tool = TOOL_STATIC;
    tu_rng_init_named(&rng, "static");
    random_file(msg, &rng, 5000);
    FM_RUN_OK("sign", "-key", k->os_key, "-sha384", "-in", msg, "-out", sig);
    OSSL_RUN_OK("dgst", "-sha384", "-sign", k->os_key, "-out", os, msg);
    expect_files_equal(sig, os, "fipsmod-static sign");
    FM_RUN_OK("sign", "-key", k->os_key, "-sha384", "-pss", "-in", msg, "-out", sig);
    os_verify(k->os_pub, &digests[2], sig, msg, "digest", true);
    FM(&r, "verify", "-pubkey", k->os_pub, "-sha384", "-sig", os, "-in", msg);
    expect_verified(&r, true);
    run_free(&r);
    FM_RUN_OK("pkey", "-in", k->os_key, "-pubout", "-out", S("s.pub"));
    expect_files_equal(S("s.pub"), k->os_pub, "fipsmod-static pkey -pubout");
    tool = TOOL_SHARED;
    printf("  fipsmod-static: sign, verify and pkey as OpenSSL\n");
    took();
}

/*
 * The same operations on the portable implementations (FIPSMOD_CPU=portable:
 * portable bignum, SHA-2 and AES code), the other tests having run on
 * the CPU's best.
 */
static void test_portable(void **state)
{
    const char *msg = S("p.msg"), *sig = S("p.sig"), *os = S("p.os.sig");
    const char *pt = S("p.pt"), *ct = S("p.ct"), *back = S("p.back");
    run_result r;
    tu_rng rng;

    (void)case_bits(state);
    need_openssl();
    tu_rng_init_named(&rng, "portable");
    random_file(msg, &rng, 70000);
    random_file(pt, &rng, 32);
    for (size_t i = 0; i < NSIZES; i++) {
        struct keyset *k = os_keys(sizes[i]);
        const struct digest *d = &digests[(i * 2 + 1) % NDIGESTS];

        cpu_env = "portable";
        FM(&r, "status");
        if (strstr(r.out, "impl-rsa: portable") == NULL)
            fail_msg("FIPSMOD_CPU=portable: the tool does not run portable RSA: %s", r.out);
        run_free(&r);
        FM_RUN_OK("sign", "-key", k->os_key, d->opt, "-in", msg, "-out", sig);
        OSSL_RUN_OK("dgst", d->opt, "-sign", k->os_key, "-out", os, msg);
        expect_files_equal(sig, os, "portable PKCS#1 v1.5 signature");
        FM_RUN_OK("sign", "-key", k->os_key, d->opt, "-pss", "-in", msg, "-out", sig);
        os_verify(k->os_pub, d, sig, msg, "digest", true);
        fm_verify(k->os_pub, d, sig, msg, true, "-pss", NULL);
        fm_verify(k->os_pub, d, os, msg, true, NULL);
        fm_oaep(&r, true, k->os_pub, d, "abcd", pt, ct);
        expect_exit(&r, 0);
        run_free(&r);
        os_oaep(&r, false, k->os_key, d, "abcd", ct, back);
        expect_exit(&r, 0);
        run_free(&r);
        expect_files_equal(back, pt, "portable OAEP encryption");
        os_oaep(&r, true, k->os_pub, d, NULL, pt, ct);
        expect_exit(&r, 0);
        run_free(&r);
        fm_oaep(&r, false, k->os_key, d, NULL, ct, back);
        expect_exit(&r, 0);
        run_free(&r);
        expect_files_equal(back, pt, "portable OAEP decryption");
        FM_RUN_OK("pkey", "-in", k->os_key, "-traditional", "-out", S("p.p1.pem"));
        OSSL_RUN_OK("pkey", "-in", k->os_key, "-traditional", "-out", S("p.p1.want"));
        expect_files_equal(S("p.p1.pem"), S("p.p1.want"), "portable pkey -traditional");
        cpu_env = NULL;
    }
    cpu_env = "portable";
    FM_RUN_OK("genpkey", "-rsa", "2048", "-out", S("p.gen.pem"));
    cpu_env = NULL;
    OSSL_RUN_OK("pkey", "-in", S("p.gen.pem"), "-check", "-noout");
    printf("  FIPSMOD_CPU=portable: sign (= OpenSSL), PSS, verify, OAEP both ways, pkey at "
           "2048/3072/4096 bits; genpkey 2048\n");
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

    printf("test_tool_rsa: %lu runs of fipsmod and openssl in %.1f s\n", nruns,
           now_s() - t_start);
    for (size_t i = 0; i < npaths; i++) {
        free(paths[i].name);
        free(paths[i].path);
    }
    npaths = 0;
    if (scratch[0] == '\0')
        return;
    if (keep != NULL && *keep != '\0' && strcmp(keep, "0") != 0) {
        printf("test_tool_rsa: scratch directory kept: %s\n", scratch);
        return;
    }
    (void)nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void setup(void)
{
    const char *tmp = getenv("TMPDIR");

    t_start = now_s();
    if (access(TOOL_SHARED, X_OK) != 0) {
        printf("test_tool_rsa: %s missing: run `make` first (from the repository root)\n",
               TOOL_SHARED);
        exit(1);
    }
    if (tmp == NULL || *tmp == '\0' || strlen(tmp) > sizeof scratch - 64)
        tmp = "/tmp";
    snprintf(scratch, sizeof scratch, "%s/fipsmod-rsa-test.XXXXXX", tmp);
    if (mkdtemp(scratch) == NULL) {
        printf("test_tool_rsa: mkdtemp %s: %s\n", scratch, strerror(errno));
        exit(1);
    }
    atexit(at_exit);
    umask(022); /* the modes tested assume it */
    for (size_t i = 0; i < NSIZES; i++)
        snprintf(bits_str[i], sizeof bits_str[i], "%d", sizes[i]);
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
        printf("test_tool_rsa: the openssl command is missing: the interoperability tests "
               "are skipped\n");
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
