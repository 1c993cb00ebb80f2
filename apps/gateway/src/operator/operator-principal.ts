import { type OperatorRole } from '@wissel/domain';

/** An authenticated operator, as the audit log names them. */
export interface OperatorPrincipal {
  /** `token:<label>` for a static token, `oidc:<sub>` for an OIDC token. */
  actor: string;
  /** Undefined: authenticated, but the token grants no role (everything answers 403). */
  role: OperatorRole | undefined;
  via: 'token' | 'oidc';
}
