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
import { GeoServices, IntakeReferralsUseCase, PoisonParking } from '@wissel/pipeline';
import { PartnerLanes } from './partner-lanes';

/**
 * The urgent lane's intake (W6): canonical referrals on referrals.in.urgent.v1 (and the
 * Kafka partners' `referrals.in.urgent.<id>.v1`), in a
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
    private readonly partnerLanes: PartnerLanes,
    private readonly poison: PoisonParking,
  ) {}

  onApplicationBootstrap(): void {
    const consumer = this.consumers(`${this.config.ROUTER_GROUP_ID}.urgent`);
    this.registry.register('urgent_intake', consumer);
    this.runner = new ConsumerRunner(consumer, 'urgent intake', this.logger);
    // The Kafka partners' own urgent topics (W10) share this group: checked against the
    // partner's source systems; the shared lane (the gateway's) needs no check.
    const owners = new Map(this.partnerLanes.urgent(true).map((l) => [l.topic, l.owner]));
    this.runner.start(
      () => [this.topics.urgentIn, ...owners.keys()],
      guardAgainstPoison(async (messages) => {
        await this.intake.execute('canonical', messages, owners.get(messages[0]!.topic));
      }, this.poison.policy('urgent intake')),
      () => this.geo.open(),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner?.stop();
  }
}
