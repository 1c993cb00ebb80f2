// A stand-in for Wissel's gateway in the specs (not exported): a real HTTP server that
// verifies each request with libs/signing exactly as the gateway must, and echoes what it
// verified. It checks the digest against the bytes received, not against a parsed body.
import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  KeyLookupResult,
  SignatureError,
  verifyContentDigest,
  verifyRequest,
} from '@wissel/signing';

export interface VerifyingServer {
  baseUrl: string;
  /** Every request that passed verification, in order. */
  accepted: AcceptedRequest[];
  close(): Promise<void>;
}

export interface AcceptedRequest {
  method: string;
  target: string;
  keyId: string;
  alg: string;
  nonce: string | undefined;
  created: number | undefined;
  components: string[];
  contentType: string | undefined;
  bodySha256: string;
}

export interface VerifyingServerOptions {
  keys: Record<string, KeyLookupResult>;
  now?: () => Date;
}

export async function startVerifyingServer(
  options: VerifyingServerOptions,
): Promise<VerifyingServer> {
  const accepted: AcceptedRequest[] = [];
  const server = createServer((req, res) => {
    void handle(req, res, options, accepted);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, accepted, close: () => close(server) };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: VerifyingServerOptions,
  accepted: AcceptedRequest[],
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const hasBody = req.method === 'POST';
  try {
    const verified = await verifyRequest(
      {
        method: req.method ?? '',
        url: `http://${req.headers.host}${req.url}`,
        headers: req.headers,
      },
      {
        lookupKey: (keyId) => options.keys[keyId],
        requiredComponents: hasBody
          ? ['@method', '@target-uri', 'content-digest', 'content-type']
          : ['@method', '@target-uri'],
        now: options.now,
      },
    );
    if (hasBody) verifyContentDigest(req.headers['content-digest'], body);
    const record: AcceptedRequest = {
      method: req.method ?? '',
      target: req.url ?? '',
      keyId: verified.keyId,
      alg: verified.alg,
      nonce: verified.nonce,
      created: verified.created,
      components: verified.components,
      contentType: req.headers['content-type'],
      bodySha256: createHash('sha256').update(body).digest('hex'),
    };
    accepted.push(record);
    answer(res, 200, 'application/json', record);
  } catch (error) {
    if (!(error instanceof SignatureError)) {
      answer(res, 500, 'text/plain', String(error));
      return;
    }
    // Like the gateway, one answer for whatever depends on the key (docs/partner-api.md).
    const concealed = CONCEALED.has(error.code);
    answer(res, 401, 'application/problem+json', {
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      code: concealed ? 'signature_invalid' : error.code,
      detail: concealed ? 'the signature does not verify' : error.detail,
    });
  }
}

const CONCEALED = new Set(['key_unknown', 'key_revoked', 'alg_mismatch', 'signature_invalid']);

function answer(res: ServerResponse, status: number, type: string, body: unknown): void {
  res.writeHead(status, { 'content-type': type });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
}
