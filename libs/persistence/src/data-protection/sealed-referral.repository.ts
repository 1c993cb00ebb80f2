import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';

/** What a referral row holds of its personal data, for a reader that opens it. */
export interface StoredPersonalData {
  /** The sealed persons; null when anonymised, or stored before sealing. */
  personalData: string | null;
  /** Persons still in the clear in the canonical jsonb (stored before sealing), else null. */
  legacyPersons: unknown[] | null;
}

/** A referral row's sealed columns, for sealing old rows and for key rotation. */
export interface SealedColumns {
  id: string;
  canonical: Record<string, unknown>;
  personalData: string | null;
  rawPayload: string | null;
}

/** Which KEK the stored values are wrapped under, per column (no key needed to count). */
export interface KeyUsage {
  /** Referral columns, and the partners' sealed HMAC secrets (`partner_key`). */
  column: 'personal_data' | 'raw_payload' | 'hmac_secret_sealed';
  keyId: string;
  values: number;
}

/**
 * The referral columns that hold sealed personal data (W11): read for the readers that open
 * them, and rewritten by `npm run keys` (sealing rows stored before W11, rewrapping to the
 * current KEK). Sealing and opening happen in PersonalDataSealer; this only moves text.
 */
@Injectable()
export class SealedReferralRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async personalDataOf(referralIds: readonly string[]): Promise<Map<string, StoredPersonalData>> {
    if (referralIds.length === 0) return new Map();
    const rows: Array<StoredPersonalData & { id: string }> = await this.dataSource.query(
      `SELECT id, personal_data AS "personalData",
              CASE WHEN personal_data IS NULL AND anonymised_at IS NULL
                   THEN canonical->'persons' END AS "legacyPersons"
         FROM referral WHERE id = ANY($1::uuid[])`,
      [[...new Set(referralIds)]],
    );
    return new Map(rows.map(({ id, ...stored }) => [id, stored]));
  }

  /** Rows stored before sealing (persons or raw payload in the clear), in id order after `afterId`. */
  async unsealed(afterId: string, limit: number): Promise<SealedColumns[]> {
    return this.dataSource.query(
      `SELECT id, canonical, personal_data AS "personalData", raw_payload AS "rawPayload"
         FROM referral
        WHERE id > $1 AND anonymised_at IS NULL
          AND (personal_data IS NULL OR (raw_payload IS NOT NULL AND raw_payload NOT LIKE 'wse1.%'))
        ORDER BY id LIMIT $2`,
      [afterId, limit],
    );
  }

  /** Rows with a value wrapped under another KEK than `currentKeyId`, in id order after `afterId`. */
  async wrappedUnderOtherKeys(
    currentKeyId: string,
    afterId: string,
    limit: number,
  ): Promise<SealedColumns[]> {
    return this.dataSource.query(
      `SELECT id, canonical, personal_data AS "personalData", raw_payload AS "rawPayload"
         FROM referral
        WHERE id > $1
          AND ((personal_data LIKE 'wse1.%' AND split_part(personal_data, '.', 2) <> $2)
            OR (raw_payload LIKE 'wse1.%' AND split_part(raw_payload, '.', 2) <> $2))
        ORDER BY id LIMIT $3`,
      [afterId, currentKeyId, limit],
    );
  }

  /**
   * Writes sealed values, except to a row anonymised meanwhile by the purge (whose personal
   * data must not come back).
   */
  async write(
    rows: ReadonlyArray<{
      id: string;
      canonical: Record<string, unknown>;
      personalData: string | null;
      rawPayload: string | null;
    }>,
  ): Promise<number> {
    if (rows.length === 0) return 0;
    const updated: unknown[] = await this.dataSource.query(
      `UPDATE referral r
          SET canonical = u.canonical, personal_data = u.personal_data,
              raw_payload = CASE WHEN r.raw_payload IS NULL THEN NULL ELSE u.raw_payload END
         FROM jsonb_to_recordset($1::jsonb) AS u(id uuid, canonical jsonb, personal_data text, raw_payload text)
        WHERE r.id = u.id AND r.anonymised_at IS NULL
        RETURNING r.id`,
      [
        JSON.stringify(
          rows.map((r) => ({
            id: r.id,
            canonical: r.canonical,
            personal_data: r.personalData,
            raw_payload: r.rawPayload,
          })),
        ),
      ],
    );
    return updated.length;
  }

  /**
   * Outbox rows written before sealing carry the persons in their payload: drop them there
   * once the referral holds them sealed (the relay adds them back when it publishes).
   */
  async stripPersonsFromOutbox(limit: number): Promise<number> {
    const rows: unknown[] = await this.dataSource.query(
      `UPDATE outbox o SET payload = jsonb_set(o.payload, '{referral}', (o.payload->'referral') - 'persons')
        WHERE o.seq IN (
          SELECT x.seq FROM outbox x JOIN referral r ON r.id = x.referral_id
           WHERE x.payload->'referral' ? 'persons'
             AND (r.personal_data IS NOT NULL OR r.anonymised_at IS NOT NULL)
           LIMIT $1)
        RETURNING o.seq`,
      [limit],
    );
    return rows.length;
  }

  async keyUsage(): Promise<KeyUsage[]> {
    const rows: Array<KeyUsage & { values: string }> = await this.dataSource.query(
      `SELECT 'personal_data' AS column, split_part(personal_data, '.', 2) AS "keyId", count(*) AS values
         FROM referral WHERE personal_data LIKE 'wse1.%' GROUP BY 2
       UNION ALL
       SELECT 'raw_payload', split_part(raw_payload, '.', 2), count(*)
         FROM referral WHERE raw_payload LIKE 'wse1.%' GROUP BY 2
       UNION ALL
       SELECT 'hmac_secret_sealed', split_part(hmac_secret_sealed, '.', 2), count(*)
         FROM partner_key WHERE hmac_secret_sealed LIKE 'wse1.%' GROUP BY 2
       UNION ALL
       SELECT 'dead_letter_payload', split_part(payload, '.', 2), count(*)
         FROM inbound_dead_letter WHERE payload LIKE 'wse1.%' GROUP BY 2
       ORDER BY 1, 2`,
    );
    return rows.map((r) => ({ ...r, values: Number(r.values) }));
  }

  /**
   * Rows still holding something in the clear: referrals with persons in canonical jsonb or
   * an unsealed raw payload, and partner keys with an unsealed HMAC secret.
   */
  async plaintextCount(): Promise<number> {
    const [row]: Array<{ n: string }> = await this.dataSource.query(
      `SELECT (SELECT count(*) FROM referral
                WHERE anonymised_at IS NULL
                  AND (personal_data IS NULL
                    OR (raw_payload IS NOT NULL AND raw_payload NOT LIKE 'wse1.%')))
            + (SELECT count(*) FROM partner_key WHERE hmac_secret IS NOT NULL) AS n`,
    );
    return Number(row!.n);
  }
}
