import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { activeCorrelationId } from '@wissel/messaging';

export interface TraceLogFields {
  trace_id?: string;
  span_id?: string;
  correlation_id?: string;
}

/** The ids of the active trace, for pino's mixin: empty outside a traced context. */
export function traceLogFields(): TraceLogFields {
  const active = context.active();
  const span = trace.getSpanContext(active);
  const fields: TraceLogFields = {};
  if (span && isSpanContextValid(span)) {
    fields.trace_id = span.traceId;
    fields.span_id = span.spanId;
  }
  const correlationId = activeCorrelationId(active);
  if (correlationId !== undefined) fields.correlation_id = correlationId;
  return fields;
}
