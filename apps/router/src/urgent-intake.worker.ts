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
  MESSAGE_CONSUMER_FACTORY,
  Topics,
  type MessageConsumerFactory,
} from '@wissel/messaging';
import { GeoServices, IntakeReferralsUseCase } from '@wissel/pipeline';

/**
 * The urgent lane's intake (W6): canonical referrals on referrals.in.urgent.v1, in a
 * consumer group of its own (`<ROUTER_GROUP_ID>.urgent`), so an urgent referral is never
 * queued behind the normal inbound backlog. The same intake use case stores and decides
 * it; its dispatches then take the urgent outbox lane.
 */
@Injectable()
export class UrgentIntakeWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(UrgentIntakeWorker.name);
  private runner?: ConsumerRunner;

  constructor(
    @Inject(MESSAGE_CONSUMER_FACTORY) private readonly consumers: MessageConsumerFactory,
    private readonly registry: ConsumerRegistry,
    private readonly config: WisselConfig,
    private readonly topics: Topics,
    private readonly intake: IntakeReferralsUseCase,
    private readonly geo: GeoServices,
  ) {}

  onApplicationBootstrap(): void {
    const consumer = this.consumers(`${this.config.ROUTER_GROUP_ID}.urgent`);
    this.registry.register('urgent_intake', consumer);
    this.runner = new ConsumerRunner(consumer, 'urgent intake', this.logger);
    this.runner.start(
      () => [this.topics.urgentIn],
      async (messages) => {
        await this.intake.execute('canonical', messages);
      },
      () => this.geo.open(),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner?.stop();
  }
}
