import {
  Controller,
  Get,
  Global,
  Header,
  Inject,
  Module,
  RequestMethod,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { collectDefaultMetrics, prometheusContentType, Registry } from 'prom-client';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { METRICS_REGISTRY } from './metrics-registry';
import { WisselMetrics } from './wissel-metrics';

export { METRICS_REGISTRY } from './metrics-registry';

/**
 * GET /metrics in the Prometheus text format. Left out of the OpenAPI document: it is for
 * the Prometheus scraper, documented in docs/observability.md.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  @Get()
  @Header('content-type', prometheusContentType)
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}

function appRegistry(): Registry {
  const registry = new Registry();
  // Process metrics (CPU, memory, event-loop lag, GC) under their standard names.
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * A registry per app, its /metrics endpoint, the WisselMetrics catalogue and the HTTP
 * request histogram. Global: use cases anywhere in the app inject WisselMetrics. Every app
 * imports it; the scrape-time gauges come with ConsumerLagModule and DeliveryGaugesModule.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [{ provide: METRICS_REGISTRY, useFactory: appRegistry }, WisselMetrics],
  exports: [METRICS_REGISTRY, WisselMetrics],
})
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
