import { Injectable } from '@nestjs/common';

/** The purge's time: a provider of its own, so tests move it instead of waiting a year. */
@Injectable()
export class RetentionClock {
  now(): Date {
    return new Date();
  }
}
