import { Injectable } from '@nestjs/common';
import { type LifecycleEffect } from '@wissel/domain';
import { Topics } from '@wissel/messaging';
import { type DispatchRecord, type LifecycleTx } from '@wissel/persistence';
import { type LifecycleMessage, lifecycleOutboxRow } from './lifecycle-messages';

/**
 * Performs a lifecycle step's effects inside the step's transaction: the notice clock is the
 * state row's own columns (started and stopped with the status), messages to recipients are
 * outbox rows, and a re-decision is stored on the row as a request — done right after the
 * commit and, should that fail, by the clock's next tick — so none is lost.
 */
@Injectable()
export class LifecycleEffects {
  constructor(private readonly topics: Topics) {}

  /**
   * Returns the record to save. `traces`: a breach re-trace's fresh traces, which the
   * re-decision of a move it found must use.
   */
  async perform(
    tx: LifecycleTx,
    record: DispatchRecord,
    effects: readonly LifecycleEffect[],
    now: Date,
    traces?: unknown[],
  ): Promise<DispatchRecord> {
    const { state } = record;
    const base = { dispatchId: state.dispatchId, referralId: state.referralId, at: now };
    const messages: LifecycleMessage[] = [];
    let next = record;
    for (const effect of effects) {
      switch (effect.type) {
        case 'start_notice_clock':
        case 'stop_notice_clock':
          // The clock is notice_deadline / notice_reminder_at while the status is notice_sent.
          break;
        case 'request_redecision':
          next = {
            ...next,
            redecision: {
              reason: effect.reason,
              ...(effect.newLocation === undefined ? {} : { newLocation: effect.newLocation }),
              excludeRecipients: effect.excludeRecipients,
              ...(traces ? { traces } : {}),
            },
          };
          break;
        case 'notify_previous_recipient':
          // Told where the case went, so only once it is decided again (see RedecideDispatch).
          if (next.redecision) {
            next = {
              ...next,
              redecision: { ...next.redecision, notifyPrevious: { detectedBy: effect.detectedBy } },
            };
          }
          break;
        case 'notify_escalation_recipients':
          for (const recipient of effect.recipients) {
            messages.push({
              ...base,
              type: 'escalation_outcome',
              recipient,
              caseId: effect.caseId,
              body: { breachedRecipient: state.recipient, endedAs: effect.endedAs },
            });
          }
          break;
        case 'case_removed':
          await tx.markCaseRemoved(effect.caseId, effect.dispatchId, effect.at);
          break;
        case 'notify_recipient_closed':
          messages.push({
            ...base,
            type: 'closed',
            recipient: effect.recipient,
            caseId: effect.caseId,
            body: { reason: effect.reason },
          });
          break;
      }
    }
    await tx.enqueue(messages.map((m) => lifecycleOutboxRow(this.topics, m)));
    return next;
  }
}
