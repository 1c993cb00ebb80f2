import { type DispatchAck } from './ack';
import { applyAck } from './apply-ack';
import { type DispatchState, newDispatch } from './dispatch-state';
import { type LifecycleStep } from './lifecycle-step';
import {
  closeDispatch,
  escalateDispatch,
  escalateUnacknowledged,
  moveAfterRetrace,
} from './wissel-steps';

const HOUR = 3_600_000;
const T0 = new Date('2026-11-22T08:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);
const base = newDispatch({
  dispatchId: 'd-1',
  caseId: 'case-1',
  referralId: 'ref-1',
  recipient: 'nl-hotline',
  dispatchedAt: T0,
});
const withAck = (
  state: DispatchState,
  kind: 'received' | 'notice_sent' | 'removed',
  hours: number,
) =>
  applyAck(
    state,
    { dispatchId: 'd-1', recipient: 'nl-hotline', kind, at: at(hours) } as DispatchAck,
    at(hours),
  ).state;
const noticed = withAck(base, 'notice_sent', 1);
const code = (step: LifecycleStep) => (step.outcome === 'refused' ? step.error.code : step.outcome);
const effects = (step: LifecycleStep) => (step.outcome === 'refused' ? [] : step.effects);

describe('escalateDispatch', () => {
  it('escalates a breached notice and remembers who it went to', () => {
    const step = escalateDispatch(noticed, ['nl-authority', 'nl-police'], at(25));
    expect(step.outcome).toBe('applied');
    expect(step.state).toMatchObject({
      status: 'escalated',
      escalatedAt: at(25),
      escalatedTo: ['nl-authority', 'nl-police'],
    });
  });

  it('is a duplicate the second time', () => {
    const once = escalateDispatch(noticed, ['nl-authority'], at(25)).state;
    expect(code(escalateDispatch(once, ['nl-authority'], at(26)))).toBe('duplicate');
  });

  it('needs a running notice', () => {
    expect(code(escalateDispatch(withAck(base, 'received', 1), ['x'], at(25)))).toBe(
      'no_notice_running',
    );
    expect(code(escalateDispatch(withAck(noticed, 'removed', 2), ['x'], at(25)))).toBe(
      'dispatch_ended',
    );
  });
});

describe('moveAfterRetrace', () => {
  it('ends an escalated dispatch as moved: clock stops, authority told, case decided again', () => {
    const escalated = escalateDispatch(noticed, ['nl-authority'], at(25)).state;
    const step = moveAfterRetrace(escalated, 'new.example', at(26));
    expect(step.state).toMatchObject({
      status: 'moved',
      newLocation: 'new.example',
      movedDetectedBy: 'retrace',
      endedAt: at(26),
    });
    expect(effects(step).map((e) => e.type)).toEqual([
      'stop_notice_clock',
      'notify_escalation_recipients',
      'request_redecision',
      'notify_previous_recipient',
    ]);
    expect(effects(step)[3]).toMatchObject({ recipient: 'nl-hotline', detectedBy: 'retrace' });
  });

  it('works before any notice (the re-trace before a notice) and refuses after an ending', () => {
    expect(effects(moveAfterRetrace(base, 'new.example', at(1))).map((e) => e.type)).toEqual([
      'request_redecision',
      'notify_previous_recipient',
    ]);
    expect(code(moveAfterRetrace(withAck(base, 'removed', 1), 'new.example', at(2)))).toBe(
      'dispatch_ended',
    );
  });
});

describe('closeDispatch', () => {
  it('withdraws a running notice (a police hold) and tells the recipient to stop', () => {
    const step = closeDispatch(noticed, 'withdrawn', at(3));
    expect(step.state).toMatchObject({
      status: 'closed',
      closeReason: 'withdrawn',
      endedAt: at(3),
    });
    expect(effects(step)).toEqual([
      { type: 'stop_notice_clock', dispatchId: 'd-1', endedAs: 'closed' },
      {
        type: 'notify_recipient_closed',
        recipient: 'nl-hotline',
        dispatchId: 'd-1',
        caseId: 'case-1',
        reason: 'withdrawn',
      },
    ]);
  });

  it('is a duplicate when closed and refused after another ending', () => {
    const closed = closeDispatch(base, 'operator', at(1)).state;
    expect(code(closeDispatch(closed, 'operator', at(2)))).toBe('duplicate');
    expect(code(closeDispatch(withAck(base, 'removed', 1), 'operator', at(2)))).toBe(
      'dispatch_ended',
    );
  });

  it('refuses recipient acks once closed', () => {
    const closed = closeDispatch(noticed, 'superseded', at(2)).state;
    const step = applyAck(
      closed,
      { dispatchId: 'd-1', recipient: 'nl-hotline', kind: 'removed', at: at(3) },
      at(3),
    );
    expect(code(step)).toBe('dispatch_ended');
  });
});

describe('escalateUnacknowledged', () => {
  it('escalates a dispatch nobody acknowledged, and refuses one acknowledged meanwhile', () => {
    const step = escalateUnacknowledged(base, ['nl-authority', 'nl-police'], at(25));
    expect(step.outcome === 'applied' && step.state).toMatchObject({
      status: 'escalated',
      escalatedAt: at(25),
      escalatedTo: ['nl-authority', 'nl-police'],
    });
    expect(code(escalateUnacknowledged(withAck(base, 'received', 2), ['nl-police'], at(25)))).toBe(
      'acknowledged',
    );
  });
});
