/**
 * The embedded mode as `npm start` runs it (the built app on its embedded PostgreSQL, the
 * message hops in Postgres tables) takes a signed CyberTipline XML report over the partner
 * API and routes it: a reporting centre registered by the operator under source system
 * NCMEC submits test/fixtures/cybertip/example.xml (the CyberTipline reporting schema's
 * element names) as application/xml.
 */
import { generateKeyPairSync, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PartnerClient } from '@wissel/partner-client';
import { publicJwk } from '@wissel/signing';
import { DnsTestServer } from '../support/dns-test-server';
import { EmbeddedApp } from '../support/embedded-app';
import { appendToPostgresTopic } from '../support/postgres-topic';
import { eventually } from '../support/stack';

jest.setTimeout(180_000);

describe('embedded mode: CyberTipline XML over the signed partner API', () => {
  let dns: DnsTestServer;
  let app: EmbeddedApp;
  let submissionId: string;

  beforeAll(async () => {
    dns = await DnsTestServer.start();
    app = await EmbeddedApp.create({ DNS_SERVERS: dns.address, DNS_TIMEOUT_MS: '300' });
    await app.start();
  });

  afterAll(async () => {
    await app?.dispose();
    await dns?.close();
  });

  it('accepts a signed XML report, puts it on the cybertip topic and routes it', async () => {
    const operator = (path: string, body: unknown) =>
      fetch(app.baseUrl + path, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${app.operatorToken()}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
    const key = generateKeyPairSync('ed25519');
    const registered = await operator('/admin/partners', {
      id: 'ncmec',
      name: 'NCMEC CyberTipline',
      sourceSystems: ['NCMEC'],
    });
    expect(registered.status).toBe(201);
    const added = await operator('/admin/partners/ncmec/keys', {
      keyId: 'ncmec-1',
      alg: 'ed25519',
      publicJwk: publicJwk(key.publicKey),
    });
    expect(added.status).toBe(201);
    const client = new PartnerClient({
      baseUrl: app.baseUrl,
      keyId: 'ncmec-1',
      key: { alg: 'ed25519', privateKey: key.privateKey },
    });

    const reportId = String(randomInt(1e8, 1e9));
    const xml = readFileSync(join(__dirname, '../fixtures/cybertip/example.xml'), 'utf8').replace(
      /<reportId>\d+<\/reportId>/g,
      `<reportId>${reportId}</reportId>`,
    );
    const res = await client.submit(xml, 'application/xml');
    expect(res.status).toBe(202);
    const [result] = (res.body as { results: Array<{ id: string; status: string }> }).results;
    expect(result!.status).toBe('accepted');
    submissionId = result!.id;

    const routed = await eventually(
      async () => {
        const status = await client.status(result!.id);
        const body = status.body as { status: string };
        return status.status === 200 && body.status === 'routed' ? body : undefined;
      },
      'the report to be routed',
      60_000,
    );
    expect(routed).toMatchObject({ format: 'cybertip', route: { recipients: expect.any(Array) } });

    const db = await app.db();
    try {
      const onTopic = await db.query<{ headers: Record<string, string>; value: Buffer }>(
        `SELECT headers, value FROM message_log WHERE topic = 'referrals.in.cybertip.v1'`,
      );
      expect(onTopic.rows).toHaveLength(1);
      expect(onTopic.rows[0]!.headers).toMatchObject({
        'wissel-schema': 'ncmec/cybertipline',
        'wissel-partner-id': 'ncmec',
        'wissel-submission-id': result!.id,
      });
      expect(onTopic.rows[0]!.value.toString('utf8')).toBe(xml);
      const dispatched = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM outbox o JOIN referral r ON r.id = o.referral_id
          WHERE r.source_system = 'NCMEC' AND r.source_id = $1`,
        [reportId],
      );
      expect(dispatched.rows[0]!.n).toBeGreaterThan(0);
    } finally {
      await db.end();
    }

    const hostile = readFileSync(
      join(__dirname, '../fixtures/cybertip/hostile-billion-laughs.xml'),
      'utf8',
    );
    const refused = await client.submit(hostile, 'application/xml');
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      code: 'referral_invalid',
      reason: 'forbidden_xml_construct',
    });
  });

  it('lets an operator find the report by its submission id, and list and replay an inbound dead letter', async () => {
    const operator = (path: string, method = 'GET') =>
      fetch(app.baseUrl + path, {
        method,
        headers: { authorization: `Bearer ${app.operatorToken()}` },
      });
    const found = await operator(`/admin/referrals?submissionId=${submissionId}`);
    expect(found.status).toBe(200);
    const { items } = (await found.json()) as {
      items: Array<{ submission: { partnerId: string }; decisionRecord: string }>;
    };
    expect(items).toEqual([
      expect.objectContaining({ submission: expect.objectContaining({ partnerId: 'ncmec' }) }),
    ]);
    expect((await operator(items[0]!.decisionRecord)).status).toBe(200);

    const db = await app.db();
    try {
      const [offset] = await appendToPostgresTopic(db, 'referrals.in.canonical.v1', ['{"not json']);
      const letter = await eventually(async () => {
        const res = await operator('/admin/dead-letters');
        const page = (await res.json()) as {
          items: Array<{
            id: string;
            origin: { topic: string; offset: string };
            reason: { code: string };
          }>;
        };
        return page.items.find(
          (i) => i.origin.topic === 'referrals.in.canonical.v1' && i.origin.offset === offset,
        );
      }, 'the inbound dead letter listed');
      expect(letter.reason.code).toBe('invalid_json');
      const onDlq = await db.query(
        `SELECT 1 FROM message_log WHERE topic = 'referrals.dlq.v1' AND key = $1`,
        [`referrals.in.canonical.v1:0:${offset}`],
      );
      expect(onDlq.rows).toHaveLength(1);

      expect((await operator(`/admin/dead-letters/${letter.id}/replay`, 'POST')).status).toBe(200);
      expect((await operator(`/admin/dead-letters/${letter.id}/replay`, 'POST')).status).toBe(409);
      const replayed = await db.query<{ value: Buffer }>(
        `SELECT value FROM message_log
          WHERE topic = 'referrals.in.canonical.v1' AND headers->>'wissel-replay-of' = $1`,
        [letter.id],
      );
      expect(replayed.rows.map((r) => r.value.toString('utf8'))).toEqual(['{"not json']);
    } finally {
      await db.end();
    }
  });
});
