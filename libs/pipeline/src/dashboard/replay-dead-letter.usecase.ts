import { Injectable } from '@nestjs/common';
import { DispatchDeadLetterRepository } from '@wissel/persistence';
import { ConflictError } from '../partners/partner-errors';
import { dispatchId as validId } from './dispatch-id';
import { InspectDispatchUseCase } from './inspect-dispatch.usecase';

/**
 * Replays one dead-lettered dispatch from the dashboard: the same guarded UPDATE as
 * `npm run dispatches -- replay --id` (DispatchDeadLetterRepository), so a dispatch already
 * delivered or already replayed is never sent again. Refuses what it did not move, saying
 * why: no such dispatch (404) or not dead-lettered (409, e.g. a second click).
 */
@Injectable()
export class ReplayDeadLetterUseCase {
  constructor(
    private readonly deadLetters: DispatchDeadLetterRepository,
    private readonly inspect: InspectDispatchUseCase,
  ) {}

  async execute(dispatchId: string): Promise<{ dispatchId: string; recipientId: string }> {
    const [moved] = await this.deadLetters.replay({ dispatchId: validId(dispatchId) });
    if (moved) return moved;
    // Throws dispatch_not_found when there is no such dispatch.
    await this.inspect.execute(dispatchId);
    throw new ConflictError(
      'dispatch_not_dead_lettered',
      'the dispatch is not dead-lettered (delivered, due or already replayed)',
    );
  }
}
