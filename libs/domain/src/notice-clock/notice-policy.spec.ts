import fc from 'fast-check';
import { ConfigurationError } from '../errors';
import { noticeClock, noticeClockPolicy } from './notice-policy';

const SENT = new Date('2026-11-22T08:00:00Z');
const HOUR = 3_600_000;

describe('noticeClock', () => {
  it('defaults to the 24 h code: deadline after 24 h, reminder at 18 h', () => {
    expect(noticeClock(SENT)).toEqual({
      deadline: new Date('2026-11-23T08:00:00Z'),
      reminderAt: new Date('2026-11-23T02:00:00Z'),
    });
  });

  it('takes a partial policy for a recipient with its own deadline', () => {
    const policy = noticeClockPolicy({ deadlineHours: 12 });
    expect(policy).toEqual({ deadlineHours: 12, reminderFraction: 0.75 });
    expect(noticeClock(SENT, policy).reminderAt).toEqual(new Date(SENT.getTime() + 9 * HOUR));
  });

  it.each([
    [{ deadlineHours: 0 }],
    [{ deadlineHours: -1 }],
    [{ deadlineHours: 169 }],
    [{ deadlineHours: Number.NaN }],
    [{ reminderFraction: 0 }],
    [{ reminderFraction: 1 }],
  ])('refuses the unusable policy %j', (settings) => {
    expect(() => noticeClockPolicy(settings)).toThrow(ConfigurationError);
    expect(() =>
      noticeClock(SENT, { deadlineHours: 24, reminderFraction: 0.75, ...settings }),
    ).toThrow(ConfigurationError);
  });

  it('always puts the reminder strictly inside the window and the deadline at its end', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        fc.double({ min: 0.25, max: 168, noNaN: true }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        (sent, deadlineHours, reminderFraction) => {
          const clock = noticeClock(sent, { deadlineHours, reminderFraction });
          const window = clock.deadline.getTime() - sent.getTime();
          expect(Math.abs(window - deadlineHours * HOUR)).toBeLessThanOrEqual(0.5);
          expect(clock.reminderAt.getTime()).toBeGreaterThan(sent.getTime());
          expect(clock.reminderAt.getTime()).toBeLessThan(clock.deadline.getTime());
        },
      ),
    );
  });
});
