/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AES (FIPS 197) with 128-, 192- and 256-bit keys, and the confidentiality
 * modes ECB, CBC and CTR (SP 800-38A sections 6.1, 6.2, 6.5), GCM
 * (SP 800-38D), CMAC (SP 800-38B) and key wrap KW/KWP (SP 800-38F).
 *
 * A caller-owned fm_aes_key holds the expanded key schedule and records
 * the implementation that made it (constant-time bitsliced C, or AES-NI):
 *
 *     fm_aes_key k;
 *     fm_aes_init(&k, key, 32);
 *     fm_aes_ecb_encrypt(&k, in, out, len);   // len a multiple of 16
 *     fm_aes_wipe(&k);
 *
 * The key schedule is a secret: wipe it with fm_aes_wipe when done. A key
 * may be used from several threads at once (it is only read).
 */
#ifndef FIPSMOD_AES_H
#define FIPSMOD_AES_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FM_AES_BLOCK_LEN 16

/* Opaque; its size and alignment are part of the ABI. */
typedef struct {
    uint64_t opaque[130];
} fm_aes_key;

/*
 * Expand a 16-, 24- or 32-byte key. Returns FM_OK, FM_ERR_ARG (NULL
 * pointer), FM_ERR_LENGTH (other key lengths; the context is then wiped)
 * or FM_ERR_STATE.
 */
FM_EXPORT int fm_aes_init(fm_aes_key *key, const uint8_t *k, size_t klen);

/* Zero the key schedule. Returns FM_OK or FM_ERR_ARG (NULL). */
FM_EXPORT int fm_aes_wipe(fm_aes_key *key);

/*
 * ECB encryption/decryption of len bytes, len a multiple of 16; in and out
 * may be the same buffer (or must not overlap otherwise). Returns FM_OK,
 * FM_ERR_ARG, FM_ERR_CONTEXT (key not initialised), FM_ERR_LENGTH (len not
 * a multiple of 16: out zeroed) or FM_ERR_STATE.
 * ECB is approved for AES, but reveals equal plaintext blocks: use it only
 * as a building block.
 */
FM_EXPORT int fm_aes_ecb_encrypt(const fm_aes_key *key, const uint8_t *in, uint8_t *out,
                                 size_t len);
FM_EXPORT int fm_aes_ecb_decrypt(const fm_aes_key *key, const uint8_t *in, uint8_t *out,
                                 size_t len);

/*
 * CBC (SP 800-38A 6.2) without padding: len must be a multiple of 16. iv is
 * read as the initialisation vector and, on success, replaced by the last
 * ciphertext block, so consecutive calls continue one message (streaming
 * on block boundaries). in and out may be the same buffer. Returns FM_OK,
 * FM_ERR_ARG, FM_ERR_CONTEXT, FM_ERR_LENGTH or FM_ERR_STATE; on failure out
 * is zeroed and iv is left as it was.
 */
FM_EXPORT int fm_aes_cbc_encrypt(const fm_aes_key *key, uint8_t iv[FM_AES_BLOCK_LEN],
                                 const uint8_t *in, uint8_t *out, size_t len);
FM_EXPORT int fm_aes_cbc_decrypt(const fm_aes_key *key, uint8_t iv[FM_AES_BLOCK_LEN],
                                 const uint8_t *in, uint8_t *out, size_t len);

/*
 * CTR (SP 800-38A 6.5) with the whole 16-byte block as a big-endian
 * counter (it wraps modulo 2^128). Encryption and decryption are the same
 * operation; len may be any length. ctr is the first counter block and,
 * on success, is advanced by the number of blocks used, a final partial
 * block counting as one: consecutive calls continue one keystream only
 * when each len but the last is a multiple of 16. The caller must never
 * reuse a counter value under one key. in and out may be the same buffer.
 * Returns FM_OK, FM_ERR_ARG, FM_ERR_CONTEXT or FM_ERR_STATE; on failure out
 * is zeroed and ctr is left as it was.
 */
FM_EXPORT int fm_aes_ctr(const fm_aes_key *key, uint8_t ctr[FM_AES_BLOCK_LEN],
                         const uint8_t *in, uint8_t *out, size_t len);

/*
 * GCM (SP 800-38D): authenticated encryption with associated data.
 *
 * An fm_aes_gcm_key holds the AES schedule, the hash subkey H = AES(0^128)
 * with the powers of H the implementation uses, and the count of IVs the
 * module has generated for it. Wipe it with fm_aes_gcm_wipe.
 *
 * IVs: any length from 1 byte (12 bytes is the efficient, usual choice).
 * An IV must never repeat under one key. Encryption with a caller's IV is
 * allowed but not approved (the service indicator says so): the approved
 * way is to let the module make the IV, fm_aes_gcm_seal_geniv, which takes
 * a 96-bit IV from the module's DRBG (SP 800-38D section 8.2.2) and counts
 * the key's invocations, refusing more than 2^32 (section 8.3). Decryption
 * with any IV is approved.
 *
 * Tags: 4 to 16 bytes; 12 to 16 bytes are approved, 4 and 8 bytes are
 * approved only under the limits of SP 800-38D Appendix C (the caller's
 * duty), other lengths work but are not approved. Message length: at most
 * 2^36 - 32 bytes (2^39 - 256 bits, section 5.2.1.1); AAD at most 2^61 - 1
 * bytes.
 *
 * Opening never releases plaintext whose tag did not verify: the one-shot
 * fm_aes_gcm_open zeroes out and returns FM_ERR_VERIFY. The streaming
 * decryption must hand out plaintext before the tag is known; its final
 * call is given the plaintext buffer to zero when the tag fails.
 */
#define FM_AES_GCM_IV_LEN 12      /* the recommended (and generated) IV length */
#define FM_AES_GCM_TAG_LEN 16     /* the full tag */

typedef struct {
    uint64_t opaque[200];
} fm_aes_gcm_key;

typedef struct {
    uint64_t opaque[16];
} fm_aes_gcm_ctx;

/*
 * Expand a 16-, 24- or 32-byte key and derive H. Returns FM_OK, FM_ERR_ARG,
 * FM_ERR_LENGTH (the context is then wiped) or FM_ERR_STATE.
 */
FM_EXPORT int fm_aes_gcm_init(fm_aes_gcm_key *key, const uint8_t *k, size_t klen);
/* Zero the key, H and the IV generator. Returns FM_OK or FM_ERR_ARG. */
FM_EXPORT int fm_aes_gcm_wipe(fm_aes_gcm_key *key);

/*
 * One-shot encryption with the caller's IV: out receives len bytes of
 * ciphertext (in == out allowed), tag receives taglen bytes. Not approved
 * (SP 800-38D 8.2: the module cannot vouch for the IV's uniqueness).
 * Returns FM_OK, FM_ERR_ARG, FM_ERR_CONTEXT, FM_ERR_LENGTH (IV, tag or
 * message length) or FM_ERR_STATE; on failure out and tag (its first
 * taglen bytes, at most 16) are zeroed.
 */
FM_EXPORT int fm_aes_gcm_seal(const fm_aes_gcm_key *key, const uint8_t *iv, size_t ivlen,
                              const uint8_t *aad, size_t aadlen, const uint8_t *in, size_t len,
                              uint8_t *out, uint8_t *tag, size_t taglen);

/*
 * One-shot decryption and verification. On success out holds len bytes of
 * plaintext; if the tag does not match, out is zeroed and FM_ERR_VERIFY is
 * returned. Approved. Other returns as fm_aes_gcm_seal.
 */
FM_EXPORT int fm_aes_gcm_open(const fm_aes_gcm_key *key, const uint8_t *iv, size_t ivlen,
                              const uint8_t *aad, size_t aadlen, const uint8_t *in, size_t len,
                              const uint8_t *tag, size_t taglen, uint8_t *out);

/*
 * Approved one-shot encryption: the module generates the 12-byte IV (96
 * bits from its DRBG), writes it to iv and encrypts as fm_aes_gcm_seal.
 * Safe to call from several threads on one key (the invocation count is
 * taken atomically). Returns as fm_aes_gcm_seal, plus FM_ERR_CONTEXT when
 * the key has generated 2^32 IVs (it must then be replaced) and
 * FM_ERR_ENTROPY when the entropy source fails; on failure iv, out and
 * tag are zeroed.
 */
FM_EXPORT int fm_aes_gcm_seal_geniv(fm_aes_gcm_key *key, uint8_t iv[FM_AES_GCM_IV_LEN],
                                    const uint8_t *aad, size_t aadlen, const uint8_t *in,
                                    size_t len, uint8_t *out, uint8_t *tag, size_t taglen);

/*
 * Streaming: start, then any number of fm_aes_gcm_aad calls, then any
 * number of fm_aes_gcm_update calls (each of any length; once data has
 * been given no more AAD may follow), then one final call. The context
 * refers to the key, which must stay alive and unchanged until the final
 * call or fm_aes_gcm_ctx_wipe. direction is FM_AES_GCM_ENCRYPT or
 * FM_AES_GCM_DECRYPT. fm_aes_gcm_start_geniv starts an approved
 * encryption with a generated IV (written to iv).
 * Every call returns FM_OK, FM_ERR_ARG, FM_ERR_CONTEXT (not started,
 * finished, or calls out of order), FM_ERR_LENGTH or FM_ERR_STATE; after
 * any failure the context is wiped and must be started again.
 */
#define FM_AES_GCM_ENCRYPT 1
#define FM_AES_GCM_DECRYPT 0

FM_EXPORT int fm_aes_gcm_start(fm_aes_gcm_ctx *ctx, const fm_aes_gcm_key *key, int direction,
                               const uint8_t *iv, size_t ivlen);
FM_EXPORT int fm_aes_gcm_start_geniv(fm_aes_gcm_ctx *ctx, fm_aes_gcm_key *key,
                                     uint8_t iv[FM_AES_GCM_IV_LEN]);
FM_EXPORT int fm_aes_gcm_aad(fm_aes_gcm_ctx *ctx, const uint8_t *aad, size_t len);
/* Encrypts or decrypts len bytes from in to out (in == out allowed). */
FM_EXPORT int fm_aes_gcm_update(fm_aes_gcm_ctx *ctx, const uint8_t *in, uint8_t *out,
                                size_t len);
/* Encryption: write the taglen-byte tag and wipe the context. */
FM_EXPORT int fm_aes_gcm_encrypt_final(fm_aes_gcm_ctx *ctx, uint8_t *tag, size_t taglen);
/*
 * Decryption: compare the tag (in constant time) and wipe the context.
 * Returns FM_OK or FM_ERR_VERIFY; on FM_ERR_VERIFY the ptlen bytes at pt
 * (the plaintext this context produced, or whatever part of it the caller
 * still holds; pt may be NULL when ptlen is 0) are zeroed, and any
 * plaintext already released must be discarded.
 */
FM_EXPORT int fm_aes_gcm_decrypt_final(fm_aes_gcm_ctx *ctx, const uint8_t *tag, size_t taglen,
                                       uint8_t *pt, size_t ptlen);
/* Zero a context without finishing it. Returns FM_OK or FM_ERR_ARG. */
FM_EXPORT int fm_aes_gcm_ctx_wipe(fm_aes_gcm_ctx *ctx);

/*
 * CMAC (SP 800-38B) with AES. One-shot or streaming; the MAC length is 1
 * to 16 bytes (the leftmost bytes of the full MAC), approved from 8 bytes
 * up (SP 800-38B Appendix A advises at least 64 bits); in strict mode a
 * shorter MAC is refused with FM_ERR_NOT_APPROVED. The context refers to
 * the key (by address: a copy of the context made by assignment works,
 * a copy of the key does not), which must stay alive and unchanged until
 * the final call; a key wiped in between is refused with FM_ERR_CONTEXT.
 * The context holds the secret subkeys K1 and K2 and the pending block:
 * the final call wipes it, and so does every failure of init, update or
 * final (start again with fm_aes_cmac_init), and fm_aes_cmac_wipe.
 * Returns FM_OK, FM_ERR_ARG, FM_ERR_CONTEXT (key or context not
 * initialised, or finished), FM_ERR_LENGTH (maclen not 1..16),
 * FM_ERR_NOT_APPROVED or FM_ERR_STATE; fm_aes_cmac_verify returns
 * FM_ERR_VERIFY on a mismatch (compared in constant time). On failure the
 * maclen bytes at mac are zeroed.
 */
#define FM_AES_CMAC_LEN 16

typedef struct {
    uint64_t opaque[16];
} fm_aes_cmac_ctx;

FM_EXPORT int fm_aes_cmac(const fm_aes_key *key, const uint8_t *msg, size_t len, uint8_t *mac,
                          size_t maclen);
FM_EXPORT int fm_aes_cmac_verify(const fm_aes_key *key, const uint8_t *msg, size_t len,
                                 const uint8_t *mac, size_t maclen);
FM_EXPORT int fm_aes_cmac_init(fm_aes_cmac_ctx *ctx, const fm_aes_key *key);
FM_EXPORT int fm_aes_cmac_update(fm_aes_cmac_ctx *ctx, const uint8_t *msg, size_t len);
FM_EXPORT int fm_aes_cmac_final(fm_aes_cmac_ctx *ctx, uint8_t *mac, size_t maclen);
FM_EXPORT int fm_aes_cmac_wipe(fm_aes_cmac_ctx *ctx);

/*
 * Key wrap (SP 800-38F): KW (section 6.2) and KWP (section 6.3, with
 * padding), here with the forward cipher as the designated cipher
 * function of section 5.1 (AES encryption wraps); the _inv functions
 * below use the inverse cipher. All are approved. Lengths in bytes,
 * from SP 800-38F section 5.3.1 Table 1 (in semiblocks of 8 bytes there):
 *   fm_aes_kw_wrap: len a multiple of 8, 16 <= len <= 8 * (2^54 - 1);
 *     out receives len + 8 bytes.
 *   fm_aes_kw_unwrap: len a multiple of 8, 24 <= len <= 8 * 2^54; out
 *     receives len - 8 bytes.
 *   fm_aes_kwp_wrap: 1 <= len <= 2^32 - 1; out receives
 *     FM_AES_KWP_WRAPPED_LEN(len) bytes.
 *   fm_aes_kwp_unwrap: len a multiple of 8, 16 <= len <= 2^32 + 8 (the
 *     longest KWP output; Table 1 says 2^29 semiblocks, one fewer than
 *     its own plaintext maximum needs); out needs room for len - 8 bytes
 *     and *outlen receives the unwrapped length (0 on failure).
 * The one-block KW of RFC 3394 for 8-byte keys is not in SP 800-38F and
 * is refused (FM_ERR_LENGTH). Unwrapping returns FM_ERR_VERIFY when the
 * integrity check (the ICV, and for KWP the length indicator and zero
 * padding) fails, checked in constant time; out is then zeroed. Other
 * returns: FM_OK, FM_ERR_ARG (NULL pointers, or in and out overlapping),
 * FM_ERR_CONTEXT (key not initialised), FM_ERR_LENGTH, FM_ERR_STATE. On
 * any failure the output bytes named above are zeroed, except for a len
 * beyond the maxima, when no buffer of that size can exist and nothing is
 * written. in and out must not overlap.
 */
#define FM_AES_KWP_WRAPPED_LEN(len) ((((len) + 7) / 8) * 8 + 8)

FM_EXPORT int fm_aes_kw_wrap(const fm_aes_key *key, const uint8_t *in, size_t len,
                             uint8_t *out);
FM_EXPORT int fm_aes_kw_unwrap(const fm_aes_key *key, const uint8_t *in, size_t len,
                               uint8_t *out);
FM_EXPORT int fm_aes_kwp_wrap(const fm_aes_key *key, const uint8_t *in, size_t len,
                              uint8_t *out);
FM_EXPORT int fm_aes_kwp_unwrap(const fm_aes_key *key, const uint8_t *in, size_t len,
                                uint8_t *out, size_t *outlen);

/*
 * The same four services with the inverse cipher as the designated cipher
 * function (SP 800-38F section 5.1; ACVP kwCipher "inverse"): wrapping
 * uses CIPH_K^-1 (AES decryption) in W, and for a KWP plaintext of at most
 * 8 bytes to encipher its one block; unwrapping uses CIPH_K (AES
 * encryption) in W^-1 and for a 16-byte KWP ciphertext. Approved, like the
 * forward-cipher functions, with the same lengths, outputs, integrity
 * checks and return values. A wrapped key interoperates only with a peer
 * using the same variant: unwrapping a forward-cipher wrap with an _inv
 * function, or the reverse, returns FM_ERR_VERIFY (out zeroed).
 */
FM_EXPORT int fm_aes_kw_wrap_inv(const fm_aes_key *key, const uint8_t *in, size_t len,
                                 uint8_t *out);
FM_EXPORT int fm_aes_kw_unwrap_inv(const fm_aes_key *key, const uint8_t *in, size_t len,
                                   uint8_t *out);
FM_EXPORT int fm_aes_kwp_wrap_inv(const fm_aes_key *key, const uint8_t *in, size_t len,
                                  uint8_t *out);
FM_EXPORT int fm_aes_kwp_unwrap_inv(const fm_aes_key *key, const uint8_t *in, size_t len,
                                    uint8_t *out, size_t *outlen);

#ifdef __cplusplus
}
#endif
#endif
