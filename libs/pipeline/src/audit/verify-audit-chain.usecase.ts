import { Injectable } from '@nestjs/common';
import { firstBrokenLink, type BrokenLink, type ChainEntry } from '@wissel/domain';
import { AuditChainRepository } from '@wissel/persistence';
import { canonicalJson } from '@wissel/signing';

const PAGE = 2000;

export type AuditVerdict =
  | { intact: true; entries: number }
  | { intact: false; entries: number; broken: BrokenLink }
  | { intact: false; entries: number; unsealed: { count: number; firstId: string } };

/**
 * Walks the whole chain in seq order, recomputing each entry's hash from its event as
 * stored, and stops at the first broken link. Then checks that no event older than the
 * grace period was left out of the chain (a sealer that stopped, or an event slipped in).
 */
@Injectable()
export class VerifyAuditChainUseCase {
  constructor(private readonly chain: AuditChainRepository) {}

  async execute(options: { unsealedGraceMs: number; now?: Date }): Promise<AuditVerdict> {
    let previous: Pick<ChainEntry, 'seq' | 'hash'> | undefined;
    let entries = 0;
    for (;;) {
      const links = await this.chain.links(previous?.seq ?? 0, PAGE);
      const broken = firstBrokenLink(links, canonicalJson, previous);
      if (broken) return { intact: false, entries, broken };
      entries += links.length;
      if (links.length < PAGE) break;
      previous = links[links.length - 1]!.entry;
    }
    const before = new Date((options.now ?? new Date()).getTime() - options.unsealedGraceMs);
    const unsealed = await this.chain.unsealedBefore(before);
    if (unsealed.count > 0 && unsealed.firstId !== null) {
      return {
        intact: false,
        entries,
        unsealed: { count: unsealed.count, firstId: unsealed.firstId },
      };
    }
    return { intact: true, entries };
  }
}
