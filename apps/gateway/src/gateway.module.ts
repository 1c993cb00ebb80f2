import { Module } from '@nestjs/common';
import { TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ConfigModule } from '@wissel/config';
import { databaseCheck, HealthModule, LoggingModule } from '@wissel/observability';
import { PersistenceModule } from '@wissel/persistence';

/**
 * The gateway: for now health only. The signed partner API (W3), the dashboard and
 * metrics (W7) live here.
 */
@Module({
  imports: [
    ConfigModule,
    LoggingModule.forApp('gateway'),
    PersistenceModule,
    HealthModule.forApp({
      inject: [TypeOrmHealthIndicator],
      useFactory: (db: TypeOrmHealthIndicator) => [databaseCheck(db)],
    }),
  ],
})
export class GatewayModule {}
