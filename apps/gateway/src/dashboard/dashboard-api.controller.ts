import { Controller, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  GetDashboardUseCase,
  InspectDispatchUseCase,
  ReplayDeadLetterUseCase,
} from '@wissel/pipeline';
import { ApiProblems } from '../http/api-problems.decorator';
import { OperatorApi } from '../operator/operator-api.decorator';
import { RequireRole } from '../operator/require-role.decorator';
import {
  DashboardSnapshotModel,
  DispatchInspectionModel,
  ReplayResultModel,
} from './dashboard-models';
import { DependencyHealth } from './dependency-health';

/**
 * What the operator dashboard page reads and does (W7): one snapshot of the pipeline,
 * one dispatch inspected, one dead letter replayed. Operator bearer token only. No answer
 * carries a reported URL.
 */
@ApiTags('operations')
@Controller('admin')
@OperatorApi()
export class DashboardApiController {
  constructor(
    private readonly dashboard: GetDashboardUseCase,
    private readonly inspection: InspectDispatchUseCase,
    private readonly replayer: ReplayDeadLetterUseCase,
    private readonly health: DependencyHealth,
  ) {}

  @RequireRole('viewer')
  @Get('dashboard.json')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'The operator dashboard: throughput, backlogs, failures, health' })
  @ApiOkResponse({ type: DashboardSnapshotModel })
  @ApiProblems({ 401: 'No valid operator bearer token' })
  async snapshot() {
    const [snapshot, health] = await Promise.all([this.dashboard.execute(), this.health.execute()]);
    return { ...snapshot, health };
  }

  @RequireRole('viewer')
  @Get('dispatches/:id')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'One dispatch: delivery, error, lifecycle and decision metadata (no referral content)',
  })
  @ApiOkResponse({
    type: DispatchInspectionModel,
    description: 'The dispatch as the dashboard inspects it',
  })
  @ApiProblems({ 401: 'No valid operator bearer token', 404: 'No such dispatch' })
  inspect(@Param('id') id: string) {
    return this.inspection.execute(id);
  }

  @RequireRole('operator')
  @Post('dispatches/:id/replay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replay one dead-lettered dispatch (fresh attempts, at most once)' })
  @ApiOkResponse({ type: ReplayResultModel })
  @ApiProblems({
    401: 'No valid operator bearer token',
    404: 'No such dispatch',
    409: 'The dispatch is not dead-lettered (delivered, due, or already replayed)',
  })
  async replay(@Param('id') id: string): Promise<ReplayResultModel> {
    return { ...(await this.replayer.execute(id)), replayed: true };
  }
}
