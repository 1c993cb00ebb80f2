// RFC 9421 Appendix B.2.5 and B.2.6, RFC 9530 Appendix B.1 and §2: the published bases,
// signatures and digests, reproduced byte for byte and verified.
import { createPublicKey } from 'node:crypto';
import { signBase, verifyBase } from './algorithms';
import { contentDigest, verifyContentDigest } from './content-digest';
import { ed25519PublicKey } from './ed25519-keys';
import {
  TEST_KEY_ED25519,
  TEST_KEY_ED25519_PUBLIC_PEM,
  TEST_REQUEST,
  TEST_REQUEST_BODY,
  TEST_SHARED_SECRET,
} from './rfc9421-fixtures';
import { buildSignatureBase } from './signature-base';
import { verifyRequest } from './verify-request';

const CREATED = 1618884473;
const atCreated = (): Date => new Date((CREATED + 5) * 1000);

describe('RFC 9421 B.2.5 (hmac-sha256, test-shared-secret)', () => {
  const components = ['date', '@authority', 'content-type'];
  const params = { created: CREATED, keyid: 'test-shared-secret' };
  const base = [
    '"date": Tue, 20 Apr 2021 02:07:55 GMT',
    '"@authority": example.com',
    '"content-type": application/json',
    '"@signature-params": ("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"',
  ].join('\n');
  const signature = 'pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=';

  it('builds the published signature base', () => {
    expect(buildSignatureBase(TEST_REQUEST, components, params).base).toBe(base);
  });

  it('produces the published signature', () => {
    const key = { alg: 'hmac-sha256', secret: TEST_SHARED_SECRET } as const;
    expect(signBase(key, base).toString('base64')).toBe(signature);
  });

  it('verifies the published headers', async () => {
    const verified = await verifyRequest(
      {
        ...TEST_REQUEST,
        headers: {
          ...TEST_REQUEST.headers,
          'Signature-Input':
            'sig-b25=("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"',
          Signature: `sig-b25=:${signature}:`,
        },
      },
      {
        lookupKey: (keyId) =>
          keyId === 'test-shared-secret'
            ? [{ alg: 'hmac-sha256', secret: TEST_SHARED_SECRET }]
            : undefined,
        requiredComponents: components,
        requiredParams: ['created', 'keyid'],
        now: atCreated,
      },
    );
    expect(verified).toMatchObject({
      label: 'sig-b25',
      keyId: 'test-shared-secret',
      alg: 'hmac-sha256',
      created: CREATED,
      components,
    });
  });
});

describe('RFC 9421 B.2.6 (ed25519, test-key-ed25519)', () => {
  const components = ['date', '@method', '@path', '@authority', 'content-type', 'content-length'];
  const params = { created: CREATED, keyid: 'test-key-ed25519' };
  const base = [
    '"date": Tue, 20 Apr 2021 02:07:55 GMT',
    '"@method": POST',
    '"@path": /foo',
    '"@authority": example.com',
    '"content-type": application/json',
    '"content-length": 18',
    '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
  ].join('\n');
  const signature =
    'wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==';
  const signedRequest = {
    ...TEST_REQUEST,
    headers: {
      ...TEST_REQUEST.headers,
      'signature-input':
        'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
      signature: `sig-b26=:${signature}:`,
    },
  };

  it('builds the published signature base and Signature-Input value', () => {
    const built = buildSignatureBase(TEST_REQUEST, components, params);
    expect(built.base).toBe(base);
    expect(`sig-b26=${built.signatureParams}`).toBe(signedRequest.headers['signature-input']);
  });

  it('produces the published signature (Ed25519 is deterministic)', () => {
    const key = { alg: 'ed25519', privateKey: TEST_KEY_ED25519 } as const;
    expect(signBase(key, base).toString('base64')).toBe(signature);
  });

  it.each([
    ['a JWK', { kty: 'OKP', crv: 'Ed25519', x: TEST_KEY_ED25519.x } as const],
    ['raw 32 bytes', Buffer.from(TEST_KEY_ED25519.x, 'base64url')],
    ['a KeyObject from the published PEM', createPublicKey(TEST_KEY_ED25519_PUBLIC_PEM)],
  ])('verifies the published headers with the public key as %s', async (_form, publicKey) => {
    expect(ed25519PublicKey(publicKey).export({ format: 'jwk' }).x).toBe(TEST_KEY_ED25519.x);
    const verified = await verifyRequest(signedRequest, {
      lookupKey: () => [{ alg: 'ed25519', publicKey, id: 'row-1' }],
      requiredComponents: components,
      requiredParams: ['created', 'keyid'],
      now: atCreated,
    });
    expect(verified).toMatchObject({ label: 'sig-b26', alg: 'ed25519', key: { id: 'row-1' } });
  });

  it('refuses the published signature over a changed base', () => {
    const key = { alg: 'ed25519', publicKey: TEST_KEY_ED25519 } as const;
    const sig = Buffer.from(signature, 'base64');
    expect(verifyBase(key, base, sig)).toBe(true);
    expect(verifyBase(key, base.replace('/foo', '/fop'), sig)).toBe(false);
  });
});

describe('Content-Digest vectors', () => {
  // RFC 9530 B.1: {"hello": "world"} followed by LF.
  const bodyWithLf = Buffer.from('{"hello": "world"}\n', 'utf8');

  it('RFC 9530 B.1: sha-256 of {"hello": "world"}\\n', () => {
    expect(contentDigest(bodyWithLf, 'sha-256')).toBe(
      'sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:',
    );
  });

  it('RFC 9530 §2: the sha-512 example is the digest of that same body', () => {
    const value =
      'sha-512=:YMAam51Jz/jOATT6/zvHrLVgOYTGFy1d6GJiOHTohq4yP+pgk4vf2aCsyRZOtw8MjkM7iw7yZ/WkppmM44T3qg==:';
    expect(contentDigest(bodyWithLf, 'sha-512')).toBe(value);
    expect(verifyContentDigest(value, bodyWithLf)).toEqual(['sha-512']);
  });

  it('RFC 9421 B.2: the test request carries the sha-512 digest of its 18-byte body', () => {
    const header = TEST_REQUEST.headers['content-digest'] as string;
    expect(contentDigest(TEST_REQUEST_BODY, 'sha-512')).toBe(header);
    expect(verifyContentDigest(header, TEST_REQUEST_BODY)).toEqual(['sha-512']);
  });
});
