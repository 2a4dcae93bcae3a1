/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RSA message encodings (RFC 8017), on byte strings only: the integer
 * conversions (OS2IP/I2OSP) and the exponentiations are the caller's.
 *
 *   MGF1                  RFC 8017 B.2.1, xored into a buffer in place
 *   EMSA-PKCS1-v1_5       RFC 8017 9.2 (FIPS 186-5 section 5.4), encoding
 *                         and strict verification by re-encoding
 *   EMSA-PSS              RFC 8017 9.1.1 / 9.1.2 (FIPS 186-5 section 5.5)
 *   EME-OAEP              RFC 8017 7.1.1 step 2 / 7.1.2 step 3
 *                         (SP 800-56B Rev. 2 section 7.2.2, RSA-OAEP)
 *
 * Every hash is one of the six SHA-2 functions of fipsmod/sha2.h (FM_SHA224
 * ... FM_SHA512_256), through the module's internal hash_state API; MGF1
 * always uses the same hash as the scheme. Nothing here allocates: each
 * encoding is built in the caller's em buffer, and the masks of MGF1 are
 * xored into it one hash block at a time, so no temporary is larger than
 * one digest. Every temporary is wiped before return; on failure every
 * output buffer has been zeroed.
 *
 * What is secret. Signature encodings are public: the PSS salt and the
 * encoded message end up recoverable from the signature, and verification
 * only sees public data, so the PSS checks may branch (they still read
 * nothing out of bounds). PKCS#1 v1.5 verification nevertheless compares
 * the whole em with a mask, which costs nothing. OAEP is the opposite: the
 * em given to the decoder is the RSA decryption primitive's output and is
 * secret, as is everything derived from it. Whether the leading byte is
 * zero, whether lHash' matches, where the 0x01 separator is and how long
 * the message is must not reach a branch or an address, and every failure
 * is the same FM_ERR_DECRYPT (RFC 8017 7.1.2 note; Manger's attack works
 * on any observable difference). The decoder therefore finds the
 * separator by a scan that reads every byte and keeps its position in a
 * mask-accumulated word, shifts the message to the front of the buffer by
 * that secret amount in log2 rounds of conditional moves (one round per
 * bit of the shift, each touching every position), and copies a fixed
 * number of bytes out under a mask. Only the return code, and on success
 * the message length, leave the function as values a caller may branch
 * on. The helpers from ct.h hide their masks behind a value barrier; the
 * few extra ones here (rsa_ct_*) do the same.
 *
 * Lengths (k, hLen, the label length, the salt length, the caller's output
 * capacity) and the hash choice are public.
 */
#include "../sha2/sha2_internal.h"
#include "../module/ct.h"

/* Salt length for rsa_emsa_pss_verify that accepts any salt length (the
 * length is then recovered from the position of the 0x01 byte). */
#define RSA_PSS_SALT_AUTO SIZE_MAX

/* Largest k (bytes) the OAEP decoder takes: positions are kept in 32-bit
 * masks with room for a sign bit. Far beyond any RSA key. */
#define RSA_PAD_MAX_K ((size_t)0x7fffffff)

/* ---- constant-time helpers (uint32_t masks, see ct.h) --------------------- */

/* 0xffffffff if a == b, else 0. */
static inline uint32_t rsa_ct_eq_mask(uint32_t a, uint32_t b)
{
    return ct_is_zero_mask(a ^ b);
}

/* 0xffffffff if a < b, else 0; a and b below 2^31 (then a - b has its top
 * bit set exactly when a < b). */
static inline uint32_t rsa_ct_lt_mask(uint32_t a, uint32_t b)
{
    return value_barrier_u32((uint32_t)0 - ((a - b) >> 31));
}

/* ---- MGF1 ------------------------------------------------------------------ */

/*
 * out[0..out_len) ^= MGF1(seed, out_len) with hash alg (RFC 8017 B.2.1):
 * the mask is T = Hash(seed || C) for C = 0, 1, ... as 4-byte big-endian
 * counters, truncated to out_len. Xoring in place means no mask buffer.
 * seed and out must not overlap (each block hashes the seed afresh).
 * Constant time in the contents of seed and out.
 * Returns FM_OK, FM_ERR_UNSUPPORTED (alg) or FM_ERR_LENGTH (out_len above
 * 2^32 hLen, step 1, or a seed longer than the hash accepts).
 */
static int rsa_mgf1_xor(int alg, uint8_t *out, size_t out_len,
                        const uint8_t *seed, size_t seed_len)
{
    uint8_t t[FM_HASH_MAX_LEN];
    uint8_t ctr[4];
    hash_state st;
    size_t hlen = (size_t)hash_digest_len(alg);
    uint32_t c = 0;
    int rc;

    if (hlen == 0)
        return FM_ERR_UNSUPPORTED;
    /* Step 1: maskLen <= 2^32 hLen, i.e. at most 2^32 counter values. */
    if (out_len != 0 && (uint64_t)((out_len - 1) / hlen) > UINT64_C(0xffffffff))
        return FM_ERR_LENGTH;
    rc = hash_state_init(&st, alg);
    if (rc == FM_OK && (seed_len > SIZE_MAX - 4 || hash_state_room(&st, seed_len + 4) != FM_OK))
        rc = FM_ERR_LENGTH;
    wipe(&st, sizeof st);
    if (rc != FM_OK)
        return rc;

    for (size_t off = 0; off < out_len; off += hlen, c++) {
        size_t n = out_len - off < hlen ? out_len - off : hlen;

        (void)hash_state_init(&st, alg);
        hash_state_absorb(&st, seed, seed_len);
        store_be32(ctr, c);
        hash_state_absorb(&st, ctr, sizeof ctr);
        hash_state_finish(&st, t);      /* wipes st */
        for (size_t i = 0; i < n; i++)
            out[off + i] ^= t[i];
    }
    wipe(t, sizeof t);
    return FM_OK;
}

/* ---- EMSA-PKCS1-v1_5 (RFC 8017 9.2) ---------------------------------------- */

/*
 * The DER of DigestInfo up to the digest (RFC 8017 9.2 note 1), in the
 * standard form with explicit NULL parameters, indexed by alg - 1
 * (FM_SHA224 = 1 ... FM_SHA512_256 = 6). All six are 19 bytes:
 * SEQUENCE { SEQUENCE { OID 2.16.840.1.101.3.4.2.x, NULL }, OCTET STRING }.
 * A 2-D array rather than pointers: no relocations in the hashed range.
 */
#define RSA_DIGESTINFO_PREFIX_LEN 19
static const uint8_t rsa_digestinfo_prefix[6][RSA_DIGESTINFO_PREFIX_LEN] = {
    /* SHA-224: id-sha224 = ...4.2.4 */
    { 0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
      0x65, 0x03, 0x04, 0x02, 0x04, 0x05, 0x00, 0x04, 0x1c },
    /* SHA-256: ...4.2.1 */
    { 0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
      0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20 },
    /* SHA-384: ...4.2.2 */
    { 0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
      0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30 },
    /* SHA-512: ...4.2.3 */
    { 0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
      0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40 },
    /* SHA-512/224: ...4.2.5 */
    { 0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
      0x65, 0x03, 0x04, 0x02, 0x05, 0x05, 0x00, 0x04, 0x1c },
    /* SHA-512/256: ...4.2.6 */
    { 0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
      0x65, 0x03, 0x04, 0x02, 0x06, 0x05, 0x00, 0x04, 0x20 },
};

/*
 * Byte i of EMSA-PKCS1-v1_5(digest) for a k-byte em (9.2 step 5):
 * 0x00 || 0x01 || PS (0xff...) || 0x00 || DigestInfo prefix || digest, with
 * t_len = 19 + hLen and k >= t_len + 11 checked by the caller. Branches on
 * the position only (public).
 */
static uint8_t rsa_pkcs1_em_byte(int alg, const uint8_t *digest, size_t t_len,
                                 size_t k, size_t i)
{
    size_t t_start = k - t_len;

    if (i == 0 || i == t_start - 1)
        return 0x00;
    if (i == 1)
        return 0x01;
    if (i < t_start - 1)
        return 0xff;
    if (i - t_start < RSA_DIGESTINFO_PREFIX_LEN)
        return rsa_digestinfo_prefix[alg - 1][i - t_start];
    return digest[i - t_start - RSA_DIGESTINFO_PREFIX_LEN];
}

/* FM_OK when alg, digest_len and k suit EMSA-PKCS1-v1_5; *t_len = tLen. */
static int rsa_pkcs1_check(int alg, size_t digest_len, size_t k, size_t *t_len)
{
    size_t hlen = (size_t)hash_digest_len(alg);

    if (hlen == 0)
        return FM_ERR_UNSUPPORTED;
    if (digest_len != hlen)
        return FM_ERR_LENGTH;
    *t_len = RSA_DIGESTINFO_PREFIX_LEN + hlen;
    /* Step 3: "intended encoded message length too short" (PS >= 8). */
    if (k < *t_len + 11)
        return FM_ERR_LENGTH;
    return FM_OK;
}

/*
 * EMSA-PKCS1-v1_5 encoding (RFC 8017 9.2) of a digest the caller computed
 * with alg: em[0..k) = 0x00 01 ff..ff 00 || DigestInfo || digest, where k is
 * the modulus length in bytes.
 * Returns FM_OK, FM_ERR_UNSUPPORTED (alg), or FM_ERR_LENGTH (digest_len is
 * not the digest length of alg, or k < tLen + 11); em is zeroed on failure.
 */
static int rsa_emsa_pkcs1_encode(int alg, const uint8_t *digest, size_t digest_len,
                                 uint8_t *em, size_t k)
{
    size_t t_len = 0;
    int rc = rsa_pkcs1_check(alg, digest_len, k, &t_len);

    if (rc != FM_OK) {
        wipe(em, k);
        return rc;
    }
    for (size_t i = 0; i < k; i++)
        em[i] = rsa_pkcs1_em_byte(alg, digest, t_len, k, i);
    return FM_OK;
}

/*
 * RSASSA-PKCS1-v1_5 verification, the comparison of RFC 8017 8.2.2 step 4:
 * em[0..k) (the k-byte I2OSP of s^e mod n) must equal the encoding of the
 * digest exactly; no other DER form (parameters absent, long-form lengths,
 * trailing bytes) is accepted. The expected encoding is generated byte by
 * byte and compared with a mask over all k bytes, without a buffer.
 * Returns FM_OK, FM_ERR_VERIFY, FM_ERR_UNSUPPORTED (alg) or FM_ERR_LENGTH
 * (digest_len, or k too short for this hash).
 */
static int rsa_emsa_pkcs1_verify(int alg, const uint8_t *digest, size_t digest_len,
                                 const uint8_t *em, size_t k)
{
    size_t t_len = 0;
    uint32_t diff = 0;
    int rc = rsa_pkcs1_check(alg, digest_len, k, &t_len);

    if (rc != FM_OK)
        return rc;
    for (size_t i = 0; i < k; i++)
        diff |= (uint32_t)(em[i] ^ rsa_pkcs1_em_byte(alg, digest, t_len, k, i));
    return ct_is_zero_mask(value_barrier_u32(diff)) ? FM_OK : FM_ERR_VERIFY;
}

/* ---- EMSA-PSS (RFC 8017 9.1) ------------------------------------------------ */

/* The number of leftmost bits of em[0] that must be zero: 8 emLen - emBits.
 * 0..7 because em_len == ceil(em_bits / 8) was checked. */
static unsigned rsa_pss_top_bits(size_t em_len, size_t em_bits)
{
    return (unsigned)(8 * em_len - em_bits);
}

/* Start Hash(M'), M' = (0x)00 00 00 00 00 00 00 00 || mHash || salt
 * (9.1.1 steps 5-6, 9.1.2 steps 12-13): absorb the eight zeros and mHash;
 * the caller absorbs the salt (the verifier piece by piece) and finishes. */
static void rsa_pss_mprime_start(hash_state *st, int alg, const uint8_t *mhash, size_t hlen)
{
    uint8_t zeros[8];

    for (size_t i = 0; i < sizeof zeros; i++)
        zeros[i] = 0;
    (void)hash_state_init(st, alg);
    hash_state_absorb(st, zeros, sizeof zeros);
    hash_state_absorb(st, mhash, hlen);
}

/*
 * EMSA-PSS-ENCODE (RFC 8017 9.1.1) with MGF1 over the same hash:
 * em[0..em_len) = maskedDB || H || 0xbc, where em_bits = modBits - 1 and
 * em_len must be ceil(em_bits / 8): k - 1 bytes when modBits - 1 is a
 * multiple of 8 (the caller then converts em as a (k - 1)-byte integer),
 * k bytes otherwise. The leftmost 8 em_len - em_bits bits of em[0] are
 * zero. mhash is the digest of the
 * message (the caller hashes it, step 2); the salt is supplied by the
 * caller (from the DRBG) and may be 0 .. em_len - hLen - 2 bytes. RFC 8017
 * allows any such length; FIPS 186-5 section 5.5 approves only
 * 0 <= sLen <= hLen, which the service layer enforces.
 * Returns FM_OK, FM_ERR_UNSUPPORTED (alg), FM_ERR_ARG (em_len does not
 * match em_bits) or FM_ERR_LENGTH (mhash_len != hLen, or step 3's
 * emLen < hLen + sLen + 2); em is zeroed on failure.
 */
static int rsa_emsa_pss_encode(int alg, const uint8_t *mhash, size_t mhash_len,
                               const uint8_t *salt, size_t salt_len,
                               uint8_t *em, size_t em_len, size_t em_bits)
{
    hash_state st;
    size_t hlen = (size_t)hash_digest_len(alg);
    size_t db_len, ps_len;
    int rc = FM_OK;

    if (hlen == 0)
        rc = FM_ERR_UNSUPPORTED;
    else if (em_bits > SIZE_MAX - 7 || em_len != (em_bits + 7) / 8)
        rc = FM_ERR_ARG;
    else if (mhash_len != hlen)
        rc = FM_ERR_LENGTH;
    else if (em_len < hlen + 2 || salt_len > em_len - hlen - 2)
        rc = FM_ERR_LENGTH;                 /* step 3 */
    if (rc != FM_OK) {
        wipe(em, em_len);
        return rc;
    }
    db_len = em_len - hlen - 1;
    ps_len = db_len - salt_len - 1;

    /* Steps 5-6: H = Hash(M'), written where it belongs in em. */
    rsa_pss_mprime_start(&st, alg, mhash, hlen);
    hash_state_absorb(&st, salt, salt_len);
    hash_state_finish(&st, em + db_len);

    /* Steps 7-8: DB = PS || 0x01 || salt. */
    for (size_t i = 0; i < ps_len; i++)
        em[i] = 0x00;
    em[ps_len] = 0x01;
    copy_bytes(em + ps_len + 1, salt, salt_len);

    /* Steps 9-10: maskedDB = DB xor MGF1(H, emLen - hLen - 1). */
    rc = rsa_mgf1_xor(alg, em, db_len, em + db_len, hlen);
    if (rc != FM_OK) {
        wipe(em, em_len);
        return rc;
    }
    /* Step 11: clear the leftmost 8 emLen - emBits bits. */
    em[0] &= (uint8_t)(0xffu >> rsa_pss_top_bits(em_len, em_bits));
    /* Step 12: the trailer. */
    em[em_len - 1] = 0xbc;
    return FM_OK;
}

/*
 * EMSA-PSS-VERIFY (RFC 8017 9.1.2) with MGF1 over the same hash: em is the
 * em_len = ceil(em_bits / 8) byte encoding (the caller has checked that
 * s^e mod n fits in em_len bytes: when em_len < k, the first byte of its
 * k-byte form must be zero, else the signature is invalid, 8.1.2 step 2c).
 * salt_len is the expected salt length, or RSA_PSS_SALT_AUTO to accept any
 * length (recovered from the position of the 0x01 byte). Checks: emLen >=
 * hLen + sLen + 2, the 0xbc trailer, the leftmost 8 emLen - emBits bits
 * zero, PS all zeros followed by 0x01 at the place sLen implies, and
 * H == Hash(0^8 || mHash || salt). Everything is public (the encoding of a
 * signature), so this branches freely; DB is unmasked one hash block at a
 * time and its salt bytes fed straight into the M' hash, so no buffer
 * larger than a digest is needed.
 * Returns FM_OK, FM_ERR_VERIFY, FM_ERR_UNSUPPORTED (alg), FM_ERR_ARG
 * (em_len does not match em_bits) or FM_ERR_LENGTH (mhash_len != hLen).
 */
static int rsa_emsa_pss_verify(int alg, const uint8_t *mhash, size_t mhash_len,
                               const uint8_t *em, size_t em_len, size_t em_bits,
                               size_t salt_len)
{
    uint8_t t[FM_HASH_MAX_LEN];      /* one MGF1 block, then DB bytes */
    uint8_t h2[FM_HASH_MAX_LEN];     /* H' */
    uint8_t ctr[4];
    hash_state mgf, mp;
    size_t hlen = (size_t)hash_digest_len(alg);
    size_t db_len, sep = 0;
    const uint8_t *h;
    int auto_salt = salt_len == RSA_PSS_SALT_AUTO;
    int in_salt = 0;                 /* past the 0x01 separator */
    int rc = FM_OK;

    if (hlen == 0)
        return FM_ERR_UNSUPPORTED;
    if (em_bits > SIZE_MAX - 7 || em_len != (em_bits + 7) / 8)
        return FM_ERR_ARG;
    if (mhash_len != hlen)
        return FM_ERR_LENGTH;
    /* Step 3 (for the automatic length, sLen >= 0). */
    if (em_len < hlen + 2 || (!auto_salt && salt_len > em_len - hlen - 2))
        return FM_ERR_VERIFY;
    /* Step 4: the trailer. Step 6: the leftmost bits of maskedDB. */
    if (em[em_len - 1] != 0xbc)
        return FM_ERR_VERIFY;
    if ((em[0] & (uint8_t)~(0xffu >> rsa_pss_top_bits(em_len, em_bits))) != 0)
        return FM_ERR_VERIFY;

    db_len = em_len - hlen - 1;
    if ((uint64_t)((db_len - 1) / hlen) > UINT64_C(0xffffffff))
        return FM_ERR_VERIFY;        /* MGF1 "mask too long" (B.2.1 step 1) */
    h = em + db_len;                 /* step 5 */
    if (!auto_salt)
        sep = db_len - salt_len - 1; /* where the 0x01 must be (step 10) */
    rsa_pss_mprime_start(&mp, alg, mhash, hlen);

    /* Steps 7-11, per MGF1 block c: DB bytes [off, off + n). */
    for (size_t off = 0, c = 0; off < db_len && rc == FM_OK; off += hlen, c++) {
        size_t n = db_len - off < hlen ? db_len - off : hlen;
        size_t salt_from = n;        /* first byte of this block in the salt */

        (void)hash_state_init(&mgf, alg);
        hash_state_absorb(&mgf, h, hlen);
        store_be32(ctr, (uint32_t)c);
        hash_state_absorb(&mgf, ctr, sizeof ctr);
        hash_state_finish(&mgf, t);
        for (size_t i = 0; i < n; i++)
            t[i] ^= em[off + i];
        if (off == 0)                /* step 9 */
            t[0] &= (uint8_t)(0xffu >> rsa_pss_top_bits(em_len, em_bits));

        for (size_t i = 0; i < n && rc == FM_OK; i++) {
            size_t pos = off + i;

            if (in_salt) {
                if (salt_from == n)
                    salt_from = i;
            } else if (auto_salt) {
                if (t[i] == 0x01)
                    in_salt = 1;
                else if (t[i] != 0x00)
                    rc = FM_ERR_VERIFY;
            } else if (pos < sep) {
                if (t[i] != 0x00)
                    rc = FM_ERR_VERIFY;
            } else {                 /* pos == sep */
                if (t[i] != 0x01)
                    rc = FM_ERR_VERIFY;
                in_salt = 1;
            }
        }
        if (rc == FM_OK && salt_from < n)
            hash_state_absorb(&mp, t + salt_from, n - salt_from);   /* step 11 */
    }
    if (rc == FM_OK && !in_salt)     /* auto: DB was all zeros */
        rc = FM_ERR_VERIFY;
    /* Steps 12-14: H' = Hash(M') and H == H'. */
    hash_state_finish(&mp, h2);
    if (rc == FM_OK && !ct_memeq_mask(h, h2, hlen))
        rc = FM_ERR_VERIFY;
    wipe(&mgf, sizeof mgf);
    wipe(t, sizeof t);
    wipe(h2, sizeof h2);
    return rc;
}

/* ---- EME-OAEP (RFC 8017 7.1) ------------------------------------------------- */

/* lHash = Hash(label) (7.1.1 step 2a, 7.1.2 step 3a). FM_OK, or
 * FM_ERR_LENGTH when the label is longer than the hash accepts (7.1.1
 * step 1a). */
static int rsa_oaep_lhash(int alg, const uint8_t *label, size_t label_len, uint8_t *lhash)
{
    hash_state st;
    int rc = hash_state_init(&st, alg);

    if (rc == FM_OK && hash_state_room(&st, label_len) != FM_OK)
        rc = FM_ERR_LENGTH;
    if (rc != FM_OK) {
        wipe(&st, sizeof st);
        return rc;
    }
    hash_state_absorb(&st, label, label_len);
    hash_state_finish(&st, lhash);
    return FM_OK;
}

/*
 * EME-OAEP encoding (RFC 8017 7.1.1 steps 1a, 2), with alg for the label
 * hash and for MGF1: em[0..k) = 0x00 || maskedSeed || maskedDB, where
 * DB = lHash || PS (zeros) || 0x01 || msg and k is the modulus length in
 * bytes. The seed (hLen bytes, seed_len must equal hLen) comes from the
 * caller's DRBG. msg, label and seed must not overlap em. The message and
 * the seed are secret; this runs in time independent of their contents.
 * Returns FM_OK, FM_ERR_UNSUPPORTED (alg), FM_ERR_ARG (seed_len != hLen)
 * or FM_ERR_LENGTH (msg_len > k - 2 hLen - 2, step 1b, or a label too long
 * for the hash, step 1a); em is zeroed on failure.
 */
static int rsa_eme_oaep_encode(int alg, const uint8_t *label, size_t label_len,
                               const uint8_t *msg, size_t msg_len,
                               const uint8_t *seed, size_t seed_len,
                               uint8_t *em, size_t k)
{
    size_t hlen = (size_t)hash_digest_len(alg);
    size_t db_len, ps_len;
    uint8_t *mseed, *db;
    int rc = FM_OK;

    if (hlen == 0)
        rc = FM_ERR_UNSUPPORTED;
    else if (seed_len != hlen)
        rc = FM_ERR_ARG;
    else if (k < 2 * hlen + 2 || msg_len > k - 2 * hlen - 2)
        rc = FM_ERR_LENGTH;                 /* step 1b */
    if (rc != FM_OK) {
        wipe(em, k);
        return rc;
    }
    mseed = em + 1;
    db = em + 1 + hlen;
    db_len = k - hlen - 1;
    ps_len = db_len - hlen - 1 - msg_len;

    /* Steps 2a-2c: DB = lHash || PS || 0x01 || M, in place. */
    rc = rsa_oaep_lhash(alg, label, label_len, db);
    if (rc != FM_OK) {
        wipe(em, k);
        return rc;
    }
    for (size_t i = 0; i < ps_len; i++)
        db[hlen + i] = 0x00;
    db[hlen + ps_len] = 0x01;
    copy_bytes(db + hlen + ps_len + 1, msg, msg_len);

    /* Steps 2d-2h: maskedDB = DB xor MGF(seed), maskedSeed = seed xor
     * MGF(maskedDB). Step 2i: EM = 0x00 || maskedSeed || maskedDB. */
    copy_bytes(mseed, seed, hlen);
    em[0] = 0x00;
    rc = rsa_mgf1_xor(alg, db, db_len, mseed, hlen);
    if (rc == FM_OK)
        rc = rsa_mgf1_xor(alg, mseed, hlen, db, db_len);
    if (rc != FM_OK)
        wipe(em, k);
    return rc;
}

/*
 * EME-OAEP decoding (RFC 8017 7.1.2 steps 1a, 1c, 3), in constant time.
 * em[0..k) is EM, the k-byte I2OSP of the RSA decryption primitive's output
 * (secret); it is used as scratch and wiped before return in every case.
 * On success the message is written to out[0..*out_len), and out[*out_len
 * .. out_cap) is zeroed. Every failure of the encoding (a nonzero first
 * byte, lHash' != lHash, no 0x01 after the zero padding, a nonzero byte
 * before it) gives the same FM_ERR_DECRYPT, decided without a branch or an
 * index depending on em, as does a valid message longer than out_cap (so
 * pass out_cap >= k - 2 hLen - 2, the longest possible message, to be sure
 * every valid one fits); then out[0..out_cap) is all zero and *out_len 0.
 * The public checks (k < 2 hLen + 2, 7.1.2 step 1c, and a label too long
 * for the hash, step 1a) also give FM_ERR_DECRYPT as the RFC says; only an
 * unknown alg gives FM_ERR_UNSUPPORTED. out and label must not overlap em.
 * The return code and *out_len are the only values derived from em that
 * the caller may branch on.
 */
static int rsa_eme_oaep_decode(int alg, const uint8_t *label, size_t label_len,
                               uint8_t *em, size_t k,
                               uint8_t *out, size_t out_cap, size_t *out_len)
{
    uint8_t lhash[FM_HASH_MAX_LEN];
    size_t hlen = (size_t)hash_digest_len(alg);
    size_t db_len, r_len, cap;
    uint8_t *db, *r;
    uint32_t good, looking, bad, sep, shift, mlen;
    int rc;

    *out_len = 0;
    if (hlen == 0)
        rc = FM_ERR_UNSUPPORTED;
    else if (k < 2 * hlen + 2 || k > RSA_PAD_MAX_K)
        rc = FM_ERR_DECRYPT;                /* step 1c */
    else if (rsa_oaep_lhash(alg, label, label_len, lhash) != FM_OK)
        rc = FM_ERR_DECRYPT;                /* step 1a */
    else
        rc = FM_OK;
    if (rc != FM_OK) {
        wipe(lhash, sizeof lhash);
        wipe(out, out_cap);
        wipe(em, k);
        return rc;
    }
    db = em + 1 + hlen;
    db_len = k - hlen - 1;
    /* r: DB after lHash' and one more byte (PS or the 0x01 at the least),
     * so M, when valid, is the last mLen bytes of r. */
    r = db + hlen + 1;
    r_len = db_len - hlen - 1;              /* = k - 2 hLen - 2 >= 0 */
    cap = out_cap < r_len ? out_cap : r_len;

    /* Steps 3b-3e: seed = maskedSeed xor MGF(maskedDB, hLen), then
     * DB = maskedDB xor MGF(seed, k - hLen - 1), both in place. The
     * lengths were checked, so MGF1 cannot fail. */
    (void)rsa_mgf1_xor(alg, em + 1, hlen, db, db_len);
    (void)rsa_mgf1_xor(alg, db, db_len, em + 1, hlen);

    /* Step 3g, every check folded into one mask: Y == 0, lHash' == lHash. */
    good = ct_is_zero_mask(em[0]);
    good &= ct_memeq_mask(db, lhash, hlen);

    /* The first nonzero byte after lHash' must be 0x01. The scan reads
     * every byte; `looking` stays all-ones until the first 0x01, whose
     * position is or-ed into sep under that mask; a byte that is neither
     * 0x00 nor 0x01 before it sets `bad`. */
    looking = 0xffffffffu;
    bad = 0;
    sep = 0;
    for (size_t i = hlen; i < db_len; i++) {
        uint32_t b = db[i];
        uint32_t is0 = ct_is_zero_mask(b);
        uint32_t is1 = rsa_ct_eq_mask(b, 1);

        sep |= looking & is1 & (uint32_t)i;
        bad |= looking & ~is0 & ~is1;
        looking &= ~is1;
    }
    good &= ~looking & ~bad;

    /* M is the last mLen bytes of r[0..r_len): it starts at db + sep + 1
     * = r + shift, shift = sep - hLen in [0, r_len] when the separator
     * was found (0 otherwise, for a well-defined shift). */
    shift = (sep - (uint32_t)hlen) & ~looking;
    mlen = (uint32_t)r_len - shift;
    good &= ~rsa_ct_lt_mask((uint32_t)cap, mlen);   /* fits in out */

    /* Move M to r[0]: r[i] = r[i + shift] for every i < mLen, as one
     * conditional move of every position per bit of shift (1, 2, 4, ...).
     * After the rounds for the bits below b, r[i] holds the original
     * r[i + (shift mod 2^b)] wherever that is inside r, which is all the
     * next round reads for the positions that matter. */
    for (size_t d = 1, bit = 0; d <= r_len; d <<= 1, bit++) {
        uint32_t m = value_barrier_u32((uint32_t)0 - ((shift >> bit) & 1));
        uint8_t mb = (uint8_t)m;

        for (size_t i = 0; i + d < r_len; i++)
            r[i] = (uint8_t)((r[i] & (uint8_t)~mb) | (r[i + d] & mb));
    }

    /* Step 4: out = M under the mask; bytes past mLen and every byte on
     * failure are zero. The loop bound is public. */
    for (size_t i = 0; i < cap; i++) {
        uint32_t keep = good & rsa_ct_lt_mask((uint32_t)i, mlen);
        out[i] = (uint8_t)(r[i] & (uint8_t)keep);
    }
    for (size_t i = cap; i < out_cap; i++)
        out[i] = 0;

    *out_len = (size_t)(mlen & good);
    rc = (int)(int32_t)((uint32_t)FM_ERR_DECRYPT & ~good);
    wipe(lhash, sizeof lhash);
    wipe(em, k);
    return rc;
}
