import { Inject, Injectable, Logger } from '@nestjs/common';
import { ROUTING_RULES, WisselConfig } from '@wissel/config';
import { type RecipientDelivery, type RoutingRules } from '@wissel/domain';
import { MESSAGE_PUBLISHER, type MessagePublisher } from '@wissel/messaging';
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
  /** Set when the broker refused the round's Kafka dispatches: the caller backs off. */
  brokerError?: string;
}

interface Outgoing {
  row: PendingDispatch;
  message: SignedJsonMessage;
}

/**
 * Delivers due outbox rows of one lane, oldest first: each signed by Wissel (Ed25519 over
 * the RFC 8785 canonical JSON, which is also the value sent), to the recipient's Kafka topic
 * (idempotent producer, acks=all, keyed by case id) or its webhook. A failed webhook is
 * retried with exponential backoff and full jitter up to DELIVERY_MAX_ATTEMPTS, then
 * dead-lettered; a refused one (4xx) is dead-lettered at once. Kafka failures keep the
 * producer's own retries and leave the rows due, so the whole round is tried again.
 */
@Injectable()
export class RelayOutboxUseCase {
  private readonly logger = new Logger('relay');
  private readonly policy: RetryPolicy;

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
    const round: RelayRound = { claimed: 0, delivered: 0, retried: 0, deadLettered: 0 };
    const now = this.clock.now();
    round.claimed = await this.outbox.relay(
      lane,
      this.config.OUTBOX_BATCH_SIZE,
      now,
      async (claimed) => {
        // The persons are opened from the sealed referral just before signing (W11).
        const rows = await this.personalData.complete(claimed);
        const outgoing = rows.map((row) => ({ row, message: this.sign(row) }));
        const kafka = outgoing.filter((o) => this.deliveryOf(o.row).kind === 'kafka');
        const webhook = outgoing.filter((o) => this.deliveryOf(o.row).kind === 'webhook');
        const outcomes = new Map<string, AttemptOutcome>();
        await Promise.all([
          this.publish(kafka, outcomes, round),
          this.post(webhook, now, outcomes, round),
        ]);
        return withSignatures(outcomes, outgoing);
      },
    );
    // Counts only: never URLs or personal data at info level.
    if (round.claimed > 0) this.logger.log({ lane, ...round }, 'outbox relayed');
    return round;
  }

  private sign(row: PendingDispatch): SignedJsonMessage {
    return signJsonMessage(row.payload, this.keyring.privateKey, this.keyring.keyId);
  }

  private deliveryOf(row: PendingDispatch): RecipientDelivery {
    // A recipient no longer in the rules keeps the topic its rows were written for.
    return this.rules.recipients.get(row.recipientId)?.delivery ?? { kind: 'kafka' };
  }

  private async publish(
    items: Outgoing[],
    outcomes: Map<string, AttemptOutcome>,
    round: RelayRound,
  ): Promise<void> {
    if (items.length === 0) return;
    try {
      await this.publisher.publish(
        items.map(({ row, message }) => ({
          topic: row.topic,
          key: row.messageKey,
          value: message.text,
          headers: { ...row.headers, ...message.headers },
        })),
      );
      for (const { row } of items) this.record(row, { kind: 'delivered' }, outcomes, round);
    } catch (error) {
      round.brokerError = String(error);
      for (const { row } of items) {
        this.record(row, { kind: 'failed', error: round.brokerError }, outcomes, round);
      }
    }
  }

  private async post(
    items: Outgoing[],
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
        const target = this.deliveryOf(row) as Extract<RecipientDelivery, { kind: 'webhook' }>;
        const verdict = await this.webhooks.send({
          url: target.url,
          timeoutMs: target.timeoutMs ?? this.config.WEBHOOK_TIMEOUT_MS,
          dispatchId: row.dispatchId,
          headers: row.headers,
          message,
          created,
        });
        this.record(row, this.outcomeOf(row, verdict, now), outcomes, round);
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
    const failed = row.attempts + 1;
    if (attemptsExhausted(failed, this.policy)) {
      return { kind: 'dead_letter', error: verdict.error, reason: 'attempts_exhausted' };
    }
    const nextAttemptAt = new Date(now.getTime() + retryDelayMs(failed, this.policy));
    return { kind: 'retry', error: verdict.error, nextAttemptAt };
  }

  private record(
    row: PendingDispatch,
    outcome: AttemptOutcome,
    outcomes: Map<string, AttemptOutcome>,
    round: RelayRound,
  ): void {
    outcomes.set(row.seq, outcome);
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
 * Keeps the signature each delivered dispatch went out with (chain of custody, W11): a
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
