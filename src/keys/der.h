/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Strict DER reader and writer for the key encoders in src/keys/ (outside
 * the module boundary). Private to the library: every function is hidden
 * (DER_API) and named fm_der_*, like the platform layer's fm_platform_*,
 * so that a program linking libfipsmod.a cannot collide with it and the
 * shared library does not export it.
 *
 * Reader (ITU-T X.690 section 10, DER). An fm_der_reader is a window
 * (pointer, bytes left) onto caller memory; it never copies and never
 * allocates. Every read names the identifier octet it expects and fails
 * with FM_ERR_DECODE, leaving the reader unchanged, on anything a DER
 * encoder could not have written:
 *   - the high-tag-number form (tag numbers >= 31, X.690 8.1.2.4);
 *   - the indefinite length (0x80, 8.1.3.6: BER only, 10.1), the reserved
 *     length octet 0xff (8.1.3.5 c), a long form for a length below 128 or
 *     with a leading zero octet (10.1: "the definite form of length
 *     encoding shall be used, encoded in the minimum number of octets");
 *   - a length past the end of the reader, or above FM_DER_MAX_LEN (no key
 *     encoding comes near it: the largest the RSA parser accepts is
 *     FM_RSA_DER_MAX_LEN = 16457 bytes);
 *   - a constructed encoding of a primitive type or the reverse (the whole
 *     identifier octet is compared);
 *   - INTEGER: zero content octets, a negative value, or a superfluous
 *     leading 0x00 (8.3.1, 8.3.2); OBJECT IDENTIFIER: empty, a subidentifier
 *     starting with 0x80, or a last octet with bit 8 set (8.19.2); NULL
 *     with content (8.8.2); BIT STRING with unused bits (keys are whole
 *     octets; DER also wants them zero, 11.2.1).
 * A caller checks for trailing data with fm_der_end() after the last
 * element of each SEQUENCE and of the outer element. The reader does not
 * recurse: each key format walks its fixed structure, so nesting deeper
 * than that structure is simply an unexpected tag.
 *
 * Writer. Formats compute the size of every element first (fm_der_*_len),
 * check the caller's capacity once, then emit front to back with
 * fm_der_put_*; the writer still refuses to pass its capacity and
 * fm_der_writer_finish() checks that exactly the computed size was written
 * (FM_ERR_INTERNAL otherwise). Output is always minimal DER.
 *
 * Secrets. Private key components are read and written in place; the only
 * branches on their bytes are the INTEGER sign and minimality checks on the
 * first one or two content octets and the stripping of leading zero
 * octets, whose outcome the length octets reveal anyway.
 */
#ifndef FIPSMOD_KEYS_DER_H
#define FIPSMOD_KEYS_DER_H

#include <stddef.h>
#include <stdint.h>

#include <fipsmod/common.h>

#define DER_API __attribute__((visibility("hidden")))

/* Identifier octets (X.690 8.1.2): class, constructed bit, tag number. */
#define FM_DER_INTEGER        0x02
#define FM_DER_BIT_STRING     0x03
#define FM_DER_OCTET_STRING   0x04
#define FM_DER_NULL           0x05
#define FM_DER_OID            0x06
#define FM_DER_SEQUENCE       0x30 /* universal 16, constructed */
/* Context-specific [n] (n < 31): constructed (EXPLICIT, or IMPLICIT of a
 * constructed type) and primitive (IMPLICIT of a primitive type). SEC1
 * ECPrivateKey uses [0] and [1] constructed. */
#define FM_DER_CTX(n)         ((uint8_t)(0xa0u | (unsigned)(n)))
#define FM_DER_CTX_PRIM(n)    ((uint8_t)(0x80u | (unsigned)(n)))

/* Longest content accepted or written: two length octets at most. */
#define FM_DER_MAX_LEN 65535u

/* ---- reader ---------------------------------------------------------------- */

typedef struct {
    const uint8_t *p; /* next unread octet */
    size_t len;       /* octets left */
} fm_der_reader;

DER_API void fm_der_reader_init(fm_der_reader *r, const uint8_t *p, size_t len);

/* 1 when nothing is left, else 0. */
DER_API int fm_der_at_end(const fm_der_reader *r);

/* FM_OK when nothing is left, FM_ERR_DECODE (trailing data) otherwise. */
DER_API int fm_der_end(const fm_der_reader *r);

/*
 * The identifier octet of the next element, after checking that its
 * identifier and length octets are valid DER and that it fits. Does not
 * advance. FM_OK or FM_ERR_DECODE (also when nothing is left).
 */
DER_API int fm_der_peek_tag(const fm_der_reader *r, uint8_t *tag);

/* 1 when the next element is valid and has identifier `tag`, else 0. */
DER_API int fm_der_next_is(const fm_der_reader *r, uint8_t tag);

/*
 * Read one element whose identifier octet is `tag`: *val, *vlen are its
 * content octets. FM_OK or FM_ERR_DECODE (reader unchanged).
 */
DER_API int fm_der_read_tlv(fm_der_reader *r, uint8_t tag, const uint8_t **val, size_t *vlen);

/* Read any one element (not end-of-contents 0x00), whatever its tag. */
DER_API int fm_der_read_any(fm_der_reader *r, uint8_t *tag, const uint8_t **val, size_t *vlen);

/*
 * Read a constructed element with identifier `tag` (FM_DER_SEQUENCE,
 * FM_DER_CTX(n)) and set *inner to a reader over its contents.
 */
DER_API int fm_der_read_constructed(fm_der_reader *r, uint8_t tag, fm_der_reader *inner);
DER_API int fm_der_read_sequence(fm_der_reader *r, fm_der_reader *inner);

/*
 * INTEGER as an unsigned big-endian magnitude: *mag points at the content
 * without the 0x00 sign octet, so *mlen >= 1 and mag[0] != 0 unless the
 * value is zero (then *mlen == 1 and mag[0] == 0). Negative values and
 * non-minimal encodings are FM_ERR_DECODE.
 */
DER_API int fm_der_read_uint(fm_der_reader *r, const uint8_t **mag, size_t *mlen);

/* INTEGER in [0, 2^32): a version number. Larger is FM_ERR_DECODE. */
DER_API int fm_der_read_small_uint(fm_der_reader *r, uint32_t *v);

/* OBJECT IDENTIFIER: its content octets, checked well formed. */
DER_API int fm_der_read_oid(fm_der_reader *r, const uint8_t **oid, size_t *len);

/* 1 when content octets (oid, len) are those of `want`, else 0. */
DER_API int fm_der_oid_is(const uint8_t *oid, size_t len, const uint8_t *want, size_t wantlen);

DER_API int fm_der_read_null(fm_der_reader *r);
DER_API int fm_der_read_octet_string(fm_der_reader *r, const uint8_t **val, size_t *vlen);

/* BIT STRING with no unused bits: *val, *vlen are the octets after the
 * unused-bits octet. */
DER_API int fm_der_read_bit_string(fm_der_reader *r, const uint8_t **val, size_t *vlen);

/* ---- structures shared by the key formats ---------------------------------- */

/*
 * The whole input der[0..len) as exactly one SEQUENCE (the outer element
 * of every key form): *seq reads its contents. Trailing octets after it
 * are FM_ERR_DECODE.
 */
DER_API int fm_der_open_sequence(const uint8_t *der, size_t len, fm_der_reader *seq);

/*
 * AlgorithmIdentifier (RFC 5280 4.1.1.2): SEQUENCE { algorithm OBJECT
 * IDENTIFIER, parameters ANY DEFINED BY algorithm OPTIONAL }. *oid, *oidlen
 * are the OID's content octets; *params reads the parameters element (its
 * whole encoding, identifier and length octets included), or nothing when
 * they are absent. More than one element after the OID is FM_ERR_DECODE.
 * What the OID and the parameters mean is the caller's to check.
 */
DER_API int fm_der_read_algid(fm_der_reader *r, const uint8_t **oid, size_t *oidlen,
                              fm_der_reader *params);

/*
 * PrivateKeyInfo (RFC 5208 5) and OneAsymmetricKey (RFC 5958 2), read from
 * the contents of the outer SEQUENCE:
 *   SEQUENCE { version INTEGER (0 | 1), privateKeyAlgorithm
 *       AlgorithmIdentifier, privateKey OCTET STRING,
 *       attributes [0] IMPLICIT Attributes OPTIONAL,
 *       publicKey [1] IMPLICIT BIT STRING OPTIONAL (version 1 only) }
 * FM_OK when the envelope is well formed (the reader is then at its end);
 * FM_ERR_DECODE otherwise, a version above 1 and a publicKey in version 0
 * included. Which versions, algorithms and optional fields are supported
 * is the caller's decision: every field is reported.
 */
typedef struct {
    uint32_t version;
    const uint8_t *alg_oid;    /* privateKeyAlgorithm's OID (content octets) */
    size_t alg_oid_len;
    fm_der_reader alg_params;  /* its parameters element, empty when absent */
    const uint8_t *key;        /* privateKey's content octets */
    size_t key_len;
    int attributes;            /* 1 when [0] attributes is present */
    int public_key;            /* 1 when [1] publicKey is present */
} fm_der_pkcs8;

DER_API int fm_der_read_pkcs8(fm_der_reader *seq, fm_der_pkcs8 *p8);

/* ---- sizes ------------------------------------------------------------------- */

/* Skip leading zero octets of a big-endian magnitude (may leave *len 0). */
DER_API void fm_der_strip(const uint8_t **p, size_t *len);

/* Octets of an element with `content` content octets (<= FM_DER_MAX_LEN). */
DER_API size_t fm_der_tlv_len(size_t content);

/* Octets of the INTEGER encoding the magnitude (p, len) (leading zero
 * octets allowed; len 0 means zero). */
DER_API size_t fm_der_uint_len(const uint8_t *p, size_t len);

/* ---- writer ---------------------------------------------------------------- */

typedef struct {
    uint8_t *p;
    size_t cap;
    size_t pos;  /* octets written */
    int failed;  /* a write would have passed cap, or a length FM_DER_MAX_LEN */
} fm_der_writer;

DER_API void fm_der_writer_init(fm_der_writer *w, uint8_t *out, size_t cap);

/* Identifier and length octets of an element with `content` octets. */
DER_API void fm_der_put_header(fm_der_writer *w, uint8_t tag, size_t content);
DER_API void fm_der_put_bytes(fm_der_writer *w, const uint8_t *p, size_t n);

/* A whole INTEGER for the magnitude (p, len) (leading zeros allowed). */
DER_API void fm_der_put_uint(fm_der_writer *w, const uint8_t *p, size_t len);
DER_API void fm_der_put_small_uint(fm_der_writer *w, uint32_t v);
/* A whole OBJECT IDENTIFIER from its content octets; a whole NULL. */
DER_API void fm_der_put_oid(fm_der_writer *w, const uint8_t *oid, size_t len);
DER_API void fm_der_put_null(fm_der_writer *w);
/* Identifier and length octets of a BIT STRING holding n whole octets, and
 * its unused-bits octet 0 (X.690 8.6.2.2): the n octets follow. */
DER_API void fm_der_put_bit_string_header(fm_der_writer *w, size_t n);

/* FM_OK when exactly `expect` octets were written and nothing failed,
 * else FM_ERR_INTERNAL. */
DER_API int fm_der_writer_finish(const fm_der_writer *w, size_t expect);

#endif
