import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';

export interface PdqRow {
  id: string;
  caseId: string;
  pdq: string;
}

/** Reads and lifecycle changes of cases outside the intake transaction. */
@Injectable()
export class CaseRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** PDQ hashes stored after `afterId`, oldest first: the near-duplicate index catches up with these. */
  async pdqRowsAfter(afterId: string, limit: number): Promise<PdqRow[]> {
    return this.dataSource.query(
      `SELECT id::text, case_id AS "caseId", pdq FROM media_pdq WHERE id > $1 ORDER BY id LIMIT $2`,
      [afterId, limit],
    );
  }

  /**
   * The PDQ index generation: bumped by the retention purge whenever it deletes PDQ
   * hashes, so that every router's in-memory index rebuilds without them.
   */
  async pdqGeneration(): Promise<string> {
    const [row] = (await this.dataSource.query(
      `SELECT generation::text AS generation FROM pdq_index_generation WHERE id = 1`,
    )) as Array<{ generation: string }>;
    return row?.generation ?? '0';
  }

  /**
   * The id below the newest `keep` PDQ rows ('0' when there are no more than `keep`): an
   * index limited to `keep` entries loads the rows after it.
   */
  async pdqIdBelowNewest(keep: number): Promise<string> {
    const [row] = (await this.dataSource.query(
      `SELECT id::text FROM media_pdq ORDER BY id DESC OFFSET $1 LIMIT 1`,
      [keep],
    )) as Array<{ id: string }>;
    return row?.id ?? '0';
  }

  /** PDQ rows by id: gaps the index saw, filled by transactions that committed later. */
  async pdqRowsById(ids: string[]): Promise<PdqRow[]> {
    return this.dataSource.query(
      `SELECT id::text, case_id AS "caseId", pdq FROM media_pdq WHERE id = ANY($1::bigint[]) ORDER BY id`,
      [ids],
    );
  }

  /**
   * Records confirmed removal of a case's material (acknowledgements, W6). A later report
   * of the same URL then starts a new incident linked to this case.
   */
  async markRemoved(caseId: string, at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE "case" SET status = 'removed', removed_at = $2 WHERE id = $1 AND status = 'open'`,
      [caseId, at],
    );
  }
}
