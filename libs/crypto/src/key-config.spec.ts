import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvelopeCipher } from './envelope';
import { CryptoError, CryptoErrorCode } from './errors';
import {
  KEKS_ENV_VAR,
  keyProviderFromEnv,
  keyProviderFromFile,
  parseKeksEnv,
  parseKeksJson,
} from './key-config';
import { StaticKeyProvider } from './key-provider';
import { CONTEXT } from './test-keys';

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const b64A = keyA.toString('base64');
const b64B = keyB.toString('base64');

function refusal(fn: () => unknown): CryptoError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CryptoError) return err;
    throw err;
  }
  throw new Error('expected a CryptoError, nothing was thrown');
}

function expectRefused(fn: () => unknown, code: CryptoErrorCode, ...secrets: string[]): void {
  const err = refusal(fn);
  expect(err.code).toBe(code);
  for (const secret of secrets) expect(err.message).not.toContain(secret);
}

describe('environment key provider', () => {
  it('reads id:base64key pairs, the first current, the rest by id', () => {
    const provider = keyProviderFromEnv({ [KEKS_ENV_VAR]: `2026-01:${b64A}, 2025-01 : ${b64B}` });
    expect(provider.current().id).toBe('2026-01');
    expect(provider.current().key.equals(keyA)).toBe(true);
    expect(provider.byId('2025-01')?.key.equals(keyB)).toBe(true);
    expect(provider.byId('nope')).toBeUndefined();
    expect(provider.ids()).toEqual(['2026-01', '2025-01']);
  });

  it('reads another variable when named', () => {
    expect(keyProviderFromEnv({ OTHER: `k:${b64A}` }, 'OTHER').current().id).toBe('k');
  });

  it('works end to end with the envelope cipher', () => {
    const cipher = new EnvelopeCipher(keyProviderFromEnv({ [KEKS_ENV_VAR]: `k:${b64A}` }));
    expect(cipher.decryptString(cipher.encrypt('x', CONTEXT), CONTEXT)).toBe('x');
  });

  it.each([
    ['unset', undefined],
    ['empty', ''],
    ['blank', '   '],
  ])('refuses an %s variable', (_name, value) => {
    expectRefused(() => keyProviderFromEnv({ [KEKS_ENV_VAR]: value }), 'key_config_invalid');
  });

  it.each([
    ['an entry without an id', b64A],
    ['an empty entry', `a:${b64A},,b:${b64B}`],
    ['a trailing comma', `a:${b64A},`],
    ['an empty id', `:${b64A}`],
    ['an id with a dot', `a.b:${b64A}`],
    ['an id with a space', `a b:${b64A}`],
    ['an over-long id', `${'a'.repeat(65)}:${b64A}`],
    ['a duplicate id', `a:${b64A},a:${b64B}`],
  ])('refuses %s without echoing keys', (_name, value) => {
    expectRefused(() => parseKeksEnv(value), 'key_config_invalid', b64A, b64B);
  });

  it.each([
    ['a 16-byte key', randomBytes(16).toString('base64')],
    ['a 33-byte key', randomBytes(33).toString('base64')],
    ['a key without padding', b64A.slice(0, -1)],
    ['a truncated key', b64A.slice(0, 20)],
    ['a base64url key', Buffer.from('\xfb'.repeat(32), 'latin1').toString('base64url') + '='],
    ['a key with a stray character', `${b64A.slice(0, 10)}!${b64A.slice(11)}`],
    // 'B' sets an unused low bit of the last character: Node would decode the same bytes.
    ['non-canonical trailing bits', b64A.slice(0, 42) + 'B='],
    ['an empty key', ''],
  ])('refuses %s with key_length_invalid', (_name, key) => {
    expectRefused(() => parseKeksEnv(`k:${key}`), 'key_length_invalid', key || b64A);
  });
});

describe('file key provider', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wissel-crypto-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  }

  it('reads a JSON list, the first current, extra properties ignored', () => {
    const path = file(
      'keks.json',
      JSON.stringify([
        { id: 'k2', key: b64B, created: '2026-01-01' },
        { id: 'k1', key: b64A, note: 'retire after rewrap' },
      ]),
    );
    const provider = keyProviderFromFile(path);
    expect(provider.current().id).toBe('k2');
    expect(provider.current().key.equals(keyB)).toBe(true);
    expect(provider.byId('k1')?.key.equals(keyA)).toBe(true);
  });

  it('refuses a missing file, naming the path and errno only', () => {
    const err = refusal(() => keyProviderFromFile(join(dir, 'missing.json')));
    expect(err.code).toBe('key_config_invalid');
    expect(err.message).toContain('ENOENT');
  });

  it.each([
    ['invalid JSON that quotes a key', `[{"id":"k","key":"${b64A}"`],
    ['an object instead of a list', JSON.stringify({ id: 'k', key: b64A })],
    ['an empty list', '[]'],
    ['a non-object entry', JSON.stringify([b64A])],
    ['a null entry', '[null]'],
    ['an array entry', JSON.stringify([['k', b64A]])],
    ['a missing id', JSON.stringify([{ key: b64A }])],
    ['a numeric id', JSON.stringify([{ id: 1, key: b64A }])],
    ['a bad id', JSON.stringify([{ id: 'a:b', key: b64A }])],
    ['a missing key', JSON.stringify([{ id: 'k' }])],
    ['a numeric key', JSON.stringify([{ id: 'k', key: 7 }])],
    [
      'a duplicate id',
      JSON.stringify([
        { id: 'k', key: b64A },
        { id: 'k', key: b64B },
      ]),
    ],
  ])('refuses %s without echoing keys', (_name, text) => {
    expectRefused(() => parseKeksJson(text), 'key_config_invalid', b64A, b64B);
    expectRefused(() => keyProviderFromFile(file('bad.json', text)), 'key_config_invalid', b64A);
  });

  it('refuses a key of the wrong length', () => {
    const short = randomBytes(31).toString('base64');
    expectRefused(
      () => parseKeksJson(JSON.stringify([{ id: 'k', key: short }])),
      'key_length_invalid',
      short,
    );
  });
});

describe('StaticKeyProvider', () => {
  it('copies the keys it is given', () => {
    const key = Buffer.from(keyA);
    const provider = new StaticKeyProvider([{ id: 'k', key }]);
    key.fill(0);
    expect(provider.current().key.equals(keyA)).toBe(true);
  });

  it('refuses an empty ring, bad ids, duplicates and bad lengths', () => {
    expectRefused(() => new StaticKeyProvider([]), 'key_config_invalid');
    expectRefused(() => new StaticKeyProvider([{ id: 'a.b', key: keyA }]), 'key_config_invalid');
    expectRefused(
      () =>
        new StaticKeyProvider([
          { id: 'a', key: keyA },
          { id: 'a', key: keyB },
        ]),
      'key_config_invalid',
    );
    expectRefused(
      () => new StaticKeyProvider([{ id: 'a', key: randomBytes(24) }]),
      'key_length_invalid',
    );
  });
});
