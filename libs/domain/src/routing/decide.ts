import { type CaseContext } from '../dedup/case-context';
import { type CanonicalReferral } from '../referral/canonical-referral';
import { decidePlaceholder } from './decide-placeholder';
import { type Decision } from './decision';
import { type RoutingRules } from './routing-rules';

/**
 * Decides one referral once de-duplication has placed it in a case. A referral that only
 * repeats URLs its open case already holds strengthens that case and starts no second
 * chain of notices; everything else is routed (the placeholder rules until W5).
 */
export function decide(
  referral: CanonicalReferral,
  rules: RoutingRules,
  context: CaseContext,
): Decision {
  const caseEvidence = {
    caseId: context.caseId,
    dedupLayer: context.layer,
    ...(context.previousCaseId ? { previousCaseId: context.previousCaseId } : {}),
    knownMedia: context.knownMedia,
    unknownMedia: context.unknownMedia,
  };
  const repeatsOpenCase =
    context.layer === 'url' && context.newUrlKeys.length === 0 && !referral.incident.policeOnly;
  if (repeatsOpenCase) {
    return {
      rule: 'joined_open_case',
      recipients: [],
      droppedForLoop: [],
      evidence: caseEvidence,
      rulesetVersion: rules.version,
    };
  }
  const decision = decidePlaceholder(referral, rules);
  return { ...decision, evidence: { ...decision.evidence, ...caseEvidence } };
}
