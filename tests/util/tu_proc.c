/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The process harness of the tool tests: scratch directory, file helpers,
 * child processes with captured streams and the checks made on them. See
 * tu_proc.h. Standard output and error of a child go to two files in the
 * scratch directory (no pipes, so a chatty child cannot block on a full
 * pipe while the parent waits), read back once it has exited.
 */
#include "tu_proc.h"

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

const char *tu_tool = TU_TOOL_SHARED;
const char *tu_cpu_env;
bool tu_have_openssl;

static const char *program_name = "test";
static char scratch[PATH_MAX / 2];
static double t_start;
static double t_case;       /* when the running test started */
static unsigned long nruns; /* child processes started */

double tu_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- paths and files -------------------------------------------------------------------- */

/* The names given to tu_path and their paths, freed by at_exit. */
#define MAX_PATHS 256
static struct {
    char *name, *path;
} paths[MAX_PATHS];
static size_t npaths;

const char *tu_scratch(void)
{
    return scratch;
}

const char *tu_path(const char *fmt, ...)
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

uint8_t *tu_read_file(const char *path, size_t *len)
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

void tu_write_file(const char *path, const void *p, size_t n)
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

void tu_copy_file(const char *from, const char *to)
{
    size_t n;
    uint8_t *p = tu_read_file(from, &n);

    tu_write_file(to, p, n);
    free(p);
}

void tu_flip_copy(const char *from, const char *to, long pos)
{
    size_t n;
    uint8_t *p = tu_read_file(from, &n);
    size_t at = pos < 0 ? n - (size_t)(-pos) : (size_t)pos;

    assert_true(at < n);
    p[at] ^= 0x01;
    tu_write_file(to, p, n);
    free(p);
}

void tu_truncate_copy(const char *from, const char *to, long keep)
{
    size_t n;
    uint8_t *p = tu_read_file(from, &n);
    size_t k = keep < 0 ? n - (size_t)(-keep) : (size_t)keep;

    assert_true(k <= n);
    tu_write_file(to, p, k);
    free(p);
}

bool tu_files_equal(const char *a, const char *b)
{
    size_t na, nb;
    uint8_t *pa = tu_read_file(a, &na), *pb = tu_read_file(b, &nb);
    bool eq = na == nb && memcmp(pa, pb, na) == 0;

    free(pa);
    free(pb);
    return eq;
}

void tu_expect_files_equal(const char *got, const char *want, const char *what)
{
    if (!tu_files_equal(got, want))
        fail_msg("%s: %s differs from %s", what, got, want);
}

size_t tu_file_size(const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0)
        fail_msg("stat %s: %s", path, strerror(errno));
    return (size_t)st.st_size;
}

mode_t tu_file_mode(const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0)
        fail_msg("stat %s: %s", path, strerror(errno));
    return st.st_mode & 07777;
}

bool tu_exists(const char *path)
{
    return access(path, F_OK) == 0;
}

void tu_random_file(const char *path, tu_rng *rng, size_t n)
{
    uint8_t *p = malloc(n + 1);

    assert_non_null(p);
    tu_rng_fill(rng, p, n);
    tu_write_file(path, p, n);
    free(p);
}

/* ---- running programs --------------------------------------------------------------------- */

void tu_proc_argv(tu_proc *r, const char *in, char *const argv[])
{
    const char *outp = tu_path("run.stdout"), *errp = tu_path("run.stderr");
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
        if (tu_cpu_env != NULL)
            setenv("FIPSMOD_CPU", tu_cpu_env, 1);
        else
            unsetenv("FIPSMOD_CPU");
        alarm(TU_PROC_TIMEOUT_S);
        execvp(argv[0], argv);
        dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(fin);
    close(fout);
    close(ferr);
    while (waitpid(pid, &r->status, 0) < 0)
        assert_int_equal(errno, EINTR);
    r->out = (char *)tu_read_file(outp, &r->outlen);
    r->err = (char *)tu_read_file(errp, &errlen);
}

static void run_va(tu_proc *r, const char *in, const char *prog, va_list ap)
{
    char *argv[TU_MAX_ARGS + 2];
    size_t n = 0;
    char *a;

    argv[n++] = (char *)prog;
    while ((a = va_arg(ap, char *)) != NULL) {
        if (n > TU_MAX_ARGS)
            fail_msg("too many arguments");
        argv[n++] = a;
    }
    argv[n] = NULL;
    tu_proc_argv(r, in, argv);
}

void tu_fm_in(tu_proc *r, const char *in, ...)
{
    va_list ap;

    va_start(ap, in);
    run_va(r, in, tu_tool, ap);
    va_end(ap);
}

void tu_ossl_in(tu_proc *r, const char *in, ...)
{
    va_list ap;

    va_start(ap, in);
    run_va(r, in, "openssl", ap);
    va_end(ap);
}

void tu_proc_free(tu_proc *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

int tu_exit_code(const tu_proc *r)
{
    return WIFEXITED(r->status) ? WEXITSTATUS(r->status) : -1;
}

void tu_expect_exit(const tu_proc *r, int code)
{
    if (tu_exit_code(r) != code)
        fail_msg("`%s`: expected exit status %d, got wait status 0x%x\nstdout: %s\nstderr: %s",
                 r->cmdline, code, (unsigned)r->status, r->out, r->err);
}

void tu_expect_stdout(const tu_proc *r, const char *want)
{
    if (strcmp(r->out, want) != 0)
        fail_msg("`%s`: standard output is \"%s\", expected \"%s\"\nstderr: %s", r->cmdline,
                 r->out, want, r->err);
}

void tu_expect_verified(const tu_proc *r, bool ok)
{
    tu_expect_stdout(r, ok ? "Verified OK\n" : "Verification failure\n");
    tu_expect_exit(r, ok ? 0 : 1);
}

static size_t count_lines(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++)
        n += *s == '\n';
    return n;
}

void tu_expect_error(const tu_proc *r, int code, ...)
{
    const char *want;
    va_list ap;

    tu_expect_exit(r, code);
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

/* ---- tests and set-up ------------------------------------------------------------------------ */

const tu_case *tu_proc_begin(void **state)
{
    const tu_case *tc = tu_begin(state);

    t_case = tu_now();
    tu_tool = TU_TOOL_SHARED;
    tu_cpu_env = NULL;
    return tc;
}

void tu_took(void)
{
    printf("  (%.1f s)\n", tu_now() - t_case);
}

void tu_need_openssl(void)
{
    if (!tu_have_openssl) {
        printf("SKIP: the openssl command is not installed (it is the oracle)\n");
        skip();
    }
}

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

    printf("%s: %lu runs of fipsmod and openssl in %.1f s\n", program_name, nruns,
           tu_now() - t_start);
    for (size_t i = 0; i < npaths; i++) {
        free(paths[i].name);
        free(paths[i].path);
    }
    npaths = 0;
    if (scratch[0] == '\0')
        return;
    if (keep != NULL && *keep != '\0' && strcmp(keep, "0") != 0) {
        printf("%s: scratch directory kept: %s\n", program_name, scratch);
        return;
    }
    (void)nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void tu_proc_init(const char *program, const char *tag)
{
    const char *tmp = getenv("TMPDIR");

    program_name = program;
    t_start = tu_now();
    if (access(TU_TOOL_SHARED, X_OK) != 0) {
        printf("%s: %s missing: run `make` first (from the repository root)\n", program,
               TU_TOOL_SHARED);
        exit(1);
    }
    if (tmp == NULL || *tmp == '\0' || strlen(tmp) > sizeof scratch - 64)
        tmp = "/tmp";
    snprintf(scratch, sizeof scratch, "%s/fipsmod-%s-test.XXXXXX", tmp, tag);
    if (mkdtemp(scratch) == NULL) {
        printf("%s: mkdtemp %s: %s\n", program, scratch, strerror(errno));
        exit(1);
    }
    atexit(at_exit);
    /* tu_proc_argv uses cmocka's assertions: outside a test they would abort, so check by hand. */
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
        tu_have_openssl = pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
                          WEXITSTATUS(st) == 0;
    }
    if (!tu_have_openssl)
        printf("%s: the openssl command is missing: the interoperability tests are skipped\n",
               program);
}
