import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { type Counter, type Registry } from 'prom-client';
import { WisselConfig } from '@wissel/config';
import {
  DATA_CLASSES,
  foldReferralStats,
  retentionCutoffs,
  type DataClass,
  type RetentionPolicy,
} from '@wissel/domain';
import { Topics } from '@wissel/messaging';
import { counterOn, METRICS, METRICS_REGISTRY } from '@wissel/observability';
import { AuditChainRepository, RetentionRepository } from '@wissel/persistence';
import { auditPrunePlanner } from './audit-prune-planner';
import { RetentionClock } from './retention-clock';

/** Rows purged (or, dry, to purge) per class, and the classes whose purge failed this run. */
export type PurgeReport = Record<DataClass, number> & { failed: DataClass[] };

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
 * The retention purge: for each data class past its retention (libs/domain retention
 * policy, at the RetentionClock's time), anonymise or delete in batches, counting what goes
 * into the statistics first (same transaction). Referrals under a police hold or with an
 * open lifecycle wait. A dry run counts what would go and changes nothing. A class that
 * fails (a statement timeout, a lost connection) is logged by its error code, counted in
 * wissel_retention_purge_failures_total and listed in the report; the classes after it
 * still run.
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
    @Optional() @Inject(METRICS_REGISTRY) registry?: Registry,
  ) {
    this.failures = registry && counterOn(registry, METRICS.retentionPurgeFailures);
  }

  private readonly failures: Counter<'data_class'> | undefined;

  async execute(options: { dryRun?: boolean } = {}): Promise<PurgeReport> {
    const now = this.clock.now();
    const cutoffs = retentionCutoffs(retentionPolicy(this.config), now);
    const report = {
      ...(Object.fromEntries(DATA_CLASSES.map((c) => [c, 0])) as Record<DataClass, number>),
      failed: [] as DataClass[],
    };
    // Outbox rows deleted with their lifecycle: counted under `outbox` too.
    const alongside = { outbox: 0 };
    for (const dataClass of DATA_CLASSES) {
      const cutoff = this.cutoff(dataClass, cutoffs);
      if (cutoff === null) continue;
      try {
        report[dataClass] = options.dryRun
          ? await this.count(dataClass, cutoff)
          : await this.purge(dataClass, cutoff, now, alongside);
      } catch (error) {
        this.failed(report.failed, dataClass, error);
      }
    }
    if (!options.dryRun && cutoffs.case_match !== null) {
      // One generation per run: every router rebuilds its PDQ index once, not per batch.
      // Also publishes what a run that stopped half-way deleted.
      try {
        await this.retention.publishPdqDeletions();
      } catch (error) {
        this.failed(report.failed, 'case_match', error);
      }
    }
    report.outbox += alongside.outbox;
    // Counts and class names only.
    if (DATA_CLASSES.some((c) => report[c] > 0) || report.failed.length > 0) {
      this.logger.log({ dryRun: options.dryRun ?? false, ...report }, 'retention purge');
    }
    return report;
  }

  private cutoff(dataClass: DataClass, cutoffs: Record<DataClass, Date | null>): Date | null {
    // Consumed messages go whatever the setting: 0 keeps only the feeds for ever.
    if (dataClass === 'message_log') return cutoffs.message_log ?? new Date(0);
    // A dispatch goes only after its payload went: payloads kept for ever keep it too, and
    // the purge does not walk every old dispatch at each run to find that out.
    if (dataClass === 'dispatch_state' || dataClass === 'outbox') {
      return cutoffs.dispatch_payload === null ? null : cutoffs[dataClass];
    }
    return cutoffs[dataClass];
  }

  /** Logs a class that failed by its error code (never its message: it may quote data). */
  private failed(failed: DataClass[], dataClass: DataClass, error: unknown): void {
    if (!failed.includes(dataClass)) failed.push(dataClass);
    this.failures?.inc({ data_class: dataClass });
    const code = (error as { code?: unknown }).code;
    this.logger.error(
      { dataClass, code: typeof code === 'string' ? code : (error as Error).name },
      'retention purge of a data class failed; the others go on',
    );
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
      const { rows, taken } = typeof done === 'number' ? { rows: done, taken: done } : done;
      total += rows;
      if (taken < limit) break;
    }
    return total;
  }

  private async purgeBatch(
    dataClass: DataClass,
    cutoff: Date,
    now: Date,
    limit: number,
    alongside: { outbox: number },
  ): Promise<number | { rows: number; taken: number }> {
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
        // The embedded mode's dead-letter topic rows, and the dead-letter index (both modes).
        return (
          (await this.retention.deleteDeadLetters(cutoff, dlq, limit)) +
          (await this.retention.deleteInboundDeadLetters(cutoff, limit))
        );
      case 'submission':
        return this.retention.deleteSubmissions(cutoff, limit);
      case 'dispatch_state': {
        const { states, outbox } = await this.retention.deleteDispatchStates(cutoff, now, limit);
        alongside.outbox += outbox;
        return states;
      }
      case 'outbox':
        return this.retention.deleteOutboxRows(cutoff, now, limit);
      case 'case_match': {
        // Batches count referrals taken; the report counts the hashes deleted.
        const { referrals, hashes } = await this.retention.deletePdqHashes(cutoff, now, limit);
        return { rows: hashes, taken: referrals };
      }
      case 'audit_event':
        return this.auditChain.prune(cutoff, limit, auditPrunePlanner(cutoff));
    }
  }

  private async count(dataClass: DataClass, cutoff: Date): Promise<number> {
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
        return (
          (await this.retention.countMessages(cutoff, dlq, true)) +
          (await this.retention.countInboundDeadLetters(cutoff))
        );
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
