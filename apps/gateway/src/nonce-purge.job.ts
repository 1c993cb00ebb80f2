import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { PurgeExpiredNoncesUseCase } from '@wissel/pipeline';

/** How often expired nonces are deleted; they keep refusing replays until then. */
export const NONCE_PURGE_INTERVAL_MS = 60_000;

/**
 * Deletes expired partner nonces now and then, so the table holds about one skew window of
 * requests. Every gateway instance runs it; the DELETE is idempotent, so that is harmless.
 */
@Injectable()
export class NoncePurgeJob implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(NoncePurgeJob.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(private readonly purge: PurgeExpiredNoncesUseCase) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.runOnce().finally(() => (this.running = undefined));
    }, NONCE_PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  async runOnce(): Promise<void> {
    try {
      const purged = await this.purge.execute();
      if (purged > 0) this.logger.debug({ purged }, 'expired nonces purged');
    } catch (error) {
      this.logger.warn({ error: (error as Error).name }, 'nonce purge failed; retrying later');
    }
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
