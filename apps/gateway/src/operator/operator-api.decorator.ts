import { applyDecorators, UseGuards, UseInterceptors } from '@nestjs/common';
import { OperatorAuditInterceptor } from './operator-audit.interceptor';
import { OperatorGuard } from './operator.guard';

/**
 * An operator controller: every route authenticated (OIDC or static token), role-checked
 * by its @RequireRole, and run under the operator's name for the audit log.
 */
export function OperatorApi(): ClassDecorator {
  return applyDecorators(UseGuards(OperatorGuard), UseInterceptors(OperatorAuditInterceptor));
}
