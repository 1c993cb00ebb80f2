import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { WisselConfig } from '@wissel/config';
import { OutboxSignal } from '@wissel/persistence';
import { RelayOutboxUseCase } from '@wissel/pipeline';

const MAX_BACKOFF_MS = 30_000;

/**
 * Runs the outbox relay: straight away while there is a backlog, otherwise on each commit
 * notification or after the poll interval. On shutdown it finishes the round in hand.
 */
@Injectable()
export class OutboxRelayWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelayWorker.name);
  private stopping = false;
  private loop?: Promise<void>;

  constructor(
    private readonly config: WisselConfig,
    private readonly relay: RelayOutboxUseCase,
    private readonly signal: OutboxSignal,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    let backoff = 0;
    while (!this.stopping) {
      try {
        const published = await this.relay.execute();
        backoff = 0;
        if (published === this.config.OUTBOX_BATCH_SIZE) continue; // more is waiting
      } catch (error) {
        backoff = Math.min(Math.max(backoff * 2, 500), MAX_BACKOFF_MS);
        this.logger.warn({ error: String(error), retryInMs: backoff }, 'relay round failed');
      }
      if (!this.stopping) await this.signal.wait(backoff || this.config.OUTBOX_POLL_MS);
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.signal.wakeAll();
    await this.loop;
  }
}
