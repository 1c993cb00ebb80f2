import { Injectable } from '@nestjs/common';
import { WisselConfig } from '@wissel/config';
import { BodyTooLargeError, MalformedRequestError } from '@wissel/pipeline';
import { type GatewayRequest } from './gateway-request';

/**
 * Reads a request body as raw bytes, up to MAX_BODY_BYTES. The Content-Digest is checked
 * against exactly these bytes, which is why the gateway runs without Nest's body parsers
 * (see gateway-app-options.ts).
 */
@Injectable()
export class RequestBodyReader {
  constructor(private readonly config: WisselConfig) {}

  async read(request: GatewayRequest): Promise<Buffer> {
    if (request.rawBody) return request.rawBody;
    // A parser that already consumed the stream would leave nothing to digest.
    if (request.readableEnded || (request as { _body?: boolean })._body) {
      throw new Error('the request body was consumed before the gateway read it');
    }
    const limit = this.config.MAX_BODY_BYTES;
    const declared = Number(request.headers['content-length'] ?? NaN);
    if (declared > limit) throw tooLarge(limit);
    const chunks: Buffer[] = [];
    let size = 0;
    // destroyOnReturn false: leaving the loop early must not destroy the socket before
    // the 413 answer is written.
    for await (const chunk of request.iterator({ destroyOnReturn: false })) {
      size += (chunk as Buffer).length;
      // Stop reading at once; the connection is closed after the answer.
      if (size > limit) throw tooLarge(limit);
      chunks.push(chunk as Buffer);
    }
    request.rawBody = Buffer.concat(chunks, size);
    return request.rawBody;
  }

  /** The body as JSON (the operator endpoints). */
  async readJson(request: GatewayRequest): Promise<unknown> {
    const body = await this.read(request);
    try {
      return JSON.parse(body.toString('utf8')) as unknown;
    } catch {
      throw new MalformedRequestError('malformed_request', 'the body must be a JSON document');
    }
  }
}

function tooLarge(limit: number): BodyTooLargeError {
  return new BodyTooLargeError('body_too_large', `the request body exceeds ${limit} bytes`);
}
