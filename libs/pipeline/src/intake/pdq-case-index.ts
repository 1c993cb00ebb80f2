import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { type Counter, type Gauge, type Registry } from 'prom-client';
import { WisselConfig } from '@wissel/config';
import { indexSizeAfterEviction, PdqIndex } from '@wissel/domain';
import { counterOn, gaugeOn, METRICS, METRICS_REGISTRY } from '@wissel/observability';
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
 * The PDQ near-duplicate layer: an in-memory multi-index over the stored PDQ hashes,
 * caught up from the database before each use, so hashes stored by other router
 * instances are found too. Rebuilt from the database on start; nothing here is the
 * source of truth.
 *
 * The index only appends (by row id), so deletions reach it by a generation: the retention
 * purge bumps pdq_index_generation in the transaction that deletes hashes, and a catch-up
 * that reads a new generation rebuilds from the database (rare: at most once per purge run
 * that deleted any). The generation is read before the rows, so a purge that commits
 * during a rebuild is seen at the next catch-up.
 *
 * Memory is bounded by PDQ_INDEX_MAX_ENTRIES: past it, the index rebuilds with the newest
 * 90% (by row id) and counts the rest in wissel_pdq_index_evictions_total, with a warning:
 * an evicted hash is no longer matched, so a new referral of that picture starts a new case
 * (the URL and exact-hash layers still join it). Rebuilding per tenth of the limit rather
 * than dropping one entry per new one keeps the cost of a full rebuild rare.
 */
@Injectable()
export class PdqCaseIndex {
  private readonly logger = new Logger('pdq-index');
  private index: PdqIndex;
  /** Index entry → case id (entries are numbered in insertion order). */
  private caseOfEntry: string[] = [];
  private lastRowId = '0';
  /** The pdq_index_generation the index was built at; undefined before the first load. */
  private generation: string | undefined;
  private readonly maxEntries: number;
  private readonly evictions: Counter | undefined;
  private readonly entries: Gauge | undefined;
  /**
   * Ids below lastRowId not seen yet, with when they were first missed. Identity values
   * are taken at insert and become visible at commit: with several partitions or routers,
   * a row with a lower id can commit after a higher one was read. Reading `id > last`
   * alone would skip it for ever; these are looked for again at each catch-up.
   */
  private readonly gaps = new Map<bigint, number>();
  /**
   * Ids up to here were read before the last rebuild: a hole among them is a deletion or a
   * rollback already known (or a gap still in `gaps`), never a new gap to look for.
   */
  private readBefore = 0n;

  private readonly maxDistance: number;

  constructor(
    config: WisselConfig,
    private readonly cases: CaseRepository,
    @Optional() @Inject(METRICS_REGISTRY) registry?: Registry,
  ) {
    this.maxDistance = config.PDQ_MAX_DISTANCE;
    this.maxEntries = config.PDQ_INDEX_MAX_ENTRIES;
    this.index = new PdqIndex({ maxDistance: this.maxDistance });
    this.evictions = registry && counterOn(registry, METRICS.pdqIndexEvictions);
    this.entries = registry && gaugeOn(registry, METRICS.pdqIndexEntries);
  }

  /** Hashes in the index now (for tests and the gauge). */
  get size(): number {
    return this.caseOfEntry.length;
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
    const generation = await this.cases.pdqGeneration();
    let read = 0;
    if (generation !== this.generation) {
      // The first load, or hashes were deleted since the index was built.
      read += await this.rebuild(this.maxEntries);
      this.generation = generation;
    } else {
      read += await this.fillGaps();
      read += await this.readAfterLast();
    }
    // At the limit: the newest 90% again. Rows stored during a rebuild may overshoot once
    // more; a few rounds bring it back under whatever the input.
    for (let round = 0; round < 3 && this.caseOfEntry.length > this.maxEntries; round++) {
      const before = this.caseOfEntry.length;
      read = await this.rebuild(indexSizeAfterEviction(this.maxEntries));
      const evicted = Math.max(0, before - this.caseOfEntry.length);
      this.evictions?.inc(evicted);
      this.logger.warn(
        { limit: this.maxEntries, evicted, kept: this.caseOfEntry.length },
        'PDQ index at PDQ_INDEX_MAX_ENTRIES: the oldest hashes are no longer matched',
      );
    }
    this.entries?.set(this.caseOfEntry.length);
    // After a large catch-up (the start-up load), index it now in one segment rather than
    // inside the next lookup; a few new hashes stay in the index's small unindexed tail.
    if (read > FLUSH_AFTER) this.index.flush();
  }

  /**
   * Starts again from the database with the newest `keep` rows (and any stored since). The
   * gaps still looked for stay (a row committed late is read by the rebuild or later); the
   * holes the purge left below the last id read are not noted again: they would fill the
   * gap map, and a gap above it would then go unnoted.
   */
  private async rebuild(keep: number): Promise<number> {
    const below = await this.cases.pdqIdBelowNewest(keep);
    this.index = new PdqIndex({ maxDistance: this.maxDistance });
    this.caseOfEntry = [];
    if (BigInt(this.lastRowId) > this.readBefore) this.readBefore = BigInt(this.lastRowId);
    // A gap at or below `below` is a row the limit leaves out anyway.
    for (const id of this.gaps.keys()) if (id <= BigInt(below)) this.gaps.delete(id);
    this.lastRowId = below;
    return this.readAfterLast();
  }

  private async readAfterLast(): Promise<number> {
    let read = 0;
    for (;;) {
      const rows = await this.cases.pdqRowsAfter(this.lastRowId, REFRESH_PAGE);
      read += rows.length;
      for (const row of rows) {
        this.noteGapsBefore(BigInt(row.id));
        // A gap the rebuild reads is filled.
        this.gaps.delete(BigInt(row.id));
        this.add(row);
        this.lastRowId = row.id;
      }
      if (rows.length < REFRESH_PAGE) return read;
    }
  }

  private add(row: PdqRow): void {
    this.index.add(this.caseOfEntry.length, row.pdq);
    this.caseOfEntry.push(row.caseId);
  }

  /** Ids skipped between the last row read and this one: maybe still to commit. */
  private noteGapsBefore(id: bigint): void {
    const last = BigInt(this.lastRowId);
    const from = last > this.readBefore ? last : this.readBefore;
    if (id - from > BigInt(MAX_GAPS)) return;
    const now = Date.now();
    for (let missing = from + 1n; missing < id; missing++) {
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
