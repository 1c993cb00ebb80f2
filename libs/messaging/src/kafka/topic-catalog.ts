import { type Kafka } from 'kafkajs';

const FRESH_FOR_MS = 30_000;

/**
 * Which topics the cluster has, asked at most every 30 s. Lets readiness say that a
 * recipient's topic is missing (a recipient added to the routing rules without
 * `npm run topics`) instead of the relay failing round after round in silence.
 */
export class TopicCatalog {
  private known?: { topics: Set<string>; at: number };

  constructor(private readonly kafka: Kafka) {}

  async missing(names: string[], now = Date.now()): Promise<string[]> {
    if (
      !this.known ||
      now - this.known.at > FRESH_FOR_MS ||
      names.some((n) => !this.known!.topics.has(n))
    ) {
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        this.known = { topics: new Set(await admin.listTopics()), at: now };
      } finally {
        await admin.disconnect();
      }
    }
    return names.filter((n) => !this.known!.topics.has(n));
  }
}
