import { Injectable, Logger } from '@nestjs/common';
import { DecisionRecordRepository, PoliceHoldRepository } from '@wissel/persistence';
import { RedecideReferrals } from '../jurisdiction/redecide-referrals';

/**
 * A police hold ends at its expiry even when nobody lifts it: the referrals it held are
 * decided again (as for a lift), so the notice-and-takedown that waited goes out. Run
 * periodically by the router; `now` is a parameter so tests need not wait for a clock.
 */
@Injectable()
export class ReleaseExpiredHoldsUseCase {
  private readonly logger = new Logger('holds');

  constructor(
    private readonly holds: PoliceHoldRepository,
    private readonly decisions: DecisionRecordRepository,
    private readonly redecide: RedecideReferrals,
  ) {}

  async execute(now = new Date()): Promise<{ expired: number; released: number }> {
    const expired = await this.holds.liftExpired(now);
    let released = 0;
    for (const hold of expired) {
      const redecided = await this.redecide.redecide(
        await this.decisions.heldBy(hold.id),
        'hold_lifted',
      );
      released += redecided.length;
    }
    if (expired.length > 0) {
      this.logger.log({ expired: expired.length, released }, 'expired police holds ended');
    }
    return { expired: expired.length, released };
  }
}
