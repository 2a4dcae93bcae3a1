/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CTR_DRBG (SP 800-90Ar1 section 10.2) with AES-128, AES-192 or AES-256,
 * with or without the block cipher derivation function (10.3.2), fed with
 * entropy input that the caller supplies (the _with functions) or by the
 * module's own entropy source (fm_drbg_instantiate, fm_drbg_reseed,
 * fm_drbg_generate_pr, further down).
 *
 *     fm_drbg_ctx d;
 *     fm_drbg_instantiate_with(&d, FM_DRBG_AES256, 0, entropy, 32, nonce, 16,
 *                              pers, plen);
 *     fm_drbg_generate(&d, out, 64, NULL, 0);
 *     fm_drbg_reseed_with(&d, entropy2, 32, NULL, 0);
 *     fm_drbg_uninstantiate(&d);
 *
 * This is the external-entropy interface: the entropy input comes from the
 * caller, who is responsible for its min-entropy (it must carry at least
 * the security strength in bits; without the derivation function it must
 * be full entropy, SP 800-90Ar1 10.2.1.3.1). It serves known-answer
 * testing (CAVP/ACVP) and callers that have their own validated entropy
 * source. For random bits seeded by the module's own entropy source, call
 * fm_random_bytes (below).
 *
 * Parameters (SP 800-90Ar1 10.2.1 Table 3; lengths in bytes). keylen is
 * 16, 24 or 32, the security strength s = keylen, seedlen = keylen + 16:
 *
 *   with the derivation function (flags 0):
 *     entropy        1 .. FM_DRBG_MAX_INPUT_LEN; approved from s bytes up
 *     nonce          0 .. FM_DRBG_MAX_INPUT_LEN; approved from s/2 bytes up
 *     personalization, additional input  0 .. FM_DRBG_MAX_INPUT_LEN
 *   without it (FM_DRBG_NO_DF):
 *     entropy        exactly seedlen (32, 40 or 48), full entropy; approved
 *     nonce          none: nlen must be 0 (10.2.1.3.1)
 *     personalization, additional input  0 .. seedlen
 *   generate         0 .. FM_DRBG_MAX_REQUEST bytes per request (2^19 bits)
 *
 * FM_DRBG_MAX_INPUT_LEN (2^30 bytes) is below Table 3's 2^35 bits so that
 * the 32-bit byte length L of Block_Cipher_df (10.3.2 step 2) can hold
 * entropy, nonce and personalization string together.
 *
 * Reseed interval: FM_DRBG_RESEED_INTERVAL = 2^48 generate requests (Table
 * 3). Past it fm_drbg_generate returns FM_ERR_RESEED and outputs nothing
 * until the instance is reseeded. (2^48 requests cannot be reached in a
 * test, so that path is checked by review only.)
 *
 * The counter field is the whole 128-bit V (ctr_len = blocklen) unless
 * the flags ask for a shorter one with FM_DRBG_CTR_LEN(bits), 4 <= bits
 * <= 128 (10.2.1, Table 3): then only the rightmost bits of V count, mod
 * 2^bits, and with bits < 13 a request is limited to (2^bits - 4) blocks
 * of 16 bytes. Shorter fields exist for implementations validated with
 * them (ACVP's counterFieldLen); they change the output, not the
 * security strength.
 *
 * Service indicator (fm_service_approved, module.h): instantiate and
 * reseed are approved when their entropy input is at least s bytes (and,
 * with the derivation function, the nonce at least s/2 bytes); generate
 * is approved when the last seeding of the instance (instantiate or
 * reseed) was. In strict mode a non-approved instantiate or reseed fails
 * with FM_ERR_NOT_APPROVED and leaves the instance as it was (a failed
 * instantiate leaves the context zeroed).
 *
 * Errors: FM_ERR_ARG (NULL pointer with a non-zero length, unknown alg or
 * flags), FM_ERR_LENGTH, FM_ERR_CONTEXT (the context is not an
 * instantiated DRBG: it is then zeroed), FM_ERR_RESEED, FM_ERR_NOT_APPROVED,
 * FM_ERR_STATE (the module is not operational: the context is zeroed).
 * Every failure zeroes the output. A length or argument error leaves a
 * live instance unchanged.
 *
 * The context holds V and the expanded Key: secrets. It may not be used
 * from two threads at once; fm_drbg_uninstantiate zeroes it.
 */
#ifndef FIPSMOD_DRBG_H
#define FIPSMOD_DRBG_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Algorithm identifiers (the block cipher). */
#define FM_DRBG_AES128 1
#define FM_DRBG_AES192 2
#define FM_DRBG_AES256 3

/* Flag: do not use the derivation function (10.2.1.3.1, 10.2.1.4.1, 10.2.1.5.1). */
#define FM_DRBG_NO_DF 1u
/* Flag: a counter field of bits (4 .. 128) bits instead of the whole V. */
#define FM_DRBG_CTR_LEN(bits) (((uint32_t)(bits) & 0xffu) << 8)

#define FM_DRBG_MAX_REQUEST 65536u                       /* bytes: 2^19 bits */
#define FM_DRBG_MAX_INPUT_LEN ((size_t)1 << 30)          /* bytes, df case */
#define FM_DRBG_RESEED_INTERVAL ((uint64_t)1 << 48)      /* requests, Table 3 */

/* Opaque; its size and alignment are part of the ABI. */
typedef struct {
    uint64_t opaque[136];
} fm_drbg_ctx;

/*
 * Instantiate (10.2.1.3.2 with the derivation function, 10.2.1.3.1 with
 * FM_DRBG_NO_DF): alg is FM_DRBG_AES128/192/256, flags 0 or FM_DRBG_NO_DF,
 * or'ed with FM_DRBG_CTR_LEN(bits) for a shorter counter field.
 * pers may be NULL when plen is 0, nonce when nlen is 0. The context is
 * the output: zeroed on failure. Returns FM_OK or an error above.
 */
FM_EXPORT int fm_drbg_instantiate_with(fm_drbg_ctx *ctx, int alg, uint32_t flags,
                                       const uint8_t *entropy, size_t elen,
                                       const uint8_t *nonce, size_t nlen,
                                       const uint8_t *pers, size_t plen);

/*
 * Reseed (10.2.1.4.2 / 10.2.1.4.1) with entropy input and optional
 * additional input; resets the reseed counter. Returns FM_OK or an error.
 */
FM_EXPORT int fm_drbg_reseed_with(fm_drbg_ctx *ctx, const uint8_t *entropy, size_t elen,
                                  const uint8_t *addl, size_t alen);

/*
 * Generate outlen bytes (10.2.1.5.2 / 10.2.1.5.1), at most
 * FM_DRBG_MAX_REQUEST (less with a counter field under 13 bits), with
 * optional additional input. Returns FM_OK, FM_ERR_RESEED (interval reached: out zeroed) or an
 * error above.
 */
FM_EXPORT int fm_drbg_generate(fm_drbg_ctx *ctx, uint8_t *out, size_t outlen,
                               const uint8_t *addl, size_t alen);

/*
 * Generate with prediction resistance (9.3.1 step 7, 9.3.3): reseed with
 * entropy and addl, then generate outlen bytes with no additional input.
 * Nothing changes and out is zeroed when a check fails.
 */
FM_EXPORT int fm_drbg_generate_pr_with(fm_drbg_ctx *ctx, const uint8_t *entropy,
                                       size_t elen, uint8_t *out, size_t outlen,
                                       const uint8_t *addl, size_t alen);

/*
 * A caller-owned CTR_DRBG fed by the module's own SP 800-90B entropy
 * source (the approved way to have a DRBG of one's own): always with the
 * derivation function, because the source's samples are not full entropy
 * (the module claims 6 bits per byte and reads enough bytes for the
 * security strength, and half of it for the nonce).
 *   fm_drbg_instantiate: alg as above, pers 0 .. FM_DRBG_MAX_INPUT_LEN.
 *   fm_drbg_reseed: fresh entropy from the source, with optional addl.
 *   fm_drbg_generate_pr: prediction resistance (9.3.1 step 7): reseed
 *     from the source with addl, then generate outlen bytes.
 * Use fm_drbg_generate for ordinary requests. A context instantiated
 * without the derivation function (fm_drbg_instantiate_with and
 * FM_DRBG_NO_DF) cannot be reseeded from the source: FM_ERR_UNSUPPORTED.
 * Returns FM_OK, FM_ERR_ARG, FM_ERR_CONTEXT, FM_ERR_LENGTH,
 * FM_ERR_UNSUPPORTED, FM_ERR_ENTROPY (the source failed; a health-test
 * failure also puts the module in its error state) or FM_ERR_STATE; out
 * is zeroed on failure, and a failed instantiate zeroes the context.
 * Approved.
 */
FM_EXPORT int fm_drbg_instantiate(fm_drbg_ctx *ctx, int alg, const uint8_t *pers, size_t plen);
FM_EXPORT int fm_drbg_reseed(fm_drbg_ctx *ctx, const uint8_t *addl, size_t alen);
FM_EXPORT int fm_drbg_generate_pr(fm_drbg_ctx *ctx, uint8_t *out, size_t outlen,
                                  const uint8_t *addl, size_t alen);

/* Zero the context (9.4). Returns FM_OK, or FM_ERR_ARG for NULL. */
FM_EXPORT int fm_drbg_uninstantiate(fm_drbg_ctx *ctx);

/*
 * The module's random bit generator: len random bytes (any length) from
 * its internal CTR_DRBG, AES-256 (security strength 256 bits), seeded and
 * periodically reseeded from the module's own SP 800-90B entropy source.
 * Thread-safe; fork-safe (a child process never repeats its parent's
 * output, for children made by fork(2)). out may be NULL when len is 0.
 * An approved service (fm_service_approved reports 1 after success).
 *
 * Returns FM_OK; FM_ERR_ARG (out NULL with len != 0); FM_ERR_STATE (the
 * module is not operational); FM_ERR_ENTROPY (the entropy source failed;
 * a health-test failure also puts the module in its error state). On any
 * error out[0..len) is zeroed. See src/drbg/random.c for the design.
 */
FM_EXPORT int fm_random_bytes(uint8_t *out, size_t len);

#ifdef __cplusplus
}
#endif
#endif
