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
  type InboundMessage,
  type MessageConsumerFactory,
} from '@wissel/messaging';
import {
  GeoServices,
  HandlePoliceHoldMessagesUseCase,
  ImportKnownHashesUseCase,
  IntakeReferralsUseCase,
  PoisonParking,
} from '@wissel/pipeline';
import { PartnerLanes } from './partner-lanes';

/**
 * Partitions whose batches the router handles at once: while one batch waits for its
 * database commit, the next is parsed and traced (W9). Order within a partition holds.
 */
const INTAKE_CONCURRENCY = 3;

/**
 * Binds the inbound topics (one per format, and each Kafka partner's own) to the intake use case. It only builds the
 * call: which format a batch is in follows from its topic; the use case does the rest.
 * ConsumerRunner keeps the start going while the broker or the geo data is not there.
 */
@Injectable()
export class InboundIntakeWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(InboundIntakeWorker.name);
  private runner?: ConsumerRunner;

  constructor(
    @Inject(MESSAGE_CONSUMER_FACTORY) private readonly consumers: MessageConsumerFactory,
    private readonly registry: ConsumerRegistry,
    private readonly config: WisselConfig,
    private readonly topics: Topics,
    private readonly intake: IntakeReferralsUseCase,
    private readonly knownHashes: ImportKnownHashesUseCase,
    private readonly holds: HandlePoliceHoldMessagesUseCase,
    private readonly geo: GeoServices,
    private readonly partnerLanes: PartnerLanes,
    private readonly poison: PoisonParking,
  ) {}

  onApplicationBootstrap(): void {
    const consumer = this.consumers(this.config.ROUTER_GROUP_ID, {
      concurrency: INTAKE_CONCURRENCY,
    });
    this.registry.register('inbound_intake', consumer);
    this.runner = new ConsumerRunner(consumer, 'intake', this.logger);
    const handlers = this.handlers();
    this.runner.start(
      () => [...handlers.keys()],
      guardAgainstPoison(async (messages) => {
        const handle = handlers.get(messages[0]!.topic);
        // Unreachable (we subscribe only to these topics), but never guess.
        if (!handle) throw new Error(`no handler is bound to topic ${messages[0]!.topic}`);
        await handle(messages);
      }, this.poison.policy('intake')),
      // The data sets are opened once, before the first batch: no referral is decided
      // without them. Until then readiness says why (geo_data).
      () => this.geo.open(),
    );
  }

  /** Topic → the use case its batches go to. */
  private handlers(): Map<string, (messages: InboundMessage[]) => Promise<unknown>> {
    return new Map<string, (messages: InboundMessage[]) => Promise<unknown>>([
      ...this.topics.inbound.map(
        ({ topic, format }) =>
          [topic, (m: InboundMessage[]) => this.intake.execute(format, m)] as const,
      ),
      // Each Kafka partner's own topics (W10): the lane decides the parser, the partner the
      // source systems its referrals may carry. Its urgent topics go to the urgent worker.
      ...this.partnerLanes
        .urgent(false)
        .map(
          ({ topic, format, owner }) =>
            [topic, (m: InboundMessage[]) => this.intake.execute(format, m, owner)] as const,
        ),
      [this.topics.knownHashesIn, (m: InboundMessage[]) => this.knownHashes.execute(m)] as const,
      [this.topics.holdsIn, (m: InboundMessage[]) => this.holds.execute(m)] as const,
    ]);
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner?.stop();
  }
}
