import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { WisselConfig } from '@wissel/config';
import { OutboxSignal, type DispatchLane } from '@wissel/persistence';
import { RelayOutboxUseCase } from '@wissel/pipeline';

const MAX_BACKOFF_MS = 30_000;

/**
 * Runs the outbox relay, one loop per lane: the urgent loop never waits behind a round of
 * the normal backlog (Kafka has no priorities, so urgency needs its own path). Each loop
 * goes round straight away while its lane has a backlog, otherwise on each commit
 * notification or after the poll interval (which is also when webhook retries fall due).
 * On shutdown each finishes the round in hand.
 */
@Injectable()
export class OutboxRelayWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelayWorker.name);
  private stopping = false;
  private loops: Array<Promise<void>> = [];

  constructor(
    private readonly config: WisselConfig,
    private readonly relay: RelayOutboxUseCase,
    private readonly signal: OutboxSignal,
  ) {}

  onApplicationBootstrap(): void {
    this.loops = [this.run('urgent'), this.run('normal')];
  }

  private async run(lane: DispatchLane): Promise<void> {
    let backoff = 0;
    while (!this.stopping) {
      try {
        const round = await this.relay.execute(lane);
        if (round.brokerError === undefined) {
          backoff = 0;
          if (round.claimed === this.config.OUTBOX_BATCH_SIZE) continue; // more is waiting
        } else {
          backoff = this.nextBackoff(backoff, lane, round.brokerError);
        }
      } catch (error) {
        backoff = this.nextBackoff(backoff, lane, String(error));
      }
      if (!this.stopping) await this.signal.wait(backoff || this.config.OUTBOX_POLL_MS);
    }
  }

  private nextBackoff(backoff: number, lane: DispatchLane, error: string): number {
    const next = Math.min(Math.max(backoff * 2, 500), MAX_BACKOFF_MS);
    this.logger.warn({ lane, error, retryInMs: next }, 'relay round failed');
    return next;
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.signal.wakeAll();
    await Promise.all(this.loops);
  }
}
