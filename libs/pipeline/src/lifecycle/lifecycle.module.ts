import { Module } from '@nestjs/common';
import { LifecyclePersistenceModule } from '@wissel/persistence';
import { DeadLetterWriter } from '../intake/dead-letter-writer';
import { DeadLetterPayloadSealer } from '../dead-letters/dead-letter-payload-sealer';
import { InboundDeadLetterIndex } from '../dead-letters/inbound-dead-letter-index';
import { PoisonParking } from '../intake/poison-parking';
import { GeoModule } from '../jurisdiction/geo.module';
import { RoutingFactsGatherer } from '../jurisdiction/routing-facts-gatherer';
import { HandleStatusMessagesUseCase } from './handle-status-messages.usecase';
import { HostRetracer } from './host-retracer';
import { GetHosterMonitorUseCase } from './hoster-monitor.usecase';
import { LifecycleClock } from './lifecycle-clock';
import { LifecycleEffects } from './lifecycle-effects';
import { ProcessDueNoticesUseCase } from './process-due-notices.usecase';
import { RecordAckUseCase } from './record-ack.usecase';
import { RedecideDispatchUseCase } from './redecide-dispatch.usecase';

const USE_CASES = [
  RecordAckUseCase,
  HandleStatusMessagesUseCase,
  ProcessDueNoticesUseCase,
  RedecideDispatchUseCase,
  GetHosterMonitorUseCase,
];

/**
 * The dispatch lifecycle (W6): acks, the notice clock and its escalation, re-decisions of
 * moved or declined dispatches, the hoster monitor. One LifecycleClock per app: every timer
 * reads it. Needs the config, the database and a MessagePublisher (for dead letters).
 */
@Module({
  imports: [LifecyclePersistenceModule, GeoModule],
  providers: [
    LifecycleClock,
    LifecycleEffects,
    HostRetracer,
    // Stateless helpers the pipeline module keeps to itself; one more instance is harmless.
    RoutingFactsGatherer,
    DeadLetterWriter,
    InboundDeadLetterIndex,
    DeadLetterPayloadSealer,
    PoisonParking,
    ...USE_CASES,
  ],
  exports: [LifecycleClock, PoisonParking, ...USE_CASES],
})
export class LifecycleModule {}
