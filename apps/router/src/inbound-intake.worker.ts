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
  type InboundMessage,
  type MessageConsumer,
  type MessageConsumerFactory,
} from '@wissel/messaging';
import {
  GeoServices,
  HandlePoliceHoldMessagesUseCase,
  ImportKnownHashesUseCase,
  IntakeReferralsUseCase,
} from '@wissel/pipeline';

const MAX_BACKOFF_MS = 30_000;

/**
 * Binds the inbound topics (one per format) to the intake use case. It only builds the
 * call: which format a batch is in follows from its topic; the use case does the rest. If the broker is unreachable at start it keeps trying (readiness says
 * so meanwhile) instead of crashing the process.
 */
@Injectable()
export class InboundIntakeWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(InboundIntakeWorker.name);
  private consumer!: MessageConsumer;
  private stopping = false;
  private starting?: Promise<void>;

  constructor(
    @Inject(MESSAGE_CONSUMER_FACTORY) private readonly consumers: MessageConsumerFactory,
    private readonly registry: ConsumerRegistry,
    private readonly config: WisselConfig,
    private readonly topics: Topics,
    private readonly intake: IntakeReferralsUseCase,
    private readonly knownHashes: ImportKnownHashesUseCase,
    private readonly holds: HandlePoliceHoldMessagesUseCase,
    private readonly geo: GeoServices,
  ) {}

  onApplicationBootstrap(): void {
    this.consumer = this.consumers(this.config.ROUTER_GROUP_ID);
    this.registry.register('inbound_intake', this.consumer);
    this.starting = this.startUntilRunning();
  }

  private async startUntilRunning(): Promise<void> {
    let backoff = 500;
    while (!this.stopping) {
      try {
        // The data sets are opened once, before the first batch: no referral is decided
        // without them. Until then readiness says why (geo_data).
        await this.geo.open();
        const handlers = this.handlers();
        await this.consumer.start([...handlers.keys()], async (messages) => {
          const handle = handlers.get(messages[0]!.topic);
          // Unreachable (we subscribe only to these topics), but never guess.
          if (!handle) throw new Error(`no handler is bound to topic ${messages[0]!.topic}`);
          await handle(messages);
        });
        return;
      } catch (error) {
        this.logger.warn({ error: String(error), retryInMs: backoff }, 'intake not started');
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  /** Topic → the use case its batches go to. */
  private handlers(): Map<string, (messages: InboundMessage[]) => Promise<unknown>> {
    return new Map<string, (messages: InboundMessage[]) => Promise<unknown>>([
      ...this.topics.inbound.map(
        ({ topic, format }) =>
          [topic, (m: InboundMessage[]) => this.intake.execute(format, m)] as const,
      ),
      [this.topics.knownHashesIn, (m: InboundMessage[]) => this.knownHashes.execute(m)] as const,
      [this.topics.holdsIn, (m: InboundMessage[]) => this.holds.execute(m)] as const,
    ]);
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
    // Cleared, so a stopped router leaves no timer holding the process (or jest) open.
    clearTimeout(timer);
    await this.consumer.stop();
  }
}
