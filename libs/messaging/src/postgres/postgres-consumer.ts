import { type Logger } from '@nestjs/common';
import { Client } from 'pg';
import { type DatabaseConnectionSettings } from '@wissel/config';
import {
  type BatchHandler,
  type ConsumerStatus,
  type InboundMessage,
  type MessageConsumer,
} from '../message-bus.port';
import { summarise } from '../kafka/summarise-error';
import { inMessageSpan } from '../kafka/trace-headers';
import { MESSAGE_CHANNEL } from './message-channel';

export interface PostgresConsumerOptions {
  groupId: string;
  databaseUrl: string;
  /** Timeouts and keepalive of its connection (databaseConnectionSettings). */
  connection?: Partial<DatabaseConnectionSettings>;
  /** How often to look for messages when no notification arrived, in ms. */
  pollMs: number;
  /** Most messages in one batch (500). */
  batchSize?: number;
  /** Most bytes of message values in one batch (8 MiB); a larger message goes alone. */
  maxBatchBytes?: number;
}

const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_MAX_BATCH_BYTES = 8 * 1024 * 1024;
const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

/**
 * The embedded mode's consumer, with the Kafka adapter's semantics: one topic's batch at a
 * time goes to the handler, and the group's offset moves past it only once the handler
 * resolved; a rejection commits nothing and the batch comes again after a backoff.
 *
 * The group's offset row is locked (FOR UPDATE SKIP LOCKED) for the whole batch, in a
 * transaction on this consumer's own connection, so two members of one group never take
 * the same batch and a member that dies mid-batch leaves the offset where it was.
 * LISTEN/NOTIFY wakes it on a publish; polling covers a lost notification.
 */
export class PostgresConsumer implements MessageConsumer {
  private state: ConsumerStatus = 'idle';
  private client?: Client;
  private topics: string[] = [];
  private stopping = false;
  private loop: Promise<void> = Promise.resolve();
  private wake?: () => void;

  constructor(
    private readonly options: PostgresConsumerOptions,
    private readonly logger: Logger,
  ) {}

  status(): ConsumerStatus {
    return this.state;
  }

  /** The group and topics this consumer reads. */
  subscription(): { groupId: string; topics: readonly string[] } {
    return { groupId: this.options.groupId, topics: this.topics };
  }

  async start(topics: string[], handler: BatchHandler): Promise<void> {
    this.state = 'starting';
    this.topics = [...topics];
    await this.connect();
    this.state = 'running';
    this.loop = this.run(handler);
  }

  private async connect(): Promise<Client> {
    const client = new Client({
      connectionString: this.options.databaseUrl,
      ...this.options.connection,
    });
    client.on('notification', (n) => {
      if (n.payload !== undefined && this.topics.includes(n.payload)) this.wake?.();
    });
    // A lost connection ends the round in hand with an error; run() reconnects.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query(`LISTEN ${MESSAGE_CHANNEL}`);
      for (const topic of this.topics) {
        await client.query(
          `INSERT INTO consumer_offset (group_id, topic, partition) VALUES ($1, $2, 0)
           ON CONFLICT DO NOTHING`,
          [this.options.groupId, topic],
        );
      }
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
    return client;
  }

  /** Topics whose last batch was rejected: not tried again before this time. */
  private readonly resting = new Map<string, { until: number; backoff: number }>();

  private async run(handler: BatchHandler): Promise<void> {
    let backoff = 0;
    while (!this.stopping) {
      let more = false;
      try {
        const client = this.client ?? (await this.connect());
        this.state = 'running';
        for (const topic of this.topics) {
          if (this.stopping) break;
          more = (await this.topicRound(client, topic, handler)) || more;
        }
        backoff = 0;
      } catch (error) {
        backoff = Math.min(Math.max(backoff * 2, FIRST_BACKOFF_MS), MAX_BACKOFF_MS);
        this.logger.warn({ error: summarise(error), retryInMs: backoff }, 'consumer round failed');
        if (this.client && !(error instanceof HandlerError)) {
          // The connection may be gone: start again on a new one.
          this.state = 'starting';
          const lost = this.client;
          this.client = undefined;
          await lost.end().catch(() => undefined);
        }
      }
      if (!more && !this.stopping) await this.sleep(backoff || this.options.pollMs);
    }
    this.state = 'stopped';
  }

  /**
   * One topic's turn. A rejected batch rests that topic alone (backoff doubling to 30 s)
   * and the other topics go on: one failing topic never starves the ones after it.
   */
  private async topicRound(client: Client, topic: string, handler: BatchHandler) {
    const rest = this.resting.get(topic);
    if (rest && rest.until > Date.now()) return false;
    try {
      const more = await this.round(client, topic, handler);
      this.resting.delete(topic);
      return more;
    } catch (error) {
      if (!(error instanceof HandlerError)) throw error;
      const backoff = Math.min(
        Math.max((rest?.backoff ?? 0) * 2, FIRST_BACKOFF_MS),
        MAX_BACKOFF_MS,
      );
      this.resting.set(topic, { until: Date.now() + backoff, backoff });
      return false;
    }
  }

  /** One batch of one topic; true when the batch was full (more is likely waiting). */
  private async round(client: Client, topic: string, handler: BatchHandler): Promise<boolean> {
    // Large batches (W9): the intake's cost per batch (one transaction, one commit, a few
    // statements per table) is then spread over many referrals.
    const batchSize = this.options.batchSize ?? DEFAULT_BATCH_SIZE;
    await client.query('BEGIN');
    // The offset row stays locked while the handler works, however long a batch takes (its
    // DNS traces, the poison policy's one-by-one pass): exempt from the idle timeout.
    await client.query('SET LOCAL idle_in_transaction_session_timeout = 0');
    let done = false;
    try {
      const owned = await client.query<{ next_offset: string }>(
        `SELECT next_offset FROM consumer_offset
          WHERE group_id = $1 AND topic = $2 AND partition = 0
          FOR UPDATE SKIP LOCKED`,
        [this.options.groupId, topic],
      );
      // Another member of the group has this topic's batch in hand.
      if (owned.rows.length === 0) return false;
      // Bounded in count and in bytes (a backlog of large messages must not fill memory):
      // the first message always, then as many as fit in maxBatchBytes.
      const { rows } = await client.query<{
        offset: string;
        key: string | null;
        value: Buffer | null;
        headers: Record<string, string>;
        produced_at: Date;
        cut: boolean;
      }>(
        `SELECT "offset", key, value, headers, produced_at, count(*) OVER () < fetched AS cut
           FROM (SELECT m.*, count(*) OVER () AS fetched,
                        row_number() OVER (ORDER BY "offset") AS n,
                        sum(coalesce(octet_length(value), 0)) OVER (ORDER BY "offset") AS bytes
                   FROM (SELECT "offset", key, value, headers, produced_at FROM message_log
                          WHERE topic = $1 AND partition = 0 AND "offset" >= $2
                          ORDER BY "offset" LIMIT $3) m) b
          WHERE n = 1 OR bytes <= $4
          ORDER BY "offset"`,
        [
          topic,
          owned.rows[0]!.next_offset,
          batchSize,
          this.options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES,
        ],
      );
      if (rows.length === 0) return false;
      const messages: InboundMessage[] = rows.map((r) => ({
        topic,
        partition: 0,
        offset: r.offset,
        key: r.key === null ? null : Buffer.from(r.key),
        value: r.value,
        headers: r.headers,
        timestamp: r.produced_at.toISOString(),
      }));
      try {
        await inMessageSpan(messages[0]!, `consume ${topic}`, () => handler(messages));
      } catch (error) {
        // Only a summary: a database error carries the query parameters (referral contents).
        this.logger.warn({ error: summarise(error), topic }, 'batch failed; it will be retried');
        throw new HandlerError();
      }
      const next = (BigInt(rows[rows.length - 1]!.offset) + 1n).toString();
      await client.query(
        `UPDATE consumer_offset SET next_offset = $3, committed_at = now()
          WHERE group_id = $1 AND topic = $2 AND partition = 0`,
        [this.options.groupId, topic, next],
      );
      await client.query('COMMIT');
      done = true;
      return rows.length === batchSize || rows[0]!.cut;
    } finally {
      if (!done) await client.query('ROLLBACK').catch(() => undefined);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        if (this.wake === finish) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wake = finish;
    });
  }

  /** Finishes the batch in hand, commits it, and closes the connection. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
    this.state = 'stopped';
  }
}

/** The handler rejected: the batch is retried, the connection is fine. */
class HandlerError extends Error {
  constructor() {
    super('batch handler failed');
    this.name = 'HandlerError';
  }
}
