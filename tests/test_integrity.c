/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Integration test of the module integrity test (module-boundary.md): the
 * built programs and libraries are run, copied, corrupted, stripped and
 * relinked, and what the module then reports is checked. Paths are
 * relative to the repository root, the current directory under `make test`.
 *
 * - `fipsmod status` (shared library) and `fipsmod-static status` report
 *   "state: operational" and the same module-hmac as this program (which is
 *   linked with libfipsmod.a), and that value is HMAC-SHA-256 over exactly
 *   the bytes between fm_module_start and fm_module_end of each file,
 *   recomputed here with OpenSSL in the format of src/module/integrity.h.
 * - In copies of libfipsmod.so.1 and fipsmod-static, one byte at a time is
 *   inverted at 40 offsets spread over that range (first and last byte
 *   included), each in a freshly written copy. The module must refuse to
 *   become operational: "state: error (" naming the integrity test and exit
 *   status 1. A corruption of code that the SHA-256 / HMAC-SHA-256
 *   known-answer tests execute before the integrity test may instead fail
 *   one of them, or crash the process before anything can report; both are
 *   counted apart (see judge_corrupted), and at least half of the 40 must be
 *   reported by the integrity test itself. The symbols are found and
 *   mapped to file offsets by reading the ELF symbol table and program
 *   headers here (<elf.h>), not with nm or readelf. For the shared library,
 *   build/fipsmod runs with LD_LIBRARY_PATH pointing at the corrupted copy
 *   and LD_DEBUG=libs, whose "calling init:" line shows which file the
 *   loader actually used.
 * - Bytes outside the range: the expected value stored after
 *   fm_module_end (the module must fail and report the altered value), the
 *   build-id note (loaded into memory, not covered: still operational),
 *   and .comment (not loaded: still operational). The glue code right
 *   after fm_module_end is not flipped: it is executed and deliberately
 *   not covered (its bytes depend on the final link), so what a flip there
 *   does is up to the CPU, not to the module.
 * - strip --strip-all on copies of both: still operational, same value.
 * - A small program linked with libfipsmod.a as -no-pie, -pie, -static,
 *   -static-pie, with --gc-sections, and stripped: each reports operational
 *   and the same module HMAC (fm_module_status_get) as the shared library.
 *
 * Every child runs under a time limit (a corrupted loop could spin) in a
 * scratch directory that is removed at the end ($FIPSMOD_TEST_KEEP=1
 * keeps it and prints where).
 */
#include "testutil.h"

#include "../src/module/integrity.h"

#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/hmac.h>

#define TOOL_SHARED "build/fipsmod"
#define TOOL_STATIC "build/fipsmod-static"
#define LIB_SHARED  "build/libfipsmod.so.1"
#define LIB_STATIC  "build/libfipsmod.a"
#define SONAME      "libfipsmod.so.1"

#define N_FLIPS       40
#define RUN_TIMEOUT_S 5
#define HMAC_HEX_LEN  (2 * FM_MODULE_HMAC_LEN)

static tu_suite suite;

static char scratch[PATH_MAX / 2];       /* mkdtemp'd, removed at exit */
static char self_hmac[HMAC_HEX_LEN + 1]; /* this program's (libfipsmod.a) */
static uint64_t self_size;               /* its module-size */
static bool integrity_skipped;           /* ASan build: nothing to corrupt */

/* ---- files ------------------------------------------------------------------------------- */

static uint8_t *read_file(const char *path, size_t *len)
{
    struct stat st;
    uint8_t *buf;
    size_t got = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        fail_msg("%s: %s (run `make` first: the test needs the built files)", path,
                 strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0)
        fail_msg("%s: not a regular, non-empty file", path);
    buf = malloc((size_t)st.st_size);
    assert_non_null(buf);
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            fail_msg("%s: read: %s", path, n < 0 ? strerror(errno) : "short file");
        got += (size_t)n;
    }
    close(fd);
    *len = got;
    return buf;
}

/*
 * A fresh file at path holding img with the byte at `flip` inverted
 * (flip == SIZE_MAX: unchanged). The old file is unlinked first, so a copy
 * never inherits anything from the previous one.
 */
static void write_copy(const char *path, const uint8_t *img, size_t len, size_t flip,
                       mode_t mode)
{
    size_t done = 0;
    int fd;

    if (unlink(path) != 0 && errno != ENOENT)
        fail_msg("unlink %s: %s", path, strerror(errno));
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        fail_msg("%s: %s", path, strerror(errno));
    while (done < len) {
        size_t n = len - done;
        ssize_t w;
        uint8_t b;

        /* Write up to the flipped byte, the flipped byte alone, then the rest. */
        if (flip != SIZE_MAX && done == flip) {
            b = (uint8_t)~img[flip];
            w = write(fd, &b, 1);
        } else {
            if (flip != SIZE_MAX && done < flip && flip - done < n)
                n = flip - done;
            w = write(fd, img + done, n);
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            fail_msg("write %s: %s", path, strerror(errno));
        done += (size_t)w;
    }
    if (close(fd) != 0)
        fail_msg("close %s: %s", path, strerror(errno));
}

static void scratch_path(char *buf, size_t cap, const char *name)
{
    if ((size_t)snprintf(buf, cap, "%s/%s", scratch, name) >= cap)
        fail_msg("path too long: %s/%s", scratch, name);
}

/* ---- running programs ---------------------------------------------------------------------- */

typedef struct {
    int status;    /* as waitpid reports it */
    char *out;     /* standard output, NUL-terminated */
    char *err;     /* standard error */
    char *ld;      /* the loader's LD_DEBUG=libs output ("" unless asked for) */
    char what[96]; /* "exit 1", "killed by signal 11 (Segmentation fault)" */
} run_result;

static char *slurp(const char *path)
{
    size_t len = 0;
    struct stat st;
    char *s;

    if (stat(path, &st) == 0 && st.st_size == 0) {
        s = calloc(1, 1);
        assert_non_null(s);
        return s;
    }
    s = (char *)read_file(path, &len);
    s = realloc(s, len + 1);
    assert_non_null(s);
    s[len] = '\0';
    return s;
}

/*
 * Run argv[0] (looked up in PATH when it has no slash) with its standard
 * output and error captured, killed by SIGALRM after RUN_TIMEOUT_S.
 * ldpath, when not NULL, becomes LD_LIBRARY_PATH, and LD_DEBUG=libs is set
 * so that the loader names the libraries it initialises (in r->ld: with
 * LD_DEBUG_OUTPUT the loader writes to its own file, PATH.PID).
 */
static void run(char *const argv[], const char *ldpath, run_result *r)
{
    char outp[PATH_MAX], errp[PATH_MAX], ldp[PATH_MAX], ldpid[PATH_MAX + 16];
    pid_t pid;

    scratch_path(outp, sizeof outp, "stdout");
    scratch_path(errp, sizeof errp, "stderr");
    scratch_path(ldp, sizeof ldp, "ld-debug");
    memset(r, 0, sizeof *r);
    fflush(stdout);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int o = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);

        if (o < 0 || e < 0 || dup2(o, STDOUT_FILENO) < 0 || dup2(e, STDERR_FILENO) < 0)
            _exit(126);
        if (ldpath != NULL) {
            setenv("LD_LIBRARY_PATH", ldpath, 1);
            setenv("LD_DEBUG", "libs", 1);
            setenv("LD_DEBUG_OUTPUT", ldp, 1);
        }
        alarm(RUN_TIMEOUT_S); /* survives exec */
        execvp(argv[0], argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    while (waitpid(pid, &r->status, 0) < 0)
        assert_int_equal(errno, EINTR);
    r->out = slurp(outp);
    r->err = slurp(errp);
    snprintf(ldpid, sizeof ldpid, "%s.%ld", ldp, (long)pid);
    if (ldpath != NULL && access(ldpid, F_OK) == 0) {
        r->ld = slurp(ldpid);
        (void)unlink(ldpid);
    } else {
        r->ld = calloc(1, 1);
        assert_non_null(r->ld);
    }
    if (WIFEXITED(r->status))
        snprintf(r->what, sizeof r->what, "exit %d", WEXITSTATUS(r->status));
    else if (WIFSIGNALED(r->status))
        snprintf(r->what, sizeof r->what, "killed by signal %d (%s)%s", WTERMSIG(r->status),
                 strsignal(WTERMSIG(r->status)),
                 WTERMSIG(r->status) == SIGALRM ? ": time limit" : "");
    else
        snprintf(r->what, sizeof r->what, "wait status 0x%x", (unsigned)r->status);
}

static void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
    free(r->ld);
    r->out = r->err = r->ld = NULL;
}

static bool exited(const run_result *r, int code)
{
    return WIFEXITED(r->status) && WEXITSTATUS(r->status) == code;
}

/* Run `sh -c cmd` (for the compiler and strip, which may be "ccache gcc" and the like). */
static void shell(const char *cmd)
{
    char *argv[] = { "sh", "-c", (char *)cmd, NULL };
    run_result r;

    printf("  $ %s\n", cmd);
    run(argv, NULL, &r);
    if (!exited(&r, 0))
        fail_msg("`%s` failed (%s):\n%s%s", cmd, r.what, r.out, r.err);
    run_free(&r);
}

/* The first line of s, in buf. */
static const char *first_line(const char *s, char *buf, size_t cap)
{
    size_t n = strcspn(s, "\n");

    if (n >= cap)
        n = cap - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}

/* The value of the line "key: value" in s, in buf; NULL when absent. */
static const char *field(const char *s, const char *key, char *buf, size_t cap)
{
    size_t klen = strlen(key);

    for (const char *p = s; *p != '\0'; p += strcspn(p, "\n"), p += *p == '\n') {
        if (strncmp(p, key, klen) == 0 && p[klen] == ':' && p[klen + 1] == ' ')
            return first_line(p + klen + 2, buf, cap);
    }
    return NULL;
}

/*
 * LD_DEBUG=libs says "calling init: PATH" for each library it initialises;
 * the library's constructor (the power-up) makes sure there is one.
 */
static void expect_loaded(const run_result *r, const char *libpath)
{
    char want[PATH_MAX + 32];

    snprintf(want, sizeof want, "calling init: %s\n", libpath);
    if (strstr(r->ld, want) == NULL)
        fail_msg("the loader did not use %s (no \"calling init: %s\" in LD_DEBUG output):\n%s",
                 libpath, libpath, r->ld);
}

/* ---- ELF: where the hashed range is in a file ------------------------------------------------- */

typedef struct {
    size_t start, end;      /* file offsets of fm_module_start, fm_module_end */
    uint64_t start_va;      /* their addresses in the file's own address space */
    uint64_t end_va;
} module_range;

typedef struct {
    const uint8_t *img;
    size_t len;
    const char *name;
    Elf64_Ehdr eh;
} elf_file;

static void elf_open(elf_file *f, const uint8_t *img, size_t len, const char *name)
{
    f->img = img;
    f->len = len;
    f->name = name;
    if (len < sizeof f->eh || memcmp(img, ELFMAG, SELFMAG) != 0)
        fail_msg("%s: not an ELF file", name);
    memcpy(&f->eh, img, sizeof f->eh);
    if (f->eh.e_ident[EI_CLASS] != ELFCLASS64 || f->eh.e_ident[EI_DATA] != ELFDATA2LSB)
        fail_msg("%s: only 64-bit little-endian ELF is handled here", name);
    if (f->eh.e_shentsize != sizeof(Elf64_Shdr) || f->eh.e_phentsize != sizeof(Elf64_Phdr) ||
        f->eh.e_shoff > len || (len - f->eh.e_shoff) / sizeof(Elf64_Shdr) < f->eh.e_shnum ||
        f->eh.e_phoff > len || (len - f->eh.e_phoff) / sizeof(Elf64_Phdr) < f->eh.e_phnum ||
        f->eh.e_shstrndx >= f->eh.e_shnum)
        fail_msg("%s: section or program header table out of bounds", name);
}

static Elf64_Shdr elf_shdr(const elf_file *f, size_t i)
{
    Elf64_Shdr sh;

    memcpy(&sh, f->img + f->eh.e_shoff + i * sizeof sh, sizeof sh);
    if (sh.sh_type != SHT_NOBITS && (sh.sh_offset > f->len || f->len - sh.sh_offset < sh.sh_size))
        fail_msg("%s: section %zu out of bounds", f->name, i);
    return sh;
}

static const char *elf_str(const elf_file *f, size_t strtab, uint32_t off)
{
    Elf64_Shdr sh = elf_shdr(f, strtab);

    if (off >= sh.sh_size || memchr(f->img + sh.sh_offset + off, '\0', sh.sh_size - off) == NULL)
        fail_msg("%s: bad string offset %u", f->name, off);
    return (const char *)f->img + sh.sh_offset + off;
}

/* Index of the section called name, or 0 when there is none. */
static size_t elf_section(const elf_file *f, const char *name)
{
    for (size_t i = 1; i < f->eh.e_shnum; i++)
        if (strcmp(elf_str(f, f->eh.e_shstrndx, elf_shdr(f, i).sh_name), name) == 0)
            return i;
    return 0;
}

/* Value of the one symbol called name in .symtab; fails when absent or repeated. */
static uint64_t elf_symbol(const elf_file *f, const char *name)
{
    size_t symtab = elf_section(f, ".symtab");
    Elf64_Shdr sh;
    uint64_t value = 0;
    int found = 0;

    if (symtab == 0)
        fail_msg("%s: no .symtab (stripped?): cannot find %s", f->name, name);
    sh = elf_shdr(f, symtab);
    if (sh.sh_entsize != sizeof(Elf64_Sym) || sh.sh_link >= f->eh.e_shnum)
        fail_msg("%s: malformed .symtab", f->name);
    for (size_t i = 1; i < sh.sh_size / sizeof(Elf64_Sym); i++) {
        Elf64_Sym sym;

        memcpy(&sym, f->img + sh.sh_offset + i * sizeof sym, sizeof sym);
        if (sym.st_name != 0 && strcmp(elf_str(f, sh.sh_link, sym.st_name), name) == 0) {
            value = sym.st_value;
            found++;
        }
    }
    if (found != 1)
        fail_msg("%s: %d symbols called %s, expected exactly one", f->name, found, name);
    return value;
}

/* File offset of the address va, from the PT_LOAD segment holding [va, va + n). */
static size_t elf_va_to_offset(const elf_file *f, uint64_t va, uint64_t n)
{
    for (size_t i = 0; i < f->eh.e_phnum; i++) {
        Elf64_Phdr ph;

        memcpy(&ph, f->img + f->eh.e_phoff + i * sizeof ph, sizeof ph);
        if (ph.p_type != PT_LOAD || va < ph.p_vaddr || va - ph.p_vaddr > ph.p_filesz ||
            ph.p_filesz - (va - ph.p_vaddr) < n)
            continue;
        if (ph.p_offset > f->len || f->len - ph.p_offset < ph.p_filesz)
            fail_msg("%s: segment %zu out of bounds", f->name, i);
        return (size_t)(ph.p_offset + (va - ph.p_vaddr));
    }
    fail_msg("%s: no loadable segment holds 0x%llx..0x%llx", f->name, (unsigned long long)va,
             (unsigned long long)(va + n));
    return 0;
}

/* Whether [va, va + n) is part of a PT_LOAD segment (mapped at run time). */
static bool elf_loaded(const elf_file *f, uint64_t va, uint64_t n)
{
    for (size_t i = 0; i < f->eh.e_phnum; i++) {
        Elf64_Phdr ph;

        memcpy(&ph, f->img + f->eh.e_phoff + i * sizeof ph, sizeof ph);
        if (ph.p_type == PT_LOAD && va >= ph.p_vaddr && va - ph.p_vaddr <= ph.p_memsz &&
            ph.p_memsz - (va - ph.p_vaddr) >= n)
            return true;
    }
    return false;
}

static module_range find_range(const uint8_t *img, size_t len, const char *name)
{
    module_range m;
    elf_file f;

    elf_open(&f, img, len, name);
    m.start_va = elf_symbol(&f, "fm_module_start");
    m.end_va = elf_symbol(&f, "fm_module_end");
    if (m.end_va <= m.start_va)
        fail_msg("%s: fm_module_end (0x%llx) is not after fm_module_start (0x%llx)", name,
                 (unsigned long long)m.end_va, (unsigned long long)m.start_va);
    m.start = elf_va_to_offset(&f, m.start_va, m.end_va - m.start_va);
    m.end = m.start + (size_t)(m.end_va - m.start_va);
    printf("  %s: fm_module_start 0x%llx, fm_module_end 0x%llx: %zu bytes at file offset 0x%zx\n",
           name, (unsigned long long)m.start_va, (unsigned long long)m.end_va, m.end - m.start,
           m.start);
    return m;
}

/* HMAC over the range, in the format of src/module/integrity.h, as hex. */
static void range_hmac(const uint8_t *img, const module_range *m, char hex[HMAC_HEX_LEN + 1])
{
    uint8_t len_be[8], mac[EVP_MAX_MD_SIZE];
    uint64_t n = m->end - m->start;
    unsigned int maclen = 0;
    HMAC_CTX *h = HMAC_CTX_new();

    for (int i = 0; i < 8; i++)
        len_be[i] = (uint8_t)(n >> (56 - 8 * i));
    assert_non_null(h);
    assert_int_equal(HMAC_Init_ex(h, INTEGRITY_KEY, INTEGRITY_KEY_LEN, EVP_sha256(), NULL), 1);
    assert_int_equal(HMAC_Update(h, (const uint8_t *)INTEGRITY_TAG, INTEGRITY_TAG_LEN), 1);
    assert_int_equal(HMAC_Update(h, len_be, sizeof len_be), 1);
    assert_int_equal(HMAC_Update(h, img + m->start, n), 1);
    assert_int_equal(HMAC_Final(h, mac, &maclen), 1);
    HMAC_CTX_free(h);
    assert_int_equal(maclen, FM_MODULE_HMAC_LEN);
    tu_hex_encode(mac, maclen, hex);
}

/* ---- what `fipsmod status` says ---------------------------------------------------------------- */

/*
 * Check that r is `status` output of an operational module whose
 * module-hmac and module-size are this program's.
 */
static void expect_operational(const char *label, const run_result *r)
{
    char line[256], val[256];

    first_line(r->out, line, sizeof line);
    if (!exited(r, 0) || strcmp(line, "state: operational") != 0)
        fail_msg("%s: expected exit 0 and \"state: operational\", got %s and \"%s\"\n%s%s",
                 label, r->what, line, r->out, r->err);
    if (field(r->out, "module-hmac", val, sizeof val) == NULL || strcmp(val, self_hmac) != 0)
        fail_msg("%s: module-hmac %s, but libfipsmod.a (this program) has %s", label,
                 field(r->out, "module-hmac", val, sizeof val) ? val : "(missing)", self_hmac);
    if (field(r->out, "module-size", val, sizeof val) == NULL ||
        strtoull(val, NULL, 10) != self_size)
        fail_msg("%s: module-size %s, but libfipsmod.a (this program) has %llu", label,
                 field(r->out, "module-size", val, sizeof val) ? val : "(missing)",
                 (unsigned long long)self_size);
    printf("  %s: %s, state: operational, module-hmac %.16s... (same)\n", label, r->what,
           self_hmac);
}

typedef enum {
    REFUSED_INTEGRITY, /* state: error (... integrity ...) */
    REFUSED_KAT,       /* state: error (self-test sha256-kat / hmac-sha256-kat failed ...) */
    REFUSED_CRASH,     /* killed by a signal before the integrity test could report */
    NOT_REFUSED,       /* anything else: operational, another exit status, ... */
} verdict;

/* The known-answer tests that run before the integrity test and use its code. */
static bool names_prior_kat(const char *line)
{
    return strstr(line, "self-test sha256-kat failed") != NULL ||
           strstr(line, "self-test hmac-sha256-kat failed") != NULL;
}

/*
 * The power-up runs the SHA-256 and HMAC-SHA-256 known-answer tests (on
 * every SHA-256 implementation the CPU has) before the integrity test, as
 * it must: the integrity test relies on them. A corrupted byte in code they
 * execute can therefore make them fail first, or make that code fault or
 * spin before any check can report (SIGALRM ends a spin). The process then
 * offers no service either; such cases are counted and printed apart, and
 * most corruptions must still be reported by the integrity test itself.
 */
static verdict judge_corrupted(const run_result *r, char *line, size_t cap)
{
    first_line(r->out, line, cap);
    if (WIFSIGNALED(r->status) && line[0] == '\0')
        return REFUSED_CRASH;
    if (!exited(r, 1) || strncmp(line, "state: error (", 14) != 0)
        return NOT_REFUSED;
    if (strstr(line, "integrity") != NULL)
        return REFUSED_INTEGRITY;
    return names_prior_kat(line) ? REFUSED_KAT : NOT_REFUSED;
}

/* ---- tests ---------------------------------------------------------------------------------- */

static void test_tools_status(void **state)
{
    char *shared_argv[] = { TOOL_SHARED, "status", NULL };
    char *static_argv[] = { TOOL_STATIC, "status", NULL };
    char *selftest_argv[] = { TOOL_SHARED, "selftest", NULL };
    char val[256];
    run_result r;

    tu_begin(state);
    printf("  this program (libfipsmod.a, default link): module-hmac %s, module-size %llu\n",
           self_hmac, (unsigned long long)self_size);

    printf("  $ %s status\n", TOOL_SHARED);
    run(shared_argv, NULL, &r);
    printf("%s", r.out);
    expect_operational(TOOL_SHARED " status", &r);
    if (field(r.out, "version", val, sizeof val) == NULL || strcmp(val, FM_VERSION_STRING) != 0)
        fail_msg("version line missing or not %s", FM_VERSION_STRING);
    if (field(r.out, "integrity-check", val, sizeof val) == NULL ||
        (strcmp(val, "performed") != 0 && strcmp(val, "skipped (AddressSanitizer)") != 0))
        fail_msg("integrity-check line missing or unexpected");
    if (strstr(r.out, "\nselftest integrity: pass ") == NULL)
        fail_msg("no \"selftest integrity: pass N us\" line");
    run_free(&r);

    printf("  $ %s status\n", TOOL_STATIC);
    run(static_argv, NULL, &r);
    expect_operational(TOOL_STATIC " status", &r);
    run_free(&r);

    printf("  $ %s selftest\n", TOOL_SHARED);
    run(selftest_argv, NULL, &r);
    printf("%s", r.out);
    first_line(r.out, val, sizeof val);
    if (!exited(&r, 0) || strcmp(val, "state: operational") != 0 ||
        strstr(r.out, "\nselftest integrity: pass ") == NULL)
        fail_msg("fipsmod selftest: %s\n%s%s", r.what, r.out, r.err);
    run_free(&r);
}

/*
 * The deploy gate: `make` writes build/fipsmod.hmac, the module HMAC of the
 * build (this program's); `fipsmod status --expect-hmac` passes with it (in
 * either case), and exits 2 with a clear message, after the usual lines,
 * for any other value; a malformed value is a usage error (also 2).
 */
static void test_expect_hmac(void **state)
{
    char file[256] = "", other[HMAC_HEX_LEN + 1], upper[HMAC_HEX_LEN + 1];
    char *argv[] = { TOOL_SHARED, "status", "--expect-hmac", NULL, NULL };
    char line[256];
    run_result r;
    FILE *f;

    tu_begin(state);
    f = fopen("build/fipsmod.hmac", "r");
    if (f == NULL)
        fail_msg("build/fipsmod.hmac is missing (make writes it)");
    if (fgets(file, sizeof file, f) == NULL)
        file[0] = '\0';
    fclose(f);
    file[strcspn(file, "\n")] = '\0';
    if (strcmp(file, self_hmac) != 0)
        fail_msg("build/fipsmod.hmac says %s, this build's module-hmac is %s", file, self_hmac);
    printf("  build/fipsmod.hmac: %s (this build's)\n", file);

    argv[3] = file;
    run(argv, NULL, &r);
    if (!exited(&r, 0) || r.err[0] != '\0')
        fail_msg("status --expect-hmac <this build>: %s\n%s", r.what, r.err);
    run_free(&r);
    for (size_t i = 0; i <= HMAC_HEX_LEN; i++)
        upper[i] = (char)toupper((unsigned char)file[i]);
    argv[3] = upper;
    run(argv, NULL, &r);
    if (!exited(&r, 0))
        fail_msg("status --expect-hmac <upper case>: %s\n%s", r.what, r.err);
    run_free(&r);

    memcpy(other, file, sizeof other);
    other[10] = other[10] == '0' ? '1' : '0';
    argv[3] = other;
    run(argv, NULL, &r);
    first_line(r.out, line, sizeof line);
    if (!exited(&r, 2) || strcmp(line, "state: operational") != 0 ||
        strstr(r.err, "differs from the expected") == NULL ||
        strstr(r.err, "not the module build that was tested") == NULL)
        fail_msg("status --expect-hmac <another value>: want exit 2 and the message, got %s\n"
                 "%s%s", r.what, r.out, r.err);
    printf("  another value: exit 2, %s", r.err);
    run_free(&r);

    argv[3] = "12ab";
    run(argv, NULL, &r);
    if (!exited(&r, 2) || strstr(r.err, "64 hex digits") == NULL)
        fail_msg("status --expect-hmac 12ab: want a usage error (exit 2), got %s\n%s", r.what,
                 r.err);
    run_free(&r);
}

/* `fipsmod status --json` parses as JSON (jansson) and says what the text
 * form says; with --expect-hmac it carries the verdict. */
static void test_status_json(void **state)
{
    char *argv[] = { TOOL_SHARED, "status", "--json", NULL, NULL, NULL };
    char other[HMAC_HEX_LEN + 1];
    json_error_t jerr;
    json_t *o, *impl, *tests, *t;
    size_t count = 0, i;
    run_result r;

    tu_begin(state);
    run(argv, NULL, &r);
    if (!exited(&r, 0))
        fail_msg("status --json: %s\n%s", r.what, r.err);
    o = json_loads(r.out, 0, &jerr);
    if (o == NULL)
        fail_msg("status --json is not JSON: line %d: %s\n%s", jerr.line, jerr.text, r.out);
    run_free(&r);
    assert_string_equal(json_string_value(json_object_get(o, "state")), "operational");
    assert_true(json_is_null(json_object_get(o, "error")));
    assert_true(json_is_null(json_object_get(o, "failed_test")));
    assert_string_equal(json_string_value(json_object_get(o, "version")), FM_VERSION_STRING);
    assert_string_equal(json_string_value(json_object_get(o, "module_hmac")), self_hmac);
    assert_int_equal(json_integer_value(json_object_get(o, "module_size")), self_size);
    assert_true(json_is_boolean(json_object_get(o, "strict")));
    assert_true(json_is_integer(json_object_get(o, "power_up_us")));
    impl = json_object_get(o, "implementations");
    assert_true(json_is_object(impl));
    assert_int_equal(json_object_size(impl), FM_FAMILY_MAX);
    assert_true(json_is_string(json_object_get(impl, "sha256")));
    assert_true(json_is_string(json_object_get(impl, "ec")));
    tests = json_object_get(o, "selftests");
    assert_int_equal(fm_selftest_count(&count), FM_OK);
    assert_true(json_is_array(tests));
    assert_int_equal(json_array_size(tests), count);
    json_array_foreach(tests, i, t) {
        fm_selftest_result res;
        assert_int_equal(fm_selftest_get(i, &res), FM_OK);
        assert_string_equal(json_string_value(json_object_get(t, "name")), res.name);
        assert_true(json_is_string(json_object_get(t, "result")));
        assert_true(json_is_integer(json_object_get(t, "us")));
    }
    assert_null(json_object_get(o, "hmac_matches"));
    printf("  status --json: valid JSON, %zu self-tests, %zu implementations\n", count,
           json_object_size(impl));
    json_decref(o);

    memcpy(other, self_hmac, sizeof other);
    other[0] = other[0] == 'a' ? 'b' : 'a';
    argv[3] = "--expect-hmac";
    argv[4] = other;
    run(argv, NULL, &r);
    o = json_loads(r.out, 0, &jerr);
    if (!exited(&r, 2) || o == NULL || !json_is_false(json_object_get(o, "hmac_matches")) ||
        strstr(r.err, "differs from the expected") == NULL)
        fail_msg("status --json --expect-hmac <another>: want exit 2, JSON with hmac_matches "
                 "false and the message; got %s\n%s%s", r.what, r.out, r.err);
    json_decref(o);
    run_free(&r);

    /* --events: the power-up record, in JSON and as lines. */
    argv[3] = "--events";
    argv[4] = NULL;
    run(argv, NULL, &r);
    o = json_loads(r.out, 0, &jerr);
    if (!exited(&r, 0) || o == NULL)
        fail_msg("status --json --events: %s, not JSON (%s)\n%s", r.what,
                 o == NULL ? jerr.text : "-", r.out);
    run_free(&r);
    tests = json_object_get(o, "events");
    if (!json_is_array(tests) || json_array_size(tests) != count + 4)
        fail_msg("status --json --events: %zu events, want %zu", json_array_size(tests),
                 count + 4);
    json_array_foreach(tests, i, t) {
        const char *type = json_string_value(json_object_get(t, "type"));
        if (type == NULL || !json_is_integer(json_object_get(t, "time_us")))
            fail_msg("event %zu has no type or time", i);
        if ((i == 0 && strcmp(type, "power-up-start") != 0) ||
            (i == count + 3 && strcmp(type, "power-up-end") != 0) ||
            (i >= 2 && i < count + 2 && (strcmp(type, "selftest") != 0 ||
                                          !json_is_string(json_object_get(t, "name")))))
            fail_msg("event %zu is %s", i, type);
    }
    json_decref(o);
    argv[2] = "--events";
    argv[3] = NULL;
    run(argv, NULL, &r);
    if (!exited(&r, 0) || strstr(r.out, "\nevent power-up-start\n") == NULL ||
        strstr(r.out, "\nevent state-change self-test -> operational\n") == NULL ||
        strstr(r.out, "\nevent power-up-end FM_OK ") == NULL)
        fail_msg("status --events: %s\n%s", r.what, r.out);
    run_free(&r);
    printf("  status --events and --json --events: the power-up record, %zu events\n", count + 4);
}

/* module-hmac is the HMAC of exactly the bytes between the two symbols in each file. */
static void test_value_matches_file(void **state)
{
    static const char *const files[] = { LIB_SHARED, TOOL_STATIC };
    char hex[HMAC_HEX_LEN + 1];

    tu_begin(state);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        size_t len;
        uint8_t *img = read_file(files[i], &len);
        module_range m = find_range(img, len, files[i]);

        if (m.end - m.start != self_size)
            fail_msg("%s: the range holds %zu bytes, module-size says %llu", files[i],
                     m.end - m.start, (unsigned long long)self_size);
        range_hmac(img, &m, hex);
        printf("  %s: HMAC-SHA-256 of the range (OpenSSL) %s\n", files[i], hex);
        if (strcmp(hex, self_hmac) != 0)
            fail_msg("%s: the bytes between the symbols hash to %s, the module expects %s",
                     files[i], hex, self_hmac);
        free(img);
    }
}

typedef struct {
    const char *label;    /* "libfipsmod.so.1" */
    const char *original; /* the file corrupted */
    const char *copy;     /* its copy's name in the scratch directory */
    mode_t mode;
    bool shared;          /* run build/fipsmod against the copy */
} target;

static const target shared_target = { "libfipsmod.so.1", LIB_SHARED, "lib/" SONAME, 0644, true };
static const target static_target = { "fipsmod-static", TOOL_STATIC, "fipsmod-static", 0755, false };

/* Write the copy of t (byte `flip` inverted unless SIZE_MAX), run
 * `status --events` on it. */
static void run_copy(const target *t, const uint8_t *img, size_t len, size_t flip, run_result *r)
{
    char copy[PATH_MAX], libdir[PATH_MAX];
    char *shared_argv[] = { TOOL_SHARED, "status", "--events", NULL };
    char *static_argv[] = { copy, "status", "--events", NULL };

    scratch_path(copy, sizeof copy, t->copy);
    write_copy(copy, img, len, flip, t->mode);
    if (t->shared) {
        scratch_path(libdir, sizeof libdir, "lib");
        run(shared_argv, libdir, r);
        expect_loaded(r, copy);
    } else {
        run(static_argv, NULL, r);
    }
}

/* A refusal by the integrity test also reports, as an event, the value
 * built in (the module-hmac line) and the different one computed. */
static void expect_integrity_event(const run_result *r)
{
    char hmac[256], want[512];
    const char *p;

    if (field(r->out, "module-hmac", hmac, sizeof hmac) == NULL)
        fail_msg("no module-hmac line:\n%s", r->out);
    snprintf(want, sizeof want, "\nevent integrity-failure expected %s computed ", hmac);
    p = strstr(r->out, want);
    if (p == NULL)
        fail_msg("no \"%s\" line:\n%s", want + 1, r->out);
    p += strlen(want);
    if (strspn(p, "0123456789abcdef") != HMAC_HEX_LEN || p[HMAC_HEX_LEN] != '\n' ||
        strncmp(p, hmac, HMAC_HEX_LEN) == 0 || strspn(p, "0") == HMAC_HEX_LEN)
        fail_msg("the computed HMAC of the integrity-failure event is not another value:\n%s",
                 r->out);
}

static void corrupt_range(const target *t)
{
    size_t len, counts[NOT_REFUSED + 1] = { 0 };
    uint8_t *img = read_file(t->original, &len);
    module_range m = find_range(img, len, t->original);
    size_t span = m.end - m.start;
    char line[256];
    run_result r;

    if (integrity_skipped) {
        printf("SKIP %s: this build skips the integrity test (AddressSanitizer)\n", t->label);
        free(img);
        skip();
    }
    run_copy(t, img, len, SIZE_MAX, &r);
    expect_operational("unmodified copy", &r);
    run_free(&r);

    printf("  inverting one byte at %d offsets from 0x%zx to 0x%zx (a fresh copy each):\n",
           N_FLIPS, m.start, m.end - 1);
    for (size_t i = 0; i < N_FLIPS; i++) {
        size_t off = m.start + (size_t)((uint64_t)(span - 1) * i / (N_FLIPS - 1));
        verdict v;

        run_copy(t, img, len, off, &r);
        v = judge_corrupted(&r, line, sizeof line);
        counts[v]++;
        printf("    +0x%05zx (file 0x%06zx) 0x%02x->0x%02x: %s, %s\n", off - m.start, off,
               img[off], (uint8_t)~img[off], r.what, line[0] != '\0' ? line : "(no output)");
        if (v == NOT_REFUSED)
            fail_msg("%s with byte 0x%zx (range +0x%zx) inverted: the module did not refuse "
                     "(%s):\n%s%s", t->label, off, off - m.start, r.what, r.out, r.err);
        if (v == REFUSED_INTEGRITY)
            expect_integrity_event(&r);
        run_free(&r);
    }
    printf("  %s: of %d corruptions, %zu reported by the integrity test, %zu by a known-answer "
           "test that runs before it, %zu crashed in code run before it\n", t->label, N_FLIPS,
           counts[REFUSED_INTEGRITY], counts[REFUSED_KAT], counts[REFUSED_CRASH]);
    if (counts[REFUSED_INTEGRITY] < N_FLIPS / 2)
        fail_msg("only %zu of %d corruptions were reported by the integrity test",
                 counts[REFUSED_INTEGRITY], N_FLIPS);
    free(img);
}

static void test_corrupt_shared(void **state)
{
    tu_begin(state);
    corrupt_range(&shared_target);
}

static void test_corrupt_static(void **state)
{
    tu_begin(state);
    corrupt_range(&static_target);
}

/* Bytes outside the range: the stored expected value, the build-id note, .comment. */
static void outside_range(const target *t)
{
    size_t len;
    uint8_t *img = read_file(t->original, &len);
    module_range m = find_range(img, len, t->original);
    char line[256], val[256];
    run_result r;
    elf_file f;
    size_t sec, off;
    Elf64_Shdr sh;

    elf_open(&f, img, len, t->original);

    /* 1. The expected value (in the glue, after fm_module_end). */
    if (integrity_skipped) {
        printf("  (integrity test skipped in this build: the expected value is not checked)\n");
    } else {
        uint64_t va = elf_symbol(&f, "fm_module_expected_hmac");

        if (va < m.end_va)
            fail_msg("%s: the expected value (0x%llx) lies inside the hashed range", t->label,
                     (unsigned long long)va);
        off = elf_va_to_offset(&f, va, FM_MODULE_HMAC_LEN) + 5;
        run_copy(t, img, len, off, &r);
        first_line(r.out, line, sizeof line);
        printf("  expected value, byte 5 (file 0x%zx, range end + 0x%llx): %s, %s\n", off,
               (unsigned long long)(va + 5 - m.end_va), r.what, line);
        if (!exited(&r, 1) || strncmp(line, "state: error (", 14) != 0 ||
            strstr(line, "integrity") == NULL)
            fail_msg("an altered expected value did not fail the integrity test:\n%s%s", r.out,
                     r.err);
        /* The status shows the value the module compared with: the altered one. */
        if (field(r.out, "module-hmac", val, sizeof val) == NULL || strlen(val) != HMAC_HEX_LEN ||
            strncmp(val, self_hmac, 10) != 0 || strcmp(val + 12, self_hmac + 12) != 0 ||
            strncmp(val + 10, self_hmac + 10, 2) == 0)
            fail_msg("module-hmac %s is not %s with byte 5 changed", val, self_hmac);
        printf("    module-hmac shows the altered value %s\n", val);
        run_free(&r);
    }

    /* 2. The build-id note: mapped into memory, outside the range. */
    sec = elf_section(&f, ".note.gnu.build-id");
    if (sec == 0) {
        printf("  no .note.gnu.build-id in %s: build-id check not possible\n", t->label);
    } else {
        sh = elf_shdr(&f, sec);
        if (sh.sh_size == 0 || !elf_loaded(&f, sh.sh_addr, sh.sh_size))
            fail_msg("%s: .note.gnu.build-id is empty or not loaded", t->label);
        if (sh.sh_addr < m.end_va && sh.sh_addr + sh.sh_size > m.start_va)
            fail_msg("%s: .note.gnu.build-id overlaps the range", t->label);
        off = (size_t)(sh.sh_offset + sh.sh_size - 1);
        run_copy(t, img, len, off, &r);
        printf("  .note.gnu.build-id, last byte (file 0x%zx, loaded, not covered):\n", off);
        expect_operational("    build-id altered", &r);
        run_free(&r);
    }

    /* 3. .comment: not loaded at all. */
    sec = elf_section(&f, ".comment");
    if (sec == 0) {
        printf("  no .comment in %s\n", t->label);
    } else {
        sh = elf_shdr(&f, sec);
        off = (size_t)sh.sh_offset;
        run_copy(t, img, len, off, &r);
        printf("  .comment, first byte (file 0x%zx, not loaded):\n", off);
        expect_operational("    .comment altered", &r);
        run_free(&r);
    }
    free(img);
}

static void test_outside_shared(void **state)
{
    tu_begin(state);
    outside_range(&shared_target);
}

static void test_outside_static(void **state)
{
    tu_begin(state);
    outside_range(&static_target);
}

static void test_strip(void **state)
{
    char copy[PATH_MAX], libdir[PATH_MAX], cmd[3 * PATH_MAX];
    char *shared_argv[] = { TOOL_SHARED, "status", NULL };
    char *static_argv[] = { copy, "status", NULL };
    const char *strip = getenv("STRIP");
    uint8_t *img;
    size_t len;
    elf_file f;
    run_result r;

    tu_begin(state);
    if (strip == NULL || *strip == '\0')
        strip = "strip";
    scratch_path(libdir, sizeof libdir, "lib");

    scratch_path(copy, sizeof copy, "lib/" SONAME);
    (void)unlink(copy);
    snprintf(cmd, sizeof cmd, "%s --strip-all -o %s %s", strip, copy, LIB_SHARED);
    shell(cmd);
    img = read_file(copy, &len);
    elf_open(&f, img, len, copy);
    if (elf_section(&f, ".symtab") != 0)
        fail_msg("%s still has a .symtab after strip --strip-all", copy);
    free(img);
    printf("  $ LD_LIBRARY_PATH=%s " TOOL_SHARED " status   (.symtab gone)\n", libdir);
    run(shared_argv, libdir, &r);
    expect_loaded(&r, copy);
    expect_operational("stripped " SONAME, &r);
    run_free(&r);

    scratch_path(copy, sizeof copy, "fipsmod-static");
    (void)unlink(copy);
    snprintf(cmd, sizeof cmd, "%s --strip-all -o %s %s", strip, copy, TOOL_STATIC);
    shell(cmd);
    img = read_file(copy, &len);
    elf_open(&f, img, len, copy);
    if (elf_section(&f, ".symtab") != 0)
        fail_msg("%s still has a .symtab after strip --strip-all", copy);
    free(img);
    printf("  $ %s status   (.symtab gone)\n", copy);
    run(static_argv, NULL, &r);
    expect_operational("stripped fipsmod-static", &r);
    run_free(&r);
}

/* The program linked in every way: reports what fm_module_status_get says. */
static const char probe_src[] =
    "#include <stdio.h>\n"
    "#include <fipsmod/fipsmod.h>\n"
    "\n"
    "int main(void)\n"
    "{\n"
    "    static const unsigned char abc_head[4] = { 0xba, 0x78, 0x16, 0xbf };\n"
    "    unsigned char md[FM_SHA256_LEN];\n"
    "    fm_module_status st;\n"
    "    int rc = fm_init(0);\n"
    "\n"
    "    if (fm_module_status_get(&st) != FM_OK)\n"
    "        return 2;\n"
    "    printf(\"state: %s\\n\", st.state == FM_STATE_OPERATIONAL ? \"operational\" : \"other\");\n"
    "    printf(\"fm_init: %d\\n\", rc);\n"
    "    printf(\"module-hmac: \");\n"
    "    for (int i = 0; i < FM_MODULE_HMAC_LEN; i++)\n"
    "        printf(\"%02x\", st.module_hmac[i]);\n"
    "    printf(\"\\nmodule-size: %llu\\n\", (unsigned long long)st.module_size);\n"
    "    rc = fm_hash(FM_SHA256, \"abc\", 3, md, sizeof md);\n"
    "    printf(\"sha256-abc: %s\\n\", rc == FM_OK && md[0] == abc_head[0] && md[1] == abc_head[1]\n"
    "           && md[2] == abc_head[2] && md[3] == abc_head[3] ? \"ok\" : \"wrong\");\n"
    "    return st.state == FM_STATE_OPERATIONAL && rc == FM_OK ? 0 : 1;\n"
    "}\n";

static void test_relink(void **state)
{
    static const struct {
        const char *name;
        const char *ldflags;
        bool strip;
    } links[] = {
        { "no-pie", "-no-pie", false },
        { "pie", "-pie", false },
        { "static", "-static", false },
        { "static-pie", "-static-pie", false },
        { "gc-sections", "-Wl,--gc-sections", false },
        { "static-gc-sections", "-static -Wl,--gc-sections", false },
        { "pie-stripped", "-pie", true },
        { "static-stripped", "-static -s", true },
    };
    char src[PATH_MAX], obj[PATH_MAX], exe[PATH_MAX], cmd[4 * PATH_MAX], val[256];
    const char *cc = getenv("CC");
    const char *strip = getenv("STRIP");
    char *argv[] = { exe, NULL };
    run_result r;

    tu_begin(state);
    if (cc == NULL || *cc == '\0')
        cc = "cc";
    if (strip == NULL || *strip == '\0')
        strip = "strip";
    scratch_path(src, sizeof src, "probe.c");
    scratch_path(obj, sizeof obj, "probe.o");
    write_copy(src, (const uint8_t *)probe_src, sizeof probe_src - 1, SIZE_MAX, 0644);
    snprintf(cmd, sizeof cmd, "%s -std=c11 -O2 -Iinclude -ffunction-sections -fdata-sections "
             "-c %s -o %s", cc, src, obj);
    shell(cmd);
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        char label[64];

        snprintf(label, sizeof label, "probe-%s", links[i].name);
        scratch_path(exe, sizeof exe, label);
        snprintf(cmd, sizeof cmd, "%s %s -o %s %s " LIB_STATIC " -lpthread", cc, links[i].ldflags,
                 exe, obj);
        shell(cmd);
        if (links[i].strip) {
            snprintf(cmd, sizeof cmd, "%s --strip-all %s", strip, exe);
            shell(cmd);
        }
        printf("  $ %s\n", exe);
        run(argv, NULL, &r);
        printf("%s", r.out);
        expect_operational(label, &r);
        if (field(r.out, "sha256-abc", val, sizeof val) == NULL || strcmp(val, "ok") != 0)
            fail_msg("%s: SHA-256 service wrong or missing", label);
        run_free(&r);
    }
}

/* ---- set-up ------------------------------------------------------------------------------------ */

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
        printf("test_integrity: scratch directory kept: %s\n", scratch);
        return;
    }
    (void)nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void setup(void)
{
    const char *tmp = getenv("TMPDIR");
    char lib[PATH_MAX];
    fm_module_status st;

    if (fm_module_status_get(&st) != FM_OK) {
        printf("test_integrity: fm_module_status_get failed\n");
        exit(1);
    }
    tu_hex_encode(st.module_hmac, sizeof st.module_hmac, self_hmac);
    self_size = st.module_size;
    integrity_skipped = st.integrity_skipped != 0;
    if (tmp == NULL || *tmp == '\0' || strlen(tmp) > sizeof scratch - 64)
        tmp = "/tmp";
    snprintf(scratch, sizeof scratch, "%s/fipsmod-integrity.XXXXXX", tmp);
    if (mkdtemp(scratch) == NULL) {
        printf("test_integrity: mkdtemp %s: %s\n", scratch, strerror(errno));
        exit(1);
    }
    atexit(remove_scratch);
    snprintf(lib, sizeof lib, "%s/lib", scratch);
    if (mkdir(lib, 0755) != 0) {
        printf("test_integrity: mkdir %s: %s\n", lib, strerror(errno));
        exit(1);
    }
}

int main(void)
{
    tu_init("test_integrity");
    setup();
    tu_add(&suite, test_tools_status, NULL, "fipsmod and fipsmod-static status: operational, same module-hmac");
    tu_add(&suite, test_expect_hmac, NULL, "build/fipsmod.hmac and status --expect-hmac (the deploy gate)");
    tu_add(&suite, test_status_json, NULL, "status --json is valid JSON and says what status says");
    tu_add(&suite, test_value_matches_file, NULL, "module-hmac = HMAC of the bytes between the symbols");
    tu_add(&suite, test_corrupt_shared, NULL, "one byte of libfipsmod.so.1's range inverted: refused");
    tu_add(&suite, test_corrupt_static, NULL, "one byte of fipsmod-static's range inverted: refused");
    tu_add(&suite, test_outside_shared, NULL, "bytes outside the range of libfipsmod.so.1");
    tu_add(&suite, test_outside_static, NULL, "bytes outside the range of fipsmod-static");
    tu_add(&suite, test_strip, NULL, "strip --strip-all: still operational, same value");
    tu_add(&suite, test_relink, NULL, "libfipsmod.a linked -no-pie, -pie, -static, -static-pie, gc-sections, stripped");
    return tu_run(&suite, "test_integrity");
}
