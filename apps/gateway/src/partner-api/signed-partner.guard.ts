import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { WisselConfig } from '@wissel/config';
import { WisselMetrics } from '@wissel/observability';
import {
  AuthenticatePartnerUseCase,
  NotAuthenticatedError,
  SignatureRefusedError,
} from '@wissel/pipeline';
import { targetUri, type GatewayRequest } from '../http/gateway-request';
import { RequestBodyReader } from '../http/request-body.reader';
import { PartnerRateLimiter } from './partner-rate-limiter';

// Methods whose requests carry a body, and so must sign its digest and type.
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Lets a request through only when a registered, active partner signed it (RFC 9421) over
 * exactly the bytes received, with a fresh nonce, and within the partner's rate. Reads the
 * body first (MAX_BODY_BYTES), then authenticates, then rate-limits; attaches the partner.
 */
@Injectable()
export class SignedPartnerGuard implements CanActivate {
  constructor(
    private readonly config: WisselConfig,
    private readonly bodies: RequestBodyReader,
    private readonly authenticate: AuthenticatePartnerUseCase,
    private readonly rateLimiter: PartnerRateLimiter,
    private readonly metrics: WisselMetrics,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<GatewayRequest>();
    const method = (request.method ?? 'GET').toUpperCase();
    const body = WITH_BODY.has(method) ? await this.bodies.read(request) : undefined;
    try {
      request.partner = await this.authenticate.execute({
        method,
        url: targetUri(request, this.config.PUBLIC_BASE_URL),
        headers: request.headers,
        body,
      });
    } catch (error) {
      // Signature, digest and nonce refusals (wissel_signature_failures_total), by the real
      // reason: the caller sees one code for several, the operators see which it was.
      if (error instanceof SignatureRefusedError) {
        this.metrics.signatureFailure(error.concealedReason);
      } else if (error instanceof NotAuthenticatedError) {
        this.metrics.signatureFailure(error.code);
      }
      throw error;
    }
    this.rateLimiter.take(request.partner.partnerId);
    return true;
  }
}
