/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test helpers: the vector folder lookup, algorithm tables, discovery and
 * selection of every implementation the CPU offers, the splitmix64 PRNG
 * and the registry that expands a test into one cmocka test per
 * implementation. See testutil.h.
 */
#include "testutil.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- vectors folder ----------------------------------------------------- */

#define TU_DEFAULT_VECTORS "../shared/vectors"

static char vectors_dir[PATH_MAX];
static char vectors_missing[PATH_MAX + 128];
static int vectors_state; /* 0 unknown, 1 found, -1 absent */

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *tu_vectors_dir(void)
{
    const char *env = getenv("FIPSMOD_VECTORS");
    char exe[PATH_MAX];
    ssize_t n;

    if (vectors_state != 0)
        return vectors_state > 0 ? vectors_dir : NULL;
    vectors_state = -1;
    if (env != NULL && *env != '\0') {
        snprintf(vectors_missing, sizeof vectors_missing,
                 "vectors folder %s (FIPSMOD_VECTORS) not found: CAVP/Wycheproof tests skipped", env);
        if (is_dir(env) && strlen(env) < sizeof vectors_dir) {
            strcpy(vectors_dir, env);
            vectors_state = 1;
        }
        return vectors_state > 0 ? vectors_dir : NULL;
    }
    snprintf(vectors_missing, sizeof vectors_missing,
             "vectors folder %s not found: CAVP/Wycheproof tests skipped", TU_DEFAULT_VECTORS);
    if (is_dir(TU_DEFAULT_VECTORS)) {
        strcpy(vectors_dir, TU_DEFAULT_VECTORS);
        vectors_state = 1;
        return vectors_dir;
    }
    /* Not run from the repository root: <root>/build/tests/test_x. */
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        int up;
        exe[n] = '\0';
        for (up = 0; up < 3; up++) {
            char *slash = strrchr(exe, '/');
            if (slash == NULL)
                break;
            *slash = '\0';
        }
        if (up == 3) {
            int len = snprintf(vectors_dir, sizeof vectors_dir, "%s/%s", exe, TU_DEFAULT_VECTORS);
            if (len > 0 && (size_t)len < sizeof vectors_dir && is_dir(vectors_dir)) {
                vectors_state = 1;
                return vectors_dir;
            }
        }
    }
    return NULL;
}

const char *tu_vectors_missing(void)
{
    (void)tu_vectors_dir();
    return vectors_missing;
}

/* ---- algorithms ------------------------------------------------------------ */

const int tu_algs[TU_NUM_ALGS] = {
    FM_SHA224, FM_SHA256, FM_SHA384, FM_SHA512, FM_SHA512_224, FM_SHA512_256,
};

const char *tu_alg_name(int alg)
{
    switch (alg) {
    case FM_SHA224: return "SHA-224";
    case FM_SHA256: return "SHA-256";
    case FM_SHA384: return "SHA-384";
    case FM_SHA512: return "SHA-512";
    case FM_SHA512_224: return "SHA-512/224";
    case FM_SHA512_256: return "SHA-512/256";
    default: return "unknown";
    }
}

const EVP_MD *tu_evp_md(int alg)
{
    switch (alg) {
    case FM_SHA224: return EVP_sha224();
    case FM_SHA256: return EVP_sha256();
    case FM_SHA384: return EVP_sha384();
    case FM_SHA512: return EVP_sha512();
    case FM_SHA512_224: return EVP_sha512_224();
    case FM_SHA512_256: return EVP_sha512_256();
    default: return NULL;
    }
}

size_t tu_alg_len(int alg)
{
    switch (alg) {
    case FM_SHA224: return FM_SHA224_LEN;
    case FM_SHA256: return FM_SHA256_LEN;
    case FM_SHA384: return FM_SHA384_LEN;
    case FM_SHA512: return FM_SHA512_LEN;
    case FM_SHA512_224: return FM_SHA512_224_LEN;
    case FM_SHA512_256: return FM_SHA512_256_LEN;
    default: return 0;
    }
}

size_t tu_alg_block(int alg)
{
    switch (alg) {
    case FM_SHA224:
    case FM_SHA256: return FM_SHA256_BLOCK_LEN;
    case FM_SHA384:
    case FM_SHA512:
    case FM_SHA512_224:
    case FM_SHA512_256: return FM_SHA512_BLOCK_LEN;
    default: return 0;
    }
}

int tu_alg_family(int alg)
{
    return (alg == FM_SHA224 || alg == FM_SHA256) ? FM_FAMILY_SHA256 : FM_FAMILY_SHA512;
}

/* ---- implementations ------------------------------------------------------- */

tu_impl_set tu_impls[FM_FAMILY_MAX + 1];
uint32_t tu_detected;

/* Accelerated implementations this suite expects where the CPU allows. */
static const struct {
    int family;
    const char *name;
    uint32_t needs;
    const char *feature;
} known_impls[] = {
    { FM_FAMILY_SHA256, "shani", FM_CPU_SHANI | FM_CPU_SSE41 | FM_CPU_SSSE3, "SHA-NI" },
    { FM_FAMILY_AES, "aesni", FM_CPU_AESNI | FM_CPU_SSSE3 | FM_CPU_PCLMUL, "AES-NI and PCLMULQDQ" },
    { FM_FAMILY_AES, "vaes", FM_CPU_AESNI | FM_CPU_SSSE3 | FM_CPU_PCLMUL | FM_CPU_AVX2 | FM_CPU_VAES |
                             FM_CPU_VPCLMUL, "VAES and VPCLMULQDQ" },
    { FM_FAMILY_RSA, "mulx", FM_CPU_BMI2 | FM_CPU_ADX, "BMI2 and ADX" },
    { FM_FAMILY_RSA, "ifma", FM_CPU_BMI2 | FM_CPU_ADX | FM_CPU_AVX512 | FM_CPU_AVX512IFMA,
      "AVX-512 IFMA" },
    { FM_FAMILY_EC, "mulx", FM_CPU_BMI2 | FM_CPU_ADX, "BMI2 and ADX" },
};

static const char *family_name(int family)
{
    switch (family) {
    case FM_FAMILY_SHA256: return "SHA-224/256";
    case FM_FAMILY_SHA512: return "SHA-384/512";
    case FM_FAMILY_AES:    return "AES";
    case FM_FAMILY_RSA:    return "RSA";
    case FM_FAMILY_EC:     return "EC";
    default:               return "unknown family";
    }
}

/* Try every subset of the detected features; keep each distinct name. */
static int discover(int family, tu_impl_set *set)
{
    uint32_t d = tu_detected & FM_CPU_ALL, sub = 0;
    const char *name;

    memset(set, 0, sizeof *set);
    set->family = family;
    for (;;) {
        size_t i;

        /* sub runs 0, then every non-empty subset of d in increasing order. */
        if (fm_cpu_set_features(sub) != FM_OK || fm_impl_name(family, &name) != FM_OK || name == NULL)
            return -1;
        for (i = 0; i < set->n; i++)
            if (strcmp(set->impl[i].name, name) == 0)
                break;
        if (i == set->n) {
            if (set->n == TU_MAX_IMPLS)
                return -1;
            set->impl[set->n].name = name;
            set->impl[set->n].mask = sub;
            set->n++;
        }
        if (sub == d)
            break;
        sub = (sub - d) & d; /* next subset of d */
    }
    if (strcmp(set->impl[0].name, "portable") != 0) {
        printf("fm_cpu_set_features(FM_CPU_PORTABLE) selects \"%s\" for %s, not \"portable\"\n",
               set->impl[0].name, family_name(family));
        return -1;
    }
    return 0;
}

int tu_impl_select(int family, const tu_impl *impl)
{
    const char *name = NULL;
    int rc;

    if (impl == NULL || impl->name == NULL) {
        rc = fm_cpu_set_features(FM_CPU_ALL);
        if (rc != FM_OK) {
            printf("fm_cpu_set_features(FM_CPU_ALL) = %d\n", rc);
            return -1;
        }
        return 0;
    }
    rc = fm_cpu_set_features(impl->mask);
    if (rc != FM_OK) {
        printf("fm_cpu_set_features(0x%x) = %d\n", (unsigned)impl->mask, rc);
        return -1;
    }
    rc = fm_impl_name(family, &name);
    if (rc != FM_OK || name == NULL || strcmp(name, impl->name) != 0) {
        printf("fm_cpu_set_features(0x%x) selected \"%s\" (rc %d) for %s, expected \"%s\"\n",
               (unsigned)impl->mask, name ? name : "(null)", rc, family_name(family), impl->name);
        return -1;
    }
    return 0;
}

/* ---- PRNG ---------------------------------------------------------------------- */

uint64_t tu_seed = 0x5eedf1b5c0ffee01ull;

void tu_rng_init(tu_rng *r, uint64_t seed)
{
    r->s = seed;
}

void tu_rng_init_named(tu_rng *r, const char *name)
{
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a of the name */

    while (*name != '\0') {
        h ^= (uint8_t)*name++;
        h *= 0x100000001b3ull;
    }
    r->s = tu_seed ^ h;
}

uint64_t tu_rng_u64(tu_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

size_t tu_rng_below(tu_rng *r, size_t n)
{
    return n == 0 ? 0 : (size_t)(tu_rng_u64(r) % n);
}

void tu_rng_fill(tu_rng *r, void *p, size_t n)
{
    uint8_t *b = p;

    while (n >= 8) {
        uint64_t v = tu_rng_u64(r);
        memcpy(b, &v, 8);
        b += 8;
        n -= 8;
    }
    if (n > 0) {
        uint64_t v = tu_rng_u64(r);
        memcpy(b, &v, n);
    }
}

/* ---- registry ---------------------------------------------------------------- */

void tu_init(const char *program)
{
    const char *seed = getenv("FIPSMOD_TEST_SEED");
    const char *hide = getenv("FIPSMOD_TEST_CPU_MASK");
    uint32_t enabled = 0;
    int rc, f;
    size_t i;

    setvbuf(stdout, NULL, _IOLBF, 0);
    rc = fm_init(0);
    if (rc != FM_OK) {
        const char *name = "?";
        fm_error_name(rc, &name);
        printf("%s: fm_init(0) failed: %d %s\n", program, rc, name);
        exit(1);
    }
    if (fm_cpu_features(&tu_detected, &enabled) != FM_OK) {
        printf("%s: fm_cpu_features failed\n", program);
        exit(1);
    }
    if (hide != NULL && *hide != '\0') {
        /* Test the harness itself as if on a CPU with fewer features. */
        tu_detected &= (uint32_t)strtoul(hide, NULL, 0);
        printf("%s: FIPSMOD_TEST_CPU_MASK=%s: testing as if the CPU had only 0x%03x\n", program,
               hide, (unsigned)tu_detected);
    }
    for (f = FM_FAMILY_SHA256; f <= FM_FAMILY_MAX; f++) {
        if (discover(f, &tu_impls[f]) != 0) {
            printf("%s: cannot enumerate the %s implementations\n", program, family_name(f));
            exit(1);
        }
    }
    if (fm_cpu_set_features(FM_CPU_ALL) != FM_OK) {
        printf("%s: fm_cpu_set_features(FM_CPU_ALL) failed\n", program);
        exit(1);
    }
    if (seed != NULL && *seed != '\0')
        tu_seed = strtoull(seed, NULL, 0);
    printf("%s: CPU features detected 0x%03x; random seed 0x%016llx (set FIPSMOD_TEST_SEED to repeat)\n",
           program, (unsigned)tu_detected, (unsigned long long)tu_seed);
    for (f = FM_FAMILY_SHA256; f <= FM_FAMILY_MAX; f++) {
        printf("%s: %s implementations:", program, family_name(f));
        for (i = 0; i < tu_impls[f].n; i++)
            printf(" %s (mask 0x%03x)", tu_impls[f].impl[i].name, (unsigned)tu_impls[f].impl[i].mask);
        printf("\n");
    }
    for (i = 0; i < sizeof known_impls / sizeof known_impls[0]; i++) {
        if ((tu_detected & known_impls[i].needs) != known_impls[i].needs)
            printf("SKIP %s: CPU lacks %s\n", known_impls[i].name, known_impls[i].feature);
    }
}

tu_case *tu_add(tu_suite *s, CMUnitTestFunction fn, const tu_case *tmpl, const char *fmt, ...)
{
    tu_case *c;
    va_list ap;

    if (s->n >= TU_MAX_TESTS) {
        printf("too many tests: raise TU_MAX_TESTS\n");
        exit(1);
    }
    c = &s->cases[s->n];
    if (tmpl != NULL)
        *c = *tmpl;
    else
        memset(c, 0, sizeof *c);
    va_start(ap, fmt);
    vsnprintf(c->name, sizeof c->name, fmt, ap);
    va_end(ap);
    s->tests[s->n].name = c->name;
    s->tests[s->n].test_func = fn;
    s->tests[s->n].setup_func = NULL;
    s->tests[s->n].teardown_func = NULL;
    s->tests[s->n].initial_state = c;
    s->n++;
    return c;
}

void tu_add_per_impl(tu_suite *s, CMUnitTestFunction fn, const tu_case *tmpl, const char *label)
{
    const tu_impl_set *set = &tu_impls[tmpl->family];
    size_t i, j;

    for (i = 0; i < set->n; i++) {
        tu_case *c = tu_add(s, fn, tmpl, "%s [%s]", label, set->impl[i].name);
        c->impl = set->impl[i];
    }
    for (j = 0; j < sizeof known_impls / sizeof known_impls[0]; j++) {
        tu_case *c;

        if (known_impls[j].family != tmpl->family)
            continue;
        for (i = 0; i < set->n; i++)
            if (strcmp(set->impl[i].name, known_impls[j].name) == 0)
                break;
        if (i < set->n)
            continue;
        c = tu_add(s, fn, tmpl, "%s [%s]", label, known_impls[j].name);
        if ((tu_detected & known_impls[j].needs) != known_impls[j].needs)
            snprintf(c->skip_reason, sizeof c->skip_reason, "SKIP %s: CPU lacks %s",
                     known_impls[j].name, known_impls[j].feature);
        else
            snprintf(c->fail_reason, sizeof c->fail_reason,
                     "the CPU has %s (cpu mask 0x%03x) but no feature mask makes fm_impl_name "
                     "report \"%s\" for %s", known_impls[j].feature, (unsigned)tu_detected,
                     known_impls[j].name, family_name(known_impls[j].family));
    }
}

tu_case *tu_begin(void **state)
{
    tu_case *c = *state;

    if (c->skip_reason[0] != '\0') {
        printf("%s\n", c->skip_reason);
        skip();
    }
    if (c->fail_reason[0] != '\0')
        fail_msg("%s", c->fail_reason);
    if (c->family != 0) {
        if (tu_impl_select(c->family, &c->impl) != 0)
            fail_msg("cannot select implementation %s", c->impl.name ? c->impl.name : "(default)");
    } else {
        assert_int_equal(fm_cpu_set_features(FM_CPU_ALL), FM_OK);
    }
    return c;
}

const char *tu_vector_path(const tu_case *c, char *buf, size_t cap)
{
    const char *dir = tu_vectors_dir();
    struct stat st;

    if (dir == NULL) {
        printf("%s\n", tu_vectors_missing());
        skip();
    }
    if ((size_t)snprintf(buf, cap, "%s/%s", dir, c->file) >= cap)
        fail_msg("path too long: %s/%s", dir, c->file);
    if (stat(buf, &st) != 0 || !S_ISREG(st.st_mode))
        fail_msg("vectors folder %s exists but %s is missing", dir, buf);
    return buf;
}

int tu_run(tu_suite *s, const char *group)
{
    return cmocka_run_group_tests_name(group, s->tests, NULL, NULL);
}
