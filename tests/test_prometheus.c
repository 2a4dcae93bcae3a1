/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fm_counters_prometheus (src/monitor/prometheus.c), checked by reading
 * its text back with a small checker of the Prometheus text exposition
 * format 0.0.4 as this library uses it:
 *
 * - every line is `# HELP <name> <text>`, `# TYPE <name> <type>` or a
 *   sample `<name>{<label>="<value>",...} <value>` / `<name> <value>`;
 *   no other comment, no empty line, no timestamp (the format allows
 *   them; this library writes none, so here they are errors);
 * - metric names match [a-zA-Z_:][a-zA-Z0-9_:]*, label names
 *   [a-zA-Z_][a-zA-Z0-9_]* and do not start with "__" (reserved); label
 *   values are quoted, with only \\, \" and \n as escapes (HELP text:
 *   \\ and \n);
 * - a name has at most one HELP and one TYPE line; a sample comes after
 *   the TYPE line of its family and belongs to the family of the most
 *   recent TYPE (histogram and summary families also take _bucket, _sum,
 *   _count samples); a counter's sample names end in _total;
 * - no two samples have the same name and label set (in any order), no
 *   sample repeats a label name; values are numbers (decimal, +Inf, -Inf,
 *   NaN); the text ends with a newline and contains no NUL.
 *
 * The checker returns the samples (name, labels, value: exactly, as a
 * uint64_t, when written as plain digits) and the families in TYPE order,
 * and the tests look values up in them. Tests:
 * - a synthetic fm_counters (failures for some error codes, a family of
 *   zeros, counts near 2^64) renders to exactly its values, families in
 *   the documented order, with the running module's version, HMAC, state;
 * - label values and HELP text are escaped (white-box: the renderer's own
 *   appender, from the source, on values the module never produces);
 * - the checker rejects broken texts (so it can fail) and accepts valid
 *   ones it is not shown by the renderer;
 * - FM_ERR_LENGTH for every short cap (buffer zeroed, *len the length
 *   needed, nothing written past cap), FM_ERR_ARG for bad arguments;
 * - a live fm_counters_snapshot() after some fm_hash calls.
 */
#include "testutil.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static tu_suite suite;

/* ---- the checker ------------------------------------------------------------------------------ */

#define PC_NAME_MAX     128  /* checker limits, not the format's */
#define PC_VALUE_MAX    256
#define PC_LABELS_MAX   8
#define PC_FAMILIES_MAX 32

typedef struct {
    char name[PC_NAME_MAX];
    char value[PC_VALUE_MAX];   /* unescaped */
} pc_label;

typedef struct {
    char name[PC_NAME_MAX];
    size_t nlabels;
    pc_label labels[PC_LABELS_MAX]; /* as written */
    double value;
    bool is_u64;                /* written as plain digits that fit in 64 bits */
    uint64_t u64;               /* then the exact value */
    unsigned long line;
} pc_sample;

typedef struct {
    char name[PC_NAME_MAX];
    char type[16];              /* "" while only HELP was seen */
    bool help;
    bool samples;               /* a sample of this family was seen */
} pc_family;

typedef struct {
    pc_sample *samples;
    size_t n, cap;
    pc_family families[PC_FAMILIES_MAX]; /* in the order their first HELP/TYPE appeared */
    size_t nfamilies;
    char err[256];              /* why pc_parse failed: "line N: ..." */
} pc_doc;

static void pc_free(pc_doc *d)
{
    free(d->samples);
    memset(d, 0, sizeof *d);
}

static bool is_alpha_(int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}

static bool is_digit(int ch)
{
    return ch >= '0' && ch <= '9';
}

/* A name at *p (colons allowed in metric names only) into out; advances *p. */
static bool pc_name(const char **p, const char *end, bool colons, char *out)
{
    const char *s = *p;
    size_t n = 0;

    if (s >= end || !(is_alpha_(*s) || (colons && *s == ':')))
        return false;
    while (s < end && (is_alpha_(*s) || is_digit(*s) || (colons && *s == ':'))) {
        if (n + 1 >= PC_NAME_MAX)
            return false;
        out[n++] = *s++;
    }
    out[n] = '\0';
    *p = s;
    return true;
}

/* A value token: [+-]digits[.digits][e[+-]digits], .digits too, or +Inf, -Inf, NaN. */
static bool pc_number(const char *s, const char *end, pc_sample *smp)
{
    char tok[64];
    size_t n = (size_t)(end - s), i = 0;
    bool digits = false;

    if (n == 0 || n >= sizeof tok)
        return false;
    memcpy(tok, s, n);
    tok[n] = '\0';
    smp->is_u64 = false;
    if (strcmp(tok, "+Inf") == 0 || strcmp(tok, "-Inf") == 0 || strcmp(tok, "NaN") == 0) {
        smp->value = strcmp(tok, "NaN") == 0 ? NAN : tok[0] == '-' ? -INFINITY : INFINITY;
        return true;
    }
    if (tok[i] == '+' || tok[i] == '-')
        i++;
    while (is_digit(tok[i])) {
        i++;
        digits = true;
    }
    if (tok[i] == '.') {
        i++;
        while (is_digit(tok[i])) {
            i++;
            digits = true;
        }
    }
    if (!digits)
        return false;
    if (tok[i] == 'e' || tok[i] == 'E') {
        i++;
        if (tok[i] == '+' || tok[i] == '-')
            i++;
        if (!is_digit(tok[i]))
            return false;
        while (is_digit(tok[i]))
            i++;
    }
    if (i != n)
        return false;
    smp->value = strtod(tok, NULL);
    if (strspn(tok, "0123456789") == n) {
        errno = 0;
        smp->u64 = strtoull(tok, NULL, 10);
        smp->is_u64 = errno == 0;
    }
    return true;
}

/* A quoted string at *p ('"' included) into out, unescaping \\, \" and \n. */
static bool pc_quoted(const char **p, const char *end, char *out)
{
    const char *s = *p;
    size_t n = 0;

    if (s >= end || *s++ != '"')
        return false;
    while (s < end && *s != '"') {
        char ch = *s++;

        if (ch == '\\') {
            if (s >= end)
                return false;
            ch = *s++;
            if (ch == 'n')
                ch = '\n';
            else if (ch != '\\' && ch != '"')
                return false;
        }
        if (n + 1 >= PC_VALUE_MAX)
            return false;
        out[n++] = ch;
    }
    if (s >= end)
        return false;
    out[n] = '\0';
    *p = s + 1;
    return true;
}

static bool same_labels(const pc_sample *a, const pc_sample *b)
{
    if (a->nlabels != b->nlabels)
        return false;
    for (size_t i = 0; i < a->nlabels; i++) {
        size_t j;

        for (j = 0; j < b->nlabels; j++) {
            if (strcmp(a->labels[i].name, b->labels[j].name) == 0)
                break;
        }
        if (j == b->nlabels || strcmp(a->labels[i].value, b->labels[j].value) != 0)
            return false;
    }
    return true;
}

static pc_family *pc_family_get(pc_doc *d, const char *name, bool create)
{
    for (size_t i = 0; i < d->nfamilies; i++) {
        if (strcmp(d->families[i].name, name) == 0)
            return &d->families[i];
    }
    if (!create || d->nfamilies == PC_FAMILIES_MAX)
        return NULL;
    memset(&d->families[d->nfamilies], 0, sizeof d->families[0]);
    strcpy(d->families[d->nfamilies].name, name);
    return &d->families[d->nfamilies++];
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Does a sample named `name` belong to family f? */
static bool pc_belongs(const pc_family *f, const char *name)
{
    static const char *const suffixes[] = { "_bucket", "_sum", "_count" };
    size_t n = strlen(f->name);

    if (strcmp(name, f->name) == 0)
        return strcmp(f->type, "histogram") != 0;
    if (strcmp(f->type, "histogram") != 0 && strcmp(f->type, "summary") != 0)
        return false;
    if (strncmp(name, f->name, n) != 0)
        return false;
    for (size_t i = 0; i < 3; i++) {
        if (strcmp(name + n, suffixes[i]) == 0)
            return i != 0 || strcmp(f->type, "histogram") == 0;
    }
    return false;
}

/* One sample line [s, end) into d; `current` is the family of the last TYPE. */
static bool pc_sample_line(pc_doc *d, const char *s, const char *end, pc_family *current,
                           char *msg, size_t msgcap)
{
    pc_sample smp;
    const char *v;

    memset(&smp, 0, sizeof smp);
    if (!pc_name(&s, end, true, smp.name)) {
        snprintf(msg, msgcap, "bad metric name");
        return false;
    }
    if (s < end && *s == '{') {
        s++;
        while (s < end && *s != '}') {
            pc_label *l;

            if (smp.nlabels == PC_LABELS_MAX) {
                snprintf(msg, msgcap, "too many labels (checker limit)");
                return false;
            }
            l = &smp.labels[smp.nlabels];
            if (!pc_name(&s, end, false, l->name)) {
                snprintf(msg, msgcap, "bad label name");
                return false;
            }
            if (strncmp(l->name, "__", 2) == 0) {
                snprintf(msg, msgcap, "label name %s is reserved (\"__\")", l->name);
                return false;
            }
            for (size_t i = 0; i < smp.nlabels; i++) {
                if (strcmp(smp.labels[i].name, l->name) == 0) {
                    snprintf(msg, msgcap, "label %s repeated", l->name);
                    return false;
                }
            }
            if (s >= end || *s++ != '=') {
                snprintf(msg, msgcap, "label %s: '=' expected", l->name);
                return false;
            }
            if (!pc_quoted(&s, end, l->value)) {
                snprintf(msg, msgcap, "label %s: bad quoted value", l->name);
                return false;
            }
            smp.nlabels++;
            if (s < end && *s == ',')
                s++; /* a trailing comma before '}' is allowed */
            else if (s >= end || *s != '}') {
                snprintf(msg, msgcap, "',' or '}' expected after label %s", l->name);
                return false;
            }
        }
        if (s >= end) {
            snprintf(msg, msgcap, "unterminated label set");
            return false;
        }
        s++;
    }
    if (s >= end || (*s != ' ' && *s != '\t')) {
        snprintf(msg, msgcap, "blank and value expected after %s", smp.name);
        return false;
    }
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    v = s;
    while (s < end && *s != ' ' && *s != '\t')
        s++;
    if (s != end) {
        snprintf(msg, msgcap, "text after the value (timestamps are not used here)");
        return false;
    }
    if (!pc_number(v, end, &smp)) {
        snprintf(msg, msgcap, "bad value \"%.*s\"", (int)(end - v), v);
        return false;
    }
    if (current == NULL || !pc_belongs(current, smp.name)) {
        pc_family *own = pc_family_get(d, smp.name, false);

        snprintf(msg, msgcap, "sample %s before its family's TYPE line%s", smp.name,
                 own != NULL && own->type[0] != '\0' ? " (not after the most recent TYPE)" : "");
        return false;
    }
    if (strcmp(current->type, "counter") == 0 && !ends_with(smp.name, "_total")) {
        snprintf(msg, msgcap, "counter sample %s does not end in _total", smp.name);
        return false;
    }
    for (size_t i = 0; i < d->n; i++) {
        if (strcmp(d->samples[i].name, smp.name) == 0 && same_labels(&d->samples[i], &smp)) {
            snprintf(msg, msgcap, "duplicate series %s (first on line %lu)", smp.name,
                     d->samples[i].line);
            return false;
        }
    }
    current->samples = true;
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 64;
        d->samples = realloc(d->samples, d->cap * sizeof *d->samples);
        assert_non_null(d->samples);
    }
    d->samples[d->n++] = smp;
    return true;
}

/* A `# HELP` or `# TYPE` line [s, end); *current follows TYPE lines. */
static bool pc_meta_line(pc_doc *d, const char *s, const char *end, pc_family **current,
                         char *msg, size_t msgcap)
{
    static const char *const types[] = { "counter", "gauge", "histogram", "summary", "untyped" };
    char name[PC_NAME_MAX];
    bool help = (size_t)(end - s) >= 7 && memcmp(s, "# HELP ", 7) == 0;
    bool type = (size_t)(end - s) >= 7 && memcmp(s, "# TYPE ", 7) == 0;
    pc_family *f;

    if (!help && !type) {
        snprintf(msg, msgcap, "a comment other than # HELP and # TYPE");
        return false;
    }
    s += 7;
    if (!pc_name(&s, end, true, name)) {
        snprintf(msg, msgcap, "bad metric name in %s", help ? "HELP" : "TYPE");
        return false;
    }
    f = pc_family_get(d, name, true);
    if (f == NULL) {
        snprintf(msg, msgcap, "too many families (checker limit)");
        return false;
    }
    if (help) {
        if (f->help) {
            snprintf(msg, msgcap, "second HELP for %s", name);
            return false;
        }
        f->help = true;
        if (s == end)
            return true; /* empty text */
        if (*s++ != ' ') {
            snprintf(msg, msgcap, "HELP %s: blank expected after the name", name);
            return false;
        }
        for (; s < end; s++) {
            if (*s == '\\') {
                if (s + 1 == end || (s[1] != '\\' && s[1] != 'n')) {
                    snprintf(msg, msgcap, "HELP %s: bad escape", name);
                    return false;
                }
                s++;
            }
        }
        return true;
    }
    if (f->type[0] != '\0') {
        snprintf(msg, msgcap, "second TYPE for %s", name);
        return false;
    }
    if (s >= end || *s++ != ' ') {
        snprintf(msg, msgcap, "TYPE %s: blank and type expected", name);
        return false;
    }
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        if ((size_t)(end - s) == strlen(types[i]) && memcmp(s, types[i], (size_t)(end - s)) == 0) {
            strcpy(f->type, types[i]);
            *current = f;
            return true;
        }
    }
    snprintf(msg, msgcap, "TYPE %s: unknown type \"%.*s\"", name, (int)(end - s), s);
    return false;
}

/* Parse text[0..len). Returns 0, or -1 with d->err set. Free d with pc_free either way. */
static int pc_parse(const char *text, size_t len, pc_doc *d)
{
    const char *p = text, *end = text + len;
    pc_family *current = NULL;
    unsigned long line = 0;
    char msg[200];

    memset(d, 0, sizeof *d);
    if (len == 0 || text[len - 1] != '\n') {
        snprintf(d->err, sizeof d->err, "the text does not end with a newline");
        return -1;
    }
    if (memchr(text, '\0', len) != NULL) {
        snprintf(d->err, sizeof d->err, "the text contains a NUL byte");
        return -1;
    }
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        bool ok;

        line++;
        if (eol == p) {
            snprintf(msg, sizeof msg, "empty line");
            ok = false;
        } else if (*p == '#') {
            ok = pc_meta_line(d, p, eol, &current, msg, sizeof msg);
        } else {
            ok = pc_sample_line(d, p, eol, current, msg, sizeof msg);
            if (ok)
                d->samples[d->n - 1].line = line;
        }
        if (!ok) {
            snprintf(d->err, sizeof d->err, "line %lu: %s: \"%.*s\"", line, msg,
                     (int)(eol - p > 80 ? 80 : eol - p), p);
            return -1;
        }
        p = eol + 1;
    }
    return 0;
}

/* The sample `name` with exactly the labels given as NULL-terminated name, value pairs. */
static const pc_sample *pc_vfind(const pc_doc *d, const char *name, va_list ap)
{
    pc_sample want;
    const char *l;

    memset(&want, 0, sizeof want);
    while ((l = va_arg(ap, const char *)) != NULL) {
        assert_true(want.nlabels < PC_LABELS_MAX);
        snprintf(want.labels[want.nlabels].name, PC_NAME_MAX, "%s", l);
        snprintf(want.labels[want.nlabels].value, PC_VALUE_MAX, "%s", va_arg(ap, const char *));
        want.nlabels++;
    }
    for (size_t i = 0; i < d->n; i++) {
        if (strcmp(d->samples[i].name, name) == 0 && same_labels(&d->samples[i], &want))
            return &d->samples[i];
    }
    return NULL;
}

static const pc_sample *pc_find(const pc_doc *d, const char *name, ...)
{
    const pc_sample *s;
    va_list ap;

    va_start(ap, name);
    s = pc_vfind(d, name, ap);
    va_end(ap);
    return s;
}

/* The exact value of a sample that must exist and be a plain unsigned integer. */
static uint64_t pc_u64(const pc_doc *d, const char *name, ...)
{
    const pc_sample *s;
    va_list ap;

    va_start(ap, name);
    s = pc_vfind(d, name, ap);
    va_end(ap);
    if (s == NULL)
        fail_msg("no sample %s with the labels asked for", name);
    if (!s->is_u64)
        fail_msg("%s (line %lu): not an unsigned 64-bit integer", name, s->line);
    return s->u64;
}

/* ---- rendering ----------------------------------------------------------------------------------- */

/* fm_counters_prometheus into a fresh buffer of exactly the size needed. */
static char *render_alloc(const fm_counters *c, size_t *len)
{
    size_t need = 0, got = 0;
    char *buf;

    assert_int_equal(fm_counters_prometheus(c, NULL, 0, &need), FM_ERR_LENGTH);
    assert_true(need > 0);
    buf = tu_xmalloc(need + 1);
    assert_int_equal(fm_counters_prometheus(c, buf, need + 1, &got), FM_OK);
    assert_int_equal(got, need);
    assert_int_equal(strlen(buf), need);
    *len = need;
    return buf;
}

static void parse_or_fail(const char *text, size_t len, pc_doc *d)
{
    if (pc_parse(text, len, d) != 0) {
        printf("%s", text);
        fail_msg("the checker refused the rendered text: %s", d->err);
    }
}

static const struct {
    const char *name, *type;
} expected_families[] = {
    { "fipsmod_info", "gauge" },
    { "fipsmod_module_state", "gauge" },
    { "fipsmod_counters_enabled", "gauge" },
    { "fipsmod_service_calls_total", "counter" },
    { "fipsmod_service_non_approved_total", "counter" },
    { "fipsmod_service_failures_total", "counter" },
};
#define N_FAMILIES (sizeof expected_families / sizeof expected_families[0])

/*
 * Everything in d is what c and the running module say, and nothing else
 * is in d. approved="false" is checked against non_approved + failures,
 * the other side of the invariant the renderer relies on.
 */
static void check_doc(const pc_doc *d, const fm_counters *c)
{
    fm_module_status st;
    const char *version = NULL;
    char hmac_hex[2 * FM_MODULE_HMAC_LEN + 1];
    size_t samples = 3;
    int state = -1;

    assert_int_equal(d->nfamilies, N_FAMILIES);
    for (size_t i = 0; i < N_FAMILIES; i++) {
        assert_string_equal(d->families[i].name, expected_families[i].name);
        assert_string_equal(d->families[i].type, expected_families[i].type);
        assert_true(d->families[i].help);
    }

    assert_int_equal(fm_version(&version), FM_OK);
    assert_int_equal(fm_module_status_get(&st), FM_OK);
    assert_int_equal(fm_module_state(&state), FM_OK);
    tu_hex_encode(st.module_hmac, sizeof st.module_hmac, hmac_hex);
    assert_int_equal(pc_u64(d, "fipsmod_info", "version", version, "module_hmac", hmac_hex, NULL), 1);
    assert_int_equal(pc_u64(d, "fipsmod_module_state", NULL), (uint64_t)state);
    assert_int_equal(pc_u64(d, "fipsmod_counters_enabled", NULL), c->enabled != 0);

    for (int i = 0; i < FM_SERVICE_COUNT; i++) {
        const fm_service_counters *s = &c->service[i];
        const char *svc = NULL;
        uint64_t other = s->non_approved;

        assert_int_equal(fm_service_name(i, &svc), FM_OK);
        for (int k = 1; k < FM_ERR_CODES; k++) {
            const char *err = NULL;
            const pc_sample *f;

            other += s->failures[k];
            assert_int_equal(fm_error_name(-k, &err), FM_OK);
            f = pc_find(d, "fipsmod_service_failures_total", "service", svc, "error", err, NULL);
            if (s->failures[k] == 0) {
                if (f != NULL)
                    fail_msg("%s %s: a failures sample for a zero count (line %lu)", svc, err,
                             f->line);
            } else {
                assert_int_equal(pc_u64(d, "fipsmod_service_failures_total", "service", svc,
                                        "error", err, NULL), s->failures[k]);
                samples++;
            }
        }
        assert_int_equal(pc_u64(d, "fipsmod_service_calls_total", "service", svc, "approved",
                                "true", NULL), s->approved);
        assert_int_equal(pc_u64(d, "fipsmod_service_calls_total", "service", svc, "approved",
                                "false", NULL), other);
        assert_int_equal(pc_u64(d, "fipsmod_service_non_approved_total", "service", svc, NULL),
                         s->non_approved);
        samples += 3;
    }
    assert_int_equal(d->n, samples); /* nothing else */
}

/* Chosen counts: a zero family, failures for a few codes, values near 2^64. */
static void synthetic(fm_counters *c, int enabled)
{
    memset(c, 0, sizeof *c);
    c->enabled = enabled;
    for (int i = 0; i < FM_SERVICE_COUNT; i++) {
        c->service[i].approved = 1000u * (uint64_t)(i + 1) + (uint64_t)i;
        c->service[i].non_approved = 7u * (uint64_t)i;
    }
    memset(&c->service[FM_SERVICE_HMAC], 0, sizeof c->service[0]);
    c->service[FM_SERVICE_SHA2].failures[-FM_ERR_ARG] = 2;
    c->service[FM_SERVICE_SHA2].failures[-FM_ERR_LENGTH] = 1;
    c->service[FM_SERVICE_AES_GCM].failures[-FM_ERR_VERIFY] = 3;
    c->service[FM_SERVICE_AES_GCM].failures[-FM_ERR_NOT_APPROVED] = 9;
    c->service[FM_SERVICE_ECDSA_VERIFY].failures[-FM_ERR_DECRYPT] = 1; /* the last code */
    c->service[FM_SERVICE_RSA_SIGN].approved = UINT64_MAX - 5; /* not exact as a double */
    c->service[FM_SERVICE_RSA_SIGN].non_approved = 0;
    c->service[FM_SERVICE_RSA_SIGN].failures[-FM_ERR_STATE] = 5;
    for (int i = 0; i < FM_SERVICE_COUNT; i++) {
        fm_service_counters *s = &c->service[i];

        s->calls = s->approved + s->non_approved;
        for (int k = 1; k < FM_ERR_CODES; k++)
            s->calls += s->failures[k];
    }
}

/* ---- tests -------------------------------------------------------------------------------------- */

static void test_synthetic(void **state)
{
    fm_counters c;
    pc_doc d;
    size_t len;
    char *text;

    tu_begin(state);
    for (int enabled = 0; enabled <= 1; enabled++) {
        synthetic(&c, enabled);
        text = render_alloc(&c, &len);
        parse_or_fail(text, len, &d);
        check_doc(&d, &c);
        assert_int_equal(d.n, 3 + 3 * FM_SERVICE_COUNT + 6);
        /* Exact decimals where a double would round, and the zero family in full. */
        assert_non_null(strstr(text, "\nfipsmod_service_calls_total{service=\"rsa-sign\","
                                     "approved=\"true\"} 18446744073709551610\n"));
        assert_non_null(strstr(text, "\nfipsmod_service_calls_total{service=\"hmac\","
                                     "approved=\"true\"} 0\n"));
        assert_non_null(strstr(text, "\nfipsmod_service_calls_total{service=\"hmac\","
                                     "approved=\"false\"} 0\n"));
        assert_non_null(strstr(text, "\nfipsmod_service_non_approved_total{service=\"hmac\"} 0\n"));
        assert_null(strstr(text, "service=\"hmac\",error="));
        assert_non_null(strstr(text, "\nfipsmod_service_failures_total{service=\"aes-gcm\","
                                     "error=\"FM_ERR_VERIFY\"} 3\n"));
        /* The first line: HELP of fipsmod_info. */
        assert_int_equal(strncmp(text, "# HELP fipsmod_info ", 20), 0);
        if (enabled)
            printf("%s", text); /* one example in the log */
        pc_free(&d);
        free(text);
    }
}

/*
 * White-box: the renderer's escaping, reached by compiling its source here
 * under another public name (the library's copy is untouched). No service
 * or error name needs escaping today, so only this reaches that code.
 */
#define fm_counters_prometheus whitebox_counters_prometheus
#include "../src/monitor/prometheus.c"
#undef fm_counters_prometheus

static void test_escaping(void **state)
{
    static const char nasty[] = "a\\b\"c\nd \\n\"";
    char buf[512];
    prom_out o = { buf, sizeof buf, 0 };
    pc_doc d;

    tu_begin(state);
    put_family(&o, "x_total", "counter", "help with \\ and\na \"quote\"");
    put_sample_start(&o, "x_total", true);
    put_label(&o, true, "v", nasty);
    put_label(&o, false, "w", "");
    put_sample_end(&o, true, 42);
    assert_true(o.len < sizeof buf);
    buf[o.len] = '\0';
    assert_string_equal(buf, "# HELP x_total help with \\\\ and\\na \"quote\"\n"
                             "# TYPE x_total counter\n"
                             "x_total{v=\"a\\\\b\\\"c\\nd \\\\n\\\"\",w=\"\"} 42\n");
    parse_or_fail(buf, o.len, &d);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.samples[0].labels[0].value, nasty);
    assert_int_equal(pc_u64(&d, "x_total", "w", "", "v", nasty, NULL), 42);
    pc_free(&d);

    /* The appender counts past a full buffer and never writes there. */
    memset(buf, 0x5a, sizeof buf);
    o = (prom_out){ buf, 4, 0 };
    put_str(&o, "abcdefgh");
    put_u64(&o, UINT64_MAX);
    assert_int_equal(o.len, 8 + 20);
    assert_memory_equal(buf, "abcd\x5a", 5);
    o = (prom_out){ NULL, 0, 0 };
    put_u64(&o, 0);
    assert_int_equal(o.len, 1);
}

static void test_checker_rejects(void **state)
{
    static const struct {
        const char *text, *why;
    } bad[] = {
        { "# TYPE a gauge\na{l=x} 1\n", "bad quoted value" },
        { "# TYPE a gauge\na{l=\"x} 1\n", "bad quoted value" },
        { "# TYPE a gauge\na{l=\"x\"} 1\na{l=\"x\"} 2\n", "duplicate series" },
        { "# TYPE a gauge\na{x=\"1\",y=\"2\"} 1\na{y=\"2\",x=\"1\"} 1\n", "duplicate series" },
        { "# TYPE a gauge\na 1\na 1\n", "duplicate series" },
        { "a 1\n# TYPE a gauge\n", "before its family's TYPE" },
        { "# TYPE a gauge\n# TYPE b gauge\na 1\n", "not after the most recent TYPE" },
        { "# TYPE 1a gauge\n1a 1\n", "bad metric name" },
        { "# TYPE a gauge\na-b 1\n", "blank and value expected" },
        { "# TYPE a gauge\n-a 1\n", "bad metric name" },
        { "# TYPE a gauge\na 1", "does not end with a newline" },
        { "", "does not end with a newline" },
        { "# TYPE a gauge\na 1\n# TYPE a gauge\n", "second TYPE" },
        { "# HELP a x\n# HELP a y\n# TYPE a gauge\na 1\n", "second HELP" },
        { "# TYPE a gaugee\na 1\n", "unknown type" },
        { "# TYPE a counter\na 1\n", "does not end in _total" },
        { "# TYPE a gauge\na x1\n", "bad value" },
        { "# TYPE a gauge\na 1.2.3\n", "bad value" },
        { "# TYPE a gauge\na 0x10\n", "bad value" },
        { "# TYPE a gauge\na inf\n", "bad value" },
        { "# TYPE a gauge\na \n", "bad value" },
        { "# TYPE a gauge\na 1 \n", "text after the value" },
        { "# TYPE a gauge\na 1 1700000000000\n", "text after the value" },
        { "# TYPE a gauge\na{l=\"\\q\"} 1\n", "bad quoted value" },
        { "# TYPE a gauge\na{1l=\"x\"} 1\n", "bad label name" },
        { "# TYPE a gauge\na{l:m=\"x\"} 1\n", "'=' expected" },
        { "# TYPE a gauge\na{__l=\"x\"} 1\n", "reserved" },
        { "# TYPE a gauge\na{l=\"x\",l=\"y\"} 1\n", "repeated" },
        { "# TYPE a gauge\na{l=\"x\" 1\n", "',' or '}' expected" },
        { "# TYPE a gauge\na{l=\"x\",,} 1\n", "bad label name" },
        { "# TYPE a gauge\n\na 1\n", "empty line" },
        { "# a comment\n# TYPE a gauge\na 1\n", "a comment other than" },
        { "# HELP a bad \\t escape\n# TYPE a gauge\na 1\n", "bad escape" },
        { "# TYPE h histogram\nh 1\n", "before its family's TYPE" },
        { "# TYPE s summary\ns_bucket 1\n", "before its family's TYPE" },
    };
    static const char *const good[] = {
        "# HELP a x \\\\ \\n \"q\"\n# TYPE a gauge\na{l=\"\\\\ \\\" \\n\",m=\"\"} 1.5e3\na{} 2\n",
        "# TYPE a_total counter\na_total{l=\"x\",} +Inf\na_total{l=\"y\"}\t-1\n",
        "# TYPE a:b gauge\na:b NaN\n# HELP a:b\n",
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 3\nh_sum .5\nh_count 3\n",
        "# TYPE s summary\ns{quantile=\"0.5\"} 1\ns_sum 1\ns_count 1\n",
        "# TYPE a untyped\na 18446744073709551615\n",
    };
    pc_doc d;

    tu_begin(state);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (pc_parse(bad[i].text, strlen(bad[i].text), &d) == 0)
            fail_msg("bad text %zu accepted: \"%s\"", i, bad[i].text);
        if (strstr(d.err, bad[i].why) == NULL)
            fail_msg("bad text %zu: refused for \"%s\", expected \"%s\"", i, d.err, bad[i].why);
        pc_free(&d);
    }
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        if (pc_parse(good[i], strlen(good[i]), &d) != 0)
            fail_msg("good text %zu refused: %s", i, d.err);
        pc_free(&d);
    }
    /* A NUL inside the text. */
    assert_int_equal(pc_parse("# TYPE a gauge\na 1\0\n", 20, &d), -1);
    assert_non_null(strstr(d.err, "NUL"));
    pc_free(&d);
    /* What the checker returns for a valid text. */
    assert_int_equal(pc_parse(good[0], strlen(good[0]), &d), 0);
    assert_int_equal(d.n, 2);
    assert_int_equal(d.nfamilies, 1);
    assert_string_equal(d.samples[0].labels[0].value, "\\ \" \n");
    assert_true(d.samples[0].value == 1500.0 && !d.samples[0].is_u64);
    assert_int_equal(pc_u64(&d, "a", NULL), 2);
    assert_null(pc_find(&d, "a", "l", "x", NULL));
    pc_free(&d);
    assert_int_equal(pc_parse(good[5], strlen(good[5]), &d), 0);
    assert_int_equal(pc_u64(&d, "a", NULL), UINT64_MAX);
    pc_free(&d);
}

static void test_lengths(void **state)
{
    fm_counters c;
    size_t need = 0, len, k;
    char *full, *buf;
    const size_t guard = 16;

    tu_begin(state);
    synthetic(&c, 1);
    full = render_alloc(&c, &need);
    buf = tu_xmalloc(need + 1 + guard);

    /* Every cap up to and including the length: too short for the NUL. */
    for (k = 0; k <= need; k += (k < 64 || need - k < 64 ? 1 : 97)) {
        memset(buf, 0xa5, need + 1 + guard);
        len = 12345;
        assert_int_equal(fm_counters_prometheus(&c, buf, k, &len), FM_ERR_LENGTH);
        assert_int_equal(len, need);
        assert_true(tu_all_zero(buf, k));
        for (size_t j = k; j < need + 1 + guard; j++) {
            if ((uint8_t)buf[j] != 0xa5)
                fail_msg("cap %zu: byte %zu written", k, j);
        }
    }
    len = 12345;
    assert_int_equal(fm_counters_prometheus(&c, NULL, 0, &len), FM_ERR_LENGTH);
    assert_int_equal(len, need);

    /* need + 1 is enough, and the text is the same as with room to spare. */
    memset(buf, 0xa5, need + 1 + guard);
    assert_int_equal(fm_counters_prometheus(&c, buf, need + 1, &len), FM_OK);
    assert_int_equal(len, need);
    assert_memory_equal(buf, full, need + 1);
    for (size_t j = need + 1; j < need + 1 + guard; j++)
        assert_int_equal((uint8_t)buf[j], 0xa5);
    assert_int_equal(fm_counters_prometheus(&c, buf, need + 1 + guard, &len), FM_OK);
    assert_int_equal(len, need);
    assert_string_equal(buf, full);

    /* Bad arguments: FM_ERR_ARG, buffer zeroed, *len = 0. */
    memset(buf, 0xa5, need + 1);
    len = 12345;
    assert_int_equal(fm_counters_prometheus(NULL, buf, need + 1, &len), FM_ERR_ARG);
    assert_true(tu_all_zero(buf, need + 1));
    assert_int_equal(len, 0);
    memset(buf, 0xa5, need + 1);
    assert_int_equal(fm_counters_prometheus(&c, buf, need + 1, NULL), FM_ERR_ARG);
    assert_true(tu_all_zero(buf, need + 1));
    len = 12345;
    assert_int_equal(fm_counters_prometheus(&c, NULL, need + 1, &len), FM_ERR_ARG);
    assert_int_equal(len, 0);
    assert_int_equal(fm_counters_prometheus(NULL, NULL, 0, NULL), FM_ERR_ARG);
    /* approved > calls cannot be rendered (approved="false" would be negative). */
    c.service[FM_SERVICE_AES_CTR].calls = c.service[FM_SERVICE_AES_CTR].approved - 1;
    memset(buf, 0xa5, need + 1);
    len = 12345;
    assert_int_equal(fm_counters_prometheus(&c, buf, need + 1, &len), FM_ERR_ARG);
    assert_true(tu_all_zero(buf, need + 1));
    assert_int_equal(len, 0);
    free(buf);
    free(full);
}

static void test_live_snapshot(void **state)
{
    static const char msg[] = "abc";
    fm_counters before, after;
    uint8_t md[32];
    pc_doc d;
    size_t len;
    char *text;
    const int calls = 5;
    int approved = -1;

    tu_begin(state);
    assert_int_equal(fm_counters_snapshot(&before), FM_OK);
    assert_int_equal(before.enabled, 1); /* the default */
    for (int i = 0; i < calls; i++) {
        assert_int_equal(fm_hash(FM_SHA256, msg, 3, md, sizeof md), FM_OK);
        assert_int_equal(fm_service_approved(&approved), FM_OK);
        assert_int_equal(approved, 1);
    }
    assert_int_equal(fm_counters_snapshot(&after), FM_OK);
    text = render_alloc(&after, &len);
    parse_or_fail(text, len, &d);
    check_doc(&d, &after);
    assert_true(after.service[FM_SERVICE_SHA2].approved >=
                before.service[FM_SERVICE_SHA2].approved + (uint64_t)calls);
    assert_true(pc_u64(&d, "fipsmod_service_calls_total", "service", "sha2", "approved", "true",
                       NULL) >= (uint64_t)calls);
    assert_int_equal(pc_u64(&d, "fipsmod_module_state", NULL), FM_STATE_OPERATIONAL);
    assert_int_equal(pc_u64(&d, "fipsmod_counters_enabled", NULL), 1);
    pc_free(&d);
    free(text);
}

/* ---- main -------------------------------------------------------------------------------------- */

int main(void)
{
    tu_init("test_prometheus");
    tu_add(&suite, test_synthetic, NULL, "synthetic counters render to exactly their values");
    tu_add(&suite, test_escaping, NULL, "label values and HELP text are escaped (white-box)");
    tu_add(&suite, test_checker_rejects, NULL, "the format checker rejects broken texts");
    tu_add(&suite, test_lengths, NULL, "FM_ERR_LENGTH for every short cap, FM_ERR_ARG");
    tu_add(&suite, test_live_snapshot, NULL, "fm_counters_snapshot after fm_hash calls");
    return tu_run(&suite, "test_prometheus");
}
