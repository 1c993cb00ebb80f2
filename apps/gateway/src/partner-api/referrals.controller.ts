import { type ServerResponse } from 'node:http';
import { Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import {
  GetSubmissionStatusUseCase,
  ListSubmissionsUseCase,
  SubmitReferralsUseCase,
  type AuthenticatedPartner,
  type SubmissionPage,
  type SubmissionResult,
  type SubmissionStatus,
} from '@wissel/pipeline';
import { WisselMetrics } from '@wissel/observability';
import { ApiProblems } from '../http/api-problems.decorator';
import { type GatewayRequest } from '../http/gateway-request';
import { SubmissionPageModel, SubmissionResponseModel, SubmissionStatusModel } from './api-models';
import { formatOf } from './content-types';
import { CurrentPartner } from './current-partner.decorator';
import { SignedPartnerGuard } from './signed-partner.guard';

const AUTH_PROBLEMS = {
  401: "The signature, digest or nonce was refused (code says which; one code, signature_invalid, for whatever depends on the key or the partner's standing)",
  413: 'The body exceeds MAX_BODY_BYTES',
  429: 'Rate limited; see Retry-After',
  503: 'A dependency is down; nothing was accepted; see Retry-After',
};

/**
 * The signed partner API: submit referrals, and read the status of one's own. Controllers
 * only build the call: SignedPartnerGuard authenticates, the use cases do the work.
 */
@ApiTags('referrals')
@ApiSecurity('httpMessageSignature')
@ApiHeader({
  name: 'Signature-Input',
  required: true,
  description: 'RFC 9421; see docs/partner-api.md',
})
@ApiHeader({ name: 'Signature', required: true, description: 'RFC 9421' })
@Controller('v1/referrals')
@UseGuards(SignedPartnerGuard)
export class ReferralsController {
  constructor(
    private readonly submit: SubmitReferralsUseCase,
    private readonly statusOf: GetSubmissionStatusUseCase,
    private readonly listOf: ListSubmissionsUseCase,
    private readonly metrics: WisselMetrics,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Submit one referral or a batch',
    description:
      'A canonical referral (wissel.referral/2) as a JSON object or a batch of them as a JSON array, one X-ARF v4 content report, one CyberTipline referral (XML) or one ICCAM v3 report, by Content-Type. 202 means every referral in the answer is durably stored (Kafka, acks=all). Resubmitting a sourceRef returns the first id with status duplicate and stores nothing new.',
  })
  // The request body, one schema and example per media type: submission-body.openapi.ts.
  @ApiHeader({
    name: 'Content-Digest',
    required: true,
    description: 'RFC 9530, sha-256 or sha-512',
  })
  @ApiAcceptedResponse({ type: SubmissionResponseModel })
  @ApiProblems({
    ...AUTH_PROBLEMS,
    403: 'A sourceRef.system is not registered for the partner',
    415: 'Content-Type is not one of the accepted media types, or its charset is not UTF-8',
    422: 'A referral is invalid (reason and field say why and where: schema_violation, invalid_xml, forbidden_xml_construct, …); nothing was stored',
  })
  async submitReferrals(
    @CurrentPartner() partner: AuthenticatedPartner,
    @Req() request: GatewayRequest,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<{ results: SubmissionResult[] }> {
    const format = formatOf(request.headers['content-type']);
    // The guard read the body to check its digest; these are those exact bytes.
    const results = await this.submit.execute({ partner, format, body: request.rawBody! });
    for (const { status } of results) this.metrics.submission(format, status);
    if (results.length === 1) response.setHeader('Location', `/v1/referrals/${results[0]!.id}`);
    return { results };
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One of your referrals: its status and route',
    description: "Another partner's id answers 404, exactly like an unknown id.",
  })
  @ApiOkResponse({ type: SubmissionStatusModel })
  @ApiProblems({ ...AUTH_PROBLEMS, 404: 'No referral of yours has this id' })
  status(
    @CurrentPartner() partner: AuthenticatedPartner,
    @Param('id') id: string,
  ): Promise<SubmissionStatus> {
    return this.statusOf.execute(partner.partnerId, id);
  }

  @Get()
  @ApiOperation({ summary: 'Your referrals, oldest first, paged' })
  @ApiQuery({ name: 'since', required: false, description: 'RFC 3339 date-time with zone' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiQuery({ name: 'limit', required: false, description: '1–200, default 50' })
  @ApiOkResponse({ type: SubmissionPageModel })
  @ApiProblems({ ...AUTH_PROBLEMS, 400: 'A query parameter is malformed (field names it)' })
  list(
    @CurrentPartner() partner: AuthenticatedPartner,
    @Query('since') since?: string,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
  ): Promise<SubmissionPage> {
    return this.listOf.execute(partner.partnerId, { since, cursor, limit });
  }
}
