import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { generateEd25519KeyPair, publicJwk } from './ed25519-keys';
import { signJson, verifyJson } from './json-signature';
import { TEST_KEY_ED25519 } from './rfc9421-fixtures';

describe('Ed25519 keys', () => {
  it('generates a pair whose JWKs round-trip through node:crypto', () => {
    const pair = generateEd25519KeyPair('wissel-2025-01');
    expect(pair.publicJwk).toEqual({
      kty: 'OKP',
      crv: 'Ed25519',
      x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      kid: 'wissel-2025-01',
      alg: 'EdDSA',
      use: 'sig',
    });
    expect(pair.privateJwk.d).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const imported = createPublicKey({ key: pair.publicJwk, format: 'jwk' });
    expect(imported.equals(pair.publicKey)).toBe(true);
  });

  it('publicJwk of a private key gives its public half only', () => {
    const { privateKey, publicJwk: expected } = generateEd25519KeyPair();
    const jwk = publicJwk(privateKey, 'k1');
    expect(jwk).toEqual({ ...expected, kid: 'k1' });
    expect(jwk).not.toHaveProperty('d');
  });

  it('publicJwk refuses a key that is not Ed25519', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => publicJwk(publicKey)).toThrow(TypeError);
  });
});

describe('signJson / verifyJson', () => {
  const pair = generateEd25519KeyPair('wissel-out-1');

  it('signs the canonical form, so key order and spacing do not matter', () => {
    const signed = signJson({ b: 1, a: [true, null] }, pair.privateKey, 'wissel-out-1');
    expect(signed).toEqual({
      keyId: 'wissel-out-1',
      alg: 'ed25519',
      signature: expect.stringMatching(/^[A-Za-z0-9_-]{86}$/),
    });
    const reordered = JSON.parse('{ "a": [ true, null ], "b": 1.0 }');
    expect(verifyJson(reordered, signed.signature, pair.publicJwk)).toBe(true);
  });

  it('refuses a changed value, another key, or a malformed signature', () => {
    const { signature } = signJson({ a: 1 }, pair.privateKey, 'k');
    expect(verifyJson({ a: 2 }, signature, pair.publicKey)).toBe(false);
    expect(verifyJson({ a: 1 }, signature, generateEd25519KeyPair().publicKey)).toBe(false);
    expect(verifyJson({ a: 1 }, signature.slice(1), pair.publicKey)).toBe(false);
    expect(verifyJson({ a: 1 }, 'not a signature', pair.publicKey)).toBe(false);
  });

  it('is deterministic for a fixed key (RFC 9421 test-key-ed25519)', () => {
    const first = signJson({ hello: 'world' }, TEST_KEY_ED25519, 'test-key-ed25519');
    const again = signJson({ hello: 'world' }, TEST_KEY_ED25519, 'test-key-ed25519');
    expect(again).toEqual(first);
    const raw = Buffer.from(TEST_KEY_ED25519.x, 'base64url');
    expect(verifyJson({ hello: 'world' }, first.signature, raw)).toBe(true);
  });

  it('round-trips for arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const { signature } = signJson(value, pair.privateKey, 'k');
        expect(verifyJson(JSON.parse(JSON.stringify(value)), signature, pair.publicKey)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});
