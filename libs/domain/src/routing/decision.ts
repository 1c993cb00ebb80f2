/** The outcome of routing one referral, kept so an operator can read why. */
export interface Decision {
  /** Machine-readable name of the rule that fired. */
  rule: DecisionRule;
  recipients: string[];
  /** Recipients a rule chose but that were dropped because the referral came through them. */
  droppedForLoop: string[];
  evidence: Record<string, unknown>;
  rulesetVersion: string;
}

export type DecisionRule =
  | 'hosting_hint'
  | 'hosting_hint_unknown_country'
  | 'no_hosting_hint'
  | 'loop_prevented'
  | 'joined_open_case';
