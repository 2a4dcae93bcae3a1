/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `fipsmod status` and `fipsmod selftest`: the module's state, built-in
 * integrity value, chosen implementations and self-test results
 * (fipsmod/module.h), as `key: value` lines a script can read, or as one
 * JSON object (`status --json`); `--expect-hmac` makes it a deploy gate.
 *
 * Both commands are the way to see why the module is unusable, so, unlike
 * every other command, they run when fm_init() has failed: the module is
 * then in its error state and saying so is their job (fipsmod.c lets them
 * through). They use only the functions that module.h promises in every
 * state. The first line is always the state, so `head -n 1` answers "may
 * this module be used?"; the exit status answers it too (0 only when
 * operational).
 */
#include "tool.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

static const char status_help[] =
    "usage: fipsmod status [--json] [--events] [--expect-hmac HEX]\n"
    "\n"
    "Print the state of the module, then one `key: value` line per fact:\n"
    "  state: operational              or  state: error (REASON), where REASON\n"
    "                                  names the failed self-test and the error,\n"
    "                                  or  state: uninitialised | self-test\n"
    "  reason: TEXT                    in the error state only: why the self-test\n"
    "                                  failed, e.g. \"module HMAC does not match\n"
    "                                  the value built in\"\n"
    "  version: 0.1.0                  the library actually loaded (fm_version)\n"
    "  module-hmac: HEX                the HMAC-SHA-256 of the module's code and\n"
    "                                  constant data fixed at build time (64\n"
    "                                  lowercase hex digits); the same for the\n"
    "                                  shared library and every static link\n"
    "  module-size: N                  bytes covered by the integrity test\n"
    "  power-up-us: N                  duration of the power-up self-tests\n"
    "  strict: yes|no                  non-approved services refused\n"
    "  integrity-check: performed      or skipped (AddressSanitizer) in ASan builds\n"
    "  impl-sha256: NAME               implementation of each algorithm family\n"
    "  impl-sha512: NAME               (as fm_impl_name reports it)\n"
    "  selftest NAME: RESULT N us      one line per self-test; RESULT is pass,\n"
    "                                  fail, deferred (runs at first use) or\n"
    "                                  not-run; N is the duration of its last run\n"
    "\n"
    "Options:\n"
    "  --json             the same facts as one JSON object: state, error,\n"
    "                     failed_test, reason (null when none), version,\n"
    "                     module_hmac, module_size, power_up_us, strict,\n"
    "                     integrity_check, implementations {family: name},\n"
    "                     selftests [{name, result, us}], with --events:\n"
    "                     events [{type, ...}], and with --expect-hmac:\n"
    "                     expected_hmac, hmac_matches\n"
    "  --events           after the self-tests, the module's record of its\n"
    "                     power-up, one `event ...` line per event in order\n"
    "                     (fm_set_event_callback replays it):\n"
    "                       event power-up-start\n"
    "                       event state-change OLD -> NEW [(ERROR: REASON)]\n"
    "                       event selftest NAME: RESULT N us [(ERROR: REASON)]\n"
    "                       event integrity-failure expected HEX computed HEX\n"
    "                       event power-up-end ERROR N us\n"
    "                     (computed is all zeros when no value was injected)\n"
    "  --expect-hmac HEX  a deploy gate: after the lines above, compare the\n"
    "                     module HMAC with HEX (64 hex digits, for instance\n"
    "                     build/fipsmod.hmac of the build that was tested);\n"
    "                     when they differ, say so on stderr and exit 2\n"
    "  -h, --help  show this text\n"
    "\n"
    "Exit status: 0 when the module is operational (and, with --expect-hmac,\n"
    "is the expected build); 1 in any other state (everything above is still\n"
    "printed); 2 when the module HMAC differs from --expect-hmac, or for a\n"
    "usage error.\n"
    "\n"
    "Examples:\n"
    "  fipsmod status\n"
    "  fipsmod status --expect-hmac $(cat build/fipsmod.hmac)\n"
    "  fipsmod status --json | jq .selftests\n"
    "  fipsmod status --events | grep '^event'\n"
    "  fipsmod status | sed -n 's/^module-hmac: //p'\n"
    "  fipsmod status >/dev/null && echo usable\n";

static const char selftest_help[] =
    "usage: fipsmod selftest\n"
    "\n"
    "Run every self-test of the module now (fm_selftest): the known-answer\n"
    "tests, the integrity test and any deferred tests. Then print the state\n"
    "line and the `selftest NAME: RESULT N us` lines, exactly as `fipsmod\n"
    "status` prints them. A failure puts the module in its error state for\n"
    "the rest of the process, which for this tool is only this command.\n"
    "\n"
    "Options:\n"
    "  -h, --help  show this text\n"
    "\n"
    "Exit status: 0 when every self-test passed and the module is\n"
    "operational; 1 otherwise; 2 for a usage error.\n"
    "\n"
    "Examples:\n"
    "  fipsmod selftest\n"
    "  FIPSMOD_CPU=portable fipsmod selftest   # with the portable code\n";

static const char *state_name(int state)
{
    switch (state) {
    case FM_STATE_UNINITIALISED: return "uninitialised";
    case FM_STATE_SELF_TEST: return "self-test";
    case FM_STATE_OPERATIONAL: return "operational";
    case FM_STATE_ERROR: return "error";
    default: return "unknown";
    }
}

/* The suffix of the impl-* key of an FM_FAMILY_* value. */
static const char *family_key(int family)
{
    switch (family) {
    case FM_FAMILY_SHA256: return "sha256";
    case FM_FAMILY_SHA512: return "sha512";
    case FM_FAMILY_AES:    return "aes";
    case FM_FAMILY_RSA:    return "rsa";
    case FM_FAMILY_EC:     return "ec";
    default: return NULL;
    }
}

static const char *selftest_result_name(int result)
{
    switch (result) {
    case FM_SELFTEST_NOT_RUN: return "not-run";
    case FM_SELFTEST_PASS: return "pass";
    case FM_SELFTEST_FAIL: return "fail";
    case FM_SELFTEST_DEFERRED: return "deferred";
    default: return "unknown";
    }
}

/*
 * "state: ..." for *st. Returns TOOL_EXIT_OK when operational, else
 * TOOL_EXIT_FAIL.
 */
static int print_state(const fm_module_status *st)
{
    if (st->state == FM_STATE_OPERATIONAL) {
        puts("state: operational");
        return TOOL_EXIT_OK;
    }
    if (st->state != FM_STATE_ERROR) {
        printf("state: %s\n", state_name(st->state));
        return TOOL_EXIT_FAIL;
    }
    if (st->failed_test != NULL)
        printf("state: error (self-test %s failed: %s)\n", st->failed_test,
               tool_fm_error(st->error));
    else
        printf("state: error (%s)\n", tool_fm_error(st->error));
    if (st->reason != NULL && st->reason[0] != '\0')
        printf("reason: %s\n", st->reason);
    return TOOL_EXIT_FAIL;
}

/* One line per self-test. Returns TOOL_EXIT_OK, or TOOL_EXIT_FAIL (reported). */
static int print_selftests(void)
{
    size_t n = 0;
    int rc;

    rc = fm_selftest_count(&n);
    if (rc != FM_OK) {
        tool_error("fm_selftest_count: %s", tool_fm_error(rc));
        return TOOL_EXIT_FAIL;
    }
    for (size_t i = 0; i < n; i++) {
        fm_selftest_result r;

        rc = fm_selftest_get(i, &r);
        if (rc != FM_OK) {
            tool_error("fm_selftest_get(%zu): %s", i, tool_fm_error(rc));
            return TOOL_EXIT_FAIL;
        }
        printf("selftest %s: %s %" PRIu64 " us\n", r.name != NULL ? r.name : "(unnamed)",
               selftest_result_name(r.result), r.us);
    }
    return TOOL_EXIT_OK;
}

/* ---- --events: the power-up record -------------------------------------------- */

#define EVENTS_MAX 64

static fm_event events[EVENTS_MAX];
static size_t nevents;

static void record_event(const fm_event *ev, void *user)
{
    (void)user;
    if (nevents < EVENTS_MAX)
        events[nevents++] = *ev;
}

/* The replayed power-up record into events[]. */
static int collect_events(void)
{
    int rc;

    nevents = 0;
    rc = fm_set_event_callback(record_event, NULL);
    if (rc == FM_OK)
        rc = fm_set_event_callback(NULL, NULL);
    if (rc != FM_OK)
        tool_error("fm_set_event_callback: %s", tool_fm_error(rc));
    return rc;
}

static const char *event_type_name(int type)
{
    const char *name = "unknown";
    (void)fm_event_name(type, &name);
    return name;
}

static void print_event(const fm_event *ev)
{
    char a[2 * FM_MODULE_HMAC_LEN + 1], b[2 * FM_MODULE_HMAC_LEN + 1];

    printf("event %s", event_type_name(ev->type));
    switch (ev->type) {
    case FM_EVENT_STATE_CHANGE:
        printf(" %s -> %s", state_name(ev->old_state), state_name(ev->new_state));
        break;
    case FM_EVENT_SELFTEST:
        printf(" %s: %s %" PRIu64 " us", ev->name, selftest_result_name(ev->result), ev->us);
        break;
    case FM_EVENT_INTEGRITY_FAILURE:
        tool_hex_encode(ev->expected_hmac, sizeof ev->expected_hmac, a, false);
        tool_hex_encode(ev->computed_hmac, sizeof ev->computed_hmac, b, false);
        printf(" expected %s computed %s\n", a, b);
        return;
    case FM_EVENT_CONDITIONAL_FAILURE:
        printf(" %s", ev->name);
        break;
    case FM_EVENT_POWER_UP_END:
        printf(" %s %" PRIu64 " us\n", tool_fm_error(ev->error), ev->us);
        return;
    default:
        break;
    }
    if (ev->error != FM_OK)
        printf(" (%s: %s)", tool_fm_error(ev->error), ev->reason);
    putchar('\n');
}

static json_t *event_json(const fm_event *ev)
{
    char hex[2 * FM_MODULE_HMAC_LEN + 1];
    json_t *o = json_pack("{s:s, s:I}", "type", event_type_name(ev->type), "time_us",
                          (json_int_t)ev->time_us);

    switch (ev->type) {
    case FM_EVENT_STATE_CHANGE:
        json_object_set_new(o, "old_state", json_string(state_name(ev->old_state)));
        json_object_set_new(o, "new_state", json_string(state_name(ev->new_state)));
        break;
    case FM_EVENT_SELFTEST:
        json_object_set_new(o, "name", json_string(ev->name));
        json_object_set_new(o, "result", json_string(selftest_result_name(ev->result)));
        json_object_set_new(o, "us", json_integer((json_int_t)ev->us));
        break;
    case FM_EVENT_INTEGRITY_FAILURE:
        tool_hex_encode(ev->expected_hmac, sizeof ev->expected_hmac, hex, false);
        json_object_set_new(o, "expected_hmac", json_string(hex));
        tool_hex_encode(ev->computed_hmac, sizeof ev->computed_hmac, hex, false);
        json_object_set_new(o, "computed_hmac", json_string(hex));
        break;
    case FM_EVENT_POWER_UP_END:
        json_object_set_new(o, "us", json_integer((json_int_t)ev->us));
        break;
    default:
        break;
    }
    json_object_set_new(o, "error", ev->error != FM_OK ? json_string(tool_fm_error(ev->error))
                                                       : json_null());
    json_object_set_new(o, "reason", ev->reason != NULL && ev->reason[0] != '\0'
                                         ? json_string(ev->reason) : json_null());
    return o;
}

static int get_status(fm_module_status *st)
{
    int rc = fm_module_status_get(st);

    if (rc != FM_OK)
        tool_error("fm_module_status_get: %s", tool_fm_error(rc));
    return rc;
}

/*
 * `status --json`: the facts of the text form as one JSON object (built
 * with jansson, so names and reasons are escaped as JSON needs). Returns
 * the exit status the text form would have (0 only when operational).
 */
static int status_json(const fm_module_status *st, const uint8_t *want, const char *expect,
                       bool with_events)
{
    char hex[2 * FM_MODULE_HMAC_LEN + 1];
    const char *version = "unknown";
    json_t *o = json_object(), *impl = json_object(), *tests = json_array();
    size_t n = 0;
    char *text;
    int status = st->state == FM_STATE_OPERATIONAL ? TOOL_EXIT_OK : TOOL_EXIT_FAIL;

    (void)fm_version(&version);
    tool_hex_encode(st->module_hmac, sizeof st->module_hmac, hex, false);
    json_object_set_new(o, "state", json_string(st->state == FM_STATE_ERROR ? "error"
                                                : state_name(st->state)));
    json_object_set_new(o, "error", st->state == FM_STATE_ERROR
                                        ? json_string(tool_fm_error(st->error)) : json_null());
    json_object_set_new(o, "failed_test",
                        st->failed_test != NULL ? json_string(st->failed_test) : json_null());
    json_object_set_new(o, "reason", st->reason != NULL && st->reason[0] != '\0'
                                         ? json_string(st->reason) : json_null());
    json_object_set_new(o, "version", json_string(version));
    json_object_set_new(o, "module_hmac", json_string(hex));
    json_object_set_new(o, "module_size", json_integer((json_int_t)st->module_size));
    json_object_set_new(o, "power_up_us", json_integer((json_int_t)st->power_up_us));
    json_object_set_new(o, "strict", json_boolean((st->flags & FM_INIT_STRICT) != 0));
    json_object_set_new(o, "integrity_check",
                        json_string(st->integrity_skipped ? "skipped" : "performed"));
    for (int family = 1; family <= FM_FAMILY_MAX; family++) {
        const char *key = family_key(family), *name = NULL;
        char fallback[32];

        if (key == NULL) {
            snprintf(fallback, sizeof fallback, "family%d", family);
            key = fallback;
        }
        json_object_set_new(impl, key, fm_impl_name(family, &name) == FM_OK && name != NULL
                                           ? json_string(name) : json_null());
    }
    json_object_set_new(o, "implementations", impl);
    (void)fm_selftest_count(&n);
    for (size_t i = 0; i < n; i++) {
        fm_selftest_result r;

        if (fm_selftest_get(i, &r) != FM_OK)
            continue;
        json_array_append_new(tests, json_pack("{s:s, s:s, s:I}", "name",
                                               r.name != NULL ? r.name : "(unnamed)", "result",
                                               selftest_result_name(r.result), "us",
                                               (json_int_t)r.us));
    }
    json_object_set_new(o, "selftests", tests);
    if (with_events) {
        json_t *ev = json_array();

        for (size_t i = 0; i < nevents; i++)
            json_array_append_new(ev, event_json(&events[i]));
        json_object_set_new(o, "events", ev);
    }
    if (expect != NULL) {
        json_object_set_new(o, "expected_hmac", json_string(expect));
        json_object_set_new(o, "hmac_matches",
                            json_boolean(memcmp(want, st->module_hmac, FM_MODULE_HMAC_LEN) == 0));
    }
    text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (text == NULL) {
        tool_error("status: cannot render JSON");
        status = TOOL_EXIT_FAIL;
    } else {
        puts(text);
        free(text);
    }
    json_decref(o);
    return status;
}

static int status_run(int argc, char **argv)
{
    char hex[2 * FM_MODULE_HMAC_LEN + 1];
    const char *version = "unknown", *expect = NULL;
    uint8_t want[FM_MODULE_HMAC_LEN];
    fm_module_status st;
    bool json = false, with_events = false;
    int status;
    int rc;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
            continue;
        }
        if (strcmp(argv[i], "--events") == 0) {
            with_events = true;
            continue;
        }
        if (strcmp(argv[i], "--expect-hmac") != 0)
            return tool_unknown_option("status", argv[i]);
        rc = tool_option_value("status", argc, argv, &i, &expect, "the expected module HMAC");
        if (rc != 0)
            return rc;
    }
    if (expect != NULL && (strlen(expect) != 2 * FM_MODULE_HMAC_LEN ||
                           tool_hex_decode(expect, strlen(expect), want) != 0))
        return tool_usage("status", "--expect-hmac takes the 64 hex digits of a module-hmac "
                          "line, got \"%s\"", expect);
    if (get_status(&st) != FM_OK)
        return TOOL_EXIT_FAIL;
    if (with_events && collect_events() != FM_OK)
        return TOOL_EXIT_FAIL;
    if (json) {
        status = status_json(&st, expect != NULL ? want : NULL, expect, with_events);
        goto gate;
    }
    status = print_state(&st);

    /* fm_version works in every state; "unknown" only if it ever does not. */
    (void)fm_version(&version);
    printf("version: %s\n", version);
    tool_hex_encode(st.module_hmac, sizeof st.module_hmac, hex, false);
    printf("module-hmac: %s\n", hex);
    printf("module-size: %" PRIu64 "\n", st.module_size);
    printf("power-up-us: %" PRIu64 "\n", st.power_up_us);
    printf("strict: %s\n", (st.flags & FM_INIT_STRICT) != 0 ? "yes" : "no");
    printf("integrity-check: %s\n",
           st.integrity_skipped ? "skipped (AddressSanitizer)" : "performed");
    for (int family = 1; family <= FM_FAMILY_MAX; family++) {
        const char *key = family_key(family);
        const char *name = NULL;

        char fallback[32];

        /* A family added to cpu.h before this table still gets a line. */
        if (key == NULL) {
            snprintf(fallback, sizeof fallback, "family%d", family);
            key = fallback;
        }
        /* cpu.h does not promise fm_impl_name in the error state: keep the key. */
        rc = fm_impl_name(family, &name);
        if (rc == FM_OK && name != NULL) {
            printf("impl-%s: %s\n", key, name);
            continue;
        }
        printf("impl-%s: unavailable (%s)\n", key, tool_fm_error(rc));
        if (status == TOOL_EXIT_OK) {
            tool_error("status: fm_impl_name(%d): %s", family, tool_fm_error(rc));
            status = TOOL_EXIT_FAIL;
        }
    }
    if (print_selftests() != TOOL_EXIT_OK)
        return TOOL_EXIT_FAIL;
    for (size_t i = 0; i < nevents; i++)
        print_event(&events[i]);
gate:
    /* The deploy gate: a different HMAC is a different module build. */
    tool_hex_encode(st.module_hmac, sizeof st.module_hmac, hex, false);
    if (expect != NULL && memcmp(want, st.module_hmac, sizeof want) != 0) {
        tool_error("status: module HMAC %s differs from the expected %s: this is not the "
                   "module build that was tested", hex, expect);
        return TOOL_EXIT_USAGE;
    }
    return status;
}

static int selftest_run(int argc, char **argv)
{
    fm_module_status st;
    int status;
    int rc;

    (void)argv;
    if (argc > 1)
        return tool_usage("selftest", "takes no arguments, got %d", argc - 1);
    rc = fm_selftest();
    if (get_status(&st) != FM_OK)
        return TOOL_EXIT_FAIL;
    status = print_state(&st);
    if (print_selftests() != TOOL_EXIT_OK)
        return TOOL_EXIT_FAIL;
    if (rc != FM_OK) {
        tool_error("selftest: fm_selftest: %s", tool_fm_error(rc));
        return TOOL_EXIT_FAIL;
    }
    return status;
}

const struct tool_cmd tool_cmd_status = {
    "status",
    "module state, integrity value, implementations, self-tests",
    status_help,
    status_run,
};

const struct tool_cmd tool_cmd_selftest = {
    "selftest",
    "run every self-test now and print the results",
    selftest_help,
    selftest_run,
};
