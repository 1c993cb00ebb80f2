import { type RoutingRules } from '@wissel/domain';

/**
 * The recipients a partner of the signed API acts for when it acks dispatches: those whose
 * id, or one of whose `hopIds` (the names it goes by in a referral's `via` list), is the
 * partner's id — so the routing file, which already says who each recipient is, says it
 * here too. Compared without case, like hop ids.
 */
export function recipientsActedFor(rules: RoutingRules, partnerId: string): Set<string> {
  const id = partnerId.toLowerCase();
  const ids = [...rules.recipients.values()]
    .filter((r) => r.id === id || r.hopIds.some((hop) => hop.toLowerCase() === id))
    .map((r) => r.id);
  return new Set(ids);
}
