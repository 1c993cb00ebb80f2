import {
  BadRequestException,
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ROUTING_RULES } from '@wissel/config';
import { type RoutingRules } from '@wissel/domain';
import { Topics } from '@wissel/messaging';
import { FeedAccessGuard } from './feed-access.guard';
import { FeedReader, type FeedPage } from './feed.reader';

const MAX_LIMIT = 500;

/**
 * GET /v1/feeds/{recipient}?cursor=&limit=: a recipient's dispatches in the embedded mode,
 * where there is no Kafka topic to subscribe to. Read by an operator or by the recipient
 * itself over the signed partner API (FeedAccessGuard). Dispatches hold reported URLs, so
 * the feed is never open.
 */
@Controller('v1/feeds')
@UseGuards(FeedAccessGuard)
export class FeedsController {
  constructor(
    private readonly feeds: FeedReader,
    private readonly topics: Topics,
    @Inject(ROUTING_RULES) private readonly rules: RoutingRules,
  ) {}

  @Get(':recipient')
  async feed(
    @Param('recipient') recipient: string,
    @Query('cursor') cursor = '0',
    @Query('limit') limit = '100',
  ): Promise<FeedPage & { recipient: string }> {
    if (!this.rules.recipients.has(recipient)) {
      throw new NotFoundException({ code: 'recipient_unknown', detail: 'no such recipient' });
    }
    if (!/^\d{1,18}$/.test(cursor) || !/^\d{1,4}$/.test(limit) || Number(limit) < 1) {
      throw new BadRequestException({
        code: 'feed_query_invalid',
        detail: `cursor must be an offset (digits), limit 1–${MAX_LIMIT}`,
      });
    }
    const page = await this.feeds.page(
      this.topics.outbound(recipient),
      BigInt(cursor),
      Math.min(Number(limit), MAX_LIMIT),
    );
    return { recipient, ...page };
  }
}
