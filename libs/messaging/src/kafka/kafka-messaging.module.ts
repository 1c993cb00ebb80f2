import {
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { type Kafka } from 'kafkajs';
import { WisselConfig } from '@wissel/config';
import {
  MESSAGE_CONSUMER_FACTORY,
  MESSAGE_PUBLISHER,
  type MessageConsumerFactory,
} from '../message-bus.port';
import { ConsumerRegistry } from '../consumer-registry';
import { Topics } from '../topics';
import { createKafkaClient, type KafkaLogLevel } from './kafka-client';
import { KafkaConsumer } from './kafka-consumer';
import { KafkaPublisher } from './kafka-publisher';
import { TopicCatalog } from './topic-catalog';

export const KAFKA = Symbol('KAFKA');

/**
 * The Kafka adapter of the messaging port. Consumers are stopped by their owners during
 * module destroy; the publisher disconnects at application shutdown, after them, so a
 * batch in hand can still dead-letter what it must.
 */
@Global()
@Module({
  providers: [
    ConsumerRegistry,
    {
      provide: KAFKA,
      inject: [WisselConfig],
      useFactory: (config: WisselConfig) =>
        createKafkaClient(
          config.KAFKA_BROKERS,
          config.KAFKA_CLIENT_ID,
          new Logger('kafka'),
          config.KAFKA_LOG_LEVEL as KafkaLogLevel,
        ),
    },
    {
      provide: Topics,
      inject: [WisselConfig],
      useFactory: (c: WisselConfig) => new Topics(c.KAFKA_TOPIC_PREFIX),
    },
    {
      provide: TopicCatalog,
      inject: [KAFKA],
      useFactory: (kafka: Kafka) => new TopicCatalog(kafka),
    },
    {
      provide: MESSAGE_PUBLISHER,
      inject: [KAFKA],
      useFactory: (kafka: Kafka) => new KafkaPublisher(kafka),
    },
    {
      provide: MESSAGE_CONSUMER_FACTORY,
      inject: [KAFKA],
      useFactory:
        (kafka: Kafka): MessageConsumerFactory =>
        (groupId) =>
          new KafkaConsumer(kafka, { groupId }, new Logger(`consumer:${groupId}`)),
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
export class KafkaMessagingModule implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(MESSAGE_PUBLISHER) private readonly publisher: KafkaPublisher) {}

  private readonly logger = new Logger('kafka');

  onModuleInit(): void {
    // Not awaited: an app whose broker is down still starts and reports not ready, and the
    // first publish connects when the broker is back.
    this.publisher.connect().catch((error: unknown) => {
      this.logger.warn({ error: String(error) }, 'producer not connected yet');
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.disconnect();
  }
}
