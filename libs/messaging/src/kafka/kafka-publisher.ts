import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import { type MessagePublisher, type OutboundMessage } from '../message-bus.port';
import { SendCoalescer } from './send-coalescer';
import { withTraceHeaders } from './trace-headers';

/**
 * Concurrent publishes gathered into one request stay well under the broker's default
 * message.max.bytes (1 MiB per partition batch) even when they all land on one partition.
 */
const MAX_COALESCED_BYTES = 512 * 1024;

interface Outgoing {
  topic: string;
  message: Message;
  size: number;
}

/**
 * Idempotent producer with acks=all: a resolved publish is on every in-sync replica, and
 * a retried send cannot duplicate within the producer session.
 */
export class KafkaPublisher implements MessagePublisher {
  private readonly producer: Producer;
  private readonly coalescer: SendCoalescer<Outgoing>;
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
    this.coalescer = new SendCoalescer((items) => this.sendBatch(items), MAX_COALESCED_BYTES);
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

  /** Resolves once these messages are on every in-sync replica (acks=all). */
  async publish(messages: OutboundMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.connect();
    // Headers are taken now, in the caller's trace context: the active trace goes along
    // unless the message already carries one (a relayed outbox row keeps the trace of the
    // referral it belongs to).
    await this.coalescer.submit(
      messages.map((m) => ({
        topic: m.topic,
        message: { key: m.key, value: m.value, headers: withTraceHeaders(m.headers) },
        size: byteLength(m.value) + byteLength(m.key),
      })),
    );
  }

  private async sendBatch(items: Outgoing[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const { topic, message } of items) {
      const list = byTopic.get(topic);
      if (list) list.push(message);
      else byTopic.set(topic, [message]);
    }
    try {
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
      this.lastPublishFailed = false;
    } catch (error) {
      this.lastPublishFailed = true;
      throw error;
    }
  }
}

function byteLength(value: Buffer | string): number {
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}
