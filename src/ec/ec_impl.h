/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The group law, scalar multiplication and the ECDSA core for one prime
 * curve y^2 = x^3 - 3x + b (SP 800-186 3.2.1: P-256, P-384, P-521), as a
 * template: a curve file (p256.c, ...) includes its field arithmetic
 * (PFX_field.c), defines the parameters below, and includes this header,
 * which then defines the curve's functions under its prefix. One text for
 * the three curves; the field code, which is where the time goes, is per
 * curve.
 *
 * The field contract (PFX_field.c; elements are uint64_t[EC_FE_LIMBS] in a
 * representation of the file's choosing, every output a valid input of
 * every function with no limit on chaining, the output may alias an input,
 * all constant time): PFX_fe_add, _sub, _mul, _sqr; _inv (a^(p-2), 0 for
 * 0); _sqrt (a^((p+1)/4), checked by the caller); _from_bytes (big-endian,
 * 0, or -1 and zero when >= p); _to_bytes (canonical); _is_zero (~0 or 0);
 * the constants PFX_fe_one and PFX_fe_b.
 *
 * Parameters the curve file defines before including:
 *   EC_PFX(name)   name with the curve's prefix (p256_##name)
 *   EC_FE_LIMBS    limbs of a field element; EC_SC_LIMBS limbs of a scalar
 *   EC_BYTES       bytes of a field element and of a scalar (32, 48, 66)
 *   EC_BITS        bit length of n (and of p)
 *   EC_COMB_W, EC_COMB_S  the fixed-base comb: W-bit signed digits, one
 *                  table row for every S digits (see ec_mul_base)
 *   and the constants PFX_n, PFX_n0, PFX_n_rr (the order n in little-
 *   endian limbs, -n^-1 mod 2^64, 2^(128 EC_SC_LIMBS) mod n), PFX_p_limbs
 *   (p, EC_SC_LIMBS little-endian limbs), PFX_gx, PFX_gy
 *   (the generator, big-endian) and, unless EC_NO_BASE_TABLE (the table
 *   generator, src/gen/ec_tables.c), PFX_base_table from PFX_table.h.
 *
 * Points are projective (X:Y:Z) with the complete formulas of Renes,
 * Costello and Batina, "Complete addition formulas for prime order elliptic
 * curves" (EUROCRYPT 2016), Algorithms 4, 5 and 6 for a = -3: no input
 * (the point at infinity (0:1:0), equal or opposite points) needs a branch,
 * so a secret scalar never steers one. The affine point of the mixed
 * addition must not be infinity; the table's points never are.
 *
 * What is secret: in ec_mul_base and ecdsa_sign_core, the scalar (k or d),
 * every digit, every intermediate point and scalar. What is public: the
 * curve constants and the table, table positions, and everything in
 * ecdsa_verify_core and the public-key functions (ec_mul_double_vartime
 * branches on the digits of u1 and u2, which are public).
 */

#define ec_fe_add   EC_PFX(fe_add)
#define ec_fe_sub   EC_PFX(fe_sub)
#define ec_fe_mul   EC_PFX(fe_mul)
#define ec_fe_sqr   EC_PFX(fe_sqr)
#define ec_fe_inv   EC_PFX(fe_inv)
#define ec_fe_sqrt  EC_PFX(fe_sqrt)
#define ec_fe_from_bytes EC_PFX(fe_from_bytes)
#define ec_fe_to_bytes   EC_PFX(fe_to_bytes)
#define ec_fe_is_zero    EC_PFX(fe_is_zero)
#define ec_fe_one   EC_PFX(fe_one)
#define ec_fe_b     EC_PFX(fe_b)
#define ec_n        EC_PFX(n)
#define ec_p        EC_PFX(p_limbs)
#define ec_n0       EC_PFX(n0)
#define ec_n_rr     EC_PFX(n_rr)
#define ec_gx       EC_PFX(gx)
#define ec_gy       EC_PFX(gy)
#define ec_base_table EC_PFX(base_table)

#define ec_point    EC_PFX(point)
#define ec_affine   EC_PFX(affine)

#define EC_COMB_DIGITS (EC_BITS / EC_COMB_W + 1)
#define EC_COMB_ROWS   ((EC_COMB_DIGITS + EC_COMB_S - 1) / EC_COMB_S)
#define EC_COMB_POINTS (1 << (EC_COMB_W - 1))

typedef struct {
    uint64_t x[EC_FE_LIMBS], y[EC_FE_LIMBS], z[EC_FE_LIMBS];
} ec_point;

typedef struct {
    uint64_t x[EC_FE_LIMBS], y[EC_FE_LIMBS];
} ec_affine;

/* ---- field helpers ------------------------------------------------------- */

static inline void EC_PFX(fe_assign)(uint64_t *r, const uint64_t *a)
{
    for (int i = 0; i < EC_FE_LIMBS; i++)
        r[i] = a[i];
}

/* r = a where mask is all-ones, r unchanged where it is zero. */
static inline void EC_PFX(fe_select)(uint64_t *r, const uint64_t *a, uint64_t mask)
{
    for (int i = 0; i < EC_FE_LIMBS; i++)
        r[i] ^= mask & (r[i] ^ a[i]);
}

static inline void EC_PFX(fe_negate)(uint64_t *r, const uint64_t *a)
{
    uint64_t zero[EC_FE_LIMBS] = {0};

    ec_fe_sub(r, zero, a);
}

/* ~0 if a == b in the field (either may be in any representation). */
static inline uint64_t EC_PFX(fe_same)(const uint64_t *a, const uint64_t *b)
{
    uint64_t d[EC_FE_LIMBS];

    ec_fe_sub(d, a, b);
    return ec_fe_is_zero(d);
}

/* The formulas' temporaries hold secret-derived values when a secret
 * scalar is being multiplied: zeroed before each formula returns. */
static inline void EC_PFX(wipe_formula)(uint64_t *a, uint64_t *b, uint64_t *c, uint64_t *d,
                                        uint64_t *e, uint64_t *f, uint64_t *g, uint64_t *h)
{
    wipe(a, 8 * EC_FE_LIMBS);
    wipe(b, 8 * EC_FE_LIMBS);
    wipe(c, 8 * EC_FE_LIMBS);
    wipe(d, 8 * EC_FE_LIMBS);
    wipe(e, 8 * EC_FE_LIMBS);
    wipe(f, 8 * EC_FE_LIMBS);
    wipe(g, 8 * EC_FE_LIMBS);
    wipe(h, 8 * EC_FE_LIMBS);
}

/* ---- the group law (RCB 2016, a = -3) ------------------------------------ */

/* Algorithm 4: r = p + q, complete. r may alias p or q. */
static void EC_PFX(point_add)(ec_point *r, const ec_point *p, const ec_point *q)
{
    uint64_t t0[EC_FE_LIMBS], t1[EC_FE_LIMBS], t2[EC_FE_LIMBS], t3[EC_FE_LIMBS],
        t4[EC_FE_LIMBS], x3[EC_FE_LIMBS], y3[EC_FE_LIMBS], z3[EC_FE_LIMBS];

    ec_fe_mul(t0, p->x, q->x);
    ec_fe_mul(t1, p->y, q->y);
    ec_fe_mul(t2, p->z, q->z);
    ec_fe_add(t3, p->x, p->y);
    ec_fe_add(t4, q->x, q->y);
    ec_fe_mul(t3, t3, t4);
    ec_fe_add(t4, t0, t1);
    ec_fe_sub(t3, t3, t4);
    ec_fe_add(t4, p->y, p->z);
    ec_fe_add(x3, q->y, q->z);
    ec_fe_mul(t4, t4, x3);
    ec_fe_add(x3, t1, t2);
    ec_fe_sub(t4, t4, x3);
    ec_fe_add(x3, p->x, p->z);
    ec_fe_add(y3, q->x, q->z);
    ec_fe_mul(x3, x3, y3);
    ec_fe_add(y3, t0, t2);
    ec_fe_sub(y3, x3, y3);
    ec_fe_mul(z3, ec_fe_b, t2);
    ec_fe_sub(x3, y3, z3);
    ec_fe_add(z3, x3, x3);
    ec_fe_add(x3, x3, z3);
    ec_fe_sub(z3, t1, x3);
    ec_fe_add(x3, t1, x3);
    ec_fe_mul(y3, ec_fe_b, y3);
    ec_fe_add(t1, t2, t2);
    ec_fe_add(t2, t1, t2);
    ec_fe_sub(y3, y3, t2);
    ec_fe_sub(y3, y3, t0);
    ec_fe_add(t1, y3, y3);
    ec_fe_add(y3, t1, y3);
    ec_fe_add(t1, t0, t0);
    ec_fe_add(t0, t1, t0);
    ec_fe_sub(t0, t0, t2);
    ec_fe_mul(t1, t4, y3);
    ec_fe_mul(t2, t0, y3);
    ec_fe_mul(y3, x3, z3);
    ec_fe_add(r->y, y3, t2);
    ec_fe_mul(x3, t3, x3);
    ec_fe_sub(r->x, x3, t1);
    ec_fe_mul(z3, t4, z3);
    ec_fe_mul(t1, t3, t0);
    ec_fe_add(r->z, z3, t1);
    EC_PFX(wipe_formula)(t0, t1, t2, t3, t4, x3, y3, z3);
}

/* Algorithm 5: r = p + (qx, qy), complete for any p and an affine q (never
 * infinity). r may alias p. */
static void EC_PFX(point_add_affine)(ec_point *r, const ec_point *p, const uint64_t *qx,
                                     const uint64_t *qy)
{
    uint64_t t0[EC_FE_LIMBS], t1[EC_FE_LIMBS], t2[EC_FE_LIMBS], t3[EC_FE_LIMBS],
        t4[EC_FE_LIMBS], x3[EC_FE_LIMBS], y3[EC_FE_LIMBS], z3[EC_FE_LIMBS];

    ec_fe_mul(t0, p->x, qx);
    ec_fe_mul(t1, p->y, qy);
    ec_fe_add(t3, qx, qy);
    ec_fe_add(t4, p->x, p->y);
    ec_fe_mul(t3, t3, t4);
    ec_fe_add(t4, t0, t1);
    ec_fe_sub(t3, t3, t4);
    ec_fe_mul(t4, qy, p->z);
    ec_fe_add(t4, t4, p->y);
    ec_fe_mul(y3, qx, p->z);
    ec_fe_add(y3, y3, p->x);
    ec_fe_mul(z3, ec_fe_b, p->z);
    ec_fe_sub(x3, y3, z3);
    ec_fe_add(z3, x3, x3);
    ec_fe_add(x3, x3, z3);
    ec_fe_sub(z3, t1, x3);
    ec_fe_add(x3, t1, x3);
    ec_fe_mul(y3, ec_fe_b, y3);
    ec_fe_add(t1, p->z, p->z);
    ec_fe_add(t2, t1, p->z);
    ec_fe_sub(y3, y3, t2);
    ec_fe_sub(y3, y3, t0);
    ec_fe_add(t1, y3, y3);
    ec_fe_add(y3, t1, y3);
    ec_fe_add(t1, t0, t0);
    ec_fe_add(t0, t1, t0);
    ec_fe_sub(t0, t0, t2);
    ec_fe_mul(t1, t4, y3);
    ec_fe_mul(t2, t0, y3);
    ec_fe_mul(y3, x3, z3);
    ec_fe_add(r->y, y3, t2);
    ec_fe_mul(x3, t3, x3);
    ec_fe_sub(r->x, x3, t1);
    ec_fe_mul(z3, t4, z3);
    ec_fe_mul(t1, t3, t0);
    ec_fe_add(r->z, z3, t1);
    EC_PFX(wipe_formula)(t0, t1, t2, t3, t4, x3, y3, z3);
}

/* Algorithm 6: r = 2p, complete. r may alias p. */
static void EC_PFX(point_double)(ec_point *r, const ec_point *p)
{
    uint64_t t0[EC_FE_LIMBS], t1[EC_FE_LIMBS], t2[EC_FE_LIMBS], t3[EC_FE_LIMBS],
        x3[EC_FE_LIMBS], y3[EC_FE_LIMBS], z3[EC_FE_LIMBS];

    ec_fe_sqr(t0, p->x);
    ec_fe_sqr(t1, p->y);
    ec_fe_sqr(t2, p->z);
    ec_fe_mul(t3, p->x, p->y);
    ec_fe_add(t3, t3, t3);
    ec_fe_mul(z3, p->x, p->z);
    ec_fe_add(z3, z3, z3);
    ec_fe_mul(y3, ec_fe_b, t2);
    ec_fe_sub(y3, y3, z3);
    ec_fe_add(x3, y3, y3);
    ec_fe_add(y3, x3, y3);
    ec_fe_sub(x3, t1, y3);
    ec_fe_add(y3, t1, y3);
    ec_fe_mul(y3, x3, y3);
    ec_fe_mul(x3, x3, t3);
    ec_fe_add(t3, t2, t2);
    ec_fe_add(t2, t2, t3);
    ec_fe_mul(z3, ec_fe_b, z3);
    ec_fe_sub(z3, z3, t2);
    ec_fe_sub(z3, z3, t0);
    ec_fe_add(t3, z3, z3);
    ec_fe_add(z3, z3, t3);
    ec_fe_add(t3, t0, t0);
    ec_fe_add(t0, t3, t0);
    ec_fe_sub(t0, t0, t2);
    ec_fe_mul(t0, t0, z3);
    ec_fe_add(y3, y3, t0);
    ec_fe_mul(t0, p->y, p->z);
    ec_fe_add(t0, t0, t0);
    ec_fe_mul(z3, t0, z3);
    ec_fe_sub(r->x, x3, z3);
    ec_fe_mul(z3, t0, t1);
    ec_fe_add(z3, z3, z3);
    ec_fe_add(r->z, z3, z3);
    EC_PFX(fe_assign)(r->y, y3);
    EC_PFX(wipe_formula)(t0, t1, t2, t3, x3, y3, z3, z3);
}

static void EC_PFX(point_set_infinity)(ec_point *r)
{
    uint64_t zero[EC_FE_LIMBS] = {0};

    EC_PFX(fe_assign)(r->x, zero);
    EC_PFX(fe_assign)(r->y, ec_fe_one);
    EC_PFX(fe_assign)(r->z, zero);
}

/* (x, y) = the affine form of p, ~0 returned if p is the point at infinity
 * (then x = y = 0). Constant time: Z goes through its canonical bytes to
 * the safegcd inversion modulo p (inv_safegcd), several times faster than
 * the field's exponentiation. */
static void EC_PFX(inv_safegcd)(uint64_t *r, const uint64_t *x, const uint64_t *mod);
static uint64_t EC_PFX(sc_from_bytes)(uint64_t *r, const uint8_t *in);
static void EC_PFX(sc_to_bytes)(uint8_t *out, const uint64_t *a);

static uint64_t EC_PFX(point_to_affine)(uint64_t *x, uint64_t *y, const ec_point *p)
{
    uint64_t zi[EC_FE_LIMBS], zl[EC_SC_LIMBS];
    uint8_t zb[EC_BYTES];

    ec_fe_to_bytes(zb, p->z);
    (void)EC_PFX(sc_from_bytes)(zl, zb); /* the limbs of Z (its "below n" flag unused) */
    EC_PFX(inv_safegcd)(zl, zl, ec_p); /* 0 for Z = 0 */
    EC_PFX(sc_to_bytes)(zb, zl);
    (void)ec_fe_from_bytes(zi, zb);
    ec_fe_mul(x, p->x, zi);
    ec_fe_mul(y, p->y, zi);
    wipe(zi, sizeof zi);
    wipe(zl, sizeof zl);
    wipe(zb, sizeof zb);
    return ec_fe_is_zero(p->z);
}

/* ~0 if (x, y) satisfies y^2 = x^3 - 3x + b. */
static uint64_t EC_PFX(on_curve)(const uint64_t *x, const uint64_t *y)
{
    uint64_t lhs[EC_FE_LIMBS], rhs[EC_FE_LIMBS], t[EC_FE_LIMBS];

    ec_fe_sqr(lhs, y);
    ec_fe_sqr(rhs, x);
    ec_fe_mul(rhs, rhs, x);
    ec_fe_add(t, x, x);
    ec_fe_add(t, t, x);
    ec_fe_sub(rhs, rhs, t);
    ec_fe_add(rhs, rhs, ec_fe_b);
    return EC_PFX(fe_same)(lhs, rhs);
}

/* ---- scalars modulo n: Montgomery arithmetic, R = 2^(64 EC_SC_LIMBS) --- */

/* r = a * b / R mod n, for a, b < n (CIOS). Constant time. The loops
 * have constant trip counts; unrolling them keeps t in registers (about 3x
 * faster for 9 limbs than the rolled loop). */
static void EC_PFX(sc_mont_mul)(uint64_t *r, const uint64_t *a, const uint64_t *b)
{
    uint64_t t[EC_SC_LIMBS + 2], d[EC_SC_LIMBS];
    unsigned __int128 acc;
    uint64_t borrow = 0, m;

#pragma GCC unroll 16
    for (int j = 0; j < EC_SC_LIMBS + 2; j++)
        t[j] = 0;
#pragma GCC unroll 16
    for (int i = 0; i < EC_SC_LIMBS; i++) {
        uint64_t c = 0;
#pragma GCC unroll 16
        for (int j = 0; j < EC_SC_LIMBS; j++) {
            acc = (unsigned __int128)a[j] * b[i] + t[j] + c;
            t[j] = (uint64_t)acc;
            c = (uint64_t)(acc >> 64);
        }
        acc = (unsigned __int128)t[EC_SC_LIMBS] + c;
        t[EC_SC_LIMBS] = (uint64_t)acc;
        t[EC_SC_LIMBS + 1] = (uint64_t)(acc >> 64);
        m = t[0] * ec_n0;
        acc = (unsigned __int128)m * ec_n[0] + t[0];
        c = (uint64_t)(acc >> 64);
#pragma GCC unroll 16
        for (int j = 1; j < EC_SC_LIMBS; j++) {
            acc = (unsigned __int128)m * ec_n[j] + t[j] + c;
            t[j - 1] = (uint64_t)acc;
            c = (uint64_t)(acc >> 64);
        }
        acc = (unsigned __int128)t[EC_SC_LIMBS] + c;
        t[EC_SC_LIMBS - 1] = (uint64_t)acc;
        t[EC_SC_LIMBS] = t[EC_SC_LIMBS + 1] + (uint64_t)(acc >> 64);
    }
    /* t < 2n: subtract n unless that borrows (and t fits in the limbs). */
#pragma GCC unroll 16
    for (int j = 0; j < EC_SC_LIMBS; j++) {
        unsigned __int128 diff = (unsigned __int128)t[j] - ec_n[j] - borrow;
        d[j] = (uint64_t)diff;
        borrow = (uint64_t)(diff >> 64) & 1;
    }
    m = 0 - ((borrow & ~t[EC_SC_LIMBS]) & 1); /* ~0: keep t */
#pragma GCC unroll 16
    for (int j = 0; j < EC_SC_LIMBS; j++)
        r[j] = (t[j] & m) | (d[j] & ~m);
    wipe(t, sizeof t);
    wipe(d, sizeof d);
}

/* r = a + b mod n, for a, b < n. */
static void EC_PFX(sc_add)(uint64_t *r, const uint64_t *a, const uint64_t *b)
{
    uint64_t s[EC_SC_LIMBS], d[EC_SC_LIMBS], carry = 0, borrow = 0, keep;

    for (int j = 0; j < EC_SC_LIMBS; j++) {
        unsigned __int128 sum = (unsigned __int128)a[j] + b[j] + carry;
        s[j] = (uint64_t)sum;
        carry = (uint64_t)(sum >> 64);
    }
    for (int j = 0; j < EC_SC_LIMBS; j++) {
        unsigned __int128 diff = (unsigned __int128)s[j] - ec_n[j] - borrow;
        d[j] = (uint64_t)diff;
        borrow = (uint64_t)(diff >> 64) & 1;
    }
    keep = 0 - ((borrow & ~carry) & 1); /* s < n */
    for (int j = 0; j < EC_SC_LIMBS; j++)
        r[j] = (s[j] & keep) | (d[j] & ~keep);
    wipe(s, sizeof s);
    wipe(d, sizeof d);
}

/* r = the EC_BYTES big-endian bytes of `in` as limbs. Returns ~0 if the
 * value is below n. Constant time. */
static uint64_t EC_PFX(sc_from_bytes)(uint64_t *r, const uint8_t *in)
{
    uint64_t borrow = 0;

    for (int j = 0; j < EC_SC_LIMBS; j++) {
        uint64_t w = 0;
        for (int b = 0; b < 8; b++) {
            int pos = EC_BYTES - 1 - (8 * j + b);
            if (pos >= 0)
                w |= (uint64_t)in[pos] << (8 * b);
        }
        r[j] = w;
    }
    for (int j = 0; j < EC_SC_LIMBS; j++) {
        unsigned __int128 diff = (unsigned __int128)r[j] - ec_n[j] - borrow;
        borrow = (uint64_t)(diff >> 64) & 1;
    }
    return 0 - borrow;
}

static void EC_PFX(sc_to_bytes)(uint8_t *out, const uint64_t *a)
{
    for (int i = 0; i < EC_BYTES; i++)
        out[EC_BYTES - 1 - i] = (uint8_t)(a[i / 8] >> (8 * (i % 8)));
}

/* r = a mod n for a < 2^EC_BITS < 2n: one conditional subtraction. */
static void EC_PFX(sc_reduce_once)(uint64_t *r, const uint64_t *a)
{
    uint64_t d[EC_SC_LIMBS], borrow = 0, keep;

    for (int j = 0; j < EC_SC_LIMBS; j++) {
        unsigned __int128 diff = (unsigned __int128)a[j] - ec_n[j] - borrow;
        d[j] = (uint64_t)diff;
        borrow = (uint64_t)(diff >> 64) & 1;
    }
    keep = 0 - borrow;
    for (int j = 0; j < EC_SC_LIMBS; j++)
        r[j] = (a[j] & keep) | (d[j] & ~keep);
    wipe(d, sizeof d);
}

static uint64_t EC_PFX(sc_is_zero)(const uint64_t *a)
{
    uint64_t acc = 0;

    for (int j = 0; j < EC_SC_LIMBS; j++)
        acc |= a[j];
    return ((acc | (0 - acc)) >> 63) - 1;
}

/* ---- constant-time inversion by safegcd ------------------------------------ */

/*
 * x^-1 mod m for an odd modulus m and 0 < x < m, in constant time, by the
 * divsteps of Bernstein and Yang ("Fast constant-time gcd computation and
 * modular inversion", TCHES 2019), in batches of 62 on signed 62-bit limbs
 * (the layout libsecp256k1's modinv64 popularised). A fixed number of
 * batches covers the worst case of Theorem 11.2: floor((49 d + 57) / 17)
 * divsteps for d-bit inputs. About ten times faster than Fermat's
 * exponentiation for these sizes, with no branch on x.
 *
 * Numbers are EC_S62 limbs v[0..] of 62 bits (the top one signed); the
 * 2x2 transition matrix of a batch is scaled by 2^62.
 */
#define EC_S62 (EC_BITS / 62 + 1)
#define EC_DIVSTEPS ((49 * EC_BITS + 57) / 17 + 1)
#define EC_M62 (UINT64_MAX >> 2)

typedef struct {
    int64_t u, v, q, r;
} EC_PFX(trans);

/*
 * 62 divsteps on the low bits of f and g. Each step is, with masks
 * (delta is secret-valued too):
 *   delta > 0, g odd:  (delta, f, g) = (1 - delta, g, (g - f) / 2)
 *   g odd otherwise:   (delta, f, g) = (1 + delta, f, (g + f) / 2)
 *   g even:            (delta, f, g) = (1 + delta, f, g / 2)
 * written as: g += (+-f if g odd), then, in the first case, f += g (which
 * gives the old g), so a swap costs additions rather than exchanges. The
 * state is eta = -delta, whose sign bit is the test (one shift, no
 * compare). Returns the new eta.
 */
static int64_t EC_PFX(divsteps_62)(int64_t eta, uint64_t f, uint64_t g, EC_PFX(trans) *t)
{
    uint64_t u = 1, v = 0, q = 0, r = 1, c1, c2, x, y, z;

    for (int i = 0; i < 62; i++) {
        c1 = (uint64_t)(eta >> 63);      /* delta > 0 */
        c2 = 0 - (g & 1);                /* g odd */
        x = (f ^ c1) - c1;
        y = (u ^ c1) - c1;
        z = (v ^ c1) - c1;
        g += x & c2;
        q += y & c2;
        r += z & c2;
        c1 &= c2;
        eta = (int64_t)(((uint64_t)eta ^ c1) - c1) - 1; /* swap: eta = -eta - 1 */
        f += g & c1;
        u += q & c1;
        v += r & c1;
        g >>= 1;
        u <<= 1;
        v <<= 1;
    }
    t->u = (int64_t)u;
    t->v = (int64_t)v;
    t->q = (int64_t)q;
    t->r = (int64_t)r;
    return eta;
}

/* (f, g) = t (f, g) / 2^62, exactly. */
static void EC_PFX(update_fg)(int64_t *f, int64_t *g, const EC_PFX(trans) *t)
{
    __int128 cf = (__int128)t->u * f[0] + (__int128)t->v * g[0];
    __int128 cg = (__int128)t->q * f[0] + (__int128)t->r * g[0];

    cf >>= 62;
    cg >>= 62;
    for (int i = 1; i < EC_S62; i++) {
        cf += (__int128)t->u * f[i] + (__int128)t->v * g[i];
        cg += (__int128)t->q * f[i] + (__int128)t->r * g[i];
        f[i - 1] = (int64_t)((uint64_t)cf & EC_M62);
        g[i - 1] = (int64_t)((uint64_t)cg & EC_M62);
        cf >>= 62;
        cg >>= 62;
    }
    f[EC_S62 - 1] = (int64_t)cf;
    g[EC_S62 - 1] = (int64_t)cg;
}

/* (d, e) = (t (d, e) + m (md, me)) / 2^62 with md, me chosen so that the
 * division is exact; d and e stay in (-2m, m). minv = m^-1 mod 2^62. */
static void EC_PFX(update_de)(int64_t *d, int64_t *e, const EC_PFX(trans) *t, const int64_t *m,
                              uint64_t minv)
{
    int64_t sd = d[EC_S62 - 1] >> 63, se = e[EC_S62 - 1] >> 63;
    int64_t md = (t->u & sd) + (t->v & se), me = (t->q & sd) + (t->r & se);
    __int128 cd = (__int128)t->u * d[0] + (__int128)t->v * e[0];
    __int128 ce = (__int128)t->q * d[0] + (__int128)t->r * e[0];

    md -= (int64_t)((minv * (uint64_t)cd + (uint64_t)md) & EC_M62);
    me -= (int64_t)((minv * (uint64_t)ce + (uint64_t)me) & EC_M62);
    cd += (__int128)m[0] * md;
    ce += (__int128)m[0] * me;
    cd >>= 62;
    ce >>= 62;
    for (int i = 1; i < EC_S62; i++) {
        cd += (__int128)t->u * d[i] + (__int128)t->v * e[i] + (__int128)m[i] * md;
        ce += (__int128)t->q * d[i] + (__int128)t->r * e[i] + (__int128)m[i] * me;
        d[i - 1] = (int64_t)((uint64_t)cd & EC_M62);
        e[i - 1] = (int64_t)((uint64_t)ce & EC_M62);
        cd >>= 62;
        ce >>= 62;
    }
    d[EC_S62 - 1] = (int64_t)cd;
    e[EC_S62 - 1] = (int64_t)ce;
}

/* 62-bit limbs of an EC_SC_LIMBS-limb number below 2^EC_BITS. */
static void EC_PFX(to_s62)(int64_t *out, const uint64_t *in)
{
    for (int i = 0; i < EC_S62; i++) {
        int bit = 62 * i, w = bit / 64, sh = bit % 64;
        uint64_t v = w < EC_SC_LIMBS ? in[w] >> sh : 0;
        if (sh > 2 && w + 1 < EC_SC_LIMBS)
            v |= in[w + 1] << (64 - sh);
        out[i] = (int64_t)(v & EC_M62);
    }
}

/*
 * r = x^-1 mod m (limbs), for odd m < 2^EC_BITS and 0 < x < m. Constant
 * time in x. (x = 0 gives 0.)
 */
static void EC_PFX(inv_safegcd)(uint64_t *r, const uint64_t *x, const uint64_t *mod)
{
    int64_t f[EC_S62], g[EC_S62], d[EC_S62] = {0}, e[EC_S62] = {0}, m[EC_S62];
    uint64_t minv = mod[0], acc[EC_SC_LIMBS + 1], sign, borrow, carry, keep;
    int64_t eta = -1; /* -delta, delta = 1 */
    EC_PFX(trans) t;

    for (int i = 0; i < 5; i++) /* Newton: mod[0]^-1 mod 2^64 (the modulus is public) */
        minv *= 2 - mod[0] * minv;
    minv &= EC_M62;
    EC_PFX(to_s62)(m, mod);
    EC_PFX(to_s62)(g, x);
    for (int i = 0; i < EC_S62; i++)
        f[i] = m[i];
    e[0] = 1;
    for (int i = 0; i < (EC_DIVSTEPS + 61) / 62; i++) {
        eta = EC_PFX(divsteps_62)(eta, (uint64_t)f[0], (uint64_t)g[0], &t);
        EC_PFX(update_de)(d, e, &t, m, minv);
        EC_PFX(update_fg)(f, g, &t);
    }
    /* Now g = 0, f = +-1 and d = f x^-1 (mod m), d in (-2m, m). */
    sign = (uint64_t)(f[EC_S62 - 1] >> 63);
    for (int i = 0; i < EC_S62; i++)
        d[i] = (int64_t)(((uint64_t)d[i] ^ sign) - sign);
    /* Back to 64-bit two's complement limbs, then into [0, m). */
    {
        __int128 c = 0;
        int bits = 0, j = 0;

        for (int i = 0; i < EC_S62; i++) {
            c += (__int128)d[i] << bits; /* bits < 64 */
            bits += 62;
            while (bits >= 64 && j <= EC_SC_LIMBS) {
                acc[j++] = (uint64_t)c;
                c >>= 64;
                bits -= 64;
            }
        }
        while (j <= EC_SC_LIMBS) {
            acc[j++] = (uint64_t)c;
            c >>= 64;
        }
    }
    for (int round = 0; round < 2; round++) { /* add m while negative */
        sign = 0 - (acc[EC_SC_LIMBS] >> 63);
        carry = 0;
        for (int j = 0; j <= EC_SC_LIMBS; j++) {
            unsigned __int128 s2 = (unsigned __int128)acc[j] +
                                   ((j < EC_SC_LIMBS ? mod[j] : 0) & sign) + carry;
            acc[j] = (uint64_t)s2;
            carry = (uint64_t)(s2 >> 64);
        }
    }
    borrow = 0; /* subtract m if acc >= m */
    uint64_t dd[EC_SC_LIMBS + 1];
    for (int j = 0; j <= EC_SC_LIMBS; j++) {
        unsigned __int128 df = (unsigned __int128)acc[j] - (j < EC_SC_LIMBS ? mod[j] : 0) - borrow;
        dd[j] = (uint64_t)df;
        borrow = (uint64_t)(df >> 64) & 1;
    }
    keep = 0 - borrow;
    for (int j = 0; j < EC_SC_LIMBS; j++)
        r[j] = (acc[j] & keep) | (dd[j] & ~keep);
    wipe(f, sizeof f);
    wipe(g, sizeof g);
    wipe(d, sizeof d);
    wipe(e, sizeof e);
    wipe(acc, sizeof acc);
    wipe(dd, sizeof dd);
    wipe(&t, sizeof t);
}

/* ---- public scalars: variable time --------------------------------------- */

/* a >= b, limbs of EC_SC_LIMBS + 1. */
static int EC_PFX(vt_geq)(const uint64_t *a, const uint64_t *b)
{
    for (int j = EC_SC_LIMBS; j >= 0; j--)
        if (a[j] != b[j])
            return a[j] > b[j];
    return 1;
}

static void EC_PFX(vt_sub)(uint64_t *a, const uint64_t *b)
{
    uint64_t borrow = 0;

    for (int j = 0; j <= EC_SC_LIMBS; j++) {
        unsigned __int128 d = (unsigned __int128)a[j] - b[j] - borrow;
        a[j] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1;
    }
}

/* x = x / 2 mod n for x < n: (x + n) / 2 when x is odd. */
static void EC_PFX(vt_half)(uint64_t *x)
{
    if (x[0] & 1) {
        uint64_t carry = 0;
        for (int j = 0; j < EC_SC_LIMBS; j++) {
            unsigned __int128 t = (unsigned __int128)x[j] + ec_n[j] + carry;
            x[j] = (uint64_t)t;
            carry = (uint64_t)(t >> 64);
        }
        x[EC_SC_LIMBS] += carry;
    }
    for (int j = 0; j < EC_SC_LIMBS; j++)
        x[j] = (x[j] >> 1) | (x[j + 1] << 63);
    x[EC_SC_LIMBS] >>= 1;
}

/* x = x - y mod n for x, y < n. */
static void EC_PFX(vt_sub_mod)(uint64_t *x, const uint64_t *y)
{
    if (!EC_PFX(vt_geq)(x, y)) {
        uint64_t carry = 0;
        for (int j = 0; j < EC_SC_LIMBS; j++) {
            unsigned __int128 t = (unsigned __int128)x[j] + ec_n[j] + carry;
            x[j] = (uint64_t)t;
            carry = (uint64_t)(t >> 64);
        }
        x[EC_SC_LIMBS] += carry;
    }
    EC_PFX(vt_sub)(x, y);
}

static int EC_PFX(vt_is_one)(const uint64_t *a)
{
    for (int j = 1; j <= EC_SC_LIMBS; j++)
        if (a[j] != 0)
            return 0;
    return a[0] == 1;
}

static void EC_PFX(vt_shr1)(uint64_t *a)
{
    for (int j = 0; j < EC_SC_LIMBS; j++)
        a[j] = (a[j] >> 1) | (a[j + 1] << 63);
    a[EC_SC_LIMBS] >>= 1;
}

/*
 * r = a^-1 mod n for a public 0 < a < n, by the binary extended Euclidean
 * algorithm (HAC 14.61, n odd): about 2 log2(n) shift-and-subtract steps
 * instead of Fermat's log2(n) multiplications. Only verification uses it;
 * a secret scalar is inverted by sc_mont_inv.
 */
static void EC_PFX(sc_inv_vartime)(uint64_t *r, const uint64_t *a)
{
    uint64_t u[EC_SC_LIMBS + 1], v[EC_SC_LIMBS + 1], x1[EC_SC_LIMBS + 1],
        x2[EC_SC_LIMBS + 1];

    for (int j = 0; j <= EC_SC_LIMBS; j++) {
        u[j] = j < EC_SC_LIMBS ? a[j] : 0;
        v[j] = j < EC_SC_LIMBS ? ec_n[j] : 0;
        x1[j] = j == 0;
        x2[j] = 0;
    }
    /* Invariants: x1 a = u and x2 a = v (mod n). */
    while (!EC_PFX(vt_is_one)(u) && !EC_PFX(vt_is_one)(v)) {
        while (!(u[0] & 1)) {
            EC_PFX(vt_shr1)(u);
            EC_PFX(vt_half)(x1);
        }
        while (!(v[0] & 1)) {
            EC_PFX(vt_shr1)(v);
            EC_PFX(vt_half)(x2);
        }
        if (EC_PFX(vt_geq)(u, v)) {
            EC_PFX(vt_sub)(u, v);
            EC_PFX(vt_sub_mod)(x1, x2);
        } else {
            EC_PFX(vt_sub)(v, u);
            EC_PFX(vt_sub_mod)(x2, x1);
        }
    }
    const uint64_t *x = EC_PFX(vt_is_one)(u) ? x1 : x2;
    for (int j = 0; j < EC_SC_LIMBS; j++)
        r[j] = x[j];
}

/* ~0 if the EC_BYTES big-endian scalar is in [1, n-1]. Constant time. */
static uint64_t EC_PFX(ec_scalar_in_range)(const uint8_t *in)
{
    uint64_t a[EC_SC_LIMBS], below = EC_PFX(sc_from_bytes)(a, in);
    uint64_t nz = ~EC_PFX(sc_is_zero)(a);

    wipe(a, sizeof a);
    return below & nz;
}

/* ---- fixed-base scalar multiplication (secret scalar) -------------------- */

#ifndef EC_NO_BASE_TABLE
/*
 * The scalar k < 2^EC_BITS in signed digits of EC_COMB_W bits,
 * k = sum d_i 2^(W i) with |d_i| <= 2^(W-1), i < EC_COMB_DIGITS (the
 * carry out of the top window fits, as EC_BITS / W full windows leave a top
 * digit below 2^(W-1)). abs[i] gets |d_i|, neg[i] ~0 when d_i < 0.
 */
static void EC_PFX(comb_recode)(uint8_t *abs, uint64_t *neg, const uint64_t *k)
{
    uint64_t carry = 0;

    for (int i = 0; i < EC_COMB_DIGITS; i++) {
        int pos = i * EC_COMB_W; /* public */
        uint64_t w = k[pos / 64] >> (pos % 64);
        if (pos % 64 + EC_COMB_W > 64 && pos / 64 + 1 < EC_SC_LIMBS)
            w |= k[pos / 64 + 1] << (64 - pos % 64);
        w = (w & ((1u << EC_COMB_W) - 1)) + carry;
        /* w in [0, 2^W]; above 2^(W-1) it becomes w - 2^W and carries. */
        uint64_t m = 0 - (((uint64_t)(1u << (EC_COMB_W - 1)) - w) >> 63);
        abs[i] = (uint8_t)((w & ~m) | (((uint64_t)(1u << EC_COMB_W) - w) & m));
        neg[i] = m;
        carry = m & 1;
    }
}

/* (x, y) = the table point |digit| of row `row`, negated when neg; for
 * digit 0 an arbitrary point (the caller discards the sum). Reads every
 * entry of the row whatever the digit, two limbs at a time (GCC vector
 * types: SSE2 on x86-64), with the accumulators in registers. */
typedef uint64_t EC_PFX(v2) __attribute__((vector_size(16)));
typedef uint32_t EC_PFX(v4) __attribute__((vector_size(16)));

static void EC_PFX(comb_select)(uint64_t *x, uint64_t *y, int row, uint8_t digit, uint64_t neg)
{
    enum { NV = EC_FE_LIMBS }; /* 2 EC_FE_LIMBS limbs = NV vectors per entry */
    EC_PFX(v2) acc[NV];
    const EC_PFX(v2) *ent = (const EC_PFX(v2) *)&ec_base_table[row][0][0][0];
    /* The entry index runs in every 32-bit lane beside the digit; a lane
     * compare (PCMPEQD: no branch) gives the all-ones mask at the match. */
    EC_PFX(v4) want = {digit, digit, digit, digit}, idx = {1, 1, 1, 1}, one = {1, 1, 1, 1};
    uint64_t ny[EC_FE_LIMBS];

#pragma GCC unroll 16
    for (int l = 0; l < NV; l++)
        acc[l] = (EC_PFX(v2)){0, 0};
    for (int j = 0; j < EC_COMB_POINTS; j++, ent += NV, idx += one) {
        EC_PFX(v2) mv = (EC_PFX(v2))(idx == want);
#pragma GCC unroll 16
        for (int l = 0; l < NV; l++)
            acc[l] |= ent[l] & mv;
    }
#pragma GCC unroll 16
    for (int l = 0; l < NV; l++) {
        uint64_t lo = acc[l][0], hi = acc[l][1];
        int i = 2 * l;
        if (i < EC_FE_LIMBS) x[i] = lo; else y[i - EC_FE_LIMBS] = lo;
        if (i + 1 < EC_FE_LIMBS) x[i + 1] = hi; else y[i + 1 - EC_FE_LIMBS] = hi;
    }
    EC_PFX(fe_negate)(ny, y);
    EC_PFX(fe_select)(y, ny, neg);
    wipe(acc, sizeof acc);
    wipe(ny, sizeof ny);
}

/*
 * r = k G for a scalar k < 2^EC_BITS (limbs), constant time. Row j of the
 * table holds the multiples 1..2^(W-1) of 2^(W S j) G, so digit i = S j + c
 * is added from row j after c rounds of W doublings: S - 1 rounds of
 * doublings and one mixed addition per digit in all.
 */
static void EC_PFX(mul_base_point)(ec_point *r, const uint64_t *k)
{
    uint8_t abs[EC_COMB_DIGITS];
    uint64_t neg[EC_COMB_DIGITS], x[EC_FE_LIMBS], y[EC_FE_LIMBS];
    ec_point sum;

    EC_PFX(comb_recode)(abs, neg, k);
    EC_PFX(point_set_infinity)(r);
    for (int c = EC_COMB_S - 1; c >= 0; c--) {
        if (c != EC_COMB_S - 1)
            for (int d = 0; d < EC_COMB_W; d++)
                EC_PFX(point_double)(r, r);
        for (int row = 0; row < EC_COMB_ROWS; row++) {
            int i = EC_COMB_S * row + c;
            if (i >= EC_COMB_DIGITS)
                continue; /* public */
            uint64_t d = abs[i], nz = ((d | (0 - d)) >> 63) - 1; /* ~0 iff digit 0 */
            EC_PFX(comb_select)(x, y, row, abs[i], neg[i]);
            EC_PFX(point_add_affine)(&sum, r, x, y);
            EC_PFX(fe_select)(r->x, sum.x, ~nz);
            EC_PFX(fe_select)(r->y, sum.y, ~nz);
            EC_PFX(fe_select)(r->z, sum.z, ~nz);
        }
    }
    wipe(abs, sizeof abs);
    wipe(neg, sizeof neg);
    wipe(x, sizeof x);
    wipe(y, sizeof y);
    wipe(&sum, sizeof sum);
}

/* (x, y) = k G, big-endian, for a secret scalar 1 <= k < n (the caller
 * checks the range). Constant time. */
static void EC_PFX(ec_mul_base)(uint8_t *x, uint8_t *y, const uint8_t *k)
{
    uint64_t kl[EC_SC_LIMBS], ax[EC_FE_LIMBS], ay[EC_FE_LIMBS];
    ec_point p;

    (void)EC_PFX(sc_from_bytes)(kl, k);
    EC_PFX(mul_base_point)(&p, kl);
    (void)EC_PFX(point_to_affine)(ax, ay, &p);
    ec_fe_to_bytes(x, ax);
    ec_fe_to_bytes(y, ay);
    wipe(kl, sizeof kl);
    wipe(ax, sizeof ax);
    wipe(ay, sizeof ay);
    wipe(&p, sizeof p);
}

/* ---- variable-time double multiplication (verification: public data) ---- */

#define EC_WNAF_W 5 /* odd multiples 1, 3, ..., 15 of the variable point */

/* Width-w NAF of the scalar a (limbs, < 2^EC_BITS): digits[i] odd in
 * (-2^(w-1), 2^(w-1)) or 0, a = sum digits[i] 2^i. Variable time: a is
 * public. */
static void EC_PFX(wnaf)(int8_t *digits, const uint64_t *a)
{
    uint64_t v[EC_SC_LIMBS + 1];

    for (int j = 0; j < EC_SC_LIMBS; j++)
        v[j] = a[j];
    v[EC_SC_LIMBS] = 0;
    for (int i = 0; i <= EC_BITS; i++) {
        int d = 0;
        if (v[0] & 1) {
            d = (int)(v[0] & ((1u << EC_WNAF_W) - 1));
            if (d >= 1 << (EC_WNAF_W - 1))
                d -= 1 << EC_WNAF_W;
            /* v -= d */
            if (d > 0) {
                uint64_t b = (uint64_t)d;
                for (int j = 0; j <= EC_SC_LIMBS && b; j++) {
                    uint64_t o = v[j];
                    v[j] = o - b;
                    b = o < b;
                }
            } else {
                uint64_t c = (uint64_t)(-d);
                for (int j = 0; j <= EC_SC_LIMBS && c; j++) {
                    v[j] += c;
                    c = v[j] < c;
                }
            }
        }
        digits[i] = (int8_t)d;
        for (int j = 0; j < EC_SC_LIMBS; j++)
            v[j] = (v[j] >> 1) | (v[j + 1] << 63);
        v[EC_SC_LIMBS] >>= 1;
    }
}

/*
 * Jacobian coordinates for verification only: (X : Y : Z) is the affine
 * (X / Z^2, Y / Z^3), Z = 0 the point at infinity. Their formulas are not
 * complete, which is why secret scalars never use them; here every input
 * is public, so the exceptional cases are plain branches. They are cheaper
 * than the complete ones where verification spends its time: a doubling
 * is 3M + 5S ("dbl-2001-b", a = -3) against 8M + 3S, a mixed addition
 * 7M + 4S ("madd-2007-bl"), both with fewer additions.
 */
typedef ec_point EC_PFX(jpoint);

static void EC_PFX(jac_double)(EC_PFX(jpoint) *r, const EC_PFX(jpoint) *p)
{
    uint64_t delta[EC_FE_LIMBS], gamma[EC_FE_LIMBS], beta[EC_FE_LIMBS], alpha[EC_FE_LIMBS],
        t[EC_FE_LIMBS], u[EC_FE_LIMBS];

    ec_fe_sqr(delta, p->z);
    ec_fe_sqr(gamma, p->y);
    ec_fe_mul(beta, p->x, gamma);
    ec_fe_sub(t, p->x, delta);
    ec_fe_add(u, p->x, delta);
    ec_fe_mul(alpha, t, u);
    ec_fe_add(t, alpha, alpha);
    ec_fe_add(alpha, t, alpha);      /* alpha = 3 (X - delta)(X + delta) */
    ec_fe_add(t, p->y, p->z);
    ec_fe_sqr(t, t);
    ec_fe_sub(t, t, gamma);
    ec_fe_sub(r->z, t, delta);       /* Z3 = (Y + Z)^2 - gamma - delta */
    ec_fe_add(beta, beta, beta);
    ec_fe_add(beta, beta, beta);     /* 4 beta */
    ec_fe_sqr(t, alpha);
    ec_fe_sub(t, t, beta);
    ec_fe_sub(r->x, t, beta);        /* X3 = alpha^2 - 8 beta */
    ec_fe_sub(t, beta, r->x);
    ec_fe_mul(t, alpha, t);
    ec_fe_sqr(gamma, gamma);
    ec_fe_add(gamma, gamma, gamma);
    ec_fe_add(gamma, gamma, gamma);
    ec_fe_add(gamma, gamma, gamma);  /* 8 gamma^2 */
    ec_fe_sub(r->y, t, gamma);
}

/* r = p + (qx, qy) for an affine q (never infinity); r may alias p. */
static void EC_PFX(jac_add_affine)(EC_PFX(jpoint) *r, const EC_PFX(jpoint) *p,
                                   const uint64_t *qx, const uint64_t *qy)
{
    uint64_t z1z1[EC_FE_LIMBS], u2[EC_FE_LIMBS], s2[EC_FE_LIMBS], h[EC_FE_LIMBS],
        hh[EC_FE_LIMBS], i4[EC_FE_LIMBS], j[EC_FE_LIMBS], rr[EC_FE_LIMBS], v[EC_FE_LIMBS],
        t[EC_FE_LIMBS];

    if (ec_fe_is_zero(p->z)) { /* infinity + q */
        EC_PFX(fe_assign)(r->x, qx);
        EC_PFX(fe_assign)(r->y, qy);
        EC_PFX(fe_assign)(r->z, ec_fe_one);
        return;
    }
    ec_fe_sqr(z1z1, p->z);
    ec_fe_mul(u2, qx, z1z1);
    ec_fe_mul(s2, qy, p->z);
    ec_fe_mul(s2, s2, z1z1);
    ec_fe_sub(h, u2, p->x);
    ec_fe_sub(rr, s2, p->y);
    if (ec_fe_is_zero(h)) {
        if (ec_fe_is_zero(rr)) { /* p == q */
            EC_PFX(jac_double)(r, p);
        } else { /* p == -q */
            uint64_t zero[EC_FE_LIMBS] = {0};
            EC_PFX(fe_assign)(r->x, ec_fe_one);
            EC_PFX(fe_assign)(r->y, ec_fe_one);
            EC_PFX(fe_assign)(r->z, zero);
        }
        return;
    }
    ec_fe_sqr(hh, h);
    ec_fe_add(i4, hh, hh);
    ec_fe_add(i4, i4, i4);           /* I = 4 HH */
    ec_fe_mul(j, h, i4);
    ec_fe_add(rr, rr, rr);           /* r = 2 (S2 - Y1) */
    ec_fe_mul(v, p->x, i4);
    ec_fe_add(t, p->z, h);           /* Z3 = (Z1 + H)^2 - Z1Z1 - HH */
    ec_fe_sqr(t, t);
    ec_fe_sub(t, t, z1z1);
    ec_fe_sub(r->z, t, hh);
    ec_fe_mul(t, p->y, j);           /* before Y1 is overwritten */
    ec_fe_add(t, t, t);
    ec_fe_sqr(u2, rr);               /* X3 = r^2 - J - 2 V */
    ec_fe_sub(u2, u2, j);
    ec_fe_sub(u2, u2, v);
    ec_fe_sub(r->x, u2, v);
    ec_fe_sub(v, v, r->x);           /* Y3 = r (V - X3) - 2 Y1 J */
    ec_fe_mul(v, rr, v);
    ec_fe_sub(r->y, v, t);
}

/*
 * r = u1 G + u2 Q (Jacobian), variable time: u1, u2 and Q are public. One
 * doubling chain serves both: u2 Q by a width-5 NAF over the odd multiples
 * Q, 3Q, ..., 15Q (made affine with one shared inversion), and u1 G by the
 * comb table, whose digits with offset c in their row are added when the
 * chain stands at bit W c (row j already carries its factor 2^(W S j)).
 */
static void EC_PFX(mul_double_vartime)(EC_PFX(jpoint) *r, const uint64_t *u1,
                                       const uint64_t *u2, const ec_affine *q)
{
    enum { NODD = 1 << (EC_WNAF_W - 2) };
    uint8_t abs[EC_COMB_DIGITS];
    uint64_t neg[EC_COMB_DIGITS], ny[EC_FE_LIMBS];
    uint64_t ox[NODD][EC_FE_LIMBS], oy[NODD][EC_FE_LIMBS], pre[NODD][EC_FE_LIMBS],
        inv[EC_FE_LIMBS], t[EC_FE_LIMBS];
    int8_t naf[EC_BITS + 1];
    ec_point odd[NODD], q2;

    /* odd[i] = (2i + 1) Q, projective and complete, then affine by
     * Montgomery's trick: one inversion for the eight. */
    EC_PFX(fe_assign)(odd[0].x, q->x);
    EC_PFX(fe_assign)(odd[0].y, q->y);
    EC_PFX(fe_assign)(odd[0].z, ec_fe_one);
    EC_PFX(point_double)(&q2, &odd[0]);
    for (int i = 1; i < NODD; i++)
        EC_PFX(point_add)(&odd[i], &odd[i - 1], &q2);
    EC_PFX(fe_assign)(pre[0], odd[0].z);
    for (int i = 1; i < NODD; i++)
        ec_fe_mul(pre[i], pre[i - 1], odd[i].z);
    ec_fe_inv(inv, pre[NODD - 1]);
    for (int i = NODD - 1; i >= 0; i--) {
        if (i > 0) {
            ec_fe_mul(t, inv, pre[i - 1]); /* 1 / Z_i */
            ec_fe_mul(inv, inv, odd[i].z);
        } else {
            EC_PFX(fe_assign)(t, inv);
        }
        ec_fe_mul(ox[i], odd[i].x, t);
        ec_fe_mul(oy[i], odd[i].y, t);
    }

    EC_PFX(wnaf)(naf, u2);
    EC_PFX(comb_recode)(abs, neg, u1);
    EC_PFX(point_set_infinity)(r);
    int top = EC_BITS;
    while (top >= 0 && naf[top] == 0)
        top--;
    if (top < EC_COMB_W * (EC_COMB_S - 1))
        top = EC_COMB_W * (EC_COMB_S - 1);
    for (int i = top; i >= 0; i--) {
        EC_PFX(jac_double)(r, r);
        if (naf[i] > 0) {
            EC_PFX(jac_add_affine)(r, r, ox[naf[i] / 2], oy[naf[i] / 2]);
        } else if (naf[i] < 0) {
            EC_PFX(fe_negate)(ny, oy[-naf[i] / 2]);
            EC_PFX(jac_add_affine)(r, r, ox[-naf[i] / 2], ny);
        }
        if (i % EC_COMB_W != 0 || i / EC_COMB_W >= EC_COMB_S)
            continue;
        for (int row = 0; row < EC_COMB_ROWS; row++) {
            int d = EC_COMB_S * row + i / EC_COMB_W;
            if (d >= EC_COMB_DIGITS || abs[d] == 0)
                continue;
            const uint64_t(*ent)[EC_FE_LIMBS] = ec_base_table[row][abs[d] - 1];
            if (neg[d]) {
                EC_PFX(fe_negate)(ny, ent[1]);
                EC_PFX(jac_add_affine)(r, r, ent[0], ny);
            } else {
                EC_PFX(jac_add_affine)(r, r, ent[0], ent[1]);
            }
        }
    }
}
#endif /* EC_NO_BASE_TABLE */

#ifdef EC_NO_BASE_TABLE
/*
 * The comb table for mul_base_point, for the table generator
 * (src/gen/ec_tables.c): row j, entry i = the affine (i + 1) 2^(W S j) G in
 * the field representation, x then y. Writes dims = {rows, points per row,
 * 2, limbs, W, S} and returns the number of words written to out.
 */
static size_t EC_PFX(comb_table_generate)(uint64_t *out, int *dims)
{
    ec_point base, p;
    size_t o = 0;

    dims[0] = (EC_BITS / EC_COMB_W + 1 + EC_COMB_S - 1) / EC_COMB_S;
    dims[1] = 1 << (EC_COMB_W - 1);
    dims[2] = 2;
    dims[3] = EC_FE_LIMBS;
    dims[4] = EC_COMB_W;
    dims[5] = EC_COMB_S;
    (void)ec_fe_from_bytes(base.x, ec_gx);
    (void)ec_fe_from_bytes(base.y, ec_gy);
    EC_PFX(fe_assign)(base.z, ec_fe_one);
    for (int row = 0; row < dims[0]; row++) {
        EC_PFX(fe_assign)(p.x, base.x);
        EC_PFX(fe_assign)(p.y, base.y);
        EC_PFX(fe_assign)(p.z, base.z);
        for (int i = 0; i < dims[1]; i++) {
            uint8_t xb[EC_BYTES], yb[EC_BYTES];
            (void)EC_PFX(point_to_affine)(out + o, out + o + EC_FE_LIMBS, &p);
            ec_fe_to_bytes(xb, out + o); /* canonical limbs: the table reads the same */
            ec_fe_to_bytes(yb, out + o + EC_FE_LIMBS); /* whatever the reduction did */
            (void)ec_fe_from_bytes(out + o, xb);
            (void)ec_fe_from_bytes(out + o + EC_FE_LIMBS, yb);
            o += 2 * EC_FE_LIMBS;
            EC_PFX(point_add)(&p, &p, &base);
        }
        for (int d = 0; d < EC_COMB_W * EC_COMB_S; d++)
            EC_PFX(point_double)(&base, &base);
    }
    return o;
}
#endif

/* ---- public keys ---------------------------------------------------------- */

/* Full public-key validation (SP 800-56A Rev. 3 5.6.2.3.3 steps 1-3; step 4,
 * n Q = O, holds for every point of a curve of prime order, cofactor 1):
 * x and y below p, and on the curve. Affine points are never infinity.
 * FM_OK or FM_ERR_KEY. */
static int EC_PFX(ec_point_check)(const uint8_t *xb, const uint8_t *yb)
{
    uint64_t x[EC_FE_LIMBS], y[EC_FE_LIMBS];

    if (ec_fe_from_bytes(x, xb) != 0 || ec_fe_from_bytes(y, yb) != 0)
        return FM_ERR_KEY;
    return EC_PFX(on_curve)(x, y) ? FM_OK : FM_ERR_KEY;
}

/* y (big-endian) of the point with abscissa x and y's parity `odd` (SEC 1
 * 2.3.4 step 2.4). FM_ERR_KEY when x >= p or x^3 - 3x + b is not a square. */
static int EC_PFX(ec_point_decompress)(uint8_t *yb, const uint8_t *xb, int odd)
{
    uint64_t x[EC_FE_LIMBS], y[EC_FE_LIMBS], rhs[EC_FE_LIMBS], t[EC_FE_LIMBS];

    if (ec_fe_from_bytes(x, xb) != 0)
        return FM_ERR_KEY;
    ec_fe_sqr(rhs, x);
    ec_fe_mul(rhs, rhs, x);
    ec_fe_add(t, x, x);
    ec_fe_add(t, t, x);
    ec_fe_sub(rhs, rhs, t);
    ec_fe_add(rhs, rhs, ec_fe_b);
    ec_fe_sqrt(y, rhs);
    ec_fe_sqr(t, y);
    if (!EC_PFX(fe_same)(t, rhs))
        return FM_ERR_KEY;
    ec_fe_to_bytes(yb, y);
    if ((yb[EC_BYTES - 1] & 1) != (odd & 1)) {
        if (ec_fe_is_zero(y))
            return FM_ERR_KEY;
        EC_PFX(fe_negate)(y, y);
        ec_fe_to_bytes(yb, y);
    }
    return FM_OK;
}

#ifndef EC_NO_BASE_TABLE
/* ---- ECDSA (FIPS 186-5 6.4) ----------------------------------------------- */

/*
 * Signature generation steps 5-10 for the secret key d and per-message
 * secret k (both in [1, n-1]) and the truncated digest e (< 2^EC_BITS):
 * r = x(kG) mod n, s = k^-1 (e + r d) mod n. Returns FM_OK, or 1 when r or
 * s is 0 (the caller draws a new k; public, and with probability ~2^-EC_BITS).
 * Constant time in d and k.
 */
static int EC_PFX(ecdsa_sign_core)(uint8_t *rb, uint8_t *sb, const uint8_t *db,
                                   const uint8_t *kb, const uint8_t *eb)
{
    uint64_t k[EC_SC_LIMBS], d[EC_SC_LIMBS], e[EC_SC_LIMBS], r[EC_SC_LIMBS], t[EC_SC_LIMBS];
    uint64_t ax[EC_FE_LIMBS], ay[EC_FE_LIMBS], zero;
    uint8_t xb[EC_BYTES];
    ec_point p;
    int rc = FM_OK;

    (void)EC_PFX(sc_from_bytes)(k, kb);
    (void)EC_PFX(sc_from_bytes)(d, db);
    (void)EC_PFX(sc_from_bytes)(t, eb);
    EC_PFX(sc_reduce_once)(e, t);

    EC_PFX(mul_base_point)(&p, k);
    (void)EC_PFX(point_to_affine)(ax, ay, &p);
    ec_fe_to_bytes(xb, ax);
    (void)EC_PFX(sc_from_bytes)(t, xb); /* x < p < 2n */
    EC_PFX(sc_reduce_once)(r, t);
    zero = EC_PFX(sc_is_zero)(r);

    /* t = k^-1 R: k^-1 by safegcd, then into Montgomery form. */
    EC_PFX(inv_safegcd)(t, k, ec_n);
    EC_PFX(sc_mont_mul)(t, t, ec_n_rr);
    /* k = r d = mont(r R^2 / R ... ): mont(mont(r, R^2), d) = r d. */
    EC_PFX(sc_mont_mul)(k, r, ec_n_rr);
    EC_PFX(sc_mont_mul)(k, k, d);
    EC_PFX(sc_add)(k, k, e);
    EC_PFX(sc_mont_mul)(k, k, t); /* (e + r d) k^-1 R / R */
    zero |= EC_PFX(sc_is_zero)(k);
    FM_PUBLIC(&zero, sizeof zero);
    if (zero)
        rc = 1;
    EC_PFX(sc_to_bytes)(rb, r);
    EC_PFX(sc_to_bytes)(sb, k);
    FM_PUBLIC(rb, EC_BYTES); /* the signature is the output */
    FM_PUBLIC(sb, EC_BYTES);

    wipe(k, sizeof k);
    wipe(d, sizeof d);
    wipe(t, sizeof t);
    wipe(ax, sizeof ax);
    wipe(ay, sizeof ay);
    wipe(xb, sizeof xb);
    wipe(&p, sizeof p);
    return rc;
}

/*
 * Signature verification steps 3-8 (FIPS 186-5 6.4.2) for the public key Q
 * (validated at import), the truncated digest e and a signature (r, s).
 * FM_OK or FM_ERR_VERIFY. Everything here is public.
 */
static int EC_PFX(ecdsa_verify_core)(const uint8_t *rb, const uint8_t *sb, const uint8_t *eb,
                                     const uint8_t *qx, const uint8_t *qy)
{
    uint64_t r[EC_SC_LIMBS], s[EC_SC_LIMBS], e[EC_SC_LIMBS], w[EC_SC_LIMBS],
        u1[EC_SC_LIMBS], u2[EC_SC_LIMBS];
    uint64_t xr[EC_FE_LIMBS], t[EC_FE_LIMBS], z2[EC_FE_LIMBS];
    uint8_t rn[EC_BYTES];
    ec_affine q;
    EC_PFX(jpoint) p;

    if (!EC_PFX(sc_from_bytes)(r, rb) || EC_PFX(sc_is_zero)(r) ||
        !EC_PFX(sc_from_bytes)(s, sb) || EC_PFX(sc_is_zero)(s))
        return FM_ERR_VERIFY;
    if (ec_fe_from_bytes(q.x, qx) != 0 || ec_fe_from_bytes(q.y, qy) != 0)
        return FM_ERR_VERIFY; /* import validated Q; this is a damaged context */
    (void)EC_PFX(sc_from_bytes)(w, eb);
    EC_PFX(sc_reduce_once)(e, w);

    /* w = s^-1 R (s is public: the binary inverse); u1 = e w / R = e s^-1
     * and u2 = r s^-1, plain. */
    EC_PFX(sc_inv_vartime)(w, s);
    EC_PFX(sc_mont_mul)(w, w, ec_n_rr);
    EC_PFX(sc_mont_mul)(u1, e, w);
    EC_PFX(sc_mont_mul)(u2, r, w);

    EC_PFX(mul_double_vartime)(&p, u1, u2, &q);
    if (ec_fe_is_zero(p.z))
        return FM_ERR_VERIFY; /* step 6: the point at infinity */

    /* Steps 7-8 without an inversion: x(P) = X / Z^2 (Jacobian), and
     * x(P) mod n == r when X == r Z^2, or X == (r + n) Z^2 if r + n < p. */
    ec_fe_sqr(z2, p.z);
    if (ec_fe_from_bytes(xr, rb) != 0)
        return FM_ERR_VERIFY;
    ec_fe_mul(t, xr, z2);
    if (EC_PFX(fe_same)(t, p.x))
        return FM_OK;
    {
        uint64_t sum[EC_SC_LIMBS], carry = 0;
        for (int j = 0; j < EC_SC_LIMBS; j++) {
            unsigned __int128 a = (unsigned __int128)r[j] + ec_n[j] + carry;
            sum[j] = (uint64_t)a;
            carry = (uint64_t)(a >> 64);
        }
        if (carry)
            return FM_ERR_VERIFY;
        for (int j = EC_SC_LIMBS * 8; j > EC_BYTES; j--) /* beyond EC_BYTES: too big */
            if ((sum[(j - 1) / 8] >> (8 * ((j - 1) % 8))) & 0xff)
                return FM_ERR_VERIFY;
        EC_PFX(sc_to_bytes)(rn, sum);
        if (ec_fe_from_bytes(xr, rn) != 0)
            return FM_ERR_VERIFY; /* r + n >= p */
        ec_fe_mul(t, xr, z2);
        if (EC_PFX(fe_same)(t, p.x))
            return FM_OK;
    }
    return FM_ERR_VERIFY;
}
#endif /* EC_NO_BASE_TABLE */

#undef ec_fe_add
#undef ec_fe_sub
#undef ec_fe_mul
#undef ec_fe_sqr
#undef ec_fe_inv
#undef ec_fe_sqrt
#undef ec_fe_from_bytes
#undef ec_fe_to_bytes
#undef ec_fe_is_zero
#undef ec_fe_one
#undef ec_fe_b
#undef ec_n
#undef ec_p
#undef ec_n0
#undef ec_n_rr
#undef ec_gx
#undef ec_gy
#undef ec_base_table
#undef ec_point
#undef ec_affine
#undef EC_COMB_DIGITS
#undef EC_COMB_ROWS
#undef EC_COMB_POINTS
#undef EC_WNAF_W
