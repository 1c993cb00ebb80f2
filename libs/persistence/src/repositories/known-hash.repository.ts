import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';

export type KnownHashKind = 'md5' | 'sha1' | 'sha256' | 'photodna' | 'pdq';
export interface KnownHash {
  kind: KnownHashKind;
  hash: string;
}

/** Known-material hash lists (e.g. a hotline's or a police database's). */
@Injectable()
export class KnownHashRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Adds hashes to a list; a hash already known stays with its first list. Returns how many were new. */
  async import(list: string, hashes: KnownHash[]): Promise<number> {
    if (hashes.length === 0) return 0;
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO known_hash (kind, hash, list)
       SELECT h.kind, h.hash, $2 FROM jsonb_to_recordset($1::jsonb) AS h(kind text, hash text)
       ON CONFLICT DO NOTHING
       RETURNING 1`,
      [JSON.stringify(hashes), list],
    );
    return rows.length;
  }

  /** Which of these hashes are on any list, as "kind:hash" strings. */
  async known(hashes: KnownHash[]): Promise<Set<string>> {
    if (hashes.length === 0) return new Set();
    const rows: KnownHash[] = await this.dataSource.query(
      `SELECT k.kind, k.hash FROM known_hash k
        JOIN jsonb_to_recordset($1::jsonb) AS h(kind text, hash text) ON h.kind = k.kind AND h.hash = k.hash`,
      [JSON.stringify(hashes)],
    );
    return new Set(rows.map((r) => `${r.kind}:${r.hash}`));
  }
}
