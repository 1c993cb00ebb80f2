import { type CanonicalReferral } from '../referral/canonical-referral';
import { type Recipient } from './routing-rules';

/** Never send a referral back to whoever sent it or to anyone it already passed through. */
export function cameThrough(referral: CanonicalReferral, recipient: Recipient): boolean {
  const hops = new Set(referral.via.map((hop) => hop.toLowerCase()));
  hops.add(referral.sourceRef.system.toLowerCase());
  return [recipient.id, ...recipient.hopIds].some((name) => hops.has(name.toLowerCase()));
}
