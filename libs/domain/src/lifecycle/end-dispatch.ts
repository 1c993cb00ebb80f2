import { type DispatchState, type DispatchStatus } from './dispatch-state';
import { type LifecycleEffect } from './effects';

type EndStatus = Extract<DispatchStatus, 'removed' | 'moved' | 'rejected' | 'closed'>;

/**
 * Moves a live dispatch to a terminal status with the effects every ending shares: a
 * running clock stops, and whoever a breach was escalated to hears the outcome so the
 * authority does not order the removal of content that is already gone.
 */
export function endDispatch(
  state: DispatchState,
  endedAs: EndStatus,
  at: Date,
  details: Partial<DispatchState> = {},
): { state: DispatchState; effects: LifecycleEffect[] } {
  const effects: LifecycleEffect[] = [];
  if (state.status === 'notice_sent' || state.status === 'escalated') {
    effects.push({ type: 'stop_notice_clock', dispatchId: state.dispatchId, endedAs });
  }
  if (state.status === 'escalated' && state.escalatedTo?.length) {
    effects.push({
      type: 'notify_escalation_recipients',
      recipients: [...state.escalatedTo],
      dispatchId: state.dispatchId,
      caseId: state.caseId,
      endedAs,
    });
  }
  return { state: { ...state, ...details, status: endedAs, endedAt: at }, effects };
}

/** A move, reported or found by re-tracing, asks for a new decision on the same case. */
export function movedEffects(
  state: DispatchState,
  newLocation: string,
  detectedBy: 'recipient' | 'retrace',
): LifecycleEffect[] {
  return [
    {
      type: 'request_redecision',
      caseId: state.caseId,
      referralId: state.referralId,
      previousDispatchId: state.dispatchId,
      previousRecipient: state.recipient,
      reason: 'moved',
      newLocation,
      // The new host may be in the same country: the same recipient may get it again.
      excludeRecipients: [],
    },
    {
      type: 'notify_previous_recipient',
      recipient: state.recipient,
      dispatchId: state.dispatchId,
      caseId: state.caseId,
      detectedBy,
    },
  ];
}
