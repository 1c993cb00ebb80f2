import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { AuditTrail } from '../audit/audit-trail';

export type PartnerStatus = 'active' | 'suspended';
export type PartnerKeyAlg = 'ed25519' | 'hmac-sha256';

export interface PartnerRow {
  id: string;
  name: string;
  sourceSystems: string[];
  /** The recipients this partner is: never sent its own referrals. */
  recipients: string[];
  status: PartnerStatus;
  createdAt: Date;
}

/** A key without its material; times as ISO 8601 text (they come from jsonb). */
export interface PartnerKeySummary {
  keyId: string;
  alg: PartnerKeyAlg;
  createdAt: string;
  revokedAt: string | null;
}

/** A key with its material and its partner, as the signature check needs it. */
export interface PartnerKeyRecord {
  keyId: string;
  alg: PartnerKeyAlg;
  /** Ed25519 keys: the public JWK. */
  publicJwk: { kty: 'OKP'; crv: 'Ed25519'; x: string } | null;
  /** HMAC-SHA256 keys: the shared secret, sealed with the data keys (PartnerSecretSealer). */
  hmacSecretSealed: string | null;
  /** HMAC-SHA256 keys stored before sealing and not sealed yet: the secret in the clear. */
  legacyHmacSecret: Buffer | null;
  revokedAt: Date | null;
  partner: Pick<PartnerRow, 'id' | 'status' | 'sourceSystems' | 'recipients'>;
}

export type RegisterOutcome =
  | { outcome: 'registered'; partner: PartnerRow }
  | { outcome: 'id_taken' }
  | { outcome: 'source_systems_taken'; taken: Array<{ system: string; partnerId: string }> };

export interface NewPartnerKey {
  keyId: string;
  partnerId: string;
  alg: PartnerKeyAlg;
  publicJwk?: { kty: 'OKP'; crv: 'Ed25519'; x: string };
  /** The HMAC secret, already sealed: this repository never sees a secret in the clear. */
  hmacSecretSealed?: string;
}

/** A stored HMAC secret for sealing or rewrapping, by key id. */
export interface StoredHmacSecret<T> {
  keyId: string;
  secret: T;
}

const PARTNER_COLUMNS = `id, name, source_systems AS "sourceSystems", recipients, status, created_at AS "createdAt"`;

/** Partners and their signing keys. */
@Injectable()
export class PartnerRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditTrail = new AuditTrail(),
  ) {}

  /**
   * Registers a partner unless its id or one of its source systems is taken. A source
   * system may belong to one partner only, or one partner could resubmit (and so learn of)
   * another's sourceRef; the table lock makes the check and the insert one step.
   */
  async register(partner: {
    id: string;
    name: string;
    sourceSystems: string[];
    recipients: string[];
  }) {
    return this.dataSource.transaction(async (manager): Promise<RegisterOutcome> => {
      await manager.query(`LOCK TABLE partner IN SHARE ROW EXCLUSIVE MODE`);
      const taken: Array<{ system: string; partnerId: string }> = await manager.query(
        `SELECT s AS system, p.id AS "partnerId"
           FROM partner p, unnest(p.source_systems) AS s
          WHERE s = ANY($1::text[])`,
        [partner.sourceSystems],
      );
      if (taken.length > 0) return { outcome: 'source_systems_taken', taken };
      const rows: PartnerRow[] = await manager.query(
        `INSERT INTO partner (id, name, source_systems, recipients)
         VALUES ($1, $2, $3::text[], $4::text[])
         ON CONFLICT (id) DO NOTHING
         RETURNING ${PARTNER_COLUMNS}`,
        [partner.id, partner.name, partner.sourceSystems, partner.recipients],
      );
      const [row] = rows;
      if (!row) return { outcome: 'id_taken' };
      await this.audit.record(manager, {
        action: 'partner.registered',
        subject: row.id,
        details: { sourceSystems: row.sourceSystems, recipients: row.recipients },
      });
      return { outcome: 'registered', partner: row };
    });
  }

  async find(id: string): Promise<PartnerRow | undefined> {
    const rows: PartnerRow[] = await this.dataSource.query(
      `SELECT ${PARTNER_COLUMNS} FROM partner WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  /** Every partner with its keys (no key material), by id. */
  async list(): Promise<Array<PartnerRow & { keys: PartnerKeySummary[] }>> {
    return this.dataSource.query(
      `SELECT p.id, p.name, p.source_systems AS "sourceSystems", p.recipients, p.status, p.created_at AS "createdAt",
              coalesce(jsonb_agg(jsonb_build_object(
                'keyId', k.key_id, 'alg', k.alg, 'createdAt', k.created_at, 'revokedAt', k.revoked_at)
                ORDER BY k.created_at) FILTER (WHERE k.key_id IS NOT NULL), '[]') AS keys
         FROM partner p LEFT JOIN partner_key k ON k.partner_id = p.id
        GROUP BY p.id ORDER BY p.id`,
    );
  }

  /** Adds a key, unless its id or its public key is already registered (to anyone). */
  async addKey(key: NewPartnerKey): Promise<'added' | 'key_id_taken' | 'public_key_taken'> {
    return this.dataSource.transaction(async (manager) => {
      const rows: unknown[] = await manager
        .query(
          `INSERT INTO partner_key (key_id, partner_id, alg, public_jwk, hmac_secret_sealed)
       VALUES ($1, $2, $3, $4::jsonb, $5)
       ON CONFLICT (key_id) DO NOTHING
       RETURNING 1`,
          [
            key.keyId,
            key.partnerId,
            key.alg,
            key.publicJwk ? JSON.stringify(key.publicJwk) : null,
            key.hmacSecretSealed ?? null,
          ],
        )
        .catch((error: unknown) => {
          if ((error as { constraint?: string }).constraint === 'ux_partner_key_public')
            return null;
          throw error;
        });
      if (rows === null) return 'public_key_taken';
      if (rows.length !== 1) return 'key_id_taken';
      await this.audit.record(manager, {
        action: 'partner.key_added',
        subject: key.keyId,
        details: { partnerId: key.partnerId, alg: key.alg },
      });
      return 'added';
    });
  }

  /** Revokes one of a partner's keys; says whether it was found and whether it was active. */
  async revokeKey(
    partnerId: string,
    keyId: string,
    at: Date,
  ): Promise<'revoked' | 'already_revoked' | 'not_found'> {
    return this.dataSource.transaction(async (manager) => {
      const rows: Array<{ wasActive: boolean }> = await manager.query(
        // Wrapped in a SELECT: TypeORM returns [rows, count] for a bare UPDATE. The joined
        // "old" row is the snapshot before the update, so it tells a repeat revocation apart.
        `WITH changed AS (
         UPDATE partner_key k SET revoked_at = coalesce(k.revoked_at, $3)
           FROM partner_key old
          WHERE k.key_id = $2 AND k.partner_id = $1 AND old.key_id = k.key_id
          RETURNING old.revoked_at IS NULL AS "wasActive")
       SELECT * FROM changed`,
        [partnerId, keyId, at],
      );
      const [row] = rows;
      if (!row) return 'not_found';
      if (!row.wasActive) return 'already_revoked';
      await this.audit.record(manager, {
        action: 'partner.key_revoked',
        subject: keyId,
        details: { partnerId },
      });
      return 'revoked';
    });
  }

  /** The key under this id with its partner, revoked or not; undefined when unknown. */
  async keyForVerification(keyId: string): Promise<PartnerKeyRecord | undefined> {
    const rows: PartnerKeyRecord[] = await this.dataSource.query(
      `SELECT k.key_id AS "keyId", k.alg, k.public_jwk AS "publicJwk",
              k.hmac_secret_sealed AS "hmacSecretSealed", k.hmac_secret AS "legacyHmacSecret",
              k.revoked_at AS "revokedAt",
              jsonb_build_object('id', p.id, 'status', p.status, 'sourceSystems', p.source_systems,
                                 'recipients', p.recipients) AS partner
         FROM partner_key k JOIN partner p ON p.id = k.partner_id
        WHERE k.key_id = $1`,
      [keyId],
    );
    return rows[0];
  }

  /** HMAC secrets still in the clear (stored before sealing), in key id order after `afterKeyId`. */
  async clearHmacSecrets(afterKeyId: string, limit: number): Promise<StoredHmacSecret<Buffer>[]> {
    return this.dataSource.query(
      `SELECT key_id AS "keyId", hmac_secret AS secret FROM partner_key
        WHERE hmac_secret IS NOT NULL AND key_id > $1 ORDER BY key_id LIMIT $2`,
      [afterKeyId, limit],
    );
  }

  /**
   * Stores the sealed form of a clear secret and drops the clear one, unless another run
   * did so first; true when this call sealed it.
   */
  async replaceClearHmacSecret(keyId: string, sealed: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH sealed AS (
         UPDATE partner_key SET hmac_secret_sealed = $2, hmac_secret = NULL
          WHERE key_id = $1 AND hmac_secret IS NOT NULL RETURNING 1)
       SELECT * FROM sealed`,
      [keyId, sealed],
    );
    return rows.length === 1;
  }

  /** Sealed HMAC secrets wrapped under another KEK than `currentKeyId`, in key id order. */
  async hmacSecretsWrappedUnderOtherKeys(
    currentKeyId: string,
    afterKeyId: string,
    limit: number,
  ): Promise<StoredHmacSecret<string>[]> {
    return this.dataSource.query(
      `SELECT key_id AS "keyId", hmac_secret_sealed AS secret FROM partner_key
        WHERE hmac_secret_sealed LIKE 'wse1.%' AND split_part(hmac_secret_sealed, '.', 2) <> $1
          AND key_id > $2
        ORDER BY key_id LIMIT $3`,
      [currentKeyId, afterKeyId, limit],
    );
  }

  /** Replaces a sealed secret with its rewrapped form unless it changed meanwhile. */
  async rewriteSealedHmacSecret(keyId: string, before: string, after: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH rewrapped AS (
         UPDATE partner_key SET hmac_secret_sealed = $3
          WHERE key_id = $1 AND hmac_secret_sealed = $2 RETURNING 1)
       SELECT * FROM rewrapped`,
      [keyId, before, after],
    );
    return rows.length === 1;
  }
}
