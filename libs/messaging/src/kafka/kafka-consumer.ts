import { type Logger } from '@nestjs/common';
import { type Consumer, type Kafka, type KafkaMessage } from 'kafkajs';
import {
  type BatchHandler,
  type ConsumerStatus,
  type InboundMessage,
  type MessageConsumer,
} from '../message-bus.port';
import { summarise } from './summarise-error';
import { inMessageSpan } from './trace-headers';

const HEARTBEAT_EVERY_MS = 3000;

export interface KafkaConsumerOptions {
  groupId: string;
  /** Partitions handled at once by this instance. */
  concurrency?: number;
  /** How long a handler may run before the group considers the member dead. */
  sessionTimeoutMs?: number;
  /** First wait before restarting after a crash kafkajs does not restart from; doubles to 30 s. */
  restartAfterMs?: number;
}

const MAX_RESTART_AFTER_MS = 30_000;

/**
 * Our own kafkajs consumer rather than Nest's Kafka transport: Nest's server handles one
 * message at a time, hides eachBatch and commits on its own schedule (docs/adr/0002).
 * Here a whole batch goes to the handler, and the offset after the last message is
 * committed only once the handler resolved, i.e. after the database commit.
 *
 * kafkajs restarts a crashed consumer only when the error is retriable; after any other
 * (an authorisation failure, a TypeError in its own code) it stays stopped and the lane
 * with it. So this class restarts it itself, with a fresh kafkajs consumer, after a backoff
 * that doubles up to 30 s, until it runs again or is stopped.
 */
export class KafkaConsumer implements MessageConsumer {
  private consumer: Consumer;
  private state: ConsumerStatus = 'idle';
  private handler?: BatchHandler;
  private stopping = false;
  private restartTimer?: NodeJS.Timeout;
  private restartAfterMs: number;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: KafkaConsumerOptions,
    private readonly logger: Logger,
  ) {
    this.restartAfterMs = options.restartAfterMs ?? 1_000;
    this.consumer = this.newConsumer();
  }

  private newConsumer(): Consumer {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      allowAutoTopicCreation: false,
    });
    const current = () => consumer === this.consumer;
    const { CRASH, STOP, GROUP_JOIN } = consumer.events;
    consumer.on(GROUP_JOIN, () => {
      if (!current()) return;
      this.state = 'running';
      this.restartAfterMs = this.options.restartAfterMs ?? 1_000;
    });
    consumer.on(STOP, () => {
      if (current() && this.state !== 'crashed') this.state = 'stopped';
    });
    consumer.on(CRASH, (event) => {
      if (!current()) return;
      this.state = 'crashed';
      this.logger.error(
        { error: String(event.payload.error), restart: event.payload.restart },
        'consumer crashed',
      );
      // kafkajs restarts by itself when the error is retriable; show that as starting.
      if (event.payload.restart) this.state = 'starting';
      else this.restartLater();
    });
    return consumer;
  }

  private restartLater(): void {
    if (this.stopping || !this.handler || this.restartTimer) return;
    const wait = this.restartAfterMs;
    this.restartAfterMs = Math.min(wait * 2, MAX_RESTART_AFTER_MS);
    this.restartTimer = setTimeout(() => void this.restart(), wait);
  }

  private async restart(): Promise<void> {
    this.restartTimer = undefined;
    if (this.stopping || !this.handler) return;
    const old = this.consumer;
    this.consumer = this.newConsumer();
    await old.disconnect().catch(() => undefined);
    // Stopped meanwhile: stop() disconnected the new consumer; do not start it.
    if (this.stopping) return;
    try {
      this.logger.warn({ groupId: this.options.groupId }, 'restarting the consumer');
      await this.run(this.subscribed, this.handler);
    } catch (error) {
      this.state = 'crashed';
      this.logger.error({ error: summarise(error) }, 'consumer restart failed; trying again');
      this.restartLater();
    }
  }

  status(): ConsumerStatus {
    return this.state;
  }

  private subscribed: string[] = [];

  /** The group and topics this consumer reads, for the consumer-lag gauge. */
  subscription(): { groupId: string; topics: readonly string[] } {
    return { groupId: this.options.groupId, topics: this.subscribed };
  }

  async start(topics: string[], handler: BatchHandler): Promise<void> {
    this.subscribed = [...topics];
    this.handler = handler;
    await this.run(this.subscribed, handler);
  }

  private async run(topics: string[], handler: BatchHandler): Promise<void> {
    this.state = 'starting';
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.concurrency ?? 1,
      eachBatch: async ({
        batch,
        resolveOffset,
        heartbeat,
        commitOffsetsIfNecessary,
        isRunning,
        isStale,
      }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const messages = batch.messages.map((m) => toInbound(batch.topic, batch.partition, m));
        // A long batch (a slow database, the one-by-one fallback) must not get this member
        // thrown out of its group: keep heartbeating while the handler works.
        const beat = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_EVERY_MS);
        try {
          // The batch continues its first message's trace; the intake opens a span per
          // message for what it writes about each referral.
          await inMessageSpan(messages[0]!, `consume ${batch.topic}`, () => handler(messages));
        } catch (error) {
          // Rejected: nothing is committed and kafkajs fetches the batch again after its
          // backoff. Pass on only a summary: a database error carries the query parameters,
          // i.e. referral contents, and kafkajs would log it whole.
          this.logger.warn(
            { error: summarise(error), topic: batch.topic, partition: batch.partition },
            'batch failed; it will be retried',
          );
          throw new Error(
            `batch on ${batch.topic}/${batch.partition} failed: ${summarise(error).name}`,
          );
        } finally {
          clearInterval(beat);
        }
        const last = batch.messages[batch.messages.length - 1]!;
        // resolveOffset moves this consumer's fetch position; the commit records it in the
        // group. The payload's commit goes to the group directly: the runner's own
        // commitOffsets is skipped once stop() began, which would leave a batch finished
        // during shutdown uncommitted (and handled again after the restart).
        resolveOffset(last.offset);
        await commitOffsetsIfNecessary({
          topics: [
            {
              topic: batch.topic,
              partitions: [
                { partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
              ],
            },
          ],
        });
      },
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    // disconnect() waits for the batch in hand to finish (and commit) before leaving.
    await this.consumer.disconnect();
  }
}

function toInbound(topic: string, partition: number, m: KafkaMessage): InboundMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(m.headers ?? {})) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? String(value[0]) : value.toString();
  }
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key ?? null,
    value: m.value ?? null,
    headers,
    ...recordTime(m.timestamp),
  };
}

/** Kafka's record timestamp (epoch ms as a string), kept as chain-of-custody evidence. */
function recordTime(timestamp: string | undefined): { timestamp?: string } {
  const ms = Number(timestamp);
  return Number.isFinite(ms) && ms > 0 ? { timestamp: new Date(ms).toISOString() } : {};
}
