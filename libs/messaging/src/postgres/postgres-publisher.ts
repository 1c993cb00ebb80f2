import { Pool } from 'pg';
import { type DatabaseConnectionSettings } from '@wissel/config';
import { type MessagePublisher, type OutboundMessage } from '../message-bus.port';
import { withTraceHeaders } from '../kafka/trace-headers';
import { MESSAGE_CHANNEL } from './message-channel';

/**
 * The embedded mode's publisher: a publish is one transaction appending to `message_log`,
 * so a resolved publish is durable on commit (the acks=all of a single server). Offsets
 * come from the topic's `message_topic` row, whose lock orders the commits of one topic's
 * writers; topics are taken in name order so two multi-topic publishes cannot deadlock.
 * A dispatch already on its topic (a relay round repeated after a crash) is skipped, which
 * leaves a gap in the offsets; consumers read past gaps (see the message-log migration).
 */
export class PostgresPublisher implements MessagePublisher {
  private readonly pool: Pool;
  private connected = false;
  private lastPublishFailed = false;

  constructor(
    databaseUrl: string,
    connection: Partial<DatabaseConnectionSettings> = { connectionTimeoutMillis: 5000 },
  ) {
    this.pool = new Pool({ connectionString: databaseUrl, max: 4, ...connection });
    // An idle client's error (the server restarted) must not crash the process.
    this.pool.on('error', () => (this.connected = false));
  }

  async connect(): Promise<void> {
    await this.pool.query('SELECT 1');
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    await this.pool.end();
  }

  isConnected(): boolean {
    return this.connected && !this.lastPublishFailed;
  }

  async publish(messages: OutboundMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const byTopic = new Map<string, OutboundMessage[]>();
    for (const m of messages) {
      const list = byTopic.get(m.topic);
      if (list) list.push(m);
      else byTopic.set(m.topic, [m]);
    }
    let client;
    try {
      client = await this.pool.connect();
      await client.query('BEGIN');
      for (const topic of [...byTopic.keys()].sort()) {
        const list = byTopic.get(topic)!;
        const { rows } = await client.query<{ first: string }>(
          `INSERT INTO message_topic (topic, next_offset) VALUES ($1, $2::bigint)
           ON CONFLICT (topic) DO UPDATE SET next_offset = message_topic.next_offset + $2::bigint
           RETURNING next_offset - $2::bigint AS first`,
          [topic, list.length],
        );
        await client.query(
          `INSERT INTO message_log (topic, partition, "offset", key, value, headers)
           SELECT $1, 0, $2::bigint + t.i - 1, t.k, t.v, t.h
             FROM unnest($3::text[], $4::bytea[], $5::jsonb[]) WITH ORDINALITY AS t(k, v, h, i)
           ON CONFLICT DO NOTHING`,
          [
            topic,
            rows[0]!.first,
            list.map((m) => m.key),
            list.map((m) => (Buffer.isBuffer(m.value) ? m.value : Buffer.from(m.value))),
            list.map((m) => JSON.stringify(withTraceHeaders(m.headers))),
          ],
        );
        // Delivered on commit only, so a consumer never wakes for a row it cannot see.
        await client.query('SELECT pg_notify($1, $2)', [MESSAGE_CHANNEL, topic]);
      }
      await client.query('COMMIT');
      this.connected = true;
      this.lastPublishFailed = false;
    } catch (error) {
      this.lastPublishFailed = true;
      await client?.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client?.release();
    }
  }
}
