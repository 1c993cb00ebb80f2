import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { AuditTrail, type AuditRecord } from './audit-trail';

export interface RevealedLocator {
  index: number;
  kind: string;
  url: string | null;
  parentUrl: string | null;
}

/**
 * Reads a referral's reported URLs for an operator who asked to see them, writing the audit
 * event in the same transaction: no URL leaves without its record committed.
 */
@Injectable()
export class ReferralRevealRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditTrail,
  ) {}

  async reveal(referralId: string, event: AuditRecord): Promise<RevealedLocator[] | undefined> {
    return this.dataSource.transaction(async (manager) => {
      const rows: RevealedLocator[] = await manager.query(
        `SELECT (l.n - 1)::int AS index, coalesce(l.locator->>'kind', 'other') AS kind,
                l.locator->>'url' AS url, l.locator->>'parentUrl' AS "parentUrl"
           FROM referral r
           CROSS JOIN LATERAL jsonb_array_elements(
                CASE WHEN jsonb_typeof(r.canonical->'locators') = 'array'
                     THEN r.canonical->'locators' ELSE '[]'::jsonb END)
                WITH ORDINALITY AS l(locator, n)
          WHERE r.id = $1 ORDER BY l.n`,
        [referralId],
      );
      if (rows.length === 0) {
        const [exists] = await manager.query(`SELECT 1 FROM referral WHERE id = $1`, [referralId]);
        if (!exists) return undefined;
      }
      await this.audit.record(manager, {
        ...event,
        details: { ...event.details, locators: rows.length },
      });
      return rows;
    });
  }
}
