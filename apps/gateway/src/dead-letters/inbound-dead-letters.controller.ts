import { Controller, Get, Header, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  InspectInboundDeadLetterUseCase,
  ListInboundDeadLettersUseCase,
  ReplayInboundDeadLetterUseCase,
  RevealDeadLetterPayloadUseCase,
} from '@wissel/pipeline';
import { ApiProblems } from '../http/api-problems.decorator';
import { singleQueryValue } from '../http/single-query-value';
import { type GatewayRequest } from '../http/gateway-request';
import { RequestBodyReader } from '../http/request-body.reader';
import { objectBody } from '../operations/holds.controller';
import { OperatorApi } from '../operator/operator-api.decorator';
import { RequireRole } from '../operator/require-role.decorator';
import {
  DeadLetterReplayModel,
  InboundDeadLetterModel,
  InboundDeadLetterPageModel,
  RevealedPayloadModel,
  RevealPayloadBodyModel,
} from './dead-letter-models';

const AUTH = { 401: 'No valid operator bearer token', 403: 'The role is too low' };

/**
 * Inbound dead letters (messages refused on intake, acks, holds, known hashes), in both
 * messaging modes, from the index the dead-letter writer keeps: listed and inspected with
 * their reason and origin, their bytes withheld unless revealed with an audited reason,
 * and replayed to their origin topic once, audited.
 */
@ApiTags('operations')
@Controller('admin/dead-letters')
@OperatorApi()
export class InboundDeadLettersController {
  constructor(
    private readonly bodies: RequestBodyReader,
    private readonly lister: ListInboundDeadLettersUseCase,
    private readonly inspector: InspectInboundDeadLetterUseCase,
    private readonly revealer: RevealDeadLetterPayloadUseCase,
    private readonly replayer: ReplayInboundDeadLetterUseCase,
  ) {}

  @RequireRole('viewer')
  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Inbound dead letters, newest first (no bytes)' })
  @ApiQuery({ name: 'limit', required: false, description: '1–200, default 50' })
  @ApiQuery({ name: 'before', required: false, description: 'nextBefore of the previous page' })
  @ApiQuery({ name: 'replayed', required: false, enum: ['true', 'false'] })
  @ApiOkResponse({ type: InboundDeadLetterPageModel })
  @ApiProblems({ ...AUTH, 400: 'A query parameter is malformed (field names it)' })
  list(
    @Query('limit') limit?: unknown,
    @Query('before') before?: unknown,
    @Query('replayed') replayed?: unknown,
  ) {
    return this.lister.execute({
      limit: singleQueryValue('limit', limit),
      before: singleQueryValue('before', before),
      replayed: singleQueryValue('replayed', replayed),
    });
  }

  @RequireRole('viewer')
  @Get(':id')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'One inbound dead letter: reason, field, origin, partner (no bytes)' })
  @ApiOkResponse({ type: InboundDeadLetterModel })
  @ApiProblems({ ...AUTH, 404: 'No such dead letter' })
  inspect(@Param('id') id: string) {
    return this.inspector.execute(id);
  }

  @RequireRole('operator')
  @Post(':id/reveal')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "Reveal a dead letter's original bytes (audited: actor, reason)" })
  @ApiBody({ type: RevealPayloadBodyModel })
  @ApiOkResponse({ type: RevealedPayloadModel })
  @ApiProblems({
    ...AUTH,
    400: 'No reason, or a reason holding a URL',
    404: 'No such dead letter',
    409: 'Its bytes were not kept (too large or empty)',
  })
  async reveal(@Param('id') id: string, @Req() request: GatewayRequest) {
    const body = objectBody(await this.bodies.readJson(request));
    return this.revealer.execute(id, body.reason);
  }

  @RequireRole('operator')
  @Post(':id/replay')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replay a dead letter: its original bytes to its origin topic, once (audited)',
  })
  @ApiOkResponse({ type: DeadLetterReplayModel })
  @ApiProblems({
    ...AUTH,
    404: 'No such dead letter',
    409: 'Replayed already, or its bytes were not kept',
  })
  replay(@Param('id') id: string) {
    return this.replayer.execute(id);
  }
}
