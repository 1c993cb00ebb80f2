/**
 * The OpenAPI document describes what the app really answers: one referral followed from
 * submission to decision, dispatch, feed and ack, and the operations around it (partners and
 * keys, origin disclosures, police holds, the decision record, the custody export, the
 * dashboard, finding a referral, inbound dead letters), each answer checked against the
 * schema docs/openapi.json gives for it, and
 * none of the document's operations left unchecked. Run on the embedded mode's app, which
 * serves every documented route.
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PartnerClient, type PartnerResponse } from '@wissel/partner-client';
import { publicJwk } from '@wissel/signing';
import { schemaErrors } from '../support/openapi-schema';
import { canonicalReferral } from '../support/referrals';
import { eventually, TestStack } from '../support/stack';

const OPERATOR_TOKEN = randomBytes(24).toString('base64url');

interface Answer {
  status: number;
  type: string;
  body: unknown;
}

describe('the answers of every documented operation fit their OpenAPI schema', () => {
  let stack: TestStack;
  let baseUrl: string;
  /** Each documented operation an answer was checked for, and its statuses. */
  const checked = new Map<string, Set<number>>();

  beforeAll(async () => {
    stack = await TestStack.create('openapi_answers', { messaging: 'postgres' });
    ({ baseUrl } = await stack.listen('wissel', {
      OPERATOR_TOKEN_SHA256: createHash('sha256').update(OPERATOR_TOKEN).digest('hex'),
    }));
  });

  afterAll(async () => {
    await stack?.close();
  });

  async function http(method: string, path: string, body?: unknown, auth = true) {
    const response = await fetch(baseUrl + path, {
      method,
      headers: {
        ...(auth ? { authorization: `Bearer ${OPERATOR_TOKEN}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const type = (response.headers.get('content-type') ?? '').split(';')[0]!;
    const text = await response.text();
    return { status: response.status, type, body: /json/.test(type) ? JSON.parse(text) : text };
  }

  const signed = (response: PartnerResponse): Answer => ({
    status: response.status,
    type: String(response.headers['content-type'] ?? '').split(';')[0]!,
    body: response.body,
  });

  /** The answer has the documented status and fits the documented schema for it. */
  function expectDocumented(template: string, method: string, answer: Answer, status: number) {
    const route = `${method.toUpperCase()} ${template}`;
    checked.set(route, (checked.get(route) ?? new Set()).add(answer.status));
    // The body is shown only when the status is not the one expected.
    expect({
      route,
      status: answer.status,
      body: answer.status === status ? 'ok' : answer.body,
    }).toEqual({ route, status, body: 'ok' });
    const errors = schemaErrors(template, method, answer.status, answer.type, answer.body);
    expect({ [route]: errors }).toEqual({ [route]: [] });
    return answer.body as Record<string, unknown> & Array<Record<string, unknown>>;
  }

  async function registerPartner(id: string, system: string): Promise<PartnerClient> {
    const key = generateKeyPairSync('ed25519');
    const body = { id, name: id, sourceSystems: [system] };
    expectDocumented('/admin/partners', 'post', await http('POST', '/admin/partners', body), 201);
    const added = await http('POST', `/admin/partners/${id}/keys`, {
      keyId: `${id}-1`,
      alg: 'ed25519',
      publicJwk: publicJwk(key.publicKey),
    });
    expectDocumented('/admin/partners/{partnerId}/keys', 'post', added, 201);
    return new PartnerClient({
      baseUrl,
      keyId: `${id}-1`,
      key: { alg: 'ed25519', privateKey: key.privateKey },
    });
  }

  it('public endpoints: liveness, readiness and the JWK set', async () => {
    expectDocumented(
      '/health/live',
      'get',
      await http('GET', '/health/live', undefined, false),
      200,
    );
    // Starting (consumers, geo data) it answers 503, then 200: both as documented.
    const starting = await http('GET', '/health/ready', undefined, false);
    expectDocumented('/health/ready', 'get', starting, starting.status === 503 ? 503 : 200);
    const ready = await eventually(async () => {
      const answer = await http('GET', '/health/ready', undefined, false);
      return answer.status === 200 && answer;
    }, 'the app ready');
    expectDocumented('/health/ready', 'get', ready, 200);
    const jwks = await http('GET', '/.well-known/jwks.json', undefined, false);
    expect(jwks.type).toBe('application/jwk-set+json');
    expectDocumented('/.well-known/jwks.json', 'get', jwks, 200);
  });

  it('one referral from submission to decision, dispatch, feed and ack', async () => {
    const iwf = await registerPartner('iwf', 'IWF');
    // The NL hotline acts for its recipient through its hop id (config/routing.yaml).
    const hotline = await registerPartner('offlimits.nl', 'OFFLIMITS');
    expectDocumented('/admin/partners', 'get', await http('GET', '/admin/partners'), 200);

    const since = new Date(Date.now() - 60_000).toISOString();
    const submitted = signed(
      await iwf.submit(canonicalReferral({ hints: { hostingCountry: 'NL' } })),
    );
    const id = (
      expectDocumented('/v1/referrals', 'post', submitted, 202).results as [{ id: string }]
    )[0].id;
    await eventually(async () => {
      const status = signed(await iwf.status(id));
      return (status.body as { status: string }).status === 'routed' && status;
    }, 'the referral routed');
    expectDocumented('/v1/referrals/{id}', 'get', signed(await iwf.status(id)), 200);
    expectDocumented('/v1/referrals', 'get', signed(await iwf.list({ since })), 200);

    // The recipient reads its own feed, signed, and acknowledges the dispatch.
    const feed = await eventually(async () => {
      const page = signed(
        await hotline.send(hotline.prepare('GET', '/v1/feeds/nl-hotline?cursor=0')),
      );
      return (page.body as { items: unknown[] }).items.length > 0 && page;
    }, 'the dispatch on the nl-hotline feed');
    const items = expectDocumented('/v1/feeds/{recipient}', 'get', feed, 200).items as Array<{
      headers: Record<string, string>;
    }>;
    const dispatchId = items[0]!.headers['wissel-dispatch-id']!;
    // The submission's id is the partner's handle; the decision record is the referral's.
    const referralId = items[0]!.headers['wissel-referral-id']!;
    const decision = await http('GET', `/admin/referrals/${referralId}/decision`);
    expectDocumented('/admin/referrals/{id}/decision', 'get', decision, 200);
    const exported = await http('GET', `/admin/referrals/${referralId}/export`);
    expectDocumented('/admin/referrals/{id}/export', 'get', exported, 200);

    const inspected = await http('GET', `/admin/dispatches/${dispatchId}`);
    expectDocumented('/admin/dispatches/{id}', 'get', inspected, 200);
    const revealed = await http('POST', `/admin/referrals/${referralId}/reveal`, {
      reason: 'checking the documented answer of a reveal',
    });
    expectDocumented('/admin/referrals/{id}/reveal', 'post', revealed, 200);
    // Only a dead-lettered dispatch is replayed: this delivered one is refused, as documented.
    const replay = await http('POST', `/admin/dispatches/${dispatchId}/replay`);
    expectDocumented('/admin/dispatches/{id}/replay', 'post', replay, 409);
    const ack = {
      dispatchId,
      recipient: 'nl-hotline',
      kind: 'received',
      at: new Date().toISOString(),
    };
    const acked = signed(
      await hotline.send(hotline.prepare('POST', '/v1/acks', JSON.stringify(ack))),
    );
    expectDocumented('/v1/acks', 'post', acked, 200);

    expectDocumented(
      '/admin/dashboard.json',
      'get',
      await http('GET', '/admin/dashboard.json'),
      200,
    );
    expectDocumented(
      '/admin/hoster-monitor',
      'get',
      await http('GET', '/admin/hoster-monitor'),
      200,
    );
    const csv = await http('GET', '/admin/hoster-monitor.csv');
    expectDocumented('/admin/hoster-monitor.csv', 'get', csv, 200);

    // A key revoked answers its documented shape too.
    const revoked = await http('DELETE', '/admin/partners/offlimits.nl/keys/offlimits.nl-1');
    expectDocumented('/admin/partners/{partnerId}/keys/{keyId}', 'delete', revoked, 200);
  });

  it('origin disclosures, by a partner and by an operator, and police holds', async () => {
    const partner = await registerPartner('pdc', 'PDC');
    const disclosure = { host: 'cdn-fronted.example', originCountry: 'DE' };
    const disclosed = signed(
      await partner.send(
        partner.prepare('POST', '/v1/origin-disclosures', JSON.stringify(disclosure)),
      ),
    );
    const own = expectDocumented('/v1/origin-disclosures', 'post', disclosed, 201);
    const confirmed = await http('POST', `/admin/origin-disclosures/${String(own.id)}/confirm`);
    expectDocumented('/admin/origin-disclosures/{id}/confirm', 'post', confirmed, 200);
    const withdrawn = signed(
      await partner.send(partner.prepare('DELETE', `/v1/origin-disclosures/${String(own.id)}`)),
    );
    expectDocumented('/v1/origin-disclosures/{id}', 'delete', withdrawn, 200);

    const made = await http('POST', '/admin/origin-disclosures', {
      host: 'other-cdn.example',
      originCountry: 'FR',
    });
    const stored = expectDocumented('/admin/origin-disclosures', 'post', made, 201);
    const disclosureId = String((stored.disclosure as { id: string }).id);
    const removed = await http('DELETE', `/admin/origin-disclosures/${disclosureId}`);
    expectDocumented('/admin/origin-disclosures/{id}', 'delete', removed, 200);

    const hold = await http('POST', '/admin/holds', {
      kind: 'domain',
      value: 'held.example',
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      setBy: 'nl-police/e2e',
    });
    const set = expectDocumented('/admin/holds', 'post', hold, 201);
    const holdId = String(set.id);
    expectDocumented('/admin/holds/{id}', 'get', await http('GET', `/admin/holds/${holdId}`), 200);
    const lifted = await http('DELETE', `/admin/holds/${holdId}`, { liftedBy: 'nl-police/e2e' });
    expectDocumented('/admin/holds/{id}', 'delete', lifted, 200);
  });

  it('finding a referral, and inbound dead letters: listed, inspected, revealed, replayed', async () => {
    const referral = canonicalReferral({ hints: { hostingCountry: 'NL' } });
    const poison = JSON.stringify({
      schema: 'wissel.referral/2',
      openapi: randomBytes(4).toString('hex'),
    });
    await stack.produce(stack.topics.canonicalIn, [JSON.stringify(referral), poison]);
    const { system, id } = referral.sourceRef as { system: string; id: string };
    const query = `/admin/referrals?sourceSystem=${system}&sourceId=${encodeURIComponent(id)}`;
    const found = await eventually(async () => {
      const answer = await http('GET', query);
      return (answer.body as { items?: unknown[] }).items?.length ? answer : undefined;
    }, 'the referral found by its source reference');
    expectDocumented('/admin/referrals', 'get', found, 200);

    const letters = await eventually(async () => {
      const answer = await http('GET', '/admin/dead-letters');
      return (answer.body as { items?: unknown[] }).items?.length ? answer : undefined;
    }, 'the dead letter listed');
    const [letter] = expectDocumented('/admin/dead-letters', 'get', letters, 200).items as [
      { id: string },
    ];
    const path = `/admin/dead-letters/${letter.id}`;
    expectDocumented('/admin/dead-letters/{id}', 'get', await http('GET', path), 200);
    const revealed = await http('POST', `${path}/reveal`, { reason: 'checking the OpenAPI' });
    expectDocumented('/admin/dead-letters/{id}/reveal', 'post', revealed, 200);
    const replayed = await http('POST', `${path}/replay`);
    expectDocumented('/admin/dead-letters/{id}/replay', 'post', replayed, 200);
  });

  it('has checked an answer of every operation the document has', () => {
    const document = JSON.parse(
      readFileSync(join(__dirname, '../../docs/openapi.json'), 'utf8'),
    ) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.filter((operation) => !checked.has(operation))).toEqual([]);
  });
});
