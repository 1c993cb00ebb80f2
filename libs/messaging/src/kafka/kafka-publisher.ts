import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { type MessagePublisher, type OutboundMessage } from '../message-bus.port';
import { withTraceHeaders } from './trace-headers';

/**
 * Idempotent producer with acks=all: a resolved publish is on every in-sync replica, and
 * a retried send cannot duplicate within the producer session.
 */
export class KafkaPublisher implements MessagePublisher {
  private readonly producer: Producer;
  private connected = false;

  constructor(kafka: Kafka) {
    // maxInFlightRequests 1 keeps per-partition order across retries. Retries are bounded
    // (about a minute): a publish that never gives up would hold the outbox claim and block
    // shutdown through an outage or a missing topic. kafkajs warns that bounded retries
    // may break its exactly-once sequence; Wissel promises at-least-once delivery anyway,
    // and recipients drop repeats by the dispatch id.
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 6, initialRetryTime: 300, maxRetryTime: 30_000 },
    });
    this.producer.on(this.producer.events.CONNECT, () => (this.connected = true));
    this.producer.on(this.producer.events.DISCONNECT, () => (this.connected = false));
  }

  private connecting?: Promise<void>;

  /** Connects once; a failed attempt is forgotten so the next publish tries again. */
  async connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    await this.connecting;
  }

  async disconnect(): Promise<void> {
    this.connecting = undefined;
    await this.producer.disconnect();
  }

  private lastPublishFailed = false;

  /** Connected, and the last publish (if any) went through. */
  isConnected(): boolean {
    return this.connected && !this.lastPublishFailed;
  }

  async publish(messages: OutboundMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.connect();
    const byTopic = new Map<string, OutboundMessage[]>();
    for (const m of messages) {
      const list = byTopic.get(m.topic);
      if (list) list.push(m);
      else byTopic.set(m.topic, [m]);
    }
    try {
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, list]) => ({
          topic,
          // The active trace goes along unless the message already carries one (a relayed
          // outbox row keeps the trace of the referral it belongs to).
          messages: list.map((m) => ({
            key: m.key,
            value: m.value,
            headers: withTraceHeaders(m.headers),
          })),
        })),
      });
      this.lastPublishFailed = false;
    } catch (error) {
      this.lastPublishFailed = true;
      throw error;
    }
  }
}
