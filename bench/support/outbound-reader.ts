import type { Consumer, Kafka } from 'kafkajs';

export interface Delivered {
  /** sourceRef.id of the dispatched referral. */
  sourceId: string;
  topic: string;
  /** The outbound record's timestamp (set by the dispatcher's producer). */
  recordTs: number;
  /** When this reader saw it. */
  seenAt: number;
}

const MARK = '"sourceRef":{"id":"';

/**
 * The sourceRef.id of the referral a dispatch carries. The value is RFC 8785 canonical JSON
 * (keys sorted), so the referral's sourceRef reads `{"id":…,"system":…}`; it is the last one
 * in the message (`referral` comes after `decision`). Cheaper than parsing every message.
 */
export function dispatchedSourceId(value: string): string | undefined {
  const at = value.lastIndexOf(MARK);
  if (at < 0) return undefined;
  const start = at + MARK.length;
  const end = value.indexOf('"', start);
  return end > start ? value.slice(start, end) : undefined;
}

/** Reads every recipient topic (and the dead-letter topic) from the start, stamping each record. */
export class OutboundReader {
  readonly delivered: Delivered[] = [];
  deadLetters = 0;
  unrecognised = 0;
  private consumer?: Consumer;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly topics: string[],
    private readonly deadLetterTopic: string,
  ) {}

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 100 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({
      topics: [...this.topics, this.deadLetterTopic],
      fromBeginning: true,
    });
    await consumer.run({
      partitionsConsumedConcurrently: 4,
      eachBatch: async ({ batch }) => {
        const seenAt = Date.now();
        if (batch.topic === this.deadLetterTopic) {
          this.deadLetters += batch.messages.length;
          return;
        }
        for (const m of batch.messages) {
          const sourceId = m.value ? dispatchedSourceId(m.value.toString()) : undefined;
          if (!sourceId) {
            this.unrecognised++;
            continue;
          }
          this.delivered.push({
            sourceId,
            topic: batch.topic,
            recordTs: Number(m.timestamp),
            seenAt,
          });
        }
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
