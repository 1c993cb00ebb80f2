import { type CanonicalReferral } from '../referral/canonical-referral';
import { type Decision } from './decision';
import { findRecipient, type Recipient, type RoutingRules } from './routing-rules';

/**
 * The walking skeleton's decision (W1): trust the sender's hosting-country hint and route
 * to that country's hotline; with no usable hint, route to review. The real jurisdiction
 * rules (tracing, CDNs, investigation routes) replace this in W5; loop prevention is
 * already real because it is absolute.
 */
export function decidePlaceholder(referral: CanonicalReferral, rules: RoutingRules): Decision {
  const hint = referral.hints?.hostingCountry?.toUpperCase();
  const evidence = { hostingCountryHint: hint ?? null };
  const base = { rulesetVersion: rules.version, evidence };

  if (!hint) {
    return {
      ...base,
      rule: 'no_hosting_hint',
      recipients: [rules.reviewRecipient],
      droppedForLoop: [],
    };
  }
  const chosen = recipientForCountry(hint, rules);
  if (!chosen) {
    return {
      ...base,
      rule: 'hosting_hint_unknown_country',
      recipients: [rules.reviewRecipient],
      droppedForLoop: [],
    };
  }
  if (cameThrough(referral, chosen)) {
    return {
      ...base,
      rule: 'loop_prevented',
      recipients: [rules.reviewRecipient],
      droppedForLoop: [chosen.id],
    };
  }
  return { ...base, rule: 'hosting_hint', recipients: [chosen.id], droppedForLoop: [] };
}

/** At home the national hotline takes removal; abroad, that country's partner hotline. */
function recipientForCountry(country: string, rules: RoutingRules): Recipient | undefined {
  const home = country === rules.home.toUpperCase();
  return findRecipient(rules, home ? 'national_hotline' : 'partner_hotline', country);
}

/** Never send a referral back to whoever sent it or to anyone it already passed through. */
export function cameThrough(referral: CanonicalReferral, recipient: Recipient): boolean {
  const hops = new Set(referral.via.map((hop) => hop.toLowerCase()));
  hops.add(referral.sourceRef.system.toLowerCase());
  return [recipient.id, ...recipient.hopIds].some((name) => hops.has(name.toLowerCase()));
}
