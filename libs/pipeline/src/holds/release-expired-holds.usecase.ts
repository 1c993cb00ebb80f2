import { Injectable, Logger } from '@nestjs/common';
import { DecisionRecordRepository, PoliceHoldRepository } from '@wissel/persistence';
import { RedecideReferrals } from '../jurisdiction/redecide-referrals';

/**
 * A police hold ends at its expiry even when nobody lifts it: the referrals it held are
 * decided again (as for a lift), so the notice-and-takedown that waited goes out. Then it
 * sweeps: a decision in force held by no hold still in force (its lift committed, and the
 * re-decisions after it did not run, or an intake read the hold just before its lift) is
 * decided again too, so no referral stays police-only once its holds ended. Run
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
    const stranded = await this.decisions.heldByEndedHolds(now);
    if (stranded.length > 0) {
      const redecided = await this.redecide.redecide(stranded, 'hold_lifted');
      released += redecided.length;
      this.logger.warn(
        { released: redecided.length },
        'referrals still held after their holds ended were decided again',
      );
    }
    return { expired: expired.length, released };
  }
}
