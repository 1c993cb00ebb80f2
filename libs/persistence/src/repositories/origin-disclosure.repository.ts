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
}

const COLUMNS = `id, suffix, origin_country AS "originCountry", origin_ips AS "originIps", origins,
  disclosed_by AS "disclosedBy", note, created_at AS "createdAt"`;

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
  }): Promise<OriginDisclosureRow> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query(
        `INSERT INTO origin_disclosure (id, suffix, origin_country, origin_ips, origins, disclosed_by, note)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING ${COLUMNS}`,
        [
          disclosure.id,
          disclosure.suffix,
          disclosure.originCountry ?? null,
          JSON.stringify(disclosure.originIps),
          JSON.stringify(disclosure.origins),
          disclosure.disclosedBy,
          disclosure.note ?? null,
        ],
      );
      // The host suffix as a digest: the audit log holds no host names or URLs.
      await this.audit.record(manager, {
        action: 'origin.disclosed',
        subject: disclosure.id,
        details: {
          suffixSha256: createHash('sha256').update(disclosure.suffix).digest('hex'),
          originCountry: disclosure.originCountry ?? null,
          originIps: disclosure.originIps.length,
        },
      });
      return row as OriginDisclosureRow;
    });
  }

  /** Disclosures for any of these suffixes (every suffix of a batch's hosts), newest first. */
  async forSuffixes(suffixes: string[]): Promise<OriginDisclosureRow[]> {
    if (suffixes.length === 0) return [];
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM origin_disclosure WHERE suffix = ANY($1::text[])
        ORDER BY created_at DESC, id`,
      [suffixes],
    );
  }
}
