import { type HostTraceFacts } from '@wissel/domain';

/** Where a trace places a host: each public address's country and AS, as `country|asn`. */
function placements(trace: HostTraceFacts | undefined): Set<string> {
  const keys = (trace?.addresses ?? [])
    .filter((a) => a.range === 'unicast')
    .map((a) => `${a.geoCountry ?? a.registeredCountry ?? ''}|${a.asn ?? ''}`)
    .filter((key) => key !== '|');
  return new Set(keys);
}

/**
 * The hosts that a fresh trace places somewhere else than the stored one did: it found
 * public addresses, and none is in a country and AS the stored trace had. A host that no
 * longer resolves has not moved as far as Wissel can tell (it may be gone, or the DNS may
 * be failing): that is for the escalation to say, not a reason to re-route.
 */
export function movedHosts(stored: HostTraceFacts[], fresh: HostTraceFacts[]): string[] {
  const before = new Map(stored.map((t) => [t.host, placements(t)]));
  return fresh
    .filter((trace) => {
      const now = placements(trace);
      const then = before.get(trace.host);
      if (now.size === 0 || !then || then.size === 0) return false;
      return ![...now].some((key) => then.has(key));
    })
    .map((trace) => trace.host);
}
