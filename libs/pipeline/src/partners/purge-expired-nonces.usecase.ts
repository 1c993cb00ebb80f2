import { Injectable } from '@nestjs/common';
import { PartnerNonceRepository } from '@wissel/persistence';
import { PartnerClock } from './partner-clock';

/** Forgets nonces no fresh signature can carry any more; returns how many. */
@Injectable()
export class PurgeExpiredNoncesUseCase {
  constructor(
    private readonly nonces: PartnerNonceRepository,
    private readonly clock: PartnerClock,
  ) {}

  execute(): Promise<number> {
    return this.nonces.purgeExpired(this.clock.now());
  }
}
