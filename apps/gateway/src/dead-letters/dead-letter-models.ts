import { ApiProperty } from '@nestjs/swagger';

// Shapes of the inbound dead-letter API, for the OpenAPI document; the use cases define
// the real types.

class DeadLetterOriginModel {
  @ApiProperty({ example: 'referrals.in.canonical.v1' }) topic!: string;
  @ApiProperty() partition!: number;
  @ApiProperty({ example: '42' }) offset!: string;
}

class DeadLetterReasonModel {
  @ApiProperty({ example: 'schema_violation', description: 'docs/dead-letters.md lists them' })
  code!: string;
  @ApiProperty({ nullable: true, type: String, example: '/reportedAt' }) field!: string | null;
  @ApiProperty() detail!: string;
}

export class InboundDeadLetterModel {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: DeadLetterOriginModel }) origin!: DeadLetterOriginModel;
  @ApiProperty({ type: DeadLetterReasonModel }) reason!: DeadLetterReasonModel;
  @ApiProperty({ nullable: true, type: String, description: 'The partner that sent it, if known' })
  partnerId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Its partner API submission, if any' })
  submissionId!: string | null;
  @ApiProperty({ nullable: true, type: Number }) payloadBytes!: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'SHA-256 (hex) of the bytes' })
  payloadSha256!: string | null;
  @ApiProperty({ format: 'date-time' }) deadLetteredAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) replayedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The operator who replayed it' })
  replayedBy!: string | null;
}

export class InboundDeadLetterPageModel {
  @ApiProperty({ type: [InboundDeadLetterModel], description: 'Newest first' })
  items!: InboundDeadLetterModel[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as before for the next (older) page; null on the last',
  })
  nextBefore!: string | null;
}

export class RevealPayloadBodyModel {
  @ApiProperty({
    description: '10–500 characters saying why; no URL (it is kept in the audit log)',
    example: 'partner asked why IWF-2026-118204 was refused, ticket 4711',
  })
  reason!: string;
}

export class RevealedPayloadModel {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The original bytes, base64' }) payloadBase64!: string;
  @ApiProperty() payloadBytes!: number;
}

export class DeadLetterReplayModel {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The origin topic the bytes were published to again' })
  topic!: string;
}
