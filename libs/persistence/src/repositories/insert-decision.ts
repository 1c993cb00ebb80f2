import { type EntityManager } from 'typeorm';
import { type DecisionRows } from './referral-intake.repository';

/**
 * Writes one re-decision row (it supersedes the decision in force); shared by re-routing
 * (disclosures, lifted holds) and the lifecycle (moved, not our jurisdiction).
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
}
