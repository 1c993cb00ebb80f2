import { Controller, Delete, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ConfirmOriginDisclosureUseCase,
  DiscloseOriginUseCase,
  WithdrawOriginDisclosureUseCase,
} from '@wissel/pipeline';
import { ApiProblems } from '../http/api-problems.decorator';
import { type GatewayRequest } from '../http/gateway-request';
import { RequestBodyReader } from '../http/request-body.reader';
import { OperatorApi } from '../operator/operator-api.decorator';
import { RequireRole } from '../operator/require-role.decorator';
import { objectBody, optionalText } from './holds.controller';
import { answering } from './operation-errors';
import { DiscloseOriginBodyModel, DisclosureResultModel, ReroutedModel } from './operation-models';

/**
 * An operator discloses the origin behind a CDN-fronted host (partners disclose through
 * the signed API, POST /v1/origin-disclosures). The open cases left in review as
 * behind_cdn on that host are routed again.
 */
@ApiTags('operations')
@Controller('admin/origin-disclosures')
@OperatorApi()
export class OriginDisclosuresController {
  constructor(
    private readonly bodies: RequestBodyReader,
    private readonly disclose: DiscloseOriginUseCase,
    private readonly withdraw: WithdrawOriginDisclosureUseCase,
    private readonly confirm: ConfirmOriginDisclosureUseCase,
  ) {}

  @RequireRole('operator')
  @Post()
  @ApiOperation({ summary: 'Disclose the origin of a CDN-fronted host and re-route its cases' })
  @ApiBody({ type: DiscloseOriginBodyModel })
  @ApiCreatedResponse({ type: DisclosureResultModel })
  @ApiProblems({
    400: 'The body is malformed',
    401: 'No valid operator bearer token',
    422: 'A field is invalid (field names it)',
  })
  async create(@Req() request: GatewayRequest) {
    const body = objectBody(await this.bodies.readJson(request));
    return answering(() => this.disclose.execute(disclosureCommand(body, operatorOf(request))));
  }

  @RequireRole('operator')
  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Withdraw a disclosure: the open cases it located are decided again (to review)',
  })
  @ApiOkResponse({ type: ReroutedModel, description: 'How many referrals were decided again' })
  @ApiProblems({ 401: 'No valid operator bearer token', 404: 'No disclosure in force' })
  async remove(@Param('id') id: string, @Req() request: GatewayRequest) {
    const { rerouted } = await answering(() => this.withdraw.execute(id, operatorOf(request)));
    return { id, rerouted: rerouted.length };
  }

  @RequireRole('operator')
  @Post(':id/confirm')
  @HttpCode(200)
  @ApiOperation({
    summary: "Confirm a partner's disclosure for every referral, and re-route the cases it covers",
  })
  @ApiOkResponse({ type: ReroutedModel, description: 'How many referrals were decided again' })
  @ApiProblems({ 401: 'No valid operator bearer token', 404: 'No disclosure in force' })
  async confirmOne(@Param('id') id: string, @Req() request: GatewayRequest) {
    const { rerouted } = await answering(() => this.confirm.execute(id, operatorOf(request)));
    return { id, rerouted: rerouted.length };
  }
}

/** The operator as disclosures and their audit events name them. */
const operatorOf = (request: GatewayRequest) => `operator:${request.operator?.actor ?? 'unknown'}`;

export function disclosureCommand(body: Record<string, unknown>, disclosedBy: string) {
  return {
    host: String(body.host ?? ''),
    originCountry: optionalText(body.originCountry),
    originIps: Array.isArray(body.originIps) ? body.originIps.map(String) : undefined,
    disclosedBy,
    note: optionalText(body.note),
    ...(body.expiresInDays === undefined ? {} : { expiresInDays: Number(body.expiresInDays) }),
  };
}
