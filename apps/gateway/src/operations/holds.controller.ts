import { Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { isUuid } from '@wissel/domain';
import { PoliceHoldRepository } from '@wissel/persistence';
import {
  LiftPoliceHoldUseCase,
  MalformedRequestError,
  NotFoundError,
  SetPoliceHoldUseCase,
} from '@wissel/pipeline';
import { ApiProblems } from '../http/api-problems.decorator';
import { type GatewayRequest } from '../http/gateway-request';
import { RequestBodyReader } from '../http/request-body.reader';
import { OperatorApi } from '../operator/operator-api.decorator';
import { RequireRole } from '../operator/require-role.decorator';
import { answering } from './operation-errors';
import {
  HoldModel,
  LiftedHoldModel,
  LiftHoldBodyModel,
  SetHoldBodyModel,
} from './operation-models';

const PROBLEMS = { 400: 'The body is malformed', 401: 'No valid operator bearer token' };

/**
 * Police deconfliction holds over HTTP (the same use cases serve the referrals.holds.v1
 * topic). A held referral goes to the police only; its notice-and-takedown waits until the
 * hold is lifted or expires.
 */
@ApiTags('operations')
@Controller('admin/holds')
@OperatorApi()
export class HoldsController {
  constructor(
    private readonly bodies: RequestBodyReader,
    private readonly setHold: SetPoliceHoldUseCase,
    private readonly liftHold: LiftPoliceHoldUseCase,
    private readonly holds: PoliceHoldRepository,
  ) {}

  @RequireRole('operator')
  @Post()
  @ApiOperation({ summary: 'Set a police hold on a URL, domain suffix, media hash or ASN' })
  @ApiBody({ type: SetHoldBodyModel })
  @ApiCreatedResponse({ type: HoldModel })
  @ApiProblems({ ...PROBLEMS, 422: 'A field is invalid (field names it)' })
  async set(@Req() request: GatewayRequest) {
    const body = objectBody(await this.bodies.readJson(request));
    return answering(() =>
      this.setHold.execute({
        id: optionalText(body.id),
        kind: String(body.kind ?? ''),
        value: String(body.value ?? ''),
        reason: optionalText(body.reason),
        reference: optionalText(body.reference),
        setBy: String(body.setBy ?? ''),
        expiresAt: new Date(String(body.expiresAt ?? '')),
      }),
    );
  }

  @RequireRole('operator')
  @Get(':id')
  @ApiOperation({ summary: 'One hold' })
  @ApiOkResponse({ type: HoldModel })
  @ApiProblems({ ...PROBLEMS, 404: 'No such hold' })
  async get(@Param('id') id: string) {
    const hold = isUuid(id) ? await this.holds.find(id) : undefined;
    if (!hold) throw new NotFoundError('police_hold_not_found', 'no police hold with this id');
    return hold;
  }

  @RequireRole('operator')
  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Lift a hold: the referrals it held are decided again and their removal routes dispatched',
  })
  @ApiBody({ type: LiftHoldBodyModel })
  @ApiOkResponse({
    type: LiftedHoldModel,
    description: 'The lifted hold and how many referrals it released',
  })
  @ApiProblems({ ...PROBLEMS, 404: 'No such hold' })
  async lift(@Param('id') id: string, @Req() request: GatewayRequest) {
    const body = objectBody(await this.bodies.readJson(request));
    const liftedBy = optionalText(body.liftedBy);
    if (!liftedBy) {
      throw new MalformedRequestError('malformed_request', 'liftedBy is required', {
        field: '/liftedBy',
      });
    }
    const { hold, released } = await answering(() => this.liftHold.execute(id, liftedBy));
    return { hold, released: released.length };
  }
}

export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new MalformedRequestError('malformed_request', 'the body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

export function optionalText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
