import { loadConfig } from '@wissel/config';
import { RateLimitedError, type PartnerClock } from '@wissel/pipeline';
import { PartnerRateLimiter } from './partner-rate-limiter';

describe('PartnerRateLimiter (token bucket per partner)', () => {
  let now: number;
  const clock = { now: () => new Date(now) } as PartnerClock;
  const limiter = () =>
    new PartnerRateLimiter(loadConfig({ PARTNER_RATE_PER_S: '2', PARTNER_RATE_BURST: '3' }), clock);

  beforeEach(() => (now = Date.parse('2026-11-20T10:00:00Z')));

  const refusal = (take: () => void) => {
    try {
      take();
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it('allows a burst, then refuses with the wait until the next token', () => {
    const rate = limiter();
    for (let i = 0; i < 3; i++) rate.take('iwf');
    const error = refusal(() => rate.take('iwf'));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).code).toBe('rate_limited');
    expect((error as RateLimitedError).extras.retryAfterSeconds).toBe(1);
  });

  it('refills at the configured rate, never above the burst', () => {
    const rate = limiter();
    for (let i = 0; i < 3; i++) rate.take('iwf');
    now += 500; // one token at 2/s
    rate.take('iwf');
    expect(refusal(() => rate.take('iwf'))).toBeInstanceOf(RateLimitedError);
    now += 60_000; // a long pause refills to the burst (3), not 120
    for (let i = 0; i < 3; i++) rate.take('iwf');
    expect(refusal(() => rate.take('iwf'))).toBeInstanceOf(RateLimitedError);
  });

  it('keeps one bucket per partner', () => {
    const rate = limiter();
    for (let i = 0; i < 3; i++) rate.take('iwf');
    expect(refusal(() => rate.take('pdc'))).toBeUndefined();
  });
});
