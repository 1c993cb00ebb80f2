import { Module } from '@nestjs/common';
import { DashboardModule as DashboardUseCasesModule } from '@wissel/pipeline';
import { OperatorAuthModule } from '../operator/operator-auth.module';
import { DashboardApiController } from './dashboard-api.controller';
import { DashboardPageController } from './dashboard-page.controller';
import { DependencyHealth } from './dependency-health';

/** The operator dashboard (W7): the page, its snapshot, inspect and replay. */
@Module({
  imports: [DashboardUseCasesModule, OperatorAuthModule],
  controllers: [DashboardPageController, DashboardApiController],
  providers: [DependencyHealth],
})
export class GatewayDashboardModule {}
