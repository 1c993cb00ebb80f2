import { Inject, Injectable, Logger } from '@nestjs/common';
import { ROUTING_RULES, WisselConfig } from '@wissel/config';
import { type RecipientDelivery, type RoutingRules } from '@wissel/domain';
import {
  MESSAGE_PUBLISHER,
  MessageHeaders,
  publishFailureOf,
  type MessagePublisher,
} from '@wissel/messaging';
import {
  OutboxRepository,
  type AttemptOutcome,
  type DispatchLane,
  type PendingDispatch,
} from '@wissel/persistence';
import { signJsonMessage, WISSEL_SIGNATURE_HEADERS, type SignedJsonMessage } from '@wissel/signing';
import { DispatchPersonalData } from '../data-protection/dispatch-personal-data';
import { DispatchClock } from './dispatch-clock';
import { DispatchMetrics } from './dispatch-metrics';
import { attemptsExhausted, retryDelayMs, type RetryPolicy } from './retry-schedule';
import { WebhookSender } from './webhook-sender';
import { type WebhookVerdict } from './webhook-outcome';
import { WisselKeyring } from './wissel-keyring';

/** What one relay round of one lane did. */
export interface RelayRound {
  claimed: number;
  delivered: number;
  retried: number;
  deadLettered: number;
  /** Rows of resting webhook recipients, put off without a request. */
  deferred: number;
  /** Set when the broker refused the round's Kafka dispatches: the caller backs off. */
  brokerError?: string;
}

interface Outgoing {
  row: PendingDispatch;
  message: SignedJsonMessage;
}

/**
 * Bytes of dispatches per publish request: a partition's share stays under the broker's
 * default max.message.bytes (1 MiB) however a round's rows fall on partitions.
 */
const MAX_REQUEST_BYTES = 512 * 1024;

/** Longest a failed webhook recipient rests before the next row probes it again. */
const WEBHOOK_REST_MS = 30_000;

/**
 * Delivers due outbox rows of one lane, oldest first: each signed by Wissel (Ed25519 over
 * the RFC 8785 canonical JSON, which is also the value sent), to the recipient's Kafka topic
 * (idempotent producer, acks=all, keyed by case id) or its webhook. A failed webhook is
 * retried with exponential backoff and full jitter up to DELIVERY_MAX_ATTEMPTS, then
 * dead-lettered; a refused one (4xx) is dead-lettered at once.
 *
 * One row or one recipient never stops the lane: a row whose persons cannot be opened or
 * that cannot be signed is dead-lettered alone; a Kafka topic that is missing, not ours or
 * refuses the dispatch fails only its own rows (retried with backoff like a webhook, and
 * published on their own, after the others, while the topic keeps failing); a request over
 * the broker's size limit is split until it passes, and a single dispatch over it is
 * dead-lettered. Only a broker outage leaves the rows due and backs the whole lane off.
 */
@Injectable()
export class RelayOutboxUseCase {
  private readonly logger = new Logger('relay');
  private readonly policy: RetryPolicy;
  /** Topics whose last publish was refused: published apart, after the rest. */
  private readonly failingTopics = new Set<string>();
  /**
   * Recipients (per lane) whose last delivery failed, until when they rest: their rows are
   * deferred to then without a request, so a dead endpoint or a refusing topic costs the
   * lane one failure per backoff period, not one per row, and a topic's rows stay in order.
   */
  private readonly resting = new Map<string, Date>();

  constructor(
    private readonly config: WisselConfig,
    @Inject(ROUTING_RULES) private readonly rules: RoutingRules,
    private readonly outbox: OutboxRepository,
    @Inject(MESSAGE_PUBLISHER) private readonly publisher: MessagePublisher,
    private readonly webhooks: WebhookSender,
    private readonly keyring: WisselKeyring,
    private readonly clock: DispatchClock,
    private readonly metrics: DispatchMetrics,
    private readonly personalData: DispatchPersonalData,
  ) {
    this.policy = {
      baseMs: config.DELIVERY_RETRY_BASE_MS,
      maxMs: config.DELIVERY_RETRY_MAX_MS,
      maxAttempts: config.DELIVERY_MAX_ATTEMPTS,
    };
  }

  async execute(lane: DispatchLane = 'normal'): Promise<RelayRound> {
    const round: RelayRound = {
      claimed: 0,
      delivered: 0,
      retried: 0,
      deadLettered: 0,
      deferred: 0,
    };
    const now = this.clock.now();
    round.claimed = await this.outbox.relay(
      lane,
      this.config.OUTBOX_BATCH_SIZE,
      now,
      async (claimed) => {
        const outcomes = new Map<string, AttemptOutcome>();
        // The persons are opened from the sealed referral just before signing.
        const { completed, unreadable } = await this.personalData.completeEach(claimed);
        for (const { row, error } of unreadable) {
          this.record(
            row,
            { kind: 'dead_letter', error, reason: 'personal_data_unreadable' },
            outcomes,
            round,
          );
        }
        const outgoing = completed.flatMap((row) => this.signed(row, outcomes, round));
        const resting = (o: Outgoing) => this.restsUntil(lane, o.row.recipientId, now);
        for (const o of outgoing) {
          const until = resting(o);
          if (until)
            this.record(o.row, { kind: 'deferred', nextAttemptAt: until }, outcomes, round);
        }
        const due = outgoing.filter((o) => !resting(o));
        const kafka = due.filter((o) => this.deliveryOf(o.row).kind === 'kafka');
        const webhook = due.filter((o) => this.deliveryOf(o.row).kind === 'webhook');
        await Promise.all([
          this.publish(kafka, lane, now, outcomes, round),
          this.post(webhook, lane, now, outcomes, round),
        ]);
        return withSignatures(outcomes, outgoing);
      },
    );
    // Counts only: never URLs or personal data at info level.
    if (round.claimed > 0) this.logger.log({ lane, ...round }, 'outbox relayed');
    return round;
  }

  /** The row signed, or dead-lettered alone when it cannot be (its payload is not JSON). */
  private signed(
    row: PendingDispatch,
    outcomes: Map<string, AttemptOutcome>,
    round: RelayRound,
  ): Outgoing[] {
    try {
      return [{ row, message: this.sign(row) }];
    } catch (error) {
      const reason = 'unsignable';
      this.record(row, { kind: 'dead_letter', error: String(error), reason }, outcomes, round);
      return [];
    }
  }

  private sign(row: PendingDispatch): SignedJsonMessage {
    return signJsonMessage(row.payload, this.keyring.privateKey, this.keyring.keyId);
  }

  private deliveryOf(row: PendingDispatch): RecipientDelivery {
    // A recipient no longer in the rules keeps the topic its rows were written for.
    return this.rules.recipients.get(row.recipientId)?.delivery ?? { kind: 'kafka' };
  }

  private restKey(lane: DispatchLane, recipientId: string): string {
    return `${lane}\u0000${recipientId}`;
  }

  /** When the recipient's rest in this lane ends, if it is resting at `now`. */
  private restsUntil(lane: DispatchLane, recipientId: string, now: Date): Date | undefined {
    const until = this.resting.get(this.restKey(lane, recipientId));
    return until && until > now ? until : undefined;
  }

  private async publish(
    items: Outgoing[],
    lane: DispatchLane,
    now: Date,
    outcomes: Map<string, AttemptOutcome>,
    round: RelayRound,
  ): Promise<void> {
    // A topic the broker no longer has is refused before any request: a send to it would
    // hold up everything sent with it for the client's whole retry budget.
    const topics = [...new Set(items.map((o) => o.row.topic))];
    const missing = new Set((await this.publisher.missingTopics?.(topics)) ?? []);
    for (const topic of byTopic(items.filter((o) => missing.has(o.row.topic)))) {
      const error = `topic ${topic[0]!.row.topic} does not exist`;
      this.refuseTopic(topic, error, lane, now, outcomes, round);
    }
    const present = items.filter((o) => !missing.has(o.row.topic));
    const healthy = present.filter((o) => !this.failingTopics.has(o.row.topic));
    const suspect = present.filter((o) => this.failingTopics.has(o.row.topic));
    for (const chunk of byBytes(healthy, MAX_REQUEST_BYTES)) {
      await this.publishChunk(chunk, lane, now, outcomes, round);
    }
    for (const topic of byTopic(suspect)) {
      for (const chunk of byBytes(topic, MAX_REQUEST_BYTES)) {
        await this.publishChunk(chunk, lane, now, outcomes, round);
      }
    }
  }

  /** Publishes one request; on a failure that is not the broker's, narrows it down. */
  private async publishChunk(
    chunk: Outgoing[],
    lane: DispatchLane,
    now: Date,
    outcomes: Map<string, AttemptOutcome>,
    round: RelayRound,
  ): Promise<void> {
    if (round.brokerError !== undefined) {
      for (const { row } of chunk) {
        this.record(row, { kind: 'failed', error: round.brokerError }, outcomes, round);
      }
      return;
    }
    try {
      await this.publisher.publish(
        chunk.map(({ row, message }) => ({
          topic: row.topic,
          key: row.messageKey,
          value: message.text,
          headers: { ...outboundHeaders(row), ...message.headers },
        })),
      );
      for (const { row } of chunk) {
        this.failingTopics.delete(row.topic);
        this.resting.delete(this.restKey(lane, row.recipientId));
        this.record(row, { kind: 'delivered' }, outcomes, round);
      }
      return;
    } catch (error) {
      const failure = publishFailureOf(error);
      if (failure === 'unavailable') {
        round.brokerError = String(error);
        for (const { row } of chunk) {
          this.record(row, { kind: 'failed', error: round.brokerError }, outcomes, round);
        }
        return;
      }
      const topics = byTopic(chunk);
      if (topics.length > 1) {
        // Which topic refused? Each on its own: the others go through.
        for (const topic of topics) await this.publishChunk(topic, lane, now, outcomes, round);
        return;
      }
      const oneRecord = failure === 'too_large' || failure === 'record_refused';
      if (oneRecord && chunk.length > 1) {
        const half = Math.ceil(chunk.length / 2);
        await this.publishChunk(chunk.slice(0, half), lane, now, outcomes, round);
        await this.publishChunk(chunk.slice(half), lane, now, outcomes, round);
        return;
      }
      if (oneRecord) {
        const reason = failure === 'too_large' ? 'message_too_large' : 'record_refused';
        const row = chunk[0]!.row;
        this.record(row, { kind: 'dead_letter', error: String(error), reason }, outcomes, round);
        return;
      }
      this.refuseTopic(chunk, String(error), lane, now, outcomes, round);
    }
  }

  /**
   * One topic refuses (missing, not ours, refusing what was sent): its rows wait together,
   * one retry time for all, so they stay in order, and the recipient rests in this lane
   * until then.
   */
  private refuseTopic(
    chunk: Outgoing[],
    error: string,
    lane: DispatchLane,
    now: Date,
    outcomes: Map<string, AttemptOutcome>,
    round: RelayRound,
  ): void {
    const first = chunk[0]!.row;
    this.failingTopics.add(first.topic);
    const until = new Date(now.getTime() + retryDelayMs(first.attempts + 1, this.policy));
    this.resting.set(this.restKey(lane, first.recipientId), until);
    for (const { row } of chunk) {
      const outcome: AttemptOutcome = attemptsExhausted(row.attempts + 1, this.policy)
        ? { kind: 'dead_letter', error, reason: 'attempts_exhausted' }
        : { kind: 'retry', error, nextAttemptAt: until };
      this.record(row, outcome, outcomes, round);
    }
  }

  private async post(
    items: Outgoing[],
    lane: DispatchLane,
    now: Date,
    outcomes: Map<string, AttemptOutcome>,
    round: RelayRound,
  ): Promise<void> {
    const created = Math.floor(now.getTime() / 1000);
    let next = 0;
    // A few requests at once: one slow recipient does not hold up the others' dispatches.
    const worker = async () => {
      while (next < items.length) {
        const { row, message } = items[next++]!;
        const restsUntil = this.restsUntil(lane, row.recipientId, now);
        if (restsUntil) {
          this.record(row, { kind: 'deferred', nextAttemptAt: restsUntil }, outcomes, round);
          continue;
        }
        const target = this.deliveryOf(row) as Extract<RecipientDelivery, { kind: 'webhook' }>;
        const verdict = await this.webhooks.send({
          url: target.url,
          timeoutMs: target.timeoutMs ?? this.config.WEBHOOK_TIMEOUT_MS,
          dispatchId: row.dispatchId,
          headers: outboundHeaders(row),
          message,
          created,
        });
        const outcome = this.outcomeOf(row, verdict, now);
        const key = this.restKey(lane, row.recipientId);
        if (verdict.kind === 'delivered') this.resting.delete(key);
        if (outcome.kind === 'retry') {
          // A short rest: the next row probes the endpoint within WEBHOOK_REST_MS, however
          // long this row's own backoff is.
          const probe = new Date(now.getTime() + WEBHOOK_REST_MS);
          this.resting.set(key, outcome.nextAttemptAt < probe ? outcome.nextAttemptAt : probe);
        }
        this.record(row, outcome, outcomes, round);
      }
    };
    const workers = Math.min(this.config.WEBHOOK_CONCURRENCY, items.length);
    await Promise.all(Array.from({ length: workers }, worker));
  }

  private outcomeOf(row: PendingDispatch, verdict: WebhookVerdict, now: Date): AttemptOutcome {
    if (verdict.kind === 'delivered') return verdict;
    if (verdict.kind === 'refused') {
      return { kind: 'dead_letter', error: verdict.error, reason: verdict.reason };
    }
    return this.retryOrGiveUp(row, verdict.error, now);
  }

  /** Backoff with full jitter until DELIVERY_MAX_ATTEMPTS, then a dead letter. */
  private retryOrGiveUp(row: PendingDispatch, error: string, now: Date): AttemptOutcome {
    const failed = row.attempts + 1;
    if (attemptsExhausted(failed, this.policy)) {
      return { kind: 'dead_letter', error, reason: 'attempts_exhausted' };
    }
    const nextAttemptAt = new Date(now.getTime() + retryDelayMs(failed, this.policy));
    return { kind: 'retry', error, nextAttemptAt };
  }

  private record(
    row: PendingDispatch,
    outcome: AttemptOutcome,
    outcomes: Map<string, AttemptOutcome>,
    round: RelayRound,
  ): void {
    outcomes.set(row.seq, outcome);
    if (outcome.kind === 'deferred') {
      round.deferred++;
      return;
    }
    if (outcome.kind === 'delivered') round.delivered++;
    if (outcome.kind === 'retry') round.retried++;
    if (outcome.kind === 'dead_letter') round.deadLettered++;
    const refused = outcome.kind === 'dead_letter' && outcome.reason !== 'attempts_exhausted';
    this.metrics.attempt(
      row.recipientId,
      outcome.kind === 'delivered' ? 'delivered' : refused ? 'refused' : 'failed',
    );
    if (outcome.kind === 'dead_letter') {
      this.metrics.deadLettered(row.recipientId);
      // Ids and the reason only: the dispatch holds reported URLs.
      this.logger.warn(
        { dispatchId: row.dispatchId, recipient: row.recipientId, reason: outcome.reason },
        'dispatch dead-lettered; replay with npm run dispatches -- replay',
      );
    }
  }
}

/**
 * Keeps the signature each delivered dispatch went out with (chain of custody): a
 * custody export shows it, and anyone holding the JWKS can check it against the payload.
 */
function withSignatures(
  outcomes: Map<string, AttemptOutcome>,
  outgoing: Outgoing[],
): Map<string, AttemptOutcome> {
  for (const { row, message } of outgoing) {
    const outcome = outcomes.get(row.seq);
    if (outcome?.kind !== 'delivered') continue;
    const keyId = message.headers[WISSEL_SIGNATURE_HEADERS.keyId];
    const value = message.headers[WISSEL_SIGNATURE_HEADERS.signature];
    if (keyId !== undefined && value !== undefined) {
      outcomes.set(row.seq, { ...outcome, signature: { keyId, value } });
    }
  }
  return outcomes;
}

/** Items grouped by topic, in order of first appearance. */
function byTopic(items: Outgoing[]): Outgoing[][] {
  const groups = new Map<string, Outgoing[]>();
  for (const item of items) {
    const group = groups.get(item.row.topic);
    if (group) group.push(item);
    else groups.set(item.row.topic, [item]);
  }
  return [...groups.values()];
}

/** Consecutive runs of items of at most `maxBytes` of values (at least one item each). */
function byBytes(items: Outgoing[], maxBytes: number): Outgoing[][] {
  const chunks: Outgoing[][] = [];
  let chunk: Outgoing[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(item.message.text);
    if (chunk.length > 0 && bytes + size > maxBytes) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(item);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/**
 * The row's headers and its message id: the outbox row's own id, unique per message (a
 * dispatch's is its dispatch id, a lifecycle message's its messageId).
 */
function outboundHeaders(row: PendingDispatch): Record<string, string> {
  return { ...row.headers, [MessageHeaders.messageId]: row.dispatchId };
}
