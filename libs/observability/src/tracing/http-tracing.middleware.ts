import { type IncomingMessage, type ServerResponse } from 'node:http';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import {
  activeCorrelationId,
  TRACER_NAME,
  TraceHeaders,
  withCorrelationId,
} from '@wissel/messaging';

type RoutedRequest = IncomingMessage & { route?: { path?: unknown } };

/**
 * Continues the caller's W3C trace (`traceparent`) or starts one, and runs the rest of the
 * request in it: logs carry its ids and whatever the request produces to Kafka carries its
 * traceparent. The correlation id (the caller's `wissel-correlation-id` if well-formed,
 * else the trace id) is echoed on the response so a partner can quote it.
 */
@Injectable()
export class HttpTracingMiddleware implements NestMiddleware {
  use(req: RoutedRequest, res: ServerResponse, next: () => void): void {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const method = req.method ?? 'GET';
    const span = trace
      .getTracer(TRACER_NAME)
      .startSpan(`HTTP ${method}`, { kind: SpanKind.SERVER }, parent);
    const inbound = req.headers[TraceHeaders.correlationId];
    const ctx = withCorrelationId(
      trace.setSpan(parent, span),
      Array.isArray(inbound) ? inbound[0] : inbound,
    );
    const correlationId = activeCorrelationId(ctx);
    if (correlationId !== undefined) res.setHeader(TraceHeaders.correlationId, correlationId);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      // The route template only (never the path: it may hold ids or a query).
      const route = typeof req.route?.path === 'string' ? req.route.path : 'unmatched';
      span.updateName(`${method} ${route}`);
      span.setAttribute('http.response.status_code', res.statusCode);
      span.end();
    };
    res.once('finish', end);
    res.once('close', end);
    context.with(ctx, next);
  }
}
