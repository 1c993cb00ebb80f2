import { type NoticeClock } from '../notice-clock/notice-policy';
import { type RejectionReason } from './ack';

/**
 * Where one dispatch (one referral sent to one recipient) stands. `escalated` and `closed`
 * are Wissel's own steps (a breached notice clock; an operator or a police hold ending the
 * dispatch); the others follow the recipient's acks.
 */
export const DISPATCH_STATUSES = [
  'dispatched',
  'received',
  'notice_sent',
  'escalated',
  'removed',
  'moved',
  'rejected',
  'closed',
] as const;
export type DispatchStatus = (typeof DISPATCH_STATUSES)[number];

/** A dispatch in one of these has ended: no ack or step moves it on. */
export const TERMINAL_STATUSES: ReadonlySet<DispatchStatus> = new Set([
  'removed',
  'moved',
  'rejected',
  'closed',
]);

/**
 * Why Wissel ended a dispatch itself: `withdrawn` (e.g. a police hold: the notice must
 * stop), `superseded` (a new decision replaced it), `operator`.
 */
export const CLOSE_REASONS = ['withdrawn', 'superseded', 'operator'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

export interface DispatchState {
  dispatchId: string;
  caseId: string;
  referralId: string;
  recipient: string;
  status: DispatchStatus;
  dispatchedAt: Date;
  receivedAt?: Date;
  noticeSentAt?: Date;
  /** Present while and after a notice clock ran (not when notice_sent arrived late). */
  noticeClock?: NoticeClock;
  escalatedAt?: Date;
  /** Recipient ids the breach went to; they hear how the dispatch ended. */
  escalatedTo?: readonly string[];
  /** When it reached its terminal status. */
  endedAt?: Date;
  rejection?: { reason: RejectionReason; note?: string };
  /** For `moved`: where the content went. */
  newLocation?: string;
  /** For `moved`: who found out, the recipient (ack) or Wissel's re-trace. */
  movedDetectedBy?: 'recipient' | 'retrace';
  closeReason?: CloseReason;
}

export function newDispatch(init: {
  dispatchId: string;
  caseId: string;
  referralId: string;
  recipient: string;
  dispatchedAt: Date;
}): DispatchState {
  return { ...init, status: 'dispatched' };
}

export const isTerminalStatus = (status: DispatchStatus): boolean => TERMINAL_STATUSES.has(status);
