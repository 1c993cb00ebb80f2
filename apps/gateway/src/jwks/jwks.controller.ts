import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { type Ed25519PublicJwk } from '@wissel/signing';
import { WisselKeyring } from '@wissel/pipeline';

/**
 * Wissel's public signing keys (RFC 7517 JWK set): the key every outbound message is
 * signed with now, and previous keys still valid for messages signed before a rotation.
 * Public: recipients fetch it to verify (libs/partner-client fetchJwks).
 */
@ApiExcludeController()
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keyring: WisselKeyring) {}

  @Get('jwks.json')
  @Header('Content-Type', 'application/jwk-set+json')
  // Short enough that a rotation is seen within minutes; verifiers refetch on key_unknown.
  @Header('Cache-Control', 'public, max-age=300')
  jwks(): { keys: Ed25519PublicJwk[] } {
    return this.keyring.jwks;
  }
}
