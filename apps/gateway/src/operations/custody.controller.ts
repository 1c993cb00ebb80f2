import { type ServerResponse } from 'node:http';
import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ExportCustodyUseCase } from '@wissel/pipeline';
import { ApiProblems } from '../http/api-problems.decorator';
import { OperatorApi } from '../operator/operator-api.decorator';
import { RequireRole } from '../operator/require-role.decorator';
import { CustodyExportModel } from './operation-models';

/**
 * A referral's chain of custody for the police (W11, docs/chain-of-custody.md): one
 * `wissel-custody/1` JSON document, signed by Wissel as a whole, holding the raw payload,
 * the partner's signature evidence or the Kafka record's, every decision, dispatch and ack.
 * It holds reported URLs and personal data unmasked (it is evidence), so it needs the
 * operator role, and each export is written to the audit log.
 */
@ApiTags('operations')
@Controller('admin/referrals')
@OperatorApi()
export class CustodyController {
  constructor(private readonly exports: ExportCustodyUseCase) {}

  @RequireRole('operator')
  @Get(':id/export')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "A referral's signed chain-of-custody export (wissel-custody/1; audited)",
    description:
      'Verify it with tools/custody-verify.mjs and the key set from /.well-known/jwks.json.',
  })
  @ApiProduces('application/json')
  @ApiOkResponse({
    type: CustodyExportModel,
    description: 'The signed export; its sections are in docs/chain-of-custody.md',
  })
  @ApiProblems({
    401: 'No valid operator bearer token',
    403: 'The operator role is required',
    404: 'No such referral',
  })
  async export(@Param('id') id: string, @Res({ passthrough: true }) response: ServerResponse) {
    const document = await this.exports.execute(id);
    // The id was checked by the lookup (a UUID), so it is safe in a filename.
    response.setHeader('Content-Disposition', `attachment; filename="wissel-custody-${id}.json"`);
    return document;
  }
}
