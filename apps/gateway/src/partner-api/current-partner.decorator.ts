import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type AuthenticatedPartner } from '@wissel/pipeline';
import { type GatewayRequest } from '../http/gateway-request';

/** The partner SignedPartnerGuard authenticated for this request. */
export const CurrentPartner = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedPartner => {
    const partner = context.switchToHttp().getRequest<GatewayRequest>().partner;
    // The guard runs first on every route using this; without it this is a wiring bug.
    if (!partner) throw new Error('no authenticated partner on this request');
    return partner;
  },
);
