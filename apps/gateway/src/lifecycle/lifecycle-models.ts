import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// Shapes of the lifecycle endpoints for the OpenAPI document; parseDispatchAck and the use
// cases validate.

export class AckBodyModel {
  @ApiProperty({ format: 'uuid', description: 'wissel-dispatch-id of the dispatch' })
  dispatchId!: string;
  @ApiProperty({
    description: 'The recipient id you act for (routing rules)',
    example: 'de-hotline',
  })
  recipient!: string;
  @ApiProperty({ enum: ['received', 'notice_sent', 'removed', 'moved', 'rejected'] })
  kind!: string;
  @ApiProperty({
    format: 'date-time',
    description: 'When it happened at your end, with an offset; notice_sent starts the clock here',
  })
  at!: string;
  @ApiPropertyOptional({
    enum: ['not_csam', 'not_our_jurisdiction', 'duplicate', 'other'],
    description: 'Only and always on rejected',
  })
  reason?: string;
  @ApiPropertyOptional({ description: 'Only and always on moved: an http(s) URL or a host name' })
  newLocation?: string;
  @ApiPropertyOptional({ maxLength: 2000, description: 'Required for reason other' })
  note?: string;
}

export class AckResultModel {
  @ApiProperty({ format: 'uuid' }) dispatchId!: string;
  @ApiProperty({ enum: ['applied', 'duplicate', 'late'] }) outcome!: string;
  @ApiProperty({
    enum: [
      'dispatched',
      'received',
      'notice_sent',
      'escalated',
      'removed',
      'moved',
      'rejected',
      'closed',
    ],
    description: 'The dispatch status after the ack',
  })
  status!: string;
}

export class HosterStatsModel {
  @ApiProperty({ type: String, nullable: true, description: 'AS organisation; null: unknown' })
  hostingProvider!: string | null;
  @ApiProperty({ type: Number, nullable: true }) asn!: number | null;
  @ApiProperty() notices!: number;
  @ApiProperty() removed!: number;
  @ApiProperty() open!: number;
  @ApiProperty({ description: 'Moved, rejected or withdrawn: left out of timing and share' })
  endedWithoutRemoval!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Nearest rank' })
  medianHours!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Nearest rank' })
  p90Hours!: number | null;
  @ApiProperty({ description: 'Notices sent at least 24 h ago' }) windowElapsed!: number;
  @ApiProperty() removedWithinWindow!: number;
  @ApiProperty({ type: Number, nullable: true }) withinWindowShare!: number | null;
  @ApiProperty({ type: Number, nullable: true }) oldestOpenHours!: number | null;
}

export class HosterMonitorModel {
  @ApiProperty({ format: 'date-time' }) generatedAt!: string;
  @ApiProperty({ type: [HosterStatsModel] }) hosters!: HosterStatsModel[];
}
