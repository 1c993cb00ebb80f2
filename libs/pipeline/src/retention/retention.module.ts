import { Module } from '@nestjs/common';
import { PurgeExpiredDataUseCase } from './purge-expired-data.usecase';
import { RetentionClock } from './retention-clock';

/** The retention purge and its clock (W11); the router runs it on PURGE_INTERVAL_MS. */
@Module({
  providers: [RetentionClock, PurgeExpiredDataUseCase],
  exports: [RetentionClock, PurgeExpiredDataUseCase],
})
export class RetentionModule {}
