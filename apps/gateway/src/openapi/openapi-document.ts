import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { GATEWAY_APP_OPTIONS } from '../gateway-app-options';
import { WisselModule } from '../../../wissel/src/wissel.module';
import { documentSubmissionBody } from '../partner-api/submission-body.openapi';

/**
 * The HTTP API's OpenAPI document, built from the controllers' decorators. It is built from
 * the embedded mode's app, which serves the gateway's routes and the recipients' feeds (the
 * one route the cluster's gateway lacks; its description says so). Preview mode builds the
 * module graph without instantiating providers: no database or broker needed.
 * `npm run openapi` writes it to docs/openapi.json, which both apps serve.
 */
export async function buildOpenApiDocument(): Promise<OpenAPIObject> {
  const app = await NestFactory.create(WisselModule, {
    ...GATEWAY_APP_OPTIONS,
    preview: true,
    logger: false,
  });
  try {
    const config = new DocumentBuilder()
      .setTitle('Wissel partner API')
      .setDescription(
        'Submit referrals (URLs, hashes, metadata — never media) and read the status of your own. ' +
          'Every /v1 request is signed with HTTP Message Signatures (RFC 9421) over @method, ' +
          '@target-uri and, with a body, content-digest (RFC 9530) and content-type, with created, ' +
          'keyid, alg and nonce. Errors are application/problem+json (RFC 9457) with a stable code. ' +
          'The signing recipe, a worked example and every error code: docs/partner-api.md.',
      )
      .setVersion('1')
      .addSecurity('httpMessageSignature', {
        type: 'apiKey',
        in: 'header',
        name: 'Signature',
        description: 'RFC 9421 Signature and Signature-Input headers; see docs/partner-api.md',
      })
      .addBearerAuth({ type: 'http', scheme: 'bearer' }, 'operator')
      .build();
    return documentSubmissionBody(SwaggerModule.createDocument(app, config));
  } finally {
    await app.close();
  }
}
