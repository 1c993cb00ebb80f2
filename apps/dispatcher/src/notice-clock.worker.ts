import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { WisselConfig } from '@wissel/config';
import { ProcessDueNoticesUseCase } from '@wissel/pipeline';

/**
 * Ticks the notice-and-takedown clock every NOTICE_CLOCK_TICK_MS. The tick reads the time
 * from the LifecycleClock, never from the timer: the timer only says when to look, so tests
 * move the clock and wait for a tick instead of sleeping through a deadline. On shutdown it
 * finishes the tick in hand.
 */
@Injectable()
export class NoticeClockWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(NoticeClockWorker.name);
  private stopping = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    private readonly config: WisselConfig,
    private readonly notices: ProcessDueNoticesUseCase,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.config.NOTICE_CLOCK_TICK_MS);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (this.stopping) return;
      try {
        await this.notices.execute();
      } catch (error) {
        // The next tick tries again; each notice is re-checked under its lock.
        this.logger.warn({ error: String(error) }, 'notice clock tick failed');
      }
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }
}
