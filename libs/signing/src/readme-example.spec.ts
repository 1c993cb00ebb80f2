// The worked example in README.md is produced here, so the README cannot drift from the
// code: change either and this test says what the other must now read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contentDigest } from './content-digest';
import { HttpMessage } from './message';
import { TEST_KEY_ED25519 } from './rfc9421-fixtures';
import { buildSignatureBase } from './signature-base';
import { signRequest } from './sign-request';
import { verifyRequest } from './verify-request';

const body = Buffer.from('{"hello": "world"}', 'utf8');
const request: HttpMessage = {
  method: 'POST',
  url: 'https://wissel.example/v1/referrals',
  headers: { 'content-type': 'application/json', 'content-digest': contentDigest(body) },
};
const options = {
  alg: 'ed25519',
  privateKey: TEST_KEY_ED25519,
  keyId: 'test-key-ed25519',
  created: 1750000000,
  nonce: 'b3k2pp5k7z-50gnwp',
} as const;

const headers = signRequest(request, options);
const { base } = buildSignatureBase(
  request,
  ['@method', '@target-uri', 'content-digest', 'content-type'],
  {
    created: options.created,
    keyid: options.keyId,
    alg: options.alg,
    nonce: options.nonce,
  },
);

/** The README's "Worked example" block, exactly as this test expects it. */
export const README_EXAMPLE = [
  '```http',
  `POST /v1/referrals HTTP/1.1`,
  'Host: wissel.example',
  `Content-Type: ${request.headers['content-type']}`,
  `Content-Digest: ${request.headers['content-digest']}`,
  `Signature-Input: ${headers['signature-input']}`,
  `Signature: ${headers.signature}`,
  '',
  body.toString('utf8'),
  '```',
  '',
  'Signature base (the exact ASCII bytes signed, no trailing newline):',
  '',
  '```text',
  base,
  '```',
].join('\n');

describe('README worked example', () => {
  it('is what the code produces', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain(README_EXAMPLE);
  });

  it('verifies', async () => {
    const verified = await verifyRequest(
      { ...request, headers: { ...request.headers, ...headers } },
      {
        lookupKey: () => [
          { alg: 'ed25519', publicKey: { kty: 'OKP', crv: 'Ed25519', x: TEST_KEY_ED25519.x } },
        ],
        now: () => new Date(options.created * 1000),
      },
    );
    expect(verified.nonce).toBe(options.nonce);
  });
});
