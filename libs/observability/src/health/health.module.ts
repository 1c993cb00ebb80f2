import { type DynamicModule, type FactoryProvider, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness-check';

/** /health/live and /health/ready; `checks` provides the app's ReadinessCheck list. */
@Module({})
export class HealthModule {
  static forApp(checks: {
    inject: FactoryProvider['inject'];
    // Nest's own factory signature: the dependencies are typed at each call site.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    useFactory: (...deps: any[]) => ReadinessCheck[];
  }): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [{ ...checks, provide: READINESS_CHECKS }],
    };
  }
}
