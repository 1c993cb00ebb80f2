import { Module } from '@nestjs/common';
import { HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ConfigModule, ROUTING_RULES, WisselConfig } from '@wissel/config';
import { type RoutingRules } from '@wissel/domain';
import { ConsumerRegistry } from '@wissel/messaging';
import {
  consumersCheck,
  databaseCheck,
  HealthModule,
  HttpHardeningModule,
  LoggingModule,
  routingConfigCheck,
} from '@wissel/observability';
import { GeoServices } from '@wissel/pipeline';
import { geoDataCheck } from './geo-data.check';
import { RouterCoreModule } from './router-core.module';

/**
 * The router: consumes inbound topics, traces the hosts, decides, and writes decisions with
 * their outbox rows; applies police holds from their topic.
 */
@Module({
  imports: [
    ConfigModule,
    LoggingModule.forApp('router'),
    // Slow-client timeouts, header size limit and security headers (W10).
    HttpHardeningModule,
    RouterCoreModule,
    HealthModule.forApp({
      inject: [
        TypeOrmHealthIndicator,
        HealthIndicatorService,
        ConsumerRegistry,
        GeoServices,
        WisselConfig,
        ROUTING_RULES,
      ],
      useFactory: (
        db: TypeOrmHealthIndicator,
        indicators: HealthIndicatorService,
        registry: ConsumerRegistry,
        geo: GeoServices,
        config: WisselConfig,
        rules: RoutingRules,
      ) => [
        databaseCheck(db),
        consumersCheck(indicators, registry),
        // Data the decisions rest on: fresh geo data, a readable and valid rules file.
        geoDataCheck(indicators, geo),
        routingConfigCheck(
          indicators,
          config.ROUTING_CONFIG,
          rules,
          config.ROUTING_CONFIG_CHECK_CACHE_MS,
        ),
      ],
    }),
  ],
})
export class RouterModule {}
