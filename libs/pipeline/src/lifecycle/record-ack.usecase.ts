import { Inject, Injectable, Logger } from '@nestjs/common';
import { ROUTING_RULES, WisselConfig } from '@wissel/config';
import {
  applyAck,
  noticeClockPolicy,
  type DispatchAck,
  type DispatchStatus,
  type NoticeClockPolicy,
  type RoutingRules,
} from '@wissel/domain';
import {
  DispatchLifecycleRepository,
  type AckOutcome,
  type DispatchRecord,
  type LifecycleTx,
} from '@wissel/persistence';
import { lockOrCreateDispatchState } from './dispatch-state-row';
import { LifecycleClock } from './lifecycle-clock';
import { LifecycleEffects } from './lifecycle-effects';
import { RedecideDispatchUseCase } from './redecide-dispatch.usecase';

export interface RecordAckCommand {
  ack: DispatchAck;
  /** The ack as received (decoded JSON), kept in the ack log. */
  message: Record<string, unknown>;
  channel: 'kafka' | 'api';
  /** kafka: topic:partition:offset (a redelivery is recognised by it); api: partner:<id>. */
  source: string;
  /**
   * Over the API: the recipients the authenticated partner acts for. A dispatch to anyone
   * else is answered as not found, exactly like an unknown id.
   */
  actsFor?: ReadonlySet<string>;
}

/** The refusal of an ack whose dispatch does not exist (or, over the API, is not theirs). */
export const DISPATCH_NOT_FOUND = 'dispatch_not_found';

export interface AckResult {
  dispatchId: string;
  /** `redelivered`: this Kafka message was recorded before; nothing was done again. */
  outcome: AckOutcome | 'redelivered';
  /** A refusal's code: a LifecycleRefusalCode or dispatch_not_found. */
  code?: string;
  detail?: string;
  /** The dispatch's status after the ack. */
  status?: DispatchStatus;
}

/**
 * Records one recipient ack: in one transaction it locks the dispatch's state row (created
 * from its outbox row on the first ack), applies the lifecycle state machine, stores the new
 * state with the notice clock it started or stopped, writes what the effects send, and
 * appends the ack to the log with its outcome — a refused ack too, with its code. A
 * re-decision it asks for follows the commit.
 */
@Injectable()
export class RecordAckUseCase {
  private readonly logger = new Logger('lifecycle');

  constructor(
    @Inject(ROUTING_RULES) private readonly rules: RoutingRules,
    private readonly config: WisselConfig,
    private readonly repository: DispatchLifecycleRepository,
    private readonly effects: LifecycleEffects,
    private readonly redecide: RedecideDispatchUseCase,
    private readonly clock: LifecycleClock,
  ) {}

  async execute(command: RecordAckCommand): Promise<AckResult> {
    const { ack } = command;
    const now = this.clock.now();
    const result = await this.repository.transaction(async (tx) => {
      if (command.channel === 'kafka' && (await tx.seenKafkaAck(command.source))) {
        return { dispatchId: ack.dispatchId, outcome: 'redelivered' as const };
      }
      const log = (
        outcome: AckOutcome,
        extra: { code?: string; before?: string; after?: string },
      ) =>
        tx.appendAck({
          receivedAt: now,
          channel: command.channel,
          source: command.source,
          dispatchId: ack.dispatchId,
          recipient: ack.recipient,
          kind: ack.kind,
          at: ack.at,
          ack: command.message,
          outcome,
          refusalCode: extra.code,
          statusBefore: extra.before,
          statusAfter: extra.after,
        });
      const record = await this.lockOrCreate(tx, ack.dispatchId);
      if (!record || (command.actsFor && !command.actsFor.has(record.state.recipient))) {
        await log('refused', { code: DISPATCH_NOT_FOUND });
        return {
          dispatchId: ack.dispatchId,
          outcome: 'refused' as const,
          code: DISPATCH_NOT_FOUND,
          detail: 'no dispatch of yours has this id',
        };
      }
      const before = record.state.status;
      const step = applyAck(record.state, ack, now, this.policyOf(record.state.recipient));
      if (step.outcome === 'refused') {
        await log('refused', { code: step.error.code, before, after: before });
        return {
          dispatchId: ack.dispatchId,
          outcome: 'refused' as const,
          code: step.error.code,
          detail: step.error.message,
          status: before,
        };
      }
      let next: DispatchRecord = { ...record, state: step.state };
      if (step.outcome === 'applied') {
        next = await this.effects.perform(tx, next, step.effects, now);
      }
      await tx.save(next, now);
      await log(step.outcome, { before, after: next.state.status });
      return {
        dispatchId: ack.dispatchId,
        outcome: step.outcome,
        status: next.state.status,
        redecide: next.redecision !== undefined && record.redecision === undefined,
      };
    });
    // Kind and outcome only: a moved ack's location is a reported URL.
    this.logger.log(
      {
        dispatchId: ack.dispatchId,
        kind: ack.kind,
        channel: command.channel,
        outcome: result.outcome,
        ...('code' in result ? { code: result.code } : {}),
      },
      'ack recorded',
    );
    if ('redecide' in result && result.redecide) await this.redecideNow(ack.dispatchId);
    const { redecide: _, ...answer } = result as AckResult & { redecide?: boolean };
    return answer;
  }

  /** The recipient's notice clock: its ntdDeadlineHours, the configured reminder point. */
  private policyOf(recipient: string): NoticeClockPolicy {
    const hours = this.rules.recipients.get(recipient)?.ntdDeadlineHours;
    return noticeClockPolicy({
      ...(hours === undefined ? {} : { deadlineHours: hours }),
      reminderFraction: this.config.NOTICE_REMINDER_PERCENT / 100,
    });
  }

  private lockOrCreate(tx: LifecycleTx, dispatchId: string): Promise<DispatchRecord | undefined> {
    return lockOrCreateDispatchState(this.repository, tx, dispatchId);
  }

  /** Right after the commit; if it fails, the request stays on the row for the next tick. */
  private async redecideNow(dispatchId: string): Promise<void> {
    try {
      await this.redecide.execute(dispatchId);
    } catch (error) {
      this.logger.warn({ dispatchId, error: String(error) }, 're-decision left for the next tick');
    }
  }
}
