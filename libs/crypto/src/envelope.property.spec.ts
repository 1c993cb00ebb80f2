// Property tests: decrypt ∘ encrypt is the identity for arbitrary strings, bytes and
// contexts; rewrap preserves it; a different context or any flipped bit never decrypts.
import fc from 'fast-check';
import { EncryptionContext, EnvelopeCipher } from './envelope';
import { CryptoError } from './errors';
import { kek, ring } from './test-keys';

const old = kek('old');
const current = kek('current');
const before = new EnvelopeCipher(ring(old));
const cipher = new EnvelopeCipher(ring(current, old));

const part = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 });
const context: fc.Arbitrary<EncryptionContext> = fc.record({
  table: part,
  column: part,
  rowId: part,
});

function sameContext(a: EncryptionContext, b: EncryptionContext): boolean {
  return a.table === b.table && a.column === b.column && a.rowId === b.rowId;
}

function refusedWith(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof CryptoError) return err.code;
    throw err;
  }
}

describe('envelope properties', () => {
  it('round-trips arbitrary well-formed strings (all code points)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 500 }), context, (text, ctx) => {
        expect(cipher.decryptString(cipher.encrypt(text, ctx), ctx)).toBe(text);
      }),
    );
  });

  it('round-trips arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), context, (bytes, ctx) => {
        const out = cipher.decrypt(cipher.encrypt(bytes, ctx), ctx);
        expect(out.equals(Buffer.from(bytes))).toBe(true);
      }),
    );
  });

  it('round-trips through a rewrap from a retired KEK', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), context, (bytes, ctx) => {
        const rewrapped = cipher.rewrap(before.encrypt(bytes, ctx));
        expect(rewrapped.split('.')[1]).toBe('current');
        expect(cipher.decrypt(rewrapped, ctx).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('never decrypts under a different context', () => {
    fc.assert(
      fc.property(fc.string(), context, context, (text, a, b) => {
        fc.pre(!sameContext(a, b));
        expect(refusedWith(() => cipher.decrypt(cipher.encrypt(text, a), b))).toBe(
          'authentication_failed',
        );
      }),
    );
  });

  it('never decrypts a ciphertext with any one bit flipped', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        context,
        fc.integer({ min: 2, max: 4 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (bytes, ctx, index, at, bit) => {
          const parts = cipher.encrypt(bytes, ctx).split('.');
          const decoded = Buffer.from(parts[index], 'base64url');
          decoded[at % decoded.length] ^= 1 << bit;
          parts[index] = decoded.toString('base64url');
          expect(refusedWith(() => cipher.decrypt(parts.join('.'), ctx))).toBe(
            'authentication_failed',
          );
        },
      ),
    );
  });

  it('gives pairwise different ciphertexts for equal plaintexts', () => {
    fc.assert(
      fc.property(fc.string(), context, (text, ctx) => {
        const seen = new Set(Array.from({ length: 5 }, () => cipher.encrypt(text, ctx)));
        expect(seen.size).toBe(5);
      }),
      { numRuns: 50 },
    );
  });

  it('only ever throws CryptoError for arbitrary input strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), context, (text, ctx) => {
        const code = refusedWith(() => cipher.decrypt(text, ctx));
        expect(code).toBeDefined();
        expect(refusedWith(() => cipher.rewrap(text))).toBeDefined();
      }),
    );
  });
});
