import { type CanonicalReferral } from '../referral/canonical-referral';
import { type NodeIdentity, type Recipient } from './routing-rules';

/** Never send a referral back to whoever sent it or to anyone it already passed through. */
export function cameThrough(referral: CanonicalReferral, recipient: Recipient): boolean {
  const hops = new Set(referral.via.map((hop) => hop.toLowerCase()));
  hops.add(referral.sourceRef.system.toLowerCase());
  return [recipient.id, ...recipient.hopIds].some((name) => hops.has(name.toLowerCase()));
}

/** Where a referral names this node: it went out from here before and came back. */
export interface LoopFinding {
  /** This node's hop id as the referral names it. */
  hop: string;
  field: 'via' | 'sourceRef.system';
  /** The position in `via` (field via). */
  position?: number;
}

/**
 * Whether the referral already passed through this node (one of its hop ids in `via`, or
 * as the source system). Such a referral is not routed again: whatever it would be sent to
 * may be where it came from last time. Hop ids compare without case, as in `cameThrough`.
 */
export function loopThroughNode(
  referral: Pick<CanonicalReferral, 'via' | 'sourceRef'>,
  node: NodeIdentity,
): LoopFinding | undefined {
  const own = new Set(node.hopIds.map((id) => id.toLowerCase()));
  const position = referral.via.findIndex((hop) => own.has(hop.toLowerCase()));
  if (position >= 0) return { hop: referral.via[position]!, field: 'via', position };
  if (own.has(referral.sourceRef.system.toLowerCase())) {
    return { hop: referral.sourceRef.system, field: 'sourceRef.system' };
  }
  return undefined;
}

/** The `via` a referral leaves this node with: the hops it came through, then this node. */
export function viaLeavingNode(via: readonly string[], node: NodeIdentity): string[] {
  return [...via, node.hopIds[0]!];
}

/**
 * The `via` a dispatched copy came in with: without this node's hop, which it appended on
 * the way out (`viaLeavingNode`). A copy from before this node named itself is unchanged.
 */
export function viaAsReceived(via: readonly string[], node: NodeIdentity): string[] {
  return via.at(-1) === node.hopIds[0] ? via.slice(0, -1) : [...via];
}
