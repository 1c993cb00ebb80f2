import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { type Ed25519PublicJwk } from '@wissel/signing';
import { WisselKeyring } from '@wissel/pipeline';
import { JwkSetModel } from './jwks-models';

/**
 * Wissel's public signing keys (RFC 7517 JWK set): the key every outbound message is
 * signed with now, and previous keys still valid for messages signed before a rotation.
 * Public: recipients fetch it to verify (libs/partner-client fetchJwks).
 */
@ApiTags('signing')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keyring: WisselKeyring) {}

  @Get('jwks.json')
  @ApiOperation({
    summary: "Wissel's public keys, to verify the signature of every message it sends",
    description: 'Public. Refetch on an unknown keyid: a rotation adds a key.',
  })
  @ApiProduces('application/jwk-set+json')
  @ApiOkResponse({ type: JwkSetModel })
  @Header('Content-Type', 'application/jwk-set+json')
  // Short enough that a rotation is seen within minutes; verifiers refetch on key_unknown.
  @Header('Cache-Control', 'public, max-age=300')
  jwks(): { keys: Ed25519PublicJwk[] } {
    return this.keyring.jwks;
  }
}
