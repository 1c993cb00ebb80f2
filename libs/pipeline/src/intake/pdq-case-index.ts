import { Injectable } from '@nestjs/common';
import { WisselConfig } from '@wissel/config';
import { PdqIndex } from '@wissel/domain';
import { CaseRepository } from '@wissel/persistence';

const REFRESH_PAGE = 10_000;
const FLUSH_AFTER = 1024;

export interface BatchPdqView {
  casesNear(pdqHashes: string[]): string[];
  remember(pdqHashes: string[], caseId: string): void;
}

/**
 * The PDQ near-duplicate layer: an in-memory multi-index over every stored PDQ hash,
 * caught up from the database before each use, so hashes stored by other router
 * instances are found too. Rebuilt from the database on start; nothing here is the
 * source of truth.
 */
@Injectable()
export class PdqCaseIndex {
  private readonly index: PdqIndex;
  /** Index entry → case id (entries are numbered in insertion order). */
  private readonly caseOfEntry: string[] = [];
  private lastRowId = '0';

  private readonly maxDistance: number;

  constructor(
    config: WisselConfig,
    private readonly cases: CaseRepository,
  ) {
    this.maxDistance = config.PDQ_MAX_DISTANCE;
    this.index = new PdqIndex({ maxDistance: this.maxDistance });
  }

  /**
   * A view for one intake batch: the stored hashes (caught up now) plus the hashes of the
   * batch's referrals as they are attached, so a near-duplicate later in the same batch is
   * found too. Batch-local entries vanish with the view; committed ones come back through
   * the database.
   */
  async forBatch(batchHashes: string[]): Promise<BatchPdqView> {
    if (batchHashes.length > 0) await this.catchUp();
    // The stored index does not change while the view lives, so the whole batch is looked up
    // at once: queryMany probes the index in address order, several times the single rate.
    const unique = [...new Set(batchHashes)];
    const stored = new Map<string, string[]>();
    this.index.queryMany(unique).forEach((matches, k) =>
      stored.set(
        unique[k]!,
        matches.map((m) => this.caseOfEntry[m.id]!),
      ),
    );
    const local = new PdqIndex({ maxDistance: this.maxDistance });
    const localCases: string[] = [];
    return {
      casesNear: (pdqHashes) => {
        const found = new Set<string>();
        for (const pdq of pdqHashes) {
          const cases =
            stored.get(pdq) ?? this.index.query(pdq).map((m) => this.caseOfEntry[m.id]!);
          for (const caseId of cases) found.add(caseId);
          for (const m of local.query(pdq)) found.add(localCases[m.id]!);
        }
        return [...found];
      },
      remember: (pdqHashes, caseId) => {
        for (const pdq of pdqHashes) {
          local.add(localCases.length, pdq);
          localCases.push(caseId);
        }
      },
    };
  }

  private catching: Promise<void> = Promise.resolve();

  /**
   * Serialised: batches of several partitions may ask at once. A failed read (the database
   * was away) fails the batch that asked, but never the chain: the next catch-up starts
   * from the last row read, rather than from a rejected promise for ever.
   */
  private catchUp(): Promise<void> {
    const next = this.catching.then(() => this.readNewRows());
    this.catching = next.catch(() => undefined);
    return next;
  }

  private async readNewRows(): Promise<void> {
    let read = 0;
    for (;;) {
      const rows = await this.cases.pdqRowsAfter(this.lastRowId, REFRESH_PAGE);
      read += rows.length;
      for (const row of rows) {
        this.index.add(this.caseOfEntry.length, row.pdq);
        this.caseOfEntry.push(row.caseId);
        this.lastRowId = row.id;
      }
      if (rows.length < REFRESH_PAGE) break;
    }
    // After a large catch-up (the start-up load), index it now in one segment rather than
    // inside the next lookup; a few new hashes stay in the index's small unindexed tail.
    if (read > FLUSH_AFTER) this.index.flush();
  }
}
