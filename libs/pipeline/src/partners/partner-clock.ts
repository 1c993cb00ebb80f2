import { Injectable } from '@nestjs/common';

/** The time, as a side effect of its own so tests can move it. */
@Injectable()
export class PartnerClock {
  now(): Date {
    return new Date();
  }
}
