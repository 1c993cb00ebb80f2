// One or more tests per SignatureError code; the last test checks none was left out.
import { randomBytes } from 'node:crypto';
import { IncomingHttpHeaders } from 'node:http';
import { signBase, SigningKey, VerificationKey } from './algorithms';
import { contentDigest, verifyContentDigest } from './content-digest';
import { generateEd25519KeyPair } from './ed25519-keys';
import { SIGNATURE_ERROR_CODES, SignatureError, SignatureErrorCode } from './errors';
import { fieldValues, HttpMessage } from './message';
import { buildSignatureBase } from './signature-base';
import { SignatureParams } from './signature-params';
import { SignOptions, signRequest } from './sign-request';
import { KeyLookupResult, verifyRequest, VerifyOptions } from './verify-request';

const NOW = 1_750_000_000;
const now = (): Date => new Date(NOW * 1000);
const body = Buffer.from('{"sourceId":"IWF-0001"}', 'utf8');
const partner = generateEd25519KeyPair('partner-1');
const stranger = generateEd25519KeyPair('stranger');
const secret = randomBytes(32);

const registry: Record<string, KeyLookupResult> = {
  'partner-1': [{ alg: 'ed25519', publicKey: partner.publicJwk, id: 'ed-1' }],
  'partner-hmac': [{ alg: 'hmac-sha256', secret, id: 'hmac-1' }],
  'partner-old': 'revoked',
  'partner-empty': [],
};
const seen = new Set<SignatureErrorCode>();

function request(): HttpMessage {
  return {
    method: 'POST',
    url: 'https://wissel.example/v1/referrals',
    headers: { 'content-type': 'application/json', 'content-digest': contentDigest(body) },
  };
}

function withHeaders(message: HttpMessage, headers: HttpMessage['headers']): HttpMessage {
  return { ...message, headers: { ...message.headers, ...headers } };
}

const ed25519Key: SigningKey = { alg: 'ed25519', privateKey: partner.privateKey };

function signed(options: Partial<SignOptions> = {}, message = request()): HttpMessage {
  const signOptions = { ...ed25519Key, keyId: 'partner-1', created: NOW, nonce: 'n-1', ...options };
  return withHeaders(message, signRequest(message, signOptions as SignOptions));
}

/** Signs with hand-picked parameters, for inputs signRequest would never write. */
function crafted(
  params: SignatureParams,
  key: SigningKey = ed25519Key,
  components = ['@method', '@target-uri', 'content-digest', 'content-type'],
  message = request(),
): HttpMessage {
  const { base, signatureParams } = buildSignatureBase(message, components, params);
  return withHeaders(message, {
    'signature-input': `sig=${signatureParams}`,
    signature: `sig=:${signBase(key, base).toString('base64')}:`,
  });
}

const full: SignatureParams = { created: NOW, keyid: 'partner-1', alg: 'ed25519', nonce: 'n-1' };

async function refusal(
  message: HttpMessage,
  options: Partial<VerifyOptions> = {},
): Promise<SignatureError> {
  try {
    await verifyRequest(message, { lookupKey: (id) => registry[id], now, ...options });
  } catch (error) {
    if (!(error instanceof SignatureError)) throw error;
    seen.add(error.code);
    expect(error.detail.length).toBeGreaterThan(0);
    return error;
  }
  throw new Error('expected a refusal');
}

function digestRefusal(header: string | undefined, content: Buffer): SignatureErrorCode {
  try {
    verifyContentDigest(header, content);
  } catch (error) {
    if (!(error instanceof SignatureError)) throw error;
    seen.add(error.code);
    return error.code;
  }
  throw new Error('expected a refusal');
}

describe('verifyRequest accepts', () => {
  it('a request signed by signRequest, and says what it verified', async () => {
    const verified = await verifyRequest(signed(), { lookupKey: (id) => registry[id], now });
    expect(verified).toEqual({
      label: 'sig',
      keyId: 'partner-1',
      alg: 'ed25519',
      key: registry['partner-1']?.[0],
      components: ['@method', '@target-uri', 'content-digest', 'content-type'],
      created: NOW,
      expires: undefined,
      nonce: 'n-1',
      tag: undefined,
      // The exact bytes verified, kept as chain-of-custody evidence.
      signatureBase: expect.any(String),
    });
    expect(verified.signatureBase.split('\n')).toEqual([
      '"@method": POST',
      '"@target-uri": https://wissel.example/v1/referrals',
      expect.stringMatching(/^"content-digest": sha-256=:[A-Za-z0-9+/]+=:$/),
      '"content-type": application/json',
      `"@signature-params": ("@method" "@target-uri" "content-digest" "content-type");created=${NOW};keyid="partner-1";alg="ed25519";nonce="n-1"`,
    ]);
  });

  it('an HMAC-SHA256 signature', async () => {
    const message = signed({ alg: 'hmac-sha256', secret, keyId: 'partner-hmac' });
    const verified = await verifyRequest(message, { lookupKey: (id) => registry[id], now });
    expect(verified.key).toMatchObject({ id: 'hmac-1' });
  });

  it('any of several active keys (rotation) and reports which one matched', async () => {
    const keys: VerificationKey[] = [
      { alg: 'ed25519', publicKey: stranger.publicKey, id: 'old' },
      { alg: 'hmac-sha256', secret, id: 'hmac' },
      { alg: 'ed25519', publicKey: partner.publicKey, id: 'new' },
    ];
    const verified = await verifyRequest(signed(), { lookupKey: async () => keys, now });
    expect(verified.key.id).toBe('new');
  });

  it('created at the edges of the clock window', async () => {
    for (const created of [NOW - 300, NOW + 300]) {
      await expect(
        verifyRequest(signed({ created }), { lookupKey: (id) => registry[id], now }),
      ).resolves.toMatchObject({ created });
    }
  });

  it('Express-style headers: mixed case, arrays, undefined', async () => {
    // Type check: Node's IncomingHttpHeaders fits HttpMessage['headers'] as is.
    const incoming: IncomingHttpHeaders = { 'content-type': 'application/json', via: undefined };
    expect(
      fieldValues({ method: 'GET', url: 'https://a.example/', headers: incoming }, 'Content-Type'),
    ).toEqual(['application/json']);
    const message = signed(
      { components: ['@method', '@target-uri', 'x-list', 'content-type'] },
      {
        ...request(),
        headers: { ...request().headers, 'x-list': ['a', ' b '], 'x-absent': undefined },
      },
    );
    const reshaped = {
      ...message,
      headers: { ...message.headers, 'Content-Type': message.headers['content-type'] },
    };
    delete (reshaped.headers as Record<string, unknown>)['content-type'];
    await expect(
      verifyRequest(reshaped, {
        lookupKey: (id) => registry[id],
        now,
        requiredComponents: ['@method', '@target-uri'],
      }),
    ).resolves.toMatchObject({ keyId: 'partner-1' });
  });
});

describe('verifyRequest refuses', () => {
  it('signature_missing: no headers, or only one of the two', async () => {
    expect((await refusal(request())).code).toBe('signature_missing');
    const { signature: _dropped, ...onlyInput } = signed().headers;
    expect((await refusal({ ...request(), headers: onlyInput })).code).toBe('signature_missing');
    const blank = withHeaders(signed(), { signature: '  ' });
    expect((await refusal(blank)).code).toBe('signature_missing');
  });

  it.each([
    ['unparseable Signature-Input', { 'signature-input': 'sig=(' }],
    ['unparseable Signature', { signature: 'sig=:not base64' }],
    ['a member that is not an inner list', { 'signature-input': 'sig=:AAAA:' }],
    ['a Signature that is not a byte sequence', { signature: 'sig=token' }],
    ['component parameters', { 'signature-input': 'sig=("@method";req);created=1' }],
    ['an unsupported derived component', { 'signature-input': 'sig=("@status");created=1' }],
    ['an upper-case field name', { 'signature-input': 'sig=("Content-Type");created=1' }],
    ['a component covered twice', { 'signature-input': 'sig=("@method" "@method")' }],
    ['created that is not an integer', { 'signature-input': 'sig=();created="1"' }],
    ['a keyid that is not a string', { 'signature-input': 'sig=();keyid=1' }],
  ])('signature_input_invalid: %s', async (_case, headers) => {
    expect((await refusal(withHeaders(signed(), headers))).code).toBe('signature_input_invalid');
  });

  it('signature_input_invalid: a covered field absent from the message', async () => {
    const message = signed(
      { components: ['@method', 'x-trace'] },
      withHeaders(request(), {
        'x-trace': '1',
      }),
    );
    const { 'x-trace': _gone, ...headers } = message.headers;
    const error = await refusal({ ...message, headers }, { requiredComponents: [] });
    expect(error).toMatchObject({ code: 'signature_input_invalid' });
    expect(error.detail).toContain('x-trace');
  });

  it('signature_label_unknown: the label asked for, several labels, or a half pair', async () => {
    expect((await refusal(signed(), { label: 'other' })).code).toBe('signature_label_unknown');
    const two = signed({ label: 'b' }, signed({ label: 'a' }));
    const both = withHeaders(two, {
      'signature-input': [
        signed({ label: 'a' }).headers['signature-input'] as string,
        two.headers['signature-input'] as string,
      ],
      signature: [
        signed({ label: 'a' }).headers.signature as string,
        two.headers.signature as string,
      ],
    });
    expect((await refusal(both)).code).toBe('signature_label_unknown');
    await expect(
      verifyRequest(both, { lookupKey: (id) => registry[id], now, label: 'b' }),
    ).resolves.toMatchObject({ label: 'b' });
    const half = withHeaders(signed(), { signature: 'other=:AAAA:' });
    expect((await refusal(half)).code).toBe('signature_label_unknown');
  });

  it('component_not_covered: content-digest left out', async () => {
    const message = signed({ components: ['@method', '@target-uri', 'content-type'] });
    const error = await refusal(message);
    expect(error).toMatchObject({ code: 'component_not_covered' });
    expect(error.detail).toContain('content-digest');
  });

  it.each(['created', 'keyid', 'alg', 'nonce'] as const)('param_missing: %s', async (name) => {
    const { [name]: _left, ...params } = full;
    const error = await refusal(crafted(params));
    expect(error).toMatchObject({ code: 'param_missing' });
    expect(error.detail).toContain(name);
  });

  it('param_missing: no keyid even when the policy does not list it', async () => {
    const { keyid: _left, ...params } = full;
    const error = await refusal(crafted(params), { requiredParams: [] });
    expect(error.code).toBe('param_missing');
  });

  it('alg_unsupported: an algorithm Wissel does not take', async () => {
    const error = await refusal(crafted({ ...full, alg: 'rsa-pss-sha512' }));
    expect(error.code).toBe('alg_unsupported');
  });

  it('alg_mismatch: HMAC keyed with the partner public key, labelled hmac-sha256', async () => {
    // The classic confusion attack: the public key is public, so it must never be a secret.
    const forged = crafted(
      { ...full, alg: 'hmac-sha256' },
      { alg: 'hmac-sha256', secret: Buffer.from(partner.publicJwk.x, 'base64url') },
    );
    expect((await refusal(forged)).code).toBe('alg_mismatch');
  });

  it('alg_mismatch: an ed25519-labelled signature against an HMAC key', async () => {
    const message = crafted({ ...full, keyid: 'partner-hmac', alg: 'ed25519' });
    expect((await refusal(message)).code).toBe('alg_mismatch');
  });

  it('signature_invalid: the same forgery without alg, when alg is not required', async () => {
    const { alg: _none, ...params } = full;
    const forged = crafted(params, {
      alg: 'hmac-sha256',
      secret: Buffer.from(partner.publicJwk.x, 'base64url'),
    });
    const error = await refusal(forged, { requiredParams: ['created', 'keyid', 'nonce'] });
    expect(error.code).toBe('signature_invalid');
  });

  it('key_unknown: no such key id, or no active keys under it', async () => {
    expect((await refusal(signed({ keyId: 'nobody' }))).code).toBe('key_unknown');
    expect((await refusal(signed({ keyId: 'partner-empty' }))).code).toBe('key_unknown');
  });

  it('key_revoked: the lookup says revoked', async () => {
    expect((await refusal(signed({ keyId: 'partner-old' }))).code).toBe('key_revoked');
  });

  it('created_in_future: beyond the skew window', async () => {
    expect((await refusal(signed({ created: NOW + 301 }))).code).toBe('created_in_future');
    const tight = await refusal(signed({ created: NOW + 31 }), { clockSkewSeconds: 30 });
    expect(tight.code).toBe('created_in_future');
  });

  it('signature_expired: created too old, or expires passed', async () => {
    expect((await refusal(signed({ created: NOW - 301 }))).code).toBe('signature_expired');
    expect((await refusal(signed({ expires: NOW - 1 }))).code).toBe('signature_expired');
    await expect(
      verifyRequest(signed({ expires: NOW }), { lookupKey: (id) => registry[id], now }),
    ).resolves.toMatchObject({ expires: NOW });
  });

  it('signature_invalid: a signed header changed in transit', async () => {
    const message = withHeaders(signed(), { 'content-type': 'text/plain' });
    expect((await refusal(message)).code).toBe('signature_invalid');
  });

  it('signature_invalid: the digest header swapped for that of another body', async () => {
    const other = contentDigest(Buffer.from('{"sourceId":"IWF-0002"}'));
    const message = withHeaders(signed(), { 'content-digest': other });
    expect((await refusal(message)).code).toBe('signature_invalid');
  });

  it('signature_invalid: method or target URI changed', async () => {
    expect((await refusal({ ...signed(), method: 'PUT' })).code).toBe('signature_invalid');
    const moved = { ...signed(), url: 'https://wissel.example/v1/referrals?x=1' };
    expect((await refusal(moved)).code).toBe('signature_invalid');
  });

  it('signature_invalid: signed with a key that is not the registered one', async () => {
    const message = signed({ privateKey: stranger.privateKey });
    expect((await refusal(message)).code).toBe('signature_invalid');
    const wrongSecret = signed({
      alg: 'hmac-sha256',
      secret: randomBytes(32),
      keyId: 'partner-hmac',
    });
    expect((await refusal(wrongSecret)).code).toBe('signature_invalid');
  });

  it('signature_invalid: a truncated signature', async () => {
    const message = signed();
    const truncated = (message.headers.signature as string).replace(/.{8}=*:$/, ':');
    expect((await refusal(withHeaders(message, { signature: truncated }))).code).toBe(
      'signature_invalid',
    );
  });
});

describe('verifyContentDigest refuses', () => {
  it('digest_missing', () => {
    expect(digestRefusal(undefined, body)).toBe('digest_missing');
    expect(digestRefusal(' ', body)).toBe('digest_missing');
  });

  it('digest_invalid: not a dictionary, or a value that is not a byte sequence', () => {
    expect(digestRefusal('sha-256=:abc', body)).toBe('digest_invalid');
    expect(digestRefusal('sha-256="abc"', body)).toBe('digest_invalid');
    expect(digestRefusal('sha-256=(:AAAA:)', body)).toBe('digest_invalid');
  });

  it('digest_alg_unsupported: only algorithms Wissel does not take', () => {
    const md5 = 'md5=:AAAAAAAAAAAAAAAAAAAAAA==:, sha=:AAAA:';
    expect(digestRefusal(md5, body)).toBe('digest_alg_unsupported');
  });

  it('digest_mismatch: a tampered body', () => {
    const tampered = Buffer.from('{"sourceId":"IWF-0002"}', 'utf8');
    expect(digestRefusal(contentDigest(body), tampered)).toBe('digest_mismatch');
    expect(digestRefusal(contentDigest(body, 'sha-512'), tampered)).toBe('digest_mismatch');
  });

  it('digest_mismatch: one right and one wrong supported digest', () => {
    const header = `${contentDigest(body)}, ${contentDigest(Buffer.from('x'), 'sha-512')}`;
    expect(digestRefusal(header, body)).toBe('digest_mismatch');
  });

  it('accepts several digests, ignoring unknown algorithms', () => {
    const header = [`md5=:AAAA:, ${contentDigest(body, 'sha-512')}`, contentDigest(body)];
    expect(verifyContentDigest(header, body)).toEqual(['sha-256', 'sha-512']);
  });

  it('a tampered body passes the signature but not the digest check', async () => {
    const message = signed();
    await expect(
      verifyRequest(message, { lookupKey: (id) => registry[id], now }),
    ).resolves.toBeDefined();
    const tampered = Buffer.from('{"sourceId":"IWF-0002"}', 'utf8');
    expect(digestRefusal(message.headers['content-digest'] as string, tampered)).toBe(
      'digest_mismatch',
    );
  });
});

it('every error code has a test above', () => {
  expect([...seen].sort()).toEqual([...SIGNATURE_ERROR_CODES].sort());
});
