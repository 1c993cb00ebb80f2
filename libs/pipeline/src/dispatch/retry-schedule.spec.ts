import fc from 'fast-check';
import { attemptsExhausted, retryDelayMs } from './retry-schedule';

const policy = { baseMs: 1000, maxMs: 60_000, maxAttempts: 5 };

describe('retryDelayMs (exponential backoff, full jitter)', () => {
  it('caps the delay at base · 2^(n-1), then at the maximum', () => {
    const top = () => 0; // 1 - 0: the largest delay the jitter can pick
    expect([1, 2, 3, 4, 7, 8, 60].map((n) => retryDelayMs(n, policy, top))).toEqual([
      1000, 2000, 4000, 8000, 60_000, 60_000, 60_000,
    ]);
  });

  it('is always at least 1 ms and never above the cap, whatever the jitter draws', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (n, r) => {
          const delay = retryDelayMs(n, policy, () => r);
          const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(n - 1, 52));
          return Number.isInteger(delay) && delay >= 1 && delay <= cap;
        },
      ),
    );
  });

  it('spreads the delays of dispatches that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(3, policy)));
    expect(delays.size).toBeGreaterThan(40);
  });

  it('gives up after maxAttempts failed attempts', () => {
    expect(attemptsExhausted(4, policy)).toBe(false);
    expect(attemptsExhausted(5, policy)).toBe(true);
  });
});
