import { type Kafka } from 'kafkajs';

export interface TopicSpec {
  partitions: number;
  replicationFactor: number;
}

/**
 * Creates the topics Wissel needs when they are missing. Brokers run with topic
 * auto-creation off, so a typo in a recipient id fails loudly instead of creating a topic
 * nobody reads. Existing topics are left as they are.
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
          // acks=all must mean something on a real cluster: two copies before a write counts.
          configEntries:
            spec.replicationFactor > 1 ? [{ name: 'min.insync.replicas', value: '2' }] : [],
        })),
      });
    }
    return missing;
  } finally {
    await admin.disconnect();
  }
}
