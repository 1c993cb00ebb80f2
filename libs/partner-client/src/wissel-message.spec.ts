import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { canonicalJson, generateEd25519KeyPair, signJson } from '@wissel/signing';
import { fetchJwks, jwksUrl } from './jwks';
import { verifyWisselMessage, WisselMessage, wisselSignatureHeaders } from './wissel-message';

const current = generateEd25519KeyPair('wissel-2026-01');
const previous = generateEd25519KeyPair('wissel-2025-07');
const jwks = { keys: [previous.publicJwk, current.publicJwk] };
const value = { schema: 'wissel.dispatch/1', dispatchId: 'd-1', referral: { n: 1.5, ok: true } };
const headers = wisselSignatureHeaders(signJson(value, current.privateKey, 'wissel-2026-01'));
const signed: WisselMessage = { headers, value: canonicalJson(value) };

describe('verifyWisselMessage', () => {
  it('accepts a message signed with signJson, as text, bytes or parsed', () => {
    const ok = { ok: true, keyId: 'wissel-2026-01' };
    expect(verifyWisselMessage(signed, jwks)).toEqual(ok);
    expect(
      verifyWisselMessage({ headers, value: Buffer.from(canonicalJson(value)) }, jwks),
    ).toEqual(ok);
    expect(verifyWisselMessage({ headers, value }, jwks)).toEqual(ok);
  });

  it('accepts the same JSON re-encoded and headers in any case (Kafka tail output, webhooks)', () => {
    const reencoded = JSON.stringify(
      { referral: { ok: true, n: 1.5 }, dispatchId: 'd-1', schema: 'wissel.dispatch/1' },
      null,
      2,
    );
    const shouted = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k.toUpperCase(), Buffer.from(v)]),
    );
    const tailLine = { partition: 0, offset: '7', headers: shouted, value: reencoded };
    expect(verifyWisselMessage(tailLine, jwks)).toEqual({ ok: true, keyId: 'wissel-2026-01' });
  });

  it('refuses a modified value', () => {
    const changed = canonicalJson({ ...value, dispatchId: 'd-2' });
    expect(verifyWisselMessage({ headers, value: changed }, jwks)).toMatchObject({
      ok: false,
      code: 'signature_invalid',
    });
  });

  it('refuses a wrong key id (another published key) and an unknown one', () => {
    const wrongKey = { ...headers, 'wissel-signature-key-id': 'wissel-2025-07' };
    expect(verifyWisselMessage({ ...signed, headers: wrongKey }, jwks)).toMatchObject({
      ok: false,
      code: 'signature_invalid',
    });
    const unknown = { ...headers, 'wissel-signature-key-id': 'wissel-1999-01' };
    expect(verifyWisselMessage({ ...signed, headers: unknown }, jwks)).toMatchObject({
      ok: false,
      code: 'key_unknown',
    });
    expect(verifyWisselMessage(signed, { keys: [previous.publicJwk] })).toMatchObject({
      ok: false,
      code: 'key_unknown',
    });
  });

  it.each<[string, object, string]>([
    ['no headers', { value: '{}' }, 'message_invalid'],
    ['no value', { headers }, 'message_invalid'],
    [
      'no signature',
      { headers: { ...headers, 'wissel-signature': undefined }, value: '{}' },
      'signature_missing',
    ],
    [
      'no alg',
      { headers: { ...headers, 'wissel-signature-alg': undefined }, value: '{}' },
      'signature_missing',
    ],
    [
      'another alg',
      { headers: { ...headers, 'wissel-signature-alg': 'hmac-sha256' }, value: '{}' },
      'alg_unsupported',
    ],
    [
      'a repeated header',
      { headers: { ...headers, 'WISSEL-SIGNATURE': 'x' }, value: '{}' },
      'message_invalid',
    ],
    ['a value that is not JSON', { headers, value: '{"schema":' }, 'value_invalid'],
    ['invalid UTF-8', { headers, value: Buffer.from([0x22, 0xff, 0x22]) }, 'value_invalid'],
    ['a lone surrogate', { headers, value: '"\\ud800"' }, 'value_invalid'],
    [
      'a garbled signature',
      { headers: { ...headers, 'wissel-signature': 'AAAA' }, value: canonicalJson(value) },
      'signature_invalid',
    ],
  ])('refuses %s → %s', (_name, message, code) => {
    expect(verifyWisselMessage(message, jwks)).toMatchObject({ ok: false, code });
  });

  it('refuses a published key that is not an Ed25519 signing key', () => {
    const asEncryption = { ...current.publicJwk, use: 'enc' };
    expect(verifyWisselMessage(signed, { keys: [asEncryption] })).toMatchObject({
      code: 'key_invalid',
    });
    const ec = { kty: 'EC', crv: 'P-256', kid: 'wissel-2026-01', x: 'a', y: 'b' };
    expect(verifyWisselMessage(signed, { keys: [ec] })).toMatchObject({ code: 'key_invalid' });
  });
});

describe('fetchJwks', () => {
  it('reads /.well-known/jwks.json from a base URL and refuses a non-key-set', async () => {
    const server = createServer((req, res) => {
      const body = req.url === '/.well-known/jwks.json' ? JSON.stringify(jwks) : '{"nope":1}';
      res.writeHead(req.url === '/missing.json' ? 404 : 200, {
        'content-type': 'application/json',
      });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(fetchJwks(`${base}/`)).resolves.toEqual(jwks);
      await expect(fetchJwks(`${base}/other.json`)).rejects.toThrow(/not a JWK set/);
      await expect(fetchJwks(`${base}/missing.json`)).rejects.toThrow(/answered 404/);
    } finally {
      server.close();
    }
  });

  it('keeps a URL that names a .json document and appends the path to a base', () => {
    expect(jwksUrl('https://wissel.example')).toBe('https://wissel.example/.well-known/jwks.json');
    expect(jwksUrl('https://wissel.example/api/')).toBe(
      'https://wissel.example/api/.well-known/jwks.json',
    );
    expect(jwksUrl('https://mirror.example/keys.json')).toBe('https://mirror.example/keys.json');
  });
});
