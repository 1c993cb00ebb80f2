import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { WisselConfig } from '@wissel/config';
import { ReleaseExpiredHoldsUseCase } from '@wissel/pipeline';

/**
 * Ends police holds at their expiry and releases what they held. A tick that fails (the
 * database away) is logged and tried again at the next one: nothing is lost, the holds
 * simply end a little later.
 */
@Injectable()
export class HoldExpiryJob implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('holds');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: WisselConfig,
    private readonly release: ReleaseExpiredHoldsUseCase,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      this.running = this.release.execute().catch((error: unknown) => {
        this.logger.warn({ error: (error as Error).message }, 'ending expired holds failed');
      });
    }, this.config.HOLD_EXPIRY_CHECK_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
