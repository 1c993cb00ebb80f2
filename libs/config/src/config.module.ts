import { Global, Module } from '@nestjs/common';
import { type RoutingRules } from '@wissel/domain';
import { loadRoutingRules } from './routing/load-routing-rules';
import { loadConfig, WisselConfig } from './wissel-config';

export const ROUTING_RULES = Symbol('ROUTING_RULES');

/** Provides the validated WisselConfig and routing rules to every module. */
@Global()
@Module({
  providers: [
    { provide: WisselConfig, useFactory: () => loadConfig() },
    {
      provide: ROUTING_RULES,
      inject: [WisselConfig],
      useFactory: (config: WisselConfig): RoutingRules => loadRoutingRules(config.ROUTING_CONFIG),
    },
  ],
  exports: [WisselConfig, ROUTING_RULES],
})
export class ConfigModule {}
