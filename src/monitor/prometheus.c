/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fm_counters_prometheus(): a counter snapshot (fm_counters_snapshot) as
 * text for a Prometheus scrape, in the text exposition format version
 * 0.0.4 (prometheus.io/docs/instrumenting/exposition_formats): for each
 * metric family a "# HELP name text" line, a "# TYPE name type" line, then
 * its samples "name{label="value",...} value", every line ended by "\n".
 * Label values are escaped as the format says (backslash, double quote and
 * line feed become \\, \" and \n), HELP texts likewise (backslash, line
 * feed); today's values need none of it, but a service or error name is
 * not this file's to promise. Counts are printed as unsigned 64-bit
 * decimals, exactly, never through a double.
 *
 * This file is outside the module boundary: it formats the counts it is
 * given and the module's public status (fm_version, fm_module_status_get,
 * fm_service_name, fm_error_name); it computes nothing but the approved=
 * "false" count, calls - approved. From libc it needs only memset.
 *
 * The text is written in one pass by an appender that stops storing when
 * the buffer is full but keeps counting, so a short buffer still learns
 * the length it needs.
 */
#include <fipsmod/fipsmod.h>

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* ---- the appender ------------------------------------------------------------ */

typedef struct {
    char *buf;      /* may be NULL when cap == 0 */
    size_t cap;
    size_t len;     /* bytes of text so far, stored or not */
} prom_out;

static void put_byte(prom_out *o, char ch)
{
    if (o->len < o->cap)
        o->buf[o->len] = ch;
    if (o->len < SIZE_MAX)
        o->len++;
}

static void put_str(prom_out *o, const char *s)
{
    while (*s != '\0')
        put_byte(o, *s++);
}

static void put_u64(prom_out *o, uint64_t v)
{
    char digits[20]; /* 2^64 - 1 has 20 */
    size_t n = 0;

    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0)
        put_byte(o, digits[--n]);
}

static void put_hex(prom_out *o, const uint8_t *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        put_byte(o, hex[p[i] >> 4]);
        put_byte(o, hex[p[i] & 15]);
    }
}

/* A label value between its quotes: \ " and line feed escaped. */
static void put_label_value(prom_out *o, const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '\\' || *s == '"') {
            put_byte(o, '\\');
            put_byte(o, *s);
        } else if (*s == '\n') {
            put_str(o, "\\n");
        } else {
            put_byte(o, *s);
        }
    }
}

/* A HELP text: \ and line feed escaped (a double quote stays as it is). */
static void put_help_text(prom_out *o, const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '\\')
            put_str(o, "\\\\");
        else if (*s == '\n')
            put_str(o, "\\n");
        else
            put_byte(o, *s);
    }
}

/* ---- the format ---------------------------------------------------------------- */

static void put_family(prom_out *o, const char *name, const char *type, const char *help)
{
    put_str(o, "# HELP ");
    put_str(o, name);
    put_byte(o, ' ');
    put_help_text(o, help);
    put_str(o, "\n# TYPE ");
    put_str(o, name);
    put_byte(o, ' ');
    put_str(o, type);
    put_byte(o, '\n');
}

/* `name{` or `name` (no labels); labels follow with put_label. */
static void put_sample_start(prom_out *o, const char *name, bool labels)
{
    put_str(o, name);
    if (labels)
        put_byte(o, '{');
}

/* `label="value"`, preceded by a comma unless it is the first. */
static void put_label(prom_out *o, bool first, const char *label, const char *value)
{
    if (!first)
        put_byte(o, ',');
    put_str(o, label);
    put_str(o, "=\"");
    put_label_value(o, value);
    put_byte(o, '"');
}

/* `} value\n` (labels: true) or ` value\n`. */
static void put_sample_end(prom_out *o, bool labels, uint64_t value)
{
    if (labels)
        put_byte(o, '}');
    put_byte(o, ' ');
    put_u64(o, value);
    put_byte(o, '\n');
}

/* Everything but the approved="false" count is printed as given; that one
 * needs approved <= calls, which fm_counters_snapshot always gives. */
static bool counters_consistent(const fm_counters *c)
{
    for (int i = 0; i < FM_SERVICE_COUNT; i++) {
        if (c->service[i].approved > c->service[i].calls)
            return false;
    }
    return true;
}

/*
 * The whole text into o. Returns FM_OK, or FM_ERR_INTERNAL when a name the
 * module should always have (a service family's, an error code's) is
 * missing: an unknown name would render as a duplicate series.
 */
static int render(prom_out *o, const fm_counters *c, const char *version,
                  const fm_module_status *st)
{
    const char *service[FM_SERVICE_COUNT];
    const char *error[FM_ERR_CODES];
    int i, k;

    for (i = 0; i < FM_SERVICE_COUNT; i++) {
        if (fm_service_name(i, &service[i]) != FM_OK)
            return FM_ERR_INTERNAL;
    }
    error[0] = NULL; /* failures[0] is FM_OK's slot: never a failure */
    for (k = 1; k < FM_ERR_CODES; k++) {
        if (fm_error_name(-k, &error[k]) != FM_OK)
            return FM_ERR_INTERNAL;
    }

    put_family(o, "fipsmod_info", "gauge",
               "The fipsmod library version and the module HMAC (integrity value) built into it.");
    put_sample_start(o, "fipsmod_info", true);
    put_label(o, true, "version", version);
    put_str(o, ",module_hmac=\"");
    put_hex(o, st->module_hmac, sizeof st->module_hmac); /* hex needs no escaping */
    put_byte(o, '"');
    put_sample_end(o, true, 1);

    put_family(o, "fipsmod_module_state", "gauge",
               "The module state: 0 uninitialised, 1 self-test, 2 operational, 3 error.");
    put_sample_start(o, "fipsmod_module_state", false);
    put_sample_end(o, false, (uint64_t)(unsigned)st->state);

    put_family(o, "fipsmod_counters_enabled", "gauge",
               "1 while the module counts service calls (fm_counters_enable), else 0.");
    put_sample_start(o, "fipsmod_counters_enabled", false);
    put_sample_end(o, false, c->enabled != 0);

    put_family(o, "fipsmod_service_calls_total", "counter",
               "Calls of a cryptographic service family: approved=\"true\" the calls that "
               "completed as approved services, approved=\"false\" every other call.");
    for (i = 0; i < FM_SERVICE_COUNT; i++) {
        const fm_service_counters *s = &c->service[i];

        put_sample_start(o, "fipsmod_service_calls_total", true);
        put_label(o, true, "service", service[i]);
        put_label(o, false, "approved", "true");
        put_sample_end(o, true, s->approved);
        put_sample_start(o, "fipsmod_service_calls_total", true);
        put_label(o, true, "service", service[i]);
        put_label(o, false, "approved", "false");
        put_sample_end(o, true, s->calls - s->approved);
    }

    put_family(o, "fipsmod_service_non_approved_total", "counter",
               "Calls of a service family that succeeded as non-approved services.");
    for (i = 0; i < FM_SERVICE_COUNT; i++) {
        put_sample_start(o, "fipsmod_service_non_approved_total", true);
        put_label(o, true, "service", service[i]);
        put_sample_end(o, true, c->service[i].non_approved);
    }

    put_family(o, "fipsmod_service_failures_total", "counter",
               "Calls of a service family that failed, by error code (only codes that occurred).");
    for (i = 0; i < FM_SERVICE_COUNT; i++) {
        for (k = 1; k < FM_ERR_CODES; k++) {
            if (c->service[i].failures[k] == 0)
                continue;
            put_sample_start(o, "fipsmod_service_failures_total", true);
            put_label(o, true, "service", service[i]);
            put_label(o, false, "error", error[k]);
            put_sample_end(o, true, c->service[i].failures[k]);
        }
    }
    return FM_OK;
}

/* see fipsmod/monitor.h */
int fm_counters_prometheus(const fm_counters *c, char *buf, size_t cap, size_t *len)
{
    fm_module_status st;
    const char *version = NULL;
    prom_out o = { buf, cap, 0 };
    int rc;

    /* buf may be NULL only with cap == 0: a call that asks for the length. */
    if (c == NULL || len == NULL || (buf == NULL && cap != 0) || !counters_consistent(c)) {
        if (buf != NULL)
            memset(buf, 0, cap);
        if (len != NULL)
            *len = 0;
        return FM_ERR_ARG;
    }
    if (fm_version(&version) != FM_OK || fm_module_status_get(&st) != FM_OK) {
        rc = FM_ERR_INTERNAL;
    } else {
        rc = render(&o, c, version, &st);
    }
    if (rc != FM_OK) {
        if (buf != NULL)
            memset(buf, 0, cap);
        *len = 0;
        return rc;
    }
    *len = o.len;
    if (o.len >= cap) {
        if (buf != NULL)
            memset(buf, 0, cap);
        return FM_ERR_LENGTH;
    }
    buf[o.len] = '\0';
    return FM_OK;
}
