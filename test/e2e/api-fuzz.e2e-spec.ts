/**
 * Fuzzing the gateway over HTTP (W10): signed and unsigned requests with fuzzed methods,
 * paths, query strings, headers (oversized, duplicated, malformed Signature-Input,
 * Signature and Content-Digest), content types and bodies. Whatever comes in: never a
 * 5xx, every 4xx of the API is problem+json with a code, no stack trace, and the gateway
 * keeps answering. API_FUZZ_RUNS (default 300) bounds the run; FUZZ_SEED replays one.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { PartnerClient } from '@wissel/partner-client';
import { publicJwk } from '@wissel/signing';
import { canonicalReferral } from '../support/referrals';
import { nodeRequest, type NodeResponse } from '../support/raw-http';
import { TestStack } from '../support/stack';

const RUNS = Number(process.env.API_FUZZ_RUNS ?? 300);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const MAX_BODY_BYTES = 32 * 1024;

const xarf = readFileSync(join(__dirname, '../fixtures/xarf/csam-example.json'), 'utf8');

const PATHS = [
  '/v1/referrals',
  '/v1/referrals/00000000-0000-4000-8000-000000000000',
  '/v1/origin-disclosures',
  '/v1/acks',
  '/v1/feeds/nl-hotline',
  '/admin/partners',
  '/admin/holds',
  '/admin/dashboard.json',
  '/admin/referrals/x/decision',
  '/admin/referrals',
  '/health/live',
  '/openapi.json',
  '/.well-known/jwks.json',
  '/dashboard',
];

const SEGMENTS = [
  '..',
  '%2e%2e%2f',
  '%00',
  '%ff',
  '%',
  '%E0%A4%A',
  "'; DROP TABLE referral; --",
  '$where',
  '__proto__',
  'constructor',
  'a'.repeat(2_000),
  '\u00e9',
  '0',
  '-1',
  '99999999999999999999',
  '00000000-0000-0000-0000-000000000000',
];

const QUERIES = [
  '',
  '?since=2026-11-20T00:00:00Z&limit=5',
  '?limit=1&limit=2',
  '?since[$gt]=1',
  '?since[]=a&since[]=b',
  '?cursor=%00',
  '?cursor=' + 'A'.repeat(500),
  '?limit=-1',
  '?limit=1e3',
  '?__proto__[x]=1',
  '?constructor[prototype][x]=1',
  '?a=' + 'b'.repeat(4_000),
  '?%=%',
];

const CONTENT_TYPES = [
  'application/json',
  'application/vnd.wissel.referral+json',
  'application/vnd.xarf+json',
  'application/json; charset=utf-16',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  '',
  ';;;',
  'application/json; ' + 'a=b; '.repeat(200),
];

const BROKEN_SIGNATURE_INPUTS = [
  '',
  'sig=',
  'sig=()',
  'sig=("@method");created=abc',
  'sig=("@method" "@target-uri");created=1;keyid="iwf-1";alg="ed25519";nonce="x"',
  'sig=("@method" "@target-uri" "content-digest" "content-type");keyid="' + 'k'.repeat(3_000) + '"',
  'a=(),b=(),c=(),d=()',
  'sig=("@query-param";name="x")',
  'sig=("content-digest";sf)',
  '\u00ff\u00fe',
];

const BROKEN_SIGNATURES = [
  '',
  'sig=:AAAA:',
  'sig=:not base64:',
  'sig=:' + 'A'.repeat(5_000) + ':',
  'x',
];

const BROKEN_DIGESTS = [
  '',
  'sha-256=:AAAA:',
  'sha-256=:' + Buffer.alloc(32).toString('base64') + ':',
  'md5=:AAAA:',
  'sha-512=:!!!:',
  'sha-256=' + 'a'.repeat(10_000),
];

const header = (values: string[]) =>
  fc.oneof(
    fc.constantFrom(...values),
    fc.string({ maxLength: 100 }),
    fc.array(fc.constantFrom(...values), { minLength: 2, maxLength: 3 }),
  );

interface FuzzRequest {
  method: string;
  path: string;
  signed: boolean;
  body: Buffer | undefined;
  contentType: string | undefined;
  tamper: Record<string, string | string[]>;
  extraHeader: [string, string] | undefined;
}

const body = fc.oneof(
  fc.constant(undefined),
  fc.constant(Buffer.alloc(0)),
  fc.uint8Array({ maxLength: 2_000 }).map((b) => Buffer.from(b)),
  fc.constant(undefined).map(() => Buffer.from(JSON.stringify(canonicalReferral()))),
  fc
    .constant(undefined)
    .map(() => Buffer.from(JSON.stringify([canonicalReferral(), canonicalReferral()]))),
  fc.constant(Buffer.from(xarf)),
  fc.json({ maxDepth: 4 }).map((s) => Buffer.from(s)),
  fc.constantFrom(
    Buffer.from('['.repeat(20_000) + ']'.repeat(20_000)),
    Buffer.from('{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}}}'),
    Buffer.from('[]'),
    Buffer.from('{"schema":"wissel.referral/1"}'),
  ),
);

const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.record({
  method: fc.constantFrom('GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
  path: fc
    .tuple(
      fc.constantFrom(...PATHS),
      fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 3 },
        { arbitrary: fc.constantFrom(...SEGMENTS), weight: 1 },
      ),
      fc.constantFrom(...QUERIES),
    )
    .map(([p, seg, q]) => `${seg === undefined ? p : `${p}/${seg}`}${q}`),
  signed: fc.boolean(),
  body,
  contentType: fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined }),
  // Mostly intact signatures, so that requests get past authentication to the handlers.
  tamper: fc.oneof(
    { arbitrary: fc.constant({}), weight: 2 },
    {
      arbitrary: fc.record(
        {
          'signature-input': header(BROKEN_SIGNATURE_INPUTS),
          signature: header(BROKEN_SIGNATURES),
          'content-digest': header(BROKEN_DIGESTS),
        },
        { requiredKeys: [] },
      ),
      weight: 1,
    },
  ),
  extraHeader: fc.option(
    fc.constantFrom<[string, string]>(
      ['x-big', 'a'.repeat(12_000)],
      ['host', 'evil.example'],
      ['x-forwarded-proto', 'https'],
      ['content-length', '5'],
      ['transfer-encoding', 'gzip'],
      ['authorization', 'Bearer ' + 'x'.repeat(100)],
      ['authorization', 'Basic Zm9vOmJhcg=='],
      ['traceparent', '00-zz-zz-01'],
      ['x-correlation-id', 'x'.repeat(1_000)],
    ),
    { nil: undefined },
  ),
}) as fc.Arbitrary<FuzzRequest>;

/** Header values node:http will send (no CR, LF or NUL; Latin-1 only). */
const sendable = (v: string | string[]): string | string[] =>
  Array.isArray(v)
    ? v.map((x) => sendable(x) as string)
    : v.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');

describe('fuzzing the partner and operator API', () => {
  let stack: TestStack;
  let baseUrl: string;
  let client: PartnerClient;
  const seen = new Map<number, number>();

  beforeAll(async () => {
    stack = await TestStack.create('api_fuzz');
    ({ baseUrl } = await stack.listen('gateway', {
      MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      PARTNER_RATE_PER_S: '100000',
      PARTNER_RATE_BURST: '100000',
    }));
    const key = generateKeyPairSync('ed25519');
    await stack.db.query(
      `INSERT INTO partner (id, name, source_systems) VALUES ('iwf', 'IWF', $1)`,
      [['IWF']],
    );
    await stack.db.query(
      `INSERT INTO partner_key (key_id, partner_id, alg, public_jwk) VALUES ('iwf-1', 'iwf', 'ed25519', $1)`,
      [JSON.stringify(publicJwk(key.publicKey))],
    );
    client = new PartnerClient({
      baseUrl,
      keyId: 'iwf-1',
      key: { alg: 'ed25519', privateKey: key.privateKey },
    });
  });

  afterAll(async () => {
    process.stdout.write(
      `\nAPI fuzzing: ${RUNS} requests; statuses ${[...seen.entries()]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}×${n}`)
        .join(', ')}\n`,
    );
    await stack.close();
  });

  async function send(r: FuzzRequest): Promise<NodeResponse> {
    let headers: Record<string, string | string[]> = {};
    // node:http refuses to send a path with spaces or control characters: those encoded.
    let path = r.path.replace(/[^\x21-\xff]/g, (c) => encodeURIComponent(c));
    if (r.signed && (r.method === 'GET' || r.method === 'POST')) {
      const prepared = client.prepare(
        r.method,
        r.path,
        r.method === 'POST' ? (r.body ?? Buffer.alloc(0)) : undefined,
        r.contentType ?? 'application/json',
      );
      const url = new URL(prepared.url);
      path = url.pathname + url.search;
      headers = { ...prepared.headers };
    } else if (r.contentType !== undefined) {
      headers['content-type'] = r.contentType;
    }
    for (const [name, value] of Object.entries(r.tamper)) headers[name] = sendable(value);
    if (r.extraHeader) headers[r.extraHeader[0]] = r.extraHeader[1];
    // A declared length that does not match the body would only test node:http's client.
    if (headers['content-length'] !== undefined) delete headers['content-length'];
    return nodeRequest(
      baseUrl,
      r.method,
      path,
      headers,
      r.method === 'GET' || r.method === 'HEAD' ? undefined : r.body,
    );
  }

  it('never answers 5xx, and every API refusal is problem+json with a code', async () => {
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (r) => {
        const res = await send(r);
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        if (res.status >= 500)
          throw new Error(`${res.status} for ${r.method} ${r.path}: ${res.body.slice(0, 300)}`);
        if (/\bat .+\.(js|ts):\d+|node_modules/.test(res.body))
          throw new Error('a stack trace in the body');
        const api = /^\/(v1|admin)(\/|\?|$)/.test(r.path);
        // Node's own HTTP parser refuses some requests before the app sees them (a raw
        // non-ASCII path, headers over the limit): a bare status, no body; counted apart.
        const byNode = res.body === '' && res.headers['content-type'] === undefined;
        if (byNode) expect([400, 431]).toContain(res.status);
        if (api && res.status >= 400 && !byNode && r.method !== 'HEAD') {
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          const problem = JSON.parse(res.body) as { code?: unknown; type?: unknown };
          expect(typeof problem.code).toBe('string');
          expect(problem.type).toBe(`urn:wissel:problem:${String(problem.code)}`);
        }
      }),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }), endOnFailure: true },
    );
    // Still answering, and still accepting a valid signed referral.
    expect((await fetch(`${baseUrl}/health/live`)).status).toBe(200);
    expect((await client.submit(canonicalReferral())).status).toBe(202);
  });

  it('refuses a second copy of each signature header rather than picking one', async () => {
    const prepared = client.prepare('POST', '/v1/referrals', JSON.stringify(canonicalReferral()));
    const url = new URL(prepared.url);
    for (const name of ['signature-input', 'signature', 'content-digest']) {
      const value = prepared.headers[name]!;
      const doubled = { ...prepared.headers, [name]: [value, value.replace(/sig=/, 'sig2=')] };
      const res = await nodeRequest(baseUrl, 'POST', url.pathname, doubled, prepared.body);
      expect(res.status).toBeLessThan(500);
    }
  });
});
