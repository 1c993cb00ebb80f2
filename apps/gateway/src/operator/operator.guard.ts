import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import {
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { WisselConfig } from '@wissel/config';

/**
 * Lets a request through only with `Authorization: Bearer <token>` whose SHA-256 is one of
 * OPERATOR_TOKEN_SHA256 (comma-separated hex digests: the config never holds a token).
 * Compares every configured digest in constant time. With none configured, every request
 * is refused. Self-contained (config only), for any operator endpoint; its refusal is an
 * RFC 9457 problem (code `operator_unauthenticated`) whichever exception filter renders it.
 */
@Injectable()
export class OperatorGuard implements CanActivate {
  private readonly digests: Buffer[];

  constructor(config: WisselConfig) {
    this.digests = config.OPERATOR_TOKEN_SHA256.split(',')
      .filter((d) => d !== '')
      .map((d) => Buffer.from(d, 'hex'));
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const token = bearerToken(http.getRequest<IncomingMessage>().headers.authorization);
    if (token !== undefined && this.accepts(token)) return true;
    http
      .getResponse<ServerResponse>()
      .setHeader('WWW-Authenticate', 'Bearer realm="wissel-operator"');
    throw new UnauthorizedException({
      type: 'urn:wissel:problem:operator_unauthenticated',
      title: 'Not authenticated',
      status: 401,
      detail: 'an operator bearer token is required',
      instance: `urn:uuid:${randomUUID()}`,
      code: 'operator_unauthenticated',
    });
  }

  private accepts(token: string): boolean {
    const digest = createHash('sha256').update(token, 'utf8').digest();
    // No early exit: the time taken does not say which digest, if any, came close.
    let match = false;
    for (const known of this.digests) match = timingSafeEqual(digest, known) || match;
    return match;
  }
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +([^\s]+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
