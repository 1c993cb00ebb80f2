import {
  context,
  createContextKey,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  trace,
  SpanKind,
  type Context,
} from '@opentelemetry/api';
import { type InboundMessage } from '../message-bus.port';

/**
 * W3C trace context (and Wissel's correlation id) on message headers. Only
 * @opentelemetry/api is used here: the SDK (tracer provider, async context manager, W3C
 * propagator) is registered once per process by libs/observability's setupTracing; without
 * it every call below is a cheap no-op and no header is written.
 */
export const TraceHeaders = {
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  /** The trace id under which a referral first entered Wissel; kept if a later hop starts a new trace. */
  correlationId: 'wissel-correlation-id',
} as const;

const CORRELATION_ID = createContextKey('wissel.correlation_id');
// Correlation ids are Wissel's own (a trace id) or a caller's; anything else is dropped,
// so a header can never smuggle a URL or free text into logs.
const SAFE_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const TRACER_NAME = 'wissel';

/** The correlation id of the active context, if any. */
export function activeCorrelationId(ctx: Context = context.active()): string | undefined {
  return ctx.getValue(CORRELATION_ID) as string | undefined;
}

/** `ctx` with this correlation id (a safe one), else with the trace id of ctx's span. */
export function withCorrelationId(ctx: Context, candidate: string | undefined): Context {
  const span = trace.getSpanContext(ctx);
  const id =
    candidate && SAFE_CORRELATION_ID.test(candidate)
      ? candidate
      : span && isSpanContextValid(span)
        ? span.traceId
        : undefined;
  return id === undefined ? ctx : ctx.setValue(CORRELATION_ID, id);
}

/** Trace headers for the active context: traceparent (+ tracestate) and the correlation id. */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(ctx, headers);
  const correlationId = activeCorrelationId(ctx);
  if (correlationId !== undefined) headers[TraceHeaders.correlationId] = correlationId;
  return headers;
}

/** Adds the active trace headers to `headers` where they are absent (a relayed row keeps its own). */
export function withTraceHeaders(headers: Record<string, string>): Record<string, string> {
  const missing = Object.entries(traceHeaders()).filter(([name]) => !(name in headers));
  return missing.length === 0 ? headers : { ...headers, ...Object.fromEntries(missing) };
}

/**
 * Runs `work` in a new span continuing the message's trace (or starting one), ended when
 * `work` settles. The correlation id is the message's, or the new trace id.
 */
export function inMessageSpan<T>(message: InboundMessage, name: string, work: () => T): T {
  const parent = propagation.extract(ROOT_CONTEXT, message.headers);
  const span = trace
    .getTracer(TRACER_NAME)
    .startSpan(
      name,
      { kind: SpanKind.CONSUMER, attributes: { 'messaging.destination.name': message.topic } },
      parent,
    );
  const ctx = withCorrelationId(
    trace.setSpan(parent, span),
    message.headers[TraceHeaders.correlationId],
  );
  try {
    const result = context.with(ctx, work);
    if (result instanceof Promise) {
      return result.finally(() => span.end()) as T;
    }
    span.end();
    return result;
  } catch (error) {
    span.end();
    throw error;
  }
}
