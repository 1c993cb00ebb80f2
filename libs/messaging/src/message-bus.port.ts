/**
 * The messaging port. The pipeline sees only these shapes; Kafka (kafkajs today) and, in
 * the embedded mode, Postgres tables are adapters behind them. Moving to another Kafka
 * client is one new adapter.
 */
export interface InboundMessage {
  topic: string;
  partition: number;
  /** Kafka offsets exceed 2^53 in principle, so they travel as strings. */
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** The record's timestamp (ISO 8601), where the transport has one (Kafka). */
  timestamp?: string;
}

/**
 * Handles one batch from one partition. Resolving means every message in it is durably
 * handled (stored or dead-lettered); only then does the adapter commit the offsets.
 * Rejecting means nothing is committed and the batch is delivered again later.
 */
export type BatchHandler = (messages: InboundMessage[]) => Promise<void>;

export interface OutboundMessage {
  topic: string;
  key: string;
  value: Buffer | string;
  headers: Record<string, string>;
}

export type ConsumerStatus = 'idle' | 'starting' | 'running' | 'crashed' | 'stopped';

export interface MessageConsumer {
  /** Starts consuming; resolves once the consumer runs. */
  start(topics: string[], handler: BatchHandler): Promise<void>;
  /** Finishes the batch in hand, commits it, and leaves the group. */
  stop(): Promise<void>;
  status(): ConsumerStatus;
}

export interface MessagePublisher {
  /** Resolves only once every message is acknowledged by all in-sync replicas. */
  publish(messages: OutboundMessage[]): Promise<void>;
  isConnected(): boolean;
  /**
   * Of these topics, those the bus says do not exist, looked up now; none when it cannot
   * tell (the bus is away) or has no such notion. Lets a caller refuse a deleted topic's
   * messages at once, instead of after the client's whole retry budget.
   */
  missingTopics?(topics: string[]): Promise<string[]>;
}

export const MESSAGE_CONSUMER_FACTORY = Symbol('MESSAGE_CONSUMER_FACTORY');
export const MESSAGE_PUBLISHER = Symbol('MESSAGE_PUBLISHER');

/** How a consumer takes its work in; what an adapter cannot honour it ignores. */
export interface ConsumerOptions {
  /**
   * Partitions whose batches are handled at once (Kafka). Each partition's batches stay in
   * order; several at once let one batch's database commit overlap the next one's parsing.
   */
  concurrency?: number;
}

/** Makes a consumer for one consumer group; the router owns one per group it joins. */
export type MessageConsumerFactory = (
  groupId: string,
  options?: ConsumerOptions,
) => MessageConsumer;
