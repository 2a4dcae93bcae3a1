/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The operator runbook in README.md ("Operating fipsmod") shows what the
 * tool prints in each failure. This test keeps those outputs true: every
 * output block of that section is preceded by a marker
 *
 *   <!-- check TOOL exit=N [VAR=VALUE ...] [stdin=TEXT] : ARGS ... -->
 *
 * where TOOL is `prod` (build/fipsmod) or `break` (build/break/fipsmod,
 * the tool on the test-only library, where FIPSMOD_BREAK and
 * FIPSMOD_ENTROPY_FAKE make a self-test or the noise source fail). The
 * test runs that command with those variables set and checks the exit
 * status and that every line of the block (but the `$ ` command line)
 * appears in the output, in order: lines starting "fipsmod: " on
 * standard error, the others on standard output; `…` matches any text.
 * It also fails when a block of the section has no marker, or when the
 * section has fewer scenarios than the runbook promises.
 */
#include "testutil.h"
#include "tu_proc.h"

#include <stdlib.h>
#include <string.h>

#define README "README.md"
#define SECTION "\n## Operating fipsmod\n"
#define ELLIPSIS "\xe2\x80\xa6" /* U+2026 */
#define MAX_CHECKS 32
#define MAX_TOKENS 24

static tu_suite suite;
static char *readme;

typedef struct {
    char marker[512];   /* the marker's text, between "check " and " -->" */
    char *block;        /* the block's lines, NUL-terminated */
    int line;           /* line number of the marker in README.md */
} check;

static check checks[MAX_CHECKS];
static size_t nchecks;
static size_t nblocks;  /* fenced blocks in the section */

static int line_of(const char *p)
{
    int n = 1;
    for (const char *q = readme; q < p; q++)
        n += *q == '\n';
    return n;
}

/* The section's markers and blocks, into checks[]. */
static void parse_readme(void)
{
    size_t len;
    char *sec, *end, *p;

    readme = (char *)tu_read_file(README, &len);
    sec = strstr(readme, SECTION);
    if (sec == NULL)
        return;
    end = strstr(sec + strlen(SECTION), "\n## ");
    if (end == NULL)
        end = readme + len;
    for (p = sec; (p = strstr(p, "\n```\n")) != NULL && p < end;) {
        char *body = p + 5, *close = strstr(body, "\n```\n");
        char *before = p, *m;

        if (close == NULL || close > end)
            break;
        nblocks++;
        /* The marker must be the line just before the block. */
        while (before > sec && before[-1] != '\n')
            before--;
        m = before;
        if (nchecks < MAX_CHECKS && strncmp(m, "<!-- check ", 11) == 0) {
            char *mend = strstr(m, " -->");
            check *c = &checks[nchecks];

            if (mend != NULL && mend < p && (size_t)(mend - m - 11) < sizeof c->marker) {
                memcpy(c->marker, m + 11, (size_t)(mend - m - 11));
                c->marker[mend - m - 11] = '\0';
                c->block = tu_xmalloc((size_t)(close - body) + 2);
                memcpy(c->block, body, (size_t)(close - body));
                c->block[close - body] = '\n';
                c->block[close - body + 1] = '\0';
                c->line = line_of(m);
                nchecks++;
            }
        }
        p = close + 4;
    }
}

/* Does `text` match `pattern`, where … matches any run of characters? */
static bool wild_match(const char *pattern, const char *text)
{
    const char *star = strstr(pattern, ELLIPSIS);

    if (star == NULL)
        return strcmp(pattern, text) == 0;
    if (strncmp(pattern, text, (size_t)(star - pattern)) != 0)
        return false;
    text += star - pattern;
    pattern = star + strlen(ELLIPSIS);
    for (;; text++) {
        if (wild_match(pattern, text))
            return true;
        if (*text == '\0')
            return false;
    }
}

/* Find `want` among the lines of `*from` (a cursor into a buffer of
 * lines); on success move the cursor past it. */
static bool find_line(const char **from, const char *want)
{
    char line[1024];
    const char *p = *from;

    while (*p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);

        if (n < sizeof line) {
            memcpy(line, p, n);
            line[n] = '\0';
            if (wild_match(want, line)) {
                *from = nl != NULL ? nl + 1 : p + n;
                return true;
            }
        }
        p = nl != NULL ? nl + 1 : p + n;
    }
    return false;
}

static void test_check(void **state)
{
    const tu_case *tc = tu_proc_begin(state);
    const check *c = tc->data;
    char spec[512], *tok[MAX_TOKENS] = { NULL }, *argv[MAX_TOKENS + 2], *save = NULL;
    char *envs[MAX_TOKENS];
    size_t ntok = 0, nargs = 0, nenv = 0;
    const char *stdin_text = NULL, *in = NULL;
    int want_exit = -1;
    bool args = false;
    tu_proc r;

    snprintf(spec, sizeof spec, "%s", c->marker);
    for (char *t = strtok_r(spec, " ", &save); t != NULL && ntok < MAX_TOKENS;
         t = strtok_r(NULL, " ", &save))
        tok[ntok++] = t;
    if (ntok == 0 || (strcmp(tok[0], "prod") != 0 && strcmp(tok[0], "break") != 0))
        fail_msg("README.md:%d: a check marker starts with prod or break", c->line);
    argv[nargs++] = strcmp(tok[0], "prod") == 0 ? TU_TOOL_SHARED : "build/break/fipsmod";
    if (!tu_exists(argv[0]))
        fail_msg("%s is missing (make %s)", argv[0], argv[0]);
    for (size_t i = 1; i < ntok; i++) {
        if (args)
            argv[nargs++] = tok[i];
        else if (strcmp(tok[i], ":") == 0)
            args = true;
        else if (strncmp(tok[i], "exit=", 5) == 0)
            want_exit = atoi(tok[i] + 5);
        else if (strncmp(tok[i], "stdin=", 6) == 0)
            stdin_text = tok[i] + 6;
        else if (strchr(tok[i], '=') != NULL)
            envs[nenv++] = tok[i];
        else
            fail_msg("README.md:%d: cannot read \"%s\" in the marker", c->line, tok[i]);
    }
    argv[nargs] = NULL;
    if (!args || want_exit < 0)
        fail_msg("README.md:%d: a marker needs exit=N and \": ARGS\"", c->line);
    if (stdin_text != NULL) {
        in = tu_path("stdin.txt");
        tu_write_file(in, stdin_text, strlen(stdin_text));
    }
    for (size_t i = 0; i < nenv; i++)
        putenv(envs[i]);
    tu_proc_argv(&r, in, argv);
    for (size_t i = 0; i < nenv; i++) {
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(strchr(envs[i], '=') - envs[i]), envs[i]);
        unsetenv(name);
    }

    if (tu_exit_code(&r) != want_exit)
        fail_msg("README.md:%d: `%s` exited %d, the runbook says %d\nstdout:\n%s\nstderr:\n%s",
                 c->line, r.cmdline, tu_exit_code(&r), want_exit, r.out, r.err);
    const char *out_at = r.out, *err_at = r.err;
    size_t nlines = 0;
    for (char *line = c->block; *line != '\0';) {
        char *nl = strchr(line, '\n');
        *nl = '\0';
        if (line[0] != '\0' && strncmp(line, "$ ", 2) != 0) {
            bool on_err = strncmp(line, "fipsmod: ", 9) == 0;
            if (!find_line(on_err ? &err_at : &out_at, line))
                fail_msg("README.md:%d: `%s` does not print, in this order on %s,\n  %s\n"
                         "stdout:\n%s\nstderr:\n%s", c->line, r.cmdline,
                         on_err ? "stderr" : "stdout", line, r.out, r.err);
            nlines++;
        }
        *nl = '\n';
        line = nl + 1;
    }
    if (nlines == 0)
        fail_msg("README.md:%d: the block shows no output", c->line);
    printf("  %s: exit %d and %zu lines as README.md:%d shows\n", r.cmdline, want_exit, nlines,
           c->line);
    tu_proc_free(&r);
}

static void test_every_block_checked(void **state)
{
    tu_begin(state);
    if (strstr(readme, SECTION) == NULL)
        fail_msg("README.md has no \"## Operating fipsmod\" section");
    if (nchecks != nblocks)
        fail_msg("README.md, Operating fipsmod: %zu output blocks, %zu with a check marker "
                 "right before them", nblocks, nchecks);
    /* self-test (power-up, first use), integrity, wrong build, entropy, strict mode */
    if (nchecks < 6)
        fail_msg("README.md, Operating fipsmod: %zu checked outputs, want at least 6", nchecks);
    /* The matcher itself. */
    const char *lines = "alpha 1\nbeta 22 us\ngamma\n", *at = lines;
    assert_true(find_line(&at, "beta " ELLIPSIS " us"));
    assert_false(find_line(&at, "alpha 1"));     /* order */
    assert_true(find_line(&at, "gamma"));
    at = lines;
    assert_false(find_line(&at, "beta"));        /* whole lines */
    assert_false(find_line(&at, "delta " ELLIPSIS));
    printf("  %zu output blocks in the runbook, all checked\n", nchecks);
}

int main(void)
{
    tu_init("test_runbook");
    tu_proc_init("test_runbook", "runbook");
    parse_readme();
    tu_add(&suite, test_every_block_checked, NULL, "every runbook output block is checked");
    for (size_t i = 0; i < nchecks; i++) {
        tu_case tmpl;

        memset(&tmpl, 0, sizeof tmpl);
        tmpl.data = &checks[i];
        tu_add(&suite, test_check, &tmpl, "README.md:%d: %s", checks[i].line, checks[i].marker);
    }
    return tu_run(&suite, "test_runbook");
}
