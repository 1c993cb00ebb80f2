import { ApiProperty } from '@nestjs/swagger';
import { SourceRefModel } from '../partner-api/api-models';

// Shapes of the operator's referral lookup, for the OpenAPI document; the use case
// defines the real type.

class FoundSubmissionModel {
  @ApiProperty({ format: 'uuid', description: 'The id the partner API gave the partner' })
  id!: string;
  @ApiProperty() partnerId!: string;
}

class FoundCaseModel {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['open', 'removed'] }) status!: string;
  @ApiProperty({
    enum: ['new', 'url', 'media_hash', 'pdq', 'reupload'],
    description: 'The dedup layer that put the referral in this case; new: it opened the case',
  })
  joinedBy!: string;
  @ApiProperty({ description: 'It joined a case that existed before it (joinedBy is not new)' })
  duplicate!: boolean;
}

class FoundDecisionModel {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() rule!: string;
  @ApiProperty({ type: [String] }) recipients!: string[];
  @ApiProperty({ format: 'date-time' }) decidedAt!: string;
}

export class ReferralSummaryModel {
  @ApiProperty({ format: 'uuid', description: "The router's referral id" }) referralId!: string;
  @ApiProperty({ type: SourceRefModel }) sourceRef!: SourceRefModel;
  @ApiProperty({ enum: ['canonical', 'xarf', 'cybertip', 'iccam'] }) format!: string;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({
    type: FoundSubmissionModel,
    nullable: true,
    description: 'null for a referral produced on Kafka directly',
  })
  submission!: FoundSubmissionModel | null;
  @ApiProperty({ type: FoundCaseModel, nullable: true }) case!: FoundCaseModel | null;
  @ApiProperty({
    type: FoundDecisionModel,
    nullable: true,
    description: 'The decision in force',
  })
  decision!: FoundDecisionModel | null;
  @ApiProperty({ description: 'Dispatches written for it; 0 for a duplicate that sent nothing' })
  dispatches!: number;
  @ApiProperty({
    example: '/admin/referrals/0b6f…/decision',
    description: 'Its decision record, also when it produced no dispatch',
  })
  decisionRecord!: string;
}

export class FoundReferralsModel {
  @ApiProperty({ type: [ReferralSummaryModel], description: 'Oldest first' })
  items!: ReferralSummaryModel[];
  @ApiProperty({ description: 'More matched than limit' }) truncated!: boolean;
}
