import { ApiProperty } from '@nestjs/swagger';

// Shapes of the dashboard endpoints for the OpenAPI document; docs/dashboard.md says where
// each number comes from.

export class DashboardSnapshotModel {
  @ApiProperty({ format: 'date-time' }) generatedAt!: string;
  @ApiProperty({
    description:
      'windowMinutes, perMinute [{minute, received, decided}], window and last24h totals',
  })
  throughput!: object;
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description:
      'One per stage (inbound, decision, outbox, retrying, dead_letters, notices): backlog, oldestSeconds, note, detail',
  })
  stages!: object[];
  @ApiProperty({
    description:
      'Decisions of the last 24 h by removal country and by recipient, and loops: referrals not routed because they came back through this node',
  })
  routes!: object;
  @ApiProperty({
    description:
      'total and the newest 50: dispatchId, recipientId, reason, attempts, replays, deadLetteredAt',
  })
  deadLetters!: object;
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description:
      'Open notices past their reminder: dispatchId, recipientId, hostingProvider, deadline, secondsLeft',
  })
  deadlinesAtRisk!: object[];
  @ApiProperty({ description: 'As GET /admin/hoster-monitor' }) hosterMonitor!: object;
  @ApiProperty({ description: "The gateway's readiness checks: status and one entry per check" })
  health!: object;
}

export class ReplayResultModel {
  @ApiProperty({ format: 'uuid' }) dispatchId!: string;
  @ApiProperty() recipientId!: string;
  @ApiProperty({ description: 'Always true: a dispatch that did not move is a 404 or 409' })
  replayed!: boolean;
}

export class DispatchInspectionModel {
  @ApiProperty({ format: 'uuid' }) dispatchId!: string;
  @ApiProperty({ format: 'uuid' }) referralId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) caseId!: string | null;
  @ApiProperty() recipientId!: string;
  @ApiProperty() topic!: string;
  @ApiProperty({ enum: ['normal', 'urgent'] }) lane!: string;
  @ApiProperty({ nullable: true, type: String }) investigationPriority!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'system, format, receivedAt',
  })
  source!: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'id, rule, rulesetVersion, held, confidence, routes (null before a decision)',
  })
  decision!: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'createdAt, publishedAt, attempts, replays, lastAttemptAt, nextAttemptAt, deadLetteredAt, deadLetterReason, lastError',
  })
  delivery!: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String, description: 'Once the recipient acked' })
  lifecycleStatus!: string | null;
}
