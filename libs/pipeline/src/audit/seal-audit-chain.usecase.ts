import { Injectable } from '@nestjs/common';
import { seal } from '@wissel/domain';
import { AuditChainRepository } from '@wissel/persistence';
import { canonicalJson } from '@wissel/signing';

/** Events sealed per transaction: bounded so one round never holds the lock for long. */
const BATCH = 5000;

/** Seals every committed, unsealed audit event into the hash chain; returns how many. */
@Injectable()
export class SealAuditChainUseCase {
  constructor(private readonly chain: AuditChainRepository) {}

  async execute(): Promise<number> {
    let total = 0;
    for (;;) {
      const sealed = await this.chain.seal(
        (head, events) => seal(head, events, canonicalJson),
        BATCH,
      );
      total += sealed;
      if (sealed < BATCH) return total;
    }
  }
}
