import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { WisselConfig } from '@wissel/config';
import { SealAuditChainUseCase } from '@wissel/pipeline';

/**
 * Seals committed audit events into the hash chain every AUDIT_SEAL_INTERVAL_MS. Every
 * gateway instance runs it; an advisory lock lets one seal at a time and the others skip
 * the round. `npm run audit -- seal` does the same on demand.
 */
@Injectable()
export class AuditChainerJob implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AuditChainerJob.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly sealer: SealAuditChainUseCase,
    private readonly config: WisselConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.runOnce().finally(() => (this.running = undefined));
    }, this.config.AUDIT_SEAL_INTERVAL_MS);
    this.timer.unref();
  }

  async runOnce(): Promise<void> {
    try {
      const sealed = await this.sealer.execute();
      if (sealed > 0) this.logger.debug({ sealed }, 'audit events sealed');
    } catch (error) {
      this.logger.warn({ error: (error as Error).message }, 'audit sealing failed; retrying');
    }
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    // Seal what the app committed before it stopped, so nothing waits for the next start.
    await this.runOnce();
  }
}
