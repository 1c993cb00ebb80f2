import { Partitioners, type Admin, type Kafka, type Message, type Producer } from 'kafkajs';
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

/** How long one send may keep retrying before it fails and its callers are told. */
const PRODUCER_RETRY = { retries: 6, initialRetryTime: 300, maxRetryTime: 30_000 };

/**
 * Idempotent producer with acks=all: a resolved publish is on every in-sync replica, and
 * a retried send cannot duplicate within the producer session.
 *
 * Retries are bounded (about a minute): a publish that never gives up would hold the
 * outbox claim and block shutdown through an outage or a missing topic. But an idempotent
 * producer whose send failed must not send again: its next batch would reuse the failed
 * batch's sequence numbers, and the broker would either drop it as a duplicate (a publish
 * resolved that is not on the topic) or refuse every later one (OUT_OF_ORDER_SEQUENCE_NUMBER).
 * So after a failed send the producer is replaced by a fresh one, with a new producer id,
 * before anything else is sent; the failed callers were told, and retry (the outbox, the
 * API caller after its 503).
 */
export class KafkaPublisher implements MessagePublisher {
  private producer: Producer;
  private readonly coalescer: SendCoalescer<Outgoing>;
  private connected = false;
  /** Set by a failed send: the next send goes through a fresh producer. */
  private spoiled = false;

  /**
   * @param maxQueuedBytes most bytes waiting behind the request in flight (the gateway's
   *   callers during a broker outage); more is refused at once (SendQueueFullError)
   */
  constructor(
    private readonly kafka: Kafka,
    maxQueuedBytes = Number.POSITIVE_INFINITY,
  ) {
    this.producer = this.newProducer();
    this.coalescer = new SendCoalescer(
      (items) => this.sendBatch(items),
      MAX_COALESCED_BYTES,
      maxQueuedBytes,
    );
  }

  private newProducer(): Producer {
    // maxInFlightRequests 1 keeps per-partition order across retries.
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: PRODUCER_RETRY,
    });
    producer.on(producer.events.CONNECT, () => {
      if (producer === this.producer) this.connected = true;
    });
    producer.on(producer.events.DISCONNECT, () => {
      if (producer === this.producer) this.connected = false;
    });
    return producer;
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
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
    await this.producer.disconnect();
  }

  private admin?: Promise<Admin>;

  /**
   * One metadata request (the topic list). kafkajs would retry a send to a missing topic
   * for its whole retry budget (about 20 s) before failing it, holding up everything sent
   * with it; asked first, the caller refuses those messages at once. The admin client
   * never retries: a broker that does not answer means "cannot tell".
   */
  async missingTopics(topics: string[]): Promise<string[]> {
    if (topics.length === 0) return [];
    try {
      this.admin ??= (async () => {
        const admin = this.kafka.admin({ retry: { retries: 0 } });
        await admin.connect();
        return admin;
      })();
      const existing = new Set(await (await this.admin).listTopics());
      return topics.filter((t) => !existing.has(t));
    } catch {
      const admin = this.admin;
      this.admin = undefined;
      await admin?.then((a) => a.disconnect()).catch(() => undefined);
      return [];
    }
  }

  private lastPublishFailed = false;

  /** Connected, and the last publish (if any) went through. */
  isConnected(): boolean {
    return this.connected && !this.lastPublishFailed;
  }

  /** Swaps in a fresh producer (new producer id, sequence numbers from 0). */
  private async replaceProducer(): Promise<void> {
    const old = this.producer;
    this.producer = this.newProducer();
    this.connected = false;
    this.connecting = undefined;
    this.spoiled = false;
    await old.disconnect().catch(() => undefined);
    await this.connect();
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
    if (this.spoiled) await this.replaceProducer();
    try {
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
      this.lastPublishFailed = false;
    } catch (error) {
      this.lastPublishFailed = true;
      this.spoiled = true;
      throw error;
    }
  }
}

function byteLength(value: Buffer | string): number {
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}
