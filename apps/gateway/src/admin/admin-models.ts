import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// Shapes of the operator API, for the OpenAPI document; the use cases validate.

export class RegisterPartnerBodyModel {
  @ApiProperty({ example: 'iwf', pattern: '^[a-z0-9][a-z0-9._-]{0,62}$' }) id!: string;
  @ApiProperty({ example: 'Internet Watch Foundation' }) name!: string;
  @ApiProperty({ type: [String], example: ['IWF'], description: 'sourceRef.system values' })
  sourceSystems!: string[];
  @ApiPropertyOptional({
    type: [String],
    example: ['gb-hotline'],
    description:
      "The recipients (routing rules ids) this partner is: never sent its own referrals. Required when the id is a recipient's id",
  })
  recipients?: string[];
}

export class PartnerKeySummaryModel {
  @ApiProperty() keyId!: string;
  @ApiProperty({ enum: ['ed25519', 'hmac-sha256'] }) alg!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt!: string | null;
}

export class PartnerModel {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String] }) sourceSystems!: string[];
  @ApiProperty({ type: [String], description: 'The recipients this partner is' })
  recipients!: string[];
  @ApiProperty({ enum: ['active', 'suspended'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ type: [PartnerKeySummaryModel], description: 'In the list only' })
  keys?: PartnerKeySummaryModel[];
}

export class AddKeyBodyModel {
  @ApiPropertyOptional({ description: 'Globally unique; generated when absent' }) keyId?: string;
  @ApiProperty({ enum: ['ed25519', 'hmac-sha256'] }) alg!: string;
  @ApiPropertyOptional({ description: 'Ed25519: {"kty":"OKP","crv":"Ed25519","x":…}' })
  publicJwk?: Record<string, string>;
  @ApiPropertyOptional({ description: 'HMAC-SHA256: the secret, base64url, ≥ 32 bytes' })
  secret?: string;
  @ApiPropertyOptional({ description: 'Have Wissel generate the key and return it once' })
  generate?: boolean;
}

export class AddedKeyModel {
  @ApiProperty() partnerId!: string;
  @ApiProperty() keyId!: string;
  @ApiProperty({ enum: ['ed25519', 'hmac-sha256'] }) alg!: string;
  @ApiPropertyOptional({ description: 'Generated Ed25519 keys only: the private JWK' })
  privateJwk?: Record<string, string>;
  @ApiPropertyOptional({ description: 'Generated HMAC keys only: the secret, base64url' })
  secret?: string;
}

export class RevokedKeyModel {
  @ApiProperty() keyId!: string;
  @ApiProperty({ enum: [true] }) revoked!: boolean;
}
