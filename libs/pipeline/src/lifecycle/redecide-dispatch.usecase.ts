import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ROUTING_RULES } from '@wissel/config';
import {
  contextFromEvidence,
  decide,
  factsFromEvidence,
  referralHosts,
  submitterFromEvidence,
  viaAsReceived,
  type CanonicalReferral,
  type HostTraceFacts,
  type RoutingRules,
} from '@wissel/domain';
import { Topics } from '@wissel/messaging';
import { DispatchLifecycleRepository, type OutboxRow } from '@wissel/persistence';
import { DispatchPersonalData } from '../data-protection/dispatch-personal-data';
import { prepareDispatches, type DispatchSubject } from '../intake/prepare-dispatches';
import { RoutingFactsGatherer } from '../jurisdiction/routing-facts-gatherer';
import { type DispatchRoute, routeLocators } from './dispatch-hosting';
import { HostRetracer } from './host-retracer';
import { LifecycleClock } from './lifecycle-clock';
import { lifecycleOutboxRow } from './lifecycle-messages';
import { relocatedReferral } from './relocate';

/** The dispatch message as the outbox holds it (the parts a re-decision reads). */
interface DispatchPayload {
  referral: CanonicalReferral;
  investigationPriority: DispatchSubject['investigationPriority'];
  decision: { id: string; routes: DispatchRoute[] };
}

export interface DispatchRedecision {
  dispatchId: string;
  decisionId: string;
  rule: string;
  /** Recipients the referral went to now. */
  sentTo: string[];
}

// Another re-decision of the same referral may win the race; decide again from it.
const MAX_ATTEMPTS = 3;

/**
 * Decides a referral again because one of its dispatches ended as moved (the recipient's ack
 * or the breach re-trace) or was declined as not the recipient's jurisdiction. The new
 * decision is linked to the same case and supersedes the one in force; the referral goes to
 * the recipients of the new decision that hold no live dispatch of it (so the police are
 * not sent it twice, while the hotline of a move within the country gets the new location),
 * never to an excluded one; and the recipient of a moved dispatch is told where it went.
 */
@Injectable()
export class RedecideDispatchUseCase {
  private readonly logger = new Logger('lifecycle');

  constructor(
    @Inject(ROUTING_RULES) private readonly rules: RoutingRules,
    private readonly topics: Topics,
    private readonly repository: DispatchLifecycleRepository,
    private readonly facts: RoutingFactsGatherer,
    private readonly retracer: HostRetracer,
    private readonly clock: LifecycleClock,
    private readonly personalData: DispatchPersonalData,
  ) {}

  async execute(dispatchId: string): Promise<DispatchRedecision | undefined> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const outcome = await this.attempt(dispatchId);
      if (outcome !== 'stale') return outcome;
    }
    throw new Error(`the re-decision of dispatch ${dispatchId} lost ${MAX_ATTEMPTS} races`);
  }

  private async attempt(dispatchId: string): Promise<DispatchRedecision | undefined | 'stale'> {
    const record = await this.repository.find(dispatchId);
    const request = record?.redecision;
    if (!record || !request || record.redecidedAt) return undefined;
    const { state } = record;
    const dispatch = await this.repository.outboxDispatch(dispatchId);
    const latest = await this.repository.latestDecision(state.referralId);
    const previous = await this.repository.decisionEvidence(
      (dispatch?.payload as DispatchPayload | undefined)?.decision.id ?? '',
    );
    if (!dispatch || !latest || !previous) {
      throw new Error(`dispatch ${dispatchId} has no outbox row or decision to decide again from`);
    }
    // The persons count for the new decision: opened from the sealed referral (W11).
    const [completed] = await this.personalData.complete([dispatch]);
    const dispatched = completed!.payload as unknown as DispatchPayload;
    // Decided from the referral as it came in: the copy sent out names this node last.
    const payload = {
      ...dispatched,
      referral: {
        ...dispatched.referral,
        via: viaAsReceived(dispatched.referral.via, this.rules.node),
      },
    };
    const now = this.clock.now();

    // A recipient's move names the new location; a re-trace's move keeps the locators.
    const referral =
      request.newLocation !== undefined && request.notifyPrevious?.detectedBy === 'recipient'
        ? relocatedReferral(
            payload.referral,
            routeLocators(previous, payload.decision.routes),
            request.newLocation,
          )
        : payload.referral;
    const hosts = await this.hostsNow(referral, latest.evidence, request.traces);
    const stored = factsFromEvidence(latest.evidence, referral);
    const [current] = await this.facts.current([{ referral, hosts }], now);
    // Excluded recipients are hops for this decision: the rules never route to a hop (they
    // are listed in droppedForLoop), and with nobody left it goes to review.
    const excluded = request.excludeRecipients;
    const input =
      excluded.length > 0 ? { ...referral, via: [...referral.via, ...excluded] } : referral;
    // The submitter stays excluded: the record of the first decision names it.
    const decided = decide(
      input,
      this.rules,
      contextFromEvidence(latest.evidence),
      { ...stored, hosts, ...current! },
      submitterFromEvidence(latest.evidence),
    );
    const decision = {
      id: randomUUID(),
      ...decided,
      evidence: {
        ...decided.evidence,
        lifecycle: {
          cause: request.reason,
          previousDispatchId: dispatchId,
          previousRecipient: state.recipient,
        },
      },
    };
    const live = new Set(await this.repository.liveRecipients(state.referralId));
    const sentTo = decision.recipients.filter((id) => !live.has(id) && !excluded.includes(id));
    const dispatches = prepareDispatches(
      {
        referralId: state.referralId,
        caseId: state.caseId,
        investigationPriority: payload.investigationPriority,
      },
      referral,
      decision,
      { topics: this.topics, node: this.rules.node },
      sentTo,
    );
    const told: OutboxRow[] = request.notifyPrevious
      ? [
          lifecycleOutboxRow(this.topics, {
            type: 'moved',
            recipient: state.recipient,
            dispatchId,
            referralId: state.referralId,
            caseId: state.caseId,
            at: now,
            body: {
              detectedBy: request.notifyPrevious.detectedBy,
              decision: {
                id: decision.id,
                rule: decision.rule,
                recipients: decision.recipients,
                removalCountries: decision.removalCountries,
              },
            },
          }),
        ]
      : [];
    const outcome = await this.repository.storeRedecision(
      dispatchId,
      state.referralId,
      latest.id,
      request.reason,
      { decision, dispatches },
      told,
      now,
    );
    if (outcome === 'stale') return 'stale';
    if (outcome === 'done') return undefined;
    this.logger.log(
      {
        dispatchId,
        referralId: state.referralId,
        cause: request.reason,
        rule: decision.rule,
        sentTo,
      },
      'dispatch re-decided',
    );
    return { dispatchId, decisionId: decision.id, rule: decision.rule, sentTo };
  }

  /**
   * The traces the new decision rests on: the re-trace's fresh ones, the stored ones of
   * hosts that did not change, and a new trace of any host not traced before (a new location).
   */
  private async hostsNow(
    referral: CanonicalReferral,
    evidence: Record<string, unknown>,
    fresh: unknown[] | undefined,
  ): Promise<HostTraceFacts[]> {
    const known = new Map(factsFromEvidence(evidence).hosts.map((t) => [t.host, t]));
    for (const trace of (fresh ?? []) as HostTraceFacts[]) known.set(trace.host, trace);
    const wanted = referralHosts(referral);
    const traced = await this.retracer.trace(wanted.filter((host) => !known.has(host)));
    for (const trace of traced) known.set(trace.host, trace);
    return wanted.flatMap((host) => known.get(host) ?? []);
  }
}
