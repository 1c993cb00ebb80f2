import { type IncomingMessage } from 'node:http';
import { type AuthenticatedPartner } from '@wissel/pipeline';
import { type OperatorPrincipal } from '../operator/operator-principal';

/**
 * The parts of Express's request the gateway uses (without depending on Express's types):
 * the URL as the client sent it and the protocol it came in on, plus what the gateway
 * attaches — the exact body bytes and the partner who signed the request.
 */
export interface GatewayRequest extends IncomingMessage {
  originalUrl: string;
  protocol: string;
  rawBody?: Buffer;
  partner?: AuthenticatedPartner;
  /** The operator, on admin routes (OperatorGuard). */
  operator?: OperatorPrincipal;
}

/** The absolute URI the client addressed, as the signature's @target-uri must match it. */
export function targetUri(request: GatewayRequest, publicBaseUrl: string): string {
  // A request-target in absolute-form is the target URI itself (RFC 9110 §7.1).
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(request.originalUrl)) return request.originalUrl;
  // Behind a TLS-terminating proxy the gateway sees http and perhaps another host, so the
  // public origin is configured; without it, the request's own scheme and Host header.
  const origin = publicBaseUrl || `${request.protocol}://${request.headers.host ?? ''}`;
  return origin + request.originalUrl;
}
