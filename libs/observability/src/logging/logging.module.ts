import {
  type DynamicModule,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  RequestMethod,
} from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { type DestinationStream } from 'pino';
import { WisselConfig } from '@wissel/config';
import { HttpTracingMiddleware } from '../tracing/http-tracing.middleware';
import { setupTracing } from '../tracing/setup-tracing';
import { traceLogFields } from '../tracing/trace-log-fields';
import { serializeError } from './scrub';

/**
 * Paths pino censors wherever they appear. Wissel code logs referral ids and counts, not
 * URLs or personal data; this catches what slips through (a whole referral, a request,
 * a dispatch payload, a trace's addresses).
 */
export const REDACTED_PATHS = [
  'url',
  '*.url',
  'urls',
  '*.urls',
  'parentUrl',
  '*.parentUrl',
  'locators',
  '*.locators',
  'persons',
  '*.persons',
  'referral',
  '*.referral',
  'canonical',
  '*.canonical',
  'rawPayload',
  '*.rawPayload',
  'payload',
  '*.payload',
  'email',
  '*.email',
  'emails',
  '*.emails',
  'ip',
  '*.ip',
  'ips',
  '*.ips',
  'addresses',
  '*.addresses',
  'host',
  '*.host',
  'hosts',
  '*.hosts',
  'hostname',
  '*.hostname',
  'newLocation',
  '*.newLocation',
  'req.headers.authorization',
  'req.headers.signature',
  'req.headers["signature-input"]',
  'req.headers.cookie',
];

/**
 * Where log lines go: stdout unless a test provides a stream (override this token) to read
 * what an app logged.
 */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

/** pino options shared by the apps and the redaction test. */
export function pinoOptions(app: string, level: string) {
  return {
    level,
    base: { app },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Every line logged inside a traced context (a request, a consumed batch, a referral's
    // intake) carries the trace, span and correlation ids: follow one referral by them.
    mixin: () => ({ ...traceLogFields() }),
    serializers: { err: serializeError, error: serializeError },
  };
}

/**
 * Structured JSON logs (pino) with redaction, for one app; also sets up tracing (W3C trace
 * context) and continues a caller's trace on every HTTP request.
 */
@Module({})
export class LoggingModule implements NestModule {
  static forApp(app: string): DynamicModule {
    setupTracing();
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          providers: [{ provide: LOG_DESTINATION, useValue: null }],
          inject: [WisselConfig, LOG_DESTINATION],
          useFactory: (config: WisselConfig, destination: DestinationStream | null) => {
            const base = pinoOptions(app, config.LOG_LEVEL);
            const options = {
              ...base,
              // Health probes every few seconds would drown everything else.
              autoLogging: {
                ignore: (req: { url?: string }) => (req.url ?? '').startsWith('/health'),
              },
              serializers: {
                ...base.serializers,
                // Request lines carry the path only: a query string may hold anything.
                req: (req: { method: string; url: string; id: unknown }) => ({
                  id: req.id,
                  method: req.method,
                  path: req.url.split('?')[0],
                }),
              },
            };
            return { pinoHttp: destination ? [options, destination] : options };
          },
        }),
      ],
      providers: [HttpTracingMiddleware],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpTracingMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
