import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// Shapes of the partner API's answers, for the OpenAPI document only: the use cases
// define the real types, and the controllers return those.

export class SourceRefModel {
  @ApiProperty({ example: 'IWF' }) system!: string;
  @ApiProperty({ example: 'IWF-2026-118204' }) id!: string;
}

export class SubmissionResultModel {
  @ApiProperty({ format: 'uuid', description: 'Wissel id of this submitted referral' })
  id!: string;
  @ApiProperty({ type: SourceRefModel }) sourceRef!: SourceRefModel;
  @ApiProperty({
    enum: ['accepted', 'duplicate'],
    description:
      'accepted: durably on its inbound topic now; duplicate: this sourceRef was accepted before (id is the first submission, nothing new stored)',
  })
  status!: string;
}

export class SubmissionResponseModel {
  @ApiProperty({ type: [SubmissionResultModel], description: 'One per referral, in body order' })
  results!: SubmissionResultModel[];
}

export class RouteSummaryModel {
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) caseId!: string | null;
  @ApiProperty({ description: 'The routing rule that decided' }) rule!: string;
  @ApiProperty({ type: [String], description: 'Recipient ids the referral was sent on to' })
  recipients!: string[];
  @ApiProperty({ format: 'date-time' }) decidedAt!: string;
}

export class SubmissionStatusModel {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: SourceRefModel }) sourceRef!: SourceRefModel;
  @ApiProperty({ enum: ['canonical', 'xarf', 'cybertip', 'iccam'] }) format!: string;
  @ApiProperty({
    enum: ['pending', 'accepted', 'stored', 'routed'],
    description:
      'pending: received but not confirmed (you were told to retry); accepted: on its inbound topic; stored: the router holds it; routed: decided and sent on',
  })
  status!: string;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) acceptedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) storedAt!: string | null;
  @ApiProperty({ type: RouteSummaryModel, nullable: true }) route!: RouteSummaryModel | null;
}

export class SubmissionPageModel {
  @ApiProperty({ type: [SubmissionStatusModel] }) items!: SubmissionStatusModel[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as cursor (with the same since) for the next page; null on the last',
  })
  nextCursor!: string | null;
}

export class ProblemModel {
  @ApiProperty({ example: 'urn:wissel:problem:signature_invalid' }) type!: string;
  @ApiProperty() title!: string;
  @ApiProperty() status!: number;
  @ApiProperty() detail!: string;
  @ApiProperty({ example: 'urn:uuid:5b0e7c8e-2f47-4a8e-9a57-0d1c2a4d6f10' }) instance!: string;
  @ApiProperty({ description: 'Stable, snake_case; see docs/partner-api.md' }) code!: string;
  @ApiPropertyOptional({ description: 'JSON Pointer into the body, or a query parameter' })
  field?: string;
  @ApiPropertyOptional({ description: 'The reason under the code, e.g. schema_violation' })
  reason?: string;
}
