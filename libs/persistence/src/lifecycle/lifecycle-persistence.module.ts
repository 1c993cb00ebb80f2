import { Module } from '@nestjs/common';
import { DispatchLifecycleRepository } from './dispatch-lifecycle.repository';

/**
 * The dispatch lifecycle's tables (W6). Separate from PersistenceModule so only the apps
 * that take acks or run the notice clock carry them; it needs PersistenceModule's data source.
 */
@Module({
  providers: [DispatchLifecycleRepository],
  exports: [DispatchLifecycleRepository],
})
export class LifecyclePersistenceModule {}
