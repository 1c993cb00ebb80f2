/**
 * The dashboard snapshot (GET /admin/dashboard.json, W7) on the real stack, for what the
 * browser test cannot wait for: a notice's deadline at risk and then breached. The
 * gateway reads a LifecycleClock this file moves (the dispatcher keeps real time, so its
 * notice clock does not act on the breach meanwhile). Also: no reported URL in any answer.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { LifecycleClock } from '@wissel/pipeline';
import { asMessage, canonicalReferral } from '../support/referrals';
import { eventually, TestStack } from '../support/stack';

const OPERATOR_TOKEN = randomBytes(24).toString('base64url');
const HOUR = 3_600_000;
const HOST = 'nl.dashboard-api.test';

interface Snapshot {
  stages: Array<{ id: string; backlog: number | null; detail: Record<string, number> }>;
  deadlinesAtRisk: Array<{
    dispatchId: string;
    recipientId: string;
    hostingProvider: string;
    secondsLeft: number;
  }>;
  hosterMonitor: { hosters: Array<{ asn: number | null; open: number }> };
  throughput: { window: { received: number } };
}

describe('dashboard snapshot: notices at risk and breached', () => {
  let stack: TestStack;
  let baseUrl: string;
  const T0 = Date.now();
  let at = T0;
  const clock = { now: () => new Date(at) };

  beforeAll(async () => {
    stack = await TestStack.create('dashboard_api');
    // LeaseWeb Netherlands B.V., AS60781: NL / NL.
    stack.dns.setZone({ [HOST]: [{ type: 'A' as const, address: '95.211.184.10' }] });
    await stack.start('router');
    await stack.start('dispatcher');
    ({ baseUrl } = await stack.listen(
      'gateway',
      { OPERATOR_TOKEN_SHA256: createHash('sha256').update(OPERATOR_TOKEN).digest('hex') },
      [[LifecycleClock, clock]],
    ));
  });

  afterAll(async () => {
    await stack.close();
  });

  const snapshot = async (): Promise<{ raw: string; body: Snapshot }> => {
    const res = await fetch(`${baseUrl}/admin/dashboard.json`, {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    expect(res.status).toBe(200);
    const raw = await res.text();
    return { raw, body: JSON.parse(raw) as Snapshot };
  };
  const stage = (s: Snapshot, id: string) => s.stages.find((x) => x.id === id)!;

  it('shows an open notice at risk after its reminder time, then breached after its deadline', async () => {
    const referral = canonicalReferral({
      sourceRef: { system: 'DASH-API', id: `A-${randomUUID()}` },
      via: [],
      locators: [{ kind: 'web_page', url: `https://${HOST}/${randomUUID()}.jpg` }],
      hints: {},
    });
    await stack.produce(stack.topics.canonicalIn, [asMessage(referral)]);
    const dispatchId = await eventually(async () => {
      const { rows } = await stack.db.query<{ dispatch_id: string }>(
        `SELECT o.dispatch_id FROM outbox o JOIN referral r ON r.id = o.referral_id
          WHERE r.source_id = $1 AND o.recipient_id = 'nl-hotline' AND o.published_at IS NOT NULL`,
        [referral.sourceRef.id],
      );
      return rows[0]?.dispatch_id;
    }, 'the nl-hotline dispatch delivered');
    await stack.produce(stack.topics.statusIn, [
      JSON.stringify({
        dispatchId,
        recipient: 'nl-hotline',
        kind: 'notice_sent',
        at: new Date(T0).toISOString(),
      }),
    ]);
    await eventually(async () => {
      const { rows } = await stack.db.query(
        `SELECT status FROM dispatch_state WHERE dispatch_id = $1`,
        [dispatchId],
      );
      return rows[0]?.status === 'notice_sent';
    }, 'the notice clock started');

    const fresh = (await snapshot()).body;
    expect(fresh.throughput.window.received).toBe(1);
    expect(stage(fresh, 'notices')).toMatchObject({
      backlog: 1,
      detail: { atRisk: 0, breached: 0 },
    });
    expect(fresh.deadlinesAtRisk).toEqual([]);
    expect(fresh.hosterMonitor.hosters).toEqual([expect.objectContaining({ asn: 60781, open: 1 })]);

    // 20 h into the 24 h window: past the reminder (75 %), four hours left.
    at = T0 + 20 * HOUR;
    const risky = (await snapshot()).body;
    expect(stage(risky, 'notices').detail).toEqual({ atRisk: 1, breached: 0 });
    expect(risky.deadlinesAtRisk).toEqual([
      {
        dispatchId,
        recipientId: 'nl-hotline',
        hostingProvider: 'LeaseWeb Netherlands B.V.',
        deadline: new Date(T0 + 24 * HOUR).toISOString(),
        secondsLeft: 4 * 3600,
      },
    ]);

    at = T0 + 25 * HOUR;
    const { raw, body: late } = await snapshot();
    expect(stage(late, 'notices')).toMatchObject({
      backlog: 1,
      detail: { atRisk: 0, breached: 1 },
    });
    // Not handled yet (the dispatcher's clock is real time): listed, an hour overdue.
    expect(late.deadlinesAtRisk.map((d) => d.secondsLeft)).toEqual([-3600]);
    // The window moved a day on: the referral is no longer in the last 30 minutes.
    expect(late.throughput.window.received).toBe(0);
    expect(raw).not.toContain(HOST);
    expect(raw).not.toMatch(/https?:\/\//);

    const inspected = await fetch(`${baseUrl}/admin/dispatches/${dispatchId}`, {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    const text = await inspected.text();
    expect(JSON.parse(text)).toMatchObject({ dispatchId, lifecycleStatus: 'notice_sent' });
    expect(text).not.toContain(HOST);
  });

  it('answers unknown and malformed dispatch ids with 404, and refuses without the token', async () => {
    const auth = { authorization: `Bearer ${OPERATOR_TOKEN}` };
    for (const id of [randomUUID(), 'not-a-uuid']) {
      const inspect = await fetch(`${baseUrl}/admin/dispatches/${id}`, { headers: auth });
      expect(inspect.status).toBe(404);
      const replay = await fetch(`${baseUrl}/admin/dispatches/${id}/replay`, {
        method: 'POST',
        headers: auth,
      });
      expect(replay.status).toBe(404);
      expect(await replay.json()).toMatchObject({ code: 'dispatch_not_found' });
    }
    for (const [method, path] of [
      ['GET', '/admin/dashboard.json'],
      ['GET', `/admin/dispatches/${randomUUID()}`],
      ['POST', `/admin/dispatches/${randomUUID()}/replay`],
    ]) {
      expect((await fetch(baseUrl + path, { method })).status).toBe(401);
    }
  });
});
