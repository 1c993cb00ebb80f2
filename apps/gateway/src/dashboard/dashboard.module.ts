import { Module } from '@nestjs/common';
import { DashboardModule as DashboardUseCasesModule } from '@wissel/pipeline';
import { OperatorGuard } from '../operator/operator.guard';
import { DashboardApiController } from './dashboard-api.controller';
import { DashboardPageController } from './dashboard-page.controller';
import { DependencyHealth } from './dependency-health';

/** The operator dashboard (W7): the page, its snapshot, inspect and replay. */
@Module({
  imports: [DashboardUseCasesModule],
  controllers: [DashboardPageController, DashboardApiController],
  providers: [DependencyHealth, OperatorGuard],
})
export class GatewayDashboardModule {}
