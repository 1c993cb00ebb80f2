import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ROUTING_RULES } from '@wissel/config';
import { type RoutingRules } from '@wissel/domain';
import { NotFoundError, recipientsActedFor } from '@wissel/pipeline';
import { type GatewayRequest } from '../../gateway/src/http/gateway-request';
import { OperatorGuard } from '../../gateway/src/operator/operator.guard';
import { SignedPartnerGuard } from '../../gateway/src/partner-api/signed-partner.guard';

/**
 * Who may read a recipient's feed: an operator (bearer token, operator role), or the recipient itself as a
 * partner signing its request (RFC 9421, like every partner request) — a partner acts for
 * the recipients whose id or hopIds is its partner id, as for acks. Another recipient's
 * feed answers 404, as an unknown one would: a partner learns nothing of the others.
 */
@Injectable()
export class FeedAccessGuard implements CanActivate {
  constructor(
    private readonly operator: OperatorGuard,
    private readonly signed: SignedPartnerGuard,
    @Inject(ROUTING_RULES) private readonly rules: RoutingRules,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context
      .switchToHttp()
      .getRequest<GatewayRequest & { params?: Record<string, string> }>();
    if (request.headers.authorization !== undefined) {
      // Dispatches carry reported URLs: the operator role, as for revealing them.
      await this.operator.authorize(request, context.switchToHttp().getResponse(), 'operator');
      return true;
    }
    await this.signed.canActivate(context);
    const recipient = request.params?.recipient ?? '';
    if (!recipientsActedFor(this.rules, request.partner!.partnerId).has(recipient)) {
      throw new NotFoundError('recipient_unknown', 'no such recipient');
    }
    return true;
  }
}
