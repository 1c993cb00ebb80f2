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
