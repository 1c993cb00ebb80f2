import { type BrokenLink, firstBrokenLink, prunablePrefix } from '@wissel/domain';
import { type PrunePlanner } from '@wissel/persistence';
import { canonicalJson } from '@wissel/signing';

/** The audit chain does not verify where a prune would start: nothing is pruned. */
export class AuditChainBrokenError extends Error {
  readonly code = 'audit_chain_broken';
  constructor(readonly broken: BrokenLink) {
    super(`the audit chain is broken at seq ${broken.seq} (${broken.reason}): not pruned`);
  }
}

/**
 * How much of the chain after the anchor the audit prune takes at `cutoff`: first every
 * link it read is checked from the anchor on (seq, prev_hash, the event's hash), and a
 * break refuses the prune, since deleting it would erase the evidence; then the prefix
 * past its retention, never the head.
 */
export function auditPrunePlanner(cutoff: Date): PrunePlanner {
  return (links, headSeq, previous) => {
    const broken = firstBrokenLink(links, canonicalJson, previous);
    if (broken) throw new AuditChainBrokenError(broken);
    const entries = links.map((l) => ({
      seq: l.entry.seq,
      occurredAt: new Date(l.event!.occurredAt),
    }));
    return prunablePrefix(entries, cutoff, headSeq);
  };
}
