/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PEM, the textual encoding of RFC 7468: a "-----BEGIN <label>-----" line,
 * base64 (RFC 4648 section 4) of the DER, and a "-----END <label>-----"
 * line with the same label.
 *
 * Decoding follows RFC 7468's generic syntax with a strict body: text
 * before the BEGIN line and after the END line is ignored (section 2),
 * whitespace anywhere in the body is ignored (the "laxbase64text" of
 * section 3), but the characters are only the base64 alphabet, the
 * padding is required and canonical (RFC 4648 3.5: the pad bits of the
 * last character are zero), and anything else, including the RFC 1421
 * headers of legacy encrypted PEM, is refused. Two passes: the first
 * validates everything and counts the output (so a short buffer is known
 * before a byte is written), the second decodes.
 *
 * Encoding writes what OpenSSL's PEM_write_bio_* write: lines of 64
 * characters, "\n" line ends (RFC 7468's "stricttextualmsg").
 *
 * A private key's PEM is as secret as its DER, so the base64 alphabet is
 * mapped in both directions with mask arithmetic instead of a table
 * indexed by secret data, and no branch depends on a secret character
 * beyond its class (alphabet, '=', whitespace, junk), which is determined
 * by the public layout of a valid document.
 */
#include <fipsmod/keys.h>

#include <stdint.h>
#include <string.h>

#define PEM_BEGIN "-----BEGIN "
#define PEM_END   "-----END "
#define PEM_DASHES "-----"
#define PEM_LINE  64 /* base64 characters per line written */

#define LIT_LEN(s) (sizeof(s) - 1)

/* ---- constant-time base64 alphabet (RFC 4648 table 1) ----------------------- */

/* Keep the compiler from reasoning about a mask (turning it into a branch). */
static uint32_t value_barrier(uint32_t x)
{
    __asm__("" : "+r"(x));
    return x;
}

/* All ones when a >= b, else zero (a < 2^31, 1 <= b < 2^31). */
static uint32_t ge_mask(uint32_t a, uint32_t b)
{
    return value_barrier(0u - (((b - 1u - a) >> 31) & 1u));
}

/* All ones when lo <= a <= hi, else zero. */
static uint32_t range_mask(uint32_t a, uint32_t lo, uint32_t hi)
{
    return ge_mask(a, lo) & ~ge_mask(a, hi + 1);
}

/* The character for a 6-bit value: 'A'+v, then offsets added at 26, 52, 62, 63. */
static char b64_char(uint32_t v)
{
    uint32_t c = v + 'A';

    c += 6u & ge_mask(v, 26);   /* 26 -> 'a' */
    c -= 75u & ge_mask(v, 52);  /* 52 -> '0' */
    c -= 15u & ge_mask(v, 62);  /* 62 -> '+' */
    c += 3u & ge_mask(v, 63);   /* 63 -> '/' */
    return (char)c;
}

/* The 6-bit value of character ch; *valid all ones when ch is in the alphabet. */
static uint32_t b64_value(uint8_t ch, uint32_t *valid)
{
    uint32_t c = ch;
    uint32_t up = range_mask(c, 'A', 'Z');
    uint32_t lo = range_mask(c, 'a', 'z');
    uint32_t dg = range_mask(c, '0', '9');
    uint32_t plus = range_mask(c, '+', '+');
    uint32_t slash = range_mask(c, '/', '/');

    *valid = up | lo | dg | plus | slash;
    return ((c - 'A') & up) | ((c - 'a' + 26) & lo) | ((c - '0' + 52) & dg) |
           (62u & plus) | (63u & slash);
}

/* ---- layout ----------------------------------------------------------------- */

/* RFC 7468 section 3: labelchar = %x21-2C / %x2E-7E (printable but '-'). */
static int labelchar(uint8_t c)
{
    return c >= 0x21 && c <= 0x7e && c != '-';
}

/* label = labelchar *( ["-" / SP] labelchar ), 1 .. FM_PEM_LABEL_MAX-1 long. */
static int label_ok(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n >= FM_PEM_LABEL_MAX || !labelchar((uint8_t)s[0]) ||
        !labelchar((uint8_t)s[n - 1]))
        return 0;
    for (i = 1; i + 1 < n; i++) {
        uint8_t c = (uint8_t)s[i];
        if (!labelchar(c) && !((c == '-' || c == ' ') && labelchar((uint8_t)s[i - 1])))
            return 0;
    }
    return 1;
}

/* RFC 7468 W: WSP / CR / LF / HTAB / VT / FF (here without CR and LF). */
static int is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

static int starts_with(const char *p, size_t n, size_t pos, const char *lit, size_t litlen)
{
    return n - pos >= litlen && memcmp(p + pos, lit, litlen) == 0;
}

/* Index of the first CR or LF at or after pos, or n. */
static size_t line_end(const char *p, size_t n, size_t pos)
{
    while (pos < n && p[pos] != '\r' && p[pos] != '\n')
        pos++;
    return pos;
}

/* Index after the line ending at e (CRLF, CR or LF), or n. */
static size_t skip_eol(const char *p, size_t n, size_t e)
{
    if (e < n && p[e] == '\r')
        e++;
    if (e < n && p[e] == '\n')
        e++;
    return e;
}

/*
 * A boundary line at pos (which starts with kw): the label's offset and
 * length, and *next, the index after the line. Trailing spaces and tabs
 * are allowed; the line ends with CRLF, CR, LF or (only when at_eof_ok)
 * the end of the input. FM_OK or FM_ERR_DECODE.
 */
static int parse_boundary(const char *p, size_t n, size_t pos, size_t kwlen, int at_eof_ok,
                          size_t *loff, size_t *llen, size_t *next)
{
    size_t e = line_end(p, n, pos), j, k;

    pos += kwlen;
    /* The label cannot contain "--", so the first "-----" ends it. */
    for (j = pos; j + LIT_LEN(PEM_DASHES) <= e; j++) {
        if (memcmp(p + j, PEM_DASHES, LIT_LEN(PEM_DASHES)) == 0)
            break;
    }
    if (j + LIT_LEN(PEM_DASHES) > e || !label_ok(p + pos, j - pos))
        return FM_ERR_DECODE;
    for (k = j + LIT_LEN(PEM_DASHES); k < e && (p[k] == ' ' || p[k] == '\t'); k++)
        ;
    if (k != e || (e == n && !at_eof_ok))
        return FM_ERR_DECODE;
    *loff = pos;
    *llen = j - pos;
    *next = skip_eol(p, n, e);
    return FM_OK;
}

/* A PEM block found and validated by the first pass. */
typedef struct {
    size_t label_off, label_len;
    size_t body, body_end; /* the text between the boundary lines */
    size_t ndata;          /* base64 characters, padding excluded */
    size_t nbytes;         /* DER octets they decode to */
} pem_block;

static int find_block(const char *pem, size_t n, pem_block *b)
{
    size_t pos = 0, ls, e = 0, i, pad = 0, loff, llen, next, total, rest;
    int rc, first = 1;

    /* The BEGIN line starts a line; text before it is explanatory. */
    while (!starts_with(pem, n, pos, PEM_BEGIN, LIT_LEN(PEM_BEGIN))) {
        if (pos >= n)
            return FM_ERR_DECODE;
        pos = skip_eol(pem, n, line_end(pem, n, pos));
    }
    if ((rc = parse_boundary(pem, n, pos, LIT_LEN(PEM_BEGIN), 0, &b->label_off,
                             &b->label_len, &b->body)) != FM_OK)
        return rc;

    b->ndata = 0;
    for (ls = b->body;; ls = skip_eol(pem, n, e)) {
        if (ls >= n)
            return FM_ERR_DECODE; /* no END line */
        if (starts_with(pem, n, ls, PEM_END, LIT_LEN(PEM_END)))
            break;
        e = line_end(pem, n, ls);
        /* RFC 1421 headers ("Proc-Type: 4,ENCRYPTED", "DEK-Info: ...")
         * follow the BEGIN line directly: legacy encryption. */
        if (first && memchr(pem + ls, ':', e - ls) != NULL)
            return FM_ERR_UNSUPPORTED;
        first = 0;
        for (i = ls; i < e; i++) {
            uint8_t ch = (uint8_t)pem[i];
            uint32_t valid;

            (void)b64_value(ch, &valid);
            if (valid) {
                if (pad)
                    return FM_ERR_DECODE; /* data after '=' */
                b->ndata++;
            } else if (ch == '=') {
                if (++pad > 2)
                    return FM_ERR_DECODE;
            } else if (!is_space(ch)) {
                return FM_ERR_DECODE;
            }
        }
    }
    b->body_end = ls;
    if ((rc = parse_boundary(pem, n, ls, LIT_LEN(PEM_END), 1, &loff, &llen, &next)) != FM_OK)
        return rc;
    if (llen != b->label_len || memcmp(pem + loff, pem + b->label_off, llen) != 0)
        return FM_ERR_DECODE;
    /* RFC 4648 4: padded to a multiple of 4 characters; a final quantum of
     * one character (ndata % 4 == 1) would need three '=' and is refused
     * above. */
    total = b->ndata + pad;
    if (total == 0 || total % 4 != 0)
        return FM_ERR_DECODE;
    rest = b->ndata % 4;
    b->nbytes = b->ndata / 4 * 3 + (rest == 3 ? 2 : rest == 2 ? 1 : 0);
    return FM_OK;
}

/* see fipsmod/keys.h */
int fm_pem_decode(uint8_t *der, size_t cap, size_t *derlen, char *label, size_t labelcap,
                  const char *pem, size_t pemlen)
{
    pem_block b;
    uint32_t acc = 0, v = 0, valid = 0;
    size_t i, o = 0, nbits = 0;
    int rc;

    if (derlen != NULL)
        *derlen = 0;
    if ((der == NULL && cap != 0) || (label == NULL && labelcap != 0)) {
        /* wipe whichever buffer is usable */
        if (der != NULL)
            fm_wipe(der, cap);
        if (label != NULL)
            fm_wipe(label, labelcap);
        return FM_ERR_ARG;
    }
    if (derlen == NULL || (pem == NULL && pemlen != 0)) {
        rc = FM_ERR_ARG;
        goto fail;
    }
    if ((rc = find_block(pem, pemlen, &b)) != FM_OK)
        goto fail;
    if (b.nbytes > cap || (label != NULL && b.label_len >= labelcap)) {
        *derlen = b.nbytes;
        fm_wipe(der, cap);
        fm_wipe(label, labelcap);
        return FM_ERR_LENGTH;
    }

    for (i = b.body; i < b.body_end; i++) {
        v = b64_value((uint8_t)pem[i], &valid);
        if (!valid)
            continue; /* whitespace or '=' (checked by find_block) */
        acc = (acc << 6) | v;
        nbits += 6;
        if (nbits >= 8) {
            nbits -= 8;
            der[o++] = (uint8_t)(acc >> nbits);
            acc &= (1u << nbits) - 1;
        }
    }
    /* RFC 4648 3.5: the pad bits left over are zero in canonical base64. */
    if (o != b.nbytes || acc != 0) {
        rc = o != b.nbytes ? FM_ERR_INTERNAL : FM_ERR_DECODE;
        goto fail;
    }
    if (label != NULL) {
        memcpy(label, pem + b.label_off, b.label_len);
        label[b.label_len] = '\0';
    }
    *derlen = o;
    fm_wipe(&acc, sizeof acc);
    fm_wipe(&v, sizeof v);
    return FM_OK;

fail:
    fm_wipe(&acc, sizeof acc);
    fm_wipe(&v, sizeof v);
    fm_wipe(der, cap);
    fm_wipe(label, labelcap);
    return rc;
}

/* see fipsmod/keys.h */
int fm_pem_encode(char *out, size_t cap, size_t *outlen, const char *label,
                  const uint8_t *der, size_t derlen)
{
    size_t llen, b64, lines, need, o = 0, i, col = 0;
    uint32_t w = 0;
    int rc;

    if (outlen != NULL)
        *outlen = 0;
    if (out == NULL && cap != 0)
        return FM_ERR_ARG;
    if (outlen == NULL || label == NULL || der == NULL) {
        rc = FM_ERR_ARG;
        goto fail;
    }
    for (llen = 0; llen < FM_PEM_LABEL_MAX && label[llen] != '\0'; llen++)
        ;
    if (!label_ok(label, llen)) {
        rc = FM_ERR_ARG;
        goto fail;
    }
    /* An empty body has no PEM (fm_pem_decode refuses it); a DER so long
     * that the sizes below could overflow is no key. */
    if (derlen == 0 || derlen > SIZE_MAX / 4) {
        rc = FM_ERR_LENGTH;
        goto fail;
    }
    b64 = (derlen + 2) / 3 * 4;
    lines = (b64 + PEM_LINE - 1) / PEM_LINE;
    need = LIT_LEN(PEM_BEGIN) + llen + LIT_LEN(PEM_DASHES) + 1 + b64 + lines +
           LIT_LEN(PEM_END) + llen + LIT_LEN(PEM_DASHES) + 1;
    if (need >= cap) {
        fm_wipe(out, cap);
        *outlen = need + 1;
        return FM_ERR_LENGTH;
    }

    memcpy(out + o, PEM_BEGIN, LIT_LEN(PEM_BEGIN)); o += LIT_LEN(PEM_BEGIN);
    memcpy(out + o, label, llen); o += llen;
    memcpy(out + o, PEM_DASHES "\n", LIT_LEN(PEM_DASHES) + 1); o += LIT_LEN(PEM_DASHES) + 1;
    for (i = 0; i < derlen; i += 3) {
        size_t left = derlen - i, k;

        w = (uint32_t)der[i] << 16;
        if (left > 1)
            w |= (uint32_t)der[i + 1] << 8;
        if (left > 2)
            w |= der[i + 2];
        for (k = 0; k < 4; k++) {
            /* RFC 4648 4: one '=' per missing input octet. */
            out[o++] = k <= (left > 2 ? 3 : left) ? b64_char((w >> (18 - 6 * k)) & 63) : '=';
            if (++col == PEM_LINE) {
                out[o++] = '\n';
                col = 0;
            }
        }
    }
    if (col != 0)
        out[o++] = '\n';
    memcpy(out + o, PEM_END, LIT_LEN(PEM_END)); o += LIT_LEN(PEM_END);
    memcpy(out + o, label, llen); o += llen;
    memcpy(out + o, PEM_DASHES "\n", LIT_LEN(PEM_DASHES) + 1); o += LIT_LEN(PEM_DASHES) + 1;
    fm_wipe(&w, sizeof w);
    if (o != need) {
        rc = FM_ERR_INTERNAL;
        goto fail;
    }
    out[o] = '\0';
    *outlen = o;
    return FM_OK;

fail:
    fm_wipe(&w, sizeof w);
    fm_wipe(out, cap);
    return rc;
}
