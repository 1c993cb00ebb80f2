import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { verifyBase } from './algorithms';
import { ed25519PointProblem, isStrictEd25519Signature, SMALL_ORDER_Y } from './ed25519-strict';

import {
  BASE_POINT,
  decodeScalar,
  encodeScalar as encode,
  L,
  P,
  SMALL_ORDER_POINTS,
  withSign,
} from './ed25519-small-order.fixtures';

const hex = (h: string) => Buffer.from(h, 'hex');

describe('strict Ed25519', () => {
  it.each(SMALL_ORDER_POINTS)('refuses %s as a public key', (_name, key) => {
    expect(ed25519PointProblem(key)).toBe('small_order');
  });

  it('knows the y of every small-order point, so a signature’s R is checked without decoding', () => {
    const ys = SMALL_ORDER_POINTS.map(([, key]) => {
      const copy = Buffer.from(key);
      copy[31]! &= 0x7f;
      return copy.reduceRight((n, b) => (n << 8n) | BigInt(b), 0n);
    });
    expect(new Set(ys)).toEqual(SMALL_ORDER_Y);
  });

  it('refuses non-canonical encodings (y ≥ p) and points off the curve', () => {
    expect(ed25519PointProblem(encode(P))).toBe('non_canonical'); // p ≡ 0
    expect(ed25519PointProblem(encode(P + 1n))).toBe('non_canonical'); // p + 1 ≡ 1
    expect(ed25519PointProblem(withSign(encode(1n)))).toBe('non_canonical'); // x = 0 with its sign set
    expect(ed25519PointProblem(encode(2n))).toBe('not_on_curve');
    expect(ed25519PointProblem(Buffer.alloc(31))).toBe('length');
  });

  it('accepts real keys and the base point', () => {
    for (let i = 0; i < 20; i++) {
      const { publicKey } = generateKeyPairSync('ed25519');
      const raw = Buffer.from(String(publicKey.export({ format: 'jwk' }).x), 'base64url');
      expect(ed25519PointProblem(raw)).toBeUndefined();
    }
    expect(ed25519PointProblem(BASE_POINT)).toBeUndefined();
  });

  it('refuses a signature forged without any private key for the identity key', () => {
    const identity = encode(1n);
    const forged = Buffer.concat([BASE_POINT, encode(1n)]); // R = B, S = 1
    const base = 'any message at all';
    // What made the forgery work: OpenSSL alone accepts it.
    const der = Buffer.concat([hex('302a300506032b6570032100'), identity]);
    expect(verify(null, Buffer.from(base), { key: der, format: 'der', type: 'spki' }, forged)).toBe(
      true,
    );
    expect(verifyBase({ alg: 'ed25519', publicKey: identity }, base, forged)).toBe(false);
  });

  it('refuses a non-reduced S and a small-order R, and accepts a real signature', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const signature = sign(null, Buffer.from('m'), privateKey);
    expect(isStrictEd25519Signature(signature)).toBe(true);
    expect(verifyBase({ alg: 'ed25519', publicKey }, 'm', signature)).toBe(true);
    // S + L verifies the same equation, but is not the canonical signature.
    const s = decodeScalar(signature.subarray(32));
    const malleable = Buffer.concat([signature.subarray(0, 32), encode(s + L)]);
    expect(isStrictEd25519Signature(malleable)).toBe(false);
    expect(verifyBase({ alg: 'ed25519', publicKey }, 'm', malleable)).toBe(false);
    for (const [, point] of SMALL_ORDER_POINTS) {
      expect(isStrictEd25519Signature(Buffer.concat([point, encode(1n)]))).toBe(false);
    }
  });
});
