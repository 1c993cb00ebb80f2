import { Module } from '@nestjs/common';
import { HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ConfigModule, ROUTING_RULES, WisselConfig } from '@wissel/config';
import { type RoutingRules } from '@wissel/domain';
import { ConsumerRegistry, MESSAGE_PUBLISHER, type MessagePublisher } from '@wissel/messaging';
import {
  consumersCheck,
  databaseCheck,
  HealthModule,
  HttpHardeningModule,
  LoggingModule,
  publisherCheck,
  routingConfigCheck,
} from '@wissel/observability';
import { GeoServices } from '@wissel/pipeline';
import { DispatcherCoreModule } from '../../dispatcher/src/dispatcher-core.module';
import { GatewayCoreModule } from '../../gateway/src/gateway-core.module';
import { geoDataCheck } from '../../router/src/geo-data.check';
import { RouterCoreModule } from '../../router/src/router-core.module';
import { FeedReader } from './feed.reader';
import { FeedAccessGuard } from './feed-access.guard';
import { FeedsController } from './feeds.controller';

/**
 * The embedded mode's one app: the gateway's API and dashboard, the router and the
 * dispatcher, sharing one configuration, logger, database pool and health endpoint. Run it
 * with MESSAGING=postgres (main.ts sets it); the cores are the cluster apps' own modules.
 */
@Module({
  imports: [
    ConfigModule,
    LoggingModule.forApp('wissel'),
    // Slow-client timeouts, header size limit and security headers (W10).
    HttpHardeningModule,
    GatewayCoreModule,
    RouterCoreModule,
    DispatcherCoreModule,
    HealthModule.forApp({
      inject: [
        TypeOrmHealthIndicator,
        HealthIndicatorService,
        MESSAGE_PUBLISHER,
        ConsumerRegistry,
        GeoServices,
        WisselConfig,
        ROUTING_RULES,
      ],
      useFactory: (
        db: TypeOrmHealthIndicator,
        indicators: HealthIndicatorService,
        publisher: MessagePublisher,
        registry: ConsumerRegistry,
        geo: GeoServices,
        config: WisselConfig,
        rules: RoutingRules,
      ) => [
        databaseCheck(db),
        publisherCheck(indicators, publisher),
        consumersCheck(indicators, registry),
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
  controllers: [FeedsController],
  providers: [FeedReader, FeedAccessGuard],
})
export class WisselModule {}
