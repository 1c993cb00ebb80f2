import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';

/** A verified partner request as kept for the chain of custody (W11). */
export interface NewInboundEvidence {
  id: string;
  partnerId: string;
  verifiedAt: Date;
  label: string;
  keyId: string;
  alg: string;
  created: Date;
  nonce: string;
  signatureInput: string;
  signature: string;
  signatureBase: string;
  contentDigest: string;
  publicJwk: Record<string, unknown> | null;
  keyThumbprint: string | null;
  /** Lowercase hex SHA-256 of the body as received. */
  bodySha256: string;
  /** The body sealed (envelope), only when it is not itself the raw payload of its one referral. */
  sealedBody: string | null;
}

/** Stores the evidence of each signed submit request; read back by the custody export. */
@Injectable()
export class InboundEvidenceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(e: NewInboundEvidence): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO inbound_evidence (id, partner_id, verified_at, label, key_id, alg, signature_created,
              nonce, signature_input, signature, signature_base, content_digest, public_jwk,
              key_thumbprint, body_sha256, sealed_body)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        e.id,
        e.partnerId,
        e.verifiedAt,
        e.label,
        e.keyId,
        e.alg,
        e.created,
        e.nonce,
        e.signatureInput,
        e.signature,
        e.signatureBase,
        e.contentDigest,
        e.publicJwk === null ? null : JSON.stringify(e.publicJwk),
        e.keyThumbprint,
        e.bodySha256,
        e.sealedBody,
      ],
    );
  }
}
