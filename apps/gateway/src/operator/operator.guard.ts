import { randomUUID } from 'node:crypto';
import { type ServerResponse } from 'node:http';
import {
  ForbiddenException,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { roleAllows, type OperatorRole } from '@wissel/domain';
import { type GatewayRequest } from '../http/gateway-request';
import { OidcAuthenticator } from './oidc.authenticator';
import { type OperatorPrincipal } from './operator-principal';
import { REQUIRED_ROLE } from './require-role.decorator';
import { StaticTokenAuthenticator } from './static-token.authenticator';

/**
 * Operator authentication and roles for every admin route: `Authorization: Bearer <token>`,
 * either an OIDC JWT from OIDC_ISSUER or a static token whose SHA-256 is configured. The
 * route's @RequireRole decides: a missing or invalid token answers 401
 * (`operator_unauthenticated`), a role too low 403 (`operator_forbidden`), and a route
 * that declares no role is refused to everyone (fail closed). The operator is attached to
 * the request for the audit log.
 */
@Injectable()
export class OperatorGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: StaticTokenAuthenticator,
    private readonly oidc: OidcAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const need = this.reflector.getAllAndOverride<OperatorRole | undefined>(REQUIRED_ROLE, [
      context.getHandler(),
      context.getClass(),
    ]);
    const http = context.switchToHttp();
    await this.authorize(http.getRequest<GatewayRequest>(), http.getResponse(), need);
    return true;
  }

  /** Authenticates the request and checks `need`; throws 401 or 403 problems. */
  async authorize(
    request: GatewayRequest,
    response: ServerResponse,
    need: OperatorRole | undefined,
  ): Promise<OperatorPrincipal> {
    const principal = await this.authenticate(request.headers.authorization);
    if (!principal) {
      response.setHeader('WWW-Authenticate', 'Bearer realm="wissel-operator"');
      throw new UnauthorizedException(
        problem(401, 'operator_unauthenticated', 'an operator bearer token is required'),
      );
    }
    request.operator = principal;
    if (need === undefined || principal.role === undefined || !roleAllows(principal.role, need)) {
      throw new ForbiddenException(
        problem(
          403,
          'operator_forbidden',
          need === undefined
            ? 'this route declares no operator role'
            : `the ${need} role is required`,
        ),
      );
    }
    return principal;
  }

  private async authenticate(header: string | undefined): Promise<OperatorPrincipal | undefined> {
    const token = /^Bearer +([^\s]+)\s*$/i.exec(header ?? '')?.[1];
    if (token === undefined) return undefined;
    // A JWT is three dot-separated parts; a static token is base64url, without dots.
    if (this.oidc.enabled && token.split('.').length === 3) return this.oidc.authenticate(token);
    return this.tokens.authenticate(token);
  }
}

function problem(status: number, code: string, detail: string) {
  return {
    type: `urn:wissel:problem:${code}`,
    title: status === 401 ? 'Not authenticated' : 'Forbidden',
    status,
    detail,
    instance: `urn:uuid:${randomUUID()}`,
    code,
  };
}
