import { Injectable } from '@nestjs/common';

/**
 * The relay's time: when a dispatch is due, when it was delivered or dead-lettered. A
 * provider of its own, so the e2e tests move time forward instead of sleeping through a
 * retry's backoff.
 */
@Injectable()
export class DispatchClock {
  now(): Date {
    return new Date();
  }
}
