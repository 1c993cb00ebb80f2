import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

let registered = false;

/**
 * Registers OpenTelemetry for this process, once: an async-local context (so the active
 * span follows awaits), the W3C `traceparent` propagator, and a tracer provider that makes
 * real, sampled spans. No exporter: the ids travel on HTTP and Kafka headers and appear in
 * every log line, which is what following a referral needs; an exporter can be added here.
 */
export function setupTracing(): void {
  if (registered) return;
  registered = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new BasicTracerProvider());
}
