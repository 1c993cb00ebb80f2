import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';

/** Nonces partners have signed with, kept until no signature carrying them can be fresh. */
@Injectable()
export class PartnerNonceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Claims a nonce for a partner: true the first time, false on a replay. The primary key
   * is the claim (INSERT … ON CONFLICT DO NOTHING), so two gateways racing agree. A row
   * past its expiry still counts until it is purged; that only refuses more, never less.
   */
  async claim(partnerId: string, nonce: string, expiresAt: Date): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO partner_nonce (partner_id, nonce, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [partnerId, nonce, expiresAt],
    );
    return rows.length === 1;
  }

  /** Deletes nonces that expired before `now`; returns how many. */
  async purgeExpired(now: Date): Promise<number> {
    // Wrapped in a SELECT: TypeORM returns [rows, count] for a bare DELETE.
    const rows: Array<{ n: number }> = await this.dataSource.query(
      `WITH gone AS (DELETE FROM partner_nonce WHERE expires_at < $1 RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [now],
    );
    return rows[0]?.n ?? 0;
  }
}
