#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Independent model of deterministic ECDSA (RFC 6979 section 3.2; FIPS 186-5
A.3.3 and 6.4.1) on P-256, P-384 and P-521 with SHA-224..SHA-512, in plain
Python integers (affine point arithmetic, hashlib and hmac from the standard
library). It shares no code with the module. It writes
kat-vectors/ecdsa-rfc6979.txt, which tests/test_ec.c checks
fm_ecdsa_sign(FM_ECDSA_DETERMINISTIC) against byte for byte:

    python3 tests/kat/rfc6979_ref.py > kat-vectors/ecdsa-rfc6979.txt

The model is itself anchored: for P-256 with SHA-256 and the message "sample"
it must reproduce the published example of RFC 6979 A.2.5 (checked below).
"""
import hashlib
import hmac

CURVES = {
    "P-256": dict(
        p=2**256 - 2**224 + 2**192 + 2**96 - 1,
        n=0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
        b=0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
        gx=0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
        gy=0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5),
    "P-384": dict(
        p=2**384 - 2**128 - 2**96 + 2**32 - 1,
        n=int("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF"
              "581A0DB248B0A77AECEC196ACCC52973", 16),
        b=int("B3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875A"
              "C656398D8A2ED19D2A85C8EDD3EC2AEF", 16),
        gx=int("AA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A38"
               "5502F25DBF55296C3A545E3872760AB7", 16),
        gy=int("3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C0"
               "0A60B1CE1D7E819D7A431D7C90EA0E5F", 16)),
    "P-521": dict(
        p=2**521 - 1,
        n=int("01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA"
              "51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409", 16),
        b=int("0051953EB9618E1C9A1F929A21A0B68540EEA2DA725B99B315F3B8B489918EF1"
              "09E156193951EC7E937B1652C0BD3BB1BF073573DF883D2C34F1EF451FD46B503F00", 16),
        gx=int("00C6858E06B70404E9CD9E3ECB662395B4429C648139053FB521F828AF606B4D"
               "3DBAA14B5E77EFE75928FE1DC127A2FFA8DE3348B3C1856A429BF97E7E31C2E5BD66", 16),
        gy=int("011839296A789A3BC0045C8A5FB42C7D1BD998F54449579B446817AFBD17273E"
               "662C97EE72995EF42640C550B9013FAD0761353C7086A272C24088BE94769FD16650", 16)),
}
HASHES = {"SHA-224": hashlib.sha224, "SHA-256": hashlib.sha256,
          "SHA-384": hashlib.sha384, "SHA-512": hashlib.sha512}


def point_add(c, P, Q):
    p = c["p"]
    if P is None:
        return Q
    if Q is None:
        return P
    if P[0] == Q[0] and (P[1] + Q[1]) % p == 0:
        return None
    if P == Q:
        lam = (3 * P[0] * P[0] - 3) * pow(2 * P[1], -1, p) % p
    else:
        lam = (Q[1] - P[1]) * pow(Q[0] - P[0], -1, p) % p
    x = (lam * lam - P[0] - Q[0]) % p
    return (x, (lam * (P[0] - x) - P[1]) % p)


def scalar_mult(c, k, P):
    R = None
    for bit in bin(k)[2:]:
        R = point_add(c, R, R)
        if bit == "1":
            R = point_add(c, R, P)
    return R


def bits2int(b, qlen):
    v = int.from_bytes(b, "big")
    blen = 8 * len(b)
    return v >> (blen - qlen) if blen > qlen else v


def rfc6979_k(c, hname, d, h1):
    q = c["n"]
    qlen = q.bit_length()
    rlen = (qlen + 7) // 8
    hf = HASHES[hname]
    x = d.to_bytes(rlen, "big")
    h = (bits2int(h1, qlen) % q).to_bytes(rlen, "big")
    V = b"\x01" * hf().digest_size
    K = b"\x00" * hf().digest_size
    K = hmac.new(K, V + b"\x00" + x + h, hf).digest()
    V = hmac.new(K, V, hf).digest()
    K = hmac.new(K, V + b"\x01" + x + h, hf).digest()
    V = hmac.new(K, V, hf).digest()
    while True:
        T = b""
        while 8 * len(T) < qlen:
            V = hmac.new(K, V, hf).digest()
            T += V
        k = bits2int(T, qlen)
        if 1 <= k < q:
            return k
        K = hmac.new(K, V + b"\x00", hf).digest()
        V = hmac.new(K, V, hf).digest()


def sign(c, hname, d, msg):
    n = c["n"]
    h1 = HASHES[hname](msg).digest()
    e = bits2int(h1, n.bit_length())
    k = rfc6979_k(c, hname, d, h1)
    r = scalar_mult(c, k, (c["gx"], c["gy"]))[0] % n
    s = pow(k, -1, n) * (e + r * d) % n
    return k, r, s


def main():
    # Anchor: RFC 6979 A.2.5, P-256, SHA-256, "sample".
    c = CURVES["P-256"]
    d = 0xC9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721
    k, r, s = sign(c, "SHA-256", d, b"sample")
    assert k == 0xA6E3C57DD01ABE90086538398355DD4C3B17AA873382B0F24D6129493D8AAD60
    assert r == 0xEFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716
    assert s == 0xF7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8

    print("# Deterministic ECDSA vectors (RFC 6979 3.2, FIPS 186-5 A.3.3), written by")
    print("# tests/kat/rfc6979_ref.py, an independent Python model anchored on RFC 6979")
    print("# A.2.5. One record per line:")
    print("# curve hash d msg-hex k r s   (hex, d/k/r/s of the curve's byte length)")
    for cname, c in CURVES.items():
        blen = (c["n"].bit_length() + 7) // 8
        # private keys: small, large, and pseudo-random ones (fixed, from SHA-512)
        keys = [1, 2, c["n"] - 1]
        for i in range(3):
            seed = hashlib.sha512(f"{cname} key {i}".encode()).digest() * 2
            keys.append(int.from_bytes(seed[:blen], "big") % (c["n"] - 1) + 1)
        msgs = [b"", b"sample", b"test", bytes(range(200))]
        for hname in HASHES:
            for ki, d in enumerate(keys):
                for msg in msgs[ki % 2::2] if ki < 3 else msgs:
                    k, r, s = sign(c, hname, d, msg)
                    f = lambda v: v.to_bytes(blen, "big").hex()
                    print(cname, hname, f(d), msg.hex() or "-", f(k), f(r), f(s))


if __name__ == "__main__":
    main()
