import { type ServerResponse } from 'node:http';
import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { GetHosterMonitorUseCase, MalformedRequestError } from '@wissel/pipeline';
import { ApiProblems } from '../http/api-problems.decorator';
import { OperatorApi } from '../operator/operator-api.decorator';
import { RequireRole } from '../operator/require-role.decorator';
import { HosterMonitorModel } from './lifecycle-models';

const CSV_TYPE = 'text/csv; charset=utf-8';

/**
 * The hoster monitor (W6): per hosting provider (AS organisation) and AS number, the time
 * from notice to removal (median, p90), the share removed within 24 h, and open notices —
 * as JSON, or as CSV for a spreadsheet. For operators: figures about named hosters.
 */
@ApiTags('operations')
@Controller('admin')
@OperatorApi()
export class HosterMonitorController {
  constructor(private readonly monitor: GetHosterMonitorUseCase) {}

  @RequireRole('viewer')
  @Get('hoster-monitor')
  @ApiOperation({ summary: 'Removal times per hosting provider and ASN' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: HosterMonitorModel })
  @ApiProblems({ 400: 'format is neither json nor csv', 401: 'No valid operator bearer token' })
  async report(
    @Res({ passthrough: true }) response: ServerResponse,
    @Query('format') format?: string,
  ) {
    if (format === undefined || format === 'json') return this.monitor.execute();
    if (format !== 'csv') {
      throw new MalformedRequestError('malformed_request', 'format must be json or csv', {
        field: 'format',
      });
    }
    return this.csv(response);
  }

  @RequireRole('viewer')
  @Get('hoster-monitor.csv')
  @ApiOperation({ summary: 'The hoster monitor as CSV (RFC 4180; columns only ever added)' })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'CSV with a header row',
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  @ApiProblems({ 401: 'No valid operator bearer token' })
  async csv(@Res({ passthrough: true }) response: ServerResponse): Promise<string> {
    response.setHeader('Content-Type', CSV_TYPE);
    response.setHeader('Content-Disposition', 'attachment; filename="hoster-monitor.csv"');
    return this.monitor.csv();
  }
}
