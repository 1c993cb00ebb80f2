import { Registry } from 'prom-client';
import { type WisselConfig } from '@wissel/config';
import { type CaseRepository, type PdqRow } from '@wissel/persistence';
import { PdqCaseIndex } from './pdq-case-index';

const PDQ = 'f'.repeat(64);

/** The stored media_pdq rows, and a switch to make the next read fail as a lost database would. */
class StoredRows {
  rows: PdqRow[] = [];
  failNext = 0;
  reads = 0;
  generation = 0;
  async pdqGeneration(): Promise<string> {
    return String(this.generation);
  }
  async pdqRowsById(ids: string[]): Promise<PdqRow[]> {
    return this.rows.filter((r) => ids.includes(r.id));
  }
  async pdqIdBelowNewest(keep: number): Promise<string> {
    const sorted = [...this.rows].sort((a, b) => Number(BigInt(b.id) - BigInt(a.id)));
    return sorted[keep]?.id ?? '0';
  }
  async pdqRowsAfter(afterId: string, limit: number): Promise<PdqRow[]> {
    this.reads++;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('connection terminated unexpectedly');
    }
    return this.rows.filter((r) => BigInt(r.id) > BigInt(afterId)).slice(0, limit);
  }
}

describe('PdqCaseIndex', () => {
  const config = { PDQ_MAX_DISTANCE: 31, PDQ_INDEX_MAX_ENTRIES: 1000 } as WisselConfig;

  it('recovers after a failed catch-up: one database error fails one batch, not every later one', async () => {
    const stored = new StoredRows();
    const index = new PdqCaseIndex(config, stored as unknown as CaseRepository);
    stored.rows.push({ id: '1', caseId: 'case-1', pdq: PDQ });
    stored.failNext = 1;
    await expect(index.forBatch([PDQ])).rejects.toThrow('connection terminated');
    const view = await index.forBatch([PDQ]);
    expect(view.casesNear([PDQ])).toEqual(['case-1']);
    expect(stored.reads).toBe(2);
  });
});

describe('PdqCaseIndex: rows committed out of id order', () => {
  const config = { PDQ_MAX_DISTANCE: 31, PDQ_INDEX_MAX_ENTRIES: 1000 } as WisselConfig;
  const OTHER = '0'.repeat(64);

  /** Stored rows as a reader sees them: only those committed so far. */
  class CommittedRows extends StoredRows {}

  it('finds a row that committed after a higher id was read', async () => {
    const stored = new CommittedRows();
    const index = new PdqCaseIndex(config, stored as unknown as CaseRepository);
    // id 2 is still in its transaction when 3 is read.
    stored.rows.push(
      { id: '1', caseId: 'case-1', pdq: OTHER },
      { id: '3', caseId: 'case-3', pdq: OTHER },
    );
    expect((await index.forBatch([PDQ])).casesNear([PDQ])).toEqual([]);
    stored.rows.push({ id: '2', caseId: 'case-2', pdq: PDQ });
    expect((await index.forBatch([PDQ])).casesNear([PDQ])).toEqual(['case-2']);
    // Found once: not added twice.
    expect((await index.forBatch([PDQ])).casesNear([PDQ])).toEqual(['case-2']);
  });
});

describe('PdqCaseIndex: gaps across a rebuild', () => {
  const config = { PDQ_MAX_DISTANCE: 31, PDQ_INDEX_MAX_ENTRIES: 100_000 } as WisselConfig;
  const OTHER = '0'.repeat(64);

  it('still finds a row committed out of order after a rebuild over the holes a purge left', async () => {
    const stored = new StoredRows();
    const index = new PdqCaseIndex(config, stored as unknown as CaseRepository);
    for (let id = 1; id < 20_000; id++) {
      stored.rows.push({ id: String(id), caseId: `case-${id}`, pdq: OTHER });
    }
    expect((await index.forBatch([PDQ])).casesNear([PDQ])).toEqual([]);
    // The purge leaves holes of under 10,000 ids each, more than 10,000 in all.
    const kept = new Set(['1', '5000', '10000', '15000', '19999']);
    stored.rows = stored.rows.filter((r) => kept.has(r.id));
    stored.generation++;
    // 20000 is still in its transaction when the rebuild reads 20001.
    stored.rows.push({ id: '20001', caseId: 'case-20001', pdq: OTHER });
    expect((await index.forBatch([PDQ])).casesNear([PDQ])).toEqual([]);
    expect(index.size).toBe(6);
    stored.rows.push({ id: '20000', caseId: 'case-20000', pdq: PDQ });
    expect((await index.forBatch([PDQ])).casesNear([PDQ])).toEqual(['case-20000']);
  });

  it('keeps looking for a gap of before the rebuild, and adds it once', async () => {
    const stored = new StoredRows();
    const index = new PdqCaseIndex(config, stored as unknown as CaseRepository);
    stored.rows.push(
      { id: '1', caseId: 'case-1', pdq: OTHER },
      { id: '3', caseId: 'case-3', pdq: OTHER },
    );
    await index.forBatch([PDQ]);
    stored.generation++;
    await index.forBatch([PDQ]);
    // 2 commits after the rebuild: still looked for.
    stored.rows.push({ id: '2', caseId: 'case-2', pdq: PDQ });
    expect((await index.forBatch([PDQ])).casesNear([PDQ])).toEqual(['case-2']);
    expect((await index.forBatch([PDQ])).casesNear([PDQ])).toEqual(['case-2']);
    expect(index.size).toBe(3);
  });
});

describe('PdqCaseIndex: deletions and the entry limit', () => {
  /** A distinct hash per n: far apart (each differs from the others in many bits). */
  const hash = (n: number) => n.toString(16).padStart(2, '0').repeat(32);
  const row = (n: number) => ({ id: String(n), caseId: `case-${n}`, pdq: hash(n) });
  const near = async (index: PdqCaseIndex, n: number) =>
    (await index.forBatch([hash(n)])).casesNear([hash(n)]);

  it('drops deleted hashes once the purge bumps the generation, and only then', async () => {
    const stored = new StoredRows();
    const config = { PDQ_MAX_DISTANCE: 0, PDQ_INDEX_MAX_ENTRIES: 1000 } as WisselConfig;
    const index = new PdqCaseIndex(config, stored as unknown as CaseRepository);
    stored.rows.push(row(1), row(2));
    expect(await near(index, 1)).toEqual(['case-1']);
    stored.rows = stored.rows.filter((r) => r.id !== '1');
    // Without a new generation the append-only index cannot know.
    expect(await near(index, 1)).toEqual(['case-1']);
    stored.generation++;
    expect(await near(index, 1)).toEqual([]);
    expect(await near(index, 2)).toEqual(['case-2']);
    expect(index.size).toBe(1);
    // New rows after the rebuild are still caught up.
    stored.rows.push(row(3));
    expect(await near(index, 3)).toEqual(['case-3']);
  });

  it('holds at most PDQ_INDEX_MAX_ENTRIES, keeping the newest and counting the evicted', async () => {
    const stored = new StoredRows();
    const registry = new Registry();
    const config = { PDQ_MAX_DISTANCE: 0, PDQ_INDEX_MAX_ENTRIES: 10 } as WisselConfig;
    const index = new PdqCaseIndex(config, stored as unknown as CaseRepository, registry);
    for (let n = 1; n <= 25; n++) stored.rows.push(row(n));
    expect(await near(index, 25)).toEqual(['case-25']);
    // The start-up load already keeps only the newest 10.
    expect(index.size).toBe(10);
    expect(await near(index, 15)).toEqual([]);
    expect(await near(index, 16)).toEqual(['case-16']);
    // One more: over the limit, back to the newest 90% (9), two evicted.
    stored.rows.push(row(26));
    expect(await near(index, 26)).toEqual(['case-26']);
    expect(index.size).toBe(9);
    expect(await near(index, 17)).toEqual([]);
    expect(await near(index, 18)).toEqual(['case-18']);
    const evicted = await registry.getSingleMetricAsString('wissel_pdq_index_evictions_total');
    expect(evicted).toMatch(/wissel_pdq_index_evictions_total 2$/m);
    // Whatever arrives at once, the index ends under the limit.
    for (let n = 27; n <= 60; n++) stored.rows.push(row(n));
    await near(index, 60);
    expect(index.size).toBeLessThanOrEqual(10);
    expect(await near(index, 60)).toEqual(['case-60']);
  });
});
