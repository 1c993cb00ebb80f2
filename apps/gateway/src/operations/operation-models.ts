import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// Shapes of the operator and police operations API, for the OpenAPI document; the use
// cases validate.

export class SetHoldBodyModel {
  @ApiProperty({ enum: ['url', 'domain', 'hash', 'asn'] }) kind!: string;
  @ApiProperty({
    description:
      'url: an absolute URL (or its URL key); domain: a domain suffix; hash: kind:hex; asn: an AS number',
    example: 'pics-host.example',
  })
  value!: string;
  @ApiProperty({ format: 'date-time', description: 'The hold ends then, unless lifted before' })
  expiresAt!: string;
  @ApiProperty({ description: 'The officer or system that sets it', example: 'nl-police/tbkk-17' })
  setBy!: string;
  @ApiPropertyOptional({ description: 'The police case reference' }) reference?: string;
  @ApiPropertyOptional() reason?: string;
  @ApiPropertyOptional({ description: 'A UUID, for an idempotent retry' }) id?: string;
}

export class HoldModel {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['url', 'domain', 'hash', 'asn'] }) kind!: string;
  @ApiProperty({ description: 'The stored form: URL key, suffix, kind:hash or AS number' })
  value!: string;
  @ApiProperty() setBy!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  liftedAt?: string | null;
}

export class LiftHoldBodyModel {
  @ApiProperty({ description: 'The officer or system that lifts it' }) liftedBy!: string;
}

export class DiscloseOriginBodyModel {
  @ApiProperty({
    description:
      'The CDN-fronted host, or a domain at or under a registrable domain (never a public suffix)',
    example: 'cdn-site.example',
  })
  host!: string;
  @ApiPropertyOptional({ example: 'DE', description: 'ISO 3166-1 alpha-2' }) originCountry?: string;
  @ApiPropertyOptional({
    type: [String],
    description: 'Origin server addresses: located in the local geo data, never contacted',
  })
  originIps?: string[];
  @ApiPropertyOptional() note?: string;
  @ApiPropertyOptional({
    example: 30,
    description: 'Days until the disclosure expires (1–365; default 30)',
  })
  expiresInDays?: number;
}

export class DisclosureResultModel {
  @ApiProperty({ description: 'The stored disclosure' }) disclosure!: Record<string, unknown>;
  @ApiProperty({ description: 'Referrals decided again, with their new recipients' })
  rerouted!: Array<Record<string, unknown>>;
}

export class RevealBodyModel {
  @ApiProperty({
    description: 'Why the URLs are needed; kept in the audit log (no URL or personal data)',
    example: 'NTD follow-up, ticket 4711',
  })
  reason!: string;
}

export class RevealedLocatorModel {
  @ApiProperty({ description: "The locator's index in the referral" }) index!: number;
  @ApiProperty() kind!: string;
  @ApiProperty({ nullable: true, type: String }) url!: string | null;
  @ApiProperty({ nullable: true, type: String }) parentUrl!: string | null;
}

export class RevealedUrlsModel {
  @ApiProperty() referralId!: string;
  @ApiProperty({ type: [RevealedLocatorModel] }) locators!: RevealedLocatorModel[];
}

export class PartnerDisclosureModel {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ type: [String], description: 'Your source systems the disclosure is under' })
  sourceSystems!: string[];
  @ApiProperty({ description: 'How many referrals were decided again with it' })
  rerouted!: number;
}

export class ReroutedModel {
  @ApiProperty({ format: 'uuid', description: 'The disclosure' }) id!: string;
  @ApiProperty({ description: 'How many referrals were decided again' }) rerouted!: number;
}

export class LiftedHoldModel {
  @ApiProperty({ type: HoldModel }) hold!: HoldModel;
  @ApiProperty({ description: 'How many held dispatches it released' }) released!: number;
}

export class DecisionRecordReferralModel {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() sourceSystem!: string;
  @ApiProperty() sourceId!: string;
  @ApiProperty({ enum: ['canonical', 'xarf', 'cybertip', 'iccam'] }) format!: string;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) caseId!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The canonical referral, URLs cut to scheme and host (reveal shows them whole)',
  })
  canonical!: Record<string, unknown>;
}

export class DecisionRecordModel {
  @ApiProperty({ type: DecisionRecordReferralModel }) referral!: DecisionRecordReferralModel;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description:
      'Newest first, the first in force: id, rule, recipients, routes, jurisdictions, held, confidence, evidence, rulesetVersion, cause, supersedesId, decidedAt',
  })
  decisions!: Array<Record<string, unknown>>;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'The dispatches written for it, with their delivery state',
  })
  dispatches!: Array<Record<string, unknown>>;
}

export class CustodyExportModel {
  @ApiProperty({ enum: ['wissel-custody/1'] }) format!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'Ed25519 over the RFC 8785 canonical JSON of the document without signature.value: alg, kid, created, jwkThumbprint, publicJwk, value',
  })
  signature!: Record<string, unknown>;
}
