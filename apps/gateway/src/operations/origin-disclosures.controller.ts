import { Controller, Post, Req } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DiscloseOriginUseCase } from '@wissel/pipeline';
import { ApiProblems } from '../http/api-problems.decorator';
import { type GatewayRequest } from '../http/gateway-request';
import { RequestBodyReader } from '../http/request-body.reader';
import { OperatorApi } from '../operator/operator-api.decorator';
import { RequireRole } from '../operator/require-role.decorator';
import { objectBody, optionalText } from './holds.controller';
import { answering } from './operation-errors';
import { DiscloseOriginBodyModel, DisclosureResultModel } from './operation-models';

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
    return answering(() =>
      this.disclose.execute(disclosureCommand(body, optionalText(body.disclosedBy) ?? 'operator')),
    );
  }
}

export function disclosureCommand(body: Record<string, unknown>, disclosedBy: string) {
  return {
    host: String(body.host ?? ''),
    originCountry: optionalText(body.originCountry),
    originIps: Array.isArray(body.originIps) ? body.originIps.map(String) : undefined,
    disclosedBy,
    note: optionalText(body.note),
  };
}
