import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { scrub } from '@wissel/observability';
import { NotFoundError } from '../partners/partner-errors';
import { dispatchId as validId } from './dispatch-id';

/**
 * One dispatch as an operator inspects it from the dashboard: where it stands in delivery
 * and in its lifecycle, why it failed, and the decision behind it — never the referral
 * itself (its URLs and metadata stay in the decision record, GET
 * /admin/referrals/{id}/decision). The last error is scrubbed of URLs and addresses: a
 * transport error can quote one.
 */
export interface DispatchInspection {
  dispatchId: string;
  referralId: string;
  caseId: string | null;
  recipientId: string;
  topic: string;
  lane: string;
  investigationPriority: string | null;
  source: { system: string; format: string; receivedAt: string };
  decision: {
    id: string | null;
    rule: string | null;
    rulesetVersion: string | null;
    held: boolean | null;
    confidence: string | null;
    routes: unknown[];
  };
  delivery: {
    createdAt: string;
    publishedAt: string | null;
    attempts: number;
    replays: number;
    lastAttemptAt: string | null;
    nextAttemptAt: string | null;
    deadLetteredAt: string | null;
    deadLetterReason: string | null;
    lastError: string | null;
  };
  /** The lifecycle status once the recipient acked; null before. */
  lifecycleStatus: string | null;
}

interface Row {
  dispatchId: string;
  referralId: string;
  caseId: string | null;
  recipientId: string;
  topic: string;
  lane: string;
  priority: string | null;
  decision: Record<string, unknown> | null;
  sourceSystem: string;
  format: string;
  receivedAt: Date;
  createdAt: Date;
  publishedAt: Date | null;
  attempts: number;
  replays: number;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date | null;
  deadLetteredAt: Date | null;
  deadLetterReason: string | null;
  lastError: string | null;
  lifecycleStatus: string | null;
}

const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());
const text = (v: unknown) => (typeof v === 'string' ? v : null);

@Injectable()
export class InspectDispatchUseCase {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async execute(dispatchId: string): Promise<DispatchInspection> {
    const [row] = (await this.dataSource.query(
      `SELECT o.dispatch_id AS "dispatchId", o.referral_id AS "referralId",
              o.payload->>'caseId' AS "caseId", o.recipient_id AS "recipientId", o.topic, o.lane,
              o.payload->>'investigationPriority' AS priority, o.payload->'decision' AS decision,
              r.source_system AS "sourceSystem", r.format, r.received_at AS "receivedAt",
              o.created_at AS "createdAt", o.published_at AS "publishedAt", o.attempts, o.replays,
              o.last_attempt_at AS "lastAttemptAt", o.next_attempt_at AS "nextAttemptAt",
              o.dead_lettered_at AS "deadLetteredAt", o.dead_letter_reason AS "deadLetterReason",
              o.last_error AS "lastError", s.status AS "lifecycleStatus"
         FROM outbox o JOIN referral r ON r.id = o.referral_id
         LEFT JOIN dispatch_state s ON s.dispatch_id = o.dispatch_id
        WHERE o.dispatch_id = $1`,
      [validId(dispatchId)],
    )) as Row[];
    if (!row) throw new NotFoundError('dispatch_not_found', 'no dispatch with this id');
    const decision = row.decision ?? {};
    return {
      dispatchId: row.dispatchId,
      referralId: row.referralId,
      caseId: row.caseId,
      recipientId: row.recipientId,
      topic: row.topic,
      lane: row.lane,
      investigationPriority: row.priority,
      source: {
        system: row.sourceSystem,
        format: row.format,
        receivedAt: new Date(row.receivedAt).toISOString(),
      },
      decision: {
        id: text(decision.id),
        rule: text(decision.rule),
        rulesetVersion: text(decision.rulesetVersion),
        held: typeof decision.held === 'boolean' ? decision.held : null,
        confidence: text(decision.confidence),
        // Purpose, rule, country and locator indexes: no locator itself.
        routes: Array.isArray(decision.routes) ? decision.routes : [],
      },
      delivery: {
        createdAt: new Date(row.createdAt).toISOString(),
        publishedAt: iso(row.publishedAt),
        attempts: row.attempts,
        replays: row.replays,
        lastAttemptAt: iso(row.lastAttemptAt),
        nextAttemptAt: iso(row.nextAttemptAt),
        deadLetteredAt: iso(row.deadLetteredAt),
        deadLetterReason: row.deadLetterReason,
        lastError: row.lastError === null ? null : scrub(row.lastError),
      },
      lifecycleStatus: row.lifecycleStatus,
    };
  }
}
