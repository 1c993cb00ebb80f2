import { Module } from '@nestjs/common';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { DashboardReader } from './dashboard.reader';
import { GetDashboardUseCase } from './get-dashboard.usecase';
import { InspectDispatchUseCase } from './inspect-dispatch.usecase';
import { ReplayDeadLetterUseCase } from './replay-dead-letter.usecase';

/**
 * The operator dashboard's use cases (W7). Needs the database (PersistenceModule, global)
 * and the lifecycle's hoster monitor and clock.
 */
@Module({
  imports: [LifecycleModule],
  providers: [
    DashboardReader,
    GetDashboardUseCase,
    InspectDispatchUseCase,
    ReplayDeadLetterUseCase,
  ],
  exports: [GetDashboardUseCase, InspectDispatchUseCase, ReplayDeadLetterUseCase],
})
export class DashboardModule {}
