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
import { HandleStatusMessagesUseCase } from '@wissel/pipeline';

const MAX_BACKOFF_MS = 30_000;

/**
 * Binds referrals.status.v1 (recipients' acks) to the lifecycle. Its own consumer group
 * (STATUS_GROUP_ID), so acks are taken once across dispatcher replicas. If the broker is
 * unreachable at start it keeps trying instead of crashing the process.
 */
@Injectable()
export class StatusIntakeWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(StatusIntakeWorker.name);
  private consumer!: MessageConsumer;
  private stopping = false;
  private starting?: Promise<void>;

  constructor(
    @Inject(MESSAGE_CONSUMER_FACTORY) private readonly consumers: MessageConsumerFactory,
    private readonly registry: ConsumerRegistry,
    private readonly config: WisselConfig,
    private readonly topics: Topics,
    private readonly statuses: HandleStatusMessagesUseCase,
  ) {}

  onApplicationBootstrap(): void {
    this.consumer = this.consumers(this.config.STATUS_GROUP_ID);
    this.registry.register('status_intake', this.consumer);
    this.starting = this.startUntilRunning();
  }

  private async startUntilRunning(): Promise<void> {
    let backoff = 500;
    while (!this.stopping) {
      try {
        await this.consumer.start([this.topics.statusIn], async (messages) => {
          await this.statuses.execute(messages);
        });
        return;
      } catch (error) {
        this.logger.warn({ error: String(error), retryInMs: backoff }, 'status intake not started');
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    // A start still retrying an unreachable broker holds nothing: don't wait it out.
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
