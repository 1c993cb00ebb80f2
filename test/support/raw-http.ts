/**
 * HTTP below fetch: raw sockets for slow clients and oversized headers, and node:http for
 * requests fetch will not send (any method, duplicated headers, raw paths). For the API
 * security and fuzzing tests.
 */
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

export interface RawExchange {
  /** Everything the server sent, as latin1 text. */
  response: string;
  /** When the server closed the connection, in ms after it was opened (-1: it did not). */
  closedAfterMs: number;
}

/**
 * Opens a connection, writes `head`, then `drip` one byte at a time every `everyMs` until
 * the server closes the connection or `maxMs` passes; the slow-client attacks.
 */
export function slowClient(
  port: number,
  head: string,
  drip: string,
  everyMs: number,
  maxMs: number,
): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    let timer: NodeJS.Timeout | undefined;
    let sent = 0;
    const done = (closedAfterMs: number) => {
      clearInterval(timer);
      clearTimeout(deadline);
      socket.destroy();
      resolve({ response: Buffer.concat(chunks).toString('latin1'), closedAfterMs });
    };
    const deadline = setTimeout(() => done(-1), maxMs);
    socket.on('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (!socket.writable) return;
        socket.write(drip[sent % drip.length]!);
        sent += 1;
      }, everyMs);
    });
    socket.on('data', (d) => chunks.push(d));
    socket.on('close', () => done(Date.now() - started));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      // A reset while dripping is the server closing on us: that is the outcome measured.
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') return;
      clearInterval(timer);
      reject(e);
    });
  });
}

/** Sends `raw` at once and reads until the server closes or `maxMs` passes. */
export function rawRequest(
  port: number,
  raw: string | Buffer,
  maxMs = 5_000,
): Promise<RawExchange> {
  return slowClient(port, raw.toString(), ' ', 60 * 60 * 1000, maxMs);
}

export interface NodeResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request through node:http: any method, header values as arrays send duplicates. */
export function nodeRequest(
  baseUrl: string,
  method: string,
  path: string,
  headers: OutgoingHttpHeaders,
  body?: Buffer,
): Promise<NodeResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { hostname, port, method, path, headers, agent: false, timeout: 15_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer to ${method} ${path}`)));
    req.on('error', reject);
    req.end(body);
  });
}
