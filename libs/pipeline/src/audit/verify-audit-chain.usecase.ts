import { Injectable } from '@nestjs/common';
import { firstBrokenLink, type BrokenLink, type ChainEntry } from '@wissel/domain';
import { AuditChainRepository } from '@wissel/persistence';
import { canonicalJson } from '@wissel/signing';

const PAGE = 2000;

/** Where the walk started when the oldest part of the chain was pruned (the anchor). */
export interface VerifiedFrom {
  seq: number;
  prunedEvents: number;
}

export type AuditVerdict =
  | { intact: true; entries: number; from?: VerifiedFrom }
  | { intact: false; entries: number; broken: BrokenLink; from?: VerifiedFrom }
  | {
      intact: false;
      entries: number;
      unsealed: { count: number; firstId: string };
      from?: VerifiedFrom;
    };

/**
 * Walks the whole chain in seq order, recomputing each entry's hash from its event as
 * stored, and stops at the first broken link. Once the oldest part was pruned, the walk
 * starts at the latest anchor (the seq and hash of the last pruned entry): the first
 * entry kept must follow it and name its hash, and the anchor must be attested by the
 * `audit.pruned` event the prune wrote into the log, so neither deleting entries after the
 * anchor nor writing an anchor by hand goes unnoticed. Then checks that no event older than the
 * grace period was left out of the chain (a sealer that stopped, or an event slipped in).
 */
@Injectable()
export class VerifyAuditChainUseCase {
  constructor(private readonly chain: AuditChainRepository) {}

  async execute(options: { unsealedGraceMs: number; now?: Date }): Promise<AuditVerdict> {
    // One snapshot: a prune committing during the walk is not read as a break.
    return this.chain.snapshot((chain) => this.verify(chain, options));
  }

  private async verify(
    chain: AuditChainRepository,
    options: { unsealedGraceMs: number; now?: Date },
  ): Promise<AuditVerdict> {
    const anchor = await chain.anchor();
    let previous: Pick<ChainEntry, 'seq' | 'hash'> | undefined = anchor;
    // Pruning takes a prefix from seq 1: every entry up to the anchor went.
    const from = anchor ? { from: { seq: anchor.seq, prunedEvents: anchor.seq } } : {};
    if (anchor && !(await chain.anchorAttested(anchor))) {
      const broken: BrokenLink = {
        seq: anchor.seq,
        eventId: '-',
        reason: 'anchor_unattested',
        expected: `an audit.pruned event naming seq ${anchor.seq} and hash ${anchor.hash}`,
        found: 'none',
      };
      return { intact: false, entries: 0, broken, ...from };
    }
    let entries = 0;
    for (;;) {
      const links = await chain.links(previous?.seq ?? 0, PAGE);
      const broken = firstBrokenLink(links, canonicalJson, previous);
      if (broken) return { intact: false, entries, broken, ...from };
      entries += links.length;
      if (links.length < PAGE) break;
      previous = links[links.length - 1]!.entry;
    }
    const before = new Date((options.now ?? new Date()).getTime() - options.unsealedGraceMs);
    const unsealed = await chain.unsealedBefore(before);
    if (unsealed.count > 0 && unsealed.firstId !== null) {
      return {
        intact: false,
        entries,
        unsealed: { count: unsealed.count, firstId: unsealed.firstId },
        ...from,
      };
    }
    return { intact: true, entries, ...from };
  }
}
