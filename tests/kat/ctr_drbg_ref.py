#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Independent CTR_DRBG (SP 800-90Ar1 10.2.1, 10.3.2) on cryptography's AES-ECB.
import sys
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

def enc(k, b):
    e = Cipher(algorithms.AES(k), modes.ECB()).encryptor()
    return e.update(b) + e.finalize()

class DRBG:
    # ctr_len: the counter field, the rightmost bits of V (10.2.1, Table 3).
    def __init__(s, keylen, df, ctr_len=128):
        s.kl, s.df, s.sl, s.cl = keylen, df, keylen + 16, ctr_len
    def inc(s):
        v, m = int.from_bytes(s.V, 'big'), (1 << s.cl) - 1
        s.V = ((v & ~m) | ((v + 1) & m)).to_bytes(16, 'big')
    def update(s, data):
        t = b''
        while len(t) < s.sl:
            s.inc(); t += enc(s.K, s.V)
        t = bytes(a ^ b for a, b in zip(t[:s.sl], data))
        s.K, s.V = t[:s.kl], t[s.kl:s.sl]
    def bcc(s, k, data):
        c = bytes(16)
        for i in range(0, len(data), 16):
            c = enc(k, bytes(a ^ b for a, b in zip(c, data[i:i+16])))
        return c
    def dfn(s, inp):
        S = len(inp).to_bytes(4, 'big') + s.sl.to_bytes(4, 'big') + inp + b'\x80'
        S += bytes((-len(S)) % 16)
        k = bytes(range(32))[:s.kl]
        t = b''; i = 0
        while len(t) < s.kl + 16:
            t += s.bcc(k, i.to_bytes(4, 'big') + bytes(12) + S); i += 1
        k, x = t[:s.kl], t[s.kl:s.kl+16]
        t = b''
        while len(t) < s.sl:
            x = enc(k, x); t += x
        return t[:s.sl]
    def pad(s, b):
        return b + bytes(s.sl - len(b))
    def instantiate(s, e, n, p):
        sm = s.dfn(e + n + p) if s.df else bytes(a ^ b for a, b in zip(e, s.pad(p)))
        s.K, s.V = bytes(s.kl), bytes(16)
        s.update(sm); s.rc = 1
    def reseed(s, e, a):
        sm = s.dfn(e + a) if s.df else bytes(a_ ^ b for a_, b in zip(e, s.pad(a)))
        s.update(sm); s.rc = 1
    def generate(s, n, a=b''):
        if a:
            a = s.dfn(a) if s.df else s.pad(a)
            s.update(a)
        else:
            a = bytes(s.sl)
        t = b''
        while len(t) < n:
            s.inc(); t += enc(s.K, s.V)
        s.update(a); s.rc += 1
        return t[:n]

def cavp_check():
    # drbgvectors_pr_false/CTR_DRBG.rsp, [AES-256 use df] with pers and addl 256 bits, COUNT = 0
    import re
    txt = open('/work/shared/vectors/cavp/drbg/drbgvectors_pr_false/CTR_DRBG.rsp').read().replace('\r', '')
    sec = txt.split('[AES-256 use df]')
    for chunk in sec[1:]:
        hdr = chunk.split('COUNT = 0')[0]
        if '[PersonalizationStringLen = 256]' in hdr and '[AdditionalInputLen = 256]' in hdr:
            rec = chunk.split('COUNT = 0')[1].split('\n\n')[0]
            f = [l.split(' = ') for l in rec.strip().split('\n') if ' = ' in l or l.endswith(' =')]
            kv = [(l.split('=')[0].strip(), l.split('=')[1].strip()) for l in rec.strip().split('\n')]
            d = {}
            adds = [bytes.fromhex(v) for k, v in kv if k == 'AdditionalInput']
            for k, v in kv: d.setdefault(k, v)
            g = DRBG(32, True)
            g.instantiate(bytes.fromhex(d['EntropyInput']), bytes.fromhex(d['Nonce']), bytes.fromhex(d['PersonalizationString']))
            g.reseed(bytes.fromhex(d['EntropyInputReseed']), bytes.fromhex(d['AdditionalInputReseed']))
            g.generate(len(d['ReturnedBits']) // 2, adds[0])
            out = g.generate(len(d['ReturnedBits']) // 2, adds[1])
            assert out.hex() == d['ReturnedBits'], 'CAVP mismatch'
            print('CAVP AES-256 use df pers=256 addl=256 COUNT 0: OK', file=sys.stderr)
            return
    raise SystemExit('record not found')

cavp_check()
g = DRBG(32, True)
g.instantiate(b'fipsmod CTR_DRBG KAT entropy 1..', b'fipsmod KATnonce', b'fipsmod CTR_DRBG self-test pers')
g.generate(64)
g.reseed(b'fipsmod CTR_DRBG KAT reseed 2...', b'fipsmod CTR_DRBG reseed addl')
out = g.generate(64)
print(out.hex())
for i in range(0, 64, 8):
    print('    ' + ', '.join('0x%02x' % b for b in out[i:i+8]) + ',')
