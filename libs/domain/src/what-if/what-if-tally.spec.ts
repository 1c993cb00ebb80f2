import fc from 'fast-check';
import { WhatIfTally } from './what-if-tally';

const v = (rule: string, recipients: string[]) => ({ rule, recipients, rulesetVersion: 'v1' });

describe('WhatIfTally', () => {
  it('counts per recipient on both sides and groups changes with examples', () => {
    const tally = new WhatIfTally(2);
    tally.add('r1', v('hosted_abroad_partner', ['de-hotline']), v('x', ['intl-police']));
    tally.add('r2', v('hosted_abroad_partner', ['de-hotline']), v('x', ['intl-police']));
    tally.add('r3', v('hosted_abroad_partner', ['de-hotline']), v('x', ['intl-police']));
    tally.add('r4', v('hosted_at_home', ['nl-hotline']), v('hosted_at_home', ['nl-hotline']));
    tally.add('r5', v('hosting_unknown', ['review']), v('sender_hint', ['review']));

    const report = tally.report();
    expect(report).toMatchObject({ referrals: 5, changed: 3, ruleChanged: 1 });
    expect(report.recipients[0]).toEqual({
      recipient: 'de-hotline',
      current: 3,
      candidate: 0,
      delta: -3,
    });
    expect(report.recipients).toContainEqual({
      recipient: 'intl-police',
      current: 0,
      candidate: 3,
      delta: 3,
    });
    expect(report.recipients).toContainEqual({
      recipient: 'nl-hotline',
      current: 1,
      candidate: 1,
      delta: 0,
    });
    expect(report.changes).toEqual([
      { from: ['de-hotline'], to: ['intl-police'], count: 3, examples: ['r1', 'r2'] },
    ]);
    expect(report.currentVersions).toEqual({ v1: 5 });
  });

  it('treats recipient lists as sets: order and repeats are no change', () => {
    const tally = new WhatIfTally();
    tally.add('r1', v('a', ['nl-police', 'nl-hotline']), v('a', ['nl-hotline', 'nl-police']));
    expect(tally.report()).toMatchObject({ changed: 0, ruleChanged: 0, changes: [] });
  });

  it('keeps the books balanced: deltas sum to the change in total routes', () => {
    const ids = fc.constantFrom('a', 'b', 'c', 'd');
    const outcome = fc.record({
      rule: fc.constantFrom('r1', 'r2'),
      recipients: fc.uniqueArray(ids, { maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(outcome, outcome), { maxLength: 40 }), (pairs) => {
        const tally = new WhatIfTally();
        pairs.forEach(([now, next], i) =>
          tally.add(`r${i}`, { ...now, rulesetVersion: 'v' }, next),
        );
        const report = tally.report();
        const before = pairs.reduce((n, [now]) => n + now.recipients.length, 0);
        const after = pairs.reduce((n, [, next]) => n + next.recipients.length, 0);
        expect(report.recipients.reduce((n, r) => n + r.delta, 0)).toBe(after - before);
        expect(report.changes.reduce((n, c) => n + c.count, 0)).toBe(report.changed);
        expect(report.changed + report.ruleChanged).toBeLessThanOrEqual(pairs.length);
      }),
    );
  });
});
