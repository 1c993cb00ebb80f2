import { Module } from '@nestjs/common';
import { OidcAuthenticator } from './oidc.authenticator';
import { OperatorAuditInterceptor } from './operator-audit.interceptor';
import { OperatorGuard } from './operator.guard';
import { StaticTokenAuthenticator } from './static-token.authenticator';

/** Operator authentication (static tokens, OIDC), roles and the audit of operator actions. */
@Module({
  providers: [StaticTokenAuthenticator, OidcAuthenticator, OperatorGuard, OperatorAuditInterceptor],
  exports: [StaticTokenAuthenticator, OidcAuthenticator, OperatorGuard, OperatorAuditInterceptor],
})
export class OperatorAuthModule {}
