import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ROUTING_RULES, WisselConfig } from '@wissel/config';
import {
  checkSourceSystem,
  decide,
  effectivePriority,
  investigationPriority,
  referralKeys,
  type CanonicalReferral,
  type CaseContext,
  type RoutingFacts,
  type RoutingRules,
  type SourceSystemOwner,
  type Submitter,
} from '@wissel/domain';
import { PARSERS, type InboundFormat } from '@wissel/formats';
import { inMessageSpan, Topics, type InboundMessage } from '@wissel/messaging';
import { WisselMetrics } from '@wissel/observability';
import {
  isPermanentDataError,
  ReferralIntakeRepository,
  type CaseAttachment,
  type DecisionRows,
  type IncomingReferral,
} from '@wissel/persistence';
import { inboundOrigin } from '../custody/inbound-origin';
import { PersonalDataSealer } from '../data-protection/personal-data-sealer';
import { RoutingFactsGatherer } from '../jurisdiction/routing-facts-gatherer';
import { DeadLetterWriter, type DeadLetter } from './dead-letter-writer';
import { KnownMaterial, type MediaKnowledge } from './known-material';
import { PdqCaseIndex } from './pdq-case-index';
import { prepareDispatches } from './prepare-dispatches';
import { submitterOf } from './submitter-of';

export interface IntakeOutcome {
  stored: number;
  duplicates: number;
  deadLettered: number;
}

interface Candidate {
  message: InboundMessage;
  item: IncomingReferral;
  canonical: CanonicalReferral;
  known: MediaKnowledge;
  facts: RoutingFacts;
  submitter: Submitter | undefined;
}

/**
 * Intake of a batch of referrals in one format: parse (mapping other formats onto the
 * canonical referral), de-duplicate into cases, decide, and store each referral with its
 * case, decision and outbox rows in one transaction; dead-letter what is invalid.
 * Resolves only when every message is durably stored or dead-lettered, so the caller may
 * then commit the offsets. Never throws for bad input; throws only when the database or
 * broker is unavailable, and then nothing was committed.
 */
@Injectable()
export class IntakeReferralsUseCase {
  private readonly logger = new Logger('intake');

  constructor(
    private readonly config: WisselConfig,
    @Inject(ROUTING_RULES) private readonly rules: RoutingRules,
    private readonly topics: Topics,
    private readonly referrals: ReferralIntakeRepository,
    private readonly deadLetters: DeadLetterWriter,
    private readonly pdq: PdqCaseIndex,
    private readonly knownMaterial: KnownMaterial,
    private readonly routingFacts: RoutingFactsGatherer,
    private readonly metrics: WisselMetrics,
    private readonly sealer: PersonalDataSealer,
  ) {}

  /**
   * `owner`: the partner whose own Kafka topic the batch was read from (W10); a referral
   * under a source system that is not the partner's is dead-lettered.
   */
  async execute(
    format: InboundFormat,
    messages: InboundMessage[],
    owner?: SourceSystemOwner,
  ): Promise<IntakeOutcome> {
    const endBatch = this.metrics.time('batch');
    const endParse = this.metrics.time('parse');
    const parse = PARSERS[format];
    const parsed: Array<{ message: InboundMessage; referral: CanonicalReferral }> = [];
    const rejected: DeadLetter[] = [];
    for (const message of messages) {
      const result = parse(message.value, this.config.MAX_MESSAGE_BYTES);
      const notOwned = result.ok ? checkSourceSystem(result.value, owner) : undefined;
      if (!result.ok) rejected.push({ message, reason: result.rejection });
      else if (notOwned) rejected.push({ message, reason: notOwned });
      else parsed.push({ message, referral: result.value });
      this.metrics.receivedReferral(format, result.ok ? result.value.sourceRef.system : undefined);
    }
    endParse();
    const referrals = parsed.map((p) => p.referral);
    // Traced before the transaction: no DNS wait holds a database connection.
    const [known, facts] = await Promise.all([
      this.metrics.timed('classify', () => this.knownMaterial.classify(referrals)),
      this.metrics.timed('trace', () => this.routingFacts.gather(referrals)),
    ]);
    const candidates = parsed.map(({ message, referral }, i) =>
      this.prepare(format, referral, message, known[i]!, facts[i]!, submitterOf(message, owner)),
    );

    const { stored, duplicates } = await this.metrics.timed('store', () =>
      this.store(candidates, rejected),
    );
    if (rejected.length > 0) {
      await this.metrics.timed('dead_letter', () => this.deadLetters.write(rejected));
      for (const { reason } of rejected) this.metrics.deadLettered(reason.code);
    }
    this.metrics.storedReferrals(format, stored);
    endBatch();

    const outcome = { stored, duplicates, deadLettered: rejected.length };
    // Counts and positions only: never URLs or personal data at info level.
    const first = messages[0];
    this.logger.log(
      { format, topic: first?.topic, partition: first?.partition, ...outcome },
      'batch handled',
    );
    return outcome;
  }

  private prepare(
    format: InboundFormat,
    referral: CanonicalReferral,
    message: InboundMessage,
    known: MediaKnowledge,
    facts: RoutingFacts,
    submitter: Submitter | undefined,
  ): Candidate {
    const keys = referralKeys(referral);
    const id = randomUUID();
    // Sealed before the rows are written (W11): persons and raw bytes never reach the table in clear.
    const { skeleton, personalData } = this.sealer.sealReferral(id, referral);
    const item: IncomingReferral = {
      referral: {
        id,
        sourceSystem: referral.sourceRef.system,
        sourceId: referral.sourceRef.id,
        format,
        schemaVersion: referral.schema,
        priority: effectivePriority(referral),
        reportedAt: referral.reportedAt,
        origin: inboundOrigin(message),
        canonical: skeleton,
        personalData,
        rawPayload: this.sealer.sealRawPayload(id, message.value!),
      },
      caseKeys: { urlKeys: keys.urlKeys, hashes: keys.hashes },
      pdqHashes: keys.pdq,
    };
    return {
      message,
      item,
      canonical: referral,
      known,
      facts,
      submitter,
    };
  }

  /** Runs inside the intake transaction, once the referral's case is known. */
  private decideFor(candidate: Candidate, attachment: CaseAttachment): DecisionRows {
    // In the referral's own trace: its outbox rows carry that traceparent to the recipient.
    return inMessageSpan(candidate.message, 'decide referral', () => {
      const end = this.metrics.time('decide');
      try {
        return this.decideInTrace(candidate, attachment);
      } finally {
        end();
      }
    });
  }

  private decideInTrace(candidate: Candidate, attachment: CaseAttachment): DecisionRows {
    const { canonical, item, known, facts, submitter } = candidate;
    const context: CaseContext = { ...attachment, ...known };
    const decision = {
      id: randomUUID(),
      ...decide(canonical, this.rules, context, facts, submitter),
    };
    const priority = investigationPriority(effectivePriority(canonical), known);
    return {
      decision,
      dispatches: prepareDispatches(
        {
          referralId: item.referral.id,
          caseId: attachment.caseId,
          investigationPriority: priority,
        },
        canonical,
        decision,
        { topics: this.topics, node: this.rules.node },
      ),
    };
  }

  /**
   * The whole batch in one transaction; if the database refuses it for a data reason,
   * each referral alone, so one bad row is dead-lettered instead of blocking the
   * partition. An outage is thrown, and the batch is retried later.
   */
  private async store(candidates: Candidate[], rejected: DeadLetter[]) {
    try {
      return await this.record(candidates);
    } catch (error) {
      if (!isPermanentDataError(error)) throw error;
    }
    let stored = 0;
    let duplicates = 0;
    for (const candidate of candidates) {
      try {
        const outcome = await this.record([candidate]);
        stored += outcome.stored;
        duplicates += outcome.duplicates;
      } catch (error) {
        if (!isPermanentDataError(error)) throw error;
        rejected.push({
          message: candidate.message,
          reason: { code: 'storage_rejected', detail: 'the database refused this referral' },
        });
      }
    }
    return { stored, duplicates };
  }

  private async record(candidates: Candidate[]) {
    const byId = new Map(candidates.map((c) => [c.item.referral.id, c]));
    // Near-duplicates among stored hashes, and among this batch's own earlier referrals
    // (not yet committed, so not yet in the shared index).
    const near = await this.pdq.forBatch(candidates.flatMap((c) => c.item.pdqHashes));
    const decided = new Map<string, Pick<DecisionRows['decision'], 'recipients' | 'rule'>>();
    const outcome = await this.referrals.record(
      candidates.map((c) => c.item),
      {
        pdqCaseIds: (item) => near.casesNear(item.pdqHashes),
        decide: (item, attachment) => {
          near.remember(item.pdqHashes, attachment.caseId);
          const rows = this.decideFor(byId.get(item.referral.id)!, attachment);
          decided.set(item.referral.id, rows.decision);
          return rows;
        },
      },
    );
    // Counted once committed: a transaction rolled back (and retried one by one) counts nothing.
    this.countRecorded(outcome, byId, decided);
    return { stored: outcome.stored.length, duplicates: outcome.duplicates.length };
  }

  private countRecorded(
    outcome: Awaited<ReturnType<ReferralIntakeRepository['record']>>,
    byId: Map<string, Candidate>,
    decided: Map<string, Pick<DecisionRows['decision'], 'recipients' | 'rule'>>,
  ): void {
    this.metrics.duplicate('source_id', outcome.duplicates.length);
    for (const { id, attachment } of outcome.stored) {
      if (attachment.layer !== 'new') this.metrics.duplicate(attachment.layer);
      const decision = decided.get(id);
      const recipients = decision?.recipients ?? [];
      for (const recipient of recipients) this.metrics.routed(this.rules.recipients.get(recipient));
      if (decision?.rule === 'loop') this.metrics.looped(byId.get(id)!.item.referral.format);
      // One line per referral, in its trace: ids and counts only, never a URL.
      inMessageSpan(byId.get(id)!.message, 'referral stored', () =>
        this.logger.log(
          {
            referralId: id,
            caseId: attachment.caseId,
            layer: attachment.layer,
            recipients,
            ...(decision?.rule === 'loop' ? { rule: 'loop' } : {}),
          },
          decision?.rule === 'loop' ? 'referral stored; a loop, not routed' : 'referral stored',
        ),
      );
    }
  }
}
