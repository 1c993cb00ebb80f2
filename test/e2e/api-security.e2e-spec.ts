/**
 * API security on the real gateway (W10; docs/security/owasp-api-top10.md): authorisation
 * by object and by function, per-partner rate limits, header and body limits, slow-client
 * timeouts proven on raw sockets, the security headers, no CORS, and no stack traces in
 * error bodies. The fuzzing of requests lives in api-fuzz.e2e-spec.ts.
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { PartnerClient } from '@wissel/partner-client';
import { publicJwk } from '@wissel/signing';
import { canonicalReferral } from '../support/referrals';
import { nodeRequest, rawRequest, slowClient } from '../support/raw-http';
import { TestStack } from '../support/stack';

const OPERATOR_TOKEN = randomBytes(24).toString('base64url');
const HEADERS_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 2_000;
const KEEP_ALIVE_TIMEOUT_MS = 500;
const MAX_HEADER_BYTES = 8 * 1024;
const MAX_BODY_BYTES = 16 * 1024;

interface Problem {
  code: string;
  status: number;
  type: string;
}

describe('API security', () => {
  let stack: TestStack;
  let baseUrl: string;
  let port: number;
  const keyA = generateKeyPairSync('ed25519');
  const keyB = generateKeyPairSync('ed25519');
  let clientA: PartnerClient;
  let clientB: PartnerClient;

  const operator = (method: string, path: string, body?: unknown, token = OPERATOR_TOKEN) =>
    fetch(baseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    stack = await TestStack.create('api_security');
    const gateway = await stack.listen('gateway', {
      MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      OPERATOR_TOKEN_SHA256: createHash('sha256').update(OPERATOR_TOKEN).digest('hex'),
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
      HTTP_MAX_HEADER_BYTES: String(MAX_HEADER_BYTES),
    });
    baseUrl = gateway.baseUrl;
    port = Number(new URL(baseUrl).port);
    // Registered in the tables directly (the admin endpoints have their own tests): this
    // file is about what partners and strangers can reach.
    for (const [id, system, keyId, key] of [
      ['iwf', 'IWF', 'iwf-1', keyA],
      ['pdc', 'pointdecontact.example', 'pdc-1', keyB],
    ] as const) {
      await stack.db.query(`INSERT INTO partner (id, name, source_systems) VALUES ($1, $1, $2)`, [
        id,
        [system],
      ]);
      await stack.db.query(
        `INSERT INTO partner_key (key_id, partner_id, alg, public_jwk) VALUES ($1, $2, 'ed25519', $3)`,
        [keyId, id, JSON.stringify(publicJwk(key.publicKey))],
      );
    }
    clientA = new PartnerClient({
      baseUrl,
      keyId: 'iwf-1',
      key: { alg: 'ed25519', privateKey: keyA.privateKey },
    });
    clientB = new PartnerClient({
      baseUrl,
      keyId: 'pdc-1',
      key: { alg: 'ed25519', privateKey: keyB.privateKey },
    });
  });

  afterAll(async () => {
    await stack.close();
  });

  describe('API1 object-level authorisation', () => {
    it("answers partner B's request for partner A's referral exactly as for an unknown id", async () => {
      const submitted = await clientA.submit(canonicalReferral());
      expect(submitted.status).toBe(202);
      const id = (submitted.body as { results: Array<{ id: string }> }).results[0]!.id;
      expect((await clientA.status(id)).status).toBe(200);
      const asB = await clientB.status(id);
      const unknown = await clientB.status('00000000-0000-4000-8000-000000000000');
      expect([asB.status, (asB.body as Problem).code]).toEqual([404, 'referral_not_found']);
      expect((asB.body as { detail: string }).detail).toBe(
        (unknown.body as { detail: string }).detail,
      );
      const listB = (await clientB.list()).body as { items: Array<{ id: string }> };
      expect(listB.items.map((i) => i.id)).not.toContain(id);
    });
  });

  describe('API5 function-level authorisation', () => {
    // Every row has three values: jest takes a row shorter than the test's parameters as a
    // done-callback test.
    const adminRoutes: Array<[string, string, unknown]> = [
      ['GET', '/admin/partners', undefined],
      ['POST', '/admin/partners', { id: 'x', name: 'x', sourceSystems: ['X'] }],
      ['POST', '/admin/partners/iwf/keys', { alg: 'ed25519', generate: true }],
      ['DELETE', '/admin/partners/iwf/keys/iwf-1', undefined],
      ['POST', '/admin/holds', { kind: 'domain', value: 'x.example' }],
      ['GET', '/admin/referrals/00000000-0000-4000-8000-000000000000/decision', undefined],
      ['GET', '/admin/referrals', undefined],
      ['POST', '/admin/origin-disclosures', { host: 'x.example', country: 'NL' }],
      ['GET', '/admin/dashboard.json', undefined],
      ['GET', '/admin/hoster-monitor', undefined],
    ];

    it.each(adminRoutes)(
      '%s %s refuses a partner-signed request, and no token, with 401',
      async (method, path, body) => {
        // A valid partner signature is not an operator credential.
        const prepared = clientA.prepare(
          method === 'GET' || method === 'DELETE' ? 'GET' : 'POST',
          path,
          body === undefined ? undefined : JSON.stringify(body),
        );
        const signed = await nodeRequest(
          baseUrl,
          method,
          new URL(prepared.url).pathname,
          prepared.headers,
          prepared.body,
        );
        expect([signed.status, (JSON.parse(signed.body) as Problem).code]).toEqual([
          401,
          'operator_unauthenticated',
        ]);
        const anonymous = await nodeRequest(baseUrl, method, path, {});
        expect(anonymous.status).toBe(401);
        expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
      },
    );

    it('registers one public key for one partner only', async () => {
      const { x } = publicJwk(keyA.publicKey);
      const res = await operator('POST', '/admin/partners/pdc/keys', {
        alg: 'ed25519',
        publicJwk: { kty: 'OKP', crv: 'Ed25519', x },
      });
      expect(res.status).toBe(409);
      expect(((await res.json()) as Problem).code).toBe('public_key_taken');
      const { rows } = await stack.db.query(
        `SELECT partner_id FROM partner_key WHERE public_jwk->>'x' = $1`,
        [x],
      );
      expect(rows).toEqual([{ partner_id: 'iwf' }]);
    });

    it('refuses a small-order Ed25519 key, with which signatures can be forged', async () => {
      const identity = Buffer.concat([Buffer.from([1]), Buffer.alloc(31)]).toString('base64url');
      const res = await operator('POST', '/admin/partners/pdc/keys', {
        alg: 'ed25519',
        publicJwk: { kty: 'OKP', crv: 'Ed25519', x: identity },
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as Problem).code).toBe('key_invalid');
    });

    it('takes a signed request whose request-target is in absolute-form (RFC 9110 §7.1)', async () => {
      const prepared = clientA.prepare('GET', '/v1/referrals');
      const absolute = await nodeRequest(baseUrl, 'GET', prepared.url, prepared.headers);
      expect(absolute.status).toBe(200);
      // The same signature for another absolute target URI is not valid.
      const elsewhere = prepared.url.replace('127.0.0.1', 'localhost');
      const moved = await nodeRequest(baseUrl, 'GET', elsewhere, prepared.headers);
      expect([moved.status, (JSON.parse(moved.body) as Problem).code]).toEqual([
        401,
        'signature_invalid',
      ]);
    });

    it('refuses an operator token on the partner API: partners sign, operators do not', async () => {
      const res = await operator('GET', '/v1/referrals');
      expect(res.status).toBe(401);
      expect(((await res.json()) as Problem).code).toBe('signature_missing');
    });

    it('takes partner administration from an operator token only', async () => {
      expect((await operator('GET', '/admin/partners')).status).toBe(200);
      expect((await operator('GET', '/admin/partners', undefined, 'guess')).status).toBe(401);
    });
  });

  describe('API4 resource consumption', () => {
    it('rate-limits each partner on its own: one over its rate does not slow another', async () => {
      const limited = await stack.listen('gateway', {
        PARTNER_RATE_PER_S: '1',
        PARTNER_RATE_BURST: '2',
      });
      const as = (keyId: string, privateKey: typeof keyA.privateKey) =>
        new PartnerClient({ baseUrl: limited.baseUrl, keyId, key: { alg: 'ed25519', privateKey } });
      const a = as('iwf-1', keyA.privateKey);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await a.list()).status);
      expect(statuses.slice(0, 2)).toEqual([200, 200]);
      expect(statuses.slice(2)).toContain(429);
      expect((await as('pdc-1', keyB.privateKey).list()).status).toBe(200);
      await limited.app.close();
    });

    it('answers headers over HTTP_MAX_HEADER_BYTES with 431, and takes them below it', async () => {
      const big = await rawRequest(
        port,
        `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(MAX_HEADER_BYTES)}\r\n\r\n`,
      );
      expect(big.response).toMatch(/^HTTP\/1\.1 431 /);
      const fine = await rawRequest(
        port,
        `GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: ${'a'.repeat(MAX_HEADER_BYTES / 2)}\r\n\r\n`,
      );
      expect(fine.response).toMatch(/^HTTP\/1\.1 200 /);
    });

    it('refuses a declared body over MAX_BODY_BYTES before authentication, and closes', async () => {
      const res = await rawRequest(
        port,
        `POST /v1/referrals HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n{`,
      );
      expect(res.response).toMatch(/^HTTP\/1\.1 413 /);
      expect(res.response).toMatch(/content-type: application\/problem\+json/i);
      expect(res.response).toContain('"code":"body_too_large"');
      expect(res.closedAfterMs).toBeGreaterThanOrEqual(0);
    });

    it('refuses a chunked body that grows over MAX_BODY_BYTES', async () => {
      const chunk = 'a'.repeat(4096);
      const chunks = Array.from({ length: 6 }, () => `1000\r\n${chunk}\r\n`).join('');
      const res = await rawRequest(
        port,
        `POST /v1/referrals HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}`,
      );
      expect(res.response).toMatch(/^HTTP\/1\.1 413 /);
    });

    it('closes a slowloris connection (headers byte by byte) within HTTP_HEADERS_TIMEOUT_MS', async () => {
      const res = await slowClient(
        port,
        'GET /health/live HTTP/1.1\r\nHost: x\r\n',
        'X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n',
        100,
        10_000,
      );
      expect(res.closedAfterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
      // Node sweeps connections every quarter of the headers timeout: at most 1.25 × plus slack.
      expect(res.closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_MS * 1.25 + 750);
      expect(res.response).toMatch(/^HTTP\/1\.1 408 /);
    });

    it('closes a slow body within HTTP_REQUEST_TIMEOUT_MS', async () => {
      const res = await slowClient(
        port,
        'POST /v1/referrals HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n',
        'a',
        100,
        10_000,
      );
      expect(res.closedAfterMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
      expect(res.closedAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS + HEADERS_TIMEOUT_MS / 4 + 750);
      expect(res.response).toMatch(/^HTTP\/1\.1 408 /);
    });

    it('closes an idle keep-alive connection after HTTP_KEEP_ALIVE_TIMEOUT_MS', async () => {
      const res = await rawRequest(port, 'GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n', 5_000);
      expect(res.response).toMatch(/^HTTP\/1\.1 200 /);
      expect(res.closedAfterMs).toBeGreaterThanOrEqual(KEEP_ALIVE_TIMEOUT_MS - 100);
      expect(res.closedAfterMs).toBeLessThan(KEEP_ALIVE_TIMEOUT_MS + 1_500);
    });

    it('keeps answering others while slow clients hold connections', async () => {
      const slow = Array.from({ length: 20 }, () =>
        slowClient(port, 'GET /health/live HTTP/1.1\r\nHost: x\r\n', 'X: y\r\n', 200, 5_000),
      );
      const res = await fetch(`${baseUrl}/health/live`);
      expect(res.status).toBe(200);
      const closed = await Promise.all(slow);
      expect(closed.every((c) => c.closedAfterMs > 0)).toBe(true);
    });
  });

  describe('API8 security misconfiguration', () => {
    const paths = ['/health/live', '/v1/referrals', '/admin/partners', '/nowhere', '/openapi.json'];

    it.each(paths)('%s: no X-Powered-By, nosniff, never framed', async (path) => {
      const res = await fetch(baseUrl + path);
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    });

    it('lets no cache keep an admin or partner answer; the public key set may be cached', async () => {
      expect((await operator('GET', '/admin/partners')).headers.get('cache-control')).toBe(
        'no-store',
      );
      expect((await clientA.list()).headers['cache-control']).toBe('no-store');
      expect((await fetch(`${baseUrl}/v1/referrals`)).headers.get('cache-control')).toBe(
        'no-store',
      );
      const jwks = await fetch(`${baseUrl}/.well-known/jwks.json`);
      expect(jwks.headers.get('cache-control')).toBe('public, max-age=300');
    });

    it('answers no cross-origin request: CORS is off', async () => {
      const preflight = await fetch(`${baseUrl}/v1/referrals`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://evil.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'signature, signature-input',
        },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
      const simple = await operator('GET', '/admin/partners');
      expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('leaks no stack trace or internal path in an error body', async () => {
      const answers = await Promise.all([
        nodeRequest(
          baseUrl,
          'POST',
          '/admin/partners',
          {
            authorization: `Bearer ${OPERATOR_TOKEN}`,
            'content-type': 'application/json',
          },
          Buffer.from('{"id":'),
        ),
        nodeRequest(baseUrl, 'GET', '/v1/referrals?since[$gt]=1', {}),
        nodeRequest(baseUrl, 'GET', '/%E0%A4%A', {}),
        nodeRequest(baseUrl, 'PATCH', '/v1/referrals', {}),
      ]);
      expect(answers.map((a) => a.status)).toEqual([400, 401, 400, 404]);
      for (const answer of answers) {
        expect(answer.body).not.toMatch(/\bat .+\.(js|ts):\d+|node_modules|\/work\//);
      }
    });
  });
});
