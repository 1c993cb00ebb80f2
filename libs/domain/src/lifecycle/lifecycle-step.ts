import { type DispatchState } from './dispatch-state';
import { type LifecycleEffect } from './effects';
import { type LifecycleRefusedError } from './lifecycle-error';

/**
 * The result of one lifecycle step. Refusals are returned, not thrown: the status consumer
 * must record them and move on (a throw would loop the partition).
 * - applied: the status moved on; perform the effects.
 * - duplicate: the dispatch is already there; nothing to do (redeliveries, retries).
 * - late: an ack of a stage the dispatch has passed; only a missing timestamp is filled in.
 * - refused: nothing changed; `error` says why with a stable code.
 */
export type LifecycleStep =
  | { outcome: 'applied'; state: DispatchState; effects: LifecycleEffect[] }
  | { outcome: 'duplicate' | 'late'; state: DispatchState; effects: [] }
  | { outcome: 'refused'; state: DispatchState; error: LifecycleRefusedError };
