import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { WisselConfig } from '@wissel/config';

/**
 * Paths pino censors wherever they appear. Wissel code logs referral ids and counts, not
 * URLs or personal data; this catches what slips through (a whole referral, a request).
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
  'req.headers.authorization',
  'req.headers.signature',
  'req.headers["signature-input"]',
  'req.headers.cookie',
];

/** Structured JSON logs (pino) with redaction, for one app. */
@Module({})
export class LoggingModule {
  static forApp(app: string): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [WisselConfig],
          useFactory: (config: WisselConfig) => ({
            pinoHttp: {
              level: config.LOG_LEVEL,
              base: { app },
              redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
              // Health probes every few seconds would drown everything else.
              autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
              // Request lines carry the path only: a query string may hold anything.
              serializers: {
                req: (req: { method: string; url: string; id: unknown }) => ({
                  id: req.id,
                  method: req.method,
                  path: req.url.split('?')[0],
                }),
              },
            },
          }),
        }),
      ],
    };
  }
}
