import { type EntityManager } from 'typeorm';
import { AuditTrail } from '../audit/audit-trail';
import { type DecisionRows } from './referral-intake.repository';

// Stateless: a free function records through a module instance.
const audit = new AuditTrail();

/**
 * Writes one re-decision row (it supersedes the decision in force); shared by re-routing
 * (disclosures, lifted holds) and the lifecycle (moved, not our jurisdiction), with its
 * audit event.
 */
export async function insertRedecision(
  manager: EntityManager,
  referralId: string,
  decision: DecisionRows['decision'],
  cause: string,
  supersedes: string,
  decidedAt: Date = new Date(),
): Promise<void> {
  const d = decision;
  await manager.query(
    `INSERT INTO decision (id, referral_id, rule, recipients, dropped_for_loop, evidence,
                           ruleset_version, routes, removal_countries, investigation_countries,
                           held, confidence, cause, supersedes_id, decided_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [
      d.id,
      referralId,
      d.rule,
      JSON.stringify(d.recipients),
      JSON.stringify(d.droppedForLoop),
      JSON.stringify(d.evidence),
      d.rulesetVersion,
      JSON.stringify(d.routes ?? []),
      JSON.stringify(d.removalCountries ?? []),
      JSON.stringify(d.investigationCountries ?? []),
      d.held ?? false,
      d.confidence ?? null,
      cause,
      supersedes,
      decidedAt,
    ],
  );
  await audit.record(manager, {
    action: 'referral.redecided',
    subject: referralId,
    details: {
      decisionId: d.id,
      supersedes,
      cause,
      rule: d.rule,
      rulesetVersion: d.rulesetVersion,
      recipients: d.recipients,
      held: d.held ?? false,
    },
  });
}
