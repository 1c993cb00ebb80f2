import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { type OperatorRole } from '@wissel/domain';

export const REQUIRED_ROLE = 'wissel:required-role';

/**
 * The least role an operator route needs. Every route behind OperatorGuard must declare
 * one: the guard refuses a route without it (and a unit test scans the controllers).
 */
export function RequireRole(role: OperatorRole): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(REQUIRED_ROLE, role), ApiBearerAuth('operator'));
}
