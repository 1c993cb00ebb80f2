import { type Kafka } from 'kafkajs';

export interface TopicSpec {
  partitions: number;
  replicationFactor: number;
  /** retention.ms of every topic: longer than the longest outage a consumer may have. */
  retentionMs?: number;
  /** max.message.bytes: the largest record batch a topic takes (a referral, a dead letter). */
  maxMessageBytes?: number;
}

/**
 * The settings Wissel's topics are created with, from the app settings: retention and
 * the largest message. A dead letter carries its message's bytes in base64 inside JSON
 * (4/3 of them, plus the reason), and every record carries headers: 64 KiB of room on top.
 */
export function topicSpec(config: {
  KAFKA_TOPIC_PARTITIONS: number;
  KAFKA_REPLICATION_FACTOR: number;
  KAFKA_TOPIC_RETENTION_DAYS: number;
  MAX_MESSAGE_BYTES: number;
}): Required<TopicSpec> {
  return {
    partitions: config.KAFKA_TOPIC_PARTITIONS,
    replicationFactor: config.KAFKA_REPLICATION_FACTOR,
    retentionMs: config.KAFKA_TOPIC_RETENTION_DAYS * 86_400_000,
    maxMessageBytes: Math.ceil((config.MAX_MESSAGE_BYTES * 4) / 3) + 64 * 1024,
  };
}

/**
 * Creates the topics Wissel needs when they are missing, with explicit settings rather
 * than the broker's (7 days, 1 MiB). Brokers run with topic auto-creation off, so a typo in
 * a recipient id fails loudly instead of creating a topic nobody reads. Existing topics are
 * left as they are (docs/topics.md says how to bring them in line).
 */
export async function provisionTopics(
  kafka: Kafka,
  names: string[],
  spec: TopicSpec,
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [...new Set(names)].filter((n) => !existing.has(n));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: spec.partitions,
          replicationFactor: spec.replicationFactor,
          configEntries: [
            // acks=all must mean something on a real cluster: two copies before a write counts.
            ...(spec.replicationFactor > 1 ? [{ name: 'min.insync.replicas', value: '2' }] : []),
            ...(spec.retentionMs
              ? [{ name: 'retention.ms', value: String(spec.retentionMs) }]
              : []),
            ...(spec.maxMessageBytes
              ? [{ name: 'max.message.bytes', value: String(spec.maxMessageBytes) }]
              : []),
          ],
        })),
      });
    }
    return missing;
  } finally {
    await admin.disconnect();
  }
}
