// The README's signed examples are produced here, so the README cannot drift from the code:
// change either and this test says what the other must now read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, signJson, verifyRequest } from '@wissel/signing';
import { PartnerClient, PreparedRequest } from './partner-client';
import { verifyWisselMessage, wisselSignatureHeaders } from './wissel-message';

// RFC 9421 Appendix B.1.4 test-key-ed25519: published, so anyone can reproduce the examples.
const TEST_KEY = {
  kty: 'OKP',
  crv: 'Ed25519',
  x: 'JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs',
  d: 'n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU',
} as const;
const created = new Date('2026-03-01T12:00:00Z');
const nonces = ['yv7dh2hF7BYDh5b8D0tXpg', 'Q3mS0cCqkO0sXbq0vJ1mSw', 'Zt3kq8X1cH0aVw2mLr9sPg'];

const client = new PartnerClient({
  baseUrl: 'https://wissel.example',
  keyId: 'test-key-ed25519',
  key: { alg: 'ed25519', privateKey: TEST_KEY },
  now: () => created,
  nonce: () => nonces.shift() ?? 'unexpected',
});
const post = client.prepare('POST', '/v1/referrals', '{"hello": "world"}', 'application/json');
const get = client.prepare('GET', '/v1/referrals/r-1');
// XML is signed the same way: the digest is of its bytes, the content-type is its own.
const xml = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<cyberTiplineReferral><reportId>182736455</reportId></cyberTiplineReferral>',
].join('\n');
const postXml = client.prepare('POST', '/v1/referrals', xml, 'application/xml');

const dispatch = { schema: 'wissel.dispatch/1', dispatchId: 'd-1' };
const message = {
  headers: wisselSignatureHeaders(signJson(dispatch, TEST_KEY, 'test-key-ed25519')),
  value: canonicalJson(dispatch),
};

function asHttp(prepared: PreparedRequest): string {
  const url = new URL(prepared.url);
  const head = [`${prepared.method} ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`];
  for (const [name, value] of Object.entries(prepared.headers)) {
    head.push(`${name.replace(/(^|-)[a-z]/g, (c) => c.toUpperCase())}: ${value}`);
  }
  const body = prepared.body === undefined ? [] : ['', prepared.body.toString('utf8')];
  return ['```http', ...head, ...body, '```'].join('\n');
}

/** The README blocks, exactly as this test expects them. */
export const README_BLOCKS = [
  asHttp(post),
  asHttp(get),
  asHttp(postXml),
  ['```json', JSON.stringify(message, null, 2), '```'].join('\n'),
];

describe('README worked examples', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

  it.each(README_BLOCKS.map((block, i) => [i, block]))(
    'block %i is what the code produces',
    (_i, block) => {
      expect(readme).toContain(block);
    },
  );

  it('the signed requests verify, and the message verifies against the key as a JWKS', async () => {
    const publicKey = { kty: 'OKP', crv: 'Ed25519', x: TEST_KEY.x } as const;
    for (const [prepared, required] of [
      [post, undefined],
      [get, ['@method', '@target-uri']],
      [postXml, ['@method', '@target-uri', 'content-digest', 'content-type']],
    ] as const) {
      const verified = await verifyRequest(prepared, {
        lookupKey: () => [{ alg: 'ed25519', publicKey }],
        requiredComponents: required,
        now: () => created,
      });
      expect(verified.created).toBe(created.getTime() / 1000);
    }
    const jwks = { keys: [{ ...publicKey, kid: 'test-key-ed25519' }] };
    expect(verifyWisselMessage(message, jwks)).toEqual({ ok: true, keyId: 'test-key-ed25519' });
  });
});
