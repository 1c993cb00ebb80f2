import { randomBytes } from 'node:crypto';
import { contentDigest, SigningKey, signRequest } from '@wissel/signing';
import { guessContentType } from './content-type';
import { PartnerKey, toSigningKey } from './partner-key';
import { PartnerResponse, readResponse } from './response';

export interface PartnerClientOptions {
  /** Wissel's base URL, e.g. `http://127.0.0.1:3000`; a path prefix is kept. */
  baseUrl: string;
  /** The key id the operator registered for this key. */
  keyId: string;
  key: PartnerKey;
  /** The clock for the `created` parameter; the system clock by default. */
  now?: () => Date;
  /** Global fetch by default. */
  fetch?: typeof fetch;
  /** The `nonce` parameter; 128 random bits, base64url, by default. For fixed examples only. */
  nonce?: () => string;
}

/** A request signed and ready to send. Change nothing in it unless you mean to break it. */
export interface PreparedRequest {
  url: string;
  method: string;
  /** Lower-case names: content-type, content-digest, signature-input, signature, accept. */
  headers: Record<string, string>;
  body?: Buffer;
}

export type ListOptions = { since?: string; cursor?: string; limit?: number };

// What a request without a body signs: there is no content to digest or type.
const BODYLESS_COMPONENTS = ['@method', '@target-uri'] as const;
const BODY_COMPONENTS = ['@method', '@target-uri', 'content-digest', 'content-type'] as const;
// Wissel answers errors as RFC 9457 problem details.
const ACCEPT = 'application/json, application/problem+json';

/** Signs requests to Wissel's partner API (RFC 9421 + RFC 9530) and sends them. */
export class PartnerClient {
  private readonly baseUrl: string;
  private readonly signingKey: SigningKey;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: PartnerClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.signingKey = toSigningKey(options.key);
    this.fetchFn = options.fetch ?? fetch;
  }

  /** Builds and signs a request without sending it. */
  prepare(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: Buffer | string,
    contentType = 'application/json',
  ): PreparedRequest {
    // Parsed and serialised the way fetch will, so the signed @target-uri is the one sent.
    const url = new URL(this.baseUrl + path).href;
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const headers: Record<string, string> = { accept: ACCEPT };
    if (bytes !== undefined) {
      headers['content-type'] = contentType;
      headers['content-digest'] = contentDigest(bytes);
    }
    const signature = signRequest(
      { method, url, headers },
      {
        ...this.signingKey,
        keyId: this.options.keyId,
        components: bytes === undefined ? BODYLESS_COMPONENTS : BODY_COMPONENTS,
        created: Math.floor((this.options.now?.() ?? new Date()).getTime() / 1000),
        nonce: this.options.nonce?.() ?? randomBytes(16).toString('base64url'),
      },
    );
    return { url, method, headers: { ...headers, ...signature }, body: bytes };
  }

  /** Sends a prepared request exactly as it stands. */
  async send(prepared: PreparedRequest): Promise<PartnerResponse> {
    const response = await this.fetchFn(prepared.url, {
      method: prepared.method,
      headers: prepared.headers,
      body: prepared.body,
      redirect: 'manual', // a redirect would change @target-uri and void the signature
    });
    return readResponse(response);
  }

  /**
   * POST /v1/referrals. An object is sent as JSON.stringify of it. Without a contentType the
   * body's own shape picks it (`guessContentType`: XML, X-ARF, ICCAM or canonical JSON).
   */
  submit(body: Buffer | string | object, contentType?: string): Promise<PartnerResponse> {
    const bytes = Buffer.isBuffer(body) || typeof body === 'string' ? body : JSON.stringify(body);
    const type = contentType ?? guessContentType(bytes);
    return this.send(this.prepare('POST', '/v1/referrals', bytes, type));
  }

  /** GET /v1/referrals/{id}. */
  status(id: string): Promise<PartnerResponse> {
    return this.send(this.prepare('GET', `/v1/referrals/${encodeURIComponent(id)}`));
  }

  /** GET /v1/referrals, optionally since a time, from a cursor, at most `limit`. */
  list(options: ListOptions = {}): Promise<PartnerResponse> {
    const query = new URLSearchParams();
    if (options.since !== undefined) query.set('since', options.since);
    if (options.cursor !== undefined) query.set('cursor', options.cursor);
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    const search = query.size > 0 ? `?${query.toString()}` : '';
    return this.send(this.prepare('GET', `/v1/referrals${search}`));
  }
}
