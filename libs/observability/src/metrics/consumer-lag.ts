import {
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { type Admin, type Kafka } from 'kafkajs';
import { type Gauge, type Registry } from 'prom-client';
import { WisselConfig } from '@wissel/config';
import { ConsumerRegistry, KAFKA, summarise, type MessageConsumer } from '@wissel/messaging';
import { gaugeOn, METRICS } from './metric-catalogue';
import { METRICS_REGISTRY } from './metrics-registry';

/** A consumer that can say what it reads (the Kafka adapter's KafkaConsumer does). */
interface Subscribed {
  subscription(): { groupId: string; topics: readonly string[] };
}
const isSubscribed = (c: MessageConsumer): c is MessageConsumer & Subscribed =>
  typeof (c as Partial<Subscribed>).subscription === 'function';

/**
 * wissel_consumer_lag_messages: for each consumer this app runs, per topic, the latest
 * offsets minus the group's committed ones, summed over partitions (a partition the group
 * never committed counts from its earliest offset). Read from the Kafka admin API every
 * CONSUMER_LAG_INTERVAL_MS, not at scrape time: a scrape never waits on the broker. While
 * the broker cannot be asked the gauge is emptied rather than left showing old numbers.
 */
@Injectable()
export class ConsumerLagGauge implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('consumer-lag');
  private readonly gauge: Gauge<'consumer' | 'topic'>;
  private admin?: Admin;
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private failing = false;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly consumers: ConsumerRegistry,
    private readonly config: WisselConfig,
  ) {
    this.gauge = gaugeOn(registry, METRICS.consumerLag);
  }

  onApplicationBootstrap(): void {
    // The Kafka admin API is the source; with MESSAGING=postgres the dashboard's stage
    // backlogs show what waits, and this gauge stays empty.
    if (this.config.MESSAGING !== 'kafka') return;
    this.timer = setInterval(() => {
      this.running = this.refresh();
    }, this.config.CONSUMER_LAG_INTERVAL_MS);
    this.timer.unref();
  }

  /** Reads every consumer's lag once; never throws. */
  async refresh(): Promise<void> {
    try {
      this.admin ??= this.kafka.admin();
      await this.admin.connect();
      const values: Array<[string, string, number]> = [];
      for (const [name, consumer] of this.consumers.entries()) {
        if (!isSubscribed(consumer)) continue;
        const { groupId, topics } = consumer.subscription();
        if (topics.length === 0) continue;
        for (const [topic, lag] of await this.lagOf(this.admin, groupId, topics)) {
          values.push([name, this.baseName(topic), lag]);
        }
      }
      this.gauge.reset();
      for (const [consumer, topic, lag] of values) this.gauge.set({ consumer, topic }, lag);
      this.failing = false;
    } catch (error) {
      this.gauge.reset();
      if (!this.failing) {
        this.logger.warn({ error: summarise(error).name }, 'consumer lag not read');
      }
      this.failing = true;
    }
  }

  private async lagOf(
    admin: Admin,
    groupId: string,
    topics: readonly string[],
  ): Promise<Map<string, number>> {
    const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
    const lag = new Map<string, number>();
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const done = new Map(
        (committed.find((c) => c.topic === topic)?.partitions ?? []).map((p) => [
          p.partition,
          BigInt(p.offset),
        ]),
      );
      let total = 0n;
      for (const { partition, high, low } of ends) {
        const at = done.get(partition) ?? -1n;
        const from = at < 0n ? BigInt(low) : at;
        total += BigInt(high) > from ? BigInt(high) - from : 0n;
      }
      lag.set(topic, Number(total));
    }
    return lag;
  }

  /** The topic without the deployment's KAFKA_TOPIC_PREFIX: stable across environments. */
  private baseName(topic: string): string {
    const prefix = this.config.KAFKA_TOPIC_PREFIX;
    return prefix !== '' && topic.startsWith(prefix) ? topic.slice(prefix.length) : topic;
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.admin?.disconnect().catch(() => undefined);
  }
}

/** The consumer-lag gauge, for apps that run consumers (router, dispatcher). */
@Module({ providers: [ConsumerLagGauge], exports: [ConsumerLagGauge] })
export class ConsumerLagModule {}
