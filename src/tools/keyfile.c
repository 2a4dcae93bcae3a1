/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Key files (see keyfile.h): any RSA key file OpenSSL writes in, the bytes
 * OpenSSL would write out.
 *
 * Input. OpenSSL writes RSA keys in four ASN.1 forms (fipsmod/keys.h has
 * the table), each as PEM or DER. The PEM label names the form, and DER
 * is detected by fm_rsa_der_parse, so no -inform option is needed: a file
 * with a "-----BEGIN " line is PEM, anything else is tried as DER. A PEM
 * label must agree with the form of its contents (an "RSA PRIVATE KEY"
 * holding PKCS#8 is refused): OpenSSL never writes such a file, and
 * accepting one would hide a mislabelled key from the user who later
 * hands it to a stricter reader.
 *
 * Refusals name the reason, because "cannot load key" helps nobody.
 * fm_rsa_der_parse says only FM_ERR_UNSUPPORTED for every well-formed key
 * it does not take, so for that case describe_unsupported() looks at the
 * outer structure and the algorithm identifier itself (a few lines of
 * read-only DER walking, no key material involved) to say "an encrypted
 * PKCS#8 key", "an EC key", "an RSASSA-PSS key" and what to do about it.
 *
 * Output. The module exports the key's components (fm_rsa_key_export),
 * fm_rsa_der_encode writes the form byte for byte as OpenSSL 3 does, and
 * fm_pem_encode wraps it exactly as PEM_write_bio_* does. So a key that
 * round-trips through `fipsmod pkey` comes out as `openssl pkey` writes it.
 *
 * Secrets. The file's bytes, the decoded DER, the exported components and
 * the encoded output all hold the private key; each buffer is allocated
 * once at its final size (never realloc'd, which would leave copies) and
 * wiped with fm_wipe before it is freed, on every path.
 */
#include "keyfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading the file ----------------------------------------------------- */

void tool_keyfile_free(struct tool_keyfile *kf)
{
    tool_free_wiped(kf->raw, kf->rawcap);
    tool_free_wiped(kf->dec, kf->deccap);
    (void)fm_wipe(kf->label, sizeof kf->label);
    memset(kf, 0, sizeof *kf);
}

static const char decrypt_hint[] =
    "decrypt it first, e.g. 'openssl pkey -in FILE -out plain.pem' (this tool has no "
    "password-based decryption)";

int tool_keyfile_read(const char *cmd, const char *path, struct tool_keyfile *kf)
{
    size_t rawlen;
    int rc;

    memset(kf, 0, sizeof *kf);
    kf->name = tool_input_name(path);
    if (tool_read_file(cmd, path, TOOL_KEYFILE_MAX, "key file", &kf->raw, &rawlen) != 0)
        return TOOL_EXIT_FAIL;
    kf->rawcap = TOOL_KEYFILE_MAX + 1;
    if (rawlen == 0) {
        tool_error("%s: %s: the key file is empty", cmd, kf->name);
        goto fail;
    }
    if (memmem(kf->raw, rawlen, "-----BEGIN ", 11) == NULL) {
        if (kf->raw[0] != 0x30) {
            tool_error("%s: %s: not a key file: neither PEM (no '-----BEGIN' line) nor DER "
                       "(does not start with a SEQUENCE)", cmd, kf->name);
            goto fail;
        }
        kf->der = kf->raw;
        kf->derlen = rawlen;
        return TOOL_EXIT_OK;
    }
    kf->pem = true;
    kf->deccap = rawlen; /* base64 decodes to less than its length */
    kf->dec = malloc(kf->deccap);
    if (kf->dec == NULL) {
        tool_error("%s: out of memory", cmd);
        goto fail;
    }
    rc = fm_pem_decode(kf->dec, kf->deccap, &kf->derlen, kf->label, sizeof kf->label,
                       (const char *)kf->raw, rawlen);
    if (rc == FM_ERR_UNSUPPORTED) {
        tool_error("%s: %s: an encrypted PEM key (legacy 'Proc-Type: 4,ENCRYPTED' headers) is "
                   "not supported; %s (fm_pem_decode: %s)", cmd, kf->name, decrypt_hint,
                   tool_fm_error(rc));
        tool_keyfile_free(kf);
        return TOOL_EXIT_UNSUPPORTED;
    }
    if (rc != FM_OK) {
        tool_error("%s: %s: not a valid PEM key: the PEM block is malformed or incomplete "
                   "(a truncated file, a missing END line or bad base64) (fm_pem_decode: %s)",
                   cmd, kf->name, tool_fm_error(rc));
        goto fail;
    }
    if (strcmp(kf->label, FM_PEM_LABEL_ENCRYPTED_PRIVATE_KEY) == 0) {
        tool_error("%s: %s: an encrypted PKCS#8 key (ENCRYPTED PRIVATE KEY) is not "
                   "supported; %s", cmd, kf->name, decrypt_hint);
        tool_keyfile_free(kf);
        return TOOL_EXIT_UNSUPPORTED;
    }
    kf->der = kf->dec;
    return TOOL_EXIT_OK;

fail:
    tool_keyfile_free(kf);
    return TOOL_EXIT_FAIL;
}

/* ---- explaining FM_ERR_UNSUPPORTED ------------------------------------------ */

struct tlv {
    uint8_t tag;
    const uint8_t *v;
    size_t len;
};

/* The next TLV in [*p, end); false when it does not fit. Lengths up to 3 octets. */
static bool tlv_next(const uint8_t **p, const uint8_t *end, struct tlv *t)
{
    size_t len, n;

    if (end - *p < 2)
        return false;
    t->tag = *(*p)++;
    len = *(*p)++;
    if (len & 0x80) {
        n = len & 0x7f;
        if (n == 0 || n > 3 || (size_t)(end - *p) < n)
            return false;
        for (len = 0; n > 0; n--)
            len = len << 8 | *(*p)++;
    }
    if ((size_t)(end - *p) < len)
        return false;
    t->v = *p;
    t->len = len;
    *p += len;
    return true;
}

/* The OID at the start of an AlgorithmIdentifier's contents, or false. */
static bool alg_oid(const struct tlv *algid, struct tlv *oid)
{
    const uint8_t *p = algid->v;

    return algid->tag == 0x30 && tlv_next(&p, algid->v + algid->len, oid) && oid->tag == 0x06;
}

/* A name for a key algorithm's OID (dotted when unknown) in buf. */
static const char *alg_name(const struct tlv *oid, char *buf, size_t cap)
{
    static const struct {
        const char *name;
        uint8_t len;
        uint8_t der[9];
    } known[] = {
        { "an RSA key", 9, { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 } },
        { "an RSASSA-PSS key (id-RSASSA-PSS: its parameters bind it to one hash and salt "
          "length, which this tool cannot honour; use an rsaEncryption key, as "
          "'openssl genpkey -algorithm RSA' makes)",
          9, { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a } },
        { "an EC key", 7, { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 } },
        { "a DSA key", 7, { 0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01 } },
        { "a DH key", 9, { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x03, 0x01 } },
        { "an X25519 key", 3, { 0x2b, 0x65, 0x6e } },
        { "an X448 key", 3, { 0x2b, 0x65, 0x6f } },
        { "an Ed25519 key", 3, { 0x2b, 0x65, 0x70 } },
        { "an Ed448 key", 3, { 0x2b, 0x65, 0x71 } },
    };
    unsigned long arc = 0;
    bool first = true;
    size_t off;

    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (oid->len == known[i].len && memcmp(oid->v, known[i].der, oid->len) == 0)
            return known[i].name;
    /* X.690 8.19: base-128 arcs; the first subidentifier holds two arcs. */
    off = (size_t)snprintf(buf, cap, "a key of another algorithm (OID ");
    for (size_t i = 0; i < oid->len && off < cap; i++) {
        arc = arc << 7 | (oid->v[i] & 0x7f);
        if (oid->v[i] & 0x80)
            continue;
        if (first)
            off += (size_t)snprintf(buf + off, cap - off, "%lu.%lu", arc < 80 ? arc / 40 : 2,
                                    arc < 80 ? arc % 40 : arc - 80);
        else
            off += (size_t)snprintf(buf + off, cap - off, ".%lu", arc);
        first = false;
        arc = 0;
    }
    if (off < cap)
        snprintf(buf + off, cap - off, ")");
    return buf;
}

/*
 * Why fm_rsa_der_parse found der well formed but unsupported, as a phrase
 * ("an encrypted PKCS#8 key"). Reads only the structure and the algorithm
 * identifier.
 */
static const char *describe_unsupported(const uint8_t *der, size_t len, char *buf, size_t cap,
                                        bool *encrypted)
{
    const uint8_t *p = der, *end = der + len, *q;
    struct tlv outer, a, b, oid;

    *encrypted = false;
    if (!tlv_next(&p, end, &outer) || outer.tag != 0x30)
        return "a key in a form not supported";
    q = outer.v;
    end = outer.v + outer.len;
    if (!tlv_next(&q, end, &a) || !tlv_next(&q, end, &b))
        return "a key in a form not supported";
    if (a.tag == 0x30 && b.tag == 0x04) {
        *encrypted = true;
        return "an encrypted PKCS#8 key (EncryptedPrivateKeyInfo)";
    }
    if (a.tag == 0x30 && b.tag == 0x03 && alg_oid(&a, &oid)) {
        const char *name = alg_name(&oid, buf, cap);

        if (strcmp(name, "an RSA key") == 0)
            return "a public RSA key over 16384 bits";
        return name;
    }
    if (a.tag == 0x02 && b.tag == 0x30 && alg_oid(&b, &oid)) {
        const char *name = alg_name(&oid, buf, cap);

        if (strcmp(name, "an RSA key") == 0)
            return "a PKCS#8 RSA key of a kind not supported (multi-prime, with attributes, "
                   "version 1 (RFC 5958), or over 16384 bits)";
        return name;
    }
    if (a.tag == 0x02 && a.len == 1 && a.v[0] == 1)
        return "a multi-prime RSA key (PKCS#1 version 1)";
    return "an RSA key over 16384 bits";
}

/* ---- RSA keys ---------------------------------------------------------------- */

static const char *form_name(int form)
{
    switch (form) {
    case FM_KEY_FORM_PKCS1_PRIVATE: return "a PKCS#1 RSAPrivateKey";
    case FM_KEY_FORM_PKCS8: return "a PKCS#8 PrivateKeyInfo";
    case FM_KEY_FORM_PKCS1_PUBLIC: return "a PKCS#1 RSAPublicKey";
    case FM_KEY_FORM_SPKI: return "a SubjectPublicKeyInfo";
    default: return "an unknown form";
    }
}

static const char *form_label(int form)
{
    switch (form) {
    case FM_KEY_FORM_PKCS1_PRIVATE: return FM_PEM_LABEL_RSA_PRIVATE_KEY;
    case FM_KEY_FORM_PKCS8: return FM_PEM_LABEL_PRIVATE_KEY;
    case FM_KEY_FORM_PKCS1_PUBLIC: return FM_PEM_LABEL_RSA_PUBLIC_KEY;
    case FM_KEY_FORM_SPKI: return FM_PEM_LABEL_PUBLIC_KEY;
    default: return NULL;
    }
}

static bool form_is_private(int form)
{
    return form == FM_KEY_FORM_PKCS1_PRIVATE || form == FM_KEY_FORM_PKCS8;
}

/* The form a PEM label announces, or 0. */
static int label_form(const char *label)
{
    static const int forms[] = {
        FM_KEY_FORM_PKCS1_PRIVATE, FM_KEY_FORM_PKCS8, FM_KEY_FORM_PKCS1_PUBLIC, FM_KEY_FORM_SPKI,
    };

    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        if (strcmp(label, form_label(forms[i])) == 0)
            return forms[i];
    return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Bits of a big-endian magnitude without leading zero octets. */
static size_t magnitude_bits(const uint8_t *p, size_t len)
{
    size_t bits = len * 8;

    if (len == 0)
        return 0;
    for (uint8_t top = p[0]; bits > 0 && !(top & 0x80); top = (uint8_t)(top << 1))
        bits--;
    return bits;
}

int tool_rsa_key_load(const char *cmd, const char *path, enum tool_key_use use,
                      fm_rsa_key *key, bool *is_private)
{
    struct tool_keyfile kf;
    fm_rsa_components c;
    char buf[160];
    int status, form = 0, want = 0, rc;
    bool priv;

    memset(key, 0, sizeof *key);
    if (is_private != NULL)
        *is_private = false;
    status = tool_keyfile_read(cmd, path, &kf);
    if (status != TOOL_EXIT_OK)
        return status;
    status = TOOL_EXIT_FAIL;
    if (kf.pem) {
        want = label_form(kf.label);
        if (want == 0 && (ends_with(kf.label, "PRIVATE KEY") || ends_with(kf.label, "PUBLIC KEY"))) {
            tool_error("%s: %s: a PEM '%s', not an RSA key: not supported by this command",
                       cmd, kf.name, kf.label);
            status = TOOL_EXIT_UNSUPPORTED;
            goto out;
        }
        if (want == 0) {
            tool_error("%s: %s: a PEM '%s', not a key%s", cmd, kf.name, kf.label,
                       strcmp(kf.label, "CERTIFICATE") == 0
                           ? " (its public key: 'openssl x509 -in FILE -pubkey -noout')" : "");
            goto out;
        }
    }
    rc = fm_rsa_der_parse(&c, &form, kf.der, kf.derlen);
    if (rc == FM_ERR_UNSUPPORTED) {
        bool encrypted;
        const char *what = describe_unsupported(kf.der, kf.derlen, buf, sizeof buf, &encrypted);

        tool_error("%s: %s: %s: not supported%s%s (fm_rsa_der_parse: %s)", cmd, kf.name, what,
                   encrypted ? "; " : "", encrypted ? decrypt_hint : "", tool_fm_error(rc));
        status = TOOL_EXIT_UNSUPPORTED;
        goto out;
    }
    if (rc != FM_OK) {
        tool_error("%s: %s: not a valid RSA key: %s (fm_rsa_der_parse: %s)", cmd, kf.name,
                   kf.pem ? "the DER inside the PEM block is malformed or truncated"
                          : "malformed or truncated DER, or not one of the four RSA key forms",
                   tool_fm_error(rc));
        goto out;
    }
    if (kf.pem && form != want) {
        tool_error("%s: %s: the PEM label '%s' announces %s, but the contents are %s", cmd,
                   kf.name, kf.label, form_name(want), form_name(form));
        goto out;
    }
    priv = form_is_private(form);
    if (use == TOOL_KEY_PRIVATE && !priv) {
        tool_error("%s: %s: a public key (%s); this needs the private key", cmd, kf.name,
                   form_name(form));
        goto out;
    }
    if (use == TOOL_KEY_PUBLIC && priv) {
        /* Only the public part: n and e. */
        c.d = c.p = c.q = c.dp = c.dq = c.qinv = NULL;
        c.d_len = c.p_len = c.q_len = c.dp_len = c.dq_len = c.qinv_len = 0;
        priv = false;
    }
    rc = fm_rsa_key_import(key, &c);
    if (rc == FM_ERR_LENGTH || rc == FM_ERR_UNSUPPORTED) {
        size_t bits = magnitude_bits(c.n, c.n_len);

        if (rc == FM_ERR_LENGTH)
            tool_error("%s: %s: a %zu-bit RSA key: not supported (the module takes moduli of "
                       "%d to %d bits) (fm_rsa_key_import: %s)", cmd, kf.name, bits,
                       FM_RSA_MIN_BITS, FM_RSA_MAX_BITS, tool_fm_error(rc));
        else
            tool_error("%s: %s: an RSA key whose primes differ too much in size: not "
                       "supported (fm_rsa_key_import: %s)", cmd, kf.name, tool_fm_error(rc));
        status = TOOL_EXIT_UNSUPPORTED;
        goto out;
    }
    if (rc == FM_ERR_KEY) {
        tool_error("%s: %s: not a valid RSA key: the module's checks refused it (%s) "
                   "(fm_rsa_key_import: %s)", cmd, kf.name,
                   priv ? "the private parts do not match n and e (n = p*q, d, the CRT values), "
                          "or a value is out of range"
                        : "n even, e even or below 3, or e not below n",
                   tool_fm_error(rc));
        goto out;
    }
    if (rc != FM_OK) {
        tool_error("%s: %s: fm_rsa_key_import: %s", cmd, kf.name, tool_fm_error(rc));
        goto out;
    }
    if (is_private != NULL)
        *is_private = priv;
    status = TOOL_EXIT_OK;
out:
    (void)fm_wipe(&c, sizeof c);
    tool_keyfile_free(&kf);
    return status;
}

size_t tool_rsa_key_bytes(const fm_rsa_key *key, size_t *bits)
{
    size_t b = 0;
    int priv;

    if (fm_rsa_key_info(key, &b, &priv) != FM_OK)
        b = 0;
    if (bits != NULL)
        *bits = b;
    return (b + 7) / 8;
}

int tool_rsa_key_encode(const char *cmd, const fm_rsa_key *key, int form, bool pem,
                        uint8_t **out, size_t *outlen, size_t *outcap)
{
    bool priv = form_is_private(form);
    uint8_t *comp = NULL, *der = NULL, *text = NULL;
    size_t bits, compcap, derlen = 0, need = 0;
    fm_rsa_components c;
    int status = TOOL_EXIT_FAIL;
    int rc;

    *out = NULL;
    *outlen = 0;
    *outcap = 0;
    memset(&c, 0, sizeof c);
    (void)tool_rsa_key_bytes(key, &bits);
    compcap = FM_RSA_EXPORT_LEN(bits);
    comp = malloc(compcap);
    der = malloc(FM_RSA_DER_MAX_LEN);
    if (comp == NULL || der == NULL) {
        tool_error("%s: out of memory", cmd);
        goto out;
    }
    rc = fm_rsa_key_export(key, priv, comp, compcap, &c);
    if (rc != FM_OK) {
        tool_error("%s: fm_rsa_key_export: %s", cmd, tool_fm_error(rc));
        goto out;
    }
    rc = fm_rsa_der_encode(der, FM_RSA_DER_MAX_LEN, &derlen, form, &c);
    if (rc != FM_OK) {
        tool_error("%s: fm_rsa_der_encode: %s", cmd, tool_fm_error(rc));
        goto out;
    }
    if (!pem) {
        *out = der;
        *outlen = derlen;
        *outcap = FM_RSA_DER_MAX_LEN;
        der = NULL;
        status = TOOL_EXIT_OK;
        goto out;
    }
    /* FM_ERR_LENGTH with no buffer: need = the capacity, NUL included. */
    rc = fm_pem_encode(NULL, 0, &need, form_label(form), der, derlen);
    if (rc != FM_ERR_LENGTH || need == 0) {
        tool_error("%s: fm_pem_encode: %s", cmd, tool_fm_error(rc));
        goto out;
    }
    text = malloc(need);
    if (text == NULL) {
        tool_error("%s: out of memory", cmd);
        goto out;
    }
    rc = fm_pem_encode((char *)text, need, outlen, form_label(form), der, derlen);
    if (rc != FM_OK) {
        tool_error("%s: fm_pem_encode: %s", cmd, tool_fm_error(rc));
        tool_free_wiped(text, need);
        goto out;
    }
    *out = text;
    *outcap = need;
    status = TOOL_EXIT_OK;
out:
    (void)fm_wipe(&c, sizeof c);
    tool_free_wiped(comp, compcap);
    tool_free_wiped(der, FM_RSA_DER_MAX_LEN);
    return status;
}

int tool_rsa_key_write(const char *cmd, const char *path, const fm_rsa_key *key, int form,
                       bool pem)
{
    uint8_t *out;
    size_t len, cap;
    int status = tool_rsa_key_encode(cmd, key, form, pem, &out, &len, &cap);

    if (status != TOOL_EXIT_OK)
        return status;
    status = tool_write_file(cmd, path, out, len, form_is_private(form));
    tool_free_wiped(out, cap);
    return status;
}
