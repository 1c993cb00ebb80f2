import { type IncomingMessage, type ServerResponse } from 'node:http';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import { WisselMetrics } from './wissel-metrics';

type RoutedRequest = IncomingMessage & { route?: { path?: unknown } };

/**
 * Times every HTTP request by method, route template (e.g. /v1/referrals/:id, never the
 * path itself: it holds ids and queries) and status class. A request no route matched is
 * `unmatched`, so probing random paths adds no series.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: WisselMetrics) {}

  use(req: RoutedRequest, res: ServerResponse, next: () => void): void {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const route = typeof req.route?.path === 'string' ? req.route.path : 'unmatched';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.httpRequest(req.method ?? 'GET', route, res.statusCode, seconds);
    });
    next();
  }
}
