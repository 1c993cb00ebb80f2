import fc from 'fast-check';
import { hosterMonitor, type NoticeRow } from './hoster-stats';

const HOUR = 3_600_000;
const NOW = new Date('2026-11-30T12:00:00Z');
/** A time `hours` before now. */
const ago = (hours: number) => new Date(NOW.getTime() - hours * HOUR);
const row = (
  sentAgo: number,
  removedAfter?: number,
  provider: string | null = 'Hoster BV',
  asn: number | null = 64500,
): NoticeRow => ({
  hostingProvider: provider,
  asn,
  noticeSentAt: ago(sentAgo),
  ...(removedAfter === undefined ? {} : { removedAt: ago(sentAgo - removedAfter) }),
});

describe('hosterMonitor', () => {
  it('counts, times and shares per provider and ASN', () => {
    const [stats] = hosterMonitor(
      [row(100, 2), row(100, 10), row(100, 30), row(100, 50), row(80), row(5)],
      NOW,
    );
    expect(stats).toEqual({
      hostingProvider: 'Hoster BV',
      asn: 64500,
      notices: 6,
      removed: 4,
      open: 2,
      endedWithoutRemoval: 0,
      medianHours: 10,
      p90Hours: 50,
      windowElapsed: 5,
      removedWithinWindow: 2,
      withinWindowShare: 0.4,
      oldestOpenHours: 80,
    });
  });

  it('leaves young notices out of the 24 h share, removed or not', () => {
    // A young notice removed quickly must not flatter the share while a young open one
    // cannot count against it.
    const [stats] = hosterMonitor([row(30, 1), row(30), row(3, 1), row(2)], NOW);
    expect(stats).toMatchObject({
      windowElapsed: 2,
      removedWithinWindow: 1,
      withinWindowShare: 0.5,
    });
    expect(stats!.removed).toBe(2);
    const [young] = hosterMonitor([row(3, 1)], NOW);
    expect(young).toMatchObject({ windowElapsed: 0, withinWindowShare: null, medianHours: 1 });
  });

  it('counts a removal at exactly 24 h as within, and a notice exactly 24 h old as elapsed', () => {
    const [stats] = hosterMonitor([row(24, 24), row(24)], NOW);
    expect(stats).toMatchObject({ windowElapsed: 2, removedWithinWindow: 1 });
  });

  it('keeps dispatches that ended without removal out of the timing and the share', () => {
    const moved: NoticeRow = { ...row(50), endedWithoutRemovalAt: ago(49) };
    const [stats] = hosterMonitor([moved, row(50, 1)], NOW);
    expect(stats).toMatchObject({
      notices: 2,
      removed: 1,
      open: 0,
      endedWithoutRemoval: 1,
      windowElapsed: 1,
      withinWindowShare: 1,
      oldestOpenHours: null,
    });
  });

  it('times a removal dated before its notice as 0 h', () => {
    const skewed: NoticeRow = { ...row(30), removedAt: ago(31) };
    expect(hosterMonitor([skewed], NOW)[0]).toMatchObject({
      medianHours: 0,
      removedWithinWindow: 1,
    });
  });

  it('groups by provider and ASN, ordered by name (unknown last), then ASN', () => {
    const stats = hosterMonitor(
      [
        row(1, undefined, 'b'),
        row(1, undefined, null, null),
        row(1, undefined, 'a', 2),
        row(1, undefined, 'a', 1),
        row(1, undefined, 'a', null),
      ],
      NOW,
    );
    expect(stats.map((s) => [s.hostingProvider, s.asn])).toEqual([
      ['a', 1],
      ['a', 2],
      ['a', null],
      ['b', 64500],
      [null, null],
    ]);
  });

  it('balances: every notice is removed, open or ended, and the share is a fraction', () => {
    const anyRow = fc.record({
      provider: fc.constantFrom('A', 'B, Inc.', null),
      asn: fc.constantFrom(1, 2, null),
      sentAgo: fc.double({ min: 0, max: 200, noNaN: true }),
      removedAfter: fc.option(fc.double({ min: 0, max: 200, noNaN: true })),
      ended: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(anyRow, { maxLength: 50 }), (specs) => {
        const rows = specs.map((s) => ({
          ...row(s.sentAgo, s.removedAfter ?? undefined, s.provider, s.asn),
          ...(s.ended ? { endedWithoutRemovalAt: NOW } : {}),
        }));
        const stats = hosterMonitor(rows, NOW);
        expect(stats.reduce((n, s) => n + s.notices, 0)).toBe(rows.length);
        for (const s of stats) {
          expect(s.removed + s.open + s.endedWithoutRemoval).toBe(s.notices);
          expect(s.removedWithinWindow).toBeLessThanOrEqual(s.windowElapsed);
          if (s.withinWindowShare !== null) {
            expect(s.withinWindowShare).toBeGreaterThanOrEqual(0);
            expect(s.withinWindowShare).toBeLessThanOrEqual(1);
          }
          if (s.medianHours !== null) expect(s.medianHours).toBeLessThanOrEqual(s.p90Hours!);
          expect(s.medianHours === null).toBe(s.removed === 0);
        }
      }),
    );
  });
});
