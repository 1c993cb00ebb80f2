import { type WisselConfig } from '@wissel/config';
import { type CaseRepository, type PdqRow } from '@wissel/persistence';
import { PdqCaseIndex } from './pdq-case-index';

const PDQ = 'f'.repeat(64);

/** The stored media_pdq rows, and a switch to make the next read fail as a lost database would. */
class StoredRows {
  rows: PdqRow[] = [];
  failNext = 0;
  reads = 0;
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
  const config = { PDQ_MAX_DISTANCE: 31 } as WisselConfig;

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
  const config = { PDQ_MAX_DISTANCE: 31 } as WisselConfig;
  const OTHER = '0'.repeat(64);

  /** Stored rows as a reader sees them: only those committed so far. */
  class CommittedRows extends StoredRows {
    async pdqRowsById(ids: string[]): Promise<PdqRow[]> {
      return this.rows.filter((r) => ids.includes(r.id));
    }
  }

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
