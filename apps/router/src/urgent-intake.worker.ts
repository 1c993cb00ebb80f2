import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { WisselConfig } from '@wissel/config';
import {
  ConsumerRegistry,
  MESSAGE_CONSUMER_FACTORY,
  Topics,
  type MessageConsumer,
  type MessageConsumerFactory,
} from '@wissel/messaging';
import { GeoServices, IntakeReferralsUseCase } from '@wissel/pipeline';

const MAX_BACKOFF_MS = 30_000;

/**
 * The urgent lane's intake (W6): canonical referrals on referrals.in.urgent.v1, in a
 * consumer group of its own (`<ROUTER_GROUP_ID>.urgent`), so an urgent referral is never
 * queued behind the normal inbound backlog. The same intake use case stores and decides
 * it; its dispatches then take the urgent outbox lane.
 */
@Injectable()
export class UrgentIntakeWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(UrgentIntakeWorker.name);
  private consumer!: MessageConsumer;
  private stopping = false;
  private starting?: Promise<void>;

  constructor(
    @Inject(MESSAGE_CONSUMER_FACTORY) private readonly consumers: MessageConsumerFactory,
    private readonly registry: ConsumerRegistry,
    private readonly config: WisselConfig,
    private readonly topics: Topics,
    private readonly intake: IntakeReferralsUseCase,
    private readonly geo: GeoServices,
  ) {}

  onApplicationBootstrap(): void {
    this.consumer = this.consumers(`${this.config.ROUTER_GROUP_ID}.urgent`);
    this.registry.register('urgent_intake', this.consumer);
    this.starting = this.startUntilRunning();
  }

  private async startUntilRunning(): Promise<void> {
    let backoff = 500;
    while (!this.stopping) {
      try {
        await this.geo.open();
        await this.consumer.start([this.topics.urgentIn], async (messages) => {
          await this.intake.execute('canonical', messages);
        });
        return;
      } catch (error) {
        this.logger.warn({ error: String(error), retryInMs: backoff }, 'urgent intake not started');
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.starting,
      new Promise((r) => {
        timer = setTimeout(r, 2000);
      }),
    ]);
    clearTimeout(timer);
    await this.consumer.stop();
  }
}
