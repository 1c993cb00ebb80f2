import { Inject, Injectable, Logger } from '@nestjs/common';
import { ROUTING_RULES, WisselConfig } from '@wissel/config';
import {
  dueActions,
  escalateDispatch,
  escalateUnacknowledged,
  escalationPlan,
  isSenderOf,
  locatorHost,
  moveAfterRetrace,
  submitterFromEvidence,
  withoutSenders,
  type CanonicalReferral,
  type DueBreach,
  type DueReminder,
  type EscalationPlan,
  type HostTraceFacts,
  type OpenNotice,
  type RoutingRules,
} from '@wissel/domain';
import { Topics } from '@wissel/messaging';
import {
  DispatchLifecycleRepository,
  type OpenNoticeRow,
  type OutboxDispatch,
} from '@wissel/persistence';
import { lockOrCreateDispatchState } from './dispatch-state-row';
import { type DispatchRoute, routeHosts, storedTraces } from './dispatch-hosting';
import { movedHosts } from './host-moved';
import { HostRetracer } from './host-retracer';
import { LifecycleClock } from './lifecycle-clock';
import { LifecycleEffects } from './lifecycle-effects';
import { lifecycleOutboxRow } from './lifecycle-messages';
import { RedecideDispatchUseCase } from './redecide-dispatch.usecase';

export interface NoticeClockTick {
  reminded: number;
  escalated: number;
  /** Removal dispatches never acknowledged by their deadline, escalated. */
  unacknowledged: number;
  moved: number;
  redecided: number;
}

/** Bounds one tick (pages of NOTICE_CLOCK_BATCH_SIZE); the rest waits for the next. */
const MAX_PAGES_PER_TICK = 100;

interface DispatchPayload {
  referral: CanonicalReferral;
  decision: { id: string; rule: string; routes: DispatchRoute[] };
}

/**
 * One tick of the notice-and-takedown clock at the injected now: sends each due reminder
 * once; for each breached notice first traces the host again — moved elsewhere, the
 * dispatch ends as moved and the case is decided again; still there, the breach is escalated
 * to the authority and the police (escalationPlan) — once; and finishes re-decisions an
 * earlier step asked for but did not get done. Each notice is re-checked under its row lock,
 * so several dispatchers can tick at once and nothing happens twice.
 */
@Injectable()
export class ProcessDueNoticesUseCase {
  private readonly logger = new Logger('notice-clock');

  constructor(
    @Inject(ROUTING_RULES) private readonly rules: RoutingRules,
    private readonly config: WisselConfig,
    private readonly topics: Topics,
    private readonly repository: DispatchLifecycleRepository,
    private readonly effects: LifecycleEffects,
    private readonly retracer: HostRetracer,
    private readonly redecide: RedecideDispatchUseCase,
    private readonly clock: LifecycleClock,
  ) {}

  async execute(): Promise<NoticeClockTick> {
    const now = this.clock.now();
    const batch = this.config.NOTICE_CLOCK_BATCH_SIZE;
    const tick: NoticeClockTick = {
      reminded: 0,
      escalated: 0,
      unacknowledged: 0,
      moved: 0,
      redecided: 0,
    };
    // Page after page until nothing is due: a backlog is caught up in one tick, and notices
    // that fail or cannot be acted on (tried again next tick) never hide the ones behind.
    const seen: string[] = [];
    for (let page = 0; page < MAX_PAGES_PER_TICK; page++) {
      const rows = await this.repository.dueNotices(now, batch, seen);
      if (rows.length === 0) break;
      seen.push(...rows.map((r) => r.dispatchId));
      await this.handle(rows.map(toOpenNotice), now, tick);
    }
    tick.unacknowledged = await this.escalateSilentRecipients(now, batch);
    for (const dispatchId of await this.repository.pendingRedecisions(batch)) {
      try {
        if (await this.redecide.execute(dispatchId)) tick.redecided++;
      } catch (error) {
        this.logger.warn({ dispatchId, error: String(error) }, 're-decision failed; next tick');
      }
    }
    if (tick.reminded + tick.escalated + tick.unacknowledged + tick.moved + tick.redecided > 0) {
      this.logger.log(tick, 'notice clock tick');
    }
    return tick;
  }

  /**
   * A removal dispatch its recipient never acknowledged within NOTICE_ACK_DEADLINE_HOURS is
   * a breach too: escalated to the same targets as a breached notice, once (the state row
   * it starts is escalated), so a silent hotline does not leave material up unnoticed.
   */
  private async escalateSilentRecipients(now: Date, batch: number): Promise<number> {
    const hours = this.config.NOTICE_ACK_DEADLINE_HOURS;
    if (hours === 0) return 0;
    const cutoff = new Date(now.getTime() - hours * 3_600_000);
    // The hotlines, which send the notices; the police channels acknowledge nothing.
    const hotlines = [...this.rules.recipients.values()]
      .filter((r) => r.kind === 'national_hotline' || r.kind === 'partner_hotline')
      .map((r) => r.id);
    let escalated = 0;
    const due = await this.repository.unacknowledgedDispatches(cutoff, hotlines, batch);
    for (const dispatch of due) {
      const done = await this.eachNotice({ dispatchId: dispatch.dispatchId } as OpenNotice, () =>
        this.escalateSilent(dispatch, hours, now),
      );
      if (done) escalated++;
    }
    return escalated;
  }

  private async escalateSilent(
    dispatch: OutboxDispatch,
    hours: number,
    now: Date,
  ): Promise<boolean> {
    const dispatchedAt = new Date(dispatch.dispatchedAt);
    const deadline = new Date(dispatchedAt.getTime() + hours * 3_600_000);
    const payload = dispatch.payload as unknown as DispatchPayload;
    const evidence = (await this.repository.decisionEvidence(payload.decision.id)) ?? {};
    const planned = escalationPlan(
      {
        dispatchId: dispatch.dispatchId,
        caseId: dispatch.caseId,
        referralId: dispatch.referralId,
        recipient: dispatch.recipient,
        noticeSentAt: dispatchedAt,
        deadline,
        reminderAt: deadline,
      },
      this.rules,
    );
    const plan = this.withoutSenders(planned, payload, evidence);
    return this.repository.transaction(async (tx) => {
      const record = await lockOrCreateDispatchState(this.repository, tx, dispatch.dispatchId);
      if (!record) return false;
      const step = escalateUnacknowledged(
        record.state,
        plan.escalateTo.map((t) => t.recipient),
        now,
      );
      if (step.outcome !== 'applied') return false;
      await tx.enqueue(
        this.escalations(plan, dispatch, payload, now, {
          reason: 'unacknowledged',
          dispatchedAt: dispatchedAt.toISOString(),
          deadline: deadline.toISOString(),
        }),
      );
      await tx.save({ ...record, state: step.state, breachHandledAt: now }, now);
      this.logger.log(
        { dispatchId: dispatch.dispatchId, escalatedTo: plan.escalateTo.length },
        'unacknowledged dispatch escalated',
      );
      return true;
    });
  }

  /**
   * One escalation message to each target of the plan, about the dispatch that breached (or
   * went unacknowledged): the decision and the referral, and `details` of why.
   */
  private escalations(
    plan: EscalationPlan,
    breached: Pick<OpenNotice, 'dispatchId' | 'referralId' | 'caseId' | 'recipient'>,
    payload: DispatchPayload,
    now: Date,
    details: Record<string, unknown>,
  ) {
    return plan.escalateTo.map((target) =>
      lifecycleOutboxRow(this.topics, {
        type: 'escalation',
        recipient: target.recipient,
        dispatchId: breached.dispatchId,
        referralId: breached.referralId,
        caseId: breached.caseId,
        at: now,
        body: {
          role: target.role,
          breachedRecipient: breached.recipient,
          ...details,
          unfilled: plan.unfilled,
          decision: { id: payload.decision.id, rule: payload.decision.rule },
          referral: payload.referral,
        },
      }),
    );
  }

  private async handle(notices: OpenNotice[], now: Date, tick: NoticeClockTick): Promise<void> {
    const { reminders, breaches } = dueActions(notices, now, this.rules);
    for (const reminder of reminders) {
      if (await this.eachNotice(reminder.notice, () => this.remind(reminder, now))) {
        tick.reminded++;
      }
    }
    for (const breach of breaches) {
      const outcome = await this.eachNotice(breach.notice, () => this.breach(breach, now));
      if (outcome === 'escalated') tick.escalated++;
      if (outcome === 'moved') tick.moved++;
    }
  }

  /** One notice's failure (a DNS or database hiccup) must not hold up the others: next tick. */
  private async eachNotice<T>(notice: OpenNotice, work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      this.logger.warn(
        { dispatchId: notice.dispatchId, error: String(error) },
        'retried next tick',
      );
      return undefined;
    }
  }

  private remind({ notice }: DueReminder, now: Date): Promise<boolean> {
    return this.repository.transaction(async (tx) => {
      const record = await tx.lock(notice.dispatchId);
      if (!record || record.state.status !== 'notice_sent') return false;
      if (record.remindedAt || record.breachHandledAt) return false;
      const clock = record.state.noticeClock!;
      await tx.enqueue([
        lifecycleOutboxRow(this.topics, {
          type: 'reminder',
          recipient: record.state.recipient,
          dispatchId: notice.dispatchId,
          referralId: notice.referralId,
          caseId: notice.caseId,
          at: now,
          body: {
            noticeSentAt: record.state.noticeSentAt!.toISOString(),
            deadline: clock.deadline.toISOString(),
          },
        }),
      ]);
      await tx.save({ ...record, remindedAt: now }, now);
      return true;
    });
  }

  /**
   * An escalation never goes back to where the referral came from: a hop in its `via`, its
   * source system, or a recipient of the partner that submitted it (the decision names it).
   */
  private withoutSenders(
    plan: EscalationPlan,
    payload: DispatchPayload,
    evidence: Record<string, unknown>,
  ): EscalationPlan {
    const submitter = submitterFromEvidence(evidence);
    return withoutSenders(
      plan,
      (id) => isSenderOf(payload.referral, id, this.rules, submitter),
      this.rules,
    );
  }

  private async breach(
    { notice, plan: planned }: DueBreach,
    now: Date,
  ): Promise<'escalated' | 'moved' | 'skipped'> {
    const dispatch = await this.repository.outboxDispatch(notice.dispatchId);
    if (!dispatch) return 'skipped';
    const payload = dispatch.payload as unknown as DispatchPayload;
    const evidence = (await this.repository.decisionEvidence(payload.decision.id)) ?? {};
    const plan = this.withoutSenders(planned, payload, evidence);
    // Re-trace first, outside the transaction: no row lock waits on DNS.
    const hosts = routeHosts(evidence, payload.decision.routes);
    const fresh = await this.retracer.trace(hosts);
    const moved = movedHosts(storedTraces(evidence, hosts), fresh);
    const outcome = await this.repository.transaction(async (tx) => {
      const record = await tx.lock(notice.dispatchId);
      if (!record || record.state.status !== 'notice_sent' || record.breachHandledAt) {
        return 'skipped' as const;
      }
      const handled = { ...record, breachHandledAt: now };
      if (moved.length > 0) {
        const step = moveAfterRetrace(record.state, movedLocation(payload.referral, moved), now);
        if (step.outcome !== 'applied') return 'skipped' as const;
        const next = await this.effects.perform(
          tx,
          { ...handled, state: step.state },
          step.effects,
          now,
          fresh,
        );
        await tx.save(next, now);
        return 'moved' as const;
      }
      const step = escalateDispatch(
        record.state,
        plan.escalateTo.map((t) => t.recipient),
        now,
      );
      if (step.outcome !== 'applied') return 'skipped' as const;
      await tx.enqueue(
        this.escalations(plan, notice, payload, now, {
          noticeSentAt: notice.noticeSentAt.toISOString(),
          deadline: notice.deadline.toISOString(),
          retrace: fresh.map(retraceSummary),
        }),
      );
      await tx.save({ ...handled, state: step.state }, now);
      return 'escalated' as const;
    });
    this.logger.log(
      { dispatchId: notice.dispatchId, outcome, escalatedTo: plan.escalateTo.length },
      'notice breached',
    );
    if (outcome === 'moved') {
      try {
        await this.redecide.execute(notice.dispatchId);
      } catch (error) {
        this.logger.warn({ dispatchId: notice.dispatchId, error: String(error) }, 'next tick');
      }
    }
    return outcome;
  }
}

function toOpenNotice(row: OpenNoticeRow): OpenNotice {
  return {
    dispatchId: row.dispatchId,
    caseId: row.caseId,
    referralId: row.referralId,
    recipient: row.recipient,
    noticeSentAt: new Date(row.noticeSentAt),
    deadline: new Date(row.deadline),
    reminderAt: new Date(row.reminderAt),
    ...(row.remindedAt ? { remindedAt: new Date(row.remindedAt) } : {}),
    ...(row.breachHandledAt ? { breachHandledAt: new Date(row.breachHandledAt) } : {}),
  };
}

/** The first URL of the referral on a host that moved (the content's location is unchanged). */
function movedLocation(referral: CanonicalReferral, moved: string[]): string {
  const on = new Set(moved);
  const locator = referral.locators.find((l) => l.url && on.has(locatorHost(l.url) ?? ''));
  return locator?.url ?? moved[0]!;
}

/** What the re-trace before the escalation found, per host: its addresses' countries and AS. */
function retraceSummary(trace: HostTraceFacts) {
  return {
    host: trace.host,
    outcome: trace.outcome,
    tracedAt: trace.tracedAt,
    addresses: trace.addresses.map((a) => ({
      ip: a.ip,
      country: a.geoCountry ?? a.registeredCountry ?? null,
      asn: a.asn ?? null,
      asOrganisation: a.asOrganisation ?? null,
    })),
  };
}
