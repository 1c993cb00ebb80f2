import { Injectable } from '@nestjs/common';
import { WisselConfig } from '@wissel/config';
import { PdqIndex } from '@wissel/domain';
import { CaseRepository, type PdqRow } from '@wissel/persistence';

const REFRESH_PAGE = 10_000;
const FLUSH_AFTER = 1024;
/**
 * How long a missing id is looked for: longer than any intake transaction may live (the
 * apps' statement and idle-in-transaction timeouts end one long before), after which the
 * id was rolled back and will never appear.
 */
const GAP_WAIT_MS = 15 * 60_000;
/**
 * Most missing ids looked for at once (in-flight and rolled-back batches leave a few
 * hundred); a larger jump is rows deleted long ago, not rows still to commit.
 */
const MAX_GAPS = 10_000;

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
  /**
   * Ids below lastRowId not seen yet, with when they were first missed. Identity values
   * are taken at insert and become visible at commit: with several partitions or routers,
   * a row with a lower id can commit after a higher one was read. Reading `id > last`
   * alone would skip it for ever; these are looked for again at each catch-up.
   */
  private readonly gaps = new Map<bigint, number>();

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
    let read = await this.fillGaps();
    for (;;) {
      const rows = await this.cases.pdqRowsAfter(this.lastRowId, REFRESH_PAGE);
      read += rows.length;
      for (const row of rows) {
        this.noteGapsBefore(BigInt(row.id));
        this.add(row);
        this.lastRowId = row.id;
      }
      if (rows.length < REFRESH_PAGE) break;
    }
    // After a large catch-up (the start-up load), index it now in one segment rather than
    // inside the next lookup; a few new hashes stay in the index's small unindexed tail.
    if (read > FLUSH_AFTER) this.index.flush();
  }

  private add(row: PdqRow): void {
    this.index.add(this.caseOfEntry.length, row.pdq);
    this.caseOfEntry.push(row.caseId);
  }

  /** Ids skipped between the last row read and this one: maybe still to commit. */
  private noteGapsBefore(id: bigint): void {
    if (id - BigInt(this.lastRowId) > BigInt(MAX_GAPS)) return;
    const now = Date.now();
    for (let missing = BigInt(this.lastRowId) + 1n; missing < id; missing++) {
      if (this.gaps.size >= MAX_GAPS) return;
      this.gaps.set(missing, now);
    }
  }

  /** Reads the rows that have filled a gap since; forgets gaps too old to be filled. */
  private async fillGaps(): Promise<number> {
    if (this.gaps.size === 0) return 0;
    const now = Date.now();
    for (const [id, since] of this.gaps) if (now - since > GAP_WAIT_MS) this.gaps.delete(id);
    if (this.gaps.size === 0) return 0;
    const rows = await this.cases.pdqRowsById([...this.gaps.keys()].map(String));
    for (const row of rows) {
      this.gaps.delete(BigInt(row.id));
      this.add(row);
    }
    return rows.length;
  }
}
