/**
 * Order on the real stack: referrals that arrive in one batch are dispatched in the order
 * they came in, so a recipient gets them (a hoster's pages reported one after another) in
 * that order, as on the topic they came from.
 */
import { randomUUID } from 'node:crypto';
import { asMessage, canonicalReferral } from '../support/referrals';
import { eventually, TestStack } from '../support/stack';

describe('intake order', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.create('intake_order');
    await stack.start('router');
  });

  afterAll(async () => {
    await stack.close();
  });

  it('puts the dispatches of one batch on the outbox in the order the referrals came in', async () => {
    const host = `https://site-${randomUUID()}.order.test`;
    const referrals = Array.from({ length: 30 }, (_, i) =>
      canonicalReferral({
        sourceRef: { system: 'ORDER-TEST', id: `O-${i}-${randomUUID()}` },
        via: [],
        locators: [{ kind: 'web_page', url: `${host}/page-${i}` }],
        hints: { hostingCountry: 'NL' },
      }),
    );
    // One send to one partition: the router reads them as one batch, in this order.
    await stack.produce(stack.topics.canonicalIn, referrals.map(asMessage), 0);
    const sent = referrals.map((r) => r.sourceRef.id);
    const dispatched = await eventually(async () => {
      const { rows } = await stack.db.query<{ source_id: string }>(
        `SELECT r.source_id FROM outbox o JOIN referral r ON r.id = o.referral_id
          WHERE o.recipient_id = 'nl-hotline' AND r.source_id = ANY($1)
          ORDER BY o.seq`,
        [sent],
      );
      return rows.length === sent.length ? rows.map((r) => r.source_id) : undefined;
    }, 'every referral dispatched to nl-hotline');
    expect(dispatched).toEqual(sent);
  });
});
