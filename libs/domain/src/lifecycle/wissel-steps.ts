import { type CloseReason, type DispatchState, isTerminalStatus } from './dispatch-state';
import { endDispatch, movedEffects } from './end-dispatch';
import { type LifecycleStep } from './lifecycle-step';
import { applied, refused, unchanged } from './step-results';

/*
 * The steps Wissel takes itself, not on a recipient's ack. Same result shape as applyAck.
 */

/**
 * Records that a dispatch its recipient never acknowledged, not even as received, was
 * escalated past the acknowledgement deadline: a silent recipient is a breach too.
 */
export function escalateUnacknowledged(
  state: DispatchState,
  escalatedTo: readonly string[],
  now: Date,
): LifecycleStep {
  if (state.status !== 'dispatched') {
    return refused(state, 'acknowledged', `the dispatch was acknowledged (${state.status})`);
  }
  return applied(
    { ...state, status: 'escalated', escalatedAt: now, escalatedTo: [...escalatedTo] },
    [],
  );
}

/**
 * Records that a breached notice was escalated to `escalatedTo` (after the re-trace found
 * the content where it was noticed). Only a running notice can breach.
 */
export function escalateDispatch(
  state: DispatchState,
  escalatedTo: readonly string[],
  now: Date,
): LifecycleStep {
  if (state.status === 'escalated') return unchanged('duplicate', state);
  if (isTerminalStatus(state.status)) {
    return refused(state, 'dispatch_ended', `the dispatch has already ended as ${state.status}`);
  }
  if (state.status !== 'notice_sent') {
    return refused(state, 'no_notice_running', 'only a dispatch with a notice sent can breach');
  }
  return applied(
    { ...state, status: 'escalated', escalatedAt: now, escalatedTo: [...escalatedTo] },
    [],
  );
}

/**
 * Ends a live dispatch as moved because Wissel's re-trace (before a notice or an escalation)
 * found the content on another host: the case is decided again and the recipient is told.
 */
export function moveAfterRetrace(
  state: DispatchState,
  newLocation: string,
  now: Date,
): LifecycleStep {
  if (state.status === 'moved') return unchanged('duplicate', state);
  if (isTerminalStatus(state.status)) {
    return refused(state, 'dispatch_ended', `the dispatch has already ended as ${state.status}`);
  }
  const ended = endDispatch(state, 'moved', now, { newLocation, movedDetectedBy: 'retrace' });
  return applied(ended.state, [...ended.effects, ...movedEffects(state, newLocation, 'retrace')]);
}

/** Ends a live dispatch on Wissel's side (a police hold, a superseding decision, an operator). */
export function closeDispatch(state: DispatchState, reason: CloseReason, now: Date): LifecycleStep {
  if (state.status === 'closed') return unchanged('duplicate', state);
  if (isTerminalStatus(state.status)) {
    return refused(state, 'dispatch_ended', `the dispatch has already ended as ${state.status}`);
  }
  const ended = endDispatch(state, 'closed', now, { closeReason: reason });
  return applied(ended.state, [
    ...ended.effects,
    {
      type: 'notify_recipient_closed',
      recipient: state.recipient,
      dispatchId: state.dispatchId,
      caseId: state.caseId,
      reason,
    },
  ]);
}
