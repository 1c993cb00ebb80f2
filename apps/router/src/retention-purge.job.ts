import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { WisselConfig } from '@wissel/config';
import { PurgeExpiredDataUseCase } from '@wissel/pipeline';

/**
 * Runs the retention purge every PURGE_INTERVAL_MS (0: never; `npm run purge` instead). A
 * failed run (the database away) is logged and tried at the next tick; nothing is half
 * done, every batch is its own transaction. Several routers may run it at once: batches
 * skip rows another holds.
 */
@Injectable()
export class RetentionPurgeJob implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('retention');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private busy = false;

  constructor(
    private readonly config: WisselConfig,
    private readonly purge: PurgeExpiredDataUseCase,
  ) {}

  onModuleInit(): void {
    if (this.config.PURGE_INTERVAL_MS === 0) return;
    this.timer = setInterval(() => {
      // A long purge is not started twice.
      if (this.busy) return;
      this.busy = true;
      this.running = this.purge
        .execute()
        .catch((error: unknown) => {
          this.logger.warn({ error: (error as Error).message }, 'retention purge failed');
        })
        .finally(() => {
          this.busy = false;
        });
    }, this.config.PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
