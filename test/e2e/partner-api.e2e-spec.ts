/**
 * The signed partner API (W3) on the real stack: a gateway listening on a port, the router
 * consuming what it produces, Kafka and PostgreSQL. Requests are signed by the partner
 * client library; the refusal cases tamper with a prepared request before sending it.
 * Every refusal must carry its problem code and leave nothing behind: no submission row,
 * no message on an inbound topic, no referral.
 */
import {
  createHash,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { PartnerClient, type PartnerResponse } from '@wissel/partner-client';
import { contentDigest, publicJwk, signRequest } from '@wissel/signing';
import { canonicalReferral } from '../support/referrals';
import { eventually, TestStack, type TopicReader } from '../support/stack';

const OPERATOR_TOKEN = randomBytes(24).toString('base64url');
const MAX_BODY_BYTES = 16 * 1024;

const metricsOf = async (app: INestApplication): Promise<string> =>
  (await request(app.getHttpServer()).get('/metrics').expect(200)).text;

/** The value of one sample (`name{labels}`), or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  field?: string;
  reason?: string;
}
interface Submitted {
  results: Array<{ id: string; sourceRef: { system: string; id: string }; status: string }>;
}

describe('signed partner API', () => {
  let stack: TestStack;
  let gateway: INestApplication;
  let baseUrl: string;
  let canonicalTopic: TopicReader;
  let xarfTopic: TopicReader;
  const keyA = generateKeyPairSync('ed25519');
  const keyA2 = generateKeyPairSync('ed25519');
  const keyB = generateKeyPairSync('ed25519');
  const hmacSecretA = randomBytes(32);
  let clientA: PartnerClient;
  let clientB: PartnerClient;
  /** sourceRef ids of every refused request: none may be stored or produced. */
  const refused: string[] = [];

  const operator = (method: string, path: string, body?: unknown, token = OPERATOR_TOKEN) =>
    fetch(baseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const ed25519Client = (keyId: string, privateKey: KeyObject, now?: () => Date) =>
    new PartnerClient({ baseUrl, keyId, key: { alg: 'ed25519', privateKey }, now });

  /** A new referral of partner A (system IWF), remembered as refused unless said otherwise. */
  const refusedReferral = (overrides: Record<string, unknown> = {}) => {
    const referral = canonicalReferral(overrides);
    refused.push(referral.sourceRef.id);
    return referral;
  };

  function expectProblem(response: PartnerResponse, status: number, code: string): Problem {
    expect({ status: response.status, code: (response.body as Problem).code }).toEqual({
      status,
      code,
    });
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.body as Problem;
    expect(problem.type).toBe(`urn:wissel:problem:${code}`);
    expect(problem.status).toBe(status);
    expect(problem.instance).toMatch(/^urn:uuid:/);
    expect(typeof problem.title).toBe('string');
    expect(typeof problem.detail).toBe('string');
    return problem;
  }

  beforeAll(async () => {
    stack = await TestStack.create('partner_api');
    ({ app: gateway, baseUrl } = await stack.listen('gateway', {
      MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      OPERATOR_TOKEN_SHA256: createHash('sha256').update(OPERATOR_TOKEN).digest('hex'),
    }));
    await stack.start('router');
    canonicalTopic = await stack.read(stack.topics.canonicalIn);
    xarfTopic = await stack.read(stack.topics.xarfIn);
    clientA = ed25519Client('iwf-1', keyA.privateKey);
    clientB = ed25519Client('pdc-1', keyB.privateKey);
  });

  afterAll(async () => {
    await stack.close();
  });

  describe('partner administration (operator bearer token)', () => {
    it('refuses a missing or wrong operator token', async () => {
      for (const token of ['', 'not-the-token']) {
        const res = await operator('GET', '/admin/partners', undefined, token);
        expect(res.status).toBe(401);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(((await res.json()) as Problem).code).toBe('operator_unauthenticated');
      }
    });

    it('registers partners and adds their keys', async () => {
      const a = await operator('POST', '/admin/partners', {
        id: 'iwf',
        name: 'Internet Watch Foundation',
        sourceSystems: ['IWF'],
      });
      expect(a.status).toBe(201);
      const b = await operator('POST', '/admin/partners', {
        id: 'pdc',
        name: 'Point de Contact',
        sourceSystems: ['pointdecontact.example'],
      });
      expect(b.status).toBe(201);
      const keys = [
        ['iwf', { keyId: 'iwf-1', alg: 'ed25519', publicJwk: publicJwk(keyA.publicKey) }],
        ['iwf', { keyId: 'iwf-2', alg: 'ed25519', publicJwk: publicJwk(keyA2.publicKey) }],
        [
          'iwf',
          { keyId: 'iwf-hmac', alg: 'hmac-sha256', secret: hmacSecretA.toString('base64url') },
        ],
        ['pdc', { keyId: 'pdc-1', alg: 'ed25519', publicJwk: publicJwk(keyB.publicKey) }],
      ] as const;
      for (const [partner, key] of keys) {
        const res = await operator('POST', `/admin/partners/${partner}/keys`, key);
        expect(res.status).toBe(201);
      }
      // A source system belongs to one partner only.
      const clash = await operator('POST', '/admin/partners', {
        id: 'other',
        name: 'Other',
        sourceSystems: ['IWF'],
      });
      expect(clash.status).toBe(409);
      expect(((await clash.json()) as Problem).code).toBe('source_system_taken');
      const list = (await (await operator('GET', '/admin/partners')).json()) as Array<{
        id: string;
        keys: Array<{ keyId: string }>;
      }>;
      expect(list.map((p) => [p.id, p.keys.map((k) => k.keyId).sort()])).toEqual([
        ['iwf', ['iwf-1', 'iwf-2', 'iwf-hmac']],
        ['pdc', ['pdc-1']],
      ]);
      // Key material never leaves through the list.
      expect(JSON.stringify(list)).not.toContain(hmacSecretA.toString('base64url'));
    });
  });

  describe('accepted submissions', () => {
    let acceptedId: string;
    let accepted: ReturnType<typeof canonicalReferral>;

    it('accepts a signed referral only once it is on the inbound topic, and the router routes it', async () => {
      accepted = canonicalReferral();
      const res = await clientA.submit(accepted);
      expect(res.status).toBe(202);
      const { results } = res.body as Submitted;
      expect(results).toEqual([
        { id: expect.any(String), sourceRef: accepted.sourceRef, status: 'accepted' },
      ]);
      acceptedId = results[0]!.id;
      expect(res.headers.location).toBe(`/v1/referrals/${acceptedId}`);

      // 202 came after acks=all: the message is on the topic, naming partner and key.
      const [message] = (
        await canonicalTopic.until(
          (all) => all.some((m) => m.headers['wissel-submission-id'] === acceptedId),
          'the submission on the canonical topic',
        )
      ).filter((m) => m.headers['wissel-submission-id'] === acceptedId);
      expect(message!.headers).toMatchObject({
        'wissel-partner-id': 'iwf',
        'wissel-signature-key-id': 'iwf-1',
      });
      expect(JSON.parse(message!.value)).toEqual(accepted);

      const evidence = await stack.db.query(
        `SELECT key_id, alg, nonce, content_digest, accepted_at FROM partner_submission WHERE id = $1`,
        [acceptedId],
      );
      expect(evidence.rows[0]).toMatchObject({ key_id: 'iwf-1', alg: 'ed25519' });
      expect(evidence.rows[0].accepted_at).not.toBeNull();

      const routed = await eventually(async () => {
        const status = await clientA.status(acceptedId);
        const body = status.body as { status: string };
        return status.status === 200 && body.status === 'routed' ? body : undefined;
      }, 'the referral to be routed');
      expect(routed).toMatchObject({
        id: acceptedId,
        sourceRef: accepted.sourceRef,
        format: 'canonical',
        status: 'routed',
        storedAt: expect.any(String),
        route: {
          caseId: expect.any(String),
          rule: expect.any(String),
          recipients: expect.any(Array),
          decidedAt: expect.any(String),
        },
      });
    });

    it('answers a resubmitted sourceRef with the first id and stores nothing new', async () => {
      const res = await clientA.submit(accepted);
      expect(res.status).toBe(202);
      expect((res.body as Submitted).results).toEqual([
        { id: acceptedId, sourceRef: accepted.sourceRef, status: 'duplicate' },
      ]);
      expect(
        await stack.count('partner_submission WHERE source_id = $1', [accepted.sourceRef.id]),
      ).toBe(1);
      expect(await stack.count('referral WHERE source_id = $1', [accepted.sourceRef.id])).toBe(1);
      expect(
        canonicalTopic.messages.filter((m) => m.headers['wissel-submission-id'] === acceptedId),
      ).toHaveLength(1);
    });

    it('takes a canonical batch signed with an HMAC key, one message per referral', async () => {
      const hmacClient = new PartnerClient({
        baseUrl,
        keyId: 'iwf-hmac',
        key: { alg: 'hmac-sha256', secret: hmacSecretA },
      });
      const batch = [canonicalReferral(), canonicalReferral()];
      const res = await hmacClient.submit(batch);
      expect(res.status).toBe(202);
      const { results } = res.body as Submitted;
      expect(results.map((r) => [r.sourceRef.id, r.status])).toEqual(
        batch.map((r) => [r.sourceRef.id, 'accepted']),
      );
      await canonicalTopic.until(
        (all) => results.every((r) => all.some((m) => m.headers['wissel-submission-id'] === r.id)),
        'both batch referrals on the topic',
      );
    });

    it('takes X-ARF by its content type, and a second active key (rotation)', async () => {
      const report = JSON.parse(
        readFileSync(join(__dirname, '../fixtures/xarf/csam-example.json'), 'utf8'),
      ) as Record<string, unknown>;
      report.report_id = randomUUID();
      const res = await clientB.submit(JSON.stringify(report), 'application/vnd.xarf+json');
      expect(res.status).toBe(202);
      const [result] = (res.body as Submitted).results;
      expect(result).toMatchObject({
        sourceRef: { system: 'pointdecontact.example', id: report.report_id },
        status: 'accepted',
      });
      await xarfTopic.until(
        (all) => all.some((m) => m.headers['wissel-submission-id'] === result!.id),
        'the X-ARF report on its topic',
      );
      const rotated = await ed25519Client('iwf-2', keyA2.privateKey).submit(canonicalReferral());
      expect(rotated.status).toBe(202);
    });

    it("lists only the partner's own referrals, keyset-paged", async () => {
      const first = await clientA.list({ limit: 2 });
      expect(first.status).toBe(200);
      const page1 = first.body as { items: Array<{ id: string }>; nextCursor: string | null };
      expect(page1.items).toHaveLength(2);
      expect(page1.items[0]!.id).toBe(acceptedId);
      const rest = await clientA.list({ limit: 2, cursor: page1.nextCursor! });
      const page2 = rest.body as { items: Array<{ id: string }>; nextCursor: string | null };
      // A: one single, two in the batch, one with the rotated key.
      expect([...page1.items, ...page2.items]).toHaveLength(4);
      expect(page2.nextCursor).toBeNull();
      const ofB = (await clientB.list()).body as {
        items: Array<{ sourceRef: { system: string } }>;
      };
      expect(ofB.items.map((i) => i.sourceRef.system)).toEqual(['pointdecontact.example']);
      const future = await clientA.list({ since: '2999-01-01T00:00:00Z' });
      expect((future.body as { items: unknown[] }).items).toEqual([]);
      expectProblem(await clientA.list({ since: 'yesterday' }), 400, 'query_invalid');
    });

    it("answers another partner's id exactly like an unknown one: 404", async () => {
      const asB = expectProblem(await clientB.status(acceptedId), 404, 'referral_not_found');
      const unknown = expectProblem(await clientB.status(randomUUID()), 404, 'referral_not_found');
      expect(asB.detail).toBe(unknown.detail);
    });
  });

  describe('refused requests', () => {
    it('refuses a tampered body (digest mismatch)', async () => {
      const prepared = clientA.prepare('POST', '/v1/referrals', JSON.stringify(refusedReferral()));
      const tampered = canonicalReferral({ sourceRef: { system: 'IWF', id: refused.at(-1) } });
      prepared.body = Buffer.from(JSON.stringify(tampered));
      expectProblem(await clientA.send(prepared), 401, 'digest_mismatch');
    });

    it('refuses a tampered signed header (signature invalid)', async () => {
      const prepared = clientA.prepare('POST', '/v1/referrals', JSON.stringify(refusedReferral()));
      prepared.headers['content-type'] = 'application/vnd.wissel.referral+json';
      expectProblem(await clientA.send(prepared), 401, 'signature_invalid');
    });

    it('refuses a signature made with another key than the key id names', async () => {
      const impostor = ed25519Client('iwf-1', generateKeyPairSync('ed25519').privateKey);
      expectProblem(await impostor.submit(refusedReferral()), 401, 'signature_invalid');
    });

    it('refuses an unknown key id (unknown partner) as an invalid signature', async () => {
      const stranger = ed25519Client('nobody-1', keyA.privateKey);
      expectProblem(await stranger.submit(refusedReferral()), 401, 'signature_invalid');
    });

    it('refuses a revoked key, from the moment it is revoked', async () => {
      const key = generateKeyPairSync('ed25519');
      const added = await operator('POST', '/admin/partners/iwf/keys', {
        keyId: 'iwf-old',
        alg: 'ed25519',
        publicJwk: publicJwk(key.publicKey),
      });
      expect(added.status).toBe(201);
      const revoked = await operator('DELETE', '/admin/partners/iwf/keys/iwf-old');
      expect(revoked.status).toBe(200);
      const old = ed25519Client('iwf-old', key.privateKey);
      expectProblem(await old.submit(refusedReferral()), 401, 'signature_invalid');
    });

    it('answers an unknown key, a revoked key, a suspended partner and a bad signature alike', async () => {
      const before = await metricsOf(gateway);
      // The key of iwf-old (revoked above) signing as itself: a valid signature, revoked key.
      const revokedKey = generateKeyPairSync('ed25519');
      expect(
        (
          await operator('POST', '/admin/partners/iwf/keys', {
            keyId: 'iwf-gone',
            alg: 'ed25519',
            publicJwk: publicJwk(revokedKey.publicKey),
          })
        ).status,
      ).toBe(201);
      expect((await operator('DELETE', '/admin/partners/iwf/keys/iwf-gone')).status).toBe(200);
      const answers = [
        await ed25519Client('nobody-2', keyA.privateKey).list(),
        await ed25519Client('iwf-gone', revokedKey.privateKey).list(),
        await ed25519Client('iwf-1', generateKeyPairSync('ed25519').privateKey).list(),
        await new PartnerClient({
          baseUrl,
          keyId: 'iwf-hmac',
          key: { alg: 'ed25519', privateKey: keyA.privateKey },
        }).list(),
      ];
      await stack.db.query(`UPDATE partner SET status = 'suspended' WHERE id = 'pdc'`);
      try {
        answers.push(await clientB.list());
      } finally {
        await stack.db.query(`UPDATE partner SET status = 'active' WHERE id = 'pdc'`);
      }
      const bodies = answers.map((answer) => {
        expectProblem(answer, 401, 'signature_invalid');
        expect(answer.headers['www-authenticate']).toBe('Signature');
        const { instance, ...rest } = answer.body as Problem;
        expect(instance).toMatch(/^urn:uuid:/);
        return JSON.stringify(rest);
      });
      expect(new Set(bodies).size).toBe(1);
      expect(bodies[0]).not.toMatch(/nobody|iwf|pdc|revoked|suspended|unknown/);
      // The operators still count each by its real reason.
      const after = await metricsOf(gateway);
      for (const code of [
        'key_unknown',
        'key_revoked',
        'signature_invalid',
        'alg_mismatch',
        'partner_suspended',
      ]) {
        const series = `wissel_signature_failures_total{code="${code}"}`;
        expect((sample(after, series) ?? 0) - (sample(before, series) ?? 0)).toBe(1);
      }
    });

    it('refuses a created outside the window, either way', async () => {
      const past = ed25519Client('iwf-1', keyA.privateKey, () => new Date(Date.now() - 360_000));
      expectProblem(await past.submit(refusedReferral()), 401, 'signature_expired');
      const future = ed25519Client('iwf-1', keyA.privateKey, () => new Date(Date.now() + 360_000));
      expectProblem(await future.submit(refusedReferral()), 401, 'created_in_future');
    });

    it('refuses a replayed nonce, and the replay stores nothing new', async () => {
      const referral = canonicalReferral();
      const prepared = clientA.prepare('POST', '/v1/referrals', JSON.stringify(referral));
      expect((await clientA.send(prepared)).status).toBe(202);
      expectProblem(await clientA.send(prepared), 401, 'nonce_replayed');
      expect(
        await stack.count('partner_submission WHERE source_id = $1', [referral.sourceRef.id]),
      ).toBe(1);
      // A signed GET carries a nonce too.
      const get = clientA.prepare('GET', '/v1/referrals');
      expect((await clientA.send(get)).status).toBe(200);
      expectProblem(await clientA.send(get), 401, 'nonce_replayed');
    });

    it('refuses a missing or a wrong Content-Digest', async () => {
      const missing = clientA.prepare('POST', '/v1/referrals', JSON.stringify(refusedReferral()));
      delete missing.headers['content-digest'];
      expectProblem(await clientA.send(missing), 401, 'digest_missing');

      // Signed correctly, but over the digest of other bytes than the body sent.
      const body = Buffer.from(JSON.stringify(refusedReferral()));
      const url = `${baseUrl}/v1/referrals`;
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'content-digest': contentDigest(Buffer.from('something else')),
      };
      const signature = signRequest(
        { method: 'POST', url, headers },
        { alg: 'ed25519', privateKey: keyA.privateKey, keyId: 'iwf-1' },
      );
      const wrong = await clientA.send({
        url,
        method: 'POST',
        headers: { ...headers, ...signature },
        body,
      });
      expectProblem(wrong, 401, 'digest_mismatch');
    });

    it('refuses an unsigned request', async () => {
      const prepared = clientA.prepare('POST', '/v1/referrals', JSON.stringify(refusedReferral()));
      delete prepared.headers.signature;
      delete prepared.headers['signature-input'];
      expectProblem(await clientA.send(prepared), 401, 'signature_missing');
    });

    it('refuses a body over MAX_BODY_BYTES', async () => {
      const big = refusedReferral({ padding: 'x'.repeat(MAX_BODY_BYTES) });
      const res = await clientA.submit(big);
      expectProblem(res, 413, 'body_too_large');
    });

    it('refuses a body in an unsupported media type', async () => {
      const res = await clientA.submit(JSON.stringify(refusedReferral()), 'text/plain');
      expectProblem(res, 415, 'unsupported_media_type');
    });

    it('refuses an invalid referral with the reason and the field, and produces nothing of a batch', async () => {
      const bad = refusedReferral({ reportedAt: 'last tuesday' });
      const single = expectProblem(await clientA.submit(bad), 422, 'referral_invalid');
      expect(single).toMatchObject({ reason: 'schema_violation', field: '/reportedAt' });
      // Nothing in the detail repeats a reported URL.
      expect(single.detail).not.toContain('http');

      const batch = [refusedReferral(), refusedReferral({ locators: [{ url: 'ftp://x' }] })];
      const inBatch = expectProblem(await clientA.submit(batch), 422, 'referral_invalid');
      expect(inBatch.field).toMatch(/^\/1\/locators\/0/);
    });

    it("refuses a sourceRef.system that is not the partner's", async () => {
      const foreign = refusedReferral({
        sourceRef: { system: 'pointdecontact.example', id: randomUUID() },
      });
      refused.push(foreign.sourceRef.id);
      const problem = expectProblem(
        await clientA.submit(foreign),
        403,
        'source_system_not_allowed',
      );
      expect(problem.field).toBe('/sourceRef/system');
    });

    it('refuses a suspended partner, as an invalid signature', async () => {
      await stack.db.query(`UPDATE partner SET status = 'suspended' WHERE id = 'pdc'`);
      try {
        expectProblem(await clientB.list(), 401, 'signature_invalid');
      } finally {
        await stack.db.query(`UPDATE partner SET status = 'active' WHERE id = 'pdc'`);
      }
    });

    it('refuses a partner over its rate with Retry-After', async () => {
      const limited = await stack.listen('gateway', {
        PARTNER_RATE_PER_S: '1',
        PARTNER_RATE_BURST: '2',
      });
      const client = new PartnerClient({
        baseUrl: limited.baseUrl,
        keyId: 'pdc-1',
        key: { alg: 'ed25519', privateKey: keyB.privateKey },
      });
      expect((await client.list()).status).toBe(200);
      expect((await client.list()).status).toBe(200);
      const res = await client.list();
      expectProblem(res, 429, 'rate_limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      await limited.app.close();
    });

    it('stored and produced nothing for any refused request', async () => {
      // A last valid referral: once it is on the topic and stored, anything produced before
      // it (one partition, in order) would be there too.
      const sentinel = canonicalReferral();
      const res = await clientA.submit(sentinel);
      expect(res.status).toBe(202);
      const sentinelId = (res.body as Submitted).results[0]!.id;
      await canonicalTopic.until(
        (all) => all.some((m) => m.headers['wissel-submission-id'] === sentinelId),
        'the sentinel on the topic',
      );
      await eventually(
        async () =>
          (await stack.count('referral WHERE source_id = $1', [sentinel.sourceRef.id])) === 1,
        'the sentinel stored',
      );
      expect(refused.length).toBeGreaterThan(10);
      expect(await stack.count('partner_submission WHERE source_id = ANY($1)', [refused])).toBe(0);
      expect(await stack.count('referral WHERE source_id = ANY($1)', [refused])).toBe(0);
      const produced = canonicalTopic.messages.map((m) => m.value);
      expect(produced.filter((v) => refused.some((id) => v.includes(id)))).toEqual([]);
    });
  });
});
