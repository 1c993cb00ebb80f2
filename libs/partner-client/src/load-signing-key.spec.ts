import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePartnerKey } from './generate-partner-key';
import { loadSigningKey } from './load-signing-key';
import { PartnerKey, toSigningKey } from './partner-key';
import { Ed25519PublicJwk, signBase, verifyBase } from '@wissel/signing';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'partner-key-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** True when the loaded key signs something the expected public key verifies. */
function signsFor(loaded: PartnerKey, publicJwk: Ed25519PublicJwk): boolean {
  const signature = signBase(toSigningKey(loaded), 'probe');
  return verifyBase({ alg: 'ed25519', publicKey: publicJwk }, 'probe', signature);
}

describe('loadSigningKey', () => {
  const generated = generatePartnerKey();

  it('reads a private Ed25519 JWK, as keygen writes it', () => {
    const key = loadSigningKey(
      file('private.jwk.json', JSON.stringify(generated.privateJwk, null, 2)),
    );
    expect(key.alg).toBe('ed25519');
    expect(signsFor(key, generated.publicJwk)).toBe(true);
  });

  it('reads a PKCS#8 PEM', () => {
    const pem = createPrivateKey({ key: generated.privateJwk, format: 'jwk' }).export({
      type: 'pkcs8',
      format: 'pem',
    });
    const key = loadSigningKey(file('private.pem', pem.toString()));
    expect(signsFor(key, generated.publicJwk)).toBe(true);
  });

  it('reads an HMAC secret written as base64 or base64url text, or as an oct JWK', () => {
    const secret = randomBytes(48);
    expect(loadSigningKey(file('s.b64', `${secret.toString('base64')}\n`))).toEqual({
      alg: 'hmac-sha256',
      secret,
    });
    expect(loadSigningKey(file('s.b64u', secret.toString('base64url')))).toEqual({
      alg: 'hmac-sha256',
      secret,
    });
    const oct = JSON.stringify({ kty: 'oct', k: secret.toString('base64url') });
    expect(loadSigningKey(file('s.jwk', oct))).toEqual({ alg: 'hmac-sha256', secret });
  });

  it.each<[string, () => string, RegExp]>([
    ['a public JWK', () => JSON.stringify(generated.publicJwk), /public key/],
    [
      'a public PEM',
      () =>
        createPublicKey({ key: generated.publicJwk, format: 'jwk' })
          .export({ type: 'spki', format: 'pem' })
          .toString(),
      /PRIVATE KEY/,
    ],
    [
      'an EC JWK',
      () =>
        JSON.stringify(
          generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }),
        ),
      /kty EC/,
    ],
    ['a short secret', () => randomBytes(16).toString('base64'), /at least 32 bytes/],
    ['text that is not base64', () => 'my secret passphrase!', /as base64 text/],
    ['broken JSON', () => '{"kty":', /not valid JSON/],
  ])('refuses %s, naming the file', (name, content, message) => {
    const path = file(name.replace(/\W/g, '_'), content());
    expect(() => loadSigningKey(path)).toThrow(message);
    expect(() => loadSigningKey(path)).toThrow(path);
  });
});
