import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
// The committed document (npm run openapi writes it; a unit test fails when it is stale),
// compiled in, so serving it needs no module scan at start-up.
import document from '../../../../docs/openapi.json';

/** Serves the OpenAPI document. Public: it describes the API, it grants nothing. */
@ApiExcludeController()
@Controller()
export class OpenApiController {
  @Get('openapi.json')
  @Header('Cache-Control', 'public, max-age=300')
  openapi(): unknown {
    return document;
  }
}
