/**
 * The urgent lane (W6) on the real broker and PostgreSQL: an urgent referral (threat to
 * life) comes in on referrals.in.urgent.v1 through the router's own consumer group, takes
 * the urgent outbox lane, and is published before a backlog of normal dispatches that were
 * waiting before it. Small numbers here; bench/urgent-lane.bench.ts measures 50,000.
 */
import { eventually, TestStack } from '../support/stack';
import { asMessage, canonicalReferral } from '../support/referrals';

const BACKLOG = 300;
const BATCH = '50';

describe('delivery: the urgent lane overtakes a backlog', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.create('urgent');
    await stack.start('router');
  });

  afterAll(async () => {
    await stack.close();
  });

  it('publishes an urgent referral before the normal ones queued ahead of it', async () => {
    const normal = Array.from({ length: BACKLOG }, () => canonicalReferral());
    const urgent = canonicalReferral({
      incident: {
        type: 'csam',
        priority: 'normal',
        threatToLife: true,
        detectionMethod: 'manual_review',
      },
    });
    await stack.produce(stack.topics.canonicalIn, normal.map(asMessage));
    await eventually(
      async () => (await stack.count(`outbox WHERE lane = 'normal'`)) >= BACKLOG,
      'the normal backlog in the outbox',
      60_000,
    );
    await stack.produce(stack.topics.urgentIn, [asMessage(urgent)]);
    const urgentRows = await eventually(async () => {
      const { rows } = await stack.db.query(
        `SELECT o.dispatch_id, o.recipient_id, o.lane FROM outbox o
           JOIN referral r ON r.id = o.referral_id WHERE r.source_id = $1`,
        [urgent.sourceRef.id],
      );
      return rows.length > 0 ? rows : undefined;
    }, 'the urgent referral stored');
    // Read by the urgent lane's own consumer group, never queued behind the normal topic.
    expect(
      await stack.committedOffset(`${stack.env.ROUTER_GROUP_ID}.urgent`, stack.topics.urgentIn),
    ).toBe(1n);
    expect(urgentRows.every((r: { lane: string }) => r.lane === 'urgent')).toBe(true);

    // The dispatcher starts with the whole backlog waiting, urgent row last in insertion order.
    const nlHotline = await stack.read(stack.topics.outbound('nl-hotline'));
    await stack.start('dispatcher', { OUTBOX_BATCH_SIZE: BATCH });
    const messages = await nlHotline.until(
      (all) => all.length >= BACKLOG + 1,
      'every dispatch on referrals.out.nl-hotline.v1',
    );
    const position = messages.findIndex((m) => m.value.includes(urgent.sourceRef.id));
    expect(position).toBeGreaterThanOrEqual(0);
    // Six normal rounds of 50 are waiting; the urgent lane does not queue behind them.
    expect(position).toBeLessThan(Number(BATCH) * 2);
    const dispatch = JSON.parse(messages[position]!.value);
    expect(dispatch.investigationPriority).toBe('urgent');
  });
});
