import { Controller, Get, Inject, Param, Query, Req, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { ROUTING_RULES } from '@wissel/config';
import {
  MAX_REVEAL_REASON,
  MIN_REVEAL_REASON,
  revealReasonProblem,
  type RoutingRules,
} from '@wissel/domain';
import { type GatewayRequest } from '../../gateway/src/http/gateway-request';
import { Topics } from '@wissel/messaging';
import { MalformedRequestError, NotFoundError } from '@wissel/pipeline';
import { ApiProblems } from '../../gateway/src/http/api-problems.decorator';
import { FeedAccessGuard } from './feed-access.guard';
import { FeedReader, type FeedPage } from './feed.reader';
import { FeedPageModel } from './feed-models';
import { maskedFeedValue } from './masked-feed-value';

const MAX_LIMIT = 500;
const pageSize = (limit: string) => Math.min(Number(limit), MAX_LIMIT);

/**
 * GET /v1/feeds/{recipient}?cursor=&limit=: a recipient's dispatches in the embedded mode,
 * where there is no Kafka topic to subscribe to. Read by the recipient itself over the
 * signed partner API, whole; or by an operator (FeedAccessGuard): masked like the decision
 * record (URLs to scheme and host, no persons), and whole only with `reason=`, which is
 * audited before anything is read. Dispatches hold reported URLs: the feed is never open.
 * The recipient's own read records its cursor: the retention purge deletes only what it
 * has read past.
 */
@ApiTags('feeds')
@ApiSecurity('httpMessageSignature')
@ApiBearerAuth('operator')
@Controller('v1/feeds')
@UseGuards(FeedAccessGuard)
export class FeedsController {
  constructor(
    private readonly feeds: FeedReader,
    private readonly topics: Topics,
    @Inject(ROUTING_RULES) private readonly rules: RoutingRules,
  ) {}

  @Get(':recipient')
  @ApiOperation({
    summary: "A recipient's dispatches, cursor-paged (embedded mode only)",
    description:
      'Only in the embedded mode (npm start), where there is no Kafka topic to subscribe to. The recipient itself signs the request as a partner and reads its dispatches whole; its read from a cursor records that it holds everything before it. An operator (bearer token, operator role) reads them masked, and whole with reason=, which is audited first.',
  })
  @ApiHeader({ name: 'Signature-Input', required: false, description: 'RFC 9421 (recipient)' })
  @ApiHeader({ name: 'Signature', required: false, description: 'RFC 9421 (recipient)' })
  @ApiQuery({ name: 'cursor', required: false, description: 'An offset; default 0' })
  @ApiQuery({ name: 'limit', required: false, description: `1–${MAX_LIMIT}; default 100` })
  @ApiQuery({
    name: 'reason',
    required: false,
    description: `Operators: why they read the dispatches whole (${MIN_REVEAL_REASON}–${MAX_REVEAL_REASON} characters, no URL); audited`,
  })
  @ApiOkResponse({ type: FeedPageModel })
  @ApiProblems({
    400: 'cursor or limit is not a number in range (feed_query_invalid), or reason is missing its words (reveal_reason_required)',
    401: 'Neither a valid signature nor a valid operator bearer token',
    403: 'The operator token lacks the operator role',
    404: 'No such recipient, or not one this partner acts for (recipient_unknown)',
  })
  async feed(
    @Req() request: GatewayRequest,
    @Param('recipient') recipient: string,
    @Query('cursor') cursor = '0',
    @Query('limit') limit = '100',
    @Query('reason') reason?: string,
  ): Promise<FeedPage & { recipient: string; masked: boolean }> {
    if (!this.rules.recipients.has(recipient)) {
      throw new NotFoundError('recipient_unknown', 'no such recipient');
    }
    if (!/^\d{1,18}$/.test(cursor) || !/^\d{1,4}$/.test(limit) || Number(limit) < 1) {
      throw new MalformedRequestError(
        'feed_query_invalid',
        `cursor must be an offset (digits), limit 1–${MAX_LIMIT}`,
      );
    }
    const operator = request.operator?.actor;
    if (operator !== undefined && reason !== undefined && revealReasonProblem(reason)) {
      throw new MalformedRequestError(
        'reveal_reason_required',
        `a reason of ${MIN_REVEAL_REASON}–${MAX_REVEAL_REASON} characters, saying why, without a URL`,
        { field: 'reason' },
      );
    }
    const topic = this.topics.outbound(recipient);
    if (operator === undefined) {
      const own = await this.feeds.pageForRecipient(topic, BigInt(cursor), pageSize(limit));
      return { recipient, masked: false, ...own };
    }
    const whole = reason !== undefined;
    const page = await this.feeds.page(
      topic,
      BigInt(cursor),
      pageSize(limit),
      whole
        ? {
            actor: operator,
            action: 'feed.revealed',
            subject: recipient,
            details: { reason: reason!.trim(), cursor, limit },
          }
        : undefined,
    );
    if (whole) return { recipient, masked: false, ...page };
    const items = page.items.map((item) => ({ ...item, value: maskedFeedValue(item.value) }));
    return { recipient, masked: true, ...page, items };
  }
}
