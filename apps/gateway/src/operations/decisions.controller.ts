import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GetDecisionRecordUseCase } from '@wissel/pipeline';
import { ApiProblems } from '../http/api-problems.decorator';
import { OperatorGuard } from '../operator/operator.guard';
import { answering } from './operation-errors';

/**
 * The decision record of a referral, for operators: every decision (the one in force
 * first), with its routes, the rule that fired, the evidence (addresses, countries, ASN,
 * data-set versions), the rule-set version, and the dispatches written for it. It holds
 * reported URLs, so it is behind operator authentication.
 */
@ApiTags('operations')
@ApiBearerAuth('operator')
@Controller('admin/referrals')
@UseGuards(OperatorGuard)
export class DecisionsController {
  constructor(private readonly records: GetDecisionRecordUseCase) {}

  @Get(':id/decision')
  @ApiOperation({ summary: 'The decision record of one referral' })
  @ApiOkResponse({ description: 'The referral, its decisions (newest first) and dispatches' })
  @ApiProblems({ 401: 'No valid operator bearer token', 404: 'No such referral' })
  record(@Param('id') id: string) {
    return answering(() => this.records.execute(id));
  }
}
