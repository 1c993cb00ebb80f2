import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { AuditTrail } from '../audit/audit-trail';

export type PoliceHoldKind = 'url' | 'domain' | 'hash' | 'asn';

export interface PoliceHoldRow {
  id: string;
  kind: PoliceHoldKind;
  value: string;
  reason: string | null;
  reference: string | null;
  setBy: string;
  createdAt: Date;
  expiresAt: Date;
  liftedAt: Date | null;
  liftedBy: string | null;
}

const COLUMNS = `id, kind, value, reason, reference, set_by AS "setBy", created_at AS "createdAt",
  expires_at AS "expiresAt", lifted_at AS "liftedAt", lifted_by AS "liftedBy"`;

/** Police deconfliction holds: set, lifted, and the active ones that match a batch. */
@Injectable()
export class PoliceHoldRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditTrail = new AuditTrail(),
  ) {}

  async insert(hold: {
    id: string;
    kind: PoliceHoldKind;
    value: string;
    reason?: string;
    reference?: string;
    setBy: string;
    expiresAt: Date;
  }): Promise<PoliceHoldRow | undefined> {
    // A redelivered "set" (same id) stores nothing: undefined, and the first one stands.
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query(
        `INSERT INTO police_hold (id, kind, value, reason, reference, set_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO NOTHING
       RETURNING ${COLUMNS}`,
        [
          hold.id,
          hold.kind,
          hold.value,
          hold.reason ?? null,
          hold.reference ?? null,
          hold.setBy,
          hold.expiresAt,
        ],
      );
      if (row) await this.audit.record(manager, holdEvent('hold.set', row as PoliceHoldRow));
      return row as PoliceHoldRow | undefined;
    });
  }

  /** Lifts a hold that is not lifted yet; undefined when there is no such hold. */
  async lift(id: string, liftedBy: string): Promise<PoliceHoldRow | undefined> {
    return this.dataSource.transaction(async (manager) => {
      const [rows] = await manager.query(
        `UPDATE police_hold SET lifted_at = now(), lifted_by = $2
          WHERE id = $1 AND lifted_at IS NULL
          RETURNING ${COLUMNS}`,
        [id, liftedBy],
      );
      const row = (rows as PoliceHoldRow[])[0];
      if (row) await this.audit.record(manager, holdEvent('hold.lifted', row));
      return row;
    });
  }

  /**
   * Ends every hold whose expiry has passed at `at` and is not lifted yet, recording the
   * expiry as the moment it ended (lifted_by 'expiry'); returns them, so the referrals they
   * held can be released. One statement: two routers running it release each hold once.
   */
  async liftExpired(at: Date): Promise<PoliceHoldRow[]> {
    return this.dataSource.transaction(async (manager) => {
      const [rows] = await manager.query(
        `UPDATE police_hold SET lifted_at = expires_at, lifted_by = 'expiry'
          WHERE lifted_at IS NULL AND expires_at <= $1
          RETURNING ${COLUMNS}`,
        [at],
      );
      const expired = rows as PoliceHoldRow[];
      await this.audit.recordMany(
        manager,
        expired.map((row) => holdEvent('hold.expired', row)),
      );
      return expired;
    });
  }

  async find(id: string): Promise<PoliceHoldRow | undefined> {
    const rows: PoliceHoldRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM police_hold WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  /**
   * The holds active at `at` on any of these (kind, value) pairs: one indexed lookup for a
   * whole batch, so the table can grow without the router reading all of it.
   */
  async activeOn(
    keys: Array<{ kind: PoliceHoldKind; value: string }>,
    at: Date,
  ): Promise<PoliceHoldRow[]> {
    if (keys.length === 0) return [];
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM police_hold
        WHERE lifted_at IS NULL AND expires_at > $3
          AND (kind, value) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [keys.map((k) => k.kind), keys.map((k) => k.value), at],
    );
  }
}

/** The audit event of a hold: its id, kind and expiry; never its value (a URL key, a hash). */
function holdEvent(action: string, row: PoliceHoldRow) {
  return {
    action,
    subject: row.id,
    details: { kind: row.kind, expiresAt: new Date(row.expiresAt).toISOString() },
  };
}
