import { Injectable } from '@nestjs/common';
import { WisselConfig } from '@wissel/config';
import { PartnerClock, RateLimitedError } from '@wissel/pipeline';

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per partner: PARTNER_RATE_BURST requests at once, refilled at
 * PARTNER_RATE_PER_S. Hand-written rather than @nestjs/throttler, whose fixed windows
 * allow twice the limit across a window edge, which keys by IP unless given a tracker,
 * and whose refusal would need mapping to problem details anyway. In memory, per gateway
 * instance: with n instances a partner may reach n times the rate (documented). One entry
 * per partner that has called, so the map stays as small as the partner list.
 */
@Injectable()
export class PartnerRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly config: WisselConfig,
    private readonly clock: PartnerClock,
  ) {}

  /** Takes one token for the partner, or throws rate_limited with the wait in seconds. */
  take(partnerId: string): void {
    const rate = this.config.PARTNER_RATE_PER_S;
    const burst = this.config.PARTNER_RATE_BURST;
    const now = this.clock.now().getTime();
    const bucket = this.buckets.get(partnerId) ?? { tokens: burst, at: now };
    const refilled = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    if (refilled < 1) {
      this.buckets.set(partnerId, { tokens: refilled, at: now });
      const wait = Math.ceil((1 - refilled) / rate);
      throw new RateLimitedError(
        'rate_limited',
        `more than ${rate} requests per second (burst ${burst}); retry after ${wait} s`,
        { retryAfterSeconds: wait },
      );
    }
    this.buckets.set(partnerId, { tokens: refilled - 1, at: now });
  }
}
