/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Key files (see keyfile.h): any RSA or EC key file OpenSSL writes in, the
 * bytes OpenSSL would write out.
 *
 * Input. OpenSSL writes RSA keys in four ASN.1 forms and EC keys in three
 * (fipsmod/keys.h has the tables), each as PEM or DER. The PEM label names
 * the form (and, for "EC PRIVATE KEY" and the "RSA ..." labels, the key
 * type); otherwise fm_key_der_type tells RSA from EC and the parser
 * detects the form, so no -inform option is needed: a file with a
 * "-----BEGIN " line is PEM, anything else is tried as DER. A PEM label
 * must agree with the form of its contents (an "RSA PRIVATE KEY" holding
 * PKCS#8 is refused): OpenSSL never writes such a file, and accepting one
 * would hide a mislabelled key from the user who later hands it to a
 * stricter reader. The one extra block accepted is the "EC PARAMETERS"
 * that `openssl ecparam -genkey` writes before its "EC PRIVATE KEY": it
 * only repeats the curve the key names, and OpenSSL skips it too.
 *
 * Refusals name the reason, because "cannot load key" helps nobody.
 * The parsers say only FM_ERR_UNSUPPORTED for every well-formed key they
 * do not take, so for that case describe_unsupported() and
 * describe_ec_unsupported() look at the outer structure, the algorithm
 * identifier and the curve parameters themselves (a few lines of
 * read-only DER walking, no key material involved) to say "an encrypted
 * PKCS#8 key", "an RSASSA-PSS key", "an EC key on the curve with OID
 * 1.3.132.0.10", "explicit curve parameters" and what to do about it.
 *
 * Output. The module exports the key (fm_rsa_key_export;
 * fm_ec_key_private_bytes and fm_ec_key_public_bytes), fm_rsa_der_encode
 * and fm_ec_der_encode write the form byte for byte as OpenSSL 3 does, and
 * fm_pem_encode wraps it exactly as PEM_write_bio_* does. So a key that
 * round-trips through `fipsmod pkey` comes out as `openssl pkey` writes it
 * (for EC keys this includes keeping a compressed point compressed and a
 * missing publicKey missing, as OpenSSL does).
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
#include <strings.h>

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

/* RFC 5915 4 / `openssl ecparam`: the curve alone, before an EC PRIVATE KEY. */
#define PEM_LABEL_EC_PARAMETERS "EC PARAMETERS"

/*
 * kf holds the decoded "EC PARAMETERS" block of `openssl ecparam -genkey`
 * output: decode the next PEM block after it instead (the key). Returns
 * TOOL_EXIT_OK, or TOOL_EXIT_FAIL (reported; kf freed).
 */
static int skip_ec_parameters(const char *cmd, struct tool_keyfile *kf, size_t rawlen)
{
    static const char end[] = "-----END " PEM_LABEL_EC_PARAMETERS "-----";
    const uint8_t *at = memmem(kf->raw, rawlen, end, sizeof end - 1);
    size_t off;
    int rc;

    /* fm_pem_decode found this END line, so `at` is not NULL. */
    off = at != NULL ? (size_t)(at - kf->raw) + sizeof end - 1 : rawlen;
    if (memmem(kf->raw + off, rawlen - off, "-----BEGIN ", 11) == NULL) {
        tool_error("%s: %s: the file holds only EC PARAMETERS (a curve), no key; "
                   "make one with 'fipsmod genpkey -ec P-256'", cmd, kf->name);
        tool_keyfile_free(kf);
        return TOOL_EXIT_FAIL;
    }
    (void)fm_wipe(kf->dec, kf->deccap);
    rc = fm_pem_decode(kf->dec, kf->deccap, &kf->derlen, kf->label, sizeof kf->label,
                       (const char *)kf->raw + off, rawlen - off);
    if (rc == FM_ERR_UNSUPPORTED) {
        tool_error("%s: %s: an encrypted PEM key (legacy 'Proc-Type: 4,ENCRYPTED' headers) is "
                   "not supported; %s (fm_pem_decode: %s)", cmd, kf->name, decrypt_hint,
                   tool_fm_error(rc));
        tool_keyfile_free(kf);
        return TOOL_EXIT_UNSUPPORTED;
    }
    if (rc != FM_OK) {
        tool_error("%s: %s: not a valid PEM key: the block after EC PARAMETERS is malformed or "
                   "incomplete (fm_pem_decode: %s)", cmd, kf->name, tool_fm_error(rc));
        tool_keyfile_free(kf);
        return TOOL_EXIT_FAIL;
    }
    return TOOL_EXIT_OK;
}

int tool_keyfile_read(const char *cmd, const char *path, struct tool_keyfile *kf)
{
    size_t rawlen;
    int rc, status;

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
    if (strcmp(kf->label, PEM_LABEL_EC_PARAMETERS) == 0) {
        status = skip_ec_parameters(cmd, kf, rawlen);
        if (status != TOOL_EXIT_OK)
            return status;
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

/*
 * Append the dotted form of an OID ("1.3.132.0.10") at buf[off..cap) and
 * return the new offset (at most cap). X.690 8.19: base-128 arcs; the
 * first subidentifier holds two arcs.
 */
static size_t oid_dotted(const struct tlv *oid, char *buf, size_t cap, size_t off)
{
    unsigned long arc = 0;
    bool first = true;

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
    return off < cap ? off : cap;
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
        { "an EC key (this command takes RSA keys only)", 7,
          { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 } },
        { "a DSA key", 7, { 0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01 } },
        { "a DH key", 9, { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x03, 0x01 } },
        { "an X25519 key", 3, { 0x2b, 0x65, 0x6e } },
        { "an X448 key", 3, { 0x2b, 0x65, 0x6f } },
        { "an Ed25519 key", 3, { 0x2b, 0x65, 0x70 } },
        { "an Ed448 key", 3, { 0x2b, 0x65, 0x71 } },
    };
    size_t off;

    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (oid->len == known[i].len && memcmp(oid->v, known[i].der, oid->len) == 0)
            return known[i].name;
    off = (size_t)snprintf(buf, cap, "a key of another algorithm (OID ");
    off = oid_dotted(oid, buf, cap, off);
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
    case FM_KEY_FORM_SEC1: return "a SEC1 ECPrivateKey";
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
    case FM_KEY_FORM_SEC1: return FM_PEM_LABEL_EC_PRIVATE_KEY;
    default: return NULL;
    }
}

static bool form_is_private(int form)
{
    return form == FM_KEY_FORM_PKCS1_PRIVATE || form == FM_KEY_FORM_PKCS8 ||
           form == FM_KEY_FORM_SEC1;
}

/* The form a PEM label announces for a key of `type`, or 0. */
static int label_form(const char *label, int type)
{
    static const int rsa_forms[] = {
        FM_KEY_FORM_PKCS1_PRIVATE, FM_KEY_FORM_PKCS8, FM_KEY_FORM_PKCS1_PUBLIC, FM_KEY_FORM_SPKI,
    };
    static const int ec_forms[] = { FM_KEY_FORM_SEC1, FM_KEY_FORM_PKCS8, FM_KEY_FORM_SPKI };
    const int *forms = type == FM_KEY_TYPE_EC ? ec_forms : rsa_forms;
    size_t n = type == FM_KEY_TYPE_EC ? sizeof ec_forms / sizeof ec_forms[0]
                                      : sizeof rsa_forms / sizeof rsa_forms[0];

    for (size_t i = 0; i < n; i++)
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

/*
 * A PEM label that announces no key form the loader takes (`kinds`: "an
 * RSA key"): a key of another kind (TOOL_EXIT_UNSUPPORTED) or no key at
 * all (TOOL_EXIT_FAIL). Reported.
 */
static int refuse_label(const char *cmd, const struct tool_keyfile *kf, const char *kinds)
{
    if (ends_with(kf->label, "PRIVATE KEY") || ends_with(kf->label, "PUBLIC KEY")) {
        tool_error("%s: %s: a PEM '%s', not %s: not supported by this command", cmd, kf->name,
                   kf->label, kinds);
        return TOOL_EXIT_UNSUPPORTED;
    }
    tool_error("%s: %s: a PEM '%s', not a key%s", cmd, kf->name, kf->label,
               strcmp(kf->label, "CERTIFICATE") == 0
                   ? " (its public key: 'openssl x509 -in FILE -pubkey -noout')" : "");
    return TOOL_EXIT_FAIL;
}

/* The RSA key in kf (tool_rsa_key_load after reading the file). */
static int rsa_from_keyfile(const char *cmd, const struct tool_keyfile *kf,
                            enum tool_key_use use, fm_rsa_key *key, bool *is_private)
{
    fm_rsa_components c;
    char buf[160];
    int status = TOOL_EXIT_FAIL, form = 0, want = 0, type = 0, rc;
    bool priv;

    memset(&c, 0, sizeof c);
    if (kf->pem) {
        want = label_form(kf->label, FM_KEY_TYPE_RSA);
        if (want == 0)
            return refuse_label(cmd, kf, "an RSA key");
    }
    rc = fm_rsa_der_parse(&c, &form, kf->der, kf->derlen);
    if (rc == FM_ERR_UNSUPPORTED) {
        bool encrypted;
        const char *what = describe_unsupported(kf->der, kf->derlen, buf, sizeof buf,
                                                &encrypted);

        tool_error("%s: %s: %s: not supported%s%s (fm_rsa_der_parse: %s)", cmd, kf->name, what,
                   encrypted ? "; " : "", encrypted ? decrypt_hint : "", tool_fm_error(rc));
        status = TOOL_EXIT_UNSUPPORTED;
        goto out;
    }
    if (rc != FM_OK && fm_key_der_type(kf->der, kf->derlen, &type) == FM_OK &&
        type == FM_KEY_TYPE_EC) {
        /* SEC1 DER is no RSA structure at all, so name it here. */
        tool_error("%s: %s: an EC key (this command takes RSA keys only): not supported "
                   "(fm_rsa_der_parse: %s)", cmd, kf->name, tool_fm_error(rc));
        status = TOOL_EXIT_UNSUPPORTED;
        goto out;
    }
    if (rc != FM_OK) {
        tool_error("%s: %s: not a valid RSA key: %s (fm_rsa_der_parse: %s)", cmd, kf->name,
                   kf->pem ? "the DER inside the PEM block is malformed or truncated"
                           : "malformed or truncated DER, or not one of the four RSA key forms",
                   tool_fm_error(rc));
        goto out;
    }
    if (kf->pem && form != want) {
        tool_error("%s: %s: the PEM label '%s' announces %s, but the contents are %s", cmd,
                   kf->name, kf->label, form_name(want), form_name(form));
        goto out;
    }
    priv = form_is_private(form);
    if (use == TOOL_KEY_PRIVATE && !priv) {
        tool_error("%s: %s: a public key (%s); this needs the private key", cmd, kf->name,
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
                       "%d to %d bits) (fm_rsa_key_import: %s)", cmd, kf->name, bits,
                       FM_RSA_MIN_BITS, FM_RSA_MAX_BITS, tool_fm_error(rc));
        else
            tool_error("%s: %s: an RSA key whose primes differ too much in size: not "
                       "supported (fm_rsa_key_import: %s)", cmd, kf->name, tool_fm_error(rc));
        status = TOOL_EXIT_UNSUPPORTED;
        goto out;
    }
    if (rc == FM_ERR_KEY) {
        tool_error("%s: %s: not a valid RSA key: the module's checks refused it (%s) "
                   "(fm_rsa_key_import: %s)", cmd, kf->name,
                   priv ? "the private parts do not match n and e (n = p*q, d, the CRT values), "
                          "or a value is out of range"
                        : "n even, e even or below 3, or e not below n",
                   tool_fm_error(rc));
        goto out;
    }
    if (rc != FM_OK) {
        tool_error("%s: %s: fm_rsa_key_import: %s", cmd, kf->name, tool_fm_error(rc));
        goto out;
    }
    if (is_private != NULL)
        *is_private = priv;
    status = TOOL_EXIT_OK;
out:
    (void)fm_wipe(&c, sizeof c);
    return status;
}

int tool_rsa_key_load(const char *cmd, const char *path, enum tool_key_use use,
                      fm_rsa_key *key, bool *is_private)
{
    struct tool_keyfile kf;
    int status;

    memset(key, 0, sizeof *key);
    if (is_private != NULL)
        *is_private = false;
    status = tool_keyfile_read(cmd, path, &kf);
    if (status != TOOL_EXIT_OK)
        return status;
    status = rsa_from_keyfile(cmd, &kf, use, key, is_private);
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

/*
 * The output of an encoder: the DER *der[0..derlen) (in a buffer of dercap
 * bytes) itself, or PEM with the form's label in a new buffer. For DER the
 * buffer changes hands: *out takes it and *der becomes NULL. The caller
 * frees *der (if not NULL) with tool_free_wiped(*der, dercap) either way.
 */
static int der_output(const char *cmd, uint8_t **der, size_t derlen, size_t dercap, int form,
                      bool pem, uint8_t **out, size_t *outlen, size_t *outcap)
{
    size_t need = 0;
    uint8_t *text;
    int rc;

    if (!pem) {
        *out = *der;
        *outlen = derlen;
        *outcap = dercap;
        *der = NULL;
        return TOOL_EXIT_OK;
    }
    /* FM_ERR_LENGTH with no buffer: need = the capacity, NUL included. */
    rc = fm_pem_encode(NULL, 0, &need, form_label(form), *der, derlen);
    if (rc != FM_ERR_LENGTH || need == 0) {
        tool_error("%s: fm_pem_encode: %s", cmd, tool_fm_error(rc));
        return TOOL_EXIT_FAIL;
    }
    text = malloc(need);
    if (text == NULL) {
        tool_error("%s: out of memory", cmd);
        return TOOL_EXIT_FAIL;
    }
    rc = fm_pem_encode((char *)text, need, outlen, form_label(form), *der, derlen);
    if (rc != FM_OK) {
        tool_error("%s: fm_pem_encode: %s", cmd, tool_fm_error(rc));
        tool_free_wiped(text, need);
        return TOOL_EXIT_FAIL;
    }
    *out = text;
    *outcap = need;
    return TOOL_EXIT_OK;
}

int tool_rsa_key_encode(const char *cmd, const fm_rsa_key *key, int form, bool pem,
                        uint8_t **out, size_t *outlen, size_t *outcap)
{
    bool priv = form_is_private(form);
    uint8_t *comp = NULL, *der = NULL;
    size_t bits, compcap, derlen = 0;
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
    status = der_output(cmd, &der, derlen, FM_RSA_DER_MAX_LEN, form, pem, out, outlen, outcap);
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

/* ---- EC keys ------------------------------------------------------------------------ */

static const struct {
    const char *name;
    int curve;
} curve_names[] = {
    { "P-256", FM_EC_P256 },      { "prime256v1", FM_EC_P256 }, { "secp256r1", FM_EC_P256 },
    { "P-384", FM_EC_P384 },      { "secp384r1", FM_EC_P384 },
    { "P-521", FM_EC_P521 },      { "secp521r1", FM_EC_P521 },
};

int tool_ec_curve_by_name(const char *name)
{
    for (size_t i = 0; i < sizeof curve_names / sizeof curve_names[0]; i++)
        if (strcasecmp(name, curve_names[i].name) == 0)
            return curve_names[i].curve;
    return 0;
}

const char *tool_ec_curve_name(int curve)
{
    for (size_t i = 0; i < sizeof curve_names / sizeof curve_names[0]; i++)
        if (curve_names[i].curve == curve)
            return curve_names[i].name; /* the first of each is the NIST name */
    return "?";
}

/* id-ecPublicKey (RFC 5480 2.1.1) and the named curves of the module. */
static const uint8_t oid_ec_public_key[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };

/*
 * A phrase for EC curve parameters fm_ec_der_parse refused (a named curve
 * it does not implement, explicit or implicit parameters), or NULL when
 * they name one of the module's curves.
 */
static const char *describe_ec_params(const struct tlv *params, char *buf, size_t cap)
{
    static const struct {
        const char *name;
        uint8_t len;
        uint8_t der[9];
    } known[] = {
        { NULL, 8, { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 } }, /* P-256 */
        { NULL, 5, { 0x2b, 0x81, 0x04, 0x00, 0x22 } },                   /* P-384 */
        { NULL, 5, { 0x2b, 0x81, 0x04, 0x00, 0x23 } },                   /* P-521 */
        { "secp256k1", 5, { 0x2b, 0x81, 0x04, 0x00, 0x0a } },
        { "P-224", 5, { 0x2b, 0x81, 0x04, 0x00, 0x21 } },
        { "P-192", 8, { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x01 } },
        { "brainpoolP256r1", 9, { 0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07 } },
        { "brainpoolP384r1", 9, { 0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0b } },
        { "brainpoolP512r1", 9, { 0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0d } },
        { "SM2", 8, { 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d } },
    };
    const char *name = NULL;
    size_t off;

    if (params->tag == 0x30)
        return "an EC key with explicit curve parameters (if its curve is P-256, P-384 or "
               "P-521, 'openssl pkey -in FILE -ec_param_enc named_curve -out named.pem' names "
               "the curve instead)";
    if (params->tag == 0x05)
        return "an EC key with implicitCurve parameters (no curve named)";
    if (params->tag != 0x06)
        return "an EC key with curve parameters of a kind not supported";
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (params->len == known[i].len && memcmp(params->v, known[i].der, params->len) == 0) {
            if (known[i].name == NULL)
                return NULL;
            name = known[i].name;
        }
    }
    off = (size_t)snprintf(buf, cap, "an EC key on %s (OID ",
                           name != NULL ? name : "another curve");
    off = oid_dotted(params, buf, cap, off < cap ? off : cap);
    if (off < cap)
        snprintf(buf + off, cap - off, "); the module implements P-256, P-384 and P-521 only");
    return buf;
}

/*
 * Why fm_ec_der_parse found der well formed but unsupported, as a phrase.
 * Reads only the structure, the algorithm identifier and the curve
 * parameters, like describe_unsupported.
 */
static const char *describe_ec_unsupported(const uint8_t *der, size_t len, char *buf,
                                           size_t cap, bool *encrypted)
{
    const uint8_t *p = der, *end = der + len, *q, *r;
    struct tlv outer, a, b, oid, params, t;
    const char *what;
    bool pkcs8_extras = false;

    *encrypted = false;
    if (!tlv_next(&p, end, &outer) || outer.tag != 0x30)
        return "an EC key in a form not supported";
    q = outer.v;
    end = outer.v + outer.len;
    if (!tlv_next(&q, end, &a) || !tlv_next(&q, end, &b))
        return "an EC key in a form not supported";
    if (a.tag == 0x30 && b.tag == 0x04) {
        *encrypted = true;
        return "an encrypted PKCS#8 key (EncryptedPrivateKeyInfo)";
    }
    if (a.tag == 0x02 && b.tag == 0x04) {
        /* SEC1: the parameters are the contents of [0], after privateKey. */
        memset(&params, 0, sizeof params);
        while (q < end && tlv_next(&q, end, &t))
            if (t.tag == 0xa0) {
                r = t.v;
                if (!tlv_next(&r, t.v + t.len, &params))
                    return "an EC key in a form not supported";
                break;
            }
    } else {
        /* PKCS#8 (version, algorithm, key, ...) or SPKI (algorithm, point). */
        const struct tlv *algid = a.tag == 0x30 ? &a : &b;

        if (a.tag == 0x02) {
            pkcs8_extras = !(a.len == 1 && a.v[0] == 0); /* version 1 */
            if (tlv_next(&q, end, &t) && q < end)
                pkcs8_extras = true;                     /* attributes */
        }
        if (!alg_oid(algid, &oid))
            return "a key in a form not supported";
        if (oid.len != sizeof oid_ec_public_key ||
            memcmp(oid.v, oid_ec_public_key, oid.len) != 0)
            return alg_name(&oid, buf, cap);
        r = oid.v + oid.len;
        if (!tlv_next(&r, algid->v + algid->len, &params))
            return "an EC key in a form not supported";
    }
    what = describe_ec_params(&params, buf, cap);
    if (what != NULL)
        return what;
    if (pkcs8_extras)
        return "a PKCS#8 EC key with attributes or of version 1 (RFC 5958)";
    return "an EC key whose point is in the hybrid form (06/07 || x || y; 'openssl pkey -in "
           "FILE -ec_conv_form uncompressed -out plain.pem' converts it)";
}

/* The EC key in kf (tool_key_load after reading the file). */
static int ec_from_keyfile(const char *cmd, const struct tool_keyfile *kf, enum tool_key_use use,
                           struct tool_key *key)
{
    fm_ec_components c;
    char buf[200];
    int form = 0, want = 0, rc;
    bool priv;

    if (kf->pem) {
        want = label_form(kf->label, FM_KEY_TYPE_EC);
        if (want == 0)
            return refuse_label(cmd, kf, "an EC key");
    }
    rc = fm_ec_der_parse(&c, &form, kf->der, kf->derlen);
    if (rc == FM_ERR_UNSUPPORTED) {
        bool encrypted;
        const char *what = describe_ec_unsupported(kf->der, kf->derlen, buf, sizeof buf,
                                                   &encrypted);

        tool_error("%s: %s: %s: not supported%s%s (fm_ec_der_parse: %s)", cmd, kf->name, what,
                   encrypted ? "; " : "", encrypted ? decrypt_hint : "", tool_fm_error(rc));
        return TOOL_EXIT_UNSUPPORTED;
    }
    if (rc != FM_OK) {
        tool_error("%s: %s: not a valid EC key: %s (fm_ec_der_parse: %s)", cmd, kf->name,
                   kf->pem ? "the DER inside the PEM block is malformed or truncated, or breaks "
                             "RFC 5915 / RFC 5480 (a private key of the wrong length, two "
                             "different curves, a point of the wrong size)"
                           : "malformed or truncated DER, not one of the three EC key forms, "
                             "or a structure RFC 5915 / RFC 5480 forbid",
                   tool_fm_error(rc));
        return TOOL_EXIT_FAIL;
    }
    if (kf->pem && form != want) {
        tool_error("%s: %s: the PEM label '%s' announces %s, but the contents are %s", cmd,
                   kf->name, kf->label, form_name(want), form_name(form));
        goto fail;
    }
    priv = form_is_private(form);
    if (use == TOOL_KEY_PRIVATE && !priv) {
        tool_error("%s: %s: a public key (%s); this needs the private key", cmd, kf->name,
                   form_name(form));
        goto fail;
    }
    if (use == TOOL_KEY_PUBLIC && priv && c.pub != NULL) {
        c.priv = NULL; /* only the point */
        c.priv_len = 0;
        priv = false;
    }
    rc = fm_ec_key_import(&key->ec, c.curve, c.priv, c.priv_len, c.pub, c.pub_len);
    if (rc == FM_OK && use == TOOL_KEY_PUBLIC && priv) {
        /* A private key without its point: the module computed it. */
        rc = fm_ec_key_public(&key->ec, &key->ec);
        priv = false;
    }
    if (rc == FM_ERR_KEY) {
        tool_error("%s: %s: not a valid %s key: the module's checks refused it (%s) "
                   "(fm_ec_key_import: %s)", cmd, kf->name, tool_ec_curve_name(c.curve),
                   c.priv != NULL ? "d is 0 or not below the group order, the point is not on "
                                    "the curve, or the point is not d's public key"
                                  : "the point is not on the curve or not in the group",
                   tool_fm_error(rc));
        goto fail;
    }
    if (rc != FM_OK) {
        tool_error("%s: %s: fm_ec_key_import: %s", cmd, kf->name, tool_fm_error(rc));
        goto fail;
    }
    key->curve = c.curve;
    key->is_private = priv;
    key->compressed = c.pub != NULL && c.pub[0] != 0x04;
    key->no_public = form_is_private(form) && c.pub == NULL;
    (void)fm_wipe(&c, sizeof c);
    return TOOL_EXIT_OK;
fail:
    (void)fm_ec_key_wipe(&key->ec);
    (void)fm_wipe(&c, sizeof c);
    return TOOL_EXIT_FAIL;
}

/* Encode an EC key as tool_rsa_key_encode does an RSA key. */
static int ec_key_encode(const char *cmd, const struct tool_key *key, int form, bool pem,
                         uint8_t **out, size_t *outlen, size_t *outcap)
{
    uint8_t d[FM_EC_MAX_BYTES], q[FM_EC_POINT_MAX_LEN], *der;
    size_t b = FM_EC_BYTES(key->curve), qlen = 0, derlen = 0;
    fm_ec_components c;
    int status = TOOL_EXIT_FAIL;
    int rc;

    *out = NULL;
    *outlen = 0;
    *outcap = 0;
    memset(&c, 0, sizeof c);
    c.curve = key->curve;
    der = malloc(FM_EC_DER_MAX_LEN);
    if (der == NULL) {
        tool_error("%s: out of memory", cmd);
        return TOOL_EXIT_FAIL;
    }
    if (form_is_private(form)) {
        rc = fm_ec_key_private_bytes(&key->ec, d, b);
        if (rc != FM_OK) {
            tool_error("%s: fm_ec_key_private_bytes: %s", cmd, tool_fm_error(rc));
            goto out;
        }
        c.priv = d;
        c.priv_len = b;
    }
    if (!form_is_private(form) || !key->no_public) {
        rc = fm_ec_key_public_bytes(&key->ec, key->compressed, q, sizeof q, &qlen);
        if (rc != FM_OK) {
            tool_error("%s: fm_ec_key_public_bytes: %s", cmd, tool_fm_error(rc));
            goto out;
        }
        c.pub = q;
        c.pub_len = qlen;
    }
    rc = fm_ec_der_encode(der, FM_EC_DER_MAX_LEN, &derlen, form, &c);
    if (rc != FM_OK) {
        tool_error("%s: fm_ec_der_encode: %s", cmd, tool_fm_error(rc));
        goto out;
    }
    status = der_output(cmd, &der, derlen, FM_EC_DER_MAX_LEN, form, pem, out, outlen, outcap);
out:
    (void)fm_wipe(d, sizeof d);
    (void)fm_wipe(&c, sizeof c);
    tool_free_wiped(der, FM_EC_DER_MAX_LEN);
    return status;
}

/* ---- either key type --------------------------------------------------------------- */

void tool_key_wipe(struct tool_key *key)
{
    (void)fm_rsa_key_wipe(&key->rsa);
    (void)fm_ec_key_wipe(&key->ec);
    (void)fm_wipe(key, sizeof *key);
}

static const char *type_name(int type)
{
    return type == FM_KEY_TYPE_EC ? "an EC key" : "an RSA key";
}

int tool_key_load(const char *cmd, const char *path, enum tool_key_use use,
                  struct tool_key *key)
{
    struct tool_keyfile kf;
    int status, label_type = 0, der_type = 0, type, rc;

    memset(key, 0, sizeof *key);
    status = tool_keyfile_read(cmd, path, &kf);
    if (status != TOOL_EXIT_OK)
        return status;
    /* The PEM label may name the type; "PRIVATE KEY" and "PUBLIC KEY" do not. */
    if (kf.pem) {
        if (strncmp(kf.label, "RSA ", 4) == 0 && label_form(kf.label, FM_KEY_TYPE_RSA) != 0)
            label_type = FM_KEY_TYPE_RSA;
        else if (strcmp(kf.label, FM_PEM_LABEL_EC_PRIVATE_KEY) == 0)
            label_type = FM_KEY_TYPE_EC;
        else if (label_form(kf.label, FM_KEY_TYPE_EC) == 0) {
            status = refuse_label(cmd, &kf, "an RSA or EC key");
            goto out;
        }
    }
    rc = fm_key_der_type(kf.der, kf.derlen, &der_type);
    if (rc == FM_OK && label_type != 0 && der_type != label_type) {
        tool_error("%s: %s: the PEM label '%s' announces %s, but the contents are %s", cmd,
                   kf.name, kf.label, type_name(label_type), type_name(der_type));
        status = TOOL_EXIT_FAIL;
        goto out;
    }
    type = label_type != 0 ? label_type : der_type;
    if (type == 0 && rc == FM_ERR_DECODE) {
        tool_error("%s: %s: not a valid key: %s (fm_key_der_type: %s)", cmd, kf.name,
                   kf.pem ? "the DER inside the PEM block is malformed or truncated"
                          : "malformed or truncated DER, or not one of the RSA or EC key forms",
                   tool_fm_error(rc));
        status = TOOL_EXIT_FAIL;
        goto out;
    }
    /* Another algorithm or encrypted PKCS#8: the RSA loader names it. */
    if (type == 0)
        type = FM_KEY_TYPE_RSA;
    if (type == FM_KEY_TYPE_RSA)
        status = rsa_from_keyfile(cmd, &kf, use, &key->rsa, &key->is_private);
    else
        status = ec_from_keyfile(cmd, &kf, use, key);
    if (status == TOOL_EXIT_OK)
        key->type = type;
out:
    tool_keyfile_free(&kf);
    if (status != TOOL_EXIT_OK)
        tool_key_wipe(key);
    return status;
}

int tool_key_write(const char *cmd, const char *path, const struct tool_key *key, int form,
                   bool pem)
{
    uint8_t *out = NULL;
    size_t len = 0, cap = 0;
    int status;

    if (key->type == FM_KEY_TYPE_RSA && form != FM_KEY_FORM_SEC1)
        status = tool_rsa_key_encode(cmd, &key->rsa, form, pem, &out, &len, &cap);
    else if (key->type == FM_KEY_TYPE_EC && (form == FM_KEY_FORM_SEC1 ||
                                             form == FM_KEY_FORM_PKCS8 || form == FM_KEY_FORM_SPKI))
        status = ec_key_encode(cmd, key, form, pem, &out, &len, &cap);
    else {
        tool_error("%s: internal error: %s for this key type", cmd, form_name(form));
        return TOOL_EXIT_FAIL;
    }
    if (status != TOOL_EXIT_OK)
        return status;
    status = tool_write_file(cmd, path, out, len, form_is_private(form));
    tool_free_wiped(out, cap);
    return status;
}
