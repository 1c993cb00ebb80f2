import { type NestApplicationOptions } from '@nestjs/common';

/**
 * How the gateway app must be created: without Nest's body parsers, because the signed
 * partner API checks Content-Digest against the exact bytes received (RequestBodyReader
 * reads them). main.ts and the e2e stack both use this.
 */
export const GATEWAY_APP_OPTIONS: NestApplicationOptions = {
  bodyParser: false,
  forceCloseConnections: true,
};
