import { Injectable, Logger } from '@nestjs/common';
import { WisselConfig } from '@wissel/config';
import {
  DATA_CLASSES,
  foldReferralStats,
  prunablePrefix,
  retentionCutoffs,
  type DataClass,
  type RetentionPolicy,
} from '@wissel/domain';
import { Topics } from '@wissel/messaging';
import { AuditChainRepository, RetentionRepository } from '@wissel/persistence';
import { RetentionClock } from './retention-clock';

export type PurgeReport = Record<DataClass, number>;

/** Batches per class and run: a run stays bounded; what is left goes at the next run. */
const MAX_BATCHES = 1000;

export function retentionPolicy(config: WisselConfig): RetentionPolicy {
  return {
    personal_data: config.RETENTION_PERSONAL_DATA_DAYS,
    raw_payload: config.RETENTION_RAW_PAYLOAD_DAYS,
    dispatch_payload: config.RETENTION_DISPATCH_PAYLOAD_DAYS,
    message_log: config.RETENTION_MESSAGE_LOG_DAYS,
    dead_letter: config.RETENTION_DEAD_LETTER_DAYS,
    submission: config.RETENTION_SUBMISSION_DAYS,
    // A lifecycle and its outbox row go together: one setting for both.
    dispatch_state: config.RETENTION_OUTBOX_DAYS,
    outbox: config.RETENTION_OUTBOX_DAYS,
    case_match: config.RETENTION_CASE_MATCH_DAYS,
    audit_event: config.RETENTION_AUDIT_DAYS,
  };
}

/**
 * The retention purge (W11): for each data class past its retention (libs/domain
 * retention policy, at the RetentionClock's time), anonymise or delete in batches, counting
 * what goes into the statistics first (same transaction). Referrals under a police hold
 * or with an open lifecycle wait. A dry run counts what would go and changes nothing.
 */
@Injectable()
export class PurgeExpiredDataUseCase {
  private readonly logger = new Logger('retention');

  constructor(
    private readonly config: WisselConfig,
    private readonly retention: RetentionRepository,
    private readonly topics: Topics,
    private readonly clock: RetentionClock,
    private readonly auditChain: AuditChainRepository,
  ) {}

  async execute(options: { dryRun?: boolean } = {}): Promise<PurgeReport> {
    const now = this.clock.now();
    const cutoffs = retentionCutoffs(retentionPolicy(this.config), now);
    const report = Object.fromEntries(DATA_CLASSES.map((c) => [c, 0])) as PurgeReport;
    // Outbox rows deleted with their lifecycle: counted under `outbox` too.
    const alongside = { outbox: 0 };
    for (const dataClass of DATA_CLASSES) {
      // Consumed messages go whatever the setting: 0 keeps only the feeds for ever.
      const cutoff = cutoffs[dataClass] ?? (dataClass === 'message_log' ? new Date(0) : null);
      if (cutoff === null) continue;
      report[dataClass] = options.dryRun
        ? await this.count(dataClass, cutoff)
        : await this.purge(dataClass, cutoff, now, alongside);
    }
    report.outbox += alongside.outbox;
    // Counts only.
    if (DATA_CLASSES.some((c) => report[c] > 0)) {
      this.logger.log({ dryRun: options.dryRun ?? false, ...report }, 'retention purge');
    }
    return report;
  }

  private async purge(
    dataClass: DataClass,
    cutoff: Date,
    now: Date,
    alongside: { outbox: number },
  ): Promise<number> {
    const limit = this.config.PURGE_BATCH_SIZE;
    let total = 0;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const done = await this.purgeBatch(dataClass, cutoff, now, limit, alongside);
      total += done;
      if (done < limit) break;
    }
    return total;
  }

  private async purgeBatch(
    dataClass: DataClass,
    cutoff: Date,
    now: Date,
    limit: number,
    alongside: { outbox: number },
  ): Promise<number> {
    const dlq = this.topics.deadLetter;
    switch (dataClass) {
      case 'personal_data':
        return this.retention.anonymiseReferrals(cutoff, now, limit, foldReferralStats);
      case 'raw_payload':
        return this.retention.dropRawPayloads(cutoff, limit);
      case 'dispatch_payload':
        return this.retention.stripDispatchPayloads(cutoff, limit);
      case 'message_log':
        return this.retention.deleteMessages(cutoff, dlq, limit);
      case 'dead_letter':
        return this.retention.deleteDeadLetters(cutoff, dlq, limit);
      case 'submission':
        return this.retention.deleteSubmissions(cutoff, limit);
      case 'dispatch_state': {
        const { states, outbox } = await this.retention.deleteDispatchStates(cutoff, now, limit);
        alongside.outbox += outbox;
        return states;
      }
      case 'outbox':
        return this.retention.deleteOutboxRows(cutoff, now, limit);
      case 'case_match':
        return this.retention.deletePdqHashes(cutoff, limit);
      case 'audit_event':
        return this.auditChain.prune(cutoff, limit, (entries, head) =>
          prunablePrefix(entries, cutoff, head),
        );
    }
  }

  private count(dataClass: DataClass, cutoff: Date): Promise<number> {
    const dlq = this.topics.deadLetter;
    switch (dataClass) {
      case 'personal_data':
        return this.retention.countReferralsToAnonymise(cutoff);
      case 'raw_payload':
        return this.retention.countRawPayloadsToDrop(cutoff);
      case 'dispatch_payload':
        return this.retention.countDispatchPayloadsToStrip(cutoff);
      case 'message_log':
        return this.retention.countMessages(cutoff, dlq, false);
      case 'dead_letter':
        return this.retention.countMessages(cutoff, dlq, true);
      case 'submission':
        return this.retention.countSubmissions(cutoff);
      case 'dispatch_state':
        return this.retention.countDispatchStates(cutoff);
      case 'outbox':
        // Those without a lifecycle; the rows that go with one are in `dispatch_state`.
        return this.retention.countOutboxRows(cutoff);
      case 'case_match':
        return this.retention.countPdqHashes(cutoff);
      case 'audit_event':
        return this.auditChain.countPrunable(cutoff);
    }
  }
}
