import { randomBytes } from 'node:crypto';
import { EncryptionContext, EnvelopeCipher, isEnvelope, keyIdOf } from './envelope';
import { CryptoError, CryptoErrorCode } from './errors';
import { KeyProvider, StaticKeyProvider } from './key-provider';
import { CONTEXT, kek, ring } from './test-keys';

function codeOf(fn: () => unknown): CryptoErrorCode {
  try {
    fn();
  } catch (err) {
    if (err instanceof CryptoError) return err.code;
    throw err;
  }
  throw new Error('expected a CryptoError, nothing was thrown');
}

/** Replaces part `index` of a ciphertext. */
function withPart(ciphertext: string, index: number, part: string): string {
  const parts = ciphertext.split('.');
  parts[index] = part;
  return parts.join('.');
}

/** Flips one bit of the decoded bytes of part `index`, re-encoded canonically. */
function flipBit(ciphertext: string, index: number, byte = 0): string {
  const bytes = Buffer.from(ciphertext.split('.')[index], 'base64url');
  bytes[byte] ^= 0x01;
  return withPart(ciphertext, index, bytes.toString('base64url'));
}

describe('EnvelopeCipher', () => {
  const k1 = kek('k1');
  const cipher = new EnvelopeCipher(ring(k1));

  describe('round trip', () => {
    it('decrypts a string to the same string', () => {
      const ct = cipher.encrypt('Jane Doe, 1.2.3.4 — ü 🚂', CONTEXT);
      expect(cipher.decryptString(ct, CONTEXT)).toBe('Jane Doe, 1.2.3.4 — ü 🚂');
    });

    it('decrypts bytes to the same bytes, including the empty value', () => {
      const bytes = randomBytes(1000);
      expect(cipher.decrypt(cipher.encrypt(bytes, CONTEXT), CONTEXT).equals(bytes)).toBe(true);
      expect(cipher.decrypt(cipher.encrypt(new Uint8Array(0), CONTEXT), CONTEXT).length).toBe(0);
      expect(cipher.decryptString(cipher.encrypt('', CONTEXT), CONTEXT)).toBe('');
    });

    it('produces the documented wse1 shape without the plaintext in it', () => {
      const ct = cipher.encrypt('secret@example.org', CONTEXT);
      expect(ct).toMatch(
        /^wse1\.k1\.[A-Za-z0-9_-]{80}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{46}$/, // 18 + 16 bytes
      );
      expect(ct).not.toContain('secret');
      expect(keyIdOf(ct)).toBe('k1');
      expect(isEnvelope(ct)).toBe(true);
      expect(isEnvelope('secret@example.org')).toBe(false);
    });

    it('gives different ciphertexts (data key, IV, wrapping) for equal plaintexts', () => {
      const a = cipher.encrypt('same', CONTEXT).split('.');
      const b = cipher.encrypt('same', CONTEXT).split('.');
      expect(a[2]).not.toBe(b[2]);
      expect(a[3]).not.toBe(b[3]);
      expect(a[4]).not.toBe(b[4]);
    });
  });

  describe('context binding (AAD)', () => {
    const ct = cipher.encrypt('Jane Doe', CONTEXT);
    const moved: [string, EncryptionContext][] = [
      ['another row', { ...CONTEXT, rowId: 'f3e2a1b0-0000-4000-8000-000000000000' }],
      ['another column', { ...CONTEXT, column: 'alias' }],
      ['another table', { ...CONTEXT, table: 'contact' }],
      // Length prefixes: shifting a boundary between fields is a different context.
      ['a shifted boundary', { table: 'referral_personn', column: 'ame', rowId: CONTEXT.rowId }],
    ];
    it.each(moved)('fails in %s', (_name, context) => {
      expect(codeOf(() => cipher.decrypt(ct, context))).toBe('authentication_failed');
    });

    it('refuses an incomplete context on both sides', () => {
      expect(codeOf(() => cipher.encrypt('x', { ...CONTEXT, rowId: '' }))).toBe('context_invalid');
      expect(codeOf(() => cipher.decrypt(ct, { ...CONTEXT, table: '' }))).toBe('context_invalid');
    });
  });

  describe('tampering', () => {
    const ct = cipher.encrypt('Jane Doe', CONTEXT);

    it.each([
      ['wrapped key (its IV)', 2, 0],
      ['wrapped key (the encrypted data key)', 2, 20],
      ['wrapped key (its tag)', 2, 59],
      ['iv', 3, 0],
      ['ciphertext', 4, 0],
      ['tag', 4, 8 + 15],
    ])('of the %s fails authentication', (_name, part, byte) => {
      expect(codeOf(() => cipher.decrypt(flipBit(ct, part, byte), CONTEXT))).toBe(
        'authentication_failed',
      );
    });

    it('of the version is refused', () => {
      expect(codeOf(() => cipher.decrypt(withPart(ct, 0, 'wse2'), CONTEXT))).toBe(
        'version_unsupported',
      );
      expect(codeOf(() => cipher.decrypt(withPart(ct, 0, 'wsx1'), CONTEXT))).toBe(
        'ciphertext_malformed',
      );
    });

    it('of the key id names an unknown key, or fails authentication under another key', () => {
      expect(codeOf(() => cipher.decrypt(withPart(ct, 1, 'k9'), CONTEXT))).toBe('key_unknown');
      const two = new EnvelopeCipher(ring(k1, kek('k2')));
      expect(codeOf(() => two.decrypt(withPart(ct, 1, 'k2'), CONTEXT))).toBe(
        'authentication_failed',
      );
    });

    it('fails when the key id is swapped to another id holding the same key', () => {
      // The wrapping binds the id as AAD, so even a duplicated key does not alias.
      const alias = new EnvelopeCipher(ring(k1, { id: 'k1-copy', key: k1.key }));
      expect(codeOf(() => alias.decrypt(withPart(ct, 1, 'k1-copy'), CONTEXT))).toBe(
        'authentication_failed',
      );
    });

    it('of parts between two values (wrapped key from another value) fails', () => {
      const other = cipher.encrypt('John Roe', CONTEXT);
      const spliced = withPart(ct, 2, other.split('.')[2]);
      expect(codeOf(() => cipher.decrypt(spliced, CONTEXT))).toBe('authentication_failed');
    });

    it('by truncating the tag is malformed or fails, never decrypts', () => {
      const sealed = Buffer.from(ct.split('.')[4], 'base64url');
      const cut = withPart(ct, 4, sealed.subarray(0, sealed.length - 4).toString('base64url'));
      expect(codeOf(() => cipher.decrypt(cut, CONTEXT))).toBe('authentication_failed');
      const tagOnly = withPart(ct, 4, sealed.subarray(0, 12).toString('base64url'));
      expect(codeOf(() => cipher.decrypt(tagOnly, CONTEXT))).toBe('ciphertext_malformed');
    });
  });

  describe('malformed ciphertexts', () => {
    const ct = cipher.encrypt('Jane Doe', CONTEXT);
    const parts = ct.split('.');
    // 25 sealed bytes: the last base64url character carries 4 unused bits, which Node's
    // decoder ignores; setting one must still be refused, not decode to the same bytes.
    const odd = cipher.encrypt('Jane Doe!', CONTEXT);
    const sealedText = odd.split('.')[4];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet[alphabet.indexOf(sealedText.slice(-1)) + 1];
    const nonCanonical = withPart(odd, 4, sealedText.slice(0, -1) + last);
    it.each([
      ['empty', ''],
      ['plaintext', 'Jane Doe'],
      ['too few parts', parts.slice(0, 4).join('.')],
      ['too many parts', `${ct}.x`],
      ['bad key id', withPart(ct, 1, 'k 1')],
      ['empty key id', withPart(ct, 1, '')],
      ['padding', withPart(ct, 3, `${parts[3]}==`)],
      ['standard base64 characters', withPart(ct, 2, parts[2].replace(/.$/, '+'))],
      ['non-canonical trailing bits', nonCanonical],
      ['short iv', withPart(ct, 3, parts[3].slice(0, 12))],
      ['short wrapped key', withPart(ct, 2, parts[2].slice(0, 40))],
    ])('refuses %s', (_name, text) => {
      expect(codeOf(() => cipher.decrypt(text, CONTEXT))).toBe('ciphertext_malformed');
      expect(codeOf(() => cipher.rewrap(text))).toBe('ciphertext_malformed');
    });

    it('refuses a non-string at run time', () => {
      expect(codeOf(() => cipher.decrypt(42 as unknown as string, CONTEXT))).toBe(
        'ciphertext_malformed',
      );
    });
  });

  describe('rotation', () => {
    const old = kek('2025-01');
    const next = kek('2026-01');
    const before = new EnvelopeCipher(ring(old));
    const after = new EnvelopeCipher(ring(next, old));

    it('encrypts new values under the current KEK and still decrypts old ones by id', () => {
      const oldCt = before.encrypt('Jane Doe', CONTEXT);
      const newCt = after.encrypt('Jane Doe', CONTEXT);
      expect(keyIdOf(oldCt)).toBe('2025-01');
      expect(keyIdOf(newCt)).toBe('2026-01');
      expect(after.decryptString(oldCt, CONTEXT)).toBe('Jane Doe');
      expect(codeOf(() => before.decrypt(newCt, CONTEXT))).toBe('key_unknown');
    });

    it('rewraps the data key under the current KEK without touching IV or data', () => {
      const oldCt = before.encrypt('Jane Doe', CONTEXT);
      expect(after.needsRewrap(oldCt)).toBe(true);
      const rewrapped = after.rewrap(oldCt);
      const [v0, , , iv0, data0] = oldCt.split('.');
      const [v1, id1, , iv1, data1] = rewrapped.split('.');
      expect([v1, id1, iv1, data1]).toEqual([v0, '2026-01', iv0, data0]);
      expect(after.needsRewrap(rewrapped)).toBe(false);
      expect(after.decryptString(rewrapped, CONTEXT)).toBe('Jane Doe');
      // Once the old KEK is retired, only the rewrapped value still decrypts.
      const retired = new EnvelopeCipher(ring(next));
      expect(retired.decryptString(rewrapped, CONTEXT)).toBe('Jane Doe');
      expect(codeOf(() => retired.decrypt(oldCt, CONTEXT))).toBe('key_unknown');
    });

    it('returns a ciphertext already under the current KEK unchanged, after checking it', () => {
      const ct = after.encrypt('Jane Doe', CONTEXT);
      expect(after.rewrap(ct)).toBe(ct);
      expect(codeOf(() => after.rewrap(flipBit(ct, 2, 30)))).toBe('authentication_failed');
    });

    it('refuses to rewrap a value whose KEK is unknown or whose wrapping was tampered', () => {
      const oldCt = before.encrypt('Jane Doe', CONTEXT);
      expect(codeOf(() => new EnvelopeCipher(ring(next)).rewrap(oldCt))).toBe('key_unknown');
      expect(codeOf(() => after.rewrap(flipBit(oldCt, 2, 30)))).toBe('authentication_failed');
    });

    it('keeps the context binding across a rewrap', () => {
      const rewrapped = after.rewrap(before.encrypt('Jane Doe', CONTEXT));
      expect(codeOf(() => after.decrypt(rewrapped, { ...CONTEXT, rowId: 'other' }))).toBe(
        'authentication_failed',
      );
    });
  });

  describe('refusals that must not leak', () => {
    it('refuses a lone surrogate instead of silently changing the string', () => {
      expect(codeOf(() => cipher.encrypt('a\ud800b', CONTEXT))).toBe('plaintext_invalid');
    });

    it('refuses a provider that returns a KEK of the wrong length', () => {
      const broken: KeyProvider = {
        current: () => ({ id: 'short', key: randomBytes(16) }),
        byId: () => ({ id: 'short', key: randomBytes(16) }),
      };
      expect(codeOf(() => new EnvelopeCipher(broken).encrypt('x', CONTEXT))).toBe(
        'key_length_invalid',
      );
    });

    it('never puts plaintext, key material, context or ciphertext parts in a message', () => {
      const plaintext = 'Jane Doe jane@example.org';
      const ct = cipher.encrypt(plaintext, CONTEXT);
      const secrets = [
        plaintext,
        k1.key.toString('base64'),
        k1.key.toString('base64url'),
        k1.key.toString('hex'),
        CONTEXT.rowId,
        ...ct.split('.').slice(2),
      ];
      const failures = [
        () => cipher.decrypt(ct, { ...CONTEXT, rowId: 'x' }),
        () => cipher.decrypt(flipBit(ct, 4), CONTEXT),
        () => cipher.decrypt(flipBit(ct, 2), CONTEXT),
        () => cipher.decrypt(withPart(ct, 1, 'k9'), CONTEXT),
        () => cipher.decrypt(`${ct}.x`, CONTEXT),
        () => cipher.decrypt(withPart(ct, 3, 'AAAA'), CONTEXT),
        () => cipher.encrypt(`${plaintext}\ud800`, CONTEXT),
        () => new StaticKeyProvider([{ id: 'k1', key: k1.key.subarray(0, 31) }]),
      ];
      for (const fail of failures) {
        let message = '';
        try {
          fail();
        } catch (err) {
          expect(err).toBeInstanceOf(CryptoError);
          message = `${(err as Error).message} ${(err as Error).stack}`;
        }
        expect(message).not.toBe('');
        for (const secret of secrets) expect(message).not.toContain(secret);
      }
    });
  });
});
