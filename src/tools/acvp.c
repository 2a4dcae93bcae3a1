/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `fipsmod acvp`: answer a NIST ACVP vector set prompt (see acvp.h for the
 * handler interface, /work/shared/vectors/MANIFEST.md section 2 and the
 * ACVP specifications for the format).
 *
 * The whole response is built in memory and written only once every group
 * has been answered: a failure half-way leaves stdout empty, so a harness
 * can never grade a truncated response as if it were complete.
 *
 * Exit statuses are part of the interface: 3 means "this algorithm (or
 * mode or revision) is not implemented", which tests/kat/run-kat.sh turns
 * into a SKIP; an unknown testType or option inside a supported algorithm
 * is a real failure (1), because the set claims something we should be
 * able to answer.
 */
#include "acvp.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every handler table; a new algorithm family adds its table here. */
static const struct acvp_alg *const handler_tables[] = {
    acvp_sha2_algs,
    acvp_hmac_algs,
    acvp_aes_algs,
    acvp_cmac_algs,
    acvp_kw_algs,
    acvp_drbg_algs,
    acvp_rsa_algs,
    acvp_ecdsa_algs,
};

static const char acvp_help[] =
    "usage: fipsmod acvp [PROMPT.json]\n"
    "\n"
    "Read a NIST ACVP vector set prompt (a JSON object {vsId, algorithm, [mode],\n"
    "revision, testGroups: [{tgId, testType, ..., tests: [{tcId, ...}]}]}) from\n"
    "PROMPT.json, or from standard input when it is absent or -, and write the\n"
    "answers to standard output in the shape of NIST's expectedResults.json:\n"
    "{vsId, algorithm, [mode], revision, testGroups: [{tgId, tests: [{tcId,\n"
    "<answer fields>}]}]}, with uppercase hex. Nothing is written to standard\n"
    "output unless every test group was answered.\n"
    "\n"
    "Supported (revision 1.0):\n"
    "  SHA2-224 SHA2-256 SHA2-384 SHA2-512 SHA2-512/224 SHA2-512/256\n"
    "      AFT (msg, len -> md); MCT, mctVersion \"standard\" or \"alternate\"\n"
    "      (-> resultsArray of 100 md); LDT (largeMsg, expansionTechnique\n"
    "      \"repeating\", streamed in constant memory -> md)\n"
    "  HMAC-SHA2-224 HMAC-SHA2-256 HMAC-SHA2-384 HMAC-SHA2-512\n"
    "  HMAC-SHA2-512/224 HMAC-SHA2-512/256\n"
    "      AFT (key, msg with group keyLen, msgLen, macLen -> mac)\n"
    "  ACVP-AES-ECB\n"
    "      AFT (key, pt|ct with group direction, keyLen -> ct|pt); MCT\n"
    "      (-> resultsArray of 100 key, pt, ct)\n"
    "  ACVP-AES-CBC\n"
    "      AFT (key, iv, pt|ct with group direction, keyLen -> ct|pt); MCT\n"
    "      (AESAVS 6.4.2 -> resultsArray of 100 key, iv, pt, ct)\n"
    "  ACVP-AES-CTR\n"
    "      AFT (key, iv, payloadLen in bits, pt|ct -> ct|pt; a partial last\n"
    "      byte keeps its payloadLen bits, as SP 800-38A truncates the last\n"
    "      block). A test with no iv asks for an IUT-generated counter, which\n"
    "      the module does not provide: it is not claimed.\n"
    "  ACVP-AES-GCM\n"
    "      AFT encrypt (key, iv, aad, pt with group ivLen, tagLen -> ct, tag);\n"
    "      AFT decrypt (key, iv, aad, ct, tag -> pt, or testPassed false).\n"
    "      Groups with ivGen \"internal\" (module-generated IV) are not claimed:\n"
    "      their answers could not be graded against NIST's expected values.\n"
    "  CMAC-AES\n"
    "      AFT gen (key, message with group keyLen, msgLen, macLen -> mac);\n"
    "      AFT ver (key, message, mac -> testPassed)\n"
    "  ACVP-AES-KW ACVP-AES-KWP\n"
    "      AFT (key, pt|ct with group direction, kwCipher, keyLen, payloadLen\n"
    "      -> ct|pt, or testPassed false when an unwrap fails its check).\n"
    "      kwCipher \"inverse\" uses the inverse cipher as W's forward\n"
    "      function (fm_aes_kw*_inv).\n"
    "  ctrDRBG (revisions 1.0 and SP800-90Ar1)\n"
    "      AFT (mode AES-128|AES-192|AES-256, derFunc, predResistance, reSeed:\n"
    "      instantiate with entropyInput, nonce, persoString; then each\n"
    "      otherInput in order: reSeed, or generate (with predResistance: a\n"
    "      reseed with its entropyInput and additionalInput, then a generate\n"
    "      without) -> returnedBits of the last generate). Mode TDES and a\n"
    "      counterFieldLen other than 128 (the counter is the whole V) are\n"
    "      not claimed.\n"
    "  RSA keyGen (revisions FIPS186-4 and FIPS186-5)\n"
    "      GDT with randPQ B.3.3 / probable (deferred -> n, e, p, q and d, or\n"
    "      dmp1, dmq1, iqmp for keyFormat crt; 2048, 3072 or 4096 bits; e the\n"
    "      group's fixedPubExp or a random odd 2^16 < e < 2^64). Provable and\n"
    "      auxiliary-prime methods, the B.3.3 KAT and pMod8/qMod8 are not\n"
    "      claimed.\n"
    "  RSA sigGen (revisions FIPS186-4 and FIPS186-5)\n"
    "      one generated key per group (group answer n, e); message ->\n"
    "      signature, sigType pkcs1v1.5 or pss (MGF1 with the message hash,\n"
    "      saltLen bytes). SHA-1, SHA-3, SHAKE, ansx9.31, SHAKE mask functions\n"
    "      and SP800-106 conformance groups are not claimed.\n"
    "  RSA sigVer (revisions FIPS186-4 and FIPS186-5)\n"
    "      group n, e; message, signature -> testPassed (1024 to 8192 bits).\n"
    "  RSA decryptionPrimitive (revision Sp800-56Br2)\n"
    "      n, e, d, p, q, [dmp1, dmq1, iqmp], ct -> testPassed, pt (RSADP).\n"
    "  KAS-IFC-SSC (revision Sp800-56Br2)\n"
    "      VAL groups whose secret the IUT recovers with RSADP (KAS1\n"
    "      responder, KAS2) -> testPassed. AFT groups are not claimed: they\n"
    "      need RSAEP, which the module does not offer.\n"
    "  KTS-IFC (revision Sp800-56Br2)\n"
    "      recognised, nothing claimed: the module has no KTS-OAEP scheme\n"
    "      service (each test says why).\n"
    "  ECDSA keyGen (revision FIPS186-5)\n"
    "      AFT, secretGenerationMode \"testing candidates\" (FIPS 186-5 A.2.2)\n"
    "      -> d, qx, qy. \"extra bits\" (A.2.1) is not claimed.\n"
    "  ECDSA keyVer (revision FIPS186-5)\n"
    "      qx, qy -> testPassed (full public key validation).\n"
    "  ECDSA sigGen (revision FIPS186-5)\n"
    "      one generated key per group (group answer qx, qy); message -> r, s\n"
    "      with a random k; componentTest true: the message is the digest.\n"
    "  ECDSA sigVer (revision FIPS186-5)\n"
    "      message, qx, qy, r, s -> testPassed.\n"
    "      ECDSA on P-256, P-384 and P-521 with SHA-2; other curves (P-192,\n"
    "      P-224, K-, B-), SHA-1, SHA-3, SHAKE and SP800-106 conformance groups\n"
    "      are not claimed.\n"
    "\n"
    "The module works on whole bytes. A test whose message, key or MAC length\n"
    "in bits is not a multiple of 8 (other than an AES-CTR payload) is\n"
    "answered {\"tcId\": N, \"notClaimed\": \"<reason>\"}, never with an\n"
    "answer; the number of such tests is reported on standard error.\n"
    "\n"
    "Exit status: 0 when every test was answered or not claimed; 1 for malformed\n"
    "JSON, a missing or invalid field, a testType or option the algorithm's\n"
    "handler does not know, or a module failure; 2 for a usage error; 3 when\n"
    "the algorithm (or its mode or revision) is not supported at all.\n"
    "\n"
    "Examples:\n"
    "  fipsmod acvp SHA2-256-1.0/prompt.json > response.json\n"
    "  build/kat-grade SHA2-256-1.0/expectedResults.json response.json\n";

int acvp_error(struct acvp_run *run, const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fputs(TOOL_NAME " acvp: ", stderr);
    if (run != NULL && run->algorithm != NULL) {
        fputs(run->algorithm, stderr);
        if (run->tg_id >= 0)
            fprintf(stderr, " tgId %" JSON_INTEGER_FORMAT, run->tg_id);
        if (run->tc_id >= 0)
            fprintf(stderr, " tcId %" JSON_INTEGER_FORMAT, run->tc_id);
        fputs(": ", stderr);
    }
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return -1;
}

int acvp_check(struct acvp_run *run, int rc, const char *what)
{
    if (rc == FM_OK)
        return 0;
    return acvp_error(run, "%s failed: %s", what, tool_fm_error(rc));
}

int acvp_get_string(struct acvp_run *run, json_t *obj, const char *key,
                    const char **value)
{
    json_t *v = json_object_get(obj, key);

    if (v == NULL)
        return acvp_error(run, "missing field '%s'", key);
    if (!json_is_string(v))
        return acvp_error(run, "field '%s' is not a string", key);
    *value = json_string_value(v);
    return 0;
}

int acvp_get_opt_string(struct acvp_run *run, json_t *obj, const char *key,
                        const char **value)
{
    *value = NULL;
    if (json_object_get(obj, key) == NULL)
        return 0;
    return acvp_get_string(run, obj, key, value);
}

int acvp_get_uint(struct acvp_run *run, json_t *obj, const char *key,
                  uint64_t *value)
{
    json_t *v = json_object_get(obj, key);

    if (v == NULL)
        return acvp_error(run, "missing field '%s'", key);
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return acvp_error(run, "field '%s' is not a non-negative integer", key);
    *value = (uint64_t)json_integer_value(v);
    return 0;
}

int acvp_get_hex(struct acvp_run *run, json_t *obj, const char *key,
                 uint64_t bits, uint8_t **buf, size_t *len)
{
    const char *hex;
    int rc;

    if (acvp_get_string(run, obj, key, &hex) != 0)
        return -1;
    if (bits % 8 != 0)
        return acvp_error(run, "'%s': %llu bits is not a whole number of bytes",
                          key, (unsigned long long)bits);
    /* ACVP sends exactly the bytes the length announces. */
    if (strlen(hex) != bits / 4)
        return acvp_error(run, "'%s' has %zu hex digits, its length of %llu bits "
                          "needs %llu", key, strlen(hex),
                          (unsigned long long)bits, (unsigned long long)(bits / 4));
    rc = tool_hex_decode_alloc(hex, buf, len);
    if (rc == -2)
        return acvp_error(run, "out of memory");
    if (rc != 0)
        return acvp_error(run, "'%s' is not a hex string", key);
    return 0;
}

int acvp_put(struct acvp_run *run, json_t *obj, const char *key, json_t *value)
{
    /* json_object_set_new releases value even when it fails. */
    if (value == NULL || json_object_set_new(obj, key, value) != 0)
        return acvp_error(run, "out of memory");
    return 0;
}

int acvp_put_hex(struct acvp_run *run, json_t *obj, const char *key,
                 const uint8_t *data, size_t len)
{
    char *hex = malloc(2 * len + 1);
    int rc;

    if (hex == NULL)
        return acvp_error(run, "out of memory");
    tool_hex_encode(data, len, hex, true);
    rc = acvp_put(run, obj, key, json_string(hex));
    free(hex);
    return rc;
}

int acvp_not_claimed(struct acvp_run *run, json_t *out, const char *why,
                     const char *fmt, ...)
{
    char reason[256];
    va_list ap;
    size_t i;

    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    if (acvp_put(run, out, "notClaimed", json_string(reason)) != 0)
        return -1;
    for (i = 0; i < run->n_unclaimed_kinds; i++)
        if (strcmp(run->unclaimed[i].why, why) == 0)
            break;
    if (i == run->n_unclaimed_kinds) {
        if (i == ACVP_MAX_UNCLAIMED_KINDS)
            return acvp_error(run, "too many kinds of unclaimed tests");
        run->unclaimed[i].why = why;
        run->unclaimed[i].count = 0;
        run->n_unclaimed_kinds++;
    }
    run->unclaimed[i].count++;
    return 0;
}

static int get_id(struct acvp_run *run, json_t *obj, const char *key,
                  json_int_t *id)
{
    json_t *v = json_object_get(obj, key);

    if (v == NULL)
        return acvp_error(run, "missing field '%s'", key);
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return acvp_error(run, "field '%s' is not a non-negative integer", key);
    *id = json_integer_value(v);
    return 0;
}

int acvp_each_test(struct acvp_run *run, const struct acvp_alg *alg,
                   json_t *group, json_t *out, acvp_test_fn fn, void *arg)
{
    json_t *tests = json_object_get(group, "tests");
    json_t *out_tests = json_array();
    json_t *test;
    size_t i;

    if (acvp_put(run, out, "tests", out_tests) != 0)
        return -1;
    if (!json_is_array(tests))
        return acvp_error(run, "missing array 'tests'");
    json_array_foreach(tests, i, test) {
        json_t *out_test;

        run->tc_id = -1;
        if (!json_is_object(test))
            return acvp_error(run, "test %zu is not an object", i);
        if (get_id(run, test, "tcId", &run->tc_id) != 0)
            return -1;
        out_test = json_object();
        if (out_test == NULL || json_array_append_new(out_tests, out_test) != 0)
            return acvp_error(run, "out of memory");
        if (acvp_put(run, out_test, "tcId", json_integer(run->tc_id)) != 0)
            return -1;
        if (fn(run, alg, test, out_test, arg) != 0)
            return -1;
    }
    run->tc_id = -1;
    return 0;
}

static bool same(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

/*
 * The handler for this (algorithm, mode, revision), or NULL after printing
 * why not (the caller then exits with TOOL_EXIT_UNSUPPORTED).
 */
static const struct acvp_alg *find_handler(const char *algorithm,
                                           const char *mode,
                                           const char *revision)
{
    bool known_algorithm = false;

    for (size_t t = 0; t < sizeof handler_tables / sizeof handler_tables[0]; t++) {
        for (const struct acvp_alg *a = handler_tables[t]; a->algorithm != NULL; a++) {
            if (strcmp(a->algorithm, algorithm) != 0)
                continue;
            known_algorithm = true;
            if (same(a->mode, mode) && same(a->revision, revision))
                return a;
        }
    }
    fflush(stdout);
    if (!known_algorithm && mode == NULL)
        fprintf(stderr, TOOL_NAME " acvp: algorithm '%s' is not supported\n",
                algorithm);
    else if (!known_algorithm)
        fprintf(stderr, TOOL_NAME " acvp: algorithm '%s' mode '%s' is not supported\n",
                algorithm, mode);
    else if (mode != NULL)
        fprintf(stderr, TOOL_NAME " acvp: algorithm '%s' mode '%s' revision '%s' "
                "is not supported\n", algorithm, mode, revision);
    else
        fprintf(stderr, TOOL_NAME " acvp: algorithm '%s' revision '%s' is not "
                "supported\n", algorithm, revision);
    return NULL;
}

static json_t *load_prompt(const char *path)
{
    json_error_t err;
    json_t *root;

    if (path == NULL)
        root = json_loadf(stdin, JSON_REJECT_DUPLICATES, &err);
    else
        root = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    if (root == NULL) {
        if (err.line > 0)
            acvp_error(NULL, "%s:%d:%d: %s", path != NULL ? path : "<stdin>",
                       err.line, err.column, err.text);
        else
            acvp_error(NULL, "%s", err.text);
        return NULL;
    }
    if (!json_is_object(root)) {
        /* A live server wraps the set as [{acvVersion}, {...}]: say so. */
        acvp_error(NULL, "%s: expected a vector set object {vsId, algorithm, ...}; "
                   "for a server array [{\"acvVersion\"}, {...}] pass its second element",
                   path != NULL ? path : "<stdin>");
        json_decref(root);
        return NULL;
    }
    return root;
}

static void report_unclaimed(const struct acvp_run *run)
{
    fflush(stdout);
    for (size_t i = 0; i < run->n_unclaimed_kinds; i++)
        fprintf(stderr, TOOL_NAME " acvp: %s: %lu test%s not claimed (%s)\n",
                run->algorithm, run->unclaimed[i].count,
                run->unclaimed[i].count == 1 ? "" : "s", run->unclaimed[i].why);
}

/*
 * Answer every group of `prompt` into a new response object. Returns
 * TOOL_EXIT_OK with *response set, or another exit status.
 */
static int answer(json_t *prompt, json_t **response, struct acvp_run *run)
{
    const char *algorithm, *mode, *revision;
    const struct acvp_alg *alg;
    json_t *groups, *group, *out, *out_groups;
    size_t i;

    if (acvp_get_string(run, prompt, "algorithm", &algorithm) != 0 ||
        acvp_get_opt_string(run, prompt, "mode", &mode) != 0 ||
        acvp_get_string(run, prompt, "revision", &revision) != 0)
        return TOOL_EXIT_FAIL;
    /* Some prompts (ACVP-AES-CTR) carry "mode": "", meaning none. */
    alg = find_handler(algorithm, mode != NULL && mode[0] == '\0' ? NULL : mode,
                       revision);
    if (alg == NULL)
        return TOOL_EXIT_UNSUPPORTED;
    run->algorithm = algorithm;

    groups = json_object_get(prompt, "testGroups");
    if (!json_is_integer(json_object_get(prompt, "vsId"))) {
        acvp_error(run, "missing integer field 'vsId'");
        return TOOL_EXIT_FAIL;
    }
    if (!json_is_array(groups)) {
        acvp_error(run, "missing array 'testGroups'");
        return TOOL_EXIT_FAIL;
    }

    out = json_object();
    out_groups = json_array();
    if (out == NULL ||
        acvp_put(run, out, "vsId", json_deep_copy(json_object_get(prompt, "vsId"))) != 0 ||
        acvp_put(run, out, "algorithm", json_string(algorithm)) != 0 ||
        (mode != NULL && acvp_put(run, out, "mode", json_string(mode)) != 0) ||
        acvp_put(run, out, "revision", json_string(revision)) != 0 ||
        acvp_put(run, out, "testGroups", out_groups) != 0) {
        json_decref(out);
        return TOOL_EXIT_FAIL;
    }

    json_array_foreach(groups, i, group) {
        json_t *out_group;

        run->tg_id = -1;
        if (!json_is_object(group)) {
            acvp_error(run, "test group %zu is not an object", i);
            goto fail;
        }
        if (get_id(run, group, "tgId", &run->tg_id) != 0)
            goto fail;
        out_group = json_object();
        if (out_group == NULL || json_array_append_new(out_groups, out_group) != 0) {
            acvp_error(run, "out of memory");
            goto fail;
        }
        if (acvp_put(run, out_group, "tgId", json_integer(run->tg_id)) != 0 ||
            alg->group(run, alg, group, out_group) != 0)
            goto fail;
    }
    run->tg_id = -1;
    *response = out;
    return TOOL_EXIT_OK;
fail:
    json_decref(out);
    return TOOL_EXIT_FAIL;
}

static int acvp_run_cmd(int argc, char **argv)
{
    struct acvp_run run = { .tg_id = -1, .tc_id = -1 };
    const char *path = NULL;
    json_t *prompt, *response = NULL;
    int status;

    if (argc > 2)
        return tool_usage("acvp", "expected at most one prompt file");
    if (argc == 2) {
        if (argv[1][0] == '-' && argv[1][1] != '\0')
            return tool_usage("acvp", "unknown option '%s'", argv[1]);
        if (strcmp(argv[1], "-") != 0)
            path = argv[1];
    }

    prompt = load_prompt(path);
    if (prompt == NULL)
        return TOOL_EXIT_FAIL;
    status = answer(prompt, &response, &run);
    if (status == TOOL_EXIT_OK) {
        if (json_dumpf(response, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
            putchar('\n') == EOF) {
            acvp_error(NULL, "cannot write the response");
            status = TOOL_EXIT_FAIL;
        }
        report_unclaimed(&run);
        json_decref(response);
    }
    /* run.algorithm points into the prompt: report before releasing it. */
    json_decref(prompt);
    return status;
}

const struct tool_cmd tool_cmd_acvp = {
    "acvp",
    "answer a NIST ACVP vector set prompt (JSON) for the KAT harness",
    acvp_help,
    acvp_run_cmd,
};
