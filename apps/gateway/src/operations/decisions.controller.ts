import { Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { maskReferralUrls } from '@wissel/domain';
import { GetDecisionRecordUseCase, RevealReferralUrlsUseCase } from '@wissel/pipeline';
import { ApiProblems } from '../http/api-problems.decorator';
import { type GatewayRequest } from '../http/gateway-request';
import { RequestBodyReader } from '../http/request-body.reader';
import { OperatorApi } from '../operator/operator-api.decorator';
import { RequireRole } from '../operator/require-role.decorator';
import { objectBody } from './holds.controller';
import { answering } from './operation-errors';
import { DecisionRecordModel, RevealBodyModel, RevealedUrlsModel } from './operation-models';

/**
 * The decision record of a referral, for operators: every decision (the one in force
 * first), with its routes, the rule that fired, the evidence (addresses, countries, ASN,
 * data-set versions), the rule-set version, and the dispatches written for it. Its
 * reported URLs are masked (scheme and host only); an operator reveals them, with a
 * reason, through POST …/reveal, which the audit log records.
 */
@ApiTags('operations')
@Controller('admin/referrals')
@OperatorApi()
export class DecisionsController {
  constructor(
    private readonly bodies: RequestBodyReader,
    private readonly records: GetDecisionRecordUseCase,
    private readonly reveals: RevealReferralUrlsUseCase,
  ) {}

  @RequireRole('viewer')
  @Get(':id/decision')
  @ApiOperation({ summary: 'The decision record of one referral (URLs masked)' })
  @ApiOkResponse({
    type: DecisionRecordModel,
    description: 'The referral, its decisions (newest first) and dispatches',
  })
  @ApiProblems({
    401: 'No valid operator bearer token',
    403: 'The role is too low',
    404: 'No such referral',
  })
  async record(@Param('id') id: string) {
    const record = await answering(() => this.records.execute(id));
    return {
      ...record,
      referral: { ...record.referral, canonical: maskReferralUrls(record.referral.canonical) },
    };
  }

  @RequireRole('operator')
  @Post(':id/reveal')
  @HttpCode(200)
  @ApiOperation({
    summary: "Reveal a referral's reported URLs (audited: actor, referral, reason)",
  })
  @ApiBody({ type: RevealBodyModel })
  @ApiOkResponse({ type: RevealedUrlsModel })
  @ApiProblems({
    400: 'No reason, or a reason holding a URL',
    401: 'No valid operator bearer token',
    403: 'The operator role is required',
    404: 'No such referral',
  })
  async reveal(@Param('id') id: string, @Req() request: GatewayRequest) {
    const body = objectBody(await this.bodies.readJson(request));
    return this.reveals.execute(id, body.reason);
  }
}
