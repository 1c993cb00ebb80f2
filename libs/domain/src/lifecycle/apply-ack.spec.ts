import fc from 'fast-check';
import { DomainError } from '../errors';
import { ACK_KINDS, type AckKind, type DispatchAck } from './ack';
import { ACK_CLOCK_SKEW_MS, applyAck } from './apply-ack';
import { type DispatchState, isTerminalStatus, newDispatch } from './dispatch-state';
import { LifecycleRefusedError } from './lifecycle-error';
import { type LifecycleStep } from './lifecycle-step';
import { escalateDispatch } from './wissel-steps';

const HOUR = 3_600_000;
const T0 = new Date('2026-11-22T08:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);
const DISPATCH = '0f8e2d3c-1b4a-4c5d-9e6f-7a8b9c0d1e2f';

const dispatch = (): DispatchState =>
  newDispatch({
    dispatchId: DISPATCH,
    caseId: 'case-1',
    referralId: 'ref-1',
    recipient: 'nl-hotline',
    dispatchedAt: T0,
  });

function ack(kind: AckKind, hours: number, extra: Partial<DispatchAck> = {}): DispatchAck {
  const base = { dispatchId: DISPATCH, recipient: 'nl-hotline', at: at(hours) };
  if (kind === 'moved')
    return { ...base, kind, newLocation: 'other.example', ...extra } as DispatchAck;
  if (kind === 'rejected') return { ...base, kind, reason: 'not_csam', ...extra } as DispatchAck;
  return { ...base, kind, ...extra } as DispatchAck;
}

/** Applies acks in order, each at `now` = its own time, and returns every step. */
function run(state: DispatchState, ...acks: DispatchAck[]): LifecycleStep[] {
  const steps: LifecycleStep[] = [];
  for (const a of acks) {
    const step = applyAck(state, a, a.at);
    steps.push(step);
    state = step.state;
  }
  return steps;
}

const applied = (step: LifecycleStep) => {
  if (step.outcome !== 'applied') throw new Error(`expected applied, got ${step.outcome}`);
  return step;
};

describe('applyAck: the normal path', () => {
  it('moves dispatched → received → notice_sent → removed with the clock effects', () => {
    const [received, notice, removed] = run(
      dispatch(),
      ack('received', 1),
      ack('notice_sent', 2),
      ack('removed', 20),
    ).map(applied);

    expect(received!.state).toMatchObject({ status: 'received', receivedAt: at(1) });
    expect(received!.effects).toEqual([]);
    expect(notice!.state).toMatchObject({ status: 'notice_sent', noticeSentAt: at(2) });
    expect(notice!.effects).toEqual([
      {
        type: 'start_notice_clock',
        dispatchId: DISPATCH,
        caseId: 'case-1',
        referralId: 'ref-1',
        recipient: 'nl-hotline',
        noticeSentAt: at(2),
        deadline: at(26),
        reminderAt: at(20),
      },
    ]);
    expect(removed!.state).toMatchObject({ status: 'removed', endedAt: at(20) });
    expect(removed!.effects).toEqual([
      { type: 'stop_notice_clock', dispatchId: DISPATCH, endedAs: 'removed' },
      // The material is gone: the case closes (if nothing else of it is live).
      { type: 'case_removed', caseId: 'case-1', dispatchId: DISPATCH, at: at(20) },
    ]);
  });

  it("starts the clock with the recipient's own policy", () => {
    const step = applied(
      applyAck(dispatch(), ack('notice_sent', 1), at(1), {
        deadlineHours: 12,
        reminderFraction: 0.5,
      }),
    );
    expect(step.effects[0]).toMatchObject({ deadline: at(13), reminderAt: at(7) });
    expect(step.state.noticeClock).toEqual({ deadline: at(13), reminderAt: at(7) });
  });

  it('starts the clock from when the notice was sent, not from when the ack arrived', () => {
    const step = applied(applyAck(dispatch(), ack('notice_sent', 1), at(5)));
    expect(step.effects[0]).toMatchObject({ deadline: at(25) });
  });
});

describe('applyAck: skipped stages', () => {
  it('accepts notice_sent without received and invents no received time', () => {
    const step = applied(applyAck(dispatch(), ack('notice_sent', 1), at(1)));
    expect(step.state.status).toBe('notice_sent');
    expect(step.state.receivedAt).toBeUndefined();
  });

  it('accepts removed straight after dispatch, with no clock to stop', () => {
    const step = applied(applyAck(dispatch(), ack('removed', 3), at(3)));
    expect(step.state).toMatchObject({ status: 'removed', endedAt: at(3) });
    expect(step.effects).toEqual([
      { type: 'case_removed', caseId: 'case-1', dispatchId: DISPATCH, at: at(3) },
    ]);
  });
});

describe('applyAck: endings', () => {
  it('a move ends the clock, asks for a new decision on the case and tells the recipient', () => {
    const [, moved] = run(
      dispatch(),
      ack('notice_sent', 1),
      ack('moved', 4, { newLocation: 'https://new.example/x' }),
    );
    expect(applied(moved!).state).toMatchObject({
      status: 'moved',
      newLocation: 'https://new.example/x',
      movedDetectedBy: 'recipient',
    });
    expect(moved!.outcome === 'applied' && moved!.effects).toEqual([
      { type: 'stop_notice_clock', dispatchId: DISPATCH, endedAs: 'moved' },
      {
        type: 'request_redecision',
        caseId: 'case-1',
        referralId: 'ref-1',
        previousDispatchId: DISPATCH,
        previousRecipient: 'nl-hotline',
        reason: 'moved',
        newLocation: 'https://new.example/x',
        excludeRecipients: [],
      },
      {
        type: 'notify_previous_recipient',
        recipient: 'nl-hotline',
        dispatchId: DISPATCH,
        caseId: 'case-1',
        detectedBy: 'recipient',
      },
    ]);
  });

  it('a rejection keeps its reason and note; not_csam asks for nothing more', () => {
    const step = applied(
      applyAck(
        dispatch(),
        ack('rejected', 2, { reason: 'not_csam', note: 'adult, verified' }),
        at(2),
      ),
    );
    expect(step.state).toMatchObject({
      status: 'rejected',
      rejection: { reason: 'not_csam', note: 'adult, verified' },
    });
    expect(step.effects).toEqual([]);
  });

  it('not_our_jurisdiction asks for a new decision that leaves this recipient out', () => {
    const step = applied(
      applyAck(dispatch(), ack('rejected', 2, { reason: 'not_our_jurisdiction' }), at(2)),
    );
    expect(step.effects).toEqual([
      expect.objectContaining({
        type: 'request_redecision',
        reason: 'not_our_jurisdiction',
        excludeRecipients: ['nl-hotline'],
      }),
    ]);
  });

  it('an ending after escalation tells the escalation recipients', () => {
    const noticed = applyAck(dispatch(), ack('notice_sent', 1), at(1)).state;
    const escalated = escalateDispatch(noticed, ['nl-authority', 'nl-police'], at(25)).state;
    const step = applied(applyAck(escalated, ack('removed', 30), at(30)));
    expect(step.effects).toEqual([
      { type: 'stop_notice_clock', dispatchId: DISPATCH, endedAs: 'removed' },
      {
        type: 'notify_escalation_recipients',
        recipients: ['nl-authority', 'nl-police'],
        dispatchId: DISPATCH,
        caseId: 'case-1',
        endedAs: 'removed',
      },
      { type: 'case_removed', caseId: 'case-1', dispatchId: DISPATCH, at: at(30) },
    ]);
  });
});

describe('applyAck: repeats and late acks', () => {
  it('a repeat of the current state is a duplicate: same state, no effects', () => {
    const noticed = applyAck(dispatch(), ack('notice_sent', 1), at(1)).state;
    const again = applyAck(noticed, ack('notice_sent', 2), at(2));
    expect(again.outcome).toBe('duplicate');
    expect(again.state).toBe(noticed);
    expect(again.outcome !== 'refused' && again.effects).toEqual([]);
  });

  it('a repeat of an ending is a duplicate, not a refusal', () => {
    const removed = applyAck(dispatch(), ack('removed', 1), at(1)).state;
    expect(applyAck(removed, ack('removed', 2), at(2)).outcome).toBe('duplicate');
  });

  it('a late received fills in its time and changes nothing else', () => {
    const noticed = applyAck(dispatch(), ack('notice_sent', 2), at(2)).state;
    const step = applyAck(noticed, ack('received', 1), at(3));
    expect(step.outcome).toBe('late');
    expect(step.state).toEqual({ ...noticed, receivedAt: at(1) });
  });

  it('a late notice_sent after removal gives the monitor its start, but starts no clock', () => {
    const removed = applyAck(dispatch(), ack('removed', 10), at(10)).state;
    const step = applyAck(removed, ack('notice_sent', 2), at(11));
    expect(step.outcome).toBe('late');
    expect(step.state).toMatchObject({ status: 'removed', noticeSentAt: at(2) });
    expect(step.state.noticeClock).toBeUndefined();
    expect(step.outcome !== 'refused' && step.effects).toEqual([]);
  });

  it('a late ack whose stage already has a time keeps the first time', () => {
    const received = applyAck(dispatch(), ack('received', 1), at(1)).state;
    const noticed = applyAck(received, ack('notice_sent', 2), at(2)).state;
    expect(applyAck(noticed, ack('received', 1.5), at(3)).state).toBe(noticed);
  });
});

describe('applyAck: refusals', () => {
  const refusal = (step: LifecycleStep) => {
    if (step.outcome !== 'refused') throw new Error(`expected refused, got ${step.outcome}`);
    expect(step.error).toBeInstanceOf(LifecycleRefusedError);
    expect(step.error).toBeInstanceOf(DomainError);
    return step.error;
  };

  it('refuses an ack from a recipient the dispatch was not for', () => {
    const state = dispatch();
    const step = applyAck(state, ack('removed', 1, { recipient: 'de-hotline' }), at(1));
    expect(refusal(step).code).toBe('ack_wrong_recipient');
    expect(step.state).toBe(state);
  });

  it('refuses an ack for another dispatch', () => {
    const step = applyAck(
      dispatch(),
      ack('removed', 1, { dispatchId: '11111111-2222-4333-8444-555555555555' }),
      at(1),
    );
    expect(refusal(step).code).toBe('ack_wrong_dispatch');
  });

  it('refuses another ending once the dispatch has ended, naming the status', () => {
    const removed = applyAck(dispatch(), ack('removed', 1), at(1)).state;
    const error = refusal(applyAck(removed, ack('rejected', 2), at(2)));
    expect(error.code).toBe('dispatch_ended');
    expect(error.message).toContain('removed');
    expect(error.details).toMatchObject({
      dispatchId: DISPATCH,
      status: 'removed',
      kind: 'rejected',
    });
  });

  it('refuses acks dated beyond the skew allowance, and takes those within it', () => {
    const now = at(1);
    const future = new Date(now.getTime() + ACK_CLOCK_SKEW_MS + 1);
    const early = new Date(T0.getTime() - ACK_CLOCK_SKEW_MS - 1);
    expect(refusal(applyAck(dispatch(), { ...ack('received', 0), at: future }, now)).code).toBe(
      'ack_from_future',
    );
    expect(refusal(applyAck(dispatch(), { ...ack('received', 0), at: early }, now)).code).toBe(
      'ack_before_dispatch',
    );
    const skewed = new Date(now.getTime() + ACK_CLOCK_SKEW_MS);
    expect(applyAck(dispatch(), { ...ack('received', 0), at: skewed }, now).outcome).toBe(
      'applied',
    );
  });
});

describe('applyAck: properties over any sequence of acks', () => {
  const RANK: Record<string, number> = {
    dispatched: 0,
    received: 1,
    notice_sent: 2,
    escalated: 3,
  };
  const rank = (s: DispatchState) => (isTerminalStatus(s.status) ? 4 : RANK[s.status]!);
  const acks = fc.array(fc.tuple(fc.constantFrom(...ACK_KINDS), fc.integer({ min: 0, max: 3 })), {
    maxLength: 12,
  });
  // Wissel's own breach step mixed in, so escalated is visited too.
  const steps = fc.array(
    fc.tuple(fc.constantFrom(...ACK_KINDS, 'escalate' as const), fc.integer({ min: 0, max: 3 })),
    { maxLength: 12 },
  );

  it('never steps back, never leaves an ending, starts at most one clock and stops only a started one', () => {
    fc.assert(
      fc.property(steps, (sequence) => {
        let state = dispatch();
        let hours = 0;
        let started = 0;
        let stopped = 0;
        for (const [kind, gap] of sequence) {
          hours += gap;
          const before = state;
          const step =
            kind === 'escalate'
              ? escalateDispatch(state, ['nl-authority'], at(hours))
              : applyAck(state, ack(kind, hours), at(hours));
          if (step.outcome === 'refused') {
            // Acks are refused only after an ending; escalation also without a notice.
            const expected = isTerminalStatus(before.status)
              ? 'dispatch_ended'
              : 'no_notice_running';
            expect(step.error.code).toBe(expected);
          } else {
            started += step.effects.filter((e) => e.type === 'start_notice_clock').length;
            stopped += step.effects.filter((e) => e.type === 'stop_notice_clock').length;
          }
          state = step.state;
          expect(rank(state)).toBeGreaterThanOrEqual(rank(before));
          if (isTerminalStatus(before.status)) expect(state.status).toBe(before.status);
          expect(stopped).toBeLessThanOrEqual(started);
        }
        expect(started).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('applying the same ack twice in a row changes nothing the second time', () => {
    fc.assert(
      fc.property(acks, fc.constantFrom(...ACK_KINDS), (prefix, kind) => {
        let state = dispatch();
        prefix.forEach(([k], i) => (state = applyAck(state, ack(k, i), at(i)).state));
        const once = applyAck(state, ack(kind, prefix.length), at(prefix.length));
        const twice = applyAck(once.state, ack(kind, prefix.length), at(prefix.length));
        expect(twice.state).toEqual(once.state);
        expect(twice.outcome === 'refused' || twice.effects.length === 0).toBe(true);
      }),
    );
  });
});
