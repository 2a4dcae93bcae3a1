/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test helpers: hex decoding and encoding, hex dumps of mismatches, and
 * the all-zero check used by the wipe tests. See testutil.h.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

static int nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int tu_hex_decode(const char *hex, uint8_t *out, size_t cap, size_t *outlen)
{
    size_t n, i;

    if (hex == NULL || outlen == NULL)
        return -1;
    n = strlen(hex);
    if (n % 2 != 0 || n / 2 > cap)
        return -1;
    for (i = 0; i < n / 2; i++) {
        int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    *outlen = n / 2;
    return 0;
}

uint8_t *tu_hex_alloc(const char *hex, size_t *outlen)
{
    size_t cap;
    uint8_t *p;

    if (hex == NULL)
        return NULL;
    cap = strlen(hex) / 2;
    p = malloc(cap ? cap : 1);
    if (p == NULL)
        return NULL;
    if (tu_hex_decode(hex, p, cap, outlen) != 0) {
        free(p);
        return NULL;
    }
    return p;
}

void tu_hex_encode(const uint8_t *in, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < len; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * len] = '\0';
}

void tu_hex_print(const char *label, const uint8_t *p, size_t len)
{
    size_t i;

    printf("%s", label);
    for (i = 0; i < len && i < 256; i++)
        printf("%02x", p[i]);
    if (len > 256)
        printf("... (%zu bytes)", len);
    printf("\n");
}

bool tu_mem_eq(const char *what, const void *got, const void *want, size_t len)
{
    if (len == 0 || memcmp(got, want, len) == 0)
        return true;
    printf("MISMATCH %s\n", what);
    tu_hex_print("  got:  ", got, len);
    tu_hex_print("  want: ", want, len);
    return false;
}

bool tu_all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint8_t acc = 0;
    size_t i;

    for (i = 0; i < n; i++)
        acc |= b[i];
    return acc == 0;
}

/* see testutil.h */
const char *tu_err_name(int rc)
{
    const char *name = "FM_ERR_UNKNOWN";

    (void)fm_error_name(rc, &name);
    return rc == FM_OK ? "FM_OK" : name;
}

/* see testutil.h */
void *tu_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    assert_non_null(p);
    return p;
}

/* see testutil.h */
uint8_t *tu_dup_bytes(const void *p, size_t n)
{
    uint8_t *d = tu_xmalloc(n);

    if (n > 0)
        memcpy(d, p, n);
    return d;
}

/* see testutil.h */
char *tu_bio_take(BIO *b, size_t *len)
{
    char *data;
    long n = BIO_get_mem_data(b, &data);
    char *s;

    assert_true(n > 0);
    s = tu_xmalloc((size_t)n + 1);
    memcpy(s, data, (size_t)n);
    s[n] = '\0';
    *len = (size_t)n;
    BIO_free(b);
    return s;
}
