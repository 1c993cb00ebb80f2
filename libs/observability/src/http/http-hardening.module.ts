import { type Server } from 'node:http';
import {
  Injectable,
  Module,
  RequestMethod,
  type MiddlewareConsumer,
  type NestModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WisselConfig } from '@wissel/config';
import { applyHttpServerLimits } from './http-server-limits';
import { SecurityHeadersMiddleware } from './security-headers.middleware';

/**
 * Sets the HTTP limits on the app's server once Nest has created it and before it listens
 * (app.init() runs this hook; listen comes after), so every way of starting an app — the
 * cluster mains, the embedded main, the e2e stack — gets the same limits.
 */
@Injectable()
export class HttpServerHardening implements OnApplicationBootstrap {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: WisselConfig,
  ) {}

  onApplicationBootstrap(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return; // not an HTTP app (a standalone context)
    const server = adapter.getHttpServer() as Server | undefined;
    if (server) {
      applyHttpServerLimits(server, {
        headersTimeoutMs: this.config.HTTP_HEADERS_TIMEOUT_MS,
        requestTimeoutMs: this.config.HTTP_REQUEST_TIMEOUT_MS,
        keepAliveTimeoutMs: this.config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
        maxHeaderBytes: this.config.HTTP_MAX_HEADER_BYTES,
      });
    }
    // Express announces itself in X-Powered-By unless told not to.
    const express = adapter.getInstance() as { disable?: (setting: string) => void };
    express.disable?.('x-powered-by');
  }
}

/**
 * HTTP hardening for every app: slow-client timeouts and header size limit on the server,
 * no X-Powered-By, and the security headers on every answer. Each app shell imports it.
 */
@Module({ providers: [HttpServerHardening] })
export class HttpHardeningModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(SecurityHeadersMiddleware)
      .forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
