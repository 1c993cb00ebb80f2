/**
 * A partner's webhook endpoint for the delivery e2e tests: a real node:http server on
 * 127.0.0.1 that checks every request as a partner would — the RFC 9421 signature and
 * Content-Digest with Wissel's key from the gateway's /.well-known/jwks.json, and the JSON
 * signature with libs/partner-client's verifyWisselMessage — and answers what the test says.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { fetchJwks, verifyWisselMessage, type Jwks } from '@wissel/partner-client';
import { verifyContentDigest, verifyRequest } from '@wissel/signing';

export interface WebhookCall {
  dispatchId: string;
  status: number;
  /** Both signatures verified; otherwise why not. */
  verified: true | string;
  value: string;
}

export class WebhookRecipient {
  readonly calls: WebhookCall[] = [];
  /** The status to answer, given the dispatch and how often it came before. */
  answer: (dispatchId: string, earlierCalls: number) => number = () => 200;
  /**
   * While true, requests are read and never answered, as a host that accepts connections
   * and hangs (the sender's timeout ends each); counted in `unansweredRequests`.
   */
  unanswered = false;
  unansweredRequests = 0;
  private jwks?: Jwks;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly gatewayUrl: () => string,
    private readonly now: () => Date,
  ) {}

  /** `now` is the test's clock: the signature's `created` follows the dispatcher's clock. */
  static async start(gatewayUrl: () => string, now: () => Date): Promise<WebhookRecipient> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const recipient = new WebhookRecipient(
      server,
      `http://127.0.0.1:${port}/hooks/wissel`,
      gatewayUrl,
      now,
    );
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (recipient.unanswered) {
          recipient.unansweredRequests++;
          return;
        }
        void recipient.handle(req, Buffer.concat(chunks)).then((status) => {
          res.writeHead(status, { 'content-type': 'text/plain' }).end();
        });
      });
    });
    return recipient;
  }

  /** Calls of one dispatch answered with a 2xx: what the recipient counts as delivered. */
  deliveries(dispatchId: string): number {
    return this.calls.filter((c) => c.dispatchId === dispatchId && c.status < 300).length;
  }

  private async handle(req: IncomingMessage, body: Buffer): Promise<number> {
    const dispatchId = String(req.headers['idempotency-key'] ?? '').replace(/^"|"$/g, '');
    const verified = await this.verify(req, body).catch((e: Error) => e.message);
    const earlier = this.calls.filter((c) => c.dispatchId === dispatchId).length;
    const status = verified === true ? this.answer(dispatchId, earlier) : 401;
    this.calls.push({ dispatchId, status, verified, value: body.toString('utf8') });
    return status;
  }

  private async verify(req: IncomingMessage, body: Buffer): Promise<true> {
    // Fetched once, as a partner caches it.
    this.jwks ??= await fetchJwks(this.gatewayUrl());
    const keys = this.jwks.keys;
    await verifyRequest(
      {
        method: req.method ?? '',
        url: `http://${req.headers.host}${req.url}`,
        headers: req.headers,
      },
      {
        lookupKey: (kid) => {
          const jwk = keys.find((k) => k.kid === kid);
          return jwk ? [{ alg: 'ed25519', publicKey: jwk as never }] : undefined;
        },
        now: this.now,
        requiredComponents: [
          '@method',
          '@target-uri',
          'content-digest',
          'content-type',
          'idempotency-key',
        ],
      },
    );
    verifyContentDigest(req.headers['content-digest'], body);
    const json = verifyWisselMessage({ headers: req.headers, value: body }, this.jwks);
    if (!json.ok) throw new Error(`${json.code}: ${json.detail}`);
    return true;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** A clock the test moves: the relay's retries fall due only when the test says so. */
export class ManualClock {
  private current = new Date();
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
