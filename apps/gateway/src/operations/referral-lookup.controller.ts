import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { FIND_MAX_LIMIT, FindReferralsUseCase, type FoundReferrals } from '@wissel/pipeline';
import { ApiProblems } from '../http/api-problems.decorator';
import { singleQueryValue } from '../http/single-query-value';
import { OperatorApi } from '../operator/operator-api.decorator';
import { RequireRole } from '../operator/require-role.decorator';
import { FoundReferralsModel } from './referral-lookup-models';

/**
 * Finds referrals by what people outside the router know — the partner's source
 * reference, the submission id the partner API answered, or the case — so an operator can
 * get from a partner's question to the decision record. Shows no URL.
 */
@ApiTags('operations')
@Controller('admin/referrals')
@OperatorApi()
export class ReferralLookupController {
  constructor(private readonly find: FindReferralsUseCase) {}

  @RequireRole('viewer')
  @Get()
  @ApiOperation({
    summary: 'Find referrals by source reference, submission id or case',
    description:
      'Exactly one lookup: sourceSystem with sourceId (one referral), submissionId (the id the partner API returned), or caseId (every referral of the case, duplicates included). Each item links its decision record.',
  })
  @ApiQuery({ name: 'sourceSystem', required: false, example: 'IWF' })
  @ApiQuery({ name: 'sourceId', required: false, example: 'IWF-2026-118204' })
  @ApiQuery({ name: 'submissionId', required: false, description: 'UUID' })
  @ApiQuery({ name: 'caseId', required: false, description: 'UUID' })
  @ApiQuery({ name: 'limit', required: false, description: `1–${FIND_MAX_LIMIT}, default 50` })
  @ApiOkResponse({ type: FoundReferralsModel })
  @ApiProblems({
    400: 'Not exactly one lookup, or a malformed value (field names it)',
    401: 'No valid operator bearer token',
    403: 'The role is too low',
  })
  referrals(
    @Query('sourceSystem') sourceSystem?: unknown,
    @Query('sourceId') sourceId?: unknown,
    @Query('submissionId') submissionId?: unknown,
    @Query('caseId') caseId?: unknown,
    @Query('limit') limit?: unknown,
  ): Promise<FoundReferrals> {
    return this.find.execute({
      sourceSystem: singleQueryValue('sourceSystem', sourceSystem),
      sourceId: singleQueryValue('sourceId', sourceId),
      submissionId: singleQueryValue('submissionId', submissionId),
      caseId: singleQueryValue('caseId', caseId),
      limit: singleQueryValue('limit', limit),
    });
  }
}
