import { type Client } from 'pg';
import { MESSAGE_CHANNEL } from '@wissel/messaging';

/**
 * Appends to a Postgres topic as an outside producer would: the offset row lock of the
 * adapter's publisher, no key. For the embedded mode's bus and TestStack's postgres mode.
 */
export async function appendToPostgresTopic(
  db: Client,
  topic: string,
  values: Array<string | Buffer>,
): Promise<string[]> {
  await db.query('BEGIN');
  try {
    const { rows } = await db.query<{ first: string }>(
      `INSERT INTO message_topic (topic, next_offset) VALUES ($1, $2::bigint)
       ON CONFLICT (topic) DO UPDATE SET next_offset = message_topic.next_offset + $2::bigint
       RETURNING next_offset - $2::bigint AS first`,
      [topic, values.length],
    );
    const first = BigInt(rows[0]!.first);
    const offsets = values.map((_, i) => (first + BigInt(i)).toString());
    await db.query(
      `INSERT INTO message_log (topic, partition, "offset", value)
       SELECT $1, 0, o, v FROM unnest($2::bigint[], $3::bytea[]) AS t(o, v)`,
      [topic, offsets, values.map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)))],
    );
    await db.query('SELECT pg_notify($1, $2)', [MESSAGE_CHANNEL, topic]);
    await db.query('COMMIT');
    return offsets;
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  }
}
