/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kat-grade: grade an ACVP response against NIST's expectedResults.json.
 *
 *     kat-grade [--verdicts VERDICTS.json] EXPECTED.json RESPONSE.json
 *
 * Tests are joined on (tgId, tcId). Every field of an expected test except
 * tcId must be present in the response test and equal to it: strings that
 * are both hex compare case-insensitively (ACVP hex is uppercase, but a
 * lowercase answer is the same answer), other strings, numbers and
 * booleans exactly, arrays element by element (resultsArray) and objects
 * field by field, recursively. The grader knows no algorithm, so later
 * answer fields (ct, tag, testPassed, r, s, ...) need no change here.
 * Answers that NIST puts at group level (e.g. ECDSA sigGen qx, qy) are
 * compared with the response group, and a mismatch there fails every test
 * of that group.
 *
 * A response test carrying "notClaimed" counts as not claimed: neither a
 * pass nor a failure. An expected test missing from the response is a
 * failure, so a response cannot pass by leaving tests out.
 *
 * Some answers are random (a generated key, a PSS or ECDSA signature, the
 * IUT's own signing key in an RSA or ECDSA sigGen group) and can never
 * equal NIST's.
 * tests/kat/kat_verify.c checks those independently (with OpenSSL) and
 * writes a verdict for each: {"testGroups": [{"tgId", "tests": [{"tcId",
 * "verified": true|false, "why"}]}]}. With --verdicts, a test that has a
 * verdict passes exactly when it says "verified": true, and neither its
 * fields nor its group's answers are compared with NIST's; every other
 * test is graded as above. A verdict cannot rescue a test that is missing
 * or answered twice.
 *
 * Output: one line "passed=N failed=N notclaimed=N total=N" on stdout, and
 * at most five lines describing the first failures on stderr. Exit status
 * 0 when nothing failed, 1 when something did, 2 for bad arguments or a
 * file that is not an ACVP vector set (then nothing goes to stdout).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define MAX_SHOWN 5
#define SHOW_CHARS 40

struct grade {
    unsigned long passed, failed, notclaimed, total;
    int shown;
};

/* Where the first difference is, for the failure line. */
struct diff {
    char path[256];
    const json_t *expected;
    const json_t *got; /* NULL: field missing */
    char note[64];     /* replaces the values when they say too little */
};

static void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void fatal(const char *fmt, ...)
{
    va_list ap;

    fputs("kat-grade: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

static json_t *load_vector_set(const char *path)
{
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);

    if (root == NULL && err.line > 0)
        fatal("%s:%d:%d: %s", path, err.line, err.column, err.text);
    if (root == NULL)
        fatal("%s", err.text);
    if (!json_is_object(root) || !json_is_array(json_object_get(root, "testGroups")))
        fatal("%s: not an ACVP vector set (no testGroups array)", path);
    return root;
}

static bool is_hex(const char *s)
{
    for (; *s != '\0'; s++)
        if (!isxdigit((unsigned char)*s))
            return false;
    return true;
}

static bool strings_equal(const char *a, const char *b)
{
    if (is_hex(a) && is_hex(b))
        return strcasecmp(a, b) == 0;
    return strcmp(a, b) == 0;
}

static void append_path(struct diff *d, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void append_path(struct diff *d, size_t at, const char *fmt, ...)
{
    va_list ap;

    if (at >= sizeof d->path)
        return;
    va_start(ap, fmt);
    vsnprintf(d->path + at, sizeof d->path - at, fmt, ap);
    va_end(ap);
}

/* Is every part of `exp` in `got`? On a difference, record it in d. */
static bool matches(const json_t *exp, const json_t *got, struct diff *d)
{
    size_t at = strlen(d->path);

    if (got == NULL) {
        d->expected = exp;
        d->got = NULL;
        return false;
    }
    if (json_is_object(exp)) {
        const char *key;
        json_t *value;

        if (!json_is_object(got))
            goto differ;
        json_object_foreach((json_t *)exp, key, value) {
            append_path(d, at, "%s%s", at > 0 ? "." : "", key);
            if (!matches(value, json_object_get(got, key), d))
                return false;
            d->path[at] = '\0';
        }
        return true;
    }
    if (json_is_array(exp)) {
        size_t i;
        json_t *value;

        if (!json_is_array(got))
            goto differ;
        if (json_array_size(got) != json_array_size(exp)) {
            snprintf(d->note, sizeof d->note, "expected %zu elements, got %zu",
                     json_array_size(exp), json_array_size(got));
            goto differ;
        }
        json_array_foreach((json_t *)exp, i, value) {
            append_path(d, at, "[%zu]", i);
            if (!matches(value, json_array_get(got, i), d))
                return false;
            d->path[at] = '\0';
        }
        return true;
    }
    if (json_is_string(exp)) {
        if (json_is_string(got) &&
            strings_equal(json_string_value(exp), json_string_value(got)))
            return true;
        goto differ;
    }
    if (json_equal((json_t *)exp, (json_t *)got))
        return true;
differ:
    d->expected = exp;
    d->got = got;
    return false;
}

/* A short rendering of a value for the failure line. */
static void render(const json_t *v, char *out, size_t cap)
{
    char *text;

    if (v == NULL) {
        snprintf(out, cap, "(missing)");
        return;
    }
    if (json_is_string(v)) {
        text = strdup(json_string_value(v));
    } else {
        text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    }
    if (text == NULL) {
        snprintf(out, cap, "(?)");
        return;
    }
    if (strlen(text) > SHOW_CHARS)
        snprintf(out, cap, "%.*s... (%zu chars)", SHOW_CHARS, text, strlen(text));
    else
        snprintf(out, cap, "%s", text);
    free(text);
}

static void report(struct grade *g, json_int_t tg, json_int_t tc, const char *what,
                   const struct diff *d)
{
    char e[SHOW_CHARS + 32], r[SHOW_CHARS + 32];

    if (g->shown++ >= MAX_SHOWN)
        return;
    if (d == NULL) {
        fprintf(stderr, "tgId=%" JSON_INTEGER_FORMAT " tcId=%" JSON_INTEGER_FORMAT
                ": %s\n", tg, tc, what);
        return;
    }
    if (d->note[0] != '\0') {
        fprintf(stderr, "tgId=%" JSON_INTEGER_FORMAT " tcId=%" JSON_INTEGER_FORMAT
                ": %s%s: %s\n", tg, tc, what, d->path, d->note);
        return;
    }
    render(d->expected, e, sizeof e);
    render(d->got, r, sizeof r);
    fprintf(stderr, "tgId=%" JSON_INTEGER_FORMAT " tcId=%" JSON_INTEGER_FORMAT
            ": %s%s: expected %s got %s\n", tg, tc, what, d->path, e, r);
}

static bool get_id(const json_t *obj, const char *key, json_int_t *id)
{
    const json_t *v = json_object_get(obj, key);

    if (!json_is_integer(v))
        return false;
    *id = json_integer_value(v);
    return true;
}

static void id_key(char *buf, size_t cap, json_int_t tg, json_int_t tc)
{
    snprintf(buf, cap, "%" JSON_INTEGER_FORMAT "/%" JSON_INTEGER_FORMAT, tg, tc);
}

/*
 * Index the response: "tg/tc" -> test, "tg" -> group. A duplicate maps to
 * JSON null so the expected test reports it instead of grading either copy.
 */
static json_t *index_response(const json_t *resp, const char *path)
{
    json_t *idx = json_object();
    json_t *group, *test;
    size_t i, j;
    char key[64];

    if (idx == NULL)
        fatal("out of memory");
    json_array_foreach(json_object_get(resp, "testGroups"), i, group) {
        json_int_t tg, tc;

        if (!get_id(group, "tgId", &tg))
            fatal("%s: test group %zu has no integer tgId", path, i);
        snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT, tg);
        json_object_set(idx, key, json_object_get(idx, key) ? json_null() : group);
        json_array_foreach(json_object_get(group, "tests"), j, test) {
            if (!get_id(test, "tcId", &tc))
                fatal("%s: tgId %" JSON_INTEGER_FORMAT " test %zu has no integer tcId",
                      path, tg, j);
            id_key(key, sizeof key, tg, tc);
            json_object_set(idx, key, json_object_get(idx, key) ? json_null() : test);
        }
    }
    return idx;
}

/* Compare the group-level answers (all but tgId and tests). */
static bool group_matches(const json_t *exp_group, const json_t *got_group,
                          struct diff *d)
{
    const char *key;
    json_t *value;

    json_object_foreach((json_t *)exp_group, key, value) {
        if (strcmp(key, "tgId") == 0 || strcmp(key, "tests") == 0)
            continue;
        snprintf(d->path, sizeof d->path, "%s", key);
        if (!matches(value, got_group != NULL ? json_object_get(got_group, key) : NULL, d))
            return false;
    }
    return true;
}

static void grade_group(struct grade *g, const json_t *exp_group, const json_t *idx,
                        const json_t *verdicts)
{
    json_int_t tg, tc;
    const json_t *got_group;
    json_t *exp_test;
    struct diff gd = { .path = "" };
    bool group_ok;
    size_t j;
    char key[64];

    if (!get_id(exp_group, "tgId", &tg))
        fatal("expected results: a test group has no integer tgId");
    snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT, tg);
    got_group = json_object_get(idx, key);
    group_ok = group_matches(exp_group, got_group, &gd);

    json_array_foreach(json_object_get(exp_group, "tests"), j, exp_test) {
        const json_t *got, *verdict;
        const char *field;
        json_t *value;
        bool ok = true;
        char note[256];

        if (!get_id(exp_test, "tcId", &tc))
            fatal("expected results: tgId %" JSON_INTEGER_FORMAT " has a test "
                  "without an integer tcId", tg);
        g->total++;
        id_key(key, sizeof key, tg, tc);
        got = json_object_get(idx, key);
        if (got == NULL || json_is_null(got)) {
            g->failed++;
            report(g, tg, tc, got == NULL ? "missing from the response"
                                          : "answered more than once", NULL);
            continue;
        }
        if (json_object_get(got, "notClaimed") != NULL) {
            g->notclaimed++;
            continue;
        }
        verdict = verdicts != NULL ? json_object_get(verdicts, key) : NULL;
        if (verdict != NULL) {
            if (json_is_true(json_object_get(verdict, "verified"))) {
                g->passed++;
            } else {
                const char *why = json_string_value(json_object_get(verdict, "why"));

                g->failed++;
                snprintf(note, sizeof note, "failed verification: %s",
                         why != NULL ? why : "(no reason given)");
                report(g, tg, tc, note, NULL);
            }
            continue;
        }
        if (!group_ok) {
            g->failed++;
            report(g, tg, tc, "group answer ", &gd);
            continue;
        }
        json_object_foreach(exp_test, field, value) {
            struct diff d = { .path = "" };

            if (strcmp(field, "tcId") == 0)
                continue;
            snprintf(d.path, sizeof d.path, "%s", field);
            if (!matches(value, json_object_get(got, field), &d)) {
                report(g, tg, tc, "", &d);
                ok = false;
                break;
            }
        }
        if (ok)
            g->passed++;
        else
            g->failed++;
    }
}

int main(int argc, char **argv)
{
    struct grade g = { 0 };
    json_t *expected, *response, *idx, *group, *verdict_set = NULL, *verdicts = NULL;
    size_t i;

    if (argc == 5 && strcmp(argv[1], "--verdicts") == 0) {
        verdict_set = load_vector_set(argv[2]);
        verdicts = index_response(verdict_set, argv[2]);
        argv += 2;
        argc -= 2;
    }
    if (argc != 3) {
        fputs("usage: kat-grade [--verdicts VERDICTS.json] EXPECTED.json RESPONSE.json\n",
              stderr);
        return 2;
    }
    expected = load_vector_set(argv[1]);
    response = load_vector_set(argv[2]);
    idx = index_response(response, argv[2]);

    json_array_foreach(json_object_get(expected, "testGroups"), i, group)
        grade_group(&g, group, idx, verdicts);

    printf("passed=%lu failed=%lu notclaimed=%lu total=%lu\n",
           g.passed, g.failed, g.notclaimed, g.total);
    json_decref(idx);
    json_decref(response);
    json_decref(expected);
    json_decref(verdicts);
    json_decref(verdict_set);
    if (fflush(stdout) != 0)
        return 2;
    return g.failed == 0 ? 0 : 1;
}
