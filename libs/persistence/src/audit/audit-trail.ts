import { Injectable } from '@nestjs/common';
import { currentAuditActor } from './audit-actor';

/** A state change or operator action, as recorded. Ids, codes and digests only: never a URL. */
export interface AuditRecord {
  /** A stable dotted code: `referral.stored`, `dispatch.published`, `hold.set`, … */
  action: string;
  /** The id it happened to. */
  subject: string;
  details?: Record<string, unknown>;
  /** Defaults to the current audit actor (an operator's request, a CLI user, or 'system'). */
  actor?: string;
}

/** Anything that runs SQL inside the caller's transaction: an EntityManager or a QueryRunner. */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * Writes audit events inside the caller's transaction: they commit, or vanish, with the
 * change they record. One INSERT per call however many events, and no lock beyond the
 * row's own: the chain is sealed later, by AuditChainRepository, from committed events.
 */
@Injectable()
export class AuditTrail {
  async record(runner: SqlRunner, event: AuditRecord): Promise<void> {
    await this.recordMany(runner, [event]);
  }

  async recordMany(runner: SqlRunner, events: readonly AuditRecord[]): Promise<void> {
    if (events.length === 0) return;
    const actor = currentAuditActor();
    await runner.query(
      `INSERT INTO audit_event (actor, action, subject, details)
       SELECT e.value->>'actor', e.value->>'action', e.value->>'subject', e.value->'details'
         FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(value, n)
        ORDER BY e.n`,
      [
        JSON.stringify(
          events.map((e) => ({
            actor: e.actor ?? actor,
            action: e.action,
            subject: e.subject,
            details: e.details ?? {},
          })),
        ),
      ],
    );
  }
}
