/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the RSA key encodings (fipsmod/keys.h).
 *
 * Each input is tried as DER with fm_rsa_der_parse and as text with
 * fm_pem_decode. Besides memory errors (ASan) and undefined behaviour
 * (UBSan), it aborts when an invariant of the API breaks:
 *   - parse returns FM_OK, FM_ERR_DECODE or FM_ERR_UNSUPPORTED only, and on
 *     error leaves the components and form zero;
 *   - a parsed key is at most FM_RSA_DER_MAX_LEN octets, re-encodes in its
 *     form to exactly the input (strict DER has one encoding per value),
 *     and the re-encoding parses to the same form and components;
 *   - a parsed private key encodes in the other private form and in both
 *     public forms, and those parse back to the same values;
 *   - PEM that decodes re-encodes (with its label) to text that decodes to
 *     the same DER and label; a parsed DER survives a PEM round trip.
 *
 * Build (see tests/fuzz/corpus/rsa_der/README):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -Wall -Wextra \
 *       -Werror -Iinclude -o build/fuzz/fuzz_rsa_der tests/fuzz/fuzz_rsa_der.c \
 *       src/keys/der.c src/keys/pem.c src/keys/rsa_keys.c build/libfipsmod.a -lpthread
 *   build/fuzz/fuzz_rsa_der -max_total_time=60 tests/fuzz/corpus/rsa_der
 */
#include <fipsmod/keys.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

/* PEM of any DER the parser accepts (4/3 of it, plus line ends and the
 * boundaries) fits in PEM_CAP; inputs decode to at most DER_CAP octets
 * (libFuzzer's -max_len keeps inputs far below; a larger one gives
 * FM_ERR_LENGTH, which is checked too). Every error wipes the whole
 * output buffer, so they are kept no larger than needed. */
#define PEM_CAP (FM_RSA_DER_MAX_LEN / 3 * 4 + FM_RSA_DER_MAX_LEN / 48 + 256)
#define DER_CAP (FM_RSA_DER_MAX_LEN + 1024)

static uint8_t out[FM_RSA_DER_MAX_LEN];
static uint8_t out2[FM_RSA_DER_MAX_LEN];
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

/* Same values for n, e and, when `private_too`, the six private ones. */
static int same_key(const fm_rsa_components *a, const fm_rsa_components *b, int private_too)
{
    if (!same(a->n, a->n_len, b->n, b->n_len) || !same(a->e, a->e_len, b->e, b->e_len))
        return 0;
    if (!private_too)
        return 1;
    return same(a->d, a->d_len, b->d, b->d_len) && same(a->p, a->p_len, b->p, b->p_len) &&
           same(a->q, a->q_len, b->q, b->q_len) && same(a->dp, a->dp_len, b->dp, b->dp_len) &&
           same(a->dq, a->dq_len, b->dq, b->dq_len) &&
           same(a->qinv, a->qinv_len, b->qinv, b->qinv_len);
}

static int is_private(int form)
{
    return form == FM_KEY_FORM_PKCS1_PRIVATE || form == FM_KEY_FORM_PKCS8;
}

/* Encode c in form `to` and check it parses back to the same values. */
static void cross_form(const fm_rsa_components *c, int to)
{
    fm_rsa_components back;
    size_t len;
    int form;

    CHECK(fm_rsa_der_encode(out2, sizeof out2, &len, to, c) == FM_OK);
    CHECK(fm_rsa_der_parse(&back, &form, out2, len) == FM_OK);
    CHECK(form == to);
    CHECK(same_key(c, &back, is_private(to)));
}

static void fuzz_der(const uint8_t *data, size_t size)
{
    fm_rsa_components c, back;
    size_t len, pemlen, derlen;
    char label[FM_PEM_LABEL_MAX];
    int form = -1, form2, rc;

    rc = fm_rsa_der_parse(&c, &form, data, size);
    if (rc != FM_OK) {
        CHECK(rc == FM_ERR_DECODE || rc == FM_ERR_UNSUPPORTED);
        CHECK(all_zero(&c, sizeof c) && form == 0);
        return;
    }
    CHECK(form >= FM_KEY_FORM_PKCS1_PRIVATE && form <= FM_KEY_FORM_SPKI);
    CHECK(size <= FM_RSA_DER_MAX_LEN);

    /* Canonical: the same form re-encodes to the input, and parses the same. */
    CHECK(fm_rsa_der_encode(out, sizeof out, &len, form, &c) == FM_OK);
    CHECK(same(out, len, data, size));
    CHECK(fm_rsa_der_parse(&back, &form2, out, len) == FM_OK);
    CHECK(form2 == form && same_key(&c, &back, is_private(form)));

    cross_form(&c, FM_KEY_FORM_PKCS1_PUBLIC);
    cross_form(&c, FM_KEY_FORM_SPKI);
    if (is_private(form)) {
        cross_form(&c, FM_KEY_FORM_PKCS1_PRIVATE);
        cross_form(&c, FM_KEY_FORM_PKCS8);
    }

    /* PEM round trip of the DER. */
    CHECK(fm_pem_encode(pem, sizeof pem, &pemlen, FM_PEM_LABEL_PRIVATE_KEY, data, size) == FM_OK);
    CHECK(pem[pemlen] == '\0');
    CHECK(fm_pem_decode(der2, sizeof der2, &derlen, label, sizeof label, pem, pemlen) == FM_OK);
    CHECK(same(der2, derlen, data, size));
    CHECK(strcmp(label, FM_PEM_LABEL_PRIVATE_KEY) == 0);
}

static void fuzz_pem(const uint8_t *data, size_t size)
{
    char label[FM_PEM_LABEL_MAX], label2[FM_PEM_LABEL_MAX];
    fm_rsa_components c;
    size_t derlen, derlen2, pemlen;
    int rc, form;

    rc = fm_pem_decode(der, sizeof der, &derlen, label, sizeof label, (const char *)data, size);
    if (rc != FM_OK) {
        CHECK(rc == FM_ERR_DECODE || rc == FM_ERR_UNSUPPORTED || rc == FM_ERR_LENGTH);
        CHECK(rc == FM_ERR_LENGTH ? derlen > sizeof der : derlen == 0);
        CHECK(all_zero(der, sizeof der) && all_zero(label, sizeof label));
        return;
    }
    CHECK(derlen > 0 && strlen(label) > 0 && strlen(label) < FM_PEM_LABEL_MAX);
    rc = fm_pem_encode(pem, sizeof pem, &pemlen, label, der, derlen);
    if (rc == FM_OK) {
        CHECK(fm_pem_decode(der2, sizeof der2, &derlen2, label2, sizeof label2, pem, pemlen) == FM_OK);
        CHECK(same(der2, derlen2, der, derlen) && strcmp(label, label2) == 0);
    } else {
        CHECK(rc == FM_ERR_LENGTH && pemlen > sizeof pem);
    }
    /* And whatever it decoded to, as a key. */
    rc = fm_rsa_der_parse(&c, &form, der, derlen);
    CHECK(rc == FM_OK || rc == FM_ERR_DECODE || rc == FM_ERR_UNSUPPORTED);
    if (rc == FM_OK)
        fuzz_der(der, derlen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_der(data, size);
    fuzz_pem(data, size);
    return 0;
}
