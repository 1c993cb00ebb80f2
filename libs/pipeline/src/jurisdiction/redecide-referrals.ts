import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ROUTING_RULES } from '@wissel/config';
import {
  contextFromEvidence,
  decide,
  effectivePriority,
  factsFromEvidence,
  investigationPriority,
  submitterFromEvidence,
  type CanonicalReferral,
  type RoutingRules,
} from '@wissel/domain';
import { Topics } from '@wissel/messaging';
import { DecisionRecordRepository, type ReferralForRedecision } from '@wissel/persistence';
import { PersonalDataSealer } from '../data-protection/personal-data-sealer';
import { prepareDispatches } from '../intake/prepare-dispatches';
import { RoutingFactsGatherer } from './routing-facts-gatherer';

export type RedecisionCause = 'origin_disclosure' | 'hold_lifted';

export interface Redecision {
  referralId: string;
  decisionId: string;
  rule: string;
  /** Recipients the referral is sent to now, that it had not been sent to before. */
  newRecipients: string[];
}

/**
 * Decides stored referrals again when what they rest on changed (an origin was disclosed,
 * a police hold was lifted): from the stored canonical referral and the traces in the
 * stored evidence (no DNS), with the holds and disclosures in force now. The new decision
 * supersedes the old one, which stays for the record; only recipients that never had the
 * referral get an outbox row, so nobody is sent it twice.
 */
@Injectable()
export class RedecideReferrals {
  private readonly logger = new Logger('redecide');

  constructor(
    @Inject(ROUTING_RULES) private readonly rules: RoutingRules,
    private readonly topics: Topics,
    private readonly decisions: DecisionRecordRepository,
    private readonly facts: RoutingFactsGatherer,
    private readonly sealer: PersonalDataSealer,
  ) {}

  async redecide(rows: ReferralForRedecision[], cause: RedecisionCause): Promise<Redecision[]> {
    const done: Redecision[] = [];
    for (const row of rows) {
      const result = await this.redecideOne(row, cause);
      if (result) done.push(result);
    }
    this.logger.log({ cause, candidates: rows.length, redecided: done.length }, 're-decided');
    return done;
  }

  private async redecideOne(
    row: ReferralForRedecision,
    cause: RedecisionCause,
  ): Promise<Redecision | undefined> {
    // The persons count for the investigation jurisdiction: opened for the decision only.
    const referral: CanonicalReferral = this.sealer.openReferral(
      row.referralId,
      row.canonical,
      row.personalData,
    );
    const stored = factsFromEvidence(row.latest.evidence, referral);
    const context = contextFromEvidence(row.latest.evidence);
    const [current] = await this.facts.current([{ referral, hosts: stored.hosts }]);
    const decision = {
      id: randomUUID(),
      ...decide(
        referral,
        this.rules,
        context,
        { ...stored, ...current! },
        submitterFromEvidence(row.latest.evidence),
      ),
    };
    const already = new Set(await this.decisions.dispatchedRecipients(row.referralId));
    const newRecipients = decision.recipients.filter((id) => !already.has(id));
    const priority = investigationPriority(effectivePriority(referral), context);
    const dispatches = prepareDispatches(
      { referralId: row.referralId, caseId: row.caseId, investigationPriority: priority },
      referral,
      decision,
      { topics: this.topics, node: this.rules.node },
      newRecipients,
    );
    const saved = await this.decisions.supersede(row.referralId, row.latest.id, cause, {
      decision,
      dispatches,
    });
    // Another re-decision of this referral won the race: it already reflects the change.
    if (!saved) return undefined;
    return {
      referralId: row.referralId,
      decisionId: decision.id,
      rule: decision.rule,
      newRecipients,
    };
  }
}
