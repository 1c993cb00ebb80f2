/**
 * The embedded mode as `npm start` runs it: the built all-in-one app in its own process on
 * the embedded PostgreSQL (real server binaries), the message hops in Postgres tables.
 * Killed with -9 in the middle of a stream of signed submissions and started again on the
 * same data folder, it stores and dispatches every referral it answered 202 for, exactly
 * once; stopped with SIGINT right after a burst, it drains and loses nothing.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Client } from 'pg';
import { loadSigningKey, PartnerClient } from '@wissel/partner-client';
import { FEED_READER_GROUP } from '@wissel/domain';
import { publicJwk } from '@wissel/signing';
import { DnsTestServer } from '../support/dns-test-server';
import { EmbeddedApp } from '../support/embedded-app';
import { eventually } from '../support/stack';
import { canonicalReferral } from '../support/referrals';

jest.setTimeout(180_000);

/** A referral as the test partner sends it (system E2E), or as another system's owner. */
const testReferral = (system = 'E2E') =>
  canonicalReferral({
    sourceRef: { system, id: `${system}-${randomUUID()}` },
    hints: { hostingCountry: 'NL' },
  });

/** Every accepted id stored once, dispatched, and no dispatch id twice on any feed. */
async function expectEachOnceDispatched(db: Client, accepted: string[]): Promise<void> {
  await eventually(
    async () => {
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM referral r
          WHERE r.source_system = 'E2E' AND r.source_id = ANY($1)
            AND EXISTS (SELECT 1 FROM outbox o WHERE o.referral_id = r.id)
            AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.referral_id = r.id AND o.published_at IS NULL)`,
        [accepted],
      );
      return rows[0]!.n === accepted.length;
    },
    `all ${accepted.length} accepted referrals stored and dispatched`,
    60_000,
  );
  const stored = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM referral WHERE source_system = 'E2E' AND source_id = ANY($1)`,
    [accepted],
  );
  expect(stored.rows[0]!.n).toBe(accepted.length);
  // Each outbox row is on its recipient's feed once, and nothing else is.
  const feed = await db.query<{ dispatches: number; distinct: number; outbox: number }>(
    `SELECT count(*)::int AS dispatches,
            count(DISTINCT m.headers->>'wissel-dispatch-id')::int AS distinct,
            (SELECT count(*)::int FROM outbox) AS outbox
       FROM message_log m WHERE m.topic LIKE 'referrals.out.%'`,
  );
  expect(feed.rows[0]!.dispatches).toBe(feed.rows[0]!.distinct);
  expect(feed.rows[0]!.dispatches).toBe(feed.rows[0]!.outbox);
}

describe('embedded mode: one process on embedded PostgreSQL', () => {
  let dns: DnsTestServer;
  let app: EmbeddedApp;

  beforeAll(async () => {
    // Traced hosts are looked up here, never on a real resolver.
    dns = await DnsTestServer.start();
    app = await EmbeddedApp.create({
      DNS_SERVERS: dns.address,
      DNS_TIMEOUT_MS: '300',
      DNS_TRIES: '1',
    });
  });

  afterAll(async () => {
    await app?.dispose();
    await dns?.close();
  });

  it('keeps every accepted referral across a kill -9 mid-stream and dispatches each once', async () => {
    await app.start();
    const partner = app.partner();
    const accepted: string[] = [];
    let killed = false;
    // Four submitters; the app is killed once 30 are accepted, while requests are in flight.
    const submitter = async () => {
      while (!killed) {
        const referral = testReferral();
        const response = await partner.submit(referral).catch(() => undefined);
        if (response?.status === 202) accepted.push(referral.sourceRef.id);
      }
    };
    const submitters = [submitter(), submitter(), submitter(), submitter()];
    await eventually(async () => accepted.length >= 30, '30 accepted submissions');
    await app.stop('SIGKILL');
    killed = true;
    await Promise.all(submitters);
    // kill -9 leaves the postmaster running; the next start must cope with it.
    expect(app.postmasterPid()).toBeDefined();

    await app.start();
    const db = await app.db();
    try {
      await expectEachOnceDispatched(db, accepted);
    } finally {
      await db.end();
    }
  });

  it('drains on SIGINT: what was accepted is dispatched after the restart, and PostgreSQL stops', async () => {
    const partner = app.partner();
    const accepted: string[] = [];
    const burst = Array.from({ length: 20 }, () => testReferral());
    const responses = await Promise.all(burst.map((r) => partner.submit(r)));
    responses.forEach((r, i) => r.status === 202 && accepted.push(burst[i]!.sourceRef.id));
    expect(accepted).toHaveLength(20);

    expect(await app.stop('SIGINT')).toBe(0);
    expect(app.output).toContain('wissel: stopped');
    expect(app.postmasterPid()).toBeUndefined();

    await app.start();
    const db = await app.db();
    try {
      await expectEachOnceDispatched(db, accepted);
    } finally {
      await db.end();
    }
  });

  it('serves each recipient its dispatches over HTTP, cursor-paged, to the operator, masked', async () => {
    const feed = (query: string, token?: string) =>
      fetch(`${app.baseUrl}/v1/feeds/nl-hotline${query}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    expect((await feed('?cursor=0')).status).toBe(401);
    const token = app.operatorToken();
    expect((await feed('?cursor=x', token)).status).toBe(400);

    const seen: Array<{ dispatchId: string; sourceId: string }> = [];
    let cursor = '0';
    for (;;) {
      const response = await feed(`?cursor=${cursor}&limit=7`, token);
      expect(response.status).toBe(200);
      const page = (await response.json()) as {
        items: Array<{ headers: Record<string, string>; value: string }>;
        nextCursor: string;
      };
      if (page.items.length === 0) break;
      expect(page.items.length).toBeLessThanOrEqual(7);
      for (const item of page.items) {
        const dispatch = JSON.parse(item.value);
        expect(item.headers['wissel-dispatch-id']).toBe(dispatch.dispatchId);
        // Without a reason an operator sees no URL path and no person.
        expect(dispatch.referral.persons).toBeUndefined();
        for (const locator of dispatch.referral.locators) {
          expect(locator.url).toMatch(/^https?:\/\/[^/]+\/\[masked\]$/);
        }
        seen.push({ dispatchId: dispatch.dispatchId, sourceId: dispatch.referral.sourceRef.id });
      }
      cursor = page.nextCursor;
    }
    // Both earlier tests' referrals were hosted in NL: all of them, each once, on this feed.
    expect(seen.length).toBeGreaterThanOrEqual(50);
    expect(new Set(seen.map((s) => s.dispatchId)).size).toBe(seen.length);
    expect(new Set(seen.map((s) => s.sourceId)).size).toBe(seen.length);

    // With a reason the operator reads it whole, and the read is audited first.
    expect((await feed('?cursor=0&limit=1&reason=x', token)).status).toBe(400);
    const reason = encodeURIComponent('NTD follow-up, ticket 4711');
    const whole = await feed(`?cursor=0&limit=1&reason=${reason}`, token);
    expect(whole.status).toBe(200);
    const page = (await whole.json()) as { masked: boolean; items: Array<{ value: string }> };
    expect(page.masked).toBe(false);
    expect(JSON.parse(page.items[0]!.value).referral.locators[0].url).not.toContain('[masked]');
    const db = await app.db();
    try {
      const { rows } = await db.query<{ actor: string; details: { reason: string } }>(
        `SELECT actor, details FROM audit_event WHERE action = 'feed.revealed' AND subject = 'nl-hotline'`,
      );
      expect(rows).toEqual([
        {
          actor: expect.stringMatching(/^token:/),
          details: expect.objectContaining({ reason: 'NTD follow-up, ticket 4711' }),
        },
      ]);
    } finally {
      await db.end();
    }
  });

  it('lets a recipient read its own feed with a signed request, and no other', async () => {
    const token = app.operatorToken();
    const operator = (path: string, body: unknown) =>
      fetch(`${app.baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    // The Dutch hotline as a partner: its id is nl-hotline's hop id in the routing file.
    const key = generateKeyPairSync('ed25519');
    expect(
      (
        await operator('/admin/partners', {
          id: 'offlimits.nl',
          name: 'Offlimits',
          sourceSystems: ['OFFLIMITS'],
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await operator('/admin/partners/offlimits.nl/keys', {
          keyId: 'offlimits-1',
          alg: 'ed25519',
          publicJwk: publicJwk(key.publicKey),
        })
      ).status,
    ).toBe(201);
    const hotline = new PartnerClient({
      baseUrl: app.baseUrl,
      keyId: 'offlimits-1',
      key: { alg: 'ed25519', privateKey: key.privateKey },
    });
    const own = await hotline.send(hotline.prepare('GET', '/v1/feeds/nl-hotline?cursor=0&limit=5'));
    expect(own.status).toBe(200);
    expect((own.body as { items: unknown[] }).items).toHaveLength(5);
    // The recipient reads its own dispatches whole, as signed.
    expect(own.body).toMatchObject({ masked: false });
    // Asking for the next page says it holds the first: the purge may delete only those.
    const next = (own.body as { nextCursor: string }).nextCursor;
    await hotline.send(hotline.prepare('GET', `/v1/feeds/nl-hotline?cursor=${next}&limit=5`));
    await hotline.send(hotline.prepare('GET', '/v1/feeds/nl-hotline?cursor=0&limit=5'));
    const db = await app.db();
    try {
      const { rows } = await db.query<{ next_offset: string }>(
        `SELECT next_offset FROM consumer_offset WHERE group_id = $1 AND topic LIKE '%nl-hotline%'`,
        [FEED_READER_GROUP],
      );
      // A re-read from the start never moves it back.
      expect(rows).toEqual([{ next_offset: next }]);
    } finally {
      await db.end();
    }
    const other = await hotline.send(hotline.prepare('GET', '/v1/feeds/de-hotline?cursor=0'));
    expect({ status: other.status, code: (other.body as { code: string }).code }).toEqual({
      status: 404,
      code: 'recipient_unknown',
    });
    // A partner that is no recipient at all.
    const demo = app.partner();
    expect((await demo.send(demo.prepare('GET', '/v1/feeds/nl-hotline?cursor=0'))).status).toBe(
      404,
    );
  });

  it('has a demo partner only while --demo asks for one, and never leaves its key active unheld', async () => {
    const keyFile = join(app.dataDir, 'demo-partner.private.jwk.json');
    const keyIdFile = join(app.dataDir, 'demo-partner.key-id');
    const demoKeys = async () => {
      const db = await app.db();
      try {
        const rows = await db.query<{ key_id: string; active: boolean }>(
          `SELECT key_id, revoked_at IS NULL AS active FROM partner_key
            WHERE partner_id = 'demo' ORDER BY created_at, key_id`,
        );
        return rows.rows;
      } finally {
        await db.end();
      }
    };
    // Every start so far was without --demo.
    expect(await demoKeys()).toEqual([]);
    expect(existsSync(keyFile)).toBe(false);

    await app.stop('SIGTERM');
    await app.start(['--demo']);
    const first = readFileSync(keyIdFile, 'utf8').trim();
    expect(await demoKeys()).toEqual([{ key_id: first, active: true }]);
    const demo = new PartnerClient({
      baseUrl: app.baseUrl,
      keyId: first,
      key: loadSigningKey(keyFile),
    });
    expect((await demo.submit(JSON.stringify(testReferral('DEMO')))).status).toBe(202);

    // The key file is lost: the old key is revoked before a new one is made.
    await app.stop('SIGTERM');
    rmSync(keyFile);
    await app.start(['--demo']);
    const second = readFileSync(keyIdFile, 'utf8').trim();
    expect(second).not.toBe(first);
    expect(await demoKeys()).toEqual(
      expect.arrayContaining([
        { key_id: first, active: false },
        { key_id: second, active: true },
      ]),
    );

    // Without --demo the demo key is revoked and its files go: nobody can sign as it.
    await app.stop('SIGTERM');
    await app.start();
    expect((await demoKeys()).filter((k) => k.active)).toEqual([]);
    expect([existsSync(keyFile), existsSync(keyIdFile)]).toEqual([false, false]);
    const refused = await demo.submit(JSON.stringify(testReferral('DEMO')));
    expect([refused.status, (refused.body as { code: string }).code]).toEqual([
      401,
      'signature_invalid',
    ]);
  });
});
