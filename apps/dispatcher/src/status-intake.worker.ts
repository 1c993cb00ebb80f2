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
  ConsumerRunner,
  guardAgainstPoison,
  MESSAGE_CONSUMER_FACTORY,
  Topics,
  type MessageConsumerFactory,
} from '@wissel/messaging';
import { HandleStatusMessagesUseCase, PoisonParking } from '@wissel/pipeline';

/**
 * Binds referrals.status.v1 (recipients' acks) to the lifecycle. Its own consumer group
 * (STATUS_GROUP_ID), so acks are taken once across dispatcher replicas. If the broker is
 * unreachable at start it keeps trying instead of crashing the process.
 */
@Injectable()
export class StatusIntakeWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(StatusIntakeWorker.name);
  private runner?: ConsumerRunner;

  constructor(
    @Inject(MESSAGE_CONSUMER_FACTORY) private readonly consumers: MessageConsumerFactory,
    private readonly registry: ConsumerRegistry,
    private readonly config: WisselConfig,
    private readonly topics: Topics,
    private readonly statuses: HandleStatusMessagesUseCase,
    private readonly poison: PoisonParking,
  ) {}

  onApplicationBootstrap(): void {
    const consumer = this.consumers(this.config.STATUS_GROUP_ID);
    this.registry.register('status_intake', consumer);
    this.runner = new ConsumerRunner(consumer, 'status intake', this.logger);
    this.runner.start(
      () => [this.topics.statusIn],
      guardAgainstPoison(async (messages) => {
        await this.statuses.execute(messages);
      }, this.poison.policy('status intake')),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner?.stop();
  }
}
