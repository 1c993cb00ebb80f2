import { perMinute, windowStart } from './per-minute';

describe('perMinute', () => {
  const now = new Date('2026-11-23T10:04:30.500Z');

  it('answers every minute of the window, oldest first, with zeros where nothing happened', () => {
    const series = perMinute(
      now,
      3,
      [{ minute: new Date('2026-11-23T10:02:00Z'), n: 4 }],
      [
        { minute: new Date('2026-11-23T10:04:00Z'), n: 2 },
        // Outside the window: not shown.
        { minute: new Date('2026-11-23T09:00:00Z'), n: 9 },
      ],
    );
    expect(series).toEqual([
      { minute: '2026-11-23T10:02:00.000Z', received: 4, decided: 0 },
      { minute: '2026-11-23T10:03:00.000Z', received: 0, decided: 0 },
      { minute: '2026-11-23T10:04:00.000Z', received: 0, decided: 2 },
    ]);
  });

  it('starts the window at the first of its whole minutes', () => {
    expect(windowStart(now, 3).toISOString()).toBe('2026-11-23T10:02:00.000Z');
    expect(windowStart(now, 1).toISOString()).toBe('2026-11-23T10:04:00.000Z');
  });
});
