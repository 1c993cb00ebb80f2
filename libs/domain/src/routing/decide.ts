import { type CaseContext } from '../dedup/case-context';
import { urlKey } from '../dedup/url-key';
import { type CanonicalReferral } from '../referral/canonical-referral';
import { type Decision } from './decision';
import { hostingFindings } from './hosting';
import { investigationFindings } from './investigation';
import { decideJurisdiction } from './jurisdiction';
import { toEvidenceFacts } from './evidence-facts';
import { loopThroughNode } from './loop';
import { NO_FACTS, type RoutingFacts } from './routing-facts';
import { type RoutingRules } from './routing-rules';
import { unknownLocations } from './unknown-locations';
import { type Submitter } from './submitter';

/**
 * Decides one referral once de-duplication has placed it in a case and its hosts are
 * traced. A referral that already passed through this node (a loop) is sent nowhere. A
 * referral that only repeats URLs its open case already holds strengthens that
 * case and starts no second chain of notices; everything else goes through the
 * jurisdiction rules. The evidence holds the case, the findings and every fact used, so
 * the same referral can be decided again from the record alone.
 */
export function decide(
  referral: CanonicalReferral,
  rules: RoutingRules,
  context: CaseContext,
  facts: RoutingFacts = NO_FACTS,
  submitter?: Submitter,
): Decision {
  const hosting = hostingFindings(referral, facts, rules);
  const investigation = investigationFindings(referral, facts);
  const unknown = unknownLocations(referral, facts, hosting, rules);
  const evidence = {
    caseId: context.caseId,
    dedupLayer: context.layer,
    ...(context.previousCaseId ? { previousCaseId: context.previousCaseId } : {}),
    newUrlKeys: context.newUrlKeys,
    knownMedia: context.knownMedia,
    unknownMedia: context.unknownMedia,
    hostingCountryHint: referral.hints?.hostingCountry?.toUpperCase() ?? null,
    hosting,
    investigation,
    unknownLocations: unknown,
    facts: toEvidenceFacts(facts, referral),
    ...(submitter
      ? { submitter: { partnerId: submitter.partnerId, recipients: [...submitter.recipients] } }
      : {}),
  };
  const base = { evidence, rulesetVersion: rules.version };
  const nobody = {
    routes: [],
    recipients: [],
    droppedForLoop: [],
    removalCountries: [],
    investigationCountries: [],
    held: false,
    confidence: 'high' as const,
  };
  const loop = loopThroughNode(referral, rules.node);
  if (loop) return { ...base, evidence: { ...evidence, loop }, ...nobody, rule: 'loop' };
  const repeatsOpenCase =
    context.layer === 'url' && context.newUrlKeys.length === 0 && !referral.incident.policeOnly;
  if (repeatsOpenCase) {
    return { ...base, ...nobody, rule: 'joined_open_case' };
  }
  const decision = decideJurisdiction(
    referral,
    {
      hosting,
      investigation,
      holds: facts.holds,
      noticedLocators: noticedLocators(referral, context),
      unknownLocations: unknown,
      ...(submitter ? { submitter } : {}),
    },
    rules,
  );
  const rule = decision.held ? 'police_hold' : decision.routes[0]!.rule;
  return { ...base, ...decision, rule };
}

/** The case context a stored decision was made in, for deciding the referral again. */
export function contextFromEvidence(evidence: Record<string, unknown>): CaseContext {
  const e = evidence as Partial<Record<string, unknown>>;
  return {
    caseId: String(e.caseId),
    layer: e.dedupLayer as CaseContext['layer'],
    newUrlKeys: (e.newUrlKeys as string[] | undefined) ?? [],
    ...(typeof e.previousCaseId === 'string' ? { previousCaseId: e.previousCaseId } : {}),
    knownMedia: (e.knownMedia as number[] | undefined) ?? [],
    unknownMedia: (e.unknownMedia as number[] | undefined) ?? [],
  };
}

/**
 * The locators whose URL the case already held when the referral joined it (a report
 * listing them again beside a new URL): their notice is the case's, not this referral's.
 * A new case, or a re-upload's, holds none.
 */
function noticedLocators(referral: CanonicalReferral, context: CaseContext): Set<number> {
  const noticed = new Set<number>();
  if (context.layer === 'new' || context.layer === 'reupload') return noticed;
  const fresh = new Set(context.newUrlKeys);
  referral.locators.forEach((locator, index) => {
    if (locator.url !== undefined && !fresh.has(urlKey(locator.url))) noticed.add(index);
  });
  return noticed;
}
