import {
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { type Kafka } from 'kafkajs';
import { databaseConnectionSettings, WisselConfig } from '@wissel/config';
import {
  MESSAGE_CONSUMER_FACTORY,
  MESSAGE_PUBLISHER,
  type MessageConsumerFactory,
  type MessagePublisher,
} from './message-bus.port';
import { ConsumerRegistry } from './consumer-registry';
import { Topics } from './topics';
import { createKafkaClient, type KafkaLogLevel } from './kafka/kafka-client';
import { kafkaSecurity } from './kafka/kafka-security';
import { KafkaConsumer } from './kafka/kafka-consumer';
import { KafkaPublisher } from './kafka/kafka-publisher';
import { TopicCatalog } from './kafka/topic-catalog';
import { PostgresConsumer } from './postgres/postgres-consumer';
import { PostgresPublisher } from './postgres/postgres-publisher';
import { PostgresTopicCatalog } from './postgres/postgres-topic-catalog';

export const KAFKA = Symbol('KAFKA');

/** What readiness asks of a topic catalogue, in either mode. */
export type TopicDirectory = Pick<TopicCatalog, 'missing'>;

type ConnectingPublisher = MessagePublisher & {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
};

const kafkaMode = (c: WisselConfig) => c.MESSAGING === 'kafka';

/**
 * The messaging port's adapter, chosen by MESSAGING: Kafka for the cluster apps, Postgres
 * tables (libs/messaging/src/postgres) for the embedded mode. The choice is made by the
 * providers at start-up, not by which module an app imports, so one app module serves
 * both modes. Consumers are stopped by their owners during module destroy; the publisher
 * disconnects at application shutdown, after them, so a batch in hand can still
 * dead-letter what it must.
 */
@Global()
@Module({
  providers: [
    ConsumerRegistry,
    {
      // Built in both modes (consumer lag asks it only in the Kafka mode); it connects lazily.
      provide: KAFKA,
      inject: [WisselConfig],
      useFactory: (config: WisselConfig) =>
        createKafkaClient(
          config.KAFKA_BROKERS,
          config.KAFKA_CLIENT_ID,
          new Logger('kafka'),
          config.KAFKA_LOG_LEVEL as KafkaLogLevel,
          // The embedded mode never connects: no secret files to read there.
          kafkaMode(config) ? kafkaSecurity(config) : {},
        ),
    },
    {
      provide: Topics,
      inject: [WisselConfig],
      useFactory: (c: WisselConfig) => new Topics(c.KAFKA_TOPIC_PREFIX),
    },
    {
      provide: TopicCatalog,
      inject: [WisselConfig, KAFKA],
      useFactory: (c: WisselConfig, kafka: Kafka): TopicDirectory =>
        kafkaMode(c) ? new TopicCatalog(kafka) : new PostgresTopicCatalog(),
    },
    {
      provide: MESSAGE_PUBLISHER,
      inject: [WisselConfig, KAFKA],
      useFactory: (c: WisselConfig, kafka: Kafka): ConnectingPublisher =>
        kafkaMode(c)
          ? new KafkaPublisher(kafka, c.KAFKA_PRODUCER_MAX_QUEUED_BYTES)
          : new PostgresPublisher(c.DATABASE_URL, databaseConnectionSettings(c)),
    },
    {
      provide: MESSAGE_CONSUMER_FACTORY,
      inject: [WisselConfig, KAFKA],
      useFactory:
        (c: WisselConfig, kafka: Kafka): MessageConsumerFactory =>
        (groupId, options) => {
          const logger = new Logger(`consumer:${groupId}`);
          return kafkaMode(c)
            ? new KafkaConsumer(kafka, { groupId, concurrency: options?.concurrency }, logger)
            : new PostgresConsumer(
                {
                  groupId,
                  databaseUrl: c.DATABASE_URL,
                  connection: databaseConnectionSettings(c),
                  pollMs: c.MESSAGE_POLL_MS,
                },
                logger,
              );
        },
    },
  ],
  exports: [
    KAFKA,
    Topics,
    TopicCatalog,
    ConsumerRegistry,
    MESSAGE_PUBLISHER,
    MESSAGE_CONSUMER_FACTORY,
  ],
})
export class MessagingModule implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(MESSAGE_PUBLISHER) private readonly publisher: ConnectingPublisher) {}

  private readonly logger = new Logger('messaging');

  onModuleInit(): void {
    // Not awaited: an app whose broker (or database) is down still starts and reports not
    // ready, and the first publish connects when it is back.
    this.publisher.connect().catch((error: unknown) => {
      this.logger.warn({ error: String(error) }, 'producer not connected yet');
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.disconnect();
  }
}
