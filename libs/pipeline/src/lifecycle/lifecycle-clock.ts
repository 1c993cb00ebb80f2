import { Injectable } from '@nestjs/common';

/**
 * The time for every lifecycle timer (ack plausibility, the notice clock, the hoster
 * monitor), as a provider of its own: tests move it instead of sleeping through a deadline.
 */
@Injectable()
export class LifecycleClock {
  now(): Date {
    return new Date();
  }
}
