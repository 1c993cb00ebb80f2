import {
  mediaHashKeys,
  referralHosts,
  referralKeys,
  type CanonicalReferral,
  type HostTraceFacts,
  type MatchedHold,
} from '@wissel/domain';
import { type PoliceHoldKind, type PoliceHoldRow } from '@wissel/persistence';

export interface HoldKey {
  kind: PoliceHoldKind;
  value: string;
}

/**
 * Everything a hold could name in one referral: its URL keys, every domain suffix of its
 * hosts (a hold on example.com covers cdn.example.com), every media hash, and the AS of
 * every traced address.
 */
export function holdKeys(
  referral: CanonicalReferral,
  traces: readonly HostTraceFacts[],
): HoldKey[] {
  const keys = new Map<string, HoldKey>();
  const add = (kind: PoliceHoldKind, value: string) =>
    keys.set(`${kind} ${value}`, { kind, value });
  referralKeys(referral).urlKeys.forEach((key) => add('url', key));
  for (const host of referralHosts(referral)) {
    const labels = host.split('.');
    // An IP literal is not a domain; its AS is covered below.
    if (!host.includes(':') && !/^\d+(\.\d+){3}$/.test(host)) {
      labels.forEach((_, i) => add('domain', labels.slice(i).join('.')));
    }
  }
  for (const media of referral.media) {
    mediaHashKeys(media.hashes).forEach(({ kind, key }) => add('hash', `${kind}:${key}`));
  }
  const hosts = new Set(referralHosts(referral));
  for (const trace of traces) {
    if (!hosts.has(trace.host)) continue;
    for (const address of trace.addresses) {
      if (address.asn !== undefined) add('asn', String(address.asn));
    }
  }
  return [...keys.values()];
}

/** The active holds among `holds` that name one of the referral's keys. */
export function matchHolds(
  keys: readonly HoldKey[],
  holds: readonly PoliceHoldRow[],
): MatchedHold[] {
  const wanted = new Set(keys.map((key) => `${key.kind} ${key.value}`));
  return holds
    .filter((hold) => wanted.has(`${hold.kind} ${hold.value}`))
    .map((hold) => ({
      id: hold.id,
      until: new Date(hold.expiresAt).toISOString(),
      kind: hold.kind,
      ...(hold.reference ? { reference: hold.reference } : {}),
    }));
}
