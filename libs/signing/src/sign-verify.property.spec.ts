// Property tests: sign → verify holds for arbitrary requests; any change to a covered
// component breaks it; and hostile headers only ever produce a SignatureError.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { SigningKey, VerificationKey } from './algorithms';
import { contentDigest, verifyContentDigest } from './content-digest';
import { generateEd25519KeyPair } from './ed25519-keys';
import { SignatureError } from './errors';
import { HttpMessage } from './message';
import { signRequest } from './sign-request';
import { verifyRequest, VerifyOptions } from './verify-request';

const NOW = 1_750_000_000;
const edPair = generateEd25519KeyPair();
const secret = randomBytes(32);
const signingKeys: Record<'ed25519' | 'hmac-sha256', SigningKey> = {
  ed25519: { alg: 'ed25519', privateKey: edPair.privateKey },
  'hmac-sha256': { alg: 'hmac-sha256', secret },
};
const verificationKeys: VerificationKey[] = [
  { alg: 'ed25519', publicKey: edPair.publicKey },
  { alg: 'hmac-sha256', secret },
];
const verifyOptions: VerifyOptions = {
  lookupKey: () => verificationKeys,
  now: () => new Date(NOW * 1000),
};

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
const fieldName = fc.stringMatching(/^x-[a-z0-9-]{1,10}$/);
// Visible ASCII, spaces and tabs; no line breaks (a value may not span lines).
const fieldValue = fc.stringMatching(/^[\x20-\x7e\t]{0,40}$/);
const pathSegment = fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@%-]{0,12}$/);
const query = fc.option(fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@%/?-]{0,30}$/), {
  nil: undefined,
});

const requestArbitrary = fc.record({
  method: token,
  host: fc.domain(),
  port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
  segments: fc.array(pathSegment, { maxLength: 5 }),
  query,
  contentType: fieldValue,
  body: fc.uint8Array({ maxLength: 64 }),
  extra: fc.dictionary(fieldName, fc.oneof(fieldValue, fc.array(fieldValue, { maxLength: 3 }))),
  alg: fc.constantFrom('ed25519' as const, 'hmac-sha256' as const),
  nonce: fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/),
});

type Generated = typeof requestArbitrary extends fc.Arbitrary<infer T> ? T : never;

function urlOf(g: Generated): string {
  const port = g.port === undefined ? '' : `:${g.port}`;
  const search = g.query === undefined ? '' : `?${g.query}`;
  return `https://${g.host}${port}/${g.segments.join('/')}${search}`;
}

function messageOf(g: Generated): HttpMessage {
  return {
    method: g.method,
    url: urlOf(g),
    headers: {
      ...g.extra,
      'content-type': g.contentType,
      'content-digest': contentDigest(g.body),
    },
  };
}

function signedOf(g: Generated): HttpMessage {
  const message = messageOf(g);
  const components = [
    '@method',
    '@target-uri',
    '@authority',
    '@scheme',
    '@path',
    '@query',
    '@request-target',
    'content-digest',
    'content-type',
    ...Object.keys(g.extra),
  ];
  const headers = signRequest(message, {
    ...signingKeys[g.alg],
    keyId: 'k',
    components,
    created: NOW,
    nonce: g.nonce,
  });
  return { ...message, headers: { ...message.headers, ...headers } };
}

async function codeOf(message: HttpMessage): Promise<string> {
  try {
    await verifyRequest(message, verifyOptions);
    return 'verified';
  } catch (error) {
    if (error instanceof SignatureError) return error.code;
    throw error;
  }
}

const stripOws = (value: string): string => value.replace(/^[ \t]+|[ \t]+$/g, '');

describe('sign then verify', () => {
  it('round-trips for arbitrary methods, paths, queries and header values', async () => {
    await fc.assert(
      fc.asyncProperty(requestArbitrary, async (g) => {
        const verified = await verifyRequest(signedOf(g), verifyOptions);
        expect(verified).toMatchObject({ alg: g.alg, nonce: g.nonce, created: NOW });
      }),
    );
  });

  it('fails when any covered component changes', async () => {
    const change = fc.record({
      kind: fc.constantFrom('method', 'path', 'query', 'host', 'content-type', 'extra'),
      text: fieldValue,
      segment: fc.stringMatching(/^[A-Za-z0-9]{1,6}$/),
    });
    await fc.assert(
      fc.asyncProperty(requestArbitrary, change, async (g, c) => {
        const signed = signedOf(g);
        const withUrl = (other: Generated): HttpMessage => ({ ...signed, url: urlOf(other) });
        let changed: HttpMessage;
        switch (c.kind) {
          case 'method':
            changed = { ...signed, method: `${signed.method}X` };
            break;
          case 'path':
            changed = withUrl({ ...g, segments: [...g.segments, c.segment] });
            break;
          case 'query':
            changed = withUrl({ ...g, query: `${g.query ?? ''}&${c.segment}` });
            break;
          case 'host':
            changed = withUrl({ ...g, host: `${c.segment}.${g.host}` });
            break;
          case 'content-type':
            fc.pre(stripOws(c.text) !== stripOws(g.contentType));
            changed = { ...signed, headers: { ...signed.headers, 'content-type': c.text } };
            break;
          case 'extra': {
            const [name] = Object.keys(g.extra);
            fc.pre(name !== undefined);
            const before = ([] as string[]).concat(g.extra[name as string] ?? []);
            fc.pre(before.map(stripOws).join(', ') !== stripOws(c.text));
            changed = { ...signed, headers: { ...signed.headers, [name as string]: c.text } };
            break;
          }
        }
        expect(await codeOf(changed)).toBe('signature_invalid');
      }),
    );
  });
});

describe('hostile input', () => {
  const validHeaders = signedOf({
    method: 'POST',
    host: 'wissel.example',
    port: undefined,
    segments: ['v1', 'referrals'],
    query: undefined,
    contentType: 'application/json',
    body: new Uint8Array([1, 2, 3]),
    extra: {},
    alg: 'ed25519',
    nonce: 'abc',
  });
  // Valid headers with a random splice, so the fuzzing gets past the first parse error.
  const spliced = (value: string): fc.Arbitrary<string> =>
    fc
      .tuple(fc.nat({ max: value.length }), fc.nat({ max: 8 }), fc.string({ maxLength: 8 }))
      .map(([at, cut, insert]) => value.slice(0, at) + insert + value.slice(at + cut));
  const headerText = (valid: string): fc.Arbitrary<string | string[] | undefined> =>
    fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      spliced(valid),
      fc.array(fc.oneof(fc.string(), spliced(valid)), { maxLength: 3 }),
      fc.constant(undefined),
    );

  it('verifyRequest only ever throws SignatureError', async () => {
    await fc.assert(
      fc.asyncProperty(
        headerText(validHeaders.headers['signature-input'] as string),
        headerText(validHeaders.headers.signature as string),
        fc.oneof(fc.constant(validHeaders.url), fc.string(), spliced(validHeaders.url)),
        fc.oneof(fc.constant('POST'), fc.string()),
        async (signatureInput, signature, url, method) => {
          const message = {
            method,
            url,
            headers: { ...validHeaders.headers, 'signature-input': signatureInput, signature },
          };
          await expect(codeOf(message)).resolves.toEqual(expect.any(String));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('verifyContentDigest only ever throws SignatureError', () => {
    const valid = contentDigest(Buffer.from('x'));
    fc.assert(
      fc.property(headerText(valid), fc.uint8Array({ maxLength: 8 }), (header, body) => {
        try {
          verifyContentDigest(header, body);
        } catch (error) {
          expect(error).toBeInstanceOf(SignatureError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
