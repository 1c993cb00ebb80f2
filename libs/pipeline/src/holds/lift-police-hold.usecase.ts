import { Injectable, Logger } from '@nestjs/common';
import { isUuid } from '@wissel/domain';
import {
  DecisionRecordRepository,
  PoliceHoldRepository,
  type PoliceHoldRow,
} from '@wissel/persistence';
import { RedecideReferrals, type Redecision } from '../jurisdiction/redecide-referrals';
import { PoliceHoldNotFoundError } from './police-hold';

/**
 * Lifts a police hold. The referrals it held are decided again (their stored traces, the
 * holds still in force): if nothing else holds them, the removal routes that waited are
 * dispatched now.
 */
@Injectable()
export class LiftPoliceHoldUseCase {
  private readonly logger = new Logger('holds');

  constructor(
    private readonly holds: PoliceHoldRepository,
    private readonly decisions: DecisionRecordRepository,
    private readonly redecide: RedecideReferrals,
  ) {}

  async execute(
    id: string,
    liftedBy: string,
  ): Promise<{ hold: PoliceHoldRow; released: Redecision[] }> {
    if (!isUuid(id)) throw new PoliceHoldNotFoundError('no police hold with this id', { id });
    const hold = await this.holds.lift(id, liftedBy);
    if (!hold) {
      const existing = await this.holds.find(id);
      // Lifting twice is not an error: the hold is lifted, as asked.
      if (existing?.liftedAt) return { hold: existing, released: [] };
      throw new PoliceHoldNotFoundError('no police hold with this id', { id });
    }
    const released = await this.redecide.redecide(await this.decisions.heldBy(id), 'hold_lifted');
    this.logger.log({ holdId: id, released: released.length }, 'police hold lifted');
    return { hold, released };
  }
}
