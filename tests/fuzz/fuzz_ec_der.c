/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the EC key encodings (fipsmod/keys.h):
 * fm_ec_der_parse, fm_ec_der_encode and fm_key_der_type.
 *
 * Each input is tried as DER and as PEM text (whose DER is then tried).
 * Besides memory errors (ASan) and undefined behaviour (UBSan), it aborts
 * when an invariant of the API breaks:
 *   - parse returns FM_OK, FM_ERR_DECODE or FM_ERR_UNSUPPORTED only, and on
 *     error leaves the components and form zero;
 *   - a parsed key is at most FM_EC_DER_MAX_LEN octets, on a known curve,
 *     with a private key of exactly FM_EC_BYTES(curve) octets in the
 *     private forms and none in SPKI, a point of a valid shape or none,
 *     and pointers inside the input;
 *   - it re-encodes in its form to exactly the input (strict DER has one
 *     encoding per value), except a PKCS#8 whose inner ECPrivateKey
 *     repeats the curve, which re-encodes shorter; either way the
 *     re-encoding parses to the same form and components;
 *   - a parsed private key encodes in the other private form, and any key
 *     with a point in SPKI, and those parse back to the same values;
 *   - fm_key_der_type says EC for every input fm_ec_der_parse accepts,
 *     and no input is accepted by both fm_ec_der_parse and
 *     fm_rsa_der_parse;
 *   - a parsed DER survives a PEM round trip with its form's label.
 *
 * Build and run: `make fuzz` (tests/fuzz/fuzz.mk), or by hand:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -Wall -Wextra \
 *       -Werror -D_GNU_SOURCE -Iinclude -o build/fuzz/fuzz_ec_der \
 *       tests/fuzz/fuzz_ec_der.c src/keys/der.c src/keys/pem.c src/keys/rsa_keys.c \
 *       src/keys/ec_keys.c build/libfipsmod.a -lpthread
 *   build/fuzz/fuzz_ec_der -max_total_time=60 tests/fuzz/corpus/ec_der
 * The seed corpus and how it was made: tests/fuzz/corpus/ec_der/README.
 */
#include <fipsmod/keys.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

/* PEM of any DER the parser accepts fits in PEM_CAP; PEM input decodes to
 * at most DER_CAP octets (libFuzzer's -max_len keeps inputs below; a
 * larger one gives FM_ERR_LENGTH, which is checked too). */
#define PEM_CAP 1024
#define DER_CAP 8192

static uint8_t out[FM_EC_DER_MAX_LEN];
static uint8_t out2[FM_EC_DER_MAX_LEN];
static uint8_t der[DER_CAP];
static uint8_t der2[DER_CAP];
static char pem[PEM_CAP];
static const uint8_t zeros[DER_CAP];

static int all_zero(const void *p, size_t n)
{
    return n <= sizeof zeros && memcmp(p, zeros, n) == 0;
}

static int same(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static int is_private(int form)
{
    return form == FM_KEY_FORM_SEC1 || form == FM_KEY_FORM_PKCS8;
}

static const char *label_of(int form)
{
    switch (form) {
    case FM_KEY_FORM_SEC1: return FM_PEM_LABEL_EC_PRIVATE_KEY;
    case FM_KEY_FORM_PKCS8: return FM_PEM_LABEL_PRIVATE_KEY;
    default: return FM_PEM_LABEL_PUBLIC_KEY;
    }
}

/* Same curve and point; and d when `private_too`. */
static int same_key(const fm_ec_components *a, const fm_ec_components *b, int private_too)
{
    if (a->curve != b->curve || !same(a->pub, a->pub_len, b->pub, b->pub_len) ||
        (a->pub == NULL) != (b->pub == NULL))
        return 0;
    return !private_too || same(a->priv, a->priv_len, b->priv, b->priv_len);
}

static int inside(const uint8_t *p, size_t n, const uint8_t *buf, size_t size)
{
    return p != NULL && p >= buf && n <= size && p - buf <= (ptrdiff_t)(size - n);
}

/* Encode c in form `to` and check it parses back to the same values. */
static void cross_form(const fm_ec_components *c, int to)
{
    fm_ec_components back;
    size_t len;
    int form;

    CHECK(fm_ec_der_encode(out2, sizeof out2, &len, to, c) == FM_OK);
    CHECK(fm_ec_der_parse(&back, &form, out2, len) == FM_OK);
    CHECK(form == to);
    CHECK(same_key(c, &back, is_private(to)));
}

static void fuzz_der(const uint8_t *data, size_t size)
{
    fm_ec_components c, back;
    fm_rsa_components rsa;
    size_t len, pemlen, derlen, b;
    char label[FM_PEM_LABEL_MAX];
    int form = -1, form2, rc, type = -1, trc;

    rc = fm_ec_der_parse(&c, &form, data, size);
    trc = fm_key_der_type(data, size, &type);
    CHECK(trc == FM_OK || trc == FM_ERR_DECODE || trc == FM_ERR_UNSUPPORTED);
    CHECK(trc == FM_OK ? type == FM_KEY_TYPE_RSA || type == FM_KEY_TYPE_EC : type == 0);
    if (rc != FM_OK) {
        CHECK(rc == FM_ERR_DECODE || rc == FM_ERR_UNSUPPORTED);
        CHECK(all_zero(&c, sizeof c) && form == 0);
        return;
    }
    CHECK(trc == FM_OK && type == FM_KEY_TYPE_EC);
    CHECK(fm_rsa_der_parse(&rsa, NULL, data, size) != FM_OK);

    /* The shape of what was found. */
    CHECK(form == FM_KEY_FORM_SEC1 || form == FM_KEY_FORM_PKCS8 || form == FM_KEY_FORM_SPKI);
    CHECK(size <= FM_EC_DER_MAX_LEN);
    CHECK(c.curve == FM_EC_P256 || c.curve == FM_EC_P384 || c.curve == FM_EC_P521);
    b = FM_EC_BYTES(c.curve);
    if (is_private(form))
        CHECK(c.priv_len == b && inside(c.priv, c.priv_len, data, size));
    else
        CHECK(c.priv == NULL && c.priv_len == 0 && c.pub != NULL);
    if (c.pub != NULL) {
        CHECK(inside(c.pub, c.pub_len, data, size));
        CHECK((c.pub_len == 1 + 2 * b && c.pub[0] == 0x04) ||
              (c.pub_len == 1 + b && (c.pub[0] == 0x02 || c.pub[0] == 0x03)));
    } else {
        CHECK(c.pub_len == 0);
    }

    /* Canonical: the same form re-encodes to the input (or, for PKCS#8
     * with repeated inner parameters, to something shorter), and parses
     * the same. */
    CHECK(fm_ec_der_encode(out, sizeof out, &len, form, &c) == FM_OK);
    CHECK(same(out, len, data, size) || (form == FM_KEY_FORM_PKCS8 && len < size));
    CHECK(fm_ec_der_parse(&back, &form2, out, len) == FM_OK);
    CHECK(form2 == form && same_key(&c, &back, 1));

    if (c.pub != NULL)
        cross_form(&c, FM_KEY_FORM_SPKI);
    if (is_private(form)) {
        cross_form(&c, FM_KEY_FORM_SEC1);
        cross_form(&c, FM_KEY_FORM_PKCS8);
    }

    /* PEM round trip of the canonical DER with its form's label. */
    CHECK(fm_pem_encode(pem, sizeof pem, &pemlen, label_of(form), out, len) == FM_OK);
    CHECK(fm_pem_decode(der2, sizeof der2, &derlen, label, sizeof label, pem, pemlen) == FM_OK);
    CHECK(same(der2, derlen, out, len));
    CHECK(strcmp(label, label_of(form)) == 0);
}

static void fuzz_pem(const uint8_t *data, size_t size)
{
    char label[FM_PEM_LABEL_MAX];
    size_t derlen;
    int rc;

    rc = fm_pem_decode(der, sizeof der, &derlen, label, sizeof label, (const char *)data, size);
    if (rc != FM_OK) {
        CHECK(rc == FM_ERR_DECODE || rc == FM_ERR_UNSUPPORTED || rc == FM_ERR_LENGTH);
        return;
    }
    fuzz_der(der, derlen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_der(data, size);
    fuzz_pem(data, size);
    return 0;
}
