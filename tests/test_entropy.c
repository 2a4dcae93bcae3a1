/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The entropy source's start-up test (SP 800-90B 4.3 item 11 and 4.4;
 * src/drbg/entropy.c), run at power-up after the known-answer tests.
 *
 * Linked against the test-only library build/break/libfipsmod.a (see the
 * Makefile rule), whose platform layer reads FIPSMOD_ENTROPY_FAKE: `stuck`
 * (every byte the same: the repetition count test trips) and `biased`
 * (one value at every other byte, no repeats: the adaptive proportion
 * test trips). Without the variable that library behaves as production.
 *
 * - Normal start: operational; "entropy-startup" is the last self-test
 *   and PASS; fm_selftest() runs it again on demand and it passes again.
 * - FIPSMOD_ENTROPY_FAKE=stuck, =biased, and FIPSMOD_BREAK=entropy-startup,
 *   each in a fresh exec of this program (the library powers up in its
 *   constructor, before main): fm_init returns FM_ERR_SELFTEST, the state
 *   is ERROR, the status names "entropy-startup" with the reason "entropy
 *   health test failed", that test alone is FAIL, every service tried
 *   refuses with FM_ERR_STATE and zeroed outputs, fm_selftest keeps ERROR.
 *   (make break-tests walks every exported function with the
 *   FIPSMOD_BREAK=entropy-startup case too.)
 * - fm_random_bytes whose noise source gets stuck while operational (at
 *   the primary's instantiation after fork, and at its reseed after 2^16
 *   requests): FM_ERR_ENTROPY with zeroed output, then ERROR and
 *   FM_ERR_STATE.
 * - FIPSMOD_ENTROPY_FAKE with any other value reads the real source.
 * - The production tool: `build/fipsmod status` reports
 *   "selftest entropy-startup: pass N us", also with
 *   FIPSMOD_ENTROPY_FAKE=stuck (production has no fake source); the string
 *   FIPSMOD_ENTROPY_FAKE is in the break archive and not in the production
 *   libraries.
 */
#include "testutil.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static tu_suite suite;

#define STARTUP_NAME "entropy-startup"
#define HEALTH_REASON "entropy health test failed"

static const char *err_name(int rc)
{
    const char *n = "?";
    fm_error_name(rc, &n);
    return n;
}

/* build/<rel> from /proc/self/exe (build/tests/test_entropy). */
static void build_path(const char *rel, char *out, size_t cap)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash;

    assert_true(n > 0);
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    assert_non_null(slash);
    *slash = '\0';
    slash = strrchr(exe, '/');
    assert_non_null(slash);
    *slash = '\0';
    assert_true((size_t)snprintf(out, cap, "%s/%s", exe, rel) < cap);
}

/*
 * Exec argv[0] (a path) with args, FIPSMOD_ENTROPY_FAKE=fake and
 * FIPSMOD_BREAK=brk (each removed when NULL), stdout and stderr into out,
 * a 60 s limit. Returns the wait status.
 */
static int run(const char *path, const char *arg, const char *fake, const char *brk, char *out,
               size_t cap)
{
    int fds[2], status = 0;
    size_t got = 0;
    pid_t pid;

    assert_int_equal(pipe(fds), 0);
    fflush(stdout);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        if (dup2(fds[1], STDOUT_FILENO) < 0 || dup2(fds[1], STDERR_FILENO) < 0)
            _exit(126);
        if (fake != NULL)
            setenv("FIPSMOD_ENTROPY_FAKE", fake, 1);
        else
            unsetenv("FIPSMOD_ENTROPY_FAKE");
        if (brk != NULL)
            setenv("FIPSMOD_BREAK", brk, 1);
        else
            unsetenv("FIPSMOD_BREAK");
        alarm(60);
        execl(path, path, arg, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    for (;;) {
        ssize_t n = read(fds[0], out + got, cap - 1 - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
        if (got == cap - 1)
            break;
    }
    out[got] = '\0';
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0)
        assert_int_equal(errno, EINTR);
    return status;
}

/* Run `test_entropy MODE` as a child; it must exit 0 with "OK" last. */
static void expect_child_ok(const char *mode, const char *fake, const char *brk)
{
    char out[8192];
    int status = run("/proc/self/exe", mode, fake, brk, out, sizeof out);
    size_t len = strlen(out);

    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || len < 3 ||
        strcmp(out + len - 3, "OK\n") != 0)
        fail_msg("child `test_entropy %s` (FIPSMOD_ENTROPY_FAKE=%s, FIPSMOD_BREAK=%s) failed "
                 "(wait status 0x%x):\n%s", mode, fake ? fake : "-", brk ? brk : "-",
                 (unsigned)status, out);
    printf("%s", out);
}

/* ---- children ----------------------------------------------------------------------------- */

static int ch_failures;

#define CH_CHECK(cond, ...)                                                                       \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            printf("FAIL line %d: %s: ", __LINE__, #cond);                                        \
            printf(__VA_ARGS__);                                                                  \
            printf("\n");                                                                         \
            ch_failures++;                                                                        \
        }                                                                                         \
    } while (0)

static int ch_end(const char *what)
{
    if (ch_failures != 0)
        return 1;
    printf("    %s\nOK\n", what);
    return 0;
}

/* `test_entropy --failed`: power-up must have failed in the entropy start-up test. */
static int ch_failed(void)
{
    static const uint8_t key[32] = "entropy test key, 32 bytes long!";
    uint8_t buf[FM_HASH_MAX_LEN + 1];
    fm_module_status st;
    fm_hash_ctx hc;
    fm_hmac_ctx mc;
    fm_aes_key ak;
    fm_aes_gcm_key gk;
    size_t n = 0, i;
    int rc, s = -1, approved = -1;

    rc = fm_init(0);
    CH_CHECK(rc == FM_ERR_SELFTEST, "fm_init(0) returned %s", err_name(rc));
    CH_CHECK(fm_module_state(&s) == FM_OK && s == FM_STATE_ERROR, "state %d", s);
    memset(&st, 0, sizeof st);
    CH_CHECK(fm_module_status_get(&st) == FM_OK, "fm_module_status_get");
    CH_CHECK(st.state == FM_STATE_ERROR && st.error == FM_ERR_SELFTEST, "status %d, error %s",
             st.state, err_name(st.error));
    CH_CHECK(st.failed_test != NULL && strcmp(st.failed_test, STARTUP_NAME) == 0,
             "failed_test %s", st.failed_test ? st.failed_test : "NULL");
    CH_CHECK(st.reason != NULL && strcmp(st.reason, HEALTH_REASON) == 0, "reason \"%s\"",
             st.reason ? st.reason : "NULL");

    CH_CHECK(fm_selftest_count(&n) == FM_OK && n > 0, "fm_selftest_count");
    for (i = 0; i < n; i++) {
        fm_selftest_result r;

        memset(&r, 0, sizeof r);
        CH_CHECK(fm_selftest_get(i, &r) == FM_OK && r.name != NULL, "fm_selftest_get(%zu)", i);
        if (r.name == NULL)
            continue;
        if (strcmp(r.name, STARTUP_NAME) == 0)
            CH_CHECK(i == n - 1 && r.result == FM_SELFTEST_FAIL, "%s: index %zu of %zu, result "
                     "%d", r.name, i, n, r.result);
        else
            CH_CHECK(r.result == FM_SELFTEST_PASS || r.result == FM_SELFTEST_DEFERRED,
                     "%s: result %d, but only the entropy start-up test failed", r.name,
                     r.result);
    }

    /* Services refuse, zero their outputs, and are not approved. */
    memset(buf, 0xAA, sizeof buf);
    rc = fm_hash(FM_SHA256, "abc", 3, buf, FM_SHA256_LEN);
    CH_CHECK(rc == FM_ERR_STATE && tu_all_zero(buf, FM_SHA256_LEN) && buf[FM_SHA256_LEN] == 0xAA,
             "fm_hash: %s", err_name(rc));
    CH_CHECK(fm_service_approved(&approved) == FM_OK && approved == 0, "approved %d", approved);
    memset(&hc, 0xAA, sizeof hc);
    rc = fm_hash_init(&hc, FM_SHA512);
    CH_CHECK(rc == FM_ERR_STATE && tu_all_zero(&hc, sizeof hc), "fm_hash_init: %s", err_name(rc));
    memset(buf, 0xAA, sizeof buf);
    rc = fm_hmac(FM_SHA256, key, sizeof key, "abc", 3, buf, FM_SHA256_LEN);
    CH_CHECK(rc == FM_ERR_STATE && tu_all_zero(buf, FM_SHA256_LEN), "fm_hmac: %s", err_name(rc));
    memset(&mc, 0xAA, sizeof mc);
    rc = fm_hmac_init(&mc, FM_SHA256, key, sizeof key);
    CH_CHECK(rc == FM_ERR_STATE && tu_all_zero(&mc, sizeof mc), "fm_hmac_init: %s", err_name(rc));
    memset(&ak, 0xAA, sizeof ak);
    rc = fm_aes_init(&ak, key, sizeof key);
    CH_CHECK(rc == FM_ERR_STATE && tu_all_zero(&ak, sizeof ak), "fm_aes_init: %s", err_name(rc));
    memset(&gk, 0xAA, sizeof gk);
    rc = fm_aes_gcm_init(&gk, key, sizeof key);
    CH_CHECK(rc == FM_ERR_STATE && tu_all_zero(&gk, sizeof gk), "fm_aes_gcm_init: %s",
             err_name(rc));

    /* Only a new process leaves ERROR. */
    rc = fm_selftest();
    CH_CHECK(rc != FM_OK, "fm_selftest returned FM_OK in the error state");
    CH_CHECK(fm_module_state(&s) == FM_OK && s == FM_STATE_ERROR, "state %d after fm_selftest",
             s);
    rc = fm_init(0);
    CH_CHECK(rc == FM_ERR_SELFTEST, "fm_init(0) again returned %s", err_name(rc));
    return ch_end("error state: failed test " STARTUP_NAME ", reason \"" HEALTH_REASON
                  "\", services refused");
}

/* `test_entropy --operational`: power-up succeeded, the start-up test passed. */
static int ch_operational(void)
{
    fm_selftest_result r;
    size_t n = 0;
    int rc = fm_init(0);

    CH_CHECK(rc == FM_OK, "fm_init(0) returned %s", err_name(rc));
    CH_CHECK(fm_selftest_count(&n) == FM_OK && n > 0, "fm_selftest_count");
    memset(&r, 0, sizeof r);
    CH_CHECK(n > 0 && fm_selftest_get(n - 1, &r) == FM_OK && r.name != NULL &&
                 strcmp(r.name, STARTUP_NAME) == 0 && r.result == FM_SELFTEST_PASS,
             "last self-test %s, result %d", r.name ? r.name : "NULL", r.result);
    return ch_end("operational, " STARTUP_NAME " passed");
}

/* ---- tests -------------------------------------------------------------------------------- */

static void test_normal_start(void **state)
{
    fm_selftest_result r;
    fm_module_status st;
    size_t n = 0;

    tu_begin(state);
    assert_int_equal(fm_module_status_get(&st), FM_OK);
    assert_int_equal(st.state, FM_STATE_OPERATIONAL);
    assert_int_equal(fm_selftest_count(&n), FM_OK);
    assert_true(n >= 2);
    assert_int_equal(fm_selftest_get(n - 1, &r), FM_OK);
    assert_string_equal(r.name, STARTUP_NAME);
    assert_int_equal(r.result, FM_SELFTEST_PASS);
    printf("  %s: pass, %llu us (1024 samples, RCT and APT)\n", r.name,
           (unsigned long long)r.us);

    /* On demand (SP 800-90B 4.3 item 12): runs again, passes, stays operational. */
    for (int k = 0; k < 3; k++)
        assert_int_equal(fm_selftest(), FM_OK);
    assert_int_equal(fm_selftest_get(n - 1, &r), FM_OK);
    assert_int_equal(r.result, FM_SELFTEST_PASS);
    assert_int_equal(fm_module_status_get(&st), FM_OK);
    assert_int_equal(st.state, FM_STATE_OPERATIONAL);
}

static void test_fake_stuck(void **state)
{
    tu_begin(state);
    expect_child_ok("--failed", "stuck", NULL);
}

static void test_fake_biased(void **state)
{
    tu_begin(state);
    expect_child_ok("--failed", "biased", NULL);
}

static void test_break_startup(void **state)
{
    tu_begin(state);
    expect_child_ok("--failed", NULL, STARTUP_NAME);
}

/* The events of the failing child: the conditional failure, then the
 * change to ERROR (fipsmod/monitor.h; README's runbook quotes them). */
static fm_event child_events[8];
static size_t child_nevents;

static void child_record(const fm_event *ev, void *user)
{
    (void)user;
    if (child_nevents < 8)
        child_events[child_nevents++] = *ev;
}

/*
 * fm_random_bytes when its entropy fails while the module is operational
 * (a forked child; the break library reads FIPSMOD_ENTROPY_FAKE on every
 * read, so setenv takes effect at once). stuck_at_start: the noise source
 * is stuck before the child's first call (the primary, inherited from the
 * parent, is re-instantiated after fork and trips the RCT); otherwise it
 * gets stuck after the first call and the primary's reseed 2^16 requests
 * later trips it. Either way: FM_ERR_ENTROPY with the output zeroed, the
 * error state with the health-test reason, then FM_ERR_STATE. The event
 * callback sees `conditional-failure` "entropy-health" (FM_ERR_ENTROPY,
 * that reason), then the state change from OPERATIONAL to ERROR.
 */
static void random_entropy_failure(int stuck_at_start)
{
    pid_t pid;
    int status;

    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        uint8_t out[32];
        fm_module_status st;
        long calls = 0;
        int rc = FM_OK, bad = 0;

        alarm(60);
        if (!stuck_at_start)
            bad |= (fm_random_bytes(out, sizeof out) != FM_OK) << 0;
        bad |= (fm_set_event_callback(child_record, NULL) != FM_OK) << 7;
        child_nevents = 0; /* the replayed power-up */
        setenv("FIPSMOD_ENTROPY_FAKE", "stuck", 1);
        while (rc == FM_OK && calls < 70000) {
            memset(out, 0xAA, sizeof out);
            rc = fm_random_bytes(out, sizeof out);
            calls++;
        }
        bad |= (rc != FM_ERR_ENTROPY) << 1;
        bad |= !tu_all_zero(out, sizeof out) << 2;
        /* Reseed after 2^16 requests of the primary: the first call after
         * fork re-instantiated it, the 65536 that follow generate. */
        bad |= (stuck_at_start ? calls != 1 : calls != 65536) << 3;
        bad |= (fm_module_status_get(&st) != FM_OK || st.state != FM_STATE_ERROR ||
                st.error != FM_ERR_ENTROPY || strcmp(st.reason, HEALTH_REASON) != 0) << 4;
        bad |= (child_nevents != 2 || child_events[0].type != FM_EVENT_CONDITIONAL_FAILURE ||
                strcmp(child_events[0].name, "entropy-health") != 0 ||
                child_events[0].error != FM_ERR_ENTROPY ||
                strcmp(child_events[0].reason, HEALTH_REASON) != 0 ||
                child_events[1].type != FM_EVENT_STATE_CHANGE ||
                child_events[1].old_state != FM_STATE_OPERATIONAL ||
                child_events[1].new_state != FM_STATE_ERROR ||
                child_events[1].error != FM_ERR_ENTROPY) << 8;
        memset(out, 0xAA, sizeof out);
        bad |= (fm_random_bytes(out, sizeof out) != FM_ERR_STATE) << 5;
        bad |= !tu_all_zero(out, sizeof out) << 6;
        if (bad)
            printf("  child: rc %s after %ld calls, checks failed 0x%x\n", err_name(rc), calls,
                   bad);
        _exit(bad);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("fm_random_bytes entropy-failure child: status 0x%x", status);
}

static void test_random_entropy_failure(void **state)
{
    tu_begin(state);
    random_entropy_failure(1);
    random_entropy_failure(0);
    printf("  fm_random_bytes: FM_ERR_ENTROPY (output zeroed) at instantiation and at the "
           "reseed after 2^16 requests; events entropy-health, then operational -> error; then "
           "ERROR and FM_ERR_STATE\n");
}

static void test_fake_other_values(void **state)
{
    static const char *const values[] = { "", "none", "stuckx", "stuc", "BIASED" };

    tu_begin(state);
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        printf("  FIPSMOD_ENTROPY_FAKE=\"%s\":\n", values[i]);
        expect_child_ok("--operational", values[i], NULL);
    }
}

/* 1 if the file at path contains s, 0 if not, -1 if it cannot be read. */
static int file_contains(const char *path, const char *s)
{
    FILE *f = fopen(path, "rb");
    size_t len = strlen(s), cap = 1 << 20, got = 0;
    char *buf;
    int found;

    if (f == NULL)
        return -1;
    buf = malloc(cap);
    assert_non_null(buf);
    for (;;) {
        size_t n;
        if (got == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        n = fread(buf + got, 1, cap - got, f);
        if (n == 0)
            break;
        got += n;
    }
    fclose(f);
    found = memmem(buf, got, s, len) != NULL;
    free(buf);
    return found;
}

static void test_status_tool(void **state)
{
    static const char *const prod[] = { "libfipsmod.a", "libfipsmod.so.1", "fipsmod-static" };
    static const char *const fakes[] = { NULL, "stuck", "biased" };
    char out[16384], path[PATH_MAX + 32];
    int status;

    tu_begin(state);
    build_path("fipsmod", path, sizeof path);
    for (size_t i = 0; i < sizeof fakes / sizeof fakes[0]; i++) {
        const char *line;

        status = run(path, "status", fakes[i], NULL, out, sizeof out);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
            strncmp(out, "state: operational\n", 19) != 0)
            fail_msg("fipsmod status (FIPSMOD_ENTROPY_FAKE=%s): wait status 0x%x:\n%s",
                     fakes[i] ? fakes[i] : "-", (unsigned)status, out);
        line = strstr(out, "\nselftest " STARTUP_NAME ": pass ");
        if (line == NULL)
            fail_msg("fipsmod status does not report \"selftest " STARTUP_NAME ": pass\":\n%s",
                     out);
        printf("  production fipsmod status (FIPSMOD_ENTROPY_FAKE=%s): %.*s\n",
               fakes[i] ? fakes[i] : "-", (int)strcspn(line + 1, "\n"), line + 1);
    }

    build_path("break/libfipsmod.a", path, sizeof path);
    if (file_contains(path, "FIPSMOD_ENTROPY_FAKE") != 1)
        fail_msg("%s does not contain \"FIPSMOD_ENTROPY_FAKE\": the scan proves nothing", path);
    for (size_t i = 0; i < sizeof prod / sizeof prod[0]; i++) {
        build_path(prod[i], path, sizeof path);
        int c = file_contains(path, "FIPSMOD_ENTROPY_FAKE");
        if (c < 0)
            fail_msg("cannot read %s", path);
        if (c > 0)
            fail_msg("the production build %s contains \"FIPSMOD_ENTROPY_FAKE\"", path);
        printf("  %s: no FIPSMOD_ENTROPY_FAKE\n", path);
    }
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--failed") == 0)
        return ch_failed();
    if (argc == 2 && strcmp(argv[1], "--operational") == 0)
        return ch_operational();
    if (getenv("FIPSMOD_ENTROPY_FAKE") != NULL || getenv("FIPSMOD_BREAK") != NULL) {
        printf("test_entropy: unset FIPSMOD_ENTROPY_FAKE and FIPSMOD_BREAK (the tests set them "
               "for each child)\n");
        return 1;
    }
    tu_init("test_entropy");
    tu_add(&suite, test_normal_start, NULL, "normal start: entropy-startup passes, on demand too");
    tu_add(&suite, test_fake_stuck, NULL, "stuck noise source: power-up fails (RCT)");
    tu_add(&suite, test_fake_biased, NULL, "biased noise source: power-up fails (APT)");
    tu_add(&suite, test_break_startup, NULL, "FIPSMOD_BREAK=entropy-startup: power-up fails");
    tu_add(&suite, test_random_entropy_failure, NULL, "fm_random_bytes: entropy failure "
           "while operational");
    tu_add(&suite, test_fake_other_values, NULL, "other FIPSMOD_ENTROPY_FAKE values: real source");
    tu_add(&suite, test_status_tool, NULL, "fipsmod status reports entropy-startup; no fake in "
           "production");
    return tu_run(&suite, "test_entropy");
}
