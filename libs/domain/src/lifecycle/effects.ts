import { type NoticeClockStart } from '../notice-clock/open-notice';
import { type CloseReason, type DispatchStatus } from './dispatch-state';

/**
 * What the caller must do after a lifecycle step. The domain decides; the dispatcher
 * performs them (store the notice, publish the messages, ask the router to decide again).
 */
export type LifecycleEffect =
  /** Store an open notice: the reminder and the deadline are now due at these times. */
  | ({ type: 'start_notice_clock' } & NoticeClockStart)
  /** The open notice of this dispatch is done: no reminder or escalation any more. */
  | { type: 'stop_notice_clock'; dispatchId: string; endedAs: DispatchStatus }
  /**
   * Decide the case again (a new decision linked to the same case): the content moved, or
   * the recipient says it is not theirs. `excludeRecipients` must not get it again.
   */
  | {
      type: 'request_redecision';
      caseId: string;
      referralId: string;
      previousDispatchId: string;
      previousRecipient: string;
      reason: 'moved' | 'not_our_jurisdiction';
      newLocation?: string;
      excludeRecipients: string[];
    }
  /** Tell the recipient whose dispatch ended as moved where the case went, once re-decided. */
  | {
      type: 'notify_previous_recipient';
      recipient: string;
      dispatchId: string;
      caseId: string;
      detectedBy: 'recipient' | 'retrace';
    }
  /** The authority and police a breach went to hear how the dispatch ended (no order needed). */
  | {
      type: 'notify_escalation_recipients';
      recipients: string[];
      dispatchId: string;
      caseId: string;
      endedAs: DispatchStatus;
    }
  /**
   * The recipient confirmed the material is gone: the case is removed once none of its
   * other removal dispatches is still live, so that a re-upload starts a new incident
   * (with its own notice) instead of joining a case whose notice is done.
   */
  | { type: 'case_removed'; caseId: string; dispatchId: string; at: Date }
  /** Tell the recipient Wissel ended the dispatch (e.g. withdrawn for a police hold: stop). */
  | {
      type: 'notify_recipient_closed';
      recipient: string;
      dispatchId: string;
      caseId: string;
      reason: CloseReason;
    };
