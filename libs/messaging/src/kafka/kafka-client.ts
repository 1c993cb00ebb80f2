import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import { type Logger } from '@nestjs/common';
import { summarise } from './summarise-error';
import { type KafkaSecurity } from './kafka-security';

const levels = {
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  nothing: logLevel.NOTHING,
};
export type KafkaLogLevel = keyof typeof levels;

/**
 * One kafkajs client per app, logging through the app's logger instead of stdout.
 * `security` (from kafkaSecurity(config)) adds SASL and TLS; the password stays in the
 * client and is never logged.
 */
export function createKafkaClient(
  brokers: string,
  clientId: string,
  logger: Logger,
  level: KafkaLogLevel = 'warn',
  security: KafkaSecurity = {},
): Kafka {
  return new Kafka({
    clientId,
    brokers: brokers.split(','),
    ...security,
    logLevel: levels[level],
    logCreator:
      () =>
      ({ level, label, log }: LogEntry) => {
        const { message, ...rest } = log;
        // Said at every start of a bounded-retry idempotent producer; see KafkaPublisher.
        if (message.startsWith('Limiting retries for the idempotent producer')) return;
        // kafkajs attaches whole error objects (e.g. a failed query with its parameters):
        // keep only their kind and code.
        const extra = Object.fromEntries(
          Object.entries(rest).map(([k, v]) => [
            k,
            v instanceof Error ? summarise(v) : k === 'stack' ? undefined : v,
          ]),
        );
        const line = `${label} ${message}`;
        if (level <= logLevel.ERROR) logger.error({ kafka: extra }, line);
        else if (level === logLevel.WARN) logger.warn({ kafka: extra }, line);
        else logger.log({ kafka: extra }, line);
      },
    retry: { initialRetryTime: 300, retries: 8 },
  });
}
