import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// The JWK set's shape, for the OpenAPI document only (RFC 7517, RFC 8037).

export class PublicJwkModel {
  @ApiProperty({ enum: ['OKP'] }) kty!: string;
  @ApiProperty({ enum: ['Ed25519'] }) crv!: string;
  @ApiProperty({ description: 'The public key, base64url' }) x!: string;
  @ApiPropertyOptional({ description: 'The key id outbound signatures name as keyid' })
  kid?: string;
  @ApiPropertyOptional({ enum: ['EdDSA'] }) alg?: string;
  @ApiPropertyOptional({ enum: ['sig'] }) use?: string;
}

export class JwkSetModel {
  @ApiProperty({ type: [PublicJwkModel] }) keys!: PublicJwkModel[];
}
