import { type Server } from 'node:http';

/** The HTTP server settings that bound what one client can hold (WisselConfig HTTP_*). */
export interface HttpServerLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxHeaderBytes: number;
}

/**
 * Applies the limits to a Node HTTP server before it listens. Nest's Express adapter
 * creates the server without options, so they are set as properties: Node reads
 * maxHeaderSize per connection and connectionsCheckingInterval when listening (both are
 * the createServer options of the same name; test/e2e/api-security.e2e-spec.ts proves
 * each on a raw socket). Node enforces headersTimeout and requestTimeout only when it
 * sweeps its connections, every 30 s by default: a sweep a quarter of the headers
 * timeout (at most 1 s) apart closes a slow client within about 1.25 times its limit.
 */
export function applyHttpServerLimits(server: Server, limits: HttpServerLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  const tunable = server as Server & {
    maxHeaderSize?: number;
    connectionsCheckingInterval?: number;
  };
  tunable.maxHeaderSize = limits.maxHeaderBytes;
  tunable.connectionsCheckingInterval = Math.max(
    25,
    Math.min(1000, Math.floor(limits.headersTimeoutMs / 4)),
  );
}
