import { Injectable, Logger } from '@nestjs/common';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { WisselConfig } from '@wissel/config';
import { parseRoleMap, roleFromClaim, type OperatorRole } from '@wissel/domain';
import { type OperatorPrincipal } from './operator-principal';

/** Asymmetric algorithms only: a shared-secret (HS*) or unsigned (`none`) token is refused. */
const ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/**
 * Operators' OIDC bearer tokens (JWT access or ID tokens from the organisation's identity
 * provider), verified with jose against the issuer's published keys: signature, `iss`,
 * `aud`, `exp`/`nbf` with a small clock tolerance, a subject. The role comes from a
 * configurable claim mapped onto viewer/operator/admin. The JWKS location is discovered
 * from the issuer's metadata once (again after a failure) unless OIDC_JWKS_URI is set;
 * jose caches the keys and refetches them for an unknown key id (rotation).
 */
@Injectable()
export class OidcAuthenticator {
  private readonly logger = new Logger(OidcAuthenticator.name);
  private readonly roleMap: ReadonlyMap<string, OperatorRole>;
  private keys?: Promise<KeySet>;

  constructor(private readonly config: WisselConfig) {
    const map = parseRoleMap(config.OIDC_ROLE_MAP);
    if ('error' in map) throw new Error(`OIDC_ROLE_MAP: ${map.error}`);
    this.roleMap = map;
  }

  get enabled(): boolean {
    return this.config.OIDC_ISSUER !== '';
  }

  /** The principal, or undefined for a token that does not verify (any reason: 401). */
  async authenticate(token: string): Promise<OperatorPrincipal | undefined> {
    if (!this.enabled) return undefined;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.keySet(), {
        issuer: this.config.OIDC_ISSUER,
        audience: this.config.OIDC_AUDIENCE,
        algorithms: ALGORITHMS,
        clockTolerance: this.config.OIDC_CLOCK_TOLERANCE_S,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      // The reason, never the token: a refused token is the operator's problem to fix.
      const reason = error instanceof errors.JOSEError ? error.code : (error as Error).name;
      this.logger.log({ reason }, 'operator token refused');
      if (!(error instanceof errors.JOSEError)) this.keys = undefined; // retry discovery
      return undefined;
    }
    const role = roleFromClaim(claimAt(payload, this.config.OIDC_ROLES_CLAIM), this.roleMap);
    return { actor: `oidc:${payload.sub}`, role, via: 'oidc' };
  }

  private keySet(): Promise<KeySet> {
    this.keys ??= this.jwksUri().then((uri) => createRemoteJWKSet(new URL(uri)));
    this.keys.catch(() => (this.keys = undefined));
    return this.keys;
  }

  private async jwksUri(): Promise<string> {
    if (this.config.OIDC_JWKS_URI !== '') return this.config.OIDC_JWKS_URI;
    const issuer = this.config.OIDC_ISSUER;
    const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`OIDC discovery answered ${response.status}`);
    const metadata = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
    // OpenID Connect Discovery §4.3: the metadata must name the very issuer asked for.
    if (metadata.issuer !== issuer || typeof metadata.jwks_uri !== 'string') {
      throw new Error('OIDC discovery: issuer mismatch or no jwks_uri');
    }
    return metadata.jwks_uri;
  }
}

/** A claim by name, or by dotted path into nested objects (Keycloak's realm_access.roles). */
function claimAt(payload: JWTPayload, path: string): unknown {
  if (path in payload) return payload[path];
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
