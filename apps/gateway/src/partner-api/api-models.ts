import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DECISION_RULES } from '@wissel/domain';

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

export class DeliveryModel {
  @ApiProperty({ example: 'nl-hotline' }) recipient!: string;
  @ApiProperty({
    enum: [
      'queued',
      'dispatched',
      'received',
      'notice_sent',
      'escalated',
      'removed',
      'moved',
      'rejected',
      'closed',
    ],
    description:
      'queued: not yet delivered; dispatched: delivered, not yet acknowledged; after that the state the recipient acknowledged (docs/lifecycle.md)',
  })
  state!: string;
}

export class RouteSummaryModel {
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) caseId!: string | null;
  @ApiProperty({
    enum: ['new', 'url', 'media_hash', 'pdq', 'reupload'],
    nullable: true,
    type: String,
    description:
      'How it joined its case: new opened it; url, media_hash or pdq joined an existing case (a duplicate); reupload: reported again after removal (a new case)',
  })
  joinedBy!: string | null;
  @ApiProperty({ description: 'It joined a case that existed before it' }) duplicate!: boolean;
  @ApiProperty({
    enum: DECISION_RULES,
    description: 'The routing rule that decided (docs/jurisdiction.md)',
  })
  rule!: string;
  @ApiProperty({
    type: [String],
    description:
      'Recipient ids the referral was sent on to; empty for a duplicate that added nothing',
  })
  recipients!: string[];
  @ApiProperty({ format: 'date-time' }) decidedAt!: string;
  @ApiProperty({ type: [DeliveryModel], description: 'Each dispatch and where it stands' })
  deliveries!: DeliveryModel[];
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
  @ApiProperty({
    enum: ['in_progress', 'closed', 'removed', 'duplicate', 'not_sent'],
    nullable: true,
    type: String,
    description:
      'null until routed; in_progress: a delivery has not ended; closed: every delivery ended; removed: the material was confirmed removed; duplicate: it joined a case that already had it, nothing new was sent; not_sent: no recipient was left (e.g. each was a hop it came through)',
  })
  finalState!: string | null;
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
