import { type HealthIndicatorService, type TypeOrmHealthIndicator } from '@nestjs/terminus';
import {
  summarise,
  type ConsumerRegistry,
  type MessagePublisher,
  type TopicDirectory,
} from '@wissel/messaging';
import { type ReadinessCheck } from './readiness-check';

export const databaseCheck =
  (db: TypeOrmHealthIndicator): ReadinessCheck =>
  () =>
    db.pingCheck('database', { timeout: 2000 });

/** Ready only while every consumer runs in its group (not starting, crashed or stopped). */
export const consumersCheck =
  (indicators: HealthIndicatorService, registry: ConsumerRegistry): ReadinessCheck =>
  async () => {
    const states = Object.fromEntries(registry.entries().map(([name, c]) => [name, c.status()]));
    const session = indicators.check('kafka_consumers');
    const ok =
      Object.keys(states).length > 0 && Object.values(states).every((s) => s === 'running');
    return ok ? session.up(states) : session.down(states);
  };

export const publisherCheck =
  (indicators: HealthIndicatorService, publisher: MessagePublisher): ReadinessCheck =>
  async () => {
    const session = indicators.check('kafka_producer');
    return publisher.isConnected()
      ? session.up({ connected: true })
      : session.down({ connected: false });
  };

/** Ready only while every topic the app writes to exists. */
export const topicsCheck =
  (
    indicators: HealthIndicatorService,
    catalog: TopicDirectory,
    topics: () => string[],
  ): ReadinessCheck =>
  async () => {
    const session = indicators.check('kafka_topics');
    try {
      const missing = await catalog.missing(topics());
      return missing.length === 0 ? session.up() : session.down({ missing });
    } catch (error) {
      return session.down({ error: summarise(error).name });
    }
  };
