import {
  DEFAULT_NOTICE_CLOCK_POLICY,
  noticeClock,
  type NoticeClockPolicy,
} from '../notice-clock/notice-policy';
import { type DispatchAck } from './ack';
import { type DispatchState, type DispatchStatus, isTerminalStatus } from './dispatch-state';
import { endDispatch, movedEffects } from './end-dispatch';
import { type LifecycleStep } from './lifecycle-step';
import { applied, refused, unchanged } from './step-results';

/** Recipients' clocks drift; an ack this far outside the plausible window is still taken. */
export const ACK_CLOCK_SKEW_MS = 5 * 60_000;

/** How far along a dispatch is. An ack below the current rank is late, not a step back. */
const RANK: Record<DispatchStatus, number> = {
  dispatched: 0,
  received: 1,
  notice_sent: 2,
  escalated: 3,
  removed: 4,
  moved: 4,
  rejected: 4,
  closed: 4,
};

/**
 * Applies one recipient ack to a dispatch.
 *
 * Forward skips are accepted (dispatched → notice_sent, received → removed, …): hotlines
 * often never send `received`, and a removal is the fact that matters; a skipped stage keeps
 * no timestamp rather than an invented one. An ack of a stage already passed (received after
 * notice_sent; notice_sent after removed) is `late`: it fills in that stage's time if missing
 * (so the hoster monitor can still time the removal) and does nothing else. Once ended, a
 * dispatch refuses any other ending. `policy` is the recipient's notice clock.
 */
export function applyAck(
  state: DispatchState,
  ack: DispatchAck,
  now: Date,
  policy: NoticeClockPolicy = DEFAULT_NOTICE_CLOCK_POLICY,
): LifecycleStep {
  const details = { kind: ack.kind };
  if (ack.dispatchId !== state.dispatchId) {
    return refused(state, 'ack_wrong_dispatch', 'the ack is for another dispatch', details);
  }
  if (ack.recipient !== state.recipient) {
    return refused(state, 'ack_wrong_recipient', 'the dispatch was not sent to this recipient', {
      ...details,
      recipient: ack.recipient,
    });
  }
  if (ack.at.getTime() > now.getTime() + ACK_CLOCK_SKEW_MS) {
    return refused(state, 'ack_from_future', 'the ack is dated in the future', details);
  }
  if (ack.at.getTime() < state.dispatchedAt.getTime() - ACK_CLOCK_SKEW_MS) {
    return refused(state, 'ack_before_dispatch', 'the ack is dated before the dispatch', details);
  }
  if (ack.kind === state.status) return unchanged('duplicate', state);
  if (RANK[ack.kind] < RANK[state.status]) return late(state, ack);
  if (isTerminalStatus(state.status)) {
    return refused(
      state,
      'dispatch_ended',
      `the dispatch has already ended as ${state.status}`,
      details,
    );
  }
  return forward(state, ack, policy);
}

function late(state: DispatchState, ack: DispatchAck): LifecycleStep {
  if (ack.kind === 'received' && !state.receivedAt) {
    return unchanged('late', { ...state, receivedAt: ack.at });
  }
  if (ack.kind === 'notice_sent' && !state.noticeSentAt) {
    // No clock: the dispatch is past the point where one could run.
    return unchanged('late', { ...state, noticeSentAt: ack.at });
  }
  return unchanged('late', state);
}

function forward(state: DispatchState, ack: DispatchAck, policy: NoticeClockPolicy): LifecycleStep {
  switch (ack.kind) {
    case 'received':
      return applied({ ...state, status: 'received', receivedAt: ack.at }, []);
    case 'notice_sent': {
      const clock = noticeClock(ack.at, policy);
      return applied(
        { ...state, status: 'notice_sent', noticeSentAt: ack.at, noticeClock: clock },
        [
          {
            type: 'start_notice_clock',
            dispatchId: state.dispatchId,
            caseId: state.caseId,
            referralId: state.referralId,
            recipient: state.recipient,
            noticeSentAt: ack.at,
            ...clock,
          },
        ],
      );
    }
    case 'removed': {
      const ended = endDispatch(state, 'removed', ack.at);
      return applied(ended.state, [
        ...ended.effects,
        { type: 'case_removed', caseId: state.caseId, dispatchId: state.dispatchId, at: ack.at },
      ]);
    }
    case 'moved': {
      const ended = endDispatch(state, 'moved', ack.at, {
        newLocation: ack.newLocation,
        movedDetectedBy: 'recipient',
      });
      return applied(ended.state, [
        ...ended.effects,
        ...movedEffects(state, ack.newLocation, 'recipient'),
      ]);
    }
    case 'rejected': {
      const rejection =
        ack.note === undefined ? { reason: ack.reason } : { reason: ack.reason, note: ack.note };
      const ended = endDispatch(state, 'rejected', ack.at, { rejection });
      if (ack.reason !== 'not_our_jurisdiction') return applied(ended.state, ended.effects);
      return applied(ended.state, [
        ...ended.effects,
        {
          type: 'request_redecision',
          caseId: state.caseId,
          referralId: state.referralId,
          previousDispatchId: state.dispatchId,
          previousRecipient: state.recipient,
          reason: 'not_our_jurisdiction',
          // Otherwise the same rules would send it straight back to them.
          excludeRecipients: [state.recipient],
        },
      ]);
    }
  }
}
