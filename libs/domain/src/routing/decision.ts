import { JURISDICTION_RULES, type JurisdictionDecision } from './jurisdiction';

/**
 * The outcome of routing one referral, kept so an operator can read why: every route
 * (recipient, purpose, rule, country, locators), the jurisdictions, whether a police hold
 * applied, the confidence, the evidence it rests on and the rule-set version.
 */
export interface Decision extends JurisdictionDecision {
  /** The rule that fired: the first route's rule, police_hold, joined_open_case or loop. */
  rule: DecisionRule;
  evidence: Record<string, unknown>;
  rulesetVersion: string;
}

/**
 * The rules a decision (and a submission's status) can name. `loop`: the referral already
 * passed through this node; it is not routed again.
 */
export const DECISION_RULES = [...JURISDICTION_RULES, 'joined_open_case', 'loop'] as const;

export type DecisionRule = (typeof DECISION_RULES)[number];
