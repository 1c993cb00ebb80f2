import { ApiProperty } from '@nestjs/swagger';

// Shapes of the feed's answer, for the OpenAPI document only: FeedReader defines the real
// types, and the controller returns those.

export class FeedItemModel {
  @ApiProperty({ example: '0', description: 'The offset on the recipient topic' })
  offset!: string;
  @ApiProperty({ format: 'date-time' }) producedAt!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'As on a Kafka record: wissel-dispatch-id, wissel-signature, …',
  })
  headers!: Record<string, string>;
  @ApiProperty({
    description:
      'The dispatch as produced (JSON text): byte for byte the signed message, unless masked',
  })
  value!: string;
}

export class FeedPageModel {
  @ApiProperty({ example: 'nl-hotline' }) recipient!: string;
  @ApiProperty({
    description:
      'true when an operator reads without reason: URLs cut to scheme and host, no persons, the signature then no longer matches',
  })
  masked!: boolean;
  @ApiProperty({ type: [FeedItemModel] }) items!: FeedItemModel[];
  @ApiProperty({ description: 'Pass back as cursor for the next page', example: '1' })
  nextCursor!: string;
}
