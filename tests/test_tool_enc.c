/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `fipsmod enc` (src/tools/cmd_enc.c) end to end. The built tool,
 * build/fipsmod (and build/fipsmod-static once), runs as a child process
 * with its standard streams captured; OpenSSL's libcrypto (EVP) in this
 * process is the oracle, and the `openssl enc` command is a second one for
 * CBC and CTR when it is installed (GCM is not offered by `openssl enc`).
 * Paths are relative to the repository root, the current directory under
 * `make test`.
 *
 * - Round trips for all nine ciphers at 0, 1, 15, 16, 17 bytes and 1 MiB:
 *   the tool's ciphertext equals the oracle's (CBC with PKCS#7 padding,
 *   CTR with the 128-bit counter, carries included; GCM ct || tag with
 *   IVs of 1, 12, 13, 16 and 60 bytes and AAD), the tool decrypts the
 *   oracle's ciphertext, and GCM without -iv writes IV || ct || tag that
 *   the oracle opens.
 * - A 64 MiB stream generated on the fly (a writer process feeds a pipe,
 *   the output is hashed as it arrives; nothing is stored whole) through
 *   GCM, CBC and CTR, to standard output, an anonymous temporary file and
 *   -out: the output is checked against the oracle, and the tool's peak
 *   RSS (wait4's ru_maxrss) must stay within 4 MiB of that of a run on
 *   empty input.
 * - A wrong GCM tag (altered ciphertext, tag, IV, AAD, truncation) and bad
 *   CBC padding or length: exit status 1, a message, nothing on standard
 *   output, an existing -out file unchanged, a new one not created, no
 *   temporary file left in the directory or in $TMPDIR.
 * - Generated IVs (SP 800-38D 8.2.2, 96 bits from the module's DRBG): two
 *   encryptions of the same input under the same key carry different
 *   12-byte IVs, neither all zero, and each output opens with the tool
 *   (with and without -iv) and with OpenSSL.
 * - Usage errors (exit status 2), files, symbolic links, devices, -in equal
 *   to -out, help text.
 *
 * Every test runs twice: with FIPSMOD_CPU=portable and without it
 * ("native": the tool's choice on this CPU, printed at the start). The
 * scratch directory is removed at the end ($FIPSMOD_TEST_KEEP=1 keeps it).
 */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#define TOOL_SHARED "build/fipsmod"
#define TOOL_STATIC "build/fipsmod-static"
#define RUN_TIMEOUT_S 300
#define MIB (1024u * 1024u)
#define BIG_LEN (64u * MIB)
#define RSS_SLACK_KIB 4096 /* a 64 MiB run may use this much more than an empty one */
#define CHUNK (64u * 1024u)

static tu_suite suite;

static char scratch[PATH_MAX / 2]; /* mkdtemp'd, removed at exit */
static char tmpdir[PATH_MAX];      /* the children's TMPDIR: must be empty after each run */
static char outdir[PATH_MAX];      /* -out files of the rejection tests */

/* ---- what the tests run on ------------------------------------------------------------- */

struct variant {
    const char *label;
    const char *cpu; /* FIPSMOD_CPU for the child, NULL: unset */
};

static const struct variant variants[] = {
    { "FIPSMOD_CPU=portable", "portable" },
    { "native", NULL },
};
#define NVARIANTS (sizeof variants / sizeof variants[0])

enum { GCM, CBC, CTR };

struct cdef {
    const char *opt; /* the tool's and openssl's option */
    int mode;
    size_t keylen;
    const EVP_CIPHER *(*evp)(void);
};

static const struct cdef cdefs[] = {
    { "-aes-128-gcm", GCM, 16, EVP_aes_128_gcm }, { "-aes-192-gcm", GCM, 24, EVP_aes_192_gcm },
    { "-aes-256-gcm", GCM, 32, EVP_aes_256_gcm }, { "-aes-128-cbc", CBC, 16, EVP_aes_128_cbc },
    { "-aes-192-cbc", CBC, 24, EVP_aes_192_cbc }, { "-aes-256-cbc", CBC, 32, EVP_aes_256_cbc },
    { "-aes-128-ctr", CTR, 16, EVP_aes_128_ctr }, { "-aes-192-ctr", CTR, 24, EVP_aes_192_ctr },
    { "-aes-256-ctr", CTR, 32, EVP_aes_256_ctr },
};
#define NCDEFS (sizeof cdefs / sizeof cdefs[0])

static const struct cdef *cdef(const char *opt)
{
    for (size_t i = 0; i < NCDEFS; i++)
        if (strcmp(cdefs[i].opt, opt) == 0)
            return &cdefs[i];
    fail_msg("no cipher %s", opt);
    return NULL;
}

struct tdata {
    const struct variant *v;
    const struct cdef *c; /* for per-cipher tests */
};

static struct tdata tdatas[NVARIANTS * (NCDEFS + 1) + 1];
static size_t ntdatas;

/* The variant of the running test: the environment of every child. */
static const struct variant *cur;
static const char *tool = TOOL_SHARED;

/* ---- files --------------------------------------------------------------------------- */

static void path_in(char *buf, size_t cap, const char *dir, const char *name)
{
    if ((size_t)snprintf(buf, cap, "%s/%s", dir, name) >= cap)
        fail_msg("path too long: %s/%s", dir, name);
}

static uint8_t *read_all(const char *path, size_t *len)
{
    size_t cap = 4096, got = 0;
    uint8_t *buf = malloc(cap);
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    assert_non_null(buf);
    if (fd < 0)
        fail_msg("%s: %s", path, strerror(errno));
    for (;;) {
        ssize_t n;

        if (got == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
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
    *len = got;
    return buf;
}

static void write_all_fd(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            fail_msg("write: %s", strerror(errno));
        p += w;
        n -= (size_t)w;
    }
}

static void write_file(const char *path, const void *p, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

    if (fd < 0)
        fail_msg("%s: %s", path, strerror(errno));
    write_all_fd(fd, p, n);
    close(fd);
}

static bool file_equals(const char *path, const void *p, size_t n)
{
    size_t len;
    uint8_t *got = read_all(path, &len);
    bool eq = len == n && (n == 0 || memcmp(got, p, n) == 0);

    free(got);
    return eq;
}

/* Number of entries in dir, besides . and ..; the first one's name in first. */
static int dir_entries(const char *dir, char *first, size_t cap)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (d == NULL)
        fail_msg("opendir %s: %s", dir, strerror(errno));
    if (first != NULL && cap > 0)
        first[0] = '\0';
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (n == 0 && first != NULL)
            snprintf(first, cap, "%s", e->d_name);
        n++;
    }
    closedir(d);
    return n;
}

static void expect_tmpdir_empty(const char *what)
{
    char name[256];

    if (dir_entries(tmpdir, name, sizeof name) != 0)
        fail_msg("%s: the tool left %s in its TMPDIR", what, name);
}

/* ---- running the tool -------------------------------------------------------------------- */

typedef struct {
    int status;    /* as wait4 reports it */
    uint8_t *out;  /* standard output */
    size_t outlen;
    char *err;     /* standard error, NUL-terminated */
    long maxrss;   /* KiB */
    double secs;
} run_result;

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Start argv with the given standard streams, in the environment of `cur`. */
static pid_t spawn(char *const argv[], int in, int out, int err)
{
    pid_t pid;

    fflush(stdout);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
            dup2(err, STDERR_FILENO) < 0)
            _exit(126);
        if (cur != NULL && cur->cpu != NULL)
            setenv("FIPSMOD_CPU", cur->cpu, 1);
        else
            unsetenv("FIPSMOD_CPU");
        setenv("TMPDIR", tmpdir, 1);
        alarm(RUN_TIMEOUT_S); /* survives exec */
        execv(argv[0], argv);
        dprintf(STDERR_FILENO, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    return pid;
}

static int wait_for(pid_t pid, long *maxrss)
{
    struct rusage ru;
    int status;

    while (wait4(pid, &status, 0, &ru) < 0)
        assert_int_equal(errno, EINTR);
    if (maxrss != NULL)
        *maxrss = ru.ru_maxrss;
    return status;
}

static int open_or_fail(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC, 0600);

    if (fd < 0)
        fail_msg("%s: %s", path, strerror(errno));
    return fd;
}

/* Run argv (argv[0] a path) with `in` as standard input; capture the rest. */
static void run_argv(char *const argv[], const uint8_t *in, size_t inlen, run_result *r)
{
    char inp[PATH_MAX], outp[PATH_MAX], errp[PATH_MAX];
    int fin, fout, ferr;
    size_t errlen;
    double t0;
    pid_t pid;

    path_in(inp, sizeof inp, scratch, "stdin");
    path_in(outp, sizeof outp, scratch, "stdout");
    path_in(errp, sizeof errp, scratch, "stderr");
    write_file(inp, in, inlen);
    fin = open_or_fail(inp, O_RDONLY);
    fout = open_or_fail(outp, O_WRONLY | O_CREAT | O_TRUNC);
    ferr = open_or_fail(errp, O_WRONLY | O_CREAT | O_TRUNC);
    memset(r, 0, sizeof *r);
    t0 = now_s();
    pid = spawn(argv, fin, fout, ferr);
    close(fin);
    close(fout);
    close(ferr);
    r->status = wait_for(pid, &r->maxrss);
    r->secs = now_s() - t0;
    r->out = read_all(outp, &r->outlen);
    r->err = (char *)read_all(errp, &errlen);
    r->err = realloc(r->err, errlen + 1);
    assert_non_null(r->err);
    r->err[errlen] = '\0';
}

#define MAX_ARGS 24

/* Run the tool with the NULL-terminated argument list that follows. */
static void run(run_result *r, const uint8_t *in, size_t inlen, ...)
{
    char *argv[MAX_ARGS + 2];
    size_t n = 0;
    va_list ap;
    char *a;

    argv[n++] = (char *)tool;
    va_start(ap, inlen);
    while ((a = va_arg(ap, char *)) != NULL) {
        if (n > MAX_ARGS)
            fail_msg("too many arguments");
        argv[n++] = a;
    }
    va_end(ap);
    argv[n] = NULL;
    run_argv(argv, in, inlen, r);
}

/* The tool with args[] (NULL-terminated, without the program name), then extra (may be NULL). */
static void run_list(run_result *r, const uint8_t *in, size_t inlen, char *const args[],
                     char *const extra[])
{
    char *argv[MAX_ARGS + 2];
    size_t n = 0;

    argv[n++] = (char *)tool;
    for (size_t i = 0; args[i] != NULL; i++) {
        if (n > MAX_ARGS)
            fail_msg("too many arguments");
        argv[n++] = args[i];
    }
    for (size_t i = 0; extra != NULL && extra[i] != NULL; i++) {
        if (n > MAX_ARGS)
            fail_msg("too many arguments");
        argv[n++] = extra[i];
    }
    argv[n] = NULL;
    run_argv(argv, in, inlen, r);
}

static void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
    r->out = NULL;
    r->err = NULL;
}

static void expect_exit(const run_result *r, int code, const char *what)
{
    if (!WIFEXITED(r->status) || WEXITSTATUS(r->status) != code)
        fail_msg("%s: expected exit status %d, got wait status 0x%x; stderr: %s", what, code,
                 (unsigned)r->status, r->err);
}

static void expect_output(const run_result *r, const uint8_t *want, size_t len, const char *what)
{
    expect_exit(r, 0, what);
    if (r->outlen != len)
        fail_msg("%s: %zu bytes of output, expected %zu", what, r->outlen, len);
    if (len > 0 && !tu_mem_eq(what, r->out, want, len))
        fail_msg("%s: output differs from the oracle's", what);
}

/* ---- the oracle ------------------------------------------------------------------------ */

/*
 * Encrypt as the tool does with -iv: CBC with PKCS#7 padding (or none when
 * pad is false), CTR, GCM ct || 16-byte tag. Returns a new buffer.
 */
static uint8_t *oracle_encrypt(const struct cdef *c, const uint8_t *key, const uint8_t *iv,
                               size_t ivlen, const uint8_t *aad, size_t aadlen,
                               const uint8_t *pt, size_t n, bool pad, size_t *outlen)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    uint8_t *out = malloc(n + 32);
    int l1 = 0, l2 = 0, l;

    assert_non_null(ctx);
    assert_non_null(out);
    assert_int_equal(EVP_EncryptInit_ex(ctx, c->evp(), NULL, NULL, NULL), 1);
    if (c->mode == GCM)
        assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, (int)ivlen, NULL), 1);
    assert_int_equal(EVP_EncryptInit_ex(ctx, NULL, NULL, key, iv), 1);
    if (c->mode == CBC)
        assert_int_equal(EVP_CIPHER_CTX_set_padding(ctx, pad ? 1 : 0), 1);
    if (c->mode == GCM && aadlen > 0)
        assert_int_equal(EVP_EncryptUpdate(ctx, NULL, &l, aad, (int)aadlen), 1);
    assert_int_equal(EVP_EncryptUpdate(ctx, out, &l1, pt, (int)n), 1);
    assert_int_equal(EVP_EncryptFinal_ex(ctx, out + l1, &l2), 1);
    *outlen = (size_t)l1 + (size_t)l2;
    if (c->mode == GCM) {
        assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out + *outlen), 1);
        *outlen += 16;
    }
    EVP_CIPHER_CTX_free(ctx);
    return out;
}

/* Decrypt the tool's -iv format. Returns a new buffer, or NULL if the tag or padding fails. */
static uint8_t *oracle_decrypt(const struct cdef *c, const uint8_t *key, const uint8_t *iv,
                               size_t ivlen, const uint8_t *aad, size_t aadlen,
                               const uint8_t *in, size_t n, size_t *outlen)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    uint8_t *out = malloc(n + 32);
    int l1 = 0, l2 = 0, l, ok;

    assert_non_null(ctx);
    assert_non_null(out);
    if (c->mode == GCM) {
        if (n < 16)
            goto bad;
        n -= 16;
    }
    assert_int_equal(EVP_DecryptInit_ex(ctx, c->evp(), NULL, NULL, NULL), 1);
    if (c->mode == GCM)
        assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, (int)ivlen, NULL), 1);
    assert_int_equal(EVP_DecryptInit_ex(ctx, NULL, NULL, key, iv), 1);
    if (c->mode == GCM) {
        assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, (void *)(in + n)), 1);
        if (aadlen > 0)
            assert_int_equal(EVP_DecryptUpdate(ctx, NULL, &l, aad, (int)aadlen), 1);
    }
    if (EVP_DecryptUpdate(ctx, out, &l1, in, (int)n) != 1)
        goto bad;
    ok = EVP_DecryptFinal_ex(ctx, out + l1, &l2);
    if (ok != 1)
        goto bad;
    *outlen = (size_t)l1 + (size_t)l2;
    EVP_CIPHER_CTX_free(ctx);
    return out;
bad:
    EVP_CIPHER_CTX_free(ctx);
    free(out);
    return NULL;
}

/* ---- helpers for arguments ---------------------------------------------------------------- */

/* Hex of p[0..n) in a new string (freed by the caller). */
static char *hexdup(const uint8_t *p, size_t n)
{
    char *s = malloc(2 * n + 1);

    assert_non_null(s);
    tu_hex_encode(p, n, s);
    return s;
}

static uint8_t *rand_bytes(tu_rng *rng, size_t n)
{
    uint8_t *p = malloc(n + 1);

    assert_non_null(p);
    tu_rng_fill(rng, p, n);
    return p;
}

static const tu_case *begin(void **state)
{
    const tu_case *tc = tu_begin(state);
    const struct tdata *d = tc->data;

    cur = d->v;
    tool = TOOL_SHARED;
    return tc;
}

/* ---- round trips ------------------------------------------------------------------------ */

static const size_t sizes[] = { 0, 1, 15, 16, 17, MIB };
#define NSIZES (sizeof sizes / sizeof sizes[0])

static void test_roundtrip(void **state)
{
    static const size_t gcm_ivlens[NSIZES] = { 12, 1, 13, 16, 60, 12 };
    const tu_case *tc = begin(state);
    const struct cdef *c = ((const struct tdata *)tc->data)->c;
    tu_rng rng;

    tu_rng_init_named(&rng, tc->name);
    for (size_t si = 0; si < NSIZES; si++) {
        size_t n = sizes[si];
        size_t ivlen = c->mode == GCM ? gcm_ivlens[si] : 16;
        size_t aadlen = c->mode == GCM ? (si * 13) % 41 : 0;
        uint8_t *key = rand_bytes(&rng, c->keylen);
        uint8_t *iv = rand_bytes(&rng, ivlen);
        uint8_t *aad = rand_bytes(&rng, aadlen);
        uint8_t *pt = rand_bytes(&rng, n);
        char *k, *ivh, *aadh;
        uint8_t *ct, *back;
        size_t ctlen, backlen;
        char what[160];
        run_result r;

        if (c->mode == CTR && si == 4) /* the low 64 bits carry into the high 64 */
            memset(iv + 8, 0xff, 8);
        if (c->mode == CTR && si == 5) { /* the whole 128-bit counter wraps */
            memset(iv, 0xff, 15);
            iv[15] = 0xf0;
        }
        k = hexdup(key, c->keylen);
        ivh = hexdup(iv, ivlen);
        aadh = hexdup(aad, aadlen);
        ct = oracle_encrypt(c, key, iv, ivlen, aad, aadlen, pt, n, true, &ctlen);

        snprintf(what, sizeof what, "%s encrypt %zu bytes (iv %zu, aad %zu)", c->opt, n, ivlen,
                 aadlen);
        if (c->mode == GCM)
            run(&r, pt, n, "enc", c->opt, "-key", k, "-iv", ivh, "-aad", aadh, NULL);
        else
            run(&r, pt, n, "enc", c->opt, "-key", k, "-iv", ivh, NULL);
        expect_output(&r, ct, ctlen, what);
        run_free(&r);

        snprintf(what, sizeof what, "%s decrypt %zu bytes", c->opt, n);
        if (c->mode == GCM)
            run(&r, ct, ctlen, "enc", c->opt, "-d", "-key", k, "-iv", ivh, "-aad", aadh, NULL);
        else
            run(&r, ct, ctlen, "enc", "-d", c->opt, "-key", k, "-iv", ivh, NULL);
        expect_output(&r, pt, n, what);
        run_free(&r);

        if (c->mode == GCM) {
            /* The module makes the IV: IV(12) || ct || tag, which the oracle opens. */
            snprintf(what, sizeof what, "%s encrypt %zu bytes without -iv", c->opt, n);
            run(&r, pt, n, "enc", c->opt, "-key", k, "-aad", aadh, NULL);
            expect_exit(&r, 0, what);
            if (r.outlen != 12 + n + 16)
                fail_msg("%s: %zu bytes, expected %zu", what, r.outlen, 12 + n + 16);
            back = oracle_decrypt(c, key, r.out, 12, aad, aadlen, r.out + 12, r.outlen - 12,
                                  &backlen);
            if (back == NULL)
                fail_msg("%s: OpenSSL rejects the tag", what);
            if (backlen != n || (n > 0 && !tu_mem_eq(what, back, pt, n)))
                fail_msg("%s: OpenSSL decrypts something else", what);
            free(back);
            free(ct);
            ct = r.out;
            ctlen = r.outlen;
            r.out = NULL;
            run_free(&r);
            snprintf(what, sizeof what, "%s decrypt %zu bytes without -iv", c->opt, n);
            run(&r, ct, ctlen, "enc", c->opt, "-d", "-key", k, "-aad", aadh, NULL);
            expect_output(&r, pt, n, what);
            run_free(&r);
        }
        printf("  %s %7zu bytes: ciphertext = OpenSSL's, round trip ok\n", c->opt, n);
        free(key);
        free(iv);
        free(aad);
        free(pt);
        free(ct);
        free(k);
        free(ivh);
        free(aadh);
    }
}

/* ---- the openssl command --------------------------------------------------------------- */

static bool find_openssl(char *buf, size_t cap)
{
    const char *path = getenv("PATH");
    char *copy, *save = NULL;
    bool found = false;

    if (path == NULL)
        path = "/usr/bin:/bin";
    copy = strdup(path);
    assert_non_null(copy);
    for (char *d = strtok_r(copy, ":", &save); d != NULL && !found; d = strtok_r(NULL, ":", &save)) {
        if ((size_t)snprintf(buf, cap, "%s/openssl", d) < cap && access(buf, X_OK) == 0)
            found = true;
    }
    free(copy);
    return found;
}

static void test_openssl_cli(void **state)
{
    const tu_case *tc = begin(state);
    char openssl[PATH_MAX], p[PATH_MAX], c1[PATH_MAX], c2[PATH_MAX], p2[PATH_MAX];
    tu_rng rng;

    if (!find_openssl(openssl, sizeof openssl)) {
        printf("SKIP: no openssl command in PATH\n");
        skip();
    }
    tu_rng_init_named(&rng, tc->name);
    path_in(p, sizeof p, scratch, "cli-plain");
    path_in(c1, sizeof c1, scratch, "cli-ours");
    path_in(c2, sizeof c2, scratch, "cli-openssl");
    path_in(p2, sizeof p2, scratch, "cli-back");
    for (size_t ci = 0; ci < NCDEFS; ci++) {
        const struct cdef *c = &cdefs[ci];

        if (c->mode == GCM)
            continue; /* `openssl enc` does not do AEAD modes */
        for (size_t si = 0; si < NSIZES; si++) {
            uint8_t *key = rand_bytes(&rng, c->keylen), *iv = rand_bytes(&rng, 16);
            uint8_t *pt = rand_bytes(&rng, sizes[si]);
            char *k = hexdup(key, c->keylen), *ivh = hexdup(iv, 16);
            char *ossl_enc[] = { openssl, "enc", (char *)c->opt, "-K", k, "-iv", ivh,
                                 "-in", p, "-out", c2, NULL };
            char *ossl_dec[] = { openssl, "enc", "-d", (char *)c->opt, "-K", k, "-iv", ivh,
                                 "-in", c1, "-out", p2, NULL };
            size_t len1, len2;
            uint8_t *b1, *b2;
            run_result r;

            write_file(p, pt, sizes[si]);
            run(&r, NULL, 0, "enc", c->opt, "-key", k, "-iv", ivh, "-in", p, "-out", c1, NULL);
            expect_exit(&r, 0, "fipsmod enc -in -out");
            run_free(&r);
            run_argv(ossl_enc, NULL, 0, &r);
            expect_exit(&r, 0, "openssl enc");
            run_free(&r);
            b1 = read_all(c1, &len1);
            b2 = read_all(c2, &len2);
            if (len1 != len2 || (len1 > 0 && memcmp(b1, b2, len1) != 0))
                fail_msg("%s %zu bytes: fipsmod enc and openssl enc differ", c->opt, sizes[si]);
            run_argv(ossl_dec, NULL, 0, &r);
            expect_exit(&r, 0, "openssl enc -d");
            run_free(&r);
            if (!file_equals(p2, pt, sizes[si]))
                fail_msg("%s %zu bytes: openssl enc -d does not give the plaintext back",
                         c->opt, sizes[si]);
            printf("  %s %7zu bytes: same file as `openssl enc`, which decrypts ours\n", c->opt,
                   sizes[si]);
            free(b1);
            free(b2);
            free(key);
            free(iv);
            free(pt);
            free(k);
            free(ivh);
        }
    }
}

/* ---- a large stream, generated on the fly ---------------------------------------------- */

struct stream {
    const struct cdef *c;
    const uint8_t *key;
    const uint8_t *iv;
    size_t ivlen;
    const uint8_t *aad;
    size_t aadlen;
    uint64_t len;     /* plaintext bytes */
    bool encrypted;   /* the ciphertext (the tool's format), else the plaintext */
    bool iv_prefix;   /* GCM: IV || ct || tag */
    bool flip_last;   /* invert the last byte (a GCM tag that fails) */
    unsigned delay_ms; /* the writer waits this long first */
};

typedef void (*emit_fn)(void *arg, const uint8_t *p, size_t n);

/*
 * Produce the stream in CHUNK pieces: the same PRNG plaintext every time,
 * encrypted by the oracle as it goes. Runs in a writer child and in this
 * process (for the expected digest); memory does not depend on len.
 */
static void stream_gen(const struct stream *s, emit_fn emit, void *arg)
{
    static uint8_t pt[CHUNK], ct[CHUNK + 32];
    EVP_CIPHER_CTX *ctx = NULL;
    uint64_t left = s->len;
    uint8_t last[32];
    size_t lastlen = 0;
    tu_rng rng;
    int l;

    tu_rng_init(&rng, 0xb16b16b16ull);
    if (s->encrypted) {
        ctx = EVP_CIPHER_CTX_new();
        EVP_EncryptInit_ex(ctx, s->c->evp(), NULL, NULL, NULL);
        if (s->c->mode == GCM)
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, (int)s->ivlen, NULL);
        EVP_EncryptInit_ex(ctx, NULL, NULL, s->key, s->iv);
        if (s->c->mode == GCM && s->aadlen > 0)
            EVP_EncryptUpdate(ctx, NULL, &l, s->aad, (int)s->aadlen);
        if (s->iv_prefix)
            emit(arg, s->iv, s->ivlen);
    }
    while (left > 0) {
        size_t n = left < CHUNK ? (size_t)left : CHUNK;

        tu_rng_fill(&rng, pt, n);
        left -= n;
        if (ctx == NULL) {
            emit(arg, pt, n);
            continue;
        }
        EVP_EncryptUpdate(ctx, ct, &l, pt, (int)n);
        emit(arg, ct, (size_t)l);
    }
    if (ctx != NULL) {
        EVP_EncryptFinal_ex(ctx, last, &l);
        lastlen = (size_t)l;
        if (s->c->mode == GCM) {
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, last + lastlen);
            lastlen += 16;
        }
        if (s->flip_last && lastlen > 0)
            last[lastlen - 1] ^= 1;
        emit(arg, last, lastlen);
        EVP_CIPHER_CTX_free(ctx);
    }
}

static void emit_fd(void *arg, const uint8_t *p, size_t n)
{
    int fd = *(int *)arg;

    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            _exit(1); /* the tool stopped reading (it failed): its status tells */
        p += w;
        n -= (size_t)w;
    }
}

struct hashing {
    EVP_MD_CTX *md;
    uint64_t n;
};

static void emit_hash(void *arg, const uint8_t *p, size_t n)
{
    struct hashing *h = arg;

    EVP_DigestUpdate(h->md, p, n);
    h->n += n;
}

static void hash_start(struct hashing *h)
{
    h->md = EVP_MD_CTX_new();
    assert_non_null(h->md);
    assert_int_equal(EVP_DigestInit_ex(h->md, EVP_sha256(), NULL), 1);
    h->n = 0;
}

static void hash_end(struct hashing *h, uint8_t md[32])
{
    unsigned int len = 32;

    assert_int_equal(EVP_DigestFinal_ex(h->md, md, &len), 1);
    EVP_MD_CTX_free(h->md);
    h->md = NULL;
}

/*
 * The peak resident set of a running process (VmHWM in /proc/PID/status,
 * which exec resets), or -1 once it has exited. wait4's ru_maxrss cannot
 * be used alone: it also counts what the child inherited from this process
 * between fork and exec.
 */
static long vmhwm_kib(pid_t pid)
{
    char path[64], line[256], name[64] = "";
    long kib = -1;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    f = fopen(path, "r");
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL) {
        if (sscanf(line, "Name: %63s", name) == 1)
            continue;
        if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
            break;
    }
    fclose(f);
    /* Before exec, the child is still a copy of this program. */
    if (strncmp(name, "fipsmod", 7) != 0)
        return -1;
    return kib;
}

/*
 * Run the tool on `in` fed by a writer process; hash what it writes (to
 * standard output, or to out_file when not NULL). Returns the wait status.
 */
static int run_streamed(char *const args[], const struct stream *in, const char *out_file,
                        uint8_t md[32], uint64_t *outlen, long *hwm, long *maxrss, double *secs)
{
    char *argv[MAX_ARGS + 2];
    char errp[PATH_MAX];
    int to_tool[2], from_tool[2];
    struct hashing h;
    pid_t writer, pid;
    int ferr, status;
    size_t n = 0;
    double t0;

    argv[n++] = (char *)tool;
    for (size_t i = 0; args[i] != NULL; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    path_in(errp, sizeof errp, scratch, "stderr");
    ferr = open_or_fail(errp, O_WRONLY | O_CREAT | O_TRUNC);
    assert_int_equal(pipe2(to_tool, O_CLOEXEC), 0);
    assert_int_equal(pipe2(from_tool, O_CLOEXEC), 0);
    fflush(stdout);
    writer = fork();
    assert_true(writer >= 0);
    if (writer == 0) {
        int fd = to_tool[1];

        if (in->delay_ms > 0)
            usleep(in->delay_ms * 1000u);
        stream_gen(in, emit_fd, &fd);
        _exit(0);
    }
    t0 = now_s();
    pid = spawn(argv, to_tool[0], from_tool[1], ferr);
    close(to_tool[0]);
    close(to_tool[1]);
    close(from_tool[1]);
    close(ferr);
    hash_start(&h);
    *hwm = -1;
    for (;;) {
        static uint8_t buf[CHUNK];
        struct pollfd pfd = { from_tool[0], POLLIN, 0 };
        long kib = vmhwm_kib(pid);
        ssize_t r;

        if (kib > *hwm)
            *hwm = kib;
        if (poll(&pfd, 1, 10) == 0)
            continue;
        r = read(from_tool[0], buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        assert_true(r >= 0);
        if (r == 0)
            break;
        emit_hash(&h, buf, (size_t)r);
    }
    close(from_tool[0]);
    status = wait_for(pid, maxrss);
    *secs = now_s() - t0;
    (void)wait_for(writer, NULL);
    if (out_file != NULL && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        /* The tool wrote a file: hash it in pieces. */
        int fd = open_or_fail(out_file, O_RDONLY);
        static uint8_t buf[CHUNK];
        ssize_t r;

        if (h.n != 0)
            fail_msg("the tool wrote %llu bytes to standard output besides -out",
                     (unsigned long long)h.n);
        while ((r = read(fd, buf, sizeof buf)) > 0)
            emit_hash(&h, buf, (size_t)r);
        close(fd);
    }
    *outlen = h.n;
    hash_end(&h, md);
    return status;
}

static void expected_digest(const struct stream *s, uint8_t md[32], uint64_t *len)
{
    struct hashing h;

    hash_start(&h);
    stream_gen(s, emit_hash, &h);
    *len = h.n;
    hash_end(&h, md);
}

static void test_big_stream(void **state)
{
    const tu_case *tc = begin(state);
    static const uint8_t key[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                     17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
                                     31, 32 };
    static const uint8_t iv[16] = { 0xca, 0xfe, 0xba, 0xbe, 0xfa, 0xce, 0xdb, 0xad,
                                    0xde, 0xca, 0xf8, 0x88, 0, 0, 0, 7 };
    static const uint8_t aad[5] = { 'h', 'e', 'l', 'l', 'o' };
    char *k16 = hexdup(key, 16), *k24 = hexdup(key, 24), *k32 = hexdup(key, 32);
    char *iv12 = hexdup(iv, 12), *iv16 = hexdup(iv, 16), *aadh = hexdup(aad, sizeof aad);
    char outfile[PATH_MAX];
    long base_rss, base_hwm;
    struct job {
        const char *what;
        char *args[16];
        struct stream in, want;
        bool to_file;
        int exit;
    } jobs[] = {
        { "aes-256-gcm encrypt -iv -aad, stdout",
          { "enc", "-aes-256-gcm", "-key", k32, "-iv", iv12, "-aad", aadh, NULL },
          { cdef("-aes-256-gcm"), key, iv, 12, aad, sizeof aad, BIG_LEN, false, false, false, 0 },
          { cdef("-aes-256-gcm"), key, iv, 12, aad, sizeof aad, BIG_LEN, true, false, false, 0 },
          false, 0 },
        { "aes-256-gcm decrypt IV||ct||tag, -out file",
          { "enc", "-aes-256-gcm", "-d", "-key", k32, "-aad", aadh, "-out", outfile, NULL },
          { cdef("-aes-256-gcm"), key, iv, 12, aad, sizeof aad, BIG_LEN, true, true, false, 0 },
          { cdef("-aes-256-gcm"), key, iv, 12, aad, sizeof aad, BIG_LEN, false, false, false, 0 },
          true, 0 },
        { "aes-128-gcm decrypt, wrong tag, stdout",
          { "enc", "-aes-128-gcm", "-d", "-key", k16, "-iv", iv12, NULL },
          { cdef("-aes-128-gcm"), key, iv, 12, NULL, 0, BIG_LEN, true, false, true, 0 },
          { cdef("-aes-128-gcm"), key, iv, 12, NULL, 0, 0, false, false, false, 0 },
          false, 1 },
        { "aes-128-cbc decrypt, stdout (held in $TMPDIR)",
          { "enc", "-aes-128-cbc", "-d", "-key", k16, "-iv", iv16, NULL },
          { cdef("-aes-128-cbc"), key, iv, 16, NULL, 0, BIG_LEN + 5, true, false, false, 0 },
          { cdef("-aes-128-cbc"), key, iv, 16, NULL, 0, BIG_LEN + 5, false, false, false, 0 },
          false, 0 },
        { "aes-192-cbc encrypt, stdout",
          { "enc", "-aes-192-cbc", "-key", k24, "-iv", iv16, NULL },
          { cdef("-aes-192-cbc"), key, iv, 16, NULL, 0, BIG_LEN + 3, false, false, false, 0 },
          { cdef("-aes-192-cbc"), key, iv, 16, NULL, 0, BIG_LEN + 3, true, false, false, 0 },
          false, 0 },
        { "aes-256-ctr encrypt, stdout",
          { "enc", "-aes-256-ctr", "-key", k32, "-iv", iv16, NULL },
          { cdef("-aes-256-ctr"), key, iv, 16, NULL, 0, BIG_LEN + 1, false, false, false, 0 },
          { cdef("-aes-256-ctr"), key, iv, 16, NULL, 0, BIG_LEN + 1, true, false, false, 0 },
          false, 0 },
    };

    (void)tc;
    path_in(outfile, sizeof outfile, scratch, "big.out");
    {
        /* The baseline: the first job on empty input, kept open for a while. */
        struct stream empty = jobs[0].in;
        uint8_t md[32];
        uint64_t len;
        double secs;
        int status;

        empty.len = 0;
        empty.delay_ms = 300;
        status = run_streamed(jobs[0].args, &empty, NULL, md, &len, &base_hwm, &base_rss, &secs);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || base_hwm <= 0)
            fail_msg("baseline run: wait status 0x%x, VmHWM %ld", (unsigned)status, base_hwm);
        printf("  %-48s peak RSS %ld KiB (VmHWM; wait4 ru_maxrss %ld KiB)\n",
               "empty input (baseline)", base_hwm, base_rss);
    }
    for (size_t j = 0; j < sizeof jobs / sizeof jobs[0]; j++) {
        struct job *jb = &jobs[j];
        uint8_t got[32], want[32];
        uint64_t gotlen, wantlen;
        long hwm, rss;
        double secs;
        int status;

        (void)unlink(outfile);
        status = run_streamed(jb->args, &jb->in, jb->to_file ? outfile : NULL, got, &gotlen,
                              &hwm, &rss, &secs);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != jb->exit) {
            size_t len;
            char errp[PATH_MAX];
            uint8_t *err;

            path_in(errp, sizeof errp, scratch, "stderr");
            err = read_all(errp, &len);
            fail_msg("%s: expected exit status %d, got wait status 0x%x; stderr: %.*s",
                     jb->what, jb->exit, (unsigned)status, (int)len, (const char *)err);
        }
        expected_digest(&jb->want, want, &wantlen);
        if (gotlen != wantlen)
            fail_msg("%s: %llu bytes of output, expected %llu", jb->what,
                     (unsigned long long)gotlen, (unsigned long long)wantlen);
        if (memcmp(got, want, 32) != 0)
            fail_msg("%s: output differs from OpenSSL's (SHA-256 of the stream)", jb->what);
        if (jb->to_file) {
            struct stat st;

            assert_int_equal(stat(outfile, &st), 0);
            if ((st.st_mode & 0777) != 0600)
                fail_msg("%s: -out file has mode %o, expected 0600", jb->what,
                         (unsigned)(st.st_mode & 0777));
        }
        if (jb->exit != 0 && access(outfile, F_OK) == 0)
            fail_msg("%s: an output file exists after the failure", jb->what);
        expect_tmpdir_empty(jb->what);
        printf("  %-48s %llu MiB in, %llu bytes out, %.2f s, peak RSS %ld KiB (ru_maxrss %ld)\n",
               jb->what, (unsigned long long)(jb->in.len / MIB), (unsigned long long)gotlen,
               secs, hwm, rss);
        if (hwm <= 0)
            fail_msg("%s: could not read the tool's VmHWM", jb->what);
        if (hwm > base_hwm + RSS_SLACK_KIB || rss > (long)(BIG_LEN / 1024 / 2))
            fail_msg("%s: peak RSS %ld KiB (ru_maxrss %ld KiB), more than %d KiB above the %ld "
                     "KiB of an empty input: the input is not streamed", jb->what, hwm, rss,
                     RSS_SLACK_KIB, base_hwm);
    }
    (void)unlink(outfile);
    free(k16);
    free(k24);
    free(k32);
    free(iv12);
    free(iv16);
    free(aadh);
}

/* ---- rejected input: exit 1, no output anywhere ------------------------------------------ */

/*
 * Run args (the tool's arguments, NULL-terminated) on `in` three ways and
 * expect exit status 1 and `msg` on stderr every time: to standard output
 * (which must stay empty), with -out naming an existing file (which must
 * keep its content) and with -out naming a new file (which must not
 * appear). The directory and $TMPDIR must hold nothing else afterwards.
 */
static void expect_rejected(char *const args[], const uint8_t *in, size_t inlen, const char *msg,
                            const char *what)
{
    static const char precious[] = "precious: must survive a failed decryption\n";
    char existing[PATH_MAX], fresh[PATH_MAX], name[256];
    char *to_existing[] = { "-out", existing, NULL };
    char *to_fresh[] = { "-out", fresh, NULL };
    run_result r;

    path_in(existing, sizeof existing, outdir, "existing");
    path_in(fresh, sizeof fresh, outdir, "fresh");
    write_file(existing, precious, sizeof precious - 1);

    run_list(&r, in, inlen, args, NULL);
    expect_exit(&r, 1, what);
    if (r.outlen != 0)
        fail_msg("%s: %zu bytes on standard output", what, r.outlen);
    if (strstr(r.err, msg) == NULL)
        fail_msg("%s: stderr lacks \"%s\": %s", what, msg, r.err);
    run_free(&r);
    expect_tmpdir_empty(what);

    run_list(&r, in, inlen, args, to_existing);
    expect_exit(&r, 1, what);
    if (r.outlen != 0 || strstr(r.err, msg) == NULL)
        fail_msg("%s (-out existing): output or message wrong: %s", what, r.err);
    run_free(&r);
    if (!file_equals(existing, precious, sizeof precious - 1))
        fail_msg("%s: the existing -out file was changed", what);

    run_list(&r, in, inlen, args, to_fresh);
    expect_exit(&r, 1, what);
    run_free(&r);
    if (access(fresh, F_OK) == 0)
        fail_msg("%s: -out file created despite the failure", what);
    if (dir_entries(outdir, name, sizeof name) != 1)
        fail_msg("%s: files left beside -out (%s, ...)", what, name);
    expect_tmpdir_empty(what);
}

static void test_gcm_bad_tag(void **state)
{
    const tu_case *tc = begin(state);
    const struct cdef *c = cdef("-aes-256-gcm");
    static const size_t lens[] = { 0, 100, MIB + 3 };
    tu_rng rng;

    tu_rng_init_named(&rng, tc->name);
    for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
        size_t n = lens[li], ctlen;
        uint8_t *key = rand_bytes(&rng, 32), *iv = rand_bytes(&rng, 12);
        uint8_t *aad = rand_bytes(&rng, 9), *pt = rand_bytes(&rng, n);
        uint8_t *ct = oracle_encrypt(c, key, iv, 12, aad, 9, pt, n, true, &ctlen);
        uint8_t *prefixed = malloc(12 + ctlen);
        char *k = hexdup(key, 32), *ivh = hexdup(iv, 12), *aadh = hexdup(aad, 9);
        char *aad_other = hexdup(aad, 8);
        uint8_t iv2[12];
        char *ivh2, what[160];
        char *with_iv[] = { "enc", "-aes-256-gcm", "-d", "-key", k, "-iv", ivh, "-aad", aadh, NULL };
        char *no_iv[] = { "enc", "-aes-256-gcm", "-d", "-key", k, "-aad", aadh, NULL };
        char *wrong_aad[] = { "enc", "-aes-256-gcm", "-d", "-key", k, "-iv", ivh, "-aad",
                              aad_other, NULL };
        char *no_aad[] = { "enc", "-aes-256-gcm", "-d", "-key", k, "-iv", ivh, NULL };
        run_result r;

        assert_non_null(prefixed);
        memcpy(iv2, iv, 12);
        iv2[11] ^= 0x80;
        ivh2 = hexdup(iv2, 12);
        char *wrong_iv[] = { "enc", "-aes-256-gcm", "-d", "-key", k, "-iv", ivh2, "-aad", aadh,
                             NULL };
        memcpy(prefixed, iv, 12);
        memcpy(prefixed + 12, ct, ctlen);

        /* The untouched message decrypts both ways. */
        run_list(&r, ct, ctlen, with_iv, NULL);
        expect_output(&r, pt, n, "unaltered message");
        run_free(&r);
        run_list(&r, prefixed, 12 + ctlen, no_iv, NULL);
        expect_output(&r, pt, n, "unaltered message with its IV in front");
        run_free(&r);

        if (n > 0) {
            ct[0] ^= 1;
            snprintf(what, sizeof what, "%zu bytes, first ciphertext bit flipped", n);
            expect_rejected(with_iv, ct, ctlen, "authentication failed", what);
            ct[0] ^= 1;
            ct[n - 1] ^= 0x80;
            snprintf(what, sizeof what, "%zu bytes, last ciphertext byte altered", n);
            expect_rejected(with_iv, ct, ctlen, "authentication failed", what);
            ct[n - 1] ^= 0x80;
        }
        ct[ctlen - 1] ^= 1;
        snprintf(what, sizeof what, "%zu bytes, last tag bit flipped", n);
        expect_rejected(with_iv, ct, ctlen, "authentication failed", what);
        ct[ctlen - 1] ^= 1;
        snprintf(what, sizeof what, "%zu bytes, wrong AAD", n);
        expect_rejected(wrong_aad, ct, ctlen, "authentication failed", what);
        snprintf(what, sizeof what, "%zu bytes, AAD missing", n);
        expect_rejected(no_aad, ct, ctlen, "authentication failed", what);
        snprintf(what, sizeof what, "%zu bytes, wrong -iv", n);
        expect_rejected(wrong_iv, ct, ctlen, "authentication failed", what);
        snprintf(what, sizeof what, "%zu bytes, last byte missing", n);
        expect_rejected(with_iv, ct, ctlen - 1, n > 0 ? "authentication failed" : "too short",
                        what);
        prefixed[3] ^= 4;
        snprintf(what, sizeof what, "%zu bytes, IV in front altered", n);
        expect_rejected(no_iv, prefixed, 12 + ctlen, "authentication failed", what);
        prefixed[3] ^= 4;
        printf("  %zu-byte message: every alteration refused, nothing written\n", n);
        free(key);
        free(iv);
        free(aad);
        free(pt);
        free(ct);
        free(prefixed);
        free(k);
        free(ivh);
        free(ivh2);
        free(aadh);
        free(aad_other);
    }
    {
        /* Too short to hold the tag, or the IV and the tag. */
        static const uint8_t z[27];
        char k[65], ivh[25];
        char *with_iv[] = { "enc", "-aes-128-gcm", "-d", "-key", k, "-iv", ivh, NULL };
        char *no_iv[] = { "enc", "-aes-128-gcm", "-d", "-key", k, NULL };

        memset(k, '0', 32);
        k[32] = '\0';
        memset(ivh, '0', 24);
        ivh[24] = '\0';
        expect_rejected(with_iv, z, 15, "too short", "15 bytes with -iv");
        expect_rejected(with_iv, z, 0, "too short", "empty input with -iv");
        expect_rejected(no_iv, z, 11, "too short", "11 bytes without -iv");
        expect_rejected(no_iv, z, 27, "too short", "27 bytes without -iv");
        printf("  inputs shorter than the tag (or IV and tag) refused\n");
    }
}

static void test_cbc_bad_padding(void **state)
{
    const tu_case *tc = begin(state);
    struct padcase {
        const char *what;
        int k;      /* the last byte; bytes 16 - k .. 15 are set to k when 1 <= k <= 16 */
        int at;     /* then the byte at this index is set to val, or -1 */
        int val;
        bool valid;
    } cases[] = {
        { "last byte 0x00", 0x00, -1, 0, false },
        { "last byte 0x11", 0x11, -1, 0, false },
        { "last byte 0xff", 0xff, -1, 0, false },
        { "k = 2, byte 14 is 0x03", 0x02, 14, 0x03, false },
        { "k = 5, byte 11 is 0x00", 0x05, 11, 0x00, false },
        { "k = 16, byte 0 is 0x0f", 0x10, 0, 0x0f, false },
        { "k = 16, byte 14 is 0x90", 0x10, 14, 0x90, false },
        { "k = 1 (valid)", 0x01, -1, 0, true },
        { "k = 16 (valid)", 0x10, -1, 0, true },
        { "k = 7 (valid)", 0x07, -1, 0, true },
    };
    static const size_t prefixes[] = { 0, 16, MIB };
    tu_rng rng;

    tu_rng_init_named(&rng, tc->name);
    for (size_t ci = 0; ci < NCDEFS; ci++) {
        const struct cdef *c = &cdefs[ci];

        if (c->mode != CBC)
            continue;
        for (size_t pi = 0; pi < sizeof prefixes / sizeof prefixes[0]; pi++) {
            size_t pre = prefixes[pi];
            uint8_t *key = rand_bytes(&rng, c->keylen), *iv = rand_bytes(&rng, 16);
            char *k = hexdup(key, c->keylen), *ivh = hexdup(iv, 16);
            char *dec[] = { "enc", "-d", (char *)c->opt, "-key", k, "-iv", ivh, NULL };
            uint8_t *pt = rand_bytes(&rng, pre + 16);

            for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                const struct padcase *pc = &cases[i];
                uint8_t *blk = pt + pre;
                uint8_t *ct;
                size_t ctlen;
                char what[160];
                run_result r;

                tu_rng_fill(&rng, blk, 16);
                if (pc->k >= 1 && pc->k <= 16)
                    memset(blk + 16 - pc->k, pc->k, (size_t)pc->k);
                blk[15] = (uint8_t)pc->k;
                if (pc->at >= 0)
                    blk[pc->at] = (uint8_t)pc->val;
                ct = oracle_encrypt(c, key, iv, 16, NULL, 0, pt, pre + 16, false, &ctlen);
                snprintf(what, sizeof what, "%s, %zu + 16 bytes, %s", c->opt, pre, pc->what);
                if (pc->valid) {
                    run_list(&r, ct, ctlen, dec, NULL);
                    expect_output(&r, pt, pre + 16 - (size_t)pc->k, what);
                    run_free(&r);
                } else {
                    expect_rejected(dec, ct, ctlen, "padding is invalid", what);
                }
                free(ct);
            }
            printf("  %s after %zu bytes: bad paddings refused, good ones removed\n", c->opt,
                   pre);
            free(key);
            free(iv);
            free(k);
            free(ivh);
            free(pt);
        }
    }
    {
        /* Lengths that cannot be CBC ciphertext. */
        static const size_t lens[] = { 0, 1, 15, 17, 31, MIB + 1 };
        uint8_t *junk = rand_bytes(&rng, MIB + 1);
        char k[33], ivh[33];
        char *dec[] = { "enc", "-d", "-aes-128-cbc", "-key", k, "-iv", ivh, NULL };
        char what[64];

        memset(k, 'a', 32);
        k[32] = '\0';
        memset(ivh, 'b', 32);
        ivh[32] = '\0';
        for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
            snprintf(what, sizeof what, "CBC input of %zu bytes", lens[i]);
            expect_rejected(dec, junk, lens[i], "not a positive multiple of 16", what);
        }
        free(junk);
        printf("  CBC inputs of 0, 1, 15, 17, 31 and 2^20 + 1 bytes refused\n");
    }
}

/* ---- generated IVs ------------------------------------------------------------------------ */

static void test_gcm_geniv(void **state)
{
    const tu_case *tc = begin(state);
    const struct cdef *c = cdef("-aes-128-gcm");
    uint8_t *key, *pt, *back;
    char *k;
    run_result a, b;
    size_t n = 100, backlen, i;
    tu_rng rng;

    tu_rng_init_named(&rng, tc->name);
    key = rand_bytes(&rng, 16);
    pt = rand_bytes(&rng, n);
    k = hexdup(key, 16);
    run(&a, pt, n, "enc", c->opt, "-key", k, NULL);
    run(&b, pt, n, "enc", c->opt, "-key", k, NULL);
    expect_exit(&a, 0, "first encryption");
    expect_exit(&b, 0, "second encryption");
    assert_int_equal(a.outlen, 12 + n + 16);
    assert_int_equal(b.outlen, 12 + n + 16);
    tu_hex_print("  first IV ", a.out, 12);
    tu_hex_print("  second IV", b.out, 12);
    /* SP 800-38D 8.2.2: 96 random bits from the module's DRBG per run. */
    if (tu_all_zero(a.out, 12) || tu_all_zero(b.out, 12))
        fail_msg("a generated IV is all zero");
    if (memcmp(a.out, b.out, 12) == 0) /* chance 2^-96 */
        fail_msg("two runs under one key generated the same IV");
    if (memcmp(a.out + 12, b.out + 12, n) == 0)
        fail_msg("two runs produced the same ciphertext");
    for (i = 0; i < 2; i++) {
        run_result *x = i == 0 ? &a : &b, d;
        const char *which = i == 0 ? "first" : "second";
        char *ivh = hexdup(x->out, 12), what[80];

        back = oracle_decrypt(c, key, x->out, 12, NULL, 0, x->out + 12, x->outlen - 12,
                              &backlen);
        if (back == NULL || backlen != n || memcmp(back, pt, n) != 0)
            fail_msg("OpenSSL does not open the %s output", which);
        free(back);
        /* The tool opens IV || ct || tag without -iv ... */
        snprintf(what, sizeof what, "decrypt the %s output without -iv", which);
        run(&d, x->out, x->outlen, "enc", c->opt, "-d", "-key", k, NULL);
        expect_output(&d, pt, n, what);
        run_free(&d);
        /* ... and ct || tag with -iv set to the generated IV. */
        snprintf(what, sizeof what, "decrypt the %s output with -iv", which);
        run(&d, x->out + 12, x->outlen - 12, "enc", c->opt, "-d", "-key", k, "-iv", ivh, NULL);
        expect_output(&d, pt, n, what);
        run_free(&d);
        free(ivh);
    }
    run_free(&a);
    run_free(&b);
    free(key);
    free(pt);
    free(k);
}

/* ---- usage ---------------------------------------------------------------------------- */

static void test_usage(void **state)
{
    static char k16[] = "000102030405060708090a0b0c0d0e0f";
    static char k24[] = "000102030405060708090a0b0c0d0e0f1011121314151617";
    static char iv16[] = "0f0e0d0c0b0a09080706050403020100";
    static char iv15[] = "0f0e0d0c0b0a090807060504030201";
    static char iv17[] = "0f0e0d0c0b0a0908070605040302010000";
    struct ucase {
        int exit;
        char *args[12];
    } cases[] = {
        { 2, { "enc", NULL } },
        { 2, { "enc", "-aes-128-gcm", NULL } },
        { 2, { "enc", "-key", k16, NULL } },
        { 2, { "enc", "-aes-128-gcm", "-aes-256-gcm", "-key", k16, NULL } },
        { 2, { "enc", "-aes-128-gcm", "-key", "0g0102030405060708090a0b0c0d0e0f", NULL } },
        { 2, { "enc", "-aes-128-gcm", "-key", "000102030405060708090a0b0c0d0e0", NULL } },
        { 2, { "enc", "-aes-256-gcm", "-key", k16, NULL } },
        { 2, { "enc", "-aes-128-gcm", "-key", k24, NULL } },
        { 2, { "enc", "-aes-192-cbc", "-key", k16, "-iv", iv16, NULL } },
        { 2, { "enc", "-aes-128-gcm", "-key", "", NULL } },
        { 2, { "enc", "-aes-128-cbc", "-key", k16, NULL } },
        { 2, { "enc", "-aes-128-ctr", "-d", "-key", k16, NULL } },
        { 2, { "enc", "-aes-128-cbc", "-key", k16, "-iv", iv15, NULL } },
        { 2, { "enc", "-aes-128-ctr", "-key", k16, "-iv", iv17, NULL } },
        { 2, { "enc", "-aes-128-gcm", "-key", k16, "-iv", "", NULL } },
        { 2, { "enc", "-aes-128-gcm", "-key", k16, "-iv", "zz", NULL } },
        { 2, { "enc", "-aes-128-gcm", "-key", k16, "-aad", "abc", NULL } },
        { 2, { "enc", "-aes-128-cbc", "-key", k16, "-iv", iv16, "-aad", "00", NULL } },
        { 2, { "enc", "-aes-128-gcm", "-key", k16, "-bogus", NULL } },
        { 2, { "enc", "-aes-128-gcm", "-key", NULL } },
        { 2, { "enc", "-aes-128-gcm", "-key", k16, "-in", NULL } },
        { 2, { "enc", "-aes-128-gcm", "-key", k16, "plain.txt", NULL } },
        { 2, { "enc", "-aes-128-gcm", "-key", k16, "-key", k16, NULL } },
        { 2, { "enc", "-aes-128-gcm", "-key", k16, "-iv", iv16, "-iv", iv16, NULL } },
        { 2, { "enc", "-aes-128-gcm", "-e", "-d", "-key", k16, NULL } },
        { 2, { "enc", "-aes-128-gcm", "-des", "-key", k16, NULL } },
        { 1, { "enc", "-aes-128-gcm", "-key", k16, "-in", "/nonexistent/fipsmod-in", NULL } },
        { 1, { "enc", "-aes-128-gcm", "-key", k16, "-out", "/nonexistent/dir/out", NULL } },
        { 1, { "enc", "-aes-128-gcm", "-d", "-key", k16, "-in", "/nonexistent/in", "-out",
               "/dev/null", NULL } },
    };
    run_result r;

    begin(state);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char what[256];
        size_t off = 0;

        for (size_t j = 0; cases[i].args[j] != NULL && off < sizeof what - 1; j++)
            off += (size_t)snprintf(what + off, sizeof what - off, "%s%s", j ? " " : "",
                                    cases[i].args[j][0] ? cases[i].args[j] : "''");
        run_list(&r, (const uint8_t *)"x", 1, cases[i].args, NULL);
        expect_exit(&r, cases[i].exit, what);
        if (r.outlen != 0)
            fail_msg("%s: wrote to standard output", what);
        if (cases[i].exit == 2 && strstr(r.err, "fipsmod help enc") == NULL)
            fail_msg("%s: the message does not point to 'fipsmod help enc': %s", what, r.err);
        printf("  exit %d: fipsmod %s\n", cases[i].exit, what);
        run_free(&r);
    }
    /* Help. */
    run(&r, NULL, 0, "help", "enc", NULL);
    expect_exit(&r, 0, "fipsmod help enc");
    r.out = realloc(r.out, r.outlen + 1);
    r.out[r.outlen] = '\0';
    if (strstr((char *)r.out, "usage: fipsmod enc") == NULL)
        fail_msg("fipsmod help enc: no usage line");
    if (strstr((char *)r.out, "encrypt, no -iv:    output IV (12 bytes) || ciphertext || tag") ==
        NULL)
        fail_msg("fipsmod help enc: no GCM format line for a generated IV");
    run_free(&r);
    run(&r, NULL, 0, "enc", "-aes-128-gcm", "--help", NULL);
    expect_exit(&r, 0, "fipsmod enc --help");
    run_free(&r);
    run(&r, NULL, 0, "help", NULL);
    expect_exit(&r, 0, "fipsmod help");
    r.out = realloc(r.out, r.outlen + 1);
    r.out[r.outlen] = '\0';
    if (strstr((char *)r.out, "\n  enc ") == NULL)
        fail_msg("fipsmod help does not list enc");
    run_free(&r);
}

/* ---- files -------------------------------------------------------------------------- */

static void test_files(void **state)
{
    const tu_case *tc = begin(state);
    const struct cdef *gcm = cdef("-aes-192-gcm"), *ctr = cdef("-aes-128-ctr");
    char plain[PATH_MAX], enc[PATH_MAX], back[PATH_MAX], target[PATH_MAX], link[PATH_MAX];
    uint8_t *key, *iv, *pt, *ct;
    size_t n = 3 * CHUNK + 7, ctlen;
    char *k24, *k16, *ivh;
    struct stat st;
    run_result r;
    tu_rng rng;

    tu_rng_init_named(&rng, tc->name);
    key = rand_bytes(&rng, 24);
    iv = rand_bytes(&rng, 16);
    pt = rand_bytes(&rng, n);
    k24 = hexdup(key, 24);
    k16 = hexdup(key, 16);
    ivh = hexdup(iv, 16);
    path_in(plain, sizeof plain, scratch, "files-plain");
    path_in(enc, sizeof enc, scratch, "files-enc");
    path_in(back, sizeof back, scratch, "files-back");
    path_in(target, sizeof target, scratch, "files-target");
    path_in(link, sizeof link, scratch, "files-link");
    write_file(plain, pt, n);

    /* -in/-out, and -out replacing an existing file. */
    write_file(back, "old", 3);
    run(&r, NULL, 0, "enc", gcm->opt, "-key", k24, "-in", plain, "-out", enc, NULL);
    expect_output(&r, NULL, 0, "GCM -in -out");
    run_free(&r);
    run(&r, NULL, 0, "enc", gcm->opt, "-d", "-key", k24, "-in", enc, "-out", back, NULL);
    expect_output(&r, NULL, 0, "GCM -d -in -out over an existing file");
    run_free(&r);
    if (!file_equals(back, pt, n))
        fail_msg("GCM file round trip: wrong plaintext");
    assert_int_equal(stat(back, &st), 0);
    if ((st.st_mode & 0777) != 0600)
        fail_msg("-out file mode %o, expected 0600", (unsigned)(st.st_mode & 0777));
    printf("  -in/-out round trip, existing -out replaced (mode 0600)\n");

    /* "-" names the standard streams. */
    run(&r, pt, n, "enc", ctr->opt, "-key", k16, "-iv", ivh, "-in", "-", "-out", "-", NULL);
    ct = oracle_encrypt(ctr, key, iv, 16, NULL, 0, pt, n, true, &ctlen);
    expect_output(&r, ct, ctlen, "-in - -out -");
    run_free(&r);

    /* -out through a symbolic link replaces the file it points to. */
    write_file(target, "old", 3);
    (void)unlink(link);
    assert_int_equal(symlink("files-target", link), 0);
    run(&r, NULL, 0, "enc", ctr->opt, "-key", k16, "-iv", ivh, "-in", plain, "-out", link, NULL);
    expect_output(&r, NULL, 0, "-out through a symbolic link");
    run_free(&r);
    assert_int_equal(lstat(link, &st), 0);
    if (!S_ISLNK(st.st_mode))
        fail_msg("the symbolic link was replaced by a file");
    if (!file_equals(target, ct, ctlen))
        fail_msg("the link's target does not hold the ciphertext");
    printf("  -out through a symbolic link writes its target\n");

    /* In place: -in and -out the same file. */
    write_file(target, pt, n);
    run(&r, NULL, 0, "enc", ctr->opt, "-key", k16, "-iv", ivh, "-in", target, "-out", target,
        NULL);
    expect_output(&r, NULL, 0, "-in and -out the same file");
    run_free(&r);
    if (!file_equals(target, ct, ctlen))
        fail_msg("in-place encryption: wrong ciphertext");
    printf("  -in and -out the same file\n");

    /* A device: written, not replaced (GCM decryption goes through a held copy). */
    run(&r, pt, n, "enc", gcm->opt, "-key", k24, "-out", "/dev/null", NULL);
    expect_output(&r, NULL, 0, "encrypt to -out /dev/null");
    run_free(&r);
    {
        size_t elen;
        uint8_t *e = read_all(enc, &elen);

        run(&r, e, elen, "enc", gcm->opt, "-d", "-key", k24, "-out", "/dev/null", NULL);
        expect_output(&r, NULL, 0, "GCM decrypt to -out /dev/null");
        run_free(&r);
        free(e);
    }
    assert_int_equal(stat("/dev/null", &st), 0);
    if (!S_ISCHR(st.st_mode))
        fail_msg("/dev/null is no longer a character device");
    printf("  -out /dev/null written as a device\n");
    {
        char name[256];
        DIR *d = opendir(scratch);
        struct dirent *de;

        assert_non_null(d);
        while ((de = readdir(d)) != NULL)
            if (strncmp(de->d_name, ".fipsmod-enc", 12) == 0) {
                snprintf(name, sizeof name, "%s", de->d_name);
                closedir(d);
                fail_msg("temporary file %s left behind", name);
            }
        closedir(d);
    }
    expect_tmpdir_empty("files");
    free(key);
    free(iv);
    free(pt);
    free(ct);
    free(k24);
    free(k16);
    free(ivh);
}

/* The statically linked tool: one GCM and one CBC case. */
static void test_static_tool(void **state)
{
    const tu_case *tc = begin(state);
    const struct cdef *gcm = cdef("-aes-256-gcm"), *cbc = cdef("-aes-256-cbc");
    uint8_t *key, *iv, *pt, *ct;
    size_t n = 1000, ctlen;
    char *k, *ivh, *iv12;
    run_result r;
    tu_rng rng;

    tool = TOOL_STATIC;
    tu_rng_init_named(&rng, tc->name);
    key = rand_bytes(&rng, 32);
    iv = rand_bytes(&rng, 16);
    pt = rand_bytes(&rng, n);
    k = hexdup(key, 32);
    ivh = hexdup(iv, 16);
    iv12 = hexdup(iv, 12);
    ct = oracle_encrypt(gcm, key, iv, 12, NULL, 0, pt, n, true, &ctlen);
    run(&r, pt, n, "enc", gcm->opt, "-key", k, "-iv", iv12, NULL);
    expect_output(&r, ct, ctlen, "fipsmod-static GCM");
    run_free(&r);
    run(&r, ct, ctlen, "enc", gcm->opt, "-d", "-key", k, "-iv", iv12, NULL);
    expect_output(&r, pt, n, "fipsmod-static GCM decrypt");
    run_free(&r);
    free(ct);
    ct = oracle_encrypt(cbc, key, iv, 16, NULL, 0, pt, n, true, &ctlen);
    run(&r, pt, n, "enc", cbc->opt, "-key", k, "-iv", ivh, NULL);
    expect_output(&r, ct, ctlen, "fipsmod-static CBC");
    run_free(&r);
    run(&r, ct, ctlen, "enc", cbc->opt, "-d", "-key", k, "-iv", ivh, NULL);
    expect_output(&r, pt, n, "fipsmod-static CBC decrypt");
    run_free(&r);
    printf("  fipsmod-static: GCM and CBC as OpenSSL\n");
    tool = TOOL_SHARED;
    free(key);
    free(iv);
    free(pt);
    free(ct);
    free(k);
    free(ivh);
    free(iv12);
}

/* ---- set-up ------------------------------------------------------------------------------ */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void remove_scratch(void)
{
    const char *keep = getenv("FIPSMOD_TEST_KEEP");

    if (scratch[0] == '\0')
        return;
    if (keep != NULL && *keep != '\0' && strcmp(keep, "0") != 0) {
        printf("test_tool_enc: scratch directory kept: %s\n", scratch);
        return;
    }
    (void)nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void setup(void)
{
    const char *tmp = getenv("TMPDIR");

    if (access(TOOL_SHARED, X_OK) != 0 || access(TOOL_STATIC, X_OK) != 0) {
        printf("test_tool_enc: %s or %s missing: run `make` first (from the repository root)\n",
               TOOL_SHARED, TOOL_STATIC);
        exit(1);
    }
    if (tmp == NULL || *tmp == '\0' || strlen(tmp) > sizeof scratch - 64)
        tmp = "/tmp";
    snprintf(scratch, sizeof scratch, "%s/fipsmod-enc-test.XXXXXX", tmp);
    if (mkdtemp(scratch) == NULL) {
        printf("test_tool_enc: mkdtemp %s: %s\n", scratch, strerror(errno));
        exit(1);
    }
    atexit(remove_scratch);
    snprintf(tmpdir, sizeof tmpdir, "%s/tmp", scratch);
    snprintf(outdir, sizeof outdir, "%s/out", scratch);
    if (mkdir(tmpdir, 0700) != 0 || mkdir(outdir, 0700) != 0) {
        printf("test_tool_enc: mkdir: %s\n", strerror(errno));
        exit(1);
    }
}

/* Which AES implementation the tool uses in a variant (`fipsmod status`). */
static void print_tool_impl(const struct variant *v)
{
    char *argv[] = { TOOL_SHARED, "status", NULL };
    char impl[64] = "?";
    run_result r;

    cur = v;
    run_argv(argv, NULL, 0, &r);
    r.out = realloc(r.out, r.outlen + 1);
    r.out[r.outlen] = '\0';
    {
        const char *p = strstr((char *)r.out, "impl-aes: ");

        if (p != NULL)
            sscanf(p + 10, "%63s", impl);
    }
    printf("test_tool_enc: %s: the tool's AES implementation is %s\n", v->label, impl);
    run_free(&r);
    cur = NULL;
}

static struct tdata *tdata(const struct variant *v, const struct cdef *c)
{
    struct tdata *d = &tdatas[ntdatas++];

    d->v = v;
    d->c = c;
    return d;
}

int main(void)
{
    tu_case tmpl;

    tu_init("test_tool_enc");
    setup();
    memset(&tmpl, 0, sizeof tmpl);
    for (size_t vi = 0; vi < NVARIANTS; vi++)
        print_tool_impl(&variants[vi]);
    for (size_t vi = 0; vi < NVARIANTS; vi++) {
        const struct variant *v = &variants[vi];

        for (size_t ci = 0; ci < NCDEFS; ci++) {
            tmpl.data = tdata(v, &cdefs[ci]);
            tu_add(&suite, test_roundtrip, &tmpl, "enc %s: 0, 1, 15, 16, 17 bytes, 1 MiB = OpenSSL [%s]",
                   cdefs[ci].opt, v->label);
        }
        tmpl.data = tdata(v, NULL);
        tu_add(&suite, test_openssl_cli, &tmpl, "enc CBC/CTR = `openssl enc` [%s]", v->label);
        tu_add(&suite, test_gcm_bad_tag, &tmpl, "enc GCM wrong tag: exit 1, no output [%s]",
               v->label);
        tu_add(&suite, test_cbc_bad_padding, &tmpl,
               "enc CBC bad padding or length: exit 1, no output [%s]", v->label);
        tu_add(&suite, test_gcm_geniv, &tmpl, "enc GCM generated IVs [%s]", v->label);
        tu_add(&suite, test_files, &tmpl, "enc files, links, devices, in place [%s]", v->label);
        tu_add(&suite, test_static_tool, &tmpl, "enc with fipsmod-static [%s]", v->label);
        tu_add(&suite, test_big_stream, &tmpl,
               "enc 64 MiB streamed through a pipe: = OpenSSL, constant memory [%s]", v->label);
    }
    tmpl.data = tdata(&variants[0], NULL);
    tu_add(&suite, test_usage, &tmpl, "enc usage errors: exit 2 (bad input files: 1), help");
    return tu_run(&suite, "test_tool_enc");
}
