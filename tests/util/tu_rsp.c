/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test helper: a reader for NIST CAVP response files (`.rsp`).
 *
 * The format (SHAVS, HMACVS, ...): ASCII with CRLF line endings; `#` lines
 * are comments; a run of `[name = value]` (or `[name]`) lines sets section
 * parameters that apply to the records after it; a record is a run of
 * `Name = value` lines ended by a blank line or end of file. A line with no
 * `=` inside a record (such as `FAIL`) becomes a field with an empty value.
 * See testutil.h.
 */
#include "testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void kv_free(tu_kv *kv, size_t *n)
{
    size_t i;

    for (i = 0; i < *n; i++) {
        free(kv[i].name);
        free(kv[i].value);
        kv[i].name = kv[i].value = NULL;
    }
    *n = 0;
}

static char *trim(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        e--;
    *e = '\0';
    return s;
}

/* Split "name = value" (or just "name") into a fresh pair. */
static int kv_add(tu_kv *kv, size_t *n, size_t max, char *text)
{
    char *eq = strchr(text, '=');
    char *name, *value;

    if (*n >= max)
        return -1;
    if (eq != NULL) {
        *eq = '\0';
        name = trim(text);
        value = trim(eq + 1);
    } else {
        name = trim(text);
        value = "";
    }
    kv[*n].name = strdup(name);
    kv[*n].value = strdup(value);
    if (kv[*n].name == NULL || kv[*n].value == NULL) {
        free(kv[*n].name);
        free(kv[*n].value);
        return -1;
    }
    (*n)++;
    return 0;
}

int tu_rsp_open(tu_rsp *r, const char *path)
{
    memset(r, 0, sizeof *r);
    r->path = path;
    r->f = fopen(path, "rb");
    if (r->f == NULL) {
        printf("cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* A line that ends with a `[...]`: section parameters. */
static int section_line(tu_rsp *r, char *s)
{
    char *end = strrchr(s, ']');

    if (end == NULL) {
        printf("%s:%lu: unterminated section line\n", r->path, r->lineno);
        return -1;
    }
    *end = '\0';
    if (r->params_used) {
        kv_free(r->params, &r->nparams);
        r->params_used = false;
    }
    if (kv_add(r->params, &r->nparams, TU_RSP_MAX_PARAMS, s + 1) != 0) {
        printf("%s:%lu: too many section parameters\n", r->path, r->lineno);
        return -1;
    }
    return 0;
}

int tu_rsp_next(tu_rsp *r)
{
    kv_free(r->fields, &r->nfields);
    for (;;) {
        char *s;

        if (r->pending != NULL) {
            /* A `[` line that ended the previous record without a blank line. */
            int rc = section_line(r, r->pending);
            free(r->pending);
            r->pending = NULL;
            if (rc != 0)
                return -1;
            continue;
        }
        errno = 0;
        if (getline(&r->line, &r->linecap, r->f) < 0) {
            if (ferror(r->f)) {
                printf("%s: read error: %s\n", r->path, strerror(errno));
                return -1;
            }
            break;
        }
        r->lineno++;
        s = trim(r->line);
        if (*s == '\0') {
            if (r->nfields > 0)
                break;
            continue;
        }
        if (*s == '#')
            continue;
        if (*s == '[') {
            if (r->nfields > 0) {
                r->pending = strdup(s);
                if (r->pending == NULL)
                    return -1;
                break;
            }
            if (section_line(r, s) != 0)
                return -1;
            continue;
        }
        if (r->nfields == 0)
            r->record_line = r->lineno;
        if (kv_add(r->fields, &r->nfields, TU_RSP_MAX_FIELDS, s) != 0) {
            printf("%s:%lu: record has too many fields\n", r->path, r->lineno);
            return -1;
        }
    }
    if (r->nfields == 0)
        return 0;
    r->params_used = true;
    r->records++;
    return 1;
}

const char *tu_rsp_field(const tu_rsp *r, const char *name)
{
    size_t i;

    for (i = 0; i < r->nfields; i++)
        if (strcmp(r->fields[i].name, name) == 0)
            return r->fields[i].value;
    return NULL;
}

const char *tu_rsp_param(const tu_rsp *r, const char *name)
{
    size_t i;

    for (i = 0; i < r->nparams; i++)
        if (strcmp(r->params[i].name, name) == 0)
            return r->params[i].value;
    return NULL;
}

void tu_rsp_close(tu_rsp *r)
{
    kv_free(r->fields, &r->nfields);
    kv_free(r->params, &r->nparams);
    free(r->line);
    free(r->pending);
    if (r->f != NULL)
        fclose(r->f);
    memset(r, 0, sizeof *r);
}

/* see testutil.h */
size_t tu_rsp_hex(const tu_rsp *r, const char *field, uint8_t *out, size_t cap)
{
    const char *s = tu_rsp_field(r, field);
    size_t n = 0;

    if (s == NULL)
        fail_msg("%s:%lu: record without %s", r->path, r->record_line, field);
    if (tu_hex_decode(s, out, cap, &n) != 0)
        fail_msg("%s:%lu: bad hex in %s", r->path, r->record_line, field);
    return n;
}

/* see testutil.h */
bool tu_rsp_encrypt_section(const tu_rsp *r)
{
    bool enc = r->nparams == 1 && strcmp(r->params[0].name, "ENCRYPT") == 0;
    bool dec = r->nparams == 1 && strcmp(r->params[0].name, "DECRYPT") == 0;

    if (!enc && !dec)
        fail_msg("%s:%lu: record outside an [ENCRYPT] or [DECRYPT] section", r->path,
                 r->record_line);
    return enc;
}
