/**
 * A silent hotline on the real stack: a removal dispatch its recipient never acknowledges,
 * not even as received, is escalated like a breached notice once NOTICE_ACK_DEADLINE_HOURS
 * have passed — to the authority and the police, once — while an acknowledged one is not.
 * The dispatcher's LifecycleClock is replaced by one the test moves.
 */
import { randomUUID } from 'node:crypto';
import { LifecycleClock } from '@wissel/pipeline';
import { asMessage, canonicalReferral } from '../support/referrals';
import { MovableClock } from '../support/movable-clock';
import { eventually, TestStack, type TopicReader } from '../support/stack';

const HOUR = 3_600_000;
const LEASEWEB = '95.211.184.10'; // LeaseWeb Netherlands B.V., AS60781: NL / NL.

describe('unacknowledged dispatches', () => {
  let stack: TestStack;
  const T0 = Date.now();
  const clock = new MovableClock(T0);
  const readers: Record<string, TopicReader> = {};

  beforeAll(async () => {
    stack = await TestStack.create('unacked');
    stack.dns.setZone({ 'silent.unacked.test': [{ type: 'A' as const, address: LEASEWEB }] });
    await stack.start('router');
    await stack.start(
      'dispatcher',
      { NOTICE_CLOCK_TICK_MS: '150', NOTICE_ACK_DEADLINE_HOURS: '24' },
      [[LifecycleClock, clock]],
    );
    for (const id of ['nl-hotline', 'nl-authority', 'nl-police']) {
      readers[id] = await stack.read(stack.topics.outbound(id));
    }
  });

  afterAll(async () => {
    await stack.close();
  });

  async function dispatched(path: string, system = 'UNACKED-TEST') {
    const referral = canonicalReferral({
      sourceRef: { system, id: `U-${randomUUID()}` },
      via: [],
      locators: [{ kind: 'web_page', url: `https://silent.unacked.test/${path}` }],
      hints: {},
    });
    await stack.produce(stack.topics.canonicalIn, [asMessage(referral)]);
    return eventually(async () => {
      const { rows } = await stack.db.query<{ dispatch_id: string }>(
        `SELECT o.dispatch_id FROM outbox o JOIN referral r ON r.id = o.referral_id
          WHERE r.source_id = $1 AND o.recipient_id = 'nl-hotline' AND o.published_at IS NOT NULL`,
        [referral.sourceRef.id],
      );
      return rows[0]?.dispatch_id;
    }, 'the dispatch to nl-hotline published');
  }

  const escalations = (recipient: string, dispatchId: string) =>
    readers[recipient]!.messages.filter(
      (m) =>
        m.headers['wissel-lifecycle-type'] === 'escalation' &&
        m.headers['wissel-dispatch-id'] === dispatchId,
    );

  it('escalates a dispatch nobody acknowledged past the deadline, once, and not an acknowledged one', async () => {
    const silent = await dispatched('never-acked.jpg');
    const answered = await dispatched('acked.jpg');
    await stack.produce(stack.topics.statusIn, [
      JSON.stringify({
        dispatchId: answered,
        recipient: 'nl-hotline',
        kind: 'received',
        at: new Date(T0).toISOString(),
      }),
    ]);
    await eventually(async () => {
      const n = await stack.count(`dispatch_state WHERE dispatch_id = $1`, [answered]);
      return n === 1 ? true : undefined;
    }, 'the acknowledgement recorded');

    // Just before the deadline: nothing. Past it: escalated to ATKM and the police.
    clock.set(T0 + 23 * HOUR);
    await new Promise((r) => setTimeout(r, 800));
    expect(escalations('nl-authority', silent)).toHaveLength(0);
    clock.set(T0 + 25 * HOUR);
    for (const recipient of ['nl-authority', 'nl-police']) {
      await readers[recipient]!.until(
        () => escalations(recipient, silent).length > 0,
        `the escalation to ${recipient}`,
      );
    }
    const [message] = escalations('nl-authority', silent);
    expect(JSON.parse(message!.value)).toMatchObject({
      type: 'escalation',
      reason: 'unacknowledged',
      breachedRecipient: 'nl-hotline',
      role: 'authority',
    });
    const { rows } = await stack.db.query<{ status: string; escalated_to: string[] }>(
      `SELECT status, escalated_to FROM dispatch_state WHERE dispatch_id = $1`,
      [silent],
    );
    expect(rows).toEqual([{ status: 'escalated', escalated_to: ['nl-authority', 'nl-police'] }]);

    // Once, and never the acknowledged dispatch.
    await new Promise((r) => setTimeout(r, 800));
    expect(escalations('nl-authority', silent)).toHaveLength(1);
    expect(escalations('nl-authority', answered)).toHaveLength(0);
  });

  it('never escalates to the police system the referral came from', async () => {
    clock.set(Date.now());
    // The Dutch police sent it (its recipient id as the source system): hosted at home, it
    // goes to the hotline only, and the hotline's silence is not reported back to the police.
    const fromPolice = await dispatched('from-police.jpg', 'nl-police');
    clock.set(Date.now() + 25 * HOUR);
    await readers['nl-authority']!.until(
      () => escalations('nl-authority', fromPolice).length > 0,
      'the escalation to nl-authority',
    );
    expect(JSON.parse(escalations('nl-authority', fromPolice)[0]!.value)).toMatchObject({
      unfilled: ['police'],
    });
    await new Promise((r) => setTimeout(r, 800));
    expect(escalations('nl-police', fromPolice)).toHaveLength(0);
    const { rows } = await stack.db.query<{ escalated_to: string[] }>(
      `SELECT escalated_to FROM dispatch_state WHERE dispatch_id = $1`,
      [fromPolice],
    );
    expect(rows).toEqual([{ escalated_to: ['nl-authority'] }]);
  });
});
