/**
 * What the checker needs, read after the run: the rows of the fault run's database and
 * every record of the outbound and dead-letter topics, from the beginning to the end.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type Kafka } from 'kafkajs';
import { Client } from 'pg';
import {
  type CaseSourceRow,
  type DecisionRow,
  type DispatchRow,
  type OutboundRecord,
  type StoredReferral,
} from './check';

export interface DatabaseRows {
  referrals: StoredReferral[];
  decisions: DecisionRow[];
  dispatches: DispatchRow[];
  caseSources: CaseSourceRow[];
  pdqRows: Array<{ referralId: string; pdq: string }>;
}

/** A record read back, with its value when its topic's values were asked for. */
export type ReadRecord = OutboundRecord & { value?: string };

export async function readDatabase(url: string): Promise<DatabaseRows> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const referrals = await db.query<StoredReferral>(
      `SELECT id, source_system AS system, source_id AS "sourceId" FROM referral`,
    );
    const decisions = await db.query<DecisionRow>(
      `SELECT id, referral_id AS "referralId", supersedes_id AS "supersedesId" FROM decision`,
    );
    const dispatches = await db.query<DispatchRow>(
      `SELECT dispatch_id AS "dispatchId", referral_id AS "referralId",
              recipient_id AS "recipientId", topic,
              published_at IS NOT NULL AS published, dead_lettered_at IS NOT NULL AS "deadLettered",
              (extract(epoch FROM created_at) * 1000)::float8 AS "createdAt",
              (extract(epoch FROM published_at) * 1000)::float8 AS "publishedAt"
         FROM outbox`,
    );
    const caseSources = await db.query<CaseSourceRow>(
      `SELECT referral_id AS "referralId", case_id AS "caseId", layer,
              (extract(epoch FROM joined_at) * 1000)::float8 AS "joinedAt"
         FROM case_source`,
    );
    const pdqRows = await db.query<{ referralId: string; pdq: string }>(
      `SELECT referral_id AS "referralId", pdq FROM media_pdq`,
    );
    return {
      referrals: referrals.rows,
      decisions: decisions.rows,
      dispatches: dispatches.rows,
      caseSources: caseSources.rows,
      pdqRows: pdqRows.rows,
    };
  } finally {
    await db.end();
  }
}

/**
 * Every record of the given topics, from the beginning up to the end they had when called;
 * the values of `keepValuesOf` as text, the others only as a digest.
 */
export async function readTopics(
  kafka: Kafka,
  topics: string[],
  { keepValuesOf, timeoutMs = 120_000 }: { keepValuesOf?: string; timeoutMs?: number } = {},
): Promise<ReadRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<string, bigint>(); // topic/partition → end offset
  try {
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(p.high) > BigInt(p.low))
          remaining.set(`${topic}/${p.partition}`, BigInt(p.high));
      }
    }
  } finally {
    await admin.disconnect();
  }
  const records: ReadRecord[] = [];
  if (remaining.size === 0) return records;

  const consumer = kafka.consumer({ groupId: `fault-check-${randomBytes(4).toString('hex')}` });
  await consumer.connect();
  try {
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          const header = (name: string) => {
            const v = m.headers?.[name];
            return v === undefined ? null : String(Array.isArray(v) ? v[0] : v);
          };
          records.push({
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset,
            dispatchId: header('wissel-dispatch-id'),
            lifecycleType: header('wissel-lifecycle-type'),
            valueDigest: createHash('sha256')
              .update(m.value ?? Buffer.alloc(0))
              .digest('hex'),
            ...(batch.topic === keepValuesOf && { value: m.value?.toString('utf8') ?? '' }),
          });
        }
        const key = `${batch.topic}/${batch.partition}`;
        const end = remaining.get(key);
        const last = batch.messages[batch.messages.length - 1];
        if (end !== undefined && last && BigInt(last.offset) + 1n >= end) remaining.delete(key);
        if (remaining.size === 0) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      finished,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`topics not read to the end in ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
    clearTimeout(timer);
    return records;
  } finally {
    await consumer.disconnect();
  }
}
