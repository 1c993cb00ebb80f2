import { type DispatchState } from './dispatch-state';
import { type LifecycleEffect } from './effects';
import { LifecycleRefusedError, type LifecycleRefusalCode } from './lifecycle-error';
import { type LifecycleStep } from './lifecycle-step';

// Builders of LifecycleStep for the step functions; internal to the lifecycle.

export const applied = (state: DispatchState, effects: LifecycleEffect[]): LifecycleStep => ({
  outcome: 'applied',
  state,
  effects,
});

export const unchanged = (outcome: 'duplicate' | 'late', state: DispatchState): LifecycleStep => ({
  outcome,
  state,
  effects: [],
});

export const refused = (
  state: DispatchState,
  code: LifecycleRefusalCode,
  reason: string,
  details: Record<string, unknown> = {},
): LifecycleStep => ({
  outcome: 'refused',
  state,
  error: new LifecycleRefusedError(code, reason, {
    dispatchId: state.dispatchId,
    status: state.status,
    ...details,
  }),
});
