/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the integrity test hashes, shared by the module (selftest.c) and the
 * build-time injector (src/injector/fm_inject.c), which must agree byte for
 * byte:
 *
 *   HMAC-SHA-256(INTEGRITY_KEY, INTEGRITY_TAG || be64(n) || range)
 *
 * where range is the n bytes from fm_module_start to fm_module_end. The key
 * is public: the test detects modification, not forgery by someone who can
 * rewrite the library file (FIPS 140-3 7.10.2 asks for an approved
 * integrity technique, and an HMAC with a fixed key is the usual one). The
 * tag and length keep the input unambiguous should the format ever change.
 */
#ifndef FIPSMOD_MODULE_INTEGRITY_H
#define FIPSMOD_MODULE_INTEGRITY_H

#define INTEGRITY_KEY "fipsmod module integrity key v1."
#define INTEGRITY_KEY_LEN 32
#define INTEGRITY_TAG "fipsmod-integrity-v1"
#define INTEGRITY_TAG_LEN 20

#endif
