import fc from 'fast-check';
import { type RoutingRules } from '../routing/routing-rules';
import { dueActions, nextDueAt } from './due-actions';
import { noticeClock } from './notice-policy';
import { type OpenNotice, withBreachHandled, withReminded } from './open-notice';

const HOUR = 3_600_000;
const T0 = new Date('2026-11-22T08:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);

const rules: RoutingRules = {
  version: 'v',
  home: 'NL',
  node: { hopIds: ['wissel.nl'] },
  reviewRecipient: 'review',
  cdnAsns: new Map(),
  overrides: [],
  senderHintFallback: true,
  recipients: new Map([
    ['nl-hotline', { id: 'nl-hotline', kind: 'national_hotline', country: 'NL', hopIds: [] }],
    ['nl-police', { id: 'nl-police', kind: 'domestic_police', country: 'NL', hopIds: [] }],
    ['nl-authority', { id: 'nl-authority', kind: 'authority', country: 'NL', hopIds: [] }],
    ['review', { id: 'review', kind: 'review', hopIds: [] }],
  ]),
};

const notice = (id: string, sentHours: number, recipient = 'nl-hotline'): OpenNotice => ({
  dispatchId: id,
  caseId: `case-${id}`,
  referralId: `ref-${id}`,
  recipient,
  noticeSentAt: at(sentHours),
  ...noticeClock(at(sentHours)),
});
const ids = (xs: { notice: OpenNotice }[]) => xs.map((x) => x.notice.dispatchId);

describe('dueActions', () => {
  it('has nothing due before the reminder', () => {
    expect(dueActions([notice('a', 0)], at(17.99), rules)).toEqual({ reminders: [], breaches: [] });
  });

  it('reminds at 75 % of the window, once', () => {
    const open = notice('a', 0);
    expect(ids(dueActions([open], at(18), rules).reminders)).toEqual(['a']);
    const reminded = withReminded(open, at(18));
    expect(dueActions([reminded], at(23), rules)).toEqual({ reminders: [], breaches: [] });
  });

  it('breaches at the deadline with a plan: re-trace, then authority and police', () => {
    const reminded = withReminded(notice('a', 0), at(18));
    const { reminders, breaches } = dueActions([reminded], at(24), rules);
    expect(reminders).toEqual([]);
    expect(breaches).toHaveLength(1);
    expect(breaches[0]!.plan).toEqual({
      retrace: { caseId: 'case-a', referralId: 'ref-a', dispatchId: 'a' },
      escalateTo: [
        { recipient: 'nl-authority', role: 'authority' },
        { recipient: 'nl-police', role: 'police' },
      ],
      unfilled: [],
    });
    const handled = withBreachHandled(reminded, at(24));
    expect(dueActions([handled], at(48), rules)).toEqual({ reminders: [], breaches: [] });
  });

  it('gives a notice found past its deadline the breach only, not a late reminder', () => {
    const { reminders, breaches } = dueActions([notice('a', 0)], at(30), rules);
    expect(reminders).toEqual([]);
    expect(ids(breaches)).toEqual(['a']);
  });

  it('orders each list by due time, the most overdue first', () => {
    const due = dueActions(
      [notice('late', 2), notice('early', 0), notice('young', 5)],
      at(26.5),
      rules,
    );
    expect(ids(due.breaches)).toEqual(['early', 'late']);
    expect(ids(due.reminders)).toEqual(['young']);
  });

  it('does each action at most once and every breach exactly once, whatever the ticks', () => {
    const tick = fc.array(fc.double({ min: 0, max: 10, noNaN: true }), {
      minLength: 1,
      maxLength: 30,
    });
    const sent = fc.array(fc.double({ min: 0, max: 40, noNaN: true }), {
      minLength: 1,
      maxLength: 8,
    });
    fc.assert(
      fc.property(sent, tick, (sentHours, gaps) => {
        let open = sentHours.map((h, i) => notice(`n${i}`, h));
        const reminded = new Map<string, number>();
        const breached = new Map<string, number>();
        let now = 0;
        for (const gap of gaps) {
          now += gap;
          const due = dueActions(open, at(now), rules);
          for (const { notice: n } of due.reminders) {
            expect(at(now).getTime()).toBeLessThan(n.deadline.getTime());
            reminded.set(n.dispatchId, (reminded.get(n.dispatchId) ?? 0) + 1);
          }
          for (const { notice: n } of due.breaches) {
            breached.set(n.dispatchId, (breached.get(n.dispatchId) ?? 0) + 1);
          }
          open = open.map((n) => {
            if (due.breaches.some((b) => b.notice.dispatchId === n.dispatchId))
              return withBreachHandled(n, at(now));
            if (due.reminders.some((r) => r.notice.dispatchId === n.dispatchId))
              return withReminded(n, at(now));
            return n;
          });
        }
        for (const n of open) {
          expect(reminded.get(n.dispatchId) ?? 0).toBeLessThanOrEqual(1);
          const pastDeadline = n.deadline.getTime() <= at(now).getTime();
          expect(breached.get(n.dispatchId) ?? 0).toBe(pastDeadline ? 1 : 0);
        }
      }),
    );
  });
});

describe('nextDueAt', () => {
  it('is the earliest pending reminder or deadline, skipping what is done', () => {
    const a = withReminded(notice('a', 0), at(18)); // next: its deadline at 24
    const b = notice('b', 4); // next: its reminder at 22
    const c = withBreachHandled(notice('c', -30), at(-6)); // nothing
    expect(nextDueAt([a, b, c])).toEqual(at(22));
    expect(nextDueAt([a, c])).toEqual(at(24));
    expect(nextDueAt([c])).toBeUndefined();
  });

  it('is never later than anything dueActions would report then', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 40, noNaN: true }), { minLength: 1, maxLength: 6 }),
        (sent) => {
          const open = sent.map((h, i) => notice(`n${i}`, h));
          const next = nextDueAt(open)!;
          const justBefore = new Date(next.getTime() - 1);
          expect(dueActions(open, justBefore, rules)).toEqual({ reminders: [], breaches: [] });
          const due = dueActions(open, next, rules);
          expect(due.reminders.length + due.breaches.length).toBeGreaterThan(0);
        },
      ),
    );
  });
});
