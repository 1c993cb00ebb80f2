import { Injectable } from '@nestjs/common';
import { contentDigest, signRequest, type SignedJsonMessage } from '@wissel/signing';
import { verdictForStatus, type WebhookVerdict } from './webhook-outcome';
import { WisselKeyring } from './wissel-keyring';

/** What Wissel's RFC 9421 signature on a webhook covers. */
export const WEBHOOK_COVERED_COMPONENTS = [
  '@method',
  '@target-uri',
  'content-digest',
  'content-type',
  'idempotency-key',
] as const;

export interface WebhookRequest {
  url: string;
  timeoutMs: number;
  dispatchId: string;
  /** The dispatch's own headers (schema, ids, recipient), sent as HTTP headers too. */
  headers: Record<string, string>;
  message: SignedJsonMessage;
  /** Unix seconds for the signature's `created`. */
  created: number;
}

/**
 * POSTs a signed dispatch to a recipient's webhook: the canonical JSON body with Wissel's
 * JSON signature headers (as on Kafka), an RFC 9421 signature with Wissel's key (keyid =
 * the JWKS kid) over method, URL, Content-Digest, Content-Type and Idempotency-Key (the
 * outbox row's message id: the receiver drops repeats by it). Redirects are never followed.
 */
@Injectable()
export class WebhookSender {
  constructor(private readonly keyring: WisselKeyring) {}

  async send(request: WebhookRequest): Promise<WebhookVerdict> {
    const body = Buffer.from(request.message.text, 'utf8');
    const headers: Record<string, string> = {
      ...request.headers,
      ...request.message.headers,
      'content-type': 'application/json',
      'content-digest': contentDigest(body),
      // A structured-field string (draft-ietf-httpapi-idempotency-key-header).
      'idempotency-key': `"${request.dispatchId}"`,
    };
    Object.assign(
      headers,
      signRequest(
        { method: 'POST', url: request.url, headers },
        {
          alg: 'ed25519',
          privateKey: this.keyring.privateKey,
          keyId: this.keyring.keyId,
          components: WEBHOOK_COVERED_COMPONENTS,
          created: request.created,
        },
      ),
    );
    let response: Response;
    try {
      response = await fetch(request.url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(request.timeoutMs),
      });
    } catch (error) {
      return { kind: 'retry', error: describe(error, request.timeoutMs) };
    }
    // The answer's body is not read: nothing in it changes the outcome.
    await response.body?.cancel().catch(() => undefined);
    return verdictForStatus(response.status);
  }
}

function describe(error: unknown, timeoutMs: number): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message}: ${cause}` : String(e.message ?? error);
}
