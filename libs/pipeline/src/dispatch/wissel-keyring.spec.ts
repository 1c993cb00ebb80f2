import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@wissel/domain';
import { generateEd25519KeyPair, signJson, verifyJson } from '@wissel/signing';
import { loadWisselKeyring } from './wissel-keyring';

const dir = () => mkdtempSync(join(tmpdir(), 'wissel-keys-'));
const settings = { keyFile: '', keyId: '', previousKeys: '', devKeyDir: '' };

describe('loadWisselKeyring', () => {
  it('generates a development key once (0600), warns, and reuses it', () => {
    const devKeyDir = dir();
    const warnings: string[] = [];
    const first = loadWisselKeyring({ ...settings, devKeyDir }, (m) => warnings.push(m));
    const second = loadWisselKeyring({ ...settings, devKeyDir }, () => undefined);
    expect(first.keyId).toMatch(/^wissel-dev-[A-Za-z0-9_-]{16}$/);
    expect(second.keyId).toBe(first.keyId);
    expect(warnings).toEqual([expect.stringContaining('production must configure')]);
    const file = join(devKeyDir, 'wissel-dev-signing.private.jwk.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // What it signs verifies with the key it publishes.
    const signed = signJson({ a: 1 }, second.privateKey, second.keyId);
    expect(verifyJson({ a: 1 }, signed.signature, first.jwks.keys[0]!)).toBe(true);
  });

  it('reads a private JWK with its own kid, and publishes only public members', () => {
    const pair = generateEd25519KeyPair('wissel-2026-01');
    const previous = generateEd25519KeyPair('wissel-2025-07');
    const d = dir();
    writeFileSync(join(d, 'key.json'), JSON.stringify(pair.privateJwk));
    // A previous key given with its private part: the private part is never published.
    writeFileSync(join(d, 'old.json'), JSON.stringify({ keys: [previous.privateJwk] }));
    const keyring = loadWisselKeyring(
      { ...settings, keyFile: join(d, 'key.json'), previousKeys: join(d, 'old.json') },
      () => undefined,
    );
    expect(keyring.keyId).toBe('wissel-2026-01');
    expect(keyring.jwks.keys.map((k) => k.kid)).toEqual(['wissel-2026-01', 'wissel-2025-07']);
    expect(JSON.stringify(keyring.jwks)).not.toContain('"d"');
    expect(keyring.jwks.keys[1]).toEqual(previous.publicJwk);
  });

  it('reads a PKCS#8 PEM with SIGNING_KEY_ID, and needs the id', () => {
    const pair = generateEd25519KeyPair();
    const d = dir();
    const pem = join(d, 'key.pem');
    writeFileSync(pem, pair.privateKey.export({ format: 'pem', type: 'pkcs8' }));
    expect(
      loadWisselKeyring({ ...settings, keyFile: pem, keyId: 'k-1' }, () => undefined).keyId,
    ).toBe('k-1');
    expect(() => loadWisselKeyring({ ...settings, keyFile: pem }, () => undefined)).toThrow(
      /SIGNING_KEY_ID is needed/,
    );
  });

  it('refuses a public key, another key type, a missing file and a repeated kid', () => {
    const d = dir();
    const pair = generateEd25519KeyPair('k-1');
    writeFileSync(join(d, 'public.json'), JSON.stringify(pair.publicJwk));
    writeFileSync(join(d, 'private.json'), JSON.stringify(pair.privateJwk));
    const load = (over: Partial<typeof settings>) => () =>
      loadWisselKeyring({ ...settings, ...over }, () => undefined);
    expect(load({ keyFile: join(d, 'public.json') })).toThrow(ConfigurationError);
    expect(load({ keyFile: join(d, 'missing.json') })).toThrow(/cannot be read/);
    expect(
      load({ keyFile: join(d, 'private.json'), previousKeys: join(d, 'public.json') }),
    ).toThrow(/listed twice/);
    expect(readFileSync(join(d, 'private.json'), 'utf8')).toContain('"d"');
  });
});
