import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { AuditTrail } from '../audit/audit-trail';

export interface OriginDisclosureRow {
  id: string;
  suffix: string;
  originCountry: string | null;
  originIps: string[];
  /** The origin IPs as located when disclosed (address facts). */
  origins: unknown[];
  disclosedBy: string;
  note: string | null;
  createdAt: Date;
  /** A partner's, unconfirmed: the source systems it applies to. Null: every referral. */
  sourceSystems: string[] | null;
  expiresAt: Date;
  confirmedBy: string | null;
  withdrawnAt: Date | null;
}

const COLUMNS = `id, suffix, origin_country AS "originCountry", origin_ips AS "originIps", origins,
  disclosed_by AS "disclosedBy", note, created_at AS "createdAt",
  source_systems AS "sourceSystems", expires_at AS "expiresAt", confirmed_by AS "confirmedBy",
  withdrawn_at AS "withdrawnAt"`;

/** The host suffix as a digest: the audit log holds no host names or URLs. */
const suffixDigest = (suffix: string) => createHash('sha256').update(suffix).digest('hex');

/** Where the origin behind a CDN-fronted host is, as operators and partners disclosed it. */
@Injectable()
export class OriginDisclosureRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditTrail = new AuditTrail(),
  ) {}

  async insert(disclosure: {
    id: string;
    suffix: string;
    originCountry?: string;
    originIps: string[];
    origins: unknown[];
    disclosedBy: string;
    note?: string;
    sourceSystems?: string[];
    expiresAt: Date;
  }): Promise<OriginDisclosureRow> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query(
        `INSERT INTO origin_disclosure (id, suffix, origin_country, origin_ips, origins, disclosed_by, note,
                                        source_systems, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       RETURNING ${COLUMNS}`,
        [
          disclosure.id,
          disclosure.suffix,
          disclosure.originCountry ?? null,
          JSON.stringify(disclosure.originIps),
          JSON.stringify(disclosure.origins),
          disclosure.disclosedBy,
          disclosure.note ?? null,
          disclosure.sourceSystems ?? null,
          disclosure.expiresAt,
        ],
      );
      await this.audit.record(manager, {
        action: 'origin.disclosed',
        subject: disclosure.id,
        details: {
          suffixSha256: suffixDigest(disclosure.suffix),
          originCountry: disclosure.originCountry ?? null,
          originIps: disclosure.originIps.length,
          sourceSystems: disclosure.sourceSystems ?? null,
          expiresAt: disclosure.expiresAt.toISOString(),
        },
      });
      return row as OriginDisclosureRow;
    });
  }

  /** Disclosures in force for any of these suffixes (every suffix of a batch's hosts), newest first. */
  async forSuffixes(suffixes: string[], now = new Date()): Promise<OriginDisclosureRow[]> {
    if (suffixes.length === 0) return [];
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM origin_disclosure
        WHERE suffix = ANY($1::text[]) AND withdrawn_at IS NULL AND expires_at > $2
        ORDER BY created_at DESC, id`,
      [suffixes, now],
    );
  }

  async find(id: string): Promise<OriginDisclosureRow | undefined> {
    const rows: OriginDisclosureRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM origin_disclosure WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  /**
   * Withdraws a disclosure in force (`disclosedBy`, when given, must be who made it: a
   * partner withdraws only its own). Undefined when there was none to withdraw.
   */
  async withdraw(
    id: string,
    by: string,
    disclosedBy?: string,
  ): Promise<OriginDisclosureRow | undefined> {
    return this.dataSource.transaction(async (manager) => {
      // An UPDATE … RETURNING answers [rows, count] through TypeORM.
      const [rows]: [OriginDisclosureRow[], number] = await manager.query(
        `UPDATE origin_disclosure SET withdrawn_at = now(), withdrawn_by = $2
          WHERE id = $1 AND withdrawn_at IS NULL AND ($3::text IS NULL OR disclosed_by = $3)
        RETURNING ${COLUMNS}`,
        [id, by, disclosedBy ?? null],
      );
      const row = rows[0];
      if (row) {
        await this.audit.record(manager, {
          action: 'origin.withdrawn',
          subject: id,
          details: { suffixSha256: suffixDigest(row.suffix), by },
        });
      }
      return row;
    });
  }

  /** An operator confirms a partner's disclosure: from now on it applies to every referral. */
  async confirm(id: string, by: string): Promise<OriginDisclosureRow | undefined> {
    return this.dataSource.transaction(async (manager) => {
      const [rows]: [OriginDisclosureRow[], number] = await manager.query(
        `UPDATE origin_disclosure SET source_systems = NULL, confirmed_by = $2, confirmed_at = now()
          WHERE id = $1 AND withdrawn_at IS NULL
        RETURNING ${COLUMNS}`,
        [id, by],
      );
      const row = rows[0];
      if (row) {
        await this.audit.record(manager, {
          action: 'origin.confirmed',
          subject: id,
          details: { suffixSha256: suffixDigest(row.suffix), by },
        });
      }
      return row;
    });
  }
}
